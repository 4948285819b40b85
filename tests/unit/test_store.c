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
	/* the broken version is not parsed again until it changes */
	scan(st, dir, NOW, &res);
	assert_int_equal(nerrors, 0);
	assert_int_equal(find_file(st, "a.yaml")->state, SH_FEED_UNCHANGED);
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
		cmocka_unit_test(test_last_good_kept),
		cmocka_unit_test(test_removal_two_scans),
		cmocka_unit_test(test_expiry_reload),
		cmocka_unit_test(test_set_and_publish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
