/*
 * fuzz_list.c - libFuzzer target for the plain list and hosts file reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Reads arbitrary bytes as a plain list / hosts file / adblock list
 * with sh_read_list, through the feed builder (reader_check.h checks
 * what every reader promises), and checks what this reader promises in
 * addition: every indicator's line and column point at its name in the
 * input, which parsed there as a feed name (up to a blank, '^', '#' or
 * the line's end) gives exactly the indicator's name.
 */
#include "reader_check.h"

/** The file name given to the reader (the feed id comes from it). */
#define FUZZ_FILE "fuzz-list.txt"

/**
 * Check that an indicator's position points at its name.
 * @param ind: the indicator.
 * @param data: the input.
 * @param size: its length.
 */
static void
check_position(const struct sh_indicator* ind, const uint8_t* data,
	size_t size)
{
	struct sh_feed_name fn;
	char text[SH_NAME_TEXT_MAX];
	unsigned line = 1;
	size_t i = 0, n = 0;

	while(i < size && line < ind->line)
		if(data[i++] == '\n')
			line++;
	if(line == 1 && size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3; /* the column counts from after a byte order mark */
	i += ind->column - 1;
	while(i + n < size && n + 1 < sizeof(text) && data[i + n] != ' ' &&
		data[i + n] != '\t' && data[i + n] != '^' && data[i + n] != '#'
		&& data[i + n] != '\r' && data[i + n] != '\n') {
		text[n] = (char)data[i + n];
		n++;
	}
	text[n] = 0;
	if(!sh_name_from_feed(text, &fn))
		rc_fail("the text at an indicator's position is no name");
	if(fn.len != ind->namelen || memcmp(fn.wire, ind->name, fn.len) != 0)
		rc_fail("the name at an indicator's position is another");
	free(fn.unicode);
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
	struct sh_feed* f = rc_run(sh_read_list, SH_FORMAT_LIST, FUZZ_FILE,
		data, size);
	struct sh_feed* again;
	size_t i;

	if(!f)
		return 0;
	again = rc_run(sh_read_list, SH_FORMAT_LIST, FUZZ_FILE, data, size);
	rc_check_feed(f, again, rc_lines(data, size));
	if(strcmp(f->id, "fuzz-list") != 0)
		rc_fail("the feed id is not the file name");
	for(i = 0; i < f->num_ind; i++)
		check_position(&f->ind[i], data, size);
	sh_feed_unref(again);
	sh_feed_unref(f);
	return 0;
}
