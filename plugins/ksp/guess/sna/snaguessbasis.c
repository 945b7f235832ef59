/* The bases of the "sna" guess (POD modes V, right-hand-side modes W) and the two passes over them
   that every guess makes: coordinates V^T b and the field V c. Each costs k n memory reads, which is
   the guess's whole cost once the reduced operator comes from the model. Stored contiguously (one
   n_local x k column-major block whose columns are also PETSc vectors), a pass is one BLAS gemv per
   rank, which an optimised BLAS runs at cache or memory bandwidth; PETSc's VecMDot/VecMAXPY over
   separate vectors are the other kernel, faster with the reference BLAS. SNAGuessBasisTimeKernels()
   lets the guess pick the faster on the machine at hand, as FFTW's planner does. */
#include <snaps/private/snaguessimpl.h>
#include <petscblaslapack.h>

PetscLogEvent KSPGUESS_SNA_BasisDot, KSPGUESS_SNA_BasisCombine;

/* The BLAS kernels read and write nloc entries of the vector's array: a vector of another local size (an operator
   laid out anew without the model being reloaded) must be an error, never a read or write out of bounds. */
static PetscErrorCode CheckLayout(const SNAGuessBasis *B, Vec v)
{
  PetscInt nloc;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(v, &nloc));
  PetscCheck(nloc == B->nloc, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "The vector has %" PetscInt_FMT " local entries but the initial-guess model's basis was laid out for %" PetscInt_FMT " on this rank: the model must be loaded again for this layout", nloc, B->nloc);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessBasisCreate(SNAPSNatural nat, PetscInt k, SNAGuessBasis *B)
{
  Vec       tmpl;
  PetscBool host, mpi;
  PetscInt  N, bs;
  MPI_Comm  comm;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(B, sizeof(*B)));
  B->k = k;
  PetscCall(SNAPSNaturalCreateGlobalVec(nat, &tmpl));
  PetscCall(PetscObjectTypeCompareAny((PetscObject)tmpl, &host, VECSEQ, VECMPI, ""));
  PetscCall(VecGetLocalSize(tmpl, &B->nloc));
  if (!host) { /* device or other vector types: separate vectors, passes by PETSc's kernels */
    PetscCall(VecDuplicateVecs(tmpl, k, &B->v));
    PetscCall(VecDestroy(&tmpl));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscObjectGetComm((PetscObject)tmpl, &comm));
  PetscCall(PetscObjectTypeCompare((PetscObject)tmpl, VECMPI, &mpi)); /* the operator's vector type, also on one rank */
  PetscCall(VecGetSize(tmpl, &N));
  PetscCall(VecGetBlockSize(tmpl, &bs));
  PetscCall(PetscCalloc1(PetscMax(B->nloc * k, 1), &B->data));
  PetscCall(PetscMalloc1(k, &B->v));
  for (PetscInt j = 0; j < k; j++) {
    if (mpi)
      PetscCall(VecCreateMPIWithArray(comm, bs, B->nloc, N, B->data + j * B->nloc, &B->v[j]));
    else
      PetscCall(VecCreateSeqWithArray(comm, bs, B->nloc, B->data + j * B->nloc, &B->v[j]));
  }
  PetscCall(VecDestroy(&tmpl));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessBasisDestroy(SNAGuessBasis *B)
{
  PetscFunctionBegin;
  if (B->v) PetscCall(VecDestroyVecs(B->k, &B->v));
  PetscCall(PetscFree(B->data));
  PetscCall(PetscMemzero(B, sizeof(*B)));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessBasisDot(const SNAGuessBasis *B, PetscBool blas, Vec b, PetscInt m, PetscScalar out[])
{
  PetscFunctionBegin;
  PetscCheck(m >= 0 && m <= B->k, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " basis vectors requested of %" PetscInt_FMT, m, B->k);
  if (!m) PetscFunctionReturn(0);
  PetscCall(CheckLayout(B, b));
  PetscCall(PetscLogEventBegin(KSPGUESS_SNA_BasisDot, b, 0, 0, 0));
  if (blas && B->data) {
    const PetscScalar *a;
    const PetscScalar  one = 1, zero = 0;
    PetscBLASInt       bn, bm, lda, inc = 1;
    PetscMPIInt        size;
    MPI_Comm           comm;

    PetscCall(PetscBLASIntCast(B->nloc, &bn));
    PetscCall(PetscBLASIntCast(m, &bm));
    PetscCall(PetscBLASIntCast(PetscMax(B->nloc, 1), &lda));
    PetscCall(VecGetArrayRead(b, &a));
    if (bn) {
#if defined(PETSC_USE_COMPLEX)
      PetscCallBLAS("BLASgemv", BLASgemv_("C", &bn, &bm, &one, B->data, &lda, a, &inc, &zero, out, &inc)); /* v_i^H b, as VecMDot */
#else
      PetscCallBLAS("BLASgemv", BLASgemv_("T", &bn, &bm, &one, B->data, &lda, a, &inc, &zero, out, &inc));
#endif
    } else
      for (PetscInt i = 0; i < m; i++) out[i] = 0;
    PetscCall(VecRestoreArrayRead(b, &a));
    PetscCall(PetscLogFlops(2.0 * B->nloc * m));
    PetscCall(PetscObjectGetComm((PetscObject)b, &comm));
    PetscCallMPI(MPI_Comm_size(comm, &size));
    if (size > 1) PetscCall(MPIU_Allreduce(MPI_IN_PLACE, out, m, MPIU_SCALAR, MPIU_SUM, comm));
  } else
    PetscCall(VecMDot(b, m, B->v, out));
  PetscCall(PetscLogEventEnd(KSPGUESS_SNA_BasisDot, b, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessBasisCombine(const SNAGuessBasis *B, PetscBool blas, PetscInt m, const PetscScalar c[], PetscBool add, Vec x)
{
  PetscFunctionBegin;
  PetscCheck(m >= 0 && m <= B->k, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " basis vectors requested of %" PetscInt_FMT, m, B->k);
  PetscCall(CheckLayout(B, x));
  PetscCall(PetscLogEventBegin(KSPGUESS_SNA_BasisCombine, x, 0, 0, 0));
  if (blas && B->data && m) {
    PetscScalar      *a;
    const PetscScalar one = 1, beta = add ? 1 : 0;
    PetscBLASInt      bn, bm, lda, inc = 1;

    PetscCall(PetscBLASIntCast(B->nloc, &bn));
    PetscCall(PetscBLASIntCast(m, &bm));
    PetscCall(PetscBLASIntCast(PetscMax(B->nloc, 1), &lda));
    PetscCall(add ? VecGetArray(x, &a) : VecGetArrayWrite(x, &a));
    if (bn) PetscCallBLAS("BLASgemv", BLASgemv_("N", &bn, &bm, &one, B->data, &lda, c, &inc, &beta, a, &inc));
    PetscCall(add ? VecRestoreArray(x, &a) : VecRestoreArrayWrite(x, &a));
    PetscCall(PetscLogFlops(2.0 * B->nloc * m));
  } else {
    if (!add) PetscCall(VecSet(x, 0.0));
    if (m) PetscCall(VecMAXPY(x, m, c, B->v));
  }
  PetscCall(PetscLogEventEnd(KSPGUESS_SNA_BasisCombine, x, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessBasisCombineMany(const SNAGuessBasis *B, PetscInt m, PetscInt N, const PetscScalar C[], PetscScalar X[], PetscInt ldx)
{
  PetscFunctionBegin;
  PetscCheck(m >= 0 && m <= B->k, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " basis vectors requested of %" PetscInt_FMT, m, B->k);
  PetscCheck(ldx >= B->nloc, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "Leading dimension %" PetscInt_FMT " below the %" PetscInt_FMT " local rows", ldx, B->nloc);
  if (!N || !B->nloc) PetscFunctionReturn(0);
  PetscCall(PetscLogEventBegin(KSPGUESS_SNA_BasisCombine, 0, 0, 0, 0));
  if (!m) {
    for (PetscInt j = 0; j < N; j++) PetscCall(PetscArrayzero(X + j * ldx, B->nloc));
  } else if (B->data) { /* one matrix-matrix product: the basis is read once for all N fields */
    const PetscScalar one = 1, zero = 0;
    PetscBLASInt      bn, bm, bN, lda, bldx;

    PetscCall(PetscBLASIntCast(B->nloc, &bn));
    PetscCall(PetscBLASIntCast(m, &bm));
    PetscCall(PetscBLASIntCast(N, &bN));
    PetscCall(PetscBLASIntCast(B->nloc, &lda));
    PetscCall(PetscBLASIntCast(ldx, &bldx));
    PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bn, &bN, &bm, &one, B->data, &lda, C, &bm, &zero, X, &bldx));
  } else { /* separate vectors: one VecMAXPY per field, copied out */
    Vec w;
    PetscCall(VecDuplicate(B->v[0], &w));
    for (PetscInt j = 0; j < N; j++) {
      const PetscScalar *a;
      PetscCall(VecSet(w, 0.0));
      PetscCall(VecMAXPY(w, m, C + j * m, B->v));
      PetscCall(VecGetArrayRead(w, &a));
      PetscCall(PetscArraycpy(X + j * ldx, a, B->nloc));
      PetscCall(VecRestoreArrayRead(w, &a));
    }
    PetscCall(VecDestroy(&w));
  }
  PetscCall(PetscLogFlops(2.0 * B->nloc * m * N));
  PetscCall(PetscLogEventEnd(KSPGUESS_SNA_BasisCombine, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* The fastest of reps passes V^T w then V c over all k vectors, in seconds, with one kernel. */
static PetscErrorCode TimePasses(const SNAGuessBasis *B, PetscBool blas, Vec w, PetscScalar c[], PetscInt reps, PetscReal *best)
{
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  *best = PETSC_MAX_REAL;
  for (PetscInt r = 0; r < reps; r++) {
    PetscCall(PetscTime(&t0));
    PetscCall(SNAGuessBasisDot(B, blas, w, B->k, c));
    PetscCall(SNAGuessBasisCombine(B, blas, B->k, c, PETSC_FALSE, w));
    PetscCall(PetscTime(&t1));
    *best = PetscMin(*best, (PetscReal)(t1 - t0));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessBasisTimeKernels(const SNAGuessBasis *B, PetscReal *tblas, PetscReal *tvec)
{
  PetscReal    t[2] = {PETSC_MAX_REAL, PETSC_MAX_REAL};
  PetscScalar *c;
  Vec          w;
  MPI_Comm     comm;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetComm((PetscObject)B->v[0], &comm));
  PetscCall(VecDuplicate(B->v[0], &w));
  PetscCall(PetscMalloc1(B->k, &c));
  /* w is a unit-norm mix of the modes, so the repeated passes stay bounded */
  for (PetscInt j = 0; j < B->k; j++) c[j] = 1.0 / PetscSqrtReal((PetscReal)B->k);
  PetscCall(SNAGuessBasisCombine(B, PETSC_FALSE, B->k, c, PETSC_FALSE, w));
  PetscCall(VecNormalize(w, NULL));
  if (B->data) PetscCall(TimePasses(B, PETSC_TRUE, w, c, 3, &t[0]));
  PetscCall(TimePasses(B, PETSC_FALSE, w, c, 3, &t[1]));
  /* every rank must choose alike: the slowest rank's times decide */
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, t, 2, MPIU_REAL, MPIU_MAX, comm));
  *tblas = t[0];
  *tvec  = t[1];
  PetscCall(PetscFree(c));
  PetscCall(VecDestroy(&w));
  PetscFunctionReturn(0);
}
