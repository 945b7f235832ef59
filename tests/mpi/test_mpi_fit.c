static const char help[] = "A fit on all ranks must equal the serial fit (rank 0 alone, all data) to -tol relative;\n"
                           "distributed grid evaluation must equal the serial one.\n"
                           "Options: -n_samples N (default 3000), -tol t (default 1e-12; Levenberg-Marquardt solves with the whole\n"
                           "normal matrix, which carries the reduction order's round-off further), -product_positions L\n"
                           "(default 0: scattered samples): samples of designs x L positions, sample i = g L + j of design g\n"
                           "(input 0) at position j (input 1), which the ALS fit sums by runs of equal values and, where each\n"
                           "rank holds whole designs, by designs and positions; -rank0_samples n: rank 0 holds the first n\n"
                           "samples, the other ranks split the rest (default: an even split); -product_groups_expected\n"
                           "g_0,..,g_{size-1},g_serial: the designs each rank's samples, then the serial fit's, must have been\n"
                           "summed by (0: not a product; the results alone cannot tell the paths apart); plus any -sna_ option.\n"
                           "Also: SNAComputeTargetVariance() of three outputs (the target, the target + 1e8, a constant) is the\n"
                           "two-pass value of all samples to 1e-10 (the ranks' means near 1e8 are merged with their rounding, 1e-8),\n"
                           "the same bits on every rank, and exactly 0 for constant targets.\n";

#include <snaps.h>
#include "reldiff.h"
#include <snaps/private/khronosimpl.h>

/* Positions per design of -product_positions (0: scattered samples). */
static PetscInt product_positions = 0;

/* Sample i of a deterministic low-discrepancy (R2) sequence on [-1,1]^2 and a smooth target; with product_positions
   L, design i / L (input 0 from the sequence) at position i % L (input 1 equispaced). */
static void Sample(PetscInt i, PetscReal x[2], PetscReal *y)
{
  const PetscReal a1 = 0.7548776662466927, a2 = 0.5698402909980532;
  const PetscInt  L  = product_positions;
  PetscReal       t1 = 0.5 + a1 * (L ? i / L : i), t2 = 0.5 + a2 * i;
  x[0] = 2 * (t1 - PetscFloorReal(t1)) - 1;
  x[1] = L ? -1 + 2.0 * (i % L) / (L - 1) : 2 * (t2 - PetscFloorReal(t2)) - 1;
  *y   = PetscSinReal(PETSC_PI * x[0]) * PetscCosReal(2 * x[1]) + x[0] * x[0] * PetscExpReal(x[1]);
}

/* This rank's share of the N samples: n0 on rank 0 (PETSC_DECIDE: an even split), the rest split over the others. */
static PetscErrorCode LocalSize(PetscInt N, PetscInt n0, PetscInt *n)
{
  PetscMPIInt rank, size;
  PetscInt    rest;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  *n = PETSC_DECIDE;
  if (n0 == PETSC_DECIDE) {
    PetscCall(PetscSplitOwnership(PETSC_COMM_WORLD, n, &N));
    PetscFunctionReturn(0);
  }
  PetscCheck(n0 >= 0 && n0 <= N && (size > 1 || n0 == N), PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-rank0_samples %" PetscInt_FMT ": give at most -n_samples %" PetscInt_FMT " (all of them on one rank)", n0, N);
  rest = N - n0;
  *n   = rank ? rest / (size - 1) + (rank - 1 < rest % (size - 1)) : n0;
  PetscFunctionReturn(0);
}

/* Whether the fit sna summed its local samples as groups designs x positions (0: not a product; khronosals.c
   ProductFind); if not, says so (which: the parallel or the serial fit) and adds 1 to *wrong. */
static PetscErrorCode CheckProductPath(const char *which, SNA sna, PetscInt groups, PetscInt *wrong)
{
  const SNA_Khronos *kh = (SNA_Khronos *)sna->data;
  PetscMPIInt        rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (kh->als_product[0] == groups && (!groups || kh->als_product[1] == product_positions)) PetscFunctionReturn(0);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "The %s fit on rank %d summed its samples as %" PetscInt_FMT " designs x %" PetscInt_FMT " positions, expected %" PetscInt_FMT " designs (0: not a product; -product_groups_expected)\n", which, rank, kh->als_product[0], kh->als_product[1], groups));
  (*wrong)++;
  PetscFunctionReturn(0);
}

/* Samples [start, end) of the global sequence on comm. */
static PetscErrorCode MakeData(MPI_Comm comm, PetscInt start, PetscInt end, Vec *X, Vec *Y)
{
  PetscReal *x, *y;

  PetscFunctionBegin;
  PetscCall(VecCreateMPI(comm, 2 * (end - start), PETSC_DETERMINE, X));
  PetscCall(VecSetBlockSize(*X, 2));
  PetscCall(VecCreateMPI(comm, end - start, PETSC_DETERMINE, Y));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt i = start; i < end; i++) Sample(i, x + 2 * (i - start), y + (i - start));
  PetscCall(VecRestoreArray(*Y, &y));
  PetscCall(VecRestoreArray(*X, &x));
  PetscFunctionReturn(0);
}

/* SNAComputeTargetVariance() of this rank's rows [start, start + n) of three outputs, the target y, y + 1e8 and 5: the
   mean of their variances (each about its own mean; the one-pass pooled formula gave about 1e16 / 3 here) against the
   two-pass value of all N samples, the same bits on every rank (one reduction, applied in rank order), and 0 exactly
   for the constant output alone. */
static PetscErrorCode CheckTargetVariance(PetscInt N, PetscInt start, PetscInt n)
{
  Vec        Y3;
  PetscReal *y, x[2], v, mean[2] = {0, 0}, m2[2] = {0, 0}, var, ms, expect, range[2];
  PetscInt   bad = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < N; i++) { /* two-pass, of the values as stored (y + 1e8 rounded) */
    Sample(i, x, &v);
    mean[0] += v / N;
    mean[1] += (v + 1e8) / N;
  }
  for (PetscInt i = 0; i < N; i++) {
    Sample(i, x, &v);
    m2[0] += PetscSqr(v - mean[0]);
    m2[1] += PetscSqr((v + 1e8) - mean[1]);
  }
  expect = (m2[0] + m2[1]) / N / 3; /* the constant output has none */
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, 3 * n, PETSC_DETERMINE, &Y3));
  PetscCall(VecSetBlockSize(Y3, 3));
  PetscCall(VecGetArray(Y3, &y));
  for (PetscInt i = 0; i < n; i++) {
    Sample(start + i, x, &v);
    y[3 * i]     = v;
    y[3 * i + 1] = v + 1e8;
    y[3 * i + 2] = 5;
  }
  PetscCall(VecRestoreArray(Y3, &y));
  PetscCall(SNAComputeTargetVariance(Y3, &var, &ms));
  range[0] = var;
  range[1] = -var;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, range, 2, MPIU_REAL, MPI_MIN, PETSC_COMM_WORLD));
  if (!(PetscAbsReal(var - expect) <= 1e-10 * expect) || range[0] != -range[1]) bad++;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "SNAComputeTargetVariance: %.17g, two-pass %.17g (relative difference %.2e), mean square %.6g\n", (double)var, (double)expect, (double)(PetscAbsReal(var - expect) / expect), (double)ms));
  PetscCall(VecGetArray(Y3, &y));
  for (PetscInt i = 0; i < n; i++) y[3 * i] = y[3 * i + 1] = -2.5;
  PetscCall(VecRestoreArray(Y3, &y));
  PetscCall(SNAComputeTargetVariance(Y3, &var, &ms));
  if (var != 0 || ms != (2 * 6.25 + 25) / 3) bad++;
  PetscCall(VecDestroy(&Y3));
  PetscCheck(!bad, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "SNAComputeTargetVariance() differs from the two-pass variance %g of all samples, from rank to rank, or is not 0 (mean square 12.5) for constant targets (above: %g, %g)", (double)expect, (double)var, (double)ms);
  PetscFunctionReturn(0);
}

static PetscErrorCode Fit(MPI_Comm comm, Vec X, Vec Y, SNA *sna)
{
  PetscFunctionBegin;
  PetscCall(SNACreate(comm, sna));
  PetscCall(SNAKhronosSetBasis(*sna, 2, 20, 2)); /* rank 2 is well determined here; a nearly degenerate extra mode would amplify the reduction-order round-off */
  PetscCall(SNASetTolerances(*sna, 0, 1e-10, 12));
  PetscCall(SNASetFromOptions(*sna));
  PetscCall(SNAFit(*sna, X, Y));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscMPIInt      rank, size;
  PetscInt         N = 3000, n, start, itsP, itsS = -1, n0 = PETSC_DECIDE, expected[65], nexpected = 65;
  PetscInt         wrong = 0; /* fits that took another path than -product_groups_expected */
  PetscBool        check_path;
  Vec              X, Y, Xs = NULL, Ys = NULL, G, Gs = NULL, G0;
  SNA              par, ser = NULL;
  VecScatter       tozero;
  PetscReal        diff[3] = {0, 0, 0}, cx[64], cy[48], tol = 1e-12;
  const PetscInt   ng[2]     = {64, 48};
  const PetscReal *coords[2] = {cx, cy};

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n_samples", &N, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-tol", &tol, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-product_positions", &product_positions, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-rank0_samples", &n0, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-product_groups_expected", expected, &nexpected, &check_path));
  PetscCheck(product_positions == 0 || product_positions > 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-product_positions %" PetscInt_FMT ": give at least 2 positions per design, or 0 for scattered samples", product_positions);
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(!check_path || nexpected == size + 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "-product_groups_expected has %" PetscInt_FMT " entries: give one per rank (%d) and then the serial fit's", nexpected, size);
  PetscCall(LocalSize(N, n0, &n));
  PetscCallMPI(MPI_Scan(&n, &start, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  start -= n;
  PetscCall(MakeData(PETSC_COMM_WORLD, start, start + n, &X, &Y));
  PetscCall(CheckTargetVariance(N, start, n));
  PetscCall(Fit(PETSC_COMM_WORLD, X, Y, &par));
  PetscCall(SNAGetIterationNumber(par, &itsP));
  if (check_path) PetscCall(CheckProductPath("parallel", par, expected[rank], &wrong));
  for (PetscInt i = 0; i < 64; i++) cx[i] = -1 + 2.0 * i / 63;
  for (PetscInt i = 0; i < 48; i++) cy[i] = -1 + 2.0 * i / 47;
  PetscCall(SNACreateGridVec(par, ng, &G));
  PetscCall(SNAEvaluateGrid(par, ng, coords, G));
  PetscCall(VecScatterCreateToZero(G, &tozero, &G0));
  PetscCall(VecScatterBegin(tozero, G, G0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(tozero, G, G0, INSERT_VALUES, SCATTER_FORWARD));

  if (rank == 0) { /* the serial reference: the same data, one process */
    SNA_Khronos     *kp, *ks;
    const PetscReal *g, *gs;
    PetscCall(MakeData(PETSC_COMM_SELF, 0, N, &Xs, &Ys));
    PetscCall(Fit(PETSC_COMM_SELF, Xs, Ys, &ser));
    PetscCall(SNAGetIterationNumber(ser, &itsS));
    if (check_path) PetscCall(CheckProductPath("serial", ser, expected[size], &wrong));
    kp = (SNA_Khronos *)par->data;
    ks = (SNA_Khronos *)ser->data;
    PetscCheck(kp->start[2] == ks->start[2] && kp->modes == ks->modes, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Serial and parallel models differ in size");
    diff[0] = RelDiff(kp->start[2] * kp->modes, ks->W, kp->W);
    diff[1] = RelDiff(kp->modes, ks->C, kp->C);
    PetscCall(SNACreateGridVec(ser, ng, &Gs));
    PetscCall(SNAEvaluateGrid(ser, ng, coords, Gs));
    PetscCall(VecGetArrayRead(Gs, &gs));
    PetscCall(VecGetArrayRead(G0, &g));
    diff[2] = RelDiff(64 * 48, gs, g);
    PetscCall(VecRestoreArrayRead(G0, &g));
    PetscCall(VecRestoreArrayRead(Gs, &gs));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%d ranks vs serial: sweeps %" PetscInt_FMT " vs %" PetscInt_FMT ", relative difference W %.2e, C %.2e, grid values %.2e (training MSE %.3e)\n", size, itsP, itsS, (double)diff[0], (double)diff[1], (double)diff[2], (double)ser->fit_mse));
  }
  PetscCallMPI(MPI_Bcast(diff, 3, MPIU_REAL, 0, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Bcast(&itsS, 1, MPIU_INT, 0, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &wrong, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  PetscCheck(!wrong, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%" PetscInt_FMT " fits did not sum their samples as -product_groups_expected says (above): the comparison does not test the path it names", wrong);
  PetscCheck(itsS == itsP, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The serial fit took %" PetscInt_FMT " sweeps, the parallel one %" PetscInt_FMT, itsS, itsP);
  PetscCheck(diff[0] <= tol && diff[1] <= tol && diff[2] <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Parallel and serial fits differ: W %g, C %g, grid %g (limit %g)", (double)diff[0], (double)diff[1], (double)diff[2], (double)tol);
  PetscCall(SNADestroy(&ser));
  PetscCall(SNADestroy(&par));
  PetscCall(VecDestroy(&Xs));
  PetscCall(VecDestroy(&Ys));
  PetscCall(VecDestroy(&Gs));
  PetscCall(VecDestroy(&G0));
  PetscCall(VecDestroy(&G));
  PetscCall(VecScatterDestroy(&tozero));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(PetscFinalize());
  return 0;
}
