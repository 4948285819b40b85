/*
 * event.c - client events as Elastic Common Schema JSON lines.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Formatting of one sinkholed query as one line of JSON with nested
 * objects in the Elastic Common Schema (ECS 8.11), keys in a fixed
 * order.  All strings pass through sh_json_escape; the query name is
 * first written losslessly by sh_name_to_text, so hostile names (NUL,
 * quotes, backslashes, control bytes, dots inside labels, high bytes)
 * come out as printable ASCII that parses back to the same wire name.
 * A line that does not fit the caller's buffer is not written at all:
 * the functions here never produce a truncated line.  Nothing here
 * allocates.
 */
#include "internal.h"
#include "util.h"
#include "schema.h"
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>


void
sh_jb_init(struct sh_jbuf* b, char* buf, size_t len)
{
	b->buf = buf;
	b->len = len;
	b->pos = 0;
	b->ok = (buf != NULL);
}

/**
 * Append bytes as they are.
 * @param b: the line.
 * @param s: bytes.
 * @param n: their number.
 */
void
sh_jb_mem(struct sh_jbuf* b, const char* s, size_t n)
{
	if(!b->ok || b->len - b->pos < n) {
		b->ok = 0;
		return;
	}
	memcpy(b->buf + b->pos, s, n);
	b->pos += n;
}

/**
 * Append a NUL terminated literal as it is (JSON punctuation, keys).
 * @param b: the line.
 * @param s: the text.
 */
void
sh_jb_raw(struct sh_jbuf* b, const char* s)
{
	sh_jb_mem(b, s, strlen(s));
}

/**
 * Append a quoted, escaped JSON string.
 * @param b: the line.
 * @param s: the bytes; NULL is written as an empty string.
 * @param n: their number.
 */
void
sh_jb_strn(struct sh_jbuf* b, const char* s, size_t n)
{
	size_t w;
	sh_jb_mem(b, "\"", 1);
	if(!b->ok)
		return;
	w = sh_json_escape(b->buf + b->pos, b->len - b->pos, s ? s : "",
		s ? n : 0);
	if(w == (size_t)-1) {
		b->ok = 0;
		return;
	}
	b->pos += w;
	sh_jb_mem(b, "\"", 1);
}

/**
 * Append a key and a quoted, escaped NUL terminated string value.
 * @param b: the line.
 * @param key: literal text before the value, e.g. ",\"name\":".
 * @param s: the value; NULL is written as an empty string.
 */
void
sh_jb_kstr(struct sh_jbuf* b, const char* key, const char* s)
{
	sh_jb_raw(b, key);
	sh_jb_strn(b, s, s ? strlen(s) : 0);
}

/**
 * Append a key and an unsigned number.
 * @param b: the line.
 * @param key: literal text before the value.
 * @param v: the number.
 */
void
sh_jb_kuint(struct sh_jbuf* b, const char* key, unsigned long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%lu", v);
	sh_jb_raw(b, key);
	sh_jb_mem(b, num, (size_t)n);
}

/**
 * The JSON escape of one byte, if it needs one.
 * @param c: the byte.
 * @param out: receives the escape, NUL terminated, at least 7 bytes.
 * @return 1 if the byte needs an escape, 0 if it is written as is.
 */
static int
json_escape_byte(unsigned char c, char* out)
{
	const char* hex = "0123456789abcdef";
	const char* two = NULL;
	switch(c) {
	case '"': two = "\\\""; break;
	case '\\': two = "\\\\"; break;
	case '\b': two = "\\b"; break;
	case '\f': two = "\\f"; break;
	case '\n': two = "\\n"; break;
	case '\r': two = "\\r"; break;
	case '\t': two = "\\t"; break;
	default: break;
	}
	if(two) {
		strcpy(out, two);
		return 1;
	}
	if(c >= 0x20 && c < 0x7f)
		return 0;
	/* other control bytes, DEL, and bytes not in valid UTF-8 */
	out[0] = '\\'; out[1] = 'u'; out[2] = '0'; out[3] = '0';
	out[4] = hex[c >> 4]; out[5] = hex[c & 0xf]; out[6] = 0;
	return 1;
}

size_t
sh_json_escape(char* buf, size_t len, const char* s, size_t slen)
{
	const unsigned char* u = (const unsigned char*)s;
	size_t i = 0, o = 0, n;
	char esc[8];
	while(i < slen) {
		n = (u[i] >= 0x80) ? sh_utf8_len(u + i, slen - i) : 0;
		if(n == 0 && json_escape_byte(u[i], esc)) {
			/* an escape for one byte */
			n = strlen(esc);
			if(len - o < n)
				return (size_t)-1;
			memcpy(buf + o, esc, n);
			o += n;
			i++;
			continue;
		}
		if(n == 0)
			n = 1;
		/* one plain byte, or a valid UTF-8 sequence kept as is */
		if(len - o < n)
			return (size_t)-1;
		memcpy(buf + o, u + i, n);
		o += n;
		i += n;
	}
	return o;
}

/**
 * Append a \uXXXX escape.
 * @param b: the line.
 * @param cp: a UTF-16 code unit.
 */
static void
jb_u16(struct sh_jbuf* b, unsigned cp)
{
	char esc[8];
	snprintf(esc, sizeof(esc), "\\u%04x", cp & 0xffff);
	sh_jb_mem(b, esc, 6);
}

/**
 * Append a key and a quoted string that stays printable ASCII: valid
 * UTF-8 characters become \uXXXX escapes (surrogate pairs above the
 * BMP), so a Unicode display name keeps the log pure ASCII and any
 * JSON reader gets the characters back.
 * @param b: the line.
 * @param key: literal text before the value.
 * @param s: NUL terminated UTF-8 value.
 */
static void
jb_kstr_ascii(struct sh_jbuf* b, const char* key, const char* s)
{
	const unsigned char* u = (const unsigned char*)s;
	size_t i = 0, n = strlen(s), k, j;
	unsigned cp;
	char esc[8];
	sh_jb_raw(b, key);
	sh_jb_mem(b, "\"", 1);
	while(i < n && b->ok) {
		k = (u[i] >= 0x80) ? sh_utf8_len(u + i, n - i) : 0;
		if(k == 0) {
			if(json_escape_byte(u[i], esc))
				sh_jb_raw(b, esc);
			else	sh_jb_mem(b, s + i, 1);
			i++;
			continue;
		}
		cp = u[i] & (0xff >> (k + 1));
		for(j = 1; j < k; j++)
			cp = (cp << 6) | (u[i + j] & 0x3f);
		if(cp >= 0x10000) {
			jb_u16(b, 0xd800 + ((cp - 0x10000) >> 10));
			jb_u16(b, 0xdc00 + ((cp - 0x10000) & 0x3ff));
		} else	jb_u16(b, cp);
		i += k;
	}
	sh_jb_mem(b, "\"", 1);
}

size_t
sh_time_format(const struct timespec* ts, char buf[32])
{
	struct tm tm;
	time_t t = ts->tv_sec;
	size_t n;
	long ms = ts->tv_nsec / 1000000;
	if(ms < 0 || ms > 999)
		ms = 0;
	if(!gmtime_r(&t, &tm)) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 70;
		tm.tm_mday = 1;
	}
	n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(buf + n, 32 - n, ".%03ldZ", ms);
	return n;
}

/**
 * ECS confidence word for a 0..100 confidence.
 * @param c: the confidence, or -1 when not known.
 * @return static text.
 */
static const char*
confidence_name(int c)
{
	if(c < 0)
		return "Not Specified";
	if(c <= 29)
		return "Low";
	if(c <= 69)
		return "Medium";
	return "High";
}

/**
 * Transport names for network.transport, network.protocol and
 * unbound_sinkhole.transport.
 * @param t: the transport.
 * @param proto: set to the application protocol ("dns", "tls",
 *	"https").
 * @return the layer 4 transport ("udp", "tcp"), or "internal".
 */
static const char*
transport_names(enum sh_transport t, const char** proto)
{
	*proto = "dns";
	switch(t) {
	case SH_TRANSPORT_UDP: return "udp";
	case SH_TRANSPORT_TCP: return "tcp";
	case SH_TRANSPORT_TLS: *proto = "tls"; return "tcp";
	case SH_TRANSPORT_HTTPS: *proto = "https"; return "tcp";
	case SH_TRANSPORT_INTERNAL:
	default: return "internal";
	}
}

/**
 * Name of a transport in the unbound_sinkhole object.
 * @param t: the transport.
 * @return static text.
 */
static const char*
transport_label(enum sh_transport t)
{
	switch(t) {
	case SH_TRANSPORT_UDP: return "udp";
	case SH_TRANSPORT_TCP: return "tcp";
	case SH_TRANSPORT_TLS: return "tls";
	case SH_TRANSPORT_HTTPS: return "https";
	case SH_TRANSPORT_INTERNAL:
	default: return "internal";
	}
}

/**
 * Text of a client address.  An IPv4-mapped IPv6 address is written
 * as the IPv4 address.
 * @param sa: the address.
 * @param salen: its length.
 * @param ip: destination of INET6_ADDRSTRLEN bytes.
 * @param port: set to the port.
 * @param v6: set to 1 for IPv6, 0 for IPv4.
 * @return 1 on success, 0 for an unknown or short address.
 */
int
sh_sockaddr_text(const struct sockaddr* sa, socklen_t salen, char* ip,
	unsigned* port, int* v6)
{
	if(sa->sa_family == AF_INET &&
		salen >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in* s4 = (const struct sockaddr_in*)sa;
		*port = ntohs(s4->sin_port);
		*v6 = 0;
		return inet_ntop(AF_INET, &s4->sin_addr, ip,
			INET6_ADDRSTRLEN) != NULL;
	}
	if(sa->sa_family == AF_INET6 &&
		salen >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6* s6 =
			(const struct sockaddr_in6*)sa;
		*port = ntohs(s6->sin6_port);
		*v6 = !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr);
		if(!*v6)
			return inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12],
				ip, INET6_ADDRSTRLEN) != NULL;
		return inet_ntop(AF_INET6, &s6->sin6_addr, ip,
			INET6_ADDRSTRLEN) != NULL;
	}
	return 0;
}

/**
 * Write the event object.
 * @param b: the line.
 * @param ev: the event.
 */
static void
ev_event(struct sh_jbuf* b, const struct sh_event* ev)
{
	if(ev->note)
		sh_jb_raw(b, ",\"event\":{\"kind\":\"" SH_EV_KIND_EVENT "\","
			"\"category\":[\"network\"],\"type\":[\"info\"]");
	else	sh_jb_raw(b, ",\"event\":{\"kind\":\"" SH_EV_KIND_ALERT "\","
			"\"category\":[\"network\",\"intrusion_detection\"],"
			"\"type\":[\"denied\"]");
	sh_jb_kstr(b, ",\"action\":", sh_action_name(ev->action));
	sh_jb_kstr(b, ",\"reason\":", ev->reason ? ev->reason : "query");
	sh_jb_raw(b, ",\"dataset\":\"" SH_EV_DATASET_QUERY "\",\"module\":\""
		SH_EV_MODULE "\",\"outcome\":\"success\"}");
}

/**
 * Write the client, source and network objects; nothing for internal
 * queries or when there is no usable client address.
 * @param b: the line.
 * @param ev: the event.
 */
static void
ev_client(struct sh_jbuf* b, const struct sh_event* ev)
{
	char ip[INET6_ADDRSTRLEN];
	const char* proto, *l4;
	unsigned port = 0;
	int v6 = 0;
	if(ev->transport == SH_TRANSPORT_INTERNAL || !ev->client ||
		!sh_sockaddr_text(ev->client, ev->client_len, ip, &port, &v6))
		return;
	sh_jb_kstr(b, ",\"client\":{\"ip\":", ip);
	sh_jb_kuint(b, ",\"port\":", port);
	sh_jb_kstr(b, "},\"source\":{\"ip\":", ip);
	sh_jb_kuint(b, ",\"port\":", port);
	l4 = transport_names(ev->transport, &proto);
	sh_jb_kstr(b, "},\"network\":{\"transport\":", l4);
	sh_jb_kstr(b, ",\"protocol\":", proto);
	sh_jb_kstr(b, ",\"type\":", v6 ? "ipv6" : "ipv4");
	sh_jb_raw(b, "}");
}

/**
 * Write the public suffix split of the query name: ECS defines
 * registered_domain, top_level_domain and subdomain by the public suffix
 * list (for www.cdn.evil.co.uk: evil.co.uk, co.uk, www.cdn), not by the
 * matched indicator.  A field that does not exist for the name (the
 * name is itself a public suffix; no label under the registered domain)
 * is left out.
 * @param b: the line.
 * @param qname: the query name, valid wire.
 */
static void
ev_dns_psl(struct sh_jbuf* b, const uint8_t* qname)
{
	struct sh_psl_parts p;
	if(!sh_psl_split(qname, &p))
		return;
	if(p.registered_domain[0])
		sh_jb_kstr(b, ",\"registered_domain\":", p.registered_domain);
	sh_jb_kstr(b, ",\"top_level_domain\":", p.top_level_domain);
	if(p.subdomain[0])
		sh_jb_kstr(b, ",\"subdomain\":", p.subdomain);
}

/**
 * Write the dns object.  dns.id is a keyword in ECS: written as a string.
 * @param b: the line.
 * @param ev: the event.
 */
static void
ev_dns(struct sh_jbuf* b, const struct sh_event* ev)
{
	char qname[SH_NAME_TEXT_MAX], tbuf[16], id[8];
	if(!ev->qname || sh_name_to_text(ev->qname, qname, sizeof(qname))
		== 0) {
		b->ok = 0;
		return;
	}
	snprintf(id, sizeof(id), "%u", (unsigned)ev->qid);
	sh_jb_kstr(b, ",\"dns\":{\"id\":", id);
	sh_jb_kstr(b, ",\"type\":\"query\",\"question\":{\"name\":", qname);
	sh_jb_kstr(b, ",\"type\":", sh_rrtype_name(ev->qtype, tbuf));
	sh_jb_kstr(b, ",\"class\":", sh_rrclass_name(ev->qclass, tbuf));
	ev_dns_psl(b, ev->qname);
	sh_jb_kstr(b, "},\"response_code\":", sh_rcode_name(ev->rcode, tbuf));
	sh_jb_raw(b, "}");
}

/**
 * Write the rule and threat objects.
 * @param b: the line.
 * @param ev: the event.
 * @param ind: the indicator name as text, or NULL.
 */
static void
ev_rule(struct sh_jbuf* b, const struct sh_event* ev, const char* ind)
{
	sh_jb_kstr(b, ",\"rule\":{\"name\":", ind);
	/* the rule a converted indicator came from: a Sigma rule's id and
	 * title, a STIX indicator's id and name */
	if(ev->rule_uuid)
		sh_jb_kstr(b, ",\"uuid\":", ev->rule_uuid);
	if(ev->rule_title)
		sh_jb_kstr(b, ",\"description\":", ev->rule_title);
	if(ev->feed_id)
		sh_jb_kstr(b, ",\"ruleset\":", ev->feed_id);
	if(ev->feed_reference)
		sh_jb_kstr(b, ",\"reference\":", ev->feed_reference);
	sh_jb_raw(b, "},\"threat\":{\"indicator\":{\"type\":\"domain-name\"");
	/* the display name: U-labels for an internationalised indicator
	 * (rule.name keeps the A-label form that matched) */
	if(ev->indicator_unicode && ind)
		jb_kstr_ascii(b, ",\"name\":", ev->indicator_unicode);
	else	sh_jb_kstr(b, ",\"name\":", ind);
	sh_jb_kstr(b, ",\"confidence\":", confidence_name(ev->confidence));
	sh_jb_raw(b, "}}");
}

/**
 * Write the observer object.
 * @param b: the line.
 * @param identity: the resolver identity, or NULL.
 */
static void
ev_observer(struct sh_jbuf* b, const char* identity)
{
	sh_jb_kstr(b, ",\"observer\":{\"name\":", identity);
	sh_jb_raw(b, "," SH_EV_OBSERVER_REST "}");
}

/**
 * Write the timestamp and ECS version that open every line.
 * @param b: the line.
 * @param ts: the time.
 */
void
sh_jb_open(struct sh_jbuf* b, const struct timespec* ts)
{
	char tbuf[32];
	sh_time_format(ts, tbuf);
	sh_jb_kstr(b, "{\"@timestamp\":", tbuf);
	sh_jb_raw(b, ",\"ecs\":{\"version\":\"" SH_ECS_VERSION "\"}");
}

/**
 * End a line: '\n' and, when there is room, a NUL after it.
 * @param b: the line.
 * @return the line length including '\n', or 0 if it did not fit.
 */
size_t
sh_jb_close(struct sh_jbuf* b)
{
	sh_jb_mem(b, "\n", 1);
	sh_jb_mem(b, "", 1);
	if(!b->ok)
		return 0;
	return b->pos - 1;
}

/**
 * Write the "chain" array of an event (reason cname): every name from
 * the question to the sinkholed name, escaped like dns.question.name.
 * Writes nothing when the event has no chain.
 * @param b: the buffer.
 * @param ev: the event.
 */
static void
ev_chain(struct sh_jbuf* b, const struct sh_event* ev)
{
	char name[SH_NAME_TEXT_MAX];
	size_t i;
	if(!ev->chain || ev->chain_len == 0)
		return;
	sh_jb_raw(b, ",\"chain\":[");
	for(i = 0; i < ev->chain_len; i++) {
		if(!sh_name_to_text(ev->chain[i], name, sizeof(name))) {
			b->ok = 0;
			return;
		}
		sh_jb_kstr(b, i ? "," : "", name);
	}
	sh_jb_raw(b, "]");
}

void
sh_event_set_rule(struct sh_event* ev, const struct sh_feed* feed,
	const struct sh_indicator* ind)
{
	const struct sh_source* src = ind ? ind->src : NULL;
	ev->feed_id = feed ? feed->id : NULL;
	ev->feed_reference = feed && feed->references ? feed->references[0] :
		NULL;
	/* the indicator's own confidence, else its feed's default */
	ev->confidence = ind && ind->confidence >= 0 ? ind->confidence :
		(feed ? feed->default_confidence : -1);
	ev->rule_uuid = src ? src->id : NULL;
	ev->rule_title = src ? src->title : NULL;
	ev->indicator_unicode = ind ? ind->unicode : NULL;
}

size_t
sh_event_format(const struct sh_event* ev, const char* identity,
	char* buf, size_t len)
{
	struct sh_jbuf b;
	char ind[SH_NAME_TEXT_MAX];
	const char* indp = NULL;
	sh_jb_init(&b, buf, len);
	if(ev->indicator && sh_name_to_text(ev->indicator, ind, sizeof(ind)))
		indp = ind;
	sh_jb_open(&b, &ev->time);
	ev_event(&b, ev);
	ev_client(&b, ev);
	ev_dns(&b, ev);
	ev_rule(&b, ev, indp);
	ev_observer(&b, identity);
	sh_jb_kstr(&b, ",\"unbound_sinkhole\":{\"origin\":",
		ev->transport == SH_TRANSPORT_INTERNAL ? "internal" : "client");
	sh_jb_kstr(&b, ",\"action\":", sh_action_name(ev->action));
	sh_jb_kstr(&b, ",\"transport\":", transport_label(ev->transport));
	ev_chain(&b, ev);
	sh_jb_raw(&b, "}}");
	return sh_jb_close(&b);
}
