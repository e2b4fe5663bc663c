/// `array[safe: i]`: nil instead of a trap for an index the reader script's JSON may not have.
extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
