import ExporterSystem
import Foundation
import Testing

/// The config file read as systemd's EnvironmentFile= reads it (systemd.exec(5)): exact values,
/// the lines it ignores, the two mistakes it refuses, and one sentence for a file that cannot be read.
struct EnvironmentFileTests {
    func values(_ text: String) throws -> [String: String] {
        try EnvironmentFile.parse(text, path: "/etc/x.env").values
    }

    @Test func plainAssignmentsCommentsAndBlankLines() throws {
        let file = try EnvironmentFile.parse("""
            # a comment
            ; also a comment
              EXPORTER_TICK_SECONDS = 5 \t

            EXPORTER_LOG_LEVEL=debug
            DATABASE_URL=postgres://u:p@h/d?sslmode=disable&x=1
            EXPORTER_GZIP_LEVEL=
            """, path: "/etc/x.env")
        #expect(file.assignments == [
            .init(key: "EXPORTER_TICK_SECONDS", value: "5", line: 3),
            .init(key: "EXPORTER_LOG_LEVEL", value: "debug", line: 5),
            .init(key: "DATABASE_URL", value: "postgres://u:p@h/d?sslmode=disable&x=1", line: 6),
            .init(key: "EXPORTER_GZIP_LEVEL", value: "", line: 7),
        ])
        #expect(file.ignored.isEmpty)
    }

    @Test(arguments: [
        (#"K="debug""#, "debug"),
        ("K='debug'", "debug"),
        (#"K=  " spaced "  "#, " spaced "),
        (#"K='a\nb $x'"#, #"a\nb $x"#),
        (#"K="a\"b\\c\$d\`e\xf""#, #"a"b\c$d`e\xf"#),
        (#"K="a"'b'c"#, "abc"),
        (#"K="a" "b""#, "ab"),
        (#"K=a "b" c"#, #"a "b" c"#),
        (#"K=a\ b\\c"#, #"a b\c"#),
        ("K=debug # not a comment", "debug # not a comment"),
        ("K=x=y=z", "x=y=z"),
        ("K=\"\"", ""),
    ])
    func valuesAreReadAsSystemdReadsThem(_ line: String, _ expected: String) throws {
        #expect(try values(line) == ["K": expected])
    }

    @Test func quotedValuesAndBackslashesContinueOverLines() throws {
        let file = try EnvironmentFile.parse("A=\"one\ntwo\"\nB='x\ny'\nC=first \\\nsecond\nD=\"p\\\nq\"\nE=last", path: "f")
        #expect(file.assignments == [
            .init(key: "A", value: "one\ntwo", line: 1),
            .init(key: "B", value: "x\ny", line: 3),
            .init(key: "C", value: "first second", line: 5),
            .init(key: "D", value: "pq", line: 7),
            .init(key: "E", value: "last", line: 9),
        ])
    }

    @Test func windowsLineEndsEndLines() throws {
        let file = try EnvironmentFile.parse("A=1\r\nB=\"2\"\r\n\r\nC=3\r\n", path: "f")
        #expect(file.assignments == [.init(key: "A", value: "1", line: 1), .init(key: "B", value: "2", line: 2),
                                     .init(key: "C", value: "3", line: 4)])
    }

    @Test func theLastAssignmentWins() throws {
        #expect(try values("K=1\nK=2\n") == ["K": "2"])
    }

    @Test func linesSystemdIgnoresAreListedWithoutTheirValues() throws {
        let file = try EnvironmentFile.parse("""
            EXPORTER_TICK_SECONDS
            EXPORTER-TICK=5
            1KEY=x
            postgres://u:TopSecret@h/d?sslmode=require
            GOOD=1
            """, path: "/etc/x.env")
        #expect(file.assignments == [.init(key: "GOOD", value: "1", line: 5)])
        #expect(file.ignored == [.noEquals(line: 1), .invalidName(line: 2, name: "EXPORTER-TICK"),
                                 .invalidName(line: 3, name: "1KEY"), .invalidName(line: 4, name: nil)])
        #expect(file.warnings == [
            #"/etc/x.env, line 1 has no "=" and is ignored"#,
            "/etc/x.env, line 2: EXPORTER-TICK is not a variable name (letters, digits and _, not starting with a digit); the line is ignored",
            "/etc/x.env, line 3: 1KEY is not a variable name (letters, digits and _, not starting with a digit); the line is ignored",
            #"/etc/x.env, line 4: the text before "=" is not a variable name (letters, digits and _, not starting with a digit); the line is ignored"#,
        ])
        #expect(!file.warnings.joined().contains("TopSecret"))
    }

    @Test func anExportLineIsRefusedNamingTheLine() {
        #expect(throws: EnvironmentFileError.exportPrefix(path: "/etc/x.env", line: 2, key: "EXPORTER_LOG_LEVEL")) {
            try EnvironmentFile.parse("A=1\nexport EXPORTER_LOG_LEVEL=debug\n", path: "/etc/x.env")
        }
        #expect(EnvironmentFileError.exportPrefix(path: "/etc/x.env", line: 2, key: "EXPORTER_LOG_LEVEL").description
            == "/etc/x.env, line 2: `export EXPORTER_LOG_LEVEL=…` is shell syntax, which systemd's EnvironmentFile= ignores; write `EXPORTER_LOG_LEVEL=…`")
    }

    @Test func anUnclosedQuoteIsRefusedNamingItsLine() {
        #expect(throws: EnvironmentFileError.unclosedQuote(path: "/etc/x.env", line: 2, quote: "\"")) {
            try EnvironmentFile.parse("A=1\nEXPORTER_LOG_LEVEL=\"debug\nB=2\n", path: "/etc/x.env")
        }
        #expect(EnvironmentFileError.unclosedQuote(path: "/etc/x.env", line: 2, quote: "'").description
            == "/etc/x.env, line 2: the ' opened here is never closed, so every line after it would be part of the value")
    }

    @Test func bytesThatAreNotUTF8AreRefusedNamingTheLine() {
        let bytes = Array("A=1\nB=2\n".utf8) + [0x43, 0x3D, 0xFF, 0x0A]
        #expect(throws: EnvironmentFileError.notUTF8(path: "/etc/x.env", line: 3)) {
            try EnvironmentFile.parse(bytes, path: "/etc/x.env")
        }
        #expect(EnvironmentFileError.notUTF8(path: "/etc/x.env", line: 3).description
            == "the config file /etc/x.env is not UTF-8 text (line 3); save it as UTF-8")
    }

    @Test func aFileThatCannotBeReadIsOneSentenceNamingThePath() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("env-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.env").path

        let isDirectory = #expect(throws: EnvironmentFileError.self) {
            try EnvironmentFile.load(path: directory.path, namedBy: "--config")
        }
        #expect(isDirectory?.description == "the config file \(directory.path) (--config) is a directory: name the file itself")
        let isMissing = #expect(throws: EnvironmentFileError.self) {
            try EnvironmentFile.load(path: missing, namedBy: "EXPORTER_CONFIG_FILE")
        }
        #expect(isMissing?.description == "the config file \(missing) (EXPORTER_CONFIG_FILE) does not exist")
        #expect(EnvironmentFileError.unreadable(path: "/etc/x.env", namedBy: "--config", errno: EACCES).description
            == "the config file /etc/x.env (--config) cannot be read by this user: permission denied")

        let file = directory.appendingPathComponent("exporter.env")
        try Data("EXPORTER_LOG_LEVEL=\"debug\"\n".utf8).write(to: file)
        let loaded = try EnvironmentFile.load(path: file.path, namedBy: "--config")
        #expect(loaded.values == ["EXPORTER_LOG_LEVEL": "debug"])
        #expect(loaded.path == file.path)
    }
}
