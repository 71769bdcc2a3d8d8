#include "core/image_grid.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>

#include "core/image_datasets.h"

namespace dlab {
namespace {

namespace fs = std::filesystem;

TEST(ImageGrid, TilesRowByRowWithPadding) {
  // Four 2x3 tiles, each filled with its own value, in 3 columns: 2 rows.
  auto images = torch::arange(4, torch::kFloat).div(4).view({4, 1, 1, 1}).expand({4, 1, 2, 3}).contiguous();
  const auto grid = tile_images(images, {3, 1, 1, -1.0f});
  ASSERT_EQ(grid.sizes(), (std::vector<std::int64_t>{1, 2 * 3 + 1, 3 * 4 + 1}));
  EXPECT_EQ(grid[0][1][1].item<float>(), 0.0f);   // tile 0, row 0 column 0
  EXPECT_EQ(grid[0][1][5].item<float>(), 0.25f);  // tile 1
  EXPECT_EQ(grid[0][4][1].item<float>(), 0.75f);  // tile 3, second row
  EXPECT_EQ(grid[0][4][5].item<float>(), -1.0f);  // empty cell keeps the background
  EXPECT_EQ(grid[0][0][0].item<float>(), -1.0f);  // border
  const auto scaled = tile_images(images, {2, 0, 2, 0.0f});
  EXPECT_EQ(scaled.sizes(), (std::vector<std::int64_t>{1, 8, 12}));
  EXPECT_THROW(tile_images(torch::zeros({2, 2, 4, 4})), std::invalid_argument);
}

TEST(ImageGrid, PngRoundTripIsExactOnPixelBytes) {
  const fs::path dir = fs::temp_directory_path() / ("dlab_image_grid_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (int channels : {1, 3}) {
    // Values on the byte grid 2p/255 - 1 survive the PNG round trip exactly.
    auto bytes = torch::randint(0, 256, {5, channels, 7, 9}, torch::TensorOptions().dtype(torch::kLong));
    const auto images = bytes.to(torch::kFloat).div(127.5).sub(1.0);
    const std::string path = (dir / ("grid" + std::to_string(channels) + ".png")).string();
    write_image_grid_png(path, images, {3, 2, 1, -1.0f});
    const auto read = read_png(path);
    const auto expected = tile_images(images, {3, 2, 1, -1.0f});
    ASSERT_EQ(read.sizes(), expected.sizes());
    EXPECT_LT((read - expected).abs().max().item<float>(), 1e-6f);
  }
  // No temporary file left behind; an unwritable path names the file.
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().extension(), ".png") << entry.path();
  try {
    write_image_grid_png((dir / "missing" / "x.png").string(), torch::zeros({1, 1, 4, 4}));
    ADD_FAILURE() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("x.png"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_png((dir / "none.png").string()), std::runtime_error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dlab
