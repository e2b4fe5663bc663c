internal import CLibPQ
import ExporterCore
import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One PostgreSQL session over libpq, used by one task at a time (``DatabasePool`` leases it).
///
/// libpq blocks the calling thread (connecting, waiting for a result, reading COPY data), and a
/// blocked thread of Swift's cooperative pool stalls every task scheduled on it. So every libpq
/// call runs on the connection's own thread (a one-thread `NIOThreadPool`), in submission order,
/// and callers see async functions. Cancelling the task that waits on a statement
/// sends the server a cancel request (`PQcancel`), so a long COPY stops on the server too.
/// libpq: https://www.postgresql.org/docs/15/libpq.html
public final class DatabaseConnection: Sendable {
    private let handle: Handle
    /// The connection's one thread: it also serialises the use of the `PGconn`.
    private let thread: NIOThreadPool
    private let canceller: Canceller
    private let scrubber: SecretScrubber
    /// Set by ``close()``; a connection dropped without it is closed by `deinit`.
    private let isClosed = Mutex(false)

    private init(handle: Handle, thread: NIOThreadPool, canceller: Canceller, scrubber: SecretScrubber) {
        self.handle = handle
        self.thread = thread
        self.canceller = canceller
        self.scrubber = scrubber
    }

    /// Opens a session to `url` (libpq tries its hosts in order).
    /// - Throws: ``DatabaseError`` (`invalidConnectionString`, `loginRefused`, `unavailable`).
    public static func connect(_ url: DatabaseURL, connectTimeoutSeconds: Int? = nil) async throws -> DatabaseConnection {
        let parameters = try ConnectionParameters(url, connectTimeoutSeconds: connectTimeoutSeconds)
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        do {
            let handle = try await thread.runIfActive { () throws(DatabaseError) -> Handle in
                try Handle.open(parameters)
            }
            let canceller = try await thread.runIfActive { Canceller(handle) }
            return DatabaseConnection(handle: handle, thread: thread, canceller: canceller, scrubber: parameters.scrubber)
        } catch {
            try? await thread.shutdownGracefully()
            throw error
        }
    }

    /// Runs `sql` and returns its rows (none for a command), values as text.
    @discardableResult
    public func query(_ sql: SQL) async throws -> [DatabaseRow] {
        try await perform { connection in
            let result = try connection.execute(sql)
            defer { PQclear(result) }
            return try connection.check(result, expecting: [PGRES_TUPLES_OK, PGRES_COMMAND_OK]) { Self.rows(of: result) }
        }
    }

    /// Streams the CopyData messages of `COPY (...) TO STDOUT`, in batches.
    ///
    /// COPY takes no bind parameters, so `sql`'s are inlined as quoted literals (libpq's
    /// `PQescapeLiteral`). Up to `batchMessages` messages are read and handed to `onMessage` on
    /// the connection's thread (each a buffer reused for the next: copy what must outlive the
    /// call); then `afterBatch` runs in the calling task with the batch's count. The next batch
    /// waits for it, and the server waits on TCP: that is the back-pressure.
    /// COPY protocol: https://www.postgresql.org/docs/15/libpq-copy.html
    public func copyOut(
        _ sql: SQL,
        batchMessages: Int,
        onMessage: @escaping @Sendable (ByteBuffer) throws -> Void,
        afterBatch: (Int) async throws -> Void
    ) async throws {
        try await perform { connection in
            let text = try sql.inliningParameters { try connection.quoteLiteral($0) }
            guard let result = PQexec(connection.pointer, text) else { throw connection.connectionError() }
            defer { PQclear(result) }
            try connection.check(result, expecting: [PGRES_COPY_OUT]) { () }
        }
        let size = max(1, batchMessages)
        while true {
            let (count, finished) = try await perform { connection in
                try connection.readCopyData(upTo: size, onMessage)
            }
            try await afterBatch(count)
            if finished { return }
            try Task.checkCancellation()
        }
    }

    /// Quotes `value` as a string literal for this connection (encoding and
    /// standard_conforming_strings aware).
    public func quoteLiteral(_ value: String) async throws -> String {
        try await perform { try $0.quoteLiteral(value) }
    }

    /// Whether the session can serve another lease: open, and outside any transaction or COPY.
    ///
    /// An idle connection learns that the server closed it (a restart, a failover,
    /// `pg_terminate_backend`) only by reading: `PQconsumeInput` reads what has arrived without
    /// blocking (libpq's sockets are non-blocking), so a closed one is found here, not by the
    /// next statement.
    public func isReusable() async -> Bool {
        (try? await thread.runIfActive { [handle] in
            PQconsumeInput(handle.pointer) == 1 && PQstatus(handle.pointer) == CONNECTION_OK
                && PQtransactionStatus(handle.pointer) == PQTRANS_IDLE
        }) ?? false
    }

    /// Ends the session. A statement still running on the server (a COPY abandoned half-way
    /// between two batches, or one whose call is still blocked) is cancelled first, so it does
    /// not run on after the client has gone.
    public func close() async {
        guard !isClosed.withLock({ closed in defer { closed = true }; return closed }) else { return }
        canceller.cancelIfBusy()
        // `submit`, not `runIfActive`: the close must run even when the calling task was
        // cancelled (a stopping exporter closes its connections from cancelled tasks).
        let (handle, canceller) = (handle, canceller)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            thread.submit { _ in
                Self.finish(handle, canceller)
                done.resume()
            }
        }
        try? await thread.shutdownGracefully()
    }

    deinit {
        guard !isClosed.withLock({ $0 }) else { return }
        let handle = handle, canceller = canceller
        thread.submit { _ in Self.finish(handle, canceller) }
        thread.shutdownGracefully { _ in }
    }

    /// On the connection's thread: cancel what the server still runs for us, then disconnect.
    private static func finish(_ handle: Handle, _ canceller: Canceller) {
        if PQtransactionStatus(handle.pointer) == PQTRANS_ACTIVE { canceller.sendNow() }
        canceller.free()
        PQfinish(handle.pointer)
    }

    /// Runs `body` on the connection's thread, cancelling the server's statement when the
    /// calling task is cancelled.
    private func perform<T: Sendable>(_ body: @escaping @Sendable (Handle) throws -> T) async throws -> T {
        try Task.checkCancellation()
        canceller.reset()
        do {
            return try await withTaskCancellationHandler {
                try await thread.runIfActive { [handle, canceller, scrubber] in
                    try canceller.whileBusy {
                        do {
                            return try body(handle)
                        } catch let error as DatabaseError {
                            throw DatabaseError(kind: error.kind, sqlState: error.sqlState, message: scrubber.scrub(error.message))
                        }
                    }
                }
            } onCancel: {
                canceller.cancel()
            }
        } catch let error as DatabaseError where canceller.wasCancelled && (error.isQueryCanceled || error.kind == .cancelled) {
            throw CancellationError()
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw DatabaseError(kind: .connectionClosed, message: "the connection is closed")
        }
    }

    private static func rows(of result: OpaquePointer) -> [DatabaseRow] {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        guard rowCount > 0 else { return [] }
        let names = (0..<columnCount).map { PQfname(result, $0).map { String(cString: $0) } ?? "?column?" }
        return (0..<rowCount).map { row in
            DatabaseRow(columnNames: names, values: (0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
    }
}

extension DatabaseConnection {
    /// The `PGconn *`, touched only on the connection's thread.
    final class Handle: @unchecked Sendable {
        let pointer: OpaquePointer

        private init(_ pointer: OpaquePointer) {
            self.pointer = pointer
        }

        /// `PQconnectdbParams`, then the session settings the text decoding relies on.
        static func open(_ parameters: ConnectionParameters) throws(DatabaseError) -> Handle {
            let connection = parameters.keywords.withCStringArray { keywords in
                parameters.values.withCStringArray { values in PQconnectdbParams(keywords, values, 1) }
            }
            guard let connection else { throw DatabaseError(kind: .unavailable, message: "libpq could not allocate a connection") }
            guard PQstatus(connection) == CONNECTION_OK else {
                let message = parameters.scrubber.scrub(String(cString: PQerrorMessage(connection)))
                let needsPassword = PQconnectionNeedsPassword(connection) == 1
                PQfinish(connection)
                throw Self.connectFailure(message, needsPassword: needsPassword)
            }
            // NOTICEs (`relation already exists, skipping`) would go to stderr: the exporter logs its own.
            PQsetNoticeProcessor(connection, { _, _ in }, nil)
            let handle = Handle(connection)
            // ISO DateStyle and UTC: the text form DatabaseRow parses timestamps from.
            let result = PQexec(connection, "SET DateStyle TO 'ISO, YMD'; SET TimeZone TO 'UTC'")
            defer { PQclear(result) }
            do {
                try handle.check(result, expecting: [PGRES_COMMAND_OK]) {}
            } catch {
                PQfinish(connection)
                throw error
            }
            return handle
        }

        /// Classifies a failed connection attempt from libpq's message (it has no SQLSTATE for
        /// these). A server that answered `FATAL` refused the session (wrong password, unknown
        /// role or database, pg_hba.conf), unless it only said it cannot take one now.
        static func connectFailure(_ message: String, needsPassword: Bool) -> DatabaseError {
            let transient = ["starting up", "shutting down", "in recovery mode", "too many clients",
                             "remaining connection slots", "not yet accepting connections"]
            if message.contains("invalid connection option") || message.contains("for connection option")
                || message.contains("invalid URI") || message.contains("invalid sslmode") {
                return DatabaseError(kind: .invalidConnectionString, message: "DATABASE_URL cannot be used: \(message)")
            }
            if needsPassword {
                return DatabaseError(kind: .loginRefused, message: "the server asks for a password and neither DATABASE_URL, "
                                     + "PGPASSWORD nor a passfile gives one: \(message)")
            }
            if message.contains("FATAL"), !transient.contains(where: message.contains) {
                return DatabaseError(kind: .loginRefused, message: message)
            }
            return DatabaseError(kind: .unavailable, message: message)
        }

        func execute(_ sql: SQL) throws(DatabaseError) -> OpaquePointer {
            let binds = sql.binds
            let result = binds.values.withOptionalCStringArray { values in
                binds.types.withUnsafeBufferPointer { types in
                    PQexecParams(pointer, sql.text, Int32(binds.count), types.baseAddress, values, nil, nil, 0)
                }
            }
            guard let result else { throw connectionError() }
            return result
        }

        /// Throws the result's error unless its status is one of `expected`; then returns `body()`.
        func check<T>(_ result: OpaquePointer?, expecting expected: [ExecStatusType],
                      _ body: () -> T) throws(DatabaseError) -> T {
            guard let result else { throw connectionError() }
            let status = PQresultStatus(result)
            if expected.contains(status) { return body() }
            if status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR {
                func field(_ code: Character) -> String? {
                    PQresultErrorField(result, Int32(code.asciiValue ?? 0)).map { String(cString: $0) }
                }
                let primary = field("M") ?? String(cString: PQresultErrorMessage(result))
                let detail = field("D").map { ": \($0)" } ?? ""
                let lost = PQstatus(pointer) == CONNECTION_BAD
                throw DatabaseError(kind: lost ? .connectionLost : .server, sqlState: field("C"), message: primary + detail)
            }
            throw DatabaseError(kind: .unexpectedResult, message: "the server answered \(String(cString: PQresStatus(status))), "
                                + "expected \(expected.map { String(cString: PQresStatus($0)) }.joined(separator: " or "))")
        }

        /// The connection's own error (no result at all): usually a lost connection.
        func connectionError() -> DatabaseError {
            let message = String(cString: PQerrorMessage(pointer))
            let lost = PQstatus(pointer) == CONNECTION_BAD
            return DatabaseError(kind: lost ? .connectionLost : .unexpectedResult,
                                 message: message.isEmpty ? "the database connection failed" : message)
        }

        func quoteLiteral(_ value: String) throws(DatabaseError) -> String {
            let quoted = value.withCString { PQescapeLiteral(pointer, $0, strlen($0)) }
            guard let quoted else { throw connectionError() }
            defer { PQfreemem(quoted) }
            return String(cString: quoted)
        }

        /// Up to `limit` CopyData messages (blocking reads). `finished` once the COPY has ended
        /// and its final result has been checked.
        func readCopyData(upTo limit: Int,
                          _ onMessage: (ByteBuffer) throws -> Void) throws -> (count: Int, finished: Bool) {
            var buffer = ByteBuffer()
            var count = 0
            while count < limit {
                var data: UnsafeMutablePointer<CChar>?
                let length = PQgetCopyData(pointer, &data, 0)
                if length > 0, let data {
                    buffer.clear()
                    buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: Int(length)))
                    PQfreemem(data)
                    try onMessage(buffer)
                    count += 1
                } else if length == -1 {
                    // The COPY ended: its command result says whether it succeeded.
                    var failure: DatabaseError?
                    while let result = PQgetResult(pointer) {
                        do {
                            try check(result, expecting: [PGRES_COMMAND_OK]) {}
                        } catch {
                            failure = failure ?? error
                        }
                        PQclear(result)
                    }
                    if let failure { throw failure }
                    return (count, true)
                } else {
                    throw connectionError()
                }
            }
            return (count, false)
        }
    }

    /// Sends the server a cancel request for the connection's running statement. `PQcancel` is
    /// safe from any thread, given its own `PGcancel` (https://www.postgresql.org/docs/15/libpq-cancel.html).
    final class Canceller: @unchecked Sendable {
        private struct State {
            var cancel: OpaquePointer?
            var busy = false
            var requested = false
        }

        private let state: Mutex<State>

        init(_ handle: Handle) {
            state = Mutex(State(cancel: PQgetCancel(handle.pointer)))
        }

        var wasCancelled: Bool { state.withLock { $0.requested } }

        func reset() {
            state.withLock { $0.requested = false }
        }

        /// Marks the connection busy while `body` runs; a cancel that came first stops it before it starts.
        func whileBusy<T>(_ body: () throws -> T) throws -> T {
            let requested = state.withLock { state -> Bool in
                state.busy = !state.requested
                return state.requested
            }
            if requested { throw DatabaseError(kind: .cancelled, message: "the statement was cancelled") }
            defer { state.withLock { $0.busy = false } }
            return try body()
        }

        /// Asks the server to cancel the running statement (if any).
        func cancel() {
            state.withLock { state in
                state.requested = true
                if state.busy { Self.send(state.cancel) }
            }
        }

        /// Cancels a statement whose call is still blocked, before the close.
        func cancelIfBusy() {
            state.withLock { state in
                if state.busy { Self.send(state.cancel) }
            }
        }

        /// Sends a cancel request now (a COPY left half-read between two calls).
        func sendNow() {
            state.withLock { Self.send($0.cancel) }
        }

        func free() {
            state.withLock { state in
                if let cancel = state.cancel { PQfreeCancel(cancel) }
                state.cancel = nil
            }
        }

        private static func send(_ cancel: OpaquePointer?) {
            guard let cancel else { return }
            var errorBuffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &errorBuffer, Int32(errorBuffer.count))
        }
    }
}

extension Array where Element == String {
    /// Runs `body` with a NULL-terminated array of C strings that live for the call.
    fileprivate func withCStringArray<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

extension Array where Element == String? {
    /// The same for nullable values (a nil element is SQL NULL); not NULL-terminated.
    fileprivate func withOptionalCStringArray<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let copies = map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
