/*
 * proto.h - what the sinkhole listener reads from a client: TLS
 * ClientHello and HTTP request parsers.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Parsers for the first bytes a client sends to the sinkhole address.
 * They work on the whole prefix received so far (the listener keeps at
 * most listener.max_bytes of it) and never allocate: a result points
 * into the caller's buffer or holds bounded copies.  Each returns
 * SH_PROTO_MORE while the message is incomplete, so the caller reads on
 * until its byte or time limit.  Plain C, no libevent, no Unbound; each
 * has a libFuzzer target (tests/fuzz/fuzz_tls_hello.c, fuzz_http.c).
 */

#ifndef SH_LISTENER_PROTO_H
#define SH_LISTENER_PROTO_H

#include <stddef.h>
#include <stdint.h>

/** Outcome of a parse. */
enum sh_proto_result {
	/** a complete message was parsed */
	SH_PROTO_OK = 0,
	/** the bytes so far are a valid prefix: read more */
	SH_PROTO_MORE,
	/** not this protocol, or malformed */
	SH_PROTO_BAD
};

/** What a client speaks, judged from its first bytes. */
enum sh_proto_kind {
	/** not known yet: too few bytes */
	SH_KIND_UNKNOWN = 0,
	/** a TLS handshake record */
	SH_KIND_TLS,
	/** an HTTP/1.x request line */
	SH_KIND_HTTP,
	/** something else */
	SH_KIND_OTHER
};

/**
 * Tell TLS from HTTP from anything else by the first bytes.
 * @param buf: the bytes received.
 * @param len: their number.
 * @return the kind; SH_KIND_UNKNOWN while len is too short to tell.
 */
enum sh_proto_kind sh_proto_sniff(const uint8_t* buf, size_t len);

/** Most values kept of each ClientHello list. */
#define SH_TLS_LIST_MAX 128
/** Most ALPN protocols kept. */
#define SH_TLS_ALPN_MAX 8
/** Longest ALPN protocol kept (longer ones are cut). */
#define SH_TLS_ALPN_LEN 32
/** Size of a JA3 string buffer that always suffices. */
#define SH_TLS_JA3_MAX (5 * 6 * SH_TLS_LIST_MAX + 16)
/** Size of a JA4 fingerprint buffer ("t13d1516h2_<12>_<12>" + NUL). */
#define SH_TLS_JA4_MAX 40

/** The parts of a ClientHello the listener records. */
struct sh_tls_hello {
	/** version of the first record header */
	uint16_t record_version;
	/** legacy_version of the ClientHello */
	uint16_t client_version;
	/** server_name (host_name), not NUL terminated; may hold any byte */
	uint8_t sni[255];
	/** its length; 0 when there was none */
	size_t sni_len;
	/** 1 if a server_name extension was present */
	int has_sni;
	/** ALPN protocols offered, NUL terminated (may be cut) */
	char alpn[SH_TLS_ALPN_MAX][SH_TLS_ALPN_LEN + 1];
	/** their lengths as kept */
	size_t alpn_len[SH_TLS_ALPN_MAX];
	/** number of ALPN protocols kept */
	size_t num_alpn;
	/** cipher suites, in order (GREASE included) */
	uint16_t ciphers[SH_TLS_LIST_MAX];
	/** their number kept */
	size_t num_ciphers;
	/** extension types, in order */
	uint16_t exts[SH_TLS_LIST_MAX];
	/** their number kept */
	size_t num_exts;
	/** supported_groups */
	uint16_t groups[SH_TLS_LIST_MAX];
	/** their number kept */
	size_t num_groups;
	/** ec_point_formats */
	uint8_t ecpf[SH_TLS_LIST_MAX];
	/** their number kept */
	size_t num_ecpf;
	/** signature_algorithms, in order */
	uint16_t sigalgs[SH_TLS_LIST_MAX];
	/** their number kept */
	size_t num_sigalgs;
	/** highest non-GREASE supported_versions value, 0 if none */
	uint16_t max_version;
	/** bytes of the stream up to the last byte of the hello */
	size_t end;
};

/**
 * Parse a ClientHello from the start of a TCP stream: one or more TLS
 * handshake records (a ClientHello may span several), the handshake
 * header and the hello with its extensions.  Every length is checked
 * against its container.
 * @param buf: the bytes received so far.
 * @param len: their number.
 * @param out: filled in on SH_PROTO_OK (partially otherwise).
 * @return SH_PROTO_OK, SH_PROTO_MORE (a valid prefix) or SH_PROTO_BAD.
 */
enum sh_proto_result sh_tls_hello_parse(const uint8_t* buf, size_t len,
	struct sh_tls_hello* out);

/**
 * The JA3 fingerprint string ("version,ciphers,extensions,groups,
 * point formats", values in decimal, '-'-separated, GREASE left out);
 * its MD5 is the usual JA3 hash.
 * @param h: a parsed hello.
 * @param buf: destination; SH_TLS_JA3_MAX always suffices.
 * @param len: its size.
 * @return the length written (NUL terminated), 0 if it did not fit.
 */
size_t sh_tls_ja3(const struct sh_tls_hello* h, char* buf, size_t len);

/**
 * The JA4 fingerprint (FoxIO's JA4 for TLS over TCP): "t", version,
 * "d"/"i" for SNI, cipher and extension counts, ALPN first and last
 * characters, then truncated SHA-256 of the sorted ciphers and of the
 * sorted extensions with the signature algorithms.
 * @param h: a parsed hello.
 * @param out: destination of SH_TLS_JA4_MAX bytes, NUL terminated.
 */
void sh_tls_ja4(const struct sh_tls_hello* h, char out[SH_TLS_JA4_MAX]);

/** Longest request target the listener keeps (longer is cut). */
#define SH_HTTP_TARGET_MAX 2048

/** A text span inside the caller's buffer. */
struct sh_span {
	/** start, or NULL when absent */
	const char* p;
	/** length */
	size_t n;
};

/** The parts of an HTTP/1.x request the listener records. */
struct sh_http_req {
	/** method token, e.g. "GET" */
	struct sh_span method;
	/** request target as sent (origin or absolute form) */
	struct sh_span target;
	/** version after "HTTP/", e.g. "1.1" */
	struct sh_span version;
	/** path part of the target */
	struct sh_span path;
	/** query part of the target, without '?' */
	struct sh_span query;
	/** first Host header value, trimmed */
	struct sh_span host;
	/** first User-Agent header value, trimmed */
	struct sh_span user_agent;
	/** number of header lines */
	size_t num_headers;
	/** bytes of the request head, up to and including the empty line */
	size_t head_len;
};

/**
 * Parse an HTTP/1.x request head: request line, header lines, empty
 * line.  Accepts CRLF and bare LF line ends; refuses control bytes,
 * a method that is not an upper-case token, a version that is not
 * HTTP/d.d, and header lines without a colon.
 * @param buf: the bytes received so far; spans in out point into it.
 * @param len: their number.
 * @param out: filled in on SH_PROTO_OK.
 * @return SH_PROTO_OK, SH_PROTO_MORE or SH_PROTO_BAD.
 */
enum sh_proto_result sh_http_parse(const char* buf, size_t len,
	struct sh_http_req* out);

#endif /* SH_LISTENER_PROTO_H */
