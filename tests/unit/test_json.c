/*
 * test_json.c - unit tests of the JSON reader (lib/json.c).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * cmocka tests of sh_json_parse: a status file's object with every
 * type, escapes and surrogate pairs, member lookup, and each refusal
 * with its line and column: trailing commas and text, bad numbers,
 * literals, escapes, lone surrogates, \u0000, control characters,
 * invalid UTF-8, unterminated strings and nesting too deep.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "json.h"

/**
 * Parse a NUL-terminated text that must be accepted.
 * @param s: the text.
 * @return the tree (caller frees).
 */
static struct sh_json*
ok(const char* s)
{
	char err[256];
	struct sh_json* v = sh_json_parse(s, strlen(s), err, sizeof(err));
	if(!v)
		fail_msg("refused: %s: %s", s, err);
	assert_string_equal(err, "");
	return v;
}

/**
 * Assert that a text is refused with an error that starts so.
 * @param s: the text.
 * @param len: its length.
 * @param want: the start of the error.
 */
static void
refused(const char* s, size_t len, const char* want)
{
	char err[256];
	struct sh_json* v = sh_json_parse(s, len, err, sizeof(err));
	assert_null(v);
	if(strncmp(err, want, strlen(want)) != 0)
		fail_msg("%s: expected '%s', got '%s'", s, want, err);
}

/** A status file's object: every type, nested lookups. */
static void
test_status_object(void** state)
{
	struct sh_json* v = ok(" {\"identity\":\"r\\\"1\",\"generation\":4,"
		"\"guard\":{\"cname\":11},\"ok\":true,\"no\":false,\"e\":null,"
		"\"feeds\":[{\"file\":\"a.yaml\",\"indicators\":-0.5e+3},[]]}\n");
	const struct sh_json* f;
	(void)state;
	assert_int_equal(v->type, SH_JSON_OBJECT);
	assert_int_equal(v->n, 7);
	assert_string_equal(sh_json_get(v, "identity")->text, "r\"1");
	assert_int_equal(sh_json_get(v, "generation")->type, SH_JSON_NUMBER);
	assert_string_equal(sh_json_get(v, "generation")->text, "4");
	assert_string_equal(sh_json_get(sh_json_get(v, "guard"), "cname")->text,
		"11");
	assert_int_equal(sh_json_get(v, "ok")->boolean, 1);
	assert_int_equal(sh_json_get(v, "no")->type, SH_JSON_BOOL);
	assert_int_equal(sh_json_get(v, "no")->boolean, 0);
	assert_int_equal(sh_json_get(v, "e")->type, SH_JSON_NULL);
	assert_null(sh_json_get(v, "missing"));
	assert_null(sh_json_get(sh_json_get(v, "generation"), "x"));
	f = sh_json_get(v, "feeds");
	assert_int_equal(f->type, SH_JSON_ARRAY);
	assert_int_equal(f->n, 2);
	assert_string_equal(sh_json_get(f->items[0], "file")->text, "a.yaml");
	assert_string_equal(sh_json_get(f->items[0], "indicators")->text,
		"-0.5e+3");
	assert_int_equal(f->items[1]->type, SH_JSON_ARRAY);
	assert_int_equal(f->items[1]->n, 0);
	sh_json_free(v);
}

/** Escapes decode to UTF-8; raw UTF-8 passes. */
static void
test_escapes(void** state)
{
	struct sh_json* v = ok("[\"\\u00e9\\ud83d\\ude00\\n\\t\\/\\\\\","
		"\"\xc3\xa9\xf0\x9f\x98\x80\"]");
	(void)state;
	assert_string_equal(v->items[0]->text,
		"\xc3\xa9\xf0\x9f\x98\x80\n\t/\\");
	assert_string_equal(v->items[1]->text, "\xc3\xa9\xf0\x9f\x98\x80");
	sh_json_free(v);
}

/** Refusals carry line and column. */
static void
test_refusals(void** state)
{
	char deep[200];
	(void)state;
	refused("", 0, "line 1, column 1: expected a value");
	refused("{\"a\":1,}", 8, "line 1, column 8: expected a key");
	refused("[1,]", 4, "line 1, column 4: expected a value");
	refused("{\"a\":1}\n x", 10, "line 2, column 2: text after the value");
	refused("[01]", 4, "line 1, column 3: expected ',' or ']'");
	refused("[1.]", 4, "line 1, column 4: bad number");
	refused("[-]", 3, "line 1, column 3: bad number");
	refused("[tru]", 5, "line 1, column 2: expected a value");
	refused("{\"a\" 1}", 7, "line 1, column 6: expected ':'");
	refused("[\"\\x\"]", 6, "line 1, column 4: bad escape");
	refused("[\"\\ud83d\"]", 10, "line 1, column 9: lone surrogate");
	refused("[\"\\ude00\"]", 10, "line 1, column 9: lone surrogate");
	refused("[\"\\u0000\"]", 10, "line 1, column 9: \\u0000");
	refused("[\"a\tb\"]", 7, "line 1, column 4: control character");
	refused("[\"\xc0\xaf\"]", 6, "line 1, column 3: invalid UTF-8");
	refused("[\"abc", 5, "line 1, column 6: unterminated string");
	refused("[\"a\0b\"]", 7, "line 1, column 4: control character");
	memset(deep, '[', sizeof(deep));
	refused(deep, sizeof(deep), "line 1, column 65: nested too deeply");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_object),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
