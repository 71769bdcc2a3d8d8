// Per-bin means of the training loss over the most recent steps, and over the first steps, for the
// loss-by-noise-level plot. A running mean from the start (or one that forgets exponentially) is
// poisoned for thousands of steps by one diverged step (a loss of 1e6 at learning rate 0.9); a window
// forgets it exactly once it has slid past (issue 9). The first window is kept to compare the two
// (issue 14). Torch-free; not thread-safe (the Trainer guards it).
#pragma once

#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <stdexcept>
#include <vector>

namespace dlab {

class BinnedLossWindow {
 public:
  explicit BinnedLossWindow(int bins = 0, std::int64_t window_steps = 500)
      : bins_(bins), window_steps_(window_steps) {
    if (bins < 0) throw std::invalid_argument("loss window: bins must be >= 0");
    if (window_steps < 1) throw std::invalid_argument("loss window: window must be >= 1 step");
    clear();
  }

  // Adds the per-bin sums and counts of the examples of `steps` training steps (one check interval).
  void add(std::int64_t steps, const double* sums, const double* counts) {
    Interval interval{steps, std::vector<double>(sums, sums + bins_), std::vector<double>(counts, counts + bins_)};
    if (first_steps_ < window_steps_) {
      first_steps_ += steps;
      for (int b = 0; b < bins_; ++b) {
        first_sum_[b] += sums[b];
        first_count_[b] += counts[b];
      }
    }
    recent_steps_ += steps;
    intervals_.push_back(std::move(interval));
    // Keep the fewest whole intervals that still cover window_steps steps.
    while (intervals_.size() > 1 && recent_steps_ - intervals_.front().steps >= window_steps_) {
      recent_steps_ -= intervals_.front().steps;
      intervals_.pop_front();
    }
  }

  void clear() {
    intervals_.clear();
    recent_steps_ = first_steps_ = 0;
    first_sum_.assign(bins_, 0.0);
    first_count_.assign(bins_, 0.0);
  }

  int bins() const { return bins_; }
  std::int64_t window_steps() const { return window_steps_; }
  std::int64_t recent_steps() const { return recent_steps_; }  // steps in the recent window (>= window once full)

  // Sums afresh over the window's intervals on each call: subtracting a huge value from a running sum
  // would leave rounding noise of its size behind.
  double recent_mean(int b) const {
    double sum = 0, count = 0;
    for (const Interval& interval : intervals_) {
      sum += interval.sums[b];
      count += interval.counts[b];
    }
    return count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN();
  }
  double recent_count(int b) const {
    double count = 0;
    for (const Interval& interval : intervals_) count += interval.counts[b];
    return count;
  }
  // Over the first window_steps steps of training (or fewer, until there were that many); NaN if none.
  double first_mean(int b) const {
    return first_count_[b] > 0 ? first_sum_[b] / first_count_[b] : std::numeric_limits<double>::quiet_NaN();
  }
  double first_count(int b) const { return first_count_[b]; }

 private:
  struct Interval {
    std::int64_t steps = 0;
    std::vector<double> sums, counts;
  };

  int bins_ = 0;
  std::int64_t window_steps_ = 500;
  std::deque<Interval> intervals_;
  std::int64_t recent_steps_ = 0, first_steps_ = 0;
  std::vector<double> first_sum_, first_count_;
};

// A per-step loss curve smoothed by an exponential moving average over about `span` steps, a = 1 - 1/span,
// with the start debiased as Adam's first moment (Kingma & Ba 2015, Alg. 1: m_i / (1 - a^i)), so the first
// values are not pulled towards 0. Non-finite losses (a diverged step) are skipped: the average keeps its
// last value. span <= 1 returns the curve as it is.
inline std::vector<double> smoothed_curve(const std::vector<float>& values, double span) {
  std::vector<double> out(values.size());
  const double a = span > 1 ? 1.0 - 1.0 / span : 0.0;
  double m = 0, weight = 0, last = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i])) {
      m = a * m + (1 - a) * values[i];
      weight = a * weight + (1 - a);  // 1 - a^i after i finite values
      last = m / weight;
    }
    out[i] = last;
  }
  return out;
}

}  // namespace dlab
