/*
 * export/export.h - `sinkholectl export`: the loaded feeds for other resolvers.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Export of the compiled indicator set (loaded with the module's own
 * loader) in the formats other resolvers read: an RPZ zone for a
 * primary that distributes it over AXFR/IXFR, Unbound local-zone lines,
 * a sinkhole zone file for BIND or Knot DNS with the zone statements
 * that load it, and a hosts file.  Every output starts with comments
 * that say what the target cannot express.
 *
 * export.c gathers and sorts the entries, keeps the SOA serial stable
 * while the content is unchanged and writes the file atomically;
 * export_format.c writes each format.
 */

#ifndef SH_EXPORT_H
#define SH_EXPORT_H

#include <stdint.h>
#include <stdio.h>
#include "sinkhole.h"

/** The output formats. */
enum sh_export_format {
	/** RPZ policy zone (RFC draft "DNS Response Policy Zones") */
	SH_EXPORT_RPZ = 0,
	/** Unbound local-zone and local-data lines */
	SH_EXPORT_UNBOUND,
	/** one sinkhole zone file for every blocked domain (BIND, Knot DNS) */
	SH_EXPORT_ZONE,
	/** named.conf zone statements that load the sinkhole zone file */
	SH_EXPORT_BIND_CONF,
	/** knot.conf zone section that loads the sinkhole zone file */
	SH_EXPORT_KNOT_CONF,
	/** /etc/hosts lines */
	SH_EXPORT_HOSTS
};

/** One entry of the set, ready to be written. */
struct sh_export_entry {
	/** the name in master-file presentation form, no trailing dot */
	char* text;
	/** 1 if text holds only letters, digits, '-', '_' and dots, so
	 * formats without escapes (hosts, unbound.conf) can carry it */
	int plain;
	/** 1 for an exact entry (the name only) */
	int exact;
	/** effective action; SH_ACTION_ALLOW for allow entries */
	enum sh_action action;
	/** feed id (borrowed from the set) */
	const char* feed;
	/** 1 when the indicator has its own sinkhole addresses (then a type
	 * without one gets NODATA, as in the module) */
	int own;
	/** its own addresses in presentation form, "" when it has none of
	 * that family */
	char own4[16], own6[48];
};

/** What the writers need besides the entries. */
struct sh_export_params {
	/** the format */
	enum sh_export_format format;
	/** RPZ origin, presentation form with a trailing dot */
	const char* origin;
	/** SOA MNAME and RNAME, presentation form with trailing dots */
	char mname[SH_NAME_TEXT_MAX + 1], rname[SH_NAME_TEXT_MAX + 1];
	/** TTL of every record, and the SOA minimum */
	uint32_t ttl;
	/** sinkhole addresses, presentation form */
	char ipv4[16], ipv6[48];
	/** path of the sinkhole zone file named in bind-conf/knot-conf */
	const char* zone_file;
};

/**
 * `sinkholectl export`: parse the export options, write the set.
 * @param set: the loaded set (borrowed).
 * @param cfg: the configuration it was loaded with (addresses, TTL,
 *	SOA names), or NULL for the defaults.
 * @param argc: arguments after "export".
 * @param argv: the arguments.
 * @return exit status: 0 written, 2 usage or write error.
 */
int sh_export_main(const struct sh_set* set, const struct sh_config* cfg,
	int argc, char** argv);

/**
 * Collect the entries of a set, sorted by name (exact before subtree
 * at the same name), names escaped for master files.
 * @param set: the set.
 * @param n: set to the number of entries.
 * @return malloced array (free with sh_export_entries_free), or NULL
 *	when out of memory (with *n 0; an empty set gives a non-NULL array).
 */
struct sh_export_entry* sh_export_entries(const struct sh_set* set,
	size_t* n);

/** Free an entry array.  @param e: the array.  @param n: its length. */
void sh_export_entries_free(struct sh_export_entry* e, size_t n);

/**
 * Escape a presentation name (as sh_name_to_text writes it) for a
 * master file: additionally escapes ';', '(', ')', '$', '@' and '\''.
 * @param in: the name.
 * @param out: destination.
 * @param outlen: size of out; 2*SH_NAME_TEXT_MAX is always enough.
 * @param plain: set to 1 if the name has only LDH, '_' and dots.
 * @return 1, or 0 if out is too small.
 */
int sh_export_escape(const char* in, char* out, size_t outlen, int* plain);

/**
 * Write the body of an export (everything after the header comments
 * and, for zones, the SOA and NS records).
 * @param out: the stream (a memory stream, so it can be digested).
 * @param p: parameters.
 * @param e: the entries.
 * @param n: their number.
 * @return 1, or 0 on a write error.
 */
int sh_export_write_body(FILE* out, const struct sh_export_params* p,
	const struct sh_export_entry* e, size_t n);

/**
 * Write the header: what the target cannot express, the content digest
 * and serial, and for zones the $TTL, SOA and NS records.
 * @param out: the stream.
 * @param p: parameters.
 * @param digest: SHA-256 of the body, hex.
 * @param serial: the SOA serial.
 * @return 1, or 0 on a write error.
 */
int sh_export_write_header(FILE* out, const struct sh_export_params* p,
	const char* digest, uint32_t serial);

/**
 * The serial of a new export: the previous one while the content digest
 * is the same, else the larger of the previous one plus one and now
 * (RFC 1982 arithmetic), so it only ever increases.
 * @param prev_digest: digest of the previous export, or NULL for none.
 * @param prev_serial: its serial.
 * @param digest: digest of the new content.
 * @param now: current time, UTC seconds.
 * @return the serial.
 */
uint32_t sh_export_serial(const char* prev_digest, uint32_t prev_serial,
	const char* digest, time_t now);

/**
 * Read the digest and serial an earlier export wrote into its header.
 * @param path: the earlier export.
 * @param digest: destination of 65 bytes.
 * @param serial: set to its serial (0 for formats without one).
 * @return 1 if both were found, 0 if not (no file, not an export).
 */
int sh_export_read_previous(const char* path, char digest[65],
	uint32_t* serial);

#endif /* SH_EXPORT_H */
