import ExporterCore
import NIOCore
import Testing

/// The row writer: what fits is written, what does not leaves the buffer untouched.
struct RawByteWriterTests {
    @Test func writesBytesTextAndHexIntoTheBuffer() {
        var buffer = ByteBuffer(string: "<")
        let fitted = buffer.writeWithRawByteWriter(reserving: 64) { out in
            out.write(UInt8(ascii: "a"))
            out.write("bc")
            out.write(ByteBuffer(string: "de"))
            out.writeHex(0x0F)
            out.writeHex(0xA7)
            out.write(string: "é")
            out.write(maxBytes: 3) { memory in
                memory[0] = UInt8(ascii: "!")
                return 1
            }
            #expect(out.bytesWritten == 12)
            #expect(!out.overflowed)
        }
        #expect(fitted)
        #expect(String(buffer: buffer) == "<abcde0fa7é!")
    }

    /// Date and time fields of both sources: padded to the width, longer when the number is.
    @Test func zeroPaddedNumbersKeepTheirWidthAndGrowPastIt() {
        var buffer = ByteBuffer()
        buffer.writeWithRawByteWriter { out in
            for (value, width) in [(7, 2), (12, 2), (2026, 4), (33, 4), (10_000, 4), (0, 3), (123_456, 6), (5, 1), (-4, 2)] as [(Int64, Int)] {
                out.writeZeroPadded(value, width: width)
                out.write(" ")
            }
        }
        #expect(String(buffer: buffer) == "07 12 2026 0033 10000 000 123456 5 00 ")
    }

    @Test func anOverflowKeepsNothingAndLaterWritesDoNotSneakIn() {
        var buffer = ByteBuffer(string: "kept")
        let tooBig = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 20)
        let fitted = buffer.writeWithRawByteWriter(reserving: 8) { out in
            out.write(tooBig)
            #expect(out.overflowed)
            out.write(UInt8(ascii: "y"))
            #expect(out.overflowed, "a small write after an overflow must not land")
        }
        #expect(!fitted)
        #expect(String(buffer: buffer) == "kept")
    }

    @Test func theRetryingFormGrowsUntilTheOutputFits() {
        var buffer = ByteBuffer()
        let big = ByteBuffer(repeating: UInt8(ascii: "z"), count: 100_000)
        var calls = 0
        buffer.writeWithRawByteWriter { out in
            calls += 1
            out.write(big)
        }
        #expect(buffer.readableBytes == 100_000)
        #expect(buffer.readableBytesView.allSatisfy { $0 == UInt8(ascii: "z") })
        #expect(calls > 1, "the first reservation (4 KiB) was too small")
    }
}
