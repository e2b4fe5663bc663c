import ExporterSystem
import Foundation
import Logging
import Testing

/// JSON log lines: exact text, RFC 8259 escaping, metadata merge and nesting, and the shared level.
struct JSONLogHandlerTests {
    func logger(_ capture: LineCapture, level: DynamicLogLevel? = nil, label: String = "exporter.daemon") -> Logger {
        Logger(label: label) { label in
            JSONLogHandler(label: label, level: level, clock: LineCapture.clock, sink: capture.sink)
        }
    }

    @Test func exactLine() {
        let capture = LineCapture()
        let log = logger(capture)
        log.info("pass finished", metadata: ["runs": "3", "connection": "conn_1"], source: "ExporterDaemon")
        #expect(capture.lines == [
            #"{"ts":"2026-11-25T20:00:00.123Z","level":"info","label":"exporter.daemon","msg":"pass finished","#
                + #""source":"ExporterDaemon","connection":"conn_1","runs":"3"}"# + "\n",
        ])
    }

    @Test func sourceDefaultsToTheCallingModule() {
        let capture = LineCapture()
        logger(capture).warning("x")
        #expect(capture.lines == [
            #"{"ts":"2026-11-25T20:00:00.123Z","level":"warning","label":"exporter.daemon","msg":"x","#
                + #""source":"ExporterSystemTests"}"# + "\n",
        ])
    }

    @Test func escaping() {
        let capture = LineCapture()
        let log = logger(capture, label: "a\"b")
        log.error(
            "say \"hi\"\\ \n\r\t\u{08}\u{0C}\u{00}\u{1F}\u{7F} é 😀 </script>",
            metadata: ["k\"ey\n": "v\u{01}"], source: "s")
        #expect(capture.lines == [
            #"{"ts":"2026-11-25T20:00:00.123Z","level":"error","label":"a\"b","#
                + #""msg":"say \"hi\"\\ \n\r\t\b\f\u0000\u001f"# + "\u{7F} é 😀 </script>\","
                + #""source":"s","k\"ey\n":"v\u0001"}"# + "\n",
        ])
    }

    @Test func everyLineIsValidJSON() throws {
        let capture = LineCapture()
        var log = logger(capture)
        log[metadataKey: "nested"] = ["list": ["a", .stringConvertible(1), ["deep": "\u{02}"]], "empty": [:]]
        log.info("\u{00}\u{1F}\"\\", metadata: ["control": "\u{0B}\u{1B}"])
        let line = try #require(capture.lines.first)
        #expect(line.hasSuffix("}\n"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "\u{00}\u{1F}\"\\")
        #expect(object["control"] as? String == "\u{0B}\u{1B}")
    }

    @Test func callMetadataWinsOverHandlerMetadata() {
        let capture = LineCapture()
        var log = logger(capture)
        log[metadataKey: "connection"] = "conn_1"
        log[metadataKey: "entity"] = "invoice"
        log.info("m", metadata: ["entity": "customer", "window": "2026-11-24"], source: "s")
        #expect(capture.lines == [
            #"{"ts":"2026-11-25T20:00:00.123Z","level":"info","label":"exporter.daemon","msg":"m","source":"s","#
                + #""connection":"conn_1","entity":"customer","window":"2026-11-24"}"# + "\n",
        ])
    }

    @Test func metadataProviderSitsBetweenHandlerAndCall() {
        let capture = LineCapture()
        let provider = Logger.MetadataProvider { ["trace": "t1", "entity": "provided"] }
        var log = Logger(label: "l") { label in
            JSONLogHandler(label: label, metadataProvider: provider, clock: LineCapture.clock, sink: capture.sink)
        }
        log[metadataKey: "entity"] = "handler"
        log[metadataKey: "trace"] = "handler"
        log.info("m", metadata: ["trace": "call"], source: "s")
        #expect(capture.lines == [
            #"{"ts":"2026-11-25T20:00:00.123Z","level":"info","label":"l","msg":"m","source":"s","#
                + #""entity":"provided","trace":"call"}"# + "\n",
        ])
    }

    @Test func nestedMetadata() {
        let capture = LineCapture()
        let log = logger(capture)
        log.info("m", metadata: [
            "object": ["z": "1", "a": ["x", ["b": "2"]], "e": [:]],
            "list": [],
            "number": .stringConvertible(42),
        ], source: "s")
        #expect(capture.lines == [
            #"{"ts":"2026-11-25T20:00:00.123Z","level":"info","label":"exporter.daemon","msg":"m","source":"s","#
                + #""list":[],"number":"42","object":{"a":["x",{"b":"2"}],"e":{},"z":"1"}}"# + "\n",
        ])
    }

    @Test func metadataNamedLikeAFixedFieldIsRenamed() {
        let capture = LineCapture()
        let log = logger(capture)
        log.info("m", metadata: ["msg": "other", "level": "x", "_level": "y"], source: "s")
        #expect(capture.lines == [
            #"{"ts":"2026-11-25T20:00:00.123Z","level":"info","label":"exporter.daemon","msg":"m","source":"s","#
                + #""__level":"x","_level":"y","_msg":"other"}"# + "\n",
        ])
    }

    @Test func levelFollowsTheSharedDynamicLevel() {
        let capture = LineCapture()
        let level = DynamicLogLevel(.warning)
        let first = logger(capture, level: level, label: "a")
        let second = logger(capture, level: level, label: "b")

        first.info("dropped")
        second.warning("kept")
        #expect(capture.lines.count == 1)
        #expect(first.logLevel == .warning)

        level.level = .debug // what SIGHUP does after re-reading EXPORTER_LOG_LEVEL
        first.debug("now kept", source: "s")
        second.trace("still dropped")
        #expect(second.logLevel == .debug)
        #expect(capture.lines.count == 2)
        #expect(capture.lines.last == #"{"ts":"2026-11-25T20:00:00.123Z","level":"debug","label":"a","#
            + #""msg":"now kept","source":"s"}"# + "\n")

        level.level = .critical
        first.error("dropped")
        second.error("dropped")
        #expect(capture.lines.count == 2)
    }

    @Test func settingOneLoggersLevelLeavesTheOthersOnTheSharedLevel() {
        let capture = LineCapture()
        let level = DynamicLogLevel(.info)
        var verbose = logger(capture, level: level)
        let other = logger(capture, level: level)
        verbose.logLevel = .trace
        level.level = .error
        #expect(verbose.logLevel == .trace)
        #expect(other.logLevel == .error)
    }

    @Test func withoutASharedLevelTheDefaultIsInfo() {
        let capture = LineCapture()
        var log = logger(capture)
        #expect(log.logLevel == .info)
        log.debug("dropped")
        log.logLevel = .debug
        log.debug("kept")
        #expect(capture.lines.count == 1)
    }

    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }

    @Test func attachedErrorBecomesMetadata() {
        let capture = LineCapture()
        let handler = JSONLogHandler(label: "l", clock: LineCapture.clock, sink: capture.sink)
        handler.log(event: LogEvent(level: .error, message: "failed", error: Boom(), metadata: nil,
                                    source: "s", file: #fileID, function: #function, line: #line))
        #expect(capture.lines == [
            #"{"ts":"2026-11-25T20:00:00.123Z","level":"error","label":"l","msg":"failed","source":"s","#
                + #""error.message":"boom","error.type":"ExporterSystemTests.JSONLogHandlerTests.Boom"}"# + "\n",
        ])
    }

    @Test func timestampsAcrossTheCalendar() {
        let cases: [(Double, String)] = [
            (0, "1970-01-01T00:00:00.000Z"),
            (-0.001, "1969-12-31T23:59:59.999Z"),
            (951_782_400.5, "2000-02-29T00:00:00.500Z"),
            (1_795_636_800.9996, "2026-11-25T20:00:01.000Z"),
            (4_107_542_399.999, "2100-02-28T23:59:59.999Z"),
        ]
        for (seconds, expected) in cases {
            let capture = LineCapture()
            JSONLogHandler(label: "l", clock: { Date(timeIntervalSince1970: seconds) }, sink: capture.sink)
                .log(event: LogEvent(level: .info, message: "m", metadata: nil, source: "s",
                                     file: #fileID, function: #function, line: #line))
            #expect(capture.lines.first?.hasPrefix(#"{"ts":"\#(expected)","#) == true, "\(seconds)")
        }
    }
}
