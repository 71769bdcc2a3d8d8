// The ELBO tab's numbers (views/quality.h) from a variational bound computed by core (core/variational_bound.h),
// shared by the 2D Lab (nats/dim) and the ImageLab (bits/dim). LibTorch side of the app.
#pragma once

#include "app/gui/views/quality.h"
#include "core/choices.h"
#include "core/variational_bound.h"

namespace dlab::gui {

inline ElboReadout elbo_readout(const VariationalBound& bound, bool bits, int timesteps, VarianceKind variance,
                                double seconds) {
  ElboReadout e;
  e.state = ReadoutState::Ready;
  e.bits = bits;
  e.prior = bound.prior;
  e.diffusion = bound.diffusion;
  e.decoder = bound.decoder;
  e.total = bound.total();
  e.total_error = bound.total_standard_error;
  e.t.assign(bound.timesteps.begin(), bound.timesteps.end());
  e.terms = bound.term_means;
  e.examples = bound.examples;
  e.dimensions = bound.dimensions;
  e.timesteps = timesteps;
  e.estimated = bound.estimated;
  e.variance = to_name(variance);
  e.seconds = seconds;
  return e;
}

}  // namespace dlab::gui
