#include "app/gui/state/controls.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>

#include "app/gui/state/view_names.h"
#include "app/gui/timeline/timeline.h"
#include "core/text_excerpt.h"
#include "core/choices.h"

namespace dlab::gui {

namespace {

bool parse_bool(const std::string& name, const std::string& value) {
  if (value == "on" || value == "true" || value == "1" || value == "yes") return true;
  if (value == "off" || value == "false" || value == "0" || value == "no") return false;
  throw std::invalid_argument(name + ": '" + value + "' is not on/off");
}

long long parse_int(const std::string& name, const std::string& value, long long low, long long high) {
  std::size_t used = 0;
  long long parsed = 0;
  try {
    parsed = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty())
    throw std::invalid_argument(name + ": '" + text_excerpt(value, 60) + "' is not an integer" +
                                (value.find_first_not_of("+-0123456789") == std::string::npos && !value.empty()
                                     ? " in " + std::to_string(low) + ".." + std::to_string(high)
                                     : std::string()));
  if (parsed < low || parsed > high)
    throw std::invalid_argument(name + ": " + value + " is outside " + std::to_string(low) + ".." +
                                std::to_string(high));
  return parsed;
}

// A seed: every value 0..2^64-1, as dlab's --seed (not wrapped, not saturated).
std::uint64_t parse_seed(const std::string& name, const std::string& value) {
  const std::string largest = "18446744073709551615";
  const std::size_t first = value.find_first_not_of('0');
  const std::string digits = first == std::string::npos ? "0" : value.substr(first);
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || digits.size() > largest.size() ||
      (digits.size() == largest.size() && digits > largest))
    throw std::invalid_argument(name + ": '" + text_excerpt(value, 60) +
                                "' is not a whole number in 0..2^64-1 = 18446744073709551615");
  return std::strtoull(digits.c_str(), nullptr, 10);
}

double parse_double(const std::string& name, const std::string& value) {
  std::size_t used = 0;
  double parsed = 0;
  try {
    parsed = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty())
    throw std::invalid_argument(name + ": '" + text_excerpt(value, 60) + "' is not a number");
  return parsed;
}

constexpr const char* kPlotTabs[kPlotsTabCount] = {"schedule", "editor", "training", "elbo"};

// The shortest decimal text that reads back as the same float, as a JSON number (0.001, not
// 0.0010000000474974513): scene files stay readable and save the same bytes twice.
Value shortest(float value) {
  char text[32];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(value));
    if (std::strtof(text, nullptr) == value) break;
  }
  return std::strtod(text, nullptr);
}

struct Control {
  const char* name;
  std::string description;
  std::function<void(Scene&, const std::string&)> set;
  std::function<Value(const Scene&)> get;  // null: a request, not part of the saved scene
};

const std::vector<Control>& controls() {
  static const std::vector<Control> table = {
      {"dataset", "a built-in 2D data set (" + allowed_names<Dataset2D>(", ") + ") or a CSV file",
       [](Scene& s, const std::string& v) {
         if (auto d = from_name<Dataset2D>(v)) {
           s.data.origin = DataOrigin::Builtin;
           s.data.dataset = *d;
         } else if (v.size() > 4 && v.substr(v.size() - 4) == ".csv") {
           s.data.origin = DataOrigin::Csv;
           s.data.csv_path = v;
         } else {
           throw std::invalid_argument("dataset: unknown value '" + v + "'; allowed: " +
                                       allowed_names<Dataset2D>(", ") + ", or a path ending in .csv");
         }
       },
       [](const Scene& s) -> Value { return s.data.origin == DataOrigin::Csv ? Value(s.data.csv_path) : Value(to_name(s.data.dataset)); }},
      {"n", "number of points, 1..20000",
       [](Scene& s, const std::string& v) { s.data.n = static_cast<int>(parse_int("n", v, 1, 20000)); },
       [](const Scene& s) -> Value { return s.data.n; }},
      {"seed", "seed of the data and the forward noise",
       [](Scene& s, const std::string& v) { s.data.seed = parse_seed("seed", v); },
       [](const Scene& s) -> Value { return s.data.seed; }},
      {"schedule", "noise schedule: " + allowed_names<ScheduleKind>(", "),
       [](Scene& s, const std::string& v) {
         s.schedule.kind = parse_name<ScheduleKind>(v, "schedule");
         if (s.schedule.kind == ScheduleKind::Custom && s.schedule.custom_curve.empty())
           s.schedule.custom_curve = default_custom_curve();
       },
       [](const Scene& s) -> Value { return to_name(s.schedule.kind); }},
      {"timesteps", "T, the number of diffusion steps, 2..4000",
       [](Scene& s, const std::string& v) {
         s.schedule.timesteps = static_cast<int>(parse_int("timesteps", v, kMinTimesteps, kMaxTimesteps));
       },
       [](const Scene& s) -> Value { return s.schedule.timesteps; }},
      {"beta-start", "beta_1 of linear, scaled-linear and sigmoid schedules",
       [](Scene& s, const std::string& v) { s.schedule.beta_start = parse_double("beta-start", v); },
       [](const Scene& s) -> Value { return s.schedule.beta_start; }},
      {"beta-end", "beta_T of linear, scaled-linear and sigmoid schedules",
       [](Scene& s, const std::string& v) { s.schedule.beta_end = parse_double("beta-end", v); },
       [](const Scene& s) -> Value { return s.schedule.beta_end; }},
      {"cosine-s", "offset s of the cosine schedule (Nichol & Dhariwal 2021, Eq. (17)), 0..0.5",
       [](Scene& s, const std::string& v) {
         const double offset = parse_double("cosine-s", v);
         if (!(offset >= 0 && offset <= 0.5)) throw std::invalid_argument("cosine-s: must be in [0, 0.5]");
         s.schedule.cosine_s = offset;
       },
       [](const Scene& s) -> Value { return s.schedule.cosine_s; }},
      {"zero-terminal-snr", "on/off: rescale so that abar_T = 0 (Lin et al. 2023)",
       [](Scene& s, const std::string& v) { s.schedule.zero_terminal_snr = parse_bool("zero-terminal-snr", v); },
       [](const Scene& s) -> Value { return s.schedule.zero_terminal_snr; }},
      {"mode", "forward (diffuse) or reverse (sample)",
       [](Scene& s, const std::string& v) {
         set_mode(s.playback, parse_name<LabMode>(v, "mode"));
       },
       [](const Scene& s) -> Value { return to_name(s.playback.mode); }},
      {"forward-mode", "forward process: " + allowed_names<ForwardMode>(", "),
       [](Scene& s, const std::string& v) { s.playback.forward_mode = parse_name<ForwardMode>(v, "forward-mode"); },
       [](const Scene& s) -> Value { return to_name(s.playback.forward_mode); }},
      {"t", "show timestep t (forward: x_t; reverse: the first frame with t <= this)",
       [](Scene& s, const std::string& v) { s.playback.requested_t = static_cast<int>(parse_int("t", v, 0, kMaxTimesteps)); },
       [](const Scene&) -> Value { return Value(); }},
      {"speed", "playback speed in steps per second",
       [](Scene& s, const std::string& v) {
         const double speed = parse_double("speed", v);
         if (!(speed > 0 && speed <= 10000)) throw std::invalid_argument("speed: must be in (0, 10000]");
         s.playback.steps_per_second = static_cast<float>(speed);
       },
       [](const Scene& s) -> Value { return shortest(s.playback.steps_per_second); }},
      {"sampler", "reverse sampler: " + allowed_names<SamplerKind>(", "),
       [](Scene& s, const std::string& v) { s.sampler.kind = parse_name<SamplerKind>(v, "sampler"); },
       [](const Scene& s) -> Value { return to_name(s.sampler.kind); }},
      {"steps", "K, sampler steps (0 = all T)",
       [](Scene& s, const std::string& v) { s.sampler.steps = static_cast<int>(parse_int("steps", v, 0, kMaxTimesteps)); },
       [](const Scene& s) -> Value { return s.sampler.steps; }},
      {"spacing", "respacing of the K steps: " + allowed_names<Spacing>(", "),
       [](Scene& s, const std::string& v) { s.sampler.spacing = parse_name<Spacing>(v, "spacing"); },
       [](const Scene& s) -> Value { return to_name(s.sampler.spacing); }},
      {"variance", "DDPM variance: " + allowed_names<VarianceKind>(", "),
       [](Scene& s, const std::string& v) { s.sampler.variance = parse_name<VarianceKind>(v, "variance"); },
       [](const Scene& s) -> Value { return to_name(s.sampler.variance); }},
      {"eta", "DDIM / Euler ancestral noise scale, 0..1, or 'default': each sampler's own (DDIM 0, Euler ancestral 1)",
       [](Scene& s, const std::string& v) {
         if (v == "default") {
           s.sampler.eta.reset();
           return;
         }
         const double eta = parse_double("eta", v);
         if (!(eta >= 0 && eta <= 1)) throw std::invalid_argument("eta: must be in [0, 1] or 'default'");
         s.sampler.eta = eta;
       },
       [](const Scene& s) -> Value { return s.sampler.eta ? Value(*s.sampler.eta) : Value("default"); }},
      {"sample-seed", "seed of x_T and of the sampler's noise",
       [](Scene& s, const std::string& v) { s.sampler.seed = parse_seed("sample-seed", v); },
       [](const Scene& s) -> Value { return s.sampler.seed; }},
      {"model", "the denoiser: " + allowed_names<ModelSource>(", "),
       [](Scene& s, const std::string& v) { s.model = parse_name<ModelSource>(v, "model"); },
       [](const Scene& s) -> Value { return to_name(s.model); }},
      {"layer-data", "on/off: show x_0", [](Scene& s, const std::string& v) { s.layers.data = parse_bool("layer-data", v); },
       [](const Scene& s) -> Value { return s.layers.data; }},
      {"layer-points", "on/off: show x_t", [](Scene& s, const std::string& v) { s.layers.points = parse_bool("layer-points", v); },
       [](const Scene& s) -> Value { return s.layers.points; }},
      {"layer-trajectories", "on/off: paths of some points",
       [](Scene& s, const std::string& v) { s.layers.trajectories = parse_bool("layer-trajectories", v); },
       [](const Scene& s) -> Value { return s.layers.trajectories; }},
      {"layer-field", "on/off: eps_hat on a grid", [](Scene& s, const std::string& v) { s.layers.field = parse_bool("layer-field", v); },
       [](const Scene& s) -> Value { return s.layers.field; }},
      {"layer-density", "on/off: heat map of q(x_t)",
       [](Scene& s, const std::string& v) { s.layers.density = parse_bool("layer-density", v); },
       [](const Scene& s) -> Value { return s.layers.density; }},
      {"layer-score-error", "on/off: |eps_hat - eps*| (mixtures)",
       [](Scene& s, const std::string& v) { s.layers.score_error = parse_bool("layer-score-error", v); },
       [](const Scene& s) -> Value { return s.layers.score_error; }},
      {"compare", "on/off: forward mode also shows the other method (closed form / chain) at the same t",
       [](Scene& s, const std::string& v) { s.layers.compare_forward = parse_bool("compare", v); },
       [](const Scene& s) -> Value { return s.layers.compare_forward; }},
      {"color-by-origin", "on/off: colour points by where they start or end",
       [](Scene& s, const std::string& v) { s.layers.color_by_origin = parse_bool("color-by-origin", v); },
       [](const Scene& s) -> Value { return s.layers.color_by_origin; }},
      {"draw", "on/off: clicks on the canvas add data points (the data becomes the drawn points)",
       [](Scene& s, const std::string& v) {
         s.drawing = parse_bool("draw", v);
         if (s.drawing) s.data.origin = DataOrigin::Drawn;
       },
       [](const Scene& s) -> Value { return s.drawing; }},
      {"data-origin", "where the 2D data come from: " + allowed_names<DataOrigin>(", "),
       [](Scene& s, const std::string& v) { s.data.origin = parse_name<DataOrigin>(v, "data-origin"); },
       [](const Scene& s) -> Value { return to_name(s.data.origin); }},
      {"plots", "the tab of the plots column: schedule, editor, training, elbo (the image view shows only elbo)",
       [](Scene& s, const std::string& v) {
         for (int i = 0; i < kPlotsTabCount; ++i)
           if (v == kPlotTabs[i]) {
             s.requests.plots_tab = s.plots_tab = i;
             return;
           }
         throw std::invalid_argument("plots: unknown value '" + v + "'; allowed: schedule, editor, training, elbo");
       },
       [](const Scene& s) -> Value { return kPlotTabs[std::clamp(s.plots_tab, 0, kPlotsTabCount - 1)]; }},
      {"point-size", "radius of the points in pixels (before the UI scale), 0.5..10",
       [](Scene& s, const std::string& v) {
         const double r = parse_double("point-size", v);
         if (!(r >= 0.5 && r <= 10)) throw std::invalid_argument("point-size: must be in [0.5, 10]");
         s.view.point_radius = static_cast<float>(r);
       },
       [](const Scene& s) -> Value { return shortest(s.view.point_radius); }},
      {"follow", "index of the point to follow (-1: none)",
       [](Scene& s, const std::string& v) { s.followed_point = static_cast<int>(parse_int("follow", v, -1, 1 << 30)); },
       [](const Scene& s) -> Value { return s.followed_point; }},
      {"zoom", "half height of the canvas in data units (0: fit the data)",
       [](Scene& s, const std::string& v) {
         const double h = parse_double("zoom", v);
         if (!(h == 0 || (h >= 0.05 && h <= 1000)))
           throw std::invalid_argument("zoom: must be 0 (fit the data) or in [0.05, 1000]");
         s.view.half_height = static_cast<float>(h);
       },
       [](const Scene& s) -> Value { return shortest(s.view.half_height); }},
      {"lr", "learning rate of live training",
       [](Scene& s, const std::string& v) {
         const double lr = parse_double("lr", v);
         if (!(lr > 0 && lr < 1)) throw std::invalid_argument("lr: must be in (0, 1)");
         s.training.learning_rate = static_cast<float>(lr);
       },
       [](const Scene& s) -> Value { return shortest(s.training.learning_rate); }},
      {"training", "on/off/reset: start (or resume), pause or discard live training",
       [](Scene& s, const std::string& v) {
         if (v == "reset") {
           s.requests.training = TrainingRequest::Reset;
           return;
         }
         s.requests.training = parse_bool("training", v) ? TrainingRequest::Start : TrainingRequest::Pause;
       },
       [](const Scene&) -> Value { return Value(); }},
      {"checkpoint", "the checkpoint file of the Training section's Save and Load buttons",
       [](Scene& s, const std::string& v) {
         if (v.empty()) throw std::invalid_argument("checkpoint: empty; give a file name such as model.pt");
         s.training.checkpoint_path = v;
       },
       [](const Scene& s) -> Value { return s.training.checkpoint_path; }},
      {"batch", "batch size of live training",
       [](Scene& s, const std::string& v) { s.training.batch_size = static_cast<int>(parse_int("batch", v, 1, 65536)); },
       [](const Scene& s) -> Value { return s.training.batch_size; }},
      // ---- the image view (image_lab.h) ----
      {"view", "the main canvas: a registered view (points: 2D data, images: small images, latent: the VAE's codes)",
       [](Scene& s, const std::string& v) {
         if (!is_view_name(v)) {
           std::string allowed;
           for (const ViewName& view : view_names()) allowed += (allowed.empty() ? "" : ", ") + view.name;
           throw std::invalid_argument("view: unknown value '" + text_excerpt(v) + "'; allowed: " + allowed);
         }
         s.main_view = v;
       },
       [](const Scene& s) -> Value { return s.main_view; }},
      {"latent-tab", "the Latent view's main panel: " + allowed_names<LatentTab>(", ") +
                         " (the canvas of the codes, or VAE against diffusion)",
       [](Scene& s, const std::string& v) { s.latent.tab = parse_name<LatentTab>(v, "latent-tab"); },
       [](const Scene& s) -> Value { return to_name(s.latent.tab); }},
      {"lang", "the language of the window: en (English) or zh (Simplified Chinese)",
       [](Scene& s, const std::string& v) { s.language = parse_name<Language>(v, "lang"); },
       [](const Scene& s) -> Value { return s.language ? Value(to_name(*s.language)) : Value(); }},
      {"image-dataset", "image data set: shapes, fashion-mnist, or a folder of PNG images",
       [](Scene& s, const std::string& v) {
         if (v.empty()) throw std::invalid_argument("image-dataset: empty; allowed: shapes, fashion-mnist, or a folder");
         s.images.dataset = v;
       },
       [](const Scene& s) -> Value { return s.images.dataset; }},
      {"image-colour", "on/off: a folder of PNG images loads in colour (RGB, for an RGB U-Net: dlab train --colour)",
       [](Scene& s, const std::string& v) { s.images.colour = parse_bool("image-colour", v); },
       [](const Scene& s) -> Value { return s.images.colour; }},
      {"images", "images in the grid, 1..256 (the controls offer 16, 36, 64)",
       [](Scene& s, const std::string& v) { s.images.count = static_cast<int>(parse_int("images", v, 1, 256)); },
       [](const Scene& s) -> Value { return s.images.count; }},
      {"class", "class label of a class-conditional image model (-1: each class in turn; C: the null label)",
       [](Scene& s, const std::string& v) { s.images.label = static_cast<int>(parse_int("class", v, -1, 100000)); },
       [](const Scene& s) -> Value { return s.images.label; }},
      {"guidance", "classifier-free guidance scale w, 0..10 (1: plain conditional)",
       [](Scene& s, const std::string& v) {
         const double w = parse_double("guidance", v);
         if (!(w >= 0 && w <= 10)) throw std::invalid_argument("guidance: must be in [0, 10]");
         s.images.guidance = w;
       },
       [](const Scene& s) -> Value { return s.images.guidance; }},
      {"image-model", "U-Net checkpoint of the image view (empty or 'shipped': assets/models/<data set>.pt)",
       [](Scene& s, const std::string& v) { s.images.model_path = v == "shipped" ? std::string() : v; },
       [](const Scene& s) -> Value { return s.images.model_path.empty() ? Value("shipped") : Value(s.images.model_path); }},
      {"clip-x0", "on/off: image sampling clamps x0_hat to [-1, 1] at every step",
       [](Scene& s, const std::string& v) { s.images.clip_x0 = parse_bool("clip-x0", v); },
       [](const Scene& s) -> Value { return s.images.clip_x0; }},
      {"x0-hat", "on/off: the image view shows x0_hat beside x_t",
       [](Scene& s, const std::string& v) { s.images.show_x0_hat = parse_bool("x0-hat", v); },
       [](const Scene& s) -> Value { return s.images.show_x0_hat; }},
      {"eps-hat", "on/off: the image view shows eps_hat beside x_t",
       [](Scene& s, const std::string& v) { s.images.show_eps_hat = parse_bool("eps-hat", v); },
       [](const Scene& s) -> Value { return s.images.show_eps_hat; }},
      {"filmstrip", "on/off: the image view shows one image at ten timesteps",
       [](Scene& s, const std::string& v) { s.images.filmstrip = parse_bool("filmstrip", v); },
       [](const Scene& s) -> Value { return s.images.filmstrip; }},
      {"filmstrip-image", "which image of the grid the filmstrip follows (from 0)",
       [](Scene& s, const std::string& v) { s.images.filmstrip_image = static_cast<int>(parse_int("filmstrip-image", v, 0, 255)); },
       [](const Scene& s) -> Value { return s.images.filmstrip_image; }},
  };
  return table;
}

}  // namespace

void set_control(Scene& state, const std::string& given_name, const std::string& value) {
  std::string name = given_name;  // scripts may write image_dataset for image-dataset
  std::replace(name.begin(), name.end(), '_', '-');
  for (const Control& control : controls()) {
    if (name == control.name) {
      control.set(state, value);
      return;
    }
  }
  std::string names;
  for (const Control& control : controls()) names += (names.empty() ? "" : ", ") + std::string(control.name);
  throw std::invalid_argument("unknown control '" + name + "'; controls: " + names);
}

std::vector<std::pair<std::string, Value>> saved_controls(const Scene& scene) {
  std::vector<std::pair<std::string, Value>> out;
  for (const Control& control : controls()) {
    Value value = control.get(scene);
    if (!value.is_null()) out.emplace_back(control.name, std::move(value));
  }
  return out;
}

std::string control_text(const Value& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::vector<std::pair<std::string, std::string>> control_names() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Control& control : controls()) out.emplace_back(control.name, control.description);
  return out;
}

bool sampler_is_stochastic(const SamplerSettings& sampler) {
  switch (sampler.kind) {
    case SamplerKind::Ddpm: return sampler.variance != VarianceKind::Zero;
    case SamplerKind::Ddim:
    case SamplerKind::EulerAncestral:
    case SamplerKind::DpmSolverPP2MSde: return sampler.effective_eta() > 0;
    default: return false;
  }
}

}  // namespace dlab::gui
