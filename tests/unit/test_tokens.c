static const char help[] = "Tokens of rollout surrogates: encode/decode round trip over quantile bins, the categorical sampler's\n"
                           "empirical frequencies against the probabilities (chi-squared), and the draws from logits: their\n"
                           "exponentials against libm's, and their classes against the softmax's.\n";

#include <snaps.h>
#include <fenv.h>

/* x -> bin -> value: the centre lies within half a bin of x, a value drawn within the bin encodes to the same
   bin, values beyond the outer edges go to the outer bins, and each edge goes to the bin it opens. */
static PetscErrorCode RoundTrip(void)
{
  const PetscInt q         = 12;
  PetscReal      edges[13] = {-3, -2, -1.5, -1, -0.5, -0.2, 0, 0.2, 0.5, 1, 1.5, 2, 3};
  PetscRandom    rnd;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 5));
  PetscCall(PetscRandomSeed(rnd));
  for (PetscInt t = 0; t < 10000; t++) {
    PetscReal u, v, x, c, w;
    PetscInt  k, k2;
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    PetscCall(PetscRandomGetValueReal(rnd, &v));
    x = -3 + 6 * u;
    k = SNAPSTokenEncode(q, edges, x);
    PetscCheck(k >= 0 && k < q && edges[k] <= x && (x < edges[k + 1] || k == q - 1), PETSC_COMM_SELF, PETSC_ERR_PLIB, "%g encodes to bin %" PetscInt_FMT " = [%g, %g)", (double)x, k, (double)edges[PetscMax(0, PetscMin(k, q - 1))], (double)edges[PetscMax(0, PetscMin(k, q - 1)) + 1]);
    c = SNAPSTokenDecode(q, edges, k, -1);
    w = edges[k + 1] - edges[k];
    PetscCheck(PetscAbsReal(c - x) <= 0.5 * w + 1e-15, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%g decodes to the centre %g of its bin of width %g", (double)x, (double)c, (double)w);
    x  = SNAPSTokenDecode(q, edges, k, v);
    k2 = SNAPSTokenEncode(q, edges, x);
    PetscCheck(k2 == k, PETSC_COMM_SELF, PETSC_ERR_PLIB, "A value %g drawn within bin %" PetscInt_FMT " encodes to bin %" PetscInt_FMT, (double)x, k, k2);
  }
  PetscCheck(SNAPSTokenEncode(q, edges, -1e9) == 0 && SNAPSTokenEncode(q, edges, 1e9) == q - 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Values beyond the outer edges do not go to the outer bins");
  /* a value exactly on an edge belongs to the bin above it (edges[k] <= x < edges[k+1]): the quantile edges are
     training values themselves, so this case is common, and random draws above never hit it */
  for (PetscInt k = 0; k < q; k++) {
    PetscInt a = SNAPSTokenEncode(q, edges, edges[k]), b = SNAPSTokenEncode(q, edges, SNAPSTokenDecode(q, edges, k, 0.0));
    PetscCheck(a == k && b == k, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The edge %g of bin %" PetscInt_FMT " encodes to bin %" PetscInt_FMT ", and its decoding at u = 0 to bin %" PetscInt_FMT, (double)edges[k], k, a, b);
  }
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* A rander48 generator (the rollouts' type) seeded with seed. */
static PetscErrorCode Rander48(unsigned long seed, PetscRandom *rnd)
{
  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, rnd));
  PetscCall(PetscRandomSetType(*rnd, PETSCRANDER48));
  PetscCall(PetscRandomSetSeed(*rnd, seed));
  PetscCall(PetscRandomSeed(*rnd));
  PetscFunctionReturn(0);
}

/* 200000 draws from a skewed distribution over 8 classes: Pearson's chi-squared statistic against the
   probabilities must stay below 26.12, the 0.1% critical value of 7 degrees of freedom. */
static PetscErrorCode ChiSquared(void)
{
  const PetscInt  q = 8, n = 200000;
  const PetscReal p[8]     = {0.30, 0.01, 0.15, 0.05, 0.20, 0.002, 0.188, 0.10};
  PetscInt        count[8] = {0};
  PetscReal       chi2     = 0;
  PetscRandom     rnd;

  PetscFunctionBegin;
  PetscCall(Rander48(17, &rnd));
  for (PetscInt t = 0; t < n; t++) {
    PetscReal u;
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    count[SNAPSCategoricalSample(q, p, u)]++;
  }
  for (PetscInt k = 0; k < q; k++) chi2 += PetscSqr(count[k] - n * p[k]) / (n * p[k]);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "sampler: chi-squared %.3f over %" PetscInt_FMT " classes (0.1%% critical value 26.12)\n", (double)chi2, q));
  PetscCheck(chi2 < 26.12, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The sampler's frequencies do not match the probabilities: chi-squared %g >= 26.12", (double)chi2);
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* SNAPSCategoricalSampleLogits: its weights e^(l_j - max l) within 1.25 ulp of libm's exp over [-708, 0] (at 4 places of
   q = 7 logits: lanes of the AVX2 form, where the CPU has it, and the plain tail, which must agree bit for bit), 0
   below -708, for -inf and for NaN, with no floating-point exception, 1 at the maximum, class q - 1 where a logit is
   NaN; and its class equal to SNAPSCategoricalSample's of the softmax for
   100000 draws from random logits (they can differ only where u falls within a few ulp of a class's edge). */
static PetscErrorCode Logits(void)
{
  const PetscInt q = 7, n = 100000, nb = 16;
  PetscReal      maxerr = 0;
  PetscRandom    rnd;

  PetscFunctionBegin;
  PetscCall(Rander48(23, &rnd));
  for (PetscInt t = 0; t < n; t++) {
    PetscReal u, x, l[7];
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    x = t < 4 ? (PetscReal[]){0, -0x1p-60, -0.34657359027997264, -708}[t] : (t % 2 ? -708 * u : -20 * u); /* also near 0 */
    for (PetscInt j = 0; j < q; j++) l[j] = j == 0 ? 0 : (j == 1 || j == 5 ? x : -1e3);
    (void)SNAPSCategoricalSampleLogits(q, l, 0.5);
    PetscCheck(l[0] == 1 && l[2] == 0 && l[6] == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The weights of logits 0 and -1000 are %g and %g, not 1 and 0", (double)l[0], (double)l[2]);
    PetscCheck(l[1] == l[5], PETSC_COMM_SELF, PETSC_ERR_PLIB, "e^%.17g is %.17g in one place of the logits and %.17g in another: the two forms of the exponential differ", (double)x, (double)l[1], (double)l[5]);
    maxerr = PetscMax(maxerr, PetscAbsReal(l[1] - PetscExpReal(x)) / PetscExpReal(x));
  }
  /* 2.2e-16 here; without the polynomial's term of degree 13 it would be 3.2e-16 */
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "logits: largest relative error of the weights %.3g (bound %.3g)\n", (double)maxerr, (double)(1.25 * PETSC_MACHINE_EPSILON)));
  PetscCheck(maxerr <= 1.25 * PETSC_MACHINE_EPSILON, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The weights' exponential is off by %g relative, more than 1.25 ulp", (double)maxerr);
  { /* weights 0 below -708 and for -inf, with no floating-point exception but inexact or underflow */
    PetscReal l[7] = {0, -708.5, -1e308, -INFINITY, -800, -708.5, -1};
    PetscInt  k;
    feclearexcept(FE_ALL_EXCEPT);
    k = SNAPSCategoricalSampleLogits(q, l, 0.5);
    PetscCheck(!fetestexcept(FE_INVALID | FE_OVERFLOW | FE_DIVBYZERO), PETSC_COMM_SELF, PETSC_ERR_PLIB, "Logits below -708 and -inf raise a floating-point exception (invalid %d, overflow %d, division by zero %d)", !!fetestexcept(FE_INVALID), !!fetestexcept(FE_OVERFLOW), !!fetestexcept(FE_DIVBYZERO));
    PetscCheck(l[1] == 0 && l[2] == 0 && l[3] == 0 && l[4] == 0 && l[5] == 0 && PetscAbsReal(l[6] - PetscExpReal(-1)) <= 1.25 * PETSC_MACHINE_EPSILON * PetscExpReal(-1) && k == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Weights %g %g %g %g %g for logits -708.5, -1e308, -inf, -800, -708.5 (0 each), %.17g for -1, and class %" PetscInt_FMT " (0)", (double)l[1], (double)l[2], (double)l[3], (double)l[4], (double)l[5], (double)l[6], k);
  }
  { /* a NaN logit (a broken head): its weight 0 and the class q - 1, as from the softmax's NaN probabilities */
    PetscReal l[7] = {0, -1, -2, NAN, -3, -1, -1}, p[7];
    PetscInt  k;
    PetscCall(PetscArraycpy(p, l, q));
    PetscCall(SNASoftmax(1, q, p, NULL));
    k = SNAPSCategoricalSampleLogits(q, l, 0.5);
    PetscCheck(l[3] == 0 && k == q - 1 && k == SNAPSCategoricalSample(q, p, 0.5), PETSC_COMM_SELF, PETSC_ERR_PLIB, "A NaN logit gets weight %g and the draw class %" PetscInt_FMT ", not 0 and %" PetscInt_FMT, (double)l[3], k, q - 1);
  }
  for (PetscInt t = 0; t < n; t++) {
    PetscReal l[16], p[16], u;
    PetscInt  a, b;
    for (PetscInt j = 0; j < nb; j++) {
      PetscCall(PetscRandomGetValueReal(rnd, &u));
      l[j] = p[j] = 6 * (u - 0.5) + (j % 5 == 0 ? 4 : 0);
    }
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    PetscCall(SNASoftmax(1, nb, p, NULL));
    a = SNAPSCategoricalSample(nb, p, u);
    b = SNAPSCategoricalSampleLogits(nb, l, u);
    PetscCheck(a == b, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Draw %" PetscInt_FMT " with u = %.17g: class %" PetscInt_FMT " from the logits, %" PetscInt_FMT " from their softmax", t, (double)u, b, a);
  }
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(RoundTrip());
  PetscCall(ChiSquared());
  PetscCall(Logits());
  PetscCall(PetscFinalize());
  return 0;
}
