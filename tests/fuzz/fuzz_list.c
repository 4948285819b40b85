/*
 * fuzz_list.c - libFuzzer target for the plain list and hosts file reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Reads arbitrary bytes as a plain list / hosts file / adblock list
 * with sh_read_list, through the feed builder, and checks what
 * fuzz_reader.h lists for every reader (the convert round trip
 * included) and what this reader promises in addition: the feed id is
 * the file name, and every indicator's line and column point at its
 * name in the input, which parsed there as a feed name (up to a blank,
 * '^', '#' or the line's end) gives exactly the indicator's name.
 */
#include "fuzz_reader.h"

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
		fr_fail("the text at an indicator's position is no name");
	if(fn.len != ind->namelen || memcmp(fn.wire, ind->name, fn.len) != 0)
		fr_fail("the name at an indicator's position is another");
	free(fn.unicode);
}

/**
 * This reader's own checks of a loaded feed.
 * @param f: the feed.
 * @param data: the input.
 * @param size: its length.
 */
static void
check_list(const struct sh_feed* f, const uint8_t* data, size_t size)
{
	size_t i;
	if(strcmp(f->id, FR_FILE) != 0)
		fr_fail("the feed id is not the file name");
	for(i = 0; i < f->num_ind; i++)
		check_position(ind_at(f, i), data, size);
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
	fr_run_with(sh_read_list, SH_FORMAT_LIST, data, size, check_list);
	return 0;
}
