/* Gradient-based fitting through PETSc TAO, for any SNA type that exposes its parameters and the
   gradient of its loss. Objective: (1/2N) sum_i |u(x_i) - y_i|^2 + (lambda/2) |theta|^2.
   TAO options take the SNA's prefix plus "sna_fit_", e.g. -sna_fit_tao_type lmvm.
   Types that also provide the exact Hessian (ops->hessianlocal) can be fitted with TAO's Newton
   solvers (nls, ntr, ...); types that provide residuals and their Jacobian (ops->residualjacobianlocal)
   with the least-squares solvers (brgn: Gauss-Newton, -sna_fit_tao_brgn_regularization_type lm for
   Levenberg-Marquardt). BRGN minimises the data loss with its own regularisation, not lambda. */
#include <snaps/private/snaimpl.h>
#include <petsctao.h>

typedef struct {
  SNA              sna;
  PetscInt         n, N; /* local and global samples */
  const PetscReal *x, *y;
  VecScatter       toall; /* the distributed TAO vector to every rank's full copy */
  Vec              full;
  PetscReal       *grad;      /* local gradient, then its sum (one reduction with the loss) */
  PetscReal       *hess;      /* nparams x nparams Hessian (types with ops->hessianlocal) */
  PetscReal       *jac;       /* local residual Jacobian rows (types with ops->residualjacobianlocal) */
  PetscBool        brgn;      /* BRGN reports 1/2 |R|^2 (plus its own regularisation) as the objective */
  PetscBool        nonfinite; /* a callback met NaN or Inf: the iterates diverged */
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
  PetscCall((*ctx->sna->ops->setparameters)(ctx->sna, th));
  PetscCall(VecRestoreArrayRead(ctx->full, &th));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNATaoObjectiveGradient(Tao tao, Vec theta, PetscReal *f, Vec G, void *ptr)
{
  SNATaoCtx       *ctx = (SNATaoCtx *)ptr;
  SNA              sna = ctx->sna;
  const PetscInt   np  = sna->nparams;
  const PetscReal *th;
  PetscReal       *g, sse = 0, reg = 0;
  PetscInt         rstart, rend;

  PetscFunctionBegin;
  (void)tao;
  PetscCall(SNATaoSetModelParameters(ctx, theta));
  PetscCall(PetscArrayzero(ctx->grad, np + 1));
  PetscCall((*sna->ops->lossgradientlocal)(sna, ctx->n, ctx->x, ctx->y, &sse, ctx->grad));
  ctx->grad[np] = sse;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, ctx->grad, np + 1, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)sna)));
  PetscCall(VecGetArrayRead(ctx->full, &th));
  for (PetscInt i = 0; i < np; i++) reg += th[i] * th[i];
  *f = ctx->grad[np] / ctx->N + 0.5 * sna->lambda * reg;
  if (PetscIsInfOrNanReal(*f)) ctx->nonfinite = PETSC_TRUE;
  PetscCall(VecGetOwnershipRange(G, &rstart, &rend));
  PetscCall(VecGetArray(G, &g));
  for (PetscInt i = rstart; i < rend; i++) g[i - rstart] = ctx->grad[i] / ctx->N + sna->lambda * th[i];
  for (PetscInt i = 0; i < np; i++)
    if (PetscIsInfOrNanReal(ctx->grad[i])) ctx->nonfinite = PETSC_TRUE;
  PetscCall(VecRestoreArray(G, &g));
  PetscCall(VecRestoreArrayRead(ctx->full, &th));
  sna->stats.function++;
  sna->stats.gradient++;
  PetscFunctionReturn(0);
}

/* Exact Hessian of the objective, (1/N) d^2 sse + lambda I, into a dense matrix with theta's layout. */
static PetscErrorCode SNATaoHessian(Tao tao, Vec theta, Mat H, Mat Hpre, void *ptr)
{
  SNATaoCtx     *ctx = (SNATaoCtx *)ptr;
  SNA            sna = ctx->sna;
  const PetscInt np  = sna->nparams;
  PetscReal     *a;
  PetscInt       rstart, rend, lda;

  PetscFunctionBegin;
  (void)tao;
  (void)Hpre;
  PetscCall(SNATaoSetModelParameters(ctx, theta));
  PetscCall(PetscArrayzero(ctx->hess, np * np));
  PetscCall((*sna->ops->hessianlocal)(sna, ctx->n, ctx->x, ctx->y, ctx->hess));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, ctx->hess, np * np, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)sna)));
  for (PetscInt i = 0; i < np * np; i++)
    if (PetscIsInfOrNanReal(ctx->hess[i])) ctx->nonfinite = PETSC_TRUE;
  PetscCall(MatGetOwnershipRange(H, &rstart, &rend));
  PetscCall(MatDenseGetLDA(H, &lda));
  PetscCall(MatDenseGetArrayWrite(H, &a)); /* local rows, all columns, column-major */
  for (PetscInt i = rstart; i < rend; i++)
    for (PetscInt j = 0; j < np; j++) a[j * lda + (i - rstart)] = ctx->hess[i * np + j] / ctx->N + (i == j ? sna->lambda : 0.0);
  PetscCall(MatDenseRestoreArrayWrite(H, &a));
  PetscCall(MatAssemblyBegin(H, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(H, MAT_FINAL_ASSEMBLY));
  sna->stats.hessian++;
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
  PetscCall((*sna->ops->residualjacobianlocal)(sna, ctx->n, ctx->x, ctx->y, r, NULL));
  for (PetscInt i = 0; i < nr; i++) {
    r[i] *= scale;
    if (PetscIsInfOrNanReal(r[i])) ctx->nonfinite = PETSC_TRUE;
  }
  PetscCall(VecRestoreArrayWrite(R, &r));
  sna->stats.function++;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNATaoJacobian(Tao tao, Vec theta, Mat J, Mat Jpre, void *ptr)
{
  SNATaoCtx     *ctx = (SNATaoCtx *)ptr;
  SNA            sna = ctx->sna;
  const PetscInt np = sna->nparams, nr = ctx->n * sna->dim_out;
  PetscReal     *a, *r, scale = 1.0 / PetscSqrtReal((PetscReal)ctx->N);
  PetscInt       lda;

  PetscFunctionBegin;
  (void)tao;
  (void)Jpre;
  PetscCall(SNATaoSetModelParameters(ctx, theta));
  PetscCall(PetscMalloc1(nr, &r));
  PetscCall((*sna->ops->residualjacobianlocal)(sna, ctx->n, ctx->x, ctx->y, r, ctx->jac));
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
  sna->stats.gradient++;
  PetscFunctionReturn(0);
}

/* Reports the training MSE of the current iterate to the SNA's monitors; the model holds that iterate
   (not the last line-search trial), so monitors can read it with SNAGetParameters(). */
static PetscErrorCode SNATaoMonitor(Tao tao, void *ptr)
{
  SNATaoCtx *ctx = (SNATaoCtx *)ptr;
  SNA        sna = ctx->sna;
  Vec        theta;
  PetscReal  f, reg = 0, sse;
  PetscInt   its;

  PetscFunctionBegin;
  PetscCall(TaoGetIterationNumber(tao, &its));
  PetscCall(TaoGetSolution(tao, &theta));
  PetscCall(SNATaoSetModelParameters(ctx, theta));
  PetscCall(TaoGetSolutionStatus(tao, NULL, &f, NULL, NULL, NULL, NULL));
  if (!ctx->brgn) {
    PetscCall(VecNorm(theta, NORM_2, &reg));
    reg = 0.5 * sna->lambda * reg * reg;
  }
  sse             = (f - reg) * ctx->N;
  sna->iterations = its;
  PetscCall(SNAMonitor(sna, its, 2.0 * sse / ((PetscReal)ctx->N * sna->dim_out)));
  PetscFunctionReturn(0);
}

/* TAO types that need the exact Hessian or the residual Jacobian of the model. */
static PetscErrorCode SNATaoCheckType(SNA sna, Tao tao)
{
  const char *const newton[] = {TAONLS, TAONTR, TAONTL, TAOBNLS, TAOBNTR, TAOBNTL}, *const lsq[] = {TAOBRGN, TAOPOUNDERS};
  PetscBool match;
  TaoType   type;

  PetscFunctionBegin;
  PetscCall(TaoGetType(tao, &type));
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(newton); i++) {
    PetscCall(PetscStrcmp(type, newton[i], &match));
    PetscCheck(!match || sna->ops->hessianlocal, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "TAO type %s needs the Hessian of the loss, which SNA type %s does not provide; use lmvm, bncg or another gradient-only type", type, ((PetscObject)sna)->type_name);
  }
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(lsq); i++) {
    PetscCall(PetscStrcmp(type, lsq[i], &match));
    PetscCheck(!match || sna->ops->residualjacobianlocal, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "TAO type %s needs the residuals and their Jacobian, which SNA type %s does not provide; use lmvm, bncg or another gradient-only type", type, ((PetscObject)sna)->type_name);
  }
  PetscFunctionReturn(0);
}

/* Fits all parameters at once with a TAO solver (default LMVM, a limited-memory quasi-Newton). */
PetscErrorCode SNAFit_TAO(SNA sna, Vec X, Vec Y)
{
  SNATaoCtx          ctx = {0};
  Tao                tao, sub;
  Vec                theta, R = NULL;
  Mat                H = NULL, J = NULL;
  PetscReal         *th;
  const PetscReal   *full;
  const char        *prefix;
  PetscInt           rstart, rend, its, nlocal, lits = 0;
  TaoConvergedReason reason;
  SNATaoFailure      failure = {0};
  PetscErrorCode     ierr;
  MPI_Comm           comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  ctx.sna = sna;
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "X", &ctx.n, &ctx.x));
  PetscCall(SNAGetLocalRows(sna, Y, sna->dim_out, "Y", &ctx.n, &ctx.y));
  PetscCall(SNAGlobalCount(sna, ctx.n, &ctx.N));
  PetscCall(PetscCalloc1(sna->nparams + 1, &ctx.grad));

  PetscCall(VecCreateMPI(comm, PETSC_DECIDE, sna->nparams, &theta));
  PetscCall(VecScatterCreateToAll(theta, &ctx.toall, &ctx.full));
  PetscCall(PetscMalloc1(sna->nparams, &th));
  PetscCall((*sna->ops->getparameters)(sna, th));
  PetscCall(VecGetOwnershipRange(theta, &rstart, &rend));
  nlocal = rend - rstart;
  {
    PetscReal *t;
    PetscCall(VecGetArray(theta, &t));
    PetscCall(PetscArraycpy(t, th + rstart, nlocal));
    PetscCall(VecRestoreArray(theta, &t));
  }
  PetscCall(PetscFree(th));

  PetscCall(TaoCreate(comm, &tao));
  PetscCall(TaoSetType(tao, TAOLMVM));
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)sna, &prefix));
  PetscCall(TaoSetOptionsPrefix(tao, prefix));
  PetscCall(TaoAppendOptionsPrefix(tao, "sna_fit_"));
  PetscCall(TaoSetSolution(tao, theta));
  PetscCall(TaoSetObjectiveAndGradient(tao, NULL, SNATaoObjectiveGradient, &ctx));
  if (sna->ops->hessianlocal) {
    PetscCall(PetscMalloc1(sna->nparams * sna->nparams, &ctx.hess));
    PetscCall(MatCreateDense(comm, nlocal, nlocal, sna->nparams, sna->nparams, NULL, &H));
    PetscCall(TaoSetHessian(tao, H, H, SNATaoHessian, &ctx));
  }
  if (sna->ops->residualjacobianlocal) {
    const PetscInt nr = ctx.n * sna->dim_out;
    PetscCall(PetscMalloc1(nr * sna->nparams, &ctx.jac));
    PetscCall(VecCreateMPI(comm, nr, PETSC_DETERMINE, &R));
    PetscCall(MatCreateDense(comm, nr, nlocal, PETSC_DETERMINE, sna->nparams, NULL, &J));
    PetscCall(TaoSetResidualRoutine(tao, R, SNATaoResidual, &ctx));
    PetscCall(TaoSetJacobianResidualRoutine(tao, J, J, SNATaoJacobian, &ctx));
  }
  PetscCall(TaoSetMaximumIterations(tao, sna->max_it));
  PetscCall(TaoSetMaximumFunctionEvaluations(tao, 10 * sna->max_it + 100));
  PetscCall(TaoSetTolerances(tao, 0.0, 0.0, 0.0));
  if (sna->numbermonitors) PetscCall(TaoSetMonitor(tao, SNATaoMonitor, &ctx, NULL));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(SNATaoCheckType(sna, tao));
  PetscCall(PetscObjectTypeCompare((PetscObject)tao, TAOBRGN, &ctx.brgn));
  PetscCall(PetscPushErrorHandler(SNATaoErrorHandler, &failure));
  ierr = TaoSolve(tao); /* not PetscCall: TAO raises an error when the objective becomes NaN or Inf */
  PetscCall(PetscPopErrorHandler());
  if (ierr && !ctx.nonfinite) { /* TAO's own arithmetic (|R|^2, H v) can overflow from finite values */
    char *found;
    PetscCall(PetscStrstr(failure.message, "Inf or NaN", &found));
    ctx.nonfinite = (PetscBool)(found != NULL);
  }
  PetscCheck(!ierr || ctx.nonfinite, comm, ierr, "TAO failed: %s", failure.message);
  PetscCall(TaoGetConvergedReason(tao, &reason));
  PetscCall(TaoGetIterationNumber(tao, &its));
  if (ctx.brgn) {
    PetscCall(TaoBRGNGetSubsolver(tao, &sub));
    PetscCall(TaoGetLinearSolveIterations(sub, &lits));
  } else
    PetscCall(TaoGetLinearSolveIterations(tao, &lits));
  sna->iterations  = its;
  sna->stats.outer = its;
  sna->stats.inner = lits;
  sna->reason      = reason == TAO_DIVERGED_MAXITS ? SNA_CONVERGED_ITS : (reason > 0 ? SNA_CONVERGED_TAO : SNA_DIVERGED_TAO);
  if (ierr) {
    sna->reason = SNA_DIVERGED_NANORINF;
    PetscCall(PetscInfo(sna, "TAO stopped on NaN or Inf: %s\n", failure.message));
  } else
    PetscCall(PetscInfo(sna, "TAO stopped after %" PetscInt_FMT " iterations: %s\n", its, TaoConvergedReasons[reason]));

  /* the final solution, not the last line-search trial point */
  PetscCall(VecScatterBegin(ctx.toall, theta, ctx.full, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(ctx.toall, theta, ctx.full, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(ctx.full, &full));
  PetscCall((*sna->ops->setparameters)(sna, full));
  PetscCall(VecRestoreArrayRead(ctx.full, &full));

  PetscCall(TaoDestroy(&tao));
  PetscCall(MatDestroy(&H));
  PetscCall(MatDestroy(&J));
  PetscCall(VecDestroy(&R));
  PetscCall(VecScatterDestroy(&ctx.toall));
  PetscCall(VecDestroy(&ctx.full));
  PetscCall(VecDestroy(&theta));
  PetscCall(PetscFree(ctx.grad));
  PetscCall(PetscFree(ctx.hess));
  PetscCall(PetscFree(ctx.jac));
  PetscCall(VecRestoreArrayRead(X, &ctx.x));
  PetscCall(VecRestoreArrayRead(Y, &ctx.y));
  PetscFunctionReturn(0);
}
