// The Latent view's windows (panel_latent.cpp): the decoded images of the tracked points beside the canvas,
// the marks and the hover's decoded image over it, the comparison of VAE and diffusion samples, and the
// section of the controls column. No LibTorch here: the images come from a LatentLab (latent_lab.h).
#pragma once

#include <memory>
#include <vector>

#include "app/gui/panels/panels.h"
#include "app/gui/views/latent/latent_lab.h"

namespace dlab::gui {

// The decoded grid: this many points, followed as they move.
constexpr int kTrackedPoints = 16;

// What the panels share, owned by the view (GL textures: make and destroy with the app's GL context current).
struct LatentPanels {
  LatentPanels();
  ~LatentPanels();
  LatentPanels(const LatentPanels&) = delete;
  LatentPanels& operator=(const LatentPanels&) = delete;

  LatentLab lab;
  std::vector<int> tracked;                      // indices of the points shown in the grid
  std::shared_ptr<const DecodedImages> decoded;  // their images at the cursor
  struct Textures;
  std::unique_ptr<Textures> textures;
};

// Which points the grid follows: the first point of each class in turn (every class once, then again) by the
// points' classes (empty: the first `count` points), at most `count` of `n`.
std::vector<int> tracked_points(const std::vector<int>& labels, int n, int count = kTrackedPoints);

// The "Latent codes" section of the controls column: the data (n, seed), the VAE and the main panel's tab.
void latent_section(PanelContext& context, LatentPanels& panels);
// The canvas with the tracked points marked and the decoded image under the mouse.
void panel_latent_canvas(PanelContext& context, LatentPanels& panels, const PanelRect& rect);
// Beside the canvas (the plots column): the decoded images of the tracked points, the classes' colours and
// the class statistics of the points shown.
void panel_latent_grid(PanelContext& context, LatentPanels& panels, const PanelRect& rect);
// In the canvas's place: images decoded from z ~ N(0, I) and from the diffusion samples, side by side, each
// over a scatter of its codes on the data's, with their Frechet distances.
void panel_latent_compare(PanelContext& context, LatentPanels& panels, const PanelRect& rect);

}  // namespace dlab::gui
