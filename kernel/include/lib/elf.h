/*
 * lib/elf.h - validation of ELF64 executables before they are loaded.
 *
 * elf_parse() trusts nothing in the file: it reads only inside the buffer it
 * is given, checks every header field a loader relies on and returns the
 * first problem it finds as a specific error. What it hands back is safe to
 * map without further checks: each loadable segment lies inside the file and
 * inside the caller's user address window, no two share a page, none is both
 * writable and executable, and the entry point is in an executable segment.
 * Only static x86_64 executables (ET_EXEC, no interpreter) are accepted.
 */
#ifndef CAIRN_LIB_ELF_H
#define CAIRN_LIB_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

/* Segment permission bits, the values of the ELF p_flags PF_* bits. */
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

/*
 * One PT_LOAD segment: memsz bytes at vaddr, the first filesz of them copied
 * from the file at offset, the rest zero. flags holds only ELF_PF_* bits.
 */
struct elf_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset;
    uint64_t filesz;
    uint32_t flags;
};

struct elf_image {
    uint64_t entry;
    unsigned nsegments;
    struct elf_segment segments[ELF_MAX_SEGMENTS]; /* in program header order */
};

/* The user address window: segments must lie in [user_base, user_top). */
struct elf_limits {
    uint64_t user_base;
    uint64_t user_top;
};

enum elf_error {
    ELF_OK = 0,
    ELF_ERR_TRUNCATED,          /* file shorter than the ELF header */
    ELF_ERR_MAGIC,              /* e_ident does not start with 0x7f 'E' 'L' 'F' */
    ELF_ERR_CLASS,              /* not ELFCLASS64 */
    ELF_ERR_ENDIAN,             /* not little-endian */
    ELF_ERR_VERSION,            /* EI_VERSION or e_version is not 1 */
    ELF_ERR_OSABI,              /* OS ABI not SYSV or GNU/Linux, or ABI version not 0 */
    ELF_ERR_TYPE,               /* not ET_EXEC */
    ELF_ERR_MACHINE,            /* not EM_X86_64 */
    ELF_ERR_HEADER_SIZE,        /* e_ehsize is not 64 */
    ELF_ERR_PHDR_SIZE,          /* e_phentsize is not 56 */
    ELF_ERR_PHDR_RANGE,         /* program header table not inside the file, or PN_XNUM */
    ELF_ERR_TOO_MANY_SEGMENTS,  /* more than ELF_MAX_SEGMENTS PT_LOAD entries */
    ELF_ERR_NO_SEGMENTS,        /* no program headers, or none is PT_LOAD */
    ELF_ERR_SEGMENT_FILE_RANGE, /* p_offset + p_filesz not inside the file */
    ELF_ERR_SEGMENT_SIZE,       /* p_filesz > p_memsz */
    ELF_ERR_SEGMENT_EMPTY,      /* p_memsz is 0 */
    ELF_ERR_SEGMENT_ADDRESS,    /* outside the limits, or the range wraps */
    ELF_ERR_SEGMENT_ALIGN,      /* p_align not a power of two, or vaddr, offset incongruent */
    ELF_ERR_SEGMENT_OVERLAP,    /* two PT_LOAD segments share a page */
    ELF_ERR_SEGMENT_WX,         /* writable and executable */
    ELF_ERR_ENTRY,              /* entry not inside an executable segment */
    ELF_ERR_INTERP,             /* PT_INTERP or PT_DYNAMIC: needs a dynamic loader */
};

/*
 * Validates the ELF64 executable in file[0, size) against limits, whose
 * bounds must be page-aligned, and describes it in *out. file need not be
 * aligned. Returns ELF_OK, or the first error found in header order, then
 * program header order; *out is meaningful only on ELF_OK.
 */
enum elf_error elf_parse(const void *file, size_t size, const struct elf_limits *limits,
                         struct elf_image *out);

/* Returns a short human-readable reason for err; never NULL. */
const char *elf_strerror(enum elf_error err);

#endif
