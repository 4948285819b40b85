/*
 * test_report.c - unit tests of `sinkholectl report`.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Tests of the report's pieces: the strict JSON line parser (a valid
 * line, every kind of corruption, escapes), RFC 3339 and --since/--until
 * times, CIDR and name matching, the reader (plain, gzip, truncated
 * gzip, long lines), the names files, escaping, and the classifier:
 * one-off bursts, exact beacons at 60 s, 300 s and 3600 s, jittered
 * beacons, random clients, mixed clients and their ranking, clock-skewed
 * and out-of-order lines, and the burst cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include "report.h"

/** The README's example line. */
static const char good_line[] =
"{\"@timestamp\":\"2026-11-29T08:44:16.123Z\",\"ecs\":{\"version\":\"8.11.0\"},"
"\"event\":{\"kind\":\"alert\",\"category\":[\"network\",\"intrusion_detection\"],"
"\"type\":[\"denied\"],\"action\":\"sinkhole\",\"reason\":\"query\",\"dataset\":"
"\"unbound_sinkhole.query\",\"module\":\"unbound_sinkhole\",\"outcome\":\"success\"},"
"\"client\":{\"ip\":\"10.1.2.3\",\"port\":53124},\"source\":{\"ip\":\"10.1.2.3\","
"\"port\":53124},\"network\":{\"transport\":\"udp\",\"protocol\":\"dns\",\"type\":"
"\"ipv4\"},\"dns\":{\"id\":4660,\"type\":\"query\",\"question\":{\"name\":"
"\"www.akamaicontainer.com\",\"type\":\"A\",\"class\":\"IN\",\"registered_domain\":"
"\"akamaicontainer.com\"},\"response_code\":\"NOERROR\"},\"rule\":{\"name\":"
"\"akamaicontainer.com\",\"ruleset\":\"3cx-supply-chain-2023\",\"reference\":"
"\"https://www.crowdstrike.com/blog/\"},\"threat\":{\"indicator\":{\"type\":"
"\"domain-name\",\"name\":\"akamaicontainer.com\",\"confidence\":\"High\"}},"
"\"observer\":{\"name\":\"resolver-01\",\"type\":\"dns\",\"product\":"
"\"unbound-sinkhole\",\"vendor\":\"unbound-sinkhole\"},\"unbound_sinkhole\":"
"{\"origin\":\"client\",\"action\":\"sinkhole\",\"transport\":\"tls\"}}";

/** 2026-11-29T08:44:16.123Z in ms. */
#define GOOD_MS 1795941856123LL

/**
 * Parse a copy of a line.
 * @param s: the line.
 * @param buf: scratch for the copy (it is decoded in place).
 * @param len: size of buf.
 * @param ev: the result.
 * @return the kind.
 */
static enum sh_report_kind
parse(const char* s, char* buf, size_t len, struct sh_report_event* ev)
{
	size_t n = strlen(s);
	assert_true(n < len);
	memcpy(buf, s, n + 1);
	return sh_report_parse_line(buf, n, ev);
}

/** Kind of a line given as a string literal (scratch is internal). */
static enum sh_report_kind
kind_of(const char* s)
{
	static char buf[8192];
	struct sh_report_event ev;
	return parse(s, buf, sizeof(buf), &ev);
}

static void
test_parse_valid(void** state)
{
	char buf[4096];
	struct sh_report_event ev;
	(void)state;
	assert_int_equal(parse(good_line, buf, sizeof(buf), &ev),
		SH_REPORT_LINE_EVENT);
	assert_true(ev.ts_ms == GOOD_MS);
	assert_string_equal(ev.client, "10.1.2.3");
	assert_string_equal(ev.rule, "akamaicontainer.com");
	assert_string_equal(ev.ruleset, "3cx-supply-chain-2023");
	assert_string_equal(ev.qname, "www.akamaicontainer.com");
	assert_string_equal(ev.qtype, "A");
	assert_string_equal(ev.reason, "query");
	assert_string_equal(ev.kind, "alert");
	assert_string_equal(ev.origin, "client");
	assert_string_equal(ev.transport, "tls");
	assert_string_equal(ev.net_transport, "udp");
	/* white space around everything, CRLF, and any key order */
	assert_int_equal(kind_of(" { \"rule\" : { \"ruleset\" : \"f\" , "
		"\"name\" : \"x.test\" } , \"client\":{\"ip\":\"::1\"},\"event\""
		":{\"kind\":\"alert\"}, \"@timestamp\":\"2026-01-01T00:00:00Z\""
		" }\r"), SH_REPORT_LINE_EVENT);
}

static void
test_parse_defaults(void** state)
{
	char buf[1024];
	struct sh_report_event ev;
	(void)state;
	/* internal origin: no client object needed */
	assert_int_equal(parse("{\"@timestamp\":\"2026-01-01T00:00:00Z\","
		"\"event\":{\"kind\":\"alert\"},\"rule\":{\"name\":\"a.test\","
		"\"ruleset\":\"f\"},\"unbound_sinkhole\":{\"origin\":\"internal\","
		"\"transport\":\"internal\"}}", buf, sizeof(buf), &ev),
		SH_REPORT_LINE_EVENT);
	assert_string_equal(ev.client, SH_REPORT_INTERNAL);
	assert_string_equal(ev.transport, "internal");
	assert_string_equal(ev.qtype, "?");
	/* transport falls back to network.transport */
	assert_int_equal(parse("{\"@timestamp\":\"2026-01-01T00:00:00Z\","
		"\"event\":{\"kind\":\"alert\"},\"rule\":{\"name\":\"a.test\","
		"\"ruleset\":\"f\"},\"client\":{\"ip\":\"10.0.0.1\"},\"network\":"
		"{\"transport\":\"tcp\"}}", buf, sizeof(buf), &ev),
		SH_REPORT_LINE_EVENT);
	assert_string_equal(ev.transport, "tcp");
}

/** A line of the module's own, as lib/status.c writes it: the head
 * with event.kind and dataset, and the tail with the observer. */
#define OPS_LINE(kind, action, dataset) \
	"{\"@timestamp\":\"2026-01-01T00:00:00.000Z\",\"ecs\":{\"version\":" \
	"\"8.11.0\"},\"event\":{\"kind\":\"" kind "\",\"category\":" \
	"[\"configuration\"],\"type\":[\"change\"],\"action\":\"" action \
	"\",\"outcome\":\"success\",\"dataset\":\"" dataset "\"," \
	"\"module\":\"unbound_sinkhole\"},\"file\":{\"path\":\"a.yaml\"}," \
	"\"observer\":{\"name\":\"r1\",\"type\":\"dns\",\"product\":" \
	"\"unbound-sinkhole\",\"vendor\":\"unbound-sinkhole\"}," \
	"\"unbound_sinkhole\":{}}"

/** Reload and expiry lines are the module's own, not guard notes. */
static void
test_parse_module_lines(void** state)
{
	(void)state;
	assert_int_equal(kind_of(OPS_LINE("event", "reload",
		"unbound_sinkhole.reload")), SH_REPORT_LINE_OPS);
	assert_int_equal(kind_of(OPS_LINE("event", "reload_failed",
		"unbound_sinkhole.reload")), SH_REPORT_LINE_OPS);
	assert_int_equal(kind_of(OPS_LINE("event", "indicator_expired",
		"unbound_sinkhole.reload")), SH_REPORT_LINE_OPS);
	assert_int_equal(kind_of(OPS_LINE("metric", "stats",
		"unbound_sinkhole.stats")), SH_REPORT_LINE_METRIC);
	/* a guard note is an event of the query dataset */
	assert_int_equal(kind_of(OPS_LINE("event", "sinkhole",
		"unbound_sinkhole.query")), SH_REPORT_LINE_NOTE);
}

static void
test_parse_kinds(void** state)
{
	(void)state;
	assert_int_equal(kind_of("{\"@timestamp\":\"2026-01-01T00:00:00.000Z\","
		"\"ecs\":{\"version\":\"8.11.0\"},\"event\":{\"kind\":\"metric\","
		"\"action\":\"events_dropped\"},\"unbound_sinkhole\":{\"dropped\":"
		"3,\"dropped_total\":3}}"), SH_REPORT_LINE_METRIC);
	assert_int_equal(kind_of("{\"event\":{\"kind\":\"event\"}}"),
		SH_REPORT_LINE_NOTE);
	assert_int_equal(kind_of("{\"event\":{\"kind\":\"signal\"}}"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_of("{\"event\":{}}"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_of("{}"), SH_REPORT_LINE_BAD);
}

/** Every prefix of a valid line is malformed, and none crashes. */
static void
test_parse_truncated(void** state)
{
	char* buf = malloc(sizeof(good_line));
	struct sh_report_event ev;
	size_t n, len = strlen(good_line);
	(void)state;
	assert_non_null(buf);
	for(n = 0; n < len; n++) {
		memcpy(buf, good_line, n);
		assert_int_equal(sh_report_parse_line(buf, n, &ev),
			SH_REPORT_LINE_BAD);
	}
	free(buf);
}

/** Replace the first occurrence of from in the good line by to. */
static enum sh_report_kind
kind_with(const char* from, const char* to)
{
	char line[8192];
	const char* p = strstr(good_line, from);
	size_t off;
	assert_non_null(p);
	off = (size_t)(p - good_line);
	snprintf(line, sizeof(line), "%.*s%s%s", (int)off, good_line, to,
		p + strlen(from));
	return kind_of(line);
}

static void
test_parse_corrupt(void** state)
{
	(void)state;
	assert_int_equal(kind_of(""), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_of("not json"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_of("[1,2]"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_of("\"x\""), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("}}", "}} x"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("}}", "}}}"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("}}", "}},"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("}}", "}}{}"), SH_REPORT_LINE_BAD);
	/* separators, trailing commas */
	assert_int_equal(kind_with("\"port\":53124}", "\"port\":53124,}"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("[\"denied\"]", "[\"denied\",]"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("\"ecs\":", "\"ecs\" "), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("\"id\":4660,", "\"id\":4660 "),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_of("{'a':1}"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_of("{\"a\":1"), SH_REPORT_LINE_BAD);
	/* numbers and literals */
	assert_int_equal(kind_with("4660", "04660"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("4660", "4660."), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("4660", "-"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("4660", "+4660"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("4660", "4660e"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("4660", "0x12"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("4660", "tru"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("4660", "nul"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("4660", "-0.5e+10"), SH_REPORT_LINE_EVENT);
	assert_int_equal(kind_with("4660", "true"), SH_REPORT_LINE_EVENT);
	assert_int_equal(kind_with("4660", "null"), SH_REPORT_LINE_EVENT);
	assert_int_equal(kind_with("4660", "{\"a\":[[],{}]}"),
		SH_REPORT_LINE_EVENT);
}

static void
test_parse_fields(void** state)
{
	(void)state;
	/* missing fields */
	assert_int_equal(kind_with("\"@timestamp\"", "\"@time\""),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("\"ip\":\"10.1.2.3\"", "\"ipx\":\"1\""),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("\"name\":\"akamaicontainer.com\","
		"\"confidence", "\"nam\":\"x\",\"confidence"),
		SH_REPORT_LINE_EVENT);
	assert_int_equal(kind_with("\"rule\":{\"name\"", "\"rule\":{\"nam\""),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("\"ruleset\"", "\"rulese\""),
		SH_REPORT_LINE_BAD);
	/* wrong types */
	assert_int_equal(kind_with("\"ip\":\"10.1.2.3\"", "\"ip\":10"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("\"client\":{\"ip\":\"10.1.2.3\","
		"\"port\":53124}", "\"client\":\"10.1.2.3\""), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("\"kind\":\"alert\"", "\"kind\":[]"),
		SH_REPORT_LINE_BAD);
	/* bad values */
	assert_int_equal(kind_with("10.1.2.3", "10.1.2.300"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("2026-11-29T08:44:16.123Z",
		"2026-11-29 08:44"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("\"name\":\"akamaicontainer.com\",\"rule",
		"\"name\":\"\",\"rule"), SH_REPORT_LINE_BAD);
	/* a wanted field twice */
	assert_int_equal(kind_with("\"port\":53124}", "\"port\":53124,"
		"\"ip\":\"10.9.9.9\"}"), SH_REPORT_LINE_BAD);
	/* nesting deeper than 32 */
	assert_int_equal(kind_with("4660", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("4660", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), SH_REPORT_LINE_EVENT);
}

static void
test_parse_escapes(void** state)
{
	char buf[8192], line[8192];
	struct sh_report_event ev;
	const char* p = strstr(good_line, "\"www.akamaicontainer.com\"");
	(void)state;
	/* the README's hostile name: a"b\c<NUL> logged as a\"b\\c\000 */
	snprintf(line, sizeof(line), "%.*s\"a\\\\\\\"b\\\\\\\\c\\\\000."
		"\\u0041\\u00e9\\ud83d\\ude00\\/\\t\"%s", (int)(p - good_line),
		good_line, p + strlen("\"www.akamaicontainer.com\""));
	assert_int_equal(parse(line, buf, sizeof(buf), &ev),
		SH_REPORT_LINE_EVENT);
	assert_string_equal(ev.qname,
		"a\\\"b\\\\c\\000.A\xc3\xa9\xf0\x9f\x98\x80/\t");
	/* escaped keys are keys */
	assert_int_equal(kind_with("\"@timestamp\"", "\"\\u0040timestamp\""),
		SH_REPORT_LINE_EVENT);
	/* bad escapes */
	assert_int_equal(kind_with("resolver-01", "\\x"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "\\u12"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "\\u12g4"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "\\ud83d"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "\\ude00"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "\\ud83d\\u0041"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "tab\there"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "\\"), SH_REPORT_LINE_BAD);
	/* invalid UTF-8: a lone continuation, an overlong, a surrogate */
	assert_int_equal(kind_with("resolver-01", "\x80"), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "\xc0\xaf"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "\xed\xa0\x80"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "\xe2\x82"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("resolver-01", "r\xc3\xa9s"),
		SH_REPORT_LINE_EVENT);
	/* NUL: fine where the report does not look, bad where it does
	 * (observer.name is read: it tells resolvers apart) */
	assert_int_equal(kind_with("\"vendor\":\"unbound-sinkhole\"",
		"\"vendor\":\"a\\u0000b\""), SH_REPORT_LINE_EVENT);
	assert_int_equal(kind_with("resolver-01", "\\u0000"),
		SH_REPORT_LINE_BAD);
	assert_int_equal(kind_with("\"akamaicontainer.com\",\"ruleset",
		"\"a\\u0000.com\",\"ruleset"), SH_REPORT_LINE_BAD);
}

static void
test_time(void** state)
{
	int64_t ms;
	char buf[32];
	(void)state;
	assert_true(sh_report_parse_time("2026-11-29T08:44:16.123Z", &ms));
	assert_true(ms == GOOD_MS);
	assert_true(sh_report_parse_time("2026-11-29t10:44:16.123456+02:00",
		&ms));
	assert_true(ms == GOOD_MS);
	assert_true(sh_report_parse_time("2026-11-29T05:14:16.1239-03:30",
		&ms));
	assert_true(ms == GOOD_MS);
	assert_true(sh_report_parse_time("2026-11-29 08:44:16.123z", &ms));
	assert_true(ms == GOOD_MS);
	assert_true(sh_report_parse_time("2024-02-29T23:59:59Z", &ms));
	assert_true(ms == 1709251199000LL);
	assert_true(sh_report_parse_time("1969-12-31T23:59:59Z", &ms));
	assert_true(ms == -1000);
	assert_true(sh_report_parse_time("2026-11-29T08:44:16.5Z", &ms));
	assert_true(ms == GOOD_MS - 123 + 500);
	assert_false(sh_report_parse_time("2023-02-29T00:00:00Z", &ms));
	assert_false(sh_report_parse_time("2026-13-01T00:00:00Z", &ms));
	assert_false(sh_report_parse_time("2026-11-31T00:00:00Z", &ms));
	assert_false(sh_report_parse_time("2026-11-29T24:00:00Z", &ms));
	assert_false(sh_report_parse_time("2026-11-29T08:60:00Z", &ms));
	assert_false(sh_report_parse_time("2026-11-29T08:44:16", &ms));
	assert_false(sh_report_parse_time("2026-11-29T08:44:16.Z", &ms));
	assert_false(sh_report_parse_time("2026-11-29T08:44:16+0200", &ms));
	assert_false(sh_report_parse_time("2026-11-29T08:44:16Zx", &ms));
	assert_false(sh_report_parse_time("2026-1-29T08:44:16Z", &ms));
	assert_false(sh_report_parse_time("", &ms));
	assert_string_equal(sh_report_fmt_time(GOOD_MS, 1, buf),
		"2026-11-29T08:44:16.123Z");
	assert_string_equal(sh_report_fmt_time(GOOD_MS, 0, buf),
		"2026-11-29T08:44:16Z");
	assert_string_equal(sh_report_fmt_time(-1, 1, buf),
		"1969-12-31T23:59:59.999Z");
}

static void
test_when(void** state)
{
	int64_t ms, now = GOOD_MS;
	(void)state;
	assert_true(sh_report_parse_when("2026-11-29", now, &ms));
	assert_true(ms == 1795910400000LL);
	assert_true(sh_report_parse_when("2026-11-29T08:44:16.123Z", now, &ms));
	assert_true(ms == GOOD_MS);
	assert_true(sh_report_parse_when("24h", now, &ms));
	assert_true(ms == now - 86400000LL);
	assert_true(sh_report_parse_when("30m", now, &ms));
	assert_true(ms == now - 1800000LL);
	assert_true(sh_report_parse_when("7d", now, &ms));
	assert_true(ms == now - 7 * 86400000LL);
	assert_true(sh_report_parse_when("90s", now, &ms));
	assert_true(ms == now - 90000);
	assert_true(sh_report_parse_when("2w", now, &ms));
	assert_true(ms == now - 14 * 86400000LL);
	assert_false(sh_report_parse_when("0h", now, &ms));
	assert_false(sh_report_parse_when("h", now, &ms));
	assert_false(sh_report_parse_when("24", now, &ms));
	assert_false(sh_report_parse_when("24x", now, &ms));
	assert_false(sh_report_parse_when("24hh", now, &ms));
	assert_false(sh_report_parse_when("-1h", now, &ms));
	assert_false(sh_report_parse_when("2026-02-30", now, &ms));
	assert_false(sh_report_parse_when("yesterday", now, &ms));
}

static void
test_cidr(void** state)
{
	struct sh_report_cidr c;
	(void)state;
	assert_true(sh_report_cidr_parse("10.0.0.0/8", &c));
	assert_true(sh_report_cidr_match(&c, "10.255.1.2"));
	assert_false(sh_report_cidr_match(&c, "11.0.0.1"));
	assert_true(sh_report_cidr_match(&c, "::ffff:10.1.2.3"));
	assert_false(sh_report_cidr_match(&c, "2001:db8::1"));
	assert_false(sh_report_cidr_match(&c, "(internal)"));
	assert_true(sh_report_cidr_parse("192.168.1.128/25", &c));
	assert_true(sh_report_cidr_match(&c, "192.168.1.200"));
	assert_false(sh_report_cidr_match(&c, "192.168.1.127"));
	assert_true(sh_report_cidr_parse("192.168.1.7", &c));
	assert_true(c.bits == 32);
	assert_true(sh_report_cidr_match(&c, "192.168.1.7"));
	assert_false(sh_report_cidr_match(&c, "192.168.1.70"));
	assert_true(sh_report_cidr_parse("0.0.0.0/0", &c));
	assert_true(sh_report_cidr_match(&c, "1.2.3.4"));
	assert_true(sh_report_cidr_parse("2001:db8::/32", &c));
	assert_true(sh_report_cidr_match(&c, "2001:db8:ffff::1"));
	assert_false(sh_report_cidr_match(&c, "2001:db9::1"));
	assert_false(sh_report_cidr_match(&c, "10.0.0.1"));
	assert_true(sh_report_cidr_parse("2001:db8::1:0/113", &c));
	assert_true(sh_report_cidr_match(&c, "2001:db8::1:7fff"));
	assert_false(sh_report_cidr_match(&c, "2001:db8::1:8000"));
	assert_true(sh_report_cidr_parse("::ffff:10.0.0.0/104", &c));
	assert_true(sh_report_cidr_match(&c, "10.9.9.9"));
	assert_true(sh_report_cidr_parse("::1", &c));
	assert_true(c.bits == 128 && sh_report_cidr_match(&c, "::1"));
	assert_false(sh_report_cidr_parse("10.0.0.0/33", &c));
	assert_false(sh_report_cidr_parse("10.0.0.0/", &c));
	assert_false(sh_report_cidr_parse("10.0.0.0/-1", &c));
	assert_false(sh_report_cidr_parse("10.0.0.0/8x", &c));
	assert_false(sh_report_cidr_parse("/8", &c));
	assert_false(sh_report_cidr_parse("10.0.0/8", &c));
	assert_false(sh_report_cidr_parse("2001:db8::/129", &c));
	assert_false(sh_report_cidr_parse("host.example", &c));
}

static void
test_name_below(void** state)
{
	(void)state;
	assert_true(sh_report_name_below("akamaicontainer.com",
		"akamaicontainer.com"));
	assert_true(sh_report_name_below("www.AkamaiContainer.com.",
		"akamaicontainer.com"));
	assert_true(sh_report_name_below("a.b.c", "c."));
	assert_false(sh_report_name_below("notakamaicontainer.com",
		"akamaicontainer.com"));
	assert_false(sh_report_name_below("akamaicontainer.com.example.net",
		"akamaicontainer.com"));
	assert_false(sh_report_name_below("com", "akamaicontainer.com"));
	/* an escaped dot is not a label boundary; an escaped backslash is
	 * not an escape */
	assert_false(sh_report_name_below("x\\.example.com", "example.com"));
	assert_true(sh_report_name_below("x\\\\.example.com", "example.com"));
	assert_true(sh_report_name_below("anything", "."));
}

/**
 * Write bytes to a temp file.
 * @param path: template, replaced by the name.
 * @param data: the bytes.
 * @param len: how many.
 * @param gz: 1 to gzip them.
 */
static void
write_tmp(char* path, const char* data, size_t len, int gz)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	if(gz) {
		gzFile g = gzdopen(fd, "wb");
		assert_non_null(g);
		assert_true(gzwrite(g, data, (unsigned)len) == (int)len);
		assert_true(gzclose(g) == Z_OK);
	} else {
		assert_true(write(fd, data, len) == (ssize_t)len);
		close(fd);
	}
}

/**
 * Read every line of a file through the reader.
 * @param path: the file.
 * @param lines: the expected lines ("" for a too-long one, code 2).
 * @param n: how many.
 * @param end: the expected last return code (0, -1, -2).
 */
static void
read_all(const char* path, const char* const* lines, size_t n, int end)
{
	const char* err = NULL;
	struct sh_report_reader* r = sh_report_reader_open(path, &err);
	char* line;
	size_t len, i;
	int rc;
	assert_non_null(r);
	for(i = 0; i < n; i++) {
		rc = sh_report_reader_next(r, &line, &len);
		if(lines[i][0] == 0 && rc == 2)
			continue;
		assert_int_equal(rc, 1);
		assert_string_equal(line, lines[i]);
		assert_int_equal(len, strlen(lines[i]));
	}
	assert_int_equal(sh_report_reader_next(r, &line, &len), end);
	if(end < 0)
		assert_non_null(sh_report_reader_error(r));
	sh_report_reader_close(r);
}

static void
test_reader(void** state)
{
	static const char* const lines[] = {"one", "", "two", "", "three"};
	size_t big = SH_REPORT_LINE_MAX + 10, n;
	char* data = malloc(2 * big + 64), *p = data;
	char path[] = "/tmp/sh_test_report.XXXXXX";
	char gzpath[] = "/tmp/sh_test_report_gz.XXXXXX";
	const char* err;
	(void)state;
	assert_non_null(data);
	p += sprintf(p, "one\n");
	memset(p, 'x', big);	/* an overlong line */
	p += big;
	p += sprintf(p, "\ntwo\n");
	memset(p, 'y', big);	/* another, just before the end */
	p += big;
	p += sprintf(p, "\nthree");	/* no final newline */
	n = (size_t)(p - data);
	write_tmp(path, data, n, 0);
	write_tmp(gzpath, data, n, 1);
	read_all(path, lines, 5, 0);
	read_all(gzpath, lines, 5, 0);
	unlink(path);
	unlink(gzpath);
	/* a truncated gzip file gives its lines, then -2 */
	memcpy(gzpath, "/tmp/sh_test_report_gz.XXXXXX", sizeof(gzpath));
	write_tmp(gzpath, "a\nb\nc\n", 6, 1);
	assert_true(truncate(gzpath, 20) == 0);
	{
		static const char* const abc[] = {"a", "b", "c"};
		const char* e = NULL;
		struct sh_report_reader* r = sh_report_reader_open(gzpath, &e);
		char* line;
		size_t len, k = 0;
		int rc;
		assert_non_null(r);
		while((rc = sh_report_reader_next(r, &line, &len)) == 1) {
			assert_true(k < 3);
			assert_string_equal(line, abc[k++]);
		}
		assert_int_equal(rc, -2);
		sh_report_reader_close(r);
	}
	unlink(gzpath);
	assert_null(sh_report_reader_open("/nonexistent/x", &err));
	assert_null(sh_report_reader_open("/tmp", &err));
	free(data);
}

static void
test_names(void** state)
{
	static const char text[] =
		"# hosts\n"
		"10.0.0.1   ws-001.corp ws-001\n"
		"2001:db8::0001 v6host\n"
		"lease 10.0.0.2 {\n"
		"  starts 4 2026/11/26 08:00:00;\n"
		"  client-hostname \"laptop-<b>\";\n"
		"}\n"
		"1764403200 aa:bb:cc:dd:ee:ff 10.0.0.3 printer 01:aa:bb\n"
		"1764403200 aa:bb:cc:dd:ee:00 10.0.0.4 * *\n"
		"::ffff:10.0.0.5 mapped\n"
		"not an address line\n"
		"10.0.0.1 ws-001-renamed\n";
	struct sh_report_names n;
	char path[] = "/tmp/sh_test_names.XXXXXX";
	(void)state;
	memset(&n, 0, sizeof(n));
	write_tmp(path, text, strlen(text), 0);
	assert_true(sh_report_names_load(&n, path));
	assert_string_equal(sh_report_names_get(&n, "10.0.0.1"),
		"ws-001-renamed");
	assert_string_equal(sh_report_names_get(&n, "2001:db8::1"), "v6host");
	assert_string_equal(sh_report_names_get(&n, "10.0.0.2"), "laptop-<b>");
	assert_string_equal(sh_report_names_get(&n, "10.0.0.3"), "printer");
	assert_null(sh_report_names_get(&n, "10.0.0.4"));
	assert_string_equal(sh_report_names_get(&n, "10.0.0.5"), "mapped");
	assert_null(sh_report_names_get(&n, "10.0.0.9"));
	assert_null(sh_report_names_get(&n, SH_REPORT_INTERNAL));
	sh_report_names_clear(&n);
	unlink(path);
	assert_false(sh_report_names_load(&n, "/nonexistent/names"));
}

/**
 * Run a string writer into a buffer.
 * @param fn: the writer.
 * @param s: its argument.
 * @param buf: destination.
 * @param len: its size.
 * @return buf.
 */
static const char*
render(void (*fn)(FILE*, const char*), const char* s, char* buf, size_t len)
{
	FILE* f = fmemopen(buf, len, "w");
	assert_non_null(f);
	fn(f, s);
	fclose(f);
	return buf;
}

static void
test_escape(void** state)
{
	char buf[256], d[32];
	(void)state;
	assert_string_equal(render(sh_report_csv_str, "plain", buf, 256),
		"plain");
	assert_string_equal(render(sh_report_csv_str, "a,b\"c", buf, 256),
		"\"a,b\"\"c\"");
	assert_string_equal(render(sh_report_csv_str, "=cmd()", buf, 256),
		"\"'=cmd()\"");
	assert_string_equal(render(sh_report_csv_str, "line\nbreak", buf, 256),
		"\"line\nbreak\"");
	assert_string_equal(render(sh_report_json_str, "a\"b\\c\001\xff",
		buf, 256), "\"a\\\"b\\\\c\\u0001\\ufffd\"");
	assert_string_equal(render(sh_report_json_str, "\xc3\xa9", buf, 256),
		"\"\xc3\xa9\"");
	assert_string_equal(render(sh_report_html_str,
		"<script>&\"'\x01", buf, 256),
		"&lt;script&gt;&amp;&quot;&#39;&#xfffd;");
	assert_string_equal(sh_report_fmt_dur(60000, d), "60s");
	assert_string_equal(sh_report_fmt_dur(300000, d), "300s");
	assert_string_equal(sh_report_fmt_dur(754000, d), "12m34s");
	assert_string_equal(sh_report_fmt_dur(3600000, d), "1h00m");
	assert_string_equal(sh_report_fmt_dur(3 * 86400000.0, d), "3d00h");
}

static void
test_strmap(void** state)
{
	struct sh_report_strmap m;
	char key[32];
	uint32_t id, i;
	(void)state;
	memset(&m, 0, sizeof(m));
	assert_true(sh_report_strmap_find(&m, "x") == UINT32_MAX);
	for(i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "10.0.%u.%u", i / 256, i % 256);
		assert_int_equal(sh_report_strmap_intern(&m, key, &id), 2);
		assert_true(id == i);
	}
	for(i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "10.0.%u.%u", i / 256, i % 256);
		assert_int_equal(sh_report_strmap_intern(&m, key, &id), 1);
		assert_true(id == i);
		assert_true(sh_report_strmap_find(&m, key) == i);
	}
	sh_report_strmap_clear(&m);
}

/* ------------------------------------------------------------------ */
/* The classifier                                                      */
/* ------------------------------------------------------------------ */

/** Base time of the classifier tests. */
#define T0 1795910400000LL

/** Deterministic pseudo-random numbers for the tests. */
static uint64_t rnd_state = 42;

/** @return a pseudo-random 64-bit number (xorshift). */
static uint64_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/** @return a pseudo-random number in [0, 1). */
static double
rnd01(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

/**
 * Shuffle timestamps.
 * @param v: them.
 * @param n: how many.
 */
static void
shuffle(int64_t* v, size_t n)
{
	size_t i, k;
	int64_t t;
	for(i = n; i > 1; i--) {
		k = (size_t)(rnd() % i);
		t = v[i - 1];
		v[i - 1] = v[k];
		v[k] = t;
	}
}

/**
 * Classify one client made of timestamps.
 * @param a: an initialised aggregation (cleared by the caller).
 * @param v: the timestamps, in the order the lines come.
 * @param n: how many.
 * @return the client, classified.
 */
static struct sh_report_client*
classify(struct sh_report_agg* a, const int64_t* v, size_t n)
{
	struct sh_report_client* c = NULL;
	size_t i;
	for(i = 0; i < n; i++)
		assert_non_null(c = sh_report_agg_client_time(a, "10.0.0.1",
			v[i]));
	sh_report_classify_client(a, c);
	return c;
}

/**
 * Check the classification of timestamps.
 * @param v: the timestamps.
 * @param n: how many.
 * @param pattern: the expected pattern.
 * @param bursts: expected bursts.
 * @param median_ms: expected median interval within 5 % (0: not
 *	checked).
 * @param max_jitter: largest jitter allowed.
 */
static void
expect(const int64_t* v, size_t n, enum sh_report_pattern pattern,
	uint64_t bursts, double median_ms, double max_jitter)
{
	struct sh_report_agg a;
	struct sh_report_client* c;
	assert_true(sh_report_agg_init(&a));
	c = classify(&a, v, n);
	assert_string_equal(sh_report_pattern_name(c->pattern),
		sh_report_pattern_name(pattern));
	assert_true(c->queries == n);
	assert_true(c->n_bursts == bursts);
	if(median_ms > 0)
		assert_true(fabs(c->median_ms - median_ms) <= median_ms * 0.05);
	assert_true(c->jitter <= max_jitter);
	sh_report_agg_clear(&a);
}

static void
test_oneoff(void** state)
{
	int64_t v[16];
	size_t i;
	(void)state;
	/* ping: 4 lookups within 3 s */
	for(i = 0; i < 4; i++)
		v[i] = T0 + (int64_t)i * 1000;
	expect(v, 4, SH_REPORT_ONEOFF, 1, 0, 1);
	/* nslookup A + AAAA, a ping a minute later, a traceroute after
	 * another two minutes: three bursts within five minutes */
	v[0] = T0; v[1] = T0 + 3;
	v[2] = T0 + 60000; v[3] = T0 + 61000; v[4] = T0 + 62000;
	v[5] = T0 + 180000;
	expect(v, 6, SH_REPORT_ONEOFF, 3, 0, 10);
	/* a single query */
	expect(v, 1, SH_REPORT_ONEOFF, 1, 0, 0);
}

/**
 * Exact beacons every iv ms, n of them, each an A and AAAA pair.
 * @param iv: interval.
 * @param n: beacons.
 */
static void
exact_beacon(int64_t iv, size_t n)
{
	int64_t* v = malloc(2 * n * sizeof(*v));
	size_t i;
	assert_non_null(v);
	for(i = 0; i < n; i++) {
		v[2 * i] = T0 + (int64_t)i * iv;
		v[2 * i + 1] = T0 + (int64_t)i * iv + 4;
	}
	expect(v, 2 * n, SH_REPORT_PERIODIC, n, (double)iv, 0);
	free(v);
}

static void
test_exact_beacons(void** state)
{
	(void)state;
	exact_beacon(60000, 120);
	exact_beacon(300000, 50);
	exact_beacon(3600000, 24);
	/* five beacons (four intervals) are enough; four are not */
	exact_beacon(3600000, 5);
	{
		int64_t v[4] = {T0, T0 + 3600000, T0 + 7200000, T0 + 10800000};
		expect(v, 4, SH_REPORT_REPEATED, 4, 3600000, 0);
	}
}

/**
 * Beacons every iv ms +- 10 % (uniform), n of them.
 * @param iv: interval.
 * @param n: beacons.
 * @param order: 0 in order, 1 shuffled.
 */
static void
jittered_beacon(int64_t iv, size_t n, int order)
{
	int64_t* v = malloc(n * sizeof(*v)), t = T0;
	size_t i;
	assert_non_null(v);
	for(i = 0; i < n; i++) {
		v[i] = t;
		t += (int64_t)((double)iv * (0.9 + 0.2 * rnd01()));
	}
	if(order)
		shuffle(v, n);
	/* uniform +-10 %: MAD about 5 % */
	expect(v, n, SH_REPORT_PERIODIC, n, (double)iv, 0.08);
	free(v);
}

static void
test_jittered_beacons(void** state)
{
	(void)state;
	jittered_beacon(60000, 500, 0);
	jittered_beacon(300000, 200, 0);
	jittered_beacon(3600000, 48, 0);
	jittered_beacon(60000, 500, 1);
}

static void
test_random_and_repeated(void** state)
{
	int64_t v[200], t = T0;
	size_t i;
	(void)state;
	/* exponential intervals (a Poisson process): not periodic */
	for(i = 0; i < 200; i++) {
		v[i] = t;
		t += 20000 + (int64_t)(-600000.0 * log(1.0 - rnd01()));
	}
	expect(v, 200, SH_REPORT_REPEATED, 200, 0, 10);
	/* three lookups on three days */
	v[0] = T0; v[1] = T0 + 86400000; v[2] = T0 + 3 * 86400000;
	expect(v, 3, SH_REPORT_REPEATED, 3, 0, 10);
	/* continuous chatter, every 5 s for an hour: one long burst */
	for(i = 0; i < 200; i++)
		v[i] = T0 + (int64_t)i * 5000;
	expect(v, 200, SH_REPORT_REPEATED, 1, 0, 0);
}

static void
test_skew_and_order(void** state)
{
	int64_t v[400];
	size_t i;
	(void)state;
	/* a 300 s beacon logged by two resolvers, one clock 3 s behind
	 * the other, the files concatenated: each beacon is one burst */
	for(i = 0; i < 200; i++) {
		v[i] = T0 + (int64_t)i * 300000;
		v[200 + i] = T0 + (int64_t)i * 300000 - 3000;
	}
	expect(v, 400, SH_REPORT_PERIODIC, 200, 300000, 0.02);
	/* the same, lines out of order */
	shuffle(v, 400);
	expect(v, 400, SH_REPORT_PERIODIC, 200, 300000, 0.02);
	/* a few lines with a wildly wrong clock do not hide the beacon */
	for(i = 0; i < 200; i++)
		v[i] = T0 + (int64_t)i * 60000;
	v[50] -= 86400000;
	v[120] += 20000;
	shuffle(v, 200);
	expect(v, 200, SH_REPORT_PERIODIC, 200, 60000, 0.1);
}

static void
test_burst_cap(void** state)
{
	size_t n = 10000, i;
	int64_t* v = malloc(n * sizeof(*v));
	struct sh_report_agg a;
	struct sh_report_client* c;
	(void)state;
	assert_non_null(v);
	for(i = 0; i < n; i++)
		v[i] = T0 + (int64_t)i * 60000;
	/* in order: the burst count stays exact */
	expect(v, n, SH_REPORT_PERIODIC, n, 60000, 0);
	/* newest first (rotated files given newest first): the newest
	 * window is kept, older events are late, counts stay exact */
	for(i = 0; i < n / 2; i++) {
		int64_t t = v[i];
		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
	assert_true(sh_report_agg_init(&a));
	c = classify(&a, v, n);
	assert_int_equal(c->pattern, SH_REPORT_PERIODIC);
	assert_true(c->queries == n);
	assert_true(c->nb == SH_REPORT_BURST_CAP);
	assert_true(c->n_bursts >= SH_REPORT_BURST_CAP && c->n_bursts <= n);
	assert_true(c->late > 0);
	assert_true(c->first == T0 && c->last == v[0]);
	assert_true(c->bursts[c->nb - 1].start == v[0]);
	assert_true(fabs(c->median_ms - 60000) < 1);
	sh_report_agg_clear(&a);
	free(v);
}

/**
 * Add an event to an aggregation.
 * @param a: the aggregation.
 * @param client: client key.
 * @param ind: indicator.
 * @param ts: time.
 */
static void
add(struct sh_report_agg* a, const char* client, const char* ind,
	int64_t ts)
{
	struct sh_report_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.ts_ms = ts;
	ev.client = client;
	ev.rule = ind;
	ev.ruleset = "3cx";
	ev.qtype = "A";
	ev.transport = "udp";
	assert_true(sh_report_agg_add(a, &ev));
}

/** A client seen by two resolvers of a fleet: both are listed, by count;
 * the observer.name of a parsed line is what is tallied. */
static void
test_resolvers(void** state)
{
	struct sh_report_agg a;
	struct sh_report_event ev;
	char buf[sizeof(good_line)];
	const struct sh_report_client* c;
	int i;
	(void)state;
	assert_true(sh_report_agg_init(&a));
	assert_int_equal(parse(good_line, buf, sizeof(buf), &ev),
		SH_REPORT_LINE_EVENT);
	assert_string_equal(ev.observer, "resolver-01");
	for(i = 0; i < 3; i++) {
		ev.ts_ms = T0 + i;
		ev.observer = i ? "resolver-02" : "resolver-01";
		assert_true(sh_report_agg_add(&a, &ev));
	}
	assert_true(sh_report_classify(&a));
	c = &a.clients[0];
	assert_int_equal(c->resolvers.n, 2);
	/* sorted by count: resolver-02 (2) first */
	assert_string_equal(a.atoms.str[c->resolvers.v[0].id], "resolver-02");
	assert_int_equal(c->resolvers.v[0].count, 2);
	assert_string_equal(a.atoms.str[c->resolvers.v[1].id], "resolver-01");
	sh_report_agg_clear(&a);
}

static void
test_mixed_ranking(void** state)
{
	struct sh_report_agg a;
	const struct sh_report_pair** v;
	size_t* off, i;
	(void)state;
	assert_true(sh_report_agg_init(&a));
	/* one-off with many queries, repeated, two beacons */
	for(i = 0; i < 30; i++)
		add(&a, "10.0.0.1", "a.test", T0 + (int64_t)i * 100);
	for(i = 0; i < 6; i++)
		add(&a, "10.0.0.2", "b.test", T0 + (int64_t)(i * i) * 600000);
	for(i = 0; i < 20; i++)
		add(&a, "10.0.0.3", "a.test", T0 + (int64_t)i * 300000);
	for(i = 0; i < 50; i++)
		add(&a, "10.0.0.4", i % 2 ? "a.test" : "c.test",
			T0 + (int64_t)i * 60000);
	add(&a, SH_REPORT_INTERNAL, "a.test", T0);
	assert_true(sh_report_classify(&a));
	assert_string_equal(a.clients[a.order[0]].key, "10.0.0.4");
	assert_string_equal(a.clients[a.order[1]].key, "10.0.0.3");
	assert_string_equal(a.clients[a.order[2]].key, "10.0.0.2");
	assert_string_equal(a.clients[a.order[3]].key, "10.0.0.1");
	assert_string_equal(a.clients[a.order[4]].key, SH_REPORT_INTERNAL);
	assert_int_equal(a.clients[a.order[2]].pattern, SH_REPORT_REPEATED);
	assert_int_equal(a.clients[a.order[0]].n_indicators, 2);
	assert_true(a.first == T0);
	/* per indicator: who asked and how often, most first */
	v = sh_report_pairs_group(&a, 0, &off);
	assert_non_null(v);
	i = sh_report_strmap_find(&a.ind_ids, "a.test");
	assert_int_equal(off[i + 1] - off[i], 4);
	assert_string_equal(a.clients[v[off[i]]->client].key, "10.0.0.1");
	assert_true(v[off[i]]->count == 30);
	assert_string_equal(a.clients[v[off[i] + 1]->client].key, "10.0.0.4");
	assert_true(v[off[i] + 1]->count == 25);
	assert_true(a.inds[i].n_clients == 4 && a.inds[i].queries == 76);
	free(v);
	free(off);
	sh_report_agg_clear(&a);
}

/**
 * Parse a listener line built from its parts and, when a is not NULL
 * and it parses, aggregate it as the driver does.
 * @param a: the aggregation, or NULL.
 * @param ip: client.ip.
 * @param action: event.action.
 * @param transport: network.transport.
 * @param port: destination.port, -1 for none.
 * @param extra: more members, each starting with ','.
 * @param ms: the time.
 * @return the kind of the line.
 */
static enum sh_report_kind
contact_line(struct sh_report_agg* a, const char* ip, const char* action,
	const char* transport, int port, const char* extra, int64_t ms)
{
	char line[1024], buf[1024], ts[32], dst[64];
	struct sh_report_event ev;
	enum sh_report_kind k;
	/* ICMP has no port: the listener writes none */
	if(port >= 0)
		snprintf(dst, sizeof(dst), ",\"port\":%d", port);
	else	dst[0] = 0;
	snprintf(line, sizeof(line), "{\"@timestamp\":\"%s\",\"event\":{\"kind"
		"\":\"alert\",\"action\":\"%s\",\"dataset\":\"unbound_sinkhole."
		"listener\"},\"client\":{\"ip\":\"%s\"},\"destination\":{\"ip\":"
		"\"10.66.0.66\"%s},\"network\":{\"transport\":\"%s\"}%s}",
		sh_report_fmt_time(ms, 1, ts), action, ip, dst, transport, extra);
	k = parse(line, buf, sizeof(buf), &ev);
	if(k == SH_REPORT_LINE_CONTACT && a) {
		a->counts.listener++;
		assert_true(sh_report_agg_contact(a, &ev));
	}
	return k;
}

static void
test_contact_parse(void** state)
{
	char buf[1024];
	struct sh_report_event ev;
	(void)state;
	assert_int_equal(parse("{\"@timestamp\":\"2026-01-01T00:00:00.000Z\","
		"\"event\":{\"kind\":\"alert\",\"action\":\"http_request\","
		"\"dataset\":\"unbound_sinkhole.listener\"},\"client\":{\"ip\":"
		"\"10.0.0.9\"},\"destination\":{\"port\":8080},\"network\":{"
		"\"transport\":\"tcp\",\"protocol\":\"http\"},\"url\":{\"path\":"
		"\"/a\",\"domain\":\"x.test\"},\"user_agent\":{\"original\":"
		"\"ua \\\"q\\\"\"},\"tls\":{\"client\":{\"server_name\":\"s.test\"}}}",
		buf, sizeof(buf), &ev), SH_REPORT_LINE_CONTACT);
	assert_string_equal(ev.action, "http_request");
	assert_string_equal(ev.client, "10.0.0.9");
	assert_string_equal(ev.transport, "tcp");
	assert_string_equal(ev.path, "/a");
	assert_string_equal(ev.host, "x.test");
	assert_string_equal(ev.user_agent, "ua \"q\"");
	assert_string_equal(ev.sni, "s.test");
	assert_int_equal(ev.dport, 8080);
	/* the listener's own notes are not contacts */
	assert_int_equal(kind_of("{\"@timestamp\":\"2026-01-01T00:00:00Z\","
		"\"event\":{\"kind\":\"event\",\"action\":\"started\",\"dataset\":"
		"\"unbound_sinkhole.listener\"}}"), SH_REPORT_LINE_LISTENER_NOTE);
	/* bad: no client, a port as a string, out of range, twice */
	assert_int_equal(contact_line(NULL, "nope", "connection", "tcp", 1, "",
		T0), SH_REPORT_LINE_BAD);
	assert_int_equal(kind_of("{\"@timestamp\":\"2026-01-01T00:00:00Z\","
		"\"event\":{\"kind\":\"alert\",\"action\":\"connection\",\"dataset"
		"\":\"unbound_sinkhole.listener\"},\"client\":{\"ip\":\"10.0.0.1\"}"
		",\"destination\":{\"port\":\"80\"}}"), SH_REPORT_LINE_BAD);
	assert_int_equal(contact_line(NULL, "10.0.0.1", "connection", "tcp",
		65536, "", T0), SH_REPORT_LINE_BAD);
	assert_int_equal(contact_line(NULL, "10.0.0.1", "connection", "tcp",
		80, ",\"destination\":{\"port\":81}", T0), SH_REPORT_LINE_BAD);
	assert_int_equal(contact_line(NULL, "10.0.0.1", "connection", "tcp",
		80, "", T0), SH_REPORT_LINE_CONTACT);
	assert_int_equal(kind_of("{\"@timestamp\":\"2026-01-01T00:00:00Z\","
		"\"event\":{\"kind\":\"alert\",\"action\":\"connection\",\"dataset"
		"\":\"unbound_sinkhole.listener\"},\"client\":{\"ip\":\"10.0.0.1\"}"
		",\"destination\":{\"port\":-1}}"), SH_REPORT_LINE_BAD);
}

static void
test_contact_verdicts(void** state)
{
	struct sh_report_agg a;
	const struct sh_report_client* c;
	size_t i;
	(void)state;
	assert_true(sh_report_agg_init(&a));
	/* .1 pinged, .2 fetched over TLS and HTTP, .3 only looked up, .4
	 * connected with a name that is not sinkholed, .5 beacons over TLS
	 * every 5 minutes, .6 contacted without any lookup */
	for(i = 1; i <= 5; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "10.0.0.%u", (unsigned)i);
		add(&a, ip, "evil.test", T0);
	}
	contact_line(&a, "10.0.0.1", "icmp_echo", "icmp", -1, "", T0 + 10);
	contact_line(&a, "10.0.0.1", "udp_probe", "udp", 33434, "", T0 + 20);
	contact_line(&a, "10.0.0.2", "tls_client_hello", "tcp", 443,
		",\"tls\":{\"client\":{\"server_name\":\"WWW.Evil.Test\"}}", T0 + 5);
	contact_line(&a, "10.0.0.2", "http_request", "tcp", 80, ",\"url\":{"
		"\"domain\":\"evil.test\",\"path\":\"/gate\"},\"user_agent\":{"
		"\"original\":\"bot\"}", T0 + 6);
	contact_line(&a, "10.0.0.4", "tls_client_hello", "tcp", 443,
		",\"tls\":{\"client\":{\"server_name\":\"notevil.test\"}}", T0 + 5);
	for(i = 0; i < 6; i++)
		contact_line(&a, "10.0.0.5", "tls_client_hello", "tcp", 443,
			",\"tls\":{\"client\":{\"server_name\":\"evil.test\"}}",
			T0 + 1000 + (int64_t)i * 300000);
	contact_line(&a, "10.0.0.6", "connection", "tcp", 31337, "", T0 + 7);
	assert_true(sh_report_classify(&a));
	assert_string_equal(a.clients[a.order[0]].key, "10.0.0.5");
	assert_true(a.clients[a.order[0]].periodic_contact);
	assert_string_equal(a.clients[a.order[1]].key, "10.0.0.2");
	c = &a.clients[a.order[1]];
	assert_int_equal(c->verdict, SH_REPORT_V_APP);
	assert_false(c->periodic_contact);
	assert_true(c->contact.app == 2 && c->contact.tls == 1 &&
		c->contact.http == 1);
	assert_string_equal(a.atoms.str[c->contact.path.v[0].id], "/gate");
	assert_string_equal(a.atoms.str[c->contact.ua.v[0].id], "bot");
	c = &a.clients[sh_report_strmap_find(&a.client_ids, "10.0.0.1")];
	assert_int_equal(c->verdict, SH_REPORT_V_PING);
	assert_true(c->contact.icmp == 1 && c->contact.udp == 1);
	c = &a.clients[sh_report_strmap_find(&a.client_ids, "10.0.0.3")];
	assert_int_equal(c->verdict, SH_REPORT_V_LOOKUP);
	c = &a.clients[sh_report_strmap_find(&a.client_ids, "10.0.0.4")];
	assert_int_equal(c->verdict, SH_REPORT_V_TCP);
	c = &a.clients[sh_report_strmap_find(&a.client_ids, "10.0.0.6")];
	assert_int_equal(c->verdict, SH_REPORT_V_TCP);
	assert_true(c->queries == 0);
	assert_string_equal(sh_report_verdict_name(SH_REPORT_V_PING),
		"ping_traceroute");
	sh_report_agg_clear(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_kinds),
		cmocka_unit_test(test_parse_module_lines),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_corrupt),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_escapes),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_when),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_name_below),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_oneoff),
		cmocka_unit_test(test_exact_beacons),
		cmocka_unit_test(test_jittered_beacons),
		cmocka_unit_test(test_random_and_repeated),
		cmocka_unit_test(test_skew_and_order),
		cmocka_unit_test(test_burst_cap),
		cmocka_unit_test(test_mixed_ranking),
		cmocka_unit_test(test_resolvers),
		cmocka_unit_test(test_contact_parse),
		cmocka_unit_test(test_contact_verdicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
