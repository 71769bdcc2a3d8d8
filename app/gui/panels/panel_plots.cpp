// The plots column: the schedule (beta_t and beta~_t, abar_t, the signal and noise coefficients, SNR),
// the custom schedule editor, the training curves, and the ELBO with the quality of the samples
// (panel_quality.cpp). Every plot marks the current t.
//
// [SECTION] Schedule plots
// [SECTION] Custom curve editor
// [SECTION] Training curves
// [SECTION] Panel
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/gui/panels/panel_quality.h"
#include "app/gui/panels/panels.h"
#include "app/gui/state/i18n.h"
#include "app/gui/ui/plot.h"
#include "app/gui/views/points/lab.h"

namespace dlab::gui {

namespace {

// References: the palette changes while a picture is drawn for print (theme.h).
const ImU32& kBetaColor = colors::kSeries[0];
const ImU32& kBetaTildeColor = colors::kSeries[1];
const ImU32& kSignalColor = colors::kData;
const ImU32& kNoiseColor = colors::kEps;

void marker(const PanelContext& context) {
  char label[32];
  std::snprintf(label, sizeof label, "t = %d", context.shown_t);
  plot::MarkerX(context.shown_t, label);
}

// In reverse mode with few steps, the K timesteps the sampler visits, as thin bands.
void sampling_ticks(const PanelContext& context) {
  if (context.state.playback.mode != LabMode::Reverse) return;
  const auto& ts = context.sampling_timesteps;
  if (ts.empty() || ts.size() > 100) return;
  const double half_width = std::max(0.5, context.schedule.timesteps() / 800.0);
  for (std::size_t i = 0; i < ts.size(); ++i)
    plot::ShadeX(i == 0 ? tr("sampled t") : "##sampled", ts[i] - half_width, ts[i] + half_width, IM_COL32(180, 190, 255, 70));
}

// ============================================================================================
// [SECTION] Schedule plots
// ============================================================================================

void schedule_plots(PanelContext& context) {
  const ScheduleTables& tb = context.tables;
  const int T = context.schedule.timesteps();
  const int n = static_cast<int>(tb.t.size());
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float height = std::max(ImGui::GetFontSize() * 6.0f, (ImGui::GetContentRegionAvail().y - 3 * spacing) / 4.0f);

  if (plot::BeginPlot(ui_label(tr("Noise added per step"), "beta").c_str(), ImVec2(0, height), plot::kIntegerX)) {
    plot::SetupAxes("t", nullptr, plot::kLogY);
    plot::SetupXLimits(0, T);
    sampling_ticks(context);
    // beta~_t wide underneath and beta_t thin on top: where they meet (large t) both stay visible (issue 14).
    plot::Line(tr("\u03b2\u0303\u209c posterior"), tb.t.data(), tb.beta_tilde.data(), n, kBetaTildeColor, 5.0f);
    plot::Line("\u03b2\u209c", tb.t.data(), tb.beta.data(), n, kBetaColor, 2.0f);
    marker(context);
    plot::EndPlot();
  }
  plot::TitleHelp(tr("beta_t is the variance of the noise added at step t: q(x_t | x_t-1) = N(sqrt(1 - beta_t) x_t-1, beta_t I). "
             "beta~_t = beta_t (1 - abar_t-1)/(1 - abar_t) is the variance of the true posterior q(x_t-1 | x_t, x_0), "
             "the smallest sensible reverse-step variance (Ho et al. 2020, Eq. 7). The two meet for large t."));

  if (plot::BeginPlot(ui_label(tr("Signal kept: \u1fb1\u209c = \u220f\u2009\u03b1\u209b"), "alpha_bar").c_str(), ImVec2(0, height), plot::kIntegerX)) {
    plot::SetupAxes("t", nullptr);
    plot::SetupXLimits(0, T);
    plot::SetupYLimits(-0.05, 1.05);
    sampling_ticks(context);
    plot::Line("\u1fb1\u209c", tb.t.data(), tb.alpha_bar.data(), n, colors::kSeries[2]);
    marker(context);
    plot::EndPlot();
  }
  plot::TitleHelp(tr("abar_t = (1 - beta_1)(1 - beta_2)...(1 - beta_t): the fraction of the data's variance left in x_t. "
             "It should fall from 1 to about 0, so that x_T is (almost) pure N(0, I) noise."));

  if (plot::BeginPlot("x\u209c = \u221a\u1fb1\u209c x\u2080 + \u221a(1\u2212\u1fb1\u209c) \u03b5", ImVec2(0, height),
                      plot::kIntegerX)) {
    plot::SetupAxes("t", nullptr);
    plot::SetupXLimits(0, T);
    plot::SetupYLimits(-0.05, 1.05);
    sampling_ticks(context);
    plot::Line(tr("\u221a\u1fb1\u209c signal"), tb.t.data(), tb.sqrt_alpha_bar.data(), n, kSignalColor);
    plot::Line(tr("\u221a(1\u2212\u1fb1\u209c) noise"), tb.t.data(), tb.sqrt_one_minus_alpha_bar.data(), n, kNoiseColor);
    marker(context);
    plot::EndPlot();
  }
  plot::TitleHelp(tr("The two coefficients of the closed form q(x_t | x_0) (Ho et al. 2020, Eq. 4): how much of x_0 and how "
             "much of the noise eps make up x_t. Their squares always add up to 1."));

  if (plot::BeginPlot(ui_label(tr("Signal-to-noise ratio"), "snr").c_str(), ImVec2(0, height), plot::kIntegerX)) {
    plot::SetupAxes("t", nullptr, plot::kLogY);
    plot::SetupXLimits(0, T);
    sampling_ticks(context);
    plot::LineY("##snr1", 1.0, IM_COL32(150, 156, 170, 120));
    plot::Line("SNR\u209c = \u1fb1\u209c/(1\u2212\u1fb1\u209c)", tb.t.data(), tb.snr.data(), n, colors::kSeries[3]);
    marker(context);
    plot::EndPlot();
  }
  plot::TitleHelp(tr("SNR_t = abar_t/(1 - abar_t) on a log axis (Kingma et al. 2021). Above the grey line (SNR = 1) x_t is "
             "mostly signal, below it mostly noise. A good schedule spends its steps evenly in log-SNR."));
}

// ============================================================================================
// [SECTION] Custom curve editor
// ============================================================================================

void curve_editor(PanelContext& context) {
  Scene& state = context.state;
  ScheduleConfig& config = state.schedule;
  const ScheduleTables& tb = context.tables;
  const int T = context.schedule.timesteps();
  const bool custom = config.kind == ScheduleKind::Custom;

  ImGui::TextWrapped("%s", custom ? tr("Drag the points to reshape log-SNR(t). Double-click adds a point; right-click "
                                       "removes one. Every plot and the sampler follow at once.")
                                  : tr("The current schedule's log-SNR. Start a custom curve from it to edit it by hand."));
  if (!custom) {
    if (ImGui::Button(
            button_label(ui_label(tr("Edit a custom curve from this schedule"), "edit_curve")).c_str())) {
      config.custom_curve = curve_from_schedule(context.schedule);
      config.kind = ScheduleKind::Custom;
      config.zero_terminal_snr = false;
    }
    tooltip(tr("Copies six points of the current log-SNR curve into a custom schedule, "
               "abar_t = sigmoid(log-SNR(t/T)), interpolated by a monotone cubic."));
  } else {
    if (ImGui::Button(button_label(ui_label(tr("Reset points"), "reset_points")).c_str()))
      config.custom_curve = default_custom_curve();
    tooltip(tr("Back to the default control points, close to the cosine schedule."));
  }

  const float height = std::max(ImGui::GetFontSize() * 10.0f, ImGui::GetContentRegionAvail().y * 0.62f);
  std::vector<double> xs, ys;
  if (plot::BeginPlot("log-SNR(t) = log(\u1fb1\u209c/(1\u2212\u1fb1\u209c))", ImVec2(0, height),
                      plot::kIntegerX)) {
    plot::SetupAxes("t", nullptr);
    plot::SetupXLimits(0, T);
    plot::SetupYLimits(kCurveMinLogSnr, kCurveMaxLogSnr);
    plot::LineY("##zero", 0.0, IM_COL32(150, 156, 170, 120));
    plot::Line("log-SNR\u209c", tb.t.data(), tb.log_snr.data(), static_cast<int>(tb.t.size()), colors::kSeries[3]);
    if (custom) {
      auto& points = config.custom_curve;
      int remove = -1;
      for (int i = 0; i < static_cast<int>(points.size()); ++i) {
        double x = points[i].u * T, y = points[i].log_snr;
        // The curve stays valid while dragging (core/schedule.h: move_curve_point).
        if (plot::DragPoint(i, &x, &y, colors::kMarker)) move_curve_point(points, i, x / T, y);
        if (plot::IsPlotHovered() && ImGui::IsMouseClicked(1) && points.size() > 2 && i > 0 &&
            i + 1 < static_cast<int>(points.size())) {
          const ImVec2 mouse = plot::MouseData();
          if (std::abs(mouse.x - x) < T * 0.02 && std::abs(mouse.y - y) < 0.8) remove = i;
        }
      }
      if (remove >= 0) remove_curve_point(points, remove);
      if (plot::IsPlotHovered() && ImGui::IsMouseDoubleClicked(0) && !plot::IsDragging()) {
        const ImVec2 mouse = plot::MouseData();
        insert_curve_point(points, static_cast<double>(mouse.x) / T, mouse.y);
      }
    }
    marker(context);
    plot::EndPlot();
  }

  // The "is x_T Gaussian?" read-out.
  const double abar_T = context.schedule.alpha_bar(T);
  ImGui::TextWrapped("\u1fb1_T = %.3g,  log-SNR_T = %.2f", abar_T, context.schedule.log_snr(T));
  if (context.lab) {
    const double kl = context.lab->prior_kl();
    const bool gaussian = kl < 1e-3;
    ImGui::PushStyleColor(ImGuiCol_Text, gaussian ? ImVec4(0.5f, 0.9f, 0.6f, 1) : ImVec4(1.0f, 0.6f, 0.4f, 1));
    ImGui::TextWrapped(gaussian ? tr("x_T is Gaussian: KL(q(x_T | x\u2080) \u2016 N(0, I)) = %.2g nats per dimension")
                                : tr("x_T is NOT Gaussian: KL(q(x_T | x\u2080) \u2016 N(0, I)) = %.2g nats per dimension"),
                       kl);
    ImGui::PopStyleColor();
    tooltip(tr("The prior term L_T of the variational bound (Ho et al. 2020, Eq. 5), averaged over the data: how far "
               "x_T is from the N(0, I) that sampling starts from. Below 0.001 the mismatch is invisible; with "
               "T = 50 and a linear schedule it is not (x_T keeps the data's shape)."));
  }
}

// ============================================================================================
// [SECTION] Training curves
// ============================================================================================

void training_plots(PanelContext& context) {
  if (!context.lab) return;
  const TrainingStatus status = context.lab->training_status();
  if (!status.exists) {
    ImGui::TextWrapped("%s", tr("Start training in the Training section of the controls: the loss appears here as it "
                                "runs, and the loss by timestep shows which noise levels are hard to learn."));
    return;
  }
  const float height = (ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 2) / 2;
  std::vector<double> steps, loss, smoothed, rate_steps, rates;
  context.lab->training_loss(600, &steps, &loss, &smoothed);
  context.lab->training_learning_rates(&rate_steps, &rates);
  if (plot::BeginPlot(ui_label(tr("Training loss"), "loss").c_str(), ImVec2(0, height), plot::kIntegerX)) {
    plot::SetupAxes(tr("step"), nullptr, plot::kLogY);
    // The raw loss dimmed, the smoothed one over it: the trend a class should see through the batch noise.
    plot::Line("L_simple = |\u03b5 \u2212 \u03b5_\u03b8(x\u209c, t)|\u00b2", steps.data(), loss.data(),
               static_cast<int>(steps.size()), (colors::kSeries[0] & 0x00FFFFFFu) | 0x70000000u, 1.5f);
    plot::Line(format_text(tr("smoothed (%d steps)"), static_cast<int>(kLossSmoothingSteps)).c_str(), steps.data(),
               smoothed.data(), static_cast<int>(steps.size()), colors::kSeries[0], 2.5f);
    // Learning-rate changes after the start: a line where each was set, with the new rate.
    for (std::size_t i = 1; i < rate_steps.size(); ++i)
      plot::LineX(i == 1 ? tr("learning rate set") : "##lr", rate_steps[i], colors::kSeries[2],
                  format_text("%.0e", rates[i]).c_str());
    plot::EndPlot();
  }
  plot::TitleHelp(tr("The mean squared error between the noise \u03b5 added to x\u2080 and the network's prediction "
                     "\u03b5_\u03b8(x\u209c, t), averaged over t (Ho et al. 2020, Eq. 14). It does not go to 0: at large t, "
                     "x\u209c says little about \u03b5 for points near each other."));
  std::vector<double> ts, by_t, first;
  context.lab->training_loss_by_t(context.schedule, &ts, &by_t, &first);
  if (plot::BeginPlot(ui_label(tr("Loss by timestep"), "loss_by_t").c_str(), ImVec2(0, height), plot::kIntegerX)) {
    plot::SetupAxes("t", nullptr, plot::kLogY);
    plot::SetupXLimits(0, context.schedule.timesteps());
    // The first steps of training against the most recent ones: what has been learnt, noise level by level.
    plot::Line(tr("first 500 steps"), ts.data(), first.data(), static_cast<int>(ts.size()),
               (colors::kSeries[3] & 0x00FFFFFFu) | 0xA0000000u, 1.5f);
    plot::Line(tr("last 500 steps"), ts.data(), by_t.data(), static_cast<int>(ts.size()), colors::kSeries[1]);
    marker(context);
    plot::EndPlot();
  }
  plot::TitleHelp(tr("The loss by noise level over the last 500 steps, against the first 500 steps of training, placed "
                     "at the t of the current schedule with that log-SNR. Small t (little noise) is the hard part: "
                     "\u03b5 must be read off a nearly clean x\u209c."));
  ImGui::Text(tr("step %lld   loss %.4f   %.0f steps/s"), static_cast<long long>(status.step), status.loss,
              status.steps_per_second);
}

}  // namespace

// ============================================================================================
// [SECTION] Panel
// ============================================================================================

void panel_plots(PanelContext& context, const PanelRect& rect) {
  if (!begin_panel("Plots", rect)) {
    ImGui::End();
    return;
  }
  int& request = context.state.requests.plots_tab;
  int& shown = context.state.plots_tab;
  // Tabs whose names are never cut: in a narrow column they wrap onto a second row (ui/widgets.h).
  if (request >= 0) shown = request;
  const std::vector<std::string> tabs = {ui_label(tr("Schedule"), "schedule"),
                                         ui_label(tr("Schedule editor"), "editor"),
                                         ui_label(tr("Training"), "training"), ui_label(tr("ELBO"), "elbo")};
  shown = tab_rows("plots", tabs, std::clamp(shown, 0, static_cast<int>(tabs.size()) - 1));
  switch (shown) {
    case 0:
      schedule_plots(context);
      break;
    case 1:
      curve_editor(context);
      break;
    case 2:
      training_plots(context);
      break;
    case kPlotsTabElbo:
      if (context.lab) {
        context.lab->request_quality();  // computed on the Lab's workers while this tab is shown
        elbo_section(context, context.lab->elbo(), false);
        point_quality_section(context.lab->quality(), context.state.playback.mode == LabMode::Reverse);
      }
      break;
  }
  request = -1;
  ImGui::End();
}

}  // namespace dlab::gui
