/*
 * lib/util.c - the small helpers every part of unbound-sinkhole shares.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Whole-file reads under a limit (and the open and read steps of them,
 * for sh_feed_load, which streams native feeds), write-all, strict UTF-8, RFC 3339 times, the first-error diagnostic forwarder and
 * signal-free threads: written once here, declared in lib/util.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"
#include "util.h"

int
sh_file_read_fd(int fd, char* buf, size_t cap, size_t* have)
{
	ssize_t r;
	*have = 0;
	while(*have < cap && (r = read(fd, buf + *have, cap - *have)) != 0) {
		if(r < 0 && errno == EINTR)
			continue;
		if(r < 0)
			return 0;
		*have += (size_t)r;
	}
	return 1;
}

int
sh_file_open(const char* path, size_t max, struct sh_file* out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	memset(out, 0, sizeof(*out));
	if(fd < 0) {
		out->sys_errno = errno;
		out->error = SH_FILE_EOPEN;
		return -1;
	}
	if(fstat(fd, &out->st) != 0) {
		out->sys_errno = errno;
		out->error = SH_FILE_EREAD;
		goto fail;
	}
	if(!S_ISREG(out->st.st_mode)) {
		out->error = SH_FILE_ENOTREG;
		goto fail;
	}
	if((uint64_t)out->st.st_size > (uint64_t)max) {
		out->error = SH_FILE_ETOOBIG;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int
sh_file_read(const char* path, size_t max, struct sh_file* out)
{
	size_t cap;
	int fd = sh_file_open(path, max, out);
	if(fd < 0)
		return 0;
	/* one byte more than the limit, to notice a file that grew */
	cap = (size_t)out->st.st_size < max ? (size_t)out->st.st_size + 1 :
		max + 1;
	if(!(out->data = malloc(cap + 1))) {
		out->error = SH_FILE_ENOMEM;
		goto fail;
	}
	if(!sh_file_read_fd(fd, out->data, cap, &out->len)) {
		out->sys_errno = errno;
		out->error = SH_FILE_EREAD;
		goto fail;
	}
	out->data[out->len] = 0;
	close(fd);
	return 1;
fail:
	free(out->data);
	out->data = NULL;
	out->len = 0;
	close(fd);
	return 0;
}

const char*
sh_file_strerror(const struct sh_file* f, char* buf, size_t len)
{
	switch(f->error) {
	case SH_FILE_OK:
		snprintf(buf, len, "no error");
		break;
	case SH_FILE_EOPEN:
		snprintf(buf, len, "cannot open: %s", strerror(f->sys_errno));
		break;
	case SH_FILE_ENOTREG:
		snprintf(buf, len, "not a regular file");
		break;
	case SH_FILE_ETOOBIG:
		snprintf(buf, len, "file is %lld bytes, larger than the limit",
			(long long)f->st.st_size);
		break;
	case SH_FILE_ENOMEM:
		snprintf(buf, len, "out of memory");
		break;
	default:
		snprintf(buf, len, "read failed: %s", strerror(f->sys_errno));
		break;
	}
	return buf;
}

int
sh_file_same(const struct stat* a, const struct stat* b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
		a->st_size == b->st_size &&
		a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
		a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
		a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
		a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

size_t
sh_write_all(int fd, const char* buf, size_t n)
{
	size_t done = 0;
	while(done < n) {
		ssize_t w = write(fd, buf + done, n - done);
		if(w < 0 && errno == EINTR)
			continue;
		if(w <= 0)
			break;
		done += (size_t)w;
	}
	return done;
}

size_t
sh_utf8_len(const unsigned char* s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;
	if(c < 0x80)
		return 1;
	if(c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if(c >= 0xe0 && c <= 0xef)
		len = 3;
	else if(c >= 0xf0 && c <= 0xf4)
		len = 4;
	else	return 0;
	if(c == 0xe0)
		lo = 0xa0;	/* no overlong 3-byte forms */
	else if(c == 0xed)
		hi = 0x9f;	/* no surrogates */
	else if(c == 0xf0)
		lo = 0x90;	/* no overlong 4-byte forms */
	else if(c == 0xf4)
		hi = 0x8f;	/* nothing over U+10FFFF */
	if(n < len || s[1] < lo || s[1] > hi)
		return 0;
	for(i = 2; i < len; i++)
		if((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

size_t
sh_utf8_put(unsigned long cp, char out[4])
{
	if(cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if(cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if(cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

long
sh_hex4(const char* s)
{
	long v = 0;
	int i;
	for(i = 0; i < 4; i++) {
		int c = (unsigned char)s[i], d;
		if(c >= '0' && c <= '9') d = c - '0';
		else if(c >= 'a' && c <= 'f') d = c - 'a' + 10;
		else if(c >= 'A' && c <= 'F') d = c - 'A' + 10;
		else return -1;
		v = v * 16 + d;
	}
	return v;
}

/**
 * Read exactly n decimal digits.
 * @param s: the text, n readable bytes.
 * @param n: how many.
 * @return the value, or -1 if one is not a digit.
 */
static long
time_digits(const char* s, int n)
{
	long v = 0;
	int i;
	for(i = 0; i < n; i++) {
		if(s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
 * @param y: year.
 * @param m: month, 1..12.
 * @param d: day, 1..31.
 * @return the day number, negative before 1970.
 */
static int64_t
time_days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + doe - 719468;
}

/**
 * Parse the date "YYYY-MM-DD".
 * @param s: the text, at least 10 readable bytes.
 * @param days: set to the day number since 1970-01-01.
 * @return 1 if valid, 0 if not.
 */
static int
time_parse_date(const char* s, int64_t* days)
{
	static const int mdays[12] = {31,29,31,30,31,30,31,31,30,31,30,31};
	long y = time_digits(s, 4), m, d;
	if(y < 0 || s[4] != '-' || (m = time_digits(s + 5, 2)) < 1 ||
		m > 12 || s[7] != '-' || (d = time_digits(s + 8, 2)) < 1 ||
		d > mdays[m - 1])
		return 0;
	if(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
		y % 400 == 0))
		return 0;
	*days = time_days_from_civil(y, m, d);
	return 1;
}

/**
 * Parse the zone that ends an RFC 3339 date-time.
 * @param s: the text at the zone.
 * @param len: bytes left; the zone must take them all.
 * @param off: set to the offset east of UTC in ms.
 * @return 1 on success, 0 otherwise.
 */
static int
time_parse_zone(const char* s, size_t len, int64_t* off)
{
	long h, m;
	if(len == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		*off = 0;
		return 1;
	}
	if(len != 6 || (s[0] != '+' && s[0] != '-') ||
		(h = time_digits(s + 1, 2)) < 0 || h > 23 || s[3] != ':' ||
		(m = time_digits(s + 4, 2)) < 0 || m > 59)
		return 0;
	*off = (h * 3600 + m * 60) * 1000 * (s[0] == '-' ? -1 : 1);
	return 1;
}

int
sh_time_parse(const char* s, size_t len, int date_ok, int64_t* ms)
{
	int64_t days, off, frac = 0, scale = 100;
	long h, mi, sec;
	size_t i = 19;
	if(len < 10 || !time_parse_date(s, &days))
		return 0;
	if(len == 10) {
		*ms = days * 86400000;
		return date_ok;
	}
	if(len < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
		(h = time_digits(s + 11, 2)) < 0 || h > 23 || s[13] != ':' ||
		(mi = time_digits(s + 14, 2)) < 0 || mi > 59 || s[16] != ':' ||
		(sec = time_digits(s + 17, 2)) < 0 || sec > 60)
		return 0;
	if(s[i] == '.') {
		if(i + 1 >= len || s[i + 1] < '0' || s[i + 1] > '9')
			return 0; /* a dot without digits */
		for(i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
			frac += (s[i] - '0') * scale;
	}
	if(!time_parse_zone(s + i, len - i, &off))
		return 0;
	*ms = ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 +
		frac - off;
	return 1;
}

void
sh_diag_first_cb(void* arg, const struct sh_diag_msg* msg)
{
	struct sh_diag_first* df = (struct sh_diag_first*)arg;
	if(msg->severity == SH_SEV_ERROR && df->first)
		df->more++;
	else if(msg->severity == SH_SEV_ERROR) {
		char buf[1024];
		sh_diag_format(msg, buf, sizeof(buf));
		df->first = sh_strdup(buf);
	}
	if(df->diag)
		df->diag(df->arg, msg);
}

char*
sh_diag_first_take(struct sh_diag_first* df)
{
	char* s = df->first;
	char* all;
	size_t len;
	unsigned more = df->more;
	df->first = NULL;
	df->more = 0;
	if(!s || more == 0)
		return s;
	len = strlen(s) + 96;
	if(!(all = malloc(len)))
		return s; /* the first error alone is still the truth */
	snprintf(all, len, "%s (and %u more error%s: the resolver's log and "
		"sinkholectl lint list them)", s, more, more == 1 ? "" : "s");
	free(s);
	return all;
}

int
sh_thread_start(pthread_t* thread, void* (*fn)(void*), void* arg,
	const char* name)
{
	sigset_t all, old;
	int r;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if(r != 0) {
		errno = r;
		return 0;
	}
	(void)pthread_setname_np(*thread, name);
	return 1;
}

void*
sh_alloc_zero_huge(size_t bytes, size_t align)
{
	void* p = NULL;
	if(bytes >= SH_HUGE_PAGE)
		align = SH_HUGE_PAGE;
	if(posix_memalign(&p, align, bytes) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	if(bytes >= SH_HUGE_PAGE)
		(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	memset(p, 0, bytes);
	return p;
}
