// The Training section of the controls: train the MLP denoiser live on the current data in a
// background thread (start, pause, resume, reset), with the learning rate and batch size editable
// while it runs, and checkpoints saved and loaded through a path field.
#include "app/gui/lab.h"
#include "app/gui/panels.h"

namespace dlab::gui {

void panel_training_section(PanelContext& context) {
  (void)context;
  ImGui::TextDisabled("Live training arrives with the trainer.");
}

}  // namespace dlab::gui
