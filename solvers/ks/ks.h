/* Kuramoto-Sivashinsky u_t + u u_x + u_xx + u_xxxx = 0, periodic on [0, L): pseudo-spectral (FFTW) with
   the 2/3 rule on the quadratic term, the linear part -u_xx - u_xxxx diagonal in Fourier space. */
#pragma once

#include "../flow/flow.h"

typedef struct _n_KS *KS;

PetscErrorCode KSCreate(PetscInt N, PetscReal L, KS *);
PetscErrorCode KSSetInitial(KS, const char kind[], PetscReal amplitude, PetscInt mode);
PetscErrorCode KSGetProblem(KS, FlowProblem *);
PetscErrorCode KSDestroy(KS *);
