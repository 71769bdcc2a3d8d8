// Shared by the fuzz targets: what every parser must hold on any input besides not crashing.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace dlab::fuzz {

// An error message stays short whatever the input: it names the problem, it does not echo the input.
constexpr std::size_t kMaxMessage = 512;

inline void check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

inline void check_message(const std::string& message) {
  if (message.size() <= kMaxMessage) return;
  std::fprintf(stderr, "fuzz check failed: a %zu-character error message: %.200s...\n", message.size(),
               message.c_str());
  std::abort();
}

}  // namespace dlab::fuzz
