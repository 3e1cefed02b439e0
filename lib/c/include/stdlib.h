/*
 * stdlib.h - memory, numbers, sorting and ending the program.
 *
 * The allocator (lib/c/malloc.c, core lib/c/arena.c) is thread-safe: one
 * heap per process behind one mutex. Blocks are 16-byte aligned; large
 * ones (32 KiB and up) get pages of their own, returned to the kernel on
 * free. Out of memory gives NULL with errno ENOMEM. free and realloc abort
 * the program with a message on a double free, a pointer not from malloc
 * or a block header an overrun destroyed (caught where the check is
 * cheap, not always). See docs/runtime.md.
 */
#ifndef CAIRN_LIBC_STDLIB_H
#define CAIRN_LIBC_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
/* The status of a program ended by abort() or a failed assert(). */
#define EXIT_ABORTED 134

void *malloc(size_t size);
/* n * size bytes, zeroed; NULL (errno ENOMEM) when n * size overflows. */
void *calloc(size_t n, size_t size);
/* As ISO C; realloc(p, 0) frees p and returns NULL (as glibc does). When
 * no memory is left it returns NULL and p stays valid. */
void *realloc(void *ptr, size_t size);
void free(void *ptr);
/* align must be a power of two (up to 256 MiB); NULL (errno EINVAL) if not.
 * size need not be a multiple of align. Freed with free. */
void *aligned_alloc(size_t align, size_t size);
/* As aligned_alloc; returns 0 or EINVAL/ENOMEM instead of setting errno. */
int posix_memalign(void **out, size_t align, size_t size);

/* Parse an integer as ISO C: leading space, a sign, base 0 (prefix 0x or 0
 * picks 16 or 8, else 10) or 2-36; *end (if end) gets the first byte not
 * used, or s when no digit was. Out of range: the nearest limit, errno
 * ERANGE; a bad base: 0, errno EINVAL. */
long strtol(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

int abs(int x);
long labs(long x);
long long llabs(long long x);

/* Sorts n elements of size bytes with cmp (heapsort: O(n log n) at worst,
 * no memory allocated, not stable). */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* The element of the sorted array equal to *key under cmp, or NULL. */
void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

/* Ends the process (every thread) with status: there are no atexit
 * handlers and no buffered output to flush. */
__attribute__((__noreturn__)) void exit(int status);
__attribute__((__noreturn__)) void _Exit(int status);
/* Prints "PROGRAM: aborted" and ends the process with EXIT_ABORTED. */
__attribute__((__noreturn__)) void abort(void);

/* The value of environment variable name: the text after "name=" in the
 * first entry of the environment the program was started with (a silo's
 * manifest `env`, lib/spawn's envp), or NULL when none names it (or name
 * is empty or contains '='). Read-only: there is no setenv. */
char *getenv(const char *name);

#endif
