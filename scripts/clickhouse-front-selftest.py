"""Self-check of scripts/clickhouse-front.py, run by hand (not part of CI):

    ~/.cache/flexprice-exporter/clickhouse-venv/bin/python scripts/clickhouse-front.py --self-test

Starts a front on a free loopback port with a throwaway data folder and FlexPrice's schema, then
checks each behaviour its header promises with plain sockets and urllib. Prints one line per
check and "N passed, N failed" at the end; exits 1 when a check failed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "selfTestPassw0rd-DoNotPrint"
RESULTS = {"passed": 0, "failed": 0}


def check(name: str, ok: bool, detail: str = "") -> None:
    RESULTS["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)


class Front:
    def __init__(self, script: str):
        self.dir = tempfile.mkdtemp(prefix="clickhouse-front-selftest.")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        schema = os.path.join(os.path.dirname(os.path.dirname(script)), "db", "clickhouse-schema.sql")
        self.log = open(os.path.join(self.dir, "front.log"), "w+")
        self.proc = subprocess.Popen([sys.executable, script, "--port", str(self.port), "--data",
                                      os.path.join(self.dir, "data"), "--password", PASSWORD, "--schema", schema],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url("/ping"), timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise SystemExit("the front did not start:\n" + open(self.log.name).read())

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def auth_header(password=PASSWORD, user="default"):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def post(front, sql, params=None, headers=None, body_extra=b"", method="POST"):
    """(status, headers, body) of a query through urllib."""
    q = urllib.parse.urlencode(params or {})
    data = sql.encode() + body_extra if method == "POST" else None
    req = urllib.request.Request(front.url("/?" + q), data=data, method=method,
                                 headers=headers if headers is not None else auth_header())
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class Raw:
    """One HTTP/1.1 request on a plain socket, reading the chunked body by hand."""

    def __init__(self, front, sql, params=None):
        self.sock = socket.create_connection(("127.0.0.1", front.port))
        q = urllib.parse.urlencode(params or {})
        body = sql.encode()
        head = (f"POST /?{q} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
                + "".join(f"{k}: {v}\r\n" for k, v in auth_header().items()) + "\r\n")
        self.sock.sendall(head.encode() + body)
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.recv()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines[1:])}

    def recv(self, n=65536):
        data = self.sock.recv(n)
        if not data:
            raise EOFError
        return data

    def read_chunk(self):
        """The next chunk's data; b"" for the last chunk; raises EOFError on a closed connection."""
        while b"\r\n" not in self.buf:
            self.buf += self.recv()
        line, _, self.buf = self.buf.partition(b"\r\n")
        size = int(line, 16)
        while len(self.buf) < size + 2:
            self.buf += self.recv()
        data, self.buf = self.buf[:size], self.buf[size + 2:]
        return data

    def read_all(self):
        """(data, terminated): every chunk until the last one or the connection's end."""
        out = b""
        try:
            while True:
                c = self.read_chunk()
                if c == b"":
                    return out, True
                out += c
        except EOFError:
            return out, False

    def close(self):
        self.sock.close()


def queries(front, match):
    with urllib.request.urlopen(front.url("/__front/queries?" + urllib.parse.urlencode({"match": match}))) as r:
        return json.loads(r.read())


def wait_state(front, query_id, states, seconds=20):
    deadline = time.time() + seconds
    rows = []
    while time.time() < deadline:
        rows = [r for r in queries(front, query_id) if r["query_id"] == query_id]
        if rows and rows[-1]["state"] in states:
            return rows[-1]
        time.sleep(0.1)
    return rows[-1] if rows else None


def fault(front, **spec):
    req = urllib.request.Request(front.url("/__front/faults"), data=json.dumps(spec).encode(), method="POST")
    with urllib.request.urlopen(req) as r:
        return r.status, r.read()


def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def rowbinary_header(buf):
    n, i = varint(buf, 0)
    out = []
    for _ in range(2 * n):
        ln, i = varint(buf, i)
        out.append(buf[i:i + ln].decode())
        i += ln
    return list(zip(out[:n], out[n:]))


MIDSTREAM = re.compile(rb"\r\n__exception__\r\n([A-Za-z0-9]{16})\r\n(.*)\n(\d+) ([A-Za-z0-9]{16})\r\n__exception__\r\n$", re.S)


def main(script: str) -> int:
    front = Front(script)
    try:
        run(front)
    finally:
        front.stop()
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    return 1 if RESULTS["failed"] else 0


def run(front):
    db = {"database": "flexprice"}
    # --- health ---
    r = urllib.request.urlopen(front.url("/ping")).read()
    check("GET /ping answers Ok.\\n", r == b"Ok.\n", repr(r))

    # --- INSERT as ClickHouse accepts it: FORMAT JSONEachRow + rows, and VALUES ---
    rows = []
    for i in range(1000):
        rows.append({"id": f"mu_{i:04d}", "tenant_id": "tenant_a", "environment_id": "env_a",
                     "external_customer_id": f"cus_{i % 7}", "meter_id": "meter_1", "event_name": "api_call",
                     "timestamp": f"2026-11-20 {i % 24:02d}:{i % 60:02d}:00", "ingested_at": "2026-11-20 00:00:00.000",
                     "qty_total": f"{i}.12345678", "unique_hash": "", "source": "sdk",
                     "properties": json.dumps({"n": i, "ü": "✓"})})
    body = "\n".join(json.dumps(r) for r in rows).encode()
    st, h, b = post(front, "INSERT INTO meter_usage FORMAT JSONEachRow\n", db, body_extra=body)
    check("INSERT ... FORMAT JSONEachRow with rows in the body", st == 200, f"{st} {b[:300]!r}")
    # Ten duplicates of ids 0..9 with a later ingested_at, in a second insert (one insert's block
    # is collapsed as it is written): FINAL keeps these.
    dups = [dict(rows[i], ingested_at="2026-11-21 00:00:00.000", qty_total="99.00000001") for i in range(10)]
    st, h, b = post(front, "INSERT INTO meter_usage FORMAT JSONEachRow\n", db,
                    body_extra="\n".join(json.dumps(r) for r in dups).encode())
    st, h, b = post(front, "", dict(db, query="INSERT INTO meter_usage FORMAT JSONEachRow"),
                    body_extra=json.dumps(dict(rows[0], id="mu_qparam", tenant_id="tenant_b")).encode())
    check("INSERT with the statement in ?query= and the rows in the body", st == 200, f"{st} {b[:300]!r}")
    st, h, b = post(front, "INSERT INTO events (id, tenant_id, environment_id, external_customer_id, event_name, "
                           "timestamp, ingested_at, properties) VALUES ('ev_1', 'tenant_a', 'env_a', NULL, 'api_call', "
                           "'2026-11-20 10:00:00.123', '2026-11-20 10:00:01.000', '{\"a\":1}')", db)
    check("INSERT ... VALUES", st == 200, f"{st} {b[:300]!r}")

    # --- authentication ---
    st, h, b = post(front, "SELECT 1", headers={"X-ClickHouse-User": "default", "X-ClickHouse-Key": PASSWORD})
    check("X-ClickHouse-User/X-ClickHouse-Key authenticate", st == 200 and b == b"1\n", f"{st} {b!r}")
    st, h, b = post(front, "SELECT 1", {"user": "default", "password": PASSWORD}, headers={})
    check("user/password URL parameters authenticate", st == 200 and b == b"1\n", f"{st} {b!r}")
    st, h, b = post(front, "SELECT 1", headers=auth_header("wrong"))
    check("a wrong password: 403, X-ClickHouse-Exception-Code 516, ClickHouse's text",
          st == 403 and h.get("X-ClickHouse-Exception-Code") == "516"
          and b.startswith(b"Code: 516. DB::Exception: default: Authentication failed: password is incorrect, or there is no user with such name.")
          and b"(AUTHENTICATION_FAILED) (version 26.9" in b, f"{st} {h.get('X-ClickHouse-Exception-Code')} {b!r}")
    st, h, b = post(front, "SELECT 1", headers={})
    check("no credentials: 401, WWW-Authenticate, code 194",
          st == 401 and h.get("X-ClickHouse-Exception-Code") == "194" and "WWW-Authenticate" in h, f"{st} {h}")
    st, h, b = post(front, "SELECT 1", {"user": "default", "password": PASSWORD}, headers=auth_header())
    check("two authentication methods at once: 403, 516", st == 403 and h.get("X-ClickHouse-Exception-Code") == "516", f"{st} {b!r}")
    log = open(front.log.name).read()
    check("the front's log never holds a password", PASSWORD not in log and "wrong" not in log, log[-500:])

    # --- query_id, formats, headers ---
    st, h, b = post(front, "SELECT 1 FORMAT JSONEachRow", {"query_id": "selftest-echo"})
    check("X-ClickHouse-Query-Id echoes query_id; X-ClickHouse-Format names the FORMAT clause",
          h.get("X-ClickHouse-Query-Id") == "selftest-echo" and h.get("X-ClickHouse-Format") == "JSONEachRow"
          and b == b'{"1":1}\n', f"{h} {b!r}")
    st, h, b = post(front, "SELECT 1", {"default_format": "CSVWithNames"})
    check("default_format applies without a FORMAT clause; a query_id is made up when absent",
          h.get("X-ClickHouse-Format") == "CSVWithNames" and b == b'"1"\n1\n'
          and re.fullmatch(r"[0-9a-f-]{36}", h.get("X-ClickHouse-Query-Id", "")) is not None, f"{h} {b!r}")
    check("every response carries a 16-character X-ClickHouse-Exception-Tag",
          re.fullmatch(r"[A-Za-z0-9]{16}", h.get("X-ClickHouse-Exception-Tag", "")) is not None, str(h))

    # --- parameters: a hostile value stays a value ---
    hostile = "tenant_a' OR 1=1 --"
    st, h, b = post(front, "SELECT count() FROM meter_usage FINAL WHERE tenant_id = {tenant:String}",
                    dict(db, query_id="selftest-hostile", param_tenant=hostile))
    rec = [r for r in queries(front, "selftest-hostile")]
    check("a hostile param_ value is bound as a value (0 rows), and arrives as a parameter, not in the SQL",
          st == 200 and b == b"0\n" and rec and rec[-1]["params"] == {"tenant": hostile}
          and hostile not in rec[-1]["query"] and "{tenant:String}" in rec[-1]["query"], f"{st} {b!r} {rec}")

    # --- FINAL collapses duplicates ---
    _, _, plain = post(front, "SELECT count() FROM meter_usage WHERE tenant_id = 'tenant_a'", db)
    _, _, final = post(front, "SELECT count(), sum(qty_total = 99.00000001) FROM meter_usage FINAL WHERE tenant_id = 'tenant_a'", db)
    check("FINAL collapses duplicates, the latest ingested_at wins (1010 rows stored, 1000 read)",
          plain == b"1010\n" and final == b"1000\t10\n",
          f"{plain!r} {final!r}")

    # --- RowBinaryWithNamesAndTypes header ---
    st, h, b = post(front, "SELECT id, tenant_id, timestamp, ingested_at, qty_total, properties FROM meter_usage FINAL "
                           "WHERE tenant_id = {t:String} AND timestamp >= {from:DateTime} AND timestamp < {to:DateTime} "
                           "ORDER BY timestamp, id FORMAT RowBinaryWithNamesAndTypes",
                    dict(db, param_t="tenant_a", **{"param_from": "2026-11-20 00:00:00", "param_to": "2026-11-21 00:00:00"}))
    header = rowbinary_header(b) if st == 200 else None
    check("RowBinaryWithNamesAndTypes: names and declared types in the header",
          header == [("id", "String"), ("tenant_id", "LowCardinality(String)"), ("timestamp", "DateTime"),
                     ("ingested_at", "DateTime64(3)"), ("qty_total", "Decimal(18, 8)"), ("properties", "String")]
          and h.get("Content-Type") == "application/octet-stream", f"{st} {header} {b[:200]!r}")
    st, h, b = post(front, "SELECT * FROM events WHERE 0 FORMAT RowBinaryWithNamesAndTypes", db)
    check("an empty result still sends the RowBinary header", st == 200 and len(rowbinary_header(b)) == 10, f"{st} {b!r}")

    st, h, b = post(front, "SELECT number AS n FROM numbers(3000000) FORMAT RowBinaryWithNamesAndTypes")
    check("a result of many blocks is one output stream: one RowBinaryWithNamesAndTypes header",
          st == 200 and len(b) == 10 + 8 * 3000000 and b[:10] == b"\x01\x01n\x06UInt64"
          and b.count(b"\x01\x01n\x06UInt64") == 1, f"{st} {len(b)}")
    st, h, b = post(front, "SELECT number AS n, toString(number) AS s FROM numbers(300000) FORMAT JSON")
    try:
        doc = json.loads(b)
    except ValueError as e:
        doc = {"error": str(e)}
    check("FORMAT JSON of many blocks is one JSON document", st == 200 and doc.get("rows") == 300000, str(doc)[:200])

    # --- errors before output ---
    for name, sql, params, status, code in [
        ("unknown table", "SELECT * FROM nope", db, 404, 60),
        ("syntax error", "SELEC 1", db, 400, 62),
        ("unknown database", "SELECT 1", {"database": "nope"}, 404, 81),
        ("unknown setting", "SELECT 1", {"no_such_setting": "1"}, 404, 115),
        ("multi-statements", "SELECT 1; SELECT 2", {}, 400, 62),
        ("parameter not set (not in the server's status map: 500)", "SELECT {x:String}", {}, 500, 456),
    ]:
        st, h, b = post(front, sql, params)
        ok = st == status and h.get("X-ClickHouse-Exception-Code") == str(code) and \
            re.match(rb"Code: %d\. DB::Exception: .*\([A-Z_]+\) \(version 26\.9[0-9.]* \(official build\)\)\n$" % code, b, re.S)
        check(f"{name}: {status}, X-ClickHouse-Exception-Code {code}, ClickHouse's text", bool(ok), f"{st} {h.get('X-ClickHouse-Exception-Code')} {b!r}")
    st, h, b = post(front, "", dict(db, query="INSERT INTO events (id) VALUES ('x')"), method="GET")
    check("GET is read-only: a write answers 164 READONLY", h.get("X-ClickHouse-Exception-Code") == "164", f"{st} {b!r}")

    big = "SELECT number, toString(number) FROM numbers(200000000)"

    # --- faults ---
    fault(front, match="selftest-fault-exc", kind="exception", after_bytes=100000, code=241, message="Memory limit exceeded (test)")
    raw = Raw(front, "SELECT number FROM numbers(1000000) FORMAT TSV", {"query_id": "selftest-fault-exc"})
    data = b""
    tail = b""
    try:
        while True:
            c = raw.read_chunk()
            if c == b"":
                break
            if c.startswith(b"\r\n__exception__"):
                tail = c
                break
            data += c
        ended = raw.read_all()
    except EOFError:
        ended = (b"", False)
    raw.close()
    m = MIDSTREAM.search(tail)
    check("exception fault: exactly N bytes, then the tagged block in its own chunk, no last chunk, connection closed",
          raw.status == 200 and len(data) == 100000 and m is not None and m.group(1) == m.group(4)
          and m.group(1).decode() == raw.headers.get("x-clickhouse-exception-tag")
          and int(m.group(3)) == len(m.group(2)) + 1
          and m.group(2).startswith(b"Code: 241. DB::Exception: Memory limit exceeded (test). (MEMORY_LIMIT_EXCEEDED) (version 26.9")
          and ended == (b"", False), f"{raw.status} {len(data)} {tail!r} {ended}")
    row = wait_state(front, "selftest-fault-exc", ("failed",))
    check("exception fault: the query log says failed", row and row["state"] == "failed", str(row))

    fault(front, match="selftest-fault-drop", kind="drop", after_bytes=5000)
    raw = Raw(front, "SELECT number FROM numbers(1000000) FORMAT TSV", {"query_id": "selftest-fault-drop"})
    data, terminated = raw.read_all()
    raw.close()
    check("drop fault: N bytes, then the connection ends without the last chunk", len(data) == 5000 and not terminated,
          f"{len(data)} {terminated}")

    fault(front, match="selftest-fault-stall", kind="stall", after_bytes=7)
    raw = Raw(front, big, {"query_id": "selftest-fault-stall"})
    got = b""
    raw.sock.settimeout(1.0)
    try:
        while True:
            got += raw.read_chunk()
    except (socket.timeout, EOFError):
        pass
    row_before = queries(front, "selftest-fault-stall")[-1]
    raw.close()
    row = wait_state(front, "selftest-fault-stall", ("cancelled",))
    check("stall fault: N bytes, then silence while the client waits; running until it closes, then cancelled",
          len(got) == 7 and row_before["state"] == "running" and row and row["state"] == "cancelled", f"{len(got)} {row_before} {row}")

    # --- cancellation: the client closes mid-stream ---
    raw = Raw(front, big, {"query_id": "selftest-close", "cancel_http_readonly_queries_on_client_close": "1"})
    raw.read_chunk()
    raw.close()
    row = wait_state(front, "selftest-close", ("cancelled",))
    check("a client that closes mid-stream stops the query (cancelled)", row and row["state"] == "cancelled", str(row))

    # --- back-pressure: a reader that stops reading holds the query ---
    raw = Raw(front, big, {"query_id": "selftest-slow"})
    raw.read_chunk()
    time.sleep(1.5)
    sent1 = queries(front, "selftest-slow")[-1]["bytes_sent"]
    time.sleep(1.0)
    sent2 = queries(front, "selftest-slow")[-1]["bytes_sent"]
    check("a reader that stops reading stops the output (TCP back-pressure)", sent1 == sent2 and sent1 < 64 << 20,
          f"{sent1} {sent2}")

    # --- KILL QUERY by the client's query_id ---
    st, h, b = post(front, "KILL QUERY WHERE query_id = 'selftest-slow' ASYNC FORMAT TSV")
    got_tail = b""
    try:
        raw.sock.settimeout(20)
        while True:
            c = raw.read_chunk()
            if c == b"" or c.startswith(b"\r\n__exception__"):
                got_tail = c
                break
    except EOFError:
        pass
    raw.close()
    row = wait_state(front, "selftest-slow", ("cancelled",))
    check("KILL QUERY WHERE query_id = ... answers the killed query and stops it (cancelled, 394 to its client)",
          st == 200 and b.startswith(b"waiting\tselftest-slow\tdefault\t") and row and row["state"] == "cancelled"
          and b"Code: 394." in got_tail, f"{st} {b!r} {row} {got_tail[:200]!r}")

    st, h, b = post(front, "SELECT 1", {"query_id": "selftest-dup"})
    check("a finished query_id can be reused", st == 200, str(st))

    # --- parallel queries ---
    results = []

    def one(i):
        s, _, out = post(front, "SELECT count() FROM meter_usage FINAL WHERE tenant_id = {t:String}",
                         dict(db, param_t="tenant_a", query_id=f"selftest-par-{i}"))
        results.append((s, out))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(12)]
    slow = Raw(front, big, {"query_id": "selftest-stalled-client"})
    slow.read_chunk()  # a client that stops reading, while the others run
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    slow.close()
    check("12 parallel queries beside a stalled client all answer", len(results) == 12
          and all(r == (200, b"1000\n") for r in results), str(results))

    rows = queries(front, "selftest-")
    check("the query log lists the queries with their states", {r["state"] for r in rows} <= {"running", "finished", "failed", "cancelled"}
          and any(r["state"] == "finished" for r in rows), str(rows[:3]))
