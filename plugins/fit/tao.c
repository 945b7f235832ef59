/* Gradient-based fitting through PETSc TAO, for any SNA type that exposes its parameters and the
   gradient of its loss. Objective: (1/2N) sum_i |u(x_i) - y_i|^2 + (lambda/2) |theta|^2.
   TAO options take the SNA's prefix plus "sna_fit_", e.g. -sna_fit_tao_type lmvm. */
#include <snaps/private/snaimpl.h>
#include <petsctao.h>

typedef struct {
  SNA              sna;
  PetscInt         n, N; /* local and global samples */
  const PetscReal *x, *y;
  VecScatter       toall; /* the distributed TAO vector to every rank's full copy */
  Vec              full;
  PetscReal       *grad; /* local gradient, then its sum (one reduction with the loss) */
} SNATaoCtx;

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
  PetscCall(VecScatterBegin(ctx->toall, theta, ctx->full, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(ctx->toall, theta, ctx->full, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(ctx->full, &th));
  PetscCall((*sna->ops->setparameters)(sna, th));
  PetscCall(PetscArrayzero(ctx->grad, np + 1));
  PetscCall((*sna->ops->lossgradientlocal)(sna, ctx->n, ctx->x, ctx->y, &sse, ctx->grad));
  ctx->grad[np] = sse;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, ctx->grad, np + 1, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)sna)));
  for (PetscInt i = 0; i < np; i++) reg += th[i] * th[i];
  *f = ctx->grad[np] / ctx->N + 0.5 * sna->lambda * reg;
  PetscCall(VecGetOwnershipRange(G, &rstart, &rend));
  PetscCall(VecGetArray(G, &g));
  for (PetscInt i = rstart; i < rend; i++) g[i - rstart] = ctx->grad[i] / ctx->N + sna->lambda * th[i];
  PetscCall(VecRestoreArray(G, &g));
  PetscCall(VecRestoreArrayRead(ctx->full, &th));
  PetscFunctionReturn(0);
}

/* Reports the training MSE, 2 * (data part of the objective) / q, to the SNA's monitors. */
static PetscErrorCode SNATaoMonitor(Tao tao, void *ptr)
{
  SNATaoCtx *ctx = (SNATaoCtx *)ptr;
  SNA        sna = ctx->sna;
  PetscInt   its;

  PetscFunctionBegin;
  PetscCall(TaoGetIterationNumber(tao, &its));
  sna->iterations = its;
  PetscCall(SNAMonitor(sna, its, 2.0 * ctx->grad[sna->nparams] / ((PetscReal)ctx->N * sna->dim_out)));
  PetscFunctionReturn(0);
}

/* Fits all parameters at once with a TAO solver (default LMVM, a limited-memory quasi-Newton). */
PetscErrorCode SNAFit_TAO(SNA sna, Vec X, Vec Y)
{
  SNATaoCtx          ctx = {0};
  Tao                tao;
  Vec                theta;
  PetscReal         *th;
  const PetscReal   *full;
  const char        *prefix;
  PetscInt           rstart, rend, its;
  TaoConvergedReason reason;
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
  {
    PetscReal *t;
    PetscCall(VecGetArray(theta, &t));
    PetscCall(PetscArraycpy(t, th + rstart, rend - rstart));
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
  PetscCall(TaoSetMaximumIterations(tao, sna->max_it));
  PetscCall(TaoSetMaximumFunctionEvaluations(tao, 10 * sna->max_it + 100));
  PetscCall(TaoSetTolerances(tao, 0.0, 0.0, 0.0));
  if (sna->numbermonitors) PetscCall(TaoSetMonitor(tao, SNATaoMonitor, &ctx, NULL));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoSolve(tao));
  PetscCall(TaoGetConvergedReason(tao, &reason));
  PetscCall(TaoGetIterationNumber(tao, &its));
  sna->iterations = its;
  sna->reason     = reason == TAO_DIVERGED_MAXITS ? SNA_CONVERGED_ITS : (reason > 0 ? SNA_CONVERGED_TAO : SNA_DIVERGED_TAO);
  PetscCall(PetscInfo(sna, "TAO stopped after %" PetscInt_FMT " iterations: %s\n", its, TaoConvergedReasons[reason]));

  /* the final solution, not the last line-search trial point */
  PetscCall(VecScatterBegin(ctx.toall, theta, ctx.full, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(ctx.toall, theta, ctx.full, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(ctx.full, &full));
  PetscCall((*sna->ops->setparameters)(sna, full));
  PetscCall(VecRestoreArrayRead(ctx.full, &full));

  PetscCall(TaoDestroy(&tao));
  PetscCall(VecScatterDestroy(&ctx.toall));
  PetscCall(VecDestroy(&ctx.full));
  PetscCall(VecDestroy(&theta));
  PetscCall(PetscFree(ctx.grad));
  PetscCall(VecRestoreArrayRead(X, &ctx.x));
  PetscCall(VecRestoreArrayRead(Y, &ctx.y));
  PetscFunctionReturn(0);
}
