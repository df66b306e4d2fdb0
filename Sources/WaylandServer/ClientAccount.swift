import ClientMemory

/// What one client holds, counted against `Limits`. Shared by that client's pools, copies and surfaces, which
/// give their share back when they die (possibly after the client itself is gone). ClientMemory counts the
/// memory (`memory`) where it is taken and freed; the protocol layer counts surfaces and enforces the limits.
final class ClientAccount {
    /// Pools, pool bytes and the copy policy's copy bytes.
    let memory = MemoryAccount()
    var surfaces = 0
    /// Live xdg_activation_token_v1 objects (XdgActivationV1.maxTokenObjectsPerClient).
    var activationTokenObjects = 0
}
