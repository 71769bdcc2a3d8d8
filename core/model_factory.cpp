// make_denoiser_net: the one place that maps a ModelSpec to a network.
#include "core/denoiser_net.h"
#include "core/mlp_denoiser.h"

#include <stdexcept>

namespace dlab {

DenoiserNet make_denoiser_net(const ModelSpec& spec) {
  switch (spec.kind) {
    case ModelKind::Mlp:
      return std::make_shared<MlpDenoiserImpl>(spec);
    case ModelKind::UNet:
      break;  // the U-Net branch lands with core/unet.h
  }
  throw std::invalid_argument(std::string("model kind '") + to_name(spec.kind) + "' is not available in this build");
}

}  // namespace dlab
