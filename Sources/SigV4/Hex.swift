/// Lowercase hex, the form SigV4 uses for hashes and signatures.
///
/// SigV4 wants lowercase hex everywhere (payload hash, canonical-request hash, signature),
/// unlike the uppercase hex of percent-encoding; keeping the two apart avoids mixing them up.
/// Public so the S3 sink records object digests (`export_runs.sha256`) in the same form.
public enum Hex {
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
