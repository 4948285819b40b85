/*
 * lsn_line.h - the event line check shared by the listener's fuzz
 * targets (fuzz_tls_hello.c, fuzz_http.c).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Formats a listener event for a parsed ClientHello or HTTP request the
 * way tcp.c does and checks the line: it fits LSN_LINE_MAX (the cuts in
 * levent.c guarantee it), and it is one line without a raw control
 * byte.  A violation calls abort() with the property on stderr.
 */
#ifndef SH_FUZZ_LSN_LINE_H
#define SH_FUZZ_LSN_LINE_H

#include "listener.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/**
 * Check the event line of a parsed hello or request.
 * @param tls: the ClientHello, or NULL.
 * @param http: the request, or NULL.
 * @param who: the target's name, for the message.
 */
static void
lsn_line_check(const struct sh_tls_hello* tls, const struct sh_http_req* http,
	const char* who)
{
	static char line[LSN_LINE_MAX];
	struct sockaddr_in s;
	struct lsn_event ev;
	const char* bad = NULL;
	size_t n, i;
	memset(&ev, 0, sizeof(ev));
	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	ev.action = tls ? "tls_client_hello" : "http_request";
	ev.transport = "tcp";
	ev.protocol = tls ? "tls" : "http";
	ev.src = ev.dst = (struct sockaddr*)&s;
	ev.srclen = ev.dstlen = sizeof(s);
	ev.close = "answered";
	ev.tls = tls;
	ev.http = http;
	ev.echo_type = ev.echo_id = ev.echo_seq = ev.ttl = -1;
	n = lsn_event_format(&ev, "fuzz", line, sizeof(line));
	if(n == 0)
		bad = "the event line fits LSN_LINE_MAX";
	for(i = 0; !bad && i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if(c < 0x20 && !(c == '\n' && i == n - 1))
			bad = "one line, no raw control bytes";
	}
	if(bad) {
		fprintf(stderr, "%s: property violated: %s\n", who, bad);
		abort();
	}
}

#endif /* SH_FUZZ_LSN_LINE_H */
