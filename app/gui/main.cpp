// diffusion-lab: the desktop app. See README.md, "The desktop app".
#include <cstdio>
#include <exception>

#include "app/gui/shell/app.h"
#include "app/gui/shell/options.h"

int main(int argc, char** argv) {
  dlab::gui::Options options;
  const int early_exit = dlab::gui::parse_options(argc, argv, &options);
  if (early_exit >= 0) return early_exit;
  try {
    dlab::gui::App app(options);
    return app.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
