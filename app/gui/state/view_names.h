// The names of the views (2D points, images, ...), for the `view` control, flags, scripts and scene
// files. Each view registers its name when it registers itself (views/view.h), so adding a view touches
// only its own folder; the state layer never lists them.
#pragma once

#include <string>
#include <vector>

namespace dlab::gui {

struct ViewName {
  std::string name;   // "points": flags, scripts, scene files
  std::string label;  // "2D points": the window
  std::string tooltip;  // what the view shows, in terms of the notes
  int order = 0;      // position in the view switch
};

// Registers a name (idempotent for the same name). Returns true, for static registration.
bool register_view_name(const char* name, const char* label, const char* tooltip, int order);
// The registered names, by order.
const std::vector<ViewName>& view_names();
bool is_view_name(const std::string& name);

}  // namespace dlab::gui
