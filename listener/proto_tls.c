/*
 * proto_tls.c - TLS ClientHello parser and JA3/JA4 fingerprints.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Reads the ClientHello a client sends to the sinkhole address, from the
 * raw bytes of the TCP stream, without any TLS library and without ever
 * answering with a handshake: the listener closes with an alert after
 * it.  Handshake fragments of successive records are joined in a
 * bounded buffer on the stack (a hello up to SH_TLS_HS_MAX bytes); every
 * length field is checked against what contains it.  Written for RFC
 * 8446 section 4.1.2 and the extension formats of RFC 6066 (server_name),
 * RFC 7301 (ALPN), RFC 8422 (groups, point formats).
 */
#include "proto.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/sha2.h>

/** Largest ClientHello handshake message accepted. */
#define SH_TLS_HS_MAX 16384
/** TLS record content type of a handshake. */
#define TLS_HANDSHAKE 22
/** Handshake type of a ClientHello. */
#define TLS_CLIENT_HELLO 1

/** A bounded reader over bytes. */
struct rd {
	/** next byte */
	const uint8_t* p;
	/** bytes left */
	size_t n;
	/** 0 once a read went past the end */
	int ok;
};

/**
 * Read one byte.
 * @param r: the reader.
 * @return the byte, 0 past the end (r->ok cleared).
 */
static unsigned
rd_u8(struct rd* r)
{
	if(!r->ok || r->n < 1) {
		r->ok = 0;
		return 0;
	}
	r->n--;
	return *r->p++;
}

/**
 * Read a big-endian 16-bit value.
 * @param r: the reader.
 * @return the value, 0 past the end.
 */
static unsigned
rd_u16(struct rd* r)
{
	unsigned hi = rd_u8(r);
	return (hi << 8) | rd_u8(r);
}

/**
 * Take n bytes as a sub-reader.
 * @param r: the reader.
 * @param n: how many.
 * @param sub: set to a reader over them (not ok when they are not all
 *	there).
 */
static void
rd_sub(struct rd* r, size_t n, struct rd* sub)
{
	sub->p = r->p;
	sub->n = n;
	sub->ok = r->ok && r->n >= n;
	if(!sub->ok) {
		r->ok = 0;
		sub->n = 0;
		return;
	}
	r->p += n;
	r->n -= n;
}

/**
 * Whether a 16-bit value is a GREASE value (RFC 8701): 0x?A?A.
 * @param v: the value.
 * @return 1 if GREASE.
 */
static int
is_grease(unsigned v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/**
 * Read a list of 16-bit values with a 16-bit length into an array.
 * @param r: the reader, before the length.
 * @param out: destination of SH_TLS_LIST_MAX values.
 * @param num: set to the number kept.
 * @return 1 if well formed (an even length, all there).
 */
static int
rd_list16(struct rd* r, uint16_t* out, size_t* num)
{
	struct rd l;
	size_t n = rd_u16(r);
	rd_sub(r, n, &l);
	if(!l.ok || (n & 1))
		return 0;
	*num = 0;
	while(l.n >= 2) {
		unsigned v = rd_u16(&l);
		if(*num < SH_TLS_LIST_MAX)
			out[(*num)++] = (uint16_t)v;
	}
	return 1;
}

/**
 * Read the server_name extension (RFC 6066 section 3): the first
 * host_name entry.
 * @param r: the extension data.
 * @param h: the hello.
 * @return 1 if well formed.
 */
static int
ext_sni(struct rd* r, struct sh_tls_hello* h)
{
	struct rd list, name;
	h->has_sni = 1;
	rd_sub(r, rd_u16(r), &list);
	while(list.ok && list.n > 0) {
		unsigned type = rd_u8(&list);
		rd_sub(&list, rd_u16(&list), &name);
		if(!name.ok)
			return 0;
		if(type == 0 && h->sni_len == 0 && name.n > 0) {
			h->sni_len = name.n > sizeof(h->sni) ? sizeof(h->sni)
				: name.n;
			memcpy(h->sni, name.p, h->sni_len);
		}
	}
	return list.ok;
}

/**
 * Read the ALPN extension (RFC 7301 section 3.1).
 * @param r: the extension data.
 * @param h: the hello.
 * @return 1 if well formed.
 */
static int
ext_alpn(struct rd* r, struct sh_tls_hello* h)
{
	struct rd list, p;
	rd_sub(r, rd_u16(r), &list);
	while(list.ok && list.n > 0) {
		rd_sub(&list, rd_u8(&list), &p);
		if(!p.ok || p.n == 0)
			return 0;
		if(h->num_alpn < SH_TLS_ALPN_MAX) {
			size_t k = p.n > SH_TLS_ALPN_LEN ? SH_TLS_ALPN_LEN : p.n;
			memcpy(h->alpn[h->num_alpn], p.p, k);
			h->alpn[h->num_alpn][k] = 0;
			h->alpn_len[h->num_alpn++] = k;
		}
	}
	return list.ok;
}

/**
 * Read the supported_versions extension of a ClientHello: keep the
 * highest non-GREASE version.
 * @param r: the extension data.
 * @param h: the hello.
 * @return 1 if well formed.
 */
static int
ext_versions(struct rd* r, struct sh_tls_hello* h)
{
	struct rd list;
	size_t n = rd_u8(r);
	rd_sub(r, n, &list);
	if(!list.ok || (n & 1))
		return 0;
	while(list.n >= 2) {
		unsigned v = rd_u16(&list);
		if(!is_grease(v) && v > h->max_version)
			h->max_version = (uint16_t)v;
	}
	return 1;
}

/**
 * Read one extension's data by type.
 * @param type: the extension type.
 * @param r: its data.
 * @param h: the hello.
 * @return 1 if well formed (unknown types are skipped).
 */
static int
ext_one(unsigned type, struct rd* r, struct sh_tls_hello* h)
{
	struct rd l;
	switch(type) {
	case 0: return ext_sni(r, h);
	case 16: return ext_alpn(r, h);
	case 10: return rd_list16(r, h->groups, &h->num_groups);
	case 13: return rd_list16(r, h->sigalgs, &h->num_sigalgs);
	case 43: return ext_versions(r, h);
	case 11:
		rd_sub(r, rd_u8(r), &l);
		while(l.ok && l.n > 0) {
			unsigned v = rd_u8(&l);
			if(h->num_ecpf < SH_TLS_LIST_MAX)
				h->ecpf[h->num_ecpf++] = (uint8_t)v;
		}
		return l.ok;
	default: return 1;
	}
}

/**
 * Parse the body of a ClientHello handshake message.
 * @param body: the message body.
 * @param n: its length.
 * @param h: filled in.
 * @return SH_PROTO_OK or SH_PROTO_BAD.
 */
static enum sh_proto_result
hello_body(const uint8_t* body, size_t n, struct sh_tls_hello* h)
{
	struct rd r = { body, n, 1 }, skip, exts, data;
	unsigned type;

	h->client_version = (uint16_t)rd_u16(&r);
	rd_sub(&r, 32, &skip);			/* random */
	rd_sub(&r, rd_u8(&r), &skip);		/* legacy_session_id */
	if(!r.ok || skip.n > 32 || !rd_list16(&r, h->ciphers,
		&h->num_ciphers) || h->num_ciphers == 0)
		return SH_PROTO_BAD;
	rd_sub(&r, rd_u8(&r), &skip);		/* compression methods */
	if(!r.ok || skip.n == 0)
		return SH_PROTO_BAD;
	if(r.n == 0)
		return SH_PROTO_OK;		/* no extensions at all */
	rd_sub(&r, rd_u16(&r), &exts);
	if(!exts.ok || r.n != 0)
		return SH_PROTO_BAD;
	while(exts.n > 0) {
		type = rd_u16(&exts);
		rd_sub(&exts, rd_u16(&exts), &data);
		if(!exts.ok)
			return SH_PROTO_BAD;
		if(h->num_exts < SH_TLS_LIST_MAX)
			h->exts[h->num_exts++] = (uint16_t)type;
		if(!ext_one(type, &data, h))
			return SH_PROTO_BAD;
	}
	return SH_PROTO_OK;
}

enum sh_proto_result
sh_tls_hello_parse(const uint8_t* buf, size_t len, struct sh_tls_hello* out)
{
	uint8_t hs[SH_TLS_HS_MAX + 4];
	size_t have = 0, want = 0, pos = 0, rlen, take;

	memset(out, 0, sizeof(*out));
	while(pos < len) {
		/* one record header: type, version, length */
		if(len - pos < 5)
			return buf[pos] == TLS_HANDSHAKE ? SH_PROTO_MORE
				: SH_PROTO_BAD;
		if(buf[pos] != TLS_HANDSHAKE || buf[pos + 1] != 3)
			return SH_PROTO_BAD;
		if(pos == 0)
			out->record_version = (uint16_t)((buf[1] << 8) | buf[2]);
		rlen = ((size_t)buf[pos + 3] << 8) | buf[pos + 4];
		if(rlen == 0 || rlen > 16384 + 256)
			return SH_PROTO_BAD;
		pos += 5;
		take = rlen < len - pos ? rlen : len - pos;
		if(take > sizeof(hs) - have)
			return SH_PROTO_BAD;
		memcpy(hs + have, buf + pos, take);
		have += take;
		pos += take;
		if(have >= 4 && want == 0) {
			if(hs[0] != TLS_CLIENT_HELLO)
				return SH_PROTO_BAD;
			want = 4 + (((size_t)hs[1] << 16) | ((size_t)hs[2] << 8)
				| hs[3]);
			if(want > sizeof(hs) || want < 4 + 38)
				return SH_PROTO_BAD;
		}
		if(want && have >= want) {
			out->end = pos - (have - want);
			return hello_body(hs + 4, want - 4, out);
		}
		if(take < rlen)
			return SH_PROTO_MORE;	/* the record is not all here */
	}
	return len == 0 || have < 4 || have < want ? SH_PROTO_MORE
		: SH_PROTO_BAD;
}

/**
 * Append a '-'-joined decimal list, GREASE left out, then a separator.
 * @param out: destination.
 * @param len: its size.
 * @param pos: write position, advanced.
 * @param v: the values.
 * @param n: their number.
 * @param sep: the separator after the list ("," or "").
 * @return 1 if it fitted.
 */
static int
ja3_list(char* out, size_t len, size_t* pos, const uint16_t* v, size_t n,
	const char* sep)
{
	size_t i;
	int first = 1, w;
	for(i = 0; i < n; i++) {
		if(is_grease(v[i]))
			continue;
		w = snprintf(out + *pos, len - *pos, "%s%u", first ? "" : "-",
			(unsigned)v[i]);
		if(w < 0 || (size_t)w >= len - *pos)
			return 0;
		*pos += (size_t)w;
		first = 0;
	}
	w = snprintf(out + *pos, len - *pos, "%s", sep);
	if(w < 0 || (size_t)w >= len - *pos)
		return 0;
	*pos += (size_t)w;
	return 1;
}

size_t
sh_tls_ja3(const struct sh_tls_hello* h, char* buf, size_t len)
{
	uint16_t pf[SH_TLS_LIST_MAX];
	size_t pos = 0, i;
	int w;
	if(len == 0)
		return 0;
	for(i = 0; i < h->num_ecpf; i++)
		pf[i] = h->ecpf[i];
	w = snprintf(buf, len, "%u,", (unsigned)h->client_version);
	if(w < 0 || (size_t)w >= len)
		return 0;
	pos = (size_t)w;
	if(!ja3_list(buf, len, &pos, h->ciphers, h->num_ciphers, ",") ||
		!ja3_list(buf, len, &pos, h->exts, h->num_exts, ",") ||
		!ja3_list(buf, len, &pos, h->groups, h->num_groups, ",") ||
		!ja3_list(buf, len, &pos, pf, h->num_ecpf, "")) {
		buf[0] = 0;
		return 0;
	}
	return pos;
}

/**
 * Compare two 16-bit values, for qsort.
 * @param a: first.
 * @param b: second.
 * @return <0, 0, >0.
 */
static int
cmp_u16(const void* a, const void* b)
{
	return (int)*(const uint16_t*)a - (int)*(const uint16_t*)b;
}

/**
 * The first 12 hex digits of the SHA-256 of a ','-joined 4-hex-digit
 * list, or "000000000000" for an empty one; JA4 parts b and c.
 * @param v: the values, in the order to hash.
 * @param n: their number.
 * @param extra: more text to hash after the list (JA4 c's signature
 *	algorithms, with their '_'), or "".
 * @param out: destination of 13 bytes.
 */
static void
ja4_hash(const uint16_t* v, size_t n, const char* extra, char out[13])
{
	char text[5 * SH_TLS_LIST_MAX * 2 + 8];
	uint8_t d[LDNS_SHA256_DIGEST_LENGTH];
	size_t pos = 0, i;
	if(n == 0) {
		memcpy(out, "000000000000", 13);
		return;
	}
	for(i = 0; i < n; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s%04x",
			i ? "," : "", (unsigned)v[i]);
	pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s", extra);
	(void)ldns_sha256((unsigned char*)text, (unsigned)pos, d);
	for(i = 0; i < 6; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/**
 * The two-character TLS version of JA4 part a.
 * @param h: the hello.
 * @return static text.
 */
static const char*
ja4_version(const struct sh_tls_hello* h)
{
	switch(h->max_version ? h->max_version : h->client_version) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	default: return "00";
	}
}

/**
 * Whether a byte is an ASCII letter or digit.
 * @param c: the byte.
 * @return 1 if it is.
 */
static int
is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z');
}

/**
 * The ALPN characters of JA4 part a: first and last character of the
 * first protocol, or of its hex form when they are not alphanumeric.
 * @param h: the hello.
 * @param out: destination of 3 bytes.
 */
static void
ja4_alpn(const struct sh_tls_hello* h, char out[3])
{
	const char* hex = "0123456789abcdef";
	unsigned char f, l;
	if(h->num_alpn == 0 || h->alpn_len[0] == 0) {
		memcpy(out, "00", 3);
		return;
	}
	f = (unsigned char)h->alpn[0][0];
	l = (unsigned char)h->alpn[0][h->alpn_len[0] - 1];
	if(is_alnum(f) && is_alnum(l)) {
		out[0] = (char)f;
		out[1] = (char)l;
	} else {
		out[0] = hex[f >> 4];
		out[1] = hex[l & 0xf];
	}
	out[2] = 0;
}

/**
 * Copy the non-GREASE values of a list, optionally without two types.
 * @param v: the values.
 * @param n: their number.
 * @param drop: 1 to leave out SNI (0) and ALPN (16), for JA4 part c.
 * @param out: destination of SH_TLS_LIST_MAX values.
 * @return the number copied.
 */
static size_t
ja4_filter(const uint16_t* v, size_t n, int drop, uint16_t* out)
{
	size_t i, k = 0;
	for(i = 0; i < n; i++) {
		if(is_grease(v[i]) || (drop && (v[i] == 0 || v[i] == 16)))
			continue;
		out[k++] = v[i];
	}
	return k;
}

void
sh_tls_ja4(const struct sh_tls_hello* h, char out[SH_TLS_JA4_MAX])
{
	uint16_t c[SH_TLS_LIST_MAX], e[SH_TLS_LIST_MAX];
	char b[13], cc[13], alpn[3], sig[5 * SH_TLS_LIST_MAX + 2];
	size_t nc, ne, nall, i, pos = 0;

	nc = ja4_filter(h->ciphers, h->num_ciphers, 0, c);
	nall = ja4_filter(h->exts, h->num_exts, 0, e);
	ne = ja4_filter(h->exts, h->num_exts, 1, e);
	qsort(c, nc, sizeof(c[0]), cmp_u16);
	qsort(e, ne, sizeof(e[0]), cmp_u16);
	sig[0] = 0;
	for(i = 0; i < h->num_sigalgs; i++) {
		if(is_grease(h->sigalgs[i]))
			continue;
		pos += (size_t)snprintf(sig + pos, sizeof(sig) - pos, "%s%04x",
			pos ? "," : "_", (unsigned)h->sigalgs[i]);
	}
	ja4_hash(c, nc, "", b);
	ja4_hash(e, ne, sig, cc);
	ja4_alpn(h, alpn);
	snprintf(out, SH_TLS_JA4_MAX, "t%s%c%02u%02u%s_%s_%s", ja4_version(h),
		h->has_sni ? 'd' : 'i', (unsigned)(nc > 99 ? 99 : nc),
		(unsigned)(nall > 99 ? 99 : nall), alpn, b, cc);
}
