# Shared checks for the scripts: fail early, with a message that says what to do.

# The Debian packages the build needs: libpng, libjpeg-turbo and zlib headers, found through pkg-config.
SOBEL_APT_PACKAGES="pkg-config libpng-dev libjpeg-dev zlib1g-dev"

require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: no Swift toolchain on PATH. Install Swift 6.1 or later from swift.org, then run this again." >&2
        exit 1
    fi
}

# Installs Debian packages that are missing (as root, or through sudo).
require_apt_packages() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "== installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}
