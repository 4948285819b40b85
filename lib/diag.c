/*
 * diag.c - diagnostics and small string utilities of the core library.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Formatting and delivery of diagnostics ("file:line:column: error:
 * text") through the caller's sh_diag callback, and the string helpers
 * declared in internal.h.
 */
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Size of the buffer a diagnostic text is formatted into. */
#define DIAG_TEXT_MAX 1024

/**
 * Word for a severity, as printed by compilers.
 * @param sev: the severity.
 * @return static string.
 */
static const char*
diag_severity_name(enum sh_severity sev)
{
	switch(sev) {
	case SH_SEV_ERROR: return "error";
	case SH_SEV_WARNING: return "warning";
	case SH_SEV_NOTE: return "note";
	}
	return "error";
}

int
sh_diag_format(const struct sh_diag_msg* msg, char* buf, size_t len)
{
	const char* file = msg->file ? msg->file : "-";
	const char* text = msg->text ? msg->text : "";
	const char* sev = diag_severity_name(msg->severity);

	if(msg->line && msg->column)
		return snprintf(buf, len, "%s:%u:%u: %s: %s", file, msg->line,
			msg->column, sev, text);
	if(msg->line)
		return snprintf(buf, len, "%s:%u: %s: %s", file, msg->line,
			sev, text);
	return snprintf(buf, len, "%s: %s: %s", file, sev, text);
}

void
sh_diag_vemit(sh_diag_fn diag, void* arg, enum sh_severity sev, int mapping,
	const char* file, unsigned line, unsigned column, const char* fmt,
	va_list ap)
{
	char text[DIAG_TEXT_MAX];
	struct sh_diag_msg msg;

	if(!diag)
		return;
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	msg.severity = sev;
	msg.file = file ? file : "-";
	msg.line = line;
	msg.column = line ? column : 0;
	msg.text = text;
	msg.mapping = mapping;
	(*diag)(arg, &msg);
}

void
sh_diag_emit(sh_diag_fn diag, void* arg, enum sh_severity sev,
	const char* file, unsigned line, unsigned column,
	const char* fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sh_diag_vemit(diag, arg, sev, 0, file, line, column, fmt, ap);
	va_end(ap);
}

char*
sh_strdup(const char* s)
{
	size_t n;
	char* r;

	if(!s)
		return NULL;
	n = strlen(s) + 1;
	r = malloc(n);
	if(r)
		memcpy(r, s, n);
	return r;
}

void
sh_strv_free(char** v)
{
	size_t i;

	if(!v)
		return;
	for(i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}
