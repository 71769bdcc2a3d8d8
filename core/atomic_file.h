// Files are written atomically: to a temporary file in the same folder, flushed, then renamed over
// the destination, so a crash or a full disk never leaves a half-written file behind.
//   - A symbolic link is followed: its target is replaced, the link stays a link.
//   - An existing file keeps its permission bits and (where the user may set them) its owner and group;
//     a file with several hard links, or one whose owner cannot be kept, is rewritten in place after the
//     whole new content has been written to the temporary file, so the links and the owner survive.
//   - A device, FIFO or socket (/dev/null, /dev/stdout, a pipe) is written directly; a failed write
//     (/dev/full: "No space left on device") is reported. A folder is refused.
//   - SIGINT and SIGTERM during a write remove the temporary file before the process ends.
// Torch-free (the fuzz targets compile it).
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

namespace dlab {

// Throws std::runtime_error naming the path when the file cannot be written.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);
void write_text_atomically(const std::string& path, const std::string& text);

// The same, written piece by piece (a trajectory streamed to disk), for a command with several outputs that
// must all be written or none: finish() each (flush and close: a failed write throws), then commit() each
// (the rename). Destroyed without commit(), the temporary file is removed.
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path);  // throws std::runtime_error naming the path
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  std::ostream& stream();
  void finish();
  void commit();  // finish() if not done yet, then replace the destination

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Throws std::runtime_error naming the path when `path` could not be written by write_file_atomically:
// a folder, a missing parent folder, a folder or file without write permission. Lets a command check
// every output before it starts its work (nothing is created).
void check_writable(const std::string& path);

// The file a write to `path` lands on: symbolic links followed (a missing last target is kept as is).
std::string resolve_write_target(const std::string& path);

std::string read_text_file(const std::string& path);  // throws std::runtime_error naming the path

}  // namespace dlab
