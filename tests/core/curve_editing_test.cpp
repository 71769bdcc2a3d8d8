// Editing a custom schedule curve keeps it valid (core/schedule.h), and log-SNR back to t.
#include <gtest/gtest.h>

#include <random>

#include "core/schedule.h"

namespace dlab {
namespace {

ScheduleConfig custom(const std::vector<CurvePoint>& curve) {
  ScheduleConfig config;
  config.kind = ScheduleKind::Custom;
  config.custom_curve = curve;
  return config;
}

TEST(CurveEditing, AnyDragLeavesAValidCurve) {
  std::vector<CurvePoint> curve = default_custom_curve();
  std::mt19937 random(7);
  std::uniform_real_distribution<double> u(-0.5, 1.5), y(-40, 40);
  for (int i = 0; i < 2000; ++i) {
    const int index = static_cast<int>(random() % curve.size());
    move_curve_point(curve, index, u(random), y(random));
    ASSERT_NO_THROW(validate(custom(curve))) << "after move " << i;
  }
  EXPECT_EQ(curve.front().u, 0.0);
  EXPECT_EQ(curve.back().u, 1.0);
}

TEST(CurveEditing, InsertAndRemove) {
  std::vector<CurvePoint> curve = {{0.0, 10.0}, {1.0, -10.0}};
  EXPECT_TRUE(insert_curve_point(curve, 0.5, 50.0));  // clamped between its neighbours
  ASSERT_EQ(curve.size(), 3u);
  EXPECT_EQ(curve[1].u, 0.5);
  EXPECT_LT(curve[1].log_snr, 10.0);
  EXPECT_NO_THROW(validate(custom(curve)));
  EXPECT_FALSE(insert_curve_point(curve, 0.5, 0.0));  // no room at the same u
  EXPECT_FALSE(remove_curve_point(curve, 0));         // the ends stay
  EXPECT_FALSE(remove_curve_point(curve, 2));
  EXPECT_TRUE(remove_curve_point(curve, 1));
  EXPECT_FALSE(remove_curve_point(curve, 1));  // two points are the least
}

TEST(CurveEditing, CurveFromAScheduleIsValid) {
  for (ScheduleKind kind : {ScheduleKind::Linear, ScheduleKind::Cosine, ScheduleKind::Sigmoid}) {
    ScheduleConfig config;
    config.kind = kind;
    EXPECT_NO_THROW(validate(custom(curve_from_schedule(NoiseSchedule(config))))) << to_name(kind);
  }
}

TEST(CurveEditing, TimestepAtLogSnrInvertsTheSchedule) {
  const NoiseSchedule schedule;
  for (int t : {1, 2, 100, 999, 1000}) EXPECT_EQ(schedule.timestep_at_log_snr(schedule.log_snr(t)), t);
  // Between two timesteps: the first t at or below the value.
  const double between = 0.5 * (schedule.log_snr(10) + schedule.log_snr(11));
  EXPECT_EQ(schedule.timestep_at_log_snr(between), 11);
  EXPECT_EQ(schedule.timestep_at_log_snr(schedule.log_snr(1) + 1), 0);
  EXPECT_EQ(schedule.timestep_at_log_snr(schedule.log_snr(1000) - 1), 0);
}

}  // namespace
}  // namespace dlab
