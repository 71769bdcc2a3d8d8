// Helpers of the compute-layer tests (no window): scenes set through the control registry, clocks,
// and time bounds that allow for ThreadSanitizer's slowdown.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "app/gui/state/controls.h"
#include "app/gui/state/scene.h"

namespace dlab::gui::test {

#if defined(__SANITIZE_THREAD__)
constexpr double kSlowdown = 10.0;  // ThreadSanitizer runs code 5-15x slower
#else
constexpr double kSlowdown = 1.0;
#endif

// A sanity bound for one UI-thread call that must not wait for a worker (the real checks are the
// deterministic ones: a blocked worker, counters).
constexpr double kFrameSeconds = 0.05 * kSlowdown;

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline void set(Scene& scene, const std::string& name, const std::string& value) { set_control(scene, name, value); }

inline std::string temp_path(const std::string& name) {
  std::filesystem::create_directories(DLAB_TEST_TMP);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(DLAB_TEST_TMP) + "/" + info->test_suite_name() + "_" + info->name() + "_" + name;
}

// Polls `done` (each poll may be a sync) until it holds or `seconds` pass; true if it held.
template <class F>
bool eventually(F done, double seconds = 120.0) {
  const auto start = std::chrono::steady_clock::now();
  while (!done()) {
    if (seconds_since(start) > seconds * kSlowdown) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace dlab::gui::test
