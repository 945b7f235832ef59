/* One-dimensional B-spline bases on clamped knot vectors.

   A basis of n functions of degree k on [a, b] has n + k + 1 knots; the first
   and last k + 1 knots equal a and b (clamped), so the first and last basis
   functions are the only ones nonzero at the ends. At any t exactly k + 1
   consecutive functions are nonzero, starting at index "first". The struct is
   public so hot loops can call the inline evaluator without a function call. */
#pragma once

#include <petscsys.h>

/* A 1-D B-spline basis. Fields are read-only for users. */
typedef struct {
  PetscInt   degree;  /* k >= 0 */
  PetscInt   n;       /* number of basis functions, n >= k + 1 */
  PetscInt   nknots;  /* n + k + 1 */
  PetscReal *knots;   /* nondecreasing, clamped */
  PetscReal  a, b;    /* support [a, b] */
  PetscBool  uniform; /* interior knots equally spaced: span found in O(1) */
  PetscReal  inv_h;   /* (n - k) / (b - a) when uniform */
} SNABSpline;

/* Largest degree supported by the fixed-size work arrays. */
#define SNA_BSPLINE_MAX_DEGREE 7

/* Pages at the definitions (plugins/basis/bspline.c). */
PETSC_EXTERN PetscErrorCode SNABSplineCreateUniform(PetscInt, PetscInt, PetscReal, PetscReal, SNABSpline *);
PETSC_EXTERN PetscErrorCode SNABSplineCreateFromKnots(PetscInt, PetscInt, const PetscReal[], SNABSpline *);
PETSC_EXTERN PetscErrorCode SNABSplineDestroy(SNABSpline *);
PETSC_EXTERN PetscErrorCode SNABSplineDuplicate(const SNABSpline *, SNABSpline *);

PETSC_EXTERN PetscErrorCode SNABSplineEvaluate(const SNABSpline *, PetscReal, PetscInt *, PetscReal[]);
PETSC_EXTERN PetscErrorCode SNABSplineEvaluateDerivatives(const SNABSpline *, PetscReal, PetscInt, PetscInt *, PetscReal[]);
PETSC_EXTERN PetscErrorCode SNABSplineEvaluateSpline(const SNABSpline *, const PetscReal[], PetscReal, PetscReal *);

PETSC_EXTERN PetscErrorCode SNABSplineRefine(const SNABSpline *, SNABSpline *, PetscReal **);

PETSC_EXTERN PetscErrorCode SNABSplineMassStiffness(const SNABSpline *, PetscReal[], PetscReal[]);

/*@C
  SNABSplineFindSpan - The knot span of a point: the index s with knots[s] <= t < knots[s + 1], k <= s <= n - 1

  Not Collective

  Input Parameters:
+ bs - the B-spline basis (degree k, n basis functions)
- t  - the point; clamped into [a, b] (t <= a or NaN gives s = k, t >= b gives s = n - 1)

  Notes:
  Returns s, not an error code: an inline function for hot loops, with no error checking. A uniform basis computes
  the span from the spacing (then corrects a rounding at an interval's end), any other one finds it by bisection.

  Level: developer

.seealso: SNABSplineEvalInline(), SNABSplineEvaluate()
@*/
static inline PetscInt SNABSplineFindSpan(const SNABSpline *bs, PetscReal t)
{
  const PetscInt k = bs->degree, n = bs->n;
  PetscInt       s;

  if (!(t > bs->a)) return k; /* also catches NaN */
  if (t >= bs->b) return n - 1;
  if (bs->uniform) {
    s = k + (PetscInt)((t - bs->a) * bs->inv_h);
    if (s > n - 1) s = n - 1;
    /* guard against rounding at interval ends */
    if (t < bs->knots[s])
      s--;
    else if (t >= bs->knots[s + 1] && s < n - 1)
      s++;
    return s;
  } else {
    PetscInt lo = k, hi = n; /* binary search: knots[lo] <= t < knots[hi] */
    while (hi - lo > 1) {
      PetscInt mid = (lo + hi) / 2;
      if (t < bs->knots[mid])
        hi = mid;
      else
        lo = mid;
    }
    return lo;
  }
}

/*@C
  SNABSplineEvalInline - The values of the k + 1 basis functions that are nonzero at a point

  Not Collective

  Input Parameters:
+ bs - the B-spline basis (degree k <= SNA_BSPLINE_MAX_DEGREE)
- t  - the point; clamped into [a, b]

  Output Parameter:
. values - the k + 1 values, of the basis functions first, first + 1, ..., first + k

  Notes:
  Returns first, the index of the first of them, not an error code: an inline function for hot loops, with no error
  checking (SNABSplineEvaluate() is the checked one). Cox-de Boor's recurrence in its numerically stable form.

  Level: developer

.seealso: SNABSplineFindSpan(), SNABSplineEvaluate(), SNABSplineEvaluateDerivatives()
@*/
static inline PetscInt SNABSplineEvalInline(const SNABSpline *bs, PetscReal t, PetscReal *values)
{
  const PetscInt   k = bs->degree;
  const PetscReal *U = bs->knots;
  PetscReal        left[SNA_BSPLINE_MAX_DEGREE + 1], right[SNA_BSPLINE_MAX_DEGREE + 1];
  PetscInt         s;

  if (t < bs->a) t = bs->a;
  if (t > bs->b) t = bs->b;
  s         = SNABSplineFindSpan(bs, t);
  values[0] = 1.0;
  for (PetscInt j = 1; j <= k; j++) {
    PetscReal saved = 0.0;
    left[j]         = t - U[s + 1 - j];
    right[j]        = U[s + j] - t;
    for (PetscInt r = 0; r < j; r++) {
      const PetscReal tmp = values[r] / (right[r + 1] + left[j - r]);
      values[r]           = saved + right[r + 1] * tmp;
      saved               = left[j - r] * tmp;
    }
    values[j] = saved;
  }
  return s - k;
}
