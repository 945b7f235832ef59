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

/* Computes the POD of N snapshots. Keeps the smallest number k of modes whose relative projection
   error sqrt(sum_{j>=k} sigma_j^2 / sum sigma^2) is at most tol, but at most maxk (PETSC_DETERMINE
   for N) and never modes with sigma_j <= 1e-13 sigma_0 (numerically dependent snapshots).
   Returns k, the modes (orthonormal Vecs of the snapshots' layout; free with VecDestroyVecs(k, &basis))
   and N singular values sigma (zeros for dependent snapshots; caller frees with PetscFree); nothing on failure. Collective. */
PETSC_EXTERN PetscErrorCode SNAPSPODCompute(PetscInt, const Vec[], PetscReal, PetscInt, PetscInt *, Vec **, PetscReal **);
