#!/usr/bin/env python3
"""An independent check of DPM-Solver++(2M) on gmm8 with the exact denoiser, in plain Python (float64).

It shares no code with core/: the schedule, the mixture's posterior mean, the Karras and exponential sigmas
and the solver are written again here from the papers, with continuous sigmas (no rounding to the
schedule's timesteps). It prints the cluster statistics that tests/core/samplers_test.cpp checks (largest
error of a cluster mean, per-cluster spread, mean radius) so that `dlab sample --model exact --dataset gmm8
--sampler dpmpp-2m --spacing karras --steps 10` can be compared with a second implementation.

    python3 bench/dpmpp_karras_check.py [--n 2000]
"""
import argparse
import math
import random

T, BETA_START, BETA_END = 1000, 1e-4, 0.02
MEANS = [(2 * math.cos(k * math.pi / 4), 2 * math.sin(k * math.pi / 4)) for k in range(8)]
STD = 0.2  # gmm8: 8 equal-weight Gaussians of std 0.2 on the circle of radius 2 (REFERENCE section 9)


def linear_alpha_bars():
    """abar_t = prod_{s<=t} (1 - beta_s), beta linear from 1e-4 to 0.02 (Ho et al. 2020, section 4)."""
    abar, out = 1.0, [1.0]
    for t in range(1, T + 1):
        abar *= 1 - (BETA_START + (BETA_END - BETA_START) * (t - 1) / (T - 1))
        out.append(abar)
    return out


def sigma_of(abar):
    """sigma = sqrt((1 - abar)/abar): the noise level of x~ = x/sqrt(abar) (Karras et al. 2022, section 2)."""
    return math.sqrt((1 - abar) / abar)


def denoise(x, y, sigma):
    """E[x0 | x~ = x0 + sigma n] for the mixture: responsibilities under N(mu_k, (s^2 + sigma^2) I), and
    within component k the Gaussian posterior mean mu_k + s^2/(s^2 + sigma^2) (x~ - mu_k)."""
    var = STD * STD + sigma * sigma
    logs = [-((x - mx) ** 2 + (y - my) ** 2) / (2 * var) for mx, my in MEANS]
    top = max(logs)
    weights = [math.exp(l - top) for l in logs]
    total = sum(weights)
    shrink = STD * STD / var
    dx = sum(w * (mx + shrink * (x - mx)) for w, (mx, _) in zip(weights, MEANS)) / total
    dy = sum(w * (my + shrink * (y - my)) for w, (_, my) in zip(weights, MEANS)) / total
    return dx, dy


def karras_sigmas(k, smin, smax, rho=7.0):
    """Karras et al. 2022, Eq. (5): (smax^(1/rho) + i/(k-1) (smin^(1/rho) - smax^(1/rho)))^rho."""
    a, b = smax ** (1 / rho), smin ** (1 / rho)
    return [(a + i / (k - 1) * (b - a)) ** rho for i in range(k)]


def exponential_sigmas(k, smin, smax):
    """Uniform in log sigma."""
    return [math.exp(math.log(smax) + i / (k - 1) * (math.log(smin) - math.log(smax))) for i in range(k)]


def dpm_solver_pp_2m(sigmas, x, y):
    """DPM-Solver++(2M) (Lu et al. 2022, Alg. 2) in lambda = -log sigma; the last step, to sigma = 0, returns
    the denoised value. One network evaluation per sigma."""
    sigmas = sigmas + [0.0]
    previous, h_previous = None, None
    for i in range(len(sigmas) - 1):
        sigma, sigma_next = sigmas[i], sigmas[i + 1]
        dx, dy = denoise(x, y, sigma)
        if sigma_next == 0:
            return dx, dy
        h = math.log(sigma / sigma_next)
        if previous is None:
            ex, ey = dx, dy
        else:
            r = h_previous / h
            ex = (1 + 1 / (2 * r)) * dx - previous[0] / (2 * r)
            ey = (1 + 1 / (2 * r)) * dy - previous[1] / (2 * r)
        x = (sigma_next / sigma) * x - math.expm1(-h) * ex
        y = (sigma_next / sigma) * y - math.expm1(-h) * ey
        previous, h_previous = (dx, dy), h
    return x, y


def cluster_report(points):
    """Nearest-centre clusters: the largest |cluster mean - centre|, the range of the per-coordinate
    spreads and the mean distance from the origin."""
    clusters = [[] for _ in MEANS]
    for x, y in points:
        k = min(range(8), key=lambda k: (x - MEANS[k][0]) ** 2 + (y - MEANS[k][1]) ** 2)
        clusters[k].append((x, y))
    errors, spreads = [], []
    for k, members in enumerate(clusters):
        n = len(members)
        mx = sum(p[0] for p in members) / n
        my = sum(p[1] for p in members) / n
        errors.append(math.hypot(mx - MEANS[k][0], my - MEANS[k][1]))
        spreads.append(math.sqrt(sum((p[0] - mx) ** 2 + (p[1] - my) ** 2 for p in members) / (2 * n)))
    radius = sum(math.hypot(x, y) for x, y in points) / len(points)
    return max(errors), min(spreads), max(spreads), radius


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    abars = linear_alpha_bars()
    smin, smax = sigma_of(abars[1]), sigma_of(abars[T])
    rng = random.Random(1)
    start = [(rng.gauss(0, 1), rng.gauss(0, 1)) for _ in range(args.n)]
    print(f"linear schedule, T = {T}: sigma_min {smin:.5f}, sigma_max {smax:.3f}; {args.n} points; "
          "the tests allow a cluster-mean error of 0.05 and spreads of 0.2 +- 25%")
    print("| spacing | sigma range | NFE | max mean error | spreads | mean radius |")
    print("| --- | --- | ---: | ---: | --- | ---: |")
    cases = [("karras", smin, smax, k) for k in (10, 15, 20, 30)]
    cases += [("exponential", smin, smax, k) for k in (10, 15, 20, 30)]
    cases += [("karras", 0.002, 80.0, 10)]  # k-diffusion's default range, for comparison
    for name, lo, hi, k in cases:
        sigmas = karras_sigmas(k, lo, hi) if name == "karras" else exponential_sigmas(k, lo, hi)
        scale = math.sqrt(1 + hi * hi)  # x_T ~ N(0, I) is x~ = x_T / sqrt(abar_T), 1/abar_T = 1 + sigma_max^2
        points = [dpm_solver_pp_2m(sigmas, a * scale, b * scale) for a, b in start]
        error, low, high, radius = cluster_report(points)
        print(f"| {name} | {lo:g}..{hi:g} | {k} | {error:.3f} | {low:.3f}..{high:.3f} | {radius:.3f} |")


if __name__ == "__main__":
    main()
