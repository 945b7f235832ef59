/* A fit with PETSc's stderr captured, for the unit tests that check a warning the library prints there (the seed
   warnings: test_seed_unused, test_mf). Header only: each test is one source file (snaps_unit_test). */
#pragma once
#include <snaps.h>
#include <stdio.h>

/* SNAFit(sna, X, Y) with PETSC_STDERR sent to a temporary file, whose text is returned in text[size] (truncated to
   fit); PETSC_STDERR is restored before a failed fit's error is passed on. */
static inline PetscErrorCode FitCapturingStderr(SNA sna, Vec X, Vec Y, char text[], size_t size)
{
  FILE          *err = tmpfile(), *saved = PETSC_STDERR;
  size_t         len;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCheck(err, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "tmpfile() failed");
  PETSC_STDERR = err;
  ierr         = SNAFit(sna, X, Y);
  PETSC_STDERR = saved;
  rewind(err);
  len       = fread(text, 1, size - 1, err);
  text[len] = 0;
  fclose(err);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
