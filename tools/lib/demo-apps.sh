# tools/demo apps [foot|gtk] [OUTPUT_DIR]: sourced by tools/demo (after its package step), which calls
# demo_apps. A real app under `seawall run`, screenshotted once settled and compared with its golden,
# exactly as Tests/EndToEndTests/RealAppTests.swift and docs/TESTING-APPS.md do it.

demo_apps() {
    local app="" out
    case "${1:-}" in
        foot|gtk) app="$1"; shift ;;
    esac
    out="${1:-out/demo-apps}"
    local apps="$PWD/Tests/EndToEndTests/Apps" goldens="$PWD/Tests/EndToEndTests/Golden"

    # The app's packages are not installed here: only named, so that the demo never installs a GUI stack
    # behind anyone's back.
    local have_foot=no have_gtk=no have_fonts=no
    [[ -x /usr/bin/foot ]] && have_foot=yes
    [[ -x /usr/bin/gtk4-widget-factory ]] && have_gtk=yes
    [[ -r /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf && -r /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] && have_fonts=yes
    if [[ -z "$app" ]]; then
        if [[ $have_foot == yes ]]; then app=foot; elif [[ $have_gtk == yes ]]; then app=gtk; else app=foot; fi
    fi
    local need=()
    [[ $app == foot && $have_foot == no ]] && need+=(foot)
    [[ $app == gtk && $have_gtk == no ]] && need+=(gtk-4-examples)
    [[ $have_fonts == no ]] && need+=(fonts-dejavu-core)
    if ((${#need[@]} > 0)); then
        echo "tools/demo apps needs these Debian packages, which are not installed: ${need[*]}" >&2
        echo "Install them as root:  apt-get install ${need[*]}" >&2
        echo "(foot: tools/demo apps foot; GTK 4's gtk4-widget-factory: tools/demo apps gtk)" >&2
        return 1
    fi

    echo "== building seawall (debug)"
    swift build --product seawall >/dev/null
    local seawall
    seawall="$(swift build --show-bin-path)/seawall"

    mkdir -p "$out"
    out="$(cd "$out" && pwd)"
    local work
    work="$(mktemp -d /tmp/seawall-demo-apps.XXXXXX)"
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" RETURN
    mkdir -p "$work/home" "$work/cache" "$work/data" "$work/state"

    # Only the checked-in fonts (fonts-dejavu-core) and settings; private home and caches; no session bus.
    local env=(
        FONTCONFIG_FILE="$apps/fonts.conf" XDG_CONFIG_HOME="$apps/config" XDG_CONFIG_DIRS="$apps/config"
        HOME="$work/home" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state"
        LANG=C.UTF-8 LC_ALL=C.UTF-8 GSETTINGS_BACKEND=keyfile GTK_THEME=Adwaita GDK_BACKEND=wayland
        DBUS_SESSION_BUS_ADDRESS=disabled: NO_AT_BRIDGE=1 GTK_A11Y=none GSK_RENDERER=cairo
    )
    local name golden size window command masks=()
    if [[ $app == foot ]]; then
        name=foot golden=app-foot size=640x240 window=seawall-foot
        command='foot --app-id seawall-foot --title Seawall sh -c '\''printf "Seawall\n  real apps, golden screenshots\n\n\033[1mbold\033[0m \033[31mred\033[32m green\033[34m blue\033[0m\n"; exec sleep 1000'\'
    else
        # gtk4-widget-factory pulses one progress bar from a real-time timer and never settles: that bar is
        # masked, and the screenshot is the first of two in a row identical outside it.
        name=gtk4-widget-factory golden=app-gtk4-widget-factory-cairo size=1440x900 window=gtk4-widget-factory
        command=gtk4-widget-factory
        masks=(--mask 600,126,370,11)
    fi
    local shot="$out/$name.png" diff="$out/$name.diff.png"
    rm -f "$shot" "$diff"

    echo "== $name under: seawall run --clock virtual --size $size -- (start it; seawall ctl wait window $window;"
    if ((${#masks[@]} == 0)); then
        echo "   seawall ctl wait settled --ms 500; seawall ctl screenshot)"
    else
        echo "   screenshots until two in a row match outside ${masks[*]})"
    fi
    local script
    script="$command >\"\$3/app.log\" 2>&1 &
\"\$0\" ctl wait window \"\$1\" --timeout 150 >/dev/null || exit 1"
    if ((${#masks[@]} == 0)); then
        script+="
\"\$0\" ctl wait settled --ms 500 --timeout 120 >/dev/null && \"\$0\" ctl screenshot \"\$2\" >/dev/null"
    else
        script+="
\"\$0\" ctl screenshot \"\$3/try.png\" >/dev/null || exit 1
for i in \$(seq 120); do
    sleep 0.5
    mv \"\$3/try.png\" \"\$3/previous.png\" && \"\$0\" ctl screenshot \"\$3/try.png\" >/dev/null || exit 1
    \"\$0\" compare \"\$3/try.png\" \"\$3/previous.png\" ${masks[*]} >/dev/null && { mv \"\$3/try.png\" \"\$2\"; exit 0; }
done
exit 1"
    fi
    local status=0
    env "${env[@]}" "$seawall" run --clock virtual --size "$size" -- /bin/sh -c "$script" \
        "$seawall" "$window" "$shot" "$work" || status=$?
    if ((status != 0)); then
        echo "seawall run exited with status $status; the app's output:" >&2
        cat "$work/app.log" >&2 2>/dev/null || true
        return 1
    fi

    echo "== seawall compare $name.png Tests/EndToEndTests/Golden/$golden.png --threshold 0 ${masks[*]} --diff $name.diff.png"
    status=0
    "$seawall" compare "$shot" "$goldens/$golden.png" --threshold 0 "${masks[@]}" --diff "$diff" || status=$?
    echo
    echo "Done. Look at:"
    echo "  $shot       the settled screenshot"
    echo "  $diff  differences in red (none if it matched), masked pixels blue, over a dimmed copy"
    echo "  $goldens/$golden.png   the golden it was compared with"
    if ((status == 0)); then echo "It matches the golden."; else echo "It does NOT match the golden (seawall compare exit $status)."; fi
    return "$status"
}
