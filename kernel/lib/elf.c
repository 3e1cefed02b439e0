/*
 * elf.c - ELF64 executable validation.
 *
 * Fields are read byte by byte at fixed offsets rather than through structs
 * laid over the file, so an unaligned buffer is fine and nothing is read
 * before its range has been checked against the file size.
 */
#include <lib/elf.h>

#include <stdbool.h>

#define EHDR_SIZE  64
#define PHDR_SIZE  56
#define PAGE_SHIFT 12
#define PAGE_MASK  ((1ULL << PAGE_SHIFT) - 1)

/* e_ident bytes and the values accepted there. */
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define EI_OSABI      7
#define EI_ABIVERSION 8
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ELFOSABI_SYSV 0
#define ELFOSABI_GNU  3

/* ELF header field offsets. */
#define E_TYPE      16
#define E_MACHINE   18
#define E_VERSION   20
#define E_ENTRY     24
#define E_PHOFF     32
#define E_EHSIZE    52
#define E_PHENTSIZE 54
#define E_PHNUM     56

#define ET_EXEC   2
#define EM_X86_64 62
/* e_phnum value meaning the real count is elsewhere; not supported. */
#define PN_XNUM 0xffff

/* Program header field offsets. */
#define P_TYPE   0
#define P_FLAGS  4
#define P_OFFSET 8
#define P_VADDR  16
#define P_FILESZ 32
#define P_MEMSZ  40
#define P_ALIGN  48

#define PT_LOAD    1
#define PT_DYNAMIC 2
#define PT_INTERP  3

static uint16_t read_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t read_u32(const uint8_t *p)
{
    return (uint32_t)read_u16(p) | (uint32_t)read_u16(p + 2) << 16;
}

static uint64_t read_u64(const uint8_t *p)
{
    return (uint64_t)read_u32(p) | (uint64_t)read_u32(p + 4) << 32;
}

/* Checks the identification bytes; ehdr holds at least EHDR_SIZE bytes. */
static enum elf_error check_ident(const uint8_t *ehdr)
{
    if (ehdr[0] != 0x7f || ehdr[1] != 'E' || ehdr[2] != 'L' || ehdr[3] != 'F')
        return ELF_ERR_MAGIC;
    if (ehdr[EI_CLASS] != ELFCLASS64)
        return ELF_ERR_CLASS;
    if (ehdr[EI_DATA] != ELFDATA2LSB)
        return ELF_ERR_ENDIAN;
    if (ehdr[EI_VERSION] != EV_CURRENT)
        return ELF_ERR_VERSION;
    if (ehdr[EI_OSABI] != ELFOSABI_SYSV && ehdr[EI_OSABI] != ELFOSABI_GNU)
        return ELF_ERR_OSABI;
    if (ehdr[EI_ABIVERSION] != 0)
        return ELF_ERR_OSABI;
    return ELF_OK;
}

/* Checks the rest of the ELF header, including where the program headers lie. */
static enum elf_error check_header(const uint8_t *ehdr, size_t size)
{
    enum elf_error err = check_ident(ehdr);

    if (err != ELF_OK)
        return err;
    if (read_u16(ehdr + E_TYPE) != ET_EXEC)
        return ELF_ERR_TYPE;
    if (read_u16(ehdr + E_MACHINE) != EM_X86_64)
        return ELF_ERR_MACHINE;
    if (read_u32(ehdr + E_VERSION) != EV_CURRENT)
        return ELF_ERR_VERSION;
    if (read_u16(ehdr + E_EHSIZE) != EHDR_SIZE)
        return ELF_ERR_HEADER_SIZE;
    if (read_u16(ehdr + E_PHENTSIZE) != PHDR_SIZE)
        return ELF_ERR_PHDR_SIZE;

    uint64_t phoff = read_u64(ehdr + E_PHOFF);
    uint16_t phnum = read_u16(ehdr + E_PHNUM);
    if (phnum == 0)
        return ELF_ERR_NO_SEGMENTS;
    /* phnum * PHDR_SIZE is at most 0xffff * 56, so it cannot wrap. */
    if (phnum == PN_XNUM || phoff > size || (uint64_t)phnum * PHDR_SIZE > size - phoff)
        return ELF_ERR_PHDR_RANGE;
    return ELF_OK;
}

static bool is_power_of_two(uint64_t x)
{
    return (x & (x - 1)) == 0;
}

/* Checks one PT_LOAD segment on its own against the file and the limits. */
static enum elf_error check_segment(const struct elf_segment *seg, uint64_t align, size_t size,
                                    const struct elf_limits *limits)
{
    if (seg->memsz == 0)
        return ELF_ERR_SEGMENT_EMPTY;
    if (seg->filesz > seg->memsz)
        return ELF_ERR_SEGMENT_SIZE;
    if (seg->offset > size || seg->filesz > size - seg->offset)
        return ELF_ERR_SEGMENT_FILE_RANGE;
    if (seg->vaddr < limits->user_base || seg->vaddr >= limits->user_top ||
        seg->memsz > limits->user_top - seg->vaddr)
        return ELF_ERR_SEGMENT_ADDRESS;
    if (!is_power_of_two(align))
        return ELF_ERR_SEGMENT_ALIGN;
    /* Mapping file pages needs page congruence whatever p_align claims. */
    if (align > 1 && seg->vaddr % align != seg->offset % align)
        return ELF_ERR_SEGMENT_ALIGN;
    if ((seg->vaddr & PAGE_MASK) != (seg->offset & PAGE_MASK))
        return ELF_ERR_SEGMENT_ALIGN;
    if ((seg->flags & ELF_PF_W) && (seg->flags & ELF_PF_X))
        return ELF_ERR_SEGMENT_WX;
    return ELF_OK;
}

/*
 * Two segments sharing a page could not each get their own permissions.
 * Compares inclusive page numbers, which cannot wrap as memsz > 0.
 */
static bool segments_share_page(const struct elf_segment *a, const struct elf_segment *b)
{
    uint64_t a_first = a->vaddr >> PAGE_SHIFT, a_last = (a->vaddr + a->memsz - 1) >> PAGE_SHIFT;
    uint64_t b_first = b->vaddr >> PAGE_SHIFT, b_last = (b->vaddr + b->memsz - 1) >> PAGE_SHIFT;

    return a_first <= b_last && b_first <= a_last;
}

/* Validates the PT_LOAD entry at phdr and appends it to out. */
static enum elf_error add_segment(const uint8_t *phdr, size_t size, const struct elf_limits *limits,
                                  struct elf_image *out)
{
    if (out->nsegments == ELF_MAX_SEGMENTS)
        return ELF_ERR_TOO_MANY_SEGMENTS;

    struct elf_segment *seg = &out->segments[out->nsegments];
    seg->vaddr = read_u64(phdr + P_VADDR);
    seg->memsz = read_u64(phdr + P_MEMSZ);
    seg->offset = read_u64(phdr + P_OFFSET);
    seg->filesz = read_u64(phdr + P_FILESZ);
    seg->flags = read_u32(phdr + P_FLAGS) & (ELF_PF_R | ELF_PF_W | ELF_PF_X);

    enum elf_error err = check_segment(seg, read_u64(phdr + P_ALIGN), size, limits);
    if (err != ELF_OK)
        return err;
    for (unsigned i = 0; i < out->nsegments; i++) {
        if (segments_share_page(&out->segments[i], seg))
            return ELF_ERR_SEGMENT_OVERLAP;
    }
    out->nsegments++;
    return ELF_OK;
}

static bool entry_is_executable(const struct elf_image *image)
{
    for (unsigned i = 0; i < image->nsegments; i++) {
        const struct elf_segment *seg = &image->segments[i];

        if ((seg->flags & ELF_PF_X) && image->entry >= seg->vaddr &&
            image->entry - seg->vaddr < seg->memsz)
            return true;
    }
    return false;
}

enum elf_error elf_parse(const void *file, size_t size, const struct elf_limits *limits,
                         struct elf_image *out)
{
    const uint8_t *bytes = file;

    if (size < EHDR_SIZE)
        return ELF_ERR_TRUNCATED;
    enum elf_error err = check_header(bytes, size);
    if (err != ELF_OK)
        return err;

    const uint8_t *phdrs = bytes + read_u64(bytes + E_PHOFF);
    uint16_t phnum = read_u16(bytes + E_PHNUM);
    out->entry = read_u64(bytes + E_ENTRY);
    out->nsegments = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *phdr = phdrs + (size_t)i * PHDR_SIZE;
        uint32_t type = read_u32(phdr + P_TYPE);

        if (type == PT_INTERP || type == PT_DYNAMIC)
            return ELF_ERR_INTERP;
        if (type != PT_LOAD)
            continue;
        err = add_segment(phdr, size, limits, out);
        if (err != ELF_OK)
            return err;
    }
    if (out->nsegments == 0)
        return ELF_ERR_NO_SEGMENTS;
    if (!entry_is_executable(out))
        return ELF_ERR_ENTRY;
    return ELF_OK;
}

const char *elf_strerror(enum elf_error err)
{
    switch (err) {
    case ELF_OK:
        return "no error";
    case ELF_ERR_TRUNCATED:
        return "file shorter than the ELF header";
    case ELF_ERR_MAGIC:
        return "not an ELF file (bad magic)";
    case ELF_ERR_CLASS:
        return "not a 64-bit ELF file";
    case ELF_ERR_ENDIAN:
        return "not a little-endian ELF file";
    case ELF_ERR_VERSION:
        return "unknown ELF version";
    case ELF_ERR_OSABI:
        return "unsupported OS ABI";
    case ELF_ERR_TYPE:
        return "not an executable (ET_EXEC)";
    case ELF_ERR_MACHINE:
        return "not an x86_64 executable";
    case ELF_ERR_HEADER_SIZE:
        return "bad ELF header size";
    case ELF_ERR_PHDR_SIZE:
        return "bad program header entry size";
    case ELF_ERR_PHDR_RANGE:
        return "program headers outside the file";
    case ELF_ERR_TOO_MANY_SEGMENTS:
        return "too many loadable segments";
    case ELF_ERR_NO_SEGMENTS:
        return "no loadable segments";
    case ELF_ERR_SEGMENT_FILE_RANGE:
        return "segment data outside the file";
    case ELF_ERR_SEGMENT_SIZE:
        return "segment file size exceeds memory size";
    case ELF_ERR_SEGMENT_EMPTY:
        return "segment with zero memory size";
    case ELF_ERR_SEGMENT_ADDRESS:
        return "segment outside the user address range";
    case ELF_ERR_SEGMENT_ALIGN:
        return "segment misaligned";
    case ELF_ERR_SEGMENT_OVERLAP:
        return "segments overlap";
    case ELF_ERR_SEGMENT_WX:
        return "segment both writable and executable";
    case ELF_ERR_ENTRY:
        return "entry point not in an executable segment";
    case ELF_ERR_INTERP:
        return "dynamically linked (needs an interpreter)";
    }
    return "unknown ELF error";
}
