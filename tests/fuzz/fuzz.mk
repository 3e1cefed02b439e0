# libFuzzer targets: tests/fuzz/fuzz_<name>.c is linked with FUZZ_SRCS_<name>
# and built with FUZZ_CFLAGS_<name> on top of the common flags;
# tests/fuzz/seeds/<name>/ holds its seed inputs.
FUZZ_SRCS_elf  := kernel/lib/elf.c
FUZZ_SRCS_cpio := kernel/lib/cpio.c
FUZZ_SRCS_acpi := kernel/acpi/tables.c
FUZZ_SRCS_handle_table := kernel/object/handle_table.c
FUZZ_SRCS_arena := lib/c/arena.c
FUZZ_SRCS_manifest := lib/manifest/manifest.c lib/manifest/keys.c kernel/lib/format.c
FUZZ_CFLAGS_manifest := -Ilib/manifest/include
# The IDL runtime and the generated code of tests/idl/echo.idl over the
# fake kernel of tests/idl/host.c.
FUZZ_SRCS_idl := lib/idl/codec.c lib/idl/dispatch.c lib/idl/serve.c tests/idl/host.c \
	$(BUILD)/gen/idl/echo_server.c
$(BUILD)/fuzz/fuzz_idl: FUZZ_CFLAGS += -Ilib/idl/include -Ilib/rt/include -I$(BUILD)/gen
$(BUILD)/fuzz/fuzz_idl: | $(SYSCALLS_H)
