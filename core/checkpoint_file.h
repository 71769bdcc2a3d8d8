// The container of a checkpoint file (format in core/checkpoint.h), without LibTorch so that the fuzz
// target tests/fuzz/checkpoint_fuzz.cpp links it alone: magic, header length, JSON header, kind, format
// version, payload size and checksum, and the table of tensors. core/checkpoint.cpp reads the model spec,
// the training settings and the tensors from what this returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace dlab {

constexpr int kCheckpointFormatVersion = 1;
constexpr char kCheckpointMagic[8] = {'D', 'L', 'A', 'B', 'C', 'K', 'P', 'T'};
constexpr const char* kCheckpointFileKind = "diffusion-lab-checkpoint";

// A file that cannot be used as a checkpoint; the message names the file and what is wrong.
struct CheckpointError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws CheckpointError "checkpoint 'PATH': WHAT".
[[noreturn]] void checkpoint_fail(const std::string& path, const std::string& what);

// FNV-1a, 64 bit (Fowler, Noll, Vo): detects truncated or altered payloads.
std::uint64_t fnv1a64(const unsigned char* data, std::size_t size,
                      std::uint64_t hash = 14695981039346656037ull);
std::string hex64(std::uint64_t value);  // 16 lower-case hex digits

// An integer of the header as T. nlohmann's get<T>() of a floating-point number outside T's range is
// undefined behaviour, so only JSON integers in T's range pass; throws std::runtime_error naming `what`
// otherwise.
template <class T>
T json_integer(const nlohmann::json& value, const std::string& what) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  const auto refuse = [&] { throw std::runtime_error(what + " is not an integer in the range of its type"); };
  if (!value.is_number_integer()) refuse();
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) refuse();
    return static_cast<T>(v);
  }
  const auto v = value.get<std::int64_t>();
  if (v < 0 ? (std::is_unsigned_v<T> || v < static_cast<std::int64_t>(std::numeric_limits<T>::min()))
            : static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
    refuse();
  return static_cast<T>(v);
}

template <class T>
std::vector<T> json_integer_array(const nlohmann::json& value, const std::string& what) {
  if (!value.is_array()) throw std::runtime_error(what + " is not an array");
  std::vector<T> out;
  for (const auto& item : value) out.push_back(json_integer<T>(item, what));
  return out;
}

// object.value(key, fallback), through json_integer for an integer T.
template <class T>
T json_value(const nlohmann::json& object, const char* key, const T& fallback) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    const auto found = object.find(key);
    return found == object.end() ? fallback : json_integer<T>(*found, key);
  } else {
    return object.value(key, fallback);
  }
}

struct CheckpointTensorEntry {
  std::string name;
  std::string dtype;  // "float32", "int64" or "uint8"
  std::vector<std::int64_t> shape;
  const unsigned char* data = nullptr;  // `bytes` bytes inside the parsed buffer
  std::uint64_t bytes = 0;
};

struct CheckpointFile {
  nlohmann::json header;  // the whole JSON header ("model", "training", "metadata", "state", ...)
  int format_version = 0;
  std::vector<CheckpointTensorEntry> tensors;  // in table order, each checked against the payload
};

// Parses and checks the bytes of a checkpoint file; the entries point into `bytes`. Throws CheckpointError
// naming `path`.
CheckpointFile parse_checkpoint_file(std::string_view bytes, const std::string& path);

}  // namespace dlab
