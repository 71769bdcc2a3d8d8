// The atomic writer (issue 15): devices and FIFOs are written through, symbolic links keep pointing at
// the replaced file, mode and hard links survive, failed writes are reported, and no temporary file is
// left by a failed write, an abandoned AtomicFile or SIGTERM/SIGINT in the middle of a write.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/atomic_file.h"

namespace dlab {
namespace {

namespace fs = std::filesystem;

fs::path fresh_folder() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path folder = fs::temp_directory_path() / ("dlab_atomic_" + std::to_string(::getpid())) / info->name();
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

std::string contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int count_temporaries(const fs::path& folder) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) ++n;
  return n;
}

std::string error_of(const std::string& path, const std::string& text = "new\n") {
  try {
    write_text_atomically(path, text);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(AtomicFile, WritesThroughDevNullInsteadOfReplacingIt) {
  EXPECT_EQ(error_of("/dev/null"), "");
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null was replaced by a regular file";
}

TEST(AtomicFile, ReportsTheFailedWriteOfDevFull) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full";
  const std::string message = error_of("/dev/full", std::string(200000, 'x'));
  EXPECT_NE(message.find("writing '/dev/full' failed: No space left on device"), std::string::npos) << message;
  struct stat st {};
  ASSERT_EQ(::stat("/dev/full", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(AtomicFile, ReplacesTheTargetOfASymbolicLinkAndKeepsTheLink) {
  const fs::path folder = fresh_folder();
  std::ofstream(folder / "real.csv") << "old\n";
  fs::create_symlink("real.csv", folder / "link.csv");  // relative, as ln -s makes it
  EXPECT_EQ(error_of((folder / "link.csv").string()), "");
  EXPECT_TRUE(fs::is_symlink(folder / "link.csv"));
  EXPECT_EQ(contents(folder / "real.csv"), "new\n");
  // A dangling link: its target is created.
  fs::create_symlink(folder / "later.csv", folder / "dangling.csv");
  EXPECT_EQ(error_of((folder / "dangling.csv").string()), "");
  EXPECT_TRUE(fs::is_symlink(folder / "dangling.csv"));
  EXPECT_EQ(contents(folder / "later.csv"), "new\n");
  EXPECT_EQ(count_temporaries(folder), 0);
}

TEST(AtomicFile, KeepsTheModeOfAnExistingFile) {
  const fs::path folder = fresh_folder();
  const fs::path file = folder / "secret.csv";
  std::ofstream(file) << "old\n";
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  EXPECT_EQ(error_of(file.string()), "");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(contents(file), "new\n");
  // A new file gets the usual 0666 less the umask.
  const mode_t mask = ::umask(022);
  EXPECT_EQ(error_of((folder / "fresh.csv").string()), "");
  ::umask(mask);
  ASSERT_EQ(::stat((folder / "fresh.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
}

TEST(AtomicFile, KeepsHardLinks) {
  const fs::path folder = fresh_folder();
  std::ofstream(folder / "a.csv") << "old\n";
  fs::create_hard_link(folder / "a.csv", folder / "b.csv");
  EXPECT_EQ(error_of((folder / "a.csv").string()), "");
  EXPECT_EQ(fs::hard_link_count(folder / "a.csv"), 2u);
  EXPECT_EQ(contents(folder / "b.csv"), "new\n");
  EXPECT_EQ(count_temporaries(folder), 0);
}

TEST(AtomicFile, RefusesAFolderAndAMissingFolderByName) {
  const fs::path folder = fresh_folder();
  fs::create_directory(folder / "out.csv");
  EXPECT_NE(error_of((folder / "out.csv").string()).find("out.csv': it is a folder"), std::string::npos);
  EXPECT_NE(error_of((folder / "nodir" / "x.csv").string()).find("nodir' does not exist"), std::string::npos);
  EXPECT_THROW(check_writable((folder / "nodir" / "x.csv").string()), std::runtime_error);
  EXPECT_NO_THROW(check_writable((folder / "x.csv").string()));
  EXPECT_FALSE(fs::exists(folder / "x.csv")) << "check_writable created the file";
  const std::string read = [&] {
    try {
      read_text_file((folder / "out.csv").string());
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  }();
  EXPECT_NE(read.find("it is a folder, not a file"), std::string::npos) << read;
}

TEST(AtomicFile, AFailedOrAbandonedWriteLeavesTheOldFileAndNoTemporary) {
  const fs::path folder = fresh_folder();
  const fs::path file = folder / "keep.csv";
  std::ofstream(file) << "old\n";
  EXPECT_THROW(write_file_atomically(file.string(),
                                     [](std::ostream& out) {
                                       out << "half";
                                       throw std::runtime_error("stop");
                                     }),
               std::runtime_error);
  {
    AtomicFile abandoned(file.string());
    abandoned.stream() << "never committed";
    abandoned.finish();
  }
  EXPECT_EQ(contents(file), "old\n");
  EXPECT_EQ(count_temporaries(folder), 0);
}

// A child process is interrupted by `signal_number` in the middle of a write.
void expect_signal_removes_temporary(int signal_number) {
  const fs::path folder = fresh_folder();
  const std::string file = (folder / "big.csv").string();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    write_file_atomically(file, [&](std::ostream& out) {
      out << std::string(1 << 20, 'x');
      out.flush();
      ::raise(signal_number);
      out << "never";
    });
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal_number) << "status " << status;
  EXPECT_EQ(count_temporaries(folder), 0);
  EXPECT_FALSE(fs::exists(file));
}

TEST(AtomicFile, SigtermDuringAWriteRemovesTheTemporary) { expect_signal_removes_temporary(SIGTERM); }
TEST(AtomicFile, SigintDuringAWriteRemovesTheTemporary) { expect_signal_removes_temporary(SIGINT); }

}  // namespace
}  // namespace dlab
