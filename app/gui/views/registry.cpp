#include <vector>

#include "app/gui/views/view.h"

namespace dlab::gui {

namespace {
std::vector<ViewRegistration>& registry() {
  static std::vector<ViewRegistration> views;  // filled during static initialisation
  return views;
}
}  // namespace

bool register_view(const char* name, const char* label, const char* tooltip, int order, ViewFactory make) {
  register_view_name(name, label, tooltip, order);
  registry().push_back({name, make});
  return true;
}

std::vector<std::pair<std::string, std::unique_ptr<View>>> make_views(const ViewServices& services) {
  std::vector<std::pair<std::string, std::unique_ptr<View>>> views;
  for (const ViewName& name : view_names())
    for (const ViewRegistration& registration : registry())
      if (registration.name == name.name) views.emplace_back(name.name, registration.make(services));
  return views;
}

}  // namespace dlab::gui
