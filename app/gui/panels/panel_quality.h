// The ELBO tab of the plots column and the quality read-outs under it, for both views (panel_quality.cpp):
// the terms L_{t-1} of the variational bound over t, the numbers L_T, sum of L_{t-1}, L_0 and the total with
// their unit, then how good the samples of a finished reverse run are. The numbers come from the views'
// workers (views/quality.h); these functions only draw them.
#pragma once

#include "app/gui/panels/panels.h"
#include "app/gui/views/quality.h"

namespace dlab::gui {

// The plot of the terms and the table of the bound. `images`: the image view's words (bits/dim, the
// discretised decoder, an estimate from some terms); else the 2D view's (nats/dim, a continuous decoder).
void elbo_section(PanelContext& context, const ElboReadout& elbo, bool images);

// Precision, recall and the energy distance of a finished 2D run beside the floor.
void point_quality_section(const PointQualityReadout& quality, bool reverse_mode);

// The Frechet distance of the grid and of kFrechetEstimateSamples images side by side, with the button that
// starts (or cancels) the larger estimate. Returns what the user pressed.
enum class FrechetAction { None, Start, Cancel };
FrechetAction image_quality_section(const ImageQualityReadout& quality, bool reverse_mode, bool has_model);

}  // namespace dlab::gui
