/// What surfaces are told about the outputs they are on, beyond wl_surface.enter and leave: the scale to draw
/// at (wp_fractional_scale_v1.preferred_scale), the output a presentation was synchronized to
/// (wp_presentation_feedback.sync_output), the outputs a window list says a window is on
/// (zwlr_foreign_toplevel_handle_v1.output_enter/leave) and the bounds a toplevel is asked to fit in
/// (xdg_toplevel.configure_bounds). With one output every answer is that output.
extension Compositor {
    /// The scale `surface` should draw its buffers at: the largest scale of the outputs it is drawn on, so that
    /// it is sharp on each. On none (not shown yet, hidden, or off every output) it keeps `previous`, the scale
    /// it was last told (a minimized window does not redraw for nothing), or, never told, gets the scale of the
    /// output new windows open on (the one the pointer is on; the first until the pointer moves), where a new
    /// window is about to map.
    public func preferredScale(of surface: Surface, previous: OutputScale?) -> OutputScale {
        let on = outputs(of: surface)
        guard !on.isEmpty else { return previous ?? scene.outputs[scene.focusedOutput].scale }
        var largest = scene.outputs[on[0]].scale
        for index in on.dropFirst() where scene.outputs[index].scale.numerator > largest.numerator {
            largest = scene.outputs[index].scale
        }
        return largest
    }

    /// The output `surface` is mostly on, among those it is drawn on (the first of them on a tie); nil when it is
    /// drawn on none.
    public func mainOutput(of surface: Surface) -> Int? {
        let on = outputs(of: surface)
        guard on.count > 1 else { return on.first }
        let mostly = scene.outputs.index(for: layoutRect(of: surface))
        return on.contains(mostly) ? mostly : on[0]
    }

    /// The output a toplevel's configure speaks of: the one it fills when maximized or fullscreen, else the one
    /// it is mostly on once mapped, else the one new windows open on.
    public func configureOutput(of window: Window) -> Int {
        if window.maximized || window.fullscreen { return filledOutput(of: window) }
        if let surface = window.surface, let view = scene.view(for: surface), view.mapped { return scene.outputIndex(of: view) }
        return scene.focusedOutput
    }

    /// xdg_toplevel.configure_bounds: the logical size of the output the configure speaks of.
    public func configureBounds(of window: Window) -> (width: Int64, height: Int64) {
        let area = scene.outputs[configureOutput(of: window)].rect
        return (area.width, area.height)
    }
}

extension Compositor {
    /// The outputs a window list says `window` is on (zwlr_foreign_toplevel_handle_v1.output_enter/leave): those
    /// its surface is drawn on, in order. A minimized window is drawn on none but stays on those it was on
    /// (`previous`), or for a list that has not seen it before, on the output it is mostly on: a task bar
    /// that lists the windows of its own output still offers it to be brought back.
    public func listedOutputs(of window: Window, previous: [Int]) -> [Int] {
        guard let surface = window.surface else { return [] }
        if window.minimized {
            if !previous.isEmpty { return previous }
            return scene.view(for: surface).map { [scene.outputIndex(of: $0)] } ?? []
        }
        return outputs(of: surface)
    }
}
