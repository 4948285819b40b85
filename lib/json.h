/*
 * lib/json.h - a small strict JSON reader (RFC 8259) for our own files.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Reads a whole JSON document into a tree: sinkholectl reads the status
 * file the module writes with it.  Strict: one value, no trailing
 * commas, no comments, strings of valid UTF-8 with every escape checked
 * (a \u0000 or a lone surrogate is refused, so a decoded string is a C
 * string), numbers as RFC 8259 spells them (kept as text), nesting at
 * most SH_JSON_MAX_DEPTH deep.  Errors say line and column.  Fuzzed by
 * tests/fuzz/fuzz_json.c.
 */

#ifndef SH_JSON_H
#define SH_JSON_H

#include <stddef.h>

/** Deepest nesting of arrays and objects accepted. */
#define SH_JSON_MAX_DEPTH 64

/** The type of a JSON value. */
enum sh_json_type {
	/** null */
	SH_JSON_NULL = 0,
	/** true or false */
	SH_JSON_BOOL,
	/** a number, kept as its text */
	SH_JSON_NUMBER,
	/** a string, decoded */
	SH_JSON_STRING,
	/** an array */
	SH_JSON_ARRAY,
	/** an object */
	SH_JSON_OBJECT
};

/** One JSON value; a tree owns every value below it. */
struct sh_json {
	/** its type */
	enum sh_json_type type;
	/** SH_JSON_BOOL: 1 for true, 0 for false */
	int boolean;
	/** SH_JSON_STRING: the decoded text; SH_JSON_NUMBER: the number as
	 * written; NUL terminated, owned; NULL for other types */
	char* text;
	/** SH_JSON_ARRAY and SH_JSON_OBJECT: the members in order (owned) */
	struct sh_json** items;
	/** SH_JSON_OBJECT: the members' keys, decoded (owned) */
	char** keys;
	/** number of items */
	size_t n;
};

/**
 * Parse a whole JSON document.
 * @param text: the document; need not be NUL terminated.
 * @param len: its length.
 * @param err: on failure, "line L, column C: what" (NUL terminated).
 * @param errlen: size of err.
 * @return the tree (free with sh_json_free), or NULL on a syntax error
 *	or when out of memory (err says which).
 */
struct sh_json* sh_json_parse(const char* text, size_t len, char* err,
	size_t errlen);

/**
 * Free a tree.
 * @param v: the root, NULL is fine.
 */
void sh_json_free(struct sh_json* v);

/**
 * A member of an object by key (the first one with that key).
 * @param obj: an object, or any other value or NULL (then NULL).
 * @param key: the key.
 * @return the member (owned by the tree), or NULL.
 */
const struct sh_json* sh_json_get(const struct sh_json* obj,
	const char* key);

#endif /* SH_JSON_H */
