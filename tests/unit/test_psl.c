/*
 * test_psl.c - unit tests of the public suffix split (lib/psl.c).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * ECS's own examples (foo.example.com, sub2.sub1.example.com,
 * foo.example.co.uk), the (cdn.evil.co.uk: the indicator is not
 * the registered domain), a name that is itself a public suffix, a
 * private-section suffix (github.io), an unknown TLD (the "*" rule),
 * upper case, names with bytes that need escaping, and the loaded list
 * against the built-in one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "sinkhole.h"

/** Split a presentation name; check the three parts. */
static void
split(const char* name, const char* reg, const char* tld, const char* sub)
{
	uint8_t wire[SH_NAME_MAX];
	struct sh_psl_parts p;
	assert_true(sh_name_from_text(name, wire, NULL) > 0);
	/* keep the client's case: sh_name_from_text lower-cases, so copy
	 * the letters back for the upper-case cases */
	if(strcmp(name, "WWW.Example.COM") == 0) {
		memcpy(wire + 1, "WWW", 3);
		memcpy(wire + 5, "Example", 7);
		memcpy(wire + 13, "COM", 3);
	}
	assert_int_equal(sh_psl_split(wire, &p), 1);
	assert_string_equal(p.registered_domain, reg);
	assert_string_equal(p.top_level_domain, tld);
	assert_string_equal(p.subdomain, sub);
}

static void
test_ecs_examples(void** state)
{
	(void)state;
	split("foo.example.com", "example.com", "com", "foo");
	split("sub2.sub1.example.com", "example.com", "com", "sub2.sub1");
	split("foo.example.co.uk", "example.co.uk", "co.uk", "foo");
	split("example.com", "example.com", "com", "");
}

static void
test_suffixes(void** state)
{
	(void)state;
	/* the case: registered domain from the list, not the
	 * indicator */
	split("www.cdn.evil.co.uk", "evil.co.uk", "co.uk", "www.cdn");
	/* a name that is a public suffix has no registered domain */
	split("co.uk", "", "co.uk", "");
	split("com", "", "com", "");
	/* the private section of the list */
	split("a.b.c.github.io", "c.github.io", "github.io", "a.b");
	/* an unknown TLD: the default rule "*" makes it the suffix */
	split("beacon.evil.test", "evil.test", "test", "beacon");
	/* the client's case is kept, the match ignores it */
	split("WWW.Example.COM", "Example.COM", "COM", "WWW");
}

static void
test_escaped(void** state)
{
	(void)state;
	/* a label with bytes outside LDH: escaped losslessly, and the
	 * split still right */
	split("a\\.b.x\\000y.example.co.uk", "example.co.uk", "co.uk",
		"a\\.b.x\\000y");
	split("w\\032w.evil\\\\.com", "evil\\\\.com", "com", "w\\032w");
}

/** The per-thread cache: many names that collide in it, twice over, and
 * names that differ only in case, all split right. */
static void
test_cache(void** state)
{
	char name[64], sub[16];
	int i, round;
	(void)state;
	for(round = 0; round < 2; round++)
		for(i = 0; i < 300; i++) {
			snprintf(name, sizeof(name), "h%d.evil.%s", i,
				i % 2 ? "co.uk" : "github.io");
			snprintf(sub, sizeof(sub), "h%d", i);
			if(i % 2)
				split(name, "evil.co.uk", "co.uk", sub);
			else	split(name, "evil.github.io", "github.io", sub);
		}
	split("WWW.Example.COM", "Example.COM", "COM", "WWW");
	split("www.example.com", "example.com", "com", "www");
}

static void
test_root_and_loaded(void** state)
{
	uint8_t root[1] = {0};
	struct sh_psl_parts p;
	(void)state;
	assert_int_equal(sh_psl_split(root, &p), 0);
	assert_string_equal(p.top_level_domain, "");
	/* the packaged list (publicsuffix) is read, and gives the same
	 * answers */
	assert_int_equal(sh_psl_load(), 1);
	split("www.cdn.evil.co.uk", "evil.co.uk", "co.uk", "www.cdn");
	split("a.b.c.github.io", "c.github.io", "github.io", "a.b");
	sh_psl_unload();
	split("foo.example.co.uk", "example.co.uk", "co.uk", "foo");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecs_examples),
		cmocka_unit_test(test_suffixes),
		cmocka_unit_test(test_escaped),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_root_and_loaded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
