/* Held-out validation of a fit (-sna_fit_validation f): SNAFit() holds out a fraction f of the samples, fits on
   the rest, and at every monitored iteration measures the MSE on the held-out samples. The fit keeps the
   parameters of the lowest validation MSE (early stopping), and stops once the current method's best validation
   MSE has not improved for -sna_fit_validation_patience iterations while the training MSE went below its value
   there (-sna_fit_validation_stop patience), or under -sna_fit_validation_stop rise once the validation MSE has
   risen -sna_fit_validation_rise percent above that best faster than the training MSE still falls: the fit is
   then fitting noise. A composite fit that hands over to another method (the auto fit's
   Levenberg-Marquardt from the start) starts that record afresh (SNAFitValidationResume), so the second method
   is judged on its own path; the best iterate of both is kept. */
#include <snaps/private/snaimpl.h>
#include <snaps/dataset.h>

/* A uniform number in [0, 1) from (seed, i) (splitmix64): the split depends on the global sample index only,
   so it is the same for any number of ranks. */
static PetscReal SplitUniform(PetscInt seed, PetscInt i)
{
  uint64_t z = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + (uint64_t)i + 0x632BE59BD9B4E019ULL;

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z = z ^ (z >> 31);
  return (PetscReal)(z >> 11) * 0x1.0p-53;
}

/* The seed of the split: the type's initialisation seed (-sna_khronos_seed, -sna_aion_seed), else 42. */
static PetscErrorCode SNAGetSeed(SNA sna, PetscInt *seed)
{
  PetscFunctionBegin;
  *seed = 42;
  PetscTryMethod(sna, "SNAGetSeed_C", (SNA, PetscInt *), (sna, seed));
  PetscFunctionReturn(0);
}

/* The defaults of -sna_fit_validation and -sna_fit_validation_refit (those the user did not choose): where the type
   says its measured default applies (SNAFitDefaultValidation_C: khronos's auto fit, bench/fit), SNA_VALIDATION_DEFAULT
   of the samples if there are at least SNA_VALIDATION_MIN_SAMPLES (fewer hold out too few to judge by) and the refit;
   elsewhere neither. */
/* The validation fraction and refit a fit on N samples runs with: the user's, or the defaults described below. */
static PetscErrorCode ValidationInForce(SNA sna, PetscInt N, PetscReal *fraction, PetscBool *refit)
{
  PetscBool applies = PETSC_FALSE;

  PetscFunctionBegin;
  PetscTryMethod(sna, "SNAFitDefaultValidation_C", (SNA, PetscBool *), (sna, &applies));
  *refit    = sna->refit_chosen ? sna->val_refit : applies;
  *fraction = sna->val_chosen ? sna->validation : (applies && N >= SNA_VALIDATION_MIN_SAMPLES ? SNA_VALIDATION_DEFAULT : 0);
  PetscFunctionReturn(0);
}

/* Whether row (global, 0-based) is held out by a split of the given seed and fraction: the one draw rule of
   SNAFitValidationSplit() and SNAFitTrainingSamples(). */
static inline PetscBool HeldOut(PetscInt seed, PetscInt row, PetscReal fraction)
{
  return (PetscBool)(SplitUniform(seed, row) < fraction);
}

PetscErrorCode SNAFitDefaultValidation(SNA sna, PetscInt N)
{
  PetscFunctionBegin;
  PetscCall(ValidationInForce(sna, N, &sna->validation, &sna->val_refit));
  PetscFunctionReturn(0);
}

/* The samples a fit on X would train on: all of them, or those its validation split (the fraction given, or the
   default SNAFitDefaultValidation() would set) leaves, counted as SNAFitValidationSplit() draws them; for a size
   chosen before the fit (the mf correction's default). */
PetscErrorCode SNAFitTrainingSamples(SNA sna, Vec X, PetscInt *nt)
{
  PetscInt  n, N, lo, seed, kept = 0;
  PetscReal fraction = 0;
  PetscBool refit;

  PetscFunctionBegin;
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "X", &n, NULL));
  PetscCall(SNAGlobalCount(sna, n, &N));
  PetscCall(ValidationInForce(sna, N, &fraction, &refit));
  *nt = N;
  if (fraction <= 0) PetscFunctionReturn(0);
  PetscCall(SNAGetSeed(sna, &seed));
  PetscCall(VecGetOwnershipRange(X, &lo, NULL));
  for (PetscInt i = 0; i < n; i++) kept += HeldOut(seed, lo / sna->dim_in + i, fraction) ? 0 : 1;
  PetscCall(MPIU_Allreduce(&kept, nt, 1, MPIU_INT, MPI_SUM, PetscObjectComm((PetscObject)sna)));
  PetscFunctionReturn(0);
}

/* The record of a method's run starts afresh (a new split, a new parameter count, a composite fit's next method):
   its best validation MSE, the iterations since, and the training MSEs of the rise rule's strip. */
static void ValidationRunStart(SNA sna)
{
  sna->val_run    = PETSC_MAX_REAL;
  sna->val_since  = 0;
  sna->val_nstrip = 0;
}

/* Each stop rule's own setting given under the other rule would be ignored: refused, naming both. */
static PetscErrorCode SNAValidationRuleCheck(SNA sna)
{
  const char *prefix = SNAMessagePrefix(sna), *deflt = sna->val_sgiven ? "" : " (the default)";
  MPI_Comm    comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscCheck(!sna->val_pgiven || sna->val_stoptype == SNA_VALIDATION_STOP_PATIENCE, comm, PETSC_ERR_USER_INPUT, "-%ssna_fit_validation_patience %" PetscInt_FMT " applies to -%ssna_fit_validation_stop patience, but the stop rule is %s%s: add -%ssna_fit_validation_stop patience, or drop it (SNASetValidation(): pass PETSC_DEFAULT)", prefix, sna->patience, prefix, SNAValidationStops[sna->val_stoptype], deflt, prefix);
  PetscCheck(!sna->val_rgiven || sna->val_stoptype == SNA_VALIDATION_STOP_RISE, comm, PETSC_ERR_USER_INPUT, "-%ssna_fit_validation_rise %.6g applies to -%ssna_fit_validation_stop rise, but the stop rule is %s: drop one of them", prefix, (double)sna->val_alpha, prefix, SNAValidationStops[sna->val_stoptype]);
  PetscFunctionReturn(0);
}

/* Splits (X, Y) into the training part (Xt, Yt, new Vecs) and the held-out part (kept in the SNA). */
PetscErrorCode SNAFitValidationSplit(SNA sna, Vec X, Vec Y, Vec *Xt, Vec *Yt)
{
  PetscInt   n, lo, seed, counts[2] = {0, 0}, global[2];
  PetscBool *held;

  PetscFunctionBegin;
  PetscCall(SNAValidationRuleCheck(sna));
  PetscCall(SNAFitValidationRelease(sna)); /* a previous split (of a fit that failed) goes first */
  PetscCall(SNAGetSeed(sna, &seed));
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "X", &n, NULL));
  PetscCall(VecGetOwnershipRange(X, &lo, NULL));
  PetscCall(PetscMalloc1(n, &held));
  for (PetscInt i = 0; i < n; i++) {
    held[i] = HeldOut(seed, lo / sna->dim_in + i, sna->validation);
    counts[held[i]]++;
  }
  PetscCall(MPIU_Allreduce(counts, global, 2, MPIU_INT, MPI_SUM, PetscObjectComm((PetscObject)sna)));
  if (!(global[0] > 0 && global[1] > 0)) PetscCall(PetscFree(held));
  PetscCheck(global[0] > 0 && global[1] > 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_validation %g of %" PetscInt_FMT " samples holds out %" PetscInt_FMT " and trains on %" PetscInt_FMT ": both must be at least one; use a fraction between 1/N and 1 - 1/N, or 0 for no validation", SNAMessagePrefix(sna), (double)sna->validation, global[0] + global[1], global[1], global[0]);
  PetscCall(SNADatasetSelectRows(X, held, &sna->valX));
  PetscCall(SNADatasetSelectRows(Y, held, &sna->valY));
  for (PetscInt i = 0; i < n; i++) held[i] = (PetscBool)!held[i]; /* now: trained on */
  PetscCall(SNADatasetSelectRows(X, held, Xt));
  PetscCall(SNADatasetSelectRows(Y, held, Yt));
  PetscCall(PetscFree(held));
  PetscCall(PetscInfo(sna, "Validation: %" PetscInt_FMT " of %" PetscInt_FMT " samples held out (seed %" PetscInt_FMT ")\n", global[1], global[0] + global[1], seed));
  sna->val_best    = PETSC_MAX_REAL;
  sna->val_mse     = PETSC_MAX_REAL;
  sna->val_nparams = 0;
  sna->val_stop    = PETSC_FALSE;
  ValidationRunStart(sna);
  PetscFunctionReturn(0);
}

/* Prechelt's training progress over the run's last SNA_VALIDATION_STRIP iterations: 1000 (mean / min - 1) of their
   training MSEs, in per mille; large while the fit still gains, near 0 once it creeps. */
static PetscReal TrainingProgress(SNA sna)
{
  const PetscInt k   = PetscMin(sna->val_nstrip, SNA_VALIDATION_STRIP);
  PetscReal      sum = 0, min = PETSC_MAX_REAL;

  for (PetscInt i = 0; i < k; i++) {
    sum += sna->val_strip[i];
    min = PetscMin(min, sna->val_strip[i]);
  }
  return k > 0 && min > 0 ? 1000 * (sum / (k * min) - 1) : 0;
}

/* The stopping test at an iterate that is not the run's best in validation but is in training. Under rise, whether
   the fit is overfitting: the validation MSE is more than alpha percent above the run's best (Prechelt's
   generalisation loss GL) and that loss outweighs the training progress (his quotient GL / P > 1), so that neither a
   plateau, where the validation MSE merely stops improving, nor a bump on the way down of a fit that still gains
   fast (Levenberg-Marquardt crossing smooth_6d's plateau) stops it. Under patience, whether it has not improved for
   patience such iterations. */
static PetscBool ValidationStops(SNA sna)
{
  if (sna->val_stoptype == SNA_VALIDATION_STOP_RISE) {
    const PetscReal gl = 100 * (sna->val_mse / sna->val_run - 1);

    return (PetscBool)(gl > sna->val_alpha && gl > TrainingProgress(sna));
  }
  return (PetscBool)(++sna->val_since >= sna->patience && sna->patience > 0);
}

/* At a monitored iteration (the model holds the iterate, its training MSE is mse): the validation MSE, the best
   iterate and the stopping test. A stage that changes the parameter count (rank enrichment, knot refinement)
   starts the record afresh. */
PetscErrorCode SNAFitValidationObserve(SNA sna, PetscReal mse)
{
  PetscFunctionBegin;
  if (!sna->valX) PetscFunctionReturn(0);
  if (sna->val_nparams != sna->nparams) {
    PetscCall(PetscFree(sna->val_theta));
    PetscCall(PetscMalloc1(sna->nparams, &sna->val_theta));
    sna->val_nparams = sna->nparams;
    sna->val_best    = PETSC_MAX_REAL;
    ValidationRunStart(sna);
  }
  PetscCall(SNAComputeMSE(sna, sna->valX, sna->valY, &sna->val_mse));
  sna->val_strip[sna->val_nstrip++ % SNA_VALIDATION_STRIP] = mse;
  if (sna->val_mse < sna->val_best) {
    sna->val_best = sna->val_mse;
    PetscCall((*sna->ops->getparameters)(sna, sna->val_theta));
  }
  if (sna->val_mse < sna->val_run) {
    sna->val_run    = sna->val_mse;
    sna->val_runfit = mse;
    sna->val_since  = 0;
  } else if (mse < sna->val_runfit && !sna->val_stop)
    sna->val_stop = ValidationStops(sna); /* latched: the stop once asked for stays asked for (SNAFitValidationResume()) */
  PetscFunctionReturn(0);
}

/* Only while samples are held out: a request of an earlier fit's split does not stop the next fit. */
PetscBool SNAFitStopRequested(SNA sna)
{
  return (PetscBool)(sna->valX && sna->val_stop);
}

PetscErrorCode SNAFitValidationResume(SNA sna)
{
  PetscFunctionBegin;
  sna->val_stop = PETSC_FALSE;
  ValidationRunStart(sna);
  PetscFunctionReturn(0);
}

/* After the fit: the model goes back to the best-validation iterate (if the last one is not as good), and the
   held-out samples are released. The reason is the fit's own: a fit that stopped on the rule says so
   (SNA_CONVERGED_VALIDATION, snafitimpl.h); one that ran on to its own end keeps its reason, also when the rule
   fired on the way (a fit that ignores SNAFitStopRequested() must not be reported as stopped early). */
PetscErrorCode SNAFitValidationFinish(SNA sna)
{
  PetscFunctionBegin;
  if (!sna->valX) PetscFunctionReturn(0);
  if (sna->val_nparams == sna->nparams && sna->val_best < PETSC_MAX_REAL) {
    PetscReal last;

    PetscCall(SNAComputeMSE(sna, sna->valX, sna->valY, &last));
    if (!(last <= sna->val_best))
      PetscCall((*sna->ops->setparameters)(sna, sna->val_theta));
    else
      sna->val_best = last;
  }
  if (sna->val_stop && sna->reason != SNA_CONVERGED_VALIDATION) PetscCall(PetscInfo(sna, "The held-out validation asked the fit (-%ssna_fit_type %s) to stop, but it ran on to %s\n", SNAMessagePrefix(sna), sna->fittype, SNAConvergedReasons[sna->reason]));
  sna->val_mse = sna->val_best;
  PetscCall(SNAFitValidationRelease(sna));
  PetscFunctionReturn(0);
}

/* The held-out samples and the best iterate go: after a fit, whether it finished or failed, so that no later fit's
   monitor measures a stale split. */
PetscErrorCode SNAFitValidationRelease(SNA sna)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(sna->val_theta));
  sna->val_nparams = 0;
  sna->val_stop    = PETSC_FALSE;
  PetscCall(VecDestroy(&sna->valX));
  PetscCall(VecDestroy(&sna->valY));
  PetscFunctionReturn(0);
}

/*@
  SNAGetValidationMSE - The MSE on the held-out samples of the last fit (-sna_fit_validation)

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. mse - the validation MSE of the kept iterate (after a refit on all samples, -sna_fit_validation_refit: of the
        model before the refit, which had not seen them), or -1 if the last fit held out no samples

  Level: intermediate

.seealso: SNASetValidation(), SNAFit()
@*/
PetscErrorCode SNAGetValidationMSE(SNA sna, PetscReal *mse)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *mse = sna->val_mse < PETSC_MAX_REAL ? sna->val_mse : -1.0;
  PetscFunctionReturn(0);
}

/*@
  SNAGetValidationRefitted - Whether the last fit went on with all samples after its fit on the split's
  (-sna_fit_validation_refit), so that its validation MSE (SNAGetValidationMSE()) is that of the model before, which
  had not seen the held-out samples, and not of the model the SNA now holds

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. refitted - PETSC_TRUE after such a refit; PETSC_FALSE otherwise (no samples held out, a fit stopped early or not
             converged, or the refit off)

  Level: intermediate

.seealso: SNAGetValidationMSE(), SNASetValidation(), SNAFit()
@*/
PetscErrorCode SNAGetValidationRefitted(SNA sna, PetscBool *refitted)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidBoolPointer(refitted, 2);
  *refitted = sna->fit_refitted;
  PetscFunctionReturn(0);
}

/*@
  SNASetValidation - Holds out a fraction of the training samples to pick the kept iterate (early stopping)

  Logically Collective

  Input Parameters:
+ sna      - the SNA
. fraction - the fraction of samples held out, in [0, 1); 0 for none
- patience - under SNA_VALIDATION_STOP_PATIENCE only (SNASetValidationStop()): iterations without a better validation
             MSE (past the best point's training MSE) before the fit stops, 0 never stops early (the best-validation
             iterate is still kept); PETSC_DEFAULT keeps the current patience (10 unless set), as the default rule, rise,
             takes none

  Options Database Keys:
+ -sna_fit_validation <f>          - the fraction
- -sna_fit_validation_patience <k> - the patience

  Notes:
  The split is pseudo-random by global sample index with the type's seed (-sna_khronos_seed, -sna_aion_seed), the same for any
  number of ranks. The training MSE of the fit is then that of the other samples. A patience other than PETSC_DEFAULT
  and the current one is the user's choice, as -sna_fit_validation_patience is: SNAFit() refuses it under the rule
  rise, which would ignore it.

  Level: intermediate

.seealso: SNAGetValidationMSE(), SNAFit()
@*/
PetscErrorCode SNASetValidation(SNA sna, PetscReal fraction, PetscInt patience)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(fraction >= 0 && fraction < 1, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_validation must be in [0, 1) (the fraction of samples held out; 0: none), not %g", SNAMessagePrefix(sna), (double)fraction);
  PetscCheck(patience >= 0 || patience == PETSC_DEFAULT, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_validation_patience must be >= 0 (0: never stop early), not %" PetscInt_FMT, SNAMessagePrefix(sna), patience);
  sna->validation = fraction;
  sna->val_chosen = PETSC_TRUE;
  if (patience == PETSC_DEFAULT || patience == sna->patience) PetscFunctionReturn(0);
  /* a new patience is asked for (SNASetFromOptions() marks the option given itself): refused under rise, not ignored */
  sna->patience   = patience;
  sna->val_pgiven = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/*@
  SNASetValidationStop - Chooses when held-out validation stops a fit early

  Logically Collective

  Input Parameters:
+ sna   - the SNA
. stop  - SNA_VALIDATION_STOP_RISE: when the validation MSE has risen more than alpha percent above the best of the
          current method (Prechelt's generalisation loss); SNA_VALIDATION_STOP_PATIENCE: when it has not improved for
          the patience of SNASetValidation()
- alpha - the rise, in percent, that stops the fit under rise (ignored under patience)

  Options Database Keys:
+ -sna_fit_validation_stop <rise,patience> - the rule
- -sna_fit_validation_rise <alpha>         - the rise in percent

  Notes:
  Both rules count only iterates whose training MSE is below that of the best-validation one (the fit goes on
  lowering the training loss), and both keep the best-validation iterate. A validation MSE that merely stops
  improving (a plateau the method will leave) stops the fit under patience, never under rise.

  Level: intermediate

.seealso: SNASetValidation(), SNAFit()
@*/
PetscErrorCode SNASetValidationStop(SNA sna, SNAValidationStop stop, PetscReal alpha)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(stop == SNA_VALIDATION_STOP_RISE || stop == SNA_VALIDATION_STOP_PATIENCE, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "Unknown validation stop rule %d: use SNA_VALIDATION_STOP_RISE or SNA_VALIDATION_STOP_PATIENCE (-%ssna_fit_validation_stop rise or patience)", (int)stop, SNAMessagePrefix(sna));
  PetscCheck(alpha >= 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_validation_rise must be >= 0 (the percentage by which the validation MSE may rise above its best before the fit stops), not %g", SNAMessagePrefix(sna), (double)alpha);
  sna->val_stoptype = stop;
  sna->val_alpha    = alpha;
  PetscFunctionReturn(0);
}
