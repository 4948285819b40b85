/*
 * ind_at.h - the i-th indicator of a feed, for tests.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Feeds keep their indicators as compact records read in order
 * (sh_feed_iter_next); tests want to say "the third indicator".  ind_at
 * walks to it, resuming from the last position when it can, so a loop
 * over i costs O(n).  The view is in one of IND_AT_BUFS rotating
 * buffers, so a few results can be held and compared at once.
 * Included once per test program (static functions).
 */
#ifndef SH_TEST_IND_AT_H
#define SH_TEST_IND_AT_H

#include "sinkhole.h"
#include <stddef.h>

/** Views ind_at keeps alive at once. */
#define IND_AT_BUFS 32

/**
 * The i-th indicator of a feed, in file order.
 * @param f: the feed.
 * @param i: index, below f->num_ind.
 * @return a view valid until IND_AT_BUFS more calls, or NULL when i is
 *	out of range.
 */
static const struct sh_indicator*
ind_at(const struct sh_feed* f, size_t i)
{
	static struct sh_indicator buf[IND_AT_BUFS];
	static unsigned next;
	static struct sh_feed_iter it;
	static size_t at; /* index of the indicator it returns next */
	static struct sh_seg* const* segs;
	static struct sh_indicator last;
	struct sh_indicator* ind = &buf[next++ % IND_AT_BUFS];

	if(it.feed == f && segs == f->segs && at > 0 && i == at - 1) {
		*ind = last; /* the same one again */
		return ind;
	}
	if(it.feed != f || segs != f->segs || i < at) {
		sh_feed_iter_init(&it, f);
		segs = f->segs;
		at = 0;
	}
	for(; at <= i; at++)
		if(!sh_feed_iter_next(&it, ind))
			return NULL;
	last = *ind;
	return ind;
}

#endif /* SH_TEST_IND_AT_H */
