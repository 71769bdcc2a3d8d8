// dlab schedule: every per-t quantity of a noise schedule as CSV, rows t = 1..T, full double precision.
#include <memory>
#include <optional>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/options.h"
#include "core/export_tables.h"

namespace dlab::cli {
namespace {

struct ScheduleCommand {
  ScheduleOptions schedule;
  std::optional<int> steps;
  std::optional<std::string> spacing;
  std::string out;
};

void run(const ScheduleCommand& c) {
  const NoiseSchedule base = make_schedule(c.schedule);
  // --steps 0 and --spacing alone would be ignored: usage errors (issue 15).
  if (!c.steps && c.spacing) throw UsageError("--spacing: has no effect without --steps (the full schedule is printed)");
  const auto spacing = parse_enum_flag<Spacing>(c.spacing.value_or("linspace"), "--spacing");
  if (c.steps && (*c.steps < 1 || *c.steps > base.timesteps()))
    throw UsageError("--steps: K = " + std::to_string(*c.steps) + " is out of range; allowed: 1..T = " +
                     std::to_string(base.timesteps()) + " (--timesteps)");
  // The columns are core's (core/export_tables.h), the ones the app exports as its schedule table.
  write_output(c.out, schedule_csv(base, c.steps.value_or(0), spacing));
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
  sub->add_option("--spacing", command->spacing,
                  "Respacing with --steps: " + allowed_names<Spacing>(", ") + " (default: linspace)");
  sub->add_option("--out", command->out, "Write to FILE (atomically) instead of standard output");
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
