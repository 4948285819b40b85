/*
 * sigma.c - the reader of Sigma rules (not written yet).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Placeholder of the Sigma rules reader: the detector already recognises the
 * format, and the reader refuses the file with a clear message until it
 * is written, so such a file never loads as something else.
 */
#include "formats/formats.h"

int
sh_read_sigma(struct sh_fb* fb, const char* data, size_t len)
{
	(void)data;
	(void)len;
	sh_fb_report(fb, SH_SEV_ERROR, 0, 0, "this looks like %s (format "
		"'sigma'), which is not supported yet", "Sigma rules");
	return 0;
}
