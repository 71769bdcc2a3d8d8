#include "core/binary_file.h"

#include <torch/torch.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"

namespace dlab {

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

void put_string(std::string& out, const std::string& text) {
  put_value<std::uint32_t>(out, static_cast<std::uint32_t>(text.size()));
  out += text;
}

void put_tensors(std::string& out, const torch::OrderedDict<std::string, torch::Tensor>& tensors) {
  put_value<std::uint32_t>(out, static_cast<std::uint32_t>(tensors.size()));
  for (const auto& item : tensors) {
    const auto value = item.value().detach().to(torch::kCPU, torch::kFloat).contiguous();
    put_string(out, item.key());
    put_value<std::uint32_t>(out, static_cast<std::uint32_t>(value.dim()));
    for (auto size : value.sizes()) put_value<std::int64_t>(out, size);
    out.append(reinterpret_cast<const char*>(value.data_ptr<float>()), value.numel() * sizeof(float));
  }
}

void write_checksummed_file(const std::string& path, const std::string& magic, const std::string& payload) {
  write_file_atomically(path, [&](std::ostream& out) {
    out.write(magic.data(), static_cast<std::streamsize>(magic.size()));
    const std::uint64_t checksum = fnv1a(payload);
    const std::uint64_t size = payload.size();
    out.write(reinterpret_cast<const char*>(&size), sizeof size);
    out.write(reinterpret_cast<const char*>(&checksum), sizeof checksum);
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
  });
}

std::string read_checksummed_file(const std::string& path, const std::string& magic,
                                  const std::string& kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open the " + kind + " file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  if (bytes.size() < magic.size() + 16 || bytes.compare(0, magic.size(), magic) != 0)
    throw std::runtime_error(path + ": not a Diffusion Lab " + kind + " file (bad magic)");
  std::uint64_t size = 0, checksum = 0;
  std::memcpy(&size, bytes.data() + magic.size(), 8);
  std::memcpy(&checksum, bytes.data() + magic.size() + 8, 8);
  std::string payload = bytes.substr(magic.size() + 16);
  if (payload.size() != size)
    throw std::runtime_error(path + ": truncated " + kind + " file (" + std::to_string(payload.size()) +
                             " of " + std::to_string(size) + " bytes)");
  if (fnv1a(payload) != checksum)
    throw std::runtime_error(path + ": " + kind + " file is damaged (checksum)");
  return payload;
}

std::string PayloadReader::get_string(std::size_t max_size) {
  const auto size = get<std::uint32_t>();
  if (size > max_size) fail("a name is too long");
  return std::string(take(size), size);
}

const char* PayloadReader::take(std::size_t size) {
  if (bytes_.size() - position_ < size) fail("truncated");
  const char* out = bytes_.data() + position_;
  position_ += size;
  return out;
}

void PayloadReader::read_tensors_into(torch::OrderedDict<std::string, torch::Tensor>& tensors,
                                      bool require_finite) {
  if (get<std::uint32_t>() != tensors.size()) fail("wrong number of tensors");
  torch::NoGradGuard no_grad;
  for (auto& item : tensors) {
    if (get_string() != item.key()) fail("tensor names do not match (expected " + item.key() + ")");
    const auto dims = get<std::uint32_t>();
    if (dims != static_cast<std::uint32_t>(item.value().dim())) fail("wrong shape of " + item.key());
    for (std::uint32_t d = 0; d < dims; ++d)
      if (get<std::int64_t>() != item.value().size(d)) fail("wrong shape of " + item.key());
    const auto count = static_cast<std::size_t>(item.value().numel());
    const char* data = take(count * sizeof(float));
    std::memcpy(item.value().data_ptr<float>(), data, count * sizeof(float));
    if (require_finite && !torch::isfinite(item.value()).all().item<bool>())
      fail(item.key() + " holds NaN or infinite values");
  }
}

void PayloadReader::fail(const std::string& what) const {
  throw std::runtime_error(path_ + ": not a usable " + kind_ + " file: " + what);
}

}  // namespace dlab
