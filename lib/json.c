/*
 * lib/json.c - a small strict JSON reader (RFC 8259) for our own files.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Recursive descent over the document, one value per call, building
 * the tree of lib/json.h.  Depth is bounded, so the recursion is too.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "util.h"

/** The reader's state. */
struct jr {
	/** cursor */
	const char* p;
	/** start of the document */
	const char* start;
	/** end of the document */
	const char* end;
	/** current depth */
	unsigned depth;
	/** the error, empty while none */
	char* err;
	/** its size */
	size_t errlen;
};

static struct sh_json* jr_value(struct jr* r);

/**
 * Record an error at the cursor, with its line and column; the first
 * error is kept.
 * @param r: the reader.
 * @param what: the message.
 */
static void
jr_error(struct jr* r, const char* what)
{
	unsigned line = 1, col = 1;
	const char* q;
	if(r->err[0])
		return;
	for(q = r->start; q < r->p && q < r->end; q++) {
		if(*q == '\n') {
			line++;
			col = 1;
		} else	col++;
	}
	snprintf(r->err, r->errlen, "line %u, column %u: %s", line, col, what);
}

/**
 * Skip white space.
 * @param r: the reader.
 */
static void
jr_ws(struct jr* r)
{
	while(r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
		*r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/**
 * A new value of a type.
 * @param r: the reader (out of memory is reported there).
 * @param type: the type.
 * @return the value, or NULL.
 */
static struct sh_json*
jr_new(struct jr* r, enum sh_json_type type)
{
	struct sh_json* v = calloc(1, sizeof(*v));
	if(!v)
		jr_error(r, "out of memory");
	else	v->type = type;
	return v;
}

/**
 * Decode a \u escape, with the low half of a surrogate pair.
 * @param r: the reader, at the 'u'; advanced past the escape.
 * @param out: destination of 4 bytes.
 * @return bytes written, 0 on a bad escape (reported).
 */
static size_t
jr_unicode(struct jr* r, char* out)
{
	long cp, lo;
	if(r->end - r->p < 5 || (cp = sh_hex4(r->p + 1)) < 0) {
		jr_error(r, "bad \\u escape");
		return 0;
	}
	r->p += 5;
	if(cp >= 0xd800 && cp <= 0xdbff) {
		if(r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' ||
			(lo = sh_hex4(r->p + 2)) < 0xdc00 || lo > 0xdfff) {
			jr_error(r, "lone surrogate in a \\u escape");
			return 0;
		}
		r->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if(cp >= 0xdc00 && cp <= 0xdfff) {
		jr_error(r, "lone surrogate in a \\u escape");
		return 0;
	} else if(cp == 0) {
		jr_error(r, "\\u0000 is not accepted in a string");
		return 0;
	}
	return sh_utf8_put((unsigned long)cp, out);
}

/**
 * Decode one escape after the backslash.
 * @param r: the reader, at the character after '\'; advanced.
 * @param out: destination of 4 bytes.
 * @return bytes written, 0 on a bad escape (reported).
 */
static size_t
jr_escape(struct jr* r, char* out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char* k;
	if(r->p >= r->end) {
		jr_error(r, "unterminated string");
		return 0;
	}
	if(*r->p == 'u')
		return jr_unicode(r, out);
	if(*r->p == 0 || !(k = strchr(from, *r->p))) {
		jr_error(r, "bad escape in a string");
		return 0;
	}
	out[0] = to[k - from];
	r->p++;
	return 1;
}

/**
 * Read a string.
 * @param r: the reader, at the opening quote; advanced past the close.
 * @return the decoded, malloced text, or NULL (reported).
 */
static char*
jr_string(struct jr* r)
{
	/* decoding never makes a string longer than its source */
	char* s = malloc((size_t)(r->end - r->p) + 1);
	size_t n = 0, k;
	if(!s) {
		jr_error(r, "out of memory");
		return NULL;
	}
	for(r->p++; r->p < r->end && *r->p != '"'; n += k) {
		unsigned char c = (unsigned char)*r->p;
		if(c == '\\') {
			r->p++;
			if(!(k = jr_escape(r, s + n)))
				goto fail;
			continue;
		}
		if(c < 0x20 || !(k = sh_utf8_len((const unsigned char*)r->p,
			(size_t)(r->end - r->p)))) {
			jr_error(r, c < 0x20 ? "control character in a "
				"string" : "invalid UTF-8 in a string");
			goto fail;
		}
		memcpy(s + n, r->p, k);
		r->p += k;
	}
	if(r->p >= r->end) {
		jr_error(r, "unterminated string");
		goto fail;
	}
	r->p++;
	s[n] = 0;
	return s;
fail:
	free(s);
	return NULL;
}

/**
 * Skip a run of digits.
 * @param r: the reader.
 * @return how many there were.
 */
static size_t
jr_digits(struct jr* r)
{
	const char* s = r->p;
	while(r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return (size_t)(r->p - s);
}

/**
 * Read a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * @param r: the reader.
 * @return the value, or NULL (reported).
 */
static struct sh_json*
jr_number(struct jr* r)
{
	const char* s = r->p;
	struct sh_json* v;
	if(r->p < r->end && *r->p == '-')
		r->p++;
	if(r->p < r->end && *r->p == '0')
		r->p++;
	else if(jr_digits(r) == 0)
		goto bad;
	if(r->p < r->end && *r->p == '.' && (r->p++, jr_digits(r) == 0))
		goto bad;
	if(r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if(r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if(jr_digits(r) == 0)
			goto bad;
	}
	if(!(v = jr_new(r, SH_JSON_NUMBER)))
		return NULL;
	if(!(v->text = malloc((size_t)(r->p - s) + 1))) {
		jr_error(r, "out of memory");
		free(v);
		return NULL;
	}
	memcpy(v->text, s, (size_t)(r->p - s));
	v->text[r->p - s] = 0;
	return v;
bad:
	jr_error(r, "bad number");
	return NULL;
}

/**
 * Read true, false or null.
 * @param r: the reader.
 * @return the value, or NULL (reported).
 */
static struct sh_json*
jr_literal(struct jr* r)
{
	static const char* const words[] = { "true", "false", "null" };
	struct sh_json* v;
	size_t i, n;
	for(i = 0; i < 3; i++) {
		n = strlen(words[i]);
		if((size_t)(r->end - r->p) >= n &&
			memcmp(r->p, words[i], n) == 0)
			break;
	}
	if(i == 3) {
		jr_error(r, "expected a value");
		return NULL;
	}
	r->p += n;
	if(!(v = jr_new(r, i == 2 ? SH_JSON_NULL : SH_JSON_BOOL)))
		return NULL;
	v->boolean = i == 0;
	return v;
}

/**
 * Append a member to an array or object.
 * @param r: the reader.
 * @param v: the container.
 * @param key: its key (ownership passes), NULL for an array.
 * @param item: the member (ownership passes).
 * @return 1 on success, 0 when out of memory (both freed, reported).
 */
static int
jr_append(struct jr* r, struct sh_json* v, char* key, struct sh_json* item)
{
	struct sh_json** ni = realloc(v->items, (v->n + 1) * sizeof(*ni));
	char** nk = NULL;
	if(ni)
		v->items = ni;
	if(!ni || (v->type == SH_JSON_OBJECT && !(nk = realloc(v->keys,
		(v->n + 1) * sizeof(*nk))))) {
		jr_error(r, "out of memory");
		free(key);
		sh_json_free(item);
		return 0;
	}
	if(v->type == SH_JSON_OBJECT) {
		v->keys = nk;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return 1;
}

/**
 * Read the members of an array or object after its opening bracket.
 * @param r: the reader, past the bracket.
 * @param v: the container being filled.
 * @param close: ']' or '}'.
 * @return 1 on success, 0 on error (reported).
 */
static int
jr_members(struct jr* r, struct sh_json* v, char close)
{
	jr_ws(r);
	if(r->p < r->end && *r->p == close) {
		r->p++;
		return 1;
	}
	for(;;) {
		char* key = NULL;
		struct sh_json* item;
		if(close == '}') {
			if(r->p >= r->end || *r->p != '"') {
				jr_error(r, "expected a key");
				return 0;
			}
			if(!(key = jr_string(r)))
				return 0;
			jr_ws(r);
			if(r->p >= r->end || *r->p != ':') {
				jr_error(r, "expected ':'");
				free(key);
				return 0;
			}
			r->p++;
		}
		if(!(item = jr_value(r))) {
			free(key);
			return 0;
		}
		if(!jr_append(r, v, key, item))
			return 0;
		jr_ws(r);
		if(r->p < r->end && *r->p == ',') {
			r->p++;
			jr_ws(r);
			continue;
		}
		if(r->p < r->end && *r->p == close) {
			r->p++;
			return 1;
		}
		jr_error(r, close == '}' ? "expected ',' or '}'" :
			"expected ',' or ']'");
		return 0;
	}
}

/**
 * Read an array or an object.
 * @param r: the reader, at '[' or '{'.
 * @return the value, or NULL (reported).
 */
static struct sh_json*
jr_container(struct jr* r)
{
	char close = *r->p == '[' ? ']' : '}';
	struct sh_json* v;
	if(r->depth >= SH_JSON_MAX_DEPTH) {
		jr_error(r, "nested too deeply");
		return NULL;
	}
	if(!(v = jr_new(r, close == ']' ? SH_JSON_ARRAY : SH_JSON_OBJECT)))
		return NULL;
	r->p++;
	r->depth++;
	if(!jr_members(r, v, close)) {
		sh_json_free(v);
		return NULL;
	}
	r->depth--;
	return v;
}

/**
 * Read one value.
 * @param r: the reader.
 * @return the value, or NULL (reported).
 */
static struct sh_json*
jr_value(struct jr* r)
{
	struct sh_json* v;
	jr_ws(r);
	if(r->p >= r->end) {
		jr_error(r, "expected a value");
		return NULL;
	}
	switch(*r->p) {
	case '{': case '[':
		return jr_container(r);
	case '"':
		if(!(v = jr_new(r, SH_JSON_STRING)))
			return NULL;
		if(!(v->text = jr_string(r))) {
			free(v);
			return NULL;
		}
		return v;
	case 't': case 'f': case 'n':
		return jr_literal(r);
	default:
		if(*r->p != '-' && (*r->p < '0' || *r->p > '9')) {
			jr_error(r, "expected a value");
			return NULL;
		}
		return jr_number(r);
	}
}

struct sh_json*
sh_json_parse(const char* text, size_t len, char* err, size_t errlen)
{
	struct jr r;
	struct sh_json* v;
	char scratch[8];
	memset(&r, 0, sizeof(r));
	r.p = r.start = text;
	r.end = text + len;
	r.err = errlen ? err : scratch;
	r.errlen = errlen ? errlen : sizeof(scratch);
	r.err[0] = 0;
	if(!(v = jr_value(&r)))
		return NULL;
	jr_ws(&r);
	if(r.p != r.end) {
		jr_error(&r, "text after the value");
		sh_json_free(v);
		return NULL;
	}
	return v;
}

void
sh_json_free(struct sh_json* v)
{
	size_t i;
	if(!v)
		return;
	for(i = 0; i < v->n; i++) {
		sh_json_free(v->items[i]);
		if(v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
	free(v);
}

const struct sh_json*
sh_json_get(const struct sh_json* obj, const char* key)
{
	size_t i;
	if(!obj || obj->type != SH_JSON_OBJECT)
		return NULL;
	for(i = 0; i < obj->n; i++)
		if(strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}
