/*
 * frame_bitmap.c - bitmap over physical frames (set = in use).
 *
 * Every range operation works a 64-bit word at a time: a run is cut into a
 * masked first word, whole middle words and a masked last word.
 */
#include <mm/frame_bitmap.h>

#define ALL_ONES (~(uint64_t)0)

/* Bits [lo, hi) of one word, 0 <= lo < hi <= 64. */
static uint64_t frame_mask(size_t lo, size_t hi)
{
    uint64_t upper = hi == FRAME_WORD_BITS ? ALL_ONES : ((uint64_t)1 << hi) - 1;

    return upper & ~(((uint64_t)1 << lo) - 1);
}

/* Written out because __builtin_popcountll becomes a libgcc call without
 * -mpopcnt, and kernel code calls nothing outside itself. */
static size_t frame_popcount(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (size_t)((x * 0x0101010101010101ull) >> 56);
}

/* Sets or clears [first, end) and keeps nfree equal to the clear bits. */
static void frame_set_range(struct frame_bitmap *fb, size_t first, size_t end, bool used)
{
    size_t f = first;

    while (f < end) {
        size_t w = f / FRAME_WORD_BITS, lo = f % FRAME_WORD_BITS;
        size_t hi = end - f >= FRAME_WORD_BITS - lo ? FRAME_WORD_BITS : lo + (end - f);
        uint64_t mask = frame_mask(lo, hi);

        if (used) {
            fb->nfree -= frame_popcount(~fb->words[w] & mask);
            fb->words[w] |= mask;
        } else {
            fb->nfree += frame_popcount(fb->words[w] & mask);
            fb->words[w] &= ~mask;
        }
        f += hi - lo;
    }
}

/*
 * First frame in [from, end) whose bit equals `used`, or end when there is
 * none.
 */
static size_t frame_find(const struct frame_bitmap *fb, size_t from, size_t end, bool used)
{
    size_t f = from;

    while (f < end) {
        size_t w = f / FRAME_WORD_BITS, lo = f % FRAME_WORD_BITS;
        size_t hi = end - f >= FRAME_WORD_BITS - lo ? FRAME_WORD_BITS : lo + (end - f);
        uint64_t bits = (used ? fb->words[w] : ~fb->words[w]) & frame_mask(lo, hi);

        if (bits)
            return w * FRAME_WORD_BITS + (size_t)__builtin_ctzll(bits);
        f += hi - lo;
    }
    return end;
}

/* Clips [first, first + count) to the bitmap; returns its end. */
static size_t frame_clip_end(const struct frame_bitmap *fb, size_t first, size_t count)
{
    if (first >= fb->nframes)
        return first;
    return count > fb->nframes - first ? fb->nframes : first + count;
}

void frame_bitmap_init(struct frame_bitmap *fb, uint64_t *words, size_t nframes)
{
    size_t n = FRAME_WORDS(nframes);

    for (size_t i = 0; i < n; i++)
        words[i] = ALL_ONES;
    fb->words = words;
    fb->nframes = nframes;
    fb->nfree = 0;
    fb->hint = 0;
}

void frame_bitmap_release(struct frame_bitmap *fb, size_t first, size_t count)
{
    size_t end = frame_clip_end(fb, first, count);

    frame_set_range(fb, first, end, false);
    if (first < end && first < fb->hint)
        fb->hint = first;
}

void frame_bitmap_reserve(struct frame_bitmap *fb, size_t first, size_t count)
{
    frame_set_range(fb, first, frame_clip_end(fb, first, count), true);
}

/* Frames of word w that may start a single-frame allocation under align. */
static uint64_t frame_align_mask(size_t w, size_t align)
{
    /* Bits at multiples of 1, 2, 4, 8, 16 and 32 within a word. */
    static const uint64_t pattern[] = {
        ALL_ONES,
        0x5555555555555555ull,
        0x1111111111111111ull,
        0x0101010101010101ull,
        0x0001000100010001ull,
        0x0000000100000001ull,
    };

    if (align < FRAME_WORD_BITS)
        return pattern[__builtin_ctzll(align)];
    return ((w * FRAME_WORD_BITS) & (align - 1)) == 0 ? 1 : 0;
}

/* Scans words [from, to) for an allowed free frame below limit. */
static bool frame_scan_words(const struct frame_bitmap *fb, size_t from, size_t to, size_t align,
                             size_t limit, size_t *found)
{
    size_t last = (limit - 1) / FRAME_WORD_BITS;

    for (size_t w = from; w < to; w++) {
        uint64_t bits = ~fb->words[w] & frame_align_mask(w, align);

        if (w == last && limit % FRAME_WORD_BITS)
            bits &= frame_mask(0, limit % FRAME_WORD_BITS);
        if (bits) {
            *found = w * FRAME_WORD_BITS + (size_t)__builtin_ctzll(bits);
            return true;
        }
    }
    return false;
}

static bool frame_alloc_one(struct frame_bitmap *fb, size_t align, size_t limit, size_t *first)
{
    size_t nwords = (limit - 1) / FRAME_WORD_BITS + 1;
    size_t start = fb->hint < limit ? fb->hint / FRAME_WORD_BITS : 0;
    size_t f;

    if (!frame_scan_words(fb, start, nwords, align, limit, &f) &&
        !frame_scan_words(fb, 0, start, align, limit, &f))
        return false;
    fb->words[f / FRAME_WORD_BITS] |= (uint64_t)1 << (f % FRAME_WORD_BITS);
    fb->nfree--;
    fb->hint = f + 1;
    *first = f;
    return true;
}

/* Smallest multiple of align that is >= x, or false if that overflows. */
static bool frame_align_up(size_t x, size_t align, size_t *out)
{
    size_t down = x & ~(align - 1);

    if (down == x) {
        *out = x;
        return true;
    }
    if (down > SIZE_MAX - align)
        return false;
    *out = down + align;
    return true;
}

/*
 * First fit from frame 0. Each probe either succeeds or moves the candidate
 * past the used frame that broke the run, so the scan is linear.
 */
static bool frame_alloc_run(struct frame_bitmap *fb, size_t count, size_t align, size_t limit,
                            size_t *first)
{
    size_t cand = 0;

    while (cand <= limit - count) {
        size_t used = frame_find(fb, cand, cand + count, true);

        if (used == cand + count) {
            frame_set_range(fb, cand, cand + count, true);
            *first = cand;
            return true;
        }
        size_t next_free = frame_find(fb, used + 1, limit, false);

        if (!frame_align_up(next_free, align, &cand))
            return false;
    }
    return false;
}

bool frame_bitmap_alloc(struct frame_bitmap *fb, size_t count, size_t align, size_t limit,
                        size_t *first)
{
    if (count == 0 || align == 0 || (align & (align - 1)) != 0)
        return false;
    if (limit > fb->nframes)
        limit = fb->nframes;
    if (count > limit || fb->nfree < count)
        return false;
    if (count == 1)
        return frame_alloc_one(fb, align, limit, first);
    return frame_alloc_run(fb, count, align, limit, first);
}

enum frame_error frame_bitmap_free(struct frame_bitmap *fb, size_t first, size_t count)
{
    if (count == 0 || first >= fb->nframes || count > fb->nframes - first)
        return FRAME_ERR_RANGE;
    if (frame_find(fb, first, first + count, false) != first + count)
        return FRAME_ERR_DOUBLE_FREE;
    frame_set_range(fb, first, first + count, false);
    if (first < fb->hint)
        fb->hint = first;
    return FRAME_OK;
}

size_t frame_bitmap_free_count(const struct frame_bitmap *fb)
{
    return fb->nfree;
}

const char *frame_strerror(enum frame_error err)
{
    switch (err) {
    case FRAME_OK:
        return "success";
    case FRAME_ERR_RANGE:
        return "frame range empty, outside the bitmap or wrapping";
    case FRAME_ERR_DOUBLE_FREE:
        return "frame already free (double free)";
    }
    return "unknown frame error";
}
