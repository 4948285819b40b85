/*
 * fuzz_feed.c - libFuzzer target for the YAML feed loader and the set.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Parses arbitrary bytes as a feed file with sh_feed_parse, twice: with
 * the default limits, and with tight limits taken from the first four
 * input bytes (so that the limit paths of the reader are reached with
 * small inputs).  Checked:
 *  - a feed comes back exactly when no error was reported, and every
 *    diagnostic is well formed;
 *  - what tight limits accept, the default limits accept the same way;
 *  - a loaded feed is sane: a valid id, canonical names of two or more
 *    labels, consistent flags and actions, confidences 0..100 or -1, the
 *    SHA-256 as 64 hex digits;
 *  - a set built from it (alone, and together with itself, which must
 *    be left out as a duplicate id) matches every indicator's name at
 *    that name, a name below a subtree indicator at or below it, and a
 *    few names taken from the input without trouble;
 *  - a native input streamed through the reader (sh_feed_stream, as
 *    sh_feed_load reads native files) with a window of 16 to 32 bytes
 *    and reads of 1 to 13 bytes, both sizes taken from the input, so
 *    that window ends fall anywhere (inside UTF-8 sequences, between CR
 *    and LF): loaded exactly when the parse from memory loads, as the
 *    same feed (feedsame.h) with the same SHA-256 and diagnostics
 *    counts; with a source that fails part way, always refused.
 * Everything is freed; LeakSanitizer reports leaks as failures.
 */
#include "sinkhole.h"
#include "formats/formats.h"
#include "../unit/ind_at.h"
#include "../unit/feedsame.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** The time the feeds are loaded at: 2023-11-14, for expiry. */
#define FUZZ_NOW ((time_t)1700000000)
/** The file name given to the parser. */
#define FUZZ_FILE "fuzz.yaml"

/** What the diagnostics callback saw. */
struct diag_count {
	/** errors reported */
	size_t errors;
	/** warnings reported */
	size_t warnings;
	/** notes reported */
	size_t notes;
	/** expected file name, or NULL for any */
	const char* file;
};

/**
 * Report a broken property and abort.
 * @param what: the property.
 */
static void
fail(const char* what)
{
	fprintf(stderr, "fuzz_feed: property violated: %s\n", what);
	abort();
}

/**
 * Diagnostics callback: counts by severity and checks the message.
 * @param arg: a struct diag_count.
 * @param msg: the diagnostic.
 */
static void
on_diag(void* arg, const struct sh_diag_msg* msg)
{
	struct diag_count* dc = arg;
	char small[16], full[2048];
	int n;

	if(!msg || !msg->file || !msg->text)
		fail("diagnostic without file or text");
	if(dc->file && strcmp(msg->file, dc->file) != 0)
		fail("diagnostic names the wrong file");
	if(msg->column && !msg->line)
		fail("diagnostic has a column but no line");
	switch(msg->severity) {
	case SH_SEV_ERROR: dc->errors++; break;
	case SH_SEV_WARNING: dc->warnings++; break;
	case SH_SEV_NOTE: dc->notes++; break;
	default: fail("diagnostic with an unknown severity");
	}
	n = sh_diag_format(msg, full, sizeof(full));
	if(n <= 0)
		fail("sh_diag_format gave nothing");
	if(sh_diag_format(msg, small, sizeof(small)) != n)
		fail("sh_diag_format length depends on the buffer");
	if(strlen(small) >= sizeof(small))
		fail("sh_diag_format overran a small buffer");
}

/**
 * Whether a feed id is valid: [a-z0-9][a-z0-9._-]{0,63}.
 * @param id: the id.
 * @return 1 if valid.
 */
static int
id_valid(const char* id)
{
	size_t i, n = strlen(id);
	if(n < 1 || n > 64)
		return 0;
	for(i = 0; i < n; i++) {
		char c = id[i];
		if((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if(i > 0 && (c == '.' || c == '_' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

/**
 * Check the segments of a loaded feed: none empty or over its size,
 * their records, meta entries and bytes adding up to the feed's, their
 * meta entries in order inside them, and their lines in order.
 * @param f: the feed.
 */
static void
check_segments(const struct sh_feed* f)
{
	size_t i, k, n = 0, bytes = 0, meta = 0;

	for(i = 0; i < f->num_segs; i++) {
		const struct sh_seg* seg = f->segs[i];
		if(seg->refs < 1 || seg->num_ind == 0 || seg->len == 0 ||
			seg->len > SH_SEG_BYTES || !seg->recs)
			fail("an empty, unowned or oversized segment");
		for(k = 0; k < seg->num_meta; k++)
			if(seg->meta[k].off >= seg->len || (k > 0 &&
				seg->meta[k].off <= seg->meta[k-1].off))
				fail("segment meta entries out of order");
		n += seg->num_ind;
		bytes += seg->len;
		meta += seg->num_meta;
	}
	if(n != f->num_ind || bytes != f->recs_len || meta != f->num_meta)
		fail("the segments do not add up to the feed");
}

/**
 * Check the invariants of a loaded feed.
 * @param f: the feed.
 */
static void
check_feed(const struct sh_feed* f)
{
	uint8_t canon[SH_NAME_MAX];
	const struct sh_seg* seg;
	size_t i, j, next = 0;

	if(f->refs != 1)
		fail("a new feed does not have one reference");
	if(!f->path || strcmp(f->path, FUZZ_FILE) != 0)
		fail("feed path is not the name given");
	if(!f->id || !id_valid(f->id))
		fail("feed loaded with a missing or invalid id");
	if(strlen(f->sha256) != 64 ||
		strspn(f->sha256, "0123456789abcdef") != 64)
		fail("feed sha256 is not 64 lower-case hex digits");
	if(f->default_action == SH_ACTION_ALLOW)
		fail("feed default action is allow");
	if(f->default_confidence < -1 || f->default_confidence > 100)
		fail("feed default confidence out of range");
	for(i = 0; f->references && f->references[i]; i++)
		if(strncmp(f->references[i], "http://", 7) != 0 &&
			strncmp(f->references[i], "https://", 8) != 0)
			fail("feed reference is not an http(s) URL");
	if(f->num_ind > 0 && (!f->segs || f->recs_len < f->num_ind * 12))
		fail("feed has indicators but no records");
	check_segments(f);
	if(f->num_meta > f->num_ind)
		fail("feed has more meta entries than indicators");
	for(i = 0; i < f->num_ind; i++) {
		const struct sh_indicator* ind = ind_at(f, i);
		if(!ind->name || ind->namelen < 2 ||
			ind->namelen > SH_NAME_MAX)
			fail("indicator without a usable name");
		if(sh_name_canon(ind->name, ind->namelen, canon) !=
			ind->namelen || memcmp(canon, ind->name,
			ind->namelen) != 0)
			fail("indicator name is not canonical wire");
		if(sh_name_labels(ind->name) < 2)
			fail("indicator is the root or a TLD");
		if(ind->flags & ~(unsigned)(SH_IND_EXACT | SH_IND_ALLOW))
			fail("indicator has unknown flags");
		if(((ind->flags & SH_IND_ALLOW) != 0) !=
			(ind->action == SH_ACTION_ALLOW))
			fail("allow flag and allow action disagree");
		if(ind->confidence < -1 || ind->confidence > 100)
			fail("indicator confidence out of range");
		if(ind->expires != 0 && ind->expires < FUZZ_NOW)
			fail("an expired indicator was loaded");
		if(ind->line == 0)
			fail("indicator without a line");
		for(j = 0; ind->tags && ind->tags[j]; j++)
			if(ind->tags[j][0] == 0)
				fail("empty tag");
		/* the records are back to back in their segments, in
		 * order, each name inside its record */
		seg = f->segs[ind->off >> SH_SEG_SHIFT];
		if(ind->off != next || ind->name != seg->recs + (ind->off &
			(SH_SEG_BYTES - 1)) + SH_REC_HEAD)
			fail("indicator records are not packed in order");
		next = ind->off + ((SH_REC_HEAD + ind->namelen + 3) &
			~(size_t)3);
		if((next & (SH_SEG_BYTES - 1)) > seg->len)
			fail("a record runs past its segment");
		if((next & (SH_SEG_BYTES - 1)) == seg->len)
			next = ((ind->off >> SH_SEG_SHIFT) + 1) << SH_SEG_SHIFT;
	}
	if(next != f->num_segs << SH_SEG_SHIFT)
		fail("the records do not fill the segments");
}

/**
 * Check one match of a set.
 * @param set: the set.
 * @param q: the query name (valid wire).
 * @param must: 1 if something must match.
 * @param at: if not NULL, the name the match must be at or below: the
 *	matched entry's name must be a suffix of q that is at least as
 *	long as at.
 */
static void
check_match(const struct sh_set* set, const uint8_t* q, int must,
	const uint8_t* at)
{
	struct sh_match m;
	const uint8_t* s;
	unsigned ql = sh_name_labels(q), ml;

	memset(&m, 0, sizeof(m));
	if(!sh_set_match(set, q, &m)) {
		if(must)
			fail("an indicator's name does not match");
		return;
	}
	if(!m.name || !m.feed || !m.ind.name)
		fail("a match without name, feed or indicator");
	if(m.ind.name != m.name)
		fail("matched name is not the indicator's name");
	if((m.ind.off >> SH_SEG_SHIFT) >= m.feed->num_segs ||
		m.ind.name < m.feed->segs[m.ind.off >> SH_SEG_SHIFT]->recs ||
		m.ind.name + m.ind.namelen > m.feed->segs[m.ind.off >>
		SH_SEG_SHIFT]->recs + m.feed->segs[m.ind.off >>
		SH_SEG_SHIFT]->len)
		fail("matched indicator is not in its feed");
	if((m.action == SH_ACTION_ALLOW) != ((m.ind.flags & SH_IND_ALLOW)
		!= 0))
		fail("allow action and allow entry disagree");
	if(m.action == SH_ACTION_INHERIT)
		fail("match with the inherit action");
	/* the match is a suffix of q */
	ml = sh_name_labels(m.name);
	if(ml > ql)
		fail("matched entry is longer than the query");
	s = q;
	while(sh_name_labels(s) > ml)
		s += *s + 1;
	if(!sh_name_equal(s, m.name))
		fail("matched entry is not a suffix of the query");
	if(ml < ql && (m.ind.flags & SH_IND_EXACT))
		fail("an exact entry matched a name below it");
	if(at && ml < sh_name_labels(at))
		fail("the match is above a covering entry");
}

/**
 * Build sets from a loaded feed and match names.
 * @param f: the feed.
 * @param data: the fuzz input, for extra names.
 * @param size: its length.
 */
static void
check_set(struct sh_feed* f, const uint8_t* data, size_t size)
{
	struct diag_count dc;
	struct sh_feed* two[2];
	struct sh_set* set;
	uint8_t q[SH_NAME_MAX], canon[SH_NAME_MAX];
	size_t i, off, n;

	memset(&dc, 0, sizeof(dc));
	set = sh_set_build(&f, 1, SH_ACTION_NXDOMAIN, on_diag, &dc);
	if(!set)
		fail("sh_set_build failed");
	if(dc.errors || dc.warnings)
		fail("building a set from one loaded feed reported problems");
	if(sh_set_num_feeds(set) != 1 || sh_set_feed(set, 0) != f ||
		sh_set_count(set) != f->num_ind || f->refs != 2)
		fail("set of one feed has the wrong counts");
	(void)sh_set_memory(set);
	for(i = 0; i < f->num_ind; i++) {
		const struct sh_indicator* ind = ind_at(f, i);
		check_match(set, ind->name, 1, ind->name);
		/* a name one label below */
		if(ind->namelen + 2 <= SH_NAME_MAX) {
			q[0] = 1;
			q[1] = 'Q';
			memcpy(q + 2, ind->name, ind->namelen);
			check_match(set, q, !(ind->flags & SH_IND_EXACT),
				(ind->flags & SH_IND_EXACT) ? NULL :
				ind->name);
		}
	}
	/* names from the input, wherever a valid one starts */
	for(off = 0, n = 0; off < size && n < 8; off += 7) {
		if(sh_name_canon(data + off, size - off, canon) == 0)
			continue;
		check_match(set, data + off, 0, NULL);
		n++;
	}
	sh_set_free(set);
	if(f->refs != 1)
		fail("sh_set_free did not drop its reference");

	/* the same feed twice: the second is left out, with an error */
	memset(&dc, 0, sizeof(dc));
	two[0] = f;
	two[1] = f;
	set = sh_set_build(two, 2, SH_ACTION_SINKHOLE, on_diag, &dc);
	if(!set)
		fail("sh_set_build failed");
	if(dc.errors != 1 || sh_set_num_feeds(set) != 1 ||
		sh_set_count(set) != f->num_ind)
		fail("a duplicate feed id was not left out once");
	sh_set_free(set);
}

/**
 * Parse the input as a feed.
 * @param data: the input.
 * @param size: its length.
 * @param lim: limits, or NULL.
 * @param dc: diagnostics counters, filled in.
 * @return the feed, or NULL.
 */
static struct sh_feed*
parse(const uint8_t* data, size_t size, const struct sh_limits* lim,
	struct diag_count* dc)
{
	struct sh_feed* f;

	memset(dc, 0, sizeof(*dc));
	dc->file = FUZZ_FILE;
	f = sh_feed_parse(FUZZ_FILE, (const char*)data, size, lim, FUZZ_NOW,
		on_diag, dc);
	if((f != NULL) != (dc->errors == 0))
		fail(f ? "a feed loaded although an error was reported" :
			"a feed was refused without an error");
	/* a parse without a callback gives the same result */
	if(f) {
		struct sh_feed* g = sh_feed_parse(FUZZ_FILE, (const char*)data,
			size, lim, FUZZ_NOW, NULL, NULL);
		if(!g || g->num_ind != f->num_ind)
			fail("parsing without a callback differs");
		sh_feed_unref(g);
		check_feed(f);
	}
	return f;
}

/** The input as a streamed source, read in pieces. */
struct stream_src {
	/** the input */
	const uint8_t* data;
	/** its length */
	size_t size;
	/** bytes given */
	size_t pos;
	/** fail once this many bytes were given */
	size_t fail_at;
};

/**
 * The source: pieces of 1 to 13 bytes, sized by the input itself.
 * @param rarg: the struct stream_src.
 * @param buf: destination.
 * @param room: its size.
 * @param got: set to the bytes given.
 * @param why: the reason of a failure.
 * @param whylen: its size.
 * @return 1, or 0 once fail_at bytes were given.
 */
static int
stream_read(void* rarg, char* buf, size_t room, size_t* got, char* why,
	size_t whylen)
{
	struct stream_src* s = rarg;
	size_t n = s->size - s->pos;

	if(s->pos >= s->fail_at) {
		snprintf(why, whylen, "read failed: fuzz");
		return 0;
	}
	if(n > 0 && n > (size_t)1 + s->data[s->pos] % 13)
		n = (size_t)1 + s->data[s->pos] % 13;
	if(n > room)
		n = room;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	*got = n;
	return 1;
}

/**
 * Whether two loads of one file gave the same feed: the metadata, and
 * the same entries in the same order (fs_feed of feedsame.h expects a
 * converted feed's order, block entries first).
 * @param a: one.
 * @param b: the other.
 * @return 1 if the same.
 */
static int
same_load(const struct sh_feed* a, const struct sh_feed* b)
{
	struct sh_feed_iter ia, ib;
	struct sh_indicator xa, xb;
	const char* why = NULL;
	size_t i;

	(void)fs_feed;
	if(!fs_str(a->id, b->id) || !fs_str(a->description, b->description)
		|| !fs_str(a->version, b->version)
		|| !fs_strv(a->references, b->references)
		|| a->default_action != b->default_action
		|| a->default_confidence != b->default_confidence
		|| a->num_ind != b->num_ind || a->num_expired != b->num_expired
		|| strcmp(a->sha256, b->sha256) != 0)
		return 0;
	sh_feed_iter_init(&ia, a);
	sh_feed_iter_init(&ib, b);
	for(i = 0; i < a->num_ind; i++) {
		if(!sh_feed_iter_next(&ia, &xa) || !sh_feed_iter_next(&ib, &xb)
			|| !fs_ind(&xa, &xb, &why) || xa.line != xb.line
			|| xa.column != xb.column)
			return 0;
	}
	return 1;
}

/**
 * Load an input again with its first load as the previous version: the
 * second load reads the same, and shares every shareable segment of
 * the first (and nothing else).
 * @param data: the input.
 * @param size: its length.
 * @param f: what sh_feed_parse gave for it (loaded).
 */
static void
check_share(const uint8_t* data, size_t size, const struct sh_feed* f)
{
	struct diag_count dg;
	struct sh_feed* g;
	size_t i, want = 0;

	memset(&dg, 0, sizeof(dg));
	dg.file = FUZZ_FILE;
	g = sh_feed_parse_prev(FUZZ_FILE, (const char*)data, size, f, NULL,
		FUZZ_NOW, on_diag, &dg);
	if(!g)
		fail("a feed that loaded is refused when loaded again");
	if(!same_load(f, g) || g->num_segs != f->num_segs)
		fail("a feed loaded again with sharing reads differently");
	for(i = 0; i < f->num_segs; i++) {
		want += f->segs[i]->shareable ? 1 : 0;
		if((g->segs[i] == f->segs[i]) != (f->segs[i]->shareable != 0))
			fail("a segment is shared that may not be, or not "
				"shared that may");
	}
	if(g->num_shared != want)
		fail("the count of shared segments is wrong");
	sh_feed_unref(g);
}

/**
 * Stream a native input through the reader and compare with its parse
 * from memory.
 * @param data: the input.
 * @param size: its length.
 * @param lim: limits, or NULL.
 * @param f: what sh_feed_parse gave for it.
 * @param dc: the diagnostics of that parse.
 */
static void
check_stream(const uint8_t* data, size_t size, const struct sh_limits* lim,
	const struct sh_feed* f, const struct diag_count* dc)
{
	struct stream_src src;
	struct diag_count ds;
	struct sh_feed* s;
	size_t chunk = 16 + size % 17;

	if(sh_format_detect(FUZZ_FILE, (const char*)data, size) !=
		SH_FORMAT_NATIVE)
		return;
	memset(&src, 0, sizeof(src));
	src.data = data;
	src.size = size;
	src.fail_at = (size_t)-1;
	memset(&ds, 0, sizeof(ds));
	ds.file = FUZZ_FILE;
	s = sh_feed_stream(FUZZ_FILE, NULL, stream_read, &src, chunk, lim,
		FUZZ_NOW, on_diag, &ds);
	if((s != NULL) != (f != NULL))
		fail(s ? "the streamed load accepts what the parse refuses" :
			"the streamed load refuses what the parse accepts");
	if((s != NULL) != (ds.errors == 0))
		fail("a streamed feed loaded with an error or refused without");
	if(s && (!same_load(f, s) || ds.warnings != dc->warnings
		|| ds.notes != dc->notes))
		fail("the streamed load differs from the parse");
	if(s && src.pos != size)
		fail("a streamed feed loaded before the end of the input");
	sh_feed_unref(s);
	/* a source that fails part way: refused, with an error */
	src.pos = 0;
	src.fail_at = size > 0 ? data[size - 1] % (size + 1) : 0;
	memset(&ds, 0, sizeof(ds));
	ds.file = FUZZ_FILE;
	s = sh_feed_stream(FUZZ_FILE, NULL, stream_read, &src, chunk, lim,
		FUZZ_NOW, on_diag, &ds);
	if(s || ds.errors == 0)
		fail("a failing source did not refuse the feed");
}

/**
 * libFuzzer entry point.
 * @param data: the input.
 * @param size: its length.
 * @return 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	struct sh_limits tight;
	struct diag_count dc, dt;
	struct sh_feed* f;
	struct sh_feed* t;

	f = parse(data, size, NULL, &dc);
	check_stream(data, size, NULL, f, &dc);
	if(f) {
		check_set(f, data, size);
		check_share(data, size, f);
		if(sh_feed_ref(f) != f || f->refs != 2)
			fail("sh_feed_ref");
		sh_feed_unref(f);
	}
	/* tight limits from the first bytes */
	if(size >= 4) {
		sh_limits_default(&tight);
		tight.max_file_bytes = (size_t)data[0] * 8;
		tight.max_depth = data[1] % 8;
		tight.max_indicators = data[2] % 8;
		tight.max_scalar_bytes = (size_t)data[3] % 64;
		t = parse(data, size, &tight, &dt);
		check_stream(data, size, &tight, t, &dt);
		if(t && (!f || t->num_ind != f->num_ind ||
			t->num_expired != f->num_expired ||
			strcmp(t->sha256, f->sha256) != 0 ||
			strcmp(t->id, f->id) != 0))
			fail("tight limits accept what default limits do not, "
				"or differently");
		sh_feed_unref(t);
	}
	sh_feed_unref(f);
	return 0;
}
