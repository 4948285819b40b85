/*
 * ytree.c - small YAML trees for the formats whose keys are not fixed.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Builds a tree of one node through the yamlread.h reader (see
 * ytree.h).  Recursion is bounded by the reader's max_depth.
 */
#include "formats/ytree.h"
#include <stdlib.h>
#include <string.h>

/** No fixed keys: sh_yaml_map_next_any is used. */
static const struct sh_yaml_keys any_keys = { "a mapping", NULL, 0 };

void
sh_ytree_free(struct sh_ynode* n)
{
	size_t i;

	if(!n)
		return;
	for(i = 0; i < n->n; i++)
		sh_ytree_free(n->kids[i]);
	free(n->kids);
	free(n->key);
	free(n->text);
	free(n);
}

/**
 * Append a child.
 * @param p: the parent.
 * @param c: the child (owned by p from now on, freed on failure).
 * @return 1 on success, 0 when out of memory.
 */
static int
yt_add(struct sh_ynode* p, struct sh_ynode* c)
{
	struct sh_ynode** k;

	if(!(k = realloc(p->kids, (p->n + 1) * sizeof(*k)))) {
		sh_ytree_free(c);
		return 0;
	}
	p->kids = k;
	p->kids[p->n++] = c;
	return 1;
}

/**
 * Read a scalar into a node.
 * @param y: the reader.
 * @param n: the node.
 * @return 1 on success.
 */
static int
yt_scalar(struct sh_yaml* y, struct sh_ynode* n)
{
	struct sh_yaml_scalar s;

	if(!sh_yaml_scalar(y, NULL, &s))
		return 0;
	if(!(n->text = malloc(s.len + 1))) {
		sh_yaml_report(y, SH_SEV_ERROR, &s.mark, "out of memory");
		sh_yaml_abort(y);
		return 0;
	}
	memcpy(n->text, s.text, s.len);
	n->text[s.len] = 0;
	n->len = s.len;
	n->plain = s.plain;
	return 1;
}

/**
 * Whether a mapping already has a key; report the second one.
 * @param y: the reader.
 * @param map: the mapping so far.
 * @param key: the new key.
 * @param at: its position.
 * @return 1 if it is a duplicate (reported).
 */
static int
yt_dup(struct sh_yaml* y, const struct sh_ynode* map, const char* key,
	const struct sh_yaml_mark* at)
{
	char q[SH_YAML_QUOTE_MAX];
	size_t i;

	for(i = 0; i < map->n; i++)
		if(strcmp(map->kids[i]->key, key) == 0) {
			sh_yaml_report(y, SH_SEV_ERROR, at, "duplicate key "
				"'%s', first at line %u, column %u",
				sh_yaml_quote(key, strlen(key), q),
				map->kids[i]->key_mark.line,
				map->kids[i]->key_mark.column);
			return 1;
		}
	return 0;
}

/**
 * Read the entries of a mapping.
 * @param y: the reader, before the mapping.
 * @param n: the node.
 * @return 1 on success.
 */
static int
yt_map(struct sh_yaml* y, struct sh_ynode* n)
{
	struct sh_yaml_map m;
	struct sh_yaml_mark at;
	struct sh_ynode* c;
	char* key;
	int ok = 1;

	if(!sh_yaml_map_begin(y, NULL, &any_keys, &m))
		return 0;
	while(sh_yaml_map_next_any(y, &key, &at)) {
		if(n->n >= SH_YTREE_MAX_KEYS || yt_dup(y, n, key, &at)) {
			if(n->n >= SH_YTREE_MAX_KEYS)
				sh_yaml_report(y, SH_SEV_ERROR, &at, "more than "
					"%d keys in one mapping",
					SH_YTREE_MAX_KEYS);
			free(key);
			ok = 0;
			if(!sh_yaml_skip(y))
				return 0;
			continue;
		}
		if(!(c = sh_ytree_read(y))) {
			free(key);
			ok = 0;
			continue;
		}
		c->key = key;
		c->key_mark = at;
		if(!yt_add(n, c)) {
			sh_yaml_abort(y);
			return 0;
		}
	}
	return ok && !sh_yaml_fatal(y);
}

/**
 * Read the items of a sequence.
 * @param y: the reader, before the sequence.
 * @param n: the node.
 * @return 1 on success.
 */
static int
yt_seq(struct sh_yaml* y, struct sh_ynode* n)
{
	struct sh_ynode* c;
	int ok = 1;

	if(!sh_yaml_seq_begin(y, NULL))
		return 0;
	while(sh_yaml_seq_next(y)) {
		if(!(c = sh_ytree_read(y))) {
			ok = 0;
			continue;
		}
		if(!yt_add(n, c)) {
			sh_yaml_abort(y);
			return 0;
		}
	}
	return ok && !sh_yaml_fatal(y);
}

struct sh_ynode*
sh_ytree_read(struct sh_yaml* y)
{
	struct sh_ynode* n;
	struct sh_yaml_mark at;
	enum sh_yaml_kind k = sh_yaml_peek(y, &at);
	int ok;

	if(k != SH_YAML_SCALAR && k != SH_YAML_MAP && k != SH_YAML_SEQ) {
		if(k == SH_YAML_ALIAS)
			(void)sh_yaml_skip(y);
		return NULL;
	}
	if(!(n = calloc(1, sizeof(*n)))) {
		sh_yaml_report(y, SH_SEV_ERROR, &at, "out of memory");
		sh_yaml_abort(y);
		return NULL;
	}
	n->kind = k;
	n->mark = at;
	if(k == SH_YAML_SCALAR)
		ok = yt_scalar(y, n);
	else if(k == SH_YAML_MAP)
		ok = yt_map(y, n);
	else	ok = yt_seq(y, n);
	if(!ok) {
		sh_ytree_free(n);
		return NULL;
	}
	return n;
}

const struct sh_ynode*
sh_ytree_get(const struct sh_ynode* map, const char* key)
{
	size_t i;

	if(!map || map->kind != SH_YAML_MAP)
		return NULL;
	for(i = 0; i < map->n; i++)
		if(strcmp(map->kids[i]->key, key) == 0)
			return map->kids[i];
	return NULL;
}

const char*
sh_ytree_str(const struct sh_ynode* map, const char* key)
{
	const struct sh_ynode* v = sh_ytree_get(map, key);

	return (v && v->kind == SH_YAML_SCALAR && !sh_ytree_is_null(v)
		&& v->text[0] != 0) ? v->text : NULL;
}

int
sh_ytree_is_null(const struct sh_ynode* n)
{
	return n->kind == SH_YAML_SCALAR && n->plain && (n->len == 0
		|| strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0
		|| strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}
