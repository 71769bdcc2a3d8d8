// dlab sample: run a reverse-process sampler with an oracle or a trained model; x_0 as CSV x,y, and
// optionally every step as CSV step,t,x,y. With --decoder VAE, x_0 are latent codes (issue 12): decoded into
// a PNG grid of garments.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/image_commands.h"
#include "app/cli/model_source.h"
#include "app/cli/options.h"
#include "core/atomic_file.h"
#include "core/datasets2d.h"
#include "core/image_grid.h"
#include "core/rng.h"
#include "core/samplers.h"
#include "core/vae.h"

namespace dlab::cli {
namespace {

struct SampleCommand {
  std::string model;
  std::string dataset;
  std::string sampler;
  std::optional<int> steps;
  ScheduleOptions schedule;
  std::optional<std::string> spacing;
  std::string variance = to_name(VarianceKind::BetaTilde);
  std::optional<double> eta;
  std::optional<std::string> prediction;
  std::int64_t n = 0;
  std::uint64_t seed = 0;
  std::string out;
  std::string trajectory;
  std::string decoder;       // a VAE: x_0 are its codes, decoded into the PNG grid --out
  ImageSampleOptions image;  // --class, --guidance for image models
};

// The model's output re-expressed as another parameterisation (exact up to rounding: REFERENCE section 5),
// so a sampler's eps, x0 and v code paths can all be driven by the same model.
Denoiser converted(const ModelSource& source, Prediction wanted) {
  if (wanted == source.prediction) return source.denoiser;
  return [source, wanted](const torch::Tensor& x_t, int t, double alpha_bar) {
    const auto both = to_eps_and_x0(source.prediction, source.denoiser(x_t, t, alpha_bar), x_t, alpha_bar);
    switch (wanted) {
      case Prediction::Eps:
        return both.eps;
      case Prediction::X0:
        return both.x0;
      case Prediction::V:
        return v_from_eps_x0(both.eps, both.x0, alpha_bar);
    }
    return both.eps;
  };
}

void append_points(std::ostream& csv, int step, int t, const torch::Tensor& x) {
  const auto p = x.detach().to(torch::kCPU).to(torch::kDouble).contiguous();
  const auto a = p.accessor<double, 2>();
  char buffer[128];
  for (std::int64_t i = 0; i < p.size(0); ++i) {
    const int length = std::snprintf(buffer, sizeof buffer, "%d,%d,%.9g,%.9g\n", step, t, a[i][0], a[i][1]);
    csv.write(buffer, length);
  }
}

void run(const SampleCommand& c) {
  const NoiseSchedule schedule = make_schedule(c.schedule);
  SamplerConfig config;
  config.kind = parse_enum_flag<SamplerKind>(c.sampler, "--sampler");
  // Each sampler's own spacing and step count unless given (core/choices.h default_spacing, default_steps).
  config.spacing = c.spacing ? parse_enum_flag<Spacing>(*c.spacing, "--spacing") : default_spacing(config.kind);
  const int steps = c.steps.value_or(std::min(default_steps(config.kind), schedule.timesteps()));
  config.variance = parse_enum_flag<VarianceKind>(c.variance, "--variance");
  if (steps < 1 || steps > schedule.timesteps())
    throw UsageError("--steps: K = " + std::to_string(steps) + " is out of range; allowed: 1..T = " +
                     std::to_string(schedule.timesteps()) + " (--timesteps)");
  config.steps = steps;
  // Euler ancestral and DPM-Solver++(2M) SDE are usually run with eta = 1 (k-diffusion); eta = 0 would make
  // them plain Euler and DPM-Solver++(2M).
  config.eta = c.eta.value_or(default_eta(config.kind));
  if (!(std::isfinite(config.eta) && config.eta >= 0.0 && config.eta <= 1.0))
    throw UsageError("--eta: " + format_double(config.eta) + " is out of range; allowed: 0..1");
  if (c.prediction) parse_enum_flag<Prediction>(*c.prediction, "--prediction");
  if (!c.trajectory.empty() && !c.out.empty() && resolve_write_target(c.trajectory) == resolve_write_target(c.out))
    throw UsageError("--trajectory: the same file as --out; give two different files");

  if (is_image_checkpoint(c.model)) {  // an image model: a PNG grid (app/cli/image_commands.h)
    if (c.prediction) throw UsageError("--prediction: not available for image models");
    if (!c.decoder.empty())
      throw UsageError("--decoder: only for a 2D model of latent codes (trained with --dataset fashion-mnist-latent), "
                       "not an image model");
    return run_image_sample(schedule, {c.model, c.out, c.trajectory, config, c.n, c.seed, c.image});
  }
  check_point_count(c.n, "--n");
  std::optional<VaeModel> decoder;
  if (!c.decoder.empty()) {
    if (c.out.size() < 4 || c.out.compare(c.out.size() - 4, 4, ".png") != 0)
      throw UsageError("--out: with --decoder, the PNG file of the decoded images (a path ending in .png)");
    if (c.n > 10000) throw UsageError("--n: at most 10000 images with --decoder (one grid)");
    if (c.image.grid_scale < 1 || c.image.grid_scale > 16) throw UsageError("--grid-scale: must be in 1..16");
    decoder = load_vae(c.decoder);  // std::runtime_error naming the file
  }
  // Every output is checked before the work, and written all or none (core/atomic_file.h).
  if (!c.out.empty()) check_writable(c.out);
  if (!c.trajectory.empty()) check_writable(c.trajectory);
  torch::NoGradGuard no_grad;
  const ModelSource source = resolve_model(c.model, c.dataset, c.n, c.seed);
  config.prediction = c.prediction ? *from_name<Prediction>(*c.prediction) : source.prediction;
  const Denoiser denoiser = converted(source, config.prediction);

  // x_T ~ N(0, I) and the sampler's noise z come from two streams derived from --seed (as in the app).
  const ReverseStart start = reverse_start(c.n, 2, c.seed);
  const torch::Tensor& x_T = start.x_T;
  config.seed = start.sampler_seed;

  // The trajectory goes to its temporary file step by step (K + 1 steps of n points do not fit in memory
  // at large n), and replaces the destination only once x_0 is written too.
  std::optional<AtomicFile> trajectory;
  StepObserver observer;
  if (!c.trajectory.empty()) {
    trajectory.emplace(c.trajectory);
    std::ostream& csv = trajectory->stream();
    csv << "step,t,x,y\n";
    observer = [&csv](const SamplerStep& s) {
      if (s.step == 1) append_points(csv, 0, s.t, s.x_t);  // step 0: x_T at the first (noisiest) t
      append_points(csv, s.step, s.t_prev, s.x_prev);
    };
  }
  const SampleResult result = sample(schedule, denoiser, x_T, config, observer);
  if (!torch::isfinite(result.x0).all().item<bool>())
    throw std::runtime_error("the sampler produced non-finite values (NaN or inf); nothing was written");
  if (decoder) {  // the codes, decoded: one PNG grid, each 28x28 image magnified by --grid-scale
    GridLayout layout;
    layout.scale = c.image.grid_scale;
    const std::string png = encode_png(tile_images(vae_decode(*decoder, result.x0.to(torch::kCPU)), layout));
    if (trajectory) trajectory->finish();
    AtomicFile out(c.out);
    out.stream() << png;
    out.finish();
    out.commit();
    if (trajectory) trajectory->commit();
    std::printf("decoded %lld sampled codes with %s into %s\n", static_cast<long long>(c.n), c.decoder.c_str(),
                c.out.c_str());
    return;
  }
  const std::string x0 = points_to_csv(result.x0);
  if (trajectory) trajectory->finish();  // a failed write (disk full) throws before anything is replaced
  if (c.out.empty()) {
    if (trajectory) trajectory->commit();
    write_output(c.out, x0);
    return;
  }
  AtomicFile out(c.out);
  out.stream() << x0;
  out.finish();
  out.commit();
  if (trajectory) trajectory->commit();
}

}  // namespace

void add_sample_command(CLI::App& app) {
  auto command = std::make_shared<SampleCommand>();
  CLI::App* sub =
      app.add_subcommand("sample", "Run a sampler from x_T ~ N(0, I) down to x_0 and print x_0 as CSV x,y");
  sub->add_option(
         "--model", command->model,
         "exact: the exact eps of the Gaussian mixture (gmm8, gmm25); empirical: the optimal denoiser "
         "of --n points of --dataset drawn with --seed (it memorises them); or the path of a trained "
         "checkpoint")
      ->required();
  sub->add_option("--dataset", command->dataset,
                  "Built-in data set (" + allowed_names<Dataset2D>(", ") +
                      ") or the path of a CSV file; required by exact and empirical (a checkpoint knows its own)");
  sub->add_option("--sampler", command->sampler, "Sampler: " + allowed_names<SamplerKind>(", "))->required();
  sub->add_option("--steps", command->steps,
                  "Number of sampling steps K in 1..T (respaced when K < T); default: the sampler's own "
                  "(ddpm, euler-a 100; ddim, euler 50; dpmpp-2m-sde 30; heun 25; lms, dpmpp-2m 20)");
  add_schedule_options(*sub, command->schedule);
  sub->add_option("--spacing", command->spacing,
                  "How K < T steps are chosen: " + allowed_names<Spacing>(", ") +
                      "; default: exponential for dpmpp-2m and dpmpp-2m-sde, else linspace. karras (Karras "
                      "et al. 2022, Eq. (5), rho = 7) and exponential place sigmas between the schedule's "
                      "smallest and largest and map each to the nearest timestep in log sigma");
  sub->add_option(
         "--variance", command->variance,
         "DDPM noise variance (ddpm only): " + allowed_names<VarianceKind>(", ") +
             " (variance-as-std is the labelled mistake of multiplying z by beta~ instead of its root)")
      ->capture_default_str();
  sub->add_option("--eta", command->eta,
                  "Noise scale in 0..1 for ddim (default 0: deterministic; 1: like DDPM with beta-tilde), "
                  "euler-a and dpmpp-2m-sde (default 1)");
  sub->add_option("--prediction", command->prediction,
                  "Drive the sampler with this parameterisation of the model's output (" +
                      allowed_names<Prediction>(", ") +
                      "); default: the model's own (exact: eps, empirical: x0, checkpoint: as trained)");
  sub->add_option("--n", command->n, "Number of samples (and, with --model empirical, of data points)")
      ->required();
  add_seed_option(*sub, command->seed,
                  "Random seed: x_T and the sampler noise come from streams derived from it");
  sub->add_option("--out", command->out, "Write x_0 to FILE (atomically) instead of standard output");
  sub->add_option(
      "--trajectory", command->trajectory,
      "Also write every step to FILE as CSV step,t,x,y (step 0 is x_T; the last step, t = 0, is x_0)");
  sub->add_option("--decoder", command->decoder,
                  "The VAE (.vae, dlab train-vae) whose codes a latent model samples (--model trained with "
                  "--dataset fashion-mnist-latent): x_0 is decoded into the PNG grid --out");
  add_image_sample_options(*sub, command->image);
  sub->callback([command] { run(*command); });
}

}  // namespace dlab::cli
