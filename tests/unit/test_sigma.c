/*
 * test_sigma.c - unit tests of the Sigma rule reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Sigma rules written for these tests from the Sigma specification and
 * SigmaHQ's conventions (no published rule is copied): the shape of the
 * 3CX emerging-threat rules (dns_query on QueryName|contains, proxy on
 * cs-host, network_connection on DestinationHostname), several
 * documents per file, every value modifier, every supported condition
 * and every refusal with its position, and the metadata mapping.
 */
#include "feedtest.h"

/** A dns_query rule shaped like SigmaHQ's 3CX C2 rule, our names. */
static const char* rule_3cx =
	"title: Sample Supply Chain C2 Domains Lookup\n"
	"id: 6f1c9a52-3b7e-4d0a-9e51-2a8c7d4b1e90\n"
	"status: test\n"
	"description: DNS queries to the C2 names of a sample campaign.\n"
	"references:\n"
	"    - https://example.org/report/sample-campaign\n"
	"    - not a url\n"
	"author: unbound-sinkhole tests\n"
	"date: 2023/03/29\n"
	"modified: 2023-03-30\n"
	"tags:\n"
	"    - attack.command-and-control\n"
	"    - detection.emerging-threats\n"
	"logsource:\n"
	"    category: dns_query\n"
	"    product: windows\n"
	"detection:\n"
	"    selection:\n"
	"        QueryName|contains:\n"
	"            - 'akamaicontainer.example'\n"
	"            - 'msstorageazure.example'\n"
	"    condition: selection\n"
	"falsepositives:\n"
	"    - Unlikely\n"
	"level: high\n";

/** The 3CX shape: names, flags, metadata, notes. */
static void
test_3cx_shape(void** state)
{
	const struct sh_indicator* ind;
	struct sh_feed* f;
	(void)state;
	f = ft_loads("3cx_dns.yml", rule_3cx, "sigma");
	assert_string_equal(f->id, "6f1c9a52-3b7e-4d0a-9e51-2a8c7d4b1e90");
	assert_string_equal(f->description,
		"DNS queries to the C2 names of a sample campaign.");
	assert_string_equal(f->version, "2023-03-30");
	assert_string_equal(f->references[0],
		"https://example.org/report/sample-campaign");
	assert_null(f->references[1]);
	assert_int_equal(f->num_ind, 2);
	ind = ft_need(f, "akamaicontainer.example", 0);
	assert_int_equal(ind->line, 20);
	assert_int_equal(ind->column, 15);
	assert_int_equal(ind->confidence, 85);
	assert_int_equal(ind->first_seen, 1680048000); /* 2023-03-29 */
	assert_string_equal(ind->tags[0], "attack.command-and-control");
	assert_string_equal(ind->comment, "false positives: Unlikely");
	assert_non_null(ind->src);
	assert_string_equal(ind->src->id,
		"6f1c9a52-3b7e-4d0a-9e51-2a8c7d4b1e90");
	assert_string_equal(ind->src->title,
		"Sample Supply Chain C2 Domains Lookup");
	ft_need(f, "msstorageazure.example", 0);
	ft_expect(SH_SEV_NOTE, 0, 0, "read as format 'sigma'");
	ft_expect(SH_SEV_NOTE, 20, 15, "substring match is wider");
	sh_feed_unref(f);
}

/** Value modifiers and wildcards. */
static void
test_modifiers(void** state)
{
	struct sh_feed* f;
	(void)state;
	f = ft_loads("m.yml",
		"title: m\nid: m-1\nlogsource: {category: dns}\n"
		"detection:\n"
		"  s1:\n    query: exact.example\n"
		"  s2:\n    query: '*.wild.example'\n"
		"  s3:\n    query|endswith: '.ends.example'\n"
		"  s4:\n    query|endswith: 'suffix.example'\n"
		"  s5:\n    query|startswith: 'pre.example'\n"
		"  s6:\n    query|re: '.*\\.re\\.example'\n"
		"  s7:\n    query|base64: 'b64.example'\n"
		"  s8:\n    query: 'mid*dle.example'\n"
		"  s9:\n    query|contains|all: ['a.example', 'b.example']\n"
		"  s10:\n    query: 'prefix.example*'\n"
		"  s11:\n    query: '*contains.example*'\n"
		"  s12:\n    query|endswith|cased: '.cased.example'\n"
		"  s13:\n    query: ['not a host', 42, ~, 'x.example.']\n"
		"  s14:\n    query|contains: 'single'\n"
		"  condition: 1 of s*\n", "sigma");
	ft_need(f, "exact.example", SH_IND_EXACT);
	ft_need(f, "wild.example", 0);
	ft_need(f, "ends.example", 0);
	ft_need(f, "suffix.example", 0);
	ft_need(f, "contains.example", 0);
	ft_need(f, "cased.example", 0);
	ft_need(f, "x.example", SH_IND_EXACT);
	assert_int_equal(f->num_ind, 7);
	ft_expect(SH_SEV_NOTE, 14, 23, "'pre.example' not taken: the "
		"modifier has no DNS name equivalent");
	ft_expect(SH_SEV_NOTE, 16, 15, "not taken: the modifier");
	ft_expect(SH_SEV_NOTE, 18, 19, "not taken: the modifier");
	ft_expect(SH_SEV_NOTE, 20, 12, "wildcard or escape inside");
	ft_expect(SH_SEV_NOTE, 22, 26, "not taken: the modifier");
	ft_expect(SH_SEV_NOTE, 24, 12, "prefix match");
	ft_expect(SH_SEV_NOTE, 30, 13, "not a host name");
	ft_expect(SH_SEV_NOTE, 30, 27, "not a host name");
	ft_expect(SH_SEV_NOTE, 30, 31, "not a string value");
	ft_expect(SH_SEV_NOTE, 32, 21, "not a host name");
	ft_expect(SH_SEV_NOTE, 10, 21, "does not cover the name itself");
	assert_int_equal(f->num_skipped, 11);
	sh_feed_unref(f);
}

/** Conditions that map. */
static void
test_conditions(void** state)
{
	static const char* head = "title: c\nid: c-1\n"
		"logsource: {category: network_connection}\ndetection:\n"
		"  sel_a: {DestinationHostname: a.example}\n"
		"  sel_b: {DestinationHostname: b.example}\n"
		"  filter: {DestinationHostname: ok.a.example}\n"
		"  proc: {Image|endswith: '\\app.exe'}\n";
	static const char* const conds[] = { "sel_a or sel_b",
		"1 of sel_*", "any of sel_*", "(sel_a or sel_b)",
		"1 of sel_* and not filter", "sel_a or sel_b and not filter",
		"1 of them", "all of sel_a", "sel_a and proc or sel_b",
		"proc and 1 of sel_* and not filter", NULL };
	static const int nind[] = { 2, 2, 2, 2, 3, 3, 3, 1, 2, 3 };
	char text[1024];
	size_t i;
	(void)state;
	for(i = 0; conds[i]; i++) {
		struct sh_feed* f;
		snprintf(text, sizeof(text), "%s  condition: %s\n", head,
			conds[i]);
		f = ft_loads("c.yml", text, "sigma");
		if((int)f->num_ind != nind[i])
			fail_msg("condition '%s': %zu indicators", conds[i],
				f->num_ind);
		sh_feed_unref(f);
	}
	/* "and not": the filter's names are allow entries */
	snprintf(text, sizeof(text), "%s  condition: 1 of sel_* and not "
		"filter\n", head);
	{
		struct sh_feed* f = ft_loads("c.yml", text, "sigma");
		ft_need(f, "ok.a.example", SH_IND_EXACT | SH_IND_ALLOW);
		sh_feed_unref(f);
	}
	/* all of them with one selection, and a list of conditions */
	{
		struct sh_feed* f = ft_loads("c.yml", "title: c\nid: c\n"
			"logsource: {category: dns_query}\ndetection:\n"
			"  selection: {QueryName: one.example}\n"
			"  condition: all of them\n", "sigma");
		assert_int_equal(f->num_ind, 1);
		sh_feed_unref(f);
		f = ft_loads("c.yml", "title: c\nid: c\n"
			"logsource: {category: dns_query}\ndetection:\n"
			"  s1: {QueryName: one.example}\n"
			"  s2: {QueryName: two.example}\n"
			"  condition: [s1, s2]\n", "sigma");
		assert_int_equal(f->num_ind, 2);
		sh_feed_unref(f);
	}
	/* proc narrows: reported */
	snprintf(text, sizeof(text), "%s  condition: proc and sel_a\n", head);
	{
		struct sh_feed* f = ft_loads("c.yml", text, "sigma");
		ft_expect(SH_SEV_NOTE, 9, 14, "'proc' narrows the rule");
		sh_feed_unref(f);
	}
}

/** Conditions that cannot be mapped refuse the file at the token. */
static void
test_condition_refusals(void** state)
{
	static const char* head = "title: c\nid: c-1\n"
		"logsource: {category: network_connection}\ndetection:\n"
		"  sel_a: {DestinationHostname: a.example}\n"
		"  sel_b: {DestinationHostname: b.example}\n"
		"  filter: {DestinationHostname: ok.a.example}\n";
	static const struct { const char* cond; unsigned col;
		const char* why; } bad[] = {
		{ "sel_a and sel_b", 24, "asks for both at once" },
		{ "all of sel_*", 14, "'all of' several selections" },
		{ "all of them", 14, "'all of' several selections" },
		{ "not sel_a", 14, "no selection with host names" },
		{ "sel_a and not filter or sel_b", 35, "'or' after 'and not'" },
		{ "sel_a | count() > 5", 20, "aggregations" },
		{ "sel_c", 14, "names no selection" },
		{ "1 of nothing*", 19, "no selection matches" },
		{ "(sel_a or sel_b", 29, "')' expected" },
		{ "sel_a sel_b", 20, "unexpected words" },
		{ "sel_a or not filter", 23, "no selection with host names" },
		{ "(sel_a or not filter)", 24, "'not' inside 'or'" },
		{ "sel_a near sel_b", 20, "unexpected words" },
		{ NULL, 0, NULL } };
	char text[1024];
	size_t i;
	(void)state;
	for(i = 0; bad[i].cond; i++) {
		snprintf(text, sizeof(text), "%s  condition: %s\n", head,
			bad[i].cond);
		ft_refused("c.yml", text, 8, bad[i].col, bad[i].why);
	}
	ft_refused("c.yml", "title: c\nid: c\nlogsource: {category: dns}\n"
		"detection:\n  s: {query: a.example}\n", 5, 3,
		"no 'condition'");
	ft_refused("c.yml", "title: c\nid: c\nlogsource: {category: dns}\n"
		"detection: [a]\n", 4, 12, "'detection' must be a mapping");
	ft_refused("c.yml", "title: c\nid: c\nlogsource: {category: dns}\n"
		"detection:\n  s: {query: a.example}\n  condition: {x: 1}\n", 6,
		14, "'condition' must be a string");
	ft_refused("c.yml", "title: c\ntitle: d\ndetection: {}\n", 2, 1,
		"duplicate key 'title'");
	/* a second document that is not a mapping */
	ft_refused("c.yml", "title: c\nid: c\nlogsource: {category: dns}\n"
		"detection:\n  s: {query: a.example}\n  condition: s\n---\n"
		"- x\n", 8, 1, "a Sigma rule must be a mapping");
}

/** Several documents, log sources without host fields, status. */
static void
test_documents(void** state)
{
	struct sh_feed* f;
	(void)state;
	f = ft_loads("multi.yml",
		"title: first\nid: 11111111-1111-4111-8111-111111111111\n"
		"status: deprecated\n"
		"logsource: {category: dns_query}\ndetection:\n"
		"  selection: {QueryName: [a.example, b.example]}\n"
		"  condition: selection\n"
		"---\n"
		"title: second\nid: 22222222-2222-4222-8222-222222222222\n"
		"logsource: {category: proxy}\ndetection:\n"
		"  selection: {cs-host: [b.example, c.example]}\n"
		"  condition: selection\n"
		"---\n"
		"title: process rule\nid: 33333333-3333-4333-8333-333333333333\n"
		"logsource: {category: process_creation, product: windows}\n"
		"detection:\n  selection: {Image|endswith: '\\x.exe'}\n"
		"  condition: selection\n"
		"---\n"
		"title: a correlation\nname: corr\ncorrelation: {type: event_count}\n",
		"sigma");
	assert_string_equal(f->id, "11111111-1111-4111-8111-111111111111");
	assert_int_equal(f->num_ind, 3);
	assert_string_equal(ft_need(f, "c.example", SH_IND_EXACT)->src->title,
		"second");
	assert_string_equal(ft_need(f, "b.example", SH_IND_EXACT)->src->title,
		"first");
	ft_expect(SH_SEV_WARNING, 3, 9, "status deprecated");
	ft_expect(SH_SEV_NOTE, 13, 25, "already taken at line 6");
	ft_expect(SH_SEV_NOTE, 18, 12, "log source has no host-name field");
	ft_expect(SH_SEV_NOTE, 23, 1, "without 'detection'");
	sh_feed_unref(f);

	/* no id anywhere: the file name */
	f = ft_loads("/x/My Rules.yml", "title: t\nlogsource: {category: dns}\n"
		"detection:\n  s: {query: a.example}\n  condition: s\n", "sigma");
	assert_string_equal(f->id, "my-rules");
	sh_feed_unref(f);

	/* a TLD or the root is a warning and not taken, not a refusal */
	f = ft_loads("t.yml", "title: t\nid: t\nlogsource: {category: dns}\n"
		"detection:\n  s: {query|endswith: ['.xyz', x.example]}\n"
		"  condition: s\n", "sigma");
	assert_int_equal(f->num_ind, 1);
	ft_expect(SH_SEV_NOTE, 5, 24, "not a host name");
	sh_feed_unref(f);
	ft_refused("y.yml", "title: t\nid: t\n: bad: yaml\n", 3, 0, "YAML");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_3cx_shape),
		cmocka_unit_test(test_modifiers),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_condition_refusals),
		cmocka_unit_test(test_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
