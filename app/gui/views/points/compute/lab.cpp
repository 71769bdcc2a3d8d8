// [SECTION] Helpers: tensors to floats, colours, seeds
// [SECTION] sync: follow the state
// [SECTION] The points at the cursor
// [SECTION] Queries: trajectories, followed point, statistics
#include "app/gui/state/i18n.h"
#include "app/gui/views/points/compute/lab_impl.h"
#include "core/class_clusters.h"
#include "core/point_statistics.h"

#include <algorithm>
#include <cmath>
#include <fstream>

namespace dlab::gui {

using namespace detail;

// ============================================================================================
// [SECTION] Helpers: tensors to floats, colours, seeds
// ============================================================================================

namespace detail {
std::vector<float> to_floats(const torch::Tensor& points) {
  const torch::Tensor contiguous = points.detach().to(torch::kCPU, torch::kFloat).contiguous();
  const float* data = contiguous.data_ptr<float>();
  return std::vector<float>(data, data + contiguous.numel());
}

torch::Tensor from_floats(const std::vector<float>& xy) {
  return torch::from_blob(const_cast<float*>(xy.data()), {static_cast<std::int64_t>(xy.size() / 2), 2}, torch::kFloat)
      .clone();
}

static std::uint32_t pack_rgba(float r, float g, float b, float a = 1.0f) {
  const auto byte = [](float v) { return static_cast<std::uint32_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f); };
  return byte(r) | (byte(g) << 8) | (byte(b) << 16) | (byte(a) << 24);
}

static void hsv_to_rgb(float h, float s, float v, float* r, float* g, float* b) {
  const float sector = std::fmod(h, 1.0f) * 6.0f;
  const int i = static_cast<int>(sector);
  const float f = sector - i, p = v * (1 - s), q = v * (1 - s * f), u = v * (1 - s * (1 - f));
  switch (i % 6) {
    case 0: *r = v, *g = u, *b = p; break;
    case 1: *r = q, *g = v, *b = p; break;
    case 2: *r = p, *g = v, *b = u; break;
    case 3: *r = p, *g = q, *b = v; break;
    case 4: *r = u, *g = p, *b = v; break;
    default: *r = v, *g = p, *b = q; break;
  }
}

std::vector<std::uint32_t> colors_by_position(const std::vector<float>& xy) {
  const std::size_t n = xy.size() / 2;
  double cx = 0, cy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    cx += xy[2 * i];
    cy += xy[2 * i + 1];
  }
  if (n > 0) {
    cx /= n;
    cy /= n;
  }
  std::vector<std::uint32_t> colors(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double angle = std::atan2(xy[2 * i + 1] - cy, xy[2 * i] - cx);
    const float hue = static_cast<float>((angle + M_PI) / (2 * M_PI));
    float r, g, b;
    hsv_to_rgb(hue, 0.62f, 1.0f, &r, &g, &b);
    colors[i] = pack_rgba(r, g, b, 0.9f);
  }
  return colors;
}

}  // namespace detail

Lab::Lab() : impl_(std::make_unique<Impl>()) {}
Lab::~Lab() = default;


// ============================================================================================
// [SECTION] sync: follow the state
// ============================================================================================

void Lab::Impl::load_data(const Scene& state) {
  DataKey key{state.data.origin, state.data.dataset, state.data.csv_path, state.data.drawn_points, state.data.n,
              state.data.seed};
  if (data_loaded && key == data_key) return;
  data_key = key;
  try {
    torch::Tensor points;
    switch (state.data.origin) {
      case DataOrigin::Builtin:
        points = sample_dataset(state.data.dataset, state.data.n, state.data.seed);
        data_name = to_name(state.data.dataset);
        builtin = true;
        mixture = dataset_mixture(state.data.dataset);
        break;
      case DataOrigin::Csv:
        points = resolve_points(state.data.csv_path, state.data.n, state.data.seed);
        data_name = state.data.csv_path;
        builtin = false;
        mixture.reset();
        break;
      case DataOrigin::Drawn:
        if (state.data.drawn_points.size() < 2)
          throw std::invalid_argument(tr("no points drawn yet: click on the canvas to place points"));
        points = from_floats(state.data.drawn_points);
        data_name = "drawn";
        builtin = false;
        mixture.reset();
        break;
    }
    x0 = points.to(torch::kFloat).contiguous();
    data_labels.clear();
    if (state.data.origin == DataOrigin::Builtin && dataset_has_labels(state.data.dataset)) {
      const torch::Tensor labels = dataset_labels(state.data.dataset, state.data.n, state.data.seed)
                                       .to(torch::kLong).contiguous();
      data_labels.assign(labels.data_ptr<std::int64_t>(), labels.data_ptr<std::int64_t>() + labels.numel());
    }
    data_error.clear();
  } catch (const std::exception& e) {
    data_error = e.what();
    if (data_loaded) return;  // keep the last valid data
    x0 = sample_dataset(Dataset2D::Gmm8, state.data.n, state.data.seed);
    data_labels.clear();
    mixture = dataset_mixture(Dataset2D::Gmm8);
    data_name = "gmm8";
    builtin = true;
  }
  data_loaded = true;
  ++data_version;
  data_xy = to_floats(x0);
  if (data_labels.size() != data_xy.size() / 2) data_labels.clear();
  color_data();
  mixture_means.clear();
  mixture_stds.clear();
  if (mixture) {
    mixture_means = to_floats(mixture->means);
    mixture_stds = to_floats(mixture->stds);
  }
  Rng rng(derived_seed(state.data.seed, SeedStream::ForwardNoise));  // as dlab forward
  forward_eps = rng.normal({x0.size(0), 2});
}

void Lab::Impl::update_model(const Scene& state) {
  // The live model changes with every snapshot of the training run; the others with the data.
  const std::uint64_t live = state.model == ModelSource::Live ? training->live_version() : 0;
  if (data_version == model_inputs_data && state.model == model_inputs_source && live == model_inputs_live) return;
  const bool new_snapshot_only = data_version == model_inputs_data && state.model == model_inputs_source;
  model_inputs_data = data_version;
  model_inputs_source = state.model;
  model_inputs_live = live;
  if (state.model == ModelSource::Live) {
    model_source = state.model;
    model = training->live_model();
    model_note.clear();
    model_error = model ? "" : tr("no network has been trained here yet: press Start in the Training section");
    ++model_version;
    if (!new_snapshot_only) model_base_version = model_version;
    return;
  }
  ModelInputs in;
  in.dataset_name = data_name;
  in.builtin = builtin;
  in.mixture = mixture;
  in.data = x0;
  model_source = state.model;
  model = make_model(state.model, in, &model_error);
  model_note.clear();
  if (!model && state.model == ModelSource::Pretrained) {
    // No network shipped for this data: fall back to the best exact model there is, and say so.
    std::string why;
    model = make_model(in.mixture ? ModelSource::Exact : ModelSource::Empirical, in, &why);
    if (model) {
      model_note = format_text(in.mixture ? tr("%s: using the exact oracle instead.") : tr("%s: using the empirical optimum instead."),
                               model_error.c_str());
      model_error.clear();
    }
  }
  ++model_version;
  model_base_version = model_version;
}

void Lab::Impl::update_reverse(const Scene& state) {
  // A new snapshot of live training does not restart a run that has one (issue 14: a 1000-step run never
  // finished while training ran); sample_again does.
  const bool keep_snapshot = reverse_started && sampling_model && model_source == ModelSource::Live &&
                             reverse_key.model_version >= model_base_version && !state.requests.sample_again;
  ReverseKey key{data_version, schedule_version, keep_snapshot ? reverse_key.model_version : model_version,
                 state.sampler.kind, state.sampler.steps, state.sampler.spacing, state.sampler.variance,
                 state.sampler.effective_eta(), state.sampler.seed};
  if (reverse_started && key == reverse_key) return;
  key.model_version = model_version;  // a run that starts takes the latest model
  reverse_key = key;
  reverse_started = true;
  sampler = state.sampler;
  reverse.cancel();  // never waits: the old run's thread is joined by the worker's reaper
  plan = scene_sampling_plan(state.sampler, schedule);
  reverse_colors_ready = false;
  sampling_model = model;
  if (!model) return;
  SamplerConfig config;
  config.kind = state.sampler.kind;
  config.steps = plan.size() == schedule.timesteps() ? 0 : plan.size();
  config.spacing = state.sampler.spacing;
  config.variance = state.sampler.variance;
  config.eta = state.sampler.effective_eta();
  config.prediction = model->prediction;
  // x_T ~ N(0, I), as many as the data (drawn data: "Points n" of them, issue 14; the model is of the drawn
  // points), and the sampler's noise: the streams of dlab sample --seed.
  const std::int64_t count = state.data.origin == DataOrigin::Drawn ? state.data.n : x0.size(0);
  const ReverseStart start = reverse_start(count, 2, state.sampler.seed);
  config.seed = start.sampler_seed;
  const torch::Tensor& x_T = start.x_T;
  reverse.start(schedule, model, config, x_T);
}

void Lab::sync(Scene& state) {
  Impl& m = *impl_;
  // Read before update_model: a load done by now has published its network, which this sync picks up.
  m.load_busy = !m.training->load_status().done;
  m.load_data(state);
  m.update_model(state);
  m.color_by_origin = state.layers.color_by_origin;
  m.mode = state.playback.mode;
  m.forward_mode = state.playback.forward_mode;
  m.followed = state.followed_point;
  if (m.followed >= std::max(static_cast<int>(m.x0.size(0)), m.num_points())) state.followed_point = m.followed = -1;
  if (m.mode == LabMode::Reverse || m.reverse_started) m.update_reverse(state);
  state.requests.sample_again = false;
  if (m.mode == LabMode::Forward) {
    m.update_forward(state);
  } else {
    m.update_shown_reverse(state);
    m.comparison.clear();
    m.comparison_key.reset();
    m.forward_key.reset();  // `current` now holds a reverse frame
    m.chain_busy = false;
  }
  m.update_quality(state);  // the ELBO tab and the quality read-out, when asked for (lab_quality.cpp)
}

void Lab::set_schedule(const NoiseSchedule& schedule) {
  Impl& m = *impl_;
  if (m.schedule_set && schedule.betas() == m.schedule.betas()) return;
  m.schedule = schedule;
  m.schedule_set = true;
  ++m.schedule_version;
}

// ============================================================================================
// [SECTION] The points at the cursor
// ============================================================================================

std::vector<float> Lab::Impl::forward_points(ForwardMode method, int t, bool* complete) {
  torch::NoGradGuard no_grad;
  *complete = true;
  if (method == ForwardMode::Chain) {
    const VersionKey key{data_version, schedule_version, followed};
    if (key != chain_key) {
      // Track the paths of a few points (for the trajectories layer) and of the followed point.
      std::vector<int> tracked;
      const int n = static_cast<int>(x0.size(0));
      const int step = std::max(1, n / 200);
      for (int i = 0; i < n && tracked.size() < 200; i += step) tracked.push_back(i);
      if (followed >= 0) tracked.push_back(followed);
      chain.reset(x0, data_key.seed, tracked);
      chain_key = key;
    }
    *complete = chain.advance(schedule, t, kChainSecondsPerFrame);
    chain_shown_t = chain.current_t();
    return to_floats(chain.current());
  }
  // Closed form q(x_t | x_0) with the same eps at every t (core/forward_process.h).
  return to_floats(closed_form(schedule, x0, t, forward_eps));
}

void Lab::Impl::update_forward(Scene& state) {
  const int T = schedule.timesteps();
  const int t = forward_frame(state.playback, T);
  frame = t;
  const bool chain_mode = forward_mode == ForwardMode::Chain;
  const ForwardKey key{data_version, schedule_version, t, forward_mode, chain_mode ? followed : -1};
  chain_busy = false;
  // A chain short of t (a jump to t = 1000) shows its furthest step and goes on at the next frame.
  if (key != forward_key) {
    bool complete = true;
    current = forward_points(forward_mode, t, &complete);
    if (complete) forward_key = key; else forward_key.reset();
    chain_busy = !complete;
    ++shown_version;
  }
  // The other method at the same t, to show that both reach the same distribution.
  if (state.layers.compare_forward) {
    const ForwardMode other = chain_mode ? ForwardMode::ClosedForm : ForwardMode::Chain;
    const ForwardKey other_key{data_version, schedule_version, t, other, other == ForwardMode::Chain ? followed : -1};
    if (other_key != comparison_key) {
      bool complete = true;
      comparison = forward_points(other, t, &complete);
      if (complete) comparison_key = other_key; else comparison_key.reset();
      chain_busy = chain_busy || !complete;
    }
  } else {
    comparison.clear();
    comparison_key.reset();
  }
  colors = color_by_origin ? data_colors : std::vector<std::uint32_t>();
  shown_labels = data_labels;
}

void Lab::Impl::update_shown_reverse(Scene& state) {
  const auto& recording = reverse.recording();
  const int K = reverse_steps();
  int k = reverse_frame(state.playback, plan);
  std::shared_ptr<const std::vector<float>> shown;
  if (recording) {
    std::lock_guard<std::mutex> lock(recording->mutex);
    const int available = static_cast<int>(recording->frames.size());
    // While sampling, playback cannot run ahead of the recording (a position set by hand waits for it).
    k = recorded_frame(state.playback, k, available);
    shown = recording->frames[k];
    if (recording->done && !reverse_colors_ready && recording->error.empty() && available == K + 1) {
      // Data with classes: each point in the colour of the class it ends as (its end's nearest data point).
      reverse_labels = data_labels.empty() ? std::vector<int>()
                                           : nearest_data_labels(*recording->frames.back(), data_xy, data_labels);
      reverse_colors = !reverse_labels.empty() && !class_palette.empty() ? colors_of(reverse_labels)
                                                                         : colors_by_position(*recording->frames.back());
      reverse_colors_ready = true;
      last_ms_per_step = K > 0 ? recording->seconds * 1000.0 / K : 0;
    }
  }
  frame = k;
  if (shown) {
    if (current.size() != shown->size() || !std::equal(current.begin(), current.end(), shown->begin())) ++shown_version;
    current = *shown;
  } else {
    current.clear();
  }
  colors = (color_by_origin && reverse_colors_ready && reverse_colors.size() == current.size() / 2)
               ? reverse_colors
               : std::vector<std::uint32_t>();
  shown_labels = reverse_colors_ready && reverse_labels.size() == current.size() / 2 ? reverse_labels : std::vector<int>();
}

void Lab::Impl::color_data() {
  data_colors = !data_labels.empty() && !class_palette.empty() ? colors_of(data_labels) : colors_by_position(data_xy);
}

std::vector<std::uint32_t> Lab::Impl::colors_of(const std::vector<int>& labels) const {
  std::vector<std::uint32_t> out(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i)
    out[i] = labels[i] >= 0 ? class_palette[static_cast<std::size_t>(labels[i]) % class_palette.size()] : 0xffffffffu;
  return out;
}

void Lab::set_class_colors(const std::vector<std::uint32_t>& palette) {
  Impl& m = *impl_;
  if (palette == m.class_palette) return;
  m.class_palette = palette;
  m.color_data();
  m.reverse_colors_ready = false;  // recoloured at the next sync
  m.colors.clear();
}

const std::vector<int>& Lab::data_labels() const { return impl_->data_labels; }
const std::vector<int>& Lab::shown_labels() const { return impl_->shown_labels; }

ClassStats Lab::class_stats(bool full) const {
  Impl& m = *impl_;
  const StatsKey key{m.shown_version, m.data_version};
  const int kind = full ? 1 : 0;
  if (m.class_stats_key[kind] == key && m.class_stats_labels[kind] == m.shown_labels.size())
    return m.class_stats_cache[kind];
  m.class_stats_key[kind] = key;
  m.class_stats_labels[kind] = m.shown_labels.size();
  ClassStats stats;
  if (!m.data_labels.empty() && !m.current.empty()) {
    // The statistics are core's (core/class_clusters.h).
    stats.valid = true;
    if (m.shown_labels.size() == m.current.size() / 2)
      stats.agreement = label_agreement(m.current, m.shown_labels, m.data_xy, m.data_labels);
    stats.chance = chance_agreement(m.data_labels);
    if (full) {
      stats.purity = knn_class_purity(m.current, m.data_xy, m.data_labels);
      if (m.data_purity_version != m.data_version) {
        m.data_purity_version = m.data_version;
        m.data_purity = knn_class_purity(m.data_xy, m.data_xy, m.data_labels);
      }
      stats.data_purity = m.data_purity;
      const int classes = *std::max_element(m.data_labels.begin(), m.data_labels.end()) + 1;
      stats.shares = class_shares(nearest_data_labels(m.current, m.data_xy, m.data_labels), classes);
    }
  }
  m.class_stats_cache[kind] = stats;
  return stats;
}

const std::vector<float>& Lab::data_points() const { return impl_->data_xy; }
const std::vector<std::uint32_t>& Lab::point_colors() const { return impl_->colors; }
const std::vector<std::uint32_t>& Lab::data_colors() const { return impl_->data_colors; }
const NoiseSchedule& Lab::schedule() const { return impl_->schedule; }
std::uint64_t Lab::schedule_version() const { return impl_->schedule_version; }
std::uint64_t Lab::data_version() const { return impl_->data_version; }
const std::string& Lab::data_error() const { return impl_->data_error; }
const std::string& Lab::schedule_error() const { return impl_->schedule_error; }
bool Lab::data_is_mixture() const { return impl_->mixture.has_value(); }
const std::vector<float>& Lab::current_points() const { return impl_->current; }
const std::vector<float>& Lab::comparison_points() const { return impl_->comparison; }
std::uint64_t Lab::shown_version() const { return impl_->shown_version; }
const std::vector<int>& Lab::sampling_timesteps() const { return impl_->plan.timesteps; }

double Lab::prior_kl() const {
  Impl& m = *impl_;
  const VersionKey key{m.data_version, m.schedule_version, -1};
  if (key != m.prior_kl_key) {
    torch::NoGradGuard no_grad;
    m.prior_kl = prior_kl_per_dim(m.schedule, m.x0);
    m.prior_kl_key = key;
  }
  return m.prior_kl;
}

StepInfo Lab::step_info() const {
  const Impl& m = *impl_;
  if (m.mode == LabMode::Forward) return forward_step_info(m.frame, m.schedule);
  std::vector<int> frame_nfe;
  if (const auto& recording = m.reverse.recording()) {
    std::lock_guard<std::mutex> lock(recording->mutex);
    frame_nfe = recording->frame_nfe;
  }
  return reverse_step_info(m.frame, m.plan, frame_nfe);
}

ReverseStatus Lab::reverse_status() const {
  const Impl& m = *impl_;
  ReverseStatus status;
  status.num_steps = m.reverse_steps();
  if (const auto& recording = m.reverse.recording()) {
    std::lock_guard<std::mutex> lock(recording->mutex);
    status.running = !recording->done;
    status.frames = static_cast<int>(recording->frames.size());
    status.nfe_total = recording->frame_nfe.empty() ? 0 : recording->frame_nfe.back();
    status.error = recording->error;
  }
  return status;
}

std::vector<float> Lab::reverse_samples() const {
  const Impl& m = *impl_;
  const auto& recording = m.reverse.recording();
  if (!recording) return {};
  std::lock_guard<std::mutex> lock(recording->mutex);
  if (!recording->done || !recording->error.empty() ||
      static_cast<int>(recording->frames.size()) != m.reverse_steps() + 1)
    return {};
  return *recording->frames.back();
}

bool Lab::busy() const { return impl_->chain_busy || impl_->load_busy; }

std::uint64_t Lab::ui_predictions() const { return impl_->ui_predictions; }

bool Lab::wait_for_reverse(double timeout_seconds) { return impl_->reverse.wait(timeout_seconds); }
double Lab::last_reverse_ms_per_step() const { return impl_->last_ms_per_step; }

// ============================================================================================
// [SECTION] Queries: trajectories, followed point, statistics
// ============================================================================================

void Lab::trajectories(int max_points, int max_vertices, std::vector<float>* xy, int* paths, int* length,
                       std::vector<int>* indices) const {
  const Impl& m = *impl_;
  xy->clear();
  if (indices) indices->clear();
  *paths = 0;
  *length = 0;
  const int n = m.num_points();
  if (n == 0 || m.frame == 0) return;
  // The frames shown along each path: up to max_vertices, evenly spread over 0..frame.
  const int frames = m.frame + 1;
  const int count = std::min(frames, max_vertices);
  std::vector<int> at(count);
  for (int j = 0; j < count; ++j) at[j] = count == 1 ? 0 : static_cast<int>(std::lround(j * (frames - 1.0) / (count - 1)));

  if (m.mode == LabMode::Forward && m.forward_mode == ForwardMode::Chain) {
    const auto& tracked = m.chain.tracked();
    const auto& steps = m.chain.tracked_paths();
    const int rows = std::min<int>(max_points, static_cast<int>(tracked.size()) - (m.followed >= 0 ? 1 : 0));
    if (rows <= 0 || steps.empty()) return;
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < count; ++j) {
        const auto& row = steps[std::min<std::size_t>(at[j], steps.size() - 1)];
        xy->push_back(row[2 * r]);
        xy->push_back(row[2 * r + 1]);
      }
    *paths = rows;
    *length = count;
    if (indices) indices->assign(tracked.begin(), tracked.begin() + rows);
    return;
  }
  const int stride = std::max(1, n / std::max(1, max_points));
  std::vector<int> rows;
  for (int i = 0; i < n && static_cast<int>(rows.size()) < max_points; i += stride) rows.push_back(i);
  if (m.mode == LabMode::Forward) {
    const float* x0 = m.data_xy.data();
    const torch::Tensor eps_cpu = m.forward_eps.contiguous();
    const float* eps = eps_cpu.data_ptr<float>();
    for (int i : rows)
      for (int j = 0; j < count; ++j) {
        xy->push_back(static_cast<float>(closed_form(m.schedule, x0[2 * i], eps[2 * i], at[j])));
        xy->push_back(static_cast<float>(closed_form(m.schedule, x0[2 * i + 1], eps[2 * i + 1], at[j])));
      }
  } else {
    const auto& recording = m.reverse.recording();
    if (!recording) return;
    std::vector<std::shared_ptr<const std::vector<float>>> frames(count);
    {
      std::lock_guard<std::mutex> lock(recording->mutex);
      for (int j = 0; j < count; ++j)
        frames[j] = recording->frames[std::min<std::size_t>(at[j], recording->frames.size() - 1)];
    }
    for (int i : rows)
      for (int j = 0; j < count; ++j) {
        xy->push_back((*frames[j])[2 * i]);
        xy->push_back((*frames[j])[2 * i + 1]);
      }
  }
  *paths = static_cast<int>(rows.size());
  *length = count;
  if (indices) *indices = rows;
}

FollowInfo Lab::follow(int index) const {
  Impl& m = *impl_;
  FollowInfo info;
  const int n = m.num_points();
  if (index < 0 || index >= n) return info;
  info.valid = true;
  info.index = index;
  info.position[0] = m.current[2 * index];
  info.position[1] = m.current[2 * index + 1];
  const int t = m.shown_t();
  if (m.mode == LabMode::Forward) {
    info.origin[0] = m.data_xy[2 * index];
    info.origin[1] = m.data_xy[2 * index + 1];
    if (m.forward_mode == ForwardMode::ClosedForm) {
      const torch::Tensor eps = m.forward_eps.contiguous();
      info.eps[0] = eps.data_ptr<float>()[2 * index];
      info.eps[1] = eps.data_ptr<float>()[2 * index + 1];
      info.has_eps = true;
      for (int s = 0; s <= t; ++s) {
        info.path.push_back(static_cast<float>(closed_form(m.schedule, info.origin[0], info.eps[0], s)));
        info.path.push_back(static_cast<float>(closed_form(m.schedule, info.origin[1], info.eps[1], s)));
      }
    } else {
      const auto& tracked = m.chain.tracked();
      const auto it = std::find(tracked.rbegin(), tracked.rend(), index);
      if (it != tracked.rend()) {
        const std::size_t r = static_cast<std::size_t>(tracked.rend() - it - 1);
        const auto& steps = m.chain.tracked_paths();
        for (int s = 0; s <= t && s < static_cast<int>(steps.size()); ++s) {
          info.path.push_back(steps[s][2 * r]);
          info.path.push_back(steps[s][2 * r + 1]);
        }
      }
    }
  } else if (const auto& recording = m.reverse.recording()) {
    std::lock_guard<std::mutex> lock(recording->mutex);
    const int available = static_cast<int>(recording->frames.size());
    for (int k = 0; k <= m.frame && k < available; ++k) {
      info.path.push_back((*recording->frames[k])[2 * index]);
      info.path.push_back((*recording->frames[k])[2 * index + 1]);
    }
    if (recording->done && recording->error.empty()) {
      info.origin[0] = (*recording->frames.back())[2 * index];
      info.origin[1] = (*recording->frames.back())[2 * index + 1];
      info.has_origin = true;
    }
    if (m.frame + 1 < available) {
      info.has_next = true;
      info.next[0] = (*recording->frames[m.frame + 1])[2 * index];
      info.next[1] = (*recording->frames[m.frame + 1])[2 * index + 1];
    }
  }
  if (m.mode == LabMode::Forward) info.has_origin = true;
  // Reverse: the model the run samples with (a run keeps its snapshot of live training), so the numbers add up.
  const ModelPtr& model = m.mode == LabMode::Reverse && m.sampling_model ? m.sampling_model : m.model;
  if (t >= 1 && model) {
    // Once per change of point, t or model: the canvas and the formula panel both ask every frame.
    const PredictionKey key{index, t, m.model_version, m.schedule_version, info.position[0], info.position[1]};
    if (key != m.prediction_key) {
      m.prediction_key = key;
      m.prediction_ok = false;
      try {
        torch::NoGradGuard no_grad;
        const torch::Tensor x = torch::tensor({info.position[0], info.position[1]}, torch::kFloat).reshape({1, 2});
        ++m.ui_predictions;
        const EpsAndX0 prediction = predict(*model, x, t, sampling_alpha_bar(m.schedule, t));
        const std::vector<float> eps = to_floats(prediction.eps), x0 = to_floats(prediction.x0);
        std::copy(eps.begin(), eps.begin() + 2, m.prediction_eps);
        std::copy(x0.begin(), x0.begin() + 2, m.prediction_x0);
        m.prediction_ok = true;
      } catch (const std::exception&) {
        m.prediction_ok = false;
      }
    }
    info.has_prediction = m.prediction_ok;
    std::copy(m.prediction_eps, m.prediction_eps + 2, info.eps_hat);
    std::copy(m.prediction_x0, m.prediction_x0 + 2, info.x0_hat);
  }
  return info;
}

PointStats Lab::stats(bool with_distances) const {
  Impl& m = *impl_;
  const StatsKey key{m.shown_version, m.data_version};
  std::optional<StatsKey>& cached_key = with_distances ? m.full_stats_key : m.stats_key;
  PointStats& cache = with_distances ? m.full_stats_cache : m.stats_cache;
  if (key != cached_key) {
    cached_key = key;
    cache = m.point_stats(m.current, with_distances);
  }
  return cache;
}

PointStats Lab::comparison_stats() const {
  Impl& m = *impl_;
  if (m.comparison.empty()) return PointStats();
  if (m.comparison_key != m.comparison_stats_key) {
    m.comparison_stats_key = m.comparison_key;
    m.comparison_stats_cache = m.point_stats(m.comparison, false);
  }
  return m.comparison_stats_cache;
}

PointStats Lab::Impl::point_stats(const std::vector<float>& points, bool with_distances) const {
  // The statistics are core's (core/point_statistics.h); this only picks which to compute.
  PointStats stats;
  const PointMoments moments = point_moments(points);
  stats.n = moments.n;
  std::copy(moments.mean, moments.mean + 2, stats.mean);
  for (int r = 0; r < 2; ++r) std::copy(moments.cov[r], moments.cov[r] + 2, stats.cov[r]);
  if (!with_distances || stats.n == 0) return stats;
  if (!mixture_means.empty()) stats.near_mode_fraction = fraction_near_modes(points, mixture_means, mixture_stds);
  stats.mean_nearest_data_distance = mean_nearest_distance(points, data_xy);
  if (data_spread_version != data_version) {
    data_spread_version = data_version;
    data_spread = spread_about_modes(data_xy, mixture_means);
    data_neighbour_distance = mean_neighbour_distance(data_xy);
  }
  stats.spread = spread_about_modes(points, mixture_means);
  stats.data_spread = data_spread;
  stats.neighbour_distance = mean_neighbour_distance(points);
  stats.data_neighbour_distance = data_neighbour_distance;
  return stats;
}

int Lab::nearest_point(float x, float y, float radius) const {
  const Impl& m = *impl_;
  int best = -1;
  float best_distance = radius * radius;
  for (int i = 0; i < m.num_points(); ++i) {
    const float dx = m.current[2 * i] - x, dy = m.current[2 * i + 1] - y;
    const float d = dx * dx + dy * dy;
    if (d <= best_distance) {
      best_distance = d;
      best = i;
    }
  }
  return best;
}

ModelInfo Lab::model_info(ModelSource source, const Scene& state) const {
  const Impl& m = *impl_;
  (void)state;
  ModelInfo info;
  switch (source) {
    case ModelSource::Exact:
      info.available = m.mixture.has_value();
      info.description = info.available ? tr("the exact eps* of the Gaussian mixture (REFERENCE section 9)")
                                        : tr("only for the Gaussian mixtures gmm8 and gmm25");
      break;
    case ModelSource::Empirical:
      info.available = true;
      info.description = tr("the optimal denoiser of the data points: it memorises them");
      break;
    case ModelSource::Pretrained: {
      info.available = m.builtin && std::ifstream(pretrained_path(m.data_name)).good();
      info.description = info.available ? format_text(tr("the network shipped in %s"), ("assets/models/" + m.data_name + ".pt").c_str())
                                        : tr("no pretrained network for this data set");
      break;
    }
    case ModelSource::Live:
      info.available = m.training->live_model() != nullptr;
      info.description = info.available ? tr("the network being trained here (its latest EMA snapshot)")
                                        : tr("train a network in the Training section first");
      break;
  }
  if (source == m.model_source && !m.model_error.empty()) {
    info.available = false;
    info.description = m.model_error;
  }
  return info;
}

const std::string& Lab::model_error() const { return impl_->model_error; }
std::string Lab::model_description() const {
  if (!impl_->model) return impl_->model_error;
  return impl_->model_note.empty() ? impl_->model->description : impl_->model_note;
}
bool Lab::has_model() const { return impl_->model != nullptr; }
bool Lab::model_is_exact() const { return impl_->model && impl_->model->source == ModelSource::Exact; }

std::int64_t Lab::sampling_snapshot_step() const {
  const Impl& m = *impl_;
  return m.reverse_started && m.sampling_model ? m.sampling_model->training_step : -1;
}

std::int64_t Lab::latest_snapshot_step() const {
  const ModelPtr latest = impl_->training->live_model();
  return latest ? latest->training_step : -1;
}

}  // namespace dlab::gui
