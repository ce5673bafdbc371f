#!/usr/bin/env python3
"""The attackers of the abuse run (bench/abuse/run.sh), one role per
process, loopback only. Each runs until killed or for --seconds, then
prints one line of JSON with what it did.

  slowloris N   N connections from 127.0.0.2..9, each trickling one header
                line every 5 s and never finishing its request; reconnects
                when cut
  flood         initialize as fast as it can from 127.0.0.10
  bomb          a session on which costly patterns are set (the largest
                admitted and one over the budget) and validated, from
                127.0.0.11
  blocked N     one session holding a large document, kept busy by N
                threads calling validate_ids on it at once, from
                127.0.0.12: a blocked session with calls queued behind it
  probe         GET /healthz every 50 ms on a new connection from
                127.0.0.1; latencies in the JSON line
"""
import argparse, json, select, socket, sys, threading, time

HOST = "127.0.0.1"
META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {}}


def connect(port, src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.connect((HOST, port))
    return s


def request(sock, method, path, body=None, headers=None):
    """One request on a keep-alive socket; (status, body text)."""
    data = json.dumps(body).encode() if body is not None else b""
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1"]
    if body is not None:
        lines += ["Content-Type: application/json",
                  "Accept: application/json, text/event-stream",
                  "Content-Length: %d" % len(data)]
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = sock.recv(65536)
        if not d:
            raise ConnectionError("closed")
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(rest) < length:
        d = sock.recv(65536)
        if not d:
            raise ConnectionError("closed")
        rest += d
    return status, rest[:length].decode("utf-8", "replace")


def call(sock, tool, args, sid=None):
    """A modern tools/call; returns (status, parsed result or None)."""
    if sid:
        args = dict(args, session_id=sid)
    hdrs = {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call",
            "Mcp-Name": tool}
    if sid:
        hdrs["Mcp-Param-Session"] = sid
    st, text = request(sock, "POST", "/mcp", {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": {"name": tool, "arguments": args, "_meta": META}}, hdrs)
    try:
        return st, json.loads(text).get("result")
    except ValueError:
        return st, None


def slowloris(port, n, seconds):
    srcs = ["127.0.0.%d" % i for i in range(2, 10)]
    socks, opened, cut = {}, 0, 0
    end = time.time() + seconds
    next_drip = time.time()

    def open_one(i):
        nonlocal opened
        try:
            s = connect(port, srcs[i % len(srcs)])
            s.setblocking(False)
            s.send(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            socks[i] = s
            opened += 1
        except OSError:
            socks.pop(i, None)

    for i in range(n):
        open_one(i)
    while time.time() < end:
        if time.time() >= next_drip:
            next_drip = time.time() + 5
            for i in list(socks):
                try:
                    socks[i].send(b"X-Drip: 1\r\n")
                except OSError:
                    socks.pop(i).close()
                    cut += 1
        live = {s.fileno(): i for i, s in socks.items()}
        poller = select.poll()
        for fd in live:
            poller.register(fd, select.POLLIN)
        for fd, _ in poller.poll(500):
            i = live[fd]
            s = socks[i]
            try:
                if not s.recv(4096):
                    raise OSError
            except OSError:
                socks.pop(i, None)
                s.close()
                cut += 1
        for i in range(n):
            if i not in socks:
                open_one(i)
    held = len(socks)
    for s in socks.values():
        s.close()
    return {"role": "slowloris", "connections": n, "opened": opened, "cut": cut, "held_at_end": held}


def flood(port, seconds):
    end = time.time() + seconds
    counts = {}
    body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "f", "version": "1"}}}
    sock = None
    while time.time() < end:
        try:
            if sock is None:
                sock = connect(port, "127.0.0.10")
            st, _ = request(sock, "POST", "/mcp", body)
            counts[st] = counts.get(st, 0) + 1
        except (OSError, ConnectionError):
            counts["closed"] = counts.get("closed", 0) + 1
            sock = None
    return {"role": "flood", "answers": counts}


def bomb(port, seconds):
    sock = connect(port, "127.0.0.11")
    st, res = call(sock, "create_ids", {"title": "bomb"})
    sid = res["structuredContent"]["session_id"]
    call(sock, "add_specification", {"name": "S", "ifc_versions": ["IFC4"]}, sid)
    call(sock, "add_property_facet", {"location": "requirements", "property_set": "P",
                                      "property_name": "N", "data_type": "IFCLABEL"}, sid)
    # The largest run of optional parts the budget admits, and one over it.
    lo, hi = 1, 2048
    while lo < hi:
        mid = (lo + hi + 1) // 2
        _, r = call(sock, "add_pattern_restriction", {"pattern": "a?" * mid}, sid)
        if r and not r.get("isError"):
            lo = mid
        else:
            hi = mid - 1
    end = time.time() + seconds
    n = refused = 0
    while time.time() < end:
        _, r = call(sock, "add_pattern_restriction", {"pattern": "a?" * (lo + 1)}, sid)
        refused += bool(r and r.get("isError"))
        call(sock, "add_pattern_restriction", {"pattern": "a?" * lo}, sid)
        call(sock, "validate_ids", {}, sid)
        n += 1
    return {"role": "bomb", "admitted_runs": lo, "rounds": n, "refused": refused}


def blocked(port, threads, seconds):
    sock = connect(port, "127.0.0.12")
    _, res = call(sock, "create_ids", {"title": "big"})
    sid = res["structuredContent"]["session_id"]
    for i in range(400):
        call(sock, "add_specification", {"name": "Spec %d" % i, "ifc_versions": ["IFC4"]}, sid)
        call(sock, "add_entity_facet", {"location": "applicability", "entity_name": "IFCWALL"}, sid)
        call(sock, "add_property_facet", {"location": "requirements", "property_set": "Pset_%d" % i,
                                          "property_name": "P", "data_type": "IFCLABEL"}, sid)
        call(sock, "add_pattern_restriction", {"pattern": "[A-Z]{2}[0-9]{3}(-[a-z]+)?"}, sid)
    end = time.time() + seconds
    done = [0] * threads
    took = []

    def worker(k):
        s = connect(port, "127.0.0.12")
        while time.time() < end:
            t0 = time.perf_counter()
            call(s, "validate_ids", {}, sid)
            took.append(time.perf_counter() - t0)
            done[k] += 1

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    took.sort()
    return {"role": "blocked", "threads": threads, "calls": sum(done),
            "call_p50_ms": round(took[len(took) // 2] * 1000, 1) if took else None,
            "call_max_ms": round(took[-1] * 1000, 1) if took else None}


def probe(port, seconds):
    end = time.time() + seconds
    lat, bad = [], 0
    while time.time() < end:
        t0 = time.perf_counter()
        try:
            s = connect(port, "127.0.0.1")
            st, _ = request(s, "GET", "/healthz")
            s.close()
            lat.append(time.perf_counter() - t0)
            bad += st != 200
        except (OSError, ConnectionError):
            bad += 1
        time.sleep(0.05)
    lat.sort()
    pick = lambda q: round(lat[min(len(lat) - 1, int(len(lat) * q))] * 1000, 2) if lat else None
    return {"role": "probe", "requests": len(lat), "failed": bad, "p50_ms": pick(0.5),
            "p99_ms": pick(0.99), "max_ms": round(lat[-1] * 1000, 2) if lat else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["slowloris", "flood", "bomb", "blocked", "probe"])
    ap.add_argument("n", nargs="?", type=int, default=0)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=20)
    a = ap.parse_args()
    fn = {"slowloris": lambda: slowloris(a.port, a.n or 2000, a.seconds),
          "flood": lambda: flood(a.port, a.seconds),
          "bomb": lambda: bomb(a.port, a.seconds),
          "blocked": lambda: blocked(a.port, a.n or 16, a.seconds),
          "probe": lambda: probe(a.port, a.seconds)}[a.role]
    print(json.dumps(fn()), flush=True)


if __name__ == "__main__":
    main()
