/*
 * idn.c - domain names as written in feeds: IDNA and escape rules.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * sh_name_from_feed: the one place where a name written by a person or
 * a feed publisher becomes a wire name.  Internationalised names are
 * converted to A-labels with libidn2 (IDNA2008 with UTS #46 mapping,
 * non-transitional), because the clients we protect ask for the
 * xn-- form: a feed entry kept as raw UTF-8 bytes would match nothing.
 * In ASCII names only the escapes our own log writes are taken, so a
 * stray backslash is an error and not a silently dropped character.
 * Every refusal and warning is a sentence the loaders put behind the
 * name's file:line:column.
 */
#include "internal.h"
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/** Flags of the conversion we block with: IDNA2008, UTS #46 mapping. */
#define IDN_FLAGS (IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT)

/**
 * Whether a string holds a byte outside ASCII.
 * @param s: NUL terminated string.
 * @return 1 if it does.
 */
static int
idn_has_8bit(const char* s)
{
	for(; *s; s++)
		if((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/**
 * Check the escapes of an ASCII name: only \. \\ \" and \DDD.
 * Malformed \DDD and a lone backslash are left to sh_name_from_text.
 * @param text: the name.
 * @param out: error set on refusal.
 * @return 1 if acceptable, 0 if not.
 */
static int
idn_escapes_ok(const char* text, struct sh_feed_name* out)
{
	const char* p;

	for(p = text; *p; p++) {
		if(*p != '\\')
			continue;
		p++;
		if(*p == 0)
			break;
		if(*p >= '0' && *p <= '9')
			continue;
		if(*p == '.' || *p == '\\' || *p == '"')
			continue;
		snprintf(out->error, sizeof(out->error), "ambiguous escape "
			"'\\%c' at character %d: RFC 1035 reads it as '%c' "
			"alone; write '%c' for that, '\\\\' for a backslash, "
			"or \\DDD for any byte", *p, (int)(p - text), *p, *p);
		return 0;
	}
	return 1;
}

/**
 * Warn when a wire name holds raw bytes >= 0x80 (given with \DDD).
 * @param out: the parsed name; warning set.
 */
static void
idn_warn_raw(struct sh_feed_name* out)
{
	const uint8_t* w = out->wire;
	unsigned i;

	for(; *w; w += *w + 1)
		for(i = 1; i <= *w; i++)
			if(w[i] >= 0x80) {
				snprintf(out->warning, sizeof(out->warning),
					"the name holds raw bytes above 127 "
					"(\\DDD escapes); they are matched as "
					"written, but clients that use IDNA ask "
					"for the xn-- form: write the name in "
					"Unicode to block that");
				return;
			}
}

/**
 * Whether a label starts with xn-- (any case).
 * @param lab: the label, a length byte and its bytes.
 * @return 1 if it does.
 */
static int
idn_has_alabel_at(const uint8_t* lab)
{
	return *lab >= 4 && sh_lower(lab[1]) == 'x' && sh_lower(lab[2]) == 'n'
		&& lab[3] == '-' && lab[4] == '-';
}

/**
 * Whether a wire name has a label that starts with xn--.
 * @param w: valid wire name.
 * @return 1 if it has.
 */
static int
idn_has_alabel(const uint8_t* w)
{
	for(; *w; w += *w + 1)
		if(idn_has_alabel_at(w))
			return 1;
	return 0;
}

/**
 * Check one xn-- label with IDNA2008.
 * @param lab: the label, a length byte and its bytes.
 * @return IDN2_OK, or the libidn2 error.
 */
static int
idn_check_alabel(const uint8_t* lab)
{
	char buf[SH_LABEL_MAX + 1];
	char* a = NULL;
	int r;

	memcpy(buf, lab + 1, *lab);
	buf[*lab] = 0;
	r = idn2_to_ascii_8z(buf, &a, IDN_FLAGS);
	idn2_free(a);
	return r;
}

/**
 * Whether a Unicode name converts to the given A-label text.
 * @param u: the Unicode name.
 * @param text: canonical presentation text (lower case, no final dot).
 * @return 1 if it does.
 */
static int
idn_converts_to(const char* u, const char* text)
{
	char* a = NULL;
	int same = idn2_to_ascii_8z(u, &a, IDN_FLAGS) == IDN2_OK && a &&
		strcasecmp(a, text) == 0;
	idn2_free(a);
	return same;
}

/**
 * Set out->unicode to the U-label form of out->wire, when every xn--
 * label is a valid A-label; warn about one that is not.
 * @param out: a parsed name.
 * @return 1 on success (also when there is nothing to decode), 0 when
 *	out of memory (error set).
 */
static int
idn_display(struct sh_feed_name* out)
{
	char text[SH_NAME_TEXT_MAX];
	const uint8_t* w;
	char* u = NULL;
	int r = IDN2_OK;

	if(!idn_has_alabel(out->wire) || !sh_name_to_text(out->wire, text,
		sizeof(text)) || strchr(text, '\\'))
		return 1;
	for(w = out->wire; *w && r == IDN2_OK; w += *w + 1)
		if(idn_has_alabel_at(w))
			r = idn_check_alabel(w);
	if(r != IDN2_OK || (r = idn2_to_unicode_8z8z(text, &u, 0))
		!= IDN2_OK) {
		snprintf(out->warning, sizeof(out->warning), "'%.260s' has an "
			"xn-- label that is not a valid IDNA2008 A-label (%s); "
			"it is matched as written", text, idn2_strerror(r));
		return 1;
	}
	/* shown only when it converts back to this very name (a label
	 * like "e-" is fine in DNS, not next to a U-label) */
	if(!idn_converts_to(u, text)) {
		idn2_free(u);
		return 1;
	}
	out->unicode = sh_strdup(u);
	idn2_free(u);
	if(!out->unicode) {
		snprintf(out->error, sizeof(out->error), "out of memory");
		return 0;
	}
	return 1;
}

/**
 * Explain why an internationalised name does not convert, and suggest
 * the A-label transitional (IDNA2003-style) processing gives, if any.
 * @param text: the name.
 * @param r: the libidn2 error.
 * @param out: error set.
 */
static void
idn_refuse(const char* text, int r, struct sh_feed_name* out)
{
	char* t = NULL;

	if(idn2_to_ascii_8z(text, &t, IDN2_TRANSITIONAL) == IDN2_OK && t
		&& !strchr(t, '\\'))
		snprintf(out->error, sizeof(out->error), "not a valid "
			"internationalised name (IDNA2008/UTS #46: %s); if "
			"clients with older IDNA processing ask for it, give "
			"its A-label form '%s' instead", idn2_strerror(r), t);
	else	snprintf(out->error, sizeof(out->error), "not a valid "
			"internationalised name (IDNA2008/UTS #46: %s)",
			idn2_strerror(r));
	idn2_free(t);
}

/**
 * Warn when transitional processing (IDNA2003, some older clients)
 * gives another name: deviation characters (sharp s, final sigma, ZWJ,
 * ZWNJ).
 * @param text: the name.
 * @param ascii: the IDNA2008 A-label form.
 * @param out: warning set.
 */
static void
idn_warn_deviation(const char* text, const char* ascii,
	struct sh_feed_name* out)
{
	char* t = NULL;

	if(idn2_to_ascii_8z(text, &t, IDN2_TRANSITIONAL) == IDN2_OK && t
		&& strcasecmp(t, ascii) != 0)
		snprintf(out->warning, sizeof(out->warning), "the name has a "
			"deviation character: blocked as '%s' (IDNA2008); "
			"clients with transitional (IDNA2003) processing ask "
			"for '%s', add that name too to block them", ascii, t);
	idn2_free(t);
}

/**
 * Convert an internationalised name to A-labels and parse it.
 * @param text: the name, with bytes >= 0x80 and no backslash.
 * @param out: filled in.
 * @return 1 on success, 0 if refused.
 */
static int
idn_convert(const char* text, struct sh_feed_name* out)
{
	const char* err = NULL;
	char* a = NULL;
	int r = idn2_to_ascii_8z(text, &a, IDN_FLAGS);

	if(r != IDN2_OK) {
		idn_refuse(text, r, out);
		return 0;
	}
	/* UTS #46 maps the full-width reverse solidus to '\' */
	if(strchr(a, '\\')) {
		snprintf(out->error, sizeof(out->error), "the name maps to a "
			"backslash under UTS #46; not a host name");
		idn2_free(a);
		return 0;
	}
	out->len = sh_name_from_text(a, out->wire, &err);
	if(out->len == 0) {
		snprintf(out->error, sizeof(out->error), "its A-label form "
			"'%s' is not a valid name: %s", a, err);
		idn2_free(a);
		return 0;
	}
	idn_warn_deviation(text, a, out);
	idn2_free(a);
	return idn_display(out);
}

int
sh_name_from_feed(const char* text, struct sh_feed_name* out)
{
	const char* err = NULL;

	/* not a memset: the struct is 1.8 KB, and a 10M feed reads 10M
	 * names */
	out->wire[0] = 0;
	out->len = 0;
	out->unicode = NULL;
	out->warning[0] = 0;
	out->error[0] = 0;
	if(!text || !*text) {
		snprintf(out->error, sizeof(out->error), "empty name");
		return 0;
	}
	if(idn_has_8bit(text)) {
		if(strchr(text, '\\')) {
			snprintf(out->error, sizeof(out->error), "a name with "
				"non-ASCII characters cannot also hold "
				"backslash escapes");
			return 0;
		}
		return idn_convert(text, out);
	}
	if(!idn_escapes_ok(text, out))
		return 0;
	if((out->len = sh_name_from_text(text, out->wire, &err)) == 0) {
		snprintf(out->error, sizeof(out->error), "%s", err);
		return 0;
	}
	idn_warn_raw(out);
	return idn_display(out);
}
