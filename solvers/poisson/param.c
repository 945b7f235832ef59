static const char help[] = "snaps-poisson-param: -div(kappa(x; mu) grad u) = f(x; mu) on [a,b]^d, u = 0 on the boundary, for one or many\n"
                           "parameter samples mu, solved one after the other with one KSP (as in a design sweep).\n\n"
                           "  -kappa <expr>          conductivity kappa(x; mu) > 0 (default 1); variables x, y, z (or x1..xd) and mu1..muq\n"
                           "  -source <expr>         source f(x; mu) (default 1)\n"
                           "  -dim <d>               dimension, 1 to 3 (2)\n"
                           "  -domain a,b            the box [a,b]^d (0,1)\n"
                           "  -params mu1,mu2,...    one sample; or\n"
                           "  -samples <X.h5>        the samples /X (N x q) of an HDF5 dataset, solved in order\n"
                           "  -snapshots <s.h5>      write the solutions and right-hand sides (natural ordering) for snaps-pod\n"
                           "  -dof_coordinates <c.h5> write /X (n x d): the position of every unknown (the Lagrange nodes) in the same natural\n"
                           "                         ordering, so that snapshots can be evaluated at points (e.g. to compare discretisations)\n"
                           "  -results <r.json>      per solve: ksp_iterations, solve_time_s (KSPSolve, guess included), assembly time,\n"
                           "                         relative L2 error and relative residual of the initial guess (null where the\n"
                           "                         FEM solution is zero, b = 0: undefined; medians over the other samples), and for\n"
                           "                         -ksp_guess_type sna the times of the guess, of the surrogate's field prediction and\n"
                           "                         of its coordinates; medians (median_ksp_iterations, ...); wall_time_s, the domain\n"
                           "                         (domain_lower, domain_upper; a mesh file: mesh), the files given (samples,\n"
                           "                         snapshots, dof_coordinates), the machine (times: max over ranks). dofs is the\n"
                           "                         linear system's size, the boundary rows (identity) included; free_dofs leaves them\n"
                           "                         out (snaps-poisson's dofs). A per-sample array has the name snaps-poisson gives the\n"
                           "                         figure of its one solve (ksp_iterations, solve_time_s, ...), one value per sample\n"
                           "  -progress_every <s>    wall seconds between progress lines during the solves (10; 0: every solve)\n"
                           "  -batch_repeat <r>      with -ksp_guess_type sna, after the solves: the surrogate alone predicts all N\n"
                           "                         fields at once (SNAGuessPredictFields), r times (5; 0: not done); its median time\n"
                           "                         per field and each field's relative L2 error against the FEM solution\n"
                           "FEM: -dm_plex_box_faces n[,n[,n]] (32), -petscspace_degree k (1), -dm_plex_simplex, -dm_plex_filename, -dm_refine.\n"
                           "Solver: -ksp_type (cg), -pc_type (gamg), -ksp_rtol (1e-10), and any initial guess: -ksp_guess_type fischer|pod|sna\n"
                           "  (sna: -ksp_guess_sna_model m.h5; the parameters reach it through SNAGuessSetParameters()).\n";

#include <snaps.h>
#include "paramfem.h"
#include "mesh.h"

/* Coordinate component *(PetscInt *)ctx of the point x, for DMProjectFunction(). */
static PetscErrorCode CoordinateComponent(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u, void *ctx)
{
  (void)dim;
  (void)time;
  (void)Nc;
  u[0] = x[*(PetscInt *)ctx];
  return 0;
}

/* The position of every unknown in the natural ordering: a Lagrange element's nodal values of the function x_c
   are the nodes' coordinates, so projecting each coordinate gives them. Written as /X (n x d) of a dataset file. */
static PetscErrorCode WriteDofCoordinates(PoissonParam *pp, const char file[])
{
  PetscErrorCode (*funcs[1])(PetscInt, PetscReal, const PetscReal[], PetscInt, PetscScalar *, void *) = {CoordinateComponent};
  Vec                g, n, C;
  PetscInt           nloc, dim = pp->dim;
  const PetscScalar *a;
  PetscScalar       *c;
  const char        *names[1] = {"/X"};

  PetscFunctionBegin;
  PetscCall(DMCreateGlobalVector(pp->dm, &g));
  PetscCall(SNAPSNaturalCreateVec(pp->nat, &n));
  PetscCall(VecGetLocalSize(n, &nloc));
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, nloc * dim, PETSC_DETERMINE, &C));
  PetscCall(VecSetBlockSize(C, dim));
  for (PetscInt k = 0; k < dim; k++) {
    void *ctx[1] = {&k};
    PetscCall(DMProjectFunction(pp->dm, 0.0, funcs, ctx, INSERT_ALL_VALUES, g));
    PetscCall(SNAPSNaturalGlobalToNatural(pp->nat, g, n));
    PetscCall(VecGetArrayRead(n, &a));
    PetscCall(VecGetArray(C, &c));
    for (PetscInt i = 0; i < nloc; i++) c[i * dim + k] = a[i];
    PetscCall(VecRestoreArray(C, &c));
    PetscCall(VecRestoreArrayRead(n, &a));
  }
  PetscCall(SNADatasetSave(PETSC_COMM_WORLD, file, 1, names, &C));
  PetscCall(VecDestroy(&C));
  PetscCall(VecDestroy(&n));
  PetscCall(VecDestroy(&g));
  PetscFunctionReturn(0);
}

/* Captures the initial guess: the KSP's solution at iteration 0. */
typedef struct {
  Vec       x0;
  PetscBool captured; /* x0 is this solve's */
} GuessCapture;

/* Whether the KSP is preonly (or its alias none): it calls its monitors at iteration 0 after the solve, with the
   solution, and refuses a nonzero initial guess, so its guess is the zero vector. */
static PetscErrorCode KSPIsPreonly(KSP ksp, PetscBool *preonly)
{
  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompareAny((PetscObject)ksp, preonly, KSPPREONLY, KSPNONE, ""));
  PetscFunctionReturn(0);
}

static PetscErrorCode CaptureInitialGuess(KSP ksp, PetscInt it, PetscReal rnorm, void *ctx)
{
  GuessCapture *cap = (GuessCapture *)ctx;
  Vec           x;
  PetscBool     preonly;

  PetscFunctionBegin;
  (void)rnorm;
  PetscCall(KSPIsPreonly(ksp, &preonly));
  if (it || preonly) PetscFunctionReturn(0);
  PetscCall(KSPBuildSolution(ksp, NULL, &x));
  PetscCall(VecCopy(x, cap->x0));
  cap->captured = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* The parameter samples: params (np values of -params, one sample) or else /X of the dataset file (-samples,
   N x q); NULL when not given. Every rank gets all. */
static PetscErrorCode ReadSamples(MPI_Comm comm, const PetscReal params[], PetscInt np, const char file[], PetscInt *N, PetscInt *q, PetscReal **X)
{
  PetscFunctionBegin;
  PetscCheck(!params != !file, comm, PETSC_ERR_USER_INPUT, "Give either -params mu1,mu2,... or -samples X.h5 (run with -help)");
  if (params) {
    PetscCheck(np >= 1 && np <= POISSON_FIELD_MAX_PARAMS, comm, PETSC_ERR_USER_INPUT, "-params takes 1 to %d values, not %s%" PetscInt_FMT, POISSON_FIELD_MAX_PARAMS, np > POISSON_FIELD_MAX_PARAMS ? "more than " : "", PetscMin(np, POISSON_FIELD_MAX_PARAMS)); /* np is capped one above the maximum */
    *N = 1;
    *q = np;
    PetscCall(PetscMalloc1(np, X));
    PetscCall(PetscArraycpy(*X, params, np));
  } else {
    Vec                Xv, all;
    VecScatter         gather;
    PetscInt           n;
    const PetscScalar *a;
    PetscCall(SNADatasetLoadArray(comm, file, "/X", &Xv));
    PetscCall(VecGetBlockSize(Xv, q));
    PetscCall(VecGetSize(Xv, &n));
    PetscCheck(*q >= 1 && *q <= POISSON_FIELD_MAX_PARAMS, comm, PETSC_ERR_USER_INPUT, "'%s': /X has %" PetscInt_FMT " columns; 1 to %d parameters are supported", file, *q, POISSON_FIELD_MAX_PARAMS);
    *N = n / *q;
    PetscCall(VecScatterCreateToAll(Xv, &gather, &all));
    PetscCall(VecScatterBegin(gather, Xv, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(gather, Xv, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(PetscMalloc1(n, X));
    PetscCall(VecGetArrayRead(all, &a));
    for (PetscInt i = 0; i < n; i++) (*X)[i] = PetscRealPart(a[i]);
    PetscCall(VecRestoreArrayRead(all, &a));
    PetscCall(VecScatterDestroy(&gather));
    PetscCall(VecDestroy(&all));
    PetscCall(VecDestroy(&Xv));
  }
  PetscFunctionReturn(0);
}

/* Median of the finite values of the n values v (n >= 1; NaN: undefined, a relative error of a zero solution),
   NaN when none is; sorts a copy. */
static PetscErrorCode Median(PetscInt n, const PetscReal v[], PetscReal *med)
{
  PetscReal *w;
  PetscInt   m = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &w));
  for (PetscInt i = 0; i < n; i++)
    if (!PetscIsInfOrNanReal(v[i])) w[m++] = v[i];
  PetscCall(PetscSortReal(m, w));
  *med = (PetscReal)NAN;
  if (m) *med = m % 2 ? w[m / 2] : 0.5 * (w[m / 2 - 1] + w[m / 2]);
  PetscCall(PetscFree(w));
  PetscFunctionReturn(0);
}

/* The surrogate alone for all N samples at once (SNAGuessPredictFields): the median over reps batches of the
   wall time per field (the slowest rank's), and each field's relative L2 error against the FEM solution U[:, i]. */
static PetscErrorCode BatchPrediction(PoissonParam *pp, KSP ksp, PetscInt N, const PetscReal X[], Mat U, PetscInt reps, PetscReal times[], PetscReal *tfield, PetscReal err[])
{
  Mat P;
  Vec d, work;

  PetscFunctionBegin;
  PetscCall(MatDuplicate(U, MAT_DO_NOT_COPY_VALUES, &P));
  for (PetscInt r = 0; r < reps; r++) {
    PetscLogDouble t0, t1;
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t0));
    PetscCall(SNAGuessPredictFields(ksp, N, X, P));
    PetscCall(PetscTime(&t1));
    times[r] = (PetscReal)(t1 - t0);
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, times, (PetscMPIInt)reps, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(Median(reps, times, tfield));
  *tfield /= (PetscReal)N;
  PetscCall(DMCreateGlobalVector(pp->dm, &d));
  PetscCall(VecDuplicate(d, &work));
  for (PetscInt i = 0; i < N; i++) {
    Vec       p, u;
    PetscReal enorm, unorm;
    PetscCall(MatDenseGetColumnVecRead(U, i, &u));
    PetscCall(VecCopy(u, d));
    PetscCall(MatDenseRestoreColumnVecRead(U, i, &u));
    PetscCall(PoissonParamL2Norm(pp, d, work, &unorm));
    PetscCall(MatDenseGetColumnVecRead(P, i, &p));
    PetscCall(VecAXPY(d, -1.0, p));
    PetscCall(MatDenseRestoreColumnVecRead(P, i, &p));
    PetscCall(PoissonParamL2Norm(pp, d, work, &enorm));
    err[i] = unorm > 0 ? enorm / unorm : (PetscReal)NAN; /* undefined: null, not the absolute error under its name */
    if (!(unorm > 0)) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-poisson-param: sample %" PetscInt_FMT ": the FEM solution is zero, so its batch prediction's relative L2 error is undefined (null in -results; the median is over the other samples): absolute L2 error %.3e\n", i + 1, (double)enorm));
  }
  PetscCall(VecDestroy(&work));
  PetscCall(VecDestroy(&d));
  PetscCall(MatDestroy(&P));
  PetscFunctionReturn(0);
}

/* After solve i (0-based) of N: a progress line when SNAPSProgressDue() says one is due (-progress_every wall seconds,
   0: every solve), with the flow solvers' option, default and pacing (solvers/flow/flow.c, PrintProgress(), whose
   line counts simulated time; this one counts solves). Collective. */
static PetscErrorCode SweepProgressPrint(SNAPSProgress *pr, PetscInt i, PetscInt N)
{
  PetscBool due;

  PetscFunctionBegin;
  PetscCall(SNAPSProgressDue(PETSC_COMM_WORLD, pr, (PetscReal)(i + 1), PETSC_FALSE, &due));
  if (!due) PetscFunctionReturn(0);
  {
    const PetscReal done = (PetscReal)(i + 1), wall = (PetscReal)(pr->wall_last - pr->wall0);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-poisson-param: solve %" PetscInt_FMT " of %" PetscInt_FMT " (%.1f%%), wall %.1f s, about %.0f s left\n", i + 1, N, (double)(100 * done / N), (double)wall, (double)(wall / done * (N - done))));
  }
  PetscFunctionReturn(0);
}

/* The per-sample figures of the -results report. */
typedef struct {
  PetscReal *its, *tsolve, *tguess, *tassem, *tfield, *tcoord, *gerr, *res0;
} SampleRecord;

/* Assembles and solves the N samples X[N*q] in order, records their figures in rec and, with snapfile, appends
   each solution and right-hand side to *snaps (created at the first sample). u, work (global) and un, bn (natural)
   are work vectors; U, when not NULL, gets the solutions as columns. After the first solve, by which the KSP, its
   preconditioner (whose sub-solvers read their options at set-up) and the initial guess have read all their options,
   the options set but unused are warned about, before the rest of the sweep. A failure leaves *snaps for the caller
   to abandon (SNAPSSnapshotsDestroy()). */
static PetscErrorCode SolveSamples(PoissonParam *pp, KSP ksp, PetscInt N, PetscInt q, const PetscReal X[], Vec u, Vec work, Vec un, Vec bn, GuessCapture *cap, Mat U, const char snapfile[], SNAPSSnapshots *snaps, SampleRecord *rec, PetscReal progress_every)
{
  char          fingerprint[SNAPS_FINGERPRINT_LEN];
  SNAPSProgress pr;

  PetscFunctionBegin;
  PetscCall(SNAPSProgressStart(&pr, progress_every, 0));
  for (PetscInt i = 0; i < N; i++) {
    const PetscReal   *mu = X + i * q;
    PetscLogDouble     t0, t1, t2;
    PetscInt           n;
    PetscReal          unorm, enorm, bnorm, rnorm, tg[3];
    KSPConvergedReason reason;

    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t0));
    PetscCall(PoissonParamAssemble(pp, i, mu));
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t1));
    PetscCall(SNAGuessSetParameters(ksp, q, mu)); /* used by an "sna" guess only */
    PetscCall(VecSet(u, 0.0));
    PetscCall(VecSet(cap->x0, 0.0)); /* the guess of preonly, which captures none */
    cap->captured = PETSC_FALSE;
    PetscCall(KSPSolve(ksp, pp->b, u));
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t2));
    PetscCall(KSPGetConvergedReason(ksp, &reason));
    PetscCall(KSPGetIterationNumber(ksp, &n));
    PetscCheck(reason > 0, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "Sample %" PetscInt_FMT ": the linear solve failed (%s after %" PetscInt_FMT " iterations)", i, KSPConvergedReasons[reason], n);
    {
      PetscBool preonly;
      KSPType   type;

      PetscCall(KSPIsPreonly(ksp, &preonly));
      PetscCall(KSPGetType(ksp, &type));
      PetscCheck(cap->captured || preonly, PETSC_COMM_WORLD, PETSC_ERR_SUP, "-ksp_type %s did not call its monitors at iteration 0, so the initial guess's error and residual (guess_rel_l2_error, guess_rel_residual) cannot be measured: choose another -ksp_type (cg, gmres, preonly, ...)", type);
    }
    PetscCall(SNAGuessGetLastTimes(ksp, &tg[0], &tg[1], &tg[2]));
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, tg, 3, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    rec->its[i]    = (PetscReal)n;
    rec->tassem[i] = (PetscReal)(t1 - t0);
    rec->tsolve[i] = (PetscReal)(t2 - t1);
    rec->tguess[i] = tg[0];
    rec->tfield[i] = tg[1];
    rec->tcoord[i] = tg[2];
    /* the initial guess against the converged solution: relative L2 error and relative residual */
    PetscCall(PoissonParamL2Norm(pp, u, work, &unorm));
    PetscCall(VecAYPX(cap->x0, -1.0, u));
    PetscCall(PoissonParamL2Norm(pp, cap->x0, work, &enorm));
    rec->gerr[i] = unorm > 0 ? enorm / unorm : (PetscReal)NAN; /* undefined for a zero solution (b = 0): null, see below */
    if (U) {
      Vec col;
      PetscCall(MatDenseGetColumnVecWrite(U, i, &col));
      PetscCall(VecCopy(u, col));
      PetscCall(MatDenseRestoreColumnVecWrite(U, i, &col));
    }
    PetscCall(VecAYPX(cap->x0, -1.0, u)); /* x0 again */
    PetscCall(MatMult(pp->A, cap->x0, work));
    PetscCall(VecAYPX(work, -1.0, pp->b));
    PetscCall(VecNorm(work, NORM_2, &rnorm));
    PetscCall(VecNorm(pp->b, NORM_2, &bnorm));
    rec->res0[i] = bnorm > 0 ? rnorm / bnorm : (PetscReal)NAN;
    /* the absolute figures were reported under the relative names (a guess of norm 0.1 as a relative error 0.1) */
    if (!(unorm > 0) || !(bnorm > 0)) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-poisson-param: sample %" PetscInt_FMT ": the %s is zero, so the initial guess's relative L2 error and relative residual are undefined (null in -results; the medians are over the other samples): absolute L2 error %.3e, residual norm %.3e\n", i + 1, bnorm > 0 ? "FEM solution" : "right-hand side (and the FEM solution)", (double)enorm, (double)rnorm));
    if (snapfile) {
      if (!*snaps) {
        PetscCall(SNAPSOperatorFingerprint(pp->A, pp->nat, fingerprint));
        PetscCall(SNAPSSnapshotsCreate(PETSC_COMM_WORLD, snapfile, q, fingerprint, snaps));
      }
      PetscCall(SNAPSNaturalGlobalToNatural(pp->nat, u, un));
      PetscCall(SNAPSNaturalGlobalToNatural(pp->nat, pp->b, bn));
      PetscCall(SNAPSSnapshotsAdd(*snaps, mu, un, bn));
    }
    if (i == 0) PetscCall(SNAPSOptionsWarnUnusedEarly(PETSC_COMM_WORLD));
    PetscCall(SweepProgressPrint(&pr, i, N));
  }
  PetscFunctionReturn(0);
}

/* Warns, before the solves, about the parameters that neither -kappa nor -source uses: they change no solution, yet
   -snapshots records them as inputs (constant noise to snaps-pod and snaps-fit). what names where they came from. */
static PetscErrorCode WarnUnusedParameters(PoissonParam *pp, const char what[])
{
  const PetscInt used      = PoissonFieldUsedParameters(pp->kappa) | PoissonFieldUsedParameters(pp->source);
  char           names[64] = "";
  PetscInt       nunused   = 0;

  PetscFunctionBegin;
  for (PetscInt p = 0; p < pp->q; p++) {
    char one[16];
    if (used & ((PetscInt)1 << p)) continue;
    PetscCall(PetscSNPrintf(one, sizeof(one), "%smu%" PetscInt_FMT, nunused++ ? ", " : "", p + 1));
    PetscCall(PetscStrlcat(names, one, sizeof(names)));
  }
  if (nunused) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "WARNING: snaps-poisson-param: -kappa and -source do not use %s of the %" PetscInt_FMT " parameters of the %s: %s, and -snapshots would record %s as inputs; give only the parameters the expressions use\n", names, pp->q, what, nunused > 1 ? "they change nothing" : "it changes nothing", nunused > 1 ? "them" : "it"));
  PetscFunctionReturn(0);
}

/* The program's solver defaults (cg, gamg, rtol 1e-10), set before KSPSetFromOptions() by the run and by the -help
   listing alike, so that the listing shows what a run uses. */
static PetscErrorCode ParamKSPDefaults(KSP ksp)
{
  PC pc;

  PetscFunctionBegin;
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCGAMG));
  PetscCall(KSPSetTolerances(ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscFunctionReturn(0);
}

/* -help: builds the problem (q parameters) and configures the solver, so that their options are read and
   printed, without solving. A help run checks none of the options: an out-of-range -dim or q, and a -kappa or
   -source that does not parse, are replaced, for the listing only, by the defaults. */
static PetscErrorCode ViewSolverOptions(PetscInt dim, PetscReal a, PetscReal b, const char kappa[], const char source[], PetscInt q)
{
  PoissonParam pp;
  KSP          ksp;
  const char  *exprs[2] = {kappa, source};

  PetscFunctionBegin;
  if (dim < 1 || dim > 3) dim = 2;
  if (q < 1 || q > POISSON_FIELD_MAX_PARAMS) q = 1;
  for (PetscInt i = 0; i < 2; i++) {
    PoissonField   f = NULL;
    PetscErrorCode ierr;

    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = PoissonFieldCreate(PETSC_COMM_WORLD, i ? "-source" : "-kappa", exprs[i], dim, q, &f);
    PetscCall(PetscPopErrorHandler());
    if (ierr)
      exprs[i] = "1";
    else
      PetscCall(PoissonFieldDestroy(&f));
  }
  PetscCall(PoissonParamCreate(PETSC_COMM_WORLD, dim, a, b, exprs[0], exprs[1], q, &pp));
  PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
  PetscCall(KSPSetOperators(ksp, pp.A, pp.A));
  PetscCall(ParamKSPDefaults(ksp));
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(PoissonParamDestroy(&pp));
  PetscFunctionReturn(0);
}

/* The sna guess's file options are refused when the guess is another (guesstype; sna: whether it is sna):
   CheckOutputs() reads them to check the paths, which marks them used, so they would be dropped without a word
   (no model read, no record written) and no unused-option warning would name them. */
static PetscErrorCode CheckGuessFileOptions(const char guesstype[], PetscBool sna)
{
  const char *opts[2] = {"-ksp_guess_sna_model", "-ksp_guess_sna_record_operators"}, *what[2] = {"is the model file of", "is the file of the reduced operators recorded by"};
  char        value[PETSC_MAX_PATH_LEN];
  PetscBool   set;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < 2; i++) {
    PetscCall(PetscOptionsGetString(NULL, NULL, opts[i], value, sizeof(value), &set));
    PetscCheck(!set || sna, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s %s %s the sna initial guess, but the guess is %s: add -ksp_guess_type sna, or remove %s", opts[i], value, what[i], guesstype, opts[i]);
  }
  PetscFunctionReturn(0);
}

/* The outputs (NULL when not asked for), the guess's record file among them, are refused before any work when they
   cannot be written, name the same file, or are one of the files read: the samples, the mesh, the model of
   -ksp_guess_type sna; and so is the file of any viewer option (-ksp_guess_sna_monitor ascii:<file>, -log_view, -ksp_view,
   ...: SNAPSCheckFiles()), which the viewer empties when it opens: -ksp_guess_sna_monitor ascii:<the samples> lost
   them, -log_view ascii:<the samples> replaced them at the end of the run. */
static PetscErrorCode CheckOutputs(const char samples[], const char snapshots[], const char results[], const char coords[])
{
  char        mesh[PETSC_MAX_PATH_LEN] = "", model[PETSC_MAX_PATH_LEN] = "", record[PETSC_MAX_PATH_LEN] = "";
  PetscBool   hasmesh, hasmodel, hasrecord;
  const char *outopts[4] = {"-snapshots", "-results", "-dof_coordinates", "-ksp_guess_sna_record_operators"}, *outs[4] = {snapshots, results, coords, record};
  const char *inopts[3] = {"-samples", "-dm_plex_filename", "-ksp_guess_sna_model"}, *ins[3] = {samples, mesh, model};

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dm_plex_filename", mesh, sizeof(mesh), &hasmesh));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-ksp_guess_sna_model", model, sizeof(model), &hasmodel));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-ksp_guess_sna_record_operators", record, sizeof(record), &hasrecord));
  if (!hasmesh) ins[1] = NULL;
  if (!hasmodel) ins[2] = NULL;
  if (!hasrecord) outs[3] = NULL;
  PetscCall(SNAPSCheckFiles(PETSC_COMM_WORLD, 3, inopts, ins, 4, outopts, outs));
  PetscFunctionReturn(0);
}

/* The program's options, read once by ParamOptionsRead() (the mesh, element, solver and guess options are read by
   the objects they belong to). */
typedef struct {
  char      kappa[PETSC_MAX_PATH_LEN], source[PETSC_MAX_PATH_LEN], snapfile[PETSC_MAX_PATH_LEN], results[PETSC_MAX_PATH_LEN], coordfile[PETSC_MAX_PATH_LEN], samplefile[PETSC_MAX_PATH_LEN];
  PetscInt  dim, np, batch_reps; /* np: the number of -params values, capped one above the maximum */
  PetscReal dom[2], a, b, params[POISSON_FIELD_MAX_PARAMS + 1], progress_every;
  PetscBool hassnap, hascoord, hasresults, hasparams, hassamples, batch_set;
} ParamOptions;

/* One sweep: the samples, the problem and its solver, work vectors, the per-sample figures and the batch prediction's */
typedef struct {
  PetscInt       N, q;
  PetscReal     *X; /* N x q, every rank */
  PoissonParam   pp;
  KSP            ksp;
  Vec            u, un, bn, work;
  GuessCapture   cap;
  Mat            U; /* the FEM solutions, one column each, for the batch prediction's errors */
  SampleRecord   rec;
  char           guesstype[64];
  PetscBool      batch; /* -ksp_guess_type sna and -batch_repeat > 0: the batch prediction is done */
  PetscReal     *tbatch, *berr, mbatch;
  PetscLogDouble wall0; /* the program's start */
} ParamSweep;

/* The medians over the samples, printed and reported */
typedef struct {
  PetscReal its, solve, guess, assem, err, res;
} SweepMedians;

static PetscLogEvent PARAM_SWEEP;

static PetscErrorCode ParamOptionsRead(ParamOptions *o)
{
  const char *named[5] = {"-samples", "-snapshots", "-dof_coordinates", "-results", "-dm_plex_filename"};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  PetscCall(PetscStrncpy(o->kappa, "1", sizeof(o->kappa)));
  PetscCall(PetscStrncpy(o->source, "1", sizeof(o->source)));
  o->dim            = 2;
  o->np             = POISSON_FIELD_MAX_PARAMS + 1;
  o->batch_reps     = 5;
  o->dom[1]         = 1;
  o->progress_every = 10;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "snaps-poisson-param options", NULL);
  PetscCall(PetscOptionsString("-kappa", "Conductivity kappa(x; mu)", NULL, o->kappa, o->kappa, sizeof(o->kappa), NULL));
  PetscCall(PetscOptionsString("-source", "Source f(x; mu)", NULL, o->source, o->source, sizeof(o->source), NULL));
  PetscCall(PetscOptionsInt("-dim", "Dimension", NULL, o->dim, &o->dim, NULL));
  PetscCall(PoissonMeshDomainOption(PetscOptionsObject, o->dom, &o->a, &o->b));
  PetscCall(PetscOptionsRealArray("-params", "One parameter sample mu1,mu2,...", NULL, o->params, &o->np, &o->hasparams));
  PetscCall(PetscOptionsString("-samples", "HDF5 dataset whose /X (N x q) holds the parameter samples", NULL, o->samplefile, o->samplefile, sizeof(o->samplefile), &o->hassamples));
  PetscCall(PetscOptionsString("-snapshots", "Snapshot file to write (HDF5)", NULL, o->snapfile, o->snapfile, sizeof(o->snapfile), &o->hassnap));
  PetscCall(PetscOptionsString("-dof_coordinates", "Dataset file to write with the position of every unknown (/X, natural ordering)", NULL, o->coordfile, o->coordfile, sizeof(o->coordfile), &o->hascoord));
  PetscCall(PetscOptionsString("-results", "JSON report file", NULL, o->results, o->results, sizeof(o->results), &o->hasresults));
  /* given without a name: "-results" last on the line failed after the solves, -snapshots written */
  PetscCall(SNAPSOptionsCheckFileNames(PETSC_COMM_WORLD, NULL, 5, named));
  PetscCall(PetscOptionsReal("-progress_every", "Wall seconds between progress lines during the solves (0: every solve)", NULL, o->progress_every, &o->progress_every, NULL));
  PetscCall(PetscOptionsInt("-batch_repeat", "With -ksp_guess_type sna: batches of surrogate-alone predictions of all fields (0: none)", "SNAGuessPredictFields", o->batch_reps, &o->batch_reps, &o->batch_set));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* The checks before any work: option values, options of a guess that is not used, the files. Sets the guess type
   (-ksp_guess_type, none by default) and whether the batch prediction is done. */
static PetscErrorCode CheckParamOptions(const ParamOptions *o, ParamSweep *s)
{
  PetscBool sna;

  PetscFunctionBegin;
  /* NaN never compared due (no line ever) and a negative value acted as 0: both silently */
  PetscCheck(!PetscIsNanReal(o->progress_every) && o->progress_every >= 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-progress_every must be >= 0 (0: every solve), not %g", (double)o->progress_every);
  PetscCheck(o->batch_reps >= 0 && o->batch_reps <= 1000000, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-batch_repeat must be 0 to 1000000, not %" PetscInt_FMT, o->batch_reps);
  PetscCall(PetscStrncpy(s->guesstype, "none", sizeof(s->guesstype)));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-ksp_guess_type", s->guesstype, sizeof(s->guesstype), NULL)); /* KSPGetGuess() would create one */
  PetscCall(PetscStrcmp(s->guesstype, KSPGUESSSNA, &sna));
  PetscCheck(!o->batch_set || sna, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-batch_repeat %" PetscInt_FMT " repeats the batch prediction of the surrogate of -ksp_guess_type sna, but the guess is %s: add -ksp_guess_type sna -ksp_guess_sna_model m.h5, or remove -batch_repeat", o->batch_reps, s->guesstype);
  PetscCall(CheckGuessFileOptions(s->guesstype, sna));
  PetscCall(CheckOutputs(o->hassamples ? o->samplefile : NULL, o->hassnap ? o->snapfile : NULL, o->hasresults ? o->results : NULL, o->hascoord ? o->coordfile : NULL));
  s->batch = (PetscBool)(sna && o->batch_reps);
  PetscFunctionReturn(0);
}

/* The samples and the problem (with -dof_coordinates, its unknowns' positions written) */
static PetscErrorCode SetUpProblem(const ParamOptions *o, ParamSweep *s)
{
  PetscFunctionBegin;
  PetscCall(ReadSamples(PETSC_COMM_WORLD, o->hasparams ? o->params : NULL, o->np, o->hassamples ? o->samplefile : NULL, &s->N, &s->q, &s->X));
  PetscCall(PoissonParamCreate(PETSC_COMM_WORLD, o->dim, o->a, o->b, o->kappa, o->source, s->q, &s->pp));
  PetscCall(WarnUnusedParameters(&s->pp, o->hassamples ? "-samples' /X columns" : "-params values"));
  if (o->hascoord) PetscCall(WriteDofCoordinates(&s->pp, o->coordfile));
  PetscFunctionReturn(0);
}

/* The KSP (the program's defaults, then the options), the initial guess's capture, work vectors and the records */
static PetscErrorCode SetUpSolver(const ParamOptions *o, ParamSweep *s)
{
  const PetscInt N = s->N;

  PetscFunctionBegin;
  PetscCall(KSPCreate(PETSC_COMM_WORLD, &s->ksp));
  PetscCall(KSPSetDM(s->ksp, s->pp.dm)); /* the guess finds the natural ordering through the KSP's DM */
  PetscCall(KSPSetDMActive(s->ksp, PETSC_FALSE));
  PetscCall(KSPSetOperators(s->ksp, s->pp.A, s->pp.A));
  PetscCall(ParamKSPDefaults(s->ksp));
  PetscCall(KSPSetFromOptions(s->ksp));
  PetscCall(SNAPSCheckKSPTolerances(s->ksp));
  PetscCall(DMCreateGlobalVector(s->pp.dm, &s->u));
  PetscCall(VecDuplicate(s->u, &s->cap.x0));
  PetscCall(VecDuplicate(s->u, &s->work));
  PetscCall(KSPMonitorSet(s->ksp, CaptureInitialGuess, &s->cap, NULL));
  PetscCall(SNAPSNaturalCreateVec(s->pp.nat, &s->un));
  PetscCall(VecDuplicate(s->un, &s->bn));
  PetscCall(PetscMalloc6(N, &s->rec.its, N, &s->rec.tsolve, N, &s->rec.tguess, N, &s->rec.tassem, N, &s->rec.gerr, N, &s->rec.res0));
  PetscCall(PetscMalloc2(N, &s->rec.tfield, N, &s->rec.tcoord));
  if (s->batch) {
    PetscInt nloc;
    PetscCall(VecGetLocalSize(s->u, &nloc));
    PetscCall(MatCreateDense(PETSC_COMM_WORLD, nloc, PETSC_DECIDE, PETSC_DETERMINE, N, NULL, &s->U));
    PetscCall(PetscMalloc2(o->batch_reps, &s->tbatch, N, &s->berr));
  }
  PetscFunctionReturn(0);
}

/* The solves, in order, with -snapshots written as they go */
static PetscErrorCode RunSweep(const ParamOptions *o, ParamSweep *s)
{
  SNAPSSnapshots   snaps = NULL;
  PoissonErrorHold hold;
  PetscErrorCode   ierr;

  PetscFunctionBegin;
  /* a failed sample (a collective check) leaves no temporary snapshot file: the error is held back until every
     rank has abandoned the file, whose close is collective (raised at once, it would park rank 1: a hang) */
  PetscCall(PetscLogEventBegin(PARAM_SWEEP, 0, 0, 0, 0));
  PetscCall(PoissonErrorHoldPush(PETSC_COMM_WORLD, &hold));
  ierr = SolveSamples(&s->pp, s->ksp, s->N, s->q, s->X, s->u, s->work, s->un, s->bn, &s->cap, s->U, o->hassnap ? o->snapfile : NULL, &snaps, &s->rec, o->progress_every);
  PetscCall(PoissonErrorHoldPop(&hold));
  if (ierr && hold.held) PetscCall(SNAPSSnapshotsDestroy(&snaps));
  PetscCall(PoissonErrorHoldRaise(&hold, ierr, NULL, NULL));
  PetscCall(PetscLogEventEnd(PARAM_SWEEP, 0, 0, 0, 0));
  if (snaps) PetscCall(SNAPSSnapshotsClose(&snaps));
  PetscFunctionReturn(0);
}

/* -ksp_guess_type sna: the surrogate alone predicts all N fields at once, -batch_repeat times */
static PetscErrorCode RunBatch(const ParamOptions *o, ParamSweep *s)
{
  PetscReal merr;

  PetscFunctionBegin;
  PetscCall(BatchPrediction(&s->pp, s->ksp, s->N, s->X, s->U, o->batch_reps, s->tbatch, &s->mbatch, s->berr));
  PetscCall(Median(s->N, s->berr, &merr));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-poisson-param: surrogate alone, all %" PetscInt_FMT " fields at once (%" PetscInt_FMT " batches): median %.3e s per field, relative L2 error median %.3e\n", s->N, o->batch_reps, (double)s->mbatch, (double)merr));
  PetscFunctionReturn(0);
}

/* The medians over the samples, and the summary line */
static PetscErrorCode Summarise(const ParamOptions *o, const ParamSweep *s, SweepMedians *m)
{
  const PetscInt N = s->N;
  PetscMPIInt    size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(Median(N, s->rec.its, &m->its));
  PetscCall(Median(N, s->rec.tsolve, &m->solve));
  PetscCall(Median(N, s->rec.tguess, &m->guess));
  PetscCall(Median(N, s->rec.tassem, &m->assem));
  PetscCall(Median(N, s->rec.gerr, &m->err));
  PetscCall(Median(N, s->rec.res0, &m->res));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-poisson-param: %s%" PetscInt_FMT " %" PetscInt_FMT "-D, %" PetscInt_FMT " dofs, %d ranks, guess %s: %" PetscInt_FMT " solves, median %g iterations, KSPSolve %.3e s (guess %.3e s), assembly %.3e s, initial guess L2 error %.3e, residual %.3e\n", PoissonMeshReportsSimplex(o->dim, s->pp.simplex) ? "P" : "Q", s->pp.degree, o->dim, s->pp.dofs, size, s->guesstype, N, (double)m->its,
                        (double)m->solve, (double)m->guess, (double)m->assem, (double)m->err, (double)m->res));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteParamReport(const ParamOptions *o, const ParamSweep *s, const SweepMedians *m)
{
  const PetscInt N = s->N;
  SNAPSReport    report;
  KSPType        ktype;
  PC             pc;
  PCType         ptype;
  PetscReal      rtol, wall;
  PetscInt       nbc, bcall;
  PetscLogDouble now;

  PetscFunctionBegin;
  PetscCall(PetscTime(&now));
  wall = (PetscReal)(now - s->wall0);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &wall, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  nbc = s->pp.nbc;
  PetscCall(MPIU_Allreduce(&nbc, &bcall, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  PetscCall(KSPGetType(s->ksp, &ktype));
  PetscCall(KSPGetPC(s->ksp, &pc));
  PetscCall(PCGetType(pc, &ptype));
  PetscCall(KSPGetTolerances(s->ksp, &rtol, NULL, NULL, NULL));
  PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
  PetscCall(SNAPSReportSetString(report, "program", "snaps-poisson-param"));
  PetscCall(SNAPSReportSetString(report, "kappa", o->kappa));
  PetscCall(SNAPSReportSetString(report, "source", o->source));
  PetscCall(SNAPSReportSetInt(report, "dim", o->dim));
  if (s->pp.mesh[0]) { /* the file's domain: -domain is refused with it */
    PetscCall(SNAPSReportSetString(report, "mesh", s->pp.mesh));
  } else {
    PetscCall(SNAPSReportSetReal(report, "domain_lower", o->a));
    PetscCall(SNAPSReportSetReal(report, "domain_upper", o->b));
  }
  if (o->hassamples) PetscCall(SNAPSReportSetString(report, "samples", o->samplefile));
  if (o->hassnap) PetscCall(SNAPSReportSetString(report, "snapshots", o->snapfile));
  if (o->hascoord) PetscCall(SNAPSReportSetString(report, "dof_coordinates", o->coordfile));
  PetscCall(SNAPSReportSetInt(report, "n_mu", s->q)); /* the PDE parameters (n_params means trainable ones, snaps-fit) */
  PetscCall(SNAPSReportSetInt(report, "n_samples", N));
  PetscCall(SNAPSReportSetInt(report, "dofs", s->pp.dofs));              /* the system's size, the boundary's identity rows included */
  PetscCall(SNAPSReportSetInt(report, "free_dofs", s->pp.dofs - bcall)); /* without them: snaps-poisson's dofs */
  PetscCall(SNAPSReportSetInt(report, "cells", s->pp.cells));
  PetscCall(SNAPSReportSetInt(report, "degree", s->pp.degree));
  PetscCall(SNAPSReportSetString(report, "ksp_type", ktype));
  PetscCall(SNAPSReportSetString(report, "pc_type", ptype));
  PetscCall(SNAPSReportSetReal(report, "ksp_rtol", rtol));
  PetscCall(SNAPSReportSetString(report, "guess_type", s->guesstype));
  PetscCall(SNAPSReportSetRealArray(report, "ksp_iterations", N, s->rec.its));
  PetscCall(SNAPSReportSetRealArray(report, "solve_time_s", N, s->rec.tsolve));
  PetscCall(SNAPSReportSetRealArray(report, "guess_time_s", N, s->rec.tguess));
  PetscCall(SNAPSReportSetRealArray(report, "prediction_time_s", N, s->rec.tfield));
  PetscCall(SNAPSReportSetRealArray(report, "coordinates_time_s", N, s->rec.tcoord));
  PetscCall(SNAPSReportSetRealArray(report, "assembly_time_s", N, s->rec.tassem));
  PetscCall(SNAPSReportSetRealArray(report, "guess_rel_l2_error", N, s->rec.gerr));
  PetscCall(SNAPSReportSetRealArray(report, "guess_rel_residual", N, s->rec.res0));
  PetscCall(SNAPSReportSetReal(report, "median_ksp_iterations", m->its));
  PetscCall(SNAPSReportSetReal(report, "median_solve_time_s", m->solve));
  PetscCall(SNAPSReportSetReal(report, "median_guess_time_s", m->guess));
  PetscCall(SNAPSReportSetReal(report, "median_assembly_time_s", m->assem));
  PetscCall(SNAPSReportSetReal(report, "median_guess_rel_l2_error", m->err));
  PetscCall(SNAPSReportSetReal(report, "median_guess_rel_residual", m->res)); /* the printed line's residual */
  if (s->batch) {
    PetscCall(SNAPSReportSetRealArray(report, "batch_times_s", o->batch_reps, s->tbatch));
    PetscCall(SNAPSReportSetReal(report, "batch_prediction_time_s", s->mbatch));
    PetscCall(SNAPSReportSetRealArray(report, "batch_prediction_rel_l2_error", N, s->berr));
  }
  PetscCall(SNAPSReportSetReal(report, "wall_time_s", wall)); /* from the start to the report: set-up, solves, batch */
  PetscCall(SNAPSReportWrite(report, o->results));
  PetscCall(SNAPSReportDestroy(&report));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParamSweepDestroy(ParamSweep *s)
{
  PetscFunctionBegin;
  PetscCall(PetscFree6(s->rec.its, s->rec.tsolve, s->rec.tguess, s->rec.tassem, s->rec.gerr, s->rec.res0));
  PetscCall(PetscFree2(s->rec.tfield, s->rec.tcoord));
  PetscCall(PetscFree2(s->tbatch, s->berr));
  PetscCall(MatDestroy(&s->U));
  PetscCall(PetscFree(s->X));
  PetscCall(VecDestroy(&s->un));
  PetscCall(VecDestroy(&s->bn));
  PetscCall(VecDestroy(&s->u));
  PetscCall(VecDestroy(&s->work));
  PetscCall(VecDestroy(&s->cap.x0));
  PetscCall(KSPDestroy(&s->ksp));
  PetscCall(PoissonParamDestroy(&s->pp));
  PetscFunctionReturn(0);
}

/* Checks, sets up, solves the samples, reports (wall0: the program's start, for the report's wall_time_s) */
static PetscErrorCode SolveSweep(const ParamOptions *o, PetscLogDouble wall0)
{
  ParamSweep   s;
  SweepMedians m;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&s, sizeof(s)));
  s.wall0 = wall0;
  PetscCall(CheckParamOptions(o, &s));
  PetscCall(SetUpProblem(o, &s));
  PetscCall(SetUpSolver(o, &s));
  PetscCall(RunSweep(o, &s));
  if (s.batch) PetscCall(RunBatch(o, &s));
  PetscCall(Summarise(o, &s, &m));
  if (o->hasresults) PetscCall(WriteParamReport(o, &s, &m));
  PetscCall(ParamSweepDestroy(&s));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  ParamOptions   o;
  PetscBool      helpflg;
  PetscLogDouble wall0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(SNAGuessInitializePackage()); /* -ksp_guess_type sna without -dll_append */
  /* -log_view: the solves (their assembly is PoissonParamAssemble's) */
  PetscCall(PetscLogEventRegister("PoissonParamSweep", KSP_CLASSID, &PARAM_SWEEP));
  PetscCall(PetscTime(&wall0));
  PetscCall(ParamOptionsRead(&o));
  PetscCall(PetscOptionsHasHelp(NULL, &helpflg));
  if (helpflg) { /* the mesh, element and solver options too (one parameter unless -params says more), then stop */
    PetscCall(ViewSolverOptions(o.dim, o.a, o.b, o.kappa, o.source, o.hasparams ? o.np : 1));
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCall(SolveSweep(&o, wall0));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
