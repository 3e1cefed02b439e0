/*
 * usercopy.c - checked copies from user space (see usercopy.h).
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/usercopy.h>
#include <cairn/error.h>

struct trap_fixup {
    uint64_t insn, fixup;
};

extern const struct trap_fixup __trap_fixups_start[], __trap_fixups_end[];

size_t user_copy_raw(void *dst, const void *src, size_t len);

bool user_range_ok(uint64_t addr, size_t len)
{
    return addr <= USER_TOP && len <= USER_TOP - addr;
}

int copy_from_user(void *dst, uint64_t user_src, size_t len)
{
    if (!user_range_ok(user_src, len))
        return -CAIRN_E_BAD_ADDRESS;
    user_access_begin();
    size_t left = user_copy_raw(dst, (const void *)user_src, len);
    user_access_end();
    return left ? -CAIRN_E_BAD_ADDRESS : 0;
}

int copy_to_user(uint64_t user_dst, const void *src, size_t len)
{
    if (!user_range_ok(user_dst, len))
        return -CAIRN_E_BAD_ADDRESS;
    user_access_begin();
    size_t left = user_copy_raw((void *)user_dst, src, len);
    user_access_end();
    return left ? -CAIRN_E_BAD_ADDRESS : 0;
}

uint64_t trap_find_fixup(uint64_t rip)
{
    for (const struct trap_fixup *f = __trap_fixups_start; f < __trap_fixups_end; f++) {
        if (f->insn == rip)
            return f->fixup;
    }
    return 0;
}
