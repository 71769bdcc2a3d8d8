#include "core/image_decode.h"

#include <stb_image.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/text_excerpt.h"

namespace dlab {
namespace {

// The formats the folder loader takes by name (.png, .jpg/.jpeg, .bmp), told by their first bytes; stb_image
// would otherwise also try GIF, PSD, PIC, PNM, HDR and TGA decoders on any file.
const char* format_of(std::string_view bytes) {
  if (bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "png";
  if (bytes.substr(0, 2) == "BM") return "bmp";
  std::size_t i = 0;  // JPEG: SOI, FF D8, possibly after fill bytes FF (as stb reads markers)
  while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) == 0xFF) ++i;
  if (i >= 1 && i < bytes.size() && static_cast<unsigned char>(bytes[i]) == 0xD8) return "jpeg";
  return nullptr;
}

// stb_image 2.27 (Debian 12) builds a Huffman table from a DHT segment without checking that its 16 code
// counts sum to at most 256, and then writes past the table. Every DHT segment stb can reach starts with the
// bytes FF C4: walk each one as stb does (bytes past the end read as 0) and refuse sums over 256.
bool jpeg_huffman_tables_fit(std::string_view bytes) {
  const auto byte = [&](std::size_t i) -> int {
    return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0;
  };
  for (std::size_t at = bytes.find("\xFF\xC4"); at != std::string_view::npos;
       at = bytes.find("\xFF\xC4", at + 1)) {
    long length = (byte(at + 2) << 8 | byte(at + 3)) - 2;
    std::size_t i = at + 4;
    while (length > 0 && i < bytes.size()) {
      int n = 0;
      for (int k = 1; k <= 16; ++k) n += byte(i + k);
      if (n > 256) return false;
      i += 17 + n;
      length -= 17 + n;
    }
  }
  return true;
}

// stb_image grows its buffer for a PNG IDAT chunk to the chunk's declared length (up to 1 GiB) before reading
// it: every chunk up to IEND must fit in the file. A chunk cut inside its length or type is refused here too:
// stb reads the missing bytes as 0 and names the chunk by its type, so a file ending there gave an empty
// reason, "cannot read the image ()" (issue 15). Returns why the chunks cannot be read, or "".
std::string png_chunk_error(std::string_view bytes) {
  std::size_t at = 8;
  while (at < bytes.size()) {
    if (bytes.size() - at < 8) return "corrupt PNG: the file ends inside a chunk header (truncated?)";
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at);
    const std::uint64_t length = std::uint64_t{p[0]} << 24 | p[1] << 16 | p[2] << 8 | p[3];
    if (length + 12 > bytes.size() - at) return "corrupt PNG: a chunk runs past the end of the file";
    for (int i = 4; i < 8; ++i)  // a chunk type is four ASCII letters (PNG specification, section 5.3)
      if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z')))
        return "corrupt PNG: a chunk type is not four letters";
    if (bytes.substr(at + 4, 4) == "IEND") return "";
    at += 12 + length;
  }
  return "corrupt PNG: the file ends before its IEND chunk (truncated?)";
}

// stb_image's reason for a failure: a short word ("bad zlib header") or, for an unknown PNG chunk, the
// chunk's type from the file: quoted escaped, and never empty.
std::string stb_reason() {
  const char* reason = stbi_failure_reason();
  if (!reason || !*reason) return "corrupt or unsupported image data";
  return text_excerpt(reason, 60);
}

// Decoding allocates by the declared size: at most 2^25 pixels (33.5 megapixels, above 8K UHD).
constexpr long long kMaxPixels = 1ll << 25;

}  // namespace

std::vector<std::uint8_t> decode_image(std::string_view bytes, int size, int channels,
                                       const std::string& name) {
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::runtime_error(name + ": cannot read the image (the file is larger than 2 GiB)");
  const char* format = format_of(bytes);
  if (!format) throw std::runtime_error(name + ": cannot read the image (not a PNG, JPEG or BMP file)");
  if (format == std::string_view("jpeg") && !jpeg_huffman_tables_fit(bytes))
    throw std::runtime_error(name +
                             ": cannot read the image (corrupt JPEG: a Huffman table with over 256 codes)");
  if (format == std::string_view("png")) {
    const std::string error = png_chunk_error(bytes);
    if (!error.empty()) throw std::runtime_error(name + ": cannot read the image (" + error + ")");
  }
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int length = static_cast<int>(bytes.size());
  int width = 0, height = 0, file_channels = 0;
  if (stbi_info_from_memory(data, length, &width, &height, &file_channels) &&
      static_cast<long long>(width) * height > kMaxPixels)
    throw std::runtime_error(name + ": cannot read the image (" + std::to_string(width) + "x" +
                             std::to_string(height) + " pixels is too large: at most " +
                             std::to_string(kMaxPixels) + " pixels)");
  std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> pixels(
      stbi_load_from_memory(data, length, &width, &height, &file_channels, channels), &stbi_image_free);
  if (!pixels) throw std::runtime_error(name + ": cannot read the image (" + stb_reason() + ")");
  if (width < 1 || height < 1)  // stb's BMP decoder accepts a height of 0
    throw std::runtime_error(name + ": cannot read the image (it has no pixels: " + std::to_string(width) +
                             "x" + std::to_string(height) + ")");
  const int side = std::min(width, height);
  const int x0 = (width - side) / 2, y0 = (height - side) / 2;
  const stbi_uc* crop = pixels.get() + (static_cast<std::size_t>(y0) * width + x0) * channels;
  std::vector<std::uint8_t> out(static_cast<std::size_t>(size) * size * channels);
  if (!stbir_resize_uint8(crop, side, side, width * channels, out.data(), size, size, 0, channels))
    throw std::runtime_error(name + ": cannot resize the image to " + std::to_string(size) + "x" +
                             std::to_string(size));
  return out;
}

}  // namespace dlab
