static const char help[] = "KHRONOS Ritz-energy fit (SNASetRitzForm): a 2-D problem whose discrete solution has rank 2 against the direct\n"
                           "tensor solve, a 3-D manufactured solution to discretisation error, an honest DIVERGED_ITS at the\n"
                           "sweep budget, the same model on every rank, a non-finite form refused without a leak (run with -malloc_debug), and\n"
                           "the data fits' lambda and atol refused.\n";

#include <snaps.h>
#include <petscdt.h>
#include <petscmat.h>

/* The 1-D matrices of degree k, G functions on [a, b], d copies each (K[(p*G + g)*G + h], M likewise). */
static PetscErrorCode Matrices(PetscInt d, PetscInt k, PetscInt G, PetscReal a, PetscReal b, SNABSpline *bs, PetscReal **K, PetscReal **M)
{
  PetscFunctionBegin;
  PetscCall(SNABSplineCreateUniform(k, G, a, b, bs));
  PetscCall(PetscMalloc2(d * G * G, K, d * G * G, M));
  PetscCall(SNABSplineMassStiffness(bs, *M, *K));
  for (PetscInt p = 1; p < d; p++) {
    PetscCall(PetscArraycpy(*K + p * G * G, *K, G * G));
    PetscCall(PetscArraycpy(*M + p * G * G, *M, G * G));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Model(PetscInt d, PetscInt k, PetscInt G, PetscInt modes, PetscReal a, PetscReal b, PetscReal rtol, PetscInt max_it, SNA *sna)
{
  PetscReal lo[3] = {a, a, a}, hi[3] = {b, b, b};

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_WORLD, sna));
  PetscCall(SNASetType(*sna, SNAKHRONOS));
  PetscCall(SNASetSizes(*sna, d, 1));
  PetscCall(SNASetBounds(*sna, lo, hi));
  PetscCall(SNAKhronosSetBasis(*sna, k, G, modes));
  PetscCall(SNASetTolerances(*sna, 0.0, rtol, max_it));
  PetscCall(SNASetFromOptions(*sna));
  PetscFunctionReturn(0);
}

/* y = A x for a G x G row-major A. */
static void MatVec(PetscInt G, const PetscReal A[], const PetscReal x[], PetscReal y[])
{
  for (PetscInt g = 0; g < G; g++) {
    y[g] = 0;
    for (PetscInt h = 0; h < G; h++) y[g] += A[g * G + h] * x[h];
  }
}

/* Fails unless every rank holds the same parameters (the Ritz solve is redundant: no rank may drift). */
static PetscErrorCode CheckSameOnEveryRank(SNA sna)
{
  PetscInt   np;
  PetscReal *theta, *lo, *hi;

  PetscFunctionBegin;
  PetscCall(SNAGetNumParameters(sna, &np));
  PetscCall(PetscMalloc3(np, &theta, np, &lo, np, &hi));
  PetscCall(SNAGetParameters(sna, theta));
  PetscCall(MPIU_Allreduce(theta, lo, np, MPIU_REAL, MPIU_MIN, PETSC_COMM_WORLD));
  PetscCall(MPIU_Allreduce(theta, hi, np, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  for (PetscInt i = 0; i < np; i++) PetscCheck(lo[i] == hi[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "Parameter %" PetscInt_FMT " differs between ranks: %.17g vs %.17g", i, (double)lo[i], (double)hi[i]);
  PetscCall(PetscFree3(theta, lo, hi));
  PetscFunctionReturn(0);
}

/* 2-D, homogeneous Dirichlet: the source l(v) = a(u*, v) of u* = a1 (x) b1 + a2 (x) b2 (interior coefficients),
   four separable terms K a (x) M b and M a (x) K b. The Ritz fit with maxmodes modes allowed must keep 2 and
   reproduce the direct solve of (K (x) M + M (x) K) U = F on the whole tensor space to coefficients to utol
   relative and the energy to 1e-12. */
static PetscErrorCode CheckTensor2D(PetscInt maxmodes, PetscReal rtol, PetscReal utol, PetscReal fscale)
{
  const PetscInt     d = 2, k = 3, G = 12, n = G - 2, N = n * n;
  SNABSpline         bs;
  SNA                sna;
  PetscReal         *K, *M, *F, *A, *U, *Ufit, *theta, J, Jstar = 0, err = 0, umax = 0, ab[2][2][12];
  PetscInt           modes, np;
  Mat                T;
  Vec                rhs, sol;
  SNAConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(Matrices(d, k, G, 0, 1, &bs, &K, &M));
  for (PetscInt t = 0; t < 2; t++) /* full-basis factors, zero at both ends */
    for (PetscInt p = 0; p < 2; p++)
      for (PetscInt g = 0; g < G; g++) ab[t][p][g] = (g == 0 || g == G - 1) ? 0 : (PetscSinReal(0.3 * (g + 1) * (t + 1) + p) + 0.2 * (t + p + 1)) * (p == 0 ? fscale : 1);
  PetscCall(PetscCalloc1(4 * d * G, &F));
  for (PetscInt t = 0; t < 2; t++) {
    PetscReal *f = F + 2 * t * d * G; /* terms 2t (K a (x) M b) and 2t + 1 (M a (x) K b) */
    MatVec(G, K, ab[t][0], f);
    MatVec(G, M, ab[t][1], f + G);
    MatVec(G, M, ab[t][0], f + 2 * G);
    MatVec(G, K, ab[t][1], f + 3 * G);
  }
  /* the direct tensor solve: A = Ki (x) Mi + Mi (x) Ki, U[i*n + j] the coefficient of B_{i+1}(x) B_{j+1}(y) */
  PetscCall(PetscMalloc3(N * N, &A, N, &U, N, &Ufit));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) {
      U[i * n + j] = 0;
      for (PetscInt s = 0; s < 4; s++) U[i * n + j] += F[(s * d) * G + i + 1] * F[(s * d + 1) * G + j + 1];
      for (PetscInt i2 = 0; i2 < n; i2++)
        for (PetscInt j2 = 0; j2 < n; j2++) A[(i * n + j) * N + i2 * n + j2] = K[(i + 1) * G + i2 + 1] * M[(j + 1) * G + j2 + 1] + M[(i + 1) * G + i2 + 1] * K[(j + 1) * G + j2 + 1];
    }
  for (PetscInt i = 0; i < N; i++) Jstar -= 0.5 * U[i] * (ab[0][0][i / n + 1] * ab[0][1][i % n + 1] + ab[1][0][i / n + 1] * ab[1][1][i % n + 1]);
  /* A is symmetric, so its row-major array is the column-major one a dense Mat holds */
  PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, N, N, A, &T));
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, N, U, &rhs));
  PetscCall(VecDuplicate(rhs, &sol));
  PetscCall(MatLUFactor(T, NULL, NULL, NULL));
  PetscCall(MatSolve(T, rhs, sol));
  PetscCall(VecGetArrayRead(sol, (const PetscReal **)&theta));
  PetscCall(PetscArraycpy(U, theta, N));
  PetscCall(VecRestoreArrayRead(sol, (const PetscReal **)&theta));
  PetscCall(VecDestroy(&rhs));
  PetscCall(VecDestroy(&sol));
  PetscCall(MatDestroy(&T));

  PetscCall(Model(d, k, G, maxmodes, 0, 1, rtol, 200, &sna));
  PetscCall(SNASetRitzForm(sna, K, M, 4, F, PETSC_TRUE));
  PetscCall(SNAFit(sna, NULL, NULL));
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCall(SNAKhronosGetBasis(sna, NULL, NULL, &modes));
  PetscCall(SNAGetObjectiveValue(sna, &J));
  PetscCall(SNAGetNumParameters(sna, &np));
  PetscCall(PetscMalloc1(np, &theta));
  PetscCall(SNAGetParameters(sna, theta));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) {
      Ufit[i * n + j] = 0;
      for (PetscInt m = 0; m < modes; m++) Ufit[i * n + j] += theta[d * G * modes + m] * theta[(i + 1) * modes + m] * theta[(G + j + 1) * modes + m];
      err  = PetscMax(err, PetscAbsReal(Ufit[i * n + j] - U[i * n + j]));
      umax = PetscMax(umax, PetscAbsReal(U[i * n + j]));
    }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "2-D, -sna_fit_rtol %g: %s, %" PetscInt_FMT " modes, max |U_ritz - U_tensor| / max |U| = %.2e, J = %.15g (J* = %.15g)\n", (double)rtol, SNAConvergedReasons[reason], modes, (double)(err / umax), (double)J, (double)Jstar));
  PetscCheck(reason == SNA_CONVERGED_RTOL, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The 2-D Ritz fit ended %s, not CONVERGED_RTOL", SNAConvergedReasons[reason]);
  PetscCheck(modes == 2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The discrete solution has rank 2, the fit kept %" PetscInt_FMT " modes", modes);
  PetscCheck(err <= utol * umax, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The Ritz fit differs from the tensor solve by %g relative, more than %g", (double)(err / umax), (double)utol);
  PetscCheck(PetscAbsReal(J - Jstar) <= 1e-12 * PetscAbsReal(Jstar), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Ritz energy %.15g, the discrete solution's is %.15g", (double)J, (double)Jstar);
  PetscCall(CheckSameOnEveryRank(sna));
  PetscCall(PetscFree(theta));
  PetscCall(PetscFree3(A, U, Ufit));
  PetscCall(PetscFree(F));
  PetscCall(PetscFree2(K, M));
  PetscCall(SNABSplineDestroy(&bs));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* 3-D on [0,1]^3: -Laplace(u) = 3 pi^2 u, u = sin(pi x) sin(pi y) sin(pi z), zero on the boundary. Returns the
   largest error at 64 points and the fit's reason, with G nodes and a budget of max_it sweeps per stage. */
static PetscErrorCode Solve3D(PetscInt G, PetscInt max_it, PetscReal *maxerr, SNAConvergedReason *reason)
{
  const PetscInt d = 3, k = 3, nint = G - k, nq = k + 2, npts = 64;
  SNABSpline     bs;
  SNA            sna;
  PetscReal     *K, *M, *F, gx[8], gw[8], vals[8], *x, *u;
  PetscRandom    rnd;
  Vec            X, Y;

  PetscFunctionBegin;
  PetscCall(Matrices(d, k, G, 0, 1, &bs, &K, &M));
  PetscCall(PetscCalloc1(d * G, &F)); /* one separable term: 3 pi^2 (sin, B_g) (sin, B_h) (sin, B_l) */
  PetscCall(PetscDTGaussQuadrature(nq, 0.0, 1.0, gx, gw));
  for (PetscInt e = 0; e < nint; e++) {
    const PetscReal lo = bs.knots[k + e], h = bs.knots[k + e + 1] - lo;
    for (PetscInt i = 0; i < nq; i++) {
      const PetscReal xq = lo + h * gx[i];
      PetscInt        first;
      PetscCall(SNABSplineEvaluate(&bs, xq, &first, vals));
      for (PetscInt j = 0; j <= k; j++) F[first + j] += h * gw[i] * PetscSinReal(PETSC_PI * xq) * vals[j];
    }
  }
  for (PetscInt p = 1; p < d; p++) PetscCall(PetscArraycpy(F + p * G, F, G));
  for (PetscInt g = 0; g < G; g++) F[g] *= 3 * PETSC_PI * PETSC_PI;

  PetscCall(Model(d, k, G, 2, 0, 1, 1e-10, max_it, &sna));
  PetscCall(SNASetRitzForm(sna, K, M, 1, F, PETSC_TRUE));
  PetscCall(SNAFit(sna, NULL, NULL));
  PetscCall(SNAGetConvergedReason(sna, reason));
  PetscCall(CheckSameOnEveryRank(sna));
  /* every rank evaluates the same points */
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, npts * d, PETSC_DETERMINE, &X));
  PetscCall(VecSetBlockSize(X, d));
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, npts, PETSC_DETERMINE, &Y));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 11));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecGetArray(X, &x));
  for (PetscInt i = 0; i < npts * d; i++) PetscCall(PetscRandomGetValueReal(rnd, &x[i]));
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(SNAEvaluate(sna, X, Y));
  PetscCall(VecGetArray(X, &x));
  PetscCall(VecGetArray(Y, &u));
  *maxerr = 0;
  for (PetscInt i = 0; i < npts; i++) *maxerr = PetscMax(*maxerr, PetscAbsReal(u[i] - PetscSinReal(PETSC_PI * x[3 * i]) * PetscSinReal(PETSC_PI * x[3 * i + 1]) * PetscSinReal(PETSC_PI * x[3 * i + 2])));
  PetscCall(VecRestoreArray(Y, &u));
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, maxerr, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(PetscFree(F));
  PetscCall(PetscFree2(K, M));
  PetscCall(SNABSplineDestroy(&bs));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* The 3-D error is the discretisation's: cubic splines gain ~2^4 per halving of h (G 10 -> 17: 7 -> 14 intervals);
   a budget of one sweep per stage is reported as DIVERGED_ITS, not as convergence. */
static PetscErrorCode CheckManufactured3D(void)
{
  PetscReal          e1, e2, e0;
  SNAConvergedReason r1, r2, r0;

  PetscFunctionBegin;
  PetscCall(Solve3D(10, 100, &e1, &r1));
  PetscCall(Solve3D(17, 100, &e2, &r2));
  PetscCall(Solve3D(10, 1, &e0, &r0));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "3-D: G 10: %s, max error %.3e; G 17: %s, max error %.3e (ratio %.1f); G 10, 1 sweep: %s, max error %.3e\n", SNAConvergedReasons[r1], (double)e1, SNAConvergedReasons[r2], (double)e2, (double)(e1 / e2), SNAConvergedReasons[r0], (double)e0));
  PetscCheck(r1 == SNA_CONVERGED_RTOL && r2 == SNA_CONVERGED_RTOL, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The 3-D Ritz fits ended %s and %s, not CONVERGED_RTOL", SNAConvergedReasons[r1], SNAConvergedReasons[r2]);
  PetscCheck(e1 < 1e-3 && e1 / e2 > 8, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The 3-D errors %g (G 10) and %g (G 17) are not the discretisation's (O(h^4))", (double)e1, (double)e2);
  PetscCheck(r0 == SNA_DIVERGED_ITS, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "A fit stopped by -sna_fit_max_it 1 reported %s, not DIVERGED_ITS", SNAConvergedReasons[r0]);
  PetscFunctionReturn(0);
}

/* A form with a non-finite entry is refused before anything is allocated: the memory in use (traced with
   -malloc_debug, which the test runs with) is the same after the error as before. */
static PetscErrorCode CheckRefusedFormLeaksNothing(void)
{
  SNA            sna;
  SNABSpline     bs;
  PetscReal     *K, *M;
  PetscLogDouble before, after;
  PetscErrorCode ierr;
  const PetscInt G = 6;

  PetscFunctionBegin;
  PetscCall(Model(2, 2, G, 1, 0, 1, 1e-10, 10, &sna));
  PetscCall(Matrices(2, 2, G, 0, 1, &bs, &K, &M));
  K[3] = (PetscReal)NAN; /* PETSC_INFINITY is finite (PETSC_MAX_REAL / 4) */
  PetscCall(PetscMallocGetCurrentUsage(&before));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNASetRitzForm(sna, K, M, 0, NULL, PETSC_TRUE);
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscMallocGetCurrentUsage(&after));
  PetscCheck(ierr == PETSC_ERR_FP, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "A Ritz form with a NaN entry should be refused (PETSC_ERR_FP), not give %d", (int)ierr);
  PetscCheck(after == before, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The refused Ritz form left %g bytes allocated", (double)(after - before));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "a non-finite Ritz form is refused and leaks nothing\n"));
  PetscCall(PetscFree2(K, M));
  PetscCall(SNABSplineDestroy(&bs));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* The data fits' Tikhonov weight (given, even the default's value) and a nonzero -sna_fit_atol have no use in the Ritz
   fit: refused (PETSC_ERR_ARG_INCOMP), not ignored; the same fit without them runs. */
static PetscErrorCode CheckDataSettingsRefused(void)
{
  SNA            sna;
  SNABSpline     bs;
  PetscReal     *K, *M;
  PetscErrorCode ierr[2];
  const PetscInt G = 6;

  PetscFunctionBegin;
  PetscCall(Matrices(2, 2, G, 0, 1, &bs, &K, &M));
  for (PetscInt c = 0; c < 3; c++) {
    PetscCall(Model(2, 2, G, 1, 0, 1, 1e-10, 10, &sna));
    PetscCall(SNASetRitzForm(sna, K, M, 0, NULL, PETSC_TRUE));
    if (c == 0) PetscCall(SNASetRegularization(sna, 1e-12));
    if (c == 1) PetscCall(SNASetTolerances(sna, 1e-3, 1e-10, 10));
    if (c < 2) {
      const char *want = c ? "-sna_fit_atol 0.001 stops a data fit" : "-sna_fit_lambda 1e-12 (the option or SNASetRegularization())";
      char       *msg  = NULL;

      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      ierr[c] = SNAFit(sna, NULL, NULL);
      PetscCall(PetscPopErrorHandler());
      if (ierr[c]) PetscCall(PetscErrorMessage(ierr[c], NULL, &msg));
      PetscCheck(ierr[c] && msg && strstr(msg, want), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The Ritz fit's refusal should say '%s', not '%s'", want, msg ? msg : "(no error)");
    } else
      PetscCall(SNAFit(sna, NULL, NULL));
    PetscCall(SNADestroy(&sna));
  }
  PetscCheck(ierr[0] == PETSC_ERR_ARG_INCOMP && ierr[1] == PETSC_ERR_ARG_INCOMP, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The Ritz fit should refuse a given lambda and a nonzero atol (PETSC_ERR_ARG_INCOMP), not give %d and %d", (int)ierr[0], (int)ierr[1]);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "the Ritz fit refuses a given lambda and a nonzero atol\n"));
  PetscCall(PetscFree2(K, M));
  PetscCall(SNABSplineDestroy(&bs));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  /* the default tolerance: the third mode gains nothing and is dropped; a sweep stops below 1e-13 |J| of
     decrease, 1/2 a(du, du), so the coefficients agree to about sqrt(1e-13) */
  PetscCall(CheckTensor2D(3, 1e-10, 1e-6, 1));
  /* the source 1e-4 times smaller (J 1e-8 times): the same relative accuracy, the stops being relative to |J| (with
     the sweep's stop absolute, mutation audit s25, the fit stopped early and every Ritz test passed) */
  PetscCall(CheckTensor2D(3, 1e-10, 1e-6, 1e-4));
  /* a tolerance far below the rounding of J (the decrease is summed from the block updates, not J's differences):
     the coefficients to 1e-10 */
  PetscCall(CheckTensor2D(2, 1e-22, 1e-10, 1));
  PetscCall(CheckManufactured3D());
  PetscCall(CheckRefusedFormLeaksNothing());
  PetscCall(CheckDataSettingsRefused());
  PetscCall(PetscFinalize());
  return 0;
}
