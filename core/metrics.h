// Distances between two point sets, to judge samples against data (double precision, deterministic).
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace dlab {

// Energy distance (Szekely & Rizzo 2013, Eq. (2)) between the empirical distributions of a [n, d] and
// b [m, d]: D = sqrt(2 E|X - Y| - E|X - X'| - E|Y - Y'|), each mean over all pairs (V-statistics, so
// D >= 0 and D = 0 iff the point sets are equal as distributions). Same units as the points; for two
// independent draws of n points from one distribution D shrinks like n^(-1/2).
double energy_distance(const torch::Tensor& a, const torch::Tensor& b);

// Sliced 2-Wasserstein distance (Rabin et al. 2011; Bonneel et al. 2015): the root mean over
// `projections` random unit directions (drawn from `seed`) of W_2^2 between the 1D projections,
// computed from sorted projections at K = max(n, m) common quantile levels (i + 0.5)/K.
double sliced_wasserstein(const torch::Tensor& a, const torch::Tensor& b, int projections = 256,
                          std::uint64_t seed = 0);

}  // namespace dlab
