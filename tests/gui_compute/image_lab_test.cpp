// The image view's compute layer (ImageLab) driven by a Scene, without a window: the data set and the
// checkpoint load off the UI thread (busy until then), the reverse run restarts without blocking and
// finishes, and a missing checkpoint is reported.
#include <torch/torch.h>

#include "app/gui/views/images/image_lab.h"
#include "tests/gui_compute/compute_test_util.h"

namespace dlab::gui {
namespace {

using test::eventually;
using test::seconds_since;
using test::set;

// Syncs (one "frame" each) until the ImageLab has nothing in flight.
bool sync_until_idle(ImageLab& lab, Scene& scene, const NoiseSchedule& schedule) {
  return eventually([&] {
    lab.sync(scene, schedule);
    return !lab.busy();
  });
}

TEST(ImageLab, DataAndModelLoadOffTheUiThread) {
  ImageLab lab;
  Scene scene;
  scene.main_view = "images";  // the view names are registered by the app's views, not linked here
  set(scene, "image-dataset", "shapes");
  set(scene, "images", "16");
  const NoiseSchedule schedule(scene.schedule);
  const auto start = std::chrono::steady_clock::now();
  lab.sync(scene, schedule);
  EXPECT_LT(seconds_since(start), test::kFrameSeconds);  // the first frame draws without the data
  ASSERT_TRUE(sync_until_idle(lab, scene, schedule));
  EXPECT_TRUE(lab.data_error().empty()) << lab.data_error();
  ASSERT_TRUE(lab.view().x);
  EXPECT_EQ(lab.view().x->count, 16);
  EXPECT_TRUE(lab.has_model()) << lab.model_error();  // assets/models/shapes.pt
  EXPECT_FALSE(lab.model_description().empty());
}

TEST(ImageLab, MissingCheckpointIsReported) {
  ImageLab lab;
  Scene scene;
  scene.main_view = "images";  // the view names are registered by the app's views, not linked here
  set(scene, "image-model", "/nonexistent/model.pt");
  const NoiseSchedule schedule(scene.schedule);
  ASSERT_TRUE(sync_until_idle(lab, scene, schedule));
  EXPECT_FALSE(lab.has_model());
  EXPECT_NE(lab.model_error().find("/nonexistent/model.pt"), std::string::npos) << lab.model_error();
}

TEST(ImageLab, ReverseRestartsWithoutBlockingAndFinishes) {
  ImageLab lab;
  Scene scene;
  scene.main_view = "images";  // the view names are registered by the app's views, not linked here
  set(scene, "image-dataset", "shapes");
  set(scene, "images", "16");
  set(scene, "mode", "reverse");
  set(scene, "sampler", "ddim");
  set(scene, "steps", "10");
  const NoiseSchedule schedule(scene.schedule);
  ASSERT_TRUE(sync_until_idle(lab, scene, schedule));
  ASSERT_TRUE(lab.has_model()) << lab.model_error();
  double slowest = 0;
  for (int i = 0; i < 20; ++i) {  // dragging eta
    scene.sampler.eta = i / 20.0;
    const auto start = std::chrono::steady_clock::now();
    lab.sync(scene, schedule);
    slowest = std::max(slowest, seconds_since(start));
  }
  EXPECT_LT(slowest, 4 * test::kFrameSeconds);  // x_T and its statistics are made on this thread
  ASSERT_TRUE(lab.wait_for_reverse(300 * test::kSlowdown));
  scene.playback.cursor = 10;
  lab.sync(scene, schedule);
  const ReverseStatus status = lab.reverse_status();
  EXPECT_TRUE(status.error.empty()) << status.error;
  EXPECT_EQ(status.frames, 11);
  EXPECT_EQ(lab.step_info().step, 10);
  ASSERT_TRUE(lab.view().x);
  EXPECT_EQ(lab.view().x->count, 16);
}

TEST(ImageLab, ChainIsComputedASlicePerFrame) {
  ImageLab lab;
  Scene scene;
  scene.main_view = "images";  // the view names are registered by the app's views, not linked here
  set(scene, "image-dataset", "shapes");
  set(scene, "images", "64");
  set(scene, "forward-mode", "chain");
  set(scene, "t", "1000");
  const NoiseSchedule schedule(scene.schedule);
  ASSERT_TRUE(sync_until_idle(lab, scene, schedule));
  EXPECT_EQ(lab.step_info().t, 1000);
  const PixelStats stats = lab.pixel_stats();
  EXPECT_NEAR(stats.mean, 0, 0.05);
  EXPECT_NEAR(stats.std, 1, 0.05);
}

}  // namespace
}  // namespace dlab::gui
