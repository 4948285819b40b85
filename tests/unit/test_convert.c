/*
 * test_convert.c - the model-based check of sh_feed_to_yaml (convert).
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Every sample, in every format (native, Sigma, STIX, RPZ, list),
 * loaded, written as native YAML and
 * loaded again gives the same feed (feedsame.h): names, flags, actions,
 * times, confidences, tags, comments, own addresses, rules, and the
 * feed's id, description, version, references and defaults.  Samples
 * include strings YAML must escape (quotes, backslashes, control
 * characters, the characters YAML reads as line breaks) and names with
 * bytes that need presentation escapes.  fuzz_convert checks the same
 * property on any input.
 */
#include "feedtest.h"
#include "feedsame.h"

/** Samples: file name (its extension is a hint) and contents. */
static const char* const samples[][2] = {
	{ "native.yaml",
	  "feed:\n  id: n-1\n  description: \"a \\\"quoted\\\" \\\\ text\\t"
	  "\\x01 \\u0085 \\u2028 \\ufeff é 中\"\n  version: \"7\"\n"
	  "  references: [https://example.org/a, 'http://example.org/b']\n"
	  "  defaults: {action: nxdomain, confidence: 40}\n"
	  "indicators:\n"
	  "  - domain: 'a\\.b.example'\n    exact: true\n    action: refuse\n"
	  "    first_seen: 1969-07-20T20:17:40Z\n"
	  "    expires: 2099-01-01T00:00:00+02:00\n    confidence: 0\n"
	  "    tags: [x, \"y z\"]\n    comment: \"line\\nbreak\"\n"
	  "    addresses: ['2001:db8::1', 192.0.2.1]\n"
	  "    rule: {title: only a title}\n"
	  "  - \"\\\\000\\\\255.example\"\n  - 'UPPER.Example.'\n"
	  "allow:\n  - domain: ok.a.example\n    comment: fp\n"
	  "    rule: {id: r-1}\n" },
	{ "rule.yml",
	  "title: Sample \"quoted\" rule\nid: 6f1c9a52-3b7e-4d0a-9e51-"
	  "2a8c7d4b1e90\nstatus: test\ndescription: |\n  two\n  lines\n"
	  "references: [https://example.org/r]\ndate: 2023-03-29\n"
	  "tags: [attack.t1071]\nlogsource: {category: dns_query}\n"
	  "detection:\n  selection:\n    QueryName|contains: [a.example, "
	  "b.example]\n    QueryName: exact.example\n"
	  "  filter: {QueryName: ok.a.example}\n"
	  "  condition: selection and not filter\n"
	  "falsepositives: [none, \"really\"]\nlevel: critical\n" },
	{ "bundle.json",
	  "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
	  "{\"type\": \"indicator\", \"id\": \"indicator--1\", \"name\": "
	  "\"n\\u0001\", \"description\": \"d\", \"confidence\": 70, "
	  "\"labels\": [\"l\"], \"pattern_type\": \"stix\", \"pattern\": "
	  "\"[domain-name:value = 'a.example'] OR [domain-name:value LIKE "
	  "'%.b.example']\", \"valid_from\": \"2023-01-01T00:00:00Z\", "
	  "\"valid_until\": \"2031-01-01T00:00:00.5Z\", "
	  "\"external_references\": [{\"url\": \"https://example.org/x\"}]},"
	  "{\"type\": \"domain-name\", \"value\": \"c.example\"}]}" },
	{ "empty.yml",
	  "title: ''\nid: e-1\ndescription: ''\ntags: ['', t]\n"
	  "falsepositives: ['', \"\\0x\"]\nlogsource: {category: dns}\n"
	  "detection:\n  s: {query: a.example}\n  condition: s\n" },
	{ "empty.json",
	  "{\"type\": \"bundle\", \"id\": \"bundle--e\", \"objects\": ["
	  "{\"type\": \"indicator\", \"name\": \"\", \"description\": "
	  "\"\\u0000\", \"labels\": [\"\"], \"pattern\": "
	  "\"[domain-name:value = 'a.example']\"}]}" },
	{ "rpz.example.rpz",
	  "$ORIGIN rpz.example.\n$TTL 300\n"
	  "@ SOA ns.rpz.example. h.rpz.example. 2024050101 3600 600 86400 "
	  "300\n  NS localhost.\n"
	  "nx.example CNAME .\n*.nx.example CNAME .\n"
	  "both.example CNAME .\n*.both.example CNAME *.\n"
	  "ok.nx.example CNAME rpz-passthru.\ndrop.example CNAME rpz-drop.\n"
	  "local.example A 192.0.2.53\nlocal.example AAAA 2001:db8::53\n"
	  "v6.example AAAA 2001:db8::54\ntxt.example TXT \"x\"\n"
	  "garden.example CNAME walled.garden.example.\n"
	  "a\\.b.example CNAME .\nxn--bcher-kva.example CNAME .\n" },
	{ "blocklist.hosts",
	  "# Title: a \"quoted\" list \\ é\n# Version: 2024.05\n"
	  "127.0.0.1 localhost\n0.0.0.0 a.example b.example\n"
	  "||c.example^\n@@||ok.c.example^\nd.example\nbücher.example\n" },
	/* U+FFFE and U+FFFF are UTF-8 that YAML does not allow raw
	 * (found by fuzz_list) */
	{ "nonchar.txt",
	  "# Title: x\xef\xbf\xbe y \xef\xbf\xbf z \xef\xbb\xbb\n"
	  "a.example\n" },
	{ NULL, NULL }
};

/** Load, convert, load again, compare. */
static void
test_round_trip(void** state)
{
	size_t i;
	(void)state;
	for(i = 0; samples[i][0]; i++) {
		struct sh_feed* a = ft_parse(samples[i][0], samples[i][1]);
		struct sh_feed* b;
		const char* why = NULL;
		size_t len = 0;
		char* text;
		if(!a) {
			ft_dump();
			fail_msg("sample %s does not load", samples[i][0]);
		}
		assert_true(a->num_ind > 0);
		text = sh_feed_to_yaml(a, &len);
		assert_non_null(text);
		assert_int_equal(strlen(text), len);
		ft_ndiags = 0;
		b = sh_feed_parse("converted.yaml", text, len, NULL, FT_NOW,
			ft_collect, NULL);
		if(!b) {
			ft_dump();
			fail_msg("conversion of %s does not load:\n%s",
				samples[i][0], text);
		}
		assert_string_equal(b->format, "native");
		if(!fs_feed(a, b, &why))
			fail_msg("conversion of %s differs in %s:\n%s",
				samples[i][0], why, text);
		free(text);
		sh_feed_unref(a);
		sh_feed_unref(b);
	}
}

/** The conversion says where it came from. */
static void
test_header(void** state)
{
	struct sh_feed* f;
	size_t len;
	char* text;
	(void)state;
	f = ft_loads("rule.yml", samples[1][1], "sigma");
	text = sh_feed_to_yaml(f, &len);
	assert_non_null(strstr(text, "# converted from format sigma"));
	assert_non_null(strstr(text, "rule: {id: \"6f1c9a52"));
	free(text);
	sh_feed_unref(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
