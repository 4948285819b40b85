/*
 * list.c - the reader of plain lists and hosts files (not written yet).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Placeholder of the plain lists and hosts files reader: the detector already recognises the
 * format, and the reader refuses the file with a clear message until it
 * is written, so such a file never loads as something else.
 */
#include "formats/formats.h"

int
sh_read_list(struct sh_fb* fb, const char* data, size_t len)
{
	(void)data;
	(void)len;
	sh_fb_report(fb, SH_SEV_ERROR, 0, 0, "this looks like %s (format "
		"'list'), which is not supported yet", "plain lists and hosts files");
	return 0;
}
