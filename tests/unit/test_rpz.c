/*
 * test_rpz.c - unit tests of the RPZ zone reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * lib/formats/rpz.c on zones written after draft-vixie-dnsop-dns-rpz:
 * a hand-written zone with $ORIGIN and relative names (as MISP exports
 * it), the file Unbound's auth-zone writes after a transfer (absolute
 * names, tabs, SOA first, RRSIGs), a zone transfer as printed by dig
 * from NSD (the SOA again at the end); every QNAME policy and its
 * mapping, bare and "*." triggers merged or kept apart, local data as
 * per-indicator addresses, the triggers that are skipped, and every
 * refusal with its line and column.
 */
#include "feedtest.h"
#include <arpa/inet.h>

/** The SOA and NS every test zone starts with. */
#define ZONE_HEAD "$ORIGIN rpz.example.\n$TTL 300\n" \
	"@ IN SOA ns.rpz.example. hostmaster.rpz.example. (\n" \
	"\t2024050101 3600 600 86400 300 )\n" \
	"  IN NS localhost.\n"

/** Every QNAME policy, as a MISP RPZ export writes them. */
static void
test_policies(void** state)
{
	const struct sh_indicator* ind;
	struct sh_feed* f;
	uint8_t a4[4], a6[16];

	(void)state;
	f = ft_loads("misp.rpz", ZONE_HEAD
		"; policies\n"
		"nx.example CNAME .\n"
		"nodata.example CNAME *.\n"
		"ok.nx.example CNAME rpz-passthru.\n"
		"old.nx.example CNAME old.nx.example.\n"
		"drop.example CNAME rpz-drop.\n"
		"tcp.example CNAME rpz-tcp-only.\n"
		"garden.example CNAME walled.garden.example.\n"
		"local.example A 192.0.2.53\n"
		"local.example AAAA 2001:db8::53\n"
		"v4.example 60 IN A 192.0.2.54\n"
		"v4.example A 192.0.2.55\n"
		"txt.example TXT \"blocked by policy\"\n"
		"XN--BCHER-KVA.example CNAME .\n", "rpz");
	assert_string_equal(f->id, "rpz.example");
	assert_string_equal(f->version, "2024050101");
	ft_expect(SH_SEV_NOTE, 3, 1, "zone rpz.example, serial 2024050101");
	ind = ft_need(f, "nx.example", SH_IND_EXACT);
	assert_int_equal(ind->action, SH_ACTION_NXDOMAIN);
	assert_int_equal(ind->line, 7);
	assert_int_equal(ind->column, 1);
	assert_int_equal(ft_need(f, "nodata.example", SH_IND_EXACT)->action,
		SH_ACTION_NODATA);
	assert_int_equal(ft_need(f, "ok.nx.example", SH_IND_EXACT |
		SH_IND_ALLOW)->action, SH_ACTION_ALLOW);
	ft_need(f, "old.nx.example", SH_IND_EXACT | SH_IND_ALLOW);
	assert_int_equal(ft_need(f, "drop.example", SH_IND_EXACT)->action,
		SH_ACTION_REFUSE);
	ft_expect(SH_SEV_NOTE, 11, 1, "rpz-drop is answered REFUSED");
	assert_null(ft_find(f, "tcp.example", SH_IND_EXACT));
	ft_expect(SH_SEV_NOTE, 12, 1, "rpz-tcp-only has no equivalent");
	ind = ft_need(f, "garden.example", SH_IND_EXACT);
	assert_int_equal(ind->action, SH_ACTION_SINKHOLE);
	assert_null(ind->addr);
	ft_expect(SH_SEV_NOTE, 13, 1, "walled garden");
	/* local data: the indicator's own addresses */
	ind = ft_need(f, "local.example", SH_IND_EXACT);
	assert_int_equal(ind->action, SH_ACTION_SINKHOLE);
	assert_non_null(ind->addr);
	assert_true(ind->addr->have4 && ind->addr->have6);
	inet_pton(AF_INET, "192.0.2.53", a4);
	inet_pton(AF_INET6, "2001:db8::53", a6);
	assert_memory_equal(ind->addr->ipv4, a4, 4);
	assert_memory_equal(ind->addr->ipv6, a6, 16);
	ind = ft_need(f, "v4.example", SH_IND_EXACT);
	assert_true(ind->addr->have4 && !ind->addr->have6);
	inet_pton(AF_INET, "192.0.2.54", a4);
	assert_memory_equal(ind->addr->ipv4, a4, 4);
	ft_expect(SH_SEV_NOTE, 17, 1, "one IPv4 address per indicator");
	ind = ft_need(f, "txt.example", SH_IND_EXACT);
	assert_int_equal(ind->action, SH_ACTION_NODATA);
	assert_null(ind->addr);
	ft_expect(SH_SEV_NOTE, 18, 1, "other than A and AAAA");
	ind = ft_need(f, "xn--bcher-kva.example", SH_IND_EXACT);
	assert_string_equal(ind->unicode, "bücher.example");
	assert_int_equal(f->num_ind, 10);
	assert_int_equal(f->num_skipped, 1);
	ft_expect(SH_SEV_NOTE, 0, 0, "taken: 11 triggers as 10 indicators");
	sh_feed_unref(f);
}

/** Bare and wildcard triggers, and the special triggers skipped. */
static void
test_triggers(void** state)
{
	struct sh_feed* f;

	(void)state;
	f = ft_loads("t.zone", ZONE_HEAD
		"*.both.example CNAME .\n"
		"other.example CNAME .\n"
		"both.example CNAME .\n"
		"mixed.example CNAME .\n"
		"*.mixed.example CNAME *.\n"
		"*.wild.example CNAME .\n"
		"32.1.2.0.192.rpz-ip CNAME .\n"
		"ns.evil.example.rpz-nsdname CNAME .\n"
		"32.53.2.0.192.rpz-nsip CNAME .\n"
		"24.0.2.0.192.rpz-client-ip CNAME rpz-drop.\n"
		"a.*.mid.example CNAME .\n", "rpz");
	/* the same policy for both forms: one entry, name and subdomains,
	 * at the first record's position */
	assert_int_equal(ft_need(f, "both.example", 0)->line, 6);
	assert_null(ft_find(f, "both.example", SH_IND_EXACT));
	/* different policies: an exact and a subdomains entry */
	assert_int_equal(ft_need(f, "mixed.example", SH_IND_EXACT)->action,
		SH_ACTION_NXDOMAIN);
	assert_int_equal(ft_need(f, "mixed.example", 0)->action,
		SH_ACTION_NODATA);
	/* a wildcard alone covers the name too, with a note */
	ft_need(f, "wild.example", 0);
	ft_expect(SH_SEV_NOTE, 11, 1, "also covers wild.example itself");
	ft_expect(SH_SEV_NOTE, 12, 1, "rpz-ip trigger: not supported");
	ft_expect(SH_SEV_NOTE, 13, 1, "rpz-nsdname trigger");
	ft_expect(SH_SEV_NOTE, 14, 1, "rpz-nsip trigger");
	ft_expect(SH_SEV_NOTE, 15, 1, "rpz-client-ip trigger");
	assert_int_equal(f->num_skipped, 4);
	/* a '*' inside a name is a literal label */
	ft_need(f, "a.*.mid.example", SH_IND_EXACT);
	assert_int_equal(f->num_ind, 6);
	sh_feed_unref(f);
}

/** What Unbound's auth-zone writes to its zonefile after a transfer. */
static void
test_unbound_zonefile(void** state)
{
	struct sh_feed* f;

	(void)state;
	f = ft_loads("rpz.fleet.example.rpz",
		"rpz.fleet.example.\t3600\tIN\tSOA\tns.fleet.example. "
		"hostmaster.fleet.example. 17 3600 600 86400 300\n"
		"rpz.fleet.example.\t3600\tIN\tNS\tns.fleet.example.\n"
		"rpz.fleet.example.\t3600\tIN\tRRSIG\tSOA 13 3 3600 "
		"20250101000000 20240101000000 12345 rpz.fleet.example. "
		"dGVzdA==\n"
		"rpz.fleet.example.\t3600\tIN\tDNSKEY\t257 3 13 dGVzdA== "
		";{id = 12345}\n"
		"akamaicontainer.com.rpz.fleet.example.\t300\tIN\tCNAME\t.\n"
		"*.akamaicontainer.com.rpz.fleet.example.\t300\tIN\tCNAME\t.\n"
		"sink.example.rpz.fleet.example.\t300\tIN\tA\t192.0.2.1\n"
		"a\\.b.example.rpz.fleet.example.\t300\tIN\tCNAME\t.\n"
		"zz.example.rpz.fleet.example.\t300\tIN\tNSEC\t"
		"rpz.fleet.example. CNAME RRSIG NSEC\n", "rpz");
	assert_string_equal(f->id, "rpz.fleet.example");
	assert_string_equal(f->version, "17");
	ft_need(f, "akamaicontainer.com", 0);
	ft_need(f, "sink.example", SH_IND_EXACT);
	ft_need(f, "a\\.b.example", SH_IND_EXACT);
	assert_int_equal(f->num_ind, 3);
	ft_expect(SH_SEV_NOTE, 0, 0, "ignored: 4 apex and DNSSEC records");
	sh_feed_unref(f);
}

/** A zone transfer as dig prints it from NSD: the SOA again at the
 * end, comments, no $ORIGIN. */
static void
test_axfr_dump(void** state)
{
	struct sh_feed* f;

	(void)state;
	f = ft_loads("axfr.rpz",
		"\n; <<>> DiG 9.18.28 <<>> @127.0.0.1 -p 5300 rpz.example AXFR\n"
		"; (1 server found)\n"
		";; global options: +cmd\n"
		"rpz.example.\t\t300\tIN\tSOA\tns.rpz.example. h.rpz.example. "
		"9 3600 600 86400 300\n"
		"rpz.example.\t\t300\tIN\tNS\tlocalhost.\n"
		"evil.example.rpz.example. 300\tIN\tCNAME\t.\n"
		"rpz.example.\t\t300\tIN\tSOA\tns.rpz.example. h.rpz.example. "
		"9 3600 600 86400 300\n"
		";; Query time: 0 msec\n"
		";; XFR size: 4 records (messages 1, bytes 178)\n", "rpz");
	assert_string_equal(f->version, "9");
	assert_int_equal(ft_need(f, "evil.example", SH_IND_EXACT)->line, 7);
	assert_int_equal(f->num_ind, 1);
	sh_feed_unref(f);
}

/** Every refusal, at its line and column. */
static void
test_refusals(void** state)
{
	struct sh_feed* f;

	(void)state;
	ft_refused("a.rpz", "$TTL 300\n\nevil.example.rpz.example. CNAME .\n",
		3, 1, "starts with its SOA record");
	ft_refused("b.rpz", "", 0, 0, "an empty file is no zone");
	ft_refused("c.rpz", "; only a comment\n$TTL 60\n", 0, 0,
		"no SOA record");
	f = ft_parse("d.rpz", ZONE_HEAD
		"evil.example CNAME .\n"
		"evil.example CNAME *.\n"
		"l.example A 192.0.2.1\n"
		"l.example CNAME .\n"
		"outside.other. CNAME .\n"
		"bad.example CH TXT \"x\"\n"
		"garbage line here\n"
		"$INCLUDE /etc/passwd\n"
		"@ SOA ns. h. 2 3600 600 86400 300\n"
		"*.rpz.example. CNAME .\n"
		"com CNAME .\n"
		"   x.example IN A 192.0.2.300\n");
	assert_null(f);
	ft_expect(SH_SEV_ERROR, 7, 1, "a second policy for 'evil.example' "
		"(first at line 6)");
	ft_expect(SH_SEV_ERROR, 9, 1, "a second policy for 'l.example'");
	ft_expect(SH_SEV_ERROR, 10, 1, "'outside.other' is not in the zone");
	ft_expect(SH_SEV_ERROR, 11, 1, "class IN only");
	ft_expect(SH_SEV_ERROR, 12, 1, "not a zone file record");
	ft_expect(SH_SEV_ERROR, 13, 1, "$INCLUDE is not followed");
	ft_expect(SH_SEV_ERROR, 14, 1, "a second, different SOA record");
	ft_expect(SH_SEV_ERROR, 15, 1, "would cover every name");
	ft_expect(SH_SEV_ERROR, 16, 1, "'com' is a top-level domain");
	ft_expect(SH_SEV_ERROR, 17, 4, "not a zone file record");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_triggers),
		cmocka_unit_test(test_unbound_zonefile),
		cmocka_unit_test(test_axfr_dump),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
