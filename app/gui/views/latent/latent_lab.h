// The Latent view's own computations (issue 12), beside the shared Lab that diffuses and samples the codes:
// the shipped VAE's decoder turning points of the plane into 28x28 garments, and the notes' comparison of the
// VAE's prior samples with latent-diffusion samples (core/latent_diffusion.h), computed on a worker.
// Torch-free header: the implementation (compute/latent_lab.cpp) is the only file of the view that includes
// LibTorch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/views/quality.h"

namespace dlab::gui {

// Grayscale images, `size` x `size` bytes each (0 black .. 255 white), one after another.
struct DecodedImages {
  int count = 0, size = 28;
  std::vector<std::uint8_t> pixels;
  bool empty() const { return count == 0; }
  double mean() const;  // the mean pixel in [0, 1] (0 without images)
  // FNV-1a of the bytes: equal grids have equal hashes (for --stats-out: does the grid change as points
  // move?).
  std::uint64_t hash() const;
};

// VAE against diffusion: images decoded from the prior z ~ N(0, I) and from the diffusion samples, the prior
// codes (x, y pairs) for the scatter, and each set's Frechet distance to the test images beside the decoder's
// own floor (the decoded codes of test images).
struct LatentComparison {
  ReadoutState state = ReadoutState::Off;
  std::string error;
  std::vector<float> prior_codes, diffusion_codes;
  std::shared_ptr<const DecodedImages> prior_images, diffusion_images;
  double prior_frechet = kNotComputed, diffusion_frechet = kNotComputed,
         reconstruction_frechet = kNotComputed;
  // The mean distance from each code to the nearest data code (core/point_statistics.h): where no data lies,
  // or on the data.
  double prior_nearest_data = kNotComputed, diffusion_nearest_data = kNotComputed;
  // The energy distance of each set of codes to the codes of test images (core/latent_diffusion.h).
  double prior_code_energy = kNotComputed, diffusion_code_energy = kNotComputed;
  std::int64_t samples = 0;
  double seconds = 0;
};

// The images of the comparison's grids (its Frechet distances use every sample).
constexpr int kComparisonGridImages = 36;

class LatentLab {
 public:
  LatentLab();
  ~LatentLab();
  LatentLab(const LatentLab&) = delete;
  LatentLab& operator=(const LatentLab&) = delete;

  // Loads the shipped VAE at the first call (then answers from memory); false with error() naming the file
  // or what to install when it is missing.
  bool ready();
  const std::string& error() const;
  const std::vector<std::string>& class_names() const;  // of the VAE's data set (empty before ready())

  // The images decoded from codes (x, y pairs) on the calling thread: a few dozen take well under a
  // millisecond with the VAE's small decoder. Empty when not ready().
  std::shared_ptr<const DecodedImages> decode(const std::vector<float>& xy);

  // Starts the comparison on a worker for the codes of a finished reverse run (x, y pairs) against the data
  // codes and a seed of the prior samples, unless the same codes and seed were asked for last; never waits.
  void compare(const std::vector<float>& diffusion_codes, const std::vector<float>& data_codes,
               std::uint64_t seed);
  // Takes a finished result; the latest one (or where the one asked for stands).
  const LatentComparison& comparison();
  bool comparison_pending() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dlab::gui
