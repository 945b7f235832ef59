/* The Ritz-energy objective of khronos (SNASetRitzForm()): J(u) = 1/2 a(u,u) - l(u) with the Laplacian's separable
   form a = sum_p K_p (x) prod_{r != p} M_r and a separable source l, minimised by the class's block-ALS driver
   (SNAKhronosSweepStage) with greedy rank growth.

   With u = sum_m prod_p f_{p,m}, f_{p,m} = sum_g W[p,g,m] B_g (the output weights are held at 1: the blocks carry
   the scale), every term of J is a product of 1-D integrals of the factors: Mr_p(m,m') = w_{p,m}^T M_p w_{p,m'},
   Kr_p(m,m') likewise, and Fr_{p,s,m} = F_{s,p}^T w_{p,m}. J is quadratic in each input's block W[p], whose exact
   minimiser is one SPD solve of size M n (n coefficients per factor that are not held at zero):
     sum_{m'} (al_{mm'} K_p + be_{mm'} M_p) w_{p,m'} = sum_s F_{s,p} prod_{r != p} Fr_{r,s,m},
   al_{mm'} = prod_{r != p} Mr_r(m,m'), be_{mm'} = sum_{q != p} Kr_q(m,m') prod_{r != p,q} Mr_r(m,m').
   The algebra is small and dense, so every rank computes the same model (no reductions). */
#include <snaps/private/khronosimpl.h>

/* The form, composed with the SNA as the PetscContainer "SNARitzForm". */
typedef struct {
  PetscInt   d, G, R;
  PetscBool  dirichlet;
  PetscReal *K, *M, *F; /* d G x G, d G x G, R d G */
} RitzForm;

static PetscErrorCode RitzFormDestroy(void *ptr)
{
  RitzForm *form = (RitzForm *)ptr;

  PetscFunctionBegin;
  PetscCall(PetscFree3(form->K, form->M, form->F));
  PetscCall(PetscFree(form));
  PetscFunctionReturn(0);
}

PetscErrorCode SNASetRitzForm_Khronos(SNA sna, const PetscReal K[], const PetscReal M[], PetscInt R, const PetscReal F[], PetscBool dirichlet)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)sna);
  const PetscInt d    = sna->dim_in;
  PetscInt       G;
  RitzForm      *form;
  PetscContainer container;

  PetscFunctionBegin;
  PetscCall(SNAKhronosGetBasis(sna, NULL, &G, NULL)); /* the form has one basis for every input */
  PetscCheck(d >= 1, comm, PETSC_ERR_ORDER, "SNASetRitzForm() needs the model's sizes: call SNASetSizes() first");
  PetscCheck(sna->dim_out == 1, comm, PETSC_ERR_SUP, "A Ritz energy is minimised by a model with one output, not %" PetscInt_FMT ": SNASetSizes(sna, d, 1)", sna->dim_out);
  PetscCheck(K && M && (F || !R), comm, PETSC_ERR_ARG_NULL, "SNASetRitzForm() needs the stiffness and mass matrices (and the source when R > 0)");
  PetscCheck(G >= (dirichlet ? 3 : 1), comm, PETSC_ERR_ARG_OUTOFRANGE, "With Dirichlet conditions a factor needs at least 3 basis functions, not %" PetscInt_FMT " (-%ssna_khronos_nodes)", G, SNAMessagePrefix(sna));
  /* the inputs are checked before anything is allocated, so that a refused form leaks nothing */
  for (PetscInt i = 0; i < d * G * G; i++) PetscCheck(!PetscIsInfOrNanReal(K[i]) && !PetscIsInfOrNanReal(M[i]), comm, PETSC_ERR_FP, "The Ritz form's matrices are not finite (entry %" PetscInt_FMT ")", i);
  for (PetscInt i = 0; i < R * d * G; i++) PetscCheck(!PetscIsInfOrNanReal(F[i]), comm, PETSC_ERR_FP, "The Ritz form's source is not finite (entry %" PetscInt_FMT ")", i);
  PetscCall(PetscNew(&form));
  form->d         = d;
  form->G         = G;
  form->R         = R;
  form->dirichlet = dirichlet;
  PetscCall(PetscMalloc3(d * G * G, &form->K, d * G * G, &form->M, PetscMax(1, R * d * G), &form->F));
  PetscCall(PetscArraycpy(form->K, K, d * G * G));
  PetscCall(PetscArraycpy(form->M, M, d * G * G));
  if (R) PetscCall(PetscArraycpy(form->F, F, R * d * G));
  PetscCall(PetscContainerCreate(comm, &container));
  PetscCall(PetscContainerSetPointer(container, form));
  PetscCall(PetscContainerSetUserDestroy(container, RitzFormDestroy));
  PetscCall(PetscObjectCompose((PetscObject)sna, "SNARitzForm", (PetscObject)container));
  PetscCall(PetscContainerDestroy(&container));
  PetscFunctionReturn(0);
}

/* The objective's working data: the form restricted to the free coefficients (all but the first and last with
   Dirichlet conditions, offset o) and the 1-D integrals of the current factors, for up to Mx modes. */
typedef struct {
  const RitzForm *form;
  PetscInt        d, G, n, o, Mx, R;
  PetscInt        m0;         /* modes below m0 are frozen (a new mode swept alone) */
  PetscReal       sweep_rtol; /* a sweep has converged when it lowers J by at most sweep_rtol |J| */
  PetscReal       decrease;   /* what the block updates of the current sweep lowered J by */
  PetscReal      *Ki, *Mi;    /* [(p*n + g)*n + h] */
  PetscReal      *Fb;         /* [(s*d + p)*n + g] */
  PetscReal      *MiW, *KiW;  /* [(p*Mx + m)*n + g] = (M_p w_{p,m})_g, (K_p w_{p,m})_g */
  PetscReal      *Mr, *Kr;    /* [(p*Mx + m)*Mx + m'] */
  PetscReal      *Fr;         /* [(p*R + s)*Mx + m] */
  PetscReal      *A, *rhs, *sol, *old, *al, *be;
  char            stage[64]; /* what the monitors are told */
} RitzObjective;

/* Free coefficient g of factor (p, m) in the model's W. */
static inline PetscReal *RitzCoefficient(SNA_Khronos *kh, const RitzObjective *c, PetscInt p, PetscInt m, PetscInt g)
{
  return &kh->W[(p * c->G + g + c->o) * kh->modes + m];
}

static PetscErrorCode RitzObjectiveCreate(SNA sna, const RitzForm *form, RitzObjective *c)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = form->d, G = form->G, o = form->dirichlet ? 1 : 0, n = G - 2 * o, Mx = kh->max_modes, R = form->R;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(c, sizeof(*c)));
  c->form = form;
  c->d    = d;
  c->G    = G;
  c->o    = o;
  c->n    = n;
  c->Mx   = Mx;
  c->R    = R;
  PetscCall(PetscMalloc5(d * n * n, &c->Ki, d * n * n, &c->Mi, PetscMax(1, R * d * n), &c->Fb, d * Mx * n, &c->MiW, d * Mx * n, &c->KiW));
  PetscCall(PetscMalloc5(d * Mx * Mx, &c->Mr, d * Mx * Mx, &c->Kr, PetscMax(1, d * R * Mx), &c->Fr, Mx * n * Mx * n, &c->A, Mx * n, &c->rhs));
  PetscCall(PetscMalloc4(Mx * n, &c->sol, Mx * n, &c->old, Mx * Mx, &c->al, Mx * Mx, &c->be));
  for (PetscInt p = 0; p < d; p++)
    for (PetscInt g = 0; g < n; g++)
      for (PetscInt h = 0; h < n; h++) {
        c->Ki[(p * n + g) * n + h] = form->K[(p * G + g + o) * G + h + o];
        c->Mi[(p * n + g) * n + h] = form->M[(p * G + g + o) * G + h + o];
      }
  for (PetscInt s = 0; s < R; s++)
    for (PetscInt p = 0; p < d; p++)
      for (PetscInt g = 0; g < n; g++) c->Fb[(s * d + p) * n + g] = form->F[(s * d + p) * G + g + o];
  PetscFunctionReturn(0);
}

static PetscErrorCode RitzObjectiveDestroy(RitzObjective *c)
{
  PetscFunctionBegin;
  PetscCall(PetscFree5(c->Ki, c->Mi, c->Fb, c->MiW, c->KiW));
  PetscCall(PetscFree5(c->Mr, c->Kr, c->Fr, c->A, c->rhs));
  PetscCall(PetscFree4(c->sol, c->old, c->al, c->be));
  PetscFunctionReturn(0);
}

/* Recomputes the 1-D integrals of input p after W[p] changed. */
static void RitzUpdateDirection(SNA sna, RitzObjective *c, PetscInt p)
{
  SNA_Khronos     *kh = (SNA_Khronos *)sna->data;
  const PetscInt   n = c->n, Mx = c->Mx, d = c->d, M = kh->modes;
  const PetscReal *Mi = c->Mi + p * n * n, *Ki = c->Ki + p * n * n;

  for (PetscInt m = 0; m < M; m++) {
    PetscReal *mw = &c->MiW[(p * Mx + m) * n], *kw = &c->KiW[(p * Mx + m) * n];
    for (PetscInt g = 0; g < n; g++) {
      PetscReal sm = 0, sk = 0;
      for (PetscInt h = 0; h < n; h++) {
        const PetscReal w = *RitzCoefficient(kh, c, p, m, h);
        sm += Mi[g * n + h] * w;
        sk += Ki[g * n + h] * w;
      }
      mw[g] = sm;
      kw[g] = sk;
    }
  }
  for (PetscInt m = 0; m < M; m++) {
    for (PetscInt m2 = 0; m2 < M; m2++) {
      PetscReal sm = 0, sk = 0;
      for (PetscInt g = 0; g < n; g++) {
        const PetscReal w = *RitzCoefficient(kh, c, p, m, g);
        sm += w * c->MiW[(p * Mx + m2) * n + g];
        sk += w * c->KiW[(p * Mx + m2) * n + g];
      }
      c->Mr[(p * Mx + m) * Mx + m2] = sm;
      c->Kr[(p * Mx + m) * Mx + m2] = sk;
    }
    for (PetscInt s = 0; s < c->R; s++) {
      PetscReal v = 0;
      for (PetscInt g = 0; g < n; g++) v += c->Fb[(s * d + p) * n + g] * *RitzCoefficient(kh, c, p, m, g);
      c->Fr[(p * c->R + s) * Mx + m] = v;
    }
  }
}

/* J = 1/2 sum_{m,m'} sum_p Kr_p prod_{r != p} Mr_r - sum_m sum_s prod_p Fr_{p,s,m}. */
static PetscErrorCode RitzValue(SNA sna, void *ctx, PetscReal *J)
{
  RitzObjective *c = (RitzObjective *)ctx;
  const PetscInt d = c->d, Mx = c->Mx, M = ((SNA_Khronos *)sna->data)->modes;
  PetscReal      a = 0, l = 0;

  PetscFunctionBegin;
  for (PetscInt m = 0; m < M; m++)
    for (PetscInt m2 = 0; m2 < M; m2++)
      for (PetscInt p = 0; p < d; p++) {
        PetscReal t = c->Kr[(p * Mx + m) * Mx + m2];
        for (PetscInt r = 0; r < d; r++)
          if (r != p) t *= c->Mr[(r * Mx + m) * Mx + m2];
        a += t;
      }
  for (PetscInt m = 0; m < M; m++)
    for (PetscInt s = 0; s < c->R; s++) {
      PetscReal pr = 1;
      for (PetscInt p = 0; p < d; p++) pr *= c->Fr[(p * c->R + s) * Mx + m];
      l += pr;
    }
  *J = 0.5 * a - l;
  PetscFunctionReturn(0);
}

/* Rescales the factors of every mode to equal mass norms (the product is unchanged), which keeps the block
   systems well scaled. */
static void RitzBalance(SNA sna, RitzObjective *c)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt Mx = c->Mx, d = c->d;

  for (PetscInt m = 0; m < kh->modes; m++) {
    PetscReal lg = 0;
    PetscBool ok = PETSC_TRUE;
    for (PetscInt p = 0; p < d; p++) {
      const PetscReal nrm = PetscSqrtReal(PetscMax(c->Mr[(p * Mx + m) * Mx + m], 0));
      if (!(nrm > 0))
        ok = PETSC_FALSE;
      else
        lg += PetscLogReal(nrm);
    }
    if (!ok) continue;
    lg = PetscExpReal(lg / d);
    for (PetscInt p = 0; p < d; p++) {
      const PetscReal scale = lg / PetscSqrtReal(c->Mr[(p * Mx + m) * Mx + m]);
      for (PetscInt g = 0; g < c->n; g++) *RitzCoefficient(kh, c, p, m, g) *= scale;
    }
  }
  for (PetscInt p = 0; p < d; p++) RitzUpdateDirection(sna, c, p);
}

/* The coupling coefficients al, be of block p (see the top of the file), for all mode pairs. */
static void RitzCoupling(RitzObjective *c, PetscInt p, PetscInt M)
{
  const PetscInt d = c->d, Mx = c->Mx;

  for (PetscInt m = 0; m < M; m++)
    for (PetscInt m2 = 0; m2 < M; m2++) {
      PetscReal al = 1, be = 0;
      for (PetscInt r = 0; r < d; r++)
        if (r != p) al *= c->Mr[(r * Mx + m) * Mx + m2];
      for (PetscInt q = 0; q < d; q++) {
        PetscReal t;
        if (q == p) continue;
        t = c->Kr[(q * Mx + m) * Mx + m2];
        for (PetscInt r = 0; r < d; r++)
          if (r != p && r != q) t *= c->Mr[(r * Mx + m) * Mx + m2];
        be += t;
      }
      c->al[m * Mx + m2] = al;
      c->be[m * Mx + m2] = be;
    }
}

/* Exact minimiser of J over W[p, :, m0..M-1], everything else frozen: the SPD system A w = b of size (M - m0) n,
   solved by the class's least-squares solve (Cholesky, or minimum-norm SVD when a zero mode makes it singular).
   The update lowers J by 1/2 (w - w_old)^T A (w - w_old) = 1/2 (w - w_old)^T (b - A w_old), 1/2 a(du, du) of the
   change du of u, summed over the sweep in decrease: computed so, it stays accurate far below the rounding of J
   itself, whose differences only resolve du to sqrt(eps). The head (p = -1, first in every sweep) is not a block
   here, the output weights stay 1: it starts the sweep's sum. After the last input of a sweep over all modes,
   the modes are balanced. */
static PetscErrorCode RitzSolveBlock(SNA sna, void *ctx, PetscInt p)
{
  RitzObjective *c  = (RitzObjective *)ctx;
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt n = c->n, Mx = c->Mx, d = c->d, M = kh->modes, m0 = c->m0, na = M - m0, N = na * n;

  PetscFunctionBegin;
  if (p < 0) {
    c->decrease = 0;
    PetscFunctionReturn(0);
  }
  RitzCoupling(c, p, M);
  for (PetscInt i = 0; i < na; i++) {
    const PetscInt m = m0 + i;
    for (PetscInt i2 = 0; i2 < na; i2++) {
      const PetscReal al = c->al[m * Mx + m0 + i2], be = c->be[m * Mx + m0 + i2];
      for (PetscInt g = 0; g < n; g++)
        for (PetscInt h = 0; h < n; h++) c->A[(i * n + g) * N + i2 * n + h] = al * c->Ki[(p * n + g) * n + h] + be * c->Mi[(p * n + g) * n + h];
    }
    for (PetscInt g = 0; g < n; g++) {
      PetscReal v = 0;
      for (PetscInt s = 0; s < c->R; s++) {
        PetscReal pr = c->Fb[(s * d + p) * n + g];
        for (PetscInt r = 0; r < d; r++)
          if (r != p) pr *= c->Fr[(r * c->R + s) * Mx + m];
        v += pr;
      }
      for (PetscInt m2 = 0; m2 < m0; m2++) v -= c->al[m * Mx + m2] * c->KiW[(p * Mx + m2) * n + g] + c->be[m * Mx + m2] * c->MiW[(p * Mx + m2) * n + g];
      c->sol[i * n + g] = v;
      c->old[i * n + g] = *RitzCoefficient(kh, c, p, m, g);
    }
  }
  for (PetscInt r = 0; r < N; r++) { /* rhs: the residual b - A w_old, before the solve overwrites A */
    PetscReal v = c->sol[r];
    for (PetscInt t = 0; t < N; t++) v -= c->A[r * N + t] * c->old[t];
    c->rhs[r] = v;
  }
  PetscCall(SNALeastSquaresSolve(PETSC_COMM_SELF, N, 1, 1.0, 0.0, c->A, c->sol));
  for (PetscInt i = 0; i < N; i++) c->decrease += 0.5 * (c->sol[i] - c->old[i]) * c->rhs[i];
  for (PetscInt i = 0; i < na; i++)
    for (PetscInt g = 0; g < n; g++) *RitzCoefficient(kh, c, p, m0 + i, g) = c->sol[i * n + g];
  RitzUpdateDirection(sna, c, p);
  if (p == d - 1 && m0 == 0) RitzBalance(sna, c);
  PetscFunctionReturn(0);
}

/* After the parameters were set from outside: output weights folded into the first input's factors (held at 1
   from then on), the held coefficients zeroed, and every integral recomputed. */
static PetscErrorCode RitzRefresh(SNA sna, void *ctx)
{
  RitzObjective *c  = (RitzObjective *)ctx;
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt M = kh->modes, G = c->G;

  PetscFunctionBegin;
  for (PetscInt m = 0; m < M; m++) {
    if (kh->C[m] != 1.0)
      for (PetscInt g = 0; g < G; g++) kh->W[g * M + m] *= kh->C[m];
    kh->C[m] = 1.0;
    if (c->o)
      for (PetscInt p = 0; p < c->d; p++) kh->W[(p * G) * M + m] = kh->W[(p * G + G - 1) * M + m] = 0;
  }
  for (PetscInt p = 0; p < c->d; p++) RitzUpdateDirection(sna, c, p);
  PetscFunctionReturn(0);
}

/* The sweep's decrease of J from its block updates (RitzSolveBlock), not prev - J, which rounding swamps. */
static PetscBool RitzConverged(SNA sna, void *ctx, PetscReal prev, PetscReal J)
{
  const RitzObjective *c = (const RitzObjective *)ctx;

  (void)sna;
  (void)prev;
  return (PetscBool)(c->decrease <= c->sweep_rtol * PetscAbsReal(J));
}

/* One stage of sweeps: modes m0.. (the new one alone, m0 = M - 1) or all (m0 = 0), until a sweep lowers J by
   at most rtol |J|. Returns the stage's reason and the final J. */
static PetscErrorCode RitzStage(SNA sna, const KhronosObjective *obj, PetscInt m0, PetscReal rtol, SNAConvergedReason *reason, PetscReal *J)
{
  RitzObjective      *c   = (RitzObjective *)obj->ctx;
  const PetscInt      M   = ((SNA_Khronos *)sna->data)->modes;
  KhronosSweepControl ctl = {-1, 0, PETSC_FALSE}; /* the decrease test is exact: a sweep that does not lower J by rounding goes on */

  PetscFunctionBegin;
  c->m0         = m0;
  c->sweep_rtol = rtol;
  if (m0)
    PetscCall(PetscSNPrintf(c->stage, sizeof(c->stage), "rank %" PetscInt_FMT ": new mode alone", M));
  else
    PetscCall(PetscSNPrintf(c->stage, sizeof(c->stage), "rank %" PetscInt_FMT ": all modes", M));
  PetscCall(SNAFitSetStage(sna, c->stage));
  PetscCall(SNAKhronosSweepStage(sna, obj, &ctl, reason));
  PetscCall(RitzValue(sna, c, J));
  PetscFunctionReturn(0);
}

/* Adds mode M (pseudo-random, the class's initialisation) with output weight 1. */
static PetscErrorCode RitzAddMode(SNA sna, const KhronosObjective *obj, PetscBool first)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  if (first) {
    PetscCall(SNAKhronosAllocate(sna, kh->nodes, 1));
    PetscCall(SNAKhronosInitializeMode(sna, 0));
  } else
    PetscCall(SNAKhronosAddMode(sna));
  kh->C[kh->modes - 1] = 1.0;
  PetscCall(RitzRefresh(sna, obj->ctx));
  PetscFunctionReturn(0);
}

/* The form composed by SNASetRitzForm(), checked against the model it is to be minimised over. */
static PetscErrorCode RitzGetForm(SNA sna, const RitzForm **form)
{
  SNA_Khronos   *kh   = (SNA_Khronos *)sna->data;
  MPI_Comm       comm = PetscObjectComm((PetscObject)sna);
  PetscContainer container;
  PetscBool      als, automatic;
  void          *ptr;
  const char    *prefix = SNAMessagePrefix(sna);

  PetscFunctionBegin;
  PetscCall(PetscObjectQuery((PetscObject)sna, "SNARitzForm", (PetscObject *)&container));
  PetscCheck(container, comm, PETSC_ERR_ORDER, "The Ritz objective needs its form: call SNASetRitzForm()");
  PetscCall(PetscContainerGetPointer(container, &ptr));
  *form = (const RitzForm *)ptr;
  PetscCheck(SNAKhronosUniformNodes(kh) && (*form)->G == kh->nodes[0] && (*form)->d == sna->dim_in, comm, PETSC_ERR_ARG_INCOMP, "The Ritz form was given for %" PetscInt_FMT " inputs of %" PetscInt_FMT " basis functions, the model has %" PetscInt_FMT " of %" PetscInt_FMT " (-%ssna_khronos_nodes, one value): set the form after the basis", (*form)->d, (*form)->G, sna->dim_in, kh->nodes[0], SNAMessagePrefix(sna));
  PetscCheck(kh->refine == 0, comm, PETSC_ERR_SUP, "-%ssna_khronos_refine %" PetscInt_FMT ": the Ritz form is given on the model's basis, so a Ritz fit cannot refine the knots; use more -%ssna_khronos_nodes instead", SNAMessagePrefix(sna), kh->refine, SNAMessagePrefix(sna));
  PetscCall(PetscStrcmp(sna->fittype, SNAFITALS, &als));
  PetscCall(PetscStrcmp(sna->fittype, SNAFITAUTO, &automatic));
  PetscCheck(als || automatic, comm, PETSC_ERR_SUP, "-%ssna_fit_type %s cannot minimise a Ritz energy: its fit is block ALS (-%ssna_fit_type als, or the default auto)", SNAMessagePrefix(sna), sna->fittype, SNAMessagePrefix(sna));
  PetscCall(SNAKhronosCheckAndersonUnused(sna, "the Ritz fit (exact block minimisers with greedy rank growth)"));
  PetscCheck(!kh->extrapolate, comm, PETSC_ERR_ARG_INCOMP, "-%ssna_fit_als_extrapolate adds a line search to ALS sweeps, which the Ritz fit (exact block minimisers with greedy rank growth) does not take: drop -%ssna_fit_als_extrapolate", SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  /* the data fits' settings that the energy has no use for: refused when given, not ignored */
  PetscCall(SNAFitRefuseLambda(sna, "the Ritz fit does not minimise (its energy J has no data to regularise)", ""));
  PetscCheck(sna->atol == 0, comm, PETSC_ERR_ARG_INCOMP, "-%ssna_fit_atol %g stops a data fit at a training MSE, which the Ritz fit does not have (the minimum of its energy J is not known in advance): drop -%ssna_fit_atol; the Ritz fit stops by -%ssna_fit_rtol and -%ssna_fit_max_it", prefix, (double)sna->atol, prefix, prefix, prefix);
  PetscCheck(!kh->init_chosen || kh->init != SNA_KHRONOS_INIT_TENSOR, comm, PETSC_ERR_SUP, "-%ssna_khronos_init tensor starts a data fit from a least-squares fit to its targets, but the Ritz fit takes no data (it starts each new mode at random, -%ssna_khronos_init_spread): drop -%ssna_khronos_init", prefix, prefix, prefix);
  PetscFunctionReturn(0);
}

/* The Ritz fit (SNASetRitzForm(), manual page there): greedy rank growth from one mode, each new mode swept alone
   and then with all, the last mode dropped when it lowers J by at most -sna_fit_rtol |J|. The reason is the last
   kept stage's: CONVERGED_RTOL, or DIVERGED_ITS when -sna_fit_max_it sweeps ended it. */
PetscErrorCode SNAFitRitz_Khronos(SNA sna)
{
  SNA_Khronos       *kh   = (SNA_Khronos *)sna->data;
  const RitzForm    *form = NULL;
  RitzObjective      c;
  KhronosObjective   obj    = {&c, RitzValue, RitzSolveBlock, RitzRefresh, RitzConverged, PETSC_FALSE};
  SNAConvergedReason reason = SNA_CONVERGED_ITERATING, r;
  PetscReal          J = 0, Jprev = 0, *saved;

  PetscFunctionBegin;
  PetscCall(RitzGetForm(sna, &form));
  kh->fresh = PETSC_FALSE; /* a later data fit starts from the Galerkin solution */
  PetscCall(SNAKhronosCheckMemory(sna, kh->degree, kh->nnodes, kh->nodes, kh->max_modes, 0, PETSC_TRUE));
  PetscCall(RitzObjectiveCreate(sna, form, &c));
  PetscCall(PetscMalloc1(kh->start[sna->dim_in] * kh->max_modes + kh->max_modes, &saved));
  sna->fit_mse0 = 0; /* the energy of u = 0, where the growth starts */
  for (PetscInt M = 1; M <= kh->max_modes; M++) {
    if (M > 1) PetscCall((*sna->ops->getparameters)(sna, saved));
    PetscCall(RitzAddMode(sna, &obj, (PetscBool)(M == 1)));
    if (M > 1) PetscCall(RitzStage(sna, &obj, M - 1, sna->rtol, &r, &J));
    PetscCall(RitzStage(sna, &obj, 0, 1e-3 * sna->rtol, &r, &J));
    if (r == SNA_DIVERGED_NANORINF || PetscIsInfOrNanReal(J)) {
      reason = SNA_DIVERGED_NANORINF;
      break;
    }
    if (M > 1 && Jprev - J <= sna->rtol * PetscAbsReal(J)) {
      PetscCall(PetscInfo(sna, "Ritz fit: mode %" PetscInt_FMT " lowered the energy by %g only (<= -sna_fit_rtol %g |J|): dropped\n", M, (double)(Jprev - J), (double)sna->rtol));
      PetscCall(SNAKhronosAllocate(sna, kh->nodes, M - 1));
      PetscCall((*sna->ops->setparameters)(sna, saved));
      PetscCall(RitzRefresh(sna, &c));
      PetscCall(RitzValue(sna, &c, &J));
      break;
    }
    PetscCall(PetscInfo(sna, "Ritz fit: rank %" PetscInt_FMT " done, energy %.15e (decrease %g)\n", M, (double)J, (double)(Jprev - J)));
    Jprev  = J;
    reason = r;
  }
  sna->reason  = reason;
  sna->fit_mse = J;
  PetscCall(PetscFree(saved));
  PetscCall(RitzObjectiveDestroy(&c));
  PetscFunctionReturn(0);
}
