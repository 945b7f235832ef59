/* Proper orthogonal decomposition (POD) of snapshot vectors: a thin QR factorisation S = Q R of the
   snapshot matrix by Gram-Schmidt with reorthogonalisation (two classical passes, one MPI reduction
   each), then the SVD of the small R = U_R Sigma W^T with LAPACK (dgesvd). The POD modes are the
   columns of Q U_R and the singular values those of S, accurate to machine precision relative to the
   largest (unlike the method of snapshots, whose Gram matrix squares the condition number and loses
   every singular value below about 1e-8 of the largest). A snapshot that adds no new direction (its
   remainder after projection is below 1e-13 of its norm) adds no column to Q.
   sum_{j >= k} sigma_j^2 / sum_j sigma_j^2 is the squared relative Frobenius error of projecting all
   snapshots onto the first k modes. */
#pragma once

#include <petscvec.h>

/* Page at the definition (plugins/pod/pod.c). */
PETSC_EXTERN PetscErrorCode SNAPSPODCompute(PetscInt, const Vec[], PetscReal, PetscInt, PetscInt *, Vec **, PetscReal **);
PETSC_EXTERN PetscErrorCode SNAPSPODStopReason(PetscInt, const PetscReal[], PetscInt, PetscReal, const char **);
PETSC_EXTERN PetscReal      SNAPSPODProjectionError(PetscInt, const PetscReal[], PetscInt);
