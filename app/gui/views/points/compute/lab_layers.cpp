// The grid layers of the canvas at the timestep shown: the model's -eps_hat field, the density of
// q(x_t) and the error of the model's eps against the exact one for mixtures.
#include <algorithm>
#include <cmath>

#include "app/gui/views/points/compute/lab_impl.h"

namespace dlab::gui {

using namespace detail;

// ============================================================================================
// [SECTION] Grid layers
// ============================================================================================

namespace {

torch::Tensor grid_points(const DataBox& box, int nx, int ny) {
  std::vector<float> xy;
  xy.reserve(static_cast<std::size_t>(nx) * ny * 2);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      xy.push_back(box.min_x + (box.max_x - box.min_x) * (nx == 1 ? 0.5f : i / (nx - 1.0f)));
      xy.push_back(box.min_y + (box.max_y - box.min_y) * (ny == 1 ? 0.5f : j / (ny - 1.0f)));
    }
  return from_floats(xy);
}

int rows_for(const DataBox& box, int nx) {
  const float aspect = (box.max_y - box.min_y) / std::max(1e-6f, box.max_x - box.min_x);
  return std::max(2, static_cast<int>(std::lround(nx * aspect)));
}

}  // namespace

bool Lab::Impl::model_layer_stale(GridKey& cached, const DataBox& box, int resolution) const {
  const GridKey key{shown_t(), box, resolution, model_version, schedule_version, 0, 0};
  if (key == cached) return false;
  cached = key;
  return true;
}

const ArrowField& Lab::eps_field(const DataBox& box, int cells_across) {
  Impl& m = *impl_;
  const int t = m.shown_t();
  if (!m.model_layer_stale(m.field_key, box, cells_across)) return m.field;
  m.field = ArrowField();
  if (t < 1 || !m.model) return m.field;
  const int nx = cells_across, ny = rows_for(box, nx);
  // Cell centres, not edges.
  const float cell_x = (box.max_x - box.min_x) / nx, cell_y = (box.max_y - box.min_y) / ny;
  const DataBox centres{box.min_x + cell_x / 2, box.min_y + cell_y / 2, box.max_x - cell_x / 2, box.max_y - cell_y / 2};
  try {
    const torch::Tensor x = grid_points(centres, nx, ny);
    ++m.ui_predictions;
    const EpsAndX0 prediction = predict(*m.model, x, t, sampling_alpha_bar(m.schedule, t));
    const std::vector<float> eps = to_floats(prediction.eps);
    const std::vector<float> xy = to_floats(x);
    // Arrows point along -eps_hat, the direction of the score grad log q(x_t) (REFERENCE section 5):
    // towards the data. Length grows with |eps_hat| up to 0.9 of a cell at |eps_hat| = 2.
    const float cell = std::min(cell_x, cell_y);
    for (std::size_t i = 0; i < xy.size() / 2; ++i) {
      const float ex = -eps[2 * i], ey = -eps[2 * i + 1];
      const float magnitude = std::sqrt(ex * ex + ey * ey);
      if (!(magnitude > 1e-6f)) continue;
      const float strength = std::min(1.0f, magnitude / 2.0f);
      const float length = cell * 0.9f * std::max(0.25f, strength);
      m.field.origins.push_back(xy[2 * i]);
      m.field.origins.push_back(xy[2 * i + 1]);
      m.field.vectors.push_back(ex / magnitude * length);
      m.field.vectors.push_back(ey / magnitude * length);
      m.field.strength.push_back(strength);
    }
  } catch (const std::exception&) {
    m.field = ArrowField();
  }
  return m.field;
}

const ScalarGrid& Lab::density(const DataBox& box, int resolution) {
  Impl& m = *impl_;
  const int t = m.shown_t();
  const bool exact = m.mixture.has_value();
  // A histogram follows the points shown; the exact density only t.
  const GridKey key = exact ? GridKey{t, box, resolution, 0, m.schedule_version, m.data_version, 0}
                            : GridKey{t, box, resolution, 0, 0, 0, m.shown_version};
  if (key == m.density_key) return m.density;
  m.density_key = key;
  ScalarGrid& grid = m.density;
  grid = ScalarGrid();
  grid.box = box;
  grid.nx = resolution;
  grid.ny = rows_for(box, resolution);
  grid.values.assign(static_cast<std::size_t>(grid.nx) * grid.ny, 0.0f);
  if (exact) {
    // q(x_t) = sum_k w_k N(sqrt(abar_t) mu_k, (abar_t s_k^2 + 1 - abar_t) I) (REFERENCE section 9).
    torch::NoGradGuard no_grad;
    const torch::Tensor x = grid_points(box, grid.nx, grid.ny);
    const std::vector<float> log_p = to_floats(mixture_log_density(*m.mixture, x, m.schedule.alpha_bar(t)));
    const float top = *std::max_element(log_p.begin(), log_p.end());
    for (std::size_t i = 0; i < log_p.size(); ++i) grid.values[i] = std::exp(log_p[i] - top);
  } else {
    // A histogram of the points shown, blurred by one cell.
    std::vector<float> counts(grid.values.size(), 0.0f);
    const float sx = (grid.nx - 1) / std::max(1e-6f, box.max_x - box.min_x);
    const float sy = (grid.ny - 1) / std::max(1e-6f, box.max_y - box.min_y);
    for (int i = 0; i < m.num_points(); ++i) {
      const int gx = static_cast<int>(std::lround((m.current[2 * i] - box.min_x) * sx));
      const int gy = static_cast<int>(std::lround((m.current[2 * i + 1] - box.min_y) * sy));
      if (gx < 0 || gy < 0 || gx >= grid.nx || gy >= grid.ny) continue;
      counts[static_cast<std::size_t>(gy) * grid.nx + gx] += 1.0f;
    }
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<float> blurred(counts.size(), 0.0f);
      for (int y = 0; y < grid.ny; ++y)
        for (int x = 0; x < grid.nx; ++x) {
          float sum = 0, weight = 0;
          for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
              const int xx = x + dx, yy = y + dy;
              if (xx < 0 || yy < 0 || xx >= grid.nx || yy >= grid.ny) continue;
              const float w = (dx == 0 ? 2.0f : 1.0f) * (dy == 0 ? 2.0f : 1.0f);
              sum += w * counts[static_cast<std::size_t>(yy) * grid.nx + xx];
              weight += w;
            }
          blurred[static_cast<std::size_t>(y) * grid.nx + x] = sum / weight;
        }
      counts.swap(blurred);
    }
    const float top = *std::max_element(counts.begin(), counts.end());
    if (top > 0)
      for (std::size_t i = 0; i < counts.size(); ++i) grid.values[i] = counts[i] / top;
  }
  // A square-root scale, so the tails between the modes stay visible.
  for (float& v : grid.values) v = std::sqrt(v);
  grid.scale = 1.0f;
  grid.version = ++m.grid_versions;
  return grid;
}

const ScalarGrid& Lab::score_error(const DataBox& box, int resolution) {
  Impl& m = *impl_;
  const int t = m.shown_t();
  if (!m.model_layer_stale(m.error_key, box, resolution)) return m.error;
  m.error = ScalarGrid();
  if (t < 1 || !m.model || !m.mixture) return m.error;
  ScalarGrid& grid = m.error;
  grid.box = box;
  grid.nx = resolution;
  grid.ny = rows_for(box, resolution);
  try {
    torch::NoGradGuard no_grad;
    const double abar = sampling_alpha_bar(m.schedule, t);
    const torch::Tensor x = grid_points(box, grid.nx, grid.ny);
    ++m.ui_predictions;
    const torch::Tensor learned = predict(*m.model, x, t, abar).eps.to(torch::kFloat);
    const torch::Tensor exact = mixture_eps(*m.mixture, x, abar).to(torch::kFloat);
    // |eps_hat - eps*|: the error of the model's eps, i.e. of its score times -sqrt(1 - abar_t).
    const std::vector<float> error = to_floats((learned - exact).norm(2, 1));
    grid.scale = kScoreErrorScale;  // eps units: half as large as the noise itself is already a bad model
    grid.values.resize(error.size());
    for (std::size_t i = 0; i < error.size(); ++i) grid.values[i] = std::min(1.0f, error[i] / grid.scale);
    grid.version = ++m.grid_versions;
  } catch (const std::exception&) {
    m.error = ScalarGrid();
  }
  return grid;
}

}  // namespace dlab::gui
