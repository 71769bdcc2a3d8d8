// Animated GIF through giflib: one local palette per frame (the 256 most frequent colours of the frame
// in 5-5-5 bits; every other colour maps to the nearest of them), looping forever (NETSCAPE2.0).
#include <gif_lib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "app/gui/export/video_encoder.h"

namespace dlab::gui {

namespace {

int write_bytes(GifFileType* gif, const GifByteType* data, int size) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(gif->UserData);
  out->insert(out->end(), data, data + size);
  return size;
}

class GifEncoder final : public VideoEncoder {
 public:
  GifEncoder(int width, int height, int fps) : width_(width), height_(height), fps_(fps) {
    int error = 0;
    gif_ = EGifOpen(&bytes_, write_bytes, &error);
    if (!gif_) throw std::runtime_error(std::string("GIF: ") + GifErrorString(error));
    EGifSetGifVersion(gif_, true);  // GIF89a: delays and the loop extension
    if (EGifPutScreenDesc(gif_, width_, height_, 8, 0, nullptr) == GIF_ERROR) fail();
    // Loop forever: the NETSCAPE2.0 application extension, count 0.
    const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
    const GifByteType loop[] = {1, 0, 0};
    if (EGifPutExtensionLeader(gif_, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(gif_, sizeof app, app) == GIF_ERROR ||
        EGifPutExtensionBlock(gif_, sizeof loop, loop) == GIF_ERROR || EGifPutExtensionTrailer(gif_) == GIF_ERROR)
      fail();
    indices_.resize(static_cast<std::size_t>(width_) * height_);
  }

  ~GifEncoder() override {
    if (gif_) {
      int error = 0;
      EGifCloseFile(gif_, &error);
    }
  }

  void add_frame(const std::uint8_t* rgba) override {
    // Histogram of 5-5-5 colours; the 256 most frequent become the palette.
    std::vector<std::uint32_t> counts(1 << 15, 0);
    const std::size_t pixels = indices_.size();
    for (std::size_t i = 0; i < pixels; ++i) ++counts[key(rgba + 4 * i)];
    std::vector<int> order(1 << 15);
    std::iota(order.begin(), order.end(), 0);
    const std::size_t colours = std::min<std::size_t>(256, std::count_if(counts.begin(), counts.end(), [](std::uint32_t c) { return c > 0; }));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(colours), order.end(),
                      [&](int a, int b) { return counts[a] > counts[b]; });
    ColorMapObject* map = GifMakeMapObject(256, nullptr);
    if (!map) throw std::runtime_error("GIF: out of memory");
    std::array<int, 256 * 3> palette{};
    for (std::size_t c = 0; c < 256; ++c) {
      const int k = c < colours ? order[c] : 0;
      palette[3 * c] = expand((k >> 10) & 31);
      palette[3 * c + 1] = expand((k >> 5) & 31);
      palette[3 * c + 2] = expand(k & 31);
      map->Colors[c].Red = static_cast<GifByteType>(palette[3 * c]);
      map->Colors[c].Green = static_cast<GifByteType>(palette[3 * c + 1]);
      map->Colors[c].Blue = static_cast<GifByteType>(palette[3 * c + 2]);
    }
    // Every colour that occurs maps to its nearest palette entry (exact for the 256 kept).
    std::vector<std::uint8_t> lookup(1 << 15, 0);
    for (int k = 0; k < (1 << 15); ++k) {
      if (!counts[k]) continue;
      const int r = expand((k >> 10) & 31), g = expand((k >> 5) & 31), b = expand(k & 31);
      int best = 0, best_d = 1 << 30;
      for (std::size_t c = 0; c < colours; ++c) {
        const int dr = r - palette[3 * c], dg = g - palette[3 * c + 1], db = b - palette[3 * c + 2];
        const int d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
        if (d < best_d) best_d = d, best = static_cast<int>(c);
        if (d == 0) break;
      }
      lookup[k] = static_cast<std::uint8_t>(best);
    }
    for (std::size_t i = 0; i < pixels; ++i) indices_[i] = lookup[key(rgba + 4 * i)];
    // The frame's delay in 1/100 s, rounded so that the total duration stays frames/fps.
    const long long now = std::llround(100.0 * (frames_ + 1) / fps_), before = std::llround(100.0 * frames_ / fps_);
    const int delay = static_cast<int>(std::max(1LL, now - before));
    GraphicsControlBlock control{};
    control.DisposalMode = DISPOSE_DO_NOT;
    control.DelayTime = delay;
    control.TransparentColor = NO_TRANSPARENT_COLOR;
    GifByteType extension[4];
    const std::size_t length = EGifGCBToExtension(&control, extension);
    const bool ok = EGifPutExtension(gif_, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(length), extension) != GIF_ERROR &&
                    EGifPutImageDesc(gif_, 0, 0, width_, height_, false, map) != GIF_ERROR;
    GifFreeMapObject(map);
    if (!ok) fail();
    for (int y = 0; y < height_; ++y)
      if (EGifPutLine(gif_, indices_.data() + static_cast<std::size_t>(y) * width_, width_) == GIF_ERROR) fail();
    ++frames_;
  }

  std::vector<std::uint8_t> finish() override {
    int error = 0;
    const int status = EGifCloseFile(gif_, &error);
    gif_ = nullptr;
    if (status == GIF_ERROR) throw std::runtime_error(std::string("GIF: ") + GifErrorString(error));
    return std::move(bytes_);
  }

  std::string codec() const override { return "giflib"; }

 private:
  static int key(const std::uint8_t* p) { return ((p[0] >> 3) << 10) | ((p[1] >> 3) << 5) | (p[2] >> 3); }
  static int expand(int five_bits) { return (five_bits << 3) | (five_bits >> 2); }
  [[noreturn]] void fail() { throw std::runtime_error(std::string("GIF: ") + GifErrorString(gif_->Error)); }

  int width_, height_, fps_;
  long long frames_ = 0;
  GifFileType* gif_ = nullptr;
  std::vector<std::uint8_t> bytes_;
  std::vector<GifByteType> indices_;
};

}  // namespace

std::unique_ptr<VideoEncoder> make_gif_encoder(int width, int height, int fps) {
  if (width < 1 || height < 1 || width > 65535 || height > 65535) throw std::runtime_error("GIF: size out of range");
  return std::make_unique<GifEncoder>(width, height, fps);
}

}  // namespace dlab::gui
