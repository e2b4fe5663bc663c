"""Writes the RowBinaryWithNamesAndTypes fixtures of ExporterClickHouseTests with ClickHouse's own
engine (chDB, PyPI chdb-core: scripts/install-clickhouse.sh installs it in a venv):

    ~/.cache/flexprice-exporter/clickhouse-venv/bin/python make-fixtures.py

types.bin: every column type the exporter reads, four rows of edge values (NULLs, unicode, bytes
that are not UTF-8, DateTime64 at 3 and 9 digits, Decimal(18,8) and (25,15) at full precision,
UInt64 past Int64.max, text that is not JSON); types-empty.bin: the same query with no row (the
header alone). types.tsv: ClickHouse's own text of the same rows, for reading the tests.
"""
import chdb
from chdb import session

s = session.Session()
s.query("CREATE DATABASE IF NOT EXISTS fx")
s.query("""CREATE TABLE fx.t (id String, lc LowCardinality(String), n Nullable(String),
 lcn LowCardinality(Nullable(String)), ts DateTime('UTC'), ts3 DateTime64(3), ts9 DateTime64(9, 'UTC'),
 d18 Decimal(18, 8), d25 Decimal(25, 15), u64 UInt64, i32 Int32, b Bool, dt Date, props String) ENGINE = Memory""")
s.query("""INSERT INTO fx.t VALUES
 ('evt_1', 'tenant_a', NULL, NULL, '2026-11-20 00:00:00', '2026-11-20 10:30:00.123', '2026-11-20 10:30:00.123456789',
  1.5, 123456789.123456789012345, 42, -7, true, '2026-11-20', '{"a": {"b": [1, "x, y"]}}'),
 ('zürich ☕', '', 'x\\ty', '', '2026-11-20 23:59:59', '1970-01-01 00:00:00.001', '2026-11-20 00:00:00',
  -0.00000001, -0.000000000000001, 18446744073709551615, 2147483647, false, '1970-01-01', 'not json {'),
 ('', 'e', '', 'lc', '2106-02-07 06:28:15', '2026-11-20 10:30:00.999', '1969-12-31 23:59:59.999999999',
  9999999999.99999999, 9999999999.999999999999999, 0, -2147483648, true, '2149-06-06', '')""")
s.query("""INSERT INTO fx.t SELECT unhex('6964ff'), 'x', unhex('c0af'), NULL, '2106-02-07 06:28:15',
 '2026-11-21 00:00:00', '2026-11-21 00:00:00', 0, 0, 9223372036854775807, 0, false, '2026-11-21',
 unhex('7b226b223a2022ff227d')""")
query = "SELECT * FROM fx.t ORDER BY ts, id"
open("types.bin", "wb").write(s.query(query + " FORMAT RowBinaryWithNamesAndTypes", "RowBinaryWithNamesAndTypes").bytes())
open("types-empty.bin", "wb").write(s.query(query.replace("ORDER", "WHERE 0 ORDER") + " FORMAT RowBinaryWithNamesAndTypes",
                                            "RowBinaryWithNamesAndTypes").bytes())
open("types.tsv", "wb").write(s.query(query + " FORMAT TSVWithNamesAndTypes", "TSVWithNamesAndTypes").bytes())
print(s.query("SELECT version()", "TSV").data().strip())
