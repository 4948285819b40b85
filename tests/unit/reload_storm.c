/*
 * reload_storm.c - lock-free readers against a writer that publishes
 * snapshots as fast as it can.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * A reload storm for the snapshot (RCU) code, built by
 * tests/integration/tsan_storm.test twice: under ThreadSanitizer (data
 * races between the readers and the writer, including the grace period
 * that orders a reader's last access before the writer's free) and under
 * AddressSanitizer (a snapshot, set, feed or config freed while a reader
 * still uses it; everything freed at the end).
 *
 * READERS threads loop, as resolver threads do on every query:
 * sh_snapshot_read_lock, sh_snapshot_get, sh_set_match on names, read
 * cfg->ttl and cfg->action, sh_snapshot_read_unlock.  One writer builds
 * a snapshot per generation from one of two alternating feeds (parsed
 * from YAML text with sh_feed_parse, its version naming the generation)
 * and a configuration (parsed with sh_config_parse, its TTL and default
 * action derived from the generation), and publishes it.
 *
 * Every reader checks, for every snapshot it reads, that the snapshot is
 * consistent with its own generation:
 *   - generations never go back (per reader);
 *   - cfg->ttl == generation % TTL_MOD, cfg->action is the generation's;
 *   - odd generations hold feed storm-a (a<i>.storm.test), even ones
 *     feed storm-b (b<i>.storm.test), both hold common.storm.test; the
 *     other feed's names and a name on no feed never match;
 *   - the matched feed's version string is "gen-<generation>" and the
 *     match's action is the generation's default action (the set was
 *     built for that config);
 *   - the set has exactly NAMES + 1 entries.
 * Exit status 0 when every check held, 1 otherwise (the first failures
 * are printed), 2 on setup errors.
 *
 * usage: reload_storm [PUBLISHES [READERS]]   (defaults 2000 and 8)
 */

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sinkhole.h"

/** Indicators per feed (besides the common one). */
#define NAMES 64
/** The TTL of generation g is g % TTL_MOD (the config allows 0..86400). */
#define TTL_MOD 86401
/** Most reader threads. */
#define MAX_READERS 64
/** Failures printed before the rest are only counted. */
#define MAX_PRINTED 20

/** The slot snapshots are published in. */
static struct sh_snapshot* slot;
/** Set by the writer when it is done; readers stop. */
static int stop_flag;
/** Failed checks, all threads. */
static unsigned long failures;

/** Wire names the readers ask for. */
static uint8_t name_a[NAMES][SH_NAME_MAX], name_b[NAMES][SH_NAME_MAX];
/** common.storm.test and a name on no feed. */
static uint8_t name_common[SH_NAME_MAX], name_none[SH_NAME_MAX];

/** What one reader did. */
struct reader {
	/** thread */
	pthread_t tid;
	/** number, for messages */
	int no;
	/** read-side critical sections entered */
	unsigned long sections;
	/** distinct generations seen */
	unsigned long generations;
	/** last generation seen */
	uint64_t last_gen;
};

/**
 * Record a failed check and print the first ones.
 * @param fmt: printf format.
 */
static void
failure(const char* fmt, ...)
{
	va_list ap;
	unsigned long n = __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
	if(n > MAX_PRINTED)
		return;
	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

/**
 * Diagnostic callback: errors from the loaders are setup failures.
 * @param arg: unused.
 * @param msg: the diagnostic.
 */
static void
diag(void* arg, const struct sh_diag_msg* msg)
{
	char buf[1024];
	(void)arg;
	if(msg->severity != SH_SEV_ERROR)
		return;
	sh_diag_format(msg, buf, sizeof(buf));
	failure("loader: %s", buf);
}

/**
 * The default action of a generation.
 * @param gen: the generation.
 * @return SH_ACTION_SINKHOLE for odd, SH_ACTION_NXDOMAIN for even.
 */
static enum sh_action
gen_action(uint64_t gen)
{
	return (gen & 1) ? SH_ACTION_SINKHOLE : SH_ACTION_NXDOMAIN;
}

/**
 * Build the snapshot of one generation from YAML text, as the reload
 * thread does: parse the feed, build the set, parse the config.
 * @param gen: the generation.
 * @return the snapshot, or NULL (failure recorded).
 */
static struct sh_snapshot*
build(uint64_t gen)
{
	char feed[NAMES * 40 + 256], cfg[512];
	const char* which = (gen & 1) ? "a" : "b";
	struct sh_feed* f;
	struct sh_set* set;
	struct sh_config* c;
	size_t len;
	int i;

	len = (size_t)snprintf(feed, sizeof(feed),
		"feed:\n  id: storm-%s\n  version: \"gen-%" PRIu64 "\"\n"
		"indicators:\n  - common.storm.test\n", which, gen);
	for(i = 0; i < NAMES; i++)
		len += (size_t)snprintf(feed + len, sizeof(feed) - len,
			"  - domain: %s%d.storm.test\n", which, i);
	if(!(f = sh_feed_parse("storm.yaml", feed, len, NULL, time(NULL),
		diag, NULL))) {
		failure("generation %" PRIu64 ": sh_feed_parse failed", gen);
		return NULL;
	}
	len = (size_t)snprintf(cfg, sizeof(cfg),
		"identity: storm\nfeeds: /nonexistent/feeds\n"
		"log: { file: /nonexistent/log.json }\naction: %s\n"
		"sinkhole: { ttl: %" PRIu64 " }\n",
		sh_action_name(gen_action(gen)), gen % TTL_MOD);
	if(!(c = sh_config_parse("storm-config.yaml", cfg, len, diag,
		NULL))) {
		failure("generation %" PRIu64 ": sh_config_parse failed", gen);
		sh_feed_unref(f);
		return NULL;
	}
	set = sh_set_build(&f, 1, c->action, diag, NULL);
	sh_feed_unref(f);	/* the set holds its own reference */
	if(!set) {
		failure("generation %" PRIu64 ": sh_set_build failed", gen);
		sh_config_free(c);
		return NULL;
	}
	return sh_snapshot_new(c, set, gen);
}

/**
 * Check that a name matches (or not) in a snapshot as its generation
 * says.
 * @param r: the reader.
 * @param s: the snapshot.
 * @param name: the wire name.
 * @param want: 1 if it must match.
 * @param text: the name, for messages.
 */
static void
check_name(struct reader* r, const struct sh_snapshot* s,
	const uint8_t* name, int want, const char* text)
{
	struct sh_match m;
	char version[32];
	const char* want_id = (s->generation & 1) ? "storm-a" : "storm-b";
	int got = sh_set_match(s->set, name, &m);

	if(got != want) {
		failure("reader %d, generation %" PRIu64 ": %s: expected %s, "
			"got %s", r->no, s->generation, text,
			want ? "a match" : "no match", got ? "a match" : "none");
		return;
	}
	if(!got)
		return;
	snprintf(version, sizeof(version), "gen-%" PRIu64, s->generation);
	if(!m.feed || !m.feed->id || strcmp(m.feed->id, want_id) != 0)
		failure("reader %d, generation %" PRIu64 ": %s: expected feed "
			"%s, got %s", r->no, s->generation, text, want_id,
			m.feed && m.feed->id ? m.feed->id : "(none)");
	else if(!m.feed->version || strcmp(m.feed->version, version) != 0)
		failure("reader %d, generation %" PRIu64 ": %s: expected feed "
			"version %s, got %s (a feed of another snapshot)",
			r->no, s->generation, text, version,
			m.feed->version ? m.feed->version : "(none)");
	if(m.action != gen_action(s->generation))
		failure("reader %d, generation %" PRIu64 ": %s: expected "
			"action %s, got %s (set and config do not belong "
			"together)", r->no, s->generation, text,
			sh_action_name(gen_action(s->generation)),
			sh_action_name(m.action));
}

/**
 * One reader thread: read snapshots until the writer is done.
 * @param arg: its struct reader.
 * @return NULL.
 */
static void*
reader_main(void* arg)
{
	struct reader* r = (struct reader*)arg;
	unsigned long i = 0;
	char text[64];

	while(!__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE)) {
		struct sh_snapshot* s;
		int k = (int)(i % NAMES), odd;
		uint32_t ttl;

		sh_snapshot_read_lock();
		s = sh_snapshot_get(&slot);
		if(!s) {
			sh_snapshot_read_unlock();
			failure("reader %d: no snapshot published", r->no);
			break;
		}
		if(s->generation < r->last_gen)
			failure("reader %d: generation went back from %" PRIu64
				" to %" PRIu64, r->no, r->last_gen,
				s->generation);
		if(s->generation != r->last_gen)
			r->generations++;
		r->last_gen = s->generation;
		odd = (int)(s->generation & 1);
		ttl = s->cfg->ttl;
		if(ttl != s->generation % TTL_MOD)
			failure("reader %d, generation %" PRIu64 ": cfg->ttl "
				"expected %" PRIu64 ", got %u", r->no,
				s->generation, s->generation % TTL_MOD,
				(unsigned)ttl);
		if(s->cfg->action != gen_action(s->generation))
			failure("reader %d, generation %" PRIu64 ": cfg->action "
				"expected %s, got %s", r->no, s->generation,
				sh_action_name(gen_action(s->generation)),
				sh_action_name(s->cfg->action));
		if(sh_set_count(s->set) != NAMES + 1)
			failure("reader %d, generation %" PRIu64 ": set has %zu "
				"entries, expected %d", r->no, s->generation,
				sh_set_count(s->set), NAMES + 1);
		snprintf(text, sizeof(text), "a%d.storm.test", k);
		check_name(r, s, name_a[k], odd, text);
		snprintf(text, sizeof(text), "b%d.storm.test", k);
		check_name(r, s, name_b[k], !odd, text);
		check_name(r, s, name_common, 1, "common.storm.test");
		check_name(r, s, name_none, 0, "none.storm.test");
		sh_snapshot_read_unlock();
		r->sections++;
		i++;
		/* Give the writer the CPU now and then (2-core machines):
		 * a reader preempted inside its critical section only makes
		 * the grace period longer, never wrong. */
		if((i & 63) == 0)
			sched_yield();
	}
	return NULL;
}

/**
 * Parse a presentation name into wire form, or exit.
 * @param text: the name.
 * @param out: destination.
 */
static void
wire(const char* text, uint8_t* out)
{
	if(!sh_name_from_text(text, out, NULL)) {
		fprintf(stderr, "cannot parse %s\n", text);
		exit(2);
	}
}

/**
 * Run the storm.
 * @param argc: argument count.
 * @param argv: [PUBLISHES [READERS]].
 * @return 0 when every check held.
 */
int
main(int argc, char** argv)
{
	struct reader rd[MAX_READERS];
	unsigned long publishes = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
	int readers = argc > 2 ? atoi(argv[2]) : 8;
	struct timespec t0, t1;
	struct sh_snapshot* s;
	uint64_t gen;
	char text[64];
	int i, err;

	if(publishes < 1 || readers < 1 || readers > MAX_READERS) {
		fprintf(stderr, "usage: reload_storm [PUBLISHES [READERS<=%d]]\n",
			MAX_READERS);
		return 2;
	}
	for(i = 0; i < NAMES; i++) {
		snprintf(text, sizeof(text), "a%d.storm.test", i);
		wire(text, name_a[i]);
		snprintf(text, sizeof(text), "b%d.storm.test", i);
		wire(text, name_b[i]);
	}
	wire("x.common.storm.test", name_common);	/* a subdomain */
	wire("none.storm.test", name_none);

	/* Generation 1 is published before any reader starts. */
	if(!(s = build(1)))
		return 2;
	sh_snapshot_publish(&slot, s);
	memset(rd, 0, sizeof(rd));
	for(i = 0; i < readers; i++) {
		rd[i].no = i;
		if((err = pthread_create(&rd[i].tid, NULL, reader_main,
			&rd[i])) != 0) {
			fprintf(stderr, "pthread_create: %s\n", strerror(err));
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for(gen = 2; gen <= publishes + 1; gen++) {
		if(!(s = build(gen)))
			break;
		sh_snapshot_publish(&slot, s);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELEASE);
	for(i = 0; i < readers; i++)
		pthread_join(rd[i].tid, NULL);
	/* Unpublish: frees the last snapshot; nothing may be left. */
	sh_snapshot_publish(&slot, NULL);
	if(slot != NULL)
		failure("slot not empty after publishing NULL");

	printf("# %lu publishes in %.2f s (%.0f per second), %d readers\n",
		(unsigned long)(gen - 2),
		(double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		(double)(gen - 2) / ((double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9 + 1e-9), readers);
	for(i = 0; i < readers; i++) {
		printf("# reader %d: %lu read sections, %lu generations seen, "
			"last %" PRIu64 "\n", i, rd[i].sections,
			rd[i].generations, rd[i].last_gen);
		/* A storm in which a reader saw one or two snapshots proves
		 * nothing about concurrent publication. */
		if(rd[i].generations < 3)
			failure("reader %d saw only %lu generations: readers and "
				"writer did not overlap", i, rd[i].generations);
	}
	if(gen - 2 != publishes)
		failure("expected %lu publishes, did %lu", publishes,
			(unsigned long)(gen - 2));
	if(failures) {
		printf("reload_storm: %lu checks failed\n", failures);
		return 1;
	}
	printf("reload_storm: ok\n");
	return 0;
}
