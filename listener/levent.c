/*
 * levent.c - the sinkhole listener's events as ECS JSON lines.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * One line per connection, per ICMP echo request and per UDP probe at a
 * sinkhole address, in the Elastic Common Schema like the module's own
 * lines (the same writer, lib/event.c's sh_jb_* and sh_json_escape, and
 * the same log writer, lib/log.c), with event.dataset
 * "unbound_sinkhole.listener".  Values sent by the client (SNI, Host,
 * path, User-Agent) are JSON-escaped losslessly; nothing is cut but
 * what the parsers bound.  `sinkholectl report` joins these lines with
 * the module's by client address.
 */
#include "listener.h"
#include "schema.h"
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

/** Most bytes of url.original, url.path and url.query logged. */
#define LE_URL_MAX 1024
/** Most bytes of user_agent.original logged. */
#define LE_UA_MAX 512
/** Most bytes of url.domain logged (a DNS name is at most 253). */
#define LE_HOST_MAX 255

/**
 * Write the event object.
 * @param b: the line.
 * @param ev: the event.
 */
static void
le_event(struct sh_jbuf* b, const struct lsn_event* ev)
{
	if(ev->transport)
		sh_jb_raw(b, ",\"event\":{\"kind\":\"" SH_EV_KIND_ALERT "\","
			"\"category\":[\"network\",\"intrusion_detection\"],"
			"\"type\":[\"connection\",\"denied\"]");
	else	sh_jb_raw(b, ",\"event\":{\"kind\":\"" SH_EV_KIND_EVENT "\","
			"\"category\":[\"process\"],\"type\":[\"info\"]");
	sh_jb_kstr(b, ",\"action\":", ev->action);
	sh_jb_raw(b, ",\"dataset\":\"" SH_EV_DATASET_LISTENER "\",\"module\":\""
		SH_EV_MODULE "\",\"outcome\":\"success\"");
	if(ev->transport && ev->close)
		sh_jb_kuint(b, ",\"duration\":", ev->duration_ms * 1000000UL);
	sh_jb_raw(b, "}");
}

/**
 * Write client, source, destination and network.
 * @param b: the line.
 * @param ev: the event.
 */
static void
le_addrs(struct sh_jbuf* b, const struct lsn_event* ev)
{
	char ip[INET6_ADDRSTRLEN], dip[INET6_ADDRSTRLEN];
	unsigned port = 0, dport = 0;
	int v6 = 0, dv6 = 0;
	if(!ev->src || !sh_sockaddr_text(ev->src, ev->srclen, ip, &port, &v6))
		return;
	sh_jb_kstr(b, ",\"client\":{\"ip\":", ip);
	if(port)
		sh_jb_kuint(b, ",\"port\":", port);
	sh_jb_kstr(b, "},\"source\":{\"ip\":", ip);
	if(port)
		sh_jb_kuint(b, ",\"port\":", port);
	sh_jb_raw(b, "}");
	if(ev->dst && sh_sockaddr_text(ev->dst, ev->dstlen, dip, &dport,
		&dv6)) {
		sh_jb_kstr(b, ",\"destination\":{\"ip\":", dip);
		if(dport)
			sh_jb_kuint(b, ",\"port\":", dport);
		sh_jb_raw(b, "}");
	}
	sh_jb_kstr(b, ",\"network\":{\"transport\":", ev->transport);
	if(ev->protocol)
		sh_jb_kstr(b, ",\"protocol\":", ev->protocol);
	sh_jb_kstr(b, ",\"type\":", v6 ? "ipv6" : "ipv4");
	sh_jb_kuint(b, ",\"bytes\":", ev->bytes);
	sh_jb_raw(b, "}");
}

/**
 * Write the tls object: the SNI, when the client sent one.
 * @param b: the line.
 * @param h: the ClientHello.
 */
static void
le_tls(struct sh_jbuf* b, const struct sh_tls_hello* h)
{
	if(!h->sni_len)
		return;
	sh_jb_raw(b, ",\"tls\":{\"client\":{\"server_name\":");
	sh_jb_strn(b, (const char*)h->sni, h->sni_len);
	sh_jb_raw(b, "}}");
}

/**
 * Append a key and a span as a JSON string, cut at max bytes (the
 * client chooses these bytes: a bound keeps every line under
 * LSN_LINE_MAX even when each byte needs a 6-byte escape).
 * @param b: the line.
 * @param key: literal text before the value.
 * @param p: the bytes.
 * @param n: their number.
 * @param max: most bytes written.
 */
static void
le_span(struct sh_jbuf* b, const char* key, const char* p, size_t n,
	size_t max)
{
	sh_jb_raw(b, key);
	sh_jb_strn(b, p, n > max ? max : n);
}

/**
 * Write url, http and user_agent of an HTTP request.  Values are cut at
 * LE_URL_MAX (target, path, query), LE_UA_MAX and LE_HOST_MAX bytes.
 * @param b: the line.
 * @param r: the request.
 */
static void
le_http(struct sh_jbuf* b, const struct sh_http_req* r)
{
	const char* colon;
	size_t dn = r->host.n;
	le_span(b, ",\"url\":{\"original\":", r->target.p, r->target.n,
		LE_URL_MAX);
	le_span(b, ",\"path\":", r->path.p, r->path.n, LE_URL_MAX);
	if(r->query.p)
		le_span(b, ",\"query\":", r->query.p, r->query.n, LE_URL_MAX);
	if(r->host.p) {
		/* url.domain: the Host without a port ("[v6]:port" kept) */
		colon = memchr(r->host.p, ':', r->host.n);
		if(colon && r->host.p[0] != '[')
			dn = (size_t)(colon - r->host.p);
		le_span(b, ",\"domain\":", r->host.p, dn, LE_HOST_MAX);
	}
	le_span(b, "},\"http\":{\"request\":{\"method\":", r->method.p,
		r->method.n, r->method.n);
	sh_jb_kuint(b, ",\"bytes\":", r->head_len);
	le_span(b, "},\"version\":", r->version.p, r->version.n,
		r->version.n);
	sh_jb_raw(b, "}");
	if(r->user_agent.p) {
		le_span(b, ",\"user_agent\":{\"original\":", r->user_agent.p,
			r->user_agent.n, LE_UA_MAX);
		sh_jb_raw(b, "}");
	}
}

/**
 * Write the TLS fingerprint material inside unbound_sinkhole.listener.
 * @param b: the line.
 * @param h: the ClientHello.
 */
static void
le_tls_extra(struct sh_jbuf* b, const struct sh_tls_hello* h)
{
	char ja3[SH_TLS_JA3_MAX], ja4[SH_TLS_JA4_MAX];
	size_t i;
	if(h->num_alpn) {
		sh_jb_raw(b, ",\"alpn\":[");
		for(i = 0; i < h->num_alpn; i++) {
			sh_jb_raw(b, i ? "," : "");
			sh_jb_strn(b, h->alpn[i], h->alpn_len[i]);
		}
		sh_jb_raw(b, "]");
	}
	if(sh_tls_ja3(h, ja3, sizeof(ja3)))
		sh_jb_kstr(b, ",\"ja3_string\":", ja3);
	sh_tls_ja4(h, ja4);
	sh_jb_kstr(b, ",\"ja4\":", ja4);
}

/**
 * Write the unbound_sinkhole.listener object.
 * @param b: the line.
 * @param ev: the event.
 */
static void
le_extra(struct sh_jbuf* b, const struct lsn_event* ev)
{
	static const char hex[] = "0123456789abcdef";
	char h[2 * 64 + 1];
	size_t i, n;
	sh_jb_raw(b, ",\"unbound_sinkhole\":{\"listener\":{\"event\":");
	sh_jb_strn(b, ev->action, strlen(ev->action));
	if(ev->close)
		sh_jb_kstr(b, ",\"close\":", ev->close);
	if(ev->redirected)
		sh_jb_raw(b, ",\"redirected\":true");
	if(ev->ttl >= 0)
		sh_jb_kuint(b, ",\"ttl\":", (unsigned long)ev->ttl);
	if(ev->echo_type >= 0) {
		sh_jb_kuint(b, ",\"icmp\":{\"type\":", (unsigned long)ev->echo_type);
		sh_jb_kuint(b, ",\"id\":", (unsigned long)ev->echo_id);
		sh_jb_kuint(b, ",\"seq\":", (unsigned long)ev->echo_seq);
		sh_jb_raw(b, "}");
	}
	if(ev->tls)
		le_tls_extra(b, ev->tls);
	if(ev->head && ev->head_len) {
		n = ev->head_len > 64 ? 64 : ev->head_len;
		for(i = 0; i < n; i++) {
			h[2 * i] = hex[ev->head[i] >> 4];
			h[2 * i + 1] = hex[ev->head[i] & 0xf];
		}
		h[2 * n] = 0;
		sh_jb_kstr(b, ",\"head_hex\":", h);
	}
	if(ev->stats) {
		sh_jb_kuint(b, ",\"stats\":{\"connections\":",
			(unsigned long)ev->stats->connections);
		sh_jb_kuint(b, ",\"evicted\":", (unsigned long)ev->stats->evicted);
		sh_jb_kuint(b, ",\"refused\":", (unsigned long)ev->stats->refused);
		sh_jb_kuint(b, ",\"over_bytes\":",
			(unsigned long)ev->stats->over_bytes);
		sh_jb_kuint(b, ",\"over_time\":",
			(unsigned long)ev->stats->over_time);
		sh_jb_kuint(b, ",\"packets\":", (unsigned long)ev->stats->packets);
		sh_jb_kuint(b, ",\"packets_dropped\":",
			(unsigned long)ev->stats->packets_dropped);
		sh_jb_raw(b, "}");
	}
	sh_jb_raw(b, "}}");
}

size_t
lsn_event_format(const struct lsn_event* ev, const char* identity,
	char* buf, size_t len)
{
	struct sh_jbuf b;
	sh_jb_init(&b, buf, len);
	sh_jb_open(&b, &ev->time);
	le_event(&b, ev);
	if(ev->transport)
		le_addrs(&b, ev);
	if(ev->tls)
		le_tls(&b, ev->tls);
	if(ev->http)
		le_http(&b, ev->http);
	sh_jb_kstr(&b, ",\"observer\":{\"name\":", identity);
	sh_jb_raw(&b, ",\"type\":\"sinkhole\",\"product\":\"unbound-sinkhole\","
		"\"vendor\":\"unbound-sinkhole\"}");
	le_extra(&b, ev);
	sh_jb_raw(&b, "}");
	return sh_jb_close(&b);
}

void
lsn_log(struct lsn* l, const struct lsn_event* ev)
{
	char line[LSN_LINE_MAX];
	size_t n = lsn_event_format(ev, l->cfg->identity, line, sizeof(line));
	if(n == 0) {
		fprintf(stderr, LSN_PREFIX "event %s did not fit a line; "
			"dropped\n", ev->action);
		return;
	}
	(void)sh_log_submit(l->log, line, n);
}
