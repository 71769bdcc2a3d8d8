// Independent random streams derived from one user seed, shared by `dlab` and the app so that the same
// settings and seed give the same numbers in both. Torch-free.
//
//   data x_0            the seed itself (core/datasets2d.h)
//   ForwardNoise        eps of the closed form x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps
//   ChainStep + s       the noise of step s of the one-step chain (so any x_t is reproducible by itself)
//   StartingNoise       x_T ~ N(0, I) of the reverse process
//   SamplerNoise        the noise z of stochastic samplers (never equal to x_T)
//   ElboNoise           the noise of x_t in the app's ELBO of the data (core/elbo_points.h)
//   PriorCodes          z ~ N(0, I) decoded by the VAE, against latent diffusion (core/latent_diffusion.h)
#pragma once

#include <cstdint>

namespace dlab {

enum class SeedStream : std::uint64_t {
  ForwardNoise = 1,
  StartingNoise = 2,
  SamplerNoise = 3,
  ElboNoise = 4,
  PriorCodes = 5,
  ChainStep = 16
};

// splitmix64 (Steele et al. 2014) of seed + stream * golden-ratio increment.
constexpr std::uint64_t derived_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + stream * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
constexpr std::uint64_t derived_seed(std::uint64_t seed, SeedStream stream) {
  return derived_seed(seed, static_cast<std::uint64_t>(stream));
}
// The noise of chain step s (1..T): its own stream, so a jump to any t needs no earlier random numbers.
constexpr std::uint64_t chain_step_seed(std::uint64_t seed, int step) {
  return derived_seed(derived_seed(seed, SeedStream::ChainStep), static_cast<std::uint64_t>(step));
}

}  // namespace dlab
