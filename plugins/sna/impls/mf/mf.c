/* The multi-fidelity SNA type: an LF SNA and a correction SNA (and rho for AR1) evaluated as one model. */
#include <snaps/private/mfimpl.h>
#include <snaps/private/khronosimpl.h>

const char *const SNAMFBlends[]   = {"residual", "ar1", "SNAMFBlend", "SNA_MF_", NULL};
const char *const SNAMFRhoForms[] = {"full", "constant", "inputs", "SNAMFRhoForm", "SNA_MF_RHO_", NULL};
const char *const SNAMFSelects[]  = {"none", "cv", "SNAMFSelect", "SNA_MF_SELECT_", NULL};

PetscErrorCode SNAMFCountParameters(SNA sna)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  if (mf->correction_stage) {
    sna->nparams = SNAMFRhoParams(sna) + mf->delta->nparams;
    PetscFunctionReturn(0);
  }
  sna->nparams = SNAMFPartReady(mf->lf) ? mf->lf->nparams : 0;
  if (mf->corrected) sna->nparams += mf->delta->nparams + (mf->blend == SNA_MF_AR1 ? SNAMFRhoParams(sna) : 0);
  PetscFunctionReturn(0);
}

/* The parts live with the model's sizes: a part that holds other sizes (a loaded one) is an error. */
static PetscErrorCode SNASetUp_MF(SNA sna)
{
  SNA_MF     *mf      = (SNA_MF *)sna->data;
  SNA         parts[] = {mf->lf, mf->delta, mf->rho};
  const char *names[] = {"LF", "delta", "rho"};

  PetscFunctionBegin;
  for (PetscInt i = 0; i < 3; i++) {
    if (parts[i]->dim_in < 0) PetscCall(SNASetSizes(parts[i], sna->dim_in, sna->dim_out));
    PetscCheck(parts[i]->dim_in == sna->dim_in && parts[i]->dim_out == sna->dim_out, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_SIZ, "The multi-fidelity model has %" PetscInt_FMT " inputs and %" PetscInt_FMT " outputs but its %s part has %" PetscInt_FMT " and %" PetscInt_FMT, sna->dim_in, sna->dim_out, names[i], parts[i]->dim_in, parts[i]->dim_out);
  }
  PetscCall(SNAMFCountParameters(sna));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNADestroy_MF(SNA sna)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  PetscCall(SNADestroy(&mf->lf));
  PetscCall(SNADestroy(&mf->delta));
  PetscCall(SNADestroy(&mf->rho));
  PetscCall(VecDestroy(&mf->Xlf));
  PetscCall(VecDestroy(&mf->Ylf));
  PetscCall(VecDestroy(&mf->cases));
  PetscCall(SNAMFNestedDestroy(mf));
  PetscCall(PetscFree(sna->data));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetBlend_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetBlend_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetParts_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAWarnOverParameterised_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFHasCorrection_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitSettingsApply_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFFit_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetFitTimes_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFEvaluateCorrection_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetNestedRows_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetSizeValues_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetLowFidelity_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetRhoForm_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetRhoInputs_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetSelect_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetRhoSelection_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetCases_C", NULL));
  PetscFunctionReturn(0);
}

/* Each part's options prefix is the model's followed by mf_lf_, mf_delta_ or mf_rho_. */
static PetscErrorCode SetPartPrefix(SNA sna, SNA part, const char suffix[])
{
  const char *prefix;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)sna, &prefix));
  PetscCall(SNASetOptionsPrefix(part, prefix));
  PetscCall(SNAAppendOptionsPrefix(part, suffix));
  PetscFunctionReturn(0);
}

/* What SNAMFBlendFromOptions() reads, in its own options block. */
typedef struct {
  SNAMFBlend   blend;
  SNAMFRhoForm form;
  PetscInt     nin, inputs[SNA_MF_MAX_INPUTS];
  PetscBool    inset, foldset;
  SNAMFSelect  sel;
  PetscInt     folds;
} MFBlendOptions;

static PetscErrorCode SNAMFBlendFromOptions_Block(SNA sna, PetscOptionItems *PetscOptionsObject, MFBlendOptions *o)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsEnum("-mf_blend", "How the correction blends with the LF model: residual (y_LF + delta) or ar1 (rho y_LF + delta)", "SNAMFSetBlend", SNAMFBlends, (PetscEnum)o->blend, (PetscEnum *)&o->blend, NULL));
  PetscCall(PetscOptionsBool("-mf_nested_lf", "Fit the correction against the LF data at HF inputs that are also LF inputs (nested designs), not against the LF model (false, the default: it generalises better from few HF designs, also added to given LF values, /YLF)", "SNAMF", mf->use_nested, &mf->use_nested, NULL));
  PetscCall(PetscOptionsEnum("-mf_rho_form", "ar1: the scale rho = 1 + r with r a constant per output (Kennedy-O'Hagan) or a KHRONOS over all inputs (full, basis -mf_rho_sna_khronos_...)", "SNAMFSetRhoForm", SNAMFRhoForms, (PetscEnum)o->form, (PetscEnum *)&o->form, NULL));
  PetscCall(PetscOptionsIntArray("-mf_rho_inputs", "ar1: the inputs (0-based indices, e.g. the field coordinates 2,3) that r depends on in -mf_rho_form inputs, and a candidate of -mf_select cv", "SNAMFSetRhoInputs", o->inputs, &o->nin, &o->inset));
  PetscCall(PetscOptionsEnum("-mf_select", "ar1: the form of rho as -mf_rho_form gives it (none), or the one with the smaller cross-validated error over folds of the HF cases (cv)", "SNAMFSetSelect", SNAMFSelects, (PetscEnum)o->sel, (PetscEnum *)&o->sel, NULL));
  PetscCall(PetscOptionsInt("-mf_select_folds", "Most folds of -mf_select cv (fewer HF cases: one fold per case, leave-one-case-out)", "SNAMFSetSelect", o->folds, &o->folds, &o->foldset));
  PetscFunctionReturn(0);
}

/* -mf_blend in a block of its own: a program that sets the options of one SNA twice (first as the default type,
   then as mf) would otherwise never show it in -help, because PETSc prints an object's options once.
   A value refused inside the block (-mf_blend foo) is raised after PetscOptionsEnd(), which frees the block's title:
   returned from inside, each refusal leaked it in a program that catches the error and goes on. */
static PetscErrorCode SNAMFBlendFromOptions(SNA sna)
{
  SNA_MF        *mf = (SNA_MF *)sna->data;
  MFBlendOptions o  = {mf->blend, mf->rho_form, SNA_MF_MAX_INPUTS, {0}, PETSC_FALSE, PETSC_FALSE, mf->select, mf->folds};
  const char    *prefix;
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  /* -help prints the array's first value: the current one, not stack garbage */
  PetscCall(PetscArraycpy(o.inputs, mf->rho_inputs, mf->nrho_inputs));
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)sna, &prefix));
  PetscOptionsBegin(PetscObjectComm((PetscObject)sna), prefix, "Multi-fidelity (mf) SNA options", "SNA");
  if (!ierr) ierr = SNAMFBlendFromOptions_Block(sna, PetscOptionsObject, &o); /* not PetscCall: end the block first */
  PetscOptionsEnd();
  PetscCall(ierr);
  /* refused, not ignored: each applies only with the other option named */
  PetscCheck(!o.inset || o.form == SNA_MF_RHO_INPUTS || o.sel == SNA_MF_SELECT_CV, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%smf_rho_inputs gives the inputs of -%smf_rho_form inputs (or a candidate of -%smf_select cv), but the form is %s without -%smf_select cv: add -%smf_rho_form inputs or -%smf_select cv, or drop -%smf_rho_inputs", SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMFRhoForms[o.form], SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  PetscCheck(!o.foldset || o.sel == SNA_MF_SELECT_CV, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%smf_select_folds %" PetscInt_FMT " applies only to -%smf_select cv: add -%smf_select cv, or drop -%smf_select_folds", SNAMessagePrefix(sna), o.folds, SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  PetscCall(SNAMFSetBlend(sna, o.blend));
  PetscCall(SNAMFSetRhoForm(sna, o.form));
  if (o.inset) PetscCall(SNAMFSetRhoInputs(sna, o.nin, o.inputs));
  PetscCall(SNAMFSetSelect(sna, o.sel, o.folds));
  PetscFunctionReturn(0);
}

/* -mf_blend, then each part's own options under its prefix (all shown by -help). */
static PetscErrorCode SNASetFromOptions_MF(SNA sna, PetscOptionItems *PetscOptionsObject)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  (void)PetscOptionsObject; /* -mf_blend has its own block (SNAMFBlendFromOptions) */
  PetscCall(SNAMFBlendFromOptions(sna));
  PetscCall(SetPartPrefix(sna, mf->delta, "mf_delta_"));
  PetscCall(SetPartPrefix(sna, mf->rho, "mf_rho_"));
  if (!mf->lf_given) { /* an LF part fitted elsewhere stays as it was fitted */
    PetscCall(SetPartPrefix(sna, mf->lf, "mf_lf_"));
    PetscCall(SNASetFromOptions(mf->lf));
  }
  PetscCall(SNASetFromOptions(mf->delta));
  PetscCall(SNASetFromOptions(mf->rho));
  PetscFunctionReturn(0);
}

/* The form of rho, why it was chosen, and the constant of the constant form (first output). */
static PetscErrorCode ViewRhoForm(SNA sna, PetscViewer viewer)
{
  SNA_MF    *mf = (SNA_MF *)sna->data;
  PetscReal *r;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(viewer, "rho form %s", SNAMFRhoForms[mf->rho_form]));
  if (mf->rho_form == SNA_MF_RHO_INPUTS) {
    PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_FALSE));
    PetscCall(PetscViewerASCIIPrintf(viewer, " (r depends on inputs"));
    for (PetscInt k = 0; k < mf->nrho_inputs; k++) PetscCall(PetscViewerASCIIPrintf(viewer, "%s%" PetscInt_FMT, k ? "," : " ", mf->rho_inputs[k]));
    PetscCall(PetscViewerASCIIPrintf(viewer, " only)"));
    PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_TRUE));
  }
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_FALSE));
  if (mf->cv_folds) {
    PetscCall(PetscViewerASCIIPrintf(viewer, ", chosen by %" PetscInt_FMT "-fold cross-validation over the HF cases (-mf_select cv), relative errors:", mf->cv_folds));
    const SNAMFRhoForm order[3] = {SNA_MF_RHO_CONSTANT, SNA_MF_RHO_INPUTS, SNA_MF_RHO_FULL}; /* simplest first */

    for (PetscInt i = 0; i < 3; i++)
      if (mf->cv_error[order[i]] >= 0) PetscCall(PetscViewerASCIIPrintf(viewer, " %s %.3e", SNAMFRhoForms[order[i]], (double)mf->cv_error[order[i]]));
  } else
    PetscCall(PetscViewerASCIIPrintf(viewer, " (-mf_rho_form)"));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_TRUE));
  if (mf->rho_form != SNA_MF_RHO_CONSTANT) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(sna->dim_out, &r));
  PetscCall((*mf->rho->ops->evaluatelocal)(mf->rho, 1, mf->rho->lower, r));
  PetscCall(PetscViewerASCIIPrintf(viewer, "scale rho = 1 + r, r = %.6g%s\n", (double)r[0], sna->dim_out > 1 ? " (first output)" : ""));
  PetscCall(PetscFree(r));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAView_MF(SNA sna, PetscViewer viewer)
{
  SNA_MF     *mf   = (SNA_MF *)sna->data;
  const char *form = mf->blend == SNA_MF_AR1 ? "(1 + r(x)) y_LF(x) + delta(x)" : "y_LF(x) + delta(x)";

  PetscFunctionBegin;
  if (!sna->setupcalled)
    form = "not fitted";
  else if (!mf->corrected)
    form = "no correction (fitted without HF data): the LF model alone";
  PetscCall(PetscViewerASCIIPrintf(viewer, "multi-fidelity blend %s: %s\n", SNAMFBlends[mf->blend], form));
  if (mf->time_lf > 0 || mf->time_correction > 0) PetscCall(PetscViewerASCIIPrintf(viewer, "fit times: LF %.3g s, correction %.3g s\n", (double)mf->time_lf, (double)mf->time_correction));
  PetscCall(PetscViewerASCIIPrintf(viewer, "LF part:\n"));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(SNAView(mf->lf, viewer));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  if (!mf->corrected) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(viewer, "correction delta:\n"));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(SNAView(mf->delta, viewer));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  if (mf->blend != SNA_MF_AR1) PetscFunctionReturn(0);
  PetscCall(ViewRhoForm(sna, viewer));
  if (mf->rho_form == SNA_MF_RHO_CONSTANT) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(viewer, "scale rho = 1 + r, r:\n"));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(SNAView(mf->rho, viewer));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAMFRhoPoints(SNA sna, PetscInt n, const PetscReal x[], const PetscReal **xr, PetscReal **work)
{
  SNA_MF        *mf  = (SNA_MF *)sna->data;
  const PetscInt d   = sna->dim_in;
  SNA            rho = mf->rho;

  PetscFunctionBegin;
  *xr   = x;
  *work = NULL;
  if (mf->rho_form != SNA_MF_RHO_INPUTS) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(n * d, work));
  PetscCall(PetscArraycpy(*work, x, n * d));
  for (PetscInt p = 0, k = 0; p < d; p++) {
    if (k < mf->nrho_inputs && mf->rho_inputs[k] == p) {
      k++;
      continue;
    }
    for (PetscInt i = 0; i < n; i++) (*work)[i * d + p] = 0.5 * (rho->lower[p] + rho->upper[p]);
  }
  *xr = *work;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAMFCorrectLocal(SNA sna, PetscInt n, const PetscReal x[], PetscReal y[])
{
  SNA_MF        *mf = (SNA_MF *)sna->data;
  const PetscInt nq = n * sna->dim_out;
  PetscReal     *dl, *rh = NULL, *work;

  PetscFunctionBegin;
  if (!(mf->corrected || mf->correction_stage) || !n) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(nq, &dl));
  PetscCall((*mf->delta->ops->evaluatelocal)(mf->delta, n, x, dl));
  if (mf->blend == SNA_MF_AR1) {
    const PetscReal *xr;

    PetscCall(PetscMalloc1(nq, &rh));
    PetscCall(SNAMFRhoPoints(sna, n, x, &xr, &work));
    PetscCall((*mf->rho->ops->evaluatelocal)(mf->rho, n, xr, rh));
    PetscCall(PetscFree(work));
    for (PetscInt a = 0; a < nq; a++) y[a] += rh[a] * y[a] + dl[a];
  } else
    for (PetscInt a = 0; a < nq; a++) y[a] += dl[a];
  PetscCall(PetscFree(rh));
  PetscCall(PetscFree(dl));
  PetscFunctionReturn(0);
}

/* Before its LF part is fitted the model is zero (the start a fit reports its loss from). While a fit with LF data
   runs, the LF values at nested HF rows are the data's (the loss the fit lowers is that of its residuals). */
static PetscErrorCode SNAEvaluateLocal_MF(SNA sna, PetscInt n, const PetscReal x[], PetscReal y[])
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  if (!SNAMFPartReady(mf->lf)) {
    PetscCall(PetscArrayzero(y, n * sna->dim_out));
    PetscFunctionReturn(0);
  }
  PetscCall(SNAMFLowFidelityLocal(sna, n, x, y));
  PetscCall(SNAMFCorrectLocal(sna, n, x, y));
  PetscFunctionReturn(0);
}

/* rho on grid rows; in the form inputs with the coordinates of the other inputs moved to the middle of the box. */
static PetscErrorCode RhoOnGrid(SNA sna, const PetscInt n[], const PetscReal *const coords[], PetscInt start, PetscInt end, PetscReal rh[])
{
  SNA_MF           *mf = (SNA_MF *)sna->data;
  const PetscInt    d  = sna->dim_in;
  const PetscReal **c;
  PetscReal       **mid;

  PetscFunctionBegin;
  if (mf->rho_form != SNA_MF_RHO_INPUTS) { /* full or constant: r on the grid itself, any number of inputs */
    PetscCall((*mf->rho->ops->evaluategridlocal)(mf->rho, n, coords, start, end, rh));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscCalloc2(d, &c, d, &mid));
  for (PetscInt p = 0, k = 0; p < d; p++) {
    c[p] = coords[p];
    if (k < mf->nrho_inputs && mf->rho_inputs[k] == p) {
      k++;
      continue;
    }
    PetscCall(PetscMalloc1(n[p], &mid[p]));
    for (PetscInt i = 0; i < n[p]; i++) mid[p][i] = 0.5 * (mf->rho->lower[p] + mf->rho->upper[p]);
    c[p] = mid[p];
  }
  PetscCall((*mf->rho->ops->evaluategridlocal)(mf->rho, n, (const PetscReal *const *)c, start, end, rh));
  for (PetscInt p = 0; p < d; p++) PetscCall(PetscFree(mid[p]));
  PetscCall(PetscFree2(c, mid));
  PetscFunctionReturn(0);
}

/* Each part on the same grid rows, combined point by point; zero before the LF part is fitted, as at points. */
static PetscErrorCode SNAEvaluateGridLocal_MF(SNA sna, const PetscInt n[], const PetscReal *const coords[], PetscInt start, PetscInt end, PetscReal y[])
{
  SNA_MF        *mf = (SNA_MF *)sna->data;
  const PetscInt nq = (end - start) * sna->dim_out;
  PetscReal     *dl, *rh;

  PetscFunctionBegin;
  if (end <= start) PetscFunctionReturn(0);
  if (!SNAMFPartReady(mf->lf)) {
    PetscCall(PetscArrayzero(y, nq));
    PetscFunctionReturn(0);
  }
  PetscCall((*mf->lf->ops->evaluategridlocal)(mf->lf, n, coords, start, end, y));
  if (!mf->corrected) PetscFunctionReturn(0);
  PetscCall(PetscMalloc2(nq, &dl, nq, &rh));
  PetscCall((*mf->delta->ops->evaluategridlocal)(mf->delta, n, coords, start, end, dl));
  if (mf->blend == SNA_MF_AR1) PetscCall(RhoOnGrid(sna, n, coords, start, end, rh));
  for (PetscInt a = 0; a < nq; a++) y[a] += (mf->blend == SNA_MF_AR1 ? rh[a] * y[a] : 0) + dl[a];
  PetscCall(PetscFree2(dl, rh));
  PetscFunctionReturn(0);
}

/* The parts whose parameters make theta, in order: [lf, rho, delta], or [rho, delta] while ar1's joint fit runs. */
static PetscInt ParameterParts(SNA sna, SNA parts[3])
{
  SNA_MF  *mf = (SNA_MF *)sna->data;
  PetscInt n  = 0;

  if (!mf->correction_stage && SNAMFPartReady(mf->lf)) parts[n++] = mf->lf;
  if ((mf->corrected || mf->correction_stage) && mf->blend == SNA_MF_AR1) parts[n++] = mf->rho;
  if (mf->corrected || mf->correction_stage) parts[n++] = mf->delta;
  return n;
}

/* Whether a part's parameters in theta are those of the constant form of rho: r itself, one value per output. */
static PetscBool ConstantRho(SNA sna, SNA part)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  return (PetscBool)(part == mf->rho && mf->rho_form == SNA_MF_RHO_CONSTANT);
}

static PetscErrorCode SNAGetParameters_MF(SNA sna, PetscReal theta[])
{
  SNA      parts[3];
  PetscInt np = ParameterParts(sna, parts), off = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < np; i++) {
    if (ConstantRho(sna, parts[i])) { /* r is the same everywhere: its value at a corner of the box */
      PetscCall((*parts[i]->ops->evaluatelocal)(parts[i], 1, parts[i]->lower, theta + off));
      off += sna->dim_out;
      continue;
    }
    PetscCall((*parts[i]->ops->getparameters)(parts[i], theta + off));
    off += parts[i]->nparams;
  }
  PetscFunctionReturn(0);
}

/* Each part set is marked as SNASetParameters() marks a model (params_given): a part's fit that continues from these
   parameters warns of its seed, as on a loaded model. */
static PetscErrorCode SNASetParameters_MF(SNA sna, const PetscReal theta[])
{
  SNA      parts[3];
  PetscInt np = ParameterParts(sna, parts), off = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < np; i++) {
    parts[i]->params_given = PETSC_TRUE;
    if (ConstantRho(sna, parts[i])) {
      PetscCall(SNAKhronosSetConstant(parts[i], theta + off));
      off += sna->dim_out;
      continue;
    }
    PetscCheck(parts[i]->ops->setparameters, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "The multi-fidelity part %s (type %s) does not accept parameters", ((PetscObject)parts[i])->prefix, ((PetscObject)parts[i])->type_name);
    PetscCall((*parts[i]->ops->setparameters)(parts[i], theta + off));
    off += parts[i]->nparams;
  }
  PetscFunctionReturn(0);
}

/* Residuals and Jacobian of ar1's joint fit: r = (1 + rho(x)) u_LF(x) + delta(x) - y, with respect to [rho, delta]
   (the LF part frozen): d r / d theta_rho = u_LF(x) d rho / d theta_rho; u_LF the LF data at nested HF rows. The
   constant form's parameters are r itself (output j of a row depends on the j-th only). */
static PetscErrorCode SNAResidualJacobianLocal_MF(SNA sna, PetscInt n, const PetscReal x[], const PetscReal y[], PetscReal r[], PetscReal J[])
{
  SNA_MF          *mf = (SNA_MF *)sna->data;
  const PetscInt   q = sna->dim_out, nq = n * q, Pr = SNAMFRhoParams(sna), Pd = mf->delta->nparams, P = Pr + Pd;
  PetscReal       *ylf, *zero, *rr, *rd, *Jr, *Jd, *work;
  const PetscReal *xr;

  PetscFunctionBegin;
  PetscCheck(mf->correction_stage, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "A multi-fidelity SNA is fitted by its parts' own fits (-%ssna_fit_type auto); choose their fits with -%smf_lf_sna_fit_type and -%smf_delta_sna_fit_type", SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  PetscCall(PetscCalloc6(nq, &ylf, nq, &zero, nq, &rr, nq, &rd, nq * Pr, &Jr, nq * Pd, &Jd));
  PetscCall(SNAMFLowFidelityLocal(sna, n, x, ylf));
  if (mf->rho_form == SNA_MF_RHO_CONSTANT) {
    PetscCall((*mf->rho->ops->evaluatelocal)(mf->rho, n, x, rr));
    for (PetscInt a = 0; a < nq; a++) Jr[a * Pr + a % q] = 1;
  } else {
    PetscCall(SNAMFRhoPoints(sna, n, x, &xr, &work));
    PetscCall(SNAFitResidualJacobianLocal(mf->rho, n, xr, zero, rr, Jr));
    PetscCall(PetscFree(work));
  }
  PetscCall(SNAFitResidualJacobianLocal(mf->delta, n, x, zero, rd, Jd));
  for (PetscInt a = 0; a < nq; a++) {
    r[a] = (1 + rr[a]) * ylf[a] + rd[a] - y[a];
    for (PetscInt k = 0; k < Pr; k++) J[a * P + k] = ylf[a] * Jr[a * Pr + k];
    for (PetscInt k = 0; k < Pd; k++) J[a * P + Pr + k] = Jd[a * Pd + k];
  }
  PetscCall(PetscFree6(ylf, zero, rr, rd, Jr, Jd));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFSetBlend_MF(SNA sna, SNAMFBlend blend)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  PetscCheck(blend == SNA_MF_RESIDUAL || blend == SNA_MF_AR1, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "Unknown multi-fidelity blend %d (-%smf_blend residual|ar1)", (int)blend, SNAMessagePrefix(sna));
  PetscCheck(blend == mf->blend || !mf->corrected, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Cannot change the blend (-%smf_blend) of a multi-fidelity model whose correction is fitted (%s)", SNAMessagePrefix(sna), SNAMFBlends[mf->blend]);
  mf->blend = blend;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFSetRhoForm_MF(SNA sna, SNAMFRhoForm form)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  PetscCheck(form >= SNA_MF_RHO_FULL && form <= SNA_MF_RHO_INPUTS, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "Unknown form of rho %d (-%smf_rho_form full|constant|inputs)", (int)form, SNAMessagePrefix(sna));
  PetscCheck(form == mf->rho_form || !mf->corrected || mf->blend != SNA_MF_AR1, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Cannot change the form of rho (-%smf_rho_form) of a multi-fidelity model whose correction is fitted (%s)", SNAMessagePrefix(sna), SNAMFRhoForms[mf->rho_form]);
  mf->rho_form = form;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFSetRhoInputs_MF(SNA sna, PetscInt n, const PetscInt inputs[])
{
  SNA_MF  *mf   = (SNA_MF *)sna->data;
  MPI_Comm comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscCheck(n >= 1 && n <= SNA_MF_MAX_INPUTS, comm, PETSC_ERR_ARG_OUTOFRANGE, "-%smf_rho_inputs needs 1 to %d input indices, not %" PetscInt_FMT, SNAMessagePrefix(sna), SNA_MF_MAX_INPUTS, n);
  for (PetscInt i = 0; i < n; i++) {
    PetscCheck(inputs[i] >= 0 && (sna->dim_in < 0 || inputs[i] < sna->dim_in), comm, PETSC_ERR_ARG_OUTOFRANGE, "-%smf_rho_inputs: index %" PetscInt_FMT " is not an input of the model (0 to %" PetscInt_FMT ")", SNAMessagePrefix(sna), inputs[i], sna->dim_in - 1);
    PetscCheck(i == 0 || inputs[i] > inputs[i - 1], comm, PETSC_ERR_ARG_WRONG, "-%smf_rho_inputs must list input indices in ascending order without repeats (e.g. 2,3), not %" PetscInt_FMT " after %" PetscInt_FMT, SNAMessagePrefix(sna), inputs[i], inputs[i - 1]);
  }
  PetscCall(PetscArraycpy(mf->rho_inputs, inputs, n));
  mf->nrho_inputs = n;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFSetSelect_MF(SNA sna, SNAMFSelect sel, PetscInt folds)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  PetscCheck(sel == SNA_MF_SELECT_NONE || sel == SNA_MF_SELECT_CV, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "Unknown selection %d (-%smf_select none|cv)", (int)sel, SNAMessagePrefix(sna));
  PetscCheck(folds >= 2, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "-%smf_select_folds must be at least 2 (each fold is left out once), not %" PetscInt_FMT, SNAMessagePrefix(sna), folds);
  mf->select = sel;
  mf->folds  = folds;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFGetRhoSelection_MF(SNA sna, SNAMFRhoForm *form, PetscReal err[3], PetscInt *folds)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  if (form) *form = mf->rho_form;
  if (err) PetscCall(PetscArraycpy(err, mf->cv_error, 3));
  if (folds) *folds = mf->cv_folds;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFSetCases_MF(SNA sna, Vec cases)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  if (cases) PetscCall(PetscObjectReference((PetscObject)cases));
  PetscCall(VecDestroy(&mf->cases));
  mf->cases = cases;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFGetBlend_MF(SNA sna, SNAMFBlend *blend)
{
  PetscFunctionBegin;
  *blend = ((SNA_MF *)sna->data)->blend;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFGetParts_MF(SNA sna, SNA *lf, SNA *delta, SNA *rho)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  if (lf) *lf = mf->lf;
  if (delta) *delta = mf->delta;
  if (rho) *rho = mf->blend == SNA_MF_AR1 ? mf->rho : NULL;
  PetscFunctionReturn(0);
}

/* SNAWarnOverParameterised() of an mf model, part by part: the LF part against the LF samples of its fit (not when it
   was fitted elsewhere, SNAMFSetLowFidelity()), the correction (with ar1's rho, fitted jointly with delta) against the
   HF samples (nsamples, or those of delta's fit). A loaded model's parts were fitted to nothing here: no warning. */
static PetscErrorCode SNAWarnOverParameterised_MF(SNA sna, PetscInt nsamples, const char who[])
{
  SNA_MF  *mf = (SNA_MF *)sna->data;
  PetscInt np;
  char     also[256] = "";

  PetscFunctionBegin;
  if (!mf->lf_given) PetscCall(SNAWarnOverParameterisedPart(mf->lf, mf->lf->nparams, mf->lf->fit_samples, who, "the LF part", NULL));
  if (!mf->corrected) PetscFunctionReturn(0);
  np = mf->delta->nparams + (mf->blend == SNA_MF_AR1 ? SNAMFRhoParams(sna) : 0);
  if (mf->blend == SNA_MF_AR1 && mf->rho_form != SNA_MF_RHO_CONSTANT) { /* rho's basis is in the count: its options too */
    const char *p = SNAMessagePrefix(sna);

    PetscCall(PetscSNPrintf(also, sizeof(also), "; rho, %" PetscInt_FMT " of them: -%smf_rho_sna_khronos_nodes, -%smf_rho_sna_khronos_modes, or -%smf_rho_form constant", SNAMFRhoParams(sna), p, p, p));
  }
  PetscCall(SNAWarnOverParameterisedPart(mf->delta, np, nsamples == PETSC_DETERMINE ? mf->delta->fit_samples : nsamples, who, mf->blend == SNA_MF_AR1 ? "the correction (delta and ar1's rho together)" : "the correction delta", also));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFHasCorrection_MF(SNA sna, PetscBool *has)
{
  PetscFunctionBegin;
  *has = ((SNA_MF *)sna->data)->corrected;
  PetscFunctionReturn(0);
}

/* Whether the model's own fit settings (-sna_fit_*) drive a fit of it: only ar1's joint stage of r and delta uses
   them (the parts have their own), and it runs only with HF data: SNAView() says so instead of listing settings that
   did nothing. Before a fit, ar1's will (when HF data come). */
static PetscErrorCode SNAFitSettingsApply_MF(SNA sna, PetscBool *apply)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  *apply = (PetscBool)(mf->blend == SNA_MF_AR1 && (mf->corrected || !sna->setupcalled));
  PetscFunctionReturn(0);
}

/* Composed on ar1's rho (SNAFitSettingsOwner_C): SNAView() of rho names the fit that fitted it instead of listing its
   own fit settings, which that fit does not read (it listed lambda 1e-12, max_it 100 for a stage run with the model's
   -sna_fit_lambda 1e-8, -sna_fit_max_it 3). */
static PetscErrorCode SNAFitSettingsOwner_MFRho(SNA rho, const char **owner)
{
  PetscFunctionBegin;
  (void)rho;
  *owner = "jointly with delta in ar1's Levenberg-Marquardt stage, with the multi-fidelity model's fit settings";
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFGetFitTimes_MF(SNA sna, PetscReal *tlf, PetscReal *tcorr)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  if (tlf) *tlf = mf->time_lf;
  if (tcorr) *tcorr = mf->time_correction;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFGetNestedRows_MF(SNA sna, PetscInt *n)
{
  PetscFunctionBegin;
  *n = ((SNA_MF *)sna->data)->nested_rows;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFGetSizeValues_MF(SNA sna, PetscInt *n)
{
  PetscFunctionBegin;
  *n = ((SNA_MF *)sna->data)->size_values;
  PetscFunctionReturn(0);
}

/* The given LF part replaces the model's; a correction fitted on top of the former one no longer applies. */
static PetscErrorCode SNAMFSetLowFidelity_MF(SNA sna, SNA lf)
{
  SNA_MF   *mf = (SNA_MF *)sna->data;
  PetscBool ismf;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)lf, SNAMF, &ismf));
  PetscCheck(!ismf, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONG, "The LF part of a multi-fidelity model must be a single-fidelity SNA, not of type mf: give its LF part (SNAMFGetParts())");
  PetscCheck(SNAMFPartReady(lf), PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "The LF model given to the multi-fidelity model is not fitted: fit or load it first");
  /* a classifier's outputs are logits: the correction added least squares to them (snaps-fit -mf_lf_model <classifier>:
     exit 0, training MSE 193 times the targets' variance) */
  PetscCheck(lf->loss != SNA_LOSS_CROSS_ENTROPY, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "The LF model given to the multi-fidelity model is a classifier (loss cross_entropy: its outputs are logits), but the correction is fitted by least squares to the LF values: give an LF model fitted by least squares (loss mse)");
  if (sna->dim_in < 0) PetscCall(SNASetSizes(sna, lf->dim_in, lf->dim_out));
  PetscCheck(lf->dim_in == sna->dim_in && lf->dim_out == sna->dim_out, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_SIZ, "The LF model has %" PetscInt_FMT " inputs and %" PetscInt_FMT " outputs but the multi-fidelity model %" PetscInt_FMT " and %" PetscInt_FMT ": fit the LF model on the same inputs and outputs", lf->dim_in, lf->dim_out, sna->dim_in, sna->dim_out);
  PetscCall(PetscObjectReference((PetscObject)lf));
  PetscCall(SNADestroy(&mf->lf));
  mf->lf        = lf;
  mf->lf_given  = PETSC_TRUE;
  mf->corrected = PETSC_FALSE;
  mf->time_lf   = 0;
  PetscCall(SNAMFCountParameters(sna));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAMFEvaluateCorrection_MF(SNA sna, Vec X, Vec YLF, Vec Y)
{
  const PetscReal *x;
  PetscReal       *y;
  PetscInt         nx, ny;

  PetscFunctionBegin;
  PetscCheck(sna->setupcalled && sna->lower, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Fit or load the multi-fidelity SNA before evaluating it");
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "The input X", &nx, NULL));
  PetscCall(SNAGetLocalRows(sna, YLF, sna->dim_out, "The LF values YLF", &ny, NULL));
  PetscCheck(nx == ny, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "X and the LF values YLF hold different numbers of samples on this rank (%" PetscInt_FMT " and %" PetscInt_FMT ")", nx, ny);
  PetscCall(VecCopy(YLF, Y));
  PetscCall(PetscLogEventBegin(SNA_Evaluate, sna, X, Y, 0));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(Y, &y));
  PetscCall(SNAMFCorrectLocal(sna, nx, x, y));
  PetscCall(VecRestoreArray(Y, &y));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(PetscLogEventEnd(SNA_Evaluate, sna, X, Y, 0));
  PetscFunctionReturn(0);
}

/* The correction is a small model fitted to residual data, with a Tikhonov weight that suits few HF rows
   (cases/airfoil-mf, correction_study.py, five draws of the HF airfoils at 10% and 30% HF, 56 parameters):
   - its random start has every factor near one (spread MF_DELTA_INIT_SPREAD): from coefficients in [-1, 1] the
     product of six factors starts near zero, where the weight's pull wins, and the fit collapsed to zero (the LF
     part alone) within four sweeps on most draws at weights 2.5e-5 to 2.4e-6; near one it did not on any;
   - its fit stops when a sweep lowers the MSE by less than MF_DELTA_RTOL of the residual's variance: the ALS tail
     and the Levenberg-Marquardt restart after it (70 steps to the same MSE) took 90% of its time at 100% HF, and
     the held-out error moved by less than 2% (0.0471 against 0.0478).
   Both are defaults: -mf_delta_sna_khronos_init_spread and -mf_delta_sna_fit_rtol replace them. Its size is set at
   the fit, from the HF values (SNAKhronosSetSizeDefault(), mffit.c): the KHRONOS default's 132 parameters on 40 HF
   rows made the model 54 times worse than its LF part on test data (walkthrough audit s21). */
#define MF_DELTA_INIT_SPREAD 0.5
#define MF_DELTA_RTOL        1e-3
/* ar1's joint Levenberg-Marquardt stage stops when MF_JOINT_WINDOW steps together gain less than MF_JOINT_PROGRESS of
   the objective (STOPPED_SLOW_PROGRESS): to rtol 1e-10 alone it ran 57 steps on cases/poisson-mf at 100% HF, 30 of
   them gaining 0.6% in all, and hit the 100-step budget on cases/airfoil-mf. On five draws at 10% and 30% HF and at
   100% (cases/poisson-mf/README.md, "ar1: the form of rho and the joint stage's stop") the held-out errors moved by
   less than 1% on poisson-mf, on airfoil-mf by +0.7% at 100% and -8% / -13% (medians) at 10% / 30%, and the stage
   took 1.0 s instead of 4.1 s on airfoil-mf at 100% (under load). -sna_fit_progress_window 0 restores the former stop. */
#define MF_JOINT_WINDOW   5
#define MF_JOINT_PROGRESS 1e-2
/* -mf_select cv: at most 5 folds of the HF cases (fewer cases: leave-one-case-out) */
#define MF_SELECT_FOLDS 5
static PetscErrorCode CorrectionDefaults(SNA delta)
{
  PetscReal atol;
  PetscInt  max_it;

  PetscFunctionBegin;
  PetscCall(SNAKhronosSetInitSpread(delta, MF_DELTA_INIT_SPREAD));
  PetscCall(SNAGetTolerances(delta, &atol, NULL, &max_it));
  PetscCall(SNASetTolerances(delta, atol, MF_DELTA_RTOL, max_it));
  PetscFunctionReturn(0);
}

/*MC
  SNAMF - "mf": a multi-fidelity model blending a low-fidelity (LF) SNA with a correction fitted to high-fidelity
  (HF) data (SCIENCE.md section 3)

  residual blend: u(x) = u_LF(x) + delta(x); ar1 blend (Kennedy-O'Hagan): u(x) = rho(x) u_LF(x) + delta(x), with
  rho = 1 + r(x), r a low-order KHRONOS (default degree 2, 4 nodes, 2 modes): the part rho holds r, so that the fit's
  Tikhonov term (and a part of the input box without HF data) pulls the scale towards 1, not towards 0. The parts are ordinary SNAs (any type for LF and
  delta; rho is KHRONOS) with their own options. SNAMFFit() fits the LF part to the LF data with its own
  fit, then delta to y_HF - u_LF at the HF samples with its own fit; for ar1 that delta and rho = 1 start a joint
  Levenberg-Marquardt fit of r and delta on the HF data (the LF part frozen), which reaches the least-squares
  optimum of the blend and uses the model's -sna_fit_max_it, -sna_fit_rtol, -sna_fit_atol, -sna_fit_lambda and
  -sna_monitor (refused where that stage does not run: the blend residual, and without HF data). Without HF data
  the model is its LF part alone, bit for bit. SNAFit() on an mf model whose LF part is fitted (or loaded)
  refits only the correction. A model file holds /sna (type mf, attributes blend and corrected) with the parts as
  subgroups lf, delta and rho, each in the usual model contract.

  Options Database Keys:
+ -mf_blend <residual|ar1>  - the blend (residual)
. -sna_bounds <lo,hi,...>   - the model's input box, its parts' too (a part's own -mf_<part>_sna_bounds, or an LF part
                               fitted elsewhere, keeps its box); without it the range of the LF and HF inputs together
. -mf_nested_lf <bool>      - fit the correction against the LF data at nested HF rows (true), or the LF part (false, default)
. -mf_lf_sna_...            - the LF part's options, e.g. -mf_lf_sna_khronos_nodes 24
. -mf_delta_sna_...         - the correction's options, e.g. -mf_delta_sna_khronos_modes 2; its defaults differ from a
                               single model's: -mf_delta_sna_khronos_init_spread 0.5, -mf_delta_sna_fit_rtol 1e-3, and a
                               KHRONOS correction's size: the largest basis within the KHRONOS default (16 nodes, 4 modes)
                               with at most half as many parameters as the HF values delta is fitted to (rows x outputs;
                               its training split under -mf_delta_sna_fit_validation), modes lowered first to 2, then nodes
                               (to degree + 1), then one mode; under ar1 the half counts rho (constant: one per output; a
                               KHRONOS rho, whose size if not given keeps 2 modes and lowers its nodes from 4 to degree + 1
                               so that delta's smallest basis still fits); the smallest bases where even they exceed it;
                               -mf_delta_sna_khronos_nodes or _modes given are kept (the other derived; both given: nothing
                               is derived, rho keeps its 4 nodes and 2 modes unless given), and a refit keeps
                               the fitted size (SNAKhronosSetSizeDefault(), SNAMFGetSizeValues())
. -mf_rho_sna_khronos_...   - rho's basis (ar1): nodes, degree, modes (default 4 nodes, 2 modes, lowered on few HF values
                               as -mf_delta_sna_... says; and -mf_rho_sna_bounds); rho is fitted only in
                               the joint stage, so its own fit options, monitor, start and ALS stages (-mf_rho_sna_fit_...,
                               -mf_rho_sna_monitor, -mf_rho_sna_khronos_init, _enrich, _refine; _seed and _init_spread but
                               for modes beyond 2) and -mf_rho_sna_loss are refused: the model's -sna_fit_... and
                               -sna_monitor set that stage; -mf_rho_sna_view shows rho after it
. -mf_rho_form <full|constant|inputs> - ar1: r a KHRONOS over all inputs (full, default), a constant per output (the
                               classical AR1), or a KHRONOS constant along every input but those of -mf_rho_inputs
. -mf_rho_inputs <i,j,...>  - the inputs r depends on in the form inputs (0-based, ascending; e.g. the field coordinates)
. -mf_select <none|cv>      - ar1: the form as given (none, default), or the one with the smallest cross-validated error
                               over folds of the HF cases (SNAMFSetCases(); snaps-fit gives /hf/case) among constant,
                               inputs (with -mf_rho_inputs) and full, the simpler on a tie; -sna_view and the report show
                               every candidate's error. Each fold refits the correction (delta from the same start) on the
                               other folds: the correction's fit costs (folds x candidates + 1) times as much
- -mf_select_folds <k>      - most folds (5): fewer HF cases, one fold per case (leave-one-case-out)

  The joint stage stops by the model's -sna_fit_rtol and its slow-progress rule (STOPPED_SLOW_PROGRESS; SNAFITLM):
  by default when 5 steps together gain less than 1e-2 of the objective (-sna_fit_progress_window 5,
  -sna_fit_progress_rtol 1e-2; window 0: to -sna_fit_rtol alone, as before).

  Level: beginner

.seealso: SNAMFFit(), SNAMFSetBlend(), SNAMFGetParts(), SNAMFEvaluateCorrection()
M*/
PETSC_EXTERN PetscErrorCode SNACreate_MF(SNA sna)
{
  SNA_MF  *mf;
  MPI_Comm comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscCall(PetscNew(&mf));
  mf->blend      = SNA_MF_RESIDUAL;
  mf->use_nested = PETSC_FALSE; /* five draws of the HF designs of cases/airfoil-mf and cases/poisson-mf: fitted
                                   against the LF part, the correction generalises better at 10% and 30% HF */
  mf->rho_form    = SNA_MF_RHO_FULL;
  mf->select      = SNA_MF_SELECT_NONE;
  mf->folds       = MF_SELECT_FOLDS;
  mf->cv_error[0] = mf->cv_error[1] = mf->cv_error[2] = -1;
  PetscCall(SNACreate(comm, &mf->lf));
  PetscCall(SNACreate(comm, &mf->delta));
  PetscCall(SNACreate(comm, &mf->rho));
  /* the parts keep the previous default fit (random start, no validation): cases/airfoil-mf's correction no longer
     beat XFOIL by 5% under the single-model default of bench/fit */
  mf->lf->previous_default    = PETSC_TRUE;
  mf->delta->previous_default = PETSC_TRUE;
  mf->rho->previous_default   = PETSC_TRUE;
  PetscCall(SNAKhronosSetBasisDefault(mf->rho, 2, 4, 2)); /* a default: sized down on few HF values (mffit.c) */
  PetscCall(PetscObjectComposeFunction((PetscObject)mf->rho, "SNAFitSettingsOwner_C", SNAFitSettingsOwner_MFRho));
  PetscCall(CorrectionDefaults(mf->delta));
  /* the type's default, not SNASetProgressStop(): that marks the stop as the user's, refused by the residual blend */
  PetscCall(SNASetDefaultProgressStop(sna, MF_JOINT_WINDOW, MF_JOINT_PROGRESS));
  PetscCall(SetPartPrefix(sna, mf->lf, "mf_lf_"));
  PetscCall(SetPartPrefix(sna, mf->delta, "mf_delta_"));
  PetscCall(SetPartPrefix(sna, mf->rho, "mf_rho_"));
  sna->data = mf;

  sna->ops->setup                 = SNASetUp_MF;
  sna->ops->destroy               = SNADestroy_MF;
  sna->ops->setfromoptions        = SNASetFromOptions_MF;
  sna->ops->view                  = SNAView_MF;
  sna->ops->evaluatelocal         = SNAEvaluateLocal_MF;
  sna->ops->evaluategridlocal     = SNAEvaluateGridLocal_MF;
  sna->ops->save                  = SNASave_MF;
  sna->ops->load                  = SNALoad_MF;
  sna->ops->getparameters         = SNAGetParameters_MF;
  sna->ops->setparameters         = SNASetParameters_MF;
  sna->ops->residualjacobianlocal = SNAResidualJacobianLocal_MF;
  PetscCall(SNASetDefaultFitType(sna, SNAFITAUTO));
  sna->beyondbox = "the model extends beyond its box as its parts do (a khronos part is constant there, an aion part extrapolates)";
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetBlend_C", SNAMFSetBlend_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetBlend_C", SNAMFGetBlend_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetParts_C", SNAMFGetParts_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAWarnOverParameterised_C", SNAWarnOverParameterised_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFHasCorrection_C", SNAMFHasCorrection_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAFitSettingsApply_C", SNAFitSettingsApply_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetFitTimes_C", SNAMFGetFitTimes_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFEvaluateCorrection_C", SNAMFEvaluateCorrection_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetNestedRows_C", SNAMFGetNestedRows_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetSizeValues_C", SNAMFGetSizeValues_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetLowFidelity_C", SNAMFSetLowFidelity_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetRhoForm_C", SNAMFSetRhoForm_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetRhoInputs_C", SNAMFSetRhoInputs_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetSelect_C", SNAMFSetSelect_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFGetRhoSelection_C", SNAMFGetRhoSelection_MF));
  PetscCall(PetscObjectComposeFunction((PetscObject)sna, "SNAMFSetCases_C", SNAMFSetCases_MF));
  PetscFunctionReturn(0);
}

/*@
  SNAMFSetRhoForm - Chooses the form of the scale rho = 1 + r(x) of an mf SNA's ar1 blend

  Logically Collective

  Input Parameters:
+ sna  - the SNA, of type mf (another type: PETSC_ERR_SUP)
- form - SNA_MF_RHO_FULL (r a KHRONOS over all inputs), SNA_MF_RHO_CONSTANT (one constant per output) or
         SNA_MF_RHO_INPUTS (r constant along the inputs not in SNAMFSetRhoInputs()); another value:
         PETSC_ERR_ARG_OUTOFRANGE

  Options Database Key:
. -mf_rho_form <full|constant|inputs> - form (full)

  Notes:
  Another form for an ar1 model whose correction is fitted raises PETSC_ERR_ARG_WRONGSTATE.

  Level: intermediate

.seealso: SNAMF, SNAMFSetBlend(), SNAMFSetRhoInputs(), SNAMFSetSelect(), SNAMFGetRhoSelection()
@*/
PetscErrorCode SNAMFSetRhoForm(SNA sna, SNAMFRhoForm form)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFSetRhoForm", "mf", (SNA, SNAMFRhoForm), (sna, form));
  PetscFunctionReturn(0);
}

/*@
  SNAMFSetRhoInputs - Sets the inputs that r depends on in the form SNA_MF_RHO_INPUTS of an mf SNA

  Logically Collective

  Input Parameters:
+ sna    - the SNA, of type mf (another type: PETSC_ERR_SUP)
. n      - their number, 1 to 64 (PETSC_ERR_ARG_OUTOFRANGE otherwise)
- inputs - the n input indices, 0-based, ascending without repeats (PETSC_ERR_ARG_WRONG otherwise), each an input of
           the model where its sizes are set (PETSC_ERR_ARG_OUTOFRANGE otherwise)

  Options Database Key:
. -mf_rho_inputs <i,j,...> - inputs (e.g. the field coordinates, along which every HF case has many rows)

  Level: intermediate

.seealso: SNAMF, SNAMFSetRhoForm()
@*/
PetscErrorCode SNAMFSetRhoInputs(SNA sna, PetscInt n, const PetscInt inputs[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFSetRhoInputs", "mf", (SNA, PetscInt, const PetscInt[]), (sna, n, inputs));
  PetscFunctionReturn(0);
}

/*@
  SNAMFSetSelect - Chooses how the fit of an mf SNA selects the form of rho: as given, or by cross-validation over
  the HF cases

  Logically Collective

  Input Parameters:
+ sna   - the SNA, of type mf (another type: PETSC_ERR_SUP)
. sel   - SNA_MF_SELECT_NONE (the form set by SNAMFSetRhoForm()) or SNA_MF_SELECT_CV (the form of smallest
          cross-validated error among constant, inputs (with SNAMFSetRhoInputs()) and full, the simpler on a tie);
          another value: PETSC_ERR_ARG_OUTOFRANGE
- folds - the most folds, at least 2 (PETSC_ERR_ARG_OUTOFRANGE otherwise); fewer HF cases: one fold per case

  Options Database Keys:
+ -mf_select <none|cv>  - sel (none)
- -mf_select_folds <5>  - folds

  Notes:
  Each fold refits the correction on the other folds: the correction's fit costs (folds x candidates + 1) times as
  much. The cases come from SNAMFSetCases() (snaps-fit: /hf/case).

  Level: advanced

.seealso: SNAMF, SNAMFSetRhoForm(), SNAMFSetCases(), SNAMFGetRhoSelection()
@*/
PetscErrorCode SNAMFSetSelect(SNA sna, SNAMFSelect sel, PetscInt folds)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFSetSelect", "mf", (SNA, SNAMFSelect, PetscInt), (sna, sel, folds));
  PetscFunctionReturn(0);
}

/*@
  SNAMFGetRhoSelection - Gets the form of rho the last fit of an mf SNA used (or the loaded model has), and the errors
  of a selection by cross-validation

  Not Collective

  Input Parameter:
. sna - the SNA, of type mf (another type: PETSC_ERR_SUP)

  Output Parameters:
+ form  - the form
. err   - the relative cross-validated error of each form, indexed by SNAMFRhoForm; -1 where not computed
- folds - the folds of that selection

  Level: advanced

.seealso: SNAMFSetSelect(), SNAMFSetRhoForm()
@*/
PetscErrorCode SNAMFGetRhoSelection(SNA sna, SNAMFRhoForm *form, PetscReal err[3], PetscInt *folds)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFGetRhoSelection", "mf", (SNA, SNAMFRhoForm *, PetscReal[3], PetscInt *), (sna, form, err, folds));
  PetscFunctionReturn(0);
}

/*@
  SNAMFSetCases - Gives the case (design) id of each HF row of the next fit of an mf SNA, so that cross-validation
  folds keep the rows of a case together

  Collective

  Input Parameters:
+ sna   - the SNA, of type mf (another type: PETSC_ERR_SUP)
- cases - the ids, laid out as the HF rows (block size 1), on the SNA's communicator (the SNA keeps a reference); NULL
          drops them: the folds are of rows

  Level: advanced

.seealso: SNAMFSetSelect(), SNAMFFit()
@*/
PetscErrorCode SNAMFSetCases(SNA sna, Vec cases)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  if (cases) PetscValidHeaderSpecific(cases, VEC_CLASSID, 2);
  if (cases) PetscCall(SNACheckSampleComm(sna, cases, "the case ids", "SNAMFSetCases", PETSC_FALSE));
  SNAUseTypeMethod(sna, "SNAMFSetCases", "mf", (SNA, Vec), (sna, cases));
  PetscFunctionReturn(0);
}

/*@
  SNAMFSetBlend - Chooses how an mf SNA blends its LF part with the correction

  Logically Collective

  Input Parameters:
+ sna   - the SNA, of type mf (another type: PETSC_ERR_SUP)
- blend - SNA_MF_RESIDUAL (u = u_LF + delta) or SNA_MF_AR1 (u = rho u_LF + delta); another value:
          PETSC_ERR_ARG_OUTOFRANGE

  Options Database Key:
. -mf_blend <residual|ar1> - blend (residual)

  Notes:
  Another blend for a model whose correction is fitted raises PETSC_ERR_ARG_WRONGSTATE.

  Level: intermediate

.seealso: SNAMF, SNAMFGetBlend(), SNAMFSetRhoForm(), SNAMFFit()
@*/
PetscErrorCode SNAMFSetBlend(SNA sna, SNAMFBlend blend)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFSetBlend", "mf", (SNA, SNAMFBlend), (sna, blend));
  PetscFunctionReturn(0);
}

/*@
  SNAMFGetBlend - Gets the blend of an mf SNA

  Not Collective

  Input Parameter:
. sna - the SNA, of type mf (another type: PETSC_ERR_SUP)

  Output Parameter:
. blend - SNA_MF_RESIDUAL or SNA_MF_AR1

  Level: intermediate

.seealso: SNAMFSetBlend()
@*/
PetscErrorCode SNAMFGetBlend(SNA sna, SNAMFBlend *blend)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFGetBlend", "mf", (SNA, SNAMFBlend *), (sna, blend));
  PetscFunctionReturn(0);
}

/*@
  SNAMFGetParts - Gets the parts of an mf SNA, owned by it (do not destroy them)

  Not Collective

  Input Parameter:
. sna - the SNA, of type mf (another type: PETSC_ERR_SUP)

  Output Parameters:
+ lf    - the LF part (NULL: not wanted)
. delta - the correction delta (NULL: not wanted)
- rho   - r of the scale 1 + r under the ar1 blend, NULL under residual (NULL: not wanted)

  Level: intermediate

.seealso: SNAMF, SNAMFSetLowFidelity()
@*/
PetscErrorCode SNAMFGetParts(SNA sna, SNA *lf, SNA *delta, SNA *rho)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFGetParts", "mf", (SNA, SNA *, SNA *, SNA *), (sna, lf, delta, rho));
  PetscFunctionReturn(0);
}

/*@
  SNAMFHasCorrection - Gets whether an mf SNA carries a correction (it was fitted with HF data), or is its LF part alone

  Not Collective

  Input Parameter:
. sna - the SNA, of type mf (another type: PETSC_ERR_SUP)

  Output Parameter:
. has - PETSC_TRUE with a correction

  Level: intermediate

.seealso: SNAMFFit(), SNAMFEvaluateCorrection()
@*/
PetscErrorCode SNAMFHasCorrection(SNA sna, PetscBool *has)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFHasCorrection", "mf", (SNA, PetscBool *), (sna, has));
  PetscFunctionReturn(0);
}

/*@
  SNAMFGetFitTimes - Gets the wall-clock seconds of the last fit of an mf SNA's LF part and of its correction

  Not Collective

  Input Parameter:
. sna - the SNA, of type mf (another type: PETSC_ERR_SUP)

  Output Parameters:
+ tlf   - the LF part's fit
- tcorr - the correction's fit

  Level: advanced

.seealso: SNAMFFit()
@*/
PetscErrorCode SNAMFGetFitTimes(SNA sna, PetscReal *tlf, PetscReal *tcorr)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFGetFitTimes", "mf", (SNA, PetscReal *, PetscReal *), (sna, tlf, tcorr));
  PetscFunctionReturn(0);
}

/*@
  SNAMFGetNestedRows - Gets the HF rows (all ranks) at which the last SNAMFFit() fitted the correction against the LF
  data rather than the LF part: those whose inputs are also an LF row's (nested designs, -mf_nested_lf)

  Not Collective

  Input Parameter:
. sna - the SNA, of type mf (another type: PETSC_ERR_SUP)

  Output Parameter:
. n - the rows

  Level: advanced

.seealso: SNAMFFit(), SNAMF
@*/
PetscErrorCode SNAMFGetNestedRows(SNA sna, PetscInt *n)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFGetNestedRows", "mf", (SNA, PetscInt *), (sna, n));
  PetscFunctionReturn(0);
}

/*@
  SNAMFGetSizeValues - Gets the HF training values (rows x outputs) the last SNAMFFit() derived the correction's default
  size from

  Not Collective

  Input Parameter:
. sna - the SNA, of type mf (another type: PETSC_ERR_SUP)

  Output Parameter:
. n - the values, or 0 where the size was given, kept from a previous fit, or the correction is not KHRONOS

  Level: advanced

.seealso: SNAMF, SNAMFFit()
@*/
PetscErrorCode SNAMFGetSizeValues(SNA sna, PetscInt *n)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  SNAUseTypeMethod(sna, "SNAMFGetSizeValues", "mf", (SNA, PetscInt *), (sna, n));
  PetscFunctionReturn(0);
}

/*@
  SNAMFSetLowFidelity - Takes a fitted (or loaded) single-fidelity SNA as the LF part of an mf SNA

  Collective

  Input Parameters:
+ sna - an SNA of type mf
- lf  - a fitted or loaded SNA of any single-fidelity type, with the model's inputs and outputs (referenced)

  Notes:
  SNAMFFit() then keeps this LF part as it is and fits only the correction: the training cost of a designer who has
  the LF model already. The LF data given to SNAMFFit() still serve the nested HF rows (-mf_nested_lf) and the input
  box of the correction. A correction the model carried before is dropped. The part keeps its own options (the
  model's -mf_lf_sna_ options do not apply to it).

  Level: intermediate

.seealso: SNAMF, SNAMFFit(), SNAMFGetParts()
@*/
PetscErrorCode SNAMFSetLowFidelity(SNA sna, SNA lf)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidHeaderSpecific(lf, SNA_CLASSID, 2);
  SNAUseTypeMethod(sna, "SNAMFSetLowFidelity", "mf", (SNA, SNA), (sna, lf));
  PetscFunctionReturn(0);
}

/*@
  SNAMFEvaluateCorrection - Applies an mf SNA's correction to given LF values: Y = (1 + r(X)) YLF + delta(X) under
  ar1, YLF + delta(X) under residual, Y = YLF without a correction

  Not Collective: each rank its own rows

  Input Parameters:
+ sna - the SNA, of type mf (another type: PETSC_ERR_SUP)
. X   - the points (block size d), on the SNA's communicator or sequential
- YLF - the LF values there (block size q), the same local rows

  Output Parameter:
. Y - the corrected values (block size q), the same local rows

  Level: intermediate

.seealso: SNAMFHasCorrection(), SNAEvaluate()
@*/
PetscErrorCode SNAMFEvaluateCorrection(SNA sna, Vec X, Vec YLF, Vec Y)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidHeaderSpecific(X, VEC_CLASSID, 2);
  PetscValidHeaderSpecific(YLF, VEC_CLASSID, 3);
  PetscValidHeaderSpecific(Y, VEC_CLASSID, 4);
  PetscCall(SNACheckSampleComm(sna, X, "X", "SNAMFEvaluateCorrection", PETSC_TRUE));
  PetscCall(SNACheckSampleComm(sna, YLF, "YLF", "SNAMFEvaluateCorrection", PETSC_TRUE));
  PetscCall(SNACheckSampleComm(sna, Y, "Y", "SNAMFEvaluateCorrection", PETSC_TRUE));
  SNAUseTypeMethod(sna, "SNAMFEvaluateCorrection", "mf", (SNA, Vec, Vec, Vec), (sna, X, YLF, Y));
  PetscFunctionReturn(0);
}
