import SwitchyardAgents
import SwitchyardJSON
import Testing

@Suite("Finding and validating structured answers", .timeLimit(.minutes(1)))
struct FinalAnswerParsingTests {
    @Test func findsTheFirstBalancedValue() {
        #expect(EmbeddedJSON.firstValue(in: " {\"a\": 1} ") == ["a": 1])
        #expect(EmbeddedJSON.firstValue(in: "```json\n[1, {\"b\": \"]\"}]\n```") == [1, ["b": "]"]])
        #expect(EmbeddedJSON.firstValue(in: "Use {braces} like {\"k\": true} here") == ["k": true])
        #expect(EmbeddedJSON.firstValue(in: "no json at all") == nil)
        #expect(EmbeddedJSON.firstValue(in: "{\"open\": ") == nil)
    }

    @Test func validatorReportsPathsAndKeywords() {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "name": ["type": "string", "minLength": 2],
                "tags": ["type": "array", "items": ["type": "string"], "maxItems": 2],
                "level": ["enum": ["low", "high"]],
                "score": ["type": "number", "minimum": 0],
            ],
            "required": ["name"],
            "additionalProperties": false,
        ]
        #expect(JSONSchemaValidator.errors(in: ["name": "ok", "score": 1], against: schema).isEmpty)
        let errors = JSONSchemaValidator.errors(
            in: ["name": "x", "tags": ["a", 2, "c"], "level": "mid", "score": -1, "extra": true], against: schema)
        #expect(errors == [
            "$.extra: property is not allowed",
            "$.level: \"mid\" is not one of [\"low\",\"high\"]",
            "$.name: expected at least 2 characters, got 1",
            "$.score: -1 is less than the minimum 0.0",
            "$.tags: expected at most 2 items, got 3",
            "$.tags[1]: expected string, got integer",
        ])
        #expect(JSONSchemaValidator.errors(in: [:], against: schema) == ["$.name: required property is missing"])
        #expect(JSONSchemaValidator.errors(in: 3.0, against: ["type": "integer"]).isEmpty)
    }
}
