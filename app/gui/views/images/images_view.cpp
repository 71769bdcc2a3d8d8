// The image view: a grid of small images x_t with the model's x0_hat and eps_hat beside it, and under the
// timeline one image at ten timesteps and the pixel histogram against N(0, 1). Its computations are an
// ImageLab (image_lab.h) of its own; it takes the plots column's width for the images, except on the ELBO
// tab (the bound in bits/dim and the Frechet distances, panel_image_quality.cpp).
#include "app/gui/state/i18n.h"
#include "app/gui/views/images/image_lab.h"
#include "app/gui/views/images/image_panels.h"
#include "app/gui/views/view.h"

namespace dlab::gui {

namespace {

class ImagesView : public ComputeView<ImageLab> {
 public:
  explicit ImagesView(const ViewServices&) {}

  void sync(Scene& scene, const NoiseSchedule& schedule) override { lab_.sync(scene, schedule); }
  std::vector<ControlError> take_control_errors() override { return lab_.take_control_errors(); }

  void controls(PanelContext& context) override {
    const ImGuiTreeNodeFlags open = ImGuiTreeNodeFlags_DefaultOpen;
    if (ImGui::CollapsingHeader(header_label(tr("Images"), "images").c_str(), open))
      panel_images_section(context, lab_);
    if (ImGui::CollapsingHeader(header_label(tr("Noise schedule"), "schedule").c_str(), open))
      schedule_section(context);
    if (ImGui::CollapsingHeader(header_label(tr("Forward process"), "forward").c_str()))
      forward_section(context);
    if (ImGui::CollapsingHeader(header_label(tr("Sampler"), "sampler").c_str(), open))
      sampler_section(context);
    if (ImGui::CollapsingHeader(header_label(tr("Quality"), "quality").c_str(), open)) {
      Scene& state = context.state;
      bool shown = state.plots_tab == kPlotsTabElbo;
      if (ImGui::Checkbox(checkbox_label(ui_label(tr("ELBO and sample quality"), "show_elbo")).c_str(),
                          &shown))
        state.requests.plots_tab = state.plots_tab = shown ? kPlotsTabElbo : 0;
      tooltip(tr("A column beside the images with the variational bound of the model in bits per dimension "
                 "(L_T, the terms L\u209c\u208b\u2081 over t, L\u2080) and the Fr\u00e9chet distance of the samples, "
                 "on the grid and on 1,000 samples. The same as the plots column's ELBO tab (--plots elbo)."));
    }
  }

  void draw(PanelContext& context, Layout& layout) override {
    if (context.state.plots_tab == kPlotsTabElbo && layout.plots.size.x > 0) {
      panel_image_quality(context, lab_, layout.plots);  // the ELBO tab keeps the plots column
    } else {
      // The images take the plots column's width too.
      for (PanelRect* rect : {&layout.canvas, &layout.timeline, &layout.formula}) rect->size.x += layout.plots.size.x;
      layout.plots.size.x = 0;
    }
    // The filmstrip's panel only as tall as its tiles need (they are as wide as its width allows, so the rest
    // was empty under them); the grids get the rest.
    if (layout.formula.size.x > 0 && layout.formula.size.y > 0) {
      const float spare = layout.formula.size.y - filmstrip_height(context, layout.formula);
      if (spare > 0) {
        layout.canvas.size.y += spare;
        layout.formula.pos.y += spare;
        layout.formula.size.y -= spare;
      }
    }
    panel_images(context, lab_, textures_, layout.canvas);
    panel_filmstrip(context, lab_, textures_, layout.formula);
  }

  void stats(const Scene& scene, nlohmann::ordered_json& out) const override {
    const PixelStats pixels = lab_.pixel_stats();
    const ImageView& view = lab_.view();
    out["view"] = "images";
    out["image_dataset"] = scene.images.dataset;
    out["images"] = view.x ? view.x->count : 0;
    out["model_available"] = lab_.has_model();
    out["model_path"] = lab_.model_path();
    out["model_description"] = lab_.model_description();
    out["model_error"] = lab_.model_error();
    out["model_classes"] = lab_.model_classes();
    out["x0_hat_images"] = view.x0_hat ? view.x0_hat->count : 0;
    out["unconditional"] = view.unconditional;
    out["class_captions"] = view.labels.size();
    out["eps_hat_images"] = view.eps_hat ? view.eps_hat->count : 0;
    out["filmstrip_frames"] = lab_.filmstrip().t.size();
    out["data_error"] = lab_.data_error();
    out["n"] = pixels.n;
    out["pixel_mean"] = pixels.n > 0 ? finite_or_null(pixels.mean) : nullptr;
    out["pixel_std"] = pixels.n > 0 ? finite_or_null(pixels.std) : nullptr;
    out["ms_per_step"] = finite_or_null(lab_.last_reverse_ms_per_step());
    // The ELBO tab (bits/dim, an estimate) and the Frechet distance of the finished run's grid, null until
    // computed; the 1,000-sample estimate once it has been asked for and is done.
    elbo_stats(lab_.elbo(), out);
    const ImageQualityReadout quality = lab_.quality();
    const bool grid = quality.grid.state == ReadoutState::Ready;
    out["frechet_distance"] = grid ? finite_or_null(quality.grid.distance) : nullptr;
    out["frechet_samples"] = grid ? nlohmann::ordered_json(quality.grid.samples) : nullptr;
    out["frechet_floor"] = grid ? finite_or_null(quality.grid.floor) : nullptr;
    const bool estimate = quality.estimate.state == ReadoutState::Ready;
    out["frechet_estimate"] = estimate ? finite_or_null(quality.estimate.distance) : nullptr;
    out["frechet_estimate_samples"] = estimate ? nlohmann::ordered_json(quality.estimate.samples) : nullptr;
  }

  std::pair<int, int> write_image_grid(const std::string& path, int scale) override {
    return lab_.write_grid_png(path, scale);
  }
  std::string images_csv() const override { return lab_.images_csv(); }
  DlabCommand image_command(const Scene& scene) const override {
    return dlab_image_command(scene, lab_.has_model() ? lab_.model_path() : std::string(), lab_.model_classes());
  }

 private:
  ImageLab& compute() const override { return *owned_lab_; }
  std::unique_ptr<ImageLab> owned_lab_ = std::make_unique<ImageLab>();
  ImageLab& lab_ = *owned_lab_;
  ImageTextures textures_;  // made with the app's GL context current
};

}  // namespace

DLAB_REGISTER_VIEW(ImagesView, "images", N_("Images"),
                   N_("Small images (28\u00d728): each pixel is one dimension of x\u2080. The same forward process and "
                      "samplers, with a U-Net predicting \u03b5\u0302; beside each image its x\u0302\u2080 and \u03b5\u0302."),
                   1);

}  // namespace dlab::gui
