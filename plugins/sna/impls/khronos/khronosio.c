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

/* Reads the KHRONOS attributes and arrays; every size is checked against the attributes. */
PetscErrorCode SNALoad_Khronos(SNA sna, hid_t group)
{
  SNA_Khronos *kh = (SNA_Khronos *)sna->data;
  PetscInt     d  = sna->dim_in, degree, nodes, modes, nk;
  hsize_t      dimsW[3], dimsC[2], dimsK[2];
  PetscReal   *knots;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeInt(group, "degree", &degree));
  PetscCall(SNAHDF5ReadAttributeInt(group, "nodes", &nodes));
  PetscCall(SNAHDF5ReadAttributeInt(group, "modes", &modes));
  PetscCheck(degree >= 1 && degree <= SNA_BSPLINE_MAX_DEGREE && nodes >= degree + 1 && nodes <= 1 << 20 && modes >= 1 && modes <= 1 << 16, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "Implausible KHRONOS sizes in the model (degree %" PetscInt_FMT ", nodes %" PetscInt_FMT ", modes %" PetscInt_FMT "): corrupt file", degree, nodes, modes);
  PetscCall(SNAKhronosSetBasis(sna, degree, nodes, modes));
  PetscCall(SNAKhronosAllocate(sna, nodes, modes));
  nk       = nodes + degree + 1;
  dimsK[0] = (hsize_t)d;
  dimsK[1] = (hsize_t)nk;
  PetscCall(PetscMalloc1(d * nk, &knots));
  PetscCall(SNAHDF5ReadArray(group, "knots", 2, dimsK, knots));
  PetscCall(PetscCalloc1(d, &kh->basis));
  for (PetscInt p = 0; p < d; p++) PetscCall(SNABSplineCreateFromKnots(degree, nk, knots + p * nk, &kh->basis[p]));
  PetscCall(PetscFree(knots));
  dimsW[0] = (hsize_t)d;
  dimsW[1] = (hsize_t)nodes;
  dimsW[2] = (hsize_t)modes;
  dimsC[0] = (hsize_t)modes;
  dimsC[1] = (hsize_t)sna->dim_out;
  PetscCall(SNAHDF5ReadArray(group, "W", 3, dimsW, kh->W));
  PetscCall(SNAHDF5ReadArray(group, "C", 2, dimsC, kh->C));
  PetscFunctionReturn(0);
}
