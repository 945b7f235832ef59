/* 2-D Kolmogorov flow as a FlowProblem (see kolmogorov.h). Every member is spread over all ranks: rank p
   owns the rows [start, start + local_n) of the N x N grid (y slow, x fast), FFTW-MPI's slab layout. */
#include "kolmogorov.h"
#define FFTW_NO_Complex /* fftw_complex as double[2], whatever complex.h the headers pulled in */
#include <fftw3-mpi.h>

struct _n_Kolmogorov {
  MPI_Comm      comm;
  PetscInt      N, nh;     /* grid points per direction; complex columns of the real FFT (N/2 + 1) */
  ptrdiff_t     ln, start; /* this rank's rows */
  PetscReal     nu, Re, alpha, famp;
  PetscInt      nf;                        /* forcing wavenumber n */
  double       *rin;                       /* padded real array: ln x 2 nh */
  fftw_complex *cout, *cin;                /* ln x nh */
  fftw_complex *W, *F;                     /* the state's and the forcing's spectra */
  double       *phys[4];                   /* u, v, w_x, w_y on this rank's rows (ln x N) */
  double       *forcing;                   /* A n cos(n y) on this rank's rows */
  PetscInt      nc;                        /* this rank's Fourier coefficients: kx rows [startT, startT + lnT) x all N ky */
  ptrdiff_t     lnT, startT;               /* (transposed spectral layout: one transpose per transform, not two) */
  PetscReal    *kx, *ky, *k2, *mask, *wgt; /* per coefficient: derivative wavenumbers (0 at Nyquist), |k|^2, 2/3-rule mask,
                                              Parseval weight of the half spectrum */
  fftw_plan fwd, bwd;                      /* rin -> cout; cin -> rin */
  char      init[16];
  PetscReal init_amp;
};

/* Copies this rank's rows of y (or of a plain array) into the padded real array and transforms it. */
static void ForwardArray(Kolmogorov kf, const PetscScalar a[])
{
  for (ptrdiff_t j = 0; j < kf->ln; j++)
    for (PetscInt i = 0; i < kf->N; i++) kf->rin[j * 2 * kf->nh + i] = a[j * kf->N + i];
  fftw_execute(kf->fwd);
}

static PetscErrorCode Forward(Kolmogorov kf, Vec y)
{
  const PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(y, &a));
  ForwardArray(kf, a);
  PetscCall(VecRestoreArrayRead(y, &a));
  PetscFunctionReturn(0);
}

/* out = IFFT(cin) on this rank's rows (normalised). */
static void BackwardArray(Kolmogorov kf, PetscScalar out[])
{
  double s = 1.0 / ((double)kf->N * kf->N);

  fftw_execute(kf->bwd);
  for (ptrdiff_t j = 0; j < kf->ln; j++)
    for (PetscInt i = 0; i < kf->N; i++) out[j * kf->N + i] = s * kf->rin[j * 2 * kf->nh + i];
}

/* cin = (cr + i ci) * src, coefficient by coefficient (factors per coefficient index c). */
#define SPECTRAL_LOOP(...) \
  for (PetscInt c = 0; c < kf->nc; c++) { __VA_ARGS__ }

/* f = -(u w_x + v w_y) + forcing, with the fields and the product truncated by the 2/3 rule. */
static PetscErrorCode KolExplicit(void *ctx, PetscReal t, Vec y, Vec f)
{
  Kolmogorov   kf = (Kolmogorov)ctx;
  PetscScalar *a;

  PetscFunctionBegin;
  (void)t;
  PetscCall(Forward(kf, y));
  SPECTRAL_LOOP(kf->W[c][0] = kf->mask[c] * kf->cout[c][0]; kf->W[c][1] = kf->mask[c] * kf->cout[c][1];)
  for (int q = 0; q < 4; q++) {
    /* i k_q times psi (u, v) or w (w_x, w_y): u = i ky psi, v = -i kx psi, w_x = i kx w, w_y = i ky w */
    SPECTRAL_LOOP({
      PetscReal ipsi = kf->k2[c] > 0 ? 1 / kf->k2[c] : 0, s;
      switch (q) {
      case 0:
        s = kf->ky[c] * ipsi;
        break;
      case 1:
        s = -kf->kx[c] * ipsi;
        break;
      case 2:
        s = kf->kx[c];
        break;
      default:
        s = kf->ky[c];
      }
      kf->cin[c][0] = -s * kf->W[c][1];
      kf->cin[c][1] = s * kf->W[c][0];
    })
    BackwardArray(kf, kf->phys[q]);
  }
  for (ptrdiff_t p = 0; p < kf->ln * kf->N; p++) kf->phys[0][p] = -(kf->phys[0][p] * kf->phys[2][p] + kf->phys[1][p] * kf->phys[3][p]);
  ForwardArray(kf, kf->phys[0]);
  SPECTRAL_LOOP(kf->cin[c][0] = kf->mask[c] * kf->cout[c][0]; kf->cin[c][1] = kf->mask[c] * kf->cout[c][1];)
  PetscCall(VecGetArrayWrite(f, &a));
  BackwardArray(kf, a);
  for (ptrdiff_t p = 0; p < kf->ln * kf->N; p++) a[p] += kf->forcing[p];
  PetscCall(VecRestoreArrayWrite(f, &a));
  PetscFunctionReturn(0);
}

/* The symbol of the linear part, -nu |k|^2 - alpha. */
static inline PetscReal Symbol(Kolmogorov kf, PetscInt c)
{
  return -kf->nu * kf->k2[c] - kf->alpha;
}

static PetscErrorCode KolLinearApply(void *ctx, Vec y, Vec f)
{
  Kolmogorov   kf = (Kolmogorov)ctx;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(Forward(kf, y));
  SPECTRAL_LOOP(kf->cin[c][0] = Symbol(kf, c) * kf->cout[c][0]; kf->cin[c][1] = Symbol(kf, c) * kf->cout[c][1];)
  PetscCall(VecGetArrayWrite(f, &a));
  BackwardArray(kf, a);
  PetscCall(VecRestoreArrayWrite(f, &a));
  PetscFunctionReturn(0);
}

static PetscErrorCode KolLinearSolve(void *ctx, PetscReal gamma, Vec b, Vec x)
{
  Kolmogorov   kf = (Kolmogorov)ctx;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(Forward(kf, b));
  SPECTRAL_LOOP({
    PetscReal s   = 1 / (1 - gamma * Symbol(kf, c));
    kf->cin[c][0] = s * kf->cout[c][0];
    kf->cin[c][1] = s * kf->cout[c][1];
  })
  PetscCall(VecGetArrayWrite(x, &a));
  BackwardArray(kf, a);
  PetscCall(VecRestoreArrayWrite(x, &a));
  PetscFunctionReturn(0);
}

/* energy <|u|^2>/2, enstrophy <w^2>/2, dissipation 2 nu enstrophy (viscous), energy_input <psi F>, by
   Parseval over the half spectrum (the columns 0 < kx < N/2 stand for two coefficients). */
static PetscErrorCode KolDiagnostics(void *ctx, Vec y, PetscReal d[])
{
  Kolmogorov kf   = (Kolmogorov)ctx;
  PetscReal  s[3] = {0, 0, 0}, all[3], n4 = (PetscReal)kf->N * kf->N * kf->N * kf->N;

  PetscFunctionBegin;
  PetscCall(Forward(kf, y));
  SPECTRAL_LOOP({
    PetscReal wgt = kf->wgt[c], w2 = kf->cout[c][0] * kf->cout[c][0] + kf->cout[c][1] * kf->cout[c][1];
    if (kf->k2[c] > 0) {
      s[0] += wgt * w2 / kf->k2[c];
      s[2] += wgt * (kf->cout[c][0] * kf->F[c][0] + kf->cout[c][1] * kf->F[c][1]) / kf->k2[c];
    }
    s[1] += wgt * w2;
  })
  PetscCallMPI(MPI_Allreduce(s, all, 3, MPIU_REAL, MPI_SUM, kf->comm));
  d[0] = 0.5 * all[0] / n4;
  d[1] = 0.5 * all[1] / n4;
  d[2] = 2 * kf->nu * d[1];
  d[3] = all[2] / n4;
  PetscFunctionReturn(0);
}

static PetscErrorCode KolCreateVec(void *ctx, Vec *y)
{
  Kolmogorov kf = (Kolmogorov)ctx;

  PetscFunctionBegin;
  PetscCall(VecCreateMPI(kf->comm, (PetscInt)kf->ln * kf->N, kf->N * kf->N, y));
  PetscFunctionReturn(0);
}

/* random: amplitude times a sum of the Fourier modes |kx|, |ky| <= 4 with coefficients uniform in [-1, 1]
   drawn from (seed, member) (the same on every rank and for every rank count); taylor-green:
   amplitude * 2 cos x cos y, whose exact evolution without forcing and drag is exp(-2 nu t) times it. */
static PetscErrorCode KolInitial(void *ctx, PetscInt member, PetscInt seed, Vec y)
{
  Kolmogorov   kf = (Kolmogorov)ctx;
  PetscScalar *a;
  PetscReal    h = 2 * PETSC_PI / kf->N;

  PetscFunctionBegin;
  PetscCall(VecGetArrayWrite(y, &a));
  if (!strcmp(kf->init, "taylor-green")) {
    for (ptrdiff_t j = 0; j < kf->ln; j++)
      for (PetscInt i = 0; i < kf->N; i++) a[j * kf->N + i] = kf->init_amp * 2 * PetscCosReal(i * h) * PetscCosReal((kf->start + j) * h);
  } else {
    PetscRandom rnd;
    PetscReal   c[9][9][2];
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
    PetscCall(PetscRandomSetInterval(rnd, -1, 1));
    PetscCall(PetscRandomSetSeed(rnd, FlowSeed(1000003, seed, member)));
    PetscCall(PetscRandomSeed(rnd));
    for (int p = 0; p < 9; p++)
      for (int q = 0; q < 9; q++)
        for (int r = 0; r < 2; r++) PetscCall(PetscRandomGetValueReal(rnd, &c[p][q][r]));
    PetscCall(PetscRandomDestroy(&rnd));
    for (ptrdiff_t j = 0; j < kf->ln; j++)
      for (PetscInt i = 0; i < kf->N; i++) {
        PetscReal x = i * h, yy = (kf->start + j) * h, w = 0;
        for (int p = 0; p < 9; p++)
          for (int q = 0; q < 9; q++)
            if (p != 4 || q != 4) w += c[p][q][0] * PetscCosReal((p - 4) * x + (q - 4) * yy) + c[p][q][1] * PetscSinReal((p - 4) * x + (q - 4) * yy);
        a[j * kf->N + i] = kf->init_amp * w / 9;
      }
  }
  PetscCall(VecRestoreArrayWrite(y, &a));
  PetscFunctionReturn(0);
}

static PetscErrorCode KolAttributes(void *ctx, SNAPSTrajectory tr)
{
  Kolmogorov kf = (Kolmogorov)ctx;

  PetscFunctionBegin;
  PetscCall(SNAPSTrajectorySetAttributeReal(tr, "L", 2 * PETSC_PI)); /* the box side: surrogates trained on the file record it (SNAPSSurrogateCheckSystem) */
  PetscCall(SNAPSTrajectorySetAttributeInt(tr, "N", kf->N));
  PetscCall(SNAPSTrajectorySetAttributeReal(tr, "Re", kf->Re));
  PetscCall(SNAPSTrajectorySetAttributeReal(tr, "nu", kf->nu));
  PetscCall(SNAPSTrajectorySetAttributeReal(tr, "alpha", kf->alpha));
  PetscCall(SNAPSTrajectorySetAttributeInt(tr, "forcing_wavenumber", kf->nf));
  PetscCall(SNAPSTrajectorySetAttributeReal(tr, "forcing_amplitude", kf->famp));
  PetscCall(SNAPSTrajectorySetAttributeString(tr, "init", kf->init));
  PetscFunctionReturn(0);
}

static PetscErrorCode KolReport(void *ctx, PetscBool init_ran, SNAPSReport rep)
{
  Kolmogorov kf = (Kolmogorov)ctx;

  PetscFunctionBegin;
  PetscCall(SNAPSReportSetString(rep, "equation", "kolmogorov"));
  PetscCall(SNAPSReportSetInt(rep, "N", kf->N));
  PetscCall(SNAPSReportSetReal(rep, "Re", kf->Re));
  PetscCall(SNAPSReportSetReal(rep, "alpha", kf->alpha));
  PetscCall(SNAPSReportSetInt(rep, "forcing_wavenumber", kf->nf));
  PetscCall(SNAPSReportSetReal(rep, "forcing_amplitude", kf->famp));
  if (!init_ran) PetscFunctionReturn(0); /* the driver reports -init_trajectory's start instead */
  PetscCall(SNAPSReportSetString(rep, "init", kf->init));
  PetscCall(SNAPSReportSetReal(rep, "init_amplitude", kf->init_amp));
  PetscFunctionReturn(0);
}

static PetscErrorCode KolFingerprint(void *ctx, char fp[], size_t len)
{
  Kolmogorov kf = (Kolmogorov)ctx;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(fp, len, "kolmogorov N=%" PetscInt_FMT " Re=%.17g alpha=%.17g n=%" PetscInt_FMT " A=%.17g init=%s amplitude=%.17g", kf->N, (double)kf->Re, (double)kf->alpha, kf->nf, (double)kf->famp, kf->init, (double)kf->init_amp));
  PetscFunctionReturn(0);
}

/* The checks of KolmogorovCreate()'s arguments on comm, callable on its own: with -stepper sna the equation is
   created on PETSC_COMM_SELF on every rank, so the program checks them first on PETSC_COMM_WORLD, where an error is
   reported once rather than once per rank. Collective on comm (the same values on every rank). */
PetscErrorCode KolmogorovCheckEquation(MPI_Comm comm, PetscInt N, PetscReal Re, PetscReal alpha, PetscInt nf, PetscReal famp)
{
  PetscFunctionBegin;
  PetscCheck(N >= 8 && N % 2 == 0 && N <= (1 << 14), comm, PETSC_ERR_ARG_OUTOFRANGE, "-N must be even, at least 8 and at most 16384, not %" PetscInt_FMT, N);
  PetscCheck(Re > 0 && Re < PETSC_MAX_REAL, comm, PETSC_ERR_ARG_OUTOFRANGE, "-Re must be positive and finite, not %g", (double)Re);
  PetscCheck(alpha >= 0 && alpha < PETSC_MAX_REAL, comm, PETSC_ERR_ARG_OUTOFRANGE, "-alpha must be non-negative and finite, not %g", (double)alpha);
  PetscCheck(nf >= 1 && 3 * nf < N, comm, PETSC_ERR_ARG_OUTOFRANGE, "-forcing_wavenumber %" PetscInt_FMT " must be at least 1 and below N/3 = %" PetscInt_FMT " (resolved after dealiasing)", nf, N / 3);
  PetscCheck(PetscIsNormalReal(famp) || famp == 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-forcing_amplitude must be finite");
  PetscFunctionReturn(0);
}

/* The checks of KolmogorovSetInitial()'s arguments on comm, callable on its own (see KolmogorovCheckEquation()). */
PetscErrorCode KolmogorovCheckInitial(MPI_Comm comm, const char kind[], PetscReal amplitude)
{
  PetscFunctionBegin;
  PetscCheck(!strcmp(kind, "random") || !strcmp(kind, "taylor-green"), comm, PETSC_ERR_ARG_WRONG, "-init %s: use random or taylor-green", kind);
  PetscCheck(PetscIsNormalReal(amplitude) || amplitude == 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-init_amplitude must be finite");
  PetscFunctionReturn(0);
}

/* Creates the equation on an N x N grid over comm: FFTW-MPI slabs and plans (FFTW_ESTIMATE: the same plan,
   hence the same bits, in every run), wavenumbers, mask and forcing. Collective. */
PetscErrorCode KolmogorovCreate(MPI_Comm comm, PetscInt N, PetscReal Re, PetscReal alpha, PetscInt nf, PetscReal famp, Kolmogorov *out)
{
  Kolmogorov kf;
  ptrdiff_t  alloc;
  PetscReal  h = 2 * PETSC_PI / N;

  PetscFunctionBegin;
  PetscCall(KolmogorovCheckEquation(comm, N, Re, alpha, nf, famp));
  PetscCall(PetscNew(&kf));
  kf->comm  = comm;
  kf->N     = N;
  kf->nh    = N / 2 + 1;
  kf->Re    = Re;
  kf->nu    = 1 / Re;
  kf->alpha = alpha;
  kf->nf    = nf;
  kf->famp  = famp;
  PetscCall(PetscStrncpy(kf->init, "random", sizeof(kf->init)));
  kf->init_amp = 1;
  fftw_mpi_init();
  alloc    = fftw_mpi_local_size_2d_transposed(N, kf->nh, comm, &kf->ln, &kf->start, &kf->lnT, &kf->startT);
  kf->nc   = (PetscInt)kf->lnT * N;
  kf->rin  = fftw_alloc_real(2 * (size_t)PetscMax(alloc, 1));
  kf->cout = fftw_alloc_complex((size_t)PetscMax(alloc, 1));
  kf->cin  = fftw_alloc_complex((size_t)PetscMax(alloc, 1));
  kf->W    = fftw_alloc_complex((size_t)PetscMax(alloc, 1));
  kf->F    = fftw_alloc_complex((size_t)PetscMax(alloc, 1));
  PetscCheck(kf->rin && kf->cout && kf->cin && kf->W && kf->F, PETSC_COMM_SELF, PETSC_ERR_MEM, "FFTW could not allocate the %" PetscInt_FMT " x %" PetscInt_FMT " grid", N, N);
  kf->fwd = fftw_mpi_plan_dft_r2c_2d(N, N, kf->rin, kf->cout, comm, FFTW_ESTIMATE | FFTW_MPI_TRANSPOSED_OUT);
  kf->bwd = fftw_mpi_plan_dft_c2r_2d(N, N, kf->cin, kf->rin, comm, FFTW_ESTIMATE | FFTW_MPI_TRANSPOSED_IN);
  PetscCheck(kf->fwd && kf->bwd, PETSC_COMM_SELF, PETSC_ERR_LIB, "FFTW-MPI could not plan the %" PetscInt_FMT " x %" PetscInt_FMT " transforms", N, N);
  for (int q = 0; q < 4; q++) PetscCall(PetscMalloc1(PetscMax(1, kf->ln * N), &kf->phys[q]));
  PetscCall(PetscMalloc1(PetscMax(1, kf->ln * N), &kf->forcing));
  PetscCall(PetscMalloc5(PetscMax(1, kf->nc), &kf->kx, PetscMax(1, kf->nc), &kf->ky, PetscMax(1, kf->nc), &kf->k2, PetscMax(1, kf->nc), &kf->mask, PetscMax(1, kf->nc), &kf->wgt));
  for (ptrdiff_t r = 0; r < kf->lnT; r++) {
    PetscInt ix = (PetscInt)(kf->startT + r); /* kx >= 0: the real transform keeps half the plane */
    for (PetscInt iy = 0; iy < N; iy++) {
      PetscInt c = (PetscInt)r * N + iy, ky = 2 * iy <= N ? iy : iy - N;
      kf->kx[c]   = 2 * ix == N ? 0 : ix; /* the Nyquist lines have no odd derivative */
      kf->ky[c]   = 2 * iy == N ? 0 : ky;
      kf->k2[c]   = (PetscReal)ix * ix + (PetscReal)ky * ky;
      kf->mask[c] = (3 * ix < N && 3 * PetscAbsInt(ky) < N) ? 1 : 0;
      kf->wgt[c]  = (ix == 0 || 2 * ix == N) ? 1 : 2;
    }
  }
  for (ptrdiff_t j = 0; j < kf->ln; j++)
    for (PetscInt i = 0; i < N; i++) kf->forcing[j * N + i] = famp * nf * PetscCosReal(nf * (kf->start + j) * h);
  ForwardArray(kf, kf->forcing);
  PetscCall(PetscArraycpy(&kf->F[0][0], &kf->cout[0][0], 2 * kf->nc));
  *out = kf;
  PetscFunctionReturn(0);
}

/* kind "random" (default, amplitude 1) or "taylor-green" (amplitude * 2 cos x cos y). */
PetscErrorCode KolmogorovSetInitial(Kolmogorov kf, const char kind[], PetscReal amplitude)
{
  PetscFunctionBegin;
  PetscCall(KolmogorovCheckInitial(kf->comm, kind, amplitude));
  PetscCall(PetscStrncpy(kf->init, kind, sizeof(kf->init)));
  kf->init_amp = amplitude;
  PetscFunctionReturn(0);
}

/* The FlowProblem of this equation: field w on the N x N grid, four diagnostics. */
PetscErrorCode KolmogorovGetProblem(Kolmogorov kf, FlowProblem *pb)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(pb, sizeof(*pb)));
  PetscCall(PetscStrncpy(pb->desc.equation, "kolmogorov", sizeof(pb->desc.equation)));
  PetscCall(PetscStrncpy(pb->desc.field, "w", sizeof(pb->desc.field)));
  pb->desc.sdim      = 2;
  pb->desc.shape[0]  = kf->N;
  pb->desc.shape[1]  = kf->N;
  pb->desc.length[0] = 2 * PETSC_PI;
  pb->desc.length[1] = 2 * PETSC_PI;
  pb->desc.ndiag     = 4;
  pb->desc.diag[0]   = "energy";
  pb->desc.diag[1]   = "enstrophy";
  pb->desc.diag[2]   = "dissipation";
  pb->desc.diag[3]   = "energy_input";
  pb->member_comm    = kf->comm;
  pb->ctx            = kf;
  pb->create_vec     = KolCreateVec;
  pb->initial        = KolInitial;
  pb->initial_fixed  = (PetscBool)!strcmp(kf->init, "taylor-green");
  pb->initial_zero   = (PetscBool)(kf->init_amp == 0);
  pb->explicit_rhs   = KolExplicit;
  pb->linear_apply   = KolLinearApply;
  pb->linear_solve   = KolLinearSolve;
  pb->diagnostics    = KolDiagnostics;
  pb->attributes     = KolAttributes;
  pb->report         = KolReport;
  pb->fingerprint    = KolFingerprint;
  pb->nu             = kf->nu;
  pb->alpha          = kf->alpha;
  pb->forcing        = kf->nf;
  pb->famp           = kf->famp;
  PetscFunctionReturn(0);
}

PetscErrorCode KolmogorovDestroy(Kolmogorov *kf)
{
  Kolmogorov k = *kf;

  PetscFunctionBegin;
  if (!k) PetscFunctionReturn(0);
  fftw_destroy_plan(k->fwd);
  fftw_destroy_plan(k->bwd);
  fftw_free(k->rin);
  fftw_free(k->cout);
  fftw_free(k->cin);
  fftw_free(k->W);
  fftw_free(k->F);
  for (int q = 0; q < 4; q++) PetscCall(PetscFree(k->phys[q]));
  PetscCall(PetscFree(k->forcing));
  PetscCall(PetscFree5(k->kx, k->ky, k->k2, k->mask, k->wgt));
  PetscCall(PetscFree(*kf));
  PetscFunctionReturn(0);
}
