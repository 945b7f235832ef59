static const char help[] = "snaps-predict: evaluates a saved SNA model at the inputs of an HDF5 dataset.\n\n"
                           "  -model <m.h5>       model written by snaps-fit\n"
                           "  -model_group <path> the model's group in that file, default /sna; a nested SNA such as an mf model's part\n"
                           "                      (/sna/lf, /sna/delta, /sna/rho) or a surrogate's saved drift (/surrogate/drift0/sna)\n"
                           "  -data <in.h5>       inputs /X (N x d); if /Y is present too, the test error is reported\n"
                           "  -data_group <path>  group holding X (and Y), default /\n"
                           "  -out <pred.h5>      predictions: /X (copied) and /Y (N x q), written atomically\n"
                           "  -sna_view           print the loaded model (as snaps-fit -sna_view does after a fit)\n"
                           "With /Y, a classifier (a model fitted with -sna_loss cross_entropy: its outputs are logits) is reported by\n"
                           "test_cross_entropy (the mean cross-entropy) and test_accuracy (the fraction of samples whose largest logit is\n"
                           "their class) instead of test_mse; the report's loss says which.\n"
                           "A multi-fidelity model (type mf) predicts the HF values; when the data also hold /YLF (N x q, LF values at\n"
                           "/X, e.g. an LF run at the new design), its correction is applied to them instead of to its LF model's (a model\n"
                           "fitted without HF data, -mf_hf_fraction 0, has none: /YLF is then an error).\n"
                           "  -results <r.json>   JSON report: n_samples, loss (the model's), test_mse (if /Y given; a classifier:\n"
                           "                      test_cross_entropy and test_accuracy), lf_values (mf: given (/YLF) or model),\n"
                           "                      wall_time_s and ns_per_sample_per_rank (the evaluation alone), model_group, ranks, machine, ...\n";

#include <snaps.h>
#include <hdf5.h>

/* Refuses, on every rank, a -model_group that is not an SNA model group (no attributes type and dim_in), with a message
   naming it and the groups that are; a file HDF5 cannot open is left to SNALoadGroup(), whose message says why. */
static PetscErrorCode CheckModelGroup(const char model[], const char group[])
{
  PetscMPIInt rank;
  int         status = 0; /* 1: no such group, 2: not an SNA */

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (!rank) {
    H5E_auto2_t func;
    void       *data;
    hid_t       f, g;

    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if ((f = H5Fopen(model, H5F_ACC_RDONLY, H5P_DEFAULT)) >= 0) {
      if ((g = H5Oopen(f, group, H5P_DEFAULT)) < 0)
        status = 1;
      else {
        if (H5Iget_type(g) != H5I_GROUP || H5Aexists(g, "type") <= 0 || H5Aexists(g, "dim_in") <= 0) status = 2;
        H5Oclose(g);
      }
      H5Fclose(f);
    }
    H5Eset_auto2(H5E_DEFAULT, func, data);
  }
  PetscCallMPI(MPI_Bcast(&status, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  PetscCheck(status != 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-model_group %s: the model file '%s' has no such group; give the group of an SNA in it (default /sna; nested ones such as /sna/lf or /surrogate/drift0/sna)", group, model);
  PetscCheck(status != 2, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-model_group %s: '%s' holds no SNA model there (an SNA group has the attributes type and dim_in); give the group of an SNA (default /sna; nested ones such as /sna/lf or /surrogate/drift0/sna)", group, model);
  PetscFunctionReturn(0);
}

/* A model with finite but huge coefficients can overflow: an error naming the first bad sample rather
   than Inf or NaN written as predictions. */
static PetscErrorCode CheckFinite(Vec U, PetscInt q, const char model[], const char data[])
{
  const PetscScalar *u;
  PetscInt           n, lo, bad = PETSC_MAX_INT, first;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(U, &n));
  PetscCall(VecGetOwnershipRange(U, &lo, NULL));
  PetscCall(VecGetArrayRead(U, &u));
  for (PetscInt i = 0; i < n && bad == PETSC_MAX_INT; i++)
    if (PetscIsInfOrNanScalar(u[i])) bad = (lo + i) / q;
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(MPIU_Allreduce(&bad, &first, 1, MPIU_INT, MPI_MIN, PetscObjectComm((PetscObject)U)));
  PetscCheck(first == PETSC_MAX_INT, PetscObjectComm((PetscObject)U), PETSC_ERR_FP, "The predictions of the model '%s' are not finite (Inf or NaN) at sample %" PetscInt_FMT " of '%s': the model's coefficients are too large for double precision, so the file is corrupt or the fit failed. Refit the model (snaps-fit); nothing was written", model, first, data);
  PetscFunctionReturn(0);
}

/* group/YLF, LF values at the inputs X, for a multi-fidelity model to correct (NULL when the data hold none). Such
   values given to a model that has no correction to apply are an error rather than silently unused. */
static PetscErrorCode LoadLowFidelityValues(SNA sna, const char model[], const char data[], const char group[], Vec X, Vec *YLF)
{
  char      path[PETSC_MAX_PATH_LEN];
  PetscBool has, ismf, corrected;
  PetscInt  d, q, bs, nx, ny;
  SNAType   type;

  PetscFunctionBegin;
  *YLF = NULL;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/YLF", !(group[0] == '/' && !group[1]) ? group : ""));
  PetscCall(SNADatasetHas(PETSC_COMM_WORLD, data, path, &has));
  if (!has) PetscFunctionReturn(0);
  PetscCall(SNAGetType(sna, &type));
  PetscCall(PetscStrcmp(type, SNAMF, &ismf));
  PetscCheck(ismf, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "The data '%s' hold LF values %s, but the model '%s' is not multi-fidelity (type %s) and has no correction to apply to them: remove %s, or use an mf model", data, path, model, type, path);
  PetscCall(SNAMFHasCorrection(sna, &corrected));
  PetscCheck(corrected, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "The data '%s' hold LF values %s, but the multi-fidelity model '%s' was fitted without HF data (-mf_hf_fraction 0): it is its LF model alone and has no correction to apply to them: remove %s, or refit the model with HF data", data, path, model, path);
  PetscCall(SNADatasetLoadArray(PETSC_COMM_WORLD, data, path, YLF));
  PetscCall(SNAGetSizes(sna, &d, &q));
  PetscCall(VecGetBlockSize(*YLF, &bs));
  PetscCall(VecGetSize(*YLF, &ny));
  PetscCall(VecGetSize(X, &nx));
  if (bs != q || ny / bs != nx / d) PetscCall(VecDestroy(YLF));
  PetscCheck(bs == q, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "The LF values %s of '%s' have %" PetscInt_FMT " columns but the model '%s' predicts %" PetscInt_FMT " outputs", path, data, bs, model, q);
  PetscCheck(ny / bs == nx / d, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "'%s' holds %" PetscInt_FMT " rows of LF values %s but %" PetscInt_FMT " rows of inputs X", data, ny / bs, path, nx / d);
  PetscFunctionReturn(0);
}

/* The program's options, read once by PredictOptionsRead() */
typedef struct {
  char      model[PETSC_MAX_PATH_LEN], data[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], results[PETSC_MAX_PATH_LEN], group[256], mgroup[256];
  PetscBool hasmodel, hasdata, hasout, hasresults, hasmgroup, groupset;
} PredictOptions;

/* One evaluation: the model, the inputs X (targets Y, LF values YLF when the data hold them), the predictions U and
   their scores against Y (mse < 0: none) */
typedef struct {
  SNA         sna;
  Vec         X, Y, U, YLF;
  PetscInt    d, q, N;
  PetscReal   t0, t1, mse, ce, acc;
  SNALossType loss;
} Prediction;

static PetscErrorCode PredictOptionsRead(PredictOptions *o)
{
  const char *named[4] = {"-model", "-data", "-out", "-results"};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  PetscCall(PetscStrncpy(o->group, "/", sizeof(o->group)));
  PetscCall(PetscStrncpy(o->mgroup, "/sna", sizeof(o->mgroup)));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "snaps-predict options", "SNA");
  PetscCall(PetscOptionsString("-model", "Model file (HDF5)", NULL, NULL, o->model, sizeof(o->model), &o->hasmodel));
  PetscCall(PetscOptionsString("-model_group", "Group of the model in the model file (a nested SNA: /sna/lf, /surrogate/drift0/sna, ...)", NULL, o->mgroup, o->mgroup, sizeof(o->mgroup), &o->hasmgroup));
  PetscCall(PetscOptionsString("-data", "Inputs (HDF5 with /X)", NULL, NULL, o->data, sizeof(o->data), &o->hasdata));
  PetscCall(PetscOptionsString("-data_group", "Group holding X", NULL, o->group, o->group, sizeof(o->group), &o->groupset));
  PetscCall(PetscOptionsString("-out", "Predictions file (HDF5)", NULL, NULL, o->out, sizeof(o->out), &o->hasout));
  PetscCall(PetscOptionsString("-results", "JSON report file", NULL, NULL, o->results, sizeof(o->results), &o->hasresults));
  /* given without a name, each was read as absent or empty: "-results" last on the line failed after -out was written */
  PetscCall(SNAPSOptionsCheckFileNames(PETSC_COMM_WORLD, NULL, 4, named));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckPredictOptions(const PredictOptions *o)
{
  const char *inopts[2] = {"-model", "-data"}, *ins[2] = {o->model, o->data}, *outopts[2] = {"-out", "-results"}, *outs[2] = {o->out, o->hasresults ? o->results : NULL};

  PetscFunctionBegin;
  PetscCheck(o->hasmodel, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -model <m.h5>: the model to evaluate (run with -help for all options)");
  PetscCheck(o->hasdata, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -data <in.h5>: the inputs /X to evaluate at");
  /* PETSc reads "-data_group" with nothing after it as "", which named the file's root: the group asked for was ignored */
  PetscCheck(!o->groupset || o->group[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-data_group was given without a group name (nothing follows it, or the next word is an option): give -data_group <path> (/ for the file's root), or drop it");
  /* likewise "-model_group" with nothing after it: refused as a missing group named "" ("-model_group : ... has no such group") */
  PetscCheck(!o->hasmgroup || o->mgroup[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-model_group was given without a group name (nothing follows it, or the next word is an option): give -model_group <path> (default /sna), or drop it");
  PetscCheck(o->hasout, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -out <pred.h5>: where to write the predictions");
  PetscCall(SNAPSCheckFiles(PETSC_COMM_WORLD, 2, inopts, ins, 2, outopts, outs)); /* -sna_view ascii:<model> emptied it */
  PetscFunctionReturn(0);
}

static PetscErrorCode LoadModel(const PredictOptions *o, Prediction *p)
{
  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_WORLD, &p->sna));
  if (o->hasmgroup) PetscCall(CheckModelGroup(o->model, o->mgroup)); /* the default /sna: SNALoad's messages (not a model, a surrogate, ...) */
  PetscCall(SNALoadGroup(p->sna, o->model, o->mgroup));
  PetscCall(SNAViewFromOptions(p->sna, NULL, "-sna_view"));
  PetscCall(SNAGetSizes(p->sna, &p->d, &p->q));
  PetscCall(SNAGetLossType(p->sna, &p->loss));
  PetscFunctionReturn(0);
}

/* Predictions beyond the model's training box are extrapolations: constant for khronos (its inputs are clamped to
   the box), the damped cosines going on for aion, each part's own for mf */
static PetscErrorCode WarnOutsideBox(const PredictOptions *o, const Prediction *p)
{
  char        what[2 * PETSC_MAX_PATH_LEN + 240];
  SNAType     type;
  PetscBool   khronos, aion;
  const char *beyond;

  PetscFunctionBegin;
  PetscCall(SNAGetType(p->sna, &type));
  PetscCall(PetscStrcmp(type, SNAKHRONOS, &khronos));
  PetscCall(PetscStrcmp(type, SNAAION, &aion));
  beyond = khronos ? "it is constant beyond the box" : aion ? "its damped cosines go on beyond the box"
                                                            : "its parts extend beyond the box as their types do (a khronos part is constant there)";
  PetscCall(PetscSNPrintf(what, sizeof(what), "inputs of '%s' lie outside the input box of the model '%s' (its training box): %s, so their predictions are extrapolations", o->data, o->model, beyond));
  PetscCall(SNAWarnOutsideBounds(p->sna, p->X, what));
  PetscFunctionReturn(0);
}

/* The inputs X of the data group, its targets Y when it has them (of the model's sizes), its LF values YLF */
static PetscErrorCode LoadData(const PredictOptions *o, Prediction *p)
{
  const char *group = o->group;
  char        xpath[PETSC_MAX_PATH_LEN];
  PetscBool   hastargets = PETSC_FALSE;
  PetscInt    bs;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(xpath, sizeof(xpath), "%s/Y", !(group[0] == '/' && !group[1]) ? group : ""));
  PetscCall(SNADatasetHas(PETSC_COMM_WORLD, o->data, xpath, &hastargets));
  if (hastargets) {
    PetscCall(SNADatasetLoad(PETSC_COMM_WORLD, o->data, group, &p->X, &p->Y));
    PetscCall(VecGetBlockSize(p->Y, &bs));
    PetscCheck(bs == p->q, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "The data '%s' have %" PetscInt_FMT " outputs (Y columns) but the model '%s' predicts %" PetscInt_FMT, o->data, bs, o->model, p->q);
  } else {
    PetscCall(PetscSNPrintf(xpath, sizeof(xpath), "%s/X", !(group[0] == '/' && !group[1]) ? group : ""));
    PetscCall(SNADatasetLoadArray(PETSC_COMM_WORLD, o->data, xpath, &p->X));
    p->Y = NULL;
  }
  PetscCall(VecGetBlockSize(p->X, &bs));
  PetscCheck(bs == p->d, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "The data '%s' have %" PetscInt_FMT " inputs (X columns) but the model '%s' was trained on %" PetscInt_FMT, o->data, bs, o->model, p->d);
  PetscCall(VecGetSize(p->X, &p->N));
  p->N /= p->d;
  PetscCall(LoadLowFidelityValues(p->sna, o->model, o->data, group, p->X, &p->YLF));
  PetscFunctionReturn(0);
}

/* The predictions U (an mf model's correction applied to the given LF values YLF, if any), timed and checked finite */
static PetscErrorCode Evaluate(const PredictOptions *o, Prediction *p)
{
  PetscInt n;

  PetscFunctionBegin;
  PetscCall(VecCreate(PETSC_COMM_WORLD, &p->U));
  PetscCall(VecGetLocalSize(p->X, &n));
  PetscCall(VecSetSizes(p->U, (n / p->d) * p->q, PETSC_DETERMINE));
  PetscCall(VecSetBlockSize(p->U, p->q));
  PetscCall(VecSetFromOptions(p->U));
  PetscCall(PetscTime(&p->t0));
  if (p->YLF)
    PetscCall(SNAMFEvaluateCorrection(p->sna, p->X, p->YLF, p->U));
  else
    PetscCall(SNAEvaluate(p->sna, p->X, p->U));
  PetscCall(PetscTime(&p->t1));
  PetscCall(CheckFinite(p->U, p->q, o->model, o->data));
  PetscFunctionReturn(0);
}

/* The test error against the targets Y: a classifier's cross-entropy and accuracy, else the MSE (Y is overwritten) */
static PetscErrorCode Score(const PredictOptions *o, Prediction *p)
{
  PetscFunctionBegin;
  p->mse = -1;
  if (p->Y && p->loss == SNA_LOSS_CROSS_ENTROPY) { /* the outputs are logits: their MSE against the class rows means nothing */
    char what[PETSC_MAX_PATH_LEN + 16];

    PetscCall(PetscSNPrintf(what, sizeof(what), "/Y of '%s'", o->data)); /* the fit's check: snaps-fit refuses these rows too */
    PetscCall(SNACheckClassRows(p->Y, what));
    PetscCall(SNAComputeLogitScores(p->U, p->Y, &p->ce, &p->acc));
  } else if (p->Y) {
    PetscReal nrm;
    PetscCall(VecAXPY(p->Y, -1.0, p->U));
    PetscCall(VecNorm(p->Y, NORM_2, &nrm));
    p->mse = nrm * nrm / (PetscReal)(p->N * p->q);
  }
  PetscFunctionReturn(0);
}

/* -out (/X copied, /Y the predictions) and the lines saying what was done */
static PetscErrorCode WritePredictions(const PredictOptions *o, const Prediction *p)
{
  const char *names[2] = {"X", "Y"};
  Vec         vecs[2]  = {p->X, p->U};
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(SNADatasetSave(PETSC_COMM_WORLD, o->out, 2, names, vecs));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-predict: %" PetscInt_FMT " samples in %.3e s (%.1f ns per sample per rank) on %d ranks; predictions in %s\n", p->N, (double)(p->t1 - p->t0), (double)((p->t1 - p->t0) * 1e9 * size / p->N), size, o->out));
  if (p->Y && p->loss == SNA_LOSS_CROSS_ENTROPY)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-predict: test cross-entropy %.6e, accuracy %.4f\n", (double)p->ce, (double)p->acc));
  else if (p->Y)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-predict: test MSE %.6e\n", (double)p->mse));
  PetscFunctionReturn(0);
}

static PetscErrorCode WritePredictReport(const PredictOptions *o, const Prediction *p)
{
  SNAPSReport report;
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
  PetscCall(SNAPSReportSetString(report, "program", "snaps-predict"));
  PetscCall(SNAPSReportSetString(report, "model", o->model));
  PetscCall(SNAPSReportSetString(report, "model_group", o->mgroup));
  PetscCall(SNAPSReportSetString(report, "data", o->data));
  PetscCall(SNAPSReportSetString(report, "out", o->out));
  PetscCall(SNAPSReportSetInt(report, "n_samples", p->N));
  PetscCall(SNAPSReportSetString(report, "loss", SNALossTypes[p->loss]));
  if (p->Y && p->loss == SNA_LOSS_CROSS_ENTROPY) {
    PetscCall(SNAPSReportSetReal(report, "test_cross_entropy", p->ce));
    PetscCall(SNAPSReportSetReal(report, "test_accuracy", p->acc));
  } else if (p->Y)
    PetscCall(SNAPSReportSetReal(report, "test_mse", p->mse));
  PetscCall(SNAPSReportSetString(report, "lf_values", p->YLF ? "given (/YLF)" : "model"));
  PetscCall(SNAPSReportSetReal(report, "wall_time_s", p->t1 - p->t0));
  PetscCall(SNAPSReportSetReal(report, "ns_per_sample_per_rank", (p->t1 - p->t0) * 1e9 * size / p->N));
  PetscCall(SNAPSReportWrite(report, o->results));
  PetscCall(SNAPSReportDestroy(&report));
  PetscFunctionReturn(0);
}

/* Checks, loads the model and the data, evaluates, scores, writes the predictions (and the report) */
static PetscErrorCode Predict(const PredictOptions *o)
{
  Prediction p;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&p, sizeof(p)));
  PetscCall(CheckPredictOptions(o));
  PetscCall(LoadModel(o, &p));
  PetscCall(LoadData(o, &p));
  PetscCall(WarnOutsideBox(o, &p));
  PetscCall(Evaluate(o, &p));
  PetscCall(Score(o, &p));
  PetscCall(WritePredictions(o, &p));
  if (o->hasresults) PetscCall(WritePredictReport(o, &p));
  PetscCall(VecDestroy(&p.U));
  PetscCall(VecDestroy(&p.YLF));
  PetscCall(VecDestroy(&p.Y));
  PetscCall(VecDestroy(&p.X));
  PetscCall(SNADestroy(&p.sna));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PredictOptions o;
  PetscBool      helpflg;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(SNAInitializePackage());
  PetscCall(PredictOptionsRead(&o));
  PetscCall(PetscOptionsHasHelp(NULL, &helpflg));
  if (!helpflg) PetscCall(Predict(&o)); /* -help: the options are printed; stop before any check or work */
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
