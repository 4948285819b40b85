/*
 * ecs_lines.c - print one log line of every event kind, for ecs.test.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Writes, through the core's own formatters, every kind of line the
 * module logs: alerts (a client's question over UDP and IPv4, a CNAME
 * chain over TCP and IPv6, a sub-query of the resolver itself, a name
 * under a multi-label public suffix, a name with bytes that need
 * escaping), a guard note, reload, reload_failed, indicator_expired,
 * stats, and the log writer's events_dropped (a real overflow of a real
 * sh_log queue).  ecs.test checks them with ecs_check.py.
 * Usage: ecs_lines SCRATCH_DIR (the events_dropped log goes there).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "sinkhole.h"
#include "../unit/ind_at.h"

/** A feed with a reference, an indicator with a confidence. */
static const char feed_yaml[] =
"feed:\n"
"  id: ecs-test\n"
"  references: [https://example.org/advisory]\n"
"  defaults: {confidence: medium}\n"
"indicators:\n"
"  - {domain: cdn.evil.co.uk, confidence: 90}\n"
"  - evil.test\n"
"  - {domain: old.test, expires: 2001-01-01}\n";

/** Print a line and check it was formatted. */
static void
put(const char* what, const char* line, size_t len)
{
	if(len == 0) {
		fprintf(stderr, "ecs_lines: %s: line not formatted\n", what);
		exit(1);
	}
	fwrite(line, 1, len, stdout);
}

/**
 * Print one query event.
 * @param feed: the feed.
 * @param qname: presentation query name.
 * @param ind_i: index of the matched indicator.
 * @param sa: client address, or NULL for an internal query.
 * @param tr: transport.
 * @param reason: event.reason.
 * @param note: 1 for a note.
 */
static void
query_line(const struct sh_feed* feed, const char* qname, size_t ind_i,
	const struct sockaddr* sa, socklen_t salen, enum sh_transport tr,
	const char* reason, int note)
{
	static char buf[SH_EVENT_LINE_MAX];
	uint8_t q[SH_NAME_MAX], c1[SH_NAME_MAX];
	const uint8_t* chain[2];
	struct sh_event ev;
	memset(&ev, 0, sizeof(ev));
	clock_gettime(CLOCK_REALTIME, &ev.time);
	if(!sh_name_from_text(qname, q, NULL))
		exit(1);
	ev.client = sa;
	ev.client_len = salen;
	ev.transport = tr;
	ev.qname = q;
	ev.qtype = SH_TYPE_AAAA;
	ev.qclass = SH_CLASS_IN;
	ev.qid = 4660;
	ev.action = SH_ACTION_SINKHOLE;
	ev.rcode = sa ? SH_RCODE_NOERROR : SH_RCODE_NXDOMAIN;
	ev.reason = reason;
	ev.indicator = ind_at(feed, ind_i)->name;
	sh_event_set_rule(&ev, feed, ind_at(feed, ind_i));
	ev.note = note;
	if(strcmp(reason, "cname") == 0) {
		if(!sh_name_from_text("alias.benign.test", c1, NULL))
			exit(1);
		chain[0] = c1;
		chain[1] = q;
		ev.chain = chain;
		ev.chain_len = 2;
	}
	put(reason, buf, sh_event_format(&ev, "resolver-ecs", buf,
		sizeof(buf)));
}

/** Print the query events. @param feed: the feed. */
static void
query_lines(const struct sh_feed* feed)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_port = htons(53124);
	inet_pton(AF_INET, "10.1.2.3", &s4.sin_addr);
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(40000);
	inet_pton(AF_INET6, "2001:db8::5", &s6.sin6_addr);
	query_line(feed, "www.cdn.evil.co.uk", 0, (struct sockaddr*)&s4,
		sizeof(s4), SH_TRANSPORT_UDP, "query", 0);
	query_line(feed, "Beacon.Evil.TEST", 1, (struct sockaddr*)&s6,
		sizeof(s6), SH_TRANSPORT_TCP, "cname", 0);
	query_line(feed, "ns1.evil.test", 1, NULL, 0,
		SH_TRANSPORT_INTERNAL, "subquery", 0);
	query_line(feed, "a\\.b.x\\000y.evil.test", 1, (struct sockaddr*)&s4,
		sizeof(s4), SH_TRANSPORT_TLS, "query", 0);
	query_line(feed, "evil.test", 1, (struct sockaddr*)&s6, sizeof(s6),
		SH_TRANSPORT_HTTPS, "egress", 1);
}

/** Print reload, reload_failed, indicator_expired and stats. */
static void
status_lines(const struct sh_feed* feed)
{
	static char buf[65536];
	struct sh_store_file f[2];
	struct sh_stats st;
	memset(&st, 0, sizeof(st));
	st.hits = 7;
	st.generation = 2;
	st.indicators = feed->num_ind;
	st.started = st.published = time(NULL);
	memset(f, 0, sizeof(f));
	f[0].name = "ecs.yaml";
	f[0].state = SH_FEED_LOADED;
	f[0].feed = feed;
	f[1].name = "broken.yaml";
	f[1].state = SH_FEED_FAILED;
	f[1].error = "/feeds/broken.yaml:3:5: error: bad name";
	put("reload", buf, sh_status_event(buf, sizeof(buf), "resolver-ecs",
		"reload", &st, f, 2, NULL, NULL));
	put("reload_failed", buf, sh_status_event(buf, sizeof(buf),
		"resolver-ecs", "reload_failed", NULL, NULL, 0, f[1].error,
		"/feeds/broken.yaml"));
	put("indicator_expired", buf, sh_status_event(buf, sizeof(buf),
		"resolver-ecs", "indicator_expired", NULL, NULL, 0,
		"/feeds/ecs.yaml:8:5: note: 'old.test' expired; skipped",
		"/feeds/ecs.yaml"));
	put("stats", buf, sh_status_event(buf, sizeof(buf), "resolver-ecs",
		"stats", &st, NULL, 0, NULL, NULL));
}

/**
 * Overflow a real log queue and print the writer's events_dropped line.
 * @param dir: scratch directory.
 */
static void
dropped_line(const char* dir)
{
	char path[4096], line[1200], buf[8192];
	struct sh_log* log;
	FILE* f;
	int i, found = 0;
	snprintf(path, sizeof(path), "%s/dropped.json", dir);
	if(!(log = sh_log_open(path, 4096, "resolver-ecs", NULL, NULL)))
		exit(1);
	memset(line, 'x', sizeof(line));
	memcpy(line, "{\"filler\":\"", 11);
	memcpy(line + sizeof(line) - 3, "\"}\n", 3);
	for(i = 0; i < 1000; i++)
		(void)sh_log_submit(log, line, sizeof(line));
	sh_log_close(log);
	if(!(f = fopen(path, "r")))
		exit(1);
	while(fgets(buf, sizeof(buf), f))
		if(strstr(buf, "\"events_dropped\"")) {
			fputs(buf, stdout);
			found = 1;
		}
	fclose(f);
	if(!found) {
		fprintf(stderr, "ecs_lines: no events_dropped line in %s\n",
			path);
		exit(1);
	}
}

int
main(int argc, char** argv)
{
	struct sh_feed* feed;
	if(argc != 2) {
		fprintf(stderr, "usage: ecs_lines SCRATCH_DIR\n");
		return 2;
	}
	feed = sh_feed_parse("ecs.yaml", feed_yaml, sizeof(feed_yaml) - 1,
		NULL, time(NULL), NULL, NULL);
	if(!feed)
		return 1;
	sh_psl_load();
	query_lines(feed);
	status_lines(feed);
	dropped_line(argv[1]);
	sh_psl_unload();
	sh_feed_unref(feed);
	return fflush(stdout) == 0 ? 0 : 1;
}
