// The ELBO tab and the quality read-outs (panel_quality.h).
//
// [SECTION] Helpers
// [SECTION] The variational bound
// [SECTION] Sample quality
#include "app/gui/panels/panel_quality.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/gui/state/i18n.h"
#include "app/gui/ui/math_text.h"
#include "app/gui/ui/plot.h"
#include "app/gui/ui/widgets.h"

namespace dlab::gui {

namespace {

// ============================================================================================
// [SECTION] Helpers
// ============================================================================================

// A number as the table shows it: 3 decimals, or 3 significant digits when it is tiny (L_T).
std::string value_text(double value) {
  if (!std::isfinite(value)) return "\u2013";
  char text[32];
  if (value != 0 && std::abs(value) < 0.01)
    std::snprintf(text, sizeof text, "%.2e", value);
  else
    std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

// In a narrow column (large UI scales) the number tables have one column and each value goes under its term.
bool number_table_one_column = false;

// One row of a number table: the symbol (math text) and a short meaning on one line, the formula in a tooltip
// over them, and the value beside them (or under them, in one column).
void number_row(const char* symbol, const char* meaning, const char* help, const std::string& value, ImU32 color = 0) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::BeginGroup();
  math_text(symbol, color);
  ImGui::SameLine(0, ImGui::GetFontSize() * 0.6f);
  math_text_wrapped(meaning, colors::kTextDim, " ", ImGui::GetContentRegionAvail().x);
  if (number_table_one_column) {
    ImGui::Indent();
    math_text(value.c_str(), color);
    ImGui::Unindent();
  }
  ImGui::EndGroup();
  if (help) tooltip(help);
  if (number_table_one_column) return;
  ImGui::TableSetColumnIndex(1);
  math_text(value.c_str(), color);
}

// A paragraph in the dim colour, wrapped (math notation, Chinese), with an optional tooltip over all of it.
void note(const std::string& text, const char* help = nullptr) {
  ImGui::BeginGroup();
  math_text_wrapped(text.c_str(), colors::kTextDim);
  ImGui::EndGroup();
  if (help) tooltip(help);
}

// A heading between the parts of the tab.
void heading(const char* text) {
  ImGui::Spacing();
  ImGui::Separator();
  math_text(text, colors::kMarker);
}

bool begin_number_table(const char* id) {
  const float value_width = ImGui::CalcTextSize("-0.000 \u00b1 0.000 ").x;
  // Two columns when the terms keep at least as much room as the values ("∑ Lₜ₋₁" and its meaning), else one.
  number_table_one_column = ImGui::GetContentRegionAvail().x < 2.0f * value_width + ImGui::GetFontSize() * 2.0f;
  const int columns = number_table_one_column ? 1 : 2;
  if (!ImGui::BeginTable(id, columns, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_PadOuterX))
    return false;
  ImGui::TableSetupColumn("term", ImGuiTableColumnFlags_WidthStretch);
  if (columns == 2) ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthFixed, value_width);
  return true;
}

}  // namespace

// ============================================================================================
// [SECTION] The variational bound
// ============================================================================================

void elbo_section(PanelContext& context, const ElboReadout& e, bool images) {
  const char* unit = e.bits ? tr("bits/dim") : tr("nats/dim");
  if (e.state == ReadoutState::Failed) {
    error_text(e.error);
    note(tr("The bound measures a model: choose one that is available (Model section)."));
    return;
  }
  if (e.state == ReadoutState::Computing) {
    const float fraction = e.work > 0 ? static_cast<float>(e.done) / e.work : 0.0f;
    ImGui::ProgressBar(fraction, ImVec2(-1, 0),
                       format_text(tr("computing the bound: %d of %d terms"), e.done, e.work).c_str());
  }
  if (e.t.empty()) {
    if (e.state != ReadoutState::Computing) note(tr("The bound is computed while this tab is shown."));
    return;
  }
  if (e.stale) note(tr("Numbers of the previous settings, until the new ones are in:"));

  // The terms L_{t-1} over t, on a log axis: the bound is spent at small t, where x_t is nearly clean.
  const float font = ImGui::GetFontSize();
  const float height = std::max(font * 8.0f, ImGui::GetContentRegionAvail().y * 0.28f);
  if (plot::BeginPlot(ui_label(tr("Terms L\u209c\u208b\u2081 of the bound over t"), "elbo_terms").c_str(),
                      ImVec2(0, height), plot::kIntegerX | plot::kNoLegend)) {
    plot::SetupAxes("t", unit, plot::kLogY);
    plot::SetupXLimits(0, std::max(e.timesteps, 2));
    plot::Line("L\u209c\u208b\u2081", e.t.data(), e.terms.data(), static_cast<int>(e.t.size()), colors::kSeries[0]);
    char label[32];
    std::snprintf(label, sizeof label, "t = %d", context.shown_t);
    plot::MarkerX(context.shown_t, label);
    plot::EndPlot();
  }
  plot::TitleHelp(tr("L\u209c\u208b\u2081 = KL(q(x\u209c\u208b\u2081 | x\u209c, x\u2080) \u2016 p\u03b8(x\u209c\u208b\u2081 | x\u209c)): "
                     "how far the model's reverse step is from the true posterior at step t, averaged over the data "
                     "(Ho et al. 2020, Eq. 5). Log axis: almost all of the bound is spent at small t, where x\u209c is "
                     "nearly clean and every detail of x\u2080 must be predicted."));

  // The numbers.
  if (begin_number_table("elbo_numbers")) {
    const std::string steps = format_text(tr("steps t = 2..%d"), e.timesteps);
    number_row("L_T", tr("prior"), tr("KL(q(x_T | x\u2080) \u2016 N(0, I)): how far x_T is from the noise sampling "
                                      "starts from. No network involved."),
               value_text(e.prior));
    number_row("\u2211 L\u209c\u208b\u2081", steps.c_str(),
               tr("The sum over the reverse steps of KL(q(x\u209c\u208b\u2081 | x\u209c, x\u2080) \u2016 "
                  "p\u03b8(x\u209c\u208b\u2081 | x\u209c)), the terms plotted above."),
               value_text(e.diffusion));
    number_row("L\u2080", tr("decoder"),
               images ? tr("\u2212log p\u03b8(x\u2080 | x\u2081): the model's Gaussian at t = 1, discretised to the 256 "
                           "pixel values (bins of width 2/255).")
                      : tr("\u2212log N(x\u2080; \u03bc\u03b8(x\u2081, 1), \u03c3\u2081\u00b2) per dimension: the "
                           "model's Gaussian at t = 1, a continuous density."),
               value_text(e.decoder));
    std::string total = value_text(e.total);
    if (std::isfinite(e.total_error) && e.total_error > 0) total += " \u00b1 " + value_text(e.total_error);
    number_row(tr("total"), "\u2265 \u2212log p(x\u2080)",
               tr("The negative ELBO, L_T + \u2211 L\u209c\u208b\u2081 + L\u2080: an upper bound on the negative "
                  "log-likelihood of the data (Ho et al. 2020, Eq. 5)."),
               total, colors::kMarker);
    ImGui::EndTable();
  }
  // What the numbers are: unit, examples, model variance, and for 2D the decoder; the long story in tooltips.
  const char* variance = e.variance == "beta" ? "\u03b2\u209c" : "\u03b2\u0303\u209c";
  note(format_text(tr("%s (D = %d), mean over %lld %s, \u00b1 one standard error; \u03c3\u209c\u00b2 = %s; "
                      "%.1f s."),
                   unit, e.dimensions, static_cast<long long>(e.examples), images ? tr("data images") : tr("data points"),
                   variance, e.seconds),
       tr("The bound is an average over data x\u2080 and noise, so it is estimated; \u00b1 is the standard error of "
          "that estimate. The model p\u03b8(x\u209c\u208b\u2081 | x\u209c) = N(\u03bc\u03b8(x\u209c, t), "
          "\u03c3\u209c\u00b2 I) has the posterior mean at the network's x\u0302\u2080 (Ho et al. 2020, Eq. 7) and a "
          "fixed variance: \u03b2\u209c when the Sampler's DDPM variance is \u03b2\u209c, else \u03b2\u0303\u209c."));
  if (images && e.estimated)
    note(format_text(tr("An estimate from %d of the %d terms L\u209c\u208b\u2081 (spaced geometrically in t): all of "
                        "them take minutes on a CPU (dlab eval --bpd-terms 0)."),
                     static_cast<int>(e.t.size()), std::max(0, e.timesteps - 1)));
  if (!images)
    note(tr("No discretised decoder for points: L\u2080 is a density, so it (and the total) can be negative."),
         tr("For images L\u2080 is the probability of the 256 pixel values (bins of width 2/255), at most 1, so every "
            "term is \u2265 0. A density of continuous points can exceed 1: L\u2080 = \u2212log N(x\u2080; "
            "\u03bc\u03b8(x\u2081, 1), \u03c3\u2081\u00b2) per dimension is negative when \u03c3\u2081 is small. The "
            "total still bounds the negative log-density \u2212log p(x\u2080) from above."));
}

// ============================================================================================
// [SECTION] Sample quality
// ============================================================================================

void point_quality_section(const PointQualityReadout& q, bool reverse_mode) {
  heading(tr("Quality of the samples"));
  if (!reverse_mode) {
    note(tr("Run the reverse process to the end (Reverse on the timeline): its samples are then compared with "
            "fresh data."));
    return;
  }
  if (q.state == ReadoutState::Failed) {
    error_text(q.error);
    return;
  }
  if (q.state != ReadoutState::Ready) {
    note(q.state == ReadoutState::Computing ? tr("measuring the samples...")
                                            : tr("Measured when the reverse run has finished."));
    return;
  }
  if (begin_number_table("point_quality")) {
    number_row(tr("precision"), tr("samples where the data is"), nullptr, value_text(q.precision));
    number_row(tr("recall"), tr("data the samples cover"), nullptr, value_text(q.recall));
    number_row(tr("energy distance"), tr("to the data"), nullptr, value_text(q.energy));
    if (std::isfinite(q.energy_floor))
      number_row(tr("floor"), tr("two draws of the data"), nullptr, value_text(q.energy_floor), colors::kTextDim);
    ImGui::EndTable();
  }
  note(format_text(tr("%lld samples against %s; k = %d."), static_cast<long long>(q.samples),
                   q.reference_note.c_str(), q.k),
       tr("k-NN precision and recall (Kynk\u00e4\u00e4nniemi et al. 2019): around each point a ball reaching its 3rd "
          "nearest neighbour in its own set stands for the support of that set. Precision falls when samples land "
          "where there is no data, recall when part of the data is never generated (a lost mode). The energy "
          "distance (Sz\u00e9kely & Rizzo 2013) compares the whole distributions; two draws of the data are never at "
          "0, so compare it with the floor."));
}

FrechetAction image_quality_section(const ImageQualityReadout& q, bool reverse_mode, bool has_model) {
  FrechetAction action = FrechetAction::None;
  heading(tr("Quality of the samples"));
  if (!has_model) {
    note(tr("No model, no samples to measure."));
    return action;
  }
  // The two Frechet distances side by side, each with its sample count and what real images score at that count.
  // The first column is as wide as its longest label, so no label is cut; the numbers share the rest.
  const std::string grid_label =
      q.grid.samples > 0 ? format_text(tr("%lld (the grid)"), static_cast<long long>(q.grid.samples)) : tr("the grid");
  const std::string estimate_label =
      format_text(tr("%lld (estimate)"), static_cast<long long>(kFrechetEstimateSamples));
  const char* samples_header = tr("samples");
  float label_width = 0;
  for (const char* text : {grid_label.c_str(), estimate_label.c_str(), samples_header})
    label_width = std::max(label_width, ImGui::CalcTextSize(text).x);
  if (ImGui::BeginTable("frechet", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_PadOuterX)) {
    ImGui::TableSetupColumn(samples_header, ImGuiTableColumnFlags_WidthFixed, label_width);
    ImGui::TableSetupColumn(tr("Fr\u00e9chet d\u00b2"), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(tr("real images"), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    const auto row = [](const FrechetReadout& f, const char* what) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(what);
      ImGui::TableSetColumnIndex(1);
      if (f.state == ReadoutState::Ready)
        ImGui::TextUnformatted(value_text(f.distance).c_str());
      else
        ImGui::TextDisabled("\u2013");
      ImGui::TableSetColumnIndex(2);
      if (f.state == ReadoutState::Ready && std::isfinite(f.floor))
        ImGui::TextDisabled("%s", value_text(f.floor).c_str());
      else
        ImGui::TextDisabled("\u2013");
    };
    row(q.grid, grid_label.c_str());
    row(q.estimate, estimate_label.c_str());
    ImGui::EndTable();
  }
  if (!reverse_mode)
    note(tr("The grid is measured when a reverse run has finished (Reverse on the timeline)."));
  else if (q.grid.state == ReadoutState::Computing)
    note(tr("measuring the grid..."));
  error_text(q.grid.error);

  // The larger estimate, in the background.
  const FrechetReadout& est = q.estimate;
  if (est.state == ReadoutState::Computing) {
    const float fraction = est.work > 0 ? static_cast<float>(est.done) / static_cast<float>(est.work) : 0.0f;
    ImGui::ProgressBar(fraction, ImVec2(-ImGui::GetFontSize() * 6.0f, 0),
                       format_text(tr("%lld of %lld images"), static_cast<long long>(est.done),
                                   static_cast<long long>(est.work))
                           .c_str());
    ImGui::SameLine();
    if (ImGui::Button(ui_label(tr("Cancel"), "cancel_estimate").c_str())) action = FrechetAction::Cancel;
  } else {
    if (ImGui::Button(ui_label(tr("Estimate on 1,000 samples"), "estimate").c_str())) action = FrechetAction::Start;
    tooltip(tr("Samples 1,000 images in the background with the current model, sampler and schedule, and measures "
               "their Fr\u00e9chet distance to the test set. With a 1000-step sampler this takes many minutes on a CPU: "
               "a DDIM sampler with few steps is much faster."));
  }
  error_text(est.state == ReadoutState::Failed ? est.error : std::string());
  if (est.state == ReadoutState::Ready)
    note(format_text(tr("The estimate took %.0f s."), est.seconds));
  note(tr("The Fr\u00e9chet distance is biased upwards at small n: even real images score far above 0 (right "
          "column). Compare numbers of the same n only: this is why FID needs thousands of samples."),
       tr("d\u00b2 = |\u03bc\u2081 \u2212 \u03bc\u2082|\u00b2 + Tr(\u03a3\u2081 + \u03a3\u2082 \u2212 "
          "2(\u03a3\u2081\u03a3\u2082)^\u00bd) between Gaussians fitted to the 84 features of a small LeNet classifier "
          "(the FID of Heusel et al. 2017, with the classifier of dlab eval instead of Inception), against the test "
          "set. 'real images': as many training images scored the same way, what a perfect model would get."));
  return action;
}

}  // namespace dlab::gui
