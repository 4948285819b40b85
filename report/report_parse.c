/*
 * tools/report_parse.c - log line parser, times, prefixes and the reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The input side of `sinkholectl report`:
 *  - a strict JSON scanner for one client log line.  It walks the whole
 *    object (nested objects and arrays, any key order, RFC 8259 numbers,
 *    literals and string escapes including surrogate pairs, valid UTF-8
 *    only) and keeps the handful of fields the report needs.  Strings
 *    are decoded in place in the caller's line buffer, so nothing is
 *    allocated per line; a field present twice, a wanted field of the
 *    wrong type, or anything after the object but white space makes
 *    the line bad;
 *  - RFC 3339 time parsing to epoch milliseconds, --since/--until
 *    arguments, RFC 3339 formatting;
 *  - IPv4/IPv6 prefix matching and "name or below" matching;
 *  - a buffered line reader: plain files, gzip files (recognised by the
 *    magic bytes 1f 8b and read through zlib, multi-member files
 *    included) and stdin;
 *  - the --names reader (hosts, ISC dhcpd leases, dnsmasq leases).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "report.h"
#include "util.h"
#include "schema.h"

/* ------------------------------------------------------------------ */
/* The JSON scanner                                                    */
/* ------------------------------------------------------------------ */

/** Deepest nesting of objects and arrays accepted. */
#define JS_MAX_DEPTH 32

/** The objects whose members the report reads. */
enum js_ctx {
	JC_TOP, JC_EVENT, JC_CLIENT, JC_RULE, JC_DNS, JC_QUESTION,
	JC_NETWORK, JC_UNBOUND, JC_OBSERVER, JC_TLS, JC_TLS_CLIENT, JC_URL,
	JC_UA, JC_DEST, JC_OTHER
};

/** The fields the report reads. */
enum js_field {
	JF_NONE = -1, JF_TIMESTAMP = 0, JF_KIND, JF_REASON, JF_CLIENT_IP,
	JF_RULE, JF_RULESET, JF_QNAME, JF_QTYPE, JF_TRANSPORT, JF_ORIGIN,
	JF_NET_TRANSPORT, JF_DATASET, JF_OBSERVER, JF_ACTION, JF_SNI, JF_HOST,
	JF_PATH, JF_UA, JF_DPORT, JF_COUNT
};

/** A member the report knows: a field (string) or a nested object. */
struct js_key {
	/** object it is a member of */
	enum js_ctx ctx;
	/** its key */
	const char* key;
	/** the field, or JF_NONE for an object */
	enum js_field field;
	/** the object, when field is JF_NONE */
	enum js_ctx child;
};

/** The members the report knows. */
static const struct js_key js_keys[] = {
	{JC_TOP, "@timestamp", JF_TIMESTAMP, JC_OTHER},
	{JC_TOP, "event", JF_NONE, JC_EVENT},
	{JC_TOP, "client", JF_NONE, JC_CLIENT},
	{JC_TOP, "rule", JF_NONE, JC_RULE},
	{JC_TOP, "dns", JF_NONE, JC_DNS},
	{JC_TOP, "network", JF_NONE, JC_NETWORK},
	{JC_TOP, SH_EV_MODULE, JF_NONE, JC_UNBOUND},
	{JC_TOP, "observer", JF_NONE, JC_OBSERVER},
	{JC_EVENT, "kind", JF_KIND, JC_OTHER},
	{JC_EVENT, "dataset", JF_DATASET, JC_OTHER},
	{JC_EVENT, "reason", JF_REASON, JC_OTHER},
	{JC_CLIENT, "ip", JF_CLIENT_IP, JC_OTHER},
	{JC_RULE, "name", JF_RULE, JC_OTHER},
	{JC_RULE, "ruleset", JF_RULESET, JC_OTHER},
	{JC_DNS, "question", JF_NONE, JC_QUESTION},
	{JC_QUESTION, "name", JF_QNAME, JC_OTHER},
	{JC_QUESTION, "type", JF_QTYPE, JC_OTHER},
	{JC_NETWORK, "transport", JF_NET_TRANSPORT, JC_OTHER},
	{JC_UNBOUND, "transport", JF_TRANSPORT, JC_OTHER},
	{JC_UNBOUND, "origin", JF_ORIGIN, JC_OTHER},
	{JC_OBSERVER, "name", JF_OBSERVER, JC_OTHER},
	/* the sinkhole listener's lines */
	{JC_EVENT, "action", JF_ACTION, JC_OTHER},
	{JC_TOP, "tls", JF_NONE, JC_TLS},
	{JC_TLS, "client", JF_NONE, JC_TLS_CLIENT},
	{JC_TLS_CLIENT, "server_name", JF_SNI, JC_OTHER},
	{JC_TOP, "url", JF_NONE, JC_URL},
	{JC_URL, "domain", JF_HOST, JC_OTHER},
	{JC_URL, "path", JF_PATH, JC_OTHER},
	{JC_TOP, "user_agent", JF_NONE, JC_UA},
	{JC_UA, "original", JF_UA, JC_OTHER},
	{JC_TOP, "destination", JF_NONE, JC_DEST},
	{JC_DEST, "port", JF_DPORT, JC_OTHER}
};

/** Scanner state over one line. */
struct js {
	/** cursor */
	char* p;
	/** end of the line */
	char* end;
	/** current nesting depth */
	unsigned depth;
	/** the fields found, decoded, NUL terminated */
	const char* f[JF_COUNT];
	/** the decoded length of each field */
	size_t flen[JF_COUNT];
	/** destination.port (a number, not a string), -1 when absent */
	long dport;
};

static int js_value(struct js* j, enum js_field field, enum js_ctx child);

/**
 * Skip JSON white space.
 * @param j: the scanner.
 */
static void
js_ws(struct js* j)
{
	while(j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
		*j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/**
 * Decode a \u escape (and the low half of a surrogate pair).
 * @param j: the scanner, at the 'u'; advanced past the escape.
 * @param dst: where the UTF-8 goes; advanced.
 * @return 1 on success, 0 on a bad escape or a lone surrogate.
 */
static int
js_unicode(struct js* j, char** dst)
{
	long cp, lo;
	if(j->end - j->p < 5 || (cp = sh_hex4(j->p + 1)) < 0)
		return 0;
	j->p += 5;
	if(cp >= 0xdc00 && cp <= 0xdfff)
		return 0;
	if(cp >= 0xd800 && cp <= 0xdbff) {
		if(j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
			(lo = sh_hex4(j->p + 2)) < 0xdc00 || lo > 0xdfff)
			return 0;
		j->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	*dst += sh_utf8_put((unsigned long)cp, *dst);
	return 1;
}

/**
 * Decode one backslash escape.
 * @param j: the scanner, at the backslash; advanced past the escape.
 * @param dst: where the decoded bytes go; advanced.
 * @return 1 on success, 0 on a bad escape.
 */
static int
js_escape(struct js* j, char** dst)
{
	char c;
	if(++j->p >= j->end)
		return 0;
	switch(*j->p) {
	case '"': c = '"'; break;
	case '\\': c = '\\'; break;
	case '/': c = '/'; break;
	case 'b': c = '\b'; break;
	case 'f': c = '\f'; break;
	case 'n': c = '\n'; break;
	case 'r': c = '\r'; break;
	case 't': c = '\t'; break;
	case 'u': return js_unicode(j, dst);
	default: return 0;
	}
	*(*dst)++ = c;
	j->p++;
	return 1;
}

/**
 * Read a string and decode it in place.  The decoded text is never
 * longer than the escaped one, so it is written over it and NUL
 * terminated at most where the closing quote was.
 * @param j: the scanner, at the opening quote; advanced past the end.
 * @param out: set to the decoded string.
 * @param outlen: set to its length (it may hold NUL bytes from \u0000).
 * @return 1 on success, 0 on a malformed string.
 */
static int
js_string(struct js* j, const char** out, size_t* outlen)
{
	char* start = ++j->p, *dst = start;
	size_t n;
	while(j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;
		if(c == '"') {
			*dst = 0;
			*out = start;
			*outlen = (size_t)(dst - start);
			j->p++;
			return 1;
		} else if(c == '\\') {
			if(!js_escape(j, &dst))
				return 0;
		} else if(c < 0x20) {
			return 0;
		} else if(c < 0x80) {
			*dst++ = (char)c;
			j->p++;
		} else {
			if(!(n = sh_utf8_len((unsigned char*)j->p,
				(size_t)(j->end - j->p))))
				return 0;
			memmove(dst, j->p, n);
			dst += n;
			j->p += n;
		}
	}
	return 0;
}

/**
 * Skip a run of decimal digits.
 * @param j: the scanner.
 * @return number of digits skipped.
 */
static size_t
js_digits(struct js* j)
{
	char* s = j->p;
	while(j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return (size_t)(j->p - s);
}

/**
 * Read a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * @param j: the scanner, at the number.
 * @return 1 on success, 0 if it is not a number.
 */
static int
js_number(struct js* j)
{
	size_t n;
	if(j->p < j->end && *j->p == '-')
		j->p++;
	if(j->p >= j->end)
		return 0;
	if(*j->p == '0')
		j->p++;
	else if(js_digits(j) == 0)
		return 0;
	if(j->p < j->end && *j->p == '.') {
		j->p++;
		if(js_digits(j) == 0)
			return 0;
	}
	if(j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if(j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		n = js_digits(j);
		if(n == 0)
			return 0;
	}
	return 1;
}

/**
 * Read a literal: true, false or null.
 * @param j: the scanner.
 * @return 1 on success, 0 if it is none of them.
 */
static int
js_literal(struct js* j)
{
	static const char* const lits[] = {"true", "false", "null"};
	size_t i, n;
	for(i = 0; i < 3; i++) {
		n = strlen(lits[i]);
		if((size_t)(j->end - j->p) >= n &&
			memcmp(j->p, lits[i], n) == 0) {
			j->p += n;
			return 1;
		}
	}
	return 0;
}

/**
 * Find what the report makes of a member.
 * @param ctx: the object.
 * @param key: the member's decoded key.
 * @param klen: its length.
 * @param child: set to the nested object the report reads, or JC_OTHER.
 * @return the field, or JF_NONE.
 */
static enum js_field
js_lookup(enum js_ctx ctx, const char* key, size_t klen, enum js_ctx* child)
{
	size_t i;
	*child = JC_OTHER;
	if(ctx == JC_OTHER)
		return JF_NONE;
	for(i = 0; i < sizeof(js_keys) / sizeof(js_keys[0]); i++) {
		if(js_keys[i].ctx != ctx || strlen(js_keys[i].key) != klen ||
			memcmp(js_keys[i].key, key, klen) != 0)
			continue;
		*child = js_keys[i].child;
		return js_keys[i].field;
	}
	return JF_NONE;
}

/**
 * Enter an object or array at its opening bracket.
 * @param j: the scanner, at the bracket.
 * @param close: the closing bracket.
 * @return 1 if it was empty (and is closed now), 0 if members follow,
 *	-1 if nested too deep.
 */
static int
js_enter(struct js* j, char close)
{
	if(++j->depth > JS_MAX_DEPTH)
		return -1;
	j->p++;
	js_ws(j);
	if(j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return 1;
	}
	return 0;
}

/**
 * Step past a member of an object or array: a comma or the close.
 * @param j: the scanner, after the member.
 * @param close: the closing bracket.
 * @return 1 if the container is closed now, 0 if another member
 *	follows, -1 if malformed.
 */
static int
js_next(struct js* j, char close)
{
	js_ws(j);
	if(j->p >= j->end)
		return -1;
	if(*j->p == close) {
		j->p++;
		j->depth--;
		return 1;
	}
	if(*j->p++ != ',')
		return -1;
	js_ws(j);
	return 0;
}

/**
 * Read an object.
 * @param j: the scanner, at the '{'.
 * @param ctx: which object it is.
 * @return 1 on success, 0 if malformed.
 */
static int
js_object(struct js* j, enum js_ctx ctx)
{
	const char* key;
	size_t klen;
	enum js_ctx child;
	enum js_field field;
	int r = js_enter(j, '}');
	while(r == 0) {
		if(j->p >= j->end || *j->p != '"' || !js_string(j, &key, &klen))
			return 0;
		js_ws(j);
		if(j->p >= j->end || *j->p != ':')
			return 0;
		j->p++;
		js_ws(j);
		field = js_lookup(ctx, key, klen, &child);
		if(!js_value(j, field, child))
			return 0;
		r = js_next(j, '}');
	}
	return r > 0;
}

/**
 * Read an array.
 * @param j: the scanner, at the '['.
 * @return 1 on success, 0 if malformed.
 */
static int
js_array(struct js* j)
{
	int r = js_enter(j, ']');
	while(r == 0) {
		if(!js_value(j, JF_NONE, JC_OTHER))
			return 0;
		r = js_next(j, ']');
	}
	return r > 0;
}

/**
 * Read destination.port: an integer 0..65535, once.
 * @param j: the scanner, at the value.
 * @return 1 on success, 0 if malformed, out of range or repeated.
 */
static int
js_port(struct js* j)
{
	const char* s = j->p;
	long v = 0;
	if(j->dport >= 0 || !js_number(j))
		return 0;
	for(; s < j->p; s++) {
		if(*s < '0' || *s > '9' || v > 65535)
			return 0;
		v = v * 10 + (*s - '0');
	}
	if(v > 65535)
		return 0;
	j->dport = v;
	return 1;
}

/**
 * Read a value.  A wanted field must be a string and appear once; a
 * wanted object must be an object.
 * @param j: the scanner, at the value.
 * @param field: the field it is, or JF_NONE.
 * @param child: the object it is, or JC_OTHER.
 * @return 1 on success, 0 if malformed or of the wrong type.
 */
static int
js_value(struct js* j, enum js_field field, enum js_ctx child)
{
	const char* s;
	size_t len;
	if(j->p >= j->end)
		return 0;
	if(field == JF_DPORT)
		return js_port(j);
	if(field != JF_NONE) {
		if(*j->p != '"' || j->f[field] || !js_string(j, &s, &len))
			return 0;
		j->f[field] = s;
		j->flen[field] = len;
		return 1;
	}
	if(child != JC_OTHER && *j->p != '{')
		return 0;
	switch(*j->p) {
	case '{': return js_object(j, child);
	case '[': return js_array(j);
	case '"': return js_string(j, &s, &len);
	case 't': case 'f': case 'n': return js_literal(j);
	default: return js_number(j);
	}
}

/**
 * Is a string a valid IPv4 or IPv6 address?
 * @param s: the text.
 * @return 1 if it is.
 */
static int
ip_valid(const char* s)
{
	unsigned char a[16];
	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/**
 * Check and copy the fields of an alert line.
 * @param j: the scanner after a successful parse.
 * @param ev: filled in.
 * @return SH_REPORT_LINE_EVENT, or SH_REPORT_LINE_BAD.
 */
static enum sh_report_kind
js_event(const struct js* j, struct sh_report_event* ev)
{
	int i;
	for(i = 0; i < JF_COUNT; i++)	/* no field may hold a NUL */
		if(j->f[i] && strlen(j->f[i]) != j->flen[i])
			return SH_REPORT_LINE_BAD;
	ev->timestamp = j->f[JF_TIMESTAMP];
	ev->rule = j->f[JF_RULE];
	ev->ruleset = j->f[JF_RULESET];
	ev->origin = j->f[JF_ORIGIN];
	if(!ev->timestamp || !sh_report_parse_time(ev->timestamp,
		&ev->ts_ms) || !ev->rule || !*ev->rule || !ev->ruleset ||
		!*ev->ruleset)
		return SH_REPORT_LINE_BAD;
	if(ev->origin && strcmp(ev->origin, "internal") == 0)
		ev->client = SH_REPORT_INTERNAL;
	else if((ev->client = j->f[JF_CLIENT_IP]) == NULL ||
		!ip_valid(ev->client))
		return SH_REPORT_LINE_BAD;
	ev->reason = j->f[JF_REASON];
	ev->qname = j->f[JF_QNAME];
	ev->qtype = j->f[JF_QTYPE] && *j->f[JF_QTYPE] ? j->f[JF_QTYPE] : "?";
	ev->net_transport = j->f[JF_NET_TRANSPORT];
	ev->observer = j->f[JF_OBSERVER] && *j->f[JF_OBSERVER] ?
		j->f[JF_OBSERVER] : "?";
	ev->transport = j->f[JF_TRANSPORT] && *j->f[JF_TRANSPORT] ?
		j->f[JF_TRANSPORT] : (ev->net_transport && *ev->net_transport
		? ev->net_transport : "?");
	return SH_REPORT_LINE_EVENT;
}

/**
 * Check and copy the fields of a sinkhole listener alert: a client's
 * contact with the sinkhole address.
 * @param j: the scanner after a successful parse.
 * @param ev: filled in.
 * @return SH_REPORT_LINE_CONTACT, or SH_REPORT_LINE_BAD.
 */
static enum sh_report_kind
js_contact(const struct js* j, struct sh_report_event* ev)
{
	int i;
	for(i = 0; i < JF_COUNT; i++)
		if(j->f[i] && strlen(j->f[i]) != j->flen[i])
			return SH_REPORT_LINE_BAD;
	ev->timestamp = j->f[JF_TIMESTAMP];
	ev->client = j->f[JF_CLIENT_IP];
	ev->action = j->f[JF_ACTION];
	if(!ev->timestamp || !sh_report_parse_time(ev->timestamp, &ev->ts_ms)
		|| !ev->client || !ip_valid(ev->client) || !ev->action ||
		!*ev->action)
		return SH_REPORT_LINE_BAD;
	ev->net_transport = j->f[JF_NET_TRANSPORT];
	ev->transport = ev->net_transport && *ev->net_transport ?
		ev->net_transport : "?";
	ev->sni = j->f[JF_SNI];
	ev->host = j->f[JF_HOST];
	ev->path = j->f[JF_PATH];
	ev->user_agent = j->f[JF_UA];
	ev->dport = (int)j->dport;
	return SH_REPORT_LINE_CONTACT;
}

enum sh_report_kind
sh_report_parse_line(char* line, size_t len, struct sh_report_event* ev)
{
	struct js j;
	int lsn;
	memset(ev, 0, sizeof(*ev));
	memset(&j, 0, sizeof(j));
	ev->dport = -1;
	j.dport = -1;
	j.p = line;
	j.end = line + len;
	js_ws(&j);
	if(j.p >= j.end || *j.p != '{' || !js_object(&j, JC_TOP))
		return SH_REPORT_LINE_BAD;
	js_ws(&j);
	if(j.p != j.end || !j.f[JF_KIND])
		return SH_REPORT_LINE_BAD;
	ev->kind = j.f[JF_KIND];
	ev->dataset = j.f[JF_DATASET];
	lsn = j.f[JF_DATASET] && strcmp(j.f[JF_DATASET],
		SH_EV_DATASET_LISTENER) == 0;
	if(lsn && strcmp(ev->kind, SH_EV_KIND_EVENT) == 0)
		return SH_REPORT_LINE_LISTENER_NOTE;
	if(lsn && strcmp(ev->kind, SH_EV_KIND_ALERT) == 0)
		return js_contact(&j, ev);
	if(strcmp(ev->kind, SH_EV_KIND_METRIC) == 0)
		return SH_REPORT_LINE_METRIC;
	if(strcmp(ev->kind, SH_EV_KIND_EVENT) == 0)
		return j.f[JF_DATASET] && strcmp(j.f[JF_DATASET],
			SH_EV_DATASET_RELOAD) == 0 ? SH_REPORT_LINE_OPS :
			SH_REPORT_LINE_NOTE;
	if(strcmp(ev->kind, SH_EV_KIND_ALERT) != 0)
		return SH_REPORT_LINE_BAD;
	return js_event(&j, ev);
}

/* ------------------------------------------------------------------ */
/* Times                                                               */
/* ------------------------------------------------------------------ */

int
sh_report_parse_time(const char* s, int64_t* ms)
{
	return sh_time_parse(s, strlen(s), 0, ms);
}

int
sh_report_parse_when(const char* s, int64_t now_ms, int64_t* ms)
{
	static const char units[] = "smhdw";
	static const int64_t mult[] = {1000, 60000, 3600000, 86400000,
		604800000};
	int64_t n = 0;
	const char* p = s, *u;
	if(sh_time_parse(s, strlen(s), 1, ms))
		return 1;
	for(; *p >= '0' && *p <= '9' && n < 100000000; p++)
		n = n * 10 + (*p - '0');
	if(p == s || n == 0 || !*p || p[1] || !(u = strchr(units, *p)))
		return 0;
	*ms = now_ms - n * mult[u - units];
	return 1;
}

char*
sh_report_fmt_time(int64_t ms, int with_ms, char buf[32])
{
	int64_t sec = ms / 1000, rem = ms % 1000;
	time_t t;
	struct tm tm;
	if(rem < 0) {
		rem += 1000;
		sec--;
	}
	t = (time_t)sec;
	if(!gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 8099) {
		snprintf(buf, 32, "?");
		return buf;
	}
	/* the modulos only tell the compiler the ranges gmtime keeps */
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d",
		(tm.tm_year + 1900) % 10000, tm.tm_mon % 12 + 1,
		tm.tm_mday % 32, tm.tm_hour % 24, tm.tm_min % 60,
		tm.tm_sec % 61);
	if(with_ms)
		snprintf(buf + 19, 13, ".%03dZ", (int)rem % 1000);
	else	snprintf(buf + 19, 13, "Z");
	return buf;
}

/* ------------------------------------------------------------------ */
/* Prefixes and names                                                  */
/* ------------------------------------------------------------------ */

int
sh_report_cidr_parse(const char* s, struct sh_report_cidr* c)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char* slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	long bits;
	char* end;
	if(len == 0 || len >= sizeof(addr))
		return 0;
	memcpy(addr, s, len);
	addr[len] = 0;
	memset(c, 0, sizeof(*c));
	if(inet_pton(AF_INET, addr, c->addr) == 1)
		c->family = 4;
	else if(inet_pton(AF_INET6, addr, c->addr) == 1)
		c->family = 6;
	else	return 0;
	c->bits = c->family == 4 ? 32 : 128;
	if(!slash)
		return 1;
	if(slash[1] < '0' || slash[1] > '9')
		return 0;
	bits = strtol(slash + 1, &end, 10);
	if(*end || bits > c->bits)
		return 0;
	c->bits = (int)bits;
	return 1;
}

/**
 * Compare the first bits of two addresses.
 * @param a: one.
 * @param b: the other.
 * @param bits: how many bits.
 * @return 1 if equal.
 */
static int
prefix_equal(const uint8_t* a, const uint8_t* b, int bits)
{
	int full = bits / 8, rest = bits % 8;
	uint8_t mask;
	if(memcmp(a, b, (size_t)full) != 0)
		return 0;
	if(rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

int
sh_report_cidr_match(const struct sh_report_cidr* c, const char* ip)
{
	static const uint8_t mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
	uint8_t a[16];
	if(inet_pton(AF_INET, ip, a) == 1) {
		if(c->family == 4)
			return prefix_equal(a, c->addr, c->bits);
		memmove(a + 12, a, 4);
		memcpy(a, mapped, 12);
		return prefix_equal(a, c->addr, c->bits);
	}
	if(inet_pton(AF_INET6, ip, a) != 1)
		return 0;
	if(c->family == 6)
		return prefix_equal(a, c->addr, c->bits);
	return memcmp(a, mapped, 12) == 0 &&
		prefix_equal(a + 12, c->addr, c->bits);
}

/**
 * Is the byte at s[i] escaped by a backslash (an odd run before it)?
 * @param s: the text.
 * @param i: the position.
 * @return 1 if escaped.
 */
static int
is_escaped(const char* s, size_t i)
{
	size_t n = 0;
	while(i > n && s[i - n - 1] == '\\')
		n++;
	return (int)(n & 1);
}

/**
 * Length of a presentation name without its trailing (unescaped) dot.
 * @param s: the name.
 * @return the length.
 */
static size_t
name_len(const char* s)
{
	size_t n = strlen(s);
	if(n > 0 && s[n - 1] == '.' && !is_escaped(s, n - 1))
		n--;
	return n;
}

int
sh_report_name_below(const char* name, const char* parent)
{
	size_t nl = name_len(name), pl = name_len(parent), off;
	if(pl == 0)
		return 1;	/* the root is above everything */
	if(nl < pl || strncasecmp(name + nl - pl, parent, pl) != 0)
		return 0;
	if(nl == pl)
		return 1;
	off = nl - pl - 1;
	return name[off] == '.' && !is_escaped(name, off);
}

/* ------------------------------------------------------------------ */
/* The line reader                                                     */
/* ------------------------------------------------------------------ */

/** Reader of one log. */
struct sh_report_reader {
	/** the file descriptor, owned */
	int fd;
	/** zlib stream over fd for gzip data and stdin, or NULL */
	gzFile gz;
	/** buffer of SH_REPORT_LINE_MAX + 1 bytes */
	char* buf;
	/** unread data is buf[start..end) */
	size_t start, end;
	/** end of input reached */
	int eof;
	/** an error to return once the buffer is empty: -1 read error,
	 * -2 bad gzip data, 0 none */
	int failed;
	/** inside a line longer than the buffer */
	int skipping;
	/** bytes read */
	uint64_t bytes;
	/** last error, or NULL */
	const char* err;
};

/**
 * Decide how to read an open file and set the reader up.
 * @param r: the reader with fd set.
 * @param err: set on failure.
 * @return 1 on success, 0 on failure.
 */
static int
reader_setup(struct sh_report_reader* r, const char** err)
{
	struct stat st;
	unsigned char magic[2];
	int gz = 1;
	if(fstat(r->fd, &st) != 0) {
		*err = strerror(errno);
		return 0;
	}
	if(S_ISDIR(st.st_mode)) {
		*err = strerror(EISDIR);
		return 0;
	}
	/* regular files: look at the magic; pipes go through zlib,
	 * which recognises gzip itself and passes other data through */
	if(S_ISREG(st.st_mode))
		gz = pread(r->fd, magic, 2, 0) == 2 && magic[0] == 0x1f &&
			magic[1] == 0x8b;
	if(!gz)
		return 1;
	if(!(r->gz = gzdopen(r->fd, "rb"))) {
		*err = "cannot start decompression";
		return 0;
	}
	r->fd = -1;	/* owned by the gzFile now */
	gzbuffer(r->gz, 256 * 1024);
	return 1;
}

struct sh_report_reader*
sh_report_reader_open(const char* path, const char** err)
{
	struct sh_report_reader* r = calloc(1, sizeof(*r));
	if(!r || !(r->buf = malloc(SH_REPORT_LINE_MAX + 1))) {
		*err = strerror(ENOMEM);
		goto error;
	}
	if(strcmp(path, "-") == 0)
		r->fd = dup(0);
	else	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if(r->fd < 0) {
		*err = strerror(errno);
		goto error;
	}
	if(!reader_setup(r, err))
		goto error;
	return r;
error:
	sh_report_reader_close(r);
	return NULL;
}

/**
 * Read more data into the buffer after end.
 * @param r: the reader, with room after end.
 */
static void
reader_fill(struct sh_report_reader* r)
{
	size_t room = SH_REPORT_LINE_MAX - r->end;
	ssize_t n;
	int errnum;
	if(r->gz) {
		n = gzread(r->gz, r->buf + r->end, (unsigned)room);
		if(n <= 0) {
			const char* msg = gzerror(r->gz, &errnum);
			if(n < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
				r->err = errnum == Z_BUF_ERROR ?
					"truncated gzip data" : msg;
				r->failed = errnum == Z_ERRNO ? -1 : -2;
			}
		}
	} else {
		do n = read(r->fd, r->buf + r->end, room);
		while(n < 0 && errno == EINTR);
		if(n < 0) {
			r->err = strerror(errno);
			r->failed = -1;
		}
	}
	if(n <= 0) {
		r->eof = 1;
		return;
	}
	r->end += (size_t)n;
	r->bytes += (uint64_t)n;
}

/**
 * Return the text left at the end of input (a last line without a
 * newline), or the end.
 * @param r: the reader at end of input.
 * @param line: set to the line.
 * @param len: set to its length.
 * @return as sh_report_reader_next.
 */
static int
reader_tail(struct sh_report_reader* r, char** line, size_t* len)
{
	int n;
	if(r->end > r->start && !r->skipping) {
		*line = r->buf + r->start;
		*len = r->end - r->start;
		r->buf[r->end] = 0;
		r->start = r->end;
		return 1;
	}
	r->start = r->end = 0;
	n = r->failed;
	r->failed = 0;
	return n;
}

int
sh_report_reader_next(struct sh_report_reader* r, char** line, size_t* len)
{
	char* nl;
	for(;;) {
		nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if(nl) {
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line);
			*nl = 0;
			r->start = (size_t)(nl + 1 - r->buf);
			if(!r->skipping)
				return 1;
			r->skipping = 0;	/* the end of a long line */
			continue;
		}
		if(r->eof)
			return reader_tail(r, line, len);
		if(r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if(r->end == SH_REPORT_LINE_MAX) {
			r->end = 0;	/* no newline in a full buffer */
			if(!r->skipping) {
				r->skipping = 1;
				return 2;
			}
		}
		reader_fill(r);
	}
}

const char*
sh_report_reader_error(struct sh_report_reader* r)
{
	return r->err;
}

uint64_t
sh_report_reader_bytes(const struct sh_report_reader* r)
{
	return r->bytes;
}

void
sh_report_reader_close(struct sh_report_reader* r)
{
	if(!r)
		return;
	if(r->gz)
		gzclose(r->gz);
	if(r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r);
}

/* ------------------------------------------------------------------ */
/* Client names                                                        */
/* ------------------------------------------------------------------ */

/**
 * Normalise an address to the text the log uses (inet_ntop; IPv4-mapped
 * IPv6 as IPv4).
 * @param s: the address text.
 * @param out: destination.
 * @return 1 if s is an address, 0 if not.
 */
static int
ip_norm(const char* s, char out[INET6_ADDRSTRLEN])
{
	static const uint8_t mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
	uint8_t a[16];
	if(inet_pton(AF_INET, s, a) == 1)
		return inet_ntop(AF_INET, a, out, INET6_ADDRSTRLEN) != NULL;
	if(inet_pton(AF_INET6, s, a) != 1)
		return 0;
	if(memcmp(a, mapped, 12) == 0)
		return inet_ntop(AF_INET, a + 12, out, INET6_ADDRSTRLEN) != NULL;
	return inet_ntop(AF_INET6, a, out, INET6_ADDRSTRLEN) != NULL;
}

/**
 * Set the name of an address; a later one replaces an earlier one.
 * @param n: the table.
 * @param ip: the address (normalised).
 * @param name: the name (copied, at most 255 bytes kept).
 * @return 1 on success, 0 on out of memory.
 */
static int
names_set(struct sh_report_names* n, const char* ip, const char* name)
{
	uint32_t id, oldcap = n->ips.cap;
	int r = sh_report_strmap_intern(&n->ips, ip, &id);
	char** v;
	if(r == 0)
		return 0;
	if(n->ips.cap != oldcap) {
		if(!(v = realloc(n->name, n->ips.cap * sizeof(*v))))
			return 0;
		memset(v + oldcap, 0, (n->ips.cap - oldcap) * sizeof(*v));
		n->name = v;
	}
	free(n->name[id]);
	n->name[id] = strndup(name, 255);
	return n->name[id] != NULL;
}

/**
 * Split a line into white-space separated words, in place.
 * @param s: the line, modified.
 * @param w: destination of up to max words.
 * @param max: most words.
 * @return number of words.
 */
static int
split_words(char* s, char** w, int max)
{
	int n = 0;
	while(n < max) {
		while(*s && isspace((unsigned char)*s))
			s++;
		if(!*s || *s == '#')
			break;
		w[n++] = s;
		while(*s && !isspace((unsigned char)*s))
			s++;
		if(*s)
			*s++ = 0;
	}
	return n;
}

/**
 * Handle a line inside a dhcpd lease block: client-hostname and the end.
 * @param n: the table.
 * @param line: the line.
 * @param ip: the lease's address; emptied at the block's end.
 * @return 1 on success, 0 on out of memory.
 */
static int
names_lease_line(struct sh_report_names* n, char* line, char* ip)
{
	char* p = strstr(line, "client-hostname \""), *q;
	if(strchr(line, '}'))
		ip[0] = 0;
	if(!p)
		return 1;
	p += strlen("client-hostname \"");
	if(!(q = strchr(p, '"')) || q == p)
		return 1;
	*q = 0;
	return names_set(n, ip, p);
}

/**
 * Handle one line outside a lease block.
 * @param n: the table.
 * @param line: the line, modified.
 * @param lease_ip: set to the address when a lease block starts.
 * @return 1 on success, 0 on out of memory.
 */
static int
names_line(struct sh_report_names* n, char* line,
	char lease_ip[INET6_ADDRSTRLEN])
{
	char ip[INET6_ADDRSTRLEN];
	char* w[5];
	int nw = split_words(line, w, 5);
	if(nw >= 2 && strcmp(w[0], "lease") == 0 && ip_norm(w[1], ip)) {
		memcpy(lease_ip, ip, sizeof(ip));	/* ISC dhcpd */
		return 1;
	}
	if(nw >= 4 && strspn(w[0], "0123456789") == strlen(w[0]) &&
		strchr(w[1], ':') && ip_norm(w[2], ip))	/* dnsmasq */
		return strcmp(w[3], "*") == 0 ? 1 : names_set(n, ip, w[3]);
	if(nw >= 2 && ip_norm(w[0], ip))	/* hosts */
		return names_set(n, ip, w[1]);
	return 1;
}

int
sh_report_names_load(struct sh_report_names* n, const char* path)
{
	char lease_ip[INET6_ADDRSTRLEN] = "";
	char* line = NULL;
	size_t cap = 0;
	FILE* f = fopen(path, "r");
	int ok = 1;
	if(!f)
		return 0;
	while(ok && getline(&line, &cap, f) != -1) {
		if(lease_ip[0])
			ok = names_lease_line(n, line, lease_ip);
		else	ok = names_line(n, line, lease_ip);
	}
	if(ok && ferror(f)) {
		ok = 0;
	} else if(!ok)
		errno = ENOMEM;
	free(line);
	fclose(f);
	return ok;
}

const char*
sh_report_names_get(const struct sh_report_names* n, const char* ip)
{
	char norm[INET6_ADDRSTRLEN];
	uint32_t id;
	if(!n->name || !ip_norm(ip, norm))
		return NULL;
	id = sh_report_strmap_find(&n->ips, norm);
	return id == UINT32_MAX ? NULL : n->name[id];
}

void
sh_report_names_clear(struct sh_report_names* n)
{
	uint32_t i;
	for(i = 0; n->name && i < n->ips.n; i++)
		free(n->name[i]);
	free(n->name);
	n->name = NULL;
	sh_report_strmap_clear(&n->ips);
}
