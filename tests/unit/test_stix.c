/*
 * test_stix.c - unit tests of the STIX 2.1 bundle reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Bundles written for these tests from OASIS STIX 2.1 (indicator and
 * domain-name objects, patterning, section 9), as threat-intel
 * platforms export them: JSON on one line and pretty-printed, YAML,
 * patterns with OR, several observations, IN, LIKE, url:value, NOT,
 * qualifiers, non-host objects; metadata (valid_until, revoked,
 * confidence, labels, indicator_types, name, description,
 * external_references); what is refused and with which position.
 */
#include "feedtest.h"

/** A bundle on one line, as exporters write it. */
static const char* bundle_line =
	"{\"type\":\"bundle\",\"id\":\"bundle--0d6b1a0c-2f1e-4b8a-9c3d-"
	"5e6f7a8b9c0d\",\"objects\":[{\"type\":\"indicator\",\"spec_version\""
	":\"2.1\",\"id\":\"indicator--11111111-2222-4333-8444-555555555555\","
	"\"created\":\"2023-03-30T10:00:00.000Z\",\"modified\":"
	"\"2023-03-30T10:00:00.000Z\",\"name\":\"Sample C2\",\"description\":"
	"\"C2 of a sample campaign\",\"indicator_types\":[\"malicious-activity"
	"\"],\"labels\":[\"c2\"],\"confidence\":80,\"pattern\":\"[domain-name:"
	"value = 'c2.sample.example' OR domain-name:value = "
	"'C3.Sample.Example'] OR [url:value = 'https://user@dl.sample.example:"
	"8443/x?q=1']\",\"pattern_type\":\"stix\",\"valid_from\":"
	"\"2023-03-29T00:00:00Z\",\"valid_until\":\"2030-01-01T00:00:00Z\","
	"\"external_references\":[{\"source_name\":\"r\",\"url\":"
	"\"https://example.org/r\"},{\"source_name\":\"x\",\"external_id\":"
	"\"T1071\"}]},{\"type\":\"identity\",\"id\":\"identity--1\","
	"\"name\":\"x\"}]}";

/** Names, flags, metadata of a one-line bundle. */
static void
test_bundle(void** state)
{
	const struct sh_indicator* ind;
	struct sh_feed* f;
	(void)state;
	f = ft_loads("b.json", bundle_line, "stix");
	assert_string_equal(f->id, "bundle--0d6b1a0c-2f1e-4b8a-9c3d-5e6f7a8b9c0d");
	assert_int_equal(f->num_ind, 3);
	ind = ft_need(f, "c2.sample.example", SH_IND_EXACT);
	ft_need(f, "c3.sample.example", SH_IND_EXACT);
	ft_need(f, "dl.sample.example", SH_IND_EXACT);
	assert_int_equal(ind->confidence, 80);
	assert_int_equal(ind->expires, 1893456000); /* 2030-01-01 */
	assert_int_equal(ind->first_seen, 1680048000);
	assert_string_equal(ind->tags[0], "c2");
	assert_string_equal(ind->tags[1], "malicious-activity");
	assert_string_equal(ind->comment, "C2 of a sample campaign");
	assert_string_equal(ind->src->id,
		"indicator--11111111-2222-4333-8444-555555555555");
	assert_string_equal(ind->src->title, "Sample C2");
	assert_string_equal(f->references[0], "https://example.org/r");
	assert_null(f->references[1]);
	assert_int_equal(ind->line, 1);
	ft_expect(SH_SEV_NOTE, 1, 0, "the host of a url:value");
	ft_expect(SH_SEV_NOTE, 0, 0, "1 other objects ignored");
	sh_feed_unref(f);
}

/** Patterns: what is taken and what is counted and reported. */
static void
test_patterns(void** state)
{
	static const struct { const char* pattern; size_t n;
		const char* name; unsigned flags; const char* note; } c[] = {
		{ "[domain-name:value = 'a.example']", 1, "a.example",
			SH_IND_EXACT, "that name only" },
		{ "[domain-name:value='a.example']", 1, "a.example",
			SH_IND_EXACT, "that name only" },
		{ "[domain-name:value IN ('a.example', 'b.example')]", 2,
			"b.example", SH_IND_EXACT, "that name only" },
		{ "[domain-name:value LIKE '%.a.example']", 1, "a.example", 0,
			"does not match x itself" },
		{ "[domain-name:value LIKE 'a%.example']", 0, NULL, 0,
			"no DNS name equivalent" },
		{ "[domain-name:value MATCHES '^a\\\\.example$']", 0, NULL, 0,
			"no DNS name equivalent" },
		{ "[domain-name:value NOT = 'a.example']", 0, NULL, 0,
			"NOT domain-name:value" },
		{ "[domain-name:value != 'a.example']", 0, NULL, 0,
			"no DNS name equivalent" },
		{ "[domain-name:value = 'a.example'] AND [domain-name:value = "
			"'b.example'] WITHIN 10 SECONDS", 2, "a.example",
			SH_IND_EXACT, "FOLLOWEDBY, or has qualifiers" },
		{ "([domain-name:value = 'a.example'] OR [file:name = 'x']) "
			"REPEATS 2 TIMES", 1, "a.example", SH_IND_EXACT,
			"qualifiers" },
		{ "[domain-name:value = 'a.example' AND "
			"domain-name:resolves_to_refs[*].value = '198.51.100.1']",
			1, "a.example", SH_IND_EXACT, "qualifiers" },
		{ "[url:value = 'http://198.51.100.7/x']", 0, NULL, 0,
			"is not a host name" },
		{ "[ipv4-addr:value = '198.51.100.1'] OR [file:hashes.'SHA-256'"
			" = 'ab']", 0, NULL, 0, "2 comparisons on other objects" },
		{ "[domain-name:value = 'a.example'", 1, "a.example",
			SH_IND_EXACT, "does not parse" },
		{ "[domain-name:value = 'a.example]", 0, NULL, 0,
			"does not parse" },
		{ "[domain-name:value = 'com']", 0, NULL, 0, "not a host name" },
		{ NULL, 0, NULL, 0, NULL } };
	char text[2048];
	size_t i;
	(void)state;
	for(i = 0; c[i].pattern; i++) {
		struct sh_feed* f;
		snprintf(text, sizeof(text), "{\"type\": \"bundle\", \"id\": "
			"\"bundle--1\", \"objects\": [{\"type\": \"indicator\", "
			"\"id\": \"indicator--1\", \"pattern_type\": \"stix\", "
			"\"pattern\": \"%s\"}]}", c[i].pattern);
		f = ft_loads("p.json", text, "stix");
		if(f->num_ind != c[i].n) {
			ft_dump();
			fail_msg("pattern %s: %zu names", c[i].pattern,
				f->num_ind);
		}
		if(c[i].name)
			ft_need(f, c[i].name, c[i].flags);
		ft_expect(SH_SEV_NOTE, 1, 0, c[i].note);
		sh_feed_unref(f);
	}
}

/** Revoked, other pattern types, expiry, SCOs, YAML form, lone object. */
static void
test_objects(void** state)
{
	struct sh_feed* f;
	(void)state;
	f = ft_loads("o.json", "{\"type\": \"bundle\", \"id\": \"bundle--2\",\n"
		" \"objects\": [\n"
		"  {\"type\": \"indicator\", \"id\": \"indicator--r\", \"revoked\": "
		"true, \"pattern_type\": \"stix\", \"pattern\": "
		"\"[domain-name:value = 'r.example']\"},\n"
		"  {\"type\": \"indicator\", \"id\": \"indicator--s\", "
		"\"pattern_type\": \"sigma\", \"pattern\": \"title: x\"},\n"
		"  {\"type\": \"indicator\", \"id\": \"indicator--e\", "
		"\"pattern\": \"[domain-name:value = 'e.example']\", "
		"\"valid_until\": \"2020-01-01T00:00:00Z\"},\n"
		"  {\"type\": \"indicator\", \"id\": \"indicator--b\", "
		"\"pattern\": \"[domain-name:value = 'b.example']\", "
		"\"valid_until\": \"someday\"},\n"
		"  {\"type\": \"domain-name\", \"id\": \"domain-name--1\", "
		"\"value\": \"sco.example\"},\n"
		"  {\"type\": \"domain-name\", \"id\": \"domain-name--2\", "
		"\"value\": \"b.example\"},\n"
		"  {\"type\": \"indicator\", \"id\": \"indicator--n\"},\n"
		"  [1, 2]\n ]}\n", "stix");
	assert_int_equal(f->num_ind, 2);
	ft_need(f, "sco.example", SH_IND_EXACT);
	assert_int_equal(ft_need(f, "b.example", SH_IND_EXACT)->expires, 0);
	assert_int_equal(f->num_expired, 1);
	ft_expect(SH_SEV_NOTE, 3, 0, "is revoked");
	ft_expect(SH_SEV_NOTE, 4, 0, "a sigma pattern");
	ft_expect(SH_SEV_NOTE, 5, 0, "expired");
	ft_expect(SH_SEV_NOTE, 6, 0, "not a timestamp");
	ft_expect(SH_SEV_NOTE, 8, 0, "already taken at line 6");
	ft_expect(SH_SEV_NOTE, 9, 0, "has no pattern");
	ft_expect(SH_SEV_NOTE, 10, 0, "not a STIX object");
	sh_feed_unref(f);

	f = ft_loads("y.yaml", "type: bundle\nobjects:\n"
		"  - type: indicator\n    id: indicator--y\n"
		"    pattern: \"[domain-name:value = 'y.example']\"\n", "stix");
	ft_need(f, "y.example", SH_IND_EXACT);
	assert_string_equal(f->id, "y"); /* no bundle id: the file name */
	sh_feed_unref(f);

	f = ft_loads("lone.json", "{\"type\": \"indicator\", \"id\": "
		"\"indicator--l\", \"pattern\": \"[domain-name:value = "
		"'l.example']\"}", "stix");
	ft_need(f, "l.example", SH_IND_EXACT);
	sh_feed_unref(f);
}

/** What refuses a file. */
static void
test_refusals(void** state)
{
	(void)state;
	ft_refused("r.json", "{\"type\": \"report\", \"id\": \"report--1\"}",
		1, 1, "not a STIX bundle");
	ft_refused("r.json", "{\"type\": \"bundle\", \"objects\": [}", 1, 0,
		"YAML syntax error");
	ft_refused("r.json", "{\"type\": \"bundle\", \"type\": \"bundle\"}",
		1, 20, "duplicate key");
	ft_refused("r.json", "[{\"type\": \"bundle\"}]", 1, 1,
		"must be a mapping");
	ft_refused("r.json", "{\"type\": \"bundle\", \"objects\": {}}", 1, 31,
		"'objects' must be a sequence");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundle),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
