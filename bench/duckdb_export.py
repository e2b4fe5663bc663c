#!/usr/bin/env python3
"""DuckDB's side of the benchmarks (bench/parquet.py, bench/bench.py): one export of a
feature_usage window, as Parquet or as CSV, to S3 or to a local file.

Run by the bench-only virtualenv's python (bench/install-duckdb.sh: PyPI duckdb 1.4.4 and the
duckdb-ext-postgres / duckdb-ext-httpfs wheels of the same version), one process per export, so
that its wall time and peak RSS are those of a user running this COPY. The extensions load
from the wheels' folder through `extension_directory`, with auto-install and auto-load off:
DuckDB never reaches the network for them.

    duckdb_export.py export FORMAT TENANT CODEC TARGET
        FORMAT parquet: CODEC zstd, gzip, snappy, or default (no COMPRESSION option: DuckDB's
        own default, snappy). FORMAT csv (with a header line): CODEC gzip or none.
        TARGET: an s3:// URL or a local path. Prints the rows COPY wrote.
    duckdb_export.py inspect S3_URL
        Prints, as JSON, what DuckDB reads in a Parquet object: rows, page codecs, and each
        column's physical type and the type DuckDB reads it as, to check and compare both sides' files.
    duckdb_export.py idle
        Loads the extensions and creates the secret, nothing more: the process's baseline RSS.

Reads from the environment (never printed): BENCH_PG_DSN (a libpq key=value connection string),
BENCH_S3_ENDPOINT (http://host:port of moto), BENCH_S3_KEY_ID, BENCH_S3_SECRET,
BENCH_DUCKDB_EXTENSIONS (the extension directory).
"""
import json
import os
import sys

import duckdb

# DESIGN §2, feature_usage, in its order.
COLUMNS = ('id, tenant_id, environment_id, external_customer_id, customer_id, subscription_id, sub_line_item_id, '
           'price_id, meter_id, feature_id, period_id, event_name, source, "timestamp", ingested_at, qty_total, '
           'properties, unique_hash')
WINDOW_START = "2026-11-20 00:00:00+00"
WINDOW_END = "2026-11-21 00:00:00+00"


def literal(text):
    return "'" + text.replace("'", "''") + "'"


def connect():
    """An in-memory DuckDB with postgres_scanner and httpfs loaded offline and an S3 secret for moto."""
    endpoint = os.environ["BENCH_S3_ENDPOINT"]
    if not endpoint.startswith("http://"):
        sys.exit("duckdb_export: BENCH_S3_ENDPOINT must be http://host:port (moto, no TLS)")
    con = duckdb.connect(config={
        "extension_directory": os.environ["BENCH_DUCKDB_EXTENSIONS"],
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    })
    con.execute("LOAD postgres_scanner")
    con.execute("LOAD httpfs")
    con.execute(f"""CREATE SECRET bench_s3 (TYPE s3, KEY_ID {literal(os.environ['BENCH_S3_KEY_ID'])},
        SECRET {literal(os.environ['BENCH_S3_SECRET'])}, REGION 'us-east-1',
        ENDPOINT {literal(endpoint.removeprefix('http://'))}, URL_STYLE 'path', USE_SSL false)""")
    return con


CODECS = {"parquet": ("zstd", "gzip", "snappy", "default"), "csv": ("gzip", "none")}


def export(file_format, tenant, codec, target):
    if codec not in CODECS.get(file_format, ()):
        sys.exit(f"duckdb_export: unknown format {file_format!r} or codec {codec!r}")
    options = f"FORMAT {file_format}" + (", HEADER" if file_format == "csv" else "")
    options += "" if codec == "default" else f", COMPRESSION {codec}"
    written = connect().execute(f"""
        COPY (
            SELECT {COLUMNS}
            FROM postgres_scan({literal(os.environ['BENCH_PG_DSN'])}, 'public', 'feature_usage')
            WHERE tenant_id = {literal(tenant)} AND environment_id = 'env_bench'
              AND "timestamp" >= TIMESTAMPTZ '{WINDOW_START}' AND "timestamp" < TIMESTAMPTZ '{WINDOW_END}'
            ORDER BY "timestamp", id
        ) TO {literal(target)} ({options})""").fetchone()[0]
    print(written)


def inspect(url):
    con = connect()
    rows = con.execute(f"SELECT count(*) FROM read_parquet({literal(url)})").fetchone()[0]
    codecs = sorted(c for (c,) in con.execute(
        f"SELECT DISTINCT compression FROM parquet_metadata({literal(url)})").fetchall())
    columns = {}
    for name, physical, precision, scale, read_as in con.execute(
            f"SELECT name, type, precision, scale, duckdb_type FROM parquet_schema({literal(url)}) "
            "WHERE num_children IS NULL OR num_children = 0").fetchall():
        columns[name] = f"{physical}{f'({precision},{scale})' if precision else ''} read as {read_as}"
    row_groups = con.execute(f"SELECT count(DISTINCT row_group_id) FROM parquet_metadata({literal(url)})").fetchone()[0]
    print(json.dumps({"rows": rows, "codecs": codecs, "row_groups": row_groups, "columns": columns}))


def main():
    match sys.argv[1:]:
        case ["export", file_format, tenant, codec, target]:
            export(file_format, tenant, codec, target)
        case ["inspect", url]:
            inspect(url)
        case ["idle"]:
            connect()
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main()
