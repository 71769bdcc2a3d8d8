#include "core/checkpoint.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/device.h"
#include "core/text_excerpt.h"

namespace dlab {

namespace {

using Json = nlohmann::json;

constexpr const char* kWeightsPrefix = "weights/";
constexpr const char* kEmaPrefix = "ema/";

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

const char* dtype_name(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat: return "float32";
    case torch::kLong: return "int64";
    case torch::kByte: return "uint8";
    default: return nullptr;
  }
}

std::optional<torch::ScalarType> dtype_from_name(const std::string& name) {
  if (name == "float32") return torch::kFloat;
  if (name == "int64") return torch::kLong;
  if (name == "uint8") return torch::kByte;
  return std::nullopt;
}

// ---- JSON of the configuration types ------------------------------------------------------------

Json to_json(const ModelSpec& spec) {
  return Json{{"kind", to_name(spec.kind)},           {"prediction", to_name(spec.prediction)},
              {"data_shape", spec.data_shape},         {"hidden", spec.hidden},
              {"depth", spec.depth},                   {"embedding_dim", spec.embedding_dim},
              {"num_classes", spec.num_classes},       {"attention", spec.attention}};
}

template <class E>
E enum_field(const Json& object, const char* key, const std::string& where) {
  // Names are short: a long value is cut before the message quotes it.
  return parse_name<E>(text_excerpt(object.at(key).get<std::string>(), 60), where + "." + key);
}

ModelSpec model_spec_from_json(const Json& json) {
  ModelSpec spec;
  spec.kind = enum_field<ModelKind>(json, "kind", "model");
  spec.prediction = enum_field<Prediction>(json, "prediction", "model");
  spec.data_shape = json_integer_array<std::int64_t>(json.at("data_shape"), "data_shape");
  spec.hidden = json_integer<int>(json.at("hidden"), "hidden");
  spec.depth = json_integer<int>(json.at("depth"), "depth");
  spec.embedding_dim = json_integer<int>(json.at("embedding_dim"), "embedding_dim");
  spec.num_classes = json_integer<int>(json.at("num_classes"), "num_classes");
  spec.attention = json.at("attention").get<bool>();
  return spec;
}

Json to_json(const ScheduleConfig& schedule) {
  Json curve = Json::array();
  for (const auto& point : schedule.custom_curve) curve.push_back({point.u, point.log_snr});
  return Json{{"kind", to_name(schedule.kind)},       {"timesteps", schedule.timesteps},
              {"beta_start", schedule.beta_start},     {"beta_end", schedule.beta_end},
              {"cosine_s", schedule.cosine_s},         {"zero_terminal_snr", schedule.zero_terminal_snr},
              {"custom_curve", curve}};
}

ScheduleConfig schedule_from_json(const Json& json) {
  ScheduleConfig schedule;
  schedule.kind = enum_field<ScheduleKind>(json, "kind", "training.noise_schedules[]");
  schedule.timesteps = json_value(json, "timesteps", schedule.timesteps);
  schedule.beta_start = json_value(json, "beta_start", schedule.beta_start);
  schedule.beta_end = json_value(json, "beta_end", schedule.beta_end);
  schedule.cosine_s = json_value(json, "cosine_s", schedule.cosine_s);
  schedule.zero_terminal_snr = json_value(json, "zero_terminal_snr", schedule.zero_terminal_snr);
  for (const auto& point : json.value("custom_curve", Json::array()))
    schedule.custom_curve.push_back({point.at(0).get<double>(), point.at(1).get<double>()});
  return schedule;
}

Json to_json(const TrainerConfig& config) {
  Json schedules = Json::array();
  for (const auto& schedule : config.noise_schedules) schedules.push_back(to_json(schedule));
  return Json{{"optimizer", to_name(config.optimizer)},
              {"learning_rate", config.learning_rate},
              {"batch_size", config.batch_size},
              {"grad_clip", config.grad_clip},
              {"ema_decay", config.ema_decay},
              {"weight_decay", config.weight_decay},
              {"lr_decay_steps", config.lr_decay_steps},
              {"adam_beta1", config.adam_beta1},
              {"adam_beta2", config.adam_beta2},
              {"adam_epsilon", config.adam_epsilon},
              {"seed", config.seed},
              {"device", to_name(config.device)},
              {"threads", config.threads},
              {"label_dropout", config.label_dropout},
              {"check_interval", config.check_interval},
              {"loss_bins", config.loss_bins},
              {"loss_bins_window", config.loss_bins_window},
              {"noise_schedules", schedules}};
}

// Training settings fall back to the defaults where a field is missing: they matter only to resume.
TrainerConfig trainer_config_from_json(const Json& json) {
  TrainerConfig config;
  if (json.contains("optimizer")) config.optimizer = enum_field<OptimizerKind>(json, "optimizer", "training");
  config.learning_rate = json_value(json, "learning_rate", config.learning_rate);
  config.batch_size = json_value(json, "batch_size", config.batch_size);
  config.grad_clip = json_value(json, "grad_clip", config.grad_clip);
  config.ema_decay = json_value(json, "ema_decay", config.ema_decay);
  config.weight_decay = json_value(json, "weight_decay", config.weight_decay);
  config.lr_decay_steps = json_value(json, "lr_decay_steps", config.lr_decay_steps);
  config.adam_beta1 = json_value(json, "adam_beta1", config.adam_beta1);
  config.adam_beta2 = json_value(json, "adam_beta2", config.adam_beta2);
  config.adam_epsilon = json_value(json, "adam_epsilon", config.adam_epsilon);
  config.seed = json_value(json, "seed", config.seed);
  if (json.contains("device")) config.device = enum_field<DeviceKind>(json, "device", "training");
  config.threads = json_value(json, "threads", config.threads);
  config.label_dropout = json_value(json, "label_dropout", config.label_dropout);
  config.check_interval = json_value(json, "check_interval", config.check_interval);
  config.loss_bins = json_value(json, "loss_bins", config.loss_bins);
  // Checkpoints before the window (issue 9) have loss_bins_half_life instead: the default window applies.
  config.loss_bins_window = json_value(json, "loss_bins_window", config.loss_bins_window);
  if (json.contains("noise_schedules")) {
    config.noise_schedules.clear();
    for (const auto& schedule : json.at("noise_schedules")) config.noise_schedules.push_back(schedule_from_json(schedule));
  }
  return config;
}

Json to_json(const CheckpointMetadata& metadata) {
  return Json{{"dataset", metadata.dataset},
              {"training_steps", metadata.training_steps},
              {"final_loss", metadata.final_loss},
              {"training_seconds", metadata.training_seconds},
              {"created", metadata.created},
              {"device", metadata.device},
              {"libtorch_version", metadata.libtorch_version},
              {"program", metadata.program}};
}

CheckpointMetadata metadata_from_json(const Json& json, int format_version) {
  CheckpointMetadata metadata;
  metadata.format_version = format_version;
  metadata.dataset = json_value(json, "dataset", std::string());
  metadata.training_steps = json_value(json, "training_steps", std::int64_t{0});
  metadata.final_loss = json_value(json, "final_loss", 0.0);
  metadata.training_seconds = json_value(json, "training_seconds", 0.0);
  metadata.created = json_value(json, "created", std::string());
  metadata.device = json_value(json, "device", std::string());
  metadata.libtorch_version = json_value(json, "libtorch_version", std::string());
  metadata.program = json_value(json, "program", std::string());
  return metadata;
}

// ---- tensors ------------------------------------------------------------------------------------

std::vector<NamedTensor> tensors_to_write(const Checkpoint& checkpoint) {
  const auto& state = checkpoint.state;
  std::vector<NamedTensor> out;
  for (const auto& entry : state.weights) out.push_back({kWeightsPrefix + entry.name, entry.value});
  for (const auto& entry : state.ema_weights) out.push_back({kEmaPrefix + entry.name, entry.value});
  if (state.exp_avg.defined()) out.push_back({"optimizer/exp_avg", state.exp_avg});
  if (state.exp_avg_sq.defined()) out.push_back({"optimizer/exp_avg_sq", state.exp_avg_sq});
  if (state.rng_state.defined()) out.push_back({"rng_state", state.rng_state});
  if (!state.loss_history.empty())
    out.push_back({"loss_history", torch::from_blob(const_cast<float*>(state.loss_history.data()),
                                                    {static_cast<std::int64_t>(state.loss_history.size())},
                                                    torch::kFloat)});
  return out;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) { checkpoint_fail(path, what); }

// Checks that `tensors` (a name list) holds exactly the network's tensors with the right shapes.
void check_against_network(const std::string& path, const std::vector<NamedTensor>& tensors,
                           const DenoiserNetImpl& net, const std::string& group) {
  std::vector<NamedTensor> expected;
  for (const auto& item : net.named_parameters()) expected.push_back({item.key(), item.value()});
  for (const auto& item : net.named_buffers()) expected.push_back({item.key(), item.value()});
  for (const auto& entry : expected) {
    auto found = std::find_if(tensors.begin(), tensors.end(), [&](const NamedTensor& t) { return t.name == entry.name; });
    if (found == tensors.end())
      fail(path, group + " tensor '" + entry.name + "' is missing: the file does not match its model spec");
    if (found->value.sizes() != entry.value.sizes()) {
      std::ostringstream message;
      message << group << " tensor '" << entry.name << "' has shape " << found->value.sizes()
              << " but the model spec needs " << entry.value.sizes();
      fail(path, message.str());
    }
  }
  for (const auto& entry : tensors) {
    const bool known =
        std::any_of(expected.begin(), expected.end(), [&](const NamedTensor& t) { return t.name == entry.name; });
    if (!known) fail(path, group + " tensor '" + text_excerpt(entry.name) + "' does not belong to a " + to_name(net.spec().kind) +
                               " model of this spec");
  }
}

}  // namespace

Checkpoint make_checkpoint(const Trainer& trainer, const std::string& dataset, bool include_training_state,
                           double training_seconds) {
  Checkpoint checkpoint;
  checkpoint.spec = trainer.spec();
  checkpoint.config = trainer.config();
  checkpoint.state = trainer.export_state(include_training_state);
  if (!include_training_state) {
    checkpoint.state.weights = std::move(checkpoint.state.ema_weights);
    checkpoint.state.ema_weights.clear();
    checkpoint.state.loss_history.clear();
  }
  auto& metadata = checkpoint.metadata;
  metadata.dataset = dataset;
  metadata.training_steps = trainer.step();
  metadata.final_loss = trainer.last_loss();
  metadata.training_seconds = training_seconds;
  metadata.created = utc_now_iso8601();
  metadata.device = trainer.device_description();
  metadata.libtorch_version = libtorch_version();
  metadata.program = "Diffusion Lab 0.1.0";
  return checkpoint;
}

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  write_file_atomically(path, [&](std::ostream& out) {
    out.write(kCheckpointMagic, sizeof kCheckpointMagic);
    // Tensors as contiguous CPU copies, their table and the checksum of their bytes.
    std::vector<torch::Tensor> blobs;
    Json table = Json::array();
    std::uint64_t offset = 0;
    std::uint64_t checksum = fnv1a64(nullptr, 0);
    for (const auto& entry : tensors_to_write(checkpoint)) {
      if (!entry.value.defined()) throw std::runtime_error("checkpoint '" + path + "': tensor '" + entry.name + "' is undefined");
      const char* dtype = dtype_name(entry.value.scalar_type());
      if (!dtype)
        throw std::runtime_error("checkpoint '" + path + "': tensor '" + entry.name + "' has an unsupported dtype");
      torch::Tensor blob = entry.value.detach().to(torch::kCPU).contiguous();
      const std::uint64_t bytes = blob.numel() * blob.element_size();
      checksum = fnv1a64(static_cast<const unsigned char*>(blob.data_ptr()), bytes, checksum);
      table.push_back({{"name", entry.name}, {"dtype", dtype}, {"shape", blob.sizes().vec()},
                       {"offset", offset}, {"bytes", bytes}});
      offset += bytes;
      blobs.push_back(std::move(blob));
    }
    const Json header{{"kind", kCheckpointFileKind},
                      {"format_version", kCheckpointFormatVersion},
                      {"model", to_json(checkpoint.spec)},
                      {"training", to_json(checkpoint.config)},
                      {"metadata", to_json(checkpoint.metadata)},
                      {"state", {{"step", checkpoint.state.step},
                                 {"optimizer_step", checkpoint.state.optimizer_step},
                                 {"last_loss", checkpoint.state.last_loss}}},
                      {"tensors", table},
                      {"payload_bytes", offset},
                      {"payload_fnv1a64", hex64(checksum)}};
    const std::string text = header.dump(1);
    const auto length = static_cast<std::uint32_t>(text.size());
    const unsigned char length_bytes[4] = {static_cast<unsigned char>(length), static_cast<unsigned char>(length >> 8),
                                           static_cast<unsigned char>(length >> 16),
                                           static_cast<unsigned char>(length >> 24)};
    out.write(reinterpret_cast<const char*>(length_bytes), 4);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& blob : blobs)
      out.write(static_cast<const char*>(blob.data_ptr()), static_cast<std::streamsize>(blob.numel() * blob.element_size()));
  });
}

// Reads only the magic, the header length and the header: the file size must be what the header says.
static void check_checkpoint_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;  // read_text_file says why
  std::error_code error;
  const std::uint64_t file_bytes = std::filesystem::file_size(path, error);
  if (error) return;
  constexpr std::size_t kPrefix = sizeof kCheckpointMagic + 4;
  std::string head(kPrefix, '\0');
  if (!in.read(head.data(), kPrefix)) return;  // parse_checkpoint_file says it is too short
  const auto* b = reinterpret_cast<const unsigned char*>(head.data() + sizeof kCheckpointMagic);
  const std::uint64_t header_length =
      b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint64_t>(b[3]) << 24);
  if (std::memcmp(head.data(), kCheckpointMagic, sizeof kCheckpointMagic) != 0 || header_length > (64u << 20) ||
      kPrefix + header_length > file_bytes) {
    parse_checkpoint_file(head, path);  // throws the precise refusal (not a checkpoint, truncated header)
    return;
  }
  head.resize(kPrefix + header_length);
  if (!in.read(head.data() + kPrefix, static_cast<std::streamsize>(header_length))) return;
  std::uint64_t payload_bytes = 0;
  try {
    payload_bytes = json_integer<std::uint64_t>(Json::parse(head.begin() + kPrefix, head.end()).at("payload_bytes"),
                                                "payload_bytes");
  } catch (const std::exception&) {
    parse_checkpoint_file(head, path);  // throws "corrupt header (...)"
    return;
  }
  const std::uint64_t available = file_bytes - kPrefix - header_length;
  if (available < payload_bytes)
    fail(path, "truncated: " + std::to_string(payload_bytes) + " bytes of tensor data expected, " +
                   std::to_string(available) + " found");
  if (available > payload_bytes)
    fail(path, "corrupt: " + std::to_string(available - payload_bytes) + " unexpected bytes after the tensor data");
}

Checkpoint load_checkpoint(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) fail(path, "no such file");
  if (!std::filesystem::is_regular_file(path, error)) fail(path, "not a regular file");
  check_checkpoint_size(path);  // a huge file with a bad header is refused before it is read whole
  std::string bytes;
  try {
    bytes = read_text_file(path);
  } catch (const std::exception& e) {
    throw CheckpointError(e.what());
  }
  const CheckpointFile file = parse_checkpoint_file(bytes, path);
  const Json& header = file.header;

  Checkpoint checkpoint;
  try {
    try {
      checkpoint.spec = model_spec_from_json(header.at("model"));
      checkpoint.config = trainer_config_from_json(header.value("training", Json::object()));
    } catch (const std::invalid_argument& e) {
      fail(path, e.what());
    }
    checkpoint.metadata = metadata_from_json(header.value("metadata", Json::object()), file.format_version);
    const Json state = header.value("state", Json::object());
    checkpoint.state.step = json_value(state, "step", std::int64_t{0});
    checkpoint.state.optimizer_step = json_value(state, "optimizer_step", std::int64_t{0});
    checkpoint.state.last_loss = state.value("last_loss", 0.0);

    for (const auto& entry : file.tensors) {
      const auto& name = entry.name;
      const auto dtype = dtype_from_name(entry.dtype);
      torch::Tensor value = torch::empty(entry.shape, torch::TensorOptions().dtype(*dtype));
      if (entry.bytes > 0) std::memcpy(value.data_ptr(), entry.data, entry.bytes);
      auto& state_out = checkpoint.state;
      if (name.rfind(kWeightsPrefix, 0) == 0) {
        state_out.weights.push_back({name.substr(std::strlen(kWeightsPrefix)), value});
      } else if (name.rfind(kEmaPrefix, 0) == 0) {
        state_out.ema_weights.push_back({name.substr(std::strlen(kEmaPrefix)), value});
      } else if (name == "optimizer/exp_avg") {
        state_out.exp_avg = value;
      } else if (name == "optimizer/exp_avg_sq") {
        state_out.exp_avg_sq = value;
      } else if (name == "rng_state") {
        state_out.rng_state = value;
      } else if (name == "loss_history") {
        if (*dtype != torch::kFloat || value.dim() != 1) fail(path, "loss_history must be a float32 vector");
        state_out.loss_history.assign(value.data_ptr<float>(), value.data_ptr<float>() + value.numel());
      } else {
        fail(path, "unknown tensor '" + text_excerpt(name) + "'");
      }
    }
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception& e) {  // nlohmann::json type and key errors
    fail(path, std::string("corrupt header (") + e.what() + ")");
  }

  // ---- the tensors must be exactly those of the network the spec builds ---------------------------
  DenoiserNet net;
  try {
    net = make_denoiser_net(checkpoint.spec);
  } catch (const std::invalid_argument& e) {
    fail(path, std::string("invalid model spec: ") + e.what());
  } catch (const c10::Error& e) {  // an absurd size (embedding_dim 2^40): LibTorch's first line, no backtrace
    const std::string what = e.what_without_backtrace();
    fail(path, "invalid model spec: " + text_excerpt(what.substr(0, what.find('\n')), 200));
  } catch (const std::bad_alloc&) {
    fail(path, "invalid model spec: the network it describes does not fit in memory");
  }
  if (checkpoint.state.weights.empty()) fail(path, "holds no weights");
  check_against_network(path, checkpoint.state.weights, *net, "weights");
  if (!checkpoint.state.ema_weights.empty()) check_against_network(path, checkpoint.state.ema_weights, *net, "EMA");
  for (const auto& entry : checkpoint.state.weights)
    if (entry.value.scalar_type() != torch::kFloat) fail(path, "weight '" + text_excerpt(entry.name) + "' is not float32");
  return checkpoint;
}

void restore_trainer(Trainer& trainer, const Checkpoint& checkpoint) {
  const auto& have = trainer.spec();
  const auto& want = checkpoint.spec;
  if (have.kind != want.kind || have.prediction != want.prediction || have.data_shape != want.data_shape ||
      have.hidden != want.hidden || have.depth != want.depth || have.embedding_dim != want.embedding_dim ||
      have.num_classes != want.num_classes || have.attention != want.attention)
    throw std::invalid_argument("resume: the trainer's model spec differs from the checkpoint's");
  trainer.import_state(checkpoint.state);
}

LoadedDenoiser load_denoiser_for_sampling(const std::string& path, const torch::Device& device,
                                          std::optional<ModelKind> expected_kind) {
  const Checkpoint checkpoint = load_checkpoint(path);
  if (expected_kind && checkpoint.spec.kind != *expected_kind)
    fail(path, std::string("holds a '") + to_name(checkpoint.spec.kind) + "' model, but a '" +
                   to_name(*expected_kind) + "' model is needed here");
  LoadedDenoiser loaded;
  loaded.spec = checkpoint.spec;
  loaded.metadata = checkpoint.metadata;
  loaded.device = device;
  loaded.net = make_denoiser_net(checkpoint.spec);
  const auto& source = checkpoint.state.ema_weights.empty() ? checkpoint.state.weights : checkpoint.state.ema_weights;
  {
    torch::NoGradGuard no_grad;
    for (const auto& item : loaded.net->named_parameters())
      item.value().copy_(std::find_if(source.begin(), source.end(), [&](const NamedTensor& t) { return t.name == item.key(); })->value);
    for (const auto& item : loaded.net->named_buffers())
      item.value().copy_(std::find_if(source.begin(), source.end(), [&](const NamedTensor& t) { return t.name == item.key(); })->value);
  }
  loaded.net->to(device);
  loaded.net->eval();
  return loaded;
}

}  // namespace dlab
