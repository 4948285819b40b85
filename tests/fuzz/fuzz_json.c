/*
 * fuzz_json.c - libFuzzer target for the JSON reader (lib/json.c).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Parses arbitrary bytes with sh_json_parse (sinkholectl status reads
 * the module's status file with it).  A tree comes back exactly when no
 * error text is set; a tree that comes back must hold only what the
 * reader promises: strings and keys of valid UTF-8 without a NUL, number
 * texts of the JSON number grammar's characters, no deeper than
 * SH_JSON_MAX_DEPTH, keys only in objects.  Everything is freed;
 * LeakSanitizer reports leaks as failures.
 */
#include "json.h"
#include "util.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

/**
 * Report a broken property and abort.
 * @param what: the property.
 */
static void
fail(const char* what)
{
	fprintf(stderr, "fuzz_json: property violated: %s\n", what);
	abort();
}

/**
 * Check a decoded text: valid UTF-8, and NUL only at its end.
 * @param s: the text.
 */
static void
check_text(const char* s)
{
	const unsigned char* p = (const unsigned char*)s;
	size_t n = strlen(s), i = 0, k;
	while(i < n) {
		if(!(k = sh_utf8_len(p + i, n - i)))
			fail("a decoded string is not valid UTF-8");
		i += k;
	}
}

/**
 * Check a value and everything below it.
 * @param v: the value.
 * @param depth: containers above it.
 */
static void
check(const struct sh_json* v, unsigned depth)
{
	size_t i;
	if(depth > SH_JSON_MAX_DEPTH)
		fail("nested deeper than SH_JSON_MAX_DEPTH");
	if((v->type == SH_JSON_STRING || v->type == SH_JSON_NUMBER) != (v->text
		!= NULL))
		fail("text set on the wrong type");
	if(v->type == SH_JSON_STRING)
		check_text(v->text);
	if(v->type == SH_JSON_NUMBER && (v->text[0] == 0 ||
		strspn(v->text, "0123456789-+.eE") != strlen(v->text)))
		fail("a number with other characters");
	if(v->type != SH_JSON_ARRAY && v->type != SH_JSON_OBJECT && v->n)
		fail("members on a scalar");
	if((v->type == SH_JSON_OBJECT && v->n && !v->keys) ||
		(v->type != SH_JSON_OBJECT && v->keys))
		fail("keys on the wrong type");
	for(i = 0; i < v->n; i++) {
		if(v->keys)
			check_text(v->keys[i]);
		check(v->items[i], depth + (v->type == SH_JSON_ARRAY ||
			v->type == SH_JSON_OBJECT));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	char err[256];
	struct sh_json* v;
	err[0] = 'x';
	err[1] = 0;
	v = sh_json_parse((const char*)data, size, err, sizeof(err));
	if(v) {
		if(err[0])
			fail("a tree with an error");
		check(v, 0);
		sh_json_free(v);
	} else if(strncmp(err, "line ", 5) != 0)
		fail("a failure without 'line L, column C: what'");
	return 0;
}
