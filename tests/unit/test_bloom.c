/*
 * test_bloom.c - unit tests of the set's blocked Bloom pre-filter.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Tests of lib/bloom.c and lib/bloom.h: no key that was added is ever
 * turned away, at several sizes (including a set of one entry and one
 * that is not a whole number of blocks); the false-positive rate of
 * keys never added stays near what 10 bits per entry and 6 bits per key
 * give (about 1 %; the test allows 3 %); the size follows the entries;
 * an empty (freed) filter says "maybe" to everything, as the set relies
 * on for a filter it could not build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "bloom.h"

/** State of the test's xorshift64* generator. */
static uint64_t tb_rng = 0x853c49e6748fea9bULL;

/**
 * Next pseudo-random 64-bit hash.
 * @return 64 bits.
 */
static uint64_t
tb_next(void)
{
	tb_rng ^= tb_rng >> 12;
	tb_rng ^= tb_rng << 25;
	tb_rng ^= tb_rng >> 27;
	return tb_rng * 0x2545f4914f6cdd1dULL;
}

/**
 * Fill a filter with n random keys, check each is found, then count
 * how many of n other random keys pass.
 * @param n: number of keys.
 * @return the false-positive rate seen.
 */
static double
tb_fill_and_probe(size_t n)
{
	struct sh_bloom b = {0};
	uint64_t* keys = malloc(n * sizeof(*keys));
	size_t i, fp = 0;
	assert_non_null(keys);
	assert_int_equal(sh_bloom_init(&b, n), 1);
	assert_true(sh_bloom_bytes(&b) * 8 >= n * SH_BLOOM_BITS);
	assert_true(sh_bloom_bytes(&b) * 8 < n * SH_BLOOM_BITS + 512);
	for(i = 0; i < n; i++) {
		keys[i] = tb_next();
		sh_bloom_add(&b, keys[i]);
	}
	for(i = 0; i < n; i++)
		assert_int_equal(sh_bloom_maybe(&b, keys[i]), 1);
	for(i = 0; i < n; i++)
		fp += (size_t)sh_bloom_maybe(&b, tb_next());
	sh_bloom_free(&b);
	free(keys);
	return (double)fp / (double)n;
}

/** Added keys always pass, at sizes from one entry up. */
static void
test_no_false_negatives(void** state)
{
	static const size_t sizes[] = { 1, 2, 51, 52, 1000, 77777 };
	size_t i;
	(void)state;
	for(i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		(void)tb_fill_and_probe(sizes[i]);
}

/** About 1 % of keys never added pass a full filter. */
static void
test_false_positive_rate(void** state)
{
	double r = tb_fill_and_probe(200000);
	(void)state;
	assert_true(r > 0.001);
	assert_true(r < 0.03);
}

/** Keys that differ in one bit land apart: the rate holds for them. */
static void
test_close_keys(void** state)
{
	struct sh_bloom b = {0};
	size_t i, fp = 0, n = 50000;
	(void)state;
	assert_int_equal(sh_bloom_init(&b, n), 1);
	for(i = 0; i < n; i++)
		sh_bloom_add(&b, (uint64_t)i << 1);
	for(i = 0; i < n; i++) {
		assert_int_equal(sh_bloom_maybe(&b, (uint64_t)i << 1), 1);
		fp += (size_t)sh_bloom_maybe(&b, ((uint64_t)i << 1) | 1);
	}
	assert_true(fp < n * 3 / 100);
	sh_bloom_free(&b);
}

/** A freed filter (no blocks) passes everything and frees again. */
static void
test_empty_passes(void** state)
{
	struct sh_bloom b = {0};
	(void)state;
	assert_int_equal(sh_bloom_maybe(&b, 42), 1);
	assert_int_equal(sh_bloom_init(&b, 0), 1);
	assert_int_equal(sh_bloom_bytes(&b), 64);
	sh_bloom_free(&b);
	assert_int_equal(sh_bloom_maybe(&b, 42), 1);
	assert_int_equal(sh_bloom_bytes(&b), 0);
	sh_bloom_free(&b);
	sh_bloom_free(NULL);
}

/**
 * Run the tests.
 * @return the number of failed tests.
 */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_false_negatives),
		cmocka_unit_test(test_false_positive_rate),
		cmocka_unit_test(test_close_keys),
		cmocka_unit_test(test_empty_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
