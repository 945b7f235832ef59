/* Results reports: JSON files of named figures at the top level (numbers, strings, arrays of numbers), written by
   every program's -results option. Each report records the SNAPS version, the date, the MPI ranks and, as the one
   nested object "machine", the machine it ran on (host, CPU model, cores, BLAS and LAPACK libraries). */
#pragma once

#include <petscsys.h>

/* A report under construction. */
typedef struct _n_SNAPSReport *SNAPSReport;

/* Creates an empty report on a communicator; only rank 0 writes. Adds ranks and machine fields. */
PETSC_EXTERN PetscErrorCode SNAPSReportCreate(MPI_Comm, SNAPSReport *);
/* Adds or replaces a real-valued figure (NaN and Inf are written as null). */
PETSC_EXTERN PetscErrorCode SNAPSReportSetReal(SNAPSReport, const char[], PetscReal);
/* Adds or replaces an integer figure. */
PETSC_EXTERN PetscErrorCode SNAPSReportSetInt(SNAPSReport, const char[], PetscInt);
/* Adds or replaces a true/false field. */
PETSC_EXTERN PetscErrorCode SNAPSReportSetBool(SNAPSReport, const char[], PetscBool);
/* Adds or replaces a string field. */
PETSC_EXTERN PetscErrorCode SNAPSReportSetString(SNAPSReport, const char[], const char[]);
/* Adds or replaces an array of reals. */
PETSC_EXTERN PetscErrorCode SNAPSReportSetRealArray(SNAPSReport, const char[], PetscInt, const PetscReal[]);
/* Writes the report as JSON, atomically (temporary file, then rename). Collective. */
PETSC_EXTERN PetscErrorCode SNAPSReportWrite(SNAPSReport, const char[]);
/* Frees the report. */
PETSC_EXTERN PetscErrorCode SNAPSReportDestroy(SNAPSReport *);

/* Progress lines on long work (-progress_every <s>, 10 by default in every program that has it): when a line is due.
   Each program keeps its own line; the pacing is one. */
typedef struct {
  PetscReal      every;     /* wall seconds between lines (0: a line at every call) */
  PetscLogDouble wall0;     /* the wall clock at SNAPSProgressStart() */
  PetscLogDouble wall_last; /* the wall clock at the last line due (wall0 before the first) */
  PetscReal      at_last;   /* the point of progress of the last line due (the start's before the first) */
} SNAPSProgress;
/* Starts the clock of progress lines every wall seconds apart, from the point of progress at0. Not collective. */
PETSC_EXTERN PetscErrorCode SNAPSProgressStart(SNAPSProgress *, PetscReal, PetscReal);
/* Whether a progress line is due at point at (rank 0's clock decides, so every rank agrees); force: due unless at is
   the last line's point. Collective. */
PETSC_EXTERN PetscErrorCode SNAPSProgressDue(MPI_Comm, SNAPSProgress *, PetscReal, PetscBool, PetscBool *);

/* Writes a file atomically from rank 0's buffer: temporary name in the same directory, fsync, rename (into a stream
   such as /dev/null: the complete file copied). */
PETSC_EXTERN PetscErrorCode SNAPSWriteFileAtomic(MPI_Comm, const char[], const char[], size_t);
/* The same without fsync (file and directory): for files that only describe unsynced ones (a trajectory's XDMF). */
PETSC_EXTERN PetscErrorCode SNAPSWriteFileReplace(MPI_Comm, const char[], const char[], size_t);
/* Whether an output name is a stream, written into and never renamed over: a character device (/dev/null, a terminal),
   by stat() of the name as given. */
PETSC_EXTERN PetscErrorCode SNAPSOutputIsStream(const char[], PetscBool *);
/* SNAPSOutputTarget's *err when the name reaches a file through a link to an open descriptor (/proc/<pid>/fd/N,
   /dev/fd/N, /dev/stdout redirected to a file), which is never renamed over. */
#define SNAPS_OUTPUT_THROUGH_FD (-1)
/* The file an output replaces: its name with the symbolic links of its last component followed (a stream: itself);
   errno of a link that cannot be followed, or SNAPS_OUTPUT_THROUGH_FD. */
PETSC_EXTERN PetscErrorCode SNAPSOutputTarget(const char[], char[], size_t, int *);
/* "<dir>/.<base>" of the output's target, or "$TMPDIR/.<base>" for a stream (a character device). */
PETSC_EXTERN PetscErrorCode SNAPSTemporaryPrefix(const char[], char[], size_t);
/* Builds "<dir>/.<base>.tmp.<pid>.<n>" for filename (see SNAPSTemporaryPrefix; n counts the calls of this process),
   the temporary name used by atomic writes. */
PETSC_EXTERN PetscErrorCode SNAPSTemporaryName(const char[], char[], size_t);
/* Creates a temporary file exclusively (O_EXCL, no link followed) with mode 0600; errno of a failure (err may be NULL). */
PETSC_EXTERN PetscErrorCode SNAPSTemporaryCreate(const char[], int *);
/* Copies the file src to dst byte for byte on this process (dst created or truncated); on failure dst is removed.
   Not collective. */
PETSC_EXTERN PetscErrorCode SNAPSCopyFile(const char[], const char[]);
/* Puts the complete file tmp in the place of file on this process: renamed over its target (links followed, an
   existing file's mode kept, a new file's 0666 less the umask), or copied into a stream; errno of a failure. */
PETSC_EXTERN PetscErrorCode SNAPSMoveIntoPlace(const char[], const char[], int *);
/* Finishes an atomic write on one process: moves tmp into the place of file when the outcome is 0, else removes tmp. */
PETSC_EXTERN PetscErrorCode SNAPSCommitLocal(const char[], const char[], PetscErrorCode *, int *);
/* Finishes an atomic write: rank 0 renames tmp over file when its outcome is 0, else removes tmp; every rank
   gets rank 0's outcome and errno. Collective. */
PETSC_EXTERN PetscErrorCode SNAPSCommitTemporary(MPI_Comm, const char[], const char[], PetscErrorCode *, int *);
/* After work done on each rank alone (reading a file every rank needs) with PETSc's error printing held back
   (PetscReturnErrorHandler), ierr its outcome here: raises on comm, once, the first failing rank's error and message.
   Collective. */
PETSC_EXTERN PetscErrorCode SNAPSRaiseLocalError(MPI_Comm, PetscErrorCode);
/* The message of the error ierr just raised (PETSc's "specific" message), copied into why ("" if none). Not
   collective. */
PETSC_EXTERN PetscErrorCode SNAPSErrorMessage(PetscErrorCode, char[], size_t);
/* Runs load(ctx) on every rank alone, HDF5's and PETSc's error printing held back, then after(ctx, failed here,
   failed on some rank) (clean-up; may be NULL), then raises once on comm the first failing rank's error
   (SNAPSRaiseLocalError()). Collective. */
PETSC_EXTERN PetscErrorCode SNAPSLoadLocal(MPI_Comm, PetscErrorCode (*)(void *), PetscErrorCode (*)(void *, PetscBool, PetscBool), void *);
