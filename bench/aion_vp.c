/* Variable projection with Levenberg-Marquardt for AION; see aion_vp.h. Written independently of the
   library's infinite descent: it shares only the model's closed-form residuals and Jacobian rows
   (SNAAionAssemble), so the comparison is between optimisation methods, not model implementations. */
#include "aion_vp.h"
#include <snaps/private/aionimpl.h>
#include <petscblaslapack.h>

typedef struct {
  SNA              sna;
  PetscInt         n, nL, nV;
  const PetscReal *x, *y;
  PetscInt        *cols; /* nL amplitudes of input 0, then the nV nonlinear/other parameters */
  PetscReal       *J, *Phi, *tau, *work, *Jeta, *r;
  PetscBLASInt     lwork;
} VPCtx;

/* QR of Phi = the amplitude columns (column-major n x nL) in place, Householder form. */
static PetscErrorCode QR(VPCtx *c)
{
  PetscBLASInt m, k, info = 0;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(c->n, &m));
  PetscCall(PetscBLASIntCast(c->nL, &k));
  PetscCallBLAS("LAPACKgeqrf", LAPACKgeqrf_(&m, &k, c->Phi, &m, c->tau, c->work, &c->lwork, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "geqrf failed: %d", (int)info);
  PetscFunctionReturn(0);
}

/* B (n x nrhs, column-major) <- Q^T B or Q B. */
static PetscErrorCode ApplyQ(VPCtx *c, const char *trans, PetscInt nrhs, PetscReal B[])
{
  PetscBLASInt m, k, nr, info = 0;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(c->n, &m));
  PetscCall(PetscBLASIntCast(c->nL, &k));
  PetscCall(PetscBLASIntCast(nrhs, &nr));
  PetscCallBLAS("LAPACKormqr", LAPACKormqr_("L", trans, &m, &nr, &k, c->Phi, &m, c->tau, B, &m, c->work, &c->lwork, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "ormqr failed: %d", (int)info);
  PetscFunctionReturn(0);
}

/* Variable projection at eta: amplitudes c = R^{-1} Q1^T y written into th, the projected residual r,
   and (if jac) Kaufman's Jacobian Jeta <- (I - Q1 Q1^T) dr/deta (column-major n x nV). Returns 1/2N |r|^2. With
   dependent (the start only: trial steps keep the method as it was benchmarked), it first checks the amplitude
   columns and returns at once, *dependent true, if they are dependent. */
static PetscErrorCode Project(VPCtx *c, PetscReal th[], PetscBool jac, PetscReal *f, PetscBool *dependent)
{
  const PetscInt n = c->n, nL = c->nL, nV = c->nV, nc = nL + nV;
  PetscReal     *qty;

  PetscFunctionBegin;
  for (PetscInt j = 0; j < nL; j++) th[c->cols[j]] = 0;
  /* with the amplitudes at zero the Jacobian's first nL columns are the basis Phi (u is linear in them) */
  PetscCall(SNAAionAssemble(c->sna, SNA_AION_LINEAR, th, n, c->x, NULL, nL, c->cols, PETSC_FALSE, NULL, NULL, NULL, NULL, c->J));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < nL; j++) c->Phi[j * n + i] = c->J[i * nL + j];
  PetscCall(QR(c));
  if (dependent) { /* amplitude columns dependent to roundoff (coinciding atoms): the least-squares amplitudes are
                     undefined, and back substitution by a diagonal of R at roundoff level gives huge ones that cancel */
    PetscReal rmax = 0;
    *dependent     = PETSC_FALSE;
    for (PetscInt j = 0; j < nL; j++) rmax = PetscMax(rmax, PetscAbsReal(c->Phi[j * n + j]));
    for (PetscInt j = 0; j < nL; j++)
      if (!(PetscAbsReal(c->Phi[j * n + j]) > 1e3 * PETSC_MACHINE_EPSILON * rmax)) *dependent = PETSC_TRUE;
    if (*dependent) PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc1(n, &qty));
  PetscCall(PetscArraycpy(qty, c->y, n));
  PetscCall(ApplyQ(c, "T", 1, qty));
  for (PetscInt j = nL - 1; j >= 0; j--) { /* back substitution R c = (Q^T y)_1 */
    PetscReal s = qty[j];
    for (PetscInt l = j + 1; l < nL; l++) s -= c->Phi[l * n + j] * qty[l];
    qty[j] = s / c->Phi[j * n + j];
  }
  for (PetscInt j = 0; j < nL; j++) th[c->cols[j]] = qty[j];
  PetscCall(PetscFree(qty));
  /* residual (computed directly, not from the QR, so that it is accurate near zero) and Jacobian */
  *f = 0;
  PetscCall(SNAAionAssemble(c->sna, SNA_AION_LINEAR, th, n, c->x, c->y, jac ? nc : 0, c->cols, PETSC_FALSE, f, NULL, NULL, c->r, jac ? c->J : NULL));
  *f /= n;
  if (!jac) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt v = 0; v < nV; v++) c->Jeta[v * n + i] = c->J[i * nc + nL + v];
  PetscCall(ApplyQ(c, "T", nV, c->Jeta)); /* Kaufman: drop the component in range(Phi) */
  for (PetscInt v = 0; v < nV; v++)
    for (PetscInt j = 0; j < nL; j++) c->Jeta[v * n + j] = 0;
  PetscCall(ApplyQ(c, "N", nV, c->Jeta));
  PetscFunctionReturn(0);
}

/* Solves (A + mu diag(A)) d = -g (A = J_K^T J_K / n, nV x nV) by Cholesky; *ok false if not positive definite. */
static PetscErrorCode DampedSolve(PetscInt nV, const PetscReal A[], const PetscReal g[], PetscReal mu, PetscReal d[], PetscBool *ok)
{
  PetscReal   *M;
  PetscBLASInt bn, one = 1, info = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(nV * nV, &M));
  for (PetscInt i = 0; i < nV * nV; i++) M[i] = A[i];
  for (PetscInt i = 0; i < nV; i++) {
    M[i * nV + i] += mu * PetscMax(A[i * nV + i], 1e-300);
    d[i] = -g[i];
  }
  PetscCall(PetscBLASIntCast(nV, &bn));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, M, &bn, &info));
  *ok = (PetscBool)(info == 0);
  if (*ok) PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bn, &one, M, &bn, d, &bn, &info));
  PetscCall(PetscFree(M));
  PetscFunctionReturn(0);
}

/* See aion_vp.h. */
PetscErrorCode AionVPFit(SNA sna, Vec X, Vec Y, const AionVPOptions *opt, AionVPResult *res)
{
  VPCtx        c = {0};
  PetscInt     np, d, r, P;
  PetscReal   *th, *trial, *A, *g, *delta, f, ftrial, mu = 1e-3, nu = 2, wq; /* mu relative to Marquardt's diag(A) */
  PetscBLASInt m, k, info = 0, mone = -1;
  PetscBool    refused;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(res, sizeof(*res)));
  PetscCall(SNAGetNumParameters(sna, &np));
  PetscCall(SNAGetSizes(sna, &d, NULL));
  PetscCall(SNAAionGetAtoms(sna, &r, &P));
  c.sna = sna;
  PetscCall(VecGetLocalSize(Y, &c.n));
  PetscCall(VecGetArrayRead(X, &c.x));
  PetscCall(VecGetArrayRead(Y, &c.y));
  PetscCall(PetscMalloc1(np, &c.cols));
  PetscCall(SNAAionSplitParameters(sna, &c.nL, c.cols));
  c.nV = np - c.nL;
  PetscCall(PetscMalloc6(c.n * np, &c.J, c.n * c.nL, &c.Phi, c.nL, &c.tau, c.n * c.nV, &c.Jeta, c.n, &c.r, np, &th));
  PetscCall(PetscMalloc4(np, &trial, c.nV * c.nV, &A, c.nV, &g, c.nV, &delta));
  /* workspace for geqrf/ormqr */
  PetscCall(PetscBLASIntCast(c.n, &m));
  PetscCall(PetscBLASIntCast(c.nL, &k));
  PetscCallBLAS("LAPACKgeqrf", LAPACKgeqrf_(&m, &k, c.Phi, &m, c.tau, &wq, &mone, &info));
  PetscCall(PetscBLASIntCast(PetscMax((PetscInt)wq, 64 * (c.nV + 1)), &c.lwork));
  PetscCall(PetscMalloc1(c.lwork, &c.work));

  PetscCall(SNAGetParameters(sna, trial));
  SNAAionPolarToLinear(np / 4, trial, th);
  PetscCall(Project(&c, th, PETSC_TRUE, &f, &refused)); /* dependent at the start: no fit, the model keeps its start */
  res->nfunc++;
  res->njac++;
  while (!refused && res->iterations < opt->max_it && res->trials < 20 * opt->max_it) {
    PetscReal gnorm = 0, pred = 0, rho, dnorm = 0, enorm = 0;
    PetscBool ok = PETSC_FALSE;

    for (PetscInt a = 0; a < c.nV; a++) {
      g[a] = 0;
      for (PetscInt i = 0; i < c.n; i++) g[a] += c.Jeta[a * c.n + i] * c.r[i];
      g[a] /= c.n;
      gnorm += g[a] * g[a];
      for (PetscInt b = 0; b <= a; b++) {
        PetscReal s = 0;
        for (PetscInt i = 0; i < c.n; i++) s += c.Jeta[a * c.n + i] * c.Jeta[b * c.n + i];
        A[a * c.nV + b] = A[b * c.nV + a] = s / c.n;
      }
    }
    if (PetscSqrtReal(gnorm) <= opt->gatol) {
      res->converged = PETSC_TRUE;
      break;
    }
    PetscCall(DampedSolve(c.nV, A, g, mu, delta, &ok));
    res->trials++;
    if (!ok) {
      mu *= nu;
      nu *= 2;
      continue;
    }
    for (PetscInt a = 0; a < c.nV; a++) {
      pred += 0.5 * delta[a] * (mu * A[a * c.nV + a] * delta[a] - g[a]);
      dnorm += delta[a] * delta[a];
      enorm += th[c.cols[c.nL + a]] * th[c.cols[c.nL + a]];
    }
    if (PetscSqrtReal(dnorm) <= 1e-15 * (PetscSqrtReal(enorm) + 1e-15)) break; /* no representable progress: a stall, not convergence */
    PetscCall(PetscArraycpy(trial, th, np));
    for (PetscInt a = 0; a < c.nV; a++) trial[c.cols[c.nL + a]] += delta[a];
    PetscCall(Project(&c, trial, PETSC_FALSE, &ftrial, NULL));
    res->nfunc++;
    rho = pred > 0 ? (f - ftrial) / pred : -1;
    if (rho > 0 && ftrial < f) {
      PetscCall(PetscArraycpy(th, trial, np));
      PetscCall(Project(&c, th, PETSC_TRUE, &f, NULL)); /* the Jacobian at the accepted point */
      res->njac++;
      res->iterations++;
      mu *= PetscMax(1.0 / 3.0, 1 - PetscPowReal(2 * rho - 1, 3));
      nu = 2;
      if (opt->monitor) {
        SNAAionLinearToPolar(np / 4, th, trial);
        PetscCall(SNASetParameters(sna, trial));
        PetscCall((*opt->monitor)(sna, res->iterations, 2 * f, opt->monitorctx));
      }
    } else {
      mu *= nu;
      nu *= 2;
    }
  }
  if (!refused) {
    SNAAionLinearToPolar(np / 4, th, trial);
    PetscCall(SNASetParameters(sna, trial));
  }
  PetscCall(VecRestoreArrayRead(X, &c.x));
  PetscCall(VecRestoreArrayRead(Y, &c.y));
  PetscCall(PetscFree(c.work));
  PetscCall(PetscFree4(trial, A, g, delta));
  PetscCall(PetscFree6(c.J, c.Phi, c.tau, c.Jeta, c.r, th));
  PetscCall(PetscFree(c.cols));
  PetscFunctionReturn(0);
}
