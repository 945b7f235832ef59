/* Levenberg-Marquardt fit of all parameters of any SNA type that provides residual Jacobians (or, better, its
   sparse Gauss-Newton normal equations). Objective F = (1/2N) sum |u - y|^2 + (lambda/2) |theta|^2.

   Each accepted step assembles J^T J, J^T r and the loss at the new point with one MPI reduction; each trial
   step costs one loss evaluation (a scalar reduction) and one dense Cholesky solve of
   (H + mu D) delta = -grad, H = J^T J / N + lambda I, D = diag(H) (Marquardt's scaling, floored so that
   the gauge directions of separable models, along which H is singular, stay damped). mu follows Nielsen's
   rule on the ratio of actual to predicted decrease. The normal equations are P x P dense, so this fit is
   for models of up to a few thousand parameters; ALS is the fit for larger ones. */
#include <snaps/private/snaimpl.h>
#include <petscblaslapack.h>

/* Largest parameter count for which the P x P normal equations are formed (2 x 8 P^2 bytes). */
#define SNA_LM_MAX_PARAMS 12000

typedef struct {
  SNA              sna;
  MPI_Comm         comm;
  PetscInt         P, n, N, q; /* parameters, local and global samples, outputs */
  const PetscReal *x, *y;
  PetscReal        lambda;
  PetscReal       *H, *grad, *buf; /* H (P x P), gradient, reduction buffer */
  PetscReal       *K, *D;          /* factor of H + mu D; the scaling D */
  SNAFitStatistics work;
} SNALMCtx;

/* F and the mean squared error at theta from the data loss sse (summed over ranks). */
static void SNALMObjective(const SNALMCtx *c, const PetscReal theta[], PetscReal sse, PetscReal *F, PetscReal *mse)
{
  PetscReal reg = 0;

  for (PetscInt i = 0; i < c->P; i++) reg += theta[i] * theta[i];
  *F   = sse / c->N + 0.5 * c->lambda * reg;
  *mse = 2.0 * sse / ((PetscReal)c->N * c->q);
}

/* Loss of the model's current parameters: one scalar reduction. */
static PetscErrorCode SNALMLoss(SNALMCtx *c, PetscReal *sse)
{
  PetscReal local = 0;

  PetscFunctionBegin;
  PetscCall(SNAFitLossLocal(c->sna, c->n, c->x, c->y, &local));
  PetscCall(MPIU_Allreduce(&local, sse, 1, MPIU_REAL, MPIU_SUM, c->comm));
  c->work.function++;
  PetscFunctionReturn(0);
}

/* Gauss-Newton model at the model's current parameters theta: H, grad and the loss, with one reduction of
   the upper triangle of J^T J, J^T r and the loss. */
static PetscErrorCode SNALMAssemble(SNALMCtx *c, const PetscReal theta[], PetscReal *sse)
{
  const PetscInt P = c->P, nu = P * (P + 1) / 2;
  PetscReal     *b = c->buf;

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(c->H, P * P));
  PetscCall(PetscArrayzero(c->grad, P));
  *sse = 0;
  PetscCall(SNAFitNormalEquationsLocal(c->sna, c->n, c->x, c->y, sse, c->H, c->grad));
  for (PetscInt i = 0, k = 0; i < P; i++)
    for (PetscInt j = i; j < P; j++) b[k++] = c->H[i * P + j];
  PetscCall(PetscArraycpy(b + nu, c->grad, P));
  b[nu + P] = *sse;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, b, nu + P + 1, MPIU_REAL, MPIU_SUM, c->comm));
  for (PetscInt i = 0, k = 0; i < P; i++)
    for (PetscInt j = i; j < P; j++, k++) c->H[i * P + j] = c->H[j * P + i] = b[k] / c->N;
  for (PetscInt i = 0; i < P; i++) {
    c->H[i * P + i] += c->lambda;
    c->grad[i] = b[nu + i] / c->N + c->lambda * theta[i];
  }
  *sse = b[nu + P];
  c->work.gradient++;
  c->work.function++;
  PetscFunctionReturn(0);
}

/* The slow-progress stop (-sna_fit_progress_window w, -sna_fit_progress_rtol f): Fw holds the objective after the
   last w + 1 accepted steps (a ring, the start as step 0); true when the last w steps together lowered it by less
   than f times its value w steps ago. A fit in its tail gains little per step for many steps (cases/airfoil-mf's
   joint ar1 stage: 30 of 57 steps gained 0.6% in all) before a per-step rtol notices. */
static PetscBool SNALMSlowProgress(PetscInt w, PetscReal f, PetscReal Fw[], PetscInt accepted, PetscReal F)
{
  if (!w) return PETSC_FALSE;
  Fw[accepted % (w + 1)] = F;
  if (accepted < w) return PETSC_FALSE;
  return (PetscBool)(Fw[(accepted - w) % (w + 1)] - F < f * Fw[(accepted - w) % (w + 1)]);
}

/* Marquardt scaling: D = diag(H), floored at a small fraction of its largest entry. */
static void SNALMScaling(SNALMCtx *c)
{
  PetscReal dmax = 0;

  for (PetscInt i = 0; i < c->P; i++) dmax = PetscMax(dmax, c->H[i * c->P + i]);
  for (PetscInt i = 0; i < c->P; i++) c->D[i] = PetscMax(c->H[i * c->P + i], 1e-10 * dmax + PETSC_SMALL * PETSC_SMALL);
}

/* The damped step (H + mu D) delta = -grad and its predicted decrease 1/2 delta^T (mu D delta - grad).
 *ok is false when the damped matrix is not numerically positive definite. */
static PetscErrorCode SNALMStep(SNALMCtx *c, PetscReal mu, PetscReal delta[], PetscReal *pred, PetscBool *ok)
{
  const PetscInt P = c->P;
  PetscBLASInt   bP, one = 1, info;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(P, &bP));
  PetscCall(PetscArraycpy(c->K, c->H, P * P));
  for (PetscInt i = 0; i < P; i++) {
    c->K[i * P + i] += mu * c->D[i];
    delta[i] = -c->grad[i];
  }
  PetscCall(PetscFPTrapPush(PETSC_FP_TRAP_OFF));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bP, c->K, &bP, &info));
  if (!info) PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bP, &one, c->K, &bP, delta, &bP, &info));
  PetscCall(PetscFPTrapPop());
  c->work.inner++;
  *ok   = (PetscBool)!info;
  *pred = 0;
  for (PetscInt i = 0; i < P && *ok; i++) *pred += 0.5 * delta[i] * (mu * c->D[i] * delta[i] - c->grad[i]);
  PetscFunctionReturn(0);
}

/*MC
  SNAFITLM - "lm": Levenberg-Marquardt on all parameters of the model at once

  Needs residual Jacobians of the SNA type (khronos and aion have them; khronos assembles J^T J from its sparse
  rows). Converges quadratically near a minimum where the separable alternating fits crawl, at the price of a
  dense P x P Cholesky factorisation per trial step (P trainable parameters, at most 12000).

  Options Database Keys (of the class):
+ -sna_fit_max_it <n> - trial steps
. -sna_fit_rtol <r>   - stop when a step lowers the training MSE (actually, or by the model's prediction) by less
                        than r times the variance of the targets and by less than half (CONVERGED_RTOL)
. -sna_fit_atol <a>   - stop when the training MSE falls below a
. -sna_fit_progress_window <w> - stop when the last w accepted steps together lowered the objective by less than
                        -sna_fit_progress_rtol times it (STOPPED_SLOW_PROGRESS; 0, the default, turns it off)
- -sna_fit_progress_rtol <f> - that fraction (1e-3); refused without -sna_fit_progress_window where the type has no
                        window of its own (khronos, aion: the rtol alone would change nothing)

  Stops with CONVERGED_STALLED when no damping lowers a finite loss any more (rounding level), DIVERGED_ITS at
  the budget. The model keeps the best (the last accepted) iterate.

  Level: intermediate

.seealso: SNAFit(), SNAFITAUTO, SNAFITALS, SNAFITTAO
M*/
PetscErrorCode SNAFit_LM(SNA sna, Vec X, Vec Y)
{
  SNALMCtx           c = {0};
  PetscReal          atol, *theta, *trial, *delta, sse, sse_trial, F, F0, Ft, mse, mse_trial, pred = 0, mu = 1e-3, nu = 2;
  PetscReal         *Fw, progress;
  PetscInt           max_it, its = 0, it0, rejected = 0, accepted = 0, window;
  PetscBool          ok     = PETSC_FALSE;
  SNAConvergedReason reason = SNA_CONVERGED_ITERATING;

  PetscFunctionBegin;
  PetscCall(SNAFitHasOperation(sna, SNA_FIT_OP_RESIDUAL_JACOBIAN, SNAFITLM, NULL));
  c.sna  = sna;
  c.comm = PetscObjectComm((PetscObject)sna);
  PetscCall(SNAGetNumParameters(sna, &c.P));
  PetscCall(SNAGetSizes(sna, NULL, &c.q));
  PetscCheck(c.P <= SNA_LM_MAX_PARAMS, c.comm, PETSC_ERR_SUP, "-%ssna_fit_type lm forms the %" PetscInt_FMT " x %" PetscInt_FMT " normal equations of all parameters; models of more than %d parameters are fitted with -%ssna_fit_type als or tao", SNAMessagePrefix(sna), c.P, c.P, SNA_LM_MAX_PARAMS, SNAMessagePrefix(sna));
  PetscCall(SNAFitGetSettings(sna, &c.lambda, &atol, NULL, &max_it));
  PetscCall(SNAFitGetData(sna, X, Y, &c.n, &c.N, &c.x, &c.y));
  PetscCall(SNAGetIterationNumber(sna, &it0));
  PetscCall(PetscMalloc5(c.P * c.P, &c.H, c.P * c.P, &c.K, c.P, &c.grad, c.P, &c.D, c.P * (c.P + 1) / 2 + c.P + 1, &c.buf));
  PetscCall(SNAFitGetProgressStop(sna, &window, &progress));
  PetscCall(PetscMalloc4(c.P, &theta, c.P, &trial, c.P, &delta, window + 1, &Fw));
  PetscCall(SNAGetParameters(sna, theta));
  PetscCall(SNAFitSetStage(sna, "Levenberg-Marquardt"));

  PetscCall(SNALMAssemble(&c, theta, &sse));
  SNALMObjective(&c, theta, sse, &F, &mse);
  F0 = F;
  (void)SNALMSlowProgress(window, progress, Fw, accepted, F);
  /* the stage's start, always (as TAO's iteration 0): a caller's earlier iterations (it0) need not have been on this
     monitor (an mf model's count includes its parts' fits, each on its own monitor), and a stage that accepts no step
     would otherwise print nothing; each accepted step follows, so no point of the stage is printed twice */
  PetscCall(SNAFitMonitor(sna, it0, mse));
  if (PetscIsInfOrNanReal(F)) reason = SNA_DIVERGED_NANORINF;
  SNALMScaling(&c);
  while (!reason) {
    if (mse <= atol) {
      reason = SNA_CONVERGED_ATOL;
      break;
    }
    if (its >= max_it) {
      reason = SNA_DIVERGED_ITS;
      break;
    }
    its++;
    PetscCall(SNALMStep(&c, mu, delta, &pred, &ok));
    if (ok && !rejected && SNAFitDecreaseConverged(sna, mse, mse - 2.0 * pred / c.q)) { /* even the best step of the model gains nothing */
      reason = SNA_CONVERGED_RTOL;
      break;
    }
    Ft = PETSC_INFINITY;
    if (ok) {
      for (PetscInt i = 0; i < c.P; i++) trial[i] = theta[i] + delta[i];
      PetscCall(SNAFitSetParameters(sna, trial));
      PetscCall(SNALMLoss(&c, &sse_trial));
      SNALMObjective(&c, trial, sse_trial, &Ft, &mse_trial);
    }
    if (ok && Ft < F) { /* accept, and trust the quadratic model more as far as it predicted the decrease */
      const PetscReal rho = (F - Ft) / pred, mse_old = mse;

      mu       = mu * PetscMax(1.0 / 3.0, 1.0 - PetscPowReal(2.0 * rho - 1.0, 3));
      nu       = 2;
      rejected = 0;
      PetscCall(PetscArraycpy(theta, trial, c.P));
      PetscCall(SNALMAssemble(&c, theta, &sse));
      SNALMObjective(&c, theta, sse, &F, &mse);
      SNALMScaling(&c);
      PetscCall(SNAFitMonitor(sna, it0 + its, mse));
      PetscCall(PetscInfo(sna, "LM step %" PetscInt_FMT ": gain ratio %.3f, damping %.3e\n", its, (double)rho, (double)mu));
      if (PetscIsInfOrNanReal(F))
        reason = SNA_DIVERGED_NANORINF;
      else if (SNAFitStopRequested(sna))
        reason = SNA_CONVERGED_VALIDATION;
      else if (SNAFitDecreaseConverged(sna, mse_old, mse))
        reason = SNA_CONVERGED_RTOL;
      else if (SNALMSlowProgress(window, progress, Fw, ++accepted, F))
        reason = SNA_STOPPED_SLOW_PROGRESS;
    } else { /* reject: damp harder (a non-finite or non-positive-definite trial too) */
      PetscCall(SNAFitSetParameters(sna, theta));
      mu *= nu;
      nu *= 2;
      if (++rejected >= 30 || mu > 1e20) reason = F < F0 ? SNA_CONVERGED_STALLED : SNA_DIVERGED_NO_PROGRESS;
    }
  }
  PetscCall(SNAFitSetParameters(sna, theta));
  PetscCall(PetscInfo(sna, "Levenberg-Marquardt: %" PetscInt_FMT " trial steps, MSE %g, damping %g, %s\n", its, (double)mse, (double)mu, SNAConvergedReasons[reason]));
  c.work.outer = its;
  PetscCall(SNAFitAddWork(sna, its, &c.work));
  PetscCall(SNAFitSetReason(sna, reason));
  PetscCall(SNAFitSetStage(sna, NULL));
  PetscCall(PetscFree4(theta, trial, delta, Fw));
  PetscCall(PetscFree5(c.H, c.K, c.grad, c.D, c.buf));
  PetscCall(SNAFitRestoreData(sna, X, Y, &c.x, &c.y));
  PetscFunctionReturn(0);
}
