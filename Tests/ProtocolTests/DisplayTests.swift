import Testing
@testable import WaylandServer

extension ProtocolTests {
    /// The display's idle work (`Display.whenIdle`, what the server's repaint runs on): each action once, in the
    /// order asked, work asked for from inside idle work in the same dispatch, and the boxes carrying actions to
    /// libwayland reused rather than made anew for every frame.
    @Suite struct DisplayIdleWork {
        @Test func runsEachActionOnceInOrderAndReusesItsBoxes() throws {
            let display = try Display()
            var ran: [Int] = []
            var expected: [Int] = []
            for round in 0..<50 {
                display.whenIdle { ran.append(3 * round) }
                display.whenIdle {
                    ran.append(3 * round + 1)
                    display.whenIdle { ran.append(3 * round + 2) }
                }
                expected += [3 * round, 3 * round + 1, 3 * round + 2]
                #expect(ran.count == 3 * round, "round \(round): nothing runs before the dispatch")
                display.dispatch(timeoutMilliseconds: 0)
                #expect(ran == expected, "round \(round)")
            }
            // At most two actions were pending at once: two boxes serve all 150.
            #expect(display.spareIdleBoxes == 2)
        }
    }
}
