/* The regression driver: runs a harness's LLVMFuzzerTestOneInput() on each file named on the command
   line (the committed inputs of tests/fuzz/regressions/<reader>/), without libFuzzer, so that every
   crash the fuzzer ever found is tried again in every build. Exit 0 when every input was handled: a
   crash, a sanitizer report or a leak (at exit, under LeakSanitizer) fails the test. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

/* Reads a whole file into a new buffer. Returns NULL (with a message) when it cannot. */
static uint8_t *ReadInput(const char path[], size_t *size)
{
  FILE    *f = fopen(path, "rb");
  uint8_t *buf;
  long     len;

  if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
    fprintf(stderr, "regress: cannot read the input '%s'\n", path);
    if (f) fclose(f);
    return NULL;
  }
  buf = malloc((size_t)len + 1);
  if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (!buf) fprintf(stderr, "regress: cannot read the input '%s'\n", path);
  *size = (size_t)len;
  return buf;
}

int main(int argc, char **argv)
{
  int failed = 0;

  if (argc < 2) {
    fprintf(stderr, "usage: %s input...\n", argv[0]);
    return 2;
  }
  if (LLVMFuzzerInitialize(&argc, &argv)) return 1;
  for (int i = 1; i < argc; i++) {
    size_t   size;
    uint8_t *data = ReadInput(argv[i], &size);

    if (!data) {
      failed = 1;
      continue;
    }
    printf("regress: %s (%zu bytes)\n", argv[i], size);
    fflush(stdout);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
  }
  if (PetscFinalize()) failed = 1;
  return failed;
}
