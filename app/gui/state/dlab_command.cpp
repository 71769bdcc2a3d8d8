#include "app/gui/state/dlab_command.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/names.h"

namespace dlab::gui {

namespace {

// The shortest %g form that reads back as the same double.
std::string shortest(double value) {
  char buffer[40];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

// The schedule flags of dlab (app/cli/options.cpp add_schedule_options); false with *why for what they cannot say.
bool schedule_flags(const ScheduleConfig& s, std::string* flags, std::string* why) {
  if (s.kind == ScheduleKind::Custom) {
    *why = "the custom schedule curve has no dlab flag (dlab offers linear, scaled-linear, sigmoid and cosine)";
    return false;
  }
  if (s.kind == ScheduleKind::Cosine && s.cosine_s != ScheduleConfig{}.cosine_s) {
    *why = "dlab's cosine schedule has the offset s = 0.008 only";
    return false;
  }
  *flags = " --schedule " + std::string(to_name(s.kind)) + " --timesteps " + std::to_string(s.timesteps);
  if (s.kind != ScheduleKind::Cosine)
    *flags += " --beta-start " + shortest(s.beta_start) + " --beta-end " + shortest(s.beta_end);
  if (s.zero_terminal_snr) *flags += " --zero-terminal-snr";
  return true;
}

bool dataset_flag(const DataState& data, std::string* flag, std::string* why) {
  switch (data.origin) {
    case DataOrigin::Builtin:
      *flag = std::string(to_name(data.dataset));
      return true;
    case DataOrigin::Csv:
      *flag = shell_word(data.csv_path);
      return true;
    case DataOrigin::Drawn:
      *why = "points drawn with the mouse exist only in the window (save them as a CSV file and load that)";
      return false;
  }
  return false;
}

}  // namespace

std::string shell_word(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./,:@%") ==
                           std::string::npos)
    return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

DlabCommand dlab_command(const Scene& scene, int shown_t, ModelSource model, const std::string& pretrained_path) {
  DlabCommand out;
  std::string schedule, dataset;
  if (!schedule_flags(scene.schedule, &schedule, &out.why_not) || !dataset_flag(scene.data, &dataset, &out.why_not))
    return out;
  const std::string n = std::to_string(scene.data.n);
  if (scene.playback.mode == LabMode::Forward) {
    out.command = "dlab forward --dataset " + dataset + " --n " + n + " --t " + std::to_string(shown_t) + schedule +
                  " --mode " + std::string(to_name(scene.playback.forward_mode)) + " --seed " +
                  std::to_string(scene.data.seed);
    out.note = "prints x_t at t = " + std::to_string(shown_t) + " as CSV x,y, one row per point of the canvas";
    return out;
  }
  const SamplerSettings& sampler = scene.sampler;
  std::string model_flags;
  switch (model) {
    case ModelSource::Exact:
      if (scene.data.origin != DataOrigin::Builtin) {
        out.why_not = "the exact oracle needs a built-in mixture (gmm8, gmm25)";
        return out;
      }
      model_flags = " --model exact --dataset " + dataset;
      break;
    case ModelSource::Empirical:
      // dlab draws the data and x_T from one --seed, and its empirical optimum memorises all n points.
      if (scene.data.seed != sampler.seed) {
        out.why_not = "dlab sample --model empirical draws the data and x_T with one --seed: set the data seed (" +
                      std::to_string(scene.data.seed) + ") and the sampler seed (" + std::to_string(sampler.seed) +
                      ") equal";
        return out;
      }
      if (scene.data.n > 2000) {
        out.why_not = "the app's empirical optimum memorises the first 2000 points only; use n <= 2000";
        return out;
      }
      model_flags = " --model empirical --dataset " + dataset + " --prediction eps";
      break;
    case ModelSource::Pretrained:
      model_flags = " --model " + shell_word(pretrained_path);
      break;
    case ModelSource::Live:
      out.why_not = "a network trained here exists only in the window: save it (Training, Save) and run "
                    "dlab sample --model FILE";
      return out;
  }
  const int steps = sampler.steps > 0 && sampler.steps < scene.schedule.timesteps ? sampler.steps : scene.schedule.timesteps;
  out.command = "dlab sample" + model_flags + " --sampler " + std::string(to_name(sampler.kind)) + " --steps " +
                std::to_string(steps) + " --spacing " + std::string(to_name(sampler.spacing)) + " --variance " +
                std::string(to_name(sampler.variance)) + " --eta " + shortest(sampler.effective_eta()) + schedule +
                " --n " + n + " --seed " + std::to_string(sampler.seed);
  out.note = "prints the run's x_0 (the last frame) as CSV x,y; add --trajectory FILE for every frame as step,t,x,y";
  return out;
}

DlabCommand dlab_image_command(const Scene& scene, const std::string& model_path, int model_classes) {
  DlabCommand out;
  if (scene.playback.mode != LabMode::Reverse) {
    out.why_not = "the image view's forward process has no dlab command; in reverse, dlab sample writes the samples";
    return out;
  }
  if (model_path.empty()) {
    out.why_not = "no image model to sample with (load a U-Net checkpoint)";
    return out;
  }
  if (!scene.images.clip_x0) {
    out.why_not = "dlab sample clips x0_hat to [-1, 1] for images: switch Clip x0_hat on";
    return out;
  }
  std::string schedule;
  if (!schedule_flags(scene.schedule, &schedule, &out.why_not)) return out;
  const SamplerSettings& sampler = scene.sampler;
  const int steps = sampler.steps > 0 && sampler.steps < scene.schedule.timesteps ? sampler.steps : scene.schedule.timesteps;
  const int count = std::clamp(scene.images.count, 1, 256);  // the image lab's
  out.command = "dlab sample --model " + shell_word(model_path) + " --sampler " + std::string(to_name(sampler.kind)) +
                " --steps " + std::to_string(steps) + " --spacing " + std::string(to_name(sampler.spacing)) +
                " --variance " + std::string(to_name(sampler.variance)) + " --eta " +
                shortest(sampler.effective_eta()) + schedule + " --n " + std::to_string(count) + " --seed " +
                std::to_string(sampler.seed);
  if (model_classes > 0) {
    const int label = std::clamp(scene.images.label, -1, model_classes);
    if (label >= 0) out.command += " --class " + std::to_string(label);
    out.command += " --guidance " + shortest(scene.images.guidance);
  }
  out.command += " --grid-scale 2 --out samples.png";
  out.note = "writes the run's samples as a PNG grid, the image view's grid at t = 0 (--export-png images-grid "
             "with --export-scale 2)";
  return out;
}

}  // namespace dlab::gui
