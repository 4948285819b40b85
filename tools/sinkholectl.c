/*
 * tools/sinkholectl.c - command-line tool for unbound-sinkhole feeds.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * sinkholectl shares the feed loader (the feed store, lib/store.c) and
 * the matcher with the module, so what it says about a feed or a name is
 * what the resolver does:
 *  - lint FILE...   validate feed files, errors at file:line:column;
 *  - match NAME...  show which feed, indicator and action cover a name;
 *  - status         show the counters and feeds of the running module,
 *                   read as JSON from its status file;
 *  - report LOG...  review the event log (report/, sh_report_main);
 *  - convert FILE... write feeds of any format as native YAML feeds.
 * Exit status: 0 success (lint: all valid; match: at least one name is
 * blocked), 1 failure (lint: errors; match: nothing blocked), 2 usage
 * or load errors (status: an unreadable or malformed status file).
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "sinkhole.h"
#include "json.h"
#include "util.h"
#include "report.h"
#include "export.h"

/** Exit status for usage and environment errors. */
#define CTL_EXIT_USAGE 2

/** Options common to all commands. */
struct ctl_opts {
	/** configuration file, or NULL for the default discovery */
	const char* config;
	/** feed directory or file overriding the configuration, or NULL */
	const char* feeds;
	/** quiet: print errors only */
	int quiet;
};

/** Counts diagnostics by severity for a command. */
struct ctl_diag_count {
	/** errors seen */
	size_t errors;
	/** warnings seen */
	size_t warnings;
};

/**
 * Print a diagnostic to stderr and count it.
 * @param arg: a struct ctl_diag_count.
 * @param msg: the diagnostic.
 */
static void
ctl_diag(void* arg, const struct sh_diag_msg* msg)
{
	struct ctl_diag_count* c = (struct ctl_diag_count*)arg;
	char buf[2048];
	sh_diag_format(msg, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
	if(msg->severity == SH_SEV_ERROR)
		c->errors++;
	else if(msg->severity == SH_SEV_WARNING)
		c->warnings++;
}

/** Print the usage text. @param out: where. */
static void
ctl_usage(FILE* out)
{
	fprintf(out,
"usage: sinkholectl [options] lint FILE...\n"
"       sinkholectl [options] match NAME...\n"
"       sinkholectl convert FILE... [--to yaml] [-o OUT]\n"
"       sinkholectl [options] status [--status-file FILE] [--json]\n"
"       sinkholectl [options] export [--format FORMAT] [--output FILE] ...\n"
"       sinkholectl report [report options] LOG...   (see report --help)\n"
"\n"
"Validate unbound-sinkhole indicator feeds and test names against them,\n"
"with the same loader and matcher as the Unbound module.\n"
"\n"
"commands:\n"
"  lint FILE...    check feed files; errors are printed as\n"
"                  file:line:column: error: text. Exit 0 if all are valid.\n"
"  match NAME...   show the feed, indicator and action that cover each\n"
"                  name, or 'no match'. Exit 0 if any name is blocked.\n"
"  convert FILE... read feeds in any format (Sigma, STIX, RPZ, lists) and\n"
"                  write them as native YAML feeds: to stdout, to the\n"
"                  file OUT, or OUT/NAME.yaml when OUT is a directory.\n"
"  status          show the running module's counters and feeds, read\n"
"                  from its status file (status.file in the config).\n"
"  report LOG...   review the event log: who asked, when, how often.\n"
"  export          write the loaded feeds as an RPZ zone, Unbound\n"
"                  local-zones, a sinkhole zone, or a hosts file\n"
"                  (see export --help).\n"
"\n"
"options:\n"
"  -c, --config FILE   module configuration (default: $%s, else %s)\n"
"  -f, --feeds PATH    feed directory or file to use instead of the\n"
"                      configuration's 'feeds'\n"
"  -q, --quiet         print only errors\n"
"  -h, --help          this text\n"
"\n"
"exit status: 0 success, 1 invalid feed or no name blocked, 2 usage or\n"
"load error.\n", SH_CONFIG_ENV, SH_CONFIG_DEFAULT);
}

/**
 * Lint feed files.
 * @param o: options.
 * @param files: the files.
 * @param n: how many.
 * @return exit status.
 */
static int
ctl_lint(const struct ctl_opts* o, char** files, int n)
{
	struct ctl_diag_count dc = {0, 0};
	struct sh_feed** feeds = calloc((size_t)n + 1, sizeof(*feeds));
	struct sh_set* set;
	size_t nf = 0, bad = 0, i;
	int k;
	if(!feeds) {
		fprintf(stderr, "sinkholectl: out of memory\n");
		return CTL_EXIT_USAGE;
	}
	for(k = 0; k < n; k++) {
		struct sh_feed* f = sh_feed_load(files[k], NULL, time(NULL),
			ctl_diag, &dc);
		if(!f) {
			bad++;
			continue;
		}
		if(!o->quiet)
			printf("%s: ok: feed %s, %u indicators, %u expired, "
				"format %s, %u items not taken\n", files[k],
				f->id, (unsigned)f->num_ind,
				(unsigned)f->num_expired, f->format,
				(unsigned)f->num_skipped);
		feeds[nf++] = f;
	}
	/* duplicate feed ids across the files are errors too */
	set = sh_set_build(feeds, nf, SH_ACTION_SINKHOLE, ctl_diag, &dc);
	sh_set_free(set);
	for(i = 0; i < nf; i++)
		sh_feed_unref(feeds[i]);
	free(feeds);
	return (bad || dc.errors) ? 1 : 0;
}

/**
 * Load the feed files of a directory with the module's loader, the feed
 * store, so that the same files count and fail as in the resolver.
 * @param dir: the directory.
 * @param cfg: the configuration for the limits, or NULL.
 * @param def: the default action.
 * @param dc: diagnostic counters.
 * @return the set (caller frees) or NULL (reported).
 */
static struct sh_set*
ctl_load_dir(const char* dir, const struct sh_config* cfg,
	enum sh_action def, struct ctl_diag_count* dc)
{
	struct sh_scan_result res;
	struct sh_store* store = sh_store_new();
	struct sh_set* set = NULL;
	if(!store) {
		fprintf(stderr, "sinkholectl: out of memory\n");
		return NULL;
	}
	if(!sh_store_scan(store, dir, cfg ? &cfg->limits : NULL, time(NULL),
		ctl_diag, dc, &res))
		fprintf(stderr, "sinkholectl: cannot read feeds at %s\n", dir);
	/* like the module: refuse to answer from a set where every feed
	 * failed, rather than say "no match" for everything */
	else if(res.loaded == 0 && res.failed > 0)
		fprintf(stderr, "sinkholectl: no feed could be loaded from "
			"%s\n", dir);
	else	set = sh_store_set(store, def, ctl_diag, dc);
	sh_store_free(store);
	return set;
}

/**
 * Load one feed file.
 * @param path: the file.
 * @param cfg: the configuration for the limits, or NULL.
 * @param def: the default action.
 * @param dc: diagnostic counters.
 * @return the set (caller frees) or NULL (reported).
 */
static struct sh_set*
ctl_load_file(const char* path, const struct sh_config* cfg,
	enum sh_action def, struct ctl_diag_count* dc)
{
	struct sh_feed* f = sh_feed_load(path, cfg ? &cfg->limits : NULL,
		time(NULL), ctl_diag, dc);
	struct sh_set* set;
	if(!f) {
		fprintf(stderr, "sinkholectl: no feed could be loaded from "
			"%s\n", path);
		return NULL;
	}
	set = sh_set_build(&f, 1, def, ctl_diag, dc);
	sh_feed_unref(f);
	return set;
}

/**
 * Load the feeds named by the options or the configuration.
 * @param o: options.
 * @param dc: diagnostic counters.
 * @param cfg_out: if not NULL, set to the configuration used (caller
 *	frees it), or NULL when only --feeds was given.
 * @return the set (caller frees) or NULL (reported).
 */
static struct sh_set*
ctl_load_set(const struct ctl_opts* o, struct ctl_diag_count* dc,
	struct sh_config** cfg_out)
{
	struct sh_config* cfg = NULL;
	struct sh_set* set;
	const char* path = o->feeds;
	enum sh_action def = SH_ACTION_SINKHOLE;
	struct stat st;
	if(!path || o->config) {
		const char* cpath = o->config ? o->config : sh_config_path();
		if(!(cfg = sh_config_load(cpath, ctl_diag, dc)))
			return NULL;
		def = cfg->action;
		if(!path)
			path = cfg->feed_dir;
	}
	if(stat(path, &st) == 0 && S_ISREG(st.st_mode))
		set = ctl_load_file(path, cfg, def, dc);
	else	set = ctl_load_dir(path, cfg, def, dc);
	if(cfg_out && set)
		*cfg_out = cfg;
	else	sh_config_free(cfg);
	return set;
}

/**
 * Print what covers one name.
 * @param set: the set.
 * @param name: presentation name.
 * @return 1 if blocked, 0 if not, -1 if the name is invalid.
 */
static int
ctl_match_one(const struct sh_set* set, const char* name)
{
	struct sh_feed_name fn;
	char ind[SH_NAME_TEXT_MAX];
	struct sh_match m;
	if(!sh_name_from_feed(name, &fn)) {
		fprintf(stderr, "sinkholectl: %s: invalid name: %s\n", name,
			fn.error);
		return -1;
	}
	free(fn.unicode);
	if(!sh_set_match(set, fn.wire, &m)) {
		printf("%s: no match\n", name);
		return 0;
	}
	sh_name_to_text(m.name, ind, sizeof(ind));
	printf("%s: %s (feed %s, indicator %s%s%s%s, %s)\n", name,
		m.action == SH_ACTION_ALLOW ? "allowed" :
		sh_action_name(m.action), m.feed->id, ind,
		m.ind.unicode ? " (" : "",
		m.ind.unicode ? m.ind.unicode : "",
		m.ind.unicode ? ")" : "",
		(m.ind.flags & SH_IND_EXACT) ? "exact" :
		"subdomains");
	return m.action != SH_ACTION_ALLOW;
}

/**
 * Match names against the feeds.
 * @param o: options.
 * @param names: the names.
 * @param n: how many.
 * @return exit status.
 */
static int
ctl_match(const struct ctl_opts* o, char** names, int n)
{
	struct ctl_diag_count dc = {0, 0};
	struct sh_set* set = ctl_load_set(o, &dc, NULL);
	int k, blocked = 0, bad = 0;
	if(!set)
		return CTL_EXIT_USAGE;
	for(k = 0; k < n; k++) {
		int r = ctl_match_one(set, names[k]);
		if(r > 0)
			blocked++;
		else if(r < 0)
			bad++;
	}
	sh_set_free(set);
	if(bad)
		return CTL_EXIT_USAGE;
	return blocked ? 0 : 1;
}

/**
 * Export the feeds for other resolvers.
 * @param o: options.
 * @param argc: arguments after "export".
 * @param argv: the arguments.
 * @return exit status.
 */
static int
ctl_export(const struct ctl_opts* o, int argc, char** argv)
{
	struct ctl_diag_count dc = {0, 0};
	struct sh_config* cfg = NULL;
	struct sh_set* set;
	int r;
	if(argc > 0 && (strcmp(argv[0], "-h") == 0 ||
		strcmp(argv[0], "--help") == 0))
		return sh_export_main(NULL, NULL, argc, argv);
	if(!(set = ctl_load_set(o, &dc, &cfg)))
		return CTL_EXIT_USAGE;
	r = sh_export_main(set, cfg, argc, argv);
	sh_set_free(set);
	sh_config_free(cfg);
	return r;
}

/** Largest status file sinkholectl reads. */
#define CTL_STATUS_MAX ((size_t)64 * 1024 * 1024)

/**
 * The text of a scalar JSON value as the status table shows it.
 * @param v: the value, or NULL.
 * @return the string's or number's text, "true", "false" or "null";
 *	"" for a missing value, an array or an object.
 */
static const char*
ctl_json_text(const struct sh_json* v)
{
	if(!v)
		return "";
	switch(v->type) {
	case SH_JSON_STRING:
	case SH_JSON_NUMBER: return v->text;
	case SH_JSON_BOOL: return v->boolean ? "true" : "false";
	case SH_JSON_NULL: return "null";
	default: return "";
	}
}

/**
 * Print the status table: the counters, then one row per feed file.
 * @param root: the status file's object.
 */
static void
ctl_status_print(const struct sh_json* root)
{
	static const char* const keys[] = { "identity", "generation",
		"indicators", "hits", "events_written", "events_dropped",
		"reloads_ok", "reloads_failed", NULL };
	static const char* const guards[] = { "cname", "ns", "subquery",
		"egress", NULL };
	const struct sh_json* guard = sh_json_get(root, "guard");
	const struct sh_json* feeds = sh_json_get(root, "feeds");
	size_t i;
	for(i = 0; keys[i]; i++)
		if(sh_json_get(root, keys[i]))
			printf("%-16s %s\n", keys[i],
				ctl_json_text(sh_json_get(root, keys[i])));
	for(i = 0; guards[i]; i++)
		if(sh_json_get(guard, guards[i]))
			printf("%-16s %s\n", guards[i],
				ctl_json_text(sh_json_get(guard, guards[i])));
	printf("\n%-28s %-10s %-28s %10s\n", "FILE", "STATE", "FEED",
		"INDICATORS");
	for(i = 0; feeds && feeds->type == SH_JSON_ARRAY && i < feeds->n;
		i++) {
		const struct sh_json* f = feeds->items[i];
		const struct sh_json* err = sh_json_get(f, "error");
		printf("%-28s %-10s %-28s %10s\n",
			ctl_json_text(sh_json_get(f, "file")),
			ctl_json_text(sh_json_get(f, "state")),
			ctl_json_text(sh_json_get(f, "id")),
			ctl_json_text(sh_json_get(f, "indicators")));
		if(err && err->type == SH_JSON_STRING)
			printf("  %s\n", err->text);
	}
}

/**
 * Show the status file the module rewrites: counters and feeds.
 * @param o: options (config).
 * @param path: the status file, or NULL to take it from the config.
 * @param json: print the raw JSON.
 * @return exit status.
 */
static int
ctl_status(const struct ctl_opts* o, const char* path, int json)
{
	struct ctl_diag_count dc = {0, 0};
	struct sh_config* cfg = NULL;
	struct sh_json* root = NULL;
	struct sh_file file;
	char why[256];
	int rc = CTL_EXIT_USAGE;
	if(!path) {
		if(!(cfg = sh_config_load(o->config ? o->config :
			sh_config_path(), ctl_diag, &dc)))
			return CTL_EXIT_USAGE;
		path = cfg->status_file;
	}
	if(!sh_file_read(path, CTL_STATUS_MAX, &file)) {
		fprintf(stderr, "sinkholectl: cannot read status file %s: %s "
			"(is the module running?)\n", path,
			sh_file_strerror(&file, why, sizeof(why)));
		goto done;
	}
	if(!(root = sh_json_parse(file.data, file.len, why, sizeof(why))) ||
		root->type != SH_JSON_OBJECT) {
		fprintf(stderr, "sinkholectl: status file %s is not a JSON "
			"object: %s\n", path, root ? "another value" : why);
		goto done;
	}
	if(json)
		fwrite(file.data, 1, file.len, stdout);
	else {
		printf("status file: %s\n", path);
		ctl_status_print(root);
	}
	rc = 0;
done:
	sh_json_free(root);
	free(file.data);
	sh_config_free(cfg);
	return rc;
}

/**
 * Parse the options of the status command and run it.
 * @param o: common options.
 * @param argc: arguments after "status".
 * @param argv: the arguments.
 * @return exit status.
 */
static int
ctl_status_cmd(const struct ctl_opts* o, int argc, char** argv)
{
	struct ctl_opts so = *o;
	const char* file = NULL;
	int json = 0, i;
	for(i = 0; i < argc; i++) {
		if(strcmp(argv[i], "--json") == 0)
			json = 1;
		else if((strcmp(argv[i], "-c") == 0 || strcmp(argv[i],
			"--config") == 0) && i + 1 < argc)
			so.config = argv[++i];
		else if(strcmp(argv[i], "--status-file") == 0 && i + 1 < argc)
			file = argv[++i];
		else {
			fprintf(stderr, "sinkholectl: status: unknown option "
				"%s\n", argv[i]);
			return CTL_EXIT_USAGE;
		}
	}
	return ctl_status(&so, file, json);
}

/**
 * Write a converted feed to a file, atomically: a temporary file
 * (PATH.tmp, which the feed loaders skip) renamed over PATH.
 * @param path: the destination.
 * @param text: the YAML.
 * @param len: its length.
 * @return 1 on success, 0 on failure (reported).
 */
static int
ctl_write_atomic(const char* path, const char* text, size_t len)
{
	char tmp[4096];
	FILE* f;
	if(snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "sinkholectl: %s: path too long\n", path);
		return 0;
	}
	if(!(f = fopen(tmp, "we")) || fwrite(text, 1, len, f) != len
		|| fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fprintf(stderr, "sinkholectl: cannot write %s: %s\n", tmp,
			strerror(errno));
		if(f)
			fclose(f);
		unlink(tmp);
		return 0;
	}
	if(fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "sinkholectl: cannot write %s: %s\n", path,
			strerror(errno));
		unlink(tmp);
		return 0;
	}
	return 1;
}

/**
 * Where a converted file goes: OUT itself, or OUT/NAME.yaml when OUT is
 * a directory (NAME: the input's base name without its extension).
 * @param out: the -o argument.
 * @param in: the input file.
 * @param buf: destination.
 * @param len: its size.
 * @return buf, or NULL when the path is too long.
 */
static const char*
ctl_convert_dest(const char* out, const char* in, char* buf, size_t len)
{
	const char* b = strrchr(in, '/');
	const char* dot;
	struct stat st;
	int n;
	if(stat(out, &st) != 0 || !S_ISDIR(st.st_mode))
		return out;
	b = b ? b + 1 : in;
	dot = strrchr(b, '.');
	n = snprintf(buf, len, "%s/%.*s.yaml", out, (int)(dot && dot != b ?
		(size_t)(dot - b) : strlen(b)), b);
	return n > 0 && (size_t)n < len ? buf : NULL;
}

/**
 * Convert feed files of any format to native YAML feeds.
 * @param argc: arguments after "convert".
 * @param argv: the arguments: FILE... [--to yaml] [-o OUT].
 * @return exit status.
 */
static int
ctl_convert(int argc, char** argv)
{
	struct ctl_diag_count dc = {0, 0};
	const char* out = NULL;
	char dest[4096];
	int i, nfiles = 0, bad = 0;
	struct stat st;
	for(i = 0; i < argc; i++) {
		if(strcmp(argv[i], "--to") == 0 && i + 1 < argc) {
			if(strcmp(argv[++i], "yaml") != 0) {
				fprintf(stderr, "sinkholectl: convert: --to "
					"%s: only yaml (the native feed) is "
					"written\n", argv[i]);
				return CTL_EXIT_USAGE;
			}
		} else if((strcmp(argv[i], "-o") == 0 || strcmp(argv[i],
			"--output") == 0) && i + 1 < argc)
			out = argv[++i];
		else if(argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "sinkholectl: convert: unknown option "
				"%s\n", argv[i]);
			return CTL_EXIT_USAGE;
		} else	argv[nfiles++] = argv[i];
	}
	if(nfiles == 0 || (nfiles > 1 && (!out || stat(out, &st) != 0
		|| !S_ISDIR(st.st_mode)))) {
		fprintf(stderr, "sinkholectl: convert: %s\n", nfiles == 0 ?
			"no input file" : "several files need -o DIRECTORY");
		return CTL_EXIT_USAGE;
	}
	for(i = 0; i < nfiles; i++) {
		struct sh_feed* f = sh_feed_load(argv[i], NULL, time(NULL),
			ctl_diag, &dc);
		const char* d;
		size_t len = 0;
		char* text = f ? sh_feed_to_yaml(f, &len) : NULL;
		if(!text) {
			if(f)
				fprintf(stderr, "sinkholectl: %s: out of memory"
					"\n", argv[i]);
			bad++;
		} else if(!out)
			fwrite(text, 1, len, stdout);
		else if(!(d = ctl_convert_dest(out, argv[i], dest,
			sizeof(dest))) || !ctl_write_atomic(d, text, len))
			bad++;
		else	fprintf(stderr, "%s: %s feed %s, %u entries, written "
				"to %s\n", argv[i], f->format, f->id,
				(unsigned)f->num_ind, d);
		free(text);
		sh_feed_unref(f);
	}
	return bad ? 1 : 0;
}

/**
 * Parse the options.
 * @param argc: as main.
 * @param argv: as main.
 * @param o: filled in.
 * @return index of the command, or -1 (exit 0, help shown) or -2
 *	(usage error, reported).
 */
static int
ctl_parse_opts(int argc, char** argv, struct ctl_opts* o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"feeds", required_argument, NULL, 'f'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	int c;
	memset(o, 0, sizeof(*o));
	while((c = getopt_long(argc, argv, "+c:f:qh", longopts, NULL)) != -1) {
		switch(c) {
		case 'c': o->config = optarg; break;
		case 'f': o->feeds = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'h': ctl_usage(stdout); return -1;
		default: ctl_usage(stderr); return -2;
		}
	}
	return optind;
}

/**
 * Entry point.
 * @param argc: argument count.
 * @param argv: arguments.
 * @return exit status.
 */
int
main(int argc, char** argv)
{
	struct ctl_opts o;
	int i = ctl_parse_opts(argc, argv, &o);
	if(i == -1)
		return 0;
	if(i < 0 || i >= argc) {
		if(i >= argc)
			ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if(strcmp(argv[i], "status") == 0)
		return ctl_status_cmd(&o, argc - i - 1, argv + i + 1);
	if(strcmp(argv[i], "report") == 0)
		return sh_report_main(argc - i, argv + i);
	if(strcmp(argv[i], "export") == 0)
		return ctl_export(&o, argc - i - 1, argv + i + 1);
	if(strcmp(argv[i], "lint") == 0 && i + 1 < argc)
		return ctl_lint(&o, argv + i + 1, argc - i - 1);
	if(strcmp(argv[i], "match") == 0 && i + 1 < argc)
		return ctl_match(&o, argv + i + 1, argc - i - 1);
	if(strcmp(argv[i], "convert") == 0 && i + 1 < argc)
		return ctl_convert(argc - i - 1, argv + i + 1);
	fprintf(stderr, "sinkholectl: unknown command or missing arguments: "
		"%s\n", argv[i]);
	ctl_usage(stderr);
	return CTL_EXIT_USAGE;
}
