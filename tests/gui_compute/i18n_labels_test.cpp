// The labels of core's LibTorch-side name tables that the window shows (the built-in image data sets' class
// names) are listed for the catalogue in app/gui/state/i18n_core_labels.cpp (the torch-free tables are checked
// in tests/gui_state/i18n_test.cpp). Here, where core/image_datasets.h may be included.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "app/gui/state/i18n.h"
#include "core/image_datasets.h"

namespace dlab::gui {
namespace {

bool listed(const std::string& label) {
  const std::vector<const char*>& labels = enum_labels();
  return std::any_of(labels.begin(), labels.end(), [&](const char* entry) { return label == entry; });
}

TEST(I18nLabels, ImageClassNamesAreListedForTheCatalogue) {
  for (const auto& entry : EnumNames<Shape>::entries)
    EXPECT_TRUE(listed(entry.label)) << "Shape: \"" << entry.label
                                     << "\" is not in app/gui/state/i18n_core_labels.cpp: add N_(\"...\") for it";
  for (const std::string& name : fashion_mnist_class_names())
    EXPECT_TRUE(listed(name)) << "Fashion-MNIST: \"" << name
                              << "\" is not in app/gui/state/i18n_core_labels.cpp: add N_(\"...\") for it";
}

}  // namespace
}  // namespace dlab::gui
