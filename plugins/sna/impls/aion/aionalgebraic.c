/* The algebraic part of AION's infinite descent.

   A factor psi(t) = sum_k A_k e^{alpha_k t} cos(omega_k t + phi_k) is a sum of 2P complex exponentials
   e^{(alpha +- i omega) t}; sampled at t_i = t_0 + i h they are powers z^i of z = e^{(alpha +- i omega) h}.
   So on uniform samples the exponents and frequencies are the eigenvalues of a matrix pencil
   (SNAMatrixPencil), and then the amplitudes and phases are linear least squares: no iteration and no
   use of the initialisation.
     1 input:  K = 2 r P exponentials from the samples, then (a, b) of every term by least squares; a
               1-D sum of r rank-one products is one factor, so term j goes to rank j / P.
     2 inputs on a uniform tensor grid Y[i0][i1]: the columns of Y are combinations of the input-0
               factors and its rows of the input-1 factors, so one multichannel pencil per input gives
               each input's r P terms; the coupling G (Y = Phi0 G Phi1^T) is linear least squares; its
               rank-r structure assigns terms to ranks (terms of one rank share a direction in G's
               column space) and pairs the ranks of the two inputs; a rank-one fit of each block gives
               the amplitudes (input 1 normalised to unit norm, the gauge of aionimpl.h).
   The record is decimated into interleaved channels (offsets 0..s-1 of stride s) so that the pencil's
   window spans about half the record whatever N is (a short window resolves close frequencies poorly
   under noise; L <= 100 keeps the eigenproblem small): frequencies are then resolved for
   |omega| < pi / (s h), about 2 L pi on [0, 1] (628 for L = 100). Data that are not uniform (or not a full grid) have no
   algebraic solution here; the caller then solves the optimality condition by root finding alone. */
#include <snaps/private/aionimpl.h>
#include <petscblaslapack.h>

/* A uniform axis found in the data. */
typedef struct {
  PetscInt  n;  /* distinct values */
  PetscReal t0; /* first value (unit coordinates) */
  PetscReal h;  /* spacing */
} AionAxis;

/* One candidate term from the pencil: exponent and (non-negative) frequency. */
typedef struct {
  PetscReal alpha, omega;
} AionRate;

static int CompareReal(const void *a, const void *b)
{
  const PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

/* Sorted distinct values of t[0..N) with stride, as a uniform axis; *why explains a failure. */
static PetscErrorCode FindAxis(PetscInt N, const PetscReal t[], PetscInt stride, AionAxis *axis, char why[], size_t len)
{
  PetscReal *u, range, dev = 0;
  PetscInt   n = 0;

  PetscFunctionBegin;
  why[0] = 0;
  PetscCall(PetscMalloc1(N, &u));
  PetscBool sorted = PETSC_TRUE;
  for (PetscInt i = 0; i < N; i++) {
    u[i]   = t[i * stride];
    sorted = (PetscBool)(sorted && (i == 0 || u[i] >= u[i - 1]));
  }
  if (!sorted) qsort(u, (size_t)N, sizeof(PetscReal), CompareReal); /* records usually come in order */
  range = u[N - 1] - u[0];
  for (PetscInt i = 0; i < N; i++)
    if (!n || u[i] - u[n - 1] > 1e-9 * range) u[n++] = u[i];
  axis->n  = n;
  axis->t0 = u[0];
  axis->h  = n > 1 ? range / (n - 1) : 0;
  for (PetscInt i = 0; i < n; i++) dev = PetscMax(dev, PetscAbsReal(u[i] - (u[0] + i * axis->h)));
  if (n < 2)
    PetscCall(PetscSNPrintf(why, len, "all samples have the same value of this input"));
  else if (dev > 1e-6 * axis->h)
    PetscCall(PetscSNPrintf(why, len, "its %" PetscInt_FMT " distinct values are not uniformly spaced (deviation %.3g of the mean spacing %.3g)", n, (double)dev, (double)axis->h));
  PetscCall(PetscFree(u));
  PetscFunctionReturn(0);
}

/* Every rank gets all N samples: unit coordinates t (N x d) and targets y. */
static PetscErrorCode GatherSamples(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscInt *N, PetscReal **t, PetscReal **yall)
{
  MPI_Comm       comm = PetscObjectComm((PetscObject)sna);
  const PetscInt d    = sna->dim_in;
  PetscMPIInt    size, *counts, *displs, cnt;
  PetscReal     *tl;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  PetscCall(PetscMPIIntCast(n, &cnt));
  PetscCallMPI(MPI_Allgather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, comm));
  *N = 0;
  for (PetscMPIInt r = 0; r < size; r++) {
    PetscCall(PetscMPIIntCast(*N, &displs[r]));
    *N += counts[r];
  }
  PetscCall(PetscMalloc2(*N * d, t, *N, yall));
  PetscCall(PetscMalloc1(n * d + 1, &tl));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = 0; p < d; p++) tl[i * d + p] = SNAUnitCoordinate(sna, p, x[i * d + p]);
  PetscCallMPI(MPI_Allgatherv(y, cnt, MPIU_REAL, *yall, counts, displs, MPIU_REAL, comm));
  for (PetscMPIInt r = 0; r < size; r++) { /* now in units of d values */
    counts[r] *= (PetscMPIInt)d;
    displs[r] *= (PetscMPIInt)d;
  }
  PetscCallMPI(MPI_Allgatherv(tl, cnt * (PetscMPIInt)d, MPIU_REAL, *t, counts, displs, MPIU_REAL, comm));
  PetscCall(PetscFree(tl));
  PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(0);
}

/* Dense least squares min |A X - B| (A m x k column-major, B m x nrhs column-major, overwritten; the
   solution is in B's first k rows) by the SVD, which tolerates dependent columns. */
static PetscErrorCode DenseLeastSquares(PetscInt m, PetscInt k, PetscInt nrhs, PetscReal A[], PetscReal B[])
{
  PetscBLASInt bm, bk, bn, rank, lwork = -1, info = 0;
  PetscReal    rcond = 1e-14, *sv, wq, *work;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(k, &bk));
  PetscCall(PetscBLASIntCast(nrhs, &bn));
  PetscCall(PetscMalloc1(k, &sv));
  PetscCall(PetscFPTrapPush(PETSC_FP_TRAP_OFF));
  PetscCallBLAS("LAPACKgelss", LAPACKgelss_(&bm, &bk, &bn, A, &bm, B, &bm, sv, &rcond, &rank, &wq, &lwork, &info));
  PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
  PetscCall(PetscMalloc1(lwork, &work));
  PetscCallBLAS("LAPACKgelss", LAPACKgelss_(&bm, &bk, &bn, A, &bm, B, &bm, sv, &rcond, &rank, work, &lwork, &info));
  PetscCall(PetscFPTrapPop());
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "AION algebraic solve: least squares (LAPACK gelss) failed with info %d", (int)info);
  PetscCall(PetscFree(work));
  PetscCall(PetscFree(sv));
  PetscFunctionReturn(0);
}

/* Column-major basis Phi (n x 2T) of T terms on t_i = t0 + i h: e^{alpha t} cos(omega t), e^{alpha t} sin(omega t). */
static void FillBasis(const AionAxis *ax, PetscInt T, const AionRate rate[], PetscReal Phi[])
{
  for (PetscInt j = 0; j < T; j++)
    for (PetscInt i = 0; i < ax->n; i++) {
      const PetscReal t = ax->t0 + i * ax->h, E = PetscExpReal(rate[j].alpha * t);
      Phi[(2 * j) * ax->n + i]     = E * PetscCosReal(rate[j].omega * t);
      Phi[(2 * j + 1) * ax->n + i] = E * PetscSinReal(rate[j].omega * t);
    }
}

/* Residual |Phi c - data|_F^2 over all channels of the least-squares fit with the T terms in rate. */
static PetscErrorCode FitResidual(const AionAxis *ax, PetscInt nchan, const PetscReal data[], PetscInt T, const AionRate rate[], PetscReal *res)
{
  const PetscInt n = ax->n;
  PetscReal     *Phi, *B, *A;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(n * 2 * T, &Phi, n * 2 * T, &A, n * nchan, &B));
  FillBasis(ax, T, rate, Phi);
  PetscCall(PetscArraycpy(A, Phi, n * 2 * T));
  PetscCall(PetscArraycpy(B, data, n * nchan));
  PetscCall(DenseLeastSquares(n, 2 * T, nchan, A, B));
  *res = 0;
  for (PetscInt c = 0; c < nchan; c++)
    for (PetscInt i = 0; i < n; i++) {
      PetscReal u = 0;
      for (PetscInt j = 0; j < 2 * T; j++) u += Phi[j * n + i] * B[c * n + j];
      *res += PetscSqr(u - data[c * n + i]);
    }
  PetscCall(PetscFree3(Phi, A, B));
  PetscFunctionReturn(0);
}

/* Noisy data can split a damped cosine's conjugate pair into two real roots, leaving more candidates
   than terms: keep T of them by greedy forward selection, each time adding the candidate that lowers
   the joint least-squares residual most (amplitude-based choices fail when candidates nearly cancel). */
static PetscErrorCode SelectTerms(const AionAxis *ax, PetscInt nchan, const PetscReal data[], PetscInt ncand, AionRate cand[], PetscInt T)
{
  PetscFunctionBegin;
  for (PetscInt j = 0; j < T; j++) { /* cand[0..j) are chosen; try each of the rest in slot j */
    PetscInt  best    = j;
    PetscReal bestres = PETSC_MAX_REAL, res = 0;
    for (PetscInt l = j; l < ncand; l++) {
      AionRate keep = cand[j];
      cand[j]       = cand[l];
      cand[l]       = keep;
      PetscCall(FitResidual(ax, nchan, data, j + 1, cand, &res));
      cand[l] = cand[j];
      cand[j] = keep;
      if (res < bestres) {
        bestres = res;
        best    = l;
      }
    }
    AionRate keep = cand[j];
    cand[j]       = cand[best];
    cand[best]    = keep;
  }
  PetscFunctionReturn(0);
}

/* Pencil along one axis for channels data[c*n + i] (nchan of them, n = ax->n samples each): returns T
   terms (T = r P), selected among the pencil's candidates if there are more, padded with placeholder
   frequencies if the data hold fewer. */
static PetscErrorCode AxisRates(SNA sna, const AionAxis *ax, PetscInt nchan, const PetscReal data[], PetscInt T, AionRate rate[])
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt K = 2 * T, n = ax->n;
  PetscInt       L, s, ns, ncand = 0;
  PetscReal     *dec, *zre, *zim;
  AionRate      *cand;

  PetscFunctionBegin;
  /* pencil parameter L and stride s: the window L s h spans about half the record */
  L  = ai->pencil_L ? ai->pencil_L : PetscMax(3 * K, PetscMin(100, n / 2));
  s  = PetscMax(1, n / (2 * L));
  ns = n / s;
  if (!ai->pencil_L) L = PetscMin(L, ns - K);
  PetscCheck(L >= K && ns - L >= 1, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "AION's matrix pencil needs K <= L <= N - K for K = %" PetscInt_FMT " exponentials; -%ssna_aion_pencil_rows %" PetscInt_FMT " does not fit %" PetscInt_FMT " samples", K, SNAMessagePrefix(sna), L, n);
  PetscCall(PetscMalloc3(nchan * s * ns, &dec, K, &zre, K, &zim));
  for (PetscInt c = 0; c < nchan; c++)
    for (PetscInt o = 0; o < s; o++)
      for (PetscInt i = 0; i < ns; i++) dec[(c * s + o) * ns + i] = data[c * n + o + i * s];
  PetscCall(SNAMatrixPencil(nchan * s, ns, dec, K, L, zre, zim));
  PetscCall(PetscMalloc1(K, &cand));
  for (PetscInt k = 0; k < K; k++) {
    const PetscReal mod = PetscSqrtReal(zre[k] * zre[k] + zim[k] * zim[k]), step = s * ax->h;
    if (!(mod > 0) || zim[k] < -1e-12 * mod) continue; /* the conjugate of a pair, or a zero root */
    cand[ncand].alpha = PetscLogReal(mod) / step;
    cand[ncand].omega = zim[k] > 1e-12 * mod ? PetscAtan2Real(zim[k], zre[k]) / step : (zre[k] < 0 ? PETSC_PI / step : 0.0);
    ncand++;
  }
  PetscCall(PetscInfo(sna, "AION pencil: %" PetscInt_FMT " samples in %" PetscInt_FMT " channels of %" PetscInt_FMT " (stride %" PetscInt_FMT "), L = %" PetscInt_FMT ", %" PetscInt_FMT " candidate terms for %" PetscInt_FMT "\n", n * nchan, nchan * s, ns, s, L, ncand, T));
  if (ncand > T) PetscCall(SelectTerms(ax, nchan, data, ncand, cand, T));
  for (PetscInt j = 0; j < T; j++) {
    if (j < ncand)
      rate[j] = cand[j];
    else { /* the data hold fewer exponentials than the model: placeholders that fit to zero amplitude */
      rate[j].alpha = 0;
      rate[j].omega = PETSC_PI * (j + 1);
    }
  }
  PetscCall(PetscFree(cand));
  PetscCall(PetscFree3(dec, zre, zim));
  PetscFunctionReturn(0);
}

/* Full SVD A = U diag(sv) VT of the m x n column-major matrix A (overwritten); U m x m, VT n x n. */
static PetscErrorCode FullSVD(PetscInt m, PetscInt n, PetscReal A[], PetscReal sv[], PetscReal U[], PetscReal VT[])
{
  PetscBLASInt bm, bn, lwork = -1, info = 0;
  PetscReal    wq, *work;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscFPTrapPush(PETSC_FP_TRAP_OFF));
  PetscCallBLAS("LAPACKgesvd", LAPACKgesvd_("A", "A", &bm, &bn, A, &bm, sv, U, &bm, VT, &bn, &wq, &lwork, &info));
  PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
  PetscCall(PetscMalloc1(lwork, &work));
  PetscCallBLAS("LAPACKgesvd", LAPACKgesvd_("A", "A", &bm, &bn, A, &bm, sv, U, &bm, VT, &bn, work, &lwork, &info));
  PetscCall(PetscFPTrapPop());
  PetscCall(PetscFree(work));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "AION algebraic solve: SVD (LAPACK gesvd) failed with info %d", (int)info);
  PetscFunctionReturn(0);
}

/* Largest singular triple of the m x n column-major matrix A (overwritten). */
static PetscErrorCode DominantSingularTriple(PetscInt m, PetscInt n, PetscReal A[], PetscReal *sigma, PetscReal u[], PetscReal v[])
{
  PetscReal *sv, *U, *VT;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(PetscMin(m, n), &sv, m * m, &U, n * n, &VT));
  PetscCall(FullSVD(m, n, A, sv, U, VT));
  *sigma = sv[0];
  for (PetscInt i = 0; i < m; i++) u[i] = U[i];
  for (PetscInt j = 0; j < n; j++) v[j] = VT[j * n];
  PetscCall(PetscFree3(sv, U, VT));
  PetscFunctionReturn(0);
}

/* Groups the T = r P terms of one input into r ranks of P. rows[j*r + l] (2 rows per term, summed with
   aligned signs into one r-vector per term) is the term's direction in the coupling's rank-r column
   space; terms of one rank share a direction. Greedy: seed with the strongest free term, add the P - 1
   free terms most parallel to it. */
static PetscErrorCode GroupTerms(PetscInt T, PetscInt r, PetscInt P, const PetscReal dir[], PetscInt group[])
{
  PetscBool *used;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(T, &used));
  for (PetscInt g = 0; g < r; g++) {
    PetscInt  seed = -1;
    PetscReal best = -1;
    for (PetscInt j = 0; j < T; j++) {
      PetscReal nrm = 0;
      for (PetscInt l = 0; l < r; l++) nrm += dir[j * r + l] * dir[j * r + l];
      if (!used[j] && nrm > best) {
        best = nrm;
        seed = j;
      }
    }
    used[seed]   = PETSC_TRUE;
    group[g * P] = seed;
    for (PetscInt k = 1; k < P; k++) {
      PetscInt  pick = -1;
      PetscReal bc   = -1;
      for (PetscInt j = 0; j < T; j++) {
        PetscReal dot = 0, n1 = 0, n2 = 0, c;
        if (used[j]) continue;
        for (PetscInt l = 0; l < r; l++) {
          dot += dir[j * r + l] * dir[seed * r + l];
          n1 += dir[j * r + l] * dir[j * r + l];
          n2 += dir[seed * r + l] * dir[seed * r + l];
        }
        c = n1 > 0 && n2 > 0 ? PetscAbsReal(dot) / PetscSqrtReal(n1 * n2) : 0;
        if (c > bc) {
          bc   = c;
          pick = j;
        }
      }
      used[pick]       = PETSC_TRUE;
      group[g * P + k] = pick;
    }
  }
  PetscCall(PetscFree(used));
  PetscFunctionReturn(0);
}

/* Per-term directions in the rank-r column space of the coupling block matrix: basis (2T x r, column
   major, scaled by the singular values), two rows per term folded into one r-vector. */
static void TermDirections(PetscInt T, PetscInt r, PetscInt ld, const PetscReal basis[], PetscReal dir[])
{
  for (PetscInt j = 0; j < T; j++) {
    PetscReal dot = 0;
    for (PetscInt l = 0; l < r; l++) dot += basis[l * ld + 2 * j] * basis[l * ld + 2 * j + 1];
    for (PetscInt l = 0; l < r; l++) dir[j * r + l] = basis[l * ld + 2 * j] + (dot < 0 ? -1.0 : 1.0) * basis[l * ld + 2 * j + 1];
  }
}

/* 2 inputs on a uniform grid: Y is n0 x n1, row-major. See the file comment. */
static PetscErrorCode SolveGrid2(SNA sna, const AionAxis ax[2], const PetscReal Y[], PetscReal theta[])
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt r = ai->rank, P = ai->terms, T = r * P, n0 = ax[0].n, n1 = ax[1].n, k0 = 2 * T, k1 = 2 * T;
  AionRate      *rate0, *rate1;
  PetscReal     *cols, *Phi0, *Phi1, *C, *Gt, *G, *Gs, *U, *VT, *sv, *dir, *blk, *bu, *bv, sigma = 0;
  PetscInt      *group0, *group1, *pair;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(T, &rate0, T, &rate1, n0 * n1, &cols, n0 * k0, &Phi0));
  /* input 0: the columns of Y are channels; input 1: its rows */
  for (PetscInt i1 = 0; i1 < n1; i1++)
    for (PetscInt i0 = 0; i0 < n0; i0++) cols[i1 * n0 + i0] = Y[i0 * n1 + i1];
  PetscCall(AxisRates(sna, &ax[0], n1, cols, T, rate0));
  PetscCall(AxisRates(sna, &ax[1], n0, Y, T, rate1));
  /* coupling: Phi0 C = Y (C is k0 x n1), then Phi1 G^T = C^T */
  FillBasis(&ax[0], T, rate0, Phi0);
  PetscCall(DenseLeastSquares(n0, k0, n1, Phi0, cols)); /* cols (n0 x n1 column-major) -> C in its first k0 rows */
  PetscCall(PetscMalloc4(n1 * k1, &Phi1, n1 * k0, &C, k0 * k1, &G, k0 * k1, &Gs));
  FillBasis(&ax[1], T, rate1, Phi1);
  for (PetscInt a = 0; a < k0; a++)
    for (PetscInt i1 = 0; i1 < n1; i1++) C[a * n1 + i1] = cols[i1 * n0 + a]; /* C^T, n1 x k0 column-major */
  PetscCall(DenseLeastSquares(n1, k1, k0, Phi1, C));
  Gt = C; /* G^T in the first k1 rows of each column of length n1: G[a][b] = Gt[a*n1 + b] */
  for (PetscInt a = 0; a < k0; a++)
    for (PetscInt b = 0; b < k1; b++) G[b * k0 + a] = Gt[a * n1 + b]; /* G column-major k0 x k1 */
  PetscCall(PetscArraycpy(Gs, G, k0 * k1));
  /* rank-r structure of G */
  PetscCall(PetscMalloc3(k0 * k0, &U, k1 * k1, &VT, PetscMin(k0, k1), &sv));
  PetscCall(FullSVD(k0, k1, Gs, sv, U, VT));
  PetscCall(PetscMalloc4(T * r, &dir, r * P, &group0, r * P, &group1, r, &pair));
  for (PetscInt l = 0; l < r; l++)
    for (PetscInt a = 0; a < k0; a++) U[l * k0 + a] *= sv[l];
  TermDirections(T, r, k0, U, dir);
  PetscCall(GroupTerms(T, r, P, dir, group0));
  { /* V (k1 x r) from VT's first r rows */
    PetscReal *V = Gs;
    for (PetscInt l = 0; l < r; l++)
      for (PetscInt b = 0; b < k1; b++) V[l * k1 + b] = VT[b * k1 + l] * sv[l];
    TermDirections(T, r, k1, V, dir);
    PetscCall(GroupTerms(T, r, P, dir, group1));
  }
  /* pair the ranks of the two inputs by the weight of their coupling blocks (greedy, largest first) */
  PetscCall(PetscMalloc3(4 * P * P, &blk, 2 * P, &bu, 2 * P, &bv));
  {
    PetscReal *w = Gs;
    PetscBool *used0, *used1;
    PetscCall(PetscCalloc2(r, &used0, r, &used1));
    for (PetscInt g0 = 0; g0 < r; g0++)
      for (PetscInt g1 = 0; g1 < r; g1++) {
        w[g0 * r + g1] = 0;
        for (PetscInt k = 0; k < P; k++)
          for (PetscInt l = 0; l < P; l++)
            for (PetscInt e = 0; e < 2; e++)
              for (PetscInt f = 0; f < 2; f++) w[g0 * r + g1] += PetscSqr(G[(2 * group1[g1 * P + l] + f) * k0 + 2 * group0[g0 * P + k] + e]);
      }
    for (PetscInt it = 0; it < r; it++) {
      PetscInt  b0 = -1, b1 = -1;
      PetscReal best = -1;
      for (PetscInt g0 = 0; g0 < r; g0++)
        for (PetscInt g1 = 0; g1 < r; g1++)
          if (!used0[g0] && !used1[g1] && w[g0 * r + g1] > best) {
            best = w[g0 * r + g1];
            b0   = g0;
            b1   = g1;
          }
      used0[b0] = used1[b1] = PETSC_TRUE;
      pair[b0]              = b1;
    }
    PetscCall(PetscFree2(used0, used1));
  }
  /* amplitudes: best rank-one fit of each rank's block; input 1 gets the unit-norm factor */
  for (PetscInt m = 0; m < r; m++) {
    const PetscInt *g0 = group0 + m * P, *g1 = group1 + pair[m] * P;
    for (PetscInt k = 0; k < P; k++)
      for (PetscInt l = 0; l < P; l++)
        for (PetscInt e = 0; e < 2; e++)
          for (PetscInt f = 0; f < 2; f++) blk[(2 * l + f) * 2 * P + 2 * k + e] = G[(2 * g1[l] + f) * k0 + 2 * g0[k] + e];
    PetscCall(DominantSingularTriple(2 * P, 2 * P, blk, &sigma, bu, bv));
    for (PetscInt k = 0; k < P; k++) {
      PetscReal *t0 = theta + 4 * ((0 * r + m) * P + k), *t1 = theta + 4 * ((1 * r + m) * P + k);
      t0[0] = sigma * bu[2 * k];
      t0[1] = sigma * bu[2 * k + 1];
      t0[2] = rate0[g0[k]].alpha;
      t0[3] = rate0[g0[k]].omega;
      t1[0] = bv[2 * k];
      t1[1] = bv[2 * k + 1];
      t1[2] = rate1[g1[k]].alpha;
      t1[3] = rate1[g1[k]].omega;
    }
  }
  PetscCall(PetscFree3(blk, bu, bv));
  PetscCall(PetscFree4(dir, group0, group1, pair));
  PetscCall(PetscFree3(U, VT, sv));
  PetscCall(PetscFree4(Phi1, C, G, Gs));
  PetscCall(PetscFree4(rate0, rate1, cols, Phi0));
  PetscFunctionReturn(0);
}

/* 1 input, uniform samples y (sorted by t): K = 2 r P exponentials, then amplitudes by least squares. */
static PetscErrorCode SolveLine(SNA sna, const AionAxis *ax, const PetscReal y[], PetscReal theta[])
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt T = ai->rank * ai->terms, n = ax->n;
  AionRate      *rate;
  PetscReal     *Phi, *B;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(T, &rate, n * 2 * T, &Phi, n, &B));
  PetscCall(AxisRates(sna, ax, 1, y, T, rate));
  FillBasis(ax, T, rate, Phi);
  PetscCall(PetscArraycpy(B, y, n));
  PetscCall(DenseLeastSquares(n, 2 * T, 1, Phi, B));
  for (PetscInt j = 0; j < T; j++) { /* term j is term j % P of rank j / P: the same layout */
    theta[4 * j]     = B[2 * j];
    theta[4 * j + 1] = B[2 * j + 1];
    theta[4 * j + 2] = rate[j].alpha;
    theta[4 * j + 3] = rate[j].omega;
  }
  PetscCall(PetscFree3(rate, Phi, B));
  PetscFunctionReturn(0);
}

/* See aionimpl.h. */
PetscErrorCode SNAAionAlgebraicSolve(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal theta[], PetscBool *found)
{
  SNA_Aion      *ai   = (SNA_Aion *)sna->data;
  MPI_Comm       comm = PetscObjectComm((PetscObject)sna);
  const PetscInt d = sna->dim_in, K = 2 * ai->rank * ai->terms;
  char           req[2 * PETSC_MAX_OPTION_NAME + 96];
  PetscInt       N = 0, cells = 1;
  PetscReal     *t, *yall, *Y;
  AionAxis       ax[2];
  char           why[512] = "";
  PetscBool      always   = (PetscBool)(ai->pencil == SNA_AION_PENCIL_ALWAYS);

  PetscFunctionBegin;
  *found = PETSC_FALSE;
  if (ai->pencil == SNA_AION_PENCIL_NEVER) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(req, sizeof(req), "(-%ssna_aion_pencil always); use -%ssna_aion_pencil auto or never to solve by root finding instead", SNAMessagePrefix(sna), SNAMessagePrefix(sna)));
  if (d > 2) {
    PetscCheck(!always, comm, PETSC_ERR_SUP, "AION's algebraic (matrix-pencil) path handles 1 or 2 inputs on uniform samples; this model has %" PetscInt_FMT " inputs %s", d, req);
    PetscFunctionReturn(0);
  }
  PetscCall(GatherSamples(sna, n, x, y, &N, &t, &yall));
  for (PetscInt p = 0; p < d && !why[0]; p++) {
    char axwhy[200];
    PetscCall(FindAxis(N, t + p, d, &ax[p], axwhy, sizeof(axwhy)));
    if (axwhy[0]) PetscCall(PetscSNPrintf(why, sizeof(why), "input %" PetscInt_FMT ": %s", p, axwhy));
    cells *= ax[p].n;
  }
  if (!why[0] && cells != N) PetscCall(PetscSNPrintf(why, sizeof(why), "the %" PetscInt_FMT " samples do not form a full tensor grid of the %" PetscInt_FMT " distinct input values", N, cells));
  Y = NULL;
  if (!why[0]) { /* place every sample in its grid cell; a cell hit twice means duplicates */
    PetscCall(PetscMalloc1(N, &Y));
    for (PetscInt c = 0; c < N; c++) Y[c] = PETSC_MAX_REAL;
    for (PetscInt i = 0; i < N && !why[0]; i++) {
      PetscInt cell = 0;
      for (PetscInt p = 0; p < d; p++) cell = cell * ax[p].n + (PetscInt)PetscFloorReal((t[i * d + p] - ax[p].t0) / ax[p].h + 0.5);
      if (Y[cell] != PETSC_MAX_REAL) PetscCall(PetscSNPrintf(why, sizeof(why), "the samples repeat grid points (not a plain uniform record or grid)"));
      Y[cell] = yall[i];
    }
  }
  if (why[0] && sna->valX) { /* the samples held out for validation left gaps in the record or grid */
    PetscInt nheld;
    char     held[PETSC_MAX_OPTION_NAME + 224];

    PetscCall(VecGetSize(sna->valX, &nheld));
    PetscCall(PetscSNPrintf(held, sizeof(held), " (-%ssna_fit_validation %g held out %" PetscInt_FMT " of the samples, and the path needs all of a uniform record or grid: -%ssna_fit_validation 0 keeps them)", SNAMessagePrefix(sna), (double)sna->validation, nheld / d, SNAMessagePrefix(sna)));
    PetscCall(PetscStrlcat(why, held, sizeof(why)));
  }
  if (why[0]) {
    PetscCall(PetscFree(Y));
    PetscCall(PetscFree2(t, yall));
    PetscCheck(!always, comm, PETSC_ERR_ARG_WRONG, "AION's algebraic (matrix-pencil) path needs uniformly spaced samples (1 input) or a full uniform tensor grid (2 inputs), but %s %s", why, req);
    PetscCall(PetscInfo(sna, "AION: no algebraic path: %s\n", why));
    /* the pencil parameter given for a pencil that does not run: said, as it is refused where that is known before
       the data (-sna_aion_pencil never, more than 2 inputs, lm, tao: SNAFitCheck_Aion), not read and ignored */
    if (ai->pencil_L) PetscCall(PetscFPrintf(comm, PETSC_STDERR, "WARNING: option -%ssna_aion_pencil_rows (value %" PetscInt_FMT ") has no effect: it sets the matrix pencil of infinite descent's start, which does not run on these data (%s): drop -%ssna_aion_pencil_rows\n", SNAMessagePrefix(sna), ai->pencil_L, why, SNAMessagePrefix(sna)));
    PetscFunctionReturn(0);
  }
  for (PetscInt p = 0; p < d; p++)
    PetscCheck(ax[p].n >= 2 * K + 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "AION's matrix pencil needs at least 2K + 1 = %" PetscInt_FMT " uniformly spaced samples along input %" PetscInt_FMT " to resolve K = 2 r P = %" PetscInt_FMT " exponentials (rank %" PetscInt_FMT ", %" PetscInt_FMT " terms per factor), but the data have %" PetscInt_FMT ": use fewer terms or a lower rank (-%ssna_aion_terms, -%ssna_aion_rank), more samples, or -%ssna_aion_pencil never", 2 * K + 1, p, K, ai->rank, ai->terms, ax[p].n, SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  if (d == 1)
    PetscCall(SolveLine(sna, &ax[0], Y, theta));
  else
    PetscCall(SolveGrid2(sna, ax, Y, theta));
  *found = PETSC_TRUE;
  PetscCall(PetscFree(Y));
  PetscCall(PetscFree2(t, yall));
  PetscFunctionReturn(0);
}
