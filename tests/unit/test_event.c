/*
 * test_event.c - unit tests of the ECS event lines.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Tests of sh_event_format, sh_json_escape and sh_time_format: a full
 * line compared byte for byte, hostile query names that must give
 * valid ASCII JSON and parse back to the same name, IPv6 and mapped
 * IPv4 clients, transports, internal queries, and buffers too small.
 * A small JSON checker written here validates the lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "internal.h"

static const char* js_value(const char* p);

/**
 * Check a JSON string.
 * @param p: at the opening quote.
 * @return after the closing quote, or NULL if not valid.
 */
static const char*
js_string(const char* p)
{
	if(*p++ != '"')
		return NULL;
	while(*p != '"') {
		unsigned char c = (unsigned char)*p;
		if(c < 0x20)
			return NULL;
		if(c == '\\') {
			p++;
			if(*p == 'u') {
				int i;
				for(i = 1; i <= 4; i++)
					if(!strchr("0123456789abcdefABCDEF",
						p[i]) || p[i] == 0)
						return NULL;
				p += 5;
				continue;
			}
			if(*p == 0 || !strchr("\"\\/bfnrt", *p))
				return NULL;
		}
		p++;
	}
	return p + 1;
}

/**
 * Check a JSON object or array.
 * @param p: at '{' or '['.
 * @return after the closing bracket, or NULL if not valid.
 */
static const char*
js_container(const char* p)
{
	char close = (*p == '{') ? '}' : ']';
	int obj = (*p == '{');
	p++;
	if(*p == close)
		return p + 1;
	for(;;) {
		if(obj) {
			if(!(p = js_string(p)) || *p++ != ':')
				return NULL;
		}
		if(!(p = js_value(p)))
			return NULL;
		if(*p == close)
			return p + 1;
		if(*p++ != ',')
			return NULL;
	}
}

/**
 * Check any JSON value (no white space, as the lines have none).
 * @param p: at the value.
 * @return after it, or NULL if not valid.
 */
static const char*
js_value(const char* p)
{
	if(*p == '"')
		return js_string(p);
	if(*p == '{' || *p == '[')
		return js_container(p);
	if(*p == '-' || (*p >= '0' && *p <= '9')) {
		if(*p == '-')
			p++;
		if(!(*p >= '0' && *p <= '9'))
			return NULL;
		while(*p >= '0' && *p <= '9')
			p++;
		return p;
	}
	if(strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0)
		return p + 4;
	if(strncmp(p, "false", 5) == 0)
		return p + 5;
	return NULL;
}

/**
 * Assert that a line is one JSON object, printable ASCII, ending in a
 * single '\n'.
 * @param line: the line, NUL terminated.
 * @param len: its length as returned.
 */
static void
assert_json_line(const char* line, size_t len)
{
	const char* end;
	size_t i;
	assert_int_equal(strlen(line), len);
	assert_true(len > 2 && line[len - 1] == '\n');
	for(i = 0; i + 1 < len; i++)
		assert_true(line[i] >= 0x20 && line[i] < 0x7f);
	assert_true(line[0] == '{');
	end = js_value(line);
	assert_non_null(end);
	assert_ptr_equal(end, line + len - 1);
}

/**
 * Unescape the JSON string value that follows key in a line.
 * @param line: the line.
 * @param key: text just before the opening quote, e.g. "\"name\":".
 * @param out: destination.
 * @param outlen: its size.
 * @return length of the value.
 */
static size_t
js_get(const char* line, const char* key, char* out, size_t outlen)
{
	const char* p = strstr(line, key);
	size_t o = 0;
	assert_non_null(p);
	p += strlen(key);
	assert_true(*p == '"');
	for(p++; *p != '"'; p++) {
		char c = *p;
		if(c == '\\') {
			p++;
			switch(*p) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u':
				c = (char)strtol((char[]){p[1], p[2], p[3],
					p[4], 0}, NULL, 16);
				p += 4;
				break;
			default: c = *p; break;
			}
		}
		assert_true(o + 1 < outlen);
		out[o++] = c;
	}
	out[o] = 0;
	return o;
}

/** The feed of the events. */
static struct sh_feed feed;
/** Its references. */
static char* refs[] = {"https://example.com/3cx", "https://b.example",
	NULL};
/** The IPv4 client. */
static struct sockaddr_in client4;
/** The query name, case as sent. */
static uint8_t qname[SH_NAME_MAX];
/** The indicator name. */
static uint8_t indname[SH_NAME_MAX];

/**
 * Make the event of the reference line.
 * @param ev: filled in.
 */
static void
make_event(struct sh_event* ev)
{
	struct tm tm;
	const uint8_t q[] = "\003WWW\017AkamaiContainer\003com";
	memset(&feed, 0, sizeof(feed));
	feed.id = "3cx-supply-chain-2023";
	feed.references = refs;
	feed.default_confidence = 90;
	memset(&client4, 0, sizeof(client4));
	client4.sin_family = AF_INET;
	client4.sin_port = htons(53124);
	client4.sin_addr.s_addr = htonl(0x7f000001);
	memcpy(qname, q, sizeof(q));
	assert_true(sh_name_from_text("akamaicontainer.com", indname, NULL));
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2026 - 1900; tm.tm_mon = 10; tm.tm_mday = 29;
	tm.tm_hour = 8; tm.tm_min = 44; tm.tm_sec = 16;
	memset(ev, 0, sizeof(*ev));
	ev->time.tv_sec = timegm(&tm);
	ev->time.tv_nsec = 123456789;
	ev->client = (const struct sockaddr*)&client4;
	ev->client_len = sizeof(client4);
	ev->transport = SH_TRANSPORT_UDP;
	ev->qname = qname;
	ev->qtype = SH_TYPE_A;
	ev->qclass = SH_CLASS_IN;
	ev->qid = 4660;
	ev->action = SH_ACTION_SINKHOLE;
	ev->rcode = SH_RCODE_NOERROR;
	ev->reason = "query";
	ev->indicator = indname;
	sh_event_set_rule(ev, &feed, NULL);
}

/** The whole reference line, byte for byte. */
static const char* want_line =
	"{\"@timestamp\":\"2026-11-29T08:44:16.123Z\",\"ecs\":{\"version\":"
	"\"8.11.0\"},\"event\":{\"kind\":\"alert\",\"category\":[\"network\","
	"\"intrusion_detection\"],\"type\":[\"denied\"],\"action\":"
	"\"sinkhole\",\"reason\":\"query\",\"dataset\":"
	"\"unbound_sinkhole.query\",\"module\":\"unbound_sinkhole\","
	"\"outcome\":\"success\"},\"client\":{\"ip\":\"127.0.0.1\",\"port\":"
	"53124},\"source\":{\"ip\":\"127.0.0.1\",\"port\":53124},\"network\":"
	"{\"transport\":\"udp\",\"protocol\":\"dns\",\"type\":\"ipv4\"},"
	"\"dns\":{\"id\":\"4660\",\"type\":\"query\",\"question\":{\"name\":"
	"\"WWW.AkamaiContainer.com\",\"type\":\"A\",\"class\":\"IN\","
	"\"registered_domain\":\"AkamaiContainer.com\",\"top_level_domain\":"
	"\"com\",\"subdomain\":\"WWW\"},\"response_code\":"
	"\"NOERROR\"},\"rule\":{\"name\":\"akamaicontainer.com\","
	"\"ruleset\":\"3cx-supply-chain-2023\",\"reference\":"
	"\"https://example.com/3cx\"},\"threat\":{\"indicator\":{\"type\":"
	"\"domain-name\",\"name\":\"akamaicontainer.com\",\"confidence\":"
	"\"High\"}},\"observer\":{\"name\":\"resolver-01\",\"type\":\"dns\","
	"\"product\":\"unbound-sinkhole\",\"vendor\":\"unbound-sinkhole\"},"
	"\"unbound_sinkhole\":{\"origin\":\"client\",\"action\":"
	"\"sinkhole\",\"transport\":\"udp\"}}\n";

/** A known event gives exactly the reference line. */
static void
test_full_line(void** state)
{
	struct sh_event ev;
	char buf[4096];
	size_t n;
	(void)state;
	make_event(&ev);
	n = sh_event_format(&ev, "resolver-01", buf, sizeof(buf));
	assert_int_equal(n, strlen(want_line));
	assert_string_equal(buf, want_line);
	assert_json_line(buf, n);
}

/**
 * An internationalised indicator: rule.name and registered_domain keep
 * the A-label form that matched, threat.indicator.name (the display
 * name) is the U-label form.
 */
static void
test_idn_indicator(void** state)
{
	const uint8_t q[] = "\3www\015xn--bcher-kva\7example";
	struct sh_event ev;
	char buf[4096];
	size_t n;
	(void)state;
	make_event(&ev);
	memcpy(qname, q, sizeof(q));
	assert_true(sh_name_from_text("xn--bcher-kva.example", indname, NULL));
	ev.indicator_unicode = "bücher.example";
	n = sh_event_format(&ev, "resolver-01", buf, sizeof(buf));
	assert_true(n > 0);
	assert_json_line(buf, n);
	assert_non_null(strstr(buf, "\"question\":{\"name\":"
		"\"www.xn--bcher-kva.example\""));
	assert_non_null(strstr(buf, "\"registered_domain\":"
		"\"xn--bcher-kva.example\""));
	assert_non_null(strstr(buf, "\"rule\":{\"name\":"
		"\"xn--bcher-kva.example\""));
	/* kept printable ASCII with \u escapes (assert_json_line) */
	assert_non_null(strstr(buf, "\"threat\":{\"indicator\":{\"type\":"
		"\"domain-name\",\"name\":\"b\\u00fccher.example\""));
	/* above the BMP: a surrogate pair */
	ev.indicator_unicode = "\xf0\x9f\x92\xa9.example";
	n = sh_event_format(&ev, "resolver-01", buf, sizeof(buf));
	assert_json_line(buf, n);
	assert_non_null(strstr(buf, "\"name\":\"\\ud83d\\udca9.example\""));
	/* without a Unicode form both are the A-label */
	ev.indicator_unicode = NULL;
	n = sh_event_format(&ev, "resolver-01", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"domain-name\",\"name\":"
		"\"xn--bcher-kva.example\""));
}

/** Buffers too small give 0, never a truncated line. */
static void
test_too_small(void** state)
{
	struct sh_event ev;
	char buf[4096];
	size_t len, full = strlen(want_line);
	(void)state;
	make_event(&ev);
	for(len = 0; len <= full; len++) {
		memset(buf, 'Z', sizeof(buf));
		assert_int_equal(sh_event_format(&ev, "resolver-01", buf,
			len), 0);
	}
	assert_int_equal(sh_event_format(&ev, "resolver-01", buf, full + 1),
		full);
	assert_string_equal(buf, want_line);
}

/** Hostile query names: valid ASCII JSON that parses back. */
static void
test_hostile_qname(void** state)
{
	/* one label with NUL, quote, backslash, controls, a dot, high
	 * bytes, DEL, upper case and space; then "com" */
	const uint8_t hostile[] = {14, 0x00, '"', '\\', 0x01, 0x1f, '.',
		0xff, 0x80, 0x7f, 'A', ' ', '\n', 0xc3, 0xa9, 3, 'c', 'o',
		'm', 0};
	uint8_t canon[SH_NAME_MAX], back[SH_NAME_MAX];
	struct sh_event ev;
	char buf[4096], text[SH_NAME_TEXT_MAX];
	size_t n, clen;
	(void)state;
	make_event(&ev);
	ev.qname = hostile;
	ev.indicator = hostile;
	feed.id = "id\"with\\odd\x01" "chars";
	sh_event_set_rule(&ev, &feed, NULL);
	n = sh_event_format(&ev, "r\"1", buf, sizeof(buf));
	assert_true(n > 0);
	assert_json_line(buf, n);
	js_get(buf, "\"question\":{\"name\":", text, sizeof(text));
	clen = sh_name_canon(hostile, sizeof(hostile), canon);
	assert_int_equal(clen, sizeof(hostile));
	assert_int_equal(sh_name_from_text(text, back, NULL), clen);
	assert_memory_equal(back, canon, clen);
	js_get(buf, "\"ruleset\":", text, sizeof(text));
	assert_string_equal(text, "id\"with\\odd\x01" "chars");
	js_get(buf, "\"observer\":{\"name\":", text, sizeof(text));
	assert_string_equal(text, "r\"1");
}

/** IPv6 and IPv4-mapped clients, TLS and DoH transports. */
static void
test_ipv6_and_transports(void** state)
{
	struct sockaddr_in6 s6;
	struct sh_event ev;
	char buf[4096];
	size_t n;
	(void)state;
	make_event(&ev);
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(853);
	assert_int_equal(inet_pton(AF_INET6, "::1", &s6.sin6_addr), 1);
	ev.client = (const struct sockaddr*)&s6;
	ev.client_len = sizeof(s6);
	ev.transport = SH_TRANSPORT_TLS;
	n = sh_event_format(&ev, "r", buf, sizeof(buf));
	assert_json_line(buf, n);
	assert_non_null(strstr(buf, "\"client\":{\"ip\":\"::1\",\"port\":853}"));
	assert_non_null(strstr(buf, "\"network\":{\"transport\":\"tcp\","
		"\"protocol\":\"tls\",\"type\":\"ipv6\"}"));
	assert_non_null(strstr(buf, "\"transport\":\"tls\"}}\n"));
	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.7",
		&s6.sin6_addr), 1);
	ev.transport = SH_TRANSPORT_HTTPS;
	n = sh_event_format(&ev, "r", buf, sizeof(buf));
	assert_json_line(buf, n);
	assert_non_null(strstr(buf, "\"source\":{\"ip\":\"192.0.2.7\","
		"\"port\":853}"));
	assert_non_null(strstr(buf, "\"network\":{\"transport\":\"tcp\","
		"\"protocol\":\"https\",\"type\":\"ipv4\"}"));
	ev.transport = SH_TRANSPORT_TCP;
	n = sh_event_format(&ev, "r", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"network\":{\"transport\":\"tcp\","
		"\"protocol\":\"dns\",\"type\":\"ipv4\"}"));
}

/** Internal queries: no client, source or network; origin internal. */
static void
test_internal(void** state)
{
	struct sh_event ev;
	char buf[4096], tb[16];
	size_t n;
	(void)state;
	make_event(&ev);
	ev.client = NULL;
	ev.client_len = 0;
	ev.transport = SH_TRANSPORT_INTERNAL;
	ev.reason = "cname";
	ev.qtype = 65280;
	ev.action = SH_ACTION_NXDOMAIN;
	ev.rcode = SH_RCODE_NXDOMAIN;
	feed.default_confidence = -1;
	feed.references = NULL;
	sh_event_set_rule(&ev, &feed, NULL);
	n = sh_event_format(&ev, "r", buf, sizeof(buf));
	assert_json_line(buf, n);
	assert_null(strstr(buf, "\"client\""));
	assert_null(strstr(buf, "\"source\""));
	assert_null(strstr(buf, "\"network\":{"));
	assert_null(strstr(buf, "\"reference\""));
	assert_non_null(strstr(buf, "\"reason\":\"cname\""));
	assert_non_null(strstr(buf, "\"action\":\"nxdomain\""));
	assert_non_null(strstr(buf, "\"response_code\":\"NXDOMAIN\""));
	assert_non_null(strstr(buf, sh_rrtype_name(65280, tb)));
	assert_non_null(strstr(buf, "\"type\":\"TYPE65280\""));
	assert_non_null(strstr(buf, "\"confidence\":\"Not Specified\""));
	assert_non_null(strstr(buf, "\"unbound_sinkhole\":{\"origin\":"
		"\"internal\",\"action\":\"nxdomain\",\"transport\":"
		"\"internal\"}}\n"));
}

/** Confidence words from the feed's default confidence. */
static void
test_confidence(void** state)
{
	const int conf[] = {0, 29, 30, 69, 70, 100};
	const char* word[] = {"Low", "Low", "Medium", "Medium", "High",
		"High"};
	struct sh_event ev;
	char buf[4096], want[64];
	size_t i;
	(void)state;
	make_event(&ev);
	for(i = 0; i < 6; i++) {
		feed.default_confidence = conf[i];
		sh_event_set_rule(&ev, &feed, NULL);
		assert_true(sh_event_format(&ev, "r", buf, sizeof(buf)) > 0);
		snprintf(want, sizeof(want), "\"confidence\":\"%s\"", word[i]);
		assert_non_null(strstr(buf, want));
	}
}

/** The root as query name is written as ".". */
static void
test_root_name(void** state)
{
	const uint8_t root[] = {0};
	struct sh_event ev;
	char buf[4096];
	(void)state;
	make_event(&ev);
	ev.qname = root;
	assert_true(sh_event_format(&ev, "r", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"question\":{\"name\":\".\","));
}

/** sh_json_escape on its own. */
static void
test_json_escape(void** state)
{
	char buf[64];
	size_t n;
	(void)state;
	n = sh_json_escape(buf, sizeof(buf), "a\"b\\c\n\t\x01\x7f", 9);
	assert_int_equal(n, 23);
	assert_memory_equal(buf, "a\\\"b\\\\c\\n\\t\\u0001\\u007f", 23);
	/* valid UTF-8 is kept; invalid bytes become \u00XX */
	n = sh_json_escape(buf, sizeof(buf), "\xc3\xa9\xff", 3);
	assert_int_equal(n, 8);
	assert_memory_equal(buf, "\xc3\xa9\\u00ff", 8);
	/* overlong, surrogate, truncated and too large sequences */
	n = sh_json_escape(buf, sizeof(buf), "\xc0\xaf", 2);
	assert_memory_equal(buf, "\\u00c0\\u00af", n);
	n = sh_json_escape(buf, sizeof(buf), "\xed\xa0\x80", 3);
	assert_int_equal(n, 18);
	n = sh_json_escape(buf, sizeof(buf), "\xe2\x82", 2);
	assert_memory_equal(buf, "\\u00e2\\u0082", n);
	n = sh_json_escape(buf, sizeof(buf), "\xf4\x90\x80\x80", 4);
	assert_int_equal(n, 24);
	n = sh_json_escape(buf, sizeof(buf), "\xf0\x9f\x98\x80", 4);
	assert_int_equal(n, 4);
	/* NUL inside the input */
	n = sh_json_escape(buf, sizeof(buf), "a\0b", 3);
	assert_memory_equal(buf, "a\\u0000b", n);
	/* too small */
	assert_int_equal(sh_json_escape(buf, 5, "\x01", 1), (size_t)-1);
	assert_int_equal(sh_json_escape(buf, 6, "\x01", 1), 6);
	assert_int_equal(sh_json_escape(buf, 2, "abc", 3), (size_t)-1);
	assert_int_equal(sh_json_escape(buf, 0, "", 0), 0);
}

/** sh_time_format: RFC 3339, UTC, milliseconds, Z. */
static void
test_time_format(void** state)
{
	struct timespec ts;
	char buf[32];
	(void)state;
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	assert_int_equal(sh_time_format(&ts, buf), 24);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	ts.tv_sec = 1680091200;
	ts.tv_nsec = 999999999;
	sh_time_format(&ts, buf);
	assert_string_equal(buf, "2023-03-29T12:00:00.999Z");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_line),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_idn_indicator),
		cmocka_unit_test(test_hostile_qname),
		cmocka_unit_test(test_ipv6_and_transports),
		cmocka_unit_test(test_internal),
		cmocka_unit_test(test_confidence),
		cmocka_unit_test(test_root_name),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_time_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
