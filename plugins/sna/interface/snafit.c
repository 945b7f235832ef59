/* The interface between the SNA class and its fitting algorithms (snaps/private/snafitimpl.h). */
#include <snaps/private/snaimpl.h>
#include <petscblaslapack.h>

/* -sna_fit_progress_window and _rtol stop Levenberg-Marquardt: a fit that never runs it (als, tao, irls,
   infinite_descent) would leave them silently unused, so when the user asked for them it refuses them. lm runs it;
   auto runs it where the type says so (khronos: its retry after ALS, refused by the type above 2000 parameters; mf:
   the joint ar1 stage, refused by the residual blend). */
static PetscErrorCode SNAFitCheckProgressStop(SNA sna, const char name[])
{
  const char *prefix = SNAMessagePrefix(sna);
  char        of[PETSC_MAX_OPTION_NAME + 128], alt[PETSC_MAX_OPTION_NAME + 32];
  PetscBool   lm;

  PetscFunctionBegin;
  if (!SNAProgressStopChosen(sna)) PetscFunctionReturn(0);
  PetscCall(PetscStrInList(name, SNAFITLM "," SNAFITAUTO, ',', &lm));
  if (lm) {
    PetscInt  window;
    PetscReal rtol;

    /* the rtol alone, where no window is in force (khronos, aion: 0, off), would change nothing */
    PetscCall(SNAGetProgressStopInForce(sna, &window, &rtol));
    PetscCheck(window > 0 || sna->progress_wgiven || !sna->progress_rgiven, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_fit_progress_rtol %g has no effect without -%ssna_fit_progress_window <w> (w > 0 steps; SNA type %s has no slow-progress stop by default): give both, or drop -%ssna_fit_progress_rtol", prefix, (double)rtol, prefix, ((PetscObject)sna)->type_name, prefix);
    PetscFunctionReturn(0);
  }
  PetscCall(PetscSNPrintf(of, sizeof(of), "Levenberg-Marquardt, which -%ssna_fit_type %s of SNA type %s never runs", prefix, name, ((PetscObject)sna)->type_name));
  PetscCall(PetscSNPrintf(alt, sizeof(alt), ", or use -%ssna_fit_type lm", prefix));
  PetscCall(SNAProgressStopRefuse(sna, of, alt));
  PetscFunctionReturn(0);
}

/* -sna_loss cross_entropy asks for the cross-entropy of the logits, which only irls minimises: the fits of the
   least-squares loss (auto, als, infinite_descent, lm, tao) would regress the logits onto the class rows (minimise
   their MSE) and report that as the cross-entropy fit, so they refuse it, as irls refuses the MSE. A fit registered
   by the user (SNAFitRegister()) decides for itself. */
static PetscErrorCode SNAFitCheckLoss(SNA sna, const char name[])
{
  const char *prefix = SNAMessagePrefix(sna);
  PetscBool   lsq;
  PetscErrorCode (*irls)(SNA, Vec, Vec);

  PetscFunctionBegin;
  if (sna->loss != SNA_LOSS_CROSS_ENTROPY) PetscFunctionReturn(0);
  PetscCall(PetscStrInList(name, SNAFITAUTO "," SNAFITALS "," SNAFITINFINITEDESCENT "," SNAFITLM "," SNAFITTAO, ',', &lsq));
  if (!lsq) PetscFunctionReturn(0);
  PetscCall(SNAFitFind(sna, SNAFITIRLS, &irls));
  PetscCheck(!irls, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_loss cross_entropy: -%ssna_fit_type %s minimises the mean-squared error (it would regress the logits onto the class rows), not the cross-entropy: use -%ssna_fit_type irls, the fit of that loss, or drop -%ssna_loss cross_entropy", prefix, prefix, name, prefix, prefix);
  SETERRQ(PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_loss cross_entropy: SNA type %s has no fit of the cross-entropy loss (-%ssna_fit_type %s minimises the mean-squared error; irls, the fit of that loss, is khronos's): use -%ssna_type khronos with -%ssna_fit_type irls, or drop -%ssna_loss cross_entropy", prefix, ((PetscObject)sna)->type_name, prefix, name, prefix, prefix, prefix);
}

/* The fit registered under name for the SNA's type, after the check that none of the options given is ignored by
   that fit: the loss and the slow-progress stop here, the type's own options in SNAFitCheck_C (optional). Reads
   nothing but the settings, so SNAFit() calls it before any work on the data (the validation split, the scale, the
   first loss). */
PetscErrorCode SNAFitRunCheck(SNA sna, const char name[], PetscErrorCode (**fit)(SNA, Vec, Vec))
{
  PetscFunctionBegin;
  PetscCall(SNAFitCheckLoss(sna, name));
  PetscCall(SNAFitFind(sna, name, fit));
  if (!*fit) {
    char names[512];
    /* irls here was not asked for by name but taken for -sna_loss cross_entropy: the loss is what does not apply */
    PetscCheck(!(sna->loss == SNA_LOSS_CROSS_ENTROPY && !strcmp(name, SNAFITIRLS)), PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "-%ssna_loss cross_entropy: SNA type %s has no fit of the cross-entropy loss (irls, the fit of that loss, is khronos's): use -%ssna_type khronos, or drop -%ssna_loss cross_entropy", SNAMessagePrefix(sna), ((PetscObject)sna)->type_name, SNAMessagePrefix(sna), SNAMessagePrefix(sna));
    PetscCall(SNAFitGetNames(sna, names, sizeof(names)));
    SETERRQ(PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "SNA type %s cannot be fitted with -%ssna_fit_type %s: use one of %s", ((PetscObject)sna)->type_name, SNAMessagePrefix(sna), name, names);
  }
  /* the type refuses its options that this fit would ignore */
  PetscCall(SNAFitCheckProgressStop(sna, name));
  PetscTryMethod(sna, "SNAFitCheck_C", (SNA, const char[]), (sna, name));
  PetscFunctionReturn(0);
}

/* Runs the fit registered under name for the SNA's type, after SNAFitRunCheck() and the type's start of a fresh model
   from the data (SNAFitStart_C, optional: a parameter initialisation, so every fit gets it). */
PetscErrorCode SNAFitRun(SNA sna, const char name[], Vec X, Vec Y)
{
  PetscErrorCode (*fit)(SNA, Vec, Vec);

  PetscFunctionBegin;
  PetscCall(SNAFitRunCheck(sna, name, &fit));
  PetscTryMethod(sna, "SNAFitStart_C", (SNA, Vec, Vec), (sna, X, Y));
  PetscCall((*fit)(sna, X, Y));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitGetData(SNA sna, Vec X, Vec Y, PetscInt *n, PetscInt *N, const PetscReal **x, const PetscReal **y)
{
  PetscFunctionBegin;
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "X", n, x));
  PetscCall(SNAGetLocalRows(sna, Y, sna->dim_out, "Y", n, y));
  PetscCall(SNAGlobalCount(sna, *n, N));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitRestoreData(SNA sna, Vec X, Vec Y, const PetscReal **x, const PetscReal **y)
{
  PetscFunctionBegin;
  (void)sna;
  PetscCall(VecRestoreArrayRead(X, x));
  PetscCall(VecRestoreArrayRead(Y, y));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitGetSettings(SNA sna, PetscReal *lambda, PetscReal *atol, PetscReal *rtol, PetscInt *max_it)
{
  PetscFunctionBegin;
  if (lambda) *lambda = sna->lambda;
  if (atol) *atol = sna->atol;
  if (rtol) *rtol = sna->rtol * sna->fit_scale;
  if (max_it) *max_it = sna->max_it;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitRefuseLambda(SNA sna, const char what[], const char alt[])
{
  const char *prefix = SNAMessagePrefix(sna);

  PetscFunctionBegin;
  /* a given weight of 0 asks for no penalty, which such a fit applies: nothing is ignored (bench_aion sets 0 for every method) */
  PetscCheck(!sna->lambda_given || sna->lambda == 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_fit_lambda %g (the option or SNASetRegularization()) weighs (lambda/2)|theta|^2 in the loss of the data fits, which %s: drop it (or set 0)%s", prefix, (double)sna->lambda, what, alt);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitGetProgressStop(SNA sna, PetscInt *window, PetscReal *rtol)
{
  PetscFunctionBegin;
  PetscCall(SNAGetProgressStopInForce(sna, window, rtol));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitHasOperation(SNA sna, SNAFitOperation op, const char fit[], PetscBool *has)
{
  const char *what  = "";
  PetscBool   found = PETSC_FALSE;

  PetscFunctionBegin;
  switch (op) {
  case SNA_FIT_OP_GRADIENT:
    found = (PetscBool) !!sna->ops->lossgradientlocal;
    what  = "the gradient of its loss";
    break;
  case SNA_FIT_OP_HESSIAN:
    found = (PetscBool) !!sna->ops->hessianlocal;
    what  = "the Hessian of its loss";
    break;
  case SNA_FIT_OP_RESIDUAL_JACOBIAN:
    found = (PetscBool)(sna->ops->residualjacobianlocal || sna->ops->normalequationslocal);
    what  = "the Jacobian of its residuals";
    break;
  }
  if (has)
    *has = found;
  else
    PetscCheck(found, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "SNA type %s does not provide %s, which -%ssna_fit_type %s needs", ((PetscObject)sna)->type_name, what, SNAMessagePrefix(sna), fit);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitSetParameters(SNA sna, const PetscReal theta[])
{
  PetscFunctionBegin;
  PetscCheck(sna->ops->setparameters, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "SNA type %s does not accept parameters", ((PetscObject)sna)->type_name);
  PetscCall((*sna->ops->setparameters)(sna, theta));
  PetscFunctionReturn(0);
}

/* 1/2 sum |u - y|^2 over the local samples, from the type's evaluation. */
PetscErrorCode SNAFitLossLocal(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal *sse)
{
  const PetscInt q = sna->dim_out;
  PetscReal     *u, s = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n * q, &u));
  PetscCall((*sna->ops->evaluatelocal)(sna, n, x, u));
  for (PetscInt i = 0; i < n * q; i++) s += PetscSqr(u[i] - y[i]);
  PetscCall(PetscFree(u));
  *sse = 0.5 * s;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitLossGradientLocal(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal *sse, PetscReal grad[])
{
  PetscFunctionBegin;
  PetscCall(SNAFitHasOperation(sna, SNA_FIT_OP_GRADIENT, sna->fittype, NULL));
  PetscCall((*sna->ops->lossgradientlocal)(sna, n, x, y, sse, grad));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitHessianLocal(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal H[])
{
  PetscFunctionBegin;
  PetscCall(SNAFitHasOperation(sna, SNA_FIT_OP_HESSIAN, sna->fittype, NULL));
  PetscCall((*sna->ops->hessianlocal)(sna, n, x, y, H));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitResidualJacobianLocal(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal r[], PetscReal J[])
{
  PetscFunctionBegin;
  PetscCheck(sna->ops->residualjacobianlocal, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "SNA type %s does not provide dense residual-Jacobian rows, which -%ssna_fit_type %s needs", ((PetscObject)sna)->type_name, SNAMessagePrefix(sna), sna->fittype);
  PetscCall((*sna->ops->residualjacobianlocal)(sna, n, x, y, r, J));
  PetscFunctionReturn(0);
}

/* Dense fallback of the normal equations: Jacobian rows of a block of samples at a time, then J^T J by
   BLAS syrk (upper triangle) and J^T r by gemv. */
static PetscErrorCode SNAFitNormalEquationsDense(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal *sse, PetscReal JtJ[], PetscReal Jtr[])
{
  const PetscInt  d = sna->dim_in, q = sna->dim_out, P = sna->nparams, block = 256;
  const PetscReal one = 1.0;
  PetscBLASInt    bP, brows, ione = 1;
  PetscReal      *r, *J;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(P, &bP));
  PetscCall(PetscMalloc2(block * q, &r, block * q * P, &J));
  for (PetscInt i0 = 0; i0 < n; i0 += block) {
    const PetscInt nb = PetscMin(block, n - i0), rows = nb * q;

    PetscCall((*sna->ops->residualjacobianlocal)(sna, nb, x + i0 * d, y + i0 * q, r, J));
    for (PetscInt a = 0; a < rows; a++) *sse += 0.5 * r[a] * r[a];
    /* J, row-major rows x P, is the column-major P x rows matrix A: J^T J = A A^T, whose column-major lower
       triangle is the row-major upper triangle of JtJ; J^T r = A r */
    PetscCall(PetscBLASIntCast(rows, &brows));
    PetscCallBLAS("BLASsyrk", BLASsyrk_("L", "N", &bP, &brows, &one, J, &bP, &one, JtJ, &bP));
    PetscCallBLAS("BLASgemv", BLASgemv_("N", &bP, &brows, &one, J, &bP, r, &ione, &one, Jtr, &ione));
  }
  PetscCall(PetscFree2(r, J));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitNormalEquationsLocal(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal *sse, PetscReal JtJ[], PetscReal Jtr[])
{
  PetscFunctionBegin;
  if (sna->ops->normalequationslocal)
    PetscCall((*sna->ops->normalequationslocal)(sna, n, x, y, sse, JtJ, Jtr));
  else {
    PetscCall(SNAFitHasOperation(sna, SNA_FIT_OP_RESIDUAL_JACOBIAN, sna->fittype, NULL));
    PetscCall(SNAFitNormalEquationsDense(sna, n, x, y, sse, JtJ, Jtr));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitMonitor(SNA sna, PetscInt it, PetscReal mse)
{
  PetscFunctionBegin;
  PetscCall(SNAMonitor(sna, it, mse));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitSetStage(SNA sna, const char stage[])
{
  PetscFunctionBegin;
  sna->monitorstage = stage;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitAddWork(SNA sna, PetscInt iterations, const SNAFitStatistics *work)
{
  PetscFunctionBegin;
  sna->iterations += iterations;
  if (work) {
    sna->stats.outer += work->outer;
    sna->stats.inner += work->inner;
    sna->stats.function += work->function;
    sna->stats.gradient += work->gradient;
    sna->stats.hessian += work->hessian;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFitSetReason(SNA sna, SNAConvergedReason reason)
{
  PetscFunctionBegin;
  sna->reason = reason;
  PetscFunctionReturn(0);
}

/* Per output column: the count, mean and sum of squared deviations from the mean (M2) of the rows seen. */
typedef struct {
  PetscReal n, mean, m2;
} ColumnMoments;

/* The MPI operation of SNAComputeTargetVariance(): merges the moments of two sets of rows, column by column (Chan,
   Golub and LeVeque), inout = in (+) inout. Exact for two constant columns of the same value (delta 0). Created
   non-commutative, so MPI applies it in rank order and every rank gets the same bits. */
static void MPIAPI ColumnMomentsMerge(void *in, void *inout, PetscMPIInt *len, MPI_Datatype *type)
{
  const ColumnMoments *a = (const ColumnMoments *)in;
  ColumnMoments       *b = (ColumnMoments *)inout;

  (void)type;
  for (PetscMPIInt j = 0; j < *len; j++) {
    const PetscReal n = a[j].n + b[j].n, delta = b[j].mean - a[j].mean;

    if (a[j].n == 0) continue;
    if (b[j].n == 0) {
      b[j] = a[j];
      continue;
    }
    b[j].m2   = a[j].m2 + b[j].m2 + delta * delta * (a[j].n * (b[j].n / n));
    b[j].mean = a[j].mean + delta * (b[j].n / n);
    b[j].n    = n;
  }
}

/*@
  SNAComputeTargetVariance - The mean over the outputs of each output's variance: the MSE of the best constant
  model, which predicts each output's mean

  Collective

  Input Parameter:
. Y - the targets, N rows of q outputs (block size q), any parallel layout by rows

  Output Parameters:
+ variance   - (1/q) sum_j var_j, var_j = (1/N) sum_i (y_ij - mean_j)^2 (0 for N = 0)
- meansquare - (1/q) sum_j (1/N) sum_i y_ij^2, the MSE of the zero model (or NULL)

  Notes:
  Each output has its own mean: a variance pooled over all outputs about one mean counts the offsets between the
  outputs' means as variance (outputs near +1000 and -1000 would give 1e6 for variances of order one). Each rank
  sums its rows' deviations from its first row and their squares (shifted sums: no cancellation for outputs that sit
  far from zero, 1e8 + O(1) say), and one MPI reduction merges the ranks' per-output counts, means and sums of
  squared deviations (Chan, Golub and LeVeque). A constant output contributes exactly 0, so variance is 0 exactly when
  every output is constant. The scale of -sna_fit_rtol (the relative tolerance of the data fits, and the
  variance of the fit's no-better-than-the-mean WARNING) is this variance; snaps-fit reports the training MSE
  relative to it (train_relative_mse: 1 is no better than the outputs' means).

  Level: intermediate

.seealso: SNAComputeMSE(), SNASetTolerances(), SNAFit()
@*/
PetscErrorCode SNAComputeTargetVariance(Vec Y, PetscReal *variance, PetscReal *meansquare)
{
  const PetscReal *y;
  ColumnMoments   *loc, *all;
  PetscInt         q, n;
  PetscMPIInt      bq;
  MPI_Datatype     type;
  MPI_Op           op;
  MPI_Comm         comm;
  PetscReal        var = 0, ms = 0;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(Y, VEC_CLASSID, 1);
  PetscValidRealPointer(variance, 2);
  comm = PetscObjectComm((PetscObject)Y);
  PetscCall(VecGetBlockSize(Y, &q));
  PetscCall(VecGetLocalSize(Y, &n));
  PetscCheck(n % q == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "The targets hold %" PetscInt_FMT " local entries, not whole rows of %" PetscInt_FMT " outputs", n, q);
  n /= q;
  PetscCall(PetscMPIIntCast(q, &bq));
  PetscCall(PetscCalloc2(q, &loc, q, &all));
  PetscCall(VecGetArrayRead(Y, &y));
  /* sums of the deviations from the rank's first row and of their squares (in mean and m2 until the moments are
     formed): exact for a constant output */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < q; j++) {
      const PetscReal v = y[i * q + j] - y[j];

      loc[j].mean += v;
      loc[j].m2 += v * v;
    }
  for (PetscInt j = 0; j < q && n > 0; j++) {
    const PetscReal s1 = loc[j].mean, s2 = loc[j].m2;

    loc[j].n    = (PetscReal)n;
    loc[j].mean = y[j] + s1 / n;
    loc[j].m2   = PetscMax(s2 - s1 * (s1 / n), 0);
  }
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCallMPI(MPI_Type_contiguous(3, MPIU_REAL, &type));
  PetscCallMPI(MPI_Type_commit(&type));
  PetscCallMPI(MPI_Op_create(ColumnMomentsMerge, 0, &op));
  PetscCallMPI(MPI_Allreduce(loc, all, bq, type, op, comm));
  PetscCallMPI(MPI_Op_free(&op));
  PetscCallMPI(MPI_Type_free(&type));
  for (PetscInt j = 0; j < q; j++)
    if (all[j].n > 0) {
      var += all[j].m2 / all[j].n;
      ms += all[j].m2 / all[j].n + all[j].mean * all[j].mean;
    }
  PetscCall(PetscFree2(loc, all));
  *variance = var / q;
  if (meansquare) *meansquare = ms / q;
  PetscFunctionReturn(0);
}

/* The scale of the relative tolerance: the mean over the outputs of their variances (SNAComputeTargetVariance(): the
   MSE of the best constant model), or for targets whose every output is constant their mean square, or 1 if they
   are all zero. */
PetscErrorCode SNAFitComputeScale(SNA sna, Vec Y)
{
  PetscReal var, ms;

  PetscFunctionBegin;
  PetscCall(SNAComputeTargetVariance(Y, &var, &ms));
  if (var > 0)
    sna->fit_scale = var;
  else if (ms > 0)
    sna->fit_scale = ms;
  else
    sna->fit_scale = 1.0;
  PetscFunctionReturn(0);
}

/* See snaimpl.h. The usual cause is -sna_fit_lambda, which is absolute: the penalty (lambda/2)|theta|^2 is on the
   coefficients of a product of d + 1 factors (the inputs' and the output head's), so targets of size s need factors
   of size s^(1/(d+1)) each, and against the MSE (size s^2) the penalty weighs s^(2/(d+1) - 2) times what it weighs on
   targets of order one (s = 1e-8, d = 2: 4.6e10 times, lambda 1e-12 acts as 0.05 does there). ALS feels it sooner: each input block is normalised
   and the amplitude kept in the head C, so a block's data term is of size |C|^2 ~ the targets' square against
   lambda, and its solve returns a block too small by that ratio, which the normalisation moves into C: the model
   shrinks to zero in a sweep and stays there (CONVERGED_RTOL at a relative MSE above 1). */
PetscErrorCode SNAFitWarnNoBetterThanMean(SNA sna)
{
  const char *prefix = SNAMessagePrefix(sna);
  char        cause[PETSC_MAX_OPTION_NAME + 512];

  PetscFunctionBegin;
  if (sna->objective != SNA_OBJECTIVE_LEAST_SQUARES || sna->loss != SNA_LOSS_MSE || PetscIsInfOrNanReal(sna->fit_mse) || !(sna->fit_mse >= sna->fit_scale)) PetscFunctionReturn(0);
  if (sna->lambda > SNA_LAMBDA_NOTABLE * sna->fit_scale)
    PetscCall(PetscSNPrintf(cause, sizeof(cause), "-%ssna_fit_lambda %g is absolute, not relative to the targets: it weighs (lambda/2)|theta|^2 against the MSE in the targets' units, here at %.3g times their variance; lower it for targets of this size (to %g or less: lambda times their variance), or scale the targets to order one", prefix, (double)sna->lambda, (double)(sna->lambda / sna->fit_scale), (double)(sna->lambda * sna->fit_scale)));
  else if (sna->reason < 0)
    PetscCall(PetscSNPrintf(cause, sizeof(cause), "the fit did not converge (%s)", SNAConvergedReasons[sna->reason]));
  else
    PetscCall(PetscSNPrintf(cause, sizeof(cause), "the model cannot represent the targets (give it more modes or nodes), or the fit stalled near its start (-%ssna_monitor)", prefix));
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sna), "WARNING: the fit (-%ssna_fit_type %s) ended %s at training MSE %g, not below the variance %g of its targets (relative %.3g): the model fits them no better than their mean. Likely cause: %s.\n", prefix, sna->fittype, SNAConvergedReasons[sna->reason], (double)sna->fit_mse, (double)sna->fit_scale, (double)(sna->fit_mse / sna->fit_scale), cause));
  PetscFunctionReturn(0);
}

PetscBool SNAFitDecreaseConverged(SNA sna, PetscReal prev, PetscReal mse)
{
  const PetscReal decrease = prev - mse;

  return (PetscBool)(PetscAbsReal(decrease) <= sna->rtol * sna->fit_scale && decrease <= 0.5 * prev);
}
