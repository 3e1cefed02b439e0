/*
 * test_elf.c - host tests for kernel/lib/elf.c.
 *
 * build_image() writes a minimal static x86_64 executable into memory: a
 * read+execute segment holding the headers and a few instructions, and a
 * read+write segment with data and bss. It is a genuine program (it exits
 * with status 42 when Linux runs it), which the test checks, so the
 * validator is known to accept real executables. Every other case mutates
 * one field of that image and asserts the specific error.
 */
#include <lib/elf.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define IMG_MAX  4096
#define PHOFF    64
#define PHSIZE   56
#define CODE_OFF 0x100
#define DATA_OFF 0x180
#define IMG_SIZE 0x190

#define TEXT_VADDR 0x400000ULL
#define DATA_VADDR 0x401180ULL
#define ENTRY      (TEXT_VADDR + CODE_OFF)
#define EXIT_CODE  42

#define PT_LOAD      1
#define PT_DYNAMIC   2
#define PT_INTERP    3
#define PT_NOTE      4
#define PT_PHDR      6
#define PT_TLS       7
#define PT_GNU_STACK 0x6474e551

/* Field offsets, as the ELF64 specification lays them out. */
#define E_TYPE      16
#define E_MACHINE   18
#define E_VERSION   20
#define E_ENTRY     24
#define E_PHOFF     32
#define E_EHSIZE    52
#define E_PHENTSIZE 54
#define E_PHNUM     56
#define P_TYPE      0
#define P_FLAGS     4
#define P_OFFSET    8
#define P_VADDR     16
#define P_FILESZ    32
#define P_MEMSZ     40
#define P_ALIGN     48

enum { SEG_TEXT, SEG_DATA, SEG_STACK, NPHDRS };

static const struct elf_limits LIMITS = {.user_base = 0x10000, .user_top = 0x00007fffffffe000};

static uint8_t img[IMG_MAX];
static struct elf_image out;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t *phdr(unsigned i)
{
    return img + PHOFF + i * PHSIZE;
}

static void put_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
                     uint64_t filesz, uint64_t memsz, uint64_t align)
{
    uint8_t *p = phdr(i);

    put32(p + P_TYPE, type);
    put32(p + P_FLAGS, flags);
    put64(p + P_OFFSET, offset);
    put64(p + P_VADDR, vaddr);
    put64(p + 24, vaddr); /* p_paddr */
    put64(p + P_FILESZ, filesz);
    put64(p + P_MEMSZ, memsz);
    put64(p + P_ALIGN, align);
}

/* Builds the valid executable in img and returns its size. */
static size_t build_image(void)
{
    /* exit(data[0] + bss byte): movzx edi,[DATA]; movzx eax,[BSS]; add edi,eax; exit. */
    static const uint8_t CODE[] = {
        0x0f, 0xb6, 0x3c, 0x25, 0x80, 0x11, 0x40, 0x00, /* movzx edi, byte [0x401180] */
        0x0f, 0xb6, 0x04, 0x25, 0x00, 0x21, 0x40, 0x00, /* movzx eax, byte [0x402100] */
        0x01, 0xc7,                                     /* add edi, eax */
        0xb8, 0x3c, 0x00, 0x00, 0x00,                   /* mov eax, 60 (exit) */
        0x0f, 0x05,                                     /* syscall */
    };

    memset(img, 0, sizeof(img));
    img[0] = 0x7f;
    img[1] = 'E';
    img[2] = 'L';
    img[3] = 'F';
    img[4] = 2; /* ELFCLASS64 */
    img[5] = 1; /* ELFDATA2LSB */
    img[6] = 1; /* EV_CURRENT */
    put16(img + E_TYPE, 2);
    put16(img + E_MACHINE, 62);
    put32(img + E_VERSION, 1);
    put64(img + E_ENTRY, ENTRY);
    put64(img + E_PHOFF, PHOFF);
    put16(img + E_EHSIZE, 64);
    put16(img + E_PHENTSIZE, PHSIZE);
    put16(img + E_PHNUM, NPHDRS);
    put16(img + 58, 64); /* e_shentsize; no section headers */

    put_phdr(SEG_TEXT, PT_LOAD, ELF_PF_R | ELF_PF_X, 0, TEXT_VADDR, 0x140, 0x140, 0x1000);
    put_phdr(SEG_DATA, PT_LOAD, ELF_PF_R | ELF_PF_W, DATA_OFF, DATA_VADDR, 0x10, 0x1000, 0x1000);
    put_phdr(SEG_STACK, PT_GNU_STACK, ELF_PF_R | ELF_PF_W, 0, 0, 0, 0, 16);
    memcpy(img + CODE_OFF, CODE, sizeof(CODE));
    img[DATA_OFF] = EXIT_CODE;
    return IMG_SIZE;
}

static enum elf_error parse(size_t size)
{
    return elf_parse(img, size, &LIMITS, &out);
}

static void test_valid_image(void)
{
    size_t size = build_image();

    CHECK_EQ(parse(size), ELF_OK);
    CHECK_EQ(out.entry, ENTRY);
    CHECK_EQ(out.nsegments, 2);
    CHECK_EQ(out.segments[0].vaddr, TEXT_VADDR);
    CHECK_EQ(out.segments[0].memsz, 0x140);
    CHECK_EQ(out.segments[0].offset, 0);
    CHECK_EQ(out.segments[0].filesz, 0x140);
    CHECK_EQ(out.segments[0].flags, ELF_PF_R | ELF_PF_X);
    CHECK_EQ(out.segments[1].vaddr, DATA_VADDR);
    CHECK_EQ(out.segments[1].memsz, 0x1000);
    CHECK_EQ(out.segments[1].offset, DATA_OFF);
    CHECK_EQ(out.segments[1].filesz, 0x10);
    CHECK_EQ(out.segments[1].flags, ELF_PF_R | ELF_PF_W);

    /* OS ABI GNU/Linux is accepted as well as SYSV. */
    build_image();
    img[7] = 3;
    CHECK_EQ(parse(size), ELF_OK);

    /* The buffer need not be aligned. */
    static uint8_t shifted[IMG_MAX + 1];
    build_image();
    memcpy(shifted + 1, img, size);
    CHECK_EQ(elf_parse(shifted + 1, size, &LIMITS, &out), ELF_OK);
    CHECK_EQ(out.segments[1].vaddr, DATA_VADDR);

    /* Extra bytes after the last segment are fine. */
    build_image();
    CHECK_EQ(parse(IMG_MAX), ELF_OK);
}

/* Writes the image to a file and lets Linux run it: a real loader must accept it too. */
static void test_image_runs_on_linux(void)
{
    char path[] = "/tmp/cairn-elf-XXXXXX";
    size_t size = build_image();
    int fd = mkstemp(path);

    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK_EQ(write(fd, img, size), (long long)size);
    CHECK_EQ(fchmod(fd, 0700), 0);
    close(fd);

    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {path, NULL}, *envp[] = {NULL};
        execve(path, argv, envp);
        /* 126 tells the parent the file system refused to execute it. */
        _exit(errno == EACCES || errno == EPERM ? 126 : 127);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    unlink(path);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 126) {
        fprintf(stderr, "elf: note: %s is not executable here, run check skipped\n", path);
        return;
    }
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), EXIT_CODE);
}

/* A distribution binary is dynamically linked and position independent: rejected. */
static void test_host_binary(void)
{
    static uint8_t buf[1 << 16];
    FILE *f = fopen("/bin/true", "rb");

    if (f == NULL)
        return;
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    CHECK_EQ(elf_parse(buf, n, &LIMITS, &out), ELF_ERR_TYPE);
    /* Relabelled ET_EXEC, its PT_INTERP (or, at the latest, its low addresses) still fail. */
    put16(buf + E_TYPE, 2);
    enum elf_error err = elf_parse(buf, n, &LIMITS, &out);
    CHECK(err == ELF_ERR_INTERP || err == ELF_ERR_SEGMENT_ADDRESS);
}

static void test_truncation(void)
{
    size_t size = build_image();

    CHECK_EQ(elf_parse(img, 0, &LIMITS, &out), ELF_ERR_TRUNCATED);
    for (size_t s = 0; s < size; s++) {
        enum elf_error want;

        if (s < 64)
            want = ELF_ERR_TRUNCATED;
        else if (s < PHOFF + NPHDRS * PHSIZE)
            want = ELF_ERR_PHDR_RANGE;
        else
            want = ELF_ERR_SEGMENT_FILE_RANGE;
        /* A copy of exactly s bytes lets ASan catch any read past the end. */
        uint8_t *copy = malloc(s ? s : 1);
        memcpy(copy, img, s);
        enum elf_error err = elf_parse(copy, s, &LIMITS, &out);
        free(copy);
        if (err != want)
            fprintf(stderr, "truncated to %zu bytes: got %d\n", s, err);
        CHECK_EQ(err, want);
    }
}

static void test_ident(void)
{
    size_t size = build_image();

    for (int i = 0; i < 4; i++) {
        build_image();
        img[i] ^= 0x20;
        CHECK_EQ(parse(size), ELF_ERR_MAGIC);
    }
    build_image();
    img[4] = 1; /* ELFCLASS32 */
    CHECK_EQ(parse(size), ELF_ERR_CLASS);
    build_image();
    img[5] = 2; /* big-endian */
    CHECK_EQ(parse(size), ELF_ERR_ENDIAN);
    build_image();
    img[6] = 0;
    CHECK_EQ(parse(size), ELF_ERR_VERSION);
    build_image();
    img[7] = 9; /* FreeBSD */
    CHECK_EQ(parse(size), ELF_ERR_OSABI);
    build_image();
    img[8] = 1; /* EI_ABIVERSION */
    CHECK_EQ(parse(size), ELF_ERR_OSABI);
}

static void test_header_fields(void)
{
    size_t size = build_image();

    put16(img + E_TYPE, 3); /* ET_DYN */
    CHECK_EQ(parse(size), ELF_ERR_TYPE);
    build_image();
    put16(img + E_TYPE, 1); /* ET_REL */
    CHECK_EQ(parse(size), ELF_ERR_TYPE);
    build_image();
    put16(img + E_MACHINE, 3); /* EM_386 */
    CHECK_EQ(parse(size), ELF_ERR_MACHINE);
    build_image();
    put32(img + E_VERSION, 2);
    CHECK_EQ(parse(size), ELF_ERR_VERSION);
    build_image();
    put16(img + E_EHSIZE, 52);
    CHECK_EQ(parse(size), ELF_ERR_HEADER_SIZE);
    build_image();
    put16(img + E_PHENTSIZE, 32);
    CHECK_EQ(parse(size), ELF_ERR_PHDR_SIZE);
}

static void test_phdr_table(void)
{
    size_t size = build_image();

    put16(img + E_PHNUM, 0);
    CHECK_EQ(parse(size), ELF_ERR_NO_SEGMENTS);
    build_image();
    put16(img + E_PHNUM, 0xffff);
    CHECK_EQ(parse(IMG_MAX), ELF_ERR_PHDR_RANGE);
    build_image();
    put16(img + E_PHNUM, 7); /* table would end at 456 > 400 */
    CHECK_EQ(parse(size), ELF_ERR_PHDR_RANGE);
    build_image();
    put64(img + E_PHOFF, size);
    CHECK_EQ(parse(size), ELF_ERR_PHDR_RANGE);
    build_image();
    put64(img + E_PHOFF, size - NPHDRS * PHSIZE + 1);
    CHECK_EQ(parse(size), ELF_ERR_PHDR_RANGE);
    build_image();
    put64(img + E_PHOFF, UINT64_MAX - 8); /* phoff + table size wraps */
    CHECK_EQ(parse(size), ELF_ERR_PHDR_RANGE);

    /* A table ending exactly at the end of the file is fine. */
    build_image();
    memcpy(img + 0x200, phdr(0), NPHDRS * PHSIZE);
    put64(img + E_PHOFF, 0x200);
    CHECK_EQ(parse(0x200 + NPHDRS * PHSIZE), ELF_OK);

    /* Only non-load headers: nothing to load. */
    build_image();
    put32(phdr(SEG_TEXT) + P_TYPE, PT_NOTE);
    put32(phdr(SEG_DATA) + P_TYPE, PT_TLS);
    CHECK_EQ(parse(size), ELF_ERR_NO_SEGMENTS);
}

static void test_ignored_and_refused_types(void)
{
    size_t size = build_image();
    static const uint32_t IGNORED[] = {0, PT_NOTE, PT_PHDR, PT_TLS, PT_GNU_STACK, 0x70000000};
    static const uint32_t REFUSED[] = {PT_INTERP, PT_DYNAMIC};

    for (size_t i = 0; i < sizeof(IGNORED) / sizeof(IGNORED[0]); i++) {
        build_image();
        put32(phdr(SEG_STACK) + P_TYPE, IGNORED[i]);
        CHECK_EQ(parse(size), ELF_OK);
        CHECK_EQ(out.nsegments, 2);
    }
    for (size_t i = 0; i < sizeof(REFUSED) / sizeof(REFUSED[0]); i++) {
        build_image();
        put32(phdr(SEG_STACK) + P_TYPE, REFUSED[i]);
        CHECK_EQ(parse(size), ELF_ERR_INTERP);
    }
}

static void test_segment_sizes(void)
{
    size_t size = build_image();
    uint8_t *data = phdr(SEG_DATA);

    put64(data + P_MEMSZ, 0);
    put64(data + P_FILESZ, 0);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_EMPTY);
    build_image();
    put64(data + P_FILESZ, 0x1001);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_SIZE);
    build_image();
    put64(data + P_FILESZ, 0x11); /* one byte past the end of the file */
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_FILE_RANGE);
    build_image();
    put64(data + P_FILESZ, 0);
    put64(data + P_OFFSET, size + 1);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_FILE_RANGE);
    build_image();
    put64(data + P_OFFSET, UINT64_MAX - 7); /* offset + filesz wraps */
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_FILE_RANGE);
    build_image();
    put64(data + P_FILESZ, UINT64_MAX);
    put64(data + P_MEMSZ, UINT64_MAX);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_FILE_RANGE);

    /* A segment whose data ends exactly at the end of the file, or has none, is fine. */
    build_image();
    CHECK_EQ(parse(DATA_OFF + 0x10), ELF_OK);
    build_image();
    put64(data + P_FILESZ, 0);
    CHECK_EQ(parse(DATA_OFF), ELF_OK);
}

static void test_segment_addresses(void)
{
    size_t size = build_image();
    uint8_t *data = phdr(SEG_DATA);

    put64(data + P_VADDR, LIMITS.user_base - 0x1000 + 0x180);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_ADDRESS);
    build_image();
    put64(data + P_VADDR, LIMITS.user_top + 0x180);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_ADDRESS);
    build_image();
    put64(data + P_VADDR, LIMITS.user_top - 0x1000 + 0x180);
    put64(data + P_MEMSZ, 0xe81); /* one byte past user_top */
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_ADDRESS);
    build_image();
    put64(data + P_MEMSZ, UINT64_MAX - 0x100); /* vaddr + memsz wraps */
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_ADDRESS);
    build_image();
    put64(data + P_VADDR, 0xffffffff80001180ULL); /* kernel half */
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_ADDRESS);

    /* Ending exactly at user_top, or starting exactly at user_base, is fine. */
    build_image();
    put64(data + P_VADDR, LIMITS.user_top - 0x1000 + 0x180);
    put64(data + P_MEMSZ, 0xe80);
    CHECK_EQ(parse(size), ELF_OK);
    build_image();
    put64(data + P_VADDR, LIMITS.user_base);
    put64(data + P_OFFSET, 0);
    CHECK_EQ(parse(size), ELF_OK);
}

static void test_segment_alignment(void)
{
    size_t size = build_image();
    uint8_t *data = phdr(SEG_DATA);
    uint8_t *text = phdr(SEG_TEXT);

    put64(data + P_ALIGN, 3);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_ALIGN);
    build_image();
    put64(data + P_ALIGN, 0x3000);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_ALIGN);
    build_image();
    put64(data + P_ALIGN, 0x200000); /* 0x401180 and 0x180 differ modulo 2 MiB */
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_ALIGN);
    build_image();
    put64(data + P_VADDR, DATA_VADDR + 0x10); /* not page-congruent with the offset */
    put64(data + P_ALIGN, 16);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_ALIGN);
    build_image();
    put64(data + P_VADDR, DATA_VADDR + 1);
    put64(data + P_ALIGN, 1); /* even with p_align 1 the pages must line up */
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_ALIGN);

    static const uint64_t GOOD[] = {0, 1, 2, 16, 0x1000};
    for (size_t i = 0; i < sizeof(GOOD) / sizeof(GOOD[0]); i++) {
        build_image();
        put64(data + P_ALIGN, GOOD[i]);
        CHECK_EQ(parse(size), ELF_OK);
    }
    build_image();
    put64(text + P_ALIGN, 0x200000); /* 0x400000 and 0 agree modulo 2 MiB */
    CHECK_EQ(parse(size), ELF_OK);
}

static void test_segment_permissions(void)
{
    size_t size = build_image();
    uint8_t *data = phdr(SEG_DATA);

    put32(data + P_FLAGS, ELF_PF_R | ELF_PF_W | ELF_PF_X);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_WX);
    build_image();
    put32(data + P_FLAGS, ELF_PF_W | ELF_PF_X);
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_WX);

    /* OS- and processor-specific bits are dropped from the result. */
    build_image();
    put32(data + P_FLAGS, 0xf0f00000 | ELF_PF_R | ELF_PF_W);
    CHECK_EQ(parse(size), ELF_OK);
    CHECK_EQ(out.segments[1].flags, ELF_PF_R | ELF_PF_W);
}

static void test_segment_overlap(void)
{
    size_t size = build_image();
    uint8_t *data = phdr(SEG_DATA);

    put64(data + P_VADDR, TEXT_VADDR + 0x180); /* same page as the text */
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_OVERLAP);
    build_image();
    put64(data + P_VADDR, TEXT_VADDR - 0x1000 + 0x180); /* below, running into the text page */
    CHECK_EQ(parse(size), ELF_ERR_SEGMENT_OVERLAP);
    build_image();
    put64(data + P_VADDR, TEXT_VADDR - 0x1000 + 0x180);
    put64(data + P_MEMSZ, 0xe80); /* ends exactly where the text page starts */
    CHECK_EQ(parse(size), ELF_OK);

    /* Program header order is kept even when addresses descend. */
    build_image();
    put_phdr(SEG_STACK, PT_LOAD, ELF_PF_R, 0, TEXT_VADDR - 0x2000, 0x10, 0x10, 0x1000);
    CHECK_EQ(parse(size), ELF_OK);
    CHECK_EQ(out.nsegments, 3);
    CHECK_EQ(out.segments[2].vaddr, TEXT_VADDR - 0x2000);
}

static void test_segment_count(void)
{
    build_image();
    /* Move the table past the data to make room for ELF_MAX_SEGMENTS + 1 entries. */
    const unsigned table = 0x200;
    memcpy(img + table, phdr(0), NPHDRS * PHSIZE);
    put64(img + E_PHOFF, table);
    for (unsigned n = NPHDRS; n <= ELF_MAX_SEGMENTS + 2; n++) {
        uint8_t *p = img + table + n * PHSIZE;
        put32(p + P_TYPE, PT_LOAD);
        put32(p + P_FLAGS, ELF_PF_R);
        put64(p + P_VADDR, 0x500000 + n * 0x1000ULL);
        put64(p + P_MEMSZ, 1);
    }
    /* Text, data and 14 extra loads make 16: the limit itself is fine. */
    put16(img + E_PHNUM, ELF_MAX_SEGMENTS + 1);
    CHECK_EQ(parse(IMG_MAX), ELF_OK);
    CHECK_EQ(out.nsegments, ELF_MAX_SEGMENTS);
    put16(img + E_PHNUM, ELF_MAX_SEGMENTS + 2);
    CHECK_EQ(parse(IMG_MAX), ELF_ERR_TOO_MANY_SEGMENTS);
}

static void test_entry(void)
{
    size_t size = build_image();
    static const uint64_t BAD[] = {0,          TEXT_VADDR - 1,     TEXT_VADDR + 0x140,
                                   DATA_VADDR, DATA_VADDR + 0x800, UINT64_MAX};

    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        build_image();
        put64(img + E_ENTRY, BAD[i]);
        CHECK_EQ(parse(size), ELF_ERR_ENTRY);
    }
    build_image();
    put64(img + E_ENTRY, TEXT_VADDR);
    CHECK_EQ(parse(size), ELF_OK);
    build_image();
    put64(img + E_ENTRY, TEXT_VADDR + 0x13f);
    CHECK_EQ(parse(size), ELF_OK);
}

static void test_strerror(void)
{
    CHECK_STR(elf_strerror(ELF_OK), "no error");
    CHECK_STR(elf_strerror(ELF_ERR_SEGMENT_WX), "segment both writable and executable");
    for (int e = ELF_ERR_TRUNCATED; e <= ELF_ERR_INTERP; e++) {
        const char *s = elf_strerror((enum elf_error)e);
        CHECK(s != NULL && strcmp(s, "unknown ELF error") != 0);
        /* Each reason is distinct from its neighbour. */
        CHECK(strcmp(s, elf_strerror((enum elf_error)(e - 1))) != 0);
    }
    CHECK_STR(elf_strerror((enum elf_error)999), "unknown ELF error");
}

int main(void)
{
    test_valid_image();
    test_image_runs_on_linux();
    test_host_binary();
    test_truncation();
    test_ident();
    test_header_fields();
    test_phdr_table();
    test_ignored_and_refused_types();
    test_segment_sizes();
    test_segment_addresses();
    test_segment_alignment();
    test_segment_permissions();
    test_segment_overlap();
    test_segment_count();
    test_entry();
    test_strerror();
    return CHECK_DONE("elf");
}
