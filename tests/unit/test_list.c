/*
 * test_list.c - unit tests of the plain list, hosts file and adblock reader.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * lib/formats/list.c on the shapes blocklists are published in: a plain
 * domain list (abuse.ch style, with CRLF, a BOM and trailing comments),
 * a hosts file with the usual local records at its top (StevenBlack
 * style), an adblock-style DNS list (hagezi, AdGuard style), the feed id
 * from the file name, repeats taken once, Unicode names, and every
 * refusal with its line and column.
 */
#include "feedtest.h"
#include <unistd.h>

/** A plain list: names with their subdomains, comments, CRLF, BOM. */
static void
test_plain(void** state)
{
	struct sh_feed* f;
	const struct sh_indicator* ind;

	(void)state;
	f = ft_loads("/feeds/urlhaus-domains.txt",
		"\xef\xbb\xbf# abuse.ch URLhaus: malware distribution domains\r\n"
		"# Version: 2024-05-01 10:00\r\n"
		"#\r\n"
		"evil.example\r\n"
		"  Mixed.Case.example   # trailing comment\r\n"
		"\r\n"
		"*.wild.example\r\n"
		"bücher.example\r\n"
		"evil.example\r\n"
		"last.example", "list");
	assert_string_equal(f->id, "urlhaus-domains");
	assert_string_equal(f->version, "2024-05-01 10:00");
	assert_int_equal(f->num_ind, 5);
	ind = ft_need(f, "evil.example", 0);
	assert_int_equal(ind->line, 4);
	assert_int_equal(ind->column, 1);
	ind = ft_need(f, "mixed.case.example", 0);
	assert_int_equal(ind->line, 5);
	assert_int_equal(ind->column, 3);
	ind = ft_need(f, "wild.example", 0);
	assert_int_equal(ind->column, 3);
	ft_expect(SH_SEV_NOTE, 7, 1, "taken as wild.example and its subdomains");
	ind = ft_need(f, "xn--bcher-kva.example", 0);
	assert_string_equal(ind->unicode, "bücher.example");
	ft_need(f, "last.example", 0);
	/* a repeat is taken once, with a note naming the first line */
	ft_expect(SH_SEV_NOTE, 9, 1, "already taken at line 4");
	ft_expect(SH_SEV_NOTE, 0, 0, "taken: 5 names");
	ft_expect(SH_SEV_NOTE, 0, 0, "1 repeats");
	sh_feed_unref(f);
}

/** A hosts file: exact names, local records skipped, several names. */
static void
test_hosts(void** state)
{
	struct sh_feed* f;

	(void)state;
	f = ft_loads("hosts.hosts",
		"# Title: StevenBlack/hosts\n"
		"# Date: 01 May 2024\n"
		"127.0.0.1 localhost\n"
		"127.0.0.1 localhost.localdomain\n"
		"127.0.0.1 local\n"
		"255.255.255.255 broadcasthost\n"
		"::1 localhost\n"
		"::1 ip6-localhost ip6-loopback\n"
		"fe80::1%lo0 localhost\n"
		"ff00::0 ip6-localnet\n"
		"ff02::1 ip6-allnodes\n"
		"0.0.0.0 0.0.0.0\n"
		"# End of custom host records.\n"
		"0.0.0.0 ads.example\n"
		"0.0.0.0\ttracker.example   # tab separated\n"
		"127.0.0.1 a.example b.example\n"
		":: v6.example\n"
		"::1 v6b.example\n", "list");
	assert_string_equal(f->id, "hosts");
	assert_string_equal(f->description, "StevenBlack/hosts");
	assert_int_equal(f->num_ind, 6);
	assert_int_equal(ft_need(f, "ads.example", SH_IND_EXACT)->column, 9);
	assert_int_equal(ft_need(f, "tracker.example", SH_IND_EXACT)->column,
		9);
	assert_int_equal(ft_need(f, "b.example", SH_IND_EXACT)->column, 21);
	ft_need(f, "a.example", SH_IND_EXACT);
	ft_need(f, "v6.example", SH_IND_EXACT);
	ft_need(f, "v6b.example", SH_IND_EXACT);
	ft_expect(SH_SEV_NOTE, 3, 11, "'localhost' is a local host record");
	ft_expect(SH_SEV_NOTE, 6, 17, "'broadcasthost' is a local host record");
	ft_expect(SH_SEV_NOTE, 8, 19, "'ip6-loopback'");
	ft_expect(SH_SEV_NOTE, 12, 9, "'0.0.0.0' is a local host record");
	assert_int_equal(f->num_skipped, 11);
	ft_expect(SH_SEV_NOTE, 0, 0, "6 hosts entries exactly");
	sh_feed_unref(f);
}

/** Adblock-style DNS lists: ||name^, exceptions, $important. */
static void
test_adblock(void** state)
{
	struct sh_feed* f;

	(void)state;
	f = ft_loads("multi.txt",
		"[Adblock Plus 2.0]\n"
		"! Title: HaGeZi's Multi DNS Blocklist\n"
		"! Version: 2024.0501.1000\n"
		"||ads.example^\n"
		"||tracker.example^$important\n"
		"@@||ok.ads.example^\n"
		"||bücher.example^\n", "list");
	assert_string_equal(f->id, "multi");
	assert_string_equal(f->description, "HaGeZi's Multi DNS Blocklist");
	assert_string_equal(f->version, "2024.0501.1000");
	assert_int_equal(ft_need(f, "ads.example", 0)->column, 3);
	ft_need(f, "tracker.example", 0);
	assert_int_equal(ft_need(f, "ok.ads.example", SH_IND_ALLOW)->action,
		SH_ACTION_ALLOW);
	ft_need(f, "xn--bcher-kva.example", 0);
	ft_expect(SH_SEV_NOTE, 6, 1, "exception rule 'ok.ads.example'");
	sh_feed_unref(f);
}

/** Every refusal, all reported at once, each at its line and column. */
static void
test_refusals(void** state)
{
	struct sh_feed* f;

	(void)state;
	f = ft_parse("bad.txt",
		"good.example\n"
		"http://evil.example/x\n"
		"evil.example extra\n"
		"192.0.2.1 evil.example\n"
		"||evil.example\n"
		"||evil.example^$third-party\n"
		"0.0.0.0\n"
		"back\\slash.example\n"
		"bad..example\n"
		"com\n"
		"|evil.example^\n"
		"0.0.0.0 evil.example/path\n"
		"||evil.example/ads^\n"
		"\xf0\x9f\x92\xa9.example\n"
		"@@||good.example^\n");
	assert_null(f);
	ft_expect(SH_SEV_ERROR, 2, 5, "':' in 'http://evil.example/x'");
	ft_expect(SH_SEV_ERROR, 3, 14, "unexpected 'extra' after "
		"'evil.example'");
	ft_expect(SH_SEV_ERROR, 4, 11, "'evil.example' is mapped to "
		"192.0.2.1");
	ft_expect(SH_SEV_ERROR, 5, 15, "ends its name with '^'");
	ft_expect(SH_SEV_ERROR, 6, 16, "'$third-party' after the rule");
	ft_expect(SH_SEV_ERROR, 7, 8, "needs a name after the address");
	ft_expect(SH_SEV_ERROR, 8, 5, "'\\' in 'back\\slash.example'");
	ft_expect(SH_SEV_ERROR, 9, 1, "invalid domain name 'bad..example'");
	ft_expect(SH_SEV_ERROR, 10, 1, "'com' is a top-level domain");
	ft_expect(SH_SEV_ERROR, 11, 1, "starts with '||'");
	ft_expect(SH_SEV_ERROR, 12, 21, "'/' in 'evil.example/path'");
	ft_expect(SH_SEV_ERROR, 13, 15, "'/' in 'evil.example/ads'");
	ft_expect(SH_SEV_ERROR, 14, 1, "not a valid internationalised name");
	/* blocked and allowed: the later one is left out, with a warning */
	ft_expect(SH_SEV_WARNING, 15, 5, "is an indicator at line 1");
}

/** The feed id comes from the file name. */
static void
test_feed_id(void** state)
{
	struct sh_feed* f;

	(void)state;
	f = ft_loads("/var/lib/feeds/My Block-List.v2.list",
		"evil.example\n", "list");
	assert_string_equal(f->id, "my-block-list.v2");
	sh_feed_unref(f);
	f = ft_loads("noext", "evil.example\n", "list");
	assert_string_equal(f->id, "noext");
	sh_feed_unref(f);
	ft_refused("/x/___.txt", "evil.example\n", 0, 0, "no feed id");
	/* an empty list is a valid, empty feed */
	f = ft_loads("empty.txt", "# nothing yet\n\n", "list");
	assert_int_equal(f->num_ind, 0);
	sh_feed_unref(f);
}

/** Lists are read by the feed store too, under their names. */
static void
test_load_file(void** state)
{
	char dir[] = "/tmp/sh-test-list.XXXXXX", path[256];
	struct sh_scan_result res;
	struct sh_feed** feeds = NULL;
	struct sh_store* st;
	FILE* fp;

	(void)state;
	assert_true(sh_feed_file_wanted("abuse.hosts"));
	assert_true(sh_feed_file_wanted("domains.list"));
	assert_true(sh_feed_file_wanted("urlhaus.txt"));
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/abuse.hosts", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("0.0.0.0 evil.example\n", fp);
	fclose(fp);
	assert_non_null(st = sh_store_new());
	assert_true(sh_store_scan(st, dir, NULL, FT_NOW, ft_collect, NULL,
		&res));
	assert_int_equal(res.loaded, 1);
	assert_int_equal(res.failed, 0);
	assert_int_equal(sh_store_feeds(st, &feeds), 1);
	assert_string_equal(feeds[0]->id, "abuse");
	assert_string_equal(feeds[0]->format, "list");
	free(feeds);
	sh_store_free(st);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_adblock),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_feed_id),
		cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
