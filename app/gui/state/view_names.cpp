#include "app/gui/state/view_names.h"

#include <algorithm>

namespace dlab::gui {

namespace {
std::vector<ViewName>& names() {
  static std::vector<ViewName> registered;  // filled during static initialisation, read-only afterwards
  return registered;
}
}  // namespace

bool register_view_name(const char* name, const char* label, const char* tooltip, int order) {
  std::vector<ViewName>& all = names();
  if (is_view_name(name)) return true;
  all.push_back({name, label, tooltip, order});
  std::stable_sort(all.begin(), all.end(), [](const ViewName& a, const ViewName& b) { return a.order < b.order; });
  return true;
}

const std::vector<ViewName>& view_names() { return names(); }

bool is_view_name(const std::string& name) {
  const std::vector<ViewName>& all = names();
  return std::any_of(all.begin(), all.end(), [&](const ViewName& view) { return view.name == name; });
}

}  // namespace dlab::gui
