#include "core/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text_excerpt.h"

namespace dlab {
namespace {

// Paths come from the user: escaped, and cut only when absurdly long.
std::string quote_path(const std::string& path) { return "'" + text_excerpt(path, 400) + "'"; }

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The temporary files being written, for the signal handler: fixed slots, lock-free, async-signal-safe.
constexpr int kSlots = 32;
constexpr std::size_t kSlotPath = 4096;
struct Slot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 holds a path to remove
  char path[kSlotPath];
};
Slot g_slots[kSlots];
struct sigaction g_previous_int, g_previous_term;

void remove_temporaries_and_reraise(int signal_number) {
  for (Slot& slot : g_slots)
    if (slot.state.load() == 2) ::unlink(slot.path);
  const struct sigaction& previous = signal_number == SIGINT ? g_previous_int : g_previous_term;
  if (!(previous.sa_flags & SA_SIGINFO) && previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal_number);  // a handler installed before ours (the app's) still runs
    return;
  }
  ::sigaction(signal_number, &previous, nullptr);
  ::raise(signal_number);
}

void install_signal_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int signal_number : {SIGINT, SIGTERM}) {
      struct sigaction& previous = signal_number == SIGINT ? g_previous_int : g_previous_term;
      if (::sigaction(signal_number, nullptr, &previous) != 0) continue;
      if (!(previous.sa_flags & SA_SIGINFO) && previous.sa_handler == SIG_IGN) continue;  // stays ignored
      if (previous.sa_flags & SA_SIGINFO) continue;  // someone else's three-argument handler: left alone
      struct sigaction ours {};
      ours.sa_handler = remove_temporaries_and_reraise;
      sigemptyset(&ours.sa_mask);
      ::sigaction(signal_number, &ours, nullptr);
    }
  });
}

// Registers a temporary file for removal on SIGINT/SIGTERM while it exists.
class TemporaryGuard {
 public:
  explicit TemporaryGuard(const std::string& path) {
    if (path.size() >= kSlotPath) return;
    install_signal_handlers();
    for (Slot& s : g_slots) {
      int expected = 0;
      if (s.state.compare_exchange_strong(expected, 1)) {
        std::memcpy(s.path, path.c_str(), path.size() + 1);
        s.state.store(2);
        slot_ = &s;
        return;
      }
    }
  }
  ~TemporaryGuard() {
    if (slot_) slot_->state.store(0);
  }
  TemporaryGuard(const TemporaryGuard&) = delete;
  TemporaryGuard& operator=(const TemporaryGuard&) = delete;

 private:
  Slot* slot_ = nullptr;
};

// An output stream buffer over a file descriptor that remembers the first write error (errno).
class FdBuffer : public std::streambuf {
 public:
  explicit FdBuffer(int fd) : fd_(fd), buffer_(1 << 16) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }
  std::streamsize xsputn(const char* data, std::streamsize n) override {
    if (n < static_cast<std::streamsize>(buffer_.size())) return std::streambuf::xsputn(data, n);
    if (!drain() || !write_all(data, static_cast<std::size_t>(n))) return 0;
    return n;
  }

 private:
  bool drain() {
    const bool ok = write_all(pbase(), static_cast<std::size_t>(pptr() - pbase()));
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return ok;
  }
  bool write_all(const char* data, std::size_t n) {
    if (error_ != 0) return false;
    while (n > 0) {
      const ssize_t written = ::write(fd_, data, n);
      if (written < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
        return false;
      }
      data += written;
      n -= static_cast<std::size_t>(written);
    }
    return true;
  }

  int fd_;
  std::vector<char> buffer_;
  int error_ = 0;
};

// Copies file `from` over the contents of `to` (kept: its inode, links, owner, mode).
std::string copy_in_place(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return std::strerror(errno);
  const int out = ::open(to.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (out < 0) {
    const std::string why = std::strerror(errno);
    ::close(in);
    return why;
  }
  std::vector<char> chunk(1 << 16);
  std::string failure;
  while (failure.empty()) {
    const ssize_t got = ::read(in, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) failure = std::strerror(errno);
    if (got <= 0) break;
    for (ssize_t done = 0; done < got && failure.empty();) {
      const ssize_t put = ::write(out, chunk.data() + done, static_cast<std::size_t>(got - done));
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) failure = std::strerror(errno);
      else done += put;
    }
  }
  ::close(in);
  if (::close(out) != 0 && failure.empty()) failure = std::strerror(errno);
  return failure;
}

}  // namespace

std::string resolve_write_target(const std::string& path) {
  std::string current = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return current;
    std::vector<char> target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4095) + 1);
    const ssize_t length = ::readlink(current.c_str(), target.data(), target.size() - 1);
    if (length < 0) return current;
    const std::string link(target.data(), static_cast<std::size_t>(length));
    current = (link.empty() || link[0] == '/') ? link : folder_of(current) + "/" + link;
  }
  throw std::runtime_error("cannot write " + quote_path(path) + ": too many levels of symbolic links");
}

void check_writable(const std::string& path) {
  if (path.empty()) throw std::runtime_error("cannot write a file with an empty name");
  const std::string target = resolve_write_target(path);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw std::runtime_error("cannot write " + quote_path(path) + ": it is a folder");
    if (::access(target.c_str(), W_OK) != 0)
      throw std::runtime_error("cannot write " + quote_path(path) + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return;  // a device or FIFO is written directly
  }
  const std::string folder = folder_of(target);
  struct stat folder_st {};
  if (::stat(folder.c_str(), &folder_st) != 0 || !S_ISDIR(folder_st.st_mode))
    throw std::runtime_error("cannot write " + quote_path(path) + ": the folder " + quote_path(folder) + " does not exist");
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw std::runtime_error("cannot write " + quote_path(path) + ": the folder " + quote_path(folder) + " is not writable (" +
                             std::strerror(errno) + ")");
}

struct AtomicFile::State {
  std::string path, target, tmp;
  int fd = -1;
  bool direct = false;    // a device or FIFO: written through
  bool in_place = false;  // hard links or an owner to keep: the temporary is copied over the file
  bool finished = false, committed = false;
  std::unique_ptr<TemporaryGuard> guard;
  std::unique_ptr<FdBuffer> buffer;
  std::unique_ptr<std::ostream> out;

  void close_fd() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  void discard() {
    close_fd();
    if (!direct && !tmp.empty()) ::unlink(tmp.c_str());
    guard.reset();
  }
};

AtomicFile::AtomicFile(const std::string& path) : s_(std::make_unique<State>()) {
  check_writable(path);
  s_->path = path;
  s_->target = resolve_write_target(path);
  struct stat st {};
  const bool exists = ::stat(s_->target.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {  // /dev/null, /dev/full, a FIFO: written through, never replaced
    s_->direct = true;
    s_->fd = ::open(s_->target.c_str(), O_WRONLY | O_CLOEXEC);
    if (s_->fd < 0) throw std::runtime_error("cannot write " + quote_path(path) + ": " + std::strerror(errno));
  } else {
    s_->tmp = s_->target + ".tmp." + std::to_string(::getpid());
    const mode_t mode = exists ? (st.st_mode & 07777) : 0666;
    for (int attempt = 0; attempt < 100 && s_->fd < 0; ++attempt) {  // several files of one process at once
      const std::string candidate = s_->target + ".tmp." + std::to_string(::getpid()) + (attempt ? "." + std::to_string(attempt) : "");
      s_->fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      if (s_->fd >= 0) s_->tmp = candidate;
      else if (errno != EEXIST) break;
    }
    if (s_->fd < 0) throw std::runtime_error("cannot write " + quote_path(path) + ": " + std::strerror(errno));
    s_->guard = std::make_unique<TemporaryGuard>(s_->tmp);
    // A replacement keeps the file's mode (not the umask's) and, where allowed, its owner; when the owner
    // cannot be kept, or other hard links share the file, the new content is copied in place instead.
    if (exists) {
      ::fchmod(s_->fd, mode);
      if ((st.st_uid != ::geteuid() || st.st_gid != ::getegid()) && ::fchown(s_->fd, st.st_uid, st.st_gid) != 0)
        s_->in_place = true;
      if (st.st_nlink > 1) s_->in_place = true;
    }
  }
  s_->buffer = std::make_unique<FdBuffer>(s_->fd);
  s_->out = std::make_unique<std::ostream>(s_->buffer.get());
}

AtomicFile::~AtomicFile() {
  if (s_ && !s_->committed) s_->discard();
}

std::ostream& AtomicFile::stream() { return *s_->out; }

void AtomicFile::finish() {
  if (s_->finished) return;
  s_->out->flush();
  std::string failure;
  if (s_->buffer->error() != 0) failure = std::strerror(s_->buffer->error());
  else if (!*s_->out) failure = "the data could not be formatted";
  const int fd = s_->fd;
  s_->fd = -1;
  if (::close(fd) != 0 && failure.empty()) failure = std::strerror(errno);
  if (!failure.empty()) {
    s_->discard();
    s_->committed = true;  // nothing left to remove
    throw std::runtime_error("writing " + quote_path(s_->path) + " failed: " + failure);
  }
  s_->finished = true;
}

void AtomicFile::commit() {
  finish();
  if (s_->committed) return;
  s_->committed = true;
  if (s_->direct) return;
  if (s_->in_place) {
    const std::string copy_failure = copy_in_place(s_->tmp, s_->target);
    if (!copy_failure.empty())
      throw std::runtime_error("writing " + quote_path(s_->path) + " in place failed (" + copy_failure +
                               "); the complete new content is in " + quote_path(s_->tmp));
    ::unlink(s_->tmp.c_str());
    s_->guard.reset();
    return;
  }
  if (std::rename(s_->tmp.c_str(), s_->target.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    s_->discard();
    throw std::runtime_error("cannot replace " + quote_path(s_->path) + ": " + why);
  }
  s_->guard.reset();
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  AtomicFile file(path);
  write(file.stream());
  file.commit();
}

void write_text_atomically(const std::string& path, const std::string& text) {
  write_file_atomically(path, [&](std::ostream& out) { out << text; });
}

std::string read_text_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw std::runtime_error("cannot read " + quote_path(path) + ": it is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + quote_path(path) + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace dlab
