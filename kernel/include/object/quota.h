/*
 * quota.h - the kernel memory a process may cause to be allocated.
 *
 * Every object a process creates, and every page table or handle-table
 * chunk it causes, is charged to its quota; creation fails with
 * CAIRN_E_QUOTA when the charge would pass the limit. The charge returns
 * when the object is destroyed, whichever process holds it then. A quota
 * is itself a kernel object, held by its process and by every object
 * charged to it.
 */
#ifndef CAIRN_OBJECT_QUOTA_H
#define CAIRN_OBJECT_QUOTA_H

#include <cairn/error.h>
#include <core/spinlock.h>
#include <object/kobject.h>

struct quota {
    struct kobject obj;
    struct spinlock lock;
    size_t limit; /* lock */
    size_t used;  /* lock */
};

/* A new quota of `limit` bytes, with one reference for the caller. */
struct quota *quota_create(size_t limit);

/* Charges `bytes` to q for object o (which keeps a reference to q until it
 * is destroyed). CAIRN_E_QUOTA when over the limit. */
enum cairn_error quota_charge_object(struct quota *q, struct kobject *o, size_t bytes);

/* Charges bytes of memory that is not an object of its own (handle-table
 * chunks, a process's I/O bitmap) to q; CAIRN_E_QUOTA when over the limit.
 * The caller keeps q alive until it returns the same bytes with
 * quota_uncharge(). */
enum cairn_error quota_charge(struct quota *q, size_t bytes);
void quota_uncharge(struct quota *q, size_t bytes);

/* Returns o's charge; called by each destructor. */
void quota_uncharge_object(struct kobject *o);

#endif
