/*
 * test_feed.c - unit tests of the YAML feed loader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * cmocka tests of lib/feed.c and lib/yamlread.c: a full valid feed, the
 * shorthand and allow forms, expiry, and every refusal with its exact
 * line and column: unknown keys, bad names, the root, bare TLDs,
 * duplicates, wrong types, bad dates, anchors and aliases, the limits,
 * invalid UTF-8 and duplicate mapping keys.  Also loading a file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "sinkhole.h"
#include "ind_at.h"
#include "yamlread.h"

/** "now" for every test: 2023-11-14T22:13:20Z. */
#define NOW ((time_t)1700000000)
/** Most diagnostics kept by the collector. */
#define MAX_DIAGS 64

/** One collected diagnostic. */
struct diag {
	/** severity */
	enum sh_severity sev;
	/** line */
	unsigned line;
	/** column */
	unsigned column;
	/** text */
	char text[512];
};

/** Diagnostics of the current test. */
static struct diag diags[MAX_DIAGS];
/** Number of diagnostics collected. */
static size_t ndiags;
/** Number of diagnostics received, including those not kept. */
static size_t ncalls;

/**
 * sh_diag_fn that keeps diagnostics in diags[]; prints them when
 * SH_TEST_VERBOSE is set.
 * @param arg: unused.
 * @param m: the diagnostic.
 */
static void
collect(void* arg, const struct sh_diag_msg* m)
{
	(void)arg;
	if(getenv("SH_TEST_VERBOSE")) {
		char buf[1024];
		sh_diag_format(m, buf, sizeof(buf));
		fprintf(stderr, "  diag: %s\n", buf);
	}
	assert_non_null(m->file);
	assert_non_null(m->text);
	ncalls++;
	if(ndiags >= MAX_DIAGS) {
		/* keep the last one in the last slot */
		ndiags = MAX_DIAGS - 1;
	}
	diags[ndiags].sev = m->severity;
	diags[ndiags].line = m->line;
	diags[ndiags].column = m->column;
	snprintf(diags[ndiags].text, sizeof(diags[0].text), "%s", m->text);
	ndiags++;
}

/**
 * Count diagnostics of a severity.
 * @param sev: the severity.
 * @return how many were collected.
 */
static size_t
count_sev(enum sh_severity sev)
{
	size_t i, n = 0;

	for(i = 0; i < ndiags; i++)
		if(diags[i].sev == sev)
			n++;
	return n;
}

/**
 * Assert that a diagnostic with this position holds all the words.
 * @param sev: severity.
 * @param line: line.
 * @param column: column.
 * @param w1: a word of the text.
 * @param w2: another word, or NULL.
 */
static void
expect_diag(enum sh_severity sev, unsigned line, unsigned column,
	const char* w1, const char* w2)
{
	size_t i;

	for(i = 0; i < ndiags; i++) {
		if(diags[i].sev != sev || diags[i].line != line
			|| diags[i].column != column)
			continue;
		if(strstr(diags[i].text, w1) && (!w2 || strstr(diags[i].text,
			w2)))
			return;
	}
	for(i = 0; i < ndiags; i++)
		print_message("have %d %u:%u %s\n", (int)diags[i].sev,
			diags[i].line, diags[i].column, diags[i].text);
	fail_msg("no diagnostic %u:%u with '%s' '%s'", line, column, w1,
		w2 ? w2 : "");
}

/**
 * Parse a feed from a string with the given limits.
 * @param text: YAML.
 * @param lim: limits or NULL.
 * @return the feed or NULL.
 */
static struct sh_feed*
parse_lim(const char* text, const struct sh_limits* lim)
{
	ndiags = 0;
	ncalls = 0;
	return sh_feed_parse("t.yaml", text, strlen(text), lim, NOW, collect,
		NULL);
}

/**
 * Parse a feed from a string with default limits.
 * @param text: YAML.
 * @return the feed or NULL.
 */
static struct sh_feed*
parse(const char* text)
{
	return parse_lim(text, NULL);
}

/**
 * Parse a feed that must be refused with one error at a position.
 * @param text: YAML.
 * @param line: line of the error.
 * @param column: column of the error.
 * @param w1: word of the message.
 * @param w2: another word, or NULL.
 */
static void
refused(const char* text, unsigned line, unsigned column, const char* w1,
	const char* w2)
{
	struct sh_feed* f = parse(text);

	assert_null(f);
	expect_diag(SH_SEV_ERROR, line, column, w1, w2);
}

/**
 * Text of an indicator's name.
 * @param ind: the indicator.
 * @param buf: destination.
 * @return buf.
 */
static const char*
ind_text(const struct sh_indicator* ind, char buf[SH_NAME_TEXT_MAX])
{
	sh_name_to_text(ind->name, buf, SH_NAME_TEXT_MAX);
	return buf;
}

/** The example feed of the README, with every field. */
static void
test_full_feed(void** state)
{
	char t[SH_NAME_TEXT_MAX];
	struct sh_feed* f = parse(
		"# zones/3cx.yaml\n"
		"feed:\n"
		"  id: 3cx-supply-chain-2023\n"
		"  description: \"3CX DesktopApp C2 domains\"\n"
		"  version: 2023.10\n"
		"  references:\n"
		"    - https://www.crowdstrike.com/blog/x\n"
		"    - http://example.org/\n"
		"  defaults:\n"
		"    action: nxdomain\n"
		"    confidence: high\n"
		"indicators:\n"
		"  - domain: AkamaiContainer.COM.\n"
		"    exact: true\n"
		"    action: refuse\n"
		"    first_seen: 2023-03-29\n"
		"    expires: 2027-03-29T12:00:00+02:00\n"
		"    confidence: 90\n"
		"    tags: [c2, 3cx]\n"
		"    comment: \"text\"\n"
		"  - msedgeupdate.net\n");
	(void)state;
	assert_non_null(f);
	assert_int_equal(ndiags, 0);
	assert_int_equal(f->refs, 1);
	assert_string_equal(f->path, "t.yaml");
	assert_string_equal(f->id, "3cx-supply-chain-2023");
	assert_string_equal(f->description, "3CX DesktopApp C2 domains");
	assert_string_equal(f->version, "2023.10");
	assert_string_equal(f->references[0],
		"https://www.crowdstrike.com/blog/x");
	assert_string_equal(f->references[1], "http://example.org/");
	assert_null(f->references[2]);
	assert_int_equal(f->default_action, SH_ACTION_NXDOMAIN);
	assert_int_equal(f->default_confidence, 85);
	assert_int_equal(f->loaded_at, NOW);
	assert_int_equal(strlen(f->sha256), 64);
	assert_int_equal(f->num_ind, 2);
	assert_int_equal(f->num_expired, 0);

	assert_string_equal(ind_text(ind_at(f, 0), t), "akamaicontainer.com");
	assert_int_equal(ind_at(f, 0)->namelen, 21);
	assert_int_equal(ind_at(f, 0)->flags, SH_IND_EXACT);
	assert_int_equal(ind_at(f, 0)->action, SH_ACTION_REFUSE);
	assert_int_equal(ind_at(f, 0)->line, 13);
	assert_int_equal(ind_at(f, 0)->column, 5);
	assert_int_equal(ind_at(f, 0)->first_seen, 1680048000);
	assert_int_equal(ind_at(f, 0)->expires, 1806278400 + 12*3600 - 2*3600);
	assert_int_equal(ind_at(f, 0)->confidence, 90);
	assert_string_equal(ind_at(f, 0)->tags[0], "c2");
	assert_string_equal(ind_at(f, 0)->tags[1], "3cx");
	assert_null(ind_at(f, 0)->tags[2]);
	assert_string_equal(ind_at(f, 0)->comment, "text");

	assert_string_equal(ind_text(ind_at(f, 1), t), "msedgeupdate.net");
	assert_int_equal(ind_at(f, 1)->flags, 0);
	assert_int_equal(ind_at(f, 1)->action, SH_ACTION_INHERIT);
	assert_int_equal(ind_at(f, 1)->line, 21);
	assert_int_equal(ind_at(f, 1)->column, 5);
	assert_int_equal(ind_at(f, 1)->confidence, -1);
	assert_int_equal(ind_at(f, 1)->first_seen, 0);
	assert_int_equal(ind_at(f, 1)->expires, 0);
	assert_null(ind_at(f, 1)->comment);
	assert_null(ind_at(f, 1)->tags);

	assert_ptr_equal(sh_feed_ref(f), f);
	assert_int_equal(f->refs, 2);
	sh_feed_unref(f);
	assert_int_equal(f->refs, 1);
	sh_feed_unref(f);
	sh_feed_unref(NULL);
}

/** A minimal feed, and the SHA-256 of the raw bytes. */
static void
test_minimal_sha(void** state)
{
	struct sh_feed* f = parse("feed: {id: a}\n");

	(void)state;
	assert_non_null(f);
	assert_int_equal(f->num_ind, 0);
	assert_null(f->segs);
	assert_int_equal(f->num_segs, 0);
	assert_int_equal(f->num_meta, 0);
	assert_null(f->description);
	assert_null(f->references);
	assert_null(f->version);
	assert_int_equal(f->default_action, SH_ACTION_INHERIT);
	assert_int_equal(f->default_confidence, -1);
	assert_string_equal(f->sha256, "7d17082fa08d1b050a3bd460178c2cef"
		"8258bcf5f13873dbec73cb6974ddac99");
	sh_feed_unref(f);
	/* empty lists are fine too */
	f = parse("feed:\n  id: a\nindicators:\nallow: []\n");
	assert_non_null(f);
	assert_int_equal(f->num_ind, 0);
	sh_feed_unref(f);
}

/** Allow entries: both forms, flags and action; same name with a
 * different exact flag is no conflict. */
static void
test_allow(void** state)
{
	char t[SH_NAME_TEXT_MAX];
	struct sh_feed* f = parse(
		"feed: {id: a}\n"
		"indicators:\n"
		"  - example.com\n"
		"allow:\n"
		"  - domain: cdn.example.com\n"
		"    comment: \"false positive\"\n"
		"    tags: [fp]\n"
		"  - domain: example.com\n"
		"    exact: true\n"
		"  - www.example.com\n");
	(void)state;
	assert_non_null(f);
	assert_int_equal(f->num_ind, 4);
	assert_int_equal(ind_at(f, 1)->flags, SH_IND_ALLOW);
	assert_int_equal(ind_at(f, 1)->action, SH_ACTION_ALLOW);
	assert_string_equal(ind_at(f, 1)->comment, "false positive");
	assert_string_equal(ind_at(f, 1)->tags[0], "fp");
	assert_string_equal(ind_text(ind_at(f, 2), t), "example.com");
	assert_int_equal(ind_at(f, 2)->flags, SH_IND_ALLOW | SH_IND_EXACT);
	assert_int_equal(ind_at(f, 3)->flags, SH_IND_ALLOW);
	assert_int_equal(ind_at(f, 3)->line, 10);
	sh_feed_unref(f);
	/* action is not a key of an allow entry */
	refused("feed: {id: a}\nallow:\n  - domain: x.example\n"
		"    action: nxdomain\n", 4, 5, "'action' is not a known key "
		"of an allow entry", "expected domain, exact, comment, tags");
}

/** Expired indicators are skipped with a note, and counted. */
static void
test_expiry(void** state)
{
	char t[SH_NAME_TEXT_MAX];
	struct sh_feed* f = parse(
		"feed: {id: a}\n"
		"indicators:\n"
		"  - domain: old.example\n"
		"    expires: 2023-11-14\n"
		"  - domain: new.example\n"
		"    expires: 2023-11-15\n"
		"  - domain: older.example\n"
		"    expires: 2020-01-01T00:00:00Z\n");
	(void)state;
	assert_non_null(f);
	assert_int_equal(f->num_ind, 1);
	assert_int_equal(f->num_expired, 2);
	assert_string_equal(ind_text(ind_at(f, 0), t), "new.example");
	assert_int_equal(count_sev(SH_SEV_ERROR), 0);
	assert_int_equal(count_sev(SH_SEV_NOTE), 2);
	expect_diag(SH_SEV_NOTE, 3, 5, "old.example", "expired");
	expect_diag(SH_SEV_NOTE, 7, 5, "older.example", "expired");
	sh_feed_unref(f);
}

/** Unknown keys at every level, each at its own position. */
static void
test_unknown_keys(void** state)
{
	(void)state;
	refused("feed: {id: a}\nindicators:\n  - domian: x.example\n", 3, 5,
		"'domian' is not a known key of an indicator", "(expected "
		"domain, exact, action, first_seen, expires, confidence, tags, "
		"comment, addresses, rule)");
	expect_diag(SH_SEV_ERROR, 3, 5, "missing required key 'domain'",
		NULL);
	refused("feed: {id: a}\nindicator: []\n", 2, 1, "'indicator' is not "
		"a known key of a feed file", "feed, indicators, allow");
	refused("feed:\n  id: a\n  name: b\n", 3, 3, "'name' is not a known "
		"key of the 'feed' section", NULL);
	refused("feed:\n  id: a\n  defaults: {action: nodata, ttl: 3}\n", 3,
		30, "'ttl' is not a known key of the 'defaults' section",
		NULL);
}

/** Invalid names, the root, bare TLDs, NUL bytes. */
static void
test_bad_names(void** state)
{
	(void)state;
	refused("feed: {id: a}\nindicators:\n  - a..example\n", 3, 5,
		"invalid domain name 'a..example'", "empty label");
	refused("feed: {id: a}\nindicators:\n  - domain: \".\"\n", 3, 13,
		"root", NULL);
	refused("feed: {id: a}\nindicators:\n  - x.com\n  - COM.\n", 4, 5,
		"'COM.' is a top-level domain", NULL);
	refused("feed: {id: a}\nallow:\n  - domain: org\n", 3, 13,
		"top-level domain", "allow entry");
	refused("feed: {id: a}\nindicators:\n  - \"a\\0b.example\"\n", 3, 5,
		"NUL", NULL);
	refused("feed: {id: a}\nindicators:\n  - domain:\n", 3, 12,
		"must not be empty", NULL);
	refused("feed: {id: a}\nindicators:\n  - x\\256.example\n", 3, 5,
		"invalid domain name", "255");
}

/**
 * Unicode names are blocked as the A-labels clients ask for, keep
 * their U-label form for the log, and what does not convert is refused
 * with its position.  Ambiguous escapes are refused too.
 */
static void
test_idn_names(void** state)
{
	char t[SH_NAME_TEXT_MAX];
	struct sh_feed* f;

	(void)state;
	f = parse("feed: {id: a}\n"
		"indicators:\n"
		"  - bücher.example\n"
		"  - domain: \"MÜNCHEN.example\"\n"
		"  - xn--fiqs8s.example\n"
		"  - faß.example\n"
		"allow:\n"
		"  - www.bücher.example\n");
	assert_non_null(f);
	assert_int_equal(f->num_ind, 5);
	assert_string_equal(ind_text(ind_at(f, 0), t), "xn--bcher-kva.example");
	assert_string_equal(ind_at(f, 0)->unicode, "bücher.example");
	assert_string_equal(ind_text(ind_at(f, 1), t),
		"xn--mnchen-3ya.example");
	assert_string_equal(ind_at(f, 1)->unicode, "münchen.example");
	assert_string_equal(ind_text(ind_at(f, 2), t), "xn--fiqs8s.example");
	assert_string_equal(ind_at(f, 2)->unicode, "中国.example");
	assert_string_equal(ind_text(ind_at(f, 3), t), "xn--fa-hia.example");
	assert_string_equal(ind_text(ind_at(f, 4), t),
		"www.xn--bcher-kva.example");
	assert_int_equal(ind_at(f, 4)->flags, SH_IND_ALLOW);
	/* the deviation character is named, with its position */
	expect_diag(SH_SEV_WARNING, 6, 5, "'faß.example'", "'fass.example'");
	assert_int_equal(count_sev(SH_SEV_WARNING), 1);
	sh_feed_unref(f);
	/* a Unicode name and its A-label are the same indicator */
	refused("feed: {id: a}\nindicators:\n  - bücher.example\n"
		"  - xn--bcher-kva.example\n", 4, 5,
		"duplicate indicator 'xn--bcher-kva.example'", "line 3");
	/* refusals, each at its name */
	refused("feed: {id: a}\nindicators:\n  - ok.example\n"
		"  - \"\xf0\x9f\x92\xa9.example\"\n", 4, 5,
		"not a valid internationalised name", "xn--ls8h.example");
	refused("feed: {id: a}\nindicators:\n  - domain: ab--ü.example\n",
		3, 13, "invalid domain name 'ab--ü.example'", "IDNA2008");
	refused("feed: {id: a}\nallow:\n  - bü\\cher.example\n", 3, 5,
		"cannot also hold backslash escapes", NULL);
	/* "back\slash" was silently loaded as "backslash" */
	refused("feed: {id: a}\nindicators:\n  - back\\slash.example\n", 3, 5,
		"invalid domain name 'back\\slash.example'",
		"ambiguous escape '\\s'");
	refused("feed: {id: a}\nindicators:\n  - \"a\\\\-b.example\"\n", 3, 5,
		"ambiguous escape '\\-'", NULL);
	/* the escapes our log writes are taken; raw bytes warn */
	f = parse("feed: {id: a}\nindicators:\n  - 'a\\.b\\\\c.example'\n"
		"  - b\\195\\188cher.example\n");
	assert_non_null(f);
	assert_int_equal(ind_at(f, 0)->namelen, 1 + 5 + 1 + 7 + 1);
	assert_memory_equal(ind_at(f, 0)->name, "\5a.b\\c\7example", 15);
	assert_null(ind_at(f, 0)->unicode);
	expect_diag(SH_SEV_WARNING, 4, 5, "raw bytes", "xn-- form");
	sh_feed_unref(f);
}

/** Duplicates within a list and between the lists. */
static void
test_duplicates(void** state)
{
	struct sh_feed* f;

	(void)state;
	f = parse("feed: {id: a}\n"
		"indicators:\n"
		"  - dup.example\n"
		"  - domain: other.example\n"
		"  - domain: DUP.example.\n"
		"allow:\n"
		"  - both.example\n"
		"  - both.example\n"
		"indicators2: x\n");
	assert_null(f);
	expect_diag(SH_SEV_ERROR, 5, 5, "duplicate indicator 'dup.example'",
		"first at line 3");
	expect_diag(SH_SEV_ERROR, 8, 5, "duplicate allow entry 'both.example'",
		"first at line 7");
	/* errors found while reading come along too */
	expect_diag(SH_SEV_ERROR, 9, 1, "'indicators2' is not a known key",
		NULL);
	refused("feed: {id: a}\nindicators:\n  - x.example\nallow:\n"
		"  - x.example\n", 5, 5, "'x.example' is both an indicator and "
		"an allow entry", "first at line 3");
	/* the same name with and without exact is no duplicate */
	f = parse("feed: {id: a}\nindicators:\n  - x.example\n"
		"  - {domain: x.example, exact: true}\n");
	assert_non_null(f);
	assert_int_equal(f->num_ind, 2);
	sh_feed_unref(f);
}

/** Duplicates near and far apart in a long list (the check probes
 * its table some records behind the hashing), and the last record. */
static void
test_duplicates_long(void** state)
{
	char text[16384], name[32];
	size_t len = 0, i;
	struct sh_feed* f;

	(void)state;
	len += (size_t)snprintf(text + len, sizeof(text) - len,
		"feed: {id: a}\nindicators:\n");
	for(i = 0; i < 300; i++) {
		/* line i + 3: index 10 repeats 5, 100 repeats 20, 299
		 * repeats 298 */
		size_t n = i == 10 ? 5 : i == 100 ? 20 : i == 299 ? 298 : i;
		(void)snprintf(name, sizeof(name), "n%zu.example", n);
		len += (size_t)snprintf(text + len, sizeof(text) - len,
			"  - %s\n", name);
	}
	assert_true(len < sizeof(text));
	f = parse(text);
	assert_null(f);
	expect_diag(SH_SEV_ERROR, 13, 5, "duplicate indicator 'n5.example'",
		"first at line 8");
	expect_diag(SH_SEV_ERROR, 103, 5, "duplicate indicator 'n20.example'",
		"first at line 23");
	expect_diag(SH_SEV_ERROR, 302, 5,
		"duplicate indicator 'n298.example'", "first at line 301");
	assert_int_equal(ndiags, 3);
}

/** Values of the wrong type. */
static void
test_wrong_types(void** state)
{
	(void)state;
	refused("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    exact: maybe\n", 4, 12, "'exact' must be true or false",
		"maybe");
	refused("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    exact: \"true\"\n", 4, 12, "'exact' must be true or false",
		"quoted");
	refused("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    tags: {a: b}\n", 4, 11, "'tags' must be a sequence",
		"found a mapping");
	refused("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    tags: [a, [b]]\n", 4, 15, "items of 'tags' must be strings",
		"found a sequence");
	refused("feed: {id: a}\nindicators:\n  - domain: [x.example]\n", 3, 13,
		"'domain' must be a single value", "found a sequence");
	refused("feed: {id: a}\nindicators: x.example\n", 2, 13,
		"'indicators' must be a sequence", "x.example");
	refused("feed: {id: a}\nindicators:\n  - [x.example]\n", 3, 5,
		"items of 'indicators' must be a domain name or a mapping",
		NULL);
	refused("- a\n- b\n", 1, 1, "the document must be a mapping",
		"found a sequence");
	refused("feed: [a]\n", 1, 7, "'feed' must be a mapping", NULL);
	refused("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    confidence: 101\n", 4, 17, "'confidence' must be a number "
		"from 0 to 100", "101");
	refused("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    confidence: extreme\n", 4, 17, "'confidence'", "extreme");
	refused("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    action: allow\n", 4, 13, "'action' must be one of sinkhole, "
		"nxdomain, nodata, refuse", "allow");
	refused("feed:\n  id: a\n  references: [ftp://example.org/x]\n", 3, 16,
		"reference 'ftp://example.org/x' must be an http:// or https://"
		" URL", NULL);
	refused("feed:\n  id: A_b\n", 2, 7, "feed id 'A_b' is not valid",
		NULL);
	refused("feed:\n  description: x\n", 2, 3, "missing required key "
		"'id' in the 'feed' section", NULL);
	refused("indicators: [x.example]\n", 1, 1, "missing required key "
		"'feed'", NULL);
	refused("feed: {id: !foo a}\n", 1, 12, "tag '!foo' is not allowed",
		NULL);
}

/** Dates and date-times. */
static void
test_dates(void** state)
{
	time_t t = 0;
	struct sh_feed* f;

	(void)state;
	refused("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    first_seen: 2023-02-29\n", 4, 17, "'first_seen' must be a "
		"date (YYYY-MM-DD)", "2023-02-29");
	refused("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    expires: 2023-03-29T25:00:00Z\n", 4, 14, "'expires' must "
		"be a date", NULL);
	refused("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    expires: 2023-03-29T10:00:00\n", 4, 14, "RFC 3339", NULL);
	f = parse("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    first_seen: 2024-02-29T23:59:59.123z\n");
	assert_non_null(f);
	assert_int_equal(ind_at(f, 0)->first_seen, 1709251199);
	sh_feed_unref(f);
	assert_true(sh_yaml_parse_time("1969-12-31", 10, &t));
	assert_int_equal(t, -86400);
	assert_true(sh_yaml_parse_time("2023-03-29 12:00:00-01:30", 25, &t));
	assert_int_equal(t, 1680048000 + 12*3600 + 90*60);
	assert_false(sh_yaml_parse_time("2023-3-29", 9, &t));
	assert_false(sh_yaml_parse_time("2023-03-29T12:00:00.Z", 21, &t));
	assert_false(sh_yaml_parse_time("2023-03-29T12:00:00Zx", 21, &t));
	assert_false(sh_yaml_parse_time("2100-02-29", 10, &t));
	assert_true(sh_yaml_parse_time("2000-02-29", 10, &t));
}

/** Anchors and aliases are refused (no billion laughs). */
static void
test_anchors_aliases(void** state)
{
	(void)state;
	refused("feed: {id: a}\nindicators:\n  - &x a.example\n  - *x\n", 3, 5,
		"anchors (&x) are not allowed", NULL);
	expect_diag(SH_SEV_ERROR, 4, 5, "aliases (*x) are not allowed", NULL);
	refused("feed: &f {id: a}\nother: *f\n", 1, 7, "anchors", NULL);
	refused(
		"a: &a [\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"feed: {id: a}\n", 2, 8, "aliases (*a)", NULL);
}

/** Nesting depth, file size, scalar size and indicator count limits. */
static void
test_limits(void** state)
{
	struct sh_limits lim;
	struct sh_feed* f;
	char big[200];

	(void)state;
	sh_limits_default(&lim);
	assert_int_equal(lim.max_file_bytes, 64 * 1024 * 1024);
	assert_int_equal(lim.max_depth, 16);
	assert_int_equal(lim.max_indicators, 2000000);
	assert_int_equal(lim.max_scalar_bytes, 4096);

	lim.max_depth = 3;
	f = parse_lim("feed: {id: a}\nindicators:\n  - domain: x.example\n"
		"    tags: [a]\n", &lim);
	assert_null(f);
	expect_diag(SH_SEV_ERROR, 4, 11, "nesting is deeper than the limit "
		"of 3 levels", "max_depth");
	/* deep nesting under the default limit stops at level 17 */
	refused("feed: {id: a}\nx: [[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]\n", 2, 19, "max_depth", NULL);

	sh_limits_default(&lim);
	lim.max_file_bytes = 20;
	f = parse_lim("feed: {id: a}\nindicators: [x.example]\n", &lim);
	assert_null(f);
	expect_diag(SH_SEV_ERROR, 0, 0, "larger than the limit of 20 bytes",
		"max_file_bytes");

	sh_limits_default(&lim);
	lim.max_indicators = 2;
	f = parse_lim("feed: {id: a}\nindicators:\n  - a.example\n"
		"  - b.example\nallow:\n  - c.example\n", &lim);
	assert_null(f);
	expect_diag(SH_SEV_ERROR, 6, 5, "more than 2 indicators",
		"max_indicators");
	f = parse_lim("feed: {id: a}\nindicators:\n  - a.example\n"
		"allow:\n  - c.example\n", &lim);
	assert_non_null(f);
	sh_feed_unref(f);

	sh_limits_default(&lim);
	lim.max_scalar_bytes = 16;
	memset(big, 0, sizeof(big));
	snprintf(big, sizeof(big), "feed: {id: a}\nindicators:\n  - domain: "
		"aaaaaaaaaaaaaaaaa.example\n");
	f = parse_lim(big, &lim);
	assert_null(f);
	expect_diag(SH_SEV_ERROR, 3, 13, "value of 25 bytes is longer than "
		"the limit of 16 bytes", "max_scalar_bytes");
}

/** Invalid UTF-8, control characters, syntax errors, two documents. */
static void
test_bad_text(void** state)
{
	(void)state;
	refused("feed: {id: a}\nindicators:\n  - \"b\xc3\xa9\xff.example\"\n",
		3, 8, "not valid UTF-8", "0xff");
	refused("feed: {id: a}\n# caf\xc0\xaf overlong\n", 2, 6,
		"not valid UTF-8", NULL);
	refused("feed: {id: a}\nx: \x01\n", 2, 4, "control character 0x01",
		NULL);
	refused("feed: {id: a}\nindicators:\n  - a.example\n  - b: [\n", 5, 1,
		"YAML syntax error", NULL);
	refused("feed: {id: a}\n---\nfeed: {id: b}\n", 2, 1,
		"only one YAML document", NULL);
	refused("", 0, 0, "empty", NULL);
	refused("# just a comment\n", 0, 0, "empty", NULL);
}

/** Duplicate mapping keys anywhere. */
static void
test_duplicate_keys(void** state)
{
	(void)state;
	refused("feed: {id: a}\nindicators:\n  - domain: a.example\n"
		"    comment: x\n    comment: y\n", 5, 5, "duplicate key "
		"'comment' in an indicator", "first at line 4, column 5");
	refused("feed: {id: a}\nfeed: {id: b}\n", 2, 1, "duplicate key 'feed'",
		"first at line 1, column 1");
	refused("feed: {id: a, id: b}\n", 1, 15, "duplicate key 'id'", NULL);
}

/** Many errors are all reported in one run. */
static void
test_all_errors(void** state)
{
	struct sh_feed* f = parse(
		"feed:\n"
		"  id: a\n"
		"  bogus: 1\n"
		"indicators:\n"
		"  - com\n"
		"  - domain: x.example\n"
		"    exact: 3\n"
		"  - domain: y.example\n"
		"    expires: never\n"
		"  - z..example\n");
	(void)state;
	assert_null(f);
	assert_int_equal(count_sev(SH_SEV_ERROR), 5);
	expect_diag(SH_SEV_ERROR, 3, 3, "'bogus'", NULL);
	expect_diag(SH_SEV_ERROR, 5, 5, "top-level", NULL);
	expect_diag(SH_SEV_ERROR, 7, 12, "'exact'", NULL);
	expect_diag(SH_SEV_ERROR, 9, 14, "'expires'", NULL);
	expect_diag(SH_SEV_ERROR, 10, 5, "empty label", NULL);
}

/** A file with thousands of errors is cut off after 1000. */
static void
test_error_cap(void** state)
{
	size_t n = 3000, i, cap = n * 10 + 64, pos;
	char* text = malloc(cap);

	(void)state;
	assert_non_null(text);
	pos = (size_t)snprintf(text, cap, "feed: {id: bad}\nindicators:\n");
	for(i = 0; i < n; i++)
		pos += (size_t)snprintf(text + pos, cap - pos, "  - com\n");
	assert_null(parse(text));
	free(text);
	assert_int_equal(ncalls, 1001);
	assert_non_null(strstr(diags[ndiags - 1].text, "too many errors"));
}

/** Many shorthand indicators: names are laid out right. */
static void
test_many(void** state)
{
	size_t n = 50000, i, cap = n * 32 + 64, pos;
	char* text = malloc(cap);
	char t[SH_NAME_TEXT_MAX], want[64];
	struct sh_feed* f;

	(void)state;
	assert_non_null(text);
	pos = (size_t)snprintf(text, cap, "feed: {id: many}\nindicators:\n");
	for(i = 0; i < n; i++)
		pos += (size_t)snprintf(text + pos, cap - pos,
			"  - h%zu.example.net\n", i);
	f = parse(text);
	free(text);
	assert_non_null(f);
	assert_int_equal(f->num_ind, n);
	for(i = 0; i < n; i += 997) {
		snprintf(want, sizeof(want), "h%zu.example.net", i);
		assert_string_equal(ind_text(ind_at(f, i), t), want);
		assert_int_equal(ind_at(f, i)->line, i + 3);
	}
	sh_feed_unref(f);
}

/**
 * Write a file.
 * @param dir: directory.
 * @param name: file name.
 * @param text: contents.
 */
static void
write_file(const char* dir, const char* name, const char* text)
{
	char path[512];
	FILE* fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/** sh_feed_load of a file, a missing file and a directory (the
 * directory scan itself is tested with the store, in test_store.c). */
static void
test_load_file(void** state)
{
	char dir[] = "/tmp/h1_feedXXXXXX", path[512];
	struct sh_feed* f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "a.yaml", "feed: {id: f1}\n");
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	ndiags = 0;
	f = sh_feed_load(path, NULL, NOW, collect, NULL);
	assert_non_null(f);
	assert_string_equal(f->path, path);
	assert_string_equal(f->id, "f1");
	sh_feed_unref(f);
	snprintf(path, sizeof(path), "%s/missing.yaml", dir);
	assert_null(sh_feed_load(path, NULL, NOW, collect, NULL));
	expect_diag(SH_SEV_ERROR, 0, 0, "cannot open", NULL);
	ndiags = 0;
	assert_null(sh_feed_load(dir, NULL, NOW, collect, NULL));
	expect_diag(SH_SEV_ERROR, 0, 0, "not a regular file", NULL);

	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_feed),
		cmocka_unit_test(test_minimal_sha),
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_idn_names),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_duplicates_long),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_anchors_aliases),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_bad_text),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_all_errors),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
