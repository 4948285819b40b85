/*
 * set.c - the compiled domain set: which indicator covers a query name.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The compiled domain set.  All indicators of all feeds are put in one
 * open-addressing hash table with linear probing, 70% full (the table's
 * size is not a power of two: the home slot is the hash's low half
 * scaled to it, so no size class leaves it half empty).  A
 * slot is 8 bytes: a 32-bit fingerprint (high half of the name hash,
 * lowest bit replaced by the exact flag) and a 32-bit reference to the
 * indicator's record in its feed (struct sh_rec: flags, action and the
 * canonical name together).  The references number the 4-byte units of
 * all the feeds' record positions (segment index and offset, see
 * SH_SEG_SHIFT), end to end, from 1; 0 is an empty slot.
 * The set holds a reference to every feed it uses, so the records stay
 * valid and are never copied.  There is no other per-entry storage: 8
 * bytes / 0.7 load factor, about 11.4 bytes per indicator.
 *
 * In front of the table sits a blocked Bloom filter (lib/bloom.h) of
 * 10 bits per entry, small enough to stay in the CPU's cache where the
 * table cannot: a suffix the filter turns away costs no read of the
 * table, so a miss nearly always reads only the filter (one in about a
 * hundred suffixes passes it wrongly and probes the table; a false
 * fingerprint match there is one in 2^31 per probe).  A hit reads the
 * filter, the slots and one record.
 *
 * The hash of a name is built from the right: the hash of a suffix is
 * mix(hash of its parent * c, hash of its lower-cased first label), and
 * a label's own hash (8 bytes at a time) does not depend on its parent,
 * so the CPU hashes the labels of a name in parallel and only the mix
 * is chained.  One right-to-left pass over a query name so gives the
 * hash of every one of its suffixes, and a lookup of a name with k
 * labels costs O(length) hashing and at most k filter tests: suffixes
 * with fewer labels than the set's shortest entry (the TLD, since feeds
 * refuse TLDs) are not looked up.  The filter blocks and the first
 * probe slots of all suffixes are prefetched before the first is
 * tested, so their cache misses overlap (a prefetched slot the filter
 * turns away is not waited for).
 *
 * Building inserts the indicators in feed and file order (which
 * decides between duplicates) but hashes them SET_BUILD_AHEAD ahead and
 * prefetches their slots and filter blocks, so the random writes into a
 * table far larger than the cache overlap (10M indicators: 3.1 s to
 * 1.5 s on the development VM).
 *
 * The set is immutable once built; sh_set_match only reads it and keeps
 * its scratch on the stack, so any number of threads may match at once.
 */
#include "internal.h"
#include "bloom.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

/** most labels a valid wire name can have (127 one-byte labels) */
#define SET_MAX_LABELS 128
/** zero bytes after the name in the hashing scratch, for 8-byte reads */
#define SET_PAD 8
/** the bit of a slot tag that holds the exact flag */
#define SET_TAG_EXACT 1u
/** record arena bytes a reference unit stands for */
#define SET_REF_UNIT 4
/** the most reference units, over all feeds, a set can number */
#define SET_MAX_UNITS ((size_t)UINT32_MAX)
/** smallest table, in slots */
#define SET_MIN_SLOTS 16
/** odd 64-bit multiplier used by the hash */
#define SET_HASH_MUL 0x9e3779b97f4a7c15ULL
/** hash of the root name, the start of every right-to-left pass */
#define SET_HASH_SEED 0x2545f4914f6cdd1dULL
/** start of every label's own hash */
#define SET_LABEL_SEED 0x8cb92ba72f3d8dd7ULL
/** multiplier of the parent's hash in a suffix's */
#define SET_SUFFIX_MUL 0xd6e8feb86659fd93ULL

/** One hash table slot: one entry of the set. */
struct set_slot {
	/** high 32 bits of the name hash; the lowest bit is the exact flag */
	uint32_t tag;
	/** the record: base of its feed plus its offset / SET_REF_UNIT;
	 * 0 for an empty slot */
	uint32_t ref;
};

/** The compiled set.  Immutable after sh_set_build. */
struct sh_set {
	/** feed references held by the set, in build order */
	struct sh_feed** feeds;
	/** number of feeds */
	size_t num_feeds;
	/** reference of the first record of each feed (the first feed's
	 * is 1); base[num_feeds] is one past the last */
	size_t* base;
	/** hash table of nslots slots */
	struct set_slot* slots;
	/** number of slots: the entries / SET_LOAD, a multiple of 8 (one
	 * cache line), at most 2^32 */
	size_t nslots;
	/** number of slots used */
	size_t count;
	/** pre-filter over the hashes of the used slots' names */
	struct sh_bloom bloom;
	/** action for indicators and feeds that give none */
	enum sh_action default_action;
	/** fewest labels of any entry (feeds refuse TLDs, so 2 in practice):
	 * a query's shorter suffixes are not looked up */
	unsigned min_labels;
};

/** Scratch for hashing one name: every suffix's hash, in one pass. */
struct set_hashes {
	/** number of labels, not counting the root */
	unsigned labels;
	/** wire length of the name */
	size_t len;
	/** offset in the name of label i (0 is the leftmost) */
	uint8_t off[SET_MAX_LABELS];
	/** hash of the suffix that starts at label i */
	uint64_t h[SET_MAX_LABELS];
	/** the name in lower case, then SET_PAD zero bytes */
	uint8_t lower[SH_NAME_MAX + SET_PAD];
};

/**
 * Final mix of a 64-bit hash (xor-shift and multiply rounds), so that
 * both its low bits (slot) and its high bits (tag) depend on all input.
 * @param h: the hash.
 * @return the mixed hash.
 */
static uint64_t
hash_final(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h;
}

/**
 * Read 8 bytes from any address.
 * @param p: the bytes.
 * @return them as a word in host order.
 */
static uint64_t
load8(const uint8_t* p)
{
	uint64_t x;
	memcpy(&x, p, sizeof(x));
	return x;
}

/**
 * Store a word as 8 bytes at any address.
 * @param p: destination.
 * @param x: the word.
 */
static void
store8(uint8_t* p, uint64_t x)
{
	memcpy(p, &x, sizeof(x));
}

/**
 * ASCII lower case of 8 bytes at once: each byte 'A'..'Z' gets 0x20
 * added, every other byte is kept.  No carry crosses a byte.
 * @param x: 8 bytes.
 * @return the bytes in lower case.
 */
static uint64_t
lower8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t low7 = x & ~high;
	uint64_t ge_a = low7 + ones * (0x80 - 'A');
	uint64_t gt_z = low7 + ones * (0x80 - 'Z' - 1);
	return x | (((ge_a & ~gt_z & ~x) & high) >> 2);
}

/**
 * Keep the first k bytes (in memory order) of a word, zero the rest.
 * @param x: a word read with load8.
 * @param k: 1 to 7.
 * @return the masked word.
 */
static uint64_t
keep_bytes(uint64_t x, unsigned k)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return x & ~(~(uint64_t)0 >> (8 * k));
#else
	return x & (((uint64_t)1 << (8 * k)) - 1);
#endif
}

/**
 * Hash one label on its own, 8 bytes at a time.  It does not depend on
 * the parent's hash, so the labels of a name are hashed in parallel by
 * the CPU; only the cheap combination in hash_suffix is chained.
 * @param lab: the lower-cased label, starting at its length byte, in
 *	a buffer readable for 8 bytes past the end of the name.
 * @return the label's hash (not finalised).
 */
static uint64_t
hash_label(const uint8_t* lab)
{
	unsigned n = lab[0], k;
	uint64_t h = (SET_LABEL_SEED ^ n) * SET_HASH_MUL;
	for(k = 0; k + 8 <= n; k += 8)
		h = (h ^ load8(lab + 1 + k)) * SET_HASH_MUL;
	if(k < n)
		h = (h ^ keep_bytes(load8(lab + 1 + k), n - k)) * SET_HASH_MUL;
	return h;
}

/**
 * The hash of a suffix from its parent's hash and its first label's.
 * @param parent: hash of the parent suffix.
 * @param label: hash_label of the label.
 * @return hash of the suffix.
 */
static uint64_t
hash_suffix(uint64_t parent, uint64_t label)
{
	return hash_final((parent * SET_SUFFIX_MUL) ^ label);
}

/**
 * Hash every suffix of a wire name and make a lower-case copy.  The
 * name is checked on the way (label lengths, total length), so a
 * malformed name is refused instead of read out of bounds.
 * @param name: the wire name.
 * @param nh: filled in.
 * @return 1 on success, 0 if the name is malformed.
 */
static int
hash_name(const uint8_t* name, struct set_hashes* nh)
{
	size_t p = 0;
	uint64_t h = SET_HASH_SEED;
	unsigned i;
	nh->labels = 0;
	while(name[p] != 0) {
		if(name[p] > SH_LABEL_MAX || p + name[p] + 1 >= SH_NAME_MAX ||
			nh->labels >= SET_MAX_LABELS)
			return 0;
		nh->off[nh->labels++] = (uint8_t)p;
		p += (size_t)name[p] + 1;
	}
	nh->len = p + 1;
	/* lower-case copy, zero padded for the 8-byte reads; length
	 * bytes (at most 63) are not changed by lower-casing */
	for(p = 0; p + 8 <= nh->len; p += 8)
		store8(nh->lower + p, lower8(load8(name + p)));
	for(; p < nh->len; p++)
		nh->lower[p] = sh_lower(name[p]);
	store8(nh->lower + nh->len, 0);
	for(i = nh->labels; i > 0; i--) {
		h = hash_suffix(h, hash_label(nh->lower + nh->off[i-1]));
		nh->h[i-1] = h;
	}
	return 1;
}

/**
 * The home slot of a hash: its low 32 bits scaled to the table
 * (multiply and shift instead of a mask, so the table need not be a
 * power of two and stays at SET_LOAD whatever the number of entries).
 * The tag is taken from the high 32 bits, so the two do not overlap.
 * @param set: the set.
 * @param h: the name hash.
 * @return the slot's index.
 */
static size_t
slot_of(const struct sh_set* set, uint64_t h)
{
	return (size_t)(((h & 0xffffffffULL) * (uint64_t)set->nslots) >> 32);
}

/**
 * The slot after one, wrapping at the end of the table.
 * @param set: the set.
 * @param pos: a slot's index.
 * @return the next slot's index.
 */
static size_t
slot_next(const struct sh_set* set, size_t pos)
{
	return pos + 1 == set->nslots ? 0 : pos + 1;
}

/**
 * The slot tag of a hash.
 * @param h: the name hash.
 * @param exact: 1 for an exact entry, 0 for a subtree entry.
 * @return the tag.
 */
static uint32_t
make_tag(uint64_t h, int exact)
{
	return ((uint32_t)(h >> 32) & ~SET_TAG_EXACT) |
		(exact ? SET_TAG_EXACT : 0);
}

/**
 * Compare a canonical stored name with a lower-cased name, label by
 * label, so that neither is read past its end.
 * @param a: canonical wire name.
 * @param b: lower-cased wire name.
 * @return 1 if equal, 0 if not.
 */
static int
name_same(const uint8_t* a, const uint8_t* b)
{
	for(;;) {
		uint8_t n = *a;
		if(n != *b)
			return 0;
		if(n == 0)
			return 1;
		if(memcmp(a + 1, b + 1, n) != 0)
			return 0;
		a += (size_t)n + 1;
		b += (size_t)n + 1;
	}
}


/**
 * Whether an indicator is an allow-list entry.
 * @param r: the indicator's record.
 * @return 1 if it allows, 0 if it blocks.
 */
static int
rec_is_allow(const struct sh_rec* r)
{
	return (r->flags & SH_IND_ALLOW) || r->action == SH_ACTION_ALLOW;
}

/**
 * The effective action of an indicator: its own, else its feed's
 * default, else the set's default.  Allow entries give SH_ACTION_ALLOW.
 * @param set: the set.
 * @param feed: the indicator's feed.
 * @param r: the indicator's record.
 * @return the action.
 */
static enum sh_action
rec_action(const struct sh_set* set, const struct sh_feed* feed,
	const struct sh_rec* r)
{
	if(rec_is_allow(r))
		return SH_ACTION_ALLOW;
	if(r->action != SH_ACTION_INHERIT)
		return (enum sh_action)r->action;
	if(feed->default_action != SH_ACTION_INHERIT)
		return feed->default_action;
	return set->default_action;
}

/**
 * Find the feed and record a slot reference stands for.
 * @param set: the set.
 * @param ref: the slot's reference, not 0.
 * @param fi: set to the feed's index in set->feeds.
 * @return the record's offset in that feed's arena.
 */
static size_t
ref_locate(const struct sh_set* set, uint32_t ref, size_t* fi)
{
	size_t num = ref;
	size_t lo = 0, hi = set->num_feeds;
	/* the last feed whose base is <= num; empty feeds are skipped */
	while(hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if(set->base[mid] <= num)
			lo = mid;
		else	hi = mid;
	}
	*fi = lo;
	return (num - set->base[lo]) * SET_REF_UNIT;
}

/**
 * The record a slot reference stands for.
 * @param set: the set.
 * @param ref: the reference, not 0.
 * @param fi: set to the feed's index in set->feeds.
 * @return the record.
 */
static const struct sh_rec*
ref_rec(const struct sh_set* set, uint32_t ref, size_t* fi)
{
	size_t off = ref_locate(set, ref, fi);
	return sh_rec_at(set->feeds[*fi], off);
}

/**
 * Make the reference of a record.
 * @param set: the set being built.
 * @param fi: index of the feed.
 * @param off: offset of the record in the feed's arena.
 * @return the slot reference.
 */
static uint32_t
ref_make(const struct sh_set* set, size_t fi, size_t off)
{
	return (uint32_t)(set->base[fi] + off / SET_REF_UNIT);
}

/**
 * A feed's id for messages.
 * @param feed: the feed.
 * @return its id, or "?" when it has none.
 */
static const char*
feed_id(const struct sh_feed* feed)
{
	return feed->id ? feed->id : "?";
}

/**
 * Settle a second indicator for a name and exactness already in the
 * set: an allow entry replaces a block entry, otherwise the first one
 * stays; a block listed by two feeds is warned about (the feed loader
 * deals with duplicates inside one feed).
 * @param set: the set being built.
 * @param slot: the slot of the entry in the set.
 * @param fi: feed index of the new indicator.
 * @param off: record offset of the new indicator.
 * @param diag: diagnostics.
 * @param arg: argument for diag.
 */
static void
settle_duplicate(struct sh_set* set, struct set_slot* slot, size_t fi,
	size_t off, sh_diag_fn diag, void* arg)
{
	const struct sh_rec* r = sh_rec_at(set->feeds[fi], off);
	char text[SH_NAME_TEXT_MAX];
	size_t old_fi;
	int old_allow = rec_is_allow(ref_rec(set, slot->ref, &old_fi));
	const struct sh_feed* old_feed = set->feeds[old_fi];
	if(rec_is_allow(r) && !old_allow) {
		slot->ref = ref_make(set, fi, off);
		return;
	}
	if(rec_is_allow(r) || old_allow || old_fi == fi)
		return;
	if(sh_name_to_text(r->name, text, sizeof(text)) == 0)
		strcpy(text, "?");
	sh_diag_emit(diag, arg, SH_SEV_WARNING, set->feeds[fi]->path,
		sh_rec_line(set->feeds[fi], off), r->column, "%s%s is listed "
		"by feed '%s' and again by feed '%s'; the entry of feed '%s' "
		"is used",
		(r->flags & SH_IND_EXACT) ? "exact name " : "", text,
		feed_id(old_feed), feed_id(set->feeds[fi]), feed_id(old_feed));
}

/** Indicators hashed, and their slot and filter block prefetched,
 * ahead of their insertion while building: enough to overlap the
 * cache misses of a table far larger than the cache. */
#define SET_BUILD_AHEAD 16

/** An indicator on its way into the table. */
struct set_pending {
	/** index of its feed in set->feeds */
	size_t fi;
	/** offset of its record in the feed's arena */
	size_t off;
	/** hash of its name */
	uint64_t h;
	/** its number of labels */
	unsigned labels;
};

/**
 * Hash an indicator's name for the table and prefetch its slot and
 * filter block.  Indicators without a usable name (the root, malformed
 * or not canonical) are reported and left out.
 * @param set: the set being built.
 * @param p: fi and off given; h filled in.
 * @param diag: diagnostics.
 * @param arg: argument for diag.
 * @return 1 if the indicator is to be inserted, 0 if left out.
 */
static int
set_prepare(struct sh_set* set, struct set_pending* p, sh_diag_fn diag,
	void* arg)
{
	const struct sh_feed* feed = set->feeds[p->fi];
	const struct sh_rec* r = sh_rec_at(feed, p->off);
	struct set_hashes nh;
	if(!hash_name(r->name, &nh) || nh.labels == 0 ||
		nh.len != r->namelen ||
		memcmp(nh.lower, r->name, nh.len) != 0) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, feed->path,
			sh_rec_line(feed, p->off), r->column, "indicator name "
			"is empty, the root, or not canonical; left out of the "
			"set");
		return 0;
	}
	p->h = nh.h[0];
	p->labels = nh.labels;
#if defined(__GNUC__)
	__builtin_prefetch(&set->slots[slot_of(set, p->h)], 1);
#endif
	sh_bloom_prefetch(&set->bloom, p->h);
	return 1;
}

/**
 * Put one prepared indicator in the table.  The table has room (it was
 * sized for all indicators).
 * @param set: the set being built.
 * @param p: the indicator, from set_prepare.
 * @param diag: diagnostics.
 * @param arg: argument for diag.
 */
static void
set_insert(struct sh_set* set, const struct set_pending* p,
	sh_diag_fn diag, void* arg)
{
	const struct sh_rec* r = sh_rec_at(set->feeds[p->fi], p->off);
	uint32_t tag = make_tag(p->h, (r->flags & SH_IND_EXACT) != 0);
	size_t pos, sfi;
	for(pos = slot_of(set, p->h); ; pos = slot_next(set, pos)) {
		struct set_slot* s = &set->slots[pos];
		if(s->ref == 0) {
			s->tag = tag;
			s->ref = ref_make(set, p->fi, p->off);
			set->count++;
			sh_bloom_add(&set->bloom, p->h);
			if(p->labels < set->min_labels)
				set->min_labels = p->labels;
			return;
		}
		if(s->tag == tag && name_same(ref_rec(set, s->ref, &sfi)->name,
			r->name)) {
			settle_duplicate(set, s, p->fi, p->off, diag, arg);
			return;
		}
	}
}

/**
 * Insert every indicator of every feed, in feed and file order (which
 * decides between duplicates), SET_BUILD_AHEAD behind their hashing.
 * @param set: the set being built, with its feeds and empty table.
 * @param diag: diagnostics.
 * @param arg: argument for diag.
 */
static void
set_fill(struct sh_set* set, sh_diag_fn diag, void* arg)
{
	struct set_pending ring[SET_BUILD_AHEAD];
	size_t fi, off, n = 0, k;
	for(fi = 0; fi < set->num_feeds; fi++) {
		const struct sh_feed* f = set->feeds[fi];
		for(off = 0; off < sh_feed_pos_end(f);
			off = sh_feed_pos_next(f, off)) {
			struct set_pending p;
			p.fi = fi;
			p.off = off;
			if(!set_prepare(set, &p, diag, arg))
				continue;
			/* the oldest goes in before its place is reused */
			if(n >= SET_BUILD_AHEAD)
				set_insert(set, &ring[n % SET_BUILD_AHEAD],
					diag, arg);
			ring[n++ % SET_BUILD_AHEAD] = p;
		}
	}
	for(k = n > SET_BUILD_AHEAD ? n - SET_BUILD_AHEAD : 0; k < n; k++)
		set_insert(set, &ring[k % SET_BUILD_AHEAD], diag, arg);
}

/**
 * Take references to the feeds, leaving out NULL feeds and feeds whose
 * id was already seen (an error), and number their record units.
 * @param set: the set being built; feeds and base allocated for num.
 * @param feeds: the feeds given to sh_set_build.
 * @param num: their number.
 * @param units: set to one past the last reference.
 * @param diag: diagnostics.
 * @param arg: argument for diag.
 * @return the number of indicators in the accepted feeds.
 */
static size_t
set_take_feeds(struct sh_set* set, struct sh_feed* const* feeds,
	size_t num, size_t* units, sh_diag_fn diag, void* arg)
{
	size_t entries = 0;
	size_t i, j, total = 1;
	for(i = 0; i < num; i++) {
		int dup = 0;
		if(!feeds[i])
			continue;
		for(j = 0; j < set->num_feeds && !dup; j++) {
			if(feeds[i]->id && set->feeds[j]->id &&
				strcmp(feeds[i]->id, set->feeds[j]->id) == 0)
				dup = 1;
		}
		if(dup) {
			sh_diag_emit(diag, arg, SH_SEV_ERROR, feeds[i]->path, 0,
				0, "feed id '%s' is already used by %s; this "
				"feed is left out", feed_id(feeds[i]),
				set->feeds[j-1]->path ? set->feeds[j-1]->path
				: "another feed");
			continue;
		}
		set->base[set->num_feeds] = total;
		set->feeds[set->num_feeds++] = sh_feed_ref(feeds[i]);
		total += sh_feed_pos_end(feeds[i]) / SET_REF_UNIT;
		entries += feeds[i]->num_ind;
	}
	set->base[set->num_feeds] = total;
	*units = total;
	return entries;
}

/**
 * Allocate zeroed slots; large tables are aligned to and advised for
 * transparent huge pages, which saves a TLB miss per probe.
 * @param n: number of slots.
 * @return the slots (free with free()), or NULL when out of memory.
 */
static struct set_slot*
slots_alloc(size_t n)
{
	return sh_alloc_zero_huge(n * sizeof(struct set_slot),
		sizeof(struct set_slot));
}

/**
 * Allocate the hash table for a number of entries.
 * @param set: the set being built.
 * @param total: the most entries the set will hold.
 * @param units: one past the last reference.
 * @param diag: diagnostics.
 * @param arg: argument for diag.
 * @return 1 on success, 0 when out of memory or too many entries.
 */
static int
set_alloc_table(struct sh_set* set, size_t total, size_t units,
	sh_diag_fn diag, void* arg)
{
	size_t slots;
	if(units > SET_MAX_UNITS) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, NULL, 0, 0, "too many "
			"indicators (%zu, %zu bytes of records) for one set",
			total, units * SET_REF_UNIT);
		return 0;
	}
	/* a load factor of at most 0.7, whole cache lines of slots; there
	 * is always an empty slot, which ends every probe */
	slots = (total / 7 * 10 + total % 7 * 10 / 7 + 1 + 7) & ~(size_t)7;
	if(slots < SET_MIN_SLOTS)
		slots = SET_MIN_SLOTS;
	set->slots = slots_alloc(slots);
	if(!set->slots || !sh_bloom_init(&set->bloom, total))
		return 0;
	set->nslots = slots;
	return 1;
}

struct sh_set*
sh_set_build(struct sh_feed* const* feeds, size_t num,
	enum sh_action default_action, sh_diag_fn diag, void* arg)
{
	struct sh_set* set = calloc(1, sizeof(*set));
	size_t total, units;
	if(!set)
		return NULL;
	set->default_action = default_action;
	set->min_labels = SET_MAX_LABELS;
	set->feeds = calloc(num ? num : 1, sizeof(*set->feeds));
	set->base = calloc(num + 1, sizeof(*set->base));
	if(!set->feeds || !set->base)
		goto error;
	total = set_take_feeds(set, feeds, num, &units, diag, arg);
	if(!set_alloc_table(set, total, units, diag, arg))
		goto error;
	set_fill(set, diag, arg);
	return set;
error:
	sh_set_free(set);
	return NULL;
}

void
sh_set_free(struct sh_set* set)
{
	size_t i;
	if(!set)
		return;
	for(i = 0; i < set->num_feeds; i++)
		sh_feed_unref(set->feeds[i]);
	free(set->feeds);
	free(set->base);
	free(set->slots);
	sh_bloom_free(&set->bloom);
	free(set);
}

/**
 * Look up one suffix of the query name.
 * @param set: the set.
 * @param h: hash of the suffix.
 * @param lname: the suffix, lower-cased.
 * @param whole: 1 if the suffix is the whole query name (exact entries
 *	apply, and win over a subtree entry), 0 for a parent.
 * @return the slot of the covering entry, or NULL.
 */
static const struct set_slot*
set_find(const struct sh_set* set, uint64_t h, const uint8_t* lname,
	int whole)
{
	uint32_t tag_sub = make_tag(h, 0), tag_exact = make_tag(h, 1);
	const struct set_slot* sub = NULL;
	size_t pos;
	size_t fi;
	for(pos = slot_of(set, h); ; pos = slot_next(set, pos)) {
		const struct set_slot* s = &set->slots[pos];
		if(s->ref == 0)
			return sub;
		if(whole && s->tag == tag_exact &&
			name_same(ref_rec(set, s->ref, &fi)->name, lname))
			return s;
		if(!sub && s->tag == tag_sub &&
			name_same(ref_rec(set, s->ref, &fi)->name, lname)) {
			if(!whole)
				return s;
			sub = s;
		}
	}
}

/**
 * Fill a match from a used slot.
 * @param set: the set.
 * @param s: the slot.
 * @param m: filled in.
 */
static void
slot_match(const struct sh_set* set, const struct set_slot* s,
	struct sh_match* m)
{
	size_t fi, off = ref_locate(set, s->ref, &fi);
	const struct sh_feed* feed = set->feeds[fi];
	(void)sh_feed_ind_get(feed, off, &m->ind);
	m->name = m->ind.name;
	m->feed = feed;
	m->action = rec_action(set, feed, sh_rec_at(feed, off));
}

int
sh_set_match(const struct sh_set* set, const uint8_t* qname,
	struct sh_match* m)
{
	struct set_hashes nh;
	struct sh_bloom_probe probe[SET_MAX_LABELS];
	unsigned i, n;
	if(!set || !qname || set->count == 0 || !hash_name(qname, &nh))
		return 0;
	/* suffix i has labels - i labels: the ones shorter than every
	 * entry (the TLD) cannot match */
	if(nh.labels < set->min_labels)
		return 0;
	n = nh.labels - set->min_labels + 1;
	/* start every suffix's filter block and slot at once, so that the
	 * cache misses overlap: a hit's slot is on its way while its
	 * filter block is tested */
	for(i = 0; i < n; i++) {
		sh_bloom_probe_start(&set->bloom, nh.h[i], &probe[i]);
#if defined(__GNUC__)
		__builtin_prefetch(&set->slots[slot_of(set, nh.h[i])]);
#endif
	}
	/* most specific first; a suffix the filter turns away is certainly
	 * not in the table, which is then not read */
	for(i = 0; i < n; i++) {
		const struct set_slot* s;
		if(!sh_bloom_probe_test(&probe[i]))
			continue;
		s = set_find(set, nh.h[i], nh.lower + nh.off[i], i == 0);
		if(s) {
			slot_match(set, s, m);
			return 1;
		}
	}
	return 0;
}

size_t
sh_set_count(const struct sh_set* set)
{
	return set ? set->count : 0;
}

size_t
sh_set_num_feeds(const struct sh_set* set)
{
	return set ? set->num_feeds : 0;
}

const struct sh_feed*
sh_set_feed(const struct sh_set* set, size_t i)
{
	if(!set || i >= set->num_feeds)
		return NULL;
	return set->feeds[i];
}

size_t
sh_set_memory(const struct sh_set* set)
{
	if(!set)
		return 0;
	return sizeof(*set) + set->nslots * sizeof(*set->slots) +
		sh_bloom_bytes(&set->bloom) +
		set->num_feeds * (sizeof(*set->feeds) + sizeof(*set->base)) +
		sizeof(*set->base);
}

int
sh_set_foreach(const struct sh_set* set, sh_set_entry_fn fn, void* arg)
{
	size_t pos;
	if(!set || set->count == 0)
		return 1;
	for(pos = 0; pos < set->nslots; pos++) {
		struct sh_match m;
		if(set->slots[pos].ref == 0)
			continue;
		slot_match(set, &set->slots[pos], &m);
		if(!fn(arg, &m))
			return 0;
	}
	return 1;
}
