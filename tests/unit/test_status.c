/*
 * test_status.c - unit tests of operational events and the status file.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * cmocka tests of lib/status.c: the ECS layout of the "reload",
 * "reload_failed", "indicator_expired" and "stats" lines (kind, type,
 * outcome, dataset, message member, file path, observer, counters and
 * feeds, escaping), a line that does not fit, and the status file: its
 * exact JSON, the atomic write (no temporary file left), and a failure
 * in a missing directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "sinkhole.h"

/** Counters of every test. */
static const struct sh_stats stats = { 5, 100, 2, 3, 1, 11, 12, 13, 14,
	4, 42, 1700000000, 1700000100 };

/** The counters as written. */
#define STATS_JSON "\"generation\":4,\"indicators\":42,\"hits\":5," \
	"\"events_written\":100,\"events_dropped\":2,\"reloads_ok\":3," \
	"\"reloads_failed\":1,\"guard\":{\"cname\":11,\"ns\":12," \
	"\"subquery\":13,\"egress\":14},\"started\":1700000000," \
	"\"published\":1700000100"

/**
 * Two files of a store: one loaded, one failed without a good version.
 * @param f: filled in, two files.
 * @param feed: the loaded file's feed, filled in.
 */
static void
two_files(struct sh_store_file f[2], struct sh_feed* feed)
{
	memset(feed, 0, sizeof(*feed));
	feed->id = (char*)"c2-list";
	feed->version = (char*)"v\"1";
	snprintf(feed->sha256, sizeof(feed->sha256), "ab12");
	feed->num_ind = 7;
	feed->num_segs = 3;
	feed->num_shared = 2;
	feed->loaded_at = 1700000050;
	f[0].name = "a.yaml";
	f[0].state = SH_FEED_LOADED;
	f[0].feed = feed;
	f[0].error = NULL;
	f[1].name = "b.yaml";
	f[1].state = SH_FEED_FAILED;
	f[1].feed = NULL;
	f[1].error = "b.yaml:1:1: error: bad";
}

/** The feeds array of two_files. */
#define FEEDS_JSON "\"feeds\":[{\"file\":\"a.yaml\",\"state\":\"loaded\"," \
	"\"id\":\"c2-list\",\"version\":\"v\\\"1\",\"sha256\":\"ab12\"," \
	"\"indicators\":7,\"segments\":3,\"segments_shared\":2," \
	"\"loaded_at\":1700000050,\"error\":null}," \
	"{\"file\":\"b.yaml\",\"state\":\"failed\",\"id\":null," \
	"\"version\":null,\"sha256\":null,\"indicators\":0,\"segments\":0," \
	"\"segments_shared\":0,\"loaded_at\":0," \
	"\"error\":\"b.yaml:1:1: error: bad\"}]"

/** The observer object for identity "r1". */
#define OBSERVER_JSON ",\"observer\":{\"name\":\"r1\",\"type\":\"dns\"," \
	"\"product\":\"unbound-sinkhole\",\"vendor\":\"unbound-sinkhole\"}"

/** A reload event: the change, counters and feeds. */
static void
test_reload_event(void** state)
{
	struct sh_store_file f[2];
	struct sh_feed feed;
	char buf[4096];
	size_t n;
	(void)state;
	two_files(f, &feed);
	n = sh_status_event(buf, sizeof(buf), "r1", "reload", &stats, f, 2,
		NULL, NULL);
	assert_true(n > 0);
	assert_int_equal(n, strlen(buf));
	assert_int_equal(buf[n - 1], '\n');
	assert_true(strncmp(buf, "{\"@timestamp\":\"", 15) == 0);
	assert_non_null(strstr(buf, "Z\",\"ecs\":{\"version\":\"8.11.0\"},"
		"\"event\":{\"kind\":\"event\",\"category\":[\"configuration\"],"
		"\"type\":[\"change\"],\"action\":\"reload\",\"outcome\":"
		"\"success\",\"dataset\":\"unbound_sinkhole.reload\",\"module\":"
		"\"unbound_sinkhole\"}" OBSERVER_JSON ",\"unbound_sinkhole\":{"
		STATS_JSON "," FEEDS_JSON "}}\n"));
}

/** A failed reload: outcome failure, error.message, file.path. */
static void
test_reload_failed_event(void** state)
{
	char buf[4096];
	(void)state;
	assert_true(sh_status_event(buf, sizeof(buf), "r1", "reload_failed",
		NULL, NULL, 0, "x.yaml:2:3: error: \"no\"", "/f/x.yaml") > 0);
	assert_non_null(strstr(buf, "\"action\":\"reload_failed\",\"outcome\":"
		"\"failure\",\"dataset\":\"unbound_sinkhole.reload\""));
	assert_non_null(strstr(buf, "},\"error\":{\"message\":\"x.yaml:2:3: "
		"error: \\\"no\\\"\"},\"file\":{\"path\":\"/f/x.yaml\"}"
		OBSERVER_JSON ",\"unbound_sinkhole\":{}}\n"));
}

/** An expired indicator: a note in the event's message (ECS has no
 * log.message), dataset reload. */
static void
test_expired_event(void** state)
{
	char buf[4096];
	(void)state;
	assert_true(sh_status_event(buf, sizeof(buf), "r1",
		"indicator_expired", NULL, NULL, 0, "a.yaml:3:5: note: gone",
		"a.yaml") > 0);
	assert_non_null(strstr(buf, "\"kind\":\"event\""));
	assert_non_null(strstr(buf, "\"action\":\"indicator_expired\","
		"\"outcome\":\"success\",\"dataset\":\"unbound_sinkhole.reload\""));
	assert_non_null(strstr(buf, ",\"message\":\"a.yaml:3:5: "
		"note: gone\",\"file\":{\"path\":\"a.yaml\"}"));
	assert_null(strstr(buf, "\"log\""));
	assert_null(strstr(buf, "\"error\""));
}

/** Periodic stats: a metric of dataset stats. */
static void
test_stats_event(void** state)
{
	char buf[4096];
	(void)state;
	assert_true(sh_status_event(buf, sizeof(buf), NULL, "stats", &stats,
		NULL, 0, NULL, NULL) > 0);
	assert_non_null(strstr(buf, "\"event\":{\"kind\":\"metric\","
		"\"category\":[\"configuration\"],\"type\":[\"info\"],"
		"\"action\":\"stats\",\"outcome\":\"success\",\"dataset\":"
		"\"unbound_sinkhole.stats\""));
	assert_non_null(strstr(buf, "\"observer\":{\"name\":null,"));
	assert_non_null(strstr(buf, ",\"unbound_sinkhole\":{" STATS_JSON
		"}}\n"));
}

/** A line that does not fit is refused whole. */
static void
test_event_overflow(void** state)
{
	char buf[64];
	(void)state;
	assert_int_equal(sh_status_event(buf, sizeof(buf), "r1", "stats",
		&stats, NULL, 0, NULL, NULL), 0);
	assert_int_equal(sh_status_event(NULL, 0, "r1", "stats", &stats,
		NULL, 0, NULL, NULL), 0);
}

/**
 * Read a whole small file.
 * @param path: the file.
 * @param buf: destination.
 * @param len: its size.
 */
static void
read_small(const char* path, char* buf, size_t len)
{
	FILE* fp = fopen(path, "r");
	size_t n;
	assert_non_null(fp);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = 0;
	fclose(fp);
}

/** The status file: exact content, atomic, errors. */
static void
test_status_file(void** state)
{
	char dir[] = "/tmp/sh_statusXXXXXX", path[512], tmp[520], buf[8192];
	struct sh_store_file f[2];
	struct sh_feed feed;
	struct stat sb;
	(void)state;
	two_files(f, &feed);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/status.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_true(sh_status_write(path, "r\"1", &stats, f, 2));
	read_small(path, buf, sizeof(buf));
	assert_string_equal(buf, "{\"identity\":\"r\\\"1\"," STATS_JSON ","
		FEEDS_JSON "}\n");
	assert_int_not_equal(stat(tmp, &sb), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	/* rewritten in place of the old one */
	assert_true(sh_status_write(path, "r1", &stats, f, 1));
	read_small(path, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"feeds\":[{\"file\":\"a.yaml\""));
	assert_null(strstr(buf, "b.yaml"));
	unlink(path);
	rmdir(dir);
	/* a directory that is gone: failure with errno, nothing written */
	errno = 0;
	assert_false(sh_status_write(path, "r1", &stats, f, 2));
	assert_int_equal(errno, ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reload_event),
		cmocka_unit_test(test_reload_failed_event),
		cmocka_unit_test(test_expired_event),
		cmocka_unit_test(test_stats_event),
		cmocka_unit_test(test_event_overflow),
		cmocka_unit_test(test_status_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
