/* The SNA class: separable neural architectures as PETSc objects.

   An SNA maps d inputs to q outputs. Training data are PETSc Vecs distributed
   by samples: X has block size d (sample i is entries [i*d, (i+1)*d)), Y has
   block size q. Each rank owns the samples in its local part; fitting sums
   the rank-local contributions with MPI reductions, so the fitted model is
   the same on every rank and for any number of ranks. */
#pragma once

#include <petscvec.h>
#include <petscviewer.h>
#include <snaps/report.h>

/* An SNA object. */
typedef struct _p_SNA *SNA;

/* SNA implementation names, for SNASetType() and -sna_type. */
typedef const char *SNAType;
#define SNAKHRONOS "khronos"
#define SNAAION    "aion"
#define SNAMF      "mf" /* multi-fidelity: an LF SNA and a correction SNA (SCIENCE.md section 3) */

/* Fitting algorithm names, for SNASetFitType() and -sna_fit_type. */
typedef const char *SNAFitType;
#define SNAFITALS             "als"
#define SNAFITTAO             "tao"
#define SNAFITINFINITEDESCENT "infinite_descent" /* single outer step solving grad L(theta + delta) = 0 (SCIENCE.md 5) */
#define SNAFITLM              "lm"               /* Levenberg-Marquardt on all parameters (damped Gauss-Newton, direct solve) */
#define SNAFITAUTO            "auto"             /* KHRONOS's default: ALS with Anderson acceleration, then, if ALS did not converge, Levenberg-Marquardt from the same start on models of at most 2000 parameters (the better result kept) */
#define SNAFITIRLS            "irls"             /* cross-entropy loss: exact block Newton (IRLS) on each KHRONOS block */

/* The training loss. MSE: (1/2N) sum |y - u|^2. Cross-entropy: the q outputs are the logits of a categorical
   distribution p = softmax(u) over q classes and y holds class probabilities (one-hot rows for labels):
   (1/N) sum_i -sum_j y_ij log p_ij. */
typedef enum {
  SNA_LOSS_MSE,
  SNA_LOSS_CROSS_ENTROPY
} SNALossType;
PETSC_EXTERN const char *const SNALossTypes[];

/* What SNAFit() minimises: the data loss (the default), or a Ritz energy 1/2 a(u,u) - l(u) of a separable
   bilinear form set with SNASetRitzForm(), for which SNAFit() takes no data. */
typedef enum {
  SNA_OBJECTIVE_LEAST_SQUARES, /* (1/2N) sum |y - u|^2 + (lambda/2) |theta|^2 over the samples given to SNAFit() */
  SNA_OBJECTIVE_RITZ           /* 1/2 a(u,u) - l(u): the Galerkin solution of a(u,v) = l(v) in the model's trial space */
} SNAObjective;
PETSC_EXTERN const char *const SNAObjectives[];

/* Why SNAFit() stopped. Positive: converged; negative: not converged (as KSPConvergedReason). Whatever the
   reason, the model holds the best iterate the fit saw. */
typedef enum {
  SNA_CONVERGED_ITERATING  = 0,
  SNA_CONVERGED_ATOL       = 2,  /* training loss below -sna_fit_atol */
  SNA_CONVERGED_RTOL       = 3,  /* relative loss decrease below -sna_fit_rtol */
  SNA_CONVERGED_TAO        = 4,  /* TAO reported convergence */
  SNA_CONVERGED_STATIONARY = 6,  /* grad L = 0 solved: the Newton decrement fell to rounding level */
  SNA_CONVERGED_STALLED    = 7,  /* no step lowers the (finite) loss any more: a line search or the damping failed at
                                    rounding level, below the starting loss */
  SNA_CONVERGED_VALIDATION = 8,  /* the stop rule of the held-out samples fired (early stopping): under
                                    -sna_fit_validation_stop rise (the default) their MSE rose more than
                                    -sna_fit_validation_rise percent above its best, faster than the training MSE
                                    still fell; under patience it had not improved for -sna_fit_validation_patience
                                    iterations. The model holds the best-validation iterate */
  SNA_STOPPED_SLOW_PROGRESS = 9, /* the last -sna_fit_progress_window steps together lowered the objective by less
                                    than -sna_fit_progress_rtol times it: stopped, not converged, but a usable model
                                    (positive: the stop the user asked for, so -sna_fit_error_if_not_converged
                                    accepts it and a validation refit treats it as an ending, as the other positives) */
  SNA_DIVERGED_NANORINF    = -1,
  SNA_DIVERGED_TAO         = -2, /* TAO failed without lowering the loss */
  SNA_DIVERGED_ITS         = -3, /* -sna_fit_max_it sweeps or iterations done before any tolerance was met */
  SNA_DIVERGED_NO_PROGRESS = -4, /* no step lowered the loss below its starting value */
  SNA_DIVERGED_STALLED     = -5  /* a sweep (ALS, or infinite_descent's block Newton steps) raised the training
                                    loss by more than -sna_fit_rtol times the targets' variance (a smaller change has
                                    converged) before any tolerance was met, with sweeps of -sna_fit_max_it
                                    left: the sweeps stopped where the penalty -sna_fit_lambda (or rounding) holds the
                                    fit; lower -sna_fit_lambda, more sweeps do not help */
} SNAConvergedReason;
PETSC_EXTERN const char *const *SNAConvergedReasons;

PETSC_EXTERN PetscClassId      SNA_CLASSID;
PETSC_EXTERN PetscLogEvent     SNA_SetUp, SNA_Fit, SNA_Evaluate, SNA_EvaluateGrid, SNA_Load, SNA_Save;
PETSC_EXTERN PetscFunctionList SNAList;

/* Registers a fitting algorithm for -sna_fit_type: for one SNA type, or (type NULL) for every type that has the
   operations the fit needs (a generic fit checks them and names what is missing). A type-specific registration
   is found before a generic one of the same name. */
PETSC_EXTERN PetscErrorCode SNAFitRegister(const char[], SNAType, PetscErrorCode (*)(SNA, Vec, Vec));

/* Registers the class, its log events and the built-in types; called on first use. */
PETSC_EXTERN PetscErrorCode SNAInitializePackage(void);
/* Frees the registry; called from PetscFinalize(). */
PETSC_EXTERN PetscErrorCode SNAFinalizePackage(void);
/* Adds an SNA type: name and the function that fills in its ops table. */
PETSC_EXTERN PetscErrorCode SNARegister(const char[], PetscErrorCode (*)(SNA));

/* Creates an SNA (type khronos until SNASetType()) on a communicator; every rank holds the whole model. */
PETSC_EXTERN PetscErrorCode SNACreate(MPI_Comm, SNA *);
/* Destroys an SNA and sets the pointer to NULL. */
PETSC_EXTERN PetscErrorCode SNADestroy(SNA *);
/* Chooses the implementation (SNAKHRONOS, ...); a change of type starts an unfitted model of the new type (the
   previous parameters, fit record and Ritz form are discarded; sizes, box and fit settings are kept: a setting the
   user made, such as SNASetProgressStop() or the cross-entropy loss's irls fit, stays; the old type's defaults go). */
PETSC_EXTERN PetscErrorCode SNASetType(SNA, SNAType);
/* Returns the implementation name. */
PETSC_EXTERN PetscErrorCode SNAGetType(SNA, SNAType *);
/* Sets the SNA from the options database; its man page (at the definition) lists the options it reads. */
PETSC_EXTERN PetscErrorCode SNASetFromOptions(SNA);
/* Reads, without fitting, the options SNAFit() reads beyond SNASetFromOptions() (-sna_view; a TAO fit's
   -sna_fit_tao_... options), so that SNAPSOptionsWarnUnusedEarly() before a long fit does not flag them; refuses a
   -sna_view that SNAView() cannot show (not ASCII), as SNAFit() does before fitting. Collective. */
PETSC_EXTERN PetscErrorCode SNAReadFitOptions(SNA);
/* Allocates the parameters for the current sizes; called by SNAFit() if needed. */
PETSC_EXTERN PetscErrorCode SNASetUp(SNA);
/* Prints or stores a description; ASCII viewers only (another type raises PETSC_ERR_SUP). */
PETSC_EXTERN PetscErrorCode SNAView(SNA, PetscViewer);
/* Views according to an option such as -sna_view. */
PETSC_EXTERN PetscErrorCode SNAViewFromOptions(SNA, PetscObject, const char[]);
/* Sets the options prefix (prepended after the dash, before sna_). */
PETSC_EXTERN PetscErrorCode SNASetOptionsPrefix(SNA, const char[]);
/* Appends to the options prefix. */
PETSC_EXTERN PetscErrorCode SNAAppendOptionsPrefix(SNA, const char[]);

/* Sets the number of inputs d and outputs q. */
PETSC_EXTERN PetscErrorCode SNASetSizes(SNA, PetscInt, PetscInt);
/* Returns the number of inputs d and outputs q (either pointer may be NULL). */
PETSC_EXTERN PetscErrorCode SNAGetSizes(SNA, PetscInt *, PetscInt *);
/* Declares the input box [lower_p, upper_p] for each input p; inputs are mapped affinely onto it.
   If never called (nor -sna_bounds given), SNAFit() takes the box from the data's range. The box of a set-up
   (fitted or loaded) model cannot change (PETSC_ERR_ARG_WRONGSTATE): its parameters are on it, and a warm start
   keeps it; the same box is accepted. */
PETSC_EXTERN PetscErrorCode SNASetBounds(SNA, const PetscReal[], const PetscReal[]);
/* Returns the input box (arrays of length d, owned by the SNA; NULL before it is known). */
PETSC_EXTERN PetscErrorCode SNAGetBounds(SNA, const PetscReal *[], const PetscReal *[]);
/* Number of trainable parameters; sets the model up (SNASetUp()) if it is not, after which options that change the
   model (-sna_type, the basis) are refused: call SNASetFromOptions() first. */
PETSC_EXTERN PetscErrorCode SNAGetNumParameters(SNA, PetscInt *);

/* Chooses the fitting algorithm (SNAFITAUTO, SNAFITALS, SNAFITLM, SNAFITTAO, SNAFITINFINITEDESCENT, or any
   registered with SNAFitRegister()). */
PETSC_EXTERN PetscErrorCode SNASetFitType(SNA, SNAFitType);
/* Returns the fitting algorithm. */
PETSC_EXTERN PetscErrorCode SNAGetFitType(SNA, SNAFitType *);
/* Tikhonov weight lambda of the loss (1/2N) sum |y - u|^2 + (lambda/2) |theta|^2; absolute, in the units of the targets
   squared (scale it with their variance for targets far from order one). */
PETSC_EXTERN PetscErrorCode SNASetRegularization(SNA, PetscReal);
/* Stopping tolerances on the mean squared error: absolute, relative decrease, and the sweep budget. */
PETSC_EXTERN PetscErrorCode SNASetTolerances(SNA, PetscReal, PetscReal, PetscInt);
/* Sets the slow-progress stop of the Levenberg-Marquardt fit: window steps (0: off) whose gain together is below
   rtol times the objective (-sna_fit_progress_window, -sna_fit_progress_rtol; the rtol option alone keeps the
   type's window: where it has none (khronos, aion: off) the fit refuses it). A fit that never runs
   Levenberg-Marquardt (als, tao, irls, infinite_descent; auto on a khronos model of more than 2000 parameters; the
   Ritz (Galerkin) fit and the tensor solve of snaps-poisson; an mf model's residual blend, or any mf fit without HF
   data) refuses it. */
PETSC_EXTERN PetscErrorCode SNASetProgressStop(SNA, PetscInt, PetscReal);
/* Holds out a fraction of the samples (-sna_fit_validation); the patience applies only to SNA_VALIDATION_STOP_PATIENCE
   (PETSC_DEFAULT: unchanged; another value under the rule rise is refused by SNAFit()). */
PETSC_EXTERN PetscErrorCode SNASetValidation(SNA, PetscReal, PetscInt);
/* When held-out validation stops a fit: once its MSE has risen by alpha percent above its best (Prechelt's
   generalisation loss), or once it has not improved for patience iterations. */
typedef enum {
  SNA_VALIDATION_STOP_RISE,
  SNA_VALIDATION_STOP_PATIENCE
} SNAValidationStop;
PETSC_EXTERN const char *const SNAValidationStops[];
PETSC_EXTERN PetscErrorCode    SNASetValidationStop(SNA, SNAValidationStop, PetscReal);
/* The validation MSE of the last fit (-1: none held out); after a refit on all samples (SNAGetValidationRefitted()) that
   of the model before the refit, which had not seen the held-out samples. */
PETSC_EXTERN PetscErrorCode SNAGetValidationMSE(SNA, PetscReal *);
PETSC_EXTERN PetscErrorCode SNAGetValidationRefitted(SNA, PetscBool *);
/* Returns the stopping tolerances atol, rtol and max_it (any pointer may be NULL). */
PETSC_EXTERN PetscErrorCode SNAGetTolerances(SNA, PetscReal *, PetscReal *, PetscInt *);
/* Fits the model to samples X (block size d) and targets Y (block size q); with the Ritz objective
   (SNASetRitzForm()) minimises the Ritz energy instead, and X and Y are NULL. */
PETSC_EXTERN PetscErrorCode SNAFit(SNA, Vec, Vec);
/* Makes SNAFit() raise PETSC_ERR_NOT_CONVERGED when the fit ends with a negative reason (-sna_fit_error_if_not_converged);
   the model still holds the best iterate. */
PETSC_EXTERN PetscErrorCode SNASetErrorIfNotConverged(SNA, PetscBool);
/* Whether SNAFit() raises an error when the fit does not converge. */
PETSC_EXTERN PetscErrorCode SNAGetErrorIfNotConverged(SNA, PetscBool *);
/* Raises PETSC_ERR_NOT_CONVERGED (the message starts with who) if the last fit failed: a non-finite loss, or
   no decrease from the start. A fit that only ran out of iterations holds a usable best iterate. Without a fit (none
   since the SNA was created, loaded or given its type) it raises PETSC_ERR_ARG_WRONGSTATE. */
PETSC_EXTERN PetscErrorCode SNACheckFitUsable(SNA, const char[]);
/* Prints "WARNING: <who>: ..." when the fitted model (an mf model: each part) has more parameters than the training
   values it was fitted to (samples x outputs; the cross-entropy: samples), naming its size options and
   -sna_fit_lambda with its prefix; nsamples: the independent samples, or PETSC_DETERMINE for those of its last fit. */
PETSC_EXTERN PetscErrorCode SNAWarnOverParameterised(SNA, PetscInt, const char[]);
/* Why the last fit stopped. */
PETSC_EXTERN PetscErrorCode SNAGetConvergedReason(SNA, SNAConvergedReason *);
/* How a fit ended, into a report under a key prefix ("lf_", ""): type, n_params, converged_reason, iterations and,
   if time >= 0, fit_time_s. */
PETSC_EXTERN PetscErrorCode SNAReportFit(SNA, SNAPSReport, const char[], PetscReal);
/* Prints "WARNING: <count> <what>" when some rows of X lie outside the SNA's input box (where a khronos model is
   constant and an aion model extrapolates); an error before the box is known (declared, fitted or loaded). */
PETSC_EXTERN PetscErrorCode SNAWarnOutsideBounds(SNA, Vec, const char[]);
/* Number of sweeps (ALS) or iterations (TAO) of the last fit, all levels together. */
PETSC_EXTERN PetscErrorCode SNAGetIterationNumber(SNA, PetscInt *);

/* Work counts of the last fit, so that fitting methods can be compared honestly. */
typedef struct {
  PetscInt outer;    /* outer iterations: ALS sweeps, TAO iterations, infinite-descent steps */
  PetscInt inner;    /* inner iterations: Newton/linear systems solved inside the outer steps (trial steps
                        included), or Krylov iterations of TAO's Newton-type solvers */
  PetscInt function; /* loss or residual evaluations over all samples */
  PetscInt gradient; /* gradient or Jacobian evaluations over all samples */
  PetscInt hessian;  /* Hessian evaluations over all samples */
} SNAFitStatistics;
/* Returns the work counts of the last fit (all zero before a fit). */
PETSC_EXTERN PetscErrorCode SNAGetFitStatistics(SNA, SNAFitStatistics *);

/* Chooses what SNAFit() minimises; SNA_OBJECTIVE_RITZ needs a form from SNASetRitzForm(), which also selects it. */
PETSC_EXTERN PetscErrorCode SNASetObjective(SNA, SNAObjective);
/* Returns what SNAFit() minimises. */
PETSC_EXTERN PetscErrorCode SNAGetObjective(SNA, SNAObjective *);
/* Sets the separable Ritz form of a khronos SNA and selects SNA_OBJECTIVE_RITZ: d stiffness and d mass matrices
   over the model's G basis functions per input (K[(p*G + g)*G + h], M likewise), R separable source terms
   F[(s*d + p)*G + g], and whether the first and last coefficient of every factor are held at zero
   (homogeneous Dirichlet conditions). See the manual page in snaobjective.c. */
PETSC_EXTERN PetscErrorCode SNASetRitzForm(SNA, const PetscReal[], const PetscReal[], PetscInt, const PetscReal[], PetscBool);
/* The objective's value at the end of the last fit: the training MSE, or the Ritz energy. */
PETSC_EXTERN PetscErrorCode SNAGetObjectiveValue(SNA, PetscReal *);

/* Copies the flat trainable parameter vector theta (length SNAGetNumParameters()) out of the model. */
PETSC_EXTERN PetscErrorCode SNAGetParameters(SNA, PetscReal[]);
/* Sets the flat parameter vector theta, e.g. a chosen initialisation before SNAFit(); rejects NaN/Inf (on any rank:
   collective). */
PETSC_EXTERN PetscErrorCode SNASetParameters(SNA, const PetscReal[]);
/* Chooses the training loss (-sna_loss mse|cross_entropy); unless the fit was chosen, cross-entropy makes irls the fit
   and mse the type's natural one (auto for khronos). The fits of the MSE (auto, als, infinite_descent, lm, tao) refuse
   the cross-entropy loss, as irls refuses the MSE. */
PETSC_EXTERN PetscErrorCode SNASetLossType(SNA, SNALossType);
/* Returns the training loss. */
PETSC_EXTERN PetscErrorCode SNAGetLossType(SNA, SNALossType *);
/* Mean cross-entropy (1/N) sum_i -sum_j y_ij log softmax(u_i)_j over all samples (the outputs u are logits). */
PETSC_EXTERN PetscErrorCode SNAComputeCrossEntropy(SNA, Vec, Vec, PetscReal *);
/* The mean cross-entropy and the accuracy (the fraction of rows whose largest logit is their class) of logits U
   against class rows Y (both block size q); either output may be NULL. */
PETSC_EXTERN PetscErrorCode SNAComputeLogitScores(Vec, Vec, PetscReal *, PetscReal *);
PETSC_EXTERN PetscErrorCode SNACheckClassRows(Vec, const char[]);
/* Replaces each of n rows of q logits by its softmax probabilities, in place (max-shifted: no overflow);
   returns in lse[i] (if not NULL) the log-sum-exp of row i. */
PETSC_EXTERN PetscErrorCode SNASoftmax(PetscInt, PetscInt, PetscReal[], PetscReal[]);
/* Mean squared error over all samples and outputs: (1/(N q)) sum |y - u|^2. */
PETSC_EXTERN PetscErrorCode SNAComputeMSE(SNA, Vec, Vec, PetscReal *);
/* The mean over the outputs of each output's variance (the MSE of the best constant model: each output's mean), and
   optionally the targets' mean square, of targets Y (block size q); a stable one-sweep formula, one reduction. */
PETSC_EXTERN PetscErrorCode SNAComputeTargetVariance(Vec, PetscReal *, PetscReal *);

/* Evaluates the model at scattered points: X (block size d) to Y (block size q), same layout. */
PETSC_EXTERN PetscErrorCode SNAEvaluate(SNA, Vec, Vec);
/* Evaluates on the tensor grid coords[0] x ... x coords[d-1] (n[p] points each) into Y, of SNACreateGridVec()'s layout
   (the man page at the definition says which layouts it takes). */
PETSC_EXTERN PetscErrorCode SNAEvaluateGrid(SNA, const PetscInt[], const PetscReal *const[], Vec);
/* Creates a Vec on the SNA's communicator for prod(n) grid values of each output (block size q). */
PETSC_EXTERN PetscErrorCode SNACreateGridVec(SNA, const PetscInt[], Vec *);

/* Writes the model to an HDF5 file, atomically (temporary file, then rename). */
PETSC_EXTERN PetscErrorCode SNASave(SNA, const char[]);
/* Reads a model from an HDF5 file written by SNASave(): sets type, sizes and parameters. After SNASetFromOptions()
   (PETSc's order: SetFromOptions, then Load) it reads the loaded type's options again (a model that cannot take one,
   such as another basis, refuses it) and refuses a -sna_type other than the file's. */
PETSC_EXTERN PetscErrorCode SNALoad(SNA, const char[]);
/* Writes the model into the named group (e.g. "/rhs/sna"; parents are created) of a new file written
   atomically, or with append = PETSC_TRUE into an existing file, changed in place (write a temporary
   file and rename it yourself when several groups make one file). */
PETSC_EXTERN PetscErrorCode SNASaveGroup(SNA, const char[], const char[], PetscBool);
/* Reads a model from the named group of an HDF5 file. */
PETSC_EXTERN PetscErrorCode SNALoadGroup(SNA, const char[], const char[]);

/* Monitoring: called after every sweep/iteration with the iteration number and the training MSE. */
PETSC_EXTERN PetscErrorCode SNAMonitorSet(SNA, PetscErrorCode (*)(SNA, PetscInt, PetscReal, void *), void *, PetscErrorCode (*)(void **));
/* Removes all monitors. */
PETSC_EXTERN PetscErrorCode SNAMonitorCancel(SNA);
/* The default monitor behind -sna_monitor: prints "  it SNA loss mse" lines (plus the fit's stage, if it names one). */
PETSC_EXTERN PetscErrorCode SNAMonitorDefault(SNA, PetscInt, PetscReal, void *);
/* What the fit is doing at the current monitor call (e.g. "algebraic start"), or NULL; owned by the SNA. */
PETSC_EXTERN PetscErrorCode SNAMonitorGetStage(SNA, const char **);

/* The functions of one type below (SNAKhronos...(), SNAAion...(), SNAMF...()) raise PETSC_ERR_SUP, naming the types, on
   an SNA of another type: set its type first. Except the probes of a fast path: SNAKhronosGetPolynomial() (false) and
   SNAKhronosSparseCreate() (NULL) answer "no" for another type, and SNAKhronosEvaluateRows() raises
   PETSC_ERR_ARG_WRONGSTATE (it needs a fitted or loaded khronos SNA). */

/* ---- Type khronos: per-input B-spline expansions multiplied into M modes (SCIENCE.md section 1) ---- */
/* Sets the spline degree k (1..SNA_BSPLINE_MAX_DEGREE = 7), nodes G per input (>= k + 1) and modes M (>= 1) before set-up. */
PETSC_EXTERN PetscErrorCode SNAKhronosSetBasis(SNA, PetscInt, PetscInt, PetscInt);
/* Returns degree, nodes and current modes (any pointer may be NULL); nodes is an error when the inputs have
   different node counts (SNAKhronosGetNodes()). */
PETSC_EXTERN PetscErrorCode SNAKhronosGetBasis(SNA, PetscInt *, PetscInt *, PetscInt *);
/* Node counts per input before set-up: n = 1 (the same for every input) or n = dim_in values, each >= k + 1
   (-sna_khronos_nodes 4,4,4,4,4,12: few along smooth inputs, many along one that needs them). */
PETSC_EXTERN PetscErrorCode SNAKhronosSetNodes(SNA, PetscInt, const PetscInt[]);
/* The node counts (owned by the SNA): n = 1 until set up, then one per input (those of the finest level after a fit
   with knot refinement). */
PETSC_EXTERN PetscErrorCode SNAKhronosGetNodes(SNA, PetscInt *, const PetscInt *[]);
/* Sets the knot-refinement levels of each fit (nodes doubled by exact knot insertion, warm start)
   and whether the rank grows greedily from 1 to M: stages of the ALS fits (auto, als, infinite_descent), refused by
   lm, tao and irls. */
PETSC_EXTERN PetscErrorCode SNAKhronosSetRefinement(SNA, PetscInt, PetscBool);
/* Sets the spread s of the random start (-sna_khronos_init_spread): s > 0 starts every factor at 1 + s U(-1, 1) (its
   product over many inputs stays O(1)), 0 the coefficients at U(-1, 1). */
PETSC_EXTERN PetscErrorCode SNAKhronosSetInitSpread(SNA, PetscReal);
/* Sets a sized khronos SNA with its input box to the constant c[j] for output j (sets it up first), e.g. the start
   r = 0 of the multi-fidelity AR1 scale 1 + r. With two modes or more, as two constant modes that cancel (weights
   1 + c and -1), so that a fit from there moves every factor. */
PETSC_EXTERN PetscErrorCode SNAKhronosSetConstant(SNA, const PetscReal[]);
/* Sets a sized khronos SNA with its input box (not yet set up) to the polynomial with nterms terms: term m has the
   exponents exps[m*d + p] (0..7) and the coefficients coef[m*q + j]; one mode per term, exact on the box. */
PETSC_EXTERN PetscErrorCode SNAKhronosSetPolynomial(SNA, PetscInt, const PetscInt[], const PetscReal[]);
/* The inverse of SNAKhronosSetPolynomial: *is true where every mode of the set-up khronos SNA is one monomial as
   SetPolynomial writes it (factors x_p^e in the Bernstein basis of the box, to rounding), with nterms, exps (nterms x d)
   and coef (nterms x q) then allocated (free them with PetscFree2(exps, coef)); false for fitted models. A caller
   that knows the model is a polynomial so evaluates it directly. */
PETSC_EXTERN PetscErrorCode SNAKhronosGetPolynomial(SNA, PetscBool *, PetscInt *, PetscInt **, PetscReal **);
/* A snapshot of a set-up khronos SNA that skips the factors that are constant over the box (all of a factor's
   coefficients equal: the B-splines sum to one): a model of SNAKhronosSetPolynomial whose terms have a few factors
   each then costs its factors, not d (k + 1) M per point. *sp is NULL where fewer than half of the factors are
   constant (no gain). Evaluate gives SNAEvaluate's values to rounding for n local rows (x: n x d, y: n x q) as
   long as the SNA is not changed; destroy the snapshot before the SNA. */
typedef struct _n_SNAKhronosSparse *SNAKhronosSparse;
PETSC_EXTERN PetscErrorCode         SNAKhronosSparseCreate(SNA, SNAKhronosSparse *);
PETSC_EXTERN PetscErrorCode         SNAKhronosSparseEvaluate(SNAKhronosSparse, PetscInt, const PetscReal[], PetscReal[]);
PETSC_EXTERN PetscErrorCode         SNAKhronosSparseDestroy(SNAKhronosSparse *);
/* y (n x q) = a set-up khronos SNA at n local rows x (n x d) given as arrays, SNAEvaluate's values to the bit, without
   Vecs, logging or allocation; work: 2 M reals (M: SNAKhronosGetBasis's modes). For many small SNAs evaluated a few
   rows at a time. */
PETSC_EXTERN PetscErrorCode SNAKhronosEvaluateRows(SNA, PetscInt, const PetscReal[], PetscReal[], PetscReal[]);

/* ---- Type aion: rank-r separable sum of products of 1-D atoms (SCIENCE.md section 5) ----
     u(x) = sum_{m<r} prod_{p<d} psi_{p,m}(t_p),  psi_{p,m}(t) = sum_{k<P} A exp(alpha t) cos(omega t + phi)
   with t_p in [0, 1] from the input box. theta holds (A, alpha, omega, phi) of term k of factor (p, m) at
   4 * ((p * r + m) * P + k). One output. */
/* How infinite descent finds exponents and frequencies: algebraically (matrix pencil) when the data allow. */
typedef enum {
  SNA_AION_PENCIL_AUTO,   /* the pencil on uniform 1-D data or a uniform 2-D tensor grid, else root finding */
  SNA_AION_PENCIL_ALWAYS, /* the pencil, or an error naming why the data do not allow it */
  SNA_AION_PENCIL_NEVER   /* root finding from the current parameters only */
} SNAAionPencilMode;
PETSC_EXTERN const char *const SNAAionPencilModes[];
/* Sets the rank r (>= 1) and the terms P (>= 1) of every 1-D factor, before set-up. */
PETSC_EXTERN PetscErrorCode SNAAionSetAtoms(SNA, PetscInt, PetscInt);
/* Returns the rank r and terms P (either pointer may be NULL). */
PETSC_EXTERN PetscErrorCode SNAAionGetAtoms(SNA, PetscInt *, PetscInt *);
/* Chooses when infinite descent uses the matrix pencil. */
PETSC_EXTERN PetscErrorCode SNAAionSetPencilMode(SNA, SNAAionPencilMode);

/* ---- Type mf: multi-fidelity blend of a low-fidelity (LF) SNA and a correction (SCIENCE.md section 3) ----
     residual: u(x) = u_LF(x) + delta(x);   ar1 (Kennedy-O'Hagan): u(x) = rho(x) u_LF(x) + delta(x), rho = 1 + r(x)
   The parts are ordinary SNAs with options prefixes mf_lf_, mf_delta_ and mf_rho_ (-mf_lf_sna_khronos_nodes 24).
   The LF part is fitted to LF data, the correction to high-fidelity (HF) data; a model fitted without HF data
   is its LF part alone. */
typedef enum {
  SNA_MF_RESIDUAL, /* y_HF = y_LF + delta */
  SNA_MF_AR1       /* y_HF = (1 + r) y_LF + delta, r a low-order KHRONOS (the part "rho") */
} SNAMFBlend;
PETSC_EXTERN const char *const SNAMFBlends[];
/* The form of ar1's scale rho = 1 + r: r a constant per output (Kennedy and O'Hagan's AR1), a low-order KHRONOS
   over some inputs only (-mf_rho_inputs: e.g. the field coordinates, along which every HF case has many rows), or
   over all inputs (the part "rho", its basis from -mf_rho_sna_khronos_...). */
typedef enum {
  SNA_MF_RHO_FULL,     /* r(x) a KHRONOS model */
  SNA_MF_RHO_CONSTANT, /* r a constant per output */
  SNA_MF_RHO_INPUTS    /* r(x) a KHRONOS model constant along the inputs not in -mf_rho_inputs */
} SNAMFRhoForm;
PETSC_EXTERN const char *const SNAMFRhoForms[];
/* How the fit chooses the form of rho: as given (-mf_rho_form), or by cross-validation over the HF cases. */
typedef enum {
  SNA_MF_SELECT_NONE, /* the form set by -mf_rho_form */
  SNA_MF_SELECT_CV    /* the form with the smallest cross-validated error over folds of the HF cases: constant,
                         inputs (with -mf_rho_inputs) and full */
} SNAMFSelect;
PETSC_EXTERN const char *const SNAMFSelects[];
/* Chooses the form of rho (-mf_rho_form) and how the fit selects it (-mf_select, -mf_select_folds). */
PETSC_EXTERN PetscErrorCode SNAMFSetRhoForm(SNA, SNAMFRhoForm);
/* The inputs r depends on in the form inputs (indices, ascending). */
PETSC_EXTERN PetscErrorCode SNAMFSetRhoInputs(SNA, PetscInt, const PetscInt[]);
PETSC_EXTERN PetscErrorCode SNAMFSetSelect(SNA, SNAMFSelect, PetscInt);
/* The form of rho the last fit used (or the loaded model has), and, after a selection by cross-validation, the
   relative cross-validated error of each form (indexed by SNAMFRhoForm; -1 where not computed) and the folds. */
PETSC_EXTERN PetscErrorCode SNAMFGetRhoSelection(SNA, SNAMFRhoForm *, PetscReal[3], PetscInt *);
/* The case (design) id of each HF row of the next fit, laid out as its rows (block size 1): cross-validation folds
   keep the rows of a case together. Without it the folds are of rows. */
PETSC_EXTERN PetscErrorCode SNAMFSetCases(SNA, Vec);
/* Chooses the blend (-mf_blend residual|ar1) before the fit. */
PETSC_EXTERN PetscErrorCode SNAMFSetBlend(SNA, SNAMFBlend);
PETSC_EXTERN PetscErrorCode SNAMFGetBlend(SNA, SNAMFBlend *);
/* The parts, owned by the mf SNA (do not destroy them): LF, delta, and rho (r of the scale 1 + r; NULL for residual);
   any pointer may be NULL. */
PETSC_EXTERN PetscErrorCode SNAMFGetParts(SNA, SNA *, SNA *, SNA *);
/* Whether the model carries a correction (it was fitted with HF data), or is its LF part alone. */
PETSC_EXTERN PetscErrorCode SNAMFHasCorrection(SNA, PetscBool *);
/* Fits the LF part to (Xlf, Ylf), then the correction to (Xhf, Yhf); Xhf and Yhf NULL: the LF part alone.
   SNAFit(sna, Xhf, Yhf) on a model whose LF part is already fitted (or loaded) refits only the correction. */
PETSC_EXTERN PetscErrorCode SNAMFFit(SNA, Vec, Vec, Vec, Vec);
/* Takes a fitted (or loaded) single-fidelity SNA as the LF part (referenced), e.g. an LF model the designer already
   has: SNAMFFit() then fits only the correction, its LF data serving only the nested rows and the input box. */
PETSC_EXTERN PetscErrorCode SNAMFSetLowFidelity(SNA, SNA);
/* The HF rows (all ranks) at which the last SNAMFFit() fitted the correction against the LF data rather than the LF
   part: those whose inputs are also an LF row's (nested designs). */
PETSC_EXTERN PetscErrorCode SNAMFGetNestedRows(SNA, PetscInt *);
/* The HF training values (rows x outputs) the last SNAMFFit() derived the correction's default size from, or 0 where
   the size was given, kept from a previous fit, or not KHRONOS. */
PETSC_EXTERN PetscErrorCode SNAMFGetSizeValues(SNA, PetscInt *);
/* Wall-clock seconds of the last fit of the LF part and of the correction. */
PETSC_EXTERN PetscErrorCode SNAMFGetFitTimes(SNA, PetscReal *, PetscReal *);
/* Applies the correction to given LF values: Y = (1 + r(X)) YLF + delta(X) (Y = YLF without a correction);
   X block size d, YLF and Y block size q, the same local samples. */
PETSC_EXTERN PetscErrorCode SNAMFEvaluateCorrection(SNA, Vec, Vec, Vec);
