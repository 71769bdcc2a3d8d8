#!/usr/bin/env bash
# Diffusion Lab set-up for a fresh Debian 12 machine, idempotent: installs the Debian packages that are
# missing (as root, or through sudo), builds, and runs the app or the tests.
#
#   bash scripts/setup.sh app [ARGS]   deps, build everything (Release, ./build), start build/diffusion-lab ARGS
#   bash scripts/setup.sh test         deps, build, the whole suite in ./build (core, command line, GUI under
#                                      xvfb); then the core and command-line tests again in ./build-asan under
#                                      AddressSanitizer + UndefinedBehaviorSanitizer; then the fuzz targets of
#                                      the file parsers (clang, ./build-fuzz); then the app's compute tests
#                                      and the trainer tests under ThreadSanitizer (./build-tsan, no GL);
#                                      exits non-zero on a failure
#   bash scripts/setup.sh deps         install the missing Debian packages only
#   bash scripts/setup.sh build        deps and the Release build only
#
# Environment: DLAB_JOBS (parallel jobs, default nproc), DLAB_BUILD_DIR (default ./build),
# DLAB_ASAN_DIR (default ./build-asan), DLAB_SKIP_ASAN=1 (test: skip the sanitizer pass), DLAB_FUZZ_DIR
# (default ./build-fuzz), DLAB_FUZZ_SECONDS (test: seconds per fuzz target, default 20), DLAB_SKIP_FUZZ=1,
# DLAB_TSAN_DIR (default ./build-tsan), DLAB_SKIP_TSAN=1 (test: skip the ThreadSanitizer pass).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${DLAB_BUILD_DIR:-$ROOT/build}"
ASAN_DIR="${DLAB_ASAN_DIR:-$ROOT/build-asan}"
FUZZ_DIR="${DLAB_FUZZ_DIR:-$ROOT/build-fuzz}"
TSAN_DIR="${DLAB_TSAN_DIR:-$ROOT/build-tsan}"
JOBS="${DLAB_JOBS:-$(nproc)}"

PACKAGES=(
  cmake g++ make pkg-config
  libtorch-dev libopenblas0-pthread           # LibTorch 1.13 (CPU); threaded OpenBLAS instead of the reference BLAS
  libimgui-dev libglfw3-dev python3-glad libstb-dev  # the app (glad runs with /usr/bin/python3)
  libgtest-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  xvfb xauth libgl1-mesa-dri mesa-utils       # the GUI tests run under xvfb-run with Mesa's llvmpipe
  fonts-dejavu-core fonts-noto-cjk            # the app's fonts
  dataset-fashion-mnist                       # Fashion-MNIST IDX files (REFERENCE section 10)
  python3-torch                               # only for the PyTorch speed baseline
  imagemagick                                 # screenshots and image checks
  gettext                                     # the translation catalogue's test (xgettext, msgcmp, msgfmt)
  libavcodec-dev libavformat-dev libswscale-dev  # the app's video export: MP4 (H.264, libx264), WebM (VP9)
  libgif-dev                                  # the app's GIF export (giflib)
  ffmpeg                                      # ffprobe: the export tests count frames
  clang libclang-rt-14-dev                    # libFuzzer targets of the file parsers (tests/fuzz)
)

log() { echo "setup: $*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_deps() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "all ${#PACKAGES[@]} Debian packages are installed"
    return
  fi
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

timed() {  # timed LABEL COMMAND...: runs the command and reports its wall time
  local label="$1" start status=0
  shift
  start=$(date +%s)
  "$@" || status=$?
  log "$label: $(($(date +%s) - start)) s"
  return "$status"
}

build() {
  timed "configure $BUILD_DIR" cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DDLAB_BUILD_GUI=ON
  timed "build $BUILD_DIR (-j$JOBS)" cmake --build "$BUILD_DIR" -j "$JOBS"
}

# The core and command-line tests under ASan + UBSan (GUI off). LibTorch itself is not instrumented: the
# sanitizers check our code and what it hands to LibTorch. Options, and why:
#   detect_leaks=0          LibTorch and its dependencies (protobuf, glog, OpenBLAS thread pools) keep global
#                           allocations alive until exit on purpose; LeakSanitizer reports them, not our code.
#   detect_odr_violation=0  the same inline globals reach the process from several LibTorch shared libraries,
#                           which ASan's ODR check reports although nothing is wrong.
sanitized_tests() {
  timed "configure $ASAN_DIR" cmake -S "$ROOT" -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=Release -DDLAB_SANITIZE=ON \
    -DDLAB_BUILD_GUI=OFF
  timed "build $ASAN_DIR (-j$JOBS)" cmake --build "$ASAN_DIR" -j "$JOBS" --target dlab_core_tests dlab dlab_cli_tests
  ASAN_OPTIONS="detect_leaks=0:detect_odr_violation=0:halt_on_error=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    timed "tests under ASan + UBSan" ctest --test-dir "$ASAN_DIR" --output-on-failure -j "$JOBS" --timeout 1800 \
    -L "core|cli" -LE slow
}

# libFuzzer targets of the parsers of untrusted input (tests/fuzz: CSV points, checkpoint container, GUI
# scripts, image files, scene files, fonts), built with clang without LibTorch, under ASan + UBSan: each
# replays its committed corpus (ctest -L fuzz), then mutates inputs for DLAB_FUZZ_SECONDS. Inputs that reach
# new code are kept in $FUZZ_DIR/corpus/<target>; a failing input is written to $FUZZ_DIR/artifacts/ (commit it, once fixed, to
# tests/fuzz/corpus/<target>/). -malloc_limit_mb: a small file must not make the parser allocate 512 MB.
FUZZ_TARGETS=(points_csv checkpoint script image scene font)
fuzz_tests() {
  local seconds="${DLAB_FUZZ_SECONDS:-20}" failed=0 target
  cmake -S "$ROOT" -B "$FUZZ_DIR" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DDLAB_FUZZ=ON -DDLAB_BUILD_GUI=OFF >/dev/null || return 1
  cmake --build "$FUZZ_DIR" -j "$JOBS" || return 1
  ctest --test-dir "$FUZZ_DIR" --output-on-failure -L fuzz || return 1
  mkdir -p "$FUZZ_DIR/artifacts"
  for target in "${FUZZ_TARGETS[@]}"; do
    mkdir -p "$FUZZ_DIR/corpus/$target"
    if "$FUZZ_DIR/tests/fuzz/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -malloc_limit_mb=512 \
      -artifact_prefix="$FUZZ_DIR/artifacts/$target-" "$FUZZ_DIR/corpus/$target" "$ROOT/tests/fuzz/corpus/$target" \
      >"$FUZZ_DIR/$target.log" 2>&1; then
      log "fuzz $target: $(ls "$FUZZ_DIR/corpus/$target" | wc -l) inputs kept, no failure in $seconds s"
    else
      tail -n 40 "$FUZZ_DIR/$target.log"
      log "fuzz $target FAILED (log: $FUZZ_DIR/$target.log)"
      failed=1
    fi
  done
  return "$failed"
}

# The tests that run worker threads under ThreadSanitizer: the app's compute layer without a window
# (tests/gui_compute: reverse recording, restarts, training, checkpoint and data loads, predictions) and
# the trainer's (live edits, cancellation). No GL packages: DLAB_BUILD_GUI_APP=OFF builds only the app's
# state and compute libraries. LibTorch is not instrumented: tests/tsan.supp silences reports whose
# frames are all inside LibTorch, its OpenMP runtime or OpenBLAS (each line says why), never our code.
#   halt_on_error=1     the first report fails the test (and ctest says which)
#   second_deadlock_stack=1  both stacks of a lock-order report
tsan_tests() {
  cmake -S "$ROOT" -B "$TSAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDLAB_TSAN=ON -DDLAB_BUILD_GUI=ON \
    -DDLAB_BUILD_GUI_APP=OFF >/dev/null
  timed "build $TSAN_DIR (-j$JOBS)" cmake --build "$TSAN_DIR" -j "$JOBS" --target dlab_gui_compute_tests dlab_core_tests
  TSAN_OPTIONS="suppressions=$ROOT/tests/tsan.supp:halt_on_error=1:second_deadlock_stack=1" OMP_NUM_THREADS=1 \
    timed "tests under ThreadSanitizer" ctest --test-dir "$TSAN_DIR" --output-on-failure -j "$JOBS" --timeout 1800 \
    -L "compute|core"
}

# All passes always run; the script fails at the end if any failed.
run_tests() {
  local failed=0
  timed "tests $BUILD_DIR" ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 1200 || failed=1
  if [ "${DLAB_SKIP_ASAN:-0}" = "1" ]; then
    log "DLAB_SKIP_ASAN=1: no sanitizer pass"
  else
    sanitized_tests || failed=1
  fi
  if [ "${DLAB_SKIP_TSAN:-0}" = "1" ]; then
    log "DLAB_SKIP_TSAN=1: no ThreadSanitizer pass"
  else
    timed "ThreadSanitizer stage" tsan_tests || failed=1
  fi
  if [ "${DLAB_SKIP_FUZZ:-0}" = "1" ]; then
    log "DLAB_SKIP_FUZZ=1: no fuzzing"
  else
    timed "fuzz stage" fuzz_tests || failed=1
  fi
  if [ "$failed" -ne 0 ]; then
    log "FAILED: see the test output above"
    return 1
  fi
  log "all tests passed"
}

usage() {  # the comment block at the top of this file
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

command="${1:-app}"
[ "$#" -gt 0 ] && shift
case "$command" in
  deps) install_deps ;;
  build) install_deps; build ;;
  app) install_deps; build; exec "$BUILD_DIR/diffusion-lab" "$@" ;;
  test) install_deps; build; run_tests ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    echo "setup: unknown command '$command'; allowed: app, test, deps, build" >&2
    exit 2
    ;;
esac
