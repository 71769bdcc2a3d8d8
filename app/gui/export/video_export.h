// One video export in flight: the UI thread renders the frames and hands them over (try_push never
// waits); a worker thread encodes them (video_encoder.h) into memory and, after the last one, writes the
// file atomically (core/atomic_file.h). A cancelled or failed export writes nothing. GL-free.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/gui/export/video_encoder.h"

namespace dlab::gui {

struct VideoExportProgress {
  int frames_encoded = 0;
  int frames_total = 0;
  bool done = false;       // the file is written
  bool failed = false;     // `error` says why; no file
  bool cancelled = false;  // no file
  std::string error;
  double seconds = 0;      // since the start
  double seconds_left() const;  // estimated from the rate so far (0 when unknown or done)
  std::string codec;
};

// Throws (std::invalid_argument, std::runtime_error, naming PATH) when PATH has no video extension or its
// folder cannot be written: checked before any frame is rendered.
void check_video_path(const std::string& path);

class VideoExport {
 public:
  // Makes the encoder (throws std::runtime_error or std::invalid_argument with a message naming PATH: an
  // unknown extension, no encoder, a folder that cannot be written) and starts the worker.
  VideoExport(std::string path, int width, int height, int fps, int frames_total);
  ~VideoExport();  // cancels an export not finished
  VideoExport(const VideoExport&) = delete;
  VideoExport& operator=(const VideoExport&) = delete;

  // Hands one frame (width x height RGBA8, rows top-down) to the encoder; false without waiting when
  // kQueue frames are already waiting (render it again later). The last of frames_total finishes the file.
  bool try_push(std::vector<std::uint8_t>&& rgba);
  void cancel();  // the worker stops; nothing is written
  VideoExportProgress progress() const;
  bool wait(double timeout_seconds);  // until done, failed or cancelled; true if it ended
  const std::string& path() const { return path_; }
  int width() const { return width_; }
  int height() const { return height_; }

  static constexpr std::size_t kQueue = 4;

 private:
  void work();

  std::string path_;
  int width_, height_, frames_total_;
  std::unique_ptr<VideoEncoder> encoder_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<std::uint8_t>> queue_;
  int pushed_ = 0;
  VideoExportProgress progress_;
  std::atomic<bool> cancel_{false};
  double start_ = 0;
  std::thread worker_;
};

}  // namespace dlab::gui
