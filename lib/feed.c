/*
 * feed.c - loading YAML indicator feeds.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The native feed format (README.md "Feed format"): one reader among
 * the formats of lib/formats/, and the loader of one file (directories
 * are scanned by the feed store, lib/store.c).  The file is streamed through the yamlread.h reader, so a
 * feed of a million indicators is never held as a YAML tree, and every
 * indicator goes to the feed builder (formats/build.c), which owns the
 * memory layout and the rules every format shares.  Every error of a
 * file is reported before it is refused.
 */
#include "yamlread.h"
#include "formats/formats.h"
#include "util.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/sha2.h>

/** Keys of the top level of a feed file. */
enum { TOP_FEED, TOP_INDICATORS, TOP_ALLOW };
/** Their names. */
static const char* const top_names[] = { "feed", "indicators", "allow" };
/** The top level of a feed file. */
static const struct sh_yaml_keys top_keys = { "a feed file", top_names, 3 };

/** Keys of the feed section. */
enum { FD_ID, FD_DESCRIPTION, FD_VERSION, FD_REFERENCES, FD_DEFAULTS };
/** Their names. */
static const char* const fd_names[] = { "id", "description", "version",
	"references", "defaults" };
/** The feed section. */
static const struct sh_yaml_keys fd_keys = { "the 'feed' section",
	fd_names, 5 };

/** Keys of the defaults section. */
enum { DF_ACTION, DF_CONFIDENCE };
/** Their names. */
static const char* const df_names[] = { "action", "confidence" };
/** The defaults section. */
static const struct sh_yaml_keys df_keys = { "the 'defaults' section",
	df_names, 2 };

/** Keys of an indicator. */
enum { IN_DOMAIN, IN_EXACT, IN_ACTION, IN_FIRST_SEEN, IN_EXPIRES,
	IN_CONFIDENCE, IN_TAGS, IN_COMMENT, IN_ADDRESSES, IN_RULE };
/** Their names. */
static const char* const in_names[] = { "domain", "exact", "action",
	"first_seen", "expires", "confidence", "tags", "comment", "addresses",
	"rule" };
/** An indicator. */
static const struct sh_yaml_keys in_keys = { "an indicator", in_names, 10 };

/** Keys of an indicator's rule. */
enum { RU_ID, RU_TITLE };
/** Their names. */
static const char* const ru_names[] = { "id", "title" };
/** The rule of an indicator. */
static const struct sh_yaml_keys ru_keys = { "the 'rule' of an indicator",
	ru_names, 2 };

/** Names of the keys of an allow entry. */
static const char* const al_names[] = { "domain", "exact", "comment",
	"tags", "rule" };
/** An allow entry. */
static const struct sh_yaml_keys al_keys = { "an allow entry", al_names,
	5 };
/** Index of each allow entry key among the indicator keys. */
static const int al_to_in[] = { IN_DOMAIN, IN_EXACT, IN_COMMENT, IN_TAGS,
	IN_RULE };

/** State of one feed being loaded. */
struct feed_load {
	/** the YAML reader */
	struct sh_yaml y;
	/** the feed builder */
	struct sh_fb* fb;
	/** the feed being filled (fb->feed) */
	struct sh_feed* feed;
	/** the source of the previous indicator with a rule, for reuse */
	const struct sh_source* last_src;
};

/** One entry being read, before it is stored. */
struct feed_entry {
	/** the indicator; its name is in wire until stored */
	struct sh_indicator ind;
	/** the name, canonical wire */
	uint8_t wire[SH_NAME_MAX];
	/** 1 while no error was found in the entry */
	int ok;
};

/**
 * Read an action value ("sinkhole", "nxdomain", "nodata", "refuse").
 * @param L: the load state.
 * @param out: the action.
 * @return 1 on success, 0 on error (reported).
 */
static int
feed_action(struct feed_load* L, enum sh_action* out)
{
	struct sh_yaml_scalar s;
	char q[SH_YAML_QUOTE_MAX];

	if(!sh_yaml_scalar(&L->y, "action", &s))
		return 0;
	if(!sh_action_parse(s.text, out)) {
		sh_yaml_report(&L->y, SH_SEV_ERROR, &s.mark, "'action' must be "
			"one of sinkhole, nxdomain, nodata, refuse; found "
			"'%s'", sh_yaml_quote(s.text, s.len, q));
		return 0;
	}
	return 1;
}

/**
 * Read a confidence: a whole number 0..100, or low (15), medium (50)
 * or high (85).
 * @param L: the load state.
 * @param out: the confidence.
 * @return 1 on success, 0 on error (reported).
 */
static int
feed_confidence(struct feed_load* L, int* out)
{
	struct sh_yaml_scalar s;
	char q[SH_YAML_QUOTE_MAX];
	size_t i;
	int v = 0;

	if(!sh_yaml_scalar(&L->y, "confidence", &s))
		return 0;
	if(strcmp(s.text, "low") == 0) v = 15;
	else if(strcmp(s.text, "medium") == 0) v = 50;
	else if(strcmp(s.text, "high") == 0) v = 85;
	else {
		for(i = 0; i < s.len && i < 4 && s.text[i] >= '0'
			&& s.text[i] <= '9'; i++)
			v = v * 10 + (s.text[i] - '0');
		if(i == 0 || i != s.len || v > 100 || !s.plain) {
			sh_yaml_report(&L->y, SH_SEV_ERROR, &s.mark,
				"'confidence' must be a number from 0 to 100, "
				"or low, medium or high; found '%s'",
				sh_yaml_quote(s.text, s.len, q));
			return 0;
		}
	}
	*out = v;
	return 1;
}

/**
 * Read the references list; each must be an http(s) URL.
 * @param L: the load state; the list is stored in the feed.
 * @return 1 on success, 0 on error (reported).
 */
static int
feed_references(struct feed_load* L)
{
	struct sh_yaml_mark at;
	char q[SH_YAML_QUOTE_MAX];
	char* url = NULL;
	size_t n = 0;
	char** v;
	int ok = 1;

	if(!sh_yaml_seq_begin(&L->y, "references"))
		return 0;
	while(sh_yaml_seq_next(&L->y)) {
		if(sh_yaml_peek(&L->y, NULL) != SH_YAML_SCALAR) {
			(void)sh_yaml_wrong(&L->y, "items of 'references'",
				"URLs");
			ok = 0;
			continue;
		}
		if(!sh_yaml_string(&L->y, "references", &url, &at)) {
			ok = 0;
			continue;
		}
		if(!sh_fb_url_valid(url)) {
			sh_yaml_report(&L->y, SH_SEV_ERROR, &at, "reference "
				"'%s' must be an http:// or https:// URL",
				sh_yaml_quote(url, strlen(url), q));
			free(url);
			ok = 0;
			continue;
		}
		v = realloc(L->feed->references, (n + 2) * sizeof(char*));
		if(!v) {
			free(url);
			sh_yaml_report(&L->y, SH_SEV_ERROR, &at, "out of memory");
			sh_yaml_abort(&L->y);
			return 0;
		}
		v[n++] = url;
		v[n] = NULL;
		L->feed->references = v;
	}
	return ok;
}

/**
 * Read the defaults section.
 * @param L: the load state.
 */
static void
feed_defaults(struct feed_load* L)
{
	struct sh_yaml_map m;
	int k;

	if(!sh_yaml_map_begin(&L->y, "defaults", &df_keys, &m))
		return;
	while(sh_yaml_map_next(&L->y, &m, &k, NULL)) {
		if(k == DF_ACTION)
			(void)feed_action(L, &L->feed->default_action);
		else	(void)feed_confidence(L,
				&L->feed->default_confidence);
	}
}

/**
 * Read the feed section: id, description, version, references,
 * defaults.
 * @param L: the load state.
 */
static void
feed_section(struct feed_load* L)
{
	struct sh_feed* f = L->feed;
	struct sh_yaml_mark at;
	struct sh_yaml_map m;
	char q[SH_YAML_QUOTE_MAX];
	int k;

	if(!sh_yaml_map_begin(&L->y, "feed", &fd_keys, &m))
		return;
	while(sh_yaml_map_next(&L->y, &m, &k, NULL)) {
		switch(k) {
		case FD_ID:
			if(sh_yaml_string(&L->y, "id", &f->id, &at)
				&& !sh_fb_id_valid(f->id))
				sh_yaml_report(&L->y, SH_SEV_ERROR, &at, "feed "
					"id '%s' is not valid: use 1 to 64 "
					"lower-case letters, digits, '.', '_' or "
					"'-', starting with a letter or digit",
					sh_yaml_quote(f->id, strlen(f->id), q));
			break;
		case FD_DESCRIPTION:
			(void)sh_yaml_string(&L->y, "description",
				&f->description, NULL);
			break;
		case FD_VERSION:
			(void)sh_yaml_string(&L->y, "version", &f->version,
				NULL);
			break;
		case FD_REFERENCES:
			(void)feed_references(L);
			break;
		default:
			feed_defaults(L);
			break;
		}
	}
	(void)sh_yaml_map_require(&L->y, &m, FD_ID);
}

/**
 * Read a domain name value into an entry, refusing what cannot be an
 * indicator: bad names, the root, top-level domains.
 * @param L: the load state.
 * @param e: the entry; e->wire and e->ind.namelen are set.
 * @param allow: 1 for an allow entry, for messages.
 * @return 1 on success, 0 on error (reported).
 */
static int
feed_domain(struct feed_load* L, struct feed_entry* e, int allow)
{
	struct sh_yaml_scalar s;
	size_t len;

	if(!sh_yaml_scalar(&L->y, "domain", &s))
		return 0;
	if(s.len == 0) {
		sh_yaml_report(&L->y, SH_SEV_ERROR, &s.mark, "'domain' must "
			"not be empty");
		return 0;
	}
	if((len = sh_fb_name(L->fb, s.text, s.len, s.mark.line,
		s.mark.column, allow, SH_SEV_ERROR, e->wire,
		&e->ind.unicode)) == 0)
		return 0;
	if(e->wire[0] == 1 && e->wire[1] == '*')
		sh_yaml_report(&L->y, SH_SEV_WARNING, &s.mark, "'*' is matched "
			"as a literal label here; a name without 'exact: true' "
			"already covers all its subdomains");
	e->ind.namelen = len;
	return 1;
}

/**
 * Read the addresses of an indicator: a sequence of at most one IPv4
 * and one IPv6 address, its own sinkhole answers.
 * @param L: the load state.
 * @param ind: the indicator; ind->addr is set.
 * @return 1 on success, 0 on error (reported).
 */
static int
feed_addresses(struct feed_load* L, struct sh_indicator* ind)
{
	struct sh_yaml_scalar s;
	char q[SH_YAML_QUOTE_MAX];
	int ok = 1;

	if(!sh_yaml_seq_begin(&L->y, "addresses"))
		return 0;
	if(!ind->addr && !(ind->addr = calloc(1, sizeof(*ind->addr)))) {
		sh_yaml_report(&L->y, SH_SEV_ERROR, NULL, "out of memory");
		sh_yaml_abort(&L->y);
		return 0;
	}
	while(sh_yaml_seq_next(&L->y)) {
		if(!sh_yaml_scalar(&L->y, "addresses", &s)) {
			ok = 0;
			continue;
		}
		if(!ind->addr->have4 && inet_pton(AF_INET, s.text,
			ind->addr->ipv4) == 1)
			ind->addr->have4 = 1;
		else if(!ind->addr->have6 && inet_pton(AF_INET6, s.text,
			ind->addr->ipv6) == 1)
			ind->addr->have6 = 1;
		else {
			sh_yaml_report(&L->y, SH_SEV_ERROR, &s.mark, "'%s' is "
				"not an IPv4 or IPv6 address, or the second of "
				"its family: give at most one of each",
				sh_yaml_quote(s.text, s.len, q));
			ok = 0;
		}
	}
	if(ok && !ind->addr->have4 && !ind->addr->have6) {
		free(ind->addr);
		ind->addr = NULL;
	}
	return ok;
}

/**
 * Read the rule of an indicator: the id and title of the rule it was
 * converted from (sinkholectl convert writes them), logged as rule.uuid
 * and rule.description.
 * @param L: the load state.
 * @param ind: the indicator; ind->src is set.
 * @return 1 on success, 0 on error (reported).
 */
static int
feed_rule(struct feed_load* L, struct sh_indicator* ind)
{
	struct sh_yaml_map m;
	char* v[2] = { NULL, NULL };
	int k, ok = 1;

	if(!sh_yaml_map_begin(&L->y, "rule", &ru_keys, &m))
		return 0;
	while(sh_yaml_map_next(&L->y, &m, &k, NULL))
		if(!sh_yaml_string(&L->y, ru_names[k], &v[k], NULL))
			ok = 0;
	if(ok && (v[0] || v[1])) {
		const struct sh_source* p = L->last_src;
		if(p && ((!p->id && !v[0]) || (p->id && v[0]
			&& strcmp(p->id, v[0]) == 0)) && ((!p->title && !v[1])
			|| (p->title && v[1] && strcmp(p->title, v[1]) == 0)))
			ind->src = p;
		else if((ind->src = sh_fb_source(L->fb, v[0], v[1])) == NULL)
			sh_yaml_abort(&L->y);
		L->last_src = ind->src;
	}
	free(v[0]);
	free(v[1]);
	return ok && (ind->src || !(v[0] || v[1]));
}

/**
 * Read one key's value of an indicator or allow entry in mapping form.
 * @param L: the load state.
 * @param e: the entry being filled.
 * @param k: the key, an IN_* index.
 * @param allow: 1 for an allow entry.
 * @return 1 on success, 0 on error (reported).
 */
static int
feed_entry_key(struct feed_load* L, struct feed_entry* e, int k, int allow)
{
	struct sh_indicator* ind = &e->ind;
	int b;

	switch(k) {
	case IN_DOMAIN:
		return feed_domain(L, e, allow);
	case IN_EXACT:
		if(!sh_yaml_bool(&L->y, "exact", &b))
			return 0;
		if(b)
			ind->flags |= SH_IND_EXACT;
		return 1;
	case IN_ACTION:
		return feed_action(L, &ind->action);
	case IN_FIRST_SEEN:
		return sh_yaml_time(&L->y, "first_seen", &ind->first_seen);
	case IN_EXPIRES:
		if(!sh_yaml_time(&L->y, "expires", &ind->expires))
			return 0;
		/* 0 means "never": a date at or before the epoch has long
		 * passed, keep it in the past */
		if(ind->expires <= 0)
			ind->expires = 1;
		return 1;
	case IN_CONFIDENCE:
		return feed_confidence(L, &ind->confidence);
	case IN_TAGS:
		return sh_yaml_strv(&L->y, "tags", &ind->tags);
	case IN_ADDRESSES:
		return feed_addresses(L, ind);
	case IN_RULE:
		return feed_rule(L, ind);
	default:
		return sh_yaml_string(&L->y, "comment", &ind->comment, NULL);
	}
}

/**
 * Read an entry in mapping form.
 * @param L: the load state.
 * @param e: the entry to fill; e->ok is cleared on an error.
 * @param allow: 1 for an allow entry.
 */
static void
feed_entry_map(struct feed_load* L, struct feed_entry* e, int allow)
{
	struct sh_yaml_map m;
	int k;

	if(!sh_yaml_map_begin(&L->y, NULL, allow ? &al_keys : &in_keys, &m)) {
		e->ok = 0;
		return;
	}
	e->ind.line = m.start.line;
	e->ind.column = m.start.column;
	while(sh_yaml_map_next(&L->y, &m, &k, NULL)) {
		if(allow)
			k = al_to_in[k];
		if(!feed_entry_key(L, e, k, allow))
			e->ok = 0;
	}
	/* "domain" is key 0 of both in_keys and al_keys */
	if(!sh_yaml_map_require(&L->y, &m, IN_DOMAIN))
		e->ok = 0;
}

/**
 * Hand a finished entry to the builder, or drop it when it had errors.
 * @param L: the load state.
 * @param e: the entry; its comment, tags and addresses move to the
 *	feed or are freed.
 */
static void
feed_store(struct feed_load* L, struct feed_entry* e)
{
	if(!e->ok) {
		free(e->ind.comment);
		sh_strv_free(e->ind.tags);
		free(e->ind.addr);
		free(e->ind.unicode);
		return;
	}
	if(!sh_fb_add_wire(L->fb, &e->ind, e->wire, e->ind.namelen))
		sh_yaml_abort(&L->y);
}

/**
 * Read one item of the indicators or allow list.
 * @param L: the load state.
 * @param allow: 1 for the allow list.
 */
static void
feed_entry(struct feed_load* L, int allow)
{
	struct feed_entry e;
	struct sh_yaml_mark at;
	enum sh_yaml_kind kind = sh_yaml_peek(&L->y, &at);

	sh_fb_ind_init(&e.ind, at.line, at.column, allow);
	e.ok = 1;
	if(!sh_fb_count(L->fb, at.line, at.column)) {
		sh_yaml_abort(&L->y);
		return;
	}
	if(kind == SH_YAML_SCALAR)
		e.ok = feed_domain(L, &e, allow);
	else if(kind == SH_YAML_MAP)
		feed_entry_map(L, &e, allow);
	else {
		(void)sh_yaml_wrong(&L->y, allow ? "items of 'allow'" :
			"items of 'indicators'", "a domain name or a mapping "
			"with 'domain'");
		e.ok = 0;
	}
	feed_store(L, &e);
}

/**
 * Read the indicators or allow list.  An empty value is an empty list.
 * @param L: the load state.
 * @param allow: 1 for the allow list.
 */
static void
feed_list(struct feed_load* L, int allow)
{
	if(sh_yaml_null(&L->y))
		return;
	if(!sh_yaml_seq_begin(&L->y, allow ? "allow" : "indicators"))
		return;
	while(sh_yaml_seq_next(&L->y))
		feed_entry(L, allow);
}

/**
 * Walk a whole feed document.
 * @param L: the load state, with the reader inside the document.
 */
static void
feed_walk(struct feed_load* L)
{
	struct sh_yaml_map m;
	int k;

	if(!sh_yaml_map_begin(&L->y, NULL, &top_keys, &m))
		return;
	while(sh_yaml_map_next(&L->y, &m, &k, NULL)) {
		if(k == TOP_FEED)
			feed_section(L);
		else	feed_list(L, k == TOP_ALLOW);
	}
	(void)sh_yaml_map_require(&L->y, &m, TOP_FEED);
	if(!sh_yaml_fatal(&L->y))
		(void)sh_yaml_finish(&L->y);
}

int
sh_read_native(struct sh_fb* fb, const char* data, size_t len)
{
	struct feed_load L;
	int ok;

	memset(&L, 0, sizeof(L));
	L.fb = fb;
	L.feed = fb->feed;
	if(sh_yaml_open(&L.y, fb->file, data, len, &fb->lim, fb->diag,
		fb->arg))
		feed_walk(&L);
	ok = sh_yaml_errors(&L.y) == 0;
	/* a fatal reader error leaves the builder's names unfinished */
	if(sh_yaml_fatal(&L.y))
		fb->fatal = 1;
	sh_yaml_close(&L.y);
	return ok;
}

struct sh_feed*
sh_feed_load_next(const char* path, const struct sh_feed* prev,
	const struct sh_limits* lim, time_t now, sh_diag_fn diag, void* arg)
{
	struct sh_limits dl;
	struct sh_feed* f;
	struct sh_file file;

	if(!lim) {
		sh_limits_default(&dl);
		lim = &dl;
	}
	if(!sh_file_read(path, lim->max_file_bytes, &file)) {
		char why[256];
		if(file.error == SH_FILE_ETOOBIG)
			sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0, "file "
				"is %lld bytes, larger than the limit of %zu "
				"bytes (max_file_bytes)",
				(long long)file.st.st_size, lim->max_file_bytes);
		else	sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0, "%s",
				sh_file_strerror(&file, why, sizeof(why)));
		return NULL;
	}
	/* a file that grew past the limit is refused by the parser */
	f = sh_feed_parse_prev(path, file.data, file.len, prev, lim, now,
		diag, arg);
	free(file.data);
	return f;
}

struct sh_feed*
sh_feed_load(const char* path, const struct sh_limits* lim, time_t now,
	sh_diag_fn diag, void* arg)
{
	return sh_feed_load_next(path, NULL, lim, now, diag, arg);
}
