/* fashion-train: one run of the fashion8 sample study (sample-results/fashion8/README.md).
 *
 * Trains ONE small network on a combination of datasets and scores every member on its own
 * held-out images, the way the method's paper fine-tunes one model on a combination: every
 * dataset keeps its own images and labels, each image's loss is taken on its own dataset's
 * task only, and the run sees a fixed budget of training images split equally among the
 * members, so adding a dataset both dilutes the target's share and may transfer to it.
 *
 * The datasets: Fashion-MNIST's ten-class task (T-shirt/top, trouser, ... ankle boot) seen
 * through each of the eight symmetries of the square (upright, turned a quarter, a half, three
 * quarters, mirrored left-right, flipped upside down, and the two diagonal reflections), as
 * the "rotated MNIST" benchmarks of domain generalization do. Each class's images are dealt
 * round robin to the eight datasets, so no image belongs to two of them: training images from
 * the first TRAIN_READ images of the training file, held-out images from the whole test file.
 * The split depends neither on the seed nor on the combination, so a dataset is always scored
 * on the same images. Images are averaged 2x2 to 14x14.
 *
 * Data: the IDX files of Debian's package dataset-fashion-mnist, gzip'd, read with zlib.
 * Deterministic for a seed: pseudo-random numbers come from splitmix64, every draw happens in
 * a fixed order, and the arithmetic is plain double precision.
 *
 * usage: fashion-train --datasets A,B,... --result FILE [--seed N] [--data DIR]
 *                      [--budget N] [--hidden N] [--epochs N] [--lr X] | --list | --help
 * Writes FILE atomically (write, then rename) as CSV, one row per member:
 *     combination,dataset,seed,accuracy,logloss
 * Exit status: 0 written, 1 data or I/O error, 2 usage error. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#ifndef FASHION_DATA
#define FASHION_DATA "/usr/share/datasets/fashion-mnist"
#endif

enum {
    SIDE = 28,            /* the files' images are 28x28 */
    S2 = SIDE / 2,        /* what the network sees: 14x14 */
    N_PIX = S2 * S2,
    TRAIN_READ = 12000,   /* images read from the training file */
    TEST_READ = 10000,    /* images read from the test file (all of it) */
    K = 10,               /* classes */
    MAX_MEMBERS = 32,
    HIDDEN_MAX = 256,
};

/* The datasets: one symmetry of the square each (see transform), and how many training
 * images each has, as real collections differ in size: the four turned ones are the large
 * ones, the four mirrored ones small. */
struct task {
    const char *name;
    int size;
};
static const struct task TASKS[] = {
    {"upright", 480},  {"rot90", 480},   {"rot180", 240},     {"rot270", 240},
    {"mirrored", 120}, {"flipped", 120}, {"transposed", 60},  {"antitransposed", 60},
};
enum { N_TASKS = sizeof TASKS / sizeof TASKS[0] };

struct image {
    float x[N_PIX]; /* 2x2 means of the pixels, scaled to 0..1, turned by its dataset's symmetry */
    int label;
};

/* One dataset's own images: indices into the image arrays. */
struct pool {
    int *train[K]; /* by class */
    int n_train[K];
    int *test, n_test;
};

static const char *prog = "fashion-train";

static void usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "%s: %s%s%s\n", prog, msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "usage: %s --datasets A,B,... --result FILE [--seed N] [--data DIR]\n", prog);
    exit(2);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", prog);
        exit(1);
    }
    return p;
}

/* splitmix64: small, and the same sequence on every platform. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double rng_unit(uint64_t *s) { return (double)(rng_next(s) >> 11) * 0x1.0p-53; }
static int rng_below(uint64_t *s, int n) { return (int)(rng_next(s) % (uint64_t)n); }
/* An independent stream for each purpose, so that one draw never shifts another. */
static uint64_t rng_stream(uint64_t seed, uint64_t stream)
{
    uint64_t s = seed * 0x2545F4914F6CDD1Dull ^ (stream * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull);
    rng_next(&s);
    return s;
}
static void shuffle(int *a, int n, uint64_t *s)
{
    for (int i = n - 1; i > 0; i--) {
        int j = rng_below(s, i + 1), t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

static gzFile open_gz(const char *dir, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s: %s (Debian's package dataset-fashion-mnist installs it)\n",
                prog, path, errno ? strerror(errno) : "out of memory");
        exit(1);
    }
    return f;
}

static void read_exact(gzFile f, const char *path, long offset, void *buf, unsigned n)
{
    int got = gzread(f, buf, n);
    if (got < 0 || (unsigned)got != n) {
        int err;
        const char *msg = gzerror(f, &err);
        fprintf(stderr, "%s: byte %ld: %s\n", path, offset + (got > 0 ? got : 0),
                err != Z_OK && err != Z_STREAM_END ? msg : "the file ends early");
        exit(1);
    }
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Reads the first max images of an IDX image file and its label file ("train" or "t10k"). */
static int load_images(const char *dir, const char *set, struct image *img, int max)
{
    char ipath[4096], lpath[4096], name[64];
    snprintf(name, sizeof name, "%s-images-idx3-ubyte.gz", set);
    gzFile fi = open_gz(dir, name, ipath, sizeof ipath);
    snprintf(name, sizeof name, "%s-labels-idx1-ubyte.gz", set);
    gzFile fl = open_gz(dir, name, lpath, sizeof lpath);
    unsigned char hi[16], hl[8];
    read_exact(fi, ipath, 0, hi, sizeof hi);
    read_exact(fl, lpath, 0, hl, sizeof hl);
    if (be32(hi) != 0x803 || be32(hi + 8) != SIDE || be32(hi + 12) != SIDE) {
        fprintf(stderr, "%s: byte 0: not an IDX file of %dx%d images\n", ipath, SIDE, SIDE);
        exit(1);
    }
    if (be32(hl) != 0x801) {
        fprintf(stderr, "%s: byte 0: not an IDX label file\n", lpath);
        exit(1);
    }
    if (be32(hi + 4) != be32(hl + 4)) {
        fprintf(stderr, "%s: byte 4: %u images, but %s has %u labels\n", ipath, be32(hi + 4), lpath,
                be32(hl + 4));
        exit(1);
    }
    int n = be32(hi + 4) < (uint32_t)max ? (int)be32(hi + 4) : max;
    unsigned char px[SIDE * SIDE], lab;
    for (int i = 0; i < n; i++) {
        read_exact(fi, ipath, 16 + (long)i * SIDE * SIDE, px, sizeof px);
        read_exact(fl, lpath, 8 + (long)i, &lab, 1);
        if (lab >= K) {
            fprintf(stderr, "%s: byte %ld: label %u is not a class 0..9\n", lpath, 8 + (long)i, lab);
            exit(1);
        }
        img[i].label = lab;
        for (int r = 0; r < S2; r++)
            for (int c = 0; c < S2; c++) {
                const unsigned char *p = px + 2 * r * SIDE + 2 * c;
                img[i].x[r * S2 + c] = (float)(p[0] + p[1] + p[SIDE] + p[SIDE + 1]) / (4.0f * 255.0f);
            }
    }
    gzclose(fi);
    gzclose(fl);
    return n;
}

/* Turns an image by one of the eight symmetries of the square: pixel (r, c) of the result
 * comes from pixel src(r, c) of the original. Exact: no interpolation. */
static void transform(float *x, int which)
{
    float out[N_PIX];
    const int n = S2 - 1;
    for (int r = 0; r < S2; r++)
        for (int c = 0; c < S2; c++) {
            int sr, sc;
            switch (which) {
            case 1: sr = n - c, sc = r; break;     /* a quarter turn clockwise */
            case 2: sr = n - r, sc = n - c; break; /* a half turn */
            case 3: sr = c, sc = n - r; break;     /* a quarter turn counter-clockwise */
            case 4: sr = r, sc = n - c; break;     /* mirrored left-right */
            case 5: sr = n - r, sc = c; break;     /* flipped upside down */
            case 6: sr = c, sc = r; break;         /* the main diagonal */
            case 7: sr = n - c, sc = n - r; break; /* the other diagonal */
            default: sr = r, sc = c; break;
            }
            out[r * S2 + c] = x[sr * S2 + sc];
        }
    memcpy(x, out, sizeof out);
}

/* Deals each class's images round robin to the datasets and turns each image by the
 * symmetry of the dataset it went to. */
static void deal(struct image *img, int n, struct pool *pools, int test)
{
    int seen[K] = {0};
    for (int i = 0; i < n; i++) {
        int d = img[i].label, t = seen[d]++ % N_TASKS;
        struct pool *p = &pools[t];
        transform(img[i].x, t);
        if (test)
            p->test[p->n_test++] = i;
        else
            p->train[d][p->n_train[d]++] = i;
    }
}

static int task_index(const char *name)
{
    for (int t = 0; t < N_TASKS; t++)
        if (strcmp(TASKS[t].name, name) == 0) return t;
    return -1;
}

/* The network, one for all members: x (196) -> h = relu(W1 x + b1) (H units) -> the ten class
 * scores W2 h + b2 -> softmax. Every dataset asks the same question (which of the ten
 * classes), so the output layer is shared, as one language model's label words are shared by
 * every dataset it is fine-tuned on; a dataset is told apart only by its images. */
struct net {
    int h;
    double *p[4], *v[4], *a[4]; /* w1[h][N_PIX], b1[h], w2[K][h], b2[K]; Adam's two moments */
    int size[4];
};

static void net_init(struct net *nt, int h, uint64_t seed)
{
    nt->h = h;
    nt->size[0] = h * N_PIX, nt->size[1] = h, nt->size[2] = K * h, nt->size[3] = K;
    for (int k = 0; k < 4; k++) {
        nt->p[k] = xcalloc((size_t)nt->size[k], sizeof(double));
        nt->v[k] = xcalloc((size_t)nt->size[k], sizeof(double));
        nt->a[k] = xcalloc((size_t)nt->size[k], sizeof(double));
    }
    uint64_t s = rng_stream(seed, 1000);
    double a1 = sqrt(6.0 / (N_PIX + h)), a2 = sqrt(6.0 / (h + K));
    for (int i = 0; i < nt->size[0]; i++) nt->p[0][i] = (2 * rng_unit(&s) - 1) * a1;
    for (int i = 0; i < h; i++) nt->p[1][i] = 0.01;
    for (int i = 0; i < nt->size[2]; i++) nt->p[2][i] = (2 * rng_unit(&s) - 1) * a2;
}

static void net_free(struct net *nt)
{
    for (int k = 0; k < 4; k++) free(nt->p[k]), free(nt->v[k]), free(nt->a[k]);
}

/* The class probabilities of x (hid: the hidden layer, for the backward pass). */
static void net_forward(const struct net *nt, const float *x, double *hid, double *prob)
{
    const int h = nt->h;
    for (int i = 0; i < h; i++) {
        const double *w = nt->p[0] + (size_t)i * N_PIX;
        double a = nt->p[1][i];
        for (int k = 0; k < N_PIX; k++) a += w[k] * x[k];
        hid[i] = a > 0 ? a : 0;
    }
    double mx = -INFINITY;
    for (int c = 0; c < K; c++) {
        const double *w = nt->p[2] + (size_t)c * h;
        double z = nt->p[3][c];
        for (int i = 0; i < h; i++) z += w[i] * hid[i];
        prob[c] = z;
        if (z > mx) mx = z;
    }
    double sum = 0;
    for (int c = 0; c < K; c++) sum += prob[c] = exp(prob[c] - mx);
    for (int c = 0; c < K; c++) prob[c] /= sum;
}

struct example {
    int image;
};

/* Adam on the mean cross-entropy of each image's class, minibatches of BATCH. */
static void net_train(struct net *nt, const struct image *img, const struct example *ex, int n_ex,
                      int epochs, double lr, uint64_t seed)
{
    enum { BATCH = 16 };
    const int h = nt->h;
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    double *g[4];
    for (int k = 0; k < 4; k++) g[k] = xcalloc((size_t)nt->size[k], sizeof(double));
    double *hid = xcalloc((size_t)h, sizeof(double)), *dhid = xcalloc((size_t)h, sizeof(double)), prob[K];
    int *order = xcalloc((size_t)n_ex, sizeof(int));
    for (int i = 0; i < n_ex; i++) order[i] = i;
    uint64_t s = rng_stream(seed, 3000);
    double c1 = 1, c2 = 1;
    for (int e = 0; e < epochs; e++) {
        shuffle(order, n_ex, &s);
        for (int b0 = 0; b0 < n_ex; b0 += BATCH) {
            int nb = n_ex - b0 < BATCH ? n_ex - b0 : BATCH;
            for (int k = 0; k < 4; k++) memset(g[k], 0, sizeof(double) * (size_t)nt->size[k]);
            for (int q = 0; q < nb; q++) {
                const struct example *e1 = &ex[order[b0 + q]];
                const float *x = img[e1->image].x;
                net_forward(nt, x, hid, prob);
                memset(dhid, 0, sizeof(double) * (size_t)h);
                for (int c = 0; c < K; c++) {
                    double dz = (prob[c] - (c == img[e1->image].label)) / nb;
                    const double *w = nt->p[2] + (size_t)c * h;
                    double *gw = g[2] + (size_t)c * h;
                    g[3][c] += dz;
                    for (int i = 0; i < h; i++) {
                        gw[i] += dz * hid[i];
                        dhid[i] += dz * w[i];
                    }
                }
                for (int i = 0; i < h; i++) {
                    if (hid[i] <= 0) continue;
                    double *g1 = g[0] + (size_t)i * N_PIX;
                    g[1][i] += dhid[i];
                    for (int k = 0; k < N_PIX; k++) g1[k] += dhid[i] * x[k];
                }
            }
            c1 *= b1, c2 *= b2;
            for (int k = 0; k < 4; k++)
                for (int i = 0; i < nt->size[k]; i++) {
                    double gi = g[k][i];
                    nt->v[k][i] = b1 * nt->v[k][i] + (1 - b1) * gi;
                    nt->a[k][i] = b2 * nt->a[k][i] + (1 - b2) * gi * gi;
                    nt->p[k][i] -= lr * (nt->v[k][i] / (1 - c1)) / (sqrt(nt->a[k][i] / (1 - c2)) + eps);
                }
        }
    }
    for (int k = 0; k < 4; k++) free(g[k]);
    free(hid), free(dhid), free(order);
}

/* Writes the result by write-then-rename, so that a reader never sees half a file. */
static void write_result(const char *path, const char *const *names, int m, long seed,
                         const double *acc, const double *loss)
{
    size_t len = strlen(path) + 32;
    char *tmp = xcalloc(len, 1);
    snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, tmp, strerror(errno));
        exit(1);
    }
    fprintf(f, "combination,dataset,seed,accuracy,logloss\n");
    for (int j = 0; j < m; j++) {
        for (int i = 0; i < m; i++) fprintf(f, "%s%s", i ? "+" : "", names[i]);
        fprintf(f, ",%s,%ld,%.4f,%.4f\n", names[j], seed, acc[j], loss[j]);
    }
    int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, tmp, strerror(errno));
        unlink(tmp);
        exit(1);
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "%s: cannot rename %s to %s: %s\n", prog, tmp, path, strerror(errno));
        unlink(tmp);
        exit(1);
    }
    free(tmp);
}

static long parse_long(const char *opt, const char *v, long lo, long hi)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno || x < lo || x > hi) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s needs an integer %ld..%ld", opt, lo, hi);
        usage_error(msg, v);
    }
    return x;
}

int main(int argc, char **argv)
{
    const char *data = FASHION_DATA, *result = NULL, *datasets = NULL;
    long seed = 1, budget = 480, hidden = 64, epochs = 30;
    double lr = 0.003;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "--list") == 0) {
            for (int t = 0; t < N_TASKS; t++) printf("%s\n", TASKS[t].name);
            return 0;
        }
        if (strcmp(a, "--help") == 0) {
            printf("usage: %s --datasets A,B,... --result FILE [--seed N] [--data DIR]\n"
                   "       [--budget N] [--hidden N] [--epochs N] [--lr X] | --list | --help\n", prog);
            return 0;
        }
        /* --opt VALUE and --opt=VALUE */
        char opt[32];
        const char *eq = strchr(a, '=');
        if (eq && (size_t)(eq - a) < sizeof opt) {
            memcpy(opt, a, (size_t)(eq - a));
            opt[eq - a] = '\0';
            v = eq + 1;
        } else {
            snprintf(opt, sizeof opt, "%s", a);
            if (i + 1 >= argc) usage_error("option needs a value", a);
            v = argv[++i];
        }
        if (strcmp(opt, "--datasets") == 0) datasets = v;
        else if (strcmp(opt, "--result") == 0) result = v;
        else if (strcmp(opt, "--data") == 0) data = v;
        else if (strcmp(opt, "--seed") == 0) seed = parse_long(opt, v, 0, 2147483647);
        else if (strcmp(opt, "--budget") == 0) budget = parse_long(opt, v, 2, 100000);
        else if (strcmp(opt, "--hidden") == 0) hidden = parse_long(opt, v, 1, HIDDEN_MAX);
        else if (strcmp(opt, "--epochs") == 0) epochs = parse_long(opt, v, 1, 10000);
        else if (strcmp(opt, "--lr") == 0) {
            char *end;
            lr = strtod(v, &end);
            if (end == v || *end || !(lr > 0 && lr < 10)) usage_error("--lr needs a number in (0, 10)", v);
        } else usage_error("unknown option", a);
    }
    if (!datasets) usage_error("--datasets is required", NULL);
    if (!result) usage_error("--result is required", NULL);

    /* The members, in the order given: the combination's name keeps that order. */
    char *list = strdup(datasets);
    if (!list) usage_error("out of memory", NULL);
    const char *names[MAX_MEMBERS];
    int member_task[MAX_MEMBERS], m = 0;
    for (char *save = NULL, *tok = strtok_r(list, ",+ ", &save); tok; tok = strtok_r(NULL, ",+ ", &save)) {
        int t = task_index(tok);
        if (t < 0) usage_error("unknown dataset (--list names them)", tok);
        for (int j = 0; j < m; j++)
            if (member_task[j] == t) usage_error("dataset named twice", tok);
        if (m == MAX_MEMBERS) usage_error("too many datasets", tok);
        names[m] = TASKS[t].name;
        member_task[m++] = t;
    }
    if (m == 0) usage_error("--datasets names no dataset", datasets);

    struct image *train = xcalloc(TRAIN_READ, sizeof *train), *test = xcalloc(TEST_READ, sizeof *test);
    int n_train = load_images(data, "train", train, TRAIN_READ);
    int n_test = load_images(data, "t10k", test, TEST_READ);
    struct pool pools[N_TASKS];
    memset(pools, 0, sizeof pools);
    for (int t = 0; t < N_TASKS; t++) {
        for (int c = 0; c < K; c++) pools[t].train[c] = xcalloc((size_t)n_train, sizeof(int));
        pools[t].test = xcalloc((size_t)n_test, sizeof(int));
    }
    deal(train, n_train, pools, 0);
    deal(test, n_test, pools, 1);

    /* The budget split equally among the members; a member with fewer training images than
     * its share brings all it has. Each share is spread evenly over the classes (the first
     * share % K classes get one more). Which images: a dataset's own images are the first
     * size/K of each class as dealt; a share takes a prefix of a fixed permutation of them
     * (the same for every seed), so a smaller share is a subset of a larger one and the seed
     * changes only the network's start and the order of the minibatches. */
    long share = budget / m;
    struct example *ex = xcalloc((size_t)budget + 1, sizeof *ex);
    int n_ex = 0;
    for (int j = 0; j < m; j++) {
        struct pool *p = &pools[member_task[j]];
        long own = TASKS[member_task[j]].size, sh = share < own ? share : own;
        for (int c = 0; c < K; c++) {
            long want = sh / K + (c < sh % K), have = own / K + (c < own % K);
            if (have > p->n_train[c]) {
                fprintf(stderr, "%s: %s needs %ld training images of class %d, the data has %d\n", prog,
                        names[j], have, c, p->n_train[c]);
                return 1;
            }
            uint64_t s = rng_stream(0, 100 + (uint64_t)member_task[j] * K + (uint64_t)c);
            shuffle(p->train[c], (int)have, &s);
            for (long k = 0; k < want; k++) ex[n_ex++] = (struct example){p->train[c][k]};
        }
    }

    struct net nt;
    net_init(&nt, (int)hidden, (uint64_t)seed);
    net_train(&nt, train, ex, n_ex, (int)epochs, lr, (uint64_t)seed);

    double acc[MAX_MEMBERS], loss[MAX_MEMBERS], prob[K];
    double *hid = xcalloc((size_t)hidden, sizeof(double));
    for (int j = 0; j < m; j++) {
        const struct pool *p = &pools[member_task[j]];
        int right = 0;
        double ll = 0;
        for (int k = 0; k < p->n_test; k++) {
            const struct image *im = &test[p->test[k]];
            net_forward(&nt, im->x, hid, prob);
            int best = 0;
            for (int c = 1; c < K; c++)
                if (prob[c] > prob[best]) best = c;
            right += best == im->label;
            ll -= log(prob[im->label] > 1e-300 ? prob[im->label] : 1e-300);
        }
        acc[j] = (double)right / p->n_test;
        loss[j] = ll / p->n_test;
    }
    write_result(result, names, m, seed, acc, loss);

    free(hid);
    free(ex);
    free(list);
    free(train);
    free(test);
    net_free(&nt);
    for (int t = 0; t < N_TASKS; t++) {
        for (int c = 0; c < K; c++) free(pools[t].train[c]);
        free(pools[t].test);
    }
    return 0;
}
