/* Anderson acceleration (type II, Walker & Ni 2011) of a fixed-point map theta -> G(theta) on parameter vectors,
   for fits that sweep (ALS): with the last m differences of the residuals f = G(theta) - theta and of the
   images G(theta), the accelerated point is G(theta_k) - dG gamma with gamma = argmin |f_k - dF gamma|.
   Near an optimum where the sweep map converges linearly and slowly (the ALS "swamp"), this is GMRES-like on
   the map's linearisation and cuts the sweeps many-fold (De Sterck 2012, for the same problem in tensors).
   The parameters are the same on every rank, so every rank computes the same point: no communication.
   The caller safeguards: it keeps the accelerated point only if the loss there is lower than at G(theta_k). */
#include <snaps/private/snafitimpl.h>
#include <petscblaslapack.h>

struct _n_SNAAnderson {
  PetscInt   P, m, k, next; /* parameters, depth, stored differences, slot of the next one (circular) */
  PetscReal *dF, *dG;       /* m x P each, differences of residuals and images */
  PetscReal *f, *g;         /* the previous residual and image */
  PetscBool  have;          /* f, g hold a previous pair */
  PetscReal *A, *b;         /* m x m normal equations of the small least-squares problem */
};

PetscErrorCode SNAAndersonCreate(PetscInt P, PetscInt m, SNAAnderson *aa)
{
  SNAAnderson a;

  PetscFunctionBegin;
  PetscCheck(m >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Anderson depth must be at least 1, not %" PetscInt_FMT, m);
  PetscCall(PetscNew(&a));
  a->P = P;
  a->m = m;
  PetscCall(PetscMalloc4(m * P, &a->dF, m * P, &a->dG, P, &a->f, P, &a->g));
  PetscCall(PetscMalloc2(m * m, &a->A, m, &a->b));
  *aa = a;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAAndersonDestroy(SNAAnderson *aa)
{
  PetscFunctionBegin;
  if (!*aa) PetscFunctionReturn(0);
  PetscCall(PetscFree4((*aa)->dF, (*aa)->dG, (*aa)->f, (*aa)->g));
  PetscCall(PetscFree2((*aa)->A, (*aa)->b));
  PetscCall(PetscFree(*aa));
  PetscFunctionReturn(0);
}

/* Forgets the history (after a rejected step: the old differences described a map that misled). */
PetscErrorCode SNAAndersonReset(SNAAnderson aa)
{
  PetscFunctionBegin;
  aa->k    = 0;
  aa->next = 0;
  aa->have = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* Records the pair (theta, g = G(theta)) and writes the accelerated point to out; *mixed is false (and out = g)
   while there is no history yet or the small least-squares problem is singular. */
PetscErrorCode SNAAndersonMix(SNAAnderson aa, const PetscReal theta[], const PetscReal g[], PetscReal out[], PetscBool *mixed)
{
  const PetscInt P = aa->P;
  PetscBLASInt   bk, one = 1, info;
  PetscReal      trace = 0;

  PetscFunctionBegin;
  *mixed = PETSC_FALSE;
  if (aa->have) { /* the newest differences replace the oldest */
    PetscReal *df = aa->dF + aa->next * P, *dg = aa->dG + aa->next * P;

    for (PetscInt i = 0; i < P; i++) {
      const PetscReal f = g[i] - theta[i];

      df[i] = f - aa->f[i];
      dg[i] = g[i] - aa->g[i];
    }
    aa->next = (aa->next + 1) % aa->m;
    aa->k    = PetscMin(aa->k + 1, aa->m);
  }
  for (PetscInt i = 0; i < P; i++) {
    aa->f[i] = g[i] - theta[i];
    aa->g[i] = g[i];
  }
  aa->have = PETSC_TRUE;
  PetscCall(PetscArraycpy(out, g, P));
  if (!aa->k) PetscFunctionReturn(0);
  /* gamma from the normal equations dF^T dF gamma = dF^T f (k <= m small), with a relative ridge that keeps
     nearly dependent differences from blowing gamma up */
  for (PetscInt r = 0; r < aa->k; r++) {
    const PetscReal *dr = aa->dF + r * P;

    aa->b[r] = 0;
    for (PetscInt i = 0; i < P; i++) aa->b[r] += dr[i] * aa->f[i];
    for (PetscInt s = 0; s <= r; s++) {
      const PetscReal *ds  = aa->dF + s * P;
      PetscReal        sum = 0;

      for (PetscInt i = 0; i < P; i++) sum += dr[i] * ds[i];
      aa->A[r * aa->k + s] = aa->A[s * aa->k + r] = sum;
    }
    trace += aa->A[r * aa->k + r];
  }
  if (!(trace > 0)) PetscFunctionReturn(0);
  for (PetscInt r = 0; r < aa->k; r++) aa->A[r * aa->k + r] += 1e-12 * trace;
  PetscCall(PetscBLASIntCast(aa->k, &bk));
  PetscCall(PetscFPTrapPush(PETSC_FP_TRAP_OFF));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bk, aa->A, &bk, &info));
  if (!info) PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bk, &one, aa->A, &bk, aa->b, &bk, &info));
  PetscCall(PetscFPTrapPop());
  if (info) PetscFunctionReturn(0);
  for (PetscInt r = 0; r < aa->k; r++) {
    const PetscReal *dg = aa->dG + r * P;

    for (PetscInt i = 0; i < P; i++) out[i] -= aa->b[r] * dg[i];
  }
  *mixed = PETSC_TRUE;
  PetscFunctionReturn(0);
}
