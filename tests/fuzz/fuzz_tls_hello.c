/*
 * fuzz_tls_hello.c - libFuzzer target for the listener's ClientHello
 * parser and its event line.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * sh_tls_hello_parse on arbitrary bytes (the start of a TCP stream at
 * the sinkhole address).  Properties: every count stays within its
 * array; a parsed hello's JA3 string fits SH_TLS_JA3_MAX and its JA4 is
 * "t" + 2-char version + d/i + 4 digits + 2 chars, '_', 12 hex, '_', 12
 * hex; every strict prefix of an accepted input that is at least one
 * byte long and ends before the hello does gives SH_PROTO_MORE (the listener reads on, never decides
 * early); and the event line (levent.c) fits LSN_LINE_MAX, ends in its
 * only '\n' and holds no raw control byte.  Any violation calls abort().
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
	fprintf(stderr, "fuzz_tls_hello: property violated: %s\n", what);
	abort();
}

/**
 * Check a JA4 fingerprint's shape.
 * @param s: the fingerprint.
 */
static void
check_ja4(const char* s)
{
	size_t i;
	if(strlen(s) != 36 || s[0] != 't' || (s[3] != 'd' && s[3] != 'i') ||
		s[10] != '_' || s[23] != '_')
		violated("JA4 shape");
	for(i = 4; i < 8; i++)
		if(s[i] < '0' || s[i] > '9')
			violated("JA4 counts");
	for(i = 11; i < 36; i++)
		if(i != 23 && !((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			violated("JA4 hashes are hex");
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static struct sh_tls_hello h, p;
	char ja3[SH_TLS_JA3_MAX], ja4[SH_TLS_JA4_MAX];
	size_t cut;
	if(sh_tls_hello_parse(data, size, &h) != SH_PROTO_OK)
		return 0;
	if(h.sni_len > sizeof(h.sni) || h.num_alpn > SH_TLS_ALPN_MAX ||
		h.num_ciphers > SH_TLS_LIST_MAX || h.num_exts > SH_TLS_LIST_MAX
		|| h.num_groups > SH_TLS_LIST_MAX || h.num_ecpf >
		SH_TLS_LIST_MAX || h.num_sigalgs > SH_TLS_LIST_MAX)
		violated("counts within their arrays");
	if(sh_tls_ja3(&h, ja3, sizeof(ja3)) == 0)
		violated("JA3 fits SH_TLS_JA3_MAX");
	sh_tls_ja4(&h, ja4);
	check_ja4(ja4);
	lsn_line_check(&h, NULL, "fuzz_tls_hello");
	if(h.end == 0 || h.end > size)
		violated("the hello ends inside the input");
	/* two strict prefixes of the hello: both must ask for more */
	for(cut = h.end / 2; cut < h.end; cut = cut + 1 < h.end ? h.end - 1
		: h.end) {
		if(cut > 0 && sh_tls_hello_parse(data, cut, &p) != SH_PROTO_MORE)
			violated("a strict prefix of a hello asks for more");
	}
	return 0;
}
