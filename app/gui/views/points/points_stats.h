// The 2D view's statistics for --stats-out and the script's `stats` (points_view.cpp), shared with the views
// that show the Lab's points too (the Latent view, views/latent).
#pragma once

#include <nlohmann/json.hpp>

#include "app/gui/state/scene.h"

namespace dlab::gui {

class Lab;

// The points shown (n, mean, cov, distances to the data), the formula, live training, the view's box, the
// ELBO and the quality read-out.
void points_view_stats(const Lab& lab, const Scene& scene, nlohmann::ordered_json& out);

}  // namespace dlab::gui
