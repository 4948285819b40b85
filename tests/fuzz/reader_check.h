/*
 * reader_check.h - what the fuzz targets of the feed readers check alike.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Shared by fuzz_list.c and fuzz_rpz.c (static functions, included once
 * per target): run one reader of lib/formats on the input through the
 * feed builder, as sh_feed_parse does for a detected format, and check
 * the properties every reader promises:
 *  - a feed comes back exactly when no error was reported (a reader
 *    never refuses silently), and every diagnostic is well formed, with
 *    a line inside the input;
 *  - a loaded feed is sane: a valid id, canonical names of two or more
 *    labels, flags and actions that agree, own addresses only on
 *    sinkhole indicators, positions inside the input, and a Unicode
 *    form that converts back to the name;
 *  - reading the same input twice gives the same indicators.
 * A violated property prints a message and calls abort().
 */
#ifndef SH_READER_CHECK_H
#define SH_READER_CHECK_H

#include "formats/formats.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** The time the feeds are loaded at: 2023-11-14. */
#define RC_NOW ((time_t)1700000000)

/** What the diagnostics callback saw. */
struct rc_diags {
	/** errors reported */
	size_t errors;
	/** lines in the input, for the positions */
	unsigned lines;
	/** the file name given to the reader */
	const char* file;
};

/**
 * Report a broken property and abort.
 * @param what: the property.
 */
static void
rc_fail(const char* what)
{
	fprintf(stderr, "fuzz reader: property violated: %s\n", what);
	abort();
}

/**
 * Diagnostics callback: counts errors and checks each message.
 * @param arg: the struct rc_diags.
 * @param m: the diagnostic.
 */
static void
rc_diag(void* arg, const struct sh_diag_msg* m)
{
	struct rc_diags* d = arg;
	if(!m->file || !m->text || m->text[0] == 0)
		rc_fail("a diagnostic without file or text");
	if(strcmp(m->file, d->file) != 0)
		rc_fail("a diagnostic names another file");
	if(m->line > d->lines + 1 || (m->line == 0 && m->column != 0))
		rc_fail("a diagnostic position outside the input");
	if(m->severity == SH_SEV_ERROR)
		d->errors++;
	else if(m->severity != SH_SEV_WARNING && m->severity != SH_SEV_NOTE)
		rc_fail("a diagnostic of no known severity");
}

/**
 * Count the lines of the input (the last one need not end in '\n').
 * @param data: the input.
 * @param size: its length.
 * @return the number of lines.
 */
static unsigned
rc_lines(const uint8_t* data, size_t size)
{
	unsigned n = 1;
	size_t i;
	for(i = 0; i < size; i++)
		if(data[i] == '\n')
			n++;
	return n;
}

/**
 * Run a reader through the builder.
 * @param reader: the reader.
 * @param format: its format.
 * @param file: the file name.
 * @param data: the input.
 * @param size: its length.
 * @return the feed (caller unrefs) or NULL; aborts when a feed and the
 *	errors disagree.
 */
static struct sh_feed*
rc_run(sh_format_reader reader, enum sh_format format, const char* file,
	const uint8_t* data, size_t size)
{
	struct rc_diags d;
	struct sh_fb fb;
	struct sh_feed* f;
	int ok;

	memset(&d, 0, sizeof(d));
	d.file = file;
	d.lines = rc_lines(data, size);
	if(!sh_fb_init(&fb, file, NULL, RC_NOW, format, rc_diag, &d))
		return NULL;
	ok = reader(&fb, (const char*)data, size);
	f = sh_fb_finish(&fb, (const char*)data, size, ok);
	if((f != NULL) != (d.errors == 0))
		rc_fail(f ? "a feed came back with errors reported" :
			"the file was refused without an error");
	return f;
}

/**
 * Check one indicator.
 * @param f: its feed.
 * @param ind: the indicator.
 * @param lines: lines of the input.
 */
static void
rc_check_ind(const struct sh_feed* f, const struct sh_indicator* ind,
	unsigned lines)
{
	uint8_t canon[SH_NAME_MAX];
	struct sh_feed_name fn;
	int allow = (ind->flags & SH_IND_ALLOW) != 0;
	(void)f;
	if(sh_name_canon(ind->name, ind->namelen, canon) != ind->namelen
		|| memcmp(canon, ind->name, ind->namelen) != 0)
		rc_fail("an indicator name is not canonical wire");
	if(sh_name_labels(ind->name) < 2)
		rc_fail("the root or a TLD became an indicator");
	if((ind->flags & ~(unsigned)(SH_IND_EXACT | SH_IND_ALLOW)) != 0)
		rc_fail("unknown indicator flags");
	if(allow != (ind->action == SH_ACTION_ALLOW))
		rc_fail("allow flag and action disagree");
	if((int)ind->action < SH_ACTION_INHERIT || ind->action >
		SH_ACTION_ALLOW)
		rc_fail("an action out of range");
	if(ind->addr && ind->action != SH_ACTION_SINKHOLE)
		rc_fail("own addresses on an indicator that is no sinkhole");
	if(ind->line < 1 || ind->line > lines || ind->column < 1)
		rc_fail("an indicator position outside the input");
	if(ind->unicode) {
		if(!sh_name_from_feed(ind->unicode, &fn) || fn.len !=
			ind->namelen || memcmp(fn.wire, ind->name, fn.len))
			rc_fail("the Unicode form is not the name");
		free(fn.unicode);
	}
}

/**
 * Check a loaded feed, and that a second read gives the same.
 * @param f: the feed.
 * @param again: the feed of a second read of the same input.
 * @param lines: lines of the input.
 */
static void
rc_check_feed(const struct sh_feed* f, const struct sh_feed* again,
	unsigned lines)
{
	size_t i;
	if(!f->id || !sh_fb_id_valid(f->id))
		rc_fail("a feed without a valid id");
	if(!again || again->num_ind != f->num_ind || strcmp(again->id, f->id))
		rc_fail("a second read differs");
	for(i = 0; i < f->num_ind; i++) {
		rc_check_ind(f, &f->ind[i], lines);
		if(again->ind[i].namelen != f->ind[i].namelen || memcmp(
			again->ind[i].name, f->ind[i].name, f->ind[i].namelen)
			|| again->ind[i].flags != f->ind[i].flags ||
			again->ind[i].action != f->ind[i].action)
			rc_fail("a second read gives other indicators");
	}
}

#endif /* SH_READER_CHECK_H */
