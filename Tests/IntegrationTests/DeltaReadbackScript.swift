/// The Python side of ``DeltaTableTests``: opens a Delta table (a local copy of the bucket's
/// table folder) with delta-rs (PyPI `deltalake`), DuckDB's `delta_scan` (`duckdb-ext-delta`, the
/// extension file loaded from the package, offline) and Polars, and prints one JSON document:
/// per reader the rows as (id, timestamp in epoch microseconds, qty_total as a normalised decimal)
/// sorted, plus delta-rs' version, file URIs, protocol, transaction version and history, and how
/// many files each engine reads for a one-day filter (file skipping from the `add` statistics).
///
/// argv[1]: the table folder; argv[2]: JSON `{"version": N|null, "app_id": "...",
/// "day": [start_us, end_us]|null, "id": "..."|null}`.
let deltaReadbackScript = #"""
import datetime, decimal, glob, json, os, sys

path = sys.argv[1]
spec = json.loads(sys.argv[2])
version = spec.get("version")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

def micros(value):
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return (value - EPOCH) // datetime.timedelta(microseconds=1)

def number(value):
    if value is None:
        return None
    return format(decimal.Decimal(str(value)).normalize(), "f")

def rows_of(dicts):
    return sorted([[r["id"], micros(r["timestamp"]), number(r["qty_total"])] for r in dicts], key=lambda r: r[0])

out = {}

from deltalake import DeltaTable
import pyarrow, pyarrow.dataset as pds
dt = DeltaTable(path, version=version) if version is not None else DeltaTable(path)
table = pyarrow.table(dt.to_pyarrow_table(columns=["id", "timestamp", "qty_total"]))
protocol = dt.protocol()
history = dt.history()
info = {
    "version": dt.version(),
    "files": sorted(os.path.relpath(uri.replace("file://", ""), path) for uri in dt.file_uris()),
    "rows": rows_of(table.to_pylist()),
    "protocol": [protocol.min_reader_version, protocol.min_writer_version],
    "transaction_version": dt.transaction_version(spec["app_id"]) if spec.get("app_id") else None,
    "history": [{"version": h.get("version"), "operation": h.get("operation"), "runId": h.get("runId"),
                 "windowStart": h.get("windowStart"), "mode": (h.get("operationParameters") or {}).get("mode"),
                 "metrics": h.get("operationMetrics")} for h in history],
    "schema": [[f.name, str(f.type)] for f in dt.schema().fields],
}
import pyarrow.parquet
info["checkpoint_codecs"] = sorted({pyarrow.parquet.ParquetFile(name).metadata.row_group(0).column(c).compression
                                    for name in glob.glob(os.path.join(path, "_delta_log", "*.checkpoint.parquet"))
                                    for c in range(pyarrow.parquet.ParquetFile(name).metadata.num_columns)})
adds = pyarrow.table(dt.get_add_actions(flatten=True)).to_pylist()
info["num_records"] = sorted((a.get("num_records") for a in adds), key=lambda n: (n is None, n or 0))
if spec.get("day"):
    start, end = [datetime.datetime.fromtimestamp(v / 1e6, tz=datetime.timezone.utc) for v in spec["day"]]
    dataset = dt.to_pyarrow_dataset()
    expression = (pds.field("timestamp") >= pyarrow.scalar(start, type=pyarrow.timestamp("us", tz="UTC"))) & \
                 (pds.field("timestamp") < pyarrow.scalar(end, type=pyarrow.timestamp("us", tz="UTC")))
    info["day_fragments"] = len(list(dataset.get_fragments(filter=expression)))
    info["all_fragments"] = len(list(dataset.get_fragments()))
out["deltalake"] = info

import duckdb
con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
extension = glob.glob(os.path.join(os.path.dirname(duckdb.__file__), "..", "duckdb_ext", "extensions", "*", "*", "delta.duckdb_extension"))
con.execute("LOAD '" + extension[0] + "'")
if version is None:
    scan = "delta_scan('" + path + "')"
    duck = con.execute("SELECT id, epoch_us(\"timestamp\"), qty_total FROM " + scan).fetchall()
    out["duckdb"] = {"rows": sorted([[r[0], r[1], number(r[2])] for r in duck], key=lambda r: r[0])}
    if spec.get("id"):
        # DuckDB 1.4's delta_scan pushes string filters into the table's statistics (a timestamp
        # filter it does not, seen here: every file is scanned), so its skipping is shown on an id.
        plan = con.execute("EXPLAIN ANALYZE SELECT count(*) FROM " + scan + " WHERE id = ?", [spec["id"]]).fetchall()
        text = "\n".join(str(c) for row in plan for c in row)
        scanning = [line.split("Scanning Files:")[1].strip(" │") for line in text.split("\n") if "Scanning Files:" in line]
        out["duckdb"]["id_files_scanned"] = scanning[0] if scanning else text

import polars
frame = polars.read_delta(path, version=version, columns=["id", "timestamp", "qty_total"])
out["polars"] = {"rows": rows_of(frame.to_dicts())}
print(json.dumps(out))
"""#
