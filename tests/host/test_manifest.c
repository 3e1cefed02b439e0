/*
 * test_manifest.c - host tests for lib/manifest, the silo-manifest parser:
 * every key and its default, every kind of error with its exact line (and
 * column where it has one) and message, and the bounds (longest values,
 * most items, number overflow). Inputs are copied into exact-size heap
 * blocks without a terminating NUL, so AddressSanitizer sees any read past
 * the text.
 */
#include <manifest/manifest.h>

#include <cairn/handle.h>
#include <stdlib.h>

#include "check.h"

static struct manifest m;
static struct manifest_error err;

/* Parses the first len bytes of text from an exact-size copy. */
static int parse_len(const char *text, size_t len)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    int r = manifest_parse(copy, len, &m, &err);
    free(copy);
    return r;
}

static int parse(const char *text)
{
    return parse_len(text, strlen(text));
}

#define MIN "name = x\nprogram = bin/x\n"

/* Expects text to fail on line with message (and column, when not 0). */
#define CHECK_FAIL(text, line_, column_, message_)                                                 \
    do {                                                                                           \
        CHECK_EQ(parse(text), -1);                                                                 \
        CHECK_EQ(err.line, (line_));                                                               \
        if ((column_) != 0)                                                                        \
            CHECK_EQ(err.column, (column_));                                                       \
        CHECK_STR(err.message, (message_));                                                        \
    } while (0)

static void test_every_key(void)
{
    static const char text[] = "# the log service\n"
                               "name = log\n"
                               "program = bin/log\n"
                               "arg = --mirror\n"
                               "arg =   two words, and a comma  \n"
                               "env = LOG_LEVEL=info\n"
                               "env = EMPTY=\n"
                               "capabilities = kernel_log, initrd\n"
                               "capabilities = irq_control,ioport_control , device_memory\n"
                               "schemes = proc\n"
                               "mount = file:/var/log private\n"
                               "mount = file:/etc read-only\n"
                               "mount = dev:/ inherit\n"
                               "\t provides = log , klog\n"
                               "depends = nameserver\n"
                               "depends = a-b_c9\n"
                               "memory = 16M\n"
                               "priority = 40\n"
                               "affinity = 3\n"
                               "restart = on-failure\n"
                               "restart_delay = 50ms\n"
                               "restart_max_delay = 5s\n"
                               "restart_limit = 7\n"
                               "   # an indented comment = not a key\n"
                               "\n";

    CHECK_EQ(parse(text), 0);
    CHECK_STR(m.name, "log");
    CHECK_STR(m.program, "bin/log");
    CHECK_EQ(m.arg_count, 2);
    CHECK_STR(m.args[0], "--mirror");
    CHECK_STR(m.args[1], "two words, and a comma");
    CHECK_EQ(m.env_count, 2);
    CHECK_STR(m.env[0], "LOG_LEVEL=info");
    CHECK_STR(m.env[1], "EMPTY=");
    CHECK_EQ(m.caps, (1u << MANIFEST_CAP_COUNT) - 1);
    CHECK_EQ(m.scheme_count, 1);
    CHECK_STR(m.schemes[0], "proc");
    CHECK_EQ(m.mount_count, 3);
    CHECK_STR(m.mounts[0].path, "file:/var/log");
    CHECK_EQ(m.mounts[0].mode, MANIFEST_MOUNT_PRIVATE);
    CHECK_STR(m.mounts[1].path, "file:/etc");
    CHECK_EQ(m.mounts[1].mode, MANIFEST_MOUNT_READ_ONLY);
    CHECK_STR(m.mounts[2].path, "dev:/");
    CHECK_EQ(m.mounts[2].mode, MANIFEST_MOUNT_INHERIT);
    CHECK_EQ(m.provide_count, 2);
    CHECK_STR(m.provides[0], "log");
    CHECK_STR(m.provides[1], "klog");
    CHECK_EQ(m.depend_count, 2);
    CHECK_STR(m.depends[0], "nameserver");
    CHECK_STR(m.depends[1], "a-b_c9");
    CHECK_EQ(m.memory, 16u << 20);
    CHECK_EQ(m.priority, 40);
    CHECK_EQ(m.affinity, 3);
    CHECK_EQ(m.restart, MANIFEST_RESTART_ON_FAILURE);
    CHECK_EQ(m.restart_delay_ms, 50);
    CHECK_EQ(m.restart_max_delay_ms, 5000);
    CHECK_EQ(m.restart_limit, 7);
}

static void test_defaults(void)
{
    /* No trailing newline: the last line still counts. */
    CHECK_EQ(parse("name = x\nprogram = bin/x"), 0);
    CHECK_STR(m.name, "x");
    CHECK_STR(m.program, "bin/x");
    CHECK_EQ(m.arg_count, 0);
    CHECK_EQ(m.env_count, 0);
    CHECK_EQ(m.caps, 0);
    CHECK_EQ(m.scheme_count, 0);
    CHECK_EQ(m.mount_count, 0);
    CHECK_EQ(m.provide_count, 0);
    CHECK_EQ(m.depend_count, 0);
    CHECK_EQ(m.memory, MANIFEST_MEMORY_DEFAULT);
    CHECK_EQ(m.priority, MANIFEST_PRIORITY_DEFAULT);
    CHECK_EQ(m.affinity, MANIFEST_AFFINITY_ANY);
    CHECK_EQ(m.restart, MANIFEST_RESTART_NEVER);
    CHECK_EQ(m.restart_delay_ms, MANIFEST_RESTART_DELAY_DEFAULT_MS);
    CHECK_EQ(m.restart_max_delay_ms, MANIFEST_RESTART_MAX_DELAY_DEFAULT_MS);
    CHECK_EQ(m.restart_limit, MANIFEST_RESTART_LIMIT_DEFAULT);
}

static void test_values(void)
{
    CHECK_EQ(parse(MIN "memory = 65536"), 0);
    CHECK_EQ(m.memory, 65536);
    CHECK_EQ(parse(MIN "memory = 64K"), 0);
    CHECK_EQ(m.memory, 65536);
    CHECK_EQ(parse(MIN "memory = 64G"), 0);
    CHECK_EQ(m.memory, 64ull << 30);
    CHECK_EQ(parse(MIN "memory = 0016M"), 0);
    CHECK_EQ(m.memory, 16u << 20);
    CHECK_EQ(parse(MIN "priority = 0"), 0);
    CHECK_EQ(m.priority, 0);
    CHECK_EQ(parse(MIN "priority = 63"), 0);
    CHECK_EQ(m.priority, 63);
    CHECK_EQ(parse(MIN "affinity = any"), 0);
    CHECK_EQ(m.affinity, MANIFEST_AFFINITY_ANY);
    CHECK_EQ(parse(MIN "affinity = 0"), 0);
    CHECK_EQ(m.affinity, 0);
    CHECK_EQ(parse(MIN "affinity = 63"), 0);
    CHECK_EQ(m.affinity, 63);
    CHECK_EQ(parse(MIN "restart = never"), 0);
    CHECK_EQ(m.restart, MANIFEST_RESTART_NEVER);
    CHECK_EQ(parse(MIN "restart = always\nrestart_limit = unlimited"), 0);
    CHECK_EQ(m.restart, MANIFEST_RESTART_ALWAYS);
    CHECK_EQ(m.restart_limit, MANIFEST_RESTART_UNLIMITED);
    CHECK_EQ(parse(MIN "restart = always\nrestart_limit = 1"), 0);
    CHECK_EQ(m.restart_limit, 1);
    CHECK_EQ(parse(MIN "restart = always\nrestart_limit = 1000"), 0);
    CHECK_EQ(m.restart_limit, 1000);
    CHECK_EQ(parse(MIN "restart = always\nrestart_delay = 1ms\nrestart_max_delay = 3600s"), 0);
    CHECK_EQ(m.restart_delay_ms, 1);
    CHECK_EQ(m.restart_max_delay_ms, 3600000);
    CHECK_EQ(parse(MIN "restart = always\nrestart_delay = 2s\nrestart_max_delay = 2000ms"), 0);
    CHECK_EQ(m.restart_delay_ms, 2000);
    CHECK_EQ(m.restart_max_delay_ms, 2000);
    /* The order of the keys does not matter. */
    CHECK_EQ(parse("restart_limit = 3\nprogram = bin/x\nrestart = always\nname = x\n"), 0);
    CHECK_EQ(m.restart_limit, 3);
    /* '#' starts a comment only at the start of a line. */
    CHECK_EQ(parse(MIN "arg = #1"), 0);
    CHECK_STR(m.args[0], "#1");
    /* '=' in a value is part of it. */
    CHECK_EQ(parse(MIN "arg = a=b\nenv = A=b=c"), 0);
    CHECK_STR(m.args[0], "a=b");
    CHECK_STR(m.env[0], "A=b=c");
    CHECK_EQ(parse(MIN "program = a/b.c/d-e_f"), -1);
    CHECK_EQ(parse("name = x\nprogram = a/b.c/d-e_f"), 0);
    CHECK_EQ(parse(MIN "env = _x9=1\nenv = X=2\nenv = x=3"), 0);
    CHECK_EQ(m.env_count, 3);
    CHECK_EQ(parse(MIN "mount = file:/a/b/c inherit\nmount = file:/a/b private"), 0);
    CHECK_EQ(parse(MIN "mount = file:/  \t read-only"), 0);
    CHECK_EQ(m.mounts[0].mode, MANIFEST_MOUNT_READ_ONLY);
    CHECK_EQ(parse(MIN "schemes = log\nmount = file:/ inherit"), 0);
    /* A name that only starts like another is not a duplicate. */
    CHECK_EQ(parse(MIN "depends = ab, a, abc"), 0);
    CHECK_EQ(m.depend_count, 3);
    CHECK_EQ(parse(MIN "env = AB=1\nenv = A=2\nenv = ABC=3"), 0);
    CHECK_EQ(parse(MIN "mount = fil:/ inherit\nmount = file:/ inherit\nschemes = fi"), 0);
}

static void test_line_errors(void)
{
    CHECK_FAIL(MIN "prio = 3\n", 3, 1, "unknown key 'prio'");
    CHECK_FAIL(MIN "Name = y\n", 3, 1, "unknown key 'Name'");
    CHECK_FAIL(MIN "restart delay = 1s\n", 3, 1, "unknown key 'restart delay'");
    CHECK_FAIL(MIN "  this line has no equals sign\n", 3, 3, "expected 'key = value'");
    CHECK_FAIL(MIN "= 3\n", 3, 1, "missing key before '='");
    CHECK_FAIL(MIN "name =  \n", 3, 6, "empty value for 'name'");
    CHECK_FAIL("name = x\n\n# c\nprogram = bin/x\nprogram = bin/y\n", 5, 1,
               "duplicate key 'program' (first on line 4)");
    CHECK_FAIL("name = x\nname = x\nprogram = bin/x\n", 2, 1,
               "duplicate key 'name' (first on line 1)");
    CHECK_FAIL(MIN "priority = 1\npriority = 1\n", 4, 1,
               "duplicate key 'priority' (first on line 3)");
    CHECK_FAIL(MIN "memory = 1M\r\n", 3, 12, "carriage return (lines end with a line feed alone)");
    CHECK_FAIL(MIN "arg = a\x01\n", 3, 8, "control character 0x01");
    CHECK_FAIL(MIN "arg = a\x7f\n", 3, 8, "control character 0x7f");
    CHECK_FAIL(MIN "arg = caf\xc3\xa9\n", 3, 10, "non-ASCII byte 0xc3");
    /* Bad bytes are found in comments too. */
    CHECK_FAIL(MIN "# \x1b[2J\n", 3, 3, "control character 0x1b");

    static const char nul[] = "name = x\nprogram = bin/x\narg = a\0b\n";
    CHECK_EQ(parse_len(nul, sizeof(nul) - 1), -1);
    CHECK_EQ(err.line, 3);
    CHECK_EQ(err.column, 8);
    CHECK_STR(err.message, "NUL byte");
}

static void test_missing(void)
{
    CHECK_FAIL("", 1, 0, "missing required key 'name'");
    CHECK_EQ(err.column, 0);
    CHECK_FAIL("program = bin/x\n", 1, 0, "missing required key 'name'");
    CHECK_FAIL("name = x\n\n# the end\n", 3, 0, "missing required key 'program'");
    CHECK_FAIL("name = x\n\n\n", 3, 0, "missing required key 'program'");
    CHECK_FAIL("name = x", 1, 0, "missing required key 'program'");
}

static void test_bad_values(void)
{
    CHECK_FAIL(MIN "restart = sometimes\n", 3, 11,
               "bad value for 'restart': expected never, on-failure or always");
    CHECK_FAIL(MIN "restart = On-failure\n", 3, 11,
               "bad value for 'restart': expected never, on-failure or always");
    CHECK_FAIL("name = Log\nprogram = bin/x\n", 1, 8,
               "bad value for 'name': 'Log' is not a name (a-z, 0-9, '-', '_')");
    CHECK_FAIL("name = 9p\nprogram = bin/x\n", 1, 8,
               "bad value for 'name': '9p' is not a name (a-z, 0-9, '-', '_')");
    CHECK_FAIL("name = a b\nprogram = bin/x\n", 1, 8,
               "bad value for 'name': 'a b' is not a name (a-z, 0-9, '-', '_')");
    CHECK_FAIL("name = x\nprogram = /bin/x\n", 2, 11,
               "bad value for 'program': empty path component");
    CHECK_FAIL("name = x\nprogram = bin/\n", 2, 11,
               "bad value for 'program': empty path component");
    CHECK_FAIL("name = x\nprogram = bin//x\n", 2, 11,
               "bad value for 'program': empty path component");
    CHECK_FAIL("name = x\nprogram = bin/../x\n", 2, 11,
               "bad value for 'program': '.' and '..' are not allowed in a path");
    CHECK_FAIL("name = x\nprogram = ./x\n", 2, 11,
               "bad value for 'program': '.' and '..' are not allowed in a path");
    CHECK_FAIL("name = x\nprogram = bin/x y\n", 2, 11,
               "bad value for 'program': a path has only letters, digits, '.', '-', '_' and '/'");
    CHECK_FAIL(MIN "env = noequals\n", 3, 7, "bad value for 'env': expected NAME=VALUE");
    CHECK_FAIL(MIN "env = =x\n", 3, 7, "bad value for 'env': expected NAME=VALUE");
    CHECK_FAIL(MIN "env = 9X=1\n", 3, 7, "bad value for 'env': '9X' is not a variable name");
    CHECK_FAIL(MIN "env = A B=1\n", 3, 7, "bad value for 'env': 'A B' is not a variable name");
    CHECK_FAIL(MIN "capabilities = irq_control, frobnicate\n", 3, 29,
               "unknown capability 'frobnicate'");
    CHECK_FAIL(MIN "capabilities = IRQ_CONTROL\n", 3, 16, "unknown capability 'IRQ_CONTROL'");
    CHECK_FAIL(MIN "capabilities = kernel_log,\n", 3, 27, "empty item in 'capabilities'");
    CHECK_FAIL(MIN "depends = a,,b\n", 3, 13, "empty item in 'depends'");
    CHECK_FAIL(MIN "depends = , a\n", 3, 11, "empty item in 'depends'");
    CHECK_FAIL(MIN "schemes = file:\n", 3, 11,
               "bad value for 'schemes': 'file:' is not a name (a-z, 0-9, '-', '_')");
    CHECK_FAIL(MIN "provides = Log\n", 3, 12,
               "bad value for 'provides': 'Log' is not a name (a-z, 0-9, '-', '_')");
    CHECK_FAIL(MIN "depends = log nameserver\n", 3, 11,
               "bad value for 'depends': 'log nameserver' is not a name (a-z, 0-9, '-', '_')");
}

static void test_mount_errors(void)
{
    static const char expected_form[] = "bad value for 'mount': expected scheme:/path and a mode";
    static const char expected_mode[] =
        "bad value for 'mount': mode must be inherit, private or read-only";

    CHECK_FAIL(MIN "mount = file:/a\n", 3, 0, expected_mode);
    CHECK_FAIL(MIN "mount = file:/a shared\n", 3, 17, expected_mode);
    CHECK_FAIL(MIN "mount = file:/a read only\n", 3, 17, expected_mode);
    CHECK_FAIL(MIN "mount = file:/a private private\n", 3, 17, expected_mode);
    CHECK_FAIL(MIN "mount = file inherit\n", 3, 9, expected_form);
    CHECK_FAIL(MIN "mount = file: inherit\n", 3, 9, expected_form);
    CHECK_FAIL(MIN "mount = file:a inherit\n", 3, 9, expected_form);
    CHECK_FAIL(MIN "mount = :/a inherit\n", 3, 9, expected_form);
    CHECK_FAIL(MIN "mount = File:/a inherit\n", 3, 9,
               "bad value for 'mount': 'File' is not a name (a-z, 0-9, '-', '_')");
    CHECK_FAIL(MIN "mount = file:/a/ inherit\n", 3, 15,
               "bad value for 'mount': empty path component");
    CHECK_FAIL(MIN "mount = file:/a/../b inherit\n", 3, 15,
               "bad value for 'mount': '.' and '..' are not allowed in a path");
    CHECK_FAIL(MIN "mount = file:/a:b inherit\n", 3, 15,
               "bad value for 'mount': a path has only letters, digits, '.', '-', '_' and '/'");
    CHECK_FAIL(MIN "mount = file:/a inherit\nmount = file:/a private\n", 4, 9,
               "duplicate item 'file:/a' in 'mount'");
    CHECK_FAIL(MIN "schemes = log, file\nmount = file:/a inherit\n", 4, 9,
               "scheme 'file' is both mounted and granted whole by 'schemes'");
    CHECK_FAIL(MIN "mount = file:/a inherit\nschemes = log, file\n", 4, 16,
               "scheme 'file' is both mounted and granted whole by 'schemes'");
}

static void test_duplicate_items(void)
{
    CHECK_FAIL(MIN "capabilities = initrd\ncapabilities = kernel_log, initrd\n", 4, 28,
               "duplicate item 'initrd' in 'capabilities'");
    CHECK_FAIL(MIN "schemes = log, log\n", 3, 16, "duplicate item 'log' in 'schemes'");
    CHECK_FAIL(MIN "provides = log\nprovides = log\n", 4, 12, "duplicate item 'log' in 'provides'");
    CHECK_FAIL(MIN "depends = a, b, a\n", 3, 17, "duplicate item 'a' in 'depends'");
    CHECK_FAIL(MIN "env = HOME=/\nenv = HOME=/root\n", 4, 7, "duplicate item 'HOME' in 'env'");
    /* Repeated args are meaningful. */
    CHECK_EQ(parse(MIN "arg = -v\narg = -v\n"), 0);
    CHECK_EQ(m.arg_count, 2);
    /* A silo cannot depend on itself, whichever key comes first. */
    CHECK_FAIL("name = log\nprogram = bin/x\ndepends = nameserver, log\n", 3, 23,
               "silo 'log' depends on itself");
    CHECK_FAIL("depends = log\nprogram = bin/x\nname = log\n", 3, 8,
               "silo 'log' depends on itself");
}

static void test_numbers(void)
{
    static const char range_memory[] = "value out of range for 'memory' (64K to 64G)";
    static const char bad_memory[] = "bad value for 'memory': expected a size such as 512K or 16M";
    static const char bad_delay[] =
        "bad value for 'restart_delay': expected a delay such as 100ms or 2s";
    static const char range_delay[] = "value out of range for 'restart_delay' (1ms to 3600s)";

    CHECK_FAIL(MIN "memory = 16MB\n", 3, 10, bad_memory);
    CHECK_FAIL(MIN "memory = 16 M\n", 3, 10, bad_memory);
    CHECK_FAIL(MIN "memory = 16m\n", 3, 10, bad_memory);
    CHECK_FAIL(MIN "memory = M\n", 3, 10, bad_memory);
    CHECK_FAIL(MIN "memory = -1\n", 3, 10, bad_memory);
    CHECK_FAIL(MIN "memory = +16M\n", 3, 10, bad_memory);
    CHECK_FAIL(MIN "memory = 0x1000\n", 3, 10, bad_memory);
    CHECK_FAIL(MIN "memory = 60K\n", 3, 10, range_memory);
    CHECK_FAIL(MIN "memory = 65535\n", 3, 10, range_memory);
    CHECK_FAIL(MIN "memory = 0\n", 3, 10, range_memory);
    CHECK_FAIL(MIN "memory = 65G\n", 3, 10, range_memory);
    CHECK_FAIL(MIN "memory = 68719476737\n", 3, 10, range_memory);
    /* 2^64 and beyond overflow; so do values that overflow only once scaled. */
    CHECK_FAIL(MIN "memory = 18446744073709551616\n", 3, 10, range_memory);
    CHECK_FAIL(MIN "memory = 99999999999999999999999999\n", 3, 10, range_memory);
    CHECK_FAIL(MIN "memory = 18014398509481984K\n", 3, 10, range_memory);
    CHECK_FAIL(MIN "memory = 17592186044416M\n", 3, 10, range_memory);
    CHECK_FAIL(MIN "memory = 17179869184G\n", 3, 10, range_memory);
    CHECK_FAIL(MIN "memory = 65537\n", 3, 10, "bad value for 'memory': not a multiple of 4K");
    CHECK_FAIL(MIN "memory = 66K\n", 3, 10, "bad value for 'memory': not a multiple of 4K");

    CHECK_FAIL(MIN "priority = 64\n", 3, 12, "value out of range for 'priority' (0 to 63)");
    CHECK_FAIL(MIN "priority = 18446744073709551616\n", 3, 12,
               "value out of range for 'priority' (0 to 63)");
    CHECK_FAIL(MIN "priority = high\n", 3, 12, "bad value for 'priority': expected a number");
    CHECK_FAIL(MIN "priority = 3 4\n", 3, 12, "bad value for 'priority': expected a number");
    CHECK_FAIL(MIN "affinity = 64\n", 3, 12, "value out of range for 'affinity' (0 to 63)");
    CHECK_FAIL(MIN "affinity = all\n", 3, 12, "bad value for 'affinity': expected a number or any");
    CHECK_FAIL(MIN "affinity = 0, 1\n", 3, 12,
               "bad value for 'affinity': expected a number or any");

    CHECK_FAIL(MIN "restart = always\nrestart_delay = 100\n", 4, 17, bad_delay);
    CHECK_FAIL(MIN "restart = always\nrestart_delay = 1m\n", 4, 17, bad_delay);
    CHECK_FAIL(MIN "restart = always\nrestart_delay = ms\n", 4, 17, bad_delay);
    CHECK_FAIL(MIN "restart = always\nrestart_delay = 0ms\n", 4, 17, range_delay);
    CHECK_FAIL(MIN "restart = always\nrestart_delay = 3601s\n", 4, 17, range_delay);
    CHECK_FAIL(MIN "restart = always\nrestart_delay = 3600001ms\n", 4, 17, range_delay);
    CHECK_FAIL(MIN "restart = always\nrestart_delay = 18446744073709551s\n", 4, 17, range_delay);
    CHECK_FAIL(MIN "restart = always\nrestart_max_delay = 0s\n", 4, 21,
               "value out of range for 'restart_max_delay' (1ms to 3600s)");
    CHECK_FAIL(MIN "restart = always\nrestart_limit = 0\n", 4, 17,
               "value out of range for 'restart_limit' (1 to 1000)");
    CHECK_FAIL(MIN "restart = always\nrestart_limit = 1001\n", 4, 17,
               "value out of range for 'restart_limit' (1 to 1000)");
    CHECK_FAIL(MIN "restart = always\nrestart_limit = forever\n", 4, 17,
               "bad value for 'restart_limit': expected a number or unlimited");
}

static void test_restart_checks(void)
{
    CHECK_FAIL(MIN "restart_delay = 1s\n", 3, 0,
               "'restart_delay' needs restart = on-failure or always");
    CHECK_FAIL(MIN "restart_limit = 3\nrestart = never\n", 3, 0,
               "'restart_limit' needs restart = on-failure or always");
    CHECK_FAIL(MIN "restart_max_delay = 3s\n", 3, 0,
               "'restart_max_delay' needs restart = on-failure or always");
    CHECK_FAIL(MIN "restart = always\nrestart_delay = 2s\nrestart_max_delay = 1s\n", 5, 0,
               "'restart_max_delay' is below restart_delay");
    CHECK_FAIL(MIN "restart_max_delay = 1s\nrestart = always\nrestart_delay = 2s\n", 3, 0,
               "'restart_max_delay' is below restart_delay");
    CHECK_FAIL(MIN "restart = always\nrestart_delay = 31s\n", 4, 0,
               "'restart_delay' is above restart_max_delay (30s unless set)");
    CHECK_FAIL(MIN "restart = always\nrestart_max_delay = 99ms\n", 4, 0,
               "'restart_max_delay' is below restart_delay");
}

/* Builds "key = " followed by n copies of c and a newline after MIN. */
static const char *with_value(const char *key, size_t n, char c)
{
    static char buf[1024];
    int len = snprintf(buf, sizeof(buf), "%s%s = ", strncmp(key, "name", 5) ? MIN : "", key);
    memset(buf + len, c, n);
    strcpy(buf + len + n, "\n");
    return buf;
}

static void test_lengths(void)
{
    CHECK_EQ(parse(with_value("arg", MANIFEST_ARG_MAX, 'a')), 0);
    CHECK_EQ(strlen(m.args[0]), MANIFEST_ARG_MAX);
    CHECK_FAIL(with_value("arg", MANIFEST_ARG_MAX + 1, 'a'), 3, 7,
               "value too long for 'arg' (max 127)");

    char text[512];
    memset(text, 0, sizeof(text));
    strcpy(text, "name = x\nprogram = ");
    memset(text + strlen(text), 'p', MANIFEST_PATH_MAX);
    CHECK_EQ(parse(text), 0);
    CHECK_EQ(strlen(m.program), MANIFEST_PATH_MAX);
    strcat(text, "p");
    CHECK_FAIL(text, 2, 11, "value too long for 'program' (max 127)");

    memset(text, 0, sizeof(text));
    strcpy(text, "program = x\nname = ");
    memset(text + strlen(text), 'n', MANIFEST_NAME_MAX);
    CHECK_EQ(parse(text), 0);
    CHECK_EQ(strlen(m.name), MANIFEST_NAME_MAX);
    strcat(text, "n");
    CHECK_FAIL(text, 2, 8, "value too long for 'name' (max 31)");

    char env[MANIFEST_ENV_MAX + 2];
    memset(env, 'E', sizeof(env));
    env[1] = '=';
    env[MANIFEST_ENV_MAX] = '\0';
    snprintf(text, sizeof(text), MIN "env = %s\n", env);
    CHECK_EQ(parse(text), 0);
    CHECK_EQ(strlen(m.env[0]), MANIFEST_ENV_MAX);
    env[MANIFEST_ENV_MAX] = 'E';
    env[MANIFEST_ENV_MAX + 1] = '\0';
    snprintf(text, sizeof(text), MIN "env = %s\n", env);
    CHECK_FAIL(text, 3, 7, "value too long for 'env' (max 127)");

    snprintf(text, sizeof(text), MIN "schemes = abcdefghijklmno\n");
    CHECK_EQ(parse(text), 0);
    CHECK_FAIL(MIN "schemes = abcdefghijklmnop\n", 3, 11, "value too long for 'schemes' (max 15)");
    CHECK_FAIL(MIN "provides = log, abcdefghijklmnop\n", 3, 17,
               "value too long for 'provides' (max 15)");
    CHECK_FAIL(MIN "mount = abcdefghijklmnop:/ inherit\n", 3, 9,
               "value too long for 'mount' (max 15)");
    CHECK_FAIL(MIN "depends = abcdefghijklmnopqrstuvwxyz012345\n", 3, 11,
               "value too long for 'depends' (max 31)");

    char path[MANIFEST_PATH_MAX + 2];
    strcpy(path, "file:/");
    memset(path + 6, 'a', sizeof(path) - 6);
    path[MANIFEST_PATH_MAX] = '\0';
    snprintf(text, sizeof(text), MIN "mount = %s inherit\n", path);
    CHECK_EQ(parse(text), 0);
    CHECK_EQ(strlen(m.mounts[0].path), MANIFEST_PATH_MAX);
    path[MANIFEST_PATH_MAX] = 'a';
    path[MANIFEST_PATH_MAX + 1] = '\0';
    snprintf(text, sizeof(text), MIN "mount = %s inherit\n", path);
    CHECK_FAIL(text, 3, 9, "value too long for 'mount' (max 127)");

    /* A long unknown key is quoted in part only, and the message stays whole. */
    CHECK_FAIL(with_value("", 0, 0), 3, 2, "missing key before '='");
    memset(text, 0, sizeof(text));
    memset(text, 'k', 200);
    strcat(text, " = 1\n");
    CHECK_FAIL(text, 1, 1, "unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk'");
}

static void check_list_max(const char *key, const char *prefix, int max, const char *suffix,
                           const unsigned *count)
{
    char text[4096] = MIN;
    char message[128];

    for (int i = 0; i < max; i++) {
        size_t len = strlen(text);
        snprintf(text + len, sizeof(text) - len, "%s = %s%c%c%s\n", key, prefix, 'a' + i / 26,
                 'a' + i % 26, suffix);
    }
    CHECK_EQ(parse(text), 0);
    CHECK_EQ(*count, max);
    size_t len = strlen(text);
    snprintf(text + len, sizeof(text) - len, "%s = %szz%s\n", key, prefix, suffix);
    snprintf(message, sizeof(message), "too many items for '%s' (max %d)", key, max);
    CHECK_FAIL(text, 3 + max, 0, message);
}

static void test_list_sizes(void)
{
    check_list_max("arg", "", MANIFEST_ARGS_MAX, "", &m.arg_count);
    check_list_max("env", "V", MANIFEST_ENVS_MAX, "=1", &m.env_count);
    check_list_max("schemes", "s", MANIFEST_SCHEMES_MAX, "", &m.scheme_count);
    check_list_max("mount", "f:/", MANIFEST_MOUNTS_MAX, " inherit", &m.mount_count);
    check_list_max("provides", "p", MANIFEST_PROVIDES_MAX, "", &m.provide_count);
    check_list_max("depends", "d", MANIFEST_DEPENDS_MAX, "", &m.depend_count);

    /* Comma lists count items, not lines; the error points at the item. */
    char text[1024] = MIN "provides = ";
    for (int i = 0; i < MANIFEST_PROVIDES_MAX; i++) {
        size_t len = strlen(text);
        snprintf(text + len, sizeof(text) - len, "p%d, ", i);
    }
    strcat(text, "last\n");
    CHECK_FAIL(text, 3, 44, "too many items for 'provides' (max 8)");
}

static void test_text_size(void)
{
    static char big[MANIFEST_TEXT_MAX + 1];

    memset(big, '\n', sizeof(big));
    memcpy(big, MIN, strlen(MIN));
    CHECK_EQ(parse_len(big, MANIFEST_TEXT_MAX), 0);
    CHECK_EQ(parse_len(big, MANIFEST_TEXT_MAX + 1), -1);
    CHECK_EQ(err.line, 1);
    CHECK_STR(err.message, "manifest too large (max 65536 bytes)");
    /* The last line of a text of only newlines is the one a missing key is reported at. */
    CHECK_FAIL("\n\n\n\n", 4, 0, "missing required key 'name'");
}

/* Rights lists narrow a capability: "name(right|right|...)"; without one, 0 (as init holds it). */
static void test_cap_rights(void)
{
    CHECK_EQ(parse(MIN "capabilities = initrd(read|map), kernel_log\n"), 0);
    CHECK_EQ(m.caps, (1u << MANIFEST_CAP_INITRD) | (1u << MANIFEST_CAP_KERNEL_LOG));
    CHECK_EQ(m.cap_rights[MANIFEST_CAP_INITRD], CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP);
    CHECK_EQ(m.cap_rights[MANIFEST_CAP_KERNEL_LOG], 0);
    CHECK_EQ(m.cap_rights[MANIFEST_CAP_IRQ_CONTROL], 0);
    CHECK_EQ(parse(MIN "capabilities = kernel_log ( revoke| manage |wait|signal|duplicate|"
                       "transfer|map|exec|write|read )\ncapabilities = irq_control(manage)\n"),
             0);
    CHECK_EQ(m.cap_rights[MANIFEST_CAP_KERNEL_LOG], CAIRN_RIGHTS_ALL);
    CHECK_EQ(m.cap_rights[MANIFEST_CAP_IRQ_CONTROL], CAIRN_RIGHT_MANAGE);

    CHECK_FAIL(MIN "capabilities = initrd(read|frob)\n", 3, 28, "unknown right 'frob'");
    CHECK_FAIL(MIN "capabilities = initrd(READ)\n", 3, 23, "unknown right 'READ'");
    CHECK_FAIL(MIN "capabilities = initrd(read|map|read)\n", 3, 32, "duplicate right 'read'");
    CHECK_FAIL(MIN "capabilities = initrd()\n", 3, 23, "empty right in 'capabilities'");
    CHECK_FAIL(MIN "capabilities = initrd(read|)\n", 3, 28, "empty right in 'capabilities'");
    CHECK_FAIL(MIN "capabilities = initrd(|read)\n", 3, 23, "empty right in 'capabilities'");
    CHECK_FAIL(MIN "capabilities = initrd(read\n", 3, 22,
               "bad rights list: expected '(right|right|...)'");
    CHECK_FAIL(MIN "capabilities = initrd(read)x\n", 3, 22,
               "bad rights list: expected '(right|right|...)'");
    CHECK_FAIL(MIN "capabilities = initrd(read(map))\n", 3, 27,
               "bad rights list: expected '(right|right|...)'");
    CHECK_FAIL(MIN "capabilities = initrd(read)map)\n", 3, 27,
               "bad rights list: expected '(right|right|...)'");
    CHECK_FAIL(MIN "capabilities = frob(read)\n", 3, 16, "unknown capability 'frob'");
    CHECK_FAIL(MIN "capabilities = (read)\n", 3, 16, "unknown capability ''");
    CHECK_FAIL(MIN "capabilities = initrd(read), initrd(map)\n", 3, 30,
               "duplicate item 'initrd' in 'capabilities'");
    /* The list is split at commas first: a comma inside the parentheses ends the item. */
    CHECK_FAIL(MIN "capabilities = initrd(read, map)\n", 3, 22,
               "bad rights list: expected '(right|right|...)'");
}

static void test_names_and_format(void)
{
    char buf[256];

    for (int cap = 0; cap < MANIFEST_CAP_COUNT; cap++) {
        const char *name = manifest_cap_name((enum manifest_cap)cap);
        CHECK(name != NULL);
        CHECK_EQ(manifest_cap_lookup(name, strlen(name)), cap);
    }
    CHECK_STR(manifest_cap_name(MANIFEST_CAP_KERNEL_LOG), "kernel_log");
    CHECK(manifest_cap_name(MANIFEST_CAP_COUNT) == NULL);
    CHECK_EQ(manifest_cap_lookup("initrdx", 6), MANIFEST_CAP_INITRD);
    CHECK_EQ(manifest_cap_lookup("initrd", 5), -1);
    CHECK_EQ(manifest_cap_lookup("", 0), -1);
    CHECK_STR(manifest_restart_name(MANIFEST_RESTART_ON_FAILURE), "on-failure");
    CHECK(manifest_restart_name((enum manifest_restart)3) == NULL);
    CHECK_STR(manifest_mount_mode_name(MANIFEST_MOUNT_READ_ONLY), "read-only");
    CHECK(manifest_mount_mode_name((enum manifest_mount_mode)3) == NULL);

    CHECK_EQ(parse(MIN "prio = 3\n"), -1);
    int n = manifest_error_format("etc/silo/log.silo", &err, buf, sizeof(buf));
    CHECK_STR(buf, "etc/silo/log.silo:3: unknown key 'prio'");
    CHECK_EQ(n, strlen(buf));
    n = manifest_error_format("f", &err, buf, 8);
    CHECK_STR(buf, "f:3: un");
    CHECK_EQ(n, strlen("f:3: unknown key 'prio'"));
}

int main(void)
{
    test_every_key();
    test_defaults();
    test_values();
    test_line_errors();
    test_missing();
    test_bad_values();
    test_mount_errors();
    test_duplicate_items();
    test_numbers();
    test_restart_checks();
    test_lengths();
    test_list_sizes();
    test_cap_rights();
    test_text_size();
    test_names_and_format();
    return CHECK_DONE("manifest");
}
