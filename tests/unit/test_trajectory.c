/* Unit test of the trajectory writer's error paths (plugins/io/trajectory.c): an open or a close that fails leaves
   nothing allocated on any rank, and the pointer NULL. Run with -malloc_debug (its checks measure memory in use) on 1
   and 2 ranks (tests/mpi). Usage: test_trajectory <scratch directory> */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <snaps/trajectory.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char        scratch[PETSC_MAX_PATH_LEN];
static PetscMPIInt size, rank;

static void Desc(SNAPSTrajectoryDesc *d)
{
  PetscMemzero(d, sizeof(*d));
  (void)PetscStrncpy(d->equation, "ks", sizeof(d->equation));
  (void)PetscStrncpy(d->field, "u", sizeof(d->field));
  d->members   = 1;
  d->sdim      = 1;
  d->shape[0]  = 4;
  d->length[0] = 1.0;
}

/* The error, its code and a piece of its message; every rank must have raised. */
static PetscErrorCode ExpectError(PetscErrorCode ierr, PetscErrorCode code, const char expect[], const char what[])
{
  char *msg = NULL;

  PetscFunctionBegin;
  PetscCheck(ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: expected an error, got none", what);
  PetscCheck(ierr == code, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: expected error code %d, got %d", what, (int)code, (int)ierr);
  PetscCall(PetscErrorMessage(ierr, NULL, &msg));
  PetscCheck(msg && strstr(msg, expect), PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: message '%s' does not contain '%s'", what, msg ? msg : "(none)", expect);
  PetscFunctionReturn(0);
}

/* A trajectory in a directory that does not exist: SNAPSTrajectoryOpen() raises on every rank and frees the writer on
   every rank (ranks other than 0 kept theirs). */
static PetscErrorCode TestOpenFails(void)
{
  char                file[PETSC_MAX_PATH_LEN];
  SNAPSTrajectoryDesc d;
  SNAPSTrajectory     tr = NULL;
  PetscErrorCode      ierr;
  PetscLogDouble      before, after;

  PetscFunctionBegin;
  Desc(&d);
  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/no_such_directory_np%d/t.h5", scratch, size));
  PetscCall(PetscMallocGetCurrentUsage(&before));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSTrajectoryOpen(PETSC_COMM_WORLD, file, &d, -1, &tr);
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_FILE_WRITE, "Opening the trajectory", "open in a missing directory"));
  PetscCheck(!tr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "[%d] SNAPSTrajectoryOpen() raised and set the trajectory", rank);
  PetscCall(PetscMallocGetCurrentUsage(&after));
  PetscCheck(after <= before, PETSC_COMM_SELF, PETSC_ERR_PLIB, "[%d] The failed SNAPSTrajectoryOpen() left %g bytes allocated", rank, (double)(after - before));
  PetscFunctionReturn(0);
}

/* A name too long for the partial file beside it (".<base>.partial"): refused on every rank, nothing left allocated */
static PetscErrorCode TestOpenNameTooLong(void)
{
  char                file[PETSC_MAX_PATH_LEN];
  SNAPSTrajectoryDesc d;
  SNAPSTrajectory     tr = NULL;
  PetscErrorCode      ierr;
  PetscLogDouble      before, after;
  size_t              n;

  PetscFunctionBegin;
  Desc(&d);
  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/", scratch));
  for (n = strlen(file); n < sizeof(file) - 8; n++) file[n] = 'x';
  file[n] = 0;
  PetscCall(PetscMallocGetCurrentUsage(&before));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSTrajectoryOpen(PETSC_COMM_WORLD, file, &d, -1, &tr);
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_ARG_SIZ, "The name '", "a name too long")); /* the message is cut: the name fills it */
  PetscCheck(!tr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "[%d] SNAPSTrajectoryOpen() raised and set the trajectory", rank);
  PetscCall(PetscMallocGetCurrentUsage(&after));
  PetscCheck(after <= before, PETSC_COMM_SELF, PETSC_ERR_PLIB, "[%d] The SNAPSTrajectoryOpen() of a name too long left %g bytes allocated", rank, (double)(after - before));
  PetscFunctionReturn(0);
}

/* A trajectory whose directory is removed before the close: the move into place fails, SNAPSTrajectoryClose() raises
   on every rank and frees the writer (it was left allocated, for a Destroy no caller made). */
static PetscErrorCode TestCloseFails(void)
{
  char                dir[PETSC_MAX_PATH_LEN], file[PETSC_MAX_PATH_LEN], partial[PETSC_MAX_PATH_LEN];
  SNAPSTrajectoryDesc d;
  SNAPSTrajectory     tr = NULL;
  PetscErrorCode      ierr;
  PetscLogDouble      before, after;
  PetscBool           stream;

  PetscFunctionBegin;
  Desc(&d);
  PetscCall(PetscSNPrintf(dir, sizeof(dir), "%s/close_fails_np%d", scratch, size));
  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/t.h5", dir));
  if (!rank) PetscCheck(!mkdir(dir, 0700) || errno == EEXIST, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "mkdir %s: %s", dir, strerror(errno));
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscCall(PetscMallocGetCurrentUsage(&before));
  PetscCall(SNAPSTrajectoryOpen(PETSC_COMM_WORLD, file, &d, -1, &tr));
  PetscCall(SNAPSTrajectoryPartialName(PETSC_COMM_WORLD, file, partial, sizeof(partial), &stream));
  if (!rank) { /* the open file stays writable; its name and directory are gone */
    PetscCheck(!unlink(partial), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "unlink %s: %s", partial, strerror(errno));
    PetscCheck(!rmdir(dir), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "rmdir %s: %s", dir, strerror(errno));
  }
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSTrajectoryClose(&tr);
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_FILE_WRITE, "Finishing the trajectory", "close into a removed directory"));
  PetscCheck(!tr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "[%d] SNAPSTrajectoryClose() raised and left the writer allocated", rank);
  PetscCall(SNAPSTrajectoryDestroy(&tr)); /* does nothing: no double free */
  PetscCall(PetscMallocGetCurrentUsage(&after));
  PetscCheck(after <= before, PETSC_COMM_SELF, PETSC_ERR_PLIB, "[%d] The failed SNAPSTrajectoryClose() left %g bytes allocated", rank, (double)(after - before));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "Unit test of the trajectory writer's error paths. Usage: test_trajectory <scratch directory>\n"));
  PetscCheck(argc >= 2, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Usage: test_trajectory <scratch directory>");
  PetscCall(PetscStrncpy(scratch, argv[1], sizeof(scratch)));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(TestOpenFails());
  PetscCall(TestOpenNameTooLong());
  PetscCall(TestCloseFails());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "test_trajectory: all tests passed on %d rank(s)\n", size));
  PetscCall(PetscFinalize());
  return 0;
}
