// Video encoders of the export (issue 11), each in its own translation unit: GIF through giflib
// (gif_encoder.cpp), MP4 (H.264, libx264) and WebM (VP9, else VP8; libvpx) through FFmpeg's libavformat,
// libavcodec and libswscale (av_encoder.cpp). They encode into memory; the caller writes the bytes with
// core/atomic_file.h at the end, so a cancelled or failed export never leaves a partial file. GL-free.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dlab::gui {

enum class VideoFormat { Mp4, WebM, Gif };

// The format named by PATH's extension (.mp4, .webm, .gif, any case); throws std::invalid_argument with a
// message naming the path and the extensions allowed.
VideoFormat video_format_for(const std::string& path);
const char* video_format_name(VideoFormat format);  // "mp4", "webm", "gif"

class VideoEncoder {
 public:
  virtual ~VideoEncoder() = default;
  // One frame of width x height RGBA8, rows top-down (alpha ignored). Throws std::runtime_error.
  virtual void add_frame(const std::uint8_t* rgba) = 0;
  // Flushes the encoder; returns the whole file. Throws std::runtime_error.
  virtual std::vector<std::uint8_t> finish() = 0;
  // What encodes it, for messages and the README ("libx264", "libvpx-vp9", "giflib").
  virtual std::string codec() const = 0;
};

// Throws std::runtime_error when no encoder for the format exists in this build's libraries.
// MP4 and WebM need even sizes (YUV 4:2:0): odd ones lose their last column or row.
std::unique_ptr<VideoEncoder> make_gif_encoder(int width, int height, int fps);
std::unique_ptr<VideoEncoder> make_av_encoder(VideoFormat format, int width, int height, int fps);
std::unique_ptr<VideoEncoder> make_video_encoder(VideoFormat format, int width, int height, int fps);

}  // namespace dlab::gui
