/*
 * test_stream.c - unit tests of the streamed load of native feeds.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * cmocka tests of sh_feed_load's streaming of native feeds (lib/feed.c,
 * sh_yaml_open_reader in lib/yamlread.c): every file is loaded with
 * sh_feed_load and parsed from memory with sh_feed_parse, and the two
 * must give the same feed (entries, metadata, positions, sha256) and the
 * same diagnostics, in the same order.  Covered: a feed of many
 * windows, multibyte characters and CRLF line ends cut by the end of the
 * first 64 KiB window, bad bytes after the first window (at the right
 * line:column), a file over max_file_bytes, an empty file, files of
 * other formats (read whole), and failures of the source: a read error,
 * a file cut short or grown while it is read.  sh_feed_stream is also
 * run from memory with tiny windows and short reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "sinkhole.h"
#include "formats/formats.h"
#include "feedsame.h"

/** "now" for every test: 2023-11-14T22:13:20Z. */
#define NOW ((time_t)1700000000)
/** The window sh_feed_load reads first (SH_DETECT_WINDOW). */
#define WIN 65536

/** One collected diagnostic. */
struct sd_diag {
	/** severity */
	enum sh_severity sev;
	/** mapping flag */
	int mapping;
	/** line */
	unsigned line;
	/** column */
	unsigned column;
	/** file name */
	char file[256];
	/** text */
	char text[512];
};

/** The diagnostics of one load. */
struct sd_list {
	/** the diagnostics (malloced) */
	struct sd_diag* v;
	/** their number */
	size_t n;
	/** room in v */
	size_t cap;
	/** if not NULL, called at the first diagnostic (then cleared) */
	void (*hook)(void);
};

/**
 * Collect a diagnostic into a struct sd_list.
 * @param arg: the list.
 * @param m: the diagnostic.
 */
static void
sd_collect(void* arg, const struct sh_diag_msg* m)
{
	struct sd_list* l = arg;
	struct sd_diag* d;

	if(getenv("SH_TEST_VERBOSE")) {
		char buf[1024];
		sh_diag_format(m, buf, sizeof(buf));
		fprintf(stderr, "  diag: %s\n", buf);
	}
	if(l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	d = &l->v[l->n++];
	d->sev = m->severity;
	d->mapping = m->mapping;
	d->line = m->line;
	d->column = m->column;
	snprintf(d->file, sizeof(d->file), "%s", m->file);
	snprintf(d->text, sizeof(d->text), "%s", m->text);
	if(l->hook) {
		void (*h)(void) = l->hook;
		l->hook = NULL;
		h();
	}
}

/**
 * Free a list's diagnostics.
 * @param l: the list; emptied.
 */
static void
sd_free(struct sd_list* l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/**
 * Print a list (when a check fails).
 * @param what: its name.
 * @param l: the list.
 */
static void
sd_dump(const char* what, const struct sd_list* l)
{
	size_t i;

	for(i = 0; i < l->n; i++)
		print_message("%s: sev %d%s %u:%u %s\n", what, (int)l->v[i].sev,
			l->v[i].mapping ? " (map)" : "", l->v[i].line,
			l->v[i].column, l->v[i].text);
}

/**
 * Assert that two lists hold the same diagnostics in the same order.
 * @param a: one.
 * @param b: the other.
 */
static void
sd_same(const struct sd_list* a, const struct sd_list* b)
{
	size_t i;

	for(i = 0; i < a->n && i < b->n; i++)
		if(a->v[i].sev != b->v[i].sev || a->v[i].mapping !=
			b->v[i].mapping || a->v[i].line != b->v[i].line ||
			a->v[i].column != b->v[i].column ||
			strcmp(a->v[i].file, b->v[i].file) != 0 ||
			strcmp(a->v[i].text, b->v[i].text) != 0)
			break;
	if(i == a->n && i == b->n)
		return;
	sd_dump("load", a);
	sd_dump("parse", b);
	fail_msg("diagnostics differ at %zu", i);
}

/**
 * Whether a list has a diagnostic.
 * @param l: the list.
 * @param sev: severity.
 * @param line: line.
 * @param column: column.
 * @param words: text it must contain.
 * @return 1 if found.
 */
static int
sd_has(const struct sd_list* l, enum sh_severity sev, unsigned line,
	unsigned column, const char* words)
{
	size_t i;

	for(i = 0; i < l->n; i++)
		if(l->v[i].sev == sev && l->v[i].line == line &&
			l->v[i].column == column &&
			strstr(l->v[i].text, words))
			return 1;
	return 0;
}

/**
 * Fail unless a list has a diagnostic.
 * @param l: the list.
 * @param sev: severity.
 * @param line: line.
 * @param column: column.
 * @param words: text it must contain.
 */
static void
sd_expect(const struct sd_list* l, enum sh_severity sev, unsigned line,
	unsigned column, const char* words)
{
	if(sd_has(l, sev, line, column, words))
		return;
	sd_dump("have", l);
	fail_msg("no diagnostic sev %d at %u:%u with '%s'", (int)sev, line,
		column, words);
}

/** A growing text. */
struct sb {
	/** the text, NUL terminated (malloced) */
	char* p;
	/** its length */
	size_t n;
	/** room */
	size_t cap;
};

/**
 * Append bytes to a text.
 * @param b: the text.
 * @param s: the bytes.
 * @param n: their number.
 */
static void
sb_put(struct sb* b, const char* s, size_t n)
{
	if(b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

/**
 * Append formatted text.
 * @param b: the text.
 * @param fmt: printf format.
 */
static void sb_add(struct sb* b, const char* fmt, ...) SH_PRINTF(2, 3);

static void
sb_add(struct sb* b, const char* fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(buf));
	sb_put(b, buf, (size_t)n);
}

/**
 * Append "  - hN.example.net" lines (with eol) until the text is at
 * least a length.
 * @param b: the text.
 * @param upto: the length to reach (or pass by less than a line).
 * @param eol: the line end.
 */
static void
sb_fill(struct sb* b, size_t upto, const char* eol)
{
	static size_t seq;

	while(b->n < upto)
		sb_add(b, "  - f%zu.example.net%s", seq++, eol);
}

/** Directory the test files are written to. */
static char tdir[64];

/**
 * Write a file of the test directory.
 * @param name: its name.
 * @param data: contents.
 * @param len: their length.
 * @param path: set to its path, 512 bytes.
 */
static void
write_bytes(const char* name, const char* data, size_t len, char* path)
{
	FILE* fp;

	snprintf(path, 512, "%s/%s", tdir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/**
 * Assert that two feeds are the same: both NULL, or the same entries
 * with the same positions, metadata, format and sha256.
 * @param a: one (loaded).
 * @param b: the other (parsed).
 * @param data: the file's bytes, for its SHA-256.
 * @param len: their number.
 */
static void
feeds_same(const struct sh_feed* a, const struct sh_feed* b,
	const char* data, size_t len)
{
	struct sh_feed_iter ia, ib;
	struct sh_indicator xa, xb;
	const char* why = NULL;
	char hex[65];
	size_t i;

	if(!a || !b) {
		assert_null(a);
		assert_null(b);
		return;
	}
	/* not fs_feed: it expects a converted feed's order (block entries
	 * first) and walks with ind_at, quadratic on two big feeds */
	(void)fs_feed;
	assert_int_equal(a->num_ind, b->num_ind);
	assert_int_equal(a->num_expired, b->num_expired);
	assert_string_equal(a->format, b->format);
	assert_string_equal(a->path, b->path);
	assert_true(fs_str(a->id, b->id) && fs_str(a->description,
		b->description) && fs_str(a->version, b->version) &&
		fs_strv(a->references, b->references) && a->default_action ==
		b->default_action && a->default_confidence ==
		b->default_confidence);
	sh_feed_iter_init(&ia, a);
	sh_feed_iter_init(&ib, b);
	for(i = 0; i < a->num_ind; i++) {
		assert_true(sh_feed_iter_next(&ia, &xa));
		assert_true(sh_feed_iter_next(&ib, &xb));
		if(!fs_ind(&xa, &xb, &why))
			fail_msg("entry %zu differs: %s", i, why);
		assert_int_equal(xa.line, xb.line);
		assert_int_equal(xa.column, xb.column);
	}
	sh_sha256_hex(data, len, hex);
	assert_string_equal(a->sha256, hex);
	assert_string_equal(b->sha256, hex);
}

/** A source reading from memory, for sh_feed_stream. */
struct msrc {
	/** the text */
	const char* p;
	/** its length */
	size_t len;
	/** bytes given */
	size_t pos;
	/** most bytes given per call (short reads), 0 for any */
	size_t step;
	/** fail once this many bytes were given */
	size_t fail_at;
};

/**
 * The source: short reads of msrc.
 * @param rarg: the struct msrc.
 * @param buf: destination.
 * @param size: room.
 * @param got: bytes given.
 * @param why: reason of a failure.
 * @param whylen: its size.
 * @return 1, or 0 at fail_at.
 */
static int
msrc_read(void* rarg, char* buf, size_t size, size_t* got, char* why,
	size_t whylen)
{
	struct msrc* m = rarg;
	size_t n = m->len - m->pos;

	if(m->pos >= m->fail_at) {
		snprintf(why, whylen, "read failed: test failure");
		return 0;
	}
	if(m->step && n > m->step)
		n = m->step;
	if(n > size)
		n = size;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	*got = n;
	return 1;
}

/**
 * Load bytes as a file with sh_feed_load and parse them with
 * sh_feed_parse; assert both give the same feed and diagnostics.  A
 * native feed is also streamed from memory (sh_feed_stream) with a tiny
 * window and short reads, and must give the same again.
 * @param name: file name (extension as a hint).
 * @param data: the bytes.
 * @param len: their number.
 * @param lim: limits, or NULL.
 * @param dl: if not NULL, set to the load's diagnostics (caller frees).
 * @return the loaded feed (caller unrefs), or NULL.
 */
static struct sh_feed*
load_same(const char* name, const char* data, size_t len,
	const struct sh_limits* lim, struct sd_list* dl)
{
	struct sd_list la, lb, lc;
	struct sh_feed* a;
	struct sh_feed* b;
	struct sh_feed* c;
	struct msrc m;
	char path[512];

	memset(&la, 0, sizeof(la));
	memset(&lb, 0, sizeof(lb));
	memset(&lc, 0, sizeof(lc));
	write_bytes(name, data, len, path);
	a = sh_feed_load(path, lim, NOW, sd_collect, &la);
	b = sh_feed_parse(path, data, len, lim, NOW, sd_collect, &lb);
	feeds_same(a, b, data, len);
	sd_same(&la, &lb);
	if(sh_format_detect(path, data, len) == SH_FORMAT_NATIVE &&
		(!lim || len <= lim->max_file_bytes)) {
		/* tiny windows and short reads: ends fall everywhere */
		memset(&m, 0, sizeof(m));
		m.p = data;
		m.len = len;
		m.step = 7;
		m.fail_at = (size_t)-1;
		c = sh_feed_stream(path, NULL, msrc_read, &m, 16, lim, NOW,
			sd_collect, &lc);
		feeds_same(c, b, data, len);
		sd_same(&lc, &lb);
		sh_feed_unref(c);
	}
	sh_feed_unref(b);
	unlink(path);
	if(dl)
		*dl = la;
	else	sd_free(&la);
	sd_free(&lb);
	sd_free(&lc);
	return a;
}

/** A big feed of many windows: every form of entry, Unicode text,
 * expired entries (a note each), the same feed and notes both ways. */
static void
test_big(void** state)
{
	struct sb b;
	struct sh_feed* f;
	struct sd_list dl;
	size_t i;

	(void)state;
	memset(&b, 0, sizeof(b));
	sb_add(&b, "feed:\n  id: big\n  description: \"caf\xc3\xa9 "
		"\xe2\x98\x95 \xf0\x9d\x84\x9e\"\n  references: "
		"[https://example.org/a]\n  defaults: {action: nxdomain}\n"
		"indicators:\n");
	for(i = 0; i < 30000; i++) {
		switch(i % 5) {
		case 0:
			sb_add(&b, "  - h%zu.example.net\n", i);
			break;
		case 1:
			sb_add(&b, "  - domain: h%zu.example.org\n    comment: "
				"\"\xc3\xa9t\xc3\xa9 \xe2\x82\xac%zu "
				"\xf0\x9f\x98\x80\"\n    tags: [a, \"b\xc3\xbc\"]\n",
				i, i);
			break;
		case 2:
			sb_add(&b, "  - domain: b\xc3\xbc" "cher%zu.example\n"
				"    exact: true\n    confidence: 70\n", i);
			break;
		case 3:
			sb_add(&b, "  - domain: old%zu.example.com\n"
				"    expires: 2020-01-01\n", i);
			break;
		default:
			sb_add(&b, "  - {domain: \"x%zu.example.com\", action: "
				"refuse}\n", i);
			break;
		}
	}
	sb_add(&b, "allow:\n  - ok.example.net\n");
	assert_true(b.n > 20 * WIN);
	f = load_same("big.yaml", b.p, b.n, NULL, &dl);
	assert_non_null(f);
	assert_int_equal(f->num_ind, 24001);
	assert_int_equal(f->num_expired, 6000);
	assert_true(dl.n >= 6000);
	sh_feed_unref(f);
	sd_free(&dl);
	free(b.p);
}

/**
 * Find an entry by name.
 * @param f: the feed.
 * @param wire: the name, wire format.
 * @param len: its length.
 * @return its index; fails if not there.
 */
static size_t
find_ind(const struct sh_feed* f, const char* wire, size_t len)
{
	size_t i;

	for(i = 0; i < f->num_ind; i++)
		if(ind_at(f, i)->namelen == len && memcmp(ind_at(f, i)->name,
			wire, len) == 0)
			return i;
	fail_msg("entry not found");
	return 0;
}

/**
 * Count the lines of a text that ends with a line end.
 * @param b: the text.
 * @return the number of line feeds.
 */
static unsigned
lines_of(const struct sb* b)
{
	size_t i;
	unsigned n = 0;

	for(i = 0; i < b->n; i++)
		n += b->p[i] == '\n';
	return n;
}

/**
 * A feed with a comment placed so that a character of k bytes starts
 * cut bytes before offset WIN; the entry after it must load with its
 * right line.
 * @param chr: the character's bytes.
 * @param k: their number.
 * @param cut: bytes of it before WIN, 1..k-1.
 */
static void
straddle(const char* chr, size_t k, size_t cut)
{
	struct sb b;
	struct sh_feed* f;
	unsigned line;

	memset(&b, 0, sizeof(b));
	sb_add(&b, "feed: {id: cut}\nindicators:\n");
	sb_fill(&b, WIN - 300, "\n");
	sb_add(&b, "  - domain: cut.example\n    comment: \"");
	while(b.n < WIN - cut)
		sb_put(&b, "a", 1);
	sb_put(&b, chr, k);
	assert_int_equal(memcmp(b.p + WIN - cut, chr, k), 0);
	sb_add(&b, "z\"\n  - after.example\n");
	line = lines_of(&b);
	sb_fill(&b, 3 * WIN, "\n");
	f = load_same("cut.yaml", b.p, b.n, NULL, NULL);
	assert_non_null(f);
	assert_int_equal(ind_at(f, find_ind(f, "\005after\007example",
		15))->line, line);
	sh_feed_unref(f);
	free(b.p);
}

/** Multibyte characters cut by the end of the first window. */
static void
test_utf8_boundary(void** state)
{
	size_t cut;

	(void)state;
	straddle("\xc3\xa9", 2, 1);
	for(cut = 1; cut < 3; cut++)
		straddle("\xe2\x82\xac", 3, cut);
	for(cut = 1; cut < 4; cut++)
		straddle("\xf0\x9f\x98\x80", 4, cut);
}

/** CRLF line ends, one cut by the end of the first window: the lines
 * after it are counted right. */
static void
test_crlf_boundary(void** state)
{
	struct sb b;
	struct sh_feed* f;
	const struct sh_indicator* ind;
	unsigned line;

	(void)state;
	memset(&b, 0, sizeof(b));
	sb_add(&b, "feed: {id: crlf}\r\nindicators:\r\n");
	sb_fill(&b, WIN - 200, "\r\n");
	sb_add(&b, "  # ");
	while(b.n < WIN - 1)
		sb_put(&b, "c", 1);
	sb_add(&b, "\r\n  - after.example\r\n");
	assert_int_equal(b.p[WIN - 1], '\r');
	assert_int_equal(b.p[WIN], '\n');
	line = lines_of(&b);
	sb_fill(&b, 3 * WIN, "\r\n");
	f = load_same("crlf.yaml", b.p, b.n, NULL, NULL);
	assert_non_null(f);
	ind = ind_at(f, find_ind(f, "\005after\007example", 15));
	assert_int_equal(ind->line, line);
	assert_int_equal(ind->column, 5);
	sh_feed_unref(f);
	free(b.p);
}

/**
 * A valid feed of three windows with bad bytes put at an offset; the
 * load is refused with one error at the line:column of the offset, as
 * the parse.
 * @param off: where the bytes go (inside a comment line).
 * @param bad: the bytes.
 * @param k: their number.
 * @param at_end: 1 to end the file right after them.
 * @param words: text of the error.
 */
static void
bad_at(size_t off, const char* bad, size_t k, int at_end, const char* words)
{
	struct sb b;
	struct sd_list dl;
	size_t i, line = 1, col = 1;

	memset(&b, 0, sizeof(b));
	sb_add(&b, "feed: {id: bad}\nindicators:\n");
	sb_fill(&b, off - 200, "\n");
	sb_add(&b, "  # ");
	while(b.n < off)
		sb_put(&b, "c", 1);
	for(i = 0; i < off; i++) {
		if(b.p[i] == '\n') {
			line++;
			col = 1;
		} else	col++;
	}
	sb_put(&b, bad, k);
	if(!at_end) {
		sb_add(&b, "c\n");
		sb_fill(&b, off + 2 * WIN, "\n");
	}
	assert_null(load_same("bad.yaml", b.p, b.n, NULL, &dl));
	assert_int_equal(dl.n, 1);
	sd_expect(&dl, SH_SEV_ERROR, (unsigned)line, (unsigned)col, words);
	sd_free(&dl);
	free(b.p);
}

/** Invalid UTF-8 and control characters after the first window, at
 * its end, and at the end of the file. */
static void
test_bad_late(void** state)
{
	(void)state;
	bad_at(100000, "\xff", 1, 0, "not valid UTF-8: bad byte 0xff");
	/* a lead byte cut by the window's end, the rest invalid */
	bad_at(WIN - 1, "\xe2(", 2, 0, "not valid UTF-8: bad byte 0xe2");
	bad_at(WIN - 2, "\xf0\x9f(", 3, 0, "bad byte 0xf0");
	/* a sequence cut by the end of the file */
	bad_at(100000, "\xc3", 1, 1, "bad byte 0xc3");
	bad_at(WIN - 1, "\xe2\x82", 2, 1, "bad byte 0xe2");
	bad_at(150000, "\x01", 1, 0, "control character 0x01");
	bad_at(WIN, "\x7f", 1, 0, "control character 0x7f");
	/* a character libyaml refuses (U+0080): its own reader error */
	bad_at(140000, "\xc2\x80", 2, 0, "invalid input");
}

/** A file over max_file_bytes: refused before it is read. */
static void
test_too_big(void** state)
{
	struct sh_limits lim;
	struct sb b;
	struct sd_list dl;
	struct sh_feed* f;

	(void)state;
	memset(&b, 0, sizeof(b));
	sb_add(&b, "feed: {id: big}\nindicators:\n");
	sb_fill(&b, 150000, "\n");
	sh_limits_default(&lim);
	lim.max_file_bytes = 100000;
	assert_null(load_same("big.yaml", b.p, b.n, &lim, &dl));
	assert_int_equal(dl.n, 1);
	sd_expect(&dl, SH_SEV_ERROR, 0, 0, "larger than the limit of 100000 "
		"bytes (max_file_bytes)");
	sd_free(&dl);
	/* just under the limit: loads */
	lim.max_file_bytes = b.n;
	f = load_same("big.yaml", b.p, b.n, &lim, NULL);
	assert_non_null(f);
	sh_feed_unref(f);
	free(b.p);
}

/** The limit enforced as the bytes arrive, when no size is known. */
static void
test_too_big_stream(void** state)
{
	struct sh_limits lim;
	struct sb b;
	struct sd_list dl;
	struct msrc m;
	struct sh_feed* f;

	(void)state;
	memset(&b, 0, sizeof(b));
	memset(&dl, 0, sizeof(dl));
	sb_add(&b, "feed: {id: big}\nindicators:\n");
	sb_fill(&b, 150000, "\n");
	sh_limits_default(&lim);
	lim.max_file_bytes = 100000;
	memset(&m, 0, sizeof(m));
	m.p = b.p;
	m.len = b.n;
	m.fail_at = (size_t)-1;
	assert_null(sh_feed_stream("s.yaml", NULL, msrc_read, &m, 0, &lim,
		NOW, sd_collect, &dl));
	sd_expect(&dl, SH_SEV_ERROR, 0, 0, "larger than the limit of 100000 "
		"bytes (max_file_bytes)");
	/* no more than one byte over the limit was read */
	assert_int_equal(m.pos, 100001);
	sd_free(&dl);
	/* exactly at the limit: loads */
	lim.max_file_bytes = b.n;
	m.pos = 0;
	f = sh_feed_stream("s.yaml", NULL, msrc_read, &m, 0, &lim, NOW, NULL,
		NULL);
	assert_non_null(f);
	sh_feed_unref(f);
	free(b.p);
}

/** Empty files: native by name (streamed) and not (read whole). */
static void
test_empty(void** state)
{
	struct sd_list dl;

	(void)state;
	assert_null(load_same("e.yaml", "", 0, NULL, &dl));
	sd_expect(&dl, SH_SEV_ERROR, 0, 0, "empty");
	sd_free(&dl);
	sh_feed_unref(load_same("e.txt", "", 0, NULL, NULL));
	sh_feed_unref(load_same("e", "", 0, NULL, NULL));
	assert_null(load_same("c.yaml", "# only a comment\n", 17, NULL,
		NULL));
}

/** Files of other formats are read whole; a native feed written as
 * JSON is streamed. */
static void
test_other_formats(void** state)
{
	struct sb b;
	struct sh_feed* f;
	size_t i;

	(void)state;
	memset(&b, 0, sizeof(b));
	sb_add(&b, "# a list of names\n");
	for(i = 0; b.n < 3 * WIN; i++)
		sb_add(&b, "l%zu.example.com\n", i);
	f = load_same("names.txt", b.p, b.n, NULL, NULL);
	assert_non_null(f);
	assert_string_equal(f->format, "list");
	assert_int_equal(f->num_ind, i);
	sh_feed_unref(f);
	/* exactly one window, and one byte more */
	b.n = 0;
	sb_add(&b, "# a list\n");
	while(b.n < WIN - 20)
		sb_add(&b, "m%zu.example.com\n", b.n);
	while(b.n < WIN - 1)
		sb_put(&b, "#", 1);
	sb_put(&b, "\n", 1);
	assert_int_equal(b.n, WIN);
	f = load_same("w.list", b.p, b.n, NULL, NULL);
	assert_non_null(f);
	sh_feed_unref(f);
	sb_put(&b, "\n", 1);
	f = load_same("w.list", b.p, b.n, NULL, NULL);
	assert_non_null(f);
	sh_feed_unref(f);
	f = load_same("j", "{\"feed\": {\"id\": \"j\"}, \"indicators\": "
		"[\"a.example\"]}", 50, NULL, NULL);
	assert_non_null(f);
	assert_string_equal(f->format, "native");
	sh_feed_unref(f);
	free(b.p);
}

/** A failing source: the feed is refused with the reason. */
static void
test_read_error(void** state)
{
	struct sb b;
	struct sd_list dl;
	struct msrc m;

	(void)state;
	memset(&b, 0, sizeof(b));
	memset(&dl, 0, sizeof(dl));
	sb_add(&b, "feed: {id: rd}\nindicators:\n");
	sb_fill(&b, 3 * WIN, "\n");
	memset(&m, 0, sizeof(m));
	m.p = b.p;
	m.len = b.n;
	m.fail_at = WIN + 5000;
	assert_null(sh_feed_stream("rd.yaml", NULL, msrc_read, &m, 0, NULL,
		NOW, sd_collect, &dl));
	sd_expect(&dl, SH_SEV_ERROR, 0, 0, "read failed: test failure");
	assert_int_equal(dl.n, 1);
	sd_free(&dl);
	/* before anything was read */
	m.pos = 0;
	m.fail_at = 0;
	assert_null(sh_feed_stream("rd.yaml", NULL, msrc_read, &m, 0, NULL,
		NOW, sd_collect, &dl));
	assert_int_equal(dl.n, 1);
	sd_expect(&dl, SH_SEV_ERROR, 0, 0, "read failed: test failure");
	sd_free(&dl);
	free(b.p);
}

/** The file changed by the diagnostics hook: its path. */
static char change_path[512];
/** 1 to cut the file short in the hook, 0 to make it grow. */
static int change_cut;

/**
 * Change the file being loaded, from inside the load.
 */
static void
change_file(void)
{
	FILE* fp;

	if(change_cut) {
		assert_int_equal(truncate(change_path, 1000), 0);
		return;
	}
	fp = fopen(change_path, "ab");
	assert_non_null(fp);
	fputs("  - grown.example\n", fp);
	fclose(fp);
}

/** A file cut short or grown while it is read is refused. */
static void
test_changed(void** state)
{
	struct sb b;
	struct sd_list dl;
	int k;

	(void)state;
	memset(&b, 0, sizeof(b));
	/* the expired entry gives a note while the first window is
	 * parsed: the hook changes the file then */
	sb_add(&b, "feed: {id: ch}\nindicators:\n  - domain: old.example\n"
		"    expires: 2020-01-01\n");
	sb_fill(&b, 4 * WIN, "\n");
	for(k = 0; k < 2; k++) {
		memset(&dl, 0, sizeof(dl));
		write_bytes("ch.yaml", b.p, b.n, change_path);
		change_cut = k == 0;
		dl.hook = change_file;
		assert_null(sh_feed_load(change_path, NULL, NOW, sd_collect,
			&dl));
		sd_expect(&dl, SH_SEV_ERROR, 0, 0, k == 0 ? "file was cut "
			"short while it was read" : "file grew while it was "
			"read");
		sd_free(&dl);
		unlink(change_path);
	}
	free(b.p);
}

/** The one difference from a parse from memory: a bad byte after the
 * first window is reported after the errors before it (the parse
 * checks the whole text first and reports it alone).  Refused both
 * ways. */
static void
test_late_error_order(void** state)
{
	struct sb b;
	struct sd_list la, lb;
	char path[512];

	(void)state;
	memset(&b, 0, sizeof(b));
	memset(&la, 0, sizeof(la));
	memset(&lb, 0, sizeof(lb));
	sb_add(&b, "feed: {id: late}\nindicators:\n  - com\n");
	sb_fill(&b, 2 * WIN, "\n");
	sb_add(&b, "  - \"x\xff.example\"\n");
	write_bytes("late.yaml", b.p, b.n, path);
	assert_null(sh_feed_load(path, NULL, NOW, sd_collect, &la));
	assert_null(sh_feed_parse(path, b.p, b.n, NULL, NOW, sd_collect,
		&lb));
	assert_int_equal(lb.n, 1);
	assert_int_equal(la.n, 2);
	sd_expect(&la, SH_SEV_ERROR, 3, 5, "top-level");
	assert_int_equal(la.v[1].line, lb.v[0].line);
	assert_int_equal(la.v[1].column, lb.v[0].column);
	assert_string_equal(la.v[1].text, lb.v[0].text);
	unlink(path);
	sd_free(&la);
	sd_free(&lb);
	free(b.p);
}

/**
 * Make the test directory.
 * @param state: unused.
 * @return 0.
 */
static int
setup(void** state)
{
	(void)state;
	snprintf(tdir, sizeof(tdir), "/tmp/sh_streamXXXXXX");
	assert_non_null(mkdtemp(tdir));
	return 0;
}

/**
 * Remove the test directory.
 * @param state: unused.
 * @return 0.
 */
static int
teardown(void** state)
{
	(void)state;
	rmdir(tdir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_utf8_boundary),
		cmocka_unit_test(test_crlf_boundary),
		cmocka_unit_test(test_bad_late),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_too_big_stream),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_other_formats),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_changed),
		cmocka_unit_test(test_late_error_order),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
