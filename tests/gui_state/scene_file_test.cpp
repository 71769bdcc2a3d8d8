// Scene files (app/gui/state/scene_file.h): round trips, relative paths, and one clear error per problem.
#include "app/gui/state/scene_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/gui/state/controls.h"
#include "app/gui/state/view_names.h"

namespace dlab::gui {
namespace {

namespace fs = std::filesystem;

// The app's views register their names themselves (views/view.h); these tests link no views.
const bool kViewsRegistered = register_view_name("points", "2D points", "", 0) &&
                              register_view_name("images", "Images", "", 1);

std::string error_of(const std::string& text, const std::string& file = "lesson.json") {
  try {
    scene_from_json(text, file);
  } catch (const SceneFileError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string minimal(const std::string& fields) {
  return R"({"format": "diffusion-lab-scene", "version": 1)" + (fields.empty() ? "" : ", " + fields) + "}";
}

Scene lecture_scene() {
  Scene scene;
  set_control(scene, "dataset", "moons");
  set_control(scene, "n", "3000");
  set_control(scene, "seed", "7");
  set_control(scene, "schedule", "custom");
  set_control(scene, "timesteps", "500");
  set_control(scene, "mode", "reverse");
  set_control(scene, "sampler", "ddim");
  set_control(scene, "steps", "50");
  set_control(scene, "spacing", "trailing");
  set_control(scene, "eta", "0.25");
  set_control(scene, "sample-seed", "12345678901");
  set_control(scene, "model", "empirical");
  set_control(scene, "layer-trajectories", "on");
  set_control(scene, "follow", "17");
  set_control(scene, "zoom", "2.5");
  set_control(scene, "lr", "0.003");
  set_control(scene, "plots", "editor");
  set_control(scene, "guidance", "3.5");
  set_control(scene, "image-colour", "on");  // issue 12
  scene.playback.cursor = 20;
  scene.view.center_x = 0.5f;
  scene.view.center_y = -1.25f;
  scene.schedule.custom_curve = {{0.0, 9.0}, {0.4, 1.5}, {1.0, -11.0}};
  return scene;
}

TEST(SceneFile, ViewsAreTheRegisteredOnes) {
  ASSERT_TRUE(kViewsRegistered);
  Scene scene;
  set_control(scene, "view", "images");
  EXPECT_EQ(scene.main_view, "images");
  EXPECT_NE(error_of(minimal(R"("settings": {"view": "latent"})"))
                .find("lesson.json: settings.view: unknown value 'latent'; allowed: points, images"),
            std::string::npos);
}

TEST(SceneFile, DefaultSceneRoundTrips) {
  const std::string text = scene_to_json(Scene{}, "scene.json");
  EXPECT_NE(text.find("\"format\": \"diffusion-lab-scene\""), std::string::npos);
  EXPECT_NE(text.find("\"version\": 1"), std::string::npos);
  EXPECT_NE(text.find("\"lr\": 0.001,"), std::string::npos) << "floats are written short: " << text;
  EXPECT_EQ(scene_to_json(scene_from_json(text, "scene.json"), "scene.json"), text);
}

TEST(SceneFile, EverySettingRoundTrips) {
  const Scene scene = lecture_scene();
  const std::string text = scene_to_json(scene, "scene.json");
  const Scene back = scene_from_json(text, "scene.json");
  EXPECT_EQ(scene_to_json(back, "scene.json"), text);
  EXPECT_EQ(back.data.dataset, Dataset2D::Moons);
  EXPECT_EQ(back.data.n, 3000);
  EXPECT_EQ(back.schedule.kind, ScheduleKind::Custom);
  EXPECT_EQ(back.schedule.timesteps, 500);
  ASSERT_EQ(back.schedule.custom_curve.size(), 3u);
  EXPECT_EQ(back.schedule.custom_curve[1].log_snr, 1.5);
  EXPECT_EQ(back.playback.mode, LabMode::Reverse);
  EXPECT_EQ(back.playback.cursor, 20.0);
  EXPECT_EQ(back.sampler.kind, SamplerKind::Ddim);
  EXPECT_EQ(back.sampler.spacing, Spacing::Trailing);
  EXPECT_EQ(back.sampler.eta, 0.25);
  EXPECT_EQ(back.sampler.seed, 12345678901u);
  EXPECT_EQ(back.model, ModelSource::Empirical);
  EXPECT_TRUE(back.layers.trajectories);
  EXPECT_EQ(back.followed_point, 17);
  EXPECT_EQ(back.view.half_height, 2.5f);
  EXPECT_EQ(back.view.center_y, -1.25f);
  EXPECT_EQ(back.training.learning_rate, 0.003f);
  EXPECT_EQ(back.plots_tab, 1);
  EXPECT_EQ(back.images.guidance, 3.5);
  EXPECT_TRUE(back.images.colour);
  EXPECT_NE(text.find("\"image-colour\": true"), std::string::npos);
}

TEST(SceneFile, TheElboTabIsSavedByName) {
  // The plots column's fourth tab (the ELBO and the quality of the samples) is the control value "elbo".
  Scene scene;
  set_control(scene, "plots", "elbo");
  EXPECT_EQ(scene.plots_tab, kPlotsTabElbo);
  const std::string text = scene_to_json(scene, "scene.json");
  EXPECT_NE(text.find("\"plots\": \"elbo\""), std::string::npos);
  EXPECT_EQ(scene_from_json(text, "scene.json").plots_tab, kPlotsTabElbo);
  EXPECT_THROW(set_control(scene, "plots", "bound"), std::invalid_argument);
}

TEST(SceneFile, EtaFollowsTheSamplerUntilSet) {
  Scene scene;
  set_control(scene, "sampler", "ddim");
  EXPECT_EQ(scene.sampler.effective_eta(), 0.0);  // deterministic DDIM, as dlab
  set_control(scene, "sampler", "euler-a");
  EXPECT_EQ(scene.sampler.effective_eta(), 1.0);
  EXPECT_NE(scene_to_json(scene, "a.json").find("\"eta\": \"default\""), std::string::npos);
  set_control(scene, "eta", "0.3");
  set_control(scene, "sampler", "ddim");
  EXPECT_EQ(scene.sampler.effective_eta(), 0.3);  // a given eta stays
  EXPECT_EQ(scene_from_json(scene_to_json(scene, "a.json"), "a.json").sampler.effective_eta(), 0.3);
  set_control(scene, "eta", "default");
  EXPECT_EQ(scene.sampler.effective_eta(), 0.0);
  EXPECT_THROW(set_control(scene, "eta", "1.5"), std::invalid_argument);
}

TEST(SceneFile, DrawnPointsAreInline) {
  Scene scene;
  set_control(scene, "draw", "on");
  scene.data.drawn_points = {0.5f, 1.0f, -2.0f, 0.25f};
  set_control(scene, "draw", "off");  // drawing stops; the data stay the drawn points
  const std::string text = scene_to_json(scene, "scene.json");
  EXPECT_NE(text.find("\"drawn_points\""), std::string::npos);
  const Scene back = scene_from_json(text, "scene.json");
  EXPECT_EQ(back.data.origin, DataOrigin::Drawn);
  EXPECT_FALSE(back.drawing);
  EXPECT_EQ(back.data.drawn_points, scene.data.drawn_points);
}

TEST(SceneFile, RequestsAndDraftsAreNotSaved) {
  Scene scene;
  set_control(scene, "training", "on");
  set_control(scene, "t", "300");
  scene.drafts.csv_path = "half typed";
  const std::string text = scene_to_json(scene, "scene.json");
  EXPECT_EQ(text, scene_to_json(Scene{}, "scene.json"));
  // Every control but these requests is saved, and the language once it is set.
  std::size_t saved = saved_controls(Scene{}).size();
  EXPECT_EQ(saved + 3, control_names().size());
  set_control(scene, "lang", "zh");
  EXPECT_EQ(saved_controls(scene).size(), saved + 1);
  // A file with the language opens in it; one without keeps the window's (the app's open_scene).
  const Scene back = scene_from_json(scene_to_json(scene, "scene.json"), "scene.json");
  EXPECT_EQ(back.language, Language::Zh);
  EXPECT_FALSE(scene_from_json(scene_to_json(Scene{}, "scene.json"), "scene.json").language.has_value());
}

TEST(SceneFile, PathsAreRelativeToTheSceneFile) {
  Scene scene;
  set_control(scene, "dataset", "lectures/data/points.csv");
  set_control(scene, "image-model", "lectures/models/unet.pt");
  const std::string text = scene_to_json(scene, "lectures/week1.json");
  EXPECT_NE(text.find("\"dataset\": \"data/points.csv\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"image-model\": \"models/unet.pt\""), std::string::npos) << text;
  // Read back from the same place: the paths the app uses again.
  const Scene back = scene_from_json(text, "lectures/week1.json");
  EXPECT_EQ(back.data.origin, DataOrigin::Csv);
  EXPECT_EQ(back.data.csv_path, "lectures/data/points.csv");
  EXPECT_EQ(back.images.model_path, "lectures/models/unet.pt");
  // The shipped model is referenced by name, never by path.
  EXPECT_NE(scene_to_json(Scene{}, "x.json").find("\"image-model\": \"shipped\""), std::string::npos);
}

TEST(SceneFile, SettingsMayComeInAnyOrder) {
  // data-origin after dataset in the registry, whatever the file says.
  const Scene scene = scene_from_json(
      minimal(R"("settings": {"data-origin": "drawn", "dataset": "gmm25"}, "drawn_points": [[1, 2]])"), "a.json");
  EXPECT_EQ(scene.data.origin, DataOrigin::Drawn);
  EXPECT_EQ(scene.data.dataset, Dataset2D::Gmm25);
}

TEST(SceneFile, ErrorsNameTheFileAndTheField) {
  EXPECT_EQ(error_of("{\"format\": "), "lesson.json: not a scene file (invalid JSON at byte 12); save one from the "
                                        "window or with --save-scene");
  EXPECT_NE(error_of("[1, 2]").find("lesson.json: not a scene file"), std::string::npos);
  EXPECT_NE(error_of(R"({"format": "something-else", "version": 1})").find("lesson.json: format: expected"),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"format": "diffusion-lab-scene", "version": 2})"),
            "lesson.json: version: version 2 was written by a newer Diffusion Lab; this one reads version 1");
  EXPECT_NE(error_of(R"({"format": "diffusion-lab-scene"})").find("lesson.json: version: expected an integer"),
            std::string::npos);
  EXPECT_NE(error_of(minimal(R"("colour": "red")")).find("lesson.json: 'colour': unknown field"), std::string::npos);
  EXPECT_NE(error_of(minimal(R"("settings": {"sampler": "fast"})"))
                .find("lesson.json: settings.sampler: unknown value 'fast'; allowed: ddpm"),
            std::string::npos);
  EXPECT_NE(error_of(minimal(R"("settings": {"n": 0})")).find("lesson.json: settings.n: 0 is outside 1..20000"),
            std::string::npos);
  EXPECT_NE(error_of(minimal(R"("settings": {"wings": 2})")).find("settings.'wings': unknown setting"),
            std::string::npos);
  EXPECT_NE(error_of(minimal(R"("settings": {"n": [1]})")).find("settings.n: expected a string, a number"),
            std::string::npos);
  EXPECT_NE(error_of(minimal(R"("drawn_points": [[1, "a"]])")).find("drawn_points[0]: expected a number"),
            std::string::npos);
  EXPECT_NE(error_of(minimal(R"("custom_curve": [[0, 1], [1, 2]])")).find("lesson.json: custom_curve: "),
            std::string::npos);
  EXPECT_NE(error_of(minimal(R"("cursor": -3)")).find("cursor: expected a frame number"), std::string::npos);
  // Numbers beyond double's range (found by fuzzing: nlohmann's out_of_range escaped as another exception).
  EXPECT_NE(error_of("5E3760").find("lesson.json: not a scene file (a number is out of range)"), std::string::npos);
  EXPECT_NE(error_of(R"({"format": "diffusion-lab-scene", "version": 1e400})").find("lesson.json: not a scene file"),
            std::string::npos);
  // A hostile value is quoted short, without control characters.
  const std::string long_name(100000, 'x');
  const std::string message = error_of(minimal("\"" + long_name + "\\u0007\": 1"));
  EXPECT_LT(message.size(), 300u);
}

TEST(SceneFile, LoadChecksTheFilesItNames) {
  const fs::path folder = fs::temp_directory_path() / "dlab_scene_file_test";
  fs::create_directories(folder);
  const std::string path = (folder / "week1.json").string();
  Scene scene;
  set_control(scene, "image-model", (folder / "missing.pt").string());
  save_scene(path, scene);
  try {
    load_scene(path);
    FAIL() << "a missing model must be an error";
  } catch (const SceneFileError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": settings.image-model: the model '" + (folder / "missing.pt").string() +
                                         "' does not exist");
  }
  EXPECT_THROW(load_scene(folder.string()), SceneFileError);
  EXPECT_THROW(load_scene((folder / "absent.json").string()), SceneFileError);
  save_scene(path, lecture_scene());
  const Scene back = load_scene(path);
  EXPECT_EQ(back.sampler.kind, SamplerKind::Ddim);
  fs::remove_all(folder);
}

}  // namespace
}  // namespace dlab::gui
