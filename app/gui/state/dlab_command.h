// "Copy as command" (issue 11): the `dlab forward` or `dlab sample` command line that prints the points
// the canvas shows, with the same settings and seeds (core/seed_streams.h: the app and dlab draw the data,
// the noise and x_T from the same streams). Torch-free and GL-free.
#pragma once

#include <string>

#include "app/gui/state/scene.h"

namespace dlab::gui {

struct DlabCommand {
  std::string command;  // "dlab forward --dataset gmm8 ..." (empty when none reproduces the canvas)
  std::string why_not;  // why no command reproduces it (drawn data, a custom curve, a network trained here, ...)
  std::string note;     // what the command prints, in one sentence
};

// The canvas of `scene` at its cursor: forward, x_t at the timestep shown (`shown_t`); reverse, the finished
// run's x_0 (its --trajectory rows hold every frame). `model` is the kind of model sampling uses (a pretrained
// choice without a network falls back to exact or empirical), `pretrained_path` the network's file.
// Messages are English (the CLI's language; the window translates the labels around them).
DlabCommand dlab_command(const Scene& scene, int shown_t, ModelSource model, const std::string& pretrained_path);

// The image view's `dlab sample` line (reverse): the PNG grid of the run's samples (--grid-scale 2), the image
// view's grid at its end (--export-png images-grid PATH --export-scale 2), drawn from the same seeds
// (core/image_sampling.h).
// `model_path` is the checkpoint sampling uses ("" without one), `model_classes` its class count (0:
// unconditional).
DlabCommand dlab_image_command(const Scene& scene, const std::string& model_path, int model_classes);

// A word for a POSIX shell: kept as is when it has only safe characters, else in single quotes.
std::string shell_word(const std::string& word);

}  // namespace dlab::gui
