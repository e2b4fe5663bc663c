#!/usr/bin/env python3
"""clickhouse-front.py: ClickHouse's HTTP interface over chDB, for the tests and the demo.

No current clickhouse-server installs here (Debian's is 18.16: no DateTime64), so the tests and
the demo read usage from chDB (PyPI `chdb-core`, ClickHouse 26.9's own engine as a Python module)
behind this HTTP front. The SQL, the types, the output formats and the error texts are the
engine's own; this file only does what clickhouse-server's HTTP handler does around them, for the
part of the interface the exporter uses. Standard library + chdb only; run it with the venv
scripts/install-clickhouse.sh makes.

    clickhouse-front.py --port PORT --data DIR --password PASSWORD [--schema FILE]...
    clickhouse-front.py --self-test      (starts a front on a free port and checks it; by hand)

scripts/with-services.sh starts it for the tests and exports:
    EXPORTER_TEST_CLICKHOUSE_URL       http://default:<password>@127.0.0.1:<port>/flexprice
    EXPORTER_TEST_CLICKHOUSE_PASSWORD  the password alone
    EXPORTER_TEST_CLICKHOUSE_CONTROL   http://127.0.0.1:<port>/__front  (test-only control API)
Tables: db/clickhouse-schema.sql (database `flexprice`: events, meter_usage, feature_usage),
loaded at start-up. The server's time zone is UTC.

Interface facts (ClickHouse's documentation: https://clickhouse.com/docs/interfaces/http, below
"the HTTP docs"; the server's source where the docs are silent):
  GET /ping -> 200 "Ok.\\n" (HTTP docs, "health-check scripts use GET /ping"). GET / with no
    query -> 200 "Ok.\\n" (http_server_default_response). Any other path -> 404 "There is no
    handle <path>".
  POST / with the query in the body, or `?query=` followed by the body (HTTP docs, "Querying over
    HTTP/HTTPS": the query parameter, then a line feed, then the body, as one text). GET /?query=
    is read-only, as the docs say (setting readonly=2 on the query: a write answers 164 READONLY).
    URL parameters: database, query_id, default_format, param_<name> (HTTP docs, "Queries with
    parameters": values bound by the engine to {name:Type}, never spliced into the SQL text),
    user/password; every other parameter is a setting (HTTP docs, "Settings"), applied to the
    query's session with SET; an unknown one answers 115 UNKNOWN_SETTING (404), as ClickHouse.
    One statement per request: more answers 62 SYNTAX_ERROR "Multi-statements are not allowed".
  Authentication (HTTP docs, "Authentication"): HTTP basic auth, or the `user`/`password` URL
    parameters, or the X-ClickHouse-User/X-ClickHouse-Key headers; user `default` (an absent user
    name means `default`), password given on the command line. Two methods at once -> 516.
    No password at all -> 401 + WWW-Authenticate, code 194 REQUIRED_PASSWORD; a wrong one or
    another user -> 403, code 516 AUTHENTICATION_FAILED, text "default: Authentication failed:
    password is incorrect, or there is no user with such name." (statuses: the server's
    exceptionCodeToHTTPStatus.cpp and WriteBufferFromHTTP1ServerResponse::setExceptionCode).
    Passwords are never logged.
  Success: 200, Transfer-Encoding: chunked, X-ClickHouse-Query-Id (the given query_id, or a UUID
    made up), X-ClickHouse-Format (the FORMAT clause, else default_format, else TabSeparated),
    X-ClickHouse-Timezone: UTC, X-ClickHouse-Exception-Tag (see below), X-ClickHouse-Summary (its
    keys, with zeros: the front has no progress figures), Content-Type per format. The body is
    the engine's own output stream (the query runs INTO OUTFILE a named pipe that the front
    reads; chDB's send_query would format every block as a document of its own), so every format
    is byte for byte what clickhouse-server sends: one RowBinaryWithNamesAndTypes header, one
    JSON document. The engine blocks on the full pipe
    until the front has written the last block to the socket, so a slow reader slows the query
    (TCP back-pressure) and memory stays bounded (1 MiB pipe + one block).
  Errors before the first byte (HTTP docs, "HTTP response codes caveats", and
    exceptionCodeToHTTPStatus.cpp): status from the code (e.g. 60 UNKNOWN_TABLE, 81
    UNKNOWN_DATABASE, 115 UNKNOWN_SETTING -> 404; 62 SYNTAX_ERROR, 36 BAD_ARGUMENTS, 27/6/41
    parse errors, 53 TYPE_MISMATCH -> 400; 194 -> 401; 516, 497 ACCESS_DENIED -> 403; 159
    TIMEOUT_EXCEEDED -> 408; others 500), header X-ClickHouse-Exception-Code: N, body
    "Code: N. DB::Exception: <message>. (NAME) (version 26.9.x.y (official build))\\n".
  Errors after the first byte (ClickHouse 25.11+, PR ClickHouse/ClickHouse#88818; the bytes as
    WriteBufferFromHTTP1ServerResponse::cancelWithException writes them): every response carries
    `X-ClickHouse-Exception-Tag: <16 random [A-Za-z0-9]>`; the data already produced is flushed as
    its own chunk, then one more chunk holds exactly
        \\r\\n__exception__\\r\\n<TAG>\\r\\n<message>\\n<L> <TAG>\\r\\n__exception__\\r\\n
    where <message> is the "Code: N. DB::Exception: ..." text above and L is the byte length of
    "<message>\\n" in decimal; then the connection is closed WITHOUT the final "0\\r\\n\\r\\n" chunk
    (the HTTP framing is broken on purpose).
  Cancellation: a client that closes the connection stops its query (a failed write always does;
    with cancel_http_readonly_queries_on_client_close=1 a watcher also notices a close while the
    engine is still computing, as ClickHouse does for read-only queries). `KILL QUERY WHERE
    query_id = '<id>'` (or = {p:String}) [SYNC|ASYNC] stops the queries with that client
    query_id: the front maps it to the engine's own KILL QUERY (each query runs on its own chDB
    connection tagged by log_comment), answers kill_status/query_id/user/query rows in the
    requested format, and the killed query's client gets the mid-stream exception 394
    QUERY_WAS_CANCELLED. A query_id already running answers 216
    QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING (replace_running_query=0, ClickHouse's default).
  INSERT: `INSERT INTO t [(cols)] FORMAT <fmt>` followed by the rows (in the query parameter's
    continuation or the body) streams the rows into the engine (chDB send_insert) as they arrive;
    `INSERT ... VALUES (...)` and `INSERT ... SELECT` run as ordinary statements.
  Not implemented (not used by the exporter): sessions (session_id), HTTP compression
    (enable_http_compression, compress/decompress), progress headers, /play, /replicas_status,
    HTTPS, wait_end_of_query, predefined handlers.

Concurrency (what chDB allows, measured with chdb-core 26.9.0): one engine per process bound to
the data folder; any number of connections to it, and queries on different connections run in
parallel (chDB releases the GIL while the engine works). A connection with an open streaming
result must not run another query. So every request gets its own chDB connection (about 2 ms to
open) and its own thread; nothing is serialised. A stalled client holds only its own query: its
writes time out after 300 s (ClickHouse's send_timeout default), which cancels the query.

Test-only control API under /__front/ (NOT ClickHouse's interface; no authentication, loopback only):
  POST /__front/faults  {"match": "<substring of query_id>", "kind": "exception"|"drop"|"stall",
        "after_bytes": N, "code": 241, "message": "..."}  -> 200 {}
      Applies once, to the next query whose query_id contains `match`, after N bytes of the
      response body (result data, not counting chunk framing; a result shorter than N bytes gets
      the fault where it ends, instead of the final chunk):
      exception: the mid-stream exception above with code (default 241 MEMORY_LIMIT_EXCEEDED) and
        message ("Code: <code>. DB::Exception: <message>. (<NAME>) (version ...)");
      drop: the TCP connection is closed without finishing the chunked body;
      stall: nothing more is sent until the client closes the connection (or KILL QUERY).
      In the query log: exception and drop leave the query "failed", a stall "cancelled".
  DELETE /__front/faults -> 200 {}: forgets faults not yet applied.
  GET /__front/queries?match=SUBSTR -> 200 JSON array, oldest first, of {"query_id", "state":
      "running"|"finished"|"failed"|"cancelled", "bytes_sent", "query", "params", "error",
      "fault"} for the queries (not /ping) whose query_id contains SUBSTR. "query" is the SQL text
      as received (with its {name:Type} placeholders), "params" the param_* values, "bytes_sent"
      the result bytes written to the socket. A query's state is final before the last byte of
      its answer leaves ("finished", "failed"); "cancelled" comes when the front notices the
      client's close or the kill, so a test polls for it.
  GET /__front/process -> 200 {"pid", "cpu_seconds", "max_rss_bytes"}: the front's own process
      (the engine runs in it), for the benchmark's CPU and memory figures.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import re
import resource
import secrets
import select
import shutil
import socket
import string
import sys
import threading
import time
import traceback
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

# The engine reads the process's time zone at start; ClickHouse servers usually run in UTC.
os.environ["TZ"] = "UTC"

SEND_TIMEOUT_SECONDS = 300  # ClickHouse's send_timeout default.
MAX_EXCEPTION_SIZE = 16 * 1024  # WriteBufferFromHTTP1ServerResponse::MAX_EXCEPTION_SIZE
EXCEPTION_TAG_LENGTH = 16

# URL parameters that are part of the HTTP interface, not settings (HTTP docs; HTTPHandler's
# reserved names). Everything else in the URL is a setting.
RESERVED_PARAMS = {
    "query", "database", "default_format", "query_id", "user", "password", "quota_key",
    "session_id", "session_timeout", "session_check", "compress", "decompress", "buffer_size",
    "wait_end_of_query", "stacktrace", "role", "client_protocol_version", "close_session",
}

# Exception names to HTTP statuses, as exceptionCodeToHTTPStatus.cpp (ClickHouse server) maps
# them; 194 REQUIRED_PASSWORD is 401 with WWW-Authenticate (setExceptionCode). The numbers come
# from the engine at start-up (errorCodeToName), so they are the engine's own.
STATUS_BY_NAME = {"REQUIRED_PASSWORD": 401}
for _n in ("UNKNOWN_USER", "WRONG_PASSWORD", "AUTHENTICATION_FAILED", "SET_NON_GRANTED_ROLE", "ACCESS_DENIED"):
    STATUS_BY_NAME[_n] = 403
for _n in ("BAD_ARGUMENTS", "CANNOT_COMPILE_REGEXP", "CANNOT_PARSE_TEXT", "CANNOT_PARSE_ESCAPE_SEQUENCE",
           "CANNOT_PARSE_QUOTED_STRING", "CANNOT_PARSE_DATE", "CANNOT_PARSE_DATETIME", "CANNOT_PARSE_NUMBER",
           "CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING", "CANNOT_PARSE_IPV4", "CANNOT_PARSE_IPV6",
           "CANNOT_PARSE_INPUT_ASSERTION_FAILED", "CANNOT_PARSE_UUID", "DUPLICATE_COLUMN", "ILLEGAL_COLUMN",
           "UNKNOWN_ELEMENT_IN_AST", "UNKNOWN_TYPE_OF_AST_NODE", "THERE_IS_NO_COLUMN", "TOO_DEEP_AST",
           "TOO_BIG_AST", "UNEXPECTED_AST_STRUCTURE", "SYNTAX_ERROR", "INCORRECT_DATA", "TYPE_MISMATCH",
           "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE"):
    STATUS_BY_NAME[_n] = 400
for _n in ("UNKNOWN_TABLE", "UNKNOWN_FUNCTION", "UNKNOWN_IDENTIFIER", "UNKNOWN_TYPE", "UNKNOWN_STORAGE",
           "UNKNOWN_DATABASE", "UNKNOWN_SETTING", "UNKNOWN_DIRECTION_OF_SORTING", "UNKNOWN_AGGREGATE_FUNCTION",
           "UNKNOWN_FORMAT", "UNKNOWN_DATABASE_ENGINE", "UNKNOWN_TYPE_OF_QUERY", "UNKNOWN_ROLE"):
    STATUS_BY_NAME[_n] = 404
STATUS_BY_NAME.update({"QUERY_IS_TOO_LARGE": 413, "NOT_IMPLEMENTED": 501, "SOCKET_TIMEOUT": 503,
                       "CANNOT_OPEN_FILE": 503, "HTTP_LENGTH_REQUIRED": 411, "TIMEOUT_EXCEEDED": 408,
                       "CANNOT_SCHEDULE_TASK": 503, "UNSUPPORTED_MEDIA_TYPE": 415})

# Error code -> name, filled from the engine at start-up.
CODE_NAMES: dict[int, str] = {}

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            408: "Request Time-out", 411: "Length Required", 413: "Request Entity Too Large",
            415: "Unsupported Media Type", 500: "Internal Server Error", 501: "Not Implemented",
            503: "Service Unavailable"}


def http_status_for(code: int) -> int:
    return STATUS_BY_NAME.get(CODE_NAMES.get(code, ""), 500)


def content_type_for(fmt: str) -> str:
    """Content-Type by output format, as the server's formats declare it."""
    f = fmt.lower()
    if f in ("tabseparated", "tsv", "tabseparatedraw", "tsvraw", "tabseparatedwithnames",
             "tsvwithnames", "tabseparatedwithnamesandtypes", "tsvwithnamesandtypes"):
        return "text/tab-separated-values; charset=UTF-8"
    if f.startswith("csv"):
        return "text/csv; charset=UTF-8; header=" + ("present" if "names" in f else "absent")
    if f in ("json", "jsoncompact", "jsonstrings", "jsoncompactstrings", "jsoncolumns"):
        return "application/json; charset=UTF-8"
    if f.startswith("json") or f == "ndjson" or f == "jsonlines":
        return "application/x-ndjson; charset=UTF-8" if "eachrow" in f or f in ("ndjson", "jsonlines") \
            else "application/json; charset=UTF-8"
    if f.startswith("rowbinary") or f in ("native", "parquet", "arrow", "arrowstream", "orc", "avro"):
        return "application/octet-stream"
    return "text/plain; charset=UTF-8"


class EngineError(Exception):
    """An exception as the engine (or the front, speaking for ClickHouse) reports it."""

    def __init__(self, code: int, text: str):
        super().__init__(text)
        self.code = code
        self.text = text  # "Code: N. DB::Exception: ... (NAME)" without the version suffix


def engine_error(exc: BaseException) -> EngineError:
    """Turns a chDB exception into code + text."""
    if isinstance(exc, EngineError):
        return exc
    text = str(exc).strip()
    text = re.sub(r"^Streaming query failed: ", "", text)
    m = re.search(r"Code: (\d+)\.", text)
    if m:
        return EngineError(int(m.group(1)), text[m.start():])
    return EngineError(1001, f"Code: 1001. DB::Exception: {text}. (STD_EXCEPTION)")


def front_error(code: int, message: str) -> EngineError:
    name = CODE_NAMES.get(code, "UNKNOWN_EXCEPTION")
    return EngineError(code, f"Code: {code}. DB::Exception: {message}. ({name})")


# ---------------------------------------------------------------------------------------------
# Query log and faults (the test-only control API's state)

class QueryRecord:
    def __init__(self, query_id: str, tag: str, query: str, params: dict):
        self.query_id = query_id
        self.tag = tag
        self.query = query
        self.params = params
        self.state = "running"
        self.bytes_sent = 0
        self.error = None
        self.fault = None
        self.killed = threading.Event()
        self.done = threading.Event()

    def as_json(self) -> dict:
        return {"query_id": self.query_id, "state": self.state, "bytes_sent": self.bytes_sent,
                "query": self.query, "params": self.params, "error": self.error, "fault": self.fault}


class State:
    def __init__(self, engine_path: str, password: str, version: str):
        self.engine_path = engine_path
        self.password = password
        self.version = version
        self.lock = threading.Lock()
        self.records: list[QueryRecord] = []
        self.fifo_dir = os.path.abspath(engine_path.rstrip("/")) + ".fifos"
        os.makedirs(self.fifo_dir, exist_ok=True)
        self.faults: list[dict] = []

    def version_suffix(self) -> str:
        return f" (version {self.version} (official build))"

    def register(self, rec: QueryRecord) -> None:
        with self.lock:
            for other in self.records:
                if other.query_id == rec.query_id and other.state == "running":
                    raise front_error(216, f"Query with id = {rec.query_id} is already running")
            self.records.append(rec)
            # Bounded memory: keep the last 10000 queries.
            if len(self.records) > 10000:
                del self.records[: len(self.records) - 10000]

    def take_fault(self, query_id: str):
        with self.lock:
            for i, f in enumerate(self.faults):
                if f["match"] in query_id:
                    return self.faults.pop(i)
        return None

    def running(self, query_id: str) -> list[QueryRecord]:
        with self.lock:
            return [r for r in self.records if r.query_id == query_id and r.state == "running"]


# ---------------------------------------------------------------------------------------------
# The engine

_chdb = None


def chdb_module():
    global _chdb
    if _chdb is None:
        import chdb  # noqa: PLC0415  (imported late so --help works without the venv)
        _chdb = chdb
    return _chdb


def quote_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def open_connection(state: State, tag: str, database: str | None, settings: list, readonly: bool):
    """A chDB connection of its own for one query, tagged (log_comment) so KILL QUERY finds it."""
    conn = chdb_module().connect(f"{state.engine_path}?log_comment={tag}")
    try:
        if database:
            conn.query("USE " + "`" + database.replace("\\", "\\\\").replace("`", "\\`") + "`")
        for name, value in settings:
            conn.query(f"SET {name} = {quote_literal(value)}")
        if readonly:
            conn.query("SET readonly = 2")
    except BaseException:
        conn.close()
        raise
    return conn


FORMAT_AT_END = re.compile(r"\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)(\s+SETTINGS\b[^;]*?)?\s*;?\s*$", re.I | re.S)
# INSERT INTO t [(cols)] FORMAT fmt <data>: the statement holds no quote, VALUES or SELECT (a
# FORMAT word inside those is data or a subquery's, not this statement's input format).
INSERT_FORMAT = re.compile(r"\s*(INSERT\s+INTO\s(?:(?!\bVALUES\b|\bSELECT\b)[^'\"])*?)\s+FORMAT\s+([A-Za-z][A-Za-z0-9_]*)[ \t]*(?:\r?\n)?",
                           re.I | re.S)
KILL_QUERY = re.compile(
    r"\s*KILL\s+QUERY\s+WHERE\s+query_id\s*=\s*(?:'((?:[^'\\]|\\.)*)'|\{\s*(\w+)\s*:\s*String\s*\})"
    r"\s*(SYNC|ASYNC|TEST)?\s*(?:FORMAT\s+(\w+))?\s*;?\s*$", re.I | re.S)


def unescape_literal(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(m.group(1), m.group(1)), s)


# ---------------------------------------------------------------------------------------------
# HTTP

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ClickHouse-front"
    state: State  # set on the class by serve()

    # -- logging: one line per request, never the password --
    def log_message(self, format, *args):  # noqa: A002
        pass

    def log_request_line(self, status: int, query_id: str = "") -> None:
        path = urlsplit(self.path)
        params = [(k, "[HIDDEN]" if k == "password" else v) for k, v in parse_qsl(path.query, keep_blank_values=True)]
        shown = path.path + ("?" + "&".join(f"{k}={v[:80]}" for k, v in params) if params else "")
        sys.stderr.write(f"clickhouse-front: {self.command} {shown} -> {status} {query_id}\n")

    # -- raw response writing --
    def write_head(self, status: int, headers: list) -> None:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}",
                 f"Date: {formatdate(usegmt=True)}"]
        lines += [f"{k}: {v}" for k, v in headers]
        self.connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def write_chunk(self, data: bytes) -> None:
        if data:
            self.connection.sendall(b"%x\r\n" % len(data) + data + b"\r\n")

    def write_end(self) -> None:
        self.connection.sendall(b"0\r\n\r\n")

    def simple(self, status: int, body: bytes, content_type="text/plain; charset=UTF-8", extra=()) -> None:
        self.write_head(status, [("Connection", "Keep-Alive"), ("Content-Type", content_type),
                                 ("Content-Length", str(len(body))), ("Keep-Alive", "timeout=10"), *extra])
        self.connection.sendall(body)

    def send_error_response(self, err: EngineError, query_id: str | None, fmt: str = "TabSeparated") -> None:
        """An exception before the first byte: status by code, X-ClickHouse-Exception-Code, text body."""
        body = (err.text + self.state.version_suffix() + "\n").encode()
        headers = [("Connection", "Keep-Alive"), ("Content-Type", "text/plain; charset=UTF-8"),
                   ("X-ClickHouse-Server-Display-Name", "clickhouse-front"), ("Transfer-Encoding", "chunked")]
        if query_id:
            headers.append(("X-ClickHouse-Query-Id", query_id))
        headers.append(("X-ClickHouse-Timezone", "UTC"))
        if err.code == 194:
            headers.append(("WWW-Authenticate", 'Basic realm="ClickHouse server HTTP API"'))
        headers += [("X-ClickHouse-Exception-Code", str(err.code)), ("Keep-Alive", "timeout=10"),
                    ("X-ClickHouse-Summary", summary_json(0, 0))]
        self.write_head(http_status_for(err.code), headers)
        self.write_chunk(body)
        self.write_end()

    def write_midstream_exception(self, tag: str, err: EngineError) -> None:
        """ClickHouse 25.11+'s tagged exception block, then the connection is broken (no last chunk)."""
        message = (err.text + self.state.version_suffix()).encode()
        fixed = 2 + 13 + 2 + EXCEPTION_TAG_LENGTH + 2 + 8 + 1 + EXCEPTION_TAG_LENGTH + 2 + 13 + 2
        message = message[: MAX_EXCEPTION_SIZE - fixed]
        if not message.endswith(b"\n"):
            message += b"\n"
        t = tag.encode()
        block = b"\r\n__exception__\r\n" + t + b"\r\n" + message + str(len(message)).encode() + b" " + t + b"\r\n__exception__\r\n"
        try:
            self.write_chunk(block)
        finally:
            self.break_connection()

    def break_connection(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- request body --
    def body_chunks(self):
        """The request body as it arrives (Content-Length or chunked), in pieces of up to 1 MiB."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    return
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return
                left = size
                while left:
                    piece = self.rfile.read(min(left, 1 << 20))
                    if not piece:
                        return
                    left -= len(piece)
                    yield piece
                self.rfile.readline(3)
        else:
            left = int(self.headers.get("Content-Length") or 0)
            while left > 0:
                piece = self.rfile.read(min(left, 1 << 20))
                if not piece:
                    return
                left -= len(piece)
                yield piece

    def drain_body(self) -> None:
        for _ in self.body_chunks():
            pass

    # -- routing --
    def do_GET(self):  # noqa: N802
        self.handle_any()

    def do_POST(self):  # noqa: N802
        self.handle_any()

    def do_DELETE(self):  # noqa: N802
        self.handle_any()

    def handle_any(self):
        self.connection.settimeout(SEND_TIMEOUT_SECONDS)
        url = urlsplit(self.path)
        try:
            if url.path.startswith("/__front/"):
                return self.control(url)
            if url.path == "/ping" and self.command == "GET":
                self.drain_body()
                return self.simple(200, b"Ok.\n")
            if url.path != "/":
                self.drain_body()
                return self.simple(404, f"There is no handle {url.path}\n\nUse / or /ping for health checks.\n".encode())
            params = parse_qsl(url.query, keep_blank_values=True)
            if self.command == "GET" and not any(k == "query" for k, _ in params):
                return self.simple(200, b"Ok.\n")
            if self.command not in ("GET", "POST"):
                self.drain_body()
                return self.simple(501, b"Unsupported method\n")
            self.run_query(params)
        except (BrokenPipeError, ConnectionResetError, socket.timeout, TimeoutError):
            self.close_connection = True
        except Exception:  # a bug in the front: say so loudly, close the connection
            traceback.print_exc()
            self.close_connection = True

    # -- test-only control API (not ClickHouse's) --
    def control(self, url):
        st = self.state
        if url.path == "/__front/faults" and self.command == "POST":
            try:
                spec = json.loads(b"".join(self.body_chunks()) or b"{}")
                fault = {"match": str(spec["match"]), "kind": spec["kind"],
                         "after_bytes": int(spec.get("after_bytes", 0)), "code": int(spec.get("code", 241)),
                         "message": str(spec.get("message", "Memory limit (total) exceeded: injected by the test front"))}
                if fault["kind"] not in ("exception", "drop", "stall"):
                    raise ValueError("kind must be exception, drop or stall")
            except (ValueError, KeyError, TypeError) as e:
                return self.simple(400, json.dumps({"error": str(e)}).encode(), "application/json")
            with st.lock:
                st.faults.append(fault)
            return self.simple(200, b"{}", "application/json")
        if url.path == "/__front/faults" and self.command == "DELETE":
            self.drain_body()
            with st.lock:
                st.faults.clear()
            return self.simple(200, b"{}", "application/json")
        if url.path == "/__front/queries" and self.command == "GET":
            match = dict(parse_qsl(url.query)).get("match", "")
            with st.lock:
                rows = [r.as_json() for r in st.records if match in r.query_id]
            return self.simple(200, json.dumps(rows).encode(), "application/json")
        if url.path == "/__front/process" and self.command == "GET":
            ru = resource.getrusage(resource.RUSAGE_SELF)
            body = {"pid": os.getpid(), "cpu_seconds": ru.ru_utime + ru.ru_stime, "max_rss_bytes": ru.ru_maxrss * 1024}
            return self.simple(200, json.dumps(body).encode(), "application/json")
        self.drain_body()
        return self.simple(404, b'{"error": "unknown control endpoint"}', "application/json")

    # -- authentication (HTTP docs, "Authentication") --
    def authenticate(self, params: list) -> EngineError | None:
        p = dict(params)
        methods = []
        auth = self.headers.get("Authorization")
        if auth:
            methods.append("basic")
        if "user" in p or "password" in p:
            methods.append("params")
        if self.headers.get("X-ClickHouse-User") is not None or self.headers.get("X-ClickHouse-Key") is not None:
            methods.append("headers")
        if len(methods) > 1:
            return front_error(516, "Invalid authentication: it is not allowed to use several authentication "
                                    "methods (Authorization header, X-ClickHouse-User/X-ClickHouse-Key headers, "
                                    "user/password parameters) simultaneously")
        user, password = "default", None
        if auth:
            scheme, _, value = auth.partition(" ")
            if scheme.lower() != "basic":
                return front_error(516, "Invalid authentication: only Basic authorization is supported")
            try:
                user, _, password = base64.b64decode(value.strip()).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return front_error(516, "Invalid authentication: malformed Basic credentials")
        elif "params" in methods:
            user, password = p.get("user") or "default", p.get("password")
        elif "headers" in methods:
            user, password = self.headers.get("X-ClickHouse-User") or "default", self.headers.get("X-ClickHouse-Key")
        if user == "default" and not password:
            return front_error(194, "default: Authentication failed: password is incorrect, or there is no user with such name")
        if user != "default" or not secrets.compare_digest(password.encode(), self.state.password.encode()):
            return front_error(516, f"{user}: Authentication failed: password is incorrect, or there is no user with such name.\n\n"
                                    "If you have installed ClickHouse and forgot password you can reset it in the configuration file.\n"
                                    "The password for default user is typically located at /etc/clickhouse-server/users.d/default-password.xml\n"
                                    "and deleting this file will reset the password.\n"
                                    "See also /etc/clickhouse-server/users.xml on the server where ClickHouse is installed.\n\n")
        return None

    # -- queries --
    def run_query(self, params: list):
        st = self.state
        p = dict(params)
        query_id = p.get("query_id") or str(uuid.uuid4())
        err = self.authenticate(params)
        if err:
            self.drain_body()
            self.log_request_line(http_status_for(err.code), query_id)
            return self.send_error_response(err, query_id)

        query_params = {k[len("param_"):]: v for k, v in params if k.startswith("param_")}
        settings = [(k, v) for k, v in params if k not in RESERVED_PARAMS and not k.startswith("param_")]
        for name, _ in settings:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                self.drain_body()
                return self.send_error_response(front_error(115, f"Unknown setting '{name}'"), query_id)
        cancel_on_close = any(k == "cancel_http_readonly_queries_on_client_close" and v.strip().lower() in ("1", "true")
                              for k, v in settings)
        readonly = self.command == "GET"

        # The query text: the query parameter, a line feed, then the body (HTTP docs).
        head = p.get("query")
        body = self.body_chunks()
        first = b""
        if head is None:
            head = ""
        else:
            head += "\n"
        # Enough of the body to see the statement (all of it unless it is an INSERT with data).
        for piece in body:
            first += piece
            if len(first) >= (1 << 20):
                break
        text_start = head + first.decode("utf-8", errors="surrogateescape")
        insert = INSERT_FORMAT.match(text_start)
        if insert:
            data_start = text_start[insert.end():].encode("utf-8", errors="surrogateescape")
            sql = insert.group(1) + " FORMAT " + insert.group(2)
            return self.run_insert(query_id, sql, insert.group(1), insert.group(2), data_start, body,
                                   p.get("database"), settings, query_params, readonly)
        rest = b"".join(body)
        sql = text_start + rest.decode("utf-8", errors="surrogateescape")
        kill = KILL_QUERY.match(sql)
        if kill:
            return self.run_kill(query_id, sql, kill, query_params, p.get("default_format"))

        m = FORMAT_AT_END.search(sql)
        fmt = m.group(1) if m else (p.get("default_format") or "TabSeparated")
        tag = uuid.uuid4().hex
        rec = QueryRecord(query_id, tag, sql, query_params)
        try:
            st.register(rec)
        except EngineError as e:
            self.log_request_line(500, query_id)
            return self.send_error_response(e, query_id)
        try:
            self.stream_query(rec, sql, fmt, p.get("database"), settings, query_params, readonly, cancel_on_close)
        finally:
            if rec.state == "running":
                rec.state = "failed"
            rec.done.set()

    def stream_query(self, rec, sql, fmt, database, settings, query_params, readonly, cancel_on_close):
        st = self.state
        conn = None
        out = None
        try:
            conn = open_connection(st, rec.tag, database, settings, readonly)
            info = conn._conn.classify_query(sql)
            if info["statement_count"] > 1:
                raise front_error(62, "Syntax error (Multi-statements are not allowed): failed at end of query")
            if info["query_class"].name != "READ_ONLY":
                # DDL, INSERT ... SELECT/VALUES and the like: their output (if any) is small.
                result = conn.query(sql, fmt, params=query_params).bytes()
                self.log_request_line(200, rec.query_id)
                self.write_head(200, self.success_headers(rec, fmt, tag=secrets_tag()))
                self.send_data(rec, result)
                rec.state = "finished"  # before the last chunk: a client that saw it sees this state
                self.write_end()
                return
            out = EngineOutput(st, conn, rec, with_outfile(sql, fmt), query_params)
            first = out.next_block(rec)
        except Exception as e:  # noqa: BLE001  (an engine error before any output)
            err = engine_error(e)
            rec.state, rec.error = "failed", err.text
            self.log_request_line(http_status_for(err.code), rec.query_id)
            if out is not None:
                out.close()
            if conn is not None:
                conn.close()
            return self.send_error_response(err, rec.query_id, fmt)

        tag = secrets_tag()
        fault = st.take_fault(rec.query_id)
        if fault:
            rec.fault = fault["kind"]
        watcher = None
        try:
            self.log_request_line(200, rec.query_id)
            self.write_head(200, self.success_headers(rec, fmt, tag))
            if cancel_on_close:
                watcher = ClientCloseWatcher(self.connection, st, rec)
                watcher.start()
            data = first
            while data is not None:
                if fault and rec.bytes_sent + len(data) >= fault["after_bytes"]:
                    cut = max(0, fault["after_bytes"] - rec.bytes_sent)
                    self.send_data(rec, data[:cut])
                    return self.apply_fault(rec, fault, tag, out)
                self.send_data(rec, data)
                data = out.next_block(rec)
            if fault:
                return self.apply_fault(rec, fault, tag, out)
            rec.state = "finished"  # before the last chunk: a client that saw it sees this state
            self.write_end()
        except (BrokenPipeError, ConnectionResetError, socket.timeout, TimeoutError) as e:
            # The client went away (or stopped reading for send_timeout): the query stops.
            rec.state, rec.error = "cancelled", f"client connection closed: {e.__class__.__name__}"
            out.kill()
            self.close_connection = True
        except Exception as e:  # noqa: BLE001  (engine error, or KILL QUERY, after the first byte)
            err = engine_error(e)
            killed = rec.killed.is_set() or err.code == 394
            if watcher is not None and watcher.client_gone:
                rec.state, rec.error = "cancelled", "client connection closed"
                self.close_connection = True
            else:
                rec.state, rec.error = ("cancelled" if killed else "failed"), err.text
                try:
                    self.write_midstream_exception(tag, err)
                except OSError:
                    self.close_connection = True
        finally:
            if watcher is not None:
                watcher.stop()
            out.close()
            conn.close()

    def send_data(self, rec, data: bytes) -> None:
        if data:
            self.write_chunk(data)
            rec.bytes_sent += len(data)

    def apply_fault(self, rec, fault, tag, out) -> None:
        kind = fault["kind"]
        if kind == "exception":
            err = front_error(fault["code"], fault["message"])
            rec.state, rec.error = "failed", err.text
            out.kill()
            self.write_midstream_exception(tag, err)
        elif kind == "drop":
            rec.state, rec.error = "failed", "connection dropped by the injected fault"
            out.kill()
            self.break_connection()
        else:  # stall: send nothing more until the client closes the connection (or KILL QUERY)
            while not rec.killed.is_set():
                if client_closed(self.connection, 0.2):
                    rec.state, rec.error = "cancelled", "client connection closed during the injected stall"
                    out.kill()
                    self.close_connection = True
                    return
            rec.state, rec.error = "cancelled", "killed by KILL QUERY during the injected stall"
            out.kill()
            try:
                self.write_midstream_exception(tag, front_error(394, "Query was cancelled"))
            except OSError:
                self.close_connection = True

    def success_headers(self, rec, fmt, tag):
        return [("Connection", "Keep-Alive"), ("Content-Type", content_type_for(fmt)),
                ("X-ClickHouse-Server-Display-Name", "clickhouse-front"), ("Transfer-Encoding", "chunked"),
                ("X-ClickHouse-Query-Id", rec.query_id), ("X-ClickHouse-Format", fmt),
                ("X-ClickHouse-Timezone", "UTC"), ("X-ClickHouse-Exception-Tag", tag),
                ("Keep-Alive", "timeout=10"), ("X-ClickHouse-Summary", summary_json(0, 0))]

    def run_insert(self, query_id, sql, statement, fmt, data_start, body, database, settings, query_params, readonly):
        """INSERT ... FORMAT fmt <rows>: the rows are streamed into the engine as they arrive."""
        st = self.state
        tag = uuid.uuid4().hex
        rec = QueryRecord(query_id, tag, sql, query_params)
        conn = None
        try:
            st.register(rec)
            conn = open_connection(st, tag, database, settings, readonly)
            if readonly:
                raise front_error(164, "Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. "
                                       "You should use method POST for modifying queries")
            inserter = conn.send_insert(statement, fmt)
            try:
                if data_start:
                    inserter.append(data_start)
                for piece in body:
                    inserter.append(piece)
                inserter.finish()
            except BaseException:
                inserter.cancel()
                raise
        except Exception as e:  # noqa: BLE001
            err = engine_error(e.__cause__ if isinstance(e, RuntimeError) and e.__cause__ else e)
            rec.state, rec.error = "failed", err.text
            rec.done.set()
            self.drain_body_quietly(body)
            self.log_request_line(http_status_for(err.code), query_id)
            if conn is not None:
                conn.close()
            return self.send_error_response(err, query_id)
        conn.close()
        rec.state = "finished"
        rec.done.set()
        self.log_request_line(200, query_id)
        self.write_head(200, self.success_headers(rec, fmt, secrets_tag()))
        self.write_end()

    def drain_body_quietly(self, body) -> None:
        try:
            for _ in body:
                pass
        except (OSError, ValueError):
            self.close_connection = True

    def run_kill(self, query_id, sql, m, query_params, default_format):
        """KILL QUERY WHERE query_id = ...: the client's query ids are the front's, so the front
        finds the queries and asks the engine to kill each by its connection's tag."""
        st = self.state
        err = None
        target = unescape_literal(m.group(1)) if m.group(1) is not None else query_params.get(m.group(2))
        if target is None:
            err = front_error(456, f"Substitution `{m.group(2)}` is not set")
        mode = (m.group(3) or "SYNC").upper()
        fmt = m.group(4) or default_format or "TabSeparated"
        if err:
            return self.send_error_response(err, query_id)
        victims = st.running(target)
        conn = chdb_module().connect(st.engine_path)
        try:
            if mode != "TEST":
                for v in victims:
                    v.killed.set()
                    conn.query("KILL QUERY WHERE Settings['log_comment'] = {t:String} ASYNC", "TSV", params={"t": v.tag})
                if mode == "SYNC":
                    for v in victims:
                        v.done.wait(30)
            status = {"SYNC": "finished", "ASYNC": "waiting", "TEST": "pending"}[mode]
            rows = " UNION ALL ".join(
                f"SELECT {{s:String}} AS kill_status, {{q{i}:String}} AS query_id, 'default' AS user, {{t{i}:String}} AS query"
                for i in range(len(victims)))
            bind = {"s": status}
            for i, v in enumerate(victims):
                bind[f"q{i}"], bind[f"t{i}"] = v.query_id, v.query
            if not rows:
                rows = "SELECT '' AS kill_status, '' AS query_id, '' AS user, '' AS query WHERE 0"
            out = conn.query(rows, fmt, params=bind).bytes()
        except Exception as e:  # noqa: BLE001
            conn.close()
            return self.send_error_response(engine_error(e), query_id)
        conn.close()
        rec = QueryRecord(query_id, "", sql, query_params)
        rec.state = "finished"
        with st.lock:
            st.records.append(rec)
        self.log_request_line(200, query_id)
        self.write_head(200, self.success_headers(rec, fmt, secrets_tag()))
        self.send_data(rec, out)
        self.write_end()


def secrets_tag() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(EXCEPTION_TAG_LENGTH))


def summary_json(read_rows: int, read_bytes: int) -> str:
    return json.dumps({"read_rows": str(read_rows), "read_bytes": str(read_bytes), "written_rows": "0",
                       "written_bytes": "0", "total_rows_to_read": "0", "result_rows": "0", "result_bytes": "0"},
                      separators=(",", ":"))


def with_outfile(sql: str, fmt: str) -> str:
    """The query with INTO OUTFILE '<fifo>' TRUNCATE FORMAT fmt in place of its FORMAT clause (the
    fifo's path is filled in by EngineOutput)."""
    m = FORMAT_AT_END.search(sql)
    if m:
        head, tail = sql[: m.start()], m.group(2) or ""
    else:
        head, tail = re.sub(r"[\s;]*$", "", sql), ""
    return head + "\nINTO OUTFILE {fifo} TRUNCATE FORMAT " + fmt + tail


class EngineOutput:
    """A read-only query run by the engine into a named pipe, read back block by block.

    chDB's streaming API (Connection.send_query) formats every block it hands out as a document
    of its own (RowBinaryWithNamesAndTypes repeats its header per block, JSON is many documents),
    which is not what ClickHouse sends. Writing the result INTO OUTFILE a FIFO gives the engine's
    one output stream, byte for byte, as clickhouse-server writes it to its socket, and the pipe
    gives back-pressure: the engine blocks on a full pipe until the front has written the last
    block to the client. The front holds the pipe open read-write, so the end of the output is
    the end of the engine's query (its thread), never a reader's EOF.
    """

    def __init__(self, state: State, conn, rec: QueryRecord, sql_template: str, params: dict):
        self.state, self.conn, self.rec = state, conn, rec
        self.path = os.path.join(state.fifo_dir, rec.tag)
        os.mkfifo(self.path, 0o600)
        self.fd = os.open(self.path, os.O_RDWR | os.O_NONBLOCK)
        try:
            fcntl.fcntl(self.fd, 1031, 1 << 20)  # F_SETPIPE_SZ: 1 MiB blocks, as the engine writes
        except OSError:
            pass
        self.poller = select.poll()
        self.poller.register(self.fd, select.POLLIN)
        self.error: BaseException | None = None
        self.done = threading.Event()
        sql = sql_template.replace("{fifo}", quote_literal(self.path))
        self.thread = threading.Thread(target=self.run, args=(sql, params), daemon=True)
        self.thread.start()

    def run(self, sql, params):
        try:
            self.conn.query(sql, "TabSeparated", params=params)
        except BaseException as e:  # noqa: BLE001
            self.error = e
        finally:
            self.done.set()

    def next_block(self, rec: QueryRecord):
        """The next bytes of output, or None at the end; raises the engine's error, if any."""
        while True:
            try:
                data = os.read(self.fd, 1 << 20)
                if data:
                    return data
            except BlockingIOError:
                pass
            if self.done.is_set():
                try:
                    data = os.read(self.fd, 1 << 20)
                except BlockingIOError:
                    data = b""
                if data:
                    return data
                if self.error is not None:
                    raise self.error
                return None
            self.poller.poll(100)

    def kill(self) -> None:
        """Stops the engine's query (KILL QUERY by the connection's tag)."""
        if not self.done.is_set():
            kill_tagged(self.state, self.rec.tag)

    def close(self) -> None:
        """Ends the query if it still runs, closes the pipe (a writer still blocked on it gets
        EPIPE) and waits for the engine's thread."""
        self.kill()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        self.thread.join(60)
        try:
            os.unlink(self.path)
        except OSError:
            pass


def kill_tagged(state: State, tag: str) -> None:
    conn = chdb_module().connect(state.engine_path)
    try:
        conn.query("KILL QUERY WHERE Settings['log_comment'] = {t:String} ASYNC", "TSV", params={"t": tag})
    except Exception:  # noqa: BLE001  (already finished)
        pass
    finally:
        conn.close()


def client_closed(sock, timeout: float) -> bool:
    """True when the peer closed its side (readable with nothing to read) or reset it."""
    try:
        readable, _, _ = select.select([sock], [], [], timeout)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


class ClientCloseWatcher:
    """cancel_http_readonly_queries_on_client_close=1: while the engine computes, a closed client
    connection kills the query (the engine's KILL QUERY, by the connection's tag)."""

    def __init__(self, sock, state: State, rec: QueryRecord):
        self.sock, self.state, self.rec = sock, state, rec
        self.stopped = threading.Event()
        self.client_gone = False
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopped.set()

    def run(self):
        while not self.stopped.is_set() and self.rec.state == "running":
            readable, _, _ = select.select([self.sock], [], [], 0.2)
            if not readable:
                continue
            if not client_closed(self.sock, 0):
                time.sleep(0.2)  # the client sent more (the next request): not a close
                continue
            if self.stopped.is_set():
                return
            self.client_gone = True
            self.rec.killed.set()
            kill_tagged(self.state, self.rec.tag)
            return


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def serve(port: int, data: str, password: str, schemas: list, ready=None) -> None:
    chdb = chdb_module()
    os.makedirs(data, exist_ok=True)
    boot = chdb.connect(data)  # keeps the engine up for the server's lifetime
    version = boot.query("SELECT version()", "TSV").data().strip()
    names = boot.query("SELECT number, errorCodeToName(number) FROM numbers(2000) WHERE errorCodeToName(number) != ''", "TSV")
    for line in names.data().splitlines():
        code, _, name = line.partition("\t")
        CODE_NAMES[int(code)] = name
    for path in schemas:
        with open(path, encoding="utf-8") as f:
            boot.query(f.read())
    Handler.state = State(data, password, version)
    server = Server(("127.0.0.1", port), Handler)
    sys.stderr.write(f"clickhouse-front: ClickHouse {version} (chDB {chdb.__version__}) on http://127.0.0.1:{server.server_address[1]}/\n")
    if ready is not None:
        ready(server)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        shutil.rmtree(Handler.state.fifo_dir, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description="ClickHouse's HTTP interface over chDB (tests and demo only).")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--data", help="the engine's data folder (created)")
    ap.add_argument("--password", default=os.environ.get("CLICKHOUSE_FRONT_PASSWORD"),
                    help="the password of user default (or CLICKHOUSE_FRONT_PASSWORD)")
    ap.add_argument("--schema", action="append", default=[], help="SQL file run at start-up (repeatable)")
    ap.add_argument("--self-test", action="store_true", help="start a front on a free port and check its behaviour")
    args = ap.parse_args()
    if args.self_test:
        import importlib.util  # noqa: PLC0415
        here = os.path.dirname(os.path.abspath(__file__))
        spec = importlib.util.spec_from_file_location("clickhouse_front_selftest", os.path.join(here, "clickhouse-front-selftest.py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod.main(os.path.abspath(__file__))
    if not args.data or not args.password:
        ap.error("--data and --password are required")
    serve(args.port, args.data, args.password, args.schema)
    return 0


if __name__ == "__main__":
    sys.exit(main())
