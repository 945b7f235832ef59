static const char help[] = "bench_fit: training (and test) MSE against wall time of one SNA fitting method on one problem.\n\n"
                           "Fits a fresh model -reps times and records, at every sweep or iteration (the SNA monitor), the\n"
                           "iteration, the wall time since the fit started (test-set evaluations excluded), the training MSE\n"
                           "and the test MSE; then the final reason, iterations, time and MSEs. bench/fit/run.sh runs it for\n"
                           "every problem, method and rank count and merges the reports.\n"
                           "Options:\n"
                           "  -train <f.h5> -test <f.h5>      training and test sets (/X, /Y)\n"
                           "  -method <name>                  default (the class default fit: auto, tensor start, 10% held out, rise\n"
                           "                                  stop, refit), als (2000 sweeps), als100 (the old default: ALS, 100\n"
                           "                                  sweeps), als_ls (ALS with -sna_fit_als_extrapolate), als_aa (ALS with\n"
                           "                                  -sna_fit_als_anderson 5), default_prev (the previous default: auto from\n"
                           "                                  the random start, no validation), default_val (default_prev with 10%\n"
                           "                                  held out, patience stop, no refit), default_tensor (auto from the\n"
                           "                                  tensor start, no validation), lm,\n"
                           "                                  tao_lmvm, lm_best and tao_lmvm_best (long runs, rtol 0), or any\n"
                           "                                  name with -method_options\n"
                           "  -method_options \"<-sna_...>\"    the method's options instead of the table's\n"
                           "  -model_options \"<-sna_...>\"     the problem's model options (e.g. -sna_khronos_nodes 32)\n"
                           "  -reps <r>                       fits, each from the same start (default 5)\n"
                           "  -target_train_mse <a,b,..>      also report the median time to reach these training MSEs\n"
                           "  -target_test_mse <a,b,..>       ... and these test MSEs\n"
                           "  -results <out.json>             JSON report: machine, load, every repetition's curve, medians\n"
                           "Start the strings of -method_options and -model_options with a space: PETSc reads a value that\n"
                           "starts with - as the next option. Method and model options are inserted under the prefix\n"
                           "<method>_ and the SNA reads them with it, so methods cannot leak into each other. A method\n"
                           "whose options this build does not read (a misspelt or unknown option) is skipped:\n"
                           "the report says available = 0 and names the option.\n";

#include <snaps.h>
#include "benchstats.h"

/* The methods compared. The budgets: the class default (100 iterations) for the methods a user gets by
   asking for them; ALS gets 2000 sweeps, so that the time plain ALS needs to reach a given error can be
   measured where it gets there at all (in the quick run it did not on smooth_6d); als100 is the old default (ALS with the class budget). The *_best methods run
   long, to estimate the best error any method reaches. */
typedef struct {
  const char *name, *options;
} BenchMethod;

static const BenchMethod methods[] = {
    {"default", ""},
    {"als", "-sna_fit_type als -sna_fit_max_it 2000"},
    {"als100", "-sna_fit_type als -sna_fit_max_it 100"},
    {"als_ls", "-sna_fit_type als -sna_fit_als_extrapolate -sna_fit_max_it 2000"},
    {"als_aa", "-sna_fit_type als -sna_fit_als_anderson 5 -sna_fit_max_it 2000"},
    {"default_prev", "-sna_khronos_init random -sna_fit_validation 0"},
    {"default_val", "-sna_khronos_init random -sna_fit_validation 0.1 -sna_fit_validation_stop patience -sna_fit_validation_refit false"},
    {"default_tensor", "-sna_khronos_init tensor -sna_fit_validation 0"},
    {"lm", "-sna_fit_type lm"},
    {"tao_lmvm", "-sna_fit_type tao -sna_fit_tao_type lmvm"},
    {"lm_best", "-sna_fit_type lm -sna_fit_max_it 2000 -sna_fit_rtol 0"},
    {"tao_lmvm_best", "-sna_fit_type tao -sna_fit_tao_type lmvm -sna_fit_max_it 10000 -sna_fit_rtol 0"},
};

#define MAX_TARGETS 8

/* The monitor's record of one fit: one point per monitor call. */
typedef struct {
  PetscInt       n, cap;
  PetscReal     *it, *t, *train, *test;
  Vec            Xtest, Ytest;
  PetscLogDouble t0, excluded; /* fit start, and the time spent evaluating the test set since */
} Curve;

/* Appends a point, doubling the arrays when full. */
static PetscErrorCode CurveAppend(Curve *c, PetscReal it, PetscReal t, PetscReal train, PetscReal test)
{
  PetscFunctionBegin;
  if (c->n == c->cap) {
    PetscReal *it, *t, *train, *test;

    c->cap = PetscMax(64, 2 * c->cap);
    PetscCall(PetscMalloc4(c->cap, &it, c->cap, &t, c->cap, &train, c->cap, &test));
    PetscCall(PetscArraycpy(it, c->it, c->n));
    PetscCall(PetscArraycpy(t, c->t, c->n));
    PetscCall(PetscArraycpy(train, c->train, c->n));
    PetscCall(PetscArraycpy(test, c->test, c->n));
    PetscCall(PetscFree4(c->it, c->t, c->train, c->test));
    c->it    = it;
    c->t     = t;
    c->train = train;
    c->test  = test;
  }
  c->it[c->n]    = it;
  c->t[c->n]     = t;
  c->train[c->n] = train;
  c->test[c->n]  = test;
  c->n++;
  PetscFunctionReturn(0);
}

static PetscErrorCode CurveReset(Curve *c)
{
  PetscFunctionBegin;
  PetscCall(PetscFree4(c->it, c->t, c->train, c->test));
  c->n = c->cap = 0;
  PetscFunctionReturn(0);
}

/* Records the point, then the test MSE of the current iterate (the model holds it while monitors run); the
   evaluation's time is excluded from the fit's clock, so the curve shows what the fit alone costs. The fit
   is collective, so every rank's clock reads the same moment up to the last reduction: rank 0's is kept. */
static PetscErrorCode MonitorCurve(SNA sna, PetscInt it, PetscReal mse, void *ctx)
{
  Curve         *c = (Curve *)ctx;
  PetscLogDouble now, after;
  PetscReal      test;

  PetscFunctionBegin;
  PetscCall(PetscTime(&now));
  PetscCall(SNAComputeMSE(sna, c->Xtest, c->Ytest, &test));
  PetscCall(CurveAppend(c, (PetscReal)it, (PetscReal)(now - c->t0 - c->excluded), mse, test));
  PetscCall(PetscTime(&after));
  c->excluded += after - now;
  PetscFunctionReturn(0);
}

/* First time on the curve at which values[] <= level (Inf if never). */
static PetscReal CurveFirstTime(const Curve *c, const PetscReal values[], PetscReal level)
{
  for (PetscInt i = 0; i < c->n; i++)
    if (values[i] <= level) return c->t[i];
  return (PetscReal)INFINITY; /* not PETSC_INFINITY, which is finite: never reached is written null */
}

/* The repetition whose fit time is the (lower) median: its curve is the one to plot. */
static PetscInt MedianRep(PetscInt n, const PetscReal t[])
{
  PetscInt best = 0;

  for (PetscInt r = 0; r < n; r++) {
    PetscInt below = 0;
    for (PetscInt s = 0; s < n; s++) below += (t[s] < t[r]) || (t[s] == t[r] && s < r);
    if (below == (n - 1) / 2) best = r;
  }
  return best;
}

/* Looks the method up in the table, unless options were given for it. */
static PetscErrorCode MethodOptions(const char name[], PetscBool given, char options[], size_t len)
{
  char names[256] = "";

  PetscFunctionBegin;
  if (given) PetscFunctionReturn(0);
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(methods); i++) {
    PetscBool match;

    PetscCall(PetscStrcmp(name, methods[i].name, &match));
    if (match) {
      PetscCall(PetscStrncpy(options, methods[i].options, len));
      PetscFunctionReturn(0);
    }
    PetscCall(PetscStrlcat(names, i ? ", " : "", sizeof(names)));
    PetscCall(PetscStrlcat(names, methods[i].name, sizeof(names)));
  }
  SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Unknown -method %s: use one of %s, or give its options with -method_options \"-sna_fit_type ...\"", name, names);
}

/* The first option (a "-name" token that is not a negative number) of options the SNA has not read under its
   prefix, or "" if it read them all. */
static PetscErrorCode FirstUnusedOption(const char prefix[], const char options[], char unused[], size_t len)
{
  int    argc;
  char **args;

  PetscFunctionBegin;
  unused[0] = 0;
  PetscCall(PetscStrToArray(options, ' ', &argc, &args));
  for (int i = 0; i < argc && !unused[0]; i++) {
    char      name[256];
    PetscBool used;

    if (args[i][0] != '-' || !args[i][1] || (args[i][1] >= '0' && args[i][1] <= '9') || args[i][1] == '.') continue;
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s%s", prefix, args[i] + 1)); /* stored without the dash */
    PetscCall(PetscOptionsUsed(NULL, name, &used));
    if (!used) PetscCall(PetscStrncpy(unused, args[i], len));
  }
  PetscCall(PetscStrToArrayDestroy(argc, args));
  PetscFunctionReturn(0);
}

/* Inserts the options under prefix (they become -<prefix>sna_...). */
static PetscErrorCode InsertPrefixed(const char prefix[], const char options[])
{
  PetscFunctionBegin;
  PetscCall(PetscOptionsPrefixPush(NULL, prefix));
  PetscCall(PetscOptionsInsertString(NULL, options));
  PetscCall(PetscOptionsPrefixPop(NULL));
  PetscFunctionReturn(0);
}

/* Results of one repetition. */
typedef struct {
  SNAConvergedReason reason;
  PetscInt           its, nparams;
  PetscReal          time, train, test;
  SNAFitStatistics   stats;
  char               fittype[64];
} RepResult;

/* One fit of a fresh model, timed (test evaluations excluded); the curve is left in c. max_it > 0 overrides the
   method's budget (the probe). */
static PetscErrorCode FitOnce(const char prefix[], Vec X, Vec Y, PetscInt max_it, Curve *c, RepResult *res)
{
  SNA            sna;
  SNAFitType     fittype;
  PetscLogDouble t1;
  PetscReal      t;

  PetscFunctionBegin;
  PetscCall(CurveReset(c));
  PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
  PetscCall(SNASetOptionsPrefix(sna, prefix));
  PetscCall(SNASetFromOptions(sna));
  if (max_it > 0) {
    PetscReal atol, rtol;

    PetscCall(SNAGetTolerances(sna, &atol, &rtol, NULL));
    PetscCall(SNASetTolerances(sna, atol, rtol, max_it));
  }
  PetscCall(SNAMonitorSet(sna, MonitorCurve, c, NULL));
  PetscCall(SNAGetFitType(sna, &fittype));
  PetscCall(PetscStrncpy(res->fittype, fittype, sizeof(res->fittype)));
  c->excluded = 0;
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscCall(PetscTime(&c->t0));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(PetscTime(&t1));
  t = (PetscReal)(t1 - c->t0 - c->excluded);
  PetscCallMPI(MPI_Allreduce(&t, &res->time, 1, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD)); /* slowest rank */
  PetscCall(SNAGetConvergedReason(sna, &res->reason));
  PetscCall(SNAGetIterationNumber(sna, &res->its));
  PetscCall(SNAGetFitStatistics(sna, &res->stats));
  PetscCall(SNAGetNumParameters(sna, &res->nparams));
  PetscCall(SNAComputeMSE(sna, X, Y, &res->train)); /* the model holds the best iterate the fit saw */
  PetscCall(SNAComputeMSE(sna, c->Xtest, c->Ytest, &res->test));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* Writes the figures of repetition r and its curve. */
static PetscErrorCode ReportRep(SNAPSReport report, PetscInt r, const RepResult *res, const Curve *c)
{
  char key[64];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(key, sizeof(key), "rep%" PetscInt_FMT "_converged_reason", r));
  PetscCall(SNAPSReportSetString(report, key, SNAConvergedReasons[res->reason]));
  PetscCall(PetscSNPrintf(key, sizeof(key), "rep%" PetscInt_FMT "_curve_iteration", r));
  PetscCall(SNAPSReportSetRealArray(report, key, c->n, c->it));
  PetscCall(PetscSNPrintf(key, sizeof(key), "rep%" PetscInt_FMT "_curve_time_s", r));
  PetscCall(SNAPSReportSetRealArray(report, key, c->n, c->t));
  PetscCall(PetscSNPrintf(key, sizeof(key), "rep%" PetscInt_FMT "_curve_train_mse", r));
  PetscCall(SNAPSReportSetRealArray(report, key, c->n, c->train));
  PetscCall(PetscSNPrintf(key, sizeof(key), "rep%" PetscInt_FMT "_curve_test_mse", r));
  PetscCall(SNAPSReportSetRealArray(report, key, c->n, c->test));
  PetscFunctionReturn(0);
}

/* Median time over repetitions to reach each level on the training or test curve (Inf, written null, when the
   middle repetitions never reached it). */
static PetscErrorCode ReportTargets(SNAPSReport report, const char what[], PetscInt ntargets, const PetscReal levels[], PetscInt reps, PetscReal times[])
{
  char key[64];

  PetscFunctionBegin;
  for (PetscInt i = 0; i < ntargets; i++) {
    PetscReal med;

    PetscCall(BenchMedian(reps, times + i * reps, &med));
    PetscCall(PetscSNPrintf(key, sizeof(key), "target_%s_mse_%" PetscInt_FMT, what, i));
    PetscCall(SNAPSReportSetReal(report, key, levels[i]));
    PetscCall(PetscSNPrintf(key, sizeof(key), "time_to_%s_target_%" PetscInt_FMT "_s_median", what, i));
    PetscCall(SNAPSReportSetReal(report, key, med));
    PetscCall(PetscSNPrintf(key, sizeof(key), "time_to_%s_target_%" PetscInt_FMT "_s_all", what, i));
    PetscCall(SNAPSReportSetRealArray(report, key, reps, times + i * reps));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  time to %s MSE <= %.3g: median %.4g s\n", what, (double)levels[i], (double)med));
  }
  PetscFunctionReturn(0);
}

/* Medians over repetitions of the final figures. */
static PetscErrorCode ReportMedians(SNAPSReport report, PetscInt reps, const RepResult res[])
{
  PetscReal  *v, med;
  const char *names[] = {"time_s", "train_mse", "test_mse", "iterations"};

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(reps, &v));
  for (PetscInt k = 0; k < 4; k++) {
    char key[64];

    for (PetscInt r = 0; r < reps; r++) v[r] = k == 0 ? res[r].time : k == 1 ? res[r].train
                                                                  : k == 2   ? res[r].test
                                                                             : (PetscReal)res[r].its;
    PetscCall(BenchMedian(reps, v, &med));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s_median", names[k]));
    PetscCall(SNAPSReportSetReal(report, key, med));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s_all", names[k]));
    PetscCall(SNAPSReportSetRealArray(report, key, reps, v));
  }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

/* What the probe prints on stdout (the library's warnings about its 1-iteration fit, e.g. "no better than their mean",
   monitors) gets this prefix at each line's start, so that it is not read as being about the timed runs. PETSc prints
   through PetscVFPrintf; the probe swaps in ProbeVFPrintf and restores the former one. */
#define PROBE_PREFIX "  probe (1 iteration, untimed, checks the options): "
static PetscErrorCode (*ProbeVFPrintfFormer)(FILE *, const char[], va_list);
static PetscBool ProbeLineStart;

static PetscErrorCode ProbePrintFormer(FILE *fd, const char format[], ...)
{
  va_list ap;

  PetscFunctionBegin;
  va_start(ap, format);
  PetscCall(ProbeVFPrintfFormer(fd, format, ap));
  va_end(ap);
  PetscFunctionReturn(0);
}

static PetscErrorCode ProbeVFPrintf(FILE *fd, const char format[], va_list ap)
{
  size_t n;

  PetscFunctionBegin;
  if (fd != PETSC_STDOUT) { /* errors (stderr) as they are */
    PetscCall(ProbeVFPrintfFormer(fd, format, ap));
    PetscFunctionReturn(0);
  }
  if (ProbeLineStart) PetscCall(ProbePrintFormer(fd, "%s", PROBE_PREFIX));
  PetscCall(ProbeVFPrintfFormer(fd, format, ap));
  PetscCall(PetscStrlen(format, &n));
  ProbeLineStart = (PetscBool)(n > 0 && format[n - 1] == '\n');
  PetscFunctionReturn(0);
}

/* The probe: FitOnce with 1 iteration, its printed lines marked as the probe's. */
static PetscErrorCode FitProbe(const char prefix[], Vec X, Vec Y, Curve *c, RepResult *res)
{
  PetscErrorCode ierr;

  PetscFunctionBegin;
  ProbeVFPrintfFormer = PetscVFPrintf;
  ProbeLineStart      = PETSC_TRUE;
  PetscVFPrintf       = ProbeVFPrintf;
  ierr                = FitOnce(prefix, X, Y, 1, c, res);
  PetscVFPrintf       = ProbeVFPrintfFormer; /* restored before an error is passed on */
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Runs the repetitions and fills the report; *unused names a method option this build does not read. */
static PetscErrorCode Bench(SNAPSReport report, const char prefix[], const char model[], const char mopts[], Vec X, Vec Y, Curve *c, PetscInt reps, PetscInt ntr, const PetscReal ltr[], PetscInt nte, const PetscReal lte[], char unused[], size_t len)
{
  RepResult *res;
  PetscReal *ttr, *tte, *times;
  PetscInt   mid;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(reps, &res));
  PetscCall(PetscMalloc3(PetscMax(1, ntr * reps), &ttr, PetscMax(1, nte * reps), &tte, reps, &times));
  /* The probe: one iteration, untimed, so that a method whose options this build does not read is found
     before it runs its whole budget as another method (options may be read at fit time, e.g. by TAO); it
     also warms up caches and libraries. What it prints is marked as the probe's (FitProbe). */
  PetscCall(FitProbe(prefix, X, Y, c, &res[0]));
  PetscCall(FirstUnusedOption(prefix, model, unused, len));
  PetscCheck(!unused[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-model_options: the SNA did not read %s; check its spelling against -help", unused);
  PetscCall(FirstUnusedOption(prefix, mopts, unused, len));
  for (PetscInt r = 0; r < reps && !unused[0]; r++) {
    PetscCall(FitOnce(prefix, X, Y, 0, c, &res[r]));
    for (PetscInt i = 0; i < ntr; i++) ttr[i * reps + r] = CurveFirstTime(c, c->train, ltr[i]);
    for (PetscInt i = 0; i < nte; i++) tte[i * reps + r] = CurveFirstTime(c, c->test, lte[i]);
    times[r] = res[r].time;
    PetscCall(ReportRep(report, r, &res[r], c));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  rep %" PetscInt_FMT ": %-20s %5" PetscInt_FMT " its %9.4f s  train MSE %.3e  test MSE %.3e\n", r, SNAConvergedReasons[res[r].reason], res[r].its, (double)res[r].time, (double)res[r].train, (double)res[r].test));
  }
  if (!unused[0]) {
    mid = MedianRep(reps, times);
    PetscCall(SNAPSReportSetString(report, "fit_type", res[0].fittype));
    PetscCall(SNAPSReportSetInt(report, "n_params", res[0].nparams));
    PetscCall(SNAPSReportSetInt(report, "median_rep", mid));
    /* snaps-fit's keys (and bench_aion's); until 2026-12-07 reason, stats_outer, ... (merge.py reads both) */
    PetscCall(SNAPSReportSetString(report, "converged_reason", SNAConvergedReasons[res[mid].reason]));
    PetscCall(SNAPSReportSetInt(report, "outer_iterations", res[mid].stats.outer));
    PetscCall(SNAPSReportSetInt(report, "inner_iterations", res[mid].stats.inner));
    PetscCall(SNAPSReportSetInt(report, "function_evaluations", res[mid].stats.function));
    PetscCall(SNAPSReportSetInt(report, "gradient_evaluations", res[mid].stats.gradient));
    PetscCall(SNAPSReportSetInt(report, "hessian_evaluations", res[mid].stats.hessian));
    PetscCall(ReportMedians(report, reps, res));
    PetscCall(ReportTargets(report, "train", ntr, ltr, reps, ttr));
    PetscCall(ReportTargets(report, "test", nte, lte, reps, tte));
  }
  PetscCall(PetscFree3(ttr, tte, times));
  PetscCall(PetscFree(res));
  PetscFunctionReturn(0);
}

/* The test set has the training set's inputs and outputs: otherwise the first test-set evaluation, in the probe's
   monitor, failed with "The input X has 3 columns (Vec block size) but the model expects 2", naming neither file. */
static PetscErrorCode CheckSameShape(const char train[], Vec X, Vec Y, const char test[], Vec Xt, Vec Yt)
{
  PetscInt d, q, dt, qt;

  PetscFunctionBegin;
  PetscCall(VecGetBlockSize(X, &d));
  PetscCall(VecGetBlockSize(Y, &q));
  PetscCall(VecGetBlockSize(Xt, &dt));
  PetscCall(VecGetBlockSize(Yt, &qt));
  PetscCheck(d == dt && q == qt, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "-test '%s' has %" PetscInt_FMT " inputs and %" PetscInt_FMT " outputs (X and Y columns), -train '%s' %" PetscInt_FMT " and %" PetscInt_FMT ": give a test set of the training set's problem", test, dt, qt, train, d, q);
  PetscFunctionReturn(0);
}

/* An MSE target is a finite value >= 0: a NaN, infinite or negative one was taken and reported as "never reached". */
static PetscErrorCode CheckTargets(const char opt[], PetscInt n, const PetscReal t[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    char v[32];

    (void)snprintf(v, sizeof(v), "%g", (double)t[i]); /* C's: PETSc's %g writes NaN as "nan." */
    PetscCheck(!PetscIsInfOrNanReal(t[i]) && t[i] >= 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "%s: value %" PetscInt_FMT " is %s; an MSE target must be a finite value >= 0", opt, i + 1, v);
  }
  PetscFunctionReturn(0);
}

/* bench_fit's options; ntr and nte are the numbers of targets (0 when not given) */
typedef struct {
  char      train[PETSC_MAX_PATH_LEN], test[PETSC_MAX_PATH_LEN], results[PETSC_MAX_PATH_LEN];
  char      method[64], mopts[1024], model[1024], prefix[80];
  PetscInt  reps, ntr, nte;
  PetscReal ltr[MAX_TARGETS + 1], lte[MAX_TARGETS + 1];
  PetscBool hastrain, hastest, hasresults, hasmopts, hastr, haste, hasmodel;
} FitOptions;

static PetscErrorCode FitOptionsRead(FitOptions *o)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  PetscCall(PetscStrncpy(o->method, "default", sizeof(o->method)));
  o->reps = 5;
  o->ntr  = MAX_TARGETS + 1; /* + 1: an extra value is seen */
  o->nte  = MAX_TARGETS + 1;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "bench_fit options", "SNA");
  PetscCall(PetscOptionsString("-train", "Training set (HDF5 /X, /Y)", NULL, o->train, o->train, sizeof(o->train), &o->hastrain));
  PetscCall(PetscOptionsString("-test", "Test set (HDF5 /X, /Y)", NULL, o->test, o->test, sizeof(o->test), &o->hastest));
  PetscCall(PetscOptionsString("-method", "Method: default, als, als100, als_ls, als_aa, default_prev, default_val, default_tensor, lm, tao_lmvm, lm_best, tao_lmvm_best, or a label for -method_options", NULL, o->method, o->method, sizeof(o->method), NULL));
  PetscCall(PetscOptionsString("-method_options", "The method's -sna_ options (instead of the table's)", NULL, o->mopts, o->mopts, sizeof(o->mopts), &o->hasmopts));
  PetscCall(PetscOptionsString("-model_options", "The problem's -sna_ model options (e.g. -sna_khronos_nodes 32 -sna_khronos_modes 6)", NULL, o->model, o->model, sizeof(o->model), &o->hasmodel));
  PetscCall(PetscOptionsInt("-reps", "Fits, each of a fresh model", NULL, o->reps, &o->reps, NULL));
  PetscCall(PetscOptionsRealArray("-target_train_mse", "Training MSEs whose time to reach is reported", NULL, o->ltr, &o->ntr, &o->hastr));
  PetscCall(PetscOptionsRealArray("-target_test_mse", "Test MSEs whose time to reach is reported", NULL, o->lte, &o->nte, &o->haste));
  PetscCall(PetscOptionsString("-results", "JSON report file", NULL, o->results, o->results, sizeof(o->results), &o->hasresults));
  {
    const char *named[3] = {"-train", "-test", "-results"};

    /* given without a name, -train or -test failed at "Cannot open dataset file ''", not naming the option */
    PetscCall(SNAPSOptionsCheckFileNames(PETSC_COMM_WORLD, NULL, 3, named));
  }
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* Every option checked before any work; ntr and nte set to 0 for targets not given */
static PetscErrorCode CheckFitOptions(FitOptions *o)
{
  PetscFunctionBegin;
  PetscCall(BenchCheckArrayGiven("-target_train_mse", o->hastr));
  PetscCall(BenchCheckArrayGiven("-target_test_mse", o->haste));
  PetscCall(BenchCheckArrayCount("-target_train_mse", o->ntr, MAX_TARGETS));
  PetscCall(BenchCheckArrayCount("-target_test_mse", o->nte, MAX_TARGETS));
  PetscCall(CheckTargets("-target_train_mse", o->hastr ? o->ntr : 0, o->ltr));
  PetscCall(CheckTargets("-target_test_mse", o->haste ? o->nte : 0, o->lte));
  { /* before any work: a run must not end unable to write its report */
    const char *inopts[] = {"-train", "-test"}, *ins[] = {o->train, o->test};
    PetscCall(BenchCheckResults(o->hasresults, o->results, 2, inopts, ins));
  }
  PetscCheck(!(o->hasmopts && !o->mopts[0]), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-method_options has no value: start the string with a space, -method_options \" -sna_fit_type lm\" (PETSc reads a value starting with - as the next option)");
  PetscCheck(!(o->hasmodel && !o->model[0]), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-model_options has no value: start the string with a space, -model_options \" -sna_khronos_nodes 32\" (PETSc reads a value starting with - as the next option)");
  if (!o->hastr) o->ntr = 0;
  if (!o->haste) o->nte = 0;
  PetscCheck(o->hastrain && o->hastest, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Give the data sets: -train f_train.h5 -test f_test.h5 (bench/fit/make_problems.py writes them)");
  PetscCheck(o->reps >= 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-reps must be at least 1, not %" PetscInt_FMT, o->reps);
  for (size_t i = 0; o->method[i]; i++) {
    const char ch = o->method[i];
    PetscCheck((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9' && i) || ch == '_', PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-method %s is used as an options prefix: use letters, digits and _ only, starting with a letter", o->method);
  }
  PetscFunctionReturn(0);
}

/* The method's options (the table's, or -method_options) and -model_options, put in the database under the method's
   prefix */
static PetscErrorCode InsertMethodOptions(FitOptions *o)
{
  PetscFunctionBegin;
  PetscCall(MethodOptions(o->method, o->hasmopts, o->mopts, sizeof(o->mopts)));
  PetscCall(PetscSNPrintf(o->prefix, sizeof(o->prefix), "%s_", o->method));
  PetscCall(InsertPrefixed(o->prefix, o->model));
  PetscCall(InsertPrefixed(o->prefix, o->mopts));
  PetscFunctionReturn(0);
}

/* Loads -train into X, Y and -test into the curve's test set (of the same columns), and prints the run's line */
static PetscErrorCode LoadData(const FitOptions *o, Vec *X, Vec *Y, Curve *curve, PetscInt *N, PetscInt *Nt)
{
  PetscFunctionBegin;
  PetscCall(SNADatasetLoad(PETSC_COMM_WORLD, o->train, "/", X, Y));
  PetscCall(SNADatasetLoad(PETSC_COMM_WORLD, o->test, "/", &curve->Xtest, &curve->Ytest));
  PetscCall(CheckSameShape(o->train, *X, *Y, o->test, curve->Xtest, curve->Ytest));
  PetscCall(VecGetSize(*Y, N));
  PetscCall(VecGetSize(curve->Ytest, Nt));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bench_fit: method %s (%s%s%s), %" PetscInt_FMT " training / %" PetscInt_FMT " test values, %" PetscInt_FMT " reps\n", o->method, o->model, o->model[0] ? " " : "", o->mopts, *N, *Nt, o->reps));
  PetscFunctionReturn(0);
}

/* The report's record of the run's settings */
static PetscErrorCode ReportSettings(SNAPSReport report, const FitOptions *o, PetscInt N, PetscInt Nt)
{
  PetscFunctionBegin;
  PetscCall(SNAPSReportSetString(report, "program", "bench_fit"));
  PetscCall(SNAPSReportSetString(report, "method", o->method));
  PetscCall(SNAPSReportSetString(report, "method_options", o->mopts));
  PetscCall(SNAPSReportSetString(report, "model_options", o->model));
  PetscCall(SNAPSReportSetString(report, "train", o->train));
  PetscCall(SNAPSReportSetString(report, "test", o->test));
  PetscCall(SNAPSReportSetInt(report, "n_train_values", N));
  PetscCall(SNAPSReportSetInt(report, "n_test_values", Nt));
  PetscCall(SNAPSReportSetInt(report, "reps", o->reps));
  PetscCall(SNAPSReportSetString(report, "clock", "wall time since SNAFit() started, test-set evaluations excluded; final times: slowest rank"));
  PetscFunctionReturn(0);
}

/* The fits; a method whose option this build does not read is reported skipped ("available": 0) */
static PetscErrorCode RunMethod(SNAPSReport report, const FitOptions *o, Vec X, Vec Y, Curve *curve)
{
  char unused[256] = "";

  PetscFunctionBegin;
  PetscCall(Bench(report, o->prefix, o->model, o->mopts, X, Y, curve, o->reps, o->ntr, o->ltr, o->nte, o->lte, unused, sizeof(unused)));
  PetscCall(SNAPSReportSetInt(report, "available", !unused[0]));
  if (unused[0]) {
    PetscCall(SNAPSReportSetString(report, "unavailable_because", unused));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bench_fit: method %s skipped: this build does not read its option %s\n", o->method, unused));
  }
  PetscFunctionReturn(0);
}

/* The whole run's wall time (rank 0: data, every rep, test evaluations) and load, then -results */
static PetscErrorCode ReportWrite(SNAPSReport report, const FitOptions *o, PetscLogDouble wall0, const PetscReal load0[])
{
  PetscLogDouble wall1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&wall1));
  PetscCall(SNAPSReportSetReal(report, "wall_time_s", (PetscReal)(wall1 - wall0)));
  /* the times depend on the other jobs: the load at both ends of the run */
  PetscCall(BenchReportLoad(report, load0));
  if (o->hasresults) {
    PetscCall(SNAPSReportWrite(report, o->results));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bench_fit: results written to %s\n", o->results));
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  FitOptions     o;
  PetscInt       N, Nt;
  PetscBool      helpflg;
  Vec            X, Y;
  Curve          curve = {0};
  SNAPSReport    report;
  PetscLogDouble wall0;
  PetscReal      load0[3];

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscTime(&wall0));
  PetscCall(BenchLoadAverage(load0));
  PetscCall(SNAInitializePackage());
  PetscCall(FitOptionsRead(&o));
  PetscCall(PetscOptionsHasHelp(NULL, &helpflg));
  if (helpflg) { /* the options are printed: fit nothing */
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCall(CheckFitOptions(&o));
  PetscCall(InsertMethodOptions(&o));
  PetscCall(LoadData(&o, &X, &Y, &curve, &N, &Nt));
  PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
  PetscCall(ReportSettings(report, &o, N, Nt));
  PetscCall(RunMethod(report, &o, X, Y, &curve));
  PetscCall(ReportWrite(report, &o, wall0, load0));
  PetscCall(SNAPSReportDestroy(&report));
  PetscCall(CurveReset(&curve));
  PetscCall(VecDestroy(&curve.Xtest));
  PetscCall(VecDestroy(&curve.Ytest));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
