/*
 * feedtest.h - what the unit tests of the feed formats share.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * A diagnostics collector and the checks built on it, for the tests of
 * the feed readers (test_formats, test_sigma, test_stix and the readers
 * that follow): parse a text as a named file, expect it to load or to be
 * refused at a position, look for a note or a mapping note, find an
 * indicator by name.  Included once per test program (static functions).
 */
#ifndef SH_FEEDTEST_H
#define SH_FEEDTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sinkhole.h"
#include "ind_at.h"

/* not every test program uses every helper */
#if defined(__GNUC__)
#define FT_UNUSED __attribute__((unused))
#else
#define FT_UNUSED
#endif

/** "now" for every test: 2023-11-14T22:13:20Z. */
#define FT_NOW ((time_t)1700000000)
/** Most diagnostics kept by the collector. */
#define FT_MAX_DIAGS 256

/** One collected diagnostic. */
struct ft_diag {
	/** severity */
	enum sh_severity sev;
	/** the mapping flag */
	int mapping;
	/** line */
	unsigned line;
	/** column */
	unsigned column;
	/** text */
	char text[512];
};

/** Diagnostics of the current parse. */
static struct ft_diag ft_diags[FT_MAX_DIAGS];
/** Number kept. */
static size_t ft_ndiags;

/**
 * Collect a diagnostic (SH_TEST_VERBOSE=1 prints them).
 * @param arg: unused.
 * @param m: the diagnostic.
 */
static void
ft_collect(void* arg, const struct sh_diag_msg* m)
{
	(void)arg;
	if(getenv("SH_TEST_VERBOSE")) {
		char buf[1024];
		sh_diag_format(m, buf, sizeof(buf));
		fprintf(stderr, "  diag%s: %s\n", m->mapping ? "(map)" : "",
			buf);
	}
	assert_non_null(m->file);
	assert_non_null(m->text);
	if(ft_ndiags >= FT_MAX_DIAGS)
		ft_ndiags = FT_MAX_DIAGS - 1;
	ft_diags[ft_ndiags].sev = m->severity;
	ft_diags[ft_ndiags].mapping = m->mapping;
	ft_diags[ft_ndiags].line = m->line;
	ft_diags[ft_ndiags].column = m->column;
	snprintf(ft_diags[ft_ndiags].text, sizeof(ft_diags[0].text), "%s",
		m->text);
	ft_ndiags++;
}

/**
 * Print what was collected (when a check fails).
 */
static void
ft_dump(void)
{
	size_t i;
	for(i = 0; i < ft_ndiags; i++)
		print_message("have sev %d%s %u:%u %s\n", (int)ft_diags[i].sev,
			ft_diags[i].mapping ? " (map)" : "", ft_diags[i].line,
			ft_diags[i].column, ft_diags[i].text);
}

/**
 * Find a diagnostic.
 * @param sev: severity.
 * @param line: line, or 0 for any.
 * @param column: column, or 0 for any.
 * @param words: text it must contain.
 * @return 1 if found.
 */
static int
ft_has(enum sh_severity sev, unsigned line, unsigned column,
	const char* words)
{
	size_t i;
	for(i = 0; i < ft_ndiags; i++)
		if(ft_diags[i].sev == sev && (!line || ft_diags[i].line == line)
			&& (!column || ft_diags[i].column == column)
			&& strstr(ft_diags[i].text, words))
			return 1;
	return 0;
}

/**
 * Fail unless a diagnostic is there.
 * @param sev: severity.
 * @param line: line, or 0 for any.
 * @param column: column, or 0 for any.
 * @param words: text it must contain.
 */
static void
ft_expect(enum sh_severity sev, unsigned line, unsigned column,
	const char* words)
{
	if(ft_has(sev, line, column, words))
		return;
	ft_dump();
	fail_msg("no diagnostic sev %d at %u:%u with '%s'", (int)sev, line,
		column, words);
}

/**
 * Parse a text as a file.
 * @param file: file name (its extension is a hint).
 * @param text: contents, NUL terminated.
 * @return the feed or NULL.
 */
static struct sh_feed*
ft_parse(const char* file, const char* text)
{
	ft_ndiags = 0;
	return sh_feed_parse(file, text, strlen(text), NULL, FT_NOW,
		ft_collect, NULL);
}

/**
 * Parse a text that must load.
 * @param file: file name.
 * @param text: contents.
 * @param format: the format it must be read as.
 * @return the feed (caller unrefs).
 */
static struct sh_feed*
ft_loads(const char* file, const char* text, const char* format)
{
	struct sh_feed* f = ft_parse(file, text);
	if(!f) {
		ft_dump();
		fail_msg("%s did not load", file);
	}
	assert_string_equal(f->format, format);
	return f;
}

/**
 * Parse a text that must be refused with an error at a position.
 * @param file: file name.
 * @param text: contents.
 * @param line: line of the error.
 * @param column: its column (0 for any).
 * @param words: text of the error.
 */
FT_UNUSED static void
ft_refused(const char* file, const char* text, unsigned line,
	unsigned column, const char* words)
{
	struct sh_feed* f = ft_parse(file, text);
	if(f) {
		ft_dump();
		sh_feed_unref(f);
		fail_msg("%s loaded but should be refused", file);
	}
	ft_expect(SH_SEV_ERROR, line, column, words);
}

/** Views ft_find keeps alive at once. */
#define FT_FIND_BUFS 32

/**
 * Find an indicator by presentation name and kind.
 * @param f: the feed.
 * @param name: the name, no trailing dot.
 * @param flags: SH_IND_EXACT and SH_IND_ALLOW it must have exactly.
 * @return a copy of the indicator's view, valid for FT_FIND_BUFS more
 *	calls, or NULL.
 */
static const struct sh_indicator*
ft_find(const struct sh_feed* f, const char* name, unsigned flags)
{
	static struct sh_indicator found[FT_FIND_BUFS];
	static unsigned next;
	char text[SH_NAME_TEXT_MAX];
	struct sh_feed_iter it;
	struct sh_indicator ind;
	sh_feed_iter_init(&it, f);
	while(sh_feed_iter_next(&it, &ind)) {
		sh_name_to_text(ind.name, text, sizeof(text));
		if(strcmp(text, name) == 0 && (ind.flags
			& (SH_IND_EXACT | SH_IND_ALLOW)) == flags) {
			struct sh_indicator* r = &found[next++ % FT_FIND_BUFS];
			*r = ind;
			return r;
		}
	}
	return NULL;
}

/**
 * Fail unless an indicator is there.
 * @param f: the feed.
 * @param name: the name.
 * @param flags: its flags.
 * @return the indicator.
 */
FT_UNUSED static const struct sh_indicator*
ft_need(const struct sh_feed* f, const char* name, unsigned flags)
{
	const struct sh_indicator* ind = ft_find(f, name, flags);
	if(!ind) {
		size_t i;
		char text[SH_NAME_TEXT_MAX];
		for(i = 0; i < f->num_ind; i++) {
			sh_name_to_text(ind_at(f, i)->name, text, sizeof(text));
			print_message("ind %s flags %u\n", text,
				ind_at(f, i)->flags);
		}
		fail_msg("no indicator %s with flags %u", name, flags);
	}
	return ind;
}

#endif /* SH_FEEDTEST_H */
