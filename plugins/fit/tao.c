/* Gradient-based fitting through PETSc TAO, for any SNA type that exposes its parameters and the
   gradient of its loss. Objective: (1/2N) sum_i |u(x_i) - y_i|^2 + (lambda/2) |theta|^2.
   TAO options take the SNA's prefix plus "sna_fit_", e.g. -sna_fit_tao_type lmvm.
   Types that also provide the exact Hessian (ops->hessianlocal) can be fitted with TAO's Newton
   solvers (nls, ntr, ...); types that provide residuals and their Jacobian (ops->residualjacobianlocal)
   with the least-squares solvers (brgn: Gauss-Newton, -sna_fit_tao_brgn_regularization_type lm for
   Levenberg-Marquardt). BRGN minimises the data loss with its own regularisation, not lambda. */
#include <snaps/private/snafitimpl.h>
#include <snaps/private/snaimpl.h> /* SNAMessagePrefix() */
#include <petsctao.h>
#include <snaps/options.h>

typedef struct {
  SNA              sna;
  PetscInt         n, N; /* local and global samples */
  PetscInt         P, q; /* parameters, outputs */
  PetscReal        lambda;
  PetscInt         it0; /* iterations of earlier stages of the fit, for monitor numbering */
  SNAFitStatistics work;
  PetscReal        best_f; /* the lowest objective TAO evaluated, and where: TAO may end elsewhere */
  PetscReal       *best_theta;
  PetscReal        atol, mse_prev; /* -sna_fit_atol; the training MSE of the previous iteration, for -sna_fit_rtol */
  PetscBool        atol_met;
  const PetscReal *x, *y;
  VecScatter       toall; /* the distributed TAO vector to every rank's full copy */
  Vec              full;
  PetscReal       *grad;      /* local gradient, then its sum (one reduction with the loss) */
  PetscReal       *hess;      /* nparams x nparams Hessian (types with ops->hessianlocal) */
  PetscReal       *jac;       /* local residual Jacobian rows (types with ops->residualjacobianlocal) */
  PetscBool        brgn;      /* BRGN reports 1/2 |R|^2 (plus its own regularisation) as the objective */
  PetscBool        nonfinite; /* a callback met NaN or Inf: the iterates diverged */
  PetscBool        val_stop;  /* the held-out validation stopped the fit (SNAFitStopRequested()) */
} SNATaoCtx;

/* The first error raised inside TaoSolve, kept so that a solve stopped by non-finite values can end the
   fit as diverged, while any other error is raised again with its message. */
typedef struct {
  PetscErrorCode code;
  char           message[512];
} SNATaoFailure;

static PetscErrorCode SNATaoErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ptr)
{
  SNATaoFailure *failure = (SNATaoFailure *)ptr;

  (void)comm;
  (void)line;
  (void)fun;
  (void)file;
  if (p == PETSC_ERROR_INITIAL && !failure->code) {
    failure->code = n;
    (void)PetscStrncpy(failure->message, mess ? mess : "", sizeof(failure->message));
  }
  return n;
}

/* Scatters TAO's distributed theta to every rank and sets it as the model's parameters. */
static PetscErrorCode SNATaoSetModelParameters(SNATaoCtx *ctx, Vec theta)
{
  const PetscReal *th;

  PetscFunctionBegin;
  PetscCall(VecScatterBegin(ctx->toall, theta, ctx->full, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(ctx->toall, theta, ctx->full, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(ctx->full, &th));
  PetscCall(SNAFitSetParameters(ctx->sna, th));
  PetscCall(VecRestoreArrayRead(ctx->full, &th));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNATaoObjectiveGradient(Tao tao, Vec theta, PetscReal *f, Vec G, void *ptr)
{
  SNATaoCtx       *ctx = (SNATaoCtx *)ptr;
  SNA              sna = ctx->sna;
  const PetscInt   np  = ctx->P;
  const PetscReal *th;
  PetscReal       *g, sse = 0, reg = 0;
  PetscInt         rstart, rend;

  PetscFunctionBegin;
  (void)tao;
  PetscCall(SNATaoSetModelParameters(ctx, theta));
  PetscCall(PetscArrayzero(ctx->grad, np + 1));
  PetscCall(SNAFitLossGradientLocal(sna, ctx->n, ctx->x, ctx->y, &sse, ctx->grad));
  ctx->grad[np] = sse;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, ctx->grad, np + 1, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)sna)));
  PetscCall(VecGetArrayRead(ctx->full, &th));
  for (PetscInt i = 0; i < np; i++) reg += th[i] * th[i];
  *f = ctx->grad[np] / ctx->N + 0.5 * ctx->lambda * reg;
  if (PetscIsInfOrNanReal(*f))
    ctx->nonfinite = PETSC_TRUE;
  else if (*f < ctx->best_f) {
    ctx->best_f = *f;
    PetscCall(PetscArraycpy(ctx->best_theta, th, np));
  }
  PetscCall(VecGetOwnershipRange(G, &rstart, &rend));
  PetscCall(VecGetArray(G, &g));
  for (PetscInt i = rstart; i < rend; i++) g[i - rstart] = ctx->grad[i] / ctx->N + ctx->lambda * th[i];
  for (PetscInt i = 0; i < np; i++)
    if (PetscIsInfOrNanReal(ctx->grad[i])) ctx->nonfinite = PETSC_TRUE;
  PetscCall(VecRestoreArray(G, &g));
  PetscCall(VecRestoreArrayRead(ctx->full, &th));
  ctx->work.function++;
  ctx->work.gradient++;
  PetscFunctionReturn(0);
}

/* Exact Hessian of the objective, (1/N) d^2 sse + lambda I, into a dense matrix with theta's layout. */
static PetscErrorCode SNATaoHessian(Tao tao, Vec theta, Mat H, Mat Hpre, void *ptr)
{
  SNATaoCtx     *ctx = (SNATaoCtx *)ptr;
  SNA            sna = ctx->sna;
  const PetscInt np  = ctx->P;
  PetscReal     *a;
  PetscInt       rstart, rend, lda;

  PetscFunctionBegin;
  (void)tao;
  (void)Hpre;
  PetscCall(SNATaoSetModelParameters(ctx, theta));
  PetscCall(PetscArrayzero(ctx->hess, np * np));
  PetscCall(SNAFitHessianLocal(sna, ctx->n, ctx->x, ctx->y, ctx->hess));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, ctx->hess, np * np, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)sna)));
  for (PetscInt i = 0; i < np * np; i++)
    if (PetscIsInfOrNanReal(ctx->hess[i])) ctx->nonfinite = PETSC_TRUE;
  PetscCall(MatGetOwnershipRange(H, &rstart, &rend));
  PetscCall(MatDenseGetLDA(H, &lda));
  PetscCall(MatDenseGetArrayWrite(H, &a)); /* local rows, all columns, column-major */
  for (PetscInt i = rstart; i < rend; i++)
    for (PetscInt j = 0; j < np; j++) a[j * lda + (i - rstart)] = ctx->hess[i * np + j] / ctx->N + (i == j ? ctx->lambda : 0.0);
  PetscCall(MatDenseRestoreArrayWrite(H, &a));
  PetscCall(MatAssemblyBegin(H, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(H, MAT_FINAL_ASSEMBLY));
  ctx->work.hessian++;
  PetscFunctionReturn(0);
}

/* Residuals r / sqrt(N), so that BRGN's 1/2 |R|^2 is the SNA's data loss; the Jacobian rows are kept for
   SNATaoJacobian at the same point. */
static PetscErrorCode SNATaoResidual(Tao tao, Vec theta, Vec R, void *ptr)
{
  SNATaoCtx *ctx = (SNATaoCtx *)ptr;
  SNA        sna = ctx->sna;
  PetscReal *r, scale = 1.0 / PetscSqrtReal((PetscReal)ctx->N);
  PetscInt   nr;

  PetscFunctionBegin;
  (void)tao;
  PetscCall(SNATaoSetModelParameters(ctx, theta));
  PetscCall(VecGetLocalSize(R, &nr));
  PetscCall(VecGetArrayWrite(R, &r));
  PetscCall(SNAFitResidualJacobianLocal(sna, ctx->n, ctx->x, ctx->y, r, NULL));
  for (PetscInt i = 0; i < nr; i++) {
    r[i] *= scale;
    if (PetscIsInfOrNanReal(r[i])) ctx->nonfinite = PETSC_TRUE;
  }
  PetscCall(VecRestoreArrayWrite(R, &r));
  ctx->work.function++;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNATaoJacobian(Tao tao, Vec theta, Mat J, Mat Jpre, void *ptr)
{
  SNATaoCtx     *ctx = (SNATaoCtx *)ptr;
  SNA            sna = ctx->sna;
  const PetscInt np = ctx->P, nr = ctx->n * ctx->q;
  PetscReal     *a, *r, scale = 1.0 / PetscSqrtReal((PetscReal)ctx->N);
  PetscInt       lda;

  PetscFunctionBegin;
  (void)tao;
  (void)Jpre;
  PetscCall(SNATaoSetModelParameters(ctx, theta));
  PetscCall(PetscMalloc1(nr, &r));
  PetscCall(SNAFitResidualJacobianLocal(sna, ctx->n, ctx->x, ctx->y, r, ctx->jac));
  PetscCall(PetscFree(r));
  PetscCall(MatDenseGetLDA(J, &lda));
  PetscCall(MatDenseGetArrayWrite(J, &a));
  for (PetscInt i = 0; i < nr; i++)
    for (PetscInt j = 0; j < np; j++) {
      a[j * lda + i] = scale * ctx->jac[i * np + j];
      if (PetscIsInfOrNanReal(a[j * lda + i])) ctx->nonfinite = PETSC_TRUE;
    }
  PetscCall(MatDenseRestoreArrayWrite(J, &a));
  PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  ctx->work.gradient++;
  PetscFunctionReturn(0);
}

/* Reports the training MSE of the current iterate to the SNA's monitors; the model holds that iterate
   (not the last line-search trial), so monitors can read it with SNAGetParameters(). BRGN's objective holds its own
   regulariser (-sna_fit_tao_brgn_regularizer_weight), so for it the data loss is evaluated here: the monitor, the
   tolerances and the validation see the training MSE, not that objective. A stop asked for by the held-out
   validation ends TAO here. */
static PetscErrorCode SNATaoMonitor(Tao tao, void *ptr)
{
  SNATaoCtx         *ctx = (SNATaoCtx *)ptr;
  SNA                sna = ctx->sna;
  Vec                theta;
  PetscReal          f, reg = 0, sse, mse;
  PetscInt           its;
  TaoConvergedReason reason;
  MPI_Comm           comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscCall(TaoGetIterationNumber(tao, &its));
  PetscCall(TaoGetSolution(tao, &theta));
  PetscCall(SNATaoSetModelParameters(ctx, theta));
  if (ctx->brgn) {
    PetscCall(SNAFitLossLocal(sna, ctx->n, ctx->x, ctx->y, &sse));
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &sse, 1, MPIU_REAL, MPIU_SUM, comm));
    ctx->work.function++;
  } else {
    PetscCall(TaoGetSolutionStatus(tao, NULL, &f, NULL, NULL, NULL, NULL));
    PetscCall(VecNorm(theta, NORM_2, &reg));
    reg = 0.5 * ctx->lambda * reg * reg;
    sse = (f - reg) * ctx->N;
  }
  mse = 2.0 * sse / ((PetscReal)ctx->N * ctx->q);
  PetscCall(SNAFitMonitor(sna, ctx->it0 + its, mse));
  if (SNAFitStopRequested(sna)) {
    ctx->val_stop = PETSC_TRUE;
    PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
    PetscFunctionReturn(0);
  }
  /* the class's -sna_fit_rtol and -sna_fit_atol apply to TAO too (its own tolerances are off): TAO's default
     convergence test, which runs after the monitors, keeps a reason set here. A reason TAO set before its monitors
     (a failed line search, after which TAO is back at the previous iterate: a zero decrease, not rtol convergence)
     is kept. */
  PetscCall(TaoGetConvergedReason(tao, &reason));
  if (reason == TAO_CONTINUE_ITERATING && its > 0 && (mse <= ctx->atol || SNAFitDecreaseConverged(sna, ctx->mse_prev, mse))) PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
  ctx->atol_met = (PetscBool)(mse <= ctx->atol);
  ctx->mse_prev = mse;
  PetscFunctionReturn(0);
}

/* Whether the chosen TAO type needs the exact Hessian or the residual Jacobian of the model, checked against
   what the SNA's type provides. */
static PetscErrorCode SNATaoCheckType(SNA sna, Tao tao, PetscBool *needH, PetscBool *needJ)
{
  const char *const newton[] = {TAONLS, TAONTR, TAONTL, TAOBNLS, TAOBNTR, TAOBNTL}, *const lsq[] = {TAOBRGN, TAOPOUNDERS};
  PetscBool match, has;
  TaoType   type;
  SNAType   snatype;

  PetscFunctionBegin;
  *needH = *needJ = PETSC_FALSE;
  PetscCall(SNAGetType(sna, &snatype));
  PetscCall(TaoGetType(tao, &type));
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(newton); i++) {
    PetscCall(PetscStrcmp(type, newton[i], &match));
    if (!match) continue;
    PetscCall(SNAFitHasOperation(sna, SNA_FIT_OP_HESSIAN, SNAFITTAO, &has));
    PetscCheck(has, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "TAO type %s needs the Hessian of the loss, which SNA type %s does not provide; use lmvm, bncg or another gradient-only type", type, snatype);
    *needH = PETSC_TRUE;
  }
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(lsq); i++) {
    PetscCall(PetscStrcmp(type, lsq[i], &match));
    if (!match) continue;
    PetscCall(SNAFitHasOperation(sna, SNA_FIT_OP_RESIDUAL_JACOBIAN, SNAFITTAO, &has));
    PetscCheck(has, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "TAO type %s needs the residuals and their Jacobian, which SNA type %s does not provide; use lmvm, bncg or another gradient-only type", type, snatype);
    *needJ = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

/* The SNA's reason for TAO's: the budget is not convergence, and a failed line search that still lowered the
   loss from the start (typically at rounding level near the optimum) is a stall, not a divergence. */
static SNAConvergedReason SNATaoReason(TaoConvergedReason reason, PetscReal f0, PetscReal best, PetscBool atol_met)
{
  if (reason == TAO_DIVERGED_MAXITS || reason == TAO_DIVERGED_MAXFCN) return SNA_DIVERGED_ITS;
  if (reason == TAO_CONVERGED_USER && !(best < f0)) return SNA_DIVERGED_NO_PROGRESS;
  if (reason == TAO_CONVERGED_USER) return atol_met ? SNA_CONVERGED_ATOL : SNA_CONVERGED_RTOL;
  if (reason > 0) return SNA_CONVERGED_TAO;
  return best < f0 ? SNA_CONVERGED_STALLED : SNA_DIVERGED_TAO;
}

/* Copies the model's parameters into TAO's distributed vector. */
static PetscErrorCode SNATaoGetModelParameters(SNATaoCtx *ctx, Vec theta)
{
  PetscReal *th, *t;
  PetscInt   rstart, rend;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(ctx->P, &th));
  PetscCall(SNAGetParameters(ctx->sna, th));
  PetscCall(VecGetOwnershipRange(theta, &rstart, &rend));
  PetscCall(VecGetArray(theta, &t));
  PetscCall(PetscArraycpy(t, th + rstart, rend - rstart));
  PetscCall(VecRestoreArray(theta, &t));
  PetscCall(PetscFree(th));
  PetscFunctionReturn(0);
}

/* The TAO solver of an SNA's fit, before its options are read: L-BFGS (TAOLMVM) by default, options prefix
   <sna prefix>sna_fit_. SNAFit_TAO() and SNAReadFitOptions() make it the same way. */
static PetscErrorCode SNATaoCreate(SNA sna, Tao *tao)
{
  const char *prefix;

  PetscFunctionBegin;
  PetscCall(TaoCreate(PetscObjectComm((PetscObject)sna), tao));
  PetscCall(TaoSetType(*tao, TAOLMVM));
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)sna, &prefix));
  PetscCall(TaoSetOptionsPrefix(*tao, prefix));
  PetscCall(TaoAppendOptionsPrefix(*tao, "sna_fit_"));
  PetscFunctionReturn(0);
}

/* The objects of one SNAFit_TAO(), made by its steps and destroyed by SNATaoFitDestroy() on every path, an error's too. */
typedef struct {
  Tao       tao;
  Vec       theta, R; /* TAO's solution; the residuals of the least-squares types */
  Mat       H, J;     /* the dense Hessian of the Newton types; the residual Jacobian of the least-squares types */
  PetscInt  nlocal, max_it;
  PetscBool needH, needJ;
  PetscBool data; /* X's and Y's arrays are held (SNAFitGetData()) */
} SNATaoFit;

/* The fit's sizes, settings and data, and the gradient and best point's storage. */
static PetscErrorCode SNATaoFitData(SNA sna, Vec X, Vec Y, SNATaoCtx *ctx, SNATaoFit *fit)
{
  PetscInt d;

  PetscFunctionBegin;
  PetscCall(SNAFitHasOperation(sna, SNA_FIT_OP_GRADIENT, SNAFITTAO, NULL));
  PetscCall(SNAGetSizes(sna, &d, &ctx->q));
  PetscCall(SNAGetNumParameters(sna, &ctx->P));
  PetscCall(SNAGetIterationNumber(sna, &ctx->it0));
  PetscCall(SNAFitGetSettings(sna, &ctx->lambda, &ctx->atol, NULL, &fit->max_it));
  PetscCall(SNAFitGetData(sna, X, Y, &ctx->n, &ctx->N, &ctx->x, &ctx->y));
  fit->data = PETSC_TRUE;
  PetscCall(PetscCalloc1(ctx->P + 1, &ctx->grad));
  PetscCall(PetscMalloc1(ctx->P, &ctx->best_theta));
  ctx->best_f = PETSC_MAX_REAL;
  PetscFunctionReturn(0);
}

/* TAO's distributed solution, the model's parameters, and its scatter to every rank's full copy. */
static PetscErrorCode SNATaoFitParameters(SNA sna, SNATaoCtx *ctx, SNATaoFit *fit)
{
  PetscFunctionBegin;
  PetscCall(VecCreateMPI(PetscObjectComm((PetscObject)sna), PETSC_DECIDE, ctx->P, &fit->theta));
  PetscCall(VecGetLocalSize(fit->theta, &fit->nlocal));
  PetscCall(VecScatterCreateToAll(fit->theta, &ctx->toall, &ctx->full));
  PetscCall(SNATaoGetModelParameters(ctx, fit->theta));
  PetscFunctionReturn(0);
}

/* The solver, its options read and its type checked: the least-squares types minimise 1/2 |R|^2 of the residuals
   alone, so a lambda given would be ignored: refused. */
static PetscErrorCode SNATaoFitSolver(SNA sna, SNATaoCtx *ctx, SNATaoFit *fit)
{
  const char *prefix;

  PetscFunctionBegin;
  PetscCall(SNATaoCreate(sna, &fit->tao));
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)sna, &prefix));
  PetscCall(TaoSetSolution(fit->tao, fit->theta));
  PetscCall(TaoSetObjectiveAndGradient(fit->tao, NULL, SNATaoObjectiveGradient, ctx));
  PetscCall(TaoSetMaximumIterations(fit->tao, fit->max_it));
  PetscCall(TaoSetMaximumFunctionEvaluations(fit->tao, 10 * fit->max_it + 100));
  PetscCall(TaoSetTolerances(fit->tao, 0.0, 0.0, 0.0));
  PetscCall(TaoSetMonitor(fit->tao, SNATaoMonitor, ctx, NULL));
  PetscCall(TaoSetFromOptions(fit->tao));
  PetscCall(SNATaoCheckType(sna, fit->tao, &fit->needH, &fit->needJ));
  if (fit->needJ) {
    TaoType   type;
    PetscBool brgn;
    char      what[128], alt[PETSC_MAX_OPTION_NAME + 96];

    PetscCall(TaoGetType(fit->tao, &type));
    PetscCall(PetscStrcmp(type, TAOBRGN, &brgn));
    PetscCall(PetscSNPrintf(what, sizeof(what), "TAO type %s does not minimise (it minimises the residuals' 1/2 |R|^2%s)", type, brgn ? " with its own regularisation" : ""));
    PetscCall(PetscSNPrintf(alt, sizeof(alt), "%s%s%s, or use a TAO type of the loss (lmvm, the default)", brgn ? " (give -" : "", brgn ? (prefix ? prefix : "") : "", brgn ? "sna_fit_tao_brgn_regularizer_weight instead)" : ""));
    PetscCall(SNAFitRefuseLambda(sna, what, alt));
  }
  PetscFunctionReturn(0);
}

/* The dense Hessian (a copy and the Mat) and the rank's Jacobian rows (the same): refused before they grow, then made
   for the types that use them. */
static PetscErrorCode SNATaoFitDerivatives(SNA sna, SNATaoCtx *ctx, SNATaoFit *fit)
{
  MPI_Comm             comm = PetscObjectComm((PetscObject)sna);
  const PetscLogDouble P = ctx->P, bytes = 16 * ((fit->needH ? P * P : 0) + (fit->needJ ? (PetscLogDouble)ctx->n * ctx->q * P : 0));
  const char          *pf = SNAMessagePrefix(sna);
  char                 what[384];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(what, sizeof(what), "-%ssna_fit_type tao with %s for a model of %" PetscInt_FMT " parameters (sized by -%ssna_khronos_nodes and -%ssna_khronos_modes, or -%ssna_aion_rank and -%ssna_aion_terms)", pf, fit->needH ? "the dense Hessian" : "the dense Jacobian", ctx->P, pf, pf, pf, pf));
  PetscCall(SNAPSCheckMemory(comm, bytes, what));
  if (fit->needH) { /* dense P x P: only for the Newton types that use it */
    PetscCall(PetscMalloc1(ctx->P * ctx->P, &ctx->hess));
    PetscCall(MatCreateDense(comm, fit->nlocal, fit->nlocal, ctx->P, ctx->P, NULL, &fit->H));
    PetscCall(TaoSetHessian(fit->tao, fit->H, fit->H, SNATaoHessian, ctx));
  }
  if (fit->needJ) {
    const PetscInt nr = ctx->n * ctx->q;
    PetscCall(PetscMalloc1(nr * ctx->P, &ctx->jac));
    PetscCall(VecCreateMPI(comm, nr, PETSC_DETERMINE, &fit->R));
    PetscCall(MatCreateDense(comm, nr, fit->nlocal, PETSC_DETERMINE, ctx->P, NULL, &fit->J));
    PetscCall(TaoSetResidualRoutine(fit->tao, fit->R, SNATaoResidual, ctx));
    PetscCall(TaoSetJacobianResidualRoutine(fit->tao, fit->J, fit->J, SNATaoJacobian, ctx));
  }
  PetscCall(PetscObjectTypeCompare((PetscObject)fit->tao, TAOBRGN, &ctx->brgn));
  PetscFunctionReturn(0);
}

/* The data loss (the objective of the loss types) at theta. */
static PetscErrorCode SNATaoFitLoss(SNATaoCtx *ctx, SNATaoFit *fit, PetscReal *f)
{
  Vec G;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(fit->theta, &G));
  PetscCall(SNATaoObjectiveGradient(fit->tao, fit->theta, f, G, ctx));
  PetscCall(VecDestroy(&G));
  PetscFunctionReturn(0);
}

/* TAO's solve from the starting loss f0. An error inside TAO (its line search giving up at rounding level, say) after
   progress is a stall: the best point is kept; before any progress it is raised with TAO's message. solved: the solve's
   error (0: none). */
static PetscErrorCode SNATaoFitSolve(SNA sna, SNATaoCtx *ctx, SNATaoFit *fit, PetscReal f0, PetscErrorCode *solved, SNATaoFailure *failure)
{
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(SNATaoErrorHandler, failure));
  ierr = TaoSolve(fit->tao); /* not PetscCall: TAO raises an error when the objective becomes NaN or Inf */
  PetscCall(PetscPopErrorHandler());
  if (ierr && !ctx->nonfinite) { /* TAO's own arithmetic (|R|^2, H v) can overflow from finite values */
    char *found;
    PetscCall(PetscStrstr(failure->message, "Inf or NaN", &found));
    ctx->nonfinite = (PetscBool)(found != NULL);
  }
  PetscCheck(!ierr || ctx->nonfinite || ctx->best_f < f0, PetscObjectComm((PetscObject)sna), ierr, "TAO failed: %s", failure->message);
  *solved = ierr;
  PetscFunctionReturn(0);
}

/* The fit's work, its reason, and the model's parameters: the lowest-loss point evaluated, not TAO's last iterate or
   line-search trial; BRGN evaluates residuals only, and its solution is its best accepted point. */
static PetscErrorCode SNATaoFitFinish(SNA sna, SNATaoCtx *ctx, SNATaoFit *fit, PetscReal f0, PetscErrorCode solved, const SNATaoFailure *failure)
{
  TaoConvergedReason reason;
  SNAConvergedReason snareason;
  PetscInt           its, lits = 0;

  PetscFunctionBegin;
  PetscCall(TaoGetConvergedReason(fit->tao, &reason));
  PetscCall(TaoGetIterationNumber(fit->tao, &its));
  if (ctx->brgn) {
    Tao sub;

    PetscCall(TaoBRGNGetSubsolver(fit->tao, &sub));
    PetscCall(TaoGetLinearSolveIterations(sub, &lits));
  } else
    PetscCall(TaoGetLinearSolveIterations(fit->tao, &lits));
  ctx->work.outer = its;
  ctx->work.inner = lits;
  if (ctx->brgn) PetscCall(SNATaoFitLoss(ctx, fit, &ctx->best_f)); /* its objective is its own; compare the data loss at its solution with the start's */
  snareason = ctx->val_stop ? SNA_CONVERGED_VALIDATION : SNATaoReason(reason, f0, ctx->best_f, ctx->atol_met);
  if (solved && !(ctx->best_f < f0)) {
    snareason = SNA_DIVERGED_NANORINF;
    PetscCall(PetscInfo(sna, "TAO stopped on NaN or Inf: %s\n", failure->message));
  } else if (solved) {
    snareason = SNA_CONVERGED_STALLED; /* overflow or a failed line search after progress: keep the best point */
    PetscCall(PetscInfo(sna, "TAO stopped on an error after lowering the loss: %s\n", failure->message));
  } else
    PetscCall(PetscInfo(sna, "TAO stopped after %" PetscInt_FMT " iterations: %s\n", its, TaoConvergedReasons[reason]));
  PetscCall(SNAFitAddWork(sna, its, &ctx->work));
  PetscCall(SNAFitSetReason(sna, snareason));
  if (ctx->brgn || !(ctx->best_f < PETSC_MAX_REAL))
    PetscCall(SNATaoSetModelParameters(ctx, fit->theta));
  else
    PetscCall(SNAFitSetParameters(sna, ctx->best_theta));
  PetscFunctionReturn(0);
}

/* Everything SNAFit_TAO() made, and X's and Y's arrays given back: after an error too, so that a caller that catches
   it can go on (write to X, destroy it) with nothing leaked. */
static PetscErrorCode SNATaoFitDestroy(SNA sna, Vec X, Vec Y, SNATaoCtx *ctx, SNATaoFit *fit)
{
  PetscFunctionBegin;
  PetscCall(TaoDestroy(&fit->tao));
  PetscCall(MatDestroy(&fit->H));
  PetscCall(MatDestroy(&fit->J));
  PetscCall(VecDestroy(&fit->R));
  PetscCall(VecScatterDestroy(&ctx->toall));
  PetscCall(VecDestroy(&ctx->full));
  PetscCall(VecDestroy(&fit->theta));
  PetscCall(PetscFree(ctx->grad));
  PetscCall(PetscFree(ctx->best_theta));
  PetscCall(PetscFree(ctx->hess));
  PetscCall(PetscFree(ctx->jac));
  if (fit->data) PetscCall(SNAFitRestoreData(sna, X, Y, &ctx->x, &ctx->y));
  PetscFunctionReturn(0);
}

/* The steps of SNAFit_TAO(), which destroys what they made. */
static PetscErrorCode SNATaoFitRun(SNA sna, Vec X, Vec Y, SNATaoCtx *ctx, SNATaoFit *fit)
{
  PetscReal      f0;
  PetscErrorCode solved  = 0;
  SNATaoFailure  failure = {0};

  PetscFunctionBegin;
  PetscCall(SNATaoFitData(sna, X, Y, ctx, fit));
  PetscCall(SNATaoFitParameters(sna, ctx, fit));
  PetscCall(SNATaoFitSolver(sna, ctx, fit));
  PetscCall(SNATaoFitDerivatives(sna, ctx, fit));
  PetscCall(SNATaoFitLoss(ctx, fit, &f0)); /* the starting objective, to tell a stall below it from a failure */
  PetscCall(SNATaoFitSolve(sna, ctx, fit, f0, &solved, &failure));
  PetscCall(SNATaoFitFinish(sna, ctx, fit, f0, solved, &failure));
  PetscFunctionReturn(0);
}

/*MC
  SNAFITTAO - "tao": all parameters at once by a PETSc TAO solver (default LMVM, a limited-memory quasi-Newton)

  TAO's options take the SNA's prefix plus "sna_fit_": -sna_fit_tao_type lmvm|bncg|nls|brgn|..., -sna_fit_tao_monitor.
  Newton types (nls, ntr, ...) need the type's exact Hessian (aion), least-squares types (brgn) its residual
  Jacobian (khronos, aion). The least-squares types minimise the residuals' 1/2 |R|^2 (brgn with its own
  regularisation, -sna_fit_tao_brgn_regularizer_weight), not the Tikhonov term: they refuse a nonzero -sna_fit_lambda given.
  The model keeps the lowest-loss point TAO evaluated. TAO's own stops: a failed line search (DIVERGED_LS_FAILURE,
  named by -info, e.g. with -sna_fit_tao_ls_max_funcs too small) ends the fit CONVERGED_STALLED when a point below the
  start was evaluated, DIVERGED_TAO when none was; -sna_fit_max_it ends it DIVERGED_ITS.

  Level: intermediate

.seealso: SNAFITLM, SNAFit()
M*/
PetscErrorCode SNAFit_TAO(SNA sna, Vec X, Vec Y)
{
  SNATaoCtx      ctx = {0};
  SNATaoFit      fit = {0};
  PetscErrorCode ierr;

  PetscFunctionBegin;
  ctx.sna = sna;
  ierr    = SNATaoFitRun(sna, X, Y, &ctx, &fit); /* not PetscCall: destroy what it made first */
  PetscCall(SNATaoFitDestroy(sna, X, Y, &ctx, &fit));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@C
  SNAReadFitOptions - Reads, without fitting, the options that SNAFit() reads beyond SNASetFromOptions()

  Collective

  Input Parameter:
. sna - an SNA set up as the one the program will fit

  Notes:
  The options: -sna_view (read at the end of a fit) and, for SNAFITTAO, the TAO solver's options (-sna_fit_tao_...,
  read when the fit starts, and its -sna_fit_tao_view, -sna_fit_tao_ls_view and a Newton type's KSP -ksp_view and
  -ksp_converged_reason, read at the end of its solve). A program calls it before SNAPSOptionsWarnUnusedEarly() and
  the long fit, so that those options are not reported as unused, and a -sna_view of a viewer SNAView() cannot show
  (not ASCII) is refused before the fit rather than after it.

  Level: developer

.seealso: SNAFit(), SNASetFromOptions(), SNAPSOptionsWarnUnusedEarly()
@*/
PetscErrorCode SNAReadFitOptions(SNA sna)
{
  const char *prefix;
  SNAFitType  type;
  PetscBool   flg, tao;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)sna, &prefix));
  PetscCall(PetscOptionsHasName(((PetscObject)sna)->options, prefix, "-sna_view", &flg));
  PetscCall(SNACheckViewOption(sna)); /* a viewer SNAView() cannot show is refused now, not after the fit */
  PetscCall(SNAGetFitType(sna, &type));
  PetscCall(PetscStrcmp(type, SNAFITTAO, &tao));
  if (tao) { /* the solver SNAFit_TAO() makes: its options are read, nothing is solved */
    Tao         t;
    KSP         ksp;
    const char *tprefix, *kprefix;

    PetscCall(SNATaoCreate(sna, &t));
    PetscCall(TaoSetFromOptions(t));
    /* the views that TaoSolve() (and a Newton type's KSPSolve()) read only at their end */
    PetscCall(TaoGetOptionsPrefix(t, &tprefix));
    PetscCall(PetscOptionsHasName(((PetscObject)t)->options, tprefix, "-tao_view", &flg));
    PetscCall(PetscOptionsHasName(((PetscObject)t)->options, tprefix, "-tao_ls_view", &flg));
    PetscCall(TaoGetKSP(t, &ksp));
    if (ksp) {
      PetscCall(KSPGetOptionsPrefix(ksp, &kprefix));
      PetscCall(PetscOptionsHasName(((PetscObject)ksp)->options, kprefix, "-ksp_view", &flg));
      PetscCall(PetscOptionsHasName(((PetscObject)ksp)->options, kprefix, "-ksp_converged_reason", &flg));
    }
    PetscCall(TaoDestroy(&t));
  }
  PetscFunctionReturn(0);
}
