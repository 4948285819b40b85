/*
 * tools/report.c - `sinkholectl report`: options, filters and the driver.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * sh_report_main() reads the options, checks that every log can be
 * opened, then streams each log line by line: a line is parsed
 * (report_parse.c), counted as an event, a metric line, a note, an
 * operational line (reload, reload_failed, indicator_expired) or a bad
 * line, filtered (--since, --until, --feed, --client, --indicator) and
 * aggregated (report_classify.c).  After the last line the clients are
 * classified and ranked, names from --names are attached, and the
 * report is written (report_render.c).  Bad lines are never fatal: they
 * are counted, reported on stderr and in the JSON and HTML outputs.
 * Nothing here sends a DNS query.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report.h"

/** Output on stdout. */
enum rep_format { REP_TABLE = 0, REP_CSV, REP_CSV_PAIRS, REP_JSON, REP_NONE };

/** The options of a run. */
struct rep_opts {
	/** time window: since inclusive, until exclusive */
	int64_t since, until;
	/** now, for relative times (--now, else the clock) */
	int64_t now;
	/** --since and --until as given, parsed after all options */
	const char* since_arg, *until_arg;
	/** --feed values, NULL terminated */
	const char** feeds;
	/** --client values as given, NULL terminated */
	const char** clients;
	/** --client values parsed */
	struct sh_report_cidr* cidrs;
	/** --indicator values, NULL terminated */
	const char** inds;
	/** --names files, NULL terminated */
	const char** names;
	/** counts of the lists */
	size_t nfeeds, nclients, ninds, nnames;
	/** stdout format; -1 until one is chosen */
	int format;
	/** --html file, or NULL */
	const char* html;
};

/**
 * Print the help text.
 * @param out: where.
 */
static void
rep_usage(FILE* out)
{
	fprintf(out,
"usage: sinkholectl report [options] LOG...\n"
"\n"
"Who looked up the indicators, when, and how often.  Reads client event\n"
"logs (JSON lines) as written by the module: plain, gzip-compressed\n"
"(recognised by content, so rotated *.gz files work), or '-' for stdin.\n"
"Lines that are not valid events are counted as bad and skipped;\n"
"the writer's metric lines, guard notes and the module's reload lines\n"
"are skipped and counted separately.\n"
"No DNS query is ever sent.\n"
"\n"
"filters (repeat an option for OR; different options AND):\n"
"  --since WHEN       events at or after WHEN\n"
"  --until WHEN       events before WHEN\n"
"                     WHEN: RFC 3339 (2026-11-29T08:00:00Z, with offset\n"
"                     or fraction), a date YYYY-MM-DD (midnight UTC), or\n"
"                     a duration before now: 90s, 30m, 24h, 7d, 2w\n"
"  --feed ID          events of this feed (rule.ruleset)\n"
"  --client CIDR      clients in this prefix (10.0.0.0/8, 2001:db8::/32)\n"
"                     or this address\n"
"  --indicator NAME   events whose indicator or query name is NAME or\n"
"                     below it\n"
"output (one on stdout; default the table):\n"
"  --table            aligned tables: clients, then indicators\n"
"  --csv              clients as CSV: rank,pattern,client,name,queries,\n"
"                     bursts,first_seen,last_seen,span_s,\n"
"                     median_interval_s,jitter,indicators,feeds,qtypes,\n"
"                     transports,resolvers (lists space separated,\n"
"                     counts as x:N; resolvers: observer.name)\n"
"  --csv-indicators   one CSV row per indicator and client: indicator,\n"
"                     feeds,client,name,pattern,queries,first_seen,\n"
"                     last_seen\n"
"  --json             one JSON document: summary, clients, indicators\n"
"  --html FILE        also write a self-contained HTML page with a\n"
"                     timeline (then stdout only gets an explicit format)\n"
"  --names FILE       names for client addresses: hosts file, ISC dhcpd\n"
"                     leases or dnsmasq leases (repeatable)\n"
"  --now WHEN         the time relative --since/--until count back from\n"
"                     (default: the clock)\n"
"  -h, --help         this text\n"
"\n"
"patterns (per client; a burst is queries less than %d s apart):\n"
"  one-off   all queries within %d s: a person running ping, nslookup,\n"
"            traceroute once\n"
"  periodic  at least %d intervals between bursts, regular: the median\n"
"            absolute deviation of the intervals is at most %.0f%% of\n"
"            their median (the jitter); likely a beacon, shown with its\n"
"            median interval and jitter\n"
"  repeated  anything else: more than one burst, irregular\n"
"verdicts (when a sinkhole-listener log is among the LOGs, joined by\n"
"client address; extra columns in every output):\n"
"  application_contact  TLS with a sinkholed SNI or HTTP with a sinkholed\n"
"            Host: likely compromised (periodic_contact when the\n"
"            lookups are periodic or the contacts repeat)\n"
"  tcp_contact      TCP to the sinkhole, no sinkholed name sent\n"
"  ping_traceroute  ICMP echo or UDP probes only: curiosity, troubleshooting\n"
"  looked_up_only   nothing reached the sinkhole\n"
"  clients are then ranked by verdict first.\n"
"ranking: clients likely compromised first: periodic, then repeated,\n"
"then one-off; within a pattern more bursts first, then more queries,\n"
"then the latest last seen.  Events with origin 'internal' are grouped\n"
"as client '%s'.  Per client at most %d bursts are kept (the\n"
"newest); counts and first/last seen are always exact.\n"
"\n"
"exit status: 0 success (also with bad lines), 2 usage error or\n"
"unreadable file.\n", SH_REPORT_BURST_GAP_MS / 1000,
	SH_REPORT_ONEOFF_SPAN_MS / 1000, SH_REPORT_MIN_INTERVALS,
	SH_REPORT_MAX_JITTER * 100, SH_REPORT_INTERNAL, SH_REPORT_BURST_CAP);
}

/**
 * Current time in ms.
 * @return ms since the epoch.
 */
static int64_t
rep_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * Set the stdout format, refusing a second one.
 * @param o: the options.
 * @param f: the format.
 * @return 1 on success, 0 if another was chosen (reported).
 */
static int
rep_set_format(struct rep_opts* o, int f)
{
	if(o->format >= 0 && o->format != f) {
		fprintf(stderr, "sinkholectl report: choose one of --table, "
			"--csv, --csv-indicators, --json\n");
		return 0;
	}
	o->format = f;
	return 1;
}

/**
 * Handle one option with an argument that is a list or a value.
 * @param o: the options.
 * @param c: the option.
 * @param arg: its argument.
 * @return 1 on success, 0 on a bad argument (reported).
 */
static int
rep_opt_arg(struct rep_opts* o, int c, const char* arg)
{
	switch(c) {
	case 's': o->since_arg = arg; return 1;
	case 'u': o->until_arg = arg; return 1;
	case 'F': o->feeds[o->nfeeds++] = arg; return 1;
	case 'I': o->inds[o->ninds++] = arg; return 1;
	case 'N': o->names[o->nnames++] = arg; return 1;
	case 'H': o->html = arg; return 1;
	case 'C':
		if(!sh_report_cidr_parse(arg, &o->cidrs[o->nclients])) {
			fprintf(stderr, "sinkholectl report: --client %s: not "
				"an address or prefix\n", arg);
			return 0;
		}
		o->clients[o->nclients++] = arg;
		return 1;
	case 'n':
		if(!sh_report_parse_when(arg, rep_now(), &o->now)) {
			fprintf(stderr, "sinkholectl report: --now %s: bad "
				"time\n", arg);
			return 0;
		}
		return 1;
	}
	return 0;
}

/**
 * Parse --since and --until once --now is known.
 * @param o: the options.
 * @return 1 on success, 0 on a bad time (reported).
 */
static int
rep_window(struct rep_opts* o)
{
	if(o->since_arg && !sh_report_parse_when(o->since_arg, o->now,
		&o->since)) {
		fprintf(stderr, "sinkholectl report: --since %s: expected RFC "
			"3339, YYYY-MM-DD or a duration like 24h\n", o->since_arg);
		return 0;
	}
	if(o->until_arg && !sh_report_parse_when(o->until_arg, o->now,
		&o->until)) {
		fprintf(stderr, "sinkholectl report: --until %s: expected RFC "
			"3339, YYYY-MM-DD or a duration like 24h\n", o->until_arg);
		return 0;
	}
	return 1;
}

/**
 * Allocate the option lists for argc arguments.
 * @param o: the options.
 * @param argc: argument count.
 * @return 1 on success, 0 on out of memory.
 */
static int
rep_opts_init(struct rep_opts* o, int argc)
{
	size_t n = (size_t)argc + 1;
	memset(o, 0, sizeof(*o));
	o->since = INT64_MIN;
	o->until = INT64_MAX;
	o->now = rep_now();
	o->format = -1;
	o->feeds = calloc(n, sizeof(*o->feeds));
	o->clients = calloc(n, sizeof(*o->clients));
	o->cidrs = calloc(n, sizeof(*o->cidrs));
	o->inds = calloc(n, sizeof(*o->inds));
	o->names = calloc(n, sizeof(*o->names));
	return o->feeds && o->clients && o->cidrs && o->inds && o->names;
}

/**
 * Free the option lists.
 * @param o: the options.
 */
static void
rep_opts_free(struct rep_opts* o)
{
	free(o->feeds);
	free(o->clients);
	free(o->cidrs);
	free(o->inds);
	free(o->names);
}

/**
 * Parse the command line.
 * @param argc: argument count.
 * @param argv: arguments, argv[0] "report".
 * @param o: filled in (initialised by rep_opts_init).
 * @return index of the first log, -1 for --help, -2 on a usage error
 *	(reported).
 */
static int
rep_parse(int argc, char** argv, struct rep_opts* o)
{
	static const struct option lo[] = {
		{"since", required_argument, NULL, 's'},
		{"until", required_argument, NULL, 'u'},
		{"feed", required_argument, NULL, 'F'},
		{"client", required_argument, NULL, 'C'},
		{"indicator", required_argument, NULL, 'I'},
		{"names", required_argument, NULL, 'N'},
		{"html", required_argument, NULL, 'H'},
		{"now", required_argument, NULL, 'n'},
		{"table", no_argument, NULL, 't'},
		{"csv", no_argument, NULL, 'c'},
		{"csv-indicators", no_argument, NULL, 'i'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	int c, ok = 1;
	optind = 0;	/* glibc: restart the scan */
	while(ok && (c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch(c) {
		case 'h': rep_usage(stdout); return -1;
		case 't': ok = rep_set_format(o, REP_TABLE); break;
		case 'c': ok = rep_set_format(o, REP_CSV); break;
		case 'i': ok = rep_set_format(o, REP_CSV_PAIRS); break;
		case 'j': ok = rep_set_format(o, REP_JSON); break;
		case '?': ok = 0; break;
		default: ok = rep_opt_arg(o, c, optarg); break;
		}
	}
	if(ok && optind >= argc) {
		fprintf(stderr, "sinkholectl report: no log file given\n");
		ok = 0;
	}
	if(!ok || !rep_window(o)) {
		fprintf(stderr, "usage: sinkholectl report [options] LOG... "
			"(see sinkholectl report --help)\n");
		return -2;
	}
	if(o->format < 0)
		o->format = o->html ? REP_NONE : REP_TABLE;
	return optind;
}

/**
 * Does a line pass the time and client filters?  A listener contact
 * is filtered by these alone: --feed and --indicator select lookups.
 * @param o: the options.
 * @param ev: the lookup or contact.
 * @return 1 if it does.
 */
static int
rep_keep_when_who(const struct rep_opts* o, const struct sh_report_event* ev)
{
	size_t i;
	int hit;
	if(ev->ts_ms < o->since || ev->ts_ms >= o->until)
		return 0;
	for(i = 0, hit = o->nclients == 0; !hit && i < o->nclients; i++)
		hit = strcmp(ev->client, SH_REPORT_INTERNAL) != 0 &&
			sh_report_cidr_match(&o->cidrs[i], ev->client);
	return hit;
}

/**
 * Does an event pass the filters?
 * @param o: the options.
 * @param ev: the event.
 * @return 1 if it does.
 */
static int
rep_keep(const struct rep_opts* o, const struct sh_report_event* ev)
{
	size_t i;
	int hit;
	if(!rep_keep_when_who(o, ev))
		return 0;
	for(i = 0, hit = o->nfeeds == 0; !hit && i < o->nfeeds; i++)
		hit = strcmp(ev->ruleset, o->feeds[i]) == 0;
	if(!hit)
		return 0;
	for(i = 0, hit = o->ninds == 0; !hit && i < o->ninds; i++)
		hit = sh_report_name_below(ev->rule, o->inds[i]) ||
			(ev->qname && sh_report_name_below(ev->qname,
			o->inds[i]));
	return hit;
}

/**
 * Count and aggregate one line.
 * @param o: the options.
 * @param a: the aggregation.
 * @param line: the line, modified.
 * @param len: its length.
 * @return 1 on success, 0 on out of memory.
 */
static int
rep_line(const struct rep_opts* o, struct sh_report_agg* a, char* line,
	size_t len)
{
	struct sh_report_event ev;
	switch(sh_report_parse_line(line, len, &ev)) {
	case SH_REPORT_LINE_EVENT:
		a->counts.events++;
		if(!rep_keep(o, &ev))
			return 1;
		a->counts.matched++;
		return sh_report_agg_add(a, &ev);
	case SH_REPORT_LINE_CONTACT:
		a->counts.listener++;
		/* --feed and --indicator select lookups only */
		if(!rep_keep_when_who(o, &ev))
			return 1;
		return sh_report_agg_contact(a, &ev);
	case SH_REPORT_LINE_LISTENER_NOTE: a->counts.listener++; return 1;
	case SH_REPORT_LINE_METRIC: a->counts.metric++; return 1;
	case SH_REPORT_LINE_NOTE: a->counts.notes++; return 1;
	case SH_REPORT_LINE_OPS: a->counts.ops++; return 1;
	case SH_REPORT_LINE_BAD: a->counts.bad++; return 1;
	}
	return 1;
}

/**
 * Stream one log into the aggregation.
 * @param o: the options.
 * @param a: the aggregation.
 * @param path: the log.
 * @return 1 on success (also on corrupt gzip data, reported), 0 on a
 *	read error or out of memory (reported).
 */
static int
rep_file(const struct rep_opts* o, struct sh_report_agg* a, const char* path)
{
	const char* err = NULL;
	struct sh_report_reader* r = sh_report_reader_open(path, &err);
	char* line;
	size_t len;
	int n, ok = 1;
	if(!r) {
		fprintf(stderr, "sinkholectl report: %s: %s\n", path, err);
		return 0;
	}
	a->counts.files++;
	while(ok && (n = sh_report_reader_next(r, &line, &len)) > 0) {
		a->counts.lines++;
		if(n == 2)
			a->counts.bad++;
		else if(!(ok = rep_line(o, a, line, len)))
			fprintf(stderr, "sinkholectl report: out of memory\n");
	}
	if(ok && n < 0) {
		fprintf(stderr, "sinkholectl report: %s: %s\n", path,
			sh_report_reader_error(r));
		a->counts.read_errors++;
		ok = n == -2;	/* bad gzip data is like bad lines */
	}
	a->counts.bytes += sh_report_reader_bytes(r);
	sh_report_reader_close(r);
	return ok;
}

/**
 * Check that every log can be opened before reading any.
 * @param files: the logs.
 * @param n: how many.
 * @return 1 if all can, 0 if not (reported).
 */
static int
rep_check_files(char** files, int n)
{
	struct sh_report_reader* r;
	const char* err = NULL;
	int i, ok = 1;
	for(i = 0; i < n; i++) {
		if(strcmp(files[i], "-") == 0)
			continue;
		if(!(r = sh_report_reader_open(files[i], &err))) {
			fprintf(stderr, "sinkholectl report: %s: %s\n",
				files[i], err);
			ok = 0;
		}
		sh_report_reader_close(r);
	}
	return ok;
}

/**
 * Load the --names files and attach names to the clients.
 * @param o: the options.
 * @param a: a classified aggregation.
 * @param names: the table, zeroed; filled.
 * @return 1 on success, 0 if a file cannot be read (reported).
 */
static int
rep_names(const struct rep_opts* o, struct sh_report_agg* a,
	struct sh_report_names* names)
{
	size_t i;
	uint32_t k;
	for(i = 0; i < o->nnames; i++) {
		if(!sh_report_names_load(names, o->names[i])) {
			fprintf(stderr, "sinkholectl report: %s: %s\n",
				o->names[i], strerror(errno));
			return 0;
		}
	}
	for(k = 0; k < a->client_ids.n; k++)
		a->clients[k].name = sh_report_names_get(names,
			a->clients[k].key);
	return 1;
}

/**
 * Write the HTML page to a file.
 * @param path: the file.
 * @param a: the aggregation.
 * @param m: the run.
 * @return 1 on success, 0 on failure (reported).
 */
static int
rep_html(const char* path, const struct sh_report_agg* a,
	const struct sh_report_meta* m)
{
	FILE* f = fopen(path, "w");
	int ok;
	if(!f) {
		fprintf(stderr, "sinkholectl report: %s: %s\n", path,
			strerror(errno));
		return 0;
	}
	ok = sh_report_render_html(f, a, m);
	if(fclose(f) != 0)
		ok = 0;
	if(!ok)
		fprintf(stderr, "sinkholectl report: %s: write failed\n", path);
	return ok;
}

/**
 * Write the outputs.
 * @param o: the options.
 * @param a: a classified aggregation.
 * @param m: the run.
 * @return 1 on success, 0 on failure (reported).
 */
static int
rep_output(const struct rep_opts* o, const struct sh_report_agg* a,
	const struct sh_report_meta* m)
{
	int ok = 1;
	switch(o->format) {
	case REP_TABLE: ok = sh_report_render_table(stdout, a, m); break;
	case REP_CSV: ok = sh_report_render_csv(stdout, a); break;
	case REP_CSV_PAIRS: ok = sh_report_render_csv_pairs(stdout, a); break;
	case REP_JSON: ok = sh_report_render_json(stdout, a, m); break;
	default: break;
	}
	if(fflush(stdout) != 0)
		ok = 0;
	if(!ok)
		fprintf(stderr, "sinkholectl report: cannot write the report\n");
	if(ok && o->html)
		ok = rep_html(o->html, a, m);
	return ok;
}

/**
 * Report the line counters on stderr when lines were skipped.
 * @param c: the counters.
 */
static void
rep_stderr_summary(const struct sh_report_counts* c)
{
	if(c->bad == 0 && c->read_errors == 0)
		return;
	fprintf(stderr, "sinkholectl report: %llu bad line(s) skipped "
		"(corrupt, truncated or foreign), %llu read error(s); %llu "
		"lines, %llu events, %llu metric lines\n",
		(unsigned long long)c->bad, (unsigned long long)c->read_errors,
		(unsigned long long)c->lines, (unsigned long long)c->events,
		(unsigned long long)c->metric);
}

/**
 * Read all logs, classify, and write the report.
 * @param o: the options.
 * @param files: the logs.
 * @param n: how many.
 * @return exit status.
 */
static int
rep_run(const struct rep_opts* o, char** files, int n)
{
	struct sh_report_agg a;
	struct sh_report_names names;
	struct sh_report_meta m;
	int i, rc = SH_REPORT_EXIT_USAGE;
	memset(&names, 0, sizeof(names));
	if(!sh_report_agg_init(&a)) {
		fprintf(stderr, "sinkholectl report: out of memory\n");
		return rc;
	}
	for(i = 0; i < n; i++)
		if(!rep_file(o, &a, files[i]))
			goto error;
	if(!sh_report_classify(&a) || !rep_names(o, &a, &names))
		goto error;
	memset(&m, 0, sizeof(m));
	m.files = files;
	m.nfiles = n;
	m.since = o->since;
	m.until = o->until;
	m.feeds = o->feeds;
	m.clients = o->clients;
	m.indicators = o->inds;
	m.now = o->now;
	if(rep_output(o, &a, &m))
		rc = 0;
	rep_stderr_summary(&a.counts);
error:
	sh_report_names_clear(&names);
	sh_report_agg_clear(&a);
	return rc;
}

int
sh_report_main(int argc, char** argv)
{
	struct rep_opts o;
	int first, rc = SH_REPORT_EXIT_USAGE;
	if(!rep_opts_init(&o, argc)) {
		fprintf(stderr, "sinkholectl report: out of memory\n");
		goto error;
	}
	first = rep_parse(argc, argv, &o);
	if(first == -1)
		rc = 0;
	else if(first >= 0 && rep_check_files(argv + first, argc - first))
		rc = rep_run(&o, argv + first, argc - first);
error:
	rep_opts_free(&o);
	return rc;
}
