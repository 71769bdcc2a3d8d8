#include "core/export_tables.h"

#include <cstdio>
#include <stdexcept>

namespace dlab {

namespace {

void append_double(std::string& out, double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  out += buffer;
}

// Row i of schedule s, labelled with the base-schedule timestep t (equal to i unless respaced).
void append_schedule_row(std::string& csv, const NoiseSchedule& s, int i, int t) {
  const double values[] = {s.beta(i),
                           s.alpha(i),
                           s.alpha_bar(i),
                           s.alpha_bar_prev(i),
                           s.beta_tilde(i),
                           s.sqrt_alpha_bar(i),
                           s.sqrt_one_minus_alpha_bar(i),
                           s.snr(i),
                           s.log_snr(i),
                           s.posterior_mean_coef1(i),
                           s.posterior_mean_coef2(i)};
  csv += std::to_string(t);
  for (double v : values) {
    csv += ',';
    append_double(csv, v);
  }
  csv += '\n';
}

}  // namespace

std::string points_origin_csv(const std::vector<float>& xy) {
  std::string out = "x,y,origin\n";
  out.reserve(out.size() + xy.size() * 14);
  char buffer[96];
  for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
    std::snprintf(buffer, sizeof buffer, "%.9g,%.9g,%zu\n", static_cast<double>(xy[i]), static_cast<double>(xy[i + 1]),
                  i / 2);
    out += buffer;
  }
  return out;
}

std::string trajectory_csv(const std::vector<const std::vector<float>*>& frames, const std::vector<int>& frame_t) {
  if (frames.size() != frame_t.size())
    throw std::invalid_argument("trajectory_csv: " + std::to_string(frames.size()) + " frames but " +
                                std::to_string(frame_t.size()) + " timesteps");
  std::string out = "step,t,x,y\n";
  char buffer[128];
  for (std::size_t k = 0; k < frames.size(); ++k) {
    const std::vector<float>& xy = *frames[k];
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
      std::snprintf(buffer, sizeof buffer, "%zu,%d,%.9g,%.9g\n", k, frame_t[k], static_cast<double>(xy[i]),
                    static_cast<double>(xy[i + 1]));
      out += buffer;
    }
  }
  return out;
}

std::string schedule_csv(const NoiseSchedule& base, int steps, Spacing spacing) {
  std::string csv =
      "t,beta,alpha,alpha_bar,alpha_bar_prev,beta_tilde,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,log_snr,"
      "posterior_mean_coef1,posterior_mean_coef2\n";
  if (steps == 0) {
    for (int t = 1; t <= base.timesteps(); ++t) append_schedule_row(csv, base, t, t);
    return csv;
  }
  if (steps < 1 || steps > base.timesteps())
    throw std::invalid_argument("K = " + std::to_string(steps) + " is out of range; allowed: 1..T = " +
                                std::to_string(base.timesteps()));
  // The effective schedule of the respaced steps (Nichol & Dhariwal 2021, section 4):
  // beta'_i = 1 - abar_{t_i}/abar_{t_{i-1}}; the t column is the base timestep t_i.
  const SamplingGrid grid = respace(base, steps, spacing);
  for (int i = 1; i <= grid.effective.timesteps(); ++i) append_schedule_row(csv, grid.effective, i, grid.timesteps[i - 1]);
  return csv;
}

std::string two_column_csv(const char* first, const char* second, const std::vector<double>& a,
                           const std::vector<double>& b) {
  std::string out = std::string(first) + "," + second + "\n";
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    append_double(out, a[i]);
    out += ',';
    append_double(out, b[i]);
    out += '\n';
  }
  return out;
}

}  // namespace dlab
