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

/* Pages at the definitions (plugins/rollout/latent.c). */
PETSC_EXTERN PetscErrorCode SNAPSLatentFourier(PetscInt, PetscInt, const PetscInt[2], PetscReal[]);
PETSC_EXTERN PetscInt       SNAPSLatentFourierSize(PetscInt, PetscInt);
PETSC_EXTERN void           SNAPSLatentFourierWavenumber(PetscInt, PetscInt, PetscInt, PetscInt *, PetscInt *);
PETSC_EXTERN PetscErrorCode SNAPSLatentPOD(PetscInt, PetscInt, const PetscReal[], PetscInt, PetscReal[], PetscReal[], PetscReal *);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateEncodeRows(SNAPSSurrogate, MPI_Comm, PetscInt, PetscInt, PetscInt, const PetscReal[], PetscReal[]);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateDecodeRows(SNAPSSurrogate, PetscInt, PetscInt, const PetscReal[], PetscReal[]);
