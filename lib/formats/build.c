/*
 * build.c - the feed builder every format reader adds its indicators to.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The rules a feed obeys whatever format it was written in: the name
 * syntax, no root and no top-level domain, max_indicators, expiry,
 * duplicates, the feed id, and the memory layout of struct sh_feed.
 *
 * Memory: every indicator is appended as a record (struct sh_rec, 11
 * bytes and its name, 4-byte aligned) to the feed's record segments
 * (segment.c), a few hundred kB each, and the optional fields to the
 * segment's side table, only for the indicators that give any.
 * Nothing is malloced per indicator except comments, tags, own
 * addresses and U-label forms, and only when a file gives them.  A
 * 1M-name feed so takes about 37 MB, in about a hundred segments, of
 * which a reload shares those that did not change.
 */
#include "formats/formats.h"
#include "yamlread.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/sha2.h>
#include <openssl/evp.h>
#include <sys/mman.h>

/** Longest feed id. */
#define FB_ID_MAX 64
/** Longest name shown in a message. */
#define FB_QUOTE_MAX SH_YAML_QUOTE_MAX
/** Longest source id or title kept (longer ones are cut), so that an
 * event line always fits SH_EVENT_LINE_MAX. */
#define FB_SOURCE_MAX 256
/** Errors reported for one file before the builder gives up on it. */
#define FB_MAX_ERRORS 1000

struct sh_feed*
sh_feed_ref(struct sh_feed* feed)
{
	/* atomic: a reload thread and resolver threads may hold the
	 * same feed through different sets */
	if(feed)
		__atomic_add_fetch(&feed->refs, 1, __ATOMIC_RELAXED);
	return feed;
}

/**
 * Free a feed's source rules.
 * @param v: NULL-terminated array, or NULL.
 */
static void
fb_sources_free(struct sh_source** v)
{
	size_t i;

	if(!v)
		return;
	for(i = 0; v[i]; i++) {
		free(v[i]->id);
		free(v[i]->title);
		free(v[i]);
	}
	free(v);
}

void
sh_feed_unref(struct sh_feed* feed)
{
	size_t i;

	if(!feed || __atomic_sub_fetch(&feed->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for(i = 0; i < feed->num_segs; i++)
		sh_seg_unref(feed->segs[i]);
	free(feed->segs);
	free(feed->seg_line);
	free(feed->path);
	free(feed->id);
	free(feed->description);
	sh_strv_free(feed->references);
	free(feed->version);
	fb_sources_free(feed->sources);
	free(feed);
}

/**
 * Copy a value for a message, as sh_yaml_quote does (printable UTF-8
 * kept, control bytes as '?', long values cut).
 * @param s: the value.
 * @param len: its length.
 * @param buf: destination of FB_QUOTE_MAX bytes.
 * @return buf.
 */
static const char*
fb_quote(const char* s, size_t len, char buf[FB_QUOTE_MAX])
{
	return sh_yaml_quote(s, len, buf);
}

int
sh_fb_init(struct sh_fb* fb, const char* file, const struct sh_limits* lim,
	time_t now, enum sh_format format, sh_diag_fn diag, void* arg)
{
	struct sh_feed* f;

	memset(fb, 0, sizeof(*fb));
	fb->file = file ? file : "-";
	fb->now = now;
	fb->diag = diag;
	fb->arg = arg;
	if(lim)
		fb->lim = *lim;
	else	sh_limits_default(&fb->lim);
	if(!(f = calloc(1, sizeof(*f))) || !(f->path = sh_strdup(fb->file))) {
		free(f);
		sh_fb_report(fb, SH_SEV_ERROR, 0, 0, "out of memory");
		fb->fatal = 1;
		return 0;
	}
	f->refs = 1;
	f->default_action = SH_ACTION_INHERIT;
	f->default_confidence = -1;
	f->loaded_at = now;
	f->format = sh_format_name(format);
	fb->feed = f;
	return 1;
}

void
sh_fb_report(struct sh_fb* fb, enum sh_severity sev, unsigned line,
	unsigned column, const char* fmt, ...)
{
	va_list ap;

	if(sev == SH_SEV_ERROR)
		fb->errors++;
	if(fb->errors > FB_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	sh_diag_vemit(fb->diag, fb->arg, sev, 0, fb->file, line, column, fmt,
		ap);
	va_end(ap);
	if(fb->errors == FB_MAX_ERRORS) {
		sh_diag_emit(fb->diag, fb->arg, SH_SEV_ERROR, fb->file, 0, 0,
			"too many errors (%d); giving up on this file",
			FB_MAX_ERRORS);
		fb->fatal = 1;
	}
}

void
sh_fb_map(struct sh_fb* fb, unsigned line, unsigned column,
	const char* fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sh_diag_vemit(fb->diag, fb->arg, SH_SEV_NOTE, 1, fb->file, line,
		column, fmt, ap);
	va_end(ap);
}

void
sh_fb_skip(struct sh_fb* fb, unsigned line, unsigned column,
	const char* fmt, ...)
{
	va_list ap;

	if(fb->feed)
		fb->feed->num_skipped++;
	va_start(ap, fmt);
	sh_diag_vemit(fb->diag, fb->arg, SH_SEV_NOTE, 1, fb->file, line,
		column, fmt, ap);
	va_end(ap);
}

void
sh_fb_ind_init(struct sh_indicator* ind, unsigned line, unsigned column,
	int allow)
{
	memset(ind, 0, sizeof(*ind));
	ind->confidence = -1;
	ind->line = line;
	ind->column = column;
	if(allow) {
		ind->flags = SH_IND_ALLOW;
		ind->action = SH_ACTION_ALLOW;
	}
}

int
sh_fb_count(struct sh_fb* fb, unsigned line, unsigned column)
{
	if(fb->fatal)
		return 0;
	if(++fb->seen > fb->lim.max_indicators) {
		sh_fb_report(fb, SH_SEV_ERROR, line, column, "the feed has more "
			"than %zu indicators and allow entries "
			"(max_indicators)", fb->lim.max_indicators);
		fb->fatal = 1;
		return 0;
	}
	return 1;
}

size_t
sh_fb_name(struct sh_fb* fb, const char* text, size_t len, unsigned line,
	unsigned column, int allow, enum sh_severity sev,
	uint8_t wire[SH_NAME_MAX], char** unicode)
{
	const char* what = allow ? "an allow entry" : "an indicator";
	char buf[SH_NAME_TEXT_MAX], q[FB_QUOTE_MAX];
	struct sh_feed_name fn;

	if(len == 0 || memchr(text, 0, len) || len >= sizeof(buf)) {
		sh_fb_report(fb, sev, line, column, "%s", len == 0 ? "the "
			"domain name must not be empty" : len >= sizeof(buf) ?
			"the domain name is too long" : "domain name contains "
			"a NUL character");
		return 0;
	}
	memcpy(buf, text, len);
	buf[len] = 0;
	if(!sh_name_from_feed(buf, &fn)) {
		sh_fb_report(fb, sev, line, column, "invalid domain name '%s': "
			"%s", fb_quote(text, len, q), fn.error);
		return 0;
	}
	memcpy(wire, fn.wire, fn.len);
	if(fn.warning[0])
		sh_fb_report(fb, SH_SEV_WARNING, line, column, "'%s': %s",
			fb_quote(text, len, q), fn.warning);
	if(fn.len == 1 || sh_name_labels(wire) == 1) {
		free(fn.unicode);
		if(fn.len == 1)
			sh_fb_report(fb, sev, line, column, "the root domain "
				"cannot be %s", what);
		else	sh_fb_report(fb, sev, line, column, "'%s' is a "
				"top-level domain; a whole TLD cannot be %s",
				fb_quote(text, len, q), what);
		return 0;
	}
	if(unicode) {
		free(*unicode);
		*unicode = fn.unicode;
	} else	free(fn.unicode);
	return fn.len;
}

/**
 * Free what an indicator that is not stored owns.
 * @param ind: the indicator.
 */
static void
fb_ind_drop(struct sh_indicator* ind)
{
	free(ind->comment);
	sh_strv_free(ind->tags);
	free(ind->addr);
	free(ind->unicode);
	ind->comment = NULL;
	ind->tags = NULL;
	ind->addr = NULL;
	ind->unicode = NULL;
}

/**
 * Hash of a name and its exact and allow flags.
 * @param wire: the name.
 * @param len: its length.
 * @param flags: SH_IND_* flags.
 * @return the hash.
 */
static uint64_t
fb_hash(const uint8_t* wire, size_t len, unsigned flags)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for(i = 0; i < len; i++)
		h = (h ^ wire[i]) * 0x100000001b3ULL;
	h ^= (uint64_t)(flags & SH_IND_EXACT);
	return h ^ (h >> 29);
}

/**
 * Grow the merge table to hold twice the indicators, rehashing.
 * @param fb: the builder.
 * @return 1 on success, 0 when out of memory.
 */
static int
fb_merge_grow(struct sh_fb* fb)
{
	size_t cap = fb->slot_cap ? fb->slot_cap * 2 : 256, off, j;
	uint64_t* s = calloc(cap, sizeof(*s));
	const struct sh_feed* f = fb->feed;

	if(!s)
		return 0;
	for(off = 0; off < sh_feed_pos_end(f); off = sh_feed_pos_next(f,
		off)) {
		const struct sh_rec* b = sh_rec_at(f, off);
		uint64_t h = fb_hash(b->name, b->namelen, b->flags);
		for(j = h & (cap - 1); s[j]; j = (j + 1) & (cap - 1))
			;
		s[j] = (h & 0xffffffff00000000ULL) | (uint64_t)(off / 4 + 1);
	}
	free(fb->slot);
	fb->slot = s;
	fb->slot_cap = cap;
	return 1;
}

/**
 * In merge mode, find an earlier indicator with the same name and exact
 * flag.
 * @param fb: the builder.
 * @param wire: the name.
 * @param len: its length.
 * @param flags: its flags.
 * @param slot: set to the free slot to use when there is none.
 * @return the earlier indicator's position, or SIZE_MAX.
 */
static size_t
fb_merge_find(struct sh_fb* fb, const uint8_t* wire, size_t len,
	unsigned flags, size_t* slot)
{
	uint64_t h = fb_hash(wire, len, flags), tag = h & 0xffffffff00000000ULL;
	size_t j, mask = fb->slot_cap - 1;

	for(j = h & mask; fb->slot[j]; j = (j + 1) & mask) {
		const struct sh_rec* b;
		size_t off = ((size_t)(fb->slot[j] & 0xffffffffULL) - 1) * 4;
		if((fb->slot[j] & 0xffffffff00000000ULL) != tag)
			continue;
		b = sh_rec_at(fb->feed, off);
		if(b->namelen == len && ((b->flags ^ flags) & SH_IND_EXACT)
			== 0 && memcmp(b->name, wire, len) == 0)
			return off;
	}
	*slot = j;
	return SIZE_MAX;
}

/**
 * In merge mode, leave out a name given twice, or record a new one.
 * @param fb: the builder.
 * @param ind: the new indicator.
 * @param wire: its name.
 * @param len: its length.
 * @return 1 if it is to be stored, 0 if left out (reported) or out of
 *	memory (reported, fatal).
 */
static int
fb_merge(struct sh_fb* fb, const struct sh_indicator* ind,
	const uint8_t* wire, size_t len)
{
	const struct sh_rec* b;
	char text[SH_NAME_TEXT_MAX];
	size_t slot = 0, pos;

	if((fb->feed->num_ind + 1) * 2 > fb->slot_cap && !fb_merge_grow(fb)) {
		sh_fb_report(fb, SH_SEV_ERROR, ind->line, ind->column,
			"out of memory");
		fb->fatal = 1;
		return 0;
	}
	if((pos = fb_merge_find(fb, wire, len, ind->flags, &slot)) ==
		SIZE_MAX) {
		/* the record goes in at the next position, or at the start
		 * of a new segment: the slot is set once it is stored */
		fb->merge_slot = slot;
		fb->slot[slot] = fb_hash(wire, len, ind->flags)
			& 0xffffffff00000000ULL;
		return 1;
	}
	b = sh_rec_at(fb->feed, pos);
	(void)sh_name_to_text(wire, text, sizeof(text));
	if((b->flags & SH_IND_ALLOW) == (ind->flags & SH_IND_ALLOW))
		sh_fb_map(fb, ind->line, ind->column, "'%s' was already taken "
			"at line %u; not taken twice", text,
			sh_rec_line(fb->feed, pos));
	else	sh_fb_report(fb, SH_SEV_WARNING, ind->line, ind->column, "'%s' "
			"is %s at line %u; left out here", text,
			(b->flags & SH_IND_ALLOW) ? "an allow entry" :
			"an indicator", sh_rec_line(fb->feed, pos));
	return 0;
}

/**
 * Append an indicator's record to the feed's segments, and its meta
 * entry when it has optional fields.
 * @param fb: the builder.
 * @param ind: the indicator; what it owns passes to the feed, or is
 *	freed when out of memory.
 * @param wire: its canonical name.
 * @param len: its length, at most SH_NAME_MAX.
 * @return 1 on success, 0 when out of memory (reported, fatal).
 */
static int
fb_store(struct sh_fb* fb, struct sh_indicator* ind, const uint8_t* wire,
	size_t len)
{
	size_t pos;

	if(!sh_seg_store(fb, ind, wire, len)) {
		sh_fb_report(fb, SH_SEV_ERROR, ind->line, ind->column,
			"out of memory, or too many indicators for one feed");
		fb->fatal = 1;
		if(fb->merge)
			fb->slot[fb->merge_slot] = 0;
		fb_ind_drop(ind);
		return 0;
	}
	if(fb->merge) {
		/* the position the record got, now that it is known */
		pos = fb->last_pos;
		if(pos / 4 + 1 > 0xffffffffULL) {
			sh_fb_report(fb, SH_SEV_ERROR, ind->line, ind->column,
				"too many indicators for one feed");
			fb->fatal = 1;
			return 0;
		}
		fb->slot[fb->merge_slot] |= (uint64_t)(pos / 4 + 1);
	}
	return 1;
}

int
sh_fb_add_wire(struct sh_fb* fb, struct sh_indicator* ind,
	const uint8_t* wire, size_t len)
{
	char text[SH_NAME_TEXT_MAX];

	if(fb->fatal || !fb->feed) {
		fb_ind_drop(ind);
		return 0;
	}
	if(ind->expires != 0 && ind->expires <= fb->now) {
		(void)sh_name_to_text(wire, text, sizeof(text));
		sh_fb_report(fb, SH_SEV_NOTE, ind->line, ind->column, "'%s' "
			"expired; skipped", text);
		fb->feed->num_expired++;
		fb_ind_drop(ind);
		return 1;
	}
	if(fb->merge && !fb_merge(fb, ind, wire, len)) {
		fb_ind_drop(ind);
		return !fb->fatal;
	}
	return fb_store(fb, ind, wire, len);
}

int
sh_fb_add(struct sh_fb* fb, struct sh_indicator* ind, const char* text,
	size_t len, enum sh_severity sev)
{
	uint8_t wire[SH_NAME_MAX];
	size_t wl;

	if(!sh_fb_count(fb, ind->line, ind->column)
		|| (wl = sh_fb_name(fb, text, len, ind->line, ind->column,
		(ind->flags & SH_IND_ALLOW) != 0, sev, wire,
		&ind->unicode)) == 0) {
		fb_ind_drop(ind);
		return 0;
	}
	return sh_fb_add_wire(fb, ind, wire, wl);
}

/**
 * Copy a source string, cut to FB_SOURCE_MAX bytes at a character
 * boundary.
 * @param s: the string.
 * @return malloced copy, or NULL when out of memory.
 */
static char*
fb_source_str(const char* s)
{
	size_t n = strlen(s);
	char* c;

	if(n > FB_SOURCE_MAX) {
		n = FB_SOURCE_MAX;
		while(n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if(!(c = malloc(n + 1)))
		return NULL;
	memcpy(c, s, n);
	c[n] = 0;
	return c;
}

const struct sh_source*
sh_fb_source(struct sh_fb* fb, const char* id, const char* title)
{
	struct sh_source* s = calloc(1, sizeof(*s));
	struct sh_source** v;

	if(!s || (id && !(s->id = fb_source_str(id)))
		|| (title && !(s->title = fb_source_str(title)))
		|| !(v = realloc(fb->feed->sources, (fb->num_sources + 2)
		* sizeof(*v)))) {
		if(s) {
			free(s->id);
			free(s->title);
			free(s);
		}
		sh_fb_report(fb, SH_SEV_ERROR, 0, 0, "out of memory");
		fb->fatal = 1;
		return NULL;
	}
	v[fb->num_sources++] = s;
	v[fb->num_sources] = NULL;
	fb->feed->sources = v;
	return s;
}

int
sh_fb_id_valid(const char* id)
{
	size_t i;

	if(!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= '0' && id[0] <= '9')))
		return 0;
	for(i = 1; id[i]; i++) {
		char c = id[i];
		if(i >= FB_ID_MAX)
			return 0;
		if(!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
			|| c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

char*
sh_fb_id_from(const char* text, size_t len)
{
	char* id = malloc(FB_ID_MAX + 1);
	size_t i, n = 0;

	if(!id)
		return NULL;
	for(i = 0; i < len && n < FB_ID_MAX; i++) {
		char c = (char)sh_lower((uint8_t)text[i]);
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
			|| c == '.' || c == '_' || c == '-';
		if(n == 0 && !((c >= 'a' && c <= 'z') || (c >= '0'
			&& c <= '9')))
			continue;
		id[n++] = ok ? c : '-';
	}
	while(n > 0 && (id[n - 1] == '-' || id[n - 1] == '.'))
		n--;
	id[n] = 0;
	if(n == 0) {
		free(id);
		return NULL;
	}
	return id;
}

int
sh_fb_id_from_file(struct sh_fb* fb, const char* why)
{
	const char* b = strrchr(fb->file, '/');
	const char* dot;

	b = b ? b + 1 : fb->file;
	dot = strrchr(b, '.');
	free(fb->feed->id);
	fb->feed->id = sh_fb_id_from(b, dot && dot != b ? (size_t)(dot - b) :
		strlen(b));
	if(!fb->feed->id) {
		sh_fb_report(fb, SH_SEV_ERROR, 0, 0, "%s and the file name "
			"makes no feed id", why);
		return 0;
	}
	sh_fb_map(fb, 0, 0, "%s: feed id '%s' from the file name", why,
		fb->feed->id);
	return 1;
}

int
sh_fb_url_valid(const char* url)
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

int
sh_fb_strv_add(char*** v, const char* s)
{
	size_t n = 0;
	char** nv;
	char* c;

	while(*v && (*v)[n])
		n++;
	if(!(c = sh_strdup(s)))
		return 0;
	if(!(nv = realloc(*v, (n + 2) * sizeof(char*)))) {
		free(c);
		return 0;
	}
	nv[n] = c;
	nv[n + 1] = NULL;
	*v = nv;
	return 1;
}

int
sh_fb_hostlike(const char* text, size_t len)
{
	size_t i, label = 0;
	int dots = 0, digits = 1;

	if(len > 0 && text[len - 1] == '.')
		len--;
	if(len == 0)
		return 0;
	for(i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if(c == '.') {
			if(label == 0)
				return 0;
			dots++;
			label = 0;
			digits = 1;
			continue;
		}
		if(c < '0' || c > '9')
			digits = 0;
		if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			|| (c >= '0' && c <= '9') || c == '-' || c == '_'
			|| c >= 0x80))
			return 0;
		label++;
	}
	/* an all-digit last label is an IPv4 address, not a name */
	return label > 0 && dots > 0 && !digits;
}

/**
 * Report a second entry for the same name and exact flag.
 * @param fb: the builder.
 * @param first: position of the earlier entry.
 * @param dup: position of the later entry.
 */
static void
fb_report_dup(struct sh_fb* fb, size_t first, size_t dup)
{
	const struct sh_feed* f = fb->feed;
	const struct sh_rec* a = sh_rec_at(f, first), *b = sh_rec_at(f, dup);
	char text[SH_NAME_TEXT_MAX];

	(void)sh_name_to_text(b->name, text, sizeof(text));
	if((a->flags & SH_IND_ALLOW) == (b->flags & SH_IND_ALLOW))
		sh_fb_report(fb, SH_SEV_ERROR, sh_rec_line(f, dup), b->column,
			"duplicate %s '%s', first at line %u",
			(b->flags & SH_IND_ALLOW) ? "allow entry" :
			"indicator", text, sh_rec_line(f, first));
	else	sh_fb_report(fb, SH_SEV_ERROR, sh_rec_line(f, dup), b->column,
			"'%s' is both an indicator and an allow entry, first "
			"at line %u", text, sh_rec_line(f, first));
}

/** Records whose duplicate-table slot is prefetched ahead of the probe:
 * enough to overlap the cache misses of a table far larger than the
 * cache (10M indicators: 64 MiB). */
#define FB_DUP_AHEAD 16

/** The duplicate check's table: 4-byte slots holding a record's
 * offset / 4 + 1 in the low bits and, in the bits the offsets leave
 * free, a tag from the name's hash, so that most probes that meet
 * another name do not read its record. */
struct fb_dups {
	/** the slots, mask + 1 of them */
	uint32_t* slot;
	/** number of slots minus one */
	size_t mask;
	/** bits of a slot that hold the reference */
	unsigned ref_bits;
};

/**
 * The tag of a hash in a slot's free bits (0 when there are none).
 * @param d: the table.
 * @param h: the hash.
 * @return the tag, already shifted into place.
 */
static uint32_t
fb_dup_tag(const struct fb_dups* d, uint64_t h)
{
	if(d->ref_bits >= 32)
		return 0;
	return (uint32_t)(h >> 32) & ~(uint32_t)0 << d->ref_bits;
}

/**
 * Probe for an earlier record with the same name and exact flag; if
 * there is none, take the free slot the probe ended on.
 * @param f: the feed.
 * @param d: the table.
 * @param h: hash of the record (fb_hash).
 * @param off: the record's position.
 * @return the earlier record's position, or SIZE_MAX.
 */
static size_t
fb_dup_probe(const struct sh_feed* f, struct fb_dups* d, uint64_t h,
	size_t off)
{
	const struct sh_rec* a = sh_rec_at(f, off);
	uint32_t tag = fb_dup_tag(d, h), refmask = d->ref_bits >= 32 ?
		~(uint32_t)0 : ~(~(uint32_t)0 << d->ref_bits);
	size_t j;

	for(j = h & d->mask; d->slot[j]; j = (j + 1) & d->mask) {
		const struct sh_rec* b;
		size_t pos = ((size_t)(d->slot[j] & refmask) - 1) * 4;
		if((d->slot[j] & ~refmask) != tag)
			continue;
		b = sh_rec_at(f, pos);
		if(a->namelen == b->namelen && ((a->flags ^ b->flags)
			& SH_IND_EXACT) == 0 && memcmp(a->name, b->name,
			a->namelen) == 0)
			return pos;
	}
	d->slot[j] = tag | (uint32_t)(off / 4 + 1);
	return SIZE_MAX;
}

/**
 * Size and allocate the duplicate table for a feed.
 * @param fb: the builder (errors are reported through it).
 * @param d: filled in.
 * @return 1 on success, 0 on failure (reported).
 */
static int
fb_dup_init(struct sh_fb* fb, struct fb_dups* d)
{
	const struct sh_feed* f = fb->feed;
	size_t cap = 16, refs = sh_feed_pos_end(f) / 4 + 1;

	while(cap / 10 * 7 < f->num_ind)
		cap *= 2;
	if(sh_feed_pos_end(f) / 4 >= UINT32_MAX) {
		sh_fb_report(fb, SH_SEV_ERROR, 0, 0, "too many indicators "
			"(%zu) for one feed", f->num_ind);
		return 0;
	}
	for(d->ref_bits = 1; d->ref_bits < 32 &&
		((size_t)1 << d->ref_bits) <= refs; d->ref_bits++)
		;
	d->mask = cap - 1;
	if(!(d->slot = calloc(cap, sizeof(*d->slot)))) {
		sh_fb_report(fb, SH_SEV_ERROR, 0, 0, "out of memory");
		return 0;
	}
	return 1;
}

/**
 * Find entries with the same name and exact flag, within a list and
 * between the indicators and the allow list, and report them, in file
 * order.  The records are hashed FB_DUP_AHEAD ahead of their probe and
 * their slots prefetched, so the table's cache misses overlap.
 * @param fb: the builder, with names finished.
 * @return 1 if the check ran, 0 when out of memory (reported).
 */
static int
fb_check_dups(struct sh_fb* fb)
{
	const struct sh_feed* f = fb->feed;
	struct fb_dups d;
	uint64_t ring_h[FB_DUP_AHEAD];
	size_t ring_off[FB_DUP_AHEAD], off = 0, n = 0, k;

	if(!fb_dup_init(fb, &d))
		return 0;
	for(; off < sh_feed_pos_end(f); off = sh_feed_pos_next(f, off)) {
		const struct sh_rec* a = sh_rec_at(f, off);
		size_t b;
		k = n % FB_DUP_AHEAD;
		/* the slot's oldest record is probed before it is reused */
		if(n >= FB_DUP_AHEAD && (b = fb_dup_probe(f, &d, ring_h[k],
			ring_off[k])) != SIZE_MAX)
			fb_report_dup(fb, b, ring_off[k]);
		ring_h[k] = fb_hash(a->name, a->namelen, a->flags);
		ring_off[k] = off;
#if defined(__GNUC__)
		__builtin_prefetch(&d.slot[ring_h[k] & d.mask], 1);
#endif
		n++;
	}
	/* the last ones still in the ring, oldest first */
	for(k = n > FB_DUP_AHEAD ? n - FB_DUP_AHEAD : 0; k < n; k++) {
		size_t b = fb_dup_probe(f, &d, ring_h[k % FB_DUP_AHEAD],
			ring_off[k % FB_DUP_AHEAD]);
		if(b != SIZE_MAX)
			fb_report_dup(fb, b, ring_off[k % FB_DUP_AHEAD]);
	}
	free(d.slot);
	return 1;
}

void
sh_sha256_to_hex(const uint8_t d[32], char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for(i = 0; i < 32; i++) {
		hex[2*i] = digits[d[i] >> 4];
		hex[2*i + 1] = digits[d[i] & 0xf];
	}
	hex[64] = 0;
}

/**
 * Compute the SHA-256 of the file as lower-case hex.  OpenSSL's digest
 * uses the CPU's SHA extensions where there are any (a 10M-indicator
 * feed of 278 MB: 0.16 s against ldns's 1 s); ldns's portable one is
 * the fallback should OpenSSL fail (out of memory).
 * @param data: the bytes.
 * @param len: their number.
 * @param hex: destination of 65 bytes.
 */
void
sh_sha256_hex(const char* data, size_t len, char hex[65])
{
	uint8_t d[LDNS_SHA256_DIGEST_LENGTH];
	unsigned dlen = 0;
	ldns_sha256_CTX ctx;

	if(!EVP_Digest(data, len, d, &dlen, EVP_sha256(), NULL) ||
		dlen != sizeof(d)) {
		ldns_sha256_init(&ctx);
		ldns_sha256_update(&ctx, (const uint8_t*)data, len);
		ldns_sha256_final(d, &ctx);
	}
	sh_sha256_to_hex(d, hex);
}

struct sh_feed*
sh_fb_finish(struct sh_fb* fb, const char* data, size_t len, int ok)
{
	char hex[65];

	if(!fb->feed)
		return NULL;
	sh_sha256_hex(data, len, hex);
	return sh_fb_finish_digest(fb, hex, ok);
}

struct sh_feed*
sh_fb_finish_digest(struct sh_fb* fb, const char sha256[65], int ok)
{
	struct sh_feed* f = fb->feed;

	if(!f)
		return NULL;
	/* duplicates are looked for even after other errors, so that one
	 * run reports everything; not after a fatal error */
	sh_seg_finish(fb);
	if(!fb->fatal)
		(void)fb_check_dups(fb);
	memcpy(f->sha256, sha256, sizeof(f->sha256));
	free(fb->slot);
	fb->slot = NULL;
	fb->feed = NULL;
	if(!ok || fb->errors != 0 || fb->fatal) {
		sh_feed_unref(f);
		return NULL;
	}
	if(!f->id) {
		sh_fb_report(fb, SH_SEV_ERROR, 0, 0, "the file gives no feed "
			"id");
		sh_feed_unref(f);
		return NULL;
	}
	return f;
}
