/* POD by Gram-Schmidt QR of the snapshots and the SVD of R (see snaps/pod.h). */
#include <snaps/pod.h>
#include <petscblaslapack.h>

/* Relative size below which a snapshot's remainder is roundoff: it adds no direction. */
#define POD_DEPENDENT 1e-13

/* Thin QR of the snapshots by Gram-Schmidt, twice per snapshot: the first *m of Q[] become orthonormal
   directions, R (m x N, column-major, leading dimension N; zeroed by the caller) the coefficients; h[N]
   is work space. */
static PetscErrorCode GramSchmidt(PetscInt N, const Vec snap[], Vec Q[], PetscScalar R[], PetscScalar h[], PetscInt *m)
{
  PetscFunctionBegin;
  *m = 0;
  for (PetscInt i = 0; i < N; i++) {
    PetscReal norm0, norm;
    PetscCall(VecCopy(snap[i], Q[*m]));
    PetscCall(VecNorm(Q[*m], NORM_2, &norm0));
    /* the same norm on every rank: all refuse. Unchecked, a NaN first snapshot was dropped as dependent (the
       comparisons below are false) and a later one failed in the SVD with an unclear LAPACK error */
    PetscCheck(!PetscIsInfOrNanReal(norm0), PetscObjectComm((PetscObject)snap[i]), PETSC_ERR_FP, "Snapshot %" PetscInt_FMT " (counting from 0) of the POD holds a NaN or Inf: remove it, or fix the run that produced it", i);
    for (PetscInt pass = 0; pass < 2 && *m > 0; pass++) {
      PetscCall(VecMDot(Q[*m], *m, Q, h));
      for (PetscInt j = 0; j < *m; j++) {
        R[i * N + j] += h[j];
        h[j] = -h[j];
      }
      PetscCall(VecMAXPY(Q[*m], *m, h, Q));
    }
    PetscCall(VecNorm(Q[*m], NORM_2, &norm));
    if (norm > POD_DEPENDENT * norm0 && norm > 0) {
      PetscCall(VecScale(Q[*m], 1.0 / norm));
      R[i * N + *m] = norm;
      (*m)++;
    }
  }
  PetscFunctionReturn(0);
}

/*@C
  SNAPSPODProjectionError - The relative projection error of the snapshots on their first k POD modes

  Not Collective

  Input Parameters:
+ m   - the number of singular values
. sig - the singular values from SNAPSPODCompute(), descending
- k   - the number of modes

  Notes:
  Returns sqrt(sum_{j >= k} sig_j^2 / sum_j sig_j^2), the relative Frobenius error of projecting every snapshot onto
  the first k modes (0 when every singular value is 0), not an error code. The tail is summed from the small end (the
  total minus the head would cancel). The one rule of SNAPSPODCompute()'s choice of modes, SNAPSPODStopReason() and
  snaps-pod's printed and reported errors.

  Level: intermediate

.seealso: SNAPSPODCompute(), SNAPSPODStopReason()
@*/
PetscReal SNAPSPODProjectionError(PetscInt m, const PetscReal sig[], PetscInt k)
{
  PetscReal total = 0, tail = 0;

  for (PetscInt j = 0; j < m; j++) total += sig[j] * sig[j];
  for (PetscInt j = m - 1; j >= k; j--) tail += sig[j] * sig[j];
  return total > 0 ? PetscSqrtReal(tail / total) : 0;
}

/* Whether mode j adds a direction: a smaller singular value is roundoff (numerically dependent snapshots) */
static PetscBool Independent(PetscInt m, const PetscReal sig[], PetscInt j)
{
  return (PetscBool)(j < m && sig[j] > POD_DEPENDENT * sig[0]);
}

/* How many modes to keep of the m singular values sig[] (descending): see snaps/pod.h. */
static PetscInt KeptModes(PetscInt m, const PetscReal sig[], PetscReal tol, PetscInt maxk)
{
  PetscInt nkeep = 0;

  while (nkeep < PetscMin(maxk, m) && Independent(m, sig, nkeep) && SNAPSPODProjectionError(m, sig, nkeep) > tol) nkeep++;
  return nkeep ? nkeep : 1;
}

/*@C
  SNAPSPODStopReason - Why SNAPSPODCompute() kept the modes it kept: the tolerance met, no independent direction left,
  or the largest number of modes reached first

  Not Collective

  Input Parameters:
+ N     - the number of snapshots
. sigma - the N singular values from SNAPSPODCompute()
. k     - the number of modes it kept
- tol   - the tolerance it was given

  Output Parameter:
. reason - "CONVERGED_TOL" (the relative projection error on the k modes is at most tol), "CONVERGED_DEPENDENT" (above
           tol, but every direction of the snapshots is kept: the rest is roundoff, sigma_j <= 1e-13 sigma_0) or
           "STOPPED_MAX_MODES" (the error above tol with an independent direction left: only the largest number of
           modes stops there, a cap, not convergence)

  Level: intermediate

.seealso: SNAPSPODCompute()
@*/
PetscErrorCode SNAPSPODStopReason(PetscInt N, const PetscReal sigma[], PetscInt k, PetscReal tol, const char **reason)
{
  PetscFunctionBegin;
  PetscCheck(k >= 1 && k <= N, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " modes kept of %" PetscInt_FMT " snapshots", k, N);
  /* KeptModes() stops at the first k with the error <= tol, or the next mode dependent, or the cap */
  if (SNAPSPODProjectionError(N, sigma, k) <= tol)
    *reason = "CONVERGED_TOL";
  else if (!Independent(N, sigma, k))
    *reason = "CONVERGED_DEPENDENT";
  else
    *reason = "STOPPED_MAX_MODES";
  PetscFunctionReturn(0);
}

/* R = U_R diag(sigma) W^T (R: m x N from GramSchmidt()); the modes are Q U_R. The SVD's work space is
   freed on every path. */
static PetscErrorCode ModesFromR(PetscInt N, PetscInt m, const PetscScalar R[], Vec Q[], PetscReal tol, PetscInt maxk, PetscInt *k, Vec **basis, PetscReal **sigma)
{
  PetscScalar *Ur, *Wt, *work, *Rm;
  PetscReal   *sig;
  PetscInt     nkeep;
  PetscBLASInt bm, bN, lwork, info, one = 1;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(N, &bN));
  lwork = 5 * (bm + bN) + 64;
  PetscCall(PetscMalloc5(m * m, &Ur, m * N, &Wt, lwork, &work, m, &sig, m * N, &Rm));
  for (PetscInt c = 0; c < N; c++) /* compact copy with leading dimension m (dgesvd overwrites it) */
    for (PetscInt r = 0; r < m; r++) Rm[c * m + r] = R[c * N + r];
  PetscCallBLAS("LAPACKgesvd", LAPACKgesvd_("S", "N", &bm, &bN, Rm, &bm, sig, Ur, &bm, Wt, &one, work, &lwork, &info));
  if (info) PetscCall(PetscFree5(Ur, Wt, work, sig, Rm));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK dgesvd failed (info %d) on the %" PetscInt_FMT " x %" PetscInt_FMT " factor of the snapshots", (int)info, m, N);
  nkeep = KeptModes(m, sig, tol, maxk);
  PetscCall(VecDuplicateVecs(Q[0], nkeep, basis));
  for (PetscInt j = 0; j < nkeep; j++) {
    PetscCall(VecSet((*basis)[j], 0.0));
    PetscCall(VecMAXPY((*basis)[j], m, Ur + j * m, Q));
  }
  PetscCall(PetscCalloc1(N, sigma));
  PetscCall(PetscArraycpy(*sigma, sig, m));
  *k = nkeep;
  PetscCall(PetscFree5(Ur, Wt, work, sig, Rm));
  PetscFunctionReturn(0);
}

/*@
  SNAPSPODCompute - Computes the proper orthogonal decomposition (POD) of snapshot vectors: a thin QR factorisation
  by Gram-Schmidt with reorthogonalisation, then the SVD of the small R with LAPACK

  Collective on the snapshots' communicator

  Input Parameters:
+ N    - the number of snapshots, at least 1
. snap - the N snapshots, of one layout
. tol  - in [0, 1): keep the smallest number k of modes whose relative projection error
         sqrt(sum_{j>=k} sigma_j^2 / sum sigma^2) is at most tol
- maxk - at most this many modes (PETSC_DETERMINE, PETSC_DEFAULT or more than N: N)

  Output Parameters:
+ k     - the number of modes kept; never modes with sigma_j <= 1e-13 sigma_0 (numerically dependent snapshots)
. basis - the k modes, orthonormal Vecs of the snapshots' layout; free with VecDestroyVecs(k, &basis)
- sigma - the N singular values of the snapshot matrix, largest first (zeros for dependent snapshots); free with
          PetscFree()

  Notes:
  The singular values are accurate to machine precision relative to the largest (the method of snapshots, whose Gram
  matrix squares the condition number, loses those below about 1e-8 of the largest). Raises PETSC_ERR_ARG_OUTOFRANGE
  for N < 1, tol outside [0, 1) or maxk < 1, PETSC_ERR_FP for a snapshot holding a NaN or Inf (naming it),
  PETSC_ERR_ARG_WRONG where every snapshot is zero, and PETSC_ERR_LIB where dgesvd fails; nothing is returned
  allocated on an error.

  Level: intermediate

.seealso: SNAPSSnapshotsLoad(), SNAPSLatentPOD()
@*/
PetscErrorCode SNAPSPODCompute(PetscInt N, const Vec snap[], PetscReal tol, PetscInt maxk, PetscInt *k, Vec **basis, PetscReal **sigma)
{
  MPI_Comm       comm;
  Vec           *Q;
  PetscScalar   *R, *h;
  PetscInt       m = 0;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCheck(N >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "POD needs at least one snapshot");
  PetscCall(PetscObjectGetComm((PetscObject)snap[0], &comm));
  PetscCheck(tol >= 0 && tol < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "The POD tolerance must be in [0, 1), not %g", (double)tol);
  if (maxk == PETSC_DETERMINE || maxk == PETSC_DEFAULT || maxk > N) maxk = N;
  PetscCheck(maxk >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "The POD needs at least one mode, not %" PetscInt_FMT, maxk);
  PetscCall(PetscCalloc2(N * N, &R, N, &h));
  PetscCall(VecDuplicateVecs(snap[0], N, &Q));
  ierr = GramSchmidt(N, snap, Q, R, h, &m); /* not PetscCall: free Q, R and h first */
  if (!ierr && m > 0) ierr = ModesFromR(N, m, R, Q, tol, maxk, k, basis, sigma);
  PetscCall(VecDestroyVecs(N, &Q));
  PetscCall(PetscFree2(R, h));
  PetscCall(ierr);
  PetscCheck(m > 0, comm, PETSC_ERR_ARG_WRONG, "All %" PetscInt_FMT " snapshots are zero: nothing to decompose", N);
  PetscFunctionReturn(0);
}
