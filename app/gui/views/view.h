// A view: one way of showing diffusion (2D points, small images, ...) on the shared timeline, schedule
// and sampler controls. Each view lives in its own folder under views/ and registers itself in one line,
//
//   DLAB_REGISTER_VIEW(PointsView, "points", N_("2D points"), N_("what it shows"), 0);
//
// (label and tooltip marked N_ for the catalogue, i18n.h; the view switch translates them)
// the way box2d's samples do: the app makes every registered view and shows the one the scene names, and
// the `view` control (flags, scripts, scene files) accepts every registered name.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/panels/panels.h"
#include "app/gui/state/dlab_command.h"
#include "app/gui/state/controls.h"
#include "app/gui/state/view_names.h"
#include "app/gui/timeline/timeline.h"
#include "app/gui/views/quality.h"

namespace dlab::gui {

class Lab;
class CanvasRenderer;

// What the app lends every view (made with a current GL context, valid for the view's life).
struct ViewServices {
  Lab* lab = nullptr;                  // the 2D data, model and live training (views/points/lab.h)
  CanvasRenderer* renderer = nullptr;  // instanced points, heat maps, lines
};

class View {
 public:
  virtual ~View() = default;
  // Follows the scene every frame it is shown (data, model, sampler, cursor); never waits for a network.
  virtual void sync(Scene& scene, const NoiseSchedule& schedule) = 0;
  virtual StepInfo step_info() const = 0;
  virtual ReverseStatus reverse_status() const = 0;
  virtual std::vector<int> sampling_timesteps() const = 0;  // reverse: the timesteps visited, ascending
  virtual bool busy() const = 0;                            // loading or computing, besides sampling
  virtual bool wait_for_reverse(double timeout_seconds) = 0;  // blocks: tests, --screenshot
  // --bench-frames: the time per sampler step of the last finished reverse run (0: none) and the model in use.
  virtual double last_reverse_ms_per_step() const { return 0; }
  virtual std::string model_description() const { return {}; }
  // Its sections of the controls column (the app adds the view switch above and the scene file below).
  virtual void controls(PanelContext& context) = 0;
  // Its windows in the layout: the canvas, the panel under the timeline, the plots column if it uses it
  // (it may widen the others over the plots column instead). The app draws the timeline.
  virtual void draw(PanelContext& context, Layout& layout) = 0;
  // Its statistics for --stats-out and the script's `stats`, added to the app's common fields.
  virtual void stats(const Scene& scene, nlohmann::ordered_json& out) const = 0;
  // The statistics computed on a worker only when asked for (the ELBO, the quality read-out): `ask` asks for
  // them (--stats-out, a script's `stats`; the ELBO tab asks while it is shown). True while something asked
  // for is still being computed: --stats-out, `stats` and screenshots wait, so the values are deterministic.
  virtual bool stats_pending(bool ask) {
    (void)ask;
    return false;
  }
  // Values of the scene this view found out of range at its last syncs (ControlError, controls.h), each once:
  // the app fails the script line or the flag that set them, or shows the message in the window.
  virtual std::vector<ControlError> take_control_errors() { return {}; }
  // Export (issue 11), for a view with images of its own: the images shown as a PNG grid in `dlab sample`'s
  // layout (`scale` PNG pixels per image pixel; returns the PNG's width and height), and their numbers as
  // CSV. Throw std::runtime_error with a message for the window or the command line.
  virtual std::pair<int, int> write_image_grid(const std::string& path, int scale) {
    (void)scale;
    throw std::runtime_error(path + ": the image grid is the image view's (--view images)");
  }
  virtual std::string images_csv() const {
    throw std::runtime_error("images: the images table is the image view's (--view images)");
  }
  // "Copy as command" of a view with a model of its own (the image view's `dlab sample` line); the 2D
  // view's is the app's (copy_as_command).
  virtual DlabCommand image_command(const Scene& scene) const {
    (void)scene;
    DlabCommand none;
    none.why_not = "this view has no dlab command line";
    return none;
  }
};

// A view whose timeline answers come from one compute object (the Lab, an ImageLab, ...) with the usual
// step_info / reverse_status / sampling_timesteps / busy / wait_for_reverse members.
template <class Compute>
class ComputeView : public View {
 public:
  StepInfo step_info() const override { return compute().step_info(); }
  ReverseStatus reverse_status() const override { return compute().reverse_status(); }
  std::vector<int> sampling_timesteps() const override { return compute().sampling_timesteps(); }
  bool busy() const override { return compute().busy(); }
  bool wait_for_reverse(double timeout_seconds) override { return compute().wait_for_reverse(timeout_seconds); }
  double last_reverse_ms_per_step() const override { return compute().last_reverse_ms_per_step(); }
  std::string model_description() const override { return compute().model_description(); }
  bool stats_pending(bool ask) override {
    if (ask) compute().request_quality();
    return compute().quality_pending();
  }

 protected:
  virtual Compute& compute() const = 0;
};

// A statistic for View::stats: the number, or null where it is not finite (JSON has no NaN).
inline nlohmann::ordered_json finite_or_null(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

// The ELBO's statistics, the same in both views: elbo_total = elbo_prior + elbo_diffusion + elbo_decoder in
// elbo_unit, null until computed for the current data, schedule and model.
inline void elbo_stats(const ElboReadout& elbo, nlohmann::ordered_json& out) {
  const bool ready = elbo.state == ReadoutState::Ready;
  out["elbo_unit"] = elbo.unit();
  out["elbo_total"] = ready ? finite_or_null(elbo.total) : nullptr;
  out["elbo_prior"] = ready ? finite_or_null(elbo.prior) : nullptr;
  out["elbo_diffusion"] = ready ? finite_or_null(elbo.diffusion) : nullptr;
  out["elbo_decoder"] = ready ? finite_or_null(elbo.decoder) : nullptr;
  out["elbo_examples"] = ready ? elbo.examples : 0;
}

using ViewFactory = std::unique_ptr<View> (*)(const ViewServices& services);

struct ViewRegistration {
  std::string name;
  ViewFactory make = nullptr;
};

// Registers a view and its name (view_names.h). Returns true, for static registration.
bool register_view(const char* name, const char* label, const char* tooltip, int order, ViewFactory make);
// Every registered view, made for the app, by registration order of view_names().
std::vector<std::pair<std::string, std::unique_ptr<View>>> make_views(const ViewServices& services);

#define DLAB_REGISTER_VIEW(Type, name, label, tooltip, order)                                                     \
  static const bool dlab_registered_##Type = ::dlab::gui::register_view(                                        \
      name, label, tooltip, order, [](const ::dlab::gui::ViewServices& services) -> std::unique_ptr<::dlab::gui::View> { \
        return std::make_unique<Type>(services);                                                                \
      })

}  // namespace dlab::gui
