/*
 * fuzz_rpz.c - libFuzzer target for the RPZ zone reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Reads arbitrary bytes as an RPZ zone file with sh_read_rpz (ldns
 * parses the records), through the feed builder (reader_check.h checks
 * what every reader promises), and checks what this reader promises in
 * addition: the version of a loaded zone is its SOA serial (decimal
 * digits), an indicator's position is the start of a record (not a
 * blank, not a comment), and an indicator with own addresses has at
 * most one of each family.
 */
#include "reader_check.h"

/** The file name given to the reader. */
#define FUZZ_FILE "fuzz.rpz"

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
		rc_fail("an indicator's position is not the start of a record");
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
	struct sh_feed* f = rc_run(sh_read_rpz, SH_FORMAT_RPZ, FUZZ_FILE, data,
		size);
	struct sh_feed* again;
	size_t i;

	if(!f)
		return 0;
	again = rc_run(sh_read_rpz, SH_FORMAT_RPZ, FUZZ_FILE, data, size);
	rc_check_feed(f, again, rc_lines(data, size));
	if(!f->version || !f->version[0] || strspn(f->version, "0123456789")
		!= strlen(f->version))
		rc_fail("the version is not the SOA serial");
	for(i = 0; i < f->num_ind; i++) {
		check_position(&f->ind[i], data, size);
		if(f->ind[i].addr && (f->ind[i].addr->have4 > 1 ||
			f->ind[i].addr->have6 > 1))
			rc_fail("own addresses with a bad flag");
	}
	sh_feed_unref(again);
	sh_feed_unref(f);
	return 0;
}
