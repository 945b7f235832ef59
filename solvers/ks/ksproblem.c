/* The Kuramoto-Sivashinsky equation as a FlowProblem (see ks.h). Every member lives on one rank. */
#include "ks.h"
#define FFTW_NO_Complex /* fftw_complex as double[2], whatever complex.h the headers pulled in */
#include <fftw3.h>

struct _n_KS {
  PetscInt      N, nh; /* grid points, complex coefficients of the real FFT (N/2 + 1) */
  PetscReal     L;
  PetscReal    *k, *lin, *mask; /* wavenumbers, symbol of the linear part q^2 - q^4, 2/3-rule mask */
  double       *ur;             /* real work array (N) */
  fftw_complex *uh, *vh;        /* complex work arrays (nh) */
  fftw_plan     fwd, bwd;       /* ur -> uh, vh -> ur (c2r destroys its input, so it reads the copy vh) */
  char          init[16];
  PetscReal     amplitude;
  PetscInt      mode;
};

/* uh = FFT(y) (unnormalised). */
static PetscErrorCode Forward(KS ks, Vec y)
{
  const PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(y, &a));
  PetscCall(PetscArraycpy(ks->ur, a, ks->N));
  PetscCall(VecRestoreArrayRead(y, &a));
  fftw_execute(ks->fwd);
  PetscFunctionReturn(0);
}

/* y = IFFT(vh) (normalised). */
static PetscErrorCode Backward(KS ks, Vec y)
{
  PetscScalar *a;

  PetscFunctionBegin;
  fftw_execute(ks->bwd);
  PetscCall(VecGetArrayWrite(y, &a));
  for (PetscInt j = 0; j < ks->N; j++) a[j] = ks->ur[j] / ks->N;
  PetscCall(VecRestoreArrayWrite(y, &a));
  PetscFunctionReturn(0);
}

/* f = -u u_x = -(u^2/2)_x with u and the product both truncated by the 2/3 rule (alias-free). */
static PetscErrorCode KSExplicit(void *ctx, PetscReal t, Vec y, Vec f)
{
  KS ks = (KS)ctx;

  PetscFunctionBegin;
  (void)t;
  PetscCall(Forward(ks, y));
  for (PetscInt m = 0; m < ks->nh; m++) {
    ks->vh[m][0] = ks->mask[m] * ks->uh[m][0];
    ks->vh[m][1] = ks->mask[m] * ks->uh[m][1];
  }
  fftw_execute(ks->bwd);
  for (PetscInt j = 0; j < ks->N; j++) {
    double u  = ks->ur[j] / ks->N;
    ks->ur[j] = u * u;
  }
  fftw_execute(ks->fwd);
  for (PetscInt m = 0; m < ks->nh; m++) { /* -(i k / 2) (u^2)^ */
    double s     = 0.5 * ks->k[m] * ks->mask[m];
    ks->vh[m][0] = s * ks->uh[m][1];
    ks->vh[m][1] = -s * ks->uh[m][0];
  }
  PetscCall(Backward(ks, f));
  PetscFunctionReturn(0);
}

static PetscErrorCode KSLinearApply(void *ctx, Vec y, Vec f)
{
  KS ks = (KS)ctx;

  PetscFunctionBegin;
  PetscCall(Forward(ks, y));
  for (PetscInt m = 0; m < ks->nh; m++) {
    ks->vh[m][0] = ks->lin[m] * ks->uh[m][0];
    ks->vh[m][1] = ks->lin[m] * ks->uh[m][1];
  }
  PetscCall(Backward(ks, f));
  PetscFunctionReturn(0);
}

static PetscErrorCode KSLinearSolve(void *ctx, PetscReal gamma, Vec b, Vec x)
{
  KS ks = (KS)ctx;

  PetscFunctionBegin;
  PetscCall(Forward(ks, b));
  for (PetscInt m = 0; m < ks->nh; m++) {
    double s     = 1.0 / (1.0 - gamma * ks->lin[m]);
    ks->vh[m][0] = s * ks->uh[m][0];
    ks->vh[m][1] = s * ks->uh[m][1];
  }
  PetscCall(Backward(ks, x));
  PetscFunctionReturn(0);
}

/* energy = mean(u^2)/2, mean_u = mean(u) (conserved by the equation). */
static PetscErrorCode KSDiagnostics(void *ctx, Vec y, PetscReal d[])
{
  KS                 ks = (KS)ctx;
  const PetscScalar *a;
  PetscReal          s = 0, s2 = 0;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(y, &a));
  for (PetscInt j = 0; j < ks->N; j++) {
    s += a[j];
    s2 += a[j] * a[j];
  }
  PetscCall(VecRestoreArrayRead(y, &a));
  d[0] = 0.5 * s2 / ks->N;
  d[1] = s / ks->N;
  PetscFunctionReturn(0);
}

static PetscErrorCode KSCreateVec(void *ctx, Vec *y)
{
  KS ks = (KS)ctx;

  PetscFunctionBegin;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, ks->N, y));
  PetscFunctionReturn(0);
}

/* random: a sum of the first four Fourier modes with coefficients amplitude times uniform in [-1, 1] (drawn in
   [-|amplitude|, |amplitude|], then negated for a negative amplitude: PetscRandomSetInterval() refuses an empty or
   reversed interval, and a positive amplitude keeps the bits of its draws) from (seed, member), so a member's start
   does not depend on the ranks; amplitude 0: zero, nothing drawn; mode: amplitude cos(2 pi mode x / L), a single
   Fourier mode (for the linear decay test). */
static PetscErrorCode KSInitial(void *ctx, PetscInt member, PetscInt seed, Vec y)
{
  KS           ks = (KS)ctx;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(VecGetArrayWrite(y, &a));
  if (!strcmp(ks->init, "mode")) {
    for (PetscInt j = 0; j < ks->N; j++) a[j] = ks->amplitude * PetscCosReal(2 * PETSC_PI * ks->mode * j / ks->N);
  } else {
    PetscRandom     rnd;
    PetscReal       c[8] = {0};
    const PetscReal amp  = PetscAbsReal(ks->amplitude);
    if (amp > 0) {
      PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
      PetscCall(PetscRandomSetInterval(rnd, -amp, amp));
      PetscCall(PetscRandomSetSeed(rnd, FlowSeed(1000003, seed, member)));
      PetscCall(PetscRandomSeed(rnd));
      for (int i = 0; i < 8; i++) PetscCall(PetscRandomGetValueReal(rnd, &c[i]));
      PetscCall(PetscRandomDestroy(&rnd));
      if (ks->amplitude < 0)
        for (int i = 0; i < 8; i++) c[i] = -c[i];
    }
    for (PetscInt j = 0; j < ks->N; j++) {
      PetscReal x = 2 * PETSC_PI * j / ks->N, u = 0;
      for (int m = 1; m <= 4; m++) u += c[2 * m - 2] * PetscCosReal(m * x) + c[2 * m - 1] * PetscSinReal(m * x);
      a[j] = u;
    }
  }
  PetscCall(VecRestoreArrayWrite(y, &a));
  PetscFunctionReturn(0);
}

static PetscErrorCode KSAttributes(void *ctx, SNAPSTrajectory tr)
{
  KS ks = (KS)ctx;

  PetscFunctionBegin;
  PetscCall(SNAPSTrajectorySetAttributeReal(tr, "L", ks->L));
  PetscCall(SNAPSTrajectorySetAttributeInt(tr, "N", ks->N));
  PetscCall(SNAPSTrajectorySetAttributeString(tr, "init", ks->init));
  PetscFunctionReturn(0);
}

static PetscErrorCode KSReport(void *ctx, PetscBool init_ran, SNAPSReport rep)
{
  KS ks = (KS)ctx;

  PetscFunctionBegin;
  PetscCall(SNAPSReportSetString(rep, "equation", "kuramoto-sivashinsky"));
  PetscCall(SNAPSReportSetReal(rep, "L", ks->L));
  PetscCall(SNAPSReportSetInt(rep, "N", ks->N));
  if (!init_ran) PetscFunctionReturn(0); /* the driver reports -init_trajectory's start instead */
  PetscCall(SNAPSReportSetString(rep, "init", ks->init));
  PetscCall(SNAPSReportSetReal(rep, "init_amplitude", ks->amplitude));                     /* random and mode */
  if (!strcmp(ks->init, "mode")) PetscCall(SNAPSReportSetInt(rep, "init_mode", ks->mode)); /* mode only */
  PetscFunctionReturn(0);
}

static PetscErrorCode KSFingerprint(void *ctx, char fp[], size_t len)
{
  KS ks = (KS)ctx;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(fp, len, "ks L=%.17g N=%" PetscInt_FMT " init=%s amplitude=%.17g mode=%" PetscInt_FMT, (double)ks->L, ks->N, ks->init, (double)ks->amplitude, ks->mode));
  PetscFunctionReturn(0);
}

/* Creates the equation on N points of [0, L): FFTW plans (FFTW_ESTIMATE: the same plan, hence the same
   bits, in every run) and the Fourier symbols. */
PetscErrorCode KSCreate(PetscInt N, PetscReal L, KS *out)
{
  KS ks;

  PetscFunctionBegin;
  PetscCheck(N >= 8 && N % 2 == 0 && N <= (1 << 24), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-N must be even, at least 8 and at most 2^24, not %" PetscInt_FMT, N);
  PetscCheck(L > 0 && L < PETSC_MAX_REAL, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-L must be positive and finite, not %g", (double)L);
  PetscCall(PetscNew(&ks));
  ks->N  = N;
  ks->nh = N / 2 + 1;
  ks->L  = L;
  PetscCall(PetscStrncpy(ks->init, "random", sizeof(ks->init)));
  ks->amplitude = 0.1;
  ks->mode      = 1;
  PetscCall(PetscMalloc3(ks->nh, &ks->k, ks->nh, &ks->lin, ks->nh, &ks->mask));
  for (PetscInt m = 0; m < ks->nh; m++) {
    PetscReal q = 2 * PETSC_PI * m / L;
    ks->k[m]    = m == N / 2 ? 0 : q; /* the Nyquist mode has no odd derivative */
    ks->lin[m]  = q * q - q * q * q * q;
    ks->mask[m] = 3 * m < N ? 1 : 0;
  }
  ks->ur = fftw_alloc_real((size_t)N);
  ks->uh = fftw_alloc_complex((size_t)ks->nh);
  ks->vh = fftw_alloc_complex((size_t)ks->nh);
  PetscCheck(ks->ur && ks->uh && ks->vh, PETSC_COMM_SELF, PETSC_ERR_MEM, "FFTW could not allocate %" PetscInt_FMT " points", N);
  ks->fwd = fftw_plan_dft_r2c_1d((int)N, ks->ur, ks->uh, FFTW_ESTIMATE);
  ks->bwd = fftw_plan_dft_c2r_1d((int)N, ks->vh, ks->ur, FFTW_ESTIMATE);
  *out    = ks;
  PetscFunctionReturn(0);
}

/* kind "random" (default, amplitude 0.1) or "mode" (amplitude cos(2 pi mode x / L)). */
PetscErrorCode KSSetInitial(KS ks, const char kind[], PetscReal amplitude, PetscInt mode)
{
  PetscFunctionBegin;
  PetscCheck(!strcmp(kind, "random") || !strcmp(kind, "mode"), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-init %s: use random or mode", kind);
  PetscCheck(PetscIsNormalReal(amplitude) || amplitude == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-init_amplitude must be finite");
  PetscCheck(mode >= 0 && mode < ks->N / 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-init_mode %" PetscInt_FMT " must be in [0, N/2)", mode);
  PetscCall(PetscStrncpy(ks->init, kind, sizeof(ks->init)));
  ks->amplitude = amplitude;
  ks->mode      = mode;
  PetscFunctionReturn(0);
}

/* The FlowProblem of this equation: field u on N points, diagnostics energy and mean_u. */
PetscErrorCode KSGetProblem(KS ks, FlowProblem *pb)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(pb, sizeof(*pb)));
  PetscCall(PetscStrncpy(pb->desc.equation, "ks", sizeof(pb->desc.equation)));
  PetscCall(PetscStrncpy(pb->desc.field, "u", sizeof(pb->desc.field)));
  pb->desc.sdim      = 1;
  pb->desc.shape[0]  = ks->N;
  pb->desc.length[0] = ks->L;
  pb->desc.ndiag     = 2;
  pb->desc.diag[0]   = "energy";
  pb->desc.diag[1]   = "mean_u";
  pb->member_comm    = PETSC_COMM_SELF;
  pb->ctx            = ks;
  pb->create_vec     = KSCreateVec;
  pb->initial        = KSInitial;
  pb->initial_fixed  = (PetscBool)!strcmp(ks->init, "mode");
  pb->initial_zero   = (PetscBool)(ks->amplitude == 0);
  pb->explicit_rhs   = KSExplicit;
  pb->linear_apply   = KSLinearApply;
  pb->linear_solve   = KSLinearSolve;
  pb->diagnostics    = KSDiagnostics;
  pb->attributes     = KSAttributes;
  pb->report         = KSReport;
  pb->fingerprint    = KSFingerprint;
  PetscFunctionReturn(0);
}

PetscErrorCode KSDestroy(KS *ks)
{
  PetscFunctionBegin;
  if (!*ks) PetscFunctionReturn(0);
  fftw_destroy_plan((*ks)->fwd);
  fftw_destroy_plan((*ks)->bwd);
  fftw_free((*ks)->ur);
  fftw_free((*ks)->uh);
  fftw_free((*ks)->vh);
  PetscCall(PetscFree3((*ks)->k, (*ks)->lin, (*ks)->mask));
  PetscCall(PetscFree(*ks));
  PetscFunctionReturn(0);
}
