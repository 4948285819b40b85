/*
 * write.c - write a feed of any format as a native YAML feed.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * sh_feed_to_yaml, behind `sinkholectl convert`: what was loaded from a
 * Sigma rule, a STIX bundle, an RPZ zone or a list, written in the
 * native format (README "Feed format") so that a pipeline can review and
 * deploy it.  Loading the result gives the same indicators with the same
 * metadata (the model-based check in test_convert and fuzz_convert):
 * every string is double-quoted with YAML escapes, names are written in
 * lossless presentation format, times as RFC 3339 UTC.
 */
#include "formats/formats.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/**
 * Length of a valid UTF-8 sequence at p.
 * @param p: the bytes.
 * @param left: bytes available.
 * @param cp: set to the code point.
 * @return its length, or 0 if not valid UTF-8.
 */
static size_t
wr_utf8(const unsigned char* p, size_t left, unsigned* cp)
{
	size_t n, i;

	if(p[0] >= 0xc2 && p[0] <= 0xdf) { n = 2; *cp = p[0] & 0x1f; }
	else if(p[0] >= 0xe0 && p[0] <= 0xef) { n = 3; *cp = p[0] & 0x0f; }
	else if(p[0] >= 0xf0 && p[0] <= 0xf4) { n = 4; *cp = p[0] & 0x07; }
	else	return 0;
	if(left < n)
		return 0;
	for(i = 1; i < n; i++) {
		if((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	if((n == 3 && *cp < 0x800) || (n == 4 && (*cp < 0x10000
		|| *cp > 0x10ffff)) || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

/**
 * Write a string as a YAML double-quoted scalar.  Control characters,
 * the characters YAML reads as line breaks or byte order marks, the
 * two it does not allow at all (U+FFFE, U+FFFF), and bytes that are
 * not UTF-8 are escaped.
 * @param out: the stream.
 * @param s: the string.
 */
static void
wr_str(FILE* out, const char* s)
{
	const unsigned char* u = (const unsigned char*)s;
	size_t i = 0, n = strlen(s);
	unsigned cp;

	fputc('"', out);
	while(i < n) {
		size_t k;
		if(u[i] == '"' || u[i] == '\\') {
			fprintf(out, "\\%c", u[i++]);
		} else if(u[i] < 0x20 || u[i] == 0x7f) {
			fprintf(out, "\\x%02x", u[i++]);
		} else if(u[i] < 0x80) {
			fputc(u[i++], out);
		} else if((k = wr_utf8(u + i, n - i, &cp)) == 0) {
			fprintf(out, "\\x%02x", u[i++]);
		} else if(cp == 0x85 || cp == 0x2028 || cp == 0x2029
			|| cp == 0xfeff || cp == 0xfffe || cp == 0xffff
			|| (cp >= 0x80 && cp < 0xa0)) {
			fprintf(out, "\\u%04x", cp);
			i += k;
		} else {
			fwrite(u + i, 1, k, out);
			i += k;
		}
	}
	fputc('"', out);
}

/**
 * Write a key and a string list in flow style.
 * @param out: the stream.
 * @param indent: the indentation.
 * @param key: the key.
 * @param v: the NULL-terminated list.
 */
static void
wr_strv(FILE* out, const char* indent, const char* key, char* const* v)
{
	size_t i;

	fprintf(out, "%s%s: [", indent, key);
	for(i = 0; v[i]; i++) {
		if(i)
			fputs(", ", out);
		wr_str(out, v[i]);
	}
	fputs("]\n", out);
}

/**
 * Write a time as RFC 3339 UTC.
 * @param out: the stream.
 * @param indent: the indentation.
 * @param key: the key.
 * @param t: the time.
 */
static void
wr_time(FILE* out, const char* indent, const char* key, time_t t)
{
	struct tm tm;
	char buf[64];

	if(!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999
		|| tm.tm_year + 1900 < 0)
		/* outside what a date can write: the nearest that is */
		snprintf(buf, sizeof(buf), "%s", t < 0 ? "0000-01-01T00:00:00Z"
			: "9999-12-31T23:59:59Z");
	else	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ",
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec);
	fprintf(out, "%s%s: %s\n", indent, key, buf);
}

/**
 * Write the feed section.
 * @param out: the stream.
 * @param f: the feed.
 */
static void
wr_feed(FILE* out, const struct sh_feed* f)
{
	fputs("feed:\n  id: ", out);
	wr_str(out, f->id);
	fputc('\n', out);
	if(f->description) {
		fputs("  description: ", out);
		wr_str(out, f->description);
		fputc('\n', out);
	}
	if(f->version) {
		fputs("  version: ", out);
		wr_str(out, f->version);
		fputc('\n', out);
	}
	if(f->references && f->references[0])
		wr_strv(out, "  ", "references", f->references);
	if(f->default_action != SH_ACTION_INHERIT
		|| f->default_confidence >= 0) {
		fputs("  defaults:\n", out);
		if(f->default_action != SH_ACTION_INHERIT)
			fprintf(out, "    action: %s\n",
				sh_action_name(f->default_action));
		if(f->default_confidence >= 0)
			fprintf(out, "    confidence: %d\n",
				f->default_confidence);
	}
}

/**
 * Write an indicator's own addresses.
 * @param out: the stream.
 * @param a: the addresses.
 */
static void
wr_addr(FILE* out, const struct sh_ind_addr* a)
{
	char b4[INET_ADDRSTRLEN], b6[INET6_ADDRSTRLEN];

	fputs("    addresses: [", out);
	if(a->have4 && inet_ntop(AF_INET, a->ipv4, b4, sizeof(b4)))
		fprintf(out, "\"%s\"%s", b4, a->have6 ? ", " : "");
	if(a->have6 && inet_ntop(AF_INET6, a->ipv6, b6, sizeof(b6)))
		fprintf(out, "\"%s\"", b6);
	fputs("]\n", out);
}

/**
 * Write one indicator or allow entry.
 * @param out: the stream.
 * @param ind: the entry.
 */
static void
wr_ind(FILE* out, const struct sh_indicator* ind)
{
	char text[SH_NAME_TEXT_MAX];

	(void)sh_name_to_text(ind->name, text, sizeof(text));
	fputs("  - domain: ", out);
	wr_str(out, text);
	fputc('\n', out);
	if(ind->flags & SH_IND_EXACT)
		fputs("    exact: true\n", out);
	if(!(ind->flags & SH_IND_ALLOW) && ind->action != SH_ACTION_INHERIT)
		fprintf(out, "    action: %s\n", sh_action_name(ind->action));
	if(ind->first_seen && !(ind->flags & SH_IND_ALLOW))
		wr_time(out, "    ", "first_seen", ind->first_seen);
	if(ind->expires && !(ind->flags & SH_IND_ALLOW))
		wr_time(out, "    ", "expires", ind->expires);
	if(ind->confidence >= 0 && !(ind->flags & SH_IND_ALLOW))
		fprintf(out, "    confidence: %d\n", ind->confidence);
	if(ind->tags && ind->tags[0])
		wr_strv(out, "    ", "tags", ind->tags);
	if(ind->comment) {
		fputs("    comment: ", out);
		wr_str(out, ind->comment);
		fputc('\n', out);
	}
	if(ind->addr && !(ind->flags & SH_IND_ALLOW))
		wr_addr(out, ind->addr);
	if(ind->src && (ind->src->id || ind->src->title)) {
		fputs("    rule: {", out);
		if(ind->src->id) {
			fputs("id: ", out);
			wr_str(out, ind->src->id);
		}
		if(ind->src->title) {
			fputs(ind->src->id ? ", title: " : "title: ", out);
			wr_str(out, ind->src->title);
		}
		fputs("}\n", out);
	}
}

char*
sh_feed_to_yaml(const struct sh_feed* f, size_t* len)
{
	char* buf = NULL;
	size_t n = 0, nallow = 0;
	struct sh_feed_iter it;
	struct sh_indicator ind;
	FILE* out = open_memstream(&buf, &n);

	if(!out)
		return NULL;
	fprintf(out, "# converted from format %s by sinkholectl convert: "
		"%zu entries, %zu items not taken, %zu expired\n",
		f->format ? f->format : "native", f->num_ind, f->num_skipped,
		f->num_expired);
	wr_feed(out, f);
	fputs("indicators:\n", out);
	sh_feed_iter_init(&it, f);
	while(sh_feed_iter_next(&it, &ind)) {
		if(ind.flags & SH_IND_ALLOW)
			nallow++;
		else	wr_ind(out, &ind);
	}
	if(nallow) {
		fputs("allow:\n", out);
		sh_feed_iter_init(&it, f);
		while(sh_feed_iter_next(&it, &ind))
			if(ind.flags & SH_IND_ALLOW)
				wr_ind(out, &ind);
	}
	if(fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}
