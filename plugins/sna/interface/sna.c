/* The SNA class interface: create, configure, fit, evaluate, view, destroy. */
#include <snaps/private/snaimpl.h>
#include <snaps/options.h>

/*@
  SNACreate - Creates an SNA (separable neural architecture) of type khronos; every rank of comm holds the whole
  (small) model

  Collective

  Input Parameter:
. comm - the communicator the model's data are spread over

  Output Parameter:
. sna - the new SNA: type khronos (SNAKHRONOS), fit auto, -sna_fit_lambda 1e-12, -sna_fit_atol 0, -sna_fit_rtol 1e-10,
        -sna_fit_max_it 100, no sizes (SNASetSizes(), or SNAFit() from the data) and no box (SNASetBounds(), or the data's range)

  Level: beginner

.seealso: SNASetType(), SNASetFromOptions(), SNAFit(), SNAEvaluate(), SNADestroy()
@*/
PetscErrorCode SNACreate(MPI_Comm comm, SNA *sna)
{
  SNA s;

  PetscFunctionBegin;
  PetscValidPointer(sna, 2);
  PetscCall(SNAInitializePackage());
  PetscCall(PetscHeaderCreate(s, SNA_CLASSID, "SNA", "Separable Neural Architecture", "SNA", comm, SNADestroy, SNAView));
  s->dim_in        = -1;
  s->dim_out       = -1;
  s->lambda        = 1e-12;
  s->atol          = 0.0;
  s->rtol          = 1e-10;
  s->max_it        = 100;
  s->progress_rtol = 1e-3; /* used once -sna_fit_progress_window is set */
  s->reason        = SNA_CONVERGED_ITERATING;
  /* unless chosen, the default fit of khronos holds out 10% of the samples, stops on a rise of their MSE and refits
     (SNAFitDefaultValidation): bench/fit measured it meeting the error target on all four problems */
  s->validation   = 0;
  s->patience     = 10;
  s->val_stoptype = SNA_VALIDATION_STOP_RISE;
  s->val_alpha    = 20;
  s->val_refit    = PETSC_TRUE;
  s->val_mse      = PETSC_MAX_REAL;
  PetscCall(PetscStrallocpy(SNAFITAUTO, &s->fittype));
  /* a default type, so that type-specific setters such as SNAKhronosSetBasis() always apply */
  PetscCall(SNASetType(s, SNAKHRONOS));
  *sna = s;
  PetscFunctionReturn(0);
}

/* The error of a type-specific function fname() (of type want) called on an SNA of another type (SNAUseTypeMethod()). */
PetscErrorCode SNATypeMethodMissing(SNA sna, const char fname[], const char want[])
{
  PetscFunctionBegin;
  SETERRQ(PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "%s() applies to an SNA of type %s; this one has type %s (set the type first: -%ssna_type or SNASetType())", fname, want, ((PetscObject)sna)->type_name ? ((PetscObject)sna)->type_name : "(none)", SNAMessagePrefix(sna));
}

/*@
  SNADestroy - Destroys an SNA (once its last reference goes) and sets the pointer to NULL

  Collective

  Input Parameter:
. sna - the SNA; a pointer to NULL does nothing

  Level: beginner

.seealso: SNACreate()
@*/
PetscErrorCode SNADestroy(SNA *sna)
{
  PetscFunctionBegin;
  if (!*sna) PetscFunctionReturn(0);
  PetscValidHeaderSpecific(*sna, SNA_CLASSID, 1);
  if (--((PetscObject)(*sna))->refct > 0) {
    *sna = NULL;
    PetscFunctionReturn(0);
  }
  if ((*sna)->ops->destroy) PetscCall((*(*sna)->ops->destroy)(*sna));
  PetscCall(SNAMonitorCancel(*sna));
  PetscCall(PetscFree2((*sna)->lower, (*sna)->upper));
  PetscCall(PetscFree((*sna)->bounds_pending));
  PetscCall(PetscFree((*sna)->fittype));
  PetscCall(SNAFitValidationRelease(*sna));
  PetscCall(PetscHeaderDestroy(sna));
  PetscFunctionReturn(0);
}

/*@C
  SNASetType - Chooses the implementation of an SNA

  Collective

  Input Parameters:
+ sna  - the SNA
- type - SNAKHRONOS, SNAAION, SNAMF, or a type added with SNARegister()

  Options Database Key:
. -sna_type <khronos|aion|mf> - the type (khronos, SNACreate()'s, when not given)

  Notes:
  The type it already has does nothing. Another type starts an unfitted model of the new type: the parameters, the
  record of the last fit and a Ritz form are discarded; the sizes, the box and the settings the user made (fit type,
  tolerances, SNASetProgressStop()) are kept, and the old type's own defaults go. An unknown name raises
  PETSC_ERR_ARG_UNKNOWN_TYPE, naming the types registered.

  Level: intermediate

.seealso: SNAKHRONOS, SNAAION, SNAMF, SNAGetType(), SNARegister(), SNASetFromOptions()
@*/
PetscErrorCode SNASetType(SNA sna, SNAType type)
{
  PetscBool match;
  PetscErrorCode (*create)(SNA);

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidCharPointer(type, 2);
  PetscCall(PetscObjectTypeCompare((PetscObject)sna, type, &match));
  if (match) PetscFunctionReturn(0);
  PetscCall(PetscFunctionListFind(SNAList, type, &create));
  if (!create) { /* the types registered (SNARegister() adds to them) */
    const char **names;
    int          n;
    char         known[512] = "";

    PetscCall(PetscFunctionListGet(SNAList, &names, &n));
    for (int i = 0; i < n && names[i]; i++) { /* the array ends with NULL */
      if (i) PetscCall(PetscStrlcat(known, ", ", sizeof(known)));
      PetscCall(PetscStrlcat(known, names[i], sizeof(known)));
    }
    PetscCall(PetscFree(names));
    SETERRQ(PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_UNKNOWN_TYPE, "Unknown SNA type '%s' (-%ssna_type or SNASetType()): use one of %s", type, SNAMessagePrefix(sna), known);
  }
  if (sna->ops->destroy) PetscCall((*sna->ops->destroy)(sna));
  PetscCall(PetscMemzero(sna->ops, sizeof(struct _SNAOps)));
  sna->data         = NULL;
  sna->setupcalled  = PETSC_FALSE;
  sna->params_given = PETSC_FALSE; /* the new type's start is its own (a seed draws it) */
  sna->nparams      = 0;
  sna->beyondbox    = NULL;
  sna->reason       = SNA_CONVERGED_ITERATING;
  sna->iterations   = 0;
  sna->fit_mse      = 0;
  sna->fit_mse0     = 0;
  sna->val_mse      = PETSC_MAX_REAL;
  sna->fit_refitted = PETSC_FALSE;
  sna->fit_samples  = 0; /* SNAWarnOverParameterised(PETSC_DETERMINE) of the new, unfitted model says nothing */
  sna->objective    = SNA_OBJECTIVE_LEAST_SQUARES;
  /* the old type's default stop goes with it; the user's (progress_window, _rtol where given) stays */
  sna->progress_window_type = 0;
  sna->progress_rtol_type   = 1e-3;
  /* -sna_type's record: SNASetFromOptions() sets it again after its own change */
  sna->type_option[0] = 0;
  PetscCall(PetscMemzero(&sna->stats, sizeof(sna->stats)));
  PetscCall(PetscObjectCompose((PetscObject)sna, "SNARitzForm", NULL));
  PetscCall(PetscObjectChangeTypeName((PetscObject)sna, type));
  PetscCall((*create)(sna));
  PetscFunctionReturn(0);
}

/*@C
  SNAGetType - Gets the type name of an SNA

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. type - its type (khronos, SNACreate()'s, until SNASetType() or -sna_type chooses another); owned by the SNA

  Level: intermediate

.seealso: SNASetType()
@*/
PetscErrorCode SNAGetType(SNA sna, SNAType *type)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *type = ((PetscObject)sna)->type_name;
  PetscFunctionReturn(0);
}

/*@C
  SNASetOptionsPrefix - Sets the prefix of all the SNA's options (-<prefix>sna_type, ...)

  Logically Collective

  Input Parameters:
+ sna    - the SNA
- prefix - the prefix (no leading hyphen), or NULL for none

  Level: intermediate

.seealso: SNAAppendOptionsPrefix(), SNASetFromOptions()
@*/
PetscErrorCode SNASetOptionsPrefix(SNA sna, const char prefix[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCall(PetscObjectSetOptionsPrefix((PetscObject)sna, prefix));
  PetscFunctionReturn(0);
}

/*@C
  SNAAppendOptionsPrefix - Appends to the prefix of the SNA's options

  Logically Collective

  Input Parameters:
+ sna    - the SNA
- prefix - the text to append (no leading hyphen)

  Level: intermediate

.seealso: SNASetOptionsPrefix(), SNASetFromOptions()
@*/
PetscErrorCode SNAAppendOptionsPrefix(SNA sna, const char prefix[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCall(PetscObjectAppendOptionsPrefix((PetscObject)sna, prefix));
  PetscFunctionReturn(0);
}

/* -sna_fit_type: any fit registered for the current type (after the type has picked its natural one). */
static PetscErrorCode SNASetFromOptions_FitType(SNA sna, PetscOptionItems *PetscOptionsObject)
{
  char      fittype[64], names[512], text[640];
  PetscBool flg;
  PetscErrorCode (*fit)(SNA, Vec, Vec);

  PetscFunctionBegin;
  PetscCall(SNAFitGetNames(sna, names, sizeof(names)));
  PetscCall(PetscSNPrintf(text, sizeof(text), "Fitting algorithm (%s)", names));
  PetscCall(PetscOptionsString("-sna_fit_type", text, "SNASetFitType", sna->fittype, fittype, sizeof(fittype), &flg));
  if (!flg) PetscFunctionReturn(0);
  PetscCall(SNAFitFind(sna, fittype, &fit));
  PetscCheck(fit, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_UNKNOWN_TYPE, "Unknown -%ssna_fit_type %s for SNA type %s: use one of %s", SNAMessagePrefix(sna), fittype, ((PetscObject)sna)->type_name, names);
  PetscCall(SNASetFitType(sna, fittype));
  PetscFunctionReturn(0);
}

/* -sna_fit_progress_window and _rtol: only when given, so that a type's default (the mf joint stage's) is not taken
   for the user's choice, which a fit without Levenberg-Marquardt refuses (SNAFitRun). Each one given replaces the
   type's default of that one alone; the rtol alone where no window is in force is refused by the fit
   (SNAFitCheckProgressStop). */
static PetscErrorCode SNASetFromOptions_ProgressStop(SNA sna, PetscOptionItems *PetscOptionsObject)
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)sna);
  PetscInt  window;
  PetscReal rtol;
  PetscBool wset, rset;

  PetscFunctionBegin;
  PetscCall(SNAGetProgressStopInForce(sna, &window, &rtol));
  PetscCall(PetscOptionsInt("-sna_fit_progress_window", "Levenberg-Marquardt (-sna_fit_type lm, the auto fit's retry, an mf model's joint ar1 stage; refused by other fits): stop (STOPPED_SLOW_PROGRESS) when the last this many accepted steps together lowered the objective by less than -sna_fit_progress_rtol times it (0: off; an mf model's joint ar1 stage: 5)", "SNASetProgressStop", window, &window, &wset));
  PetscCall(PetscOptionsReal("-sna_fit_progress_rtol", "Levenberg-Marquardt: the gain of the last -sna_fit_progress_window steps, relative to the objective, below which the fit stops (1e-3; an mf model's joint ar1 stage: 1e-2); refused without -sna_fit_progress_window where no window is in force (khronos, aion)", "SNASetProgressStop", rtol, &rtol, &rset));
  if (wset) {
    PetscCheck(window >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_progress_window must be >= 0 (0: off), not %" PetscInt_FMT, SNAMessagePrefix(sna), window);
    sna->progress_window = window;
    sna->progress_wgiven = PETSC_TRUE;
  }
  if (rset) {
    PetscCheck(rtol >= 0 && rtol < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_progress_rtol must be in [0, 1), not %g", SNAMessagePrefix(sna), (double)rtol);
    sna->progress_rtol   = rtol;
    sna->progress_rgiven = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

/* "[lo0, hi0] x [lo1, hi1] ..." for messages (the first 4 inputs of more). */
static PetscErrorCode SNABoxString(PetscInt d, const PetscReal lower[], const PetscReal upper[], char buf[], size_t len)
{
  PetscFunctionBegin;
  buf[0] = 0;
  for (PetscInt p = 0; p < PetscMin(d, 4); p++) {
    char one[64];
    PetscCall(PetscSNPrintf(one, sizeof(one), "%s[%g, %g]", p ? " x " : "", (double)lower[p], (double)upper[p]));
    PetscCall(PetscStrlcat(buf, one, len));
  }
  if (d > 4) {
    char more[64];
    PetscCall(PetscSNPrintf(more, sizeof(more), " x ... (%" PetscInt_FMT " inputs)", d));
    PetscCall(PetscStrlcat(buf, more, len));
  }
  PetscFunctionReturn(0);
}

/* Whether lower, upper is the box of a set-up SNA other than its own, which would rescale the model: then the
   model's box and the new one in words. */
static PetscErrorCode SNABoundsWouldRescale(SNA sna, const PetscReal lower[], const PetscReal upper[], PetscBool *rescale, char model[], char given[], size_t len)
{
  PetscFunctionBegin;
  *rescale = PETSC_FALSE;
  if (!sna->setupcalled || !sna->lower) PetscFunctionReturn(0);
  for (PetscInt p = 0; p < sna->dim_in; p++)
    if (lower[p] != sna->lower[p] || upper[p] != sna->upper[p]) *rescale = PETSC_TRUE;
  if (!*rescale) PetscFunctionReturn(0);
  PetscCall(SNABoxString(sna->dim_in, sna->lower, sna->upper, model, len));
  PetscCall(SNABoxString(sna->dim_in, lower, upper, given, len));
  PetscFunctionReturn(0);
}

/* -sna_bounds lo0,hi0,lo1,hi1,...: as many numbers as given (counted first: PetscOptionsRealArray() reads at most as
   many as it has room for); before the sizes are known it is kept until SNASetSizes() (or SNAFit()) sets them. */
static PetscErrorCode SNASetFromOptions_Bounds(SNA sna, PetscOptionItems *PetscOptionsObject)
{
  const char *prefix = SNAMessagePrefix(sna), *value = NULL;
  PetscInt    nb, nmax                               = 2 * PetscMax(sna->dim_in, 1);
  PetscReal     *bounds, *lo, *hi;
  PetscBool      given, flg;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscOptionsFindPair(((PetscObject)sna)->options, ((PetscObject)sna)->prefix, "-sna_bounds", &value, &given));
  if (given && value) {
    PetscInt count = 1;
    for (const char *c = value; *c; c++) count += *c == ',';
    nmax = PetscMax(nmax, count);
  }
  PetscCall(PetscCalloc1(nmax, &bounds));
  for (PetscInt p = 0; sna->lower && p < sna->dim_in; p++) { /* -help shows the box when it is known */
    bounds[2 * p]     = sna->lower[p];
    bounds[2 * p + 1] = sna->upper[p];
  }
  nb = nmax;
  ierr = PetscOptionsRealArray("-sna_bounds", "Input box lo0,hi0,lo1,hi1,... (default: the training data's range)", "SNASetBounds", bounds, &nb, &flg); /* not PetscCall: a value that is no number frees bounds first */
  if (ierr || !flg) {
    PetscCall(PetscFree(bounds));
    PetscCall(ierr);
    PetscFunctionReturn(0);
  }
  if (nb % 2 || nb == 0) PetscCall(PetscFree(bounds));
  PetscCheck(nb % 2 == 0 && nb > 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONG, "-%ssna_bounds needs pairs lo,hi for each input; got %" PetscInt_FMT " numbers", prefix, nb);
  if (sna->dim_in < 0) { /* SNASetSizes() applies it */
    PetscCall(PetscFree(sna->bounds_pending));
    sna->bounds_pending  = bounds;
    sna->nbounds_pending = nb;
    PetscFunctionReturn(0);
  }
  if (nb != 2 * sna->dim_in) PetscCall(PetscFree(bounds));
  PetscCheck(nb == 2 * sna->dim_in, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_SIZ, "-%ssna_bounds has %" PetscInt_FMT " numbers, but the model has %" PetscInt_FMT " inputs (needs %" PetscInt_FMT ")", prefix, nb, sna->dim_in, 2 * sna->dim_in);
  PetscCall(PetscMalloc2(nb / 2, &lo, nb / 2, &hi));
  for (PetscInt p = 0; p < nb / 2; p++) {
    lo[p] = bounds[2 * p];
    hi[p] = bounds[2 * p + 1];
  }
  PetscCall(PetscFree(bounds));
  { /* a fitted or loaded model (a warm start such as snaps-fit -init_model) keeps its box: say so with the option */
    PetscBool rescale;
    char      model[320], box[320];

    PetscCall(SNABoundsWouldRescale(sna, lo, hi, &rescale, model, box, sizeof(model)));
    if (rescale) PetscCall(PetscFree2(lo, hi));
    PetscCheck(!rescale, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "-%ssna_bounds gives the input box %s, but this SNA is already fitted or loaded, on the box %s: a warm start (such as snaps-fit -init_model) keeps the model's box, on which its parameters are. Drop -%ssna_bounds, or give the model's box, or fit a new model", prefix, box, model, prefix);
  }
  ierr = SNASetBounds(sna, lo, hi); /* not PetscCall: a box it refuses (lo >= hi, NaN) frees lo and hi first */
  PetscCall(PetscFree2(lo, hi));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The monitor of -sna_monitor: the option is checked when it is read (SNAPSOptionsCheckTextViewer()) and its viewer
   opened at the first line, so that a run refused before the fit (missing data, a model of another size, -help)
   leaves no empty file. Opened as every SNAPS monitor opens its viewer (SNAPSOptionsGetTextViewer()): one shared
   viewer per file, so a program's own monitor lines to the same file (snaps-poisson -method khronos) come in turn
   instead of overwriting these. */
typedef struct {
  PetscOptions          options; /* the SNA's when the option was read (NULL: the global database) */
  char                 *prefix;  /* the SNA's prefix then */
  PetscBool             opened;  /* the option was read again, at the first line */
  PetscViewerAndFormat *vf;      /* its viewer then (NULL: the option was removed since) */
} SNAMonitorOptionCtx;

static PetscErrorCode SNAMonitorOption(SNA sna, PetscInt it, PetscReal mse, void *ctx)
{
  SNAMonitorOptionCtx *mc = (SNAMonitorOptionCtx *)ctx;

  PetscFunctionBegin;
  if (!mc->opened) {
    PetscViewer       viewer;
    PetscViewerFormat format;

    mc->opened = PETSC_TRUE;
    PetscCall(SNAPSOptionsGetTextViewer(PetscObjectComm((PetscObject)sna), mc->options, mc->prefix, "-sna_monitor", &viewer, &format));
    if (viewer) PetscCall(PetscViewerAndFormatCreate(viewer, format, &mc->vf));
    PetscCall(PetscViewerDestroy(&viewer)); /* vf holds its own reference */
  }
  if (mc->vf) PetscCall(SNAMonitorDefault(sna, it, mse, mc->vf));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMonitorOptionDestroy(void **ctx)
{
  SNAMonitorOptionCtx *mc = (SNAMonitorOptionCtx *)*ctx;

  PetscFunctionBegin;
  if (mc->vf) PetscCall(PetscViewerAndFormatDestroy(&mc->vf));
  PetscCall(PetscFree(mc->prefix));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(0);
}

/* -sna_monitor [ascii[:file[:format]]] (PETSc's viewer syntax, as -ksp_monitor; alone: stdout; a boolean value, as
   before: on or off), read by SNAPSOptionsGetTextViewer() as every SNAPS monitor, and -sna_monitor_cancel (the
   monitors set before, in code or by options). */
static PetscErrorCode SNASetFromOptions_Monitor(SNA sna, PetscOptionItems *PetscOptionsObject)
{
  const char *value = NULL, *bools[] = {"0", "1", "false", "true", "no", "yes", "off", "on"};
  PetscBool   cancel = PETSC_FALSE, given, flg, isbool = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscOptionsBool("-sna_monitor_cancel", "Remove the monitors set before (SNAMonitorSet() in code, or -sna_monitor)", "SNAMonitorCancel", cancel, &cancel, &flg));
  if (flg && cancel) PetscCall(SNAMonitorCancel(sna));
  PetscCall(PetscOptionsFindPair(((PetscObject)sna)->options, ((PetscObject)sna)->prefix, "-sna_monitor", &value, &given));
  for (size_t i = 0; given && value && i < sizeof(bools) / sizeof(bools[0]); i++) {
    PetscBool match;

    PetscCall(PetscStrcasecmp(value, bools[i], &match));
    isbool = (PetscBool)(isbool || match);
  }
  /* the class's own message for a viewer of another type (the reader refuses it too, naming "the option") */
  if (given && value && value[0] && !isbool) {
    char   type[16] = "";
    size_t len      = strcspn(value, ":");
    if (len < sizeof(type)) PetscCall(PetscStrncpy(type, value, len + 1));
    PetscCheck(len == 0 || (len < sizeof(type) && !strcmp(type, "ascii")), PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "-%ssna_monitor %s: the monitor prints text, to standard output or an ASCII viewer only: give -%ssna_monitor alone, or -%ssna_monitor ascii:<file>", SNAMessagePrefix(sna), value, SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  }
  PetscCall(PetscOptionsName("-sna_monitor", "Print the training loss of every sweep (to stdout, or ascii:<file>)", "SNAMonitorSet", &flg));
  /* checked now, opened at the first line (SNAMonitorOption()); set once per prefix: a second SNASetFromOptions()
     (snaps-fit -help, a warm start) does not print every line twice */
  PetscCall(SNAPSOptionsCheckTextViewer(PetscObjectComm((PetscObject)sna), ((PetscObject)sna)->options, ((PetscObject)sna)->prefix, "-sna_monitor", &flg));
  for (PetscInt i = 0; flg && i < sna->numbermonitors; i++) {
    PetscBool same = PETSC_FALSE;

    if (sna->monitor[i] == SNAMonitorOption) PetscCall(PetscStrcmp(((SNAMonitorOptionCtx *)sna->monitorcontext[i])->prefix, ((PetscObject)sna)->prefix, &same));
    if (same) flg = PETSC_FALSE;
  }
  if (flg) {
    SNAMonitorOptionCtx *mc;

    PetscCall(PetscNew(&mc));
    mc->options = ((PetscObject)sna)->options;
    PetscCall(PetscStrallocpy(((PetscObject)sna)->prefix, &mc->prefix));
    PetscCall(SNAMonitorSet(sna, SNAMonitorOption, mc, SNAMonitorOptionDestroy));
  }
  PetscFunctionReturn(0);
}

/* Whether the type's measured default validation (SNAFitDefaultValidation_C) applies, for the values shown by -help:
   the type's options that decide it (khronos: -sna_khronos_refine, -sna_khronos_enrich) are read after the class's,
   so the type looks them up in the options database (SNAFitDefaultValidationOptions_C) where it can. */
static PetscErrorCode DefaultValidationShown(SNA sna, PetscBool *applies)
{
  PetscErrorCode (*f)(SNA, PetscBool *) = NULL;

  PetscFunctionBegin;
  *applies = PETSC_FALSE;
  PetscCall(PetscObjectQueryFunction((PetscObject)sna, "SNAFitDefaultValidationOptions_C", &f));
  if (f) {
    PetscCall((*f)(sna, applies));
  } else {
    PetscTryMethod(sna, "SNAFitDefaultValidation_C", (SNA, PetscBool *), (sna, applies));
  }
  PetscFunctionReturn(0);
}

/* The body of SNASetFromOptions(), inside its options block: the class options, then the type's. */
static PetscErrorCode SNASetFromOptions_Block(SNA sna, PetscOptionItems *PetscOptionsObject)
{
  char        type[256];
  PetscBool   flg;
  PetscReal   lambda = sna->lambda;
  SNALossType loss;

  PetscFunctionBegin;
  PetscCall(PetscOptionsFList("-sna_type", "Separable neural architecture", "SNASetType", SNAList, ((PetscObject)sna)->type_name ? ((PetscObject)sna)->type_name : SNAKHRONOS, type, sizeof(type), &flg));
  if (flg && sna->setupcalled) { /* a fitted or loaded model (a warm start such as snaps-fit -init_model) keeps its type */
    PetscBool same;

    PetscCall(PetscObjectTypeCompare((PetscObject)sna, type, &same));
    PetscCheck(same, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "-%ssna_type %s would replace this SNA, which is already set up as a %s model (fitted, loaded, or set up by SNASetUp(), SNAGetNumParameters() or SNAGetParameters()), by a new %s model: a warm start (such as snaps-fit -init_model) keeps the model's type, whose parameters it continues from. Drop -%ssna_type, or fit a new model (a program: call SNASetFromOptions() before those getters)", SNAMessagePrefix(sna), type, ((PetscObject)sna)->type_name, type, SNAMessagePrefix(sna));
  }
  if (flg || !((PetscObject)sna)->type_name) PetscCall(SNASetType(sna, flg ? type : SNAKHRONOS));
  if (flg) PetscCall(PetscStrncpy(sna->type_option, type, sizeof(sna->type_option))); /* a load of another type refuses it */
  PetscCall(SNASetFromOptions_FitType(sna, PetscOptionsObject));
  PetscCall(PetscOptionsEnum("-sna_loss", "Training loss: mse, or cross_entropy (the outputs are the logits of a categorical distribution)", "SNASetLossType", SNALossTypes, (PetscEnum)sna->loss, (PetscEnum *)&loss, &flg));
  if (flg) PetscCall(SNASetLossType(sna, loss));
  PetscCall(PetscOptionsReal("-sna_fit_lambda", "Tikhonov weight lambda of the loss (1/2N)|y-u|^2 + (lambda/2)|theta|^2: absolute, in the units of the targets squared (for targets far from order one, scale it with their variance, or scale the data)", "SNASetRegularization", lambda, &lambda, &flg));
  if (flg) PetscCall(SNASetRegularization(sna, lambda)); /* given: a fit that takes no lambda refuses it */
  PetscCall(PetscOptionsReal("-sna_fit_atol", "Stop when the training MSE falls below this (irls: the training cross-entropy, without the penalty)", "SNASetTolerances", sna->atol, &sna->atol, NULL));
  PetscCall(PetscOptionsReal("-sna_fit_rtol", "Stop when a sweep or step lowers the training MSE by less than rtol times the variance of the targets (the mean of the outputs' variances, each about its own mean) and by less than half; AION's infinite descent: when the Newton model's decrease is below rtol times the loss; irls: when a sweep lowers the objective it minimises (the training cross-entropy plus the penalty lambda/2 |theta|^2) by less than rtol times it", "SNASetTolerances", sna->rtol, &sna->rtol, NULL));
  PetscCall(PetscOptionsInt("-sna_fit_max_it", "Maximum sweeps (ALS), iterations (TAO) and trial steps (LM: rejected ones count) per level; the auto fit's Levenberg-Marquardt retry after ALS has a budget of its own of as many steps", "SNASetTolerances", sna->max_it, &sna->max_it, NULL));
  PetscCall(PetscOptionsBool("-sna_fit_error_if_not_converged", "Raise an error when a fit ends without converging (the model keeps its best iterate); a stop by -sna_fit_progress_window (STOPPED_SLOW_PROGRESS) is one the user asked for and is accepted", "SNASetErrorIfNotConverged", sna->errorifnotconverged, &sna->errorifnotconverged, NULL));
  PetscCall(SNASetTolerances(sna, sna->atol, sna->rtol, sna->max_it));
  PetscCall(SNASetFromOptions_ProgressStop(sna, PetscOptionsObject));
  {
    PetscReal fraction = sna->val_chosen ? sna->validation : 0;
    PetscInt  patience = sna->patience;
    PetscBool fset, pset, applies = PETSC_FALSE;

    if (!sna->val_chosen) { /* shown: the default of this type and fit (given enough samples), not always 0.1 */
      PetscCall(DefaultValidationShown(sna, &applies));
      if (applies) fraction = SNA_VALIDATION_DEFAULT;
    }
    PetscCall(PetscOptionsReal("-sna_fit_validation", "Fraction of the samples held out: the fit keeps the iterate of lowest MSE on them and stops when they show overfitting (0: none; default 0.1 for the auto fit of khronos on 100 samples or more without refinement or enrichment, not in an mf model, else 0)", "SNASetValidation", fraction, &fraction, &fset));
    PetscCall(PetscOptionsInt("-sna_fit_validation_patience", "Under -sna_fit_validation_stop patience: iterations without a better validation MSE, past the best point's training MSE, before the fit stops (0: never stops early; refused where no samples are held out)", "SNASetValidation", patience, &patience, &pset));
    if (fset) PetscCall(SNASetValidation(sna, fraction, patience));
    PetscCheck(patience >= 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_validation_patience must be >= 0 (0: never stop early), not %" PetscInt_FMT, SNAMessagePrefix(sna), patience);
    sna->patience   = patience;
    sna->val_pgiven = (PetscBool)(sna->val_pgiven || pset);
  }
  PetscCall(PetscOptionsEnum("-sna_fit_validation_stop", "When validation stops the fit: rise (its MSE rose -sna_fit_validation_rise percent above its best) or patience (no better MSE for -sna_fit_validation_patience iterations); refused where no samples are held out", "SNASetValidationStop", SNAValidationStops, (PetscEnum)sna->val_stoptype, (PetscEnum *)&sna->val_stoptype, &flg));
  sna->val_sgiven = (PetscBool)(sna->val_sgiven || flg);
  PetscCall(PetscOptionsReal("-sna_fit_validation_rise", "Under -sna_fit_validation_stop rise: the rise of the validation MSE above its best, in percent, that stops the fit (refused where no samples are held out)", "SNASetValidationStop", sna->val_alpha, &sna->val_alpha, &flg));
  sna->val_rgiven = (PetscBool)(sna->val_rgiven || flg);
  PetscCall(SNASetValidationStop(sna, sna->val_stoptype, sna->val_alpha));
  {
    /* shown: the refit in force for this type and fit (the fraction above likewise), not SNACreate()'s on */
    PetscBool refit = sna->val_refit, applies = PETSC_FALSE;

    if (!sna->refit_chosen) {
      PetscCall(DefaultValidationShown(sna, &applies));
      refit = applies;
    }
    PetscCall(PetscOptionsBool("-sna_fit_validation_refit", "With -sna_fit_validation: a fit that converged without the stop rule firing goes on with all samples from its best held-out iterate, so the held-out samples only decide when to stop (default: on where the default validation applies, else off)", "SNAFit", refit, &refit, &flg));
    if (flg) {
      sna->val_refit    = refit;
      sna->refit_chosen = PETSC_TRUE;
    }
  }
  PetscCall(SNASetFromOptions_Bounds(sna, PetscOptionsObject));
  PetscCall(SNASetFromOptions_Monitor(sna, PetscOptionsObject));
  if (sna->ops->setfromoptions) PetscCall((*sna->ops->setfromoptions)(sna, PetscOptionsObject));
  PetscCall(PetscObjectProcessOptionsHandlers((PetscObject)sna, PetscOptionsObject));
  PetscFunctionReturn(0);
}

/*@
  SNASetFromOptions - Sets the SNA's type, fit and monitors, and the type's own settings, from the options database

  Collective

  Input Parameter:
. sna - the SNA

  Options Database Keys (after the SNA's prefix):
+ -sna_type <khronos|aion|mf>     - SNASetType(); a fitted or loaded model keeps its type (another is refused)
. -sna_loss <mse|cross_entropy>   - SNASetLossType()
. -sna_fit_type <type>            - SNASetFitType(): one of the fits registered for the type (-help lists them)
. -sna_fit_lambda <1e-12>         - SNASetRegularization()
. -sna_fit_atol <0>, -sna_fit_rtol <1e-10>, -sna_fit_max_it <100> - SNASetTolerances()
. -sna_fit_error_if_not_converged - SNASetErrorIfNotConverged()
. -sna_fit_progress_window <w>, -sna_fit_progress_rtol <r> - SNASetProgressStop()
. -sna_fit_validation <f>, -sna_fit_validation_patience <k> - SNASetValidation()
. -sna_fit_validation_stop <rise|patience>, -sna_fit_validation_rise <alpha> - SNASetValidationStop()
. -sna_fit_validation_refit       - SNAFit()
. -sna_bounds <lo0,hi0,...>       - SNASetBounds()
. -sna_monitor [ascii[:file[:format]]], -sna_monitor_cancel - SNAMonitorSet(), SNAMonitorCancel()
- -sna_view                       - checked here (a viewer SNAView() cannot show is refused before any work); shown
                                    by SNAFit()

  Notes:
  The type's own options follow: SNAKHRONOS, SNAAION, SNAMF and the fits' pages list them. A bad value is refused
  with an error naming the option. Before SNALoad() (PETSc's order: SetFromOptions, then Load) the loaded type's
  options are read again for the loaded model, and a -sna_type other than the file's is refused.

  Level: beginner

.seealso: SNACreate(), SNASetType(), SNAReadFitOptions(), SNAFit(), SNALoad()
@*/
PetscErrorCode SNASetFromOptions(SNA sna)
{
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCall(SNAInitializePackage());
  /* an option refused inside the block (a bad value) is raised after PetscOptionsEnd(), which frees the block's prefix
     and title: returned from inside the block, each refusal leaked them in a program that catches the error and goes on */
  PetscObjectOptionsBegin((PetscObject)sna);
  if (!ierr) ierr = SNASetFromOptions_Block(sna, PetscOptionsObject); /* not PetscCall: end the block first */
  PetscOptionsEnd();
  PetscCall(ierr);
  /* a -sna_view SNAView() cannot show is refused now: a program may view only after its solve (snaps-poisson) */
  PetscCall(SNACheckViewOption(sna));
  sna->setfromoptionscalled = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* The type's options alone, raised after the block ends as in SNASetFromOptions(). */
PetscErrorCode SNASetFromOptions_Type(SNA sna)
{
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  if (!sna->ops->setfromoptions) PetscFunctionReturn(0);
  PetscObjectOptionsBegin((PetscObject)sna);
  if (!ierr) ierr = (*sna->ops->setfromoptions)(sna, PetscOptionsObject); /* not PetscCall: end the block first */
  PetscOptionsEnd();
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@
  SNASetSizes - Sets the numbers of inputs and outputs of an SNA

  Logically Collective

  Input Parameters:
+ sna - the SNA
. d   - the inputs, 1 to 4096
- q   - the outputs, 1 to 2^20

  Notes:
  Optional before SNAFit(), which takes them from the block sizes of the data. Sizes out of range raise
  PETSC_ERR_ARG_OUTOFRANGE (a model file may hold no more); other sizes for a set-up model PETSC_ERR_ARG_WRONGSTATE.
  A -sna_bounds read before the sizes were known is taken now, and refused (PETSC_ERR_ARG_SIZ) when it gives the box
  of another number of inputs.

  Level: beginner

.seealso: SNAGetSizes(), SNASetBounds(), SNAFit()
@*/
PetscErrorCode SNASetSizes(SNA sna, PetscInt d, PetscInt q)
{
  PetscReal *pending, *lo, *hi;
  PetscInt   nb;
  PetscBool  wrong;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  pending = sna->bounds_pending;
  nb      = sna->nbounds_pending;
  PetscCheck(d >= 1 && q >= 1, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "An SNA needs at least one input and one output, not d = %" PetscInt_FMT ", q = %" PetscInt_FMT, d, q);
  /* the sizes a model file may hold (SNALoad() refuses more): refused here, before any fit, not when the model is read */
  PetscCheck(d <= SNA_MAX_INPUTS && q <= SNA_MAX_OUTPUTS, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "An SNA takes at most %d inputs and %d outputs (what its model file may hold), not %" PetscInt_FMT " inputs and %" PetscInt_FMT " outputs: reduce the data first (e.g. to the coefficients of a POD basis: snaps-pod)", SNA_MAX_INPUTS, SNA_MAX_OUTPUTS, d, q);
  PetscCheck(!sna->setupcalled || (d == sna->dim_in && q == sna->dim_out), PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Cannot change the sizes of an SNA that is set up (%" PetscInt_FMT " -> %" PetscInt_FMT " inputs, %" PetscInt_FMT " -> %" PetscInt_FMT " outputs)", sna->dim_in, d, sna->dim_out, q);
  sna->bounds_pending  = NULL; /* taken now, or refused */
  sna->nbounds_pending = 0;
  wrong                = (PetscBool)(pending && nb != 2 * d);
  if (wrong) PetscCall(PetscFree(pending));
  PetscCheck(!wrong, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_SIZ, "-%ssna_bounds gives the box of %" PetscInt_FMT " inputs (%" PetscInt_FMT " numbers), but the model has %" PetscInt_FMT " inputs (SNASetSizes(), or the columns of the data fitted): give lo,hi for each of them (%" PetscInt_FMT " numbers)", SNAMessagePrefix(sna), nb / 2, nb, d, 2 * d);
  if (sna->lower && d != sna->dim_in) PetscCall(PetscFree2(sna->lower, sna->upper));
  sna->dim_in  = d;
  sna->dim_out = q;
  if (pending) {
    PetscCall(PetscMalloc2(d, &lo, d, &hi));
    for (PetscInt p = 0; p < d; p++) {
      lo[p] = pending[2 * p];
      hi[p] = pending[2 * p + 1];
    }
    PetscCall(PetscFree(pending));
    PetscCall(SNASetBounds(sna, lo, hi));
    PetscCall(PetscFree2(lo, hi));
  }
  PetscFunctionReturn(0);
}

/*@
  SNAGetSizes - Gets the numbers of inputs and outputs of an SNA

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameters:
+ d - the inputs, or -1 before SNASetSizes(), a fit or a load (NULL: not wanted)
- q - the outputs, or -1 likewise (NULL: not wanted)

  Level: beginner

.seealso: SNASetSizes()
@*/
PetscErrorCode SNAGetSizes(SNA sna, PetscInt *d, PetscInt *q)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  if (d) *d = sna->dim_in;
  if (q) *q = sna->dim_out;
  PetscFunctionReturn(0);
}

/* Takes the input box (every lower[p] < upper[p], finite) without looking at the model: SNASetBounds()'s part, and
   the library's own choice of a box from data. */
PetscErrorCode SNASetBounds_Internal(SNA sna, const PetscReal lower[], const PetscReal upper[])
{
  PetscFunctionBegin;
  PetscCheck(sna->dim_in > 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Call SNASetSizes() before SNASetBounds()");
  for (PetscInt p = 0; p < sna->dim_in; p++) {
    PetscCheck(PetscIsNormalReal(upper[p] - lower[p]) && lower[p] < upper[p], PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "Input %" PetscInt_FMT " has an empty or invalid box [%g, %g]: need lower < upper, both finite", p, (double)lower[p], (double)upper[p]);
  }
  if (!sna->lower) PetscCall(PetscMalloc2(sna->dim_in, &sna->lower, sna->dim_in, &sna->upper));
  PetscCall(PetscArraycpy(sna->lower, lower, sna->dim_in));
  PetscCall(PetscArraycpy(sna->upper, upper, sna->dim_in));
  PetscFunctionReturn(0);
}

/*@
  SNASetBounds - Declares the input box [lower_p, upper_p] of each input p, which the model maps affinely onto [0, 1]

  Logically Collective

  Input Parameters:
+ sna   - the SNA, its sizes set (SNASetSizes(): else PETSC_ERR_ARG_WRONGSTATE)
. lower - the dim_in lower bounds
- upper - the dim_in upper bounds

  Options Database Key:
. -sna_bounds <lo0,hi0,lo1,hi1,...> - the box (default: the range of the training data, taken by SNAFit())

  Notes:
  The box of a set-up model (fitted, loaded or given parameters) cannot change (PETSC_ERR_ARG_WRONGSTATE): its
  parameters live on it, and a warm start keeps it; the same box is accepted.

  Level: intermediate

.seealso: SNAGetBounds(), SNASetSizes(), SNAFit(), SNAWarnOutsideBounds()
@*/
PetscErrorCode SNASetBounds(SNA sna, const PetscReal lower[], const PetscReal upper[])
{
  PetscBool rescale;
  char      model[320], given[320];

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidRealPointer(lower, 2);
  PetscValidRealPointer(upper, 3);
  PetscCheck(sna->dim_in > 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Call SNASetSizes() before SNASetBounds()");
  PetscCall(SNABoundsWouldRescale(sna, lower, upper, &rescale, model, given, sizeof(model)));
  PetscCheck(!rescale, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Cannot change the input box of an SNA that is set up (fitted, loaded or given parameters): its parameters are on the box %s, and the box %s would rescale the model. A warm start keeps the model's box; fit a new SNA for another", model, given);
  PetscCall(SNASetBounds_Internal(sna, lower, upper));
  sna->bounds_from_user = PETSC_TRUE;
  sna->bounds_loaded    = PETSC_FALSE;
  sna->bounds_option[0] = 0;
  PetscFunctionReturn(0);
}

/*@C
  SNAGetBounds - Gets the input box of an SNA

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameters:
+ lower - the dim_in lower bounds, owned by the SNA; NULL before the box is known (NULL: not wanted)
- upper - the dim_in upper bounds, likewise

  Level: intermediate

.seealso: SNASetBounds(), SNAWarnOutsideBounds()
@*/
PetscErrorCode SNAGetBounds(SNA sna, const PetscReal *lower[], const PetscReal *upper[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  if (lower) *lower = sna->lower;
  if (upper) *upper = sna->upper;
  PetscFunctionReturn(0);
}

/*@
  SNAGetNumParameters - Gets the number of trainable parameters of an SNA

  Collective

  Input Parameter:
. sna - the SNA, its sizes known

  Output Parameter:
. n - the number of parameters

  Notes:
  It sets the model up (SNASetUp()) if it is not, after which options that change the model (-sna_type, the basis)
  are refused: call SNASetFromOptions() first.

  Level: intermediate

.seealso: SNAGetParameters(), SNASetParameters(), SNASetUp()
@*/
PetscErrorCode SNAGetNumParameters(SNA sna, PetscInt *n)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCall(SNASetUp(sna));
  *n = sna->nparams;
  PetscFunctionReturn(0);
}

/*@C
  SNASetFitType - Chooses the fitting algorithm of SNAFit()

  Logically Collective

  Input Parameters:
+ sna  - the SNA
- type - SNAFITAUTO, SNAFITALS, SNAFITINFINITEDESCENT, SNAFITLM, SNAFITTAO, SNAFITIRLS, or a fit added with
         SNAFitRegister()

  Options Database Key:
. -sna_fit_type <type> - the fit (default: the type's own, auto for khronos and mf, infinite_descent for aion;
                         irls under -sna_loss cross_entropy); -help lists those of the SNA's type

  Notes:
  The name is kept as given: a fit that the SNA's type does not have is refused by SNAFit() (PETSC_ERR_SUP, naming
  those it has), and by SNASetFromOptions() for the option (PETSC_ERR_ARG_UNKNOWN_TYPE). A fit chosen here stays
  when the type or loss changes.

  Level: intermediate

.seealso: SNAGetFitType(), SNAFitRegister(), SNASetLossType(), SNAFit()
@*/
PetscErrorCode SNASetFitType(SNA sna, SNAFitType type)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidCharPointer(type, 2);
  PetscCall(PetscFree(sna->fittype));
  PetscCall(PetscStrallocpy(type, &sna->fittype));
  sna->fittype_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* The fit becomes type, unless the user chose one. */
static PetscErrorCode SNAReplaceUnchosenFitType(SNA sna, const char type[])
{
  PetscFunctionBegin;
  if (sna->fittype_set || !type[0]) PetscFunctionReturn(0);
  PetscCall(PetscFree(sna->fittype));
  PetscCall(PetscStrallocpy(type, &sna->fittype));
  PetscFunctionReturn(0);
}

/* A type's natural fit (called by its create routine), which the MSE loss returns to (SNASetLossType()); a choice
   the user made is kept. */
PetscErrorCode SNASetDefaultFitType(SNA sna, SNAFitType type)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(sna->fittype_natural, type, sizeof(sna->fittype_natural)));
  /* the loss's fit, as SNASetLossType() chooses it: a type change keeps the cross-entropy's irls */
  PetscCall(SNAReplaceUnchosenFitType(sna, sna->loss == SNA_LOSS_CROSS_ENTROPY ? SNAFITIRLS : type));
  PetscFunctionReturn(0);
}

/*@C
  SNAGetFitType - Gets the fit SNAFit() runs

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. type - the fit's name, owned by the SNA

  Level: intermediate

.seealso: SNASetFitType()
@*/
PetscErrorCode SNAGetFitType(SNA sna, SNAFitType *type)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *type = sna->fittype;
  PetscFunctionReturn(0);
}

/*@
  SNASetRegularization - Sets the Tikhonov weight lambda of the data loss (1/2N) sum |y - u|^2 + (lambda/2) |theta|^2

  Logically Collective

  Input Parameters:
+ sna    - the SNA
- lambda - the weight, finite and >= 0 (default 1e-12)

  Options Database Key:
. -sna_fit_lambda <lambda> - the same

  Notes:
  A fit whose objective has no lambda refuses a lambda given here or by the option: TAO's least-squares types (brgn,
  pounders: their own regularisation) and the Ritz fit (SNASetRitzForm()). lambda is absolute, not relative to the
  targets: it weighs |theta|^2 against the MSE in the units of the targets
  squared. The default 1e-12 is negligible for targets of order one; for targets of size s the penalty weighs about
  s^(2/(d+1) - 2) times more against the MSE (a model is a product of d + 1 factors, each of which scales only with
  s^(1/(d+1))), so for small targets lower lambda with their variance (or scale the data): at s = 1e-8 the default
  shrinks the model to zero. A fit whose training MSE ends at or above the targets' variance prints a WARNING saying so.

  Level: intermediate

.seealso: SNASetTolerances(), SNAFit()
@*/
PetscErrorCode SNASetRegularization(SNA sna, PetscReal lambda)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(lambda >= 0 && PetscIsNormalReal(lambda + 1.0), PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "The regularisation weight (-%ssna_fit_lambda) must be finite and >= 0, not %g", SNAMessagePrefix(sna), (double)lambda);
  sna->lambda       = lambda;
  sna->lambda_given = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/*@
  SNASetTolerances - Sets the stopping tolerances of the fits

  Logically Collective

  Input Parameters:
+ sna    - the SNA
. atol   - stop when the training loss (MSE; irls: the cross-entropy without the penalty) falls below it, >= 0
. rtol   - stop when a sweep or step lowers it by less than rtol times the targets' variance, in [0, 1)
- max_it - the most sweeps (ALS), iterations (TAO) or trial steps (LM) per level, >= 0

  Options Database Keys:
+ -sna_fit_atol <0>       - atol
. -sna_fit_rtol <1e-10>   - rtol
- -sna_fit_max_it <100>   - max_it

  Notes:
  A value out of range raises PETSC_ERR_ARG_OUTOFRANGE, naming the option. Each fit's page says how it reads them.

  Level: intermediate

.seealso: SNAGetTolerances(), SNASetProgressStop(), SNASetErrorIfNotConverged(), SNAGetConvergedReason()
@*/
PetscErrorCode SNASetTolerances(SNA sna, PetscReal atol, PetscReal rtol, PetscInt max_it)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(atol >= 0 && PetscIsNormalReal(atol + 1.0), comm, PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_atol must be finite and >= 0, not %g", SNAMessagePrefix(sna), (double)atol);
  PetscCheck(rtol >= 0 && rtol < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_rtol must be in [0, 1), not %g", SNAMessagePrefix(sna), (double)rtol);
  PetscCheck(max_it >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_max_it must be >= 0, not %" PetscInt_FMT, SNAMessagePrefix(sna), max_it);
  sna->atol   = atol;
  sna->rtol   = rtol;
  sna->max_it = max_it;
  PetscFunctionReturn(0);
}

/*@
  SNASetProgressStop - Sets the slow-progress stop of the Levenberg-Marquardt fits

  Logically Collective

  Input Parameters:
+ sna    - the SNA
. window - stop (SNA_STOPPED_SLOW_PROGRESS) when the last window accepted steps together lowered the objective by
           less than rtol times it; 0: off; >= 0
- rtol   - that relative gain, in [0, 1)

  Options Database Keys:
+ -sna_fit_progress_window <w> - window (default 0, off; an mf model's joint ar1 stage: 5)
- -sna_fit_progress_rtol <r>   - rtol (default 1e-3; an mf model's joint ar1 stage: 1e-2); given alone, it keeps the
                                 type's window, and is refused where there is none (khronos, aion)

  Notes:
  A fit that runs no Levenberg-Marquardt (als, tao, irls, infinite_descent; auto on a khronos model of more than 2000
  parameters; the Ritz fit; an mf model's residual blend, or an mf fit without HF data) refuses the stop. Values out
  of range raise PETSC_ERR_ARG_OUTOFRANGE.

  Level: advanced

.seealso: SNASetTolerances(), SNAFITLM, SNAFITAUTO, SNAMF
@*/
PetscErrorCode SNASetProgressStop(SNA sna, PetscInt window, PetscReal rtol)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(window >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_progress_window must be >= 0 (0: off), not %" PetscInt_FMT, SNAMessagePrefix(sna), window);
  PetscCheck(rtol >= 0 && rtol < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-%ssna_fit_progress_rtol must be in [0, 1), not %g", SNAMessagePrefix(sna), (double)rtol);
  sna->progress_window = window;
  sna->progress_rtol   = rtol;
  sna->progress_wgiven = PETSC_TRUE;
  sna->progress_rgiven = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode SNASetDefaultProgressStop(SNA sna, PetscInt window, PetscReal rtol)
{
  PetscFunctionBegin;
  sna->progress_window_type = window;
  sna->progress_rtol_type   = rtol;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGetProgressStopInForce(SNA sna, PetscInt *window, PetscReal *rtol)
{
  PetscFunctionBegin;
  *window = sna->progress_wgiven ? sna->progress_window : sna->progress_window_type;
  *rtol   = sna->progress_rgiven ? sna->progress_rtol : sna->progress_rtol_type;
  PetscFunctionReturn(0);
}

/* The slow-progress options given, with their values ("-sna_fit_progress_window 5 with -sna_fit_progress_rtol 0.01",
   or the one given) and their names alone ("-sna_fit_progress_window and ..."), with the SNA's options prefix. */
static PetscErrorCode SNAProgressStopGiven(SNA sna, char given[], size_t glen, char names[], size_t nlen)
{
  const char *prefix = SNAMessagePrefix(sna);
  char        w[PETSC_MAX_OPTION_NAME + 32], r[PETSC_MAX_OPTION_NAME + 32], wn[PETSC_MAX_OPTION_NAME], rn[PETSC_MAX_OPTION_NAME];

  PetscFunctionBegin;
  w[0] = r[0] = wn[0] = rn[0] = '\0';
  if (sna->progress_wgiven) {
    PetscCall(PetscSNPrintf(wn, sizeof(wn), "-%ssna_fit_progress_window", prefix));
    PetscCall(PetscSNPrintf(w, sizeof(w), "%s %" PetscInt_FMT, wn, sna->progress_window));
  }
  if (sna->progress_rgiven) {
    PetscCall(PetscSNPrintf(rn, sizeof(rn), "-%ssna_fit_progress_rtol", prefix));
    PetscCall(PetscSNPrintf(r, sizeof(r), "%s %g", rn, (double)sna->progress_rtol));
  }
  PetscCall(PetscSNPrintf(given, glen, "%s%s%s", w, w[0] && r[0] ? " with " : "", r));
  PetscCall(PetscSNPrintf(names, nlen, "%s%s%s", wn, wn[0] && rn[0] ? " and " : "", rn));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAProgressStopRefuse(SNA sna, const char of[], const char alt[])
{
  char given[2 * PETSC_MAX_OPTION_NAME + 64], names[2 * PETSC_MAX_OPTION_NAME + 8];

  PetscFunctionBegin;
  PetscCall(SNAProgressStopGiven(sna, given, sizeof(given), names, sizeof(names)));
  SETERRQ(PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "%s asks for the slow-progress stop of %s: drop %s%s", given, of, names, alt);
}

/*@
  SNAGetTolerances - Gets the stopping tolerances of the fits

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameters:
+ atol   - the absolute tolerance (NULL: not wanted)
. rtol   - the relative tolerance (NULL: not wanted)
- max_it - the sweep or iteration budget (NULL: not wanted)

  Level: intermediate

.seealso: SNASetTolerances()
@*/
PetscErrorCode SNAGetTolerances(SNA sna, PetscReal *atol, PetscReal *rtol, PetscInt *max_it)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  if (atol) *atol = sna->atol;
  if (rtol) *rtol = sna->rtol;
  if (max_it) *max_it = sna->max_it;
  PetscFunctionReturn(0);
}

/*@
  SNASetUp - Sets an SNA up: allocates and initialises its parameters for the current sizes (deterministically: the
  same on every rank and run); SNAFit() calls it if needed

  Collective

  Input Parameter:
. sna - the SNA, its sizes set (SNASetSizes(): else PETSC_ERR_ARG_WRONGSTATE)

  Notes:
  Once set up, the options that change the model (-sna_type, the basis, the sizes) are refused.

  Level: advanced

.seealso: SNASetSizes(), SNAFit(), SNAGetNumParameters()
@*/
PetscErrorCode SNASetUp(SNA sna)
{
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  if (sna->setupcalled) PetscFunctionReturn(0);
  if (!((PetscObject)sna)->type_name) PetscCall(SNASetType(sna, SNAKHRONOS));
  PetscCheck(sna->dim_in > 0 && sna->dim_out > 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Set the SNA's sizes (SNASetSizes(), or fit it to data) before setting it up");
  PetscCall(PetscLogEventBegin(SNA_SetUp, sna, 0, 0, 0));
  ierr = sna->ops->setup ? (*sna->ops->setup)(sna) : 0; /* not PetscCall: end the event first (-log_view stays balanced) */
  PetscCall(PetscLogEventEnd(SNA_SetUp, sna, 0, 0, 0));
  PetscCall(ierr);
  sna->setupcalled = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* Checks that v holds rows of `cols` values and returns the local row count and array. */
PetscErrorCode SNAGetLocalRows(SNA sna, Vec v, PetscInt cols, const char name[], PetscInt *nrows, const PetscReal **a)
{
  PetscInt n, bs;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(v, &n));
  PetscCall(VecGetBlockSize(v, &bs));
  PetscCheck(bs == cols, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_SIZ, "%s has %" PetscInt_FMT " columns (Vec block size) but the model expects %" PetscInt_FMT, name, bs, cols);
  *nrows = n / cols;
  if (a) PetscCall(VecGetArrayRead(v, a));
  PetscFunctionReturn(0);
}

/* A Vec of samples given to func() lives on the SNA's communicator, as every function that sums over the SNA's ranks
   needs (PETSc's PetscCheckSameComm() is compiled out of optimised builds); local: or on one process, for functions
   that only evaluate the rank's own rows. */
PetscErrorCode SNACheckSampleComm(SNA sna, Vec v, const char name[], const char func[], PetscBool local)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sna);
  PetscMPIInt flag, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_compare(comm, PetscObjectComm((PetscObject)v), &flag));
  if (flag == MPI_IDENT || flag == MPI_CONGRUENT) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)v), &size));
  if (local && size == 1) PetscFunctionReturn(0);
  SETERRQ(comm, PETSC_ERR_ARG_NOTSAMECOMM, "%s() was given %s on another communicator than the SNA's: %s; create it on the SNA's communicator (PetscObjectComm((PetscObject)sna))", func, name, local ? "it evaluates each rank's rows of Vecs on that communicator or on one process" : "it sums over the SNA's ranks, so samples on another communicator would be counted wrongly");
}

/* See snaimpl.h. */
PetscErrorCode SNAFirstRankWith(MPI_Comm comm, PetscBool flag, PetscMPIInt *first)
{
  PetscMPIInt rank, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  *first = flag ? rank : size;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, first, 1, MPI_INT, MPI_MIN, comm));
  if (*first == size) *first = -1;
  PetscFunctionReturn(0);
}

/* X and Y hold as many rows on every rank: checked on all ranks together, so that all of them raise the error of one
   (alone, it would leave the others waiting in the next reduction). */
static PetscErrorCode SNACheckSameRows(SNA sna, PetscInt nx, PetscInt ny)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)sna);
  PetscMPIInt first;
  PetscInt    counts[2] = {nx, ny};

  PetscFunctionBegin;
  PetscCall(SNAFirstRankWith(comm, (PetscBool)(nx != ny), &first));
  if (first < 0) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Bcast(counts, 2, MPIU_INT, first, comm));
  SETERRQ(comm, PETSC_ERR_ARG_SIZ, "X and Y hold different numbers of samples on rank %d (%" PetscInt_FMT " and %" PetscInt_FMT "): lay them out alike, a sample's inputs and targets on the same rank", first, counts[0], counts[1]);
}

/* Sum of a local count over the SNA's communicator. */
PetscErrorCode SNAGlobalCount(SNA sna, PetscInt nlocal, PetscInt *nglobal)
{
  PetscFunctionBegin;
  PetscCall(MPIU_Allreduce(&nlocal, nglobal, 1, MPIU_INT, MPI_SUM, PetscObjectComm((PetscObject)sna)));
  PetscFunctionReturn(0);
}

/* Rejects NaN or Inf anywhere in v, naming it. */
static PetscErrorCode SNACheckFinite(SNA sna, Vec v, const char name[])
{
  PetscReal norm;

  PetscFunctionBegin;
  PetscCall(VecNorm(v, NORM_INFINITY, &norm));
  PetscCheck(!PetscIsInfOrNanReal(norm), PetscObjectComm((PetscObject)sna), PETSC_ERR_FP, "%s contains NaN or Inf values", name);
  PetscFunctionReturn(0);
}

/* Rejects finite targets whose squares overflow: every data fit squares them (the MSE, its scale, the normal
   equations, the tensor start's Gram matrices), which would fail later with Inf or an unexplained LAPACK error. */
static PetscErrorCode SNACheckTargetsSquare(SNA sna, Vec Y)
{
  PetscReal norm, mx;

  PetscFunctionBegin;
  PetscCall(VecNorm(Y, NORM_2, &norm));
  if (norm < PetscSqrtReal(PETSC_MAX_REAL)) PetscFunctionReturn(0);
  PetscCall(VecNorm(Y, NORM_INFINITY, &mx));
  SETERRQ(PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "The training targets Y are too large for double precision: the sum of their squares overflows (their largest magnitude is %g), and every fit squares them (the MSE, the normal equations). Scale the targets to order one (divide them by %g, and multiply the predictions by it)", (double)mx, (double)mx);
}

/* The data's range of each input (all ranks), into mn and mx (length d); a constant input gets a unit box. */
PetscErrorCode SNAComputeDataBox(SNA sna, Vec X, PetscReal mn[], PetscReal mx[])
{
  const PetscInt   d = sna->dim_in;
  const PetscReal *x;
  PetscReal       *lo;
  PetscInt         n;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(2 * d, &lo));
  for (PetscInt p = 0; p < 2 * d; p++) lo[p] = PETSC_MAX_REAL; /* min of x in lo[0..d), min of -x (i.e. -max) in lo[d..2d) */
  PetscCall(SNAGetLocalRows(sna, X, d, "X", &n, &x));
  for (PetscInt i = 0; i < n; i++) {
    for (PetscInt p = 0; p < d; p++) {
      lo[p]     = PetscMin(lo[p], x[i * d + p]);
      lo[d + p] = PetscMin(lo[d + p], -x[i * d + p]);
    }
  }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, lo, 2 * d, MPIU_REAL, MPIU_MIN, PetscObjectComm((PetscObject)sna)));
  for (PetscInt p = 0; p < d; p++) {
    mn[p] = lo[p];
    mx[p] = -lo[d + p];
    if (!(mx[p] > mn[p]) || !PetscIsNormalReal(mx[p] - mn[p])) { /* constant input: any box holding it will do */
      /* of width 1, or wider where 0.5 is below the rounding of the value (1e17: mn - 0.5 == mn, an empty box) */
      const PetscReal h = PetscMax(0.5, 4 * PETSC_MACHINE_EPSILON * PetscMax(PetscAbsReal(mn[p]), PetscAbsReal(mx[p])));

      mn[p] -= h;
      mx[p] += h;
    }
  }
  PetscCall(PetscFree(lo));
  PetscFunctionReturn(0);
}

/* Takes the input box from the data's range. */
static PetscErrorCode SNABoundsFromData(SNA sna, Vec X)
{
  PetscReal *mn, *mx;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(sna->dim_in, &mn, sna->dim_in, &mx));
  PetscCall(SNAComputeDataBox(sna, X, mn, mx));
  PetscCall(SNASetBounds_Internal(sna, mn, mx));
  sna->bounds_from_user = PETSC_FALSE;
  sna->bounds_loaded    = PETSC_FALSE;
  sna->bounds_option[0] = 0;
  PetscCall(PetscFree2(mn, mx));
  PetscFunctionReturn(0);
}

/*@C
  SNAWarnOutsideBounds - Prints "WARNING: <count> <what>" when rows of X lie outside the SNA's input box

  Collective

  Input Parameters:
+ sna  - the SNA, its box known (declared, fitted or loaded: else PETSC_ERR_ARG_WRONGSTATE)
. X    - the points: rows of dim_in values, on the SNA's communicator
- what - the rest of the message, e.g. "prediction points lie outside the model's box"

  Notes:
  Outside its box a khronos model is constant (each input clamped) and an aion model extrapolates: a box narrower
  than the data is legal but almost always a mistake, so this says how many rows fall outside. Nothing is printed
  when every row lies inside.

  Level: intermediate

.seealso: SNAGetBounds(), SNAEvaluate()
@*/
PetscErrorCode SNAWarnOutsideBounds(SNA sna, Vec X, const char what[])
{
  const PetscReal *x;
  PetscInt         n, outside = 0, total;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidHeaderSpecific(X, VEC_CLASSID, 2);
  PetscValidCharPointer(what, 3);
  PetscCall(SNACheckSampleComm(sna, X, "X", "SNAWarnOutsideBounds", PETSC_FALSE));
  PetscCheck(sna->lower, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "SNAWarnOutsideBounds() compares the samples with the model's input box, which is not known yet: declare it (SNASetBounds(), -%ssna_bounds), or fit or load the model first", SNAMessagePrefix(sna));
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "X", &n, &x));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = 0; p < sna->dim_in; p++)
      if (x[i * sna->dim_in + p] < sna->lower[p] || x[i * sna->dim_in + p] > sna->upper[p]) {
        outside++;
        break;
      }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(SNAGlobalCount(sna, outside, &total));
  if (total) PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sna), "WARNING: %" PetscInt_FMT " %s\n", total, what));
  PetscFunctionReturn(0);
}

/* SNAFit()'s warning of training samples outside the box the model has already: the box declared, or that of its
   first fit or of the model loaded, which a warm start keeps (said so: the user may have declared nothing). */
static PetscErrorCode SNAWarnOutsideTrainingBox(SNA sna, Vec X)
{
  const char *prefix = SNAMessagePrefix(sna), *beyond = sna->beyondbox ? sna->beyondbox : "the model is extrapolated beyond its box";
  char        what[512];

  PetscFunctionBegin;
  if (sna->bounds_loaded)
    PetscCall(PetscSNPrintf(what, sizeof(what), "training samples lie outside the input box of the model loaded, which a warm start keeps; %s: to take the box from these data, fit a new model", beyond));
  else if (sna->bounds_from_user && sna->bounds_option[0]) /* a composite's box, which this part takes */
    PetscCall(PetscSNPrintf(what, sizeof(what), "training samples lie outside the declared input box (%s, which this part, -%s, takes); %s", sna->bounds_option, prefix, beyond));
  else if (sna->bounds_from_user)
    PetscCall(PetscSNPrintf(what, sizeof(what), "training samples lie outside the declared input box (-%ssna_bounds or SNASetBounds()); %s", prefix, beyond));
  else
    PetscCall(PetscSNPrintf(what, sizeof(what), "training samples lie outside the input box of this model's first fit (the range of its data), which a warm start keeps; %s: to take the box from these data, fit a new SNA, or give the first fit a box that holds them (-%ssna_bounds or SNASetBounds())", beyond, prefix));
  PetscCall(SNAWarnOutsideBounds(sna, X, what));
  PetscFunctionReturn(0);
}

/* The training loss of the SNA's loss type: the MSE, or the mean cross-entropy. */
static PetscErrorCode SNAComputeLoss(SNA sna, Vec X, Vec Y, PetscReal *loss)
{
  PetscFunctionBegin;
  if (sna->loss == SNA_LOSS_CROSS_ENTROPY)
    PetscCall(SNAComputeCrossEntropy(sna, X, Y, loss));
  else
    PetscCall(SNAComputeMSE(sna, X, Y, loss));
  PetscFunctionReturn(0);
}

/* Fits the model to (X, Y), warm-starting from the current parameters if already set up. */
/* The end of every fit: the reason for a non-finite result, the warning of a fit no better than the targets' mean,
   -sna_view and -sna_fit_error_if_not_converged. */
static PetscErrorCode SNAFitEnd(SNA sna)
{
  PetscFunctionBegin;
  sna->monitorstage = NULL;
  if (!sna->stats.outer) sna->stats.outer = sna->iterations;
  if (PetscIsInfOrNanReal(sna->fit_mse)) sna->reason = SNA_DIVERGED_NANORINF;
  PetscCall(SNAFitWarnNoBetterThanMean(sna));
  PetscCall(SNAViewFromOptions(sna, NULL, "-sna_view"));
  PetscCheck(!sna->errorifnotconverged || sna->reason > 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_NOT_CONVERGED, "SNAFit (-%ssna_fit_type %s) did not converge: %s after %" PetscInt_FMT " iterations, %s %g (-%ssna_fit_error_if_not_converged)", SNAMessagePrefix(sna), sna->fittype, SNAConvergedReasons[sna->reason], sna->iterations, SNAObjectiveValueName(sna), (double)sna->fit_mse, SNAMessagePrefix(sna));
  PetscFunctionReturn(0);
}

/* The stop rules of held-out validation (-sna_fit_validation_patience, _stop, _rise), given to a fit that holds out
   nothing (it takes no data, no samples are held out, or it runs no fit): refused, naming every one given (why: why
   nothing is held out), so that a user who gave two does not drop one and meet the other on the next run. */
PetscErrorCode SNAValidationRuleRefuse(SNA sna, const char why[])
{
  const char *prefix = SNAMessagePrefix(sna);
  char        given[3][PETSC_MAX_OPTION_NAME + 64], all[sizeof(given) + 16] = ""; /* "-name value" each, joined */
  PetscInt    n = 0;

  PetscFunctionBegin;
  if (sna->val_pgiven) PetscCall(PetscSNPrintf(given[n++], sizeof(given[0]), "-%ssna_fit_validation_patience %" PetscInt_FMT, prefix, sna->patience));
  if (sna->val_sgiven) PetscCall(PetscSNPrintf(given[n++], sizeof(given[0]), "-%ssna_fit_validation_stop %s", prefix, SNAValidationStops[sna->val_stoptype]));
  if (sna->val_rgiven) PetscCall(PetscSNPrintf(given[n++], sizeof(given[0]), "-%ssna_fit_validation_rise %.6g", prefix, (double)sna->val_alpha)); /* PETSc's %g writes 5 as "5." */
  if (!n) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < n; i++) {
    if (i) PetscCall(PetscStrlcat(all, i == n - 1 ? " and " : ", ", sizeof(all)));
    PetscCall(PetscStrlcat(all, given[i], sizeof(all)));
  }
  if (n == 1) {
    char *space;
    PetscCall(PetscStrchr(given[0], ' ', &space)); /* every entry is "name value" */
    *space = 0;                                    /* the option's name alone */
    SETERRQ(PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "%s decides when held-out samples stop a fit, but %s: drop %s", all, why, given[0]);
  }
  SETERRQ(PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "%s decide when held-out samples stop a fit, but %s: drop them", all, why);
}

/* SNAFit() for an objective without data: the type minimises it (the Ritz form and its fit are the type's). */
PetscErrorCode SNAFitObjective(SNA sna, Vec X, Vec Y)
{
  char           why[64];
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCheck(!X && !Y, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONG, "SNAFit() minimises the %s objective, which takes no data: pass NULL for X and Y, or call SNASetObjective(sna, SNA_OBJECTIVE_LEAST_SQUARES) to fit data", SNAObjectives[sna->objective]);
  PetscCheck(!sna->val_chosen || sna->validation == 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "-%ssna_fit_validation %g holds out samples, but the %s objective takes no data: drop -%ssna_fit_validation (or set it to 0)", SNAMessagePrefix(sna), (double)sna->validation, SNAObjectives[sna->objective], SNAMessagePrefix(sna));
  PetscCheck(!sna->refit_chosen || !sna->val_refit, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "-%ssna_fit_validation_refit fits again on all samples, but the %s objective takes no data: drop -%ssna_fit_validation_refit", SNAMessagePrefix(sna), SNAObjectives[sna->objective], SNAMessagePrefix(sna));
  PetscCall(PetscSNPrintf(why, sizeof(why), "the %s objective takes no data", SNAObjectives[sna->objective]));
  PetscCall(SNAValidationRuleRefuse(sna, why));
  if (SNAProgressStopChosen(sna)) {
    char of[128];

    PetscCall(PetscSNPrintf(of, sizeof(of), "Levenberg-Marquardt, which the fit of the %s objective (block ALS with greedy rank growth) never runs", SNAObjectives[sna->objective]));
    PetscCall(SNAProgressStopRefuse(sna, of, ""));
  }
  PetscCall(SNASetUp(sna));
  PetscCall(PetscLogEventBegin(SNA_Fit, sna, 0, 0, 0));
  sna->iterations   = 0;
  sna->reason       = SNA_CONVERGED_ITERATING;
  sna->fit_scale    = 1.0;
  sna->val_mse      = PETSC_MAX_REAL; /* no samples held out: not a data fit's before it (SNAGetValidationMSE(), SNAView()) */
  sna->fit_refitted = PETSC_FALSE;
  PetscCall(PetscMemzero(&sna->stats, sizeof(sna->stats)));
  {
    PetscErrorCode (*ritz)(SNA);

    PetscCall(PetscObjectQueryFunction((PetscObject)sna, "SNAFitRitz_C", &ritz));
    PetscCheck(ritz, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "SNA type %s cannot minimise the %s objective", ((PetscObject)sna)->type_name, SNAObjectives[sna->objective]);
    ierr = (*ritz)(sna); /* not PetscCall: end the event first (-log_view stays balanced) */
  }
  PetscCall(PetscLogEventEnd(SNA_Fit, sna, 0, 0, 0));
  PetscCall(ierr);
  PetscCall(SNAFitEnd(sna));
  PetscFunctionReturn(0);
}

/* The fit proper on the training samples (X, Y: all of them, or those the validation split left). The loss of the
   start is measured only for the first of the fits of one SNAFit() (refit: the refit on all samples keeps it, the
   start of the whole fit); the loss at the end is measured by SNAFit() once the last fit is known. Each costs an
   evaluation of the model on every sample, a third to a half of an ALS sweep (bench/README.md). SNAFit() logs the
   event SNA_Fit once around both fits. */
static PetscErrorCode SNAFitTraining(SNA sna, Vec X, Vec Y, PetscBool refit)
{
  PetscFunctionBegin;
  PetscCall(SNAFitComputeScale(sna, Y));
  if (!refit) PetscCall(SNAComputeLoss(sna, X, Y, &sna->fit_mse0));
  PetscCall(SNAFitRun(sna, sna->fittype, X, Y));
  PetscCall(SNAFitValidationFinish(sna));
  PetscFunctionReturn(0);
}

/* -sna_fit_validation_refit: the held-out samples did not stop the fit (it converged while their MSE still fell, so
   nothing was overfitted), so it goes on from there on all samples and ends where a fit without validation would;
   a fit that stopped early (CONVERGED_VALIDATION) or did not converge keeps its best-validation iterate. */
static PetscBool SNAFitRefits(SNA sna)
{
  return (PetscBool)(sna->validation > 0 && sna->val_refit && sna->reason > 0 && sna->reason != SNA_CONVERGED_VALIDATION);
}

/* The refit on all samples (SNAFitRefits()). The validation MSE reported stays that of the model before the refit,
   which has not seen those samples. */
static PetscErrorCode SNAFitRefit(SNA sna, Vec X, Vec Y)
{
  const PetscReal val = sna->val_mse;

  PetscFunctionBegin;
  PetscCall(PetscInfo(sna, "The fit converged (%s) without stopping early on its held-out samples: it goes on with all of them\n", SNAConvergedReasons[sna->reason]));
  PetscCall(SNAFitTraining(sna, X, Y, PETSC_TRUE));
  sna->val_mse = val;
  PetscFunctionReturn(0);
}

/* -sna_fit_validation (> 0) is measured as MSE, and on the model's own data: a multi-fidelity model fits its parts
   on their own data (held-out HF rows would just be dropped, and ar1's parameter count changes between its stages,
   so its best iterate would never be restored). */
PetscErrorCode SNAFitCheckValidation(SNA sna)
{
  PetscBool mf;

  PetscFunctionBegin;
  PetscCheck(sna->loss == SNA_LOSS_MSE, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "-%ssna_fit_validation %g measures the mean-squared error, but this SNA's loss is %s: use -%ssna_fit_validation 0 with -%ssna_loss %s", SNAMessagePrefix(sna), (double)sna->validation, SNALossTypes[sna->loss], SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNALossTypes[sna->loss]);
  PetscCall(PetscObjectTypeCompare((PetscObject)sna, SNAMF, &mf));
  PetscCheck(!mf, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "-%ssna_fit_validation %g does not apply to a multi-fidelity (mf) model, whose parts are fitted on their own data: hold out HF samples of the correction with -%smf_delta_sna_fit_validation (or LF samples with -%smf_lf_sna_fit_validation), and drop -%ssna_fit_validation", SNAMessagePrefix(sna), (double)sna->validation, SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  PetscFunctionReturn(0);
}

/*@
  SNAFit - Fits the model to the samples (X, Y) with the chosen fit (SNASetFitType()), or minimises the Ritz energy
  of SNASetRitzForm() (X and Y NULL)

  Collective

  Input Parameters:
+ sna - the SNA
. X   - the inputs: rows of dim_in values (block size dim_in), spread over the ranks
- Y   - the targets: the same rows of dim_out values (block size dim_out); class probabilities under -sna_loss
        cross_entropy

  Options Database Keys:
+ -sna_view                    - view the fitted model
. -sna_fit_validation_refit    - with -sna_fit_validation: a fit that converged without its stop rule firing goes on
                                 with all samples from its best held-out iterate (default: on where the default
                                 validation applies, else off)
- -sna_fit_error_if_not_converged - raise PETSC_ERR_NOT_CONVERGED when the fit ends with a negative reason

  Notes:
  Without sizes, it takes them from the block sizes; without a box, the data's range. It raises PETSC_ERR_ARG_NULL
  for NULL data without a Ritz form, PETSC_ERR_ARG_SIZ for data of other sizes than the model's or no rows, and
  refuses non-finite data and options that the chosen fit would ignore, before any work. The model keeps the best
  iterate seen; SNAGetConvergedReason() says why the fit stopped.

  Level: beginner

.seealso: SNASetFitType(), SNASetTolerances(), SNASetValidation(), SNAGetConvergedReason(), SNAGetFitStatistics(),
          SNAEvaluate()
@*/
PetscErrorCode SNAFit(SNA sna, Vec X, Vec Y)
{
  PetscInt       nx, ny, bsx, bsy, N, nt;
  MPI_Comm       comm;
  Vec            Xt = NULL, Yt = NULL;
  PetscErrorCode ierr;
  PetscErrorCode (*fit)(SNA, Vec, Vec);

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  /* a -sna_view that SNAFitEnd() could not show would otherwise end the program after the fit, its model lost */
  PetscCall(SNACheckViewOption(sna));
  sna->fit_samples = 0; /* the Ritz objective fits no samples */
  if (sna->objective != SNA_OBJECTIVE_LEAST_SQUARES) {
    PetscCall(SNAFitObjective(sna, X, Y));
    PetscFunctionReturn(0);
  }
  comm = PetscObjectComm((PetscObject)sna);
  /* NULL is what the Ritz objective takes: say so (PETSc's argument checks are compiled out of optimised builds) */
  PetscCheck(X && Y, comm, PETSC_ERR_ARG_NULL, "SNAFit() fits the data X and Y, which must not be NULL: NULL X and Y are for the Ritz objective (SNASetRitzForm()), which this SNA does not have");
  PetscValidHeaderSpecific(X, VEC_CLASSID, 2);
  PetscValidHeaderSpecific(Y, VEC_CLASSID, 3);
  PetscCall(SNACheckSampleComm(sna, X, "X", "SNAFit", PETSC_FALSE));
  PetscCall(SNACheckSampleComm(sna, Y, "Y", "SNAFit", PETSC_FALSE));
  PetscCall(VecGetBlockSize(X, &bsx));
  PetscCall(VecGetBlockSize(Y, &bsy));
  if (sna->dim_in < 0) PetscCall(SNASetSizes(sna, bsx, bsy));
  PetscCheck(bsx == sna->dim_in, comm, PETSC_ERR_ARG_SIZ, "The data have %" PetscInt_FMT " inputs (X columns) but the model has %" PetscInt_FMT, bsx, sna->dim_in);
  PetscCheck(bsy == sna->dim_out, comm, PETSC_ERR_ARG_SIZ, "The data have %" PetscInt_FMT " outputs (Y columns) but the model has %" PetscInt_FMT, bsy, sna->dim_out);
  /* options the fit would ignore are refused before any work on the data (SNAFitRun() checks again: cheap) */
  PetscCall(SNAFitRunCheck(sna, sna->fittype, &fit));
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "X", &nx, NULL));
  PetscCall(SNAGetLocalRows(sna, Y, sna->dim_out, "Y", &ny, NULL));
  PetscCall(SNACheckSameRows(sna, nx, ny));
  PetscCall(SNAGlobalCount(sna, nx, &N));
  PetscCheck(N > 0, comm, PETSC_ERR_ARG_SIZ, "Cannot fit to an empty dataset");
  PetscCall(SNACheckFinite(sna, X, "The training inputs X"));
  PetscCall(SNACheckFinite(sna, Y, "The training targets Y"));
  PetscCall(SNACheckTargetsSquare(sna, Y));
  PetscCall(SNAFitDefaultValidation(sna, N));
  if (sna->validation > 0) PetscCall(SNAFitCheckValidation(sna));
  PetscCheck(!sna->refit_chosen || !sna->val_refit || sna->validation > 0, comm, PETSC_ERR_ARG_INCOMP, "-%ssna_fit_validation_refit goes on with all samples after a fit on some of them, but no samples are held out: give -%ssna_fit_validation f (f > 0) as well, or drop -%ssna_fit_validation_refit", SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  if (sna->validation == 0) { /* no held-out samples: a stop rule of validation the user gave would go unused */
    const char *prefix = SNAMessagePrefix(sna);
    char        why[192];

    if (sna->val_chosen)
      PetscCall(PetscSNPrintf(why, sizeof(why), "-%ssna_fit_validation 0 holds none out", prefix));
    else
      PetscCall(PetscSNPrintf(why, sizeof(why), "this fit holds none out (-%ssna_fit_validation is not given, and its default holds none out here: see -help; -%ssna_fit_validation f holds some out)", prefix, prefix));
    PetscCall(SNAValidationRuleRefuse(sna, why));
  }
  if (!sna->lower)
    PetscCall(SNABoundsFromData(sna, X));
  else
    PetscCall(SNAWarnOutsideTrainingBox(sna, X));
  PetscCall(SNASetUp(sna));
  if (sna->validation == 0) { /* nor does a seed where the set-up model's start is not drawn (-sna_aion_init, a warm
                                 start, KHRONOS's tensor start): warned, not refused (a script may pass one seed to
                                 every run); after the set-up, which draws the start of a new model */
    char seedwhy[512] = "";

    PetscTryMethod(sna, "SNAFitSeedUnused_C", (SNA, char[], size_t), (sna, seedwhy, sizeof(seedwhy)));
    if (seedwhy[0]) PetscCall(PetscFPrintf(comm, PETSC_STDERR, "WARNING: option %s\n", seedwhy));
  }

  sna->iterations   = 0;
  sna->reason       = SNA_CONVERGED_ITERATING;
  sna->val_mse      = PETSC_MAX_REAL;
  sna->fit_refitted = PETSC_FALSE;
  PetscCall(PetscMemzero(&sna->stats, sizeof(sna->stats)));
  if (sna->validation > 0) PetscCall(SNAFitValidationSplit(sna, X, Y, &Xt, &Yt));
  PetscCall(PetscLogEventBegin(SNA_Fit, sna, X, Y, 0));              /* one SNAFit(), one event: the refit included */
  ierr = SNAFitTraining(sna, Xt ? Xt : X, Yt ? Yt : Y, PETSC_FALSE); /* not PetscCall: release the split first */
  if (ierr) {
    PetscCall(VecDestroy(&Xt));
    PetscCall(VecDestroy(&Yt));
    PetscCall(SNAFitValidationRelease(sna));
    PetscCall(PetscLogEventEnd(SNA_Fit, sna, X, Y, 0));
  }
  PetscCall(ierr);
  sna->fit_refitted = SNAFitRefits(sna);
  if (sna->fit_refitted) {
    PetscCall(VecDestroy(&Xt));
    PetscCall(VecDestroy(&Yt));
    ierr = SNAFitRefit(sna, X, Y); /* not PetscCall: end the event first */
    if (ierr) PetscCall(PetscLogEventEnd(SNA_Fit, sna, X, Y, 0));
    PetscCall(ierr);
  }
  PetscCall(PetscLogEventEnd(SNA_Fit, sna, X, Y, 0));
  /* the training loss of the model on the samples of its last fit; not PetscCall: release the split first */
  ierr = VecGetSize(Xt ? Xt : X, &nt);
  if (!ierr) sna->fit_samples = nt / sna->dim_in;
  if (!ierr) ierr = SNAComputeLoss(sna, Xt ? Xt : X, Yt ? Yt : Y, &sna->fit_mse);
  PetscCall(VecDestroy(&Xt));
  PetscCall(VecDestroy(&Yt));
  PetscCall(ierr);
  PetscCall(SNAFitEnd(sna));
  PetscFunctionReturn(0);
}

/*@
  SNASetErrorIfNotConverged - Makes SNAFit() raise PETSC_ERR_NOT_CONVERGED when a fit ends with a negative reason

  Logically Collective

  Input Parameters:
+ sna - the SNA
- flg - PETSC_TRUE to raise the error

  Options Database Key:
. -sna_fit_error_if_not_converged - the same

  Notes:
  The model holds the best iterate of the fit either way.

  Level: intermediate

.seealso: SNAGetConvergedReason(), SNAFit()
@*/
PetscErrorCode SNASetErrorIfNotConverged(SNA sna, PetscBool flg)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  sna->errorifnotconverged = flg;
  PetscFunctionReturn(0);
}

/*@
  SNAGetErrorIfNotConverged - Gets whether SNAFit() raises PETSC_ERR_NOT_CONVERGED when a fit ends with a negative
  reason

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. flg - PETSC_TRUE if it does

  Level: intermediate

.seealso: SNASetErrorIfNotConverged()
@*/
PetscErrorCode SNAGetErrorIfNotConverged(SNA sna, PetscBool *flg)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *flg = sna->errorifnotconverged;
  PetscFunctionReturn(0);
}

/*@C
  SNACheckFitUsable - Raises PETSC_ERR_NOT_CONVERGED if the last fit failed, so that a program writes no model

  Collective

  Input Parameters:
+ sna - the SNA after SNAFit()
- who - start of the error message, e.g. the program's name

  Notes:
  Without a fit to check (none ran since the SNA was created, loaded or given its type) it raises
  PETSC_ERR_ARG_WRONGSTATE. A fit failed when its loss is NaN or Inf (DIVERGED_NANORINF), or when it never lowered the loss (DIVERGED_TAO,
  DIVERGED_NO_PROGRESS, or any reason that is not convergence with the loss of the start). DIVERGED_ITS or
  DIVERGED_STALLED after progress is not a failure: the model holds the best iterate of the budget. After a refit on all samples
  (-sna_fit_validation_refit) the loss of the start is not compared: it was measured on the split's training samples
  only, and the refit starts from a fit that converged.

  Level: intermediate

.seealso: SNAGetConvergedReason(), SNASetErrorIfNotConverged()
@*/
PetscErrorCode SNACheckFitUsable(SNA sna, const char who[])
{
  SNAConvergedReason r;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidCharPointer(who, 2);
  r = sna->reason;
  PetscCheck(r != SNA_CONVERGED_ITERATING, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "%s: there is no fit to check: SNAFit() has not run on this SNA since it was created, loaded or given its type", who);
  PetscCheck(!PetscIsInfOrNanReal(sna->fit_mse) && r != SNA_DIVERGED_NANORINF && r != SNA_DIVERGED_TAO && r != SNA_DIVERGED_NO_PROGRESS, PetscObjectComm((PetscObject)sna), PETSC_ERR_NOT_CONVERGED, "%s: the fit failed (%s, %s %g); no model was written", who, SNAConvergedReasons[r], SNAObjectiveValueName(sna), (double)sna->fit_mse);
  /* fit_mse0 is on the split's training samples and fit_mse, after a refit, on all: not comparable. A refit starts
     only from a fit that converged, and keeps the best iterate of its own budget, so it lowered the loss already. */
  PetscCheck(r > 0 || sna->fit_refitted || sna->fit_mse < sna->fit_mse0, PetscObjectComm((PetscObject)sna), PETSC_ERR_NOT_CONVERGED, "%s: the fit stopped (%s) without lowering the %s %g of its start; no model was written", who, SNAConvergedReasons[r], SNAObjectiveValueName(sna), (double)sna->fit_mse0);
  PetscFunctionReturn(0);
}

/* The words of the over-parameterisation warning, one home for every fitted model that gives it (the SNAs below, the
   rollout surrogates' polynomial drifts): what has nparams parameters for values training values (count: how they
   are counted); remedy follows "Give it fewer (": the model's size options, then its other remedies. */
PetscErrorCode SNAWarnOverParameterisedValues(MPI_Comm comm, const char who[], const char what[], PetscInt nparams, PetscInt values, const char count[], const char remedy[])
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(comm, "WARNING: %s: %s has %" PetscInt_FMT " parameters for %" PetscInt_FMT " training values (%s): it can reproduce them exactly and predict poorly between them. Give it fewer (%s\n", who, what, nparams, values, count, remedy));
  PetscFunctionReturn(0);
}

/* The warning of SNAWarnOverParameterised() for one model or part (nparams: its parameters and any fitted jointly
   with it; also, if not NULL: appended to the part's size options, naming those of what is fitted with it). The values are what the loss compares: q per sample for the squared error, one class per sample for the
   cross-entropy (a one-hot row of q bins is one label, not q values). */
PetscErrorCode SNAWarnOverParameterisedPart(SNA part, PetscInt nparams, PetscInt nsamples, const char who[], const char what[], const char also[])
{
  const char *p = SNAMessagePrefix(part);
  PetscInt    values;
  PetscBool   khronos, aion;
  char        size[256], count[128], remedy[512];

  PetscFunctionBegin;
  if (nsamples <= 0) PetscFunctionReturn(0); /* no data fit (Ritz objective, or not fitted here) */
  values = part->loss == SNA_LOSS_CROSS_ENTROPY ? nsamples : nsamples * part->dim_out;
  if (nparams <= values) PetscFunctionReturn(0);
  PetscCall(PetscObjectTypeCompare((PetscObject)part, SNAKHRONOS, &khronos));
  PetscCall(PetscObjectTypeCompare((PetscObject)part, SNAAION, &aion));
  if (khronos)
    PetscCall(PetscSNPrintf(size, sizeof(size), "-%ssna_khronos_nodes, -%ssna_khronos_modes", p, p));
  else if (aion)
    PetscCall(PetscSNPrintf(size, sizeof(size), "-%ssna_aion_rank, -%ssna_aion_terms", p, p));
  else
    PetscCall(PetscSNPrintf(size, sizeof(size), "the size options of -%ssna_type %s", p, ((PetscObject)part)->type_name));
  if (part->loss == SNA_LOSS_CROSS_ENTROPY)
    PetscCall(PetscSNPrintf(count, sizeof(count), "%" PetscInt_FMT " samples of one class each", nsamples));
  else
    PetscCall(PetscSNPrintf(count, sizeof(count), "%" PetscInt_FMT " samples x %" PetscInt_FMT " output%s", nsamples, part->dim_out, part->dim_out > 1 ? "s" : ""));
  /* -sna_fit_validation measures the squared error and is refused for the cross-entropy: not advised there */
  if (part->loss == SNA_LOSS_CROSS_ENTROPY)
    PetscCall(PetscSNPrintf(remedy, sizeof(remedy), "%s%s) or a larger -%ssna_fit_lambda, and measure its cross-entropy on samples it was not fitted to", size, also ? also : "", p));
  else
    PetscCall(PetscSNPrintf(remedy, sizeof(remedy), "%s%s) or a larger -%ssna_fit_lambda, and hold samples out to see (-%ssna_fit_validation)", size, also ? also : "", p, p));
  PetscCall(SNAWarnOverParameterisedValues(PetscObjectComm((PetscObject)part), who, what, nparams, values, count, remedy));
  PetscFunctionReturn(0);
}

/*@C
  SNAWarnOverParameterised - Prints a WARNING when a fitted model has more parameters than the training values it was
  fitted to: it can then reproduce them exactly and predict poorly between them, with a tiny training error

  Collective

  Input Parameters:
+ sna      - the SNA after SNAFit()
. nsamples - the independent samples it was fitted to, or PETSC_DETERMINE for those of its last fit (the training
             split with -sna_fit_validation; an mf model: each part's own)
- who      - start of the message, e.g. the program's name

  Notes:
  The training values are the samples times the outputs for the squared error, and the samples for the cross-entropy
  (one class each). The message names the model's own options (its prefix): the size options of its type
  (-sna_khronos_nodes and -sna_khronos_modes, -sna_aion_rank and -sna_aion_terms), -sna_fit_lambda and
  -sna_fit_validation. The defaults are sized for no data set in particular (KHRONOS: 132 parameters on 2 inputs), and
  fitted to a few dozen samples they reproduced them exactly with a test error 6 times the targets' variance. An mf
  model warns for each part: the LF part against its LF samples (not when it was fitted elsewhere,
  SNAMFSetLowFidelity()), the correction (with ar1's rho, fitted jointly with it) against the HF samples (nsamples, if
  given). Nothing is printed for a model that was not fitted to data (loaded, or the Ritz objective).

  snaps-fit, snaps-pod and snaps-rollout-fit call it after their fits.

  Level: intermediate

.seealso: SNAFit(), SNAGetNumParameters(), SNACheckFitUsable(), SNAMFGetParts()
@*/
PetscErrorCode SNAWarnOverParameterised(SNA sna, PetscInt nsamples, const char who[])
{
  PetscErrorCode (*mf)(SNA, PetscInt, const char[]);
  PetscInt nparams;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidCharPointer(who, 3);
  PetscCall(PetscObjectQueryFunction((PetscObject)sna, "SNAWarnOverParameterised_C", &mf));
  if (mf) {
    PetscCall((*mf)(sna, nsamples, who));
    PetscFunctionReturn(0);
  }
  PetscCall(SNAGetNumParameters(sna, &nparams));
  PetscCall(SNAWarnOverParameterisedPart(sna, nparams, nsamples == PETSC_DETERMINE ? sna->fit_samples : nsamples, who, "the model", NULL));
  PetscFunctionReturn(0);
}

/*@
  SNAGetConvergedReason - Gets why the last fit stopped

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. reason - positive: converged (or stopped as asked, SNA_STOPPED_SLOW_PROGRESS); negative: failed (the model keeps
           the best iterate); SNA_CONVERGED_ITERATING before any fit

  Level: beginner

.seealso: SNAFit(), SNASetErrorIfNotConverged(), SNAGetIterationNumber()
@*/
PetscErrorCode SNAGetConvergedReason(SNA sna, SNAConvergedReason *reason)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *reason = sna->reason;
  PetscFunctionReturn(0);
}

/*@
  SNAGetIterationNumber - Gets the sweeps (ALS) or iterations of the last fit, all levels together

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. its - the count (0 before any fit)

  Level: intermediate

.seealso: SNAFit(), SNAGetConvergedReason()
@*/
PetscErrorCode SNAGetIterationNumber(SNA sna, PetscInt *its)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *its = sna->iterations;
  PetscFunctionReturn(0);
}

/*@
  SNAGetFitStatistics - Gets the work counts of the last fit (SNAFitStatistics: all zero before a fit)

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. stats - the counts

  Level: intermediate

.seealso: SNAFit(), SNAGetIterationNumber()
@*/
PetscErrorCode SNAGetFitStatistics(SNA sna, SNAFitStatistics *stats)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidPointer(stats, 2);
  *stats = sna->stats;
  PetscFunctionReturn(0);
}

/*@
  SNAGetParameters - Copies the flat trainable parameter vector theta out of the model

  Collective

  Input Parameter:
. sna - the SNA (set up by this call if it is not: sizes known)

  Output Parameter:
. theta - room for SNAGetNumParameters() values

  Notes:
  A type that does not expose its parameters raises PETSC_ERR_SUP.

  Level: advanced

.seealso: SNASetParameters(), SNAGetNumParameters()
@*/
PetscErrorCode SNAGetParameters(SNA sna, PetscReal theta[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCall(SNASetUp(sna));
  PetscCheck(sna->ops->getparameters, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "SNA type %s does not expose its parameters", ((PetscObject)sna)->type_name);
  PetscCall((*sna->ops->getparameters)(sna, theta));
  PetscFunctionReturn(0);
}

/*@
  SNASetParameters - Sets the flat parameter vector theta of the model, e.g. a chosen start before SNAFit()

  Collective

  Input Parameters:
+ sna   - the SNA (set up first by this call: sizes known)
- theta - SNAGetNumParameters() values, the same on every rank

  Notes:
  A NaN or Inf on any rank raises PETSC_ERR_FP on all of them; a type without parameters raises PETSC_ERR_SUP.

  Level: advanced

.seealso: SNAGetParameters(), SNAGetNumParameters(), SNAFit()
@*/
PetscErrorCode SNASetParameters(SNA sna, const PetscReal theta[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCall(SNASetUp(sna));
  PetscCheck(sna->ops->setparameters, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "SNA type %s does not accept parameters", ((PetscObject)sna)->type_name);
  { /* every rank holds the whole model: all of them refuse a NaN that one was given */
    PetscInt bad = PETSC_MAX_INT;
    for (PetscInt i = 0; i < sna->nparams && bad == PETSC_MAX_INT; i++)
      if (PetscIsInfOrNanReal(theta[i])) bad = i;
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_MIN, PetscObjectComm((PetscObject)sna)));
    PetscCheck(bad == PETSC_MAX_INT, PetscObjectComm((PetscObject)sna), PETSC_ERR_FP, "Parameter %" PetscInt_FMT " given to SNASetParameters() is NaN or Inf (on one rank at least)", bad);
  }
  PetscCall((*sna->ops->setparameters)(sna, theta));
  sna->params_given = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/*@
  SNAEvaluate - Evaluates a fitted or loaded model at scattered points

  Not Collective: each rank evaluates its own rows

  Input Parameters:
+ sna - the SNA, fitted or loaded (else PETSC_ERR_ARG_WRONGSTATE)
- X   - the points: rows of dim_in values (block size dim_in), on the SNA's communicator or sequential

  Output Parameter:
. Y - the values: the same rows of dim_out values, in a Vec of the same layout (logits under -sna_loss
      cross_entropy: SNASoftmax() turns them into probabilities)

  Notes:
  Vecs on another communicator raise PETSC_ERR_ARG_NOTSAMECOMM, rows that X and Y do not share PETSC_ERR_ARG_SIZ.
  Outside its box a khronos model is constant (each input clamped), an aion model extrapolates, an mf model does as
  its parts; SNAWarnOutsideBounds() reports such points.

  Level: beginner

.seealso: SNAFit(), SNALoad(), SNAEvaluateGrid(), SNAWarnOutsideBounds()
@*/
PetscErrorCode SNAEvaluate(SNA sna, Vec X, Vec Y)
{
  const PetscReal *x;
  PetscReal       *y;
  PetscInt         nx, ny;
  PetscErrorCode   ierr;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidHeaderSpecific(X, VEC_CLASSID, 2);
  PetscValidHeaderSpecific(Y, VEC_CLASSID, 3);
  PetscCall(SNACheckSampleComm(sna, X, "X", "SNAEvaluate", PETSC_TRUE));
  PetscCall(SNACheckSampleComm(sna, Y, "Y", "SNAEvaluate", PETSC_TRUE));
  PetscCheck(sna->setupcalled && sna->lower, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Fit or load the SNA before evaluating it");
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "The input X", &nx, NULL));
  PetscCall(SNAGetLocalRows(sna, Y, sna->dim_out, "The output Y", &ny, NULL));
  PetscCheck(nx == ny, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "X and Y hold different numbers of samples on this rank (%" PetscInt_FMT " and %" PetscInt_FMT ")", nx, ny);
  PetscCall(PetscLogEventBegin(SNA_Evaluate, sna, X, Y, 0));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArrayWrite(Y, &y));
  ierr = (*sna->ops->evaluatelocal)(sna, nx, x, y); /* not PetscCall: restore and end the event first */
  PetscCall(VecRestoreArrayWrite(Y, &y));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(PetscLogEventEnd(SNA_Evaluate, sna, X, Y, 0));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Number of grid points prod(n), checked for overflow. */
static PetscErrorCode SNAGridSize(SNA sna, const PetscInt n[], PetscInt *npoints)
{
  PetscInt64 total = 1;

  PetscFunctionBegin;
  for (PetscInt p = 0; p < sna->dim_in; p++) {
    PetscCheck(n[p] >= 1, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "Grid dimension %" PetscInt_FMT " has %" PetscInt_FMT " points; need at least 1", p, n[p]);
    total *= n[p];
    PetscCheck(total * sna->dim_out <= PETSC_MAX_INT, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "The grid is too large for PetscInt (build PETSc with 64-bit indices)");
  }
  *npoints = (PetscInt)total;
  PetscFunctionReturn(0);
}

/*@
  SNACreateGridVec - Creates a Vec for the values of every output on a tensor grid, with the layout SNAEvaluateGrid()
  needs

  Collective

  Input Parameters:
+ sna - the SNA, its sizes set (else PETSC_ERR_ARG_WRONGSTATE)
- n   - the points along each of the dim_in inputs, each at least 1

  Output Parameter:
. Y - a Vec on the SNA's communicator of prod(n) x dim_out entries, block size dim_out

  Level: intermediate

.seealso: SNAEvaluateGrid()
@*/
PetscErrorCode SNACreateGridVec(SNA sna, const PetscInt n[], Vec *Y)
{
  PetscInt npoints;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(sna->dim_in > 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Set the SNA's sizes first");
  PetscCall(SNAGridSize(sna, n, &npoints));
  PetscCall(VecCreate(PetscObjectComm((PetscObject)sna), Y));
  PetscCall(VecSetSizes(*Y, PETSC_DECIDE, npoints * sna->dim_out));
  PetscCall(VecSetBlockSize(*Y, sna->dim_out));
  PetscCall(VecSetFromOptions(*Y));
  PetscFunctionReturn(0);
}

/*@
  SNAEvaluateGrid - Evaluates a fitted or loaded model on the tensor grid coords[0] x ... x coords[d-1], using its
  separability

  Not Collective: each rank computes its own entries

  Input Parameters:
+ sna    - the SNA, fitted or loaded (else PETSC_ERR_ARG_WRONGSTATE)
. n      - the points along each input, each at least 1
- coords - coords[p]: the n[p] points of input p

  Output Parameter:
. Y - prod(n) x dim_out values in row-major order (last input fastest, then the output), on the SNA's communicator
      or sequential; its parallel layout must keep each point's dim_out outputs on one rank (SNACreateGridVec()
      makes one): a layout that splits them raises PETSC_ERR_ARG_WRONG, another size PETSC_ERR_ARG_SIZ

  Level: intermediate

.seealso: SNACreateGridVec(), SNAEvaluate()
@*/
PetscErrorCode SNAEvaluateGrid(SNA sna, const PetscInt n[], const PetscReal *const coords[], Vec Y)
{
  PetscInt       npoints, N, rstart, rend;
  PetscReal     *y;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidHeaderSpecific(Y, VEC_CLASSID, 4);
  PetscCall(SNACheckSampleComm(sna, Y, "Y", "SNAEvaluateGrid", PETSC_TRUE));
  PetscCheck(sna->setupcalled && sna->lower, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Fit or load the SNA before evaluating it");
  PetscCall(SNAGridSize(sna, n, &npoints));
  PetscCall(VecGetSize(Y, &N));
  PetscCheck(N == npoints * sna->dim_out, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_SIZ, "The grid has %" PetscInt_FMT " points x %" PetscInt_FMT " outputs but Y has %" PetscInt_FMT " entries", npoints, sna->dim_out, N);
  PetscCall(VecGetOwnershipRange(Y, &rstart, &rend));
  PetscCheck(rstart % sna->dim_out == 0 && rend % sna->dim_out == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Y's parallel layout splits a grid point's outputs; create it with SNACreateGridVec()");
  PetscCall(PetscLogEventBegin(SNA_EvaluateGrid, sna, Y, 0, 0));
  PetscCall(VecGetArrayWrite(Y, &y));
  ierr = (*sna->ops->evaluategridlocal)(sna, n, coords, rstart / sna->dim_out, rend / sna->dim_out, y); /* not PetscCall: restore and end the event first */
  PetscCall(VecRestoreArrayWrite(Y, &y));
  PetscCall(PetscLogEventEnd(SNA_EvaluateGrid, sna, Y, 0, 0));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The checks of a loss over all ranks' samples (func(): its name): X and Y on the SNA's communicator, as many rows of
   each on every rank (all ranks raise the error), before any rank evaluates the model. */
static PetscErrorCode SNACheckLoss(SNA sna, Vec X, Vec Y, const char func[])
{
  PetscInt nx, ny;

  PetscFunctionBegin;
  PetscCall(SNACheckSampleComm(sna, X, "X", func, PETSC_FALSE));
  PetscCall(SNACheckSampleComm(sna, Y, "Y", func, PETSC_FALSE));
  PetscCheck(sna->setupcalled && sna->lower, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Fit or load the SNA before evaluating it");
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "The input X", &nx, NULL));
  PetscCall(SNAGetLocalRows(sna, Y, sna->dim_out, "The output Y", &ny, NULL));
  PetscCall(SNACheckSameRows(sna, nx, ny));
  PetscFunctionReturn(0);
}

/*@
  SNAComputeMSE - Computes the mean squared error (1/(N q)) sum |y - u|^2 of a fitted or loaded model over all
  ranks' samples

  Collective

  Input Parameters:
+ sna - the SNA, fitted or loaded (else PETSC_ERR_ARG_WRONGSTATE)
. X   - the inputs (block size dim_in), on the SNA's communicator
- Y   - the targets (block size dim_out), the same rows

  Output Parameter:
. mse - the MSE, the same on every rank

  Level: intermediate

.seealso: SNAComputeCrossEntropy(), SNAEvaluate(), SNAGetFitStatistics()
@*/
PetscErrorCode SNAComputeMSE(SNA sna, Vec X, Vec Y, PetscReal *mse)
{
  Vec              U;
  const PetscReal *u, *y;
  PetscReal        local = 0, sum;
  PetscInt         n, N;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidHeaderSpecific(X, VEC_CLASSID, 2);
  PetscValidHeaderSpecific(Y, VEC_CLASSID, 3);
  PetscValidRealPointer(mse, 4);
  PetscCall(SNACheckLoss(sna, X, Y, "SNAComputeMSE"));
  PetscCall(VecDuplicate(Y, &U));
  PetscCall(SNAEvaluate(sna, X, U));
  PetscCall(VecGetLocalSize(Y, &n));
  PetscCall(VecGetArrayRead(U, &u));
  PetscCall(VecGetArrayRead(Y, &y));
  for (PetscInt i = 0; i < n; i++) local += PetscSqr(u[i] - y[i]);
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(VecDestroy(&U));
  PetscCall(MPIU_Allreduce(&local, &sum, 1, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)sna)));
  PetscCall(VecGetSize(Y, &N));
  *mse = sum / (PetscReal)N;
  PetscFunctionReturn(0);
}

/*@
  SNASetLossType - Chooses the training loss

  Logically Collective

  Input Parameters:
+ sna  - the SNA
- loss - SNA_LOSS_MSE, or SNA_LOSS_CROSS_ENTROPY (the outputs are the logits of a categorical distribution; the
         targets, rows of class probabilities)

  Options Database Key:
. -sna_loss <mse|cross_entropy> - the loss (default mse)

  Notes:
  Unless the fit was chosen (SNASetFitType()), cross_entropy makes irls (SNAFITIRLS, khronos only) the fit and mse
  the type's own; the fits of the MSE (auto, als, infinite_descent, lm, tao) refuse the cross-entropy loss at
  SNAFit(), as irls refuses the MSE. Another value raises PETSC_ERR_ARG_OUTOFRANGE.

  Level: intermediate

.seealso: SNAGetLossType(), SNAFITIRLS, SNAComputeCrossEntropy(), SNASoftmax()
@*/
PetscErrorCode SNASetLossType(SNA sna, SNALossType loss)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(loss == SNA_LOSS_MSE || loss == SNA_LOSS_CROSS_ENTROPY, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "Unknown loss %d: use SNA_LOSS_MSE or SNA_LOSS_CROSS_ENTROPY", (int)loss);
  sna->loss = loss;
  PetscCall(SNAReplaceUnchosenFitType(sna, loss == SNA_LOSS_CROSS_ENTROPY ? SNAFITIRLS : sna->fittype_natural));
  PetscFunctionReturn(0);
}

/*@
  SNAGetLossType - Gets the training loss

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. loss - SNA_LOSS_MSE or SNA_LOSS_CROSS_ENTROPY

  Level: intermediate

.seealso: SNASetLossType()
@*/
PetscErrorCode SNAGetLossType(SNA sna, SNALossType *loss)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *loss = sna->loss;
  PetscFunctionReturn(0);
}

/*@
  SNASoftmax - Replaces each of n rows of q logits by its softmax probabilities, in place (max-shifted: no overflow)

  Not Collective

  Input Parameters:
+ n - the rows
. q - the logits per row
- z - the n x q logits, row-major

  Output Parameters:
+ z   - the probabilities
- lse - the log-sum-exp of each row (NULL: not wanted)

  Level: intermediate

.seealso: SNAComputeCrossEntropy(), SNASetLossType()
@*/
PetscErrorCode SNASoftmax(PetscInt n, PetscInt q, PetscReal z[], PetscReal lse[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    PetscReal *zi = z + i * q, mx = zi[0], s = 0;
    for (PetscInt j = 1; j < q; j++) mx = PetscMax(mx, zi[j]);
    for (PetscInt j = 0; j < q; j++) s += (zi[j] = PetscExpReal(zi[j] - mx));
    for (PetscInt j = 0; j < q; j++) zi[j] /= s;
    if (lse) lse[i] = mx + PetscLogReal(s);
  }
  PetscFunctionReturn(0);
}

/*@
  SNAComputeCrossEntropy - Computes the mean cross-entropy (1/N) sum_i -sum_j y_ij log softmax(u_i)_j of a model whose
  outputs are logits, over all ranks' samples

  Collective

  Input Parameters:
+ sna - the SNA, fitted or loaded (else PETSC_ERR_ARG_WRONGSTATE)
. X   - the inputs (block size dim_in), on the SNA's communicator
- Y   - the class probabilities (block size dim_out), the same rows

  Output Parameter:
. ce - the mean cross-entropy, the same on every rank

  Level: intermediate

.seealso: SNASetLossType(), SNASoftmax(), SNAComputeMSE()
@*/
PetscErrorCode SNAComputeCrossEntropy(SNA sna, Vec X, Vec Y, PetscReal *ce)
{
  Vec U;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidHeaderSpecific(X, VEC_CLASSID, 2);
  PetscValidHeaderSpecific(Y, VEC_CLASSID, 3);
  PetscValidRealPointer(ce, 4);
  PetscCall(SNACheckLoss(sna, X, Y, "SNAComputeCrossEntropy"));
  PetscCall(VecDuplicate(Y, &U));
  PetscCall(SNAEvaluate(sna, X, U));
  PetscCall(SNAComputeLogitScores(U, Y, ce, NULL));
  PetscCall(VecDestroy(&U));
  PetscFunctionReturn(0);
}

/*@C
  SNACheckClassRows - Checks that every row of Y is class probabilities (entries >= 0 summing to 1 within 1e-8, as
  one-hot labels are): what a model of -sna_loss cross_entropy is fitted to (SNAFITIRLS) and scored against
  (SNAComputeLogitScores(), snaps-predict). Otherwise the cross-entropy is no loss (it can be negative).

  Collective: every rank raises the error, naming the first bad row (0-based over all ranks).

  Input Parameters:
+ Y    - the rows (block size q)
- what - the data for the message, e.g. "The training targets Y" or "/Y of 'test.h5'"

  Level: intermediate

.seealso: SNAComputeLogitScores(), SNASetLossType()
@*/
PetscErrorCode SNACheckClassRows(Vec Y, const char what[])
{
  PetscFunctionBegin;
  PetscCall(SNACheckClassRowsPrefix(Y, what, ""));
  PetscFunctionReturn(0);
}

/* SNACheckClassRows() for a model's fit: the message names the model's option (a part's -mf_delta_sna_loss). */
PetscErrorCode SNACheckClassRowsPrefix(Vec Y, const char what[], const char prefix[])
{
  const PetscReal *y;
  PetscInt         n, q, lo, bad = -1;
  PetscReal        sum = 0;
  PetscMPIInt      first;
  MPI_Comm         comm;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(Y, VEC_CLASSID, 1);
  comm = PetscObjectComm((PetscObject)Y);
  PetscCall(VecGetBlockSize(Y, &q));
  PetscCall(VecGetLocalSize(Y, &n));
  PetscCall(VecGetOwnershipRange(Y, &lo, NULL));
  n /= q;
  lo /= q;
  PetscCall(VecGetArrayRead(Y, &y));
  for (PetscInt i = 0; i < n && bad < 0; i++) {
    PetscReal s = 0, mn = 0;
    for (PetscInt j = 0; j < q; j++) {
      s += y[i * q + j];
      mn = PetscMin(mn, y[i * q + j]);
    }
    if (mn < 0 || !(PetscAbsReal(s - 1) <= 1e-8)) {
      bad = lo + i;
      sum = s;
    }
  }
  PetscCall(VecRestoreArrayRead(Y, &y));
  /* the first rank with a bad row names it; alone, it would leave the others waiting in their next reduction */
  PetscCall(SNAFirstRankWith(comm, (PetscBool)(bad >= 0), &first));
  if (first < 0) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Bcast(&bad, 1, MPIU_INT, first, comm));
  PetscCallMPI(MPI_Bcast(&sum, 1, MPIU_REAL, first, comm));
  SETERRQ(comm, PETSC_ERR_ARG_WRONG, "%s: -%ssna_loss cross_entropy needs rows of Y that are class probabilities (entries >= 0 summing to 1, e.g. one-hot labels), but row %" PetscInt_FMT " (0-based) has a negative entry or sums to %g: give class rows", what, prefix, bad, (double)sum);
}

/*@
  SNAComputeLogitScores - The mean cross-entropy and the accuracy of logits against class rows

  Collective

  Input Parameters:
+ U - the logits, N rows of q (block size q): the outputs of a model fitted with -sna_loss cross_entropy
- Y - the class rows (one-hot labels, or class probabilities), laid out as U

  Output Parameters:
+ crossentropy - (1/N) sum_i -sum_j y_ij log softmax(u_i)_j, the loss such a fit minimises (or NULL)
- accuracy     - the fraction of rows whose largest logit is at their class, the largest entry of the row of Y (the
                 first of equal largest ones), in [0, 1] (or NULL)

  Notes:
  The MSE of the logits against the class rows says nothing about such a model (a perfect classifier has logits of
  any size): snaps-fit and snaps-predict report these two figures for it instead.

  Level: intermediate

.seealso: SNAComputeCrossEntropy(), SNASetLossType()
@*/
PetscErrorCode SNAComputeLogitScores(Vec U, Vec Y, PetscReal *crossentropy, PetscReal *accuracy)
{
  const PetscReal *u, *y;
  PetscReal        local[3] = {0, 0, 0}, sum[3];
  PetscInt         n, ny, q, qy;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(U, VEC_CLASSID, 1);
  PetscValidHeaderSpecific(Y, VEC_CLASSID, 2);
  PetscCall(VecGetBlockSize(U, &q));
  PetscCall(VecGetBlockSize(Y, &qy));
  PetscCall(VecGetLocalSize(U, &n));
  PetscCall(VecGetLocalSize(Y, &ny));
  PetscCheck(q == qy && n == ny, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "The logits (%" PetscInt_FMT " local entries, rows of %" PetscInt_FMT ") and the class rows (%" PetscInt_FMT ", rows of %" PetscInt_FMT ") are not laid out alike", n, q, ny, qy);
  n /= q;
  PetscCall(VecGetArrayRead(U, &u));
  PetscCall(VecGetArrayRead(Y, &y));
  for (PetscInt i = 0; i < n; i++) { /* -sum_j y_ij log p_ij with log p = u - logsumexp(u), never log(0) */
    const PetscReal *ui = u + i * q, *yi = y + i * q;
    PetscReal        mx = ui[0], lse = 0;
    PetscInt         ju = 0, jy = 0;

    for (PetscInt j = 1; j < q; j++) {
      if (ui[j] > ui[ju]) ju = j;
      if (yi[j] > yi[jy]) jy = j;
    }
    mx = ui[ju];
    for (PetscInt j = 0; j < q; j++) lse += PetscExpReal(ui[j] - mx);
    lse = mx + PetscLogReal(lse);
    for (PetscInt j = 0; j < q; j++) local[0] -= yi[j] * (ui[j] - lse);
    if (ju == jy) local[1] += 1;
  }
  local[2] = (PetscReal)n;
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(MPIU_Allreduce(local, sum, 3, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)U)));
  if (crossentropy) *crossentropy = sum[2] > 0 ? sum[0] / sum[2] : 0;
  if (accuracy) *accuracy = sum[2] > 0 ? sum[1] / sum[2] : 0;
  PetscFunctionReturn(0);
}

/* See snaimpl.h. The viewer's type is read from the option's text (SNAPSViewerValueSplit(), PETSc's rule: no type,
   ascii; "ASCII" is not a type) without opening it, which would create (or empty) the file of a binary or HDF5 viewer. */
/* name: the option (-sna_view, or the one SNAViewFromOptions() is given), read under the SNA's prefix */
static PetscErrorCode SNACheckViewOptionNamed(SNA sna, const char name[])
{
  char             value[PETSC_MAX_PATH_LEN] = "";
  const char      *prefix;
  PetscBool        set;
  SNAPSViewerValue v;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)sna, &prefix));
  PetscCall(PetscOptionsGetString(((PetscObject)sna)->options, prefix, name, value, sizeof(value), &set));
  if (!set) PetscFunctionReturn(0);
  PetscCall(SNAPSViewerValueSplit(value, &v));
  if (v.ascii) PetscFunctionReturn(0);
  SETERRQ(PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "-%s%s %s: SNAView() supports only the viewer type ascii, not '%s': give -%s%s alone (stdout), or -%s%s ascii:<file>[:format]", SNAMessagePrefix(sna), name + 1, value, v.type, SNAMessagePrefix(sna), name + 1, SNAMessagePrefix(sna), name + 1);
}

PetscErrorCode SNACheckViewOption(SNA sna)
{
  PetscFunctionBegin;
  PetscCall(SNACheckViewOptionNamed(sna, "-sna_view"));
  PetscFunctionReturn(0);
}

/*@C
  SNAView - Prints a description of an SNA: type, sizes, box, fit, how the last fit ended, and the type's own details

  Collective

  Input Parameters:
+ sna    - the SNA
- viewer - an ASCII viewer on the SNA's communicator, or NULL for standard output; another type raises PETSC_ERR_SUP

  Options Database Key:
. -sna_view [ascii[:file]] - SNAFit() views the fitted model

  Level: beginner

.seealso: SNAViewFromOptions(), SNAFit()
@*/
PetscErrorCode SNAView(SNA sna, PetscViewer viewer)
{
  PetscBool   isascii, apply = PETSC_TRUE;
  const char *fitby = NULL;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(PetscObjectComm((PetscObject)sna), &viewer));
  PetscValidHeaderSpecific(viewer, PETSC_VIEWER_CLASSID, 2);
  PetscCheckSameComm(sna, 1, viewer, 2);
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  PetscCheck(isascii, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "SNAView() supports ASCII viewers only (stdout, or -%ssna_view ascii:<file>), not %s", SNAMessagePrefix(sna), ((PetscObject)viewer)->type_name ? ((PetscObject)viewer)->type_name : "a viewer without a type");
  PetscCall(PetscObjectPrintClassNamePrefixType((PetscObject)sna, viewer));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  if (sna->dim_in < 0 || sna->dim_out < 0) /* -1 until SNASetSizes(), a fit or a load: not a size to print */
    PetscCall(PetscViewerASCIIPrintf(viewer, "inputs and outputs not set yet (SNASetSizes(), or the fit or load sets them)\n"));
  else
    PetscCall(PetscViewerASCIIPrintf(viewer, "inputs %" PetscInt_FMT ", outputs %" PetscInt_FMT ", trainable parameters %" PetscInt_FMT "\n", sna->dim_in, sna->dim_out, sna->nparams));
  if (sna->lower) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "input box (%s):", sna->bounds_loaded ? "of the model loaded" : sna->bounds_from_user ? "declared"
                                                                                                                                   : "from the training data"));
    PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_FALSE));
    for (PetscInt p = 0; p < sna->dim_in; p++) PetscCall(PetscViewerASCIIPrintf(viewer, " [%g, %g]", (double)sna->lower[p], (double)sna->upper[p]));
    PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
    PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_TRUE));
  }
  PetscTryMethod(sna, "SNAFitSettingsApply_C", (SNA, PetscBool *), (sna, &apply)); /* a composite fitted by its parts */
  PetscTryMethod(sna, "SNAFitSettingsOwner_C", (SNA, const char **), (sna, &fitby)); /* a part fitted in its model's fit */
  if (!apply)
    PetscCall(PetscViewerASCIIPrintf(viewer, "fit: by its parts (below); the model's own -%ssna_fit_* settings were not used\n", SNAMessagePrefix(sna)));
  else if (fitby)
    PetscCall(PetscViewerASCIIPrintf(viewer, "fit: %s; its own -%ssna_fit_* settings were not used\n", fitby, SNAMessagePrefix(sna)));
  else if (sna->bounds_loaded && sna->reason == SNA_CONVERGED_ITERATING) /* snaps-predict -sna_view listed this object's defaults */
    PetscCall(PetscViewerASCIIPrintf(viewer, "fit: none since it was loaded (the model file does not record the settings it was fitted with)\n"));
  else {
    PetscInt  window;
    PetscReal rtol;

    PetscCall(PetscViewerASCIIPrintf(viewer, "fit: %s, lambda %g, atol %g, rtol %g, max_it %" PetscInt_FMT "\n", sna->fittype, (double)sna->lambda, (double)sna->atol, (double)sna->rtol, sna->max_it));
    PetscCall(SNAGetProgressStopInForce(sna, &window, &rtol));
    if (window) PetscCall(PetscViewerASCIIPrintf(viewer, "  Levenberg-Marquardt stops when %" PetscInt_FMT " steps gain less than %g of the objective\n", window, (double)rtol));
  }
  if (sna->reason != SNA_CONVERGED_ITERATING) {
    /* held-out samples without a refit: the loss is on the samples fitted, not on all (snaps-fit's "MSE over all samples") */
    if (sna->val_mse < PETSC_MAX_REAL && !sna->fit_refitted)
      PetscCall(PetscViewerASCIIPrintf(viewer, "last fit: %s after %" PetscInt_FMT " iterations, training-split %s %g (on the samples fitted, without the held-out ones)\n", SNAConvergedReasons[sna->reason], sna->iterations, sna->loss == SNA_LOSS_CROSS_ENTROPY ? "cross-entropy" : "MSE", (double)sna->fit_mse));
    else
      PetscCall(PetscViewerASCIIPrintf(viewer, "last fit: %s after %" PetscInt_FMT " iterations, %s %g\n", SNAConvergedReasons[sna->reason], sna->iterations, SNAObjectiveValueName(sna), (double)sna->fit_mse));
    if (sna->val_mse < PETSC_MAX_REAL) PetscCall(PetscViewerASCIIPrintf(viewer, "validation: %g of the samples held out (stop on %s), validation MSE %g%s\n", (double)sna->validation, SNAValidationStops[sna->val_stoptype], (double)sna->val_mse, sna->fit_refitted ? " (of the model before the refit on all samples, which had not seen them)" : ""));
    PetscCall(PetscViewerASCIIPrintf(viewer, "work: %" PetscInt_FMT " outer, %" PetscInt_FMT " inner iterations; %" PetscInt_FMT " loss, %" PetscInt_FMT " gradient, %" PetscInt_FMT " Hessian evaluations\n", sna->stats.outer, sna->stats.inner, sna->stats.function, sna->stats.gradient, sna->stats.hessian));
  }
  if (sna->ops->view) PetscCall((*sna->ops->view)(sna, viewer));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

/*@C
  SNAViewFromOptions - Views an SNA as an option such as -sna_view asks

  Collective

  Input Parameters:
+ sna  - the SNA
. obj  - the object whose prefix the option takes, or NULL for the SNA's own
- name - the option, e.g. "-sna_view"

  Notes:
  With obj NULL, a viewer that SNAView() cannot show (not ASCII) is refused before it is opened, so its file is not
  created or emptied.

  Level: intermediate

.seealso: SNAView()
@*/
PetscErrorCode SNAViewFromOptions(SNA sna, PetscObject obj, const char name[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  /* before PETSc opens the viewer, which creates (or empties) the file of a binary or HDF5 one that SNAView() refuses
     (with obj, PETSc reads the option under obj's prefix: SNAView() refuses such a viewer, after it is opened) */
  if (!obj) PetscCall(SNACheckViewOptionNamed(sna, name));
  PetscCall(PetscObjectViewFromOptions((PetscObject)sna, obj, name));
  PetscFunctionReturn(0);
}
