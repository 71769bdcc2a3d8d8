// "Copy as command" (issue 11): the dlab command line of a scene, and why there is none. That the command
// prints the canvas's points is checked end to end in tests/gui/export.cmake (gui_export_command_*).
#include "app/gui/state/dlab_command.h"

#include <gtest/gtest.h>

#include "app/gui/state/controls.h"

namespace dlab::gui {
namespace {

Scene scene_with(std::initializer_list<std::pair<const char*, const char*>> settings) {
  Scene scene;
  for (const auto& [name, value] : settings) set_control(scene, name, value);
  return scene;
}

TEST(DlabCommand, ForwardNamesEverySettingThatChangesThePoints) {
  const Scene scene = scene_with({{"dataset", "moons"}, {"n", "400"}, {"seed", "3"}, {"schedule", "sigmoid"},
                                  {"timesteps", "500"}, {"beta-end", "0.03"}, {"forward-mode", "chain"}});
  const DlabCommand c = dlab_command(scene, 250, ModelSource::Exact, "");
  EXPECT_EQ(c.command,
            "dlab forward --dataset moons --n 400 --t 250 --schedule sigmoid --timesteps 500 --beta-start 0.0001 "
            "--beta-end 0.03 --mode chain --seed 3");
  EXPECT_TRUE(c.why_not.empty());
}

TEST(DlabCommand, ReverseUsesTheSamplerSeedAndEveryStepWhenKIsZero) {
  const Scene scene = scene_with({{"mode", "reverse"}, {"sampler", "ddim"}, {"sample-seed", "9"}, {"schedule", "cosine"},
                                  {"zero-terminal-snr", "true"}});
  const DlabCommand c = dlab_command(scene, 0, ModelSource::Exact, "");
  EXPECT_EQ(c.command,
            "dlab sample --model exact --dataset gmm8 --sampler ddim --steps 1000 --spacing linspace --variance "
            "beta-tilde --eta 0 --schedule cosine --timesteps 1000 --zero-terminal-snr --n 2000 --seed 9");
}

TEST(DlabCommand, PretrainedNetworkIsItsFileQuotedForTheShell) {
  const Scene scene = scene_with({{"mode", "reverse"}, {"steps", "50"}});
  const DlabCommand c = dlab_command(scene, 0, ModelSource::Pretrained, "/models/my gmm8.pt");
  EXPECT_NE(c.command.find("--model '/models/my gmm8.pt' --sampler ddpm --steps 50"), std::string::npos) << c.command;
}

TEST(DlabCommand, SaysWhyWhenNoCommandReproducesTheCanvas) {
  Scene drawn = scene_with({{"data-origin", "drawn"}});
  EXPECT_TRUE(dlab_command(drawn, 0, ModelSource::Exact, "").command.empty());
  EXPECT_NE(dlab_command(drawn, 0, ModelSource::Exact, "").why_not.find("drawn"), std::string::npos);
  const Scene live = scene_with({{"mode", "reverse"}});
  EXPECT_NE(dlab_command(live, 0, ModelSource::Live, "").why_not.find("trained here"), std::string::npos);
  // The empirical optimum: dlab draws the data and x_T with one seed.
  const Scene seeds = scene_with({{"mode", "reverse"}, {"seed", "1"}, {"sample-seed", "2"}, {"n", "500"}});
  EXPECT_NE(dlab_command(seeds, 0, ModelSource::Empirical, "").why_not.find("seed"), std::string::npos);
  const Scene same = scene_with({{"mode", "reverse"}, {"seed", "2"}, {"sample-seed", "2"}, {"n", "500"}});
  EXPECT_NE(dlab_command(same, 0, ModelSource::Empirical, "").command.find("--model empirical --dataset gmm8 --prediction eps"),
            std::string::npos);
}

TEST(DlabCommand, ShellWords) {
  EXPECT_EQ(shell_word("a/b-c_1.csv"), "a/b-c_1.csv");
  EXPECT_EQ(shell_word("it's here"), "'it'\\''s here'");
  EXPECT_EQ(shell_word(""), "''");
}

TEST(DlabCommand, ImageViewSamplesTheClassAndGuidanceIntoAPngGrid) {
  const Scene scene = scene_with({{"view", "images"}, {"mode", "reverse"}, {"sampler", "ddim"}, {"steps", "20"},
                                  {"sample-seed", "4"}, {"class", "3"}, {"guidance", "2.5"}, {"images", "36"}});
  const DlabCommand c = dlab_image_command(scene, "/models/shapes.pt", 10);
  EXPECT_EQ(c.command,
            "dlab sample --model /models/shapes.pt --sampler ddim --steps 20 --spacing linspace --variance beta-tilde "
            "--eta 0 --schedule linear --timesteps 1000 --beta-start 0.0001 --beta-end 0.02 --n 36 --seed 4 --class 3 "
            "--guidance 2.5 --grid-scale 2 --out samples.png");
  // An unconditional model: no class, no guidance; each class in turn (-1) is dlab's default, not a flag.
  EXPECT_EQ(dlab_image_command(scene, "/models/u.pt", 0).command.find("--class"), std::string::npos);
  EXPECT_EQ(dlab_image_command(scene_with({{"mode", "reverse"}, {"class", "-1"}}), "m.pt", 10).command.find("--class"),
            std::string::npos);
}

TEST(DlabCommand, ImageViewSaysWhyNot) {
  EXPECT_NE(dlab_image_command(scene_with({}), "m.pt", 0).why_not.find("forward"), std::string::npos);
  EXPECT_NE(dlab_image_command(scene_with({{"mode", "reverse"}}), "", 0).why_not.find("no image model"),
            std::string::npos);
  const DlabCommand unclipped = dlab_image_command(scene_with({{"mode", "reverse"}, {"clip-x0", "off"}}), "m.pt", 0);
  EXPECT_TRUE(unclipped.command.empty());
  EXPECT_NE(unclipped.why_not.find("clips"), std::string::npos);
}

}  // namespace
}  // namespace dlab::gui
