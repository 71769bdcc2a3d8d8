// The image view: a grid of small images x_t with the model's x0_hat and eps_hat beside it, and under the
// timeline one image at ten timesteps and the pixel histogram against N(0, 1). Its computations are an
// ImageLab (image_lab.h) of its own; it takes the plots column's width for the images.
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

  void controls(PanelContext& context) override {
    const ImGuiTreeNodeFlags open = ImGuiTreeNodeFlags_DefaultOpen;
    if (ImGui::CollapsingHeader(ui_label(tr("Images"), "images").c_str(), open)) panel_images_section(context, lab_);
    if (ImGui::CollapsingHeader(ui_label(tr("Noise schedule"), "schedule").c_str(), open)) schedule_section(context);
    if (ImGui::CollapsingHeader(ui_label(tr("Forward process"), "forward").c_str())) forward_section(context);
    if (ImGui::CollapsingHeader(ui_label(tr("Sampler"), "sampler").c_str(), open)) sampler_section(context);
  }

  void draw(PanelContext& context, Layout& layout) override {
    // The images take the plots column's width too.
    for (PanelRect* rect : {&layout.canvas, &layout.timeline, &layout.formula}) rect->size.x += layout.plots.size.x;
    layout.plots.size.x = 0;
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
    out["eps_hat_images"] = view.eps_hat ? view.eps_hat->count : 0;
    out["filmstrip_frames"] = lab_.filmstrip().t.size();
    out["data_error"] = lab_.data_error();
    out["n"] = pixels.n;
    out["pixel_mean"] = pixels.n > 0 ? finite_or_null(pixels.mean) : nullptr;
    out["pixel_std"] = pixels.n > 0 ? finite_or_null(pixels.std) : nullptr;
    out["ms_per_step"] = finite_or_null(lab_.last_reverse_ms_per_step());
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
