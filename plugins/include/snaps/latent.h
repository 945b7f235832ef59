/* Latent bases of rollout surrogates (snaps/surrogate.h): z = B (u - mean), B with orthonormal rows.
     fourier: the first r Fourier modes of a 1-D periodic field (cos and sin, D = 2r), or on a 2-D periodic grid
              the modes of the half plane (kx > 0, or kx = 0 and ky > 0) of the box |kx|, |ky| <= r (D = 4r(r + 1)),
              and a zero mean (KS and Kolmogorov flow conserve it); the default for 1-D fields. Translations
              rotate each (cos, sin) pair, which is what lets a drift be equivariant (surrogatefit.c).
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

/* The Fourier basis of r modes of a periodic field of sdim = 1 or 2 dimensions on the grid shape (row-major, 2-D:
   shape[0] points in y, the slow index, and shape[1] in x): rows cos and sin of 2 pi (kx i / nx + ky j / ny) in the
   order of SNAPSLatentFourierWavenumber, scaled to unit norm (B is D x npts, D = SNAPSLatentFourierSize). */
PETSC_EXTERN PetscErrorCode SNAPSLatentFourier(PetscInt, PetscInt, const PetscInt[2], PetscReal[]);
/* The latent size D of r Fourier modes in sdim dimensions: 2r (1-D) or 4r(r + 1) (2-D). */
PETSC_EXTERN PetscInt SNAPSLatentFourierSize(PetscInt, PetscInt);
/* The wavenumber (kx, ky) of coordinate a of the Fourier latent of r modes in sdim dimensions (cos at even a, sin at
   odd a): 1-D, kx = a / 2 + 1 and ky = 0; 2-D, kx = 0 and ky = 1..r, then kx = 1..r with ky = -r..r. */
PETSC_EXTERN void SNAPSLatentFourierWavenumber(PetscInt, PetscInt, PetscInt, PetscInt *, PetscInt *);
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
