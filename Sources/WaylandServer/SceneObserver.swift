// Watching the scene from outside the protocol: the control socket's waits run an action after every change.

extension Server {
    /// Runs `action` after every change to the scene (a commit, a window placed, raised or gone), until the
    /// returned token is dropped. The control socket's waits watch the scene this way.
    public func observeScene(_ action: @escaping () -> Void) -> SceneObserver {
        let observer = SceneObserver(action)
        sceneObservers.append(observer)
        observer.server = self
        return observer
    }
}

/// A registration of `Server.observeScene`: the action runs until this object goes away.
public final class SceneObserver {
    let action: () -> Void
    weak var server: Server?
    init(_ action: @escaping () -> Void) { self.action = action }
    deinit { server?.sceneObservers.removeAll { $0 === self } }
}
