/// xdg-activation: which requests to activate a window are honoured. A client asks for a token quoting the
/// serial of an input event it received; another client (or the same) later asks to activate one of its
/// windows with that token. Seawall honours it only when the token stands for a real, recent user action in
/// the client that had the keyboard focus, so that no client can take the focus on its own (no focus stealing):
///
/// - the serial is that of one of the last `maxRecentUserInputs` button presses, key presses or touch-downs,
///   delivered to the client that asks for the token while that client had the keyboard focus;
/// - the token is used within `activationTokenLifetime` of that input, and only once;
/// - no later user input went to a third client (the user moved on: the token no longer speaks for them).
///
/// Everything else is refused without a protocol error (the protocol says the compositor may ignore an
/// activation), and the protocol layer logs why. Tokens are strings the protocol layer makes unguessable;
/// here they are only looked up.
public struct ActivationState {
    /// One user input event that may later justify an activation.
    struct UserInput {
        let serial: UInt32
        let client: ClientID
        /// Counts user input events, never wraps (wire serials do).
        let sequence: UInt64
        let time: UInt64
    }

    /// A token as issued: nil `input` when its serial named no qualifying input (it activates nothing).
    struct Token {
        let issuer: ClientID
        let input: UserInput?
        let issued: UInt64
    }

    var recentInputs: [UserInput] = []
    var sequence: UInt64 = 0
    var tokens: [String: Token] = [:]
    /// Tokens in the order they were issued (the oldest is dropped first).
    var order: [String] = []
    /// Nanoseconds on a monotonic clock; tests replace it.
    public var clock: () -> UInt64 = ActivationState.monotonicNanoseconds

    public static func monotonicNanoseconds() -> UInt64 {
        let elapsed = start.duration(to: .now).components
        return UInt64(elapsed.seconds) &* 1_000_000_000 &+ UInt64(elapsed.attoseconds / 1_000_000_000)
    }
    private static let start = ContinuousClock.now
}

/// Why an activation request was or was not honoured.
public enum ActivationOutcome: Equatable, Sendable {
    case activated
    /// No such token (never issued, already used, or dropped for newer ones).
    case unknownToken
    /// The token's serial named no recent press, key or touch-down of its client while it had the focus.
    case notFromUserInput
    case expired
    /// Later user input went to another client.
    case superseded
    /// The surface is no mapped window's.
    case noWindow

    /// For log lines: why an activation was ignored.
    public var reason: String {
        switch self {
        case .activated: "activated"
        case .unknownToken: "unknown or already used token"
        case .notFromUserInput: "the token was not made from a recent press, key or touch of the focused client"
        case .expired: "the token expired"
        case .superseded: "the user gave input to another client since the token was made"
        case .noWindow: "the surface is not a mapped window"
        }
    }
}

extension Compositor {
    /// How long a token may activate after the input it was made from: 10 s.
    public static let activationTokenLifetime: UInt64 = 10_000_000_000
    /// How many user input events are remembered for tokens to quote.
    public static let maxRecentUserInputs = 32
    /// How many unused tokens are kept per client; a client issuing more loses its oldest.
    public static let maxActivationTokensPerClient = 32
    /// How many unused tokens are kept in all.
    public static let maxActivationTokens = 1024

    /// The clock tokens expire on (nanoseconds, monotonic). Tests set it.
    public var activationClock: () -> UInt64 {
        get { activation.clock }
        set { activation.clock = newValue }
    }

    /// A button press, key press or touch-down with `serial` goes to `surface`: remembered if its client has
    /// the keyboard focus (a press or touch activates its window before it is sent, so it has).
    func userInput(serial: UInt32, to surface: Surface) {
        guard let focus = keyboardFocus, focus.client == surface.client else { return }
        activation.sequence += 1
        activation.recentInputs.append(.init(serial: serial, client: surface.client, sequence: activation.sequence,
                                             time: activation.clock()))
        if activation.recentInputs.count > Self.maxRecentUserInputs { activation.recentInputs.removeFirst() }
    }

    /// xdg_activation_token_v1.commit: records `token` (a fresh random string) for `client`, quoting `serial`
    /// (nil: set_serial was not sent). Returns whether the token can ever activate (for the log): it is issued
    /// either way, as the protocol has no refusal.
    @discardableResult
    public func issueActivationToken(_ token: String, client: ClientID, serial: UInt32?) -> Bool {
        let now = activation.clock()
        let input = serial.flatMap { serial in
            activation.recentInputs.last { $0.serial == serial && $0.client == client }
        }.flatMap { now &- $0.time <= Self.activationTokenLifetime ? $0 : nil }
        dropExpiredTokens(now: now)
        let mine = activation.order.filter { activation.tokens[$0]?.issuer == client }
        if mine.count >= Self.maxActivationTokensPerClient, let oldest = mine.first { forgetToken(oldest) }
        if activation.order.count >= Self.maxActivationTokens, let oldest = activation.order.first { forgetToken(oldest) }
        if activation.tokens[token] != nil { forgetToken(token) }
        activation.tokens[token] = .init(issuer: client, input: input, issued: now)
        activation.order.append(token)
        return input != nil
    }

    /// xdg_activation_v1.activate: the token is used up whatever the outcome; if it is honoured, `surface`'s
    /// window is activated as a press would (raised, configured activated, keyboard focus).
    @discardableResult
    public func activate(token: String, surface: Surface) -> ActivationOutcome {
        guard let issued = activation.tokens[token] else { return .unknownToken }
        forgetToken(token)
        guard let input = issued.input else { return .notFromUserInput }
        guard activation.clock() &- input.time <= Self.activationTokenLifetime else { return .expired }
        if let latest = activation.recentInputs.last, latest.sequence != input.sequence,
           latest.client != issued.issuer, latest.client != surface.client {
            return .superseded
        }
        let root = surface.root
        guard let window = window(of: root), scene.view(for: root)?.mapped == true else { return .noWindow }
        if activeWindow !== window { activate(window) }
        if !scene.isTopOfItsStratum(root) { raise(root) }
        return .activated
    }

    /// Unused tokens (for tests and limits).
    public var activationTokenCount: Int { activation.tokens.count }

    private func dropExpiredTokens(now: UInt64) {
        let expired = activation.order.filter {
            guard let token = activation.tokens[$0] else { return true }
            return now &- token.issued > Self.activationTokenLifetime
        }
        for token in expired { forgetToken(token) }
    }

    private func forgetToken(_ token: String) {
        activation.tokens[token] = nil
        activation.order.removeAll { $0 == token }
    }
}
