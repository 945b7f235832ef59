/* libFuzzer harnesses of the SNAPS file readers (scripts/run-fuzz.sh), and the same harnesses as
   regression tests over committed inputs (regress.c, label fuzz-regression).

   Each harness defines LLVMFuzzerTestOneInput(): the bytes become an HDF5 file on a tmpfs, the reader
   loads it and, when it succeeds, uses what it read. A PETSc error is a normal outcome (a bad file
   must be refused); only crashes, sanitizer reports, hangs and leaks are findings. */
#pragma once

#include <petscsys.h>
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points, which every harness and the regression driver share. */
int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Writes the input to a file of this process on a tmpfs (/dev/shm, else /tmp); path[len] gets its name.
   Returns 0, or -1 when the file cannot be written (the harness then skips the input). */
int SNAPSFuzzWriteFile(const uint8_t *, size_t, const char[], char[], size_t);
/* Ends an input: removes that file, then aborts (a finding) when the input left HDF5 objects open (files,
   groups, datasets, attributes).
   An id a reader does not close keeps its file open in a long-running job; LeakSanitizer cannot see
   it, since HDF5 still references it and frees it at exit. */
void SNAPSFuzzDone(const char[]);
