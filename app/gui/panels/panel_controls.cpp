// The controls column: data, schedule, forward process, sampler, model, training and view. Every
// widget edits Scene directly and has a tooltip in terms of the DDPM notes; the Lab follows.
//
// [SECTION] Helpers
// [SECTION] Data
// [SECTION] Schedule
// [SECTION] Forward process and sampler
// [SECTION] Model
// [SECTION] View and keys
// [SECTION] Panel
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>

#include "app/gui/state/controls.h"
#include "app/gui/state/i18n.h"
#include "app/gui/ui/enum_combo.h"
#include "app/gui/ui/math_text.h"
#include "app/gui/views/images/image_lab.h"
#include "app/gui/views/view.h"
#include "app/gui/views/points/lab.h"
#include "app/gui/panels/panels.h"
#include "app/gui/ui/widgets.h"

namespace dlab::gui {

// ============================================================================================
// [SECTION] Data
// ============================================================================================

void data_section(PanelContext& context) {
  Scene& state = context.state;
  DataState& data = state.data;
  int origin = static_cast<int>(data.origin);
  ImGui::RadioButton(ui_label(tr("Built-in"), "builtin").c_str(), &origin, static_cast<int>(DataOrigin::Builtin));
  tooltip(tr("The toy 2D distributions of the notes: mixtures of Gaussians (with an exact model), moons, spirals, ..."));
  const std::string csv = ui_label(tr("CSV"), "csv"), draw = ui_label(tr("Draw"), "draw");
  same_line_if_fits(checkbox_width(csv.c_str()), -1.0f, csv.c_str());
  ImGui::RadioButton(csv.c_str(), &origin, static_cast<int>(DataOrigin::Csv));
  tooltip(tr("Your own points: a CSV file with two numeric columns x, y (a header line is allowed)."));
  same_line_if_fits(checkbox_width(draw.c_str()), -1.0f, draw.c_str());
  ImGui::RadioButton(draw.c_str(), &origin, static_cast<int>(DataOrigin::Drawn));
  tooltip(tr("Draw your own data: click or drag on the canvas to place points."));
  if (origin != static_cast<int>(data.origin)) {
    data.origin = static_cast<DataOrigin>(origin);
    state.drawing = data.origin == DataOrigin::Drawn;
  }

  switch (data.origin) {
    case DataOrigin::Builtin:
      row_label(tr("Data set"));
      enum_combo("##dataset", &data.dataset);
      tooltip(tr("q(x\u2080): the distribution to learn. gmm8 and gmm25 are Gaussian mixtures, whose exact score is known."));
      break;
    case DataOrigin::Csv: {
      std::string& path_edit = context.state.drafts.csv_path;
      if (path_edit.empty()) path_edit = data.csv_path;
      row_label(tr("File"));
      ImGui::InputTextWithHint("##csv", "points.csv", &path_edit);
      tooltip(tr("Path of a CSV file with columns x, y. Press Load; an error names the bad line."));
      if (ImGui::Button(ui_label(tr("Load"), "csv_load").c_str())) data.csv_path = path_edit;
      break;
    }
    case DataOrigin::Drawn: {
      ImGui::Checkbox(ui_label(tr("Drawing"), "drawing").c_str(), &state.drawing);
      tooltip(tr("While on, clicks and drags on the canvas add data points (panning needs the right mouse button)."));
      const std::string clear = ui_label(tr("Clear"), "clear_drawn");
      same_line_if_fits(button_width(clear.c_str()), -1.0f, clear.c_str());
      if (ImGui::Button(clear.c_str())) data.drawn_points.clear();
      const std::string count = format_text(tr("%zu points"), data.drawn_points.size() / 2);
      same_line_if_fits(ImGui::CalcTextSize(count.c_str()).x, -1.0f, count.c_str());
      ImGui::TextDisabled("%s", count.c_str());
      break;
    }
  }
  row_label(tr("Points n"));
  ImGui::SliderInt("##n", &data.n, 100, 20000, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip(tr("How many points x\u2080 are drawn from the data set, and how many samples the reverse process makes."));
  row_label(tr("Seed"));
  int seed = static_cast<int>(data.seed);
  if (ImGui::InputInt("##seed", &seed)) data.seed = static_cast<std::uint64_t>(std::max(0, seed));
  tooltip(tr("Seed of the data points and of the forward noise \u03b5: the same seed gives the same picture."));
  if (context.lab) error_text(context.lab->data_error());
}

// ============================================================================================
// [SECTION] Schedule
// ============================================================================================

void schedule_section(PanelContext& context) {
  ScheduleConfig& schedule = context.state.schedule;
  row_label(tr("Schedule"));
  if (enum_combo("##schedule", &schedule.kind) && schedule.kind == ScheduleKind::Custom &&
      schedule.custom_curve.empty())
    schedule.custom_curve = default_custom_curve();
  tooltip(tr("How the noise variance \u03b2\u209c grows with t. Linear: the DDPM paper. Cosine: Nichol & Dhariwal 2021, "
             "slower destruction at small t. Custom: drag the log-SNR curve in the Schedule editor tab."));
  row_label(tr("Steps T"));
  ImGui::SliderInt("##T", &schedule.timesteps, kMinTimesteps, kMaxTimesteps, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip(tr("T, the number of diffusion steps. With the same \u03b2 range, a small T (try 50) leaves x_T far from "
             "N(0, I): watch the KL read-out in the Schedule editor tab."));
  const bool uses_range = schedule.kind == ScheduleKind::Linear || schedule.kind == ScheduleKind::ScaledLinear ||
                          schedule.kind == ScheduleKind::Sigmoid;
  if (uses_range) {
    row_label(tr("\u03b2 start"));
    ImGui::InputDouble("##beta_start", &schedule.beta_start, 0, 0, "%.3g");
    tooltip(tr("\u03b2\u2081, the noise variance of the first step (DDPM: 1e-4). Must lie in (0, 1) and not exceed \u03b2 end."));
    row_label(tr("\u03b2 end"));
    ImGui::InputDouble("##beta_end", &schedule.beta_end, 0, 0, "%.3g");
    tooltip(tr("\u03b2_T, the noise variance of the last step (DDPM: 0.02)."));
  }
  if (schedule.kind == ScheduleKind::Cosine) {
    row_label(tr("Offset s"));
    ImGui::InputDouble("##cosine_s", &schedule.cosine_s, 0, 0, "%.4g");
    tooltip(tr("s of the cosine schedule (Nichol & Dhariwal 2021, Eq. 17): keeps \u03b2 from being tiny near t = 0. Default 0.008."));
  }
  ImGui::Checkbox(checkbox_label(ui_label(tr("Zero terminal SNR"), "zero_terminal_snr")).c_str(),
                  &schedule.zero_terminal_snr);
  tooltip(tr("Rescale so that \u1fb1_T = 0 exactly (Lin et al. 2023, Alg. 1): x_T is pure noise, with no trace of the "
             "data. Samplers clamp \u1fb1_T to 2\u207b\u00b2\u2074 to avoid dividing by zero."));
  error_text(context.schedule_error);
}

// ============================================================================================
// [SECTION] Forward process and sampler
// ============================================================================================

void forward_section(PanelContext& context) {
  row_label(tr("Method"));
  enum_combo("##forward_mode", &context.state.playback.forward_mode);
  tooltip(tr("Closed form: sample x\u209c from q(x\u209c | x\u2080) in one go, each point moving along a fixed \u03b5. "
             "Chain: apply q(x\u209c | x\u209c\u208b\u2081) t times with fresh noise each step. Both give the same "
             "distribution at every t (compare the statistics)."));
  ImGui::Checkbox(checkbox_label(ui_label(tr("Show the other method too"), "compare_forward")).c_str(),
                  &context.state.layers.compare_forward);
  tooltip(tr("Draws the points of the other method at the same t in white, with their mean and covariance: the "
             "closed form and the chain are different random draws of the same distribution q(x\u209c | x\u2080)."));
}

void sampler_section(PanelContext& context) {
  SamplerSettings& sampler = context.state.sampler;
  const int T = context.schedule.timesteps();
  row_label(tr("Sampler"));
  if (enum_combo("##sampler", &sampler.kind)) {
    // Each sampler's own step count and spacing (core/choices.h), as dlab sample uses by default.
    const int k = default_steps(sampler.kind);
    sampler.steps = k >= T ? 0 : k;
    sampler.spacing = default_spacing(sampler.kind);
  }
  tooltip(tr("How x_T is turned back into x\u2080. DDPM: ancestral steps with fresh noise (Ho et al. 2020, Alg. 2). "
             "DDIM: deterministic at \u03b7 = 0 (Song et al. 2021). Euler, Heun, LMS, DPM-Solver++: ODE solvers in "
             "\u03c3 form; DPM-Solver++(2M) SDE adds noise. Choosing a sampler sets its own steps K and spacing "
             "(exponential for DPM-Solver++: measured on gmm8)."));
  row_label(tr("Steps K"));
  int steps = sampler.steps == 0 ? T : std::min(sampler.steps, T);
  if (ImGui::SliderInt("##K", &steps, 1, T, "%d", ImGuiSliderFlags_Logarithmic)) sampler.steps = steps >= T ? 0 : steps;
  tooltip(tr("K \u2264 T: sample on a respaced subsequence of timesteps, with the effective \u03b2\u2032 = 1 \u2212 "
             "\u1fb1\u209c/\u1fb1\u209c\u2032 of each jump (Nichol & Dhariwal 2021). The plots mark the visited t for K \u2264 100."));
  if (sampler.steps != 0) {
    row_label(tr("Spacing"));
    enum_combo("##spacing", &sampler.spacing);
    tooltip(tr("Which K of the T timesteps: linspace (evenly, first and last included), leading (multiples of T/K from 1), "
               "trailing (counted down from T); Karras (\u03c3 spaced by Karras et al. 2022, Eq. 5, \u03c1 = 7) and "
               "exponential (uniform in log \u03c3) place noise levels between the schedule's smallest and largest "
               "\u03c3, each on the nearest timestep."));
  }
  ImGui::BeginDisabled(!sampler_uses_variance(sampler.kind));
  row_label(tr("Variance"));
  enum_combo("##variance", &sampler.variance);
  ImGui::EndDisabled();
  tooltip(tr("DDPM's reverse variance \u03c3\u209c\u00b2: \u03b2\u0303\u209c (posterior, 'fixed small') or \u03b2\u209c ('fixed large'); "
             "'no noise' shows why the noise is needed; 'variance used as std' is a classic bug, labelled as one."));
  ImGui::BeginDisabled(!sampler_uses_eta(sampler.kind));
  row_label(tr("\u03b7 (eta)"));
  // Unset, eta follows the sampler (DDIM 0, Euler ancestral 1); moving the slider sets it.
  float eta = static_cast<float>(sampler.effective_eta());
  if (ImGui::SliderFloat("##eta", &eta, 0.0f, 1.0f, sampler.eta ? "%.2f" : tr("%.2f (default)"))) sampler.eta = eta;
  ImGui::EndDisabled();
  tooltip(tr("DDIM, Euler ancestral and DPM-Solver++(2M) SDE: how much fresh noise each step adds. 0 = deterministic "
             "ODE, 1 = as much as DDPM."));
  row_label(tr("Sample seed"));
  int seed = static_cast<int>(sampler.seed);
  if (ImGui::InputInt("##sample_seed", &seed)) sampler.seed = static_cast<std::uint64_t>(std::max(0, seed));
  tooltip(tr("Seed of x_T ~ N(0, I) and of the sampler's noise z: keep it to compare samplers on the same start."));
  if (context.view) error_text(context.view->reverse_status().error);
}

// ============================================================================================
// [SECTION] Model
// ============================================================================================

void model_section(PanelContext& context) {
  Scene& state = context.state;
  row_label(tr("Model"));
  if (begin_combo("##model", tr(to_label(state.model)))) {
    for (const auto& entry : EnumNames<ModelSource>::entries) {
      const ModelInfo info = context.lab ? context.lab->model_info(entry.value, state) : ModelInfo();
      const bool selected = entry.value == state.model;
      ImGui::BeginDisabled(!info.available && !selected);
      if (ImGui::Selectable(ui_label(tr(entry.label), entry.name).c_str(), selected)) state.model = entry.value;
      ImGui::EndDisabled();
      tooltip(info.description.c_str());
    }
    ImGui::EndCombo();
  }
  tooltip(tr("What predicts the noise \u03b5 in x\u209c. Pretrained: a small MLP shipped with the app. Exact: the true "
             "optimal predictor of a Gaussian mixture. Empirical: the optimal denoiser of the data points themselves "
             "(it memorises them). Trained here: the network of the Training section."));
  if (context.lab) {
    if (context.lab->has_model()) {
      // Wrapped at spaces only (ImGui's TextWrapped breaks after a '.', inside "loss 0.4321", issue 14).
      math_text_wrapped(context.lab->model_description().c_str(), ImGui::GetColorU32(ImGuiCol_TextDisabled));
    }
    else if (state.model == ModelSource::Live && context.lab->training_status().running)
      dim_text(tr("Training has started: the first snapshot of its weights comes within 3 s."));
    else
      error_text(context.lab->model_error());
    // A reverse run keeps the snapshot of live training it started with: say which, and offer the latest.
    const std::int64_t used = context.lab->sampling_snapshot_step(), latest = context.lab->latest_snapshot_step();
    if (state.model == ModelSource::Live && state.playback.mode == LabMode::Reverse && used >= 0) {
      dim_text(format_text(tr("This run samples with the snapshot of training step %lld (latest: %lld)."),
                           static_cast<long long>(used), static_cast<long long>(latest)));
      if (latest != used) {
        if (ImGui::Button(button_label(ui_label(tr("Sample again with the latest model"), "sample_again")).c_str())) {
          context.lab->training_snapshot();
          state.requests.sample_again = true;
        }
        tooltip(tr("Start the reverse run again with the current (EMA) weights of the network being trained."));
      }
    }
  }
}

// ============================================================================================
// [SECTION] View and keys
// ============================================================================================

void sections_after_data(PanelContext& context) {
  const ImGuiTreeNodeFlags open = ImGuiTreeNodeFlags_DefaultOpen;
  if (ImGui::CollapsingHeader(header_label(tr("Noise schedule"), "schedule").c_str(), open)) schedule_section(context);
  if (ImGui::CollapsingHeader(header_label(tr("Forward process"), "forward").c_str())) forward_section(context);
  if (ImGui::CollapsingHeader(header_label(tr("Sampler"), "sampler").c_str(), open)) sampler_section(context);
  if (ImGui::CollapsingHeader(header_label(tr("Model"), "model").c_str(), open)) model_section(context);
  if (ImGui::CollapsingHeader(header_label(tr("Training"), "training").c_str())) panel_training_section(context);
  if (ImGui::CollapsingHeader(header_label(tr("View"), "view").c_str())) view_section(context);
}

void view_section(PanelContext& context) {
  Scene& state = context.state;
  row_label(tr("Point size"));
  ImGui::SliderFloat("##radius", &state.view.point_radius, 1.0f, 8.0f, tr("%.1f px"));
  tooltip(tr("Radius of the points on the canvas (before the UI scale)."));
  ImGui::Checkbox(checkbox_label(ui_label(tr("Colour by origin"), "color_by_origin")).c_str(),
                  &state.layers.color_by_origin);
  tooltip(tr("Colour each point by where it starts (forward) or where it ends (reverse), so you can see which part "
             "of the noise becomes which part of the data."));
  if (ImGui::Button(button_label(ui_label(tr("Reset view"), "reset_view")).c_str())) state.view = ViewState{};
  tooltip(tr("Centre the canvas on (0, 0) at the default zoom (also: double-click the canvas)."));
  dim_text(tr("Space play/pause, \u2190 \u2192 step, Home/End,"));
  dim_text(tr("F full screen; drag to pan, wheel to zoom."));
}

// ============================================================================================
// [SECTION] Scene file
// ============================================================================================

namespace {

void scene_section(PanelContext& context) {
  Scene& state = context.state;
  row_label(tr("File"));
  ImGui::InputTextWithHint("##scene_path", "lecture.json", &state.drafts.scene_path);
  tooltip(tr("A scene file holds every setting of this window (data, schedule, sampler, model, layers, the "
             "timeline's position) as readable JSON; a network trained here is saved beside it. "
             "diffusion-lab --open FILE starts on it."));
  if (ImGui::Button(button_label(ui_label(tr("Save scene"), "save_scene")).c_str()))
    state.requests.scene = SceneRequest::Save;
  tooltip(tr("Write the scene to the file (a network trained here goes to FILE.model.pt beside it)."));
  const std::string open = ui_label(tr("Open scene"), "open_scene");
  same_line_if_fits(button_width(open.c_str()), -1.0f, open.c_str());
  if (ImGui::Button(button_label(open).c_str())) state.requests.scene = SceneRequest::Open;
  tooltip(tr("Replace everything in this window by the scene in the file. A file that cannot be used leaves the "
             "current scene as it is and says which field to fix."));
}

}  // namespace

// ============================================================================================
// [SECTION] Panel
// ============================================================================================

void panel_controls(PanelContext& context, const PanelRect& rect) {
  if (!begin_panel("Controls", rect)) {
    ImGui::End();
    return;
  }
  ImGui::PushFont(context.fonts.heading);
  ImGui::TextUnformatted(tr("Diffusion Lab"));
  ImGui::PopFont();
  if (context.messages && !context.messages->empty()) {
    // The last few messages of actions (a file that could not be loaded, ...), until dismissed.
    auto& messages = *context.messages;
    if (messages.size() > 3) messages.erase(messages.begin(), messages.end() - 3);
    for (const std::string& message : messages) error_text(message);
    if (ImGui::SmallButton(ui_label(tr("Dismiss"), "dismiss").c_str())) messages.clear();
  }
  // What the main canvas shows: one of the registered views, over the same schedule, timeline and sampler.
  Scene& state = context.state;
  bool first = true;
  for (const ViewName& view : view_names()) {
    const std::string label = ui_label(tr(view.label.c_str()), view.name.c_str());
    if (!first) same_line_if_fits(checkbox_width(label.c_str()), -1.0f, label.c_str());
    first = false;
    if (ImGui::RadioButton(label.c_str(), state.main_view == view.name)) state.main_view = view.name;
    tooltip(tr(view.tooltip.c_str()));
  }
  if (context.view) context.view->controls(context);
  if (ImGui::CollapsingHeader(header_label(tr("Scene file"), "scene_file").c_str())) scene_section(context);
  // Lessons (panel_lesson.cpp): open one, make one from what the window shows. Open while a lesson is.
  if (ImGui::CollapsingHeader(
          header_label(tr("Lesson"), "lesson").c_str(),
          context.lesson && context.lesson->is_open() ? ImGuiTreeNodeFlags_DefaultOpen : 0))
    lesson_section(context);
  ImGui::End();
}

}  // namespace dlab::gui
