// The real state of the app. Widgets edit these fields directly (Dear ImGui style, no mirrored UI
// state); the Lab (lab.h) follows them every frame and recomputes what changed.
//
// Torch-free on purpose: the ImGui and GL files include this header and must not parse LibTorch
// (7 s of compile time per file). The core enums whose headers include LibTorch are declared opaquely
// here; controls.cpp and lab.cpp see their definitions and name tables, and check the defaults.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/names.h"
#include "core/schedule.h"

namespace dlab {

enum class Dataset2D;     // core/datasets2d.h; value-initialised = Gmm8
enum class ForwardMode;   // core/forward_process.h; value-initialised = ClosedForm
enum class SamplerKind;   // core/samplers.h; value-initialised = Ddpm
enum class VarianceKind;  // core/samplers.h; value-initialised = BetaTilde

// ---- app-level choices, each with one name table (shared by the widgets, the flags and scripts) ----

namespace gui {
enum class LabMode { Forward, Reverse };
enum class DataOrigin { Builtin, Csv, Drawn };
enum class ModelSource { Pretrained, Exact, Empirical, Live };
enum class MainView { Points, Images };
}  // namespace gui

template <>
struct EnumNames<gui::MainView> {
  static constexpr std::array<EnumEntry<gui::MainView>, 2> entries{{
      {gui::MainView::Points, "points", "2D points"},
      {gui::MainView::Images, "images", "Images"},
  }};
};

template <>
struct EnumNames<gui::LabMode> {
  static constexpr std::array<EnumEntry<gui::LabMode>, 2> entries{{
      {gui::LabMode::Forward, "forward", "Forward: diffuse"},
      {gui::LabMode::Reverse, "reverse", "Reverse: sample"},
  }};
};

template <>
struct EnumNames<gui::DataOrigin> {
  static constexpr std::array<EnumEntry<gui::DataOrigin>, 3> entries{{
      {gui::DataOrigin::Builtin, "builtin", "Built-in data set"},
      {gui::DataOrigin::Csv, "csv", "CSV file"},
      {gui::DataOrigin::Drawn, "drawn", "Drawn with the mouse"},
  }};
};

template <>
struct EnumNames<gui::ModelSource> {
  static constexpr std::array<EnumEntry<gui::ModelSource>, 4> entries{{
      {gui::ModelSource::Pretrained, "pretrained", "Pretrained network"},
      {gui::ModelSource::Exact, "exact", "Exact oracle (mixtures)"},
      {gui::ModelSource::Empirical, "empirical", "Empirical optimum"},
      {gui::ModelSource::Live, "live", "Network trained here"},
  }};
};

namespace gui {

struct DataState {
  DataOrigin origin = DataOrigin::Builtin;
  Dataset2D dataset{};  // gmm8
  std::string csv_path;
  std::vector<float> drawn_points;  // x, y pairs placed with the mouse
  int n = 2000;                     // points drawn from the data set (and reverse samples)
  std::uint64_t seed = 0;
};

struct PlaybackState {
  LabMode mode = LabMode::Forward;
  ForwardMode forward_mode{};  // closed form
  // Forward: the timestep t in 0..T. Reverse: the number of sampler steps taken, 0 (x_T) .. K (x_0).
  // Fractional while playing; what is shown is its integer part.
  double cursor = 0.0;
  bool playing = false;
  float steps_per_second = 120.0f;
  // A timestep asked for by a flag or a script (--t N); the Lab turns it into a cursor position once it
  // knows the sampling grid (reverse: the first frame whose t <= requested_t). -1: none.
  int requested_t = -1;
};

struct Layers {
  bool data = true;            // x_0, dimmed, under everything
  bool points = true;          // the current x_t
  bool trajectories = false;   // the path of a subset of points up to now
  bool field = false;          // eps_hat of the model on a grid at the current t
  bool density = false;        // q(x_t): exact for mixtures, a histogram otherwise
  bool score_error = false;    // |eps_model - eps_exact| on a grid (mixtures only)
  bool color_by_origin = true; // colour each point by where it starts (forward) or ends (reverse)
  bool compare_forward = false;  // forward: also show the other method (closed form / chain) at the same t
};

struct ViewState {
  float center_x = 0.0f, center_y = 0.0f;
  float half_height = 3.2f;  // data units from the centre to the top edge of the canvas
  float point_radius = 2.5f; // pixels, before UI scaling
};

enum class TrainingRequest { None, Start, Pause, Reset };

struct TrainingSettings {
  float learning_rate = 1e-3f;
  int batch_size = 512;
  std::string checkpoint_path = "model.pt";
  TrainingRequest request = TrainingRequest::None;  // set by a flag or a script, carried out by the app
};

// The reverse-process settings the user edits (the fields of core's SamplerConfig that are choices).
struct SamplerSettings {
  SamplerKind kind{};         // DDPM
  int steps = 0;              // K; 0 = every step of the schedule
  Spacing spacing = Spacing::Linspace;
  VarianceKind variance{};    // beta~_t
  double eta = 1.0;           // DDIM: 1 equals DDPM with beta~; Euler ancestral: 1 = full noise
  std::uint64_t seed = 1;     // x_T and the noise z of stochastic samplers
};

// The image view (image_lab.h, panel_images.cpp): a grid of small images diffusing and being denoised.
struct ImageState {
  std::string dataset = "shapes";  // "shapes", "fashion-mnist", or a folder of PNG images
  int count = 16;                  // images in the grid: 16, 36 or 64
  int label = -1;                  // class-conditional models: -1 cycles through the classes, else one class
  double guidance = 1.0;           // classifier-free guidance scale w in 0..10 (1: plain conditional)
  std::string model_path;          // empty: the shipped assets/models/<dataset>.pt
  bool clip_x0 = true;             // the sampler clamps x0_hat to [-1, 1] (images, improved-diffusion style)
  bool show_x0_hat = true;         // a grid of x0_hat beside x_t
  bool show_eps_hat = true;        // a grid of eps_hat beside x_t
  bool filmstrip = true;           // one image at ~10 values of t, under the grid
  int filmstrip_image = 0;         // which image of the grid the filmstrip follows
};

struct AppState {
  MainView main_view = MainView::Points;
  ImageState images;
  DataState data;
  ScheduleConfig schedule;
  SamplerSettings sampler;
  ModelSource model = ModelSource::Pretrained;
  PlaybackState playback;
  Layers layers;
  ViewState view;
  TrainingSettings training;
  int followed_point = -1;  // index of the point whose path and arrows are shown, -1 for none
  bool drawing = false;     // clicks on the canvas add data points
  int plots_tab_request = -1;  // select a tab of the plots column: 0 schedule, 1 editor, 2 training
  float ui_scale = 1.0f;
};

// The number of positions of the cursor for the current mode: T (forward) or K (reverse).
int cursor_end(const AppState& state, const NoiseSchedule& schedule);

// The frame the cursor shows: forward 0..T (frame = t), reverse 0..K. A pending --t N (requested_t) is
// turned into a cursor position first: forward, t = N; reverse, the first frame whose timestep is <= N,
// with t_of_frame giving the timestep of a frame.
int forward_frame(PlaybackState& playback, int T);
int reverse_frame(PlaybackState& playback, int K, const std::function<int(int)>& t_of_frame);

// The steps K the sampler will take under this schedule (steps = 0 or >= T means T).
int sampler_steps(const SamplerSettings& sampler, const NoiseSchedule& schedule);

}  // namespace gui
}  // namespace dlab
