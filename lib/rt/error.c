/*
 * error.c - the names of the shared error codes (see rt/error.h).
 */
#include <cairn/error.h>
#include <rt/error.h>

static const char *const names[] = {
    [CAIRN_OK] = "OK",
    [CAIRN_E_INVALID_SYSCALL] = "INVALID_SYSCALL",
    [CAIRN_E_INVALID_ARGUMENT] = "INVALID_ARGUMENT",
    [CAIRN_E_BAD_ADDRESS] = "BAD_ADDRESS",
    [CAIRN_E_TOO_LARGE] = "TOO_LARGE",
    [CAIRN_E_NO_MEMORY] = "NO_MEMORY",
    [CAIRN_E_BAD_HANDLE] = "BAD_HANDLE",
    [CAIRN_E_REVOKED] = "REVOKED",
    [CAIRN_E_WRONG_TYPE] = "WRONG_TYPE",
    [CAIRN_E_ACCESS_DENIED] = "ACCESS_DENIED",
    [CAIRN_E_NO_HANDLES] = "NO_HANDLES",
    [CAIRN_E_QUOTA] = "QUOTA",
    [CAIRN_E_TIMED_OUT] = "TIMED_OUT",
    [CAIRN_E_PEER_DEAD] = "PEER_DEAD",
    [CAIRN_E_WOULD_BLOCK] = "WOULD_BLOCK",
    [CAIRN_E_BUSY] = "BUSY",
    [CAIRN_E_NOT_FOUND] = "NOT_FOUND",
    [CAIRN_E_NOT_SUPPORTED] = "NOT_SUPPORTED",
    [CAIRN_E_RESERVED] = "RESERVED",
};

_Static_assert(sizeof(names) / sizeof(names[0]) == CAIRN_ERROR_COUNT,
               "a name for every code of cairn/error.h");

const char *rt_error_name(long err)
{
    unsigned long code = err < 0 ? 0ul - (unsigned long)err : (unsigned long)err;
    return code < CAIRN_ERROR_COUNT ? names[code] : "UNKNOWN";
}
