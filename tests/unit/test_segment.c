/*
 * test_segment.c - unit tests of a feed's record segments (lib/formats/segment.c).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * cmocka tests of the segments a feed's records are kept in, and of
 * sharing them between two versions of a file (sh_feed_load_next): a
 * version with one line changed, one line added at the top, or lines
 * appended shares every segment but the changed one; a version read
 * with sharing is indicator for indicator (name, line, column, flags,
 * optional fields) the same as the same file read without; the shared
 * version outlives the one it shared with; optional fields take part in
 * the comparison; and a feed of source rules (Sigma) shares nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "sinkhole.h"

/** "now" for every test: 2023-11-14T22:13:20Z. */
#define NOW ((time_t)1700000000)
/** Indicators of the generated feeds: enough for several segments. */
#define NAMES 30000

/** A temporary file name, made per test. */
static char path[64];

/**
 * Make the temporary file name.
 * @param state: unused.
 * @return 0.
 */
static int
setup(void** state)
{
	int fd;
	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_segment.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return 0;
}

/**
 * Remove the temporary file.
 * @param state: unused.
 * @return 0.
 */
static int
teardown(void** state)
{
	(void)state;
	unlink(path);
	return 0;
}

/**
 * Write a native feed of NAMES names to the temporary file.
 * @param top: extra lines right after "indicators:", or "".
 * @param changed: index of a name written differently, or -1.
 * @param extra: names appended at the end.
 * @param comment: 1 to give every 100th name a comment.
 * @param recomment: index of a commented name whose comment is written
 *	differently (its name stays), or -1.
 */
static void
write_feed(const char* top, int changed, int extra, int comment,
	int recomment)
{
	FILE* fp = fopen(path, "w");
	int i;
	assert_non_null(fp);
	fprintf(fp, "feed:\n  id: seg\n  version: \"%d\"\nindicators:\n%s",
		changed, top);
	for(i = 0; i < NAMES + extra; i++) {
		if(comment && i % 100 == 0)
			fprintf(fp, "  - {domain: n%d-%s.example, comment: "
				"\"%s%d\"}\n", i, i == changed ? "x" : "a",
				i == recomment ? "other " : "c", i);
		else	fprintf(fp, "  - n%d-%s.example\n", i,
				i == changed ? "x" : "a");
	}
	assert_int_equal(fclose(fp), 0);
}

/**
 * The i-th indicator of a feed, walking it from the start (feeds are
 * freed and made again at the same addresses here, so nothing is kept
 * between calls).
 * @param f: the feed.
 * @param i: the index.
 * @return a view valid until the next call; fails when out of range.
 */
static const struct sh_indicator*
nth(const struct sh_feed* f, size_t i)
{
	static struct sh_indicator ind;
	struct sh_feed_iter it;
	size_t k;

	sh_feed_iter_init(&it, f);
	for(k = 0; k <= i; k++)
		assert_non_null(sh_feed_iter_next(&it, &ind));
	return &ind;
}

/**
 * Load the temporary file.
 * @param prev: the previous version, or NULL.
 * @return the feed; fails the test when it does not load.
 */
static struct sh_feed*
load(const struct sh_feed* prev)
{
	struct sh_feed* f = sh_feed_load_next(path, prev, NULL, NOW, NULL,
		NULL);
	assert_non_null(f);
	return f;
}

/**
 * Whether two views are the same indicator, field for field.
 * @param a: a view.
 * @param b: a view.
 * @return 1 if the same.
 */
static int
ind_same(const struct sh_indicator* a, const struct sh_indicator* b)
{
	if(a->namelen != b->namelen || memcmp(a->name, b->name, a->namelen)
		|| a->off != b->off || a->flags != b->flags ||
		a->action != b->action || a->line != b->line ||
		a->column != b->column || a->confidence != b->confidence ||
		(a->comment == NULL) != (b->comment == NULL))
		return 0;
	return !a->comment || strcmp(a->comment, b->comment) == 0;
}

/**
 * Check that a feed loaded with sharing reads exactly as the same file
 * loaded alone, and that the sizes add up.
 * @param f: the feed loaded with sharing.
 */
static void
check_as_fresh(const struct sh_feed* f)
{
	struct sh_feed* fresh = load(NULL);
	struct sh_feed_iter a, b;
	struct sh_indicator x, y;
	size_t n = 0;

	assert_int_equal(f->num_ind, fresh->num_ind);
	assert_int_equal(f->recs_len, fresh->recs_len);
	assert_int_equal(f->num_segs, fresh->num_segs);
	assert_string_equal(f->sha256, fresh->sha256);
	sh_feed_iter_init(&a, f);
	sh_feed_iter_init(&b, fresh);
	while(sh_feed_iter_next(&a, &x)) {
		assert_non_null(sh_feed_iter_next(&b, &y));
		assert_true(ind_same(&x, &y));
		n++;
	}
	assert_null(sh_feed_iter_next(&b, &y));
	assert_int_equal(n, f->num_ind);
	assert_int_equal(fresh->num_shared, 0);
	sh_feed_unref(fresh);
}

/**
 * Count the segments two feeds have in common (the same object).
 * @param a: a feed.
 * @param b: a feed.
 * @return the number of b's segments that are also a's.
 */
static size_t
common_segs(const struct sh_feed* a, const struct sh_feed* b)
{
	size_t i, j, n = 0;
	for(j = 0; j < b->num_segs; j++)
		for(i = 0; i < a->num_segs; i++)
			if(a->segs[i] == b->segs[j]) {
				n++;
				break;
			}
	return n;
}

/** A feed spans several segments, each within its size, lines right. */
static void
test_segments_layout(void** state)
{
	struct sh_feed* f;
	const struct sh_indicator* ind;
	size_t i;

	(void)state;
	write_feed("", -1, 0, 0, -1);
	f = load(NULL);
	assert_int_equal(f->num_ind, NAMES);
	assert_true(f->num_segs >= 2);
	for(i = 0; i < f->num_segs; i++) {
		assert_true(f->segs[i]->len <= SH_SEG_BYTES);
		assert_true(f->segs[i]->num_ind > 0);
	}
	ind = nth(f, NAMES - 1);
	assert_int_equal(ind->line, NAMES + 4);
	assert_int_equal(ind->column, 5);
	assert_int_equal(f->num_shared, 0);
	sh_feed_unref(f);
}

/** One line changed: all segments but one are shared, and the new
 * version reads as a fresh load; it outlives the old one. */
static void
test_share_one_line(void** state)
{
	struct sh_feed* a, *b;

	(void)state;
	write_feed("", -1, 0, 0, -1);
	a = load(NULL);
	write_feed("", NAMES / 2, 0, 0, -1);
	b = load(a);
	assert_int_equal(b->num_shared, b->num_segs - 1);
	assert_int_equal(common_segs(a, b), b->num_segs - 1);
	sh_feed_unref(a);
	check_as_fresh(b);
	assert_non_null(nth(b, NAMES - 1));
	sh_feed_unref(b);
}

/** A line added at the top moves every line below: the segments are
 * shared all the same, with the lines of the new version. */
static void
test_share_line_added_on_top(void** state)
{
	struct sh_feed* a, *b;

	(void)state;
	write_feed("", -1, 0, 0, -1);
	a = load(NULL);
	write_feed("  - added.example\n", -1, 0, 0, -1);
	b = load(a);
	assert_true(b->num_shared + 1 >= a->num_segs);
	assert_int_equal(nth(b, NAMES)->line, NAMES + 5);
	check_as_fresh(b);
	sh_feed_unref(a);
	sh_feed_unref(b);
}

/** Lines appended: the old segments but the last are shared. */
static void
test_share_appended(void** state)
{
	struct sh_feed* a, *b;

	(void)state;
	write_feed("", -1, 0, 0, -1);
	a = load(NULL);
	write_feed("", -1, 5000, 0, -1);
	b = load(a);
	assert_true(b->num_shared + 1 >= a->num_segs);
	check_as_fresh(b);
	sh_feed_unref(a);
	sh_feed_unref(b);
}

/** Optional fields are compared too: the same ones share, a changed
 * comment does not. */
static void
test_share_meta(void** state)
{
	struct sh_feed* a, *b;
	const struct sh_indicator* ind;

	(void)state;
	write_feed("", -1, 0, 1, -1);
	a = load(NULL);
	assert_int_equal(a->num_meta, NAMES / 100);
	write_feed("", -1, 0, 1, -1);
	b = load(a);
	assert_int_equal(b->num_shared, b->num_segs);
	sh_feed_unref(a);
	ind = nth(b, 200);
	assert_non_null(ind->comment);
	assert_string_equal(ind->comment, "c200");
	check_as_fresh(b);
	/* only a comment changed: the records are the same bytes, the
	 * segment holding that comment is still not shared */
	write_feed("", -1, 0, 1, 300);
	a = load(b);
	assert_int_equal(a->num_shared, a->num_segs - 1);
	assert_string_equal(nth(a, 300)->comment, "other 300");
	check_as_fresh(a);
	sh_feed_unref(a);
	sh_feed_unref(b);
}

/** A feed whose indicators come from source rules shares nothing. */
static void
test_sources_not_shared(void** state)
{
	static const char rule[] = "title: t\nid: "
		"0e3b5c1e-0000-4000-8000-000000000001\nlogsource:\n"
		"  category: dns\ndetection:\n  selection:\n    query:\n"
		"      - a.example.com\n      - b.example.com\n"
		"  condition: selection\n";
	struct sh_feed* a, *b;
	FILE* fp = fopen(path, "w");

	(void)state;
	assert_non_null(fp);
	fputs(rule, fp);
	assert_int_equal(fclose(fp), 0);
	a = load(NULL);
	assert_int_equal(a->num_ind, 2);
	b = load(a);
	assert_int_equal(b->num_shared, 0);
	sh_feed_unref(a);
	assert_non_null(nth(b, 1)->src);
	sh_feed_unref(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_segments_layout, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_share_one_line, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_share_line_added_on_top,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_share_appended, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_share_meta, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_sources_not_shared, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
