/* Snapshot files: training solutions of a parametrised linear problem, the input of snaps-pod.

   HDF5 layout (readable with h5py):
     /X   N x q float64: the parameters of each sample (the dataset contract of snaps/dataset.h)
     /U   N x n float64: the solutions, one row per sample, in the natural ordering (snaps/ordering.h)
     /B   N x n float64: the right-hand sides the linear solver saw (optional)
     attributes of /: fingerprint (the operator's, 16 hex digits), vector_size n, n_params q,
                      n_samples N, ordering ("natural")
   /U and /B are written with PETSc's HDF5 viewer, one timestep per sample (attribute timestepping): each row
   is gathered to rank 0, which alone writes the file (a write failing there cannot hang the other ranks), and
   read in parallel. The file is written under a temporary name and renamed when it is complete. */
#pragma once

#include <petscvec.h>

/* A snapshot file being written. */
typedef struct _n_SNAPSSnapshots *SNAPSSnapshots;

/* Pages at the definitions (plugins/io/snapshots.c). */
PETSC_EXTERN PetscErrorCode SNAPSSnapshotsCreate(MPI_Comm, const char[], PetscInt, const char[], SNAPSSnapshots *);
PETSC_EXTERN PetscErrorCode SNAPSSnapshotsAdd(SNAPSSnapshots, const PetscReal[], Vec, Vec);
PETSC_EXTERN PetscErrorCode SNAPSSnapshotsClose(SNAPSSnapshots *);
/* Abandons an unfinished snapshot file (the writer's run failed): closes and removes the temporary file, leaves an
   existing file of that name as it was, frees the writer. NULL is a no-op. Collective. */
PETSC_EXTERN PetscErrorCode SNAPSSnapshotsDestroy(SNAPSSnapshots *);

PETSC_EXTERN PetscErrorCode SNAPSSnapshotsLoad(MPI_Comm, const char[], PetscInt *, Vec *, Vec **, Vec **, char[17]);
