/* snaps-poisson -method khronos: separable Ritz/Galerkin solver (see galerkin.h). */
#include "galerkin.h"
#include "errors.h"
#include <snaps/dataset.h>
#include <snaps/options.h>
#include <snaps/report.h>
#include <snaps/trajectory.h>
#include "mesh.h"
#include <string.h>
#include <hdf5.h>
#include <petscblaslapack.h>
#include <petsctime.h>

/* Largest tensor grid fitted in full by the CP compression; larger ones are sampled. */
#define KH_FULL_GRID_CAP 65536
/* Samples per 1-D grid point (and direction) when the grid is sampled. */
#define KH_SAMPLE_REPS 48
/* Validation samples per 1-D grid point (and direction) of the rank-1 cross probe. */
#define KH_PROBE_REPS 8

/* -log_view events of the solve: where the time goes (basis and quadrature, source, lifting, ALS or tensor solve). */
static PetscLogEvent KH_BASIS = 0, KH_SOURCE = 0, KH_LIFT = 0, KH_SOLVE = 0;

static PetscErrorCode KhRegisterEvents(void)
{
  PetscFunctionBegin;
  if (KH_BASIS) PetscFunctionReturn(0);
  PetscCall(PetscLogEventRegister("KhronosBasis", PETSC_OBJECT_CLASSID, &KH_BASIS));
  PetscCall(PetscLogEventRegister("KhronosSource", PETSC_OBJECT_CLASSID, &KH_SOURCE));
  PetscCall(PetscLogEventRegister("KhronosLifting", PETSC_OBJECT_CLASSID, &KH_LIFT));
  PetscCall(PetscLogEventRegister("KhronosSolve", PETSC_OBJECT_CLASSID, &KH_SOLVE));
  PetscFunctionReturn(0);
}

/* A function sampled on the tensor grid of the 1-D quadrature points, compressed to the CP form
   sum_s prod_p H[(s*nd + p)*nq + i_p]. */
typedef struct {
  PetscInt    nd, R, nq;
  PetscReal  *H;
  PetscReal   relerr;  /* weighted relative L2 error on the samples */
  PetscBool   sampled; /* fitted on a Latin-hypercube sample of the grid instead of the full grid */
  const char *method;  /* how it was found and checked, for reports */
} CPGrid;

/* What CP compression samples: u or f of exact, with the coordinates in `fixed` (bitmask) pinned to a
   (bit clear in corner) or b (bit set) and the others taken from the free coordinates. */
typedef struct {
  PoissonExact exact;
  PetscInt     dim, which; /* 0: u, 1: f = -Laplace(u) */
  PetscInt     fixed, corner;
  PetscReal    a, b;
} EvalCtx;

/* Evaluates the sampled function at the free coordinates xf. */
static PetscErrorCode EvalPoint(const EvalCtx *c, const PetscReal xf[], PetscReal *v)
{
  PetscReal x[POISSON_EXACT_MAX_DIM];
  PetscInt  j = 0;

  PetscFunctionBegin;
  for (PetscInt p = 0; p < c->dim; p++) x[p] = ((c->fixed >> p) & 1) ? (((c->corner >> p) & 1) ? c->b : c->a) : xf[j++];
  if (c->which == 0)
    PetscCall(PoissonExactEvaluate(c->exact, x, v, NULL, NULL));
  else
    PetscCall(PoissonExactEvaluate(c->exact, x, NULL, NULL, v));
  PetscFunctionReturn(0);
}

/* Deterministic xorshift generator, so every rank draws the same samples. */
static inline PetscReal KhRandom(unsigned long long *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return (PetscReal)((*s >> 11) * (1.0 / 9007199254740992.0));
}

/* Solves the SPD system A X = B (n x n, nrhs columns, column-major; A is overwritten by its factor)
   by Cholesky, adding a growing Tikhonov shift if A is singular. work holds n*n reals. */
static PetscErrorCode SPDSolve(PetscInt n, PetscInt nrhs, PetscReal A[], PetscReal B[], PetscReal work[])
{
  PetscBLASInt bn, bnrhs, info;
  PetscReal    dmax = 0, shift = 0;

  PetscFunctionBegin;
  if (!n) PetscFunctionReturn(0);
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(nrhs, &bnrhs));
  for (PetscInt i = 0; i < n; i++) dmax = PetscMax(dmax, PetscAbsReal(A[i * n + i]));
  if (dmax == 0) {
    PetscCall(PetscArrayzero(B, n * nrhs));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscArraycpy(work, A, n * n));
  for (PetscInt tries = 0;; tries++) {
    PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, A, &bn, &info));
    if (!info) break;
    PetscCheck(tries < 10, PETSC_COMM_SELF, PETSC_ERR_LIB, "Cholesky of a %" PetscInt_FMT " x %" PetscInt_FMT " ALS system failed even with a Tikhonov shift of %g", n, n, (double)shift);
    shift = shift > 0 ? 100 * shift : 1e-14 * dmax;
    PetscCall(PetscArraycpy(A, work, n * n));
    for (PetscInt i = 0; i < n; i++) A[i * n + i] += shift;
  }
  PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bn, &bnrhs, A, &bn, B, &bn, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK potrs failed with info %d", (int)info);
  PetscFunctionReturn(0);
}

/* Largest dense SPD system the solver factors with its own loops instead of LAPACK (the lifting's G x G
   spline mass matrix, the tensor solve's n x n one): in a fresh process LAPACK's first potrf/potrs calls
   cost about 100 microseconds (measured, OpenBLAS: code paging), more than the whole 2-D solve at these
   sizes, where the G^3/6 flops of the loops cost a few microseconds. */
#define KH_SMALL_DENSE 64

/* Cholesky factor L (row-major, lower: L[i*n + j], j <= i; the rest zeroed) of the SPD n x n matrix M. */
static PetscErrorCode KhCholesky(PetscInt n, const PetscReal M[], PetscReal L[])
{
  PetscFunctionBegin;
  PetscCall(PetscArrayzero(L, n * n));
  for (PetscInt j = 0; j < n; j++) {
    PetscReal dg = M[j * n + j];
    for (PetscInt k = 0; k < j; k++) dg -= L[j * n + k] * L[j * n + k];
    PetscCheck(dg > 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "The %" PetscInt_FMT " x %" PetscInt_FMT " spline mass matrix is not positive definite (pivot %" PetscInt_FMT ": %g)", n, n, j, (double)dg);
    L[j * n + j] = PetscSqrtReal(dg);
    for (PetscInt i = j + 1; i < n; i++) {
      PetscReal v = M[i * n + j];
      for (PetscInt k = 0; k < j; k++) v -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = v / L[j * n + j];
    }
  }
  PetscFunctionReturn(0);
}

/* x <- L^-1 x (lower) and, with transpose, x <- L^-T x. */
static void KhTriangularSolve(PetscInt n, const PetscReal L[], PetscBool transpose, PetscReal x[])
{
  if (!transpose)
    for (PetscInt i = 0; i < n; i++) {
      for (PetscInt k = 0; k < i; k++) x[i] -= L[i * n + k] * x[k];
      x[i] /= L[i * n + i];
    }
  else
    for (PetscInt i = n - 1; i >= 0; i--) {
      for (PetscInt k = i + 1; k < n; k++) x[i] -= L[k * n + i] * x[k];
      x[i] /= L[i * n + i];
    }
}

/* Draws S = reps * nq multi-indices of the nd-dimensional grid (Latin hypercube: in every direction
   each 1-D index occurs reps times), or the whole grid when full. */
static PetscErrorCode GridSample(PetscBool full, PetscInt nd, PetscInt nq, PetscInt reps, unsigned long long seed, PetscInt S, PetscInt idx[])
{
  PetscInt *perm;

  PetscFunctionBegin;
  if (full) {
    for (PetscInt i = 0; i < S; i++) {
      PetscInt r = i;
      for (PetscInt p = 0; p < nd; p++, r /= nq) idx[i * nd + p] = r % nq;
    }
    PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc1(nq, &perm));
  for (PetscInt rep = 0; rep < reps; rep++) {
    for (PetscInt p = 0; p < nd; p++) {
      for (PetscInt i = 0; i < nq; i++) perm[i] = i;
      for (PetscInt i = nq - 1; i > 0; i--) { /* Fisher-Yates */
        PetscInt j = (PetscInt)(KhRandom(&seed) * (i + 1)), t;
        if (j > i) j = i;
        t       = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      for (PetscInt i = 0; i < nq; i++) idx[(rep * nq + i) * nd + p] = perm[i];
    }
  }
  PetscCall(PetscFree(perm));
  PetscFunctionReturn(0);
}

/* Value of the first R terms of cp at the grid multi-index ix. */
static inline PetscReal CPGridValue(const CPGrid *cp, PetscInt R, const PetscInt ix[])
{
  PetscReal v = 0;
  for (PetscInt t = 0; t < R; t++) {
    PetscReal z = 1;
    for (PetscInt r = 0; r < cp->nd; r++) z *= cp->H[(t * cp->nd + r) * cp->nq + ix[r]];
    v += z;
  }
  return v;
}

/* Evaluates the sampled function at n points given by their free coordinates xf[i*nf + j], in one batch
   (the compiled tape where it applies: tape.h). */
static PetscErrorCode EvalPoints(const EvalCtx *c, PetscInt n, const PetscReal xf[], PetscReal v[])
{
  const PetscInt d  = c->dim;
  PetscInt       nf = 0;
  PetscReal     *x;

  PetscFunctionBegin;
  for (PetscInt p = 0; p < d; p++) nf += ((c->fixed >> p) & 1) ? 0 : 1;
  PetscCall(PetscMalloc1(n * d, &x));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = 0, j = 0; p < d; p++) x[i * d + p] = ((c->fixed >> p) & 1) ? (((c->corner >> p) & 1) ? c->b : c->a) : xf[i * nf + j++];
  PetscCall(PoissonExactEvaluateBatch(c->exact, n, x, c->which == 0 ? v : NULL, c->which == 0 ? NULL : v));
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}

/* Refuses a non-finite value of the function of c (u or f) at the point of free coordinates xf, naming -exact and
   the whole point, as the FEM path does (PoissonFEMRefuseNonFinite()). */
static PetscErrorCode EvalRefuseNonFinite(MPI_Comm comm, const EvalCtx *c, const PetscReal xf[], PetscReal v, const char name[])
{
  char        where[160] = "", one[40];
  const char *expr       = NULL;

  PetscFunctionBegin;
  if (!PetscIsInfOrNanReal(v)) PetscFunctionReturn(0);
  for (PetscInt p = 0, j = 0; p < c->dim; p++) {
    const PetscReal x = ((c->fixed >> p) & 1) ? (((c->corner >> p) & 1) ? c->b : c->a) : xf[j++];
    PetscCall(PetscSNPrintf(one, sizeof(one), "%s%g", p ? ", " : "", (double)x));
    PetscCall(PetscStrlcat(where, one, sizeof(where)));
  }
  PetscCall(PoissonExactGetInfo(c->exact, NULL, &expr));
  SETERRQ(comm, PETSC_ERR_USER_INPUT, "-exact '%s': the %s is not finite at the quadrature point (%s): choose an -exact that is finite and smooth on the whole domain", expr ? expr : "", name, where);
}

/* Values v[i] and tensor quadrature weights w[i] of the function of ec at the Ns grid multi-indices ix. */
static PetscErrorCode EvalGridPoints(MPI_Comm comm, const EvalCtx *ec, PetscInt nd, const PetscReal xq[], const PetscReal wq[], PetscInt Ns, const PetscInt ix[], const char name[], PetscReal v[], PetscReal w[])
{
  PetscReal *xf;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(Ns * nd, &xf));
  for (PetscInt i = 0; i < Ns; i++) {
    w[i] = 1;
    for (PetscInt p = 0; p < nd; p++) {
      xf[i * nd + p] = xq[ix[i * nd + p]];
      w[i] *= wq[ix[i * nd + p]];
    }
  }
  PetscCall(EvalPoints(ec, Ns, xf, v));
  for (PetscInt i = 0; i < Ns; i++) PetscCall(EvalRefuseNonFinite(comm, ec, &xf[i * nd], v[i], name));
  PetscCall(PetscFree(xf));
  PetscFunctionReturn(0);
}

/* Rank-1 cross probe: a separable f = prod_p g_p(x_p) is fixed by its d fibres through one pivot,
   f = prod_p fibre_p / f(pivot)^(d-1). That costs d*nq evaluations plus a Latin-hypercube validation
   sample (KH_PROBE_REPS per 1-D point and direction) instead of the whole grid. *accepted when the cross
   reproduces f on the validation sample to the relative tolerance tol; otherwise cp is left empty. */
static PetscErrorCode CPGridProbeRankOne(MPI_Comm comm, const EvalCtx *ec, PetscInt nd, PetscInt nq, const PetscReal xq[], const PetscReal wq[], PetscReal tol, PetscInt rmax, const char name[], CPGrid *cp, PetscBool *accepted)
{
  const PetscInt Sv = KH_PROBE_REPS * nq;
  PetscInt      *vidx, ipiv = 0;
  PetscReal     *vval, *vwt, fpiv = 0, err2 = 0, norm2 = 0;

  PetscFunctionBegin;
  *accepted = PETSC_FALSE;
  PetscCall(PetscMalloc3(Sv * nd, &vidx, Sv, &vval, Sv, &vwt));
  PetscCall(GridSample(PETSC_FALSE, nd, nq, KH_PROBE_REPS, 0x94D049BB133111EBULL, Sv, vidx));
  PetscCall(EvalGridPoints(comm, ec, nd, xq, wq, Sv, vidx, name, vval, vwt));
  for (PetscInt i = 0; i < Sv; i++) {
    if (PetscAbsReal(vval[i]) > PetscAbsReal(fpiv)) {
      fpiv = vval[i];
      ipiv = i;
    }
  }
  if (fpiv != 0) {
    PetscCall(PetscCalloc1(rmax * nd * nq, &cp->H));
    PetscReal *xf;
    PetscCall(PetscMalloc1(nd * nq * nd, &xf));
    for (PetscInt p = 0; p < nd; p++) /* the fibre of direction p through the pivot, all in one batch */
      for (PetscInt j = 0; j < nq; j++)
        for (PetscInt r = 0; r < nd; r++) xf[(p * nq + j) * nd + r] = r == p ? xq[j] : xq[vidx[ipiv * nd + r]];
    PetscCall(EvalPoints(ec, nd * nq, xf, cp->H));
    for (PetscInt i = 0; i < nd * nq; i++) {
      PetscCall(EvalRefuseNonFinite(comm, ec, &xf[i * nd], cp->H[i], name));
      if (i >= nq) cp->H[i] /= fpiv;
    }
    PetscCall(PetscFree(xf));
    for (PetscInt i = 0; i < Sv; i++) {
      err2 += vwt[i] * PetscSqr(vval[i] - CPGridValue(cp, 1, &vidx[i * nd]));
      norm2 += vwt[i] * PetscSqr(vval[i]);
    }
    if (err2 <= tol * tol * norm2) {
      *accepted  = PETSC_TRUE;
      cp->R      = 1;
      cp->relerr = PetscSqrtReal(err2 / norm2);
      cp->method = "rank-1 cross, checked on a sample";
    } else
      PetscCall(PetscFree(cp->H));
  }
  PetscCall(PetscFree3(vidx, vval, vwt));
  PetscFunctionReturn(0);
}

/* CPGridCompress()'s samples: the training points (grid indices idx, values val, weights wt, the approximation app),
   S of them; when sampled, the Sv validation points (vidx, vval, vwt); norm2 and vnorm2 the weighted squared norms of
   the two sets, sumw the training weights' sum */
typedef struct {
  PetscInt   S, Sv, *idx, *vidx;
  PetscReal *val, *wt, *app, *vval, *vwt, norm2, vnorm2, sumw;
} CPSamples;

/* Draws and evaluates the samples of CPGridCompress(): the full grid when it has at most KH_FULL_GRID_CAP points, else
   a Latin-hypercube sample and a validation sample (cp->sampled). Freed by CPGridCompress(). */
static PetscErrorCode CPSamplesCreate(MPI_Comm comm, const EvalCtx *ec, const PetscReal xq[], const PetscReal wq[], const char name[], CPGrid *cp, CPSamples *sm)
{
  const PetscInt nd = cp->nd, nq = cp->nq;
  PetscInt64     total = 1;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(sm, sizeof(*sm)));
  for (PetscInt p = 0; p < nd; p++) total *= nq;
  cp->sampled = total > KH_FULL_GRID_CAP ? PETSC_TRUE : PETSC_FALSE;
  cp->method  = cp->sampled ? "sampled" : "grid";
  sm->S       = cp->sampled ? KH_SAMPLE_REPS * nq : (PetscInt)total;
  PetscCall(PetscMalloc4(sm->S * nd, &sm->idx, sm->S, &sm->val, sm->S, &sm->wt, sm->S, &sm->app));
  PetscCall(GridSample((PetscBool)!cp->sampled, nd, nq, KH_SAMPLE_REPS, 0x9E3779B97F4A7C15ULL, sm->S, sm->idx));
  if (cp->sampled) {
    sm->Sv = 16 * nq;
    PetscCall(PetscMalloc3(sm->Sv * nd, &sm->vidx, sm->Sv, &sm->vval, sm->Sv, &sm->vwt));
    PetscCall(GridSample(PETSC_FALSE, nd, nq, 16, 0xD1B54A32D192ED03ULL, sm->Sv, sm->vidx));
  }
  for (PetscInt set = 0; set < (cp->sampled ? 2 : 1); set++) {
    const PetscInt Ns = set ? sm->Sv : sm->S, *ix = set ? sm->vidx : sm->idx;
    PetscReal     *v = set ? sm->vval : sm->val, *w = set ? sm->vwt : sm->wt, *n2 = set ? &sm->vnorm2 : &sm->norm2;
    PetscCall(EvalGridPoints(comm, ec, nd, xq, wq, Ns, ix, name, v, w));
    for (PetscInt i = 0; i < Ns; i++) {
      *n2 += w[i] * v[i] * v[i];
      if (!set) sm->sumw += w[i];
    }
  }
  PetscCall(PetscArrayzero(sm->app, sm->S));
  PetscFunctionReturn(0);
}

/* Starts term R - 1 as the cross (skeleton) approximation of the residual through its largest sample (exact for a
   rank-1 residual); *found is false, and nothing is done, when the residual is zero. */
static PetscErrorCode CPGridCrossTerm(const EvalCtx *ec, const PetscReal xq[], const CPSamples *sm, PetscInt R, CPGrid *cp, PetscBool *found)
{
  const PetscInt nd = cp->nd, nq = cp->nq, s = R - 1;
  PetscReal      rmaxv = -1, rpiv, xf[POISSON_EXACT_MAX_DIM];
  PetscInt       ipiv  = 0, ix[POISSON_EXACT_MAX_DIM];

  PetscFunctionBegin;
  for (PetscInt i = 0; i < sm->S; i++)
    if (PetscAbsReal(sm->val[i] - sm->app[i]) > rmaxv) {
      rmaxv = PetscAbsReal(sm->val[i] - sm->app[i]);
      ipiv  = i;
    }
  rpiv   = sm->val[ipiv] - sm->app[ipiv];
  *found = PetscAbsReal(rpiv) > 0 ? PETSC_TRUE : PETSC_FALSE;
  if (!*found) PetscFunctionReturn(0);
  for (PetscInt p = 0; p < nd; p++) {
    for (PetscInt r = 0; r < nd; r++) {
      ix[r] = sm->idx[ipiv * nd + r];
      xf[r] = xq[ix[r]];
    }
    for (PetscInt j = 0; j < nq; j++) {
      PetscReal v;
      ix[p] = j;
      xf[p] = xq[j];
      PetscCall(EvalPoint(ec, xf, &v));
      cp->H[(s * nd + p) * nq + j] = (v - CPGridValue(cp, s, ix)) / (p ? rpiv : 1.0);
    }
  }
  PetscFunctionReturn(0);
}

/* One ALS step: the R terms' factors in direction p by weighted least squares on the training samples, the others
   fixed. A, rhs, work: nq R^2, nq R and R^2 values of room. */
static PetscErrorCode CPGridALSDirection(const CPSamples *sm, PetscInt R, PetscInt p, PetscReal A[], PetscReal rhs[], PetscReal work[], CPGrid *cp)
{
  const PetscInt nd = cp->nd, nq = cp->nq;

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(A, nq * R * R));
  PetscCall(PetscArrayzero(rhs, nq * R));
  for (PetscInt i = 0; i < sm->S; i++) {
    PetscReal      z[64];
    const PetscInt j = sm->idx[i * nd + p];
    for (PetscInt t = 0; t < R; t++) {
      z[t] = 1;
      for (PetscInt r = 0; r < nd; r++)
        if (r != p) z[t] *= cp->H[(t * nd + r) * nq + sm->idx[i * nd + r]];
    }
    for (PetscInt t = 0; t < R; t++) {
      rhs[j * R + t] += sm->wt[i] * sm->val[i] * z[t];
      for (PetscInt t2 = 0; t2 < R; t2++) A[(j * R + t) * R + t2] += sm->wt[i] * z[t] * z[t2];
    }
  }
  for (PetscInt j = 0; j < nq; j++) {
    PetscCall(SPDSolve(R, 1, &A[j * R * R], &rhs[j * R], work));
    for (PetscInt t = 0; t < R; t++) cp->H[(t * nd + p) * nq + j] = rhs[j * R + t];
  }
  PetscFunctionReturn(0);
}

/* Joint ALS over all R terms (at most 100 sweeps), until the training error meets tol or improves by less than 1e-3
   of itself; returns the training error (of sm->app, updated) and the number of sweeps. */
static PetscErrorCode CPGridALS(CPSamples *sm, PetscInt R, PetscReal tol, PetscReal A[], PetscReal rhs[], PetscReal work[], CPGrid *cp, PetscReal *err2, PetscInt *sweeps)
{
  const PetscInt nd   = cp->nd;
  PetscReal      prev = PETSC_MAX_REAL, e2 = 0;
  PetscInt       it;

  PetscFunctionBegin;
  for (it = 0; it < 100; it++) {
    e2 = 0;
    for (PetscInt i = 0; i < sm->S; i++) {
      sm->app[i] = CPGridValue(cp, R, &sm->idx[i * nd]);
      e2 += sm->wt[i] * PetscSqr(sm->val[i] - sm->app[i]);
    }
    if (e2 <= tol * tol * sm->norm2 || prev - e2 <= 1e-3 * prev) break;
    prev = e2;
    for (PetscInt p = 0; p < nd; p++) PetscCall(CPGridALSDirection(sm, R, p, A, rhs, work, cp));
  }
  *err2   = e2;
  *sweeps = it;
  PetscFunctionReturn(0);
}

/* The error that chooses the rank: on the validation points (scaled to the training norm) when sampled, else the
   training error err2 */
static PetscReal CPGridValidationError(const CPSamples *sm, const CPGrid *cp, PetscInt R, PetscReal err2)
{
  PetscReal verr2;

  if (!cp->sampled) return err2;
  verr2 = 0;
  for (PetscInt i = 0; i < sm->Sv; i++) verr2 += sm->vwt[i] * PetscSqr(sm->vval[i] - CPGridValue(cp, R, &sm->vidx[i * cp->nd]));
  verr2 *= sm->norm2 / sm->vnorm2; /* relative to the training norm */
  return verr2;
}

/* Rank growth from 1 to rmax (a cross term, then ALS over all terms) until the error meets tol; when sampled, it stops
   when the validation error no longer improves. Keeps the best terms in cp->H; returns their rank and error. */
static PetscErrorCode CPGridGrowRank(const EvalCtx *ec, const PetscReal xq[], CPSamples *sm, PetscReal tol, PetscInt rmax, PetscViewer monitor, const char name[], CPGrid *cp, PetscInt *Rbest, PetscReal *best)
{
  const PetscInt nd = cp->nd, nq = cp->nq;
  PetscReal     *A, *rhs, *work, *Hbest, err2 = 0, verr2; /* = 0: set by CPGridALS(), for -Wmaybe-uninitialized */

  PetscFunctionBegin;
  *Rbest = 0;
  *best  = PETSC_MAX_REAL;
  PetscCall(PetscMalloc3(nq * rmax * rmax, &A, nq * rmax, &rhs, rmax * rmax, &work));
  PetscCall(PetscMalloc1(rmax * nd * nq, &Hbest));
  for (PetscInt R = 1; R <= rmax; R++) {
    PetscBool found;
    PetscInt  it = 0;

    PetscCall(CPGridCrossTerm(ec, xq, sm, R, cp, &found));
    if (!found) break;
    PetscCall(CPGridALS(sm, R, tol, A, rhs, work, cp, &err2, &it));
    verr2 = CPGridValidationError(sm, cp, R, err2);
    if (monitor) PetscCall(PetscViewerASCIIPrintf(monitor, "  khronos: %s rank %" PetscInt_FMT ": relative error %.3e%s (%" PetscInt_FMT " ALS sweeps, %" PetscInt_FMT " %s points)\n", name, R, (double)PetscSqrtReal(verr2 / sm->norm2), cp->sampled ? " on validation points" : "", it, sm->S, cp->sampled ? "sampled" : "grid"));
    if (verr2 < *best) {
      *best  = verr2;
      *Rbest = R;
      PetscCall(PetscArraycpy(Hbest, cp->H, R * nd * nq));
    } else if (cp->sampled)
      break; /* no better on unseen points: stop growing */
    if (verr2 <= tol * tol * sm->norm2 || R == rmax) break;
  }
  PetscCall(PetscArrayzero(cp->H, rmax * nd * nq));
  PetscCall(PetscArraycpy(cp->H, Hbest, *Rbest * nd * nq));
  PetscCall(PetscFree(Hbest));
  PetscCall(PetscFree3(A, rhs, work));
  PetscFunctionReturn(0);
}

/* Compresses the function of ec on the nd-dimensional tensor grid of the 1-D points xq (weights wq) to
   CP rank <= rmax with rank growth, until the weighted relative L2 error is <= tol. Each new term starts
   as the cross (skeleton) approximation of the residual through its largest sample (exact for rank-1
   residuals), then all terms are refined by ALS. The full grid is used when it has at most
   KH_FULL_GRID_CAP points; else a Latin-hypercube sample (KH_SAMPLE_REPS per 1-D point and direction),
   with the error measured on an independent validation sample and the rank growth stopped when it no
   longer improves. With cross, a rank-1 cross probe (CPGridProbeRankOne) is tried first and kept when it
   passes its check. Same result on every rank. */
static PetscErrorCode CPGridCompress(MPI_Comm comm, const EvalCtx *ec, PetscInt nd, PetscInt nq, const PetscReal xq[], const PetscReal wq[], PetscReal tol, PetscInt rmax, PetscBool cross, PetscViewer monitor, const char name[], CPGrid *cp)
{
  CPSamples sm;
  PetscInt  R = 0;
  PetscReal err2;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(cp, sizeof(*cp)));
  cp->nd = nd;
  cp->nq = nq;
  if (cross && nd > 1) {
    PetscBool accepted;
    PetscCall(CPGridProbeRankOne(comm, ec, nd, nq, xq, wq, tol, rmax, name, cp, &accepted));
    if (monitor) PetscCall(PetscViewerASCIIPrintf(monitor, "  khronos: %s rank-1 cross probe %s\n", name, accepted ? "passed its check: separable" : "failed its check: full compression"));
    if (accepted) PetscFunctionReturn(0);
  }
  PetscCall(CPSamplesCreate(comm, ec, xq, wq, name, cp, &sm));
  PetscCall(PetscCalloc1(rmax * nd * nq, &cp->H));
  err2 = sm.norm2;
  if (sm.norm2 > 1e-26 * sm.sumw) PetscCall(CPGridGrowRank(ec, xq, &sm, tol, rmax, monitor, name, cp, &R, &err2));
  cp->R      = R;
  cp->relerr = sm.norm2 > 0 ? PetscSqrtReal(err2 / sm.norm2) : 0;
  PetscCall(PetscFree4(sm.idx, sm.val, sm.wt, sm.app));
  if (cp->sampled) PetscCall(PetscFree3(sm.vidx, sm.vval, sm.vwt));
  PetscFunctionReturn(0);
}

/* Appends one separable term (d full-basis coefficient vectors) to the lifting, growing the array. */
static PetscErrorCode LiftAppend(PoissonKhronos *kh, PetscInt *cap, const PetscReal term[])
{
  const PetscInt G = kh->nodes, d = kh->dim;

  PetscFunctionBegin;
  if (kh->lift_terms == *cap) {
    PetscReal *nl;
    *cap = PetscMax(16, 2 * *cap);
    PetscCall(PetscMalloc1(*cap * d * G, &nl));
    if (kh->lift) PetscCall(PetscArraycpy(nl, kh->lift, kh->lift_terms * d * G));
    PetscCall(PetscFree(kh->lift));
    kh->lift = nl;
  }
  PetscCall(PetscArraycpy(&kh->lift[kh->lift_terms * d * G], term, d * G));
  kh->lift_terms++;
  PetscFunctionReturn(0);
}

/* The Dirichlet data on an edge (one free coordinate) at the quadrature points, as an exact rank-1 CPGrid:
   a 1-D function needs no compression (one batched evaluation). */
static PetscErrorCode KhEdgeData(PoissonKhronos *kh, PoissonExact exact, const EvalCtx *ec, CPGrid *cp)
{
  const PetscInt d = kh->dim, nq = kh->nq;
  PetscReal     *x;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(cp, sizeof(*cp)));
  cp->nd     = 1;
  cp->nq     = nq;
  cp->R      = 1;
  cp->method = "edge values";
  PetscCall(PetscMalloc1(nq * d, &x));
  PetscCall(PetscMalloc1(nq, &cp->H));
  for (PetscInt q = 0; q < nq; q++)
    for (PetscInt p = 0; p < d; p++) x[q * d + p] = ((ec->fixed >> p) & 1) ? (((ec->corner >> p) & 1) ? kh->b : kh->a) : kh->xq[q];
  PetscCall(PoissonExactEvaluateBatch(exact, nq, x, cp->H, NULL));
  for (PetscInt q = 0; q < nq; q++) PetscCall(EvalRefuseNonFinite(kh->comm, ec, &kh->xq[q], cp->H[q], "boundary value u (Dirichlet data)"));
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}

/* Builds the lifting from the Dirichlet data only, as the Boolean sum of the 1-D boundary blends
   P_p g = g|_{x_p=a} B_0(x_p) + g|_{x_p=b} B_{G-1}(x_p):  L = sum_{S nonempty} (-1)^{|S|+1} prod_{p in S} P_p g.
   The term for S needs g on the faces of codimension |S| (corners, edges, faces); each face function is
   compressed to low rank on the quadrature grid and its 1-D factors are L2-projected onto the full
   spline basis. Nothing is built when g vanishes at sample points of every face. */
static PetscErrorCode BuildLifting(PoissonKhronos *kh, PoissonExact exact, PetscReal tol, PetscInt rmax, PetscBool cross, PetscViewer monitor)
{
  const PetscInt     d = kh->dim, G = kh->nodes, nq = kh->nq;
  PetscReal          gmax = 0, *Mchol, *term, *work, *xs, *us;
  PetscInt           cap = 0, nfaces = 0;
  unsigned long long seed = 0x2545F4914F6CDD1DULL;
  EvalCtx            ec   = {exact, d, 0, 0, 0, kh->a, kh->b};
  PetscBLASInt       bG, info, one = 1;

  PetscFunctionBegin;
  /* is g = 0 on the boundary? (64 random points on each face plus the corners, one batch) */
  PetscCall(PetscMalloc2(2 * d * 64 * d, &xs, 2 * d * 64, &us));
  for (PetscInt p = 0, i = 0; p < d; p++)
    for (PetscInt side = 0; side < 2; side++)
      for (PetscInt j = 0; j < 64; j++, i++) {
        for (PetscInt r = 0; r < d; r++) xs[i * d + r] = j == 0 ? kh->a : kh->a + (kh->b - kh->a) * KhRandom(&seed);
        xs[i * d + p] = side ? kh->b : kh->a;
      }
  PetscCall(PoissonExactEvaluateBatch(exact, 2 * d * 64, xs, us, NULL));
  for (PetscInt i = 0; i < 2 * d * 64; i++) gmax = PetscMax(gmax, PetscAbsReal(us[i]));
  PetscCall(PetscFree2(xs, us));
  kh->lift_terms = 0;
  if (gmax <= 1e-12) PetscFunctionReturn(0);
  PetscCall(PetscMalloc3(G * G, &Mchol, d * G, &term, G * G, &work));
  PetscCall(PetscBLASIntCast(G, &bG));
  if (G <= KH_SMALL_DENSE)
    PetscCall(KhCholesky(G, kh->Mf, Mchol));
  else {
    PetscCall(PetscArraycpy(Mchol, kh->Mf, G * G));
    PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bG, Mchol, &bG, &info));
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "Cholesky of the spline mass matrix failed (info %d)", (int)info);
  }
  for (PetscInt S = 1; S < (1 << d); S++) {
    PetscInt ns = 0, nf;
    for (PetscInt p = 0; p < d; p++) ns += (S >> p) & 1;
    nf = d - ns;
    for (PetscInt c = S;; c = (c - 1) & S) { /* every corner of the face family S */
      const PetscReal sign = (ns % 2) ? 1.0 : -1.0;
      ec.fixed             = S;
      ec.corner            = c;
      nfaces++;
      if (nf == 0) {
        PetscReal v;
        PetscCall(EvalPoint(&ec, NULL, &v));
        if (PetscAbsReal(v) > 1e-14) {
          PetscCall(PetscArrayzero(term, d * G));
          for (PetscInt p = 0; p < d; p++) term[p * G + (((c >> p) & 1) ? G - 1 : 0)] = 1.0;
          for (PetscInt g = 0; g < G; g++) term[g] *= sign * v;
          PetscCall(LiftAppend(kh, &cap, term));
        }
      } else {
        CPGrid cp;
        if (nf == 1)
          PetscCall(KhEdgeData(kh, exact, &ec, &cp));
        else
          PetscCall(CPGridCompress(kh->comm, &ec, nf, nq, kh->xq, kh->wq, tol, rmax, cross, PETSC_FALSE, "face data", &cp));
        if (monitor) PetscCall(PetscViewerASCIIPrintf(monitor, "  khronos: lifting face (fixed mask %" PetscInt_FMT ", corner %" PetscInt_FMT "): rank %" PetscInt_FMT ", relative error %.3e\n", S, c, cp.R, (double)cp.relerr));
        for (PetscInt s = 0; s < cp.R; s++) {
          PetscInt j = 0;
          PetscCall(PetscArrayzero(term, d * G));
          for (PetscInt p = 0; p < d; p++) {
            if ((S >> p) & 1)
              term[p * G + (((c >> p) & 1) ? G - 1 : 0)] = 1.0;
            else { /* L2 projection of the factor onto the full basis */
              const PetscReal *h = &cp.H[(s * nf + j) * nq];
              for (PetscInt q = 0; q < nq; q++)
                for (PetscInt g = 0; g < G; g++) term[p * G + g] += kh->wq[q] * h[q] * kh->Bq[q * G + g];
              if (G <= KH_SMALL_DENSE) {
                KhTriangularSolve(G, Mchol, PETSC_FALSE, &term[p * G]);
                KhTriangularSolve(G, Mchol, PETSC_TRUE, &term[p * G]);
              } else
                PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bG, &one, Mchol, &bG, &term[p * G], &bG, &info));
              j++;
            }
          }
          for (PetscInt g = 0; g < G; g++) term[g] *= sign;
          PetscCall(LiftAppend(kh, &cap, term));
        }
        PetscCall(PetscFree(cp.H));
      }
      if (c == 0) break;
    }
  }
  if (monitor) PetscCall(PetscViewerASCIIPrintf(monitor, "  khronos: lifting of the Dirichlet data: %" PetscInt_FMT " separable terms from %" PetscInt_FMT " faces\n", kh->lift_terms, nfaces));
  PetscCall(PetscFree3(Mchol, term, work));
  PetscFunctionReturn(0);
}

/* Old names of the options that are now the SNA class's, and their new names. */
static const char *const KhRenamed[][2] = {
    {"-khronos_degree", "-sna_khronos_degree"},
    {"-khronos_nodes", "-sna_khronos_nodes"},
    {"-khronos_modes", "-sna_khronos_modes"},
    {"-khronos_sweeps", "-sna_fit_max_it"},
    {"-khronos_tol", "-sna_fit_rtol"},
    {"-khronos_monitor", "-sna_monitor"}};

/* SNA options a Galerkin solve has no use for: it minimises the Ritz energy (no data, loss or fit type),
   always enriches the rank greedily and works on the -domain box. Rejected rather than ignored. */
static const char *const KhUnused[] = {"-sna_fit_type", "-sna_fit_lambda", "-sna_fit_atol", "-sna_bounds", "-sna_khronos_refine", "-sna_khronos_enrich"};

/* The fit options of the SNA that -khronos_solve tensor, a direct solve that runs no fit, has no use for: refused
   here, each with what it asks for and whether -khronos_solve als (the Ritz fit) takes it; the Ritz fit refuses the
   others itself (SNAFitObjective(), khronosritz.c). -sna_fit_rtol is the tensor solve's truncation tolerance. */
static const struct {
  const char *name, *what;
  PetscBool   als;
} KhTensorUnused[] = {
    {"-sna_fit_max_it", "limits the ALS sweeps per rank stage", PETSC_TRUE},
    {"-sna_fit_error_if_not_converged", "makes a fit that did not converge an error", PETSC_TRUE},
    {"-sna_fit_als_anderson", "accelerates ALS sweeps", PETSC_FALSE},
    {"-sna_fit_als_extrapolate", "adds a line search to ALS sweeps", PETSC_FALSE},
    {"-sna_fit_validation", "holds out samples of a data fit", PETSC_FALSE},
    {"-sna_fit_validation_refit", "fits again on all samples of a data fit", PETSC_FALSE},
    {"-sna_fit_validation_patience", "decides when held-out samples stop a data fit", PETSC_FALSE},
    {"-sna_fit_validation_stop", "decides when held-out samples stop a data fit", PETSC_FALSE},
    {"-sna_fit_validation_rise", "decides when held-out samples stop a data fit", PETSC_FALSE},
    {"-sna_khronos_init", "chooses the start of a data fit", PETSC_FALSE},
    {"-sna_khronos_init_spread", "sets the spread of the random start of a fit", PETSC_TRUE},
    {"-sna_khronos_seed", "seeds the random start of each mode of a fit", PETSC_TRUE},
    {"-sna_fit_progress_window", "asks for the slow-progress stop of Levenberg-Marquardt", PETSC_FALSE},
    {"-sna_fit_progress_rtol", "asks for the slow-progress stop of Levenberg-Marquardt", PETSC_FALSE},
    /* 2-D: the face data are edges, taken whole (KhEdgeData()), and the source's cross probe is of rank 1 */
    {"-khronos_source_rank", "caps the rank of the low-rank source and face data compression", PETSC_TRUE}};

/* Fails naming the new option when an old -khronos_* name is given, and naming the option when an SNA
   option the solve cannot honour is given. The SNA has no options prefix: its options are -sna_... */
static PetscErrorCode KhCheckOptionNames(MPI_Comm comm)
{
  PetscBool set;

  PetscFunctionBegin;
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(KhRenamed); i++) {
    PetscCall(PetscOptionsHasName(NULL, NULL, KhRenamed[i][0], &set));
    PetscCheck(!set, comm, PETSC_ERR_USER_INPUT, "%s is no longer an option of snaps-poisson -method khronos: the solution is a KHRONOS SNA, use %s instead", KhRenamed[i][0], KhRenamed[i][1]);
  }
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(KhUnused); i++) {
    PetscCall(PetscOptionsHasName(NULL, NULL, KhUnused[i], &set));
    PetscCheck(!set, comm, PETSC_ERR_USER_INPUT, "snaps-poisson -method khronos does not use %s (the Galerkin solve minimises the Ritz energy on the -domain box with greedy rank enrichment): remove it; the solve takes -sna_khronos_degree, -sna_khronos_nodes, -sna_khronos_modes, -sna_fit_max_it, -sna_fit_rtol and -sna_monitor", KhUnused[i]);
  }
  PetscFunctionReturn(0);
}

/* Reads -khronos_solve: tensor (the default in 2-D) or als (the only solve in d > 2). */
static PetscErrorCode KhGetSolveType(PoissonKhronos *kh, PetscBool *tensor)
{
  const char *const types[] = {"tensor", "als", "KhronosSolveType", "KH_SOLVE_", NULL};
  PetscEnum         t       = kh->dim == 2 ? (PetscEnum)0 : (PetscEnum)1;

  PetscFunctionBegin;
  PetscOptionsBegin(kh->comm, NULL, "KHRONOS Galerkin solver (-method khronos)", NULL);
  PetscCall(PetscOptionsEnum("-khronos_solve", "tensor: 2-D Galerkin solve in the whole tensor spline space, truncated to the rank -sna_fit_rtol allows; als: low-rank source and greedy ALS", NULL, types, t, &t, NULL));
  PetscOptionsEnd();
  PetscCheck(t == 1 || kh->dim == 2, kh->comm, PETSC_ERR_SUP, "-khronos_solve tensor solves 2-D problems, not %" PetscInt_FMT "-D ones: use -khronos_solve als (the default in %" PetscInt_FMT "-D)", kh->dim, kh->dim);
  *tensor   = t == 0 ? PETSC_TRUE : PETSC_FALSE;
  kh->solve = types[t];
  PetscFunctionReturn(0);
}

/* The solver's defaults on the SNA sna (khronos, dim inputs on [a,b]^dim, one output): degree 3, 10 nodes, 4 modes,
   50 sweeps per stage, enrichment tolerance 1e-10; for the tensor solve the truncation tolerance 1e-15. Set by the
   solve (KhCreateSNA()) and by the -help listing (PoissonKhronosViewOptions()) alike, so that the listing shows them.
   The tensor solve's tolerance is small because a rank costs it nothing but storage: the truncation must stay below
   the discretisation error (squared L2 errors of 1e-14 need energy errors near 1e-15 |J|). */
static PetscErrorCode KhSetDefaults(SNA sna, PetscInt dim, PetscReal a, PetscReal b, PetscBool tensor)
{
  PetscReal lo[POISSON_EXACT_MAX_DIM], hi[POISSON_EXACT_MAX_DIM];

  PetscFunctionBegin;
  for (PetscInt p = 0; p < dim; p++) {
    lo[p] = a;
    hi[p] = b;
  }
  PetscCall(SNASetType(sna, SNAKHRONOS));
  PetscCall(SNASetSizes(sna, dim, 1));
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(SNAKhronosSetBasis(sna, 3, 10, 4));
  PetscCall(SNASetTolerances(sna, 0.0, tensor ? 1e-15 : 1e-10, 50));
  PetscFunctionReturn(0);
}

/* Creates kh->sna with the solver's defaults (KhSetDefaults(); for the tensor solve, unless -sna_khronos_modes is
   given, no rank cap below G - 2), applies the -sna_ options and copies the basis and the tolerances into kh. */
static PetscErrorCode KhCreateSNA(PoissonKhronos *kh, PetscBool tensor)
{
  MPI_Comm  comm = kh->comm;
  PetscBool isk;
  SNAType   type;
  SNA       sna;

  PetscFunctionBegin;
  PetscCall(SNACreate(comm, &kh->sna));
  sna = kh->sna;
  PetscCall(KhSetDefaults(sna, kh->dim, kh->a, kh->b, tensor));
  PetscCall(KhCheckOptionNames(comm));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNAGetType(sna, &type));
  PetscCall(PetscStrcmp(type, SNAKHRONOS, &isk));
  PetscCheck(isk, comm, PETSC_ERR_USER_INPUT, "-sna_type %s: snaps-poisson -method khronos solves in the KHRONOS trial space; use -sna_type khronos or leave it out", type);
  PetscCall(SNAKhronosGetBasis(sna, &kh->degree, &kh->nodes, &kh->modes_max));
  PetscCall(SNAGetTolerances(sna, NULL, &kh->tol, &kh->sweeps));
  if (tensor) {
    PetscBool capped, set;
    /* the tensor solve runs no fit at all */
    for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(KhTensorUnused); i++) {
      PetscCall(PetscOptionsHasName(NULL, NULL, KhTensorUnused[i].name, &set));
      PetscCheck(!set, comm, PETSC_ERR_USER_INPUT, "%s %s, which -khronos_solve tensor (a direct Galerkin solve in the tensor spline space, no iterative fit) never runs: remove it%s", KhTensorUnused[i].name, KhTensorUnused[i].what, KhTensorUnused[i].als ? ", or use -khronos_solve als (greedy ALS, which takes it)" : "");
    }
    PetscCall(PetscOptionsHasName(NULL, NULL, "-sna_khronos_modes", &capped));
    kh->modes_max = capped ? PetscMin(kh->modes_max, kh->nodes - 2) : kh->nodes - 2;
  }
  PetscCheck(kh->nodes >= 3, comm, PETSC_ERR_USER_INPUT, "-sna_khronos_nodes %" PetscInt_FMT " leaves no interior basis function: the Galerkin solve needs at least 3 (and at least degree + 1 = %" PetscInt_FMT ")", kh->nodes, kh->degree + 1);
  PetscCheck(kh->sweeps >= 1, comm, PETSC_ERR_USER_INPUT, "-sna_fit_max_it %" PetscInt_FMT ": the Galerkin solve needs at least 1 ALS sweep per rank stage", kh->sweeps);
  PetscFunctionReturn(0);
}

/* Reads the solver's own options: how the source and the Dirichlet data are compressed, and whether to monitor (-sna_monitor). */
static PetscErrorCode KhGetSourceOptions(PoissonKhronos *kh, PetscReal *stol, PetscInt *srank, PetscBool *cross, PetscBool *monitor)
{
  PetscFunctionBegin;
  *stol    = 1e-12;
  *srank   = 16;
  *cross   = PETSC_TRUE;
  *monitor = PETSC_FALSE;
  PetscOptionsBegin(kh->comm, NULL, "KHRONOS Galerkin solver (-method khronos; basis and sweeps: the -sna_ options)", NULL);
  PetscCall(PetscOptionsReal("-khronos_source_tol", "Relative L2 tolerance of the low-rank source (and face data) compression", NULL, *stol, stol, NULL));
  PetscCall(PetscOptionsInt("-khronos_source_rank", "Largest rank of the source (and face data) compression", NULL, *srank, srank, NULL));
  PetscCall(PetscOptionsBool("-khronos_source_cross", "Try a rank-1 cross of the source (d fibres, checked on a sample) before compressing it on the grid", NULL, *cross, cross, NULL));
  PetscOptionsEnd();
  PetscCheck(*srank >= 1 && *srank <= 64, kh->comm, PETSC_ERR_USER_INPUT, "-khronos_source_rank must be between 1 and 64, not %" PetscInt_FMT, *srank);
  PetscCheck(*stol > 0, kh->comm, PETSC_ERR_USER_INPUT, "-khronos_source_tol must be positive, not %g", (double)*stol);
  /* the solver's own lines (compressions, lifting, truncation) go where the SNA's monitor prints its Ritz energies:
     -sna_monitor alone, a boolean, or ascii:<file>, read as the SNA class reads it; checked here, opened before the
     solve (PoissonKhronosSolve()), so that a run refused before it (memory) leaves no empty file */
  PetscCall(SNAPSOptionsCheckTextViewer(kh->comm, NULL, NULL, "-sna_monitor", monitor));
  PetscFunctionReturn(0);
}

/* Stores the solution in kh->sna: the modes (boundary coefficients zero) and then the lifting terms
   become the M + T KHRONOS modes, with output weights 1. Frees the ALS copies. */
static PetscErrorCode KhStoreSolution(PoissonKhronos *kh)
{
  const PetscInt d = kh->dim, G = kh->nodes, n = kh->n, M = kh->modes, T = kh->lift_terms, Mt = M + T, Mx = kh->modes_max;
  PetscInt       np;
  PetscReal     *theta;

  PetscFunctionBegin;
  PetscCall(SNAKhronosSetBasis(kh->sna, kh->degree, G, Mt));
  PetscCall(SNASetUp(kh->sna));
  PetscCall(SNAGetNumParameters(kh->sna, &np));
  PetscCheck(np == d * G * Mt + Mt, kh->comm, PETSC_ERR_PLIB, "The KHRONOS SNA has %" PetscInt_FMT " parameters, expected W and C of %" PetscInt_FMT " modes", np, Mt);
  PetscCall(PetscCalloc1(np, &theta));
  for (PetscInt p = 0; p < d; p++) {
    for (PetscInt m = 0; m < M; m++)
      for (PetscInt g = 0; g < n; g++) theta[(p * G + g + 1) * Mt + m] = kh->W[(p * Mx + m) * n + g];
    for (PetscInt t = 0; t < T; t++)
      for (PetscInt g = 0; g < G; g++) theta[(p * G + g) * Mt + M + t] = kh->lift[(t * d + p) * G + g];
  }
  for (PetscInt m = 0; m < Mt; m++) theta[d * G * Mt + m] = 1.0;
  PetscCall(SNASetParameters(kh->sna, theta));
  PetscCall(PetscFree(theta));
  PetscCall(PetscFree(kh->W));
  PetscCall(PetscFree(kh->lift));
  PetscFunctionReturn(0);
}

/* The 1-D Gauss rule of qper points per knot interval: nq points xq, weights wq and basis values Bq[q*G + g]
   (the caller frees them with PetscFree3). */
static PetscErrorCode KhGaussRule(const PoissonKhronos *kh, PetscInt qper, PetscInt *nq, PetscReal **xq, PetscReal **wq, PetscReal **Bq)
{
  const PetscInt G = kh->nodes, k = kh->degree, nint = G - k;
  PetscReal     *gx, *gw;

  PetscFunctionBegin;
  *nq = nint * qper;
  PetscCall(PetscMalloc2(qper, &gx, qper, &gw));
  PetscCall(PetscDTGaussQuadrature(qper, 0.0, 1.0, gx, gw));
  PetscCall(PetscMalloc3(*nq, xq, *nq, wq, *nq * G, Bq));
  PetscCall(PetscArrayzero(*Bq, *nq * G));
  for (PetscInt e = 0; e < nint; e++) {
    const PetscReal lo = kh->bs.knots[k + e], h = kh->bs.knots[k + e + 1] - lo;
    for (PetscInt i = 0; i < qper; i++) {
      const PetscInt q = e * qper + i;
      PetscReal      vals[SNA_BSPLINE_MAX_DEGREE + 1];
      PetscInt       first;
      (*xq)[q] = lo + h * gx[i];
      (*wq)[q] = h * gw[i];
      first    = SNABSplineEvalInline(&kh->bs, (*xq)[q], vals);
      for (PetscInt j = 0; j <= k; j++) (*Bq)[q * G + first + j] = vals[j];
    }
  }
  PetscCall(PetscFree2(gx, gw));
  PetscFunctionReturn(0);
}

/* Refuses a basis (-sna_khronos_nodes G, -sna_khronos_degree k) whose arrays would not fit in memory or whose sizes
   would overflow a PetscInt, before anything is allocated: KhSetUpBasis()'s G x G mass and stiffness and its
   nq x G quadrature table (nq = (G - k) qper), the ALS solve's d G x G 1-D matrices and their factors, the
   tensor solve's nq x nq source grid (points and values) and its (G - 2)^2 Galerkin system and eigenvectors.
   Without it a large G was a failed PetscMalloc() reported with an out-of-range error code, or an allocation of
   many GB. In floating point, so that nothing wraps before it is refused. */
static PetscErrorCode KhCheckMemory(const PoissonKhronos *kh, PetscBool tensor, PetscInt qper)
{
  const PetscLogDouble G = (PetscLogDouble)kh->nodes, n = G - 2, d = (PetscLogDouble)kh->dim, nq = (PetscLogDouble)(kh->nodes - kh->degree) * (PetscLogDouble)qper;
  const PetscLogDouble largest = PetscMax(PetscMax(G * G, nq * G), tensor ? 2 * nq * nq : (d * G * G));
  PetscLogDouble       entries = 2 * G * G + nq * (G + 2);
  char                 what[256];

  PetscFunctionBegin;
  entries += tensor ? 3 * nq * nq + 2 * nq * n + 12 * n * n : (2 + 2 * d) * G * G;
  PetscCall(PetscSNPrintf(what, sizeof(what), "-sna_khronos_nodes %" PetscInt_FMT " with -sna_khronos_degree %" PetscInt_FMT " (%s solve in %" PetscInt_FMT "-D: 1-D matrices of %" PetscInt_FMT "^2 entries%s)", kh->nodes, kh->degree, tensor ? "tensor" : "ALS", kh->dim,
                          kh->nodes, tensor ? ", the Galerkin system in the whole tensor space and the source on the quadrature grid" : ""));
  PetscCheck(largest <= (PetscLogDouble)PETSC_MAX_INT, kh->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s needs arrays of %.3g entries, more than a PetscInt counts (%" PetscInt_FMT "): choose a smaller -sna_khronos_nodes", what, (double)largest, (PetscInt)PETSC_MAX_INT);
  PetscCall(SNAPSCheckMemory(kh->comm, 8 * entries, what));
  PetscFunctionReturn(0);
}

/* Basis, 1-D mass and stiffness, and the 1-D Gauss quadrature aligned with the knot intervals (qper
   points per interval). */
static PetscErrorCode KhSetUpBasis(PoissonKhronos *kh, PetscInt qper)
{
  const PetscInt G = kh->nodes, k = kh->degree;

  PetscFunctionBegin;
  PetscCall(SNABSplineCreateUniform(k, G, kh->a, kh->b, &kh->bs));
  PetscCall(PetscMalloc2(G * G, &kh->Mf, G * G, &kh->Kf));
  PetscCall(SNABSplineMassStiffness(&kh->bs, kh->Mf, kh->Kf));
  PetscCall(KhGaussRule(kh, qper, &kh->nq, &kh->xq, &kh->wq, &kh->Bq));
  PetscFunctionReturn(0);
}

/* (Kf l)_{g+1} and (Mf l)_{g+1}, g < n, of every lifting factor l: LKv, LMv[(t*d + p)*n + g]. */
static void KhLiftProjections(const PoissonKhronos *kh, PetscReal LMv[], PetscReal LKv[])
{
  const PetscInt G = kh->nodes, n = kh->n, d = kh->dim;

  for (PetscInt t = 0; t < kh->lift_terms; t++)
    for (PetscInt p = 0; p < d; p++) {
      const PetscReal *l = &kh->lift[(t * d + p) * G];
      for (PetscInt g = 0; g < n; g++) {
        PetscReal vm = 0, vk = 0;
        for (PetscInt h = 0; h < G; h++) {
          vm += kh->Mf[(g + 1) * G + h] * l[h];
          vk += kh->Kf[(g + 1) * G + h] * l[h];
        }
        LMv[(t * d + p) * n + g] = vm;
        LKv[(t * d + p) * n + g] = vk;
      }
    }
}

/* The load of the 2-D tensor solve, X(h, g) = (f, B_{g+1}(x) B_{h+1}(y)) - a(L, B_{g+1}(x) B_{h+1}(y))
   (column-major n x n, x index g in columns): f is integrated by the tensor Gauss rule on the nq x nq
   grid (one batched evaluation, two matrix products), not compressed, so nothing but the quadrature
   limits its accuracy; the lifting L is separable, so its part is a sum of outer products. */
static PetscErrorCode KhTensorLoad(PoissonKhronos *kh, PoissonExact exact, const CPGrid *fcp, PetscReal X[])
{
  const PetscInt G = kh->nodes, n = kh->n, nq = kh->nq, T = kh->lift_terms;
  PetscReal     *pts, *fq, *WB, *tmp, *LMv, *LKv;
  PetscBLASInt   bn, bq, two = 2;
  PetscReal      one = 1, zero = 0;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(nq, &bq));
  PetscCall(PetscMalloc4(fcp ? 0 : 2 * nq * nq, &pts, fcp ? 0 : nq * nq, &fq, nq * n, &WB, nq * n, &tmp));
  for (PetscInt q = 0; q < nq; q++) /* WB (column-major n x nq): w_q B_{g+1}(x_q) */
    for (PetscInt g = 0; g < n; g++) WB[q * n + g] = kh->wq[q] * kh->Bq[q * G + g + 1];
  if (fcp) { /* separable f = h_0(x) h_1(y): X(h, g) = (WB h_0)_g (WB h_1)_h */
    PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bn, &two, &bq, &one, WB, &bn, fcp->H, &bq, &zero, tmp, &bn));
    for (PetscInt g = 0; g < n; g++)
      for (PetscInt h = 0; h < n; h++) X[g * n + h] = tmp[g] * tmp[n + h];
  } else {
    for (PetscInt i = 0; i < nq; i++)
      for (PetscInt j = 0; j < nq; j++) {
        pts[2 * (i * nq + j)]     = kh->xq[i];
        pts[2 * (i * nq + j) + 1] = kh->xq[j];
      }
    PetscCall(PoissonExactEvaluateBatch(exact, nq * nq, pts, NULL, fq)); /* fq[i*nq + j] = f(x_i, y_j) */
    {
      const EvalCtx all = {exact, 2, 1, 0, 0, kh->a, kh->b}; /* f, no coordinate pinned: pts are the points */
      for (PetscInt i = 0; i < nq * nq; i++) PetscCall(EvalRefuseNonFinite(kh->comm, &all, &pts[2 * i], fq[i], "source f = -Laplace(u)"));
    }
    /* tmp(h, i) = sum_j WB(h, j) f(x_i, y_j); X(h, g) = sum_i tmp(h, i) WB(g, i) */
    PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bn, &bq, &bq, &one, WB, &bn, fq, &bq, &zero, tmp, &bn));
    PetscCallBLAS("BLASgemm", BLASgemm_("N", "T", &bn, &bn, &bq, &one, tmp, &bn, WB, &bn, &zero, X, &bn));
  }
  PetscCall(PetscFree4(pts, fq, WB, tmp));
  if (!T) PetscFunctionReturn(0);
  PetscCall(PetscMalloc2(T * 2 * n, &LMv, T * 2 * n, &LKv));
  KhLiftProjections(kh, LMv, LKv);
  for (PetscInt t = 0; t < T; t++) {
    const PetscReal *mx = &LMv[2 * t * n], *kx = &LKv[2 * t * n], *my = &LMv[(2 * t + 1) * n], *ky = &LKv[(2 * t + 1) * n];
    for (PetscInt g = 0; g < n; g++)
      for (PetscInt h = 0; h < n; h++) X[g * n + h] -= kx[g] * my[h] + mx[g] * ky[h];
  }
  PetscCall(PetscFree2(LMv, LKv));
  PetscFunctionReturn(0);
}

/* Largest n for which the tensor solve's symmetric eigenproblems use the cyclic Jacobi method below instead
   of LAPACK: a fresh process spends 70-170 microseconds in LAPACK's first sygv/syev calls (measured, OpenBLAS
   on this kind of machine: code paging, not flops), more than the whole solve costs at these sizes; the
   rotations' O(n^3) per sweep overtake that near n = 16 (G = 18, measured). */
#define KH_JACOBI_MAX 16

/* Eigenvalues w (ascending) and eigenvectors Z[i*n + g] (vector i) of the symmetric n x n matrix A
   (overwritten), by cyclic Jacobi rotations until the off-diagonal part is below 1e-15 of the whole in norm. */
static void KhJacobiEigen(PetscInt n, PetscReal A[], PetscReal Z[], PetscReal w[])
{
  for (PetscInt i = 0; i < n * n; i++) Z[i] = (i % (n + 1)) ? 0.0 : 1.0;
  for (PetscInt sweep = 0; sweep < 50; sweep++) {
    PetscReal off = 0, tot = 0;
    for (PetscInt i = 0; i < n * n; i++) {
      tot += A[i] * A[i];
      if (i % (n + 1)) off += A[i] * A[i];
    }
    if (off <= 1e-30 * tot) break;
    for (PetscInt p = 0; p < n; p++)
      for (PetscInt q = p + 1; q < n; q++) {
        const PetscReal apq = A[p * n + q];
        PetscReal       theta, t, c, sn;
        if (apq == 0) continue;
        theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        t     = (theta >= 0 ? 1.0 : -1.0) / (PetscAbsReal(theta) + PetscSqrtReal(theta * theta + 1));
        c     = 1 / PetscSqrtReal(t * t + 1);
        sn    = t * c;
        for (PetscInt k = 0; k < n; k++) { /* A <- A J (columns p, q), then J^T A (rows), Z <- Z J */
          const PetscReal akp = A[k * n + p], akq = A[k * n + q];
          A[k * n + p] = c * akp - sn * akq;
          A[k * n + q] = sn * akp + c * akq;
        }
        for (PetscInt k = 0; k < n; k++) {
          const PetscReal apk = A[p * n + k], aqk = A[q * n + k], zp = Z[p * n + k], zq = Z[q * n + k];
          A[p * n + k] = c * apk - sn * aqk;
          A[q * n + k] = sn * apk + c * aqk;
          Z[p * n + k] = c * zp - sn * zq;
          Z[q * n + k] = sn * zp + c * zq;
        }
        A[p * n + q] = A[q * n + p] = 0;
      }
  }
  for (PetscInt i = 0; i < n; i++) w[i] = A[i * n + i];
  for (PetscInt i = 0; i < n; i++) { /* ascending, like LAPACK */
    PetscInt m = i;
    for (PetscInt j = i + 1; j < n; j++)
      if (w[j] < w[m]) m = j;
    if (m == i) continue;
    PetscReal tw = w[i];
    w[i]         = w[m];
    w[m]         = tw;
    for (PetscInt k = 0; k < n; k++) {
      const PetscReal tz = Z[i * n + k];
      Z[i * n + k]       = Z[m * n + k];
      Z[m * n + k]       = tz;
    }
  }
}

/* K V = M V diag(lam), V^T M V = I for small n without LAPACK: M = L L^T, C = L^-1 K L^-T by Jacobi, V = L^-T Z. */
static PetscErrorCode KhJacobiGeneralized(PetscInt n, const PetscReal K[], const PetscReal M[], PetscReal V[], PetscReal lam[])
{
  PetscReal *L, *C, *Z;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(n * n, &L, n * n, &C, n * n, &Z));
  PetscCall(KhCholesky(n, M, L));
  for (PetscInt c = 0; c < n; c++) { /* A = L^-1 K column by column (Z as scratch), stored row-major in C */
    for (PetscInt i = 0; i < n; i++) Z[i] = K[i * n + c];
    KhTriangularSolve(n, L, PETSC_FALSE, Z);
    for (PetscInt i = 0; i < n; i++) C[i * n + c] = Z[i];
  }
  /* L^-1 on every row of A: C = (L^-1 A^T)^T = L^-1 K L^-T (symmetric) */
  for (PetscInt c = 0; c < n; c++) KhTriangularSolve(n, L, PETSC_FALSE, &C[c * n]);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < i; j++) C[i * n + j] = C[j * n + i] = 0.5 * (C[i * n + j] + C[j * n + i]);
  KhJacobiEigen(n, C, Z, lam);
  for (PetscInt e = 0; e < n; e++) { /* V = L^-T Z, vector by vector */
    PetscCall(PetscArraycpy(&V[e * n], &Z[e * n], n));
    KhTriangularSolve(n, L, PETSC_TRUE, &V[e * n]);
  }
  PetscCall(PetscFree3(L, C, Z));
  PetscFunctionReturn(0);
}

/* The generalised eigenproblem of the 1-D interior matrices, K V = M V diag(lam) with V^T M V = I (the
   same in x and y): V[i*n + g] is eigenvector i. Done before the lifting, whose Cholesky then finds
   LAPACK's code already loaded (a fresh process pays tens of microseconds for each first call). */
static PetscErrorCode KhTensorEigen(PoissonKhronos *kh, PetscReal V[], PetscReal lam[])
{
  const PetscInt n = kh->n, G = kh->nodes;
  PetscReal     *B, *work, wq;
  PetscBLASInt   bn, lwork = -1, info, itype = 1;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscMalloc1(n * n, &B));
  for (PetscInt g = 0; g < n; g++)
    for (PetscInt h = 0; h < n; h++) {
      V[g * n + h] = kh->Kf[(g + 1) * G + h + 1];
      B[g * n + h] = kh->Mf[(g + 1) * G + h + 1];
    }
  if (n <= KH_JACOBI_MAX) {
    PetscReal *K;
    PetscCall(PetscMalloc1(n * n, &K));
    PetscCall(PetscArraycpy(K, V, n * n));
    PetscCall(KhJacobiGeneralized(n, K, B, V, lam));
    PetscCall(PetscFree(K));
    PetscCall(PetscFree(B));
    PetscFunctionReturn(0);
  }
  PetscCallBLAS("LAPACKsygv", LAPACKsygv_(&itype, "V", "U", &bn, V, &bn, B, &bn, lam, &wq, &lwork, &info));
  lwork = PetscMax((PetscBLASInt)wq, 3 * bn);
  PetscCall(PetscMalloc1(lwork, &work));
  PetscCallBLAS("LAPACKsygv", LAPACKsygv_(&itype, "V", "U", &bn, V, &bn, B, &bn, lam, work, &lwork, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK sygv of the %" PetscInt_FMT " x %" PetscInt_FMT " spline stiffness and mass matrices failed (info %d)", n, n, (int)info);
  PetscCall(PetscFree(B));
  PetscCall(PetscFree(work));
  PetscFunctionReturn(0);
}

/* The 2-D Galerkin solution in the whole tensor spline space, truncated to the lowest rank whose energy
   error is within the tolerance. With V, lam from KhTensorEigen the system K U M + M U K = X is diagonal:
   U = V Ut V^T, Ut_ij = (V^T X V)_ij / (lam_i + lam_j). Since V^T M V = I, L2-optimal low-rank forms of
   u_h are those of Ut: its right singular vectors q (eigenvectors of the Gram matrix Ut^T Ut, by the
   symmetric eigensolver already loaded for sygv; the mode's other factor is Ut q, so a noisy small
   eigenvalue costs at most a less than optimal mode, never a wrong error) are added in order until the
   energy error of the truncation, 1/2 a(u_h - u_r, u_h - u_r) = 1/2 sum_ij (lam_i + lam_j) E_ij^2 with
   E = Ut (I - Q_r Q_r^T) (Galerkin orthogonality), is <= tol |J(u_h)| or the rank reaches its cap.
   Cost O(n^3), n = G - 2. */
static PetscErrorCode KhTensorSolve(PoissonKhronos *kh, const PetscReal V[], const PetscReal lam[], const PetscReal X[], PetscViewer monitor)
{
  const PetscInt n = kh->n, Mx = kh->modes_max;
  PetscReal     *Ut, *tmp, *Q, *ev, *t, *work, Jh = 0, aerr = 0, wq;
  PetscBLASInt   bn, lwork = -1, info = 0;
  PetscReal      one = 1, zero = 0;
  PetscInt       r;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscMalloc5(n * n, &Ut, n * n, &tmp, n * n, &Q, n, &ev, n, &t));
  PetscCallBLAS("BLASgemm", BLASgemm_("T", "N", &bn, &bn, &bn, &one, V, &bn, X, &bn, &zero, tmp, &bn));
  PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bn, &bn, &bn, &one, tmp, &bn, V, &bn, &zero, Ut, &bn));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal xt = Ut[j * n + i];
      Ut[j * n + i]      = xt / (lam[i] + lam[j]);
      Jh -= 0.5 * xt * Ut[j * n + i];
      aerr += (lam[i] + lam[j]) * PetscSqr(Ut[j * n + i]);
    }
  PetscCallBLAS("BLASgemm", BLASgemm_("T", "N", &bn, &bn, &bn, &one, Ut, &bn, Ut, &bn, &zero, Q, &bn));
  if (n <= KH_JACOBI_MAX) {
    PetscCall(PetscArraycpy(tmp, Q, n * n));
    KhJacobiEigen(n, tmp, Q, ev);
    work = NULL;
  } else {
    PetscCallBLAS("LAPACKsyev", LAPACKsyev_("V", "U", &bn, Q, &bn, ev, &wq, &lwork, &info));
    lwork = PetscMax((PetscBLASInt)wq, 3 * bn);
    PetscCall(PetscMalloc1(lwork, &work));
    PetscCallBLAS("LAPACKsyev", LAPACKsyev_("V", "U", &bn, Q, &bn, ev, work, &lwork, &info));
  }
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK syev of the %" PetscInt_FMT " x %" PetscInt_FMT " Gram matrix of the tensor Galerkin solution failed (info %d)", n, n, (int)info);
  PetscCall(PetscCalloc1(2 * Mx * n, &kh->W));
  for (r = 0; r < Mx && r < n && 0.5 * aerr > kh->tol * PetscAbsReal(Jh); r++) {
    const PetscReal *q  = &Q[(n - 1 - r) * n]; /* eigenvalues ascending: the largest first */
    PetscReal        tn = 0, sx, sy;
    for (PetscInt i = 0; i < n; i++) { /* t = E q = Ut q, the residual E being orthogonal to the modes taken */
      t[i] = 0;
      for (PetscInt j = 0; j < n; j++) t[i] += Ut[j * n + i] * q[j];
      tn += t[i] * t[i];
    }
    aerr = 0;
    for (PetscInt j = 0; j < n; j++)
      for (PetscInt i = 0; i < n; i++) {
        Ut[j * n + i] -= t[i] * q[j];
        aerr += (lam[i] + lam[j]) * PetscSqr(Ut[j * n + i]);
      }
    tn = PetscSqrtReal(tn);
    sx = PetscSqrtReal(tn); /* the norms balanced: x factor V q sqrt|t|, y factor V t / sqrt|t| */
    sy = tn > 0 ? 1.0 / sx : 0;
    for (PetscInt g = 0; g < n; g++) {
      PetscReal vx = 0, vy = 0;
      for (PetscInt i = 0; i < n; i++) {
        vx += V[i * n + g] * q[i];
        vy += V[i * n + g] * t[i];
      }
      kh->W[r * n + g]        = sx * vx;
      kh->W[(Mx + r) * n + g] = sy * vy;
    }
    if (monitor) PetscCall(PetscViewerASCIIPrintf(monitor, "  khronos: tensor solve, rank %" PetscInt_FMT ": singular value %.3e, energy error of the truncation %.3e (tol %g |J|)\n", r + 1, (double)tn, (double)(0.5 * aerr), (double)kh->tol));
  }
  kh->modes            = r;
  kh->energy           = Jh + 0.5 * aerr;
  kh->truncation_error = 0.5 * aerr;
  kh->truncation       = 0.5 * aerr <= kh->tol * PetscAbsReal(Jh) ? "tolerance" : (r == n ? "full rank" : "rank cap");
  PetscCall(PetscFree5(Ut, tmp, Q, ev, t));
  PetscCall(PetscFree(work));
  PetscFunctionReturn(0);
}

/* -khronos_solve tensor (2-D): source by tensor quadrature (or, when the rank-1 cross probe finds f
   separable to the source tolerance, from its two fibres: 2 nq evaluations instead of nq^2), lifting, exact Galerkin solve in the tensor
   space, rank truncation. */
static PetscErrorCode KhSolveTensor2D(PoissonKhronos *kh, PoissonExact exact, PetscReal stol, PetscInt srank, PetscBool cross, PetscViewer monitor, PetscLogDouble *t1)
{
  const PetscInt n         = kh->n;
  PetscBool      separable = PETSC_FALSE, probe;
  EvalCtx        ec        = {exact, 2, 1, 0, 0, kh->a, kh->b};
  CPGrid         fcp;
  PetscReal     *X, *V, *lam;

  PetscFunctionBegin;
  /* the probe costs (KH_PROBE_REPS + 2) nq evaluations, wasted when f is not separable: worth it only when the
     grid's nq^2 are many more. Without it the source options change nothing: refused, not ignored */
  probe = cross && kh->nq > 4 * (KH_PROBE_REPS + 2) ? PETSC_TRUE : PETSC_FALSE;
  if (!probe) {
    PetscBool tolset, crossset;
    char      why[256];

    PetscCall(PetscOptionsHasName(NULL, NULL, "-khronos_source_tol", &tolset));
    PetscCall(PetscOptionsHasName(NULL, NULL, "-khronos_source_cross", &crossset));
    if (cross)
      PetscCall(PetscSNPrintf(why, sizeof(why), "tries only on more than %d quadrature points per direction, not %" PetscInt_FMT " (-sna_khronos_nodes %" PetscInt_FMT ", degree %" PetscInt_FMT ")", 4 * (KH_PROBE_REPS + 2), kh->nq, kh->nodes, kh->degree));
    else
      PetscCall(PetscStrncpy(why, "does not try under -khronos_source_cross false", sizeof(why)));
    PetscCheck(!tolset, kh->comm, PETSC_ERR_USER_INPUT, "-khronos_source_tol %g is the tolerance of the source's rank-1 cross probe, which -khronos_solve tensor %s: f is integrated on the tensor grid, not compressed. Remove -khronos_source_tol%s, or use -khronos_solve als (which compresses f to it)", (double)stol, why, cross ? ", raise -sna_khronos_nodes" : "");
    PetscCheck(!(crossset && cross), kh->comm, PETSC_ERR_USER_INPUT, "-khronos_source_cross asks for the source's rank-1 cross probe, which -khronos_solve tensor %s: remove it, raise -sna_khronos_nodes, or use -khronos_solve als", why);
    PetscCheck(!(crossset && !cross && kh->nq <= 4 * (KH_PROBE_REPS + 2)), kh->comm, PETSC_ERR_USER_INPUT, "-khronos_source_cross false skips the source's rank-1 cross probe, which -khronos_solve tensor tries only on more than %d quadrature points per direction, not %" PetscInt_FMT " (-sna_khronos_nodes %" PetscInt_FMT ", degree %" PetscInt_FMT "), so it changes nothing: remove it", 4 * (KH_PROBE_REPS + 2), kh->nq, kh->nodes, kh->degree);
  }
  kh->source_tol_used = probe;
  PetscCall(PetscMemzero(&fcp, sizeof(fcp)));
  fcp.nd = 2;
  fcp.nq = kh->nq;
  PetscCall(PetscMalloc3(n * n, &X, n * n, &V, n, &lam));
  PetscCall(PetscLogEventBegin(KH_BASIS, 0, 0, 0, 0));
  PetscCall(KhTensorEigen(kh, V, lam));
  PetscCall(PetscLogEventEnd(KH_BASIS, 0, 0, 0, 0));
  PetscCall(PetscLogEventBegin(KH_LIFT, 0, 0, 0, 0));
  PetscCall(BuildLifting(kh, exact, stol, srank, cross, monitor));
  PetscCall(PetscLogEventEnd(KH_LIFT, 0, 0, 0, 0));
  PetscCall(PetscLogEventBegin(KH_SOURCE, 0, 0, 0, 0));
  if (probe) PetscCall(CPGridProbeRankOne(kh->comm, &ec, 2, kh->nq, kh->xq, kh->wq, stol, 1, "source f", &fcp, &separable));
  if (monitor && probe) PetscCall(PetscViewerASCIIPrintf(monitor, "  khronos: source f rank-1 cross probe %s\n", separable ? "passed its check: separable" : "failed its check: tensor quadrature"));
  PetscCall(KhTensorLoad(kh, exact, separable ? &fcp : NULL, X));
  PetscCall(PetscLogEventEnd(KH_SOURCE, 0, 0, 0, 0));
  kh->source_rank   = separable ? 1 : 0;
  kh->source_error  = separable ? fcp.relerr : 0;
  kh->source_method = separable ? fcp.method : "tensor quadrature, not compressed";
  if (separable) PetscCall(PetscFree(fcp.H));
  PetscCall(PetscTime(t1));
  PetscCall(PetscLogEventBegin(KH_SOLVE, 0, 0, 0, 0));
  PetscCall(KhTensorSolve(kh, V, lam, X, monitor));
  PetscCall(PetscLogEventEnd(KH_SOLVE, 0, 0, 0, 0));
  kh->dofs         = 2 * n * kh->modes;
  kh->total_sweeps = 0;
  PetscCall(PetscFree3(X, V, lam));
  PetscFunctionReturn(0);
}

/* The Ritz form of the homogeneous part u0 = u - L over the SNA's basis (SNASetRitzForm()): the same 1-D
   stiffness and mass matrices in every direction; the source's R separable terms (f's low-rank factors projected
   onto the basis), then -a(L, v) of each lifting term t as d separable terms, term (t, q) having -K l_{t,q} in
   direction q and M l_{t,r} in the others. F[(s*d + p)*G + g]; returns the number of terms. */
static PetscErrorCode KhRitzForm(PoissonKhronos *kh, const CPGrid *fcp, PetscReal K[], PetscReal M[], PetscReal **F, PetscInt *nterms)
{
  const PetscInt d = kh->dim, G = kh->nodes, nq = kh->nq, R = fcp->R, T = kh->lift_terms;
  PetscReal     *f;

  PetscFunctionBegin;
  for (PetscInt p = 0; p < d; p++) {
    PetscCall(PetscArraycpy(K + p * G * G, kh->Kf, G * G));
    PetscCall(PetscArraycpy(M + p * G * G, kh->Mf, G * G));
  }
  *nterms = R + T * d;
  PetscCall(PetscCalloc1(PetscMax(1, *nterms * d * G), F));
  f = *F;
  for (PetscInt s = 0; s < R; s++)
    for (PetscInt p = 0; p < d; p++)
      for (PetscInt g = 0; g < G; g++) {
        PetscReal v = 0;
        for (PetscInt q = 0; q < nq; q++) v += kh->wq[q] * kh->Bq[q * G + g] * fcp->H[(s * d + p) * nq + q];
        f[(s * d + p) * G + g] = v;
      }
  for (PetscInt t = 0; t < T; t++)
    for (PetscInt q = 0; q < d; q++)
      for (PetscInt p = 0; p < d; p++) {
        const PetscReal *l = &kh->lift[(t * d + p) * G], *A = p == q ? kh->Kf : kh->Mf;
        PetscReal       *v = &f[((R + t * d + q) * d + p) * G];
        for (PetscInt g = 0; g < G; g++) {
          PetscReal s = 0;
          for (PetscInt h = 0; h < G; h++) s += A[g * G + h] * l[h];
          v[g] = p == q ? -s : s;
        }
      }
  PetscFunctionReturn(0);
}

/* Copies the fitted modes of kh->sna (boundary coefficients zero, output weights folded into the first factor)
   into kh->W, with the fit's figures, and replaces the fitted SNA by a new one of the same box and basis that
   KhStoreSolution() fills with the modes and the lifting terms (a fitted model's basis is fixed). */
static PetscErrorCode KhReadRitzSolution(PoissonKhronos *kh)
{
  const PetscInt     d = kh->dim, G = kh->nodes, n = kh->n, Mx = kh->modes_max;
  PetscInt           M, np, its, max_it;
  PetscReal         *theta, lo[POISSON_EXACT_MAX_DIM], hi[POISSON_EXACT_MAX_DIM], atol, rtol;
  SNAConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(SNAKhronosGetBasis(kh->sna, NULL, NULL, &M));
  PetscCall(SNAGetNumParameters(kh->sna, &np));
  PetscCall(PetscMalloc1(np, &theta));
  PetscCall(SNAGetParameters(kh->sna, theta));
  PetscCall(PetscCalloc1(d * Mx * n, &kh->W));
  for (PetscInt p = 0; p < d; p++)
    for (PetscInt m = 0; m < M; m++)
      for (PetscInt g = 0; g < n; g++) kh->W[(p * Mx + m) * n + g] = theta[(p * G + g + 1) * M + m] * (p ? 1.0 : theta[d * G * M + m]);
  PetscCall(PetscFree(theta));
  kh->modes = M;
  kh->dofs  = d * n * M;
  PetscCall(SNAGetObjectiveValue(kh->sna, &kh->energy));
  PetscCall(SNAGetIterationNumber(kh->sna, &its));
  PetscCall(SNAGetConvergedReason(kh->sna, &reason));
  kh->total_sweeps = its;
  kh->reason       = SNAConvergedReasons[reason];
  /* the fit's reason is its last stage's: a growth that reached the cap says CONVERGED_RTOL too */
  kh->rank_stop = reason == SNA_DIVERGED_NANORINF ? "not finite" : (M < Mx ? "tolerance" : "rank cap");
  PetscCall(SNAGetTolerances(kh->sna, &atol, &rtol, &max_it));
  PetscCall(SNADestroy(&kh->sna));
  for (PetscInt p = 0; p < d; p++) {
    lo[p] = kh->a;
    hi[p] = kh->b;
  }
  PetscCall(SNACreate(kh->comm, &kh->sna));
  PetscCall(SNASetType(kh->sna, SNAKHRONOS));
  PetscCall(SNASetSizes(kh->sna, d, 1));
  PetscCall(SNASetBounds(kh->sna, lo, hi));
  PetscCall(SNASetTolerances(kh->sna, atol, rtol, max_it)); /* what -sna_view reports */
  PetscFunctionReturn(0);
}

/* -khronos_solve als: low-rank source and lifting, then the SNA's Ritz fit of the homogeneous part (the class's
   block ALS with greedy rank growth: SNASetRitzForm(), SNAFit()). */
static PetscErrorCode KhSolveALS(PoissonKhronos *kh, PoissonExact exact, PetscReal stol, PetscInt srank, PetscBool cross, PetscViewer monitor, PetscLogDouble *t1)
{
  const PetscInt d = kh->dim, G = kh->nodes;
  CPGrid         fcp;
  EvalCtx        ec = {exact, d, 1, 0, 0, kh->a, kh->b};
  PetscReal     *K, *M, *F;
  PetscInt       nterms;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(KH_SOURCE, 0, 0, 0, 0));
  PetscCall(CPGridCompress(kh->comm, &ec, d, kh->nq, kh->xq, kh->wq, stol, srank, cross, monitor, "source f", &fcp));
  PetscCall(PetscLogEventEnd(KH_SOURCE, 0, 0, 0, 0));
  kh->source_rank   = fcp.R;
  kh->source_error  = fcp.relerr;
  kh->source_method = fcp.method;
  /* the compression's tolerance applies, reached or not (source_error says) */
  kh->source_tol_used = PETSC_TRUE;
  PetscCall(PetscLogEventBegin(KH_LIFT, 0, 0, 0, 0));
  PetscCall(BuildLifting(kh, exact, stol, srank, cross, monitor));
  PetscCall(PetscLogEventEnd(KH_LIFT, 0, 0, 0, 0));
  PetscCall(PetscMalloc2(d * G * G, &K, d * G * G, &M));
  PetscCall(KhRitzForm(kh, &fcp, K, M, &F, &nterms));
  PetscCall(PetscFree(fcp.H));
  PetscCall(SNASetRitzForm(kh->sna, K, M, nterms, F, PETSC_TRUE));
  PetscCall(PetscFree2(K, M));
  PetscCall(PetscFree(F));
  PetscCall(PetscTime(t1));
  PetscCall(PetscLogEventBegin(KH_SOLVE, 0, 0, 0, 0));
  PetscCall(SNAFit(kh->sna, NULL, NULL));
  PetscCall(PetscLogEventEnd(KH_SOLVE, 0, 0, 0, 0));
  PetscCall(KhReadRitzSolution(kh));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonKhronosViewOptions(MPI_Comm comm, PetscInt dim, PetscReal a, PetscReal b)
{
  PoissonKhronos kh;
  PetscBool      tensor, cross, monitor;
  PetscReal      stol;
  PetscInt       srank;
  PetscErrorCode ierr;
  SNA            sna;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&kh, sizeof(kh)));
  kh.comm = comm;
  kh.dim  = dim;
  kh.a    = a;
  kh.b    = b;
  /* a help run checks nothing: a refused -khronos_solve or source option is listed, and the default solve's SNA */
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = KhGetSolveType(&kh, &tensor);
  PetscCall(PetscPopErrorHandler());
  if (ierr) tensor = dim == 2 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(SNACreate(comm, &sna));
  PetscCall(KhSetDefaults(sna, dim, a, b, tensor));
  if (tensor) {
    /* the tensor solve's rank cap is the whole space, G - 2 modes, not the SNA's default (KhCreateSNA()): listed so,
       with G read as the SNA reads it (the ALS default 4 was listed, and given, it capped the solve) */
    PetscInt  nodes[POISSON_EXACT_MAX_DIM], n = POISSON_EXACT_MAX_DIM, G = 10;
    PetscBool set = PETSC_FALSE;

    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = PetscOptionsGetIntArray(NULL, NULL, "-sna_khronos_nodes", nodes, &n, &set);
    PetscCall(PetscPopErrorHandler());
    if (!ierr && set && n > 0) { /* a bad value: the listing below names it */
      G = nodes[0];
      for (PetscInt i = 1; i < n; i++) G = PetscMax(G, nodes[i]);
    }
    PetscCall(SNAKhronosSetBasis(sna, 3, 10, PetscMin(PetscMax(G - 2, 1), 65536))); /* the class's largest rank */
  }
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNADestroy(&sna));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = KhGetSourceOptions(&kh, &stol, &srank, &cross, &monitor);
  PetscCall(PetscPopErrorHandler());
  (void)ierr;
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonKhronosSolve(MPI_Comm comm, PoissonExact exact, PetscInt dim, PetscReal a, PetscReal b, PoissonKhronos *kh)
{
  PetscInt       edim, srank, nint, qper;
  PetscReal      stol, times[2];
  PetscBool      cross, tensor = PETSC_FALSE, monitorset;
  PetscViewer    monitor = NULL;
  PetscLogDouble t0, t1 = 0, t2;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(kh, sizeof(*kh)));
  PetscCall(PoissonExactGetInfo(exact, &edim, NULL));
  PetscCheck(edim == dim, comm, PETSC_ERR_ARG_INCOMP, "The exact solution is %" PetscInt_FMT "-D but the problem is %" PetscInt_FMT "-D", edim, dim);
  kh->comm = comm;
  kh->dim  = dim;
  kh->a    = a;
  kh->b    = b;
  PetscCall(KhGetSolveType(kh, &tensor));
  PetscCall(KhCreateSNA(kh, tensor));
  PetscCall(KhGetSourceOptions(kh, &stol, &srank, &cross, &monitorset));
  kh->source_tol = stol;
  kh->n          = kh->nodes - 2;
  /* the tensor solve integrates f by k Gauss points per interval (exact to degree 2k - 1, enough for the
     optimal L2 rate; the errors equal those of k + 1 points to 3 digits, at (k/(k+1))^2 of the f
     evaluations, which are the solve's main cost); the compressions of the ALS solve fit on k + 4
     points per interval on coarse grids */
  nint = kh->nodes - kh->degree;
  qper = tensor ? kh->degree : kh->degree + 1 + (nint >= 32 ? 0 : 3);
  PetscCall(KhCheckMemory(kh, tensor, qper));
  /* -exact_view after the checks (a refused run leaves no view file), before -sna_monitor (it may share the file) */
  PetscCall(PoissonExactViewFromOptions(exact));
  if (monitorset) PetscCall(SNAPSOptionsGetTextViewer(comm, NULL, NULL, "-sna_monitor", &monitor, NULL)); /* the checks passed */
  PetscCall(KhRegisterEvents());
  PetscCallMPI(MPI_Barrier(comm));
  PetscCall(PetscTime(&t0));
  PetscCall(PetscLogEventBegin(KH_BASIS, 0, 0, 0, 0));
  PetscCall(KhSetUpBasis(kh, qper));
  PetscCall(PetscLogEventEnd(KH_BASIS, 0, 0, 0, 0));
  if (tensor)
    PetscCall(KhSolveTensor2D(kh, exact, stol, srank, cross, monitor, &t1));
  else
    PetscCall(KhSolveALS(kh, exact, stol, srank, cross, monitor, &t1));
  PetscCall(PetscViewerDestroy(&monitor));
  PetscCall(PetscTime(&t2));
  times[0] = (PetscReal)(t1 - t0);
  times[1] = (PetscReal)(t2 - t1);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, times, 2, MPIU_REAL, MPIU_MAX, comm));
  kh->setup_time = times[0];
  kh->solve_time = times[1];
  PetscCall(KhStoreSolution(kh));
  PetscFunctionReturn(0);
}

/* The solution as a list of separable terms with full-basis coefficient vectors: the modes (zero
   boundary coefficients) and the lifting terms; C[(i*d + p)*G + g]. */
typedef struct {
  PoissonKhronos *kh;
  PetscInt        nt;
  PetscReal      *C, *v, *dv;
} KhTerms;

/* Gathers the terms of the solution from the SNA's parameters theta = [W, C], folding each output
   weight C[s] into the term's first factor. */
static PetscErrorCode KhTermsCreate(PoissonKhronos *kh, KhTerms *t)
{
  const PetscInt d = kh->dim, G = kh->nodes;
  PetscInt       np;
  PetscReal     *theta;

  PetscFunctionBegin;
  t->kh = kh;
  PetscCall(SNAKhronosGetBasis(kh->sna, NULL, NULL, &t->nt));
  PetscCall(SNAGetNumParameters(kh->sna, &np));
  PetscCall(PetscMalloc1(np, &theta));
  PetscCall(SNAGetParameters(kh->sna, theta));
  PetscCall(PetscCalloc3(t->nt * d * G, &t->C, t->nt * d, &t->v, t->nt * d, &t->dv));
  for (PetscInt s = 0; s < t->nt; s++)
    for (PetscInt p = 0; p < d; p++)
      for (PetscInt g = 0; g < G; g++) t->C[(s * d + p) * G + g] = theta[(p * G + g) * t->nt + s] * (p ? 1.0 : theta[d * G * t->nt + s]);
  PetscCall(PetscFree(theta));
  PetscFunctionReturn(0);
}

/* PoissonApproxFn: u_h and grad u_h at npoints points. */
static PetscErrorCode KhEvaluate(void *ctx, PetscInt npoints, const PetscReal x[], PetscReal u[], PetscReal grad[])
{
  KhTerms        *t  = (KhTerms *)ctx;
  PoissonKhronos *kh = t->kh;
  const PetscInt  d = kh->dim, G = kh->nodes, k = kh->degree;
  PetscReal       ders[2 * (SNA_BSPLINE_MAX_DEGREE + 1)];

  PetscFunctionBegin;
  for (PetscInt i = 0; i < npoints; i++) {
    for (PetscInt p = 0; p < d; p++) {
      PetscInt first;
      PetscCall(SNABSplineEvaluateDerivatives(&kh->bs, x[i * d + p], 1, &first, ders));
      for (PetscInt s = 0; s < t->nt; s++) {
        const PetscReal *cc = &t->C[(s * d + p) * G + first];
        PetscReal        v = 0, dv = 0;
        for (PetscInt j = 0; j <= k; j++) {
          v += ders[j] * cc[j];
          dv += ders[k + 1 + j] * cc[j];
        }
        t->v[s * d + p]  = v;
        t->dv[s * d + p] = dv;
      }
    }
    u[i] = 0;
    for (PetscInt p = 0; p < d; p++) grad[i * d + p] = 0;
    for (PetscInt s = 0; s < t->nt; s++) {
      PetscReal pr = 1;
      for (PetscInt p = 0; p < d; p++) pr *= t->v[s * d + p];
      u[i] += pr;
      for (PetscInt p = 0; p < d; p++) {
        PetscReal g = t->dv[s * d + p];
        for (PetscInt r = 0; r < d; r++)
          if (r != p) g *= t->v[s * d + r];
        grad[i * d + p] += g;
      }
    }
  }
  PetscFunctionReturn(0);
}

/* Inner product of two sums of separable terms given by their 1-D factors A[(a*d + p)*n + k] and
   B[(b*d + p)*n + k]: sum_a sum_b prod_p sum_k w_k A_{a,p,k} B_{b,p,k} (w = NULL: unit weights). */
static PetscReal SeparableInner(PetscInt na, const PetscReal A[], PetscInt nb, const PetscReal B[], PetscInt d, PetscInt n, const PetscReal w[])
{
  PetscReal sum = 0;

  for (PetscInt a = 0; a < na; a++)
    for (PetscInt b = 0; b < nb; b++) {
      PetscReal pr = 1;
      for (PetscInt p = 0; p < d; p++) {
        const PetscReal *fa = A + (a * d + p) * n, *fb = B + (b * d + p) * n;
        PetscReal        v = 0;
        if (w)
          for (PetscInt k = 0; k < n; k++) v += w[k] * fa[k] * fb[k];
        else
          for (PetscInt k = 0; k < n; k++) v += fa[k] * fb[k];
        pr *= v;
      }
      sum += pr;
    }
  return sum;
}

PetscErrorCode PoissonKhronosComputeErrors(PoissonKhronos *kh, PoissonExact exact, PetscInt cells, PetscInt order, PetscReal *l2grid, PetscReal *h1, PetscReal *l2sep, PetscInt *urank, PetscReal *uerr)
{
  const PetscInt d = kh->dim, G = kh->nodes, qsolve = kh->nq / (G - kh->degree), qerr = PetscMax(qsolve, kh->degree + 4);
  PetscInt       nq = kh->nq;
  PetscReal     *xq = kh->xq, *wq = kh->wq, *Bq = kh->Bq;
  KhTerms        t;
  CPGrid         ucp;
  EvalCtx        ec  = {exact, d, 0, 0, 0, kh->a, kh->b};
  PetscReal      uh2 = 0, cross = 0, u2 = 0, *MC, *V;

  PetscFunctionBegin;
  PetscCall(KhTermsCreate(kh, &t));
  PetscCall(PoissonErrorsComputeGrid(kh->comm, exact, kh->a, kh->b, cells, order, KhEvaluate, &t, l2grid, h1));
  /* separable: ||u_h||^2 - 2 (u_h, u~) + ||u~||^2 with u~ the low-rank compression of u. ||u_h||^2 is exact (mass
     matrix), so the other two terms need a rule whose error is far below the discretisation's: at least k + 4
     Gauss points per interval (the tensor solve's k points made the 2-D figure 10x too large) */
  if (qerr != qsolve) PetscCall(KhGaussRule(kh, qerr, &nq, &xq, &wq, &Bq));
  PetscCall(CPGridCompress(kh->comm, &ec, d, nq, xq, wq, 1e-13, 16, PETSC_FALSE, PETSC_FALSE, "exact u", &ucp));
  PetscCall(PetscCalloc2(PetscMax(1, t.nt * d * G), &MC, PetscMax(1, t.nt * d * nq), &V));
  for (PetscInt i = 0; i < t.nt * d; i++)
    for (PetscInt g = 0; g < G; g++) {
      PetscReal s = 0;
      for (PetscInt h = 0; h < G; h++) s += kh->Mf[g * G + h] * t.C[i * G + h];
      MC[i * G + g] = s;
    }
  for (PetscInt i = 0; i < t.nt * d; i++)
    for (PetscInt q = 0; q < nq; q++) {
      PetscReal s = 0;
      for (PetscInt g = 0; g < G; g++) s += Bq[q * G + g] * t.C[i * G + g];
      V[i * nq + q] = s;
    }
  uh2    = SeparableInner(t.nt, t.C, t.nt, MC, d, G, NULL);
  cross  = SeparableInner(t.nt, V, ucp.R, ucp.H, d, nq, wq);
  u2     = SeparableInner(ucp.R, ucp.H, ucp.R, ucp.H, d, nq, wq);
  *l2sep = PetscMax(uh2 - 2 * cross + u2, 0);
  *urank = ucp.R;
  *uerr  = ucp.relerr;
  PetscCall(PetscFree2(MC, V));
  PetscCall(PetscFree(ucp.H));
  PetscCall(PetscFree3(t.C, t.v, t.dv));
  if (qerr != qsolve) PetscCall(PetscFree3(xq, wq, Bq));
  PetscFunctionReturn(0);
}

/* Writes the XDMF description of the structured grid behind a PoissonKhronosViewSolution() file h5: the
   points /X (in the grid's row-major order, last direction fastest, which is the order the Topology
   dimensions give) and the node values /u. Rank 0 builds the text; it replaces the .xmf whole. */
static PetscErrorCode KhWriteXDMF(MPI_Comm comm, const char h5[], PetscInt d, const PetscInt n[])
{
  char        xmf[PETSC_MAX_PATH_LEN], dims[64] = "", text[2 * PETSC_MAX_PATH_LEN + 1024] = "";
  const char *base;
  PetscInt    N = 1;
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCall(SNAPSTrajectoryXdmfName(h5, xmf, sizeof(xmf)));                  /* like PETSc's petsc_gen_xdmf.py: u.h5 -> u.xmf */
  PetscCallMPI(MPI_Bcast(xmf, (PetscMPIInt)sizeof(xmf), MPI_CHAR, 0, comm)); /* rank 0's judgement */
  if (!xmf[0]) PetscFunctionReturn(0);                                       /* no XDMF beside a stream */
  base = strrchr(h5, '/');                                                   /* the .xmf sits next to the .h5 and names it relatively */
  base = base ? base + 1 : h5;
  for (PetscInt p = 0; p < d; p++) {
    char num[24];
    PetscCall(PetscSNPrintf(num, sizeof(num), p ? " %" PetscInt_FMT : "%" PetscInt_FMT, n[p]));
    PetscCall(PetscStrlcat(dims, num, sizeof(dims)));
    N *= n[p];
  }
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank)
    PetscCall(PetscSNPrintf(text, sizeof(text),
                            "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n<Xdmf Version=\"2.0\">\n  <Domain>\n    <Grid Name=\"khronos\" GridType=\"Uniform\">\n"
                            "      <Topology TopologyType=\"%" PetscInt_FMT "DSMesh\" Dimensions=\"%s\"/>\n"
                            "      <Geometry GeometryType=\"%s\">\n        <DataItem Dimensions=\"%" PetscInt_FMT " %" PetscInt_FMT "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/X</DataItem>\n      </Geometry>\n"
                            "      <Attribute Name=\"u\" AttributeType=\"Scalar\" Center=\"Node\">\n        <DataItem Dimensions=\"%s\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/u</DataItem>\n      </Attribute>\n"
                            "    </Grid>\n  </Domain>\n</Xdmf>\n",
                            d, dims, d == 2 ? "XY" : "XYZ", N, d, base, dims, base));
  PetscCall(SNAPSWriteFileReplace(comm, xmf, text, rank ? 0 : strlen(text))); /* not synced: neither is the HDF5 file */
  PetscFunctionReturn(0);
}

/* Adds the values u (all on rank 0) to the file as the dataset /u shaped like the grid, n[0] x ... x n[d-1]:
   ParaView's XDMF readers (xdmf2 and xdmf3) read a structured grid's attribute reliably only from a
   dataset of the grid's shape, not from the N x 1 /Y. Rank 0 writes; every rank learns the outcome, and the error
   (collective) names user, the file the temporary file is renamed to. */
static PetscErrorCode KhAppendGridValues(MPI_Comm comm, const char file[], const char user[], PetscInt d, const PetscInt n[], const PetscReal u[])
{
  PetscMPIInt rank;
  int         ok = 1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    hsize_t dims[3];
    hid_t   f, space = -1, dset = -1;

    for (PetscInt p = 0; p < d; p++) dims[p] = (hsize_t)n[p];
    f = H5Fopen(file, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f >= 0) space = H5Screate_simple((int)d, dims, NULL);
    if (space >= 0) dset = H5Dcreate2(f, "u", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ok = dset >= 0 && H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, u) >= 0;
    if (dset >= 0 && H5Dclose(dset) < 0) ok = 0;
    if (space >= 0 && H5Sclose(space) < 0) ok = 0;
    if (f < 0 || H5Fclose(f) < 0) ok = 0;
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "Cannot add the grid-shaped values /u to -view_solution '%s' (its temporary file, written just before): check the disk space and the directory's permissions", user);
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonKhronosCheckViewPoints(MPI_Comm comm, PetscInt dim, PetscInt npoints)
{
  char what[128];

  PetscFunctionBegin;
  PetscCheck(npoints >= 2, comm, PETSC_ERR_USER_INPUT, "-khronos_view_points must be at least 2, not %" PetscInt_FMT, npoints);
  /* the grid's points, values and the copy written: refused before N = npoints^d can wrap */
  PetscCall(PetscSNPrintf(what, sizeof(what), "-khronos_view_points %" PetscInt_FMT " in %" PetscInt_FMT "-D", npoints, dim));
  PetscCall(SNAPSCheckMemory(comm, 8.0 * (dim + 3) * PetscPowRealInt((PetscReal)npoints, dim), what));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonKhronosViewSolution(PoissonKhronos *kh, const char file[], PetscInt npoints)
{
  const PetscInt   d        = kh->dim;
  const char      *names[2] = {"/X", "/Y"};
  PetscInt         n[3], N = 1, nlocal;
  PetscReal       *coords[3], *x;
  const PetscReal *u;
  PetscMPIInt      rank;
  Vec              vecs[2];

  PetscFunctionBegin;
  PetscCheck(d == 2 || d == 3, kh->comm, PETSC_ERR_SUP, "-view_solution writes 2-D and 3-D grids for ParaView, not %" PetscInt_FMT "-D: save the solution with -model u.h5 and evaluate it with snaps-predict instead", d);
  PetscCall(PoissonKhronosCheckViewPoints(kh->comm, d, npoints));
  for (PetscInt p = 0; p < d; p++) {
    n[p] = npoints;
    N *= npoints;
    PetscCall(PetscMalloc1(npoints, &coords[p]));
    for (PetscInt i = 0; i < npoints; i++) coords[p][i] = kh->a + (kh->b - kh->a) * i / (npoints - 1);
  }
  /* rank 0 holds the whole grid (a view file is small), so it can also write the grid-shaped /u */
  PetscCallMPI(MPI_Comm_rank(kh->comm, &rank));
  nlocal = rank ? 0 : N;
  PetscCall(VecCreateMPI(kh->comm, nlocal, N, &vecs[1]));
  PetscCall(SNAEvaluateGrid(kh->sna, n, (const PetscReal *const *)coords, vecs[1]));
  PetscCall(VecCreateMPI(kh->comm, nlocal * d, N * d, &vecs[0]));
  PetscCall(VecSetBlockSize(vecs[0], d));
  PetscCall(VecGetArrayWrite(vecs[0], &x));
  for (PetscInt i = 0; i < nlocal; i++) { /* grid point i in row-major order, last direction fastest */
    PetscInt r = i;
    for (PetscInt p = d - 1; p >= 0; p--) {
      x[i * d + p] = coords[p][r % n[p]];
      r /= n[p];
    }
  }
  PetscCall(VecRestoreArrayWrite(vecs[0], &x));
  { /* the dataset and the grid-shaped /u go to a temporary file, renamed over file when both are written */
    char             tmp[PETSC_MAX_PATH_LEN];
    PoissonErrorHold hold;
    PetscErrorCode   ierr;

    PetscCall(PoissonViewTemporaryName(kh->comm, file, tmp, sizeof(tmp)));
    PetscCall(VecGetArrayRead(vecs[1], &u));
    /* the errors of both writes are collective: held back until every rank has agreed to remove the temporary
       file (raised at once, they would park rank 1 and PoissonViewCommit would wait for it), and then they name
       the user's file, not the temporary one */
    PetscCall(PoissonErrorHoldPush(kh->comm, &hold));
    ierr = SNADatasetSave(kh->comm, tmp, 2, names, vecs);
    if (!ierr) ierr = KhAppendGridValues(kh->comm, tmp, file, d, n, u);
    PetscCall(PoissonErrorHoldPop(&hold));
    PetscCall(VecRestoreArrayRead(vecs[1], &u));
    if (ierr && !hold.held) PetscCall(ierr); /* one rank's own error, printed: no collective clean-up */
    if (ierr) {                              /* every rank: remove the temporary file, then say why */
      PoissonErrorHold commit;

      PetscCall(PoissonErrorHoldPush(kh->comm, &commit));
      (void)PoissonViewCommit(kh->comm, tmp, file, ierr); /* fails, by design: its message would hide the cause */
      PetscCall(PoissonErrorHoldPop(&commit));
      PetscCall(PoissonErrorHoldRaise(&hold, ierr, tmp, file));
    }
    PetscCall(PoissonViewCommit(kh->comm, tmp, file, 0));
  }
  PetscCall(KhWriteXDMF(kh->comm, file, d, n));
  for (PetscInt p = 0; p < d; p++) PetscCall(PetscFree(coords[p]));
  PetscCall(VecDestroy(&vecs[0]));
  PetscCall(VecDestroy(&vecs[1]));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonKhronosDestroy(PoissonKhronos *kh)
{
  PetscFunctionBegin;
  PetscCall(SNADestroy(&kh->sna));
  PetscCall(SNABSplineDestroy(&kh->bs));
  PetscCall(PetscFree2(kh->Mf, kh->Kf));
  PetscCall(PetscFree3(kh->xq, kh->wq, kh->Bq));
  PetscCall(PetscFree(kh->W));
  PetscCall(PetscFree(kh->lift));
  PetscFunctionReturn(0);
}
