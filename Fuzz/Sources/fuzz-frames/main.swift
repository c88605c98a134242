import FuzzSupport
import SwitchyardJSON
import SwitchyardRuntime

// The frame decoder over any sequence of frames a plugin could send.
//
// Input: one byte choosing the output limit, then records of
// `kind flags log-level length payload[length]` (kind mod 6 includes the unknown kinds 0 and 5;
// flags mod 4 every combination of MORE and END_OF_STREAM).
// Oracles: no crash; the decoder never reports output past its limit; once it has finished (a
// terminal frame or a refusal) it refuses every later frame.

FuzzDriver.run { bytes in
    var input = FuzzInput(bytes)
    var decoder = FrameStreamDecoder(maxOutputBytes: 16 << Int(input.byte() % 12), toolID: "fuzz")
    var refused = false
    while !input.isAtEnd {
        let kind = FrameStreamDecoder.Kind(rawValue: UInt32(input.byte() % 6))
        let flags = FrameStreamDecoder.Flags(rawValue: UInt32(input.byte() % 4))
        let logLevel = Int32(Int8(bitPattern: input.byte()))
        let payload = input.take(Int(input.byte()))
        let wasFinished = decoder.isFinished
        do {
            let step = try decoder.consume(kind: kind, flags: flags, logLevel: logLevel, payload: payload)
            precondition(!wasFinished, "a frame was accepted after the call ended")
            if case .finished = step { precondition(decoder.isFinished, "a terminal step left the decoder open") }
        } catch {
            precondition(decoder.isFinished, "a refused frame left the decoder open")
            refused = true
        }
        precondition(decoder.outputBytes <= decoder.maxOutputBytes || refused,
                     "\(decoder.outputBytes) output bytes accepted past the limit of \(decoder.maxOutputBytes)")
    }
}
