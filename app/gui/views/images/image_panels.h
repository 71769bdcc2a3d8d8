// The image view's windows (panel_images.cpp): its controls section, the grid of images with the
// optional x0_hat and eps_hat grids beside it, and the filmstrip of one image at ten timesteps. The
// images are GL textures (one per grid, re-uploaded when the grid changes), magnified with nearest
// filtering so every pixel stays a crisp square.
#pragma once

#include <memory>

#include "app/gui/panels/panels.h"

namespace dlab::gui {

class ImageLab;

// Owns the GL textures of the image view; create and destroy with a current GL context.
class ImageTextures {
 public:
  ImageTextures();
  ~ImageTextures();
  ImageTextures(const ImageTextures&) = delete;
  ImageTextures& operator=(const ImageTextures&) = delete;
  struct Impl;

 private:
  friend void panel_images(PanelContext&, ImageLab&, ImageTextures&, const PanelRect&);
  friend void panel_filmstrip(PanelContext&, ImageLab&, ImageTextures&, const PanelRect&);
  std::unique_ptr<Impl> impl_;
};

// The "Images" section of the controls column (data set, grid size, model, class, guidance, columns).
void panel_images_section(PanelContext& context, ImageLab& lab);
// The main canvas in the image view.
void panel_images(PanelContext& context, ImageLab& lab, ImageTextures& textures, const PanelRect& rect);
// Under the timeline in the image view (where the 2D view has its formula panel).
void panel_filmstrip(PanelContext& context, ImageLab& lab, ImageTextures& textures, const PanelRect& rect);
// The height the filmstrip's panel needs at the width of `rect` (its tiles are as wide as the strip allows);
// the image view gives the rest of the panel's height to the grids.
float filmstrip_height(PanelContext& context, const PanelRect& rect);
// The plots column of the image view, shown only on the ELBO tab (panel_image_quality.cpp): the bound in
// bits/dim and the Frechet distances of the samples.
void panel_image_quality(PanelContext& context, ImageLab& lab, const PanelRect& rect);

}  // namespace dlab::gui
