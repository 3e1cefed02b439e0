/*
 * order.h - the order init starts a set of silos in. Pure (host-tested).
 *
 * A silo starts after every silo it names in `depends` and after the
 * providers (in the set) of every scheme it is given, whole (`schemes`)
 * or mounted (`mounts`). A scheme no silo of the set provides adds no
 * edge. Silos with no order between them keep the set's order.
 */
#ifndef CAIRN_INIT_ORDER_H
#define CAIRN_INIT_ORDER_H

#include <manifest/manifest.h>
#include <stddef.h>

#define ORDER_MAX 64 /* silos in one set */

/* Puts the indexes of m[0..n) into order[0..n) in start order. Returns 0,
 * or -1 with why (size bytes) saying which silo depends on an unknown one
 * or which silos depend on each other in a cycle. */
int order_silos(const struct manifest *const *m, unsigned n, unsigned *order, char *why,
                size_t size);

#endif
