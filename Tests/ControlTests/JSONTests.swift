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
    @Test("pointer replies read as what happened")
    func pointerReplies() throws {
        let reply = try JSON.parse(#"{"ok":true,"button":"left","clicks":1,"x":47,"y":39.5,"target":{"app_id":"foot","title":"~","x":15,"y":7.5}}"#)
        #expect(ControlCommandLine.describe(reply, command: "click") == "button left, clicks 1; pointer at 47,39.5: foot / ~ at 15,7.5")
        let none = try JSON.parse(#"{"ok":true,"x":3,"y":4,"target":null}"#)
        #expect(ControlCommandLine.describe(none, command: "pointer") == "pointer at 3,4: over no surface")
        let dismissed = try JSON.parse(#"{"ok":true,"button":"left","clicks":1,"x":42,"y":42,"target":null,"popup_dismissed":true}"#)
        #expect(ControlCommandLine.describe(dismissed, command: "click")
                == "button left, clicks 1; pointer at 42,42: ended the popup grab (popup_done); reached no window")
        let tap = try JSON.parse(#"{"ok":true,"touch":0,"x":45,"y":45,"target":null,"popup_dismissed":true}"#)
        #expect(ControlCommandLine.describe(tap, command: "tap") == "touch 0: ended the popup grab (popup_done); reached no window")
        let lift = try JSON.parse(#"{"ok":true,"touch":0,"target":null}"#)
        #expect(ControlCommandLine.describe(lift, command: "touch.up") == "touch 0: reached no window")
    }

    func request(_ words: String) throws -> String {
        try ControlCommandLine.request(from: words.split(separator: " ").map(String.init), workingDirectory: "/home/me").body.text
    }

    @Test("seawall ctl's words become requests")
    func requests() throws {
        #expect(try request("windows") == #"{"command":"windows"}"#)
        #expect(try request("screenshot shot.png --window foot --region 1,2,30,40")
                == #"{"command":"screenshot","file":"/home/me/shot.png","window":"foot","region":[1,2,30,40]}"#)
        #expect(try request("screenshot --window foot /tmp/a.ppm") == #"{"command":"screenshot","file":"/tmp/a.ppm","window":"foot"}"#)
        #expect(try request("screenshot two.png --output SEAWALL-2 --region 0,0,10,10")
                == #"{"command":"screenshot","file":"/home/me/two.png","output":"SEAWALL-2","region":[0,0,10,10]}"#)
        #expect(try request("outputs") == #"{"command":"outputs"}"#)
        #expect(try request("wait settled --ms 300 --timeout 2.5") == #"{"command":"wait.settled","ms":300,"timeout":2.5}"#)
        #expect(try request("wait window foot --timeout 5") == #"{"command":"wait.window","match":"foot","timeout":5}"#)
        #expect(try request("frame 4") == #"{"command":"frame","count":4}"#)
        #expect(try request("frame") == #"{"command":"frame"}"#)
        #expect(try request("pointer move 10 -2.5") == #"{"command":"pointer.move","x":10,"y":-2.5}"#)
        #expect(try request("pointer move --window foot 3 4") == #"{"command":"pointer.move","x":3,"y":4,"window":"foot"}"#)
        #expect(try request("pointer relative -5 0") == #"{"command":"pointer.relative","dx":-5,"dy":0}"#)
        #expect(try request("click") == #"{"command":"click"}"#)
        #expect(try request("click right --double") == #"{"command":"click","double":true,"button":"right"}"#)
        #expect(try request("button down 274") == #"{"command":"button","button":274,"state":"down"}"#)
        #expect(try request("scroll --horizontal -3") == #"{"command":"scroll","amount":-3,"horizontal":true}"#)
        #expect(try request("key ctrl+a Return") == #"{"command":"key","keys":["ctrl+a","Return"]}"#)
        #expect(try request("focus --window foot") == #"{"command":"focus","window":"foot"}"#)
        for bad in ["key", "key a --now", "focus", "focus foot", "focus --window"] {
            #expect(throws: ControlCommandLine.UsageError.self, "\(bad)") { try request(bad) }
        }
        let typed = try JSON.parse(#"{"ok":true,"keys":["Control_L+a"],"target":{"app_id":"foot","title":"~"}}"#)
        #expect(ControlCommandLine.describe(typed, command: "key") == "typed Control_L+a to foot / ~")
        for bad in ["pointer", "pointer jump 1 2", "pointer move 1", "pointer move nan 2", "pointer move 1 inf",
                    "pointer relative 1", "click left right", "click --triple", "button left", "button down",
                    "scroll", "scroll 1.5", "scroll --vertical 1"] {
            #expect(throws: ControlCommandLine.UsageError.self, "\(bad)") { try request(bad) }
        }
        for bad in ["", "reboot", "windows extra", "outputs SEAWALL-1", "screenshot a.png --output", "screenshot", "screenshot a.png --region 1,2,3", "wait", "wait soon",
                    "wait settled --ms x", "frame many", "screenshot a.png --bogus"] {
            #expect(throws: ControlCommandLine.UsageError.self, "\(bad)") { try request(bad) }
        }
    }
}
