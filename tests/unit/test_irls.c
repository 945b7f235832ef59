static const char help[] = "KHRONOS categorical head fitted by cross-entropy (-sna_loss cross_entropy, fit irls): labels drawn from a\n"
                           "known conditional distribution p(class | x) of 2 inputs are fitted, and the model's probabilities must\n"
                           "recover the true ones; the loss survives a save and load, with its fit (irls); back to the MSE loss the\n"
                           "fit is the type's natural one (auto), unless chosen. A second fit of the loaded model starts from it (a warm start;\n"
                           "irls restarted from the uniform distribution), and SNAComputeLogitScores() gives the cross-entropy and\n"
                           "the accuracy of its logits.\n";

#include <snaps.h>
#include <snaps/private/khronosimpl.h>

#define NCLASS 4

/* The true logits: rank 4 in the separable sense (1, sin(pi x0), x1, x0 x1). */
static void TrueProbabilities(const PetscReal x[], PetscReal p[])
{
  PetscReal u[NCLASS] = {0, 1.5 * PetscSinReal(PETSC_PI * x[0]), 2 * x[1], 2 * x[0] * x[1] - 0.5}, s = 0;

  for (int j = 0; j < NCLASS; j++) s += (p[j] = PetscExpReal(u[j]));
  for (int j = 0; j < NCLASS; j++) p[j] /= s;
}

/* N samples x uniform in [-1, 1]^2 and one-hot labels drawn from the true distribution. */
static PetscErrorCode MakeData(PetscInt N, Vec *X, Vec *Y)
{
  PetscRandom rnd;
  PetscReal  *x, *y;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 11));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2 * N, X));
  PetscCall(VecSetBlockSize(*X, 2));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, NCLASS * N, Y));
  PetscCall(VecSetBlockSize(*Y, NCLASS));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt i = 0; i < N; i++) {
    PetscReal p[NCLASS], r, c = 0;
    int       k = 0;
    for (int a = 0; a < 2; a++) {
      PetscCall(PetscRandomGetValueReal(rnd, &r));
      x[2 * i + a] = 2 * r - 1;
    }
    TrueProbabilities(x + 2 * i, p);
    PetscCall(PetscRandomGetValueReal(rnd, &r));
    for (c = p[0]; k < NCLASS - 1 && r > c; c += p[++k]) {}
    for (int j = 0; j < NCLASS; j++) y[NCLASS * i + j] = j == k;
  }
  PetscCall(VecRestoreArray(*Y, &y));
  PetscCall(VecRestoreArray(*X, &x));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* Largest difference between model and true probabilities on a 21 x 21 grid of [-0.9, 0.9]^2 (at the edges
   of the box the samples thin out and the clamped splines are less determined). */
static PetscErrorCode MaxError(SNA sna, PetscReal *err)
{
  Vec        X, U;
  PetscReal *x, *u;
  PetscInt   n = 21;

  PetscFunctionBegin;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2 * n * n, &X));
  PetscCall(VecSetBlockSize(X, 2));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, NCLASS * n * n, &U));
  PetscCall(VecSetBlockSize(U, NCLASS));
  PetscCall(VecGetArray(X, &x));
  for (PetscInt i = 0; i < n * n; i++) {
    x[2 * i]     = -0.9 + 1.8 * (i / n) / (n - 1);
    x[2 * i + 1] = -0.9 + 1.8 * (i % n) / (n - 1);
  }
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(SNAEvaluate(sna, X, U));
  PetscCall(VecGetArray(U, &u));
  PetscCall(VecGetArray(X, &x));
  PetscCall(SNASoftmax(n * n, NCLASS, u, NULL));
  *err = 0;
  for (PetscInt i = 0; i < n * n; i++) {
    PetscReal p[NCLASS];
    TrueProbabilities(x + 2 * i, p);
    for (int j = 0; j < NCLASS; j++) *err = PetscMax(*err, PetscAbsReal(u[NCLASS * i + j] - p[j]));
  }
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(VecRestoreArray(U, &u));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&U));
  PetscFunctionReturn(0);
}

/* Back to the MSE, the fit is the type's natural one again (auto), unless the user chose one (kept throughout). */
static PetscErrorCode CheckLossSwitch(void)
{
  SNA        sna;
  SNAFitType fit;
  PetscBool  same;

  PetscFunctionBegin;
  for (PetscInt chosen = 0; chosen < 2; chosen++) {
    PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
    if (chosen) PetscCall(SNASetFitType(sna, SNAFITLM));
    PetscCall(SNASetLossType(sna, SNA_LOSS_CROSS_ENTROPY));
    PetscCall(SNAGetFitType(sna, &fit));
    PetscCall(PetscStrcmp(fit, chosen ? SNAFITLM : SNAFITIRLS, &same));
    PetscCheck(same, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The cross-entropy loss gave fit type %s (the fit %s chosen)", fit, chosen ? "was" : "was not");
    PetscCall(SNASetLossType(sna, SNA_LOSS_MSE));
    PetscCall(SNAGetFitType(sna, &fit));
    PetscCall(PetscStrcmp(fit, chosen ? SNAFITLM : SNAFITAUTO, &same));
    PetscCheck(same, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Back to the MSE loss, the fit type is %s, not %s", fit, chosen ? SNAFITLM : SNAFITAUTO);
    PetscCall(SNADestroy(&sna));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "back to the MSE loss, the fit is auto again (lm when chosen)\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  SNA                sna, back;
  SNAFitType         fit;
  PetscBool          same;
  Vec                X, Y;
  PetscReal          lo[2] = {-1, -1}, hi[2] = {1, 1}, err = 0, ce0, ce, ce_back;
  SNAConvergedReason reason;
  SNALossType        loss;
  char               dir[PETSC_MAX_PATH_LEN] = ".", file[PETSC_MAX_PATH_LEN];

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dir", dir, sizeof(dir), NULL));
  PetscCall(PetscMkdir(dir));
  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/irls.h5", dir));
  PetscCall(MakeData(40000, &X, &Y));
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetSizes(sna, 2, NCLASS));
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(SNAKhronosSetBasis(sna, 3, 6, 6));
  PetscCall(SNASetLossType(sna, SNA_LOSS_CROSS_ENTROPY));
  PetscCall(SNASetTolerances(sna, 0, 1e-6, 100));
  PetscCall(SNASetRegularization(sna, 1e-8));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNASetUp(sna));
  PetscCall(SNAFit(sna, X, Y));
  /* irls starts at spread 0.1 when the user chose none, without writing it into the model (its view, its refits) */
  PetscCheck(((SNA_Khronos *)sna->data)->init_spread == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The irls fit wrote its start's spread %g into the model, whose spread was not chosen (0)", (double)((SNA_Khronos *)sna->data)->init_spread);
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCall(SNAComputeCrossEntropy(sna, X, Y, &ce));
  PetscCall(MaxError(sna, &err));
  ce0 = PetscLogReal((PetscReal)NCLASS);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "irls: %s, cross-entropy %.5f (uniform %.5f), largest probability error %.4f\n", SNAConvergedReasons[reason], (double)ce, (double)ce0, (double)err));
  PetscCheck(reason > 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The cross-entropy fit did not converge: %s", SNAConvergedReasons[reason]);
  /* 40000 labels: the sampling error of a probability is about 0.01 (measured: 0.031) */
  PetscCheck(err < 0.045, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The fitted probabilities differ from the true ones by %g (>= 0.045)", (double)err);
  PetscCall(SNASave(sna, file));
  PetscCall(SNACreate(PETSC_COMM_SELF, &back));
  PetscCall(SNALoad(back, file));
  PetscCall(SNAGetLossType(back, &loss));
  PetscCheck(loss == SNA_LOSS_CROSS_ENTROPY, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The loaded model lost its cross-entropy loss");
  /* its loss's fit, as SNASetLossType() gives it: a refit must not minimise the MSE of the logits (auto) */
  PetscCall(SNAGetFitType(back, &fit));
  PetscCall(PetscStrcmp(fit, SNAFITIRLS, &same));
  PetscCheck(same, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The loaded cross-entropy model has fit type %s, not irls", fit);
  PetscCall(SNAComputeCrossEntropy(back, X, Y, &ce_back));
  PetscCheck(ce_back == ce, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The loaded model gives cross-entropy %.17g, not %.17g", (double)ce_back, (double)ce);
  { /* the logits' scores, against a count here; then one more sweep from the loaded model, which starts there */
    Vec              U;
    const PetscReal *u, *y;
    PetscReal        ce_scores, acc, hits = 0;
    PetscInt         n;

    PetscCall(VecDuplicate(Y, &U));
    PetscCall(SNAEvaluate(back, X, U));
    PetscCall(SNAComputeLogitScores(U, Y, &ce_scores, &acc));
    PetscCall(VecGetLocalSize(Y, &n));
    PetscCall(VecGetArrayRead(U, &u));
    PetscCall(VecGetArrayRead(Y, &y));
    for (PetscInt i = 0; i < n / NCLASS; i++) {
      PetscInt ju = 0, jy = 0;
      for (PetscInt j = 1; j < NCLASS; j++) {
        if (u[i * NCLASS + j] > u[i * NCLASS + ju]) ju = j;
        if (y[i * NCLASS + j] > y[i * NCLASS + jy]) jy = j;
      }
      hits += ju == jy;
    }
    PetscCall(VecRestoreArrayRead(Y, &y));
    PetscCall(VecRestoreArrayRead(U, &u));
    PetscCall(VecDestroy(&U));
    PetscCheck(ce_scores == ce && acc == hits / (n / NCLASS), PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNAComputeLogitScores(): cross-entropy %.17g (SNAComputeCrossEntropy(): %.17g), accuracy %g (counted: %g)", (double)ce_scores, (double)ce, (double)acc, (double)(hits / (n / NCLASS)));
    PetscCall(SNASetTolerances(back, 0, 1e-6, 1));
    PetscCall(SNAFit(back, X, Y));
    PetscCall(SNAComputeCrossEntropy(back, X, Y, &ce_back));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "accuracy %.4f; one more sweep from the loaded model: cross-entropy %.8f (loaded %.8f)\n", (double)acc, (double)ce_back, (double)ce));
    PetscCheck(ce_back <= ce + 1e-6, PETSC_COMM_SELF, PETSC_ERR_PLIB, "One irls sweep from the loaded model (cross-entropy %.8f) ends at %.8f: it did not start from the model", (double)ce, (double)ce_back);
  }
  PetscCall(SNADestroy(&back));
  PetscCall(SNADestroy(&sna));
  PetscCall(CheckLossSwitch());
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(PetscFinalize());
  return 0;
}
