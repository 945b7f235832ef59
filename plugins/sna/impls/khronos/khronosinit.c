/* The tensor start of the KHRONOS data fits (-sna_khronos_init).

   From random coefficients the first 6-7 ALS sweeps of bench/fit's 3-D problems only find the model's structure
   (the training MSE falls from 0.4 to 1e-5) and cost as much as the accurate sweeps after them. For few inputs a
   full tensor-product spline on a coarse basis (6 functions of degree 2 per input: 216 coefficients in 3-D) is a
   linear least-squares fit: one pass over the data with (k+1)^d nonzeros per row, one MPI reduction and one small
   Cholesky factorisation, less than a sweep. Its coefficient tensor (one more way for the outputs) is then
   decomposed into at most M separable terms by ALS on the tensor itself (no data: microseconds per sweep), and each
   coarse factor is projected onto the model's own basis. The data ALS then starts with the right structure: on
   rank3_3d it reaches the test error plain ALS reaches after 41 sweeps in 4 (bench/README.md).
   Every rank computes the same start (the tensor is summed over the ranks, the rest is redundant). */
#include <snaps/private/khronosimpl.h>
#include <snaps/private/snafitimpl.h>
#include <petscblaslapack.h>

const char *const SNAKhronosInitTypes[] = {"random", "tensor", "SNAKhronosInitType", "SNA_KHRONOS_INIT_", NULL};

/* Coarse basis: functions per input and degree (at most the model's). 6 x 6 x 6 measured best on bench/fit's
   rank3_3d (4 and 5 start too far off, 7 and 8 cost more and start no better). */
#define KHRONOS_INIT_NODES  6
#define KHRONOS_INIT_DEGREE 2
/* Largest coarse tensor -sna_khronos_init tensor builds, else it starts at random (LM's bound on dense normal equations; its Cholesky costs
   K^3/3: 216 coefficients, 3 inputs, cost less than a sweep, 6^4 = 1296 several). */
#define KHRONOS_INIT_MAX 2000
/* The decomposition of the coarse tensor sweeps until a sweep changes its squared residual by less than this
   fraction (some 30 sweeps on rank3_3d, after which it crawls: only the data fit can tell the modes apart), at
   most 100 sweeps. */
#define KHRONOS_INIT_CP_RTOL   1e-4
#define KHRONOS_INIT_CP_SWEEPS 100
/* Singular values of the coarse tensor's unfoldings below this fraction of the largest are taken as the coarse
   basis's approximation error (the decomposition's residual is 3% on rank3_3d): the decomposition has as many
   terms as the largest count above it, at most M, and the model's other modes start as without the tensor start.
   On rank3_3d (M 6, unfoldings 1, 0.73, 0.12, 0.026, ...: 3 terms) the data fit then reaches 2x its best test
   error after 4 sweeps instead of 7 with 6 terms, whose extra terms started degenerate. */
#define KHRONOS_INIT_SV_RTOL 0.05

/* The coarse tensor-product basis: one 1-D basis per input and the number of coefficients. */
typedef struct {
  PetscInt    d, K;  /* inputs, coefficients (product of the sizes) */
  PetscInt   *g;     /* g[p]: functions of input p */
  SNABSpline *basis; /* basis[p] */
} KhronosCoarse;

static PetscErrorCode CoarseCreate(SNA sna, KhronosCoarse *cb)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  cb->d = sna->dim_in;
  cb->K = 1;
  PetscCall(PetscMalloc1(cb->d, &cb->g));
  PetscCall(PetscCalloc1(cb->d, &cb->basis));
  for (PetscInt p = 0; p < cb->d; p++) {
    cb->g[p] = PetscMin(KHRONOS_INIT_NODES, kh->nodes[p]);
    cb->K *= cb->g[p];
    PetscCall(SNABSplineCreateUniform(PetscMin(KHRONOS_INIT_DEGREE, kh->degree), cb->g[p], 0.0, 1.0, &cb->basis[p]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CoarseDestroy(KhronosCoarse *cb)
{
  PetscFunctionBegin;
  for (PetscInt p = 0; p < cb->d; p++) PetscCall(SNABSplineDestroy(&cb->basis[p]));
  PetscCall(PetscFree(cb->basis));
  PetscCall(PetscFree(cb->g));
  PetscFunctionReturn(0);
}

/* The coarse coefficient count without building the bases. */
static PetscInt CoarseSize(SNA sna)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;
  PetscInt     K  = 1;

  for (PetscInt p = 0; p < sna->dim_in && K <= KHRONOS_INIT_MAX; p++) K *= PetscMin(KHRONOS_INIT_NODES, kh->nodes[p]);
  return K;
}

/* Row of sample x (d inputs) in the coarse tensor basis: its (k+1)^d nonzeros v[a] at the columns base + off[a] (the
   products of one nonzero basis value per input, built by Kronecker products, the last input fastest); returns
   base. */
static PetscInt CoarseRow(SNA sna, const KhronosCoarse *cb, const PetscInt stride[], const PetscReal x[], PetscReal v[])
{
  const PetscInt k1   = cb->basis[0].degree + 1;
  PetscInt       base = 0;
  PetscReal      vals[SNA_BSPLINE_MAX_DEGREE + 1];

  v[0] = 1.0;
  for (PetscInt p = 0, len = 1; p < cb->d; p++, len *= k1) {
    base += SNABSplineEvalInline(&cb->basis[p], SNAUnitCoordinate(sna, p, x[p]), vals) * stride[p];
    for (PetscInt a = len - 1; a >= 0; a--) /* in place: entry a is read before a*k1 + 0 overwrites it */
      for (PetscInt j = k1 - 1; j >= 0; j--) v[a * k1 + j] = v[a] * vals[j];
  }
  return base;
}

/* The base column of sample x's coarse row (CoarseRow()'s return value, its coarse cell) from the knot spans alone. */
static PetscInt CoarseCell(SNA sna, const KhronosCoarse *cb, const PetscInt stride[], const PetscReal x[])
{
  PetscInt base = 0;

  for (PetscInt p = 0; p < cb->d; p++) base += (SNABSplineFindSpan(&cb->basis[p], SNAUnitCoordinate(sna, p, x[p])) - cb->basis[p].degree) * stride[p];
  return base;
}

/* Adds the Gram matrix of a tile of T rows (U, T x nnz row-major) and its right-hand sides (Y, T x q) to the coarse
   normal equations at the columns base + off[a]: one syrk and one gemm. */
static PetscErrorCode CoarseAddTile(PetscInt T, PetscInt nnz, PetscInt q, const PetscReal U[], const PetscReal Y[], PetscInt base, const PetscInt off[], PetscInt K, PetscReal A[], PetscReal B[], PetscReal Gs[], PetscReal UY[])
{
  const PetscReal one = 1.0, zero = 0.0;
  PetscBLASInt    bn, bq, bT;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(nnz, &bn));
  PetscCall(PetscBLASIntCast(q, &bq));
  PetscCall(PetscBLASIntCast(T, &bT));
  /* row-major T x nnz is column-major nnz x T: U^T U = Uc Uc^T (upper triangle), U^T Y = Uc Yc^T (nnz x q) */
  PetscCallBLAS("BLASsyrk", BLASsyrk_("U", "N", &bn, &bT, &one, U, &bn, &zero, Gs, &bn));
  PetscCallBLAS("BLASgemm", BLASgemm_("N", "T", &bn, &bq, &bT, &one, U, &bn, Y, &bq, &zero, UY, &bn));
  for (PetscInt b = 0; b < nnz; b++) {
    for (PetscInt a = 0; a <= b; a++) A[(base + off[a]) * K + base + off[b]] += Gs[b * nnz + a]; /* column-major upper */
    for (PetscInt j = 0; j < q; j++) B[(base + off[b]) * q + j] += UY[j * nnz + b];
  }
  PetscFunctionReturn(0);
}

/* Least-squares fit of the full coarse tensor spline to the data: T (K x q, row-major, flat index
   ((i_0 g_1 + i_1) g_2 + ...) over the inputs). Samples of one coarse cell share their nonzero columns, so the
   normal equations are summed a cell at a time by BLAS (as the ALS blocks are per knot span), in tiles of rows. */
static PetscErrorCode CoarseFit(SNA sna, const KhronosCoarse *cb, PetscInt n, const PetscReal x[], const PetscReal y[], PetscInt N, PetscReal T[])
{
  const PetscInt d = cb->d, q = sna->dim_out, K = cb->K, k1 = cb->basis[0].degree + 1;
  PetscInt       nnz = 1, tile, *off, *stride, *cell, *count, *order;
  PetscReal     *A, *U, *Y, *Gs, *UY;

  PetscFunctionBegin;
  /* every coarse basis has the same degree; the strides of the flat index, the last input fastest */
  PetscCall(PetscMalloc1(d, &stride));
  for (PetscInt p = d - 1, s = 1; p >= 0; p--) {
    stride[p] = s;
    s *= cb->g[p];
    nnz *= k1;
  }
  tile = SNAKhronosTileRows(nnz);
  PetscCall(PetscMalloc5(nnz, &off, tile * nnz, &U, tile * q, &Y, nnz * nnz, &Gs, nnz * q, &UY));
  off[0] = 0;
  for (PetscInt p = 0, len = 1; p < d; p++, len *= k1) /* the same Kronecker order as CoarseRow() */
    for (PetscInt a = len - 1; a >= 0; a--)
      for (PetscInt j = k1 - 1; j >= 0; j--) off[a * k1 + j] = off[a] + j * stride[p];
  /* the cell of every sample (its base column), then the samples in cell order (a counting sort) */
  PetscCall(PetscMalloc3(n, &cell, K + 1, &count, n, &order));
  PetscCall(PetscArrayzero(count, K + 1));
  for (PetscInt i = 0; i < n; i++) {
    cell[i] = CoarseCell(sna, cb, stride, x + i * d);
    count[cell[i] + 1]++;
  }
  for (PetscInt c = 0; c < K; c++) count[c + 1] += count[c];
  for (PetscInt i = 0; i < n; i++) order[count[cell[i]]++] = i;
  PetscCall(PetscCalloc1(K * K, &A));
  PetscCall(PetscArrayzero(T, K * q));
  for (PetscInt i0 = 0; i0 < n;) { /* a tile: the next samples of one cell, at most tile of them */
    const PetscInt base = cell[order[i0]];
    PetscInt       t    = 0;

    for (; i0 < n && t < tile && cell[order[i0]] == base; i0++, t++) {
      const PetscInt i = order[i0];

      (void)CoarseRow(sna, cb, stride, x + i * d, U + t * nnz);
      for (PetscInt j = 0; j < q; j++) Y[t * q + j] = y[i * q + j];
    }
    PetscCall(CoarseAddTile(t, nnz, q, U, Y, base, off, K, A, T, Gs, UY));
  }
  /* off ascends, so the upper triangle in the products' order is the upper triangle of A */
  for (PetscInt r = 0; r < K; r++)
    for (PetscInt c = 0; c < r; c++) A[r * K + c] = A[c * K + r];
  PetscCall(SNALeastSquaresSolve(PetscObjectComm((PetscObject)sna), K, q, (PetscReal)N, sna->lambda, A, T));
  PetscCall(PetscFree3(cell, count, order));
  PetscCall(PetscFree5(off, U, Y, Gs, UY));
  PetscCall(PetscFree(stride));
  PetscCall(PetscFree(A));
  PetscFunctionReturn(0);
}

/* Work space of the decomposition's updates. */
typedef struct {
  PetscReal *H, *R, *prod; /* M x M, max dim x M, M */
  PetscInt  *sub;          /* a multi-index */
} KhronosCPWork;

/* One ALS update of factor p of the (d+1)-way decomposition T[i_0, ..., i_{d-1}, j] ~ sum_m prod_r F_r[i_r, m]
   (F_r: dims[r] x M, row-major; the last way is the outputs): F_p^T = H^{-1} R^T with R the tensor contracted with
   the other factors and H the Hadamard product of their Gram matrices (exact least squares with a relative ridge,
   by an M x M Cholesky factorisation). If fit, also *fit = |X|^2 - 2 <T, X> of the decomposition X before the
   update, so that |T - X|^2 = |T|^2 + *fit costs nothing extra. */
static PetscErrorCode CPUpdate(PetscInt ways, const PetscInt dims[], PetscInt M, const PetscReal T[], PetscInt size, PetscReal *F[], PetscInt p, KhronosCPWork *w, PetscReal *fit)
{
  PetscReal   *H = w->H, *R = w->R, *prod = w->prod, trace = 0;
  PetscInt    *sub = w->sub;
  PetscBLASInt bM, bn, info;

  PetscFunctionBegin;
  for (PetscInt m = 0; m < M * M; m++) H[m] = 1.0;
  for (PetscInt r = 0; r < ways; r++) {
    if (r == p) continue;
    for (PetscInt m = 0; m < M; m++)
      for (PetscInt l = 0; l < M; l++) {
        PetscReal s = 0;

        for (PetscInt i = 0; i < dims[r]; i++) s += F[r][i * M + m] * F[r][i * M + l];
        H[m * M + l] *= s;
      }
  }
  PetscCall(PetscArrayzero(R, dims[p] * M));
  PetscCall(PetscArrayzero(sub, ways));
  for (PetscInt e = 0; e < size; e++) { /* sub: the multi-index of entry e, the last way fastest */
    for (PetscInt m = 0; m < M; m++) prod[m] = T[e];
    for (PetscInt r = 0; r < ways; r++)
      if (r != p)
        for (PetscInt m = 0; m < M; m++) prod[m] *= F[r][sub[r] * M + m];
    for (PetscInt m = 0; m < M; m++) R[sub[p] * M + m] += prod[m];
    for (PetscInt r = ways - 1; r >= 0 && ++sub[r] == dims[r]; r--) sub[r] = 0;
  }
  for (PetscInt m = 0; m < M; m++) trace += H[m * M + m];
  if (fit) { /* |X|^2 - 2 <T, X> of the decomposition X before this update's solve, from H and R */
    PetscReal xx = 0, tx = 0;

    for (PetscInt m = 0; m < M; m++)
      for (PetscInt l = 0; l < M; l++) {
        PetscReal s = 0;

        for (PetscInt i = 0; i < dims[p]; i++) s += F[p][i * M + m] * F[p][i * M + l];
        xx += H[m * M + l] * s;
      }
    for (PetscInt i = 0; i < dims[p] * M; i++) tx += R[i] * F[p][i];
    *fit = xx - 2 * tx;
  }
  for (PetscInt m = 0; m < M; m++) H[m * M + m] += 1e-12 * trace / M; /* zero for vanished factors: potrf fails, the factor stays */
  /* R (row-major dims[p] x M) is the column-major M x dims[p] right-hand side of H F_p^T = R^T */
  PetscCall(PetscBLASIntCast(M, &bM));
  PetscCall(PetscBLASIntCast(dims[p], &bn));
  PetscCall(PetscFPTrapPush(PETSC_FP_TRAP_OFF));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bM, H, &bM, &info));
  if (!info) PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bM, &bn, H, &bM, R, &bM, &info));
  PetscCall(PetscFPTrapPop());
  if (!info) PetscCall(PetscArraycpy(F[p], R, dims[p] * M)); /* else the factor stays: a vanished mode, see Balance() */
  PetscFunctionReturn(0);
}

/* The start of factor p of the decomposition (HOSVD, De Lathauwer et al. 2000): the leading min(M, dims[p]) left
   singular vectors of the unfolding T_(p) (eigenvectors of T_(p) T_(p)^T), the other columns zero, and in *rank
   how many singular values exceed KHRONOS_INIT_SV_RTOL of the largest. From seeded random factors the decomposition of bench/fit's noisy_3d at rank 3 ended in a poor local minimum from which the
   data ALS did not recover. */
static PetscErrorCode LeadingSubspace(PetscInt ways, const PetscInt dims[], const PetscReal T[], PetscInt size, PetscInt p, PetscInt M, PetscReal F[], PetscInt *rank)
{
  const PetscInt n     = dims[p];
  PetscInt       inner = 1, cols = size / n;
  PetscReal     *Tp, *S, *w;

  PetscFunctionBegin;
  for (PetscInt r = p + 1; r < ways; r++) inner *= dims[r];
  PetscCall(PetscMalloc3(n * cols, &Tp, n * n, &S, n, &w));
  for (PetscInt e = 0; e < size; e++) Tp[((e / inner) % n) * cols + (e / (inner * n)) * inner + e % inner] = T[e];
  for (PetscInt a = 0; a < n; a++)
    for (PetscInt b = 0; b <= a; b++) {
      PetscReal sum = 0;

      for (PetscInt c = 0; c < cols; c++) sum += Tp[a * cols + c] * Tp[b * cols + c];
      S[a * n + b] = S[b * n + a] = sum;
    }
  PetscCall(SNASymmetricEigen(n, S, w)); /* ascending: eigenvector n - 1 - m (row of S) is the m-th leading one */
  for (PetscInt m = 0; m < M; m++)
    for (PetscInt i = 0; i < n; i++) F[i * M + m] = m < n ? S[(n - 1 - m) * n + i] : 0.0;
  *rank = 0; /* singular values above KHRONOS_INIT_SV_RTOL of the largest (eigenvalues above its square): at most n */
  for (PetscInt i = 0; i < n; i++)
    if (w[i] > PetscSqr(KHRONOS_INIT_SV_RTOL) * w[n - 1]) (*rank)++;
  PetscCall(PetscFree3(Tp, S, w));
  PetscFunctionReturn(0);
}

/* Decomposes the coarse tensor T (K x q) into the factors F[p] (g_p x M, p < d) and F[d] (q x M, the outputs)
   by ALS from the HOSVD start (the same on every rank), with as many terms as the unfoldings' significant singular
   values (at most M); the other columns of the factors are zero. */
static PetscErrorCode CPDecompose(SNA sna, const KhronosCoarse *cb, const PetscReal T[], PetscInt M, PetscReal *F[])
{
  const PetscInt d = cb->d, q = sna->dim_out;
  PetscInt      *dims, dmax = q, r = 1;
  PetscReal      tt = 0, res = 0, res_prev = 0;
  KhronosCPWork  w;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(d + 1, &dims));
  for (PetscInt p = 0; p < d; p++) dims[p] = cb->g[p];
  dims[d] = q;
  for (PetscInt p = 0; p < d; p++) dmax = PetscMax(dmax, dims[p]);
  PetscCall(PetscMalloc4(M * M, &w.H, dmax * M, &w.R, M, &w.prod, d + 1, &w.sub));
  for (PetscInt p = 0; p < d; p++) {
    PetscInt rp = 0;

    PetscCall(LeadingSubspace(d + 1, dims, T, cb->K * q, p, M, F[p], &rp));
    r = PetscMax(r, rp);
  }
  r = PetscMin(r, M);
  for (PetscInt p = 0; p < d; p++) /* the first r columns, packed (F[p] is dims[p] x r until the end) */
    for (PetscInt i = 0; i < dims[p]; i++)
      for (PetscInt m = 0; m < r; m++) F[p][i * r + m] = F[p][i * M + m];
  for (PetscInt i = 0; i < q * r; i++) F[d][i] = 1.0;
  for (PetscInt i = 0; i < cb->K * q; i++) tt += T[i] * T[i];
  for (PetscInt it = 0; it < KHRONOS_INIT_CP_SWEEPS; it++) {
    PetscReal fit;

    /* the residual |T - X|^2 = |T|^2 + fit of the sweep's start, known from the first update's sums */
    for (PetscInt p = 0; p <= d; p++) PetscCall(CPUpdate(d + 1, dims, r, T, cb->K * q, F, p, &w, p == 0 ? &fit : NULL));
    res = PetscMax(tt + fit, 0.0);
    if (it && PetscAbsReal(res_prev - res) <= KHRONOS_INIT_CP_RTOL * res_prev) break;
    res_prev = res;
  }
  PetscCall(PetscInfo(sna, "KHRONOS tensor start: %" PetscInt_FMT " terms, relative residual %g\n", r, (double)(tt > 0 ? PetscSqrtReal(res / tt) : 0.0)));
  for (PetscInt p = 0; p <= d; p++) /* back to M columns, the others zero (Balance() starts them as without the tensor start) */
    for (PetscInt i = dims[p] - 1; i >= 0; i--)
      for (PetscInt m = M - 1; m >= 0; m--) F[p][i * M + m] = m < r ? F[p][i * r + m] : 0.0;
  PetscCall(PetscFree4(w.H, w.R, w.prod, w.sub));
  PetscCall(PetscFree(dims));
  PetscFunctionReturn(0);
}

/* W[p] from the coarse factors F (g_p x M) of input p: the least-squares projection of each coarse spline onto the
   model's basis at 4 G_p + 1 equispaced points (the coarse knots are not a subset of the model's). */
static PetscErrorCode Prolong(SNA sna, const KhronosCoarse *cb, PetscInt p, const PetscReal F[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt G = kh->nodes[p], M = kh->modes, S = 4 * G + 1, k1 = kh->degree + 1, kc1 = cb->basis[p].degree + 1;
  PetscReal     *A, *B, v[SNA_BSPLINE_MAX_DEGREE + 1], vc[SNA_BSPLINE_MAX_DEGREE + 1];

  PetscFunctionBegin;
  PetscCall(PetscCalloc2(G * G, &A, G * M, &B));
  for (PetscInt s = 0; s < S; s++) {
    const PetscReal t = (PetscReal)s / (S - 1);
    const PetscInt  f = SNABSplineEvalInline(&kh->basis[p], t, v), fc = SNABSplineEvalInline(&cb->basis[p], t, vc);

    for (PetscInt a = 0; a < k1; a++) {
      for (PetscInt b = 0; b < k1; b++) A[(f + a) * G + f + b] += v[a] * v[b];
      for (PetscInt m = 0; m < M; m++) {
        PetscReal c = 0;

        for (PetscInt e = 0; e < kc1; e++) c += vc[e] * F[(fc + e) * M + m];
        B[(f + a) * M + m] += v[a] * c;
      }
    }
  }
  PetscCall(SNALeastSquaresSolve(PETSC_COMM_SELF, G, M, (PetscReal)S, 0.0, A, B));
  for (PetscInt g = 0; g < G; g++)
    for (PetscInt m = 0; m < M; m++) kh->W[(kh->start[p] + g) * M + m] = B[g * M + m];
  PetscCall(PetscFree2(A, B));
  PetscFunctionReturn(0);
}

/* Scales every mode's factors to a largest coefficient of one and moves the scales into the head C (from the
   output factor Fq, q x M). A mode beyond the decomposition's terms, or one it left at zero (or not finite), gets
   the seeded random start and a zero output weight, as without the tensor start: a zero factor would stay zero
   under ALS; *drawn counts them. */
static PetscErrorCode Balance(SNA sna, const PetscReal Fq[], PetscInt *drawn)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt M = kh->modes, q = sna->dim_out;

  PetscFunctionBegin;
  *drawn = 0;
  for (PetscInt m = 0; m < M; m++) {
    PetscReal scale = 1.0;
    PetscBool dead  = PETSC_FALSE;

    for (PetscInt p = 0; p < sna->dim_in && !dead; p++) {
      PetscReal s = 0;

      for (PetscInt g = 0; g < kh->nodes[p]; g++) s = PetscMax(s, PetscAbsReal(kh->W[(kh->start[p] + g) * M + m]));
      if (!(s > 0 && s < PETSC_MAX_REAL))
        dead = PETSC_TRUE;
      else {
        for (PetscInt g = 0; g < kh->nodes[p]; g++) kh->W[(kh->start[p] + g) * M + m] /= s;
        scale *= s;
      }
    }
    for (PetscInt j = 0; j < q; j++) kh->C[m * q + j] = Fq[j * M + m] * scale;
    for (PetscInt j = 0; j < q; j++) dead = (PetscBool)(dead || PetscIsInfOrNanReal(kh->C[m * q + j]));
    if (dead) {
      PetscCall(PetscInfo(sna, "KHRONOS tensor start: mode %" PetscInt_FMT " not in the decomposition, random start\n", m));
      PetscCall(SNAKhronosInitializeMode(sna, m));
      (*drawn)++;
    }
  }
  PetscFunctionReturn(0);
}

/* See khronosimpl.h. Knot refinement and enrichment (which grows the modes from one) are left out: bench/fit
   measured the default without them. */
PetscBool SNAKhronosMeasuredDefaultFor(SNA sna, PetscBool enrich, PetscInt refine)
{
  PetscBool automatic = PETSC_FALSE;

  if (sna->fittype) (void)PetscStrcmp(sna->fittype, SNAFITAUTO, &automatic);
  return (PetscBool)(automatic && !sna->previous_default && !enrich && refine == 0 && sna->loss == SNA_LOSS_MSE);
}

PetscErrorCode SNAKhronosMeasuredDefault(SNA sna, PetscBool *applies)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  *applies = SNAKhronosMeasuredDefaultFor(sna, kh->enrich, kh->refine);
  PetscFunctionReturn(0);
}

/* See khronosimpl.h. */
PetscErrorCode SNAKhronosMeasuredDefaultOptions(SNA sna, PetscBool *applies)
{
  SNA_Khronos *kh     = (SNA_Khronos *)sna->data;
  PetscInt     refine = kh->refine;
  PetscBool    enrich = kh->enrich;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetInt(((PetscObject)sna)->options, ((PetscObject)sna)->prefix, "-sna_khronos_refine", &refine, NULL));
  PetscCall(PetscOptionsGetBool(((PetscObject)sna)->options, ((PetscObject)sna)->prefix, "-sna_khronos_enrich", &enrich, NULL));
  *applies = SNAKhronosMeasuredDefaultFor(sna, enrich, refine);
  PetscFunctionReturn(0);
}

/* Whether the fit starts from the tensor start: a fresh model under -sna_khronos_init tensor whose coarse tensor is
   small enough (else the random start: bench/fit's smooth_6d has 6^6 coefficients). Without -sna_khronos_init, the
   auto fit starts there wherever it applies (the default of bench/fit's measurements), any other fit at random. A least-squares start does not
   apply to the cross-entropy loss (its targets are class probabilities, the model's outputs logits). */
static PetscErrorCode UseTensorStart(SNA sna, PetscBool *use)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  if (!kh->init_chosen) {
    PetscCall(SNAKhronosMeasuredDefault(sna, use));
    *use = (PetscBool)(*use && kh->fresh && kh->init_spread == 0 && CoarseSize(sna) <= KHRONOS_INIT_MAX);
    PetscFunctionReturn(0);
  }
  *use = (PetscBool)(kh->fresh && kh->init == SNA_KHRONOS_INIT_TENSOR);
  if (!*use) PetscFunctionReturn(0);
  PetscCheck(!kh->enrich, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "-%ssna_khronos_init tensor starts all %" PetscInt_FMT " modes at once, -%ssna_khronos_enrich grows them from one: drop one of the two", SNAMessagePrefix(sna), kh->max_modes, SNAMessagePrefix(sna));
  PetscCheck(sna->loss == SNA_LOSS_MSE, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "-%ssna_khronos_init tensor fits a coarse spline to the targets by least squares, but -%ssna_loss %s takes the outputs as logits: drop -%ssna_khronos_init tensor (the fit then starts at random)", SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNALossTypes[sna->loss], SNAMessagePrefix(sna));
  if (CoarseSize(sna) > KHRONOS_INIT_MAX) { /* asked for by name: the user hears that it does not apply */
    *use = PETSC_FALSE;
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sna), "WARNING: -%ssna_khronos_init tensor: %" PetscInt_FMT " inputs give more than %d coarse coefficients (up to %d per input), too many for its least-squares fit: the fit starts from the random start instead\n", SNAMessagePrefix(sna), sna->dim_in, KHRONOS_INIT_MAX, KHRONOS_INIT_NODES));
  }
  PetscFunctionReturn(0);
}

/* See khronosimpl.h. */
PetscErrorCode SNAKhronosTensorStart(SNA sna, Vec X, Vec Y)
{
  SNA_Khronos     *kh = (SNA_Khronos *)sna->data;
  const PetscInt   d = sna->dim_in, q = sna->dim_out, M = kh->modes;
  KhronosCoarse    cb = {0};
  PetscReal       *T, **F;
  const PetscReal *x, *y;
  PetscInt         n, N, drawn;
  PetscBool        use = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(UseTensorStart(sna, &use));
  kh->fit_fresh = kh->fresh;
  kh->fresh     = PETSC_FALSE;
  if (!use) PetscFunctionReturn(0);
  PetscCall(SNAFitGetData(sna, X, Y, &n, &N, &x, &y));
  PetscCall(CoarseCreate(sna, &cb));
  PetscCall(PetscInfo(sna, "KHRONOS tensor start: %" PetscInt_FMT " coarse coefficients, rank %" PetscInt_FMT "\n", cb.K, M));
  PetscCall(PetscMalloc1(cb.K * q, &T));
  PetscCall(CoarseFit(sna, &cb, n, x, y, N, T));
  PetscCall(SNAFitRestoreData(sna, X, Y, &x, &y));
  PetscCall(PetscMalloc1(d + 1, &F));
  for (PetscInt p = 0; p < d; p++) PetscCall(PetscMalloc1(cb.g[p] * M, &F[p]));
  PetscCall(PetscMalloc1(q * M, &F[d]));
  PetscCall(CPDecompose(sna, &cb, T, M, F));
  for (PetscInt p = 0; p < d; p++) PetscCall(Prolong(sna, &cb, p, F[p]));
  PetscCall(Balance(sna, F[d], &drawn));
  if (!drawn) { /* the seed's draw is replaced in every mode: a refit of this model is not seeded either */
    kh->seed_drew = PETSC_FALSE;
    if (kh->seed_given && sna->validation == 0) /* as SNAFit() warns of a seed on a warm start (SNAFitSeedUnused_C) */
      PetscCall(PetscFPrintf(PetscObjectComm((PetscObject)sna), PETSC_STDERR, "WARNING: option -%ssna_khronos_seed (value %" PetscInt_FMT ") has no effect: it seeds a fresh model's random start and the split of -%ssna_fit_validation, but this fit started every mode from the tensor start (a least-squares fit of a coarse tensor-product spline to the data: -%ssna_khronos_init) and holds no samples out: drop -%ssna_khronos_seed, or give -%ssna_khronos_init random\n", SNAMessagePrefix(sna), kh->seed, SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna)));
    /* the spread shapes the random start alone (a mode the decomposition leaves out is drawn with it): said, as the
       seed is, instead of read and ignored while -sna_view described a random start */
    kh->spread_replaced = kh->init_spread_set;
    if (kh->init_spread_set)
      PetscCall(PetscFPrintf(PetscObjectComm((PetscObject)sna), PETSC_STDERR, "WARNING: option -%ssna_khronos_init_spread (value %g) has no effect: it shapes a fresh model's random start, but this fit started every mode from the tensor start (-%ssna_khronos_init): drop -%ssna_khronos_init_spread, or give -%ssna_khronos_init random\n", SNAMessagePrefix(sna), (double)kh->init_spread, SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna)));
  }
  for (PetscInt p = 0; p <= d; p++) PetscCall(PetscFree(F[p]));
  PetscCall(PetscFree(F));
  PetscCall(PetscFree(T));
  PetscCall(CoarseDestroy(&cb));
  PetscFunctionReturn(0);
}
