#include "core/image_sampling.h"

#include <stdexcept>
#include <string>

#include "core/guidance.h"
#include "core/rng.h"

namespace dlab {

torch::Tensor request_labels(const ModelSpec& spec, const ImageSampleRequest& request) {
  if (request.count < 1) throw std::invalid_argument("sample images: count must be >= 1");
  if (spec.num_classes == 0) {
    if (request.label != -1)
      throw std::invalid_argument(
          "--class: the model is unconditional (trained without labels); omit --class");
    return {};
  }
  if (request.label < -1 || request.label > spec.num_classes)
    throw std::invalid_argument("--class: " + std::to_string(request.label) +
                                " is out of range; allowed: 0.." + std::to_string(spec.num_classes - 1) +
                                " (or " + std::to_string(spec.num_classes) + " for the null label)");
  if (request.label == -1) return torch::arange(request.count, torch::kLong).remainder(spec.num_classes);
  return torch::full({request.count}, request.label, torch::kLong);
}

torch::Tensor starting_noise(const ModelSpec& spec, std::int64_t count, std::uint64_t seed) {
  std::vector<std::int64_t> shape{count};
  shape.insert(shape.end(), spec.data_shape.begin(), spec.data_shape.end());
  Rng rng(seed);
  return rng.normal(shape);
}

torch::Tensor sample_images(const DenoiserNet& net, const torch::Device& device,
                            const NoiseSchedule& schedule, const ImageSampleRequest& request,
                            const StepObserver& observer, const std::atomic<bool>* cancel,
                            const ImageSampleProgress& progress) {
  if (!net) throw std::invalid_argument("sample images: no network");
  if (request.batch < 1) throw std::invalid_argument("sample images: batch must be >= 1");
  const ModelSpec& spec = net->spec();
  const torch::Tensor labels = request_labels(spec, request);
  if (spec.num_classes > 0) validate_guidance_scale(request.guidance);
  const torch::Tensor x_T = starting_noise(spec, request.count, request.seed);
  SamplerConfig config = request.sampler;
  config.prediction = spec.prediction;
  std::vector<torch::Tensor> batches;
  std::int64_t done = 0;
  for (std::int64_t start = 0, index = 0; start < request.count; start += request.batch, ++index) {
    if (cancel && cancel->load()) break;
    const std::int64_t rows = std::min(request.batch, request.count - start);
    Denoiser denoiser;
    if (spec.num_classes == 0) {
      denoiser = make_network_denoiser(net, device);
    } else {
      const torch::Tensor batch_labels = labels.narrow(0, start, rows);
      // The null label asks for the unconditional model; guidance needs a real class.
      denoiser = request.label == spec.num_classes
                     ? make_network_denoiser(net, device)
                     : make_guided_denoiser(net, batch_labels, request.guidance, device);
    }
    config.seed = request.seed + 1 + static_cast<std::uint64_t>(index);
    const SampleResult result =
        sample(schedule, denoiser, x_T.narrow(0, start, rows).to(device), config, observer, cancel);
    if (result.cancelled) break;
    batches.push_back(result.x0.to(torch::kCPU, torch::kFloat).clamp(-1.0, 1.0));
    done += rows;
    if (progress) progress(done, request.count);
  }
  if (batches.empty()) return torch::empty({0}, torch::kFloat);
  return torch::cat(batches, 0);
}

}  // namespace dlab
