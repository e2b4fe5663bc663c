"""How the benchmarks run DuckDB 1.4.4, the reference for csv.gz and Parquet (bench.py, parquet.py).

DuckDB runs as bench/duckdb_export.py under the bench-only virtualenv's python, one process per
export, so that its wall time, CPU time and peak RSS are a user's. bench/lib.sh's duckdb_setup
installs it (bench/install-duckdb.sh) and exports BENCH_DUCKDB_PYTHON and BENCH_DUCKDB_EXTENSIONS;
scripts/with-services.sh provides PG* and EXPORTER_TEST_S3_ENDPOINT. The credentials travel in
the environment, never on a command line.
"""
import os

from machine import version

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def command(*arguments):
    """argv of one duckdb_export.py call (`export FORMAT TENANT CODEC TARGET`, `inspect URL`, `idle`)."""
    return [os.environ["BENCH_DUCKDB_PYTHON"], os.path.join(ROOT, "bench/duckdb_export.py"), *arguments]


def env():
    """The environment duckdb_export.py reads: the database as a libpq DSN, moto and its keys."""
    variables = dict(os.environ)
    variables.update({
        "BENCH_PG_DSN": "host={PGHOST} port={PGPORT} user={PGUSER} password={PGPASSWORD} dbname={PGDATABASE}".format(**os.environ),
        "BENCH_S3_ENDPOINT": os.environ["EXPORTER_TEST_S3_ENDPOINT"],
        "BENCH_S3_KEY_ID": "AKIABENCHEXAMPLE",
        "BENCH_S3_SECRET": "benchSecretKeyExample",
    })
    return variables


def describe():
    """The machine-facts line for DuckDB: its version and where its extensions come from."""
    found = version([os.environ["BENCH_DUCKDB_PYTHON"], "-c", "import duckdb; print('DuckDB', duckdb.__version__)"])
    return f"{found} (PyPI, extensions postgres_scanner and httpfs from the duckdb-ext-* wheels, loaded offline)"
