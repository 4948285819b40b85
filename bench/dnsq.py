#!/usr/bin/env python3
"""dnsq.py - tiny DNS client for the benchmark scripts (standard library only).

  dnsq.py wait PORT NAME TIMEOUT START_NS PID
      Ask 127.0.0.1@PORT for NAME/A every 10 ms until a *blocked* answer
      comes back (NOERROR with an answer record, or NXDOMAIN: what the
      module, local-zone always_null and RPZ "CNAME ." give), then print
      the seconds since START_NS (CLOCK_REALTIME nanoseconds, as from
      `date +%s%N`).  Exit 1 on timeout or when process PID is gone.
  dnsq.py live PORT SUFFIX TIMEOUT START_NS PID
      Ask for q1.SUFFIX, q2.SUFFIX, ... (a new name every 5 ms, so no
      answer can come from Unbound's cache) until one is answered by the
      sinkhole: NXDOMAIN, or NOERROR with answers none of which is the
      A 192.0.2.1 that NSD's wildcards give; then print the seconds since
      START_NS.  Used to time a reload from the rename of the feed until
      a name only the new version lists is blocked.  Exit 1 on timeout or
      when process PID is gone.
  dnsq.py ask PORT NAME [TYPE]
      One query (A, AAAA or TXT; 2 s timeout): print "RCODE ANCOUNT".
  dnsq.py ports N
      Print N distinct free UDP+TCP ports on 127.0.0.1 in 15000-32000.
"""

import os
import random
import socket
import struct
import sys
import time

TYPES = {"A": 1, "AAAA": 28, "TXT": 16}
RCODES = {0: "NOERROR", 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED"}
# the address NSD's wildcards answer (lib.sh, b_nsd_start)
UPSTREAM_A = bytes([192, 0, 2, 1])


def query(qid, name, qtype=1):
    """A query message with RD set."""
    wire = b"".join(bytes([len(lab)]) + lab.encode()
                    for lab in name.strip(".").split(".") if lab) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire + \
        struct.pack("!HH", qtype, 1)


def header(msg):
    """(id, rcode, ancount) of a reply."""
    qid, flags, _, an, _, _ = struct.unpack("!HHHHHH", msg[:12])
    return qid, flags & 0xF, an


def alive(pid):
    """True while the process exists."""
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def cmd_wait(port, name, timeout, start_ns, pid):
    """Poll until a blocked answer; print seconds since start_ns."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.01)
    deadline = time.monotonic() + timeout
    sent = {}
    qid = random.randint(0, 65535)
    while time.monotonic() < deadline:
        qid = (qid + 1) & 0xFFFF
        try:
            s.sendto(query(qid, name), ("127.0.0.1", port))
        except OSError:
            pass
        sent[qid] = True
        try:
            while True:
                msg = s.recv(4096)
                if len(msg) < 12:
                    continue
                rid, rcode, an = header(msg)
                if rid in sent and ((rcode == 0 and an > 0) or rcode == 3):
                    now = time.time_ns()
                    print("%.3f" % ((now - start_ns) / 1e9))
                    return 0
        except socket.timeout:
            pass
        except OSError:
            time.sleep(0.01)
        if not alive(pid):
            sys.stderr.write("dnsq: process %d is gone\n" % pid)
            return 1
    sys.stderr.write("dnsq: no blocked answer for %s within %d s\n" % (name, timeout))
    return 1


def skip_name(msg, off):
    """Offset just past the (possibly compressed) name at off."""
    while off < len(msg):
        n = msg[off]
        if n == 0:
            return off + 1
        if n & 0xC0 == 0xC0:
            return off + 2
        off += n + 1
    return len(msg)


def upstream_answer(msg, an):
    """True when one of the an answer records is NSD's A 192.0.2.1."""
    off = skip_name(msg, 12) + 4
    for _ in range(an):
        off = skip_name(msg, off)
        if off + 10 > len(msg):
            return False
        typ, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        if typ == 1 and msg[off:off + rdlen] == UPSTREAM_A:
            return True
        off += rdlen
    return False


def cmd_live(port, suffix, timeout, start_ns, pid):
    """Poll fresh names below suffix until the sinkhole answers one."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.005)
    deadline = time.monotonic() + timeout
    sent = set()
    qid = random.randint(0, 65535)
    i = 0
    while time.monotonic() < deadline:
        i += 1
        qid = (qid + 1) & 0xFFFF
        try:
            s.sendto(query(qid, "q%d.%s" % (i, suffix)), ("127.0.0.1", port))
            sent.add(qid)
        except OSError:
            pass
        try:
            while True:
                msg = s.recv(4096)
                if len(msg) < 12:
                    continue
                rid, rcode, an = header(msg)
                if rid not in sent:
                    continue
                if rcode == 3 or (rcode == 0 and an > 0 and not upstream_answer(msg, an)):
                    now = time.time_ns()
                    print("%.3f" % ((now - start_ns) / 1e9))
                    return 0
        except socket.timeout:
            pass
        except OSError:
            time.sleep(0.005)
        if i % 20 == 0 and not alive(pid):
            sys.stderr.write("dnsq: process %d is gone\n" % pid)
            return 1
    sys.stderr.write("dnsq: no sinkhole answer below %s within %d s\n" % (suffix, timeout))
    return 1


def cmd_ask(port, name, qtype):
    """One query; print rcode and answer count."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    qid = random.randint(0, 65535)
    s.sendto(query(qid, name, TYPES.get(qtype, 1)), ("127.0.0.1", port))
    try:
        while True:
            msg = s.recv(4096)
            rid, rcode, an = header(msg)
            if rid == qid:
                print("%s %d" % (RCODES.get(rcode, "RCODE%d" % rcode), an))
                return 0
    except socket.timeout:
        print("TIMEOUT 0")
        return 1


def cmd_ports(n):
    """n distinct free ports."""
    got = []
    tries = 0
    while len(got) < n and tries < 2000:
        tries += 1
        p = random.randint(15000, 32000)
        if p in got:
            continue
        socks = []
        try:
            for typ in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                so = socket.socket(socket.AF_INET, typ)
                socks.append(so)
                so.bind(("127.0.0.1", p))
            got.append(p)
        except OSError:
            pass
        finally:
            for so in socks:
                so.close()
    if len(got) < n:
        return 1
    print(" ".join(str(p) for p in got))
    return 0


def main():
    a = sys.argv[1:]
    if a and a[0] == "wait" and len(a) == 6:
        return cmd_wait(int(a[1]), a[2], int(a[3]), int(a[4]), int(a[5]))
    if a and a[0] == "live" and len(a) == 6:
        return cmd_live(int(a[1]), a[2], int(a[3]), int(a[4]), int(a[5]))
    if a and a[0] == "ask" and len(a) in (3, 4):
        return cmd_ask(int(a[1]), a[2], a[3] if len(a) == 4 else "A")
    if a and a[0] == "ports" and len(a) == 2:
        return cmd_ports(int(a[1]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
