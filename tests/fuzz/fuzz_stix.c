/*
 * fuzz_stix.c - libFuzzer target for the STIX 2.1 bundle reader (lib/formats/stix.c).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Feeds arbitrary bytes to sh_read_stix through the feed builder, and
 * checks what fuzz_reader.h lists: well-formed diagnostics, a feed
 * exactly when no error was reported, a sane feed, and that the feed
 * converted to native YAML loads again as the same feed.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

/**
 * libFuzzer entry point.
 * @param data: the input.
 * @param size: its length.
 * @return 0.
 */
int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	fr_run(sh_read_stix, SH_FORMAT_STIX, data, size);
	return 0;
}
