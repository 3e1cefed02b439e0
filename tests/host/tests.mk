# Host unit tests: tests/host/test_<name>.c is linked with HOST_TEST_SRCS_<name>
# and built with HOST_TEST_CFLAGS_<name> on top of the common sanitizer flags.
HOST_TEST_SRCS_string := kernel/lib/string.c
HOST_TEST_SRCS_format := kernel/lib/format.c kernel/lib/string.c
HOST_TEST_SRCS_elf    := kernel/lib/elf.c
HOST_TEST_SRCS_cpio   := kernel/lib/cpio.c
HOST_TEST_SRCS_frame  := kernel/mm/frame_bitmap.c
HOST_TEST_SRCS_heap   := kernel/mm/heap.c
HOST_TEST_SRCS_acpi   := kernel/acpi/tables.c
HOST_TEST_SRCS_ksyms  := kernel/core/ksyms.c
HOST_TEST_CFLAGS_string := -include tests/host/string_rename.h
HOST_TEST_SRCS_handle_table := kernel/object/handle_table.c
HOST_TEST_SRCS_arena := lib/c/arena.c
HOST_TEST_SRCS_libc := lib/c/string.c lib/c/strdup.c lib/c/strtol.c lib/c/qsort.c lib/c/abs.c \
	kernel/lib/string.c
HOST_TEST_CFLAGS_libc := -include tests/host/string_rename.h -include tests/host/libc_rename.h
HOST_TEST_SRCS_linux_stack := user/posix/stack.c lib/spawn/stack.c
HOST_TEST_CFLAGS_linux_stack := -Iuser/posix -Ilib/spawn/include
HOST_TEST_SRCS_manifest := lib/manifest/manifest.c lib/manifest/keys.c kernel/lib/format.c
HOST_TEST_CFLAGS_manifest := -Ilib/manifest/include
HOST_TEST_SRCS_spawn_stack := lib/spawn/stack.c
HOST_TEST_CFLAGS_spawn_stack := -Ilib/spawn/include
HOST_TEST_SRCS_namespace := user/nameserver/namespace.c
HOST_TEST_CFLAGS_namespace := -Iuser/nameserver
HOST_TEST_SRCS_log_store := user/log/store.c
HOST_TEST_CFLAGS_log_store := -Iuser/log
HOST_TEST_SRCS_logbuf := kernel/lib/logbuf.c

# The IDL runtime with the generated code of tests/idl/echo.idl over a fake
# kernel (tests/idl/host.c).
HOST_TEST_SRCS_idl := lib/idl/codec.c lib/idl/dispatch.c lib/idl/client.c lib/idl/serve.c \
	tests/idl/host.c \
	$(BUILD)/gen/idl/echo_client.c $(BUILD)/gen/idl/echo_server.c
HOST_TEST_CFLAGS_idl := -Ilib/idl/include -Ilib/rt/include -I$(BUILD)/gen
$(BUILD)/host/test_idl: | $(SYSCALLS_H)
HOST_TEST_SRCS_supervise := user/init/supervise.c user/init/order.c user/init/set.c \
	lib/manifest/query.c
HOST_TEST_CFLAGS_supervise := -Iuser/init -Ilib/manifest/include
HOST_TEST_SRCS_log_relay := lib/svc/logq.c user/log/writers.c
HOST_TEST_CFLAGS_log_relay := -Ilib/svc/include -Iuser/log
