// libFuzzer target: the container of a checkpoint file (core/checkpoint_file.h), as load_checkpoint reads it.
#include <string>
#include <string_view>

#include "core/checkpoint_file.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

void parse(std::string_view bytes) {
  using namespace dlab::fuzz;
  try {
    const auto file = dlab::parse_checkpoint_file(bytes, "in.pt");
    check(file.format_version >= 1 && file.format_version <= dlab::kCheckpointFormatVersion,
          "a known version");
    for (const auto& tensor : file.tensors) {
      // What core/checkpoint.cpp then allocates with torch::empty(shape) must be exactly `bytes`.
      std::uint64_t elements = 1;
      for (auto dimension : tensor.shape) {
        check(dimension >= 0, "no negative dimension");
        check(!__builtin_mul_overflow(elements, static_cast<std::uint64_t>(dimension), &elements),
              "the element count fits in 64 bits");
      }
      const std::uint64_t element_size = tensor.dtype == "int64" ? 8 : tensor.dtype == "float32" ? 4 : 1;
      std::uint64_t size = 0;
      check(!__builtin_mul_overflow(elements, element_size, &size) && size == tensor.bytes,
            "shape and byte count agree");
      const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
      check(tensor.data >= begin && tensor.data + tensor.bytes <= begin + bytes.size(),
            "the tensor lies in the file");
    }
  } catch (const dlab::CheckpointError& e) {
    check_message(e.what());
  }
}

// The input with its header length and checksum made right (the header ends at the first NUL byte, where
// the payload starts), so that mutations of the JSON reach the table of tensors instead of stopping there.
std::string repaired(std::string_view input) {
  if (input.size() < 12) return {};
  const auto end = input.find('\0', 12);
  std::string header(input.substr(12, end == std::string_view::npos ? std::string_view::npos : end - 12));
  const std::string_view payload = end == std::string_view::npos ? std::string_view() : input.substr(end);
  const std::string key = "\"payload_fnv1a64\":\"";
  if (const auto at = header.find(key); at != std::string::npos && at + key.size() + 16 <= header.size())
    header.replace(
        at + key.size(), 16,
        dlab::hex64(dlab::fnv1a64(reinterpret_cast<const unsigned char*>(payload.data()), payload.size())));
  const auto n = static_cast<std::uint32_t>(header.size());
  std::string out(input.substr(0, 8));
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((n >> shift) & 0xff);
  return out + header + std::string(payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  parse(input);
  const std::string fixed = repaired(input);
  if (!fixed.empty()) parse(fixed);
  return 0;
}
