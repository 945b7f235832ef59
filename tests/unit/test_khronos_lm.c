static const char help[] = "KHRONOS Levenberg-Marquardt and the default fit: the residual Jacobian against finite differences, the\n"
                           "sparse normal equations against the dense Jacobian, exact recovery of a rank-2 target in a few\n"
                           "iterations, honest stopping at the budget, greedy enrichment at least as good as a direct fit, and\n"
                           "Anderson-accelerated ALS in at most half the sweeps of plain ALS; early stopping on held-out samples keeps\n"
                           "the best-validation iterate (stopping on patience or on a rise of the validation MSE; the default fit holds\n"
                           "out 10 percent by default, a chosen fit type none), and a failed validated fit leaves no held-out samples behind (a patience\n"
                           "from SNASetValidation() under the rule rise is refused); the tensor\n"
                           "start (-sna_khronos_init tensor) is exact for a target its coarse splines reproduce under every fit, saves plain ALS\n"
                           "sweeps on a smooth target, and leaves a warm start alone; a validated fit that converged goes on with\n"
                           "all samples under -sna_fit_validation_refit, measuring the training loss of its start and end once each.\n";

#include <snaps.h>
#include <snaps/private/snaimpl.h>

/* Rank-2 target made of polynomials of degree <= 2 (quadratic splines reproduce it exactly), two outputs. */
static void Target(const PetscReal *x, PetscReal *y, PetscInt q)
{
  const PetscReal a = 1 + x[0] * x[0], b = x[1] - 0.5, c = x[0], e = 1 + x[1] + x[1] * x[1];
  y[0] = a * b + c * e;
  if (q > 1) y[1] = 2 * a * b - c * e;
}

/* A smooth target of separation rank 3 in 3 inputs that splines do not reproduce exactly. */
static void Smooth(const PetscReal *x, PetscReal *y, PetscInt q)
{
  (void)q;
  y[0] = PetscSinReal(PETSC_PI * x[0]) * PetscCosReal(1.5 * x[1]) * PetscExpReal(0.5 * x[2]) + 0.7 * PetscExpReal(-x[0] * x[0]) * PetscSinReal(2 * x[1] + 0.3) * PetscCosReal(PETSC_PI * x[2]) + 0.1 * (x[0] - x[1]) * x[2] * x[2];
}

static PetscErrorCode MakeData(PetscInt N, PetscInt d, PetscInt q, void (*f)(const PetscReal *, PetscReal *, PetscInt), Vec *X, Vec *Y)
{
  PetscRandom rnd;
  PetscReal  *x, *y;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 7));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N * d, X));
  PetscCall(VecSetBlockSize(*X, d));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N * q, Y));
  PetscCall(VecSetBlockSize(*Y, q));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt i = 0; i < N; i++) {
    for (PetscInt p = 0; p < d; p++) PetscCall(PetscRandomGetValueReal(rnd, &x[i * d + p]));
    f(x + i * d, y + i * q, q);
  }
  PetscCall(VecRestoreArray(*Y, &y));
  PetscCall(VecRestoreArray(*X, &x));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

static PetscErrorCode CreateModel(PetscInt d, PetscInt q, PetscInt nodes, PetscInt modes, SNAFitType fit, PetscReal rtol, PetscInt max_it, SNA *sna)
{
  PetscReal lo[3] = {-1, -1, -1}, hi[3] = {1, 1, 1};

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_SELF, sna));
  PetscCall(SNASetSizes(*sna, d, q));
  PetscCall(SNASetBounds(*sna, lo, hi));
  PetscCall(SNAKhronosSetBasis(*sna, 2, nodes, modes));
  if (fit) PetscCall(SNASetFitType(*sna, fit));
  PetscCall(SNASetTolerances(*sna, 0.0, rtol, max_it));
  PetscCall(SNASetFromOptions(*sna));
  PetscFunctionReturn(0);
}

/* Dense Jacobian rows against central differences of the residuals; sparse normal equations (assembled by BLAS
   per span and per pair of spans) against J^T J of the dense rows, to rounding. */
static PetscErrorCode CheckJacobian(PetscInt d, PetscInt n)
{
  const PetscInt   q = 2;
  SNA              sna;
  Vec              X, Y;
  const PetscReal *x, *y;
  PetscReal       *theta, *r, *rp, *rm, *J, *JtJ, *Jtr, sse = 0, loss = 0, h = 1e-6, fd_err = 0, jmax = 0, ne_err = 0;
  PetscInt         P;

  PetscFunctionBegin;
  PetscCall(MakeData(n, d, q, Target, &X, &Y));
  PetscCall(CreateModel(d, q, 6, 3, NULL, 0, 1, &sna));
  PetscCall(SNAGetNumParameters(sna, &P));
  PetscCall(PetscMalloc4(P, &theta, n * q, &r, n * q, &rp, n * q, &rm));
  PetscCall(PetscMalloc3(n * q * P, &J, P * P, &JtJ, P, &Jtr));
  for (PetscInt i = 0; i < P; i++) theta[i] = PetscSinReal(1.0 + 3.7 * i); /* every parameter nonzero */
  PetscCall(SNASetParameters(sna, theta));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArrayRead(Y, &y));
  PetscCall((*sna->ops->residualjacobianlocal)(sna, n, x, y, r, J));
  for (PetscInt k = 0; k < P; k++) {
    const PetscReal t = theta[k];
    theta[k]          = t + h;
    PetscCall(SNASetParameters(sna, theta));
    PetscCall((*sna->ops->residualjacobianlocal)(sna, n, x, y, rp, NULL));
    theta[k] = t - h;
    PetscCall(SNASetParameters(sna, theta));
    PetscCall((*sna->ops->residualjacobianlocal)(sna, n, x, y, rm, NULL));
    theta[k] = t;
    for (PetscInt a = 0; a < n * q; a++) {
      fd_err = PetscMax(fd_err, PetscAbsReal((rp[a] - rm[a]) / (2 * h) - J[a * P + k]));
      jmax   = PetscMax(jmax, PetscAbsReal(J[a * P + k]));
    }
  }
  PetscCall(SNASetParameters(sna, theta));
  PetscCall(PetscArrayzero(JtJ, P * P));
  PetscCall(PetscArrayzero(Jtr, P));
  PetscCall((*sna->ops->normalequationslocal)(sna, n, x, y, &sse, JtJ, Jtr));
  for (PetscInt i = 0; i < P; i++) {
    PetscReal g = 0;
    for (PetscInt a = 0; a < n * q; a++) g += J[a * P + i] * r[a];
    ne_err = PetscMax(ne_err, PetscAbsReal(g - Jtr[i]));
    for (PetscInt j = i; j < P; j++) {
      PetscReal s = 0;
      for (PetscInt a = 0; a < n * q; a++) s += J[a * P + i] * J[a * P + j];
      ne_err = PetscMax(ne_err, PetscAbsReal(s - JtJ[i * P + j]));
    }
  }
  for (PetscInt a = 0; a < n * q; a++) {
    sse -= 0.5 * r[a] * r[a];
    loss += 0.5 * r[a] * r[a];
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "residual Jacobian (%" PetscInt_FMT " rows x %" PetscInt_FMT "): finite-difference error %.2e (largest entry %.2e); sparse normal equations vs dense J: %.2e, loss %.2e\n", n * q, P, (double)fd_err, (double)jmax, (double)ne_err, (double)PetscAbsReal(sse)));
  PetscCheck(fd_err <= 1e-7 * jmax, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The residual Jacobian differs from finite differences by %g", (double)fd_err);
  /* rounding of sums over the n q rows, in another order than the dense products' */
  PetscCheck(ne_err <= 1e-14 * n * q * jmax * jmax && PetscAbsReal(sse) <= 1e-14 * n * q * PetscMax(loss, 1.0), PETSC_COMM_SELF, PETSC_ERR_PLIB, "The sparse normal equations differ from J^T J, J^T r by %g", (double)ne_err);
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(PetscFree4(theta, r, rp, rm));
  PetscCall(PetscFree3(J, JtJ, Jtr));
  PetscCall(SNADestroy(&sna));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* Levenberg-Marquardt from the default start recovers the exactly representable rank-2 target. */
static PetscErrorCode CheckExactRecovery(void)
{
  SNA                sna;
  Vec                X, Y;
  PetscReal          mse, var;
  PetscInt           its;
  SNAConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(MakeData(1000, 2, 2, Target, &X, &Y));
  PetscCall(CreateModel(2, 2, 8, 2, SNAFITLM, 1e-30, 40, &sna));
  PetscCall(SNASetRegularization(sna, 0.0));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAComputeMSE(sna, X, Y, &mse));
  PetscCall(VecNorm(Y, NORM_2, &var));
  var = var * var / 2000;
  PetscCall(SNAGetIterationNumber(sna, &its));
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "LM on an exact rank-2 target: relative RMS error %.2e after %" PetscInt_FMT " steps, %s\n", (double)PetscSqrtReal(mse / var), its, SNAConvergedReasons[reason]));
  PetscCheck(PetscSqrtReal(mse / var) <= 1e-12, PETSC_COMM_SELF, PETSC_ERR_PLIB, "LM did not recover the rank-2 target: relative RMS error %g", (double)PetscSqrtReal(mse / var));
  PetscCheck(its <= 30, PETSC_COMM_SELF, PETSC_ERR_PLIB, "LM took %" PetscInt_FMT " steps on an exactly representable target", its);
  PetscCheck(reason > 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "LM should stop converged on an exact target, not %s", SNAConvergedReasons[reason]);
  PetscCall(SNADestroy(&sna));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* A fit stopped by its budget says so (DIVERGED_ITS) and keeps a finite model that improved on the start; a
   budget too small for any progress is a failure that SNACheckFitUsable() reports. */
static PetscErrorCode CheckBudget(SNAFitType fit, PetscInt budget, PetscBool progress)
{
  SNA                sna;
  Vec                X, Y;
  PetscReal          mse, start;
  PetscInt           its;
  SNAConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(MakeData(2000, 3, 1, Smooth, &X, &Y));
  PetscCall(CreateModel(3, 1, 12, 4, fit, 1e-10, budget, &sna));
  PetscCall(SNASetUp(sna));
  PetscCall(SNAComputeMSE(sna, X, Y, &start));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAComputeMSE(sna, X, Y, &mse));
  PetscCall(SNAGetIterationNumber(sna, &its));
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-7s with a budget of %2" PetscInt_FMT ": %s after %" PetscInt_FMT " iterations, MSE %.3e (start %.3e)\n", fit, budget, SNAConvergedReasons[reason], its, (double)mse, (double)start));
  PetscCheck(reason == SNA_DIVERGED_ITS, PETSC_COMM_SELF, PETSC_ERR_PLIB, "A %s fit cut off by -sna_fit_max_it must report DIVERGED_ITS, not %s", fit, SNAConvergedReasons[reason]);
  PetscCheck(its == budget && (mse < start) == progress, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The %s fit ran %" PetscInt_FMT " iterations to MSE %g from %g", fit, its, (double)mse, (double)start);
  if (progress)
    PetscCall(SNACheckFitUsable(sna, fit)); /* not a failure: the model is usable */
  else {
    PetscErrorCode ierr;
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNACheckFitUsable(sna, fit);
    PetscCall(PetscPopErrorHandler());
    PetscCheck(ierr == PETSC_ERR_NOT_CONVERGED, PETSC_COMM_SELF, PETSC_ERR_PLIB, "A %s fit that never lowered the loss must not count as usable", fit);
  }
  PetscCall(SNADestroy(&sna));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* Greedy enrichment (1 -> M modes, then all modes polished together) ends at least as low as a direct fit of
   rank M with the same budget, for the default fit and for ALS. */
static PetscErrorCode CheckEnrichment(SNAFitType fit)
{
  SNA       sna;
  Vec       X, Y;
  PetscReal mse[2];

  PetscFunctionBegin;
  PetscCall(MakeData(3000, 3, 1, Smooth, &X, &Y));
  for (PetscInt e = 0; e < 2; e++) {
    PetscCall(CreateModel(3, 1, 12, 5, fit, 1e-10, 100, &sna));
    PetscCall(SNAKhronosSetRefinement(sna, 0, (PetscBool)e));
    PetscCall(SNAFit(sna, X, Y));
    PetscCall(SNAComputeMSE(sna, X, Y, &mse[e]));
    PetscCall(SNADestroy(&sna));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-7s rank 5, budget 100: direct MSE %.3e, greedy enrichment %.3e\n", fit ? fit : "default", (double)mse[0], (double)mse[1]));
  PetscCheck(mse[1] <= 1.01 * mse[0], PETSC_COMM_SELF, PETSC_ERR_PLIB, "Greedy enrichment ended at MSE %g, above the direct fit's %g", (double)mse[1], (double)mse[0]);
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* Sweeps an ALS fit (with -sna_fit_als_anderson depth, 0: plain) needs to reach a training MSE (the fit stops
   at it by -sna_fit_atol); max_it + 1 if it never does. */
static PetscErrorCode SweepsTo(Vec X, Vec Y, const char depth[], PetscReal level, PetscInt max_it, PetscInt *sweeps, PetscReal *mse)
{
  SNA sna;

  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-sna_fit_als_anderson", depth));
  PetscCall(CreateModel(3, 1, 12, 5, SNAFITALS, 0, max_it, &sna));
  PetscCall(PetscOptionsClearValue(NULL, "-sna_fit_als_anderson"));
  PetscCall(SNASetTolerances(sna, level, 0, max_it)); /* atol: stop at the level */
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAComputeMSE(sna, X, Y, mse));
  PetscCall(SNAGetIterationNumber(sna, sweeps));
  if (*mse > level) *sweeps = max_it + 1;
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* Anderson acceleration of the ALS sweeps reaches a low training MSE on a smooth rank-3 target with 5 modes (an
   ALS swamp: the loss falls a few percent per sweep) in at most half the sweeps of plain ALS. */
static PetscErrorCode CheckAnderson(void)
{
  const PetscReal level = 3e-6;
  Vec             X, Y;
  PetscInt        plain, accel;
  PetscReal       mse_plain, mse_accel;

  PetscFunctionBegin;
  PetscCall(MakeData(3000, 3, 1, Smooth, &X, &Y));
  PetscCall(SweepsTo(X, Y, "0", level, 400, &plain, &mse_plain));
  PetscCall(SweepsTo(X, Y, "5", level, 400, &accel, &mse_accel));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "ALS sweeps to training MSE %.0e: plain %" PetscInt_FMT " (MSE %.3e), Anderson(5) %" PetscInt_FMT " (MSE %.3e)\n", (double)level, plain, (double)mse_plain, accel, (double)mse_accel));
  PetscCheck(accel <= 400 && 2 * accel <= plain, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Anderson-accelerated ALS took %" PetscInt_FMT " sweeps to MSE %g, plain ALS %" PetscInt_FMT ": expected at most half", accel, (double)level, plain);
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* The training MSE of the first monitored iterate (the start of the fit). */
static PetscErrorCode RecordStart(SNA sna, PetscInt it, PetscReal mse, void *ctx)
{
  PetscFunctionBegin;
  (void)sna;
  if (it == 0) *(PetscReal *)ctx = mse;
  PetscFunctionReturn(0);
}

/* A khronos SNA under -sna_khronos_init tensor; the MSE at the start of its fit (to *start) and after it. */
static PetscErrorCode FitTensorStart(Vec X, Vec Y, SNAFitType fit, PetscInt d, PetscInt q, PetscInt nodes, PetscInt modes, PetscInt max_it, PetscReal level, PetscReal *start, PetscInt *sweeps, PetscReal *mse)
{
  SNA sna;

  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-sna_khronos_init", "tensor"));
  PetscCall(CreateModel(d, q, nodes, modes, fit, 0, max_it, &sna));
  PetscCall(PetscOptionsClearValue(NULL, "-sna_khronos_init"));
  PetscCall(SNASetTolerances(sna, level, 0, max_it));
  PetscCall(SNAMonitorSet(sna, RecordStart, start, NULL));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAComputeMSE(sna, X, Y, mse));
  PetscCall(SNAGetIterationNumber(sna, sweeps));
  if (*mse > level) *sweeps = max_it + 1;
  if (d == 3) { /* a second fit warm-starts from the first: the tensor start is for fresh models only */
    PetscReal again = PETSC_MAX_REAL;

    PetscCall(SNAMonitorCancel(sna));
    PetscCall(SNAMonitorSet(sna, RecordStart, &again, NULL));
    PetscCall(SNAFit(sna, X, Y));
    PetscCheck(again <= *mse * (1 + 1e-12), PETSC_COMM_SELF, PETSC_ERR_PLIB, "A second fit started at MSE %g, not where the first ended (%g): the tensor start replaced a fitted model", (double)again, (double)*mse);
  }
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* The tensor start (-sna_khronos_init tensor). On a rank-2 target of quadratics with two outputs, which the coarse
   quadratic splines reproduce, the start itself is exact (coarse fit, decomposition, projection onto the model's
   basis and the head), for every fit (a parameter initialisation: ALS, Levenberg-Marquardt, TAO). On the smooth target with 5 modes (3 large terms and a small fourth, which the start leaves
   out) the start's MSE is below 1e-3 and plain ALS from it reaches a training MSE of 3e-6 in at most three quarters
   of the sweeps it needs from the random start (120 and 205 when written). */
static PetscErrorCode CheckTensorStart(void)
{
  const PetscReal level = 3e-6;
  Vec             X, Y;
  PetscInt        plain, tensor;
  PetscReal       start, mse, mse_plain;

  PetscFunctionBegin;
  PetscCall(MakeData(500, 2, 2, Target, &X, &Y));
  for (PetscInt f = 0; f < 3; f++) {
    const SNAFitType fits[] = {SNAFITALS, SNAFITLM, SNAFITTAO};

    start = PETSC_MAX_REAL;
    PetscCall(FitTensorStart(X, Y, fits[f], 2, 2, 8, 3, 1, 0, &start, &tensor, &mse));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "tensor start on the rank-2 quadratic target, -sna_fit_type %s: MSE %.1e at the start, %.1e after one iteration\n", fits[f], (double)start, (double)mse));
    PetscCheck(start < 1e-14, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The tensor start of a target its coarse splines reproduce has MSE %g under -sna_fit_type %s, expected rounding level", (double)start, fits[f]);
  }
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(MakeData(3000, 3, 1, Smooth, &X, &Y));
  PetscCall(SweepsTo(X, Y, "0", level, 400, &plain, &mse_plain));
  PetscCall(FitTensorStart(X, Y, SNAFITALS, 3, 1, 12, 5, 400, level, &start, &tensor, &mse));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "plain ALS sweeps to training MSE %.0e: random start %" PetscInt_FMT ", tensor start %" PetscInt_FMT " (MSE %.2e at the start)\n", (double)level, plain, tensor, (double)start));
  PetscCheck(start < 1e-3, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The tensor start of the smooth target has MSE %g: expected below 1e-3 (the random start's is about 0.4)", (double)start);
  PetscCheck(tensor <= 400 && 4 * tensor <= 3 * plain, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Plain ALS from the tensor start took %" PetscInt_FMT " sweeps to MSE %g, from the random start %" PetscInt_FMT ": expected at most three quarters", tensor, (double)level, plain);
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* The validation MSE of every monitored iterate (the SNA holds it while monitors run). */
typedef struct {
  PetscInt  n;
  PetscReal val[1000];
} ValidationRecord;

static PetscErrorCode RecordValidation(SNA sna, PetscInt it, PetscReal mse, void *ctx)
{
  ValidationRecord *rec = (ValidationRecord *)ctx;

  PetscFunctionBegin;
  (void)it;
  (void)mse;
  if (rec->n < 1000) PetscCall(SNAGetValidationMSE(sna, &rec->val[rec->n++]));
  PetscFunctionReturn(0);
}

/* The smooth target of 3 inputs at 2000 samples plus uniform noise of amplitude 0.05. */
static PetscErrorCode MakeNoisyData(Vec *X, Vec *Y)
{
  PetscRandom rnd;
  Vec         noise;

  PetscFunctionBegin;
  PetscCall(MakeData(2000, 3, 1, Smooth, X, Y));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -0.05, 0.05));
  PetscCall(PetscRandomSetSeed(rnd, 11));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecDuplicate(*Y, &noise));
  PetscCall(VecSetRandom(noise, rnd));
  PetscCall(VecAXPY(*Y, 1.0, noise));
  PetscCall(VecDestroy(&noise));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* The default (no validation option): the auto fit holds out samples and stops on overfitting noise with more modes
   than the target needs (CONVERGED_VALIDATION, a validation MSE reported); a fit type the user chose (ALS) holds out
   none. */
static PetscErrorCode CheckDefaultValidation(void)
{
  SNA                sna;
  Vec                X, Y;
  PetscReal          val_auto, val_als;
  SNAConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(MakeNoisyData(&X, &Y));
  PetscCall(CreateModel(3, 1, 16, 6, NULL, 1e-10, 200, &sna));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCall(SNAGetValidationMSE(sna, &val_auto));
  PetscCall(SNADestroy(&sna));
  PetscCall(CreateModel(3, 1, 16, 6, SNAFITALS, 1e-10, 20, &sna));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAGetValidationMSE(sna, &val_als));
  PetscCall(SNADestroy(&sna));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "default fit of noise: %s, validation MSE %.3e; -sna_fit_type als: validation MSE %g\n", SNAConvergedReasons[reason], (double)val_auto, (double)val_als));
  PetscCheck(reason == SNA_CONVERGED_VALIDATION && val_auto > 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The default fit of noise with more modes than needed should hold out samples and stop on them, not end %s with validation MSE %g", SNAConvergedReasons[reason], (double)val_auto);
  PetscCheck(val_als == -1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "-sna_fit_type als held out samples by default (validation MSE %g): only the auto fit does", (double)val_als);
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* Early stopping on held-out samples: noisy data and more modes than the target needs, so the default fit
   (Levenberg-Marquardt after ALS) fits the noise; with -sna_fit_validation the fit stops with
   CONVERGED_VALIDATION and the model holds the iterate of the lowest validation MSE, not the last one. Under the
   rise rule (alpha 20) it stops only once the validation MSE has risen more than 20% above its best. */
static PetscErrorCode CheckValidation(SNAValidationStop stop)
{
  const PetscReal    alpha = 20;
  SNA                sna;
  Vec                X, Y;
  ValidationRecord   rec   = {0};
  PetscReal          best  = PETSC_MAX_REAL, final;
  PetscInt           ibest = -1;
  SNAConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(MakeNoisyData(&X, &Y));
  PetscCall(CreateModel(3, 1, 16, 6, NULL, 1e-10, 200, &sna));
  PetscCall(SNASetValidation(sna, 0.2, stop == SNA_VALIDATION_STOP_PATIENCE ? 5 : PETSC_DEFAULT)); /* rise takes none */
  PetscCall(SNASetValidationStop(sna, stop, alpha));
  PetscCall(SNAMonitorSet(sna, RecordValidation, &rec, NULL));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCall(SNAGetValidationMSE(sna, &final));
  for (PetscInt i = 0; i < rec.n; i++)
    if (rec.val[i] < best) {
      best  = rec.val[i];
      ibest = i;
    }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "validation 0.2, stop %s: %s after %" PetscInt_FMT " monitored iterates; best validation MSE %.6e at iterate %" PetscInt_FMT ", kept %.6e, last seen %.6e\n", SNAValidationStops[stop], SNAConvergedReasons[reason], rec.n, (double)best, ibest, (double) final, (double)rec.val[rec.n - 1]));
  PetscCheck(reason == SNA_CONVERGED_VALIDATION, PETSC_COMM_SELF, PETSC_ERR_PLIB, "A fit of noise with more modes than needed should stop early on its validation MSE, not with %s", SNAConvergedReasons[reason]);
  PetscCheck(ibest < rec.n - 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The best validation MSE should lie before the last iterate of an early-stopped fit");
  PetscCheck(PetscAbsReal(final - best) <= 1e-12 * best, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The fit kept an iterate of validation MSE %g, not the best one seen (%g)", (double) final, (double)best);
  PetscCheck(stop != SNA_VALIDATION_STOP_RISE || rec.val[rec.n - 1] > (1 + alpha / 100) * best, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Under -sna_fit_validation_stop rise the fit stopped at validation MSE %g, not %g%% above its best %g", (double)rec.val[rec.n - 1], (double)alpha, (double)best);
  PetscCall(SNADestroy(&sna));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* A validated fit of the exact rank-2 target (clean data, the model's rank) converges without stopping early;
   with -sna_fit_validation_refit it then goes on with all samples: more sweeps, a training MSE on all samples at
   least as low, and the same validation MSE reported (that of the model before the refit). */
static PetscErrorCode FitValidated(Vec X, Vec Y, PetscBool refit, SNAConvergedReason *reason, PetscInt *its, PetscReal *mse, PetscReal *val)
{
  SNA sna;

  PetscFunctionBegin;
  PetscCall(CreateModel(2, 2, 8, 2, NULL, 1e-10, 100, &sna));
  PetscCall(SNASetValidation(sna, 0.2, PETSC_DEFAULT));
  sna->val_refit    = refit;
  sna->refit_chosen = PETSC_TRUE; /* as -sna_fit_validation_refit <refit> */
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAGetConvergedReason(sna, reason));
  PetscCall(SNAGetIterationNumber(sna, its));
  PetscCall(SNAComputeMSE(sna, X, Y, mse));
  PetscCall(SNAGetValidationMSE(sna, val));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckValidationRefit(void)
{
  Vec                X, Y;
  SNAConvergedReason r0, r1;
  PetscInt           its0, its1;
  PetscReal          mse0, mse1, val0, val1;

  PetscFunctionBegin;
  PetscCall(MakeData(500, 2, 2, Target, &X, &Y));
  PetscCall(FitValidated(X, Y, PETSC_FALSE, &r0, &its0, &mse0, &val0));
  PetscCall(FitValidated(X, Y, PETSC_TRUE, &r1, &its1, &mse1, &val1));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "validation 0.2 on clean data: %s after %" PetscInt_FMT " its, MSE on all samples %.3e; with the refit %s after %" PetscInt_FMT " its, %.3e (validation MSE %.3e, %.3e)\n", SNAConvergedReasons[r0], its0, (double)mse0, SNAConvergedReasons[r1], its1, (double)mse1, (double)val0, (double)val1));
  PetscCheck(r0 > 0 && r0 != SNA_CONVERGED_VALIDATION, PETSC_COMM_SELF, PETSC_ERR_PLIB, "A validated fit of clean data should converge without stopping early, not end %s", SNAConvergedReasons[r0]);
  PetscCheck(r1 > 0 && its1 > its0 && mse1 <= mse0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "With -sna_fit_validation_refit the fit should go on with all samples (more than %" PetscInt_FMT " iterations, MSE at most %g), not end %s after %" PetscInt_FMT " at %g", its0, (double)mse0, SNAConvergedReasons[r1], its1, (double)mse1);
  PetscCheck(val1 == val0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The refit changed the reported validation MSE from %g to %g", (double)val0, (double)val1);
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* Counts the monitored iterates of the validated stage (those measured on held-out samples). */
static PetscErrorCode CountHeldOut(SNA sna, PetscInt it, PetscReal mse, void *ctx)
{
  PetscFunctionBegin;
  (void)it;
  (void)mse;
  if (sna->valX) (*(PetscInt *)ctx)++;
  PetscFunctionReturn(0);
}

/* A validated fit with the refit measures the training loss of its start and of its end once each, as a fit without
   validation does: the model is evaluated on the held-out samples at every iterate of the validated stage and once
   at its end, and on the training samples twice; the loss at the refit's start and at the validated stage's end,
   which nothing reports, are not measured (each evaluation of all samples costs a third to a half of an ALS sweep, bench/README.md). */
static PetscErrorCode CheckRefitEvaluations(void)
{
  SNA                sna;
  Vec                X, Y;
  PetscEventPerfInfo before, after;
  PetscInt           observed = 0, its, evaluations;
  SNAConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(PetscLogDefaultBegin());
  PetscCall(MakeData(500, 2, 2, Target, &X, &Y));
  PetscCall(CreateModel(2, 2, 8, 2, NULL, 1e-10, 100, &sna));
  PetscCall(SNASetValidation(sna, 0.2, PETSC_DEFAULT));
  sna->val_refit    = PETSC_TRUE;
  sna->refit_chosen = PETSC_TRUE;
  PetscCall(SNAMonitorSet(sna, CountHeldOut, &observed, NULL));
  PetscCall(PetscLogEventGetPerfInfo(0, SNA_Evaluate, &before));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(PetscLogEventGetPerfInfo(0, SNA_Evaluate, &after));
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCall(SNAGetIterationNumber(sna, &its));
  evaluations = after.count - before.count;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "validated fit with the refit: %s after %" PetscInt_FMT " its (%" PetscInt_FMT " iterates on held-out samples), %" PetscInt_FMT " model evaluations\n", SNAConvergedReasons[reason], its, observed, evaluations));
  PetscCheck(reason > 0 && its >= observed, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The validated fit of clean data should converge and refit on all samples, not end %s after %" PetscInt_FMT " its", SNAConvergedReasons[reason], its);
  PetscCheck(evaluations == observed + 1 + 2, PETSC_COMM_SELF, PETSC_ERR_PLIB, "A validated fit with the refit evaluated the model %" PetscInt_FMT " times, not %" PetscInt_FMT " (%" PetscInt_FMT " held-out iterates, the validated stage's end, the training loss of the start and of the end)", evaluations, observed + 3, observed);
  PetscCall(SNADestroy(&sna));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* A validated fit that fails after the split leaves no held-out samples behind: the next fit, without validation,
   reports no validation MSE (a stale split would be measured by its monitor and kept as its result). */
static PetscErrorCode CheckFailedValidationReleased(void)
{
  SNA            sna;
  Vec            X, Y;
  PetscErrorCode ierr;
  PetscReal      val;

  PetscFunctionBegin;
  PetscCall(MakeData(200, 3, 1, Smooth, &X, &Y)); /* Smooth takes 3 inputs */
  PetscCall(CreateModel(3, 1, 6, 2, "no_such_fit", 1e-6, 5, &sna));
  PetscCall(SNASetValidation(sna, 0.2, PETSC_DEFAULT));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAFit(sna, X, Y); /* fails in the fit itself, after the split */
  PetscCall(PetscPopErrorHandler());
  PetscCheck(ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "A fit of type no_such_fit should fail");
  PetscCall(SNASetFitType(sna, SNAFITALS));
  PetscCall(SNASetValidation(sna, 0, PETSC_DEFAULT));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAGetValidationMSE(sna, &val));
  PetscCheck(val == -1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "A fit without validation after a failed validated fit reports validation MSE %g: the failed fit left its held-out samples", (double)val);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "a failed validated fit leaves no held-out samples to the next fit\n"));
  PetscCall(SNADestroy(&sna));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* A patience given by SNASetValidation() under the rule rise, which takes none, is refused as the option is (before
   any work), not dropped; PETSC_DEFAULT passes. */
static PetscErrorCode CheckPatienceUnderRise(void)
{
  SNA            sna;
  Vec            X, Y;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(MakeData(200, 3, 1, Smooth, &X, &Y));
  PetscCall(CreateModel(3, 1, 6, 2, SNAFITALS, 1e-6, 2, &sna));
  PetscCall(SNASetValidation(sna, 0.2, 3));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAFit(sna, X, Y);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(ierr == PETSC_ERR_USER_INPUT, PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNASetValidation()'s patience 3 under the rule rise should be refused (PETSC_ERR_USER_INPUT), not give %d", (int)ierr);
  PetscCall(SNASetValidationStop(sna, SNA_VALIDATION_STOP_PATIENCE, 20));
  PetscCall(SNAFit(sna, X, Y)); /* the rule that takes it */
  PetscCall(SNADestroy(&sna));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "a patience given by SNASetValidation() under the rule rise is refused\n"));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(CheckJacobian(2, 7));
  PetscCall(CheckJacobian(3, 400)); /* every pair of inputs, many samples per span */
  PetscCall(CheckExactRecovery());
  PetscCall(CheckBudget(SNAFITALS, 3, PETSC_TRUE));
  PetscCall(CheckBudget(SNAFITLM, 12, PETSC_TRUE));
  PetscCall(CheckBudget(SNAFITLM, 2, PETSC_FALSE)); /* its first trial steps are rejected from this start */
  PetscCall(CheckEnrichment(NULL));
  PetscCall(CheckAnderson());
  PetscCall(CheckTensorStart());
  PetscCall(CheckValidation(SNA_VALIDATION_STOP_PATIENCE));
  PetscCall(CheckValidation(SNA_VALIDATION_STOP_RISE));
  PetscCall(CheckDefaultValidation());
  PetscCall(CheckValidationRefit());
  PetscCall(CheckRefitEvaluations());
  PetscCall(CheckFailedValidationReleased());
  PetscCall(CheckPatienceUnderRise());
  PetscCall(PetscFinalize());
  return 0;
}
