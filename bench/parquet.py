#!/usr/bin/env python3
"""The exporter's Parquet against DuckDB 1.4.4 doing the same export (issue 12).

Run through bench/parquet.sh (or `make bench BENCH_ARGS="parquet ..."`), which starts PostgreSQL
and moto, builds the exporter, installs DuckDB and its extension wheels, and sets BIN, ak, sk,
BENCH_DUCKDB_PYTHON and BENCH_DUCKDB_EXTENSIONS. Variants run interleaved, --runs times each;
the medians are printed side by side and written to --output.

Variants: exporter-zstd, exporter-gzip (`sync` with format parquet, that page codec);
exporter-delta (zstd with table_format delta: the same file plus the table's state, its commit and
the manifest after it);
duckdb-zstd, duckdb-gzip (COPY ... COMPRESSION zstd | gzip), duckdb-default (no COMPRESSION
option: DuckDB's default, snappy). All to moto, one object per export, a fresh key per run.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree

import duckdb_reference
import report
from machine import describe as describe_machine, moto_version, version
from measure import measure, psql

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUCKET = "flexprice-bench"
MIB = 1024 * 1024
VARIANTS = ["exporter-zstd", "duckdb-zstd", "exporter-gzip", "duckdb-gzip", "duckdb-default", "exporter-delta"]
LABELS = {
    "exporter-zstd": "exporter, parquet zstd",
    "exporter-gzip": "exporter, parquet gzip",
    "exporter-delta": "exporter, parquet zstd, Delta table",
    "duckdb-zstd": "DuckDB 1.4.4, zstd",
    "duckdb-gzip": "DuckDB 1.4.4, gzip",
    "duckdb-default": "DuckDB 1.4.4, default (snappy)",
}


def log(message):
    print(f"bench/parquet: {message}", file=sys.stderr, flush=True)


def seed(rows):
    """bench/lib.sh's feature_usage seed for tenant bench_parquet_ROWS; returns the tenant."""
    tenant = f"bench_parquet_{rows}"
    log(f"seeding {rows:,} feature_usage rows")
    subprocess.run(["bash", "-c", 'source bench/lib.sh && seed_feature_usage "$1" "$2"', "seed", tenant, str(rows)],
                   cwd=ROOT, check=True)
    return tenant


def configure_connection(tenant, codec, prefix, delta=False):
    """Connection conn_TENANT_CODEC: format parquet, that page codec, objects under PREFIX (a Delta
    table's root when DELTA)."""
    psql("""
        DELETE FROM connections WHERE id = :'id';
        INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, status, encrypted_secret_data, sync_config)
        VALUES (:'id', :'tenant', 'env_bench', 'bench parquet', 's3', 'published',
                jsonb_build_object('aws_access_key_id', :'ak', 'aws_secret_access_key', :'sk'),
                jsonb_build_object('s3', jsonb_build_object('bucket', :'bucket', 'region', 'us-east-1',
                    'endpoint_url', :'endpoint', 'key_prefix', :'prefix', 'format', 'parquet', 'compression', :'codec',
                    'sync_active', true, 'max_file_size_mb', 100000, 'table_format', :'table_format',
                    'entity_types', jsonb_build_array('feature_usage'))));
        """, {"id": f"conn_{tenant}_{codec}{'_delta' if delta else ''}", "tenant": tenant, "ak": os.environ["ak"],
              "sk": os.environ["sk"], "bucket": BUCKET, "endpoint": os.environ["EXPORTER_TEST_S3_ENDPOINT"],
              "prefix": prefix, "codec": codec, "table_format": "delta" if delta else "none"})
    return f"conn_{tenant}_{codec}{'_delta' if delta else ''}"


def objects(prefix):
    """{key: bytes} of the data objects under PREFIX (manifests left out), from moto's listing."""
    query = urllib.parse.urlencode({"list-type": "2", "prefix": prefix + "/"})
    with urllib.request.urlopen(f"{os.environ['EXPORTER_TEST_S3_ENDPOINT']}/{BUCKET}?{query}") as response:
        tree = ElementTree.fromstring(response.read())
    namespace = {"s3": tree.tag.split("}")[0].strip("{")}
    if tree.findtext("s3:IsTruncated", namespaces=namespace) == "true":
        sys.exit(f"bench/parquet: more than one listing page under {prefix}")
    found = {}
    for item in tree.findall("s3:Contents", namespace):
        key = item.findtext("s3:Key", namespaces=namespace)
        if not key.endswith("_manifest.json") and "/_delta_log/" not in key:
            found[key] = int(item.findtext("s3:Size", namespaces=namespace))
    return found


def run(command, env=None):
    """Runs a command (bench/measure.py); returns (wall seconds, CPU seconds, peak RSS bytes, stdout)."""
    sample = measure(command, env=env, label="bench/parquet")
    return sample.wall, sample.cpu, sample.rss, sample.stdout


class Sample:
    def __init__(self, wall, cpu, rss, size, key):
        self.wall, self.cpu, self.rss, self.size, self.key = wall, cpu, rss, size, key


def export(variant, tenant, rows, attempt):
    """One export of VARIANT; returns its Sample (checked: exactly one object, rows written)."""
    side, codec = variant.split("-")
    prefix = f"{variant}-{rows}/run-{attempt}"
    if side == "exporter":
        delta = codec == "delta"
        connection = configure_connection(tenant, "zstd" if delta else codec, prefix, delta=delta)
        wall, cpu, rss, _ = run([os.environ["BIN"], "sync", "--connection", connection, "--entity", "feature_usage",
                            "--from", "2026-11-20", "--to", "2026-11-21"])
    else:
        wall, cpu, rss, written = run(duckdb_reference.command("export", "parquet", tenant, codec,
                                                               f"s3://{BUCKET}/{prefix}/feature_usage.parquet"),
                                      env=duckdb_reference.env())
        if int(written) != rows:
            sys.exit(f"bench/parquet: DuckDB wrote {written.strip()} rows, expected {rows}")
    found = objects(prefix)
    if len(found) != 1:
        sys.exit(f"bench/parquet: expected one data object under {prefix}, found {sorted(found)}")
    (key, size), = found.items()
    if not key.endswith(".parquet"):
        sys.exit(f"bench/parquet: {key} does not end in .parquet")
    return Sample(wall, cpu, rss, size, key)


def inspect(key):
    _, _, _, printed = run(duckdb_reference.command("inspect", f"s3://{BUCKET}/{key}"), env=duckdb_reference.env())
    return json.loads(printed)


def machine():
    tools = f"{version(['psql', '--version'])}, {duckdb_reference.describe()}, {moto_version()}"
    return describe_machine(ROOT, tools, os.environ.get("BENCH_CONFIGURATION", "release"))


def ratio_line(codec, medians):
    exporter, reference = medians.get(f"exporter-{codec}"), medians.get(f"duckdb-{codec}")
    if not exporter or not reference:
        return None
    time_ratio = exporter[0] / reference[0]
    size_ratio = exporter[2] / reference[2]
    return (f"| {codec.upper()}: exporter / DuckDB | {time_ratio:.2f}x | {exporter[3] / reference[3]:.2f}x | "
            f"{exporter[1] / reference[1]:.2f}x | "
            f"{100 * size_ratio:.1f}% |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the compared window [1000000]")
    parser.add_argument("--runs", type=int, default=3, help="runs per variant, interleaved; medians reported [3]")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of {','.join(VARIANTS)}")
    parser.add_argument("--rss-sizes", default="", help="comma-separated row counts: the exporter's peak RSS "
                        "(parquet zstd, one run each) at each, e.g. 1000000,10000000 [none]")
    parser.add_argument("--output", default=os.path.join(ROOT, "bench/results/parquet.md"))
    args = parser.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}")
    rss_sizes = [int(n) for n in args.rss_sizes.split(",") if n]

    lines = [f"Machine: {m}" if i == 0 else f"         {m}" for i, m in enumerate(machine())]
    lines.append("")
    lines.append("Command: `bench/parquet.sh " + " ".join(sys.argv[1:]) + "`")
    lines.append("")

    _, _, idle_rss, _ = run(duckdb_reference.command("idle"), env=duckdb_reference.env())
    # The table holds this window's rows only while the variants run (the --rss-sizes seeds come
    # after): postgres_scan reads the whole table by ctid ranges and filters in DuckDB, so other
    # tenants' rows would slow DuckDB down, not the exporter (whose query uses the index).
    psql("TRUNCATE feature_usage", {})
    tenant = seed(args.rows)
    load = os.getloadavg()
    samples = {v: [] for v in variants}
    for attempt in range(1, args.runs + 1):
        for variant in variants:
            log(f"{args.rows:,} rows, run {attempt} of {args.runs}, {variant}")
            samples[variant].append(export(variant, tenant, args.rows, attempt))

    medians = {}
    lines.append(f"{args.rows:,} feature_usage rows (one daily window) to moto S3; "
                 f"{'one run' if args.runs == 1 else f'medians of {args.runs} runs'}, "
                 f"interleaved; {os.cpu_count()} cores, load average {load[0]:.2f} before the runs")
    lines.append("")
    lines.append("| variant | wall s | (min-max) | CPU s | peak RSS MiB | bytes | row groups | codec |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---|")
    shapes = {}
    for variant in variants:
        runs = samples[variant]
        wall = statistics.median(s.wall for s in runs)
        cpu = statistics.median(s.cpu for s in runs)
        rss = statistics.median(s.rss for s in runs)
        size = statistics.median(s.size for s in runs)
        medians[variant] = (wall, rss, size, cpu)
        shape = inspect(runs[-1].key)
        shapes[variant] = shape
        if shape["rows"] != args.rows:
            sys.exit(f"bench/parquet: {runs[-1].key} reads back {shape['rows']} rows, expected {args.rows}")
        lines.append(f"| {LABELS[variant]} | {wall:.2f} | {min(s.wall for s in runs):.2f}-{max(s.wall for s in runs):.2f} "
                     f"| {cpu:.2f} | {rss / MIB:.1f} | {int(size):,} | {shape['row_groups']} | {'/'.join(shape['codecs'])} |")
    lines.append("")
    ratios = [line for line in (ratio_line("zstd", medians), ratio_line("gzip", medians)) if line]
    if "exporter-delta" in medians and "exporter-zstd" in medians:
        delta, plain = medians["exporter-delta"], medians["exporter-zstd"]
        lines.append(f"Delta table against plain files (zstd): wall {delta[0] / plain[0]:.2f}x, CPU {delta[3] / plain[3]:.2f}x, "
                     f"peak RSS {delta[1] / plain[1]:.2f}x, data bytes {100 * delta[2] / plain[2]:.1f}%.")
        lines.append("")
    if ratios:
        lines.append("| same codec | wall time (target <= 1.25x) | CPU time | peak RSS | bytes (target <= 110% at ZSTD) |")
        lines.append("|---|---:|---:|---:|---:|")
        lines.extend(ratios)
        lines.append("")
    lines.append(f"DuckDB's peak RSS includes its Python host: that process idle, with DuckDB and both extensions "
                 f"loaded, peaks at {idle_rss / MIB:.1f} MiB.")
    lines.append("Every object was read back by DuckDB: row count, page codec and row groups above.")

    exporter_shape = next((shapes[v] for v in variants if v.startswith("exporter")), None)
    duckdb_shape = next((shapes[v] for v in variants if v.startswith("duckdb")), None)
    if exporter_shape and duckdb_shape:
        differing = [(name, exporter_shape["columns"].get(name, "absent"), duckdb_shape["columns"].get(name, "absent"))
                     for name in duckdb_shape["columns"]
                     if exporter_shape["columns"].get(name) != duckdb_shape["columns"][name]]
        if differing:
            lines.append("")
            lines.append("Columns typed differently (exporter's file | DuckDB's file):")
            lines.append("")
            lines.extend(f"- {name}: {mine} | {theirs}" for name, mine, theirs in differing)
        else:
            lines.append("Both files carry the same column types.")

    if rss_sizes:
        lines.append("")
        lines.append("Exporter peak RSS by window size (parquet zstd, to moto, one run each; target <= 64 MiB, flat):")
        lines.append("")
        lines.append("| rows | wall s | rows/s | CPU s | peak RSS MiB | bytes |")
        lines.append("|---:|---:|---:|---:|---:|---:|")
        for rows in rss_sizes:
            size_tenant = tenant if rows == args.rows else seed(rows)
            log(f"peak RSS at {rows:,} rows")
            sample = export("exporter-zstd", size_tenant, rows, "rss")
            shape = inspect(sample.key)
            if shape["rows"] != rows:
                sys.exit(f"bench/parquet: {sample.key} reads back {shape['rows']} rows, expected {rows}")
            lines.append(f"| {rows:,} | {sample.wall:.2f} | {rows / sample.wall:,.0f} | {sample.cpu:.2f} | {sample.rss / MIB:.1f} | "
                         f"{sample.size:,} |")

    text = "\n".join(lines) + "\n"
    print()
    print(text)
    report.write(args.output, "# Parquet: the exporter against DuckDB 1.4.4 (bench/parquet.sh)\n\n" + text)
    log(f"written to {os.path.relpath(args.output, ROOT)}")


if __name__ == "__main__":
    main()
