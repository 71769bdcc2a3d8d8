// The Latent view (issue 12): the 2D canvas shows the codes of the Fashion-MNIST training images under the
// shipped VAE, coloured by garment; they diffuse and are sampled with the 2D view's timeline, schedule,
// samplers and models (the shared Lab: the pretrained MLP trained on the codes, or one trained here), and
// beside the canvas the decoder turns 16 marked points into images at every step. Its other tab sets images
// decoded from the VAE's prior beside images decoded from latent-diffusion samples (LatentLab, latent_lab.h).
#include <algorithm>
#include <cstdio>

#include "app/gui/state/i18n.h"
#include "app/gui/views/latent/latent_panels.h"
#include "app/gui/views/points/lab.h"
#include "app/gui/views/points/points_stats.h"
#include "app/gui/views/view.h"

namespace dlab::gui {

namespace {

class LatentView : public ComputeView<Lab> {
 public:
  explicit LatentView(const ViewServices& services) : lab_(*services.lab) {}

  void sync(Scene& scene, const NoiseSchedule&) override {
    // The data are the codes: the view shows nothing else (the 2D view offers them too, as
    // fashion-mnist-latent).
    if (scene.data.origin != DataOrigin::Builtin || scene.data.dataset != Dataset2D::FashionMnistLatent) {
      scene.latent.data_before = scene.data;  // the 2D view gets it back (points_view.cpp)
      scene.latent.replaced_data = true;
    }
    scene.data.origin = DataOrigin::Builtin;
    scene.data.dataset = Dataset2D::FashionMnistLatent;
    scene.drawing = false;
    scene_ = &scene;
    lab_.set_class_colors(colors::class_palette());
    lab_.sync(scene);
    update_decoded();
    if (scene.latent.tab == LatentTab::Compare) ask_comparison(scene);
    panels_.lab.comparison();  // takes a finished result before this frame is drawn
  }

  bool stats_pending(bool ask) override {
    const bool lab_pending = ComputeView<Lab>::stats_pending(ask);
    if (scene_ && (ask || scene_->latent.tab == LatentTab::Compare)) ask_comparison(*scene_);
    // Pending until a sync has taken the result, so that the frame drawn after it shows it (a screenshot
    // taken when this turns false is of that frame).
    return lab_pending || panels_.lab.comparison_pending();
  }

  void controls(PanelContext& context) override {
    scene_ = &context.state;
    const ImGuiTreeNodeFlags open = ImGuiTreeNodeFlags_DefaultOpen;
    if (ImGui::CollapsingHeader(header_label(tr("Latent codes"), "latent").c_str(), open))
      latent_section(context, panels_);
    sections_after_data(context);
  }

  void draw(PanelContext& context, Layout& layout) override {
    scene_ = &context.state;
    if (context.state.latent.tab == LatentTab::Compare) {
      // The comparison takes the formula panel's height too (no step to explain there).
      if (layout.formula.size.x > 0 && layout.formula.size.y > 0) {
        layout.canvas.size.y = layout.formula.pos.y + layout.formula.size.y - layout.canvas.pos.y;
        layout.formula.size = ImVec2(0, 0);
      }
      panel_latent_compare(context, panels_, layout.canvas);
    } else {
      panel_latent_canvas(context, panels_, layout.canvas);
      panel_formula(context, layout.formula);
    }
    panel_latent_grid(context, panels_, layout.plots);
  }

  void stats(const Scene& scene, nlohmann::ordered_json& out) const override {
    points_view_stats(lab_, scene, out);
    out["view"] = "latent";
    out["latent_tab"] = to_name(scene.latent.tab);
    out["latent_error"] = !lab_.data_error().empty() ? lab_.data_error() : panels_.lab.error();
    out["data_classes"] = lab_.data_labels().size();
    // The class clusters (core/class_clusters.h), null where the data have no classes.
    const ClassStats classes = lab_.class_stats();
    const auto measured = [&](double value) -> nlohmann::ordered_json {
      return classes.valid && value >= 0 ? finite_or_null(value) : nlohmann::ordered_json(nullptr);
    };
    out["class_agreement"] = measured(classes.agreement);
    out["class_chance"] = measured(classes.chance);
    out["class_purity"] = measured(classes.purity);
    out["data_class_purity"] = measured(classes.data_purity);
    out["class_shares"] = classes.shares;
    double smallest = classes.shares.empty() ? -1 : 1;
    for (double share : classes.shares) smallest = std::min(smallest, share);
    out["class_share_min"] = measured(smallest);
    // The decoded grid: which points, and a hash and the mean pixel of its images.
    out["tracked_points"] = panels_.tracked;
    const DecodedImages* decoded = panels_.decoded.get();
    out["decoded_images"] = decoded ? decoded->count : 0;
    char hash[24];
    std::snprintf(hash, sizeof hash, "%016llx",
                  decoded ? static_cast<unsigned long long>(decoded->hash()) : 0ull);
    out["decoded_hash"] =
        decoded && decoded->count > 0 ? nlohmann::ordered_json(hash) : nlohmann::ordered_json(nullptr);
    out["decoded_mean"] = decoded && decoded->count > 0 ? finite_or_null(decoded->mean()) : nullptr;
    // VAE against diffusion, null until computed for the finished run.
    const LatentComparison& comparison = panels_.lab.comparison();
    const bool ready = comparison.state == ReadoutState::Ready;
    out["comparison_state"] = comparison.state == ReadoutState::Ready       ? "ready"
                              : comparison.state == ReadoutState::Computing ? "computing"
                              : comparison.state == ReadoutState::Failed    ? "failed"
                                                                            : "off";
    out["comparison_error"] = comparison.error;
    out["comparison_samples"] = ready ? comparison.samples : 0;
    out["prior_frechet"] = ready ? finite_or_null(comparison.prior_frechet) : nullptr;
    out["diffusion_frechet"] = ready ? finite_or_null(comparison.diffusion_frechet) : nullptr;
    out["reconstruction_frechet"] = ready ? finite_or_null(comparison.reconstruction_frechet) : nullptr;
    out["prior_nearest_data_distance"] = ready ? finite_or_null(comparison.prior_nearest_data) : nullptr;
    out["diffusion_nearest_data_distance"] =
        ready ? finite_or_null(comparison.diffusion_nearest_data) : nullptr;
    out["prior_code_energy"] = ready ? finite_or_null(comparison.prior_code_energy) : nullptr;
    out["diffusion_code_energy"] = ready ? finite_or_null(comparison.diffusion_code_energy) : nullptr;
  }

 private:
  Lab& compute() const override { return lab_; }

  // The tracked points' images at the cursor, decoded again whenever the points shown or their classes
  // change.
  void update_decoded() {
    const std::vector<int> tracked =
        tracked_points(lab_.shown_labels(), static_cast<int>(lab_.current_points().size() / 2));
    const Key key{lab_.shown_version(), lab_.data_version(), lab_.shown_labels().size()};
    if (key == decoded_key_ && tracked == panels_.tracked && panels_.decoded) return;
    decoded_key_ = key;
    panels_.tracked = tracked;
    std::vector<float> xy;
    const auto& points = lab_.current_points();
    for (int i : tracked) {
      xy.push_back(points[2 * i]);
      xy.push_back(points[2 * i + 1]);
    }
    panels_.decoded = panels_.lab.decode(xy);
  }

  // VAE against diffusion for the finished reverse run, on the LatentLab's worker (once per run).
  void ask_comparison(const Scene& scene) {
    const std::vector<float> samples = lab_.reverse_samples();
    if (!samples.empty() && lab_.data_error().empty())
      panels_.lab.compare(samples, lab_.data_points(), scene.sampler.seed);
  }

  struct Key {
    std::uint64_t shown = ~0ull, data = ~0ull;
    std::size_t labels = 0;
    bool operator==(const Key& o) const { return shown == o.shown && data == o.data && labels == o.labels; }
  };

  Lab& lab_;
  mutable LatentPanels panels_;  // stats() takes the comparison's finished result
  Key decoded_key_;
  const Scene* scene_ = nullptr;  // the scene of the last frame (stats_pending asks for its run's comparison)
};

}  // namespace

DLAB_REGISTER_VIEW(
    LatentView, "latent", N_("Latent (VAE)"),
    N_("Fashion-MNIST in two dimensions: each point is the VAE's code of one test image, coloured by "
       "garment. The codes diffuse and come back like the 2D data, and the decoder shows the garment "
       "each marked point stands for."),
    2);

}  // namespace dlab::gui
