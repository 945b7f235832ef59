/* What a fitting algorithm (plugins/fit/) may ask of an SNA: its data, settings, parameters and the loss
   operations of its type, through functions rather than the class's struct. Fits register themselves with
   SNAFitRegister(); SNAFit() has checked the data and set the model up before calling one. */
#pragma once

#include <snaps/sna.h>

/* Loss operations a type may provide; a generic fit asks for the ones it needs. */
typedef enum {
  SNA_FIT_OP_GRADIENT,         /* 1/2 |r|^2 and its gradient */
  SNA_FIT_OP_HESSIAN,          /* the exact Hessian of 1/2 |r|^2 */
  SNA_FIT_OP_RESIDUAL_JACOBIAN /* residuals and their Jacobian (dense rows); with it, Gauss-Newton normal equations */
} SNAFitOperation;

/* The training samples of this rank (x: n rows of d, y: n rows of q) and the global count N; restore with
   SNAFitRestoreData(). */
PETSC_INTERN PetscErrorCode SNAFitGetData(SNA, Vec, Vec, PetscInt *, PetscInt *, const PetscReal **, const PetscReal **);
PETSC_INTERN PetscErrorCode SNAFitRestoreData(SNA, Vec, Vec, const PetscReal **, const PetscReal **);
/* The fit settings: Tikhonov weight, tolerances and the iteration budget. The relative tolerance comes scaled:
   a sweep or step that lowers the training MSE by less than the returned rtol has converged (rtol times the
   variance of the targets). */
PETSC_INTERN PetscErrorCode SNAFitGetSettings(SNA, PetscReal *, PetscReal *, PetscReal *, PetscInt *);
/* For a fit whose objective has no Tikhonov term: the error "-sna_fit_lambda <value> ... weighs ... which <what>: drop
   it (or set 0)<alt>" if the user gave a nonzero lambda (SNASetRegularization(), -sna_fit_lambda), else nothing. */
PETSC_INTERN PetscErrorCode SNAFitRefuseLambda(SNA, const char[], const char[]);
/* The slow-progress stop: window steps (0: off) and their relative gain (-sna_fit_progress_window, _rtol). */
PETSC_INTERN PetscErrorCode SNAFitGetProgressStop(SNA, PetscInt *, PetscReal *);
/* The relative-tolerance test of every fit: a sweep or step (or a predicted step) that lowered the training MSE
   from prev to mse has converged when the change is below rtol times the variance of the targets, unless it
   still removed more than half of the loss (fast, e.g. quadratic, convergence towards an exact fit goes on to
   rounding level, while a slow crawl at a loss that is already small relative to the data stops). */
PETSC_INTERN PetscBool SNAFitDecreaseConverged(SNA, PetscReal, PetscReal);
/* Whether the SNA's type provides a loss operation; with has NULL, raises an error naming the fit and what is missing. */
PETSC_INTERN PetscErrorCode SNAFitHasOperation(SNA, SNAFitOperation, const char[], PetscBool *);
/* Sets theta without the NaN check of SNASetParameters() (trial points of a fit may overflow). */
PETSC_INTERN PetscErrorCode SNAFitSetParameters(SNA, const PetscReal[]);
/* Rank-local loss operations of the type, summed over the n local samples (no MPI reduction). */
PETSC_INTERN PetscErrorCode SNAFitLossLocal(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal *);
PETSC_INTERN PetscErrorCode SNAFitLossGradientLocal(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal *, PetscReal[]);
PETSC_INTERN PetscErrorCode SNAFitHessianLocal(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal[]);
PETSC_INTERN PetscErrorCode SNAFitResidualJacobianLocal(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal[], PetscReal[]);
/* Gauss-Newton normal equations of n local samples: *sse += 1/2 |r|^2, JtJ += J^T J (P x P, row-major; only
   the upper triangle, j >= i, is guaranteed) and Jtr += J^T r, from the type's sparse operation where it has
   one, else from dense Jacobian rows. */
PETSC_INTERN PetscErrorCode SNAFitNormalEquationsLocal(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal *, PetscReal[], PetscReal[]);
/* Whether the fit should stop now (the held-out validation MSE stopped improving, -sna_fit_validation): a fit
   checks it after each monitored iteration and then ends with SNA_CONVERGED_VALIDATION. */
PETSC_INTERN PetscBool SNAFitStopRequested(SNA);
/* Withdraws the request and starts the stopping record afresh, for a composite fit that hands over to another
   method (the best iterate of all is still kept). */
PETSC_INTERN PetscErrorCode SNAFitValidationResume(SNA);
/* Reports progress: the iteration number continues over the stages of a fit; stage names the current one. */
PETSC_INTERN PetscErrorCode SNAFitMonitor(SNA, PetscInt, PetscReal);
PETSC_INTERN PetscErrorCode SNAFitSetStage(SNA, const char[]);
/* Adds the work of a (stage of a) fit to the fit's statistics and iteration count, and sets its reason. */
PETSC_INTERN PetscErrorCode SNAFitAddWork(SNA, PetscInt, const SNAFitStatistics *);
PETSC_INTERN PetscErrorCode SNAFitSetReason(SNA, SNAConvergedReason);
/* Runs the fit registered under a name on this SNA (a composite fit calls its stages this way). */
PETSC_INTERN PetscErrorCode SNAFitRun(SNA, const char[], Vec, Vec);
/* The fit registered under a name, after the refusal of the options given that it would ignore (SNAFitRun() calls it;
   SNAFit() too, before any work on the data). */
PETSC_INTERN PetscErrorCode SNAFitRunCheck(SNA, const char[], PetscErrorCode (**)(SNA, Vec, Vec));

/* Anderson acceleration of a sweep map theta -> G(theta) (plugins/fit/anderson.c): SNAAndersonMix() records
   (theta, G(theta)) and returns the accelerated point from the last m pairs; the caller keeps it only if it
   lowers the loss below G(theta)'s (the safeguard), and resets the history when it does not. */
typedef struct _n_SNAAnderson *SNAAnderson;
PETSC_INTERN PetscErrorCode    SNAAndersonCreate(PetscInt, PetscInt, SNAAnderson *);
PETSC_INTERN PetscErrorCode    SNAAndersonDestroy(SNAAnderson *);
PETSC_INTERN PetscErrorCode    SNAAndersonReset(SNAAnderson);
PETSC_INTERN PetscErrorCode    SNAAndersonMix(SNAAnderson, const PetscReal[], const PetscReal[], PetscReal[], PetscBool *);

/* Generic fits, registered for every type. */
PETSC_INTERN PetscErrorCode SNAFit_TAO(SNA, Vec, Vec);
PETSC_INTERN PetscErrorCode SNAFit_LM(SNA, Vec, Vec);
