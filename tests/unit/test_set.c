/*
 * test_set.c - unit tests of the compiled domain set.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Tests of sh_set_build and sh_set_match: subtree and exact entries,
 * allow entries (most specific wins both ways), case, lookalikes,
 * duplicates across feeds, duplicate feed ids, action resolution,
 * maximal names, and 100k random names checked against a naive
 * reference.  Feeds are built by hand, allocated the way lib/feed.c
 * allocates and frees them, so the tests do not depend on the YAML
 * loader.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>
#include "internal.h"
#include "ind_at.h"

/** One indicator for make_feed. */
struct tind {
	/** presentation name */
	const char* name;
	/** SH_IND_* flags */
	unsigned flags;
	/** action, SH_ACTION_INHERIT for none */
	enum sh_action action;
};

/** Diagnostics seen by a test. */
struct tdiag {
	/** number of errors */
	int errors;
	/** number of warnings */
	int warnings;
	/** text of the last message */
	char last[1024];
};

/**
 * Diagnostic callback that counts.
 * @param arg: a struct tdiag.
 * @param msg: the diagnostic.
 */
static void
tdiag_fn(void* arg, const struct sh_diag_msg* msg)
{
	struct tdiag* d = (struct tdiag*)arg;
	if(msg->severity == SH_SEV_ERROR)
		d->errors++;
	else if(msg->severity == SH_SEV_WARNING)
		d->warnings++;
	snprintf(d->last, sizeof(d->last), "%s", msg->text);
}

/** Records per segment of a feed built by hand: small, so that sets
 * over several segments are tested. */
#define TEST_SEG_RECS 1000

/**
 * Build one segment of a hand-made feed.
 * @param inds: the indicators of the segment.
 * @param n: their number, 1 to TEST_SEG_RECS.
 * @return the segment with one reference; its lines count from 0.
 */
static struct sh_seg*
make_seg(const struct tind* inds, size_t n)
{
	struct sh_seg* seg = calloc(1, sizeof(*seg));
	size_t i, off = 0;
	assert_non_null(seg);
	seg->refs = 1;
	seg->recs = calloc(n, sh_rec_size(SH_NAME_MAX));
	assert_non_null(seg->recs);
	for(i = 0; i < n; i++) {
		struct sh_rec* r = (struct sh_rec*)(void*)(seg->recs + off);
		size_t len = sh_name_from_text(inds[i].name, r->name, NULL);
		assert_true(len > 0);
		r->namelen = (uint8_t)len;
		r->flags = (uint8_t)inds[i].flags;
		r->action = (uint8_t)inds[i].action;
		r->line = (unsigned)i;
		r->column = 3;
		off += sh_rec_size(len);
	}
	assert_true(off <= SH_SEG_BYTES);
	seg->len = off;
	seg->num_ind = n;
	return seg;
}

/**
 * Build a feed by hand, laid out as the feed builder does: records
 * (struct sh_rec) back to back in segments of TEST_SEG_RECS, no meta
 * entries, indicator i on line i + 1.  Freed by sh_feed_unref.
 * @param id: feed id.
 * @param def: default action of the feed.
 * @param inds: the indicators.
 * @param n: their number.
 * @return feed with one reference; the caller unrefs it.
 */
static struct sh_feed*
make_feed(const char* id, enum sh_action def, const struct tind* inds,
	size_t n)
{
	struct sh_feed* f = calloc(1, sizeof(*f));
	size_t nseg = (n + TEST_SEG_RECS - 1) / TEST_SEG_RECS, i;
	char path[256];
	assert_non_null(f);
	if(nseg > 0) {
		f->segs = calloc(nseg, sizeof(*f->segs));
		f->seg_line = calloc(nseg, sizeof(*f->seg_line));
		assert_non_null(f->segs);
		assert_non_null(f->seg_line);
	}
	for(i = 0; i < nseg; i++) {
		size_t first = i * TEST_SEG_RECS;
		size_t k = n - first < TEST_SEG_RECS ? n - first :
			TEST_SEG_RECS;
		f->segs[i] = make_seg(inds + first, k);
		f->seg_line[i] = (unsigned)first + 1;
		f->recs_len += f->segs[i]->len;
	}
	f->num_segs = nseg;
	f->refs = 1;
	snprintf(path, sizeof(path), "/feeds/%s.yaml", id);
	f->path = strdup(path);
	f->id = strdup(id);
	f->default_action = def;
	f->default_confidence = -1;
	f->num_ind = n;
	return f;
}

/**
 * Convert a presentation name to wire format keeping the case of the
 * letters (sh_name_from_text lower-cases).  No escapes.
 * @param text: the name.
 * @param out: destination of SH_NAME_MAX bytes.
 */
static void
wire_keep_case(const char* text, uint8_t* out)
{
	size_t o = 0;
	while(*text) {
		size_t n = strcspn(text, ".");
		out[o++] = (uint8_t)n;
		memcpy(out + o, text, n);
		o += n;
		text += n;
		if(*text == '.')
			text++;
	}
	out[o] = 0;
}

/**
 * Match a presentation name (case kept) against a set.
 * @param set: the set.
 * @param text: the name.
 * @param m: the match.
 * @return as sh_set_match.
 */
static int
match_text(const struct sh_set* set, const char* text, struct sh_match* m)
{
	uint8_t wire[SH_NAME_MAX + 1];
	wire_keep_case(text, wire);
	memset(m, 0, sizeof(*m));
	return sh_set_match(set, wire, m);
}

/**
 * The matched name as text.
 * @param m: a match.
 * @param buf: destination of SH_NAME_TEXT_MAX bytes.
 * @return buf.
 */
static const char*
mname(const struct sh_match* m, char* buf)
{
	assert_true(sh_name_to_text(m->name, buf, SH_NAME_TEXT_MAX) > 0);
	return buf;
}

/** Subdomains are covered; the parent and lookalikes are not. */
static void
test_subdomain_and_lookalikes(void** state)
{
	const struct tind in[] = {
		{"akamaicontainer.com", 0, SH_ACTION_INHERIT},
		{"sub.example.org", 0, SH_ACTION_INHERIT}
	};
	struct sh_feed* f = make_feed("3cx", SH_ACTION_INHERIT, in, 2);
	struct sh_set* set = sh_set_build(&f, 1, SH_ACTION_SINKHOLE, NULL,
		NULL);
	struct sh_match m;
	char buf[SH_NAME_TEXT_MAX];
	(void)state;
	assert_non_null(set);
	assert_int_equal(sh_set_count(set), 2);
	assert_int_equal(sh_set_num_feeds(set), 1);
	assert_ptr_equal(sh_set_feed(set, 0), f);
	assert_null(sh_set_feed(set, 1));
	assert_true(match_text(set, "akamaicontainer.com", &m));
	assert_string_equal(mname(&m, buf), "akamaicontainer.com");
	assert_int_equal(m.action, SH_ACTION_SINKHOLE);
	assert_ptr_equal(m.feed, f);
	assert_int_equal(m.ind.off, ind_at(f, 0)->off);
	assert_ptr_equal(m.name, ind_at(f, 0)->name);
	assert_true(match_text(set, "www.akamaicontainer.com", &m));
	assert_string_equal(mname(&m, buf), "akamaicontainer.com");
	assert_true(match_text(set, "a.b.c.d.akamaicontainer.com", &m));
	assert_true(match_text(set, "x.sub.example.org", &m));
	assert_int_equal(m.ind.off, ind_at(f, 1)->off);
	assert_false(match_text(set, "com", &m));
	assert_false(match_text(set, "example.org", &m));
	assert_false(match_text(set, "notakamaicontainer.com", &m));
	assert_false(match_text(set, "akamaicontainer.com.example.net", &m));
	assert_false(match_text(set, "akamaicontainer.co", &m));
	assert_false(match_text(set, "akamaicontainer.comm", &m));
	assert_false(match_text(set, "xsub.example.org", &m));
	sh_set_free(set);
	sh_feed_unref(f);
}

/** Exact entries cover only their own name. */
static void
test_exact(void** state)
{
	const struct tind in[] = {
		{"exact.example", SH_IND_EXACT, SH_ACTION_NXDOMAIN}
	};
	struct sh_feed* f = make_feed("ex", SH_ACTION_INHERIT, in, 1);
	struct sh_set* set = sh_set_build(&f, 1, SH_ACTION_SINKHOLE, NULL,
		NULL);
	struct sh_match m;
	(void)state;
	assert_true(match_text(set, "exact.example", &m));
	assert_int_equal(m.action, SH_ACTION_NXDOMAIN);
	assert_true(match_text(set, "EXACT.Example", &m));
	assert_false(match_text(set, "www.exact.example", &m));
	assert_false(match_text(set, "example", &m));
	sh_set_free(set);
	sh_feed_unref(f);
}

/** An exact and a subtree entry on one name: exact wins at the name. */
static void
test_exact_and_subtree_same_name(void** state)
{
	const struct tind in[] = {
		{"both.example", 0, SH_ACTION_REFUSE},
		{"both.example", SH_IND_EXACT, SH_ACTION_NXDOMAIN}
	};
	struct sh_feed* f = make_feed("both", SH_ACTION_INHERIT, in, 2);
	struct tdiag d;
	struct sh_set* set;
	struct sh_match m;
	(void)state;
	memset(&d, 0, sizeof(d));
	set = sh_set_build(&f, 1, SH_ACTION_SINKHOLE, tdiag_fn, &d);
	assert_int_equal(d.warnings + d.errors, 0);
	assert_int_equal(sh_set_count(set), 2);
	assert_true(match_text(set, "both.example", &m));
	assert_int_equal(m.action, SH_ACTION_NXDOMAIN);
	assert_int_equal(m.ind.off, ind_at(f, 1)->off);
	assert_true(match_text(set, "x.both.example", &m));
	assert_int_equal(m.action, SH_ACTION_REFUSE);
	assert_int_equal(m.ind.off, ind_at(f, 0)->off);
	sh_set_free(set);
	sh_feed_unref(f);
}

/** The most specific entry wins: allow under block, block under allow. */
static void
test_allow_most_specific(void** state)
{
	const struct tind in[] = {
		{"evil.com", 0, SH_ACTION_INHERIT},
		{"good.evil.com", SH_IND_ALLOW, SH_ACTION_ALLOW},
		{"deep.good.evil.com", 0, SH_ACTION_NODATA},
		{"only.good.evil.com", SH_IND_ALLOW | SH_IND_EXACT,
			SH_ACTION_ALLOW}
	};
	struct sh_feed* f = make_feed("mix", SH_ACTION_NXDOMAIN, in, 4);
	struct sh_set* set = sh_set_build(&f, 1, SH_ACTION_SINKHOLE, NULL,
		NULL);
	struct sh_match m;
	char buf[SH_NAME_TEXT_MAX];
	(void)state;
	assert_true(match_text(set, "evil.com", &m));
	assert_int_equal(m.action, SH_ACTION_NXDOMAIN);
	assert_true(match_text(set, "bad.evil.com", &m));
	assert_int_equal(m.action, SH_ACTION_NXDOMAIN);
	assert_true(match_text(set, "good.evil.com", &m));
	assert_int_equal(m.action, SH_ACTION_ALLOW);
	assert_true(match_text(set, "x.good.evil.com", &m));
	assert_int_equal(m.action, SH_ACTION_ALLOW);
	assert_string_equal(mname(&m, buf), "good.evil.com");
	assert_true(match_text(set, "x.deep.good.evil.com", &m));
	assert_int_equal(m.action, SH_ACTION_NODATA);
	assert_string_equal(mname(&m, buf), "deep.good.evil.com");
	assert_true(match_text(set, "only.good.evil.com", &m));
	assert_int_equal(m.action, SH_ACTION_ALLOW);
	assert_string_equal(mname(&m, buf), "only.good.evil.com");
	/* the exact allow does not cover its subdomains: good.evil.com
	 * (an allow too) is the next covering entry */
	assert_true(match_text(set, "a.only.good.evil.com", &m));
	assert_string_equal(mname(&m, buf), "good.evil.com");
	sh_set_free(set);
	sh_feed_unref(f);
}

/** Block and allow for the same name across feeds: allow wins. */
static void
test_allow_wins_same_name(void** state)
{
	const struct tind blk[] = {{"same.example", 0, SH_ACTION_INHERIT}};
	const struct tind alw[] = {{"same.example", SH_IND_ALLOW,
		SH_ACTION_ALLOW}};
	struct sh_feed* fb = make_feed("block", SH_ACTION_INHERIT, blk, 1);
	struct sh_feed* fa = make_feed("allow", SH_ACTION_INHERIT, alw, 1);
	struct sh_feed* order1[2], *order2[2];
	struct sh_set* set;
	struct sh_match m;
	(void)state;
	order1[0] = fb; order1[1] = fa;
	order2[0] = fa; order2[1] = fb;
	set = sh_set_build(order1, 2, SH_ACTION_SINKHOLE, NULL, NULL);
	assert_int_equal(sh_set_count(set), 1);
	assert_true(match_text(set, "www.same.example", &m));
	assert_int_equal(m.action, SH_ACTION_ALLOW);
	assert_ptr_equal(m.feed, fa);
	sh_set_free(set);
	set = sh_set_build(order2, 2, SH_ACTION_SINKHOLE, NULL, NULL);
	assert_true(match_text(set, "same.example", &m));
	assert_int_equal(m.action, SH_ACTION_ALLOW);
	assert_ptr_equal(m.feed, fa);
	sh_set_free(set);
	sh_feed_unref(fa);
	sh_feed_unref(fb);
}

/** Case of the query does not matter; trailing dot input is fine. */
static void
test_case_and_trailing_dot(void** state)
{
	const struct tind in[] = {{"MiXeD.Example.", 0, SH_ACTION_INHERIT}};
	struct sh_feed* f = make_feed("case", SH_ACTION_INHERIT, in, 1);
	struct sh_set* set = sh_set_build(&f, 1, SH_ACTION_REFUSE, NULL,
		NULL);
	struct sh_match m;
	uint8_t wire[SH_NAME_MAX];
	(void)state;
	assert_true(match_text(set, "WWW.MIXED.EXAMPLE", &m));
	assert_int_equal(m.action, SH_ACTION_REFUSE);
	assert_true(match_text(set, "mixed.example", &m));
	assert_true(sh_name_from_text("www.mixed.example.", wire, NULL) > 0);
	assert_true(sh_set_match(set, wire, &m));
	assert_false(match_text(set, "mixed.exampl", &m));
	sh_set_free(set);
	sh_feed_unref(f);
}

/** Same block twice across feeds: first feed wins, a warning. */
static void
test_duplicate_across_feeds(void** state)
{
	const struct tind in[] = {{"dup.example", 0, SH_ACTION_INHERIT}};
	struct sh_feed* f[2];
	struct tdiag d;
	struct sh_set* set;
	struct sh_match m;
	(void)state;
	f[0] = make_feed("first-feed", SH_ACTION_NXDOMAIN, in, 1);
	f[1] = make_feed("second-feed", SH_ACTION_REFUSE, in, 1);
	memset(&d, 0, sizeof(d));
	set = sh_set_build(f, 2, SH_ACTION_SINKHOLE, tdiag_fn, &d);
	assert_int_equal(d.warnings, 1);
	assert_int_equal(d.errors, 0);
	assert_non_null(strstr(d.last, "first-feed"));
	assert_non_null(strstr(d.last, "second-feed"));
	assert_non_null(strstr(d.last, "dup.example"));
	assert_int_equal(sh_set_count(set), 1);
	assert_true(match_text(set, "dup.example", &m));
	assert_ptr_equal(m.feed, f[0]);
	assert_int_equal(m.action, SH_ACTION_NXDOMAIN);
	sh_set_free(set);
	sh_feed_unref(f[0]);
	sh_feed_unref(f[1]);
}

/** Two feeds with one id: error, the later is left out. */
static void
test_same_feed_id(void** state)
{
	const struct tind a[] = {{"a.example", 0, SH_ACTION_INHERIT}};
	const struct tind b[] = {{"b.example", 0, SH_ACTION_INHERIT}};
	struct sh_feed* f[2];
	struct tdiag d;
	struct sh_set* set;
	struct sh_match m;
	(void)state;
	f[0] = make_feed("same", SH_ACTION_INHERIT, a, 1);
	f[1] = make_feed("same", SH_ACTION_INHERIT, b, 1);
	memset(&d, 0, sizeof(d));
	set = sh_set_build(f, 2, SH_ACTION_SINKHOLE, tdiag_fn, &d);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.last, "same"));
	assert_int_equal(sh_set_num_feeds(set), 1);
	assert_int_equal(sh_set_count(set), 1);
	assert_true(match_text(set, "a.example", &m));
	assert_false(match_text(set, "b.example", &m));
	/* the set took a reference only to the first feed */
	assert_int_equal(f[0]->refs, 2);
	assert_int_equal(f[1]->refs, 1);
	sh_set_free(set);
	assert_int_equal(f[0]->refs, 1);
	sh_feed_unref(f[0]);
	sh_feed_unref(f[1]);
}

/** Action: indicator's own, else feed default, else build default. */
static void
test_action_resolution(void** state)
{
	const struct tind in[] = {
		{"own.example", 0, SH_ACTION_NODATA},
		{"inherit.example", 0, SH_ACTION_INHERIT}
	};
	struct sh_feed* f[2];
	struct sh_set* set;
	struct sh_match m;
	const struct tind in2[] = {{"deflt.example", 0, SH_ACTION_INHERIT}};
	(void)state;
	f[0] = make_feed("f1", SH_ACTION_REFUSE, in, 2);
	f[1] = make_feed("f2", SH_ACTION_INHERIT, in2, 1);
	set = sh_set_build(f, 2, SH_ACTION_NXDOMAIN, NULL, NULL);
	assert_true(match_text(set, "own.example", &m));
	assert_int_equal(m.action, SH_ACTION_NODATA);
	assert_true(match_text(set, "inherit.example", &m));
	assert_int_equal(m.action, SH_ACTION_REFUSE);
	assert_true(match_text(set, "deflt.example", &m));
	assert_int_equal(m.action, SH_ACTION_NXDOMAIN);
	assert_ptr_equal(m.feed, f[1]);
	assert_int_equal(m.ind.off, ind_at(f[1], 0)->off);
	sh_set_free(set);
	sh_feed_unref(f[0]);
	sh_feed_unref(f[1]);
}

/** Empty sets, NULL feeds, and the root as an indicator. */
static void
test_empty_and_root(void** state)
{
	const struct tind in[] = {{".", 0, SH_ACTION_INHERIT}};
	struct sh_feed* f = make_feed("root", SH_ACTION_INHERIT, in, 1);
	struct sh_feed* none = NULL;
	struct tdiag d;
	struct sh_set* set;
	struct sh_match m;
	(void)state;
	set = sh_set_build(NULL, 0, SH_ACTION_SINKHOLE, NULL, NULL);
	assert_non_null(set);
	assert_int_equal(sh_set_count(set), 0);
	assert_false(match_text(set, "example.com", &m));
	assert_true(sh_set_memory(set) > 0);
	sh_set_free(set);
	set = sh_set_build(&none, 1, SH_ACTION_SINKHOLE, NULL, NULL);
	assert_int_equal(sh_set_num_feeds(set), 0);
	sh_set_free(set);
	memset(&d, 0, sizeof(d));
	set = sh_set_build(&f, 1, SH_ACTION_SINKHOLE, tdiag_fn, &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(sh_set_count(set), 0);
	assert_false(match_text(set, "com", &m));
	sh_set_free(set);
	sh_set_free(NULL);
	sh_feed_unref(f);
}

/** Names of the maximal length and the maximal label count. */
static void
test_max_length(void** state)
{
	char big[300], many[300];
	struct tind in[2];
	struct sh_feed* f;
	struct sh_set* set;
	struct sh_match m;
	uint8_t wire[SH_NAME_MAX];
	size_t i;
	(void)state;
	/* 63.63.63.61 = 4 + 250 + 1 = 255 bytes of wire */
	memset(big, 'x', sizeof(big));
	big[63] = '.'; big[127] = '.'; big[191] = '.'; big[253] = 0;
	/* 127 one-byte labels: 255 bytes */
	for(i = 0; i < 127; i++) {
		many[2*i] = 'a';
		many[2*i + 1] = '.';
	}
	many[253] = 0;
	in[0].name = big; in[0].flags = SH_IND_EXACT;
	in[0].action = SH_ACTION_INHERIT;
	in[1].name = "a"; in[1].flags = 0; in[1].action = SH_ACTION_REFUSE;
	assert_int_equal(sh_name_from_text(big, wire, NULL), 255);
	assert_int_equal(sh_name_from_text(many, wire, NULL), 255);
	f = make_feed("max", SH_ACTION_INHERIT, in, 2);
	set = sh_set_build(&f, 1, SH_ACTION_SINKHOLE, NULL, NULL);
	assert_int_equal(sh_set_count(set), 2);
	assert_true(match_text(set, big, &m));
	assert_int_equal(m.ind.off, ind_at(f, 0)->off);
	big[0] = 'y';
	assert_false(match_text(set, big, &m));
	assert_true(match_text(set, many, &m));
	assert_int_equal(m.action, SH_ACTION_REFUSE);
	assert_int_equal(m.ind.off, ind_at(f, 1)->off);
	sh_set_free(set);
	sh_feed_unref(f);
}

/** State of the random name generator (xorshift). */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

/**
 * Next pseudo random number.
 * @return the number.
 */
static uint64_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/**
 * A random lower-case name of 2 to 4 labels.
 * @param buf: destination of at least 64 bytes.
 */
static void
rnd_name(char* buf)
{
	const char* tld[] = {"com", "net", "org", "example"};
	const char* chars = "abcdefghijklmnopqrstuvwxyz0123456789-";
	int labels = 1 + (int)(rnd() % 3), i, j;
	size_t o = 0;
	for(i = 0; i < labels; i++) {
		int n = 1 + (int)(rnd() % 10);
		for(j = 0; j < n; j++)
			buf[o++] = chars[rnd() % 37];
		buf[o++] = '.';
	}
	strcpy(buf + o, tld[rnd() % 4]);
}

/**
 * Compare two strings for qsort and bsearch.
 * @param a: pointer to char*.
 * @param b: pointer to char*.
 * @return strcmp order.
 */
static int
cmp_str(const void* a, const void* b)
{
	return strcmp(*(char* const*)a, *(char* const*)b);
}

/**
 * Naive reference: the most specific entry (as text) covering a name,
 * from a sorted array of subtree entries.
 * @param sorted: sorted entry names.
 * @param n: their number.
 * @param name: query name as text.
 * @return the covering entry, or NULL.
 */
static const char*
naive_match(char** sorted, size_t n, const char* name)
{
	const char* p = name;
	while(p) {
		char** hit = bsearch(&p, sorted, n, sizeof(char*), cmp_str);
		if(hit)
			return *hit;
		p = strchr(p, '.');
		if(p)
			p++;
	}
	return NULL;
}

/** 100k random names: every one found, random misses checked. */
static void
test_random_against_reference(void** state)
{
	const size_t n = 100000;
	struct tind* in = calloc(n, sizeof(*in));
	char** names = calloc(n, sizeof(char*));
	char** sorted = calloc(n, sizeof(char*));
	struct sh_feed* f;
	struct sh_set* set;
	struct sh_match m;
	char q[128], buf[SH_NAME_TEXT_MAX];
	size_t i, hits = 0;
	(void)state;
	for(i = 0; i < n; i++) {
		names[i] = malloc(64);
		rnd_name(names[i]);
		in[i].name = names[i];
	}
	f = make_feed("random", SH_ACTION_INHERIT, in, n);
	set = sh_set_build(&f, 1, SH_ACTION_SINKHOLE, NULL, NULL);
	memcpy(sorted, names, n * sizeof(char*));
	qsort(sorted, n, sizeof(char*), cmp_str);
	for(i = 0; i < n; i++) {
		const char* want;
		snprintf(q, sizeof(q), "Www.%s", names[i]);
		assert_true(match_text(set, names[i], &m));
		assert_string_equal(mname(&m, buf), names[i]);
		assert_true(match_text(set, q, &m));
		/* the reference wants lower case */
		q[0] = 'w';
		q[2] = 'w';
		want = naive_match(sorted, n, q);
		assert_string_equal(mname(&m, buf), want);
	}
	for(i = 0; i < n; i++) {
		const char* want;
		rnd_name(q);
		want = naive_match(sorted, n, q);
		if(want) {
			hits++;
			assert_true(match_text(set, q, &m));
			assert_string_equal(mname(&m, buf), want);
		} else {
			assert_false(match_text(set, q, &m));
		}
	}
	/* short random names collide now and then: both paths ran */
	assert_true(hits > 0 && hits < n);
	assert_true(sh_set_count(set) <= n);
	assert_true(sh_set_memory(set) <= 64 * n);
	sh_set_free(set);
	sh_feed_unref(f);
	for(i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(sorted);
	free(in);
}

/** Number of reader threads in the concurrency test. */
#define READERS 4

/**
 * Reader thread: match names against a shared set.
 * @param arg: the set.
 * @return (void*)1 when every answer was right, NULL if not.
 */
static void*
reader_thread(void* arg)
{
	const struct sh_set* set = (const struct sh_set*)arg;
	uint8_t hit[SH_NAME_MAX], miss[SH_NAME_MAX];
	struct sh_match m;
	int i, ok = 1;
	wire_keep_case("a.b.Shared.Example", hit);
	wire_keep_case("shared.example.net", miss);
	for(i = 0; i < 20000; i++) {
		if(!sh_set_match(set, hit, &m) ||
			m.action != SH_ACTION_NODATA)
			ok = 0;
		if(sh_set_match(set, miss, &m))
			ok = 0;
	}
	return ok ? (void*)1 : NULL;
}

/** Any number of threads may match at once. */
static void
test_concurrent_readers(void** state)
{
	const struct tind in[] = {{"shared.example", 0, SH_ACTION_NODATA}};
	struct sh_feed* f = make_feed("shared", SH_ACTION_INHERIT, in, 1);
	struct sh_set* set = sh_set_build(&f, 1, SH_ACTION_SINKHOLE, NULL,
		NULL);
	pthread_t tid[READERS];
	void* ret;
	int i;
	(void)state;
	for(i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, reader_thread,
			set), 0);
	for(i = 0; i < READERS; i++) {
		assert_int_equal(pthread_join(tid[i], &ret), 0);
		assert_non_null(ret);
	}
	sh_set_free(set);
	sh_feed_unref(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subdomain_and_lookalikes),
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_exact_and_subtree_same_name),
		cmocka_unit_test(test_allow_most_specific),
		cmocka_unit_test(test_allow_wins_same_name),
		cmocka_unit_test(test_case_and_trailing_dot),
		cmocka_unit_test(test_duplicate_across_feeds),
		cmocka_unit_test(test_same_feed_id),
		cmocka_unit_test(test_action_resolution),
		cmocka_unit_test(test_empty_and_root),
		cmocka_unit_test(test_max_length),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_concurrent_readers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
