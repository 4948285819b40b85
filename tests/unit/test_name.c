/*
 * test_name.c - unit tests of domain names, DNS mnemonics, actions and
 * diagnostics formatting.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * cmocka tests of lib/name.c, lib/rrtype.c, lib/action.c and
 * sh_diag_format: presentation parsing with escapes, limits, wire
 * validation, lossless escaping of hostile bytes and its round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <cmocka.h>
#include "sinkhole.h"

/**
 * Parse a name and compare it with the expected wire bytes.
 * @param text: presentation name.
 * @param wire: expected wire name.
 * @param len: its length.
 */
static void
expect_wire(const char* text, const char* wire, size_t len)
{
	uint8_t out[SH_NAME_MAX];
	const char* err = NULL;
	size_t n = sh_name_from_text(text, out, &err);

	assert_int_equal(n, len);
	assert_memory_equal(out, wire, len);
}

/**
 * Expect a name to be refused with an error containing a word.
 * @param text: presentation name.
 * @param word: substring of the error.
 */
static void
expect_bad(const char* text, const char* word)
{
	uint8_t out[SH_NAME_MAX];
	const char* err = NULL;

	assert_int_equal(sh_name_from_text(text, out, &err), 0);
	assert_non_null(err);
	if(!strstr(err, word))
		fail_msg("error for '%s' is '%s', expected '%s' in it", text,
			err, word);
}

/** Plain names, trailing dot, case folding, root. */
static void
test_from_text_basic(void** state)
{
	(void)state;
	expect_wire("www.Example.COM", "\3www\7example\3com", 17);
	expect_wire("www.example.com.", "\3www\7example\3com", 17);
	expect_wire("a", "\1a", 3);
	expect_wire(".", "", 1);
	/* err may be NULL */
	{
		uint8_t out[SH_NAME_MAX];
		assert_int_equal(sh_name_from_text("a..b", out, NULL), 0);
	}
}

/** RFC 1035 escapes: \. \\ \DDD, and their errors. */
static void
test_from_text_escapes(void** state)
{
	(void)state;
	expect_wire("a\\.b.com", "\3a.b\3com", 9);
	expect_wire("a\\\\b.com", "\3a\\b\3com", 9);
	/* \065 is 'A', canonicalised to 'a' */
	expect_wire("\\065bc.com", "\3abc\3com", 9);
	expect_wire("\\000\\255.x", "\2\0\377\1x", 6);
	expect_wire("a\\\"b.x", "\3a\"b\1x", 7);
	expect_bad("a\\25.com", "three decimal digits");
	expect_bad("a\\2x5.com", "three decimal digits");
	expect_bad("\\256.com", "255");
	expect_bad("abc\\", "backslash");
}

/** Empty labels, too long labels and names. */
static void
test_from_text_limits(void** state)
{
	char buf[600];
	uint8_t out[SH_NAME_MAX];
	size_t i;

	(void)state;
	expect_bad("", "empty");
	expect_bad("a..b", "empty label");
	expect_bad(".a", "empty label");
	expect_bad("..", "empty label");
	/* 63 is fine, 64 is not */
	memset(buf, 'x', 63);
	strcpy(buf + 63, ".com");
	assert_int_equal(sh_name_from_text(buf, out, NULL), 1 + 63 + 4 + 1);
	memset(buf, 'x', 64);
	strcpy(buf + 64, ".com");
	expect_bad(buf, "63");
	/* 127 one-byte labels make exactly 255 bytes */
	for(i = 0; i < 127; i++) {
		buf[2*i] = 'a';
		buf[2*i + 1] = '.';
	}
	buf[2*127] = 0;
	assert_int_equal(sh_name_from_text(buf, out, NULL), 255);
	/* one more label is too long */
	buf[2*127] = 'b';
	buf[2*127 + 1] = 0;
	expect_bad(buf, "255");
	/* escaped bytes count once */
	for(i = 0; i < 63; i++)
		memcpy(buf + 4*i, "\\065", 4);
	buf[4*63] = 0;
	assert_int_equal(sh_name_from_text(buf, out, NULL), 65);
	assert_int_equal(out[0], 63);
	assert_int_equal(out[1], 'a');
}

/** Wire validation and canonicalisation. */
static void
test_canon(void** state)
{
	uint8_t out[SH_NAME_MAX], big[300];
	size_t i;

	(void)state;
	assert_int_equal(sh_name_canon((const uint8_t*)"\3WwW\2Ab", 8, out),
		8);
	assert_memory_equal(out, "\3www\2ab", 8);
	assert_int_equal(sh_name_canon((const uint8_t*)"", 1, out), 1);
	/* truncated */
	assert_int_equal(sh_name_canon((const uint8_t*)"\3www\2ab", 7, out),
		0);
	assert_int_equal(sh_name_canon((const uint8_t*)"\3ww", 3, out), 0);
	/* compression pointer and label type 0x40 */
	assert_int_equal(sh_name_canon((const uint8_t*)"\3www\300\014", 6,
		out), 0);
	assert_int_equal(sh_name_canon((const uint8_t*)"\100", 70, out), 0);
	assert_int_equal(sh_name_canon((const uint8_t*)"", 0, out), 0);
	/* 127 labels of one byte: 255, fine; 128: too long */
	for(i = 0; i < 128; i++) {
		big[2*i] = 1;
		big[2*i + 1] = 'a';
	}
	big[254] = 0;
	assert_int_equal(sh_name_canon(big, sizeof(big), out), 255);
	big[254] = 1;
	big[256] = 0;
	assert_int_equal(sh_name_canon(big, sizeof(big), out), 0);
	assert_int_equal(sh_name_labels((const uint8_t*)"\3www\2ab"), 2);
	assert_int_equal(sh_name_labels((const uint8_t*)""), 0);
}

/** Escaping of hostile bytes and the round trip through the parser. */
static void
test_to_text_hostile(void** state)
{
	static const uint8_t wire[] = { 10, 0x00, '"', '\\', 0x01, 0x7f, '.',
		0xff, ' ', 'a', ';', 3, 'c', 'o', 'm', 0 };
	char text[SH_NAME_TEXT_MAX];
	uint8_t back[SH_NAME_MAX];
	size_t n, i;

	(void)state;
	n = sh_name_to_text(wire, text, sizeof(text));
	assert_string_equal(text,
		"\\000\\\"\\\\\\001\\127\\.\\255\\032a;.com");
	assert_int_equal(n, strlen(text));
	for(i = 0; i < n; i++)
		assert_true(text[i] >= 0x21 && text[i] <= 0x7e);
	assert_int_equal(sh_name_from_text(text, back, NULL), sizeof(wire));
	assert_memory_equal(back, wire, sizeof(wire));
	/* root, and no trailing dot */
	assert_int_equal(sh_name_to_text((const uint8_t*)"", text, 2), 1);
	assert_string_equal(text, ".");
	assert_int_equal(sh_name_to_text((const uint8_t*)"\1A\2bc", text,
		sizeof(text)), 4);
	assert_string_equal(text, "A.bc");
	/* too small: exactly enough is fine, one less is not */
	assert_int_equal(sh_name_to_text((const uint8_t*)"\1A\2bc", text, 5),
		4);
	assert_int_equal(sh_name_to_text((const uint8_t*)"\1A\2bc", text, 4),
		0);
	assert_int_equal(sh_name_to_text((const uint8_t*)"\1\377", text, 4),
		0);
}

/** The worst case fits SH_NAME_TEXT_MAX and round trips. */
static void
test_to_text_worst(void** state)
{
	uint8_t wire[SH_NAME_MAX], back[SH_NAME_MAX];
	char text[SH_NAME_TEXT_MAX];
	size_t pos = 0, i;

	(void)state;
	/* three labels of 63 and one of 61: 255 bytes, all escaped */
	for(i = 0; i < 4; i++) {
		size_t lab = i < 3 ? 63 : 61;
		wire[pos] = (uint8_t)lab;
		memset(wire + pos + 1, 0xfe, lab);
		pos += lab + 1;
	}
	wire[pos++] = 0;
	assert_int_equal(pos, 255);
	assert_int_equal(sh_name_to_text(wire, text, sizeof(text)),
		250 * 4 + 3);
	assert_int_equal(sh_name_from_text(text, back, NULL), 255);
	assert_memory_equal(back, wire, 255);
}

/** Case-insensitive comparison. */
static void
test_equal(void** state)
{
	(void)state;
	assert_true(sh_name_equal((const uint8_t*)"\3WWW\2ab",
		(const uint8_t*)"\3www\2AB"));
	assert_false(sh_name_equal((const uint8_t*)"\3www\2ab",
		(const uint8_t*)"\3www\2ac"));
	assert_false(sh_name_equal((const uint8_t*)"\3www\2ab",
		(const uint8_t*)"\3www"));
	assert_false(sh_name_equal((const uint8_t*)"\2ab",
		(const uint8_t*)"\3abc"));
	assert_true(sh_name_equal((const uint8_t*)"", (const uint8_t*)""));
}

/**
 * Parse a feed name; expect it accepted with this text, Unicode form
 * and a warning containing a word (or none).
 * @param text: the name as written.
 * @param want: expected sh_name_to_text of the result.
 * @param uni: expected Unicode form, or NULL for none.
 * @param warn: word of the warning, or NULL for no warning.
 */
static void
expect_feed(const char* text, const char* want, const char* uni,
	const char* warn)
{
	struct sh_feed_name fn;
	char got[SH_NAME_TEXT_MAX];

	if(!sh_name_from_feed(text, &fn))
		fail_msg("'%s' refused: %s", text, fn.error);
	assert_int_equal(fn.error[0], 0);
	assert_true(sh_name_to_text(fn.wire, got, sizeof(got)) > 0);
	assert_string_equal(got, want);
	if(uni) {
		assert_non_null(fn.unicode);
		assert_string_equal(fn.unicode, uni);
	} else	assert_null(fn.unicode);
	if(!warn)
		assert_string_equal(fn.warning, "");
	else if(!strstr(fn.warning, warn))
		fail_msg("warning for '%s' is '%s', expected '%s' in it", text,
			fn.warning, warn);
	free(fn.unicode);
}

/**
 * Expect a feed name to be refused with an error containing words.
 * @param text: the name as written.
 * @param w1: word of the error.
 * @param w2: another word, or NULL.
 */
static void
expect_feed_bad(const char* text, const char* w1, const char* w2)
{
	struct sh_feed_name fn;

	assert_int_equal(sh_name_from_feed(text, &fn), 0);
	assert_null(fn.unicode);
	if(!strstr(fn.error, w1) || (w2 && !strstr(fn.error, w2)))
		fail_msg("error for '%s' is '%s', expected '%s' '%s'", text,
			fn.error, w1, w2 ? w2 : "");
}

/** Unicode names become the A-labels clients ask for. */
static void
test_feed_idn(void** state)
{
	(void)state;
	expect_feed("bücher.example", "xn--bcher-kva.example",
		"bücher.example", NULL);
	/* UTS #46 mapping: case, the ideographic full stop, NFC */
	expect_feed("BÜCHER.Example.", "xn--bcher-kva.example",
		"bücher.example", NULL);
	expect_feed("bücher\xe3\x80\x82" "example", "xn--bcher-kva.example",
		"bücher.example", NULL);
	expect_feed("bu\xcc\x88" "cher.example", "xn--bcher-kva.example",
		"bücher.example", NULL);
	expect_feed("*.bücher.example", "*.xn--bcher-kva.example",
		"*.bücher.example", NULL);
	expect_feed("_dmarc.例え.jp", "_dmarc.xn--r8jz45g.jp",
		"_dmarc.例え.jp", NULL);
	/* a deviation character: IDNA2008 form, and a warning naming the
	 * IDNA2003 one */
	expect_feed("faß.example", "xn--fa-hia.example", "faß.example",
		"'fass.example'");
	/* A-labels given as such: kept, decoded for the log */
	expect_feed("xn--bcher-kva.example", "xn--bcher-kva.example",
		"bücher.example", NULL);
	expect_feed("XN--BCHER-KVA.example", "xn--bcher-kva.example",
		"bücher.example", NULL);
	expect_feed("xn--zzzzzz.example", "xn--zzzzzz.example", NULL,
		"not a valid IDNA2008 A-label");
	/* plain ASCII names have no Unicode form and no warning */
	expect_feed("www.example.com", "www.example.com", NULL, NULL);
	/* refused: what IDNA2008 does not allow, with a hint when older
	 * processing gives an A-label */
	expect_feed_bad("\xf0\x9f\x92\xa9.la", "IDNA2008", "'xn--ls8h.la'");
	expect_feed_bad("ab--c.bücher.example", "IDNA2008", NULL);
	expect_feed_bad("-x.bücher.example", "IDNA2008", NULL);
	expect_feed_bad("bücher..example", "empty label", NULL);
	/* invalid UTF-8 (a reader that does not check it) */
	expect_feed_bad("b\xfc" "cher.example", "IDNA2008", NULL);
	/* U+FF3C maps to a backslash */
	expect_feed_bad("a\xef\xbc\xbc" "b.bücher.example", "backslash", NULL);
	/* too long once converted */
	{
		char big[300];
		memset(big, 0, sizeof(big));
		strcpy(big, "ü");
		memset(big + 2, 'a', 62);
		strcat(big, ".example");
		expect_feed_bad(big, "IDNA2008", NULL);
	}
}

/** Escapes in feed names: only the ones our own log writes. */
static void
test_feed_escapes(void** state)
{
	(void)state;
	expect_feed("a\\.b.example", "a\\.b.example", NULL, NULL);
	expect_feed("a\\\\b.example", "a\\\\b.example", NULL, NULL);
	expect_feed("a\\\"b.example", "a\\\"b.example", NULL, NULL);
	expect_feed("a\\098c.example", "abc.example", NULL, NULL);
	expect_feed("a\\000b.example", "a\\000b.example", NULL, NULL);
	/* raw UTF-8 bytes given as \DDD stay raw, with a warning */
	expect_feed("b\\195\\188cher.example", "b\\195\\188cher.example",
		NULL, "xn-- form");
	/* "back\slash" was silently "backslash" */
	expect_feed_bad("back\\slash.example", "ambiguous escape '\\s'",
		"character 5");
	expect_feed_bad("a\\-b.example", "ambiguous escape '\\-'", NULL);
	expect_feed_bad("a\\ b.example", "ambiguous escape", NULL);
	expect_feed_bad("trailing\\", "lone backslash", NULL);
	expect_feed_bad("a\\25.example", "three decimal digits", NULL);
	expect_feed_bad("b\\ücher.example", "cannot also hold backslash",
		NULL);
	expect_feed_bad("", "empty", NULL);
	/* what the log writes parses back to the same name */
	{
		const uint8_t w[] = "\5a.\\\"\377\7example";
		char text[SH_NAME_TEXT_MAX];
		struct sh_feed_name fn;
		assert_true(sh_name_to_text(w, text, sizeof(text)) > 0);
		assert_true(sh_name_from_feed(text, &fn));
		assert_int_equal(fn.len, sizeof(w));
		assert_memory_equal(fn.wire, w, sizeof(w));
		free(fn.unicode);
	}
}

/** RR type, class and rcode mnemonics. */
static void
test_mnemonics(void** state)
{
	char buf[16];
	static const struct { uint16_t t; const char* n; } types[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" },
		{ 12, "PTR" }, { 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" },
		{ 33, "SRV" }, { 35, "NAPTR" }, { 41, "OPT" }, { 43, "DS" },
		{ 46, "RRSIG" }, { 47, "NSEC" }, { 48, "DNSKEY" },
		{ 50, "NSEC3" }, { 52, "TLSA" }, { 64, "SVCB" },
		{ 65, "HTTPS" }, { 251, "IXFR" }, { 252, "AXFR" },
		{ 255, "ANY" }, { 257, "CAA" } };
	size_t i;

	(void)state;
	for(i = 0; i < sizeof(types)/sizeof(types[0]); i++)
		assert_string_equal(sh_rrtype_name(types[i].t, buf),
			types[i].n);
	assert_string_equal(sh_rrtype_name(65535, buf), "TYPE65535");
	assert_string_equal(sh_rrtype_name(0, buf), "TYPE0");
	assert_string_equal(sh_rrclass_name(1, buf), "IN");
	assert_string_equal(sh_rrclass_name(3, buf), "CH");
	assert_string_equal(sh_rrclass_name(4, buf), "HS");
	assert_string_equal(sh_rrclass_name(254, buf), "NONE");
	assert_string_equal(sh_rrclass_name(255, buf), "ANY");
	assert_string_equal(sh_rrclass_name(2, buf), "CLASS2");
	assert_string_equal(sh_rcode_name(0, buf), "NOERROR");
	assert_string_equal(sh_rcode_name(2, buf), "SERVFAIL");
	assert_string_equal(sh_rcode_name(3, buf), "NXDOMAIN");
	assert_string_equal(sh_rcode_name(5, buf), "REFUSED");
	assert_string_equal(sh_rcode_name(9, buf), "NOTAUTH");
	assert_string_equal(sh_rcode_name(10, buf), "NOTZONE");
	assert_string_equal(sh_rcode_name(16, buf), "BADVERS");
	assert_string_equal(sh_rcode_name(12, buf), "RCODE12");
	assert_string_equal(sh_rcode_name(-1, buf), "RCODE-1");
}

/** Action names and parsing. */
static void
test_actions(void** state)
{
	enum sh_action a = SH_ACTION_INHERIT;

	(void)state;
	assert_string_equal(sh_action_name(SH_ACTION_INHERIT), "inherit");
	assert_string_equal(sh_action_name(SH_ACTION_SINKHOLE), "sinkhole");
	assert_string_equal(sh_action_name(SH_ACTION_NXDOMAIN), "nxdomain");
	assert_string_equal(sh_action_name(SH_ACTION_NODATA), "nodata");
	assert_string_equal(sh_action_name(SH_ACTION_REFUSE), "refuse");
	assert_string_equal(sh_action_name(SH_ACTION_ALLOW), "allow");
	assert_true(sh_action_parse("nxdomain", &a));
	assert_int_equal(a, SH_ACTION_NXDOMAIN);
	assert_true(sh_action_parse("refuse", &a));
	assert_int_equal(a, SH_ACTION_REFUSE);
	assert_false(sh_action_parse("allow", &a));
	assert_false(sh_action_parse("inherit", &a));
	assert_false(sh_action_parse("NXDOMAIN", &a));
	assert_false(sh_action_parse("", &a));
	assert_int_equal(a, SH_ACTION_REFUSE);
}

/** Diagnostics formatting. */
static void
test_diag_format(void** state)
{
	struct sh_diag_msg m;
	char buf[128];

	(void)state;
	m.severity = SH_SEV_ERROR;
	m.file = "zones/x.yaml";
	m.line = 12;
	m.column = 7;
	m.text = "bad";
	assert_int_equal(sh_diag_format(&m, buf, sizeof(buf)), 29);
	assert_string_equal(buf, "zones/x.yaml:12:7: error: bad");
	m.severity = SH_SEV_NOTE;
	m.column = 0;
	sh_diag_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "zones/x.yaml:12: note: bad");
	m.severity = SH_SEV_WARNING;
	m.line = 0;
	m.column = 3;
	sh_diag_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "zones/x.yaml: warning: bad");
	m.line = 1;
	m.column = 1;
	m.severity = SH_SEV_ERROR;
	assert_int_equal(sh_diag_format(&m, buf, 5), 28);
	assert_string_equal(buf, "zone");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_text_basic),
		cmocka_unit_test(test_from_text_escapes),
		cmocka_unit_test(test_from_text_limits),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_to_text_hostile),
		cmocka_unit_test(test_to_text_worst),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_feed_idn),
		cmocka_unit_test(test_feed_escapes),
		cmocka_unit_test(test_mnemonics),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_diag_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
