static const char help[] = "Tokens of rollout surrogates: encode/decode round trip over quantile bins, and the categorical sampler's\n"
                           "empirical frequencies against the probabilities (chi-squared).\n";

#include <snaps.h>

/* x -> bin -> value: the centre lies within half a bin of x, a value drawn within the bin encodes to the same
   bin, and values beyond the outer edges go to the outer bins. */
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
  PetscCall(PetscRandomDestroy(&rnd));
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
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRANDER48));
  PetscCall(PetscRandomSetSeed(rnd, 17));
  PetscCall(PetscRandomSeed(rnd));
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

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(RoundTrip());
  PetscCall(ChiSquared());
  PetscCall(PetscFinalize());
  return 0;
}
