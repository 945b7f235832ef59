/* Exact block alternating least squares for KHRONOS.

   With every block but one frozen, u is linear in that block, so each update is the exact optimum
   of a regularised least-squares problem: W[p] (G*M unknowns) or the output head C (M x q).
   Rank-local normal equations are summed with one MPI reduction per block. A fit runs in stages:
   rank enrichment (1 -> M modes, if enabled) and then knot refinement levels (G -> 2(G-k)+k).

   Fit type infinite_descent takes the same sweeps through a different path: each block update is one
   Newton step delta = -H_b^{-1} grad_b L on the block's optimality condition, with the gradient of the
   whole loss from the type's gradient op and H_b the block Hessian (Gauss-Newton is exact: the loss is
   quadratic in the block). Since the loss is quadratic in the block, the one step lands on the block's
   exact optimum, the ALS solution, which the unit test checks to rounding. */
#include <snaps/private/khronosimpl.h>
#include <petscblaslapack.h>

/* The local samples as a product of groups and positions (airfoils x surface stations, designs x the stations of a
   field): sample g*L + j, g < groups, j < L, takes input p from the group's first sample g*L (pos[p] false: p is
   constant within a group) or from the position's sample j of the first group (pos[p] true). Then each sample's
   mode product splits into a group part h_g and a position part k_j, and every sum over the samples that the ALS
   fit forms (Gram matrices, right-hand sides, the MSE) is a sum over groups of sums over positions: per block update
   O(n M q) for the data and O((groups + L) (k+1)^2 M^2) for the Gram, instead of O(n (k+1)^2 M^2 / 2) or a
   gather of every other input's factors per sample. L = 0: the local samples are no such product. */
typedef struct {
  PetscInt   L, groups;
  PetscBool *pos;   /* d */
  PetscReal *h, *k; /* groups x M and L x M: the mode products of a block update */
} KhronosProduct;

/* Per-fit cache of basis values and per-input factors of the local samples. */
typedef struct {
  PetscInt          n;     /* local samples */
  PetscInt          N;     /* global samples */
  const PetscReal  *x;     /* local inputs, for the gradient of the single-step updates */
  Vec               X, Y;  /* the data, for a hand-over to another fit */
  PetscInt         *first; /* first[i*d + p] */
  PetscReal        *vals;  /* vals[(i*d + p)*(k+1) + a] */
  PetscReal        *F;     /* F[(p*n + i)*M + m] = f_{p,m}(x_ip) */
  KhronosSpanGroups spans; /* local samples grouped by knot span, per input (the Gram assembly's order) */
  KhronosProduct    prod;  /* the local samples as groups x positions, if they are */
} KhronosALSCache;

PetscErrorCode SNAKhronosSpanGroupsCreate(SNA sna, PetscInt n, const PetscInt first[], KhronosSpanGroups *g)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, ns = SNAKhronosMaxNodes(kh) - kh->degree; /* spans an input lacks stay empty */
  PetscInt      *next;

  PetscFunctionBegin;
  g->d      = d;
  g->n      = n;
  g->nspans = ns;
  PetscCall(PetscCalloc1(d * (ns + 1), &g->offset));
  PetscCall(PetscMalloc1(d * n, &g->order));
  PetscCall(PetscMalloc1(ns, &next));
  for (PetscInt p = 0; p < d; p++) {
    PetscInt *off = g->offset + p * (ns + 1), *ord = g->order + p * n;

    for (PetscInt i = 0; i < n; i++) {
      const PetscInt s = first[i * d + p];
      PetscCheck(s >= 0 && s < kh->nodes[p] - kh->degree, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Sample %" PetscInt_FMT " of input %" PetscInt_FMT " has first basis function %" PetscInt_FMT ", outside [0, %" PetscInt_FMT ")", i, p, s, kh->nodes[p] - kh->degree);
      off[s + 1]++;
    }
    for (PetscInt s = 0; s < ns; s++) off[s + 1] += off[s];
    /* a stable counting sort: ascending sample indices within a span, so gathers walk memory forward */
    PetscCall(PetscArraycpy(next, off, ns));
    for (PetscInt i = 0; i < n; i++) ord[next[first[i * d + p]]++] = i;
  }
  PetscCall(PetscFree(next));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAKhronosSpanGroupsDestroy(KhronosSpanGroups *g)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(g->offset));
  PetscCall(PetscFree(g->order));
  PetscCall(PetscFree(g->nruns));
  PetscCall(PetscFree(g->runs));
  g->d = g->n = g->nspans = 0;
  PetscFunctionReturn(0);
}

/* Samples per distinct value of an input from which its block goes by runs of equal values (AssembleRun): a run's
   Gram costs M^2/2 per sample and (k+1)^2 M^2 once, the row path (k+1)^2 M^2 / 2 per sample. */
#define KHRONOS_RUN_MIN_SAMPLES 4

/* Distinct values of input p among the n local samples (v: n scratch entries). */
static PetscErrorCode DistinctValues(PetscInt n, PetscInt d, PetscInt p, const PetscReal x[], PetscReal v[], PetscInt *distinct)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) v[i] = x[i * d + p];
  PetscCall(PetscSortReal(n, v));
  *distinct = 0;
  for (PetscInt i = 0; i < n; i++)
    if (i == 0 || v[i] != v[i - 1]) (*distinct)++;
  PetscFunctionReturn(0);
}

/* Runs of equal values (KhronosSpanGroups) for the inputs with at least KHRONOS_RUN_MIN_SAMPLES local samples per
   distinct value on average: each span's samples sorted by value, each run's ascending (gathers walk memory
   forward). Equal inputs give equal basis values, so a run shares its spline row. The other inputs keep the span
   order as it was. */
static PetscErrorCode SpanGroupsFindRuns(const PetscReal x[], KhronosSpanGroups *g)
{
  const PetscInt d = g->d, n = g->n, ns = g->nspans;
  PetscInt       size;
  PetscReal     *v;

  PetscFunctionBegin;
  PetscCall(PetscIntMultError(d, n + 1, &size)); /* d * (n + 1) overflows 32-bit PetscInt for large local data */
  PetscCall(PetscCalloc1(d, &g->nruns));
  PetscCall(PetscMalloc1(size, &g->runs));
  PetscCall(PetscMalloc1(n, &v));
  for (PetscInt p = 0; p < d; p++) {
    const PetscInt *off = g->offset + p * (ns + 1);
    PetscInt       *ord = g->order + p * n, *run = g->runs + p * (n + 1), nr = 0, distinct = 0;

    PetscCall(DistinctValues(n, d, p, x, v, &distinct));
    /* distinct * KHRONOS_RUN_MIN_SAMPLES > n without the product, which can overflow (the same test: distinct is an
       integer, so distinct > n / m exactly where distinct > floor(n / m)) */
    if (!n || distinct > n / KHRONOS_RUN_MIN_SAMPLES) continue;
    for (PetscInt s = 0; s < ns; s++) {
      const PetscInt len = off[s + 1] - off[s];

      for (PetscInt t = 0; t < len; t++) v[t] = x[ord[off[s] + t] * d + p];
      PetscCall(PetscSortRealWithArrayInt(len, v, ord + off[s]));
      for (PetscInt t = 0; t < len; t++)
        if (t == 0 || v[t] != v[t - 1]) run[nr++] = off[s] + t;
    }
    run[nr] = n;
    for (PetscInt r = 0; r < nr; r++) PetscCall(PetscSortInt(run[r + 1] - run[r], ord + run[r]));
    g->nruns[p] = nr;
  }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

/* The length of the run of equal values of input p from sample 0 (at most n). */
static PetscInt LeadingRun(const PetscReal x[], PetscInt n, PetscInt d, PetscInt p)
{
  PetscInt r = 1;

  while (r < n && x[r * d + p] == x[p]) r++;
  return r;
}

/* Whether the local samples are groups x positions (KhronosProduct), and which inputs belong to which: the group
   length L is the shortest run of equal values from sample 0 among the inputs that repeat there (a group input
   repeats for a whole group at least), the inputs that repeat for L samples are the group's, and every sample is
   then checked (equal values, not close ones: equal inputs give equal basis values). Worth it only if the groups
   and the positions are each a fraction of the samples; each rank decides for its own samples (a group split
   between two ranks makes both fall back to the other paths, with the same sums). */
static PetscErrorCode ProductFind(const PetscReal x[], PetscInt n, PetscInt d, KhronosProduct *pr)
{
  PetscInt L = n;

  PetscFunctionBegin;
  pr->L = pr->groups = 0;
  if (n < 4 * KHRONOS_RUN_MIN_SAMPLES) PetscFunctionReturn(0);
  if (!pr->pos) PetscCall(PetscMalloc1(d, &pr->pos));
  for (PetscInt p = 0; p < d; p++) {
    const PetscInt r = LeadingRun(x, n, d, p);

    if (r > 1 && r < L) L = r;
  }
  if (L < KHRONOS_RUN_MIN_SAMPLES || n % L || n / L < KHRONOS_RUN_MIN_SAMPLES) PetscFunctionReturn(0);
  for (PetscInt p = 0; p < d; p++) pr->pos[p] = (PetscBool)(LeadingRun(x, n, d, p) < L);
  for (PetscInt g = 0; g < n / L; g++)
    for (PetscInt j = 0; j < L; j++)
      for (PetscInt p = 0; p < d; p++)
        if (x[(g * L + j) * d + p] != (pr->pos[p] ? x[j * d + p] : x[g * L * d + p])) PetscFunctionReturn(0);
  pr->L      = L;
  pr->groups = n / L;
  PetscFunctionReturn(0);
}

static PetscErrorCode ProductDestroy(KhronosProduct *pr)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(pr->pos));
  PetscCall(PetscFree2(pr->h, pr->k));
  pr->L = pr->groups = 0;
  PetscFunctionReturn(0);
}

static PetscErrorCode CacheBasis(SNA sna, const PetscReal x[], KhronosALSCache *c)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, k1 = kh->degree + 1;

  PetscFunctionBegin;
  PetscCall(PetscFree(c->first));
  PetscCall(PetscFree(c->vals));
  PetscCall(PetscMalloc1(c->n * d, &c->first));
  PetscCall(PetscMalloc1(c->n * d * k1, &c->vals));
  for (PetscInt i = 0; i < c->n; i++)
    for (PetscInt p = 0; p < d; p++) c->first[i * d + p] = SNABSplineEvalInline(&kh->basis[p], SNAUnitCoordinate(sna, p, x[i * d + p]), c->vals + (i * d + p) * k1);
  PetscCall(SNAKhronosSpanGroupsDestroy(&c->spans));
  PetscCall(SNAKhronosSpanGroupsCreate(sna, c->n, c->first, &c->spans));
  PetscCall(ProductFind(x, c->n, d, &c->prod));
  kh->als_product[0] = c->prod.groups;
  kh->als_product[1] = c->prod.L;
  if (!c->prod.L) PetscCall(SpanGroupsFindRuns(x, &c->spans)); /* a product's sums go by groups and positions */
  if (c->prod.L) PetscCall(PetscInfo(sna, "KHRONOS ALS: the local samples are %" PetscInt_FMT " groups x %" PetscInt_FMT " positions\n", c->prod.groups, c->prod.L));
  PetscFunctionReturn(0);
}

/* f[m] = sum_a v[a] w[a*M + m]: one sample's factors. The restrict parameters spare the overlap tests
   the compiler otherwise puts before every M-long loop, and starting from the first term (not from 0)
   gives the same values without a per-sample memset. */
static inline void FactorRow(PetscInt k1, PetscInt M, const PetscReal *PETSC_RESTRICT v, const PetscReal *PETSC_RESTRICT w, PetscReal *PETSC_RESTRICT f)
{
  for (PetscInt m = 0; m < M; m++) f[m] = v[0] * w[m];
  for (PetscInt a = 1; a < k1; a++)
    for (PetscInt m = 0; m < M; m++) f[m] += v[a] * w[a * M + m];
}

/* Recomputes the factors of input p from W[p]; with runs of equal values, once per run (the same values). */
static void CacheFactor(SNA sna, KhronosALSCache *c, PetscInt p)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, k1 = kh->degree + 1, M = kh->modes, n = c->n;

  if (c->prod.L) { /* the product's sums read only each group's first sample and the first group's samples */
    const PetscBool pos = c->prod.pos[p];

    for (PetscInt u = 0; u < (pos ? c->prod.L : c->prod.groups); u++) {
      const PetscInt i = pos ? u : u * c->prod.L;

      FactorRow(k1, M, c->vals + (i * d + p) * k1, kh->W + (kh->start[p] + c->first[i * d + p]) * M, c->F + (p * n + i) * M);
    }
    return;
  }
  if (c->spans.nruns && c->spans.nruns[p]) {
    const PetscInt *ord = c->spans.order + p * n, *run = c->spans.runs + p * (n + 1);

    for (PetscInt r = 0; r < c->spans.nruns[p]; r++) {
      const PetscInt i0 = ord[run[r]];
      PetscReal     *f0 = c->F + (p * n + i0) * M;

      FactorRow(k1, M, c->vals + (i0 * d + p) * k1, kh->W + (kh->start[p] + c->first[i0 * d + p]) * M, f0);
      for (PetscInt t = run[r] + 1; t < run[r + 1]; t++) {
        PetscReal *f = c->F + (p * n + ord[t]) * M;

        for (PetscInt m = 0; m < M; m++) f[m] = f0[m];
      }
    }
    return;
  }
  for (PetscInt i = 0; i < n; i++) FactorRow(k1, M, c->vals + (i * d + p) * k1, kh->W + (kh->start[p] + c->first[i * d + p]) * M, c->F + (p * n + i) * M);
}

static PetscErrorCode CacheAllFactors(SNA sna, KhronosALSCache *c)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  PetscCall(PetscFree(c->F));
  PetscCall(PetscMalloc1(sna->dim_in * c->n * kh->modes, &c->F));
  for (PetscInt p = 0; p < sna->dim_in; p++) CacheFactor(sna, c, p);
  PetscCall(PetscFree2(c->prod.h, c->prod.k)); /* the rank may have grown */
  if (c->prod.L) PetscCall(PetscMalloc2(c->prod.groups * kh->modes, &c->prod.h, c->prod.L * kh->modes, &c->prod.k));
  PetscFunctionReturn(0);
}

/* P[m] = prod_{r != skip} f_{r,m}(x_i); skip = -1 gives the full mode values z_m. The first two factors
   are multiplied in one pass: starting from ones costs a pass, and a plain copy of the first factor
   becomes a memcpy call per sample. */
static inline void ModeProduct(const KhronosALSCache *c, PetscInt d, PetscInt M, PetscInt i, PetscInt skip, PetscReal *PETSC_RESTRICT P)
{
  const PetscReal *f[2] = {NULL, NULL};
  PetscInt         nf = 0, r = 0;

  for (; r < d && nf < 2; r++)
    if (r != skip) f[nf++] = c->F + (r * c->n + i) * M;
  if (nf == 2)
    for (PetscInt m = 0; m < M; m++) P[m] = f[0][m] * f[1][m];
  else if (nf == 1)
    for (PetscInt m = 0; m < M; m++) P[m] = f[0][m];
  else /* d = 1 and the input skipped: the empty product */
    for (PetscInt m = 0; m < M; m++) P[m] = 1.0;
  for (; r < d; r++) {
    if (r == skip) continue;
    const PetscReal *fr = c->F + (r * c->n + i) * M;
    for (PetscInt m = 0; m < M; m++) P[m] *= fr[m];
  }
}

/* The mode products of a product of groups and positions (KhronosProduct) without input skip (-1: none): h_g over
   the group inputs, read from the cached factors of each group's first sample, and k_j over the position inputs,
   from sample j (the first group's); u_{gj} = sum_m C_m h_{g,m} k_{j,m}. An empty product is 1. */
static void ProductModes(const KhronosALSCache *c, PetscInt d, PetscInt M, PetscInt skip)
{
  const KhronosProduct *pr = &c->prod;

  for (PetscInt t = 0; t < pr->groups * M; t++) pr->h[t] = 1.0;
  for (PetscInt t = 0; t < pr->L * M; t++) pr->k[t] = 1.0;
  for (PetscInt r = 0; r < d; r++) {
    const PetscInt   units = pr->pos[r] ? pr->L : pr->groups, stride = pr->pos[r] ? 1 : pr->L;
    PetscReal       *P = pr->pos[r] ? pr->k : pr->h;
    const PetscReal *F = c->F + r * c->n * M;

    if (r == skip) continue;
    for (PetscInt u = 0; u < units; u++)
      for (PetscInt m = 0; m < M; m++) P[u * M + m] *= F[u * stride * M + m];
  }
}

/* G = sum_u P_u P_u^T (M x M, both triangles: the same products, so exactly symmetric) over the units rows of P. */
static void ProductGram(PetscInt units, PetscInt M, const PetscReal P[], PetscReal G[])
{
  for (PetscInt t = 0; t < M * M; t++) G[t] = 0;
  for (PetscInt u = 0; u < units; u++)
    for (PetscInt l = 0; l < M; l++)
      for (PetscInt m = 0; m < M; m++) G[l * M + m] += P[u * M + l] * P[u * M + m];
}

/* Output j of the samples as the column-major L x groups matrix (sample g L + t at row t, column g): y itself for one
   output, else copied into Yc (n entries). */
static const PetscReal *ProductOutput(const KhronosALSCache *c, const PetscReal y[], PetscInt q, PetscInt j, PetscReal Yc[])
{
  if (q == 1) return y;
  for (PetscInt i = 0; i < c->n; i++) Yc[i] = y[i * q + j];
  return Yc;
}

/* R[u M + m] = sum_o O[o M + m] y_{i(u, o), j} over the other units o of unit u (units: the groups if group, else the
   positions), O the others' mode products: one gemm (column-major M x units) on output j's L x groups matrix Yj. */
static PetscErrorCode ProductOthersTimesY(const KhronosALSCache *c, PetscInt M, PetscBool group, const PetscReal O[], const PetscReal Yj[], PetscReal R[])
{
  const PetscReal one = 1.0, zero = 0.0;
  PetscBLASInt    bM, bL, bG;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(M, &bM));
  PetscCall(PetscBLASIntCast(c->prod.L, &bL));
  PetscCall(PetscBLASIntCast(c->prod.groups, &bG));
  if (group) /* R = k^T Yj: (M x L)(L x groups) */
    PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bM, &bG, &bL, &one, O, &bM, Yj, &bL, &zero, R, &bM));
  else /* R = h^T Yj^T: (M x groups)(groups x L) */
    PetscCallBLAS("BLASgemm", BLASgemm_("N", "T", &bM, &bL, &bG, &one, O, &bM, Yj, &bL, &zero, R, &bM));
  PetscFunctionReturn(0);
}

/* The training loss's local sum of squares over a product of groups and positions: per output j, the L x groups
   predictions U = k^T (C_j o h) by one gemm. */
static PetscErrorCode ProductSSE(SNA sna, const KhronosALSCache *c, const PetscReal y[], PetscReal *sse)
{
  SNA_Khronos          *kh = (SNA_Khronos *)sna->data;
  const KhronosProduct *pr = &c->prod;
  const PetscInt        q = sna->dim_out, M = kh->modes, n = c->n;
  const PetscReal       one = 1.0, zero = 0.0;
  PetscReal            *hc, *U, *Yc = NULL;
  PetscBLASInt          bM, bL, bG;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(M, &bM));
  PetscCall(PetscBLASIntCast(pr->L, &bL));
  PetscCall(PetscBLASIntCast(pr->groups, &bG));
  PetscCall(PetscMalloc2(pr->groups * M, &hc, n, &U));
  if (q > 1) PetscCall(PetscMalloc1(n, &Yc));
  ProductModes(c, sna->dim_in, M, -1);
  *sse = 0;
  for (PetscInt j = 0; j < q; j++) {
    const PetscReal *Yj = ProductOutput(c, y, q, j, Yc);

    for (PetscInt g = 0; g < pr->groups; g++)
      for (PetscInt m = 0; m < M; m++) hc[g * M + m] = kh->C[m * q + j] * pr->h[g * M + m];
    PetscCallBLAS("BLASgemm", BLASgemm_("T", "N", &bL, &bG, &bM, &one, pr->k, &bM, hc, &bM, &zero, U, &bL));
    for (PetscInt i = 0; i < n; i++) *sse += PetscSqr(U[i] - Yj[i]);
  }
  PetscCall(PetscFree2(hc, U));
  PetscCall(PetscFree(Yc));
  PetscFunctionReturn(0);
}

/* The head's normal equations over a product of groups and positions: A += H o K (H, K the Gram matrices of the
   group and position mode products) and, if B, B[m, j] += sum_g h_{g,m} sum_t k_{t,m} y_{gt,j}. */
static PetscErrorCode ProductHead(SNA sna, const KhronosALSCache *c, const PetscReal y[], PetscReal A[], PetscReal B[])
{
  SNA_Khronos          *kh = (SNA_Khronos *)sna->data;
  const KhronosProduct *pr = &c->prod;
  const PetscInt        q = sna->dim_out, M = kh->modes;
  PetscReal            *H, *K, *R, *Yc = NULL;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(M * M, &H, M * M, &K, pr->groups * M, &R));
  if (B && q > 1) PetscCall(PetscMalloc1(c->n, &Yc));
  ProductModes(c, sna->dim_in, M, -1);
  ProductGram(pr->groups, M, pr->h, H);
  ProductGram(pr->L, M, pr->k, K);
  for (PetscInt t = 0; t < M * M; t++) A[t] += H[t] * K[t];
  for (PetscInt j = 0; B && j < q; j++) {
    PetscCall(ProductOthersTimesY(c, M, PETSC_TRUE, pr->k, ProductOutput(c, y, q, j, Yc), R));
    for (PetscInt g = 0; g < pr->groups; g++)
      for (PetscInt m = 0; m < M; m++) B[m * q + j] += pr->h[g * M + m] * R[g * M + m];
  }
  PetscCall(PetscFree3(H, K, R));
  PetscCall(PetscFree(Yc));
  PetscFunctionReturn(0);
}

/* Training MSE (1/(N q)) sum |u - y|^2 from the cached factors. */
static PetscErrorCode CacheMSE(SNA sna, const KhronosALSCache *c, const PetscReal y[], PetscReal *mse)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, q = sna->dim_out, M = kh->modes;
  PetscReal     *z, local = 0, sum;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(M, &z));
  if (c->prod.L) PetscCall(ProductSSE(sna, c, y, &local));
  for (PetscInt i = 0; !c->prod.L && i < c->n; i++) {
    ModeProduct(c, d, M, i, -1, z);
    for (PetscInt j = 0; j < q; j++) {
      PetscReal u = 0;
      for (PetscInt m = 0; m < M; m++) u += kh->C[m * q + j] * z[m];
      local += PetscSqr(u - y[i * q + j]);
    }
  }
  PetscCall(PetscFree(z));
  PetscCall(MPIU_Allreduce(&local, &sum, 1, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)sna)));
  *mse = sum / ((PetscReal)c->N * q);
  PetscFunctionReturn(0);
}

/* Adds the symmetric n x n matrix whose upper triangle (column-major, as BLAS syrk leaves it) is in
   Gs to A (row-major, leading dimension lda): the same value goes to both triangles, so A stays
   exactly symmetric, as the Cholesky of the solve assumes. Entry (r, s) is scaled by
   S[(r % ms) * ms + s % ms] (S symmetric ms x ms: the block Gram's Hadamard factor C C^T, tiled), or
   not at all if S is NULL. */
static void AddSymmetricBlock(PetscInt n, const PetscReal Gs[], const PetscReal S[], PetscInt ms, PetscReal A[], PetscInt lda)
{
  for (PetscInt r = 0; r < n; r++)
    for (PetscInt s = 0; s <= r; s++) {
      /* column-major upper (s <= r) is row r, column s of the row-major lower triangle */
      const PetscReal v = Gs[r * n + s] * (S ? S[(r % ms) * ms + s % ms] : 1.0);
      A[r * lda + s] += v;
      if (s != r) A[s * lda + r] += v;
    }
}

/* Normal equations of the output head C given all W: A = Z^T Z (M x M, rank-local) and, if B,
   B = Z^T Y (M x q); A is also the Hessian of the head's block (the same for every output).
   Z is formed a tile of samples at a time: A by one syrk and B by one gemm per tile. */
static PetscErrorCode AssembleHead(SNA sna, const KhronosALSCache *c, const PetscReal y[], PetscReal A[], PetscReal B[])
{
  SNA_Khronos    *kh = (SNA_Khronos *)sna->data;
  const PetscInt  d = sna->dim_in, q = sna->dim_out, M = kh->modes, tile = SNAKhronosTileRows(M);
  const PetscReal one = 1.0;
  PetscReal      *Z, *Gz;
  PetscBLASInt    bM, bq, bT;

  PetscFunctionBegin;
  if (c->prod.L) {
    PetscCall(ProductHead(sna, c, y, A, B));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscBLASIntCast(M, &bM));
  PetscCall(PetscBLASIntCast(q, &bq));
  PetscCall(PetscMalloc1(tile * M, &Z));
  PetscCall(PetscCalloc1(M * M, &Gz));
  for (PetscInt i0 = 0; i0 < c->n; i0 += tile) {
    const PetscInt T = PetscMin(tile, c->n - i0);

    for (PetscInt t = 0; t < T; t++) ModeProduct(c, d, M, i0 + t, -1, Z + t * M);
    PetscCall(PetscBLASIntCast(T, &bT));
    /* row-major T x M is column-major M x T: Z^T Z = Zc Zc^T, Z^T Y = (Yc Zc^T)^T */
    PetscCallBLAS("BLASsyrk", BLASsyrk_("U", "N", &bM, &bT, &one, Z, &bM, &one, Gz, &bM));
    if (B) PetscCallBLAS("BLASgemm", BLASgemm_("N", "T", &bq, &bM, &bT, &one, y + i0 * q, &bq, Z, &bM, &one, B, &bq));
  }
  AddSymmetricBlock(M, Gz, NULL, M, A, M);
  PetscCall(PetscFree(Z));
  PetscCall(PetscFree(Gz));
  PetscFunctionReturn(0);
}

/* Exact optimum of the output head C given all W: (Z^T Z / N + lambda I) C = Z^T Y / N. */
static PetscErrorCode SolveHead(SNA sna, const KhronosALSCache *c, const PetscReal y[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt q = sna->dim_out, M = kh->modes;
  PetscReal     *A, *B;

  PetscFunctionBegin;
  PetscCall(PetscCalloc2(M * M, &A, M * q, &B));
  PetscCall(AssembleHead(sna, c, y, A, B));
  PetscCall(SNALeastSquaresSolve(PetscObjectComm((PetscObject)sna), M, q, (PetscReal)c->N, sna->lambda, A, B));
  PetscCall(PetscArraycpy(kh->C, B, M * q));
  PetscCall(PetscFree2(A, B));
  PetscFunctionReturn(0);
}

/* Rows ahead of the one being gathered whose data is prefetched: at some 100 ns per row (syrk included)
   8 rows cover a memory miss with margin. Not tuned: the machine was shared when this was written. */
#define KHRONOS_PREFETCH_AHEAD 8

/* Work space of one tile of T rows of a block's span (row-major): U (T x (k+1)M) the features, Y (T x q)
   the outputs, P (M) scratch. */
typedef struct {
  PetscReal *U, *Y, *P;
} KhronosBlockTile;

/* prod_{r != p} f_{r,m}(x_i), m < M: with two inputs the other input's cached factors themselves, read
   in place (a copy of M values per sample, which the compiler makes a memcpy call, cost more than the
   row's arithmetic), else formed in P. */
static inline const PetscReal *OtherModes(const KhronosALSCache *c, PetscInt d, PetscInt M, PetscInt i, PetscInt p, PetscReal *P)
{
  if (d == 2) return c->F + ((1 - p) * c->n + i) * M;
  ModeProduct(c, d, M, i, p, P);
  return P;
}

/* Rows of samples idx[0..T) of a span of input p: U[t, a*M + m] = v_a P_m with P_m = prod_{r != p}
   f_{r,m}(x_i) and, if y, Y[t, :] = y_i. A span's samples are spread over the whole local range, so
   each gather misses the cache: the data of the sample KHRONOS_PREFETCH_AHEAD rows later is requested
   first and its latency overlaps this row's work (written out in the loop: GCC deems a void function
   of prefetches pure and drops it). */
static void BlockTileRows(SNA sna, const KhronosALSCache *c, const PetscReal y[], PetscInt p, const PetscInt idx[], PetscInt T, KhronosBlockTile *w)
{
  SNA_Khronos              *kh = (SNA_Khronos *)sna->data;
  const PetscInt            d = sna->dim_in, q = sna->dim_out, M = kh->modes, k1 = kh->degree + 1, nl = k1 * M;
  PetscReal *PETSC_RESTRICT U = w->U, *PETSC_RESTRICT Y = w->Y;

  for (PetscInt t = 0; t < T; t++) {
    const PetscInt   i = idx[t];
    const PetscReal *v = c->vals + (i * d + p) * k1, *P;

    if (t + KHRONOS_PREFETCH_AHEAD < T) {
      const PetscInt j = idx[t + KHRONOS_PREFETCH_AHEAD];

      for (PetscInt r = 0; r < d; r++)
        if (r != p) PetscPrefetchBlock(c->F + (r * c->n + j) * M, M, 0, PETSC_PREFETCH_HINT_T0);
      PetscPrefetchBlock(c->vals + (j * d + p) * k1, k1, 0, PETSC_PREFETCH_HINT_T0);
      if (y) PetscPrefetchBlock(y + j * q, q, 0, PETSC_PREFETCH_HINT_T0);
    }
    P = OtherModes(c, d, M, i, p, w->P);
    for (PetscInt a = 0; a < k1; a++) {
      const PetscReal va = v[a];

      for (PetscInt m = 0; m < M; m++) U[t * nl + a * M + m] = va * P[m];
    }
    if (y)
      for (PetscInt j = 0; j < q; j++) Y[t * q + j] = y[i * q + j];
  }
}

/* Adds a span's right-hand side to b (at the span's first column): b[r] += sum_j C[r % M, j] UY[r, j]
   for r < (k+1)M, UY = U^T Y (column-major (k+1)M x q, as gemm leaves it). */
static void AddSpanRHS(PetscInt nl, PetscInt M, PetscInt q, const PetscReal UY[], const PetscReal C[], PetscReal b[])
{
  for (PetscInt r = 0; r < nl; r++) {
    const PetscReal *Cm  = C + (r % M) * q;
    PetscReal        sum = 0;

    for (PetscInt j = 0; j < q; j++) sum += Cm[j] * UY[j * nl + r];
    b[r] += sum;
  }
}

/* Work space of the runs of one block: P (T x M) and Y (T x q) a tile of a run's rows, Q (M x M) and R (M x q) the
   run's sums. */
typedef struct {
  PetscReal *P, *Y, *Q, *R;
  PetscInt   tile;
} KhronosRunWork;

/* A run of samples idx[0..n) sharing the value of input p, and so its basis values v: with u_i = v (x) P_i,
   sum_i u_i u_i^T = (v v^T) (x) Q and sum_i u_i y_i^T = v (x) R, where Q = sum_i P_i P_i^T and R = sum_i P_i y_i^T
   (one syrk and one gemm per tile of the run, M columns instead of (k+1)M), added to the span's Gs (both
   triangles) and, if y, UY, as the row path (AssembleBlock) would: the same sums, in another order. */
static PetscErrorCode AssembleRun(SNA sna, const KhronosALSCache *c, const PetscReal y[], PetscInt p, const PetscInt idx[], PetscInt n, KhronosRunWork *w, PetscReal Gs[], PetscReal UY[])
{
  SNA_Khronos     *kh = (SNA_Khronos *)sna->data;
  const PetscInt   d = sna->dim_in, q = sna->dim_out, M = kh->modes, k1 = kh->degree + 1, nl = k1 * M;
  const PetscReal *v = c->vals + (idx[0] * d + p) * k1, one = 1.0, zero = 0.0;
  PetscBLASInt     bM, bq, bT;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(M, &bM));
  PetscCall(PetscBLASIntCast(q, &bq));
  for (PetscInt t0 = 0; t0 < n; t0 += w->tile) {
    const PetscInt  T    = PetscMin(w->tile, n - t0);
    const PetscReal beta = t0 ? one : zero;

    for (PetscInt t = 0; t < T; t++) {
      const PetscInt   i = idx[t0 + t];
      const PetscReal *P = OtherModes(c, d, M, i, p, w->P + t * M);

      if (P != w->P + t * M)
        for (PetscInt m = 0; m < M; m++) w->P[t * M + m] = P[m];
      if (y)
        for (PetscInt j = 0; j < q; j++) w->Y[t * q + j] = y[i * q + j];
    }
    PetscCall(PetscBLASIntCast(T, &bT));
    PetscCallBLAS("BLASsyrk", BLASsyrk_("U", "N", &bM, &bT, &one, w->P, &bM, &beta, w->Q, &bM));
    if (y) PetscCallBLAS("BLASgemm", BLASgemm_("N", "T", &bM, &bq, &bT, &one, w->P, &bM, w->Y, &bq, &beta, w->R, &bM));
  }
  for (PetscInt l = 0; l < M; l++) /* the column-major upper triangle of Q to its lower one */
    for (PetscInt m = l + 1; m < M; m++) w->Q[m + l * M] = w->Q[l + m * M];
  for (PetscInt b = 0; b < k1; b++)
    for (PetscInt l = 0; l < M; l++) {
      PetscReal *col = Gs + (b * M + l) * nl;

      for (PetscInt a = 0; a < k1; a++) {
        const PetscReal vv = v[a] * v[b];

        for (PetscInt m = 0; m < M; m++) col[a * M + m] += vv * w->Q[m + l * M];
      }
    }
  if (y)
    for (PetscInt j = 0; j < q; j++)
      for (PetscInt a = 0; a < k1; a++)
        for (PetscInt m = 0; m < M; m++) UY[j * nl + a * M + m] += v[a] * w->R[j * M + m];
  PetscFunctionReturn(0);
}

/* S = C C^T (M x M, C the M x q head): how the outputs couple the modes in every block's Gram matrix (AssembleBlock,
   ProductBlock). */
static void HeadGram(PetscInt M, PetscInt q, const PetscReal C[], PetscReal S[])
{
  for (PetscInt l = 0; l < M; l++)
    for (PetscInt m = 0; m < M; m++) {
      S[l * M + m] = 0;
      for (PetscInt j = 0; j < q; j++) S[l * M + m] += C[l * q + j] * C[m * q + j];
    }
}

/* Block W[p]'s normal equations over a product of groups and positions (AssembleBlock's sums, in another order).
   With P_{gt} = h_g o k_t the other inputs' mode products: if p is a group input, the samples of group g share their
   basis values v_g, and their features u = v_g (x) (h_g o k_t) sum to a Gram (w_g w_g^T) o (K tiled), w_g = v_g (x) h_g,
   K = sum_t k_t k_t^T, and a right-hand side v_g (x) (h_g o sum_t k_t o C y_{gt}); if p is a position input, the
   same with the roles of groups and positions exchanged. So each span's Gram is one syrk of the w of its units,
   Hadamard-scaled by (K or H) o S as AddSymmetricBlock applies S, and the right-hand side needs one gemm per output
   (ProductOthersTimesY) instead of a pass over the samples per mode. */
static PetscErrorCode ProductBlock(SNA sna, const KhronosALSCache *c, const PetscReal y[], PetscInt p, PetscReal A[], PetscReal b[])
{
  SNA_Khronos          *kh = (SNA_Khronos *)sna->data;
  const KhronosProduct *pr = &c->prod;
  const PetscInt        d = sna->dim_in, q = sna->dim_out, M = kh->modes, k1 = kh->degree + 1, nl = k1 * M, nb = kh->nodes[p] * M;
  const PetscBool       group = (PetscBool)!pr->pos[p];
  const PetscInt        units = group ? pr->groups : pr->L, ns = kh->nodes[p] - kh->degree;
  const PetscReal      *P = group ? pr->h : pr->k, *O = group ? pr->k : pr->h, one = 1.0, zero = 0.0; /* this unit's, the others' */
  PetscReal            *S, *G, *R, *r, *Wt, *Gs, *Yc = NULL;
  PetscBLASInt          bnl, bT;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(nl, &bnl));
  PetscCall(PetscMalloc6(M * M, &S, M * M, &G, units * M, &R, units * M, &r, units * nl, &Wt, nl * nl, &Gs));
  if (b && q > 1) PetscCall(PetscMalloc1(c->n, &Yc));
  HeadGram(M, q, kh->C, S);
  ProductModes(c, d, M, p);
  ProductGram(group ? pr->L : pr->groups, M, O, G);
  for (PetscInt t = 0; t < M * M; t++) G[t] *= S[t];
  for (PetscInt t = 0; b && t < units * M; t++) r[t] = 0;
  for (PetscInt j = 0; b && j < q; j++) { /* r_u = P_u o sum_o O_o o (C y_{uo}) */
    PetscCall(ProductOthersTimesY(c, M, group, O, ProductOutput(c, y, q, j, Yc), R));
    for (PetscInt u = 0; u < units; u++)
      for (PetscInt m = 0; m < M; m++) r[u * M + m] += kh->C[m * q + j] * P[u * M + m] * R[u * M + m];
  }
  for (PetscInt s = 0; s < ns; s++) {
    PetscInt T = 0;

    for (PetscInt u = 0; u < units; u++) { /* the units of span s: their w rows, and their right-hand sides */
      const PetscInt   i = group ? u * pr->L : u;
      const PetscReal *v = c->vals + (i * d + p) * k1;

      if (c->first[i * d + p] != s) continue;
      for (PetscInt a = 0; a < k1; a++)
        for (PetscInt m = 0; m < M; m++) Wt[T * nl + a * M + m] = v[a] * P[u * M + m];
      for (PetscInt a = 0; b && a < k1; a++)
        for (PetscInt m = 0; m < M; m++) b[s * M + a * M + m] += v[a] * r[u * M + m];
      T++;
    }
    if (!T) continue;
    PetscCall(PetscBLASIntCast(T, &bT));
    PetscCallBLAS("BLASsyrk", BLASsyrk_("U", "N", &bnl, &bT, &one, Wt, &bnl, &zero, Gs, &bnl)); /* the upper triangle, all AddSymmetricBlock reads */
    AddSymmetricBlock(nl, Gs, G, M, A + s * M * nb + s * M, nb);
  }
  PetscCall(PetscFree6(S, G, R, r, Wt, Gs));
  PetscCall(PetscFree(Yc));
  PetscFunctionReturn(0);
}

/* Normal equations of block W[p]: the features of sample i, output j, are B_g(x_ip) P_m C[m,j] with
   P_m = prod_{r != p} f_{r,m}; summing over j gives the Gram matrix (also the block's Hessian)
   sum_i B_g B_g' P_m P_m' (C C^T)_{m m'} and, if b, the right-hand side sum_i B_g P_m (C y_i)_m.
   Samples of one knot span share their (k+1)M nonzero columns first*M..., and, with u_i = v_i (x) P_i,
   the Gram restricted to them is (sum_i u_i u_i^T) o (S tiled), S = C C^T, and the right-hand side is
   sum_j C[m, j] (sum_i u_i y_ij): each span's sums are one syrk (U^T U) and one gemm (U^T Y) per tile
   of its samples, and S and C are applied once per span. */
static PetscErrorCode AssembleBlock(SNA sna, const KhronosALSCache *c, const PetscReal y[], PetscInt p, PetscReal A[], PetscReal b[])
{
  SNA_Khronos     *kh = (SNA_Khronos *)sna->data;
  const PetscInt   q = sna->dim_out, M = kh->modes, G = kh->nodes[p], k1 = kh->degree + 1;
  const PetscInt   nb = G * M, nl = k1 * M, tile = SNAKhronosTileRows(nl), ns = c->spans.nspans;
  const PetscInt  *off = c->spans.offset + p * (ns + 1), *ord = c->spans.order + p * c->n;
  const PetscInt   nruns = c->spans.nruns ? c->spans.nruns[p] : 0, *run = c->spans.runs ? c->spans.runs + p * (c->n + 1) : NULL;
  const PetscReal  one = 1.0;
  PetscReal       *S, *Gs, *UY;
  PetscInt         r = 0;
  KhronosBlockTile w;
  KhronosRunWork   rw = {0};
  PetscBLASInt     bnl, bq, bT;

  PetscFunctionBegin;
  if (c->prod.L) {
    PetscCall(ProductBlock(sna, c, y, p, A, b));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscBLASIntCast(nl, &bnl));
  PetscCall(PetscBLASIntCast(q, &bq));
  PetscCall(PetscMalloc3(M * M, &S, nl * nl, &Gs, nl * q, &UY));
  PetscCall(PetscMalloc3(tile * nl, &w.U, tile * q, &w.Y, M, &w.P));
  HeadGram(M, q, kh->C, S);
  if (nruns) {
    rw.tile = SNAKhronosTileRows(M);
    PetscCall(PetscMalloc4(rw.tile * M, &rw.P, rw.tile * q, &rw.Y, M * M, &rw.Q, M * q, &rw.R));
  }
  for (PetscInt s = 0; s < ns; s++) {
    const PetscInt ni = off[s + 1] - off[s], f = s * M; /* span s: basis functions s..s+k */

    if (!ni) continue;
    PetscCall(PetscArrayzero(Gs, nl * nl));
    PetscCall(PetscArrayzero(UY, nl * q));
    for (; r < nruns && run[r] < off[s + 1]; r++) PetscCall(AssembleRun(sna, c, b ? y : NULL, p, ord + run[r], run[r + 1] - run[r], &rw, Gs, UY));
    for (PetscInt t0 = 0; !nruns && t0 < ni; t0 += tile) {
      const PetscInt T = PetscMin(tile, ni - t0);

      BlockTileRows(sna, c, b ? y : NULL, p, ord + off[s] + t0, T, &w);
      PetscCall(PetscBLASIntCast(T, &bT));
      /* a row-major T x n tile is the column-major n x T matrix: U^T U = Uc Uc^T, U^T Y = Uc Yc^T */
      PetscCallBLAS("BLASsyrk", BLASsyrk_("U", "N", &bnl, &bT, &one, w.U, &bnl, &one, Gs, &bnl));
      if (b) PetscCallBLAS("BLASgemm", BLASgemm_("N", "T", &bnl, &bq, &bT, &one, w.U, &bnl, w.Y, &bq, &one, UY, &bnl));
    }
    AddSymmetricBlock(nl, Gs, S, M, A + f * nb + f, nb);
    if (b) AddSpanRHS(nl, M, q, UY, kh->C, b + f);
  }
  PetscCall(PetscFree3(S, Gs, UY));
  PetscCall(PetscFree3(w.U, w.Y, w.P));
  if (nruns) PetscCall(PetscFree4(rw.P, rw.Y, rw.Q, rw.R));
  PetscFunctionReturn(0);
}

/* Stores a new block W[p] (nb = G*M values): each mode is scaled to unit norm and the scale moved into
   C (u unchanged), which keeps the blocks well conditioned; then the cached factors are refreshed. */
static void StoreBlock(SNA sna, KhronosALSCache *c, PetscInt p, const PetscReal w[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt q = sna->dim_out, M = kh->modes, G = kh->nodes[p];

  for (PetscInt m = 0; m < M; m++) {
    PetscReal norm = 0;
    for (PetscInt g = 0; g < G; g++) norm += PetscSqr(w[g * M + m]);
    norm = PetscSqrtReal(norm);
    if (norm == 0) norm = 1.0;
    for (PetscInt g = 0; g < G; g++) kh->W[(kh->start[p] + g) * M + m] = w[g * M + m] / norm;
    for (PetscInt j = 0; j < q; j++) kh->C[m * q + j] *= norm;
  }
  CacheFactor(sna, c, p);
}

/* Exact optimum of block W[p] by its normal equations (ALS). */
static PetscErrorCode SolveBlock(SNA sna, KhronosALSCache *c, const PetscReal y[], PetscInt p)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt nb = kh->nodes[p] * kh->modes;
  PetscReal     *A, *b;

  PetscFunctionBegin;
  PetscCall(PetscCalloc2(nb * nb, &A, nb, &b));
  PetscCall(AssembleBlock(sna, c, y, p, A, b));
  PetscCall(SNALeastSquaresSolve(PetscObjectComm((PetscObject)sna), nb, 1, (PetscReal)c->N, sna->lambda, A, b));
  StoreBlock(sna, c, p, b);
  PetscCall(PetscFree2(A, b));
  PetscFunctionReturn(0);
}

/* One Newton step on the optimality condition of a block (p = -1: the head C, else W[p]):
   (H_b / N + lambda I) delta = -(grad_b / N + lambda theta_b) with grad from the type's gradient op.
   The rank-local gradient is the right-hand side's rank-local part; lambda theta_b enters once (rank 0). */
static PetscErrorCode NewtonBlockStep(SNA sna, KhronosALSCache *c, const PetscReal y[], PetscInt p)
{
  SNA_Khronos     *kh = (SNA_Khronos *)sna->data;
  const PetscInt   q = sna->dim_out, M = kh->modes, nW = kh->start[sna->dim_in] * M;
  const PetscInt   nb = p < 0 ? M : kh->nodes[p] * M, nrhs = p < 0 ? q : 1;
  PetscReal       *A, *grad, *rhs, *block = p < 0 ? kh->C : kh->W + kh->start[p] * M, sse;
  const PetscReal *gb;
  PetscMPIInt      rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)sna), &rank));
  PetscCall(PetscCalloc3(nb * nb, &A, sna->nparams, &grad, nb * nrhs, &rhs));
  if (p < 0)
    PetscCall(AssembleHead(sna, c, y, A, NULL));
  else
    PetscCall(AssembleBlock(sna, c, y, p, A, NULL));
  PetscCall((*sna->ops->lossgradientlocal)(sna, c->n, c->x, y, &sse, grad));
  gb = p < 0 ? grad + nW : grad + kh->start[p] * M; /* theta = [W, C]; C is M x q row-major, like the head's B */
  for (PetscInt i = 0; i < nb * nrhs; i++) rhs[i] = -gb[i] - (rank == 0 ? c->N * sna->lambda * block[i] : 0.0);
  PetscCall(SNALeastSquaresSolve(PetscObjectComm((PetscObject)sna), nb, nrhs, (PetscReal)c->N, sna->lambda, A, rhs));
  for (PetscInt i = 0; i < nb * nrhs; i++) rhs[i] += block[i]; /* theta_b + delta */
  if (p < 0)
    PetscCall(PetscArraycpy(kh->C, rhs, M * q));
  else
    StoreBlock(sna, c, p, rhs);
  sna->stats.gradient++;
  PetscCall(PetscFree3(A, grad, rhs));
  PetscFunctionReturn(0);
}

/* See khronosimpl.h. */
PetscErrorCode SNAKhronosAddMode(SNA sna)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt q = sna->dim_out, nG = kh->start[sna->dim_in], M = kh->modes;
  PetscReal     *W = kh->W, *C = kh->C;

  PetscFunctionBegin;
  kh->W = kh->C = NULL;
  PetscCall(SNAKhronosAllocate(sna, kh->nodes, M + 1));
  for (PetscInt pg = 0; pg < nG; pg++)
    for (PetscInt m = 0; m < M; m++) kh->W[pg * (M + 1) + m] = W[pg * M + m];
  PetscCall(PetscArraycpy(kh->C, C, M * q));
  PetscCall(SNAKhronosInitializeMode(sna, M));
  PetscCall(PetscFree(W));
  PetscCall(PetscFree(C));
  PetscFunctionReturn(0);
}

/* Doubles the knot intervals of every input by exact knot insertion: W[p] <- R_p W[p]. */
static PetscErrorCode RefineKnots(SNA sna)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, M = kh->modes;
  PetscReal     *Wc = kh->W, *C, **R;
  PetscInt      *Gc, *startc, *Gf;
  SNABSpline    *fine;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(M * sna->dim_out, &C));
  PetscCall(PetscArraycpy(C, kh->C, M * sna->dim_out));
  PetscCall(PetscMalloc5(d, &R, d, &fine, d, &Gc, d + 1, &startc, d, &Gf));
  PetscCall(PetscArraycpy(Gc, kh->nodes, d));
  PetscCall(PetscArraycpy(startc, kh->start, d + 1));
  for (PetscInt p = 0; p < d; p++) {
    PetscCall(SNABSplineRefine(&kh->basis[p], &fine[p], &R[p]));
    Gf[p] = fine[p].n;
  }
  kh->W = NULL;
  PetscCall(SNAKhronosAllocate(sna, Gf, M));
  for (PetscInt p = 0; p < d; p++) {
    for (PetscInt h = 0; h < Gf[p]; h++)
      for (PetscInt g = 0; g < Gc[p]; g++) {
        const PetscReal r = R[p][h * Gc[p] + g];
        if (r == 0) continue;
        for (PetscInt m = 0; m < M; m++) kh->W[(kh->start[p] + h) * M + m] += r * Wc[(startc[p] + g) * M + m];
      }
    PetscCall(PetscFree(R[p]));
    PetscCall(SNABSplineDestroy(&kh->basis[p]));
    kh->basis[p] = fine[p];
  }
  PetscCall(PetscArraycpy(kh->C, C, M * sna->dim_out));
  PetscCall(PetscFree(C));
  PetscCall(PetscFree(Wc));
  PetscCall(PetscFree5(R, fine, Gc, startc, Gf));
  PetscFunctionReturn(0);
}

/* The data loss as the driver's objective (KhronosObjective): the training MSE from the cached factors; block
   updates by ALS solves or, for fit type infinite_descent, single Newton steps. */
typedef struct {
  KhronosALSCache *c;
  const PetscReal *y;
  PetscBool        newton;
} DataObjective;

static PetscErrorCode DataValue(SNA sna, void *ctx, PetscReal *mse)
{
  DataObjective *o = (DataObjective *)ctx;

  PetscFunctionBegin;
  PetscCall(CacheMSE(sna, o->c, o->y, mse));
  PetscFunctionReturn(0);
}

static PetscErrorCode DataSolveBlock(SNA sna, void *ctx, PetscInt p)
{
  DataObjective *o = (DataObjective *)ctx;

  PetscFunctionBegin;
  if (o->newton)
    PetscCall(NewtonBlockStep(sna, o->c, o->y, p));
  else if (p < 0)
    PetscCall(SolveHead(sna, o->c, o->y));
  else
    PetscCall(SolveBlock(sna, o->c, o->y, p));
  PetscFunctionReturn(0);
}

static PetscErrorCode DataRefresh(SNA sna, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(CacheAllFactors(sna, ((DataObjective *)ctx)->c));
  PetscFunctionReturn(0);
}

static PetscBool DataConverged(SNA sna, void *ctx, PetscReal prev, PetscReal mse)
{
  (void)ctx;
  return SNAFitDecreaseConverged(sna, prev, mse);
}

/* Keeps the parameters of the lowest loss seen in a stage (ALS lowers the loss monotonically up to rounding, so
   this matters only at rounding level, but a fit must never end on a worse iterate than it saw). theta has the
   stage's parameter count (the rank and the nodes do not change within a stage). */
typedef struct {
  PetscReal  mse;
  PetscReal *theta;
} BestIterate;

static PetscErrorCode BestIterateUpdate(SNA sna, BestIterate *best, PetscReal mse)
{
  PetscFunctionBegin;
  if (!(mse < best->mse)) PetscFunctionReturn(0);
  best->mse = mse;
  PetscCall((*sna->ops->getparameters)(sna, best->theta));
  PetscFunctionReturn(0);
}

/* Bro's line search for ALS: after sweep k, try theta_k + s (theta_k - theta_{k-1}) with s = k^(1/3) (at least 1)
   and keep it if the loss is lower. In the "swamp", where ALS moves slowly along a steady direction, this takes
   many sweeps' progress in one; it costs one loss evaluation per sweep. *mse is updated on success. */
static PetscErrorCode Extrapolate(SNA sna, const KhronosObjective *obj, PetscInt k, PetscReal prev_theta[], PetscReal *mse)
{
  const PetscInt P = sna->nparams;
  PetscReal     *theta, *trial, s = PetscMax(1.0, PetscPowReal((PetscReal)k, 1.0 / 3.0)), mse_trial;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(P, &theta, P, &trial));
  PetscCall((*sna->ops->getparameters)(sna, theta));
  for (PetscInt i = 0; i < P; i++) trial[i] = theta[i] + s * (theta[i] - prev_theta[i]);
  PetscCall((*sna->ops->setparameters)(sna, trial));
  PetscCall((*obj->refresh)(sna, obj->ctx));
  PetscCall((*obj->value)(sna, obj->ctx, &mse_trial));
  sna->stats.function++;
  if (mse_trial < *mse)
    *mse = mse_trial;
  else {
    PetscCall((*sna->ops->setparameters)(sna, theta));
    PetscCall((*obj->refresh)(sna, obj->ctx));
  }
  PetscCall(PetscArraycpy(prev_theta, theta, P)); /* the next direction starts from the plain sweep's point */
  PetscCall(PetscFree2(theta, trial));
  PetscFunctionReturn(0);
}

/* Anderson acceleration of the sweep map (-sna_fit_als_anderson): theta was the point the sweep started from,
   the model holds the sweep's result G(theta) with objective *mse. The accelerated point is kept if its objective
   is lower (the safeguard: the fit stays monotone, as plain ALS); otherwise the model goes back to G(theta) and
   the history is dropped. On return theta holds the model's parameters, the start of the next sweep. */
static PetscErrorCode Accelerate(SNA sna, const KhronosObjective *obj, SNAAnderson aa, PetscReal theta[], PetscReal *mse)
{
  const PetscInt P = sna->nparams;
  PetscReal     *g, *trial, mse_trial;
  PetscBool      mixed;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(P, &g, P, &trial));
  PetscCall((*sna->ops->getparameters)(sna, g));
  PetscCall(SNAAndersonMix(aa, theta, g, trial, &mixed));
  PetscCall(PetscArraycpy(theta, g, P));
  if (mixed) {
    PetscCall((*sna->ops->setparameters)(sna, trial));
    PetscCall((*obj->refresh)(sna, obj->ctx));
    PetscCall((*obj->value)(sna, obj->ctx, &mse_trial));
    sna->stats.function++;
    if (mse_trial < *mse) {
      *mse = mse_trial;
      PetscCall(PetscArraycpy(theta, trial, P));
    } else {
      PetscCall((*sna->ops->setparameters)(sna, g));
      PetscCall((*obj->refresh)(sna, obj->ctx));
      PetscCall(SNAAndersonReset(aa));
      PetscCall(PetscInfo(sna, "Anderson point rejected: objective %g vs %g\n", (double)mse_trial, (double)*mse));
    }
  }
  PetscCall(PetscFree2(g, trial));
  PetscFunctionReturn(0);
}

/* See khronosimpl.h: sweeps of block updates of obj (head, then each input block) until a stopping test holds, the
   budget is spent (DIVERGED_ITS) or, with ctl->leave, progress slows (CONVERGED_ITERATING: hand over; with leave 0,
   a sweep that raised the objective by more than the rtol test allows, which the data fits report as
   DIVERGED_STALLED). Each sweep
   may be followed by an Anderson step (ctl->anderson) or else Bro's (ctl->extrapolate, -sna_fit_als_extrapolate).
   Ends on the best iterate of the stage. */
PetscErrorCode SNAKhronosSweepStage(SNA sna, const KhronosObjective *obj, const KhronosSweepControl *ctl, SNAConvergedReason *reason)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;
  PetscReal    prev, mse, *prev_theta = NULL, *theta = NULL;
  BestIterate  best = {PETSC_MAX_REAL, NULL};
  SNAAnderson  aa   = NULL;

  PetscFunctionBegin;
  if (ctl->anderson) {
    /* one mix per sweep, so a stage never stores more than max_it differences: a deeper history is never filled
       and the results are the same, but a depth of 1e5 (-sna_fit_als_anderson) would allocate its m x m normal
       equations (80 GB) and fail on memory */
    PetscCall(SNAAndersonCreate(sna->nparams, PetscMin(ctl->anderson, PetscMax(sna->max_it, 1)), &aa));
    PetscCall(PetscMalloc1(sna->nparams, &theta));
    PetscCall((*sna->ops->getparameters)(sna, theta));
  } else if (ctl->extrapolate || kh->extrapolate) {
    PetscCall(PetscMalloc1(sna->nparams, &prev_theta));
    PetscCall((*sna->ops->getparameters)(sna, prev_theta));
  }
  PetscCall(PetscMalloc1(sna->nparams, &best.theta));
  *reason = SNA_DIVERGED_ITS;
  PetscCall((*obj->value)(sna, obj->ctx, &prev));
  sna->stats.function++; /* every objective value is counted, as Accelerate() and Extrapolate() count theirs */
  mse = prev;            /* a stage with no budget ends where it started */
  if (sna->iterations == 0) PetscCall(SNAMonitor(sna, 0, prev));
  PetscCall(BestIterateUpdate(sna, &best, prev));
  /* a start that meets -sna_fit_atol already stops here, as Levenberg-Marquardt does, with no sweep (and says so
     at -sna_fit_max_it 0 too, not DIVERGED_ITS) */
  if (obj->atol && prev <= sna->atol) *reason = SNA_CONVERGED_ATOL;
  for (PetscInt it = 0; it < sna->max_it && *reason == SNA_DIVERGED_ITS; it++) {
    for (PetscInt p = -1; p < sna->dim_in; p++) {
      PetscCall((*obj->solveblock)(sna, obj->ctx, p));
      sna->stats.inner++;
    }
    PetscCall((*obj->value)(sna, obj->ctx, &mse));
    sna->stats.function++;
    if (aa)
      PetscCall(Accelerate(sna, obj, aa, theta, &mse));
    else if (prev_theta)
      PetscCall(Extrapolate(sna, obj, it + 1, prev_theta, &mse));
    sna->iterations++;
    sna->stats.outer++; /* a sweep is an outer iteration, also where a Levenberg-Marquardt retry adds its steps */
    PetscCall(SNAMonitor(sna, sna->iterations, mse));
    if (PetscIsInfOrNanReal(mse)) {
      *reason = SNA_DIVERGED_NANORINF;
      break;
    }
    PetscCall(BestIterateUpdate(sna, &best, mse));
    if (SNAFitStopRequested(sna)) {
      *reason = SNA_CONVERGED_VALIDATION;
      break;
    }
    if (obj->atol && mse <= sna->atol) {
      *reason = SNA_CONVERGED_ATOL;
      break;
    }
    if ((*obj->converged)(sna, obj->ctx, prev, mse)) {
      *reason = SNA_CONVERGED_RTOL;
      break;
    }
    if (ctl->leave >= 0 && prev - mse <= ctl->leave * PetscAbsReal(prev)) {
      *reason = SNA_CONVERGED_ITERATING;
      break;
    }
    prev = mse;
  }
  if (!(mse <= best.mse) && *reason != SNA_DIVERGED_NANORINF) {
    PetscCall((*sna->ops->setparameters)(sna, best.theta));
    PetscCall((*obj->refresh)(sna, obj->ctx));
  }
  PetscCall(PetscFree(best.theta));
  PetscCall(PetscFree(prev_theta));
  PetscCall(PetscFree(theta));
  PetscCall(SNAAndersonDestroy(&aa));
  PetscFunctionReturn(0);
}

/* Relative decrease per sweep below which an enrichment stage below the target rank adds the next mode: the
   greedy stages only have to give the next mode a good start, the full-rank stage does the real work. */
#define KHRONOS_ENRICH_LEAVE 1e-2
/* The auto fit's second method: when ALS (from theta0) did not converge within its budget, it may be crawling
   through a swamp or stuck in a poor basin (bench/fit's smooth_6d, where ALS stalls at 9% relative error and
   Levenberg-Marquardt from the same start reaches 1e-7), so Levenberg-Marquardt starts again from theta0 with
   its own budget; the better of the two results is kept. */
static PetscErrorCode RetryWithLM(SNA sna, KhronosALSCache *c, const PetscReal y[], const PetscReal theta0[], SNAConvergedReason *reason)
{
  PetscReal         *als, mse_als, mse_lm;
  SNAConvergedReason als_reason = *reason;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(sna->nparams, &als));
  PetscCall((*sna->ops->getparameters)(sna, als));
  PetscCall(CacheMSE(sna, c, y, &mse_als));
  sna->stats.function++;
  PetscCall(PetscInfo(sna, "KHRONOS auto: ALS ended %s at MSE %g; Levenberg-Marquardt from the start\n", SNAConvergedReasons[als_reason], (double)mse_als));
  PetscCall((*sna->ops->setparameters)(sna, theta0));
  PetscCall(CacheAllFactors(sna, c));
  PetscCall(SNAFitValidationResume(sna));
  PetscCall(SNAFit_LM(sna, c->X, c->Y)); /* with the budget of -sna_fit_max_it steps */
  *reason = sna->reason;
  PetscCall(CacheAllFactors(sna, c));
  PetscCall(CacheMSE(sna, c, y, &mse_lm));
  sna->stats.function++;
  if (!(mse_lm <= mse_als)) {
    PetscCall(PetscInfo(sna, "KHRONOS auto: Levenberg-Marquardt ended higher (MSE %g): the ALS result is kept\n", (double)mse_lm));
    PetscCall((*sna->ops->setparameters)(sna, als));
    PetscCall(CacheAllFactors(sna, c));
    *reason = als_reason;
  }
  PetscCall(PetscFree(als));
  PetscFunctionReturn(0);
}

/* One level of the fit: with enrichment, a quick ALS stage per rank from the current one up to the target
   (each until a sweep gains less than 1%, at most -sna_fit_max_it sweeps); then the full-rank stage with the
   level's budget. Plain ALS sweeps to the end. The auto fit (lm) sweeps ALS with extrapolation and stops there
   if ALS converged; if not, Levenberg-Marquardt starts again from where the full-rank stage started
   (RetryWithLM): the level's start, or the enriched model. */
static PetscErrorCode FitLevel(SNA sna, KhronosALSCache *c, const PetscReal y[], PetscBool newton, PetscBool lm, SNAConvergedReason *reason)
{
  SNA_Khronos        *kh     = (SNA_Khronos *)sna->data;
  KhronosSweepControl ctl    = {0};
  DataObjective       data   = {c, y, newton};
  KhronosObjective    obj    = {&data, DataValue, DataSolveBlock, DataRefresh, DataConverged, PETSC_TRUE};
  PetscReal          *theta0 = NULL;

  PetscFunctionBegin;
  *reason = SNA_CONVERGED_ITERATING;
  /* auto: ALS with Anderson acceleration unless -sna_fit_als_anderson says otherwise, and with Bro's line search
     if that is 0 (the previous default); single Newton steps are not accelerated */
  ctl.anderson    = newton ? 0 : kh->anderson >= 0 ? kh->anderson
                                                   : SNAKhronosDefaultAnderson(lm);
  ctl.extrapolate = (PetscBool)(kh->extrapolate || (lm && !ctl.anderson));
  while (kh->enrich && kh->modes < kh->max_modes) {
    ctl.leave = KHRONOS_ENRICH_LEAVE;
    PetscCall(SNAKhronosSweepStage(sna, &obj, &ctl, reason));
    if (*reason == SNA_DIVERGED_NANORINF || *reason == SNA_CONVERGED_ATOL || *reason == SNA_CONVERGED_VALIDATION) break;
    PetscCall(SNAKhronosAddMode(sna));
    PetscCall(CacheAllFactors(sna, c));
    PetscCall(PetscInfo(sna, "KHRONOS rank enrichment: %" PetscInt_FMT " modes\n", kh->modes));
  }
  if (lm) { /* where Levenberg-Marquardt starts again if ALS does not converge: the full-rank stage's start */
    PetscCall(PetscMalloc1(sna->nparams, &theta0));
    PetscCall((*sna->ops->getparameters)(sna, theta0));
  }
  if (*reason != SNA_DIVERGED_NANORINF && *reason != SNA_CONVERGED_ATOL && *reason != SNA_CONVERGED_VALIDATION) {
    ctl.leave = 0;
    PetscCall(SNAKhronosSweepStage(sna, &obj, &ctl, reason));
  }
  /* the full-rank stage left because a sweep raised the MSE (ctl.leave 0; a change within rtol has converged):
     stalled with budget left, not cut off by it; as DIVERGED_ITS before, not convergence (auto's LM retry, no
     validation refit) */
  if (*reason == SNA_CONVERGED_ITERATING) *reason = SNA_DIVERGED_STALLED;
  /* an ALS stage stopped by its validation MSE may sit in a poor basin (smooth_6d) as well as fit noise: LM
     decides, and the validation keeps the best iterate of the two */
  if (lm && (*reason < 0 || *reason == SNA_CONVERGED_VALIDATION) && *reason != SNA_DIVERGED_NANORINF) PetscCall(RetryWithLM(sna, c, y, theta0, reason));
  PetscCall(PetscFree(theta0));
  PetscFunctionReturn(0);
}

/* The fits of khronos, for each refinement level: ALS, the single-step block fit (infinite_descent) and auto
   (ALS, then Levenberg-Marquardt if ALS did not converge). The refit on all samples after a validated fit
   (-sna_fit_validation_refit) goes on at the basis that fit ended with: its knots were refined already, and the
   validation MSE reported is that of a model of this basis. */
static PetscErrorCode FitKhronos(SNA sna, Vec X, Vec Y, PetscBool newton, PetscBool automatic)
{
  SNA_Khronos       *kh = (SNA_Khronos *)sna->data;
  KhronosALSCache    c  = {0};
  const PetscReal   *x, *y;
  SNAConvergedReason reason = SNA_CONVERGED_ITERATING;
  const PetscInt     refine = sna->fit_refitted ? 0 : kh->refine;

  PetscFunctionBegin;
  if (sna->fit_refitted && kh->refine) PetscCall(PetscInfo(sna, "KHRONOS refit: at the current knots (%" PetscInt_FMT " nodes at most per input), without the -%ssna_khronos_refine %" PetscInt_FMT " levels again\n", SNAKhronosMaxNodes(kh), SNAMessagePrefix(sna), kh->refine));
  /* the slow-progress stop on a model too large for the LM retry was refused before any work (SNAFitCheck_Khronos) */
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "X", &c.n, &x));
  PetscCall(SNAGetLocalRows(sna, Y, sna->dim_out, "Y", &c.n, &y));
  PetscCall(SNAGlobalCount(sna, c.n, &c.N));
  /* the finest level's block normal equations, before the coarse levels spend any time */
  PetscCall(SNAKhronosCheckMemory(sna, kh->degree, kh->nnodes, kh->nodes, kh->max_modes, refine, PETSC_TRUE));
  c.x = x;
  c.X = X;
  c.Y = Y;
  for (PetscInt level = 0; level <= refine; level++) {
    PetscBool lm = automatic;

    if (level > 0) PetscCall(RefineKnots(sna));
    PetscCall(CacheBasis(sna, x, &c));
    PetscCall(CacheAllFactors(sna, &c));
    if (lm && SNAKhronosFullRankParameters(sna) > KHRONOS_AUTO_LM_MAX_PARAMS) {
      lm = PETSC_FALSE;
      PetscCall(PetscInfo(sna, "KHRONOS level %" PetscInt_FMT ": more than %d parameters, ALS instead of Levenberg-Marquardt\n", level, KHRONOS_AUTO_LM_MAX_PARAMS));
    }
    PetscCall(PetscInfo(sna, "KHRONOS level %" PetscInt_FMT ": up to %" PetscInt_FMT " nodes per input, %" PetscInt_FMT " modes\n", level, SNAKhronosMaxNodes(kh), kh->modes));
    PetscCall(FitLevel(sna, &c, y, newton, lm, &reason));
    if (reason == SNA_DIVERGED_NANORINF || reason == SNA_CONVERGED_ATOL || reason == SNA_CONVERGED_VALIDATION) break;
  }
  sna->reason = reason;
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(PetscFree(c.first));
  PetscCall(PetscFree(c.vals));
  PetscCall(PetscFree(c.F));
  PetscCall(SNAKhronosSpanGroupsDestroy(&c.spans));
  PetscCall(ProductDestroy(&c.prod));
  PetscFunctionReturn(0);
}

/*MC
  SNAFITALS - "als": exact block alternating least squares for khronos

  Each sweep solves the regularised least-squares problem of the output head and of each input's coefficient
  block exactly (rank-local normal equations, one MPI reduction per block). Cheap per sweep and robust from
  any start, but its convergence slows to a crawl near the optimum (the "swamp" of ALS). An input whose samples
  repeat values (4 or more samples per distinct value on average, over each rank's rows: data on a grid, or fields
  sampled at the same stations for every design) has its block's normal equations summed once per value, (k+1)^2
  times fewer operations per sample. Samples that are designs x positions (each design's rows together, the same
  positions in the same order for every design, as airfoils x surface stations) are summed by designs and by
  positions instead: a few BLAS calls per block on designs + positions rows, and O(N M) per block for the data
  (a rank whose rows split a design, or rows held out by -sna_fit_validation, fall back to the runs).
  With fit type "infinite_descent" each block update is one Newton step on the block's optimality condition,
  which lands on the same block optimum.

  Options Database Keys:
+ -sna_fit_max_it <n>   - sweeps per refinement level, and per enrichment stage
. -sna_fit_rtol <r>     - stop when a sweep lowers the training MSE by less than r times the variance of the
                          targets (and by less than half); a sweep that raises it by more (the penalty -sna_fit_lambda
                          outweighing what the sweeps still gain) ends the fit DIVERGED_STALLED
. -sna_fit_als_anderson <m> - Anderson acceleration from the last m sweeps, each accelerated point kept only if
                          it lowers the loss (0: none, the default of als)
. -sna_fit_als_extrapolate - without Anderson: Bro's line search after each sweep (refused where Anderson is on: with
                          -sna_fit_als_anderson m > 0, or under auto without -sna_fit_als_anderson 0)
. -sna_khronos_enrich   - grow the rank greedily: each rank below the target sweeps until a sweep gains < 1%,
                          then the full-rank stage sweeps
. -sna_khronos_refine <L> - knot-refinement levels (the refit of -sna_fit_validation_refit goes on at the refined knots)
- -sna_khronos_init <random|tensor> - the start of a fresh model: pseudo-random modes, or the coarse tensor-product
                          fit decomposed into separable terms (khronosinit.c; random above 2000 coarse coefficients)

  Level: intermediate

.seealso: SNAFITAUTO, SNAFITLM
M*/
PetscErrorCode SNAFit_Khronos_ALS(SNA sna, Vec X, Vec Y)
{
  PetscBool newton;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(sna->fittype, SNAFITINFINITEDESCENT, &newton));
  if (newton) {
    char what[128];

    PetscCall(PetscSNPrintf(what, sizeof(what), "-%ssna_fit_type infinite_descent (one Newton step per block, not a sweep map to accelerate)", SNAMessagePrefix(sna)));
    PetscCall(SNAKhronosCheckAndersonUnused(sna, what));
  }
  PetscCall(FitKhronos(sna, X, Y, newton, PETSC_FALSE));
  PetscFunctionReturn(0);
}

/*MC
  SNAFITAUTO - "auto": the default fit of khronos

  ALS with Anderson acceleration (-sna_fit_als_anderson, depth 5 unless given; with 0, Bro's line search as
  before) first: cheap sweeps (BLAS per knot span) that converge on most problems. If ALS has not converged within -sna_fit_max_it sweeps (a swamp, or a poor basin), and the
  model has at most 2000 parameters (its Cholesky factorisations cost P^3/3 per step), Levenberg-Marquardt (SNAFITLM) starts again from the same start with its
  own budget, and the better result is kept (with greedy enrichment, the start is the enriched model).
  bench/fit measures this against plain ALS, Levenberg-Marquardt and TAO.

  Where the measured default applies (least-squares loss, no knot refinement or enrichment, at least 100 samples,
  not a part of an mf model; SNAKhronosMeasuredDefault()), the fit starts from the tensor start, holds out 10% of
  the samples, stops on a rise of their MSE and refits on all samples (bench/fit, bench/README.md).

  Options Database Keys: those of SNAFITALS and SNAFITLM, and
+ -sna_khronos_init <random|tensor> - the start (default: tensor where the measured default applies, else random)
. -sna_fit_validation <f>           - the held-out fraction (default: 0.1 where the measured default applies, else 0)
. -sna_fit_validation_stop <rise|patience> - the stop rule (default rise)
- -sna_fit_validation_refit         - go on with all samples after a validated fit that did not stop early

  Level: beginner

.seealso: SNAFITALS, SNAFITLM, SNAFit()
M*/
PetscErrorCode SNAFit_Khronos_Auto(SNA sna, Vec X, Vec Y)
{
  PetscFunctionBegin;
  PetscCall(FitKhronos(sna, X, Y, PETSC_FALSE, PETSC_TRUE));
  PetscFunctionReturn(0);
}
