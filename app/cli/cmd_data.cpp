// dlab data: n points of a 2D data set (built-in or CSV file) as CSV x,y.
#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/options.h"
#include "core/datasets2d.h"

namespace dlab::cli {
namespace {

struct DataCommand {
  std::string dataset;
  std::int64_t n = 0;
  std::uint64_t seed = 0;
  std::string out;
};

void run(const DataCommand& c) {
  check_point_count(c.n, "--n", /*allow_zero=*/true);
  write_output(c.out, points_to_csv(resolve_dataset_flag(c.dataset, c.n, c.seed)));
}

}  // namespace

void add_data_command(CLI::App& app) {
  auto command = std::make_shared<DataCommand>();
  CLI::App* sub = app.add_subcommand("data", "Draw n points of a 2D data set and print them as CSV x,y");
  sub->add_option("--dataset", command->dataset,
                  "Built-in data set (" + allowed_names<Dataset2D>(", ") +
                      ") or the path of a CSV file with two numeric columns (optional header)")
      ->required();
  sub->add_option("--n", command->n,
                  "Number of points; from a CSV file they are drawn without replacement (with replacement "
                  "when n exceeds its rows), and 0 takes every row in file order")
      ->required();
  add_seed_option(*sub, command->seed, "Random seed: the same seed gives the same points");
  sub->add_option("--out", command->out, "Write to FILE (atomically) instead of standard output");
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
