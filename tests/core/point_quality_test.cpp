// The quality checks behind the shipped 2D models (core/point_quality.h).
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/metrics.h"
#include "core/point_quality.h"

namespace dlab {
namespace {

TEST(PointQuality, StandardChecksAreDdpmLinearAndDdim50Cosine) {
  const auto checks = standard_point_quality_checks();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].sampler.kind, SamplerKind::Ddpm);
  EXPECT_EQ(checks[0].sampler.variance, VarianceKind::BetaTilde);
  EXPECT_EQ(checks[0].schedule.kind, ScheduleKind::Linear);
  EXPECT_EQ(checks[0].schedule.timesteps, 1000);
  EXPECT_EQ(checks[1].sampler.kind, SamplerKind::Ddim);
  EXPECT_EQ(checks[1].sampler.steps, 50);
  EXPECT_EQ(checks[1].sampler.eta, 0.0);
  EXPECT_EQ(checks[1].schedule.kind, ScheduleKind::Cosine);
}

TEST(PointQuality, IndependentDrawsAreDeterministicPerSeed) {
  const auto a = draw_independent_points(Dataset2D::Moons, 500, 4);
  EXPECT_EQ(a.sizes(), (std::vector<std::int64_t>{500, 2}));
  EXPECT_TRUE(torch::equal(a, draw_independent_points(Dataset2D::Moons, 500, 4)));
  EXPECT_FALSE(torch::equal(a, draw_independent_points(Dataset2D::Moons, 500, 5)));
}

// rings (like moons) puts its points at evenly spaced angles, so two plain draws are closer than independent samples
// can be: the floor would be unfairly low for a model. Independent draws restore it.
TEST(PointQuality, IndependentDrawsUndoTheStratificationOfRings) {
  torch::set_num_threads(1);
  const std::int64_t n = 2000;
  const double stratified = energy_distance(sample_dataset(Dataset2D::Rings, n, 1), sample_dataset(Dataset2D::Rings, n, 2));
  double independent = 0;
  for (int k = 0; k < 3; ++k)
    independent += energy_distance(draw_independent_points(Dataset2D::Rings, n, 10 + 2 * k),
                                   draw_independent_points(Dataset2D::Rings, n, 11 + 2 * k)) / 3;
  EXPECT_GT(independent, 1.5 * stratified) << "stratified " << stratified << ", independent " << independent;
  // For an i.i.d. generator (circle) both kinds of draw give the same floor, up to sampling noise.
  double plain = 0, picked = 0;
  for (int k = 0; k < 3; ++k) {
    plain += energy_distance(sample_dataset(Dataset2D::Circle, n, 20 + 2 * k), sample_dataset(Dataset2D::Circle, n, 21 + 2 * k)) / 3;
    picked += energy_distance(draw_independent_points(Dataset2D::Circle, n, 30 + 2 * k),
                              draw_independent_points(Dataset2D::Circle, n, 31 + 2 * k)) / 3;
  }
  EXPECT_NEAR(picked / plain, 1.0, 0.35);
}

}  // namespace
}  // namespace dlab
