/*
 * segment.c - a feed's record segments, and sharing them between versions.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The builder appends every indicator as a record (struct sh_rec, 11
 * bytes and its name, 4-byte aligned) to the feed's open segment, and
 * its optional fields, when it has any, to the segment's side table.
 * A segment is sealed (cut to size, hashed) at a boundary chosen by
 * content: after a record whose name hashes to 0 in its low
 * SEG_CDC_BITS bits, once the segment holds SEG_MIN_RECS records, or
 * when the next record would pass SH_SEG_BYTES.  A boundary so depends
 * on the names around it and not on where the file starts, and a line
 * added or removed moves the boundaries of one segment only.  Record
 * lines count from the segment's first line, so a segment below a
 * change still reads the same.
 *
 * Sharing: a reload passes the previous version of the file (fb->prev).
 * Every sealed segment is looked up among the previous version's by
 * its digest and, when one is byte for byte the same (records and
 * optional fields), that one is taken over by reference and the new
 * copy freed at once.  A reload of a 1M-indicator feed with one line
 * changed so holds one new segment (a few hundred kB) next to the
 * running version instead of a second copy of all its records (35 MB).
 * A segment whose indicators point at the feed's source rules (Sigma,
 * STIX) is not shared: the sources belong to one version.
 *
 * Memory: the new segments of one load are written in place, one after
 * the other, into a load arena: address space reserved at the first
 * record (enough for max_indicators of the longest names, inaccessible
 * until used), made writable 2 MiB at a time as the records arrive, and,
 * past SEG_ARENA_HUGE_MIN, advised for transparent huge pages (its
 * first pages are collapsed into huge pages at the end of the load), so
 * a matched record costs no TLB miss of its own, a small feed does not
 * hold a 2 MiB page, and no segment is ever copied or reallocated.  A
 * segment that turns out to have a twin is rewound: the next one is
 * written over it.  The arena is reference counted by its segments;
 * the pages of a segment freed while others of its arena live on (the
 * rest of a file whose one segment changed) are given back to the
 * kernel at once, and the arena is unmapped with its last segment.
 */
#include "formats/formats.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/** Records a segment holds before a content boundary may close it. */
#define SEG_MIN_RECS 1024
/** Low bits of a name's hash that are 0 at a content boundary: after
 * SEG_MIN_RECS, a segment closes after about 2^SEG_CDC_BITS more. */
#define SEG_CDC_BITS 13
/** Most segments one feed may have: every position, divided by 4,
 * must fit the set's 32-bit references. */
#define SEG_MAX_SEGS (((size_t)1 << (32 + 2 - SH_SEG_SHIFT)) - 2)
/** Bytes an arena is made writable by at a time, and its alignment: a
 * transparent huge page. */
#define SEG_ARENA_STEP ((size_t)2 * 1024 * 1024)
/** Arenas smaller than this are not given huge pages: a small feed
 * would hold a whole 2 MiB page for a few kB of records. */
#define SEG_ARENA_HUGE_MIN ((size_t)4 * 1024 * 1024)
/** Most address space one load arena reserves (1 TiB). */
#define SEG_ARENA_MAX ((size_t)1 << 40)
/** Alignment of a segment's start in its arena (a cache line). */
#define SEG_ALIGN 64

/** The address space one load writes its new segments into. */
struct sh_seg_arena {
	/** references: the builder while it loads, and each segment */
	unsigned refs;
	/** the whole mapping, as mmap gave it */
	uint8_t* map;
	/** its length */
	size_t map_len;
	/** start of the usable part, SEG_ARENA_STEP aligned */
	uint8_t* base;
	/** bytes usable from base */
	size_t size;
	/** bytes from base that are readable and writable */
	size_t committed;
	/** bytes from base handed out to segments */
	size_t used;
};

/**
 * Reserve the address space of a load arena (inaccessible until
 * committed, so it costs no memory).
 * @param size: bytes wanted.
 * @return the arena with one reference, or NULL when out of address
 *	space or memory.
 */
static struct sh_seg_arena*
arena_new(size_t size)
{
	struct sh_seg_arena* a = calloc(1, sizeof(*a));
	void* m;

	if(!a)
		return NULL;
	size = (size + SEG_ARENA_STEP - 1) & ~(SEG_ARENA_STEP - 1);
	a->map_len = size + SEG_ARENA_STEP;
	m = mmap(NULL, a->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		MAP_NORESERVE, -1, 0);
	if(m == MAP_FAILED) {
		free(a);
		return NULL;
	}
	a->map = m;
	a->base = (uint8_t*)(((uintptr_t)m + SEG_ARENA_STEP - 1) &
		~(uintptr_t)(SEG_ARENA_STEP - 1));
	a->size = size;
	a->refs = 1;
	return a;
}

/**
 * Make an arena writable up to an offset.
 * @param a: the arena.
 * @param end: bytes from base that must be writable.
 * @return 1 on success, 0 when the reservation is used up or the kernel
 *	refuses.
 */
static int
arena_commit(struct sh_seg_arena* a, size_t end)
{
	size_t to;

	if(end <= a->committed)
		return 1;
	if(end > a->size)
		return 0;
	to = (end + SEG_ARENA_STEP - 1) & ~(SEG_ARENA_STEP - 1);
	if(mprotect(a->base + a->committed, to - a->committed,
		PROT_READ | PROT_WRITE) != 0)
		return 0;
#ifdef MADV_HUGEPAGE
	if(to > SEG_ARENA_HUGE_MIN)
		(void)madvise(a->base + a->committed, to - a->committed,
			MADV_HUGEPAGE);
#endif
	a->committed = to;
	return 1;
}

/**
 * At the end of a load, give a large arena's first pages, written
 * before it was known to be large, huge pages as well.
 * @param a: the arena.
 */
static void
arena_settle(struct sh_seg_arena* a)
{
#ifdef MADV_HUGEPAGE
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
	if(a->used < SEG_ARENA_HUGE_MIN)
		return;
	(void)madvise(a->base, SEG_ARENA_HUGE_MIN, MADV_HUGEPAGE);
	/* synchronous where the kernel has it (6.1+), else khugepaged
	 * collapses them later */
	(void)madvise(a->base, SEG_ARENA_HUGE_MIN, MADV_COLLAPSE);
#else
	(void)a;
#endif
}

/**
 * Give the whole pages inside a byte range of an arena back to the
 * kernel (the bytes read as zero afterwards; neighbours are untouched).
 * @param lo: first byte.
 * @param hi: one past the last.
 */
static void
arena_release(uint8_t* lo, uint8_t* hi)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)lo + page - 1) & ~(page - 1);
	uintptr_t b = (uintptr_t)hi & ~(page - 1);

	if(b > a)
		(void)madvise((void*)a, b - a, MADV_DONTNEED);
}

/**
 * The address space to reserve for one load: room for max_indicators
 * records of the longest names, and a segment of slack for the
 * alignment of each segment's start.
 * @param fb: the builder.
 * @return bytes.
 */
static size_t
seg_arena_size(const struct sh_fb* fb)
{
	size_t n = fb->lim.max_indicators + 1;

	if(n > SEG_ARENA_MAX / sh_rec_size(SH_NAME_MAX))
		return SEG_ARENA_MAX;
	return n * sh_rec_size(SH_NAME_MAX) + n / (SEG_MIN_RECS / 2) *
		SEG_ALIGN + SH_SEG_BYTES;
}

/**
 * Drop a reference to an arena; the last one unmaps it.
 * @param a: the arena, or NULL.
 */
static void
arena_unref(struct sh_seg_arena* a)
{
	if(!a || __atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	(void)munmap(a->map, a->map_len);
	free(a);
}

struct sh_seg*
sh_seg_ref(struct sh_seg* seg)
{
	if(seg)
		__atomic_add_fetch(&seg->refs, 1, __ATOMIC_RELAXED);
	return seg;
}

void
sh_seg_unref(struct sh_seg* seg)
{
	size_t i;

	if(!seg || __atomic_sub_fetch(&seg->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for(i = 0; i < seg->num_meta; i++) {
		free(seg->meta[i].comment);
		sh_strv_free(seg->meta[i].tags);
		free(seg->meta[i].addr);
		free(seg->meta[i].unicode);
	}
	free(seg->meta);
	if(seg->arena) {
		arena_release(seg->recs, seg->recs + seg->len);
		arena_unref(seg->arena);
	} else	free(seg->recs);
	free(seg);
}

/**
 * Mix a word into a digest.
 * @param h: the digest so far.
 * @param x: the word.
 * @return the new digest.
 */
static uint64_t
seg_mix(uint64_t h, uint64_t x)
{
	h = (h ^ x) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 31);
}

/**
 * Mix a string (or its absence) into a digest.
 * @param h: the digest so far.
 * @param s: the string, or NULL.
 * @return the new digest.
 */
static uint64_t
seg_mix_str(uint64_t h, const char* s)
{
	if(!s)
		return seg_mix(h, 0x5a);
	for(; *s; s++)
		h = seg_mix(h, (uint8_t)*s);
	return seg_mix(h, 0xa5);
}

/**
 * The digest of a sealed segment: its record bytes and the content of
 * its optional fields.
 * @param seg: the segment.
 * @return the digest.
 */
static uint64_t
seg_digest(const struct sh_seg* seg)
{
	uint64_t h = seg_mix(0x243f6a8885a308d3ULL, seg->len), x;
	size_t i, k;

	for(i = 0; i + 8 <= seg->len; i += 8) {
		memcpy(&x, seg->recs + i, 8);
		h = seg_mix(h, x);
	}
	if(i < seg->len) {
		x = 0;
		memcpy(&x, seg->recs + i, seg->len - i);
		h = seg_mix(h, x);
	}
	for(i = 0; i < seg->num_meta; i++) {
		const struct sh_ind_meta* m = &seg->meta[i];
		h = seg_mix(h, m->off);
		h = seg_mix(h, (uint64_t)m->confidence);
		h = seg_mix(h, (uint64_t)m->first_seen);
		h = seg_mix(h, (uint64_t)m->expires);
		h = seg_mix_str(h, m->comment);
		h = seg_mix_str(h, m->unicode);
		for(k = 0; m->tags && m->tags[k]; k++)
			h = seg_mix_str(h, m->tags[k]);
		h = seg_mix(h, m->addr ? 1 : 0);
	}
	return h;
}

/**
 * Whether two strings (or their absence) are the same.
 * @param a: a string, or NULL.
 * @param b: a string, or NULL.
 * @return 1 if the same.
 */
static int
seg_str_same(const char* a, const char* b)
{
	if(!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/**
 * Whether two optional-field entries of shareable segments are the
 * same (neither has a source rule).
 * @param a: an entry.
 * @param b: an entry.
 * @return 1 if the same.
 */
static int
seg_meta_same(const struct sh_ind_meta* a, const struct sh_ind_meta* b)
{
	size_t k;

	if(a->off != b->off || a->confidence != b->confidence ||
		a->first_seen != b->first_seen || a->expires != b->expires ||
		!seg_str_same(a->comment, b->comment) ||
		!seg_str_same(a->unicode, b->unicode) ||
		(a->addr == NULL) != (b->addr == NULL) ||
		(a->tags == NULL) != (b->tags == NULL))
		return 0;
	if(a->addr && memcmp(a->addr, b->addr, sizeof(*a->addr)) != 0)
		return 0;
	for(k = 0; a->tags && (a->tags[k] || b->tags[k]); k++) {
		if(!seg_str_same(a->tags[k], b->tags[k]) || !a->tags[k])
			return 0;
	}
	return 1;
}

/**
 * Whether two sealed, shareable segments hold the same.
 * @param a: a segment.
 * @param b: a segment.
 * @return 1 if the same.
 */
static int
seg_same(const struct sh_seg* a, const struct sh_seg* b)
{
	size_t i;

	if(a->digest != b->digest || a->len != b->len ||
		a->num_ind != b->num_ind || a->num_meta != b->num_meta ||
		memcmp(a->recs, b->recs, a->len) != 0)
		return 0;
	for(i = 0; i < a->num_meta; i++) {
		if(!seg_meta_same(&a->meta[i], &b->meta[i]))
			return 0;
	}
	return 1;
}

/**
 * qsort order of segments by digest.
 * @param a: pointer to a segment pointer.
 * @param b: pointer to a segment pointer.
 * @return <0, 0 or >0.
 */
static int
seg_cmp_digest(const void* a, const void* b)
{
	uint64_t x = (*(struct sh_seg* const*)a)->digest;
	uint64_t y = (*(struct sh_seg* const*)b)->digest;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/**
 * Index the previous version's shareable segments by digest, once.
 * @param fb: the builder, with prev set.
 * @return 1 on success (also when there is nothing to index), 0 when
 *	out of memory (then nothing is shared; not an error).
 */
static int
seg_index_prev(struct sh_fb* fb)
{
	const struct sh_feed* p = fb->prev;
	size_t i;

	if(fb->twins_done)
		return fb->twins != NULL;
	fb->twins_done = 1;
	if(!p || p->num_segs == 0 ||
		!(fb->twins = malloc(p->num_segs * sizeof(*fb->twins))))
		return 0;
	for(i = 0; i < p->num_segs; i++) {
		if(p->segs[i]->shareable)
			fb->twins[fb->num_twins++] = p->segs[i];
	}
	qsort(fb->twins, fb->num_twins, sizeof(*fb->twins), seg_cmp_digest);
	return 1;
}

/**
 * Find a segment of the previous version that is the same as a new one.
 * @param fb: the builder.
 * @param seg: the new segment, sealed.
 * @return the twin, or NULL.
 */
static struct sh_seg*
seg_find_twin(struct sh_fb* fb, const struct sh_seg* seg)
{
	size_t lo = 0, hi;

	if(!seg->shareable || !seg_index_prev(fb))
		return NULL;
	hi = fb->num_twins;
	while(lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if(fb->twins[mid]->digest < seg->digest)
			lo = mid + 1;
		else	hi = mid;
	}
	for(; lo < fb->num_twins && fb->twins[lo]->digest == seg->digest;
		lo++) {
		if(seg_same(fb->twins[lo], seg))
			return fb->twins[lo];
	}
	return NULL;
}

/**
 * Seal the open segment: cut it to size, hash it, and take over its
 * twin from the previous version when there is one.
 * @param fb: the builder, with an open segment.
 */
static void
seg_seal(struct sh_fb* fb)
{
	struct sh_feed* f = fb->feed;
	struct sh_seg* seg = f->segs[f->num_segs - 1], *twin;
	void* n;

	fb->seg_open = 0;
	if(seg->num_meta < fb->meta_cap && (n = realloc(seg->meta,
		seg->num_meta * sizeof(*seg->meta))))
		seg->meta = n;
	fb->meta_cap = 0;
	seg->digest = seg_digest(seg);
	if((twin = seg_find_twin(fb, seg)) != NULL) {
		/* rewound: the next segment is written over this one */
		fb->arena->used = (size_t)(seg->recs - fb->arena->base);
		f->segs[f->num_segs - 1] = sh_seg_ref(twin);
		arena_unref(seg->arena);
		seg->arena = NULL;
		seg->recs = NULL;
		sh_seg_unref(seg);
		f->num_shared++;
	}
}

/**
 * Open a new, empty segment at the end of the feed.
 * @param fb: the builder, with no open segment.
 * @param line: line of the segment's first record.
 * @return 1 on success, 0 when out of memory or too many segments.
 */
static int
seg_open(struct sh_fb* fb, unsigned line)
{
	struct sh_feed* f = fb->feed;
	struct sh_seg* seg;

	if(f->num_segs >= SEG_MAX_SEGS)
		return 0;
	if(f->num_segs == fb->segs_cap) {
		size_t ncap = fb->segs_cap ? fb->segs_cap * 2 : 4;
		struct sh_seg** s = realloc(f->segs, ncap * sizeof(*s));
		unsigned* l;
		if(!s)
			return 0;
		f->segs = s;
		if(!(l = realloc(f->seg_line, ncap * sizeof(*l))))
			return 0;
		f->seg_line = l;
		fb->segs_cap = ncap;
	}
	if(!fb->arena && !(fb->arena = arena_new(seg_arena_size(fb))))
		return 0;
	if(!(seg = calloc(1, sizeof(*seg))))
		return 0;
	fb->arena->used = (fb->arena->used + SEG_ALIGN - 1) &
		~(size_t)(SEG_ALIGN - 1);
	seg->recs = fb->arena->base + fb->arena->used;
	seg->arena = fb->arena;
	__atomic_add_fetch(&fb->arena->refs, 1, __ATOMIC_RELAXED);
	seg->refs = 1;
	seg->shareable = 1;
	f->segs[f->num_segs] = seg;
	f->seg_line[f->num_segs++] = line;
	fb->seg_open = 1;
	return 1;
}

/**
 * Make room in the open segment for one more record, sealing it and
 * opening the next when it is full.
 * @param fb: the builder.
 * @param size: bytes of the record.
 * @param line: its line.
 * @return 1 on success, 0 when out of memory or too many records.
 */
static int
seg_room(struct sh_fb* fb, size_t size, unsigned line)
{
	struct sh_feed* f = fb->feed;
	struct sh_seg* seg;

	if(fb->seg_open && f->segs[f->num_segs - 1]->len + size >
		SH_SEG_BYTES)
		seg_seal(fb);
	if(!fb->seg_open && !seg_open(fb, line))
		return 0;
	seg = f->segs[f->num_segs - 1];
	return arena_commit(fb->arena, (size_t)(seg->recs - fb->arena->base) +
		seg->len + size);
}

/**
 * Whether an indicator has any optional field, so needs a meta entry.
 * @param ind: the indicator.
 * @return 1 if it has.
 */
static int
seg_has_meta(const struct sh_indicator* ind)
{
	return ind->first_seen || ind->expires || ind->confidence >= 0 ||
		ind->comment || ind->tags || ind->addr || ind->src ||
		ind->unicode;
}

/**
 * Store an indicator's optional fields in the open segment's side
 * table; ownership of comment, tags, addr and unicode passes to it.
 * @param fb: the builder.
 * @param seg: the open segment.
 * @param ind: the indicator.
 * @param off: offset of its record in the segment.
 * @return 1 on success, 0 when out of memory (nothing taken).
 */
static int
seg_add_meta(struct sh_fb* fb, struct sh_seg* seg,
	const struct sh_indicator* ind, size_t off)
{
	struct sh_ind_meta* m;

	if(seg->num_meta == fb->meta_cap) {
		size_t ncap = fb->meta_cap ? fb->meta_cap * 2 : 16;
		if(!(m = realloc(seg->meta, ncap * sizeof(*m))))
			return 0;
		seg->meta = m;
		fb->meta_cap = ncap;
	}
	m = &seg->meta[seg->num_meta++];
	m->off = off;
	m->confidence = ind->confidence;
	m->first_seen = ind->first_seen;
	m->expires = ind->expires;
	m->comment = ind->comment;
	m->tags = ind->tags;
	m->addr = ind->addr;
	m->src = ind->src;
	m->unicode = ind->unicode;
	if(ind->src)
		seg->shareable = 0;
	return 1;
}

/**
 * Whether a name ends a segment by content: SEG_CDC_BITS bits of a hash
 * of its length and of its first and last 8 bytes are 0 (two loads, not
 * a pass over the name: this runs for every record of a load, and the
 * names of a feed differ in those bytes).
 * @param wire: the name, at least 2 bytes (a name of one label or more).
 * @param len: its length.
 * @return 1 at a boundary.
 */
static int
seg_boundary(const uint8_t* wire, size_t len)
{
	uint64_t a = 0, b = 0, h;
	size_t n = len < 8 ? len : 8;

	memcpy(&a, wire, n);
	memcpy(&b, wire + len - n, n);
	h = (a * 0x9e3779b97f4a7c15ULL) ^ (b + len) * 0xc2b2ae3d27d4eb4fULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return (h >> (64 - SEG_CDC_BITS)) == 0;
}

int
sh_seg_store(struct sh_fb* fb, const struct sh_indicator* ind,
	const uint8_t* wire, size_t len)
{
	struct sh_feed* f = fb->feed;
	size_t size = sh_rec_size(len), off;
	struct sh_seg* seg;
	struct sh_rec* r;
	int meta = seg_has_meta(ind);

	if(!seg_room(fb, size, ind->line))
		return 0;
	seg = f->segs[f->num_segs - 1];
	off = seg->len;
	if(meta && !seg_add_meta(fb, seg, ind, off))
		return 0;
	r = (struct sh_rec*)(void*)(seg->recs + off);
	memset((uint8_t*)r + size - 4, 0, 4); /* the padding */
	r->line = ind->line - f->seg_line[f->num_segs - 1];
	r->column = ind->column;
	r->flags = (uint8_t)((ind->flags & (SH_IND_EXACT | SH_IND_ALLOW)) |
		(meta ? SH_REC_META : 0));
	r->action = (uint8_t)ind->action;
	r->namelen = (uint8_t)len;
	memcpy(r->name, wire, len);
	fb->last_pos = ((f->num_segs - 1) << SH_SEG_SHIFT) | off;
	seg->len += size;
	fb->arena->used += size;
	seg->num_ind++;
	f->recs_len += size;
	f->num_meta += meta ? 1 : 0;
	f->num_ind++;
	if(seg->num_ind >= SEG_MIN_RECS && seg_boundary(wire, len))
		seg_seal(fb);
	return 1;
}

void
sh_seg_finish(struct sh_fb* fb)
{
	struct sh_feed* f = fb->feed;
	void* n;

	if(fb->seg_open)
		seg_seal(fb);
	if(f->num_segs < fb->segs_cap && f->num_segs > 0) {
		if((n = realloc(f->segs, f->num_segs * sizeof(*f->segs))))
			f->segs = n;
		if((n = realloc(f->seg_line, f->num_segs *
			sizeof(*f->seg_line))))
			f->seg_line = n;
		fb->segs_cap = f->num_segs;
	}
	free(fb->twins);
	fb->twins = NULL;
	fb->num_twins = 0;
	if(fb->arena) {
		/* pages written by rewound segments past the end */
		arena_release(fb->arena->base + fb->arena->used,
			fb->arena->base + fb->arena->committed);
		arena_settle(fb->arena);
		arena_unref(fb->arena);
		fb->arena = NULL;
	}
}
