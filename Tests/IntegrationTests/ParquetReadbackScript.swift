import TestSupport

/// The Python side of ``ParquetExportTests``: reads exported Parquet files with pyarrow, DuckDB
/// and fastparquet, compares every cell each reader saw with the values PostgreSQL gave for the
/// window (written by the test into the spec file), and prints one JSON document: per reader the
/// row count, column names, types and the first mismatches; per file pyarrow's footer metadata
/// (schema, codecs, statistics) and, through fastparquet's Thrift parser, the exactness flags and
/// page encodings of every column chunk.
///
/// The comparison runs here rather than in Swift so a 40,000-row window does not travel as
/// millions of JSON values: only the verdict and the metadata come back.
///
/// Spec (argv[1]): `{"groups": [{"name", "files": [path...], "columns": [name...],
/// "kinds": {name: kind}, "rows": [[cell...]...]}]}`; a group's files are read each on its own
/// (every rollover part must be a complete file) and their rows, in order, must equal `rows`.
/// A cell is null or PostgreSQL's text for it: kind `string` (exact text), `json` (equal by
/// value), `int`, `bool` (`true`/`false`), `micros` (microseconds since the epoch) or `decimal`
/// (PostgreSQL's exact text, scale digits included; fastparquet reads DECIMAL as float64 by
/// design, so for it the value must be the nearest double within 1e-15 relative).
let parquetReadbackScript = #"""
import datetime, decimal, json, math, sys, traceback

MAX_REPORTED = 20
MISSING = ("column missing",)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

def is_null(value):
    if value is None:
        return True
    try:
        import pandas
        if value is pandas.NA or value is pandas.NaT:
            return True
    except ImportError:
        pass
    if isinstance(value, float) and value != value:
        return True
    try:
        import numpy
        if isinstance(value, numpy.datetime64) and numpy.isnat(value):
            return True
    except ImportError:
        pass
    return False

def micros_of(value):
    """Microseconds since the epoch of a timestamp as a reader returns it, or None."""
    import numpy
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, numpy.integer):
        return int(value)
    if isinstance(value, numpy.datetime64):
        return int(value.astype("datetime64[us]").astype("int64"))
    if hasattr(value, "to_datetime64"):  # pandas.Timestamp
        return int(value.to_datetime64().astype("datetime64[us]").astype("int64"))
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        delta = value - EPOCH
        return (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds
    return None

def matches(kind, read, want, reader):
    """Whether `read` (a reader's cell) is PostgreSQL's `want` (text or None) of `kind`."""
    import numpy
    if want is None:
        return is_null(read)
    if is_null(read):
        return False
    if kind == "string":
        return isinstance(read, str) and read == want
    if kind == "json":
        if not isinstance(read, str):
            return False
        try:
            return json.loads(read) == json.loads(want)
        except ValueError:
            return False
    if kind == "int":
        if isinstance(read, (bool, numpy.bool_)):
            return False
        if isinstance(read, (int, numpy.integer)):
            return int(read) == int(want)
        return False
    if kind == "bool":
        if isinstance(read, (bool, numpy.bool_)):
            return bool(read) == (want == "true")
        return False
    if kind == "micros":
        got = micros_of(read)
        return got is not None and got == int(want)
    if kind == "decimal":
        if reader == "fastparquet":
            if not isinstance(read, (float, numpy.floating)):
                return False
            wanted = float(decimal.Decimal(want))
            if wanted == 0:
                return float(read) == 0
            return abs(float(read) - wanted) <= abs(wanted) * 1e-15
        return isinstance(read, decimal.Decimal) and format(read, "f") == want
    return False

def shown(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return type(value).__name__ + ":" + repr(value)

def read_pyarrow(path):
    import pyarrow as pa, pyarrow.parquet as pq
    table = pq.ParquetFile(path).read()
    columns, types = {}, {}
    for name in table.column_names:
        col = table.column(name)
        types[name] = str(col.type)
        if pa.types.is_timestamp(col.type):
            col = col.cast(pa.int64())
        columns[name] = col.to_pylist()
    return table.column_names, types, columns, table.num_rows

\#(ReaderPython.duckDBScan)

def read_duckdb(path):
    names, types, rows = duckdb_scan(path)
    columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    return names, types, columns, len(rows)

def read_fastparquet(path):
    import fastparquet
    frame = fastparquet.ParquetFile(path).to_pandas()
    names = list(frame.columns)
    types = {name: str(frame[name].dtype) for name in names}
    columns = {}
    for name in names:
        series = frame[name]
        if str(series.dtype).startswith("datetime64"):
            columns[name] = [None if is_null(v) else v for v in series.array]
        else:
            columns[name] = list(series.array)
    return names, types, columns, len(frame)

READERS = {"pyarrow": read_pyarrow, "duckdb": read_duckdb, "fastparquet": read_fastparquet}

def compare_group(group, reader):
    expected_columns, kinds, rows = group["columns"], group["kinds"], group["rows"]
    out = {"files": [], "mismatches": [], "mismatch_count": 0, "compared": 0}
    gathered = {name: [] for name in expected_columns}
    total = 0
    for path in group["files"]:
        names, types, columns, count = READERS[reader](path)
        out["files"].append({"path": path, "columns": names, "types": types, "num_rows": count})
        total += count
        for name in expected_columns:
            # A column the reader did not return compares as a value that matches nothing.
            gathered[name].extend(columns[name] if name in columns else [MISSING] * count)
    out["num_rows"] = total
    if total != len(rows):
        out["mismatches"].append("row count %d, PostgreSQL has %d" % (total, len(rows)))
        out["mismatch_count"] += 1
        return out
    for index, name in enumerate(expected_columns):
        kind = kinds[name]
        values = gathered[name]
        for row_index, row in enumerate(rows):
            out["compared"] += 1
            if not matches(kind, values[row_index], row[index], reader):
                out["mismatch_count"] += 1
                if len(out["mismatches"]) < MAX_REPORTED:
                    out["mismatches"].append("%s row %d (%s): read %r, PostgreSQL %r" % (
                        name, row_index, kind, shown(values[row_index]), row[index]))
    return out

def stat_value(value, physical):
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return {"hex": bytes(value).hex()}
    if isinstance(value, decimal.Decimal):
        return {"decimal": format(value, "f")}
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, datetime.datetime):
        return {"int": str(micros_of(value))}
    return {"other": repr(value)}

\#(ReaderPython.pyarrowChunkEntry)

def pyarrow_metadata(path):
    import pyarrow.parquet as pq
    md = pq.ParquetFile(path).metadata
    groups = []
    for rg, column_chunks in pyarrow_chunks(md):
        chunks = []
        for cc, entry, st in column_chunks:
            if st is not None:
                if st.has_min_max:
                    # Raw bounds for the physical types; the logical value for a DECIMAL.
                    if st.logical_type is not None and str(st.logical_type).startswith("Decimal"):
                        entry["min"], entry["max"] = stat_value(st.min, cc.physical_type), stat_value(st.max, cc.physical_type)
                    else:
                        entry["min"], entry["max"] = stat_value(st.min_raw, cc.physical_type), stat_value(st.max_raw, cc.physical_type)
            chunks.append(entry)
        groups.append({"num_rows": rg.num_rows, "columns": chunks})
    schema = []
    for i in range(len(md.schema)):
        col = md.schema.column(i)
        schema.append({"name": col.name, "physical_type": col.physical_type, "logical_type": str(col.logical_type),
                       "converted_type": col.converted_type, "max_definition_level": col.max_definition_level})
    return {"num_rows": md.num_rows, "created_by": md.created_by, "row_groups": groups, "schema": schema}

def fastparquet_exactness(path):
    import fastparquet
    pf = fastparquet.ParquetFile(path)
    groups = []
    for rg in pf.fmd.row_groups:
        chunks = []
        for cc in rg.columns:
            st = cc.meta_data.statistics
            def field(name, field_id):
                if st is None:
                    return None
                try:
                    return getattr(st, name)
                except AttributeError:
                    return st.contents.get(field_id)
            md = cc.meta_data
            chunks.append({"is_min_value_exact": field("is_min_value_exact", 8),
                           "is_max_value_exact": field("is_max_value_exact", 7),
                           "dictionary_page_offset": md.dictionary_page_offset,
                           # [page_type, encoding, count]: DATA_PAGE is 0, DICTIONARY_PAGE 2;
                           # PLAIN is 0, RLE_DICTIONARY 8.
                           "encoding_stats": [[e.page_type, e.encoding, e.count] for e in (md.encoding_stats or [])]})
        groups.append(chunks)
    return groups

def attempt(function, *arguments):
    try:
        return function(*arguments)
    except Exception as error:
        return {"error": type(error).__name__ + ": " + str(error), "trace": traceback.format_exc()}

with open(sys.argv[1], encoding="utf-8") as handle:
    spec = json.load(handle)
result = {"groups": {}, "files": {}}
for group in spec["groups"]:
    result["groups"][group["name"]] = {reader: attempt(compare_group, group, reader) for reader in READERS}
    for path in group["files"]:
        result["files"][path] = {"pyarrow": attempt(pyarrow_metadata, path),
                                 "fastparquet": attempt(fastparquet_exactness, path)}
json.dump(result, sys.stdout)
"""#
