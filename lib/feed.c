/*
 * feed.c - loading YAML indicator feeds.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The native feed format (README.md "Feed format"): one reader among
 * the formats of lib/formats/, and the loader of one file (directories
 * are scanned by the feed store, lib/store.c).  The file is streamed
 * through the yamlread.h reader, so a feed of a million indicators is
 * never held as a YAML tree, and every indicator goes to the feed
 * builder (formats/build.c), which owns the memory layout and the rules
 * every format shares.  Every error of a file is reported before it is
 * refused.
 *
 * sh_feed_load does not hold a native file in memory either: it reads
 * the first SH_DETECT_WINDOW bytes, recognises the format from them,
 * and for a native feed hands them and then the rest of the file, as it
 * is read, to the reader (sh_feed_stream, sh_yaml_open_reader), hashing
 * the bytes on the way (OpenSSL's incremental SHA-256).  A reload of a
 * 1M-indicator feed so holds two 64 KiB windows and libyaml's buffers
 * instead of its 26 MiB of text.  A file whose size changes while it is
 * read (or that fails to read) is refused.  Files of the other formats
 * are read whole, as before (their readers work on a text in memory).
 */
#include "yamlread.h"
#include "formats/formats.h"
#include "util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ldns/sha2.h>
#include <openssl/evp.h>

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

/**
 * Walk a feed with an opened reader, and close it.
 * @param L: the load state, its reader opened.
 * @param opened: what the opening returned.
 * @return 1 if no error was reported.
 */
static int
feed_read(struct feed_load* L, int opened)
{
	int ok;

	if(opened)
		feed_walk(L);
	ok = sh_yaml_errors(&L->y) == 0;
	/* a fatal reader error leaves the builder's names unfinished */
	if(sh_yaml_fatal(&L->y))
		L->fb->fatal = 1;
	sh_yaml_close(&L->y);
	return ok;
}

int
sh_read_native(struct sh_fb* fb, const char* data, size_t len)
{
	struct feed_load L;

	memset(&L, 0, sizeof(L));
	L.fb = fb;
	L.feed = fb->feed;
	return feed_read(&L, sh_yaml_open(&L.y, fb->file, data, len,
		&fb->lim, fb->diag, fb->arg));
}

int
sh_read_native_stream(struct sh_fb* fb, sh_yaml_read_fn read, void* rarg,
	size_t chunk)
{
	struct feed_load L;

	memset(&L, 0, sizeof(L));
	L.fb = fb;
	L.feed = fb->feed;
	return feed_read(&L, sh_yaml_open_reader(&L.y, fb->file, read, rarg,
		chunk, &fb->lim, fb->diag, fb->arg));
}

/** A source of a streamed feed, and the SHA-256 of what it gave. */
struct feed_hash {
	/** the source */
	sh_yaml_read_fn read;
	/** its argument */
	void* rarg;
	/** OpenSSL's digest, or NULL when ldns's (ctx) is used */
	EVP_MD_CTX* md;
	/** ldns's digest, when OpenSSL's could not be set up */
	ldns_sha256_CTX ctx;
};

/**
 * Start hashing what a source gives: with OpenSSL (the CPU's SHA
 * extensions), or ldns when OpenSSL's digest cannot be set up (out of
 * memory), as sh_sha256_hex does.
 * @param h: set up; finish it with feed_hash_done.
 * @param read: the source.
 * @param rarg: its argument.
 */
static void
feed_hash_init(struct feed_hash* h, sh_yaml_read_fn read, void* rarg)
{
	h->read = read;
	h->rarg = rarg;
	if((h->md = EVP_MD_CTX_new()) != NULL
		&& EVP_DigestInit_ex(h->md, EVP_sha256(), NULL))
		return;
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
	ldns_sha256_init(&h->ctx);
}

/**
 * The source the reader reads from: the caller's source, with what it
 * gives hashed.  @see sh_yaml_read_fn
 * @param rarg: the struct feed_hash.
 * @param buf: where to put the bytes.
 * @param size: room in buf.
 * @param got: set to the number of bytes read, 0 at the end.
 * @param why: the reason of a failure.
 * @param whylen: size of why.
 * @return 1 on success, 0 on a failure.
 */
static int
feed_hash_read(void* rarg, char* buf, size_t size, size_t* got, char* why,
	size_t whylen)
{
	struct feed_hash* h = rarg;

	*got = 0;
	if(!h->read(h->rarg, buf, size, got, why, whylen))
		return 0;
	if(*got > size)
		*got = size;
	if(!h->md)
		ldns_sha256_update(&h->ctx, (const uint8_t*)buf, *got);
	else if(!EVP_DigestUpdate(h->md, buf, *got)) {
		snprintf(why, whylen, "cannot compute the SHA-256 of the "
			"file");
		return 0;
	}
	return 1;
}

/**
 * Finish the hash, as lower-case hex.
 * @param h: the hash; released.
 * @param hex: destination of 65 bytes.
 * @return 1 on success, 0 if OpenSSL failed (hex is then empty).
 */
static int
feed_hash_done(struct feed_hash* h, char hex[65])
{
	uint8_t d[LDNS_SHA256_DIGEST_LENGTH];
	unsigned dlen = 0;
	int ok = 1;

	if(h->md) {
		ok = EVP_DigestFinal_ex(h->md, d, &dlen) && dlen == sizeof(d);
		EVP_MD_CTX_free(h->md);
		h->md = NULL;
	} else	ldns_sha256_final(d, &h->ctx);
	sh_sha256_to_hex(d, hex);
	if(!ok)
		hex[0] = 0;
	return ok;
}

struct sh_feed*
sh_feed_stream(const char* name, const struct sh_feed* prev,
	sh_yaml_read_fn read, void* rarg, size_t chunk,
	const struct sh_limits* lim, time_t now, sh_diag_fn diag, void* arg)
{
	struct feed_hash h;
	struct sh_fb fb;
	char hex[65];
	int ok;

	name = name ? name : "-";
	if(!sh_fb_init(&fb, name, lim, now, SH_FORMAT_NATIVE, diag, arg))
		return NULL;
	fb.prev = prev;
	feed_hash_init(&h, read, rarg);
	ok = sh_read_native_stream(&fb, feed_hash_read, &h, chunk);
	if(!feed_hash_done(&h, hex)) {
		sh_fb_report(&fb, SH_SEV_ERROR, 0, 0, "cannot compute the "
			"SHA-256 of the file");
		ok = 0;
	}
	return sh_fb_finish_digest(&fb, hex, ok);
}

/** A feed file being loaded. */
struct feed_file {
	/** the descriptor, -1 when closed */
	int fd;
	/** its size and identity from fstat when opened, and why opening
	 * or reading failed */
	struct sh_file file;
	/** its first bytes, read to recognise the format (malloced, NUL
	 * terminated); freed once handed to the reader */
	char* head;
	/** their number */
	size_t head_len;
	/** bytes of head handed to the reader */
	size_t head_pos;
	/** bytes read from the descriptor */
	size_t total;
};

/**
 * Report why a feed file could not be opened or read, as sh_file_read's
 * failures were reported.
 * @param ff: the file, ff->file.error set.
 * @param path: its name.
 * @param lim: the limits.
 * @param diag: diagnostics callback, may be NULL.
 * @param arg: its argument.
 */
static void
feed_file_error(const struct feed_file* ff, const char* path,
	const struct sh_limits* lim, sh_diag_fn diag, void* arg)
{
	char why[256];

	if(ff->file.error == SH_FILE_ETOOBIG)
		sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0, "file is %lld "
			"bytes, larger than the limit of %zu bytes "
			"(max_file_bytes)", (long long)ff->file.st.st_size,
			lim->max_file_bytes);
	else	sh_diag_emit(diag, arg, SH_SEV_ERROR, path, 0, 0, "%s",
			sh_file_strerror(&ff->file, why, sizeof(why)));
}

/**
 * Close a feed file.
 * @param ff: the file; its descriptor is closed, its head freed.
 */
static void
feed_file_close(struct feed_file* ff)
{
	if(ff->fd >= 0)
		close(ff->fd);
	ff->fd = -1;
	free(ff->head);
	ff->head = NULL;
}

/**
 * Open a feed file with the checks of sh_file_read (a regular file
 * under max_file_bytes) and read its first SH_DETECT_WINDOW bytes, or
 * all of it and one more byte when it is shorter (as sh_file_read reads
 * one byte more than the size, to notice a file that grew).
 * @param ff: filled in; close it with feed_file_close after a success.
 * @param path: the file.
 * @param lim: the limits.
 * @param diag: diagnostics callback, may be NULL.
 * @param arg: its argument.
 * @return 1 on success, 0 on failure (reported, ff closed).
 */
static int
feed_file_open(struct feed_file* ff, const char* path,
	const struct sh_limits* lim, sh_diag_fn diag, void* arg)
{
	size_t want;

	memset(ff, 0, sizeof(*ff));
	if((ff->fd = sh_file_open(path, lim->max_file_bytes, &ff->file)) < 0)
		goto error;
	want = (size_t)ff->file.st.st_size + 1;
	if(want > SH_DETECT_WINDOW)
		want = SH_DETECT_WINDOW;
	if(!(ff->head = malloc(want + 1))) {
		ff->file.error = SH_FILE_ENOMEM;
		goto error;
	}
	if(!sh_file_read_fd(ff->fd, ff->head, want, &ff->head_len)) {
		ff->file.sys_errno = errno;
		ff->file.error = SH_FILE_EREAD;
		goto error;
	}
	ff->head[ff->head_len] = 0;
	ff->total = ff->head_len;
	return 1;
error:
	feed_file_error(ff, path, lim, diag, arg);
	feed_file_close(ff);
	return 0;
}

/**
 * The source a native feed file is streamed from: its head, then the
 * rest as it is read.  A file that ends before the size it had when
 * opened, or goes past it, changed while it was read: that is a
 * failure.  @see sh_yaml_read_fn
 * @param rarg: the struct feed_file.
 * @param buf: where to put the bytes.
 * @param size: room in buf.
 * @param got: set to the number of bytes read, 0 at the end.
 * @param why: the reason of a failure.
 * @param whylen: size of why.
 * @return 1 on success, 0 on a failure.
 */
static int
feed_file_read(void* rarg, char* buf, size_t size, size_t* got, char* why,
	size_t whylen)
{
	struct feed_file* ff = rarg;
	long long st_size = (long long)ff->file.st.st_size;
	ssize_t r;

	if(ff->head) {
		*got = ff->head_len - ff->head_pos;
		if(*got > size)
			*got = size;
		memcpy(buf, ff->head + ff->head_pos, *got);
		if((ff->head_pos += *got) == ff->head_len) {
			free(ff->head);
			ff->head = NULL;
		}
	} else {
		while((r = read(ff->fd, buf, size)) < 0 && errno == EINTR)
			;
		if(r < 0) {
			snprintf(why, whylen, "read failed: %s",
				strerror(errno));
			return 0;
		}
		*got = (size_t)r;
		ff->total += *got;
	}
	if((long long)ff->total > st_size) {
		snprintf(why, whylen, "file grew while it was read (it had "
			"%lld bytes when opened)", st_size);
		return 0;
	}
	if(*got == 0 && (long long)ff->total < st_size) {
		snprintf(why, whylen, "file was cut short while it was read "
			"(%zu of the %lld bytes it had when opened)", ff->total,
			st_size);
		return 0;
	}
	return 1;
}

/**
 * Load a feed file of a format other than native: read the rest of it
 * after its head, as sh_file_read would have read it, and parse it
 * from memory.
 * @param ff: the file, its head read.
 * @param path: its name.
 * @param prev: the previous version, for sh_feed_parse_prev, or NULL.
 * @param lim: the limits.
 * @param now: the current time.
 * @param diag: diagnostics callback, may be NULL.
 * @param arg: its argument.
 * @return as sh_feed_load.
 */
static struct sh_feed*
feed_file_whole(struct feed_file* ff, const char* path,
	const struct sh_feed* prev, const struct sh_limits* lim, time_t now,
	sh_diag_fn diag, void* arg)
{
	size_t cap = (size_t)ff->file.st.st_size + 1, more = 0;
	char* data;

	if(ff->head_len == SH_DETECT_WINDOW && cap > SH_DETECT_WINDOW) {
		if(!(data = realloc(ff->head, cap + 1))) {
			ff->file.error = SH_FILE_ENOMEM;
			goto error;
		}
		ff->head = data;
		if(!sh_file_read_fd(ff->fd, ff->head + ff->head_len,
			cap - ff->head_len, &more)) {
			ff->file.sys_errno = errno;
			ff->file.error = SH_FILE_EREAD;
			goto error;
		}
		ff->head_len += more;
		ff->head[ff->head_len] = 0;
	}
	/* a file that grew past the limit is refused by the parser */
	return sh_feed_parse_prev(path, ff->head, ff->head_len, prev, lim,
		now, diag, arg);
error:
	feed_file_error(ff, path, lim, diag, arg);
	return NULL;
}

struct sh_feed*
sh_feed_load_next(const char* path, const struct sh_feed* prev,
	const struct sh_limits* lim, time_t now, sh_diag_fn diag, void* arg)
{
	struct sh_limits dl;
	struct feed_file ff;
	struct sh_feed* f;

	if(!lim) {
		sh_limits_default(&dl);
		lim = &dl;
	}
	if(!feed_file_open(&ff, path, lim, diag, arg))
		return NULL;
	if(sh_format_detect(path, ff.head, ff.head_len) == SH_FORMAT_NATIVE)
		f = sh_feed_stream(path, prev, feed_file_read, &ff, 0, lim,
			now, diag, arg);
	else	f = feed_file_whole(&ff, path, prev, lim, now, diag, arg);
	feed_file_close(&ff);
	return f;
}

struct sh_feed*
sh_feed_load(const char* path, const struct sh_limits* lim, time_t now,
	sh_diag_fn diag, void* arg)
{
	return sh_feed_load_next(path, NULL, lim, now, diag, arg);
}
