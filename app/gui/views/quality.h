// What the ELBO tab and the quality read-out show, for both views: plain numbers computed on worker threads
// by the Lab (2D: core/elbo_points.h, core/precision_recall.h, core/point_quality.h) and the ImageLab
// (images: core/bits_per_dim.h, core/frechet.h). Torch-free, GL-free.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace dlab::gui {

constexpr double kNotComputed = std::numeric_limits<double>::quiet_NaN();

// Where a value computed on a worker stands.
enum class ReadoutState {
  Off,        // not asked for, or nothing to measure yet (no finished reverse run)
  Computing,  // being computed (a Ready value of an older model or schedule may be shown meanwhile)
  Ready,
  Failed,     // `error` says why (no model, no classifier for the data set, ...)
};

// The variational bound of the current model, schedule and data, term by term (Ho et al. 2020, Eq. (5)).
struct ElboReadout {
  ReadoutState state = ReadoutState::Off;
  std::string error;
  bool bits = false;  // bits per dimension (images, discretised decoder); else nats per dimension (2D)
  double prior = kNotComputed, diffusion = kNotComputed, decoder = kNotComputed, total = kNotComputed;
  double total_error = kNotComputed;  // the standard error of the total over the examples
  std::vector<double> t, terms;       // L_{t-1} at each evaluated t, ascending
  std::int64_t examples = 0;          // data points or images averaged over
  int dimensions = 0;
  int timesteps = 0;                  // T (the terms are t = 2..T)
  bool estimated = false;             // only some of the terms were evaluated (images)
  std::string variance;               // the model's fixed variance: "beta-tilde" or "beta"
  bool stale = false;                 // a new value is being computed for the current settings
  int done = 0, work = 0;             // progress of the computation (terms)
  double seconds = 0;
  const char* unit() const { return bits ? "bits/dim" : "nats/dim"; }  // as --stats-out writes it
};

// Precision and recall (Kynkaanniemi et al. 2019, k-NN) and the energy distance of a finished 2D reverse run
// against fresh data, beside the floor of independent draws of the data.
struct PointQualityReadout {
  ReadoutState state = ReadoutState::Off;
  std::string error;
  double precision = kNotComputed, recall = kNotComputed;
  double energy = kNotComputed, energy_floor = kNotComputed;
  int k = 3;
  std::int64_t samples = 0, reference = 0;
  std::string reference_note;  // "2000 fresh points of gmm8" or "the 400 data points (no fresh draws of a CSV)"
};

// A Frechet distance on classifier features (core/frechet.h) of `samples` sampled images against the test
// set, beside `floor`: the same number of real training images scored the same way.
struct FrechetReadout {
  ReadoutState state = ReadoutState::Off;
  std::string error;
  double distance = kNotComputed, floor = kNotComputed;
  std::int64_t samples = 0;
  std::int64_t done = 0, work = 0;  // progress (images sampled)
  double seconds = 0;
};

struct ImageQualityReadout {
  FrechetReadout grid;      // the images of the finished reverse run in the grid
  FrechetReadout estimate;  // kFrechetEstimateSamples images sampled in the background on request
};

constexpr std::int64_t kFrechetEstimateSamples = 1000;

}  // namespace dlab::gui
