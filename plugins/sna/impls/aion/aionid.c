/* Infinite descent for AION (SCIENCE.md section 5): one outer step that solves the first-order
   optimality condition grad L(theta + delta) = 0 for the update delta, for the loss
     L = (1/2N) sum_i (u(x_i) - y_i)^2 + (lambda/2) |theta_lin|^2
   (theta_lin: the linear parametrisation (a, b, alpha, omega) of aionimpl.h, so phases are not penalised).

   The model is closed under differentiation, so the condition is exact and algebraic; it is solved in
   three parts, every one counted:
   1. the amplitudes (a, b) of input 0, on which u depends linearly, in closed form (linear least
      squares) for whatever the other parameters are: they are eliminated throughout;
   2. exponents and frequencies algebraically where the data allow it (SNAAionAlgebraicSolve: matrix
      pencil on uniform samples or a uniform 2-D grid). This ignores the initialisation; the step starts
      from whichever of the algebraic solution and the initialisation has the lower loss;
   3. the remaining condition, grad_eta f(eta) = 0 for the reduced loss f(eta) = min_c L(eta, c), by
      Newton's method with the exact, un-truncated Hessian: the Schur complement of the full Hessian
      (J^T J + sum r d^2u) on the amplitude block is the exact Hessian of f. On exact data the algebraic
      solution already satisfies the condition and this only confirms it; on noisy data it moves the
      algebraic estimate to the least-squares optimum. Indefinite curvature is replaced by its absolute
      value and steps that do not lower f are damped (Levenberg-Marquardt, the damping dropped again as soon
   as the Newton model predicts the decrease well); every trial step is an inner
      iteration, every reduced-loss evaluation a function evaluation, and each is reported to the monitors. */
#include <snaps/private/aionimpl.h>

typedef struct {
  SNA              sna;
  PetscInt         n, N; /* local and global samples */
  const PetscReal *x, *y;
  PetscInt         nL, nV; /* eliminated amplitudes, Newton variables */
  PetscInt        *cols;   /* nL amplitude indices, then nV variable indices */
  PetscReal        fzero;  /* loss of the zero model, (1/2N) sum y^2: the scale of rounding floors */
} AionIDCtx;

/* Sums n values over the communicator in place. */
static PetscErrorCode Reduce(AionIDCtx *ctx, PetscInt n, PetscReal v[])
{
  PetscFunctionBegin;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, v, n, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)ctx->sna)));
  PetscFunctionReturn(0);
}

/* (lambda/2) |theta|^2 over all parameters. */
static PetscReal Penalty(AionIDCtx *ctx, const PetscReal th[])
{
  PetscReal s = 0;
  for (PetscInt i = 0; i < ctx->sna->nparams; i++) s += th[i] * th[i];
  return 0.5 * ctx->sna->lambda * s;
}

/* Part 1: the amplitudes of input 0 in closed form. With them zeroed u vanishes (every product has an
   input-0 factor), so one assembly gives the normal equations J_L^T J_L c = J_L^T y. *ok is false (on
   every rank) if the basis overflows, e.g. at a trial step with a huge exponent. */
static PetscErrorCode EliminateAmplitudes(AionIDCtx *ctx, PetscReal th[], PetscBool *ok)
{
  SNA            sna = ctx->sna;
  const PetscInt nL  = ctx->nL;
  PetscReal     *H, *b;
  PetscMPIInt    bad = 0, anybad;

  PetscFunctionBegin;
  PetscCall(PetscCalloc2(nL * nL, &H, nL, &b));
  for (PetscInt j = 0; j < nL; j++) th[ctx->cols[j]] = 0;
  PetscCall(SNAAionAssemble(sna, SNA_AION_LINEAR, th, ctx->n, ctx->x, ctx->y, nL, ctx->cols, PETSC_FALSE, NULL, b, H, NULL, NULL));
  for (PetscInt j = 0; j < nL * nL; j++) bad = bad || PetscIsInfOrNanReal(H[j]);
  PetscCall(MPIU_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, PetscObjectComm((PetscObject)sna)));
  *ok = (PetscBool)!anybad;
  if (*ok) {
    for (PetscInt j = 0; j < nL; j++) b[j] = -b[j]; /* the gradient at c = 0 is -J_L^T y */
    PetscCall(SNALeastSquaresSolve(PetscObjectComm((PetscObject)sna), nL, 1, (PetscReal)ctx->N, sna->lambda, H, b));
    for (PetscInt j = 0; j < nL; j++) th[ctx->cols[j]] = b[j];
  }
  PetscCall(PetscFree2(H, b));
  PetscFunctionReturn(0);
}

/* The reduced loss f(eta): amplitudes eliminated (in place), then the loss; +Inf where the model
   overflows. One function evaluation. */
static PetscErrorCode ReducedLoss(AionIDCtx *ctx, PetscReal th[], PetscReal *f)
{
  SNA       sna = ctx->sna;
  PetscReal sse = 0;
  PetscBool ok;

  PetscFunctionBegin;
  sna->stats.function++;
  PetscCall(EliminateAmplitudes(ctx, th, &ok));
  *f = PETSC_INFINITY;
  if (!ok) PetscFunctionReturn(0);
  PetscCall(SNAAionAssemble(sna, SNA_AION_LINEAR, th, ctx->n, ctx->x, ctx->y, 0, ctx->cols, PETSC_FALSE, &sse, NULL, NULL, NULL, NULL));
  PetscCall(Reduce(ctx, 1, &sse));
  if (!PetscIsInfOrNanReal(sse)) *f = sse / ctx->N + Penalty(ctx, th);
  PetscFunctionReturn(0);
}

/* Gauge (d >= 2): every factor of inputs 1..d-1 gets unit amplitude norm, its scale moves into the
   input-0 amplitudes of the same rank; u is unchanged. */
static void NormalizeGauge(SNA sna, PetscReal th[])
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt r = ai->rank, P = ai->terms;

  for (PetscInt p = 1; p < sna->dim_in; p++)
    for (PetscInt m = 0; m < r; m++) {
      PetscReal *f = th + 4 * (p * r + m) * P, *f0 = th + 4 * m * P, s = 0;
      for (PetscInt k = 0; k < P; k++) s += f[4 * k] * f[4 * k] + f[4 * k + 1] * f[4 * k + 1];
      s = PetscSqrtReal(s);
      if (!(s > 0)) continue;
      for (PetscInt k = 0; k < P; k++) {
        f[4 * k] /= s;
        f[4 * k + 1] /= s;
        f0[4 * k] *= s;
        f0[4 * k + 1] *= s;
      }
    }
}

/* Part 3's linear algebra at the current point (amplitudes optimal): loss f, reduced gradient g (nV) and
   exact reduced Hessian S = H_VV - H_VL H_LL^+ H_LV (nV x nV), all of the objective L. */
static PetscErrorCode NewtonSystem(AionIDCtx *ctx, const PetscReal th[], PetscReal *f, PetscReal g[], PetscReal S[])
{
  SNA            sna = ctx->sna;
  const PetscInt nL = ctx->nL, nV = ctx->nV, nc = nL + nV;
  PetscReal     *buf, *H, *gall, *HLL, *w, *X;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(1 + nc + nc * nc, &buf));
  gall = buf + 1;
  H    = buf + 1 + nc;
  PetscCall(SNAAionAssemble(sna, SNA_AION_LINEAR, th, ctx->n, ctx->x, ctx->y, nc, ctx->cols, PETSC_TRUE, buf, gall, H, NULL, NULL));
  PetscCall(Reduce(ctx, 1 + nc + nc * nc, buf));
  *f = buf[0] / ctx->N + Penalty(ctx, th);
  for (PetscInt i = 0; i < nc; i++) {
    gall[i] = gall[i] / ctx->N + sna->lambda * th[ctx->cols[i]];
    for (PetscInt j = 0; j < nc; j++) H[i * nc + j] = H[i * nc + j] / ctx->N + (i == j ? sna->lambda : 0.0);
  }
  /* H_LL^+ by its eigen-decomposition (dropping a null space, e.g. a zero sine column at omega = 0) */
  PetscCall(PetscMalloc3(nL * nL, &HLL, nL, &w, nL * nV, &X));
  for (PetscInt i = 0; i < nL; i++)
    for (PetscInt j = 0; j < nL; j++) HLL[i * nL + j] = H[i * nc + j];
  PetscCall(SNASymmetricEigen(nL, HLL, w));
  /* X = H_LL^+ H_LV */
  PetscCall(PetscArrayzero(X, nL * nV));
  for (PetscInt e = 0; e < nL; e++) {
    const PetscReal *q = HLL + e * nL;
    if (!(w[e] > 1e-14 * w[nL - 1])) continue;
    for (PetscInt v = 0; v < nV; v++) {
      PetscReal dot = 0;
      for (PetscInt i = 0; i < nL; i++) dot += q[i] * H[i * nc + nL + v];
      dot /= w[e];
      for (PetscInt i = 0; i < nL; i++) X[i * nV + v] += q[i] * dot;
    }
  }
  for (PetscInt a = 0; a < nV; a++) {
    g[a] = gall[nL + a];
    for (PetscInt b = 0; b < nV; b++) {
      PetscReal s = H[(nL + a) * nc + nL + b];
      for (PetscInt i = 0; i < nL; i++) s -= H[(nL + a) * nc + i] * X[i * nV + b];
      S[a * nV + b] = s;
    }
  }
  for (PetscInt a = 0; a < nV; a++) /* symmetrise the rounding */
    for (PetscInt b = 0; b < a; b++) S[a * nV + b] = S[b * nV + a] = 0.5 * (S[a * nV + b] + S[b * nV + a]);
  PetscCall(PetscFree3(HLL, w, X));
  PetscCall(PetscFree(buf));
  sna->stats.gradient++;
  sna->stats.hessian++;
  PetscFunctionReturn(0);
}

/* Eigen-decomposition of the Jacobi-scaled reduced Hessian, reused by every damped trial step. */
typedef struct {
  PetscInt   nV;
  PetscReal *D;            /* scaling sqrt(|S_ii|) */
  PetscReal *Q, *lam, *qg; /* eigenvectors (rows), eigenvalues, Q (D^-1 g) */
  PetscReal  lmax;
} AionNewtonModel;

static PetscErrorCode NewtonModelSetUp(AionNewtonModel *nm, const PetscReal g[], const PetscReal S[])
{
  const PetscInt nV = nm->nV;

  PetscFunctionBegin;
  for (PetscInt a = 0; a < nV; a++) nm->D[a] = PetscAbsReal(S[a * nV + a]) > 0 ? PetscSqrtReal(PetscAbsReal(S[a * nV + a])) : 1.0;
  for (PetscInt a = 0; a < nV; a++)
    for (PetscInt b = 0; b < nV; b++) nm->Q[a * nV + b] = S[a * nV + b] / (nm->D[a] * nm->D[b]);
  PetscCall(SNASymmetricEigen(nV, nm->Q, nm->lam));
  nm->lmax = 0;
  for (PetscInt e = 0; e < nV; e++) nm->lmax = PetscMax(nm->lmax, PetscAbsReal(nm->lam[e]));
  for (PetscInt e = 0; e < nV; e++) {
    nm->qg[e] = 0;
    for (PetscInt a = 0; a < nV; a++) nm->qg[e] += nm->Q[e * nV + a] * g[a] / nm->D[a];
  }
  PetscFunctionReturn(0);
}

/* Step delta = -(|S| + mu)^+ g in the scaled variables, and its predicted decrease -(g.d + d.S.d/2)
   on the true quadratic model. Directions with no curvature (gauge, zero-amplitude terms) are dropped. */
static void NewtonModelStep(const AionNewtonModel *nm, PetscReal mu, PetscReal delta[], PetscReal *pred)
{
  const PetscInt nV  = nm->nV;
  PetscReal      dec = 0;

  for (PetscInt a = 0; a < nV; a++) delta[a] = 0;
  for (PetscInt e = 0; e < nV; e++) {
    const PetscReal curv = PetscAbsReal(nm->lam[e]) + mu;
    if (!(curv > 1e-12 * nm->lmax)) continue;
    const PetscReal c = -nm->qg[e] / curv;
    dec -= nm->qg[e] * c + 0.5 * nm->lam[e] * c * c;
    for (PetscInt a = 0; a < nV; a++) delta[a] += c * nm->Q[e * nV + a];
  }
  for (PetscInt a = 0; a < nV; a++) delta[a] /= nm->D[a];
  *pred = dec;
}

/* The work arrays of the infinite-descent fit: the point, the trial point, the algebraic solution (np each), the
   reduced gradient and Hessian and the Newton step (over the nonlinear parameters). */
typedef struct {
  PetscReal *th, *trial, *alg, *g, *S, *delta;
} AionIDWork;

/* The rows of the fit, the split of the parameters into linear (eliminated) and nonlinear ones, and the loss of the
   zero model (the scale of the rounding-level tests). */
static PetscErrorCode AionIDData(SNA sna, Vec X, Vec Y, AionIDCtx *ctx)
{
  const PetscInt np = sna->nparams, d = sna->dim_in;

  PetscFunctionBegin;
  ctx->sna = sna;
  PetscCall(SNAGetLocalRows(sna, X, d, "X", &ctx->n, &ctx->x));
  PetscCall(SNAGetLocalRows(sna, Y, 1, "Y", &ctx->n, &ctx->y));
  PetscCall(SNAGlobalCount(sna, ctx->n, &ctx->N));
  PetscCall(PetscMalloc1(np, &ctx->cols));
  PetscCall(SNAAionSplitParameters(sna, &ctx->nL, ctx->cols));
  ctx->nV    = np - ctx->nL;
  ctx->fzero = 0;
  for (PetscInt i = 0; i < ctx->n; i++) ctx->fzero += 0.5 * ctx->y[i] * ctx->y[i];
  PetscCall(Reduce(ctx, 1, &ctx->fzero));
  ctx->fzero /= ctx->N;
  PetscFunctionReturn(0);
}

/* The outer step: the algebraic solution or the initialisation, whichever has the lower loss (the initialisation is
   not evaluated when the algebraic solution already fits to rounding), into w->th with its reduced loss f; then the
   monitor's line 0. */
static PetscErrorCode AionIDStart(SNA sna, AionIDCtx *ctx, AionIDWork *w, PetscReal *f)
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt np = sna->nparams;
  PetscReal      fa;
  PetscBool      found;
  const char    *start;

  PetscFunctionBegin;
  SNAAionPolarToLinear(np / 4, ai->theta, w->th);
  NormalizeGauge(sna, w->th);
  start = "start: initialisation, amplitudes eliminated";
  PetscCall(SNAAionAlgebraicSolve(sna, ctx->n, ctx->x, ctx->y, w->alg, &found));
  fa = PETSC_MAX_REAL;
  if (found) {
    NormalizeGauge(sna, w->alg);
    PetscCall(ReducedLoss(ctx, w->alg, &fa));
  }
  if (!found || fa > 1e-24 * ctx->fzero)
    PetscCall(ReducedLoss(ctx, w->th, f));
  else
    *f = PETSC_MAX_REAL;
  if (found) {
    if (*f < PETSC_MAX_REAL)
      PetscCall(PetscInfo(sna, "AION infinite descent: algebraic solution loss %g, initialisation %g\n", (double)fa, (double)*f));
    else
      PetscCall(PetscInfo(sna, "AION infinite descent: algebraic solution loss %g (exact to rounding: the initialisation is not evaluated)\n", (double)fa));
    if (fa <= *f) {
      /* the seeded draw is not the start: warned as SNAFit() warns of a seed that draws nothing (SNAFitSeedUnused_C,
         which has warned already where the caller's parameters or -sna_aion_init replaced the draw) */
      if (ai->seed_drew && !sna->params_given && !ai->init_start && sna->validation == 0)
        PetscCall(PetscFPrintf(PetscObjectComm((PetscObject)sna), PETSC_STDERR, "WARNING: option -%ssna_aion_seed (value %" PetscInt_FMT ") has no effect: it seeds the default start and the split of -%ssna_fit_validation, but infinite descent started from the matrix pencil's algebraic solution (%s) and this fit holds no samples out: drop -%ssna_aion_seed, or give -%ssna_aion_pencil never to start from the seeded draw\n", SNAMessagePrefix(sna), ai->seed, SNAMessagePrefix(sna), *f < PETSC_MAX_REAL ? "its loss lower than the seeded start's" : "exact to rounding: the seeded start not evaluated", SNAMessagePrefix(sna), SNAMessagePrefix(sna)));
      PetscCall(PetscArraycpy(w->th, w->alg, np));
      *f    = fa;
      start = "start: algebraic solution (matrix pencil)";
    } else
      start = "start: initialisation (lower loss than the algebraic solution)";
  }
  sna->monitorstage = start;
  SNAAionLinearToPolar(np / 4, w->th, ai->theta);
  PetscCall(SNAMonitor(sna, 0, 2.0 * (*f - Penalty(ctx, w->th))));
  PetscFunctionReturn(0);
}

/* Trial steps from w->th along w->delta, damped (mu) until the reduced loss decreases below f or the budget of trial
   losses (*inner against -sna_fit_max_it) is spent: the last trial in w->trial, its loss in ftrial. */
static PetscErrorCode AionIDTrialSteps(SNA sna, AionIDCtx *ctx, const AionNewtonModel *nm, AionIDWork *w, PetscReal f, PetscReal gnorm, PetscReal *mu, PetscReal *pred, PetscReal *ftrial, PetscInt *inner)
{
  const PetscInt np = sna->nparams;

  PetscFunctionBegin;
  for (;;) {
    for (PetscInt a = 0; a < np; a++) w->trial[a] = w->th[a];
    for (PetscInt v = 0; v < ctx->nV; v++) w->trial[ctx->cols[ctx->nL + v]] += w->delta[v];
    NormalizeGauge(sna, w->trial);
    PetscCall(ReducedLoss(ctx, w->trial, ftrial));
    (*inner)++;
    sna->stats.inner = *inner;
    PetscCall(PetscInfo(sna, "AION inner %" PetscInt_FMT ": loss %.6e -> %.6e (predicted decrease %.3e), |grad| %.3e, damping %.3e, curvature %.2e .. %.2e\n", *inner, (double)f, (double)*ftrial, (double)*pred, (double)gnorm, (double)*mu, (double)nm->lam[0], (double)nm->lam[ctx->nV - 1]));
    if (*ftrial < f || *inner >= sna->max_it) break;
    *mu = *mu > 0 ? 10 * *mu : 1e-3 * nm->lmax;
    if (*mu > 1e10 * nm->lmax) break;
    NewtonModelStep(nm, *mu, w->delta, pred);
  }
  PetscFunctionReturn(0);
}

/* Part 3: Newton on the reduced condition grad L = 0 (exact Hessian), from w->th of loss f; sets sna->reason and the
   count of trial losses inner. */
static PetscErrorCode AionIDNewton(SNA sna, AionIDCtx *ctx, AionNewtonModel *nm, AionIDWork *w, PetscReal f, PetscInt *inner)
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt np = sna->nparams;
  PetscReal      ftrial, pred, mu = 0, gnorm, rho;

  PetscFunctionBegin;
  sna->monitorstage = "Newton step on grad L = 0 (exact Hessian)";
  sna->reason       = SNA_DIVERGED_ITS;
  if (PetscIsInfOrNanReal(f))
    sna->reason = SNA_DIVERGED_NANORINF; /* the start overflows: nothing to solve from */
  else if (f > 1e-24 * ctx->fzero)
    PetscCall(NewtonSystem(ctx, w->th, &f, w->g, w->S));
  while (sna->reason != SNA_DIVERGED_NANORINF) {
    if (2.0 * f <= sna->atol) {
      sna->reason = SNA_CONVERGED_ATOL;
      break;
    }
    /* exact fit to rounding: residuals 1e-12 of the data (the loss is evaluated to about 1e-14, so
       gradients below this level are rounding noise and Newton cannot improve on it) */
    if (f <= 1e-24 * ctx->fzero) {
      sna->reason = SNA_CONVERGED_STATIONARY;
      break;
    }
    gnorm = 0;
    for (PetscInt a = 0; a < ctx->nV; a++) gnorm += w->g[a] * w->g[a];
    gnorm = PetscSqrtReal(gnorm);
    PetscCall(NewtonModelSetUp(nm, w->g, w->S));
    NewtonModelStep(nm, mu, w->delta, &pred);
    /* converged when the best possible decrease is rounding (absolute floor) or below rtol (relative) */
    if (pred <= 1e-28 * ctx->fzero) {
      sna->reason = SNA_CONVERGED_STATIONARY;
      break;
    }
    if (pred <= sna->rtol * f) {
      sna->reason = SNA_CONVERGED_RTOL;
      break;
    }
    /* the budget counts trial losses: checked after the tests above, which take none, so that a start that meets
       one says so at -sna_fit_max_it 0 too (as Levenberg-Marquardt's -sna_fit_atol), not DIVERGED_ITS */
    if (*inner >= sna->max_it) break; /* sna->reason is SNA_DIVERGED_ITS */
    PetscCall(AionIDTrialSteps(sna, ctx, nm, w, f, gnorm, &mu, &pred, &ftrial, inner));
    if (!(ftrial < f)) {
      /* not even a tiny, gradient-like step lowers the loss: stationary to rounding */
      sna->reason = *inner >= sna->max_it ? SNA_DIVERGED_ITS : SNA_CONVERGED_STATIONARY;
      break;
    }
    /* trust the Newton model again as far as it predicted this decrease */
    rho = (f - ftrial) / pred;
    mu  = rho > 0.9 ? 0.0 : (rho > 0.25 ? mu / 3 : 2 * mu);
    PetscCall(PetscArraycpy(w->th, w->trial, np));
    PetscCall(NewtonSystem(ctx, w->th, &f, w->g, w->S));
    SNAAionLinearToPolar(np / 4, w->th, ai->theta);
    PetscCall(SNAMonitor(sna, *inner, 2.0 * (f - Penalty(ctx, w->th))));
    if (PetscIsInfOrNanReal(f)) {
      sna->reason = SNA_DIVERGED_NANORINF;
      break;
    }
    if (SNAFitStopRequested(sna)) { /* the held-out validation MSE stopped improving (-sna_fit_validation) */
      sna->reason = SNA_CONVERGED_VALIDATION;
      break;
    }
  }
  PetscFunctionReturn(0);
}

/* The point th into the model, stored with omega >= 0: cos(w t + phi) = cos(-w t - phi), i.e.
   (a, b, alpha, w) -> (a, -b, alpha, -w); and the fit's counts. */
static PetscErrorCode AionIDStore(SNA sna, PetscReal th[], PetscInt inner)
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt np = sna->nparams;

  PetscFunctionBegin;
  for (PetscInt j = 0; j < np / 4; j++)
    if (th[4 * j + 3] < 0) {
      th[4 * j + 1] = -th[4 * j + 1];
      th[4 * j + 3] = -th[4 * j + 3];
    }
  SNAAionLinearToPolar(np / 4, th, ai->theta);
  sna->iterations  = inner; /* the count -sna_fit_max_it caps (the one outer step is stats.outer) */
  sna->stats.outer = 1;
  sna->stats.inner = inner;
  PetscCall(PetscInfo(sna, "AION infinite descent: 1 outer step, %" PetscInt_FMT " inner iterations, %" PetscInt_FMT " function and %" PetscInt_FMT " Hessian evaluations, %s\n", inner, sna->stats.function, sna->stats.hessian, SNAConvergedReasons[sna->reason]));
  PetscFunctionReturn(0);
}

/* The steps of one fit; what they make is freed by AionIDDestroy(), on an error's path too. */
static PetscErrorCode AionIDRun(SNA sna, Vec X, Vec Y, AionIDCtx *ctx, AionNewtonModel *nm, AionIDWork *w)
{
  const PetscInt np = sna->nparams;
  PetscReal      f;
  PetscInt       inner = 0;

  PetscFunctionBegin;
  PetscCall(AionIDData(sna, X, Y, ctx));
  PetscCall(PetscMalloc6(np, &w->th, np, &w->trial, np, &w->alg, ctx->nV, &w->g, ctx->nV * ctx->nV, &w->S, ctx->nV, &w->delta));
  nm->nV = ctx->nV;
  PetscCall(PetscMalloc4(ctx->nV, &nm->D, ctx->nV * ctx->nV, &nm->Q, ctx->nV, &nm->lam, ctx->nV, &nm->qg));
  PetscCall(AionIDStart(sna, ctx, w, &f));
  PetscCall(AionIDNewton(sna, ctx, nm, w, f, &inner));
  PetscCall(AionIDStore(sna, w->th, inner));
  PetscFunctionReturn(0);
}

/* Frees what AionIDRun() made, however far it got, and gives back X's and Y's arrays. */
static PetscErrorCode AionIDDestroy(Vec X, Vec Y, AionIDCtx *ctx, AionNewtonModel *nm, AionIDWork *w)
{
  PetscFunctionBegin;
  PetscCall(PetscFree4(nm->D, nm->Q, nm->lam, nm->qg));
  PetscCall(PetscFree6(w->th, w->trial, w->alg, w->g, w->S, w->delta));
  PetscCall(PetscFree(ctx->cols));
  if (ctx->y) PetscCall(VecRestoreArrayRead(Y, &ctx->y));
  if (ctx->x) PetscCall(VecRestoreArrayRead(X, &ctx->x));
  PetscFunctionReturn(0);
}

/*MC
  SNAFITINFINITEDESCENT - "infinite_descent": a fit that solves the first-order optimality condition
  grad L(theta + delta) = 0 for the update (SCIENCE.md section 5); the default fit of aion, and a fit of khronos

  aion: one outer step. The amplitudes of input 0 are eliminated in closed form; exponents and frequencies come
  algebraically from the matrix pencil where the data allow it (-sna_aion_pencil), and the step starts from whichever
  of that and the initialisation has the lower loss; Newton's method with the exact Hessian of the reduced loss then
  solves the rest (indefinite curvature by its absolute value, steps that do not lower the loss damped as by
  Levenberg-Marquardt). khronos: the sweeps of SNAFITALS with each block update one Newton step on the block's
  optimality condition (the same block optimum), never Anderson-accelerated.

  Options Database Keys:
+ -sna_fit_atol <a>     - aion: stop when twice the loss is at most a; khronos: as SNAFITALS
. -sna_fit_rtol <r>     - aion: stop when the Newton model's predicted decrease is at most r times the loss; khronos:
                          as SNAFITALS
. -sna_fit_max_it <n>   - aion: the most trial steps (SNA_DIVERGED_ITS when spent); khronos: sweeps per level
. -sna_fit_lambda <l>   - the Tikhonov weight (aion: on the linear parametrisation, phases not penalised)
. -sna_aion_pencil <auto|always|never>, -sna_aion_pencil_rows <L> - aion: the algebraic start (SNAAION)
- -sna_fit_als_extrapolate, -sna_khronos_enrich, -sna_khronos_refine <L> - khronos: as SNAFITALS;
                          -sna_fit_als_anderson m > 0 is refused

  The slow-progress stop (-sna_fit_progress_window) is refused: this fit runs no Levenberg-Marquardt.

  Level: intermediate

.seealso: SNAAION, SNAKHRONOS, SNAFITALS, SNASetFitType(), SNAAionSetPencilMode()
M*/
PetscErrorCode SNAFit_Aion_InfiniteDescent(SNA sna, Vec X, Vec Y)
{
  AionIDCtx       ctx = {0};
  AionNewtonModel nm  = {0};
  AionIDWork      w   = {0};
  PetscErrorCode  ierr;

  PetscFunctionBegin;
  ierr = AionIDRun(sna, X, Y, &ctx, &nm, &w); /* not PetscCall: a caller that catches the error leaks nothing */
  PetscCall(AionIDDestroy(X, Y, &ctx, &nm, &w));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
