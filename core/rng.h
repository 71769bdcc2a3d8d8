// Seeded random numbers. Noise is always drawn on the CPU from one seeded generator and then moved
// to the target device, so a seed gives the same pixels and points on the CPU and on a GPU.
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace dlab {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t seed() const { return seed_; }
  torch::Tensor normal(at::IntArrayRef shape, const torch::Device& device = torch::kCPU);   // N(0, 1), float32
  torch::Tensor uniform(at::IntArrayRef shape, const torch::Device& device = torch::kCPU);  // U[0, 1), float32
  torch::Tensor randint(std::int64_t high, at::IntArrayRef shape, const torch::Device& device = torch::kCPU);  // int64 in [0, high)
  at::Generator& generator() { return generator_; }

 private:
  std::uint64_t seed_;
  at::Generator generator_;
};

}  // namespace dlab
