/*
 * records.c - the compact indicator records of a feed, read as views.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * A feed keeps its indicators as records (struct sh_rec) back to back
 * in one arena: line, column, flags, action, name length and the name,
 * 4-byte aligned, 11 bytes plus the name.  The optional fields (times,
 * confidence, comment, tags, own addresses, source rule, U-label form)
 * are in a side table, feed->meta, sorted by record offset, with an
 * entry only for the indicators that have one; a flag in the record
 * says so.  This file turns a record back into a struct sh_indicator
 * view, walking the feed in order or finding one record by offset.
 */
#include "internal.h"
#include <string.h>

/**
 * Fill a view from a record and its meta entry.
 * @param r: the record.
 * @param off: its offset.
 * @param meta: its meta entry, or NULL.
 * @param ind: filled in.
 */
static void
rec_view(const struct sh_rec* r, size_t off, const struct sh_ind_meta* meta,
	struct sh_indicator* ind)
{
	memset(ind, 0, sizeof(*ind));
	ind->name = r->name;
	ind->namelen = r->namelen;
	ind->off = off;
	ind->flags = r->flags & (unsigned)~SH_REC_META;
	ind->action = (enum sh_action)r->action;
	ind->line = r->line;
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
	const struct sh_rec* r;

	if(!f || it->off >= f->recs_len)
		return NULL;
	r = sh_rec_at(f, it->off);
	if((r->flags & SH_REC_META) && it->meta < f->num_meta &&
		f->meta[it->meta].off == it->off)
		meta = &f->meta[it->meta++];
	rec_view(r, it->off, meta, ind);
	it->off += sh_rec_size(r->namelen);
	return ind;
}

/**
 * Find the meta entry of a record by binary search.
 * @param f: the feed.
 * @param off: the record's offset.
 * @return the entry, or NULL.
 */
static const struct sh_ind_meta*
meta_find(const struct sh_feed* f, size_t off)
{
	size_t lo = 0, hi = f->num_meta;

	while(lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if(f->meta[mid].off == off)
			return &f->meta[mid];
		if(f->meta[mid].off < off)
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

	rec_view(r, off, (r->flags & SH_REC_META) ? meta_find(feed, off) :
		NULL, ind);
	return ind;
}
