#!/usr/bin/env python3
"""ClickHouse's side of the benchmark (bench/clickhouse.sh): seeds FlexPrice's meter_usage in the
ClickHouse engine the tests use (chDB behind scripts/clickhouse-front.py) and times ClickHouse
writing one window to the moto S3 server itself, so the exporter's ClickHouse source can be put
next to it:

    INSERT INTO FUNCTION s3('<moto>/<bucket>/<key>', '<key id>', '<secret>', '<format>')
    SELECT <meter_usage columns> FROM meter_usage FINAL
    WHERE tenant_id = ... AND environment_id = ... AND timestamp >= ... AND timestamp < ...
    ORDER BY timestamp, id

run by the engine (chDB, ClickHouse 26.9) through ClickHouse's HTTP interface, with every value
bound as a query parameter. Standard library only.

    clickhouse_export.py seed ROWS
        Empties meter_usage and inserts ROWS rows, all in the window [2026-11-20, 2026-11-21) of
        tenant_bench/env_bench (1,000 customers, 3 meters, JSON properties), in one
        INSERT ... SELECT FROM numbers(ROWS). Prints {"rows", "seconds"} as JSON.
    clickhouse_export.py export csv|parquet KEY
        csv: CSVWithNames, gzip (the .csv.gz key's extension); parquet: Parquet with zstd pages
        (output_format_parquet_compression_method). Prints {"wall_seconds", "engine_cpu_seconds",
        "engine_max_rss_bytes", "bytes", "rows"} as JSON: the request's wall time, the CPU time
        the front's process (the engine) spent meanwhile, and the object's size and rows as the engine reads them back from moto.

    clickhouse_export.py run [--rows 1000000,10000000] [--runs 3] [--output bench/results/clickhouse.md]
        For each size: seed, then --runs interleaved rounds of both exports (csv.gz, then Parquet
        zstd); prints the medians as a Markdown table with the machine, and writes it to --output
        (a hand-written "## Notes" section under it survives). The exporter's ClickHouse source
        gets its row in this table once it exists (the same window, to the same moto).

Reads from the environment: EXPORTER_TEST_CLICKHOUSE_URL, EXPORTER_TEST_CLICKHOUSE_PASSWORD,
EXPORTER_TEST_CLICKHOUSE_CONTROL, EXPORTER_TEST_S3_ENDPOINT, BENCH_BUCKET (default
flexprice-bench). The password is never printed.
"""
import base64
import subprocess
import json
import os
import sys
import time
import urllib.parse
import urllib.request

TENANT, ENVIRONMENT = "tenant_bench", "env_bench"
WINDOW = ("2026-11-20 00:00:00", "2026-11-21 00:00:00")
# FlexPrice's meter_usage, in its declared order (db/clickhouse-schema.sql).
COLUMNS = ("id, tenant_id, environment_id, external_customer_id, meter_id, event_name, timestamp, "
           "ingested_at, qty_total, unique_hash, source, properties")


def clickhouse(sql, params=None, settings=None):
    """Runs one statement through ClickHouse's HTTP interface; returns the body."""
    url = urllib.parse.urlsplit(os.environ["EXPORTER_TEST_CLICKHOUSE_URL"])
    query = {"database": url.path.strip("/") or "flexprice"}
    query.update({f"param_{k}": v for k, v in (params or {}).items()})
    query.update(settings or {})
    endpoint = f"http://{url.hostname}:{url.port}/?{urllib.parse.urlencode(query)}"
    token = base64.b64encode(f"default:{os.environ['EXPORTER_TEST_CLICKHOUSE_PASSWORD']}".encode()).decode()
    request = urllib.request.Request(endpoint, data=sql.encode(), headers={"Authorization": "Basic " + token})
    with urllib.request.urlopen(request, timeout=3600) as response:
        return response.read()


def engine_process():
    with urllib.request.urlopen(os.environ["EXPORTER_TEST_CLICKHOUSE_CONTROL"] + "/process") as response:
        return json.loads(response.read())


def seed(rows):
    started = time.monotonic()
    clickhouse("TRUNCATE TABLE meter_usage")
    clickhouse(
        f"INSERT INTO meter_usage ({COLUMNS}) "
        "SELECT concat('mu_', leftPad(toString(number), 9, '0')), {tenant:String}, {env:String}, "
        "concat('cus_', toString(number % 1000)), ['meter_api', 'meter_storage', 'meter_tokens'][number % 3 + 1], "
        "['api_call', 'storage_gb_hours', 'llm_tokens'][number % 3 + 1], "
        "toDateTime({from:String}, 'UTC') + intDiv(number * 86400, {rows:UInt64}), "
        "toDateTime64({from:String}, 3, 'UTC') + toIntervalMillisecond(intDiv(number * 86400000, {rows:UInt64}) + 250), "
        "toDecimal64(toString((number % 100000) / 1000), 8), if(number % 5 = 0, hex(MD5(toString(number))), ''), "
        "if(number % 2 = 0, 'api', 'sdk-python'), "
        "concat('{\"region\":\"', ['eu-west-1', 'us-east-1'][number % 2 + 1], '\",\"units\":', toString(number % 97), '}') "
        "FROM numbers({rows:UInt64})",
        {"tenant": TENANT, "env": ENVIRONMENT, "from": WINDOW[0], "rows": str(rows)})
    return {"rows": rows, "seconds": round(time.monotonic() - started, 3)}


def export(kind, key):
    bucket = os.environ.get("BENCH_BUCKET", "flexprice-bench")
    target = f"{os.environ['EXPORTER_TEST_S3_ENDPOINT']}/{bucket}/{key}"
    fmt = {"csv": "CSVWithNames", "parquet": "Parquet"}[kind]
    settings = {"output_format_parquet_compression_method": "zstd"} if kind == "parquet" else {}
    before = engine_process()
    started = time.monotonic()
    clickhouse(
        "INSERT INTO FUNCTION s3({url:String}, 'bench', 'bench', {format:String}) "
        f"SELECT {COLUMNS} FROM meter_usage FINAL "
        "WHERE tenant_id = {tenant:String} AND environment_id = {env:String} "
        "AND timestamp >= {from:DateTime} AND timestamp < {to:DateTime} ORDER BY timestamp, id",
        {"url": target, "format": fmt, "tenant": TENANT, "env": ENVIRONMENT, "from": WINDOW[0], "to": WINDOW[1]},
        settings)
    wall = time.monotonic() - started
    after = engine_process()
    # The object as the engine reads it back from moto: its size (the _size virtual column) and rows.
    rows, size = clickhouse("SELECT count(), any(_size) FROM s3({url:String}, 'bench', 'bench', {format:String})",
                            {"url": target, "format": fmt}).split()
    return {"wall_seconds": round(wall, 3), "engine_cpu_seconds": round(after["cpu_seconds"] - before["cpu_seconds"], 3),
            "engine_max_rss_bytes": after["max_rss_bytes"], "bytes": int(size), "rows": int(rows)}


def exporter_sync(kind, rows):
    """flexprice-exporter sync of the same window (the bench connections clickhouse.sh made):
    wall, the exporter's CPU and peak RSS (wait4), the engine's CPU meanwhile, bytes and rows."""
    import measure  # noqa: PLC0415
    connection = f"conn_ch_{kind}"
    before = engine_process()
    sample = measure.measure([os.environ["BIN"], "sync", "--connection", connection, "--entity", "meter_usage",
                              "--from", WINDOW[0][:10], "--to", WINDOW[1][:10]], env=os.environ, label="clickhouse bench")
    after = engine_process()
    out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-v", f"c={connection}"],
                         input="SELECT bytes_uploaded, row_count, status FROM export_runs WHERE connection_id = :'c' "
                               "ORDER BY id DESC LIMIT 1", capture_output=True, text=True, check=True).stdout
    size, count, status = out.strip().split("|")
    if status != "succeeded" or int(count) != rows:
        raise SystemExit(f"clickhouse bench: the exporter's {kind} run: {status}, {count} rows, not {rows}")
    return {"wall_seconds": round(sample.wall, 3), "engine_cpu_seconds": round(after["cpu_seconds"] - before["cpu_seconds"], 3),
            "client_cpu_seconds": round(sample.cpu, 3), "client_max_rss_bytes": sample.rss, "bytes": int(size), "rows": int(count)}


def run(argv):
    import argparse  # noqa: PLC0415
    import statistics  # noqa: PLC0415

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import machine  # noqa: PLC0415
    import report  # noqa: PLC0415

    ap = argparse.ArgumentParser(prog="clickhouse_export.py run")
    ap.add_argument("--rows", default="1000000,10000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--output", default=os.path.join(here, "results", "clickhouse.md"))
    args = ap.parse_args(argv)
    with_exporter = bool(os.environ.get("BIN"))
    engine = clickhouse("SELECT version()").decode().strip()
    lines = ["# ClickHouse's own S3 export of a meter_usage window (bench/clickhouse.sh)", ""]
    lines += [f"- {fact}" for fact in machine.describe(os.path.dirname(here), f"ClickHouse {engine} (chDB, behind "
                                                       f"scripts/clickhouse-front.py), {machine.moto_version()}",
                                                       os.environ.get("BENCH_CONFIGURATION", "release"))]
    lines += ["", f"Medians of {args.runs} interleaved runs. ClickHouse: `INSERT INTO FUNCTION s3(...) SELECT <12 columns> "
              "FROM meter_usage FINAL WHERE tenant/environment/window ORDER BY timestamp, id`, run by the engine. "
              "flexprice-exporter: `sync --entity meter_usage` of the same window (its query is the same SELECT, "
              "read as RowBinaryWithNamesAndTypes). Wall time; CPU time of the engine's process meanwhile; the "
              "exporter's own CPU time and peak RSS (wait4); object bytes.", "",
              "| rows | export | wall s | engine CPU s | exporter CPU s | exporter peak RSS MiB | bytes | wall vs ClickHouse |",
              "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for rows in [int(r) for r in args.rows.split(",")]:
        print(f"clickhouse bench: seeding {rows:,} rows", file=sys.stderr)
        seed(rows)
        results = {("clickhouse", "csv"): [], ("clickhouse", "parquet"): [], ("exporter", "csv"): [], ("exporter", "parquet"): []}
        for n in range(args.runs):
            for kind in ("csv", "parquet"):
                key = f"clickhouse-own/{rows}/{n}/meter_usage." + ("csv.gz" if kind == "csv" else "parquet")
                result = export(kind, key)
                if result["rows"] != rows:
                    raise SystemExit(f"clickhouse bench: {key} holds {result['rows']} rows, not {rows}")
                print(f"clickhouse bench: {rows:,} ClickHouse {kind} run {n + 1}: {json.dumps(result)}", file=sys.stderr)
                results[("clickhouse", kind)].append(result)
                if with_exporter:
                    result = exporter_sync(kind, rows)
                    print(f"clickhouse bench: {rows:,} exporter {kind} run {n + 1}: {json.dumps(result)}", file=sys.stderr)
                    results[("exporter", kind)].append(result)
        for kind, label in (("csv", "CSV gzip"), ("parquet", "Parquet zstd")):
            own = {k: statistics.median(r[k] for r in results[("clickhouse", kind)]) for k in results[("clickhouse", kind)][0]}
            lines.append(f"| {rows:,} | ClickHouse s3(), {label} | {own['wall_seconds']:.2f} | {own['engine_cpu_seconds']:.2f} | "
                         f"| | {int(own['bytes']):,} | 1.00 |")
            if with_exporter:
                ex = {k: statistics.median(r[k] for r in results[("exporter", kind)]) for k in results[("exporter", kind)][0]}
                lines.append(f"| {rows:,} | flexprice-exporter, {label} | {ex['wall_seconds']:.2f} | {ex['engine_cpu_seconds']:.2f} | "
                             f"{ex['client_cpu_seconds']:.2f} | {ex['client_max_rss_bytes'] / 1048576:,.0f} | {int(ex['bytes']):,} | "
                             f"{ex['wall_seconds'] / own['wall_seconds']:.2f} |")
            else:
                lines.append(f"| {rows:,} | flexprice-exporter, {label} | not run (bench/clickhouse.sh without EXPORTER_BIN) | | | | | |")
    text = "\n".join(lines) + "\n"
    print(text)
    report.write(args.output, text)


def main(argv):
    if argv and argv[0] == "run":
        run(argv[1:])
    elif len(argv) == 2 and argv[0] == "seed":
        print(json.dumps(seed(int(argv[1]))))
    elif len(argv) == 3 and argv[0] == "export" and argv[1] in ("csv", "parquet"):
        print(json.dumps(export(argv[1], argv[2])))
    else:
        print(__doc__, file=sys.stderr)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
