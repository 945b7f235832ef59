static const char help[] = "snaps-pod: builds a surrogate initial-guess model (for -ksp_guess_type sna) from training snapshots.\n\n"
                           "  -snapshots <s.h5>     snapshot file: /X (N x q parameters), /U (N x n solutions), optional /B (right-hand\n"
                           "                        sides), natural ordering, operator fingerprint (see snaps/snapshots.h)\n"
                           "  -model <m.h5>         the model, written atomically (contract in snaps/snaguess.h)\n"
                           "  -pod_tol <t>          keep the fewest POD modes whose relative projection error over the snapshots is <= t (1e-8)\n"
                           "  -pod_max_modes <k>    at most k modes (default: N)\n"
                           "  -rhs_tol <t>, -rhs_max_modes <r>  the same for the right-hand-side basis (1e-8, 8)\n"
                           "  -rhs_map linear|sna   right-hand-side coordinates -> solution coordinates: least-squares affine map\n"
                           "                        (exact when the operator is fixed; default) or an SNA (rhs_ options below)\n"
                           "  -no_rhs               no /rhs group (guesses then need the parameters)\n"
                           "  -pod_sna_tol <t>      the SNA predicts only the leading ks coordinates, the fewest whose projection error\n"
                           "                        is <= t (default: all k); the Galerkin correction still has all k modes\n"
                           "  -pod_sna_max_modes <ks>  at most ks coordinates for the SNA\n"
                           "  -operators <rec.h5>   with -model and without -snapshots: fit the reduced operator V^T A(mu) V of the\n"
                           "                        model from the records of -ksp_guess_sna_record_operators and add it to the model\n"
                           "                        (group /operator), so that the Galerkin correction of a new operator costs no work\n"
                           "                        of size n; -operator_degree <p>: polynomial degree in mu (1: affine); the records\n"
                           "                        need parameters that vary independently, more records than terms\n"
                           "  -results <r.json>     JSON report: sizes, singular values, fit errors and stop reasons, times, machine;\n"
                           "                        (rhs_)modes_stop_reason: CONVERGED_TOL, CONVERGED_DEPENDENT (every direction kept) or\n"
                           "                        STOPPED_MAX_MODES (the -pod/-rhs_max_modes cap stopped it before the tolerance: warned)\n"
                           "The SNA mu -> POD coordinates takes the -sna_ options (-sna_khronos_degree, -sna_khronos_nodes,\n"
                           "  -sna_khronos_modes, -sna_fit_max_it, -sna_bounds, -sna_monitor, ...); the SNA right-hand-side\n"
                           "  coordinates -> POD coordinates the same options prefixed by rhs_ (-rhs_sna_khronos_modes, ...).\n"
                           "A misspelt or inapplicable option is reported before the snapshots are read and the SNAs fitted (with -operators,\n"
                           "  before the reduced operator is fitted: an -sna_ option does not apply there).\n"
                           "The POD is the same to rounding on any number of ranks; an SNA with more parameters than values (warned)\n"
                           "  is not determined by them, and its predictions between the snapshots then depend on rounding, hence on\n"
                           "  the rank count (on tests/fuzz/corpus/snapshots/ex2.h5 by about 1e-15 / -sna_fit_lambda relative): give\n"
                           "  it fewer parameters or a larger -sna_fit_lambda (README, \"Surrogate initial guesses in any PETSc program\").\n";

#include <snaps.h>
#include <petscblaslapack.h>

/* Coordinates C[i*k + j] = <v_j, s_i> of N snapshots in k orthonormal modes (all ranks get all). */
static PetscErrorCode Coordinates(PetscInt N, const Vec S[], PetscInt k, const Vec V[], PetscScalar C[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < N; i++) PetscCall(VecMDot(S[i], k, (Vec *)V, C + i * k));
  PetscFunctionReturn(0);
}

/* A sample Vec with the row distribution of X (block size k), filled from the global array C (N x k). */
static PetscErrorCode RowsLike(Vec X, PetscInt k, const PetscScalar C[], Vec *Y)
{
  PetscInt     bs, lo, hi;
  PetscScalar *y;

  PetscFunctionBegin;
  PetscCall(VecGetBlockSize(X, &bs));
  PetscCall(VecGetOwnershipRange(X, &lo, &hi));
  lo /= bs;
  hi /= bs;
  PetscCall(VecCreate(PetscObjectComm((PetscObject)X), Y));
  PetscCall(VecSetSizes(*Y, (hi - lo) * k, PETSC_DETERMINE));
  PetscCall(VecSetBlockSize(*Y, k));
  PetscCall(VecSetFromOptions(*Y));
  PetscCall(VecGetArray(*Y, &y));
  PetscCall(PetscArraycpy(y, C + lo * k, (hi - lo) * k));
  PetscCall(VecRestoreArray(*Y, &y));
  PetscFunctionReturn(0);
}

/* Relative errors |c_pred - c| / |c| of predictions P against C (N x k, every rank), mean and max. */
static void RelativeErrors(PetscInt N, PetscInt k, const PetscScalar P[], const PetscScalar C[], PetscReal *mean_err, PetscReal *max_err)
{
  *mean_err = *max_err = 0;
  for (PetscInt i = 0; i < N; i++) {
    PetscReal num = 0, den = 0, e;
    for (PetscInt j = 0; j < k; j++) {
      num += PetscSqr(PetscRealPart(P[i * k + j] - C[i * k + j]));
      den += PetscSqr(PetscRealPart(C[i * k + j]));
    }
    e = den > 0 ? PetscSqrtReal(num / den) : PetscSqrtReal(num);
    *mean_err += e / N;
    *max_err = PetscMax(*max_err, e);
  }
}

/* Fits an SNA inputs -> C; returns the relative errors |c_pred - c| / |c| over the samples (mean and
   max), which equal the relative field errors of the prediction within the POD space. */
static PetscErrorCode FitCoordinates(const char prefix[], Vec inputs, PetscInt k, const PetscScalar C[], SNA *sna, PetscReal *mean_err, PetscReal *max_err, PetscReal *seconds)
{
  MPI_Comm           comm = PetscObjectComm((PetscObject)inputs);
  Vec                Y, P;
  PetscInt           d, n;
  const PetscScalar *y, *p;
  PetscReal          sums[2] = {0, 0}, local_max = 0;
  PetscLogDouble     t0, t1;
  SNAConvergedReason reason;
  const char        *who = prefix ? "snaps-pod (the SNA of -rhs_map sna: right-hand-side coordinates -> POD coordinates)" : "snaps-pod (the SNA parameters -> POD coordinates)";

  PetscFunctionBegin;
  PetscCall(VecGetBlockSize(inputs, &d));
  PetscCall(RowsLike(inputs, k, C, &Y));
  PetscCall(SNACreate(comm, sna));
  if (prefix) PetscCall(SNASetOptionsPrefix(*sna, prefix));
  PetscCall(SNASetSizes(*sna, d, k));
  PetscCall(SNASetFromOptions(*sna));
  PetscCall(PetscTime(&t0));
  PetscCall(SNAFit(*sna, inputs, Y));
  PetscCall(PetscTime(&t1));
  *seconds = (PetscReal)(t1 - t0);
  PetscCall(SNACheckFitUsable(*sna, who));
  PetscCall(SNAGetConvergedReason(*sna, &reason));
  /* the prefix was pasted before "SNA" ("rhs_SNA fit did not converge"): the SNA is named as everywhere else here */
  if (reason < 0) PetscCall(PetscPrintf(comm, "WARNING: %s: the fit (-%ssna_ options) did not converge (%s): the model keeps its best iterate\n", who, prefix ? prefix : "", SNAConvergedReasons[reason]));
  /* the defaults are sized for no data set: 12 snapshots fitted by them gave a guess worse than none, silently */
  PetscCall(SNAWarnOverParameterised(*sna, PETSC_DETERMINE, who));
  PetscCall(VecDuplicate(Y, &P));
  PetscCall(SNAEvaluate(*sna, inputs, P));
  PetscCall(VecGetLocalSize(Y, &n));
  PetscCall(VecGetArrayRead(Y, &y));
  PetscCall(VecGetArrayRead(P, &p));
  RelativeErrors(n / k, k, p, y, &sums[0], &local_max);
  sums[0] *= n / k; /* sum of the local errors */
  sums[1] = n / k;
  PetscCall(VecRestoreArrayRead(P, &p));
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, sums, 2, MPIU_REAL, MPIU_SUM, comm));
  PetscCall(MPIU_Allreduce(&local_max, max_err, 1, MPIU_REAL, MPIU_MAX, comm));
  *mean_err = sums[1] > 0 ? sums[0] / sums[1] : 0;
  PetscCall(VecDestroy(&P));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* Least-squares affine map z -> c (map: k x (r + 1), row j = (L_j, offset_j)) from N pairs, by LAPACK
   dgelss (minimum-norm SVD solution, so dependent inputs are harmless). Every rank computes the same. */
static PetscErrorCode FitAffineMap(PetscInt N, PetscInt r, const PetscScalar Z[], PetscInt k, const PetscScalar C[], PetscReal map[], PetscReal *mean_err, PetscReal *max_err)
{
  PetscScalar   *A, *Bm, *P, *work;
  PetscReal     *sv, rcond = 1e-13;
  PetscBLASInt   bN, bc, bk, ldb, rank, lwork, info;
  const PetscInt nc = r + 1, ld = PetscMax(N, nc);

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(N, &bN));
  PetscCall(PetscBLASIntCast(nc, &bc));
  PetscCall(PetscBLASIntCast(k, &bk));
  PetscCall(PetscBLASIntCast(ld, &ldb));
  lwork = 5 * (bN + bc + bk) + 3 * bc * bk + 64 * (bN + bc);
  PetscCall(PetscMalloc5(N * nc, &A, ld * k, &Bm, N * k, &P, lwork, &work, nc, &sv));
  for (PetscInt i = 0; i < N; i++) { /* column-major N x (r + 1): [Z 1] */
    for (PetscInt c = 0; c < r; c++) A[c * N + i] = Z[i * r + c];
    A[r * N + i] = 1.0;
  }
  for (PetscInt j = 0; j < k; j++)
    for (PetscInt i = 0; i < N; i++) Bm[j * ld + i] = C[i * k + j];
  PetscCallBLAS("LAPACKgelss", LAPACKgelss_(&bN, &bc, &bk, A, &bN, Bm, &ldb, sv, &rcond, &rank, work, &lwork, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK dgelss failed (info %d) fitting the right-hand-side map", (int)info);
  for (PetscInt j = 0; j < k; j++)
    for (PetscInt c = 0; c < nc; c++) map[j * nc + c] = PetscRealPart(Bm[j * ld + c]);
  for (PetscInt i = 0; i < N; i++)
    for (PetscInt j = 0; j < k; j++) {
      P[i * k + j] = map[j * nc + r];
      for (PetscInt c = 0; c < r; c++) P[i * k + j] += map[j * nc + c] * Z[i * r + c];
    }
  RelativeErrors(N, k, P, C, mean_err, max_err);
  PetscCall(PetscFree5(A, Bm, P, work, sv));
  PetscFunctionReturn(0);
}

static PetscLogEvent POD_LOAD, POD_BASIS, POD_RHSMAP;

/* A basis of k modes stopped by its largest number (capopt) before its tolerance (tolopt) is a cap, not convergence:
   said, naming both (the shortfall showed only in the projection error); *reason (SNAPSPODStopReason()) is reported.
   A WARNING where the user set either; with both defaults (the right-hand-side basis of any moving load: 8 modes
   against 1e-8) a plain line saying what it means, since the default cap is the guess's choice (note). */
static PetscErrorCode ModesStop(const char what[], PetscInt N, const PetscReal sigma[], PetscInt k, const char tolopt[], PetscReal tol, PetscBool tolset, const char capopt[], PetscBool capset, const char note[], const char **reason)
{
  PetscFunctionBegin;
  PetscCall(SNAPSPODStopReason(N, sigma, k, tol, reason));
  if (strcmp(*reason, "STOPPED_MAX_MODES")) PetscFunctionReturn(0);
  if (capset || tolset || !note)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "WARNING: snaps-pod: %s %" PetscInt_FMT "%s stopped the %s at %" PetscInt_FMT " modes before %s %g was met: its projection error is %.3e (raise %s, or give a larger %s)\n", capopt, k, capset ? "" : " (the default)", what, k, tolopt, (double)tol, (double)SNAPSPODProjectionError(N, sigma, k), capopt, tolopt));
  else
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: the %s stopped at %s %" PetscInt_FMT " (the default) before %s %g (the default): projection error %.3e; %s\n", what, capopt, k, tolopt, (double)tol, (double)SNAPSPODProjectionError(N, sigma, k), note));
  PetscFunctionReturn(0);
}

static const char *const RHSMaps[] = {"linear", "sna"};

/* The program's options, read once by PODOptionsRead(); the _set flags record which were given, so that an option of
   the mode a run does not do (or of a basis it does not build) is refused rather than ignored. */
typedef struct {
  char      snapfile[PETSC_MAX_PATH_LEN], modelfile[PETSC_MAX_PATH_LEN], results[PETSC_MAX_PATH_LEN], opfile[PETSC_MAX_PATH_LEN];
  PetscBool hassnap, hasmodel, hasresults, hasop, norhs;
  PetscInt  rhsmap; /* index in RHSMaps */
  PetscReal podtol, rhstol, snatol;
  PetscInt  maxk, maxr, maxks, opdegree;
  PetscBool podtol_set, maxk_set, rhstol_set, maxr_set, rhsmap_set, norhs_set, snatol_set, maxks_set, opdegree_set;
} PODOptions;

/* What building a model from snapshots makes: the snapshots, the two bases with their coordinates, the fits, their errors. */
typedef struct {
  char           fingerprint[SNAPS_FINGERPRINT_LEN];
  PetscInt       N, q, n, k, ks, r;
  Vec            X, Z, *U, *B, *V, *W;
  PetscScalar   *C, *Cs, *ZC;
  PetscReal     *sigma, *rsigma, *affine;
  PetscReal      fit_mean, fit_max, fit_s, rfit_mean, rfit_max, rfit_s;
  const char    *kstop, *rstop; /* why each basis has its modes (SNAPSPODStopReason()) */
  SNA            sna, rsna;
  PetscLogDouble t0, t1;
} PODBuild;

static PetscErrorCode PODOptionsRead(PODOptions *o)
{
  const char *named[4] = {"-snapshots", "-model", "-operators", "-results"};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  o->podtol = o->rhstol = 1e-8;
  o->maxk = o->maxks = PETSC_DETERMINE;
  o->maxr            = 8;
  o->opdegree        = 1;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "snaps-pod options", NULL);
  PetscCall(PetscOptionsString("-snapshots", "Snapshot file (HDF5)", NULL, o->snapfile, o->snapfile, sizeof(o->snapfile), &o->hassnap));
  PetscCall(PetscOptionsString("-model", "Model file to write (HDF5)", NULL, o->modelfile, o->modelfile, sizeof(o->modelfile), &o->hasmodel));
  PetscCall(PetscOptionsReal("-pod_tol", "Relative projection error of the kept POD modes", NULL, o->podtol, &o->podtol, &o->podtol_set));
  PetscCall(PetscOptionsInt("-pod_max_modes", "Largest number of POD modes", NULL, o->maxk, &o->maxk, &o->maxk_set));
  PetscCall(PetscOptionsReal("-rhs_tol", "Relative projection error of the kept right-hand-side modes", NULL, o->rhstol, &o->rhstol, &o->rhstol_set));
  PetscCall(PetscOptionsInt("-rhs_max_modes", "Largest number of right-hand-side modes", NULL, o->maxr, &o->maxr, &o->maxr_set));
  PetscCall(PetscOptionsEList("-rhs_map", "Map from right-hand-side coordinates to solution coordinates", NULL, RHSMaps, 2, RHSMaps[o->rhsmap], &o->rhsmap, &o->rhsmap_set));
  PetscCall(PetscOptionsBool("-no_rhs", "Build no /rhs group", NULL, o->norhs, &o->norhs, &o->norhs_set));
  PetscCall(PetscOptionsReal("-pod_sna_tol", "The SNA predicts the fewest leading coordinates whose projection error is <= this", NULL, o->snatol, &o->snatol, &o->snatol_set));
  PetscCall(PetscOptionsInt("-pod_sna_max_modes", "Largest number of coordinates the SNA predicts", NULL, o->maxks, &o->maxks, &o->maxks_set));
  PetscCall(PetscOptionsString("-operators", "Reduced-operator records (from -ksp_guess_sna_record_operators) to fit into the -model", NULL, o->opfile, o->opfile, sizeof(o->opfile), &o->hasop));
  PetscCall(PetscOptionsInt("-operator_degree", "Polynomial degree in the parameters of the reduced-operator model", NULL, o->opdegree, &o->opdegree, &o->opdegree_set));
  PetscCall(PetscOptionsString("-results", "JSON report file", NULL, o->results, o->results, sizeof(o->results), &o->hasresults));
  /* given without a name, each was read as absent: "-operators" without a name silently fitted no operator model */
  PetscCall(SNAPSOptionsCheckFileNames(PETSC_COMM_WORLD, NULL, 4, named));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* -help: shows the options of both SNAs (parameters -> coordinates, and rhs_), before any check or work */
static PetscErrorCode ViewSNAOptions(void)
{
  SNA sna;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNASetOptionsPrefix(sna, "rhs_"));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* -operators: the model's basis is read as it is, so options of building one would be ignored: refused */
static PetscErrorCode CheckOperatorOptions(const PODOptions *o)
{
  const char *snapopts[] = {"-pod_tol", "-pod_max_modes", "-rhs_tol", "-rhs_max_modes", "-rhs_map", "-no_rhs", "-pod_sna_tol", "-pod_sna_max_modes"};
  PetscBool   snapsets[] = {o->podtol_set, o->maxk_set, o->rhstol_set, o->maxr_set, o->rhsmap_set, o->norhs_set, o->snatol_set, o->maxks_set};

  PetscFunctionBegin;
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(snapopts); i++) PetscCheck(!snapsets[i], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s applies to building a model from -snapshots, but -operators only adds the reduced operator to the existing model '%s': drop %s (or build the model first, without -operators)", snapopts[i], o->modelfile, snapopts[i]);
  PetscCheck(o->opdegree >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-operator_degree must be at least 1 (1: affine in the parameters), not %" PetscInt_FMT, o->opdegree);
  PetscCheck(o->hasmodel, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-operators needs -model <m.h5>: the model the operators were recorded with");
  PetscCheck(!o->hassnap, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-operators and -snapshots do not go together: the records belong to the basis of an existing model, which new snapshots would replace. Build the model first, record, then run snaps-pod -model m.h5 -operators rec.h5");
  { /* the model is read and extended in place: an output, which the records and the report must not be */
    const char *inopts[1] = {"-operators"}, *ins[1] = {o->opfile}, *outopts[2] = {"-model", "-results"}, *outs[2] = {o->modelfile, o->results};
    PetscCall(SNAPSCheckFiles(PETSC_COMM_WORLD, 1, inopts, ins, 2, outopts, outs));
  }
  PetscFunctionReturn(0);
}

/* The second step, -operators: fits the reduced operator V^T A(mu) V of an existing model to the records, adds it to
   the model, reports the fit */
static PetscErrorCode AddReducedOperator(const PODOptions *o)
{
  PetscReal      misfit;
  PetscInt       T, nrec, kop;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(CheckOperatorOptions(o));
  /* no SNA is made here (the model's is kept as it is): an -sna_ option was heard of only after the fit */
  PetscCall(SNAPSOptionsWarnUnusedEarly(PETSC_COMM_WORLD));
  PetscCall(PetscTime(&t0));
  PetscCall(SNAGuessModelFitOperator(PETSC_COMM_WORLD, o->modelfile, o->opfile, o->opdegree, &misfit, &T, &nrec, &kop));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: reduced operator of %" PetscInt_FMT " modes, polynomial of degree %" PetscInt_FMT " in the parameters (%" PetscInt_FMT " terms), fitted to %" PetscInt_FMT " records: misfit %.3e (%.2f s); added to %s\n", kop, o->opdegree, T, nrec, (double)misfit, (double)(t1 - t0), o->modelfile));
  if (misfit > 1e-8) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: WARNING the misfit is large: the operator is not a polynomial of degree %" PetscInt_FMT " in the parameters; the Galerkin correction will be less accurate (a higher -operator_degree and more records may help)\n", o->opdegree));
  if (o->hasresults) {
    SNAPSReport report;
    PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
    PetscCall(SNAPSReportSetString(report, "program", "snaps-pod"));
    PetscCall(SNAPSReportSetString(report, "model", o->modelfile));
    PetscCall(SNAPSReportSetString(report, "operators", o->opfile));
    PetscCall(SNAPSReportSetInt(report, "operator_modes", kop));
    PetscCall(SNAPSReportSetInt(report, "operator_degree", o->opdegree));
    PetscCall(SNAPSReportSetInt(report, "operator_terms", T));
    PetscCall(SNAPSReportSetInt(report, "operator_records", nrec));
    PetscCall(SNAPSReportSetReal(report, "operator_fit_rel_error", misfit));
    PetscCall(SNAPSReportSetReal(report, "wall_time_s", (PetscReal)(t1 - t0)));
    PetscCall(SNAPSReportWrite(report, o->results));
    PetscCall(SNAPSReportDestroy(&report));
  }
  PetscFunctionReturn(0);
}

/* Building from -snapshots: every check that needs no file read, in the order the user hears them */
static PetscErrorCode CheckBuildOptions(const PODOptions *o)
{
  const char *rhsopts[] = {"-rhs_tol", "-rhs_max_modes", "-rhs_map"};
  PetscBool   rhssets[] = {o->rhstol_set, o->maxr_set, o->rhsmap_set};

  PetscFunctionBegin;
  PetscCheck(!o->opdegree_set, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-operator_degree %" PetscInt_FMT " applies to the reduced-operator fit (-operators rec.h5 -model m.h5), which this run does not do: give -operators, or drop -operator_degree", o->opdegree);
  PetscCheck(o->hassnap, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -snapshots <s.h5>: the training snapshots (run with -help for all options)");
  PetscCheck(o->hasmodel, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -model <m.h5>: where to write the model");
  {
    const char *inopts[1] = {"-snapshots"}, *ins[1] = {o->snapfile}, *outopts[2] = {"-model", "-results"}, *outs[2] = {o->modelfile, o->results};
    PetscCall(SNAPSCheckFiles(PETSC_COMM_WORLD, 1, inopts, ins, 2, outopts, outs)); /* -sna_monitor ascii:<snapshots> emptied them */
  }
  PetscCheck(o->podtol >= 0 && o->podtol < 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pod_tol must be in [0, 1), not %g", (double)o->podtol);
  PetscCheck(o->rhstol >= 0 && o->rhstol < 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-rhs_tol must be in [0, 1), not %g", (double)o->rhstol);
  /* -no_rhs builds no right-hand-side basis: the options of one would be ignored */
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(rhsopts); i++) PetscCheck(!o->norhs || !rhssets[i], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s applies to the right-hand-side basis, which -no_rhs does not build: drop %s or -no_rhs", rhsopts[i], rhsopts[i]);
  PetscCheck(o->maxk == PETSC_DETERMINE || o->maxk >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pod_max_modes must be at least 1, not %" PetscInt_FMT, o->maxk);
  PetscCheck(o->maxr >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-rhs_max_modes must be at least 1, not %" PetscInt_FMT, o->maxr);
  PetscCheck(o->snatol >= 0 && o->snatol < 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pod_sna_tol must be in [0, 1), not %g", (double)o->snatol);
  PetscCheck(o->maxks == PETSC_DETERMINE || o->maxks >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pod_sna_max_modes must be at least 1, not %" PetscInt_FMT, o->maxks);
  PetscFunctionReturn(0);
}

/* The SNA fits' options, read now on SNAs made as FitCoordinates() makes them (the right-hand sides' only for
   -rhs_map sna): every option is then read, and a misspelt one is reported before the fits, not after them */
static PetscErrorCode ReadSNAOptionsEarly(const PODOptions *o)
{
  PetscInt nsna = !o->norhs && o->rhsmap == 1 ? 2 : 1;
  SNA      sna;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < nsna; i++) {
    PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
    if (i) PetscCall(SNASetOptionsPrefix(sna, "rhs_"));
    PetscCall(SNASetFromOptions(sna));
    PetscCall(SNAReadFitOptions(sna));
    PetscCall(SNADestroy(&sna));
  }
  PetscCall(SNAPSOptionsWarnUnusedEarly(PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

/* SNAPSPODCompute() refuses all-zero snapshots without knowing which dataset they are: say it here, naming the dataset
   and what to do (all-zero right-hand sides /B said only "All 9 snapshots are zero", after the solutions' fit) */
static PetscErrorCode CheckNotAllZero(const PODOptions *o, PetscInt N, const Vec v[], const char dataset[], const char remedy[])
{
  PetscReal norm = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < N && norm == 0; i++) PetscCall(VecNorm(v[i], NORM_INFINITY, &norm));
  PetscCheck(norm != 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Every row of %s in the snapshot file '%s' is zero (%" PetscInt_FMT " snapshots): %s", dataset, o->snapfile, N, remedy);
  PetscFunctionReturn(0);
}

/* Reads the snapshots (the right-hand sides unless -no_rhs); a file without /B builds no right-hand-side basis, so
   the options of one are refused */
static PetscErrorCode LoadSnapshots(const PODOptions *o, PODBuild *b)
{
  const char *rhsopts[] = {"-rhs_tol", "-rhs_max_modes", "-rhs_map"};
  PetscBool   rhssets[] = {o->rhstol_set, o->maxr_set, o->rhsmap_set};

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(POD_LOAD, 0, 0, 0, 0));
  PetscCall(SNAPSSnapshotsLoad(PETSC_COMM_WORLD, o->snapfile, &b->N, &b->X, &b->U, o->norhs ? NULL : &b->B, b->fingerprint));
  PetscCall(PetscLogEventEnd(POD_LOAD, 0, 0, 0, 0));
  if (!o->norhs && !b->B)
    for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(rhsopts); i++) PetscCheck(!rhssets[i], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s applies to the right-hand-side basis, but the snapshot file '%s' has no right-hand sides /B: drop %s, or write snapshots with /B", rhsopts[i], o->snapfile, rhsopts[i]);
  /* before any fit: all-zero right-hand sides were refused only after the solutions' */
  PetscCall(CheckNotAllZero(o, b->N, b->U, "the solutions /U", "there is nothing to model; check the run that wrote them"));
  if (b->B) PetscCall(CheckNotAllZero(o, b->N, b->B, "the right-hand sides /B", "they give no basis to map; run with -no_rhs (the guesses then take the parameters), or write the right-hand sides of the training solves"));
  PetscCall(VecGetBlockSize(b->X, &b->q));
  PetscCall(VecGetSize(b->U[0], &b->n));
  PetscFunctionReturn(0);
}

/* Solutions: POD basis and coordinates, then the SNA mu -> the leading ks coordinates, the fewest with projection
   error <= -pod_sna_tol (at most -pod_sna_max_modes) */
static PetscErrorCode FitSolutionCoordinates(const PODOptions *o, PODBuild *b)
{
  const PetscInt N = b->N;
  PetscMPIInt    size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscLogEventBegin(POD_BASIS, 0, 0, 0, 0));
  PetscCall(SNAPSPODCompute(N, b->U, o->podtol, o->maxk, &b->k, &b->V, &b->sigma));
  PetscCall(PetscMalloc1(N * b->k, &b->C));
  PetscCall(Coordinates(N, b->U, b->k, b->V, b->C));
  PetscCall(PetscLogEventEnd(POD_BASIS, 0, 0, 0, 0));
  PetscCall(ModesStop("POD basis", N, b->sigma, b->k, "-pod_tol", o->podtol, o->podtol_set, "-pod_max_modes", o->maxk_set, NULL, &b->kstop));
  for (b->ks = 1; b->ks < b->k && SNAPSPODProjectionError(N, b->sigma, b->ks) > o->snatol; b->ks++) {}
  if (o->maxks != PETSC_DETERMINE && o->maxks < b->ks) {
    b->ks = o->maxks; /* the default -pod_sna_tol (0: all k) is no tolerance the user asked for */
    if (o->snatol_set) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "WARNING: snaps-pod: -pod_sna_max_modes %" PetscInt_FMT " stopped the SNA's coordinates at %" PetscInt_FMT " before -pod_sna_tol %g was met: their projection error is %.3e (raise -pod_sna_max_modes, or give a larger -pod_sna_tol)\n", b->ks, b->ks, (double)o->snatol, (double)SNAPSPODProjectionError(N, b->sigma, b->ks)));
  }
  PetscCall(PetscMalloc1(N * b->ks, &b->Cs));
  for (PetscInt i = 0; i < N; i++)
    for (PetscInt j = 0; j < b->ks; j++) b->Cs[i * b->ks + j] = b->C[i * b->k + j];
  PetscCall(FitCoordinates(NULL, b->X, b->ks, b->Cs, &b->sna, &b->fit_mean, &b->fit_max, &b->fit_s));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: %" PetscInt_FMT " snapshots of size %" PetscInt_FMT ", %" PetscInt_FMT " parameters, %d ranks\n", N, b->n, b->q, size));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: %" PetscInt_FMT " POD modes (sigma %.3e .. %.3e), projection error %.3e; SNA mu -> the first %" PetscInt_FMT " coordinates (projection error %.3e): training error mean %.3e, max %.3e (%.2f s)\n", b->k, (double)b->sigma[0], (double)b->sigma[b->k - 1], (double)SNAPSPODProjectionError(N, b->sigma, b->k), b->ks, (double)SNAPSPODProjectionError(N, b->sigma, b->ks), (double)b->fit_mean, (double)b->fit_max, (double)b->fit_s));
  PetscFunctionReturn(0);
}

/* Right-hand sides (when the snapshots hold them): basis, their coordinates as inputs, the map (-rhs_map) from them
   to the solution coordinates */
static PetscErrorCode FitRHSMap(const PODOptions *o, PODBuild *b)
{
  const PetscInt N = b->N, k = b->k;

  PetscFunctionBegin;
  if (!b->B) PetscFunctionReturn(0);
  PetscCall(PetscLogEventBegin(POD_BASIS, 0, 0, 0, 0));
  PetscCall(SNAPSPODCompute(N, b->B, o->rhstol, o->maxr, &b->r, &b->W, &b->rsigma));
  PetscCall(PetscMalloc1(N * b->r, &b->ZC));
  PetscCall(Coordinates(N, b->B, b->r, b->W, b->ZC));
  PetscCall(PetscLogEventEnd(POD_BASIS, 0, 0, 0, 0));
  PetscCall(ModesStop("right-hand-side basis", N, b->rsigma, b->r, "-rhs_tol", o->rhstol, o->rhstol_set, "-rhs_max_modes", o->maxr_set,
                      "a guess from the right-hand side alone (no parameters given) is that approximate. Raise -rhs_max_modes where the guess reads its parameters from the right-hand side (at half the solution modes or more, -ksp_guess_sna_reduced_rhs saves nothing)", &b->rstop));
  PetscCall(PetscLogEventBegin(POD_RHSMAP, 0, 0, 0, 0));
  if (o->rhsmap == 1) {
    PetscCall(RowsLike(b->X, b->r, b->ZC, &b->Z));
    PetscCall(FitCoordinates("rhs_", b->Z, k, b->C, &b->rsna, &b->rfit_mean, &b->rfit_max, &b->rfit_s));
  } else {
    PetscLogDouble ta, tb;
    PetscCall(PetscTime(&ta));
    PetscCall(PetscMalloc1(k * (b->r + 1), &b->affine));
    PetscCall(FitAffineMap(N, b->r, b->ZC, k, b->C, b->affine, &b->rfit_mean, &b->rfit_max));
    PetscCall(PetscTime(&tb));
    b->rfit_s = (PetscReal)(tb - ta);
  }
  PetscCall(PetscLogEventEnd(POD_RHSMAP, 0, 0, 0, 0));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: %" PetscInt_FMT " right-hand-side modes, projection error %.3e; %s map rhs -> coordinates: training error mean %.3e, max %.3e (%.2f s)\n", b->r, (double)SNAPSPODProjectionError(N, b->rsigma, b->r), o->rhsmap ? "SNA" : "affine", (double)b->rfit_mean, (double)b->rfit_max, (double)b->rfit_s));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteModel(const PODOptions *o, PODBuild *b)
{
  SNAGuessModelData data;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&data, sizeof(data)));
  data.fingerprint     = b->fingerprint;
  data.n_snapshots     = b->N;
  data.k               = b->k;
  data.basis           = b->V;
  data.sigma           = b->sigma;
  data.sna             = b->sna;
  data.r               = b->r;
  data.rhs_basis       = b->W;
  data.rhs_n_snapshots = b->N;
  data.rhs_sigma       = b->rsigma;
  data.rhs_sna         = b->rsna;
  data.rhs_map         = b->affine;
  PetscCall(SNAGuessModelWrite(o->modelfile, &data));
  PetscCall(PetscTime(&b->t1));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: model written to %s (%.2f s in all)\n", o->modelfile, (double)(b->t1 - b->t0)));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteBuildReport(const PODOptions *o, const PODBuild *b)
{
  const PetscInt N = b->N;
  SNAPSReport    report;

  PetscFunctionBegin;
  PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
  PetscCall(SNAPSReportSetString(report, "program", "snaps-pod"));
  PetscCall(SNAPSReportSetString(report, "snapshots", o->snapfile));
  PetscCall(SNAPSReportSetString(report, "model", o->modelfile));
  PetscCall(SNAPSReportSetString(report, "fingerprint", b->fingerprint));
  PetscCall(SNAPSReportSetInt(report, "n_snapshots", N));
  PetscCall(SNAPSReportSetInt(report, "vector_size", b->n));
  PetscCall(SNAPSReportSetInt(report, "n_mu", b->q)); /* the PDE parameters; n_params (trainable, as in snaps-fit) is sna_n_params */
  PetscCall(SNAPSReportSetInt(report, "n_modes", b->k));
  PetscCall(SNAPSReportSetInt(report, "sna_modes", b->ks));
  PetscCall(SNAPSReportSetReal(report, "sna_projection_error", SNAPSPODProjectionError(N, b->sigma, b->ks)));
  PetscCall(SNAPSReportSetRealArray(report, "singular_values", N, b->sigma));
  PetscCall(SNAPSReportSetReal(report, "projection_error", SNAPSPODProjectionError(N, b->sigma, b->k)));
  PetscCall(SNAPSReportSetString(report, "modes_stop_reason", b->kstop)); /* STOPPED_MAX_MODES: -pod_max_modes, not -pod_tol */
  PetscCall(SNAPSReportSetReal(report, "fit_rel_error_mean", b->fit_mean));
  PetscCall(SNAPSReportSetReal(report, "fit_rel_error_max", b->fit_max));
  PetscCall(SNAPSReportSetReal(report, "fit_time_s", b->fit_s));
  PetscCall(SNAReportFit(b->sna, report, "sna_", -1)); /* sna_converged_reason, sna_n_params, ...: a fit cut short shows here */
  PetscCall(SNAPSReportSetInt(report, "rhs_n_modes", b->r));
  if (b->B) {
    PetscCall(SNAPSReportSetString(report, "rhs_map", RHSMaps[o->rhsmap]));
    PetscCall(SNAPSReportSetRealArray(report, "rhs_singular_values", N, b->rsigma));
    PetscCall(SNAPSReportSetReal(report, "rhs_projection_error", SNAPSPODProjectionError(N, b->rsigma, b->r)));
    PetscCall(SNAPSReportSetString(report, "rhs_modes_stop_reason", b->rstop));
    PetscCall(SNAPSReportSetReal(report, "rhs_fit_rel_error_mean", b->rfit_mean));
    PetscCall(SNAPSReportSetReal(report, "rhs_fit_rel_error_max", b->rfit_max));
    PetscCall(SNAPSReportSetReal(report, "rhs_fit_time_s", b->rfit_s));
    if (b->rsna) PetscCall(SNAReportFit(b->rsna, report, "rhs_", -1));
  }
  PetscCall(SNAPSReportSetReal(report, "wall_time_s", (PetscReal)(b->t1 - b->t0)));
  PetscCall(SNAPSReportWrite(report, o->results));
  PetscCall(SNAPSReportDestroy(&report));
  PetscFunctionReturn(0);
}

static PetscErrorCode PODBuildDestroy(PODBuild *b)
{
  PetscFunctionBegin;
  PetscCall(SNADestroy(&b->sna));
  PetscCall(SNADestroy(&b->rsna));
  PetscCall(VecDestroyVecs(b->k, &b->V));
  PetscCall(VecDestroyVecs(b->N, &b->U));
  if (b->B) PetscCall(VecDestroyVecs(b->N, &b->B));
  if (b->W) PetscCall(VecDestroyVecs(b->r, &b->W));
  PetscCall(VecDestroy(&b->Z));
  PetscCall(VecDestroy(&b->X));
  PetscCall(PetscFree(b->C));
  PetscCall(PetscFree(b->Cs));
  PetscCall(PetscFree(b->ZC));
  PetscCall(PetscFree(b->affine));
  PetscCall(PetscFree(b->sigma));
  PetscCall(PetscFree(b->rsigma));
  PetscFunctionReturn(0);
}

/* The first step, -snapshots: checks, reads, fits and writes the model (and the report) */
static PetscErrorCode BuildModel(const PODOptions *o)
{
  PODBuild b;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&b, sizeof(b)));
  PetscCall(CheckBuildOptions(o));
  PetscCall(ReadSNAOptionsEarly(o));
  PetscCall(PetscTime(&b.t0));
  PetscCall(LoadSnapshots(o, &b));
  PetscCall(FitSolutionCoordinates(o, &b));
  PetscCall(FitRHSMap(o, &b));
  PetscCall(WriteModel(o, &b));
  if (o->hasresults) PetscCall(WriteBuildReport(o, &b));
  PetscCall(PODBuildDestroy(&b));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PODOptions o;
  PetscBool  helpflg;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(SNAInitializePackage());
  /* -log_view: reading the snapshots, the POD bases (solutions and right-hand sides, with their coordinates) and the
     right-hand-side map (an SNA map's fit is an SNAFit inside it; the coordinates' SNA fit is an SNAFit event) */
  PetscCall(PetscLogEventRegister("PODSnapshotsLoad", PETSC_OBJECT_CLASSID, &POD_LOAD));
  PetscCall(PetscLogEventRegister("PODBasis", PETSC_OBJECT_CLASSID, &POD_BASIS));
  PetscCall(PetscLogEventRegister("PODRHSMap", PETSC_OBJECT_CLASSID, &POD_RHSMAP));
  PetscCall(PODOptionsRead(&o));
  PetscCall(PetscOptionsHasHelp(NULL, &helpflg));
  if (helpflg)
    PetscCall(ViewSNAOptions()); /* then stop before any check or work */
  else if (o.hasop)
    PetscCall(AddReducedOperator(&o));
  else
    PetscCall(BuildModel(&o));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
