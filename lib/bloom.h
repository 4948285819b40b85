/*
 * bloom.h - a cache-line blocked Bloom filter over 64-bit name hashes.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The set's pre-filter (lib/set.c).  Most query names are on no feed,
 * and a miss in the set's table costs one cold read of a table that is
 * far larger than the CPU's last-level cache (16 MiB at 1M indicators,
 * 128 MiB at 10M).  The filter holds about SH_BLOOM_BITS bits per entry,
 * 1.25 MiB at 1M, so it mostly stays in cache and turns away nearly all
 * misses without touching the table.
 *
 * It is blocked: every key sets and tests SH_BLOOM_K bits inside one
 * 64-byte block, so a test is one cache line.  The block is chosen by
 * range reduction (multiply-high) of a remix of the hash, so the block
 * count need not be a power of two and the bits the table uses (the
 * hash's low bits for the slot, its high half for the tag) are not the
 * ones that pick the block.  A test never says no for a key that was
 * added; it says yes for about one key in a hundred that was not.
 *
 * The tests are inline: they sit on the query path.  Built once, then
 * only read, so any number of threads may test at once.
 */

#ifndef SH_BLOOM_H
#define SH_BLOOM_H

#include <stddef.h>
#include <stdint.h>

/** bits of filter per entry (about 1 % false positives) */
#define SH_BLOOM_BITS 10
/** bits set and tested per key, all in one block */
#define SH_BLOOM_K 6
/** 64-bit words per block: one 64-byte cache line */
#define SH_BLOOM_WORDS 8

/** A blocked Bloom filter. */
struct sh_bloom {
	/** the blocks, SH_BLOOM_WORDS words each; NULL when empty */
	uint64_t* words;
	/** number of blocks */
	size_t blocks;
};

/**
 * Allocate an empty filter sized for a number of entries.
 * @param b: the filter, zeroed or freed before.
 * @param entries: the most entries it will hold.
 * @return 1 on success, 0 when out of memory.
 */
int sh_bloom_init(struct sh_bloom* b, size_t entries);

/**
 * Free a filter's blocks; the struct itself is the caller's.
 * @param b: the filter, may be NULL.
 */
void sh_bloom_free(struct sh_bloom* b);

/**
 * Bytes the filter's blocks take.
 * @param b: the filter.
 * @return bytes.
 */
size_t sh_bloom_bytes(const struct sh_bloom* b);

/**
 * The remixed hash a key is placed with: its high half picks the block
 * (sh_bloom_block); the bits in the block come from another product of
 * it (sh_bloom_bit), whose high bits depend on all of its bits.
 * @param h: the key's 64-bit hash.
 * @return the remix.
 */
static inline uint64_t
sh_bloom_mix(uint64_t h)
{
	h ^= h >> 31;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 29;
	return h;
}

/**
 * The block of a remixed hash.
 * @param b: the filter, with at least one block.
 * @param g: the remix (sh_bloom_mix).
 * @return the block's first word.
 */
static inline const uint64_t*
sh_bloom_block(const struct sh_bloom* b, uint64_t g)
{
	size_t i = (size_t)(((g >> 32) * (uint64_t)b->blocks) >> 32);
	return b->words + i * SH_BLOOM_WORDS;
}

/**
 * The k-th bit of a key in its block.
 * @param g: the remix (sh_bloom_mix).
 * @param k: which bit, below SH_BLOOM_K.
 * @return the bit's number in the block, 0 to 511.
 */
static inline unsigned
sh_bloom_bit(uint64_t g, unsigned k)
{
	return (unsigned)((g * 0x9e3779b97f4a7c15ULL) >> (55 - 9 * k)) & 511;
}

/** One key's probe of the filter: its block and mixed hash, worked out
 * once, so that the block can be fetched early and tested later. */
struct sh_bloom_probe {
	/** the key's block, or NULL for a filter without blocks */
	const uint64_t* w;
	/** the mixed hash that picks the bits */
	uint64_t g;
};

/**
 * Start a probe: locate the key's block and start fetching it.
 * @param b: the filter.
 * @param h: the key's hash.
 * @param p: filled in.
 */
static inline void
sh_bloom_probe_start(const struct sh_bloom* b, uint64_t h,
	struct sh_bloom_probe* p)
{
	p->g = sh_bloom_mix(h);
	p->w = b->words ? sh_bloom_block(b, p->g) : NULL;
#if defined(__GNUC__)
	if(p->w)
		__builtin_prefetch(p->w);
#endif
}

/**
 * Finish a probe: whether its key may have been added.
 * @param p: a probe from sh_bloom_probe_start.
 * @return 0 if the key was certainly not added, 1 if it may have been
 *	(always 1 for a filter without blocks).
 */
static inline int
sh_bloom_probe_test(const struct sh_bloom_probe* p)
{
	uint64_t miss = 0;
	unsigned k;
	if(!p->w)
		return 1;
	for(k = 0; k < SH_BLOOM_K; k++) {
		unsigned bit = sh_bloom_bit(p->g, k);
		miss |= ~p->w[bit >> 6] & ((uint64_t)1 << (bit & 63));
	}
	return miss == 0;
}

/**
 * Start fetching a key's block, for a test or an add to come.
 * @param b: the filter.
 * @param h: the key's hash.
 */
static inline void
sh_bloom_prefetch(const struct sh_bloom* b, uint64_t h)
{
	struct sh_bloom_probe p;
	sh_bloom_probe_start(b, h, &p);
}

/**
 * Whether a key may have been added.
 * @param b: the filter.
 * @param h: the key's hash.
 * @return 0 if the key was certainly not added, 1 if it may have been
 *	(always 1 for a filter without blocks).
 */
static inline int
sh_bloom_maybe(const struct sh_bloom* b, uint64_t h)
{
	struct sh_bloom_probe p;
	sh_bloom_probe_start(b, h, &p);
	return sh_bloom_probe_test(&p);
}

/**
 * Add a key.
 * @param b: the filter, with blocks (sh_bloom_init succeeded).
 * @param h: the key's hash.
 */
void sh_bloom_add(struct sh_bloom* b, uint64_t h);

#endif /* SH_BLOOM_H */
