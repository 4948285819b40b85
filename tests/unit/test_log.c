/*
 * test_log.c - unit tests of the asynchronous event log writer.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Tests of sh_log_*: lines written whole and in order, concurrent
 * submitters, overload with drops and the events_dropped line,
 * rotation by rename and by removal, flush on close, open failure and
 * write failure.  Files go to a fresh directory under $TMPDIR (or
 * /tmp) that is removed afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "internal.h"

/** The test directory. */
static char dir[512];
/** The log file path in it. */
static char path[600];
/** The rotated file path in it. */
static char path1[600];

/**
 * Make the test directory.
 * @param state: unused.
 * @return 0 on success.
 */
static int
setup(void** state)
{
	const char* tmp = getenv("TMPDIR");
	(void)state;
	snprintf(dir, sizeof(dir), "%s/sh_test_log.XXXXXX",
		tmp && *tmp ? tmp : "/tmp");
	if(!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/events.log", dir);
	snprintf(path1, sizeof(path1), "%s/events.log.1", dir);
	return 0;
}

/**
 * Remove the test directory and its files.
 * @param state: unused.
 * @return 0.
 */
static int
teardown(void** state)
{
	(void)state;
	unlink(path);
	unlink(path1);
	rmdir(dir);
	return 0;
}

/**
 * Read a whole file.
 * @param p: the path.
 * @param len: set to its length.
 * @return malloced, NUL terminated contents (caller frees).
 */
static char*
read_file(const char* p, size_t* len)
{
	FILE* f = fopen(p, "rb");
	char* buf;
	long n;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/**
 * Whether a line is one of the writer's own (JSON) lines.
 * @param line: the line.
 * @return 1 if so.
 */
static int
own_line(const char* line)
{
	return strncmp(line, "{\"@timestamp\":", 14) == 0;
}

/**
 * Wait until the writer wrote a number of lines (at most 5 s).
 * @param log: the log.
 * @param written: lines to wait for.
 * @param reopened: reopens to wait for.
 */
static void
wait_for(struct sh_log* log, uint64_t written, uint64_t reopened)
{
	struct sh_log_stats st;
	int i;
	for(i = 0; i < 500; i++) {
		sh_log_get_stats(log, &st);
		if(st.written >= written && st.reopened >= reopened)
			return;
		usleep(10000);
	}
	fail_msg("timeout: written %llu of %llu, reopened %llu of %llu",
		(unsigned long long)st.written, (unsigned long long)written,
		(unsigned long long)st.reopened,
		(unsigned long long)reopened);
}

/**
 * Submit numbered lines "tag N\n".
 * @param log: the log.
 * @param tag: text before the number.
 * @param from: first number.
 * @param n: how many.
 */
static void
submit_lines(struct sh_log* log, const char* tag, int from, int n)
{
	char line[64];
	int i, len;
	for(i = from; i < from + n; i++) {
		len = snprintf(line, sizeof(line), "%s %d\n", tag, i);
		assert_true(sh_log_submit(log, line, (size_t)len));
	}
}

/**
 * Check that a file holds exactly the lines "tag from".."tag from+n-1".
 * @param p: the file.
 * @param tag: text before the number.
 * @param from: first number.
 * @param n: how many.
 */
static void
check_lines(const char* p, const char* tag, int from, int n)
{
	size_t len;
	char* buf = read_file(p, &len);
	char want[64];
	char* s = buf;
	int i;
	for(i = from; i < from + n; i++) {
		int wl = snprintf(want, sizeof(want), "%s %d\n", tag, i);
		assert_memory_equal(s, want, (size_t)wl);
		s += wl;
	}
	assert_int_equal(s - buf, (long)len);
	free(buf);
}

/** Lines are written whole, in order; the counters add up. */
static void
test_order(void** state)
{
	struct sh_log* log = sh_log_open(path, 1 << 20, "r1", NULL, NULL);
	struct sh_log_stats st;
	struct stat sb;
	mode_t mask = umask(022);
	(void)state;
	umask(mask);
	assert_non_null(log);
	submit_lines(log, "line", 0, 1000);
	sh_log_close(log);
	check_lines(path, "line", 0, 1000);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640 & ~mask);
	log = sh_log_open(path, 1 << 20, "r1", NULL, NULL);
	submit_lines(log, "line", 1000, 10);
	wait_for(log, 10, 0);
	sh_log_get_stats(log, &st);
	assert_int_equal(st.submitted, 10);
	assert_int_equal(st.written, 10);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.reopened, 0);
	sh_log_close(log);
	/* O_APPEND: the second open added to the first */
	check_lines(path, "line", 0, 1010);
}

/** Arguments of one submitter thread. */
struct submitter {
	/** the log */
	struct sh_log* log;
	/** thread number */
	int id;
	/** lines accepted */
	int ok;
};

/** Lines per submitter thread. */
#define PER_THREAD 10000
/** Number of submitter threads. */
#define THREADS 8

/**
 * Submitter thread body.
 * @param arg: struct submitter.
 * @return NULL.
 */
static void*
submit_thread(void* arg)
{
	struct submitter* s = (struct submitter*)arg;
	char line[128];
	int i, len;
	for(i = 0; i < PER_THREAD; i++) {
		len = snprintf(line, sizeof(line), "thread %d seq %d "
			"padding-padding-padding\n", s->id, i);
		s->ok += sh_log_submit(s->log, line, (size_t)len);
	}
	return NULL;
}

/**
 * Check one line of the concurrent test and advance its thread's
 * sequence.
 * @param line: the line, without '\n'.
 * @param last: last sequence number seen per thread.
 * @return 1 for a submitted line, 0 for the writer's own line.
 */
static int
check_thread_line(const char* line, int* last)
{
	int id, seq, n = 0;
	if(own_line(line)) {
		assert_non_null(strstr(line, "\"events_dropped\""));
		return 0;
	}
	assert_int_equal(sscanf(line, "thread %d seq %d "
		"padding-padding-padding%n", &id, &seq, &n), 2);
	assert_int_equal((size_t)n, strlen(line));
	assert_true(id >= 0 && id < THREADS);
	assert_true(seq > last[id]);
	last[id] = seq;
	return 1;
}

/** 8 threads x 10k lines: every line whole, in per-thread order. */
static void
test_concurrent(void** state)
{
	struct sh_log* log = sh_log_open(path, 1 << 16, "r1", NULL, NULL);
	struct submitter sub[THREADS];
	pthread_t tid[THREADS];
	struct sh_log_stats st;
	int last[THREADS], i, accepted = 0;
	uint64_t lines = 0;
	size_t len;
	char* buf, *p, *nl;
	(void)state;
	for(i = 0; i < THREADS; i++) {
		sub[i].log = log;
		sub[i].id = i;
		sub[i].ok = 0;
		last[i] = -1;
		assert_int_equal(pthread_create(&tid[i], NULL, submit_thread,
			&sub[i]), 0);
	}
	for(i = 0; i < THREADS; i++) {
		pthread_join(tid[i], NULL);
		accepted += sub[i].ok;
	}
	sh_log_get_stats(log, &st);
	assert_int_equal(st.submitted, (uint64_t)accepted);
	assert_int_equal(st.dropped, (uint64_t)(THREADS * PER_THREAD -
		accepted));
	assert_true(accepted > 0);
	sh_log_close(log);
	buf = read_file(path, &len);
	assert_true(len > 0 && buf[len - 1] == '\n');
	for(p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = 0;
		lines += (uint64_t)check_thread_line(p, last);
	}
	assert_int_equal(lines, (uint64_t)accepted);
	free(buf);
}

/** Overload: drops are counted and an events_dropped line written. */
static void
test_overload(void** state)
{
	struct sh_log* log = sh_log_open(path, 4096, "obs\"1", NULL, NULL);
	struct sh_log_stats st;
	char big[5000], line[256], want[128];
	size_t len;
	char* buf, *last;
	int i, ok = 0;
	(void)state;
	memset(big, 'b', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	/* a line larger than the queue never fits */
	assert_false(sh_log_submit(log, big, sizeof(big)));
	/* a line without '\n' is refused */
	assert_false(sh_log_submit(log, "no newline", 10));
	memset(line, 'x', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	for(i = 0; i < 20000; i++)
		ok += sh_log_submit(log, line, sizeof(line));
	sh_log_close(log);
	log = NULL;
	buf = read_file(path, &len);
	last = NULL;
	{
		char* p = buf;
		while((p = strstr(p, "\"action\":\"events_dropped\"")) != NULL)
			last = p++;
	}
	assert_non_null(last);
	assert_non_null(strstr(buf, "\"observer\":{\"name\":\"obs\\\"1\""));
	/* the last report carries the total */
	{
		char* p = last;
		while(p > buf && p[-1] != '\n')
			p--;
		last = p;
	}
	(void)st;
	snprintf(want, sizeof(want), "\"dropped_total\":%d}",
		2 + (20000 - ok));
	assert_non_null(strstr(last, want));
	assert_non_null(strstr(last, "\"kind\":\"metric\""));
	assert_non_null(strstr(last, "\"dataset\":\"unbound_sinkhole.log\""));
	assert_true(ok < 20000);
	free(buf);
}

/** Counters after an overload, read before close. */
static void
test_overload_stats(void** state)
{
	struct sh_log* log = sh_log_open(path, 4096, "r", NULL, NULL);
	struct sh_log_stats st;
	char big[5000];
	(void)state;
	memset(big, 'b', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	assert_false(sh_log_submit(log, big, sizeof(big)));
	assert_false(sh_log_submit(log, big, sizeof(big)));
	sh_log_get_stats(log, &st);
	assert_int_equal(st.dropped, 2);
	assert_int_equal(st.submitted, 0);
	sh_log_close(log);
}

/** Rename the file, ask for a reopen: new lines go to a new file. */
static void
test_rotate_reopen(void** state)
{
	struct sh_log* log = sh_log_open(path, 1 << 16, "r", NULL, NULL);
	struct sh_log_stats st;
	(void)state;
	submit_lines(log, "old", 0, 10);
	wait_for(log, 10, 0);
	assert_int_equal(rename(path, path1), 0);
	sh_log_reopen(log);
	wait_for(log, 10, 1);
	submit_lines(log, "new", 0, 10);
	sh_log_close(log);
	check_lines(path1, "old", 0, 10);
	check_lines(path, "new", 0, 10);
	(void)st;
}

/** Rename or remove the file without asking: the 1 s check sees it. */
static void
test_rotate_timer(void** state)
{
	struct sh_log* log = sh_log_open(path, 1 << 16, "r", NULL, NULL);
	struct sh_log_stats st;
	(void)state;
	submit_lines(log, "old", 0, 5);
	wait_for(log, 5, 0);
	assert_int_equal(rename(path, path1), 0);
	wait_for(log, 5, 1);
	submit_lines(log, "mid", 0, 5);
	wait_for(log, 10, 1);
	check_lines(path1, "old", 0, 5);
	check_lines(path, "mid", 0, 5);
	/* removal, as logrotate with a postrotate script might do */
	assert_int_equal(unlink(path), 0);
	wait_for(log, 10, 2);
	submit_lines(log, "new", 0, 5);
	sh_log_close(log);
	check_lines(path, "new", 0, 5);
	(void)st;
}

/** Close flushes everything queued. */
static void
test_close_flushes(void** state)
{
	struct sh_log* log = sh_log_open(path, 1 << 22, "r", NULL, NULL);
	(void)state;
	submit_lines(log, "flush", 0, 50000);
	sh_log_close(log);
	check_lines(path, "flush", 0, 50000);
	sh_log_close(NULL);
}

/**
 * Diagnostic callback that counts errors.
 * @param arg: int counter.
 * @param msg: the diagnostic.
 */
static void
count_errors(void* arg, const struct sh_diag_msg* msg)
{
	if(msg->severity == SH_SEV_ERROR)
		(*(int*)arg)++;
}

/** A path that cannot be opened is reported. */
static void
test_open_fails(void** state)
{
	char bad[700];
	int errors = 0;
	(void)state;
	snprintf(bad, sizeof(bad), "%s/no/such/dir/log", dir);
	assert_null(sh_log_open(bad, 4096, "r", count_errors, &errors));
	assert_int_equal(errors, 1);
}

/** Writes that fail (ENOSPC) count lines as dropped and an error. */
static void
test_write_fails(void** state)
{
	struct sh_log* log;
	struct sh_log_stats st;
	int i;
	(void)state;
	if(access("/dev/full", W_OK) != 0)
		skip();
	log = sh_log_open("/dev/full", 4096, "r", NULL, NULL);
	assert_non_null(log);
	submit_lines(log, "lost", 0, 3);
	for(i = 0; i < 500; i++) {
		sh_log_get_stats(log, &st);
		if(st.dropped >= 3)
			break;
		usleep(10000);
	}
	assert_int_equal(st.submitted, 3);
	assert_int_equal(st.written, 0);
	assert_int_equal(st.dropped, 3);
	assert_true(st.errors >= 1);
	sh_log_close(log);
}

/** Messages the writer sent to its diagnostic callback. */
static int warn_calls;
/** The last of them. */
static char warn_text[512];

/**
 * sh_diag_fn of the writer: keeps the last message.
 * @param arg: unused.
 * @param m: the diagnostic.
 */
static void
warn_cb(void* arg, const struct sh_diag_msg* m)
{
	(void)arg;
	__atomic_fetch_add(&warn_calls, 1, __ATOMIC_SEQ_CST);
	snprintf(warn_text, sizeof(warn_text), "%s", m->text);
}

/**
 * Wait until the writer dropped a number of lines (at most 5 s).
 * @param log: the log.
 * @param dropped: lines to wait for.
 * @param st: set to the last counters read.
 */
static void
wait_dropped(struct sh_log* log, uint64_t dropped, struct sh_log_stats* st)
{
	int i;
	for(i = 0; i < 500; i++) {
		sh_log_get_stats(log, st);
		if(st->dropped >= dropped)
			return;
		usleep(10000);
	}
}

/** The log's directory deleted while running: every event that cannot
 * be written is counted, and the writer says it cannot write. */
static void
test_dir_deleted(void** state)
{
	struct sh_log* log;
	struct sh_log_stats st;
	(void)state;
	warn_calls = 0;
	log = sh_log_open(path, 65536, "r", warn_cb, NULL);
	assert_non_null(log);
	submit_lines(log, "kept", 0, 2);
	wait_for(log, 2, 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	submit_lines(log, "lost", 0, 3);
	wait_dropped(log, 3, &st);
	assert_int_equal(st.written, 2);
	assert_int_equal(st.dropped, 3);
	assert_true(__atomic_load_n(&warn_calls, __ATOMIC_SEQ_CST) >= 1);
	assert_non_null(strstr(warn_text, "cannot write the event log"));
	sh_log_close(log);
	assert_int_equal(mkdir(dir, 0700), 0); /* for the teardown */
}

/** After the disk was full, an events_dropped line follows once there
 * is room again.  The "disk" is RLIMIT_FSIZE. */
static void
test_space_returns(void** state)
{
	struct sh_log* log;
	struct sh_log_stats st;
	struct rlimit old, lim;
	struct stat sb;
	char* text = NULL;
	size_t len = 0;
	int i;
	(void)state;
	log = sh_log_open(path, 65536, "r", NULL, NULL);
	assert_non_null(log);
	submit_lines(log, "before", 0, 2);
	wait_for(log, 2, 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = (rlim_t)sb.st_size; /* full: no byte more */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	submit_lines(log, "lost", 0, 3);
	wait_dropped(log, 3, &st);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(st.dropped, 3);
	/* room again: the next batch is followed by the drop report */
	submit_lines(log, "after", 0, 1);
	wait_for(log, 3, 0);
	for(i = 0; i < 300; i++) {
		free(text);
		text = read_file(path, &len);
		if(strstr(text, "\"action\":\"events_dropped\""))
			break;
		usleep(10000);
	}
	assert_non_null(strstr(text, "\"action\":\"events_dropped\""));
	assert_non_null(strstr(text, "\"dropped_total\":3"));
	free(text);
	sh_log_close(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_overload, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_overload_stats, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_rotate_reopen, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_rotate_timer, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_close_flushes, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_open_fails, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_write_fails, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_dir_deleted, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_space_returns, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
