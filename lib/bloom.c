/*
 * bloom.c - building the set's blocked Bloom pre-filter.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Allocation and insertion for the filter of lib/bloom.h (the tests are
 * inline there).  The blocks are 64-byte aligned; a filter of 2 MiB or
 * more is aligned to and advised for transparent huge pages like the
 * set's table, so a test costs no TLB miss either.
 */
#include "bloom.h"
#include "util.h"
#include <stdlib.h>

/** bytes of one block */
#define BLOOM_BLOCK_BYTES (SH_BLOOM_WORDS * sizeof(uint64_t))

int
sh_bloom_init(struct sh_bloom* b, size_t entries)
{
	size_t bits = (entries ? entries : 1) * SH_BLOOM_BITS;
	b->blocks = (bits + 511) / 512;
	if(b->blocks > UINT32_MAX)
		b->blocks = UINT32_MAX;
	b->words = sh_alloc_zero_huge(b->blocks * BLOOM_BLOCK_BYTES,
		BLOOM_BLOCK_BYTES);
	if(!b->words) {
		b->blocks = 0;
		return 0;
	}
	return 1;
}

void
sh_bloom_free(struct sh_bloom* b)
{
	if(!b)
		return;
	free(b->words);
	b->words = NULL;
	b->blocks = 0;
}

size_t
sh_bloom_bytes(const struct sh_bloom* b)
{
	return b->blocks * BLOOM_BLOCK_BYTES;
}

void
sh_bloom_add(struct sh_bloom* b, uint64_t h)
{
	uint64_t g = sh_bloom_mix(h);
	uint64_t* w = (uint64_t*)sh_bloom_block(b, g);
	unsigned k;
	for(k = 0; k < SH_BLOOM_K; k++) {
		unsigned bit = sh_bloom_bit(g, k);
		w[bit >> 6] |= (uint64_t)1 << (bit & 63);
	}
}
