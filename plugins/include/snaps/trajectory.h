/* Trajectory files of time-dependent solvers and of surrogate rollouts (one format for both), and the
   checkpoint files that let a long run restart.

   A trajectory file (HDF5, readable with h5py; XDMF beside it for 2-D fields so ParaView animates them: every member
   of an ensemble, one block each):
     /time                 float64 (nt)                     the saved times
     /<field>              float64 (nt, members, n1[, n2])   one row per saved time; chunked by row, Fletcher32
     /diagnostics/<name>   float64 (nt, members)             scalar diagnostics of each member (energy, ...)
     attributes on /       snaps_trajectory_version, equation, field, members, complete (0 while running)
                           and the run's parameters (SNAPSTrajectorySetAttribute*): integers (N, seed,
                           forcing_wavenumber) int64 (float64 in older files; readers take either), reals
                           float64 (L, Re, nu, alpha, forcing_amplitude, dt_save, init_time), strings (init,
                           init_trajectory, stepper, stepper_model, run_fingerprint: the options that make the
                           run, which a restart compares, SNAPSTrajectoryGetRun()); README "File contracts" lists them
   While a run is going the rows go to "<dir>/.<base>.partial", flushed after every row, so a killed run
   keeps what it wrote (a write that fails removes it where no restart could resume it: SNAPSTrajectorySetResumable());
   SNAPSTrajectoryClose() renames it to the final name. A restarted run reopens the
   partial file and cuts it back to the rows of its checkpoint; a restart of a finished run (raising -T) reopens a
   copy of its complete file instead. */
#pragma once

#include <petscsys.h>

#define SNAPS_TRAJECTORY_VERSION 1

/* What a trajectory holds: the field's name and grid, the members, the diagnostics. */
typedef struct {
  char        equation[32]; /* "ks", "kolmogorov", ... */
  char        field[32];    /* dataset name of the field, e.g. "u" or "w" */
  PetscInt    members;      /* ensemble members (independent trajectories) */
  PetscInt    sdim;         /* spatial dimensions: 1 or 2 */
  PetscInt    shape[2];     /* grid points per dimension (row-major: shape[0] is the slow index) */
  PetscReal   length[2];    /* the periodic box, for the XDMF geometry */
  PetscInt    ndiag;        /* scalar diagnostics per member and saved time */
  const char *diag[16];     /* their names */
} SNAPSTrajectoryDesc;

typedef struct _n_SNAPSTrajectory *SNAPSTrajectory;

/* "<file without .h5>.xmf": the XDMF description SNAPSTrajectoryClose writes beside 2-D fields. */
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryXdmfName(const char[], char[], size_t);
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryPartialName(MPI_Comm, const char[], char[], size_t, PetscBool *);
/* Refuses a name with a control character, or with ':' in its base name where an XDMF file names it. Collective. */
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryCheckName(MPI_Comm, const char[], const char[], PetscBool);
/* Whether a restart can resume the partial file (default yes): a failed write keeps it, or removes it. */
PETSC_EXTERN PetscErrorCode SNAPSTrajectorySetResumable(SNAPSTrajectory, PetscBool);
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryGetRun(MPI_Comm, const char[], char[], size_t, char[], size_t);
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryOpen(MPI_Comm, const char[], const SNAPSTrajectoryDesc *, PetscInt, SNAPSTrajectory *);
PETSC_EXTERN PetscErrorCode SNAPSTrajectorySetAttributeReal(SNAPSTrajectory, const char[], PetscReal);
PETSC_EXTERN PetscErrorCode SNAPSTrajectorySetAttributeInt(SNAPSTrajectory, const char[], PetscInt);
PETSC_EXTERN PetscErrorCode SNAPSTrajectorySetAttributeString(SNAPSTrajectory, const char[], const char[]);
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryAppend(SNAPSTrajectory, PetscReal, const PetscReal[], const PetscReal[]);
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryClose(SNAPSTrajectory *);
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryDestroy(SNAPSTrajectory *);

/* A whole trajectory file in memory (every rank reads its own copy): training data for surrogates, and
   initial states taken from a saved run. */
typedef struct {
  char equation[32], field[32];
  /* what advanced it: "arkode" (also in files without the attribute) or "sna", and its -stepper_model (else "") */
  char      stepper[16], stepper_model[PETSC_MAX_PATH_LEN];
  PetscInt  nt, members, npts; /* saved times, members, grid points of one member */
  PetscInt  sdim, shape[2];
  PetscReal length;    /* the attribute L (KS), or 0 where the file has none */
  PetscReal nu, alpha; /* the attributes nu and alpha (Kolmogorov: viscosity, linear drag), or 0 */
  PetscInt  forcing;   /* the attribute forcing_wavenumber (Kolmogorov), or 0 */
  PetscReal famp;      /* the attribute forcing_amplitude (Kolmogorov; 1, snaps-kolmogorov's default, where a forced
                          file has none), or 0 */
  PetscReal *time;     /* nt */
  PetscReal *data;     /* nt x members x npts */
} SNAPSTrajectoryData;

/* Reads a complete trajectory file (refuses one a run is still writing, or was killed writing). Collective. */
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryLoad(MPI_Comm, const char[], SNAPSTrajectoryData *);
/* The saved time t alone (PETSC_MIN_REAL: the first), as a trajectory of nt = 1; refused as FindTime refuses. */
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryLoadTime(MPI_Comm, const char[], PetscReal, SNAPSTrajectoryData *);
/* SNAPSTrajectoryFindTime(): its page is at its definition (plugins/io/trajectory.c). */
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryFindTime(const SNAPSTrajectoryData *, const char[], PetscReal, PetscInt *);
PETSC_EXTERN PetscErrorCode SNAPSTrajectoryDataFree(SNAPSTrajectoryData *);

/* Checkpoints: named real scalars and named 2-D float64 arrays in one HDF5 file written atomically by
   rank 0; loading gives every rank the same values. */
typedef struct _n_SNAPSCheckpoint *SNAPSCheckpoint;

PETSC_EXTERN PetscErrorCode SNAPSCheckpointCreate(MPI_Comm, SNAPSCheckpoint *);
PETSC_EXTERN PetscErrorCode SNAPSCheckpointSetReal(SNAPSCheckpoint, const char[], PetscReal);
PETSC_EXTERN PetscErrorCode SNAPSCheckpointSetString(SNAPSCheckpoint, const char[], const char[]);
PETSC_EXTERN PetscErrorCode SNAPSCheckpointSetArray(SNAPSCheckpoint, const char[], PetscInt, PetscInt, const PetscReal[]);
PETSC_EXTERN PetscErrorCode SNAPSCheckpointWrite(SNAPSCheckpoint, const char[]);
PETSC_EXTERN PetscErrorCode SNAPSCheckpointLoad(SNAPSCheckpoint, const char[]);
PETSC_EXTERN PetscErrorCode SNAPSCheckpointHas(SNAPSCheckpoint, const char[], PetscBool *);
PETSC_EXTERN PetscErrorCode SNAPSCheckpointGetReal(SNAPSCheckpoint, const char[], PetscReal *);
PETSC_EXTERN PetscErrorCode SNAPSCheckpointGetString(SNAPSCheckpoint, const char[], char[], size_t);
PETSC_EXTERN PetscErrorCode SNAPSCheckpointGetArray(SNAPSCheckpoint, const char[], PetscInt, PetscInt, PetscReal[]);
PETSC_EXTERN PetscErrorCode SNAPSCheckpointDestroy(SNAPSCheckpoint *);
