/* Multi-fidelity model-group contents:
     attributes blend ("residual" or "ar1"), corrected (0: fitted without HF data, the LF part alone; 1: with a
     correction), n_params_lf, n_params_delta, n_params_rho (0 when absent; the part's own count), rho_form
     ("full", "constant" or "inputs", with rho; absent: full, as before the other forms)
     rho_cv_folds    attribute, with rho_form chosen by -mf_select cv: the folds, and rho_cv_error_<form> the relative
                     cross-validated error of each candidate form (absent: the form was given, -mf_rho_form)
     rho_inputs      with rho_form inputs: one 0/1 per input, 1 where r depends on the input
     lf, delta, rho  subgroups, each a model in the usual contract (rho holds r of the ar1 scale 1 + r(x)) (type, dim_in, dim_out, n_params, lower, upper,
                     the type's data); delta only with a correction, rho only with a correction and blend ar1 */
#include <snaps/private/mfimpl.h>

/* Writes one part into a new subgroup of the model group. */
static PetscErrorCode SavePart(hid_t group, const char name[], SNA part)
{
  hid_t          sub = H5Gcreate2(group, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCheck(sub >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not create the group '%s' of the multi-fidelity model", name);
  ierr = SNAHDF5WriteModel(part, sub); /* not PetscCall: close the group first */
  H5Gclose(sub);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The inputs r depends on (form inputs): dataset rho_inputs, one 0/1 per input. */
static PetscErrorCode SaveRhoInputs(SNA sna, hid_t group)
{
  SNA_MF       *mf      = (SNA_MF *)sna->data;
  const hsize_t dims[1] = {(hsize_t)sna->dim_in};
  PetscReal    *on;

  PetscFunctionBegin;
  PetscCheck(sna->dim_in <= SNA_MF_MAX_INPUTS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-%smf_rho_inputs (rho form inputs) supports at most %d inputs, but the model has %" PetscInt_FMT, SNAMessagePrefix(sna), SNA_MF_MAX_INPUTS, sna->dim_in);
  PetscCall(PetscCalloc1(sna->dim_in, &on));
  for (PetscInt k = 0; k < mf->nrho_inputs; k++) {
    if (mf->rho_inputs[k] < 0 || mf->rho_inputs[k] >= sna->dim_in) PetscCall(PetscFree(on));
    PetscCheck(mf->rho_inputs[k] >= 0 && mf->rho_inputs[k] < sna->dim_in, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-%smf_rho_inputs: index %" PetscInt_FMT " is not an input of the model (0 to %" PetscInt_FMT "): cannot save it", SNAMessagePrefix(sna), mf->rho_inputs[k], sna->dim_in - 1);
    on[mf->rho_inputs[k]] = 1;
  }
  PetscCall(SNAHDF5WriteArray(group, "rho_inputs", 1, dims, on));
  PetscCall(PetscFree(on));
  PetscFunctionReturn(0);
}

static PetscErrorCode LoadRhoInputs(SNA sna, hid_t group)
{
  SNA_MF       *mf = (SNA_MF *)sna->data;
  PetscReal     on[SNA_MF_MAX_INPUTS];
  const hsize_t dims[1] = {(hsize_t)sna->dim_in};

  PetscFunctionBegin;
  PetscCheck(sna->dim_in <= SNA_MF_MAX_INPUTS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The multi-fidelity model has %" PetscInt_FMT " inputs; rho_form inputs supports at most %d", sna->dim_in, SNA_MF_MAX_INPUTS);
  PetscCall(SNAHDF5ReadArray(group, "rho_inputs", 1, dims, on));
  mf->nrho_inputs = 0;
  for (PetscInt p = 0; p < sna->dim_in; p++) {
    PetscCheck(on[p] == 0 || on[p] == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The multi-fidelity model's dataset rho_inputs holds %g for input %" PetscInt_FMT ", not 0 or 1: corrupt model file (rewrite it with snaps-fit)", (double)on[p], p);
    if (on[p] == 1) mf->rho_inputs[mf->nrho_inputs++] = p;
  }
  PetscCheck(mf->nrho_inputs > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The multi-fidelity model has rho_form inputs but its dataset rho_inputs marks no input: corrupt model");
  PetscFunctionReturn(0);
}

/* How the form of rho was chosen (-mf_select cv: the folds and each candidate's error), so that the view of a loaded
   model does not attribute a form that cross-validation chose to -mf_rho_form. */
static PetscErrorCode SaveRhoSelection(SNA sna, hid_t group)
{
  SNA_MF *mf = (SNA_MF *)sna->data;
  char    name[64];

  PetscFunctionBegin;
  if (!mf->cv_folds) PetscFunctionReturn(0);
  PetscCall(SNAHDF5WriteAttributeInt(group, "rho_cv_folds", mf->cv_folds));
  for (PetscInt f = 0; f < 3; f++) {
    if (mf->cv_error[f] < 0) continue; /* a candidate not tried (inputs without -mf_rho_inputs) */
    PetscCall(PetscSNPrintf(name, sizeof(name), "rho_cv_error_%s", SNAMFRhoForms[f]));
    PetscCall(SNAHDF5WriteAttributeReal(group, name, mf->cv_error[f]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode LoadRhoSelection(SNA sna, hid_t group)
{
  SNA_MF *mf = (SNA_MF *)sna->data;
  char    name[64];

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeIntDefault(group, "rho_cv_folds", 0, &mf->cv_folds));
  PetscCheck(mf->cv_folds == 0 || mf->cv_folds >= 2, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The multi-fidelity model has rho_cv_folds %" PetscInt_FMT "; -mf_select cv uses at least 2: corrupt model", mf->cv_folds);
  for (PetscInt f = 0; f < 3; f++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "rho_cv_error_%s", SNAMFRhoForms[f]));
    PetscCall(SNAHDF5ReadAttributeRealDefault(group, name, -1, &mf->cv_error[f]));
    if (!mf->cv_folds) mf->cv_error[f] = -1;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode SNASave_MF(SNA sna, hid_t group)
{
  SNA_MF         *mf  = (SNA_MF *)sna->data;
  const PetscBool ar1 = (PetscBool)(mf->corrected && mf->blend == SNA_MF_AR1);

  PetscFunctionBegin;
  PetscCall(SNAHDF5WriteAttributeString(group, "blend", SNAMFBlends[mf->blend]));
  PetscCall(SNAHDF5WriteAttributeInt(group, "corrected", mf->corrected));
  PetscCall(SNAHDF5WriteAttributeInt(group, "n_params_lf", mf->lf->nparams));
  PetscCall(SNAHDF5WriteAttributeInt(group, "n_params_delta", mf->corrected ? mf->delta->nparams : 0));
  PetscCall(SNAHDF5WriteAttributeInt(group, "n_params_rho", ar1 ? mf->rho->nparams : 0));
  if (ar1) PetscCall(SNAHDF5WriteAttributeString(group, "rho_form", SNAMFRhoForms[mf->rho_form]));
  if (ar1 && mf->rho_form == SNA_MF_RHO_INPUTS) PetscCall(SaveRhoInputs(sna, group));
  if (ar1) PetscCall(SaveRhoSelection(sna, group));
  PetscCall(SavePart(group, "lf", mf->lf));
  if (mf->corrected) PetscCall(SavePart(group, "delta", mf->delta));
  if (ar1) PetscCall(SavePart(group, "rho", mf->rho));
  PetscFunctionReturn(0);
}

/* Reads one part from its subgroup. A part may not itself be mf: parts of parts would let a crafted file (a
   group linked into itself) recurse without end. */
static PetscErrorCode LoadPart(SNA sna, hid_t group, const char name[], SNA part)
{
  hid_t          sub;
  char           type[64], what[64];
  PetscBool      nested = PETSC_FALSE;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCheck(H5Lexists(group, name, H5P_DEFAULT) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The multi-fidelity model has no part '%s' (a group of /sna): corrupt or incomplete model", name);
  sub = H5Gopen2(group, name, H5P_DEFAULT);
  PetscCheck(sub >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "HDF5 cannot open the part '%s' of the multi-fidelity model: corrupt model", name);
  PetscCall(PetscSNPrintf(what, sizeof(what), "multi-fidelity part %s", name));
  ierr = SNAHDF5ReadAttributeString(sub, "type", type, sizeof(type));
  if (!ierr) {
    ierr = PetscStrcmp(type, SNAMF, &nested);
    if (!ierr && nested) ierr = PETSC_ERR_FILE_UNEXPECTED;
  }
  if (!ierr) ierr = SNAHDF5ReadModel(part, what, sub);
  H5Gclose(sub);
  PetscCheck(ierr != PETSC_ERR_FILE_UNEXPECTED || !nested, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The part '%s' of a multi-fidelity model is itself of type mf: refused (parts are single-fidelity SNAs)", name);
  PetscCall(ierr);
  PetscCheck(part->dim_in == sna->dim_in && part->dim_out == sna->dim_out, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The part '%s' of the multi-fidelity model has %" PetscInt_FMT " inputs and %" PetscInt_FMT " outputs, the model %" PetscInt_FMT " and %" PetscInt_FMT ": corrupt model", name, part->dim_in, part->dim_out, sna->dim_in, sna->dim_out);
  PetscFunctionReturn(0);
}

/* The part's parameter count against the one the file records for it (n_params_<name>): a mismatch is a
   corrupt or hand-edited model. */
static PetscErrorCode CheckPartCount(hid_t group, const char name[], SNA part)
{
  char     attr[32];
  PetscInt n;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(attr, sizeof(attr), "n_params_%s", name));
  PetscCall(SNAHDF5ReadAttributeInt(group, attr, &n));
  PetscCheck(n == part->nparams, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The multi-fidelity model records %" PetscInt_FMT " parameters for its part '%s' (attribute %s) but the part holds %" PetscInt_FMT ": corrupt model", n, name, attr, part->nparams);
  PetscFunctionReturn(0);
}

PetscErrorCode SNALoad_MF(SNA sna, hid_t group)
{
  SNA_MF   *mf = (SNA_MF *)sna->data;
  char      blend[32], form[32];
  PetscInt  corrected, b, f;
  PetscBool found;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeString(group, "blend", blend, sizeof(blend)));
  PetscCall(PetscEListFind(2, SNAMFBlends, blend, &b, &found));
  PetscCheck(found, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The multi-fidelity model has blend '%s'; this SNAPS knows residual and ar1: corrupt model, or one from a newer SNAPS", blend);
  mf->blend = (SNAMFBlend)b;
  PetscCall(SNAHDF5ReadAttributeInt(group, "corrected", &corrected));
  PetscCheck(corrected == 0 || corrected == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The multi-fidelity model's attribute corrected is %" PetscInt_FMT ", not 0 or 1: corrupt model", corrected);
  PetscCall(LoadPart(sna, group, "lf", mf->lf));
  PetscCall(CheckPartCount(group, "lf", mf->lf));
  if (corrected) {
    PetscCall(LoadPart(sna, group, "delta", mf->delta));
    PetscCall(CheckPartCount(group, "delta", mf->delta));
  }
  if (corrected && mf->blend == SNA_MF_AR1) {
    PetscCall(LoadPart(sna, group, "rho", mf->rho));
    PetscCall(CheckPartCount(group, "rho", mf->rho));
    PetscCall(SNAHDF5ReadAttributeStringDefault(group, "rho_form", SNAMFRhoForms[SNA_MF_RHO_FULL], form, sizeof(form)));
    PetscCall(PetscEListFind(3, SNAMFRhoForms, form, &f, &found));
    PetscCheck(found, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The multi-fidelity model has rho_form '%s'; this SNAPS knows full, constant and inputs: corrupt model, or one from a newer SNAPS", form);
    mf->rho_form = (SNAMFRhoForm)f;
    if (mf->rho_form == SNA_MF_RHO_INPUTS) PetscCall(LoadRhoInputs(sna, group));
    PetscCall(LoadRhoSelection(sna, group));
  }
  mf->corrected = (PetscBool)corrected;
  PetscCall(SNAMFCountParameters(sna));
  PetscFunctionReturn(0);
}
