/*
 * fuzz_reader.h - what the fuzz targets of the feed format readers share.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Runs one reader of lib/formats/ on arbitrary bytes through the feed
 * builder, as sh_feed_parse does but without the format detection (so
 * that every input reaches that reader), and checks:
 *  - every diagnostic is well formed, names the file, has a line inside
 *    the input, and mapping notes are notes;
 *  - a feed comes back exactly when no error was reported;
 *  - a loaded feed is sane: a valid id, canonical names of two or more
 *    labels, consistent flags and actions, confidences in range, no
 *    expired indicator, sources that belong to the feed, own addresses
 *    only on sinkhole indicators, positions inside the input, a Unicode
 *    form that converts back to the indicator's name;
 *  - the model-based check of convert: the feed written as native YAML
 *    (sh_feed_to_yaml) loads again as the same feed (feedsame.h);
 *  - what the target checks about its own format (fr_run_with).
 * Everything is freed; LeakSanitizer reports leaks as failures.
 */
#ifndef SH_FUZZ_READER_H
#define SH_FUZZ_READER_H

#include "formats/formats.h"
#include "../unit/feedsame.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** The time feeds are loaded at: 2023-11-14, for expiry. */
#define FR_NOW ((time_t)1700000000)
/** The file name given to the reader. */
#define FR_FILE "fuzz-input"

/** What the diagnostics callback saw. */
struct fr_count {
	/** errors reported */
	size_t errors;
	/** the file name diagnostics must carry */
	const char* file;
	/** lines of the input (0: not checked) */
	unsigned lines;
};

/**
 * A target's own checks of a loaded feed.
 * @param f: the feed.
 * @param data: the input.
 * @param size: its length.
 */
typedef void (*fr_extra_fn)(const struct sh_feed* f, const uint8_t* data,
	size_t size);

/**
 * Report a broken property and abort.
 * @param what: the property.
 */
static void
fr_fail(const char* what)
{
	fprintf(stderr, "fuzz reader: property violated: %s\n", what);
	abort();
}

/**
 * Diagnostics callback: counts errors and checks the message.
 * @param arg: a struct fr_count.
 * @param msg: the diagnostic.
 */
static void
fr_diag(void* arg, const struct sh_diag_msg* msg)
{
	struct fr_count* c = arg;
	char buf[64];
	if(!msg->file || !msg->text || strcmp(msg->file, c->file) != 0)
		fr_fail("diagnostic without the file name or text");
	if(msg->column && !msg->line)
		fr_fail("diagnostic with a column but no line");
	/* an error at the end of the input may sit just past its last
	 * line (libyaml's end of stream) */
	if(c->lines && msg->line > c->lines + 1)
		fr_fail("diagnostic on a line after the input's end");
	if(msg->mapping && msg->severity != SH_SEV_NOTE)
		fr_fail("a mapping diagnostic that is not a note");
	if(msg->severity == SH_SEV_ERROR)
		c->errors++;
	if(sh_diag_format(msg, buf, sizeof(buf)) <= 0)
		fr_fail("sh_diag_format gave nothing");
}

/**
 * An upper bound of the lines of the input: one more than the line
 * breaks, counting everything YAML takes as one (CR, LF, NEL, LS, PS;
 * a CR LF pair counts twice, which only raises the bound).
 * @param data: the input.
 * @param size: its length.
 * @return the bound.
 */
static unsigned
fr_lines(const uint8_t* data, size_t size)
{
	unsigned n = 1;
	size_t i;
	for(i = 0; i < size; i++)
		if(data[i] == '\n' || data[i] == '\r' || (data[i] == 0xc2
			&& i + 1 < size && data[i + 1] == 0x85) || (data[i]
			== 0xe2 && i + 2 < size && data[i + 1] == 0x80 &&
			(data[i + 2] == 0xa8 || data[i + 2] == 0xa9)))
			n++;
	return n;
}

/**
 * Check an indicator's own addresses, position and Unicode form.
 * @param ind: the indicator.
 * @param lines: lines of the input.
 */
static void
fr_check_more(const struct sh_indicator* ind, unsigned lines)
{
	struct sh_feed_name fn;
	if(ind->addr && ind->action != SH_ACTION_SINKHOLE)
		fr_fail("own addresses on an indicator that is no sinkhole");
	if(ind->line > lines || (ind->column && !ind->line))
		fr_fail("an indicator position outside the input");
	if(!ind->unicode)
		return;
	if(!sh_name_from_feed(ind->unicode, &fn) || fn.len != ind->namelen
		|| memcmp(fn.wire, ind->name, fn.len) != 0)
		fr_fail("the Unicode form is not the indicator's name");
	free(fn.unicode);
}

/**
 * Check the invariants of a loaded feed.
 * @param f: the feed.
 * @param lines: lines of the input.
 */
static void
fr_check(const struct sh_feed* f, unsigned lines)
{
	uint8_t canon[SH_NAME_MAX];
	size_t i, j;
	if(!f->id || !sh_fb_id_valid(f->id))
		fr_fail("feed loaded with a missing or invalid id");
	for(i = 0; i < f->num_ind; i++) {
		const struct sh_indicator* ind = ind_at(f, i);
		int found = !ind->src;
		if(sh_name_canon(ind->name, ind->namelen, canon)
			!= ind->namelen || memcmp(canon, ind->name,
			ind->namelen) != 0 || sh_name_labels(ind->name) < 2)
			fr_fail("indicator name not canonical, or a TLD");
		if(((ind->flags & SH_IND_ALLOW) != 0)
			!= (ind->action == SH_ACTION_ALLOW))
			fr_fail("allow flag and allow action disagree");
		if(ind->confidence < -1 || ind->confidence > 100)
			fr_fail("confidence out of range");
		if(ind->expires != 0 && ind->expires <= FR_NOW)
			fr_fail("an expired indicator was loaded");
		for(j = 0; !found && f->sources && f->sources[j]; j++)
			found = f->sources[j] == ind->src;
		if(!found)
			fr_fail("an indicator's rule is not one of the feed's");
		fr_check_more(ind, lines);
	}
}

/**
 * Convert a feed to native YAML and load it again: the same feed.
 * @param f: the feed.
 */
static void
fr_round_trip(const struct sh_feed* f)
{
	struct fr_count c = { 0, "converted.yaml", 0 };
	const char* why = NULL;
	struct sh_feed* g;
	size_t len = 0;
	char* text = sh_feed_to_yaml(f, &len);
	if(!text)
		fr_fail("sh_feed_to_yaml failed");
	g = sh_feed_parse("converted.yaml", text, len, NULL, FR_NOW, fr_diag,
		&c);
	if(!g) {
		fprintf(stderr, "%s\n", text);
		fr_fail("the conversion does not load");
	}
	if(!fs_feed(f, g, &why)) {
		fprintf(stderr, "%s\ndiffers in %s\n", text, why);
		fr_fail("the conversion loads as another feed");
	}
	free(text);
	sh_feed_unref(g);
}

/**
 * Run a reader on the input and check everything, with the target's own
 * checks of a loaded feed.
 * @param reader: the reader.
 * @param format: its format.
 * @param data: the input.
 * @param size: its length.
 * @param extra: the target's checks, or NULL.
 */
static void
fr_run_with(sh_format_reader reader, enum sh_format format,
	const uint8_t* data, size_t size, fr_extra_fn extra)
{
	struct fr_count c = { 0, FR_FILE, 0 };
	struct sh_feed* f;
	struct sh_fb fb;
	int ok;
	c.lines = fr_lines(data, size);
	if(!sh_fb_init(&fb, FR_FILE, NULL, FR_NOW, format, fr_diag, &c))
		return;
	ok = reader(&fb, (const char*)data, size);
	f = sh_fb_finish(&fb, (const char*)data, size, ok);
	if((f != NULL) != (c.errors == 0))
		fr_fail("a feed came back although an error was reported, or "
			"none without one");
	if(!f)
		return;
	if(strcmp(f->format, sh_format_name(format)) != 0)
		fr_fail("the feed's format is not the reader's");
	fr_check(f, c.lines);
	if(extra)
		extra(f, data, size);
	fr_round_trip(f);
	sh_feed_unref(f);
}

/**
 * Run a reader on the input and check everything.
 * @param reader: the reader.
 * @param format: its format.
 * @param data: the input.
 * @param size: its length.
 */
static void
fr_run(sh_format_reader reader, enum sh_format format, const uint8_t* data,
	size_t size)
{
	fr_run_with(reader, format, data, size, NULL);
}

#endif /* SH_FUZZ_READER_H */
