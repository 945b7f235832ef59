/* Training rollout surrogates from solver trajectories (see snaps/surrogate.h). */
#include <snaps/surrogate.h>
#include <snaps/report.h>
#include <snaps/private/snaimpl.h>
#include <snaps/private/khronosimpl.h>
#include <snaps/private/surrogateimpl.h>
#include <unistd.h>

typedef struct {
  PetscInt  r, q, stride;
  PetscReal dt, tail;
} TrainOptions;

/* The box of the training states (every rank the same), where rollouts stay. */
static PetscErrorCode TrainingBox(SNAPSSurrogate s, PetscInt n, const PetscReal z0[], const PetscReal z1[])
{
  PetscReal *b;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(s->D, &s->lower, s->D, &s->upper));
  PetscCall(PetscMalloc1(2 * s->D, &b));
  for (PetscInt i = 0; i < 2 * s->D; i++) b[i] = PETSC_MAX_REAL; /* min z, min -z */
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt i = 0; i < s->D; i++) {
      b[i]        = PetscMin(b[i], PetscMin(z0[k * s->D + i], z1[k * s->D + i]));
      b[s->D + i] = PetscMin(b[s->D + i], -PetscMax(z0[k * s->D + i], z1[k * s->D + i]));
    }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, b, 2 * s->D, MPIU_REAL, MPIU_MIN, s->comm));
  for (PetscInt i = 0; i < s->D; i++) {
    s->lower[i] = b[i];
    s->upper[i] = -b[s->D + i];
  }
  PetscCall(PetscFree(b));
  PetscFunctionReturn(0);
}

/* Loads the files (all of one system), sets the surrogate's system description and basis, and returns every
   (z(t), z(t + dt)) pair this rank owns: z0, z1 (n x D). Pairs are numbered over files, members and times
   (every stride-th) and split evenly over the ranks. */
static PetscErrorCode LoadPairs(SNAPSSurrogate s, PetscInt nfiles, const char *const files[], const TrainOptions *o, PetscInt *n, PetscReal **z0, PetscReal **z1)
{
  SNAPSTrajectoryData *td;
  PetscInt             total = 0, lo, hi, k = 0, lag = 0;
  PetscMPIInt          rank, size;
  PetscReal            dtsave = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCall(PetscCalloc1(nfiles, &td));
  for (PetscInt f = 0; f < nfiles; f++) {
    PetscCall(SNAPSTrajectoryLoad(s->comm, files[f], &td[f]));
    PetscCheck(td[f].nt >= 2, s->comm, PETSC_ERR_ARG_SIZ, "'%s' holds fewer than 2 saved times", files[f]);
    if (!f) {
      PetscCall(PetscStrncpy(s->equation, td[0].equation, sizeof(s->equation)));
      PetscCall(PetscStrncpy(s->field, td[0].field, sizeof(s->field)));
      s->npts   = td[0].npts;
      s->length = td[0].length;
      dtsave    = td[0].time[1] - td[0].time[0];
      s->dt     = o->dt > 0 ? o->dt : dtsave;
      lag       = (PetscInt)round(s->dt / dtsave);
      PetscCheck(lag >= 1 && PetscAbsReal(lag * dtsave - s->dt) < 1e-9 * s->dt, s->comm, PETSC_ERR_ARG_WRONG, "-rollout_dt %g must be a multiple of the trajectories' saved-time spacing %g", (double)s->dt, (double)dtsave);
    }
    PetscCheck(!strcmp(td[f].equation, s->equation) && td[f].npts == s->npts && td[f].length == s->length, s->comm, PETSC_ERR_ARG_INCOMP, "'%s' (%s, %" PetscInt_FMT " points, L = %g) is not the system of '%s' (%s, %" PetscInt_FMT " points, L = %g)", files[f], td[f].equation, td[f].npts, (double)td[f].length, files[0], s->equation, s->npts, (double)s->length);
    PetscCheck(PetscAbsReal(td[f].time[1] - td[f].time[0] - dtsave) < 1e-9 * dtsave, s->comm, PETSC_ERR_ARG_INCOMP, "'%s' saves every %g, '%s' every %g: give trajectories of one spacing", files[f], (double)(td[f].time[1] - td[f].time[0]), files[0], (double)dtsave);
    if (td[f].nt > lag) total += td[f].members * ((td[f].nt - lag + o->stride - 1) / o->stride);
  }
  PetscCall(SNAPSSurrogateSetLatent(s, nfiles, td, files, o->r, o->q));
  PetscCheck(total > 0, s->comm, PETSC_ERR_ARG_SIZ, "The trajectories hold no pair of states %g apart", (double)s->dt);
  lo = total * rank / size;
  hi = total * (rank + 1) / size;
  *n = hi - lo;
  PetscCall(PetscMalloc2(PetscMax(1, *n * s->D), z0, PetscMax(1, *n * s->D), z1));
  for (PetscInt f = 0; f < nfiles; f++) {
    const SNAPSTrajectoryData *t = &td[f];
    for (PetscInt m = 0; m < t->members; m++)
      for (PetscInt i = 0; i + lag < t->nt; i += o->stride, k++) {
        if (k < lo || k >= hi) continue;
        SNAPSLatentEncode(s->D, s->npts, s->basis, s->mean, t->data + (i * t->members + m) * s->npts, *z0 + (k - lo) * s->D);
        SNAPSLatentEncode(s->D, s->npts, s->basis, s->mean, t->data + ((i + lag) * t->members + m) * s->npts, *z1 + (k - lo) * s->D);
      }
    PetscCall(SNAPSTrajectoryDataFree(&td[f]));
  }
  PetscCall(PetscFree(td));
  PetscCall(TrainingBox(s, *n, *z0, *z1));
  PetscCall(PetscPrintf(s->comm, "snaps-rollout-fit: %" PetscInt_FMT " pairs (z(t), z(t + %g)) from %" PetscInt_FMT " files, latent size %" PetscInt_FMT " (%s)\n", total, (double)s->dt, nfiles, s->D, s->latent));
  PetscFunctionReturn(0);
}

/* A KHRONOS SNA on comm with the options prefix (drift_ or head_) and defaults the options may override. */
static PetscErrorCode CreateModel(MPI_Comm comm, const char prefix[], PetscInt d, PetscInt q, PetscInt nodes, PetscInt modes, SNA *sna)
{
  PetscFunctionBegin;
  PetscCall(SNACreate(comm, sna));
  PetscCall(SNASetOptionsPrefix(*sna, prefix));
  PetscCall(SNASetSizes(*sna, d, q));
  PetscCall(SNAKhronosSetBasis(*sna, 2, nodes, modes));
  ((SNA_Khronos *)(*sna)->data)->init_spread = 0.1; /* products of many inputs: factors start near one */
  PetscFunctionReturn(0);
}

/* Fits sna to n local rows (x: n x d, y: n x q) and prints how the fit ended. */
static PetscErrorCode FitRows(SNA sna, const char what[], PetscInt n, const PetscReal x[], const PetscReal y[])
{
  Vec                X, Y;
  PetscInt           d, q;
  SNAConvergedReason reason;
  SNALossType        loss;

  PetscFunctionBegin;
  PetscCall(SNAGetSizes(sna, &d, &q));
  PetscCall(VecCreateMPIWithArray(PetscObjectComm((PetscObject)sna), d, n * d, PETSC_DECIDE, x, &X));
  PetscCall(VecCreateMPIWithArray(PetscObjectComm((PetscObject)sna), q, n * q, PETSC_DECIDE, y, &Y));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCall(SNAGetLossType(sna, &loss));
  PetscCall(SNACheckFitUsable(sna, what));
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sna), "snaps-rollout-fit: %s: training %s %.6g (from %.6g), %s after %" PetscInt_FMT " iterations\n", what, loss == SNA_LOSS_CROSS_ENTROPY ? "cross-entropy" : "MSE", (double)sna->fit_mse, (double)sna->fit_mse0, SNAConvergedReasons[reason], sna->iterations));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

static int CompareReal(const void *a, const void *b)
{
  PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

/* Quantile bin edges of coordinate i of the residuals e (n x D local rows), the same on every rank: the
   outer edges at the tail and 1 - tail quantiles, so a few extreme residuals do not make huge outer bins. */
static PetscErrorCode QuantileEdges(SNAPSSurrogate s, PetscInt n, const PetscReal e[], PetscInt i, PetscReal tail, PetscReal edges[])
{
  PetscMPIInt size, *counts, *displs, nn;
  PetscReal  *mine, *all;
  PetscInt    N = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  PetscCall(PetscMPIIntCast(n, &nn));
  PetscCallMPI(MPI_Allgather(&nn, 1, MPI_INT, counts, 1, MPI_INT, s->comm));
  for (PetscMPIInt p = 0; p < size; p++) {
    displs[p] = (PetscMPIInt)N;
    N += counts[p];
  }
  PetscCall(PetscMalloc2(PetscMax(n, 1), &mine, N, &all));
  for (PetscInt k = 0; k < n; k++) mine[k] = e[k * s->D + i];
  PetscCallMPI(MPI_Allgatherv(mine, nn, MPIU_REAL, all, counts, displs, MPIU_REAL, s->comm));
  qsort(all, (size_t)N, sizeof(PetscReal), CompareReal);
  for (PetscInt b = 0; b <= s->q; b++) {
    PetscReal f = tail + (1 - 2 * tail) * b / s->q;
    edges[b]    = all[PetscMin(N - 1, (PetscInt)(f * (N - 1) + 0.5))];
  }
  for (PetscInt b = 1; b <= s->q; b++) edges[b] = PetscMax(edges[b], edges[b - 1] + 1e-12 * (PetscAbsReal(all[N - 1] - all[0]) + 1e-300)); /* no empty bins */
  PetscCall(PetscFree2(mine, all));
  PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(0);
}

/* The categorical heads: residuals of the drift, their bins, and head i fitted to (z, e_<i) -> bin of e_i. */
static PetscErrorCode TrainHeads(SNAPSSurrogate s, PetscInt n, const PetscReal z0[], const PetscReal z1[], const TrainOptions *o)
{
  const PetscInt D = s->D, q = s->q;
  PetscReal     *e, *x, *y;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(PetscMax(1, n * D), &e, PetscMax(1, n * 2 * D), &x, PetscMax(1, n * q), &y));
  PetscCall(SNAPSSurrogateDrift(s, n, z0, e));
  for (PetscInt k = 0; k < n * D; k++) e[k] = z1[k] - z0[k] - e[k];
  PetscCall(PetscCalloc1(D, &s->head));
  for (PetscInt i = 0; i < D; i++) {
    char what[64];
    PetscCall(QuantileEdges(s, n, e, i, o->tail, s->edges + i * (q + 1)));
    for (PetscInt k = 0; k < n; k++) {
      PetscCall(PetscArraycpy(x + k * (D + i), z0 + k * D, D));
      PetscCall(PetscArraycpy(x + k * (D + i) + D, e + k * D, i));
      for (PetscInt b = 0; b < q; b++) y[k * q + b] = 0;
      y[k * q + SNAPSTokenEncode(q, s->edges + i * (q + 1), e[k * D + i])] = 1;
    }
    PetscCall(CreateModel(s->comm, "head_", D + i, q, 4, 8, &s->head[i]));
    PetscCall(SNASetLossType(s->head[i], SNA_LOSS_CROSS_ENTROPY));
    PetscCall(SNASetTolerances(s->head[i], 0, 1e-4, 20));
    PetscCall(SNASetRegularization(s->head[i], 1e-6));
    PetscCall(SNASetFromOptions(s->head[i]));
    PetscCall(PetscSNPrintf(what, sizeof(what), "head %" PetscInt_FMT " of %" PetscInt_FMT " (log q = %.4g)", i, D, (double)PetscLogReal((PetscReal)q)));
    PetscCall(FitRows(s->head[i], what, n, x, y));
  }
  PetscCall(PetscFree3(e, x, y));
  PetscFunctionReturn(0);
}

/* Drift i, fitted by MSE to z_i(t + dt) - z_i(t) given z(t): one SNA per coordinate, so each has its own modes
   (a shared head C would have to carry every coordinate's linear and quadratic couplings in one rank). The
   default factors are quadratics (degree 2, 3 nodes: one polynomial piece per input), the function class of a
   quadratic vector field such as KS's: on cases/ks-surrogate's data a drift coordinate fits 60 times better
   (training MSE 1.5e-5 against 9.5e-4) than with 6 nodes, whose rollouts leave the data within a few steps. */
static PetscErrorCode TrainDrift(SNAPSSurrogate s, PetscInt n, const PetscReal z0[], const PetscReal z1[])
{
  PetscReal *dz;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(PetscMax(1, n), &dz));
  PetscCall(PetscCalloc1(s->D, &s->drift));
  for (PetscInt i = 0; i < s->D; i++) {
    char what[64];
    for (PetscInt k = 0; k < n; k++) dz[k] = z1[k * s->D + i] - z0[k * s->D + i];
    PetscCall(CreateModel(s->comm, "drift_", s->D, 1, 3, 24, &s->drift[i]));
    PetscCall(SNASetFitType(s->drift[i], SNAFITALS));
    PetscCall(SNASetTolerances(s->drift[i], 0, 1e-8, 100));
    PetscCall(SNASetFromOptions(s->drift[i]));
    PetscCall(PetscSNPrintf(what, sizeof(what), "drift %" PetscInt_FMT " of %" PetscInt_FMT " (deterministic twin)", i, s->D));
    PetscCall(FitRows(s->drift[i], what, n, z0, dz));
  }
  PetscCall(PetscFree(dz));
  PetscFunctionReturn(0);
}

/* Rank 0 adds the /surrogate group (attributes, basis, mean, edges) to the open file. */
static PetscErrorCode WriteDescription(SNAPSSurrogate s, const char file[])
{
  hid_t   h5 = H5Fopen(file, H5F_ACC_RDWR, H5P_DEFAULT), g;
  hsize_t dims[2];

  PetscFunctionBegin;
  PetscCheck(h5 >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot reopen '%s' to describe the surrogate", file);
  g = H5Lexists(h5, "surrogate", H5P_DEFAULT) > 0 ? H5Gopen2(h5, "surrogate", H5P_DEFAULT) : H5Gcreate2(h5, "surrogate", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(g >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot create the group /surrogate in '%s'", file);
  PetscCall(SNAHDF5WriteAttributeString(g, "kind", s->kind));
  PetscCall(SNAHDF5WriteAttributeString(g, "equation", s->equation));
  PetscCall(SNAHDF5WriteAttributeString(g, "field", s->field));
  PetscCall(SNAHDF5WriteAttributeInt(g, "npts", s->npts));
  PetscCall(SNAHDF5WriteAttributeInt(g, "latent", s->D));
  PetscCall(SNAHDF5WriteAttributeInt(g, "bins", s->q));
  PetscCall(SNAHDF5WriteAttributeReal(g, "length", s->length));
  PetscCall(SNAHDF5WriteAttributeReal(g, "dt", s->dt));
  PetscCall(SNAHDF5WriteAttributeString(g, "latent_basis", s->latent));
  PetscCall(SNAHDF5WriteAttributeReal(g, "latent_energy", s->energy));
  dims[0] = (hsize_t)s->D;
  dims[1] = (hsize_t)s->npts;
  PetscCall(SNAHDF5WriteArray(g, "basis", 2, dims, s->basis));
  PetscCall(SNAHDF5WriteArray(g, "mean", 1, dims + 1, s->mean));
  PetscCall(SNAHDF5WriteArray(g, "lower", 1, dims, s->lower));
  PetscCall(SNAHDF5WriteArray(g, "upper", 1, dims, s->upper));
  if (s->head) {
    dims[1] = (hsize_t)(s->q + 1);
    PetscCall(SNAHDF5WriteArray(g, "edges", 2, dims, s->edges));
  }
  H5Gclose(g);
  PetscCheck(H5Fclose(h5) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not close '%s'", file);
  PetscFunctionReturn(0);
}

/* Writes the surrogate (kind as set; the heads only for categorical) to file, atomically: the groups go to a
   temporary file that is renamed at the end. Collective. */
static PetscErrorCode SurrogateSave(SNAPSSurrogate s, const char file[])
{
  char           tmp[PETSC_MAX_PATH_LEN];
  PetscMPIInt    rank;
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCall(SNAPSTemporaryName(file, tmp, sizeof(tmp)));
  PetscCall(PetscStrlcat(tmp, ".surrogate", sizeof(tmp)));
  for (PetscInt i = 0; i < s->D; i++) {
    char group[64];
    PetscCall(PetscSNPrintf(group, sizeof(group), "/surrogate/drift%" PetscInt_FMT "/sna", i));
    PetscCall(SNASaveGroup(s->drift[i], tmp, group, i ? PETSC_TRUE : PETSC_FALSE));
    if (!s->head || strcmp(s->kind, "categorical")) continue;
    PetscCall(PetscSNPrintf(group, sizeof(group), "/surrogate/head%" PetscInt_FMT "/sna", i));
    PetscCall(SNASaveGroup(s->head[i], tmp, group, PETSC_TRUE));
  }
  if (!rank) {
    H5E_auto2_t func;
    void       *data;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    ierr = WriteDescription(s, tmp);
    H5Eset_auto2(H5E_DEFAULT, func, data);
    if (!ierr && rename(tmp, file)) ierr = PETSC_ERR_FILE_WRITE;
    if (ierr) (void)unlink(tmp);
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, s->comm));
  PetscCheck(!ierr, s->comm, PETSC_ERR_FILE_WRITE, "Could not write the surrogate model '%s' (see the message above); any existing file is unchanged", file);
  PetscCall(PetscPrintf(s->comm, "snaps-rollout-fit: %s surrogate written to %s\n", s->kind, file));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSSurrogateTrain - Trains rollout surrogates from solver trajectories: the drift (deterministic twin) and,
  unless -surrogate_kind deterministic, the categorical heads; writes the categorical model to cat and the
  deterministic twin to det (either may be NULL or empty). Collective.
@*/
PetscErrorCode SNAPSSurrogateTrain(MPI_Comm comm, PetscInt nfiles, const char *const files[], const char cat[], const char det[])
{
  SNAPSSurrogate s;
  TrainOptions   o = {8, 16, 1, 0, 1e-3};
  PetscInt       n;
  PetscReal     *z0, *z1;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-latent_modes", &o.r, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-bins", &o.q, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-train_stride", &o.stride, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-rollout_dt", &o.dt, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-bin_tail", &o.tail, NULL));
  PetscCheck(o.q >= 2 && o.q <= 4096, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bins must be in [2, 4096], not %" PetscInt_FMT, o.q);
  PetscCheck(o.stride >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-train_stride must be at least 1, not %" PetscInt_FMT, o.stride);
  PetscCheck(o.tail >= 0 && o.tail < 0.5, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bin_tail must be in [0, 0.5), not %g", (double)o.tail);
  PetscCheck((cat && cat[0]) || (det && det[0]), comm, PETSC_ERR_ARG_WRONG, "Name an output: -model (categorical) or -twin_model (deterministic)");
  PetscCall(PetscNew(&s));
  s->comm = comm;
  s->q    = o.q;
  PetscCall(LoadPairs(s, nfiles, files, &o, &n, &z0, &z1));
  PetscCall(TrainDrift(s, n, z0, z1));
  if (det && det[0]) {
    PetscCall(PetscStrncpy(s->kind, "deterministic", sizeof(s->kind)));
    PetscCall(SurrogateSave(s, det));
  }
  if (cat && cat[0]) {
    PetscCall(TrainHeads(s, n, z0, z1, &o));
    PetscCall(PetscStrncpy(s->kind, "categorical", sizeof(s->kind)));
    PetscCall(SurrogateSave(s, cat));
  }
  PetscCall(PetscFree2(z0, z1));
  PetscCall(SNAPSSurrogateDestroy(&s));
  PetscFunctionReturn(0);
}
