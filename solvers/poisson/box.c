/* snaps-poisson -method fem on a box of tensor cells (see box.h). */
#include "box.h"
#include "errors.h"

#define BOX_MAX_NB 9 /* degree <= 8: nodes per element and direction */

/* -log_view events: the stiffness rows, the matrix built from them, the load vector */
static PetscLogEvent BOX_ROWS = 0, BOX_MAT = 0, BOX_LOAD = 0;

struct _n_PoissonBox {
  PetscInt     dim, k, n[3], N[3];            /* degree, cells and full-grid intervals n k per direction */
  PetscReal    a, h[3];                       /* lower corner, cell sizes */
  PetscReal    nodes[BOX_MAX_NB];             /* Gauss-Lobatto-Legendre: PetscFE's Lagrange nodes */
  PetscReal    xi[BOX_MAX_NB], w[BOX_MAX_NB]; /* k + 1 Gauss points on [-1, 1] */
  PetscReal    phi[BOX_MAX_NB * BOX_MAX_NB];  /* phi[q (k+1) + i]: basis i at Gauss point q */
  PetscInt    *ia, *ja;                       /* the serial matrix's CSR arrays, which it uses in place (freed with the box) */
  PetscScalar *va;
  PetscReal    Me[BOX_MAX_NB * BOX_MAX_NB], Ke[BOX_MAX_NB * BOX_MAX_NB]; /* reference 1-D mass and stiffness on [-1, 1] */
};

/* The Lagrange basis of degree k on the nodes[k + 1] of [-1, 1] and its derivative at xi. */
static void Lagrange1D(PetscInt k, const PetscReal nodes[], PetscReal xi, PetscReal phi[], PetscReal dphi[])
{
  for (PetscInt i = 0; i <= k; i++) {
    PetscReal p = 1, dp = 0;
    for (PetscInt j = 0; j <= k; j++) {
      if (j == i) continue;
      dp = dp * (xi - nodes[j]) / (nodes[i] - nodes[j]) + p / (nodes[i] - nodes[j]);
      p *= (xi - nodes[j]) / (nodes[i] - nodes[j]);
    }
    phi[i] = p;
    if (dphi) dphi[i] = dp;
  }
}

PetscErrorCode PoissonBoxFits(PetscInt dim, const PetscInt faces[], PetscInt k, PetscMPIInt size, PetscBool *fits, const char **why)
{
  PetscFunctionBegin;
  *fits = PETSC_TRUE;
  *why  = NULL;
  if (k > BOX_MAX_NB - 1) *fits = PETSC_FALSE, *why = "degree above 8";
  for (PetscInt d = 0; d < dim && *fits; d++) { /* interior nodes per direction: faces k - 1 */
    if (faces[d] * k - 1 < 1)
      *fits = PETSC_FALSE, *why = "no interior node in some direction";
    else if (size > 1 && faces[d] * k - 1 < k * size)
      *fits = PETSC_FALSE, *why = "fewer than degree interior nodes per rank in some direction";
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonBoxCreate(MPI_Comm comm, PetscInt dim, PetscReal a, PetscReal b, const PetscInt faces[], PetscInt k, PoissonBox *box, DM *da)
{
  PoissonBox bx;
  PetscInt   M[3] = {1, 1, 1};
  PetscReal  dphi[BOX_MAX_NB * BOX_MAX_NB];

  PetscFunctionBegin;
  PetscCheck(dim >= 1 && dim <= 3 && k >= 1 && k < BOX_MAX_NB, comm, PETSC_ERR_SUP, "-fem_assembly box: %" PetscInt_FMT "-D, degree %" PetscInt_FMT " is not supported (1-3 D, degree 1-8)", dim, k);
  if (!BOX_ROWS) {
    PetscCall(PetscLogEventRegister("PoissonBoxRows", DM_CLASSID, &BOX_ROWS));
    PetscCall(PetscLogEventRegister("PoissonBoxMat", DM_CLASSID, &BOX_MAT));
    PetscCall(PetscLogEventRegister("PoissonBoxLoad", DM_CLASSID, &BOX_LOAD));
  }
  PetscCall(PetscNew(&bx));
  bx->dim = dim;
  bx->k   = k;
  bx->a   = a;
  for (PetscInt d = 0; d < dim; d++) {
    bx->n[d] = faces[d];
    bx->N[d] = faces[d] * k;
    bx->h[d] = (b - a) / faces[d];
    M[d]     = bx->N[d] - 1;
  }
  { /* PetscDualSpaceLagrange's default nodes (Gauss-Jacobi with end points, exponent 0): they set the nodal Dirichlet data from Q3 up */
    PetscReal lw[BOX_MAX_NB];
    PetscCall(PetscDTGaussLobattoLegendreQuadrature(k + 1, PETSCGAUSSLOBATTOLEGENDRE_VIA_LINEAR_ALGEBRA, bx->nodes, lw));
  }
  PetscCall(PetscDTGaussQuadrature(k + 1, -1.0, 1.0, bx->xi, bx->w));
  for (PetscInt q = 0; q <= k; q++) Lagrange1D(k, bx->nodes, bx->xi[q], &bx->phi[q * (k + 1)], &dphi[q * (k + 1)]);
  for (PetscInt i = 0; i <= k; i++) /* k + 1 Gauss points integrate both exactly */
    for (PetscInt j = 0; j <= k; j++) {
      PetscReal m = 0, s = 0;
      for (PetscInt q = 0; q <= k; q++) {
        m += bx->w[q] * bx->phi[q * (k + 1) + i] * bx->phi[q * (k + 1) + j];
        s += bx->w[q] * dphi[q * (k + 1) + i] * dphi[q * (k + 1) + j];
      }
      bx->Me[i * (k + 1) + j] = m;
      bx->Ke[i * (k + 1) + j] = s;
    }
  if (dim == 1)
    PetscCall(DMDACreate1d(comm, DM_BOUNDARY_NONE, M[0], 1, k, NULL, da));
  else if (dim == 2)
    PetscCall(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX, M[0], M[1], PETSC_DECIDE, PETSC_DECIDE, 1, k, NULL, NULL, da));
  else
    PetscCall(DMDACreate3d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX, M[0], M[1], M[2], PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE, 1, k, NULL, NULL, NULL, da));
  PetscCall(DMSetUp(*da));
  *box = bx;
  PetscFunctionReturn(0);
}

/* The 1-D mass and stiffness entries between full-grid nodes p and q of direction d (0 when they share no cell). */
static inline void Entry1D(PoissonBox bx, PetscInt d, PetscInt p, PetscInt q, PetscReal *m, PetscReal *s)
{
  const PetscInt k = bx->k, e0 = p % k ? p / k : p / k - 1, e1 = p / k;

  *m = *s = 0;
  for (PetscInt e = e0; e <= e1; e++) {
    if (e < 0 || e >= bx->n[d] || q < e * k || q > e * k + k) continue;
    *m += 0.5 * bx->h[d] * bx->Me[(p - e * k) * (k + 1) + q - e * k];
    *s += 2.0 / bx->h[d] * bx->Ke[(p - e * k) * (k + 1) + q - e * k];
  }
}

/* The owned interior nodes (start s, width m) and the ghosted ones (gs, gm) per direction, as DMDA indices. */
static PetscErrorCode BoxCorners(DM da, PetscInt s[], PetscInt m[], PetscInt gs[], PetscInt gm[])
{
  PetscFunctionBegin;
  PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  PetscCall(DMDAGetGhostCorners(da, &gs[0], &gs[1], &gs[2], &gm[0], &gm[1], &gm[2]));
  PetscFunctionReturn(0);
}

/* The coordinate of full-grid node p in direction d. */
static inline PetscReal BoxNodeCoordinate(PoissonBox bx, PetscInt d, PetscInt p)
{
  const PetscInt e = PetscMin(p / bx->k, bx->n[d] - 1);
  return bx->a + bx->h[d] * (e + 0.5 * (bx->nodes[p - e * bx->k] + 1));
}

/* Dirichlet values u(x) at the boundary nodes of the full-grid block lo..hi (ext = hi - lo + 1 per direction;
   zero elsewhere), evaluated as one batch. */
static PetscErrorCode BoxBoundaryValues(PoissonBox bx, PoissonExact exact, const PetscInt lo[], const PetscInt ext[], PetscReal **gext)
{
  const PetscInt dim = bx->dim, E = ext[0] * ext[1] * ext[2];
  PetscInt      *which, nb        = 0;
  PetscReal     *x, *g;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(E, gext));
  PetscCall(PetscMalloc3(E, &which, E * dim, &x, E, &g));
  for (PetscInt t = 0; t < E; t++) {
    PetscBool bnd = PETSC_FALSE;
    for (PetscInt d = 0, r = t; d < dim; r /= ext[d], d++) {
      const PetscInt p = lo[d] + r % ext[d];
      bnd              = (PetscBool)(bnd || p == 0 || p == bx->N[d]);
      x[nb * dim + d]  = BoxNodeCoordinate(bx, d, p);
    }
    if (bnd) which[nb++] = t;
  }
  PetscCall(PoissonExactEvaluateBatch(exact, nb, x, g, NULL));
  for (PetscInt i = 0; i < nb; i++) (*gext)[which[i]] = g[i];
  PetscCall(PetscFree3(which, x, g));
  PetscFunctionReturn(0);
}

/* The stiffness rows of the owned nodes in CSR (global columns, the Dirichlet columns left out) and lift = the
   Dirichlet columns times their values. Row p couples to q in direction d when they share a cell: p +- k for a
   vertex node, else the nodes of p's cell; the entry is sum_d K_d(p_d, q_d) prod_{e != d} M_e(p_e, q_e). */
static PetscErrorCode BoxStiffnessRows(PoissonBox bx, DM da, PoissonExact exact, PetscInt **ia, PetscInt **ja, PetscScalar **va, PetscReal **lift)
{
  const PetscInt         dim = bx->dim, k = bx->k;
  PetscInt               s[3], m[3], gs[3], gm[3], lo[3] = {0, 0, 0}, ext[3] = {1, 1, 1}, L = 1, nrows, nz = 0;
  PetscReal             *gext, m1[3][2 * BOX_MAX_NB], k1[3][2 * BOX_MAX_NB];
  ISLocalToGlobalMapping ltog;
  const PetscInt        *gidx;
  PetscMPIInt            size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)da), &size));
  PetscCall(BoxCorners(da, s, m, gs, gm));
  for (PetscInt d = 0; d < dim; d++) {
    lo[d]  = PetscMax(0, s[d] + 1 - k);
    ext[d] = PetscMin(bx->N[d], s[d] + m[d] + k) - lo[d] + 1;
    L *= 2 * k + 1;
  }
  PetscCall(BoxBoundaryValues(bx, exact, lo, ext, &gext));
  PetscCall(DMGetLocalToGlobalMapping(da, &ltog));
  PetscCall(ISLocalToGlobalMappingGetIndices(ltog, &gidx));
  nrows = m[0] * m[1] * m[2];
  PetscCall(PetscMalloc3(nrows + 1, ia, nrows * L, ja, nrows * L, va));
  PetscCall(PetscMalloc1(nrows, lift));
  (*ia)[0] = 0;
  for (PetscInt r = 0; r < nrows; r++) {
    /* per direction j: the 1-D entries, whether node q = ql + j is on the boundary, and its offsets in the ghosted
       block (loc) and in the boundary-value block (eo); directions above dim are one node with mass 1, stiffness 0 */
    PetscInt  cnt[3] = {1, 1, 1}, loc[3][2 * BOX_MAX_NB], eo[3][2 * BOX_MAX_NB];
    PetscBool bnd[3][2 * BOX_MAX_NB];
    for (PetscInt d = 0; d < 3; d++) m1[d][0] = 1, k1[d][0] = 0, bnd[d][0] = PETSC_FALSE, loc[d][0] = eo[d][0] = 0;
    for (PetscInt d = 0, rr = r, stride = 1, estride = 1; d < dim; rr /= m[d], stride *= gm[d], estride *= ext[d], d++) {
      const PetscInt p  = s[d] + rr % m[d] + 1; /* full-grid index */
      PetscInt       ql = p % k ? (p / k) * k : p - k;
      cnt[d]            = (p % k ? k : 2 * k) + 1;
      if (ql < 0) cnt[d] += ql, ql = 0;
      cnt[d] = PetscMin(cnt[d], bx->N[d] - ql + 1);
      for (PetscInt j = 0; j < cnt[d]; j++) {
        const PetscInt q = ql + j;
        Entry1D(bx, d, p, q, &m1[d][j], &k1[d][j]);
        bnd[d][j] = (PetscBool)(q == 0 || q == bx->N[d]);
        loc[d][j] = (q - 1 - gs[d]) * stride;
        eo[d][j]  = (q - lo[d]) * estride;
      }
    }
    (*lift)[r] = 0;
    for (PetscInt j2 = 0; j2 < cnt[2]; j2++)
      for (PetscInt j1 = 0; j1 < cnt[1]; j1++)
        for (PetscInt j0 = 0; j0 < cnt[0]; j0++) {
          const PetscReal v = k1[0][j0] * m1[1][j1] * m1[2][j2] + m1[0][j0] * k1[1][j1] * m1[2][j2] + m1[0][j0] * m1[1][j1] * k1[2][j2];
          if (bnd[0][j0] || bnd[1][j1] || bnd[2][j2])
            (*lift)[r] += v * gext[eo[0][j0] + eo[1][j1] + eo[2][j2]];
          else {
            (*ja)[nz]   = gidx[loc[0][j0] + loc[1][j1] + loc[2][j2]];
            (*va)[nz++] = v;
          }
        }
    if (size > 1) PetscCall(PetscSortIntWithScalarArray(nz - (*ia)[r], *ja + (*ia)[r], *va + (*ia)[r]));
    (*ia)[r + 1] = nz;
  }
  PetscCall(ISLocalToGlobalMappingRestoreIndices(ltog, &gidx));
  PetscCall(PetscFree(gext));
  PetscFunctionReturn(0);
}

/* The cells this rank integrates, per direction: those whose first interior node (clamped to the grid) it owns,
   so that every node of the cell lies in its ghosted block. */
static PetscErrorCode BoxOwnedCells(PoissonBox bx, const PetscInt s[], const PetscInt m[], PetscInt e0[], PetscInt ne[])
{
  PetscFunctionBegin;
  for (PetscInt d = 0; d < 3; d++) e0[d] = 0, ne[d] = 1;
  for (PetscInt d = 0; d < bx->dim; d++) {
    e0[d] = -1;
    ne[d] = 0;
    for (PetscInt e = 0; e < bx->n[d]; e++) {
      const PetscInt c = PetscMin(e * bx->k, bx->N[d] - 2);
      if (c >= s[d] && c < s[d] + m[d]) {
        if (e0[d] < 0) e0[d] = e;
        ne[d]++;
      }
    }
    if (e0[d] < 0) e0[d] = 0;
  }
  PetscFunctionReturn(0);
}

/* The load vector: the source at the (k + 1)^d Gauss points of every owned cell, in batches of cells. */
static PetscErrorCode BoxLoad(PoissonBox bx, DM da, PoissonExact exact, Vec rhs)
{
  const PetscInt dim = bx->dim, k = bx->k;
  PetscInt       s[3], m[3], gs[3], gm[3], e0[3], ne[3], Nb = 1, nel, chunk;
  PetscReal     *B, *x, *f;
  PetscScalar   *lv;
  Vec            loc;

  PetscFunctionBegin;
  PetscCall(BoxCorners(da, s, m, gs, gm));
  PetscCall(BoxOwnedCells(bx, s, m, e0, ne));
  for (PetscInt d = 0; d < dim; d++) Nb *= k + 1;
  nel   = ne[0] * ne[1] * ne[2];
  chunk = PetscMax(1, 4096 / Nb);
  PetscCall(PetscMalloc3(Nb * Nb, &B, chunk * Nb * dim, &x, chunk * Nb, &f));
  for (PetscInt q = 0; q < Nb; q++) /* B[q Nb + i] = weight of Gauss point q times basis i there */
    for (PetscInt i = 0; i < Nb; i++) {
      PetscReal v = 1;
      for (PetscInt d = 0, qq = q, ii = i; d < dim; qq /= k + 1, ii /= k + 1, d++) v *= 0.5 * bx->h[d] * bx->w[qq % (k + 1)] * bx->phi[(qq % (k + 1)) * (k + 1) + ii % (k + 1)];
      B[q * Nb + i] = v;
    }
  PetscCall(DMGetLocalVector(da, &loc));
  PetscCall(VecZeroEntries(loc));
  PetscCall(VecGetArray(loc, &lv));
  for (PetscInt c0 = 0; c0 < nel; c0 += chunk) {
    const PetscInt c1 = PetscMin(nel, c0 + chunk);
    for (PetscInt c = c0; c < c1; c++)
      for (PetscInt q = 0; q < Nb; q++)
        for (PetscInt d = 0, cc = c, qq = q; d < dim; cc /= ne[d], qq /= k + 1, d++) x[((c - c0) * Nb + q) * dim + d] = bx->a + bx->h[d] * (e0[d] + cc % ne[d] + 0.5 * (bx->xi[qq % (k + 1)] + 1));
    PetscCall(PoissonExactEvaluateBatch(exact, (c1 - c0) * Nb, x, NULL, f));
    for (PetscInt c = c0; c < c1; c++) {
      PetscInt e[3];
      for (PetscInt d = 0, cc = c; d < dim; cc /= ne[d], d++) e[d] = e0[d] + cc % ne[d];
      for (PetscInt i = 0; i < Nb; i++) {
        PetscInt  loc1 = 0, stride = 1;
        PetscBool bnd = PETSC_FALSE;
        PetscReal v   = 0;
        for (PetscInt d = 0, ii = i; d < dim; ii /= k + 1, d++) {
          const PetscInt p = e[d] * k + ii % (k + 1);
          bnd              = (PetscBool)(bnd || p == 0 || p == bx->N[d]);
          loc1 += (p - 1 - gs[d]) * stride;
          stride *= gm[d];
        }
        if (bnd) continue;
        for (PetscInt q = 0; q < Nb; q++) v += B[q * Nb + i] * f[(c - c0) * Nb + q];
        lv[loc1] += v;
      }
    }
  }
  PetscCall(VecRestoreArray(loc, &lv));
  PetscCall(VecZeroEntries(rhs));
  PetscCall(DMLocalToGlobal(da, loc, ADD_VALUES, rhs));
  PetscCall(DMRestoreLocalVector(da, &loc));
  PetscCall(PetscFree3(B, x, f));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonBoxAssemble(PoissonBox bx, DM da, PoissonExact exact, Mat *A, Vec *rhs)
{
  PetscInt    *ia, *ja, nrows;
  PetscScalar *va, *b;
  PetscReal   *lift;
  PetscMPIInt  size;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(BOX_ROWS, da, 0, 0, 0));
  PetscCall(BoxStiffnessRows(bx, da, exact, &ia, &ja, &va, &lift));
  PetscCall(PetscLogEventEnd(BOX_ROWS, da, 0, 0, 0));
  PetscCall(PetscLogEventBegin(BOX_MAT, da, 0, 0, 0));
  PetscCall(DMCreateGlobalVector(da, rhs));
  PetscCall(VecGetLocalSize(*rhs, &nrows));
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)da), &size));
  if (size == 1) { /* the rows as they are: no copy */
    PetscCall(PetscFree3(bx->ia, bx->ja, bx->va));
    bx->ia = ia, bx->ja = ja, bx->va = va;
    PetscCall(MatCreateSeqAIJWithArrays(PETSC_COMM_SELF, nrows, nrows, ia, ja, va, A));
  } else {
    PetscCall(MatCreateMPIAIJWithArrays(PetscObjectComm((PetscObject)da), nrows, nrows, PETSC_DETERMINE, PETSC_DETERMINE, ia, ja, va, A));
    PetscCall(PetscFree3(ia, ja, va));
  }
  PetscCall(MatSetOption(*A, MAT_SPD, PETSC_TRUE));
  PetscCall(PetscLogEventEnd(BOX_MAT, da, 0, 0, 0));
  PetscCall(PetscLogEventBegin(BOX_LOAD, da, 0, 0, 0));
  PetscCall(BoxLoad(bx, da, exact, *rhs));
  PetscCall(VecGetArray(*rhs, &b));
  for (PetscInt r = 0; r < nrows; r++) b[r] -= lift[r];
  PetscCall(VecRestoreArray(*rhs, &b));
  PetscCall(PetscLogEventEnd(BOX_LOAD, da, 0, 0, 0));
  PetscCall(PetscFree(lift));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonBoxComputeErrors(PoissonBox bx, DM da, Vec u, PoissonExact exact, PetscInt nsub, PetscInt order, PetscReal *l2sq, PetscReal *h1)
{
  const PetscInt     dim = bx->dim, k = bx->k;
  PetscInt           s[3], m[3], gs[3], gm[3], e0[3], ne[3], Nb = 1, Nq, nel;
  PetscQuadrature    quad;
  const PetscReal   *qx, *qw;
  PetscReal         *T, *G, *x, *w, *uh, *gh, *c, sums[2] = {0, 0};
  const PetscScalar *lv;
  Vec                loc;

  PetscFunctionBegin;
  PetscCall(BoxCorners(da, s, m, gs, gm));
  PetscCall(BoxOwnedCells(bx, s, m, e0, ne));
  for (PetscInt d = 0; d < dim; d++) Nb *= k + 1;
  PetscCall(PoissonErrorsCreateCellQuadrature(dim, nsub, order, &quad));
  PetscCall(PetscQuadratureGetData(quad, NULL, NULL, &Nq, &qx, &qw));
  PetscCall(PetscMalloc6(Nq * Nb, &T, Nq * Nb * dim, &G, Nq * dim, &x, Nq, &w, Nq, &uh, Nq * dim, &gh));
  PetscCall(PetscMalloc1(Nb, &c));
  for (PetscInt q = 0; q < Nq; q++) { /* the tensor basis and its physical gradient at the quadrature points */
    PetscReal phi[3][BOX_MAX_NB], dphi[3][BOX_MAX_NB];
    for (PetscInt d = 0; d < dim; d++) Lagrange1D(k, bx->nodes, qx[q * dim + d], phi[d], dphi[d]);
    for (PetscInt i = 0; i < Nb; i++) {
      PetscInt id[3];
      for (PetscInt d = 0, ii = i; d < dim; ii /= k + 1, d++) id[d] = ii % (k + 1);
      T[q * Nb + i] = 1;
      for (PetscInt d = 0; d < dim; d++) {
        T[q * Nb + i] *= phi[d][id[d]];
        G[(q * Nb + i) * dim + d] = 2.0 / bx->h[d];
        for (PetscInt e = 0; e < dim; e++) G[(q * Nb + i) * dim + d] *= e == d ? dphi[e][id[e]] : phi[e][id[e]];
      }
    }
  }
  PetscCall(DMGetLocalVector(da, &loc));
  PetscCall(DMGlobalToLocal(da, u, INSERT_VALUES, loc));
  PetscCall(VecGetArrayRead(loc, &lv));
  nel = ne[0] * ne[1] * ne[2];
  for (PetscInt cidx = 0; cidx < nel; cidx++) {
    PetscInt e[3];
    for (PetscInt d = 0, cc = cidx; d < dim; cc /= ne[d], d++) e[d] = e0[d] + cc % ne[d];
    for (PetscInt i = 0; i < Nb; i++) { /* coefficients: the solution, or the Dirichlet data on the boundary */
      PetscInt  loc1 = 0, stride = 1;
      PetscBool bnd = PETSC_FALSE;
      PetscReal xn[3];
      for (PetscInt d = 0, ii = i; d < dim; ii /= k + 1, d++) {
        const PetscInt p = e[d] * k + ii % (k + 1);
        bnd              = (PetscBool)(bnd || p == 0 || p == bx->N[d]);
        xn[d]            = BoxNodeCoordinate(bx, d, p);
        loc1 += (p - 1 - gs[d]) * stride;
        stride *= gm[d];
      }
      if (bnd)
        PetscCall(PoissonExactEvaluate(exact, xn, &c[i], NULL, NULL));
      else
        c[i] = PetscRealPart(lv[loc1]);
    }
    for (PetscInt q = 0; q < Nq; q++) {
      w[q]  = qw[q];
      uh[q] = 0;
      for (PetscInt d = 0; d < dim; d++) {
        x[q * dim + d] = bx->a + bx->h[d] * (e[d] + 0.5 * (qx[q * dim + d] + 1));
        w[q] *= 0.5 * bx->h[d];
        gh[q * dim + d] = 0;
      }
      for (PetscInt i = 0; i < Nb; i++) {
        uh[q] += c[i] * T[q * Nb + i];
        for (PetscInt d = 0; d < dim; d++) gh[q * dim + d] += c[i] * G[(q * Nb + i) * dim + d];
      }
    }
    PetscCall(PoissonErrorsAccumulate(exact, Nq, x, w, uh, gh, &sums[0], &sums[1]));
  }
  PetscCall(VecRestoreArrayRead(loc, &lv));
  PetscCall(DMRestoreLocalVector(da, &loc));
  PetscCall(PetscFree6(T, G, x, w, uh, gh));
  PetscCall(PetscFree(c));
  PetscCall(PetscQuadratureDestroy(&quad));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, sums, 2, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)da)));
  *l2sq = sums[0];
  *h1   = PetscSqrtReal(sums[1]);
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonBoxDestroy(PoissonBox *box)
{
  PetscFunctionBegin;
  if (!*box) PetscFunctionReturn(0);
  PetscCall(PetscFree3((*box)->ia, (*box)->ja, (*box)->va));
  PetscCall(PetscFree(*box));
  PetscFunctionReturn(0);
}
