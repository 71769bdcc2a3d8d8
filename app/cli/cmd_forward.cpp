// dlab forward: x_t of the forward (noising) process for n data points, as CSV x,y.
#include <torch/torch.h>

#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/options.h"
#include "core/datasets2d.h"
#include "core/forward_process.h"
#include "core/rng.h"

namespace dlab::cli {
namespace {

struct ForwardCommand {
  std::string dataset;
  std::int64_t n = 0;
  int t = 0;
  ScheduleOptions schedule;
  std::string mode = to_name(ForwardMode::ClosedForm);
  std::uint64_t seed = 0;
  std::string out;
};

void run(const ForwardCommand& c) {
  const NoiseSchedule schedule = make_schedule(c.schedule);
  const auto mode = parse_enum_flag<ForwardMode>(c.mode, "--mode");
  if (c.t < 0 || c.t > schedule.timesteps())
    throw UsageError("--t: " + std::to_string(c.t) + " is out of range; allowed: 0..T = " +
                     std::to_string(schedule.timesteps()) + " (0 is the clean data)");
  check_point_count(c.n, "--n", /*allow_zero=*/true);
  torch::NoGradGuard no_grad;
  const auto x0 = resolve_dataset_flag(c.dataset, c.n, c.seed);
  // The data come from --seed itself; the noise from separate streams derived from it (core/seed_streams.h), as
  // in the app: the closed form's eps from one stream, each chain step s from its own (chain_step_seed).
  torch::Tensor x = x0;
  if (mode == ForwardMode::Chain) {
    for (int s = 1; s <= c.t; ++s) {
      Rng step_noise(chain_step_seed(c.seed, s));
      x = forward_step(schedule, x, s, step_noise);
    }
  } else {
    Rng noise(derived_seed(c.seed, SeedStream::ForwardNoise));
    x = diffuse(mode, schedule, x0, c.t, noise);
  }
  write_output(c.out, points_to_csv(x));
}

}  // namespace

void add_forward_command(CLI::App& app) {
  auto command = std::make_shared<ForwardCommand>();
  CLI::App* sub = app.add_subcommand(
      "forward", "Noise n data points to step t of the forward process and print x_t as CSV x,y");
  sub->add_option("--dataset", command->dataset,
                  "Built-in data set (" + allowed_names<Dataset2D>(", ") + ") or the path of a CSV file")
      ->required();
  sub->add_option("--n", command->n, "Number of points (0: every row of a CSV file)")->required();
  sub->add_option("--t", command->t, "Timestep t in 0..T (0 = the clean data x_0)")->required();
  add_schedule_options(*sub, command->schedule);
  sub->add_option("--mode", command->mode,
                  "closed: one draw of q(x_t | x_0); chain: t steps of q(x_s | x_{s-1}) (same distribution)")
      ->capture_default_str();
  add_seed_option(*sub, command->seed,
                  "Random seed: the data are drawn with it, the noise with a stream derived from it");
  sub->add_option("--out", command->out, "Write to FILE (atomically) instead of standard output");
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
