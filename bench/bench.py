#!/usr/bin/env python3
"""The exporter against what a user would script instead, side by side (issues 6 and 13).

Run through `bench/run.sh` (or `make bench`), which starts PostgreSQL and moto, builds the
release binary (or takes EXPORTER_BIN), installs the AWS CLI and DuckDB 1.4.4. Every timed
figure is the median of --runs runs, all variants interleaved within each run. Prints the
targets table (figure | exporter | reference | ratio | target | met), the variants behind it
and the machine, as Markdown, and writes the same text to --output (bench/results/latest.md).

Measurements (one daily window of --rows feature_usage rows; the table holds no other rows
while they run, since DuckDB's postgres_scan reads the whole table and filters itself):
  a. `sync` to S3 (moto), CSV + gzip, against psql \\copy | gzip -6 | aws s3 cp - s3://...
     and against DuckDB: COPY (SELECT ... FROM postgres_scan(...)) TO 's3://...csv.gz'
     (FORMAT csv, HEADER, COMPRESSION gzip)
  b. the same to a local directory (EXPORTER_SINK_DIRECTORY) against psql \\copy | gzip -6 > file
     and DuckDB's COPY to a local .csv.gz
  cpu. client CPU (user + system, wait4) of `sync` with compression none to a local directory,
     against psql \\copy (...) TO STDOUT (FORMAT binary) > /dev/null, the floor of reading
  parquet. `sync` with format parquet (--parquet-codec) to S3 against DuckDB's COPY ... (FORMAT
     parquet, COMPRESSION the same codec) to S3 (bench/parquet.sh compares more variants)
  c. the exporter's peak RSS at each --rss-sizes size (S3 sink, CSV + gzip), and the largest
     size's against the smallest's
  d. an idle daemon with 1,000 active connections and nothing due: RSS and CPU over --idle-seconds,
     with the metrics listener on (scraped every 5 s) and off (--idle-only measures just this)
  e. one pass over 200 connections x 6 entities of small due windows: wall time and runs/s
  f. SIGUSR1 to the start of the run it forces
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import duckdb_reference
import report
from machine import describe as describe_machine, moto_version, version
from measure import measure

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ["EXPORTER_BIN"]
AWS = os.environ["BENCH_AWS"]
S3 = os.environ["EXPORTER_TEST_S3_ENDPOINT"]
DATABASE_URL = os.environ["EXPORTER_TEST_DATABASE_URL"]
KEY = "bench-encryption-key"
DAY = "2026-11-20"
NEXT_DAY = "2026-11-21"
BUCKET = "flexprice-bench"
USAGE_COLUMNS = ('id, tenant_id, environment_id, external_customer_id, customer_id, subscription_id, sub_line_item_id, '
                 'price_id, meter_id, feature_id, period_id, event_name, source, "timestamp", ingested_at, qty_total, '
                 'properties, unique_hash')
MIB = 1024 * 1024


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def database_url(name):
    """DATABASE_URL of another database on the same server."""
    base, _, query = DATABASE_URL.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")


def psql(sql, database=None, variables=None, capture=False):
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    if database:
        command += ["-d", database]
    if capture:
        command += ["-A", "-t"]
    for name, value in (variables or {}).items():
        command += ["-v", f"{name}={value}"]
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    result = subprocess.run(command, input=sql, text=True, check=True, env=env,
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    return result.stdout.strip() if capture else None


def exporter_env(database="flexprice", **extra):
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("EXPORTER_") and key != "EXPORTER_BIN":
            del env[key]
    # moto listens on http://127.0.0.1: the endpoint policy refuses loopback and plain HTTP unless allowed.
    env.update({"DATABASE_URL": database_url(database), "FLEXPRICE_SECRETS_ENCRYPTION_KEY": KEY,
                "EXPORTER_LOG_LEVEL": "warning",
                "EXPORTER_ALLOW_PRIVATE_ENDPOINTS": "true", "EXPORTER_ALLOW_HTTP_ENDPOINTS": "true"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def encrypt(text):
    return subprocess.run([BIN, "encrypt-secret"], input=text, text=True, check=True, capture_output=True,
                          env=exporter_env()).stdout.strip()


def prepare_database(name):
    """A database with the FlexPrice schema and the exporter's tables."""
    if name != "flexprice":
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', database="flexprice")
        psql(f'CREATE DATABASE "{name}"', database="flexprice")
    with open(os.path.join(ROOT, "db/flexprice-schema.sql")) as schema:
        psql(schema.read(), database=name)
    subprocess.run([BIN, "migrate"], env=exporter_env(name), check=True, stdout=subprocess.DEVNULL)


def create_bucket(bucket):
    subprocess.run(["curl", "-fsS", "-X", "PUT", f"{S3}/{bucket}", "-o", "/dev/null"], check=True)


def sync_config(prefix, entities=("feature_usage",), bucket=BUCKET, **options):
    """A connection's sync_config JSON; OPTIONS adds keys such as format and compression."""
    s3 = {"bucket": bucket, "region": "us-east-1", "endpoint_url": S3, "key_prefix": prefix, "sync_active": True,
          "max_file_size_mb": 100000, "entity_types": list(entities), **options}
    return json.dumps({"s3": s3})


class Secrets:
    def __init__(self):
        self.access_key = encrypt("AKIABENCHEXAMPLE")
        self.secret_key = encrypt("benchSecretKeyExample")

    @property
    def json(self):
        return '{"aws_access_key_id": "%s", "aws_secret_access_key": "%s"}' % (self.access_key, self.secret_key)


def seed_usage(rows, secrets):
    """N feature_usage rows of a realistic shape in one daily window, and a connection for them."""
    tenant = f"bench_{rows}"
    exists = psql("SELECT count(*) FROM feature_usage WHERE tenant_id = :'tenant'", variables={"tenant": tenant}, capture=True)
    if int(exists or 0) != rows:
        log(f"seeding {rows:,} feature_usage rows")
        psql("""
            DELETE FROM feature_usage WHERE tenant_id = :'tenant';
            INSERT INTO feature_usage (id, tenant_id, environment_id, external_customer_id, customer_id, subscription_id,
                sub_line_item_id, price_id, meter_id, feature_id, period_id, event_name, source, "timestamp", ingested_at,
                qty_total, properties, unique_hash)
            SELECT :'tenant' || '_' || lpad(g::text, 9, '0'), :'tenant', 'env_bench', 'ext_cust_' || (g % 5000),
                   'cust_' || (g % 5000), 'sub_' || (g % 800), 'subli_' || (g % 1600), 'price_' || (g % 40),
                   'meter_' || (g % 40), 'feat_' || (g % 40), 1795132800000, 'api_call', 'sdk-python',
                   '2026-11-20'::timestamptz + ((g - 1)::double precision / :rows) * interval '1 day',
                   '2026-11-20'::timestamptz + ((g - 1)::double precision / :rows) * interval '1 day' + interval '1.5 seconds',
                   (g % 10000)::numeric / 100,
                   jsonb_build_object('endpoint', '/v1/events', 'status', 200, 'region', 'eu-west-1', 'latency_ms', g % 997),
                   md5(g::text)
            FROM generate_series(1, :rows) AS g;
            ANALYZE feature_usage;
            """, variables={"tenant": tenant, "rows": rows})
    add_connection(tenant, f"conn_{tenant}", secrets, tenant)
    return tenant


def add_connection(tenant, connection, secrets, prefix, **options):
    """(Re)creates CONNECTION for TENANT: objects under PREFIX, OPTIONS in its sync_config."""
    psql("""
        DELETE FROM connections WHERE id = :'id';
        INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, status, encrypted_secret_data, sync_config)
        VALUES (:'id', :'tenant', 'env_bench', 'bench', 's3', 'published', :'secrets', :'config');
        """, variables={"id": connection, "tenant": tenant, "secrets": secrets.json,
                        "config": sync_config(prefix, **options)})
    return connection


def keep_only(tenant):
    """Deletes every other tenant's feature_usage rows (postgres_scan reads the table whole)."""
    psql("DELETE FROM feature_usage WHERE tenant_id <> :'tenant'; VACUUM ANALYZE feature_usage;", variables={"tenant": tenant})


def raw_bytes(connection):
    return int(psql("SELECT bytes_raw FROM export_runs WHERE connection_id = :'c' AND status = 'succeeded' ORDER BY id DESC LIMIT 1",
                    variables={"c": connection}, capture=True))


def copy_command(tenant, options="WITH CSV HEADER"):
    query = (f"SELECT {USAGE_COLUMNS} FROM feature_usage WHERE tenant_id = '{tenant}' AND environment_id = 'env_bench' "
             f"AND \"timestamp\" >= '{DAY}' AND \"timestamp\" < '{NEXT_DAY}' ORDER BY \"timestamp\", id")
    return "psql -X -q -c " + sh_quote(f"\\copy ({query}) TO STDOUT {options}")


def sh_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


class Variant:
    """One command of the interleaved runs: its figure, side (exporter or reference) and label."""

    def __init__(self, figure, side, label, command, env=None, shell=False, before=None, check=None):
        self.figure, self.side, self.label = figure, side, label
        self.command, self.env, self.shell, self.before, self.check = command, env, shell, before, check
        self.samples = []


def variants(tenant, rows, secrets, work, parquet_codec):
    """Every command the targets table compares, in the order of one interleaved run."""
    sync = [BIN, "sync", "--entity", "feature_usage", "--from", DAY, "--to", NEXT_DAY, "--connection"]
    csv_connection = f"conn_{tenant}"
    none_connection = add_connection(tenant, f"conn_{tenant}_none", secrets, f"{tenant}-none", compression="none")
    parquet_connection = add_connection(tenant, f"conn_{tenant}_parquet", secrets, f"{tenant}-parquet",
                                        format="parquet", compression=parquet_codec)
    aws_env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIABENCHEXAMPLE", AWS_SECRET_ACCESS_KEY="benchSecretKeyExample",
                   AWS_DEFAULT_REGION="us-east-1")
    local_sink = os.path.join(work, "sink")
    duckdb_file = os.path.join(work, "duckdb.csv.gz")
    reference_file = os.path.join(work, "reference.csv.gz")

    def duckdb(file_format, codec, target):
        def check(sample):
            if int(sample.stdout) != rows:
                sys.exit(f"bench: DuckDB wrote {sample.stdout.strip()} rows to {target}, expected {rows}")
        return dict(command=duckdb_reference.command("export", file_format, tenant, codec, target),
                    env=duckdb_reference.env(), check=check)

    def remove(path):
        return lambda: os.path.exists(path) and os.remove(path)

    return [
        Variant("s3", "exporter", "sync, csv gzip, to moto", sync + [csv_connection], env=exporter_env()),
        Variant("s3", "psql", "psql \\copy \\| gzip -6 \\| aws s3 cp -",
                f"set -o pipefail; {copy_command(tenant)} | gzip -6 | {sh_quote(AWS)} --endpoint-url {S3} "
                f"s3 cp - s3://{BUCKET}/reference/{tenant}.csv.gz --only-show-errors", env=aws_env, shell=True),
        Variant("s3", "duckdb", "DuckDB 1.4.4 COPY (FORMAT csv, HEADER, COMPRESSION gzip) to moto",
                **duckdb("csv", "gzip", f"s3://{BUCKET}/duckdb/{tenant}.csv.gz")),
        Variant("local", "exporter", "sync, csv gzip, to a local directory", sync + [csv_connection],
                env=exporter_env(EXPORTER_SINK_DIRECTORY=local_sink)),
        Variant("local", "psql", "psql \\copy \\| gzip -6 > file",
                f"set -o pipefail; {copy_command(tenant)} | gzip -6 > {sh_quote(reference_file)}", shell=True),
        Variant("local", "duckdb", "DuckDB 1.4.4 COPY (FORMAT csv, HEADER, COMPRESSION gzip) to a local file",
                before=remove(duckdb_file), **duckdb("csv", "gzip", duckdb_file)),
        Variant("cpu", "exporter", "sync, csv, compression none, to a local directory", sync + [none_connection],
                env=exporter_env(EXPORTER_SINK_DIRECTORY=local_sink)),
        Variant("cpu", "psql", "psql \\copy (FORMAT binary) > /dev/null",
                f"set -o pipefail; {copy_command(tenant, '(FORMAT binary)')} > /dev/null", shell=True),
        Variant("parquet", "exporter", f"sync, parquet {parquet_codec}, to moto", sync + [parquet_connection],
                env=exporter_env()),
        Variant("parquet", "duckdb", f"DuckDB 1.4.4 postgres_scan -> COPY (FORMAT parquet, COMPRESSION {parquet_codec}) to moto",
                **duckdb("parquet", parquet_codec, f"s3://{BUCKET}/duckdb/{tenant}.parquet")),
    ]


def measure_interleaved(all_variants, rows, runs):
    """Runs every variant once per run, in order, RUNS times; fills each variant's samples."""
    for i in range(runs):
        for variant in all_variants:
            log(f"{rows:,} rows: run {i + 1} of {runs}, {variant.figure}/{variant.side}")
            if variant.before:
                variant.before()
            sample = measure(variant.command, env=variant.env, shell=variant.shell)
            if variant.check:
                variant.check(sample)
            variant.samples.append(sample)


def stored_bytes(directory, suffix):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(directory) for f in fs if f.endswith(suffix))


def median(samples, attribute):
    return statistics.median(getattr(sample, attribute) for sample in samples)


class NotifySocket:
    """systemd's NOTIFY_SOCKET, to know when the daemon is ready."""

    def __init__(self, directory):
        self.path = os.path.join(directory, f"notify-{time.monotonic_ns()}.sock")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(self.path)
        self.socket.settimeout(0.2)

    def wait_for(self, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if text in self.socket.recv(4096).decode(errors="replace"):
                    return True
            except socket.timeout:
                pass
        return False


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_rss(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def seed_connections(database, count, secrets, entities, prefix, succeeded_yesterday):
    """`count` connections (one tenant each); with `succeeded_yesterday`, every stream's latest
    window already exported, so nothing is due."""
    psql("""
        INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, status, encrypted_secret_data, sync_config)
        SELECT 'conn_' || g, 'tenant_' || g, 'env', 'bench ' || g, 's3', 'published', :'secrets'::jsonb,
               replace(:'config', '__PREFIX__', :'prefix' || g)::jsonb
        FROM generate_series(1, :count) AS g;
        """, database=database, variables={"secrets": secrets.json, "count": count, "prefix": prefix,
                                            "config": sync_config("__PREFIX__", entities)})
    if succeeded_yesterday:
        psql("""
            INSERT INTO export_runs (connection_id, tenant_id, environment_id, entity_type, "interval", window_start, window_end,
                "trigger", status, finished_at, worker)
            SELECT 'conn_' || g, 'tenant_' || g, 'env', e, 'daily', date_trunc('day', now()) - interval '1 day',
                   date_trunc('day', now()), 'schedule', 'succeeded', now(), 'bench-seed'
            FROM generate_series(1, :count) AS g,
                 unnest(ARRAY['feature_usage', 'customer', 'invoice', 'price', 'subscription', 'credit_note']) AS e;
            """, database=database, variables={"count": count})


ALL_ENTITIES = ("feature_usage", "customer", "invoice", "price", "subscription", "credit_note")


def start_daemon(database, directory, **settings):
    # The metrics listener on (as by default), on a port nothing else holds.
    settings.setdefault("EXPORTER_METRICS_ADDRESS", f"127.0.0.1:{free_port()}")
    notify = NotifySocket(directory)
    env = exporter_env(database, NOTIFY_SOCKET=notify.path, EXPORTER_GRACE_SECONDS=0, **settings)
    process = subprocess.Popen([BIN, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not notify.wait_for("READY=1", 60):
        process.kill()
        sys.exit("bench: the daemon did not become ready")
    return process, notify


def stop_daemon(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_idle(secrets, seconds, directory, metrics=True):
    """(d) 1,000 active connections, nothing due. With `metrics`, the listener is on (the default)
    and /metrics is scraped every 5 s, as a busy Prometheus would; without, EXPORTER_METRICS_ADDRESS=off."""
    log(f"idle daemon, 1,000 connections, {seconds} s, metrics {'on, scraped every 5 s' if metrics else 'off'}")
    prepare_database("bench_idle")
    seed_connections("bench_idle", 1000, secrets, ALL_ENTITIES, "idle/", succeeded_yesterday=True)
    address = f"127.0.0.1:{free_port()}" if metrics else "off"
    process, _ = start_daemon("bench_idle", directory, EXPORTER_TICK_SECONDS=60, EXPORTER_METRICS_ADDRESS=address)
    time.sleep(2)  # the start-up pass
    cpu_start, start = process_cpu_seconds(process.pid), time.monotonic()
    peak, next_scrape, scrape_bytes, series = 0, start, 0, 0
    while time.monotonic() - start < seconds:
        if metrics and time.monotonic() >= next_scrape:
            with urllib.request.urlopen(f"http://{address}/metrics", timeout=10) as response:
                body = response.read()
            scrape_bytes = len(body)
            series = sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))
            next_scrape += 5
        peak = max(peak, process_rss(process.pid))
        time.sleep(0.5)
    cpu = process_cpu_seconds(process.pid) - cpu_start
    elapsed = time.monotonic() - start
    runs = psql("SELECT count(*) FROM export_runs WHERE worker <> 'bench-seed'", database="bench_idle", capture=True)
    stop_daemon(process)
    return {"rss": peak, "cpu_percent": 100 * cpu / elapsed, "seconds": elapsed, "runs": int(runs),
            "scrape_bytes": scrape_bytes, "series": series}


def idle_rows(idle, idle_off):
    """The idle daemon's rows of the targets table: metrics on (the default) and off."""
    return [
        f"| d. idle daemon, 1,000 connections, {idle['seconds']:.0f} s: RSS, metrics on ({idle['series']:,} series, "
        f"{idle['scrape_bytes'] / 1e6:.2f} MB per scrape, scraped every 5 s) | {mib(idle['rss'])} MiB | <= 40 MiB | {met(idle['rss'] <= 40 * MIB)} |",
        f"| d. idle daemon: RSS, EXPORTER_METRICS_ADDRESS=off | {mib(idle_off['rss'])} MiB | <= 40 MiB | {met(idle_off['rss'] <= 40 * MIB)} |",
        f"| d. idle daemon: CPU, metrics on ({idle['runs']} runs started) | {idle['cpu_percent']:.2f}% | <= 1% | {met(idle['cpu_percent'] <= 1)} |",
        f"| d. idle daemon: CPU, metrics off | {idle_off['cpu_percent']:.2f}% | <= 1% | {met(idle_off['cpu_percent'] <= 1)} |",
    ]


def seed_small_windows(database, count):
    """A few rows of every entity in yesterday's window for tenants 1...count."""
    # The entities whose rows need no more than an id and an update time.
    id_only_tables = "\n".join(f"""
        INSERT INTO {table} (id, tenant_id, environment_id, updated_at)
        SELECT '{prefix}_' || g || '_' || r, 'tenant_' || g, 'env', date_trunc('day', now()) - interval '1 day' + r * interval '1 hour'
        FROM generate_series(1, :count) AS g, generate_series(1, 5) AS r;"""
        for table, prefix in [("invoices", "inv"), ("prices", "price"), ("subscriptions", "sub"), ("credit_notes", "cn")])
    psql("""
        INSERT INTO feature_usage (id, tenant_id, environment_id, customer_id, event_name, "timestamp", qty_total, properties)
        SELECT 'fu_' || g || '_' || r, 'tenant_' || g, 'env', 'cust_' || r, 'api_call',
               date_trunc('day', now()) - interval '1 day' + r * interval '1 hour', r, '{"k": 1}'
        FROM generate_series(1, :count) AS g, generate_series(1, 20) AS r;
        INSERT INTO customers (id, tenant_id, environment_id, name, updated_at)
        SELECT 'cust_' || g || '_' || r, 'tenant_' || g, 'env', 'Customer ' || r, date_trunc('day', now()) - interval '1 day' + r * interval '1 hour'
        FROM generate_series(1, :count) AS g, generate_series(1, 5) AS r;
        """ + id_only_tables + """
        ANALYZE;
        """, database=database, variables={"count": count})


def measure_pass(secrets):
    """(e) one scheduled pass over 200 connections x 6 entities."""
    log("one pass, 200 connections x 6 entities")
    prepare_database("bench_pass")
    seed_connections("bench_pass", 200, secrets, ALL_ENTITIES, "pass/", succeeded_yesterday=False)
    seed_small_windows("bench_pass", 200)
    sample = measure([BIN, "sync"], env=exporter_env("bench_pass", EXPORTER_GRACE_SECONDS=0))
    seconds, rss = sample.wall, sample.rss
    succeeded = int(psql("SELECT count(*) FROM export_runs WHERE status = 'succeeded'", database="bench_pass", capture=True))
    total = int(psql("SELECT count(*) FROM export_runs", database="bench_pass", capture=True))
    return {"seconds": seconds, "runs": succeeded, "all_runs": total, "rss": rss}


def measure_signal(secrets, directory, samples=5):
    """(f) SIGUSR1 to the start of the forced run (export_runs.started_at)."""
    log("SIGUSR1 latency")
    prepare_database("bench_signal")
    seed_connections("bench_signal", 1, secrets, ("invoice",), "signal/", succeeded_yesterday=True)
    process, _ = start_daemon("bench_signal", directory, EXPORTER_TICK_SECONDS=3600)
    time.sleep(2)
    latencies = []
    for _ in range(samples):
        before = int(psql("SELECT count(*) FROM export_runs", database="bench_signal", capture=True))
        sent = time.time()
        process.send_signal(signal.SIGUSR1)
        started = None
        deadline = time.monotonic() + 30
        while started is None and time.monotonic() < deadline:
            value = psql("SELECT extract(epoch FROM started_at) FROM export_runs ORDER BY id OFFSET :n LIMIT 1",
                         database="bench_signal", variables={"n": before}, capture=True)
            started = float(value) if value else None
            if started is None:
                time.sleep(0.01)
        if started is None:
            sys.exit("bench: SIGUSR1 started no run within 30 s")
        latencies.append(started - sent)
        while psql("SELECT count(*) FROM export_runs WHERE status = 'running'", database="bench_signal", capture=True) != "0":
            time.sleep(0.05)
    stop_daemon(process)
    return latencies


def machine():
    return describe_machine(ROOT, ", ".join([version(["psql", "--version"]), version(["gzip", "--version"]),
                                             version([AWS, "--version"]), duckdb_reference.describe(), moto_version()]))


def mib(value):
    return f"{value / MIB:.1f}"


def met(condition):
    return "yes" if condition else "no"


def targets_table(by_key, rows, rss, codec):
    """The issue 13 targets: figure | exporter | reference | ratio | target | met."""
    def timed_row(figure, reference, text, target):
        exporter, other = by_key[(figure, "exporter")], by_key[(figure, reference)]
        seconds, reference_seconds = median(exporter.samples, "wall"), median(other.samples, "wall")
        ratio = seconds / reference_seconds
        judged = f"<= {target}" if target else "(reference row)"
        return (f"| {text} | {seconds:.2f} s | {reference_seconds:.2f} s | {ratio:.2f} | {judged} | "
                f"{met(ratio <= target) if target else '-'} |")

    cpu_exporter, cpu_floor = by_key[("cpu", "exporter")], by_key[("cpu", "psql")]
    cpu, floor = median(cpu_exporter.samples, "cpu"), median(cpu_floor.samples, "cpu")
    # Issue 13's budget is 1.0 CPU-s for 1M rows: scaled to the rows measured, so a quick run
    # with fewer rows is not judged against a budget ten times too large.
    cpu_budget = rows / 1_000_000
    lines = [
        "| figure | exporter | reference | ratio | target | met |",
        "|---|---:|---:|---:|---|---|",
        timed_row("s3", "psql", f"{rows:,} rows csv.gz to moto / `psql \\copy \\| gzip -6 \\| aws s3 cp -`", 1.0),
        timed_row("s3", "duckdb", f"{rows:,} rows csv.gz to moto / DuckDB 1.4.4 postgres_scan -> csv.gz", None),
        timed_row("local", "psql", f"same to a local file / `psql \\copy \\| gzip -6 > file`", 1.0),
        timed_row("local", "duckdb", f"same to a local file / DuckDB 1.4.4 postgres_scan -> local csv.gz", None),
        f"| client CPU reading + encoding {rows:,} rows, compression none, local sink / `psql \\copy (FORMAT binary) "
        f"> /dev/null` | {cpu:.2f} CPU-s | {floor:.2f} CPU-s | {cpu / floor:.2f} | exporter <= {cpu_budget:.2f} CPU-s "
        f"(1.0 per 1M rows) | {met(cpu <= cpu_budget)} |",
        timed_row("parquet", "duckdb", f"Parquet ({codec}) {rows:,} rows to moto / DuckDB 1.4.4 postgres_scan -> parquet", 1.0),
    ]
    if rss:
        smallest, largest = min(rss), max(rss)
        peak = max(rss.values())
        lines.append(f"| peak RSS (sync csv.gz to moto), largest of {', '.join(f'{n:,}' for n in sorted(rss))} rows | "
                     f"{mib(peak)} MiB | - | - | <= 64 MiB | {met(peak <= 64 * MIB)} |")
        if largest != smallest:
            growth = rss[largest] / rss[smallest]
            lines.append(f"| peak RSS at {largest:,} rows / at {smallest:,} rows | {mib(rss[largest])} MiB | "
                         f"{mib(rss[smallest])} MiB | {growth:.2f} | within 10% (0.90-1.10) | {met(abs(growth - 1) <= 0.10)} |")
    return lines


def variants_table(all_variants, runs):
    """Every variant behind the targets: medians of wall and CPU time, the largest peak RSS."""
    lines = [f"| figure | side | command | wall s (median of {runs}) | min-max | CPU s | peak RSS MiB |",
             "|---|---|---|---:|---:|---:|---:|"]
    for variant in all_variants:
        walls = [sample.wall for sample in variant.samples]
        lines.append(f"| {variant.figure} | {variant.side} | {variant.label} | {statistics.median(walls):.2f} | "
                     f"{min(walls):.2f}-{max(walls):.2f} | {median(variant.samples, 'cpu'):.2f} | "
                     f"{mib(max(sample.rss for sample in variant.samples))} |")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the compared window [1000000]")
    parser.add_argument("--runs", type=int, default=5, help="interleaved runs of every variant; medians reported [5]")
    parser.add_argument("--rss-sizes", default="1000000,10000000",
                        help="sizes for the peak-RSS figure (c); the largest is set against the smallest [1000000,10000000]")
    parser.add_argument("--parquet-codec", default="zstd", choices=["zstd", "gzip"], help="page codec of both Parquet exports [zstd]")
    parser.add_argument("--idle-seconds", type=int, default=60)
    parser.add_argument("--idle-only", action="store_true",
                        help="measure only the idle daemon, metrics on and off, and print its rows (no report written)")
    parser.add_argument("--output", default=os.path.join(ROOT, "bench/results/latest.md"),
                        help="the Markdown report is written here (and printed) [bench/results/latest.md]")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="flexprice-bench.")
    if args.idle_only:
        try:
            secrets = Secrets()
            idle, idle_off = measure_idle(secrets, args.idle_seconds, work), measure_idle(secrets, args.idle_seconds, work, metrics=False)
            print("\n".join(["| measurement | figure | target | met |", "|---|---|---|---|"] + idle_rows(idle, idle_off)))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    try:
        prepare_database("flexprice")
        create_bucket(BUCKET)
        secrets = Secrets()

        tenant = seed_usage(args.rows, secrets)
        keep_only(tenant)
        load = os.getloadavg()
        all_variants = variants(tenant, args.rows, secrets, work, args.parquet_codec)
        measure_interleaved(all_variants, args.rows, args.runs)
        by_key = {(variant.figure, variant.side): variant for variant in all_variants}
        raw = raw_bytes(f"conn_{tenant}")
        stored = stored_bytes(os.path.join(work, "sink", BUCKET, tenant), ".gz")
        reference_stored = os.path.getsize(os.path.join(work, "reference.csv.gz"))
        duckdb_stored = os.path.getsize(os.path.join(work, "duckdb.csv.gz"))

        rss_rows = ["| c. exporter peak RSS (sync csv.gz to moto) | rows | seconds | rows/s | peak RSS MiB |",
                    "|---|---:|---:|---:|---:|"]
        rss = {}
        for size in sorted(int(s) for s in args.rss_sizes.split(",") if s):
            if size == args.rows:
                samples = by_key[("s3", "exporter")].samples
                seconds, peak = median(samples, "wall"), max(sample.rss for sample in samples)
            else:
                size_tenant = seed_usage(size, secrets)
                log(f"peak RSS at {size:,} rows")
                sample = measure([BIN, "sync", "--connection", f"conn_{size_tenant}", "--entity", "feature_usage",
                                  "--from", DAY, "--to", NEXT_DAY], env=exporter_env())
                seconds, peak = sample.wall, sample.rss
            rss[size] = peak
            rss_rows.append(f"| | {size:,} | {seconds:.2f} | {size / seconds:,.0f} | {mib(peak)} |")

        idle = measure_idle(secrets, args.idle_seconds, work)
        idle_off = measure_idle(secrets, args.idle_seconds, work, metrics=False)
        one_pass = measure_pass(secrets)
        latencies = measure_signal(secrets, work)
        pass_rate = one_pass["runs"] / one_pass["seconds"]
        lines = ["## Targets (issue 13)", ""]
        lines += targets_table(by_key, args.rows, rss, args.parquet_codec)
        lines += ["", f"{'One run' if args.runs == 1 else f'Medians of {args.runs} runs'}, every variant interleaved within each run; load average "
                  f"{load[0]:.2f} before the runs. CPU is user + system of the client processes (wait4: the exporter; "
                  "psql, gzip and aws together for a pipeline; DuckDB with its Python host).",
                  "", "## Variants", ""]
        lines += variants_table(all_variants, args.runs)
        lines += ["", f"CSV {raw / 1e6:.1f} MB uncompressed; gzip: exporter {stored / 1e6:.1f} MB, psql | gzip -6 "
                  f"{reference_stored / 1e6:.1f} MB, DuckDB {duckdb_stored / 1e6:.1f} MB.", ""]
        lines += rss_rows
        lines += [
            "",
            "## Daemon (issue 6)",
            "",
            "| measurement | figure | target | met |",
            "|---|---|---|---|",
        ] + idle_rows(idle, idle_off) + [
            f"| e. one pass, 200 connections x 6 entities | {one_pass['runs']} of {one_pass['all_runs']} runs succeeded in {one_pass['seconds']:.2f} s = {pass_rate:.1f} runs/s (peak RSS {mib(one_pass['rss'])} MiB) | >= 20 runs/s | {met(pass_rate >= 20)} |",
            f"| f. SIGUSR1 to the run's start, median of {len(latencies)} | {statistics.median(latencies) * 1000:.0f} ms (max {max(latencies) * 1000:.0f} ms) | <= 1 s | {met(statistics.median(latencies) <= 1)} |",
        ]
        text = "\n".join(["# flexprice-exporter benchmark", "", "Machine:", ""] + [f"- {m}" for m in machine()] + ["",
                            "Command: `make bench` (`bench/run.sh " + " ".join(sys.argv[1:]) + "`)", ""] + lines) + "\n"
        print(text)
        report.write(args.output, text)
        log(f"written to {args.output} (a \"## Notes\" section under the figures is kept)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
