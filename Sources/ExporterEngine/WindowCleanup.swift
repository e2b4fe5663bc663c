import ExporterSink
import Logging

/// Deletes the objects of one window's stem (DESIGN §5 keys): everything after a failed run, or
/// what an earlier export left that a successful one did not write. This is what makes a window
/// either complete (manifest present, listing exactly its objects) or absent.
///
/// The deletes run in an unstructured task: a run cancelled by a shutdown or an interrupted
/// `sync` must still send them. A delete that fails is logged with its key and never replaces
/// the run's own error.
struct WindowCleanup {
    let sink: any ObjectSink
    /// `ObjectKeyLayout.stem` of the window.
    let stem: String
    let logger: Logger

    /// After a failed run: multipart uploads still open under the stem (one whose
    /// CreateMultipartUpload S3 carried out but whose answer was lost, e.g. to a timeout, is
    /// unknown to the run and would otherwise stay until the window's next run), the manifest
    /// (the window is absent from then on) and the Athena symlink list, if any (it lives outside
    /// the stem), then every data object under the stem, and the keys this run wrote in case
    /// listing fails.
    func removeAll(manifestKey: String, symlinkKey: String?, written: [String], after failure: any Error) async {
        let (sink, stem, logger) = (self.sink, self.stem, self.logger)
        await Task {
            do {
                _ = try await sink.abortIncompleteUploads(prefix: stem)
            } catch {
                logger.error("could not abort the multipart uploads of a failed run's window",
                             metadata: ["prefix": "\(stem)", "error": "\(error)"])
            }
            var keys = [manifestKey] + (symlinkKey.map { [$0] } ?? [])
            do {
                keys += try await sink.list(prefix: stem).filter { Self.isWindowObject($0, stem: stem) }
            } catch {
                logger.error("could not list the objects of a failed run's window; deleting the ones it wrote",
                             metadata: ["prefix": "\(stem)", "error": "\(error)"])
            }
            await Self.delete(keys + written, sink: sink, logger: logger, why: "of a failed run",
                              failure: "\(failure)")
        }.value
    }

    /// After a failed run of a Delta stream, before its commit: only what this run wrote (and its
    /// multipart uploads still open). The window's committed files are the table's, and its
    /// manifest still lists them truly.
    func removeWritten(_ written: [String], uploadsPrefix: String, after failure: any Error) async {
        let (sink, logger) = (self.sink, self.logger)
        await Task {
            do {
                _ = try await sink.abortIncompleteUploads(prefix: uploadsPrefix)
            } catch {
                logger.error("could not abort the multipart uploads of a failed run",
                             metadata: ["prefix": "\(uploadsPrefix)", "error": "\(error)"])
            }
            await Self.delete(written, sink: sink, logger: logger, why: "of a failed run", failure: "\(failure)")
        }.value
    }

    /// After a successful run whose manifest is written: objects under the stem that it did not
    /// write (a stale `_part-NNNN` of an earlier, larger export, the plain key after a rollover,
    /// another format's file).
    func removeStale(keeping current: Set<String>) async {
        let (sink, stem, logger) = (self.sink, self.stem, self.logger)
        await Task {
            let stale: [String]
            do {
                stale = try await sink.list(prefix: stem).filter { Self.isWindowObject($0, stem: stem) && !current.contains($0) }
            } catch {
                logger.error("could not list the window's objects to delete stale ones; the manifest lists the current set",
                             metadata: ["prefix": "\(stem)", "error": "\(error)"])
                return
            }
            if !stale.isEmpty {
                logger.info("deleting objects of an earlier export of the window that this one replaced",
                            metadata: ["objects": "\(stale.count)"])
            }
            await Self.delete(stale, sink: sink, logger: logger, why: "left by an earlier export", failure: nil)
        }.value
    }

    /// Whether `key` is one of the window's own objects: the stem followed by an extension, a part
    /// suffix or the manifest suffix. A stem is never a prefix of another window's stem (both
    /// timestamps have a fixed width), and this check makes that explicit.
    static func isWindowObject(_ key: String, stem: String) -> Bool {
        guard key.hasPrefix(stem) else { return false }
        let rest = key.dropFirst(stem.count)
        return rest.hasPrefix(".") || rest.hasPrefix("_part-") || rest == "_manifest.json"
    }

    private static func delete(_ keys: [String], sink: any ObjectSink, logger: Logger, why: String, failure: String?) async {
        var seen: Set<String> = []
        for key in keys where seen.insert(key).inserted {
            do {
                try await sink.delete(key: key)
            } catch {
                var metadata: Logger.Metadata = ["key": "\(key)", "error": "\(error)"]
                if let failure { metadata["run_error"] = "\(failure)" }
                logger.error("could not delete an object \(why)", metadata: metadata)
            }
        }
    }
}
