/* KHRONOS model-group contents:
     attributes degree, nodes, modes
     knots  (d x (nodes + degree + 1))  clamped knot vector of each input, on [0, 1]
     W      (d x nodes x modes)         spline coefficients of every mode's factors
     C      (modes x dim_out)           output head */
#include <snaps/private/khronosimpl.h>

/* Writes the KHRONOS attributes and arrays into an open model group. */
PetscErrorCode SNASave_Khronos(SNA sna, hid_t group)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, nk = kh->nodes + kh->degree + 1;
  hsize_t        dimsW[3] = {(hsize_t)d, (hsize_t)kh->nodes, (hsize_t)kh->modes};
  hsize_t        dimsC[2] = {(hsize_t)kh->modes, (hsize_t)sna->dim_out};
  hsize_t        dimsK[2] = {(hsize_t)d, (hsize_t)nk};
  PetscReal     *knots;

  PetscFunctionBegin;
  PetscCall(SNAHDF5WriteAttributeInt(group, "degree", kh->degree));
  PetscCall(SNAHDF5WriteAttributeInt(group, "nodes", kh->nodes));
  PetscCall(SNAHDF5WriteAttributeInt(group, "modes", kh->modes));
  PetscCall(PetscMalloc1(d * nk, &knots));
  for (PetscInt p = 0; p < d; p++) PetscCall(PetscArraycpy(knots + p * nk, kh->basis[p].knots, nk));
  PetscCall(SNAHDF5WriteArray(group, "knots", 2, dimsK, knots));
  PetscCall(PetscFree(knots));
  PetscCall(SNAHDF5WriteArray(group, "W", 3, dimsW, kh->W));
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

/* Reads the d x nk knots (into knots[], the caller's) and makes each input's B-spline basis from them. */
static PetscErrorCode ReadBases(SNA sna, hid_t group, PetscInt degree, PetscInt nk, const hsize_t dimsK[2], PetscReal knots[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d  = sna->dim_in;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadArray(group, "knots", 2, dimsK, knots));
  for (PetscInt p = 0; p < d; p++) PetscCall(CheckKnots(p, nk, knots + p * nk));
  PetscCall(PetscCalloc1(d, &kh->basis));
  for (PetscInt p = 0; p < d; p++) PetscCall(SNABSplineCreateFromKnots(degree, nk, knots + p * nk, &kh->basis[p]));
  PetscFunctionReturn(0);
}

/* Reads the KHRONOS attributes and arrays. Every size is checked against overflow and against the
   shapes of the datasets in the file before anything is allocated from it. */
PetscErrorCode SNALoad_Khronos(SNA sna, hid_t group)
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  PetscInt       d = sna->dim_in, q = sna->dim_out, degree, nodes, modes, nk, nW, nC, nK;
  hsize_t        dimsW[3], dimsC[2], dimsK[2];
  PetscReal     *knots;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeInt(group, "degree", &degree));
  PetscCall(SNAHDF5ReadAttributeInt(group, "nodes", &nodes));
  PetscCall(SNAHDF5ReadAttributeInt(group, "modes", &modes));
  PetscCheck(degree >= 1 && degree <= SNA_BSPLINE_MAX_DEGREE && nodes >= degree + 1 && nodes <= 1 << 20 && modes >= 1 && modes <= 1 << 16, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "Implausible KHRONOS sizes in the model (degree %" PetscInt_FMT ", nodes %" PetscInt_FMT ", modes %" PetscInt_FMT "): corrupt file", degree, nodes, modes);
  nk = nodes + degree + 1;
  {
    const PetscInt fW[3] = {d, nodes, modes}, fC[2] = {modes, q}, fK[2] = {d, nk};

    PetscCall(SNAHDF5SizeProduct("KHRONOS coefficients W (d x nodes x modes)", 3, fW, &nW));
    PetscCall(SNAHDF5SizeProduct("KHRONOS output coefficients C (modes x outputs)", 2, fC, &nC));
    PetscCall(SNAHDF5SizeProduct("KHRONOS knots (d x (nodes + degree + 1))", 2, fK, &nK));
    PetscCheck(nW <= PETSC_MAX_INT - nC, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The model declares %" PetscInt_FMT " + %" PetscInt_FMT " KHRONOS coefficients: too many for PETSc's integers: corrupt file", nW, nC);
  }
  dimsK[0] = (hsize_t)d;
  dimsK[1] = (hsize_t)nk;
  dimsW[0] = (hsize_t)d;
  dimsW[1] = (hsize_t)nodes;
  dimsW[2] = (hsize_t)modes;
  dimsC[0] = (hsize_t)modes;
  dimsC[1] = (hsize_t)q;
  PetscCall(SNAHDF5CheckArray(group, "knots", 2, dimsK));
  PetscCall(SNAHDF5CheckArray(group, "W", 3, dimsW));
  PetscCall(SNAHDF5CheckArray(group, "C", 2, dimsC));
  PetscCall(SNAKhronosSetBasis(sna, degree, nodes, modes));
  PetscCall(SNAKhronosAllocate(sna, nodes, modes));
  PetscCall(PetscMalloc1(nK, &knots));
  ierr = ReadBases(sna, group, degree, nk, dimsK, knots); /* not PetscCall: free the knots first */
  PetscCall(PetscFree(knots));
  PetscCall(ierr);
  PetscCall(SNAHDF5ReadArray(group, "W", 3, dimsW, kh->W));
  PetscCall(SNAHDF5ReadArray(group, "C", 2, dimsC, kh->C));
  PetscFunctionReturn(0);
}
