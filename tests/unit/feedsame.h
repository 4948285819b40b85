/*
 * feedsame.h - whether two feeds hold the same indicators and metadata.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The model-based check of sinkholectl convert: a feed of any format,
 * written as native YAML and loaded again, must be the same feed.  Used
 * by test_convert (fixed samples) and fuzz_convert (any input).  Plain
 * C, no test framework; static functions, included once per program.
 */
#ifndef SH_FEEDSAME_H
#define SH_FEEDSAME_H

#include <stdio.h>
#include <string.h>
#include "sinkhole.h"
#include "ind_at.h"

/**
 * Whether two strings are equal, NULL equal to NULL.
 * @param a: one.
 * @param b: the other.
 * @return 1 if equal.
 */
static int
fs_str(const char* a, const char* b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/**
 * Whether two string lists are equal; NULL equals an empty list.
 * @param a: one.
 * @param b: the other.
 * @return 1 if equal.
 */
static int
fs_strv(char* const* a, char* const* b)
{
	size_t i;
	for(i = 0; a && a[i]; i++)
		if(!b || !b[i] || strcmp(a[i], b[i]) != 0)
			return 0;
	return !b || !b[i];
}

/**
 * Whether two indicators are the same.
 * @param a: one.
 * @param b: the other.
 * @param why: set to what differs.
 * @return 1 if the same.
 */
static int
fs_ind(const struct sh_indicator* a, const struct sh_indicator* b,
	const char** why)
{
	if(a->namelen != b->namelen || memcmp(a->name, b->name, a->namelen))
		*why = "name";
	else if(a->flags != b->flags)
		*why = "flags";
	else if(a->action != b->action)
		*why = "action";
	else if(a->first_seen != b->first_seen)
		*why = "first_seen";
	else if(a->expires != b->expires)
		*why = "expires";
	else if(a->confidence != b->confidence)
		*why = "confidence";
	else if(!fs_str(a->comment, b->comment))
		*why = "comment";
	else if(!fs_strv(a->tags, b->tags))
		*why = "tags";
	else if((!a->addr) != (!b->addr) || (a->addr && (a->addr->have4
		!= b->addr->have4 || a->addr->have6 != b->addr->have6
		|| (a->addr->have4 && memcmp(a->addr->ipv4, b->addr->ipv4, 4))
		|| (a->addr->have6 && memcmp(a->addr->ipv6, b->addr->ipv6,
		16)))))
		*why = "addresses";
	else if((!a->src) != (!b->src) || (a->src && (!fs_str(a->src->id,
		b->src->id) || !fs_str(a->src->title, b->src->title))))
		*why = "rule";
	else	return 1;
	return 0;
}

/**
 * Whether a feed loaded again from its conversion is the same feed:
 * the same entries in the same order (block entries first, then allow
 * entries, as convert writes them) and the same feed metadata.
 * @param a: the original.
 * @param b: the one loaded from the conversion.
 * @param why: set to what differs.
 * @return 1 if the same.
 */
static int
fs_feed(const struct sh_feed* a, const struct sh_feed* b, const char** why)
{
	size_t i, j = 0, pass;
	if(!fs_str(a->id, b->id) || !fs_str(a->description, b->description)
		|| !fs_str(a->version, b->version)
		|| !fs_strv(a->references, b->references)
		|| a->default_action != b->default_action
		|| a->default_confidence != b->default_confidence) {
		*why = "feed section";
		return 0;
	}
	if(a->num_ind != b->num_ind) {
		*why = "number of entries";
		return 0;
	}
	for(pass = 0; pass < 2; pass++)
		for(i = 0; i < a->num_ind; i++) {
			int allow = (ind_at(a, i)->flags & SH_IND_ALLOW) != 0;
			if(allow != (int)pass)
				continue;
			if(!fs_ind(ind_at(a, i), ind_at(b, j++), why))
				return 0;
		}
	return 1;
}

#endif /* SH_FEEDSAME_H */
