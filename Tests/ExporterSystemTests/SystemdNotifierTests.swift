import ExporterSystem
import Glibc
import Testing

/// The sd_notify protocol against a real AF_UNIX datagram socket: the exact datagrams systemd
/// would read (https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html).
struct SystemdNotifierTests {
    @Test func noNotifierOutsideSystemd() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "120000000"]) == nil)
    }

    @Test func sendsEachStateAsItsOwnDatagram() throws {
        let receiver = try DatagramReceiver(abstract: false)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket]))

        try notifier.send(.ready)
        #expect(receiver.receive() == "READY=1")
        try notifier.send(.status("exporting invoice for conn_1"))
        #expect(receiver.receive() == "STATUS=exporting invoice for conn_1")
        try notifier.send(.watchdog)
        #expect(receiver.receive() == "WATCHDOG=1")
        try notifier.send(.stopping)
        #expect(receiver.receive() == "STOPPING=1")
        try notifier.send(.reloading(monotonicMicroseconds: 123_456_789))
        #expect(receiver.receive() == "RELOADING=1\nMONOTONIC_USEC=123456789")
        try notifier.send(.mainPID(4242))
        #expect(receiver.receive() == "MAINPID=4242")
        #expect(receiver.receive() == nil)
    }

    @Test func sendsSeveralStatesInOneDatagram() throws {
        let receiver = try DatagramReceiver(abstract: false)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket]))

        try notifier.send(.ready, .status("idle; next pass in 60 s"))
        #expect(receiver.receive() == "READY=1\nSTATUS=idle; next pass in 60 s")
        try notifier.send([.reloading(monotonicMicroseconds: 0), .status("reloading")])
        #expect(receiver.receive() == "RELOADING=1\nMONOTONIC_USEC=0\nSTATUS=reloading")
        #expect(receiver.receive() == nil)
    }

    @Test func statusIsKeptOnOneLine() throws {
        let receiver = try DatagramReceiver(abstract: false)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket]))

        try notifier.send(.status("run failed:\nAccessDenied\r\nretrying\u{0}now"), .watchdog)
        #expect(receiver.receive() == "STATUS=run failed: AccessDenied  retrying now\nWATCHDOG=1")

        try notifier.send(.status(String(repeating: "é", count: 600)))
        #expect(receiver.receive() == "STATUS=" + String(repeating: "é", count: 512))
    }

    @Test func reloadingNowCarriesTheMonotonicClock() throws {
        let receiver = try DatagramReceiver(abstract: false)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket]))

        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let before = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        try notifier.send(.reloadingNow)
        let after = SystemdNotifier.monotonicMicroseconds()

        let datagram = try #require(receiver.receive())
        let prefix = "RELOADING=1\nMONOTONIC_USEC="
        #expect(datagram.hasPrefix(prefix))
        let usec = try #require(UInt64(datagram.dropFirst(prefix.count)))
        #expect(before <= usec && usec <= after)
    }

    @Test func abstractNamespaceSocket() throws {
        let receiver = try DatagramReceiver(abstract: true)
        #expect(receiver.notifySocket.hasPrefix("@"))
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket]))

        try notifier.send(.ready, .status("up"))
        #expect(receiver.receive() == "READY=1\nSTATUS=up")
    }

    @Test func failuresAreTypedErrors() throws {
        let missing = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify.sock"]))
        #expect(throws: NotifyError.sendFailed(path: "/nonexistent/notify.sock", errno: ENOENT)) {
            try missing.send(.ready)
        }
        #expect(throws: NotifyError.emptyMessage) { try missing.send([]) }

        let vsock = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "vsock:2:1234"]))
        #expect(throws: NotifyError.unsupportedAddress("vsock:2:1234")) { try vsock.send(.ready) }

        let long = "/" + String(repeating: "x", count: 108)
        let tooLong = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": long]))
        #expect(throws: NotifyError.socketPathTooLong(path: long, limit: 108)) { try tooLong.send(.ready) }

        let error = NotifyError.sendFailed(path: "/run/systemd/notify", errno: ECONNREFUSED)
        #expect(error.description == "cannot send to NOTIFY_SOCKET=/run/systemd/notify: Connection refused "
            + "(errno 111); is the service manager still listening?")
    }

    @Test func watchdogIntervalAndPingInterval() throws {
        let pid = String(getpid())
        let own = try #require(SystemdNotifier(environment: [
            "NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "120000000", "WATCHDOG_PID": pid,
        ]))
        #expect(own.watchdogInterval == .seconds(120))
        #expect(own.watchdogPingInterval == .seconds(60))

        let noPID = try #require(SystemdNotifier(environment: [
            "NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "120000000",
        ]))
        #expect(noPID.watchdogPingInterval == .seconds(60))

        let other = try #require(SystemdNotifier(environment: [
            "NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "120000000", "WATCHDOG_PID": String(getpid() + 1),
        ]))
        #expect(other.watchdogInterval == nil)
        #expect(other.watchdogPingInterval == nil)

        for bad in ["", "0", "-5", "2m", "18446744073709551615"] {
            let notifier = try #require(SystemdNotifier(environment: [
                "NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": bad,
            ]))
            #expect(notifier.watchdogInterval == nil, "WATCHDOG_USEC=\(bad)")
        }
        let unset = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/systemd/notify"]))
        #expect(unset.watchdogInterval == nil)
    }
}
