#!/usr/bin/env python3
"""The exporter against what a user would script instead, side by side (issue 6).

Run through `bench/run.sh` (or `make bench`), which starts PostgreSQL and moto, builds the
release binary and installs the AWS CLI. Every figure is the median of --runs runs, exporter
and reference interleaved. Prints a table and writes it to bench/results/latest.md.

Measurements:
  a. `sync` of one daily window of N feature_usage rows to S3 (moto), CSV + gzip, against
     psql \\copy | gzip -6 | aws s3 cp - s3://...
  b. the same to a local directory (EXPORTER_SINK_DIRECTORY) against psql \\copy | gzip -6 > file
  c. the exporter's peak RSS at each --rss-sizes size (S3 sink)
  d. an idle daemon with 1,000 active connections and nothing due: RSS and CPU over --idle-seconds
  e. one pass over 200 connections x 6 entities of small due windows: wall time and runs/s
  f. SIGUSR1 to the start of the run it forces
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from machine import describe as describe_machine, version

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
    env.update({"DATABASE_URL": database_url(database), "FLEXPRICE_SECRETS_ENCRYPTION_KEY": KEY,
                "EXPORTER_LOG_LEVEL": "warning"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def encrypt(text):
    return subprocess.run([BIN, "encrypt-secret"], input=text, text=True, check=True, capture_output=True,
                          env=exporter_env()).stdout.strip()


def timed(command, env=None, shell=False):
    """Runs a command; returns (seconds, peak RSS in bytes of the largest process it ran)."""
    start = time.monotonic()
    process = subprocess.Popen(command, env=env, shell=shell, executable="/bin/bash" if shell else None,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - start
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: command failed ({os.waitstatus_to_exitcode(status)}): {command}\n{stderr[-2000:]}")
    return elapsed, usage.ru_maxrss * 1024


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


def sync_config(prefix, entities="[\"feature_usage\"]", bucket=BUCKET):
    return ('{"s3": {"bucket": "%s", "region": "us-east-1", "endpoint_url": "%s", "key_prefix": "%s", '
            '"sync_active": true, "max_file_size_mb": 100000, "entity_types": %s}}' % (bucket, S3, prefix, entities))


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
    psql("""
        DELETE FROM connections WHERE id = 'conn_' || :'tenant';
        INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, status, encrypted_secret_data, sync_config)
        VALUES ('conn_' || :'tenant', :'tenant', 'env_bench', 'bench', 's3', 'published', :'secrets', :'config');
        """, variables={"tenant": tenant, "secrets": secrets.json, "config": sync_config(tenant)})
    return tenant


def raw_bytes(connection):
    return int(psql("SELECT bytes_raw FROM export_runs WHERE connection_id = :'c' AND status = 'succeeded' ORDER BY id DESC LIMIT 1",
                    variables={"c": connection}, capture=True))


def copy_command(tenant):
    query = (f"SELECT {USAGE_COLUMNS} FROM feature_usage WHERE tenant_id = '{tenant}' AND environment_id = 'env_bench' "
             f"AND \"timestamp\" >= '{DAY}' AND \"timestamp\" < '{NEXT_DAY}' ORDER BY \"timestamp\", id")
    return "psql -X -q -c " + sh_quote(f"\\copy ({query}) TO STDOUT WITH CSV HEADER")


def sh_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def measure_throughput(tenant, rows, runs, sink_dir):
    """(a) and (b): medians of exporter and reference, interleaved."""
    connection = f"conn_{tenant}"
    sync = [BIN, "sync", "--connection", connection, "--entity", "feature_usage", "--from", DAY, "--to", NEXT_DAY]
    aws_env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIABENCHEXAMPLE", AWS_SECRET_ACCESS_KEY="benchSecretKeyExample",
                   AWS_DEFAULT_REGION="us-east-1")
    reference_file = os.path.join(sink_dir, "reference.csv.gz")
    s3_reference = (f"set -o pipefail; {copy_command(tenant)} | gzip -6 | {sh_quote(AWS)} --endpoint-url {S3} "
                    f"s3 cp - s3://{BUCKET}/reference/{tenant}.csv.gz --only-show-errors")
    local_reference = f"set -o pipefail; {copy_command(tenant)} | gzip -6 > {sh_quote(reference_file)}"
    figures = {"s3": ([], []), "local": ([], [])}
    for i in range(runs):
        log(f"{rows:,} rows: run {i + 1} of {runs}")
        figures["s3"][0].append(timed(sync, env=exporter_env()))
        figures["s3"][1].append(timed(s3_reference, env=aws_env, shell=True))
        figures["local"][0].append(timed(sync, env=exporter_env(EXPORTER_SINK_DIRECTORY=sink_dir)))
        figures["local"][1].append(timed(local_reference, shell=True))
    raw = raw_bytes(connection)
    exported = os.path.join(sink_dir, BUCKET, tenant)
    stored = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(exported) for f in fs if f.endswith(".gz"))
    return figures, raw, stored, os.path.getsize(reference_file)


def median(samples, index):
    return statistics.median(sample[index] for sample in samples)


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


ALL_ENTITIES = '["feature_usage", "customer", "invoice", "price", "subscription", "credit_note"]'


def start_daemon(database, directory, **settings):
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


def measure_idle(secrets, seconds, directory):
    """(d) 1,000 active connections, nothing due."""
    log(f"idle daemon, 1,000 connections, {seconds} s")
    prepare_database("bench_idle")
    seed_connections("bench_idle", 1000, secrets, ALL_ENTITIES, "idle/", succeeded_yesterday=True)
    process, _ = start_daemon("bench_idle", directory, EXPORTER_TICK_SECONDS=60)
    time.sleep(2)  # the start-up pass
    cpu_start, start = process_cpu_seconds(process.pid), time.monotonic()
    peak = 0
    while time.monotonic() - start < seconds:
        peak = max(peak, process_rss(process.pid))
        time.sleep(0.5)
    cpu = process_cpu_seconds(process.pid) - cpu_start
    elapsed = time.monotonic() - start
    runs = psql("SELECT count(*) FROM export_runs WHERE worker <> 'bench-seed'", database="bench_idle", capture=True)
    stop_daemon(process)
    return {"rss": peak, "cpu_percent": 100 * cpu / elapsed, "seconds": elapsed, "runs": int(runs)}


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
    seconds, rss = timed([BIN, "sync"], env=exporter_env("bench_pass", EXPORTER_GRACE_SECONDS=0))
    succeeded = int(psql("SELECT count(*) FROM export_runs WHERE status = 'succeeded'", database="bench_pass", capture=True))
    total = int(psql("SELECT count(*) FROM export_runs", database="bench_pass", capture=True))
    return {"seconds": seconds, "runs": succeeded, "all_runs": total, "rss": rss}


def measure_signal(secrets, directory, samples=5):
    """(f) SIGUSR1 to the start of the forced run (export_runs.started_at)."""
    log("SIGUSR1 latency")
    prepare_database("bench_signal")
    seed_connections("bench_signal", 1, secrets, '["invoice"]', "signal/", succeeded_yesterday=True)
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
    return describe_machine(ROOT, version(["psql", "--version"]) + ", " + version(["gzip", "--version"]) + ", "
                            + version([AWS, "--version"]))


def mib(value):
    return f"{value / MIB:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the throughput window (a, b)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure; the median is reported")
    parser.add_argument("--rss-sizes", default="100000,1000000,10000000", help="sizes for the peak-RSS figure (c)")
    parser.add_argument("--idle-seconds", type=int, default=60)
    parser.add_argument("--output", default=os.path.join(ROOT, "bench/results/latest.md"))
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="flexprice-bench.")
    try:
        prepare_database("flexprice")
        create_bucket(BUCKET)
        secrets = Secrets()
        lines = []

        tenant = seed_usage(args.rows, secrets)
        figures, raw, stored, reference_stored = measure_throughput(tenant, args.rows, args.runs, work)
        table = ["| measurement | rows | exporter s | reference s | ratio | exporter rows/s | exporter MB/s | "
                 "exporter peak RSS MiB | reference peak RSS MiB |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        ratios = {}
        for name, label in (("s3", "a. to S3 (moto): sync vs psql \\copy \\| gzip -6 \\| aws s3 cp"),
                            ("local", "b. to a local file: sync vs psql \\copy \\| gzip -6 > file")):
            exporter, reference = figures[name]
            seconds, reference_seconds = median(exporter, 0), median(reference, 0)
            ratios[name] = seconds / reference_seconds
            table.append(f"| {label} | {args.rows:,} | {seconds:.2f} | {reference_seconds:.2f} | {ratios[name]:.2f} | "
                         f"{args.rows / seconds:,.0f} | {raw / seconds / 1e6:.1f} | {mib(max(s[1] for s in exporter))} | "
                         f"{mib(max(s[1] for s in reference))} |")
        lines += table
        lines.append("")
        lines.append(f"CSV {raw / 1e6:.1f} MB uncompressed; gzip: exporter {stored / 1e6:.1f} MB, reference "
                     f"{reference_stored / 1e6:.1f} MB. Medians of {args.runs} runs, exporter and reference interleaved.")

        rss_rows = ["", "| c. exporter peak RSS (sync to S3) | rows | seconds | rows/s | peak RSS MiB |", "|---|---:|---:|---:|---:|"]
        rss = {}
        for size in [int(s) for s in args.rss_sizes.split(",") if s]:
            size_tenant = seed_usage(size, secrets)
            if size == args.rows:
                samples = figures["s3"][0]
                seconds, peak = median(samples, 0), max(s[1] for s in samples)
            else:
                log(f"peak RSS at {size:,} rows")
                seconds, peak = timed([BIN, "sync", "--connection", f"conn_{size_tenant}", "--entity", "feature_usage",
                                       "--from", DAY, "--to", NEXT_DAY], env=exporter_env())
            rss[size] = peak
            rss_rows.append(f"| | {size:,} | {seconds:.2f} | {size / seconds:,.0f} | {mib(peak)} |")
        lines += rss_rows

        idle = measure_idle(secrets, args.idle_seconds, work)
        one_pass = measure_pass(secrets)
        latencies = measure_signal(secrets, work)
        smallest, largest = min(rss), max(rss)
        growth = rss[largest] / rss[smallest] - 1
        lines += [
            "",
            "| measurement | figure | target | met |",
            "|---|---|---|---|",
            f"| a. S3 time ratio exporter / reference | {ratios['s3']:.2f} | <= 1.0 | {'yes' if ratios['s3'] <= 1.0 else 'no'} |",
            f"| b. local time ratio exporter / reference | {ratios['local']:.2f} | <= 1.0 | {'yes' if ratios['local'] <= 1.0 else 'no'} |",
            f"| c. peak RSS, largest size | {mib(max(rss.values()))} MiB | <= 64 MiB | {'yes' if max(rss.values()) <= 64 * MIB else 'no'} |",
            f"| c. peak RSS {largest:,} vs {smallest:,} rows | {growth * 100:+.1f}% | within 10% | {'yes' if abs(growth) <= 0.10 else 'no'} |",
            f"| d. idle daemon, 1,000 connections, {idle['seconds']:.0f} s: RSS | {mib(idle['rss'])} MiB | <= 40 MiB | {'yes' if idle['rss'] <= 40 * MIB else 'no'} |",
            f"| d. idle daemon: CPU ({idle['runs']} runs started) | {idle['cpu_percent']:.2f}% | <= 1% | {'yes' if idle['cpu_percent'] <= 1 else 'no'} |",
            f"| e. one pass, 200 connections x 6 entities | {one_pass['runs']} of {one_pass['all_runs']} runs succeeded in {one_pass['seconds']:.2f} s = {one_pass['runs'] / one_pass['seconds']:.1f} runs/s (peak RSS {mib(one_pass['rss'])} MiB) | >= 20 runs/s | {'yes' if one_pass['runs'] / one_pass['seconds'] >= 20 else 'no'} |",
            f"| f. SIGUSR1 to the run's start, median of {len(latencies)} | {statistics.median(latencies) * 1000:.0f} ms (max {max(latencies) * 1000:.0f} ms) | <= 1 s | {'yes' if statistics.median(latencies) <= 1 else 'no'} |",
        ]
        report = "\n".join(["# flexprice-exporter benchmark", "", "Machine:", ""] + [f"- {m}" for m in machine()] + ["",
                            "Command: `make bench` (`bench/run.sh " + " ".join(sys.argv[1:]) + "`)", ""] + lines) + "\n"
        print(report)
        os.makedirs(os.path.dirname(args.output), exist_ok=True)
        with open(args.output, "w") as output:
            output.write(report)
        log(f"written to {args.output}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
