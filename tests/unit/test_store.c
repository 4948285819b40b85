/*
 * test_store.c - unit tests of the feed store (lib/store.c).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * cmocka tests of the store every loader goes through (the module's
 * first load, its reloads, and sinkholectl): which directory entries
 * are feed files, the name order, the first error of a failed file,
 * that a failing file keeps its last good feed, that a file is removed
 * only after two scans without it, that an unchanged file is not read
 * again, that an indicator's expiry makes its file load again, and the
 * set and snapshot built from the store.
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

/** "now" for every test: 2023-11-14T22:13:20Z. */
#define NOW ((time_t)1700000000)

/** Errors and notes seen by the collector. */
static unsigned nerrors, nnotes;
/** The last error's text. */
static char last_error[512];

/**
 * sh_diag_fn that counts errors and notes and keeps the last error.
 * @param arg: unused.
 * @param m: the diagnostic.
 */
static void
collect(void* arg, const struct sh_diag_msg* m)
{
	(void)arg;
	assert_non_null(m->file);
	if(m->severity == SH_SEV_ERROR) {
		nerrors++;
		snprintf(last_error, sizeof(last_error), "%s", m->text);
	} else if(m->severity == SH_SEV_NOTE)
		nnotes++;
}

/**
 * Write a file in a directory.
 * @param dir: the directory.
 * @param name: the file name.
 * @param text: its contents.
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

/**
 * Remove a file of a directory.
 * @param dir: the directory.
 * @param name: the file name.
 */
static void
remove_file(const char* dir, const char* name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	(void)unlink(path);
}

/**
 * Find a file in the store's report.
 * @param st: the store.
 * @param name: the file name.
 * @return the file, or NULL.
 */
static const struct sh_store_file*
find_file(const struct sh_store* st, const char* name)
{
	size_t n, i;
	const struct sh_store_file* f = sh_store_files(st, &n);
	for(i = 0; i < n; i++)
		if(strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

/**
 * Scan and check that the directory was read.
 * @param st: the store.
 * @param dir: the directory.
 * @param now: the time of the scan.
 * @param res: the summary.
 */
static void
scan(struct sh_store* st, const char* dir, time_t now,
	struct sh_scan_result* res)
{
	nerrors = nnotes = 0;
	last_error[0] = 0;
	assert_true(sh_store_scan(st, dir, NULL, now, collect, NULL, res));
}

/** Which entries are feed files, their order, the first error. */
static void
test_feed_files(void** state)
{
	static const char* const files[] = { "b.yml", "a.yaml", "c.yaml",
		".hidden.yaml", "d.yaml~", "e.yaml.swp", "f.yaml.tmp",
		"notes.md", "README", NULL };
	char dir[] = "/tmp/sh_storeXXXXXX";
	struct sh_store* st = sh_store_new();
	struct sh_scan_result res;
	struct sh_feed** feeds = NULL;
	const struct sh_store_file* sf;
	size_t n, i;
	(void)state;
	assert_non_null(st);
	assert_non_null(mkdtemp(dir));
	for(i = 0; files[i]; i++) {
		char body[64];
		snprintf(body, sizeof(body), "feed: {id: f%zu}\n", i);
		write_file(dir, files[i], body);
	}
	write_file(dir, "c.yaml", "feed: {id: c}\nindicators: [com]\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.loaded, 2);
	assert_int_equal(res.failed, 1);
	assert_true(res.changed);
	assert_int_equal(nerrors, 1);
	/* the three feed files, in name order, nothing else */
	sf = sh_store_files(st, &n);
	assert_int_equal(n, 3);
	assert_string_equal(sf[0].name, "a.yaml");
	assert_string_equal(sf[1].name, "b.yml");
	assert_string_equal(sf[2].name, "c.yaml");
	assert_int_equal(sf[0].state, SH_FEED_LOADED);
	assert_int_equal(sf[2].state, SH_FEED_FAILED);
	assert_null(sf[2].feed);
	assert_non_null(strstr(sf[2].error, "c.yaml:2:14: error: "));
	assert_non_null(strstr(sf[2].error, "top-level"));
	assert_int_equal(sh_store_feeds(st, &feeds), 2);
	assert_string_equal(feeds[0]->id, "f1"); /* a.yaml */
	assert_string_equal(feeds[1]->id, "f0"); /* b.yml */
	assert_non_null(strstr(feeds[0]->path, "/a.yaml"));
	free(feeds);
	sh_store_free(st);
	for(i = 0; files[i]; i++)
		remove_file(dir, files[i]);
	rmdir(dir);
	/* a directory that cannot be read is an error, nothing changes */
	st = sh_store_new();
	nerrors = 0;
	assert_false(sh_store_scan(st, dir, NULL, NOW, collect, NULL, &res));
	assert_int_equal(nerrors, 1);
	assert_non_null(strstr(last_error, "cannot read feed directory"));
	sh_store_free(st);
}

/**
 * A file with several problems: every one goes to the diagnostics (the
 * resolver's log, lint), and the error the status file and the
 * reload_failed event carry says how many more there are (issue 9).
 */
static void
test_several_errors(void** state)
{
	char dir[] = "/tmp/sh_storeXXXXXX";
	struct sh_store* st = sh_store_new();
	struct sh_scan_result res;
	const struct sh_store_file* sf;
	(void)state;
	assert_non_null(st);
	assert_non_null(mkdtemp(dir));
	write_file(dir, "a.yaml", "feed: &f\n  id: a\nindicators: &i\n"
		"  - evil.example\nallow: &a\n  - ok.evil.example\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.failed, 1);
	assert_int_equal(nerrors, 3);
	sf = find_file(st, "a.yaml");
	assert_non_null(sf);
	assert_int_equal(sf->state, SH_FEED_FAILED);
	assert_non_null(strstr(sf->error, "a.yaml:1:7: error: "));
	assert_non_null(strstr(sf->error, "(and 2 more errors"));
	sh_store_free(st);
	remove_file(dir, "a.yaml");
	rmdir(dir);
}

/** A broken new version keeps the last good feed; unchanged is not read. */
static void
test_last_good_kept(void** state)
{
	char dir[] = "/tmp/sh_storeXXXXXX";
	struct sh_store* st = sh_store_new();
	struct sh_scan_result res;
	const struct sh_store_file* sf;
	const struct sh_feed* good;
	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "a.yaml", "feed: {id: a}\nindicators: [c2.example]\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.loaded, 1);
	good = find_file(st, "a.yaml")->feed;
	assert_non_null(good);
	/* the same file again: not parsed, nothing changed */
	scan(st, dir, NOW, &res);
	assert_int_equal(res.loaded, 0);
	assert_false(res.changed);
	assert_int_equal(find_file(st, "a.yaml")->state, SH_FEED_UNCHANGED);
	assert_ptr_equal(find_file(st, "a.yaml")->feed, good);
	/* a broken version: failed, the last good feed stays active */
	write_file(dir, "a.yaml", "feed: {id: a}\nindicators: [c2..bad]\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.failed, 1);
	assert_false(res.changed);
	sf = find_file(st, "a.yaml");
	assert_int_equal(sf->state, SH_FEED_FAILED);
	assert_ptr_equal(sf->feed, good);
	assert_non_null(sf->error);
	assert_int_equal(good->num_ind, 1);
	/* the broken version is not parsed again until it changes, and it
	 * stays failed with its error (issue 9: it said "unchanged") */
	scan(st, dir, NOW, &res);
	assert_int_equal(nerrors, 0);
	assert_int_equal(res.failed, 0);
	assert_int_equal(find_file(st, "a.yaml")->state, SH_FEED_FAILED);
	assert_non_null(find_file(st, "a.yaml")->error);
	assert_ptr_equal(find_file(st, "a.yaml")->feed, good);
	/* a good version replaces it */
	write_file(dir, "a.yaml", "feed: {id: a}\nindicators: [c2.example, "
		"c3.example]\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.loaded, 1);
	assert_true(res.changed);
	sf = find_file(st, "a.yaml");
	assert_int_equal(sf->state, SH_FEED_LOADED);
	assert_int_equal(sf->feed->num_ind, 2);
	assert_null(sf->error);
	sh_store_free(st);
	remove_file(dir, "a.yaml");
	rmdir(dir);
}

/** A file is removed only after two scans without it. */
static void
test_removal_two_scans(void** state)
{
	char dir[] = "/tmp/sh_storeXXXXXX";
	struct sh_store* st = sh_store_new();
	struct sh_scan_result res;
	struct sh_feed** feeds = NULL;
	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "a.yaml", "feed: {id: a}\nindicators: [a.example]\n");
	write_file(dir, "b.yaml", "feed: {id: b}\nindicators: [b.example]\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.loaded, 2);
	remove_file(dir, "b.yaml");
	/* first scan without it: missing, its feed still active */
	scan(st, dir, NOW, &res);
	assert_int_equal(res.missing, 1);
	assert_int_equal(res.removed, 0);
	assert_false(res.changed);
	assert_int_equal(find_file(st, "b.yaml")->state, SH_FEED_MISSING);
	assert_non_null(find_file(st, "b.yaml")->feed);
	assert_int_equal(sh_store_feeds(st, &feeds), 2);
	free(feeds);
	/* back before the second scan (a rename in progress): kept */
	write_file(dir, "b.yaml", "feed: {id: b}\nindicators: [b.example]\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.missing, 0);
	assert_non_null(find_file(st, "b.yaml")->feed);
	/* gone for two scans: removed, then forgotten */
	remove_file(dir, "b.yaml");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.missing, 1);
	scan(st, dir, NOW, &res);
	assert_int_equal(res.removed, 1);
	assert_true(res.changed);
	assert_int_equal(find_file(st, "b.yaml")->state, SH_FEED_REMOVED);
	assert_null(find_file(st, "b.yaml")->feed);
	assert_int_equal(sh_store_feeds(st, &feeds), 1);
	assert_string_equal(feeds[0]->id, "a");
	free(feeds);
	scan(st, dir, NOW, &res);
	assert_null(find_file(st, "b.yaml"));
	assert_false(res.changed);
	sh_store_free(st);
	remove_file(dir, "a.yaml");
	rmdir(dir);
}

/** An indicator's expiry makes its unchanged file load again. */
static void
test_expiry_reload(void** state)
{
	char dir[] = "/tmp/sh_storeXXXXXX";
	struct sh_store* st = sh_store_new();
	struct sh_scan_result res;
	(void)state;
	assert_non_null(mkdtemp(dir));
	/* expires 2023-11-15T00:00:00Z = NOW + 6400 s */
	write_file(dir, "a.yaml", "feed: {id: a}\nindicators:\n"
		"  - {domain: soon.example, expires: 2023-11-15}\n"
		"  - later.example\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.loaded, 1);
	assert_int_equal(res.next_expiry, 1700006400);
	assert_int_equal(find_file(st, "a.yaml")->feed->num_ind, 2);
	/* before the expiry: unchanged */
	scan(st, dir, 1700006399, &res);
	assert_int_equal(res.loaded, 0);
	assert_false(res.changed);
	/* at it: loaded again without the expired indicator */
	scan(st, dir, 1700006400, &res);
	assert_int_equal(res.loaded, 1);
	assert_true(res.changed);
	assert_int_equal(nnotes, 1);
	assert_int_equal(find_file(st, "a.yaml")->feed->num_ind, 1);
	assert_int_equal(res.next_expiry, 0);
	sh_store_free(st);
	remove_file(dir, "a.yaml");
	rmdir(dir);
}

/** A feed name that is no regular file is refused and reported. */
static void
test_not_regular(void** state)
{
	char dir[] = "/tmp/sh_storeXXXXXX", path[512];
	struct sh_store* st = sh_store_new();
	struct sh_scan_result res;
	const struct sh_store_file* sf;
	static const char* const bad[] = { "fifo.yaml", "zero.yaml",
		"urandom.yaml", "dangling.yaml", NULL };
	size_t i;
	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "a.yaml", "feed: {id: a}\nindicators: [a.example]\n");
	snprintf(path, sizeof(path), "%s/fifo.yaml", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/zero.yaml", dir);
	assert_int_equal(symlink("/dev/zero", path), 0);
	snprintf(path, sizeof(path), "%s/urandom.yaml", dir);
	assert_int_equal(symlink("/dev/urandom", path), 0);
	snprintf(path, sizeof(path), "%s/dangling.yaml", dir);
	assert_int_equal(symlink("/nonexistent/x.yaml", path), 0);
	scan(st, dir, NOW, &res);
	assert_int_equal(res.loaded, 1);
	assert_int_equal(res.failed, 4);
	assert_int_equal(nerrors, 4);
	for(i = 0; bad[i]; i++) {
		sf = find_file(st, bad[i]);
		assert_non_null(sf);
		assert_int_equal(sf->state, SH_FEED_FAILED);
		assert_true(sf->fresh);
		assert_null(sf->feed);
		assert_non_null(sf->error);
		assert_non_null(strstr(sf->error, bad[i]));
		assert_non_null(strstr(sf->error, i < 3 ? "not a regular file" :
			"cannot open"));
	}
	/* the next scan still says failed, with the error, not anew */
	scan(st, dir, NOW, &res);
	assert_int_equal(res.failed, 0);
	assert_int_equal(nerrors, 0);
	for(i = 0; bad[i]; i++) {
		sf = find_file(st, bad[i]);
		assert_int_equal(sf->state, SH_FEED_FAILED);
		assert_false(sf->fresh);
		assert_non_null(sf->error);
	}
	assert_int_equal(find_file(st, "a.yaml")->state, SH_FEED_UNCHANGED);
	sh_store_free(st);
	remove_file(dir, "a.yaml");
	for(i = 0; bad[i]; i++)
		remove_file(dir, bad[i]);
	rmdir(dir);
}

/** A failed file stays failed, with its error, until it changes. */
static void
test_failed_stays_failed(void** state)
{
	char dir[] = "/tmp/sh_storeXXXXXX";
	struct sh_store* st = sh_store_new();
	struct sh_scan_result res;
	const struct sh_store_file* sf;
	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "a.yaml", "feed: {id: a}\nindicators: [bad..name]\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.failed, 1);
	assert_true(find_file(st, "a.yaml")->fresh);
	scan(st, dir, NOW, &res);
	sf = find_file(st, "a.yaml");
	assert_int_equal(sf->state, SH_FEED_FAILED);
	assert_false(sf->fresh);
	assert_non_null(sf->error);
	assert_non_null(strstr(sf->error, "a.yaml:2:"));
	assert_int_equal(res.failed, 0);
	sh_store_free(st);
	remove_file(dir, "a.yaml");
	rmdir(dir);
}

/** A feed id already used by a file earlier in name order is refused:
 * failed with the reason, the file's last good version kept. */
static void
test_duplicate_id(void** state)
{
	char dir[] = "/tmp/sh_storeXXXXXX";
	struct sh_store* st = sh_store_new();
	struct sh_scan_result res;
	const struct sh_store_file* sf;
	struct sh_feed** feeds = NULL;
	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "a.yaml", "feed: {id: x}\nindicators: [a.example]\n");
	write_file(dir, "b.yaml", "feed: {id: x}\nindicators: [b.example]\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.loaded, 1);
	assert_int_equal(res.failed, 1);
	assert_int_equal(nerrors, 1);
	assert_non_null(strstr(last_error, "feed id 'x' is already used by"));
	sf = find_file(st, "b.yaml");
	assert_int_equal(sf->state, SH_FEED_FAILED);
	assert_null(sf->feed);
	assert_non_null(strstr(sf->error, "b.yaml: error: feed id 'x' is "
		"already used by"));
	assert_non_null(strstr(sf->error, "a.yaml"));
	assert_int_equal(find_file(st, "a.yaml")->state, SH_FEED_LOADED);
	assert_int_equal(sh_store_feeds(st, &feeds), 1);
	assert_string_equal(feeds[0]->id, "x");
	assert_non_null(strstr(feeds[0]->path, "/a.yaml"));
	free(feeds);
	/* the set sees no duplicate: no error from the build */
	nerrors = 0;
	sh_set_free(sh_store_set(st, SH_ACTION_SINKHOLE, collect, NULL));
	assert_int_equal(nerrors, 0);
	/* b gets its own id: loaded */
	write_file(dir, "b.yaml", "feed: {id: y}\nindicators: [b.example, "
		"c.example]\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.loaded, 1);
	assert_int_equal(find_file(st, "b.yaml")->state, SH_FEED_LOADED);
	/* and back to the taken id: refused, y stays active */
	write_file(dir, "b.yaml", "feed: {id: x}\nindicators: [b.example]\n");
	scan(st, dir, NOW, &res);
	assert_int_equal(res.failed, 1);
	assert_int_equal(res.loaded, 0);
	sf = find_file(st, "b.yaml");
	assert_int_equal(sf->state, SH_FEED_FAILED);
	assert_non_null(sf->feed);
	assert_string_equal(sf->feed->id, "y");
	assert_int_equal(sf->feed->num_ind, 2);
	/* a rename in progress is no duplicate: a.yaml -> 0.yaml */
	remove_file(dir, "b.yaml");
	scan(st, dir, NOW, &res);
	scan(st, dir, NOW, &res);
	write_file(dir, "0.yaml", "feed: {id: x}\nindicators: [a.example]\n");
	remove_file(dir, "a.yaml");
	scan(st, dir, NOW, &res);
	assert_int_equal(nerrors, 0);
	assert_int_equal(find_file(st, "0.yaml")->state, SH_FEED_LOADED);
	assert_int_equal(find_file(st, "a.yaml")->state, SH_FEED_MISSING);
	sh_store_free(st);
	remove_file(dir, "0.yaml");
	rmdir(dir);
}

/** A minimal configuration. */
#define CFG_TEXT "feeds: /tmp\nlog: {file: /tmp/x.json}\n"

/** The set and the snapshot built from a store. */
static void
test_set_and_publish(void** state)
{
	char dir[] = "/tmp/sh_storeXXXXXX";
	struct sh_store* st = sh_store_new();
	struct sh_scan_result res;
	struct sh_snapshot* slot = NULL;
	struct sh_snapshot* snap;
	struct sh_config* cfg;
	struct sh_set* set;
	struct sh_match m;
	uint8_t wire[SH_NAME_MAX];
	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "a.yaml", "feed: {id: a}\nindicators: [c2.example]\n");
	scan(st, dir, NOW, &res);
	assert_true(sh_name_from_text("x.c2.example", wire, NULL) > 0);
	set = sh_store_set(st, SH_ACTION_NXDOMAIN, collect, NULL);
	assert_non_null(set);
	assert_true(sh_set_match(set, wire, &m));
	assert_int_equal(m.action, SH_ACTION_NXDOMAIN);
	assert_string_equal(m.feed->id, "a");
	sh_set_free(set);
	cfg = sh_config_parse("t.yaml", CFG_TEXT, strlen(CFG_TEXT), collect,
		NULL);
	assert_non_null(cfg);
	snap = sh_store_publish(st, cfg, 7, &slot, collect, NULL);
	assert_non_null(snap);
	assert_ptr_equal(slot, snap);
	assert_int_equal(snap->generation, 7);
	assert_true(sh_set_match(snap->set, wire, &m));
	sh_snapshot_publish(&slot, NULL);
	sh_store_free(st);
	remove_file(dir, "a.yaml");
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_files),
		cmocka_unit_test(test_several_errors),
		cmocka_unit_test(test_last_good_kept),
		cmocka_unit_test(test_removal_two_scans),
		cmocka_unit_test(test_expiry_reload),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_failed_stays_failed),
		cmocka_unit_test(test_duplicate_id),
		cmocka_unit_test(test_set_and_publish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
