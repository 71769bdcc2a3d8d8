#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "app/gui/export/video_encoder.h"

namespace dlab::gui {

VideoFormat video_format_for(const std::string& path) {
  const auto dot = path.find_last_of('.');
  std::string extension = dot == std::string::npos ? "" : path.substr(dot + 1);
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  if (extension == "mp4") return VideoFormat::Mp4;
  if (extension == "webm") return VideoFormat::WebM;
  if (extension == "gif") return VideoFormat::Gif;
  throw std::invalid_argument(path + ": the file name must end in .mp4 (H.264), .webm (VP9) or .gif");
}

const char* video_format_name(VideoFormat format) {
  switch (format) {
    case VideoFormat::Mp4: return "mp4";
    case VideoFormat::WebM: return "webm";
    case VideoFormat::Gif: return "gif";
  }
  return "?";
}

std::unique_ptr<VideoEncoder> make_video_encoder(VideoFormat format, int width, int height, int fps) {
  if (format == VideoFormat::Gif) return make_gif_encoder(width, height, fps);
  return make_av_encoder(format, width, height, fps);
}

}  // namespace dlab::gui
