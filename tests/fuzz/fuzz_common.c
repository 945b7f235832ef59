/* What every harness shares: PETSc started once, errors returned instead of aborting, the input as a file. */
#include "fuzz.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SNAPS_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SNAPS_LSAN 1
#endif
#endif
#if defined(SNAPS_LSAN)
#include <sanitizer/lsan_interface.h>
#else
static void __lsan_disable(void) {}
static void __lsan_enable(void) {}
#endif

/* HDF5 objects open before the first input (none: the library's own ids are not counted). */
static ssize_t objects_before;

/* Open HDF5 files, groups, datasets, named datatypes and attributes: what keeps a file open. (Open
   dataspaces and property lists have no public count; they are memory only.) */
static ssize_t OpenObjects(void)
{
  return H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL);
}

/* PETSc starts once per process, with its signal handler off (the sanitizer reports the crash) and an
   error handler that returns the error quietly, so a refused file costs no output. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  if (PetscOptionsSetValue(NULL, "-no_signal_handler", NULL)) return 1;
  /* what MPI_Init allocates and never frees is no finding: libFuzzer's leak check after an input
     reports every unreachable block, and Open MPI's show no library name in a fast-unwound stack */
  __lsan_disable();
  if (PetscInitializeNoArguments()) return 1;
  __lsan_enable();
  if (PetscPushErrorHandler(PetscReturnErrorHandler, NULL)) return 1;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* HDF5's error stacks for bad files: not findings, only noise */
  objects_before = OpenObjects();
  return objects_before < 0;
}

int SNAPSFuzzWriteFile(const uint8_t *data, size_t size, const char reader[], char path[], size_t len)
{
  const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  FILE       *f;
  size_t      written;

  if (snprintf(path, len, "%s/snaps-fuzz-%s-%ld.h5", dir, reader, (long)getpid()) >= (int)len) return -1;
  f = fopen(path, "wb");
  if (!f) return -1;
  written = size ? fwrite(data, 1, size, f) : 0;
  if (fclose(f) || written != size) {
    unlink(path);
    return -1;
  }
  return 0;
}

void SNAPSFuzzDone(const char path[])
{
  const ssize_t now = OpenObjects();

  unlink(path);
  if (now == objects_before) return;
  fprintf(stderr, "snaps-fuzz: the input left %lld HDF5 objects open (files, groups, datasets, attributes)\n", (long long)(now - objects_before));
  abort();
}
