// The image view's plots column: its only tab is the ELBO, in bits per dimension, with the Frechet distance
// of the grid and of a larger background sample under it (panels/panel_quality.h draws both views' tabs).
#include <imgui.h>

#include "app/gui/panels/panel_quality.h"
#include "app/gui/state/i18n.h"
#include "app/gui/views/images/image_lab.h"
#include "app/gui/views/images/image_panels.h"

namespace dlab::gui {

void panel_image_quality(PanelContext& context, ImageLab& lab, const PanelRect& rect) {
  if (!begin_panel("Plots", rect)) {
    ImGui::End();
    return;
  }
  if (ImGui::BeginTabBar("plots")) {
    if (ImGui::BeginTabItem(ui_label(tr("ELBO"), "elbo").c_str())) {
      lab.request_quality();  // computed on the ImageLab's workers while this tab is shown
      elbo_section(context, lab.elbo(), true);
      const bool reverse = context.state.playback.mode == LabMode::Reverse;
      switch (image_quality_section(lab.quality(), reverse, lab.has_model())) {
        case FrechetAction::Start: lab.start_frechet_estimate(); break;
        case FrechetAction::Cancel: lab.cancel_frechet_estimate(); break;
        case FrechetAction::None: break;
      }
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}

}  // namespace dlab::gui
