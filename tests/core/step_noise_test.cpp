// The noise of a sampler step recovered from its two states (core/step_noise.h).
#include "core/step_noise.h"

#include <gtest/gtest.h>

namespace dlab {
namespace {

TEST(StepNoise, RecoversTheNoiseOfAStep) {
  // x' = mean + sigma z with mean 0.4, sigma 0.0777, z = -1.3.
  const double z = -1.3, mean = 0.4, sigma = 0.0777;
  EXPECT_NEAR(step_noise(mean + sigma * z, mean, sigma), z, 1e-12);
  EXPECT_EQ(step_noise(0.4, 0.4, 0.0), 0.0);  // no noise: nothing to recover
}

}  // namespace
}  // namespace dlab
