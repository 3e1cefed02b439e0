# Cairn build. `make` builds build/cairn.iso; see README.md for the rest.
#
# Frame pointers and no sibling calls keep every caller in a panic backtrace.
#
# The kernel links twice: the first link gives the addresses for the symbol
# table (tools/gensyms.py), the second adds that table in the last section,
# so no code moves between the two.

.SUFFIXES:
.DELETE_ON_ERROR:
.SECONDEXPANSION:

BUILD   := build
PYTHON  := python3
CC      := gcc
LD      := ld
HOST_CC := clang
FONT    := /usr/share/consolefonts/Lat15-Terminus16.psf.gz
FUZZ_SECONDS ?= 20
GUI     ?= 0

WARNINGS := -Wall -Wextra -Werror
INCLUDES := -Ikernel/include -Ikernel/arch/x86_64/include -Iinclude -I$(BUILD)/gen/include

KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) $(INCLUDES) \
	-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
	-fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables -MMD -MP
KERNEL_ASFLAGS := $(INCLUDES) -D__ASSEMBLER__ -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	-T kernel/arch/x86_64/kernel.ld

# User code sees only the compiler's own headers (stddef.h, stdint.h,
# stdarg.h, limits.h, ...), Cairn's and those of the libraries in lib/
# (lib/c/include holds the C library's standard names): never the host's.
USER_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -I$(BUILD)/gen/include $(patsubst %,-I%,$(wildcard lib/*/include)) \
	-ffreestanding -fno-builtin -mgeneral-regs-only -fno-pic -fno-pie \
	-fno-stack-protector -MMD -MP
# .rt_main_thread: the initial thread's block at RT_MAIN_THREAD_BLOCK (lib/rt/include/rt/thread.h).
USER_LDFLAGS := -nostdlib -static -no-pie -Wl,-z,separate-code -Wl,-z,noexecstack \
	-Wl,--build-id=none -Wl,--section-start=.rt_main_thread=0x7ffff000

HOST_CFLAGS := -std=gnu11 -g -O1 $(WARNINGS) $(INCLUDES) -DCAIRN_HOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(INCLUDES) -DCAIRN_HOST_TEST \
	-fsanitize=fuzzer,address,undefined

# --- kernel -----------------------------------------------------------------
KERNEL_C   := $(shell find kernel -name '*.c' | sort)
KERNEL_S   := $(shell find kernel -name '*.S' | sort)
KERNEL_OBJ := $(patsubst %,$(BUILD)/%.o,$(KERNEL_C) $(KERNEL_S)) $(BUILD)/gen/font_console.c.o \
	$(BUILD)/gen/kernel/syscall_table.c.o

# --- the system-call ABI: everything from kernel/syscalls.tbl -----------------
SYSCALLS    := $(PYTHON) tools/syscalls.py kernel/syscalls.tbl
SYSCALLS_IN := tools/syscalls.py kernel/syscalls.tbl include/cairn/error.h include/cairn/handle.h include/cairn/log.h
SYSCALLS_H  := $(BUILD)/gen/include/cairn/syscalls.h

$(SYSCALLS_H): $(SYSCALLS_IN)
	$(SYSCALLS) --header $@

$(BUILD)/gen/lib/rt/syscalls.c: $(SYSCALLS_IN)
	$(SYSCALLS) --stubs $@

$(BUILD)/gen/kernel/syscall_table.c: $(SYSCALLS_IN)
	$(SYSCALLS) --kernel $@

$(BUILD)/gen/kernel/syscall_table.c.o: $(BUILD)/gen/kernel/syscall_table.c $(SYSCALLS_H)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/gen/lib/rt/syscalls.c.o: $(BUILD)/gen/lib/rt/syscalls.c $(SYSCALLS_H)
	$(CC) $(USER_CFLAGS) -c $< -o $@

# docs/syscalls.md is committed; `make test` fails when it has drifted.
docs: $(SYSCALLS_IN)
	$(SYSCALLS) --docs docs/syscalls.md

# --- kernel objects and link ---------------------------------------------------
$(BUILD)/kernel/%.c.o: kernel/%.c | $(SYSCALLS_H)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

# The IPC fast path's C halves are called only from assembly
# (ipc_fastpath_entry.S), which keeps the user's RBX RBP R12-R15 in the
# frame and reloads them itself: they need not save RBX R12-R15, and they
# leave RBP alone (no frame pointer; GCC cannot make RBP call-used): it
# still holds the user's value, as on entry to any system call, which
# backtrace.c's walk stops at (not kernel memory). Nor do they touch RSI
# RDX R8 R9 R10, the message, which thus stays in registers from the
# sender's SYSCALL to the receiver's SYSRET (they take one argument, RDI,
# return one word, RAX, and call out of line only through inline assembly,
# to functions that keep every register).
$(BUILD)/kernel/object/ipc_fastpath.c.o: KERNEL_CFLAGS += -fomit-frame-pointer -ffixed-rbp \
	-fcall-used-rbx -fcall-used-r12 -fcall-used-r13 -fcall-used-r14 -fcall-used-r15 \
	-ffixed-rsi -ffixed-rdx -ffixed-r8 -ffixed-r9 -ffixed-r10

$(BUILD)/kernel/%.S.o: kernel/%.S | $(SYSCALLS_H)
	@mkdir -p $(@D)
	$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(BUILD)/gen/font_console.c: tools/psf2c.py $(FONT)
	@mkdir -p $(@D)
	$(PYTHON) tools/psf2c.py $(FONT) $@

$(BUILD)/gen/font_console.c.o: $(BUILD)/gen/font_console.c
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/gen/ksyms_empty.S: tools/gensyms.py
	@mkdir -p $(@D)
	$(PYTHON) tools/gensyms.py /dev/null $@

$(BUILD)/gen/%.S.o: $(BUILD)/gen/%.S
	$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(BUILD)/cairn.stage1.elf: $(KERNEL_OBJ) $(BUILD)/gen/ksyms_empty.S.o kernel/arch/x86_64/kernel.ld
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJ) $(BUILD)/gen/ksyms_empty.S.o

$(BUILD)/gen/ksyms.S: $(BUILD)/cairn.stage1.elf tools/gensyms.py
	nm -n --defined-only $< > $(BUILD)/gen/cairn.nm
	$(PYTHON) tools/gensyms.py $(BUILD)/gen/cairn.nm $@

$(BUILD)/cairn.elf: $(KERNEL_OBJ) $(BUILD)/gen/ksyms.S.o
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJ) $(BUILD)/gen/ksyms.S.o
	@nm -n $(BUILD)/cairn.stage1.elf | grep -w 'T kmain' > $(BUILD)/gen/check1
	@nm -n $@ | grep -w 'T kmain' > $(BUILD)/gen/check2
	@cmp -s $(BUILD)/gen/check1 $(BUILD)/gen/check2 || \
		{ echo "kernel: code moved between the two links"; exit 1; }

# --- user programs and the initial ramdisk -----------------------------------
USER_PROGRAMS := init fault ktest bench sysfuzz posix spawntest nameserver log svctest

# --- user-space libraries ------------------------------------------------------
# Every program links lib/rt/crt0.S and then the archives of USER_LIBS, as
# one group (so they may call each other in any order); the linker takes
# only the members a program uses. libcairn.a is the runtime
# (docs/runtime.md): lib/rt (start-up, system-call stubs, IPC, mutex),
# lib/c (the C library subset) and kernel/lib's formatter and string
# functions.
#
# To add a library lib/NAME: put its sources in lib/NAME/*.c (and .S) and
# its public headers in lib/NAME/include/ (on every program's include path
# at once), then append NAME to USER_LIBS. build/lib/libNAME.a is made of
# every lib/NAME/*.c and *.S unless libNAME_OBJ names its objects.
USER_LIBS := cairn manifest spawn idl idlgen svc

libcairn_OBJ := $(BUILD)/lib/rt/rt.c.o $(BUILD)/lib/rt/ipc.c.o $(BUILD)/lib/rt/startup.c.o \
	$(BUILD)/lib/rt/thread.c.o $(BUILD)/lib/rt/ipc_buffer.c.o $(BUILD)/lib/rt/error.c.o \
	$(BUILD)/lib/rt/mutex.c.o $(BUILD)/gen/lib/rt/syscalls.c.o \
	$(patsubst %,$(BUILD)/%.o,$(wildcard lib/c/*.c)) \
	$(BUILD)/lib/pure/format.c.o $(BUILD)/lib/pure/string.c.o

# lib/spawn also carries the ELF and cpio readers it loads programs with.
libspawn_OBJ := $(patsubst %,$(BUILD)/%.o,$(wildcard lib/spawn/*.c)) \
	$(BUILD)/lib/pure/elf.c.o $(BUILD)/lib/pure/cpio.c.o

include lib/idl/idl.mk

# libNAME_OBJ must be set above this line: the rules below expand it.
lib_objects = $(or $(lib$(1)_OBJ),$(patsubst %,$(BUILD)/%.o,$(wildcard lib/$(1)/*.c lib/$(1)/*.S)))

define user_library
$(BUILD)/lib/lib$(1).a: $(call lib_objects,$(1))
	@mkdir -p $$(@D)
	rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(USER_LIBS),$(eval $(call user_library,$(l))))

USER_LIB_FILES := $(foreach l,$(USER_LIBS),$(BUILD)/lib/lib$(l).a)

# The pure parsers and helpers of kernel/lib (no kernel state, host-tested)
# are compiled once more for user space: the formatter and the string
# functions for the runtime, the ELF and cpio readers for lib/spawn.
$(BUILD)/lib/pure/%.c.o: kernel/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Ikernel/include -c $< -o $@

# The services (docs/services.md) and their test silo. lib/svc, the client
# helpers of every silo, includes the generated log and nameserver headers.
$(patsubst %,$(BUILD)/%.o,$(wildcard lib/svc/*.c)): | $(IDL_HEADERS)
$(BUILD)/user/init/%.c.o: USER_CFLAGS += -Ikernel/include
# BENCH scheme_resolve serves the nameserver's own handlers in a thread.
bench_OBJ := $(BUILD)/user/nameserver/service.c.o $(BUILD)/user/nameserver/namespace.c.o
$(BUILD)/user/bench/scheme.c.o: USER_CFLAGS += -Iuser/nameserver
$(BUILD)/user/posix/%.c.o: USER_CFLAGS += -Ikernel/include

$(BUILD)/lib/%.c.o: lib/%.c | $(SYSCALLS_H)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Ikernel/include -c $< -o $@

$(BUILD)/lib/%.S.o: lib/%.S
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(BUILD)/user/%.c.o: user/%.c | $(SYSCALLS_H)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/user/%.S.o: user/%.S | $(SYSCALLS_H)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

# A program is every .c and .S file in user/<name>/ and its <name>_OBJ,
# linked with crt0 and the libraries.
define user_program
$(BUILD)/user/$(1).elf: $(patsubst %,$(BUILD)/%.o,$(wildcard user/$(1)/*.c user/$(1)/*.S)) \
		$(BUILD)/lib/rt/crt0.S.o $($(1)_OBJ) $(USER_LIB_FILES)
	$$(CC) $$(USER_LDFLAGS) -o $$@ $$(filter %.o,$$^) -Wl,--start-group $(USER_LIB_FILES) -Wl,--end-group
endef
$(foreach p,$(USER_PROGRAMS),$(eval $(call user_program,$(p))))

# Unmodified Linux programs, built with Debian's musl-gcc exactly as anyone
# would build them (no Cairn headers), for the Linux personality's tests.
LINUX_PROGRAMS := hello getpid_bench
MUSL_CC ?= musl-gcc

$(BUILD)/linux/%: tests/linux/%.c
	@mkdir -p $(@D)
	$(MUSL_CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

INITRD_FILES := $(foreach p,$(USER_PROGRAMS),bin/$(p)=$(BUILD)/user/$(p).elf) \
	$(foreach f,$(wildcard silos/*),$(f)=$(f)) \
	$(foreach p,$(LINUX_PROGRAMS),linux/$(p)=$(BUILD)/linux/$(p))

$(BUILD)/initrd.cpio: tools/mkinitrd.py $(foreach f,$(INITRD_FILES),$(lastword $(subst =, ,$(f))))
	$(PYTHON) tools/mkinitrd.py $@ $(INITRD_FILES)

# --- the ISO -------------------------------------------------------------------
$(BUILD)/cairn.iso: $(BUILD)/cairn.elf $(BUILD)/initrd.cpio boot/grub.cfg
	@rm -rf $(BUILD)/iso
	@mkdir -p $(BUILD)/iso/boot/grub
	cp $(BUILD)/cairn.elf $(BUILD)/initrd.cpio $(BUILD)/iso/boot/
	cp boot/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/iso 2> $(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

# --- host unit tests and fuzzers ---------------------------------------------
include tests/host/tests.mk
include tests/fuzz/fuzz.mk

HOST_TESTS := $(patsubst tests/host/test_%.c,%,$(wildcard tests/host/test_*.c))
FUZZERS    := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

$(BUILD)/host/test_%: tests/host/test_%.c $$(HOST_TEST_SRCS_$$*) tests/host/check.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(HOST_TEST_CFLAGS_$*) -o $@ $< $(HOST_TEST_SRCS_$*)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_$$*)
	@mkdir -p $(@D)
	$(HOST_CC) $(FUZZ_CFLAGS) $(FUZZ_CFLAGS_$*) -o $@ $< $(FUZZ_SRCS_$*)

host-tests: $(foreach t,$(HOST_TESTS),$(BUILD)/host/test_$(t))
fuzzers: $(foreach f,$(FUZZERS),$(BUILD)/fuzz/fuzz_$(f))

# --- commands ------------------------------------------------------------------
.PHONY: all deps run debug test bench fuzz format clean host-tests fuzzers docs
.DEFAULT_GOAL := all

all: $(BUILD)/cairn.iso

deps:
	@sh tools/deps.sh

# deps runs first and on its own: the build needs what it installs.
run: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/qemu.py $(if $(filter 1,$(GUI)),--gui) --smp 4 $(BUILD)/cairn.iso

debug: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/qemu.py --gdb --smp 4 $(BUILD)/cairn.iso > $(BUILD)/debug-serial.log 2>&1 & \
		qemu=$$!; gdb -q -x tools/cairn.gdb; kill $$qemu 2>/dev/null; true

test: deps
	@$(MAKE) --no-print-directory all host-tests fuzzers
	$(SYSCALLS) --check-docs docs/syscalls.md
	$(PYTHON) -m unittest discover -s tests/tools
	$(PYTHON) tests/run.py --iso $(BUILD)/cairn.iso --fuzz-seconds $(FUZZ_SECONDS)

bench: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/bench.py --iso $(BUILD)/cairn.iso
	$(PYTHON) tools/fuzz_syscalls.py --iso $(BUILD)/cairn.iso

fuzz: deps
	@$(MAKE) --no-print-directory fuzzers
	$(PYTHON) tests/run.py --only-fuzz --fuzz-seconds $(if $(filter 20,$(FUZZ_SECONDS)),600,$(FUZZ_SECONDS))

format:
	clang-format -i $$(find kernel lib user tests -name '*.[ch]')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
