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
                           "  -results <r.json>     JSON report: sizes, singular values, fit errors, times, machine\n"
                           "The SNA mu -> POD coordinates takes the -sna_ options (-sna_khronos_degree, -sna_khronos_nodes,\n"
                           "  -sna_khronos_modes, -sna_fit_max_it, -sna_bounds, -sna_monitor, ...); the SNA right-hand-side\n"
                           "  coordinates -> POD coordinates the same options prefixed by rhs_ (-rhs_sna_khronos_modes, ...).\n"
                           "A misspelt or inapplicable option is reported before the snapshots are read and the SNAs fitted.\n";

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
  PetscCall(SNACheckFitUsable(*sna, prefix ? prefix : "the SNA fit"));
  PetscCall(SNAGetConvergedReason(*sna, &reason));
  if (reason < 0) PetscCall(PetscPrintf(comm, "WARNING: %sSNA fit did not converge (%s): the model keeps its best iterate\n", prefix ? prefix : "", SNAConvergedReasons[reason]));
  /* the defaults are sized for no data set: 12 snapshots fitted by them gave a guess worse than none, silently */
  PetscCall(SNAWarnOverParameterised(*sna, PETSC_DETERMINE, prefix ? "snaps-pod (the SNA of -rhs_map sna: right-hand-side coordinates -> POD coordinates)" : "snaps-pod (the SNA parameters -> POD coordinates)"));
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

/* Relative projection error sqrt(sum_{j>=k} sigma_j^2 / sum sigma_j^2) of the snapshots on k modes. */
static PetscReal ProjectionError(PetscInt N, const PetscReal sigma[], PetscInt k)
{
  PetscReal total = 0, tail = 0;
  for (PetscInt j = 0; j < N; j++) {
    total += sigma[j] * sigma[j];
    if (j >= k) tail += sigma[j] * sigma[j];
  }
  return total > 0 ? PetscSqrtReal(tail / total) : 0;
}

static PetscLogEvent POD_LOAD, POD_BASIS, POD_RHSMAP;

int main(int argc, char **argv)
{
  char              snapfile[PETSC_MAX_PATH_LEN] = "", modelfile[PETSC_MAX_PATH_LEN] = "", results[PETSC_MAX_PATH_LEN] = "", opfile[PETSC_MAX_PATH_LEN] = "";
  char              fingerprint[SNAPS_FINGERPRINT_LEN];
  PetscBool         hassnap, hasmodel, hasresults, norhs = PETSC_FALSE, helpflg, hasop;
  const char       *maps[] = {"linear", "sna"};
  PetscInt          rhsmap = 0;
  PetscReal        *affine = NULL;
  PetscReal         podtol = 1e-8, rhstol = 1e-8, *sigma = NULL, *rsigma = NULL, fit_mean, fit_max, rfit_mean = 0, rfit_max = 0, fit_s, rfit_s = 0;
  PetscInt          maxk = PETSC_DETERMINE, maxr = 8, N, q, n, k, r = 0, ks, maxks = PETSC_DETERMINE, opdegree = 1;
  PetscReal         snatol = 0;
  Vec               X, Z = NULL, *U, *B = NULL, *V, *W = NULL;
  PetscScalar      *C, *Cs, *ZC = NULL;
  SNA               sna, rsna = NULL;
  SNAGuessModelData data;
  PetscLogDouble    t0, t1;
  PetscMPIInt       size;
  PetscBool         podtol_set, maxk_set, rhstol_set, maxr_set, rhsmap_set, norhs_set, snatol_set, maxks_set, opdegree_set;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(SNAInitializePackage());
  /* -log_view: reading the snapshots, the POD bases (solutions and right-hand sides, with their coordinates) and the
     right-hand-side map (an SNA map's fit is an SNAFit inside it; the coordinates' SNA fit is an SNAFit event) */
  PetscCall(PetscLogEventRegister("PODSnapshotsLoad", PETSC_OBJECT_CLASSID, &POD_LOAD));
  PetscCall(PetscLogEventRegister("PODBasis", PETSC_OBJECT_CLASSID, &POD_BASIS));
  PetscCall(PetscLogEventRegister("PODRHSMap", PETSC_OBJECT_CLASSID, &POD_RHSMAP));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "snaps-pod options", NULL);
  PetscCall(PetscOptionsString("-snapshots", "Snapshot file (HDF5)", NULL, snapfile, snapfile, sizeof(snapfile), &hassnap));
  PetscCall(PetscOptionsString("-model", "Model file to write (HDF5)", NULL, modelfile, modelfile, sizeof(modelfile), &hasmodel));
  PetscCall(PetscOptionsReal("-pod_tol", "Relative projection error of the kept POD modes", NULL, podtol, &podtol, &podtol_set));
  PetscCall(PetscOptionsInt("-pod_max_modes", "Largest number of POD modes", NULL, maxk, &maxk, &maxk_set));
  PetscCall(PetscOptionsReal("-rhs_tol", "Relative projection error of the kept right-hand-side modes", NULL, rhstol, &rhstol, &rhstol_set));
  PetscCall(PetscOptionsInt("-rhs_max_modes", "Largest number of right-hand-side modes", NULL, maxr, &maxr, &maxr_set));
  PetscCall(PetscOptionsEList("-rhs_map", "Map from right-hand-side coordinates to solution coordinates", NULL, maps, 2, maps[rhsmap], &rhsmap, &rhsmap_set));
  PetscCall(PetscOptionsBool("-no_rhs", "Build no /rhs group", NULL, norhs, &norhs, &norhs_set));
  PetscCall(PetscOptionsReal("-pod_sna_tol", "The SNA predicts the fewest leading coordinates whose projection error is <= this", NULL, snatol, &snatol, &snatol_set));
  PetscCall(PetscOptionsInt("-pod_sna_max_modes", "Largest number of coordinates the SNA predicts", NULL, maxks, &maxks, &maxks_set));
  PetscCall(PetscOptionsString("-operators", "Reduced-operator records (from -ksp_guess_sna_record_operators) to fit into the -model", NULL, opfile, opfile, sizeof(opfile), &hasop));
  PetscCall(PetscOptionsInt("-operator_degree", "Polynomial degree in the parameters of the reduced-operator model", NULL, opdegree, &opdegree, &opdegree_set));
  PetscCall(PetscOptionsString("-results", "JSON report file", NULL, results, results, sizeof(results), &hasresults));
  {
    const char *named[4] = {"-snapshots", "-model", "-operators", "-results"};

    /* given without a name, each was read as absent: "-operators" without a name silently fitted no operator model */
    PetscCall(SNAPSOptionsCheckFileNames(PETSC_COMM_WORLD, NULL, 4, named));
  }
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasHelp(NULL, &helpflg));
  if (helpflg) { /* show the options of both SNAs, then stop before any check or work */
    PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
    PetscCall(SNASetFromOptions(sna));
    PetscCall(SNASetOptionsPrefix(sna, "rhs_"));
    PetscCall(SNASetFromOptions(sna));
    PetscCall(SNADestroy(&sna));
    PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCheck(hasop || !opdegree_set, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-operator_degree %" PetscInt_FMT " applies to the reduced-operator fit (-operators rec.h5 -model m.h5), which this run does not do: give -operators, or drop -operator_degree", opdegree);
  if (hasop) { /* second step: the reduced operator of an existing model */
    const char *snapopts[] = {"-pod_tol", "-pod_max_modes", "-rhs_tol", "-rhs_max_modes", "-rhs_map", "-no_rhs", "-pod_sna_tol", "-pod_sna_max_modes"};
    PetscBool   snapsets[] = {podtol_set, maxk_set, rhstol_set, maxr_set, rhsmap_set, norhs_set, snatol_set, maxks_set};
    PetscReal   misfit;
    PetscInt    T, nrec, kop;

    /* the model's basis is read as it is: options of building one would be ignored */
    for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(snapopts); i++) PetscCheck(!snapsets[i], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s applies to building a model from -snapshots, but -operators only adds the reduced operator to the existing model '%s': drop %s (or build the model first, without -operators)", snapopts[i], modelfile, snapopts[i]);
    PetscCheck(opdegree >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-operator_degree must be at least 1 (1: affine in the parameters), not %" PetscInt_FMT, opdegree);
    PetscCheck(hasmodel, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-operators needs -model <m.h5>: the model the operators were recorded with");
    PetscCheck(!hassnap, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-operators and -snapshots do not go together: the records belong to the basis of an existing model, which new snapshots would replace. Build the model first, record, then run snaps-pod -model m.h5 -operators rec.h5");
    { /* the model is read and extended in place: an output, which the records and the report must not be */
      const char *inopts[1] = {"-operators"}, *ins[1] = {opfile}, *outopts[2] = {"-model", "-results"}, *outs[2] = {modelfile, results};
      PetscCall(SNAPSCheckFiles(PETSC_COMM_WORLD, 1, inopts, ins, 2, outopts, outs));
    }
    PetscCall(PetscTime(&t0));
    PetscCall(SNAGuessModelFitOperator(PETSC_COMM_WORLD, modelfile, opfile, opdegree, &misfit, &T, &nrec, &kop));
    PetscCall(PetscTime(&t1));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: reduced operator of %" PetscInt_FMT " modes, polynomial of degree %" PetscInt_FMT " in the parameters (%" PetscInt_FMT " terms), fitted to %" PetscInt_FMT " records: misfit %.3e (%.2f s); added to %s\n", kop, opdegree, T, nrec, (double)misfit, (double)(t1 - t0), modelfile));
    if (misfit > 1e-8) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: WARNING the misfit is large: the operator is not a polynomial of degree %" PetscInt_FMT " in the parameters; the Galerkin correction will be less accurate (a higher -operator_degree and more records may help)\n", opdegree));
    if (hasresults) {
      SNAPSReport report;
      PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
      PetscCall(SNAPSReportSetString(report, "program", "snaps-pod"));
      PetscCall(SNAPSReportSetString(report, "model", modelfile));
      PetscCall(SNAPSReportSetString(report, "operators", opfile));
      PetscCall(SNAPSReportSetInt(report, "operator_modes", kop));
      PetscCall(SNAPSReportSetInt(report, "operator_degree", opdegree));
      PetscCall(SNAPSReportSetInt(report, "operator_terms", T));
      PetscCall(SNAPSReportSetInt(report, "operator_records", nrec));
      PetscCall(SNAPSReportSetReal(report, "operator_fit_rel_error", misfit));
      PetscCall(SNAPSReportSetReal(report, "wall_time_s", (PetscReal)(t1 - t0)));
      PetscCall(SNAPSReportWrite(report, results));
      PetscCall(SNAPSReportDestroy(&report));
    }
    PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCheck(hassnap, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -snapshots <s.h5>: the training snapshots (run with -help for all options)");
  PetscCheck(hasmodel, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -model <m.h5>: where to write the model");
  {
    const char *inopts[1] = {"-snapshots"}, *ins[1] = {snapfile}, *outopts[2] = {"-model", "-results"}, *outs[2] = {modelfile, results};
    PetscCall(SNAPSCheckFiles(PETSC_COMM_WORLD, 1, inopts, ins, 2, outopts, outs)); /* -sna_monitor ascii:<snapshots> emptied them */
  }
  PetscCheck(podtol >= 0 && podtol < 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pod_tol must be in [0, 1), not %g", (double)podtol);
  PetscCheck(rhstol >= 0 && rhstol < 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-rhs_tol must be in [0, 1), not %g", (double)rhstol);
  { /* -no_rhs builds no right-hand-side basis: the options of one would be ignored */
    const char *rhsopts[] = {"-rhs_tol", "-rhs_max_modes", "-rhs_map"};
    PetscBool   rhssets[] = {rhstol_set, maxr_set, rhsmap_set};

    for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(rhsopts); i++) PetscCheck(!norhs || !rhssets[i], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s applies to the right-hand-side basis, which -no_rhs does not build: drop %s or -no_rhs", rhsopts[i], rhsopts[i]);
  }
  PetscCheck(maxk == PETSC_DETERMINE || maxk >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pod_max_modes must be at least 1, not %" PetscInt_FMT, maxk);
  PetscCheck(maxr >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-rhs_max_modes must be at least 1, not %" PetscInt_FMT, maxr);
  PetscCheck(snatol >= 0 && snatol < 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pod_sna_tol must be in [0, 1), not %g", (double)snatol);
  PetscCheck(maxks == PETSC_DETERMINE || maxks >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pod_sna_max_modes must be at least 1, not %" PetscInt_FMT, maxks);

  { /* the SNA fits' options, read now on SNAs made as FitCoordinates() makes them (the right-hand sides' only for
       -rhs_map sna): every option is then read, and a misspelt one is reported before the fits, not after them */
    PetscInt nsna = !norhs && rhsmap == 1 ? 2 : 1;

    for (PetscInt i = 0; i < nsna; i++) {
      PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
      if (i) PetscCall(SNASetOptionsPrefix(sna, "rhs_"));
      PetscCall(SNASetFromOptions(sna));
      PetscCall(SNAReadFitOptions(sna));
      PetscCall(SNADestroy(&sna));
    }
    PetscCall(SNAPSOptionsWarnUnusedEarly(PETSC_COMM_WORLD));
  }
  PetscCall(PetscTime(&t0));
  PetscCall(PetscLogEventBegin(POD_LOAD, 0, 0, 0, 0));
  PetscCall(SNAPSSnapshotsLoad(PETSC_COMM_WORLD, snapfile, &N, &X, &U, norhs ? NULL : &B, fingerprint));
  PetscCall(PetscLogEventEnd(POD_LOAD, 0, 0, 0, 0));
  if (!norhs && !B) { /* no /B: no right-hand-side basis either */
    const char *rhsopts[] = {"-rhs_tol", "-rhs_max_modes", "-rhs_map"};
    PetscBool   rhssets[] = {rhstol_set, maxr_set, rhsmap_set};

    for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(rhsopts); i++) PetscCheck(!rhssets[i], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s applies to the right-hand-side basis, but the snapshot file '%s' has no right-hand sides /B: drop %s, or write snapshots with /B", rhsopts[i], snapfile, rhsopts[i]);
  }
  PetscCall(VecGetBlockSize(X, &q));
  PetscCall(VecGetSize(U[0], &n));

  /* solutions: POD basis and coordinates, then the SNA mu -> coordinates */
  PetscCall(PetscLogEventBegin(POD_BASIS, 0, 0, 0, 0));
  PetscCall(SNAPSPODCompute(N, U, podtol, maxk, &k, &V, &sigma));
  PetscCall(PetscMalloc1(N * k, &C));
  PetscCall(Coordinates(N, U, k, V, C));
  PetscCall(PetscLogEventEnd(POD_BASIS, 0, 0, 0, 0));
  /* the SNA predicts the leading ks coordinates: the fewest with projection error <= -pod_sna_tol */
  for (ks = 1; ks < k && ProjectionError(N, sigma, ks) > snatol; ks++) {}
  if (maxks != PETSC_DETERMINE) ks = PetscMin(ks, maxks);
  PetscCall(PetscMalloc1(N * ks, &Cs));
  for (PetscInt i = 0; i < N; i++)
    for (PetscInt j = 0; j < ks; j++) Cs[i * ks + j] = C[i * k + j];
  PetscCall(FitCoordinates(NULL, X, ks, Cs, &sna, &fit_mean, &fit_max, &fit_s));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: %" PetscInt_FMT " snapshots of size %" PetscInt_FMT ", %" PetscInt_FMT " parameters, %d ranks\n", N, n, q, size));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: %" PetscInt_FMT " POD modes (sigma %.3e .. %.3e), projection error %.3e; SNA mu -> the first %" PetscInt_FMT " coordinates (projection error %.3e): training error mean %.3e, max %.3e (%.2f s)\n", k, (double)sigma[0], (double)sigma[k - 1], (double)ProjectionError(N, sigma, k), ks, (double)ProjectionError(N, sigma, ks), (double)fit_mean, (double)fit_max, (double)fit_s));

  /* right-hand sides: basis, their coordinates as inputs, the SNA z -> solution coordinates */
  if (B) {
    PetscCall(PetscLogEventBegin(POD_BASIS, 0, 0, 0, 0));
    PetscCall(SNAPSPODCompute(N, B, rhstol, maxr, &r, &W, &rsigma));
    PetscCall(PetscMalloc1(N * r, &ZC));
    PetscCall(Coordinates(N, B, r, W, ZC));
    PetscCall(PetscLogEventEnd(POD_BASIS, 0, 0, 0, 0));
    PetscCall(PetscLogEventBegin(POD_RHSMAP, 0, 0, 0, 0));
    if (rhsmap == 1) {
      PetscCall(RowsLike(X, r, ZC, &Z));
      PetscCall(FitCoordinates("rhs_", Z, k, C, &rsna, &rfit_mean, &rfit_max, &rfit_s));
    } else {
      PetscLogDouble ta, tb;
      PetscCall(PetscTime(&ta));
      PetscCall(PetscMalloc1(k * (r + 1), &affine));
      PetscCall(FitAffineMap(N, r, ZC, k, C, affine, &rfit_mean, &rfit_max));
      PetscCall(PetscTime(&tb));
      rfit_s = (PetscReal)(tb - ta);
    }
    PetscCall(PetscLogEventEnd(POD_RHSMAP, 0, 0, 0, 0));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: %" PetscInt_FMT " right-hand-side modes, projection error %.3e; %s map rhs -> coordinates: training error mean %.3e, max %.3e (%.2f s)\n", r, (double)ProjectionError(N, rsigma, r), rhsmap ? "SNA" : "affine", (double)rfit_mean, (double)rfit_max, (double)rfit_s));
  }

  PetscCall(PetscMemzero(&data, sizeof(data)));
  data.fingerprint     = fingerprint;
  data.n_snapshots     = N;
  data.k               = k;
  data.basis           = V;
  data.sigma           = sigma;
  data.sna             = sna;
  data.r               = r;
  data.rhs_basis       = W;
  data.rhs_n_snapshots = N;
  data.rhs_sigma       = rsigma;
  data.rhs_sna         = rsna;
  data.rhs_map         = affine;
  PetscCall(SNAGuessModelWrite(modelfile, &data));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-pod: model written to %s (%.2f s in all)\n", modelfile, (double)(t1 - t0)));

  if (hasresults) {
    SNAPSReport report;
    PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
    PetscCall(SNAPSReportSetString(report, "program", "snaps-pod"));
    PetscCall(SNAPSReportSetString(report, "snapshots", snapfile));
    PetscCall(SNAPSReportSetString(report, "model", modelfile));
    PetscCall(SNAPSReportSetString(report, "fingerprint", fingerprint));
    PetscCall(SNAPSReportSetInt(report, "n_snapshots", N));
    PetscCall(SNAPSReportSetInt(report, "vector_size", n));
    PetscCall(SNAPSReportSetInt(report, "n_mu", q)); /* the PDE parameters; n_params (trainable, as in snaps-fit) is sna_n_params */
    PetscCall(SNAPSReportSetInt(report, "n_modes", k));
    PetscCall(SNAPSReportSetInt(report, "sna_modes", ks));
    PetscCall(SNAPSReportSetReal(report, "sna_projection_error", ProjectionError(N, sigma, ks)));
    PetscCall(SNAPSReportSetRealArray(report, "singular_values", N, sigma));
    PetscCall(SNAPSReportSetReal(report, "projection_error", ProjectionError(N, sigma, k)));
    PetscCall(SNAPSReportSetReal(report, "fit_rel_error_mean", fit_mean));
    PetscCall(SNAPSReportSetReal(report, "fit_rel_error_max", fit_max));
    PetscCall(SNAPSReportSetReal(report, "fit_time_s", fit_s));
    PetscCall(SNAReportFit(sna, report, "sna_", -1)); /* sna_converged_reason, sna_n_params, ...: a fit cut short shows here */
    PetscCall(SNAPSReportSetInt(report, "rhs_n_modes", r));
    if (B) {
      PetscCall(SNAPSReportSetString(report, "rhs_map", maps[rhsmap]));
      PetscCall(SNAPSReportSetRealArray(report, "rhs_singular_values", N, rsigma));
      PetscCall(SNAPSReportSetReal(report, "rhs_projection_error", ProjectionError(N, rsigma, r)));
      PetscCall(SNAPSReportSetReal(report, "rhs_fit_rel_error_mean", rfit_mean));
      PetscCall(SNAPSReportSetReal(report, "rhs_fit_rel_error_max", rfit_max));
      PetscCall(SNAPSReportSetReal(report, "rhs_fit_time_s", rfit_s));
      if (rsna) PetscCall(SNAReportFit(rsna, report, "rhs_", -1));
    }
    PetscCall(SNAPSReportSetReal(report, "wall_time_s", (PetscReal)(t1 - t0)));
    PetscCall(SNAPSReportWrite(report, results));
    PetscCall(SNAPSReportDestroy(&report));
  }

  PetscCall(SNADestroy(&sna));
  PetscCall(SNADestroy(&rsna));
  PetscCall(VecDestroyVecs(k, &V));
  PetscCall(VecDestroyVecs(N, &U));
  if (B) PetscCall(VecDestroyVecs(N, &B));
  if (W) PetscCall(VecDestroyVecs(r, &W));
  PetscCall(VecDestroy(&Z));
  PetscCall(VecDestroy(&X));
  PetscCall(PetscFree(C));
  PetscCall(PetscFree(Cs));
  PetscCall(PetscFree(ZC));
  PetscCall(PetscFree(affine));
  PetscCall(PetscFree(sigma));
  PetscCall(PetscFree(rsigma));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
