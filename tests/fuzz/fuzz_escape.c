/*
 * fuzz_escape.c - libFuzzer target for the JSON escaper and event lines.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Two checks on every input.
 *
 * sh_json_escape on the whole input: the output must be valid JSON
 * string contents under a strict checker written here (no raw control
 * characters, only the escapes JSON defines, strict UTF-8), and
 * decoding it must give back the input byte for byte.  The escaper
 * promises that: it keeps valid UTF-8 sequences as they are and writes
 * every other byte >= 0x80 as \u00XX of the byte value, so the decoder
 * here maps \u00XX back to the byte XX.  Buffers one byte too small
 * must give (size_t)-1 without writing past their end.
 *
 * sh_event_format on an event built from the input: the first bytes
 * give the scalar fields (time, type, class, id, action, rcode,
 * transport, client address, confidence), then come three length-
 * prefixed strings (identity, feed id, reference), and the rest is the
 * query name in wire format, used when sh_name_canon accepts it (with
 * its case kept); the indicator is one of its suffixes.  The line must
 * end in its only '\n' and parse as one JSON object under the strict
 * parser here (no duplicate keys either).  dns.question.name must be
 * exactly sh_name_to_text of the query name and parse back with
 * sh_name_from_text to its canonical form; the indicator names and the
 * chain must round trip the same way, and the identity, feed id and
 * reference strings must decode to their input bytes.  Buffers too
 * small must give 0.  Any violation calls abort().
 */
#include "sinkhole.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/** Deepest nesting the JSON checker follows. */
#define J_MAX_DEPTH 16
/** Most keys of one object the duplicate check remembers. */
#define J_MAX_KEYS 48
/** Longest key the checker keeps, with its NUL. */
#define J_KEY_MAX 48
/** Longest path of keys, as text ("dns.question.name"). */
#define J_PATH_MAX 256
/** Most string values remembered by path. */
#define J_MAX_VALUES 64
/** Size of the buffer a decoded string value is kept in. */
#define J_VALUE_MAX 8192

/**
 * Report a broken property and abort.
 * @param what: the property.
 */
static void
fail(const char* what)
{
	fprintf(stderr, "fuzz_escape: property violated: %s\n", what);
	abort();
}

/**
 * Like fail, and print the line the property was checked on.
 * @param what: the property.
 * @param line: the line.
 * @param len: its length.
 */
static void
fail_line(const char* what, const char* line, size_t len)
{
	fprintf(stderr, "fuzz_escape: line: %.*s\n", (int)len, line);
	fail(what);
}

/**
 * Length of the strictly valid UTF-8 sequence at s (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF).
 * @param s: bytes, s[0] >= 0x80.
 * @param n: bytes available.
 * @return the length 2..4, or 0 if invalid.
 */
static size_t
utf8_seq(const unsigned char* s, size_t n)
{
	unsigned cp;
	size_t len, i;
	if(s[0] >= 0xc0 && s[0] < 0xe0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if(s[0] >= 0xe0 && s[0] < 0xf0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if(s[0] >= 0xf0 && s[0] < 0xf8) {
		len = 4;
		cp = s[0] & 0x07;
	} else	return 0;
	if(n < len)
		return 0;
	for(i = 1; i < len; i++) {
		if((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		(len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		(cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/**
 * Value of a hex digit.
 * @param c: the character.
 * @return 0..15, or -1 if not a hex digit.
 */
static int
hexval(char c)
{
	if(c >= '0' && c <= '9') return c - '0';
	if(c >= 'a' && c <= 'f') return c - 'a' + 10;
	if(c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/**
 * Check and decode JSON string contents (without the quotes), stopping
 * at the first unescaped '"' or at end.  Strict: no raw byte below
 * 0x20, only the escapes of RFC 8259, raw bytes >= 0x80 only in valid
 * UTF-8, \u escapes of surrogates only as a valid pair.  \u0000 to
 * \u00ff decode to that one byte (the escaper's lossless convention);
 * other code points decode to UTF-8.
 * @param s: the text.
 * @param n: bytes available.
 * @param end: set to the number of bytes read (the closing quote's
 *	offset, or n).
 * @param out: decoded bytes, or NULL.
 * @param outmax: size of out.
 * @param outlen: set to the number of decoded bytes (only counted up to
 *	outmax).
 * @return 1 if valid, 0 if not.
 */
static int
json_string_body(const char* s, size_t n, size_t* end, unsigned char* out,
	size_t outmax, size_t* outlen)
{
	const unsigned char* u = (const unsigned char*)s;
	size_t i = 0, o = 0, k;
	while(i < n && u[i] != '"') {
		unsigned char c = u[i];
		unsigned cp;
		if(c < 0x20)
			return 0;
		if(c >= 0x80) {
			size_t l = utf8_seq(u + i, n - i);
			if(l == 0)
				return 0;
			for(k = 0; k < l; k++, o++)
				if(out && o < outmax)
					out[o] = u[i + k];
			i += l;
			continue;
		}
		if(c != '\\') {
			if(out && o < outmax)
				out[o] = c;
			o++;
			i++;
			continue;
		}
		if(i + 1 >= n)
			return 0;
		switch(u[i + 1]) {
		case '"': c = '"'; break;
		case '\\': c = '\\'; break;
		case '/': c = '/'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u': c = 0; break;
		default: return 0;
		}
		if(u[i + 1] != 'u') {
			if(out && o < outmax)
				out[o] = c;
			o++;
			i += 2;
			continue;
		}
		if(i + 6 > n)
			return 0;
		cp = 0;
		for(k = 2; k < 6; k++) {
			int h = hexval(s[i + k]);
			if(h < 0)
				return 0;
			cp = cp * 16 + (unsigned)h;
		}
		i += 6;
		if(cp >= 0xdc00 && cp <= 0xdfff)
			return 0; /* lone low surrogate */
		if(cp >= 0xd800 && cp <= 0xdbff) {
			unsigned lo = 0;
			if(i + 6 > n || s[i] != '\\' || s[i + 1] != 'u')
				return 0;
			for(k = 2; k < 6; k++) {
				int h = hexval(s[i + k]);
				if(h < 0)
					return 0;
				lo = lo * 16 + (unsigned)h;
			}
			if(lo < 0xdc00 || lo > 0xdfff)
				return 0;
			i += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		if(cp <= 0xff) {
			if(out && o < outmax)
				out[o] = (unsigned char)cp;
			o++;
		} else {
			unsigned char tmp[4];
			size_t tl;
			if(cp < 0x800) {
				tmp[0] = (unsigned char)(0xc0 | (cp >> 6));
				tmp[1] = (unsigned char)(0x80 | (cp & 0x3f));
				tl = 2;
			} else if(cp < 0x10000) {
				tmp[0] = (unsigned char)(0xe0 | (cp >> 12));
				tmp[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
				tmp[2] = (unsigned char)(0x80 | (cp & 0x3f));
				tl = 3;
			} else {
				tmp[0] = (unsigned char)(0xf0 | (cp >> 18));
				tmp[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
				tmp[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
				tmp[3] = (unsigned char)(0x80 | (cp & 0x3f));
				tl = 4;
			}
			for(k = 0; k < tl; k++, o++)
				if(out && o < outmax)
					out[o] = tmp[k];
		}
	}
	*end = i;
	if(outlen)
		*outlen = o;
	return 1;
}

/** One decoded string value of the line, with its key path. */
struct j_value {
	/** the path, "dns.question.name"; array items add "[]" */
	char path[J_PATH_MAX];
	/** decoded bytes (truncated at J_VALUE_MAX) */
	unsigned char* val;
	/** number of decoded bytes */
	size_t len;
};

/** State of the strict JSON parser. */
struct jparse {
	/** the line */
	const char* s;
	/** its length */
	size_t n;
	/** read position */
	size_t i;
	/** current nesting depth */
	int depth;
	/** current path of keys */
	char path[J_PATH_MAX];
	/** string values seen, by path */
	struct j_value vals[J_MAX_VALUES];
	/** number of values */
	size_t nvals;
};

/**
 * Skip JSON whitespace.
 * @param p: the parser.
 */
static void
j_ws(struct jparse* p)
{
	while(p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
		p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

/**
 * Parse a string at the read position.
 * @param p: the parser.
 * @param out: decoded bytes, or NULL.
 * @param outmax: size of out.
 * @param outlen: decoded length, or NULL.
 * @return 1 if valid.
 */
static int
j_string(struct jparse* p, unsigned char* out, size_t outmax,
	size_t* outlen)
{
	size_t end;
	if(p->i >= p->n || p->s[p->i] != '"')
		return 0;
	p->i++;
	if(!json_string_body(p->s + p->i, p->n - p->i, &end, out, outmax,
		outlen))
		return 0;
	p->i += end;
	if(p->i >= p->n)
		return 0; /* unterminated */
	p->i++;
	return 1;
}

/**
 * Parse a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * @param p: the parser.
 * @return 1 if valid.
 */
static int
j_number(struct jparse* p)
{
	size_t st;
	if(p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if(p->i >= p->n)
		return 0;
	if(p->s[p->i] == '0')
		p->i++;
	else if(p->s[p->i] >= '1' && p->s[p->i] <= '9') {
		while(p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	} else	return 0;
	if(p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		st = p->i;
		while(p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if(p->i == st)
			return 0;
	}
	if(p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if(p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		st = p->i;
		while(p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if(p->i == st)
			return 0;
	}
	return 1;
}

/**
 * Parse a literal word.
 * @param p: the parser.
 * @param w: the word.
 * @return 1 if it is there.
 */
static int
j_word(struct jparse* p, const char* w)
{
	size_t l = strlen(w);
	if(p->n - p->i < l || memcmp(p->s + p->i, w, l) != 0)
		return 0;
	p->i += l;
	return 1;
}

static int j_value(struct jparse* p);

/**
 * Remember a string value under the current path.
 * @param p: the parser, at the opening quote of the value.
 * @return 1 if the string is valid.
 */
static int
j_string_value(struct jparse* p)
{
	struct j_value* v;
	if(p->nvals >= J_MAX_VALUES)
		return j_string(p, NULL, 0, NULL);
	v = &p->vals[p->nvals];
	v->val = malloc(J_VALUE_MAX);
	if(!v->val)
		return j_string(p, NULL, 0, NULL);
	snprintf(v->path, sizeof(v->path), "%s", p->path);
	if(!j_string(p, v->val, J_VALUE_MAX, &v->len)) {
		free(v->val);
		v->val = NULL;
		return 0;
	}
	if(v->len > J_VALUE_MAX)
		v->len = J_VALUE_MAX;
	p->nvals++;
	return 1;
}

/**
 * Parse an object; keys must be unique.
 * @param p: the parser, at '{'.
 * @return 1 if valid.
 */
static int
j_object(struct jparse* p)
{
	char keys[J_MAX_KEYS][J_KEY_MAX];
	size_t nkeys = 0, plen = strlen(p->path), k;
	unsigned char key[J_KEY_MAX];
	size_t klen;
	p->i++;
	j_ws(p);
	if(p->i < p->n && p->s[p->i] == '}') {
		p->i++;
		return 1;
	}
	for(;;) {
		j_ws(p);
		if(!j_string(p, key, sizeof(key) - 1, &klen))
			return 0;
		if(klen >= sizeof(key))
			klen = sizeof(key) - 1;
		key[klen] = 0;
		if(strlen((char*)key) != klen)
			return 0; /* no NUL in keys */
		for(k = 0; k < nkeys; k++)
			if(strcmp(keys[k], (char*)key) == 0)
				return 0; /* duplicate key */
		if(nkeys < J_MAX_KEYS)
			memcpy(keys[nkeys++], key, klen + 1);
		j_ws(p);
		if(p->i >= p->n || p->s[p->i] != ':')
			return 0;
		p->i++;
		snprintf(p->path + plen, sizeof(p->path) - plen, "%s%s",
			plen ? "." : "", (char*)key);
		if(!j_value(p))
			return 0;
		p->path[plen] = 0;
		j_ws(p);
		if(p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if(p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			return 1;
		}
		return 0;
	}
}

/**
 * Parse an array.
 * @param p: the parser, at '['.
 * @return 1 if valid.
 */
static int
j_array(struct jparse* p)
{
	size_t plen = strlen(p->path);
	p->i++;
	j_ws(p);
	if(p->i < p->n && p->s[p->i] == ']') {
		p->i++;
		return 1;
	}
	snprintf(p->path + plen, sizeof(p->path) - plen, "[]");
	for(;;) {
		if(!j_value(p))
			return 0;
		j_ws(p);
		if(p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if(p->i < p->n && p->s[p->i] == ']') {
			p->i++;
			p->path[plen] = 0;
			return 1;
		}
		return 0;
	}
}

/**
 * Parse any value.
 * @param p: the parser.
 * @return 1 if valid.
 */
static int
j_value(struct jparse* p)
{
	int r;
	j_ws(p);
	if(p->i >= p->n)
		return 0;
	if(++p->depth > J_MAX_DEPTH)
		return 0;
	switch(p->s[p->i]) {
	case '{': r = j_object(p); break;
	case '[': r = j_array(p); break;
	case '"': r = j_string_value(p); break;
	case 't': r = j_word(p, "true"); break;
	case 'f': r = j_word(p, "false"); break;
	case 'n': r = j_word(p, "null"); break;
	default: r = j_number(p); break;
	}
	p->depth--;
	return r;
}

/**
 * Free the values a parse kept.
 * @param p: the parser.
 */
static void
j_free(struct jparse* p)
{
	size_t i;
	for(i = 0; i < p->nvals; i++)
		free(p->vals[i].val);
	p->nvals = 0;
}

/**
 * Find the k-th string value at a path.
 * @param p: the parsed line.
 * @param path: the path.
 * @param k: which occurrence, from 0.
 * @return the value, or NULL.
 */
static const struct j_value*
j_find(const struct jparse* p, const char* path, size_t k)
{
	size_t i;
	for(i = 0; i < p->nvals; i++)
		if(strcmp(p->vals[i].path, path) == 0 && k-- == 0)
			return &p->vals[i];
	return NULL;
}

/**
 * Count the string values at a path.
 * @param p: the parsed line.
 * @param path: the path.
 * @return their number.
 */
static size_t
j_count(const struct jparse* p, const char* path)
{
	size_t i, n = 0;
	for(i = 0; i < p->nvals; i++)
		if(strcmp(p->vals[i].path, path) == 0)
			n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* sh_json_escape                                                      */
/* ------------------------------------------------------------------ */

/**
 * Escape the input, check the result and decode it back.
 * @param data: the bytes.
 * @param size: their number.
 */
static void
check_escape(const uint8_t* data, size_t size)
{
	size_t cap = size * 6 + 1, w, end, dl, w2;
	char* buf = malloc(cap);
	unsigned char* dec = malloc(size + 1);
	char* exact;
	if(!buf || !dec) {
		free(buf);
		free(dec);
		return;
	}
	w = sh_json_escape(buf, cap, (const char*)data, size);
	if(w == (size_t)-1 || w > cap)
		fail("sh_json_escape failed with 6 bytes per input byte");
	if(!json_string_body(buf, w, &end, dec, size + 1, &dl) || end != w)
		fail_line("escaped text is not valid JSON string contents",
			buf, w);
	if(dl != size || memcmp(dec, data, size) != 0)
		fail_line("decoding the escaped text does not give the input",
			buf, w);
	/* an exactly sized buffer works, one byte less fails */
	exact = malloc(w ? w : 1);
	if(exact) {
		w2 = sh_json_escape(exact, w, (const char*)data, size);
		if(w2 != w || memcmp(exact, buf, w) != 0)
			fail("sh_json_escape differs with an exact buffer");
		if(w > 0 && sh_json_escape(exact, w - 1, (const char*)data,
			size) != (size_t)-1)
			fail("sh_json_escape did not fail with a short buffer");
		free(exact);
	}
	free(buf);
	free(dec);
}

/* ------------------------------------------------------------------ */
/* sh_event_format                                                     */
/* ------------------------------------------------------------------ */

/** A reader over the fuzz input; short reads give zeros. */
struct rd {
	/** next byte */
	const uint8_t* p;
	/** bytes left */
	size_t n;
};

/**
 * Take bytes from the input.
 * @param r: the reader.
 * @param out: destination, zero filled past the end of input.
 * @param len: number of bytes.
 */
static void
rd_take(struct rd* r, void* out, size_t len)
{
	size_t k = len < r->n ? len : r->n;
	memcpy(out, r->p, k);
	memset((uint8_t*)out + k, 0, len - k);
	r->p += k;
	r->n -= k;
}

/**
 * Take a byte.
 * @param r: the reader.
 * @return the byte, 0 at end.
 */
static uint8_t
rd_u8(struct rd* r)
{
	uint8_t v;
	rd_take(r, &v, 1);
	return v;
}

/**
 * Take a length-prefixed string; a NUL byte inside ends it early.
 * @param r: the reader.
 * @param out: destination, NUL terminated.
 * @param max: size of out (at least 1).
 * @param isnull: set to 1 when the length byte is 0xff (a NULL string).
 */
static void
rd_str(struct rd* r, char* out, size_t max, int* isnull)
{
	size_t len = rd_u8(r);
	*isnull = (len == 0xff);
	if(*isnull)
		len = 0;
	if(len > r->n)
		len = r->n;
	if(len > max - 1)
		len = max - 1;
	rd_take(r, out, len);
	out[len] = 0;
}

/**
 * Check that a decoded value equals a C string.
 * @param p: the parsed line.
 * @param path: its path.
 * @param want: expected text, or NULL when the key must be absent.
 * @param line: the line, for messages.
 * @param len: its length.
 */
static void
expect_str(const struct jparse* p, const char* path, const char* want,
	const char* line, size_t len)
{
	const struct j_value* v = j_find(p, path, 0);
	if(!want) {
		if(v)
			fail_line("a key that should be absent is there", line,
				len);
		return;
	}
	if(!v || j_count(p, path) != 1) {
		fprintf(stderr, "path %s\n", path);
		fail_line("a string value is missing or repeated", line, len);
	}
	if(v->len != strlen(want) || memcmp(v->val, want, v->len) != 0) {
		fprintf(stderr, "path %s\n", path);
		fail_line("a string value does not decode to its input", line,
			len);
	}
}

/**
 * Check a decoded name: exactly the to_text of the wire name, and it
 * parses back to the canonical form.
 * @param v: the decoded value, or NULL.
 * @param wire: the name logged.
 * @param what: its path, for messages.
 * @param line: the line.
 * @param len: its length.
 */
static void
expect_name(const struct j_value* v, const uint8_t* wire, const char* what,
	const char* line, size_t len)
{
	char text[SH_NAME_TEXT_MAX], dtext[SH_NAME_TEXT_MAX];
	uint8_t canon[SH_NAME_MAX], back[SH_NAME_MAX];
	size_t tl = sh_name_to_text(wire, text, sizeof(text));
	size_t cl = sh_name_canon(wire, SH_NAME_MAX, canon);
	if(!v) {
		fprintf(stderr, "path %s\n", what);
		fail_line("a name is missing from the line", line, len);
	}
	if(tl == 0 || cl == 0)
		fail("a valid name does not print");
	if(v->len != tl || memcmp(v->val, text, tl) != 0) {
		fprintf(stderr, "path %s\n", what);
		fail_line("a logged name is not the to_text of the name",
			line, len);
	}
	memcpy(dtext, v->val, v->len);
	dtext[v->len] = 0;
	if(sh_name_from_text(dtext, back, NULL) != cl ||
		memcmp(back, canon, cl) != 0) {
		fprintf(stderr, "path %s\n", what);
		fail_line("a logged name does not parse back to the name",
			line, len);
	}
}

/**
 * Check the public suffix split of the question name: top_level_domain
 * is the to_text of a suffix of the name, registered_domain of the suffix
 * one label longer, subdomain of the labels before it; each is absent
 * exactly when that part does not exist.
 * @param jp: the parsed line.
 * @param qname: the question name.
 * @param line: the line.
 * @param n: its length.
 */
static void
expect_psl_parts(const struct jparse* jp, const uint8_t* qname,
	const char* line, size_t n)
{
	const struct j_value* tld = j_find(jp, "dns.question.top_level_domain", 0);
	const struct j_value* reg = j_find(jp, "dns.question.registered_domain", 0);
	const struct j_value* sub = j_find(jp, "dns.question.subdomain", 0);
	char text[SH_NAME_TEXT_MAX];
	uint8_t prefix[SH_NAME_MAX];
	size_t off[SH_NAME_MAX], labels = 0, pos = 0, k;
	while(qname[pos] != 0) {
		off[labels++] = pos;
		pos += (size_t)qname[pos] + 1;
	}
	if(labels == 0 || !tld) {
		if(labels != 0 || tld || reg || sub)
			fail_line("the public suffix fields do not fit the name",
				line, n);
		return;
	}
	for(k = 0; k < labels; k++) {
		size_t tl = sh_name_to_text(qname + off[k], text, sizeof(text));
		if(tl == tld->len && memcmp(text, tld->val, tl) == 0)
			break;
	}
	if(k == labels)
		fail_line("top_level_domain is not a suffix of the name", line,
			n);
	if(k == 0 || !reg) {
		if(k != 0 || reg || sub)
			fail_line("registered_domain does not fit the name",
				line, n);
		return;
	}
	expect_name(reg, qname + off[k - 1], "dns.question.registered_domain",
		line, n);
	if(k == 1 || !sub) {
		if(k != 1 || sub)
			fail_line("subdomain does not fit the name", line, n);
		return;
	}
	memcpy(prefix, qname, off[k - 1]);
	prefix[off[k - 1]] = 0;
	expect_name(sub, prefix, "dns.question.subdomain", line, n);
}

/**
 * Build an event from the input, format it and check the line.
 * @param data: the input.
 * @param size: its length.
 */
static void
check_event(const uint8_t* data, size_t size)
{
	static char line[SH_EVENT_LINE_MAX];
	struct rd r;
	struct sh_event ev;
	struct sh_feed feed;
	struct sh_indicator ind;
	struct sockaddr_storage ss;
	struct sockaddr_in* s4 = (struct sockaddr_in*)&ss;
	struct sockaddr_in6* s6 = (struct sockaddr_in6*)&ss;
	char identity[256], id[256], ref[256];
	char* refs[2];
	uint8_t canon[SH_NAME_MAX], qname[SH_NAME_MAX];
	const uint8_t* chain[SH_CHAIN_MAX];
	const uint8_t* indname;
	struct jparse* jp;
	uint8_t flags, fam, skip, i;
	int64_t sec;
	int32_t nsec, rcode;
	int idnull, idfeednull, refnull;
	size_t n, qlen, k;
	char* small;

	r.p = data;
	r.n = size;
	memset(&ev, 0, sizeof(ev));
	memset(&feed, 0, sizeof(feed));
	memset(&ind, 0, sizeof(ind));
	memset(&ss, 0, sizeof(ss));
	rd_take(&r, &sec, sizeof(sec));
	rd_take(&r, &nsec, sizeof(nsec));
	ev.time.tv_sec = (time_t)sec;
	ev.time.tv_nsec = nsec;
	rd_take(&r, &ev.qtype, 2);
	rd_take(&r, &ev.qclass, 2);
	rd_take(&r, &ev.qid, 2);
	ev.action = (enum sh_action)(rd_u8(&r) % 6);
	rd_take(&r, &rcode, sizeof(rcode));
	ev.rcode = rcode;
	ev.transport = (enum sh_transport)(rd_u8(&r) % 5);
	flags = rd_u8(&r);
	ev.note = flags & 1;
	fam = rd_u8(&r);
	if(fam % 3 == 0) {
		s4->sin_family = AF_INET;
		rd_take(&r, &s4->sin_addr, 4);
		rd_take(&r, &s4->sin_port, 2);
	} else if(fam % 3 == 1) {
		s6->sin6_family = AF_INET6;
		rd_take(&r, &s6->sin6_addr, 16);
		rd_take(&r, &s6->sin6_port, 2);
	} else
		rd_take(&r, &ss, 2); /* whatever family */
	ev.client = (flags & 2) ? NULL : (struct sockaddr*)&ss;
	ev.client_len = (fam & 0x80) ? (socklen_t)(rd_u8(&r) % 40) :
		(socklen_t)sizeof(ss);
	ind.confidence = (int)(int8_t)rd_u8(&r);
	feed.default_confidence = (int)(int8_t)rd_u8(&r);
	rd_str(&r, identity, sizeof(identity), &idnull);
	rd_str(&r, id, sizeof(id), &idfeednull);
	rd_str(&r, ref, sizeof(ref), &refnull);
	feed.id = idfeednull ? NULL : id;
	refs[0] = ref;
	refs[1] = NULL;
	feed.references = refnull ? NULL : refs;
	sh_event_set_rule(&ev, (flags & 4) ? NULL : &feed,
		(flags & 8) ? NULL : &ind);
	skip = rd_u8(&r);
	/* the rest is the query name, as the client sent it */
	qlen = sh_name_canon(r.p, r.n, canon);
	if(qlen == 0)
		return;
	memcpy(qname, r.p, qlen);
	ev.qname = qname;
	/* the indicator is a suffix of the query name, or none */
	indname = qname;
	for(i = 0; i < (skip & 0x7f) && *indname; i++)
		indname += *indname + 1;
	ev.indicator = (skip & 0x80) ? NULL : indname;
	ev.reason = (flags & 0x10) ? "cname" : NULL;
	/* a chain of suffixes of the query name */
	ev.chain_len = (flags >> 5) % 4 * 5;
	if(ev.chain_len > SH_CHAIN_MAX)
		ev.chain_len = SH_CHAIN_MAX;
	indname = qname;
	for(k = 0; k < ev.chain_len; k++) {
		chain[k] = indname;
		if(*indname)
			indname += *indname + 1;
	}
	ev.chain = ev.chain_len ? chain : NULL;

	n = sh_event_format(&ev, idnull ? NULL : identity, line,
		sizeof(line));
	if(n == 0)
		fail("sh_event_format failed with SH_EVENT_LINE_MAX bytes");
#ifdef FUZZ_VERBOSE
	fprintf(stderr, "%s", line);
#endif
	if(n >= sizeof(line) || line[n - 1] != '\n' || line[n] != 0)
		fail_line("the line does not end in '\\n' and a NUL", line, n);
	if(memchr(line, '\n', n - 1) || memchr(line, '\r', n))
		fail_line("the line has an interior line break", line, n);
	if(strlen(line) != n)
		fail_line("the line contains a NUL byte", line, n);
	jp = calloc(1, sizeof(*jp));
	if(!jp)
		return;
	jp->s = line;
	jp->n = n - 1;
	j_ws(jp);
	if(jp->i >= jp->n || line[jp->i] != '{' || !j_value(jp))
		fail_line("the line is not a valid JSON object", line, n);
	j_ws(jp);
	if(jp->i != jp->n)
		fail_line("text after the JSON object", line, n);
	if(j_count(jp, "dns.question.name") != 1)
		fail_line("dns.question.name is not there exactly once", line,
			n);
	expect_name(j_find(jp, "dns.question.name", 0), qname,
		"dns.question.name", line, n);
	if(ev.indicator) {
		expect_name(j_find(jp, "rule.name", 0), ev.indicator,
			"rule.name", line, n);
		expect_name(j_find(jp, "threat.indicator.name", 0),
			ev.indicator, "threat.indicator.name", line, n);
	}
	expect_psl_parts(jp, qname, line, n);
	if(j_count(jp, "unbound_sinkhole.chain[]") != ev.chain_len)
		fail_line("the chain has the wrong number of names", line, n);
	for(k = 0; k < ev.chain_len; k++)
		expect_name(j_find(jp, "unbound_sinkhole.chain[]", k),
			chain[k], "unbound_sinkhole.chain[]", line, n);
	expect_str(jp, "observer.name", idnull ? "" : identity, line, n);
	expect_str(jp, "rule.ruleset", (!(flags & 4) && feed.id) ? feed.id :
		NULL, line, n);
	expect_str(jp, "rule.reference", (!(flags & 4) && feed.references) ?
		ref : NULL, line, n);
	j_free(jp);
	free(jp);

	/* too small buffers give 0 and stay inside their bounds */
	small = malloc(n + 1);
	if(!small)
		return;
	if(sh_event_format(&ev, idnull ? NULL : identity, small, n + 1) != n
		|| memcmp(small, line, n + 1) != 0)
		fail("sh_event_format differs with an exact buffer");
	if(sh_event_format(&ev, idnull ? NULL : identity, small, n) != 0)
		fail("sh_event_format did not fail without room for the NUL");
	if(sh_event_format(&ev, idnull ? NULL : identity, small,
		(size_t)skip * n / 256) != 0)
		fail("sh_event_format did not fail with a short buffer");
	free(small);
}

/**
 * libFuzzer entry point.
 * @param data: the input.
 * @param size: its length.
 * @return 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	check_escape(data, size);
	check_event(data, size);
	return 0;
}
