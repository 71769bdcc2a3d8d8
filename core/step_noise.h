// The noise z a stochastic sampler step drew, recovered from the states it joined: a step is
// x' = mean + sigma z (Ho et al. 2020, Alg. 2, line 4; Song et al. 2021, Eq. (12)), so
// z = (x' - mean) / sigma. The formula panel prints it, so a class can check the arithmetic of a followed
// point. Torch-free.
#pragma once

namespace dlab {

// z of one coordinate; 0 when the step adds no noise (sigma = 0: there is no z to recover).
inline double step_noise(double next, double mean, double sigma) { return sigma > 0 ? (next - mean) / sigma : 0.0; }

}  // namespace dlab
