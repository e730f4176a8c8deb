/* rng: the project's own pseudo-random numbers (splitmix64), so that every predictor, design
 * and replay is reproducible for a given seed on any platform and libc. */
#ifndef COMBOSCOPE_RNG_H
#define COMBOSCOPE_RNG_H

#include <math.h>
#include <stdint.h>

typedef struct cs_rng {
    uint64_t state;
} cs_rng;

/* Mixes any number of words into one well-spread 64-bit value (for deriving seeds). */
static inline uint64_t rng_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Seeds r from seed and a stream number, so that streams of one seed are independent. */
static inline void rng_seed(cs_rng *r, uint64_t seed, uint64_t stream)
{
    r->state = rng_mix(seed ^ rng_mix(stream + 0x632be59bd9b4e019ULL));
}

/* The next 64 random bits. */
static inline uint64_t rng_next(cs_rng *r)
{
    r->state += 0x9e3779b97f4a7c15ULL;
    uint64_t z = r->state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double rng_uniform(cs_rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Uniform integer in [0, n) (n > 0), without modulo bias worth mentioning for n << 2^64. */
static inline uint64_t rng_below(cs_rng *r, uint64_t n) { return rng_next(r) % n; }

/* Standard normal (Box-Muller; one value per call keeps the stream simple). */
static inline double rng_normal(cs_rng *r)
{
    double u = rng_uniform(r), v = rng_uniform(r);
    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

#endif
