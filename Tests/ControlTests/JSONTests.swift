import Control
import Testing

@Suite struct JSONTests {
    @Test("JSON round-trips and rejects what is not JSON")
    func parse() throws {
        let value = try JSON.parse(#"{"a":[1,2.5,-3e2,true,false,null],"b":"x\"\n\u00e9\ud83d\ude00"}"#)
        #expect(value["a"] == .array([.number(1), .number(2.5), .number(-300), .bool(true), .bool(false), .null]))
        #expect(value["b"]?.string == "x\"\né😀")
        #expect(try JSON.parse(value.text) == value)
        for bad in ["", "{", "[1,]", "{\"a\"}", "01", "1.", "\"\u{01}\"", "nul", "[1] x", "\"\\ud800\"", "1e999"] {
            #expect(throws: JSONError.self, "\(bad)") { try JSON.parse(bad) }
        }
        #expect(throws: JSONError.self) { try JSON.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONError.self) { try JSON.parse(deep) }
    }
}
