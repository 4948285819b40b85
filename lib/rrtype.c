/*
 * rrtype.c - mnemonics of DNS RR types, classes and response codes.
 *
 * Copyright (c) 2026, the unbound-sinkhole authors. BSD-3-Clause.
 */

/**
 * \file
 * Lookup tables from DNS numbers to their mnemonics, for log lines and
 * tool output.  Unknown values are written in the RFC 3597 generic form
 * (TYPEnnn, CLASSnnn) or as RCODEnn.
 */
#include "internal.h"
#include <stdio.h>

/** One number and its mnemonic. */
struct dns_mnemonic {
	/** the number */
	int num;
	/** its mnemonic */
	const char* name;
};

/** RR types, from the IANA registry. */
static const struct dns_mnemonic rrtype_table[] = {
	{ 1, "A" }, { 2, "NS" }, { 3, "MD" }, { 4, "MF" }, { 5, "CNAME" },
	{ 6, "SOA" }, { 7, "MB" }, { 8, "MG" }, { 9, "MR" }, { 10, "NULL" },
	{ 11, "WKS" }, { 12, "PTR" }, { 13, "HINFO" }, { 14, "MINFO" },
	{ 15, "MX" }, { 16, "TXT" }, { 17, "RP" }, { 18, "AFSDB" },
	{ 19, "X25" }, { 20, "ISDN" }, { 21, "RT" }, { 22, "NSAP" },
	{ 23, "NSAP-PTR" }, { 24, "SIG" }, { 25, "KEY" }, { 26, "PX" },
	{ 27, "GPOS" }, { 28, "AAAA" }, { 29, "LOC" }, { 30, "NXT" },
	{ 31, "EID" }, { 32, "NIMLOC" }, { 33, "SRV" }, { 34, "ATMA" },
	{ 35, "NAPTR" }, { 36, "KX" }, { 37, "CERT" }, { 38, "A6" },
	{ 39, "DNAME" }, { 40, "SINK" }, { 41, "OPT" }, { 42, "APL" },
	{ 43, "DS" }, { 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" },
	{ 47, "NSEC" }, { 48, "DNSKEY" }, { 49, "DHCID" }, { 50, "NSEC3" },
	{ 51, "NSEC3PARAM" }, { 52, "TLSA" }, { 53, "SMIMEA" },
	{ 55, "HIP" }, { 56, "NINFO" }, { 57, "RKEY" }, { 58, "TALINK" },
	{ 59, "CDS" }, { 60, "CDNSKEY" }, { 61, "OPENPGPKEY" },
	{ 62, "CSYNC" }, { 63, "ZONEMD" }, { 64, "SVCB" }, { 65, "HTTPS" },
	{ 99, "SPF" }, { 104, "NID" }, { 105, "L32" }, { 106, "L64" },
	{ 107, "LP" }, { 108, "EUI48" }, { 109, "EUI64" }, { 249, "TKEY" },
	{ 250, "TSIG" }, { 251, "IXFR" }, { 252, "AXFR" }, { 253, "MAILB" },
	{ 254, "MAILA" }, { 255, "ANY" }, { 256, "URI" }, { 257, "CAA" },
	{ 258, "AVC" }, { 259, "DOA" }, { 260, "AMTRELAY" },
	{ 32768, "TA" }, { 32769, "DLV" }
};

/** DNS classes. */
static const struct dns_mnemonic rrclass_table[] = {
	{ 1, "IN" }, { 3, "CH" }, { 4, "HS" }, { 254, "NONE" }, { 255, "ANY" }
};

/** Response codes, including the extended (EDNS and TSIG) ones. */
static const struct dns_mnemonic rcode_table[] = {
	{ 0, "NOERROR" }, { 1, "FORMERR" }, { 2, "SERVFAIL" },
	{ 3, "NXDOMAIN" }, { 4, "NOTIMP" }, { 5, "REFUSED" },
	{ 6, "YXDOMAIN" }, { 7, "YXRRSET" }, { 8, "NXRRSET" },
	{ 9, "NOTAUTH" }, { 10, "NOTZONE" }, { 11, "DSOTYPENI" },
	/* 16 is both BADVERS (EDNS) and BADSIG (TSIG); in a message
	 * header with OPT it is BADVERS. */
	{ 16, "BADVERS" }, { 17, "BADKEY" }, { 18, "BADTIME" },
	{ 19, "BADMODE" }, { 20, "BADNAME" }, { 21, "BADALG" },
	{ 22, "BADTRUNC" }, { 23, "BADCOOKIE" }
};

/**
 * Find a number in a table sorted by number.
 * @param table: the table.
 * @param n: its number of entries.
 * @param num: the number to find.
 * @return the mnemonic, or NULL if not listed.
 */
static const char*
mnemonic_find(const struct dns_mnemonic* table, size_t n, int num)
{
	size_t lo = 0, hi = n;

	while(lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if(table[mid].num == num)
			return table[mid].name;
		if(table[mid].num < num)
			lo = mid + 1;
		else	hi = mid;
	}
	return NULL;
}

/** Number of entries of a static table. */
#define TABLE_LEN(t) (sizeof(t) / sizeof((t)[0]))

const char*
sh_rrtype_name(uint16_t type, char buf[16])
{
	const char* s = mnemonic_find(rrtype_table, TABLE_LEN(rrtype_table),
		(int)type);
	if(s)
		return s;
	snprintf(buf, 16, "TYPE%u", (unsigned)type);
	return buf;
}

const char*
sh_rrclass_name(uint16_t klass, char buf[16])
{
	const char* s = mnemonic_find(rrclass_table,
		TABLE_LEN(rrclass_table), (int)klass);
	if(s)
		return s;
	snprintf(buf, 16, "CLASS%u", (unsigned)klass);
	return buf;
}

const char*
sh_rcode_name(int rcode, char buf[16])
{
	const char* s = mnemonic_find(rcode_table, TABLE_LEN(rcode_table),
		rcode);
	if(s)
		return s;
	snprintf(buf, 16, "RCODE%d", rcode);
	return buf;
}
