/* Training rollout surrogates from solver trajectories (see snaps/surrogate.h). */
#include <snaps/surrogate.h>
#include <snaps/report.h>
#include <snaps/options.h>
#include <snaps/private/snaimpl.h>
#include <snaps/private/khronosimpl.h>
#include <snaps/private/surrogateimpl.h>
#include <petscblaslapack.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  PetscInt    r, q, stride, head_stride;
  PetscReal   dt, tail;
  PetscBool   poly;        /* -drift_fit polynomial (least squares over monomials) or sna (the SNA's own fit) */
  PetscInt    degree;      /* -drift_degree: largest total degree of the drift's monomials */
  PetscBool   equivariant; /* -drift_equivariant: only monomials that translations map like the output */
  PetscReal   ridge, margin;
  PetscReal   noise;                                           /* -drift_noise: input noise of the drift's training copies, relative to the latent rms */
  PetscInt    copies;                                          /* -drift_noise_copies: noisy copies of every pair */
  PetscBool   linear;                                          /* -drift_noise_target linear: the noise propagated by KS's linear part, else clean targets */
  PetscBool   fit_set, equivariant_set, target_set, noise_set; /* given on the command line (DriftForLatent) */
  PetscBool   copies_set;                                      /* -drift_noise_copies given (DriftForLatent) */
  PetscBool   markov;                                          /* -head_markov: heads also see the residual of the step before */
  PetscReal   rscale;                                          /* -residual_scale: rollouts add the drawn residuals times this */
  const char *poly_option;                                     /* the first polynomial-only option given (NULL: none) */
  PetscBool   pairs;                                           /* -drift_pairs: the complex pair drift (PairDrift) on a 1-D Fourier latent too */
  PetscBool   local;                                           /* -head_local: heads see their own latent pair only */
  PetscBool   rate;                                            /* -drift_form rate: the drift is the vector field dz/dt, stepped by RK4 */
  PetscInt    substeps;                                        /* -drift_substeps: RK4 steps per -rollout_dt of the rate form */
  PetscBool   conservative;                                    /* -drift_conservative: the pair drifts' quadratic part conserves |z|^2 (ConservativePairs) */
  PetscBool   dissipative;                                     /* -drift_dissipative: and the linear part's symmetric part is <= -dmargin (DissipativeLinear) */
  PetscReal   dmargin;                                         /* -drift_dissipative_margin */
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
  /* said here, in terms of the data: the drift's and heads' boxes (SNASetBounds) would only see an empty input box */
  for (PetscInt i = 0; i < s->D; i++) {
    PetscInt N;

    if (s->upper[i] > s->lower[i]) continue;
    PetscCall(MPIU_Allreduce(&n, &N, 1, MPIU_INT, MPI_SUM, s->comm));
    SETERRQ(s->comm, PETSC_ERR_ARG_WRONG, "Latent coordinate %" PetscInt_FMT " of %" PetscInt_FMT " takes the single value %g over all %" PetscInt_FMT " training pairs: the trajectories do not vary in it (steady or laminar data?), and a rollout model learns only from change. Train on chaotic trajectories (a longer or later -save_start, another Re or L), or lower -latent_modes", i, s->D, (double)s->lower[i], N);
  }
  PetscFunctionReturn(0);
}

/* The pairs of a trajectory of nt saved times lag apart: starts first, first + stride, ... (the count returned). The
   rate form's target, the 5-point derivative at the start (PairRate), needs 2 saved states before and after it. */
static PetscInt PairStarts(PetscInt nt, PetscInt lag, PetscInt stride, PetscBool rate, PetscInt *first)
{
  const PetscInt end = nt - PetscMax(lag, rate ? 2 : 0); /* starts below end */

  *first = rate ? 2 : 0;
  return end > *first ? (end - *first + stride - 1) / stride : 0;
}

/* r (D) = dz/dt at saved time i of member m by the 5-point central stencil over the saved spacing h,
   (-z[i+2] + 8 z[i+1] - 8 z[i-1] + z[i-2]) / (12 h), exact to O(h^4): the rate form's target (w: D scratch). */
static void PairRate(SNAPSSurrogate s, const SNAPSTrajectoryData *t, PetscInt i, PetscInt m, PetscReal h, PetscReal w[], PetscReal r[])
{
  const PetscInt  off[4] = {-2, -1, 1, 2};
  const PetscReal c[4]   = {1, -8, 8, -1};

  for (PetscInt p = 0; p < s->D; p++) r[p] = 0;
  for (PetscInt j = 0; j < 4; j++) {
    SNAPSLatentEncode(s->D, s->npts, s->basis, s->mean, t->data + ((i + off[j]) * t->members + m) * s->npts, w);
    for (PetscInt p = 0; p < s->D; p++) r[p] += c[j] * w[p] / (12 * h);
  }
}

/* Refuses a file given twice in -trajectories, under one name or two ("a.h5", "./a.h5", a link: compared by identity,
   st_dev and st_ino, as SNAPSCheckOutputNotInput() compares): every pair of it would count twice, in the fits and in
   the pair count reported, silently. Rank 0 looks; every rank returns the same error. Missing files are left to the
   loader's message. */
static PetscErrorCode CheckDistinctFiles(MPI_Comm comm, PetscInt nfiles, const char *const files[])
{
  PetscMPIInt rank;
  PetscInt    twice[2] = {-1, -1};
  struct stat si, sj;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  for (PetscInt j = 1; !rank && j < nfiles && twice[0] < 0; j++)
    for (PetscInt i = 0; i < j && twice[0] < 0 && !stat(files[j], &sj); i++)
      if (!stat(files[i], &si) && si.st_dev == sj.st_dev && si.st_ino == sj.st_ino) {
        twice[0] = i;
        twice[1] = j;
      }
  PetscCallMPI(MPI_Bcast(twice, 2, MPIU_INT, 0, comm));
  PetscCheck(twice[0] < 0, comm, PETSC_ERR_USER_INPUT, "-trajectories names one file twice ('%s', number %" PetscInt_FMT ", and '%s', number %" PetscInt_FMT "): its pairs would count twice; give each trajectory once", files[twice[0]], twice[0] + 1, files[twice[1]], twice[1] + 1);
  PetscFunctionReturn(0);
}

/* Loads one trajectory into t and checks what it must hold alone: 2 saved times, and L for KS. */
static PetscErrorCode LoadTrajectory(SNAPSSurrogate s, const char file[], SNAPSTrajectoryData *t)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(SNA_SurrogateTrajLoad, 0, 0, 0, 0));
  PetscCall(SNAPSTrajectoryLoad(s->comm, file, t));
  PetscCall(PetscLogEventEnd(SNA_SurrogateTrajLoad, 0, 0, 0, 0));
  PetscCheck(t->nt >= 2, s->comm, PETSC_ERR_ARG_SIZ, "'%s' holds fewer than 2 saved times", file);
  /* warned, not refused: a surrogate trained on another's rollouts (distillation) may be meant */
  if (!strcmp(t->stepper, "sna")) PetscCall(PetscPrintf(s->comm, "WARNING: snaps-rollout-fit: '%s' is a surrogate rollout (-stepper sna -stepper_model %s), not a solver trajectory: this model learns that surrogate's dynamics (its latent modes only, after the first row), not the system's\n", file, t->stepper_model[0] ? t->stepper_model : "?"));
  /* KS's linear part and wavenumbers scale with L: without it the fit would divide by 0 (a solver run from such
     a file, -init_trajectory, needs no L) */
  PetscCheck(strcmp(t->equation, "ks") || t->length > 0, s->comm, PETSC_ERR_FILE_UNEXPECTED, "The KS trajectory '%s' has no positive attribute L (the domain length; %g): it was written by an older snaps-ks or edited. Rerun snaps-ks, or add the attribute L to the file", file, (double)t->length);
  PetscFunctionReturn(0);
}

/* The surrogate's system description from the first trajectory t, its saved-time spacing *dtsave, the step s->dt
   (-rollout_dt, else that spacing) and *lag, the rows a pair spans. */
static PetscErrorCode FirstTrajectorySystem(SNAPSSurrogate s, const SNAPSTrajectoryData *t, const TrainOptions *o, PetscReal *dtsave, PetscInt *lag)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(s->equation, t->equation, sizeof(s->equation)));
  PetscCall(PetscStrncpy(s->field, t->field, sizeof(s->field)));
  s->npts   = t->npts;
  s->length = t->length;
  *dtsave   = t->time[1] - t->time[0];
  s->dt     = o->dt > 0 ? o->dt : *dtsave;
  *lag      = (PetscInt)round(s->dt / *dtsave);
  PetscCheck(*lag >= 1 && PetscAbsReal(*lag * *dtsave - s->dt) < 1e-9 * s->dt, s->comm, PETSC_ERR_ARG_WRONG, "-rollout_dt %g must be a multiple of the trajectories' saved-time spacing %g", (double)s->dt, (double)*dtsave);
  PetscFunctionReturn(0);
}

/* Refuses trajectory f unless it is of the first's system (equation, grid, L; Re, drag, forcing) and saved evenly at its
   spacing dtsave. */
static PetscErrorCode CheckSameSystem(SNAPSSurrogate s, const char *const files[], const SNAPSTrajectoryData td[], PetscInt f, PetscReal dtsave)
{
  const SNAPSTrajectoryData *t = &td[f];

  PetscFunctionBegin;
  PetscCheck(!strcmp(t->equation, s->equation) && t->npts == s->npts && t->length == s->length, s->comm, PETSC_ERR_ARG_INCOMP, "'%s' (%s, %" PetscInt_FMT " points, L = %g) is not the system of '%s' (%s, %" PetscInt_FMT " points, L = %g)", files[f], t->equation, t->npts, (double)t->length, files[0], s->equation, s->npts, (double)s->length);
  PetscCheck(t->nu == td[0].nu && t->alpha == td[0].alpha && t->forcing == td[0].forcing && t->famp == td[0].famp, s->comm, PETSC_ERR_ARG_INCOMP, "'%s' (nu %g, alpha %g, forcing wavenumber %" PetscInt_FMT ", amplitude %g) is not the system of '%s' (nu %g, alpha %g, forcing wavenumber %" PetscInt_FMT ", amplitude %g): train on trajectories of one Re, drag and forcing", files[f], (double)t->nu, (double)t->alpha, t->forcing, (double)t->famp, files[0], (double)td[0].nu, (double)td[0].alpha, td[0].forcing, (double)td[0].famp);
  PetscCheck(PetscAbsReal(t->time[1] - t->time[0] - dtsave) < 1e-9 * dtsave, s->comm, PETSC_ERR_ARG_INCOMP, "'%s' saves every %g, '%s' every %g: give trajectories of one spacing", files[f], (double)(t->time[1] - t->time[0]), files[0], (double)dtsave);
  /* every spacing, not only the first: a pair is lag rows apart, so an uneven row would pair states other than dt apart
     (relative 1e-6: saved times t0 + i h carry the rounding of the solver's sums) */
  for (PetscInt i = 2; i < t->nt; i++) PetscCheck(PetscAbsReal(t->time[i] - t->time[i - 1] - dtsave) <= 1e-6 * dtsave, s->comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has uneven saved times: row %" PetscInt_FMT " (time %g) is %g after row %" PetscInt_FMT ", not the spacing %g of its first rows: pairs of rows would span different intervals; give trajectories saved at a fixed -dt_save", files[f], i, (double)t->time[i], (double)(t->time[i] - t->time[i - 1]), i - 1, (double)dtsave);
  PetscFunctionReturn(0);
}

/* Loads the nfiles trajectories into td (all of one system: FirstTrajectorySystem's dtsave and lag) and counts their
   pairs in *total. */
static PetscErrorCode LoadTrajectories(SNAPSSurrogate s, PetscInt nfiles, const char *const files[], const TrainOptions *o, SNAPSTrajectoryData td[], PetscReal *dtsave, PetscInt *lag, PetscInt *total)
{
  PetscInt i0;

  PetscFunctionBegin;
  *total = 0;
  for (PetscInt f = 0; f < nfiles; f++) {
    PetscCall(LoadTrajectory(s, files[f], &td[f]));
    if (!f) PetscCall(FirstTrajectorySystem(s, &td[0], o, dtsave, lag));
    PetscCall(CheckSameSystem(s, files, td, f, *dtsave));
    *total += td[f].members * PairStarts(td[f].nt, *lag, o->stride, o->rate, &i0);
  }
  PetscFunctionReturn(0);
}

/* The arrays of LoadPairs for n pairs (zm and prev zeroed: Markov heads see no state before where there is none). */
static PetscErrorCode AllocatePairs(SNAPSSurrogate s, const TrainOptions *o, PetscInt n, PetscReal **z0, PetscReal **z1, PetscReal **zm, PetscBool **prev, PetscReal **zr)
{
  PetscFunctionBegin;
  PetscCall(PetscMalloc2(PetscMax(1, n * s->D), z0, PetscMax(1, n * s->D), z1));
  PetscCall(PetscCalloc2(PetscMax(1, n * s->D), zm, PetscMax(1, n), prev));
  *zr = NULL;
  if (o->rate) PetscCall(PetscMalloc1(PetscMax(1, n * s->D), zr));
  PetscFunctionReturn(0);
}

/* This rank's pairs, as LoadPairs returns them (rows of D; zr NULL but for the rate form). */
typedef struct {
  PetscReal *z0, *z1, *zm, *zr;
  PetscBool *prev;
} PairRows;

/* Encodes the pairs of trajectory t, numbered from *k on (advanced past all of them), that fall in this rank's range
   [lo, hi) into rows (w: D scratch). */
static void EncodeTrajectoryPairs(SNAPSSurrogate s, const SNAPSTrajectoryData *t, const TrainOptions *o, PetscInt lag, PetscReal dtsave, PetscInt lo, PetscInt hi, PetscInt *k, PetscReal w[], const PairRows *rows)
{
  PetscInt       i0;
  const PetscInt c = PairStarts(t->nt, lag, o->stride, o->rate, &i0);

  for (PetscInt m = 0; m < t->members; m++)
    for (PetscInt j = 0, i = i0; j < c; j++, i += o->stride, (*k)++) {
      const PetscInt row = *k - lo;

      if (*k < lo || *k >= hi) continue;
      SNAPSLatentEncode(s->D, s->npts, s->basis, s->mean, t->data + (i * t->members + m) * s->npts, rows->z0 + row * s->D);
      SNAPSLatentEncode(s->D, s->npts, s->basis, s->mean, t->data + ((i + lag) * t->members + m) * s->npts, rows->z1 + row * s->D);
      if (o->rate) {
        PairRate(s, t, i, m, dtsave, w, rows->zr + row * s->D);
        for (PetscInt p = 0; p < s->D; p++) rows->zr[row * s->D + p] += rows->z0[row * s->D + p];
      }
      if (!o->markov || i < lag) continue; /* the state before only for Markov heads */
      SNAPSLatentEncode(s->D, s->npts, s->basis, s->mean, t->data + ((i - lag) * t->members + m) * s->npts, rows->zm + row * s->D);
      rows->prev[row] = PETSC_TRUE;
    }
}

/* Loads the files (all of one system), sets the surrogate's system description and basis, and returns every
   (z(t), z(t + dt)) pair this rank owns: z0, z1 (n x D), and the state before, zm = z(t - dt) (n x D; prev[k] false
   where the trajectory starts later), for Markov heads; for the rate form (-drift_form rate) also zr = z0 + dz/dt at
   the start (PairRate; NULL otherwise), the drift's target as an end state. Pairs are numbered over files, members and
   times (every stride-th) and split evenly over the ranks. */
static PetscErrorCode LoadPairs(SNAPSSurrogate s, PetscInt nfiles, const char *const files[], const TrainOptions *o, PetscInt *n, PetscReal **z0, PetscReal **z1, PetscReal **zm, PetscBool **prev, PetscReal **zr, PetscInt *lagout)
{
  SNAPSTrajectoryData *td;
  PetscInt             total, lo, hi, k = 0, lag = 0;
  PetscMPIInt          rank, size;
  PetscReal            dtsave = 0, *w;
  PairRows             rows;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCall(CheckDistinctFiles(s->comm, nfiles, files));
  PetscCall(PetscCalloc1(nfiles, &td));
  PetscCall(LoadTrajectories(s, nfiles, files, o, td, &dtsave, &lag, &total));
  /* before the basis: a POD basis of no states would divide by their count */
  PetscCheck(total > 0, s->comm, PETSC_ERR_ARG_SIZ, "The trajectories hold no pair of states %g apart%s", (double)s->dt, o->rate ? " with 2 saved states before and after its start (-drift_form rate)" : "");
  PetscCall(PetscLogEventBegin(SNA_SurrogateLatent, 0, 0, 0, 0)); /* the basis, and the pairs encoded in it */
  PetscCall(SNAPSSurrogateSetLatent(s, nfiles, td, o->r, o->q));
  lo = total * rank / size;
  hi = total * (rank + 1) / size;
  *n = hi - lo;
  PetscCall(AllocatePairs(s, o, *n, z0, z1, zm, prev, zr));
  rows = (PairRows){*z0, *z1, *zm, *zr, *prev};
  PetscCall(PetscMalloc1(s->D, &w));
  for (PetscInt f = 0; f < nfiles; f++) { /* each trajectory freed once encoded */
    EncodeTrajectoryPairs(s, &td[f], o, lag, dtsave, lo, hi, &k, w, &rows);
    PetscCall(SNAPSTrajectoryDataFree(&td[f]));
  }
  PetscCall(PetscFree(w));
  PetscCall(PetscFree(td));
  PetscCall(PetscLogEventEnd(SNA_SurrogateLatent, 0, 0, 0, 0));
  PetscCall(TrainingBox(s, *n, *z0, *z1));
  *lagout = lag;
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
  PetscCall(SNAKhronosSetInitSpread(*sna, 0.1)); /* products of many inputs: factors start near one */
  PetscFunctionReturn(0);
}

/* A drift's SNA (the SNA's own fit, -drift_fit sna) of d inputs, with its defaults and -drift_sna_ options. */
static PetscErrorCode CreateDriftSNA(MPI_Comm comm, PetscInt d, SNA *sna)
{
  PetscFunctionBegin;
  PetscCall(CreateModel(comm, "drift_", d, 1, 3, 24, sna));
  PetscCall(SNASetFitType(*sna, SNAFITALS));
  PetscCall(SNASetTolerances(*sna, 0, 1e-8, 100));
  PetscCall(SNASetFromOptions(*sna));
  PetscFunctionReturn(0);
}

/* A categorical head's SNA of d inputs and q bins, with its defaults and -head_sna_ options. */
static PetscErrorCode CreateHeadSNA(MPI_Comm comm, PetscInt d, PetscInt q, SNA *sna)
{
  SNALossType loss;

  PetscFunctionBegin;
  PetscCall(CreateModel(comm, "head_", d, q, 4, 8, sna));
  PetscCall(SNASetLossType(*sna, SNA_LOSS_CROSS_ENTROPY));
  PetscCall(SNASetTolerances(*sna, 0, 1e-4, 20));
  PetscCall(SNASetRegularization(*sna, 1e-6));
  PetscCall(SNASetFromOptions(*sna));
  /* rollouts sample the bins from the heads' outputs as logits, and the loader refuses other heads: -head_sna_loss mse
     fitted the one-hot rows by least squares and wrote a model that snaps-ks called corrupt */
  PetscCall(SNAGetLossType(*sna, &loss));
  if (loss != SNA_LOSS_CROSS_ENTROPY) PetscCall(SNADestroy(sna));
  PetscCheck(loss == SNA_LOSS_CROSS_ENTROPY, comm, PETSC_ERR_USER_INPUT, "-head_sna_loss %s: the categorical heads are classifiers of the drift's residual bins, fitted by cross-entropy (their outputs are the logits rollouts sample from; a model with other heads cannot be loaded): drop -head_sna_loss", SNALossTypes[loss]);
  PetscFunctionReturn(0);
}

/* Fits sna to n local rows (x: n x d, y: n x q), prints how the fit ended and gives its training loss, its iterations
   and whether it converged (a stop at the iteration cap or a failure is not convergence), for -results. Warns when the
   SNA has more parameters than training values (SNAWarnOverParameterised()): per is the rows of one pair (1 + the
   noisy copies of a drift's pairs, which perturb the same pairs and add no new values; a head: 1, one bin per pair). */
static PetscErrorCode FitRows(SNA sna, const char what[], PetscInt n, PetscInt per, const PetscReal x[], const PetscReal y[], PetscReal *objective, PetscReal *its, PetscBool *converged)
{
  char who[128];

  Vec                X, Y;
  PetscInt           d, q;
  SNAConvergedReason reason;
  SNALossType        loss;
  PetscBool          errorif;

  PetscFunctionBegin;
  PetscCall(SNAGetSizes(sna, &d, &q));
  PetscCall(VecCreateMPIWithArray(PetscObjectComm((PetscObject)sna), d, n * d, PETSC_DECIDE, x, &X));
  PetscCall(VecCreateMPIWithArray(PetscObjectComm((PetscObject)sna), q, n * q, PETSC_DECIDE, y, &Y));
  /* -head_/-drift_sna_fit_error_if_not_converged: raised by SNAPSSurrogateTrain() once every fit has run and the
     models are written (as snaps-fit writes its model first), not here, where it lost every other fit */
  PetscCall(SNAGetErrorIfNotConverged(sna, &errorif));
  PetscCall(SNASetErrorIfNotConverged(sna, PETSC_FALSE));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNASetErrorIfNotConverged(sna, errorif));
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCall(SNAGetLossType(sna, &loss));
  PetscCall(SNACheckFitUsable(sna, what));
  PetscCall(PetscPrintf(PetscObjectComm((PetscObject)sna), "snaps-rollout-fit: %s: training %s %.6g (from %.6g), %s after %" PetscInt_FMT " iterations\n", what, loss == SNA_LOSS_CROSS_ENTROPY ? "cross-entropy" : "MSE", (double)sna->fit_mse, (double)sna->fit_mse0, SNAConvergedReasons[reason], sna->iterations));
  PetscCall(PetscSNPrintf(who, sizeof(who), "snaps-rollout-fit: %s", what));
  PetscCall(SNAWarnOverParameterised(sna, sna->fit_samples / per, who));
  *objective = sna->fit_mse;
  *its       = (PetscReal)sna->iterations;
  *converged = (PetscBool)(reason > 0);
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

/* e (n x D) = z1 - z0 - g(z0), the drift's residuals. */
static PetscErrorCode DriftResiduals(SNAPSSurrogate s, PetscInt n, const PetscReal z0[], const PetscReal z1[], PetscReal e[])
{
  PetscFunctionBegin;
  PetscCall(SNAPSSurrogateDrift(s, n, z0, e));
  for (PetscInt k = 0; k < n * s->D; k++) e[k] = z1[k] - z0[k] - e[k];
  PetscFunctionReturn(0);
}

/* Whether the heads are fitted on local pair k (global index first + k): every -head_stride-th pair, and for Markov
   heads only those with a step before. */
static PetscBool HeadPair(PetscInt first, PetscInt k, const PetscBool prev[], const TrainOptions *o)
{
  return (PetscBool)((first + k) % o->head_stride == 0 && (!o->markov || prev[k]));
}

/* Fails, before any fit, when the heads would have no training pair (lag: saved rows per -rollout_dt), so that a
   refused categorical run writes no file, not even the twin. */
static PetscErrorCode CheckHeadPairs(SNAPSSurrogate s, PetscInt nall, const PetscBool prev[], const TrainOptions *o, PetscInt lag)
{
  PetscInt first = 0, n = 0, ntotal;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Exscan(&nall, &first, 1, MPIU_INT, MPI_SUM, s->comm));
  for (PetscInt k = 0; k < nall; k++) n += HeadPair(first, k, prev, o);
  PetscCallMPI(MPI_Allreduce(&n, &ntotal, 1, MPIU_INT, MPI_SUM, s->comm));
  if (!ntotal) {
    char markov[192] = "";

    if (o->markov) PetscCall(PetscSNPrintf(markov, sizeof(markov), ", and -head_markov needs a step before each pair: at least 2 lag + 1 = %" PetscInt_FMT " saved states per trajectory, lag = %" PetscInt_FMT " being the saved times per -rollout_dt", 2 * lag + 1, lag));
    SETERRQ(s->comm, PETSC_ERR_ARG_SIZ, "No training pair is left for the categorical heads (-head_stride %" PetscInt_FMT "%s): give a smaller -head_stride, or trajectories with more saved times per -rollout_dt; nothing was written", o->head_stride, markov);
  }
  PetscFunctionReturn(0);
}

/* The categorical heads: residuals of the drift, their bins, and head i fitted to (z, e_<i) -> bin of e_i; Markov
   heads (-head_markov) also see the residual of the step before, e_i(t - dt) = z_i(t) - z_i(t - dt) - g_i(z(t - dt)),
   and are fitted on the pairs that have a step before. */
static PetscErrorCode TrainHeads(SNAPSSurrogate s, PetscInt nall, const PetscReal z0all[], const PetscReal z1all[], const PetscReal zmall[], const PetscBool prev[], const TrainOptions *o, PetscReal loss[], PetscReal its[], PetscBool converged[])
{
  const PetscInt D = s->D, q = s->q;
  PetscReal     *e, *em, *x, *y, *z0, *z1, *zm;
  PetscInt       first = 0, n = 0;

  PetscFunctionBegin;
  s->markov = o->markov;
  s->local  = o->local;
  s->rscale = o->rscale;
  PetscCallMPI(MPI_Exscan(&nall, &first, 1, MPIU_INT, MPI_SUM, s->comm));
  PetscCall(PetscMalloc3(PetscMax(1, nall * D), &z0, PetscMax(1, nall * D), &z1, PetscMax(1, nall * D), &zm));
  for (PetscInt k = 0; k < nall; k++)  /* every -head_stride-th pair: the heads' fits cost far more than the drifts' */
    if (HeadPair(first, k, prev, o)) { /* CheckHeadPairs found some */
      PetscCall(PetscArraycpy(z0 + n * D, z0all + k * D, D));
      PetscCall(PetscArraycpy(z1 + n * D, z1all + k * D, D));
      PetscCall(PetscArraycpy(zm + n * D, zmall + k * D, D));
      n++;
    }
  PetscCall(PetscMalloc4(PetscMax(1, n * D), &e, PetscMax(1, n * D), &em, PetscMax(1, n * (2 * D + 1)), &x, PetscMax(1, n * q), &y));
  PetscCall(DriftResiduals(s, n, z0, z1, e));
  if (s->markov) PetscCall(DriftResiduals(s, n, zm, z0, em));
  PetscCall(PetscCalloc1(D, &s->head));
  for (PetscInt i = 0; i < D; i++) {
    const PetscInt d = SNAPSSurrogateHeadInputs(s, i);
    char           what[64];
    PetscCall(QuantileEdges(s, n, e, i, o->tail, s->edges + i * (q + 1)));
    for (PetscInt k = 0; k < n; k++) {
      SNAPSSurrogateHeadRow(s, i, z0 + k * D, e + k * D, em + k * D, x + k * d);
      for (PetscInt b = 0; b < q; b++) y[k * q + b] = 0;
      y[k * q + SNAPSTokenEncode(q, s->edges + i * (q + 1), e[k * D + i])] = 1;
    }
    PetscCall(CreateHeadSNA(s->comm, d, q, &s->head[i]));
    PetscCall(PetscSNPrintf(what, sizeof(what), "head %" PetscInt_FMT " of %" PetscInt_FMT " (log q = %.4g)", i, D, (double)PetscLogReal((PetscReal)q)));
    PetscCall(FitRows(s->head[i], what, n, 1, x, y, &loss[i], &its[i], &converged[i]));
  }
  PetscCall(PetscFree4(e, em, x, y));
  PetscCall(PetscFree3(z0, z1, zm));
  PetscFunctionReturn(0);
}

/* Whether the wavevector (hx, hy) is k = (kx, ky): x exactly, y modulo the forcing wavenumber m (0: exactly). */
static PetscBool SameWave(PetscInt hx, PetscInt hy, PetscInt kx, PetscInt ky, PetscInt m)
{
  return (PetscBool)(hx == kx && (m ? (hy - ky) % m == 0 : hy == ky));
}

/* Whether the monomial prod_a z_{idx[a]} (c factors, c = 0: the constant) can drive coordinate i of the Fourier
   latent: a translation turns coordinate a's (cos, sin) pair by its wavevector k_a (SNAPSLatentFourierWavenumber),
   so the monomial holds the harmonics sum_a +-k_a, and a translation-equivariant map gives coordinate i only terms
   with the harmonic +-k_i. x is always a symmetry (KS, Kolmogorov flow: no explicit x); y only in steps of
   2 pi / n when a forcing of wavenumber n (Kolmogorov flow, s->forcing) breaks it, so there the y components
   need only agree modulo n (the forcing itself is the constant of the modes (0, +-n)). */
static PetscBool MonomialAllowed(SNAPSSurrogate s, PetscInt c, const PetscInt idx[], PetscInt i)
{
  PetscInt kx, ky, m = s->sdim == 2 ? s->forcing : 0;

  SNAPSLatentFourierWavenumber(s->sdim, s->kmax, i, &kx, &ky);
  for (PetscInt signs = 0; signs < (1 << c); signs++) {
    PetscInt hx = 0, hy = 0;
    for (PetscInt a = 0; a < c; a++) {
      PetscInt ax, ay;
      SNAPSLatentFourierWavenumber(s->sdim, s->kmax, idx[a], &ax, &ay);
      hx += (signs >> a & 1 ? -1 : 1) * ax;
      hy += (signs >> a & 1 ? -1 : 1) * ay;
    }
    if (SameWave(hx, hy, kx, ky, m) || SameWave(hx, hy, -kx, -ky, m)) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

/* The drift monomials of coordinate i: total degree 0..degree (the constant and the others only where
   MonomialAllowed lets them, if equivariant), as exponent rows of length D in exps (allocated here), in the order of
   nondecreasing index tuples. The first pass counts them, the second writes them: a cubic over the 120 coordinates
   of a 2-D latent has 3e5 index tuples, of which the rule keeps a few hundred. */
static PetscErrorCode DriftMonomials(SNAPSSurrogate s, PetscInt i, const TrainOptions *o, PetscInt *nt, PetscInt **exps)
{
  const PetscInt D = s->D;
  PetscInt       idx[8], n = 0;

  PetscFunctionBegin;
  *exps = NULL;
  for (PetscInt pass = 0; pass < 2; pass++) {
    if (pass) PetscCall(PetscCalloc1(PetscMax(1, n) * D, exps));
    n = 0;
    for (PetscInt c = 0; c <= o->degree; c++) {
      for (PetscInt a = 0; a < c; a++) idx[a] = 0;
      while (1) {
        if (!o->equivariant || MonomialAllowed(s, c, idx, i)) {
          if (pass)
            for (PetscInt a = 0; a < c; a++) (*exps)[n * D + idx[a]]++;
          n++;
        }
        PetscInt a = c - 1; /* next nondecreasing tuple */
        while (a >= 0 && idx[a] == D - 1) a--;
        if (a < 0) break;
        idx[a]++;
        for (PetscInt b = a + 1; b < c; b++) idx[b] = idx[a];
      }
    }
  }
  *nt = n;
  PetscFunctionReturn(0);
}

/* F (n x nt) = the monomials at the states z (n x D). */
static void MonomialRows(PetscInt n, PetscInt D, const PetscReal z[], PetscInt nt, const PetscInt exps[], PetscReal F[])
{
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt m = 0; m < nt; m++) {
      PetscReal v = 1;
      for (PetscInt p = 0; p < D; p++)
        for (PetscInt e = 0; e < exps[m * D + p]; e++) v *= z[k * D + p];
      F[k * nt + m] = v;
    }
}

/* The SNA of the polynomial sum_m coef[m] prod_p z_p^exps[m D + p]: a KHRONOS SNA with one mode per monomial
   (SNAKhronosSetPolynomial) on the training box widened by -drift_box_margin widths each side, so the drift is the
   same polynomial where rollouts stray. */
static PetscErrorCode PolynomialSNA(SNAPSSurrogate s, const TrainOptions *o, PetscInt nt, const PetscInt exps[], const PetscReal coef[], SNA *sna)
{
  const PetscInt D = s->D;
  PetscReal     *lo, *hi;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(D, &lo, D, &hi));
  for (PetscInt p = 0; p < D; p++) {
    const PetscReal w = s->upper[p] - s->lower[p];
    lo[p]             = s->lower[p] - o->margin * w;
    hi[p]             = s->upper[p] + o->margin * w;
  }
  PetscCall(SNACreate(s->comm, sna));
  PetscCall(SNASetType(*sna, SNAKHRONOS));
  PetscCall(SNASetSizes(*sna, D, 1));
  PetscCall(SNASetBounds(*sna, lo, hi));
  PetscCall(SNAKhronosSetPolynomial(*sna, nt, exps, coef));
  PetscCall(PetscFree2(lo, hi));
  PetscFunctionReturn(0);
}

/* Checks that A (cols x cols) holds the Cholesky factor of the normal matrix that gave the standardised coefficients
   coef: SNALeastSquaresSolve leaves it there unless the matrix was singular and it fell back to the SVD, which
   ConservativePairs, solving with the factor again, cannot use. F: this rank's standardised rows, t their targets. */
static PetscErrorCode CheckFactor(SNAPSSurrogate s, PetscInt cols, const PetscReal A[], const PetscReal F[], PetscInt rows, const PetscReal t[], PetscReal scale, PetscReal ridge, const PetscReal coef[])
{
  PetscReal   *r, fone = 1, zero = 0, err = 0, size = 0;
  PetscBLASInt bn, bt, bone = 1, info = 0;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(cols, &r));
  PetscCall(PetscBLASIntCast(rows, &bn));
  PetscCall(PetscBLASIntCast(cols, &bt));
  if (rows > 0) PetscCallBLAS("BLASgemv", BLASgemv_("N", &bt, &bn, &fone, F, &bt, t, &bone, &zero, r, &bone));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, r, cols, MPIU_REAL, MPIU_SUM, s->comm));
  for (PetscInt j = 0; j < cols; j++) r[j] /= scale;
  PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bt, &bone, (PetscReal *)A, &bt, r, &bt, &info));
  for (PetscInt j = 0; j < cols && !info; j++) {
    err  = PetscMax(err, PetscAbsReal(r[j] - coef[j]));
    size = PetscMax(size, PetscAbsReal(coef[j]));
  }
  PetscCall(PetscFree(r));
  PetscCheck(!info && err <= 1e-6 * size, s->comm, PETSC_ERR_MAT_LU_ZRPVT, "The normal equations of a pair drift are singular (solved by the SVD instead), but -drift_conservative refits with their Cholesky factor: give a larger -drift_ridge (now %g)", (double)ridge);
  PetscFunctionReturn(0);
}

/* Ridge least squares on standardised columns, the fit of both polynomial drifts: this rank's rows of F (rows x
   cols, row-major) are divided in place by colscale, the normal equations of the targets t are summed over the ranks
   and solved with the ridge relative to scale (SNALeastSquaresSolve), and coef (cols) holds the coefficients of the
   unscaled columns; rel is the relative residual over all ranks. With chol (not NULL) the Cholesky factor of the
   normal matrix (potrf "L", every rank the same) is returned in *chol (allocated), and sums[1] (the targets' sum of
   squares over all ranks) in *tt, for the constrained refit of ConservativePairs. */
static PetscErrorCode StandardisedRidge(SNAPSSurrogate s, PetscInt rows, PetscInt cols, PetscReal F[], const PetscReal t[], const PetscReal colscale[], PetscReal scale, PetscReal ridge, PetscReal coef[], PetscReal *rel, PetscReal **chol, PetscReal *tt)
{
  PetscReal   *A, sums[2] = {0, 0}, fone = 1, zero = 0;
  PetscBLASInt bn, bt, bone = 1;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(cols * cols, &A));
  for (PetscInt r = 0; r < rows; r++)
    for (PetscInt j = 0; j < cols; j++) F[r * cols + j] /= colscale[j];
  PetscCall(PetscBLASIntCast(rows, &bn));
  PetscCall(PetscBLASIntCast(cols, &bt));
  if (rows > 0) { /* F row-major is F^T column-major: A = F^T F, coef = F^T t */
    PetscCallBLAS("BLASgemm", BLASgemm_("N", "T", &bt, &bt, &bn, &fone, F, &bt, F, &bt, &zero, A, &bt));
    PetscCallBLAS("BLASgemv", BLASgemv_("N", &bt, &bn, &fone, F, &bt, t, &bone, &zero, coef, &bone));
  } else {
    PetscCall(PetscArrayzero(A, cols * cols));
    PetscCall(PetscArrayzero(coef, cols));
  }
  PetscCall(SNALeastSquaresSolve(s->comm, cols, 1, scale, ridge, A, coef));
  for (PetscInt r = 0; r < rows; r++) {
    PetscReal e = t[r];
    for (PetscInt j = 0; j < cols; j++) e -= F[r * cols + j] * coef[j];
    sums[0] += e * e;
    sums[1] += t[r] * t[r];
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, sums, 2, MPIU_REAL, MPIU_SUM, s->comm));
  *rel = sums[1] > 0 ? PetscSqrtReal(sums[0] / sums[1]) : 0;
  if (chol) PetscCall(CheckFactor(s, cols, A, F, rows, t, scale, ridge, coef));
  for (PetscInt j = 0; j < cols; j++) coef[j] /= colscale[j];
  if (chol) {
    *chol = A;
    *tt   = sums[1];
  } else
    PetscCall(PetscFree(A));
  PetscFunctionReturn(0);
}

/* Drift i as a polynomial: ridge least squares (-drift_ridge, relative to the standardised monomials) of the
   increment over the monomials of DriftMonomials, a convex problem solved exactly (StandardisedRidge), then written
   as a KHRONOS SNA (PolynomialSNA). */
static PetscErrorCode PolynomialDrift(SNAPSSurrogate s, PetscInt n, const PetscReal z0[], const PetscReal dz[], PetscInt i, const TrainOptions *o, PetscReal *rel, SNA *sna)
{
  const PetscInt D  = s->D;
  PetscInt       nt = 0, N;
  PetscInt      *exps;
  PetscReal     *F, *B, *rms;

  PetscFunctionBegin;
  PetscCall(DriftMonomials(s, i, o, &nt, &exps));
  PetscCall(PetscMalloc3(PetscMax(1, n * nt), &F, nt, &B, nt, &rms));
  MonomialRows(n, D, z0, nt, exps, F);
  for (PetscInt m = 0; m < nt; m++) rms[m] = 0;
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt m = 0; m < nt; m++) rms[m] += F[k * nt + m] * F[k * nt + m];
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, rms, nt, MPIU_REAL, MPIU_SUM, s->comm));
  PetscCallMPI(MPI_Allreduce(&n, &N, 1, MPIU_INT, MPI_SUM, s->comm));
  for (PetscInt m = 0; m < nt; m++) rms[m] = rms[m] > 0 ? PetscSqrtReal(rms[m] / N) : 1;
  PetscCall(StandardisedRidge(s, n, nt, F, dz, rms, (PetscReal)N, o->ridge, B, rel, NULL, NULL));
  PetscCall(PolynomialSNA(s, o, nt, exps, B, sna));
  PetscCall(PetscFree3(F, B, rms));
  PetscCall(PetscFree(exps));
  PetscFunctionReturn(0);
}

/* A factor of the complex latent of a Fourier basis (1-D or 2-D): A_k = z_c - i z_s for the (half-plane) mode h of
   coordinates (z_c, z_s) = (z_2h, z_2h+1) (the sin row has the opposite sign of exp(-i k.x)), and A_-k = conj(A_k).
   f indexes both: f = 2h is k_h, f = 2h + 1 is -k_h; sigma is the sign of z_s in A_f = z_c + i sigma z_s. */
static void ComplexFactor(SNAPSSurrogate s, PetscInt f, PetscInt *kx, PetscInt *ky, PetscReal *sigma)
{
  SNAPSLatentFourierWavenumber(s->sdim, s->kmax, 2 * (f / 2), kx, ky);
  *sigma = f % 2 ? 1 : -1;
  if (f % 2) {
    *kx = -*kx;
    *ky = -*ky;
  }
}

/* The complex features of mode h (wavevector k): the constant, the factors A_f and the products A_f A_g (f <= g)
   whose wavevector is k (y modulo the forcing wavenumber), as factor pairs (f, g; -1: none) in terms (allocated). */
static PetscErrorCode PairFeatures(SNAPSSurrogate s, PetscInt h, PetscInt *nf, PetscInt **terms)
{
  const PetscInt F = s->D, m = s->sdim == 2 ? s->forcing : 0; /* the forcing breaks y-translations only (MonomialAllowed) */
  PetscInt       kx, ky, n = 0, fx, fy, gx, gy;
  PetscReal      sg;

  PetscFunctionBegin;
  SNAPSLatentFourierWavenumber(s->sdim, s->kmax, 2 * h, &kx, &ky);
  PetscCall(PetscMalloc1(2 * (2 + F + F * (F + 1) / 2), terms));
  if (SameWave(0, 0, kx, ky, m)) {
    (*terms)[2 * n]     = -1;
    (*terms)[2 * n + 1] = -1;
    n++;
  }
  for (PetscInt f = 0; f < F; f++) {
    ComplexFactor(s, f, &fx, &fy, &sg);
    if (SameWave(fx, fy, kx, ky, m)) {
      (*terms)[2 * n]     = f;
      (*terms)[2 * n + 1] = -1;
      n++;
    }
    for (PetscInt g = f; g < F; g++) {
      ComplexFactor(s, g, &gx, &gy, &sg);
      if (!SameWave(fx + gx, fy + gy, kx, ky, m)) continue;
      (*terms)[2 * n]     = f;
      (*terms)[2 * n + 1] = g;
      n++;
    }
  }
  *nf = n;
  PetscFunctionReturn(0);
}

/* The value (re, im) of the feature (f, g) at the latent state z. */
static void PairFeatureValue(SNAPSSurrogate s, PetscInt f, PetscInt g, const PetscReal z[], PetscReal *re, PetscReal *im)
{
  PetscReal a = 1, b = 0;

  for (PetscInt t = 0; t < 2; t++) {
    const PetscInt e = t ? g : f;
    PetscInt       kx, ky;
    PetscReal      sg, c, d, r;
    if (e < 0) continue;
    ComplexFactor(s, e, &kx, &ky, &sg);
    c = z[2 * (e / 2)];
    d = sg * z[2 * (e / 2) + 1];
    r = a * c - b * d;
    b = a * d + b * c;
    a = r;
  }
  *re = a;
  *im = b;
}

/* Adds w times the real monomial z_a z_b (a, b: coordinates, -1: none) to the coefficient table T (1 + D + D^2:
   the constant, z_a, z_a z_b with a <= b), marking it used. */
static void AddMonomial(PetscInt D, PetscInt a, PetscInt b, PetscReal w, PetscReal T[], PetscBool used[])
{
  PetscInt k;

  if (a > b) {
    PetscInt t = a;
    a          = b;
    b          = t;
  }
  k = a < 0 ? (b < 0 ? 0 : 1 + b) : 1 + D + a * D + b;
  T[k] += w;
  used[k] = PETSC_TRUE;
}

/* Adds the real monomials of w Re(feature) + v Im(feature) to T: a factor A_f = z_c + i sigma z_s, so a product
   (c1 + i s1 sigma1)(c2 + i s2 sigma2) has the real part c1 c2 - sigma1 sigma2 s1 s2 and the imaginary part
   sigma2 c1 s2 + sigma1 s1 c2. */
static void AddFeature(SNAPSSurrogate s, PetscInt f, PetscInt g, PetscReal w, PetscReal v, PetscReal T[], PetscBool used[])
{
  const PetscInt D = s->D;
  PetscInt       kx, ky;
  PetscReal      s1 = 0, s2 = 0;

  if (f >= 0) ComplexFactor(s, f, &kx, &ky, &s1);
  if (g >= 0) ComplexFactor(s, g, &kx, &ky, &s2);
  if (f < 0)
    AddMonomial(D, -1, -1, w, T, used);
  else if (g < 0) {
    AddMonomial(D, 2 * (f / 2), -1, w, T, used);
    AddMonomial(D, 2 * (f / 2) + 1, -1, v * s1, T, used);
  } else {
    const PetscInt c1 = 2 * (f / 2), d1 = c1 + 1, c2 = 2 * (g / 2), d2 = c2 + 1;
    AddMonomial(D, c1, c2, w, T, used);
    AddMonomial(D, d1, d2, -w * s1 * s2, T, used);
    AddMonomial(D, c1, d2, v * s2, T, used);
    AddMonomial(D, d1, c2, v * s1, T, used);
  }
}

/* The polynomial SNA of the real monomials marked in T. */
static PetscErrorCode TableSNA(SNAPSSurrogate s, const TrainOptions *o, const PetscReal T[], const PetscBool used[], SNA *sna)
{
  const PetscInt D = s->D, size = 1 + D + D * D;
  PetscInt       nt = 0, *exps;
  PetscReal     *coef;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < size; k++) nt += used[k];
  PetscCall(PetscCalloc1(PetscMax(1, nt) * D, &exps));
  PetscCall(PetscMalloc1(PetscMax(1, nt), &coef));
  nt = 0;
  for (PetscInt k = 0; k < size; k++) {
    if (!used[k]) continue;
    if (k >= 1 && k <= D) exps[nt * D + k - 1]++;
    if (k > D) {
      exps[nt * D + (k - 1 - D) / D]++;
      exps[nt * D + (k - 1 - D) % D]++;
    }
    coef[nt++] = T[k];
  }
  if (!nt) { /* no term at all: the zero constant */
    coef[0] = 0;
    nt      = 1;
  }
  PetscCall(PolynomialSNA(s, o, nt, exps, coef, sna));
  PetscCall(PetscFree(exps));
  PetscCall(PetscFree(coef));
  PetscFunctionReturn(0);
}

/* The fit of a pair drift (PairDrift): the features (terms, nf), the coefficients B (2 nf: real parts, then imaginary
   parts) and the columns' scales; with -drift_conservative also the Cholesky factor of the standardised normal
   matrix (chol), the targets' sum of squares (tt) and the pairs' count (N), for ConservativePairs. */
typedef struct {
  PetscInt   nf, *terms, N;
  PetscReal *B, *scale, *chol, tt, rel;
} PairFit;

/* The drifts of the pair (z_2h, z_2h+1) of a Fourier latent (2-D; 1-D with -drift_pairs: KS at large L, where a
   cubic over the ~38 modes it needs has ~79000 monomials, and mode k has at most r terms A_k and A_p A_q, p + q = k),
   exactly equivariant: the increment of the complex coordinate A_k = z_2h - i z_2h+1 as a complex combination of the
   constant, the factors A_f and the products A_f A_g whose wavevector is k (PairFeatures; the vorticity equation is quadratic, and complex coefficients give
   both coordinates the same law, so the map commutes with x-translations and with y-shifts by 2 pi / n, which a real
   fit of each coordinate over the monomials of MonomialAllowed does not: there every monomial holds other harmonics
   too, and the fit on one trajectory does not cancel them). Ridge least squares on the standardised features
   (rows: the real and imaginary parts) into P; PairSNAs expands it into real monomials. keep: also keep the factor. */
static PetscErrorCode PairDrift(SNAPSSurrogate s, PetscInt n, const PetscReal x[], const PetscReal y[], PetscInt h, const TrainOptions *o, PetscBool keep, PairFit *P)
{
  const PetscInt D  = s->D;
  PetscInt       nf = 0, N, nu;
  PetscReal     *F, *t, *rms;

  PetscFunctionBegin;
  PetscCall(PairFeatures(s, h, &nf, &P->terms));
  P->nf = nf;
  nu    = 2 * nf; /* unknowns: the real parts, then the imaginary parts, of the coefficients */
  PetscCall(PetscMalloc3(PetscMax(1, 2 * n * nu), &F, PetscMax(1, 2 * n), &t, nf, &rms));
  PetscCall(PetscMalloc2(nu, &P->B, nu, &P->scale));
  for (PetscInt j = 0; j < nf; j++) rms[j] = 0;
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt j = 0; j < nf; j++) {
      PetscReal re, im;
      PairFeatureValue(s, P->terms[2 * j], P->terms[2 * j + 1], x + k * D, &re, &im);
      F[(2 * k) * nu + j]          = re; /* Re row: Re(gamma phi) = gr Re phi - gi Im phi */
      F[(2 * k) * nu + nf + j]     = -im;
      F[(2 * k + 1) * nu + j]      = im; /* Im row: gr Im phi + gi Re phi */
      F[(2 * k + 1) * nu + nf + j] = re;
      rms[j] += re * re + im * im;
    }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, rms, nf, MPIU_REAL, MPIU_SUM, s->comm));
  PetscCallMPI(MPI_Allreduce(&n, &N, 1, MPIU_INT, MPI_SUM, s->comm));
  for (PetscInt j = 0; j < nu; j++) P->scale[j] = rms[j % nf] > 0 ? PetscSqrtReal(rms[j % nf] / N) : 1; /* a feature's real and imaginary coefficient alike */
  for (PetscInt k = 0; k < n; k++) {                                                                    /* dA = dz_c - i dz_s */
    t[2 * k]     = y[k * D + 2 * h] - x[k * D + 2 * h];
    t[2 * k + 1] = -(y[k * D + 2 * h + 1] - x[k * D + 2 * h + 1]);
  }
  P->N    = N;
  P->chol = NULL;
  PetscCall(StandardisedRidge(s, 2 * n, nu, F, t, P->scale, (PetscReal)N, o->ridge, P->B, &P->rel, keep ? &P->chol : NULL, &P->tt));
  PetscCall(PetscFree3(F, t, rms));
  PetscFunctionReturn(0);
}

/* Adds the real monomials of the pair fit P, its coefficients B (2 nf) times w, to the tables Tc and Ts of the
   coordinates (z_2h, z_2h+1): dz_c = Re(gamma phi), dz_s = -Im(gamma phi). */
static void PairTables(SNAPSSurrogate s, const PairFit *P, const PetscReal B[], PetscReal Tc[], PetscBool uc[], PetscReal Ts[], PetscBool us[])
{
  for (PetscInt j = 0; j < P->nf; j++) {
    const PetscReal gr = B[j], gi = B[P->nf + j];
    AddFeature(s, P->terms[2 * j], P->terms[2 * j + 1], gr, -gi, Tc, uc);
    AddFeature(s, P->terms[2 * j], P->terms[2 * j + 1], -gi, -gr, Ts, us);
  }
}

/* The polynomial SNAs of the pair fit P (PairTables), and P freed. */
static PetscErrorCode PairSNAs(SNAPSSurrogate s, const TrainOptions *o, PairFit *P, SNA *sc, SNA *ss)
{
  const PetscInt D = s->D, size = 1 + D + D * D;
  PetscReal     *Tc, *Ts;
  PetscBool     *uc, *us;

  PetscFunctionBegin;
  PetscCall(PetscCalloc4(size, &Tc, size, &Ts, size, &uc, size, &us));
  PairTables(s, P, P->B, Tc, uc, Ts, us);
  PetscCall(TableSNA(s, o, Tc, uc, sc));
  PetscCall(TableSNA(s, o, Ts, us, ss));
  PetscCall(PetscFree4(Tc, Ts, uc, us));
  PetscCall(PetscFree2(P->B, P->scale));
  PetscCall(PetscFree(P->chol));
  PetscCall(PetscFree(P->terms));
  PetscFunctionReturn(0);
}

/* The constraint z . Q(z, z) = 0 on the quadratic parts Q of all pair drifts, as a sparse matrix over the unknowns
   (every pair fit's B, numbered mode by mode from off[h]): one row per cubic monomial z_i z_a z_b (i <= a <= b) that
   some table entry c z_a z_b of coordinate i makes, its entries the coefficient of that monomial per unit of each
   unknown (the table entries found by PairTables of a unit coefficient). CSR: rows nrow, rowstart, col, val. */
static PetscErrorCode ConservationRows(SNAPSSurrogate s, PetscInt npair, const PairFit P[], const PetscInt off[], PetscInt *nrow, PetscInt **rowstart, PetscInt **col, PetscReal **val)
{
  const PetscInt D = s->D, size = 1 + D + D * D;
  PetscInt       n = 0, cap = 0, *key = NULL, *perm = NULL, *u = NULL;
  PetscReal     *T[2], *w = NULL, *B;
  PetscBool     *used[2];

  PetscFunctionBegin;
  PetscCall(PetscCalloc4(size, &T[0], size, &T[1], size, &used[0], size, &used[1]));
  for (PetscInt h = 0; h < npair; h++) {
    const PetscInt nu = 2 * P[h].nf;
    PetscCall(PetscCalloc1(nu, &B));
    for (PetscInt j = 0; j < nu; j++) {
      B[j] = 1;
      PairTables(s, &P[h], B, T[0], used[0], T[1], used[1]);
      B[j] = 0;
      for (PetscInt r = 0; r < 2; r++)
        for (PetscInt k = 1 + D; k < size; k++) {
          const PetscInt i = 2 * h + r, a = (k - 1 - D) / D, b = (k - 1 - D) % D;
          PetscInt       t[3] = {i, a, b};
          if (!used[r][k]) continue;
          if (T[r][k] != 0) {
            if (n == cap) {
              cap = PetscMax(1024, 2 * cap);
              PetscCall(PetscRealloc(cap * sizeof(PetscInt), &key));
              PetscCall(PetscRealloc(cap * sizeof(PetscInt), &u));
              PetscCall(PetscRealloc(cap * sizeof(PetscReal), &w));
            }
            PetscCall(PetscSortInt(3, t));
            key[n] = (t[0] * D + t[1]) * D + t[2];
            u[n]   = off[h] + j;
            w[n++] = T[r][k];
          }
          T[r][k]    = 0;
          used[r][k] = PETSC_FALSE;
        }
      for (PetscInt r = 0; r < 2; r++) /* the constant and linear entries: unconstrained, cleared */
        for (PetscInt k = 0; k < 1 + D; k++) {
          T[r][k]    = 0;
          used[r][k] = PETSC_FALSE;
        }
    }
    PetscCall(PetscFree(B));
  }
  PetscCall(PetscFree4(T[0], T[1], used[0], used[1]));
  PetscCall(PetscMalloc1(PetscMax(1, n), &perm));
  for (PetscInt k = 0; k < n; k++) perm[k] = k;
  PetscCall(PetscSortIntWithArray(n, key, perm));
  PetscCall(PetscMalloc3(n + 1, rowstart, PetscMax(1, n), col, PetscMax(1, n), val));
  *nrow = 0;
  for (PetscInt k = 0; k < n; k++) {
    if (!k || key[k] != key[k - 1]) (*rowstart)[(*nrow)++] = k;
    (*col)[k] = u[perm[k]];
    (*val)[k] = w[perm[k]];
  }
  (*rowstart)[*nrow] = n;
  PetscCall(PetscFree(key));
  PetscCall(PetscFree(u));
  PetscCall(PetscFree(w));
  PetscCall(PetscFree(perm));
  PetscFunctionReturn(0);
}

/* Appends to the CSR rows of ConservationRows one row per fixed unknown fixcol[k] (coefficient 1): the equality
   constraints of -drift_dissipative's linear part. */
static PetscErrorCode FixedRows(PetscInt nfix, const PetscInt fixcol[], PetscInt *nrow, PetscInt **rs, PetscInt **col, PetscReal **val)
{
  const PetscInt n = (*rs)[*nrow];
  PetscInt      *rs2, *col2;
  PetscReal     *val2;

  PetscFunctionBegin;
  if (!nfix) PetscFunctionReturn(0);
  PetscCall(PetscMalloc3(*nrow + nfix + 1, &rs2, n + nfix, &col2, n + nfix, &val2));
  PetscCall(PetscArraycpy(rs2, *rs, *nrow + 1));
  PetscCall(PetscArraycpy(col2, *col, n));
  PetscCall(PetscArraycpy(val2, *val, n));
  for (PetscInt k = 0; k < nfix; k++) {
    col2[n + k]        = fixcol[k];
    val2[n + k]        = 1;
    rs2[*nrow + k + 1] = n + k + 1;
  }
  *nrow += nfix;
  PetscCall(PetscFree3(*rs, *col, *val));
  *rs  = rs2;
  *col = col2;
  *val = val2;
  PetscFunctionReturn(0);
}

/* z = A^-1 C^T v over the standardised unknowns (A: every pair's normal matrix, by its Cholesky factor; C: the rows of
   ConservationRows with each unknown divided by its column scale sc) and, if Sv is not NULL, Sv = C z. */
static PetscErrorCode ConservationApply(PetscInt npair, const PairFit P[], const PetscInt off[], const PetscReal sc[], PetscInt nrow, const PetscInt rs[], const PetscInt col[], const PetscReal val[], const PetscReal v[], PetscReal z[], PetscReal Sv[])
{
  PetscFunctionBegin;
  PetscCall(PetscArrayzero(z, off[npair]));
  for (PetscInt g = 0; g < nrow; g++)
    for (PetscInt k = rs[g]; k < rs[g + 1]; k++) z[col[k]] += val[k] / sc[col[k]] * v[g];
  for (PetscInt h = 0; h < npair; h++) {
    PetscBLASInt bn, bone = 1, info = 0;
    PetscCall(PetscBLASIntCast(2 * P[h].nf, &bn));
    PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bn, &bone, P[h].chol, &bn, z + off[h], &bn, &info));
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK potrs failed with info %d", (int)info);
  }
  for (PetscInt g = 0; g < nrow && Sv; g++) {
    Sv[g] = 0;
    for (PetscInt k = rs[g]; k < rs[g + 1]; k++) Sv[g] += val[k] / sc[col[k]] * z[col[k]];
  }
  PetscFunctionReturn(0);
}

/* The constrained refit of ConservativePairs: the unknowns of all pairs (pair h's from off[h]: standardised beta, column
   scales sc; beta0, z: work), the constraint rows C (CSR rs, col, val: ncons conservation rows, then the fixed ones)
   with right-hand side d, the multipliers lam, and the conjugate gradients' work (r, p, Sp) and report (it, rr, rr0,
   pSp). */
typedef struct {
  PetscInt  *off, nrow, ncons, *rs, *col, it;
  PetscReal *val, *sc, *beta, *beta0, *z, *lam, *r, *p, *Sp, *d, rr, rr0, pSp;
} ConservativeFit;

/* The unknowns and constraint rows of the pairs P, with nfix unknowns fixcol[] fixed to fixval[]. */
static PetscErrorCode ConservativeFitCreate(SNAPSSurrogate s, PetscInt npair, const PairFit P[], PetscInt nfix, const PetscInt fixcol[], const PetscReal fixval[], ConservativeFit *c)
{
  PetscFunctionBegin;
  c->nrow = 0;
  c->pSp  = 1;
  PetscCall(PetscMalloc1(npair + 1, &c->off));
  c->off[0] = 0;
  for (PetscInt h = 0; h < npair; h++) c->off[h + 1] = c->off[h] + 2 * P[h].nf;
  PetscCall(ConservationRows(s, npair, P, c->off, &c->nrow, &c->rs, &c->col, &c->val));
  c->ncons = c->nrow;
  PetscCall(FixedRows(nfix, fixcol, &c->nrow, &c->rs, &c->col, &c->val));
  PetscCall(PetscMalloc4(c->off[npair], &c->sc, c->off[npair], &c->beta, c->off[npair], &c->beta0, c->off[npair], &c->z));
  PetscCall(PetscCalloc4(PetscMax(1, c->nrow), &c->lam, PetscMax(1, c->nrow), &c->r, PetscMax(1, c->nrow), &c->p, PetscMax(1, c->nrow), &c->Sp));
  PetscCall(PetscCalloc1(PetscMax(1, c->nrow), &c->d));
  for (PetscInt k = 0; k < nfix; k++) c->d[c->ncons + k] = fixval[k];
  for (PetscInt h = 0; h < npair; h++)
    for (PetscInt j = 0; j < 2 * P[h].nf; j++) {
      c->sc[c->off[h] + j]   = P[h].scale[j];
      c->beta[c->off[h] + j] = P[h].B[j] * P[h].scale[j];
    }
  PetscFunctionReturn(0);
}

static PetscErrorCode ConservativeFitDestroy(ConservativeFit *c)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(c->d));
  PetscCall(PetscFree4(c->sc, c->beta, c->beta0, c->z));
  PetscCall(PetscFree4(c->lam, c->r, c->p, c->Sp));
  PetscCall(PetscFree3(c->rs, c->col, c->val));
  PetscCall(PetscFree(c->off));
  PetscFunctionReturn(0);
}

/* lam: conjugate gradients on (C A^-1 C^T) lam = C beta0 - d from lam = 0, to the relative residual 1e-12. */
static PetscErrorCode ConservativeFitMultipliers(PetscInt npair, const PairFit P[], ConservativeFit *c)
{
  const PetscInt  maxit = 20000;
  const PetscReal tol   = 1e-12;

  PetscFunctionBegin;
  for (PetscInt g = 0; g < c->nrow; g++) { /* r = C beta0 - d - S 0 */
    c->r[g] = -c->d[g];
    for (PetscInt k = c->rs[g]; k < c->rs[g + 1]; k++) c->r[g] += c->val[k] / c->sc[c->col[k]] * c->beta[c->col[k]];
  }
  PetscCall(PetscArraycpy(c->p, c->r, c->nrow));
  c->rr = 0;
  for (PetscInt g = 0; g < c->nrow; g++) c->rr += c->r[g] * c->r[g];
  c->rr0 = c->rr;
  for (c->it = 0; c->it < maxit && c->rr > tol * tol * c->rr0 && c->rr > 0; c->it++) {
    PetscReal alpha, rrn = 0;
    PetscCall(ConservationApply(npair, P, c->off, c->sc, c->nrow, c->rs, c->col, c->val, c->p, c->z, c->Sp));
    c->pSp = 0;
    for (PetscInt g = 0; g < c->nrow; g++) c->pSp += c->p[g] * c->Sp[g];
    if (!(c->pSp > 0)) break; /* S = C A^-1 C^T is positive semidefinite: p'Sp <= 0 is rounding near the solution (or
                                  constraints that contradict each other); no step is possible, and the constraint
                                  check of ConservativePairs judges lambda so far */
    alpha = c->rr / c->pSp;
    for (PetscInt g = 0; g < c->nrow; g++) {
      c->lam[g] += alpha * c->p[g];
      c->r[g] -= alpha * c->Sp[g];
      rrn += c->r[g] * c->r[g];
    }
    for (PetscInt g = 0; g < c->nrow; g++) c->p[g] = c->r[g] + rrn / c->rr * c->p[g];
    c->rr = rrn;
  }
  PetscFunctionReturn(0);
}

/* P[].B = the constrained minimum beta - A^-1 C^T lam (in the coefficients' units), and each pair's training relative
   error raised by the objective's increase; *before, *after: their averages; *cmax: the largest coefficient. */
static PetscErrorCode ConservativeFitUpdate(PetscInt npair, PairFit P[], ConservativeFit *c, PetscReal *before, PetscReal *after, PetscReal *cmax)
{
  PetscFunctionBegin;
  *before = *after = *cmax = 0;
  PetscCall(ConservationApply(npair, P, c->off, c->sc, c->nrow, c->rs, c->col, c->val, c->lam, c->z, NULL));
  PetscCall(PetscArrayzero(c->beta0, c->off[npair])); /* now C^T lambda (standardised), A z */
  for (PetscInt g = 0; g < c->nrow; g++)
    for (PetscInt k = c->rs[g]; k < c->rs[g + 1]; k++) c->beta0[c->col[k]] += c->val[k] / c->sc[c->col[k]] * c->lam[g];
  for (PetscInt h = 0; h < npair; h++) {
    PetscReal inc = 0; /* the objective's increase, (beta - beta0)^T A (beta - beta0) = z^T C^T lambda, per pair */
    for (PetscInt j = 0; j < 2 * P[h].nf; j++) {
      inc += c->z[c->off[h] + j] * c->beta0[c->off[h] + j];
      c->beta[c->off[h] + j] -= c->z[c->off[h] + j];
      P[h].B[j] = c->beta[c->off[h] + j] / P[h].scale[j];
      *cmax     = PetscMax(*cmax, PetscAbsReal(P[h].B[j]));
    }
    *before += P[h].rel / npair;
    P[h].rel = P[h].tt > 0 ? PetscSqrtReal(P[h].rel * P[h].rel + P[h].N * inc / P[h].tt) : 0;
    *after += P[h].rel / npair;
  }
  PetscFunctionReturn(0);
}

/* The largest residual of the constraints C beta = d, in the coefficients' own units. */
static PetscReal ConservativeFitWorst(const ConservativeFit *c)
{
  PetscReal worst = 0;

  for (PetscInt g = 0; g < c->nrow; g++) {
    PetscReal r = -c->d[g];
    for (PetscInt k = c->rs[g]; k < c->rs[g + 1]; k++) r += c->val[k] * c->beta[c->col[k]] / c->sc[c->col[k]];
    worst = PetscMax(worst, PetscAbsReal(r));
  }
  return worst;
}

/* -drift_conservative: refits all pair drifts together by least squares under the constraint z . Q(z, z) = 0 for
   every z, Q the quadratic part of the drift (ConservationRows): the advection of the vorticity (and KS's u u_x)
   conserves the enstrophy (energy) in any Fourier truncation, so the fitted quadratic terms should only move it
   between modes, and the fit alone, free of this, makes them feed it at every state (cases/kolmogorov-surrogate
   README), which the linear damping balances on the data and not beyond: a state above the training range grows
   without bound. With the constraint only the constant and linear terms change the enstrophy (the rate form:
   d|z|^2/dt = 2 z . (c + L z)). The constrained minimum of the sum of the pairs' least-squares objectives
   (standardised unknowns beta, normal matrices A, unconstrained minima beta0) is beta0 - A^-1 C^T lambda with
   (C A^-1 C^T) lambda = C beta0 - d, solved by conjugate gradients on the constraints (every rank the same). d is
   zero but for the nfix rows B[fixcol] = fixval (FixedRows) that -drift_dissipative appends; P[].B may already be
   the minimum under some of the rows (the first pass): the A-projection onto a subset of them is then the same. */
static PetscErrorCode ConservativePairs(SNAPSSurrogate s, PetscInt npair, PairFit P[], PetscInt nfix, const PetscInt fixcol[], const PetscReal fixval[])
{
  const char     *what = nfix ? "-drift_dissipative" : "-drift_conservative";
  ConservativeFit c;
  PetscReal       before, after, cmax, worst;

  PetscFunctionBegin;
  PetscCall(ConservativeFitCreate(s, npair, P, nfix, fixcol, fixval, &c));
  PetscCall(ConservativeFitMultipliers(npair, P, &c));
  PetscCall(ConservativeFitUpdate(npair, P, &c, &before, &after, &cmax));
  worst = ConservativeFitWorst(&c);
  PetscCall(PetscPrintf(s->comm, "snaps-rollout-fit: %s: %" PetscInt_FMT " constraints (cubic monomials of z . Q(z, z)) and %" PetscInt_FMT " fixed linear coefficients on %" PetscInt_FMT " unknowns, conjugate gradients %" PetscInt_FMT " iterations (relative residual %.3g), largest constraint residual %.3g of the largest coefficient %.3g; training relative error %.4g on average (before %.4g)\n", what, c.ncons, nfix, c.off[npair], c.it, (double)(c.rr0 > 0 ? PetscSqrtReal(c.rr / c.rr0) : 0), (double)worst, (double)cmax, (double)after, (double)before));
  PetscCheck(c.pSp > 0 || worst <= 1e-8 * cmax, s->comm, PETSC_ERR_NOT_CONVERGED, "%s: the constrained fit's conjugate gradients broke down after %" PetscInt_FMT " iterations (p'Sp = %g <= 0: rounding, or constraints that contradict each other) with the constraint residual %g of %g: give a larger -drift_ridge", what, c.it, (double)c.pSp, (double)worst, (double)cmax);
  PetscCheck(worst <= 1e-8 * cmax, s->comm, PETSC_ERR_NOT_CONVERGED, "%s: the constrained fit did not converge in %" PetscInt_FMT " iterations (constraint residual %g of %g): give a larger -drift_ridge", what, c.it, (double)worst, (double)cmax);
  PetscCall(ConservativeFitDestroy(&c));
  PetscFunctionReturn(0);
}

/* Whether feature j of the pair fit P is linear: a factor A_f alone. */
static PetscBool LinearFeature(const PairFit *P, PetscInt j)
{
  return (PetscBool)(P->terms[2 * j] >= 0 && P->terms[2 * j + 1] < 0);
}

/* The entries of coordinates 2h, 2h+1 (L: D x D, row-major, L[i D + a] the coefficient of z_a in coordinate i's
   drift) that the coefficients B of pair h's linear features make; the other features are skipped. T, used: zeroed
   tables of PairTables, left zeroed. */
static void PairLinearRows(SNAPSSurrogate s, const PairFit *P, PetscInt h, PetscReal B[], PetscReal *T[2], PetscBool *used[2], PetscReal L[])
{
  const PetscInt D = s->D, size = 1 + D + D * D;

  for (PetscInt j = 0; j < P->nf; j++)
    if (!LinearFeature(P, j)) B[j] = B[P->nf + j] = 0;
  PairTables(s, P, B, T[0], used[0], T[1], used[1]);
  for (PetscInt r = 0; r < 2; r++) {
    for (PetscInt a = 0; a < D; a++) L[(2 * h + r) * D + a] = T[r][1 + a];
    for (PetscInt k = 0; k < size; k++) {
      T[r][k]    = 0;
      used[r][k] = PETSC_FALSE;
    }
  }
}

/* The linear part L of all pair fits (PairLinearRows) and the eigendecomposition of its symmetric part: w its
   eigenvalues ascending (syev), row k of V the eigenvector of w[k]; one decomposition for DissipativeLinear's
   projection and ConstrainedPairs' check. */
static PetscErrorCode PairLinear(SNAPSSurrogate s, PetscInt npair, const PairFit P[], PetscReal L[], PetscReal V[], PetscReal w[])
{
  const PetscInt D = s->D, size = 1 + D + D * D;
  PetscReal     *T[2], *B;
  PetscBool     *used[2];

  PetscFunctionBegin;
  PetscCall(PetscCalloc4(size, &T[0], size, &T[1], size, &used[0], size, &used[1]));
  for (PetscInt h = 0; h < npair; h++) {
    PetscCall(PetscMalloc1(2 * P[h].nf, &B));
    PetscCall(PetscArraycpy(B, P[h].B, 2 * P[h].nf));
    PairLinearRows(s, &P[h], h, B, T, used, L);
    PetscCall(PetscFree(B));
  }
  PetscCall(PetscFree4(T[0], T[1], used[0], used[1]));
  for (PetscInt i = 0; i < D; i++)
    for (PetscInt a = 0; a < D; a++) V[i * D + a] = (L[i * D + a] + L[a * D + i]) / 2;
  PetscCall(SNASymmetricEigen(D, V, w));
  PetscFunctionReturn(0);
}

/* The values of pair h's linear unknowns (2 per linear feature, in fix from *nfix on, their unknowns' numbers from
   first) whose entries are the rows 2h, 2h+1 of L: least squares over the unit tables (PairLinearRows), exact when
   L commutes with the symmetries that the features encode, as a function of an equivariant symmetric part does. */
static PetscErrorCode PairLinearUnknowns(SNAPSSurrogate s, const PairFit *P, PetscInt h, PetscInt first, const PetscReal L[], PetscInt *nfix, PetscInt fixcol[], PetscReal fixval[], PetscReal *miss)
{
  const PetscInt D = s->D, size = 1 + D + D * D, nu = 2 * P->nf;
  PetscInt       nl = 0, *u;
  PetscReal     *T[2], *B, *M, *G;
  PetscBool     *used[2];
  PetscBLASInt   bn, bone = 1, info = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(nu, &u));
  for (PetscInt j = 0; j < nu; j++)
    if (LinearFeature(P, j % P->nf)) u[nl++] = j;
  if (!nl) { /* nothing to fix the pair's rows of L with: all of them is missed */
    for (PetscInt k = 2 * h * D; k < (2 * h + 2) * D; k++) *miss = PetscMax(*miss, PetscAbsReal(L[k]));
    PetscCall(PetscFree(u));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscCalloc4(size, &T[0], size, &T[1], size, &used[0], size, &used[1]));
  PetscCall(PetscCalloc3(nu, &B, nl * D * D, &M, nl * nl, &G));
  for (PetscInt c = 0; c < nl; c++) { /* column c of M: the entries of a unit coefficient of unknown u[c] */
    PetscCall(PetscArrayzero(B, nu));
    B[u[c]] = 1;
    PairLinearRows(s, P, h, B, T, used, M + c * D * D);
  }
  for (PetscInt a = 0; a < nl; a++) {
    PetscReal b = 0;
    for (PetscInt k = 2 * h * D; k < (2 * h + 2) * D; k++) b += M[a * D * D + k] * L[k];
    fixval[*nfix + a] = b;
    for (PetscInt c = 0; c < nl; c++)
      for (PetscInt k = 2 * h * D; k < (2 * h + 2) * D; k++) G[a * nl + c] += M[a * D * D + k] * M[c * D * D + k];
  }
  PetscCall(PetscBLASIntCast(nl, &bn));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, G, &bn, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "-drift_dissipative: the linear features of mode %" PetscInt_FMT " make dependent table entries (potrf info %d)", h, (int)info);
  PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bn, &bone, G, &bn, fixval + *nfix, &bn, &info));
  for (PetscInt k = 2 * h * D; k < (2 * h + 2) * D; k++) {
    PetscReal e = L[k];
    for (PetscInt c = 0; c < nl; c++) e -= M[c * D * D + k] * fixval[*nfix + c];
    *miss = PetscMax(*miss, PetscAbsReal(e));
  }
  for (PetscInt c = 0; c < nl; c++) fixcol[(*nfix)++] = first + u[c];
  PetscCall(PetscFree3(B, M, G));
  PetscCall(PetscFree4(T[0], T[1], used[0], used[1]));
  PetscCall(PetscFree(u));
  PetscFunctionReturn(0);
}

/* -drift_dissipative: the linear part L of the conservative pair drifts (PairLinear) with its symmetric part's
   eigenvalues above -margin lowered to -margin (L minus the excess's spectral part), as the pair drifts' linear
   unknowns to fix (PairLinearUnknowns), for ConservativePairs to refit the constant and Q under the conservation.
   With Q conservative, d|z|^2/dt = 2 z . c + 2 z . L z in the rate form: the conservative fit's L has growing
   directions (cases/kolmogorov-surrogate: about 5, up to 0.1 per time unit), which make the flow too energetic;
   the Navier-Stokes linear part, -nu |k|^2 - alpha, is dissipative. */
static PetscErrorCode DissipativeLinear(SNAPSSurrogate s, PetscInt npair, const PairFit P[], PetscReal margin, PetscInt *nfix, PetscInt **fixcol, PetscReal **fixval)
{
  const PetscInt D  = s->D;
  PetscInt       nu = 0, first = 0, npos = 0;
  PetscReal     *L, *S, *w, top, miss = 0, size = 0;

  PetscFunctionBegin;
  for (PetscInt h = 0; h < npair; h++) nu += 2 * P[h].nf;
  PetscCall(PetscMalloc3(D * D, &L, D * D, &S, D, &w));
  PetscCall(PairLinear(s, npair, P, L, S, w)); /* row k of S: the eigenvector of w[k] */
  top = D ? w[D - 1] : 0;
  for (PetscInt k = 0; k < D; k++) {
    const PetscReal e = w[k] + margin;
    if (w[k] > 0) npos++;
    if (e <= 0) continue;
    for (PetscInt i = 0; i < D; i++)
      for (PetscInt a = 0; a < D; a++) L[i * D + a] -= e * S[k * D + i] * S[k * D + a];
  }
  for (PetscInt k = 0; k < D * D; k++) size = PetscMax(size, PetscAbsReal(L[k]));
  PetscCall(PetscMalloc2(PetscMax(1, nu), fixcol, PetscMax(1, nu), fixval));
  *nfix = 0;
  for (PetscInt h = 0; h < npair; h++) {
    PetscCall(PairLinearUnknowns(s, &P[h], h, first, L, nfix, *fixcol, *fixval, &miss));
    first += 2 * P[h].nf;
  }
  PetscCall(PetscPrintf(s->comm, "snaps-rollout-fit: -drift_dissipative: the conservative fit's linear part has %" PetscInt_FMT " positive eigenvalues of its symmetric part (largest %.4g); those above %g lowered to it (the pair coefficients reproduce it to %.3g of its largest entry %.3g)\n", npos, (double)top, (double)(0 - margin), (double)miss, (double)size));
  PetscCheck(miss <= 1e-8 * size, s->comm, PETSC_ERR_PLIB, "-drift_dissipative: the projected linear part is not a combination of the pair drifts' linear features (misfit %g of %g)", (double)miss, (double)size);
  PetscCall(PetscFree3(L, S, w));
  PetscFunctionReturn(0);
}

/* -drift_conservative, and with -drift_dissipative the refit under a dissipative linear part (DissipativeLinear),
   reporting the largest eigenvalue of the symmetric part of the final linear part. */
static PetscErrorCode ConstrainedPairs(SNAPSSurrogate s, PetscInt npair, PairFit P[], const TrainOptions *o)
{
  const PetscInt D    = s->D;
  PetscInt       nfix = 0, *fixcol;
  PetscReal     *fixval, *L, *V, *w, top;

  PetscFunctionBegin;
  PetscCall(ConservativePairs(s, npair, P, 0, NULL, NULL));
  if (!o->dissipative) PetscFunctionReturn(0);
  PetscCall(DissipativeLinear(s, npair, P, o->dmargin, &nfix, &fixcol, &fixval));
  PetscCall(ConservativePairs(s, npair, P, nfix, fixcol, fixval));
  PetscCall(PetscMalloc3(D * D, &L, D * D, &V, PetscMax(D, 1), &w));
  PetscCall(PairLinear(s, npair, P, L, V, w));
  top = D ? w[D - 1] : 0; /* ascending */
  PetscCall(PetscPrintf(s->comm, "snaps-rollout-fit: -drift_dissipative: the refitted linear part's symmetric part has the largest eigenvalue %.4g\n", (double)top));
  {
    PetscReal big = 0;
    for (PetscInt k = 0; k < D * D; k++) big = PetscMax(big, PetscAbsReal(L[k]));
    if (top > -o->dmargin + 1e-8 * big) PetscCall(PetscFree3(L, V, w));
    PetscCheck(top <= -o->dmargin + 1e-8 * big, s->comm, PETSC_ERR_NOT_CONVERGED, "-drift_dissipative: the refitted linear part's symmetric part has the largest eigenvalue %g, not at most minus -drift_dissipative_margin %g (up to rounding of its largest entry %g): the constrained refit did not hold the linear part; a larger -drift_ridge may help", (double)top, (double)o->dmargin, (double)big);
  }
  PetscCall(PetscFree3(L, V, w));
  PetscCall(PetscFree2(fixcol, fixval));
  PetscFunctionReturn(0);
}

/* A standard normal value that depends only on (a, b, c): noisy copies are the same on any number of ranks. */
static PetscReal HashNormal(PetscInt a, PetscInt b, PetscInt c)
{
  unsigned long long z = 0x9E3779B97F4A7C15ULL * (unsigned long long)(a + 1) ^ 0xBF58476D1CE4E5B9ULL * (unsigned long long)(b + 1) ^ 0x94D049BB133111EBULL * (unsigned long long)(c + 1);
  PetscReal          u[2];

  for (int j = 0; j < 2; j++) { /* splitmix64 steps */
    unsigned long long x = (z += 0x9E3779B97F4A7C15ULL);
    x                    = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x                    = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    u[j]                 = ((PetscReal)((x ^ (x >> 31)) >> 11) + 0.5) * 0x1.0p-53;
  }
  return PetscSqrtReal(-2 * PetscLogReal(u[0])) * PetscCosReal(2 * PETSC_PI * u[1]); /* Box-Muller */
}

/* The propagator over dt of the linear part on Fourier coordinate i, exact for a perturbation small enough that the
   quadratic term does not couple it: KS, exp((q^2 - q^4) dt) with q = 2 pi k / L; Kolmogorov flow (vorticity),
   exp(-(nu |k|^2 + alpha) dt) on the 2 pi-periodic box, the viscous damping and the drag. For the rate form (whose
   target is y - x = dz/dt) it is 1 + the linear rate: a noisy copy's target then holds the rate of the noise. */
static PetscReal LinearPropagator(SNAPSSurrogate s, PetscInt i)
{
  PetscInt  kx, ky;
  PetscReal rate;

  SNAPSLatentFourierWavenumber(s->sdim, s->kmax, i, &kx, &ky);
  if (!strcmp(s->equation, "ks")) {
    const PetscReal q = 2 * PETSC_PI * kx / s->length;
    rate              = q * q - q * q * q * q;
  } else
    rate = -(s->nu * (kx * kx + ky * ky) + s->alpha);
  return s->rate ? 1 + rate : PetscExpReal(rate * s->dt);
}

/* The drift's training pairs: the n pairs and -drift_noise_copies copies whose inputs carry isotropic Gaussian noise
   xi of -drift_noise times the latent rms (na = n (1 + copies) rows in x and y). A copy's target is the clean
   z(t + dt) plus, with -drift_noise_target linear, the noise propagated by the linear part (exp(L dt) xi, of KS or
   of Kolmogorov flow: stiff modes damp it, KS's unstable ones grow it, as the dynamics would to first order). The noisy copies tell the map
   what to do off the data: without them the least-squares polynomial is free in the directions the data never
   visit (the slaved small scales are functions of the large ones) and rollouts blow up within a few steps. */
static PetscErrorCode NoisyPairs(SNAPSSurrogate s, PetscInt n, const PetscReal z0[], const PetscReal z1[], const TrainOptions *o, PetscInt *na, PetscReal **x, PetscReal **y)
{
  const PetscInt D = s->D, c = o->noise > 0 ? o->copies : 0;
  PetscInt       first = 0, N;
  PetscReal      ss    = 0, rms;

  PetscFunctionBegin;
  PetscCheck(!o->linear || !strcmp(s->equation, "ks") || !strcmp(s->equation, "kolmogorov"), s->comm, PETSC_ERR_SUP, "-drift_noise_target linear knows the linear parts of KS and Kolmogorov flow, but the trajectories solve '%s': use -drift_noise_target clean", s->equation);
  PetscCallMPI(MPI_Exscan(&n, &first, 1, MPIU_INT, MPI_SUM, s->comm));
  PetscCallMPI(MPI_Allreduce(&n, &N, 1, MPIU_INT, MPI_SUM, s->comm));
  for (PetscInt k = 0; k < n * D; k++) ss += z0[k] * z0[k];
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &ss, 1, MPIU_REAL, MPIU_SUM, s->comm));
  rms = PetscSqrtReal(ss / PetscMax(1, N * D));
  *na = n * (1 + c);
  PetscCall(PetscMalloc2(PetscMax(1, *na * D), x, PetscMax(1, *na * D), y));
  for (PetscInt r = 0; r <= c; r++)
    for (PetscInt k = 0; k < n; k++)
      for (PetscInt i = 0; i < D; i++) {
        const PetscReal xi        = r ? o->noise * rms * HashNormal(first + k, r, i) : 0;
        (*x)[(r * n + k) * D + i] = z0[k * D + i] + xi;
        (*y)[(r * n + k) * D + i] = z1[k * D + i] + (o->linear ? LinearPropagator(s, i) * xi : 0);
      }
  PetscFunctionReturn(0);
}

/* The polynomial drifts' over-parameterisation warning, in the words of the SNA drifts' and heads'
   (SNAWarnOverParameterisedValues()): what has nparams coefficients (monomials; a pair drift: the real and imaginary
   parts of its complex ones) fitted to values training values, per of them per pair (the noisy copies perturb the
   same pairs and add none). The ridge keeps the solve defined, but the polynomial can still reproduce the pairs and
   predict poorly. */
static PetscErrorCode WarnPolynomialOverParameterised(SNAPSSurrogate s, const char what[], PetscInt nparams, PetscInt pairs, PetscInt per, const char fewer[])
{
  char who[128], count[96], remedy[256];

  PetscFunctionBegin;
  if (pairs <= 0 || nparams <= pairs * per) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(who, sizeof(who), "snaps-rollout-fit: %s", what));
  PetscCall(PetscSNPrintf(count, sizeof(count), "%" PetscInt_FMT " samples x %" PetscInt_FMT " output%s", pairs, per, per > 1 ? "s" : ""));
  PetscCall(PetscSNPrintf(remedy, sizeof(remedy), "%s) or a larger -drift_ridge, or train it on more pairs (a smaller -train_stride, more -trajectories)", fewer));
  PetscCall(SNAWarnOverParameterisedValues(s->comm, who, "the polynomial", nparams, pairs * per, count, remedy));
  PetscFunctionReturn(0);
}

/* Drift i, fitted by MSE to z_i(t + dt) - z_i(t) given z(t) (z1: the end states; for -drift_form rate the states
   z(t) + dz/dt, so that the fits below fit the vector field): one SNA per coordinate, so each has its own modes.
   The default (-drift_fit polynomial) is the exact least-squares polynomial of PolynomialDrift: KS's vector field
   is quadratic, and its flow map over dt = 0.25 on 8 Fourier modes is fitted by cubic terms to 0.2% of the
   increment, where the SNA's own (nonconvex) fits of products of 16 factors stalled at 6% to 50% (cases/ks-surrogate
   README). With -drift_fit sna the SNA is fitted by its own fit (defaults: KHRONOS degree 2, 3 nodes: quadratic
   factors, 24 modes, ALS, 100 sweeps). */
/* its[i] and converged[i] (for -results): an SNA drift's fit; a polynomial drift is a direct solve (0, converged). */
static PetscErrorCode TrainDrift(SNAPSSurrogate s, PetscInt n, const PetscReal z0[], const PetscReal z1[], const TrainOptions *o, PetscReal err[], PetscReal its[], PetscBool converged[])
{
  PetscReal *dz, *x, *y;
  PetscInt   na = 0, npairs;
  PetscBool  pairs;
  PairFit   *fits = NULL;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(s->latent, "fourier", &pairs));
  pairs = (PetscBool)(pairs && o->poly && (s->sdim == 2 || o->pairs) && o->equivariant); /* polynomial drifts of 2-D Fourier latents, and 1-D with -drift_pairs: PairDrift, quadratic (-drift_fit sna fits its own SNAs, of no degree) */
  PetscCheck(pairs || !o->pairs, s->comm, PETSC_ERR_USER_INPUT, "-drift_pairs needs a Fourier latent and -drift_equivariant true (this latent is %s, -drift_equivariant %s): drop -drift_pairs", s->latent, PetscBools[o->equivariant]);
  PetscCheck(!pairs || o->degree == 2, s->comm, PETSC_ERR_SUP, "-drift_degree %" PetscInt_FMT ": the equivariant pair drift of a %s is quadratic (the %s is); give -drift_degree 2", o->degree, s->sdim == 2 ? "2-D Fourier latent" : "1-D Fourier latent (-drift_pairs)", s->sdim == 2 ? "vorticity equation" : "KS nonlinearity");
  PetscCheck(pairs || !o->conservative, s->comm, PETSC_ERR_USER_INPUT, "%s constrains the quadratic pair drift of a Fourier latent (2-D, or 1-D with -drift_pairs), but this drift is %s: drop %s", o->dissipative ? "-drift_dissipative" : "-drift_conservative", !o->poly ? "the SNA's own fit (-drift_fit sna)" : "a real polynomial over monomials", o->dissipative ? "-drift_dissipative" : "-drift_conservative");
  PetscCall(NoisyPairs(s, n, z0, z1, o, &na, &x, &y));
  PetscCallMPI(MPI_Allreduce(&n, &npairs, 1, MPIU_INT, MPI_SUM, s->comm)); /* the distinct pairs, not their noisy copies */
  PetscCall(PetscMalloc1(PetscMax(1, na), &dz));
  PetscCall(PetscCalloc1(s->D, &s->drift));
  if (pairs) PetscCall(PetscCalloc1(s->D / 2, &fits));
  for (PetscInt i = 0; i < s->D; i++) {
    char what[64];
    for (PetscInt k = 0; k < na; k++) dz[k] = y[k * s->D + i] - x[k * s->D + i];
    PetscCall(PetscSNPrintf(what, sizeof(what), "drift %" PetscInt_FMT " of %" PetscInt_FMT " (deterministic twin)", i, s->D));
    if (pairs) { /* all pairs fitted first: -drift_conservative refits them together */
      PetscCall(PairDrift(s, na, x, y, i / 2, o, o->conservative, &fits[i / 2]));
      i++;
      continue;
    }
    if (o->poly) {
      PetscReal rel = 0;
      PetscInt  modes;
      PetscCall(PolynomialDrift(s, na, x, dz, i, o, &rel, &s->drift[i]));
      err[i] = rel;
      PetscCall(SNAKhronosGetBasis(s->drift[i], NULL, NULL, &modes));
      PetscCall(PetscPrintf(s->comm, "snaps-rollout-fit: %s: polynomial of degree %" PetscInt_FMT " with %" PetscInt_FMT " monomials (KHRONOS modes), training relative error %.4g\n", what, o->degree, modes, (double)rel));
      PetscCall(WarnPolynomialOverParameterised(s, what, modes, npairs, 1, "a lower -drift_degree, or fewer -latent_modes"));
      continue;
    }
    PetscCall(CreateDriftSNA(s->comm, s->D, &s->drift[i]));
    PetscCall(FitRows(s->drift[i], what, na, 1 + (o->noise > 0 ? o->copies : 0), x, dz, &err[i], &its[i], &converged[i]));
  }
  PetscCall(PetscFree(dz));
  PetscCall(PetscFree2(x, y));
  if (pairs && o->conservative) PetscCall(ConstrainedPairs(s, s->D / 2, fits, o));
  for (PetscInt h = 0; pairs && h < s->D / 2; h++) {
    const PetscReal rel = fits[h].rel;
    const PetscInt  nu  = 2 * fits[h].nf; /* one complex fit for both coordinates: 2 nf real unknowns (PairDrift) */
    PetscInt        mc, ms;
    err[2 * h] = err[2 * h + 1] = rel; /* one fit of the complex mode: one error for both coordinates */
    PetscCall(PairSNAs(s, o, &fits[h], &s->drift[2 * h], &s->drift[2 * h + 1]));
    PetscCall(SNAKhronosGetBasis(s->drift[2 * h], NULL, NULL, &mc));
    PetscCall(SNAKhronosGetBasis(s->drift[2 * h + 1], NULL, NULL, &ms));
    PetscCall(PetscPrintf(s->comm, "snaps-rollout-fit: drift %" PetscInt_FMT " of %" PetscInt_FMT " (deterministic twin) and %" PetscInt_FMT ": equivariant quadratic of the complex mode, %" PetscInt_FMT " and %" PetscInt_FMT " monomials, training relative error %.4g%s\n", 2 * h, s->D, 2 * h + 1, mc, ms, (double)rel, o->conservative ? " (conservative)" : ""));
    {
      char what[96];

      /* its nu unknowns fit 2 values (the real and imaginary parts of the increment) per pair */
      PetscCall(PetscSNPrintf(what, sizeof(what), "drifts %" PetscInt_FMT " and %" PetscInt_FMT " of %" PetscInt_FMT " (deterministic twin)", 2 * h, 2 * h + 1, s->D));
      PetscCall(WarnPolynomialOverParameterised(s, what, nu, npairs, 2, "fewer -latent_modes: the pair drift is quadratic"));
    }
  }
  PetscCall(PetscFree(fits));
  PetscCall(SNAPSSurrogateQuadratic(s)); /* here, not at saving: the heads' residuals (DriftResiduals) then come from
                                            the one drift evaluation with -model alone and with -twin_model too */
  PetscFunctionReturn(0);
}

/* Quadratic drifts also as their table of monomials (SNAPSSurrogateQuadratic; read by SurrogateReadMonomials), so
   that rollouts load a few hundred kB instead of the drift SNAs' factors (168 MB for the Kolmogorov case). */
static PetscErrorCode WriteMonomials(SNAPSSurrogate s, hid_t g)
{
  PetscInt       nt;
  PetscReal     *rows;
  hsize_t        dims[2];
  PetscErrorCode ierr;

  PetscFunctionBegin;
  nt = s->qstart ? s->qstart[s->D] : 0;
  PetscCall(SNAHDF5WriteAttributeInt(g, "drift_monomials", nt));
  if (!nt) PetscFunctionReturn(0);
  dims[0] = 2;
  dims[1] = (hsize_t)s->D;
  PetscCall(SNAHDF5WriteArray(g, "drift_box", 2, dims, s->qlo)); /* qlo, qhi: one array of 2 D */
  PetscCall(PetscMalloc1(4 * nt, &rows));
  for (PetscInt i = 0; i < s->D; i++)
    for (PetscInt t = s->qstart[i]; t < s->qstart[i + 1]; t++) {
      rows[4 * t]     = (PetscReal)i;
      rows[4 * t + 1] = (PetscReal)s->qa[t];
      rows[4 * t + 2] = (PetscReal)s->qb[t];
      rows[4 * t + 3] = s->qcoef[t];
    }
  dims[0] = (hsize_t)nt;
  dims[1] = 4;
  ierr    = SNAHDF5WriteArray(g, "drift_monomials", 2, dims, rows); /* not PetscCall: rows is freed first */
  PetscCall(PetscFree(rows));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Rank 0 adds the /surrogate group (attributes, basis, mean, edges) to the open file. */
static PetscErrorCode WriteDescription(void *ctx, const char file[])
{
  SNAPSSurrogate s  = (SNAPSSurrogate)ctx;
  hid_t          h5 = H5Fopen(file, H5F_ACC_RDWR, H5P_DEFAULT), g;
  hsize_t        dims[2];

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
  PetscCall(SNAHDF5WriteAttributeReal(g, "nu", s->nu));
  PetscCall(SNAHDF5WriteAttributeReal(g, "alpha", s->alpha));
  PetscCall(SNAHDF5WriteAttributeInt(g, "forcing_wavenumber", s->forcing));
  PetscCall(SNAHDF5WriteAttributeReal(g, "forcing_amplitude", s->famp));
  PetscCall(SNAHDF5WriteAttributeString(g, "latent_basis", s->latent));
  PetscCall(SNAHDF5WriteAttributeReal(g, "latent_energy", s->energy));
  PetscCall(SNAHDF5WriteAttributeInt(g, "clamp", s->clamp));
  PetscCall(SNAHDF5WriteAttributeInt(g, "markov", s->head ? s->markov : 0)); /* the heads' flags: a twin has no heads */
  PetscCall(SNAHDF5WriteAttributeInt(g, "head_local", s->head ? s->local : 0));
  PetscCall(SNAHDF5WriteAttributeReal(g, "residual_scale", s->head ? s->rscale : 1));
  PetscCall(SNAHDF5WriteAttributeString(g, "drift_form", s->rate ? "rate" : "map"));
  PetscCall(SNAHDF5WriteAttributeInt(g, "drift_substeps", s->rate ? s->substeps : 1));
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
  PetscCall(WriteMonomials(s, g));
  H5Gclose(g);
  PetscCheck(H5Fclose(h5) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not close '%s'", file);
  PetscFunctionReturn(0);
}

/* An empty HDF5 file tmp (rank 0), for a model of no SNA groups, which WriteDescription then fills. */
static PetscErrorCode CreateEmpty(const char tmp[])
{
  hid_t h5;

  PetscFunctionBegin;
  PetscCall(SNAPSTemporaryCreate(tmp, NULL)); /* 0600, exclusive; a failure: H5Fcreate says so */
  h5 = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(h5 >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot create the temporary file '%s' of the surrogate model", tmp);
  PetscCheck(H5Fclose(h5) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not close '%s'", tmp);
  PetscFunctionReturn(0);
}

/* Writes the surrogate (kind as set; the heads only for categorical) to file, atomically: the groups go to a
   temporary file that is renamed at the end. Drifts stored as their table of monomials (WriteMonomials) are not
   also written as SNAs unless drift_snas (-save_drift_snas): rollouts never read them, and for the Kolmogorov case
   they were 168 MB of a model whose table is 1.8 MB. Collective. */
static PetscErrorCode SurrogateSave(SNAPSSurrogate s, const char file[], PetscBool drift_snas)
{
  char           tmp[PETSC_MAX_PATH_LEN];
  PetscMPIInt    rank;
  PetscErrorCode ierr   = 0;
  PetscBool      append = PETSC_FALSE; /* the first group written creates the file */

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCall(SNAPSTemporaryName(file, tmp, sizeof(tmp)));
  PetscCall(PetscStrlcat(tmp, ".surrogate", sizeof(tmp)));
  for (PetscInt i = 0; i < s->D; i++) {
    char group[64];
    if (!s->qstart || drift_snas) {
      PetscCall(PetscSNPrintf(group, sizeof(group), "/surrogate/drift%" PetscInt_FMT "/sna", i));
      PetscCall(SNASaveGroup(s->drift[i], tmp, group, append));
      append = PETSC_TRUE;
    }
    if (!s->head || strcmp(s->kind, "categorical")) continue;
    PetscCall(PetscSNPrintf(group, sizeof(group), "/surrogate/head%" PetscInt_FMT "/sna", i));
    PetscCall(SNASaveGroup(s->head[i], tmp, group, append));
    append = PETSC_TRUE;
  }
  if (!rank && !append) ierr = CreateEmpty(tmp);
  if (!rank && !ierr) ierr = SNAHDF5CommitLocal(WriteDescription, s, tmp, file);
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, s->comm));
  PetscCheck(!ierr, s->comm, PETSC_ERR_FILE_WRITE, "Could not write the surrogate model '%s' (see the message above); any existing file is unchanged", file);
  PetscCall(PetscPrintf(s->comm, "snaps-rollout-fit: %s surrogate written to %s\n", s->kind, file));
  PetscFunctionReturn(0);
}

/* The categorical heads' options (-bins, -head_stride, -bin_tail, -head_markov, -residual_scale, -head_local), checked; refused
   when no categorical model is trained (heads: whether -model names one), where they would do nothing. */
static PetscErrorCode HeadOptions(MPI_Comm comm, PetscBool heads, PetscBool help, TrainOptions *o)
{
  const char *names[] = {"-bins", "-head_stride", "-bin_tail", "-head_markov", "-residual_scale", "-head_local"};
  PetscBool   set[6];

  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "snaps-rollout-fit: the categorical heads (-model)", NULL);
  PetscCall(PetscOptionsInt(names[0], "Quantile bins per coordinate", NULL, o->q, &o->q, &set[0]));
  PetscCall(PetscOptionsInt(names[1], "Fit the heads on every s-th of the training pairs", NULL, o->head_stride, &o->head_stride, &set[1]));
  PetscCall(PetscOptionsReal(names[2], "The outer bin edges at the f and 1 - f quantiles", NULL, o->tail, &o->tail, &set[2]));
  PetscCall(PetscOptionsBool(names[3], "Heads also see the coordinate's drift residual of the step before", NULL, o->markov, &o->markov, &set[3]));
  PetscCall(PetscOptionsReal(names[4], "Rollouts add the drawn residuals times s (0: the deterministic twin)", NULL, o->rscale, &o->rscale, &set[4]));
  PetscCall(PetscOptionsBool(names[5], "Head i sees only its own latent pair (Fourier latents)", NULL, o->local, &o->local, &set[5]));
  PetscOptionsEnd();
  if (help) PetscFunctionReturn(0); /* a help run lists the options; it checks none of them */
  for (PetscInt k = 0; k < 6; k++) PetscCheck(heads || !set[k], comm, PETSC_ERR_USER_INPUT, "%s applies to the categorical heads, but only the deterministic twin is trained (-twin_model without -model): give -model or drop %s", names[k], names[k]);
  PetscCheck(o->q >= 2 && o->q <= 4096, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bins must be in [2, 4096], not %" PetscInt_FMT, o->q);
  PetscCheck(o->head_stride >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-head_stride must be at least 1, not %" PetscInt_FMT, o->head_stride);
  PetscCheck(o->tail >= 0 && o->tail < 0.5, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bin_tail must be in [0, 0.5), not %g", (double)o->tail);
  PetscCheck(o->rscale >= 0 && o->rscale <= 100, comm, PETSC_ERR_ARG_OUTOFRANGE, "-residual_scale must be in [0, 100] (1: the residuals as drawn, 0: the deterministic twin), not %g", (double)o->rscale);
  PetscFunctionReturn(0);
}

/* The drift's options (-drift_fit, -drift_degree, ...; see snaps-rollout-fit -help), checked. */
static PetscErrorCode DriftOptions(MPI_Comm comm, PetscBool help, TrainOptions *o)
{
  const char *fits[] = {"sna", "polynomial"}, *targets[] = {"clean", "linear"}, *forms[] = {"map", "rate"};
  const char *poly_only[] = {"-drift_degree", "-drift_ridge", "-drift_box_margin", "-drift_equivariant", "-drift_pairs"};
  PetscInt    fit = o->poly, target = o->linear, form = o->rate;
  PetscBool   set[5], substeps_set, cons_set, margin_set;

  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "snaps-rollout-fit: the drift", NULL);
  PetscCall(PetscOptionsEList("-drift_fit", "polynomial: least squares over monomials (default for Fourier latents); sna: the SNA's own fit (POD)", NULL, fits, 2, fits[fit], &fit, &o->fit_set));
  PetscCall(PetscOptionsEList("-drift_noise_target", "A noisy copy's target: the noise propagated by the linear part (Fourier latents) or the clean next state", NULL, targets, 2, targets[target], &target, &o->target_set));
  PetscCall(PetscOptionsEList("-drift_form", "map: the increment over -rollout_dt; rate: the vector field dz/dt, stepped by RK4", NULL, forms, 2, forms[form], &form, NULL));
  PetscCall(PetscOptionsInt("-drift_substeps", "Rate form: RK4 steps per -rollout_dt", NULL, o->substeps, &o->substeps, &substeps_set));
  PetscCall(PetscOptionsInt("-drift_degree", "Largest degree of the polynomial drift's monomials", NULL, o->degree, &o->degree, &set[0]));
  PetscCall(PetscOptionsBool("-drift_equivariant", "Only monomials that translations map like the output's Fourier mode", NULL, o->equivariant, &o->equivariant, &o->equivariant_set));
  PetscCall(PetscOptionsReal("-drift_ridge", "Ridge on the standardised monomials", NULL, o->ridge, &o->ridge, &set[1]));
  PetscCall(PetscOptionsReal("-drift_box_margin", "The polynomial SNAs' box: the training box widened by m widths each side", NULL, o->margin, &o->margin, &set[2]));
  PetscCall(PetscOptionsBool("-drift_pairs", "1-D Fourier latent: the complex quadratic pair drift", NULL, o->pairs, &o->pairs, &set[4]));
  PetscCall(PetscOptionsBool("-drift_conservative", "Pair drifts: the quadratic part conserves |z|^2", NULL, o->conservative, &o->conservative, &cons_set));
  PetscCall(PetscOptionsBool("-drift_dissipative", "-drift_conservative, and the linear part's symmetric part made negative semidefinite", NULL, o->dissipative, &o->dissipative, NULL));
  PetscCall(PetscOptionsReal("-drift_dissipative_margin", "The least damping rate of -drift_dissipative's linear part", NULL, o->dmargin, &o->dmargin, &margin_set));
  PetscCall(PetscOptionsReal("-drift_noise", "Noisy copies of the pairs: input noise e times the latent rms (0: none; default 0 on POD latents)", NULL, o->noise, &o->noise, &o->noise_set));
  PetscCall(PetscOptionsInt("-drift_noise_copies", "Noisy copies of every pair", NULL, o->copies, &o->copies, &o->copies_set));
  PetscOptionsEnd();
  if (help) PetscFunctionReturn(0); /* a help run lists the options; it checks none of them */
  o->rate = (PetscBool)(form == 1);
  PetscCheck(o->rate || !substeps_set, comm, PETSC_ERR_USER_INPUT, "-drift_substeps applies to the rate form (-drift_form rate), but the drift here is the map over -rollout_dt: give -drift_form rate or drop -drift_substeps");
  PetscCheck(o->substeps >= 1 && o->substeps <= 1000, comm, PETSC_ERR_ARG_OUTOFRANGE, "-drift_substeps must be in [1, 1000] (RK4 steps per -rollout_dt), not %" PetscInt_FMT, o->substeps);
  o->poly   = (PetscBool)(fit == 1);
  o->linear = (PetscBool)(target == 1);
  PetscCheck(o->dmargin >= 0 && !PetscIsInfOrNanReal(o->dmargin), comm, PETSC_ERR_ARG_OUTOFRANGE, "-drift_dissipative_margin must be nonnegative and finite (the least damping rate of the linear part), not %g", (double)o->dmargin);
  PetscCheck(!margin_set || o->dissipative, comm, PETSC_ERR_USER_INPUT, "-drift_dissipative_margin %g applies only with -drift_dissipative: add -drift_dissipative, or drop -drift_dissipative_margin", (double)o->dmargin);
  PetscCheck(!cons_set || o->conservative || !o->dissipative, comm, PETSC_ERR_USER_INPUT, "-drift_conservative false with -drift_dissipative: the dissipative fit is conservative (its linear part is refitted under the conservation); drop -drift_conservative false, or -drift_dissipative");
  if (o->dissipative) o->conservative = PETSC_TRUE; /* the dissipative linear part is refitted under the conservation */
  /* warned, not refused: the constraint is well defined on the map's quadratic part too, but there it does not
     make the rollout conserve |z|^2 (the map's step adds the linear part's terms to it) */
  if (o->conservative && !o->rate) PetscCall(PetscFPrintf(comm, PETSC_STDERR, "WARNING: %s constrains the quadratic part of the drift; with the map form (-drift_form map) the rollout does not conserve |z|^2 by it: -drift_form rate is the form it is made for\n", o->dissipative ? "-drift_dissipative" : "-drift_conservative"));
  set[3] = o->equivariant_set;
  if (set[4] && o->pairs && !set[0]) o->degree = 2; /* the pair drift is quadratic: -drift_pairs alone must not need -drift_degree 2 too */
  for (PetscInt k = 4; k >= 0; k--)
    if (set[k]) o->poly_option = poly_only[k];
  /* inf passes ">= 0": an infinite ridge fits a zero drift, an infinite noise or margin fails later with another message */
  PetscCheck(o->noise >= 0 && o->copies >= 0 && o->ridge >= 0 && o->margin >= 0 && !PetscIsInfOrNanReal(o->noise) && !PetscIsInfOrNanReal(o->ridge) && !PetscIsInfOrNanReal(o->margin), comm, PETSC_ERR_ARG_OUTOFRANGE, "-drift_noise (%g), -drift_noise_copies (%" PetscInt_FMT "), -drift_ridge (%g) and -drift_box_margin (%g) must be finite and nonnegative", (double)o->noise, o->copies, (double)o->ridge, (double)o->margin);
  PetscCheck(o->degree >= 1 && o->degree <= 7, comm, PETSC_ERR_ARG_OUTOFRANGE, "-drift_degree must be 1 to 7 (the KHRONOS spline degrees), not %" PetscInt_FMT, o->degree);
  PetscFunctionReturn(0);
}

/* The polynomial drift's symmetry rule (translations act on Fourier modes) and the noisy copies' linear target
   (the diagonal linear propagator) hold for the Fourier latents only: on a POD latent the default drift is the
   SNA's own fit on the clean pairs (no noisy copies unless -drift_noise is given; cases/kolmogorov-surrogate
   measured that first), and the Fourier-only options must not be asked for. */
static PetscErrorCode DriftForLatent(SNAPSSurrogate s, TrainOptions *o)
{
  PetscBool fourier;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(s->latent, "fourier", &fourier));
  PetscCheck(fourier || !o->pairs, s->comm, PETSC_ERR_USER_INPUT, "-drift_pairs drives complex Fourier modes, but this latent is %s: give -latent fourier or drop -drift_pairs", s->latent);
  if (!fourier) {
    if (!o->fit_set) o->poly = PETSC_FALSE;
    if (o->poly && !o->equivariant_set) o->equivariant = PETSC_FALSE;
    if (!o->target_set) o->linear = PETSC_FALSE;
    if (!o->noise_set) o->noise = 0;
    /* one check each: the message names only the option given (it named both, asking to drop one never given) */
    PetscCheck(!(o->poly && o->equivariant), s->comm, PETSC_ERR_USER_INPUT, "-drift_equivariant true assumes a Fourier latent (translations act on its modes), but this latent is %s: drop -drift_equivariant", s->latent);
    PetscCheck(!o->linear, s->comm, PETSC_ERR_USER_INPUT, "-drift_noise_target linear assumes a Fourier latent (the linear part's propagator of each mode), but this latent is %s: give -drift_noise_target clean, or drop it", s->latent);
  }
  if (o->noise == 0 && (o->copies_set || o->target_set)) { /* the noise's own options do nothing without noise (NoisyPairs makes no copy) */
    char given[64];

    if (o->copies_set)
      PetscCall(PetscSNPrintf(given, sizeof(given), "-drift_noise_copies %" PetscInt_FMT, o->copies));
    else
      PetscCall(PetscSNPrintf(given, sizeof(given), "-drift_noise_target %s", o->linear ? "linear" : "clean"));
    SETERRQ(s->comm, PETSC_ERR_USER_INPUT, "%s applies to the noisy copies of the drift's pairs, but the drift noise is 0 (-drift_noise 0%s): give -drift_noise e > 0, or drop %s", given, o->noise_set ? "" : ", the default on this latent", o->copies_set ? "-drift_noise_copies" : "-drift_noise_target");
  }
  /* NoisyPairs makes as many copies as asked: none would train without the noise asked for */
  PetscCheck(o->noise == 0 || o->copies >= 1, s->comm, PETSC_ERR_USER_INPUT, "-drift_noise %g%s makes noisy copies of the drift's pairs, but -drift_noise_copies is 0: give -drift_noise_copies 1 or more, or -drift_noise 0", (double)o->noise, o->noise_set ? "" : " (the default on this latent)");
  PetscCheck(o->poly || !o->poly_option, s->comm, PETSC_ERR_USER_INPUT, "%s applies to the polynomial drift (-drift_fit polynomial), but the drift here is the SNA's own fit (-drift_fit sna%s): drop %s, or give -drift_fit polynomial", o->poly_option, o->fit_set ? "" : ", the default on this latent", o->poly_option);
  s->clamp = (PetscBool)!o->poly; /* the SNA fit's drifts are constant beyond the training box, the polynomials are not */
  PetscFunctionReturn(0);
}

/* Local heads (-head_local) see a coordinate's (cos, sin) pair, a complex Fourier mode: pairs of POD coordinates
   are no such mode, and an odd POD latent size leaves the last coordinate without its pair. */
static PetscErrorCode HeadsForLatent(SNAPSSurrogate s, const TrainOptions *o)
{
  PetscBool fourier;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(s->latent, "fourier", &fourier));
  PetscCheck(fourier || !o->local, s->comm, PETSC_ERR_USER_INPUT, "-head_local gives each head its coordinate's complex Fourier mode (a pair of coordinates), but this latent is %s (%" PetscInt_FMT " coordinates): drop -head_local, or give -latent fourier", s->latent, s->D);
  PetscFunctionReturn(0);
}

/* The options the fits will read (the drift SNAs' with -drift_fit sna, the heads' with -model), read now on SNAs made
   as TrainDrift() and TrainHeads() make them: then SNAPSOptionsWarnUnusedEarly() can report the rest before the fits. */
static PetscErrorCode ReadFitOptions(SNAPSSurrogate s, PetscBool heads, const TrainOptions *o)
{
  SNA sna;

  PetscFunctionBegin;
  if (!o->poly) {
    PetscCall(CreateDriftSNA(s->comm, s->D, &sna));
    PetscCall(SNAReadFitOptions(sna));
    PetscCall(SNADestroy(&sna));
  }
  if (heads) {
    const PetscBool markov = s->markov, local = s->local;

    s->markov = o->markov; /* the heads' inputs (SNAPSSurrogateHeadInputs) depend on these; TrainHeads sets them */
    s->local  = o->local;
    PetscCall(CreateHeadSNA(s->comm, SNAPSSurrogateHeadInputs(s, 0), s->q, &sna));
    PetscCall(SNAReadFitOptions(sna));
    PetscCall(SNADestroy(&sna));
    s->markov = markov; /* not left set: the twin, saved before the heads are fitted, has no heads to be Markov or local */
    s->local  = local;
  }
  PetscFunctionReturn(0);
}

/* What the fits of SNAPSSurrogateTrain() gave, per latent coordinate and in all, for its report and its closing line. */
typedef struct {
  PetscReal     *drift_err, *head_loss, *drift_its, *head_its;
  PetscBool     *drift_conv, *head_conv;
  PetscInt       drift_bad, head_bad, error_bad[2]; /* not converged: drifts, heads; of those, the ones whose SNAs ask for an error */
  PetscLogDouble drift_time, head_time;
} TrainResults;

/* The training's own options (-latent_modes, -train_stride, -rollout_dt, -save_drift_snas), then the heads' and the
   drifts' (under -help the latent's too, listed here, read where the latent is made). */
static PetscErrorCode TrainingOptions(MPI_Comm comm, const char cat[], const char det[], PetscBool help, TrainOptions *o, PetscBool *drift_snas, PetscBool *dt_set)
{
  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "snaps-rollout-fit: training", NULL);
  PetscCall(PetscOptionsInt("-latent_modes", "Fourier or POD modes kept", NULL, o->r, &o->r, NULL));
  PetscCall(PetscOptionsInt("-train_stride", "Use every s-th pair", NULL, o->stride, &o->stride, NULL));
  PetscCall(PetscOptionsReal("-rollout_dt", "Surrogate step, a multiple of the trajectories' spacing (default: the spacing)", NULL, o->dt, &o->dt, dt_set));
  PetscCall(PetscOptionsBool("-save_drift_snas", "Also write quadratic drifts as SNAs beside their table of monomials", NULL, *drift_snas, drift_snas, NULL));
  PetscOptionsEnd();
  /* first: the heads' and drifts' option checks below say which model an option belongs to */
  PetscCheck(help || (cat && cat[0]) || (det && det[0]), comm, PETSC_ERR_ARG_WRONG, "Name an output: -model (categorical) or -twin_model (deterministic)");
  if (help) PetscCall(SNAPSSurrogateLatentOptions(comm, NULL, NULL, NULL)); /* listed; read where the latent is made */
  PetscCall(HeadOptions(comm, (PetscBool)(cat && cat[0]), help, o));
  PetscCall(DriftOptions(comm, help, o));
  PetscFunctionReturn(0);
}

/* Under -help: the SNAs' options too (a drift's and a head's, as training creates them). */
static PetscErrorCode ListSNAOptions(MPI_Comm comm, const TrainOptions *o)
{
  SNA sna;

  PetscFunctionBegin;
  PetscCall(CreateDriftSNA(comm, 1, &sna));
  PetscCall(SNADestroy(&sna));
  PetscCall(CreateHeadSNA(comm, 1, o->q, &sna));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* The checks of the training's options that need no data. */
static PetscErrorCode CheckTrainingOptions(MPI_Comm comm, const TrainOptions *o, PetscBool dt_set, PetscBool drift_snas)
{
  PetscFunctionBegin;
  /* a divisor and a loop step (PairStarts): 0 would divide by zero, a negative stride would select no pair */
  PetscCheck(o->stride >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-train_stride %" PetscInt_FMT ": must be at least 1 (use every s-th pair)", o->stride);
  PetscCheck(!dt_set || o->dt > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-rollout_dt must be positive (a multiple of the trajectories' saved-time spacing), not %g: give a positive step, or drop -rollout_dt for the spacing itself", (double)o->dt);
  /* before any fit where the options tell (a drift of SNAs, or a polynomial of degree 3 or more); after the fit
     where only the fitted drift does (its box) */
  if (drift_snas && !(o->poly && o->degree <= 2)) {
    char what[64];

    PetscCall(PetscSNPrintf(what, sizeof(what), o->poly ? "-drift_degree %" PetscInt_FMT : "-drift_fit sna", o->degree));
    SETERRQ(comm, PETSC_ERR_USER_INPUT, "-save_drift_snas writes quadratic drifts as SNAs beside their table of monomials, but this drift (%s) is not quadratic (it is written as SNAs anyway): drop -save_drift_snas", what);
  }
  PetscFunctionReturn(0);
}

/* The surrogate, its training pairs and its models' set-up, every option read: a misspelt one is reported here, before
   the fits, which take minutes in the cases, not only at PetscFinalize. */
static PetscErrorCode SetUpSurrogate(MPI_Comm comm, PetscInt nfiles, const char *const files[], PetscBool heads, TrainOptions *o, SNAPSSurrogate *surrogate, PetscInt *n, PetscReal **z0, PetscReal **z1, PetscReal **zm, PetscBool **prev, PetscReal **zr)
{
  SNAPSSurrogate s;
  PetscInt       lag = 1;

  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  s->comm = comm;
  s->q    = o->q;
  s->simd = PETSC_TRUE; /* the heads' residuals by the drift's AVX2 kernel where the CPU has it: the same bits */
  PetscCall(LoadPairs(s, nfiles, files, o, n, z0, z1, zm, prev, zr, &lag));
  PetscCall(DriftForLatent(s, o));
  PetscCall(HeadsForLatent(s, o));
  if (heads) PetscCall(CheckHeadPairs(s, *n, *prev, o, lag));
  /* every option is read by now (the program's, the latent's, the training's, the SNAs') */
  PetscCall(ReadFitOptions(s, heads, o));
  PetscCall(SNAPSOptionsWarnUnusedEarly(comm));
  s->rate     = o->rate; /* before the fit: the noisy copies' targets (LinearPropagator) and the heads' residuals use it */
  s->substeps = o->substeps;
  *surrogate  = s;
  PetscFunctionReturn(0);
}

static PetscErrorCode TrainResultsCreate(PetscInt D, TrainResults *r)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(r, sizeof(*r)));
  PetscCall(PetscCalloc2(D, &r->drift_err, D, &r->head_loss));
  PetscCall(PetscCalloc4(D, &r->drift_its, D, &r->head_its, D, &r->drift_conv, D, &r->head_conv));
  for (PetscInt i = 0; i < D; i++) r->drift_conv[i] = r->head_conv[i] = PETSC_TRUE; /* direct solves: a fit sets its own */
  PetscFunctionReturn(0);
}

static PetscErrorCode TrainResultsDestroy(TrainResults *r)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(r->drift_err, r->head_loss));
  PetscCall(PetscFree4(r->drift_its, r->head_its, r->drift_conv, r->head_conv));
  PetscFunctionReturn(0);
}

/* The drift's fit, timed, then the deterministic twin written to det (NULL or empty: none). */
static PetscErrorCode FitDriftAndSave(SNAPSSurrogate s, PetscInt n, const PetscReal z0[], const PetscReal z1[], PetscReal **zr, const TrainOptions *o, PetscBool drift_snas, const char det[], TrainResults *r)
{
  PetscLogDouble t1, t2;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t1));
  PetscCall(PetscLogEventBegin(SNA_SurrogateDrift, 0, 0, 0, 0));                                     /* with -drift_fit sna, its SNAFit events inside */
  PetscCall(TrainDrift(s, n, z0, o->rate ? *zr : z1, o, r->drift_err, r->drift_its, r->drift_conv)); /* the rate form's targets as end states: y - x = dz/dt */
  PetscCall(PetscLogEventEnd(SNA_SurrogateDrift, 0, 0, 0, 0));
  PetscCall(PetscTime(&t2));
  r->drift_time = t2 - t1;
  PetscCall(PetscFree(*zr));
  PetscCheck(!drift_snas || s->qstart, s->comm, PETSC_ERR_USER_INPUT, "-save_drift_snas writes quadratic drifts as SNAs beside their table of monomials, but this drift is not quadratic (it is written as SNAs anyway): drop -save_drift_snas");
  if (det && det[0]) {
    PetscCall(PetscStrncpy(s->kind, "deterministic", sizeof(s->kind)));
    PetscCall(SurrogateSave(s, det, drift_snas));
  }
  PetscFunctionReturn(0);
}

/* The heads' fit, timed, then the categorical model written to cat. */
static PetscErrorCode FitHeadsAndSave(SNAPSSurrogate s, PetscInt n, const PetscReal z0[], const PetscReal z1[], const PetscReal zm[], const PetscBool prev[], const TrainOptions *o, PetscBool drift_snas, const char cat[], TrainResults *r)
{
  PetscLogDouble h0, h1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&h0));
  PetscCall(TrainHeads(s, n, z0, z1, zm, prev, o, r->head_loss, r->head_its, r->head_conv));
  PetscCall(PetscTime(&h1));
  r->head_time = h1 - h0;
  PetscCall(PetscStrncpy(s->kind, "categorical", sizeof(s->kind)));
  PetscCall(SurrogateSave(s, cat, drift_snas));
  PetscFunctionReturn(0);
}

/* The fits that did not converge, and of those the ones whose SNAs ask for an error (a polynomial drift is a direct
   solve, converged). */
static PetscErrorCode CountNotConverged(SNAPSSurrogate s, TrainResults *r)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < s->D; i++) {
    PetscBool errorif;

    r->drift_bad += !r->drift_conv[i];
    r->head_bad += !r->head_conv[i];
    if (!r->drift_conv[i]) {
      PetscCall(SNAGetErrorIfNotConverged(s->drift[i], &errorif));
      r->error_bad[0] += errorif;
    }
    if (!r->head_conv[i]) {
      PetscCall(SNAGetErrorIfNotConverged(s->head[i], &errorif));
      r->error_bad[1] += errorif;
    }
  }
  PetscFunctionReturn(0);
}

/* The figures of the fit into report (see SNAPSSurrogateTrain()), but for train_time_s. */
static PetscErrorCode ReportFits(SNAPSSurrogate s, PetscInt n, const TrainOptions *o, PetscBool heads, const TrainResults *r, SNAPSReport report)
{
  PetscInt  pairs = 0;
  PetscReal dt    = s->dt;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&n, &pairs, 1, MPIU_INT, MPI_SUM, s->comm));
  PetscCall(SNAPSReportSetString(report, "latent", s->latent));
  PetscCall(SNAPSReportSetInt(report, "latent_size", s->D));
  PetscCall(SNAPSReportSetInt(report, "latent_modes", o->r));
  PetscCall(SNAPSReportSetInt(report, "pairs", pairs));
  PetscCall(SNAPSReportSetReal(report, "rollout_dt", dt));
  PetscCall(SNAPSReportSetString(report, "drift_fit", o->poly ? "polynomial" : "sna"));
  PetscCall(SNAPSReportSetString(report, "drift_form", o->rate ? "rate" : "map"));
  PetscCall(SNAPSReportSetString(report, "drift_train_error_kind", o->poly ? "relative_error" : "mse"));
  PetscCall(SNAPSReportSetRealArray(report, "drift_train_error", s->D, r->drift_err));
  PetscCall(SNAPSReportSetRealArray(report, "drift_iterations", s->D, r->drift_its));
  PetscCall(SNAPSReportSetInt(report, "drifts_not_converged", r->drift_bad));
  PetscCall(SNAPSReportSetReal(report, "drift_fit_time_s", (PetscReal)r->drift_time));
  if (heads) {
    PetscCall(SNAPSReportSetInt(report, "bins", s->q));
    PetscCall(SNAPSReportSetRealArray(report, "head_train_cross_entropy", s->D, r->head_loss));
    PetscCall(SNAPSReportSetRealArray(report, "head_iterations", s->D, r->head_its));
    PetscCall(SNAPSReportSetInt(report, "heads_not_converged", r->head_bad));
    PetscCall(SNAPSReportSetReal(report, "head_fit_time_s", (PetscReal)r->head_time));
  }
  PetscFunctionReturn(0);
}

/* The per-fit lines scroll by: one line at the end says a cap was hit (an iteration cap is not convergence). */
static PetscErrorCode PrintNotConverged(MPI_Comm comm, PetscInt D, PetscInt drift_bad, PetscInt head_bad)
{
  char line[512] = "";

  PetscFunctionBegin;
  if (!drift_bad && !head_bad) PetscFunctionReturn(0);
  if (head_bad) PetscCall(PetscSNPrintf(line, sizeof(line), "%" PetscInt_FMT " of %" PetscInt_FMT " head fits did not converge (raise -head_sna_fit_max_it; see the heads' lines above)", head_bad, D));
  if (drift_bad) {
    char more[256];
    PetscCall(PetscSNPrintf(more, sizeof(more), "%s%" PetscInt_FMT " of %" PetscInt_FMT " drift fits did not converge (raise -drift_sna_fit_max_it; see the drifts' lines above)", head_bad ? "; " : "", drift_bad, D));
    PetscCall(PetscStrlcat(line, more, sizeof(line)));
  }
  PetscCall(PetscPrintf(comm, "snaps-rollout-fit: %s\n", line));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSSurrogateCheckConverged - Raises PETSC_ERR_NOT_CONVERGED when fits counted by SNAPSSurrogateTrain() (errors:
  drift fits, head fits) did not converge under their -drift_/-head_sna_fit_error_if_not_converged, naming those options
  and the models written (cat, det; either may be NULL or empty). Collective.

  Level: developer

.seealso: SNAPSSurrogateTrain()
@*/
PetscErrorCode SNAPSSurrogateCheckConverged(MPI_Comm comm, const PetscInt errors[2], const char cat[], const char det[])
{
  PetscFunctionBegin;
  PetscCheck(!errors[0] && !errors[1], comm, PETSC_ERR_NOT_CONVERGED, "%" PetscInt_FMT " fit(s) did not converge under %s%s%s (see the line above); the models were written (their best iterates):%s%s%s%s", errors[0] + errors[1], errors[0] ? "-drift_sna_fit_error_if_not_converged" : "", errors[0] && errors[1] ? " and " : "", errors[1] ? "-head_sna_fit_error_if_not_converged" : "", cat && cat[0] ? " " : "", cat && cat[0] ? cat : "", det && det[0] ? " " : "", det && det[0] ? det : "");
  PetscFunctionReturn(0);
}

/*@C
  SNAPSSurrogateTrain - Trains rollout surrogates from solver trajectories: the drift (deterministic twin) and, when
  cat is given (-model), the categorical heads

  Collective

  Input Parameters:
+ comm   - the ranks of the run
. nfiles - the number of trajectory files
. files  - the trajectory files (SNAPSTrajectoryLoad())
. cat    - the file of the categorical model (NULL or empty: no heads trained)
. det    - the file of the deterministic twin (NULL or empty: not written)
- report - the results report that gets the figures of the fit (NULL: none)

  Output Parameter:
. errors - the fits that did not converge although their SNAs ask for an error then: errors[0] drifts, errors[1]
           heads, for the caller to raise by SNAPSSurrogateCheckConverged() once it has written its report; with errors
           NULL it raises that error itself, after writing the models

  Notes:
  Under -help it lists its options (and a drift's and a head's SNA options) and trains nothing. A file named twice in
  files (under any spelling) is refused; a surrogate's rollout (a trajectory written with -stepper sna) is trained on
  with a warning, as its dynamics are that surrogate's, not the system's.

  Once the trajectories are read and every option of the training is read (the SNAs' too), and before the fits, it
  warns about the options that no one read (SNAPSOptionsWarnUnusedEarly()): the caller reads its own options first.

  The report's figures: latent, latent_size, latent_modes, pairs, rollout_dt, drift_fit, drift_form, drift_train_error
  (per latent coordinate: the relative error of a polynomial drift, the training MSE of an SNA drift:
  drift_train_error_kind says which), drift_iterations (per coordinate: an SNA drift's iterations, 0 for a polynomial
  drift, a direct solve), drifts_not_converged (SNA drift fits that stopped at -drift_sna_fit_max_it or failed),
  head_train_cross_entropy, head_iterations and heads_not_converged (the same for the heads, with -model), and the
  times drift_fit_time_s, head_fit_time_s and train_time_s. When some fits did not converge it prints one line saying
  how many, after the fits. The fits counted into errors are those of SNAs with -head_sna_fit_error_if_not_converged
  or -drift_sna_fit_error_if_not_converged.

  Level: developer

.seealso: SNAPSSurrogateCheckConverged(), SNAPSTrajectoryLoad(), SNAPSReportCreate()
@*/
PetscErrorCode SNAPSSurrogateTrain(MPI_Comm comm, PetscInt nfiles, const char *const files[], const char cat[], const char det[], SNAPSReport report, PetscInt errors[2])
{
  SNAPSSurrogate s;
  TrainOptions   o          = {8, 16, 1, 1, 0, 1e-3, PETSC_TRUE, 3, PETSC_TRUE, 1e-8, 1, 0.001, 2, PETSC_TRUE, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, 1, NULL, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, 1, PETSC_FALSE, PETSC_FALSE, 0};
  PetscBool      drift_snas = PETSC_FALSE, dt_set, help, heads = (PetscBool)(cat && cat[0]);
  PetscInt       n = 0;
  PetscReal     *z0, *z1, *zm, *zr;
  PetscBool     *prev;
  TrainResults   r;
  PetscLogDouble t0;

  PetscFunctionBegin;
  PetscCall(SNAInitializePackage()); /* the events */
  PetscCall(PetscTime(&t0));
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  PetscCall(TrainingOptions(comm, cat, det, help, &o, &drift_snas, &dt_set));
  if (help) { /* the SNAs' options too, then no training */
    PetscCall(ListSNAOptions(comm, &o));
    PetscFunctionReturn(0);
  }
  PetscCall(CheckTrainingOptions(comm, &o, dt_set, drift_snas));
  PetscCall(SetUpSurrogate(comm, nfiles, files, heads, &o, &s, &n, &z0, &z1, &zm, &prev, &zr));
  PetscCall(TrainResultsCreate(s->D, &r));
  PetscCall(FitDriftAndSave(s, n, z0, z1, &zr, &o, drift_snas, det, &r));
  if (heads) PetscCall(FitHeadsAndSave(s, n, z0, z1, zm, prev, &o, drift_snas, cat, &r));
  PetscCall(CountNotConverged(s, &r));
  if (report) PetscCall(ReportFits(s, n, &o, heads, &r, report));
  PetscCall(TrainResultsDestroy(&r));
  if (report) {
    PetscLogDouble t4;

    PetscCall(PetscTime(&t4));
    PetscCall(SNAPSReportSetReal(report, "train_time_s", (PetscReal)(t4 - t0)));
  }
  PetscCall(PetscFree2(z0, z1));
  PetscCall(PetscFree2(zm, prev));
  PetscCall(PrintNotConverged(comm, s->D, r.drift_bad, r.head_bad));
  PetscCall(SNAPSSurrogateDestroy(&s));
  if (errors) {
    errors[0] = r.error_bad[0];
    errors[1] = r.error_bad[1];
  } else
    PetscCall(SNAPSSurrogateCheckConverged(comm, r.error_bad, cat, det));
  PetscFunctionReturn(0);
}
