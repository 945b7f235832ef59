/* KHRONOS: a CP (canonical polyadic) low-rank expansion over per-input B-splines.
   Evaluation touches k + 1 basis functions per input, so a sample costs O(d k M). */
#include <snaps/private/khronosimpl.h>
#include <snaps/private/simd.h>
#include <snaps/options.h>
#include <petscblaslapack.h>

/* Reallocates W ((G_0 + ... + G_{d-1}) x M) and C (M x q); contents undefined. G may be kh->nodes. */
PetscErrorCode SNAKhronosAllocate(SNA sna, const PetscInt G[], PetscInt M)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d  = sna->dim_in;
  PetscInt      *nodes, *start;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(d, &nodes));
  PetscCall(PetscMalloc1(d + 1, &start));
  start[0] = 0;
  for (PetscInt p = 0; p < d; p++) {
    nodes[p]     = G[p];
    start[p + 1] = start[p] + G[p];
  }
  PetscCall(PetscFree(kh->nodes));
  PetscCall(PetscFree(kh->start));
  kh->nodes  = nodes;
  kh->start  = start;
  kh->nnodes = d;
  PetscCall(PetscFree(kh->W));
  PetscCall(PetscFree(kh->C));
  PetscCall(PetscCalloc1(start[d] * M, &kh->W));
  PetscCall(PetscCalloc1(M * sna->dim_out, &kh->C));
  kh->modes    = M;
  kh->fresh    = PETSC_FALSE;
  sna->nparams = start[d] * M + M * sna->dim_out;
  PetscFunctionReturn(0);
}

PetscInt SNAKhronosMaxNodes(const SNA_Khronos *kh)
{
  PetscInt G = 0;

  for (PetscInt p = 0; p < kh->nnodes; p++) G = PetscMax(G, kh->nodes[p]);
  return G;
}

PetscInt SNAKhronosFullRankParameters(SNA sna)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;
  PetscInt     G  = 0;

  for (PetscInt p = 0; p < sna->dim_in; p++) G += kh->nodes[kh->nnodes == 1 ? 0 : p];
  return G * kh->max_modes + kh->max_modes * sna->dim_out;
}

/* The full-rank parameter count at the finest level of -sna_khronos_refine (each level doubles the knot intervals:
   n - degree intervals become 2 (n - degree)), as a real: it may exceed any integer before the memory check refuses it. */
static PetscReal FinestLevelParameters(SNA sna)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;
  PetscReal    G  = 0;

  for (PetscInt p = 0; p < sna->dim_in; p++) G += (PetscReal)(kh->nodes[kh->nnodes == 1 ? 0 : p] - kh->degree) * PetscPowRealInt(2.0, kh->refine) + kh->degree;
  return G * kh->max_modes + (PetscReal)kh->max_modes * sna->dim_out;
}

PetscBool SNAKhronosUniformNodes(const SNA_Khronos *kh)
{
  for (PetscInt p = 1; p < kh->nnodes; p++)
    if (kh->nodes[p] != kh->nodes[0]) return PETSC_FALSE;
  return PETSC_TRUE;
}

PetscErrorCode SNAKhronosNodesString(PetscInt n, const PetscInt nodes[], char buf[], size_t len)
{
  size_t used = 0;

  PetscFunctionBegin;
  buf[0] = 0;
  for (PetscInt p = 0; p < n && used + 1 < len; p++) {
    PetscCall(PetscSNPrintf(buf + used, len - used, p ? ",%" PetscInt_FMT : "%" PetscInt_FMT, nodes[p]));
    PetscCall(PetscStrlen(buf, &used));
  }
  PetscFunctionReturn(0);
}

/* The node counts n (1: the same for every input, else one per input) against the degree and, once known, the
   number of inputs: errors name -sna_khronos_nodes, the input and the value. */
static PetscErrorCode CheckNodes(SNA sna, PetscInt degree, PetscInt n, const PetscInt nodes[])
{
  MPI_Comm comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscCheck(n >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_khronos_nodes needs one value (the same for every input) or one per input, not none", SNAMessagePrefix(sna));
  PetscCheck(n == 1 || sna->dim_in < 0 || n == sna->dim_in, comm, PETSC_ERR_ARG_SIZ, "-%ssna_khronos_nodes has %" PetscInt_FMT " values but the model has %" PetscInt_FMT " inputs: give one value (the same for every input) or one per input", SNAMessagePrefix(sna), n, sna->dim_in);
  for (PetscInt p = 0; p < n; p++) {
    if (n == 1)
      PetscCheck(nodes[p] >= degree + 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "KHRONOS needs at least degree + 1 = %" PetscInt_FMT " nodes per input (-%ssna_khronos_nodes), not %" PetscInt_FMT, degree + 1, SNAMessagePrefix(sna), nodes[p]);
    else
      PetscCheck(nodes[p] >= degree + 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_khronos_nodes: input %" PetscInt_FMT " has %" PetscInt_FMT " nodes, but degree %" PetscInt_FMT " needs at least degree + 1 = %" PetscInt_FMT " per input", SNAMessagePrefix(sna), p, nodes[p], degree, degree + 1);
  }
  PetscFunctionReturn(0);
}

/* Pseudo-random mode m (uniform in [-1, 1], or in 1 +- spread for spread > 0) from a seed that depends only on
   (seed, m), so every rank and every run starts from the same model. */
PetscErrorCode SNAKhronosInitializeModeSpread(SNA sna, PetscInt m, PetscReal spread)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt M  = kh->modes;
  PetscRandom    rnd;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRANDER48));
  if (spread > 0) /* B-splines sum to one, so coefficients near one give factors near one */
    PetscCall(PetscRandomSetInterval(rnd, 1 - spread, 1 + spread));
  else
    PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(PetscRandomSetSeed(rnd, (unsigned long)(kh->seed + 7919 * m)));
  PetscCall(PetscRandomSeed(rnd));
  for (PetscInt p = 0; p < sna->dim_in; p++)
    for (PetscInt g = 0; g < kh->nodes[p]; g++) PetscCall(PetscRandomGetValueReal(rnd, &kh->W[(kh->start[p] + g) * M + m]));
  for (PetscInt j = 0; j < sna->dim_out; j++) kh->C[m * sna->dim_out + j] = 0.0;
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* Mode m with the model's own spread (-sna_khronos_init_spread). */
PetscErrorCode SNAKhronosInitializeMode(SNA sna, PetscInt m)
{
  PetscFunctionBegin;
  PetscCall(SNAKhronosInitializeModeSpread(sna, m, ((SNA_Khronos *)sna->data)->init_spread));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNASetUp_Khronos(SNA sna)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt M = kh->enrich ? 1 : kh->max_modes, d = sna->dim_in;
  PetscInt      *G;

  PetscFunctionBegin;
  PetscCall(CheckNodes(sna, kh->degree, kh->nnodes, kh->nodes));
  PetscCall(PetscMalloc1(d, &G));
  for (PetscInt p = 0; p < d; p++) G[p] = kh->nodes[kh->nnodes == 1 ? 0 : p];
  if (!kh->basis) PetscCall(PetscCalloc1(d, &kh->basis));
  for (PetscInt p = 0; p < d; p++) {
    PetscCall(SNABSplineDestroy(&kh->basis[p]));
    PetscCall(SNABSplineCreateUniform(kh->degree, G[p], 0.0, 1.0, &kh->basis[p]));
  }
  PetscCall(SNAKhronosAllocate(sna, G, M));
  PetscCall(PetscFree(G));
  for (PetscInt m = 0; m < M; m++) PetscCall(SNAKhronosInitializeMode(sna, m));
  /* equal weights so that gradient-based fits start with a nonzero output */
  for (PetscInt i = 0; i < M * sna->dim_out; i++) kh->C[i] = 1.0 / M;
  kh->fresh           = PETSC_TRUE; /* a data fit may replace these values by the tensor start */
  kh->seed_drew       = kh->seed_given;
  kh->spread_replaced = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* See khronosimpl.h. Each level doubles the knot intervals, G_p -> 2(G_p - k) + k; the model holds the G_p + k + 1
   knots and G_p M weights of every input; an ALS block solve the normal equations of one input's G_p M weights, and
   its least-squares solve two more matrices of that size; the refinement its G_fine x G_coarse matrix (the largest
   input's, in both). In floating point, so that no size overflows before it is refused. */
PetscErrorCode SNAKhronosCheckMemory(SNA sna, PetscInt degree, PetscInt n, const PetscInt nodes[], PetscInt modes, PetscInt refine, PetscBool als)
{
  const PetscInt d   = n > 1 ? n : PetscMax(sna->dim_in, 1);
  PetscLogDouble sum = 0, G = 0, nb, bytes;
  char           what[512], list[256];

  PetscFunctionBegin;
  for (PetscInt p = 0; p < d; p++) {
    const PetscLogDouble Gp = (PetscLogDouble)(nodes[n > 1 ? p : 0] - degree) * PetscPowRealInt(2.0, refine) + degree;

    sum += Gp;
    G = PetscMax(G, Gp);
  }
  nb    = G * modes;
  bytes = 8 * (sum + d * (degree + 1) + sum * modes + (als ? 3 * nb * nb + (refine ? G * G / 2 : 0) : 0));
  PetscCall(SNAKhronosNodesString(n, nodes, list, sizeof(list)));
  PetscCall(PetscSNPrintf(what, sizeof(what), "KHRONOS with -%ssna_khronos_nodes %s, -%ssna_khronos_modes %" PetscInt_FMT " and -%ssna_khronos_refine %" PetscInt_FMT " (up to %.4g nodes per input at the finest level%s)", SNAMessagePrefix(sna), list, SNAMessagePrefix(sna), modes, SNAMessagePrefix(sna), refine, (double)G, als ? ", the normal equations of its block fits" : ""));
  PetscCall(SNAPSCheckMemory(PetscObjectComm((PetscObject)sna), bytes, what));
  /* what a model file holds (SNALoad() refuses more): refused before the fit, not when the model is read */
  PetscCheck(G <= SNA_KHRONOS_MAX_NODES && modes <= SNA_KHRONOS_MAX_MODES, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "%s: a KHRONOS model holds at most %d nodes per input (at the finest level) and %d modes: choose fewer", what, SNA_KHRONOS_MAX_NODES, SNA_KHRONOS_MAX_MODES);
  PetscFunctionReturn(0);
}

static PetscErrorCode SNADestroy_Khronos(SNA sna)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  if (kh->basis)
    for (PetscInt p = 0; p < sna->dim_in; p++) PetscCall(SNABSplineDestroy(&kh->basis[p]));
  PetscCall(PetscFree(kh->basis));
  PetscCall(PetscFree(kh->W));
  PetscCall(PetscFree(kh->C));
  PetscCall(PetscFree(kh->nodes));
  PetscCall(PetscFree(kh->start));
  PetscCall(PetscFree(sna->data));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetBasis_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetPolynomial_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosGetBasis_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetRefinement_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetInitSpread_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAGetSeed_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNASetRitzForm_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitRitz_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetConstant_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitCheck_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitStart_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitDefaultValidation_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitDefaultValidationOptions_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitSeedUnused_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetNodes_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosGetNodes_C", NULL));
  PetscFunctionReturn(0);
}

/* The Anderson depth an ALS fit uses when -sna_fit_als_anderson is not given: KHRONOS_AUTO_ANDERSON for auto
   (automatic), else 0. The one home of that rule: -help shows it, FitLevel() applies it. */
PetscInt SNAKhronosDefaultAnderson(PetscBool automatic)
{
  return automatic ? KHRONOS_AUTO_ANDERSON : 0;
}

/* The default depth for this SNA's chosen fit type. */
static PetscInt DefaultAnderson(SNA sna)
{
  PetscBool automatic = PETSC_FALSE;

  if (sna->fittype) (void)PetscStrcmp(sna->fittype, SNAFITAUTO, &automatic);
  return SNAKhronosDefaultAnderson(automatic);
}

PetscErrorCode SNAKhronosCheckAndersonUnused(SNA sna, const char what[])
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  PetscCheck(kh->anderson <= 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_fit_als_anderson %" PetscInt_FMT " accelerates ALS sweeps, which %s does not take: drop -%ssna_fit_als_anderson, or use -%ssna_fit_type als or auto", SNAMessagePrefix(sna), kh->anderson, what, SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  PetscFunctionReturn(0);
}

/* Before a fit of the registry runs (SNAFitRun), before the tensor start or any other work: the ALS options of
   khronos (Anderson, extrapolation, and the stages of the ALS fits: enrichment, knot refinement) are refused by a fit
   that takes no ALS sweeps (lm, tao, irls), instead of being silently ignored. als, auto and infinite_descent read
   them (or refuse them) themselves. The auto fit refuses the slow-progress stop on a model
   whose first level is too large for its Levenberg-Marquardt retry (every later level is larger: the stop would never
   run). -sna_fit_irls_newton_its, given, is refused by every fit but irls (it was an unused option there). */
static PetscErrorCode SNAFitCheck_Khronos(SNA sna, const char fit[])
{
  SNA_Khronos *kh     = (SNA_Khronos *)sna->data;
  const char  *prefix = SNAMessagePrefix(sna);
  char         what[96], alt[PETSC_MAX_OPTION_NAME + 64] = "";
  PetscBool    sweeps, automatic, irls;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(fit, SNAFITAUTO, &automatic));
  if (automatic && SNAProgressStopChosen(sna) && SNAKhronosFullRankParameters(sna) > KHRONOS_AUTO_LM_MAX_PARAMS) {
    char of[PETSC_MAX_OPTION_NAME + 128];

    PetscCall(PetscSNPrintf(of, sizeof(of), "Levenberg-Marquardt, which -%ssna_fit_type auto does not run on a model of more than %d parameters (this one has %" PetscInt_FMT ": ALS alone)", prefix, KHRONOS_AUTO_LM_MAX_PARAMS, SNAKhronosFullRankParameters(sna)));
    PetscCall(PetscSNPrintf(alt, sizeof(alt), ", or use -%ssna_fit_type lm", prefix));
    PetscCall(SNAProgressStopRefuse(sna, of, alt));
  }
  PetscCall(PetscStrcmp(fit, SNAFITIRLS, &irls));
  PetscCheck(irls || !kh->irls_its_given, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_fit_irls_newton_its %" PetscInt_FMT " sets the Newton steps of -%ssna_fit_type irls, which -%ssna_fit_type %s does not run: drop it, or use -%ssna_fit_type irls", prefix, kh->irls_newton_its, prefix, prefix, fit, prefix);
  PetscCall(PetscStrInList(fit, SNAFITALS "," SNAFITAUTO "," SNAFITINFINITEDESCENT, ',', &sweeps));
  if (sweeps) {
    /* a sweep is followed by an Anderson step or else Bro's line search (SNAKhronosSweepStage): the line search given
       where Anderson acceleration is on (given, or auto's default on a model small enough for its Levenberg-Marquardt
       retry: FitLevel) would be ignored */
    const PetscBool deflt = (PetscBool)(kh->anderson < 0);
    PetscBool       newton, anderson;

    /* auto's default depth is taken level by level (FitKhronos): a level of more parameters than its LM retry affords
       runs without acceleration, so the line search acts there (the parameters grow with the level); infinite
       descent's Newton sweeps are never accelerated */
    PetscCall(PetscStrcmp(fit, SNAFITINFINITEDESCENT, &newton));
    anderson = (PetscBool)(!newton && (kh->anderson > 0 || (deflt && automatic && FinestLevelParameters(sna) <= KHRONOS_AUTO_LM_MAX_PARAMS)));

    PetscCheck(!kh->extrapolate || !anderson, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_fit_als_extrapolate adds Bro's line search to ALS sweeps that are not Anderson-accelerated, but -%ssna_fit_type %s accelerates them (-%ssna_fit_als_anderson %" PetscInt_FMT "%s): add -%ssna_fit_als_anderson 0 for the line search instead, or drop -%ssna_fit_als_extrapolate", prefix, prefix, fit, prefix, deflt ? SNAKhronosDefaultAnderson(PETSC_TRUE) : kh->anderson, deflt ? ", its default" : "", prefix, prefix);
    PetscFunctionReturn(0);
  }
  PetscCall(PetscSNPrintf(what, sizeof(what), "-%ssna_fit_type %s", prefix, fit));
  PetscCall(SNAKhronosCheckAndersonUnused(sna, what));
  PetscCheck(!kh->extrapolate, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_fit_als_extrapolate adds a line search to ALS sweeps, which -%ssna_fit_type %s does not take: drop -%ssna_fit_als_extrapolate, or use -%ssna_fit_type als or auto", prefix, prefix, fit, prefix, prefix);
  /* the stages of the ALS fits: lm, tao and irls fit the model as it is set up (one mode under enrichment); irls, the
     only fit of the cross-entropy loss, has no ALS fit to point to */
  if (!irls) PetscCall(PetscSNPrintf(alt, sizeof(alt), ", or use -%ssna_fit_type als or auto", prefix));
  PetscCheck(!kh->enrich, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_khronos_enrich grows the rank from 1 to -%ssna_khronos_modes %" PetscInt_FMT " between the ALS stages of a fit, which -%ssna_fit_type %s does not take (it would fit the rank-1 start alone): drop -%ssna_khronos_enrich%s", prefix, prefix, kh->max_modes, prefix, fit, prefix, alt);
  PetscCheck(!kh->refine, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_khronos_refine %" PetscInt_FMT " doubles the knot intervals between the levels of an ALS fit, which -%ssna_fit_type %s does not take (it would fit the first level alone): drop -%ssna_khronos_refine (give more -%ssna_khronos_nodes instead)%s", prefix, kh->refine, prefix, fit, prefix, prefix, alt);
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAKhronosSetInitSpread_Khronos(SNA sna, PetscReal spread)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  /* the SNA's prefix: a part of an mf model has its own */
  PetscCheck(spread >= 0 && spread < PETSC_MAX_REAL, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_khronos_init_spread must be 0 or positive and finite, not %g", SNAMessagePrefix(sna), (double)spread);
  kh->init_spread     = spread;
  kh->init_spread_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* The KHRONOS options, with nodes[nmax] (the caller's) to read -sna_khronos_nodes into. */
static PetscErrorCode SNASetFromOptions_Khronos_Nodes(SNA sna, PetscOptionItems *PetscOptionsObject, PetscInt nmax, PetscInt nodes[])
{
  SNA_Khronos *kh     = (SNA_Khronos *)sna->data;
  PetscInt     degree = kh->degree, modes = kh->max_modes, refine = kh->refine, anderson, n = nmax;
  PetscReal    spread;
  PetscBool    enrich = kh->enrich, set, nodesset;

  PetscFunctionBegin;
  PetscCall(PetscArraycpy(nodes, kh->nodes, kh->nnodes));
  PetscOptionsHeadBegin(PetscOptionsObject, "KHRONOS options");
  PetscCall(PetscOptionsInt("-sna_khronos_degree", "B-spline degree (1 to 7)", "SNAKhronosSetBasis", degree, &degree, NULL));
  PetscCall(PetscOptionsIntArray("-sna_khronos_nodes", "B-spline basis functions (nodes) per input: one value for every input, or one per input (e.g. 4,4,12)", "SNAKhronosSetNodes", nodes, &n, &nodesset));
  PetscCall(PetscOptionsInt("-sna_khronos_modes", "Rank M: number of separable modes", "SNAKhronosSetBasis", modes, &modes, &set));
  if (set) kh->modes_given = PETSC_TRUE;
  PetscCall(PetscOptionsInt("-sna_khronos_refine", "Knot-refinement levels per fit (nodes doubled each level, warm start; the ALS fits: auto, als, infinite_descent; refused by lm, tao, irls; the refit of -sna_fit_validation_refit goes on at the refined knots)", "SNAKhronosSetRefinement", refine, &refine, NULL));
  PetscCall(PetscOptionsBool("-sna_khronos_enrich", "Greedy rank enrichment: grow the rank from 1 to -sna_khronos_modes (the ALS fits: auto, als, infinite_descent; refused by lm, tao, irls)", "SNAKhronosSetRefinement", enrich, &enrich, &set));
  /* the set-up allocates one mode under enrichment: a model set up, fitted or loaded at its full rank has none to
     grow (a warm start such as snaps-fit -init_model fitted on as before, and -sna_view said "greedy enrichment") */
  PetscCheck(!set || !enrich || !sna->setupcalled || kh->modes < kh->max_modes, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "-%ssna_khronos_enrich grows the rank of a fresh model from 1 to -%ssna_khronos_modes, but this model is already set up, fitted or loaded at its full rank %" PetscInt_FMT " (a warm start such as snaps-fit -init_model starts from its parameters): drop -%ssna_khronos_enrich, or fit a new model", SNAMessagePrefix(sna), SNAMessagePrefix(sna), kh->modes, SNAMessagePrefix(sna));
  PetscCall(PetscOptionsInt("-sna_khronos_seed", "Seed of the (rank-independent) initialisation and of the split of -sna_fit_validation (a warm start, or a tensor start that fills every mode, without held-out samples uses neither: warned)", "SNAKHRONOS", kh->seed, &kh->seed, &set));
  if (set) kh->seed_given = PETSC_TRUE;
  spread = kh->init_spread;
  PetscCall(PetscOptionsReal("-sna_khronos_init_spread", "s > 0: start every factor at 1 + s U(-1,1) (for many inputs, where products of factors in [-1,1] vanish); 0: coefficients uniform in [-1,1]", "SNAKhronosSetInitSpread", spread, &spread, &set));
  /* the coefficients of a set-up model are drawn already (a fitted or loaded one is a warm start): refused, not ignored */
  PetscCheck(!set || !sna->setupcalled, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "-%ssna_khronos_init_spread %g sets how the coefficients of a fresh model are drawn, but this model's are already set (it is set up, fitted or loaded; a warm start such as snaps-fit -init_model starts from its parameters): drop -%ssna_khronos_init_spread, or fit a new model", SNAMessagePrefix(sna), (double)spread, SNAMessagePrefix(sna));
  if (set) PetscCall(SNAKhronosSetInitSpread_Khronos(sna, spread)); /* else a fit may keep its own default (irls) */
  PetscCall(PetscOptionsBool("-sna_fit_als_extrapolate", "ALS sweeps that are not Anderson-accelerated try a step along the last sweep's change (Bro's line search): with -sna_fit_type als (no Anderson by default), or with -sna_fit_als_anderson 0 (auto accelerates its sweeps by default: refused there without it); refused by lm, tao, irls and the Ritz fit", "SNAFITALS", kh->extrapolate, &kh->extrapolate, NULL));
  /* shown: the depth the chosen fit will use; kept unset unless given, so that a later change of fit type
     still gets that fit's own default */
  anderson = kh->anderson >= 0 ? kh->anderson : DefaultAnderson(sna);
  PetscCall(PetscOptionsInt("-sna_fit_als_anderson", "ALS sweeps are Anderson-accelerated with this many past sweeps, each accelerated point kept only if it lowers the loss (0: none; default 5 for -sna_fit_type auto, 0 for als; refused by the fits without sweeps: lm, tao, irls, infinite_descent and the Ritz fit)", "SNAFITALS", anderson, &anderson, &set));
  /* its normal equations are depth x depth (a stage keeps at most -sna_fit_max_it differences): 1e5 with a budget
     as long failed on memory naming no option (review s24a); 5 to 20 is what accelerates */
  PetscCheck(!set || (anderson >= 0 && anderson <= 1000), PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_als_anderson must be 0 (no acceleration) to 1000 past sweeps (5 to 20 is usual), not %" PetscInt_FMT, SNAMessagePrefix(sna), anderson);
  if (set) kh->anderson = anderson;
  PetscCall(PetscOptionsInt("-sna_fit_irls_newton_its", "Newton (IRLS) steps per block and sweep of -sna_fit_type irls, the cross-entropy fit (at least 1; refused by the other fits)", "SNAFITIRLS", kh->irls_newton_its, &kh->irls_newton_its, &set));
  if (set) kh->irls_its_given = PETSC_TRUE;
  {
    /* shown: the start this fit takes unless the option is given (the tensor start where the measured default
       applies: UseTensorStart, less its cap of 2000 coarse coefficients), for the options read above */
    SNAKhronosInitType init = kh->init_chosen ? kh->init : SNAKhronosMeasuredDefaultFor(sna, enrich, refine) && kh->init_spread == 0 ? SNA_KHRONOS_INIT_TENSOR
                                                                                                                                     : SNA_KHRONOS_INIT_RANDOM;

    PetscCall(PetscOptionsEnum("-sna_khronos_init", "Start of every data fit of a fresh model (auto, als, lm, tao, infinite_descent): random (seeded coefficients) or tensor (a least-squares fit of a coarse tensor-product spline, 6 functions per input, decomposed into the modes, up to 2000 coarse coefficients, i.e. 4 inputs at 6 or more nodes; beyond that the random start, with a warning). Default: tensor for the auto fit on the least-squares loss without -sna_khronos_enrich, -sna_khronos_refine or -sna_khronos_init_spread, not in an mf model; else random", "SNAFITAUTO", SNAKhronosInitTypes, (PetscEnum)init, (PetscEnum *)&init, &set));
    /* the start of a fresh model's first data fit: a fitted or loaded model (a warm start) starts from its parameters */
    PetscCheck(!set || !sna->setupcalled || kh->fresh, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "-%ssna_khronos_init %s chooses the start of a fresh model's fit, but this model is already fitted or loaded (a warm start such as snaps-fit -init_model starts from its parameters): drop -%ssna_khronos_init, or fit a new model", SNAMessagePrefix(sna), SNAKhronosInitTypes[init], SNAMessagePrefix(sna));
    if (set) {
      kh->init        = init;
      kh->init_chosen = PETSC_TRUE;
    }
  }
  PetscOptionsHeadEnd();
  if (nodesset) kh->nodes_given = PETSC_TRUE;
  if (!nodesset) {
    n = kh->nnodes;
    PetscCall(PetscArraycpy(nodes, kh->nodes, n));
  }
  PetscCall(SNAKhronosSetBasisNodes(sna, degree, n, nodes, modes));
  PetscCall(SNAKhronosSetRefinement(sna, refine, enrich));
  PetscFunctionReturn(0);
}

/* Frees the array of -sna_khronos_nodes also when an option is refused (it leaked at every refusal). */
static PetscErrorCode SNASetFromOptions_Khronos(SNA sna, PetscOptionItems *PetscOptionsObject)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  PetscInt       nmax, *nodes;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  /* room for more values than inputs, so that a list of the wrong length is reported, not cut */
  nmax = PetscMax(sna->dim_in, kh->nnodes) + 64;
  PetscCall(PetscMalloc1(nmax, &nodes));
  ierr = SNASetFromOptions_Khronos_Nodes(sna, PetscOptionsObject, nmax, nodes); /* not PetscCall: free nodes first */
  PetscCall(PetscFree(nodes));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAView_Khronos(SNA sna, PetscViewer viewer)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;
  char         list[256];

  PetscFunctionBegin;
  PetscCall(SNAKhronosNodesString(kh->nnodes, kh->nodes, list, sizeof(list)));
  PetscCall(PetscViewerASCIIPrintf(viewer, "KHRONOS: B-spline degree %" PetscInt_FMT ", %s nodes %s, %" PetscInt_FMT " modes", kh->degree, list, kh->nnodes > 1 ? "(per input)" : "per input", kh->modes));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_FALSE));
  if (kh->enrich) PetscCall(PetscViewerASCIIPrintf(viewer, " (greedy enrichment up to %" PetscInt_FMT ")", kh->max_modes));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_TRUE));
  if (kh->refine) PetscCall(PetscViewerASCIIPrintf(viewer, "knot refinement: %" PetscInt_FMT " levels per fit\n", kh->refine));
  if (kh->init_spread > 0 && !kh->spread_replaced) PetscCall(PetscViewerASCIIPrintf(viewer, "random start: factors 1 + %g U(-1, 1)\n", (double)kh->init_spread));
  PetscFunctionReturn(0);
}

/* f[m] = f_{p,m}(t) for all modes, from the k + 1 nonzero basis values (left in vals);
   returns the index of the first nonzero basis function. */
static inline PetscInt KhronosFactor(const SNA_Khronos *kh, PetscInt p, PetscReal t, PetscReal *vals, PetscReal *f)
{
  const PetscInt   M = kh->modes, k = kh->degree;
  const PetscInt   first = SNABSplineEvalInline(&kh->basis[p], t, vals);
  const PetscReal *w     = kh->W + (kh->start[p] + first) * M;

  for (PetscInt m = 0; m < M; m++) f[m] = vals[0] * w[m];
  for (PetscInt a = 1; a <= k; a++)
    for (PetscInt m = 0; m < M; m++) f[m] += vals[a] * w[a * M + m];
  return first;
}

/* y (n x q) at n rows x (n x d), with z and f workspaces of M each: the one scattered evaluation, of SNAEvaluate and
   of SNAKhronosEvaluateRows alike. Every loop over modes or outputs is contiguous, so that it vectorises: each output
   is still summed over m from 0 as one alone is, and no multiply and add is fused (-ffp-contract=off,
   plugins/CMakeLists.txt), so the AVX2 form and the plain one give the same bits. */
#define KHRONOS_ROW_BLOCK 16 /* outputs summed at once: 4 AVX2 registers, whose loop the compiler unrolls */

/* y[0 .. B) = sum over m of c[m q + b] z[m], the B (<= KHRONOS_ROW_BLOCK) outputs in registers over the modes (B is a
   constant where it is inlined, so the compiler unrolls the lanes), each summed over m from 0 as one alone is */
static inline __attribute__((always_inline)) void KhronosOutputs(PetscInt B, PetscInt M, PetscInt q, const PetscReal *c, const PetscReal *z, PetscReal *y)
{
  PetscReal u[KHRONOS_ROW_BLOCK] = {0};

  for (PetscInt m = 0; m < M; m++) {
    const PetscReal zm = z[m], *cm = c + m * q;
    for (PetscInt b = 0; b < B; b++) u[b] += cm[b] * zm;
  }
  for (PetscInt b = 0; b < B; b++) y[b] = u[b];
}

static inline __attribute__((always_inline)) void KhronosRowsBody(SNA sna, PetscInt n, const PetscReal *restrict x, PetscReal *restrict y, PetscReal *restrict z, PetscReal *restrict f)
{
  const SNA_Khronos *kh = (const SNA_Khronos *)sna->data;
  const PetscInt     d = sna->dim_in, q = sna->dim_out, M = kh->modes;
  const PetscReal   *C = kh->C;
  PetscReal          vals[SNA_BSPLINE_MAX_DEGREE + 1];

  for (PetscInt i = 0; i < n; i++) {
    PetscReal *yi = y + i * q;

    (void)KhronosFactor(kh, 0, SNAUnitCoordinate(sna, 0, x[i * d]), vals, z);
    for (PetscInt p = 1; p < d; p++) {
      (void)KhronosFactor(kh, p, SNAUnitCoordinate(sna, p, x[i * d + p]), vals, f);
      for (PetscInt m = 0; m < M; m++) z[m] *= f[m];
    }
    PetscInt j = 0;
    for (; j + KHRONOS_ROW_BLOCK <= q; j += KHRONOS_ROW_BLOCK) KhronosOutputs(KHRONOS_ROW_BLOCK, M, q, C + j, z, yi + j);
    for (; j + 4 <= q; j += 4) KhronosOutputs(4, M, q, C + j, z, yi + j); /* then 4 at a time, and one */
    for (; j < q; j++) KhronosOutputs(1, M, q, C + j, z, yi + j);
  }
}

#if defined(SNAPS_AVX2)
__attribute__((target("avx2"))) static void KhronosRowsAVX2(SNA sna, PetscInt n, const PetscReal x[], PetscReal y[], PetscReal z[], PetscReal f[])
{
  KhronosRowsBody(sna, n, x, y, z, f);
}
#endif

static void KhronosEvaluateRows(SNA sna, PetscInt n, const PetscReal x[], PetscReal y[], PetscReal z[], PetscReal f[])
{
#if defined(SNAPS_AVX2)
  if (SNAPSHasAVX2()) {
    KhronosRowsAVX2(sna, n, x, y, z, f);
    return;
  }
#endif
  KhronosRowsBody(sna, n, x, y, z, f);
}

static PetscErrorCode SNAEvaluateLocal_Khronos(SNA sna, PetscInt n, const PetscReal x[], PetscReal y[])
{
  const PetscInt M = ((SNA_Khronos *)sna->data)->modes;
  PetscReal     *z, *f;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(M, &z, M, &f));
  KhronosEvaluateRows(sna, n, x, y, z, f);
  PetscCall(PetscFree2(z, f));
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosEvaluateRows - Evaluates a set-up khronos SNA at n local rows given as arrays, as SNAEvaluate() does
  (the same arithmetic, hence the same bits: khronos.c is compiled with -ffp-contract=off), without
  Vecs, logging or allocation.

  Not Collective: x and y are this rank's rows only

  Input Parameters:
+ sna  - a khronos SNA, fitted or loaded
. n    - the number of rows (n >= 0)
. x    - n x d inputs, row by row
- work - 2 M reals of workspace (M: the modes of SNAKhronosGetBasis()); x, y and work must not overlap

  Output Parameter:
. y - n x q outputs

  Level: developer

  Note:
  For callers that evaluate many small SNAs a few rows at a time (a rollout surrogate's categorical heads: 168 SNAs
  of 2 or 3 inputs per step), where wrapping the arrays in Vecs for SNAEvaluate() costs time beside the arithmetic.

.seealso: `SNAEvaluate()`, `SNAKhronosGetBasis()`, `SNAKhronosSparseEvaluate()`
@*/
PetscErrorCode SNAKhronosEvaluateRows(SNA sna, PetscInt n, const PetscReal x[], PetscReal y[], PetscReal work[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(n >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "SNAKhronosEvaluateRows() needs n >= 0 rows, not %" PetscInt_FMT, n);
  if (n) {
    PetscValidRealPointer(x, 3);
    PetscValidRealPointer(y, 4);
    PetscValidRealPointer(work, 5);
  }
  PetscCheck(sna->setupcalled && sna->lower && sna->ops->evaluatelocal == SNAEvaluateLocal_Khronos, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "SNAKhronosEvaluateRows() needs a fitted or loaded khronos SNA; this one has type %s and is %s", ((PetscObject)sna)->type_name ? ((PetscObject)sna)->type_name : "(none)", !(sna->setupcalled && sna->lower) ? "neither fitted nor loaded: fit or load it first" : "set up: use SNAEvaluate() for other types");
  KhronosEvaluateRows(sna, n, x, y, work, work + ((SNA_Khronos *)sna->data)->modes);
  PetscFunctionReturn(0);
}

/* Grid evaluation: per-input factor tables F_p[i][m] (the last input's also transposed, FT[m][i]), then
   lines along the last input, where each point costs M*q multiply-adds. They run mode by mode along the
   line, so they vectorise across points; every value is still summed over m in the same order (from 0),
   so the results are identical to a per-point sum. */
static PetscErrorCode SNAEvaluateGridLocal_Khronos(SNA sna, const PetscInt n[], const PetscReal *const coords[], PetscInt start, PetscInt end, PetscReal y[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, q = sna->dim_out, M = kh->modes;
  const PetscInt nl = n[d - 1];
  PetscReal    **F, *FT, *w, *a, vals[SNA_BSPLINE_MAX_DEGREE + 1];
  PetscInt      *idx;

  PetscFunctionBegin;
  if (end <= start) PetscFunctionReturn(0);
  PetscCall(PetscMalloc4(d, &F, d, &idx, M, &w, M * q, &a));
  for (PetscInt p = 0; p < d; p++) {
    PetscCall(PetscMalloc1(n[p] * M, &F[p]));
    for (PetscInt i = 0; i < n[p]; i++) (void)KhronosFactor(kh, p, SNAUnitCoordinate(sna, p, coords[p][i]), vals, F[p] + i * M);
  }
  PetscCall(PetscMalloc1(M * nl, &FT));
  for (PetscInt i = 0; i < nl; i++)
    for (PetscInt m = 0; m < M; m++) FT[m * nl + i] = F[d - 1][i * M + m];
  /* multi-index of the first local point (last input fastest) */
  for (PetscInt p = d - 1, r = start; p >= 0; p--) {
    idx[p] = r % n[p];
    r /= n[p];
  }
  for (PetscInt P = start; P < end;) {
    const PetscInt len = PetscMin(nl - idx[d - 1], end - P);
    PetscReal     *yl  = y + (P - start) * q;

    for (PetscInt m = 0; m < M; m++) w[m] = 1.0;
    for (PetscInt p = 0; p < d - 1; p++)
      for (PetscInt m = 0; m < M; m++) w[m] *= F[p][idx[p] * M + m];
    for (PetscInt m = 0; m < M; m++)
      for (PetscInt j = 0; j < q; j++) a[j * M + m] = w[m] * kh->C[m * q + j];
    if (q == 1) { /* contiguous output: the common case, vectorised */
      PetscReal *PETSC_RESTRICT yv = yl;
      for (PetscInt l = 0; l < len; l++) yv[l] = 0;
      for (PetscInt m = 0; m < M; m++) {
        const PetscReal *PETSC_RESTRICT ft = FT + m * nl + idx[d - 1];
        const PetscReal                 am = a[m];
        for (PetscInt l = 0; l < len; l++) yv[l] += am * ft[l];
      }
    } else {
      for (PetscInt j = 0; j < q; j++) {
        for (PetscInt l = 0; l < len; l++) yl[l * q + j] = 0;
        for (PetscInt m = 0; m < M; m++) {
          const PetscReal *ft = FT + m * nl + idx[d - 1];
          const PetscReal  am = a[j * M + m];
          for (PetscInt l = 0; l < len; l++) yl[l * q + j] += am * ft[l];
        }
      }
    }
    P += len;
    idx[d - 1] = 0;
    for (PetscInt p = d - 2; p >= 0; p--) { /* odometer carry into the slower inputs */
      if (++idx[p] < n[p]) break;
      idx[p] = 0;
    }
  }
  for (PetscInt p = 0; p < d; p++) PetscCall(PetscFree(F[p]));
  PetscCall(PetscFree(FT));
  PetscCall(PetscFree4(F, idx, w, a));
  PetscFunctionReturn(0);
}

/* theta = [W (d*G*M), C (M*q)] */
static PetscErrorCode SNAGetParameters_Khronos(SNA sna, PetscReal theta[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt nW = kh->start[sna->dim_in] * kh->modes;

  PetscFunctionBegin;
  PetscCall(PetscArraycpy(theta, kh->W, nW));
  PetscCall(PetscArraycpy(theta + nW, kh->C, kh->modes * sna->dim_out));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNASetParameters_Khronos(SNA sna, const PetscReal theta[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt nW = kh->start[sna->dim_in] * kh->modes;

  PetscFunctionBegin;
  PetscCall(PetscArraycpy(kh->W, theta, nW));
  PetscCall(PetscArraycpy(kh->C, theta + nW, kh->modes * sna->dim_out));
  kh->fresh = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* Scratch of the per-sample derivatives: factors F[p*M + m], nonzero basis values vals[p*(k+1) + a] from
   first[p], and the products of the factors before p, pre[p*M + m], and from p on, suf[p*M + m]. */
typedef struct {
  PetscInt  *first;
  PetscReal *F, *pre, *suf, *vals, *r;
} KhronosSample;

static PetscErrorCode KhronosSampleCreate(SNA sna, KhronosSample *s)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, M = kh->modes;

  PetscFunctionBegin;
  PetscCall(PetscMalloc6(d, &s->first, d * M, &s->F, (d + 1) * M, &s->pre, (d + 1) * M, &s->suf, d * (kh->degree + 1), &s->vals, sna->dim_out, &s->r));
  PetscFunctionReturn(0);
}

static PetscErrorCode KhronosSampleDestroy(KhronosSample *s)
{
  PetscFunctionBegin;
  PetscCall(PetscFree6(s->first, s->F, s->pre, s->suf, s->vals, s->r));
  PetscFunctionReturn(0);
}

/* Fills the scratch for sample xi (d inputs) and its residuals r_j = u_j - y_j; returns 1/2 |r|^2. The product
   of all factors but p is pre[p] * suf[p+1] (no division, safe at zeros); pre[d] holds the mode values z. */
static PetscReal KhronosSampleEvaluate(SNA sna, const PetscReal xi[], const PetscReal yi[], KhronosSample *s)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, q = sna->dim_out, M = kh->modes, k1 = kh->degree + 1;
  PetscReal      loss = 0;

  for (PetscInt p = 0; p < d; p++) s->first[p] = KhronosFactor(kh, p, SNAUnitCoordinate(sna, p, xi[p]), s->vals + p * k1, s->F + p * M);
  for (PetscInt m = 0; m < M; m++) {
    s->pre[m]         = 1.0;
    s->suf[d * M + m] = 1.0;
  }
  for (PetscInt p = 0; p < d; p++)
    for (PetscInt m = 0; m < M; m++) s->pre[(p + 1) * M + m] = s->pre[p * M + m] * s->F[p * M + m];
  for (PetscInt p = d - 1; p >= 0; p--)
    for (PetscInt m = 0; m < M; m++) s->suf[p * M + m] = s->suf[(p + 1) * M + m] * s->F[p * M + m];
  for (PetscInt j = 0; j < q; j++) {
    PetscReal u = 0;
    for (PetscInt m = 0; m < M; m++) u += kh->C[m * q + j] * s->pre[d * M + m];
    s->r[j] = u - yi[j];
    loss += 0.5 * s->r[j] * s->r[j];
  }
  return loss;
}

/* The nonzeros of the Jacobian row of output j: d segments of (k+1)M entries d u_j / d W[p, first_p + a, m]
   (global columns (start_p + first_p) M + a M + m, contiguous), then M entries d u_j / d C[m, j] = z_m (columns
   nW + m q + j). v has d (k+1) M + M entries, in increasing column order. */
static void KhronosJacobianRow(SNA sna, const KhronosSample *s, PetscInt j, PetscReal v[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, q = sna->dim_out, M = kh->modes, k1 = kh->degree + 1;

  for (PetscInt p = 0; p < d; p++)
    for (PetscInt a = 0; a < k1; a++)
      for (PetscInt m = 0; m < M; m++) v[(p * k1 + a) * M + m] = s->vals[p * k1 + a] * s->pre[p * M + m] * s->suf[(p + 1) * M + m] * kh->C[m * q + j];
  for (PetscInt m = 0; m < M; m++) v[d * k1 * M + m] = s->pre[d * M + m];
}

/* Loss 1/2 sum |u - y|^2 over local samples and its exact gradient in theta = [W, C]. */
static PetscErrorCode SNALossGradientLocal_Khronos(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal *sse, PetscReal grad[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, q = sna->dim_out, M = kh->modes, k1 = kh->degree + 1;
  PetscReal     *gW = grad, *gC = grad + kh->start[d] * M, *cr, loss = 0;
  KhronosSample  s;

  PetscFunctionBegin;
  PetscCall(KhronosSampleCreate(sna, &s));
  PetscCall(PetscMalloc1(M, &cr));
  for (PetscInt i = 0; i < n; i++) {
    loss += KhronosSampleEvaluate(sna, x + i * d, y + i * q, &s);
    for (PetscInt m = 0; m < M; m++) { /* cr_m = sum_j r_j C[m, j] */
      cr[m] = 0;
      for (PetscInt j = 0; j < q; j++) {
        gC[m * q + j] += s.r[j] * s.pre[d * M + m];
        cr[m] += s.r[j] * kh->C[m * q + j];
      }
    }
    for (PetscInt p = 0; p < d; p++)
      for (PetscInt a = 0; a < k1; a++) {
        PetscReal *g = gW + (kh->start[p] + s.first[p] + a) * M;
        for (PetscInt m = 0; m < M; m++) g[m] += cr[m] * s.vals[p * k1 + a] * s.pre[p * M + m] * s.suf[(p + 1) * M + m];
      }
  }
  *sse = loss;
  PetscCall(PetscFree(cr));
  PetscCall(KhronosSampleDestroy(&s));
  PetscFunctionReturn(0);
}

/* Where the d + 1 runs of the Jacobian row of output j (KhronosJacobianRow) lie among the parameters: run t
   starts at column off[t] and has len[t] entries stride[t] apart (the W runs of the inputs are contiguous, the
   C run has stride q). */
typedef struct {
  PetscInt *off, *len, *stride;
} KhronosRuns;

static PetscErrorCode KhronosRunsCreate(SNA sna, KhronosRuns *runs)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d  = sna->dim_in;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(d + 1, &runs->off, d + 1, &runs->len, d + 1, &runs->stride));
  for (PetscInt t = 0; t <= d; t++) {
    runs->len[t]    = t < d ? (kh->degree + 1) * kh->modes : kh->modes;
    runs->stride[t] = t < d ? 1 : sna->dim_out;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode KhronosRunsDestroy(KhronosRuns *runs)
{
  PetscFunctionBegin;
  PetscCall(PetscFree3(runs->off, runs->len, runs->stride));
  PetscFunctionReturn(0);
}

/* The runs' first columns for the sample in s and output j. */
static inline void KhronosRunsLocate(SNA sna, const KhronosSample *s, PetscInt j, KhronosRuns *runs)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, M = kh->modes;

  for (PetscInt t = 0; t < d; t++) runs->off[t] = (kh->start[t] + s->first[t]) * M;
  runs->off[d] = kh->start[d] * M + j;
}

/* Residuals and dense Jacobian rows (n q rows of nparams), for TAO's least-squares solvers and tests. */
static PetscErrorCode SNAResidualJacobianLocal_Khronos(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal r[], PetscReal J[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, q = sna->dim_out, P = sna->nparams, seg = (kh->degree + 1) * kh->modes;
  PetscReal     *v;
  KhronosSample  s;
  KhronosRuns    runs;

  PetscFunctionBegin;
  PetscCall(KhronosSampleCreate(sna, &s));
  PetscCall(KhronosRunsCreate(sna, &runs));
  PetscCall(PetscMalloc1(d * seg + kh->modes, &v));
  if (J) PetscCall(PetscArrayzero(J, n * q * P));
  for (PetscInt i = 0; i < n; i++) {
    (void)KhronosSampleEvaluate(sna, x + i * d, y + i * q, &s);
    for (PetscInt j = 0; j < q; j++) {
      PetscReal *Jrow = J ? J + (i * q + j) * P : NULL;

      r[i * q + j] = s.r[j];
      if (!Jrow) continue;
      KhronosJacobianRow(sna, &s, j, v);
      KhronosRunsLocate(sna, &s, j, &runs);
      for (PetscInt t = 0; t <= d; t++)
        for (PetscInt a = 0; a < runs.len[t]; a++) Jrow[runs.off[t] + a * runs.stride[t]] = v[t * seg + a];
    }
  }
  PetscCall(PetscFree(v));
  PetscCall(KhronosRunsDestroy(&runs));
  PetscCall(KhronosSampleDestroy(&s));
  PetscFunctionReturn(0);
}

/* Bytes of compressed Jacobian rows held at once by the normal-equations assembly: samples are taken in chunks
   of this size, so its memory is bounded whatever the sample count. */
#define KHRONOS_NORMAL_CHUNK_BYTES (8 << 20)

/* Compressed Jacobian rows of a chunk of samples (KhronosJacobianRow: d runs of seg = (k+1)M W entries, then M
   C entries; L = d seg + M): V[(j n + i) L + ...], residuals r[j n + i] and first basis functions
   first[i d + p]; plus the grouping and tile scratch of the BLAS assembly. */
typedef struct {
  PetscInt   n, L, seg, ns;
  PetscInt  *first, *key, *order, *offset; /* n d; n; n; ns^2 + 1 */
  PetscReal *V, *r, *U, *Gs;               /* q n L; q n; a tile; one (seg + M + 1)^2 Gram */
} KhronosNormalChunk;

/* Stable counting sort of 0..n-1 by key (in [0, nkeys)): the indices of key k are
   order[offset[k] .. offset[k + 1] - 1], ascending. offset has nkeys + 1 entries. */
static void KhronosCountingSort(PetscInt n, const PetscInt key[], PetscInt nkeys, PetscInt offset[], PetscInt order[])
{
  for (PetscInt k = 0; k <= nkeys; k++) offset[k] = 0;
  for (PetscInt i = 0; i < n; i++) offset[key[i] + 1]++;
  for (PetscInt k = 0; k < nkeys; k++) offset[k + 1] += offset[k];
  for (PetscInt i = 0; i < n; i++) order[offset[key[i]]++] = i; /* offset[k] ends at the start of k + 1 */
  for (PetscInt k = nkeys; k > 0; k--) offset[k] = offset[k - 1];
  offset[0] = 0;
}

/* Fills the chunk's rows for samples x, y (n of them); returns 1/2 |r|^2 summed. */
static PetscReal KhronosNormalChunkRows(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], KhronosSample *s, KhronosNormalChunk *ch)
{
  const PetscInt d = sna->dim_in, q = sna->dim_out;
  PetscReal      sse = 0;

  ch->n = n;
  for (PetscInt i = 0; i < n; i++) {
    sse += KhronosSampleEvaluate(sna, x + i * d, y + i * q, s);
    for (PetscInt p = 0; p < d; p++) ch->first[i * d + p] = s->first[p];
    for (PetscInt j = 0; j < q; j++) {
      KhronosJacobianRow(sna, s, j, ch->V + (j * n + i) * ch->L);
      ch->r[j * n + i] = s->r[j];
    }
  }
  return sse;
}

/* The blocks of J^T J and J^T r that pair W[t] with itself and with the head C of output j (and, for t = 0, C
   with itself): the samples of one span of input t share all these columns, so each span's block is one syrk
   of its gathered rows [v_t, v_C, r] (a tile at a time), added to the upper triangle of JtJ afterwards. */
static PetscErrorCode KhronosNormalDiagonal(SNA sna, PetscInt t, PetscInt j, KhronosNormalChunk *ch, PetscReal JtJ[], PetscReal Jtr[])
{
  SNA_Khronos    *kh = (SNA_Khronos *)sna->data;
  const PetscInt  d = sna->dim_in, q = sna->dim_out, M = kh->modes, P = sna->nparams, nW = kh->start[d] * M;
  const PetscInt  seg = ch->seg, w = seg + M + 1, tile = SNAKhronosTileRows(w), n = ch->n;
  const PetscReal one = 1.0, *V = ch->V + j * n * ch->L, *r = ch->r + j * n;
  PetscReal      *Gs = ch->Gs;
  PetscBLASInt    bw, bT;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(w, &bw));
  for (PetscInt i = 0; i < n; i++) ch->key[i] = ch->first[i * d + t];
  KhronosCountingSort(n, ch->key, ch->ns, ch->offset, ch->order);
  for (PetscInt sp = 0; sp < ch->ns; sp++) {
    const PetscInt   o0 = ch->offset[sp], ni = ch->offset[sp + 1] - o0, ft = (kh->start[t] + sp) * M;
    const PetscReal *g = Gs;

    if (!ni) continue;
    PetscCall(PetscArrayzero(Gs, w * w));
    for (PetscInt t0 = 0; t0 < ni; t0 += tile) {
      const PetscInt T = PetscMin(tile, ni - t0);

      for (PetscInt a = 0; a < T; a++) {
        const PetscInt   i = ch->order[o0 + t0 + a];
        const PetscReal *v = V + i * ch->L;
        PetscReal       *u = ch->U + a * w;

        PetscCall(PetscArraycpy(u, v + t * seg, seg));
        PetscCall(PetscArraycpy(u + seg, v + d * seg, M));
        u[w - 1] = r[i];
      }
      PetscCall(PetscBLASIntCast(T, &bT));
      PetscCallBLAS("BLASsyrk", BLASsyrk_("U", "N", &bw, &bT, &one, ch->U, &bw, &one, Gs, &bw));
    }
    /* Gs is column-major upper: (a, b), a <= b, at g[b w + a]; the head's columns are nW + m q + j */
    for (PetscInt a = 0; a < seg; a++) {
      PetscReal *row = JtJ + (ft + a) * P;

      for (PetscInt b = a; b < seg; b++) row[ft + b] += g[b * w + a];
      for (PetscInt m = 0; m < M; m++) row[nW + m * q + j] += g[(seg + m) * w + a];
      Jtr[ft + a] += g[(w - 1) * w + a];
    }
    if (t == 0)
      for (PetscInt m = 0; m < M; m++) {
        PetscReal *row = JtJ + (nW + m * q + j) * P;

        for (PetscInt l = m; l < M; l++) row[nW + l * q + j] += g[(seg + l) * w + seg + m];
        Jtr[nW + m * q + j] += g[(w - 1) * w + seg + m];
      }
  }
  PetscFunctionReturn(0);
}

/* The block of J^T J that pairs W[t] with W[u], t < u: the samples of one pair of spans (s_t, s_u) share its
   columns, so each pair's block is one gemm of the gathered runs v_t, v_u (a tile at a time), written straight
   into JtJ (rows of W[t] come before those of W[u]: the upper triangle). */
static PetscErrorCode KhronosNormalPair(SNA sna, PetscInt t, PetscInt u, PetscInt j, KhronosNormalChunk *ch, PetscReal JtJ[])
{
  SNA_Khronos    *kh = (SNA_Khronos *)sna->data;
  const PetscInt  d = sna->dim_in, M = kh->modes, P = sna->nparams, ns = ch->ns;
  const PetscInt  seg = ch->seg, tile = SNAKhronosTileRows(2 * seg), n = ch->n;
  const PetscReal one = 1.0, *V = ch->V + j * n * ch->L;
  PetscReal      *Ut = ch->U, *Uu = ch->U + tile * seg;
  PetscBLASInt    bs, bT, bP;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(seg, &bs));
  PetscCall(PetscBLASIntCast(P, &bP));
  for (PetscInt i = 0; i < n; i++) ch->key[i] = ch->first[i * d + t] * ns + ch->first[i * d + u];
  KhronosCountingSort(n, ch->key, ns * ns, ch->offset, ch->order);
  for (PetscInt k = 0; k < ns * ns; k++) {
    const PetscInt o0 = ch->offset[k], ni = ch->offset[k + 1] - o0;
    PetscReal     *block = JtJ + (kh->start[t] + k / ns) * M * P + (kh->start[u] + k % ns) * M;

    for (PetscInt t0 = 0; t0 < ni; t0 += tile) {
      const PetscInt T = PetscMin(tile, ni - t0);

      for (PetscInt a = 0; a < T; a++) {
        const PetscReal *v = V + ch->order[o0 + t0 + a] * ch->L;

        PetscCall(PetscArraycpy(Ut + a * seg, v + t * seg, seg));
        PetscCall(PetscArraycpy(Uu + a * seg, v + u * seg, seg));
      }
      PetscCall(PetscBLASIntCast(T, &bT));
      /* row-major block X = Vt^T Vu at ld P is the column-major X^T = Vu_c Vt_c^T */
      PetscCallBLAS("BLASgemm", BLASgemm_("N", "T", &bs, &bs, &bT, &one, Uu, &bs, Ut, &bs, &one, block, &bP));
    }
  }
  PetscFunctionReturn(0);
}

/* Gauss-Newton normal equations from the sparse rows: each row has L = (d(k+1) + 1) M nonzeros in d + 1 runs
   (KhronosRuns), and the samples that share the spans of a pair of runs share that block's columns. So J^T J is
   assembled by BLAS, like the ALS Gram (khronosals.c): per span of each input, one syrk gives the blocks of W[t]
   with itself and with the head (KhronosNormalDiagonal); per pair of spans of two inputs, one gemm gives the
   block of W[t] with W[u] (KhronosNormalPair). Samples are taken in chunks of bounded memory. */
static PetscErrorCode SNANormalEquationsLocal_Khronos(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal *sse, PetscReal JtJ[], PetscReal Jtr[])
{
  SNA_Khronos       *kh = (SNA_Khronos *)sna->data;
  const PetscInt     d = sna->dim_in, q = sna->dim_out, M = kh->modes, seg = (kh->degree + 1) * M, L = d * seg + M;
  const PetscInt     ns = SNAKhronosMaxNodes(kh) - kh->degree, w = seg + M + 1; /* spans an input lacks stay empty */
  const PetscInt     chunk = PetscMax(1, PetscMin(n, KHRONOS_NORMAL_CHUNK_BYTES / (PetscInt)(q * L * sizeof(PetscReal))));
  const PetscInt     tile  = PetscMax(SNAKhronosTileRows(w) * w, 2 * SNAKhronosTileRows(2 * seg) * seg);
  KhronosNormalChunk ch    = {0};
  KhronosSample      s;

  PetscFunctionBegin;
  ch.L   = L;
  ch.seg = seg;
  ch.ns  = ns;
  PetscCall(KhronosSampleCreate(sna, &s));
  PetscCall(PetscMalloc4(chunk * d, &ch.first, chunk, &ch.key, chunk, &ch.order, ns * ns + 1, &ch.offset));
  PetscCall(PetscMalloc4(q * chunk * L, &ch.V, q * chunk, &ch.r, tile, &ch.U, w * w, &ch.Gs));
  for (PetscInt i0 = 0; i0 < n; i0 += chunk) {
    *sse += KhronosNormalChunkRows(sna, PetscMin(chunk, n - i0), x + i0 * d, y + i0 * q, &s, &ch);
    for (PetscInt j = 0; j < q; j++)
      for (PetscInt t = 0; t < d; t++) {
        PetscCall(KhronosNormalDiagonal(sna, t, j, &ch, JtJ, Jtr));
        for (PetscInt u = t + 1; u < d; u++) PetscCall(KhronosNormalPair(sna, t, u, j, &ch, JtJ));
      }
  }
  PetscCall(PetscFree4(ch.first, ch.key, ch.order, ch.offset));
  PetscCall(PetscFree4(ch.V, ch.r, ch.U, ch.Gs));
  PetscCall(KhronosSampleDestroy(&s));
  PetscFunctionReturn(0);
}

/* Sets degree, node counts (n = 1: the same for every input; else one per input) and modes; the one home of the
   checks of -sna_khronos_degree, -sna_khronos_nodes and -sna_khronos_modes. */
PetscErrorCode SNAKhronosSetBasisNodes(SNA sna, PetscInt degree, PetscInt n, const PetscInt nodes[], PetscInt modes)
{
  SNA_Khronos *kh   = (SNA_Khronos *)sna->data;
  MPI_Comm     comm = PetscObjectComm((PetscObject)sna);
  PetscBool    same = (PetscBool)(degree == kh->degree && modes == kh->max_modes && (n == kh->nnodes || n == 1));

  PetscFunctionBegin;
  PetscCheck(degree >= 1 && degree <= SNA_BSPLINE_MAX_DEGREE, comm, PETSC_ERR_ARG_OUTOFRANGE, "KHRONOS spline degree (-%ssna_khronos_degree) must be 1 to %d, not %" PetscInt_FMT, SNAMessagePrefix(sna), SNA_BSPLINE_MAX_DEGREE, degree);
  PetscCall(CheckNodes(sna, degree, n, nodes));
  PetscCheck(modes >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "KHRONOS needs at least one mode (-%ssna_khronos_modes), not %" PetscInt_FMT, SNAMessagePrefix(sna), modes);
  /* a set-up model holds one count per input: the same basis may be given again as one value or as the list */
  for (PetscInt p = 0; p < kh->nnodes && same; p++) same = (PetscBool)(nodes[n == 1 ? 0 : p] == kh->nodes[p]);
  if (same) PetscFunctionReturn(0);
  PetscCheck(!sna->setupcalled, comm, PETSC_ERR_ARG_WRONGSTATE, "Cannot change the KHRONOS basis of a model that is already set up, fitted or loaded");
  PetscCall(SNAKhronosCheckMemory(sna, degree, n, nodes, modes, 0, PETSC_FALSE));
  PetscCall(PetscFree(kh->nodes));
  PetscCall(PetscMalloc1(n, &kh->nodes));
  PetscCall(PetscArraycpy(kh->nodes, nodes, n));
  kh->nnodes    = n;
  kh->degree    = degree;
  kh->max_modes = modes;
  kh->modes     = modes;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAKhronosSetBasis_Khronos(SNA sna, PetscInt degree, PetscInt nodes, PetscInt modes)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  PetscCall(SNAKhronosSetBasisNodes(sna, degree, 1, &nodes, modes));
  kh->nodes_given = kh->modes_given = PETSC_TRUE;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAKhronosSetNodes_Khronos(SNA sna, PetscInt n, const PetscInt nodes[])
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  PetscCall(SNAKhronosSetBasisNodes(sna, kh->degree, n, nodes, kh->max_modes));
  kh->nodes_given = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* The mf correction on a few dozen HF rows had the KHRONOS default's 132 parameters on 2 inputs, and made the model
   30 times worse than its LF part (walkthrough audit s21): its default size is the largest basis within the KHRONOS
   default with at most budget parameters (mffit.c: half the HF values, less what is fitted jointly with it). Modes go
   down first to 2 (16 to the fewest nodes the degree allows would lose the inputs' shape), then the nodes, then a
   single mode, never below minmodes (ar1's rho needs 2); the counts the user gave are kept. Where even the smallest
   basis exceeds the budget, the smallest is used (the warning after the fit says so if it exceeds the values). */
PetscErrorCode SNAKhronosSetSizeDefault(SNA sna, PetscInt budget, PetscInt minmodes)
{
  SNA_Khronos *kh;
  PetscBool    khronos;
  PetscInt     d, q, nodes, modes, sum = 0, cand[3], ncand = 0;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)sna, SNAKHRONOS, &khronos));
  if (!khronos || sna->setupcalled) PetscFunctionReturn(0);
  kh = (SNA_Khronos *)sna->data;
  if (kh->nodes_given && kh->modes_given) PetscFunctionReturn(0);
  d = sna->dim_in;
  q = sna->dim_out;
  for (PetscInt p = 0; p < d; p++) sum += kh->nodes[kh->nnodes == 1 ? 0 : p];
  if (sum + q <= 0 || kh->max_modes * (sum + q) <= budget) PetscFunctionReturn(0); /* the basis as it is fits */
  /* the user's nodes: as many modes as fit, at least minmodes */
  if (kh->nodes_given) {
    modes         = PetscMin(kh->max_modes, PetscMax(minmodes, budget / (sum + q)));
    kh->max_modes = kh->modes = modes; /* the nodes stay as they are */
    PetscFunctionReturn(0);
  }
  nodes         = kh->nnodes == 1 ? kh->nodes[0] : sum / d;
  cand[ncand++] = kh->max_modes;
  if (!kh->modes_given && kh->max_modes > 2 && minmodes <= 2) cand[ncand++] = 2;
  if (!kh->modes_given && kh->max_modes > 1 && minmodes <= 1) cand[ncand++] = 1;
  modes = cand[ncand - 1];
  for (PetscInt c = 0; c < ncand; c++) {
    PetscInt m = PetscMin(nodes, (budget / cand[c] - q) / d);

    if (m >= kh->degree + 1) {
      nodes = m;
      modes = cand[c];
      break;
    }
    if (c == ncand - 1) nodes = kh->degree + 1; /* the fewest the degree allows */
  }
  PetscCall(SNAKhronosSetBasisNodes(sna, kh->degree, 1, &nodes, modes));
  PetscFunctionReturn(0);
}

/* The parameters of the basis as it stands (set up or not), or, with smallest, of the smallest basis
   SNAKhronosSetSizeDefault() may give it (the counts given kept, else degree + 1 nodes and minmodes modes). Another
   type: its nparams. */
PetscErrorCode SNAKhronosCountSize(SNA sna, PetscBool smallest, PetscInt minmodes, PetscInt *np)
{
  SNA_Khronos *kh;
  PetscBool    khronos;
  PetscInt     sum = 0, modes;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)sna, SNAKHRONOS, &khronos));
  if (!khronos || sna->setupcalled) {
    *np = sna->nparams;
    PetscFunctionReturn(0);
  }
  kh = (SNA_Khronos *)sna->data;
  for (PetscInt p = 0; p < sna->dim_in; p++) sum += smallest && !kh->nodes_given ? kh->degree + 1 : kh->nodes[kh->nnodes == 1 ? 0 : p];
  modes = smallest && !kh->modes_given ? PetscMin(kh->max_modes, minmodes) : kh->max_modes;
  *np   = modes * (sum + sna->dim_out);
  PetscFunctionReturn(0);
}

/* Whether the user gave the basis' nodes and modes both (SNAKhronosSetSizeDefault() then keeps it); not KHRONOS: true. */
PetscErrorCode SNAKhronosSizeGiven(SNA sna, PetscBool *given)
{
  PetscBool khronos;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)sna, SNAKHRONOS, &khronos));
  *given = (PetscBool)(!khronos || (((SNA_Khronos *)sna->data)->nodes_given && ((SNA_Khronos *)sna->data)->modes_given));
  PetscFunctionReturn(0);
}

/* A basis that is the owner's default, not the user's: SNAKhronosSetSizeDefault() may size it (ar1's rho). */
PetscErrorCode SNAKhronosSetBasisDefault(SNA sna, PetscInt degree, PetscInt nodes, PetscInt modes)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  PetscCall(SNAKhronosSetBasis(sna, degree, nodes, modes));
  kh->nodes_given = kh->modes_given = PETSC_FALSE;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAKhronosGetNodes_Khronos(SNA sna, PetscInt *n, const PetscInt *nodes[])
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  if (n) *n = kh->nnodes;
  if (nodes) *nodes = kh->nodes;
  PetscFunctionReturn(0);
}

/* nodes: the count of every input; an error when the inputs have different counts (SNAKhronosGetNodes()). */
static PetscErrorCode SNAKhronosGetBasis_Khronos(SNA sna, PetscInt *degree, PetscInt *nodes, PetscInt *modes)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;
  char         list[256];

  PetscFunctionBegin;
  if (nodes) {
    PetscCall(SNAKhronosNodesString(kh->nnodes, kh->nodes, list, sizeof(list)));
    PetscCheck(SNAKhronosUniformNodes(kh), PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "This KHRONOS model has different node counts per input (-%ssna_khronos_nodes %s), where one count for every input is needed (e.g. by the Ritz form or the Galerkin solve): give -%ssna_khronos_nodes one value", SNAMessagePrefix(sna), list, SNAMessagePrefix(sna));
    *nodes = kh->nodes[0];
  }
  if (degree) *degree = kh->degree;
  if (modes) *modes = kh->modes;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAKhronosSetRefinement_Khronos(SNA sna, PetscInt refine, PetscBool enrich)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  PetscCheck(refine >= 0 && refine <= 12, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_khronos_refine must be 0 to 12 levels, not %" PetscInt_FMT, SNAMessagePrefix(sna), refine);
  PetscCall(SNAKhronosCheckMemory(sna, kh->degree, kh->nnodes, kh->nodes, kh->max_modes, refine, PETSC_FALSE));
  kh->refine = refine;
  kh->enrich = enrich;
  PetscFunctionReturn(0);
}

/* Every coefficient 1 makes a factor exactly the constant 1 up to the B-splines' partition of unity. Modes 0 and 1
   both so, with output weights 1 + c_j and -1: they cancel exactly for c = 0, yet a fit from here has nonzero
   derivatives with respect to every factor of both (output weights 0 would make the factors a stationary point).
   The other modes keep their pseudo-random factors with zero output weight. A rank-1 model gets weight c_j. */
static PetscErrorCode SNAKhronosSetConstant_Khronos(SNA sna, const PetscReal c[])
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;
  PetscInt     M, q = sna->dim_out, two;

  PetscFunctionBegin;
  PetscCall(SNASetUp(sna));
  /* the modes W and C hold now: the set-up allocates one under -sna_khronos_enrich, fewer than the rank asked for */
  M   = kh->modes;
  two = PetscMin(M, 2);
  for (PetscInt m = two; m < M; m++) PetscCall(SNAKhronosInitializeMode(sna, m));
  for (PetscInt p = 0; p < sna->dim_in; p++)
    for (PetscInt g = 0; g < kh->nodes[p]; g++)
      for (PetscInt m = 0; m < two; m++) kh->W[(kh->start[p] + g) * M + m] = 1.0;
  kh->fresh = PETSC_FALSE; /* a start the caller chose */
  for (PetscInt j = 0; j < q; j++) {
    kh->C[j] = M > 1 ? 1.0 + c[j] : c[j];
    if (M > 1) kh->C[q + j] = -1.0;
  }
  PetscFunctionReturn(0);
}

/* n choose j, exactly for the small n of spline degrees. */
static PetscReal Binomial(PetscInt n, PetscInt j)
{
  PetscReal b = 1;

  for (PetscInt i = 1; i <= j; i++) b = b * (n - j + i) / i;
  return b;
}

/* The Bernstein coefficients beta[0..k] on [0, 1] of the factor x^e, x = a + w t: the power coefficients
   c_j = C(e, j) a^(e - j) w^j of t^j, then beta_i = sum_{j <= i} C(i, j) / C(k, j) c_j. */
static void PolynomialFactorBernstein(PetscInt k, PetscInt e, PetscReal a, PetscReal w, PetscReal beta[])
{
  PetscReal c[SNA_BSPLINE_MAX_DEGREE + 1];

  for (PetscInt j = 0; j <= k; j++) c[j] = j <= e ? Binomial(e, j) * PetscPowRealInt(a, e - j) * PetscPowRealInt(w, j) : 0;
  for (PetscInt i = 0; i <= k; i++) {
    beta[i] = 0;
    for (PetscInt j = 0; j <= i; j++) beta[i] += Binomial(i, j) / Binomial(k, j) * c[j];
  }
}

static PetscErrorCode SNAKhronosSetPolynomial_Khronos(SNA sna, PetscInt nterms, const PetscInt exps[], const PetscReal coef[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, q = sna->dim_out;
  PetscInt       k    = 1;
  MPI_Comm       comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscCheck(sna->lower, comm, PETSC_ERR_ARG_WRONGSTATE, "Set the input box (SNASetBounds) before SNAKhronosSetPolynomial: the factors are polynomials in x on that box");
  PetscCheck(nterms >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "SNAKhronosSetPolynomial needs at least one term, not %" PetscInt_FMT, nterms);
  for (PetscInt i = 0; i < nterms * d; i++) {
    PetscCheck(exps[i] >= 0 && exps[i] <= SNA_BSPLINE_MAX_DEGREE, comm, PETSC_ERR_ARG_OUTOFRANGE, "Term %" PetscInt_FMT " has the exponent %" PetscInt_FMT " in input %" PetscInt_FMT ": KHRONOS factors reach degree %d", i / d, exps[i], i % d, SNA_BSPLINE_MAX_DEGREE);
    k = PetscMax(k, exps[i]);
  }
  PetscCall(SNAKhronosSetBasis(sna, k, k + 1, nterms)); /* k + 1 nodes: one polynomial piece, the Bernstein basis */
  PetscCall(SNASetUp(sna));
  for (PetscInt m = 0; m < nterms; m++) {
    for (PetscInt p = 0; p < d; p++) {
      PetscReal beta[SNA_BSPLINE_MAX_DEGREE + 1];
      PolynomialFactorBernstein(k, exps[m * d + p], sna->lower[p], sna->upper[p] - sna->lower[p], beta);
      for (PetscInt g = 0; g <= k; g++) kh->W[(p * (k + 1) + g) * nterms + m] = beta[g];
    }
    for (PetscInt j = 0; j < q; j++) kh->C[m * q + j] = coef[m * q + j];
  }
  kh->fresh     = PETSC_FALSE; /* a start the caller chose */
  kh->seed_drew = PETSC_FALSE;
  PetscFunctionReturn(0);
}

struct _n_SNAKhronosSparse {
  SNA        sna;
  PetscInt  *off;   /* M + 1: the factors of mode m are off[m] .. off[m + 1] - 1 */
  PetscInt  *input; /* their inputs, ascending */
  PetscReal *w;     /* their k + 1 coefficients each, at (k + 1) (off[m] + a) ... */
  PetscReal *scale; /* M: the product of the mode's constant factors */
};

/* Whether the k + 1 coefficients w[a * M] of one factor are all equal: the factor is that constant. */
static PetscBool KhronosFactorConstant(const PetscReal *w, PetscInt k, PetscInt M)
{
  for (PetscInt a = 1; a <= k; a++)
    if (w[a * M] != w[0]) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* The data of sna where it is a set-up khronos SNA of one polynomial piece per input (the Bernstein basis, as
   SNAKhronosSetPolynomial makes), else NULL. */
static PetscErrorCode KhronosOnePiece(SNA sna, SNA_Khronos **kh)
{
  PetscBool          is;
  const SNA_Khronos *k = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  *kh = NULL;
  PetscCall(PetscObjectTypeCompare((PetscObject)sna, SNAKHRONOS, &is));
  if (!is || !sna->setupcalled) PetscFunctionReturn(0);
  for (PetscInt p = 0; p < sna->dim_in; p++)
    if (k->start[p + 1] - k->start[p] != k->degree + 1) PetscFunctionReturn(0);
  *kh = (SNA_Khronos *)sna->data;
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosSparseCreate - A snapshot of a set-up khronos SNA that skips the factors constant over the box, for fast
  evaluation of a model of few factors per term (SNAKhronosSetPolynomial())

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. sp - the snapshot, or NULL (no error) where it offers no gain: fewer than half of the factors constant, not one
       polynomial piece per input, not set up, or an SNA of another type

  Notes:
  Valid as long as the SNA is not changed; destroy it before the SNA.

  Level: advanced

.seealso: SNAKhronosSparseEvaluate(), SNAKhronosSparseDestroy(), SNAEvaluate()
@*/
PetscErrorCode SNAKhronosSparseCreate(SNA sna, SNAKhronosSparse *sp)
{
  SNA_Khronos     *kh;
  PetscInt         M, k, d, active = 0;
  SNAKhronosSparse s;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *sp = NULL;
  PetscCall(KhronosOnePiece(sna, &kh));
  if (!kh) PetscFunctionReturn(0);
  M = kh->modes;
  k = kh->degree;
  d = sna->dim_in;
  for (PetscInt p = 0; p < d; p++)
    for (PetscInt m = 0; m < M; m++) active += !KhronosFactorConstant(kh->W + kh->start[p] * M + m, k, M);
  if (2 * active > d * M) PetscFunctionReturn(0);
  PetscCall(PetscNew(&s));
  s->sna = sna;
  PetscCall(PetscMalloc4(M + 1, &s->off, PetscMax(1, active), &s->input, PetscMax(1, active) * (k + 1), &s->w, M, &s->scale));
  s->off[0] = 0;
  for (PetscInt m = 0, n = 0; m < M; m++) {
    s->scale[m] = 1;
    for (PetscInt p = 0; p < d; p++) {
      const PetscReal *w = kh->W + kh->start[p] * M + m;
      if (KhronosFactorConstant(w, k, M)) {
        s->scale[m] *= w[0];
        continue;
      }
      s->input[n] = p;
      for (PetscInt a = 0; a <= k; a++) s->w[n * (k + 1) + a] = w[a * M];
      n++;
    }
    s->off[m + 1] = n;
  }
  *sp = s;
  PetscFunctionReturn(0);
}

/* The exponent e of the factor w[g * M] (g = 0..k) where it is x^e in the Bernstein basis of the box [a, a + width]
   as SNAKhronosSetPolynomial writes it (to rounding), else -1. */
static PetscInt KhronosFactorExponent(const PetscReal *w, PetscInt k, PetscInt M, PetscReal a, PetscReal width)
{
  if (KhronosFactorConstant(w, k, M) && w[0] == 1) return 0; /* most factors of a sparse polynomial: x^0 is exactly 1 */
  for (PetscInt e = 0; e <= k; e++) {
    PetscReal beta[SNA_BSPLINE_MAX_DEGREE + 1], big = 0, diff = 0;
    PolynomialFactorBernstein(k, e, a, width, beta);
    for (PetscInt g = 0; g <= k; g++) {
      big  = PetscMax(big, PetscAbsReal(beta[g]));
      diff = PetscMax(diff, PetscAbsReal(w[g * M] - beta[g]));
    }
    if (diff <= 1e-12 * PetscMax(1, big)) return e;
  }
  return -1;
}

/*@C
  SNAKhronosGetPolynomial - The inverse of SNAKhronosSetPolynomial(): whether every mode of a set-up khronos SNA is
  one monomial as that function writes it, and then its terms

  Not Collective

  Input Parameter:
. sna - the SNA (of another type, or not set up: is false)

  Output Parameters:
+ is     - PETSC_TRUE where every mode is a monomial (factors x_p^e in the Bernstein basis of the box, to rounding);
           false for fitted models
. nterms - the terms
. exps   - nterms x d exponents, allocated (NULL where is is false)
- coef   - nterms x q coefficients, allocated with exps: free both with PetscFree2(exps, coef)

  Level: advanced

.seealso: SNAKhronosSetPolynomial()
@*/
PetscErrorCode SNAKhronosGetPolynomial(SNA sna, PetscBool *is, PetscInt *nterms, PetscInt **exps, PetscReal **coef)
{
  SNA_Khronos *kh;
  PetscInt     d, q, M;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  d = sna->dim_in;
  q = sna->dim_out;
  PetscCall(KhronosOnePiece(sna, &kh));
  *is     = PETSC_FALSE;
  *nterms = 0;
  *exps   = NULL;
  *coef   = NULL;
  if (!kh) PetscFunctionReturn(0);
  M = kh->modes;
  PetscCall(PetscMalloc2(M * d, exps, M * q, coef));
  for (PetscInt m = 0; m < M; m++) {
    for (PetscInt p = 0; p < d; p++) {
      const PetscInt e = KhronosFactorExponent(kh->W + kh->start[p] * M + m, kh->degree, M, sna->lower[p], sna->upper[p] - sna->lower[p]);
      if (e < 0) { /* a fitted factor, not a monomial */
        PetscCall(PetscFree2(*exps, *coef));
        PetscFunctionReturn(0);
      }
      (*exps)[m * d + p] = e;
    }
    for (PetscInt j = 0; j < q; j++) (*coef)[m * q + j] = kh->C[m * q + j];
  }
  *is     = PETSC_TRUE;
  *nterms = M;
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosSparseEvaluate - Evaluates a snapshot of SNAKhronosSparseCreate() at local rows: SNAEvaluate()'s values to
  rounding

  Not Collective

  Input Parameters:
+ s - the snapshot
. n - the rows
- x - n x d inputs, row-major

  Output Parameter:
. y - n x q values

  Level: advanced

.seealso: SNAKhronosSparseCreate()
@*/
PetscErrorCode SNAKhronosSparseEvaluate(SNAKhronosSparse s, PetscInt n, const PetscReal x[], PetscReal y[])
{
  SNA                sna = s->sna;
  const SNA_Khronos *kh  = (const SNA_Khronos *)sna->data;
  const PetscInt     d = sna->dim_in, q = sna->dim_out, M = kh->modes, k = kh->degree;
  PetscReal         *vals;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(d * (k + 1), &vals));
  for (PetscInt i = 0; i < n; i++) {
    for (PetscInt p = 0; p < d; p++) (void)SNABSplineEvalInline(&kh->basis[p], SNAUnitCoordinate(sna, p, x[i * d + p]), vals + p * (k + 1));
    for (PetscInt j = 0; j < q; j++) y[i * q + j] = 0;
    for (PetscInt m = 0; m < M; m++) {
      PetscReal z = s->scale[m];
      for (PetscInt a = s->off[m]; a < s->off[m + 1]; a++) {
        const PetscReal *v = vals + s->input[a] * (k + 1), *w = s->w + a * (k + 1);
        PetscReal        f = 0;
        for (PetscInt g = 0; g <= k; g++) f += v[g] * w[g];
        z *= f;
      }
      for (PetscInt j = 0; j < q; j++) y[i * q + j] += kh->C[m * q + j] * z;
    }
  }
  PetscCall(PetscFree(vals));
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosSparseDestroy - Frees a snapshot of SNAKhronosSparseCreate() and sets the pointer to NULL (NULL: nothing)

  Not Collective

  Input Parameter:
. sp - the snapshot

  Level: advanced

.seealso: SNAKhronosSparseCreate()
@*/
PetscErrorCode SNAKhronosSparseDestroy(SNAKhronosSparse *sp)
{
  PetscFunctionBegin;
  if (!*sp) PetscFunctionReturn(0);
  PetscCall(PetscFree4((*sp)->off, (*sp)->input, (*sp)->w, (*sp)->scale));
  PetscCall(PetscFree(*sp));
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosSetBasis - Sets the basis of a khronos SNA: spline degree, nodes per input and rank

  Logically Collective

  Input Parameters:
+ sna    - the SNA, of type khronos (another type: PETSC_ERR_SUP), not yet set up, fitted or loaded
           (PETSC_ERR_ARG_WRONGSTATE)
. degree - the B-spline degree k, 1 to SNA_BSPLINE_MAX_DEGREE (7)
. nodes  - basis functions per input, the same for every input, at least k + 1
- modes  - the rank M, at least 1

  Options Database Keys:
+ -sna_khronos_degree <2> - degree
. -sna_khronos_nodes <16> - nodes (one count, or one per input: SNAKhronosSetNodes())
- -sna_khronos_modes <4>  - modes

  Notes:
  Values out of range raise PETSC_ERR_ARG_OUTOFRANGE; a basis whose fit would need more than the machine's memory is
  refused.

  Level: intermediate

.seealso: SNAKHRONOS, SNAKhronosGetBasis(), SNAKhronosSetNodes(), SNAKhronosSetRefinement()
@*/
PetscErrorCode SNAKhronosSetBasis(SNA sna, PetscInt degree, PetscInt nodes, PetscInt modes)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAKhronosSetBasis", "khronos", (SNA, PetscInt, PetscInt, PetscInt), (sna, degree, nodes, modes));
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosSetNodes - Sets the number of basis functions of each input of a khronos SNA

  Logically Collective

  Input Parameters:
+ sna   - the SNA, of type khronos (another type: PETSC_ERR_SUP), not yet set up, fitted or loaded
. n     - 1 (the same count for every input) or the number of inputs
- nodes - the n counts, each at least the degree + 1

  Options Database Key:
. -sna_khronos_nodes <G[,G1,...]> - the counts (16), e.g. 4,4,4,4,4,12: few along smooth inputs, many along one
                                     that needs them

  Level: intermediate

.seealso: SNAKHRONOS, SNAKhronosSetBasis(), SNAKhronosGetNodes()
@*/
PetscErrorCode SNAKhronosSetNodes(SNA sna, PetscInt n, const PetscInt nodes[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAKhronosSetNodes", "khronos", (SNA, PetscInt, const PetscInt[]), (sna, n, nodes));
  PetscFunctionReturn(0);
}

/*@C
  SNAKhronosGetNodes - Gets the node counts of a khronos SNA

  Not Collective

  Input Parameter:
. sna - the SNA, of type khronos (another type: PETSC_ERR_SUP)

  Output Parameters:
+ n     - 1 until set up (one count for every input), then one per input
- nodes - the n counts, owned by the SNA (those of the finest level after a fit with knot refinement)

  Level: intermediate

.seealso: SNAKhronosSetNodes(), SNAKhronosGetBasis()
@*/
PetscErrorCode SNAKhronosGetNodes(SNA sna, PetscInt *n, const PetscInt *nodes[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAKhronosGetNodes", "khronos", (SNA, PetscInt *, const PetscInt *[]), (sna, n, nodes));
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosGetBasis - Gets the basis of a khronos SNA

  Not Collective

  Input Parameter:
. sna - the SNA, of type khronos (another type: PETSC_ERR_SUP)

  Output Parameters:
+ degree - the spline degree (NULL: not wanted)
. nodes  - the nodes per input (NULL: not wanted); an error where the inputs have different counts: use
           SNAKhronosGetNodes()
- modes  - the current rank (NULL: not wanted)

  Level: intermediate

.seealso: SNAKhronosSetBasis(), SNAKhronosGetNodes()
@*/
PetscErrorCode SNAKhronosGetBasis(SNA sna, PetscInt *degree, PetscInt *nodes, PetscInt *modes)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAKhronosGetBasis", "khronos", (SNA, PetscInt *, PetscInt *, PetscInt *), (sna, degree, nodes, modes));
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosSetRefinement - Sets the stages of the ALS fits of a khronos SNA: knot-refinement levels and greedy rank
  enrichment

  Logically Collective

  Input Parameters:
+ sna    - the SNA, of type khronos (another type: PETSC_ERR_SUP)
. refine - levels, 0 to 12: after each fit the nodes double by exact knot insertion and the fit goes on from there
- enrich - PETSC_TRUE: grow the rank greedily from 1 to the model's modes

  Options Database Keys:
+ -sna_khronos_refine <0> - refine
- -sna_khronos_enrich     - enrich (false)

  Notes:
  Stages of the ALS fits (auto, als, infinite_descent): lm, tao and irls refuse them at SNAFit(). A refine out of
  range raises PETSC_ERR_ARG_OUTOFRANGE, and one whose finest basis would need more than the machine's memory is
  refused.

  Level: intermediate

.seealso: SNAKHRONOS, SNAFITALS, SNAFITAUTO, SNAKhronosSetBasis()
@*/
PetscErrorCode SNAKhronosSetRefinement(SNA sna, PetscInt refine, PetscBool enrich)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAKhronosSetRefinement", "khronos", (SNA, PetscInt, PetscBool), (sna, refine, enrich));
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosSetInitSpread - Sets the spread of the random start of a khronos SNA

  Logically Collective

  Input Parameters:
+ sna    - the SNA, of type khronos (another type: PETSC_ERR_SUP)
- spread - s > 0: every factor starts at 1 + s U(-1, 1) (its product over many inputs stays O(1)); 0: the
           coefficients start at U(-1, 1); negative or infinite: PETSC_ERR_ARG_OUTOFRANGE

  Options Database Key:
. -sna_khronos_init_spread <s> - spread (0; an mf model's correction: 0.5; the irls fit's fresh start: 0.1 unless
                                   set); refused, given, for a model already set up, fitted or loaded

  Level: advanced

.seealso: SNAKHRONOS, SNAKhronosSetBasis()
@*/
PetscErrorCode SNAKhronosSetInitSpread(SNA sna, PetscReal spread)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAKhronosSetInitSpread", "khronos", (SNA, PetscReal), (sna, spread));
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosSetConstant - Sets a khronos SNA to a constant per output (it is set up first), e.g. the start r = 0 of
  the multi-fidelity ar1 scale 1 + r

  Collective

  Input Parameters:
+ sna - the SNA, of type khronos (another type: PETSC_ERR_SUP), its sizes and box set
- c   - the dim_out constants

  Notes:
  With two modes or more, the constant is two constant modes that cancel (weights 1 + c and -1), so that a fit from
  there moves every factor.

  Level: advanced

.seealso: SNAKhronosSetPolynomial(), SNAMF
@*/
PetscErrorCode SNAKhronosSetConstant(SNA sna, const PetscReal c[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAKhronosSetConstant", "khronos", (SNA, const PetscReal[]), (sna, c));
  PetscFunctionReturn(0);
}

/*@
  SNAKhronosSetPolynomial - Sets a khronos SNA to a polynomial, exactly on its box: one mode per term

  Collective

  Input Parameters:
+ sna    - the SNA, of type khronos (another type: PETSC_ERR_SUP), its sizes and box set (no box:
           PETSC_ERR_ARG_WRONGSTATE), not yet set up
. nterms - the terms, at least 1
. exps   - exps[m d + p]: the exponent of input p in term m, 0 to 7 (PETSC_ERR_ARG_OUTOFRANGE otherwise)
- coef   - coef[m q + j]: the coefficient of term m in output j

  Notes:
  Output j becomes sum_m coef[m q + j] prod_p x_p^exps[m d + p], its factors x_p^e in the Bernstein basis of the
  largest exponent's degree. A polynomial fitted by (convex) least squares over chosen monomials so becomes a KHRONOS
  model, saved and evaluated like a fitted one.

  Level: advanced

.seealso: SNAKhronosGetPolynomial(), SNAKhronosSetConstant(), SNAKhronosSparseCreate()
@*/
PetscErrorCode SNAKhronosSetPolynomial(SNA sna, PetscInt nterms, const PetscInt exps[], const PetscReal coef[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAKhronosSetPolynomial", "khronos", (SNA, PetscInt, const PetscInt[], const PetscReal[]), (sna, nterms, exps, coef));
  PetscFunctionReturn(0);
}

/* SNAFitSeedUnused_C, for a fit of the set-up model that holds no samples out: -sna_khronos_seed draws the set-up's
   random start, which the caller's parameters replace (a warm start such as snaps-fit -init_model, a loaded model,
   SNASetParameters()). (The tensor start, which replaces it in a fresh model's fit unless it leaves modes to the
   random start, warns when it is made: SNAKhronosTensorStart().) */
static PetscErrorCode SNAFitSeedUnused_Khronos(SNA sna, char why[], size_t len)
{
  SNA_Khronos *kh     = (SNA_Khronos *)sna->data;
  const char  *prefix = SNAMessagePrefix(sna);

  PetscFunctionBegin;
  why[0] = 0;
  if (kh->seed_given && (sna->params_given || !kh->seed_drew))
    PetscCall(PetscSNPrintf(why, len, "-%ssna_khronos_seed (value %" PetscInt_FMT ") has no effect: it seeds a fresh model's random start and the split of -%ssna_fit_validation, but this fit continues from the model's parameters (a warm start such as snaps-fit -init_model, or parameters set by SNASetParameters()) and holds no samples out: drop -%ssna_khronos_seed", prefix, kh->seed, prefix, prefix));
  PetscFunctionReturn(0);
}

/* The initialisation seed, which also seeds the validation split (-sna_fit_validation). */
static PetscErrorCode SNAGetSeed_Khronos(SNA sna, PetscInt *seed)
{
  PetscFunctionBegin;
  *seed = ((SNA_Khronos *)sna->data)->seed;
  PetscFunctionReturn(0);
}

/*MC
  SNAKHRONOS - "khronos": a rank-M separable model, u_j(x) = sum_m C[m, j] prod_p f_{p,m}(x_p), each 1-D factor a
  clamped B-spline of the input mapped to [0, 1] by the model's box (the class's default type)

  Options Database Keys (those of the fits: SNAFITAUTO, SNAFITALS, SNAFITLM, SNAFITTAO, SNAFITIRLS):
+ -sna_khronos_degree <k>   - B-spline degree, 1 to 7 (2)
. -sna_khronos_nodes <G>    - basis functions per input (16): one count for every input, or one per input (4,4,12);
                              each at least k + 1
. -sna_khronos_modes <M>    - rank (4)
. -sna_khronos_refine <L>   - knot-refinement levels per fit, 0 to 12 (0; the ALS fits: auto, als, infinite_descent)
. -sna_khronos_enrich       - grow the rank greedily from 1 to M (the ALS fits; refused for a model set up, fitted or
                              loaded at its full rank)
. -sna_khronos_seed <s>     - seed of the random start and of the split of -sna_fit_validation (42)
. -sna_khronos_init <random|tensor> - the start of a fresh model's fit (SNAFITAUTO says which is the default)
. -sna_khronos_init_spread <s> - s > 0: the random start's factors at 1 + s U(-1, 1); 0: coefficients U(-1, 1) (0)
. -sna_fit_als_anderson <m>, -sna_fit_als_extrapolate - the ALS sweeps' acceleration (SNAFITALS)
- -sna_fit_irls_newton_its <n> - Newton steps per block and sweep of the cross-entropy fit (2; SNAFITIRLS)

  The basis (degree, nodes, modes) of a model that is set up, fitted or loaded cannot change: a warm start (snaps-fit
  -init_model) keeps it, and refuses the options of a fresh start.

  Level: beginner

.seealso: SNACreate(), SNASetType(), SNAKhronosSetBasis(), SNAKhronosSetNodes(), SNAKhronosSetRefinement(), SNAAION
M*/

/* Creates the khronos type: degree 2, 16 nodes, 4 modes by default. */
PETSC_EXTERN PetscErrorCode SNACreate_Khronos(SNA sna)
{
  SNA_Khronos *kh;

  PetscFunctionBegin;
  PetscCall(PetscNew(&kh));
  kh->degree = 2;
  PetscCall(PetscMalloc1(1, &kh->nodes));
  kh->nodes[0]        = 16;
  kh->nnodes          = 1;
  kh->modes           = 4;
  kh->max_modes       = 4;
  kh->seed            = 42;
  kh->anderson        = PETSC_DEFAULT; /* the fit decides: auto accelerates, als does not */
  kh->irls_newton_its = 2;
  sna->data           = kh;

  sna->ops->setup                 = SNASetUp_Khronos;
  sna->ops->destroy               = SNADestroy_Khronos;
  sna->ops->setfromoptions        = SNASetFromOptions_Khronos;
  sna->ops->view                  = SNAView_Khronos;
  sna->ops->evaluatelocal         = SNAEvaluateLocal_Khronos;
  sna->ops->evaluategridlocal     = SNAEvaluateGridLocal_Khronos;
  sna->ops->save                  = SNASave_Khronos;
  sna->ops->load                  = SNALoad_Khronos;
  sna->ops->getparameters         = SNAGetParameters_Khronos;
  sna->ops->setparameters         = SNASetParameters_Khronos;
  sna->ops->lossgradientlocal     = SNALossGradientLocal_Khronos;
  sna->ops->residualjacobianlocal = SNAResidualJacobianLocal_Khronos;
  sna->ops->normalequationslocal  = SNANormalEquationsLocal_Khronos;
  PetscCall(SNASetDefaultFitType(sna, SNAFITAUTO));
  sna->beyondbox = "the model is constant beyond its box (each input is clamped to it)";
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetBasis_C", SNAKhronosSetBasis_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetPolynomial_C", SNAKhronosSetPolynomial_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAGetSeed_C", SNAGetSeed_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosGetBasis_C", SNAKhronosGetBasis_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetRefinement_C", SNAKhronosSetRefinement_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetInitSpread_C", SNAKhronosSetInitSpread_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNASetRitzForm_C", SNASetRitzForm_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitRitz_C", SNAFitRitz_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetConstant_C", SNAKhronosSetConstant_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitCheck_C", SNAFitCheck_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitStart_C", SNAKhronosTensorStart));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitDefaultValidation_C", SNAKhronosMeasuredDefault));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitDefaultValidationOptions_C", SNAKhronosMeasuredDefaultOptions));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitSeedUnused_C", SNAFitSeedUnused_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosSetNodes_C", SNAKhronosSetNodes_Khronos));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAKhronosGetNodes_C", SNAKhronosGetNodes_Khronos));
  PetscFunctionReturn(0);
}
