/*
 * test_supervise.c - host tests for init's pure parts: the restart policy
 * and back-off (user/init/supervise.c), the start order
 * (user/init/order.c) and boot sets (user/init/set.c).
 */
#include "order.h"
#include "set.h"
#include "supervise.h"

#include <cairn/process.h>
#include <stdlib.h>

#include "check.h"

static struct manifest silo(const char *name, enum manifest_restart restart)
{
    struct manifest m;
    memset(&m, 0, sizeof(m));
    snprintf(m.name, sizeof(m.name), "%s", name);
    m.restart = restart;
    m.restart_delay_ms = 50;
    m.restart_max_delay_ms = 300;
    m.restart_limit = 3;
    return m;
}

static void test_policy(void)
{
    uint32_t d = 99;
    struct manifest never = silo("a", MANIFEST_RESTART_NEVER);
    struct manifest fail = silo("b", MANIFEST_RESTART_ON_FAILURE);
    struct manifest always = silo("c", MANIFEST_RESTART_ALWAYS);
    CHECK_EQ(supervise_decide(&never, 0, CAIRN_EXIT_FAULTED, 0, &d), SUPERVISE_STAY_DOWN);
    CHECK_EQ(d, 0);
    CHECK_EQ(supervise_decide(&fail, 0, CAIRN_EXIT_STATUS, 0, &d), SUPERVISE_STAY_DOWN);
    CHECK_EQ(supervise_decide(&fail, 0, CAIRN_EXIT_STATUS, 3, &d), SUPERVISE_RESTART);
    CHECK_EQ(d, 50);
    CHECK_EQ(supervise_decide(&fail, 0, CAIRN_EXIT_KILLED, 0, &d), SUPERVISE_RESTART);
    CHECK_EQ(supervise_decide(&fail, 1, CAIRN_EXIT_FAULTED, 0, &d), SUPERVISE_RESTART);
    CHECK_EQ(d, 100);
    CHECK_EQ(supervise_decide(&fail, 2, CAIRN_EXIT_FAULTED, 0, &d), SUPERVISE_RESTART);
    CHECK_EQ(d, 200);
    CHECK_EQ(supervise_decide(&fail, 3, CAIRN_EXIT_FAULTED, 0, &d), SUPERVISE_GIVE_UP);
    CHECK_EQ(supervise_decide(&always, 0, CAIRN_EXIT_STATUS, 0, &d), SUPERVISE_RESTART);
    always.restart_limit = MANIFEST_RESTART_UNLIMITED;
    CHECK_EQ(supervise_decide(&always, 2, CAIRN_EXIT_STATUS, 0, &d), SUPERVISE_RESTART);
    CHECK_EQ(d, 200);
    CHECK_EQ(supervise_decide(&always, 3, CAIRN_EXIT_STATUS, 0, &d), SUPERVISE_RESTART);
    CHECK_EQ(d, 300); /* capped */
    CHECK_EQ(supervise_decide(&always, 1000000, CAIRN_EXIT_STATUS, 0, &d), SUPERVISE_RESTART);
    CHECK_EQ(d, 300);
    always.restart_limit = 0;
    CHECK_EQ(supervise_decide(&always, 0, CAIRN_EXIT_STATUS, 0, &d), SUPERVISE_GIVE_UP);
    char buf[32];
    supervise_reason(CAIRN_EXIT_STATUS, 3, buf, sizeof(buf));
    CHECK_STR(buf, "status 3");
    supervise_reason(CAIRN_EXIT_STATUS, -1, buf, sizeof(buf));
    CHECK_STR(buf, "status -1");
    supervise_reason(CAIRN_EXIT_KILLED, 0, buf, sizeof(buf));
    CHECK_STR(buf, "killed");
    supervise_reason(CAIRN_EXIT_FAULTED, 0, buf, sizeof(buf));
    CHECK_STR(buf, "faulted");
}

static void test_order(void)
{
    static struct manifest m[4];
    const struct manifest *list[4];
    unsigned order[4];
    char why[128];
    m[0] = silo("app", MANIFEST_RESTART_NEVER);
    strcpy(m[0].schemes[0], "log");
    m[0].scheme_count = 1;
    strcpy(m[0].mounts[0].path, "file:/data");
    m[0].mount_count = 1;
    m[1] = silo("fs", MANIFEST_RESTART_NEVER);
    strcpy(m[1].provides[0], "file");
    m[1].provide_count = 1;
    strcpy(m[1].depends[0], "disk");
    m[1].depend_count = 1;
    m[2] = silo("log", MANIFEST_RESTART_NEVER);
    strcpy(m[2].provides[0], "log");
    m[2].provide_count = 1;
    m[3] = silo("disk", MANIFEST_RESTART_NEVER);
    for (int i = 0; i < 4; i++)
        list[i] = &m[i];
    CHECK_EQ(order_silos(list, 4, order, why, sizeof(why)), 0);
    /* disk before fs (depends), fs and log before app (schemes, mounts). */
    CHECK_EQ(order[0], 2);
    CHECK_EQ(order[1], 3);
    CHECK_EQ(order[2], 1);
    CHECK_EQ(order[3], 0);
    strcpy(m[3].depends[0], "app");
    m[3].depend_count = 1;
    CHECK_EQ(order_silos(list, 4, order, why, sizeof(why)), -1);
    CHECK_STR(why, "a dependency cycle among: app fs disk");
    strcpy(m[3].depends[0], "nobody");
    CHECK_EQ(order_silos(list, 4, order, why, sizeof(why)), -1);
    CHECK_STR(why, "disk depends on nobody, which is not in the set");
    CHECK_EQ(order_silos(list, 0, order, why, sizeof(why)), 0);
}

static void test_set(void)
{
    static struct set s;
    char why[128];
    const char text[] = "# the boot set\nnameserver\n  log  # the log\n\nsvc_test-2\n";
    CHECK_EQ(set_parse(text, sizeof(text) - 1, &s, why, sizeof(why)), 0);
    CHECK_EQ(s.count, 3);
    CHECK_STR(s.names[0], "nameserver");
    CHECK_STR(s.names[1], "log");
    CHECK_STR(s.names[2], "svc_test-2");
    CHECK_EQ(set_parse("a\nb\na\n", 6, &s, why, sizeof(why)), -1);
    CHECK_STR(why, "line 3: a is in the set already");
    CHECK_EQ(set_parse("a b\n", 4, &s, why, sizeof(why)), -1);
    CHECK_STR(why, "line 1: a silo name is [a-z0-9_-], not ' '");
    CHECK_EQ(set_parse("Log", 3, &s, why, sizeof(why)), -1);
    CHECK_EQ(set_parse("", 0, &s, why, sizeof(why)), 0);
    CHECK_EQ(s.count, 0);
    char many[SET_MAX * 4 + 8];
    size_t n = 0;
    for (int i = 0; i <= SET_MAX; i++)
        n += (size_t)snprintf(many + n, sizeof(many) - n, "s%d\n", i);
    CHECK_EQ(set_parse(many, n, &s, why, sizeof(why)), -1);
    char longname[64];
    memset(longname, 'a', 40);
    CHECK_EQ(set_parse(longname, 40, &s, why, sizeof(why)), -1);
}

int main(void)
{
    test_policy();
    test_order();
    test_set();
    return CHECK_DONE("supervise");
}
