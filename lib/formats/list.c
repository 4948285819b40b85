/*
 * list.c - the reader of plain lists, hosts files and adblock-style lists.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Blocklists as abuse.ch, StevenBlack, hagezi and most others publish
 * them, one entry per line:
 *  - a name alone ("evil.example"): the name and its subdomains, as a
 *    native indicator without 'exact'; "*.evil.example" is the same,
 *    with a note;
 *  - a hosts line ("0.0.0.0 evil.example", "127.0.0.1 a.example
 *    b.example", also "::" and "::1"): each name exactly, as a hosts
 *    file resolves it; the usual local records of a hosts file
 *    ("127.0.0.1 localhost", "255.255.255.255 broadcasthost",
 *    "ff02::1 ip6-allnodes", "0.0.0.0 0.0.0.0") are skipped with a
 *    note; another address maps a name somewhere, which is no block,
 *    and is an error;
 *  - an adblock-style rule: "||evil.example^" is the name and its
 *    subdomains, "@@||ok.example^" an allow entry; "$important" is
 *    accepted, other "$" options have no DNS meaning and are errors;
 *  - comments: "# ..." (also after an entry), "! ..." and a
 *    "[Adblock Plus 2.0]" header; "Title:" and "Version:" comments
 *    give the feed's description and version.
 * Anything else on a line is an error with its line and column.  The
 * feed id is the file name without directory and extension.  A name
 * listed twice with the same scope is taken once, with a note (lists
 * are concatenated from many sources): the builder's merge mode.
 */
#include "formats/formats.h"
#include "util.h"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/** Longest address token of a hosts line ("ffff:...%zone"). */
#define LIST_ADDR_MAX 64

/** What one list file has given so far. */
struct list_state {
	/** the builder */
	struct sh_fb* fb;
	/** current line, 1-based */
	unsigned line;
	/** names taken: plain, hosts, adblock; local records skipped */
	size_t plain, hosts, adblock, local;
};

/**
 * Whether a byte is a blank (space or tab).
 * @param c: the byte.
 * @return 1 if it is.
 */
static int
list_blank(char c)
{
	return c == ' ' || c == '\t';
}

/**
 * Take one name (a repeat is left out by the builder's merge mode, with
 * a note).
 * @param L: the state.
 * @param text: the name.
 * @param len: its length.
 * @param column: its column.
 * @param flags: SH_IND_EXACT and/or SH_IND_ALLOW.
 * @return 1 if taken (or a repeat), 0 if refused or fatal.
 */
static int
list_take(struct list_state* L, const char* text, size_t len,
	unsigned column, unsigned flags)
{
	struct sh_indicator ind;

	sh_fb_ind_init(&ind, L->line, column, (flags & SH_IND_ALLOW) != 0);
	ind.flags = flags;
	return sh_fb_add(L->fb, &ind, text, len, SH_SEV_ERROR);
}

/**
 * Check that a list entry is a host name: letters, digits, '-', '_',
 * '.', and bytes >= 0x80 (internationalised names).
 * @param p: the entry.
 * @param n: its length.
 * @return the offset of the first byte that is not, or n if none.
 */
static size_t
list_hostchars(const char* p, size_t n)
{
	size_t i;

	for(i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			|| (c >= '0' && c <= '9') || c == '-' || c == '_'
			|| c == '.' || c >= 0x80))
			return i;
	}
	return n;
}

/**
 * Check a list entry's characters, reporting the first bad one.
 * @param L: the state.
 * @param p: the entry.
 * @param n: its length.
 * @param column: its column.
 * @return 1 if it is host-like, 0 if not (reported).
 */
static int
list_check_host(struct list_state* L, const char* p, size_t n,
	unsigned column)
{
	size_t bad = list_hostchars(p, n);

	if(bad == n)
		return 1;
	sh_fb_report(L->fb, SH_SEV_ERROR, L->line, column + (unsigned)bad,
		"'%c' in '%.*s': a list entry is a host name (letters, digits, "
		"'-', '_' and '.'), a hosts line (0.0.0.0 name) or an adblock "
		"rule (||name^)", (p[bad] >= 0x21 && p[bad] < 0x7f) ? p[bad] :
		'?', (int)(n > 64 ? 64 : n), p);
	return 0;
}

/**
 * Whether text is valid UTF-8 without control characters, so that it
 * can be the feed's description or version (and written back as YAML).
 * @param p: the text.
 * @param n: its length.
 * @return 1 if it is.
 */
static int
list_text_ok(const char* p, size_t n)
{
	const unsigned char* u = (const unsigned char*)p;
	size_t i = 0, k;

	while(i < n) {
		if(u[i] < 0x20 || u[i] == 0x7f || (k = sh_utf8_len(u + i,
			n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/**
 * Take a "Title:" or "Version:" comment as the feed's description or
 * version (the first one of each).
 * @param L: the state.
 * @param p: the comment text after '#' or '!'.
 * @param n: its length.
 */
static void
list_meta(struct list_state* L, const char* p, size_t n)
{
	struct sh_feed* f = L->fb->feed;
	char** dst = NULL;
	size_t k = 0;

	while(n > 0 && list_blank(*p))
		p++, n--;
	if(n > 6 && strncasecmp(p, "title:", 6) == 0)
		dst = &f->description, k = 6;
	else if(n > 8 && strncasecmp(p, "version:", 8) == 0)
		dst = &f->version, k = 8;
	if(!dst || *dst)
		return;
	p += k, n -= k;
	while(n > 0 && list_blank(*p))
		p++, n--;
	while(n > 0 && list_blank(p[n - 1]))
		n--;
	if(n == 0 || n > L->fb->lim.max_scalar_bytes)
		return;
	if(!list_text_ok(p, n)) {
		sh_fb_map(L->fb, L->line, 1, "a Title: or Version: comment "
			"that is not printable UTF-8 text; not taken");
		return;
	}
	if((*dst = malloc(n + 1)) != NULL) {
		memcpy(*dst, p, n);
		(*dst)[n] = 0;
	}
}

/**
 * Read an adblock-style rule: [@@]||name^[$important].
 * @param L: the state.
 * @param p: the rule (one token).
 * @param n: its length.
 * @param column: its column.
 * @return 1 if taken, 0 on error (reported).
 */
static int
list_adblock(struct list_state* L, const char* p, size_t n, unsigned column)
{
	unsigned flags = 0;
	size_t skip = 2, end;

	if(n >= 4 && memcmp(p, "@@||", 4) == 0)
		flags = SH_IND_ALLOW, skip = 4;
	for(end = skip; end < n && p[end] != '^'; end++)
		;
	if(end == n) {
		sh_fb_report(L->fb, SH_SEV_ERROR, L->line, column + (unsigned)n,
			"an adblock rule ends its name with '^' (||name^)");
		return 0;
	}
	if(end + 1 < n && !(n - end - 1 == 10 && memcmp(p + end + 1,
		"$important", 10) == 0)) {
		sh_fb_report(L->fb, SH_SEV_ERROR, L->line, column +
			(unsigned)end + 1, "'%.*s' after the rule: only "
			"$important is taken, other options have no meaning "
			"for DNS", (int)(n - end - 1 > 64 ? 64 : n - end - 1),
			p + end + 1);
		return 0;
	}
	if(!list_check_host(L, p + skip, end - skip, column + (unsigned)skip))
		return 0;
	if(flags)
		sh_fb_map(L->fb, L->line, column, "exception rule '%.*s': an "
			"allow entry", (int)(end - skip), p + skip);
	L->adblock++;
	return list_take(L, p + skip, end - skip, column + (unsigned)skip,
		flags);
}

/**
 * Parse a hosts line's address.
 * @param p: the token.
 * @param n: its length.
 * @param blocking: set to 1 for 0.0.0.0, 127.0.0.1, :: and ::1, the
 *	addresses blocklists map names to.
 * @return 1 if it is an IPv4 or IPv6 address (an IPv6 zone "%lo0" is
 *	allowed), 0 if not.
 */
static int
list_addr(const char* p, size_t n, int* blocking)
{
	char buf[LIST_ADDR_MAX];
	uint8_t a[16];
	char* pct;

	*blocking = 0;
	if(n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, p, n);
	buf[n] = 0;
	if(inet_pton(AF_INET, buf, a) == 1) {
		*blocking = strcmp(buf, "0.0.0.0") == 0 ||
			strcmp(buf, "127.0.0.1") == 0;
		return 1;
	}
	if((pct = strchr(buf, '%')) != NULL)
		*pct = 0;
	if(!strchr(buf, ':') || inet_pton(AF_INET6, buf, a) != 1)
		return 0;
	*blocking = !pct && memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15)
		== 0 && (a[15] == 0 || a[15] == 1);
	return 1;
}

/**
 * Whether a name on a hosts line is one of the local records hosts
 * files start with: a single label ("localhost", "broadcasthost",
 * "ip6-allnodes"), "localhost" with a domain, or an address.
 * @param p: the name.
 * @param n: its length.
 * @return 1 if it is.
 */
static int
list_local_name(const char* p, size_t n)
{
	int dummy;

	if(!memchr(p, '.', n) || (n > 0 && p[n - 1] == '.' && !memchr(p, '.',
		n - 1)))
		return 1;
	if(n >= 10 && strncasecmp(p, "localhost.", 10) == 0)
		return 1;
	return list_addr(p, n, &dummy);
}

/**
 * Read the names of a hosts line, after its address.
 * @param L: the state.
 * @param addr: the address token.
 * @param alen: its length.
 * @param p: the rest of the line.
 * @param n: its length.
 * @param column: column of p.
 * @return 1 if every name was taken or skipped, 0 on an error.
 */
static int
list_hosts(struct list_state* L, const char* addr, size_t alen,
	const char* p, size_t n, unsigned column)
{
	size_t i = 0, s;
	int blocking, names = 0, ok = 1;

	(void)list_addr(addr, alen, &blocking);
	for(;;) {
		while(i < n && list_blank(p[i]))
			i++;
		if(i == n || p[i] == '#')
			break;
		for(s = i; i < n && !list_blank(p[i]); i++)
			;
		names++;
		if(list_local_name(p + s, i - s)) {
			sh_fb_skip(L->fb, L->line, column + (unsigned)s, "'%.*s' "
				"is a local host record, not an indicator; "
				"skipped", (int)(i - s > 64 ? 64 : i - s), p + s);
			L->local++;
		} else if(!blocking) {
			sh_fb_report(L->fb, SH_SEV_ERROR, L->line, column +
				(unsigned)s, "'%.*s' is mapped to %.*s: only "
				"0.0.0.0, 127.0.0.1, :: and ::1 mark a blocked "
				"name in a hosts file", (int)(i - s > 64 ? 64 :
				i - s), p + s, (int)alen, addr);
			ok = 0;
		} else if(!list_check_host(L, p + s, i - s, column +
			(unsigned)s) || !list_take(L, p + s, i - s, column +
			(unsigned)s, SH_IND_EXACT))
			ok = 0;
		else	L->hosts++;
	}
	if(names == 0) {
		sh_fb_report(L->fb, SH_SEV_ERROR, L->line, column, "a hosts "
			"line needs a name after the address %.*s", (int)alen,
			addr);
		return 0;
	}
	return ok;
}

/**
 * Read a line that holds a single name ("evil.example" or
 * "*.evil.example"), maybe followed by a comment.
 * @param L: the state.
 * @param p: the name.
 * @param n: its length.
 * @param column: its column.
 * @return 1 if taken, 0 on an error (reported).
 */
static int
list_plain(struct list_state* L, const char* p, size_t n, unsigned column)
{
	if(n > 2 && p[0] == '*' && p[1] == '.') {
		sh_fb_map(L->fb, L->line, column, "'%.*s': taken as %.*s and "
			"its subdomains", (int)(n > 64 ? 64 : n), p,
			(int)(n - 2 > 64 ? 64 : n - 2), p + 2);
		p += 2, n -= 2, column += 2;
	}
	if(!list_check_host(L, p, n, column))
		return 0;
	L->plain++;
	return list_take(L, p, n, column, 0);
}

/**
 * Read one line.
 * @param L: the state, with its line number set.
 * @param p: the line, without its end.
 * @param n: its length.
 * @return 1 if the line is fine, 0 on an error (reported).
 */
static int
list_line(struct list_state* L, const char* p, size_t n)
{
	size_t i = 0, s, e, t;
	int blocking;

	while(i < n && list_blank(p[i]))
		i++;
	if(i == n)
		return 1;
	if(p[i] == '#' || p[i] == '!') {
		list_meta(L, p + i + 1, n - i - 1);
		return 1;
	}
	if(i == 0 && p[0] == '[' && p[n - 1] == ']')
		return 1; /* "[Adblock Plus 2.0]" */
	for(s = i; i < n && !list_blank(p[i]); i++)
		;
	e = i;
	if(list_addr(p + s, e - s, &blocking))
		return list_hosts(L, p + s, e - s, p + e, n - e,
			(unsigned)e + 1);
	/* one entry, then only blanks or a comment */
	for(t = e; t < n && list_blank(p[t]); t++)
		;
	if(t < n && p[t] != '#') {
		sh_fb_report(L->fb, SH_SEV_ERROR, L->line, (unsigned)t + 1,
			"unexpected '%.*s' after '%.*s': one entry per line",
			(int)(n - t > 32 ? 32 : n - t), p + t,
			(int)(e - s > 64 ? 64 : e - s), p + s);
		return 0;
	}
	if(p[s] == '|' || (p[s] == '@' && e - s > 1 && p[s + 1] == '@')) {
		if(e - s < 2 || (p[s] == '|' && p[s + 1] != '|')) {
			sh_fb_report(L->fb, SH_SEV_ERROR, L->line, (unsigned)s + 1,
				"an adblock rule starts with '||' (||name^)");
			return 0;
		}
		return list_adblock(L, p + s, e - s, (unsigned)s + 1);
	}
	return list_plain(L, p + s, e - s, (unsigned)s + 1);
}

/**
 * Make the feed id from the file name: no directory, no extension.
 * @param L: the state.
 * @return 1 on success, 0 on error (reported).
 */
static int
list_id(struct list_state* L)
{
	const char* file = L->fb->file;
	const char* base = strrchr(file, '/');
	const char* dot;
	size_t n;

	base = base ? base + 1 : file;
	dot = strrchr(base, '.');
	n = (dot && dot != base) ? (size_t)(dot - base) : strlen(base);
	if(!(L->fb->feed->id = sh_fb_id_from(base, n))) {
		sh_fb_report(L->fb, SH_SEV_ERROR, 0, 0, "no feed id can be made "
			"from the file name '%s' (it needs a letter or digit)",
			base);
		return 0;
	}
	return 1;
}

int
sh_read_list(struct sh_fb* fb, const char* data, size_t len)
{
	struct list_state L;
	size_t i = 0, e;
	int ok;

	memset(&L, 0, sizeof(L));
	L.fb = fb;
	fb->merge = 1;
	ok = list_id(&L);
	if(len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while(i < len && !fb->fatal) {
		const char* nl = memchr(data + i, '\n', len - i);
		e = nl ? (size_t)(nl - data) : len;
		L.line++;
		if(!list_line(&L, data + i, (e > i && data[e - 1] == '\r') ?
			e - i - 1 : e - i))
			ok = 0;
		i = e + 1;
	}
	sh_fb_map(fb, 0, 0, "taken: %zu names (%zu plain names with their "
		"subdomains, %zu hosts entries exactly, %zu adblock rules); "
		"skipped: %zu local host records, %zu repeats", fb->feed->num_ind,
		L.plain, L.hosts, L.adblock, L.local, L.plain + L.hosts +
		L.adblock - fb->feed->num_ind);
	return ok && !fb->fatal;
}
