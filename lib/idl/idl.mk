# The interface compiler and its runtime (docs/idl.md).
#
# Every idl/NAME.idl (the service protocols) and tests/idl/NAME.idl (the
# test interfaces) compiles with tools/idlc.py to build/gen/idl/NAME.h,
# NAME_client.c and NAME_server.c; programs include <idl/NAME.h>. The
# runtime lib/idl is libidl.a and every generated stub and dispatcher is in
# libidlgen.a: both are in USER_LIBS, so a program links what it uses.
IDLC     := $(PYTHON) tools/idlc.py
IDLC_IN  := tools/idlc.py tools/idlc_parse.py tools/idlc_emit.py include/cairn/handle.h
IDL_SRCS := $(wildcard idl/*.idl tests/idl/*.idl)
IDL_GEN  := $(BUILD)/gen/idl
IDL_HEADERS := $(patsubst %.idl,$(IDL_GEN)/%.h,$(notdir $(IDL_SRCS)))
IDL_GEN_OBJ := $(foreach n,$(basename $(notdir $(IDL_SRCS))),\
	$(IDL_GEN)/$(n)_client.c.o $(IDL_GEN)/$(n)_server.c.o)
IDL_OBJ  := $(patsubst %,$(BUILD)/%.o,$(wildcard lib/idl/*.c))
libidlgen_OBJ := $(IDL_GEN_OBJ)

USER_CFLAGS += -Ilib/idl/include -I$(BUILD)/gen

$(IDL_GEN)/%.h $(IDL_GEN)/%_client.c $(IDL_GEN)/%_server.c: idl/%.idl $(IDLC_IN)
	$(IDLC) --out $(IDL_GEN) $<

$(IDL_GEN)/%.h $(IDL_GEN)/%_client.c $(IDL_GEN)/%_server.c: tests/idl/%.idl $(IDLC_IN)
	$(IDLC) --out $(IDL_GEN) $<

$(IDL_GEN)/%.c.o: $(IDL_GEN)/%.c | $(SYSCALLS_H) $(IDL_HEADERS)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/lib/idl/%.c.o: lib/idl/%.c | $(SYSCALLS_H)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c $< -o $@

# User programs may include any generated header.
$(patsubst %,$(BUILD)/%.o,$(wildcard user/*/*.c)): | $(IDL_HEADERS)

# Every interface compiles, used or not.
all: $(IDL_GEN_OBJ) $(IDL_OBJ)

# Kept after the objects are built: the host tests and fuzzers compile them too.
.SECONDARY: $(foreach n,$(basename $(notdir $(IDL_SRCS))),\
	$(IDL_GEN)/$(n).h $(IDL_GEN)/$(n)_client.c $(IDL_GEN)/$(n)_server.c)
