/* One-dimensional clamped B-spline bases: creation, evaluation, refinement, Gram matrices. */
#include <snaps/bspline.h>
#include <petscdt.h>

/* Checks that a basis pointer is usable. */
static PetscErrorCode SNABSplineCheck_Private(const SNABSpline *bs)
{
  PetscFunctionBegin;
  PetscCheck(bs, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "B-spline basis pointer is NULL");
  PetscCheck(bs->knots, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "B-spline basis has no knots (not created, or destroyed)");
  PetscFunctionReturn(0);
}

/* PETSc uses +-PETSC_INFINITY (finite, huge) as "infinite" in bounds, so reject it too. */
static inline PetscBool SNABSplineFinite_Private(PetscReal x)
{
  return (!PetscIsInfOrNanReal(x) && PetscAbsReal(x) < PETSC_INFINITY) ? PETSC_TRUE : PETSC_FALSE;
}

/*@
  SNABSplineCreateUniform - Creates the clamped B-spline basis of n functions of degree k with uniformly spaced knots
  on [a, b]

  Not Collective

  Input Parameters:
+ k - the degree, 0 to SNA_BSPLINE_MAX_DEGREE (7)
. n - the number of functions, at least k + 1
. a - the left end, finite
- b - the right end, finite, above a

  Output Parameter:
. bs - the basis (its struct filled in; free its knots with SNABSplineDestroy())

  Notes:
  Raises PETSC_ERR_ARG_NULL for a NULL bs and PETSC_ERR_ARG_OUTOFRANGE for a degree, n or interval outside the ranges
  above (an end of +-PETSC_INFINITY counts as infinite), or an n whose knot count n + k + 1 overflows.

  Level: developer

.seealso: SNABSplineCreateFromKnots(), SNABSplineDestroy(), SNABSplineEvaluate()
@*/
PetscErrorCode SNABSplineCreateUniform(PetscInt k, PetscInt n, PetscReal a, PetscReal b, SNABSpline *bs)
{
  PetscReal h;

  PetscFunctionBegin;
  PetscCheck(bs, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "Output B-spline pointer is NULL");
  PetscCheck(k >= 0 && k <= SNA_BSPLINE_MAX_DEGREE, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "B-spline degree %" PetscInt_FMT " must be between 0 and %d", k, SNA_BSPLINE_MAX_DEGREE);
  PetscCheck(n >= k + 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "A degree %" PetscInt_FMT " B-spline basis needs at least %" PetscInt_FMT " functions, got n = %" PetscInt_FMT, k, k + 1, n);
  PetscCheck(SNABSplineFinite_Private(a) && SNABSplineFinite_Private(b), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "B-spline interval [%g, %g] must be finite", (double)a, (double)b);
  PetscCheck(a < b, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "B-spline interval [%g, %g] is empty: need a < b", (double)a, (double)b);
  PetscCall(PetscMemzero(bs, sizeof(*bs)));
  bs->degree = k;
  bs->n      = n;
  PetscCall(PetscIntSumError(n, k + 1, &bs->nknots)); /* n near PETSC_MAX_INT would wrap */
  bs->a = a;
  bs->b = b;
  PetscCall(PetscMalloc1(bs->nknots, &bs->knots));
  h = (b - a) / (n - k);
  for (PetscInt i = 0; i <= k; i++) {
    bs->knots[i]         = a;
    bs->knots[n + k - i] = b;
  }
  for (PetscInt i = 1; i < n - k; i++) bs->knots[k + i] = a + i * h;
  bs->uniform = PETSC_TRUE;
  bs->inv_h   = (n - k) / (b - a);
  PetscFunctionReturn(0);
}

/*@
  SNABSplineCreateFromKnots - Creates a clamped B-spline basis from its full knot vector

  Not Collective

  Input Parameters:
+ k      - the degree, 0 to SNA_BSPLINE_MAX_DEGREE (7)
. nknots - the number of knots, at least 2k + 2 (n = nknots - k - 1 functions)
- knots  - the knots: the first and last k + 1 equal (clamped) to a finite a < b, the interior ones nondecreasing,
           strictly inside (a, b), each of multiplicity at most k + 1

  Output Parameter:
. bs - the basis (the knots copied; free them with SNABSplineDestroy()); flagged uniform, for a span found in O(1),
       where the interior knots are equally spaced to within a few ulps (never more than 1e-3 of the spacing)

  Notes:
  Raises PETSC_ERR_ARG_NULL for a NULL bs or knots, and PETSC_ERR_ARG_OUTOFRANGE, naming the knot at fault, for a knot
  vector that breaks the rules above.

  Level: developer

.seealso: SNABSplineCreateUniform(), SNABSplineDestroy(), SNABSplineRefine()
@*/
PetscErrorCode SNABSplineCreateFromKnots(PetscInt k, PetscInt nknots, const PetscReal knots[], SNABSpline *bs)
{
  PetscInt  n = nknots - k - 1, mult = 1;
  PetscReal a, b, h, tol;
  PetscBool uniform = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCheck(bs, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "Output B-spline pointer is NULL");
  PetscCheck(knots, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "Knot array is NULL");
  PetscCheck(k >= 0 && k <= SNA_BSPLINE_MAX_DEGREE, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "B-spline degree %" PetscInt_FMT " must be between 0 and %d", k, SNA_BSPLINE_MAX_DEGREE);
  PetscCheck(nknots >= 2 * k + 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "A clamped degree %" PetscInt_FMT " knot vector needs at least %" PetscInt_FMT " knots, got %" PetscInt_FMT, k, 2 * k + 2, nknots);
  a = knots[0];
  b = knots[nknots - 1];
  PetscCheck(SNABSplineFinite_Private(a) && SNABSplineFinite_Private(b) && a < b, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Knot vector must span a finite nonempty interval, got [%g, %g]", (double)a, (double)b);
  for (PetscInt i = 1; i <= k; i++) {
    PetscCheck(knots[i] == a && knots[nknots - 1 - i] == b, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Knot vector is not clamped: the first and last %" PetscInt_FMT " knots must equal a = %g and b = %g", k + 1, (double)a, (double)b);
  }
  for (PetscInt i = k + 1; i < n; i++) {
    PetscCheck(knots[i] > a && knots[i] < b, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Interior knot %" PetscInt_FMT " = %g must lie strictly inside (%g, %g)", i, (double)knots[i], (double)a, (double)b);
    PetscCheck(knots[i] >= knots[i - 1], PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Knots must be nondecreasing: knot %" PetscInt_FMT " = %g < knot %" PetscInt_FMT " = %g", i, (double)knots[i], i - 1, (double)knots[i - 1]);
    mult = (i > k + 1 && knots[i] == knots[i - 1]) ? mult + 1 : 1;
    /* multiplicity k + 2 would give an identically zero basis function */
    PetscCheck(mult <= k + 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Interior knot %g has multiplicity %" PetscInt_FMT " > degree + 1 = %" PetscInt_FMT, (double)knots[i], mult, k + 1);
  }
  /* Uniform within a few ulps: FindSpan's one-step guard absorbs that rounding. Never more than a small part of h:
     far from 0 (a = 1e13, b - a = 1) a few ulps of a exceed h, and knots h and more off uniform were taken as
     uniform, so FindSpan's one-step correction returned the wrong span */
  h   = (b - a) / (n - k);
  tol = PetscMin(16 * PETSC_MACHINE_EPSILON * (PetscAbsReal(a) + PetscAbsReal(b)), 1e-3 * h);
  for (PetscInt i = 1; i < n - k && uniform; i++) uniform = PetscAbsReal(knots[k + i] - (a + i * h)) <= tol ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscMemzero(bs, sizeof(*bs)));
  bs->degree = k;
  bs->n      = n;
  bs->nknots = nknots;
  bs->a      = a;
  bs->b      = b;
  PetscCall(PetscMalloc1(nknots, &bs->knots));
  PetscCall(PetscArraycpy(bs->knots, knots, nknots));
  bs->uniform = uniform;
  bs->inv_h   = uniform ? (n - k) / (b - a) : 0.0;
  PetscFunctionReturn(0);
}

/*@
  SNABSplineDestroy - Frees the knots of a B-spline basis and zeroes its struct

  Not Collective

  Input Parameter:
. bs - the basis; NULL does nothing

  Level: developer

.seealso: SNABSplineCreateUniform(), SNABSplineCreateFromKnots()
@*/
PetscErrorCode SNABSplineDestroy(SNABSpline *bs)
{
  PetscFunctionBegin;
  if (!bs) PetscFunctionReturn(0);
  PetscCall(PetscFree(bs->knots));
  PetscCall(PetscMemzero(bs, sizeof(*bs)));
  PetscFunctionReturn(0);
}

/*@
  SNABSplineDuplicate - Copies a B-spline basis, knots included (deep copy)

  Not Collective

  Input Parameter:
. bs - the basis

  Output Parameter:
. copy - the copy; free it with SNABSplineDestroy()

  Notes:
  Raises PETSC_ERR_ARG_NULL for a NULL bs, PETSC_ERR_ARG_WRONGSTATE for a basis without knots (not created, or
  destroyed), and PETSC_ERR_ARG_WRONG where copy is NULL or is bs.

  Level: developer

.seealso: SNABSplineCreateUniform(), SNABSplineDestroy()
@*/
PetscErrorCode SNABSplineDuplicate(const SNABSpline *bs, SNABSpline *copy)
{
  PetscFunctionBegin;
  PetscCall(SNABSplineCheck_Private(bs));
  PetscCheck(copy && copy != bs, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Duplicate needs a distinct, non-NULL output");
  *copy = *bs;
  PetscCall(PetscMalloc1(bs->nknots, &copy->knots));
  PetscCall(PetscArraycpy(copy->knots, bs->knots, bs->nknots));
  PetscFunctionReturn(0);
}

/*@
  SNABSplineEvaluate - The values of the k + 1 basis functions that may be nonzero at t

  Not Collective

  Input Parameters:
+ bs - the basis
- t  - the point; one outside [a, b] is clamped into it

  Output Parameters:
+ first  - the index of the first of those functions; may be NULL
- values - their k + 1 values

  Notes:
  The checked wrapper of SNABSplineEvalInline() (for hot loops, which checks nothing). Raises PETSC_ERR_ARG_NULL for a
  NULL bs or values, PETSC_ERR_ARG_WRONGSTATE for a basis without knots, and PETSC_ERR_ARG_OUTOFRANGE for t = NaN.

  Level: developer

.seealso: SNABSplineEvaluateDerivatives(), SNABSplineEvaluateSpline(), SNABSplineEvalInline()
@*/
PetscErrorCode SNABSplineEvaluate(const SNABSpline *bs, PetscReal t, PetscInt *first, PetscReal values[])
{
  PetscInt f;

  PetscFunctionBegin;
  PetscCall(SNABSplineCheck_Private(bs));
  PetscCheck(values, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "Output values array is NULL");
  PetscCheck(!PetscIsNanReal(t), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Cannot evaluate a B-spline basis at NaN");
  f = SNABSplineEvalInline(bs, t, values);
  if (first) *first = f;
  PetscFunctionReturn(0);
}

/*@
  SNABSplineEvaluateDerivatives - The values and derivatives up to order nder of the k + 1 basis functions that may be
  nonzero at t (algorithm A2.3 of Piegl and Tiller, The NURBS Book)

  Not Collective

  Input Parameters:
+ bs   - the basis
. t    - the point; one outside [a, b] is clamped into it
- nder - the highest derivative, 0 to the degree k (higher ones vanish)

  Output Parameters:
+ first - the index of the first of those functions; may be NULL
- ders  - (nder + 1) (k + 1) values: ders[j (k + 1) + i] is the j-th derivative of function first + i

  Notes:
  Raises PETSC_ERR_ARG_NULL for a NULL bs or ders, PETSC_ERR_ARG_WRONGSTATE for a basis without knots, and
  PETSC_ERR_ARG_OUTOFRANGE for nder outside [0, k] or t = NaN.

  Level: developer

.seealso: SNABSplineEvaluate(), SNABSplineMassStiffness()
@*/
PetscErrorCode SNABSplineEvaluateDerivatives(const SNABSpline *bs, PetscReal t, PetscInt nder, PetscInt *first, PetscReal ders[])
{
  enum { D = SNA_BSPLINE_MAX_DEGREE + 1 };
  PetscInt         k, s;
  const PetscReal *U;
  PetscReal        ndu[D][D], a[2][D], left[D], right[D], fac;

  PetscFunctionBegin;
  PetscCall(SNABSplineCheck_Private(bs));
  k = bs->degree;
  U = bs->knots;
  PetscCheck(ders, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "Output derivatives array is NULL");
  PetscCheck(nder >= 0 && nder <= k, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Derivative order %" PetscInt_FMT " must be between 0 and the degree %" PetscInt_FMT " (higher ones vanish)", nder, k);
  PetscCheck(!PetscIsNanReal(t), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Cannot evaluate a B-spline basis at NaN");
  t = PetscMax(bs->a, PetscMin(bs->b, t));
  s = SNABSplineFindSpan(bs, t);
  /* ndu: basis functions of all degrees (upper triangle) and knot differences (lower triangle) */
  ndu[0][0] = 1.0;
  for (PetscInt j = 1; j <= k; j++) {
    PetscReal saved = 0.0;
    left[j]         = t - U[s + 1 - j];
    right[j]        = U[s + j] - t;
    for (PetscInt r = 0; r < j; r++) {
      const PetscReal tmp = ndu[r][j - 1] / (ndu[j][r] = right[r + 1] + left[j - r]);
      ndu[r][j]           = saved + right[r + 1] * tmp;
      saved               = left[j - r] * tmp;
    }
    ndu[j][j] = saved;
  }
  for (PetscInt j = 0; j <= k; j++) ders[j] = ndu[j][k];
  /* derivatives of function r as differences of lower-degree functions (coefficients in a[]) */
  for (PetscInt r = 0; r <= k; r++) {
    PetscInt s1 = 0, s2 = 1;
    a[0][0] = 1.0;
    for (PetscInt q = 1; q <= nder; q++) {
      const PetscInt rq = r - q, pq = k - q;
      const PetscInt j1 = rq >= -1 ? 1 : -rq, j2 = r - 1 <= pq ? q - 1 : k - r;
      PetscReal      d = 0.0;
      if (r >= q) {
        a[s2][0] = a[s1][0] / ndu[pq + 1][rq];
        d        = a[s2][0] * ndu[rq][pq];
      }
      for (PetscInt j = j1; j <= j2; j++) {
        a[s2][j] = (a[s1][j] - a[s1][j - 1]) / ndu[pq + 1][rq + j];
        d += a[s2][j] * ndu[rq + j][pq];
      }
      if (r <= pq) {
        a[s2][q] = -a[s1][q - 1] / ndu[pq + 1][r];
        d += a[s2][q] * ndu[r][pq];
      }
      ders[q * (k + 1) + r] = d;
      s1                    = 1 - s1;
      s2                    = 1 - s2;
    }
  }
  fac = (PetscReal)k; /* k! / (k - q)! */
  for (PetscInt q = 1; q <= nder; q++) {
    for (PetscInt j = 0; j <= k; j++) ders[q * (k + 1) + j] *= fac;
    fac *= (PetscReal)(k - q);
  }
  if (first) *first = s - k;
  PetscFunctionReturn(0);
}

/*@
  SNABSplineEvaluateSpline - The value at t of the spline sum_g coef[g] B_g(t)

  Not Collective

  Input Parameters:
+ bs   - the basis
. coef - its n coefficients
- t    - the point; one outside [a, b] is clamped into it

  Output Parameter:
. value - the spline's value

  Notes:
  Raises PETSC_ERR_ARG_NULL for a NULL coef or value, and what SNABSplineEvaluate() raises.

  Level: developer

.seealso: SNABSplineEvaluate()
@*/
PetscErrorCode SNABSplineEvaluateSpline(const SNABSpline *bs, const PetscReal coef[], PetscReal t, PetscReal *value)
{
  PetscReal v[SNA_BSPLINE_MAX_DEGREE + 1], sum = 0.0;
  PetscInt  first;

  PetscFunctionBegin;
  PetscCheck(coef && value, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "Coefficient and value pointers must not be NULL");
  PetscCall(SNABSplineEvaluate(bs, t, &first, v));
  for (PetscInt i = 0; i <= bs->degree; i++) sum += coef[first + i] * v[i];
  *value = sum;
  PetscFunctionReturn(0);
}

/*@
  SNABSplineRefine - Refines a B-spline basis by inserting the midpoint of every nonempty knot interval (Boehm's
  algorithm); exact: the fine space contains the coarse one

  Not Collective

  Input Parameter:
. coarse - the basis

  Output Parameters:
+ fine - the refined basis (free it with SNABSplineDestroy()); uniform where coarse is
- R    - the dense refinement matrix, fine->n rows x coarse->n columns, row-major: the coarse spline of coefficients c
         is the fine spline of coefficients R c; free it with PetscFree(); NULL not to build it

  Notes:
  Raises PETSC_ERR_ARG_NULL for a NULL coarse, PETSC_ERR_ARG_WRONGSTATE for a basis without knots,
  PETSC_ERR_ARG_WRONG where fine is NULL or is coarse, and an overflow error where the sizes of the fine knots or of R
  would wrap.

  Level: developer

.seealso: SNABSplineCreateFromKnots(), SNABSplineDestroy()
@*/
PetscErrorCode SNABSplineRefine(const SNABSpline *coarse, SNABSpline *fine, PetscReal **R)
{
  PetscInt   k, nc, nf, cur, m = 0, tail = 0;
  PetscReal *U, *A = NULL;

  PetscFunctionBegin;
  /* Boehm's algorithm, left to right. R is built by inserting into the columns of the identity. Rows are kept in a
     head [0, m) holding the current rows 0..m-1 and a tail [tail, nf) holding the rest, so each insertion touches only
     O(k) rows instead of shifting everything after it. */
  PetscCall(SNABSplineCheck_Private(coarse));
  PetscCheck(fine && fine != coarse, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Refine needs a distinct, non-NULL output basis");
  k  = coarse->degree;
  nc = coarse->n;
  nf = nc;
  for (PetscInt s = k; s < nc; s++)
    if (coarse->knots[s] < coarse->knots[s + 1]) nf++;
  {
    PetscInt nk, nr; /* the fine knots and R, in sizes that must not wrap */
    PetscCall(PetscIntSumError(nf, k + 1, &nk));
    PetscCall(PetscMalloc1(nk, &U));
    if (R) PetscCall(PetscIntMultError(nf, nc, &nr));
  }
  PetscCall(PetscArraycpy(U, coarse->knots, coarse->nknots));
  if (R) {
    PetscCall(PetscCalloc1((size_t)nf * nc, &A));
    tail = nf - nc;
    for (PetscInt g = 0; g < nc; g++) A[(tail + g) * nc + g] = 1.0;
  }
  cur = nc;
  for (PetscInt s = k; s < cur; s++) {
    PetscReal u;

    if (!(U[s] < U[s + 1])) continue;
    u = 0.5 * (U[s] + U[s + 1]);
    if (A) {
      for (; m < s + 1; m++, tail++) /* move current rows up to s into the head */
        if (m != tail) PetscCall(PetscArraycpy(A + m * nc, A + tail * nc, nc));
      tail--; /* new row s + 1 is the old row s */
      PetscCall(PetscArraycpy(A + tail * nc, A + s * nc, nc));
      for (PetscInt i = s; i > s - k; i--) { /* descending: row i - 1 is still the old one */
        const PetscReal alpha = (u - U[i]) / (U[i + k] - U[i]);
        for (PetscInt g = 0; g < nc; g++) A[i * nc + g] = alpha * A[i * nc + g] + (1.0 - alpha) * A[(i - 1) * nc + g];
      }
    }
    PetscCall(PetscArraymove(U + s + 2, U + s + 1, cur + k - s));
    U[s + 1] = u;
    cur++;
    s++; /* [U[s], u] and [u, U[s + 2]] are halves of this interval: skip both */
  }
  /* at the end head and tail are contiguous (tail == m), so A is in place */
  PetscCall(SNABSplineCreateFromKnots(k, nf + k + 1, U, fine));
  PetscCall(PetscFree(U));
  if (coarse->uniform) { /* midpoints are uniform up to rounding, which FindSpan tolerates */
    fine->uniform = PETSC_TRUE;
    fine->inv_h   = (nf - k) / (fine->b - fine->a);
  }
  if (R) *R = A;
  PetscFunctionReturn(0);
}

/*@
  SNABSplineMassStiffness - The dense mass and stiffness matrices of a B-spline basis over [a, b], exact
  (Gauss-Legendre with k + 1 points on every nonempty knot interval)

  Not Collective

  Input Parameter:
. bs - the basis

  Output Parameters:
+ M - the n x n (row-major) mass matrix M_ij = int B_i B_j, bitwise symmetric (allocated by the caller); may be NULL
- K - the n x n stiffness matrix K_ij = int B_i' B_j' (zero for degree 0); may be NULL

  Notes:
  Raises PETSC_ERR_ARG_NULL for a NULL bs and PETSC_ERR_ARG_WRONGSTATE for a basis without knots.

  Level: developer

.seealso: SNABSplineEvaluateDerivatives()
@*/
PetscErrorCode SNABSplineMassStiffness(const SNABSpline *bs, PetscReal M[], PetscReal K[])
{
  PetscReal x[SNA_BSPLINE_MAX_DEGREE + 1], w[SNA_BSPLINE_MAX_DEGREE + 1], d[2 * (SNA_BSPLINE_MAX_DEGREE + 1)];
  PetscInt  k, n, nd;

  PetscFunctionBegin;
  PetscCall(SNABSplineCheck_Private(bs));
  k  = bs->degree;
  n  = bs->n;
  nd = (K && k > 0) ? 1 : 0; /* degree 0: piecewise constant, K = 0 */
  PetscCall(PetscDTGaussQuadrature(k + 1, -1.0, 1.0, x, w));
  if (M) PetscCall(PetscArrayzero(M, n * n));
  if (K) PetscCall(PetscArrayzero(K, n * n));
  for (PetscInt s = k; s < n; s++) {
    const PetscReal lo = bs->knots[s], hi = bs->knots[s + 1], half = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);

    if (!(lo < hi)) continue;
    for (PetscInt q = 0; q <= k; q++) {
      const PetscReal wq = half * w[q];
      PetscInt        f;

      PetscCall(SNABSplineEvaluateDerivatives(bs, mid + half * x[q], nd, &f, d));
      for (PetscInt i = 0; i <= k; i++) /* wq * (di * dj): bitwise symmetric */
        for (PetscInt j = 0; j <= k; j++) {
          if (M) M[(f + i) * n + f + j] += wq * (d[i] * d[j]);
          if (nd) K[(f + i) * n + f + j] += wq * (d[k + 1 + i] * d[k + 1 + j]);
        }
    }
  }
  PetscFunctionReturn(0);
}
