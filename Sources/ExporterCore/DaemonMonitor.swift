/// What the daemon tells whoever judges its health (`/healthz`), beside what runs tell a
/// ``RunObserver``: the tick it keeps, and whether the database answered its last round trip.
///
/// The daemon already talks to the database on every heartbeat; reporting those results costs
/// nothing, where a probe per health check would open connections at the prober's rate. Like
/// `RunObserver.observe`, these calls must return at once.
public protocol DaemonMonitor: Sendable {
    /// The tick in force, at start and after each reload: passes are due this often.
    func configured(tickSeconds: Int)
    /// A database round trip (the start-up probe, a heartbeat) succeeded (`failure` nil) or
    /// failed with the reason, which names no secret.
    func databaseChecked(failure: String?)
}
