/* Datasets in HDF5: the file contract shared by every SNAPS program.

   A dataset group holds /X (N x d) and /Y (N x q), float64, row per sample
   ("/" for plain datasets; "/lf" and "/hf" for multi-fidelity files). A 1-D
   /Y of length N is read as N x 1. Reads and writes are MPI-parallel: each
   rank reads or writes a contiguous block of rows (PETSc's default layout). */
#pragma once

#include <petscvec.h>

/* Reads group/X and group/Y into new Vecs with block sizes d and q, distributed by rows.
   Checks and reports by name: missing or unreadable file (not HDF5, corrupt), missing datasets,
   non-float data, wrong rank, different N in X and Y, N == 0, and NaN or Inf values.
   group may be NULL for "/". */
PETSC_EXTERN PetscErrorCode SNADatasetLoad(MPI_Comm, const char[], const char[], Vec *, Vec *);
/* Reads one 2-D (or 1-D, as N x 1) float64 dataset, e.g. "/X", into a Vec with block size = columns,
   with the same checks as SNADatasetLoad(). */
PETSC_EXTERN PetscErrorCode SNADatasetLoadArray(MPI_Comm, const char[], const char[], Vec *);
/* Whether the object path (a group "/hf" or a dataset "/YLF") exists in an HDF5 file. */
PETSC_EXTERN PetscErrorCode SNADatasetHas(MPI_Comm, const char[], const char[], PetscBool *);
/* Reads group/case (N integer ids, one per row: the case or design a row belongs to) into a Vec distributed as the
   rows of SNADatasetLoad(); N is the row count of group/X. */
PETSC_EXTERN PetscErrorCode SNADatasetLoadCases(MPI_Comm, const char[], const char[], PetscInt, Vec *);
/* Reads a multi-fidelity file (/lf/X, /lf/Y, /hf/X, /hf/Y): a missing group, or fidelities with different input or
   output counts, are errors naming them. */
PETSC_EXTERN PetscErrorCode SNADatasetLoadFidelities(MPI_Comm, const char[], Vec *, Vec *, Vec *, Vec *);
/* A new Vec (same block size, PETSc's default type) with this rank's rows i of X (rows of block-size columns) for
   which keep[i], in order: the rows stay on the rank that held them. Collective. */
PETSC_EXTERN PetscErrorCode SNADatasetSelectRows(Vec, const PetscBool[], Vec *);
/* Writes Vecs (rows of block-size columns) as named float64 datasets into a new file, atomically:
   the file is written under a temporary name and renamed over filename only when complete.
   names[i] may contain a group path such as "/hf/Y"; groups are created as needed. What SNADatasetLoad() would
   refuse is an error and writes nothing: NaN or Inf values, a group's Y or case of another row count than its X. */
PETSC_EXTERN PetscErrorCode SNADatasetSave(MPI_Comm, const char[], PetscInt, const char *const[], const Vec[]);
