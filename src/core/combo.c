#include "comboscope/combo.h"

combo_t combo_all(int n)
{
    if (n <= 0)
        return 0;
    if (n >= 64)
        return ~(combo_t)0;
    return ((combo_t)1 << n) - 1;
}

int combo_rank(combo_t c)
{
    return __builtin_popcountll(c);
}

int combo_members(combo_t c, int *out)
{
    int k = 0;
    while (c) {
        out[k++] = __builtin_ctzll(c);
        c &= c - 1;
    }
    return k;
}

int combo_neighbours(combo_t c, int n, int target, combo_t *out)
{
    int k = 0;
    for (int i = 0; i < n && i < 64; i++) {
        if (i == target)
            continue;
        combo_t d = c ^ combo_single(i);
        if (d == 0)
            continue;
        out[k++] = d;
    }
    return k;
}

uint64_t combo_gray(uint64_t i)
{
    return i ^ (i >> 1);
}

uint64_t combo_gray_inverse(uint64_t g)
{
    for (int s = 1; s < 64; s <<= 1)
        g ^= g >> s;
    return g;
}

uint64_t combo_lattice_size(int n)
{
    if (n < 1 || n > 64)
        return 0;
    return (uint64_t)1 << (n - 1);
}

/* The index bits are spread over positions 0..n-1 skipping target: low bits below target
 * stay, the rest shift up by one. */
combo_t combo_lattice_at(int n, int target, uint64_t index)
{
    (void)n;
    if (target < 0)
        return index;
    uint64_t low = index & (((uint64_t)1 << target) - 1);
    uint64_t high = target >= 63 ? 0 : (index >> target) << (target + 1);
    return low | high | combo_single(target);
}

uint64_t combo_lattice_index(int n, int target, combo_t c)
{
    (void)n;
    if (target < 0)
        return c;
    uint64_t low = c & (((uint64_t)1 << target) - 1);
    uint64_t high = target >= 63 ? 0 : (c >> (target + 1)) << target;
    return low | high;
}

bool combo_each_with(int n, int target, bool (*fn)(combo_t c, void *ctx), void *ctx)
{
    uint64_t size = target >= 0 ? combo_lattice_size(n) : ((uint64_t)1 << n);
    for (uint64_t i = 0; i < size; i++) {
        combo_t c = combo_lattice_at(n, target, combo_gray(i));
        if (c == 0)
            continue;
        if (!fn(c, ctx))
            return false;
    }
    return true;
}
