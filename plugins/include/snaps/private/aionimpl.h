/* Private data of the AION SNA type (SCIENCE.md section 5):
     u(x) = sum_{m<r} prod_{p<d} psi_{p,m}(t_p),   psi_{p,m}(t) = sum_{k<P} A exp(alpha t) cos(omega t + phi),
   t_p = (x_p - lower_p) / (upper_p - lower_p). Every atom is closed under differentiation and
   multiplication, so all derivatives below are closed-form atoms again.

   Two parametrisations of a term, 4 numbers each, stored at 4 * ((p * r + m) * P + k):
     polar  (A, alpha, omega, phi):  A e^{alpha t} cos(omega t + phi)  -- the model's parameters theta
     linear (a, b, alpha, omega):    e^{alpha t} (a cos(omega t) + b sin(omega t)),
                                     a = A cos(phi), b = -A sin(phi)
   In the linear form u is linear in the amplitudes (a, b) of input 0, given everything else: these are
   the block that infinite descent eliminates in closed form.
   Normalisation: a product of factors is unchanged if one factor is scaled by s and another by 1/s.
   Fits that fix the gauge (infinite descent) give the factors of inputs 1..d-1 unit amplitude norm,
   sum_k A_k^2 = 1, and carry the scale in input 0. */
#pragma once

#include <snaps/private/snaimpl.h>

/* The most separable products and terms per factor an AION model holds: what a model file may declare (see
   SNA_MAX_INPUTS) */
#define SNA_AION_MAX_RANK  1024
#define SNA_AION_MAX_TERMS 1024

typedef enum {
  SNA_AION_POLAR,
  SNA_AION_LINEAR
} SNAAionParametrization;

typedef struct {
  PetscInt          rank;       /* r */
  PetscInt          terms;      /* P */
  PetscInt          seed;       /* default initialisation */
  PetscBool         seed_given; /* -sna_aion_seed given: a fit it does not seed warns (SNAFitSeedUnused_C) */
  PetscBool         seed_drew;  /* the default start was drawn after it was given */
  PetscBool         init_start; /* the set-up took its start from -sna_aion_init */
  SNAAionPencilMode pencil;     /* when infinite descent solves algebraically */
  PetscInt          pencil_L;   /* pencil parameter; 0 picks one from the sizes */
  PetscReal        *init;       /* -sna_aion_init values applied at set-up (ninit of them) */
  PetscInt          ninit;
  PetscBool         init_full; /* ... which filled the room SNASetFromOptions() had: the list may be longer */
  PetscReal        *theta; /* polar parameters, 4 d r P */
} SNA_Aion;

/* Number of parameters 4 d r P. */
static inline PetscInt SNAAionNumParameters(SNA sna)
{
  const SNA_Aion *ai = (const SNA_Aion *)sna->data;
  return 4 * sna->dim_in * ai->rank * ai->terms;
}

/* Converts the whole parameter vector between the two parametrisations (in place allowed). */
PETSC_EXTERN void SNAAionPolarToLinear(PetscInt, const PetscReal[], PetscReal[]);
PETSC_EXTERN void SNAAionLinearToPolar(PetscInt, const PetscReal[], PetscReal[]);

/* The workhorse of every AION fit: over n local samples, for the parameters cols[0..nc) (indices into
   theta, given in the chosen parametrisation), accumulates
     *sse += 1/2 sum_i r_i^2   with r_i = u(x_i) - y_i,
     g[c] += sum_i r_i du_i/dtheta_c,
     H[c*nc + c'] += sum_i du_i/dtheta_c du_i/dtheta_c' (+ r_i d^2u_i/dtheta_c dtheta_c' if exact),
   and stores r[i] and the Jacobian rows J[i*nc + c]. Every output may be NULL; y may be NULL when
   neither sse, g, H nor r is wanted. H gets both triangles. No MPI reduction. Exported for the
   benchmark's independent variable-projection baseline. */
PETSC_EXTERN PetscErrorCode SNAAionAssemble(SNA, SNAAionParametrization, const PetscReal[], PetscInt, const PetscReal[], const PetscReal[], PetscInt, const PetscInt[], PetscBool, PetscReal *, PetscReal[], PetscReal[], PetscReal[], PetscReal[]);

/* The separable split of theta (linear parametrisation): cols[0..nL) are the amplitudes (a, b) of input 0,
   on which u is linear given the rest, cols[nL..nparams) everything else; nL = 2 r P. cols has nparams
   entries. Exported for the benchmark's variable-projection baseline. */
PETSC_EXTERN PetscErrorCode SNAAionSplitParameters(SNA, PetscInt *, PetscInt[]);

/* Loss-gradient, exact Hessian and residual-Jacobian ops (polar parameters, all of them). */
PETSC_INTERN PetscErrorCode SNALossGradientLocal_Aion(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal *, PetscReal[]);
PETSC_INTERN PetscErrorCode SNAHessianLocal_Aion(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal[]);
PETSC_INTERN PetscErrorCode SNAResidualJacobianLocal_Aion(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal[], PetscReal[]);

/* The algebraic part of infinite descent: if the data are uniform 1-D samples or a uniform 2-D tensor
   grid (and the pencil mode allows), sets theta_linear to the matrix-pencil solution and *found; with
   SNA_AION_PENCIL_ALWAYS, data that do not allow it are an error naming why. Collective. */
PETSC_INTERN PetscErrorCode SNAAionAlgebraicSolve(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal[], PetscBool *);
/* The infinite-descent fit (fit type infinite_descent). */
PETSC_INTERN PetscErrorCode SNAFit_Aion_InfiniteDescent(SNA, Vec, Vec);
/* HDF5 model-group I/O. */
PETSC_INTERN PetscErrorCode SNASave_Aion(SNA, hid_t);
PETSC_INTERN PetscErrorCode SNALoad_Aion(SNA, hid_t);
/* Allocates theta for the current sizes (zeroed) and sets nparams. */
PETSC_INTERN PetscErrorCode SNAAionAllocate(SNA);
