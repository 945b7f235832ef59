static const char help[] = "KHRONOS with node counts per input (-sna_khronos_nodes 24,3): a function that needs many nodes along one\n"
                           "input and few along the other is recovered by ALS, Levenberg-Marquardt and the auto fit (with knot\n"
                           "refinement too); the sparse normal equations equal J^T J and J^T r of the dense Jacobian; a model\n"
                           "round-trips through HDF5 bit for bit; bad counts are refused.\n"
                           "Usage: test_khronos_nodes <scratch directory>\n";

#include <snaps.h>
#include <snaps/private/khronosimpl.h>
#include <string.h>

/* f(x, y) = sin(6 pi x) (1 + 0.5 y) on [0, 1]^2: three periods along x (many nodes), linear along y (few): rank 1. */
static PetscReal F(PetscReal x, PetscReal y)
{
  return PetscSinReal(6 * PETSC_PI * x) * (1 + 0.5 * y);
}

/* n samples: a seeded uniform design, or (grid) a 41 x 5 grid. */
static PetscErrorCode Data(PetscInt n, unsigned long seed, Vec *X, Vec *Y)
{
  PetscRandom rnd;
  PetscReal  *x, *y;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, seed));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2 * n, X));
  PetscCall(VecSetBlockSize(*X, 2));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n, Y));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(PetscRandomGetValueReal(rnd, &x[2 * i]));
    PetscCall(PetscRandomGetValueReal(rnd, &x[2 * i + 1]));
    y[i] = F(x[2 * i], x[2 * i + 1]);
  }
  /* the corners, so that the data box is [0, 1]^2 */
  x[0] = x[1] = 0;
  x[2] = x[3] = 1;
  y[0]        = F(0, 0);
  y[1]        = F(1, 1);
  PetscCall(VecRestoreArray(*Y, &y));
  PetscCall(VecRestoreArray(*X, &x));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* RMS error on held-out points relative to the RMS of f. */
static PetscErrorCode HeldOutError(SNA sna, PetscReal *err)
{
  Vec       X, Y, U;
  PetscReal e, ny;

  PetscFunctionBegin;
  PetscCall(Data(500, 7, &X, &Y));
  PetscCall(VecDuplicate(Y, &U));
  PetscCall(SNAEvaluate(sna, X, U));
  PetscCall(VecAXPY(U, -1.0, Y));
  PetscCall(VecNorm(U, NORM_2, &e));
  PetscCall(VecNorm(Y, NORM_2, &ny));
  *err = e / ny;
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(VecDestroy(&U));
  PetscFunctionReturn(0);
}

static PetscErrorCode Fit(const char fittype[], const PetscInt nodes[2], PetscInt refine, SNA *sna)
{
  Vec X, Y;

  PetscFunctionBegin;
  PetscCall(Data(1500, 1, &X, &Y));
  PetscCall(SNACreate(PETSC_COMM_SELF, sna));
  PetscCall(SNAKhronosSetBasis(*sna, 3, nodes[0], 2));
  PetscCall(SNAKhronosSetNodes(*sna, 2, nodes));
  PetscCall(SNAKhronosSetRefinement(*sna, refine, PETSC_FALSE));
  PetscCall(SNASetFitType(*sna, fittype));
  PetscCall(SNASetRegularization(*sna, 1e-12));
  PetscCall(SNASetTolerances(*sna, 0, 1e-12, 200));
  PetscCall(SNASetFromOptions(*sna));
  PetscCall(SNAFit(*sna, X, Y));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* Many nodes along x, few along y: the fit recovers f, with the parameter count of those nodes; a single count of
   the y input's size cannot. */
static PetscErrorCode CheckRecovery(const char fittype[], PetscInt refine)
{
  const PetscInt  nodes[2] = {refine ? 15 : 27, 4}, few[2] = {4, 4};
  SNA             sna;
  SNA_Khronos    *kh;
  PetscReal       err, err_few;
  PetscInt        np, n, got[2];
  const PetscInt *g;

  PetscFunctionBegin;
  PetscCall(Fit(fittype, nodes, refine, &sna));
  PetscCall(HeldOutError(sna, &err));
  PetscCall(SNAKhronosGetNodes(sna, &n, &g));
  got[0] = g[0];
  got[1] = g[n - 1]; /* the SNA owns g */
  kh     = (SNA_Khronos *)sna->data;
  PetscCall(SNAGetNumParameters(sna, &np));
  PetscCheck(n == 2 && got[0] == (refine ? 2 * (15 - 3) + 3 : 27) && got[1] == (refine ? 2 * (4 - 3) + 3 : 4), PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: node counts %" PetscInt_FMT ",%" PetscInt_FMT " after the fit", fittype, got[0], got[1]);
  PetscCheck(np == (got[0] + got[1]) * kh->modes + kh->modes, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: %" PetscInt_FMT " parameters, expected (%" PetscInt_FMT " + %" PetscInt_FMT ") x %" PetscInt_FMT " modes + the head", fittype, np, got[0], got[1], kh->modes);
  PetscCheck(err < 2e-3, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s (refine %" PetscInt_FMT "): nodes %" PetscInt_FMT ",%" PetscInt_FMT ": held-out relative error %g, expected < 2e-3", fittype, refine, nodes[0], nodes[1], (double)err);
  PetscCall(SNADestroy(&sna));
  PetscCall(Fit(fittype, few, 0, &sna));
  PetscCall(HeldOutError(sna, &err_few));
  PetscCheck(err_few > 0.1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: 4 nodes along x should not resolve three periods (error %g)", fittype, (double)err_few);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s (refine %" PetscInt_FMT "): nodes %" PetscInt_FMT ",%" PetscInt_FMT " recover f (held-out error %.1e; 4,4: %.2f), %" PetscInt_FMT " parameters\n", fittype, refine, got[0], got[1], (double)err, (double)err_few, np));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* The sparse Gauss-Newton normal equations (spans grouped per input, blocks at start[p]) against J^T J and J^T r of
   the dense Jacobian rows, on a model of three inputs with different node counts. */
static PetscErrorCode CheckNormalEquations(void)
{
  const PetscInt  nodes[3] = {7, 4, 5}, n = 60, q = 2;
  const PetscReal lo[3] = {0, 0, 0}, hi[3] = {1, 1, 1};
  SNA             sna;
  PetscRandom     rnd;
  PetscReal      *x, *y, *r, *J, *JtJ, *Jtr, sse = 0, worst = 0, scale = 0;
  PetscInt        P;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetSizes(sna, 3, q));
  PetscCall(SNAKhronosSetBasis(sna, 2, 4, 3));
  PetscCall(SNAKhronosSetNodes(sna, 3, nodes));
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(SNASetUp(sna));
  PetscCall(SNAGetNumParameters(sna, &P));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscMalloc6(3 * n, &x, q * n, &y, q * n, &r, q * n * P, &J, P * P, &JtJ, P, &Jtr));
  for (PetscInt i = 0; i < 3 * n; i++) PetscCall(PetscRandomGetValueReal(rnd, &x[i]));
  for (PetscInt i = 0; i < q * n; i++) PetscCall(PetscRandomGetValueReal(rnd, &y[i]));
  PetscCall(PetscArrayzero(JtJ, P * P));
  PetscCall(PetscArrayzero(Jtr, P));
  PetscCall((*sna->ops->normalequationslocal)(sna, n, x, y, &sse, JtJ, Jtr));
  PetscCall((*sna->ops->residualjacobianlocal)(sna, n, x, y, r, J));
  for (PetscInt a = 0; a < P; a++) {
    PetscReal g = 0;

    for (PetscInt i = 0; i < q * n; i++) g += J[i * P + a] * r[i];
    worst = PetscMax(worst, PetscAbsReal(g - Jtr[a]));
    scale = PetscMax(scale, PetscAbsReal(g));
    for (PetscInt b = a; b < P; b++) {
      PetscReal h = 0;

      for (PetscInt i = 0; i < q * n; i++) h += J[i * P + a] * J[i * P + b];
      worst = PetscMax(worst, PetscAbsReal(h - JtJ[a * P + b]));
      scale = PetscMax(scale, PetscAbsReal(h));
    }
  }
  PetscCheck(worst <= 1e-12 * scale, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Normal equations with nodes 7,4,5 differ from the dense J^T J, J^T r by %g (scale %g)", (double)worst, (double)scale);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "normal equations with nodes 7,4,5: equal to the dense ones (%.1e)\n", (double)(worst / scale)));
  PetscCall(PetscFree6(x, y, r, J, JtJ, Jtr));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* Saved and loaded, a model with node counts 27,4 (refined once: 51,5) is the same bit for bit. */
static PetscErrorCode CheckRoundTrip(const char dir[])
{
  const PetscInt nodes[2] = {15, 4};
  char           file[PETSC_MAX_PATH_LEN];
  SNA            a, b;
  SNA_Khronos   *ka, *kb;
  Vec            X, Y, U, V;
  PetscBool      eq;

  PetscFunctionBegin;
  PetscCall(Fit("als", nodes, 1, &a));
  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/nodes_per_input.h5", dir));
  PetscCall(SNASave(a, file));
  PetscCall(SNACreate(PETSC_COMM_SELF, &b));
  PetscCall(SNALoad(b, file));
  ka = (SNA_Khronos *)a->data;
  kb = (SNA_Khronos *)b->data;
  PetscCheck(ka->nnodes == 2 && kb->nnodes == 2 && !memcmp(ka->nodes, kb->nodes, 2 * sizeof(PetscInt)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "Node counts differ after the round trip: %" PetscInt_FMT ",%" PetscInt_FMT " loaded as %" PetscInt_FMT ",%" PetscInt_FMT, ka->nodes[0], ka->nodes[1], kb->nodes[0], kb->nodes[kb->nnodes - 1]);
  PetscCheck(a->nparams == b->nparams && !memcmp(ka->W, kb->W, ka->start[2] * ka->modes * sizeof(PetscReal)) && !memcmp(ka->C, kb->C, ka->modes * sizeof(PetscReal)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "Coefficients differ after the round trip");
  for (PetscInt p = 0; p < 2; p++) PetscCheck(ka->basis[p].nknots == kb->basis[p].nknots && !memcmp(ka->basis[p].knots, kb->basis[p].knots, ka->basis[p].nknots * sizeof(PetscReal)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "Knots of input %" PetscInt_FMT " differ after the round trip", p);
  PetscCall(Data(200, 9, &X, &Y));
  PetscCall(VecDuplicate(Y, &U));
  PetscCall(VecDuplicate(Y, &V));
  PetscCall(SNAEvaluate(a, X, U));
  PetscCall(SNAEvaluate(b, X, V));
  PetscCall(VecEqual(U, V, &eq));
  PetscCheck(eq, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The loaded model with node counts per input predicts differently");
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "round trip of nodes %" PetscInt_FMT ",%" PetscInt_FMT ": bit for bit\n", kb->nodes[0], kb->nodes[1]));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&V));
  PetscCall(SNADestroy(&a));
  PetscCall(SNADestroy(&b));
  PetscFunctionReturn(0);
}

/* Bad counts are errors: too few for the degree, more values than inputs, none; a model with different counts has no
   single count (SNAKhronosGetBasis). */
static PetscErrorCode CheckBad(void)
{
  const PetscInt bad_degree[2] = {8, 2}, three[3] = {5, 5, 5}, ok[2] = {8, 4};
  SNA            sna;
  PetscInt       G;
  PetscErrorCode e[4];

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetSizes(sna, 2, 1));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  e[0] = SNAKhronosSetNodes(sna, 2, bad_degree);
  e[1] = SNAKhronosSetNodes(sna, 3, three);
  e[2] = SNAKhronosSetNodes(sna, 0, three);
  PetscCall(PetscPopErrorHandler());
  PetscCall(SNAKhronosSetNodes(sna, 2, ok));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  e[3] = SNAKhronosGetBasis(sna, NULL, &G, NULL);
  PetscCall(PetscPopErrorHandler());
  for (PetscInt i = 0; i < 4; i++) PetscCheck(e[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "Bad node counts (case %" PetscInt_FMT ") were accepted", i);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "bad node counts refused\n"));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCheck(argc >= 2, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Usage: test_khronos_nodes <scratch directory>");
  PetscCall(CheckRecovery("als", 0));
  PetscCall(CheckRecovery("lm", 0));
  PetscCall(CheckRecovery("auto", 1));
  PetscCall(CheckNormalEquations());
  PetscCall(CheckRoundTrip(argv[1]));
  PetscCall(CheckBad());
  PetscCall(PetscFinalize());
  return 0;
}
