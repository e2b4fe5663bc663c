import Foundation

/// Finds and runs the Python that has the independent Parquet readers installed
/// (scripts/install-parquet-readers.sh): pyarrow, DuckDB and fastparquet, so no test checks our
/// Parquet files with our own reader.
///
/// Shared by the writer's unit tests and the integration tests (one copy, in TestSupport).
public enum ReaderPython {
    /// `PARQUET_READERS_PYTHON`, else the venv the install script creates.
    public static var path: String? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["PARQUET_READERS_PYTHON"], !explicit.isEmpty {
            return FileManager.default.isExecutableFile(atPath: explicit) ? explicit : nil
        }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.cache")
        let venv = cache + "/flexprice-exporter/parquet-venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// Under CI the readers must be there: the test runs (and fails) instead of being skipped.
    public static var isCI: Bool {
        let value = (ProcessInfo.processInfo.environment["CI"] ?? "").lowercased()
        return !value.isEmpty && value != "false" && value != "0"
    }

    /// Whether a suite needing the readers runs: with the venv, or under CI (where a missing
    /// venv is installed, and a failed install fails the test instead of skipping it).
    public static var shouldRun: Bool { path != nil || isCI }

    /// Python for both reader scripts: pyarrow's metadata of one column chunk as a dict (codec,
    /// encodings, dictionary page, null count), for each script to add the bounds it checks, and
    /// the walk over a file's row groups and their chunks that both scripts make.
    public static let pyarrowChunkEntry = #"""
    def pyarrow_chunk_entry(cc):
        st = cc.statistics
        entry = {"path": cc.path_in_schema, "physical_type": cc.physical_type, "num_values": cc.num_values,
                 "compression": cc.compression, "encodings": list(cc.encodings),
                 "has_dictionary_page": cc.has_dictionary_page}
        if st is not None:
            entry["null_count"] = st.null_count if st.has_null_count else None
            entry["has_min_max"] = st.has_min_max
        return entry, st

    def pyarrow_chunks(md):
        """Each row group of `md` with its column chunks as (chunk, entry, statistics)."""
        for g in range(md.num_row_groups):
            rg = md.row_group(g)
            yield rg, [(rg.column(c),) + pyarrow_chunk_entry(rg.column(c)) for c in range(rg.num_columns)]
    """#

    /// Python for both reader scripts: DuckDB's view of a file as (column names, DuckDB types,
    /// rows), timestamps as epoch microseconds so no time zone conversion comes between.
    public static let duckDBScan = #"""
    def duckdb_scan(path):
        import duckdb
        con = duckdb.connect()
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
        names = [row[0] for row in described]
        types = {row[0]: row[1] for row in described}
        selects = []
        for name in names:
            quoted = '"' + name.replace('"', '""') + '"'
            selects.append("epoch_us(" + quoted + ")" if types[name].startswith("TIMESTAMP") else quoted)
        rows = con.execute("SELECT " + ", ".join(selects) + " FROM read_parquet(?)", [path]).fetchall()
        return names, types, rows
    """#

    public enum Failure: Error, CustomStringConvertible {
        case missing
        case failed(status: Int32, stderr: String)
        case notJSON(String)

        public var description: String {
            switch self {
            case .missing:
                "no Python with pyarrow/duckdb/fastparquet: run scripts/install-parquet-readers.sh "
                    + "or set PARQUET_READERS_PYTHON"
            case .failed(let status, let stderr): "reader script exited \(status): \(stderr)"
            case .notJSON(let text): "reader script printed no JSON: \(text.prefix(500))"
            }
        }
    }

    /// Under CI a missing venv is installed by scripts/install-parquet-readers.sh (from PyPI), so
    /// a fresh CI machine runs the readers rather than skipping them.
    public static func installIfCI() throws {
        guard path == nil, isCI else { return }
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/install-parquet-readers.sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure.failed(status: process.terminationStatus, stderr: "scripts/install-parquet-readers.sh failed")
        }
    }

    /// Writes `script` into `directory` as `name`, runs it with `arguments`, and returns the
    /// JSON object it printed. Its stderr goes to a file (a full pipe would hang the reader).
    public static func run(script: String, named name: String, arguments: [String], in directory: URL) throws -> [String: Any] {
        try installIfCI()
        guard let python = path else { throw Failure.missing }
        let scriptFile = directory.appendingPathComponent(name)
        try Data(script.utf8).write(to: scriptFile)
        let errors = directory.appendingPathComponent(name + ".stderr.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptFile.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw Failure.failed(status: process.terminationStatus, stderr: stderr)
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure.notJSON(String(decoding: data, as: UTF8.self))
        }
        return json
    }
}
