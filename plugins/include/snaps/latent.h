/* Latent bases of rollout surrogates (snaps/surrogate.h): z = B (u - mean), B with orthonormal rows.
     fourier: the first r Fourier modes of a 1-D periodic field (cos and sin, D = 2r) and a zero mean (KS
              conserves it); the default for 1-D fields.
     pod:     the time-average of the training snapshots and the leading r POD modes of their fluctuations
              (snaps/pod.h), D = r; the default for 2-D fields (Kolmogorov flow), whose energetic structures
              are not single Fourier modes.
   The model file stores the basis, the mean, the attribute latent_basis ("fourier" or "pod") and
   latent_energy, the fraction of the training fluctuations' energy the basis captures (pod; -1 for fourier: not
   measured).
   Fields split over ranks (rows of a 2-D grid, FFTW-MPI slabs) are encoded from each rank's rows and one
   reduction, and decoded row by row where they live. */
#pragma once

#include <snaps/surrogate.h>

/* The Fourier basis of a 1-D periodic field of n points: rows cos(2 pi k j / n) and sin(2 pi k j / n) for
   k = 1..r, scaled to unit norm (B is 2r x n). */
PETSC_EXTERN PetscErrorCode SNAPSLatentFourier(PetscInt, PetscInt, PetscReal[]);
/* The POD basis of m snapshots X (m x npts): mean (npts) = their average, B (r x npts) = the leading r POD
   modes of X - mean, and energy = the fraction of sum |X - mean|^2 the r modes capture. Not collective: each
   rank computes it alone (identically from identical X). */
PETSC_EXTERN PetscErrorCode SNAPSLatentPOD(PetscInt, PetscInt, const PetscReal[], PetscInt, PetscReal[], PetscReal[], PetscReal *);
/* z (D) from the points [lo, hi) of a field that comm's ranks hold in pieces (u: this rank's points): partial
   sums per block of `block` points (lo and hi multiples of it), summed over comm by one MPI_Allreduce and
   then over the blocks in order, so z is the same bit for bit on any number of ranks that split the field
   at block boundaries. Collective on comm (PETSC_COMM_SELF for a field on one rank: lo = 0, hi = npts). */
PETSC_EXTERN PetscErrorCode SNAPSSurrogateEncodeRows(SNAPSSurrogate, MPI_Comm, PetscInt, PetscInt, PetscInt, const PetscReal[], PetscReal[]);
/* The points [lo, hi) of the field decoded from z (u: hi - lo values). Not collective. */
PETSC_EXTERN PetscErrorCode SNAPSSurrogateDecodeRows(SNAPSSurrogate, PetscInt, PetscInt, const PetscReal[], PetscReal[]);
