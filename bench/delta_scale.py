"""What a Delta table's size costs a window's commit: bench/delta-scale.sh's driver (see there).

Each table size N gets its own connection (hourly, feature_usage, `table_format: delta`) and
tenant. Version 0 is a real window exported by the exporter; versions 1..8 are written here as
another writer would write them, holding N more `add`s (version 0's add, renamed to older hours,
its statistics kept). The exporter then exports the following windows: version 9 (catch-up of
1..8), 10 (with the checkpoint) and 11... (steady commits). delta-rs appends the same window's rows
to the same table as the reference.
"""
import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine  # noqa: E402
from measure import measure, psql  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUCKET = "flexprice-bench"
DAY = datetime.datetime(2026, 11, 20, tzinfo=datetime.timezone.utc)
HOUR = datetime.timedelta(hours=1)
ROWS_PER_HOUR = 1000
# A window's file name, as the exporter's key layout writes it for an hourly stream.
NAME = re.compile(r"^(?P<folder>.*/)?(?P<stem>[a-z_]+)_(?P<start>\d{8}T\d{6}Z)_(?P<end>\d{8}T\d{6}Z)_run-(?P<run>\d+)(?P<rest>.*)$")


def log(message):
    print(f"bench/delta-scale: {message}", file=sys.stderr, flush=True)


def endpoint():
    return os.environ["EXPORTER_TEST_S3_ENDPOINT"]


def curl(key, *options):
    """curl on the moto server's object `key`, the request signed (moto refuses unsigned reads
    of these objects): curl's own SigV4 (`--aws-sigv4`)."""
    return subprocess.run(["curl", "-fsS", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "bench:bench", *options,
                           f"{endpoint()}/{BUCKET}/{urllib.parse.quote(key)}"], check=True, capture_output=True).stdout


def s3_get(key):
    return curl(key)


def s3_put(key, body):
    with tempfile.NamedTemporaryFile() as file:
        file.write(body)
        file.flush()
        curl(key, "-X", "PUT", "-H", "Content-Type: application/json", "--data-binary", f"@{file.name}")


def s3_size(key):
    headers = curl(key, "--head").decode()
    return int(next(line.split(":", 1)[1] for line in headers.splitlines() if line.lower().startswith("content-length:")))


def prepare(files, hours):
    """The tenant, its rows (ROWS_PER_HOUR in each of `hours` hours of DAY) and its connection."""
    tenant, connection = f"bench_delta_{files}", f"conn_bench_delta_{files}"
    psql("""
        DELETE FROM feature_usage WHERE tenant_id = :'tenant';
        INSERT INTO feature_usage (id, tenant_id, environment_id, external_customer_id, customer_id, event_name, source,
            "timestamp", ingested_at, qty_total, properties)
        SELECT :'tenant' || '_' || lpad(g::text, 9, '0'), :'tenant', 'env_bench', 'ext_cust_' || (g % 500), 'cust_' || (g % 500),
               'api_call', 'sdk', '2026-11-20'::timestamptz + ((g - 1)::double precision / :per_hour) * interval '1 hour',
               '2026-11-20'::timestamptz + ((g - 1)::double precision / :per_hour) * interval '1 hour',
               (g % 10000)::numeric / 100, jsonb_build_object('n', g)
        FROM generate_series(1, :rows) AS g;
        DELETE FROM connections WHERE id = :'id';
        INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, status, encrypted_secret_data, sync_config)
        VALUES (:'id', :'tenant', 'env_bench', 'bench delta scale', 's3', 'published',
                jsonb_build_object('aws_access_key_id', :'ak', 'aws_secret_access_key', :'sk'),
                jsonb_build_object('s3', jsonb_build_object('bucket', :'bucket', 'region', 'us-east-1',
                    'endpoint_url', :'endpoint', 'key_prefix', :'prefix', 'format', 'parquet', 'compression', 'zstd',
                    'interval', 'hourly', 'sync_active', true, 'table_format', 'delta',
                    'entity_types', jsonb_build_array('feature_usage'))));
        """, {"tenant": tenant, "id": connection, "rows": ROWS_PER_HOUR * hours, "per_hour": ROWS_PER_HOUR,
              "ak": os.environ["ak"], "sk": os.environ["sk"], "bucket": BUCKET, "endpoint": endpoint(),
              "prefix": f"delta-scale-{files}"})
    return tenant, connection


def sync(connection, hour):
    """The exporter's sync of hour `hour` of DAY; its measured Sample."""
    start, end = DAY + hour * HOUR, DAY + (hour + 1) * HOUR
    return measure([os.environ["BIN"], "sync", "--connection", connection, "--entity", "feature_usage",
                    "--from", f"{start:%Y-%m-%dT%H:%M:%SZ}", "--to", f"{end:%Y-%m-%dT%H:%M:%SZ}"],
                   label="bench/delta-scale")


def stamp(moment):
    return f"{moment:%Y%m%dT%H%M%SZ}"


def shifted_stats(stats, hours_back):
    """Version 0's statistics moved `hours_back` hours back (timestamps) and made the file's own
    (ids, counts), so a checkpoint compresses them as it would a real table's."""
    if not stats:
        return stats
    parsed = json.loads(stats)
    parsed["numRecords"] = parsed.get("numRecords", 0) + hours_back % 97
    for bound in ("minValues", "maxValues"):
        for column, value in (parsed.get(bound) or {}).items():
            if not isinstance(value, str):
                continue
            try:
                moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
                parsed[bound][column] = (moment - hours_back * HOUR).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            except ValueError:
                parsed[bound][column] = f"{value}-{hours_back:06d}"
    return json.dumps(parsed, separators=(",", ":"))


def write_foreign_commits(root, files):
    """Versions 1..8 of the table at `root`: N adds between them, each version 0's add renamed to
    an hour before DAY (with a run id of its own), as a writer other than the exporter would."""
    first = [json.loads(line) for line in s3_get(root + "_delta_log/00000000000000000000.json").decode().splitlines() if line]
    add = next(action["add"] for action in first if "add" in action)
    match = NAME.match(add["path"])
    if not match:
        sys.exit(f"bench/delta-scale: unexpected file name {add['path']}")
    folder = match.group("folder") or ""
    day_folder = f"{DAY:%Y/%m/%d}/"
    if day_folder not in folder:
        sys.exit(f"bench/delta-scale: the file's folder {folder} does not hold {day_folder}")
    per_commit = [files // 8 + (1 if index < files % 8 else 0) for index in range(8)]
    number = 0
    for version, count in enumerate(per_commit, start=1):
        lines = [json.dumps({"commitInfo": {"timestamp": add["modificationTime"], "operation": "WRITE",
                                            "operationParameters": {"mode": "Append"}, "engineInfo": "bench/delta-scale"}})]
        for _ in range(count):
            number += 1
            start = DAY - number * HOUR
            renamed = dict(add)
            renamed["stats"] = shifted_stats(add.get("stats"), number)
            renamed["path"] = (folder.replace(day_folder, f"{start:%Y/%m/%d}/") + f"{match.group('stem')}_{stamp(start)}_"
                               + f"{stamp(start + HOUR)}_run-{10_000_000 + number}{match.group('rest')}")
            lines.append(json.dumps({"add": renamed}))
        s3_put(root + f"_delta_log/{version:020d}.json", ("\n".join(lines) + "\n").encode())


DELTA_RS_APPEND = """
import sys, pyarrow.fs, pyarrow.parquet, deltalake
endpoint, bucket, root, data, mode = sys.argv[1:6]
scheme, host = endpoint.split("://")
files = pyarrow.fs.S3FileSystem(access_key="bench", secret_key="bench", region="us-east-1", endpoint_override=host, scheme=scheme)
rows = pyarrow.parquet.read_table(f"{bucket}/{data}", filesystem=files)
options = {"AWS_ENDPOINT_URL": endpoint, "AWS_ALLOW_HTTP": "true", "AWS_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
if mode == "append":
    deltalake.write_deltalake(f"s3://{bucket}/{root}", rows, mode="append", storage_options=options)
"""


def delta_rs_append(root, data_key, mode="append"):
    """delta-rs appending the rows of the exporter's data file `data_key` to the table at `root`
    (mode "floor": the same process without the append: Python, pyarrow and the file's read)."""
    return measure([os.environ["BENCH_READERS_PYTHON"], "-c", DELTA_RS_APPEND, endpoint(), BUCKET, root, data_key, mode],
                   label="bench/delta-scale delta-rs")


def latest_data_key(root, version):
    commit = [json.loads(line) for line in s3_get(root + f"_delta_log/{version:020d}.json").decode().splitlines() if line]
    return root + next(action["add"]["path"] for action in commit if "add" in action)


def bench(files, runs):
    hours = 3 + runs
    _, connection = prepare(files, hours + 1)
    root = f"delta-scale-{files}/feature_usage/"
    log(f"{files:,} files: version 0")
    sync(connection, 0)
    write_foreign_commits(root, files)
    log(f"{files:,} files: catch-up (version 9)")
    catch_up = sync(connection, 1)
    log(f"{files:,} files: checkpoint (version 10)")
    checkpoint = sync(connection, 2)
    checkpoint_bytes = s3_size(root + "_delta_log/00000000000000000010.checkpoint.parquet")
    commits = []
    for run in range(runs):
        log(f"{files:,} files: commit (version {11 + run})")
        commits.append(sync(connection, 3 + run))
    data_key = latest_data_key(root, 10 + runs)
    references = []
    for run in range(runs):
        log(f"{files:,} files: delta-rs append (version {11 + runs + run})")
        references.append(delta_rs_append(root, data_key))
    floor = [delta_rs_append(root, data_key, mode="floor") for _ in range(runs)]
    return {"files": files, "catch_up": catch_up, "checkpoint": checkpoint, "checkpoint_bytes": checkpoint_bytes,
            "commit": commits, "delta_rs": references, "floor": floor}


def median(samples, field):
    return statistics.median(getattr(sample, field) for sample in samples)


def table(results):
    rows = ["| live files | step | wall s | CPU s | peak RSS MiB |", "|---:|---|---:|---:|---:|"]
    for result in results:
        files = f"{result['files']:,}"
        for label, samples in [("catch-up: sync of the window after 8 foreign commits (v9)", [result["catch_up"]]),
                               (f"checkpoint: sync whose commit is v10, checkpoint {result['checkpoint_bytes']:,} bytes",
                                [result["checkpoint"]]),
                               (f"commit: sync of one window, median of {len(result['commit'])} (v11...)", result["commit"]),
                               (f"delta-rs: write_deltalake append of the same rows, median of {len(result['delta_rs'])}",
                                result["delta_rs"]),
                               ("delta-rs' process without the append (Python, pyarrow, reading the rows)", result["floor"])]:
            rows.append(f"| {files} | {label} | {median(samples, 'wall'):.2f} | {median(samples, 'cpu'):.2f} | "
                        f"{median(samples, 'rss') / 1048576:.1f} |")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", default="0,8760,26280", help="table sizes in live files (default 0,8760,26280)")
    parser.add_argument("--runs", type=int, default=3, help="measured commits per size (default 3)")
    parser.add_argument("--output", default=os.path.join(ROOT, "bench/results/delta-scale.md"))
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.files.split(",")]
    results = [bench(files, arguments.runs) for files in sizes]
    deltalake = subprocess.run([os.environ["BENCH_READERS_PYTHON"], "-c", "import deltalake; print(deltalake.__version__)"],
                               capture_output=True, text=True).stdout.strip()
    lines = ["# A Delta table's size against a window's commit (bench/delta-scale.sh)", ""]
    lines += machine.describe(ROOT, f"psql {machine.version(['psql', '--version']).split()[-3]}, "
                              f"delta-rs (PyPI deltalake) {deltalake}, {machine.moto_version()}",
                              os.environ.get("BENCH_CONFIGURATION", "release"))
    lines += ["", f"Command: `bench/delta-scale.sh --files {arguments.files} --runs {arguments.runs}`", "",
              f"One hourly feature_usage stream as a Delta table on moto S3, {ROWS_PER_HOUR:,} rows a window; versions "
              "1..8 written by another writer hold the live files beyond the exporter's own. Each row is one process "
              "(the exporter's `sync`, or delta-rs' Python), from start to exit.", ""]
    lines += table(results)
    text = "\n".join(lines) + "\n"
    notes_marker = "\n## Notes\n"
    if os.path.exists(arguments.output):
        previous = open(arguments.output).read()
        if notes_marker in previous:
            text += notes_marker + previous.split(notes_marker, 1)[1]
    with open(arguments.output, "w") as output:
        output.write(text)
    print(text)


if __name__ == "__main__":
    main()
