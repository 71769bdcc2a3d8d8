// Small layout widgets shared by the panels.
#pragma once

#include <string>

namespace dlab::gui {

void row_label(const char* text);              // a label, then the next widget fills the rest of the row
void error_text(const std::string& message);  // red and wrapped; nothing when empty
void dim_text(const std::string& message);    // the disabled text colour, wrapped

}  // namespace dlab::gui
