// dlab bench-nfe: quality against network evaluations (NFE): the energy distance to the data of n samples of
// every sampler with every sigma-aware spacing at a few NFE budgets, as a Markdown table (README "Quality
// against NFE"). Deterministic for a given --seed.
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/model_source.h"
#include "app/cli/options.h"
#include "core/datasets2d.h"
#include "core/metrics.h"
#include "core/point_quality.h"
#include "core/samplers.h"

namespace dlab::cli {
namespace {

struct BenchNfeCommand {
  std::string model = "exact";
  std::string dataset = "gmm8";
  ScheduleOptions schedule;
  std::string nfe = "5,10,20,50";
  std::int64_t n = 2000;
  std::uint64_t seed = 1;
  std::string out;
};

std::vector<int> parse_nfe_list(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    int value = 0;
    try {
      value = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || value < 1 || value > 1000)
      throw UsageError("--nfe: '" + item + "' is not a whole number in 1..1000 (a comma-separated list: 5,10,20)");
    out.push_back(value);
  }
  if (out.empty()) throw UsageError("--nfe: give at least one budget, e.g. 5,10,20,50");
  return out;
}

void run(const BenchNfeCommand& c) {
  const NoiseSchedule schedule = make_schedule(c.schedule);
  const std::vector<int> budgets = parse_nfe_list(c.nfe);
  check_point_count(c.n, "--n");
  const auto dataset = from_name<Dataset2D>(c.dataset);
  if (!dataset) throw UsageError("--dataset: '" + c.dataset + "' is not a built-in data set; allowed: " +
                                 allowed_names<Dataset2D>(", "));
  torch::NoGradGuard no_grad;
  const ModelSource source = resolve_model(c.model, c.dataset, c.n, c.seed);
  const PointQualityData data = draw_point_quality_data(*dataset, c.n, c.seed);
  double floor = 0;
  for (const auto& draw : data.fresh_draws) floor += energy_distance(draw, data.data);
  floor /= static_cast<double>(data.fresh_draws.size());
  const ReverseStart start = reverse_start(c.n, 2, c.seed);

  std::string table = "model: " + source.description + "; " + std::to_string(c.n) + " samples, seed " +
                      std::to_string(c.seed) + "; energy distance to " + std::to_string(c.n) +
                      " data points (floor between two draws of the data: " + format_double(floor) + ")\n\n";
  table += "| sampler | spacing |";
  for (int b : budgets) table += " NFE " + std::to_string(b) + " |";
  table += "\n| --- | --- |";
  for (std::size_t i = 0; i < budgets.size(); ++i) table += " ---: |";
  table += "\n";
  for (const auto& sampler : EnumNames<SamplerKind>::entries) {
    for (Spacing spacing : {Spacing::Linspace, Spacing::Karras, Spacing::Exponential}) {
      table += std::string("| ") + sampler.name + " | " + to_name(spacing) + " |";
      for (int budget : budgets) {
        SamplerConfig config;
        config.kind = sampler.value;
        config.spacing = spacing;
        config.eta = default_eta(sampler.value);
        config.prediction = source.prediction;
        config.seed = start.sampler_seed;
        // Heun costs 2K - 1 evaluations (Karras et al. 2022, Alg. 1): the largest K within the budget.
        config.steps = std::min(sampler.value == SamplerKind::Heun ? (budget + 1) / 2 : budget, schedule.timesteps());
        const SampleResult result = sample(schedule, source.denoiser, start.x_T, config);
        const bool finite = torch::isfinite(result.x0).all().item<bool>();
        char cell[64];
        if (!finite) std::snprintf(cell, sizeof cell, " diverged |");
        else if (result.nfe == budget) std::snprintf(cell, sizeof cell, " %.4f |", energy_distance(result.x0, data.data));
        else std::snprintf(cell, sizeof cell, " %.4f (%d) |", energy_distance(result.x0, data.data), result.nfe);
        table += cell;
      }
      table += "\n";
      std::fflush(stdout);
    }
  }
  write_output(c.out, table);
}

}  // namespace

void add_bench_nfe_command(CLI::App& app) {
  auto command = std::make_shared<BenchNfeCommand>();
  CLI::App* sub = app.add_subcommand(
      "bench-nfe",
      "Quality against network evaluations: energy distance to the data of every sampler with linspace, karras "
      "and exponential spacing at each NFE budget, as a Markdown table");
  sub->add_option("--model", command->model,
                  "exact (the mixture's exact eps; gmm8, gmm25), empirical, or the path of a trained checkpoint")
      ->capture_default_str();
  sub->add_option("--dataset", command->dataset, "Built-in data set: " + allowed_names<Dataset2D>(", "))
      ->capture_default_str();
  add_schedule_options(*sub, command->schedule);
  sub->add_option("--nfe", command->nfe,
                  "Comma-separated NFE budgets; Heun runs the largest K with 2K - 1 within it (shown in brackets)")
      ->capture_default_str();
  sub->add_option("--n", command->n, "Samples per cell, and data points they are measured against")
      ->capture_default_str();
  add_seed_option(*sub, command->seed, "Seed of x_T, the sampler noise and the data points");
  sub->add_option("--out", command->out, "Write the table to FILE (atomically) instead of standard output");
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
