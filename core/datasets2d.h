// Toy 2D data sets with the exact definitions of REFERENCE.md section 9, and CSV import.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/choices.h"
#include "core/oracles.h"

namespace dlab {

// n points as a [n, 2] float32 tensor, deterministic for a seed. FashionMnistLatent draws n of the shipped
// VAE's codes (core/latent_diffusion.h) and throws std::runtime_error saying what to install or ship when
// the VAE or Fashion-MNIST is missing.
torch::Tensor sample_dataset(Dataset2D dataset, std::int64_t n, std::uint64_t seed);

// The class of each point of the same draw as sample_dataset(dataset, n, seed), [n] int64, for the sets
// whose points have classes (FashionMnistLatent: the garment); an undefined tensor for the others.
torch::Tensor dataset_labels(Dataset2D dataset, std::int64_t n, std::uint64_t seed);
bool dataset_has_labels(Dataset2D dataset);

// The exact mixture for gmm8 and gmm25; nullopt for the others.
std::optional<GaussianMixture> dataset_mixture(Dataset2D dataset);

// CSV with two numeric columns and an optional header line. Throws std::runtime_error naming the file
// and the line on a malformed row, and on an empty file.
torch::Tensor load_points_csv(const std::string& path);
// Writes "x,y" rows (atomically: temporary file, then rename).
void save_points_csv(const std::string& path, const torch::Tensor& points);
std::string points_to_csv(const torch::Tensor& points);

// A built-in name or the path of a CSV file. For a file, n rows are drawn (with replacement when n
// exceeds the file's rows, without otherwise) with the seed; n <= 0 means all rows as they are.
torch::Tensor resolve_points(const std::string& name_or_path, std::int64_t n, std::uint64_t seed);
bool is_builtin_dataset(const std::string& name);

}  // namespace dlab
