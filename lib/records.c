/*
 * records.c - the compact indicator records of a feed, read as views.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * A feed keeps its indicators as records (struct sh_rec) back to back
 * in segments of at most SH_SEG_BYTES: line, column, flags, action,
 * name length and the name, 4-byte aligned, 11 bytes plus the name.
 * The optional fields (times, confidence, comment, tags, own addresses,
 * source rule, U-label form) are in each segment's side table, sorted
 * by record offset, with an entry only for the indicators that have
 * one; a flag in the record says so.  A record's line is counted from
 * its segment's first line (feed->seg_line).  This file turns a record
 * back into a struct sh_indicator view, walking the feed in order or
 * finding one record by position.
 */
#include "internal.h"
#include <string.h>

/**
 * Fill a view from a record and its meta entry.
 * @param f: the feed.
 * @param pos: the record's position.
 * @param meta: its meta entry, or NULL.
 * @param ind: filled in.
 */
static void
rec_view(const struct sh_feed* f, size_t pos, const struct sh_ind_meta* meta,
	struct sh_indicator* ind)
{
	const struct sh_rec* r = sh_rec_at(f, pos);

	memset(ind, 0, sizeof(*ind));
	ind->name = r->name;
	ind->namelen = r->namelen;
	ind->off = pos;
	ind->flags = r->flags & (unsigned)~SH_REC_META;
	ind->action = (enum sh_action)r->action;
	ind->line = f->seg_line[pos >> SH_SEG_SHIFT] + r->line;
	ind->column = r->column;
	ind->confidence = -1;
	if(!meta)
		return;
	ind->confidence = meta->confidence;
	ind->first_seen = meta->first_seen;
	ind->expires = meta->expires;
	ind->comment = meta->comment;
	ind->tags = meta->tags;
	ind->addr = meta->addr;
	ind->src = meta->src;
	ind->unicode = meta->unicode;
}

void
sh_feed_iter_init(struct sh_feed_iter* it, const struct sh_feed* feed)
{
	it->feed = feed;
	it->off = 0;
	it->meta = 0;
}

const struct sh_indicator*
sh_feed_iter_next(struct sh_feed_iter* it, struct sh_indicator* ind)
{
	const struct sh_feed* f = it->feed;
	const struct sh_ind_meta* meta = NULL;
	const struct sh_seg* seg;
	size_t pos = it->off, next;

	if(!f || pos >= sh_feed_pos_end(f))
		return NULL;
	seg = f->segs[pos >> SH_SEG_SHIFT];
	if((sh_rec_at(f, pos)->flags & SH_REC_META) &&
		it->meta < seg->num_meta &&
		seg->meta[it->meta].off == (pos & (SH_SEG_BYTES - 1)))
		meta = &seg->meta[it->meta++];
	rec_view(f, pos, meta, ind);
	next = sh_feed_pos_next(f, pos);
	if((next >> SH_SEG_SHIFT) != (pos >> SH_SEG_SHIFT))
		it->meta = 0;
	it->off = next;
	return ind;
}

/**
 * Find the meta entry of a record by binary search.
 * @param seg: the record's segment.
 * @param off: the record's offset in it.
 * @return the entry, or NULL.
 */
static const struct sh_ind_meta*
meta_find(const struct sh_seg* seg, size_t off)
{
	size_t lo = 0, hi = seg->num_meta;

	while(lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if(seg->meta[mid].off == off)
			return &seg->meta[mid];
		if(seg->meta[mid].off < off)
			lo = mid + 1;
		else	hi = mid;
	}
	return NULL;
}

const struct sh_indicator*
sh_feed_ind_get(const struct sh_feed* feed, size_t off,
	struct sh_indicator* ind)
{
	const struct sh_rec* r = sh_rec_at(feed, off);

	rec_view(feed, off, (r->flags & SH_REC_META) ? meta_find(
		feed->segs[off >> SH_SEG_SHIFT], off & (SH_SEG_BYTES - 1)) :
		NULL, ind);
	return ind;
}
