/*
 * name.c - domain names in presentation and wire format.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Conversion of domain names between presentation format (RFC 1035
 * section 5.1, with \X and \DDD escapes) and canonical uncompressed wire
 * format, plus validation, label counting and comparison of wire names.
 * Nothing here allocates.
 */
#include "internal.h"
#include <string.h>

/**
 * Parse one escape after a backslash.
 * @param p: points just after the backslash; advanced past the escape.
 * @param out: the byte the escape stands for.
 * @param err: set to a static description on failure.
 * @return 1 on success, 0 on a bad escape.
 */
static int
name_escape(const char** p, uint8_t* out, const char** err)
{
	const char* s = *p;
	unsigned v;

	if(*s == 0) {
		*err = "name ends in a lone backslash";
		return 0;
	}
	if(*s < '0' || *s > '9') {
		*out = (uint8_t)*s;
		*p = s + 1;
		return 1;
	}
	if(s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9') {
		*err = "bad escape: \\DDD needs exactly three decimal digits";
		return 0;
	}
	v = (unsigned)(s[0]-'0')*100 + (unsigned)(s[1]-'0')*10
		+ (unsigned)(s[2]-'0');
	if(v > 255) {
		*err = "bad escape: \\DDD value is larger than 255";
		return 0;
	}
	*out = (uint8_t)v;
	*p = s + 3;
	return 1;
}

size_t
sh_name_from_text(const char* text, uint8_t out[SH_NAME_MAX],
	const char** err)
{
	const char* dummy;
	const char* p = text;
	size_t pos = 0;	/* position of the current label's length byte */
	size_t len = 0;	/* length of the current label */
	uint8_t c;

	if(!err)
		err = &dummy;
	if(!text || !*text) {
		*err = "empty name";
		return 0;
	}
	if(strcmp(text, ".") == 0) {
		out[0] = 0;
		return 1;
	}
	while(*p) {
		if(*p == '.') {
			if(len == 0) {
				*err = "empty label (two dots in a row, or a "
					"leading dot)";
				return 0;
			}
			out[pos] = (uint8_t)len;
			pos += len + 1;
			len = 0;
			p++;
			continue;
		}
		if(*p == '\\') {
			p++;
			if(!name_escape(&p, &c, err))
				return 0;
		} else	c = (uint8_t)*p++;
		if(len >= SH_LABEL_MAX) {
			*err = "label longer than 63 bytes";
			return 0;
		}
		/* this byte, the root label and the length byte must fit */
		if(pos + 1 + len + 1 + 1 > SH_NAME_MAX) {
			*err = "name longer than 255 bytes";
			return 0;
		}
		out[pos + 1 + len] = sh_lower(c);
		len++;
	}
	if(len > 0) {
		out[pos] = (uint8_t)len;
		pos += len + 1;
	}
	out[pos] = 0;
	return pos + 1;
}

size_t
sh_name_canon(const uint8_t* wire, size_t maxlen, uint8_t out[SH_NAME_MAX])
{
	size_t pos = 0, i;

	for(;;) {
		uint8_t lab;
		if(pos >= maxlen || pos >= SH_NAME_MAX)
			return 0;
		lab = wire[pos];
		if(lab > SH_LABEL_MAX)
			return 0; /* compression pointer or extended label */
		if(pos + 1 + lab > maxlen)
			return 0;
		/* a label must leave room for the root label after it */
		if(lab != 0 && pos + 1 + lab >= SH_NAME_MAX)
			return 0;
		out[pos] = lab;
		for(i = 0; i < lab; i++)
			out[pos + 1 + i] = sh_lower(wire[pos + 1 + i]);
		pos += 1 + (size_t)lab;
		if(lab == 0)
			return pos;
	}
}

unsigned
sh_name_labels(const uint8_t* wire)
{
	unsigned n = 0;

	while(*wire) {
		n++;
		wire += *wire + 1;
	}
	return n;
}

/**
 * Append the escaped form of one label byte.
 * @param c: the byte.
 * @param out: destination.
 * @param pos: write position, advanced.
 * @param outlen: size of out; one byte is always kept for the NUL.
 * @return 1 on success, 0 if out is too small.
 */
static int
name_put_byte(uint8_t c, char* out, size_t* pos, size_t outlen)
{
	size_t need = 1;

	if(c == '.' || c == '\\' || c == '"')
		need = 2;
	else if(c < 0x21 || c > 0x7e)
		need = 4;
	if(*pos + need + 1 > outlen)
		return 0;
	if(need == 1) {
		out[(*pos)++] = (char)c;
	} else if(need == 2) {
		out[(*pos)++] = '\\';
		out[(*pos)++] = (char)c;
	} else {
		out[(*pos)++] = '\\';
		out[(*pos)++] = (char)('0' + c / 100);
		out[(*pos)++] = (char)('0' + (c / 10) % 10);
		out[(*pos)++] = (char)('0' + c % 10);
	}
	return 1;
}

size_t
sh_name_to_text(const uint8_t* wire, char* out, size_t outlen)
{
	size_t pos = 0, i;

	if(outlen < 2)
		return 0;
	if(*wire == 0) {
		out[0] = '.';
		out[1] = 0;
		return 1;
	}
	while(*wire) {
		if(pos > 0) {
			if(pos + 2 > outlen)
				return 0;
			out[pos++] = '.';
		}
		for(i = 1; i <= *wire; i++)
			if(!name_put_byte(wire[i], out, &pos, outlen))
				return 0;
		wire += *wire + 1;
	}
	out[pos] = 0;
	return pos;
}

int
sh_name_equal(const uint8_t* a, const uint8_t* b)
{
	uint8_t lab, i;

	for(;;) {
		if(*a != *b)
			return 0;
		lab = *a;
		if(lab == 0)
			return 1;
		for(i = 1; i <= lab; i++)
			if(sh_lower(a[i]) != sh_lower(b[i]))
				return 0;
		a += lab + 1;
		b += lab + 1;
	}
}
