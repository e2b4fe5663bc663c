import Dispatch

/// The Dispatch timer that asks for a scheduler pass every tick (DESIGN §4).
///
/// It only signals (`onTick`); the pass itself runs in the daemon's task, one at a time, so a
/// slow pass delays the next tick instead of overlapping it. Dispatch sources are thread-safe,
/// which is what makes the `@unchecked Sendable` sound.
public final class PassTimer: @unchecked Sendable {
    private let timer: any DispatchSourceTimer

    public init(tickSeconds: Int, queue: DispatchQueue = DispatchQueue(label: "flexprice-exporter.pass-timer"),
                onTick: @escaping @Sendable () -> Void) {
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler(handler: onTick)
        reschedule(tickSeconds: tickSeconds)
    }

    /// Changes the tick (after a configuration reload); the next tick is one interval from now.
    public func reschedule(tickSeconds: Int) {
        let interval = DispatchTimeInterval.seconds(max(1, tickSeconds))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
    }

    public func start() { timer.resume() }

    public func stop() { timer.cancel() }
}
