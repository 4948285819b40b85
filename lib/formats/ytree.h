/*
 * ytree.h - small YAML trees for the formats whose keys are not fixed.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Sigma rules and STIX objects have keys chosen by their authors
 * (selection names, field names, custom properties), so their readers
 * take one node at a time as a tree instead of walking fixed keys.  The
 * tree is read through the yamlread.h reader, so every limit and refusal
 * of the reader applies (depth, scalar size, anchors, aliases, tags,
 * UTF-8); a mapping with a key twice is refused with both positions.
 * Trees are built per rule or per object, never for a whole bundle.
 */
#ifndef SH_YTREE_H
#define SH_YTREE_H

#include "yamlread.h"

/** Most keys of one mapping in a tree. */
#define SH_YTREE_MAX_KEYS 1024

/** One node of a tree. */
struct sh_ynode {
	/** SH_YAML_SCALAR, SH_YAML_MAP or SH_YAML_SEQ */
	enum sh_yaml_kind kind;
	/** where the node starts */
	struct sh_yaml_mark mark;
	/** for a value in a mapping: its key (malloced), else NULL */
	char* key;
	/** where the key is */
	struct sh_yaml_mark key_mark;
	/** scalar: the text (malloced, NUL terminated) */
	char* text;
	/** scalar: its length (it may hold NUL bytes) */
	size_t len;
	/** scalar: 1 if plain (not quoted) */
	int plain;
	/** mapping values or sequence items, in order */
	struct sh_ynode** kids;
	/** their number */
	size_t n;
};

/**
 * Read the next node, with everything inside it, as a tree.
 * @param y: the reader.
 * @return the tree (free with sh_ytree_free), or NULL on an error
 *	(reported; the node is skipped when the reader can go on).
 */
struct sh_ynode* sh_ytree_read(struct sh_yaml* y);

/** Free a tree.  NULL is fine. */
void sh_ytree_free(struct sh_ynode* n);

/**
 * A value of a mapping node by key.
 * @param map: the mapping (or NULL, or another kind: gives NULL).
 * @param key: the key, exact.
 * @return the value, or NULL.
 */
const struct sh_ynode* sh_ytree_get(const struct sh_ynode* map,
	const char* key);

/**
 * A scalar value of a mapping node by key.
 * @param map: the mapping.
 * @param key: the key.
 * @return its text, or NULL when missing, not a scalar, null or empty
 *	(also when it starts with a NUL byte).
 */
const char* sh_ytree_str(const struct sh_ynode* map, const char* key);

/**
 * Whether a scalar is a YAML null (empty plain, ~, null).
 * @param n: the node.
 * @return 1 if null.
 */
int sh_ytree_is_null(const struct sh_ynode* n);

#endif /* SH_YTREE_H */
