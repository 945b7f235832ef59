static const char help[] = "snaps-fit: fits a separable neural architecture (SNA) to an HDF5 dataset.\n\n"
                           "  -data <in.h5>        dataset: /X (N x d) and /Y (N x q), float64\n"
                           "  -data_group <path>   group holding X and Y (default /; e.g. /hf)\n"
                           "  -model <out.h5>      fitted model, written atomically (an existing file is replaced only on success;\n"
                           "                       every output: /dev/null or a terminal is written into; a pipe, socket or name\n"
                           "                       reaching a redirected stdout file such as /dev/stdout is refused: name the file)\n"
                           "  -init_model <m.h5>   warm start from a saved model instead of a fresh initialisation (it keeps the model's\n"
                           "                       input box and type: -sna_bounds and -sna_type may only repeat them; the fresh start's\n"
                           "                       -sna_khronos_init and -sna_khronos_init_spread are refused; a single-fidelity model only:\n"
                           "                       an mf model's LF part is reused by -mf_lf_model)\n"
                           "  -results <r.json>    JSON report: n_samples, n_params, train_mse, validation_mse (when samples\n"
                           "                       were held out: by the default khronos fit, or -sna_fit_validation) and\n"
                           "                       validation_refitted (true: validation_mse is of the model before its refit on\n"
                           "                       all samples, -sna_fit_validation_refit; the model written has seen them), wall_time_s\n"
                           "                       and fit_cpu_time_s (the fit alone, SNAFit or SNAMFFit: wall, and CPU summed over\n"
                           "                       the ranks; without start-up, reading the data and -mf_lf_model, and setting up\n"
                           "                       the SNA), iterations (outer, inner), evaluations, ranks, machine, ...; for mf\n"
                           "                       also per part (lf_, delta_, rho_) type, n_params, converged_reason, iterations (rho's:\n"
                           "                       those of ar1's joint stage, its only fit, as rho_fitted_by says), and\n"
                           "                       lf_fit_time_s and correction_fit_time_s (delta and rho together), the HF\n"
                           "                       cases used, and mf_nested_hf_rows: the HF rows whose inputs are also LF rows,\n"
                           "                       where delta is fitted to y_HF - y_LF of the data; delta_nodes and delta_modes (a KHRONOS\n"
                           "                       correction's basis; rho_nodes and rho_modes for ar1's KHRONOS rho) and delta_size: given,\n"
                           "                       or the default derived from the HF training values\n"
                           "Multi-fidelity (a -data file with groups /lf and /hf, each X and Y, optional case: one integer id per row):\n"
                           "  -mf_blend residual|ar1  fits the LF model to /lf, then the correction to /hf: y_LF + delta, or rho y_LF + delta\n"
                           "                       (rho = 1 + r, r a low-order KHRONOS; a few HF designs call for -mf_delta_sna_fit_lambda 1e-7)\n"
                           "                       (an SNA of type mf; parts' options -mf_lf_sna_..., -mf_delta_sna_..., -mf_rho_sna_...)\n"
                           "                       (a KHRONOS correction's default size: at most half as many parameters as the HF values\n"
                           "                       delta is fitted to (its training split under -mf_delta_sna_fit_validation), ar1's rho\n"
                           "                       counted (its nodes lowered too, to keep 2 modes and room for delta's smallest basis),\n"
                           "                       within 16 nodes and 4 modes, or the smallest bases; -mf_delta_sna_khronos_nodes/_modes\n"
                           "                       given are kept (both given: nothing derived, rho's 4 nodes and 2 modes kept unless\n"
                           "                       -mf_rho_sna_khronos_nodes/_modes given); printed when derived)\n"
                           "  -mf_hf_fraction <f>  keeps that seeded fraction of the HF cases (whole cases when /hf/case exists, else rows):\n"
                           "                       0 the LF model alone, 1 all (default); with -data_group /hf, of that group (HF-only fits;\n"
                           "                       another -data_group is refused: these choose HF cases)\n"
                           "  -mf_seed <s>         seed of that choice (0)\n"
                           "  -mf_nested_lf <bool> where an HF row's inputs are also an LF row's (nested designs), fit delta to\n"
                           "                       y_HF - y_LF of the data (true), or to y_HF - the LF model (false, default: it\n"
                           "                       generalises better from few HF cases, also applied to /YLF; cases/airfoil-mf)\n"
                           "  -mf_lf_model <lf.h5> takes a fitted LF model (a single-fidelity SNA, e.g. snaps-fit -data_group /lf, or the\n"
                           "                       LF part of an mf model, e.g. from -mf_hf_fraction 0) as the LF part instead of fitting\n"
                           "                       one: only the correction is fitted (/lf still serves -mf_nested_lf and the input box)\n"
                           "  -mf_rho_form full|constant|inputs  ar1: r a KHRONOS over all inputs (full, default), a constant per output,\n"
                           "                       or a KHRONOS constant along all inputs but those of -mf_rho_inputs <i,j,..> (0-based)\n"
                           "  -mf_select none|cv   ar1: the form of rho as given (none, default), or the one with the smaller error in a\n"
                           "                       cross-validation over the HF cases (cv; -mf_select_folds <k>, 5: leave-one-case-out\n"
                           "                       with fewer cases); the report's mf_rho_form, mf_cv_error_constant, mf_cv_error_full\n"
                           "The model is written whenever the fit ends with a finite loss it lowered, also when it did not converge (the\n"
                           "best iterate; the reason is printed and in the report); -sna_fit_error_if_not_converged then exits non-zero.\n"
                           "The training error printed and in the report (over all samples): train_mse, and train_relative_mse, the MSE over\n"
                           "the mean of the outputs' variances (the MSE of the best constant model, each output's mean: 1 is no better than\n"
                           "that), left out with train_relative_mse_omitted saying why when every output is constant. A classifier\n"
                           "(-sna_loss cross_entropy: its outputs are logits) has train_cross_entropy, the loss it minimises, and\n"
                           "train_accuracy, the fraction of samples whose largest logit is their class, instead (the report's loss says which).\n"
                           "Class options: -sna_type khronos|aion|mf (mf: data with /lf and /hf, -mf_* above), -sna_fit_type\n"
                           "  auto|als|lm|tao|infinite_descent|irls (irls: -sna_loss cross_entropy), -sna_fit_lambda,\n"
                           "  -sna_fit_max_it, -sna_fit_rtol, -sna_fit_atol, -sna_fit_error_if_not_converged, -sna_fit_validation <fraction held out>,\n"
                           "  -sna_fit_validation_patience, -sna_bounds, -sna_monitor, -sna_view; KHRONOS: -sna_khronos_nodes (one count for\n"
                           "  every input, or one per input: 4,4,12), -sna_khronos_degree,\n"
                           "  -sna_khronos_modes, -sna_khronos_refine, -sna_khronos_enrich, -sna_fit_als_anderson; AION (one output): -sna_aion_rank, -sna_aion_terms,\n"
                           "  -sna_aion_pencil auto|always|never, -sna_aion_init; TAO: -sna_fit_tao_type (lmvm, bncg, nls, brgn, ...),\n"
                           "  -sna_fit_tao_monitor.\n"
                           "A misspelt or inapplicable option is reported once the data are read, before the fit.\n";

#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include <snaps.h>
#include <errno.h>
#include <time.h>

/* Why snaps-fit reports no relative MSE for targets whose every output is constant. */
static const char ConstantTargets[] = "every output of the targets is constant, so they have no variance to compare the MSE with";

/* The choice of HF samples (-mf_hf_fraction, -mf_seed) and what it kept. */
typedef struct {
  PetscReal  fraction;
  PetscInt   seed;
  PetscBool  seedset;              /* -mf_seed given: WarnSeedUnused() says where it seeds nothing */
  PetscBool  bycase;               /* whole cases (the group's /case), else rows */
  PetscInt   ntotal, nkept, nrows; /* cases (or rows) in all, kept; rows kept */
  PetscReal *kept;                 /* the kept case ids (or row numbers), ascending, for the report */
  Vec        cases;                /* the case id of each kept row (NULL without /case): folds of -mf_select cv */
} HFChoice;

/* Every rank's copy of the case id of every row (or the row numbers, without cases). */
static PetscErrorCode AllIds(Vec cases, PetscInt N, PetscInt **ids)
{
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(N, ids));
  if (!cases) {
    for (PetscInt i = 0; i < N; i++) (*ids)[i] = i;
  } else {
    VecScatter         sc;
    Vec                all;
    const PetscScalar *a;

    PetscCall(VecScatterCreateToAll(cases, &sc, &all));
    PetscCall(VecScatterBegin(sc, cases, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, cases, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(all, &a));
    for (PetscInt i = 0; i < N; i++) (*ids)[i] = (PetscInt)PetscRealPart(a[i]);
    PetscCall(VecRestoreArrayRead(all, &a));
    PetscCall(VecScatterDestroy(&sc));
    PetscCall(VecDestroy(&all));
  }
  PetscFunctionReturn(0);
}

/* The kept ids: a seeded shuffle of the distinct ids (the same on every rank and for any number of ranks), its
   first round(f n) (at least one for f > 0), sorted. */
static PetscErrorCode ChooseIds(HFChoice *ch, const PetscInt ids[], PetscInt N, PetscInt **kept)
{
  PetscInt   *u, n = N;
  PetscRandom rnd;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(N, &u));
  PetscCall(PetscArraycpy(u, ids, N));
  PetscCall(PetscSortRemoveDupsInt(&n, u));
  ch->ntotal = n;
  ch->nkept  = ch->fraction > 0 ? PetscMax(1, (PetscInt)PetscFloorReal(ch->fraction * n + 0.5)) : 0;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRANDER48));
  /* the sum in unsigned arithmetic: in PetscInt, -mf_seed 2147483647 overflowed (undefined behaviour, a runtime error
     under the sanitizers); for every other seed the same value as before */
  PetscCall(PetscRandomSetSeed(rnd, 1000003UL + (unsigned long)ch->seed));
  PetscCall(PetscRandomSeed(rnd));
  for (PetscInt i = n - 1; i > 0; i--) { /* Fisher-Yates */
    PetscReal r;
    PetscInt  j, t;
    PetscCall(PetscRandomGetValueReal(rnd, &r));
    j    = PetscMin((PetscInt)(r * (i + 1)), i);
    t    = u[i];
    u[i] = u[j];
    u[j] = t;
  }
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscSortInt(ch->nkept, u));
  *kept = u;
  PetscFunctionReturn(0);
}

/* New Vecs with this rank's rows of (X, Y) and of cases (if not NULL) whose id is kept. */
static PetscErrorCode KeepRows(Vec X, Vec Y, Vec cases, const PetscInt ids[], PetscInt nkept, const PetscInt kept[], Vec *Xs, Vec *Ys, Vec *Cs)
{
  PetscInt   d, lo, n, loc;
  PetscBool *keep;

  PetscFunctionBegin;
  PetscCall(VecGetBlockSize(X, &d));
  PetscCall(VecGetOwnershipRange(X, &lo, NULL));
  PetscCall(VecGetLocalSize(X, &n));
  lo /= d;
  n /= d;
  PetscCall(PetscMalloc1(n, &keep));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(PetscFindInt(ids[lo + i], nkept, kept, &loc));
    keep[i] = (PetscBool)(loc >= 0);
  }
  PetscCall(SNADatasetSelectRows(X, keep, Xs));
  PetscCall(SNADatasetSelectRows(Y, keep, Ys));
  if (cases) PetscCall(SNADatasetSelectRows(cases, keep, Cs));
  PetscCall(PetscFree(keep));
  PetscFunctionReturn(0);
}

/* A -mf_seed given where the fraction keeps all the HF cases or none (-mf_hf_fraction 0 or 1, the default, or a
   fraction that rounds to either) seeds no choice: said, as every option that changes nothing is (it was read and
   silently ignored). */
static PetscErrorCode WarnSeedUnused(MPI_Comm comm, const HFChoice *ch)
{
  char f[32];

  PetscFunctionBegin;
  (void)snprintf(f, sizeof(f), "%g", (double)ch->fraction); /* C's %g: PETSc's writes 1 as "1." */
  if (ch->seedset && (ch->nkept == 0 || ch->nkept == ch->ntotal)) PetscCall(PetscPrintf(comm, "WARNING: snaps-fit: -mf_seed %" PetscInt_FMT " changes nothing: -mf_hf_fraction %s keeps %s the %" PetscInt_FMT " HF %s, so there is no choice to seed\n", ch->seed, f, ch->nkept ? "all of" : "none of", ch->ntotal, ch->bycase ? "cases" : "rows"));
  PetscFunctionReturn(0);
}

/* Replaces (X, Y), the rows of group of data, by the seeded fraction of its cases (group/case) or rows; with
   nothing kept, X and Y become NULL. */
static PetscErrorCode ChooseHF(const char data[], const char group[], HFChoice *ch, Vec *X, Vec *Y)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)*X);
  char      path[PETSC_MAX_PATH_LEN];
  Vec       cases = NULL, Xs, Ys;
  PetscInt *ids, *kept = NULL, N, d;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/case", !(group[0] == '/' && !group[1]) ? group : ""));
  PetscCall(SNADatasetHas(comm, data, path, &ch->bycase));
  PetscCall(VecGetBlockSize(*X, &d));
  PetscCall(VecGetSize(*X, &N));
  N /= d;
  if (ch->bycase) PetscCall(SNADatasetLoadCases(comm, data, group, N, &cases));
  PetscCall(AllIds(cases, N, &ids));
  PetscCall(ChooseIds(ch, ids, N, &kept));
  /* what a fraction keeps, rounded (at least one): -mf_hf_fraction 0.01 of 20 cases keeps one, 5% (only the report said) */
  if (ch->fraction > 0 && ch->fraction < 1) PetscCall(PetscPrintf(comm, "snaps-fit: -mf_hf_fraction %g keeps %" PetscInt_FMT " of the %" PetscInt_FMT " HF %s (%.3g of them; -mf_seed %" PetscInt_FMT ")\n", (double)ch->fraction, ch->nkept, ch->ntotal, ch->bycase ? "cases" : "rows", (double)ch->nkept / (double)ch->ntotal, ch->seed));
  PetscCall(WarnSeedUnused(comm, ch));
  PetscCall(PetscMalloc1(ch->nkept + 1, &ch->kept));
  for (PetscInt i = 0; i < ch->nkept; i++) ch->kept[i] = (PetscReal)kept[i];
  Xs = Ys = NULL;
  if (ch->nkept) {
    PetscCall(KeepRows(*X, *Y, cases, ids, ch->nkept, kept, &Xs, &Ys, &ch->cases));
    PetscCall(VecGetSize(Xs, &ch->nrows));
    ch->nrows /= d;
  }
  PetscCall(VecDestroy(&cases));
  PetscCall(PetscFree(ids));
  PetscCall(PetscFree(kept));
  PetscCall(VecDestroy(X));
  PetscCall(VecDestroy(Y));
  *X = Xs;
  *Y = Ys;
  PetscFunctionReturn(0);
}

/* The first option of the LF part (the model has no prefix: -mf_lf_sna_...) in the options database, or opt[0] = 0
   for none. A word of PetscOptionsGetAll() is one if it starts so in any case (PETSc matches option names regardless
   of case) and the database has an option of that name: a value that reads like one, or contains the text, is not. */
static PetscErrorCode FindLowFidelityOption(char opt[], size_t len)
{
  static const char lfprefix[] = "-mf_lf_sna_";
  char             *all, **words, head[sizeof(lfprefix)];
  int               n;

  PetscFunctionBegin;
  opt[0] = 0;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscStrToArray(all, ' ', &n, &words));
  PetscCall(PetscFree(all));
  for (int i = 0; i < n && !opt[0]; i++) {
    PetscBool lf, has;

    PetscCall(PetscStrncpy(head, words[i], sizeof(head)));
    PetscCall(PetscStrtolower(head));
    PetscCall(PetscStrcmp(head, lfprefix, &lf));
    if (!lf) continue;
    PetscCall(PetscOptionsHasName(NULL, NULL, words[i], &has));
    if (has) PetscCall(PetscStrncpy(opt, words[i], len));
  }
  PetscCall(PetscStrToArrayDestroy(n, words));
  PetscFunctionReturn(0);
}

/* -mf_lf_model: only for a multi-fidelity fit with HF data, and without options for the LF part it replaces. */
static PetscErrorCode CheckLowFidelityModelOptions(const char data[], PetscBool mf, const char lfmodel[], PetscReal fraction)
{
  MPI_Comm comm = PETSC_COMM_WORLD;
  char     opt[PETSC_MAX_OPTION_NAME];

  PetscFunctionBegin;
  PetscCheck(mf, comm, PETSC_ERR_USER_INPUT, "-mf_lf_model '%s' gives the LF part of a multi-fidelity fit, but '%s' is fitted as one group (no /lf and /hf, or -data_group): drop -mf_lf_model", lfmodel, data);
  PetscCheck(fraction > 0, comm, PETSC_ERR_USER_INPUT, "-mf_lf_model '%s' with -mf_hf_fraction 0 leaves nothing to fit (the LF model is that file): give HF data (-mf_hf_fraction > 0)", lfmodel);
  PetscCall(FindLowFidelityOption(opt, sizeof(opt)));
  PetscCheck(!opt[0], comm, PETSC_ERR_USER_INPUT, "-mf_lf_model '%s' takes the LF part as it was fitted, so %s would not apply: drop it (or drop -mf_lf_model to fit the LF part)", lfmodel, opt);
  PetscFunctionReturn(0);
}

/* The LF part from the model file lfmodel: a single-fidelity model, or the LF part of an mf one, with the data's
   inputs and outputs. */
static PetscErrorCode SetLowFidelityModel(SNA sna, const char lfmodel[], const char data[], PetscInt d, PetscInt q)
{
  SNA         file, lf;
  PetscBool   ismf;
  PetscInt    md, mq;
  SNALossType loss;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_WORLD, &file));
  PetscCall(SNALoad(file, lfmodel));
  PetscCall(PetscObjectTypeCompare((PetscObject)file, SNAMF, &ismf));
  lf = file;
  if (ismf) PetscCall(SNAMFGetParts(file, &lf, NULL, NULL));
  PetscCall(SNAGetSizes(lf, &md, &mq));
  if (md != d || mq != q) PetscCall(SNADestroy(&file)); /* before the error: a program that catches it leaks nothing */
  PetscCheck(md == d && mq == q, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "The LF model '%s' (-mf_lf_model) has %" PetscInt_FMT " inputs and %" PetscInt_FMT " outputs but the data '%s' have %" PetscInt_FMT " and %" PetscInt_FMT ": give an LF model fitted on this dataset's inputs and outputs", lfmodel, md, mq, data, d, q);
  PetscCall(SNAGetLossType(lf, &loss));
  if (loss == SNA_LOSS_CROSS_ENTROPY) PetscCall(SNADestroy(&file));
  PetscCheck(loss != SNA_LOSS_CROSS_ENTROPY, PETSC_COMM_WORLD, PETSC_ERR_ARG_INCOMP, "The LF model '%s' (-mf_lf_model) is a classifier (-sna_loss cross_entropy: its outputs are logits), but the correction is fitted by least squares to the LF values: give an LF model fitted by least squares (the default loss mse)", lfmodel);
  PetscCall(SNAMFSetLowFidelity(sna, lf));
  PetscCall(SNADestroy(&file));
  PetscFunctionReturn(0);
}

/* What the -mf_ options and the file say: whether this is a multi-fidelity fit, with clear errors for options that
   do not apply (none is silently ignored). */
static PetscErrorCode CheckMultiFidelity(const char data[], PetscBool groupset, const char group[], PetscBool hasinit, const char lfmodel[], HFChoice *ch, PetscBool *mf, PetscBool *choose)
{
  MPI_Comm  comm = PETSC_COMM_WORLD;
  PetscBool haslf, hashf, hasblend, hasfrac, hasseed;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-mf_blend", &hasblend));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-mf_hf_fraction", &hasfrac));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-mf_seed", &hasseed));
  PetscCall(SNADatasetHas(comm, data, "/lf", &haslf));
  PetscCall(SNADatasetHas(comm, data, "/hf", &hashf));
  *mf     = (PetscBool)((haslf || hashf) && !groupset);
  *choose = (PetscBool)(*mf || hasfrac || hasseed);
  PetscCheck(haslf || hashf || !(hasblend || hasfrac || hasseed), comm, PETSC_ERR_USER_INPUT, "%s needs a multi-fidelity dataset (groups /lf and /hf, each with X and Y), but '%s' has neither group", hasblend ? "-mf_blend" : hasfrac ? "-mf_hf_fraction"
                                                                                                                                                                                                                                        : "-mf_seed",
             data);
  PetscCheck(!hasblend || *mf, comm, PETSC_ERR_USER_INPUT, "-mf_blend fits both fidelities of '%s', but -data_group %s fits that group alone: drop one of the two", data, group);
  if (*mf) { /* the file chose the type mf: another -sna_type would replace it, and the parts' types have options */
    char      type[256];
    PetscBool set;

    PetscCall(PetscOptionsGetString(NULL, NULL, "-sna_type", type, sizeof(type), &set));
    PetscCheck(!set || !strcmp(type, SNAMF), comm, PETSC_ERR_USER_INPUT, "-sna_type %s: '%s' is a multi-fidelity dataset (/lf and /hf), fitted as a model of type mf: choose the types of its parts with -mf_lf_sna_type and -mf_delta_sna_type, or fit one group alone as a %s model with -data_group /hf (or /lf)", type, data, type);
  }
  PetscCheck(!*mf || !hasinit, comm, PETSC_ERR_USER_INPUT, "-init_model warm-starts a single-fidelity fit; '%s' is multi-fidelity (/lf and /hf): fit it without -init_model, or one group with -data_group", data);
  /* outside an mf fit the choice is of the HF group alone: the report calls what it kept HF cases (hf_cases_used,
     n_samples_hf), which the rows of -data_group /lf are not */
  if (!*mf && *choose) {
    const char *g = group;
    size_t      n;

    while (*g == '/') g++;
    n = strlen(g);
    while (n && g[n - 1] == '/') n--;
    PetscCheck(n == 2 && !strncmp(g, "hf", 2), comm, PETSC_ERR_USER_INPUT, "%s chooses among the HF cases (/hf) and the report calls what it kept HF, but -data_group %s fits another group: drop %s, or fit /hf (-data_group /hf)", hasfrac ? "-mf_hf_fraction" : "-mf_seed", group, hasfrac && hasseed ? "-mf_hf_fraction and -mf_seed" : hasfrac ? "-mf_hf_fraction"
                                                                                                                                                                                                                                                                                                                                                    : "-mf_seed");
  }
  PetscCheck(*mf || !*choose || ch->fraction > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-mf_hf_fraction 0 keeps none of the samples of -data_group %s: nothing to fit", group);
  if (lfmodel) PetscCall(CheckLowFidelityModelOptions(data, *mf, lfmodel, ch->fraction));
  PetscFunctionReturn(0);
}

/* The fit's clocks: wall (PetscTime()) and this process's CPU, every thread (CLOCK_PROCESS_CPUTIME_ID). Not C's
   clock(), which wraps where clock_t has 32 bits (after 72 minutes) and returns -1 when it fails, nor PETSc 3.18's
   PetscGetCPUTime(), which divides times()' clock ticks by CLOCKS_PER_SEC (10^4 times too small on Linux) and counts
   user time only. After FitClockStop() they hold the elapsed times. */
typedef struct {
  PetscLogDouble wall, cpu;
} FitClock;

static PetscErrorCode ProcessCPUTime(PetscLogDouble *t)
{
  struct timespec ts;

  PetscFunctionBegin;
  PetscCheck(!clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts), PETSC_COMM_SELF, PETSC_ERR_SYS, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed (errno %d): the fit's CPU time (fit_cpu_time_s) cannot be measured on this system", errno);
  *t = (PetscLogDouble)ts.tv_sec + 1e-9 * (PetscLogDouble)ts.tv_nsec;
  PetscFunctionReturn(0);
}

static PetscErrorCode FitClockStart(FitClock *clk)
{
  PetscFunctionBegin;
  PetscCall(PetscTime(&clk->wall));
  PetscCall(ProcessCPUTime(&clk->cpu));
  PetscFunctionReturn(0);
}

static PetscErrorCode FitClockStop(FitClock *clk)
{
  PetscLogDouble wall, cpu;

  PetscFunctionBegin;
  PetscCall(PetscTime(&wall));
  PetscCall(ProcessCPUTime(&cpu));
  clk->wall = wall - clk->wall;
  clk->cpu  = cpu - clk->cpu;
  PetscFunctionReturn(0);
}

/* Reads what the fit of sna (for mf, of each part) reads beyond SNASetFromOptions() (SNAReadFitOptions()), then
   warns about the options no one read: a misspelt option (-resluts) is reported before a fit that may take hours,
   not after it. Every option of the program is read by now. An LF part loaded from -mf_lf_model (lfgiven) is not
   fitted, and has no options of its own. */
static PetscErrorCode ReadFitOptionsEarly(SNA sna, PetscBool lfgiven)
{
  SNA       part[3] = {NULL, NULL, NULL};
  PetscBool mf;

  PetscFunctionBegin;
  PetscCall(SNAReadFitOptions(sna));
  PetscCall(PetscObjectTypeCompare((PetscObject)sna, SNAMF, &mf));
  if (mf) PetscCall(SNAMFGetParts(sna, &part[0], &part[1], &part[2]));
  for (int i = lfgiven ? 1 : 0; i < 3; i++)
    if (part[i]) PetscCall(SNAReadFitOptions(part[i]));
  PetscCall(SNAPSOptionsWarnUnusedEarly(PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

/* The mf fit: parts' options, the LF part on /lf (or from lfmodel, not refitted), the correction on the chosen HF
   samples (none: LF alone). */
static PetscErrorCode FitMultiFidelity(SNA sna, const char data[], const char lfmodel[], Vec Xlf, Vec Ylf, Vec Xhf, Vec Yhf, Vec cases, PetscBool *errorifnotconverged, PetscBool parterror[3], FitClock *clk)
{
  SNA      lf, part[3];
  PetscInt d, q;

  PetscFunctionBegin;
  PetscCall(VecGetBlockSize(Xlf, &d));
  PetscCall(VecGetBlockSize(Ylf, &q));
  PetscCall(SNASetType(sna, SNAMF));
  PetscCall(SNASetSizes(sna, d, q));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNAGetErrorIfNotConverged(sna, errorifnotconverged));
  PetscCall(SNASetErrorIfNotConverged(sna, PETSC_FALSE));
  /* so for each part's own -mf_<part>_sna_fit_error_if_not_converged: the model is written first (PartStops) */
  PetscCall(SNAMFGetParts(sna, &part[0], &part[1], &part[2]));
  for (int i = 0; i < 3; i++) {
    parterror[i] = PETSC_FALSE;
    if (!part[i]) continue;
    PetscCall(SNAGetErrorIfNotConverged(part[i], &parterror[i]));
    PetscCall(SNASetErrorIfNotConverged(part[i], PETSC_FALSE));
  }
  if (lfmodel) PetscCall(SetLowFidelityModel(sna, lfmodel, data, d, q));
  PetscCall(SNAMFSetCases(sna, cases));
  PetscCall(ReadFitOptionsEarly(sna, (PetscBool) !!lfmodel));
  PetscCall(FitClockStart(clk)); /* the fit alone: not the setup above, nor the -mf_lf_model file */
  PetscCall(SNAMFFit(sna, Xlf, Ylf, Xhf, Yhf));
  PetscCall(FitClockStop(clk));
  PetscCall(SNAMFGetParts(sna, &lf, NULL, NULL));
  if (!lfmodel) PetscCall(SNACheckFitUsable(lf, "snaps-fit (the LF part of the multi-fidelity model)"));
  PetscFunctionReturn(0);
}

static const char *const PartName[3] = {"LF part", "correction delta", "scale rho (fitted jointly with delta by ar1's joint stage)"};

/* " (what to change)" after a reason that is not convergence, for the options of prefix: the budget or the tolerance,
   or for a stall (DIVERGED_STALLED: the sweeps, ALS or block Newton, stopped lowering the training MSE with sweeps left) the penalty. */
static PetscErrorCode NotConvergedAdvice(SNAConvergedReason reason, const char prefix[], char advice[], size_t len)
{
  PetscFunctionBegin;
  if (reason == SNA_DIVERGED_STALLED)
    PetscCall(PetscSNPrintf(advice, len, " (the sweeps stopped lowering the training MSE with sweeps left: lower -%ssna_fit_lambda; more sweeps do not help)", prefix));
  else
    PetscCall(PetscSNPrintf(advice, len, " (raise -%ssna_fit_max_it, or loosen its rtol)", prefix));
  PetscFunctionReturn(0);
}

/* The parts' stops (not fitted: no HF data, an LF part given, or no rho): on stdout, where the model's reason
   alone hides which part stopped how (model NULL), or after the model is written, the error of a part given
   -mf_<part>_sna_fit_error_if_not_converged that did not converge (parterror, model: where it was written). */
static PetscErrorCode PartStops(SNA sna, PetscBool lfgiven, const PetscBool parterror[3], const char model[])
{
  SNA                part[3];
  SNAConvergedReason reason;
  PetscInt           its;
  const char        *prefix;

  PetscFunctionBegin;
  PetscCall(SNAMFGetParts(sna, &part[0], &part[1], &part[2]));
  for (int i = 0; i < 3; i++) {
    if (!part[i] || (!i && lfgiven) || (model && !parterror[i])) continue;
    PetscCall(SNAGetConvergedReason(part[i], &reason));
    if (reason == SNA_CONVERGED_ITERATING) continue;
    PetscCall(SNAGetIterationNumber(part[i], &its));
    /* rho's only fit is the joint stage, which takes the model's options (rho's own fit options are refused) */
    PetscCall(PetscObjectGetOptionsPrefix((PetscObject)(i == 2 ? sna : part[i]), &prefix));
    if (!prefix) prefix = "";
    PetscCheck(!model || reason >= 0, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "The %s of the multi-fidelity model did not converge (%s after %" PetscInt_FMT " iterations, -%ssna_fit_error_if_not_converged); the model was written to %s", PartName[i], SNAConvergedReasons[reason], its, prefix, model);
    if (!model) {
      char advice[PETSC_MAX_OPTION_NAME + 128] = "";

      if (reason < 0) PetscCall(NotConvergedAdvice(reason, prefix, advice, sizeof(advice)));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit:   %s: %s after %" PetscInt_FMT " iterations%s\n", PartName[i], SNAConvergedReasons[reason], its, advice));
    }
  }
  PetscFunctionReturn(0);
}

/* What the correction was fitted against: the LF data at nested HF rows (inputs that are also LF rows), the LF model
   at the others. */
static PetscErrorCode ReportCorrectionTarget(SNAPSReport report, SNA sna)
{
  PetscInt nested;
  char     what[256];

  PetscFunctionBegin;
  PetscCall(SNAMFGetNestedRows(sna, &nested));
  PetscCall(SNAPSReportSetInt(report, "mf_nested_hf_rows", nested));
  PetscCall(PetscSNPrintf(what, sizeof(what), "delta fitted against LF data at %" PetscInt_FMT " nested HF rows, against the LF model at the other HF rows", nested));
  PetscCall(SNAPSReportSetString(report, "mf_correction_target", what));
  PetscFunctionReturn(0);
}

/* ar1: the form of rho, and the cross-validated errors that chose it (-mf_select cv). */
static PetscErrorCode ReportRhoSelection(SNAPSReport report, SNA sna)
{
  SNAMFRhoForm form;
  PetscReal    err[3];
  PetscInt     folds;

  PetscFunctionBegin;
  PetscCall(SNAMFGetRhoSelection(sna, &form, err, &folds));
  PetscCall(SNAPSReportSetString(report, "mf_rho_form", SNAMFRhoForms[form]));
  PetscCall(SNAPSReportSetString(report, "mf_rho_form_chosen_by", folds ? "cv" : "option"));
  if (!folds) PetscFunctionReturn(0);
  PetscCall(SNAPSReportSetInt(report, "mf_cv_folds", folds));
  PetscCall(SNAPSReportSetReal(report, "mf_cv_error_constant", err[SNA_MF_RHO_CONSTANT]));
  PetscCall(SNAPSReportSetReal(report, "mf_cv_error_full", err[SNA_MF_RHO_FULL]));
  if (err[SNA_MF_RHO_INPUTS] >= 0) PetscCall(SNAPSReportSetReal(report, "mf_cv_error_inputs", err[SNA_MF_RHO_INPUTS]));
  PetscFunctionReturn(0);
}

/* A KHRONOS part's basis: its nodes per input and modes into the report (prefix "delta_", "rho_") and, where desc is
   not NULL, as "3,3 nodes, 1 mode" into desc. Another type: nothing. */
static PetscErrorCode PartSize(SNAPSReport report, SNA part, const char prefix[], char desc[], size_t len)
{
  PetscBool       khronos;
  PetscInt        n, d, modes;
  const PetscInt *nodes;
  PetscReal       v[64];
  char            key[64], list[256] = "";

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)part, SNAKHRONOS, &khronos));
  if (!khronos) PetscFunctionReturn(0);
  PetscCall(SNAGetSizes(part, &d, NULL));
  PetscCall(SNAKhronosGetNodes(part, &n, &nodes));
  PetscCall(SNAKhronosGetBasis(part, NULL, NULL, &modes));
  d = PetscMin(d, (PetscInt)PETSC_STATIC_ARRAY_LENGTH(v));
  for (PetscInt p = 0; p < d; p++) {
    size_t used;

    v[p] = (PetscReal)nodes[n == 1 ? 0 : p];
    PetscCall(PetscStrlen(list, &used));
    PetscCall(PetscSNPrintf(list + used, sizeof(list) - used, "%s%" PetscInt_FMT, p ? "," : "", nodes[n == 1 ? 0 : p]));
  }
  if (report) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "%snodes", prefix));
    PetscCall(SNAPSReportSetRealArray(report, key, d, v));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%smodes", prefix));
    PetscCall(SNAPSReportSetInt(report, key, modes));
  }
  if (desc) PetscCall(PetscSNPrintf(desc, len, "%s nodes, %" PetscInt_FMT " mode%s", list, modes, modes == 1 ? "" : "s"));
  PetscFunctionReturn(0);
}

/* The correction's size: given, or derived from the HF values (SNAMFGetSizeValues()); into the report (report not
   NULL), else one line on stdout where it was derived. */
static PetscErrorCode CorrectionSize(SNAPSReport report, SNA sna)
{
  SNA          delta, rho;
  SNAMFRhoForm form;
  PetscInt     nvalues;
  PetscBool    corrected;
  char         what[256], dsize[300] = "", rsize[300] = "";

  PetscFunctionBegin;
  PetscCall(SNAMFHasCorrection(sna, &corrected));
  if (!corrected) PetscFunctionReturn(0);
  PetscCall(SNAMFGetParts(sna, NULL, &delta, &rho));
  PetscCall(SNAMFGetRhoSelection(sna, &form, NULL, NULL));
  PetscCall(SNAMFGetSizeValues(sna, &nvalues));
  PetscCall(PartSize(report, delta, "delta_", dsize, sizeof(dsize)));
  if (rho && form != SNA_MF_RHO_CONSTANT) PetscCall(PartSize(report, rho, "rho_", rsize, sizeof(rsize)));
  if (report) {
    PetscCall(PetscSNPrintf(what, sizeof(what), "default: from %" PetscInt_FMT " HF training values (at most half as many parameters%s, or the smallest bases)", nvalues, rho ? ", rho's counted" : ""));
    if (dsize[0]) PetscCall(SNAPSReportSetString(report, "delta_size", nvalues ? what : "given"));
  } else if (nvalues) {
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sna), "snaps-fit: the correction's size was derived from the %" PetscInt_FMT " HF training values (at most half as many parameters%s, or the smallest bases): delta %s%s%s; -mf_delta_sna_khronos_nodes and _modes set delta's%s\n", nvalues, rho ? ", rho's counted" : "", dsize, rsize[0] ? ", rho " : "", rsize, rsize[0] ? ", -mf_rho_sna_khronos_nodes and _modes rho's" : ""));
  }
  PetscFunctionReturn(0);
}

/* The multi-fidelity figures: blend, LF samples and each part. */
static PetscErrorCode ReportMultiFidelity(SNAPSReport report, SNA sna, PetscInt nlf, const char lfmodel[])
{
  SNA        lf, delta, rho;
  SNAMFBlend blend;
  PetscBool  corrected;
  PetscReal  tlf, tcorr;

  PetscFunctionBegin;
  PetscCall(SNAMFGetParts(sna, &lf, &delta, &rho));
  PetscCall(SNAMFGetBlend(sna, &blend));
  PetscCall(SNAMFHasCorrection(sna, &corrected));
  PetscCall(SNAMFGetFitTimes(sna, &tlf, &tcorr));
  PetscCall(SNAPSReportSetString(report, "mf_blend", SNAMFBlends[blend]));
  PetscCall(SNAPSReportSetInt(report, "n_samples_lf", nlf));
  PetscCall(SNAPSReportSetString(report, "mf_lf_model", lfmodel ? lfmodel : "none: the LF part fitted here"));
  PetscCall(SNAReportFit(lf, report, "lf_", tlf));
  if (corrected) PetscCall(SNAReportFit(delta, report, "delta_", -1));
  if (corrected && rho) {
    SNAMFRhoForm form;
    PetscInt     q;

    PetscCall(SNAReportFit(rho, report, "rho_", -1));
    /* the constant form is one parameter per output of the model; rho's KHRONOS basis then goes unused */
    PetscCall(SNAMFGetRhoSelection(sna, &form, NULL, NULL));
    PetscCall(SNAGetSizes(sna, NULL, &q));
    if (form == SNA_MF_RHO_CONSTANT) PetscCall(SNAPSReportSetInt(report, "rho_n_params", q));
  }
  PetscCall(CorrectionSize(report, sna));
  /* rho has no fit of its own: its reason and iterations are those of the stage that fitted it */
  if (corrected && rho) PetscCall(SNAPSReportSetString(report, "rho_fitted_by", "joint_lm: the joint Levenberg-Marquardt stage of rho and delta (the model's -sna_fit_ options)"));
  PetscCall(SNAPSReportSetReal(report, "correction_fit_time_s", tcorr));
  if (corrected) PetscCall(ReportCorrectionTarget(report, sna));
  if (corrected && rho) PetscCall(ReportRhoSelection(report, sna));
  PetscFunctionReturn(0);
}

/* The HF choice in the report (also for a single-fidelity fit of one group of a multi-fidelity file). */
static PetscErrorCode ReportChoice(SNAPSReport report, const HFChoice *ch)
{
  PetscFunctionBegin;
  PetscCall(SNAPSReportSetReal(report, "mf_hf_fraction", ch->fraction));
  PetscCall(SNAPSReportSetInt(report, "mf_seed", ch->seed));
  PetscCall(SNAPSReportSetString(report, "hf_chosen_by", ch->bycase ? "case" : "row"));
  PetscCall(SNAPSReportSetInt(report, "hf_cases_total", ch->ntotal));
  PetscCall(SNAPSReportSetInt(report, "hf_cases_used", ch->nkept));
  PetscCall(SNAPSReportSetInt(report, "n_samples_hf", ch->nrows));
  PetscCall(SNAPSReportSetRealArray(report, "hf_case_ids_used", ch->nkept, ch->kept));
  PetscFunctionReturn(0);
}

/* The program's options, read once by FitOptionsRead() (the -mf_ options that only choose a mode are looked up by
   CheckMultiFidelity(), the SNA's by SNASetFromOptions()). */
typedef struct {
  char      data[PETSC_MAX_PATH_LEN], model[PETSC_MAX_PATH_LEN], init[PETSC_MAX_PATH_LEN], results[PETSC_MAX_PATH_LEN], group[256], lfmodel[PETSC_MAX_PATH_LEN];
  PetscBool hasdata, hasmodel, hasinit, hasresults, haslfmodel, groupset;
  PetscReal fraction; /* -mf_hf_fraction */
  PetscInt  seed;     /* -mf_seed */
  PetscBool seedset;
} FitOptions;

/* One fit: its data (Xlf, Ylf: the LF group of an mf fit), the model, and what is printed and reported of it */
typedef struct {
  Vec                X, Y, Xlf, Ylf;
  SNA                sna;
  HFChoice           ch;
  PetscBool          mf, choose, errorifnotconverged, parterror[3];
  PetscInt           N, d, q, nlf, nparams, its;
  PetscReal          mse, var, ce, acc, valmse, fitcpu;
  PetscBool          refitted; /* valmse is of the model before its refit on all samples */
  FitClock           clk;
  SNAConvergedReason reason;
  SNAType            type;
  SNAFitType         fittype;
  SNALossType        loss;
} FitRun;

static PetscErrorCode FitOptionsRead(FitOptions *o)
{
  const char *named[5] = {"-data", "-model", "-init_model", "-results", "-mf_lf_model"};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  PetscCall(PetscStrncpy(o->group, "/", sizeof(o->group)));
  o->fraction = 1.0;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "snaps-fit options", "SNA");
  PetscCall(PetscOptionsString("-data", "Training dataset (HDF5 with /X and /Y, or /lf and /hf)", NULL, NULL, o->data, sizeof(o->data), &o->hasdata));
  PetscCall(PetscOptionsString("-data_group", "Group holding X and Y", NULL, o->group, o->group, sizeof(o->group), &o->groupset));
  PetscCall(PetscOptionsString("-model", "Output model file (HDF5)", NULL, NULL, o->model, sizeof(o->model), &o->hasmodel));
  PetscCall(PetscOptionsString("-init_model", "Model to warm-start from", NULL, NULL, o->init, sizeof(o->init), &o->hasinit));
  PetscCall(PetscOptionsString("-results", "JSON report file", NULL, NULL, o->results, sizeof(o->results), &o->hasresults));
  PetscCall(PetscOptionsString("-mf_lf_model", "Fitted LF model taken as the LF part (only the correction is fitted)", NULL, NULL, o->lfmodel, sizeof(o->lfmodel), &o->haslfmodel));
  PetscCall(PetscOptionsReal("-mf_hf_fraction", "Fraction of the HF cases (or rows) kept, chosen by -mf_seed: 0 the LF model alone, 1 all", NULL, o->fraction, &o->fraction, NULL));
  PetscCall(PetscOptionsInt("-mf_seed", "Seed of the choice of HF cases", NULL, o->seed, &o->seed, &o->seedset));
  /* given without a name, each was read as absent or empty: "-results" last on the line failed after the fit */
  PetscCall(SNAPSOptionsCheckFileNames(PETSC_COMM_WORLD, NULL, 5, named));
  PetscOptionsEnd();
  /* before -help's exit too: an invalid value is refused with its error, with or without -help (README) */
  PetscCheck(o->fraction >= 0 && o->fraction <= 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-mf_hf_fraction must be in [0, 1] (0: the LF model alone, 1: every HF case), not %g", (double)o->fraction);
  PetscFunctionReturn(0);
}

/* -help: prints the SNA options too (those of a multi-fidelity model and its parts), before any check or work */
static PetscErrorCode ViewSNAOptions(void)
{
  SNA sna;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNASetType(sna, SNAMF));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* The files named: present, not the same, an output not an input (the checks that need no file read) */
static PetscErrorCode CheckFitOptions(const FitOptions *o)
{
  /* -init_model may be -model: the model is read whole before it is replaced (a fit continued in place) */
  const char *inopts[3] = {"-data", "-mf_lf_model", "-init_model"}, *ins[3] = {o->data, o->haslfmodel ? o->lfmodel : NULL, o->hasinit ? o->init : NULL};
  const char *outopts[2] = {"-model", "-results"}, *outs[2] = {o->model, o->hasresults ? o->results : NULL};

  PetscFunctionBegin;
  PetscCheck(o->hasdata, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -data <in.h5>: the training dataset (run with -help for all options)");
  /* PETSc reads "-data_group" with nothing after it as "", which named the file's root: the group asked for was ignored */
  PetscCheck(!o->groupset || o->group[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-data_group was given without a group name (nothing follows it, or the next word is an option): give -data_group <path> (/ for the file's root), or drop it");
  PetscCheck(o->hasmodel, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -model <out.h5>: where to write the fitted model");
  PetscCall(SNAPSCheckOutputs(PETSC_COMM_WORLD, 2, outopts, outs));
  PetscCall(SNAPSCheckOutputNotInput(PETSC_COMM_WORLD, "-model", o->model, 2, inopts, ins));
  if (o->hasresults) PetscCall(SNAPSCheckOutputNotInput(PETSC_COMM_WORLD, "-results", o->results, 3, inopts, ins));
  PetscCall(SNAPSCheckViewerFiles(PETSC_COMM_WORLD, 3, inopts, ins, 2, outopts, outs)); /* -sna_monitor ascii:<data> emptied it */
  PetscFunctionReturn(0);
}

/* Decides the mode (multi-fidelity or one group, with a choice of HF samples or not), reads the data, and sets the
   sizes of the samples the model is measured on: the HF ones, or the LF ones for the LF model alone */
static PetscErrorCode LoadData(const FitOptions *o, FitRun *run)
{
  char group[256];
  Vec  Xm, Ym;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(group, o->group, sizeof(group)));
  PetscCall(CheckMultiFidelity(o->data, o->groupset, group, o->hasinit, o->haslfmodel ? o->lfmodel : NULL, &run->ch, &run->mf, &run->choose));
  if (run->mf) {
    PetscCall(SNADatasetLoadFidelities(PETSC_COMM_WORLD, o->data, &run->Xlf, &run->Ylf, &run->X, &run->Y));
    PetscCall(VecGetSize(run->Xlf, &run->nlf));
    PetscCall(VecGetBlockSize(run->Xlf, &run->d));
    run->nlf /= run->d;
    PetscCall(PetscStrncpy(group, "/hf", sizeof(group)));
  } else
    PetscCall(SNADatasetLoad(PETSC_COMM_WORLD, o->data, group, &run->X, &run->Y));
  if (run->choose) PetscCall(ChooseHF(o->data, group, &run->ch, &run->X, &run->Y));
  if (!run->X) {
    PetscCall(PetscObjectReference((PetscObject)run->Xlf));
    PetscCall(PetscObjectReference((PetscObject)run->Ylf));
  }
  Xm = run->X ? run->X : run->Xlf;
  Ym = run->Y ? run->Y : run->Ylf;
  PetscCall(VecGetBlockSize(Xm, &run->d));
  PetscCall(VecGetBlockSize(Ym, &run->q));
  PetscCall(VecGetSize(Ym, &run->N));
  run->N /= run->q;
  PetscFunctionReturn(0);
}

/* One group: a fresh model of the data's sizes, or the warm start of -init_model, fitted to X and Y */
static PetscErrorCode FitSingleFidelity(const FitOptions *o, FitRun *run)
{
  SNA sna = run->sna;

  PetscFunctionBegin;
  if (o->hasinit) {
    PetscInt  md, mq;
    PetscBool initmf;

    PetscCall(SNALoad(sna, o->init));
    /* the fit of an mf model refitted its correction alone on these data, taken for HF data, under a report with no
       part's figures and two contradicting warnings about the input box: not the warm start asked for */
    PetscCall(PetscObjectTypeCompare((PetscObject)sna, SNAMF, &initmf));
    PetscCheck(!initmf, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-init_model '%s' is a multi-fidelity model (type mf: an LF part and a correction), but '%s'%s%s is fitted as one single-fidelity group (X and Y), and a warm start keeps the model's type: give a single-fidelity model to -init_model, or fit without it; to keep its LF part and fit a new correction, give a multi-fidelity dataset (/lf and /hf) with -mf_lf_model '%s' instead", o->init, o->data, o->groupset ? " -data_group " : "", o->groupset ? o->group : "", o->init);
    PetscCall(SNAGetSizes(sna, &md, &mq));
    PetscCheck(md == run->d && mq == run->q, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "The data '%s' have %" PetscInt_FMT " inputs and %" PetscInt_FMT " outputs but the model '%s' has %" PetscInt_FMT " and %" PetscInt_FMT, o->data, run->d, run->q, o->init, md, mq);
  } else
    PetscCall(SNASetSizes(sna, run->d, run->q));
  PetscCall(SNASetFromOptions(sna));
  /* the model is written before -sna_fit_error_if_not_converged turns a fit that did not converge into an error */
  PetscCall(SNAGetErrorIfNotConverged(sna, &run->errorifnotconverged));
  PetscCall(SNASetErrorIfNotConverged(sna, PETSC_FALSE));
  PetscCall(ReadFitOptionsEarly(sna, PETSC_FALSE));
  PetscCall(FitClockStart(&run->clk));
  PetscCall(SNAFit(sna, run->X, run->Y));
  PetscCall(FitClockStop(&run->clk));
  PetscFunctionReturn(0);
}

static PetscErrorCode Fit(const FitOptions *o, FitRun *run)
{
  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_WORLD, &run->sna));
  if (run->mf) {
    PetscCall(FitMultiFidelity(run->sna, o->data, o->haslfmodel ? o->lfmodel : NULL, run->Xlf, run->Ylf, run->X, run->Y, run->ch.cases, &run->errorifnotconverged, run->parterror, &run->clk));
    if (!run->X) { /* the LF model alone: measured on the LF samples */
      run->X = run->Xlf;
      run->Y = run->Ylf;
    }
  } else
    PetscCall(FitSingleFidelity(o, run));
  PetscFunctionReturn(0);
}

/* The fitted model's figures: errors on the data (a classifier's cross-entropy and accuracy), stop, times */
static PetscErrorCode Measure(FitRun *run)
{
  SNA       sna   = run->sna;
  PetscReal local = (PetscReal)run->clk.cpu;

  PetscFunctionBegin;
  /* like the MLP baselines' process time around their training loop: the fit's CPU, all ranks */
  PetscCall(MPIU_Allreduce(&local, &run->fitcpu, 1, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  PetscCall(SNAGetLossType(sna, &run->loss));
  if (run->loss == SNA_LOSS_CROSS_ENTROPY) { /* the outputs are logits: their MSE against the class rows means nothing */
    Vec U;
    PetscCall(VecDuplicate(run->Y, &U));
    PetscCall(SNAEvaluate(sna, run->X, U));
    PetscCall(SNAComputeLogitScores(U, run->Y, &run->ce, &run->acc));
    PetscCall(VecDestroy(&U));
  } else {
    PetscCall(SNAComputeMSE(sna, run->X, run->Y, &run->mse));
    PetscCall(SNAComputeTargetVariance(run->Y, &run->var, NULL)); /* relative MSE: 1 is no better than the outputs' means */
  }
  PetscCall(SNAGetNumParameters(sna, &run->nparams));
  PetscCall(SNAGetConvergedReason(sna, &run->reason));
  PetscCall(SNAGetIterationNumber(sna, &run->its));
  PetscCall(SNAGetType(sna, &run->type));
  PetscCall(SNAGetFitType(sna, &run->fittype));
  PetscCall(SNAGetValidationMSE(sna, &run->valmse));
  PetscCall(SNAGetValidationRefitted(sna, &run->refitted));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintFit(const FitOptions *o, const FitRun *run)
{
  PetscMPIInt size;
  const char *msename;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: %s (%s) on %" PetscInt_FMT " samples, %" PetscInt_FMT " inputs, %" PetscInt_FMT " outputs, %" PetscInt_FMT " parameters, %d ranks\n", run->type, run->fittype, run->N, run->d, run->q, run->nparams, size));
  /* with samples held out, the MSE over all of them is no training MSE (-sna_view's "training-split MSE" is that) */
  msename = run->valmse >= 0 ? "MSE over all samples (the held-out ones included)" : "training MSE";
  if (run->loss == SNA_LOSS_CROSS_ENTROPY)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: training cross-entropy %.6e, accuracy %.4f, %s after %" PetscInt_FMT " iterations, %.3f s\n", (double)run->ce, (double)run->acc, SNAConvergedReasons[run->reason], run->its, (double)run->clk.wall));
  else if (run->var > 0)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: %s %.6e (relative %.3e), %s after %" PetscInt_FMT " iterations, %.3f s\n", msename, (double)run->mse, (double)(run->mse / run->var), SNAConvergedReasons[run->reason], run->its, (double)run->clk.wall));
  else
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: %s %.6e (no relative MSE: %s), %s after %" PetscInt_FMT " iterations, %.3f s\n", msename, (double)run->mse, ConstantTargets, SNAConvergedReasons[run->reason], run->its, (double)run->clk.wall));
  if (run->mf) PetscCall(PartStops(run->sna, o->haslfmodel, run->parterror, NULL));
  if (run->mf) PetscCall(CorrectionSize(NULL, run->sna));
  PetscCall(SNAWarnOverParameterised(run->sna, PETSC_DETERMINE, "snaps-fit")); /* an mf model: each part */
  if (run->valmse >= 0) {
    /* after the refit on all samples the model written has seen the held-out ones: the figure is of the one before */
    if (run->refitted)
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: validation MSE %.6e on the held-out samples, of the model before its refit on all samples (-sna_fit_validation, -sna_fit_validation_refit: the model written has seen them; the MSE above is over all samples)\n", (double)run->valmse));
    else
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: validation MSE %.6e on the held-out samples (-sna_fit_validation; the MSE above is over all samples, -sna_view's training-split MSE over the fitted ones)\n", (double)run->valmse));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode SaveModel(const FitOptions *o, const FitRun *run)
{
  const SNAConvergedReason reason = run->reason;

  PetscFunctionBegin;
  /* a finite loss that the fit lowered is a usable model (the best iterate), whether or not a tolerance was met */
  PetscCall(SNACheckFitUsable(run->sna, "snaps-fit"));
  PetscCall(SNASave(run->sna, o->model));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: model written to %s%s\n", o->model, reason >= 0 ? "" : run->mf                      ? " (the best iterate of a fit that did not converge: raise the -sna_fit_max_it of a part above that did not, or lower the -sna_fit_lambda of one that stalled, or for ar1's joint stage the model's -sna_fit_max_it)"
                                                                                                         : reason == SNA_DIVERGED_STALLED ? " (the best iterate of a fit that did not converge: its sweeps stopped lowering the training MSE with sweeps left, where the penalty holds it: lower -sna_fit_lambda; more sweeps do not help)"
                                                                                                                                          : " (the best iterate of a fit that did not converge: raise -sna_fit_max_it, or loosen -sna_fit_rtol)"));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteFitReport(const FitOptions *o, const FitRun *run)
{
  SNAPSReport      report;
  SNAFitStatistics st;
  PetscMPIInt      size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
  PetscCall(SNAPSReportSetString(report, "program", "snaps-fit"));
  PetscCall(SNAPSReportSetString(report, "data", o->data));
  PetscCall(SNAPSReportSetString(report, "model", o->model));
  PetscCall(SNAPSReportSetString(report, "type", run->type));
  PetscCall(SNAPSReportSetString(report, "fit_type", run->fittype));
  PetscCall(SNAPSReportSetInt(report, "n_samples", run->N));
  PetscCall(SNAPSReportSetInt(report, "n_inputs", run->d));
  PetscCall(SNAPSReportSetInt(report, "n_outputs", run->q));
  PetscCall(SNAPSReportSetInt(report, "n_params", run->nparams));
  PetscCall(SNAPSReportSetString(report, "loss", SNALossTypes[run->loss]));
  if (run->loss == SNA_LOSS_CROSS_ENTROPY) {
    PetscCall(SNAPSReportSetReal(report, "train_cross_entropy", run->ce));
    PetscCall(SNAPSReportSetReal(report, "train_accuracy", run->acc));
    PetscCall(SNAPSReportSetString(report, "train_relative_mse_omitted", "the outputs are logits (-sna_loss cross_entropy): train_cross_entropy and train_accuracy measure the fit"));
  } else {
    PetscCall(SNAPSReportSetReal(report, "train_mse", run->mse));
    if (run->var > 0)
      PetscCall(SNAPSReportSetReal(report, "train_relative_mse", run->mse / run->var));
    else
      PetscCall(SNAPSReportSetString(report, "train_relative_mse_omitted", ConstantTargets));
  }
  if (run->valmse >= 0) {
    PetscCall(SNAPSReportSetReal(report, "validation_mse", run->valmse));
    PetscCall(SNAPSReportSetBool(report, "validation_refitted", run->refitted)); /* true: validation_mse is the model's before its refit */
  }
  PetscCall(SNAPSReportSetInt(report, "iterations", run->its));
  PetscCall(SNAGetFitStatistics(run->sna, &st));
  PetscCall(SNAPSReportSetInt(report, "outer_iterations", st.outer));
  PetscCall(SNAPSReportSetInt(report, "inner_iterations", st.inner));
  PetscCall(SNAPSReportSetInt(report, "function_evaluations", st.function));
  PetscCall(SNAPSReportSetInt(report, "gradient_evaluations", st.gradient));
  PetscCall(SNAPSReportSetInt(report, "hessian_evaluations", st.hessian));
  PetscCall(SNAPSReportSetString(report, "converged_reason", SNAConvergedReasons[run->reason]));
  PetscCall(SNAPSReportSetReal(report, "wall_time_s", (PetscReal)run->clk.wall));
  PetscCall(SNAPSReportSetReal(report, "fit_cpu_time_s", run->fitcpu));
  PetscCall(SNAPSReportSetReal(report, "samples_per_second_per_rank", (PetscReal)run->N * (run->its > 0 ? run->its : 1) / ((PetscReal)run->clk.wall * size)));
  if (run->mf) PetscCall(ReportMultiFidelity(report, run->sna, run->nlf, o->haslfmodel ? o->lfmodel : NULL));
  if (run->choose) PetscCall(ReportChoice(report, &run->ch));
  PetscCall(SNAPSReportWrite(report, o->results));
  PetscCall(SNAPSReportDestroy(&report));
  PetscFunctionReturn(0);
}

/* After the model and the report are written: -sna_fit_error_if_not_converged (the model's, or a part's) */
static PetscErrorCode CheckConverged(const FitOptions *o, const FitRun *run)
{
  PetscFunctionBegin;
  if (run->mf) PetscCall(PartStops(run->sna, o->haslfmodel, run->parterror, o->model));
  PetscCheck(!run->errorifnotconverged || run->reason > 0 || run->mf, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "The fit did not converge (%s after %" PetscInt_FMT " iterations, -sna_fit_error_if_not_converged); the model was written to %s", SNAConvergedReasons[run->reason], run->its, o->model);
  PetscCheck(!run->errorifnotconverged || run->reason > 0, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "The multi-fidelity fit did not converge (%s: see its parts' stops above, -sna_fit_error_if_not_converged); the model was written to %s", SNAConvergedReasons[run->reason], o->model);
  PetscFunctionReturn(0);
}

static PetscErrorCode FitRunDestroy(FitRun *run)
{
  PetscFunctionBegin;
  PetscCall(SNADestroy(&run->sna));
  PetscCall(VecDestroy(&run->X));
  PetscCall(VecDestroy(&run->Y));
  PetscCall(VecDestroy(&run->Xlf));
  PetscCall(VecDestroy(&run->Ylf));
  PetscCall(PetscFree(run->ch.kept));
  PetscCall(VecDestroy(&run->ch.cases));
  PetscFunctionReturn(0);
}

/* Checks, reads the data, fits, writes the model (and the report), then honours -sna_fit_error_if_not_converged */
static PetscErrorCode FitModel(const FitOptions *o)
{
  FitRun run;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&run, sizeof(run)));
  run.ch.fraction = o->fraction;
  run.ch.seed     = o->seed;
  run.ch.seedset  = o->seedset;
  PetscCall(CheckFitOptions(o));
  PetscCall(LoadData(o, &run));
  PetscCall(Fit(o, &run));
  PetscCall(Measure(&run));
  PetscCall(PrintFit(o, &run));
  PetscCall(SaveModel(o, &run));
  if (o->hasresults) PetscCall(WriteFitReport(o, &run));
  PetscCall(CheckConverged(o, &run));
  PetscCall(FitRunDestroy(&run));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  FitOptions o;
  PetscBool  helpflg;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(SNAInitializePackage());
  PetscCall(FitOptionsRead(&o));
  PetscCall(PetscOptionsHasHelp(NULL, &helpflg));
  if (helpflg)
    PetscCall(ViewSNAOptions()); /* then stop before any check or work */
  else
    PetscCall(FitModel(&o));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
