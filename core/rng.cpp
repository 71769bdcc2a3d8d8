#include "core/rng.h"

#include <ATen/CPUGeneratorImpl.h>

namespace dlab {

Rng::Rng(std::uint64_t seed) : seed_(seed), generator_(at::detail::createCPUGenerator(seed)) {}

torch::Tensor Rng::normal(at::IntArrayRef shape, const torch::Device& device) {
  auto x = at::randn(shape, generator_, at::TensorOptions().dtype(at::kFloat));
  return device.is_cpu() ? x : x.to(device);
}

torch::Tensor Rng::uniform(at::IntArrayRef shape, const torch::Device& device) {
  auto x = at::rand(shape, generator_, at::TensorOptions().dtype(at::kFloat));
  return device.is_cpu() ? x : x.to(device);
}

torch::Tensor Rng::randint(std::int64_t high, at::IntArrayRef shape, const torch::Device& device) {
  auto x = at::randint(high, shape, generator_, at::TensorOptions().dtype(at::kLong));
  return device.is_cpu() ? x : x.to(device);
}

}  // namespace dlab
