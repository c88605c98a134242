import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// Encodings, hashes (FIPS 180 vectors and sprig's crypto_test.go), `uuidv4`, `randBytes`.
@Suite(.timeLimit(.minutes(1)))
struct TemplateEncodingFunctionTests {
    @Test func base64AndBase32() throws {
        #expect(try templateOutput(#"{{ b64enc "Hello World" }}"#) == "SGVsbG8gV29ybGQ=")
        #expect(try templateOutput(#"{{ b64dec "SGVsbG8gV29ybGQ=" }}"#) == "Hello World")
        #expect(try templateOutput(#"{{ b32enc "Hello World" }}"#) == "JBSWY3DPEBLW64TMMQ======")
        #expect(try templateOutput(#"{{ b32enc "f" }}|{{ b32enc "foobar" }}"#) == "MY======|MZXW6YTBOI======")
        #expect(try templateOutput(#"{{ b32dec "JBSWY3DPEBLW64TMMQ======" }}"#) == "Hello World")
        #expect(try templateOutput(#"{{ "round trip é" | b32enc | b32dec }}"#) == "round trip é")
        #expect(templateError(#"{{ b64dec "not base64!" }}"#)?.reason == #"b64dec: illegal base64 data in "not base64!""#)
        #expect(templateError(#"{{ b32dec "MY=====" }}"#)?.reason == #"b32dec: illegal base32 data in "MY=====""#)
    }

    @Test func hashes() throws {
        #expect(try templateOutput(#"{{ sha1sum "abc" }}"#) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(try templateOutput(#"{{ sha256sum "abc" }}"#) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try templateOutput(#"{{ sha256sum "" }}"#) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try templateOutput(#"{{ sha512sum "abc" }}"#) == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        // Many blocks (1000 bytes), against Python's hashlib.
        let long: JSONValue = ["text": .string(String(repeating: "a", count: 1000))]
        #expect(try templateOutput("{{ sha1sum .text }}", long) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
        #expect(try templateOutput("{{ sha256sum .text }}", long) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        #expect(try templateOutput("{{ sha512sum .text }}", long) == "67ba5535a46e3f86dbfbed8cbbaf0125c76ed549ff8b0b9e03e0c88cf90fa634"
            + "fa7b12b47d77b694de488ace8d9a65967dc96df599727d3292a8d9d447709c97")
        #expect(try templateOutput(#"{{ adler32sum "Wikipedia" }}"#) == "300286872")
        #expect(try templateOutput(#"{{ "abc" | adler32sum }}"#) == "38600999")
    }

    @Test func uuidAndRandomBytes() throws {
        let uuid = try templateOutput("{{ uuidv4 }}")
        #expect(uuid.count == 36 && uuid == uuid.lowercased() && Array(uuid)[14] == "4")
        #expect(try templateOutput("{{ uuidv4 }}") != uuid)
        #expect(try templateOutput("{{ randBytes 12 }}").count == 16)  // 12 bytes in base64
        #expect(templateError("{{ uuidv4 1 }}")?.reason == "uuidv4: wrong number of arguments: want 0, got 1")
    }
}
