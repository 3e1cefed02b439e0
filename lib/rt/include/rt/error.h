/*
 * rt/error.h - the names of the shared error codes (cairn/error.h), for
 * messages people read.
 */
#ifndef CAIRN_RT_ERROR_H
#define CAIRN_RT_ERROR_H

/* The code's name without its prefix ("ACCESS_DENIED" for
 * -CAIRN_E_ACCESS_DENIED or CAIRN_E_ACCESS_DENIED; "OK" for 0), or
 * "UNKNOWN" for a value no code has. */
const char *rt_error_name(long err);

#endif
