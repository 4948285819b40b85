/*
 * fuzz_name.c - libFuzzer target for the domain name parser and printer.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Feeds arbitrary bytes to the name functions of lib/name.c and checks
 * their documented properties:
 *  - the input as presentation text (a NUL terminated copy):
 *    sh_name_from_text must accept exactly what an independent
 *    reference parser in this file accepts, with the same wire bytes;
 *    an accepted name printed with sh_name_to_text must be printable
 *    ASCII and parse back to the same wire bytes (round trip);
 *  - the input as wire format: when sh_name_canon accepts it, the copy
 *    is lower case and as long as the name, the label count matches,
 *    to_text and from_text round trip to the canonical form (from the
 *    original, mixed case name too), and sh_name_equal is reflexive and
 *    ignores case;
 *  - sh_name_to_text never writes past a too small buffer and fails
 *    exactly when the buffer cannot hold the text and its NUL;
 *  - the input as a name written in a feed (sh_name_from_feed): an
 *    ASCII name is accepted exactly when the reference parser accepts
 *    it and every escape is one of \. \\ \" \DDD, with the same wire
 *    bytes; a name with non-ASCII bytes, when accepted, gives a
 *    canonical name of ASCII bytes only (A-labels, never raw UTF-8);
 *    its Unicode form, when there is one, is valid UTF-8 and converts
 *    back to the same wire name; and every accepted name, printed
 *    with sh_name_to_text (what the log shows), is accepted again as
 *    the same wire name (a logged name pasted into a feed).
 * Any violation calls abort() after a message on stderr.
 */
#include "sinkhole.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/**
 * Report a broken property and abort.
 * @param what: the property.
 */
static void
fail(const char* what)
{
	fprintf(stderr, "fuzz_name: property violated: %s\n", what);
	abort();
}

/**
 * ASCII lower case of a byte.
 * @param c: the byte.
 * @return lower-case byte.
 */
static uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/**
 * Reference parser of presentation names, written independently from
 * lib/name.c after the documentation of sh_name_from_text: "." is the
 * root; otherwise labels are separated by unescaped dots, one trailing
 * dot is allowed, empty labels are refused, \X stands for X and \DDD
 * for the byte DDD (three digits, at most 255); labels are at most 63
 * bytes and the wire name at most 255.
 * @param text: NUL terminated text.
 * @param out: destination of SH_NAME_MAX bytes.
 * @return the wire length, or 0 if refused.
 */
static size_t
ref_from_text(const char* text, uint8_t* out)
{
	uint8_t wire[1024];
	size_t n = 0, lab = 0, labstart = 0;
	const char* p = text;

	if(*p == 0)
		return 0;
	if(strcmp(text, ".") == 0) {
		out[0] = 0;
		return 1;
	}
	/* wire[labstart] holds the current label's length byte */
	n = 1;
	while(*p) {
		uint8_t c;
		if(*p == '.') {
			if(lab == 0)
				return 0;
			wire[labstart] = (uint8_t)lab;
			labstart = n++;
			lab = 0;
			p++;
			continue;
		}
		if(*p == '\\') {
			p++;
			if(*p == 0)
				return 0;
			if(*p >= '0' && *p <= '9') {
				unsigned v;
				if(!(p[1] >= '0' && p[1] <= '9') ||
					!(p[2] >= '0' && p[2] <= '9'))
					return 0;
				v = (unsigned)(p[0] - '0') * 100 +
					(unsigned)(p[1] - '0') * 10 +
					(unsigned)(p[2] - '0');
				if(v > 255)
					return 0;
				c = (uint8_t)v;
				p += 3;
			} else	c = (uint8_t)*p++;
		} else	c = (uint8_t)*p++;
		if(n >= sizeof(wire) - 2)
			return 0;
		wire[n++] = lower(c);
		lab++;
		if(lab > SH_LABEL_MAX)
			return 0;
	}
	if(lab > 0) {
		wire[labstart] = (uint8_t)lab;
		wire[n++] = 0;
	} else {
		/* a trailing dot: labstart is the root label */
		wire[labstart] = 0;
	}
	if(n > SH_NAME_MAX)
		return 0;
	memcpy(out, wire, n);
	return n;
}

/**
 * Check that sh_name_to_text of a valid wire name fails exactly when
 * the buffer is too small and never writes past its end: the buffers
 * are malloced to their exact size so that AddressSanitizer sees any
 * overflow.
 * @param wire: a valid wire name.
 * @param textlen: the length of its full text, without the NUL.
 * @param text: its full text.
 */
static void
check_to_text_sizes(const uint8_t* wire, size_t textlen, const char* text)
{
	size_t sizes[3], i;
	sizes[0] = textlen + 1;
	sizes[1] = textlen;
	sizes[2] = textlen / 2;
	for(i = 0; i < 3; i++) {
		size_t sz = sizes[i], r;
		char* buf = malloc(sz ? sz : 1);
		if(!buf)
			return;
		r = sh_name_to_text(wire, buf, sz);
		if(sz == textlen + 1) {
			if(r != textlen || memcmp(buf, text, textlen + 1) != 0)
				fail("to_text with an exact-size buffer differs");
		} else if(r != 0)
			fail("to_text succeeded with a buffer too small");
		free(buf);
	}
}

/**
 * Check the printed form of a canonical wire name: printable ASCII,
 * parses back to the same bytes.
 * @param canon: a canonical wire name.
 * @param len: its length.
 * @param from: the name as printed from (may differ in case).
 */
static void
check_round_trip(const uint8_t* canon, size_t len, const uint8_t* from)
{
	char text[SH_NAME_TEXT_MAX];
	uint8_t again[SH_NAME_MAX];
	const char* err = NULL;
	size_t tl, al, i;

	tl = sh_name_to_text(from, text, sizeof(text));
	if(tl == 0)
		fail("to_text failed with SH_NAME_TEXT_MAX bytes");
	if(tl != strlen(text))
		fail("to_text length differs from strlen");
	for(i = 0; i < tl; i++)
		if((unsigned char)text[i] < 0x21 ||
			(unsigned char)text[i] > 0x7e)
			fail("to_text wrote a byte outside printable ASCII");
	if(len > 1 && text[tl - 1] == '.' && (tl < 2 || text[tl - 2] != '\\'))
		fail("to_text wrote a trailing dot");
	al = sh_name_from_text(text, again, &err);
	if(al != len || memcmp(again, canon, len) != 0)
		fail("from_text(to_text(name)) is not the canonical name");
	check_to_text_sizes(from, tl, text);
}

/**
 * Whether a wire name is in canonical (lower) case.
 * @param w: the name.
 * @param len: its length.
 * @return 1 if no byte is an upper-case ASCII letter.
 */
static int
is_lower(const uint8_t* w, size_t len)
{
	size_t p = 0, i;
	while(p < len && w[p]) {
		for(i = 1; i <= w[p]; i++)
			if(w[p + i] >= 'A' && w[p + i] <= 'Z')
				return 0;
		p += (size_t)w[p] + 1;
	}
	return 1;
}

/**
 * Count labels the slow way, for comparison with sh_name_labels.
 * @param w: valid wire name.
 * @return the number of labels, not counting the root.
 */
static unsigned
count_labels(const uint8_t* w)
{
	unsigned n = 0;
	size_t p = 0;
	while(w[p]) {
		n++;
		p += (size_t)w[p] + 1;
	}
	return n;
}

/**
 * The text side: parse, compare with the reference, round trip.
 * @param data: fuzz input.
 * @param size: its length.
 */
static void
fuzz_text(const uint8_t* data, size_t size)
{
	uint8_t wire[SH_NAME_MAX], ref[SH_NAME_MAX];
	const char* err = NULL;
	char* text = malloc(size + 1);
	size_t len, rlen;

	if(!text)
		return;
	memcpy(text, data, size);
	text[size] = 0;
	len = sh_name_from_text(text, wire, &err);
	rlen = ref_from_text(text, ref);
	if((len != 0) != (rlen != 0)) {
		fprintf(stderr, "from_text: lib %s, reference %s (%s)\n",
			len ? "accepts" : "refuses", rlen ? "accepts" :
			"refuses", err ? err : "-");
		fail("from_text and the reference parser disagree");
	}
	if(len == 0) {
		if(!err)
			fail("from_text failed without an error text");
		free(text);
		return;
	}
	if(len != rlen || memcmp(wire, ref, len) != 0)
		fail("from_text and the reference parser give different wire");
	if(len > SH_NAME_MAX || wire[len - 1] != 0 || !is_lower(wire, len))
		fail("from_text output is not a canonical wire name");
	if(sh_name_labels(wire) != count_labels(wire))
		fail("sh_name_labels miscounts");
	if(!sh_name_equal(wire, wire))
		fail("sh_name_equal is not reflexive");
	check_round_trip(wire, len, wire);
	free(text);
}

/**
 * The wire side: validate with sh_name_canon, then the same checks.
 * @param data: fuzz input.
 * @param size: its length.
 */
static void
fuzz_wire(const uint8_t* data, size_t size)
{
	uint8_t canon[SH_NAME_MAX], canon2[SH_NAME_MAX];
	size_t len, i;

	len = sh_name_canon(data, size, canon);
	if(len == 0)
		return;
	if(len > size || len > SH_NAME_MAX || canon[len - 1] != 0)
		fail("sh_name_canon returned a bad length");
	for(i = 0; i < len; i++)
		if(canon[i] != lower(data[i]))
			fail("sh_name_canon is not the lower-case copy");
	if(!is_lower(canon, len))
		fail("sh_name_canon output has upper case");
	/* canonicalising again is the identity */
	if(sh_name_canon(canon, len, canon2) != len ||
		memcmp(canon, canon2, len) != 0)
		fail("sh_name_canon is not idempotent");
	/* one byte short must fail */
	if(sh_name_canon(data, len - 1, canon2) != 0)
		fail("sh_name_canon accepted a truncated name");
	if(sh_name_labels(data) != count_labels(canon) ||
		sh_name_labels(canon) != count_labels(canon))
		fail("sh_name_labels miscounts a wire name");
	if(!sh_name_equal(data, data) || !sh_name_equal(canon, canon))
		fail("sh_name_equal is not reflexive");
	if(!sh_name_equal(data, canon) || !sh_name_equal(canon, data))
		fail("sh_name_equal does not ignore case");
	check_round_trip(canon, len, canon);
	check_round_trip(canon, len, data);
}

/**
 * Whether every backslash escape of a text is one the feed parser
 * takes: \. \\ \" or a digit (\DDD, checked by the reference parser).
 * @param text: NUL terminated text.
 * @return 1 if so.
 */
static int
feed_escapes_ok(const char* text)
{
	const char* p;
	for(p = text; *p; p++) {
		if(*p != '\\')
			continue;
		p++;
		if(*p == 0)
			return 1;
		if(!(*p == '.' || *p == '\\' || *p == '"' ||
			(*p >= '0' && *p <= '9')))
			return 0;
	}
	return 1;
}

/**
 * Whether a string holds a byte outside ASCII.
 * @param s: NUL terminated string.
 * @return 1 if it does.
 */
static int
has_8bit(const char* s)
{
	for(; *s; s++)
		if((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/**
 * Parse a feed name again and require the same wire bytes.
 * @param text: the text to parse.
 * @param wire: the expected wire name.
 * @param len: its length.
 * @param what: the property, for the message.
 */
static void
feed_again(const char* text, const uint8_t* wire, size_t len,
	const char* what)
{
	struct sh_feed_name fn;
	if(!sh_name_from_feed(text, &fn)) {
		fprintf(stderr, "fuzz_name: '%s' refused: %s\n", text,
			fn.error);
		fail(what);
	}
	if(fn.len != len || memcmp(fn.wire, wire, len) != 0)
		fail(what);
	free(fn.unicode);
}

/**
 * The feed side: sh_name_from_feed against the rules of its
 * documentation.
 * @param text: NUL terminated fuzz input.
 */
static void
fuzz_feed(const char* text)
{
	struct sh_feed_name fn;
	uint8_t ref[SH_NAME_MAX];
	char back[SH_NAME_TEXT_MAX];
	size_t i, rlen;
	int ok = sh_name_from_feed(text, &fn);

	if(!ok) {
		if(fn.error[0] == 0 || fn.unicode)
			fail("from_feed refused without an error, or left "
				"memory to free");
	} else if(fn.error[0] != 0)
		fail("from_feed accepted with an error text");
	if(!has_8bit(text)) {
		rlen = ref_from_text(text, ref);
		if(ok != (rlen != 0 && feed_escapes_ok(text)))
			fail("from_feed on an ASCII name disagrees with the "
				"reference parser and the escape rules");
		if(ok && (fn.len != rlen || memcmp(fn.wire, ref, rlen) != 0))
			fail("from_feed gives other wire than the reference");
	}
	if(!ok)
		return;
	if(fn.len == 0 || fn.len > SH_NAME_MAX || fn.wire[fn.len - 1] != 0
		|| !is_lower(fn.wire, fn.len))
		fail("from_feed output is not a canonical wire name");
	if(has_8bit(text))
		for(i = 0; i < fn.len; i++)
			if(fn.wire[i] >= 0x80)
				fail("a Unicode name kept raw bytes above 127");
	if(fn.unicode)
		feed_again(fn.unicode, fn.wire, fn.len, "the Unicode form "
			"does not convert back to the same name");
	if(sh_name_to_text(fn.wire, back, sizeof(back)) == 0)
		fail("to_text failed on a feed name");
	feed_again(back, fn.wire, fn.len, "a logged feed name does not "
		"parse back to the same name");
	free(fn.unicode);
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
	char* text = malloc(size + 1);
	if(text) {
		memcpy(text, data, size);
		text[size] = 0;
		fuzz_feed(text);
		free(text);
	}
	fuzz_text(data, size);
	fuzz_wire(data, size);
	return 0;
}
