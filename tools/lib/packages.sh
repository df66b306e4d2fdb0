# Shared by tools/test and tools/demo: make sure the Debian packages Seawall needs are installed.
# As root, missing packages are installed with apt-get; otherwise the script names them and stops.

# What building Seawall needs (pkg-config finds the libraries through these).
SEAWALL_BUILD_PACKAGES=(pkg-config libwayland-dev libdrm-dev libpixman-1-dev libpng-dev wayland-protocols)

# seawall_require_packages PKG...: installs or names whatever is missing, exits 1 if it cannot.
seawall_require_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    if ((${#missing[@]} == 0)); then return 0; fi
    if [[ $(id -u) -eq 0 ]]; then
        echo "Installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "Seawall needs these Debian packages, which are not installed: ${missing[*]}" >&2
        echo "Install them as root:  apt-get install ${missing[*]}" >&2
        exit 1
    fi
}

# seawall_require_swift: Swift itself is not a Debian package; say where to get it.
seawall_require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        if [[ -x /opt/swift/usr/bin/swift ]]; then export PATH="/opt/swift/usr/bin:$PATH"; return 0; fi
        if [[ -x /opt/swift/bin/swift ]]; then export PATH="/opt/swift/bin:$PATH"; return 0; fi
        echo "Swift 6 is needed (swift not on PATH). Install a Swift 6 toolchain for Linux and put its bin/ on PATH." >&2
        exit 1
    fi
}
