/*
 * yamlread.c - a small, strict, streaming YAML reader for feeds and config.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Implementation of the pull reader declared in yamlread.h.  It keeps one
 * libyaml event of lookahead.  Every event is checked once, when it is
 * read from libyaml (yr_load): anchors, aliases, tags, scalar length and
 * nesting depth.  A consumed event stays allocated until the next one is
 * read, so the text of a scalar handed to the caller stays valid until
 * the next call on the reader.
 *
 * The text is checked before libyaml sees it (UTF-8, control
 * characters: yr_check_span).  A text in memory is checked whole when
 * it is opened.  A streamed one (sh_yaml_open_reader) goes through a
 * window: libyaml's read handler (yr_read_handler) hands over the
 * checked bytes of the window, and when they run out yr_fill reads the
 * next bytes from the source into it, counts them against
 * max_file_bytes and checks them, carrying the position over.  A
 * character cut by the end of what was read stays unchecked at the
 * start of the window until the rest of it arrives, so the checked
 * bytes always end at a character boundary; libyaml therefore decodes
 * every character it is given before it asks for more, and the offset
 * of a reader error it reports always falls in the current window,
 * where yr_offset_mark finds its line and column.
 */
#include "yamlread.h"
#include "util.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Errors reported before the reader gives up on a file. */
#define YR_MAX_ERRORS 1000
/** Size of the buffer "'name'" is written into. */
#define YR_NAME_MAX 80
/** The YAML core tag prefix. */
#define YR_TAG_PREFIX "tag:yaml.org,2002:"
/** Smallest window of a streamed text: room for a cut character and
 * more. */
#define YR_CHUNK_MIN 16

/**
 * Convert a libyaml mark (0-based) to ours (1-based).
 * @param m: the libyaml mark.
 * @return our mark.
 */
static struct sh_yaml_mark
yr_mark(const yaml_mark_t* m)
{
	struct sh_yaml_mark r;
	r.line = (unsigned)m->line + 1;
	r.column = (unsigned)m->column + 1;
	return r;
}

void
sh_yaml_report(struct sh_yaml* y, enum sh_severity sev,
	const struct sh_yaml_mark* at, const char* fmt, ...)
{
	char text[1024];
	va_list ap;

	if(sev == SH_SEV_ERROR)
		y->errors++;
	if(!y->diag || y->errors > YR_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sh_diag_emit(y->diag, y->arg, sev, y->file, at ? at->line : 0,
		at ? at->column : 0, "%s", text);
	if(y->errors == YR_MAX_ERRORS) {
		sh_diag_emit(y->diag, y->arg, SH_SEV_ERROR, y->file, 0, 0,
			"too many errors (%d); giving up on this file",
			YR_MAX_ERRORS);
		y->fatal = 1;
	}
}

/**
 * Report a fatal error: the reader stops.
 * @param y: the reader.
 * @param at: position or NULL.
 * @param text: the message.
 */
static void
yr_fatal(struct sh_yaml* y, const struct sh_yaml_mark* at, const char* text)
{
	sh_yaml_report(y, SH_SEV_ERROR, at, "%s", text);
	y->fatal = 1;
}

const char*
sh_yaml_quote(const char* s, size_t len, char buf[SH_YAML_QUOTE_MAX])
{
	const unsigned char* u = (const unsigned char*)s;
	size_t i = 0, n = 0, k, max = SH_YAML_QUOTE_MAX - 4;

	if(len > max)
		max = SH_YAML_QUOTE_MAX - 7;
	while(i < len) {
		k = (u[i] >= 0x80) ? sh_utf8_len(u + i, len - i) : 1;
		/* printable characters only: no C0, DEL or C1 controls */
		if(k <= 1 || (u[i] == 0xc2 && u[i + 1] < 0xa0))
			k = 1;
		if(n + k > max)
			break;
		if(k == 1)
			buf[n++] = (u[i] < 0x20 || u[i] >= 0x7f) ? '?' :
				(char)u[i];
		else	memcpy(buf + n, u + i, k);
		n += (k == 1) ? 0 : k;
		i += k;
	}
	if(i < len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = 0;
	return buf;
}

/**
 * Write how a node is called in messages: "'name'", or "the document"
 * for the root.
 * @param name: the key, or NULL for the root node.
 * @param buf: destination of YR_NAME_MAX bytes.
 * @return buf.
 */
static const char*
yr_name(const char* name, char buf[YR_NAME_MAX])
{
	if(!name)
		snprintf(buf, YR_NAME_MAX, "the document");
	else	snprintf(buf, YR_NAME_MAX, "'%s'", name);
	return buf;
}

/**
 * Advance a position over bytes of text, counting columns in characters
 * as libyaml does.
 * @param p: the text.
 * @param n: its length.
 * @param m: the position of p[0]; set to that of p[n].
 */
static void
yr_walk(const char* p, size_t n, struct sh_yaml_mark* m)
{
	size_t i;

	for(i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if(c == '\n') {
			m->line++;
			m->column = 1;
		} else if((c & 0xc0) != 0x80)
			m->column++;
	}
}

/**
 * Find line and column of a byte offset in the input.  Of a streamed
 * text only the window is at hand; libyaml's reader errors fall in it.
 * @param y: the reader.
 * @param off: byte offset.
 * @param m: set to the position.
 * @return 1 if found, 0 if the offset is not at hand (streamed).
 */
static int
yr_offset_mark(const struct sh_yaml* y, size_t off,
	struct sh_yaml_mark* m)
{
	if(!y->read) {
		m->line = 1;
		m->column = 1;
		yr_walk(y->data, off < y->len ? off : y->len, m);
		return 1;
	}
	if(off < y->win_off || off - y->win_off > y->win_len)
		return 0;
	*m = y->win_mark;
	yr_walk(y->win, off - y->win_off, m);
	return 1;
}

/**
 * Check that text is UTF-8 without control characters other than tab,
 * line feed and carriage return.
 * @param y: the reader; a fatal error is reported on failure.
 * @param p: the text.
 * @param len: its length.
 * @param m: the position of p[0]; advanced to that of p[*done].
 * @param last: 1 if the text ends at p + len; 0 if more may follow:
 *	then a character cut by the end is left for the next call.
 * @param done: set to the number of bytes checked, len or less.
 * @return 1 if fine, 0 on an error.
 */
static int
yr_check_span(struct sh_yaml* y, const unsigned char* p, size_t len,
	struct sh_yaml_mark* m, int last, size_t* done)
{
	size_t i = 0, n;
	char msg[200];

	*done = 0;
	while(i < len) {
		unsigned char c = p[i];
		if((c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			|| c == 0x7f) {
			snprintf(msg, sizeof(msg), "control character 0x%02x "
				"is not allowed in a YAML file (write it as an "
				"escape in a double-quoted string)", c);
			yr_fatal(y, m, msg);
			return 0;
		}
		if((n = c < 0x80 ? 1 : sh_utf8_len(p + i, len - i)) == 0) {
			/* cut by the end: judged once the rest is there */
			if(!last && len - i < 4)
				break;
			snprintf(msg, sizeof(msg), "the file is not valid "
				"UTF-8: bad byte 0x%02x (YAML files must be "
				"UTF-8 encoded)", c);
			yr_fatal(y, m, msg);
			return 0;
		}
		if(c == '\n') {
			m->line++;
			m->column = 0;
		}
		m->column++;
		i += n;
	}
	*done = i;
	return 1;
}

/**
 * Check that the whole input in memory is UTF-8 text without control
 * characters other than tab, line feed and carriage return.
 * @param y: the reader; a fatal error is reported on failure.
 * @return 1 if fine.
 */
static int
yr_check_text(struct sh_yaml* y)
{
	struct sh_yaml_mark m;
	size_t done;

	m.line = 1;
	m.column = 1;
	return yr_check_span(y, (const unsigned char*)y->data, y->len, &m, 1,
		&done);
}

/**
 * Read more of a streamed text into the window, once libyaml has taken
 * every checked byte: the unchecked rest (a cut character) moves to the
 * start, then the source is read until one more character is checked,
 * the text ends or something fails.  At most max_file_bytes + 1 bytes
 * are ever read.
 * @param y: the reader, streamed, with win_pos == win_ok.
 * @return 1 on success (no new byte at the end of the text), 0 on an
 *	error (reported, fatal).
 */
static int
yr_fill(struct sh_yaml* y)
{
	size_t room, got, done;
	char why[256];

	memmove(y->win, y->win + y->win_ok, y->win_len - y->win_ok);
	y->win_off += y->win_ok;
	y->win_len -= y->win_ok;
	y->win_mark = y->ok_mark;
	y->win_ok = y->win_pos = 0;
	while(y->win_ok == 0 && !y->eof) {
		room = y->win_cap - y->win_len;
		if(y->lim.max_file_bytes - y->len < room)
			room = y->lim.max_file_bytes - y->len + 1;
		why[0] = 0;
		got = 0;
		if(!y->read(y->rarg, y->win + y->win_len, room, &got, why,
			sizeof(why))) {
			yr_fatal(y, NULL, why[0] ? why : "read failed");
			return 0;
		}
		if(got > room)
			got = room;
		y->eof = got == 0;
		y->len += got;
		y->win_len += got;
		if(y->len > y->lim.max_file_bytes) {
			sh_yaml_report(y, SH_SEV_ERROR, NULL, "file is larger "
				"than the limit of %zu bytes (max_file_bytes)",
				y->lim.max_file_bytes);
			y->fatal = 1;
			return 0;
		}
		if(!yr_check_span(y, (const unsigned char*)y->win + y->win_ok,
			y->win_len - y->win_ok, &y->ok_mark, y->eof, &done))
			return 0;
		y->win_ok += done;
	}
	return 1;
}

/**
 * libyaml's read handler of a streamed text: hand over checked bytes of
 * the window, filling it again when they run out.
 * @param data: the reader.
 * @param buffer: libyaml's raw buffer.
 * @param size: room in it.
 * @param size_read: set to the number of bytes given, 0 at the end of
 *	the text.
 * @return 1 on success, 0 on an error (reported, fatal).
 */
static int
yr_read_handler(void* data, unsigned char* buffer, size_t size,
	size_t* size_read)
{
	struct sh_yaml* y = data;
	size_t n;

	*size_read = 0;
	if(y->fatal)
		return 0;
	if(y->win_pos == y->win_ok && !yr_fill(y))
		return 0;
	n = y->win_ok - y->win_pos;
	if(n > size)
		n = size;
	memcpy(buffer, y->win + y->win_pos, n);
	y->win_pos += n;
	*size_read = n;
	return 1;
}

/**
 * Report the error libyaml stopped with; it is fatal.
 * @param y: the reader.
 */
static void
yr_parser_error(struct sh_yaml* y)
{
	yaml_parser_t* p = &y->parser;
	struct sh_yaml_mark m, c;
	char msg[512];

	/* the read handler already reported why it stopped */
	if(y->fatal)
		return;
	if(p->error == YAML_MEMORY_ERROR) {
		yr_fatal(y, NULL, "out of memory");
		return;
	}
	if(p->error == YAML_READER_ERROR) {
		snprintf(msg, sizeof(msg), "invalid input: %s",
			p->problem ? p->problem : "unknown reader error");
		yr_fatal(y, yr_offset_mark(y, p->problem_offset, &m) ? &m :
			NULL, msg);
		return;
	}
	m = yr_mark(&p->problem_mark);
	if(p->context) {
		c = yr_mark(&p->context_mark);
		snprintf(msg, sizeof(msg), "YAML syntax error: %s (%s at "
			"line %u, column %u)", p->problem ? p->problem :
			"unknown", p->context, c.line, c.column);
	} else	snprintf(msg, sizeof(msg), "YAML syntax error: %s",
			p->problem ? p->problem : "unknown");
	yr_fatal(y, &m, msg);
}

/**
 * Check the tag of the lookahead event: only the YAML core tags that
 * fit its kind are allowed.  Reports an error otherwise.
 * @param y: the reader, with an event loaded.
 * @param tag: the event's tag, or NULL.
 */
static void
yr_check_tag(struct sh_yaml* y, const yaml_char_t* tag)
{
	static const char* const scalar_tags[] = { "str", "int", "bool",
		"timestamp", NULL };
	const char* t = (const char*)tag;
	const char* suffix;
	struct sh_yaml_mark m;
	size_t i;

	if(!t || strcmp(t, "!") == 0)
		return;
	if(strncmp(t, YR_TAG_PREFIX, sizeof(YR_TAG_PREFIX) - 1) == 0) {
		suffix = t + sizeof(YR_TAG_PREFIX) - 1;
		if(y->ev.type == YAML_MAPPING_START_EVENT
			&& strcmp(suffix, "map") == 0)
			return;
		if(y->ev.type == YAML_SEQUENCE_START_EVENT
			&& strcmp(suffix, "seq") == 0)
			return;
		for(i = 0; y->ev.type == YAML_SCALAR_EVENT && scalar_tags[i];
			i++)
			if(strcmp(suffix, scalar_tags[i]) == 0)
				return;
	}
	m = yr_mark(&y->ev.start_mark);
	sh_yaml_report(y, SH_SEV_ERROR, &m, "YAML tag '%s' is not allowed "
		"here", t);
}

/**
 * Check a freshly read event: anchors, aliases, tags, scalar length,
 * nesting depth.  Sets y->bad for events that must not be used.
 * @param y: the reader, with a new event loaded.
 */
static void
yr_check_event(struct sh_yaml* y)
{
	yaml_event_t* e = &y->ev;
	struct sh_yaml_mark m = yr_mark(&e->start_mark);
	const yaml_char_t* anchor = NULL;

	switch(e->type) {
	case YAML_ALIAS_EVENT:
		sh_yaml_report(y, SH_SEV_ERROR, &m, "YAML aliases (*%s) are "
			"not allowed", (const char*)e->data.alias.anchor);
		y->bad = 1;
		return;
	case YAML_SCALAR_EVENT:
		anchor = e->data.scalar.anchor;
		yr_check_tag(y, e->data.scalar.tag);
		if(e->data.scalar.length > y->lim.max_scalar_bytes) {
			sh_yaml_report(y, SH_SEV_ERROR, &m, "value of %zu "
				"bytes is longer than the limit of %zu bytes "
				"(max_scalar_bytes)", e->data.scalar.length,
				y->lim.max_scalar_bytes);
			y->bad = 1;
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		anchor = e->type == YAML_SEQUENCE_START_EVENT ?
			e->data.sequence_start.anchor :
			e->data.mapping_start.anchor;
		yr_check_tag(y, e->type == YAML_SEQUENCE_START_EVENT ?
			e->data.sequence_start.tag :
			e->data.mapping_start.tag);
		if(++y->depth > y->lim.max_depth) {
			char msg[128];
			snprintf(msg, sizeof(msg), "nesting is deeper than the "
				"limit of %u levels (max_depth)",
				y->lim.max_depth);
			yr_fatal(y, &m, msg);
		}
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if(y->depth > 0)
			y->depth--;
		break;
	default:
		break;
	}
	if(anchor)
		sh_yaml_report(y, SH_SEV_ERROR, &m, "YAML anchors (&%s) are "
			"not allowed", (const char*)anchor);
}

/**
 * Make sure the lookahead event is loaded.
 * @param y: the reader.
 * @return 1 if y->ev holds the next event, 0 after a fatal error.
 */
static int
yr_load(struct sh_yaml* y)
{
	if(y->fatal)
		return 0;
	if(y->have)
		return 1;
	if(y->held) {
		yaml_event_delete(&y->ev);
		y->held = 0;
	}
	if(!yaml_parser_parse(&y->parser, &y->ev)) {
		yr_parser_error(y);
		return 0;
	}
	y->have = 1;
	y->bad = 0;
	yr_check_event(y);
	return !y->fatal;
}

/**
 * Consume the lookahead event.  Its memory stays valid until the next
 * yr_load.
 * @param y: the reader, with an event loaded.
 */
static void
yr_consume(struct sh_yaml* y)
{
	y->have = 0;
	y->held = 1;
}

/**
 * Kind of the loaded event.
 * @param y: the reader, with an event loaded.
 * @return the kind.
 */
static enum sh_yaml_kind
yr_kind(const struct sh_yaml* y)
{
	switch(y->ev.type) {
	case YAML_SCALAR_EVENT: return SH_YAML_SCALAR;
	case YAML_MAPPING_START_EVENT: return SH_YAML_MAP;
	case YAML_SEQUENCE_START_EVENT: return SH_YAML_SEQ;
	case YAML_ALIAS_EVENT: return SH_YAML_ALIAS;
	default: return SH_YAML_END;
	}
}

/**
 * Whether a scalar is a YAML null: an empty plain value, "~" or null.
 * @param s: the scalar.
 * @return 1 if null.
 */
static int
yr_is_null(const struct sh_yaml_scalar* s)
{
	if(!s->plain)
		return 0;
	return s->len == 0 || strcmp(s->text, "~") == 0
		|| strcmp(s->text, "null") == 0
		|| strcmp(s->text, "Null") == 0
		|| strcmp(s->text, "NULL") == 0;
}

enum sh_yaml_kind
sh_yaml_peek(struct sh_yaml* y, struct sh_yaml_mark* at)
{
	if(!yr_load(y))
		return SH_YAML_ERROR;
	if(at)
		*at = yr_mark(&y->ev.start_mark);
	return yr_kind(y);
}

int
sh_yaml_skip(struct sh_yaml* y)
{
	unsigned level = 0;

	do {
		if(!yr_load(y))
			return 0;
		switch(yr_kind(y)) {
		case SH_YAML_MAP:
		case SH_YAML_SEQ:
			level++;
			break;
		case SH_YAML_END:
			if(level == 0)
				return 1; /* nothing to skip */
			level--;
			break;
		default:
			break;
		}
		yr_consume(y);
	} while(level > 0);
	return 1;
}

/**
 * Report that the next node has the wrong type, and skip it.  Nodes
 * already reported (aliases, values over the length limit) are skipped
 * silently.
 * @param y: the reader, with the node's first event loaded.
 * @param subject: the node as named in messages: "'feed'".
 * @param expected: what it should be: "a mapping", "true or false".
 */
static void
yr_wrong_type(struct sh_yaml* y, const char* subject, const char* expected)
{
	struct sh_yaml_mark m = yr_mark(&y->ev.start_mark);
	char qb[SH_YAML_QUOTE_MAX];

	if(y->bad) {
		(void)sh_yaml_skip(y);
		return;
	}
	switch(yr_kind(y)) {
	case SH_YAML_MAP:
		sh_yaml_report(y, SH_SEV_ERROR, &m, "%s must be %s, found a "
			"mapping", subject, expected);
		break;
	case SH_YAML_SEQ:
		sh_yaml_report(y, SH_SEV_ERROR, &m, "%s must be %s, found a "
			"sequence", subject, expected);
		break;
	case SH_YAML_SCALAR:
		if(y->ev.data.scalar.length == 0)
			sh_yaml_report(y, SH_SEV_ERROR, &m, "%s must be %s, "
				"found an empty value", subject, expected);
		else	sh_yaml_report(y, SH_SEV_ERROR, &m, "%s must be %s, "
				"found '%s'", subject, expected,
				sh_yaml_quote((const char*)y->ev.data.scalar.value,
				y->ev.data.scalar.length, qb));
		break;
	default:
		sh_yaml_report(y, SH_SEV_ERROR, &m, "%s must be %s", subject,
			expected);
		break;
	}
	(void)sh_yaml_skip(y);
}

int
sh_yaml_wrong(struct sh_yaml* y, const char* subject, const char* expected)
{
	if(!yr_load(y))
		return 0;
	yr_wrong_type(y, subject, expected);
	return !y->fatal;
}

void
sh_yaml_abort(struct sh_yaml* y)
{
	y->fatal = 1;
}

int
sh_yaml_null(struct sh_yaml* y)
{
	struct sh_yaml_scalar s;

	if(!yr_load(y) || y->bad || yr_kind(y) != SH_YAML_SCALAR)
		return 0;
	s.text = (const char*)y->ev.data.scalar.value;
	s.len = y->ev.data.scalar.length;
	s.plain = y->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if(!yr_is_null(&s))
		return 0;
	yr_consume(y);
	return 1;
}

void
sh_limits_default(struct sh_limits* lim)
{
	lim->max_file_bytes = (size_t)64 * 1024 * 1024;
	lim->max_depth = 16;
	lim->max_indicators = 2000000;
	lim->max_scalar_bytes = 4096;
}

/**
 * Set up the fields every reader has.
 * @param y: the reader, cleared and filled in.
 * @param file: file name for diagnostics.
 * @param lim: limits, or NULL for the defaults.
 * @param diag: diagnostics callback, may be NULL.
 * @param arg: its argument.
 */
static void
yr_setup(struct sh_yaml* y, const char* file, const struct sh_limits* lim,
	sh_diag_fn diag, void* arg)
{
	memset(y, 0, sizeof(*y));
	y->file = file ? file : "-";
	y->diag = diag;
	y->arg = arg;
	if(lim)
		y->lim = *lim;
	else	sh_limits_default(&y->lim);
}

/**
 * Set up libyaml's parser.
 * @param y: the reader.
 * @return 1 on success, 0 when out of memory (reported, fatal).
 */
static int
yr_parser_init(struct sh_yaml* y)
{
	if(!yaml_parser_initialize(&y->parser)) {
		yr_fatal(y, NULL, "out of memory");
		return 0;
	}
	y->inited = 1;
	return 1;
}

/**
 * Enter the one document of the text: read past the stream start and
 * the document start.
 * @param y: the reader, with libyaml's input set.
 * @return 1 if a document was entered, 0 on error (reported).
 */
static int
yr_enter(struct sh_yaml* y)
{
	yaml_parser_set_encoding(&y->parser, YAML_UTF8_ENCODING);
	if(!yr_load(y))
		return 0;
	yr_consume(y); /* STREAM-START */
	if(!yr_load(y))
		return 0;
	if(y->ev.type != YAML_DOCUMENT_START_EVENT) {
		yr_fatal(y, NULL, "the file is empty");
		return 0;
	}
	yr_consume(y);
	return 1;
}

int
sh_yaml_open(struct sh_yaml* y, const char* file, const char* data,
	size_t len, const struct sh_limits* lim, sh_diag_fn diag, void* arg)
{
	yr_setup(y, file, lim, diag, arg);
	y->data = data;
	y->len = len;
	if(len > y->lim.max_file_bytes) {
		sh_yaml_report(y, SH_SEV_ERROR, NULL, "file is %zu bytes, "
			"larger than the limit of %zu bytes (max_file_bytes)",
			len, y->lim.max_file_bytes);
		y->fatal = 1;
		return 0;
	}
	if(!yr_check_text(y) || !yr_parser_init(y))
		return 0;
	yaml_parser_set_input_string(&y->parser, (const unsigned char*)data,
		len);
	return yr_enter(y);
}

int
sh_yaml_open_reader(struct sh_yaml* y, const char* file,
	sh_yaml_read_fn read, void* rarg, size_t chunk,
	const struct sh_limits* lim, sh_diag_fn diag, void* arg)
{
	yr_setup(y, file, lim, diag, arg);
	y->read = read;
	y->rarg = rarg;
	y->win_cap = chunk == 0 ? SH_YAML_CHUNK : chunk < YR_CHUNK_MIN ?
		YR_CHUNK_MIN : chunk;
	y->win_mark.line = y->win_mark.column = 1;
	y->ok_mark = y->win_mark;
	if(!(y->win = malloc(y->win_cap))) {
		yr_fatal(y, NULL, "out of memory");
		return 0;
	}
	if(!yr_parser_init(y))
		return 0;
	yaml_parser_set_input(&y->parser, yr_read_handler, y);
	return yr_enter(y);
}

/**
 * Leave the current document.
 * @param y: the reader, with the document's root consumed.
 * @return 1 if another document follows (its start event loaded, not
 *	consumed), 0 at the end of the stream (consumed), -1 on a fatal
 *	error.
 */
static int
yr_end_document(struct sh_yaml* y)
{
	if(!yr_load(y))
		return -1;
	if(y->ev.type != YAML_DOCUMENT_END_EVENT) {
		yr_fatal(y, NULL, "internal error: document not fully read");
		return -1;
	}
	yr_consume(y);
	if(!yr_load(y))
		return -1;
	if(y->ev.type == YAML_DOCUMENT_START_EVENT)
		return 1;
	yr_consume(y);
	return 0;
}

int
sh_yaml_finish(struct sh_yaml* y)
{
	struct sh_yaml_mark m;
	int r = yr_end_document(y);

	if(r == 1) {
		m = yr_mark(&y->ev.start_mark);
		yr_fatal(y, &m, "a file may hold only one YAML document");
	}
	/* libyaml ends the stream only at the end of the text */
	if(r == 0 && y->read && !y->eof) {
		yr_fatal(y, NULL, "internal error: the text was not read to "
			"its end");
		return 0;
	}
	return r == 0;
}

void
sh_yaml_close(struct sh_yaml* y)
{
	if((y->have || y->held) && y->inited)
		yaml_event_delete(&y->ev);
	y->have = y->held = 0;
	if(y->inited)
		yaml_parser_delete(&y->parser);
	y->inited = 0;
	free(y->win);
	y->win = NULL;
}

size_t
sh_yaml_errors(const struct sh_yaml* y)
{
	return y->errors;
}

int
sh_yaml_fatal(const struct sh_yaml* y)
{
	return y->fatal;
}

int
sh_yaml_map_begin(struct sh_yaml* y, const char* name,
	const struct sh_yaml_keys* keys, struct sh_yaml_map* m)
{
	char nb[YR_NAME_MAX];

	m->keys = keys;
	m->seen = 0;
	if(!yr_load(y))
		return 0;
	if(y->bad || yr_kind(y) != SH_YAML_MAP) {
		yr_wrong_type(y, yr_name(name, nb), "a mapping");
		return 0;
	}
	m->start = yr_mark(&y->ev.start_mark);
	yr_consume(y);
	return 1;
}

/**
 * Write the list of a mapping's keys, for the unknown key message.
 * @param keys: the keys.
 * @param buf: destination.
 * @param len: its size.
 * @return buf.
 */
static const char*
yr_key_list(const struct sh_yaml_keys* keys, char* buf, size_t len)
{
	size_t pos = 0;
	unsigned i;

	buf[0] = 0;
	for(i = 0; i < keys->num && pos < len; i++) {
		int n = snprintf(buf + pos, len - pos, "%s%s", i ? ", " : "",
			keys->names[i]);
		if(n < 0)
			break;
		pos += (size_t)n;
	}
	return buf;
}

/**
 * Look a key up in a mapping description.
 * @param keys: the description.
 * @param s: the key text.
 * @param len: its length.
 * @return the index, or -1 if unknown.
 */
static int
yr_key_find(const struct sh_yaml_keys* keys, const char* s, size_t len)
{
	unsigned i;

	for(i = 0; i < keys->num; i++)
		if(strlen(keys->names[i]) == len
			&& memcmp(keys->names[i], s, len) == 0)
			return (int)i;
	return -1;
}

/**
 * Check one key of a mapping and report what is wrong with it.
 * @param y: the reader, with the key's scalar event loaded.
 * @param m: the mapping state; updated for a good key.
 * @param at: the key's position.
 * @return the key index, or -1 if the key is bad (reported).
 */
static int
yr_key_check(struct sh_yaml* y, struct sh_yaml_map* m,
	const struct sh_yaml_mark* at)
{
	const char* s = (const char*)y->ev.data.scalar.value;
	size_t len = y->ev.data.scalar.length;
	char qb[SH_YAML_QUOTE_MAX], list[512];
	int k = yr_key_find(m->keys, s, len);

	if(k < 0) {
		sh_yaml_report(y, SH_SEV_ERROR, at, "'%s' is not a known key "
			"of %s (expected %s)", sh_yaml_quote(s, len, qb),
			m->keys->what, yr_key_list(m->keys, list,
			sizeof(list)));
		return -1;
	}
	if(m->seen & (1u << k)) {
		sh_yaml_report(y, SH_SEV_ERROR, at, "duplicate key '%s' in %s, "
			"first at line %u, column %u", m->keys->names[k],
			m->keys->what, m->at[k].line, m->at[k].column);
		return -1;
	}
	m->seen |= 1u << k;
	m->at[k] = *at;
	return k;
}

/**
 * Load the next key of a mapping.  A key that is not a plain scalar is
 * reported ("keys of WHAT must be plain strings") and skipped with its
 * value.
 * @param y: the reader.
 * @param what: the mapping, for the message.
 * @param km: set to the key's position.
 * @return 1 with the key's scalar event loaded (not consumed), 0 at the
 *	end of the mapping (consumed) or on a fatal error.
 */
static int
yr_next_key(struct sh_yaml* y, const char* what, struct sh_yaml_mark* km)
{
	for(;;) {
		if(!yr_load(y))
			return 0;
		if(y->ev.type == YAML_MAPPING_END_EVENT) {
			yr_consume(y);
			return 0;
		}
		*km = yr_mark(&y->ev.start_mark);
		if(!y->bad && yr_kind(y) == SH_YAML_SCALAR)
			return 1;
		if(!y->bad)
			sh_yaml_report(y, SH_SEV_ERROR, km, "keys of %s must be "
				"plain strings", what);
		if(!sh_yaml_skip(y) || !sh_yaml_skip(y))
			return 0;
	}
}

int
sh_yaml_map_next(struct sh_yaml* y, struct sh_yaml_map* m, int* key,
	struct sh_yaml_mark* at)
{
	struct sh_yaml_mark km;
	int k;

	while(yr_next_key(y, m->keys->what, &km)) {
		k = yr_key_check(y, m, &km);
		yr_consume(y);
		if(k >= 0) {
			*key = k;
			if(at)
				*at = km;
			return 1;
		}
		if(!sh_yaml_skip(y))
			return 0;
	}
	return 0;
}

int
sh_yaml_map_next_any(struct sh_yaml* y, char** key, struct sh_yaml_mark* at)
{
	struct sh_yaml_mark km;
	size_t len;

	if(!yr_next_key(y, "a mapping", &km))
		return 0;
	len = y->ev.data.scalar.length;
	if(!(*key = malloc(len + 1))) {
		yr_fatal(y, &km, "out of memory");
		return 0;
	}
	memcpy(*key, y->ev.data.scalar.value, len);
	(*key)[len] = 0;
	yr_consume(y);
	if(at)
		*at = km;
	return 1;
}

int
sh_yaml_next_document(struct sh_yaml* y)
{
	if(yr_end_document(y) != 1)
		return 0;
	yr_consume(y);
	return 1;
}

int
sh_yaml_map_has(const struct sh_yaml_map* m, int key)
{
	return (m->seen & (1u << key)) != 0;
}

int
sh_yaml_map_require(struct sh_yaml* y, const struct sh_yaml_map* m,
	int key)
{
	if(sh_yaml_map_has(m, key))
		return 1;
	if(!y->fatal)
		sh_yaml_report(y, SH_SEV_ERROR, &m->start, "missing required "
			"key '%s' in %s", m->keys->names[key], m->keys->what);
	return 0;
}

int
sh_yaml_seq_begin(struct sh_yaml* y, const char* name)
{
	char nb[YR_NAME_MAX];

	if(!yr_load(y))
		return 0;
	if(y->bad || yr_kind(y) != SH_YAML_SEQ) {
		yr_wrong_type(y, yr_name(name, nb), "a sequence");
		return 0;
	}
	yr_consume(y);
	return 1;
}

int
sh_yaml_seq_next(struct sh_yaml* y)
{
	if(!yr_load(y))
		return 0;
	if(y->ev.type == YAML_SEQUENCE_END_EVENT) {
		yr_consume(y);
		return 0;
	}
	return 1;
}

int
sh_yaml_scalar(struct sh_yaml* y, const char* name,
	struct sh_yaml_scalar* s)
{
	const char* tag;
	char nb[YR_NAME_MAX];

	if(!yr_load(y))
		return 0;
	if(y->bad || yr_kind(y) != SH_YAML_SCALAR) {
		yr_wrong_type(y, yr_name(name, nb), "a single value");
		return 0;
	}
	tag = (const char*)y->ev.data.scalar.tag;
	s->text = (const char*)y->ev.data.scalar.value;
	s->len = y->ev.data.scalar.length;
	s->plain = y->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE
		&& (!tag || strcmp(tag, YR_TAG_PREFIX "str") != 0);
	s->mark = yr_mark(&y->ev.start_mark);
	yr_consume(y);
	return 1;
}

/**
 * Check that a scalar is usable as a string: not null or empty, no
 * NUL bytes.
 * @param y: the reader, for reporting.
 * @param what: the value as named in messages: "'description'".
 * @param s: the scalar.
 * @return 1 if usable.
 */
static int
yr_string_ok(struct sh_yaml* y, const char* what,
	const struct sh_yaml_scalar* s)
{
	if(s->len == 0 || yr_is_null(s)) {
		sh_yaml_report(y, SH_SEV_ERROR, &s->mark, "%s must not be "
			"empty", what);
		return 0;
	}
	if(strlen(s->text) != s->len) {
		sh_yaml_report(y, SH_SEV_ERROR, &s->mark, "%s must not "
			"contain a NUL character", what);
		return 0;
	}
	return 1;
}

int
sh_yaml_string(struct sh_yaml* y, const char* name, char** out,
	struct sh_yaml_mark* at)
{
	struct sh_yaml_scalar s;
	char nb[YR_NAME_MAX];
	char* r;

	if(!y->fatal && at)
		(void)sh_yaml_peek(y, at);
	if(!sh_yaml_scalar(y, name, &s)
		|| !yr_string_ok(y, yr_name(name, nb), &s))
		return 0;
	r = malloc(s.len + 1);
	if(!r) {
		yr_fatal(y, &s.mark, "out of memory");
		return 0;
	}
	memcpy(r, s.text, s.len + 1);
	*out = r;
	return 1;
}

int
sh_yaml_bool(struct sh_yaml* y, const char* name, int* out)
{
	static const char* const yes[] = { "true", "True", "TRUE", NULL };
	static const char* const no[] = { "false", "False", "FALSE", NULL };
	struct sh_yaml_scalar s;
	char nb[YR_NAME_MAX], qb[SH_YAML_QUOTE_MAX];
	size_t i;

	if(!sh_yaml_scalar(y, name, &s))
		return 0;
	for(i = 0; s.plain && yes[i]; i++) {
		if(strcmp(s.text, yes[i]) == 0) {
			*out = 1;
			return 1;
		}
		if(strcmp(s.text, no[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	sh_yaml_report(y, SH_SEV_ERROR, &s.mark, "%s must be true or false, "
		"found %s'%s'", yr_name(name, nb), s.plain ? "" :
		"the quoted string ", sh_yaml_quote(s.text, s.len, qb));
	return 0;
}

/**
 * Parse a decimal integer with an optional sign.
 * @param s: the text, NUL terminated.
 * @param out: the value.
 * @return 1 on success, 0 if not a decimal integer or out of range of
 *	long long.
 */
static int
yr_parse_ll(const char* s, long long* out)
{
	char* end;
	long long v;

	if(!(*s >= '0' && *s <= '9') && !((*s == '-' || *s == '+')
		&& s[1] >= '0' && s[1] <= '9'))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if(errno != 0 || *end != 0)
		return 0;
	*out = v;
	return 1;
}

int
sh_yaml_int(struct sh_yaml* y, const char* name, long long min,
	long long max, long long* out)
{
	struct sh_yaml_scalar s;
	char nb[YR_NAME_MAX], qb[SH_YAML_QUOTE_MAX];
	long long v;

	if(!sh_yaml_scalar(y, name, &s))
		return 0;
	if(!s.plain || !yr_parse_ll(s.text, &v)) {
		sh_yaml_report(y, SH_SEV_ERROR, &s.mark, "%s must be a whole "
			"number, found %s'%s'", yr_name(name, nb), s.plain ?
			"" : "the quoted string ", sh_yaml_quote(s.text, s.len, qb));
		return 0;
	}
	if(v < min || v > max) {
		sh_yaml_report(y, SH_SEV_ERROR, &s.mark, "%s must be between "
			"%lld and %lld, found %lld", yr_name(name, nb), min,
			max, v);
		return 0;
	}
	*out = v;
	return 1;
}

/**
 * Append a copy of a string to a growing NULL-terminated array.
 * @param v: the array, may be NULL; reallocated.
 * @param n: number of strings in it, incremented.
 * @param s: the string.
 * @param len: its length.
 * @return 1 on success, 0 when out of memory (v is still valid).
 */
static int
yr_strv_add(char*** v, size_t* n, const char* s, size_t len)
{
	char** nv = realloc(*v, (*n + 2) * sizeof(char*));
	char* c;

	if(!nv)
		return 0;
	*v = nv;
	nv[*n] = NULL; /* still terminated if the copy below fails */
	c = malloc(len + 1);
	if(!c)
		return 0;
	memcpy(c, s, len + 1);
	nv[(*n)++] = c;
	nv[*n] = NULL;
	return 1;
}

int
sh_yaml_strv(struct sh_yaml* y, const char* name, char*** out)
{
	struct sh_yaml_scalar s;
	char** v = NULL;
	size_t n = 0;
	int ok = 1;
	char item[YR_NAME_MAX];

	if(!sh_yaml_seq_begin(y, name))
		return 0;
	snprintf(item, sizeof(item), "items of '%s'", name ? name : "");
	while(sh_yaml_seq_next(y)) {
		if(!y->bad && yr_kind(y) != SH_YAML_SCALAR) {
			yr_wrong_type(y, item, "strings");
			ok = 0;
			continue;
		}
		if(!sh_yaml_scalar(y, name, &s)) {
			ok = 0;
			continue;
		}
		if(!yr_string_ok(y, item, &s)) {
			ok = 0;
			continue;
		}
		if(ok && !yr_strv_add(&v, &n, s.text, s.len)) {
			yr_fatal(y, &s.mark, "out of memory");
			break;
		}
	}
	if(!ok || y->fatal) {
		sh_strv_free(v);
		return 0;
	}
	*out = v;
	return 1;
}

int
sh_yaml_parse_time(const char* s, size_t len, time_t* out)
{
	int64_t ms;
	if(!sh_time_parse(s, len, 1, &ms))
		return 0;
	/* whole seconds, rounded down (the fraction is not kept) */
	*out = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
	return 1;
}

int
sh_yaml_time(struct sh_yaml* y, const char* name, time_t* out)
{
	struct sh_yaml_scalar s;
	char nb[YR_NAME_MAX], qb[SH_YAML_QUOTE_MAX];

	if(!sh_yaml_scalar(y, name, &s))
		return 0;
	if(strlen(s.text) != s.len || !sh_yaml_parse_time(s.text, s.len,
		out)) {
		sh_yaml_report(y, SH_SEV_ERROR, &s.mark, "%s must be a date "
			"(YYYY-MM-DD) or an RFC 3339 date-time "
			"(YYYY-MM-DDTHH:MM:SSZ), found '%s'", yr_name(name, nb),
			sh_yaml_quote(s.text, s.len, qb));
		return 0;
	}
	return 1;
}
