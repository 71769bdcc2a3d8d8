// Checks the statistics diffusion-lab writes with --stats-out or the script command `stats`.
//
//   dlab_stats_check FILE [--mean X Y TOL] [--cov XX XY YX YY TOL] [--min KEY V] [--max KEY V] [--equals KEY V]
//                         [--contains KEY TEXT] [--lacks KEY TEXT] [--text KEY TEXT] [--empty KEY]
//                         [--sum KEY A B C TOL] [--max-ratio KEY OTHER R] [--differs KEY OTHER_FILE]
//
// --mean/--cov: every entry within TOL of the given value. --min/--max/--equals: a numeric field.
// --sum: KEY = A + B + C within TOL (numbers). --max-ratio: KEY <= R * OTHER (numbers).
// --differs: KEY is present, not null, and differs from KEY of the statistics in OTHER_FILE.
// --contains: a string field contains TEXT; --lacks: it does not; --text: a string field equals TEXT; --empty: it is "".
// Exit 0 when every check passes; 1 with a message naming the failed check otherwise.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

bool near(double value, double expected, double tolerance, const std::string& what) {
  if (std::abs(value - expected) <= tolerance) return true;
  std::fprintf(stderr, "FAIL: %s = %.5g, expected %.5g within %.3g\n", what.c_str(), value, expected, tolerance);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [--mean X Y TOL] [--cov XX XY YX YY TOL] [--min KEY V] [--max KEY V] [--equals KEY V]\n", argv[0]);
    return 2;
  }
  std::ifstream file(argv[1]);
  if (!file) {
    std::fprintf(stderr, "FAIL: %s does not exist\n", argv[1]);
    return 1;
  }
  nlohmann::json stats;
  try {
    file >> stats;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAIL: %s is not JSON: %s\n", argv[1], e.what());
    return 1;
  }
  std::printf("%s\n", stats.dump().c_str());
  bool ok = true;
  const auto number = [&](const std::string& key) -> double {
    if (!stats.contains(key) || !stats[key].is_number()) {
      std::fprintf(stderr, "FAIL: %s has no number '%s'\n", argv[1], key.c_str());
      ok = false;
      return NAN;
    }
    return stats[key].get<double>();
  };
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    const auto arg = [&](int k) { return std::atof(argv[i + k]); };
    if (flag == "--mean" && i + 3 < argc) {
      ok &= near(stats["mean"][0].get<double>(), arg(1), arg(3), "mean x");
      ok &= near(stats["mean"][1].get<double>(), arg(2), arg(3), "mean y");
      i += 3;
    } else if (flag == "--cov" && i + 5 < argc) {
      const char* names[] = {"cov xx", "cov xy", "cov yx", "cov yy"};
      for (int k = 0; k < 4; ++k) ok &= near(stats["cov"][k / 2][k % 2].get<double>(), arg(1 + k), arg(5), names[k]);
      i += 5;
    } else if ((flag == "--min" || flag == "--max" || flag == "--equals") && i + 2 < argc) {
      const std::string key = argv[i + 1];
      const double value = number(key), bound = arg(2);
      const bool pass = flag == "--min" ? value >= bound : flag == "--max" ? value <= bound : value == bound;
      if (!pass) {
        std::fprintf(stderr, "FAIL: %s = %.5g, expected %s %.5g\n", key.c_str(), value,
                     flag == "--min" ? ">=" : flag == "--max" ? "<=" : "==", bound);
        ok = false;
      }
      i += 2;
    } else if (flag == "--lacks" && i + 2 < argc) {
      const std::string key = argv[i + 1], text = argv[i + 2];
      const std::string value = stats.contains(key) && stats[key].is_string() ? stats[key].get<std::string>() : "";
      if (!stats.contains(key) || value.find(text) != std::string::npos) {
        std::fprintf(stderr, "FAIL: %s = '%s', expected a string without '%s'\n", key.c_str(), value.c_str(), text.c_str());
        ok = false;
      }
      i += 2;
    } else if (((flag == "--contains" || flag == "--text") && i + 2 < argc) || (flag == "--empty" && i + 1 < argc)) {
      const std::string key = argv[i + 1], text = flag == "--empty" ? "" : argv[i + 2];
      if (stats.contains(key) && stats[key].is_boolean()) {  // --text KEY true|false
        if (flag != "--text" || (stats[key].get<bool>() ? "true" : "false") != text) {
          std::fprintf(stderr, "FAIL: %s = %s, expected %s\n", key.c_str(), stats[key].dump().c_str(), text.c_str());
          ok = false;
        }
      } else if (!stats.contains(key) || !stats[key].is_string()) {
        std::fprintf(stderr, "FAIL: %s has no string '%s'\n", argv[1], key.c_str());
        ok = false;
      } else {
        const std::string value = stats[key].get<std::string>();
        const bool pass = flag == "--contains" ? value.find(text) != std::string::npos : value == text;
        if (!pass) {
          std::fprintf(stderr, "FAIL: %s = '%s', expected %s '%s'\n", key.c_str(), value.c_str(),
                       flag == "--contains" ? "to contain" : "exactly", text.c_str());
          ok = false;
        }
      }
      i += flag == "--empty" ? 1 : 2;
    } else if (flag == "--sum" && i + 5 < argc) {
      const double total = number(argv[i + 1]);
      const double parts = number(argv[i + 2]) + number(argv[i + 3]) + number(argv[i + 4]);
      ok &= near(total, parts, arg(5), std::string(argv[i + 1]) + " (the sum of its parts)");
      i += 5;
    } else if (flag == "--max-ratio" && i + 3 < argc) {
      const double value = number(argv[i + 1]), other = number(argv[i + 2]), ratio = arg(3);
      if (!(value <= ratio * other)) {
        std::fprintf(stderr, "FAIL: %s = %.5g, expected <= %.5g x %s = %.5g\n", argv[i + 1], value, ratio, argv[i + 2],
                     ratio * other);
        ok = false;
      }
      i += 3;
    } else if (flag == "--differs" && i + 2 < argc) {
      const std::string key = argv[i + 1];
      std::ifstream other_file(argv[i + 2]);
      nlohmann::json other;
      try {
        other_file >> other;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "FAIL: %s is not JSON: %s\n", argv[i + 2], e.what());
        return 1;
      }
      if (!stats.contains(key) || stats[key].is_null() || (other.contains(key) && other[key] == stats[key])) {
        std::fprintf(stderr, "FAIL: %s = %s, expected a value other than %s's %s\n", key.c_str(),
                     stats.contains(key) ? stats[key].dump().c_str() : "(none)", argv[i + 2],
                     other.contains(key) ? other[key].dump().c_str() : "(none)");
        ok = false;
      }
      i += 2;
    } else {
      std::fprintf(stderr, "unknown or incomplete argument %s\n", argv[i]);
      return 2;
    }
  }
  return ok ? 0 : 1;
}
