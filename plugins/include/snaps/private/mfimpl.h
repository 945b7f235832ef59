/* Private data of the multi-fidelity (mf) SNA type (SCIENCE.md section 3):
     residual: u(x) = u_LF(x) + delta(x),   ar1: u(x) = (1 + r(x)) u_LF(x) + delta(x), the part rho holding r
   The parts are ordinary SNAs. The LF part is fitted to LF data by its own fit; the correction (delta, and rho for
   ar1) to HF data: delta to y_HF - u_LF for the residual blend (u_LF the LF part; with -mf_nested_lf, the LF data at
   HF rows that are LF rows too, nested designs); for ar1 that is the start (r = 0) of a joint
   Levenberg-Marquardt fit of rho and delta with the LF part frozen. */
#pragma once

#include <snaps/private/snaimpl.h>

#define SNA_MF_MAX_INPUTS 64 /* as -sna_bounds */

typedef struct {
  SNAMFBlend blend;
  SNA        lf, delta, rho;   /* rho is only used (fitted, saved) by the ar1 blend */
  PetscBool  corrected;        /* the correction was fitted to HF data; otherwise the model is its LF part */
  PetscBool  correction_stage; /* while ar1's joint fit runs: theta = [rho, delta], the LF part frozen */
  PetscBool  lf_given;         /* the LF part was fitted elsewhere (SNAMFSetLowFidelity): a fit keeps it as it is */
  Vec        Xlf, Ylf;         /* LF training data of the next fit (references), or NULL */
  PetscReal  time_lf, time_correction;
  PetscBool  use_nested;    /* -mf_nested_lf: fit the correction against the LF data at nested HF rows */
  PetscReal *nested;        /* during a fit with LF data: the local HF rows whose inputs are also an LF row's, as
                               rows [x (d), y_LF (q), 1] sorted by x (nested designs); NULL otherwise */
  PetscInt     nnested;     /* rows of nested */
  PetscInt     nested_rows; /* HF rows (all ranks) the last fit's correction took the LF data at, not the LF model */
  SNAMFRhoForm rho_form;    /* ar1: r constant per output, a KHRONOS over some inputs, or over all */
  PetscInt     nrho_inputs; /* -mf_rho_inputs: the inputs r depends on in the form inputs (0: not given) */
  PetscInt     rho_inputs[SNA_MF_MAX_INPUTS];
  SNAMFSelect  select;      /* -mf_select: the form as given, or chosen by cross-validation over the HF cases */
  PetscInt     folds;       /* -mf_select_folds: most folds of the cross-validation */
  PetscInt     cv_folds;    /* folds the last selection used (0: none) */
  PetscReal    cv_error[3]; /* relative cross-validated error of each form (SNAMFRhoForm), -1 where not computed */
  Vec          cases;       /* case id of each HF row of the next fit (SNAMFSetCases), or NULL */
  PetscInt     size_values; /* the HF training values the last fit derived the correction's size from (0: given, kept) */
} SNA_MF;

/* Whether a part holds a model (fitted or loaded). */
static inline PetscBool SNAMFPartReady(SNA part)
{
  return (PetscBool)(part && part->setupcalled && part->lower);
}

/* Sets nparams: the LF part's parameters and, with a correction, those of delta (and rho). */
PETSC_INTERN PetscErrorCode SNAMFCountParameters(SNA);
/* Overwrites y (n x q, the LF values at x) with the corrected values (1 + r(x)) y + delta(x). */
PETSC_INTERN PetscErrorCode SNAMFCorrectLocal(SNA, PetscInt, const PetscReal[], PetscReal[]);
/* y (n x q) = the LF values at x: the LF data where the fit has them (nested HF rows), elsewhere the LF part. */
PETSC_INTERN PetscErrorCode SNAMFLowFidelityLocal(SNA, PetscInt, const PetscReal[], PetscReal[]);
/* The parameters of rho in theta: one per output for the constant form, else the part's. */
static inline PetscInt SNAMFRhoParams(SNA sna)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  return mf->rho_form == SNA_MF_RHO_CONSTANT ? sna->dim_out : mf->rho->nparams;
}
/* x (n rows of d inputs) as rho sees it: in the form inputs, the inputs it does not depend on moved to the middle of
   its box (so it is constant along them). *xr is x itself for the other forms; free *work afterwards. */
PETSC_INTERN PetscErrorCode SNAMFRhoPoints(SNA, PetscInt, const PetscReal[], const PetscReal **, PetscReal **);
/* Frees the nested-rows table of a fit. */
PETSC_INTERN PetscErrorCode SNAMFNestedDestroy(SNA_MF *);
/* The fit registered as "auto" for type mf. */
PETSC_INTERN PetscErrorCode SNAFit_MF(SNA, Vec, Vec);
/* HDF5 model-group I/O. */
PETSC_INTERN PetscErrorCode SNASave_MF(SNA, hid_t);
PETSC_INTERN PetscErrorCode SNALoad_MF(SNA, hid_t);
