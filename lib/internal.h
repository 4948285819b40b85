/*
 * internal.h - private helpers shared by the core library's files.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Declarations used across lib/ but not part of the public API in
 * include/sinkhole.h: diagnostic helpers and small utilities.  Nothing
 * here may include an Unbound header.
 */

#ifndef SH_INTERNAL_H
#define SH_INTERNAL_H

#include "sinkhole.h"

#if defined(__GNUC__)
#define SH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SH_PRINTF(f, a)
#endif

/**
 * Report a diagnostic through a callback, formatting the text.
 * Does nothing when diag is NULL.
 * @param diag: callback, may be NULL.
 * @param arg: its argument.
 * @param sev: severity.
 * @param file: file name, NULL for "-".
 * @param line: 1-based line or 0.
 * @param column: 1-based column or 0.
 * @param fmt: printf format of the text.
 */
void sh_diag_emit(sh_diag_fn diag, void* arg, enum sh_severity sev,
	const char* file, unsigned line, unsigned column,
	const char* fmt, ...) SH_PRINTF(7, 8);

/**
 * sh_diag_emit with a va_list, and the mapping flag of the message.
 * @param diag: callback, may be NULL.
 * @param arg: its argument.
 * @param sev: severity.
 * @param mapping: 1 for a mapping note (struct sh_diag_msg).
 * @param file: file name, NULL for "-".
 * @param line: 1-based line or 0.
 * @param column: 1-based column or 0.
 * @param fmt: printf format of the text.
 * @param ap: its arguments.
 */
void sh_diag_vemit(sh_diag_fn diag, void* arg, enum sh_severity sev,
	int mapping, const char* file, unsigned line, unsigned column,
	const char* fmt, va_list ap) SH_PRINTF(8, 0);

/**
 * strdup that reports nothing; NULL in gives NULL out.
 * @param s: string or NULL.
 * @return malloced copy (caller frees) or NULL (also on out of memory).
 */
char* sh_strdup(const char* s);

/**
 * Free a NULL-terminated array of malloced strings, and the array.
 * @param v: the array, may be NULL.
 */
void sh_strv_free(char** v);

/**
 * ASCII lower-case of one byte, locale independent.
 * @param c: the byte.
 * @return lower-case byte.
 */
static inline uint8_t
sh_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

#endif /* SH_INTERNAL_H */
