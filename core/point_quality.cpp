#include "core/point_quality.h"

#include <chrono>
#include <stdexcept>

#include "core/metrics.h"
#include "core/rng.h"

namespace dlab {

std::vector<PointQualityCheck> standard_point_quality_checks() {
  PointQualityCheck ddpm;
  ddpm.name = "ddpm-linear-1000";
  ddpm.schedule.kind = ScheduleKind::Linear;
  ddpm.schedule.timesteps = 1000;
  ddpm.sampler.kind = SamplerKind::Ddpm;
  ddpm.sampler.variance = VarianceKind::BetaTilde;
  ddpm.sampler.steps = 1000;

  PointQualityCheck ddim;
  ddim.name = "ddim50-cosine-1000";
  ddim.schedule.kind = ScheduleKind::Cosine;
  ddim.schedule.timesteps = 1000;
  ddim.sampler.kind = SamplerKind::Ddim;
  ddim.sampler.eta = 0.0;
  ddim.sampler.steps = 50;
  return {ddpm, ddim};
}

torch::Tensor draw_independent_points(Dataset2D dataset, std::int64_t n, std::uint64_t seed) {
  constexpr std::int64_t kPoolFactor = 16;
  const torch::Tensor pool = sample_dataset(dataset, kPoolFactor * n, seed);
  Rng rng(seed ^ 0x9e3779b97f4a7c15ULL);
  const torch::Tensor pick = torch::randperm(pool.size(0), rng.generator(), torch::kLong).narrow(0, 0, n);
  return pool.index_select(0, pick);
}

PointQualityData draw_point_quality_data(Dataset2D dataset, std::int64_t n, std::uint64_t seed) {
  // Seeds far apart, so the draws never share a stream with each other or with x_T (drawn from `seed`).
  constexpr std::uint64_t kStride = 1000003;
  PointQualityData out;
  out.data = draw_independent_points(dataset, n, seed + kStride);
  for (int k = 1; k <= kPointQualityFloorDraws; ++k)
    out.fresh_draws.push_back(draw_independent_points(dataset, n, seed + kStride + kStride * k));
  return out;
}

PointQuality measure_point_quality(const DenoiserNet& net, const torch::Device& device, Prediction prediction,
                                   const torch::Tensor& data, const std::vector<torch::Tensor>& fresh_draws,
                                   const PointQualityCheck& check, std::uint64_t seed) {
  if (data.dim() != 2 || data.size(1) != 2 || data.size(0) < 2)
    throw std::invalid_argument("point quality: data must be [n, 2] with n >= 2");
  if (fresh_draws.empty()) throw std::invalid_argument("point quality: at least one fresh draw is needed");
  for (const auto& fresh : fresh_draws)
    if (fresh.sizes() != data.sizes()) throw std::invalid_argument("point quality: fresh draws must be [n, 2]");
  const NoiseSchedule schedule(check.schedule);
  SamplerConfig sampler = check.sampler;
  sampler.prediction = prediction;
  sampler.seed = seed + 1;
  Rng rng(seed);
  const torch::Tensor x_T = rng.normal({data.size(0), 2}).to(device);

  const auto start = std::chrono::steady_clock::now();
  const SampleResult result = sample(schedule, make_network_denoiser(net, device), x_T, sampler);
  PointQuality quality;
  quality.check = check.name;
  quality.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  quality.nfe = result.nfe;
  const torch::Tensor samples = result.x0.to(torch::kCPU);
  quality.energy = energy_distance(samples, data);
  quality.sliced = sliced_wasserstein(samples, data, 256, seed);
  for (const auto& fresh : fresh_draws) {
    quality.floor_energy += energy_distance(fresh, data) / static_cast<double>(fresh_draws.size());
    quality.floor_sliced += sliced_wasserstein(fresh, data, 256, seed) / static_cast<double>(fresh_draws.size());
  }
  return quality;
}

}  // namespace dlab
