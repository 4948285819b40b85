/*
 * proto_http.c - HTTP/1.x request head parser and protocol sniffing.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Reads the request line and headers a client sends to the sinkhole
 * address (RFC 9112 sections 3 and 5), strictly and without copying:
 * the result points into the caller's buffer.  Also tells a TLS record
 * from an HTTP request from anything else by the first bytes, so one
 * port can take any of them.
 */
#include "proto.h"
#include <string.h>

/** Longest method token accepted. */
#define HTTP_METHOD_MAX 16

enum sh_proto_kind
sh_proto_sniff(const uint8_t* buf, size_t len)
{
	size_t i;
	if(len == 0)
		return SH_KIND_UNKNOWN;
	if(buf[0] == 22)
		return len < 2 ? SH_KIND_UNKNOWN : (buf[1] == 3 ?
			SH_KIND_TLS : SH_KIND_OTHER);
	for(i = 0; i < len && i <= HTTP_METHOD_MAX; i++) {
		if(buf[i] == ' ')
			return i > 0 ? SH_KIND_HTTP : SH_KIND_OTHER;
		if(buf[i] < 'A' || buf[i] > 'Z')
			return SH_KIND_OTHER;
	}
	return i > HTTP_METHOD_MAX ? SH_KIND_OTHER : SH_KIND_UNKNOWN;
}

/**
 * Find the end of a line.
 * @param p: start.
 * @param n: bytes available.
 * @param eol: set to the length of the line end (1 for LF, 2 for CRLF).
 * @return the line length without its end, or n when there is no LF.
 */
static size_t
line_len(const char* p, size_t n, size_t* eol)
{
	const char* lf = memchr(p, '\n', n);
	size_t k;
	if(!lf)
		return n;
	k = (size_t)(lf - p);
	*eol = 1;
	if(k > 0 && p[k - 1] == '\r') {
		k--;
		*eol = 2;
	}
	return k;
}

/**
 * Whether a span holds a control byte (other than tab) or DEL.
 * @param p: the bytes.
 * @param n: their number.
 * @return 1 if it does.
 */
static int
has_ctl(const char* p, size_t n)
{
	size_t i;
	for(i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
	}
	return 0;
}

/**
 * Split the request target into path and query.  An absolute-form
 * target (a proxy request, "http://host/path") gives the path after
 * its authority.
 * @param r: the request, with target set.
 */
static void
split_target(struct sh_http_req* r)
{
	const char* p = r->target.p, *end = p + r->target.n, *q, *s;
	s = memchr(p, ':', r->target.n);
	if(p[0] != '/' && s && s + 2 < end && s[1] == '/' && s[2] == '/') {
		p = s + 3;
		while(p < end && *p != '/' && *p != '?')
			p++;
	}
	q = memchr(p, '?', (size_t)(end - p));
	r->path.p = p;
	r->path.n = (size_t)((q ? q : end) - p);
	if(q) {
		r->query.p = q + 1;
		r->query.n = (size_t)(end - q - 1);
	}
}

/**
 * Parse the request line "METHOD SP target SP HTTP/d.d".
 * @param p: the line.
 * @param n: its length without the line end.
 * @param r: filled in.
 * @return 1 if valid.
 */
static int
request_line(const char* p, size_t n, struct sh_http_req* r)
{
	const char* sp1 = memchr(p, ' ', n), *sp2;
	size_t i;
	if(!sp1 || sp1 == p || sp1 - p > HTTP_METHOD_MAX)
		return 0;
	for(i = 0; p + i < sp1; i++)
		if(p[i] < 'A' || p[i] > 'Z')
			return 0;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(p + n - sp1 - 1));
	if(!sp2 || sp2 == sp1 + 1 || (size_t)(p + n - sp2) != 9 ||
		memcmp(sp2 + 1, "HTTP/", 5) != 0 || sp2[6] < '0' ||
		sp2[6] > '9' || sp2[7] != '.' || sp2[8] < '0' || sp2[8] > '9')
		return 0;
	r->method.p = p;
	r->method.n = (size_t)(sp1 - p);
	r->target.p = sp1 + 1;
	r->target.n = (size_t)(sp2 - sp1 - 1);
	if(r->target.n > SH_HTTP_TARGET_MAX || memchr(r->target.p, ' ',
		r->target.n))
		return 0;
	r->version.p = sp2 + 6;
	r->version.n = 3;
	split_target(r);
	return 1;
}

/**
 * Parse one header line "name: value" and keep Host and User-Agent.
 * @param p: the line.
 * @param n: its length without the line end.
 * @param r: the request.
 * @return 1 if valid.
 */
static int
header_line(const char* p, size_t n, struct sh_http_req* r)
{
	const char* colon = memchr(p, ':', n), *v, *end = p + n;
	size_t nl;
	struct sh_span* dst = NULL;
	if(!colon || colon == p || p[0] == ' ' || p[0] == '\t')
		return 0;
	nl = (size_t)(colon - p);
	if(memchr(p, ' ', nl) || memchr(p, '\t', nl))
		return 0;
	v = colon + 1;
	while(v < end && (*v == ' ' || *v == '\t'))
		v++;
	while(end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if(nl == 4 && strncasecmp(p, "host", 4) == 0)
		dst = &r->host;
	else if(nl == 10 && strncasecmp(p, "user-agent", 10) == 0)
		dst = &r->user_agent;
	if(dst && !dst->p) {
		dst->p = v;
		dst->n = (size_t)(end - v);
	}
	r->num_headers++;
	return 1;
}

enum sh_proto_result
sh_http_parse(const char* buf, size_t len, struct sh_http_req* out)
{
	size_t pos = 0, n, eol = 0;
	int first = 1;
	memset(out, 0, sizeof(*out));
	while(pos < len) {
		n = line_len(buf + pos, len - pos, &eol);
		if(n == len - pos) {		/* no line end yet */
			if(n > 0 && buf[pos + n - 1] == '\r')
				n--;
			return has_ctl(buf + pos, n) ? SH_PROTO_BAD
				: SH_PROTO_MORE;
		}
		if(has_ctl(buf + pos, n))
			return SH_PROTO_BAD;
		if(first) {
			if(!request_line(buf + pos, n, out))
				return SH_PROTO_BAD;
			first = 0;
		} else if(n == 0) {
			out->head_len = pos + eol;
			return SH_PROTO_OK;
		} else if(!header_line(buf + pos, n, out))
			return SH_PROTO_BAD;
		pos += n + eol;
	}
	return SH_PROTO_MORE;
}
