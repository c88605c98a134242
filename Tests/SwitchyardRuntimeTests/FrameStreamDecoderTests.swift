import SwitchyardJSON
import SwitchyardRuntime
import Testing

extension RuntimeTests {
    @Suite struct FrameStreamDecoderTests {
        typealias Step = FrameStreamDecoder.Step

        func feed(_ decoder: inout FrameStreamDecoder, _ kind: FrameStreamDecoder.Kind,
                  _ flags: FrameStreamDecoder.Flags, level: Int32 = 0, _ bytes: [UInt8]) throws(ToolError) -> Step {
            var result: Result<Step, ToolError> = .success(.incomplete)
            bytes.withUnsafeBytes { payload in
                do throws(ToolError) {
                    result = .success(try decoder.consume(kind: kind, flags: flags, logLevel: level, payload: payload))
                } catch {
                    result = .failure(error)
                }
            }
            return try result.get()
        }

        func feed(_ decoder: inout FrameStreamDecoder, _ kind: FrameStreamDecoder.Kind,
                  _ flags: FrameStreamDecoder.Flags, level: Int32 = 0, _ text: String) throws(ToolError) -> Step {
            try feed(&decoder, kind, flags, level: level, Array(text.utf8))
        }

        func failure(_ body: (inout FrameStreamDecoder) throws(ToolError) -> Void,
                     limit: Int = 10 << 20) -> ToolError? {
            var decoder = FrameStreamDecoder(maxOutputBytes: limit, toolID: "t")
            do throws(ToolError) {
                try body(&decoder)
                return nil
            } catch {
                return error
            }
        }

        @Test func resultInChunksIsDecodedAsOneValue() throws {
            var decoder = FrameStreamDecoder()
            #expect(try feed(&decoder, .result, .more, "{\"te") == .incomplete)
            #expect(try feed(&decoder, .result, .more, "xt\":\"h\u{E9}") == .incomplete)
            #expect(try feed(&decoder, .result, .endOfStream, "llo\"}") == .finished(.success(["text": "h\u{E9}llo"])))
            #expect(decoder.isFinished)
            #expect(decoder.outputBytes == "{\"text\":\"h\u{E9}llo\"}".utf8.count)
        }

        @Test func progressAndLogFramesBecomeEvents() throws {
            var decoder = FrameStreamDecoder()
            #expect(try feed(&decoder, .progress, [], "{\"i\":1}") == .event(.progress(["i": 1])))
            #expect(try feed(&decoder, .log, .more, level: 3, "half ") == .incomplete)
            #expect(try feed(&decoder, .log, [], level: 3, "line") == .event(.log(.warning, "half line")))
            #expect(try feed(&decoder, .progress, [], "[1,2]") == .event(.progress([1, 2])))
            #expect(!decoder.isFinished)
        }

        @Test func nonObjectResultsAreWrapped() throws {
            var decoder = FrameStreamDecoder()
            #expect(try feed(&decoder, .result, .endOfStream, "null") == .finished(.success(.emptyObject)))
            decoder = FrameStreamDecoder()
            #expect(try feed(&decoder, .result, .endOfStream, "[1]") == .finished(.success(["value": [1]])))
            decoder = FrameStreamDecoder()
            #expect(try feed(&decoder, .result, .endOfStream, "\"s\"") == .finished(.success(["value": "s"])))
        }

        @Test func errorFramesBecomeToolErrorsOfTheirKind() throws {
            var decoder = FrameStreamDecoder(toolID: "t")
            let step = try feed(&decoder, .error, .endOfStream,
                                "{\"kind\":\"invalid_input\",\"message\":\"bad text\",\"details\":{\"field\":\"text\"}}")
            #expect(step == .finished(.failure(ToolError(.invalidInput, "bad text", toolID: "t", details: "{\"field\":\"text\"}"))))
            decoder = FrameStreamDecoder()
            guard case .finished(.failure(let unknown)) = try feed(&decoder, .error, .endOfStream, "{\"kind\":\"weird\",\"message\":\"m\"}")
            else { Issue.record("no failure"); return }
            #expect(unknown.kind == .toolError)
            #expect(unknown.message == "m")
        }

        @Test func malformedJSONIsAProtocolErrorWithAnExcerpt() {
            let error = failure { decoder throws(ToolError) in _ = try feed(&decoder, .progress, [], "{not json") }
            #expect(error?.kind == .protocol)
            #expect(error?.message.contains("malformed JSON in a PROGRESS frame") == true)
            #expect(error?.message.contains("not json") == true)
        }

        @Test func nonUTF8IsAProtocolError() throws {
            let error = failure { decoder throws(ToolError) in
                _ = try feed(&decoder, .result, .endOfStream, [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D])
            }
            #expect(error?.kind == .protocol)
            #expect(error?.message.contains("not valid UTF-8 at byte 6") == true)
            // A character split across two chunks is fine.
            var decoder = FrameStreamDecoder()
            let e = Array("\"\u{E9}\"".utf8)
            #expect(try feed(&decoder, .result, .more, Array(e[0..<2])) == .incomplete)
            #expect(try feed(&decoder, .result, .endOfStream, Array(e[2...])) == .finished(.success(["value": "\u{E9}"])))
            let truncated = failure { decoder throws(ToolError) in _ = try feed(&decoder, .log, [], Array(e[0..<2])) }
            #expect(truncated?.kind == .protocol)
        }

        @Test func aChunkOfAnotherKindIsAProtocolError() {
            let error = failure { decoder throws(ToolError) in
                _ = try feed(&decoder, .result, .more, "{\"a\":")
                _ = try feed(&decoder, .progress, [], "1}")
            }
            #expect(error?.kind == .protocol)
            #expect(error?.message.contains("a PROGRESS chunk continues a RESULT frame") == true)
        }

        @Test func badFlagsAndKindsAreProtocolErrors() {
            let progressEnd = failure { decoder throws(ToolError) in _ = try feed(&decoder, .progress, .endOfStream, "{}") }
            #expect(progressEnd?.kind == .protocol)
            #expect(progressEnd?.message.contains("END_OF_STREAM") == true)
            let resultWithoutEnd = failure { decoder throws(ToolError) in _ = try feed(&decoder, .result, [], "{}") }
            #expect(resultWithoutEnd?.kind == .protocol)
            let unknownKind = failure { decoder throws(ToolError) in _ = try feed(&decoder, .init(rawValue: 9), [], "{}") }
            #expect(unknownKind?.message.contains("unknown frame kind 9") == true)
            let afterEnd = failure { decoder throws(ToolError) in
                _ = try feed(&decoder, .result, .endOfStream, "{}")
                _ = try feed(&decoder, .result, .endOfStream, "{}")
            }
            #expect(afterEnd?.kind == .protocol)
        }

        @Test func theOutputLimitIsEnforcedWhileStreaming() throws {
            var chunks = 0
            let error = failure({ decoder throws(ToolError) in
                _ = try feed(&decoder, .progress, [], "{\"p\":1}")
                _ = try feed(&decoder, .result, .more, "[")
                for _ in 0..<100 {
                    _ = try feed(&decoder, .result, .more, String(repeating: "1,", count: 50))
                    chunks += 1
                }
            }, limit: 1000)
            #expect(error?.kind == .outputLimit)
            #expect(error?.message.contains("1000 bytes") == true)
            #expect(chunks == 9)  // 8 + 1 + 9 × 100 = 909; the tenth chunk passes 1000
        }
    }
}
