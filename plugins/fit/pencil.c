/* Matrix pencil (Hua & Sarkar 1990) for signals that are sums of K complex exponentials,
     y_c(i) = sum_k h_{c,k} z_k^i,  i = 0 .. n-1,  channels c = 0 .. nchan-1 sharing the z_k.
   The rows of each channel's Hankel matrix H_c[i][j] = y_c(i + j) (j = 0 .. L) lie in the span of the
   K vectors (1, z_k, ..., z_k^L), so the K dominant right singular vectors V of the stacked Hankel
   matrices span that space, and it is shift-invariant: with V1 = V without its last row and V2 = V
   without its first, V1 Z = V2 has the eigenvalues z_k. The right singular vectors are the dominant
   eigenvectors of the (L+1) x (L+1) Gram matrix sum_c H_c^T H_c, built in O(n L) per channel by sliding
   the window (so a long record costs little); the algebraic answer is exact for exact data, and a
   least-squares estimate (refined by the caller) for noisy data. */
#include <snaps/private/snaimpl.h>
#include <petscblaslapack.h>

/* G += H^T H for one channel's Hankel matrix (m = n - L rows, L + 1 columns): entry (a, b) is
   sum_{i<m} y[i+a] y[i+b], computed along each diagonal b - a = off from its first entry by
   (a, b) = (a-1, b-1) - y[a-1] y[b-1] + y[a-1+m] y[b-1+m]. */
static void AddHankelGram(PetscInt n, PetscInt L, const PetscReal y[], PetscReal G[])
{
  const PetscInt m = n - L, L1 = L + 1;

  for (PetscInt off = 0; off < L1; off++) {
    PetscReal v = 0;
    for (PetscInt i = 0; i < m; i++) v += y[i] * y[i + off];
    for (PetscInt a = 0; a + off < L1; a++) {
      if (a > 0) v += y[a - 1 + m] * y[a - 1 + off + m] - y[a - 1] * y[a - 1 + off];
      G[a * L1 + a + off] += v;
      if (off) G[(a + off) * L1 + a] += v;
    }
  }
}

/* Orthonormalises the b columns of the column-major n x b matrix Q (modified Gram-Schmidt, twice). */
static void Orthonormalize(PetscInt n, PetscInt b, PetscReal Q[])
{
  for (PetscInt pass = 0; pass < 2; pass++)
    for (PetscInt j = 0; j < b; j++) {
      PetscReal *q = Q + j * n, nrm = 0;
      for (PetscInt l = 0; l < j; l++) {
        const PetscReal *p   = Q + l * n;
        PetscReal        dot = 0;
        for (PetscInt i = 0; i < n; i++) dot += p[i] * q[i];
        for (PetscInt i = 0; i < n; i++) q[i] -= dot * p[i];
      }
      for (PetscInt i = 0; i < n; i++) nrm += q[i] * q[i];
      nrm = nrm > 0 ? 1.0 / PetscSqrtReal(nrm) : 0.0;
      for (PetscInt i = 0; i < n; i++) q[i] *= nrm;
    }
}

/* The K dominant eigenvectors of the symmetric n x n matrix G as the columns of V (n x K). The signal
   eigenvalues of a pencil's Gram matrix stand far above the noise ones, so a few steps of subspace
   iteration with K + 6 vectors (from a fixed pseudo-random start, the same on every rank) and a
   Rayleigh-Ritz step give them to rounding at O(n^2 K) cost instead of a full O(n^3) decomposition. Their
   eigenvalues, descending, go to lam[0 .. K). */
static PetscErrorCode DominantEigenvectors(PetscInt n, const PetscReal G[], PetscInt K, PetscReal V[], PetscReal lam[])
{
  const PetscInt b = PetscMin(n, K + 6);
  PetscReal     *Q, *Y, *B, *w, one = 1.0, zero = 0.0;
  PetscBLASInt   bn, bb;
  uint64_t       state = 0x9E3779B97F4A7C15ULL;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(n * b, &Q, n * b, &Y, b * b, &B, b, &w));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(b, &bb));
  for (PetscInt i = 0; i < n * b; i++) { /* xorshift: deterministic start */
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    Q[i] = (PetscReal)(state >> 11) * 0x1.0p-53 - 0.5;
  }
  Orthonormalize(n, b, Q);
  for (PetscInt it = 0; it < (b < n ? 4 : 0); it++) {
    PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bn, &bb, &bn, &one, G, &bn, Q, &bn, &zero, Y, &bn));
    PetscCall(PetscArraycpy(Q, Y, n * b));
    Orthonormalize(n, b, Q);
  }
  /* Rayleigh-Ritz: B = Q^T G Q, eigenvectors ascending as rows of B */
  PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bn, &bb, &bn, &one, G, &bn, Q, &bn, &zero, Y, &bn));
  PetscCallBLAS("BLASgemm", BLASgemm_("T", "N", &bb, &bb, &bn, &one, Q, &bn, Y, &bn, &zero, B, &bb));
  for (PetscInt i = 0; i < b; i++)
    for (PetscInt j = 0; j < i; j++) B[i * b + j] = B[j * b + i] = 0.5 * (B[i * b + j] + B[j * b + i]);
  PetscCall(SNASymmetricEigen(b, B, w));
  for (PetscInt k = 0; k < K; k++) {
    const PetscReal *c = B + (b - 1 - k) * b;
    lam[k]             = w[b - 1 - k];
    for (PetscInt i = 0; i < n; i++) {
      PetscReal s = 0;
      for (PetscInt j = 0; j < b; j++) s += Q[j * n + i] * c[j];
      V[k * n + i] = s;
    }
  }
  PetscCall(PetscFree4(Q, Y, B, w));
  PetscFunctionReturn(0);
}

/* Gram eigenvalues at or below this fraction of the largest are rounding: their singular vectors are no signal */
#define SNA_PENCIL_RANK_RTOL 1e-14

/* The K eigenvalues z_k shared by the channels; see the file comment. Data holding fewer exponentials than K (a
   constant, a single real exponential: a Gram matrix of lower rank) give zero for the missing z_k, which the caller
   skips as it skips a zero root; without this the pencil's least squares met the null space's (zero) vectors and
   failed as rank deficient, ending AION's default fit on an exactly constant target. */
PetscErrorCode SNAMatrixPencil(PetscInt nchan, PetscInt n, const PetscReal data[], PetscInt Kmax, PetscInt L, PetscReal zre[], PetscReal zim[])
{
  const PetscInt L1 = L + 1;
  PetscReal     *G, *w, *V1, *V2, *work, *lam, wq, *vl = NULL;
  PetscBLASInt   bL, bK, lwork = -1, info = 0;
  PetscInt       K = Kmax;

  PetscFunctionBegin;
  PetscCheck(K >= 1 && L >= K && n - L >= 1 && K <= nchan * (n - L), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Matrix pencil: %" PetscInt_FMT " exponentials need a pencil parameter L with K <= L <= n - K; got L = %" PetscInt_FMT " for n = %" PetscInt_FMT " samples", K, L, n);
  for (PetscInt k = 0; k < Kmax; k++) zre[k] = zim[k] = 0;
  PetscCall(PetscCalloc3(L1 * L1, &G, L1 * K, &w, L * K, &V1));
  PetscCall(PetscMalloc2(L * K, &V2, K, &lam));
  for (PetscInt c = 0; c < nchan; c++) AddHankelGram(n, L, data + c * n, G);
  PetscCall(DominantEigenvectors(L1, G, K, w, lam));
  /* the signal's own rank: the directions beyond it are rounding (zero data: none) */
  while (K > 0 && !(lam[K - 1] > SNA_PENCIL_RANK_RTOL * lam[0])) K--;
  if (!K) {
    PetscCall(PetscFree3(G, w, V1));
    PetscCall(PetscFree2(V2, lam));
    PetscFunctionReturn(0);
  }
  /* V = w is (L+1) x K, column-major: split it into V1 (rows 0..L-1) and V2 (rows 1..L) */
  for (PetscInt k = 0; k < K; k++) {
    const PetscReal *v = w + k * L1;
    for (PetscInt i = 0; i < L; i++) {
      V1[k * L + i] = v[i];
      V2[k * L + i] = v[i + 1];
    }
  }
  /* Z = V1^+ V2 by least squares (gels), then the eigenvalues of Z (geev) */
  PetscCall(PetscBLASIntCast(L, &bL));
  PetscCall(PetscBLASIntCast(K, &bK));
  PetscCall(PetscFPTrapPush(PETSC_FP_TRAP_OFF));
  PetscCallBLAS("LAPACKgels", LAPACKgels_("N", &bL, &bK, &bK, V1, &bL, V2, &bL, &wq, &lwork, &info));
  PetscCall(PetscBLASIntCast(PetscMax((PetscInt)wq, 4 * K), &lwork));
  PetscCall(PetscMalloc1(lwork, &work));
  PetscCallBLAS("LAPACKgels", LAPACKgels_("N", &bL, &bK, &bK, V1, &bL, V2, &bL, work, &lwork, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "Matrix pencil: the signal subspace is rank deficient (LAPACK gels info %d)", (int)info);
  for (PetscInt j = 0; j < K; j++) /* the K x K solution sits in the first K rows of V2 */
    for (PetscInt i = 0; i < K; i++) V1[j * K + i] = V2[j * L + i];
  {
    PetscBLASInt one = 1, lw = lwork;
    PetscCallBLAS("LAPACKgeev", LAPACKgeev_("N", "N", &bK, V1, &bK, zre, zim, vl, &one, vl, &one, work, &lw, &info));
  }
  PetscCall(PetscFPTrapPop());
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "Matrix pencil: the eigenvalue solve did not converge (LAPACK geev info %d)", (int)info);
  PetscCall(PetscFree(work));
  PetscCall(PetscFree3(G, w, V1));
  PetscCall(PetscFree2(V2, lam));
  PetscFunctionReturn(0);
}
