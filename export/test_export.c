/*
 * test_export.c - unit tests of `sinkholectl export`.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Tests of the export's pieces: master-file escaping, the entries taken
 * from a set built by the module's loader (sorted, duplicates settled,
 * effective actions), the body of every format for one feed that has
 * every kind of entry, the serial rules (stable while unchanged, always
 * increasing, RFC 1982 wrap) and reading the serial back from a header.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "export.h"

/** A feed with every kind of entry. */
static const char feed_yaml[] =
"feed:\n"
"  id: t\n"
"  defaults: {action: sinkhole}\n"
"indicators:\n"
"  - evil.test\n"
"  - {domain: nx.test, action: nxdomain}\n"
"  - {domain: nd.test, action: nodata}\n"
"  - {domain: rf.test, action: refuse}\n"
"  - {domain: login.ok.test, exact: true, action: nxdomain}\n"
"  - {domain: both.test, exact: true, action: nxdomain}\n"
"  - {domain: both.test}\n"
"  - \"we\\\\059ird.test\"\n"   /* \059 is ";": \; is refused as ambiguous */
"  - {domain: own.test, addresses: [192.0.2.7]}\n"
"allow:\n"
"  - cdn.evil.test\n";

/** The parameters every body test uses. */
static void
params(struct sh_export_params* p, enum sh_export_format f)
{
	memset(p, 0, sizeof(*p));
	p->format = f;
	p->origin = "rpz.example.";
	strcpy(p->mname, "sinkhole.invalid.");
	strcpy(p->rname, "hostmaster.sinkhole.invalid.");
	p->ttl = 10;
	strcpy(p->ipv4, "0.0.0.0");
	strcpy(p->ipv6, "::");
	p->zone_file = "/z/db.sinkhole";
}

/** Build a set from the test feed. */
static struct sh_set*
make_set(void)
{
	struct sh_feed* f = sh_feed_parse("t.yaml", feed_yaml,
		strlen(feed_yaml), NULL, 1000, NULL, NULL);
	struct sh_set* set;
	assert_non_null(f);
	set = sh_set_build(&f, 1, SH_ACTION_SINKHOLE, NULL, NULL);
	sh_feed_unref(f);
	assert_non_null(set);
	return set;
}

/** The body of one format as a malloced string. */
static char*
body(enum sh_export_format f)
{
	struct sh_export_params p;
	struct sh_set* set = make_set();
	size_t n, len;
	char* buf = NULL;
	struct sh_export_entry* e = sh_export_entries(set, &n);
	FILE* mem = open_memstream(&buf, &len);
	assert_non_null(e);
	params(&p, f);
	assert_true(sh_export_write_body(mem, &p, e, n));
	fclose(mem);
	sh_export_entries_free(e, n);
	sh_set_free(set);
	return buf;
}

/** Assert that text has a line equal to line. */
static void
has_line(const char* text, const char* line)
{
	size_t l = strlen(line);
	const char* p = text;
	while((p = strstr(p, line)) != NULL) {
		if((p == text || p[-1] == '\n') && (p[l] == '\n' || !p[l]))
			return;
		p++;
	}
	fail_msg("line not found: '%s' in:\n%s", line, text);
}

/** Assert that text has no line containing s. */
static void
lacks(const char* text, const char* s)
{
	if(strstr(text, s))
		fail_msg("unexpected '%s' in:\n%s", s, text);
}

static void
test_escape(void** state)
{
	char out[64];
	int plain;
	(void)state;
	assert_true(sh_export_escape("a-b_c.d", out, sizeof(out), &plain));
	assert_string_equal(out, "a-b_c.d");
	assert_int_equal(plain, 1);
	assert_true(sh_export_escape("a;b(c)$@'", out, sizeof(out), &plain));
	assert_string_equal(out, "a\\;b\\(c\\)\\$\\@\\'");
	assert_int_equal(plain, 0);
	/* escapes of sh_name_to_text are kept, not escaped again */
	assert_true(sh_export_escape("a\\032b\\.c\\\\", out, sizeof(out),
		&plain));
	assert_string_equal(out, "a\\032b\\.c\\\\");
	assert_int_equal(plain, 0);
	assert_false(sh_export_escape("abcdef", out, 4, &plain));
}

static void
test_entries(void** state)
{
	struct sh_set* set = make_set();
	size_t n, i;
	struct sh_export_entry* e = sh_export_entries(set, &n);
	(void)state;
	assert_non_null(e);
	assert_int_equal(n, 10);
	for(i = 1; i < n; i++)
		assert_true(strcmp(e[i - 1].text, e[i].text) <= 0);
	/* both.test: the exact entry sorts first */
	assert_string_equal(e[0].text, "both.test");
	assert_int_equal(e[0].exact, 1);
	assert_int_equal(e[0].action, SH_ACTION_NXDOMAIN);
	assert_string_equal(e[1].text, "both.test");
	assert_int_equal(e[1].exact, 0);
	assert_int_equal(e[1].action, SH_ACTION_SINKHOLE);
	assert_string_equal(e[2].text, "cdn.evil.test");
	assert_int_equal(e[2].action, SH_ACTION_ALLOW);
	assert_string_equal(e[9].text, "we\\;ird.test");
	assert_int_equal(e[9].plain, 0);
	assert_string_equal(e[9].feed, "t");
	sh_export_entries_free(e, n);
	sh_set_free(set);
}

static void
test_rpz_body(void** state)
{
	char* b = body(SH_EXPORT_RPZ);
	(void)state;
	has_line(b, "evil.test IN A 0.0.0.0");
	has_line(b, "evil.test IN AAAA ::");
	has_line(b, "*.evil.test IN A 0.0.0.0");
	has_line(b, "*.evil.test IN AAAA ::");
	has_line(b, "cdn.evil.test IN CNAME rpz-passthru.");
	has_line(b, "*.cdn.evil.test IN CNAME rpz-passthru.");
	has_line(b, "nx.test IN CNAME .");
	has_line(b, "*.nx.test IN CNAME .");
	has_line(b, "nd.test IN CNAME *.");
	has_line(b, "rf.test IN CNAME . ; refuse, as NXDOMAIN");
	/* exact: no wildcard */
	has_line(b, "login.ok.test IN CNAME .");
	lacks(b, "*.login.ok.test");
	/* exact and subtree at one name: the exact one owns the name */
	has_line(b, "both.test IN CNAME .");
	has_line(b, "*.both.test IN A 0.0.0.0");
	lacks(b, "\nboth.test IN A");
	has_line(b, "we\\;ird.test IN A 0.0.0.0");
	/* an indicator's own address; no AAAA of its own: NODATA */
	has_line(b, "own.test IN A 192.0.2.7");
	has_line(b, "*.own.test IN A 192.0.2.7");
	lacks(b, "own.test IN AAAA");
	free(b);
}

static void
test_unbound_body(void** state)
{
	char* b = body(SH_EXPORT_UNBOUND);
	(void)state;
	assert_memory_equal(b, "server:\n", 8);
	has_line(b, "local-zone: \"evil.test.\" redirect");
	has_line(b, "local-data: \"evil.test. 10 IN A 0.0.0.0\"");
	has_line(b, "local-data: \"evil.test. 10 IN AAAA ::\"");
	has_line(b, "local-zone: \"cdn.evil.test.\" always_transparent");
	has_line(b, "local-zone: \"nx.test.\" always_nxdomain");
	has_line(b, "local-zone: \"nd.test.\" always_nodata");
	has_line(b, "local-zone: \"rf.test.\" always_refuse");
	has_line(b, "local-zone: \"login.ok.test.\" transparent");
	has_line(b, "local-data: \"login.ok.test. 10 IN A 0.0.0.0\"");
	has_line(b, "local-data: \"own.test. 10 IN A 192.0.2.7\"");
	lacks(b, "own.test. 10 IN AAAA");
	has_line(b, "# not exported (name has special bytes): "
		"we\\;ird.test");
	lacks(b, "local-zone: \"we");
	free(b);
}

static void
test_zone_bodies(void** state)
{
	char* b = body(SH_EXPORT_ZONE);
	(void)state;
	has_line(b, "* IN A 0.0.0.0");
	has_line(b, "@ IN AAAA ::");
	has_line(b, "; domain: evil.test (sinkhole, feed t)");
	has_line(b, "; not exported (allow entry): cdn.evil.test");
	has_line(b, "; not exported (exact entry): login.ok.test");
	/* the subtree entry at a name that also has an exact one */
	has_line(b, "; domain: both.test (sinkhole, feed t)");
	free(b);
	b = body(SH_EXPORT_BIND_CONF);
	has_line(b, "zone \"nx.test\" { type primary; file \"/z/db.sinkhole\"; };");
	has_line(b, "# not exported (name has special bytes): we\\;ird.test");
	lacks(b, "zone \"login.ok.test\"");
	free(b);
	b = body(SH_EXPORT_KNOT_CONF);
	has_line(b, "  - domain: \"evil.test\"");
	has_line(b, "    file: \"/z/db.sinkhole\"");
	free(b);
	b = body(SH_EXPORT_HOSTS);
	has_line(b, "0.0.0.0 evil.test");
	has_line(b, ":: evil.test");
	has_line(b, "0.0.0.0 login.ok.test");
	has_line(b, "192.0.2.7 own.test");
	lacks(b, ":: own.test");
	has_line(b, "# not exported (allow entry): cdn.evil.test");
	lacks(b, "0.0.0.0 cdn.evil.test");
	/* one line per address even with two entries at one name */
	assert_non_null(strstr(b, "0.0.0.0 both.test"));
	assert_null(strstr(strstr(b, "0.0.0.0 both.test") + 1,
		"0.0.0.0 both.test"));
	free(b);
}

static void
test_serial(void** state)
{
	const char* d1 = "aa";
	const char* d2 = "bb";
	(void)state;
	assert_int_equal(sh_export_serial(NULL, 0, d1, 5000), 5000);
	/* unchanged content keeps its serial, whatever the time */
	assert_int_equal(sh_export_serial(d1, 4000, d1, 9000), 4000);
	/* a change moves to now when that is ahead */
	assert_int_equal(sh_export_serial(d1, 4000, d2, 9000), 9000);
	/* ... and to previous + 1 when the previous one is not behind */
	assert_int_equal(sh_export_serial(d1, 9000, d2, 9000), 9001);
	assert_int_equal(sh_export_serial(d1, 9500, d2, 9000), 9501);
	/* wrap: 0xffffffff + 1 skips 0 */
	assert_int_equal(sh_export_serial(d1, 0xffffffffu, d2, 5), 5);
	assert_int_equal(sh_export_serial(d1, 0xffffffffu, d2, 0), 1);
}

static void
test_previous(void** state)
{
	struct sh_export_params p;
	char path[] = "/tmp/test_export_XXXXXX", digest[65], d[65];
	uint32_t serial;
	FILE* f;
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	params(&p, SH_EXPORT_RPZ);
	memset(d, 'c', 64);
	d[64] = 0;
	assert_true(sh_export_write_header(f, &p, d, 123456));
	fclose(f);
	assert_true(sh_export_read_previous(path, digest, &serial));
	assert_string_equal(digest, d);
	assert_int_equal(serial, 123456);
	unlink(path);
	assert_false(sh_export_read_previous(path, digest, &serial));
	assert_false(sh_export_read_previous(NULL, digest, &serial));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_rpz_body),
		cmocka_unit_test(test_unbound_body),
		cmocka_unit_test(test_zone_bodies),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_previous),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
