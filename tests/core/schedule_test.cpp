#include "core/schedule.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dlab {
namespace {

TEST(Schedule, LinearEndpoints) {
  NoiseSchedule s;
  EXPECT_EQ(s.timesteps(), 1000);
  EXPECT_DOUBLE_EQ(s.beta(1), 1e-4);
  EXPECT_DOUBLE_EQ(s.beta(1000), 0.02);
  EXPECT_DOUBLE_EQ(s.alpha_bar(0), 1.0);
  EXPECT_NEAR(s.sigma(1), 0.0100005, 1e-7);     // REFERENCE section 2
  EXPECT_NEAR(s.sigma(1000), 157.407, 1e-3);
}

TEST(Schedule, CosineGoldenNumbers) {
  ScheduleConfig c;
  c.kind = ScheduleKind::Cosine;
  NoiseSchedule s(c);
  EXPECT_NEAR(s.beta(1), 4.128e-5, 1e-8);  // REFERENCE section 2
  EXPECT_NEAR(s.beta(500), 3.146e-3, 1e-6);
  EXPECT_NEAR(s.beta(999), 0.74999, 1e-5);
  EXPECT_DOUBLE_EQ(s.beta(1000), 0.999);
  EXPECT_NEAR(s.alpha_bar(1000), 2.43e-9, 0.01e-9);
}

}  // namespace
}  // namespace dlab
