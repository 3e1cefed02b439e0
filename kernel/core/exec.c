/*
 * exec.c - loading ELF executables and their start-up stack (see exec.h).
 *
 * Pages are filled through the physical-memory window before the new
 * address space ever runs, so loading never touches user mappings.
 */
#include <arch/layout.h>
#include <arch/paging.h>
#include <core/exec.h>
#include <lib/elf.h>
#include <lib/string.h>
#include <mm/frame.h>

#define AT_NULL   0
#define AT_PAGESZ 6

static uint64_t page_flags(uint32_t elf_flags)
{
    uint64_t flags = 0;
    if (elf_flags & ELF_PF_W)
        flags |= PTE_WRITE;
    if (!(elf_flags & ELF_PF_X))
        flags |= pte_nx;
    return flags;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static int load_segment(uint64_t root, const uint8_t *file, const struct elf_segment *seg,
                        const char **why)
{
    uint64_t first = seg->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t end = seg->vaddr + seg->memsz;
    uint64_t file_end = seg->vaddr + seg->filesz;

    for (uint64_t va = first; va < end; va += PAGE_SIZE) {
        uint64_t frame = frame_alloc();
        if (!frame) {
            *why = "out of memory for program pages";
            return -1;
        }
        /* Copy the part of this page that the file backs; the rest stays 0. */
        uint64_t from = max_u64(va, seg->vaddr), to = min_u64(va + PAGE_SIZE, file_end);
        if (from < to)
            memcpy((uint8_t *)phys_to_virt(frame) + (from - va),
                   file + seg->offset + (from - seg->vaddr), to - from);
        if (!paging_map_user(root, va, frame, page_flags(seg->flags))) {
            frame_free(frame);
            *why = "out of memory for page tables";
            return -1;
        }
    }
    return 0;
}

int exec_load_elf(uint64_t root, const void *image, size_t size, uint64_t *entry, const char **why)
{
    static const struct elf_limits limits = {USER_BASE,
                                             USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE};
    struct elf_image elf;

    enum elf_error err = elf_parse(image, size, &limits, &elf);
    if (err != ELF_OK) {
        *why = elf_strerror(err);
        return -1;
    }
    for (unsigned i = 0; i < elf.nsegments; i++) {
        if (load_segment(root, image, &elf.segments[i], why) < 0)
            return -1;
    }
    *entry = elf.entry;
    return 0;
}

/* Lays out the start-up block in the top stack page (kernel view at top).
 * Returns the user address of argc, or 0 if the arguments do not fit. */
static uint64_t build_startup_block(uint8_t *page, int argc, char *const argv[],
                                    const struct exec_aux *aux, unsigned naux)
{
    uint64_t user_page = USER_STACK_TOP - PAGE_SIZE;
    uint64_t string_top = PAGE_SIZE;
    uint64_t argv_user[EXEC_MAX_ARGS];

    for (int i = argc - 1; i >= 0; i--) {
        size_t len = strlen(argv[i]) + 1;
        if (len > string_top / 2)
            return 0;
        string_top -= len;
        memcpy(page + string_top, argv[i], len);
        argv_user[i] = user_page + string_top;
    }
    /* argc, argv[argc], NULL, envp NULL, AT_PAGESZ pair, aux pairs, AT_NULL pair. */
    uint64_t words = 1 + (uint64_t)argc + 1 + 1 + 2 + 2 * (uint64_t)naux + 2;
    uint64_t start = (string_top - words * 8) & ~15ull;
    if (start > string_top)
        return 0;
    uint64_t *w = (uint64_t *)(page + start);
    *w++ = (uint64_t)argc;
    for (int i = 0; i < argc; i++)
        *w++ = argv_user[i];
    *w++ = 0;
    *w++ = 0;
    *w++ = AT_PAGESZ;
    *w++ = PAGE_SIZE;
    for (unsigned i = 0; i < naux; i++) {
        *w++ = aux[i].key;
        *w++ = aux[i].value;
    }
    *w++ = AT_NULL;
    *w++ = 0;
    return user_page + start;
}

int exec_setup_stack(uint64_t root, int argc, char *const argv[], const struct exec_aux *aux,
                     unsigned naux, uint64_t *rsp, const char **why)
{
    if (argc < 0 || argc > EXEC_MAX_ARGS || naux > EXEC_MAX_AUX) {
        *why = "too many arguments or auxiliary-vector entries";
        return -1;
    }
    for (unsigned i = 0; i < USER_STACK_PAGES; i++) {
        uint64_t frame = frame_alloc();
        uint64_t va = USER_STACK_TOP - (i + 1) * PAGE_SIZE;
        if (!frame || !paging_map_user(root, va, frame, PTE_WRITE | pte_nx)) {
            if (frame)
                frame_free(frame);
            *why = "out of memory for the stack";
            return -1;
        }
        if (i == 0) {
            *rsp = build_startup_block(phys_to_virt(frame), argc, argv, aux, naux);
            if (!*rsp) {
                *why = "arguments do not fit in one page";
                return -1;
            }
        }
    }
    return 0;
}
