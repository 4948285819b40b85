/*
 * feed.c - loading YAML indicator feeds.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Reads an indicator feed file (format in README.md) into a struct
 * sh_feed.  The file is streamed through the yamlread.h reader, so a
 * feed of a million indicators is never held as a YAML tree.  Every
 * error of a file is reported before it is refused.
 *
 * Memory: while loading, names are appended to one growing byte arena
 * and the indicators to one growing array.  At the end the array is
 * resized to hold exactly the indicators followed by all their names, so
 * feed->ind is a single allocation that also owns every ind[i].name;
 * nothing is malloced per indicator except comments and tags, and only
 * when a file gives them.
 */
#include "yamlread.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ldns/sha2.h>

/** Longest feed id. */
#define FEED_ID_MAX 64

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
	IN_CONFIDENCE, IN_TAGS, IN_COMMENT };
/** Their names. */
static const char* const in_names[] = { "domain", "exact", "action",
	"first_seen", "expires", "confidence", "tags", "comment" };
/** An indicator. */
static const struct sh_yaml_keys in_keys = { "an indicator", in_names, 8 };

/** Names of the keys of an allow entry. */
static const char* const al_names[] = { "domain", "exact", "comment",
	"tags" };
/** An allow entry. */
static const struct sh_yaml_keys al_keys = { "an allow entry", al_names,
	4 };
/** Index of each allow entry key among the indicator keys. */
static const int al_to_in[] = { IN_DOMAIN, IN_EXACT, IN_COMMENT, IN_TAGS };

/** State of one feed being loaded. */
struct feed_load {
	/** the YAML reader */
	struct sh_yaml y;
	/** the feed being filled; ind[i].name stays NULL until the end */
	struct sh_feed* feed;
	/** the current time, for expiry */
	time_t now;
	/** indicators allocated in feed->ind */
	size_t cap;
	/** the name arena: names of feed->ind, back to back, in order */
	uint8_t* names;
	/** bytes used in names */
	size_t names_len;
	/** bytes allocated for names */
	size_t names_cap;
	/** entries seen in the file, expired ones included */
	size_t seen;
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

void
sh_limits_default(struct sh_limits* lim)
{
	lim->max_file_bytes = (size_t)64 * 1024 * 1024;
	lim->max_depth = 16;
	lim->max_indicators = 2000000;
	lim->max_scalar_bytes = 4096;
}

struct sh_feed*
sh_feed_ref(struct sh_feed* feed)
{
	/* atomic: a reload thread and resolver threads may hold the
	 * same feed through different sets */
	if(feed)
		__atomic_add_fetch(&feed->refs, 1, __ATOMIC_RELAXED);
	return feed;
}

void
sh_feed_unref(struct sh_feed* feed)
{
	size_t i;

	if(!feed || __atomic_sub_fetch(&feed->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for(i = 0; i < feed->num_ind; i++) {
		free(feed->ind[i].comment);
		sh_strv_free(feed->ind[i].tags);
	}
	free(feed->ind); /* also holds the names */
	free(feed->path);
	free(feed->id);
	free(feed->description);
	sh_strv_free(feed->references);
	free(feed->version);
	free(feed);
}

/**
 * Whether a feed id is valid: [a-z0-9][a-z0-9._-]{0,63}.
 * @param id: the id.
 * @return 1 if valid.
 */
static int
feed_id_valid(const char* id)
{
	size_t i;

	if(!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= '0' && id[0] <= '9')))
		return 0;
	for(i = 1; id[i]; i++) {
		char c = id[i];
		if(i >= FEED_ID_MAX)
			return 0;
		if(!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
			|| c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/**
 * Whether a reference is an http:// or https:// URL without spaces.
 * @param url: the reference.
 * @return 1 if acceptable.
 */
static int
feed_url_valid(const char* url)
{
	size_t i, skip;

	if(strncmp(url, "https://", 8) == 0)
		skip = 8;
	else if(strncmp(url, "http://", 7) == 0)
		skip = 7;
	else	return 0;
	if(url[skip] == 0 || url[skip] == '/')
		return 0;
	for(i = skip; url[i]; i++)
		if((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			return 0;
	return 1;
}

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
		if(!feed_url_valid(url)) {
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
				&& !feed_id_valid(f->id))
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
	const char* what = allow ? "an allow entry" : "an indicator";
	struct sh_yaml_scalar s;
	const char* err = NULL;
	char q[SH_YAML_QUOTE_MAX];
	size_t len;

	if(!sh_yaml_scalar(&L->y, "domain", &s))
		return 0;
	if(s.len == 0 || strlen(s.text) != s.len) {
		sh_yaml_report(&L->y, SH_SEV_ERROR, &s.mark, "%s", s.len == 0 ?
			"'domain' must not be empty" : "domain name contains "
			"a NUL character");
		return 0;
	}
	if((len = sh_name_from_text(s.text, e->wire, &err)) == 0) {
		sh_yaml_report(&L->y, SH_SEV_ERROR, &s.mark, "invalid domain "
			"name '%s': %s", sh_yaml_quote(s.text, s.len, q), err);
		return 0;
	}
	if(len == 1) {
		sh_yaml_report(&L->y, SH_SEV_ERROR, &s.mark, "the root domain "
			"cannot be %s", what);
		return 0;
	}
	if(sh_name_labels(e->wire) == 1) {
		sh_yaml_report(&L->y, SH_SEV_ERROR, &s.mark, "'%s' is a "
			"top-level domain; a whole TLD cannot be %s",
			sh_yaml_quote(s.text, s.len, q), what);
		return 0;
	}
	if(e->wire[0] == 1 && e->wire[1] == '*')
		sh_yaml_report(&L->y, SH_SEV_WARNING, &s.mark, "'*' is matched "
			"as a literal label here; a name without 'exact: true' "
			"already covers all its subdomains");
	e->ind.namelen = len;
	return 1;
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
 * Make room for one more indicator and its name.
 * @param L: the load state.
 * @param namelen: length of the name to add.
 * @return 1 on success, 0 when out of memory.
 */
static int
feed_grow(struct feed_load* L, size_t namelen)
{
	struct sh_feed* f = L->feed;

	if(f->num_ind == L->cap) {
		size_t ncap = L->cap ? L->cap * 2 : 64;
		struct sh_indicator* n = realloc(f->ind, ncap * sizeof(*n));
		if(!n)
			return 0;
		f->ind = n;
		L->cap = ncap;
	}
	if(L->names_len + namelen > L->names_cap) {
		size_t ncap = L->names_cap ? L->names_cap * 2 : 4096;
		uint8_t* n;
		while(ncap < L->names_len + namelen)
			ncap *= 2;
		n = realloc(L->names, ncap);
		if(!n)
			return 0;
		L->names = n;
		L->names_cap = ncap;
	}
	return 1;
}

/**
 * Store a finished entry in the feed, or drop it when it had errors or
 * has expired (with a note).
 * @param L: the load state.
 * @param e: the entry; its comment and tags move to the feed or are
 *	freed.
 */
static void
feed_store(struct feed_load* L, struct feed_entry* e)
{
	struct sh_yaml_mark at;
	char text[SH_NAME_TEXT_MAX];

	at.line = e->ind.line;
	at.column = e->ind.column;
	if(e->ok && e->ind.expires != 0 && e->ind.expires <= L->now) {
		(void)sh_name_to_text(e->wire, text, sizeof(text));
		sh_yaml_report(&L->y, SH_SEV_NOTE, &at, "'%s' expired; "
			"skipped", text);
		L->feed->num_expired++;
		e->ok = 0;
	}
	if(e->ok && !feed_grow(L, e->ind.namelen)) {
		sh_yaml_report(&L->y, SH_SEV_ERROR, &at, "out of memory");
		sh_yaml_abort(&L->y);
		e->ok = 0;
	}
	if(!e->ok) {
		free(e->ind.comment);
		sh_strv_free(e->ind.tags);
		return;
	}
	memcpy(L->names + L->names_len, e->wire, e->ind.namelen);
	L->names_len += e->ind.namelen;
	L->feed->ind[L->feed->num_ind++] = e->ind;
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

	memset(&e.ind, 0, sizeof(e.ind));
	e.ind.confidence = -1;
	e.ind.line = at.line;
	e.ind.column = at.column;
	e.ok = 1;
	if(++L->seen > L->y.lim.max_indicators) {
		sh_yaml_report(&L->y, SH_SEV_ERROR, &at, "the feed has more "
			"than %zu indicators and allow entries "
			"(max_indicators)", L->y.lim.max_indicators);
		sh_yaml_abort(&L->y);
		return;
	}
	if(allow) {
		e.ind.flags = SH_IND_ALLOW;
		e.ind.action = SH_ACTION_ALLOW;
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

/**
 * Move the names behind the indicators, in one allocation, and point
 * every indicator at its name.
 * @param L: the load state; the arena is freed.
 * @return 1 on success, 0 when out of memory.
 */
static int
feed_finish_names(struct feed_load* L)
{
	struct sh_feed* f = L->feed;
	size_t i, off = 0, isz = f->num_ind * sizeof(struct sh_indicator);
	struct sh_indicator* n;
	uint8_t* base;

	if(f->num_ind == 0) {
		free(f->ind);
		f->ind = NULL;
		return 1;
	}
	n = realloc(f->ind, isz + L->names_len);
	if(!n)
		return 0;
	f->ind = n;
	L->cap = f->num_ind;
	base = (uint8_t*)n + isz;
	memcpy(base, L->names, L->names_len);
	free(L->names);
	L->names = NULL;
	for(i = 0; i < f->num_ind; i++) {
		n[i].name = base + off;
		off += n[i].namelen;
	}
	return 1;
}

/**
 * Hash of an indicator's name and exact flag, for duplicate detection.
 * @param ind: the indicator.
 * @return the hash.
 */
static uint64_t
feed_ind_hash(const struct sh_indicator* ind)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for(i = 0; i < ind->namelen; i++)
		h = (h ^ ind->name[i]) * 0x100000001b3ULL;
	h ^= (uint64_t)(ind->flags & SH_IND_EXACT);
	return h ^ (h >> 29);
}

/**
 * Report a second entry for the same name and exact flag.
 * @param L: the load state.
 * @param first: the earlier entry.
 * @param dup: the later entry.
 */
static void
feed_report_dup(struct feed_load* L, const struct sh_indicator* first,
	const struct sh_indicator* dup)
{
	struct sh_yaml_mark at;
	char text[SH_NAME_TEXT_MAX];

	at.line = dup->line;
	at.column = dup->column;
	(void)sh_name_to_text(dup->name, text, sizeof(text));
	if((first->flags & SH_IND_ALLOW) == (dup->flags & SH_IND_ALLOW))
		sh_yaml_report(&L->y, SH_SEV_ERROR, &at, "duplicate %s '%s', "
			"first at line %u", (dup->flags & SH_IND_ALLOW) ?
			"allow entry" : "indicator", text, first->line);
	else	sh_yaml_report(&L->y, SH_SEV_ERROR, &at, "'%s' is both an "
			"indicator and an allow entry, first at line %u", text,
			first->line);
}

/**
 * Find entries with the same name and exact flag, within a list and
 * between the indicators and the allow list, and report them.
 * @param L: the load state, with names finished.
 * @return 1 if the check ran, 0 when out of memory (reported).
 */
static int
feed_check_dups(struct feed_load* L)
{
	const struct sh_feed* f = L->feed;
	size_t cap = 16, mask, i, j;
	uint64_t* slot; /* high half: hash tag; low half: index + 1 */
	uint64_t h, tag;

	while(cap < f->num_ind * 2)
		cap *= 2;
	mask = cap - 1;
	if(!(slot = calloc(cap, sizeof(*slot)))) {
		sh_yaml_report(&L->y, SH_SEV_ERROR, NULL, "out of memory");
		return 0;
	}
	for(i = 0; i < f->num_ind; i++) {
		const struct sh_indicator* a = &f->ind[i];
		const struct sh_indicator* b = NULL;
		h = feed_ind_hash(a);
		tag = h & 0xffffffff00000000ULL;
		for(j = h & mask; slot[j]; j = (j + 1) & mask) {
			if((slot[j] & 0xffffffff00000000ULL) != tag)
				continue;
			b = &f->ind[(slot[j] & 0xffffffffULL) - 1];
			if(a->namelen == b->namelen && ((a->flags ^ b->flags)
				& SH_IND_EXACT) == 0 && memcmp(a->name,
				b->name, a->namelen) == 0)
				break;
			b = NULL;
		}
		if(b)
			feed_report_dup(L, b, a);
		else	slot[j] = tag | (uint64_t)(i + 1);
	}
	free(slot);
	return 1;
}

/**
 * Compute the SHA-256 of the file as lower-case hex.
 * @param data: the bytes.
 * @param len: their number.
 * @param hex: destination of 65 bytes.
 */
static void
feed_sha256(const char* data, size_t len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t d[LDNS_SHA256_DIGEST_LENGTH];
	ldns_sha256_CTX ctx;
	size_t i;

	ldns_sha256_init(&ctx);
	ldns_sha256_update(&ctx, (const uint8_t*)data, len);
	ldns_sha256_final(d, &ctx);
	for(i = 0; i < sizeof(d); i++) {
		hex[2*i] = digits[d[i] >> 4];
		hex[2*i + 1] = digits[d[i] & 0xf];
	}
	hex[64] = 0;
}

/**
 * Allocate an empty feed with one reference.
 * @param name: its path.
 * @param now: load time.
 * @return the feed, or NULL when out of memory.
 */
static struct sh_feed*
feed_new(const char* name, time_t now)
{
	struct sh_feed* f = calloc(1, sizeof(*f));

	if(!f)
		return NULL;
	f->refs = 1;
	f->default_action = SH_ACTION_INHERIT;
	f->default_confidence = -1;
	f->loaded_at = now;
	if(!(f->path = sh_strdup(name))) {
		free(f);
		return NULL;
	}
	return f;
}

struct sh_feed*
sh_feed_parse(const char* name, const char* data, size_t len,
	const struct sh_limits* lim, time_t now, sh_diag_fn diag, void* arg)
{
	struct feed_load L;

	memset(&L, 0, sizeof(L));
	name = name ? name : "-";
	L.now = now;
	if(!(L.feed = feed_new(name, now))) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, name, 0, 0,
			"out of memory");
		return NULL;
	}
	if(sh_yaml_open(&L.y, name, data, len, lim, diag, arg))
		feed_walk(&L);
	/* duplicates are looked for even after other errors, so that one
	 * run reports everything; not after a fatal error */
	if(!sh_yaml_fatal(&L.y)) {
		if(!feed_finish_names(&L))
			sh_yaml_report(&L.y, SH_SEV_ERROR, NULL,
				"out of memory");
		else	(void)feed_check_dups(&L);
	}
	feed_sha256(data, len, L.feed->sha256);
	sh_yaml_close(&L.y);
	free(L.names);
	if(sh_yaml_errors(&L.y) != 0) {
		sh_feed_unref(L.feed);
		return NULL;
	}
	return L.feed;
}

/**
 * Read a whole regular file, refusing files over the size limit.
 * @param path: the file.
 * @param max: the size limit.
 * @param data: set to the malloced contents (caller frees).
 * @param len: set to their length.
 * @param diag: diagnostics.
 * @param arg: their argument.
 * @return 1 on success, 0 on error (reported).
 */
static int
feed_read_file(const char* path, size_t max, char** data, size_t* len,
	sh_diag_fn diag, void* arg)
{
	struct stat st;
	size_t have = 0, cap;
	char* buf = NULL;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if(fd < 0) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0, "cannot open: "
			"%s", strerror(errno));
		return 0;
	}
	if(fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0, "not a "
			"regular file");
		goto fail;
	}
	if((uint64_t)st.st_size > (uint64_t)max) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0, "file is "
			"%lld bytes, larger than the limit of %zu bytes "
			"(max_file_bytes)", (long long)st.st_size, max);
		goto fail;
	}
	/* one byte more than the limit, to notice a file that grew */
	cap = (size_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
	if(!(buf = malloc(cap))) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0,
			"out of memory");
		goto fail;
	}
	while(have < cap && (r = read(fd, buf + have, cap - have)) != 0) {
		if(r < 0 && errno == EINTR)
			continue;
		if(r < 0) {
			sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0,
				"read failed: %s", strerror(errno));
			goto fail;
		}
		have += (size_t)r;
	}
	close(fd);
	*data = buf;
	*len = have;
	return 1;
fail:
	free(buf);
	close(fd);
	return 0;
}

struct sh_feed*
sh_feed_load(const char* path, const struct sh_limits* lim, time_t now,
	sh_diag_fn diag, void* arg)
{
	struct sh_limits dl;
	struct sh_feed* f;
	char* data = NULL;
	size_t len = 0;

	if(!lim) {
		sh_limits_default(&dl);
		lim = &dl;
	}
	if(!feed_read_file(path, lim->max_file_bytes, &data, &len, diag, arg))
		return NULL;
	/* a file that grew past the limit is refused by the parser */
	f = sh_feed_parse(path, data, len, lim, now, diag, arg);
	free(data);
	return f;
}

/**
 * Whether a directory entry names a feed file: *.yaml or *.yml, not a
 * dotfile, not an editor's backup, swap or temporary file.
 * @param name: the entry name.
 * @return 1 if it is to be loaded.
 */
static int
feed_file_wanted(const char* name)
{
	size_t n = strlen(name);

	if(n == 0 || name[0] == '.' || name[n - 1] == '~')
		return 0;
	if((n >= 4 && (strcmp(name + n - 4, ".swp") == 0
		|| strcmp(name + n - 4, ".tmp") == 0)))
		return 0;
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0)
		|| (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

/**
 * qsort comparison of two file names, byte order.
 * @param a: pointer to a char*.
 * @param b: pointer to a char*.
 * @return <0, 0 or >0.
 */
static int
feed_name_cmp(const void* a, const void* b)
{
	return strcmp(*(char* const*)a, *(char* const*)b);
}

/**
 * List the feed files of a directory, sorted by name.
 * @param dir: the directory.
 * @param names: set to a malloced array of malloced names (caller frees
 *	with sh_strv_free); NULL-terminated.
 * @param num: set to their number.
 * @param diag: diagnostics.
 * @param arg: their argument.
 * @return 1 on success, 0 on error (reported).
 */
static int
feed_list_dir(const char* dir, char*** names, size_t* num, sh_diag_fn diag,
	void* arg)
{
	DIR* d = opendir(dir);
	struct dirent* de;
	char** v = NULL;
	char** nv;
	size_t n = 0;

	if(!d) {
		sh_diag_emit(diag, arg, SH_SEV_ERROR, dir, 0, 0, "cannot open "
			"feed directory: %s", strerror(errno));
		return 0;
	}
	while((de = readdir(d)) != NULL) {
		if(!feed_file_wanted(de->d_name))
			continue;
		if(!(nv = realloc(v, (n + 2) * sizeof(char*))))
			goto oom;
		v = nv;
		if(!(v[n] = sh_strdup(de->d_name)))
			goto oom;
		v[++n] = NULL;
	}
	closedir(d);
	if(n)
		qsort(v, n, sizeof(char*), feed_name_cmp);
	*names = v;
	*num = n;
	return 1;
oom:
	if(v)
		v[n] = NULL;
	sh_strv_free(v);
	closedir(d);
	sh_diag_emit(diag, arg, SH_SEV_ERROR, dir, 0, 0, "out of memory");
	return 0;
}

int
sh_feed_load_dir(const char* dir, const struct sh_limits* lim, time_t now,
	sh_diag_fn diag, void* arg, struct sh_feed*** feeds, size_t* num,
	size_t* failed)
{
	char** names = NULL;
	struct sh_feed** out;
	size_t n = 0, i, dl = strlen(dir);
	char path[4096];

	*feeds = NULL;
	*num = 0;
	*failed = 0;
	if(!feed_list_dir(dir, &names, &n, diag, arg))
		return 0;
	if(!(out = calloc(n + 1, sizeof(*out)))) {
		sh_strv_free(names);
		sh_diag_emit(diag, arg, SH_SEV_ERROR, dir, 0, 0,
			"out of memory");
		return 0;
	}
	for(i = 0; i < n; i++) {
		struct sh_feed* f = NULL;
		if(snprintf(path, sizeof(path), "%s%s%s", dir, (dl && dir[dl-1]
			== '/') ? "" : "/", names[i]) >= (int)sizeof(path))
			sh_diag_emit(diag, arg, SH_SEV_ERROR, names[i], 0, 0,
				"path too long");
		else	f = sh_feed_load(path, lim, now, diag, arg);
		if(f)
			out[(*num)++] = f;
		else	(*failed)++;
	}
	sh_strv_free(names);
	*feeds = out;
	return 1;
}
