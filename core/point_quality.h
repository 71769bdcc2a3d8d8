// How close a 2D model's samples come to its data set: the checks behind the shipped models' tests and
// `dlab eval` on a 2D checkpoint.
//
// Each check samples n points with one schedule and sampler and measures the energy distance and the
// sliced Wasserstein distance (core/metrics.h) to n fresh data points, beside the same distances
// between two independent draws of n data points: the floor that sampling noise alone sets at this n.
// A good model scores within a small factor of the floor.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/datasets2d.h"
#include "core/denoiser_net.h"
#include "core/samplers.h"
#include "core/schedule.h"

namespace dlab {

struct PointQualityCheck {
  std::string name;  // "ddpm-linear-1000"
  ScheduleConfig schedule;
  SamplerConfig sampler;  // prediction is set from the model
};

// The two checks every shipped model passes (README "Pretrained models"): DDPM with beta_tilde under the
// linear schedule at T = 1000 (Ho et al. 2020, Alg. 2), and DDIM (eta = 0) at 50 steps under the cosine
// schedule at T = 1000 (Song et al. 2021, Eq. (12); Nichol & Dhariwal 2021, Eq. (17)).
std::vector<PointQualityCheck> standard_point_quality_checks();

// n independent points of a built-in data set. Some generators are stratified (rings and moons put points at
// evenly spaced angles), so two of their draws are closer than independent samples ever are; picking n
// points at random out of a draw of 16 n makes the floor fair to a model, whose samples are independent.
torch::Tensor draw_independent_points(Dataset2D dataset, std::int64_t n, std::uint64_t seed);

// What measure_point_quality compares with: `data`, n points the samples are measured against, and
// `fresh_draws`, kPointQualityFloorDraws further independent draws of n points whose mean distance to `data`
// is the floor. All drawn by draw_independent_points from seeds derived from `seed`.
constexpr int kPointQualityFloorDraws = 4;

struct PointQualityData {
  torch::Tensor data;
  std::vector<torch::Tensor> fresh_draws;
};

PointQualityData draw_point_quality_data(Dataset2D dataset, std::int64_t n, std::uint64_t seed);

struct PointQuality {
  std::string check;
  double energy = 0;          // energy distance, samples vs data
  double sliced = 0;          // sliced 2-Wasserstein distance, samples vs data
  double floor_energy = 0;    // the same between independent draws of the data (mean over the draws)
  double floor_sliced = 0;
  int nfe = 0;                // network evaluations per sample
  double seconds = 0;         // sampling time
};

// `data`: n points of the data set ([n, 2]) the samples are compared with; `fresh_draws`: further
// independent draws of n points each, whose mean distance to `data` is the floor (one draw alone
// scatters by tens of percent). x_T is drawn from `seed`.
PointQuality measure_point_quality(const DenoiserNet& net, const torch::Device& device, Prediction prediction,
                                   const torch::Tensor& data, const std::vector<torch::Tensor>& fresh_draws,
                                   const PointQualityCheck& check, std::uint64_t seed);

}  // namespace dlab
