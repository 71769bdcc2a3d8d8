// MP4 (H.264 through libx264) and WebM (VP9, else VP8, through libvpx) with FFmpeg's libraries
// (libavformat muxes into a memory buffer: a custom AVIOContext that can seek, for the MP4 index),
// RGBA converted to YUV 4:2:0 by libswscale.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "app/gui/export/video_encoder.h"

namespace dlab::gui {

namespace {

std::string av_message(int code) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, buffer, sizeof buffer);
  return buffer;
}

// The file being written, in memory.
struct MemoryFile {
  std::vector<std::uint8_t> bytes;
  std::int64_t position = 0;
};

int memory_write(void* opaque, std::uint8_t* data, int size) {  // FFmpeg 5 (libavformat 59): not const
  auto* file = static_cast<MemoryFile*>(opaque);
  const auto end = static_cast<std::size_t>(file->position) + static_cast<std::size_t>(size);
  if (file->bytes.size() < end) file->bytes.resize(end);
  std::memcpy(file->bytes.data() + file->position, data, static_cast<std::size_t>(size));
  file->position = static_cast<std::int64_t>(end);
  return size;
}

std::int64_t memory_seek(void* opaque, std::int64_t offset, int whence) {
  auto* file = static_cast<MemoryFile*>(opaque);
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE: return static_cast<std::int64_t>(file->bytes.size());
    case SEEK_SET: file->position = offset; break;
    case SEEK_CUR: file->position += offset; break;
    case SEEK_END: file->position = static_cast<std::int64_t>(file->bytes.size()) + offset; break;
    default: return -1;
  }
  return file->position;
}

class AvEncoder final : public VideoEncoder {
 public:
  AvEncoder(VideoFormat format, int width, int height, int fps)
      : source_width_(width), width_(width & ~1), height_(height & ~1), fps_(fps) {
    try {
      open(format);
    } catch (...) {
      release();
      throw;
    }
  }
  ~AvEncoder() override { release(); }

  void add_frame(const std::uint8_t* rgba) override {
    check(av_frame_make_writable(frame_), "av_frame_make_writable");
    const std::uint8_t* source[1] = {rgba};
    const int stride[1] = {4 * source_width_};
    sws_scale(scale_, source, stride, 0, height_, frame_->data, frame_->linesize);
    frame_->pts = next_pts_++;
    send(frame_);
  }

  std::vector<std::uint8_t> finish() override {
    send(nullptr);  // flush the encoder's delayed frames
    check(av_write_trailer(format_), "av_write_trailer");
    avio_flush(format_->pb);
    std::vector<std::uint8_t> bytes = std::move(file_.bytes);
    release();
    return bytes;
  }

  std::string codec() const override { return codec_name_; }

 private:
  void check(int code, const char* what) const {
    if (code < 0) throw std::runtime_error(std::string(video_format_name(format_kind_)) + ": " + what + ": " + av_message(code));
  }

  void open(VideoFormat format) {
    format_kind_ = format;
    if (width_ < 2 || height_ < 2) throw std::runtime_error("video: size too small");
    const char* muxer = format == VideoFormat::Mp4 ? "mp4" : "webm";
    check(avformat_alloc_output_context2(&format_, nullptr, muxer, nullptr), "avformat_alloc_output_context2");
    const AVCodec* codec = nullptr;
    if (format == VideoFormat::Mp4) {
      codec = avcodec_find_encoder_by_name("libx264");
      if (!codec) codec = avcodec_find_encoder(AV_CODEC_ID_H264);
    } else {
      codec = avcodec_find_encoder_by_name("libvpx-vp9");
      if (!codec) codec = avcodec_find_encoder_by_name("libvpx");
    }
    if (!codec)
      throw std::runtime_error(std::string(muxer) + ": this FFmpeg has no " +
                               (format == VideoFormat::Mp4 ? "H.264" : "VP9/VP8") + " encoder; export a .gif instead");
    codec_name_ = codec->name;
    stream_ = avformat_new_stream(format_, nullptr);
    if (!stream_) throw std::runtime_error("video: avformat_new_stream failed");
    context_ = avcodec_alloc_context3(codec);
    context_->width = width_;
    context_->height = height_;
    context_->time_base = AVRational{1, fps_};
    context_->framerate = AVRational{fps_, 1};
    context_->pix_fmt = AV_PIX_FMT_YUV420P;
    context_->gop_size = 2 * fps_;
    if (format_->oformat->flags & AVFMT_GLOBALHEADER) context_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (codec_name_ == "libx264") {
      av_opt_set(context_->priv_data, "preset", "veryfast", 0);
      av_opt_set(context_->priv_data, "crf", "20", 0);
    } else if (codec_name_.rfind("libvpx", 0) == 0) {
      context_->bit_rate = 0;
      av_opt_set(context_->priv_data, "crf", "32", 0);
      av_opt_set(context_->priv_data, "deadline", "realtime", 0);
      av_opt_set(context_->priv_data, "cpu-used", "8", 0);
    }
    check(avcodec_open2(context_, codec, nullptr), "avcodec_open2");
    check(avcodec_parameters_from_context(stream_->codecpar, context_), "avcodec_parameters_from_context");
    stream_->time_base = context_->time_base;

    constexpr int kBuffer = 1 << 16;
    auto* buffer = static_cast<std::uint8_t*>(av_malloc(kBuffer));
    io_ = avio_alloc_context(buffer, kBuffer, 1, &file_, nullptr, memory_write, memory_seek);
    if (!io_) throw std::runtime_error("video: avio_alloc_context failed");
    format_->pb = io_;
    format_->flags |= AVFMT_FLAG_CUSTOM_IO;
    check(avformat_write_header(format_, nullptr), "avformat_write_header");

    frame_ = av_frame_alloc();
    frame_->format = context_->pix_fmt;
    frame_->width = width_;
    frame_->height = height_;
    check(av_frame_get_buffer(frame_, 0), "av_frame_get_buffer");
    packet_ = av_packet_alloc();
    scale_ = sws_getContext(width_, height_, AV_PIX_FMT_RGBA, width_, height_, AV_PIX_FMT_YUV420P, SWS_BILINEAR,
                            nullptr, nullptr, nullptr);
    if (!scale_) throw std::runtime_error("video: sws_getContext failed");
  }

  void send(AVFrame* frame) {
    check(avcodec_send_frame(context_, frame), "avcodec_send_frame");
    while (true) {
      const int status = avcodec_receive_packet(context_, packet_);
      if (status == AVERROR(EAGAIN) || status == AVERROR_EOF) return;
      check(status, "avcodec_receive_packet");
      // Each frame lasts 1/fps: without a duration the MP4's edit list ends at the last frame's start and players
      // drop it.
      if (packet_->duration <= 0) packet_->duration = 1;
      av_packet_rescale_ts(packet_, context_->time_base, stream_->time_base);
      packet_->stream_index = stream_->index;
      check(av_interleaved_write_frame(format_, packet_), "av_interleaved_write_frame");
    }
  }

  void release() {
    if (scale_) sws_freeContext(scale_), scale_ = nullptr;
    if (packet_) av_packet_free(&packet_);
    if (frame_) av_frame_free(&frame_);
    if (context_) avcodec_free_context(&context_);
    if (format_) avformat_free_context(format_), format_ = nullptr;
    if (io_) {
      av_freep(&io_->buffer);
      avio_context_free(&io_);
    }
  }

  int source_width_, width_, height_, fps_;
  VideoFormat format_kind_ = VideoFormat::Mp4;
  std::string codec_name_;
  MemoryFile file_;
  AVFormatContext* format_ = nullptr;
  AVStream* stream_ = nullptr;
  AVCodecContext* context_ = nullptr;
  AVIOContext* io_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVPacket* packet_ = nullptr;
  SwsContext* scale_ = nullptr;
  std::int64_t next_pts_ = 0;
};

}  // namespace

std::unique_ptr<VideoEncoder> make_av_encoder(VideoFormat format, int width, int height, int fps) {
  av_log_set_level(AV_LOG_ERROR);  // no per-run statistics of libx264 on stderr
  return std::make_unique<AvEncoder>(format, width, height, fps);
}

}  // namespace dlab::gui
