/* Fitting a multi-fidelity SNA: the LF part by its own fit, then the correction on the HF data. */
#include <snaps/private/mfimpl.h>
#include <snaps/private/khronosimpl.h>
#include <snaps/dataset.h>
#include <ctype.h>
#include <string.h>

/* The LF part on the LF data given to SNAMFFit(), which the model then lets go of; an LF part fitted elsewhere
   (SNAMFSetLowFidelity) is kept as it is. */
static PetscErrorCode FitLowFidelity(SNA sna)
{
  SNA_MF        *mf = (SNA_MF *)sna->data;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t0));
  if (!mf->lf_given) PetscCall(SNAFit(mf->lf, mf->Xlf, mf->Ylf));
  PetscCall(PetscTime(&t1));
  mf->time_lf = mf->lf_given ? 0 : t1 - t0;
  PetscCall(VecDestroy(&mf->Xlf));
  PetscCall(VecDestroy(&mf->Ylf));
  PetscFunctionReturn(0);
}

/* The inputs of -mf_rho_inputs against the model's inputs, known only now: SNAMFSetRhoInputs() before the sizes
   cannot check them, and an index past the inputs would leave r constant along every input. */
static PetscErrorCode CheckRhoInputs(SNA sna)
{
  SNA_MF  *mf   = (SNA_MF *)sna->data;
  MPI_Comm comm = PetscObjectComm((PetscObject)sna);

  PetscFunctionBegin;
  PetscCheck(sna->dim_in <= SNA_MF_MAX_INPUTS, comm, PETSC_ERR_ARG_OUTOFRANGE, "-mf_rho_inputs (rho form inputs) supports at most %d inputs, but the model has %" PetscInt_FMT ": use -mf_rho_form full or constant", SNA_MF_MAX_INPUTS, sna->dim_in);
  for (PetscInt i = 0; i < mf->nrho_inputs; i++) PetscCheck(mf->rho_inputs[i] >= 0 && mf->rho_inputs[i] < sna->dim_in, comm, PETSC_ERR_ARG_OUTOFRANGE, "-mf_rho_inputs: index %" PetscInt_FMT " is not an input of the model (0 to %" PetscInt_FMT "): give indices of the HF inputs", mf->rho_inputs[i], sna->dim_in - 1);
  PetscFunctionReturn(0);
}

/* ar1's joint stage fits rho as a khronos model (SNAKhronosSetConstant(), its modes); checked by SNAMFFit() before the
   LF part's fit too, which would otherwise run before the refusal */
static PetscErrorCode CheckRhoType(SNA sna)
{
  SNA_MF   *mf = (SNA_MF *)sna->data;
  PetscBool khronos;

  PetscFunctionBegin;
  if (mf->blend != SNA_MF_AR1 || !mf->rho) PetscFunctionReturn(0);
  PetscCall(PetscObjectTypeCompare((PetscObject)mf->rho, SNAKHRONOS, &khronos));
  PetscCheck(khronos, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "The AR1 scale rho must be a khronos SNA, not %s (-mf_rho_sna_type)", ((PetscObject)mf->rho)->type_name);
  PetscFunctionReturn(0);
}

/* ar1: from delta (fitted to y - u_LF) and rho = 1 (r = 0), Levenberg-Marquardt on [r, delta] together: the
   least-squares optimum of (1 + r) u_LF + delta, which a fit of r alone (weights u_LF^2) alternating with delta
   reaches only slowly. */
static PetscErrorCode FitAR1(SNA sna, Vec X, Vec Y)
{
  SNA_MF            *mf = (SNA_MF *)sna->data;
  PetscReal         *zero;
  PetscInt           modes, its0;
  SNAFitStatistics   stats0;
  PetscErrorCode     ierr;
  SNAConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(CheckRhoType(sna));
  PetscCall(SNAKhronosGetBasis(mf->rho, NULL, NULL, &modes));
  PetscCheck(mf->rho_form != SNA_MF_RHO_INPUTS || mf->nrho_inputs, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "-mf_rho_form inputs needs the inputs r depends on: give -mf_rho_inputs (e.g. 2,3)");
  if (mf->rho_form == SNA_MF_RHO_INPUTS) PetscCall(CheckRhoInputs(sna));
  PetscCheck(modes >= 2 || mf->rho_form == SNA_MF_RHO_CONSTANT, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "The AR1 scale rho needs at least 2 modes (-mf_rho_sna_khronos_modes), not %" PetscInt_FMT ": it starts at rho = 1 as two constant modes that cancel, from where the fit can move every factor", modes);
  if (!mf->rho->lower) PetscCall(SNASetBounds(mf->rho, mf->delta->lower, mf->delta->upper)); /* a refit of a loaded model's correction */
  PetscCall(PetscCalloc1(sna->dim_out, &zero));
  PetscCall(SNAKhronosSetConstant(mf->rho, zero));
  PetscCall(PetscFree(zero));
  mf->correction_stage = PETSC_TRUE;
  PetscCall(SNAMFCountParameters(sna));
  its0                 = sna->iterations;
  stats0               = sna->stats;
  ierr                 = SNAFitRun(sna, SNAFITLM, X, Y); /* not PetscCall: leave the stage first */
  mf->correction_stage = PETSC_FALSE;
  PetscCall(ierr);
  /* no step improving on the start (r = 0 and the fitted delta) means the start is already the optimum: the fit
     as a whole lowered the loss from the model without a correction */
  PetscCall(SNAGetConvergedReason(sna, &reason));
  if (reason == SNA_DIVERGED_NO_PROGRESS) PetscCall(SNAFitSetReason(sna, SNA_CONVERGED_STALLED));
  /* rho's only fit is this stage: its reason and steps are rho's (the report's rho_ figures), not a fit never run */
  mf->rho->iterations     = sna->iterations - its0;
  mf->rho->reason         = sna->reason;
  mf->rho->fit_scale      = sna->fit_scale;
  mf->rho->stats.outer    = sna->stats.outer - stats0.outer;
  mf->rho->stats.inner    = sna->stats.inner - stats0.inner;
  mf->rho->stats.function = sna->stats.function - stats0.function;
  mf->rho->stats.gradient = sna->stats.gradient - stats0.gradient;
  mf->rho->stats.hessian  = sna->stats.hessian - stats0.hessian;
  PetscFunctionReturn(0);
}

/* The fold (0 to k - 1) of each local HF row: the cases (SNAMFSetCases(); without them every row is a case) sorted
   by id, the i-th in fold i mod k, k = min(-mf_select_folds, cases). Rows of one case stay together, so a fold
   measures the correction at designs it has not seen, as the held-out designs of a study will. */
static PetscErrorCode AssignFolds(SNA sna, Vec X, PetscInt *k, PetscInt **fold)
{
  SNA_MF          *mf = (SNA_MF *)sna->data;
  PetscInt         n, lo, N, nc, *ids, *all;
  const PetscReal *c = NULL, *ca;
  Vec              call;
  VecScatter       sc;

  PetscFunctionBegin;
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "The HF inputs X", &n, NULL));
  PetscCall(VecGetOwnershipRange(X, &lo, NULL));
  lo /= sna->dim_in;
  PetscCall(SNAGlobalCount(sna, n, &N));
  if (mf->cases) {
    PetscInt    nc_local;
    PetscMPIInt bad, anybad;
    PetscCall(VecGetLocalSize(mf->cases, &nc_local));
    bad = (PetscMPIInt)(nc_local != n);
    PetscCall(MPIU_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, PetscObjectComm((PetscObject)sna))); /* every rank errors, before the collective scatter */
    PetscCheck(!anybad, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_SIZ, "The HF case ids (SNAMFSetCases) are not laid out as the HF rows (%" PetscInt_FMT " ids but %" PetscInt_FMT " rows on this rank, or a mismatch on another): give one id per HF row, laid out as the rows", nc_local, n);
  }
  PetscCall(PetscMalloc2(n, &ids, N, &all));
  if (mf->cases) {
    PetscCall(VecScatterCreateToAll(mf->cases, &sc, &call));
    PetscCall(VecScatterBegin(sc, mf->cases, call, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, mf->cases, call, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(call, &ca));
    for (PetscInt i = 0; i < N; i++) all[i] = (PetscInt)ca[i];
    PetscCall(VecRestoreArrayRead(call, &ca));
    PetscCall(VecScatterDestroy(&sc));
    PetscCall(VecDestroy(&call));
    PetscCall(VecGetArrayRead(mf->cases, &c));
    for (PetscInt i = 0; i < n; i++) ids[i] = (PetscInt)c[i];
    PetscCall(VecRestoreArrayRead(mf->cases, &c));
  } else {
    for (PetscInt i = 0; i < N; i++) all[i] = i;
    for (PetscInt i = 0; i < n; i++) ids[i] = lo + i;
  }
  nc = N;
  PetscCall(PetscSortRemoveDupsInt(&nc, all));
  *k = PetscMin(mf->folds, nc);
  PetscCall(PetscMalloc1(n, fold));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt loc;
    PetscCall(PetscFindInt(ids[i], nc, all, &loc));
    (*fold)[i] = loc % *k;
  }
  PetscCall(PetscFree2(ids, all));
  PetscFunctionReturn(0);
}

/* A part that keeps its own box (an LF model fitted elsewhere, or a part's own -mf_<part>_sna_bounds) inside the
   model's box (declared, or the range of the LF and HF inputs) is evaluated beyond its box at the model's points
   there (a khronos part is constant), while snaps-predict checks the model's box only: said once at the fit, naming
   the part, where its box comes from and the first input where it is narrower. */
static PetscErrorCode WarnPartBoxNarrower(SNA sna, SNA part, const char name[], PetscBool given, PetscBool declared)
{
  const char *beyond = part->beyondbox ? part->beyondbox : "the part is extrapolated beyond its box";
  char        from[128], box[128];

  PetscFunctionBegin;
  if (declared)
    PetscCall(PetscSNPrintf(box, sizeof(box), "declared by -%ssna_bounds", SNAMessagePrefix(sna)));
  else
    PetscCall(PetscStrncpy(box, "the range of the LF and HF inputs", sizeof(box)));
  if (given)
    PetscCall(PetscStrncpy(from, "that of the LF model fitted elsewhere, -mf_lf_model", sizeof(from)));
  else
    PetscCall(PetscSNPrintf(from, sizeof(from), "declared by -%ssna_bounds", SNAMessagePrefix(part)));
  for (PetscInt p = 0; p < sna->dim_in; p++) {
    if (part->lower[p] <= sna->lower[p] && part->upper[p] >= sna->upper[p]) continue;
    PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sna), "WARNING: the model's input box (%s) reaches beyond the box of its %s (%s) on input %" PetscInt_FMT ": [%g, %g] against [%g, %g]; %s, and predictions there are no extrapolation by the model's box, so snaps-predict does not warn: declare a box within the part's (-%ssna_bounds), or give the part a box that holds the model's\n", box, name, from, p,
                          (double)sna->lower[p], (double)sna->upper[p], (double)part->lower[p], (double)part->upper[p], beyond, SNAMessagePrefix(sna)));
    break;
  }
  PetscFunctionReturn(0);
}

/* One input box for the model and every part whose box the user did not declare: the range of the LF and HF
   inputs together, so that no part is evaluated beyond its box (where it is constant) at the other fidelity's
   points; or the model's box where it was declared (-sna_bounds): parts on the data's box were constant beyond it,
   where the model's box said predictions were no extrapolation (snaps-predict did not warn). */
static PetscErrorCode SharedBox(SNA sna, Vec Xlf, Vec Xhf)
{
  SNA_MF         *mf      = (SNA_MF *)sna->data;
  SNA             parts[] = {sna, mf->lf, mf->delta, mf->rho};
  const char     *names[] = {"model", "LF part", "correction delta", "scale rho"};
  PetscReal      *lo, *hi, *lo2, *hi2;
  const PetscBool declared = (PetscBool)(sna->lower && sna->bounds_from_user);

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(sna->dim_in, &lo, sna->dim_in, &hi, sna->dim_in, &lo2, sna->dim_in, &hi2));
  PetscCall(SNAComputeDataBox(sna, Xlf, lo, hi));
  if (Xhf) PetscCall(SNAComputeDataBox(sna, Xhf, lo2, hi2));
  for (PetscInt p = 0; Xhf && p < sna->dim_in; p++) {
    lo[p] = PetscMin(lo[p], lo2[p]);
    hi[p] = PetscMax(hi[p], hi2[p]);
  }
  if (declared) {
    PetscCall(PetscArraycpy(lo, sna->lower, sna->dim_in));
    PetscCall(PetscArraycpy(hi, sna->upper, sna->dim_in));
  }
  for (PetscInt i = 0; i < 4; i++) {
    if (parts[i]->lower && (parts[i]->bounds_from_user || (parts[i] == mf->lf && mf->lf_given))) { /* a fitted LF part keeps its box */
      if (i > 0) PetscCall(WarnPartBoxNarrower(sna, parts[i], names[i], parts[i] == mf->lf && mf->lf_given, declared));
      continue;
    }
    PetscCall(SNASetBounds_Internal(parts[i], lo, hi)); /* on a refit too: SNASetBounds() refuses a set-up part's */
    parts[i]->bounds_from_user = declared;
    if (i > 0 && declared) PetscCall(PetscSNPrintf(parts[i]->bounds_option, sizeof(parts[i]->bounds_option), "the model's -%ssna_bounds", SNAMessagePrefix(sna)));
  }
  PetscCall(PetscFree4(lo, hi, lo2, hi2));
  PetscFunctionReturn(0);
}

/* Lexicographic order of two rows by their first d entries (the inputs; ctx points to d). */
static int CompareInputs(const void *a, const void *b, void *ctx)
{
  const PetscReal *u = (const PetscReal *)a, *v = (const PetscReal *)b;
  const PetscInt   d = *(const PetscInt *)ctx;

  for (PetscInt p = 0; p < d; p++) {
    if (u[p] < v[p]) return -1;
    if (u[p] > v[p]) return 1;
  }
  return 0;
}

/* The row with inputs x of table (n rows of width w, sorted by their first d entries), or NULL. */
static const PetscReal *FindRow(const PetscReal table[], PetscInt n, PetscInt w, PetscInt d, const PetscReal x[])
{
  PetscInt lo = 0, hi = n;

  while (lo < hi) {
    const PetscInt mid = lo + (hi - lo) / 2;
    const int      c   = CompareInputs(table + mid * w, x, &d);

    if (!c) return table + mid * w;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

PetscErrorCode SNAMFNestedDestroy(SNA_MF *mf)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(mf->nested));
  mf->nnested = 0;
  PetscFunctionReturn(0);
}

/* Every LF row (gathered on each rank) whose inputs equal a local HF row's gives that row its LF data: rows
   [x, y_LF, found] of the local HF inputs sorted by x, then only the found ones kept. */
static PetscErrorCode FillNested(SNA sna, PetscInt n, const PetscReal x[], PetscReal **table, PetscInt *nfound)
{
  SNA_MF          *mf = (SNA_MF *)sna->data;
  PetscInt         d = sna->dim_in, q = sna->dim_out, w = d + q + 1, nlf, kept = 0;
  PetscReal       *t;
  const PetscReal *xl, *yl;
  Vec              xall, yall;
  VecScatter       sx, sy;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n * w, &t));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(PetscArraycpy(t + i * w, x + i * d, d));
    t[i * w + w - 1] = 0;
  }
  PetscCall(PetscTimSort(n, t, (size_t)w * sizeof(PetscReal), CompareInputs, &d));
  PetscCall(VecScatterCreateToAll(mf->Xlf, &sx, &xall));
  PetscCall(VecScatterCreateToAll(mf->Ylf, &sy, &yall));
  PetscCall(VecScatterBegin(sx, mf->Xlf, xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sx, mf->Xlf, xall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterBegin(sy, mf->Ylf, yall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sy, mf->Ylf, yall, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetLocalSize(xall, &nlf));
  nlf /= d;
  PetscCall(VecGetArrayRead(xall, &xl));
  PetscCall(VecGetArrayRead(yall, &yl));
  for (PetscInt i = 0; i < nlf; i++) {
    PetscReal *r = (PetscReal *)FindRow(t, n, w, d, xl + i * d);

    if (!r || r[w - 1] != 0) continue; /* the first LF row of a design counts */
    PetscCall(PetscArraycpy(r + d, yl + i * q, q));
    r[w - 1] = 1;
  }
  PetscCall(VecRestoreArrayRead(xall, &xl));
  PetscCall(VecRestoreArrayRead(yall, &yl));
  PetscCall(VecScatterDestroy(&sx));
  PetscCall(VecScatterDestroy(&sy));
  PetscCall(VecDestroy(&xall));
  PetscCall(VecDestroy(&yall));
  for (PetscInt i = 0; i < n; i++)
    if (t[i * w + w - 1] != 0) PetscCall(PetscArraymove(t + kept++ * w, t + i * w, w));
  *table  = t;
  *nfound = kept;
  PetscFunctionReturn(0);
}

/* Nested designs: where an HF row's inputs are also an LF row's, the correction is fitted to y_HF - y_LF of the data
   (the LF part's own error there would otherwise enter delta, and snaps-predict with /YLF applies delta to LF data).
   Sets the table of the local HF rows X and counts the HF rows (all ranks) that have LF data. */
static PetscErrorCode NestedCreate(SNA sna, Vec X)
{
  SNA_MF          *mf = (SNA_MF *)sna->data;
  const PetscInt   d = sna->dim_in, w = d + sna->dim_out + 1;
  const PetscReal *x;
  PetscInt         n, found = 0;

  PetscFunctionBegin;
  PetscCall(SNAMFNestedDestroy(mf));
  PetscCall(SNAGetLocalRows(sna, X, d, "The HF inputs X", &n, &x));
  PetscCall(FillNested(sna, n, x, &mf->nested, &mf->nnested));
  for (PetscInt i = 0; i < n; i++) found += FindRow(mf->nested, mf->nnested, w, d, x + i * d) ? 1 : 0;
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(MPIU_Allreduce(&found, &mf->nested_rows, 1, MPIU_INT, MPI_SUM, PetscObjectComm((PetscObject)sna)));
  PetscCall(PetscInfo(sna, "The correction is fitted against LF data at %" PetscInt_FMT " nested HF rows\n", mf->nested_rows));
  /* asked for and without effect: the report's mf_nested_hf_rows 0 was the only sign */
  if (!mf->nested_rows) PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sna), "WARNING: -%smf_nested_lf: no HF row's inputs are those of an LF row (the designs are not nested), so the correction was fitted against the LF model at every HF row, as without -%smf_nested_lf\n", SNAMessagePrefix(sna), SNAMessagePrefix(sna)));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAMFLowFidelityLocal(SNA sna, PetscInt n, const PetscReal x[], PetscReal y[])
{
  SNA_MF        *mf = (SNA_MF *)sna->data;
  const PetscInt d = sna->dim_in, q = sna->dim_out, w = d + q + 1;

  PetscFunctionBegin;
  PetscCall((*mf->lf->ops->evaluatelocal)(mf->lf, n, x, y));
  for (PetscInt i = 0; mf->nnested && i < n; i++) {
    const PetscReal *r = FindRow(mf->nested, mf->nnested, w, d, x + i * d);

    if (r) PetscCall(PetscArraycpy(y + i * q, r + d, q));
  }
  PetscFunctionReturn(0);
}

/* delta fitted to the residual R = Y - u_LF(X) of the HF data (R: work space of Y's layout; u_LF the LF data at
   nested rows). */
static PetscErrorCode FitDelta(SNA sna, Vec X, Vec Y, Vec R)
{
  SNA_MF          *mf = (SNA_MF *)sna->data;
  const PetscReal *x;
  PetscReal       *r;
  PetscInt         n;

  PetscFunctionBegin;
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "The HF inputs X", &n, &x));
  PetscCall(VecGetArray(R, &r));
  PetscCall(SNAMFLowFidelityLocal(sna, n, x, r));
  PetscCall(VecRestoreArray(R, &r));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(VecAYPX(R, -1.0, Y));
  PetscCall(SNAFit(mf->delta, X, R));
  PetscFunctionReturn(0);
}

/* delta fitted to y - u_LF, then for ar1 the joint fit of rho and delta: the correction on (X, Y), with the work
   and reason of the model those of this fit. */
static PetscErrorCode FitCorrection(SNA sna, Vec X, Vec Y)
{
  SNA_MF        *mf = (SNA_MF *)sna->data;
  Vec            R;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(Y, &R));
  ierr = FitDelta(sna, X, Y, R); /* not PetscCall: R goes first */
  PetscCall(VecDestroy(&R));
  PetscCall(ierr);
  PetscCall(SNAFitAddWork(sna, mf->delta->iterations, &mf->delta->stats));
  PetscCall(SNAFitSetReason(sna, mf->delta->reason));
  if (mf->blend == SNA_MF_AR1) PetscCall(FitAR1(sna, X, Y));
  PetscFunctionReturn(0);
}

/* Relative cross-validated error sqrt(sum |u - y|^2 / sum |y|^2) over the k folds of ar1 with rho of the given
   form: each fold predicted by the correction fitted on the other folds, delta starting each time from theta0 (its
   start before the selection), on this model itself (its parts' settings, LF part, box and nested rows). */
static PetscErrorCode CrossValidatedError(SNA sna, Vec X, Vec Y, PetscInt k, const PetscInt fold[], const PetscReal theta0[], SNAMFRhoForm form, PetscReal *err)
{
  SNA_MF    *mf = (SNA_MF *)sna->data;
  PetscInt   n;
  PetscBool *train, *val;
  PetscReal  sse = 0, ss = 0;

  PetscFunctionBegin;
  mf->rho_form = form;
  PetscCall(SNAMFCountParameters(sna));
  PetscCall(SNAGetLocalRows(sna, X, sna->dim_in, "The HF inputs X", &n, NULL));
  PetscCall(PetscMalloc2(n, &train, n, &val));
  for (PetscInt f = 0; f < k; f++) {
    Vec       Xt, Yt, Xv, Yv, P;
    PetscReal e, y;

    for (PetscInt i = 0; i < n; i++) {
      val[i]   = (PetscBool)(fold[i] == f);
      train[i] = (PetscBool)!val[i];
    }
    PetscCall(SNADatasetSelectRows(X, train, &Xt));
    PetscCall(SNADatasetSelectRows(Y, train, &Yt));
    PetscCall(SNADatasetSelectRows(X, val, &Xv));
    PetscCall(SNADatasetSelectRows(Y, val, &Yv));
    PetscCall((*mf->delta->ops->setparameters)(mf->delta, theta0));
    PetscCall(FitCorrection(sna, Xt, Yt));
    PetscCall(VecDuplicate(Yv, &P));
    mf->corrected = PETSC_TRUE;
    PetscCall(SNAMFCountParameters(sna));
    PetscCall(SNAEvaluate(sna, Xv, P));
    mf->corrected = PETSC_FALSE;
    PetscCall(VecAXPY(P, -1.0, Yv));
    PetscCall(VecNorm(P, NORM_2, &e));
    PetscCall(VecNorm(Yv, NORM_2, &y));
    sse += e * e;
    ss += y * y;
    PetscCall(VecDestroy(&P));
    PetscCall(VecDestroy(&Xt));
    PetscCall(VecDestroy(&Yt));
    PetscCall(VecDestroy(&Xv));
    PetscCall(VecDestroy(&Yv));
  }
  PetscCall(PetscFree2(train, val));
  *err = ss > 0 ? PetscSqrtReal(sse / ss) : PetscSqrtReal(sse);
  PetscFunctionReturn(0);
}

/* The folds' errors of every candidate form (constant, inputs with -mf_rho_inputs, full; simplest first), the
   smallest one's form kept, the simpler on a tie. The model's work, reason and delta's start are restored after
   (the folds' fits are not the fit it reports); -sna_view and -mf_delta_sna_view are for the final fit only. */
static PetscErrorCode CompareForms(SNA sna, Vec X, Vec Y, PetscInt k, const PetscInt fold[])
{
  SNA_MF            *mf       = (SNA_MF *)sna->data;
  const SNAMFRhoForm order[3] = {SNA_MF_RHO_CONSTANT, SNA_MF_RHO_INPUTS, SNA_MF_RHO_FULL};
  const PetscInt     its      = sna->iterations;
  SNAFitStatistics   stats    = sna->stats;
  SNAMFRhoForm       best     = SNA_MF_RHO_CONSTANT;
  PetscReal         *theta0;
  PetscInt           nmon[2];
  PetscErrorCode     ierr = 0;

  PetscFunctionBegin;
  PetscCheck(mf->delta->ops->setparameters && mf->delta->ops->getparameters, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "-mf_select cv refits delta from its start in each fold, which its type %s does not allow (no parameter access): use -mf_select none", ((PetscObject)mf->delta)->type_name);
  PetscCall(SNASetUp(mf->delta));
  PetscCall(PetscMalloc1(mf->delta->nparams, &theta0));
  PetscCall((*mf->delta->ops->getparameters)(mf->delta, theta0));
  /* the folds' fits print no monitor lines either: -sna_monitor and -mf_delta_sna_monitor open their viewers at their
     first line, which here, with the viewers off, left them silent for the final fit too */
  nmon[0]             = sna->numbermonitors;
  nmon[1]             = mf->delta->numbermonitors;
  sna->numbermonitors = mf->delta->numbermonitors = 0;
  PetscCall(PetscOptionsPushGetViewerOff(PETSC_TRUE));
  for (PetscInt i = 0; i < 3 && !ierr; i++) {
    if (order[i] == SNA_MF_RHO_INPUTS && !mf->nrho_inputs) continue;
    ierr = CrossValidatedError(sna, X, Y, k, fold, theta0, order[i], &mf->cv_error[order[i]]); /* not PetscCall: pop the viewers first */
    if (!ierr && mf->cv_error[order[i]] < mf->cv_error[best]) best = order[i];
  }
  PetscCall(PetscOptionsPopGetViewerOff());
  PetscCheck(!sna->numbermonitors && !mf->delta->numbermonitors, PetscObjectComm((PetscObject)sna), PETSC_ERR_PLIB, "A monitor was set during -mf_select cv's folds");
  sna->numbermonitors       = nmon[0];
  mf->delta->numbermonitors = nmon[1];
  PetscCall(ierr);
  PetscCall((*mf->delta->ops->setparameters)(mf->delta, theta0));
  PetscCall(PetscFree(theta0));
  mf->rho_form    = best;
  sna->iterations = its;
  sna->stats      = stats;
  PetscCall(SNAMFCountParameters(sna));
  PetscFunctionReturn(0);
}

/* -mf_select cv for ar1: the form of rho with the smallest cross-validated error over folds of the HF cases, among
   constant, inputs (with -mf_rho_inputs) and full: a richer form must earn its parameters on cases it was not fitted
   to, as co-kriging's likelihood makes a few HF designs pick a constant scale. */
static PetscErrorCode SelectRhoForm(SNA sna, Vec X, Vec Y)
{
  SNA_MF  *mf = (SNA_MF *)sna->data;
  PetscInt k = 0, *fold = NULL;

  PetscFunctionBegin;
  mf->cv_folds    = 0;
  mf->cv_error[0] = mf->cv_error[1] = mf->cv_error[2] = -1;
  if (mf->blend != SNA_MF_AR1 || mf->select != SNA_MF_SELECT_CV) PetscFunctionReturn(0);
  if (mf->nrho_inputs) PetscCall(CheckRhoInputs(sna));
  PetscCall(AssignFolds(sna, X, &k, &fold));
  if (k < 2) PetscCall(PetscFree(fold)); /* one case: nothing to validate on */
  PetscCheck(k >= 2, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-mf_select cv needs at least 2 HF cases to leave one out, but the HF data hold %" PetscInt_FMT ": drop -mf_select cv and choose the form with -mf_rho_form (constant for one case)", k);
  PetscCall(CompareForms(sna, X, Y, k, fold));
  mf->cv_folds = k;
  PetscCall(PetscInfo(sna, "-mf_select cv, %" PetscInt_FMT " folds: relative error constant %g, inputs %g, full %g: rho %s\n", k, (double)mf->cv_error[SNA_MF_RHO_CONSTANT], (double)mf->cv_error[SNA_MF_RHO_INPUTS], (double)mf->cv_error[SNA_MF_RHO_FULL], SNAMFRhoForms[mf->rho_form]));
  PetscCall(PetscFree(fold));
  PetscFunctionReturn(0);
}

/* The fit "auto" of type mf, on the HF data (X, Y): the LF part first if SNAMFFit() gave LF data, for ar1 under
   -mf_select cv the form of rho (SelectRhoForm), then delta on y - u_LF(x) by its own fit, and for ar1 the joint fit
   of rho and delta. With LF data, u_LF is that data at the HF rows that are LF rows too (NestedCreate) under
   -mf_nested_lf, else the LF part. */
/* The first option given (command line, file, environment) whose name starts with the model's prefix then part
   ("mf_rho_"), into name (empty: none). PETSc marks a part's options used when the part reads them, which it
   does whether or not the fit will use the part: this finds them by name. */
static PetscErrorCode PartOptionGiven(SNA sna, const char part[], char name[], size_t len)
{
  const char *prefix;
  char        want[256], *all, *p;

  PetscFunctionBegin;
  name[0] = 0;
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)sna, &prefix));
  PetscCall(PetscSNPrintf(want, sizeof(want), "-%s%s", prefix ? prefix : "", part));
  PetscCall(PetscOptionsGetAll(NULL, &all));
  for (p = all; *p; p++) *p = (char)tolower((unsigned char)*p); /* PETSc's option names ignore case */
  for (p = want; *p; p++) *p = (char)tolower((unsigned char)*p);
  for (p = strstr(all, want); p; p = strstr(p + 1, want)) {
    if (p != all && p[-1] != ' ') continue; /* inside another option or value */
    PetscCall(PetscStrncpy(name, p, PetscMin(len, strcspn(p, " ") + 1)));
    break;
  }
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

/* The model's own fit options (-sna_fit_max_it, -sna_fit_rtol, -sna_fit_atol, -sna_fit_lambda) and monitors (-sna_monitor,
   SNAMonitorSet()) are those of ar1's joint Levenberg-Marquardt stage, the only fit of the model itself (its parts have
   their own, -mf_lf_sna_..., -mf_delta_sna_...): where that stage does not run (why), they would be read and ignored,
   so they are refused, naming the first one given and where it belongs (alt). */
static PetscErrorCode JointOptionsRefuse(SNA sna, const char why[], const char part[])
{
  const char *const names[] = {"sna_fit_max_it", "sna_fit_rtol", "sna_fit_atol", "sna_fit_lambda"};
  const char       *prefix  = SNAMessagePrefix(sna);
  char              given[256];

  PetscFunctionBegin;
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(names); i++) {
    PetscCall(PartOptionGiven(sna, names[i], given, sizeof(given)));
    PetscCheck(!given[0], PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "%s sets ar1's joint Levenberg-Marquardt stage, the multi-fidelity model's own fit, which %s: drop it, or give it to a part (-%smf_%s_%s)", given, why, prefix, part, names[i]);
  }
  PetscCheck(!sna->numbermonitors, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_monitor (a monitor of the multi-fidelity model itself) follows ar1's joint Levenberg-Marquardt stage, the model's own fit, which %s: drop it, or monitor a part (-%smf_%s_sna_monitor)", prefix, why, prefix, part);
  PetscFunctionReturn(0);
}

/* Under ar1, rho is never fitted on its own: FitAR1() sets it to the constant 1 (two constant modes that cancel, any
   further modes from rho's seeded random start with zero weight) and the model's joint Levenberg-Marquardt stage fits
   it together with delta, with the model's options. rho's own fit options, monitor and start (read by its
   SNASetFromOptions(), so PETSc would not call them unused) and its loss would be ignored: refused, naming what applies.
   -mf_rho_sna_view shows rho after that stage. Its basis
   (-mf_rho_sna_khronos_nodes, _degree, _modes), -mf_rho_sna_bounds and -mf_rho_sna_type do apply. */
static PetscErrorCode RhoOptionsRefuse(SNA sna)
{
  SNA_MF     *mf     = (SNA_MF *)sna->data;
  MPI_Comm    comm   = PetscObjectComm((PetscObject)sna);
  const char *prefix = SNAMessagePrefix(sna);
  const char *joint  = "under -mf_blend ar1 rho is fitted only jointly with delta, in the model's own Levenberg-Marquardt stage";
  char        given[256];
  PetscInt    modes = 0;
  PetscBool   khronos;

  PetscFunctionBegin;
  PetscCall(PartOptionGiven(sna, "mf_rho_sna_fit_", given, sizeof(given)));
  if (given[0]) {
    const char *setting  = given + strlen("-mf_rho_sna_fit_") + strlen(prefix);
    const char *stage[]  = {"max_it", "rtol", "atol", "lambda", "progress_window", "progress_rtol"};
    PetscBool   read     = PETSC_FALSE;
    char        alt[128] = "";

    /* the model's option is advice only where the joint stage reads it (-sna_fit_type als or _validation do not apply) */
    for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(stage); i++) read = (PetscBool)(read || !strcmp(setting, stage[i]));
    if (read) PetscCall(PetscSNPrintf(alt, sizeof(alt), ", or give the model's option -%ssna_fit_%s", prefix, setting));
    SETERRQ(comm, PETSC_ERR_ARG_INCOMP, "%s sets a fit of rho on its own, but %s: drop it%s (the joint stage reads -%ssna_fit_max_it, _rtol, _atol, _lambda and -%ssna_fit_progress_window, _rtol)", given, joint, alt, prefix, prefix);
  }
  PetscCall(PartOptionGiven(sna, "mf_rho_sna_loss", given, sizeof(given)));
  PetscCheck(!given[0], comm, PETSC_ERR_ARG_INCOMP, "%s sets the loss of a fit of rho on its own, but %s, by least squares: drop it", given, joint);
  PetscCall(PartOptionGiven(sna, "mf_rho_sna_monitor", given, sizeof(given)));
  PetscCheck(!given[0], comm, PETSC_ERR_ARG_INCOMP, "%s would monitor a fit of rho on its own, but %s: drop it, or monitor that stage (-%ssna_monitor)", given, joint, prefix);
  PetscCall(PartOptionGiven(sna, "mf_rho_sna_khronos_enrich", given, sizeof(given)));
  if (!given[0]) PetscCall(PartOptionGiven(sna, "mf_rho_sna_khronos_refine", given, sizeof(given)));
  PetscCheck(!given[0], comm, PETSC_ERR_ARG_INCOMP, "%s sets a stage of an ALS fit of rho, but %s, at the rank and nodes of rho's basis: drop it, and give the rank and nodes (-%smf_rho_sna_khronos_modes, -%smf_rho_sna_khronos_nodes)", given, joint, prefix, prefix);
  PetscCall(PartOptionGiven(sna, "mf_rho_sna_khronos_init", given, sizeof(given)));
  if (given[0] && !strstr(given, "init_spread")) SETERRQ(comm, PETSC_ERR_ARG_INCOMP, "%s chooses the start of a data fit of rho, but %s, from rho = 1 (two constant modes that cancel): drop it", given, joint);
  PetscCall(PetscObjectTypeCompare((PetscObject)mf->rho, SNAKHRONOS, &khronos));
  if (khronos) PetscCall(SNAKhronosGetBasis(mf->rho, NULL, NULL, &modes));
  if (modes > 2 && (mf->rho_form != SNA_MF_RHO_CONSTANT || mf->select == SNA_MF_SELECT_CV)) PetscFunctionReturn(0); /* the modes beyond the first two start from rho's seed and spread */
  if (!given[0]) PetscCall(PartOptionGiven(sna, "mf_rho_sna_khronos_seed", given, sizeof(given)));
  PetscCheck(!given[0], comm, PETSC_ERR_ARG_INCOMP, "%s sets the random start of rho's modes beyond the first two (which start at rho = 1), but %s: drop it", given, modes <= 2 ? "rho has no more than two modes (-mf_rho_sna_khronos_modes)" : "the form -mf_rho_form constant fits no mode of rho");
  PetscFunctionReturn(0);
}

/* rho's last fit is ar1's joint stage: its training MSE is that of the model the stage made (the model's own comes
   after SNAFit_MF); after -mf_select cv's folds, of the final fit alone. Always measured (one evaluation on the HF
   rows): the model's -sna_view shows rho's last fit too, and printed "training MSE 0." there. Then -mf_rho_sna_view:
   rho after that stage, its only fit (the other parts' views follow their own fits). */
static PetscErrorCode RhoFitEnd(SNA sna, Vec X, Vec Y)
{
  SNA_MF *mf = (SNA_MF *)sna->data;

  PetscFunctionBegin;
  PetscCall(SNAComputeMSE(sna, X, Y, &mf->rho->fit_mse));
  PetscCall(SNAViewFromOptions(mf->rho, NULL, "-sna_view"));
  PetscFunctionReturn(0);
}

/* A fresh KHRONOS correction whose size the user did not give (both -mf_delta_sna_khronos_nodes and _modes) gets at
   most half as many parameters as the HF values delta is fitted to (its training split under
   -mf_delta_sna_fit_validation), counting under ar1 rho, which the joint stage fits with it: a constant rho one per
   output; a KHRONOS rho (forms full and inputs, and -mf_select cv, which may choose full) its basis, itself lowered
   (if its size was not given: 2 modes, nodes down to degree + 1) so that delta's smallest basis still fits. Where
   even the smallest bases exceed half the values, they are used. A size given, or a refit's, is kept. */
static PetscErrorCode CorrectionSizeDefault(SNA sna, Vec X)
{
  SNA_MF   *mf = (SNA_MF *)sna->data;
  PetscInt  nt, budget, rho = 0, smallest;
  PetscBool given;

  PetscFunctionBegin;
  mf->size_values = 0;
  PetscCall(SNAKhronosSizeGiven(mf->delta, &given));
  if (given || mf->delta->setupcalled) PetscFunctionReturn(0);
  PetscCall(SNAFitTrainingSamples(mf->delta, X, &nt));
  budget = nt * sna->dim_out / 2;
  if (mf->blend == SNA_MF_AR1 && mf->rho_form == SNA_MF_RHO_CONSTANT && mf->select == SNA_MF_SELECT_NONE) {
    rho = sna->dim_out;
  } else if (mf->blend == SNA_MF_AR1) {
    PetscCall(SNAKhronosCountSize(mf->delta, PETSC_TRUE, 1, &smallest));
    PetscCall(SNAKhronosSetSizeDefault(mf->rho, budget - smallest, 2));
    PetscCall(SNAKhronosCountSize(mf->rho, PETSC_FALSE, 2, &rho));
  }
  PetscCall(SNAKhronosSetSizeDefault(mf->delta, budget - rho, 1));
  mf->size_values = nt * sna->dim_out;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAFit_MF(SNA sna, Vec X, Vec Y)
{
  SNA_MF        *mf = (SNA_MF *)sna->data;
  PetscLogDouble t0, t1;
  PetscBool      lf_fitted;

  PetscFunctionBegin;
  PetscCheck(mf->Xlf || SNAMFPartReady(mf->lf), PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "The multi-fidelity model has no LF part to correct: fit it with SNAMFFit() (snaps-fit on a file with /lf and /hf), or load a fitted one");
  PetscCheck(mf->blend == SNA_MF_AR1 || (mf->select == SNA_MF_SELECT_NONE && mf->rho_form == SNA_MF_RHO_FULL), PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "%s chooses the form of ar1's scale rho, but the blend is residual (no rho): drop it, or use -mf_blend ar1", mf->select == SNA_MF_SELECT_CV ? "-mf_select cv" : "-mf_rho_form");
  if (mf->blend != SNA_MF_AR1) {
    char given[256];

    PetscCall(PartOptionGiven(sna, "mf_rho_", given, sizeof(given)));
    PetscCheck(!given[0], PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "%s sets ar1's scale rho, but the blend is residual (no rho): drop it, or use -mf_blend ar1", given);
  }
  if (mf->blend != SNA_MF_AR1) PetscCall(JointOptionsRefuse(sna, "the blend residual does not run (use -mf_blend ar1 for it)", "delta"));
  if (mf->blend == SNA_MF_AR1) PetscCall(RhoOptionsRefuse(sna));
  if (mf->blend != SNA_MF_AR1 && SNAProgressStopChosen(sna)) PetscCall(SNAProgressStopRefuse(sna, "ar1's joint Levenberg-Marquardt stage, which the blend residual does not run (its parts have their own fits)", ", use -mf_blend ar1, or give the correction's fit its own (-mf_delta_sna_fit_progress_window with -mf_delta_sna_fit_type lm)"));
  mf->nested_rows = 0;
  PetscCall(SNAMFNestedDestroy(mf));
  if (mf->Xlf && mf->use_nested) PetscCall(NestedCreate(sna, X));
  lf_fitted = (PetscBool)(mf->Xlf && !mf->lf_given);
  if (mf->Xlf) PetscCall(FitLowFidelity(sna));
  if (mf->lf_given) {
    char what[512];

    PetscCall(PetscSNPrintf(what, sizeof(what), "HF samples lie outside the input box of the LF model fitted elsewhere (-mf_lf_model): %s, and the correction must absorb that (fit the LF model on a box that holds the HF inputs, -sna_bounds)", mf->lf->beyondbox ? mf->lf->beyondbox : "the model is extrapolated beyond its box"));
    PetscCall(SNAWarnOutsideBounds(mf->lf, X, what));
  }
  PetscCall(PetscTime(&t0));
  mf->corrected = PETSC_FALSE;
  PetscCall(CorrectionSizeDefault(sna, X));
  PetscCall(SelectRhoForm(sna, X, Y));
  PetscCall(FitCorrection(sna, X, Y));
  /* a converged correction of an LF part that did not converge is not a converged model */
  if (lf_fitted && mf->lf->reason < 0 && sna->reason > 0) PetscCall(SNAFitSetReason(sna, mf->lf->reason));
  PetscCall(SNAMFNestedDestroy(mf)); /* the model itself always evaluates its LF part */
  mf->corrected = PETSC_TRUE;
  PetscCall(PetscTime(&t1));
  mf->time_correction = t1 - t0;
  PetscCall(SNAMFCountParameters(sna));
  if (mf->blend == SNA_MF_AR1) PetscCall(RhoFitEnd(sna, X, Y));
  PetscFunctionReturn(0);
}

/* Without HF data: the LF part alone, and the model reports the LF part's fit as its own. */
/* Without HF data the correction is not fitted: options that set it (its parts' -mf_delta_* and -mf_rho_*, ar1's
   -mf_select, and -mf_nested_lf, its target at nested HF rows) would be read and ignored. Refused, as rho's options
   are under the blend residual. */
static PetscErrorCode CorrectionOptionsRefuse(SNA sna)
{
  SNA_MF *mf = (SNA_MF *)sna->data;
  char    given[256];

  PetscFunctionBegin;
  PetscCall(PartOptionGiven(sna, "mf_delta_", given, sizeof(given)));
  if (!given[0]) PetscCall(PartOptionGiven(sna, "mf_rho_", given, sizeof(given)));
  if (!given[0] && mf->select != SNA_MF_SELECT_NONE) PetscCall(PetscStrncpy(given, "-mf_select", sizeof(given)));
  if (!given[0]) PetscCall(PartOptionGiven(sna, "mf_nested_lf", given, sizeof(given)));
  PetscCheck(!given[0], PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "%s sets the correction, which is not fitted without HF data (-mf_hf_fraction 0: the model is its LF part alone): drop it, or give HF data (-mf_hf_fraction > 0)", given);
  PetscFunctionReturn(0);
}

static PetscErrorCode FitWithoutCorrection(SNA sna)
{
  SNA_MF *mf = (SNA_MF *)sna->data;
  SNA     lf = mf->lf;

  PetscFunctionBegin;
  PetscCall(FitLowFidelity(sna));
  mf->corrected       = PETSC_FALSE;
  mf->time_correction = 0;
  sna->iterations     = lf->iterations;
  sna->stats          = lf->stats;
  sna->reason         = lf->reason;
  sna->fit_mse        = lf->fit_mse;
  sna->fit_mse0       = lf->fit_mse0;
  sna->fit_scale      = lf->fit_scale;
  PetscCall(SNAMFCountParameters(sna));
  PetscCall(SNAViewFromOptions(sna, NULL, "-sna_view"));
  PetscFunctionReturn(0);
}

/*@
  SNAMFFit - Fits a multi-fidelity SNA: its LF part to the LF data, then its correction to the HF data

  Collective

  Input Parameters:
+ sna - an SNA of type mf
. Xlf - LF inputs (block size d), Ylf - LF values (block size q)
- Xhf - HF inputs, Yhf - HF values; both NULL: no correction, the model is its LF part alone (0% HF)

  Notes:
  Each part is fitted by its own fit and options (-mf_lf_sna_..., -mf_delta_sna_...); ar1's joint stage by the model's
  -sna_fit_ options; the model's own -sna_fit_type is auto and its loss least squares (others are refused, with or
  without HF data). The model's convergence reason and work are those of the correction (of the LF part without HF
  data), but an LF part fitted here that did not converge gives the model its reason; each part keeps its own
  (SNAMFGetParts()).

  Level: beginner

.seealso: SNAMF, SNAFit(), SNAMFGetFitTimes()
@*/
PetscErrorCode SNAMFFit(SNA sna, Vec Xlf, Vec Ylf, Vec Xhf, Vec Yhf)
{
  SNA_MF   *mf;
  PetscBool ismf;
  PetscInt  d, q;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidHeaderSpecific(Xlf, VEC_CLASSID, 2);
  PetscValidHeaderSpecific(Ylf, VEC_CLASSID, 3);
  PetscCall(PetscObjectTypeCompare((PetscObject)sna, SNAMF, &ismf));
  if (!ismf) PetscCall(SNATypeMethodMissing(sna, "SNAMFFit", SNAMF)); /* PETSC_ERR_SUP, as the other SNAMF...() */
  PetscCheck(!Xhf == !Yhf, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_NULL, "Give both HF inputs and values to SNAMFFit(), or neither");
  { /* a -sna_view that a fit's end could not show is refused before the first part's fit, not after it */
    SNA part[4] = {sna, NULL, NULL, NULL};

    PetscCall(SNAMFGetParts(sna, &part[1], &part[2], &part[3]));
    for (PetscInt i = 0; i < 4; i++)
      if (part[i]) PetscCall(SNACheckViewOption(part[i]));
  }
  if (Xhf) PetscCall(CheckRhoType(sna));
  { /* the model's own loss and fit type (lm and tao are registered for ar1's joint stage, which sets its own): with
       HF data others fail in SNAFit(), without them they would be read, ignored and reported as the model's (a
       least-squares LF part reported as a classifier of accuracy 1, fit irls) */
    SNAFitType  type;
    SNALossType loss;
    PetscBool   isauto;

    PetscCall(SNAGetLossType(sna, &loss));
    PetscCheck(loss != SNA_LOSS_CROSS_ENTROPY, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_loss cross_entropy: SNA type mf has no fit of the cross-entropy loss (its parts are fitted by least squares; irls, the fit of that loss, is khronos's): fit one group with -%ssna_type khronos -%ssna_fit_type irls (-data_group), or drop -%ssna_loss cross_entropy", SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna));
    /* ... and the LF part fitted here: a classifier's logits, to which the correction added least squares (the model
       ended worse than its start, "without lowering the training MSE 0.5 of its start") */
    SNA lf, delta;

    PetscCall(SNAMFGetParts(sna, &lf, &delta, NULL));
    if (!((SNA_MF *)sna->data)->lf_given) {
      PetscCall(SNAGetLossType(lf, &loss));
      PetscCheck(loss != SNA_LOSS_CROSS_ENTROPY, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%smf_lf_sna_loss cross_entropy: the LF part of a multi-fidelity model gives the values that the correction is fitted to by least squares, not the logits of a classifier: drop -%smf_lf_sna_loss cross_entropy", SNAMessagePrefix(sna), SNAMessagePrefix(sna));
    }
    /* ... and the correction: its targets are the HF values minus the LF ones, never class rows (the refusal after the
       LF fit blamed the user's targets: "The training targets Y: ... row 0 sums to 0.012: give class rows") */
    PetscCall(SNAGetLossType(delta, &loss));
    PetscCheck(loss != SNA_LOSS_CROSS_ENTROPY, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%smf_delta_sna_loss cross_entropy: the correction delta is added to the LF values and fitted by least squares to the HF values minus them, which are no class rows: drop -%smf_delta_sna_loss cross_entropy", SNAMessagePrefix(sna), SNAMessagePrefix(sna));
    PetscCall(SNAGetFitType(sna, &type));
    PetscCall(PetscStrcmp(type, SNAFITAUTO, &isauto));
    PetscCheck(!type || isauto, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_fit_type %s: a multi-fidelity SNA is fitted by its parts' own fits (-%ssna_fit_type auto); choose their fits with -%smf_lf_sna_fit_type and -%smf_delta_sna_fit_type", SNAMessagePrefix(sna), type, SNAMessagePrefix(sna), SNAMessagePrefix(sna), SNAMessagePrefix(sna));
  }
  if (sna->validation > 0) PetscCall(SNAFitCheckValidation(sna)); /* also without HF data, where SNAFit() is not called */
  /* without HF data there is no joint stage: the stop would be unused */
  if (!Xhf) PetscCall(SNAValidationRuleRefuse(sna, "without HF data (-mf_hf_fraction 0) the model is its LF part alone and runs no joint fit"));
  if (!Xhf) PetscCall(CorrectionOptionsRefuse(sna));
  if (!Xhf) PetscCall(JointOptionsRefuse(sna, "does not run without HF data (-mf_hf_fraction 0: the model is its LF part alone)", "lf"));
  if (!Xhf && SNAProgressStopChosen(sna)) PetscCall(SNAProgressStopRefuse(sna, "ar1's joint Levenberg-Marquardt stage, which does not run without HF data (-mf_hf_fraction 0: the model is its LF part alone)", ", give HF data (-mf_hf_fraction > 0), or give the LF part's fit its own (-mf_lf_sna_fit_progress_window with -mf_lf_sna_fit_type lm)"));
  mf = (SNA_MF *)sna->data;
  PetscCall(VecGetBlockSize(Xlf, &d));
  PetscCall(VecGetBlockSize(Ylf, &q));
  if (sna->dim_in < 0) PetscCall(SNASetSizes(sna, d, q));
  PetscCall(PetscObjectReference((PetscObject)Xlf));
  PetscCall(PetscObjectReference((PetscObject)Ylf));
  PetscCall(VecDestroy(&mf->Xlf));
  PetscCall(VecDestroy(&mf->Ylf));
  mf->Xlf = Xlf;
  mf->Ylf = Ylf;
  PetscCall(SNASetUp(sna));
  PetscCall(SharedBox(sna, Xlf, Xhf));
  if (Xhf)
    PetscCall(SNAFit(sna, Xhf, Yhf));
  else {
    PetscCall(FitWithoutCorrection(sna));
  }
  PetscFunctionReturn(0);
}
