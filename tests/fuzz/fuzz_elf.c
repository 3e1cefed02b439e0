/*
 * fuzz_elf.c - libFuzzer target for elf_parse().
 *
 * Any input must be handled without reading outside it; whatever is accepted
 * must satisfy the promises elf.h makes, which are re-checked here with
 * arithmetic that cannot wrap.
 */
#include <lib/elf.h>

#include <stdlib.h>

static const struct elf_limits LIMITS = {.user_base = 0x10000, .user_top = 0x00007fffffffe000};

static void check_segment(const struct elf_segment *seg, size_t size)
{
    if (seg->memsz == 0 || seg->filesz > seg->memsz)
        abort();
    if (seg->offset > size || seg->filesz > size - seg->offset)
        abort();
    if (seg->vaddr < LIMITS.user_base || seg->vaddr >= LIMITS.user_top ||
        seg->memsz > LIMITS.user_top - seg->vaddr)
        abort();
    if (seg->vaddr % 4096 != seg->offset % 4096)
        abort();
    if ((seg->flags & ~(uint32_t)(ELF_PF_R | ELF_PF_W | ELF_PF_X)) != 0)
        abort();
    if ((seg->flags & ELF_PF_W) && (seg->flags & ELF_PF_X))
        abort();
}

static void check_image(const struct elf_image *image, size_t size)
{
    int entry_ok = 0;

    if (image->nsegments == 0 || image->nsegments > ELF_MAX_SEGMENTS)
        abort();
    for (unsigned i = 0; i < image->nsegments; i++) {
        const struct elf_segment *a = &image->segments[i];

        check_segment(a, size);
        if ((a->flags & ELF_PF_X) && image->entry >= a->vaddr && image->entry - a->vaddr < a->memsz)
            entry_ok = 1;
        for (unsigned j = 0; j < i; j++) {
            const struct elf_segment *b = &image->segments[j];
            uint64_t a_last = (a->vaddr + a->memsz - 1) / 4096,
                     b_last = (b->vaddr + b->memsz - 1) / 4096;

            if (a->vaddr / 4096 <= b_last && b->vaddr / 4096 <= a_last)
                abort();
        }
    }
    if (!entry_ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image image;
    enum elf_error err = elf_parse(data, size, &LIMITS, &image);

    if (elf_strerror(err) == NULL)
        abort();
    if (err == ELF_OK)
        check_image(&image, size);
    return 0;
}
