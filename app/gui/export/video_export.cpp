#include "app/gui/export/video_export.h"

#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "core/atomic_file.h"

namespace dlab::gui {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

void check_video_path(const std::string& path) {
  video_format_for(path);
  if (::access(folder_of(path).c_str(), W_OK) != 0)
    throw std::runtime_error(path + ": cannot write into the folder '" + folder_of(path) + "' (missing or read-only)");
}

double VideoExportProgress::seconds_left() const {
  if (done || frames_encoded <= 0 || frames_total <= frames_encoded) return 0;
  return seconds / frames_encoded * (frames_total - frames_encoded);
}

VideoExport::VideoExport(std::string path, int width, int height, int fps, int frames_total)
    : path_(std::move(path)), width_(width), height_(height), frames_total_(frames_total) {
  check_video_path(path_);
  const VideoFormat format = video_format_for(path_);
  if (fps < 1 || fps > 240) throw std::invalid_argument("--export-fps: " + std::to_string(fps) + " is out of range; allowed: 1..240");
  if (frames_total < 1) throw std::invalid_argument(path_ + ": nothing to export (no frames)");
  encoder_ = make_video_encoder(format, width, height, fps);
  progress_.frames_total = frames_total;
  progress_.codec = encoder_->codec();
  start_ = now_seconds();
  worker_ = std::thread([this] { work(); });
}

VideoExport::~VideoExport() {
  cancel();
  if (worker_.joinable()) worker_.join();
}

bool VideoExport::try_push(std::vector<std::uint8_t>&& rgba) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (queue_.size() >= kQueue || pushed_ >= frames_total_) return false;
  queue_.push_back(std::move(rgba));
  ++pushed_;
  changed_.notify_all();
  return true;
}

void VideoExport::cancel() {
  cancel_ = true;
  changed_.notify_all();
}

VideoExportProgress VideoExport::progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  VideoExportProgress p = progress_;
  if (!p.done && !p.failed && !p.cancelled) p.seconds = now_seconds() - start_;
  return p;
}

bool VideoExport::wait(double timeout_seconds) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, std::chrono::duration<double>(timeout_seconds),
                           [this] { return progress_.done || progress_.failed || progress_.cancelled; });
}

void VideoExport::work() {
  try {
    for (int k = 0; k < frames_total_; ++k) {
      std::vector<std::uint8_t> frame;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return cancel_ || !queue_.empty(); });
        if (cancel_) break;
        frame = std::move(queue_.front());
        queue_.pop_front();
      }
      if (frame.size() != static_cast<std::size_t>(width_) * height_ * 4)
        throw std::runtime_error(path_ + ": a frame of the wrong size");
      encoder_->add_frame(frame.data());
      std::lock_guard<std::mutex> lock(mutex_);
      progress_.frames_encoded = k + 1;
    }
    if (!cancel_) {
      const std::vector<std::uint8_t> bytes = encoder_->finish();
      if (!cancel_) {
        write_file_atomically(path_, [&](std::ostream& out) {
          out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        });
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancel_) progress_.cancelled = true; else progress_.done = true;
    progress_.seconds = now_seconds() - start_;
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    progress_.failed = true;
    progress_.error = e.what();
    progress_.seconds = now_seconds() - start_;
  }
  encoder_.reset();
  changed_.notify_all();
}

}  // namespace dlab::gui
