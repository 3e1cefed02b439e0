/*
 * launcher.h - runs the boot programs named by the command line's
 * "run=" word (default "init"), one after another. Each entry is a program
 * in the initial ramdisk's bin/ with ':'-separated arguments, entries are
 * separated by ',': run=fault:null,init runs "fault null", then "init".
 *
 * This is the stand-in of this stage for init spawning services; a
 * program that fails to start is reported and skipped.
 */
#ifndef CAIRN_CORE_LAUNCHER_H
#define CAIRN_CORE_LAUNCHER_H

/* Starts the first program of the list. Boot CPU, once. */
void launcher_start(const char *run_list);

/* Starts the next program of the list (called when a process ends, from
 * any CPU). */
void launcher_next(void);

#endif
