#!/usr/bin/env bash
# Diffusion Lab set-up: installs what is missing (Debian 12, as root), builds, and runs the app or the tests.
#   bash scripts/setup.sh app [APP ARGS...]   install, build, start diffusion-lab on its default scene
#   bash scripts/setup.sh test                install, build, run the whole test suite (Release, then ASan+UBSan)
#   bash scripts/setup.sh deps                install the Debian packages only
#   bash scripts/setup.sh build               install and build (Release, build dir ./build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${DLAB_BUILD_DIR:-$ROOT/build}"
ASAN_DIR="${DLAB_ASAN_DIR:-$ROOT/build-asan}"
JOBS="${DLAB_JOBS:-$(nproc)}"

PACKAGES=(
  cmake g++ make pkg-config
  libtorch-dev libopenblas0-pthread          # LibTorch 1.13 (CPU); OpenBLAS instead of the reference BLAS (~6x faster)
  libimgui-dev libglfw3-dev python3-glad libstb-dev
  libgtest-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  xvfb xauth libgl1-mesa-dri mesa-utils      # the GUI tests run under xvfb-run with Mesa's llvmpipe
  fonts-dejavu-core fonts-noto-cjk
  dataset-fashion-mnist
  python3-torch                              # only for the PyTorch speed baseline (bench/)
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "setup: all Debian packages present"
  fi
}

build() {
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

run_tests() {
  build
  # Release suite: core, command line, pretrained models, GUI under xvfb.
  (cd "$BUILD_DIR" && ctest --output-on-failure -j "$JOBS" --timeout 1200)
  # Core and command-line tests again under AddressSanitizer + UndefinedBehaviorSanitizer. LibTorch itself is
  # not instrumented; its global constructors trip ASan's ODR and leak checks, which are about LibTorch, not us.
  cmake -S "$ROOT" -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDLAB_SANITIZE=ON -DDLAB_BUILD_GUI=OFF
  cmake --build "$ASAN_DIR" -j "$JOBS" --target dlab_core_tests dlab
  export ASAN_OPTIONS="detect_leaks=0:detect_odr_violation=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  (cd "$ASAN_DIR" && ctest --output-on-failure -j "$JOBS" --timeout 1800 -L core -LE slow)
}

cmd="${1:-app}"
shift || true
case "$cmd" in
  deps) install_deps ;;
  build) install_deps; build ;;
  app) install_deps; build; exec "$BUILD_DIR/diffusion-lab" "$@" ;;
  test) install_deps; run_tests ;;
  *) echo "usage: bash scripts/setup.sh app|test|build|deps" >&2; exit 2 ;;
esac
