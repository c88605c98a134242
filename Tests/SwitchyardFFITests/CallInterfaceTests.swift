import SwitchyardFFI
import Testing
import SwitchyardTestSupport

@Suite("CallInterface", .timeLimit(.minutes(1)))
struct CallInterfaceTests {
    @Test("the cache returns one interface per signature")
    func cacheBySignature() throws {
        let first = try CallInterface.cached(returning: .double, arguments: [.double, .double])
        let second = try CallInterface.cached(returning: .double, arguments: [.double, .double])
        let other = try CallInterface.cached(returning: .double, arguments: [.double])
        let variadic = try CallInterface.cached(returning: .double, arguments: [.double, .double], fixedArgumentCount: 1)
        #expect(first === second)
        #expect(first !== other)
        #expect(first !== variadic)
        #expect(first.returnType == .double && first.argumentTypes == [.double, .double])
    }

    @Test("calls pow with pointers to its arguments")
    func rawCall() throws {
        let pow = try DynamicLibrary.open("libm.so.6").symbol("pow")
        let interface = try CallInterface(returning: .double, arguments: [.double, .double])
        var base = 3.0, exponent = 4.0, result = 0.0
        withUnsafeMutablePointer(to: &base) { basePointer in
            withUnsafeMutablePointer(to: &exponent) { exponentPointer in
                var arguments: [UnsafeMutableRawPointer?] = [.init(basePointer), .init(exponentPointer)]
                interface.call(pow, result: &result, arguments: &arguments)
            }
        }
        #expect(result == 81)
    }

    @Test("struct sizes and alignments follow C layout")
    func structLayout() {
        #expect(FFIType.structure([.int32, .int32]).size == 8)
        #expect(FFIType.structure([.int8, .int64]).size == 16)
        #expect(FFIType.structure([.int64, .int8]).size == 16)
        #expect(FFIType.structure([.int8, .int16, .int8]).size == 6)
        #expect(FFIType.structure([.int8, .structure([.double])]).alignment == 8)
    }

    @Test("void arguments, empty structs and bad fixed counts are bad signatures")
    func badSignatures() {
        let void = expectError { () throws(FFIError) in _ = try CallInterface(returning: .int32, arguments: [.void]) }
        #expect(void?.code == .badSignature)
        #expect(void?.message.contains("argument 0 is void") == true)
        let empty = expectError { () throws(FFIError) in _ = try CallInterface(returning: .structure([]), arguments: []) }
        #expect(empty?.code == .badSignature)
        let fixed = expectError { () throws(FFIError) in
            _ = try CallInterface(returning: .int32, arguments: [.pointer], fixedArgumentCount: 2)
        }
        #expect(fixed?.code == .badSignature)
    }
}
