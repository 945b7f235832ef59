/* The error quadrature shared by the methods of snaps-poisson (see errors.h). */
#include "errors.h"
#include <petscdt.h>
#include <snaps/options.h>

PetscErrorCode PoissonErrorsGetOptions(MPI_Comm comm, PetscInt dim, PetscInt *cells, PetscInt *order)
{
  /* about 1e6 to 4e6 points in 1-D..3-D, fewer in more dimensions */
  const PetscInt defcells[POISSON_EXACT_MAX_DIM + 1] = {0, 4096, 256, 48, 8, 5, 3};
  const PetscInt deforder[POISSON_EXACT_MAX_DIM + 1] = {0, 5, 5, 4, 3, 3, 3};
  PetscBool      help;

  PetscFunctionBegin;
  PetscCheck(dim >= 1 && dim <= POISSON_EXACT_MAX_DIM, comm, PETSC_ERR_ARG_OUTOFRANGE, "The dimension must be between 1 and %d, not %" PetscInt_FMT, POISSON_EXACT_MAX_DIM, dim);
  *cells = defcells[dim];
  *order = deforder[dim];
  PetscOptionsBegin(comm, NULL, "Error quadrature (shared by all methods)", NULL);
  PetscCall(PetscOptionsInt("-error_cells", "Cells per direction of the error-quadrature grid", NULL, *cells, cells, NULL));
  PetscCall(PetscOptionsInt("-error_order", "Gauss points per direction and cell of the error quadrature", NULL, *order, order, NULL));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) PetscFunctionReturn(0); /* a help run lists the options; it checks none of them */
  PetscCheck(*cells >= 1, comm, PETSC_ERR_USER_INPUT, "-error_cells must be at least 1, not %" PetscInt_FMT, *cells);
  PetscCheck(*order >= 1 && *order <= 32, comm, PETSC_ERR_USER_INPUT, "-error_order must be between 1 and 32, not %" PetscInt_FMT, *order);
  { /* the grid counts its cells in a PetscInt, and a batch holds at least one cell's points: refuse before any solve */
    const PetscLogDouble ncells = PetscPowRealInt((PetscReal)*cells, dim), npc = PetscPowRealInt((PetscReal)*order, dim);
    char                 what[256];
    PetscCheck(ncells < PETSC_MAX_INT, comm, PETSC_ERR_USER_INPUT, "-error_cells %" PetscInt_FMT " in %" PetscInt_FMT "-D makes %.3g error-quadrature cells, more than the %d the grid can count: choose at most %" PetscInt_FMT, *cells, dim, (double)ncells, PETSC_MAX_INT, (PetscInt)PetscFloorReal(PetscPowReal((PetscReal)PETSC_MAX_INT, 1.0 / dim)));
    PetscCall(PetscSNPrintf(what, sizeof(what), "-error_order %" PetscInt_FMT " in %" PetscInt_FMT "-D (%.3g quadrature points per cell)", *order, dim, (double)npc));
    PetscCall(SNAPSCheckMemory(comm, 8 * (2 * dim + 2) * PetscMax(65536, npc), what));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonErrorsAccumulate(PoissonExact exact, PetscInt n, const PetscReal x[], const PetscReal w[], const PetscReal uh[], const PetscReal gradh[], PetscReal *l2sq, PetscReal *h1sq)
{
  PetscInt   dim;
  PetscReal *u, *grad, sl2 = 0, sh1 = 0;

  PetscFunctionBegin;
  PetscCall(PoissonExactGetInfo(exact, &dim, NULL));
  PetscCall(PetscMalloc2(n, &u, n * dim, &grad));
  /* u and grad u through the compiled tape when it reproduces libmatheval (1 + 2d vector loops per operation
     instead of 1 + d interpreter walks per point) */
  PetscCall(PoissonExactEvaluateGradientBatch(exact, n, x, u, grad));
  for (PetscInt q = 0; q < n; q++) {
    PetscReal g2 = 0;
    for (PetscInt d = 0; d < dim; d++) g2 += PetscSqr(gradh[q * dim + d] - grad[q * dim + d]);
    sl2 += w[q] * PetscSqr(uh[q] - u[q]);
    sh1 += w[q] * g2;
  }
  PetscCall(PetscFree2(u, grad));
  *l2sq += sl2;
  *h1sq += sh1;
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonErrorsCreateCellQuadrature(PetscInt dim, PetscInt nsub, PetscInt order, PetscQuadrature *quad)
{
  PetscReal *gx, *gw, *x1, *w1, *x, *w;
  PetscInt   n1 = nsub * order, N = 1;

  PetscFunctionBegin;
  for (PetscInt d = 0; d < dim; d++) N *= n1;
  PetscCall(PetscMalloc4(order, &gx, order, &gw, n1, &x1, n1, &w1));
  PetscCall(PetscDTGaussQuadrature(order, -1.0, 1.0, gx, gw));
  for (PetscInt s = 0; s < nsub; s++) { /* sub-interval [-1 + 2s/nsub, -1 + 2(s+1)/nsub] */
    const PetscReal h = 2.0 / nsub, lo = -1.0 + s * h;
    for (PetscInt i = 0; i < order; i++) {
      x1[s * order + i] = lo + 0.5 * h * (gx[i] + 1.0);
      w1[s * order + i] = 0.5 * h * gw[i];
    }
  }
  PetscCall(PetscMalloc1(N * dim, &x));
  PetscCall(PetscMalloc1(N, &w));
  for (PetscInt p = 0; p < N; p++) { /* tensor product, first direction fastest */
    PetscInt r = p;
    w[p]       = 1.0;
    for (PetscInt d = 0; d < dim; d++) {
      x[p * dim + d] = x1[r % n1];
      w[p] *= w1[r % n1];
      r /= n1;
    }
  }
  PetscCall(PetscFree4(gx, gw, x1, w1));
  PetscCall(PetscQuadratureCreate(PETSC_COMM_SELF, quad));
  PetscCall(PetscQuadratureSetOrder(*quad, 2 * order - 1));
  PetscCall(PetscQuadratureSetData(*quad, dim, 1, N, x, w)); /* takes ownership of x and w */
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonErrorsComputeGrid(MPI_Comm comm, PoissonExact exact, PetscReal a, PetscReal b, PetscInt cells, PetscInt order, PoissonApproxFn approx, void *ctx, PetscReal *l2sq, PetscReal *h1)
{
  PetscInt    dim, ncells = 1, npc = 1, cStart, cEnd, batch, nbatch, maxbatch;
  PetscReal  *gx, *gw, *x, *w, *uh, *gh, h = (b - a) / cells, sums[2] = {0, 0};
  PetscMPIInt size, rank;
  PetscInt64  total = 1;

  PetscFunctionBegin;
  PetscCall(PoissonExactGetInfo(exact, &dim, NULL));
  PetscCheck(a < b, comm, PETSC_ERR_ARG_WRONG, "Empty box [%g, %g]", (double)a, (double)b);
  PetscCheck(cells >= 1 && order >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "Need at least one cell and one point per direction");
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  for (PetscInt d = 0; d < dim; d++) {
    total *= cells;
    npc *= order;
  }
  PetscCheck(total < PETSC_MAX_INT, comm, PETSC_ERR_ARG_OUTOFRANGE, "Too many error-quadrature cells: %" PetscInt_FMT "^%" PetscInt_FMT, cells, dim);
  ncells = (PetscInt)total;
  cStart = (PetscInt)(((PetscInt64)ncells * rank) / size); /* this rank's cells, in lexicographic order */
  cEnd   = (PetscInt)(((PetscInt64)ncells * (rank + 1)) / size);
  batch  = PetscMax(1, 65536 / npc); /* cells per callback */
  nbatch = (cEnd - cStart + batch - 1) / batch;
  PetscCall(MPIU_Allreduce(&nbatch, &maxbatch, 1, MPIU_INT, MPI_MAX, comm));
  PetscCall(PetscMalloc2(order, &gx, order, &gw));
  PetscCall(PetscDTGaussQuadrature(order, 0.0, 1.0, gx, gw));
  PetscCall(PetscMalloc4(batch * npc * dim, &x, batch * npc, &w, batch * npc, &uh, batch * npc * dim, &gh));
  for (PetscInt ib = 0; ib < maxbatch; ib++) {
    const PetscInt c0 = PetscMin(cStart + ib * batch, cEnd), c1 = PetscMin(c0 + batch, cEnd);
    PetscInt       n = 0;

    for (PetscInt c = c0; c < c1; c++) {
      for (PetscInt p = 0; p < npc; p++, n++) {
        PetscInt rc = c, rp = p;
        w[n] = 1.0;
        for (PetscInt d = 0; d < dim; d++) {
          x[n * dim + d] = a + h * ((rc % cells) + gx[rp % order]);
          w[n] *= h * gw[rp % order];
          rc /= cells;
          rp /= order;
        }
      }
    }
    PetscCall((*approx)(ctx, n, x, uh, gh));
    PetscCall(PoissonErrorsAccumulate(exact, n, x, w, uh, gh, &sums[0], &sums[1]));
  }
  PetscCall(PetscFree4(x, w, uh, gh));
  PetscCall(PetscFree2(gx, gw));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, sums, 2, MPIU_REAL, MPIU_SUM, comm));
  *l2sq = sums[0];
  *h1   = PetscSqrtReal(sums[1]);
  PetscFunctionReturn(0);
}
