/* Cross-entropy fit of a KHRONOS categorical head (fit type irls, loss cross_entropy).

   The q outputs are logits u_j(x) = sum_m C[m,j] prod_p f_{p,m}(x_p); p = softmax(u) is a categorical
   distribution over q classes and the loss is F = (1/N) sum_i -sum_j y_ij log p_ij + (lambda/2)|theta|^2.
   F is not quadratic in any block, but the logits are linear in each block (the head C, or the spline
   coefficients W[p] of one input) with the others frozen, so each block subproblem is a convex multinomial
   logistic regression. Each is solved by Newton's method (iteratively reweighted least squares): the exact
   block Hessian sum_i J_i^T (diag(p_i) - p_i p_i^T) J_i, assembled from the rank-local samples and summed with
   the gradient and the loss in one MPI reduction per Newton step, a Cholesky solve, and an Armijo
   backtracking line search on F (one scalar reduction per trial). Every accepted step lowers F, so the
   final iterate is the best one seen.

   For block W[p] the Jacobian of sample i is the Kronecker product of the k + 1 nonzero basis values v_a
   and B[j,m] = C[m,j] prod_{r != p} f_{r,m}(x_r); its Hessian contribution is (v v^T) (x) S with the M x M
   matrix S = B^T diag(p) B - (B^T p)(B^T p)^T, so a sample costs O(q M^2 + k^2 M^2), not O(q k^2 M^2). */
#include <snaps/private/khronosimpl.h>
#include <petscblaslapack.h>

typedef struct {
  SNA              sna;
  MPI_Comm         comm;
  PetscInt         n, N, d, q, M, k1, newton_its;
  const PetscReal *x, *y;
  PetscInt        *first; /* first[i*d + p]: first nonzero basis function */
  PetscReal       *vals;  /* vals[(i*d + p)*k1 + a] */
  PetscReal       *F;     /* F[(p*n + i)*M + m] = f_{p,m}(x_ip) */
  PetscReal       *R;     /* R[i*M + m]: product of the factors of every input but the block's (or all of them) */
  PetscReal       *U;     /* logits, then probabilities of the local samples (n x q) */
  PetscReal        lambda;
  PetscReal        ce; /* the data term of the last IRLSObjective(): the cross-entropy, without the penalty */
  SNAFitStatistics work;
} IRLSCtx;

/* Factors of input p from W[p]. */
static void IRLSFactor(IRLSCtx *c, PetscInt p)
{
  SNA_Khronos *kh = (SNA_Khronos *)c->sna->data;

  for (PetscInt i = 0; i < c->n; i++) {
    const PetscReal *v = c->vals + (i * c->d + p) * c->k1, *w = kh->W + (kh->start[p] + c->first[i * c->d + p]) * c->M;
    PetscReal       *f = c->F + (p * c->n + i) * c->M;
    for (PetscInt m = 0; m < c->M; m++) {
      f[m] = 0;
      for (PetscInt a = 0; a < c->k1; a++) f[m] += v[a] * w[a * c->M + m];
    }
  }
}

/* R = products of the factors of every input except skip (skip = -1: all inputs, the mode values). */
static void IRLSProducts(IRLSCtx *c, PetscInt skip)
{
  for (PetscInt i = 0; i < c->n * c->M; i++) c->R[i] = 1.0;
  for (PetscInt p = 0; p < c->d; p++) {
    if (p == skip) continue;
    for (PetscInt i = 0; i < c->n * c->M; i++) c->R[i] *= c->F[p * c->n * c->M + i];
  }
}

/* The objective F at the current parameters, with R holding the products that skip input skip (its factor
   is multiplied in here); leaves the probabilities in U and F's data term, the cross-entropy, in c->ce (what the
   monitor and the tolerances take: the penalty grows without bound on separable classes). One scalar reduction. */
static PetscErrorCode IRLSObjective(IRLSCtx *c, PetscInt skip, PetscReal *obj)
{
  SNA_Khronos *kh    = (SNA_Khronos *)c->sna->data;
  PetscReal    local = 0, reg = 0, *lse;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(PetscMax(c->n, 1), &lse));
  for (PetscInt i = 0; i < c->n; i++) {
    const PetscReal *r = c->R + i * c->M, *f = skip >= 0 ? c->F + (skip * c->n + i) * c->M : NULL;
    for (PetscInt j = 0; j < c->q; j++) {
      PetscReal u = 0;
      for (PetscInt m = 0; m < c->M; m++) u += kh->C[m * c->q + j] * r[m] * (f ? f[m] : 1.0);
      c->U[i * c->q + j] = u;
    }
  }
  for (PetscInt i = 0; i < c->n; i++)
    for (PetscInt j = 0; j < c->q; j++) local -= c->y[i * c->q + j] * c->U[i * c->q + j];
  PetscCall(SNASoftmax(c->n, c->q, c->U, lse));
  for (PetscInt i = 0; i < c->n; i++) local += lse[i]; /* rows of y sum to one */
  PetscCall(PetscFree(lse));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &local, 1, MPIU_REAL, MPIU_SUM, c->comm));
  for (PetscInt i = 0; i < kh->start[c->d] * c->M; i++) reg += kh->W[i] * kh->W[i];
  for (PetscInt i = 0; i < c->M * c->q; i++) reg += kh->C[i] * kh->C[i];
  c->ce = local / c->N;
  *obj  = c->ce + 0.5 * c->lambda * reg;
  c->work.function++;
  PetscFunctionReturn(0);
}

/* Gradient g and Hessian H (nb x nb) of the data term of block b (-1: the head C, else W[b]) from the
   probabilities in U, summed over the ranks with the loss-free reduction of H's upper triangle and g. */
static PetscErrorCode IRLSAssemble(IRLSCtx *c, PetscInt b, PetscInt nb, PetscReal H[], PetscReal g[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)c->sna->data;
  const PetscInt M = c->M, q = c->q;
  PetscReal     *Bm, *Bp, *S, *buf;
  PetscInt       nu = nb * (nb + 1) / 2;

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(H, nb * nb));
  PetscCall(PetscArrayzero(g, nb));
  PetscCall(PetscMalloc3(q * M, &Bm, M, &Bp, M * M, &S));
  for (PetscInt i = 0; i < c->n; i++) {
    const PetscReal *p = c->U + i * q, *y = c->y + i * q, *r = c->R + i * M;
    if (b < 0) { /* head: dU_j/dC[m,j] = r_m (r holds the mode values) */
      for (PetscInt m = 0; m < M; m++)
        for (PetscInt j = 0; j < q; j++) g[m * q + j] += r[m] * (p[j] - y[j]);
      for (PetscInt m = 0; m < M; m++)
        for (PetscInt j = 0; j < q; j++) {
          PetscReal *h = H + (m * q + j) * nb;
          for (PetscInt mm = m; mm < M; mm++) {
            const PetscReal rr = r[m] * r[mm];
            for (PetscInt jj = (mm == m ? j : 0); jj < q; jj++) h[mm * q + jj] += rr * p[j] * ((j == jj) - p[jj]);
          }
        }
    } else { /* W[b]: Kronecker structure (see the top of the file) */
      const PetscInt   s = c->first[i * c->d + b];
      const PetscReal *v = c->vals + (i * c->d + b) * c->k1;
      for (PetscInt j = 0; j < q; j++)
        for (PetscInt m = 0; m < M; m++) Bm[j * M + m] = kh->C[m * q + j] * r[m];
      for (PetscInt m = 0; m < M; m++) {
        PetscReal bp = 0, br = 0;
        for (PetscInt j = 0; j < q; j++) {
          bp += Bm[j * M + m] * p[j];
          br += Bm[j * M + m] * (p[j] - y[j]);
        }
        Bp[m] = bp;
        for (PetscInt a = 0; a < c->k1; a++) g[(s + a) * M + m] += v[a] * br;
      }
      for (PetscInt m = 0; m < M; m++)
        for (PetscInt mm = 0; mm < M; mm++) {
          PetscReal t = -Bp[m] * Bp[mm];
          for (PetscInt j = 0; j < q; j++) t += Bm[j * M + m] * p[j] * Bm[j * M + mm];
          S[m * M + mm] = t;
        }
      for (PetscInt a = 0; a < c->k1; a++)
        for (PetscInt a2 = a; a2 < c->k1; a2++)
          for (PetscInt m = 0; m < M; m++)
            for (PetscInt mm = (a2 == a ? m : 0); mm < M; mm++) H[((s + a) * M + m) * nb + (s + a2) * M + mm] += v[a] * v[a2] * S[m * M + mm];
    }
  }
  PetscCall(PetscFree3(Bm, Bp, S));
  PetscCall(PetscMalloc1(nu + nb, &buf));
  for (PetscInt i = 0, k = 0; i < nb; i++)
    for (PetscInt j = i; j < nb; j++) buf[k++] = H[i * nb + j];
  PetscCall(PetscArraycpy(buf + nu, g, nb));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, buf, nu + nb, MPIU_REAL, MPIU_SUM, c->comm));
  for (PetscInt i = 0, k = 0; i < nb; i++)
    for (PetscInt j = i; j < nb; j++, k++) H[i * nb + j] = H[j * nb + i] = buf[k] / c->N;
  for (PetscInt i = 0; i < nb; i++) g[i] = buf[nu + i] / c->N;
  PetscCall(PetscFree(buf));
  c->work.gradient++;
  c->work.hessian++;
  PetscFunctionReturn(0);
}

/* The block's parameters: the head C or W[b]. */
static PetscReal *IRLSBlock(IRLSCtx *c, PetscInt b, PetscInt *nb)
{
  SNA_Khronos *kh = (SNA_Khronos *)c->sna->data;

  *nb = b < 0 ? c->M * c->q : kh->nodes[b] * c->M;
  return b < 0 ? kh->C : kh->W + kh->start[b] * c->M;
}

/* Up to newton_its damped Newton steps on block b; *obj is F before and after. *lowered says whether any
   step was accepted. R must hold the products that skip b (all factors for the head). */
static PetscErrorCode IRLSBlockNewton(IRLSCtx *c, PetscInt b, PetscReal *obj, PetscBool *lowered)
{
  PetscInt     nb;
  PetscReal   *theta = IRLSBlock(c, b, &nb), *H, *g, *old, *delta;
  PetscBLASInt bn, one = 1, info;

  PetscFunctionBegin;
  *lowered = PETSC_FALSE;
  PetscCall(PetscBLASIntCast(nb, &bn));
  PetscCall(PetscMalloc4(nb * nb, &H, nb, &g, nb, &old, nb, &delta));
  for (PetscInt it = 0; it < c->newton_its; it++) {
    PetscReal slope = 0, dmax = 0, t = 1, trial = PETSC_MAX_REAL;

    PetscCall(IRLSAssemble(c, b, nb, H, g));
    for (PetscInt i = 0; i < nb; i++) {
      g[i] += c->lambda * theta[i];
      dmax = PetscMax(dmax, H[i * nb + i]);
    }
    /* the softmax is blind to a shift of all logits, so the head block's H is singular without lambda:
       a ridge at rounding level of the diagonal keeps the factorisation defined (g has no component there) */
    for (PetscInt i = 0; i < nb; i++) {
      H[i * nb + i] += c->lambda + 1e-12 * dmax + PETSC_SMALL * PETSC_SMALL;
      delta[i] = -g[i];
    }
    PetscCall(PetscFPTrapPush(PETSC_FP_TRAP_OFF));
    PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, H, &bn, &info));
    if (!info) PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bn, &one, H, &bn, delta, &bn, &info));
    PetscCall(PetscFPTrapPop());
    c->work.inner++;
    if (info) break; /* not positive definite at rounding level: leave the block */
    for (PetscInt i = 0; i < nb; i++) slope += g[i] * delta[i];
    if (!(slope < 0) || -slope < 1e-14 * PetscAbsReal(*obj)) break; /* the Newton decrement vanished */
    PetscCall(PetscArraycpy(old, theta, nb));
    for (int ls = 0; ls < 20; ls++, t *= 0.5) {
      for (PetscInt i = 0; i < nb; i++) theta[i] = old[i] + t * delta[i];
      if (b >= 0) IRLSFactor(c, b);
      PetscCall(IRLSObjective(c, b, &trial));
      if (trial <= *obj + 1e-4 * t * slope) break;
    }
    if (!(trial <= *obj + 1e-4 * t * slope)) { /* no acceptable step: restore the block and its probabilities */
      PetscCall(PetscArraycpy(theta, old, nb));
      if (b >= 0) IRLSFactor(c, b);
      PetscCall(IRLSObjective(c, b, obj));
      break;
    }
    *obj     = trial;
    *lowered = PETSC_TRUE;
  }
  PetscCall(PetscFree4(H, g, old, delta));
  PetscFunctionReturn(0);
}

/* Starts from factors near one (products of d factors in [-1, 1] would vanish for many inputs: spread 0.1
   unless -sna_khronos_init_spread chose one), the same on every rank, and a uniform distribution (C = 0). */
static PetscErrorCode IRLSInitialize(IRLSCtx *c)
{
  const SNA_Khronos *kh     = (SNA_Khronos *)c->sna->data;
  const PetscReal    spread = kh->init_spread_set ? kh->init_spread : 0.1; /* the fit's own default, for this start only */

  PetscFunctionBegin;
  for (PetscInt m = 0; m < c->M; m++) PetscCall(SNAKhronosInitializeModeSpread(c->sna, m, spread)); /* zeroes C[m, :] too */
  PetscFunctionReturn(0);
}

/*MC
  SNAFITIRLS - "irls": exact block Newton (iteratively reweighted least squares) for the cross-entropy loss of a
  KHRONOS categorical head

  Each sweep takes up to -sna_fit_irls_newton_its Newton steps on the head C and then on each input's spline
  coefficients W[p]; each block subproblem is a convex multinomial logistic regression. The steps minimise F, the
  cross-entropy E plus (lambda/2)|theta|^2; the monitor and -sna_fit_atol take E alone (with lambda > 0 the penalty
  dominates F on separable classes, whose |theta| grows; -info prints both). Stops when a sweep lowers F by less
  than -sna_fit_rtol times F (CONVERGED_RTOL), E is below -sna_fit_atol (CONVERGED_ATOL), no
  block can lower F (CONVERGED_STALLED; on the first sweep CONVERGED_RTOL, as LM and TAO from their optimum, or with
  -sna_fit_rtol 0 DIVERGED_NO_PROGRESS, a failed fit), or after -sna_fit_max_it sweeps (DIVERGED_ITS). A fresh model starts from
  factors near one and a uniform distribution; a warm start (a model loaded, e.g. snaps-fit -init_model, fitted
  before, or given its parameters) goes on from its parameters. The model keeps the last iterate, which is the best
  (F decreases monotonically).

  Level: intermediate

.seealso: SNASetLossType(), SNAComputeCrossEntropy(), SNAFit()
M*/
PetscErrorCode SNAFit_Khronos_IRLS(SNA sna, Vec X, Vec Y)
{
  SNA_Khronos       *kh = (SNA_Khronos *)sna->data;
  IRLSCtx            c;
  PetscReal          atol, rtol, obj, prev;
  PetscInt           max_it, it;
  SNAConvergedReason reason = SNA_DIVERGED_ITS;

  PetscFunctionBegin;
  PetscCheck(sna->loss == SNA_LOSS_CROSS_ENTROPY, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "-%ssna_fit_type irls fits the cross-entropy loss: add -%ssna_loss cross_entropy (or use another fit for the MSE)", SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  PetscCall(PetscMemzero(&c, sizeof(c)));
  c.sna        = sna;
  c.comm       = PetscObjectComm((PetscObject)sna);
  c.d          = sna->dim_in;
  c.q          = sna->dim_out;
  c.M          = kh->modes;
  c.k1         = kh->degree + 1;
  c.lambda     = sna->lambda;
  c.newton_its = kh->irls_newton_its; /* -sna_fit_irls_newton_its, read with the other KHRONOS options */
  PetscCheck(c.newton_its >= 1, c.comm, PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_irls_newton_its must be at least 1, not %" PetscInt_FMT, SNAMessagePrefix(sna), c.newton_its);
  PetscCall(SNAGetTolerances(sna, &atol, &rtol, &max_it));
  PetscCall(SNACheckClassRowsPrefix(Y, "The training targets Y", SNAMessagePrefix(sna))); /* snaps-predict checks its Y alike */
  PetscCall(SNAFitGetData(sna, X, Y, &c.n, &c.N, &c.x, &c.y));
  PetscCall(PetscMalloc5(c.n * c.d, &c.first, c.n * c.d * c.k1, &c.vals, c.d * c.n * c.M, &c.F, c.n * c.M, &c.R, c.n * c.q, &c.U));
  for (PetscInt i = 0; i < c.n; i++)
    for (PetscInt p = 0; p < c.d; p++) c.first[i * c.d + p] = SNABSplineEvalInline(&kh->basis[p], SNAUnitCoordinate(sna, p, c.x[i * c.d + p]), c.vals + (i * c.d + p) * c.k1);
  if (kh->fit_fresh) PetscCall(IRLSInitialize(&c)); /* a warm start (a loaded, fitted or given model) keeps its parameters */
  for (PetscInt p = 0; p < c.d; p++) IRLSFactor(&c, p);
  IRLSProducts(&c, -1);
  PetscCall(IRLSObjective(&c, -1, &obj));
  /* the monitor and atol take the cross-entropy; rtol, the Newton steps and their line search the objective minimised,
     which adds the penalty (lambda/2)|theta|^2 where lambda > 0 (both in -info) */
  PetscCall(SNAFitSetStage(sna, c.lambda > 0 ? "cross-entropy; minimised with the penalty lambda/2 |theta|^2" : "cross-entropy"));
  PetscCall(SNAFitMonitor(sna, 0, c.ce));
  for (it = 1; it <= max_it; it++) {
    PetscBool lowered, any = PETSC_FALSE;

    prev = obj;
    IRLSProducts(&c, -1);
    PetscCall(IRLSBlockNewton(&c, -1, &obj, &lowered));
    any = (PetscBool)(any || lowered);
    for (PetscInt p = 0; p < c.d; p++) {
      IRLSProducts(&c, p);
      PetscCall(IRLSObjective(&c, p, &obj)); /* probabilities of the current point, for the block's Hessian */
      PetscCall(IRLSBlockNewton(&c, p, &obj, &lowered));
      any = (PetscBool)(any || lowered);
    }
    c.work.outer++; /* c.ce: the cross-entropy at the sweep's last accepted point, which every block's last objective is */
    PetscCall(SNAFitMonitor(sna, it, c.ce));
    PetscCall(PetscInfo(sna, "IRLS sweep %" PetscInt_FMT ": cross-entropy %g, objective with the penalty %g\n", it, (double)c.ce, (double)obj));
    if (PetscIsInfOrNanReal(obj)) {
      reason = SNA_DIVERGED_NANORINF;
      break;
    }
    if (c.ce < atol) {
      reason = SNA_CONVERGED_ATOL;
      break;
    }
    if (!any) { /* a first sweep that lowers nothing met the rtol test (it gained 0): a warm start at its optimum has
                   converged, as in LM and TAO; a refit of a converged model was "the fit failed" */
      reason = it > 1 ? SNA_CONVERGED_STALLED : rtol > 0 ? SNA_CONVERGED_RTOL
                                                         : SNA_DIVERGED_NO_PROGRESS;
      break;
    }
    if (prev - obj < rtol * obj) { /* the objective minimised: its relative gain, as -help says for irls */
      reason = SNA_CONVERGED_RTOL;
      break;
    }
  }
  PetscCall(SNAFitRestoreData(sna, X, Y, &c.x, &c.y));
  PetscCall(PetscFree5(c.first, c.vals, c.F, c.R, c.U));
  PetscCall(SNAFitAddWork(sna, PetscMin(it, max_it), &c.work));
  PetscCall(SNAFitSetReason(sna, reason));
  PetscFunctionReturn(0);
}
