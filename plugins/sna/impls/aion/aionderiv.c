/* AION derivatives in closed form: residuals, Jacobian rows, gradient and the exact Hessian of
   1/2 sum r^2 (Gauss-Newton part J^T J plus the second-order part sum r d^2u), for either
   parametrisation. The atom's closure under differentiation makes every derivative an atom:
     polar  g = A E cos(w t + phi), E = e^{alpha t}:
       dg = (E c, t g, -t A E s, -A E s),            c, s = cos, sin(w t + phi)
     linear g = E (a cos(w t) + b sin(w t)), h = E (-a sin(w t) + b cos(w t)):
       dg = (E c, E s, t g, t h),                     c, s = cos, sin(w t)
   and the second derivatives below. A product u = sum_m prod_p psi_{p,m} couples factors of the
   same rank only: d^2u mixes two terms of one factor through d^2g, and two factors p != p' through
   the product of their first derivatives. */
#include <snaps/private/aionimpl.h>
#include <petscblaslapack.h>

#define AION_BLOCK 128 /* samples per BLAS update of J^T J */

/* Value, gradient (4) and Hessian (4 x 4, full) of one term at t. */
static inline void AionTerm(SNAAionParametrization kind, const PetscReal th[4], PetscReal t, PetscBool derivs, PetscBool second, PetscReal *val, PetscReal dg[4], PetscReal d2[16])
{
  if (kind == SNA_AION_POLAR) {
    const PetscReal A = th[0], E = PetscExpReal(th[1] * t), arg = th[2] * t + th[3];
    const PetscReal c = PetscCosReal(arg), s = PetscSinReal(arg), g = A * E * c, AEs = A * E * s;

    *val = g;
    if (!derivs) return;
    dg[0] = E * c;
    dg[1] = t * g;
    dg[2] = -t * AEs;
    dg[3] = -AEs;
    if (!second) return;
    d2[0]  = 0;
    d2[1]  = t * E * c;
    d2[2]  = -t * E * s;
    d2[3]  = -E * s;
    d2[5]  = t * t * g;
    d2[6]  = -t * t * AEs;
    d2[7]  = -t * AEs;
    d2[10] = -t * t * g;
    d2[11] = -t * g;
    d2[15] = -g;
  } else {
    const PetscReal a = th[0], b = th[1], E = PetscExpReal(th[2] * t), arg = th[3] * t;
    const PetscReal c = PetscCosReal(arg), s = PetscSinReal(arg), g = E * (a * c + b * s), h = E * (b * c - a * s);

    *val = g;
    if (!derivs) return;
    dg[0] = E * c;
    dg[1] = E * s;
    dg[2] = t * g;
    dg[3] = t * h;
    if (!second) return;
    d2[0]  = 0;
    d2[1]  = 0;
    d2[2]  = t * E * c;
    d2[3]  = -t * E * s;
    d2[5]  = 0;
    d2[6]  = t * E * s;
    d2[7]  = t * E * c;
    d2[10] = t * t * g;
    d2[11] = t * t * h;
    d2[15] = -t * t * g;
  }
  for (PetscInt i = 0; i < 4; i++) /* mirror the upper triangle */
    for (PetscInt j = 0; j < i; j++) d2[i * 4 + j] = d2[j * 4 + i];
}

/* Accumulated block of Jacobian rows, flushed into g and J^T J with BLAS. */
typedef struct {
  PetscInt   nc, count;
  PetscReal *J, *r; /* column-major nc x AION_BLOCK (one column per sample), residuals */
  PetscReal *g, *H; /* outputs; H is column-major, upper triangle */
} AionBlock;

static PetscErrorCode AionBlockFlush(AionBlock *b)
{
  PetscBLASInt n, k, one = 1;
  PetscReal    alpha = 1.0, beta = 1.0;

  PetscFunctionBegin;
  if (!b->count) PetscFunctionReturn(0);
  PetscCall(PetscBLASIntCast(b->nc, &n));
  PetscCall(PetscBLASIntCast(b->count, &k));
  if (b->H) PetscCallBLAS("BLASsyrk", BLASsyrk_("U", "N", &n, &k, &alpha, b->J, &n, &beta, b->H, &n));
  if (b->g) PetscCallBLAS("BLASgemv", BLASgemv_("N", &n, &k, &alpha, b->J, &n, b->r, &one, &beta, b->g, &one));
  b->count = 0;
  PetscFunctionReturn(0);
}

/* See aionimpl.h. */
PetscErrorCode SNAAionAssemble(SNA sna, SNAAionParametrization kind, const PetscReal theta[], PetscInt n, const PetscReal x[], const PetscReal y[], PetscInt nc, const PetscInt cols[], PetscBool exact, PetscReal *sse, PetscReal g[], PetscReal H[], PetscReal r[], PetscReal J[])
{
  SNA_Aion       *ai = (SNA_Aion *)sna->data;
  const PetscInt  d = sna->dim_in, R = ai->rank, P = ai->terms, nterms = d * R * P;
  const PetscBool derivs = (PetscBool)(g || H || J), second = (PetscBool)(H && exact);
  PetscReal      *val, *dg, *d2, *psi, *oth, *pre, *Hl, *tp, loss = 0;
  PetscInt       *cterm, *ccomp, *cp, *cm;
  PetscBool      *need;
  AionBlock       blk = {0};

  PetscFunctionBegin;
  /* a rank without samples (n = 0) may get NULL arrays from its empty Vecs: it assembles zeros */
  PetscCheck(y || !n || !(sse || g || H || r), PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "AION assembly needs targets for residuals");
  PetscCall(PetscMalloc6(nterms, &val, 4 * nterms, &dg, second ? 16 * nterms : 1, &d2, d * R, &psi, d * R, &oth, R, &pre));
  PetscCall(PetscMalloc6(nc, &cterm, nc, &ccomp, nc, &cp, nc, &cm, nterms, &need, d, &tp));
  PetscCall(PetscCalloc1(H ? nc * nc : 1, &Hl));
  PetscCall(PetscArrayzero(need, nterms));
  for (PetscInt c = 0; c < nc; c++) {
    PetscCheck(cols[c] >= 0 && cols[c] < 4 * nterms, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "AION parameter index %" PetscInt_FMT " out of range", cols[c]);
    cterm[c]       = cols[c] / 4;
    ccomp[c]       = cols[c] % 4;
    cp[c]          = cterm[c] / (R * P);
    cm[c]          = (cterm[c] / P) % R;
    need[cterm[c]] = PETSC_TRUE;
  }
  blk.nc = nc;
  blk.g  = g;
  blk.H  = H ? Hl : NULL;
  if (derivs) PetscCall(PetscMalloc2(nc * AION_BLOCK, &blk.J, AION_BLOCK, &blk.r));

  for (PetscInt i = 0; i < n; i++) {
    PetscReal u = 0, ri = 0, *Jrow;

    for (PetscInt p = 0; p < d; p++) tp[p] = SNAUnitCoordinate(sna, p, x[i * d + p]);
    for (PetscInt j = 0; j < nterms; j++) {
      const PetscInt p = j / (R * P);
      AionTerm(kind, theta + 4 * j, tp[p], (PetscBool)(derivs && need[j]), (PetscBool)(second && need[j]), &val[j], dg + 4 * j, second ? d2 + 16 * j : NULL);
    }
    for (PetscInt f = 0; f < d * R; f++) { /* factor f = p*R + m */
      psi[f] = 0;
      for (PetscInt k = 0; k < P; k++) psi[f] += val[f * P + k];
    }
    /* oth[p*R + m] = prod_{p' != p} psi[p'*R + m], by prefix and suffix products */
    for (PetscInt m = 0; m < R; m++) pre[m] = 1.0;
    for (PetscInt p = 0; p < d; p++)
      for (PetscInt m = 0; m < R; m++) {
        oth[p * R + m] = pre[m];
        pre[m] *= psi[p * R + m];
      }
    for (PetscInt m = 0; m < R; m++) {
      u += pre[m];
      pre[m] = 1.0;
    }
    for (PetscInt p = d - 1; p >= 0; p--)
      for (PetscInt m = 0; m < R; m++) {
        oth[p * R + m] *= pre[m];
        pre[m] *= psi[p * R + m];
      }
    if (y) {
      ri = u - y[i];
      loss += 0.5 * ri * ri;
      if (r) r[i] = ri;
    }
    if (!derivs) continue;
    Jrow = blk.J + blk.count * nc;
    for (PetscInt c = 0; c < nc; c++) Jrow[c] = oth[cp[c] * R + cm[c]] * dg[4 * cterm[c] + ccomp[c]];
    if (J) PetscCall(PetscArraycpy(J + i * nc, Jrow, nc));
    blk.r[blk.count++] = ri;
    if (blk.count == AION_BLOCK) PetscCall(AionBlockFlush(&blk));
    if (!second || ri == 0) continue;
    for (PetscInt c = 0; c < nc; c++)
      for (PetscInt e = c; e < nc; e++) {
        PetscReal w;
        if (cm[c] != cm[e]) continue;
        if (cp[c] == cp[e]) {
          if (cterm[c] != cterm[e]) continue;
          w = oth[cp[c] * R + cm[c]] * d2[16 * cterm[c] + 4 * ccomp[c] + ccomp[e]];
        } else {
          w = dg[4 * cterm[c] + ccomp[c]] * dg[4 * cterm[e] + ccomp[e]];
          for (PetscInt p = 0; p < d; p++)
            if (p != cp[c] && p != cp[e]) w *= psi[p * R + cm[c]];
        }
        Hl[c + e * nc] += ri * w;
      }
  }
  if (derivs) PetscCall(AionBlockFlush(&blk));
  if (H)
    for (PetscInt c = 0; c < nc; c++)
      for (PetscInt e = 0; e < nc; e++) H[c * nc + e] += Hl[PetscMin(c, e) + PetscMax(c, e) * nc];
  if (sse) *sse += loss;
  if (derivs) PetscCall(PetscFree2(blk.J, blk.r));
  PetscCall(PetscFree(Hl));
  PetscCall(PetscFree6(cterm, ccomp, cp, cm, need, tp));
  PetscCall(PetscFree6(val, dg, d2, psi, oth, pre));
  PetscFunctionReturn(0);
}

/* See aionimpl.h. */
PetscErrorCode SNAAionSplitParameters(SNA sna, PetscInt *nL, PetscInt cols[])
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt T0 = ai->rank * ai->terms; /* terms of input 0 come first in theta */

  PetscFunctionBegin;
  *nL = 2 * T0;
  for (PetscInt j = 0, l = 0, v = 2 * T0; j < sna->dim_in * T0; j++)
    for (PetscInt c = 0; c < 4; c++) {
      if (j < T0 && c < 2)
        cols[l++] = 4 * j + c;
      else
        cols[v++] = 4 * j + c;
    }
  PetscFunctionReturn(0);
}

/* SNAAionAssemble over all polar parameters (none if !derivs) at the model's current theta. */
static PetscErrorCode AssemblePolar(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscBool derivs, PetscBool exact, PetscReal *sse, PetscReal g[], PetscReal H[], PetscReal r[], PetscReal J[])
{
  SNA_Aion *ai = (SNA_Aion *)sna->data;
  PetscInt *cols;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(sna->nparams, &cols));
  for (PetscInt c = 0; c < sna->nparams; c++) cols[c] = c;
  PetscCall(SNAAionAssemble(sna, SNA_AION_POLAR, ai->theta, n, x, y, derivs ? sna->nparams : 0, cols, exact, sse, g, H, r, J));
  PetscCall(PetscFree(cols));
  PetscFunctionReturn(0);
}

/* ops->lossgradientlocal: 1/2 sum r^2 and its gradient in the polar parameters. */
PetscErrorCode SNALossGradientLocal_Aion(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal *sse, PetscReal grad[])
{
  PetscFunctionBegin;
  *sse = 0;
  PetscCall(AssemblePolar(sna, n, x, y, PETSC_TRUE, PETSC_FALSE, sse, grad, NULL, NULL, NULL));
  PetscFunctionReturn(0);
}

/* ops->hessianlocal: the exact Hessian of 1/2 sum r^2 in the polar parameters. */
PetscErrorCode SNAHessianLocal_Aion(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal H[])
{
  PetscFunctionBegin;
  PetscCall(AssemblePolar(sna, n, x, y, PETSC_TRUE, PETSC_TRUE, NULL, NULL, H, NULL, NULL));
  PetscFunctionReturn(0);
}

/* ops->residualjacobianlocal: residuals and (if J) the Jacobian rows in the polar parameters. */
PetscErrorCode SNAResidualJacobianLocal_Aion(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal r[], PetscReal J[])
{
  PetscFunctionBegin;
  PetscCall(AssemblePolar(sna, n, x, y, (PetscBool)(J != NULL), PETSC_FALSE, NULL, NULL, NULL, r, J));
  PetscFunctionReturn(0);
}
