// Precompiled header shared by every target that includes LibTorch (see CMakeLists.txt).
#pragma once
#include <torch/torch.h>
