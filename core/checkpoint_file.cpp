#include "core/checkpoint_file.h"

#include <cstring>
#include <sstream>

#include "core/text_excerpt.h"

namespace dlab {

void checkpoint_fail(const std::string& path, const std::string& what) {
  throw CheckpointError("checkpoint '" + path + "': " + what);
}

std::uint64_t fnv1a64(const unsigned char* data, std::size_t size, std::uint64_t hash) {
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= data[i];
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string hex64(std::uint64_t value) {
  std::ostringstream out;
  out << std::hex;
  out.width(16);
  out.fill('0');
  out << value;
  return out.str();
}

namespace {

constexpr std::size_t kMaxHeaderBytes = 64u << 20;

std::size_t dtype_size(const std::string& name) {
  if (name == "float32") return 4;
  if (name == "int64") return 8;
  if (name == "uint8") return 1;
  return 0;
}

}  // namespace

CheckpointFile parse_checkpoint_file(std::string_view bytes, const std::string& path) {
  using Json = nlohmann::json;
  const auto fail = [&](const std::string& what) { checkpoint_fail(path, what); };
  if (bytes.size() < sizeof kCheckpointMagic + 4 ||
      std::memcmp(bytes.data(), kCheckpointMagic, sizeof kCheckpointMagic) != 0)
    fail("not a Diffusion Lab checkpoint (it does not start with DLABCKPT)");
  const auto* length_bytes = reinterpret_cast<const unsigned char*>(bytes.data() + sizeof kCheckpointMagic);
  const std::uint64_t header_length = length_bytes[0] | (length_bytes[1] << 8) | (length_bytes[2] << 16) |
                                      (static_cast<std::uint64_t>(length_bytes[3]) << 24);
  const std::size_t header_start = sizeof kCheckpointMagic + 4;
  if (header_length > kMaxHeaderBytes || header_start + header_length > bytes.size())
    fail("truncated or corrupt: the header runs past the end of the file");
  CheckpointFile file;
  Json& header = file.header;
  try {
    header = Json::parse(bytes.begin() + header_start, bytes.begin() + header_start + header_length);
  } catch (const std::exception& e) {  // the message quotes the token it stopped at: keep its start only
    fail("corrupt header (" + text_excerpt(e.what(), 200) + ")");
  }

  try {
    if (!header.is_object() || header.value("kind", std::string()) != kCheckpointFileKind)
      fail("not a Diffusion Lab checkpoint (header kind is not '" + std::string(kCheckpointFileKind) + "')");
    const auto version = json_integer<std::int64_t>(header.at("format_version"), "format_version");
    if (version > kCheckpointFormatVersion)
      fail("written by a newer Diffusion Lab (checkpoint format " + std::to_string(version) +
           "; this build reads formats up to " + std::to_string(kCheckpointFormatVersion) + ")");
    if (version < 1) fail("invalid checkpoint format version " + std::to_string(version));
    file.format_version = static_cast<int>(version);

    // ---- payload: size, checksum, then the table of tensors ------------------------------------------
    const std::size_t payload_start = header_start + header_length;
    const auto payload_bytes = json_integer<std::uint64_t>(header.at("payload_bytes"), "payload_bytes");
    const std::size_t available = bytes.size() - payload_start;
    if (available < payload_bytes)
      fail("truncated: " + std::to_string(payload_bytes) + " bytes of tensor data expected, " +
           std::to_string(available) + " found");
    if (available > payload_bytes)
      fail("corrupt: " + std::to_string(available - payload_bytes) +
           " unexpected bytes after the tensor data");
    const auto* payload = reinterpret_cast<const unsigned char*>(bytes.data() + payload_start);
    if (hex64(fnv1a64(payload, payload_bytes)) != header.at("payload_fnv1a64").get<std::string>())
      fail("corrupt: the tensor data does not match its checksum");
    for (const auto& entry : header.at("tensors")) {
      CheckpointTensorEntry tensor;
      tensor.name = entry.at("name").get<std::string>();
      tensor.dtype = entry.at("dtype").get<std::string>();
      const std::size_t element_size = dtype_size(tensor.dtype);
      const std::string name = text_excerpt(tensor.name);  // for messages
      if (element_size == 0) fail("tensor '" + name + "' has an unknown dtype");
      tensor.shape = json_integer_array<std::int64_t>(entry.at("shape"), "shape");
      const auto offset = json_integer<std::uint64_t>(entry.at("offset"), "offset");
      tensor.bytes = json_integer<std::uint64_t>(entry.at("bytes"), "bytes");
      // The byte count must equal the product of the shape: checked for overflow, since a wrapped product
      // could match a small byte count while torch::empty(shape) would then ask for exabytes.
      std::uint64_t size = element_size;
      bool overflow = false;
      for (auto dimension : tensor.shape) {
        if (dimension < 0) fail("tensor '" + name + "' has a negative dimension");
        overflow = overflow || __builtin_mul_overflow(size, static_cast<std::uint64_t>(dimension), &size);
      }
      if (overflow || size != tensor.bytes || offset > payload_bytes || tensor.bytes > payload_bytes - offset)
        fail("corrupt table entry for tensor '" + name + "'");
      tensor.data = payload + offset;
      file.tensors.push_back(std::move(tensor));
    }
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception& e) {  // nlohmann::json type and key errors
    fail(std::string("corrupt header (") + e.what() + ")");
  }
  return file;
}

}  // namespace dlab
