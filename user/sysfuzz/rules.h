/*
 * rules.h - what keeps the fuzzer alive and its run finite: changes to
 * drawn arguments, only where a call could otherwise block for ever, end
 * the process, make the kernel write over the fuzzer's own memory, or
 * reach real devices (no device-memory object is ever made).
 *
 * A call the table does not know (a new one) is made with its arguments
 * as drawn, except that none may point into the fuzzer's image or stack.
 */
#ifndef CAIRN_SYSFUZZ_RULES_H
#define CAIRN_SYSFUZZ_RULES_H

#include "call.h"
#include <stdbool.h>

#define RULE_DRAWS 1 /* random words a rule may use for its own choices */

/* True for a call the fuzzer must never make (it ends the caller). */
bool rules_forbid(uint64_t number);

/* Applies call's rule to its arguments. */
void rules_apply(struct call *call, const uint64_t draws[RULE_DRAWS]);

/* Removes every mapping in [WINDOW_BASE, REGION_END), where the rules keep
 * them; returns how many pages were mapped. */
unsigned rules_unmap_window(void);

#endif
