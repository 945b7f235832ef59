/* AION: a rank-r separable sum of products of 1-D atoms, each a sum of P damped cosines
   (SCIENCE.md section 5). The type's basics: options, set-up, evaluation, parameters. */
#include <snaps/private/aionimpl.h>

const char *const SNAAionPencilModes[] = {"auto", "always", "never", "SNAAionPencilMode", "SNA_AION_PENCIL_", NULL};

/* Converts n terms (a, b) <-> (A, phi) with alpha and omega unchanged: a = A cos(phi), b = -A sin(phi). */
void SNAAionPolarToLinear(PetscInt n, const PetscReal in[], PetscReal out[])
{
  for (PetscInt j = 0; j < n; j++) {
    const PetscReal A = in[4 * j], alpha = in[4 * j + 1], omega = in[4 * j + 2], phi = in[4 * j + 3];
    out[4 * j]     = A * PetscCosReal(phi);
    out[4 * j + 1] = -A * PetscSinReal(phi);
    out[4 * j + 2] = alpha;
    out[4 * j + 3] = omega;
  }
}

/* The inverse of SNAAionPolarToLinear(), giving A >= 0 and phi in (-pi, pi]. */
void SNAAionLinearToPolar(PetscInt n, const PetscReal in[], PetscReal out[])
{
  for (PetscInt j = 0; j < n; j++) {
    const PetscReal a = in[4 * j], b = in[4 * j + 1], alpha = in[4 * j + 2], omega = in[4 * j + 3];
    out[4 * j]     = PetscSqrtReal(a * a + b * b);
    out[4 * j + 1] = alpha;
    out[4 * j + 2] = omega;
    out[4 * j + 3] = PetscAtan2Real(-b, a);
  }
}

/* Allocates theta (zeroed) for the current d, r, P. */
PetscErrorCode SNAAionAllocate(SNA sna)
{
  SNA_Aion *ai = (SNA_Aion *)sna->data;

  PetscFunctionBegin;
  PetscCall(PetscFree(ai->theta));
  sna->nparams = SNAAionNumParameters(sna);
  PetscCall(PetscCalloc1(sna->nparams, &ai->theta));
  PetscFunctionReturn(0);
}

/* psi(t) = sum_k A e^{alpha t} cos(omega t + phi) for the P polar terms at th. */
static inline PetscReal AionFactor(const PetscReal *th, PetscInt P, PetscReal t)
{
  PetscReal psi = 0;
  for (PetscInt k = 0; k < P; k++, th += 4) psi += th[0] * PetscExpReal(th[1] * t) * PetscCosReal(th[2] * t + th[3]);
  return psi;
}

/* Default start: input 0 carries amplitude 1/(r P), the others 1; frequencies spread over
   pi, 2 pi, ..., r P pi (jittered by the seed), small exponents, zero phases. The same on every rank. */
static PetscErrorCode SNAAionInitializeDefault(SNA sna)
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt r = ai->rank, P = ai->terms;
  PetscRandom    rnd;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRANDER48));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(PetscRandomSetSeed(rnd, (unsigned long)ai->seed));
  PetscCall(PetscRandomSeed(rnd));
  for (PetscInt p = 0; p < sna->dim_in; p++)
    for (PetscInt m = 0; m < r; m++)
      for (PetscInt k = 0; k < P; k++) {
        PetscReal *th = ai->theta + 4 * ((p * r + m) * P + k), u1, u2;
        PetscCall(PetscRandomGetValueReal(rnd, &u1));
        PetscCall(PetscRandomGetValueReal(rnd, &u2));
        th[0] = p == 0 ? 1.0 / (r * P) : 1.0;
        th[1] = 0.1 * u1;
        th[2] = PETSC_PI * (m * P + k + 1) * (1.0 + 0.1 * u2);
        th[3] = 0.0;
      }
  PetscCall(PetscRandomDestroy(&rnd));
  ai->seed_drew = ai->seed_given;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNASetUp_Aion(SNA sna)
{
  SNA_Aion *ai   = (SNA_Aion *)sna->data;
  MPI_Comm  comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscCheck(sna->dim_out == 1, comm, PETSC_ERR_SUP, "AION fits one output, but the model has %" PetscInt_FMT ": fit one AION model per output", sna->dim_out);
  PetscCall(SNAAionAllocate(sna));
  if (ai->ninit) {
    PetscCheck(ai->ninit == sna->nparams, comm, PETSC_ERR_ARG_SIZ, "-%ssna_aion_init has %s%" PetscInt_FMT " numbers but the model has 4 d r P = %" PetscInt_FMT " parameters (A, alpha, omega, phi for each of P = %" PetscInt_FMT " terms, rank %" PetscInt_FMT ", %" PetscInt_FMT " inputs)", SNAMessagePrefix(sna), ai->init_full ? "at least " : "", ai->ninit, sna->nparams, ai->terms, ai->rank, sna->dim_in);
    PetscCall(PetscArraycpy(ai->theta, ai->init, sna->nparams));
    ai->init_start = PETSC_TRUE;
  } else
    PetscCall(SNAAionInitializeDefault(sna));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNADestroy_Aion(SNA sna)
{
  SNA_Aion *ai = (SNA_Aion *)sna->data;

  PetscFunctionBegin;
  PetscCall(PetscFree(ai->theta));
  PetscCall(PetscFree(ai->init));
  PetscCall(PetscFree(sna->data));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAAionSetAtoms_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAAionGetAtoms_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAAionSetPencilMode_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAGetSeed_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitSeedUnused_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitCheck_C", NULL));
  PetscFunctionReturn(0);
}

/* Before a fit runs (SNAFitRunCheck): the matrix pencil is infinite descent's algebraic start (SNAAionAlgebraicSolve);
   lm and tao start from the initialisation, so -sna_aion_pencil always and a pencil parameter given to them would be
   ignored: refused (never, no pencil, is what they do anyway). Infinite descent runs no pencil under never or on
   more than 2 inputs either: a pencil parameter given there is refused too. */
static PetscErrorCode SNAFitCheck_Aion(SNA sna, const char fit[])
{
  SNA_Aion   *ai     = (SNA_Aion *)sna->data;
  const char *prefix = SNAMessagePrefix(sna);
  PetscBool   id;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(fit, SNAFITINFINITEDESCENT, &id));
  if (id) {
    PetscCheck(ai->pencil_L == 0 || ai->pencil != SNA_AION_PENCIL_NEVER, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_aion_pencil_rows %" PetscInt_FMT " sets the matrix pencil of infinite descent's start, which -%ssna_aion_pencil never turns off: drop -%ssna_aion_pencil_rows, or use -%ssna_aion_pencil auto or always", prefix, ai->pencil_L, prefix, prefix, prefix);
    PetscCheck(ai->pencil_L == 0 || sna->dim_in <= 2, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_aion_pencil_rows %" PetscInt_FMT " sets the matrix pencil of infinite descent's start, which handles 1 or 2 inputs, not the %" PetscInt_FMT " of this model: drop -%ssna_aion_pencil_rows", prefix, ai->pencil_L, sna->dim_in, prefix);
    PetscFunctionReturn(0);
  }
  PetscCheck(ai->pencil != SNA_AION_PENCIL_ALWAYS, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_aion_pencil %s chooses how infinite descent starts (the matrix pencil), which -%ssna_fit_type %s does not run (it starts from the initialisation): drop -%ssna_aion_pencil, or use -%ssna_fit_type infinite_descent", prefix, SNAAionPencilModes[ai->pencil], prefix, fit, prefix, prefix);
  PetscCheck(ai->pencil_L == 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_aion_pencil_rows %" PetscInt_FMT " sets the matrix pencil of infinite descent's start, which -%ssna_fit_type %s does not run (it starts from the initialisation): drop -%ssna_aion_pencil_rows, or use -%ssna_fit_type infinite_descent", prefix, ai->pencil_L, prefix, fit, prefix, prefix);
  PetscFunctionReturn(0);
}

static PetscErrorCode SNASetFromOptions_Aion(SNA sna, PetscOptionItems *PetscOptionsObject)
{
  SNA_Aion *ai   = (SNA_Aion *)sna->data;
  PetscInt   rank = ai->rank, terms = ai->terms, ninit, cap = 4096;
  PetscReal     *init;
  PetscBool      flg;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "AION options");
  PetscCall(PetscOptionsInt("-sna_aion_rank", "Rank r: number of separable products", "SNAAionSetAtoms", rank, &rank, NULL));
  PetscCall(PetscOptionsInt("-sna_aion_terms", "Damped cosines P in every 1-D factor", "SNAAionSetAtoms", terms, &terms, NULL));
  PetscCall(PetscOptionsEnum("-sna_aion_pencil", "Infinite descent: solve exponents and frequencies algebraically (matrix pencil); always is refused by lm and tao, which start from the initialisation", "SNAAionSetPencilMode", SNAAionPencilModes, (PetscEnum)ai->pencil, (PetscEnum *)&ai->pencil, NULL));
  PetscCall(PetscOptionsInt("-sna_aion_pencil_rows", "Pencil parameter L of infinite descent (0: from the sizes); refused by lm and tao, under -sna_aion_pencil never and for more than 2 inputs", "SNAAION", ai->pencil_L, &ai->pencil_L, NULL));
  PetscCall(PetscOptionsInt("-sna_aion_seed", "Seed of the default initialisation and of the split of -sna_fit_validation (-sna_aion_init or a warm start without held-out samples uses neither: warned)", "SNAAION", ai->seed, &ai->seed, &flg));
  if (flg) ai->seed_given = PETSC_TRUE;
  /* room for one number more than the model of these sizes takes (at least 4096), so that a longer list is reported as
     longer, not cut to the room and counted as that: a model of more than 4096 parameters could not take the option */
  if (rank >= 1 && rank <= SNA_AION_MAX_RANK && terms >= 1 && terms <= SNA_AION_MAX_TERMS && 4 * (PetscInt64)PetscMax(sna->dim_in, 1) * rank * terms < (1 << 22)) cap = PetscMax(cap, 4 * PetscMax(sna->dim_in, 1) * rank * terms + 1);
  PetscCall(PetscCalloc1(cap, &init)); /* zeroed: -help shows init[0] when the option is not given */
  ninit = cap;
  ierr  = PetscOptionsRealArray("-sna_aion_init", "Initial parameters A,alpha,omega,phi of every term (input, rank, term order)", "SNAAION", init, &ninit, &flg); /* not PetscCall: a value that is no number frees init first */
  if (ierr) PetscCall(PetscFree(init));
  PetscCall(ierr);
  PetscOptionsHeadEnd();
  if (flg) { /* checked before anything else, so that a refusal frees the list */
    PetscInt  bad = -1;
    PetscReal v   = 0;

    /* SNASetParameters() refuses NaN and Inf; so does the option that bypasses it (lm and tao would fail with a bare
       DIVERGED_NANORINF, infinite descent would drop a non-finite amplitude of input 0 unnoticed) */
    for (PetscInt i = 0; i < ninit && bad < 0; i++)
      if (PetscIsInfOrNanReal(init[i])) bad = i, v = init[i];
    if (bad >= 0 || sna->setupcalled) PetscCall(PetscFree(init));
    PetscCheck(bad < 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_aion_init: value %" PetscInt_FMT " (0-based) is %s; the initial parameters A, alpha, omega, phi must be finite", SNAMessagePrefix(sna), bad, PetscIsNanReal(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf"));
    PetscCheck(!sna->setupcalled, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "-%ssna_aion_init applies before set-up; this model is already set up, fitted or loaded", SNAMessagePrefix(sna));
    PetscCall(PetscFree(ai->init));
    ai->init      = init; /* the model's now */
    ai->ninit     = ninit;
    ai->init_full = (PetscBool)(ninit == cap);
  } else
    PetscCall(PetscFree(init));
  PetscCheck(ai->pencil_L >= 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_aion_pencil_rows must be >= 0 (0 chooses), not %" PetscInt_FMT, SNAMessagePrefix(sna), ai->pencil_L);
  if (rank != ai->rank || terms != ai->terms) PetscCall(SNAAionSetAtoms(sna, rank, terms));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAView_Aion(SNA sna, PetscViewer viewer)
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt r = ai->rank, P = ai->terms;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(viewer, "AION: rank %" PetscInt_FMT ", %" PetscInt_FMT " damped cosines per 1-D factor; infinite descent pencil: %s\n", r, P, SNAAionPencilModes[ai->pencil]));
  if (!ai->theta) PetscFunctionReturn(0);
  if (sna->dim_in * r * P > 64) { /* too many rows to print: said, not silently left out */
    PetscCall(PetscViewerASCIIPrintf(viewer, "(the %" PetscInt_FMT " terms' A, alpha, omega, phi are listed up to 64 terms: SNAGetParameters() or the model file's atoms hold them)\n", sna->dim_in * r * P));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscViewerASCIIPrintf(viewer, "input rank term             A         alpha         omega           phi\n"));
  for (PetscInt p = 0; p < sna->dim_in; p++)
    for (PetscInt m = 0; m < r; m++)
      for (PetscInt k = 0; k < P; k++) {
        const PetscReal *th = ai->theta + 4 * ((p * r + m) * P + k);
        PetscCall(PetscViewerASCIIPrintf(viewer, "%5" PetscInt_FMT " %4" PetscInt_FMT " %4" PetscInt_FMT " %13.6e %13.6e %13.6e %13.6e\n", p, m, k, (double)th[0], (double)th[1], (double)th[2], (double)th[3]));
      }
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAEvaluateLocal_Aion(SNA sna, PetscInt n, const PetscReal x[], PetscReal y[])
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt d = sna->dim_in, r = ai->rank, P = ai->terms;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    PetscReal u = 0;
    for (PetscInt m = 0; m < r; m++) {
      PetscReal prod = 1;
      for (PetscInt p = 0; p < d; p++) prod *= AionFactor(ai->theta + 4 * (p * r + m) * P, P, SNAUnitCoordinate(sna, p, x[i * d + p]));
      u += prod;
    }
    y[i] = u;
  }
  PetscFunctionReturn(0);
}

/* Grid evaluation: factor tables F_p[i*r + m] = psi_{p,m}(coords[p][i]), then one r-term sum of
   products per grid point (last input fastest). */
static PetscErrorCode SNAEvaluateGridLocal_Aion(SNA sna, const PetscInt n[], const PetscReal *const coords[], PetscInt start, PetscInt end, PetscReal y[])
{
  SNA_Aion      *ai = (SNA_Aion *)sna->data;
  const PetscInt d = sna->dim_in, r = ai->rank, P = ai->terms;
  PetscReal    **F;
  PetscInt      *idx;

  PetscFunctionBegin;
  if (end <= start) PetscFunctionReturn(0);
  PetscCall(PetscMalloc2(d, &F, d, &idx));
  for (PetscInt p = 0; p < d; p++) {
    PetscCall(PetscMalloc1(n[p] * r, &F[p]));
    for (PetscInt i = 0; i < n[p]; i++)
      for (PetscInt m = 0; m < r; m++) F[p][i * r + m] = AionFactor(ai->theta + 4 * (p * r + m) * P, P, SNAUnitCoordinate(sna, p, coords[p][i]));
  }
  for (PetscInt p = d - 1, rem = start; p >= 0; p--) {
    idx[p] = rem % n[p];
    rem /= n[p];
  }
  for (PetscInt pt = start; pt < end; pt++) {
    PetscReal u = 0;
    for (PetscInt m = 0; m < r; m++) {
      PetscReal prod = 1;
      for (PetscInt p = 0; p < d; p++) prod *= F[p][idx[p] * r + m];
      u += prod;
    }
    y[pt - start] = u;
    for (PetscInt p = d - 1; p >= 0; p--) { /* odometer */
      if (++idx[p] < n[p]) break;
      idx[p] = 0;
    }
  }
  for (PetscInt p = 0; p < d; p++) PetscCall(PetscFree(F[p]));
  PetscCall(PetscFree2(F, idx));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAGetParameters_Aion(SNA sna, PetscReal theta[])
{
  SNA_Aion *ai = (SNA_Aion *)sna->data;

  PetscFunctionBegin;
  PetscCall(PetscArraycpy(theta, ai->theta, sna->nparams));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNASetParameters_Aion(SNA sna, const PetscReal theta[])
{
  SNA_Aion *ai = (SNA_Aion *)sna->data;

  PetscFunctionBegin;
  PetscCall(PetscArraycpy(ai->theta, theta, sna->nparams));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAAionSetAtoms_Aion(SNA sna, PetscInt rank, PetscInt terms)
{
  SNA_Aion *ai   = (SNA_Aion *)sna->data;
  MPI_Comm  comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscCheck(rank >= 1 && rank <= SNA_AION_MAX_RANK, comm, PETSC_ERR_ARG_OUTOFRANGE, "AION rank (-%ssna_aion_rank) must be 1 to %d, not %" PetscInt_FMT, SNAMessagePrefix(sna), SNA_AION_MAX_RANK, rank);
  PetscCheck(terms >= 1 && terms <= SNA_AION_MAX_TERMS, comm, PETSC_ERR_ARG_OUTOFRANGE, "AION terms per factor (-%ssna_aion_terms) must be 1 to %d, not %" PetscInt_FMT, SNAMessagePrefix(sna), SNA_AION_MAX_TERMS, terms);
  PetscCheck(!sna->setupcalled || (rank == ai->rank && terms == ai->terms), comm, PETSC_ERR_ARG_WRONGSTATE, "Cannot change the rank or terms of an AION model that is already set up, fitted or loaded");
  ai->rank  = rank;
  ai->terms = terms;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAAionGetAtoms_Aion(SNA sna, PetscInt *rank, PetscInt *terms)
{
  SNA_Aion *ai = (SNA_Aion *)sna->data;

  PetscFunctionBegin;
  if (rank) *rank = ai->rank;
  if (terms) *terms = ai->terms;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAAionSetPencilMode_Aion(SNA sna, SNAAionPencilMode mode)
{
  SNA_Aion *ai = (SNA_Aion *)sna->data;

  PetscFunctionBegin;
  PetscCheck(mode == SNA_AION_PENCIL_AUTO || mode == SNA_AION_PENCIL_ALWAYS || mode == SNA_AION_PENCIL_NEVER, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "Unknown AION pencil mode %d: use SNA_AION_PENCIL_AUTO, _ALWAYS or _NEVER (-%ssna_aion_pencil auto, always or never)", (int)mode, SNAMessagePrefix(sna));
  ai->pencil = mode;
  PetscFunctionReturn(0);
}

/*@
  SNAAionSetAtoms - Sets the rank and the terms of every 1-D factor of an aion SNA

  Logically Collective

  Input Parameters:
+ sna   - the SNA, of type aion (another type: PETSC_ERR_SUP)
. rank  - the rank r, 1 to 1024
- terms - the damped cosines P of every 1-D factor, 1 to 1024

  Options Database Keys:
+ -sna_aion_rank <1>  - rank
- -sna_aion_terms <1> - terms

  Notes:
  Values out of range raise PETSC_ERR_ARG_OUTOFRANGE; other sizes for a model that is set up, fitted or loaded raise
  PETSC_ERR_ARG_WRONGSTATE.

  Level: intermediate

.seealso: SNAAION, SNAAionGetAtoms(), SNAAionSetPencilMode()
@*/
PetscErrorCode SNAAionSetAtoms(SNA sna, PetscInt rank, PetscInt terms)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAAionSetAtoms", "aion", (SNA, PetscInt, PetscInt), (sna, rank, terms));
  PetscFunctionReturn(0);
}

/*@
  SNAAionGetAtoms - Gets the rank and the terms per factor of an aion SNA

  Not Collective

  Input Parameter:
. sna - the SNA, of type aion (another type: PETSC_ERR_SUP)

  Output Parameters:
+ rank  - the rank (NULL: not wanted)
- terms - the damped cosines per factor (NULL: not wanted)

  Level: intermediate

.seealso: SNAAionSetAtoms()
@*/
PetscErrorCode SNAAionGetAtoms(SNA sna, PetscInt *rank, PetscInt *terms)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAAionGetAtoms", "aion", (SNA, PetscInt *, PetscInt *), (sna, rank, terms));
  PetscFunctionReturn(0);
}

/*@
  SNAAionSetPencilMode - Chooses when the infinite-descent fit of an aion SNA starts from the matrix pencil

  Logically Collective

  Input Parameters:
+ sna  - the SNA, of type aion (another type: PETSC_ERR_SUP)
- mode - SNA_AION_PENCIL_AUTO (on uniform 1-D data or a uniform 2-D tensor grid, else root finding),
         SNA_AION_PENCIL_ALWAYS (the pencil, or an error naming why the data do not allow it) or SNA_AION_PENCIL_NEVER
         (root finding from the current parameters); another value: PETSC_ERR_ARG_OUTOFRANGE

  Options Database Keys:
+ -sna_aion_pencil <auto|always|never> - mode (auto); always is refused by lm and tao
- -sna_aion_pencil_rows <L>            - the pencil parameter (0: from the sizes)

  Level: advanced

.seealso: SNAAION, SNAFITINFINITEDESCENT, SNAAionSetAtoms()
@*/
PetscErrorCode SNAAionSetPencilMode(SNA sna, SNAAionPencilMode mode)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAAionSetPencilMode", "aion", (SNA, SNAAionPencilMode), (sna, mode));
  PetscFunctionReturn(0);
}

/* SNAFitSeedUnused_C, for a fit of the set-up model that holds no samples out: -sna_aion_seed draws only the default
   start, which -sna_aion_init replaces, and so do the caller's parameters (a warm start such as snaps-fit
   -init_model, a loaded model, SNASetParameters()). */
static PetscErrorCode SNAFitSeedUnused_Aion(SNA sna, char why[], size_t len)
{
  SNA_Aion   *ai     = (SNA_Aion *)sna->data;
  const char *prefix = SNAMessagePrefix(sna);

  PetscFunctionBegin;
  why[0] = 0;
  if (!ai->seed_given) PetscFunctionReturn(0);
  if (sna->params_given || (!ai->init_start && !ai->seed_drew))
    PetscCall(PetscSNPrintf(why, len, "-%ssna_aion_seed (value %" PetscInt_FMT ") has no effect: it seeds the default start of a new model and the split of -%ssna_fit_validation, but this fit continues from the model's parameters (a warm start such as snaps-fit -init_model, or parameters set by SNASetParameters()) and holds no samples out: drop -%ssna_aion_seed", prefix, ai->seed, prefix, prefix));
  else if (ai->init_start)
    PetscCall(PetscSNPrintf(why, len, "-%ssna_aion_seed (value %" PetscInt_FMT ") has no effect: it seeds the default start and the split of -%ssna_fit_validation, but -%ssna_aion_init gives the start and this fit holds no samples out: drop one of the two", prefix, ai->seed, prefix, prefix));
  PetscFunctionReturn(0);
}

/* The initialisation seed, which also seeds the validation split (-sna_fit_validation). */
static PetscErrorCode SNAGetSeed_Aion(SNA sna, PetscInt *seed)
{
  PetscFunctionBegin;
  *seed = ((SNA_Aion *)sna->data)->seed;
  PetscFunctionReturn(0);
}

/*MC
  SNAAION - "aion": a rank-r separable sum of products of 1-D atoms, u(x) = sum_m prod_p psi_{p,m}(t_p), each atom a
  sum of P damped cosines A e^{alpha t} cos(omega t + phi) of the input mapped to [0, 1] by the model's box; one output

  Its fits: infinite_descent (the default: the algebraic start of the matrix pencil, then Newton on the reduced
  optimality condition), lm and tao.

  Options Database Keys:
+ -sna_aion_rank <r>         - rank, 1 to 1024 (1)
. -sna_aion_terms <P>        - damped cosines per 1-D factor, 1 to 1024 (1)
. -sna_aion_pencil <auto|always|never> - when infinite descent starts from the matrix pencil (auto: on uniformly spaced
                               samples of 1 input or a full uniform grid of 2, where its loss is below the
                               initialisation's; always refuses other data, and is refused by lm and tao)
. -sna_aion_pencil_rows <L>  - the pencil parameter (0: from the sizes; refused, or on data without a uniform record
                               or grid warned about, where no pencil runs)
. -sna_aion_seed <s>         - seed of the default start and of the split of -sna_fit_validation (42)
- -sna_aion_init <A,alpha,omega,phi,...> - the start, 4 d r P numbers in (input, rank, term) order (finite; before
                               set-up)

  Level: intermediate

.seealso: SNACreate(), SNASetType(), SNAAionSetAtoms(), SNAAionSetPencilMode(), SNAKHRONOS
M*/

/* Creates the aion type: rank 1, one term per factor, pencil auto; its natural fit is infinite descent. */
PETSC_EXTERN PetscErrorCode SNACreate_Aion(SNA sna)
{
  SNA_Aion *ai;

  PetscFunctionBegin;
  PetscCall(PetscNew(&ai));
  ai->rank   = 1;
  ai->terms  = 1;
  ai->seed   = 42;
  ai->pencil = SNA_AION_PENCIL_AUTO;
  sna->data  = ai;

  sna->ops->setup                 = SNASetUp_Aion;
  sna->ops->destroy               = SNADestroy_Aion;
  sna->ops->setfromoptions        = SNASetFromOptions_Aion;
  sna->ops->view                  = SNAView_Aion;
  sna->ops->evaluatelocal         = SNAEvaluateLocal_Aion;
  sna->ops->evaluategridlocal     = SNAEvaluateGridLocal_Aion;
  sna->ops->save                  = SNASave_Aion;
  sna->ops->load                  = SNALoad_Aion;
  sna->ops->getparameters         = SNAGetParameters_Aion;
  sna->ops->setparameters         = SNASetParameters_Aion;
  sna->ops->lossgradientlocal     = SNALossGradientLocal_Aion;
  sna->ops->hessianlocal          = SNAHessianLocal_Aion;
  sna->ops->residualjacobianlocal = SNAResidualJacobianLocal_Aion;
  PetscCall(SNASetDefaultFitType(sna, SNAFITINFINITEDESCENT));
  sna->beyondbox = "the model extrapolates beyond its box (its damped cosines go on there)";
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAAionSetAtoms_C", SNAAionSetAtoms_Aion));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAAionGetAtoms_C", SNAAionGetAtoms_Aion));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAAionSetPencilMode_C", SNAAionSetPencilMode_Aion));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAGetSeed_C", SNAGetSeed_Aion));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitSeedUnused_C", SNAFitSeedUnused_Aion));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitCheck_C", SNAFitCheck_Aion));
  PetscFunctionReturn(0);
}
