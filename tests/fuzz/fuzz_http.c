/*
 * fuzz_http.c - libFuzzer target for the listener's HTTP request parser
 * and its event line.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * sh_http_parse and sh_proto_sniff on arbitrary bytes.  Properties: an
 * accepted head is sniffed as HTTP; head_len is within the input and
 * ends in a line feed; every span lies inside the input (path and query
 * inside the target); the method is upper-case letters; the version is
 * d.d; Host and User-Agent hold no line end; every strict prefix of the
 * head gives SH_PROTO_MORE; the event line fits, ends in its only '\n'
 * and holds no raw control byte.  Any violation calls abort().
 */
#include "lsn_line.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/**
 * Abort with a message.
 * @param what: the violated property.
 */
static void
violated(const char* what)
{
	fprintf(stderr, "fuzz_http: property violated: %s\n", what);
	abort();
}

/**
 * Check that a span lies inside [lo, lo + n).
 * @param s: the span.
 * @param lo: start of the container.
 * @param n: its length.
 * @param what: the span's name for the message.
 */
static void
inside(const struct sh_span* s, const char* lo, size_t n, const char* what)
{
	if(!s->p)
		return;
	if(s->p < lo || s->p + s->n > lo + n)
		violated(what);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	const char* b = (const char*)data;
	struct sh_http_req r, p;
	size_t i, cut;
	(void)sh_proto_sniff(data, size);
	if(sh_http_parse(b, size, &r) != SH_PROTO_OK)
		return 0;
	if(sh_proto_sniff(data, size) != SH_KIND_HTTP)
		violated("an accepted request is sniffed as HTTP");
	if(r.head_len == 0 || r.head_len > size || b[r.head_len - 1] != '\n')
		violated("head_len inside the input, ending in LF");
	inside(&r.method, b, r.head_len, "method inside");
	inside(&r.target, b, r.head_len, "target inside");
	inside(&r.version, b, r.head_len, "version inside");
	inside(&r.host, b, r.head_len, "host inside");
	inside(&r.user_agent, b, r.head_len, "user agent inside");
	inside(&r.path, r.target.p, r.target.n, "path inside the target");
	inside(&r.query, r.target.p, r.target.n, "query inside the target");
	for(i = 0; i < r.method.n; i++)
		if(r.method.p[i] < 'A' || r.method.p[i] > 'Z')
			violated("method is upper-case letters");
	if(r.version.n != 3 || r.version.p[1] != '.')
		violated("version d.d");
	if((r.host.p && memchr(r.host.p, '\n', r.host.n)) ||
		(r.user_agent.p && memchr(r.user_agent.p, '\n',
		r.user_agent.n)))
		violated("no line end inside a header value");
	lsn_line_check(NULL, &r, "fuzz_http");
	for(cut = r.head_len / 2; cut < r.head_len; cut = cut + 1 <
		r.head_len ? r.head_len - 1 : r.head_len) {
		if(sh_http_parse(b, cut, &p) != SH_PROTO_MORE)
			violated("a strict prefix of a head asks for more");
	}
	return 0;
}
