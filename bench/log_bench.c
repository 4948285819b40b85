/*
 * log_bench.c - capacity of the client event log writer (lib/log.c).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Measures what the event log sustains, the way the module uses it:
 * resolver threads (here 2) hand whole lines to sh_log_submit, one
 * writer thread writes them to a file.  The lines are real event lines
 * made by sh_event_format (lib/event.c) for a feed with a reference URL,
 * an IPv4 client and a sinkholed name, about 900 bytes each.
 *
 *  1. format: ns per sh_event_format call (one thread).
 *  2. max: both threads submit as fast as they can for SECONDS with the
 *     default queue (4 MiB); the lines written per second is the
 *     writer's capacity when it is saturated.
 *  3. sustained: both threads paced (1 ms ticks) at rising multiples
 *     of that rate (0.5x, 0.6x ... 8x: submitters that hammer the queue's
 *     mutex slow the writer down, so the saturated rate is a floor)
 *     with the default queue; the highest rate with no drop is the
 *     sustained rate.
 *  4. overload: paced at twice the sustained rate with a 64 KiB queue;
 *     the drop counter and the events_dropped lines show the overload,
 *     and the slowest sh_log_submit call shows it never waited for the
 *     disk.
 * Each run writes a fresh file in DIR and removes it afterwards.
 *
 * Output: one JSON object on stdout.  Usage:
 *   log_bench DIR [SECONDS]
 */
#include "sinkhole.h"
#include "../tests/unit/ind_at.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/** submitting threads, as many as the benchmark's Unbound threads */
#define THREADS 2
/** distinct lines each thread cycles through */
#define LINES 256
/** the default queue of log.queue_bytes */
#define QUEUE_DEFAULT ((size_t)4 * 1024 * 1024)
/** the small queue of the overload run */
#define QUEUE_SMALL ((size_t)64 * 1024)

/** A feed of two indicators, as an operator would write it. */
static const char feed_yaml[] =
	"feed:\n"
	"  id: 3cx-supply-chain-2023\n"
	"  references:\n"
	"    - https://www.crowdstrike.com/blog/crowdstrike-detects-and-"
	"prevents-active-intrusion-campaign-targeting-3cxdesktopapp-"
	"customers/\n"
	"  defaults: {action: sinkhole, confidence: high}\n"
	"indicators:\n"
	"  - akamaicontainer.com\n"
	"  - msstorageboxes.com\n";

/** One submitting thread's work. */
struct worker {
	/** the log */
	struct sh_log* log;
	/** lines to submit, LINES of them */
	char** line;
	/** their lengths */
	size_t* len;
	/** lines per second for this thread, 0 for as fast as possible */
	double rate;
	/** seconds to run */
	double seconds;
	/** lines submitted (accepted or dropped) */
	uint64_t offered;
	/** lines sh_log_submit refused */
	uint64_t refused;
	/** slowest sh_log_submit call, ns */
	double max_submit_ns;
};

/** Result of one run. */
struct run {
	/** lines offered, both threads */
	uint64_t offered;
	/** lines offered per second, both threads */
	double offered_rate;
	/** lines written per second (until the queue was flushed) */
	double written_rate;
	/** the log's counters after close */
	struct sh_log_stats st;
	/** events_dropped lines found in the file */
	uint64_t drop_lines;
	/** slowest submit, ns */
	double max_submit_ns;
	/** seconds from start until every line was written */
	double elapsed;
};

/**
 * Seconds of the monotonic clock.
 * @return the time.
 */
static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/**
 * Exit with a message.
 * @param what: the message.
 */
static void
die(const char* what)
{
	fprintf(stderr, "log_bench: %s\n", what);
	exit(1);
}

/**
 * Submit lines: as fast as possible, or paced in 1 ms ticks.
 * @param arg: a struct worker.
 * @return NULL.
 */
static void*
worker_main(void* arg)
{
	struct worker* w = (struct worker*)arg;
	double start = now_s(), end = start + w->seconds, t;
	size_t k = 0;
	while((t = now_s()) < end) {
		uint64_t due = w->rate > 0 ? (uint64_t)((t - start) * w->rate)
			: w->offered + 64;
		while(w->offered < due) {
			double t0 = now_s(), dt;
			if(!sh_log_submit(w->log, w->line[k], w->len[k]))
				w->refused++;
			dt = (now_s() - t0) * 1e9;
			if(dt > w->max_submit_ns)
				w->max_submit_ns = dt;
			w->offered++;
			if(++k == LINES)
				k = 0;
		}
		if(w->rate > 0) {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

/**
 * Count the writer's events_dropped lines in a file.
 * @param path: the log file.
 * @return number of lines.
 */
static uint64_t
count_drop_lines(const char* path)
{
	char buf[4096];
	uint64_t n = 0;
	FILE* f = fopen(path, "r");
	if(!f)
		return 0;
	while(fgets(buf, sizeof(buf), f))
		if(strstr(buf, "\"action\":\"events_dropped\""))
			n++;
	fclose(f);
	return n;
}

/**
 * One run: open a log, run the threads, close (flushes), count.
 * @param dir: directory for the file.
 * @param lines: per thread, the lines.
 * @param lens: per thread, their lengths.
 * @param queue: queue bytes.
 * @param rate: total lines per second, 0 for as fast as possible.
 * @param seconds: duration.
 * @param r: filled in.
 */
static void
one_run(const char* dir, char** lines[THREADS], size_t* lens[THREADS],
	size_t queue, double rate, double seconds, struct run* r)
{
	char path[1024];
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct sh_log* log;
	double t0;
	uint64_t offered = 0;
	int i;
	snprintf(path, sizeof(path), "%s/log_bench.%d.json", dir,
		(int)getpid());
	unlink(path);
	if(!(log = sh_log_open(path, queue, "bench", NULL, NULL)))
		die("cannot open the log file");
	memset(r, 0, sizeof(*r));
	t0 = now_s();
	for(i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].log = log;
		w[i].line = lines[i];
		w[i].len = lens[i];
		w[i].rate = rate / THREADS;
		w[i].seconds = seconds;
		if(pthread_create(&th[i], NULL, worker_main, &w[i]) != 0)
			die("cannot start a thread");
	}
	for(i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		offered += w[i].offered;
		if(w[i].max_submit_ns > r->max_submit_ns)
			r->max_submit_ns = w[i].max_submit_ns;
	}
	sh_log_get_stats(log, &r->st);
	sh_log_close(log);
	r->elapsed = now_s() - t0;
	/* counters after the flush */
	r->offered = offered;
	r->offered_rate = (double)offered / seconds;
	r->drop_lines = count_drop_lines(path);
	unlink(path);
	/* st was read before close; written is what the file holds, less
	 * what was still queued: recount from offered minus dropped */
	r->st.written = offered - r->st.dropped;
	r->written_rate = (double)r->st.written / r->elapsed;
}

/**
 * Print one run as a JSON object member.
 * @param name: member name.
 * @param queue: queue bytes.
 * @param rate: asked rate, 0 for as fast as possible.
 * @param r: the run.
 * @param last: 1 for no trailing comma.
 */
static void
print_run(const char* name, size_t queue, double rate, const struct run* r,
	int last)
{
	printf("  \"%s\": {\"queue_bytes\": %zu, \"target_rate\": %.0f, "
		"\"offered\": %llu, "
		"\"offered_rate\": %.0f, \"written_rate\": %.0f, "
		"\"dropped\": %llu, \"drop_fraction\": %.4f, "
		"\"events_dropped_lines\": %llu, \"max_submit_us\": %.1f, "
		"\"elapsed_s\": %.3f}%s\n", name, queue, rate,
		(unsigned long long)r->offered, r->offered_rate,
		r->written_rate, (unsigned long long)r->st.dropped,
		r->offered ? (double)r->st.dropped / (double)r->offered : 0.0,
		(unsigned long long)r->drop_lines, r->max_submit_ns / 1000.0,
		r->elapsed, last ? "" : ",");
}

/**
 * Make the lines of every thread with sh_event_format, and time it.
 * @param lines: per thread, filled with LINES lines.
 * @param lens: per thread, their lengths.
 * @param avg_len: set to the mean line length.
 * @return ns per sh_event_format call.
 */
static double
make_lines(char** lines[THREADS], size_t* lens[THREADS], double* avg_len)
{
	struct sh_feed* feed = sh_feed_parse("bench.yaml", feed_yaml,
		sizeof(feed_yaml) - 1, NULL, time(NULL), NULL, NULL);
	struct sockaddr_in sa;
	struct sh_event ev;
	char buf[SH_EVENT_LINE_MAX], text[64];
	uint8_t qname[SH_NAME_MAX];
	double t0, total = 0;
	size_t n = 0;
	int t, i, rounds = 20000;
	if(!feed)
		die("cannot parse the built-in feed");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	memset(&ev, 0, sizeof(ev));
	ev.client = (const struct sockaddr*)&sa;
	ev.client_len = sizeof(sa);
	ev.transport = SH_TRANSPORT_UDP;
	ev.qtype = SH_TYPE_A;
	ev.qclass = SH_CLASS_IN;
	ev.action = SH_ACTION_SINKHOLE;
	ev.rcode = SH_RCODE_NOERROR;
	ev.reason = "query";
	sh_event_set_rule(&ev, feed, ind_at(feed, 0));
	ev.indicator = ind_at(feed, 0)->name;
	for(t = 0; t < THREADS; t++) {
		lines[t] = calloc(LINES, sizeof(char*));
		lens[t] = calloc(LINES, sizeof(size_t));
		if(!lines[t] || !lens[t])
			die("out of memory");
		for(i = 0; i < LINES; i++) {
			size_t len;
			snprintf(text, sizeof(text), "host%d-%d.akamaicontainer.com",
				t, i);
			if(!sh_name_from_text(text, qname, NULL))
				die("bad name");
			ev.qname = qname;
			ev.qid = (uint16_t)(i * 7919);
			sa.sin_addr.s_addr = htonl(0x0a000000u | (uint32_t)(i +
				t * 4096));
			sa.sin_port = htons((uint16_t)(1024 + i));
			clock_gettime(CLOCK_REALTIME, &ev.time);
			if(!(len = sh_event_format(&ev, "resolver-01", buf,
				sizeof(buf))))
				die("cannot format an event");
			lines[t][i] = malloc(len);
			if(!lines[t][i])
				die("out of memory");
			memcpy(lines[t][i], buf, len);
			lens[t][i] = len;
			total += (double)len;
			n++;
		}
	}
	*avg_len = total / (double)n;
	t0 = now_s();
	for(i = 0; i < rounds; i++) {
		ev.qid = (uint16_t)i;
		if(!sh_event_format(&ev, "resolver-01", buf, sizeof(buf)))
			die("cannot format an event");
	}
	t0 = (now_s() - t0) * 1e9 / rounds;
	sh_feed_unref(feed);
	return t0;
}

/**
 * Run every phase.
 * @param argc: argument count.
 * @param argv: DIR [SECONDS].
 * @return 0 on success.
 */
int
main(int argc, char** argv)
{
	char** lines[THREADS];
	size_t* lens[THREADS];
	static const double steps[] = { 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2,
		1.4, 1.7, 2.0, 2.5, 3.0, 4.0, 6.0, 8.0 };
	double seconds, format_ns, avg_len, cap, sustained = 0;
	struct run max, r, sus, over;
	size_t i, nsteps = sizeof(steps) / sizeof(steps[0]);
	if(argc < 2)
		die("usage: log_bench DIR [SECONDS]");
	seconds = argc > 2 ? atof(argv[2]) : 3.0;
	if(seconds <= 0)
		seconds = 1.0;
	format_ns = make_lines(lines, lens, &avg_len);
	printf("{\n  \"threads\": %d,\n  \"seconds\": %.1f,\n"
		"  \"line_bytes\": %.0f,\n  \"format_ns\": %.0f,\n",
		THREADS, seconds, avg_len, format_ns);
	one_run(argv[1], lines, lens, QUEUE_DEFAULT, 0, seconds, &max);
	print_run("max", QUEUE_DEFAULT, 0, &max, 0);
	/* the writer's rate while saturated, or what was offered when
	 * the submitters could not saturate it: the base of the steps */
	cap = max.st.dropped ? max.written_rate : max.offered_rate;
	memset(&sus, 0, sizeof(sus));
	printf("  \"steps\": [\n");
	for(i = 0; i < nsteps; i++) {
		int ok;
		one_run(argv[1], lines, lens, QUEUE_DEFAULT, cap * steps[i],
			seconds, &r);
		/* a step holds when nothing dropped and the threads really
		 * offered (nearly) the rate asked */
		ok = r.st.dropped == 0 && r.offered_rate >= 0.97 * cap *
			steps[i];
		printf("  {\"multiple\": %.2f, \"target_rate\": %.0f, "
			"\"offered_rate\": %.0f, \"dropped\": %llu}%s\n",
			steps[i], cap * steps[i], r.offered_rate,
			(unsigned long long)r.st.dropped,
			ok && i + 1 < nsteps ? "," : "");
		if(!ok)
			break;
		sustained = r.offered_rate;
		sus = r;
	}
	printf("  ],\n");
	print_run("sustained", QUEUE_DEFAULT, sustained, &sus, 0);
	one_run(argv[1], lines, lens, QUEUE_SMALL, (sustained > 0 ? sustained
		: cap) * 2, seconds, &over);
	print_run("overload", QUEUE_SMALL, (sustained > 0 ? sustained : cap)
		* 2, &over, 0);
	printf("  \"saturated_rate\": %.0f,\n  \"sustained_rate\": %.0f,\n"
		"  \"submitters_saturated\": %s\n}\n", cap, sustained,
		max.st.dropped ? "true" : "false");
	return 0;
}
