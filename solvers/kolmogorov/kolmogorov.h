/* 2-D Kolmogorov flow in vorticity form on [0, 2 pi]^2:
     w_t + u.grad(w) = nu Lap(w) - alpha w + A n cos(n y),  u = (psi_y, -psi_x),  -Lap(psi) = w,
   pseudo-spectral with the 2/3 rule, distributed in slabs of rows (y) over the ranks by FFTW-MPI. */
#pragma once

#include "../flow/flow.h"

typedef struct _n_Kolmogorov *Kolmogorov;

PetscErrorCode KolmogorovCheckEquation(MPI_Comm, PetscInt N, PetscReal Re, PetscReal alpha, PetscInt n, PetscReal amplitude);
PetscErrorCode KolmogorovCheckInitial(MPI_Comm, const char kind[], PetscReal amplitude);
PetscErrorCode KolmogorovCreate(MPI_Comm, PetscInt N, PetscReal Re, PetscReal alpha, PetscInt n, PetscReal amplitude, Kolmogorov *);
PetscErrorCode KolmogorovSetInitial(Kolmogorov, const char kind[], PetscReal amplitude);
PetscErrorCode KolmogorovGetProblem(Kolmogorov, FlowProblem *);
PetscErrorCode KolmogorovDestroy(Kolmogorov *);
