// The Scene: one plain value holding everything a user can set (every control of the registry in
// controls.h, the drawn points, the custom schedule curve, layers, zoom, the followed point, the model
// choice, the cursor) and nothing derived. Widgets, keys, scripts, flags and scene files (scene_file.h)
// all edit it; everything shown is computed from it by the views.
//
// Torch-free and GL-free: the ImGui files and the unit tests include it directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/choices.h"
#include "core/names.h"
#include "core/schedule.h"

namespace dlab {

// ---- app-level choices, each with one name table (shared by the widgets, the flags and scripts) ----

namespace gui {
enum class LabMode { Forward, Reverse };
enum class DataOrigin { Builtin, Csv, Drawn };
enum class ModelSource { Pretrained, Exact, Empirical, Live };
enum class Language { En, Zh };  // the language of every string shown (i18n.h)
enum class LatentTab { Codes, Compare };  // the Latent view's main panel (views/latent)
}  // namespace gui

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

template <>
struct EnumNames<gui::Language> {
  static constexpr std::array<EnumEntry<gui::Language>, 2> entries{{
      {gui::Language::En, "en", "English"},
      {gui::Language::Zh, "zh", "中文"},
  }};
};

template <>
struct EnumNames<gui::LatentTab> {
  static constexpr std::array<EnumEntry<gui::LatentTab>, 2> entries{{
      {gui::LatentTab::Codes, "codes", "The latent codes"},
      {gui::LatentTab::Compare, "compare", "VAE against diffusion"},
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

// The classic view of the 2D canvas: (0, 0) in the middle, 3.2 data units up to the top edge.
constexpr float kClassicHalfHeight = 3.2f;

struct ViewState {
  float center_x = 0.0f, center_y = 0.0f;
  // Data units from the centre to the top edge of the canvas; 0: fit the data (the classic view when the data
  // fit in it, else their box: core/point_statistics.h fit_view), until the user pans or zooms.
  float half_height = 0.0f;
  float point_radius = 2.5f; // pixels, before UI scaling
};

enum class TrainingRequest { None, Start, Pause, Reset };

struct TrainingSettings {
  float learning_rate = 1e-3f;
  int batch_size = 512;
  std::string checkpoint_path = "model.pt";
};

// The reverse-process settings the user edits (the fields of core's SamplerConfig that are choices).
struct SamplerSettings {
  SamplerKind kind{};         // DDPM
  int steps = 0;              // K; 0 = every step of the schedule
  Spacing spacing = Spacing::Linspace;
  VarianceKind variance{};    // beta~_t
  // DDIM / Euler ancestral noise scale; unset: the sampler's own default, as in dlab (DDIM 0: deterministic;
  // Euler ancestral 1: full noise). DDIM with 1 equals DDPM with beta~.
  std::optional<double> eta;
  double effective_eta() const { return eta.value_or(default_eta(kind)); }
  std::uint64_t seed = 1;     // x_T and the noise z of stochastic samplers
};

// The image view (views/images): a grid of small images diffusing and being denoised.
struct ImageState {
  std::string dataset = "shapes";  // "shapes", "fashion-mnist", or a folder of PNG images
  bool colour = false;             // a folder loads in RGB (3 channels) rather than grayscale (issue 12)
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

// The Latent view (views/latent, issue 12): the VAE's codes of Fashion-MNIST as 2D data.
struct LatentState {
  LatentTab tab = LatentTab::Codes;  // the canvas of the codes, or VAE against diffusion
  // The 2D data the Latent view replaced with the codes, given back when the 2D view is shown again (not saved:
  // a scene file holds the data shown).
  bool replaced_data = false;
  DataState data_before;
};

// The plots column's tabs, in the order of the `plots` control's names (schedule, editor, training, elbo).
constexpr int kPlotsTabElbo = 3;  // the ELBO and the quality of the samples (both views)
constexpr int kPlotsTabCount = 4;

enum class SceneRequest { None, Save, Open };

// Requests of one frame, carried out by the app and then cleared: never saved.
struct Requests {
  TrainingRequest training = TrainingRequest::None;  // start / pause / reset live training
  SceneRequest scene = SceneRequest::None;           // save to / open drafts.scene_path
  bool sample_again = false;     // restart the reverse run with the latest snapshot of live training
  bool load_checkpoint = false;  // load training.checkpoint_path into live training (on the training thread)
  int plots_tab = -1;  // select a tab of the plots column: 0 schedule, 1 editor, 2 training, 3 ELBO
};

// Text being typed into a path field, applied when the user presses its button: never saved.
struct Drafts {
  std::string csv_path;       // Data: a CSV file
  std::string image_folder;   // Images: a folder of PNG images
  std::string image_model;    // Images: a U-Net checkpoint
  std::string scene_path = "scene.json";  // Save / Open scene
  std::string checkpoint_message;         // the result of the last checkpoint save / load
  bool checkpoint_ok = true;
  // The box of data coordinates the 2D canvas showed last (min x, min y, max x, max y), for --stats-out.
  float canvas_box[4] = {0, 0, 0, 0};
};

struct Scene {
  std::string main_view = "points";  // the view shown: a name registered by a view (views/view.h)
  ImageState images;
  LatentState latent;
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
  int plots_tab = 0;        // the tab of the plots column shown: 0 schedule, 1 editor, 2 training, 3 ELBO
  // A network trained here and saved with the scene (scene_file.h): loaded into live training on open.
  std::string live_checkpoint;
  // The language of the window; unset in a scene file that does not say, which then keeps the window's (the app
  // starts in --lang's, else the system locale's: i18n.h).
  std::optional<Language> language;

  Requests requests;  // not part of the saved scene
  Drafts drafts;      // not part of the saved scene
};

}  // namespace gui
}  // namespace dlab
