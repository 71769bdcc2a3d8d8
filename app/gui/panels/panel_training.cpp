// The Training section of the controls: train the MLP denoiser live on the current data in a
// background thread (start, pause, resume, reset), with the learning rate and batch size editable
// while it runs, a sampling preview from snapshots of its EMA weights, and checkpoints saved and
// loaded through a path field. The loss curves are in the plots column's Training tab.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/gui/state/i18n.h"
#include "app/gui/views/points/lab.h"
#include "app/gui/panels/panels.h"

namespace dlab::gui {

void panel_training_section(PanelContext& context) {
  if (!context.lab) return;
  Scene& state = context.state;
  Lab& lab = *context.lab;
  const TrainingStatus status = lab.training_status();

  if (!status.exists)
    dim_text(tr("No network yet: Start trains a small MLP on the data shown."));
  else
    ImGui::TextWrapped(
        "%s", format_text(tr("step %lld   loss %.4f   %.0f steps/s"), static_cast<long long>(status.step),
                          status.loss, status.steps_per_second)
                  .c_str());
  if (status.exists) dim_text(status.device);

  if (!status.running) {
    if (ImGui::Button(ui_label(status.exists ? tr("Resume") : tr("Start"), "start").c_str())) {
      state.requests.training = TrainingRequest::Start;
    }
    tooltip(tr("Train \u03b5_\u03b8 with the simple loss of Ho et al. 2020 (Eq. 14): each step draws data x\u2080, a t "
               "and noise \u03b5, and regresses \u03b5_\u03b8(x\u209c, t) on \u03b5. The model switches to 'trained here', "
               "and a reverse run samples with the snapshot of the weights it started with."));
  } else {
    if (ImGui::Button(ui_label(tr("Pause"), "pause").c_str())) state.requests.training = TrainingRequest::Pause;
    tooltip(tr("Stop after the current step; Resume continues with the same weights and optimiser state."));
  }
  const std::string reset = ui_label(tr("Reset"), "reset"),
                    sample_now = ui_label(tr("Sample again with the latest model"), "sample_now");
  same_line_if_fits(button_width(reset.c_str()), -1.0f, reset.c_str());
  ImGui::BeginDisabled(!status.exists);
  if (ImGui::Button(reset.c_str())) state.requests.training = TrainingRequest::Reset;
  tooltip(tr("Discard the network and its optimiser: the next Start begins from random weights."));
  same_line_if_fits(button_width(sample_now.c_str()), -1.0f, sample_now.c_str());
  if (ImGui::Button(button_label(sample_now).c_str())) {
    lab.training_snapshot();
    state.requests.sample_again = true;
  }
  tooltip(tr("Take the current (EMA) weights now and start the reverse run again with them (a run that has "
             "started keeps the snapshot it began with)."));
  ImGui::EndDisabled();

  row_label(tr("Learning rate"));
  // A slider over log10 of the rate: ImGui's logarithmic slider with a "%e" format treats everything below
  // 10^-precision as zero, so it did not move between 1e-3 and 5e-2 (issue 14).
  float log_rate = std::log10(std::clamp(state.training.learning_rate, 1e-5f, 1e-1f));
  const bool rate_changed = ImGui::SliderFloat("##lr", &log_rate, -5.0f, -1.0f,
                                               format_text("%.1e", state.training.learning_rate).c_str());
  if (rate_changed) state.training.learning_rate = std::pow(10.0f, log_rate);
  bool changed = rate_changed;
  tooltip(tr("Adam's step size, applied from the next step while training runs. Too large and the loss jumps or "
             "diverges (the trainer then restores the last good weights and stops)."));
  row_label(tr("Batch size"));
  changed |= ImGui::SliderInt("##batch", &state.training.batch_size, 16, 4096, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip(tr("Examples (x\u2080, t, \u03b5) per step. Larger batches give a smoother loss and cost more per step."));
  if (changed) lab.training_set(state.training.learning_rate, state.training.batch_size);

  row_label(tr("Checkpoint"));
  ImGui::InputText("##checkpoint", &state.training.checkpoint_path);
  tooltip(tr("A file for the network, its EMA weights, the optimiser state and the loss history (dlab's checkpoint "
             "format, also read by the command line: dlab sample --model PATH)."));
  std::string& file_message = state.drafts.checkpoint_message;
  bool& file_ok = state.drafts.checkpoint_ok;
  ImGui::BeginDisabled(!status.exists);
  if (ImGui::Button(ui_label(tr("Save"), "checkpoint_save").c_str())) {
    std::string error;
    file_ok = lab.training_save(state.training.checkpoint_path, &error);
    file_message = file_ok ? format_text(tr("saved %s"), state.training.checkpoint_path.c_str()) : error;
  }
  ImGui::EndDisabled();
  const std::string load = ui_label(tr("Load"), "checkpoint_load");
  same_line_if_fits(button_width(load.c_str()), -1.0f, load.c_str());
  // Loads on the training thread: the app reports the result here when it is done.
  if (ImGui::Button(load.c_str())) state.requests.load_checkpoint = true;
  tooltip(tr("Load a checkpoint to continue training it here, or to sample with it (model 'trained here')."));
  if (!file_message.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, file_ok ? ImVec4(0.5f, 0.9f, 0.6f, 1) : ImGui::ColorConvertU32ToFloat4(colors::kError));
    ImGui::TextWrapped("%s", file_message.c_str());
    ImGui::PopStyleColor();
  }
  if (!status.message.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colors::kError));
    ImGui::TextWrapped("%s", status.message.c_str());
    ImGui::PopStyleColor();
  }
}

}  // namespace dlab::gui
