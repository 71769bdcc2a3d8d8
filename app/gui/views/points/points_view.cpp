// The 2D view: a cloud of points x_t on the canvas, the formula of the step under the timeline and the
// schedule, editor and training plots on the right. Its computations are the app's Lab (lab.h), which
// live training and scene files share.
#include "app/gui/state/i18n.h"
#include "app/gui/views/points/lab.h"
#include "app/gui/views/points/points_stats.h"
#include "app/gui/views/view.h"
#include "core/point_statistics.h"

namespace dlab::gui {

void points_view_stats(const Lab& lab, const Scene& scene, nlohmann::ordered_json& out) {
  const PointStats stats = lab.stats(true);
  out["model"] = to_name(scene.model);
  out["model_available"] = lab.has_model();
  out["model_is_exact"] = lab.model_is_exact();
  out["model_description"] = lab.model_description();
  out["data_error"] = lab.data_error();
  out["followed_point"] = scene.followed_point;
  out["n"] = stats.n;
  out["mean"] = {finite_or_null(stats.mean[0]), finite_or_null(stats.mean[1])};
  out["cov"] = {{finite_or_null(stats.cov[0][0]), finite_or_null(stats.cov[0][1])},
                {finite_or_null(stats.cov[1][0]), finite_or_null(stats.cov[1][1])}};
  out["near_mode_fraction"] = stats.near_mode_fraction < 0 ? nullptr : finite_or_null(stats.near_mode_fraction);
  out["mean_nearest_data_distance"] = finite_or_null(stats.mean_nearest_data_distance);
  const auto measured_or_null = [](double value) -> nlohmann::ordered_json {
    return value < 0 ? nlohmann::ordered_json(nullptr) : finite_or_null(value);
  };
  out["spread"] = measured_or_null(stats.spread);
  out["data_spread"] = measured_or_null(stats.data_spread);
  out["neighbour_distance"] = measured_or_null(stats.neighbour_distance);
  out["data_neighbour_distance"] = measured_or_null(stats.data_neighbour_distance);
  // The formula panel's text as the window shows it.
  const Formula formula = lab.formula(scene.followed_point);
  out["formula_title"] = formula.title;
  out["formula_note"] = formula.note;
  out["formula_point"] = formula.point;
  const TrainingStatus training = lab.training_status();
  out["training_step"] = training.step;
  out["training_loss"] = training.exists ? finite_or_null(training.loss) : nullptr;
  out["training_running"] = training.running;
  // The Training tab's curves: the smoothed loss at the last step, the learning rates set (the first at the start).
  std::vector<double> steps, loss, smoothed, rate_steps, rates;
  lab.training_loss(600, &steps, &loss, &smoothed);
  lab.training_learning_rates(&rate_steps, &rates);
  out["training_smoothed_loss"] = smoothed.empty() ? nullptr : finite_or_null(smoothed.back());
  out["training_learning_rates"] = rates;
  out["training_learning_rate_count"] = rates.size();
  // Live training: the snapshot the reverse run samples with and the latest one (training steps, -1: none).
  out["sampling_snapshot_step"] = lab.sampling_snapshot_step();
  out["latest_snapshot_step"] = lab.latest_snapshot_step();
  out["prior_kl"] = finite_or_null(lab.prior_kl());
  // The canvas's view: how much of the data x_0 it shows (1: all of it).
  const float* box = scene.drafts.canvas_box;
  out["view_half_height"] = 0.5 * (box[3] - box[1]);
  out["data_in_view"] = finite_or_null(fraction_inside(lab.data_points(), 0.5 * (box[0] + box[2]),
                                                       0.5 * (box[1] + box[3]), 0.5 * (box[2] - box[0]),
                                                       0.5 * (box[3] - box[1])));
  // The ELBO tab (nats/dim) and the quality of a finished reverse run, null until computed.
  elbo_stats(lab.elbo(), out);
  const PointQualityReadout quality = lab.quality();
  const bool measured = quality.state == ReadoutState::Ready;
  out["precision"] = measured ? finite_or_null(quality.precision) : nullptr;
  out["recall"] = measured ? finite_or_null(quality.recall) : nullptr;
  out["energy_distance"] = measured ? finite_or_null(quality.energy) : nullptr;
  out["energy_floor"] = measured ? finite_or_null(quality.energy_floor) : nullptr;
}

namespace {

class PointsView : public ComputeView<Lab> {
 public:
  explicit PointsView(const ViewServices& services) : lab_(*services.lab) {}

  void sync(Scene& scene, const NoiseSchedule&) override {
    // Back from the Latent view: the 2D data it replaced with the codes, unless the codes were chosen here since.
    if (scene.latent.replaced_data) {
      scene.latent.replaced_data = false;
      if (scene.data.origin == DataOrigin::Builtin && scene.data.dataset == Dataset2D::FashionMnistLatent)
        scene.data = scene.latent.data_before;
    }
    lab_.set_class_colors(colors::class_palette());
    lab_.sync(scene);
  }

  void controls(PanelContext& context) override {
    const ImGuiTreeNodeFlags open = ImGuiTreeNodeFlags_DefaultOpen;
    if (ImGui::CollapsingHeader(header_label(tr("Data"), "data").c_str(), open)) data_section(context);
    sections_after_data(context);
  }

  void draw(PanelContext& context, Layout& layout) override {
    panel_canvas(context, layout.canvas);
    panel_formula(context, layout.formula);
    panel_plots(context, layout.plots);
  }

  void stats(const Scene& scene, nlohmann::ordered_json& out) const override { points_view_stats(lab_, scene, out); }

 private:
  Lab& compute() const override { return lab_; }
  Lab& lab_;
};

}  // namespace

DLAB_REGISTER_VIEW(PointsView, "points", N_("2D points"),
                   N_("The toy 2D data sets: each point is one sample x\u2080 in the plane, and you watch the whole "
                      "cloud diffuse and come back."),
                   0);

}  // namespace dlab::gui
