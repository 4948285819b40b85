/*
 * detect.c - recognise a feed file's format and hand it to its reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * The loader's entry point for every format (sh_feed_parse).  The format
 * is recognised by content first, because files circulate under any
 * name; the extension only decides when the content does not:
 *  - JSON (the first character is '{' or '[', but not an adblock
 *    header such as "[Adblock Plus 2.0]"): a STIX bundle, unless its
 *    top level has a "feed" key (a native feed written as JSON);
 *  - YAML top-level keys: "feed", "indicators" or "allow" make a native
 *    feed; "detection" or "logsource" a Sigma rule; "type: bundle" or
 *    "objects" a STIX bundle written as YAML;
 *  - zone file syntax ($ORIGIN, $TTL, an SOA or CNAME record) an RPZ
 *    zone;
 *  - otherwise the extension: .rpz and .zone are RPZ, .txt, .hosts and
 *    .list plain lists, .json STIX, .yaml and .yml native; a file with
 *    none of these that holds only name-like lines is a plain list.
 * Only the first SH_DETECT_WINDOW bytes are looked at (formats.h), so
 * sh_feed_load recognises a file from that much of it before it decides
 * to stream it (a native feed) or to read it whole.
 */
#include "formats/formats.h"
#include <stdlib.h>
#include <string.h>

/** The readers, indexed by enum sh_format. */
static const sh_format_reader readers[SH_FORMAT_COUNT] = {
	sh_read_native, sh_read_sigma, sh_read_stix, sh_read_rpz,
	sh_read_list
};

/** The names, indexed by enum sh_format. */
static const char* const format_names[SH_FORMAT_COUNT] = {
	"native", "sigma", "stix", "rpz", "list"
};

const char*
sh_format_name(enum sh_format f)
{
	return (unsigned)f < SH_FORMAT_COUNT ? format_names[f] : "?";
}

/**
 * Whether a name ends in a suffix.
 * @param name: the name.
 * @param n: its length.
 * @param suffix: the suffix, with its dot.
 * @return 1 if it does.
 */
static int
ends_with(const char* name, size_t n, const char* suffix)
{
	size_t k = strlen(suffix);
	return n > k && strcmp(name + n - k, suffix) == 0;
}

/**
 * The format an extension suggests.
 * @param name: the file name, or NULL.
 * @param f: set to the format.
 * @return 1 if the extension is one of ours, 0 if not.
 */
static int
detect_by_ext(const char* name, enum sh_format* f)
{
	size_t n = name ? strlen(name) : 0;

	if(ends_with(name, n, ".yaml") || ends_with(name, n, ".yml"))
		*f = SH_FORMAT_NATIVE;
	else if(ends_with(name, n, ".json"))
		*f = SH_FORMAT_STIX;
	else if(ends_with(name, n, ".rpz") || ends_with(name, n, ".zone"))
		*f = SH_FORMAT_RPZ;
	else if(ends_with(name, n, ".txt") || ends_with(name, n, ".hosts")
		|| ends_with(name, n, ".list"))
		*f = SH_FORMAT_LIST;
	else	return 0;
	return 1;
}

int
sh_feed_file_wanted(const char* name)
{
	size_t n = strlen(name);
	enum sh_format f;

	/* editors' backups (x.yaml~), swap files (.x.yaml.swp) and
	 * temporary files (x.yaml.tmp) never end in a feed extension */
	if(n == 0 || name[0] == '.')
		return 0;
	return detect_by_ext(name, &f);
}

/**
 * Whether a line (without its end) starts with a key at column 1:
 * an optional quote, the key, an optional quote, optional blanks and
 * ':'.
 * @param p: the line.
 * @param n: its length.
 * @param key: the key.
 * @return 1 if it does.
 */
static int
line_key(const char* p, size_t n, const char* key)
{
	size_t k = strlen(key), i = 0;

	if(i < n && (p[i] == '"' || p[i] == '\''))
		i++;
	if(n - i < k || memcmp(p + i, key, k) != 0)
		return 0;
	i += k;
	if(i < n && (p[i] == '"' || p[i] == '\''))
		i++;
	while(i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < n && p[i] == ':';
}

/**
 * Whether a text holds a word (case-sensitive) between blanks.
 * @param p: the text.
 * @param n: its length.
 * @param w: the word.
 * @return 1 if it does.
 */
static int
line_word(const char* p, size_t n, const char* w)
{
	size_t k = strlen(w), i;

	for(i = 0; i + k <= n; i++)
		if((i == 0 || p[i-1] == ' ' || p[i-1] == '\t')
			&& memcmp(p + i, w, k) == 0 && (i + k == n
			|| p[i+k] == ' ' || p[i+k] == '\t' || p[i+k] == '\r'))
			return 1;
	return 0;
}

/**
 * Find "key" : "value" in JSON text, loosely (blanks allowed).
 * @param p: the text.
 * @param n: its length.
 * @param key: the key, with its quotes.
 * @param value: the value with its quotes, or NULL for any.
 * @return 1 if found.
 */
static int
json_has(const char* p, size_t n, const char* key, const char* value)
{
	size_t k = strlen(key), i, j;

	for(i = 0; i + k <= n; i++) {
		if(memcmp(p + i, key, k) != 0)
			continue;
		for(j = i + k; j < n && (p[j] == ' ' || p[j] == '\t'
			|| p[j] == '\n' || p[j] == '\r'); j++)
			;
		if(j >= n || p[j] != ':')
			continue;
		if(!value)
			return 1;
		for(j++; j < n && (p[j] == ' ' || p[j] == '\t'
			|| p[j] == '\n' || p[j] == '\r'); j++)
			;
		if(n - j >= strlen(value) && memcmp(p + j, value,
			strlen(value)) == 0)
			return 1;
	}
	return 0;
}

/** What the line scan found. */
struct detect_scan {
	/** native top-level keys seen */
	int native;
	/** Sigma top-level keys seen */
	int sigma;
	/** STIX top-level keys seen (YAML form) */
	int stix;
	/** zone file syntax seen */
	int zone;
	/** lines that are neither blank nor comments */
	int lines;
};

/**
 * Look at one line for the markers of each format.
 * @param p: the line.
 * @param n: its length, without the newline.
 * @param d: what was found, updated.
 */
static void
detect_line(const char* p, size_t n, struct detect_scan* d)
{
	if(n == 0 || p[0] == '#' || p[0] == ';' || p[0] == '\r')
		return;
	d->lines++;
	if(line_key(p, n, "feed") || line_key(p, n, "indicators")
		|| line_key(p, n, "allow"))
		d->native++;
	if(line_key(p, n, "detection") || line_key(p, n, "logsource"))
		d->sigma++;
	if(line_key(p, n, "objects") || (line_key(p, n, "type")
		&& line_word(p, n, "bundle")))
		d->stix++;
	if((n >= 7 && memcmp(p, "$ORIGIN", 7) == 0) || (n >= 4
		&& memcmp(p, "$TTL", 4) == 0) || line_word(p, n, "SOA")
		|| line_word(p, n, "CNAME"))
		d->zone++;
}

/**
 * Whether text starting with '[' is an adblock list header ("[Adblock
 * Plus 2.0]") rather than a JSON array: a letter follows the bracket
 * that cannot start a JSON value (true, false, null).
 * @param p: the text, p[0] == '['.
 * @param n: its length.
 * @return 1 for a header.
 */
static int
detect_adblock_header(const char* p, size_t n)
{
	char c = n > 1 ? p[1] : 0;
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		&& c != 't' && c != 'f' && c != 'n';
}

enum sh_format
sh_format_detect(const char* name, const char* data, size_t len)
{
	size_t n = len < SH_DETECT_WINDOW ? len : SH_DETECT_WINDOW, i = 0;
	struct detect_scan d;
	enum sh_format ext;
	int have_ext = detect_by_ext(name, &ext);

	memset(&d, 0, sizeof(d));
	if(n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while(i < n && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n'
		|| data[i] == '\r'))
		i++;
	if(i < n && (data[i] == '{' || (data[i] == '[' && !detect_adblock_header(
		data + i, n - i)))) {
		if(json_has(data + i, n - i, "\"feed\"", NULL)
			&& !json_has(data + i, n - i, "\"type\"", "\"bundle\""))
			return SH_FORMAT_NATIVE;
		return SH_FORMAT_STIX;
	}
	while(i < n) {
		const char* nl = memchr(data + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - data) : n;
		detect_line(data + i, e - i, &d);
		i = e + 1;
	}
	if(d.native)
		return SH_FORMAT_NATIVE;
	if(d.sigma)
		return SH_FORMAT_SIGMA;
	if(d.stix)
		return SH_FORMAT_STIX;
	if(d.zone)
		return SH_FORMAT_RPZ;
	if(have_ext)
		return ext;
	return SH_FORMAT_LIST;
}

const char*
sh_feed_format_detect(const char* name, const char* data, size_t len)
{
	return sh_format_name(sh_format_detect(name, data, len));
}

struct sh_feed*
sh_feed_parse_prev(const char* name, const char* data, size_t len,
	const struct sh_feed* prev, const struct sh_limits* lim, time_t now,
	sh_diag_fn diag, void* arg)
{
	enum sh_format f;
	struct sh_fb fb;
	int ok = 0;

	name = name ? name : "-";
	f = sh_format_detect(name, data, len);
	if(!sh_fb_init(&fb, name, lim, now, f, diag, arg))
		return NULL;
	fb.prev = prev;
	if(f != SH_FORMAT_NATIVE)
		sh_fb_map(&fb, 0, 0, "read as format '%s'", sh_format_name(f));
	if(len > fb.lim.max_file_bytes)
		sh_fb_report(&fb, SH_SEV_ERROR, 0, 0, "file is %zu bytes, "
			"larger than the limit of %zu bytes (max_file_bytes)",
			len, fb.lim.max_file_bytes);
	else	ok = readers[f](&fb, data, len);
	return sh_fb_finish(&fb, data, len, ok);
}

struct sh_feed*
sh_feed_parse(const char* name, const char* data, size_t len,
	const struct sh_limits* lim, time_t now, sh_diag_fn diag, void* arg)
{
	return sh_feed_parse_prev(name, data, len, NULL, lim, now, diag, arg);
}
