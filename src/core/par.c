/* par: a fresh set of threads per loop (a loop here is milliseconds of work, a thread start
 * tens of microseconds), an atomic counter handing out iterations. */
#include "comboscope/par.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_int forced; /* par_set_threads, 0 = default */
static _Thread_local int inside; /* this thread is running a par_for iteration */

int par_threads(void)
{
    int n = atomic_load(&forced);
    if (n > 0)
        return n;
    const char *e = getenv("COMBOSCOPE_THREADS");
    if (e && *e) {
        char *end;
        long v = strtol(e, &end, 10);
        if (*end == 0 && v >= 1)
            return v > PAR_MAX_THREADS ? PAR_MAX_THREADS : (int)v;
    }
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c < 1 ? 1 : c > 8 ? 8 : (int)c;
}

void par_set_threads(int n)
{
    atomic_store(&forced, n < 0 ? 0 : n > PAR_MAX_THREADS ? PAR_MAX_THREADS : n);
}

typedef struct job {
    size_t n;
    atomic_size_t next;
    void (*fn)(void *ctx, size_t i, int worker);
    void *ctx;
} job;

typedef struct worker_arg {
    job *j;
    int worker;
} worker_arg;

static void run(job *j, int worker)
{
    inside = 1;
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n)
            break;
        j->fn(j->ctx, i, worker);
    }
    inside = 0;
}

static void *thread_main(void *arg)
{
    worker_arg *w = arg;
    run(w->j, w->worker);
    return NULL;
}

void par_for(size_t n, void (*fn)(void *ctx, size_t i, int worker), void *ctx)
{
    int t = inside ? 1 : par_threads();
    if ((size_t)t > n)
        t = (int)n;
    if (t <= 1) {
        int was = inside;
        inside = 1;
        for (size_t i = 0; i < n; i++)
            fn(ctx, i, 0);
        inside = was;
        return;
    }
    job j = {.n = n, .fn = fn, .ctx = ctx};
    atomic_init(&j.next, 0);
    pthread_t th[PAR_MAX_THREADS];
    worker_arg wa[PAR_MAX_THREADS];
    bool started[PAR_MAX_THREADS] = {0};
    for (int w = 1; w < t; w++) {
        wa[w] = (worker_arg){&j, w};
        started[w] = pthread_create(&th[w], NULL, thread_main, &wa[w]) == 0;
    }
    run(&j, 0);
    for (int w = 1; w < t; w++)
        if (started[w])
            pthread_join(th[w], NULL);
}
