/*
 * fuzz_rpz.c - libFuzzer target for the RPZ zone reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Reads arbitrary bytes as an RPZ zone file with sh_read_rpz (ldns
 * parses the records), through the feed builder, and checks what
 * fuzz_reader.h lists for every reader (the convert round trip
 * included) and what this reader promises in addition: the version of
 * a loaded zone is its SOA serial (decimal digits), and an indicator's
 * position is the start of a record (not a blank, not a comment).
 */
#include "fuzz_reader.h"

/**
 * Check that an indicator's position is where a record starts.
 * @param ind: the indicator.
 * @param data: the input.
 * @param size: its length.
 */
static void
check_position(const struct sh_indicator* ind, const uint8_t* data,
	size_t size)
{
	unsigned line = 1;
	size_t i = 0;

	while(i < size && line < ind->line)
		if(data[i++] == '\n')
			line++;
	i += ind->column - 1;
	if(i >= size || data[i] == ' ' || data[i] == '\t' || data[i] == ';'
		|| data[i] == '\n')
		fr_fail("an indicator's position is not the start of a record");
}

/**
 * This reader's own checks of a loaded feed.
 * @param f: the feed.
 * @param data: the input.
 * @param size: its length.
 */
static void
check_rpz(const struct sh_feed* f, const uint8_t* data, size_t size)
{
	size_t i;
	if(!f->version || !f->version[0] || strspn(f->version, "0123456789")
		!= strlen(f->version))
		fr_fail("the version is not the SOA serial");
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
	fr_run_with(sh_read_rpz, SH_FORMAT_RPZ, data, size, check_rpz);
	return 0;
}
