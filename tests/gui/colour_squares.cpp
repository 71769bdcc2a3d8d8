// Writes a small folder of colour PNGs for the image view's colour test (issue 12): 12 images of 28x28, a
// red, green or blue 12x12 square on black at a few positions (4 of each colour).
//
//   dlab_colour_squares DIR
//
// Exit 0 when every file is written; 1 with a message otherwise.

#include <stb_image_write.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), error.message().c_str());
    return 1;
  }
  constexpr int kSize = 28, kSquare = 12;
  const char* names[3] = {"red", "green", "blue"};
  const int corners[4][2] = {{2, 2}, {14, 2}, {2, 14}, {8, 8}};
  for (int colour = 0; colour < 3; ++colour) {
    for (int k = 0; k < 4; ++k) {
      std::vector<unsigned char> rgb(kSize * kSize * 3, 0);
      for (int y = corners[k][1]; y < corners[k][1] + kSquare; ++y)
        for (int x = corners[k][0]; x < corners[k][0] + kSquare; ++x) rgb[(y * kSize + x) * 3 + colour] = 255;
      const std::string path = dir + "/" + names[colour] + "_" + std::to_string(k) + ".png";
      if (!stbi_write_png(path.c_str(), kSize, kSize, 3, rgb.data(), kSize * 3)) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        return 1;
      }
    }
  }
  std::printf("wrote 12 colour squares to %s\n", dir.c_str());
  return 0;
}
