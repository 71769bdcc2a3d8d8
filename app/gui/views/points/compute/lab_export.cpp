// The Lab's answers for the export (issue 11): the reverse run's frames as CSV and the model in use.
#include "app/gui/views/points/compute/lab_impl.h"
#include "core/export_tables.h"

namespace dlab::gui {

std::string Lab::reverse_trajectory_csv() const {
  const Impl& m = *impl_;
  const auto& recording = m.reverse.recording();
  if (!recording) return "";
  std::vector<std::shared_ptr<const std::vector<float>>> frames;
  {
    std::lock_guard<std::mutex> lock(recording->mutex);
    if (!recording->done || !recording->error.empty()) return "";
    frames = recording->frames;
  }
  const std::vector<int>& ts = m.plan.timesteps;  // ascending t_1 < ... < t_K
  const std::size_t K = ts.size();
  if (frames.size() != K + 1) return "";
  // Frame 0 is x_T at the first (noisiest) timestep; frame k >= 1 is x at t_{K-k}, the last one x_0 at t = 0
  // (dlab sample --trajectory: step 0 at t, then each step at its t_prev).
  std::vector<const std::vector<float>*> pointers;
  std::vector<int> frame_t;
  for (std::size_t k = 0; k <= K; ++k) {
    pointers.push_back(frames[k].get());
    frame_t.push_back(k == 0 ? ts[K - 1] : (k < K ? ts[K - 1 - k] : 0));
  }
  return trajectory_csv(pointers, frame_t);
}

bool Lab::model_in_use(ModelSource* source, std::string* pretrained_file) const {
  if (!impl_->model) return false;
  *source = impl_->model->source;
  *pretrained_file = *source == ModelSource::Pretrained ? pretrained_path(impl_->data_name) : "";
  return true;
}

}  // namespace dlab::gui
