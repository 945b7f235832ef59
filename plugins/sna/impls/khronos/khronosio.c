/* KHRONOS model-group contents, one node count G for every input:
     attributes degree, nodes, modes
     knots  (d x (nodes + degree + 1))  clamped knot vector of each input, on [0, 1]
     W      (d x nodes x modes)         spline coefficients of every mode's factors
     C      (modes x dim_out)           output head
   and with node counts G_p that differ between inputs (-sna_khronos_nodes 4,4,12):
     attributes degree, nodes (the largest G_p), modes
     nodes_per_input (d)                G_p (integers, stored as float64)
     knots  (sum_p (G_p + degree + 1))  the knot vectors of the inputs one after the other
     W      (sum_p G_p x modes)         the coefficients of input p in rows G_0 + ... + G_{p-1} on
     C      (modes x dim_out)           output head
   A file of the first layout is one of the second with all G_p equal, knots and W reshaped. */
#include <snaps/private/khronosimpl.h>

/* Writes the KHRONOS attributes and arrays into an open model group. */
PetscErrorCode SNASave_Khronos(SNA sna, hid_t group)
{
  SNA_Khronos    *kh = (SNA_Khronos *)sna->data;
  const PetscInt  d = sna->dim_in, nG = kh->start[d], nk = nG + d * (kh->degree + 1);
  const PetscBool uniform  = SNAKhronosUniformNodes(kh);
  hsize_t         dimsW[3] = {(hsize_t)d, (hsize_t)kh->nodes[0], (hsize_t)kh->modes}, dimsW2[2] = {(hsize_t)nG, (hsize_t)kh->modes};
  hsize_t         dimsC[2] = {(hsize_t)kh->modes, (hsize_t)sna->dim_out};
  hsize_t         dimsK[2] = {(hsize_t)d, (hsize_t)(kh->nodes[0] + kh->degree + 1)}, dimsK1[1] = {(hsize_t)nk}, dimsN[1] = {(hsize_t)d};
  PetscReal      *knots, *G;

  PetscFunctionBegin;
  PetscCall(SNAHDF5WriteAttributeInt(group, "degree", kh->degree));
  PetscCall(SNAHDF5WriteAttributeInt(group, "nodes", SNAKhronosMaxNodes(kh)));
  PetscCall(SNAHDF5WriteAttributeInt(group, "modes", kh->modes));
  PetscCall(PetscMalloc1(nk, &knots));
  for (PetscInt p = 0, o = 0; p < d; o += kh->nodes[p] + kh->degree + 1, p++) PetscCall(PetscArraycpy(knots + o, kh->basis[p].knots, kh->nodes[p] + kh->degree + 1));
  if (uniform) {
    PetscCall(SNAHDF5WriteArray(group, "knots", 2, dimsK, knots));
    PetscCall(SNAHDF5WriteArray(group, "W", 3, dimsW, kh->W));
  } else {
    PetscCall(PetscMalloc1(d, &G));
    for (PetscInt p = 0; p < d; p++) G[p] = (PetscReal)kh->nodes[p];
    PetscCall(SNAHDF5WriteArray(group, "nodes_per_input", 1, dimsN, G));
    PetscCall(PetscFree(G));
    PetscCall(SNAHDF5WriteArray(group, "knots", 1, dimsK1, knots));
    PetscCall(SNAHDF5WriteArray(group, "W", 2, dimsW2, kh->W));
  }
  PetscCall(PetscFree(knots));
  PetscCall(SNAHDF5WriteArray(group, "C", 2, dimsC, kh->C));
  PetscFunctionReturn(0);
}

/* Narrowest nonempty knot interval a model may have, relative to the knot range [0, 1]: 2^-40 (about
   9.1e-13). B-spline values and derivatives on an interval of width h grow like 1/h^degree, and
   below this width they leave double precision (a subnormal width gives Inf). Fitted models stay far
   above it: at most 2^20 nodes per input, halved by each of the refinement levels. */
#define SNA_KHRONOS_MIN_KNOT_INTERVAL 9.094947017729282e-13

/* The model contract for the knots of input p: a clamped vector from exactly 0 to 1 (inputs are mapped
   to [0, 1] by lower and upper), nondecreasing, every nonempty interval at least
   SNA_KHRONOS_MIN_KNOT_INTERVAL wide. */
static PetscErrorCode CheckKnots(PetscInt p, PetscInt nk, const PetscReal t[])
{
  PetscFunctionBegin;
  PetscCheck(t[0] == 0 && t[nk - 1] == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The knots of input %" PetscInt_FMT " must run from 0 to 1 (inputs are mapped to [0, 1] by the bounds lower and upper), not from %g to %g: corrupt model", p, (double)t[0], (double)t[nk - 1]);
  for (PetscInt i = 1; i < nk; i++) {
    const PetscReal h = t[i] - t[i - 1];

    PetscCheck(h >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The knots of input %" PetscInt_FMT " decrease (knot %" PetscInt_FMT " = %g < knot %" PetscInt_FMT " = %g): corrupt model", p, i, (double)t[i], i - 1, (double)t[i - 1]);
    PetscCheck(h == 0 || h >= SNA_KHRONOS_MIN_KNOT_INTERVAL, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The knot interval [%g, %g] of input %" PetscInt_FMT " is %g wide; KHRONOS needs nonempty intervals at least 2^-40 = %g wide for finite B-spline values: corrupt model", (double)t[i - 1], (double)t[i], p, (double)h, (double)SNA_KHRONOS_MIN_KNOT_INTERVAL);
  }
  PetscFunctionReturn(0);
}

/* Reads the knots of every input (G[p] + degree + 1 each, one after the other: knots[] the caller's) and makes each
   input's B-spline basis from them. */
static PetscErrorCode ReadBases(SNA sna, hid_t group, PetscInt degree, const PetscInt G[], PetscInt rank, const hsize_t dimsK[], PetscReal knots[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d  = sna->dim_in;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadArray(group, "knots", rank, dimsK, knots));
  for (PetscInt p = 0, o = 0; p < d; o += G[p] + degree + 1, p++) PetscCall(CheckKnots(p, G[p] + degree + 1, knots + o));
  PetscCall(PetscCalloc1(d, &kh->basis));
  for (PetscInt p = 0, o = 0; p < d; o += G[p] + degree + 1, p++) PetscCall(SNABSplineCreateFromKnots(degree, G[p] + degree + 1, knots + o, &kh->basis[p]));
  PetscFunctionReturn(0);
}

/* The node count of every input: the attribute nodes for all, or the dataset nodes_per_input (integers from
   degree + 1 to the attribute's largest count, which the largest must equal). G has d entries. */
static PetscErrorCode ReadNodes(SNA sna, hid_t group, PetscInt degree, PetscInt nodes, PetscInt G[], PetscBool *uniform)
{
  const PetscInt d       = sna->dim_in;
  hsize_t        dims[1] = {(hsize_t)d};
  PetscReal     *g;
  PetscInt       gmax = 0;

  PetscFunctionBegin;
  *uniform = (PetscBool)(H5Lexists(group, "nodes_per_input", H5P_DEFAULT) <= 0);
  for (PetscInt p = 0; p < d; p++) G[p] = nodes;
  if (*uniform) PetscFunctionReturn(0);
  PetscCall(SNAHDF5CheckArray(group, "nodes_per_input", 1, dims));
  PetscCall(PetscMalloc1(d, &g));
  PetscCall(SNAHDF5ReadArray(group, "nodes_per_input", 1, dims, g));
  for (PetscInt p = 0; p < d; p++) {
    const PetscBool ok = (PetscBool)(g[p] >= degree + 1 && g[p] <= nodes && g[p] == PetscFloorReal(g[p]));

    if (ok) G[p] = (PetscInt)g[p], gmax = PetscMax(gmax, G[p]);
    PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "KHRONOS nodes_per_input[%" PetscInt_FMT "] = %g is not an integer from degree + 1 = %" PetscInt_FMT " to the attribute nodes = %" PetscInt_FMT ": corrupt file", p, (double)g[p], degree + 1, nodes);
  }
  PetscCall(PetscFree(g));
  PetscCheck(gmax == nodes, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The KHRONOS attribute nodes = %" PetscInt_FMT " is not the largest of nodes_per_input (%" PetscInt_FMT "): corrupt file", nodes, gmax);
  PetscFunctionReturn(0);
}

/* Reads the KHRONOS attributes and arrays. Every size is checked against overflow and against the
   shapes of the datasets in the file before anything is allocated from it. */
PetscErrorCode SNALoad_Khronos(SNA sna, hid_t group)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  PetscInt       d = sna->dim_in, q = sna->dim_out, degree, nodes, modes, nk, nW, nC, nK, *G, sumG = 0;
  hsize_t        dimsW[3], dimsC[2], dimsK[2];
  PetscReal     *knots;
  PetscBool      uniform;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeInt(group, "degree", &degree));
  PetscCall(SNAHDF5ReadAttributeInt(group, "nodes", &nodes));
  PetscCall(SNAHDF5ReadAttributeInt(group, "modes", &modes));
  PetscCheck(degree >= 1 && degree <= SNA_BSPLINE_MAX_DEGREE && nodes >= degree + 1 && nodes <= SNA_KHRONOS_MAX_NODES && modes >= 1 && modes <= SNA_KHRONOS_MAX_MODES, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "Implausible KHRONOS sizes in the model (degree %" PetscInt_FMT ", nodes %" PetscInt_FMT ", modes %" PetscInt_FMT "): corrupt file", degree, nodes, modes);
  nk = nodes + degree + 1;
  {
    const PetscInt fW[3] = {d, nodes, modes}, fC[2] = {modes, q}, fK[2] = {d, nk};

    PetscCall(SNAHDF5SizeProduct("KHRONOS coefficients W (d x nodes x modes)", 3, fW, &nW));
    PetscCall(SNAHDF5SizeProduct("KHRONOS output coefficients C (modes x outputs)", 2, fC, &nC));
    PetscCall(SNAHDF5SizeProduct("KHRONOS knots (d x (nodes + degree + 1))", 2, fK, &nK));
    PetscCheck(nW <= PETSC_MAX_INT - nC, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The model declares %" PetscInt_FMT " + %" PetscInt_FMT " KHRONOS coefficients: too many for PETSc's integers: corrupt file", nW, nC);
  }
  PetscCall(PetscMalloc1(d, &G));
  ierr = ReadNodes(sna, group, degree, nodes, G, &uniform);
  for (PetscInt p = 0; !ierr && p < d; p++) sumG += G[p]; /* each at most nodes: within the products checked above */
  if (uniform) {
    dimsK[0] = (hsize_t)d;
    dimsK[1] = (hsize_t)nk;
    dimsW[0] = (hsize_t)d;
    dimsW[1] = (hsize_t)nodes;
    dimsW[2] = (hsize_t)modes;
  } else {
    dimsK[0] = (hsize_t)(sumG + d * (degree + 1));
    dimsW[0] = (hsize_t)sumG;
    dimsW[1] = (hsize_t)modes;
  }
  dimsC[0] = (hsize_t)modes;
  dimsC[1] = (hsize_t)q;
  if (!ierr) ierr = SNAHDF5CheckArray(group, "knots", uniform ? 2 : 1, dimsK);
  if (!ierr) ierr = SNAHDF5CheckArray(group, "W", uniform ? 3 : 2, dimsW);
  if (!ierr) ierr = SNAHDF5CheckArray(group, "C", 2, dimsC);
  if (!ierr) ierr = SNAKhronosSetBasisNodes(sna, degree, uniform ? 1 : d, G, modes);
  if (!ierr) ierr = SNAKhronosAllocate(sna, G, modes);
  PetscCall(PetscFree(G)); /* not PetscCall above: free G first */
  PetscCall(ierr);
  PetscCall(PetscMalloc1(nK, &knots));
  ierr = ReadBases(sna, group, degree, kh->nodes, uniform ? 2 : 1, dimsK, knots); /* not PetscCall: free the knots first */
  PetscCall(PetscFree(knots));
  PetscCall(ierr);
  PetscCall(SNAHDF5ReadArray(group, "W", uniform ? 3 : 2, dimsW, kh->W));
  PetscCall(SNAHDF5ReadArray(group, "C", 2, dimsC, kh->C));
  PetscFunctionReturn(0);
}
