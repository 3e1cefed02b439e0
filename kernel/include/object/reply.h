/*
 * reply.h - reply objects: a one-shot capability to answer one call.
 *
 * A thread that received a call owes its caller a reply (thread->reply_to,
 * endpoint.h). ipc_reply_detach moves that debt into a reply object named
 * by a handle, so the thread may go on receiving while the caller waits,
 * and whoever holds the handle (this thread, another one, another process
 * it was sent to) answers later with ipc_reply_to. This is seL4's
 * SaveCaller, and its MCS reply object's link between the reply and the
 * caller, which the caller breaks when it stops waiting.
 *
 * The link: reply->caller and caller->reply_holder point at each other,
 * with no reference either way, and change only together, under the lock
 * of the endpoint of the call (reply->ep, which is the caller's
 * ipc_endpoint while it waits). A caller that gives up (timeout, its
 * process ending) breaks the link itself before it leaves its call
 * (reply_abandon), so a reply object never keeps a dead thread, and a
 * linked caller is always a live thread blocked in that very call.
 *
 * The object ends the debt once: answered (spent), or the caller gone, or
 * the object destroyed with the caller still linked (its last handle
 * closed, or its holder's process ended), which ends the call with
 * PEER_DEAD as a receiver that dies owing a reply does.
 */
#ifndef CAIRN_OBJECT_REPLY_H
#define CAIRN_OBJECT_REPLY_H

#include <cairn/error.h>
#include <object/kobject.h>
#include <stdbool.h>

struct endpoint;
struct thread;

struct reply {
    struct kobject obj;
    struct endpoint *ep;   /* fixed once installed: the call's endpoint; a reference is held */
    struct thread *caller; /* ep->lock: the caller awaiting this reply, or NULL; no reference */
    bool spent; /* ep->lock: the reply was given (answered, or the caller's side failed) */
};

/* Links r, not yet linked, to caller, which awaits the reply of its call
 * on r->ep. r->ep->lock held. */
void reply_link(struct reply *r, struct thread *caller);

/* Breaks the link of a caller that stops waiting for its reply (its call
 * gave up), if it has one. The lock of caller->ipc_endpoint held. */
void reply_abandon(struct thread *caller);

#endif
