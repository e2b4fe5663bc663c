import ExporterCore

/// Rewrites JSON text as Go's `encoding/json.Marshal` writes the value `json.Unmarshal` parsed
/// from it (https://pkg.go.dev/encoding/json#Marshal), for ``FlexpriceCSVRowEncoder``: FlexPrice
/// reads its JSON columns into Go maps and marshals them again, so a drop-in export must spell
/// them the same way.
///
/// What Go does, step by step, and where it happens here:
/// - `Unmarshal` checks the whole text first (its scanner: RFC 8259 grammar, whitespace around the
///   value, at most 10000 levels of nesting): ``validate(_:)``. Raw bytes that are not UTF-8 pass
///   the scanner.
/// - Strings are unquoted: escapes resolved, a lone or mismatched UTF-16 surrogate and every byte
///   that is not part of valid UTF-8 become U+FFFD: ``ScalarReader``.
/// - A map keeps the last of duplicate keys; `Marshal` writes map keys sorted by their bytes,
///   which for valid UTF-8 is the order of their code points; arrays keep their order.
/// - `Marshal` writes compact text and escapes strings with HTML escaping on (the default):
///   `"` and `\` with a backslash; `\n` `\r` `\t` `\b` `\f` by name (`\b` and `\f` since Go 1.22,
///   https://go.dev/doc/go1.22#encoding/json; FlexPrice builds with Go 1.25); other control
///   characters and `<` `>` `&` as `\u00XX` (lowercase hex); U+2028 and U+2029 as `\u2028`
///   `\u2029`; everything else as UTF-8: ``writeScalar(_:quoted:into:)``.
///
/// Deliberate difference: Go decodes numbers into float64 and writes them back (`1.50` becomes
/// `1.5`, `1e2` becomes `100`, integers above 2^53 lose digits, a number beyond float64 fails the
/// whole value); here numbers keep the text they had, so no amount changes on the way.
///
/// Memory and time: the value is held as positions into its own text (each container's end, each
/// object's members, sorted) in scratch space sized by ``Shape``, on the stack when small; three
/// linear passes (validate, find container ends, write) plus the sorts. No recursion, so nesting
/// as deep as Go accepts neither exhausts a thread's stack nor reads the text once per level.
enum GoJSONRewriter {
    /// Go's scanner refuses deeper nesting (`maxNestingDepth`, encoding/json/scanner.go).
    static let maxDepth = 10_000

    /// The top-level value's JSON type.
    enum Kind { case object, array, string, number, bool, null }

    /// What ``validate(_:)`` learnt about a valid text.
    struct Shape {
        var kind: Kind
        /// Object members in the whole text (scratch space for sorting them).
        var members = 0
        /// Deepest nesting of objects and arrays.
        var depth = 0
        /// Objects and arrays in the whole text.
        var containers = 0
        /// The marshalled form contains `"` or `,`, so a CSV field holding it is quoted: any
        /// string (a key or a value) brings `"`, any array of two or more elements brings `,`.
        /// Nothing else can: the form has no whitespace, and every other `,` separates members.
        var needsCSVQuotes = false
    }

    // MARK: Unmarshal's validity check

    /// The text's shape when Go's `json.Unmarshal` accepts it as JSON, else nil.
    static func validate(_ json: UnsafeRawBufferPointer) -> Shape? {
        let bitsNeeded = (maxDepth + 63) / 64
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: bitsNeeded) { bits in
            validate(json, objectBits: bits)
        }
    }

    private enum Expect { case value, key, afterValue }

    /// An iterative scanner: `objectBits` is a stack of one bit per open container (1: object).
    private static func validate(_ json: UnsafeRawBufferPointer, objectBits bits: UnsafeMutableBufferPointer<UInt64>) -> Shape? {
        let n = json.count
        var i = skipWhitespace(json, 0)
        guard i < n else { return nil }
        var shape: Shape
        switch json[i] {
        case UInt8(ascii: "{"): shape = Shape(kind: .object)
        case UInt8(ascii: "["): shape = Shape(kind: .array)
        case UInt8(ascii: "\""): shape = Shape(kind: .string)
        case UInt8(ascii: "t"), UInt8(ascii: "f"): shape = Shape(kind: .bool)
        case UInt8(ascii: "n"): shape = Shape(kind: .null)
        default: shape = Shape(kind: .number)
        }
        var depth = 0
        func inObject() -> Bool { bits[(depth - 1) >> 6] & (1 << UInt64((depth - 1) & 63)) != 0 }
        func push(object: Bool) -> Bool {
            guard depth < maxDepth else { return false }
            let word = depth >> 6, bit = UInt64(1) << UInt64(depth & 63)
            if object { bits[word] |= bit } else { bits[word] &= ~bit }
            depth += 1
            shape.depth = max(shape.depth, depth)
            shape.containers += 1
            return true
        }
        var expect = Expect.value
        while true {
            switch expect {
            case .value:
                guard i < n else { return nil }
                switch json[i] {
                case UInt8(ascii: "{"):
                    guard push(object: true) else { return nil }
                    i = skipWhitespace(json, i + 1)
                    if i < n, json[i] == UInt8(ascii: "}") {
                        i += 1
                        depth -= 1
                        expect = .afterValue
                    } else {
                        expect = .key
                    }
                case UInt8(ascii: "["):
                    guard push(object: false) else { return nil }
                    i = skipWhitespace(json, i + 1)
                    if i < n, json[i] == UInt8(ascii: "]") {
                        i += 1
                        depth -= 1
                        expect = .afterValue
                    }
                case UInt8(ascii: "\""):
                    guard let end = scanString(json, i) else { return nil }
                    shape.needsCSVQuotes = true
                    i = end
                    expect = .afterValue
                case UInt8(ascii: "t"):
                    guard matches(json, i, "true") else { return nil }
                    i += 4
                    expect = .afterValue
                case UInt8(ascii: "f"):
                    guard matches(json, i, "false") else { return nil }
                    i += 5
                    expect = .afterValue
                case UInt8(ascii: "n"):
                    guard matches(json, i, "null") else { return nil }
                    i += 4
                    expect = .afterValue
                default:
                    guard let end = scanNumber(json, i) else { return nil }
                    i = end
                    expect = .afterValue
                }
            case .key:
                guard i < n, json[i] == UInt8(ascii: "\""), let end = scanString(json, i) else { return nil }
                shape.needsCSVQuotes = true
                shape.members += 1
                i = skipWhitespace(json, end)
                guard i < n, json[i] == UInt8(ascii: ":") else { return nil }
                i = skipWhitespace(json, i + 1)
                expect = .value
            case .afterValue:
                i = skipWhitespace(json, i)
                if depth == 0 { return i == n ? shape : nil }
                guard i < n else { return nil }
                let object = inObject()
                switch json[i] {
                case UInt8(ascii: ","):
                    if !object { shape.needsCSVQuotes = true }
                    i = skipWhitespace(json, i + 1)
                    expect = object ? .key : .value
                case UInt8(ascii: "}") where object, UInt8(ascii: "]") where !object:
                    i += 1
                    depth -= 1
                default:
                    return nil
                }
            }
        }
    }

    /// JSON's insignificant whitespace (RFC 8259 §2), as Go's scanner skips it.
    static func skipWhitespace(_ json: UnsafeRawBufferPointer, _ start: Int) -> Int {
        var i = start
        while i < json.count {
            switch json[i] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): i += 1
            default: return i
            }
        }
        return i
    }

    private static func matches(_ json: UnsafeRawBufferPointer, _ i: Int, _ word: StaticString) -> Bool {
        guard i + word.utf8CodeUnitCount <= json.count else { return false }
        let bytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for k in 0..<bytes.count where json[i + k] != bytes[k] { return false }
        return true
    }

    /// The position after the string that opens at `start` (a `"`), or nil when it is not a
    /// JSON string: unterminated, a raw control character, an unknown escape, `\u` without four
    /// hex digits. Bytes from 0x80 up are not checked (Go's scanner does not either).
    private static func scanString(_ json: UnsafeRawBufferPointer, _ start: Int) -> Int? {
        var i = start + 1
        while i < json.count {
            let c = json[i]
            if c == UInt8(ascii: "\"") { return i + 1 }
            if c < 0x20 { return nil }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < json.count else { return nil }
                switch json[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard hex4(json, i + 2, end: json.count) != nil else { return nil }
                    i += 6
                default:
                    return nil
                }
            } else {
                i += 1
            }
        }
        return nil
    }

    /// The position after the number at `start`: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private static func scanNumber(_ json: UnsafeRawBufferPointer, _ start: Int) -> Int? {
        let n = json.count
        var i = start
        func isDigit(_ k: Int) -> Bool { k < n && json[k] >= UInt8(ascii: "0") && json[k] <= UInt8(ascii: "9") }
        if i < n, json[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { return nil }
        if json[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while isDigit(i) { i += 1 }
        }
        if i < n, json[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
        }
        if i < n, json[i] == UInt8(ascii: "e") || json[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, json[i] == UInt8(ascii: "+") || json[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
        }
        return i
    }

    /// Four hex digits at `i` (before `end`) as a number.
    static func hex4(_ json: UnsafeRawBufferPointer, _ i: Int, end: Int) -> UInt32? {
        guard i + 4 <= end else { return nil }
        var value: UInt32 = 0
        for k in i..<(i + 4) {
            let c = json[k]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: Unmarshal's string unquoting

    static let replacement: UInt32 = 0xFFFD

    /// The escape at `i` (a `\` inside a valid string ending before `end`): its scalar and length.
    /// A surrogate pair escaped as two `\u` is one scalar; any other surrogate is U+FFFD and
    /// consumes its own six bytes (Go's `unquoteBytes`).
    static func decodeEscape(_ json: UnsafeRawBufferPointer, _ i: Int, end: Int) -> (scalar: UInt32, length: Int) {
        guard i + 1 < end else { return (replacement, end - i) }
        switch json[i + 1] {
        case UInt8(ascii: "b"): return (0x08, 2)
        case UInt8(ascii: "f"): return (0x0C, 2)
        case UInt8(ascii: "n"): return (0x0A, 2)
        case UInt8(ascii: "r"): return (0x0D, 2)
        case UInt8(ascii: "t"): return (0x09, 2)
        case UInt8(ascii: "u"):
            guard let unit = hex4(json, i + 2, end: end) else { return (replacement, 2) }
            guard (0xD800...0xDFFF).contains(unit) else { return (unit, 6) }
            if unit < 0xDC00, i + 12 <= end, json[i + 6] == UInt8(ascii: "\\"), json[i + 7] == UInt8(ascii: "u"),
               let low = hex4(json, i + 8, end: end), (0xDC00...0xDFFF).contains(low) {
                return (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12)
            }
            return (replacement, 6)
        default:
            // `"`, `\`, `/`: the character itself.
            return (UInt32(json[i + 1]), 2)
        }
    }

    /// The UTF-8 sequence at `i` (a byte from 0x80 up): its scalar and length, or U+FFFD and
    /// length 1 when it is not valid UTF-8 (overlong, a surrogate, beyond U+10FFFF, cut short),
    /// as Go's `utf8.DecodeRune` decides.
    static func decodeUTF8(_ json: UnsafeRawBufferPointer, _ i: Int, end: Int) -> (scalar: UInt32, length: Int) {
        let b0 = json[i]
        func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> UInt32? {
            guard i + k < end, json[i + k] >= low, json[i + k] <= high else { return nil }
            return UInt32(json[i + k] & 0x3F)
        }
        switch b0 {
        case 0xC2...0xDF:
            if let c1 = continuation(1) { return (UInt32(b0 & 0x1F) << 6 | c1, 2) }
        case 0xE0...0xEF:
            let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF
            if let c1 = continuation(1, low, high), let c2 = continuation(2) {
                return (UInt32(b0 & 0x0F) << 12 | c1 << 6 | c2, 3)
            }
        case 0xF0...0xF4:
            let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
            if let c1 = continuation(1, low, high), let c2 = continuation(2), let c3 = continuation(3) {
                return (UInt32(b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3, 4)
            }
        default:
            break
        }
        return (replacement, 1)
    }

    /// The scalars of a string's content (between its quotes) as Go unquotes it.
    struct ScalarReader {
        let json: UnsafeRawBufferPointer
        var index: Int
        let end: Int

        mutating func next() -> UInt32? {
            guard index < end else { return nil }
            let b = json[index]
            let decoded: (scalar: UInt32, length: Int)
            if b == UInt8(ascii: "\\") {
                decoded = decodeEscape(json, index, end: end)
            } else if b < 0x80 {
                decoded = (UInt32(b), 1)
            } else {
                decoded = decodeUTF8(json, index, end: end)
            }
            index += decoded.length
            return decoded.scalar
        }
    }

    // MARK: Marshal

    /// An object member: positions of its key's content (between the quotes) and of its value.
    private struct Member {
        var keyStart: Int
        var keyEnd: Int
        var value: Int
        /// Its place in the text: the last of equal keys is the one Go keeps.
        var order: Int
    }

    /// An open container being written.
    private struct Frame {
        var isObject: Bool
        var first = true
        /// Object: index of the next member to write. Array: text position after the last element.
        var next: Int
        /// Object: members end here, and from `base` on they are this object's.
        var end = 0
        var base = 0
    }

    /// Writes the value of `json` (valid, as `shape` says) as Go's `Marshal` does. With `quoted`,
    /// every `"` is written twice, for the inside of a quoted CSV field.
    static func write(_ json: UnsafeRawBufferPointer, shape: Shape, quoted: Bool, into out: inout RawByteWriter) {
        let depth = max(shape.depth, 1)
        let containers = max(shape.containers, 1)
        withUnsafeTemporaryAllocation(of: Frame.self, capacity: depth) { frames in
            withUnsafeTemporaryAllocation(of: Member.self, capacity: max(shape.members, 1)) { members in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * containers) { bounds in
                    var marshaller = Marshaller(
                        json: json, quoted: quoted, frames: frames, members: members,
                        starts: UnsafeMutableBufferPointer(rebasing: bounds[0..<containers]),
                        ends: UnsafeMutableBufferPointer(rebasing: bounds[containers...]))
                    marshaller.findContainerEnds()
                    marshaller.write(into: &out)
                }
            }
        }
    }

    /// The writing pass over one valid value, in scratch space sized by its ``Shape``.
    private struct Marshaller {
        let json: UnsafeRawBufferPointer
        let quoted: Bool
        let frames: UnsafeMutableBufferPointer<Frame>
        let members: UnsafeMutableBufferPointer<Member>
        /// Every container's opening and the position after its closing, in text order: so the
        /// end of any value is found without reading it again (nesting costs no extra passes).
        let starts: UnsafeMutableBufferPointer<Int>
        let ends: UnsafeMutableBufferPointer<Int>
        var frameCount = 0
        var memberCount = 0

        /// Fills `starts` and `ends`, using `ends` of the still open containers as their stack
        /// (an open container's end is written when it closes).
        mutating func findContainerEnds() {
            var count = 0
            // Indices of open containers, kept in `frames[k].next` (the frames are unused yet).
            var open = 0
            var i = 0
            while i < json.count {
                switch json[i] {
                case UInt8(ascii: "\""):
                    i = endOfString(i)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard count < starts.count, open < frames.count else { return }
                    starts[count] = i
                    frames[open] = Frame(isObject: false, next: count)
                    count += 1
                    open += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard open > 0 else { return }
                    open -= 1
                    ends[frames[open].next] = i + 1
                default:
                    break
                }
                i += 1
            }
        }

        /// The position after the string opening at `start`.
        func endOfString(_ start: Int) -> Int {
            var i = start + 1
            while i < json.count {
                switch json[i] {
                case UInt8(ascii: "\""): return i + 1
                case UInt8(ascii: "\\"): i += 2
                default: i += 1
                }
            }
            return json.count
        }

        /// The position after the value starting at `start`.
        func endOfValue(_ start: Int) -> Int {
            guard start < json.count else { return start }
            switch json[start] {
            case UInt8(ascii: "\""):
                return endOfString(start)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                // Binary search of the containers, which are in text order.
                var low = 0, high = starts.count
                while low < high {
                    let mid = (low + high) / 2
                    if starts[mid] < start { low = mid + 1 } else { high = mid }
                }
                return low < starts.count && starts[low] == start ? ends[low] : json.count
            default:
                var i = start
                while i < json.count {
                    switch json[i] {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: " "),
                         UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                        return i
                    default:
                        i += 1
                    }
                }
                return i
            }
        }

        func compareKeys(_ a: Member, _ b: Member) -> Int {
            var ra = ScalarReader(json: json, index: a.keyStart, end: a.keyEnd)
            var rb = ScalarReader(json: json, index: b.keyStart, end: b.keyEnd)
            while true {
                switch (ra.next(), rb.next()) {
                case (nil, nil): return 0
                case (nil, _): return -1
                case (_, nil): return 1
                case let (x?, y?): if x != y { return x < y ? -1 : 1 }
                }
            }
        }

        /// Writes the value at `start`: a scalar whole, a container's opening (and pushes it).
        mutating func begin(at start: Int, into out: inout RawByteWriter) {
            let i = skipWhitespace(json, start)
            guard i < json.count else { return }
            switch json[i] {
            case UInt8(ascii: "{"):
                guard frameCount < frames.count else { return }
                let base = memberCount
                var k = skipWhitespace(json, i + 1)
                while k < json.count, json[k] == UInt8(ascii: "\""), memberCount < members.count {
                    let keyEnd = endOfString(k) - 1
                    let value = skipWhitespace(json, skipWhitespace(json, keyEnd + 1) + 1)
                    members[memberCount] = Member(keyStart: k + 1, keyEnd: keyEnd, value: value, order: memberCount)
                    memberCount += 1
                    k = skipWhitespace(json, endOfValue(value))
                    guard k < json.count, json[k] == UInt8(ascii: ",") else { break }
                    k = skipWhitespace(json, k + 1)
                }
                var own = UnsafeMutableBufferPointer(rebasing: members[base..<memberCount])
                let marshaller = self
                own.sort { a, b in
                    let c = marshaller.compareKeys(a, b)
                    return c != 0 ? c < 0 : a.order < b.order
                }
                out.write(UInt8(ascii: "{"))
                frames[frameCount] = Frame(isObject: true, next: base, end: memberCount, base: base)
                frameCount += 1
            case UInt8(ascii: "["):
                guard frameCount < frames.count else { return }
                out.write(UInt8(ascii: "["))
                frames[frameCount] = Frame(isObject: false, next: i + 1)
                frameCount += 1
            case UInt8(ascii: "\""):
                writeString(json, contentStart: i + 1, contentEnd: endOfString(i) - 1, quoted: quoted, into: &out)
            default:
                // A number or a literal, as written.
                out.write(UnsafeRawBufferPointer(rebasing: json[i..<endOfValue(i)]))
            }
        }

        /// The whole value, container by container from an explicit stack.
        mutating func write(into out: inout RawByteWriter) {
            begin(at: 0, into: &out)
            while frameCount > 0 {
                let frame = frames[frameCount - 1]
                if frame.isObject {
                    // Of equal keys (adjacent once sorted) only the last in the text is written.
                    var m = frame.next
                    while m + 1 < frame.end, compareKeys(members[m], members[m + 1]) == 0 { m += 1 }
                    guard m < frame.end else {
                        out.write(UInt8(ascii: "}"))
                        memberCount = frame.base
                        frameCount -= 1
                        continue
                    }
                    if !frame.first { out.write(UInt8(ascii: ",")) }
                    let member = members[m]
                    writeString(json, contentStart: member.keyStart, contentEnd: member.keyEnd, quoted: quoted, into: &out)
                    out.write(UInt8(ascii: ":"))
                    frames[frameCount - 1].first = false
                    frames[frameCount - 1].next = m + 1
                    begin(at: member.value, into: &out)
                } else {
                    var i = skipWhitespace(json, frame.next)
                    guard i < json.count, json[i] != UInt8(ascii: "]") else {
                        out.write(UInt8(ascii: "]"))
                        frameCount -= 1
                        continue
                    }
                    if !frame.first {
                        // Past the `,`.
                        i = skipWhitespace(json, i + 1)
                        out.write(UInt8(ascii: ","))
                    }
                    frames[frameCount - 1].first = false
                    frames[frameCount - 1].next = endOfValue(i)
                    begin(at: i, into: &out)
                }
            }
        }
    }

    /// A string as Go marshals it, from the content of a valid JSON string: runs that need no
    /// change are copied, the rest goes through ``writeScalar(_:quoted:into:)``.
    static func writeString(_ json: UnsafeRawBufferPointer, contentStart: Int, contentEnd: Int, quoted: Bool,
                            into out: inout RawByteWriter) {
        writeQuote(quoted, into: &out)
        var run = contentStart
        var i = contentStart
        func flush(_ out: inout RawByteWriter) {
            if i > run { out.write(UnsafeRawBufferPointer(rebasing: json[run..<i])) }
        }
        while i < contentEnd {
            let b = json[i]
            if b == UInt8(ascii: "\\") {
                flush(&out)
                let decoded = decodeEscape(json, i, end: contentEnd)
                writeScalar(decoded.scalar, quoted: quoted, into: &out)
                i += decoded.length
                run = i
            } else if b < 0x80 {
                if isHTMLSafe(b) {
                    i += 1
                } else {
                    flush(&out)
                    writeScalar(UInt32(b), quoted: quoted, into: &out)
                    i += 1
                    run = i
                }
            } else {
                let decoded = decodeUTF8(json, i, end: contentEnd)
                if decoded.length == 1 || decoded.scalar == 0x2028 || decoded.scalar == 0x2029 {
                    flush(&out)
                    writeScalar(decoded.scalar, quoted: quoted, into: &out)
                    i += decoded.length
                    run = i
                } else {
                    i += decoded.length
                }
            }
        }
        flush(&out)
        writeQuote(quoted, into: &out)
    }

    /// Go's `htmlSafeSet`: printable ASCII but `"`, `\`, `<`, `>`, `&` (DEL included).
    private static func isHTMLSafe(_ b: UInt8) -> Bool {
        b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && b != UInt8(ascii: "<")
            && b != UInt8(ascii: ">") && b != UInt8(ascii: "&")
    }

    private static func writeQuote(_ quoted: Bool, into out: inout RawByteWriter) {
        if quoted { out.write("\"\"") } else { out.write(UInt8(ascii: "\"")) }
    }

    /// One scalar of a string as Go's `appendString` (HTML escaping on) writes it.
    static func writeScalar(_ scalar: UInt32, quoted: Bool, into out: inout RawByteWriter) {
        switch scalar {
        case UInt32(UInt8(ascii: "\"")):
            out.write(UInt8(ascii: "\\"))
            writeQuote(quoted, into: &out)
        case UInt32(UInt8(ascii: "\\")): out.write("\\\\")
        case 0x0A: out.write("\\n")
        case 0x0D: out.write("\\r")
        case 0x09: out.write("\\t")
        case 0x08: out.write("\\b")
        case 0x0C: out.write("\\f")
        case 0..<0x80:
            let b = UInt8(scalar)
            if isHTMLSafe(b) {
                out.write(b)
            } else {
                out.write("\\u00")
                out.writeHex(b)
            }
        case 0x2028: out.write("\\u2028")
        case 0x2029: out.write("\\u2029")
        case 0x80..<0x800:
            out.write(UInt8(0xC0 | scalar >> 6))
            out.write(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.write(UInt8(0xE0 | scalar >> 12))
            out.write(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.write(UInt8(0x80 | scalar & 0x3F))
        default:
            out.write(UInt8(0xF0 | scalar >> 18))
            out.write(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.write(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.write(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
