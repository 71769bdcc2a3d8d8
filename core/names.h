// One name table per enum, shared by the UI, the command line and saved files.
//
// Each enum E specialises EnumNames<E> with a static array `entries` of {value, name, label}:
//   name  - the stable identifier used on the command line and in checkpoints ("scaled-linear")
//   label - what the UI shows ("Scaled linear")
#pragma once

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dlab {

template <class E>
struct EnumEntry {
  E value;
  const char* name;
  const char* label;
};

template <class E>
struct EnumNames;  // specialise: static constexpr std::array<EnumEntry<E>, N> entries{...};

template <class E>
const char* to_name(E value) {
  for (const auto& entry : EnumNames<E>::entries)
    if (entry.value == value) return entry.name;
  return "?";
}

template <class E>
const char* to_label(E value) {
  for (const auto& entry : EnumNames<E>::entries)
    if (entry.value == value) return entry.label;
  return "?";
}

template <class E>
std::optional<E> from_name(std::string_view name) {
  for (const auto& entry : EnumNames<E>::entries)
    if (name == entry.name) return entry.value;
  return std::nullopt;
}

// "a|b|c": the allowed names, for error messages and --help.
template <class E>
std::string allowed_names(const char* separator = "|") {
  std::string out;
  for (const auto& entry : EnumNames<E>::entries) {
    if (!out.empty()) out += separator;
    out += entry.name;
  }
  return out;
}

// Parses or throws std::invalid_argument naming `what` and the allowed values.
template <class E>
E parse_name(std::string_view name, std::string_view what) {
  if (auto value = from_name<E>(name)) return *value;
  throw std::invalid_argument(std::string(what) + ": unknown value '" + std::string(name) +
                              "'; allowed: " + allowed_names<E>(", "));
}

template <class E>
constexpr std::size_t enum_count() {
  return EnumNames<E>::entries.size();
}

}  // namespace dlab
