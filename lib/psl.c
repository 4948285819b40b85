/*
 * psl.c - split a query name by the public suffix list, for the ECS dns.question fields.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * ECS defines dns.question.registered_domain, top_level_domain and
 * subdomain by the public suffix list: for "www.cdn.evil.co.uk" they are
 * "evil.co.uk", "co.uk" and "www.cdn".  libpsl (Debian's libpsl, data
 * from the publicsuffix package) finds the public suffix; this file
 * counts its labels and cuts the wire name there, so every part is
 * written with the lossless escaping of sh_name_to_text.
 *
 * The list is read once, at startup (sh_psl_load: the newer of the
 * packaged file and libpsl's built-in copy); a lookup only reads the
 * loaded, immutable context, so any thread may split names at once and
 * none ever touches the disk.  Before sh_psl_load, or if it fails, the
 * built-in copy is used.
 *
 * A libpsl lookup costs about 3.5 us here (it walks every suffix of the
 * name), several times the rest of an event line.  Sinkholed names
 * repeat (a beacon asks the same name again and again), so each thread
 * keeps the answers for its last names in a small direct-mapped cache,
 * keyed by the whole lower-case name: a hit is exact and costs a hash
 * and a compare.
 */
#include "internal.h"
#include <libpsl.h>
#include <string.h>

/** The loaded list, or NULL for libpsl's built-in one. */
static psl_ctx_t* psl_loaded;
/** Changes with the list, so cached splits of another list are not used. */
static unsigned psl_generation = 1;

/** Entries of each thread's cache of splits (a power of two). */
#define PSL_CACHE_SIZE 64

/** One cached split: the lower-case name given to libpsl, and the
 * number of labels of its public suffix. */
struct psl_cache_entry {
	/** length of text, 0 for an empty entry */
	uint16_t len;
	/** labels of the public suffix */
	uint16_t suffix;
	/** psl_generation when it was computed */
	unsigned generation;
	/** the name as psl_text writes it */
	char text[SH_NAME_MAX + 1];
};

/** The calling thread's cache (no destructor: plain memory). */
static __thread struct psl_cache_entry psl_cache[PSL_CACHE_SIZE];

/**
 * Hash of a text (FNV-1a).
 * @param s: the text.
 * @param len: its length.
 * @return the hash.
 */
static uint32_t
psl_hash(const char* s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;
	for(i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

int
sh_psl_load(void)
{
	if(!psl_loaded) {
		psl_loaded = psl_latest(NULL);
		psl_generation++;
	}
	return psl_loaded != NULL;
}

void
sh_psl_unload(void)
{
	psl_free(psl_loaded);
	psl_loaded = NULL;
	psl_generation++;
}

/**
 * The list to use.
 * @return the loaded one, else the built-in one (may be NULL when libpsl
 *	was built without one).
 */
static const psl_ctx_t*
psl_ctx(void)
{
	return psl_loaded ? psl_loaded : psl_builtin();
}

/**
 * Whether a label can be handed to libpsl as it is: letters, digits,
 * '-' and '_' only.
 * @param lab: the label, at its length byte.
 * @return 1 or 0.
 */
static int
psl_plain_label(const uint8_t* lab)
{
	unsigned i;
	for(i = 1; i <= lab[0]; i++) {
		uint8_t c = lab[i];
		if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/**
 * Write a name as lower-case text for libpsl; a label with other bytes
 * becomes "x" (no suffix rule names such a label, so the split is the
 * same).
 * @param wire: valid wire name, not the root.
 * @param off: filled with the offset of each label.
 * @param text: destination of SH_NAME_MAX + 1 bytes.
 * @return number of labels.
 */
static unsigned
psl_text(const uint8_t* wire, size_t off[SH_NAME_MAX], char* text)
{
	unsigned n = 0, i;
	size_t pos = 0, t = 0;
	while(wire[pos] != 0) {
		off[n++] = pos;
		if(t)
			text[t++] = '.';
		if(psl_plain_label(wire + pos))
			for(i = 1; i <= wire[pos]; i++)
				text[t++] = (char)sh_lower(wire[pos + i]);
		else	text[t++] = 'x';
		pos += (size_t)wire[pos] + 1;
	}
	text[t] = 0;
	return n;
}

/**
 * Number of labels of the public suffix of a name, asked of libpsl.
 * @param text: the name as psl_text wrote it.
 * @param labels: labels of the name.
 * @return 1 .. labels.
 */
static unsigned
psl_lookup(const char* text, unsigned labels)
{
	const psl_ctx_t* ctx = psl_ctx();
	const char* s = ctx ? psl_unregistrable_domain(ctx, text) : NULL;
	unsigned n = 1;
	if(!s || !*s)
		return 1;
	for(; *s; s++)
		if(*s == '.')
			n++;
	return n > labels ? labels : n;
}

/**
 * Number of labels of the public suffix of a name, from the thread's
 * cache or libpsl.
 * @param text: the name as psl_text wrote it.
 * @param labels: labels of the name.
 * @return 1 .. labels.
 */
static unsigned
psl_suffix_labels(const char* text, unsigned labels)
{
	size_t len = strlen(text);
	struct psl_cache_entry* e = &psl_cache[psl_hash(text, len) &
		(PSL_CACHE_SIZE - 1)];
	if(e->len == len && e->generation == psl_generation &&
		memcmp(e->text, text, len) == 0)
		return e->suffix;
	e->suffix = (uint16_t)psl_lookup(text, labels);
	e->generation = psl_generation;
	e->len = (uint16_t)len;
	memcpy(e->text, text, len);
	return e->suffix;
}

int
sh_psl_split(const uint8_t* wire, struct sh_psl_parts* p)
{
	size_t off[SH_NAME_MAX], end;
	char text[SH_NAME_MAX + 1];
	uint8_t sub[SH_NAME_MAX];
	unsigned labels, suffix;
	p->registered_domain[0] = p->top_level_domain[0] = p->subdomain[0] = 0;
	if(!wire || wire[0] == 0)
		return 0;
	labels = psl_text(wire, off, text);
	suffix = psl_suffix_labels(text, labels);
	if(!sh_name_to_text(wire + off[labels - suffix], p->top_level_domain,
		sizeof(p->top_level_domain)))
		return 0;
	if(labels == suffix)
		return 1;
	if(!sh_name_to_text(wire + off[labels - suffix - 1],
		p->registered_domain, sizeof(p->registered_domain)))
		return 0;
	if(labels == suffix + 1)
		return 1;
	end = off[labels - suffix - 1];
	memcpy(sub, wire, end);
	sub[end] = 0;
	return sh_name_to_text(sub, p->subdomain, sizeof(p->subdomain)) > 0;
}
