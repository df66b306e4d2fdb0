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

@Suite struct CommandLineTests {
    func request(_ words: String) throws -> String {
        try ControlCommandLine.request(from: words.split(separator: " ").map(String.init), workingDirectory: "/home/me").body.text
    }

    @Test("seawall ctl's words become requests")
    func requests() throws {
        #expect(try request("windows") == #"{"command":"windows"}"#)
        #expect(try request("screenshot shot.png --window foot --region 1,2,30,40")
                == #"{"command":"screenshot","file":"/home/me/shot.png","window":"foot","region":[1,2,30,40]}"#)
        #expect(try request("screenshot --window foot /tmp/a.ppm") == #"{"command":"screenshot","file":"/tmp/a.ppm","window":"foot"}"#)
        #expect(try request("wait settled --ms 300 --timeout 2.5") == #"{"command":"wait.settled","ms":300,"timeout":2.5}"#)
        #expect(try request("wait window foot --timeout 5") == #"{"command":"wait.window","match":"foot","timeout":5}"#)
        #expect(try request("frame 4") == #"{"command":"frame","count":4}"#)
        #expect(try request("frame") == #"{"command":"frame"}"#)
        for bad in ["", "reboot", "windows extra", "screenshot", "screenshot a.png --region 1,2,3", "wait", "wait soon",
                    "wait settled --ms x", "frame many", "screenshot a.png --bogus"] {
            #expect(throws: ControlCommandLine.UsageError.self, "\(bad)") { try request(bad) }
        }
    }
}
