/*
 * hints.h - what the arguments of the known calls are (args.h's enum
 * hint), so that three draws in four get past the calls' first checks
 * and reach deeper code. Nothing here keeps the fuzzer safe (rules.h does); a
 * call without hints, a new one included, draws every argument from the
 * whole mix.
 */
#ifndef CAIRN_SYSFUZZ_HINTS_H
#define CAIRN_SYSFUZZ_HINTS_H

#include "args.h"

/* The hint for argument arg (0-5) of call number, or HINT_NONE. */
enum hint hints_for(uint64_t number, unsigned arg);

#endif
