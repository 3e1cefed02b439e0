/*
 * handles.c - handles: types, rights, duplication, badges, closing,
 * guessing and revocation, with the specific error for each misuse.
 */
#include "ktest.h"
#include <cairn/error.h>

#define ALL_NOTIFICATION_RIGHTS                                                                    \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER |        \
     CAIRN_RIGHT_REVOKE)

KTEST(handle_info_describes_new_objects, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long n = cairn_notification_create();
    long e = cairn_endpoint_create();
    EXPECT_TRUE(n > 0 && e > 0);
    EXPECT_EQ(cairn_handle_info(n, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_NOTIFICATION);
    EXPECT_EQ(info.rights, ALL_NOTIFICATION_RIGHTS);
    EXPECT_EQ(info.badge, 0);
    EXPECT_EQ(cairn_handle_info(e, &info), 0);
    EXPECT_EQ(info.type, CAIRN_OBJ_ENDPOINT);
    EXPECT_ERR(cairn_handle_info(n, (void *)0x10), CAIRN_E_BAD_ADDRESS);
    EXPECT_ERR(cairn_handle_info(n, (void *)0xffff800000001000ul), CAIRN_E_BAD_ADDRESS);
    EXPECT_EQ(cairn_handle_close(n), 0);
    EXPECT_EQ(cairn_handle_close(e), 0);
}

KTEST(closed_and_guessed_handles_fail, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long n = cairn_notification_create();
    EXPECT_EQ(cairn_handle_close(n), 0);
    EXPECT_ERR(cairn_handle_close(n), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_notification_signal(n, 1), CAIRN_E_BAD_HANDLE);
    EXPECT_ERR(cairn_handle_info(n, &info), CAIRN_E_BAD_HANDLE);
    /* The slot is reused with a new generation: the old value stays dead. */
    long again = cairn_notification_create();
    EXPECT_TRUE(again != n);
    EXPECT_ERR(cairn_notification_signal(n, 1), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(cairn_notification_signal(again, 1), 0);
    static const uint64_t guesses[] = {0,          1,          2,          0xffff,         0x10000,
                                       0x7fffffff, 0x80000000, 0xffffffff, 0x100000001ull, ~0ull};
    for (unsigned i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
        if (guesses[i] == (uint64_t)again)
            continue;
        EXPECT_ERR(cairn_handle_info(guesses[i], &info), CAIRN_E_BAD_HANDLE);
        EXPECT_ERR(cairn_handle_close(guesses[i]), CAIRN_E_BAD_HANDLE);
    }
    EXPECT_EQ(cairn_handle_close(again), 0);
}

KTEST(wrong_type_and_missing_rights, KTEST_QUICK)
{
    long n = cairn_notification_create();
    long e = cairn_endpoint_create();
    EXPECT_ERR(cairn_notification_signal(e, 1), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_notification_wait(e, 0), CAIRN_E_WRONG_TYPE);
    long wait_only = cairn_handle_duplicate(n, CAIRN_RIGHT_WAIT);
    EXPECT_TRUE(wait_only > 0);
    EXPECT_ERR(cairn_notification_signal(wait_only, 1), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_handle_duplicate(wait_only, CAIRN_RIGHT_WAIT), CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(cairn_handle_revoke(wait_only), CAIRN_E_ACCESS_DENIED);
    long signal_only = cairn_handle_duplicate(n, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);
    EXPECT_ERR(cairn_notification_wait(signal_only, 0), CAIRN_E_ACCESS_DENIED);
    /* Never more rights than the source. */
    EXPECT_ERR(cairn_handle_duplicate(signal_only, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT),
               CAIRN_E_ACCESS_DENIED);
    EXPECT_ERR(ktest_syscall(SYS_HANDLE_DUPLICATE, n, 1l << 40), CAIRN_E_INVALID_ARGUMENT);
    EXPECT_ERR(ktest_syscall(SYS_HANDLE_CLOSE, (1l << 32) | n, 0), CAIRN_E_BAD_HANDLE);
    cairn_handle_close(signal_only);
    cairn_handle_close(wait_only);
    cairn_handle_close(n);
    cairn_handle_close(e);
}

KTEST(mint_badges_only_unbadged_endpoints, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long n = cairn_notification_create();
    long e = cairn_endpoint_create();
    EXPECT_ERR(cairn_handle_mint(n, CAIRN_RIGHT_SIGNAL, 7), CAIRN_E_WRONG_TYPE);
    EXPECT_ERR(cairn_handle_mint(e, CAIRN_RIGHT_SIGNAL, 0), CAIRN_E_INVALID_ARGUMENT);
    long badged = cairn_handle_mint(e, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE, 0xbad6e);
    EXPECT_TRUE(badged > 0);
    EXPECT_EQ(cairn_handle_info(badged, &info), 0);
    EXPECT_EQ(info.badge, 0xbad6e);
    EXPECT_ERR(cairn_handle_mint(badged, CAIRN_RIGHT_SIGNAL, 9), CAIRN_E_BUSY);
    long copy = cairn_handle_duplicate(badged, CAIRN_RIGHT_SIGNAL);
    EXPECT_EQ(cairn_handle_info(copy, &info), 0);
    EXPECT_EQ(info.badge, 0xbad6e);
    cairn_handle_close(copy);
    cairn_handle_close(badged);
    cairn_handle_close(n);
    cairn_handle_close(e);
}

KTEST(revoke_invalidates_every_descendant, KTEST_QUICK)
{
    struct cairn_handle_info info;
    long root = cairn_notification_create();
    long child = cairn_handle_duplicate(root, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);
    long grandchild = cairn_handle_duplicate(child, CAIRN_RIGHT_SIGNAL);
    long sibling = cairn_handle_duplicate(root, CAIRN_RIGHT_WAIT);
    EXPECT_EQ(cairn_handle_revoke(root), 0);
    EXPECT_ERR(cairn_notification_signal(child, 1), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_notification_signal(grandchild, 1), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_notification_wait(sibling, 0), CAIRN_E_REVOKED);
    EXPECT_ERR(cairn_handle_info(child, &info), CAIRN_E_REVOKED);
    /* The revoked handle itself still works, and revoked ones close. */
    EXPECT_EQ(cairn_notification_signal(root, 4), 0);
    EXPECT_EQ(cairn_notification_wait(root, 0), 4);
    EXPECT_EQ(cairn_handle_close(child), 0);
    EXPECT_EQ(cairn_handle_close(grandchild), 0);
    EXPECT_EQ(cairn_handle_close(sibling), 0);
    EXPECT_ERR(cairn_handle_close(child), CAIRN_E_BAD_HANDLE);
    EXPECT_EQ(cairn_handle_close(root), 0);
}

KTEST(revoke_reaches_past_closed_intermediates, KTEST_QUICK)
{
    long root = cairn_notification_create();
    long middle = cairn_handle_duplicate(root, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);
    long leaf = cairn_handle_duplicate(middle, CAIRN_RIGHT_SIGNAL);
    EXPECT_EQ(cairn_handle_close(middle), 0);
    EXPECT_EQ(cairn_notification_signal(leaf, 1), 0);
    EXPECT_EQ(cairn_handle_revoke(root), 0);
    EXPECT_ERR(cairn_notification_signal(leaf, 1), CAIRN_E_REVOKED);
    cairn_handle_close(leaf);
    cairn_handle_close(root);
}

KTEST(revoke_a_wide_tree, KTEST_QUICK)
{
    enum { WIDTH = 300 };
    static long children[WIDTH];
    long root = cairn_notification_create();
    for (int i = 0; i < WIDTH; i++)
        children[i] = cairn_handle_duplicate(root, CAIRN_RIGHT_SIGNAL);
    EXPECT_EQ(cairn_handle_revoke(root), 0);
    int revoked = 0;
    for (int i = 0; i < WIDTH; i++) {
        revoked += cairn_notification_signal(children[i], 1) == -CAIRN_E_REVOKED;
        cairn_handle_close(children[i]);
    }
    EXPECT_EQ(revoked, WIDTH);
    cairn_handle_close(root);
}

KTEST(handle_table_fills_up_cleanly, KTEST_FULL)
{
    enum { MAX = 4200 };
    static long handles[MAX];
    long root = cairn_notification_create();
    int made = 0;
    long err = 0;
    while (made < MAX) {
        long h = cairn_handle_duplicate(root, CAIRN_RIGHT_SIGNAL);
        if (h < 0) {
            err = h;
            break;
        }
        handles[made++] = h;
    }
    EXPECT_ERR(err, CAIRN_E_NO_HANDLES);
    for (int i = 0; i < made; i++)
        EXPECT_EQ(cairn_handle_close(handles[i]), 0);
    cairn_handle_close(root);
}
