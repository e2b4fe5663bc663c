import Foundation
import TestSupport

/// The Python side of ``IndependentReaderTests``: reads each file with pyarrow, DuckDB and
/// fastparquet and prints, as JSON, every value each reader saw, pyarrow's row-group metadata and
/// statistics, and the footer as fastparquet's own Thrift parser decoded it. Integers travel as
/// text so 64-bit values survive any JSON parser.
let readerScript = #"""
# Reads Parquet files with three independent readers and prints what each saw, as JSON.
# Usage: python read.py FILE...
import base64, datetime, decimal, json, sys, traceback

def norm(value):
    """Plain JSON for a cell: decimals as fixed-point text, timestamps as epoch microseconds."""
    if value is None:
        return None
    if isinstance(value, decimal.Decimal):
        return {"decimal": format(value, "f")}
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        delta = value - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return {"micros": str((delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds)}
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        if value != value:
            return None
        return {"float": repr(value)}
    if isinstance(value, (bytes, bytearray)):
        return {"hex": bytes(value).hex()}
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return {"parsed_json": json.dumps(value, ensure_ascii=False)}
    return {"other": type(value).__name__, "repr": repr(value)}

def read_pyarrow(path):
    import pyarrow as pa, pyarrow.parquet as pq
    pf = pq.ParquetFile(path)
    table = pf.read()
    columns = {}
    types = {}
    for name in table.column_names:
        col = table.column(name)
        types[name] = str(col.type)
        if pa.types.is_timestamp(col.type):
            col = col.cast(pa.int64())
            columns[name] = [None if v is None else {"micros": str(v)} for v in col.to_pylist()]
        else:
            columns[name] = [norm(v) for v in col.to_pylist()]
    md = pf.metadata
    groups = []
    for rg, column_chunks in pyarrow_chunks(md):
        chunks = []
        for cc, entry, st in column_chunks:
            entry.update({
                "dictionary_page_offset": cc.dictionary_page_offset, "data_page_offset": cc.data_page_offset,
                "total_compressed_size": cc.total_compressed_size,
                "total_uncompressed_size": cc.total_uncompressed_size,
            })
            if st is not None:
                if st.has_min_max:
                    entry["min_raw"] = norm(st.min_raw)
                    entry["max_raw"] = norm(st.max_raw)
                    try:
                        entry["min"] = norm(st.min)
                        entry["max"] = norm(st.max)
                    except (OverflowError, ValueError) as error:  # e.g. a timestamp past year 9999
                        entry["logical_error"] = str(error)
            chunks.append(entry)
        groups.append({"num_rows": rg.num_rows, "total_byte_size": rg.total_byte_size, "columns": chunks})
    schema = []
    for i in range(len(md.schema)):
        col = md.schema.column(i)
        schema.append({"name": col.name, "physical_type": col.physical_type,
                       "logical_type": str(col.logical_type), "converted_type": col.converted_type})
    return {"num_rows": md.num_rows, "created_by": md.created_by, "format_version": md.format_version,
            "types": types, "columns": columns, "row_groups": groups, "schema": schema}

\#(ReaderPython.duckDBScan)

\#(ReaderPython.pyarrowChunkEntry)

def read_duckdb(path):
    names, types, rows = duckdb_scan(path)
    columns = {}
    for index, name in enumerate(names):
        if types[name].startswith("TIMESTAMP"):
            columns[name] = [None if r[index] is None else {"micros": str(r[index])} for r in rows]
        else:
            columns[name] = [norm(r[index]) for r in rows]
    return {"num_rows": len(rows), "types": types, "columns": columns}

def thrift_field(obj, name, field_id):
    """A field of fastparquet's Thrift object; fields its bundled parquet.thrift predates are
    kept by id in `contents`."""
    if obj is None:
        return None
    try:
        return getattr(obj, name)
    except AttributeError:
        return obj.contents.get(field_id)

def read_fastparquet(path):
    import fastparquet, numpy, pandas
    pf = fastparquet.ParquetFile(path)
    frame = pf.to_pandas()
    columns = {}
    types = {}
    for name in frame.columns:
        series = frame[name]
        types[name] = str(series.dtype)
        if str(series.dtype).startswith("datetime64"):
            unit = numpy.datetime_data(series.dtype.base if hasattr(series.dtype, "base") else series.dtype)[0]
            scale = {"ns": 0.001, "us": 1, "ms": 1000, "s": 1000000}[unit]
            ints = series.values.astype("datetime64[" + unit + "]").astype("int64")
            nat = series.isna().tolist()
            columns[name] = [None if nat[i] else {"micros": str(int(ints[i]) * scale if scale >= 1 else int(ints[i]) // 1000)}
                             for i in range(len(ints))]
        else:
            values = series.tolist()
            out = []
            for v in values:
                if v is None or v is pandas.NA or (isinstance(v, float) and v != v):
                    out.append(None)
                elif isinstance(v, (numpy.bool_,)):
                    out.append(bool(v))
                elif isinstance(v, (numpy.integer,)):
                    out.append({"int": str(int(v))})
                else:
                    out.append(norm(v))
            columns[name] = out
    # The footer as fastparquet's own Thrift parser decoded it: layout fields pyarrow hides.
    layout = []
    for rg in pf.fmd.row_groups:
        chunks = []
        for cc in rg.columns:
            md = cc.meta_data
            st = md.statistics
            chunks.append({
                "file_offset": cc.file_offset, "num_values": md.num_values,
                "data_page_offset": md.data_page_offset, "dictionary_page_offset": md.dictionary_page_offset,
                "total_compressed_size": md.total_compressed_size,
                "is_min_value_exact": thrift_field(st, "is_min_value_exact", 8),
                "is_max_value_exact": thrift_field(st, "is_max_value_exact", 7),
                "encoding_stats": [[s.page_type, s.encoding, s.count] for s in (md.encoding_stats or [])],
            })
        layout.append({"file_offset": rg.file_offset, "total_compressed_size": rg.total_compressed_size,
                       "total_byte_size": rg.total_byte_size, "ordinal": rg.ordinal, "num_rows": rg.num_rows,
                       "columns": chunks})
    orders = [None if o.TYPE_ORDER is None else "TYPE_ORDER" for o in (pf.fmd.column_orders or [])]
    return {"num_rows": len(frame), "types": types, "columns": columns, "layout": layout,
            "column_orders": orders, "version": pf.fmd.version}

def attempt(reader, path):
    try:
        return reader(path)
    except Exception as error:
        return {"error": type(error).__name__ + ": " + str(error), "trace": traceback.format_exc()}

result = {}
for path in sys.argv[1:]:
    result[path] = {"pyarrow": attempt(read_pyarrow, path), "duckdb": attempt(read_duckdb, path),
                    "fastparquet": attempt(read_fastparquet, path)}
json.dump(result, sys.stdout)
"""#

extension ReaderPython {
    /// Runs ``readerScript`` over `files` and returns its JSON, keyed by file path.
    static func read(_ files: [String], in directory: URL) throws -> [String: Any] {
        try run(script: readerScript, named: "read_parquet.py", arguments: files, in: directory)
    }
}
