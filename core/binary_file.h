// The small binary files of the project's own networks (the classifier's .lenet, the VAE's .vae): a magic
// string naming the kind and format version, the payload's size and FNV-1a checksum, then the payload (the
// sizes and names the network needs, then its tensors as named float32 arrays). Independent of LibTorch's
// serialisation; written atomically (core/atomic_file.h).
#pragma once

#include <torch/ordered_dict.h>
#include <torch/types.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace dlab {

// FNV-1a 64-bit hash (Fowler, Noll, Vo), to detect a damaged file.
std::uint64_t fnv1a(const std::string& bytes);

// ---- writing: append to a payload, then write it framed ------------------------------------------
template <class T>
void put_value(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}
void put_string(std::string& out, const std::string& text);  // uint32 size, then the bytes
// uint32 count; per tensor: name, uint32 rank, int64 sizes, float32 values.
void put_tensors(std::string& out, const torch::OrderedDict<std::string, torch::Tensor>& tensors);

// magic, uint64 payload size, uint64 checksum, payload; atomically. Throws std::runtime_error naming path.
void write_checksummed_file(const std::string& path, const std::string& magic, const std::string& payload);

// ---- reading ------------------------------------------------------------------------------------
// The payload of a file written by write_checksummed_file. `kind` names the file in errors ("classifier"):
// "PATH: cannot open the KIND file", "PATH: not a Diffusion Lab KIND file (bad magic)",
// "PATH: truncated KIND file (x of y bytes)", "PATH: KIND file is damaged (checksum)".
std::string read_checksummed_file(const std::string& path, const std::string& magic, const std::string& kind);

// Reads a payload; every failure throws std::runtime_error "PATH: not a usable KIND file: WHAT".
class PayloadReader {
 public:
  PayloadReader(const std::string& bytes, const std::string& path, const std::string& kind)
      : bytes_(bytes), path_(path), kind_(kind) {}
  template <class T>
  T get() {
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  std::string get_string(std::size_t max_size = 1 << 16);
  const char* take(std::size_t size);
  // Fills `tensors` (the network's parameters, in order) from put_tensors' layout; names, ranks and sizes
  // must match. With require_finite, a NaN or infinite value is refused.
  void read_tensors_into(torch::OrderedDict<std::string, torch::Tensor>& tensors,
                         bool require_finite = false);
  bool done() const { return position_ == bytes_.size(); }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  const std::string& bytes_;
  const std::string& path_;
  std::string kind_;
  std::size_t position_ = 0;
};

}  // namespace dlab
