#include "app/gui/controls.h"

#include <imgui.h>

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "app/gui/enum_combo.h"
#include "core/datasets2d.h"
#include "core/forward_process.h"
#include "core/samplers.h"

namespace dlab::gui {

// app_state.h value-initialises these opaque enums; make sure that still means the intended defaults.
static_assert(Dataset2D{} == Dataset2D::Gmm8);
static_assert(ForwardMode{} == ForwardMode::ClosedForm);
static_assert(SamplerKind{} == SamplerKind::Ddpm);
static_assert(VarianceKind{} == VarianceKind::BetaTilde);

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
    throw std::invalid_argument(name + ": '" + value + "' is not an integer");
  if (parsed < low || parsed > high)
    throw std::invalid_argument(name + ": " + value + " is outside " + std::to_string(low) + ".." +
                                std::to_string(high));
  return parsed;
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
    throw std::invalid_argument(name + ": '" + value + "' is not a number");
  return parsed;
}

struct Control {
  const char* name;
  std::string description;
  std::function<void(AppState&, const std::string&)> set;
};

const std::vector<Control>& controls() {
  static const std::vector<Control> table = {
      {"dataset", "a built-in 2D data set (" + allowed_names<Dataset2D>(", ") + ") or a CSV file",
       [](AppState& s, const std::string& v) {
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
       }},
      {"n", "number of points, 1..20000",
       [](AppState& s, const std::string& v) { s.data.n = static_cast<int>(parse_int("n", v, 1, 20000)); }},
      {"seed", "seed of the data and the forward noise",
       [](AppState& s, const std::string& v) { s.data.seed = static_cast<std::uint64_t>(parse_int("seed", v, 0, 1LL << 62)); }},
      {"schedule", "noise schedule: " + allowed_names<ScheduleKind>(", "),
       [](AppState& s, const std::string& v) {
         s.schedule.kind = parse_name<ScheduleKind>(v, "schedule");
         if (s.schedule.kind == ScheduleKind::Custom && s.schedule.custom_curve.empty())
           s.schedule.custom_curve = default_custom_curve();
       }},
      {"timesteps", "T, the number of diffusion steps, 2..4000",
       [](AppState& s, const std::string& v) {
         s.schedule.timesteps = static_cast<int>(parse_int("timesteps", v, kMinTimesteps, kMaxTimesteps));
       }},
      {"beta-start", "beta_1 of linear, scaled-linear and sigmoid schedules",
       [](AppState& s, const std::string& v) { s.schedule.beta_start = parse_double("beta-start", v); }},
      {"beta-end", "beta_T of linear, scaled-linear and sigmoid schedules",
       [](AppState& s, const std::string& v) { s.schedule.beta_end = parse_double("beta-end", v); }},
      {"zero-terminal-snr", "on/off: rescale so that abar_T = 0 (Lin et al. 2023)",
       [](AppState& s, const std::string& v) { s.schedule.zero_terminal_snr = parse_bool("zero-terminal-snr", v); }},
      {"mode", "forward (diffuse) or reverse (sample)",
       [](AppState& s, const std::string& v) {
         const LabMode mode = parse_name<LabMode>(v, "mode");
         if (mode != s.playback.mode) s.playback.cursor = 0;
         s.playback.mode = mode;
       }},
      {"forward-mode", "forward process: " + allowed_names<ForwardMode>(", "),
       [](AppState& s, const std::string& v) { s.playback.forward_mode = parse_name<ForwardMode>(v, "forward-mode"); }},
      {"t", "show timestep t (forward: x_t; reverse: the first frame with t <= this)",
       [](AppState& s, const std::string& v) { s.playback.requested_t = static_cast<int>(parse_int("t", v, 0, kMaxTimesteps)); }},
      {"speed", "playback speed in steps per second",
       [](AppState& s, const std::string& v) {
         const double speed = parse_double("speed", v);
         if (!(speed > 0 && speed <= 10000)) throw std::invalid_argument("speed: must be in (0, 10000]");
         s.playback.steps_per_second = static_cast<float>(speed);
       }},
      {"sampler", "reverse sampler: " + allowed_names<SamplerKind>(", "),
       [](AppState& s, const std::string& v) { s.sampler.kind = parse_name<SamplerKind>(v, "sampler"); }},
      {"steps", "K, sampler steps (0 = all T)",
       [](AppState& s, const std::string& v) { s.sampler.steps = static_cast<int>(parse_int("steps", v, 0, kMaxTimesteps)); }},
      {"spacing", "respacing of the K steps: " + allowed_names<Spacing>(", "),
       [](AppState& s, const std::string& v) { s.sampler.spacing = parse_name<Spacing>(v, "spacing"); }},
      {"variance", "DDPM variance: " + allowed_names<VarianceKind>(", "),
       [](AppState& s, const std::string& v) { s.sampler.variance = parse_name<VarianceKind>(v, "variance"); }},
      {"eta", "DDIM / Euler ancestral noise scale, 0..1",
       [](AppState& s, const std::string& v) {
         const double eta = parse_double("eta", v);
         if (eta < 0 || eta > 1) throw std::invalid_argument("eta: must be in [0, 1]");
         s.sampler.eta = eta;
       }},
      {"sample-seed", "seed of x_T and of the sampler's noise",
       [](AppState& s, const std::string& v) { s.sampler.seed = static_cast<std::uint64_t>(parse_int("sample-seed", v, 0, 1LL << 62)); }},
      {"model", "the denoiser: " + allowed_names<ModelSource>(", "),
       [](AppState& s, const std::string& v) { s.model = parse_name<ModelSource>(v, "model"); }},
      {"layer-data", "on/off: show x_0", [](AppState& s, const std::string& v) { s.layers.data = parse_bool("layer-data", v); }},
      {"layer-points", "on/off: show x_t", [](AppState& s, const std::string& v) { s.layers.points = parse_bool("layer-points", v); }},
      {"layer-trajectories", "on/off: paths of some points",
       [](AppState& s, const std::string& v) { s.layers.trajectories = parse_bool("layer-trajectories", v); }},
      {"layer-field", "on/off: eps_hat on a grid", [](AppState& s, const std::string& v) { s.layers.field = parse_bool("layer-field", v); }},
      {"layer-density", "on/off: heat map of q(x_t)",
       [](AppState& s, const std::string& v) { s.layers.density = parse_bool("layer-density", v); }},
      {"layer-score-error", "on/off: |eps_hat - eps*| (mixtures)",
       [](AppState& s, const std::string& v) { s.layers.score_error = parse_bool("layer-score-error", v); }},
      {"compare", "on/off: forward mode also shows the other method (closed form / chain) at the same t",
       [](AppState& s, const std::string& v) { s.layers.compare_forward = parse_bool("compare", v); }},
      {"color-by-origin", "on/off: colour points by where they start or end",
       [](AppState& s, const std::string& v) { s.layers.color_by_origin = parse_bool("color-by-origin", v); }},
      {"draw", "on/off: clicks on the canvas add data points (the data becomes the drawn points)",
       [](AppState& s, const std::string& v) {
         s.drawing = parse_bool("draw", v);
         if (s.drawing) s.data.origin = DataOrigin::Drawn;
       }},
      {"plots", "the tab of the plots column: schedule, editor, training",
       [](AppState& s, const std::string& v) {
         static const char* tabs[] = {"schedule", "editor", "training"};
         for (int i = 0; i < 3; ++i)
           if (v == tabs[i]) {
             s.plots_tab_request = i;
             return;
           }
         throw std::invalid_argument("plots: unknown value '" + v + "'; allowed: schedule, editor, training");
       }},
      {"point-size", "radius of the points in pixels (before the UI scale), 0.5..10",
       [](AppState& s, const std::string& v) {
         const double r = parse_double("point-size", v);
         if (!(r >= 0.5 && r <= 10)) throw std::invalid_argument("point-size: must be in [0.5, 10]");
         s.view.point_radius = static_cast<float>(r);
       }},
      {"follow", "index of the point to follow (-1: none)",
       [](AppState& s, const std::string& v) { s.followed_point = static_cast<int>(parse_int("follow", v, -1, 1 << 30)); }},
      {"zoom", "half height of the canvas in data units",
       [](AppState& s, const std::string& v) {
         const double h = parse_double("zoom", v);
         if (!(h >= 0.05 && h <= 1000)) throw std::invalid_argument("zoom: must be in [0.05, 1000]");
         s.view.half_height = static_cast<float>(h);
       }},
      {"lr", "learning rate of live training",
       [](AppState& s, const std::string& v) {
         const double lr = parse_double("lr", v);
         if (!(lr > 0 && lr < 1)) throw std::invalid_argument("lr: must be in (0, 1)");
         s.training.learning_rate = static_cast<float>(lr);
       }},
      {"training", "on/off/reset: start (or resume), pause or discard live training",
       [](AppState& s, const std::string& v) {
         if (v == "reset") {
           s.training.request = TrainingRequest::Reset;
           return;
         }
         s.training.request = parse_bool("training", v) ? TrainingRequest::Start : TrainingRequest::Pause;
       }},
      {"batch", "batch size of live training",
       [](AppState& s, const std::string& v) { s.training.batch_size = static_cast<int>(parse_int("batch", v, 1, 65536)); }},
      // ---- the image view (image_lab.h) ----
      {"view", "the main canvas: points (2D data) or images",
       [](AppState& s, const std::string& v) { s.main_view = parse_name<MainView>(v, "view"); }},
      {"image-dataset", "image data set: shapes, fashion-mnist, or a folder of PNG images",
       [](AppState& s, const std::string& v) {
         if (v.empty()) throw std::invalid_argument("image-dataset: empty; allowed: shapes, fashion-mnist, or a folder");
         s.images.dataset = v;
       }},
      {"images", "images in the grid, 1..256 (the controls offer 16, 36, 64)",
       [](AppState& s, const std::string& v) { s.images.count = static_cast<int>(parse_int("images", v, 1, 256)); }},
      {"class", "class label of a class-conditional image model (-1: each class in turn; C: the null label)",
       [](AppState& s, const std::string& v) { s.images.label = static_cast<int>(parse_int("class", v, -1, 100000)); }},
      {"guidance", "classifier-free guidance scale w, 0..10 (1: plain conditional)",
       [](AppState& s, const std::string& v) {
         const double w = parse_double("guidance", v);
         if (!(w >= 0 && w <= 10)) throw std::invalid_argument("guidance: must be in [0, 10]");
         s.images.guidance = w;
       }},
      {"image-model", "U-Net checkpoint of the image view (empty or 'shipped': assets/models/<data set>.pt)",
       [](AppState& s, const std::string& v) { s.images.model_path = v == "shipped" ? std::string() : v; }},
      {"clip-x0", "on/off: image sampling clamps x0_hat to [-1, 1] at every step",
       [](AppState& s, const std::string& v) { s.images.clip_x0 = parse_bool("clip-x0", v); }},
      {"x0-hat", "on/off: the image view shows x0_hat beside x_t",
       [](AppState& s, const std::string& v) { s.images.show_x0_hat = parse_bool("x0-hat", v); }},
      {"eps-hat", "on/off: the image view shows eps_hat beside x_t",
       [](AppState& s, const std::string& v) { s.images.show_eps_hat = parse_bool("eps-hat", v); }},
      {"filmstrip", "on/off: the image view shows one image at ten timesteps",
       [](AppState& s, const std::string& v) { s.images.filmstrip = parse_bool("filmstrip", v); }},
      {"filmstrip-image", "which image of the grid the filmstrip follows (from 0)",
       [](AppState& s, const std::string& v) { s.images.filmstrip_image = static_cast<int>(parse_int("filmstrip-image", v, 0, 255)); }},
  };
  return table;
}

}  // namespace

void set_control(AppState& state, const std::string& given_name, const std::string& value) {
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

std::vector<std::pair<std::string, std::string>> control_names() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Control& control : controls()) out.emplace_back(control.name, control.description);
  return out;
}

bool dataset_combo(const char* id, Dataset2D* value) { return enum_combo(id, value); }
bool forward_mode_combo(const char* id, ForwardMode* value) { return enum_combo(id, value); }
bool sampler_combo(const char* id, SamplerKind* value) { return enum_combo(id, value); }
bool variance_combo(const char* id, VarianceKind* value) { return enum_combo(id, value); }

const char* dataset_name(Dataset2D value) { return to_name(value); }
const char* dataset_label(Dataset2D value) { return to_label(value); }
const char* sampler_name(SamplerKind value) { return to_name(value); }
const char* sampler_label(SamplerKind value) { return to_label(value); }
const char* variance_name(VarianceKind value) { return to_name(value); }
const char* variance_label(VarianceKind value) { return to_label(value); }
const char* forward_mode_label(ForwardMode value) { return to_label(value); }
bool is_chain(ForwardMode value) { return value == ForwardMode::Chain; }
bool sampler_uses_variance(SamplerKind value) { return value == SamplerKind::Ddpm; }
bool sampler_uses_eta(SamplerKind value) { return value == SamplerKind::Ddim || value == SamplerKind::EulerAncestral; }
bool sampler_is_stochastic(const SamplerSettings& sampler) {
  switch (sampler.kind) {
    case SamplerKind::Ddpm: return sampler.variance != VarianceKind::Zero;
    case SamplerKind::Ddim:
    case SamplerKind::EulerAncestral: return sampler.eta > 0;
    default: return false;
  }
}

}  // namespace dlab::gui
