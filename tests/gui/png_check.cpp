// Checks a screenshot of diffusion-lab: it exists, has the expected size, is not blank (its pixels
// vary), and optionally differs from (or equals) another screenshot.
//
//   dlab_png_check FILE [--size WxH] [--min-stddev S] [--differs OTHER [--min-changed F]] [--same OTHER]
//                       [--border R G B F] [--min-mean L] [--colour F] [--gray F]
//
// --border: at least a fraction F of the pixels of the picture's 2-pixel edge are within 16 of colour (R, G,
// B) (a picture for print has a white background); --min-mean: the mean luminance is at least L (mostly
// light); --colour: a colour picture (issue 12): for each of R, G and B, at least a fraction F of the pixels
// have that channel above both others by more than 24 (a grayscale picture has R = G = B everywhere); --gray:
// for each channel at most a fraction F of the pixels (the window's own coloured widgets).
//
// Exit 0 when every check passes; 1 with a message naming the failed check otherwise.
#include <stb_image.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct Image {
  int width = 0, height = 0;
  unsigned char* pixels = nullptr;  // RGB
  ~Image() { stbi_image_free(pixels); }
};

bool load(const char* path, Image* image) {
  int channels = 0;
  image->pixels = stbi_load(path, &image->width, &image->height, &channels, 3);
  if (!image->pixels) {
    std::fprintf(stderr, "FAIL: cannot read %s as an image (%s)\n", path, stbi_failure_reason());
    return false;
  }
  return true;
}

// The fraction of pixels whose colour differs by more than 24 (of 255) in some channel.
double changed_fraction(const Image& a, const Image& b) {
  const long n = static_cast<long>(a.width) * a.height;
  long changed = 0;
  for (long i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c)
      if (std::abs(a.pixels[3 * i + c] - b.pixels[3 * i + c]) > 24) {
        ++changed;
        break;
      }
  return static_cast<double>(changed) / n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [--size WxH] [--min-stddev S] [--differs OTHER [--min-changed F]] [--same OTHER] [--close OTHER F] [--scale-of OTHER K]\n", argv[0]);
    return 2;
  }
  Image image;
  if (!load(argv[1], &image)) return 1;
  double min_stddev = 8.0, min_changed = 0.002, min_mean = -1.0;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--min-mean") && i + 1 < argc) min_mean = std::atof(argv[++i]);
    if (!std::strcmp(argv[i], "--min-changed") && i + 1 < argc) min_changed = std::atof(argv[++i]);
    if (!std::strcmp(argv[i], "--min-stddev") && i + 1 < argc) min_stddev = std::atof(argv[++i]);
  }
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--size" && i + 1 < argc) {
      int w = 0, h = 0;
      std::sscanf(argv[++i], "%dx%d", &w, &h);
      if (image.width != w || image.height != h) {
        std::fprintf(stderr, "FAIL: %s is %dx%d, expected %dx%d\n", argv[1], image.width, image.height, w, h);
        return 1;
      }
    } else if (flag == "--scale-of" && i + 2 < argc) {  // --scale-of OTHER K: exactly K times OTHER's size
      Image other;
      if (!load(argv[++i], &other)) return 1;
      const int k = std::atoi(argv[++i]);
      if (image.width != k * other.width || image.height != k * other.height) {
        std::fprintf(stderr, "FAIL: %s is %dx%d, expected %d x %s's %dx%d = %dx%d\n", argv[1], image.width, image.height,
                     k, argv[i - 1], other.width, other.height, k * other.width, k * other.height);
        return 1;
      }
    } else if (flag == "--differs" && i + 1 < argc) {
      Image other;
      if (!load(argv[++i], &other)) return 1;
      if (other.width != image.width || other.height != image.height) continue;  // different sizes differ
      const double changed = changed_fraction(image, other);
      std::printf("%s vs %s: %.2f%% of the pixels changed\n", argv[1], argv[i], 100 * changed);
      if (changed < min_changed) {
        std::fprintf(stderr, "FAIL: %s and %s should differ (only %.3f%% changed, need %.3f%%)\n", argv[1], argv[i],
                     100 * changed, 100 * min_changed);
        return 1;
      }
    } else if (flag == "--close" && i + 2 < argc) {  // --close OTHER F: at most a fraction F of the pixels differ
      Image other;
      if (!load(argv[++i], &other)) return 1;
      const double most = std::atof(argv[++i]);
      if (other.width != image.width || other.height != image.height) {
        std::fprintf(stderr, "FAIL: %s and %s differ in size\n", argv[1], argv[i - 1]);
        return 1;
      }
      const double changed = changed_fraction(image, other);
      std::printf("%s vs %s: %.3f%% of the pixels differ\n", argv[1], argv[i - 1], 100 * changed);
      if (changed > most) {
        std::fprintf(stderr, "FAIL: %s and %s should look the same (%.3f%% of the pixels differ, at most %.3f%%)\n",
                     argv[1], argv[i - 1], 100 * changed, 100 * most);
        return 1;
      }
    } else if (flag == "--same" && i + 1 < argc) {
      Image other;
      if (!load(argv[++i], &other)) return 1;
      if (other.width != image.width || other.height != image.height || changed_fraction(image, other) > 0.0) {
        std::fprintf(stderr, "FAIL: %s and %s should be identical\n", argv[1], argv[i]);
        return 1;
      }
    } else if (flag == "--border" && i + 4 < argc) {
      const int want[3] = {std::atoi(argv[i + 1]), std::atoi(argv[i + 2]), std::atoi(argv[i + 3])};
      const double min_fraction = std::atof(argv[i + 4]);
      i += 4;
      long edge = 0, matching = 0;
      for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) {
          if (x >= 2 && y >= 2 && x < image.width - 2 && y < image.height - 2) continue;
          const unsigned char* p = image.pixels + 3 * (static_cast<long>(y) * image.width + x);
          ++edge;
          matching += std::abs(p[0] - want[0]) <= 16 && std::abs(p[1] - want[1]) <= 16 &&
                      std::abs(p[2] - want[2]) <= 16;
        }
      const double fraction = edge > 0 ? static_cast<double>(matching) / edge : 0.0;
      std::printf("%s: %.1f%% of the edge pixels are (%d, %d, %d)\n", argv[1], 100 * fraction, want[0],
                  want[1], want[2]);
      if (fraction < min_fraction) {
        std::fprintf(stderr, "FAIL: only %.1f%% of %s's edge pixels are (%d, %d, %d), need %.1f%%\n",
                     100 * fraction, argv[1], want[0], want[1], want[2], 100 * min_fraction);
        return 1;
      }
    } else if ((flag == "--colour" || flag == "--gray") && i + 1 < argc) {
      const double bound = std::atof(argv[++i]);
      const long n = static_cast<long>(image.width) * image.height;
      long dominant[3] = {0, 0, 0};
      for (long p = 0; p < n; ++p) {
        const unsigned char* rgb = image.pixels + 3 * p;
        for (int c = 0; c < 3; ++c)
          dominant[c] += rgb[c] > rgb[(c + 1) % 3] + 24 && rgb[c] > rgb[(c + 2) % 3] + 24;
      }
      std::printf("%s: %.1f%% red, %.1f%% green, %.1f%% blue pixels\n", argv[1], 100.0 * dominant[0] / n,
                  100.0 * dominant[1] / n, 100.0 * dominant[2] / n);
      const bool colour = flag == "--colour";
      const char* names[3] = {"red", "green", "blue"};
      for (int c = 0; c < 3; ++c) {
        const double fraction = static_cast<double>(dominant[c]) / n;
        if (colour ? fraction < bound : fraction > bound) {
          std::fprintf(stderr, "FAIL: %s has too %s %s pixels (%.2f%% %s %.2f%%): not a %s picture\n", argv[1],
                       colour ? "few" : "many", names[c], 100 * fraction, colour ? "<" : ">", 100 * bound,
                       colour ? "colour" : "gray");
          return 1;
        }
      }
    } else if (flag == "--min-mean" && i + 1 < argc) {
      ++i;  // checked below, with the luminance
    } else if (flag == "--min-stddev" || flag == "--min-changed") {
      ++i;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  // Not blank: the luminance must vary (a black or single-colour window has standard deviation 0).
  const long n = static_cast<long>(image.width) * image.height;
  double sum = 0, sum_sq = 0;
  for (long i = 0; i < n; ++i) {
    const double y = 0.299 * image.pixels[3 * i] + 0.587 * image.pixels[3 * i + 1] + 0.114 * image.pixels[3 * i + 2];
    sum += y;
    sum_sq += y * y;
  }
  const double mean = sum / n;
  const double stddev = std::sqrt(std::max(0.0, sum_sq / n - mean * mean));
  std::printf("%s: %dx%d, luminance mean %.1f, standard deviation %.1f\n", argv[1], image.width, image.height, mean, stddev);
  if (stddev < min_stddev) {
    std::fprintf(stderr, "FAIL: %s looks blank (luminance standard deviation %.2f < %.2f)\n", argv[1], stddev, min_stddev);
    return 1;
  }
  if (mean < min_mean) {
    std::fprintf(stderr, "FAIL: %s is darker than expected (luminance mean %.1f < %.1f)\n", argv[1], mean,
                 min_mean);
    return 1;
  }
  return 0;
}
