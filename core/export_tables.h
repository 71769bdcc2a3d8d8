// The numbers the app exports, as CSV text, in the formats of the command line (torch-free): the points
// shown (x,y,origin), a reverse run step by step (step,t,x,y as `dlab sample --trajectory`), the schedule
// table (the columns of `dlab schedule`, which prints it with schedule_csv) and the loss histories.
#pragma once

#include <string>
#include <vector>

#include "core/schedule.h"

namespace dlab {

// Rows "x,y,origin": points as x, y pairs; origin is the row of the point's x_0 (forward) or of its
// starting noise x_T (reverse), which is the row itself. Floats in %.9g (round-trips float32).
std::string points_origin_csv(const std::vector<float>& xy);

// Rows "step,t,x,y" of every frame of a reverse run: frames[k] holds x, y pairs after k sampler steps
// (frame 0 is x_T), frame_t[k] its base-schedule timestep (frame 0: the first, noisiest t; the last: 0).
std::string trajectory_csv(const std::vector<const std::vector<float>*>& frames, const std::vector<int>& frame_t);

// The columns of `dlab schedule` (t, beta, alpha, alpha_bar, ..., posterior_mean_coef2) at full double
// precision: rows t = 1..T, or, with steps in 1..T, the effective schedule respaced to K steps (Nichol &
// Dhariwal 2021, section 4), labelled with the base timesteps kept. Throws std::invalid_argument for steps
// out of range.
std::string schedule_csv(const NoiseSchedule& base, int steps = 0, Spacing spacing = Spacing::Linspace);

// Two columns with a header: "step,loss" (the training loss history) or "t,loss" (the loss by timestep).
std::string two_column_csv(const char* first, const char* second, const std::vector<double>& a,
                           const std::vector<double>& b);

}  // namespace dlab
