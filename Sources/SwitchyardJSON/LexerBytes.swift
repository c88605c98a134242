/// Byte classes and message quoting shared by the template (Go) and condition (CEL) lexers.

package func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

package func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte >= 0x80
}

/// `"text"` for messages, so an empty or spaced token stays visible.
package func quoteForMessage(_ text: String) -> String { "\"\(text)\"" }
