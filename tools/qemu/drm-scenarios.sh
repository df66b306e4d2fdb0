# tools/qemu/drm-scenarios.sh — the scenarios of tools/test-drm, sourced by a small job script that sets:
#   TAG      ppm | virtio | bochs: names the snapshots (TAG-NAME.ppm) and picks the backend
#   BIN      directory with seawall and seawall-demo
#   OUT      where snapshots, logs and results.txt go (the current directory in the VM)
#   MODE     --mode for the DRM runs (empty: the connector's preferred mode)
# In the VM (TAG virtio or bochs) Seawall drives the real driver (--backend drm) and `snap NAME` asks the
# host for a QMP screendump over fd 3. On the host (TAG ppm) the same steps run with --backend ppm
# --dump-every 1 and `snap NAME` copies the newest frame: both must equal the same golden.
# results.txt gets one line per check: PASS/FAIL TAG NAME [why], EXPECT SNAPSHOT GOLDEN, SAME A B.
set -u
results=$OUT/results.txt
: > "$results"
export XDG_RUNTIME_DIR=/run/seawall-$TAG
rm -rf "$XDG_RUNTIME_DIR"; mkdir -p -m 700 "$XDG_RUNTIME_DIR"
export WAYLAND_DISPLAY=wayland-test
SEAWALL=""

pass() { echo "PASS $TAG $*" >> "$results"; }
fail() { echo "FAIL $TAG $*" >> "$results"; }
expect() { echo "EXPECT $TAG-$1.ppm $2" >> "$results"; }   # snapshot NAME must equal golden $2
drm() { [ "$TAG" != ppm ]; }
now() { date +%s.%N; }

# wait_for FILE TEXT SECONDS: until FILE contains TEXT (fixed string); 1 on timeout.
wait_for() {
    end=$(( $(date +%s) + $3 ))
    until grep -qF -- "$2" "$1" 2>/dev/null; do
        [ "$(date +%s)" -lt "$end" ] || return 1
        sleep 0.05
    done
}

snap() {
    if drm; then
        echo "SNAP $TAG-$1" >&3
        read -r _ <&3
    else
        sleep 0.2   # the frame file is renamed into place before the frame callback is sent; be generous
        newest=$(ls -1 "$OUT"/frames/frame-*.ppm 2>/dev/null | tail -1)
        [ -n "$newest" ] && cp "$newest" "$OUT/$TAG-$1.ppm"
    fi
}

# start_seawall NAME [ARGS]: Seawall on $WAYLAND_DISPLAY, log in NAME.seawall.log; 1 if it did not start.
start_seawall() {
    name=$1; shift
    rm -rf "$OUT/frames"
    if drm; then set -- --backend drm ${MODE:+--mode "$MODE"} "$@"
    else set -- --backend ppm --size 640x480 --refresh 0 --output-dir "$OUT/frames" --dump-every 1 "$@"; fi
    "$BIN/seawall" --socket "$WAYLAND_DISPLAY" --log-level warning "$@" > "$OUT/$name.seawall.log" 2>&1 &
    SEAWALL=$!
    wait_for "$OUT/$name.seawall.log" "listening on" 30 || { fail "$name" "seawall did not start"; return 1; }
}

# stop_seawall NAME: SIGTERM, exit 0, and (DRM) every page flip requested completed; the count is logged.
stop_seawall() {
    kill -TERM "$SEAWALL"; wait "$SEAWALL"; rc=$?
    log=$OUT/$1.seawall.log
    [ $rc -eq 0 ] || { fail "$1" "seawall exited $rc: $(tail -3 "$log" | tr '\n' ' ')"; return 1; }
    drm || return 0
    requested=$(sed -n 's/.* \([0-9]*\) page flips requested.*/\1/p' "$log")
    completed=$(sed -n 's/.*requested, \([0-9]*\) completed.*/\1/p' "$log")
    if [ -n "$requested" ] && [ "$requested" = "$completed" ] && [ "$requested" -ge "${2:-1}" ]; then
        pass "$1-flips" "$completed of $requested page flips completed"
    else
        fail "$1-flips" "flips requested ${requested:-?}, completed ${completed:-?}, wanted at least ${2:-1}"
    fi
}

# demo NAME ARGS: a seawall-demo client in the background, output in NAME.out, stdin from $DEMO_STDIN (the
# redirection must be on the background command itself: sh gives asynchronous commands /dev/null otherwise).
demo() {
    name=$1; shift
    "$BIN/seawall-demo" "$@" < "${DEMO_STDIN:-/dev/null}" > "$OUT/$name.out" 2>&1 &
}

shown() { wait_for "$OUT/$1.out" "$2 frames shown" "${3:-60}" || { fail "$1" "no '$2 frames shown' from the client"; return 1; }; }

# (a) one opaque client at the cascade position (32, 32).
scenario_opaque() {
    start_seawall opaque || return
    demo gradient gradient --size 320x240 --frames 3 --hold
    shown gradient 3 && snap opaque-gradient && expect opaque-gradient opaque-gradient
    stop_seawall opaque 4
}

# (b) two overlapping clients, the second semi-transparent, started one after the other: (32,32), (80,80).
scenario_overlap() {
    start_seawall overlap || return
    demo checker checkerboard --size 320x240 --frames 4 --hold
    shown checker 4 || { stop_seawall overlap; return; }
    demo box box --size 240x180 --frames 5 --hold
    shown box 5 && snap cascade-overlap-alpha && expect cascade-overlap-alpha cascade-overlap-alpha
    stop_seawall overlap 10
}

# (c) a client grows its pool: the screen before (it waits on stdin) and after.
scenario_grow() {
    start_seawall grow || return
    fifo=$XDG_RUNTIME_DIR/grow.fifo
    rm -f "$fifo"; mkfifo "$fifo"; exec 4<>"$fifo"
    DEMO_STDIN=$fifo
    demo grow gradient --size 200x150 --grow-to 360x270 --grow-after 2 --pause-before-grow --frames 4 --hold
    DEMO_STDIN=""
    if wait_for "$OUT/grow.out" "paused before growing" 60; then
        snap grow-before && expect grow-before grow-before
        echo go >&4
        shown grow 4 && snap grow-after && expect grow-after grow-after
    else
        fail grow "the client never paused before growing"
    fi
    exec 4>&-
    stop_seawall grow 5
}

# (d) an animation of 120 frames: every flip completes, the last frame matches.
scenario_animation() {
    start_seawall animation || return
    t0=$(now)
    demo anim box --size 240x180 --frames 120 --hold
    shown anim 120 120 && snap box-animation-120 && expect box-animation-120 box-animation-120
    t1=$(now)
    stop_seawall animation 121
    echo "TIME $TAG animation-120-frames $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f s", b - a }')" >> "$results"
}

# (e) a full-screen opaque client: direct frames (DRM: its damaged rows copied from its buffer straight into
# the dumb buffer, nothing composed); the same golden as the composed frame in DirectFrameGoldenTests.
scenario_direct() {
    start_seawall direct || return
    demo direct gradient --size 640x480 --fullscreen --frames 3 --hold
    shown direct 3 && snap direct-fullscreen-gradient && expect direct-fullscreen-gradient direct-fullscreen-gradient
    stop_seawall direct 3
    if drm; then
        log=$OUT/direct.seawall.log
        if grep -q "([1-9][0-9]* direct frames from a client's buffer)" "$log"; then pass direct-frames "$(grep -o '([0-9]* direct frames[^)]*)' "$log")"
        else fail direct-frames "no direct frame in: $(grep 'pixels copied' "$log")"; fi
    fi
}

# The console: a line of text on tty1, no blinking cursor. Drawing it again after Seawall exits shows it
# only if the CRTC scans out the console's framebuffer at the console's mode again (bochs-drm does not keep
# the console's pixels while its buffer is out of VRAM, so the text is drawn afresh, the same way).
draw_console() {
    printf '\033[2J\033[Hseawall: console check on %s\n' "$TAG" > /dev/tty1
    echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
    sleep 0.3
}

# The CRTC's mode and the framebuffers on the planes, from the kernel's own account (debugfs).
crtc_state() { grep -E 'mode: "|fb=' /sys/kernel/debug/dri/0/state > "$OUT/$1" 2>/dev/null; }

# Seawall at another mode gives the console back on exit. A second opener holds the card meanwhile, so the
# kernel's own last-close restore of the console never runs: what the screen shows after is Seawall's doing.
scenario_restore() {
    draw_console
    crtc_state state-before.txt
    snap console-before
    start_seawall restore --mode 800x600 || return
    exec 5< /dev/dri/card0
    demo solid solid --size 200x200 --frames 2 --hold
    shown solid 2 && snap restore-during
    stop_seawall restore 2
    crtc_state state-after.txt
    draw_console
    snap console-after
    exec 5<&-
    echo "SAME $TAG-console-before.ppm $TAG-console-after.ppm console-restored" >> "$results"
    if [ -s "$OUT/state-before.txt" ] && cmp -s "$OUT/state-before.txt" "$OUT/state-after.txt"; then
        pass crtc-restored "$(grep 'mode:' "$OUT/state-after.txt" | tr -s ' \t' ' ')"
    else
        fail crtc-restored "debugfs CRTC state before/after differ or missing: $(cat "$OUT/state-before.txt" "$OUT/state-after.txt" | tr '\n' ' ')"
    fi
    grep -q "restored .* to " "$OUT/restore.seawall.log" && pass restore-message "$(grep 'restored' "$OUT/restore.seawall.log")" \
        || fail restore-message "seawall did not say it restored the CRTC"
}

# Another program is DRM master (the first opener of a card becomes master): Seawall refuses clearly.
scenario_not_master() {
    sleep 30 < /dev/dri/card0 &
    holder=$!
    sleep 0.3
    "$BIN/seawall" --backend drm --socket wayland-nm > "$OUT/not-master.log" 2>&1; rc=$?
    kill "$holder"; wait "$holder" 2>/dev/null
    if [ $rc -eq 1 ] && grep -q "not DRM master" "$OUT/not-master.log"; then pass not-master "$(cat "$OUT/not-master.log")"
    else fail not-master "exit $rc: $(cat "$OUT/not-master.log")"; fi
}

# A mode the connector does not have.
scenario_bad_mode() {
    "$BIN/seawall" --backend drm --mode 641x479 --socket wayland-bm > "$OUT/bad-mode.log" 2>&1; rc=$?
    if [ $rc -eq 1 ] && grep -q "mode 641x479 is not available" "$OUT/bad-mode.log"; then pass bad-mode
    else fail bad-mode "exit $rc: $(cat "$OUT/bad-mode.log")"; fi
}

if drm; then
    echo "HELLO $TAG" >&3
    scenario_not_master
    scenario_bad_mode
fi
scenario_opaque
scenario_overlap
scenario_grow
scenario_animation
scenario_direct
drm && scenario_restore
exit 0
