// dlab schedule: every per-t quantity of a noise schedule as CSV, rows t = 1..T, full double precision.
#include <memory>
#include <optional>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/options.h"

namespace dlab::cli {
namespace {

struct ScheduleCommand {
  ScheduleOptions schedule;
  int steps = 0;
  std::string spacing = "linspace";
  std::string out;
};

const char* const kHeader =
    "t,beta,alpha,alpha_bar,alpha_bar_prev,beta_tilde,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,log_snr,"
    "posterior_mean_coef1,posterior_mean_coef2\n";

// Row i of schedule s, labelled with the base-schedule timestep t (equal to i unless respaced).
void append_row(std::string& csv, const NoiseSchedule& s, int i, int t) {
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
    csv += format_double(v);
  }
  csv += '\n';
}

void run(const ScheduleCommand& c) {
  const NoiseSchedule base = make_schedule(c.schedule);
  std::string csv = kHeader;
  if (c.steps == 0) {
    for (int t = 1; t <= base.timesteps(); ++t) append_row(csv, base, t, t);
  } else {
    const auto spacing = parse_enum_flag<Spacing>(c.spacing, "--spacing");
    if (c.steps < 1 || c.steps > base.timesteps())
      throw UsageError("--steps: K = " + std::to_string(c.steps) + " is out of range; allowed: 1..T = " +
                       std::to_string(base.timesteps()) + " (--timesteps)");
    // The effective schedule of the respaced steps (Nichol & Dhariwal 2021, section 4):
    // beta'_i = 1 - abar_{t_i}/abar_{t_{i-1}}; the t column is the base timestep t_i.
    const SamplingGrid grid = respace(base, c.steps, spacing);
    for (int i = 1; i <= grid.effective.timesteps(); ++i)
      append_row(csv, grid.effective, i, grid.timesteps[i - 1]);
  }
  write_output(c.out, csv);
}

}  // namespace

void add_schedule_command(CLI::App& app) {
  auto command = std::make_shared<ScheduleCommand>();
  CLI::App* sub = app.add_subcommand(
      "schedule",
      "Print a noise schedule as CSV: beta, alpha, alpha_bar, posterior variance, SNR, ... for t = 1..T");
  add_schedule_options(*sub, command->schedule);
  sub->add_option("--steps", command->steps,
                  "Print the effective schedule respaced to K steps instead (t = the base timesteps kept)");
  sub->add_option("--spacing", command->spacing, "Respacing with --steps: " + allowed_names<Spacing>(", "))
      ->capture_default_str();
  sub->add_option("--out", command->out, "Write to FILE (atomically) instead of standard output");
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
