// The human labels of the name tables (core/names.h) that the window shows, marked for xgettext: core/
// cannot include i18n.h, and scene.h is included by it. The widgets translate them where they show them,
// tr(to_label(value)). tests/gui_state/i18n_test.cpp and tests/gui_compute/i18n_labels_test.cpp fail when a
// label of these tables is missing here.
#include "app/gui/state/i18n.h"

namespace dlab::gui {

const std::vector<const char*>& enum_labels() {
  static const std::vector<const char*> labels = {
      // core/choices.h: Dataset2D
      N_("8 Gaussians"), N_("25 Gaussians"), N_("Two moons"), N_("Checkerboard"), N_("Swiss roll"), N_("Rings"),
      N_("Pinwheel"), N_("Two spirals"), N_("Circle"), N_("Line"), N_("Fashion-MNIST latent codes (VAE)"),
      // core/choices.h: ForwardMode
      N_("Closed form q(x_t | x_0)"), N_("Step by step q(x_t | x_{t-1})"),
      // core/choices.h: Prediction
      N_("Noise eps"), N_("Clean data x0"), N_("Velocity v"),
      // core/choices.h: SamplerKind
      N_("DDPM (ancestral)"), N_("DDIM"), N_("Euler"), N_("Heun"), N_("Euler ancestral"), N_("DPM-Solver++(2M)"),
      N_("LMS (order 4)"), N_("DPM-Solver++(2M) SDE"),
      // core/choices.h: VarianceKind
      N_("Posterior (fixed small)"), N_("\u03b2\u209c (fixed large)"), N_("No noise (\u03c3\u209c = 0)"),
      N_("Mistake: variance used as std"),
      // core/schedule.h: ScheduleKind; core/choices.h: Spacing
      N_("Linear"), N_("Scaled linear"), N_("Sigmoid"), N_("Cosine"), N_("Custom curve"),
      N_("Linspace"), N_("Leading"), N_("Trailing"), N_("Karras (rho = 7)"), N_("Exponential (uniform in log sigma)"),
      // core/image_datasets.h: Shape (the classes of the built-in shapes) and Fashion-MNIST's classes
      N_("Disk"), N_("Ring"), N_("Square"), N_("Square frame"), N_("Triangle"), N_("Diamond"), N_("Plus"),
      N_("Cross (x)"), N_("Stripes"), N_("Four dots"),
      N_("T-shirt/top"), N_("Trouser"), N_("Pullover"), N_("Dress"), N_("Coat"), N_("Sandal"), N_("Shirt"),
      N_("Sneaker"), N_("Bag"), N_("Ankle boot"),
      // app/gui/state/scene.h: LabMode, DataOrigin, ModelSource (Language: each language by its own name)
      N_("Forward: diffuse"), N_("Reverse: sample"),
      N_("Built-in data set"), N_("CSV file"), N_("Drawn with the mouse"),
      N_("Pretrained network"), N_("Exact oracle (mixtures)"), N_("Empirical optimum"), N_("Network trained here"),
      // app/gui/state/scene.h: LatentTab
      N_("The latent codes"), N_("VAE against diffusion"),
  };
  return labels;
}

}  // namespace dlab::gui
