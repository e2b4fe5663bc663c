/// Who watches runs as they happen: the metrics, `sync`'s progress line, the daemon's progress
/// log. The engine knows them only through this seam, so each is tested on its own and the
/// engine does not change when one is added.
///
/// `observe` is called from the engine's tasks, several runs at once, and must return quickly:
/// it may update figures or write a line, never wait for I/O.
public protocol RunObserver: Sendable {
    func observe(_ event: RunEvent)
}

/// Several observers as one, each told every event in order.
public struct RunObservers: RunObserver {
    public let observers: [any RunObserver]

    public init(_ observers: [any RunObserver]) {
        self.observers = observers
    }

    public func observe(_ event: RunEvent) {
        for observer in observers { observer.observe(event) }
    }
}
