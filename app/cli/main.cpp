// dlab: the headless command line over core/ (placeholder until the CLI lands).
#include <cstdio>
int main() {
  std::puts("dlab");
  return 0;
}
