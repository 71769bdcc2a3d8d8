// The CSV tables of the app's export (issue 11, core/export_tables.h).
#include "core/export_tables.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace dlab {
namespace {

TEST(ExportTables, PointsWithTheirOrigin) {
  EXPECT_EQ(points_origin_csv({1.5f, -2.0f, 0.1f, 3.25f}), "x,y,origin\n1.5,-2,0\n0.100000001,3.25,1\n");
}

TEST(ExportTables, TrajectoryRowsAreStepTXY) {
  const std::vector<float> x_T = {1, 2, 3, 4}, x_0 = {0.5f, 0.25f, -1, 0};
  EXPECT_EQ(trajectory_csv({&x_T, &x_0}, {999, 0}), "step,t,x,y\n0,999,1,2\n0,999,3,4\n1,0,0.5,0.25\n1,0,-1,0\n");
  EXPECT_THROW(trajectory_csv({&x_T}, {999, 0}), std::invalid_argument);
}

TEST(ExportTables, ScheduleTableHasDlabSchedulesColumns) {
  const NoiseSchedule s;
  const std::string csv = schedule_csv(s);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "t,beta,alpha,alpha_bar,alpha_bar_prev,beta_tilde,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,log_snr,"
            "posterior_mean_coef1,posterior_mean_coef2");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1001);
  // Row t = 1 starts with beta_1 = 1e-4 (the linear schedule's first beta, REFERENCE section 2).
  EXPECT_EQ(csv.substr(csv.find('\n') + 1, 9), "1,0.0001,");
  const std::string respaced = schedule_csv(s, 10, Spacing::Linspace);
  EXPECT_EQ(std::count(respaced.begin(), respaced.end(), '\n'), 11);
  EXPECT_THROW(schedule_csv(s, 1001), std::invalid_argument);
}

TEST(ExportTables, TwoColumns) {
  EXPECT_EQ(two_column_csv("step", "loss", {1, 2}, {0.5, 0.25}), "step,loss\n1,0.5\n2,0.25\n");
}

}  // namespace
}  // namespace dlab
