/* Regularised least squares from rank-local normal equations: one reduction, one dense solve. */
#include <snaps/private/snaimpl.h>
#include <petscblaslapack.h>

/* Solves (A/scale + lambda I) Z = B/scale after summing A (n x n) and B (n x nrhs) over comm.
   Cholesky first; if A is numerically singular (lambda = 0 and unused basis functions, or
   redundant modes) the minimum-norm SVD least-squares solution instead. Z overwrites B. */
PetscErrorCode SNALeastSquaresSolve(MPI_Comm comm, PetscInt n, PetscInt nrhs, PetscReal scale, PetscReal lambda, PetscReal A[], PetscReal B[])
{
  PetscReal   *buf, *Acopy, *Bcol;
  PetscBLASInt bn, bnrhs, info = 0;

  PetscFunctionBegin;
  PetscCheck(scale > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "Least-squares scale must be positive");
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(nrhs, &bnrhs));
  /* one reduction for the matrix and the right-hand sides together */
  PetscCall(PetscMalloc3(n * (n + nrhs), &buf, n * n, &Acopy, n * nrhs, &Bcol));
  PetscCall(PetscArraycpy(buf, A, n * n));
  PetscCall(PetscArraycpy(buf + n * n, B, n * nrhs));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, buf, n * (n + nrhs), MPIU_REAL, MPIU_SUM, comm));
  for (PetscInt i = 0; i < n * n; i++) A[i] = buf[i] / scale;
  for (PetscInt i = 0; i < n; i++) A[i * n + i] += lambda;
  PetscCall(PetscArraycpy(Acopy, A, n * n));
  /* B is row-major n x nrhs; LAPACK wants column-major */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < nrhs; j++) Bcol[j * n + i] = buf[n * n + i * nrhs + j] / scale;

  PetscCall(PetscFPTrapPush(PETSC_FP_TRAP_OFF));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, A, &bn, &info));
  if (!info) {
    PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bn, &bnrhs, A, &bn, Bcol, &bn, &info));
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK potrs failed with info %d", (int)info);
  } else {
    /* singular: minimum-norm least squares through the SVD, dropping relative singular values below rcond */
    PetscReal    rcond = 1e-13, *sv, *work, wq;
    PetscBLASInt rank, lwork = -1;

    PetscCall(PetscInfo(NULL, "Normal equations of size %" PetscInt_FMT " are singular (potrf info %d): using SVD least squares\n", n, (int)info));
    PetscCall(PetscMalloc1(n, &sv));
    PetscCallBLAS("LAPACKgelss", LAPACKgelss_(&bn, &bn, &bnrhs, Acopy, &bn, Bcol, &bn, sv, &rcond, &rank, &wq, &lwork, &info));
    PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
    PetscCall(PetscMalloc1(lwork, &work));
    PetscCallBLAS("LAPACKgelss", LAPACKgelss_(&bn, &bn, &bnrhs, Acopy, &bn, Bcol, &bn, sv, &rcond, &rank, work, &lwork, &info));
    PetscCall(PetscFree(work));
    PetscCall(PetscFree(sv));
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK gelss (SVD least squares) did not converge: info %d", (int)info);
  }
  PetscCall(PetscFPTrapPop());
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < nrhs; j++) {
      B[i * nrhs + j] = Bcol[j * n + i];
      PetscCheck(!PetscIsInfOrNanReal(B[i * nrhs + j]), PETSC_COMM_SELF, PETSC_ERR_FP, "The least-squares block solve produced NaN or Inf: the data or the regularisation are degenerate");
    }
  PetscCall(PetscFree3(buf, Acopy, Bcol));
  PetscFunctionReturn(0);
}

/* Eigen-decomposition of a symmetric matrix (LAPACK syev). A is symmetric, so its row-major and
   column-major forms agree; LAPACK's column eigenvectors come back as rows of A. */
PetscErrorCode SNASymmetricEigen(PetscInt n, PetscReal A[], PetscReal w[])
{
  PetscBLASInt bn, lwork = -1, info = 0;
  PetscReal    wq, *work;

  PetscFunctionBegin;
  if (n == 0) PetscFunctionReturn(0);
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscFPTrapPush(PETSC_FP_TRAP_OFF));
  PetscCallBLAS("LAPACKsyev", LAPACKsyev_("V", "U", &bn, A, &bn, w, &wq, &lwork, &info));
  PetscCall(PetscBLASIntCast((PetscInt)wq, &lwork));
  PetscCall(PetscMalloc1(lwork, &work));
  PetscCallBLAS("LAPACKsyev", LAPACKsyev_("V", "U", &bn, A, &bn, w, work, &lwork, &info));
  PetscCall(PetscFree(work));
  PetscCall(PetscFPTrapPop());
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK syev (symmetric eigenvalues) failed with info %d", (int)info);
  PetscFunctionReturn(0);
}
