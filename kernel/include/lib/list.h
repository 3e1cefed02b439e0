/*
 * list.h - the kernel's one intrusive doubly-linked list.
 *
 * A struct list is both the head of a list and the link embedded in each
 * member; an empty head and an unlinked member point at themselves.
 */
#ifndef CAIRN_LIB_LIST_H
#define CAIRN_LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list {
    struct list *next, *prev;
};

#define LIST_INIT(name)                                                                            \
    {                                                                                              \
        &(name), &(name)                                                                           \
    }

#define list_entry(link, type, member) ((type *)((char *)(link)-offsetof(type, member)))

#define list_first_entry(head, type, member) list_entry((head)->next, type, member)

#define list_for_each_entry(pos, head, member)                                                     \
    for (pos = list_entry((head)->next, __typeof__(*pos), member); &pos->member != (head);         \
         pos = list_entry(pos->member.next, __typeof__(*pos), member))

#define list_for_each_entry_safe(pos, tmp, head, member)                                           \
    for (pos = list_entry((head)->next, __typeof__(*pos), member),                                 \
        tmp = list_entry(pos->member.next, __typeof__(*pos), member);                              \
         &pos->member != (head);                                                                   \
         pos = tmp, tmp = list_entry(tmp->member.next, __typeof__(*pos), member))

static inline void list_init(struct list *l)
{
    l->next = l->prev = l;
}

static inline bool list_empty(const struct list *l)
{
    return l->next == l;
}

static inline void list_insert_between(struct list *item, struct list *prev, struct list *next)
{
    item->prev = prev;
    item->next = next;
    prev->next = item;
    next->prev = item;
}

static inline void list_push_back(struct list *head, struct list *item)
{
    list_insert_between(item, head->prev, head);
}

static inline void list_push_front(struct list *head, struct list *item)
{
    list_insert_between(item, head, head->next);
}

/* Unlinks item (which must be on a list) and leaves it pointing at itself. */
static inline void list_remove(struct list *item)
{
    item->prev->next = item->next;
    item->next->prev = item->prev;
    list_init(item);
}

#endif
