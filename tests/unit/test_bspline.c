/* Unit tests of the 1-D B-spline basis (snaps/bspline.h). Exits nonzero on the first failure. */
#include <snaps/bspline.h>
#include <math.h> /* nextafter, NAN (PetscReal is double here) */

static const PetscInt degrees[] = {0, 1, 2, 3, 5};
#define NDEG   ((PetscInt)(sizeof(degrees) / sizeof(degrees[0])))
#define NKINDS 3 /* uniform with n = k + 1, uniform with n = k + 12, nonuniform with repeated knots */

/* Deterministic generator (splitmix64) so failures reproduce. */
static PetscReal Rand(void)
{
  static unsigned long long state = 0x9E3779B97F4A7C15ULL;
  unsigned long long        z     = (state += 0x9E3779B97F4A7C15ULL);
  z                               = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z                               = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (PetscReal)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

/* Prints one check and fails if err > tol (also if err is NaN). */
static PetscErrorCode Report(const char *what, PetscReal err, PetscReal tol)
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "  %-62s err %9.2e <= %7.1e\n", what, (double)err, (double)tol));
  PetscCheck(err <= tol, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: error %g exceeds tolerance %g", what, (double)err, (double)tol);
  PetscFunctionReturn(0);
}

/* Basis number kind of degree k on [-1, 2]; name describes it. Nonuniform bases have gaps >= 0.4 h
   and, for k >= 1, one knot of multiplicity min(2, k) and one of multiplicity k. */
static PetscErrorCode MakeBasis(PetscInt k, PetscInt kind, SNABSpline *bs, char name[], size_t len)
{
  const PetscReal a = -1.0, b = 2.0;

  PetscFunctionBegin;
  if (kind < 2) {
    PetscCall(SNABSplineCreateUniform(k, kind == 0 ? k + 1 : k + 12, a, b, bs));
    PetscCall(PetscSNPrintf(name, len, "k=%" PetscInt_FMT " uniform n=%" PetscInt_FMT, k, bs->n));
  } else {
    const PetscInt m = 9; /* distinct interior values */
    PetscReal      U[64];
    PetscInt       nk = 0;

    for (PetscInt i = 0; i <= k; i++) U[nk++] = a;
    for (PetscInt i = 0; i < m; i++) {
      const PetscReal v    = a + (b - a) * (i + 1 + 0.6 * (Rand() - 0.5)) / (m + 1);
      const PetscInt  mult = k == 0 ? 1 : (i == 1 ? PetscMin(2, k) : (i == 5 ? k : 1));
      for (PetscInt r = 0; r < mult; r++) U[nk++] = v;
    }
    for (PetscInt i = 0; i <= k; i++) U[nk++] = b;
    PetscCall(SNABSplineCreateFromKnots(k, nk, U, bs));
    PetscCheck(!bs->uniform, PETSC_COMM_SELF, PETSC_ERR_PLIB, "random knots detected as uniform");
    PetscCall(PetscSNPrintf(name, len, "k=%" PetscInt_FMT " nonuniform n=%" PetscInt_FMT, k, bs->n));
  }
  PetscFunctionReturn(0);
}

/* Solves the dense n x n system A x = rhs in place (Gaussian elimination, partial pivoting). */
static PetscErrorCode Solve(PetscInt n, PetscReal *A, PetscReal *x)
{
  PetscFunctionBegin;
  for (PetscInt c = 0; c < n; c++) {
    PetscInt p = c;
    for (PetscInt r = c + 1; r < n; r++)
      if (PetscAbsReal(A[r * n + c]) > PetscAbsReal(A[p * n + c])) p = r;
    PetscCheck(A[p * n + c] != 0.0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "singular collocation matrix at column %" PetscInt_FMT, c);
    for (PetscInt j = 0; j < n; j++) {
      const PetscReal tmp = A[c * n + j];
      A[c * n + j]        = A[p * n + j];
      A[p * n + j]        = tmp;
    }
    {
      const PetscReal tmp = x[c];
      x[c]                = x[p];
      x[p]                = tmp;
    }
    for (PetscInt r = c + 1; r < n; r++) {
      const PetscReal f = A[r * n + c] / A[c * n + c];
      for (PetscInt j = c; j < n; j++) A[r * n + j] -= f * A[c * n + j];
      x[r] -= f * x[c];
    }
  }
  for (PetscInt r = n - 1; r >= 0; r--) {
    for (PetscInt j = r + 1; j < n; j++) x[r] -= A[r * n + j] * x[j];
    x[r] /= A[r * n + r];
  }
  PetscFunctionReturn(0);
}

/* Spline coefficients (PetscMalloc'd) interpolating p(t) = (t - t0)^d at the Greville abscissae. */
static PetscErrorCode Interpolate(const SNABSpline *bs, PetscInt d, PetscReal t0, PetscReal **coef)
{
  const PetscInt k = bs->degree, n = bs->n;
  PetscReal     *A, *c, v[SNA_BSPLINE_MAX_DEGREE + 1];

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(n * n, &A));
  PetscCall(PetscMalloc1(n, &c));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal xi = 0.0;
    PetscInt  f;
    if (k == 0)
      xi = 0.5 * (bs->knots[i] + bs->knots[i + 1]);
    else {
      for (PetscInt j = 1; j <= k; j++) xi += bs->knots[i + j];
      xi /= k;
    }
    PetscCall(SNABSplineEvaluate(bs, xi, &f, v));
    for (PetscInt j = 0; j <= k; j++) A[i * n + f + j] = v[j];
    c[i] = PetscPowRealInt(xi - t0, d);
  }
  PetscCall(Solve(n, A, c));
  PetscCall(PetscFree(A));
  *coef = c;
  PetscFunctionReturn(0);
}

/* Sum of the k + 1 nonzero values is 1 and each is >= 0, at ends, knots, near knots and random points. */
static PetscErrorCode TestPartitionOfUnity(void)
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "Partition of unity\n"));
  for (PetscInt id = 0; id < NDEG; id++)
    for (PetscInt kind = 0; kind < NKINDS; kind++) {
      SNABSpline bs;
      char       name[64], what[128];
      PetscReal  err = 0.0, neg = 0.0, v[SNA_BSPLINE_MAX_DEGREE + 1];
      PetscInt   first;

      PetscCall(MakeBasis(degrees[id], kind, &bs, name, sizeof(name)));
      for (PetscInt p = 0; p < 2000 + 3 * bs.nknots; p++) {
        PetscReal t, sum = 0.0;
        if (p < 1000)
          t = bs.a + (bs.b - bs.a) * p / 999.0; /* includes a and b */
        else if (p < 2000)
          t = bs.a + (bs.b - bs.a) * Rand();
        else {
          const PetscReal u = bs.knots[(p - 2000) % bs.nknots];
          t                 = (p - 2000) / bs.nknots == 0 ? u : nextafter(u, (p - 2000) / bs.nknots == 1 ? -PETSC_INFINITY : PETSC_INFINITY);
        }
        PetscCall(SNABSplineEvaluate(&bs, t, &first, v));
        PetscCheck(first >= 0 && first + bs.degree < bs.n, PETSC_COMM_SELF, PETSC_ERR_PLIB, "first = %" PetscInt_FMT " out of range at t = %g", first, (double)t);
        for (PetscInt i = 0; i <= bs.degree; i++) {
          sum += v[i];
          neg = PetscMax(neg, -v[i]);
        }
        err = PetscMax(err, PetscAbsReal(sum - 1.0));
      }
      /* only the first (last) function is nonzero at a (b) */
      PetscCall(SNABSplineEvaluate(&bs, bs.a, &first, v));
      err = PetscMax(err, PetscAbsReal(v[0] - 1.0) + (PetscReal)first);
      PetscCall(SNABSplineEvaluate(&bs, bs.b, &first, v));
      err = PetscMax(err, PetscAbsReal(v[bs.degree] - 1.0) + (PetscReal)(bs.n - 1 - bs.degree - first));
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: |sum - 1|, end values", name));
      PetscCall(Report(what, err, 1e-14));
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: max negative value", name));
      PetscCall(Report(what, neg, 0.0));
      PetscCall(SNABSplineDestroy(&bs));
    }
  PetscFunctionReturn(0);
}

/* Polynomials of degree <= k interpolated at the Greville abscissae are reproduced exactly. */
static PetscErrorCode TestPolynomialReproduction(void)
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "Polynomial reproduction\n"));
  for (PetscInt id = 0; id < NDEG; id++)
    for (PetscInt kind = 0; kind < NKINDS; kind++) {
      SNABSpline bs;
      char       name[64], what[128];
      PetscReal  err = 0.0;

      PetscCall(MakeBasis(degrees[id], kind, &bs, name, sizeof(name)));
      for (PetscInt d = 0; d <= bs.degree; d++) {
        PetscReal *c = NULL, pmax = 0.0;
        PetscCall(Interpolate(&bs, d, 0.3, &c));
        for (PetscInt p = 0; p < 1000; p++) {
          const PetscReal t = bs.a + (bs.b - bs.a) * p / 999.0, exact = PetscPowRealInt(t - 0.3, d);
          PetscReal       s;
          PetscCall(SNABSplineEvaluateSpline(&bs, c, t, &s));
          pmax = PetscMax(pmax, PetscAbsReal(exact));
          err  = PetscMax(err, PetscAbsReal(s - exact) / PetscMax(1.0, pmax));
        }
        PetscCall(PetscFree(c));
      }
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: (t-0.3)^d, d<=k, rel. max error", name));
      PetscCall(Report(what, err, 1e-12));
      PetscCall(SNABSplineDestroy(&bs));
    }
  PetscFunctionReturn(0);
}

/* Derivative j of each basis function against central differences of derivative j - 1. */
static PetscErrorCode TestDerivatives(void)
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "Derivatives vs central differences\n"));
  for (PetscInt id = 0; id < NDEG; id++)
    for (PetscInt kind = 0; kind < NKINDS; kind++) {
      const PetscInt D = SNA_BSPLINE_MAX_DEGREE + 1;
      SNABSpline     bs;
      char           name[64], what[128];
      PetscReal      errfd = 0.0, errv = 0.0, errsum = 0.0, d0[D * D], dm[D * D], dp[D * D], v[D];
      PetscInt       k, f, fm, fp, ierr;

      PetscCall(MakeBasis(degrees[id], kind, &bs, name, sizeof(name)));
      k = bs.degree;
      for (PetscInt p = 0; p < 300; p++) {
        const PetscReal delta = 1e-5 * (bs.b - bs.a);
        PetscReal       t, gap;
        do { /* stay 2 delta away from knots so t +- delta share the span */
          t   = bs.a + (bs.b - bs.a) * Rand();
          gap = PETSC_MAX_REAL;
          for (PetscInt i = 0; i < bs.nknots; i++) gap = PetscMin(gap, PetscAbsReal(t - bs.knots[i]));
        } while (gap < 2 * delta);
        PetscCall(SNABSplineEvaluateDerivatives(&bs, t, k, &f, d0));
        PetscCall(SNABSplineEvaluateDerivatives(&bs, t - delta, k, &fm, dm));
        PetscCall(SNABSplineEvaluateDerivatives(&bs, t + delta, k, &fp, dp));
        PetscCall(SNABSplineEvaluate(&bs, t, NULL, v));
        PetscCheck(f == fm && f == fp, PETSC_COMM_SELF, PETSC_ERR_PLIB, "span changed within +-delta at t = %g", (double)t);
        for (PetscInt i = 0; i <= k; i++) errv = PetscMax(errv, PetscAbsReal(d0[i] - v[i]));
        for (PetscInt j = 1; j <= k; j++) {
          PetscReal scale = 0.0, sum = 0.0;
          for (PetscInt i = 0; i <= k; i++) scale = PetscMax(scale, PetscAbsReal(d0[j * (k + 1) + i]));
          for (PetscInt i = 0; i <= k; i++) {
            const PetscReal fd = (dp[(j - 1) * (k + 1) + i] - dm[(j - 1) * (k + 1) + i]) / (2 * delta);
            errfd              = PetscMax(errfd, PetscAbsReal(fd - d0[j * (k + 1) + i]) / scale);
            sum += d0[j * (k + 1) + i];
          }
          errsum = PetscMax(errsum, PetscAbsReal(sum) / scale); /* derivative of the partition of unity */
        }
      }
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: derivative row 0 vs Evaluate", name));
      PetscCall(Report(what, errv, 1e-15));
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: orders 1..k vs central FD (relative)", name));
      PetscCall(Report(what, errfd, 1e-6));
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: sum of derivatives == 0 (relative)", name));
      PetscCall(Report(what, errsum, 1e-12));
      /* order k + 1 must be refused */
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      ierr = SNABSplineEvaluateDerivatives(&bs, 0.5, k + 1, &f, d0);
      PetscCall(PetscPopErrorHandler());
      PetscCheck(ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: derivative order k + 1 was accepted", name);
      /* outside [a, b] the values and derivatives are those at the nearer end, as Evaluate's (t is clamped) */
      for (PetscInt end = 0; end < 2; end++) {
        const PetscReal te = end ? bs.b : bs.a, out = end ? bs.b + 0.25 * (bs.b - bs.a) : bs.a - 0.25 * (bs.b - bs.a);
        PetscCall(SNABSplineEvaluateDerivatives(&bs, te, k, &f, d0));
        PetscCall(SNABSplineEvaluateDerivatives(&bs, out, k, &fp, dp));
        PetscCheck(f == fp, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: first function %" PetscInt_FMT " at t = %g but %" PetscInt_FMT " at the end %g", name, fp, (double)out, f, (double)te);
        for (PetscInt i = 0; i < (k + 1) * (k + 1); i++) PetscCheck(dp[i] == d0[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: derivative entry %" PetscInt_FMT " is %g at t = %g outside [a, b] but %g at the end %g", name, i, (double)dp[i], (double)out, (double)d0[i], (double)te);
      }
      PetscCall(SNABSplineDestroy(&bs));
    }
  PetscFunctionReturn(0);
}

/* Max over 1000 points and the fine knots of |coarse spline - fine spline|. */
static PetscErrorCode CompareSplines(const SNABSpline *c, const PetscReal *cc, const SNABSpline *f, const PetscReal *fc, PetscReal *err)
{
  PetscFunctionBegin;
  *err = 0.0;
  for (PetscInt p = 0; p < 1000 + f->nknots; p++) {
    const PetscReal t = p < 1000 ? c->a + (c->b - c->a) * p / 999.0 : f->knots[p - 1000];
    PetscReal       sc, sf;
    PetscCall(SNABSplineEvaluateSpline(c, cc, t, &sc));
    PetscCall(SNABSplineEvaluateSpline(f, fc, t, &sf));
    *err = PetscMax(*err, PetscAbsReal(sc - sf));
  }
  PetscFunctionReturn(0);
}

/* y = R x with R rows x cols row-major. */
static void MatMult(PetscInt rows, PetscInt cols, const PetscReal *R, const PetscReal *x, PetscReal *y)
{
  for (PetscInt i = 0; i < rows; i++) {
    y[i] = 0.0;
    for (PetscInt j = 0; j < cols; j++) y[i] += R[i * cols + j] * x[j];
  }
}

/* Refined spline with coefficients R c equals the coarse one; twice as well. */
static PetscErrorCode TestRefine(void)
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "Refinement\n"));
  for (PetscInt id = 0; id < NDEG; id++)
    for (PetscInt kind = 0; kind < NKINDS; kind++) {
      SNABSpline bs, f1, f2, f3;
      char       name[64], what[128];
      PetscReal *R1, *R2, *c, *c1, *c2, err, rowerr = 0.0;
      PetscInt   k, nint = 0;

      PetscCall(MakeBasis(degrees[id], kind, &bs, name, sizeof(name)));
      k = bs.degree;
      for (PetscInt s = k; s < bs.n; s++) nint += bs.knots[s] < bs.knots[s + 1];
      PetscCall(SNABSplineRefine(&bs, &f1, &R1));
      PetscCall(SNABSplineRefine(&f1, &f2, &R2));
      PetscCall(SNABSplineRefine(&f1, &f3, NULL)); /* no matrix requested */
      PetscCheck(f1.n == bs.n + nint && f1.degree == k && f1.nknots == f1.n + k + 1 && f1.a == bs.a && f1.b == bs.b, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: fine basis has n = %" PetscInt_FMT ", expected %" PetscInt_FMT, name, f1.n, bs.n + nint);
      PetscCheck(f3.n == f2.n, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: refining without R gave n = %" PetscInt_FMT " != %" PetscInt_FMT, name, f3.n, f2.n);
      for (PetscInt i = 0; i < f3.nknots; i++) PetscCheck(f3.knots[i] == f2.knots[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: refining without R gave other knots", name);
      { /* fine knots: the coarse ones plus the midpoint of each nonempty interval */
        PetscReal kerr = 0.0;
        for (PetscInt i = 0, j = 0; i < bs.nknots; i++) {
          kerr = PetscMax(kerr, PetscAbsReal(f1.knots[j] - bs.knots[i])); /* no j++ here: PetscMax is a macro */
          j++;
          if (i >= k && i < bs.n && bs.knots[i] < bs.knots[i + 1]) {
            kerr = PetscMax(kerr, PetscAbsReal(f1.knots[j] - 0.5 * (bs.knots[i] + bs.knots[i + 1])));
            j++;
          }
        }
        if (bs.uniform) /* and equally spaced */
          for (PetscInt i = 1; i < f2.n - k; i++) kerr = PetscMax(kerr, PetscAbsReal(f2.knots[k + i] - (f2.a + i * (f2.b - f2.a) / (f2.n - k))));
        PetscCall(PetscSNPrintf(what, sizeof(what), "%s: fine knots == coarse + midpoints", name));
        PetscCall(Report(what, kerr, 1e-14 * (f1.b - f1.a)));
      }
      if (bs.uniform) {
        PetscCheck(f1.uniform && f2.uniform, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: refined uniform basis not flagged uniform", name);
        PetscCheck(f1.n == 2 * (bs.n - k) + k && f2.n == 2 * (f1.n - k) + k, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: uniform refinement sizes %" PetscInt_FMT ", %" PetscInt_FMT, name, f1.n, f2.n);
        PetscCall(PetscSNPrintf(what, sizeof(what), "%s: fine inv_h == 2 coarse inv_h, 4x (relative)", name));
        PetscCall(Report(what, PetscMax(PetscAbsReal(f1.inv_h / bs.inv_h - 2), PetscAbsReal(f2.inv_h / bs.inv_h - 4)), 1e-14));
      }
      PetscCall(PetscMalloc3(bs.n, &c, f1.n, &c1, f2.n, &c2));
      for (PetscInt i = 0; i < bs.n; i++) c[i] = 2 * Rand() - 1;
      MatMult(f1.n, bs.n, R1, c, c1);
      MatMult(f2.n, f1.n, R2, c1, c2);
      for (PetscInt i = 0; i < f1.n; i++) {
        PetscReal sum = 0.0;
        for (PetscInt j = 0; j < bs.n; j++) sum += R1[i * bs.n + j];
        rowerr = PetscMax(rowerr, PetscAbsReal(sum - 1.0));
      }
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: rows of R sum to 1", name));
      PetscCall(Report(what, rowerr, 1e-14));
      PetscCall(CompareSplines(&bs, c, &f1, c1, &err));
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: coarse vs refined spline, n_fine=%" PetscInt_FMT, name, f1.n));
      PetscCall(Report(what, err, 1e-13));
      PetscCall(CompareSplines(&bs, c, &f2, c2, &err));
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: coarse vs twice refined, n_fine=%" PetscInt_FMT, name, f2.n));
      PetscCall(Report(what, err, 1e-13));
      PetscCall(PetscFree3(c, c1, c2));
      PetscCall(PetscFree(R1));
      PetscCall(PetscFree(R2));
      PetscCall(SNABSplineDestroy(&f1));
      PetscCall(SNABSplineDestroy(&f2));
      PetscCall(SNABSplineDestroy(&f3));
      PetscCall(SNABSplineDestroy(&bs));
    }
  PetscFunctionReturn(0);
}

/* Mass and stiffness: sums, symmetry, null space, brute-force Simpson, exact integrals of t^k. */
static PetscErrorCode TestMassStiffness(void)
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "Mass and stiffness matrices\n"));
  for (PetscInt id = 0; id < NDEG; id++)
    for (PetscInt kind = 0; kind < NKINDS; kind++) {
      const PetscInt  D = SNA_BSPLINE_MAX_DEGREE + 1, sub = 400; /* Simpson subintervals per knot interval */
      SNABSpline      bs;
      char            name[64], what[128];
      PetscReal      *M, *K, *Mb, *Kb, *M2, *c, d[2 * D], sum = 0.0, mmax = 0.0, kmax = 0.0, errm = 0.0, errk = 0.0, sym = 0.0, null = 0.0, xMx = 0.0, xKx = 0.0, em, ek;
      PetscInt        k, n;
      const PetscReal a = -1.0, b = 2.0;

      PetscCall(MakeBasis(degrees[id], kind, &bs, name, sizeof(name)));
      k = bs.degree;
      n = bs.n;
      PetscCall(PetscMalloc5(n * n, &M, n * n, &K, n * n, &M2, n * n, &Mb, n * n, &Kb));
      PetscCall(SNABSplineMassStiffness(&bs, M, K));
      PetscCall(SNABSplineMassStiffness(&bs, M2, NULL));
      PetscCall(SNABSplineMassStiffness(&bs, NULL, NULL));
      for (PetscInt i = 0; i < n * n; i++) PetscCheck(M2[i] == M[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: M differs when K is NULL", name);
      PetscCall(PetscArrayzero(Mb, n * n));
      PetscCall(PetscArrayzero(Kb, n * n));
      for (PetscInt s = k; s < n; s++) {
        const PetscReal lo = bs.knots[s], hi = bs.knots[s + 1], h = (hi - lo) / sub;
        if (!(lo < hi)) continue;
        for (PetscInt q = 0; q <= 2 * sub; q++) {
          const PetscReal w = h / 6 * (q == 0 || q == 2 * sub ? 1 : (q % 2 ? 4 : 2));
          PetscInt        f;
          /* evaluate just inside the interval so the ends use this interval's polynomial */
          PetscCall(SNABSplineEvaluateDerivatives(&bs, q == 2 * sub ? nextafter(hi, lo) : lo + q * h / 2, PetscMin(k, 1), &f, d));
          for (PetscInt i = 0; i <= k; i++)
            for (PetscInt j = 0; j <= k; j++) {
              Mb[(f + i) * n + f + j] += w * d[i] * d[j];
              if (k) Kb[(f + i) * n + f + j] += w * d[k + 1 + i] * d[k + 1 + j];
            }
        }
      }
      for (PetscInt i = 0; i < n; i++) {
        PetscReal rowsum = 0.0, rowabs = 0.0;
        for (PetscInt j = 0; j < n; j++) {
          sum += M[i * n + j];
          mmax = PetscMax(mmax, PetscAbsReal(M[i * n + j]));
          kmax = PetscMax(kmax, PetscAbsReal(K[i * n + j]));
          errm = PetscMax(errm, PetscAbsReal(M[i * n + j] - Mb[i * n + j]));
          errk = PetscMax(errk, PetscAbsReal(K[i * n + j] - Kb[i * n + j]));
          sym  = PetscMax(sym, PetscMax(PetscAbsReal(M[i * n + j] - M[j * n + i]), PetscAbsReal(K[i * n + j] - K[j * n + i])));
          rowsum += K[i * n + j];
          rowabs += PetscAbsReal(K[i * n + j]);
        }
        if (rowabs > 0) null = PetscMax(null, PetscAbsReal(rowsum) / rowabs);
      }
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: sum of M entries == b - a (relative)", name));
      PetscCall(Report(what, PetscAbsReal(sum - (b - a)) / (b - a), 1e-13));
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: M vs Simpson quadrature (relative to max|M|)", name));
      PetscCall(Report(what, errm / mmax, 1e-8));
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: M, K symmetric", name));
      PetscCall(Report(what, sym, 0.0));
      if (k == 0) {
        PetscCall(PetscSNPrintf(what, sizeof(what), "%s: K == 0 for piecewise constants", name));
        PetscCall(Report(what, kmax, 0.0));
      } else {
        PetscCall(PetscSNPrintf(what, sizeof(what), "%s: K vs Simpson quadrature (relative to max|K|)", name));
        PetscCall(Report(what, errk / kmax, 1e-8));
        PetscCall(PetscSNPrintf(what, sizeof(what), "%s: K 1 == 0 (relative to row |K|)", name));
        PetscCall(Report(what, null, 1e-12));
      }
      /* spline equal to t^k: x^T M x = int t^2k, x^T K x = int (k t^(k-1))^2 */
      PetscCall(Interpolate(&bs, k, 0.0, &c));
      for (PetscInt i = 0; i < n; i++)
        for (PetscInt j = 0; j < n; j++) {
          xMx += c[i] * M[i * n + j] * c[j];
          xKx += c[i] * K[i * n + j] * c[j];
        }
      em = (PetscPowRealInt(b, 2 * k + 1) - PetscPowRealInt(a, 2 * k + 1)) / (2 * k + 1);
      ek = k ? k * k * (PetscPowRealInt(b, 2 * k - 1) - PetscPowRealInt(a, 2 * k - 1)) / (2 * k - 1) : 0.0;
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: x^T M x == int (t^k)^2 (relative)", name));
      PetscCall(Report(what, PetscAbsReal(xMx - em) / em, 1e-11));
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s: x^T K x == int ((t^k)')^2 (relative)", name));
      PetscCall(Report(what, k ? PetscAbsReal(xKx - ek) / ek : PetscAbsReal(xKx), 1e-11));
      PetscCall(PetscFree(c));
      PetscCall(PetscFree5(M, K, M2, Mb, Kb));
      PetscCall(SNABSplineDestroy(&bs));
    }
  PetscFunctionReturn(0);
}

/* Bad arguments return an error code (and leak nothing: run with -malloc_dump). */
static PetscErrorCode TestErrors(void)
{
  const PetscReal unclamped[] = {0, 0, 0.5, 1, 1, 1}, decreasing[] = {0, 0, 0, 0.6, 0.4, 1, 1, 1}, onend[] = {0, 0, 0, 0, 1, 1, 1};
  const PetscReal ok[] = {0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1};
  /* degree 2: an interior knot of multiplicity k + 2 = 4 leaves a basis function zero everywhere; k + 1 is allowed */
  const PetscReal mult4[] = {0, 0, 0, 0.5, 0.5, 0.5, 0.5, 1, 1, 1}, mult3[] = {0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1};
  struct {
    const char *what;
    PetscInt    k, n;
    PetscReal   a, b;
  } cases[] = {
      {"n < k + 1", 3, 3, 0, 1},
      {"a == b", 2, 5, 1, 1},
      {"a > b", 2, 5, 1, 0},
      {"k < 0", -1, 5, 0, 1},
      {"k > max", 8, 20, 0, 1},
      {"b infinite", 2, 5, 0, INFINITY},
      {"b PETSC_INF", 2, 5, 0, PETSC_INFINITY},
      {"a NaN", 2, 5, NAN, 1},
  };
  SNABSpline bs;

  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "Argument errors\n"));
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    PetscErrorCode ierr;
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNABSplineCreateUniform(cases[c].k, cases[c].n, cases[c].a, cases[c].b, &bs);
    PetscCall(PetscPopErrorHandler());
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "  CreateUniform %-12s returns error code %d\n", cases[c].what, (int)ierr));
    PetscCheck(ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "CreateUniform accepted %s", cases[c].what);
  }
  {
    const struct {
      const char      *what;
      PetscInt         k, nk;
      const PetscReal *U;
    } kc[] = {
        {"unclamped", 2, 6, unclamped},
        {"decreasing", 2, 8, decreasing},
        {"interior knot == a", 2, 7, onend},
        {"too few knots", 2, 5, ok},
        {"multiplicity k + 2", 2, 10, mult4},
    };
    for (size_t c = 0; c < sizeof(kc) / sizeof(kc[0]); c++) {
      PetscErrorCode ierr;
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      ierr = SNABSplineCreateFromKnots(kc[c].k, kc[c].nk, kc[c].U, &bs);
      PetscCall(PetscPopErrorHandler());
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "  CreateFromKnots %-20s returns error code %d\n", kc[c].what, (int)ierr));
      PetscCheck(ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "CreateFromKnots accepted %s knots", kc[c].what);
    }
  }
  /* an interior knot of multiplicity k + 1 is accepted (a C^-1 break) */
  PetscCall(SNABSplineCreateFromKnots(2, 9, mult3, &bs));
  PetscCheck(bs.n == 6 && !bs.uniform, PETSC_COMM_SELF, PETSC_ERR_PLIB, "knots with a triple interior knot: n %" PetscInt_FMT " uniform %d", bs.n, (int)bs.uniform);
  PetscCall(SNABSplineDestroy(&bs));
  /* valid knots are accepted, detected uniform, and Duplicate copies them */
  {
    SNABSpline dup;
    PetscCall(SNABSplineCreateFromKnots(2, 9, ok, &bs));
    PetscCall(SNABSplineDuplicate(&bs, &dup));
    PetscCheck(bs.uniform && bs.n == 6 && PetscAbsReal(bs.inv_h - 4) < 1e-14, PETSC_COMM_SELF, PETSC_ERR_PLIB, "uniform knots not detected: uniform %d n %" PetscInt_FMT " inv_h %g", (int)bs.uniform, bs.n, (double)bs.inv_h);
    PetscCheck(dup.knots != bs.knots && dup.n == bs.n && dup.uniform && dup.knots[3] == 0.25, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Duplicate is not a deep copy");
    PetscCall(SNABSplineDestroy(&bs));
    PetscCall(SNABSplineDestroy(&dup));
    PetscCheck(!bs.knots && !bs.n, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Destroy did not zero the struct");
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "  CreateFromKnots uniform detection, Duplicate, Destroy ok\n"));
  }
  PetscFunctionReturn(0);
}

/* Knots far from 0 on a short interval ([1e13, 1e13 + 1], 100 intervals, the first half 10% compressed, up to 5 h
   off uniform): the uniform test's tolerance of a few ulps of |a| + |b| exceeded h and flagged them uniform, and the
   O(1) FindSpan then gave a span 4 off (negative basis values). They must not be uniform, and every span and the
   partition of unity must be right. */
static PetscErrorCode TestUniformTolerance(void)
{
  const PetscInt  k = 2, ni = 100, n = ni + k, nk = n + k + 1;
  const PetscReal a = 1e13, b = 1e13 + 1;
  PetscReal       U[2 * 100 + 8], v[3];
  SNABSpline      bs;
  PetscInt        bad = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i <= k; i++) {
    U[i]          = a;
    U[nk - 1 - i] = b;
  }
  for (PetscInt i = 1; i < ni; i++) U[k + i] = a + (i < 50 ? 0.9 * i : 45 + 1.1 * (i - 50)) / ni;
  PetscCall(SNABSplineCreateFromKnots(k, nk, U, &bs));
  PetscCheck(!bs.uniform, PETSC_COMM_SELF, PETSC_ERR_PLIB, "knots up to 5 h off uniform on [1e13, 1e13 + 1] were flagged uniform");
  for (PetscInt p = 0; p < 1000; p++) {
    const PetscReal t = a + (b - a) * Rand();
    PetscInt        s = SNABSplineFindSpan(&bs, t), sb = k, f;
    while (sb + 1 <= n - 1 && U[sb + 1] <= t) sb++;
    PetscCall(SNABSplineEvaluate(&bs, t, &f, v));
    if ((s != sb || v[0] < 0 || v[1] < 0 || v[2] < 0) && bad++ < 5) PetscCall(PetscPrintf(PETSC_COMM_SELF, "    t = a + %.6f: span %" PetscInt_FMT ", linear search %" PetscInt_FMT ", values %g %g %g\n", (double)(t - a), s, sb, (double)v[0], (double)v[1], (double)v[2]));
  }
  PetscCall(SNABSplineDestroy(&bs));
  PetscCall(Report("far-from-0 nonuniform knots: wrong spans or negative values", (PetscReal)bad, 0.0));
  PetscFunctionReturn(0);
}

/* FindSpan against a linear search, on and next to knots, at the ends, outside [a, b]. */
static PetscErrorCode TestFindSpan(void)
{
  const struct {
    PetscInt  k, n;
    PetscReal a, b;
  } cases[] = {
      {0, 1, 0, 1},
      {0, 7, 0.1, 0.7},
      {1, 2, -1, 1},
      {2, 10, 0.1, 0.7},
      {3, 1000, -3, 5.5},
      {5, 37, -1e3, 3e3},
      {7, 100, 1, 1.3},
  };

  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "FindSpan vs linear search (10000 points each)\n"));
  for (size_t c = 0; c < 3 * sizeof(cases) / sizeof(cases[0]) + NDEG; c++) {
    SNABSpline bs, coarse;
    char       name[96];
    PetscInt   bad = 0;

    if (c < sizeof(cases) / sizeof(cases[0])) {
      PetscCall(SNABSplineCreateUniform(cases[c].k, cases[c].n, cases[c].a, cases[c].b, &bs));
      PetscCall(PetscSNPrintf(name, sizeof(name), "uniform k=%" PetscInt_FMT " n=%" PetscInt_FMT, bs.degree, bs.n));
    } else if (c < 3 * sizeof(cases) / sizeof(cases[0])) { /* refined once or twice: midpoint knots */
      const size_t i = c % (sizeof(cases) / sizeof(cases[0]));
      SNABSpline   f;
      PetscCall(SNABSplineCreateUniform(cases[i].k, cases[i].n, cases[i].a, cases[i].b, &coarse));
      PetscCall(SNABSplineRefine(&coarse, &bs, NULL));
      if (c >= 2 * sizeof(cases) / sizeof(cases[0])) {
        PetscCall(SNABSplineRefine(&bs, &f, NULL));
        PetscCall(SNABSplineDestroy(&bs));
        bs = f;
      }
      PetscCall(SNABSplineDestroy(&coarse));
      PetscCheck(bs.uniform, PETSC_COMM_SELF, PETSC_ERR_PLIB, "refined uniform basis not uniform");
      PetscCall(PetscSNPrintf(name, sizeof(name), "refined uniform k=%" PetscInt_FMT " n=%" PetscInt_FMT, bs.degree, bs.n));
    } else {
      char tmp[64];
      PetscCall(MakeBasis(degrees[c - 3 * sizeof(cases) / sizeof(cases[0])], 2, &bs, tmp, sizeof(tmp)));
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s (binary search)", tmp));
    }
    for (PetscInt p = 0; p < 10000; p++) {
      const PetscReal u = bs.knots[(PetscInt)(Rand() * bs.nknots)], r = Rand();
      PetscReal       t, tc;
      PetscInt        s, sb = bs.degree;
      switch (p % 6) {
      case 0:
      case 1:
        t = bs.a + (bs.b - bs.a) * r;
        break;
      case 2:
      case 3:
        t = u; /* exactly on a knot */
        break;
      case 4:
        t = nextafter(u, r < 0.5 ? -PETSC_INFINITY : PETSC_INFINITY);
        break;
      default:
        t = p % 12 == 5 ? (r < 0.5 ? bs.a : bs.b) : bs.a + (bs.b - bs.a) * (3 * r - 1); /* ends or outside */
      }
      tc = PetscMax(bs.a, PetscMin(bs.b, t));
      if (tc >= bs.b)
        sb = bs.n - 1;
      else
        while (sb + 1 <= bs.n - 1 && bs.knots[sb + 1] <= tc) sb++;
      s = SNABSplineFindSpan(&bs, t);
      if (s != sb && bad++ < 5) PetscCall(PetscPrintf(PETSC_COMM_SELF, "    t = %.17g: span %" PetscInt_FMT ", linear search %" PetscInt_FMT "\n", (double)t, s, sb));
    }
    {
      size_t len;
      PetscCall(PetscStrlen(name, &len));
      PetscCall(PetscSNPrintf(name + len, sizeof(name) - len, ": mismatches"));
    }
    PetscCall(Report(name, (PetscReal)bad, 0.0));
    PetscCall(SNABSplineDestroy(&bs));
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(TestPartitionOfUnity());
  PetscCall(TestPolynomialReproduction());
  PetscCall(TestDerivatives());
  PetscCall(TestRefine());
  PetscCall(TestMassStiffness());
  PetscCall(TestErrors());
  PetscCall(TestFindSpan());
  PetscCall(TestUniformTolerance());
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "All B-spline tests passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
