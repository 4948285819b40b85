/*
 * export/export_format.c - the writers of `sinkholectl export`, one per format.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * How each entry of the set is written for each target, and the header
 * comments that tell an operator what the target cannot express.
 *
 * An indicator's own sinkhole addresses (a feed may give them) replace
 * the defaults in RPZ, Unbound and hosts output; a type it has no
 * address for gets no record, so NODATA, as in the module.
 *
 * RPZ: a subtree entry gives the name and "*.name" (RPZ's wildcard
 * covers the subdomains, and an exact owner wins over a wildcard, a
 * longer wildcard over a shorter one, which is the module's "most
 * specific entry wins"); an exact entry gives the name only.  sinkhole
 * becomes local data (A and AAAA: other types get NODATA, as in the
 * module), nxdomain "CNAME .", nodata "CNAME *.", allow "CNAME
 * rpz-passthru.".  RPZ has no REFUSED: refuse is written as NXDOMAIN.
 *
 * Unbound: local-zone types redirect (with the addresses as local
 * data), always_nxdomain, always_nodata, always_refuse and
 * always_transparent for allows.  Exact entries become a transparent
 * zone with A and AAAA data (subdomains resolve normally).
 *
 * zone, bind-conf, knot-conf: the classic sinkhole zone.  One zone file
 * (apex and wildcard A/AAAA), loaded as the zone of every blocked
 * domain; only subtree entries can be expressed, every action becomes a
 * sinkhole, allows and exact entries are listed as not exported.
 *
 * hosts: one line per address and name; subdomains, allows and
 * non-address actions cannot be expressed.
 */
#include <stdio.h>
#include <string.h>
#include "export.h"

/** What every native target loses, compared with the module. */
static const char* const exp_common_limits[] = {
	"What a resolver using this export does NOT get, compared with the",
	"unbound-sinkhole module:",
	"- per-client logging: no ECS JSON event per client and query, so no",
	"  'sinkholectl report' of who asked (a native resolver logs, if at",
	"  all, in its own format);",
	"- the egress guard's indirect paths: CNAME/DNAME chains into a",
	"  blocked name, name servers inside a blocked domain (referrals and",
	"  glue), qname-minimisation probes and the resolver's own",
	"  sub-queries are not stopped by name triggers; queries about",
	"  blocked names can still leave towards the adversary's servers;",
	"- EDE 15 naming the feed, hot reload of YAML files with",
	"  file:line:column errors, and indicator expiry at the exact second",
	"  (the export holds what was active when it was written).",
	NULL
};

/** Format-specific limits, one array per format. */
static const char* const exp_rpz_limits[] = {
	"RPZ: 'refuse' has no RPZ action and is written as NXDOMAIN",
	"(CNAME .); the resolver decides which RPZ triggers it honours.",
	NULL
};
static const char* const exp_unbound_limits[] = {
	"Unbound local-zone: an exact entry is a transparent zone with A and",
	"AAAA data, so its subdomains resolve normally even under a blocked",
	"parent, and exact nxdomain/nodata/refuse are written as exact",
	"sinkholes; an exact allow is written as a subtree allow.  Names",
	"with bytes outside letters, digits, '-', '_' are left out.",
	NULL
};
static const char* const exp_zone_limits[] = {
	"Sinkhole zone: only subtree entries can be expressed; every action",
	"becomes the sinkhole addresses, exact entries are not exported, and",
	"an allow entry under a blocked domain cannot be carved out (it is",
	"answered by the blocked domain's zone).",
	NULL
};
static const char* const exp_hosts_limits[] = {
	"hosts file: names only, no subdomains; every action becomes the",
	"sinkhole addresses; allow entries cannot be expressed; names with",
	"bytes outside letters, digits, '-', '_' are left out.",
	NULL
};

/**
 * The comment leader of a format.
 * @param f: the format.
 * @return "; " for zone files, "# " for the others.
 */
static const char*
exp_comment(enum sh_export_format f)
{
	return (f == SH_EXPORT_RPZ || f == SH_EXPORT_ZONE) ? "; " : "# ";
}

/**
 * Write comment lines.
 * @param out: the stream.
 * @param c: comment leader.
 * @param lines: NULL-terminated lines.
 */
static void
exp_lines(FILE* out, const char* c, const char* const* lines)
{
	for(; *lines; lines++)
		fprintf(out, "%s%s\n", c, *lines);
}

/**
 * The format's own limits.
 * @param f: the format.
 * @return its lines.
 */
static const char* const*
exp_format_limits(enum sh_export_format f)
{
	switch(f) {
	case SH_EXPORT_RPZ: return exp_rpz_limits;
	case SH_EXPORT_UNBOUND: return exp_unbound_limits;
	case SH_EXPORT_HOSTS: return exp_hosts_limits;
	default: return exp_zone_limits;
	}
}

int
sh_export_write_header(FILE* out, const struct sh_export_params* p,
	const char* digest, uint32_t serial)
{
	const char* c = exp_comment(p->format);
	fprintf(out, "%sunbound-sinkhole export, written by sinkholectl "
		"export from the module's feeds.\n%.1s\n", c, c);
	exp_lines(out, c, exp_common_limits);
	exp_lines(out, c, exp_format_limits(p->format));
	fprintf(out, "%.1s\n%scontent-sha256: %s\n%sserial: %u\n", c, c, digest,
		c, (unsigned)serial);
	if(p->format == SH_EXPORT_RPZ)
		fprintf(out, "$ORIGIN %s\n", p->origin);
	if(p->format == SH_EXPORT_RPZ || p->format == SH_EXPORT_ZONE)
		fprintf(out, "$TTL %u\n@ IN SOA %s %s %u 300 60 604800 %u\n"
			"@ IN NS localhost.\n", (unsigned)p->ttl, p->mname,
			p->rname, (unsigned)serial, (unsigned)p->ttl);
	return !ferror(out);
}

/**
 * The sinkhole addresses of an entry: its own, else the defaults.
 * @param p: parameters.
 * @param e: the entry.
 * @param a4: set to the IPv4 address, "" for none (NODATA).
 * @param a6: set to the IPv6 address, "" for none.
 */
static void
exp_addrs(const struct sh_export_params* p, const struct sh_export_entry* e,
	const char** a4, const char** a6)
{
	*a4 = e->own ? e->own4 : p->ipv4;
	*a6 = e->own ? e->own6 : p->ipv6;
}

/**
 * RPZ records of one owner for one action.
 * @param out: the stream.
 * @param p: parameters.
 * @param owner: owner prefix ("" or "*.").
 * @param e: the entry.
 */
static void
exp_rpz_records(FILE* out, const struct sh_export_params* p,
	const char* owner, const struct sh_export_entry* e)
{
	const char* a4, *a6;
	exp_addrs(p, e, &a4, &a6);
	switch(e->action) {
	case SH_ACTION_SINKHOLE:
		if(*a4)
			fprintf(out, "%s%s IN A %s\n", owner, e->text, a4);
		if(*a6)
			fprintf(out, "%s%s IN AAAA %s\n", owner, e->text, a6);
		break;
	case SH_ACTION_NODATA:
		fprintf(out, "%s%s IN CNAME *.\n", owner, e->text);
		break;
	case SH_ACTION_ALLOW:
		fprintf(out, "%s%s IN CNAME rpz-passthru.\n", owner, e->text);
		break;
	case SH_ACTION_REFUSE:
		fprintf(out, "%s%s IN CNAME . ; refuse, as NXDOMAIN\n", owner,
			e->text);
		break;
	default:
		fprintf(out, "%s%s IN CNAME .\n", owner, e->text);
		break;
	}
}

/**
 * One entry as RPZ.  A subtree entry after an exact one at the same
 * name gives only the wildcard.
 * @param out: the stream.
 * @param p: parameters.
 * @param e: the entry.
 * @param prev: the entry before it in the sorted array, or NULL.
 */
static void
exp_rpz_entry(FILE* out, const struct sh_export_params* p,
	const struct sh_export_entry* e, const struct sh_export_entry* prev)
{
	int shadowed = prev && prev->exact && strcmp(prev->text, e->text) == 0;
	if(!shadowed)
		exp_rpz_records(out, p, "", e);
	if(!e->exact)
		exp_rpz_records(out, p, "*.", e);
}

/**
 * The Unbound local-zone type of a subtree entry.
 * @param a: the action.
 * @return the type.
 */
static const char*
exp_unbound_type(enum sh_action a)
{
	switch(a) {
	case SH_ACTION_SINKHOLE: return "redirect";
	case SH_ACTION_NODATA: return "always_nodata";
	case SH_ACTION_REFUSE: return "always_refuse";
	case SH_ACTION_ALLOW: return "always_transparent";
	default: return "always_nxdomain";
	}
}

/**
 * One entry as Unbound local-zone lines.
 * @param out: the stream.
 * @param p: parameters.
 * @param e: the entry.
 * @param prev: the entry before it, or NULL.
 */
static void
exp_unbound_entry(FILE* out, const struct sh_export_params* p,
	const struct sh_export_entry* e, const struct sh_export_entry* prev)
{
	int data;
	const char* type, *a4, *a6;
	exp_addrs(p, e, &a4, &a6);
	if(!e->plain) {
		fprintf(out, "# not exported (name has special bytes): %s\n",
			e->text);
		return;
	}
	if(prev && strcmp(prev->text, e->text) == 0) {
		fprintf(out, "# not exported (shadowed by the exact entry "
			"above): %s subtree %s\n", e->text,
			sh_action_name(e->action));
		return;
	}
	type = (e->exact && e->action != SH_ACTION_ALLOW) ? "transparent" :
		exp_unbound_type(e->action);
	data = e->action != SH_ACTION_ALLOW && (e->exact ||
		e->action == SH_ACTION_SINKHOLE);
	fprintf(out, "local-zone: \"%s.\" %s\n", e->text, type);
	if(data && *a4)
		fprintf(out, "local-data: \"%s. %u IN A %s\"\n", e->text,
			(unsigned)p->ttl, a4);
	if(data && *a6)
		fprintf(out, "local-data: \"%s. %u IN AAAA %s\"\n", e->text,
			(unsigned)p->ttl, a6);
}

/**
 * Whether a zone-style format (zone, bind-conf, knot-conf, hosts) can
 * carry an entry; if not, say why in a comment.
 * @param out: the stream.
 * @param p: parameters.
 * @param e: the entry.
 * @return 1 if it is to be written.
 */
static int
exp_zone_expressible(FILE* out, const struct sh_export_params* p,
	const struct sh_export_entry* e)
{
	const char* c = exp_comment(p->format);
	const char* why = NULL;
	if(e->action == SH_ACTION_ALLOW)
		why = "allow entry";
	else if(e->exact && p->format != SH_EXPORT_HOSTS)
		why = "exact entry";
	else if(!e->plain && p->format != SH_EXPORT_ZONE)
		why = "name has special bytes";
	if(why)
		fprintf(out, "%snot exported (%s): %s\n", c, why, e->text);
	return why == NULL;
}

/**
 * One entry as hosts lines: its own addresses, else the defaults.
 * @param out: the stream.
 * @param p: parameters.
 * @param e: the entry.
 */
static void
exp_hosts_entry(FILE* out, const struct sh_export_params* p,
	const struct sh_export_entry* e)
{
	const char* a4, *a6;
	exp_addrs(p, e, &a4, &a6);
	if(*a4)
		fprintf(out, "%s %s\n", a4, e->text);
	if(*a6)
		fprintf(out, "%s %s\n", a6, e->text);
}

/**
 * One entry for the zone-style formats.
 * @param out: the stream.
 * @param p: parameters.
 * @param e: the entry.
 * @param prev: the entry before it, or NULL.
 */
static void
exp_zone_entry(FILE* out, const struct sh_export_params* p,
	const struct sh_export_entry* e, const struct sh_export_entry* prev)
{
	/* hosts: two entries at one name (exact and subtree) give one
	 * name; the zone formats leave exact entries out anyway */
	if(p->format == SH_EXPORT_HOSTS && prev &&
		strcmp(prev->text, e->text) == 0 &&
		prev->action != SH_ACTION_ALLOW)
		return;
	if(!exp_zone_expressible(out, p, e))
		return;
	switch(p->format) {
	case SH_EXPORT_ZONE:
		fprintf(out, "; domain: %s (%s, feed %s)%s\n", e->text,
			sh_action_name(e->action), e->feed, e->own ?
			"; its own addresses are not expressible here" : "");
		break;
	case SH_EXPORT_BIND_CONF:
		fprintf(out, "zone \"%s\" { type primary; file \"%s\"; };\n",
			e->text, p->zone_file);
		break;
	case SH_EXPORT_KNOT_CONF:
		fprintf(out, "  - domain: \"%s\"\n    file: \"%s\"\n", e->text,
			p->zone_file);
		break;
	default:
		exp_hosts_entry(out, p, e);
		break;
	}
}

/**
 * What comes before the entries.
 * @param out: the stream.
 * @param p: parameters.
 */
static void
exp_body_start(FILE* out, const struct sh_export_params* p)
{
	if(p->format == SH_EXPORT_UNBOUND)
		fprintf(out, "server:\n");
	else if(p->format == SH_EXPORT_KNOT_CONF)
		fprintf(out, "zone:\n");
	else if(p->format == SH_EXPORT_ZONE)
		fprintf(out, "@ IN A %s\n@ IN AAAA %s\n* IN A %s\n"
			"* IN AAAA %s\n", p->ipv4, p->ipv6, p->ipv4, p->ipv6);
}

int
sh_export_write_body(FILE* out, const struct sh_export_params* p,
	const struct sh_export_entry* e, size_t n)
{
	size_t i;
	exp_body_start(out, p);
	for(i = 0; i < n; i++) {
		const struct sh_export_entry* prev = i ? &e[i - 1] : NULL;
		if(p->format == SH_EXPORT_RPZ)
			exp_rpz_entry(out, p, &e[i], prev);
		else if(p->format == SH_EXPORT_UNBOUND)
			exp_unbound_entry(out, p, &e[i], prev);
		else	exp_zone_entry(out, p, &e[i], prev);
	}
	return !ferror(out);
}
