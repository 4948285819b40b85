/*
 * fuzz_set_model.c - model-based libFuzzer target for the domain set.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * In the style of BIND's fuzz/dns_qp.c: the input is a program that adds
 * indicators to one to three feeds.  Names are made of a small alphabet
 * of labels (a, b, c, xn--d, A, B, a \DDD escape of c, two ten-byte
 * labels that differ only in case and in their last byte, the bytes
 * next to the ranges of ASCII letters, letters with the high bit set,
 * and a sixteen-byte label for the hash's 8-byte steps) under a few
 * top-level domains, so equal names, names in different case and
 * nested names are frequent.  Every indicator is a block or allow
 * entry, exact or not, with its own action or none; block entries may
 * be expired.  Feeds have an id from a set of three (so duplicate ids
 * happen) and a default action or none.
 *
 * The feeds are written out as YAML and loaded with sh_feed_parse (the
 * only way to make a feed), then built into a set with sh_set_build.
 * Many query names are then matched with sh_set_match: every suffix of
 * every indicator, names one and two labels below, case variants, and
 * names padded to 127 labels.  Each result (matched or not, action,
 * matched name, feed, indicator) is compared with a reference that
 * scans all live entries linearly and implements the semantics
 * documented in sinkhole.h and lib/set.c:
 *  - an entry covers its name, and every name below it unless exact;
 *  - the most specific covering entry wins;
 *  - at the query name itself an exact entry beats a subtree entry;
 *  - for the same name and exactness, an allow entry beats a block
 *    entry; otherwise the first feed listing it wins;
 *  - a feed whose id was already used is left out (one error);
 *  - the action is the indicator's, else its feed's default, else the
 *    default given to sh_set_build; allow entries give allow.
 * The number of entries, feeds, errors and duplicate warnings of the
 * build are checked too.  A mismatch prints the feeds and the query
 * and calls abort().
 */
#include "sinkhole.h"
#include "../unit/ind_at.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Most indicators one input adds, over all feeds. */
#define MAX_ENTRIES 48
/** Most feeds. */
#define MAX_FEEDS 3
/** Size of the YAML text of one feed. */
#define YAML_MAX 16384
/** The load time; expiries are either side of it. */
#define FUZZ_NOW ((time_t)1700000000)

/** The label alphabet, as written in the YAML (single-quoted). */
static const char* const labels_text[] = { "a", "b", "c", "xn--d", "A",
	"B", "\\099", "abcdefghij", "ABCDEFGHIK", "\\064\\091\\096\\123",
	"\\193\\218\\225\\250", "xn--0123456789AB" };
/** The wire bytes of each label of labels_text, in canonical case. */
static const char* const labels_wire[] = { "a", "b", "c", "xn--d", "a",
	"b", "c", "abcdefghij", "abcdefghik", "@[`{", "\xc1\xda\xe1\xfa",
	"xn--0123456789ab" };
/** Number of labels in the alphabet. */
#define NUM_LABELS 12
/** Top-level domains. */
static const char* const tlds[] = { "com", "net", "Example" };
/** Number of top-level domains. */
#define NUM_TLDS 3
/** Feed ids; three, so that two feeds may share one. */
static const char* const feed_ids[] = { "f0", "f1", "f2" };
/** Actions an indicator or feed may give, INHERIT meaning none. */
static const enum sh_action actions[] = { SH_ACTION_INHERIT,
	SH_ACTION_SINKHOLE, SH_ACTION_NXDOMAIN, SH_ACTION_NODATA,
	SH_ACTION_REFUSE };

/** One indicator of the program. */
struct entry {
	/** canonical wire name */
	uint8_t wire[SH_NAME_MAX];
	/** its length */
	size_t len;
	/** presentation text as written in the YAML */
	char text[128];
	/** index of the feed in the program */
	int feed;
	/** exact flag */
	int exact;
	/** allow entry */
	int allow;
	/** own action (INHERIT for none; unused for allow) */
	enum sh_action action;
	/** 1 if it expired before FUZZ_NOW (so it is not loaded) */
	int expired;
	/** 1 for a future expiry date */
	int expires_later;
	/** 1 to write it as a plain scalar rather than a mapping */
	int scalar;
	/** index in the loaded feed's ind array (live entries only) */
	size_t idx;
};

/** One feed of the program. */
struct pfeed {
	/** index of its id in feed_ids */
	int id;
	/** default action, INHERIT for none */
	enum sh_action def;
	/** the loaded feed */
	struct sh_feed* f;
	/** 1 if it is kept in the set (its id was not used before) */
	int accepted;
	/** number of live entries */
	size_t live;
	/** its YAML text */
	char yaml[YAML_MAX];
	/** length of yaml */
	size_t ylen;
};

/** The whole program and its state. */
struct prog {
	/** feeds */
	struct pfeed feeds[MAX_FEEDS];
	/** number of feeds */
	int nfeeds;
	/** entries, all feeds */
	struct entry e[MAX_ENTRIES];
	/** number of entries */
	size_t n;
	/** default action of the build */
	enum sh_action def;
	/** the set */
	struct sh_set* set;
	/** number of queries checked */
	size_t queries;
};

/** Counts of diagnostics of sh_set_build. */
struct diag_count {
	/** errors */
	size_t errors;
	/** warnings */
	size_t warnings;
};

/** A reader over the fuzz input. */
struct rd {
	/** next byte */
	const uint8_t* p;
	/** bytes left */
	size_t n;
};

/**
 * Take one byte.
 * @param r: the reader.
 * @return the byte, 0 at the end.
 */
static uint8_t
rd_u8(struct rd* r)
{
	if(r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

/**
 * Print all feeds to stderr, for a mismatch report.
 * @param P: the program.
 */
static void
dump(const struct prog* P)
{
	int i;
	for(i = 0; i < P->nfeeds; i++)
		fprintf(stderr, "---- feed %d (%s, %s):\n%s\n", i,
			feed_ids[P->feeds[i].id], P->feeds[i].accepted ?
			"in the set" : "left out", P->feeds[i].yaml);
	fprintf(stderr, "---- build default action: %s\n",
		sh_action_name(P->def));
}

/**
 * Report a mismatch and abort.
 * @param P: the program, printed.
 * @param fmt: printf format of the message.
 */
static void
fail(const struct prog* P, const char* fmt, ...)
{
	va_list ap;
	if(P)
		dump(P);
	fprintf(stderr, "fuzz_set_model: mismatch: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/**
 * Append to a feed's YAML text.
 * @param f: the feed.
 * @param fmt: printf format.
 */
static void
yput(struct pfeed* f, const char* fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(f->yaml + f->ylen, sizeof(f->yaml) - f->ylen, fmt, ap);
	va_end(ap);
	if(n < 0 || (size_t)n >= sizeof(f->yaml) - f->ylen)
		fail(NULL, "YAML buffer too small");
	f->ylen += (size_t)n;
}

/**
 * ASCII lower case of a byte.
 * @param c: the byte.
 * @return lower case.
 */
static uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/**
 * Read one entry from the program.
 * @param P: the program.
 * @param r: the reader.
 * @return 1 if an entry was added, 0 if it was skipped (a duplicate in
 *	its feed).
 */
static int
read_entry(struct prog* P, struct rd* r)
{
	struct entry* e = &P->e[P->n];
	uint8_t a = rd_u8(r), b = rd_u8(r), c = 0;
	int nlab = 1 + b % 5, i, tld = (b >> 4) % NUM_TLDS;
	size_t tl = 0, wl = 0, k;

	memset(e, 0, sizeof(*e));
	e->feed = (a & 3) % P->nfeeds;
	e->allow = (a >> 2) & 1;
	e->exact = (a >> 3) & 1;
	e->action = e->allow ? SH_ACTION_ALLOW : actions[((a >> 4) & 7) % 5];
	if(a & 0x80)
		c = rd_u8(r);
	e->expired = !e->allow && (c & 1);
	e->expires_later = !e->allow && (c & 2);
	e->scalar = (c & 4) && !e->exact && (e->allow ||
		(e->action == SH_ACTION_INHERIT && !e->expired &&
		!e->expires_later));
	for(i = 0; i < nlab; i++) {
		int l = rd_u8(r) % NUM_LABELS;
		size_t ll = strlen(labels_wire[l]);
		tl += (size_t)snprintf(e->text + tl, sizeof(e->text) - tl,
			"%s.", labels_text[l]);
		e->wire[wl++] = (uint8_t)ll;
		memcpy(e->wire + wl, labels_wire[l], ll);
		wl += ll;
	}
	tl += (size_t)snprintf(e->text + tl, sizeof(e->text) - tl, "%s%s",
		tlds[tld], (b & 8) ? "." : "");
	e->wire[wl++] = (uint8_t)strlen(tlds[tld]);
	for(k = 0; k < strlen(tlds[tld]); k++)
		e->wire[wl++] = lower((uint8_t)tlds[tld][k]);
	e->wire[wl++] = 0;
	e->len = wl;
	/* the loader refuses two live entries of one feed with the same
	 * name and exact flag (block or allow alike); leave those out */
	if(!e->expired) {
		for(k = 0; k < P->n; k++) {
			const struct entry* o = &P->e[k];
			if(o->feed == e->feed && !o->expired &&
				o->exact == e->exact && o->len == e->len &&
				memcmp(o->wire, e->wire, e->len) == 0)
				return 0;
		}
	}
	P->n++;
	return 1;
}

/**
 * Write one entry as a YAML list item.
 * @param f: the feed.
 * @param e: the entry.
 */
static void
write_entry(struct pfeed* f, const struct entry* e)
{
	if(e->scalar) {
		yput(f, "  - '%s'\n", e->text);
		return;
	}
	yput(f, "  - domain: '%s'\n", e->text);
	if(e->exact)
		yput(f, "    exact: true\n");
	else if(e->allow)
		yput(f, "    exact: false\n");
	if(!e->allow && e->action != SH_ACTION_INHERIT)
		yput(f, "    action: %s\n", sh_action_name(e->action));
	if(e->expired)
		yput(f, "    expires: 2001-02-03\n");
	else if(e->expires_later)
		yput(f, "    expires: 2099-01-01T00:00:00Z\n");
}

/**
 * Write every feed's YAML, load it, and check what was loaded.
 * @param P: the program.
 */
static void
load_feeds(struct prog* P)
{
	int i, j, seen[3] = { 0, 0, 0 };
	size_t k;

	for(i = 0; i < P->nfeeds; i++) {
		struct pfeed* f = &P->feeds[i];
		size_t idx = 0;
		f->ylen = 0;
		yput(f, "feed:\n  id: %s\n", feed_ids[f->id]);
		if(f->def != SH_ACTION_INHERIT)
			yput(f, "  defaults:\n    action: %s\n",
				sh_action_name(f->def));
		/* block entries first, then allow entries: that is the
		 * order of the loaded array */
		for(j = 0; j < 2; j++) {
			int any = 0;
			for(k = 0; k < P->n; k++) {
				struct entry* e = &P->e[k];
				if(e->feed != i || e->allow != j)
					continue;
				if(!any)
					yput(f, j ? "allow:\n" : "indicators:\n");
				any = 1;
				write_entry(f, e);
				if(!e->expired)
					e->idx = idx++;
			}
		}
		f->live = idx;
		f->f = sh_feed_parse(feed_ids[f->id], f->yaml, f->ylen, NULL,
			FUZZ_NOW, NULL, NULL);
		if(!f->f)
			fail(P, "feed %d was refused", i);
		if(f->f->num_ind != f->live)
			fail(P, "feed %d loaded %zu indicators, expected %zu",
				i, f->f->num_ind, f->live);
		for(k = 0; k < P->n; k++) {
			const struct entry* e = &P->e[k];
			const struct sh_indicator* ind;
			if(e->feed != i || e->expired)
				continue;
			ind = ind_at(f->f, e->idx);
			if(ind->namelen != e->len || memcmp(ind->name, e->wire,
				e->len) != 0 || ((ind->flags & SH_IND_EXACT)
				!= 0) != e->exact || ((ind->flags &
				SH_IND_ALLOW) != 0) != e->allow ||
				ind->action != e->action)
				fail(P, "feed %d indicator %zu is not '%s' as "
					"written", i, e->idx, e->text);
		}
		f->accepted = !seen[f->id];
		seen[f->id] = 1;
	}
}

/**
 * Whether an entry is in the set's input: live and in an accepted feed.
 * @param P: the program.
 * @param e: the entry.
 * @return 1 if so.
 */
static int
in_set(const struct prog* P, const struct entry* e)
{
	return !e->expired && P->feeds[e->feed].accepted;
}

/**
 * Whether entry a comes before entry b in the build's insertion order
 * (feed order, then the loaded array order).
 * @param a: an entry.
 * @param b: another entry.
 * @return 1 if a is inserted first.
 */
static int
before(const struct entry* a, const struct entry* b)
{
	if(a->feed != b->feed)
		return a->feed < b->feed;
	return a->idx < b->idx;
}

/**
 * The entry that wins among those with one name and exactness: the
 * first allow entry if there is one, else the first block entry.
 * @param P: the program.
 * @param wire: the canonical name.
 * @param len: its length.
 * @param exact: the exactness.
 * @return the entry, or NULL if there is none.
 */
static const struct entry*
group_winner(const struct prog* P, const uint8_t* wire, size_t len,
	int exact)
{
	const struct entry* best = NULL;
	size_t k;
	for(k = 0; k < P->n; k++) {
		const struct entry* e = &P->e[k];
		if(!in_set(P, e) || e->exact != exact || e->len != len ||
			memcmp(e->wire, wire, len) != 0)
			continue;
		if(!best || (e->allow && !best->allow) ||
			(e->allow == best->allow && before(e, best)))
			best = e;
	}
	return best;
}

/**
 * The reference match: the most specific covering entry.
 * @param P: the program.
 * @param q: the query, valid wire, any case.
 * @return the winning entry, or NULL for no match.
 */
static const struct entry*
model_match(const struct prog* P, const uint8_t* q)
{
	uint8_t lq[SH_NAME_MAX];
	size_t len = 0, off = 0, i;
	const struct entry* w;
	while(q[len])
		len += (size_t)q[len] + 1;
	len++;
	for(i = 0; i < len; i++)
		lq[i] = lower(q[i]);
	while(lq[off]) {
		if(off == 0 && (w = group_winner(P, lq, len, 1)) != NULL)
			return w;
		if((w = group_winner(P, lq + off, len - off, 0)) != NULL)
			return w;
		off += (size_t)lq[off] + 1;
	}
	return NULL;
}

/**
 * The effective action of an entry.
 * @param P: the program.
 * @param e: the entry.
 * @return the action.
 */
static enum sh_action
model_action(const struct prog* P, const struct entry* e)
{
	if(e->allow)
		return SH_ACTION_ALLOW;
	if(e->action != SH_ACTION_INHERIT)
		return e->action;
	if(P->feeds[e->feed].def != SH_ACTION_INHERIT)
		return P->feeds[e->feed].def;
	return P->def;
}

/**
 * Match one query with the set and the reference, and compare.
 * @param P: the program.
 * @param q: the query, a valid wire name.
 */
static void
check_query(struct prog* P, const uint8_t* q)
{
	char text[SH_NAME_TEXT_MAX];
	struct sh_match m;
	const struct entry* w = model_match(P, q);
	int got;

	P->queries++;
	memset(&m, 0, sizeof(m));
	got = sh_set_match(P->set, q, &m);
	(void)sh_name_to_text(q, text, sizeof(text));
	if(got != (w != NULL))
		fail(P, "query '%s': set %s, reference %s%s", text,
			got ? "matched" : "did not match", w ? "matched " :
			"did not match", w ? w->text : "");
	if(!w)
		return;
	{
		const struct sh_feed* f = P->feeds[w->feed].f;
		const struct sh_indicator* ind = ind_at(f, w->idx);
		enum sh_action act = model_action(P, w);
		if(m.feed != f || m.ind.off != ind->off || m.name != ind->name) {
			char mt[SH_NAME_TEXT_MAX] = "?";
			if(m.name)
				(void)sh_name_to_text(m.name, mt, sizeof(mt));
			fail(P, "query '%s': set matched '%s' of feed '%s' "
				"(%s%s), reference '%s' of feed %d (%s%s)",
				text, mt, m.feed && m.feed->id ? m.feed->id :
				"?", (m.ind.flags & SH_IND_EXACT) ?
				"exact " : "", (m.ind.flags &
				SH_IND_ALLOW) ? "allow" : "block", w->text,
				w->feed, w->exact ? "exact " : "", w->allow ?
				"allow" : "block");
		}
		if(m.action != act)
			fail(P, "query '%s': set action %s, reference %s",
				text, sh_action_name(m.action),
				sh_action_name(act));
	}
}

/**
 * Query a name, and the same name with one upper-case variant.
 * @param P: the program.
 * @param q: the query, valid wire.
 * @param len: its length.
 * @param salt: chooses which letters are upper-cased.
 */
static void
check_query_cases(struct prog* P, const uint8_t* q, size_t len,
	unsigned salt)
{
	uint8_t v[SH_NAME_MAX];
	size_t i;
	check_query(P, q);
	memcpy(v, q, len);
	for(i = 0; i < len; i++)
		if(v[i] >= 'a' && v[i] <= 'z' && ((i + salt) & 1))
			v[i] = (uint8_t)(v[i] - 32);
	check_query(P, v);
}

/**
 * Prepend a label to a wire name.
 * @param out: destination of SH_NAME_MAX bytes.
 * @param lab: the label bytes.
 * @param name: the name.
 * @param len: its length.
 * @return the new length, or 0 if it would be too long.
 */
static size_t
prepend(uint8_t* out, const char* lab, const uint8_t* name, size_t len)
{
	size_t ll = strlen(lab);
	if(1 + ll + len > SH_NAME_MAX)
		return 0;
	memmove(out + 1 + ll, name, len);
	out[0] = (uint8_t)ll;
	memcpy(out + 1, lab, ll);
	return 1 + ll + len;
}

/**
 * Query the names around one entry: every suffix, names one and two
 * labels below, and (for the first four entries) a name padded to the
 * most labels a name can have.
 * @param P: the program.
 * @param e: the entry.
 * @param salt: the entry's number; varies the case variants and the
 *	labels.
 */
static void
query_around(struct prog* P, const struct entry* e, unsigned salt)
{
	uint8_t q[SH_NAME_MAX], q2[SH_NAME_MAX];
	size_t off = 0, len, len2;
	int i;
	/* every suffix, down to the root */
	for(;;) {
		check_query_cases(P, e->wire + off, e->len - off, salt);
		if(e->wire[off] == 0)
			break;
		off += (size_t)e->wire[off] + 1;
	}
	/* one and two labels below */
	for(i = 0; i < NUM_LABELS; i++) {
		len = prepend(q, labels_wire[(i + salt) % NUM_LABELS], e->wire,
			e->len);
		if(len == 0)
			continue;
		check_query_cases(P, q, len, salt + (unsigned)i);
		len2 = prepend(q2, labels_wire[(i * 7 + salt) % NUM_LABELS],
			q, len);
		if(len2)
			check_query(P, q2);
	}
	/* padded with one-byte labels to 255 bytes (127 labels at most);
	 * only for a few entries, the reference is slow on those */
	if(salt >= 4)
		return;
	memcpy(q, e->wire, e->len);
	len = e->len;
	while(len + 2 <= SH_NAME_MAX)
		len = prepend(q, (len & 2) ? "a" : "B", q, len);
	check_query(P, q);
}

/**
 * Diagnostics callback of the build: counts by severity.
 * @param arg: a struct diag_count.
 * @param msg: the diagnostic.
 */
static void
on_diag(void* arg, const struct sh_diag_msg* msg)
{
	struct diag_count* dc = arg;
	if(msg->severity == SH_SEV_ERROR)
		dc->errors++;
	else if(msg->severity == SH_SEV_WARNING)
		dc->warnings++;
}

/**
 * Build the set and compare its counts and diagnostics with the model.
 * @param P: the program.
 */
static void
build(struct prog* P)
{
	struct sh_feed* fv[MAX_FEEDS];
	struct diag_count dc;
	size_t k, j, distinct = 0, warnings = 0, errors = 0, nacc = 0;
	int i;

	for(i = 0; i < P->nfeeds; i++) {
		fv[i] = P->feeds[i].f;
		if(P->feeds[i].accepted)
			nacc++;
		else	errors++;
	}
	/* once without a callback, then counting diagnostics */
	P->set = sh_set_build(fv, (size_t)P->nfeeds, P->def, NULL, NULL);
	if(!P->set)
		fail(P, "sh_set_build failed");
	sh_set_free(P->set);
	memset(&dc, 0, sizeof(dc));
	P->set = sh_set_build(fv, (size_t)P->nfeeds, P->def, on_diag, &dc);
	if(!P->set)
		fail(P, "sh_set_build failed");
	/* distinct (name, exact) pairs, and duplicate warnings: a block
	 * entry that finds a block entry of an earlier feed already in
	 * its place (no allow entry came before it) */
	for(k = 0; k < P->n; k++) {
		const struct entry* e = &P->e[k];
		int first = 1, allow_before = 0;
		if(!in_set(P, e))
			continue;
		for(j = 0; j < P->n; j++) {
			const struct entry* o = &P->e[j];
			if(j == k || !in_set(P, o) || o->exact != e->exact ||
				o->len != e->len || memcmp(o->wire, e->wire,
				e->len) != 0 || !before(o, e))
				continue;
			first = 0;
			if(o->allow)
				allow_before = 1;
		}
		if(first)
			distinct++;
		else if(!e->allow && !allow_before)
			warnings++;
	}
	if(sh_set_count(P->set) != distinct)
		fail(P, "set has %zu entries, reference %zu",
			sh_set_count(P->set), distinct);
	if(sh_set_num_feeds(P->set) != nacc)
		fail(P, "set has %zu feeds, reference %zu",
			sh_set_num_feeds(P->set), nacc);
	for(i = 0, j = 0; i < P->nfeeds; i++)
		if(P->feeds[i].accepted && sh_set_feed(P->set, j++) !=
			P->feeds[i].f)
			fail(P, "set feed %zu is not feed %d", j - 1, i);
	if(dc.errors != errors || dc.warnings != warnings)
		fail(P, "set build reported %zu errors and %zu warnings, "
			"reference %zu and %zu", dc.errors, dc.warnings, errors,
			warnings);
}

/**
 * libFuzzer entry point.
 * @param data: the program.
 * @param size: its length.
 * @return 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static struct prog P;
	static const uint8_t root[1] = { 0 };
	struct rd r;
	uint8_t hdr;
	size_t k;
	int i;

	r.p = data;
	r.n = size;
	memset(&P, 0, sizeof(P));
	hdr = rd_u8(&r);
	P.nfeeds = 1 + hdr % MAX_FEEDS;
	P.def = actions[1 + (hdr >> 2) % 4];
	for(i = 0; i < P.nfeeds; i++) {
		uint8_t b = rd_u8(&r);
		P.feeds[i].id = (b & 0x80) ? i : b % 3;
		P.feeds[i].def = actions[(b >> 2) % 5];
	}
	while(r.n > 0 && P.n < MAX_ENTRIES)
		(void)read_entry(&P, &r);
	load_feeds(&P);
	build(&P);
	check_query(&P, root);
	for(k = 0; k < P.n; k++)
		query_around(&P, &P.e[k], (unsigned)k);
#ifdef FUZZ_VERBOSE
	dump(&P);
	fprintf(stderr, "---- %zu entries, %zu in the set, %zu queries\n", P.n,
		sh_set_count(P.set), P.queries);
#endif
	sh_set_free(P.set);
	for(i = 0; i < P.nfeeds; i++)
		sh_feed_unref(P.feeds[i].f);
	return 0;
}
