/* The chaotic-flow driver (see flow.h): ensemble, ARKODE IMEX, trajectory, checkpoints, Lyapunov exponent.

   Reproducibility: the run is cut into segments (of -checkpoint_every, or -lyapunov_tau when the Lyapunov
   exponent is measured). At every segment end each integrator stops exactly there and restarts from its
   state with the step size it would have tried next, in the uninterrupted run as after a -restart, so a
   restarted run repeats the uninterrupted one bit for bit (same ranks, FFTW plans made with
   FFTW_ESTIMATE). */
#include "flow.h"
#include <arkode/arkode_arkstep.h>
#include <nvector/nvector_petsc.h>
#include <sundials/sundials_linearsolver.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>
#include <snaps/options.h>

/* The lowest order of ARKStep's IMEX methods: SUNDIALS 6 has none of order 2 (ARKStepSetOrder(2) runs its order-3 pair,
   silently); its second-order pair is counted on from SUNDIALS 7 only, and MemberAdvance() checks the order it ran. */
#if SUNDIALS_VERSION_MAJOR >= 7
#define FLOW_ARK_MIN_ORDER "2"
#else
#define FLOW_ARK_MIN_ORDER "3"
#endif

const char FlowRunHelp[] = "Run options (the same in every flow solver):\n"
                           "  -T <t>                    final time (100)\n"
                           "  -dt_save <dt>             time between saved states (1)\n"
                           "  -save_start <t>           first saved time (0): skip a transient\n"
                           "  -ensemble <K>             independent members, each with its own generator seeded from (-seed, member) (1)\n"
                           "  -seed <s>                 seed of the random initial states, the -lyapunov twins and a categorical surrogate's\n"
                           "                            draws (1); warned about where nothing uses it (-init_trajectory or a fixed initial\n"
                           "                            state, ks -init mode or kolmogorov -init taylor-green, without those two)\n"
                           "  -trajectory <out.h5>      HDF5 trajectory (time, field, diagnostics); .xmf beside 2-D fields, every member (none\n"
                           "                            beside /dev/null or a terminal; a pipe or /dev/stdout to a file: refused)\n"
                           "  -results <r.json>         JSON report: parameters, ARKODE statistics (of the members and their -lyapunov twins),\n"
                           "                            mean diagnostics, Lyapunov\n"
                           "  -ark_rtol <r>, -ark_atol <a>  ARKODE tolerances (1e-6, 1e-9)\n"
                           "  -ark_fixed_step <h>       fixed step instead of error control (0: adaptive)\n"
                           "  -ark_order <q>            order of the IMEX ARK method, " FLOW_ARK_MIN_ORDER " to 5 (4)\n"
                           "  -ark_max_steps <n>        steps allowed between two output times (saved times, segment ends) (1000000)\n"
                           "  -checkpoint <ck.h5>       checkpoint file, rewritten atomically every -checkpoint_every (-dt_save;\n"
                           "                            -lyapunov_tau with -lyapunov); a restart may then raise -T. The integrators\n"
                           "                            restart at every checkpoint: results differ from a run without -checkpoint\n"
                           "                            at rounding level (a chaotic flow grows that); fewer, larger -checkpoint_every\n"
                           "                            mean less I/O\n"
                           "  -restart <ck.h5>          continue an interrupted run from its checkpoint (same options, same ranks)\n"
                           "  -lyapunov                 leading Lyapunov exponent by two-trajectory renormalisation per member\n"
                           "  -lyapunov_tau <t>         renormalisation interval (1); -lyapunov_transient <t> spin-up first (half\n"
                           "                            of -T: -T 100 measures from t = 50; a restart keeps its checkpoint's)\n"
                           "  -lyapunov_eps <e>         separation, relative to the state's norm (1e-4; warned when the distance is under 50\n"
                           "                            times ARKODE's tolerance, -ark_rtol x RMS + -ark_atol, whose errors then make up\n"
                           "                            part of it); these three need -lyapunov\n"
                           "  -progress_every <s>       wall seconds between progress lines (10; 0: every segment)\n"
                           "  -abort_at <t>             kill the run (SIGKILL) at the first saved time >= t: tests restarts\n"
                           "  -init_trajectory <f.h5>   initial states from a saved trajectory: member k starts from member k mod M of the\n"
                           "                            file (M members) at -init_time (its first saved time); no -init options then\n"
                           "  -stepper arkode|sna       advance with ARKODE (default) or with a rollout surrogate (snaps-rollout-fit):\n"
                           "  -stepper_model <m.h5>     the surrogate; a categorical one samples each member's path from its own\n"
                           "                            generator (seeded by -seed and the member), so runs repeat on any number of ranks.\n"
                           "                            It must be trained for this system (equation, grid, L; Re, alpha, forcing wavenumber and amplitude).\n"
                           "                            -T, -dt_save and -save_start must be multiples of its step; no -lyapunov,\n"
                           "                            -checkpoint, -restart or -ark_* options. The saved row at t = 0 is the initial field\n"
                           "                            itself (full resolution); later rows are decoded from the model's latent modes, so\n"
                           "                            statistics over rows mix the two unless they start at -save_start > 0 or row 1\n"
                           "  -stepper_simd <bool>      with -stepper sna: evaluate the model's quadratic drift with AVX2 where the\n"
                           "                            CPU has it, 3 or 4 members of a rank at a time (true); the same results either way\n"
                           "                            (false runs the drift's portable code, to check that; refused for a drift of SNAs;\n"
                           "                            the heads' exponentials and KHRONOS rows take AVX2 wherever the CPU has it)\n";

typedef struct {
  Vec             y; /* the member's state, also ARKODE's output vector */
  N_Vector        nv;
  void           *ark;
  SUNLinearSolver ls;
  FlowRun         run;
  long            counts[5]; /* steps, attempts, explicit and implicit evaluations, error-test failures */
  PetscInt        index;     /* the member's number in the ensemble */
  PetscBool       twin;      /* a -lyapunov twin of member index */
} FlowMember;

struct _n_FlowRun {
  MPI_Comm    comm;
  PetscMPIInt rank, size;
  char        program[64];
  PetscReal   T, dt_save, save_start, rtol, atol, hfixed, ckpt_every, tau, transient, eps, progress_every, abort_at;
  PetscInt    K, seed, order, max_steps;
  PetscBool   lyapunov, simd, simd_set, seed_set;
  PetscBool   ark_set, lyap_set; /* an -ark_* option, a -lyapunov_* option was given */
  PetscBool   transient_set;     /* -lyapunov_transient was given (else half of -T, or a restart's checkpoint's) */
  char        stepper[16], stepper_model[PETSC_MAX_PATH_LEN], init_trajectory[PETSC_MAX_PATH_LEN];
  PetscReal   init_time, init_time_used; /* asked for (-init_time), and the saved time the members start from */
  PetscInt    init_members;              /* the members of -init_trajectory */
  PetscBool   init_time_set;
  /* -stepper sna: the surrogate, the latent states of this rank's members and their generators */
  SNAPSSurrogate sur;
  PetscReal     *zlat, tsur;
  PetscRandom   *rng;
  long           sur_steps;
  PetscReal      clamp_fraction; /* latent coordinates that left the training box per member step */
  PetscBool      clamps;         /* the model holds them at the box */
  /* a member split over the ranks gathered to rank 0 (GatherStates): made once, every member has the same layout */
  VecScatter tozero;
  Vec        zero;
  char       trajectory[PETSC_MAX_PATH_LEN], results[PETSC_MAX_PATH_LEN], checkpoint[PETSC_MAX_PATH_LEN], restart[PETSC_MAX_PATH_LEN];
  /* set up by FlowRunSolve */
  FlowProblem    *pb;
  SUNContext      sun;
  PetscInt        k0, k1; /* this rank's members [k0, k1) */
  PetscInt        npts;   /* grid points of one member */
  FlowMember     *m, *twin;
  PetscBool       twins;                 /* the twins exist (after the transient) */
  PetscReal      *lsum, lstart, d0scale; /* lsum[k]: sum of log(d/d0) of member k (this rank's members only) */
  PetscInt        next_save;             /* index of the next saved time */
  MPI_Comm        sun_comm;
  SNAPSProgress   progress;          /* -progress_every: when a line is due; its wall0 is the run's start */
  PetscLogDouble  load_s;            /* of wall_time_s, the seconds spent loading the surrogate model (-stepper sna) */
  PetscReal       t_begin;           /* simulated time at the start of this run (0, or the restart's) */
  PetscLogDouble  wall_before;       /* wall seconds of the runs before a -restart, up to its checkpoint (0 from an older one) */
  PetscBool       before_unknown[2]; /* a -restart from an older checkpoint: the earlier runs' wall time, the twins' counts not recorded */
  PetscReal       t, *diag_sum, *diag_sq;
  PetscInt        nstat;
  PetscErrorCode  cb_error; /* a PETSc error inside an ARKODE callback */
  SNAPSTrajectory traj;
};

/* ---- ARKODE callbacks: PETSc errors are kept and turned into a failed step ---- */

static int RhsExplicit(sunrealtype t, N_Vector y, N_Vector f, void *user)
{
  FlowMember *m = (FlowMember *)user;

  m->run->cb_error = m->run->pb->explicit_rhs(m->run->pb->ctx, t, N_VGetVector_Petsc(y), N_VGetVector_Petsc(f));
  return m->run->cb_error ? -1 : 0;
}

static int RhsImplicit(sunrealtype t, N_Vector y, N_Vector f, void *user)
{
  FlowMember *m = (FlowMember *)user;

  (void)t;
  m->run->cb_error = m->run->pb->linear_apply(m->run->pb->ctx, N_VGetVector_Petsc(y), N_VGetVector_Petsc(f));
  return m->run->cb_error ? -1 : 0;
}

/* The exact solve of the stage equation: L is diagonal in Fourier space, so no iteration and no matrix. */
static SUNLinearSolver_Type LSGetType(SUNLinearSolver S)
{
  (void)S;
  return SUNLINEARSOLVER_MATRIX_EMBEDDED;
}

static int LSSolve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b, sunrealtype tol)
{
  FlowMember *m = (FlowMember *)S->content;
  sunrealtype gamma;

  (void)A;
  (void)tol;
  if (ARKStepGetCurrentGamma(m->ark, &gamma) != ARK_SUCCESS) return -1;
  m->run->cb_error = m->run->pb->linear_solve(m->run->pb->ctx, gamma, N_VGetVector_Petsc(b), N_VGetVector_Petsc(x));
  return m->run->cb_error ? -1 : 0;
}

static int LSFree(SUNLinearSolver S)
{
  S->content = NULL;
  SUNLinSolFreeEmpty(S);
  return 0;
}

#define ARKCall(call)                                                                                                                                      \
  do {                                                                                                                                                     \
    int _flag = (call);                                                                                                                                    \
    PetscCheck(_flag >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "SUNDIALS ARKODE: %s failed with flag %d (%s)", #call, _flag, ARKStepGetReturnFlagName(_flag)); \
  } while (0)

/* The phases of a run, for -log_view (where a surrogate rollout's time goes: loading the model, setting up the
   members, stepping, decoding, the per-field diagnostics and writing; and ARKODE's integration, and the checkpoints
   written and read, every member's state each: often the largest cost after the integration). */
static PetscLogEvent FLOW_LOAD, FLOW_SETUP, FLOW_STEP, FLOW_DECODE, FLOW_DIAG, FLOW_WRITE, FLOW_INTEGRATE, FLOW_CHECKPOINT;

static PetscErrorCode FlowRegisterEvents(void)
{
  static PetscBool done = PETSC_FALSE;

  PetscFunctionBegin;
  if (done) PetscFunctionReturn(0);
  done = PETSC_TRUE;
  PetscCall(PetscLogEventRegister("FlowModelLoad", PETSC_OBJECT_CLASSID, &FLOW_LOAD));
  PetscCall(PetscLogEventRegister("FlowSetup", PETSC_OBJECT_CLASSID, &FLOW_SETUP));
  PetscCall(PetscLogEventRegister("FlowSurStep", PETSC_OBJECT_CLASSID, &FLOW_STEP));
  PetscCall(PetscLogEventRegister("FlowSurDecode", PETSC_OBJECT_CLASSID, &FLOW_DECODE));
  PetscCall(PetscLogEventRegister("FlowDiagnostics", PETSC_OBJECT_CLASSID, &FLOW_DIAG));
  PetscCall(PetscLogEventRegister("FlowWrite", PETSC_OBJECT_CLASSID, &FLOW_WRITE));
  PetscCall(PetscLogEventRegister("FlowIntegrate", PETSC_OBJECT_CLASSID, &FLOW_INTEGRATE));
  PetscCall(PetscLogEventRegister("FlowCheckpoint", PETSC_OBJECT_CLASSID, &FLOW_CHECKPOINT));
  PetscFunctionReturn(0);
}

/* ---- options ---- */

PetscErrorCode FlowRunCreate(MPI_Comm comm, const char program[], FlowRun *run)
{
  FlowRun r;

  PetscFunctionBegin;
  PetscCall(FlowRegisterEvents());
  PetscCall(PetscNew(&r));
  r->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &r->rank));
  PetscCallMPI(MPI_Comm_size(comm, &r->size));
  PetscCall(PetscStrncpy(r->program, program, sizeof(r->program)));
  r->T              = 100;
  r->dt_save        = 1;
  r->K              = 1;
  r->seed           = 1;
  r->rtol           = 1e-6;
  r->atol           = 1e-9;
  r->order          = 4;
  r->max_steps      = 1000000;
  r->tau            = 1;
  r->transient      = 50;   /* half of -T when not given (FlowRunSetFromOptions()) */
  r->eps            = 1e-4; /* 100 times -ark_rtol's default, above ARKODE's errors (WarnTwinDistance()), and still linear over tau */
  r->progress_every = 10;
  r->abort_at       = PETSC_MAX_REAL;
  r->simd           = PETSC_TRUE;
  PetscCall(PetscStrncpy(r->stepper, "arkode", sizeof(r->stepper)));
  *run = r;
  PetscFunctionReturn(0);
}

/* Checks that option name has a positive finite value. */
static PetscErrorCode CheckPositive(MPI_Comm comm, const char name[], PetscReal v)
{
  PetscFunctionBegin;
  PetscCheck(v > 0 && v < PETSC_MAX_REAL, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s must be positive and finite, not %g", name, (double)v);
  PetscFunctionReturn(0);
}

/* The output files are distinct, and none of them is the checkpoint a restart reads (the checkpoint file
   itself may be both: it is read first, then rewritten atomically); no viewer option writes an input or an output. */
static PetscErrorCode CheckOutputs(FlowRun r)
{
  const char *opt[3] = {"-trajectory", "-checkpoint", "-results"}, *file[3] = {r->trajectory, r->checkpoint, r->results};
  const char *in_opt[3]  = {"-restart", "-init_trajectory", "-stepper_model"};
  const char *in_file[3] = {r->restart[0] ? r->restart : NULL, r->init_trajectory[0] ? r->init_trajectory : NULL, r->stepper_model[0] ? r->stepper_model : NULL};

  PetscFunctionBegin;
  PetscCall(SNAPSCheckOutputs(r->comm, 3, opt, file));
  if (r->trajectory[0]) PetscCall(SNAPSCheckOutputNotInput(r->comm, "-trajectory", r->trajectory, 3, in_opt, in_file));
  if (r->results[0]) PetscCall(SNAPSCheckOutputNotInput(r->comm, "-results", r->results, 3, in_opt, in_file));
  if (r->checkpoint[0]) PetscCall(SNAPSCheckOutputNotInput(r->comm, "-checkpoint", r->checkpoint, 2, in_opt + 1, in_file + 1)); /* may be -restart's */
  /* -log_view ascii:<the -init_trajectory file> replaced it by the log at the end of the run */
  PetscCall(SNAPSCheckViewerFiles(r->comm, 3, in_opt, in_file, 3, opt, file));
  PetscFunctionReturn(0);
}

/* The time of row k of the trajectory, and whether it is saved in a segment that ends at tend (a rounding error past
   tend still is): one rule for AdvanceSegment(), which saves the rows, and WarnUnsavedEnd(). */
static inline PetscReal RowTime(FlowRun r, PetscReal k)
{
  return r->save_start + k * r->dt_save;
}

static inline PetscBool RowWithin(PetscReal ts, PetscReal tend)
{
  return (PetscBool)(ts <= tend * (1 + 1e-14));
}

/* A -T between two rows ends the run after the last row, and the final state was left out of the trajectory
   silently. Rows stay evenly spaced (the statistics assume it): warned, naming the two -T that would keep it. */
static PetscErrorCode WarnUnsavedEnd(FlowRun r)
{
  PetscReal k, last;

  PetscFunctionBegin;
  if (!r->trajectory[0]) PetscFunctionReturn(0);
  k = PetscFloorReal((r->T - r->save_start) / r->dt_save); /* the last row, up to the division's rounding */
  if (RowWithin(RowTime(r, k + 1), r->T)) k++;
  last = RowTime(r, k);
  if (r->T - last <= 1e-9 * r->dt_save) PetscFunctionReturn(0);
  if (k == 0) { /* one row: -T less one row would be -T 0 (refused) or a run of no rows after the first */
    PetscCall(PetscPrintf(r->comm, "WARNING: %s: -dt_save %g is longer than -T %g less -save_start %g: the trajectory holds one row (t = %g), and the final state (t = %g) is %s; lower -dt_save (%g saves it), or give -T %g\n", r->program, (double)r->dt_save, (double)r->T, (double)r->save_start, (double)last, (double)r->T,
                          r->checkpoint[0] ? "only in the -checkpoint file" : "not saved", (double)(r->T - r->save_start), (double)(last + r->dt_save)));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscPrintf(r->comm, "WARNING: %s: -T %g is not -save_start %g plus a multiple of -dt_save %g: the trajectory's last row is t = %g, and the final state (t = %g) is %s; give -T %g or %g to save it\n", r->program, (double)r->T, (double)r->save_start, (double)r->dt_save, (double)last, (double)r->T,
                        r->checkpoint[0] ? "only in the -checkpoint file" : "not saved", (double)last, (double)(last + r->dt_save)));
  PetscFunctionReturn(0);
}

/* -lyapunov measures something: the twins start (at the first multiple of tau at or after the transient, as in
   FlowRunSolve) before -T. Checked when the options are read and again after a -restart takes its checkpoint's
   default transient (half of the interrupted run's -T: a restart that lowers -T could leave no twins, exponent 0). */
static PetscErrorCode CheckLyapunovSpan(FlowRun r)
{
  const PetscReal start = PetscMax(1, PetscCeilReal(r->transient * (1 - 1e-14) / r->tau - 1e-9)) * r->tau;
  const char     *dflt  = r->transient_set ? "" : (r->restart[0] ? " (-lyapunov_transient: the interrupted run's, half of its -T, when not given)" : " (-lyapunov_transient: half of -T when not given)");

  PetscFunctionBegin;
  PetscCheck(r->transient < r->T, r->comm, PETSC_ERR_USER_INPUT, "-lyapunov needs -T %g beyond -lyapunov_transient %g%s", (double)r->T, (double)r->transient, dflt);
  PetscCheck(start < r->T * (1 - 1e-14), r->comm, PETSC_ERR_USER_INPUT, "-lyapunov measures nothing: the twins start at the first multiple of -lyapunov_tau %g at or after -lyapunov_transient %g, t = %g, which is not before -T %g; raise -T, or lower -lyapunov_transient or -lyapunov_tau%s", (double)r->tau, (double)r->transient, (double)start, (double)r->T, dflt);
  PetscFunctionReturn(0);
}

/* -stepper sna advances members with a surrogate: no ARKODE, so nothing that needs its integrators. */
static PetscErrorCode CheckStepper(FlowRun r)
{
  PetscFunctionBegin;
  PetscCheck(!strcmp(r->stepper, "arkode") || !strcmp(r->stepper, "sna"), r->comm, PETSC_ERR_ARG_UNKNOWN_TYPE, "-stepper %s: use arkode or sna", r->stepper);
  PetscCheck(!r->init_time_set || r->init_trajectory[0], r->comm, PETSC_ERR_USER_INPUT, "-init_time %g needs -init_trajectory <file>", (double)r->init_time);
  if (!strcmp(r->stepper, "arkode")) {
    PetscCheck(!r->stepper_model[0], r->comm, PETSC_ERR_USER_INPUT, "-stepper_model %s needs -stepper sna", r->stepper_model);
    PetscCheck(!r->simd_set, r->comm, PETSC_ERR_USER_INPUT, "-stepper_simd applies to -stepper sna only: remove it or add -stepper sna -stepper_model <m.h5>");
    /* ARKODE draws nothing: the seed feeds only the random initial states and the Lyapunov twins */
    if (r->seed_set && r->init_trajectory[0] && !r->lyapunov) PetscCall(PetscPrintf(r->comm, "WARNING: %s: -seed %" PetscInt_FMT " does not apply with -init_trajectory and -stepper arkode: the members start from the states of '%s' and nothing is drawn (-seed seeds the random initial states, the -lyapunov twins and a categorical surrogate's draws); it is ignored\n", r->program, r->seed, r->init_trajectory));
    PetscFunctionReturn(0);
  }
  PetscCheck(r->stepper_model[0], r->comm, PETSC_ERR_USER_INPUT, "-stepper sna needs -stepper_model <m.h5> (a model from snaps-rollout-fit)");
  /* options of the ARKODE runs that do not apply to a surrogate run: refused as every program refuses an option of a
     mode not chosen (PETSC_ERR_USER_INPUT, exit 95), naming the option and why */
  PetscCheck(!r->lyapunov, r->comm, PETSC_ERR_USER_INPUT, "-lyapunov does not apply to -stepper sna: the exponent is measured on twin members integrated by ARKODE, renormalised every -lyapunov_tau, and a surrogate advances no twins (a categorical one's draws would separate them by themselves): remove -lyapunov, or use -stepper arkode");
  PetscCheck(!r->checkpoint[0], r->comm, PETSC_ERR_USER_INPUT, "-checkpoint %s does not apply to -stepper sna: checkpoints and restarts are those of ARKODE runs, and a surrogate run saves none of its state (its latent states and random draws): remove -checkpoint, or use -stepper arkode", r->checkpoint);
  PetscCheck(!r->restart[0], r->comm, PETSC_ERR_USER_INPUT, "-restart %s does not apply to -stepper sna: it resumes an ARKODE run from its checkpoint, and a surrogate run neither writes nor reads one: remove -restart (run the surrogate again from the start), or use -stepper arkode", r->restart);
  PetscCheck(!r->ark_set, r->comm, PETSC_ERR_USER_INPUT, "The -ark_* options (tolerances, step, order, step limit) set ARKODE, which -stepper sna does not use: remove them, or use -stepper arkode");
  PetscFunctionReturn(0);
}

PetscBool FlowRunUsesSurrogate(FlowRun r)
{
  return (PetscBool)!strcmp(r->stepper, "sna");
}

PetscErrorCode FlowRunSetFromOptions(FlowRun r, PetscOptionItems *PetscOptionsObject)
{
  PetscBool has, set[8] = {PETSC_FALSE}, help;

  PetscFunctionBegin;
  PetscCall(PetscOptionsReal("-T", "Final time", NULL, r->T, &r->T, NULL));
  PetscCall(PetscOptionsReal("-dt_save", "Time between saved states", NULL, r->dt_save, &r->dt_save, NULL));
  PetscCall(PetscOptionsReal("-save_start", "First saved time", NULL, r->save_start, &r->save_start, NULL));
  PetscCall(PetscOptionsBoundedInt("-ensemble", "Independent members", NULL, r->K, &r->K, NULL, 1));
  PetscCall(PetscOptionsBoundedInt("-seed", "Seed of the random initial states, the -lyapunov twins and a categorical surrogate's draws", NULL, r->seed, &r->seed, &r->seed_set, 0));
  PetscCall(PetscOptionsString("-trajectory", "HDF5 trajectory file", NULL, r->trajectory, r->trajectory, sizeof(r->trajectory), NULL));
  PetscCall(PetscOptionsString("-results", "JSON report", NULL, r->results, r->results, sizeof(r->results), NULL));
  PetscCall(PetscOptionsReal("-ark_rtol", "ARKODE relative tolerance", NULL, r->rtol, &r->rtol, &set[0]));
  PetscCall(PetscOptionsReal("-ark_atol", "ARKODE absolute tolerance", NULL, r->atol, &r->atol, &set[1]));
  PetscCall(PetscOptionsReal("-ark_fixed_step", "Fixed step (0: adaptive)", NULL, r->hfixed, &r->hfixed, &set[2]));
  PetscCall(PetscOptionsInt("-ark_order", "Order of the IMEX ARK method (" FLOW_ARK_MIN_ORDER " to 5)", NULL, r->order, &r->order, &set[3])); /* checked below, naming the orders there are */
  PetscCall(PetscOptionsBoundedInt("-ark_max_steps", "Steps allowed between two output times (saved times, segment ends)", NULL, r->max_steps, &r->max_steps, &set[4], 1));
  PetscCall(PetscOptionsString("-checkpoint", "Checkpoint file", NULL, r->checkpoint, r->checkpoint, sizeof(r->checkpoint), NULL));
  PetscCall(PetscOptionsReal("-checkpoint_every", "Simulated time between checkpoints (default -dt_save; -lyapunov_tau with -lyapunov)", NULL, r->ckpt_every, &r->ckpt_every, &has));
  PetscCall(PetscOptionsString("-restart", "Checkpoint to continue from", NULL, r->restart, r->restart, sizeof(r->restart), NULL));
  PetscCall(PetscOptionsBool("-lyapunov", "Measure the leading Lyapunov exponent", NULL, r->lyapunov, &r->lyapunov, NULL));
  PetscCall(PetscOptionsReal("-lyapunov_tau", "Renormalisation interval", NULL, r->tau, &r->tau, &set[5]));
  /* a fixed default (it was 100, -T's default) refused the default run: half of -T leaves half to measure */
  if (!r->transient_set) r->transient = r->T / 2;
  PetscCall(PetscOptionsReal("-lyapunov_transient", "Spin-up before the twins start (default: half of -T; a restart: its checkpoint's)", NULL, r->transient, &r->transient, &set[6]));
  r->transient_set = set[6];
  PetscCall(PetscOptionsReal("-lyapunov_eps", "Twin separation relative to the state's norm", NULL, r->eps, &r->eps, &set[7]));
  r->ark_set  = (PetscBool)(set[0] || set[1] || set[2] || set[3] || set[4]);
  r->lyap_set = (PetscBool)(set[5] || set[6] || set[7]);
  PetscCall(PetscOptionsReal("-progress_every", "Wall seconds between progress lines", NULL, r->progress_every, &r->progress_every, NULL));
  PetscCall(PetscOptionsReal("-abort_at", "Kill the run at the first saved time >= this (tests restarts)", NULL, r->abort_at, &r->abort_at, NULL));
  PetscCall(PetscOptionsString("-init_trajectory", "Initial states from this trajectory file", NULL, r->init_trajectory, r->init_trajectory, sizeof(r->init_trajectory), NULL));
  PetscCall(PetscOptionsReal("-init_time", "Saved time of -init_trajectory to start from (default: its first)", NULL, r->init_time, &r->init_time, &r->init_time_set));
  PetscCall(PetscOptionsString("-stepper", "Time stepper: arkode or sna (a rollout surrogate)", NULL, r->stepper, r->stepper, sizeof(r->stepper), NULL));
  PetscCall(PetscOptionsString("-stepper_model", "Rollout surrogate model (with -stepper sna)", NULL, r->stepper_model, r->stepper_model, sizeof(r->stepper_model), NULL));
  PetscCall(PetscOptionsBool("-stepper_simd", "With -stepper sna: evaluate a quadratic drift with AVX2 where the CPU has it (the same results either way)", NULL, r->simd, &r->simd, &r->simd_set));
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) PetscFunctionReturn(0); /* a help run prints the options; it checks none of them */
  /* given without a name, each was read as absent: -init_trajectory started from a random state, -results wrote nothing */
  {
    const char *named[6] = {"-trajectory", "-results", "-checkpoint", "-restart", "-init_trajectory", "-stepper_model"};

    PetscCall(SNAPSOptionsCheckFileNames(r->comm, PetscOptionsObject->prefix, 6, named));
  }
  PetscCall(CheckStepper(r));
  PetscCheck(r->lyapunov || !r->lyap_set, r->comm, PETSC_ERR_USER_INPUT, "-lyapunov_tau, -lyapunov_transient and -lyapunov_eps apply to -lyapunov only: add -lyapunov, or remove them");
  PetscCall(CheckPositive(r->comm, "-T", r->T));
  PetscCall(CheckPositive(r->comm, "-dt_save", r->dt_save));
  PetscCall(CheckPositive(r->comm, "-ark_rtol", r->rtol));
  PetscCall(CheckPositive(r->comm, "-ark_atol", r->atol));
  PetscCall(CheckPositive(r->comm, "-lyapunov_tau", r->tau));
  PetscCall(CheckPositive(r->comm, "-lyapunov_eps", r->eps));
  PetscCheck(r->order >= atoi(FLOW_ARK_MIN_ORDER) && r->order <= 5, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ark_order %" PetscInt_FMT ": SUNDIALS %s (this build's) has no IMEX ARK method of that order%s: give -ark_order " FLOW_ARK_MIN_ORDER " to 5", r->order, SUNDIALS_VERSION, r->order > 1 && r->order < 5 ? " (ARKStep would run one of another order, silently)" : "");
  PetscCheck(r->hfixed >= 0 && r->hfixed < r->T, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ark_fixed_step %g must be 0 (adaptive) or a step below -T %g", (double)r->hfixed, (double)r->T);
  /* a fixed step turns ARKODE's error control off and the stage solves are exact: the tolerances would change nothing */
  PetscCheck(!(r->hfixed > 0 && (set[0] || set[1])), r->comm, PETSC_ERR_USER_INPUT, "%s%s%s set ARKODE's error control, which -ark_fixed_step %g turns off: remove %s, or -ark_fixed_step", set[0] ? "-ark_rtol" : "", set[0] && set[1] ? " and " : "", set[1] ? "-ark_atol" : "",
             (double)r->hfixed, set[0] && set[1] ? "them" : "it");
  /* NaN never compared due (no line ever) and a negative value acted as 0: both silently */
  PetscCheck(!PetscIsNanReal(r->progress_every) && r->progress_every >= 0, r->comm, PETSC_ERR_USER_INPUT, "-progress_every must be >= 0 (0: every segment), not %g", (double)r->progress_every);
  PetscCheck(r->save_start >= 0 && r->transient >= 0, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "-save_start and -lyapunov_transient cannot be negative");
  PetscCheck(r->save_start <= r->T, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "-save_start %g is beyond -T %g: nothing would be saved; lower it or raise -T", (double)r->save_start, (double)r->T);
  PetscCheck(!has || r->checkpoint[0], r->comm, PETSC_ERR_USER_INPUT, "-checkpoint_every %g needs -checkpoint <file>", (double)r->ckpt_every);
  if (has) PetscCall(CheckPositive(r->comm, "-checkpoint_every", r->ckpt_every));
  /* the segment is part of the run's fingerprint (integrators restart at its ends): a default of -T would make
     a checkpoint useless to a restart that raises -T, the one thing a restart may change */
  else if (r->checkpoint[0] || r->restart[0]) /* a restart without -checkpoint continues a run that had one */
    r->ckpt_every = r->lyapunov ? r->tau : r->dt_save;
  else
    r->ckpt_every = r->T;
  if (r->lyapunov) {
    PetscReal q = r->ckpt_every / r->tau;
    PetscCheck(!has || PetscAbsReal(q - round(q)) < 1e-9 * q, r->comm, PETSC_ERR_USER_INPUT, "-checkpoint_every %g must be a multiple of -lyapunov_tau %g", (double)r->ckpt_every, (double)r->tau);
    PetscCall(CheckLyapunovSpan(r));
  }
  PetscCheck(r->K <= PETSC_MAX_INT / 2, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ensemble %" PetscInt_FMT " is too large", r->K);
  PetscCall(CheckOutputs(r));
  PetscCall(WarnUnsavedEnd(r));
  PetscFunctionReturn(0);
}

/*@C
  FlowRunCheckInitOptions - Refuses the equation's initial-state options (n names, set[i]: option i was given)
  when the members start from -init_trajectory, which replaces that state: they would be ignored. Call after
  FlowRunSetFromOptions(). Collective.
@*/
PetscErrorCode FlowRunCheckInitOptions(FlowRun r, PetscInt n, const char *const names[], const PetscBool set[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n && r->init_trajectory[0]; i++) PetscCheck(!set[i], r->comm, PETSC_ERR_USER_INPUT, "%s does not apply with -init_trajectory: the members start from the states of '%s'. Remove one of them", names[i], r->init_trajectory);
  PetscFunctionReturn(0);
}

/* ---- members ---- */

static PetscErrorCode MemberCreate(FlowRun r, FlowMember *m, PetscReal t)
{
  FlowProblem *pb = r->pb;

  PetscFunctionBegin;
  m->run = r;
  PetscCall(pb->create_vec(pb->ctx, &m->y));
  if (r->sur) PetscFunctionReturn(0); /* the surrogate steps the members itself */
  m->nv  = N_VMake_Petsc(m->y, r->sun);
  m->ark = ARKStepCreate(RhsExplicit, RhsImplicit, t, m->nv, r->sun);
  PetscCheck(m->nv && m->ark, PETSC_COMM_SELF, PETSC_ERR_LIB, "SUNDIALS could not create the integrator");
  ARKCall(ARKStepSetUserData(m->ark, m));
  ARKCall(ARKStepSStolerances(m->ark, r->rtol, r->atol));
  ARKCall(ARKStepSetOrder(m->ark, (int)r->order));
  ARKCall(ARKStepSetMaxNumSteps(m->ark, (long)r->max_steps));
  if (r->hfixed > 0) ARKCall(ARKStepSetFixedStep(m->ark, r->hfixed));
  m->ls = SUNLinSolNewEmpty(r->sun);
  PetscCheck(m->ls, PETSC_COMM_SELF, PETSC_ERR_LIB, "SUNDIALS could not create the linear solver");
  m->ls->content      = m;
  m->ls->ops->gettype = LSGetType;
  m->ls->ops->solve   = LSSolve;
  m->ls->ops->free    = LSFree;
  ARKCall(ARKStepSetLinearSolver(m->ark, m->ls, NULL));
  ARKCall(ARKStepSetLinear(m->ark, 0));                  /* linearly implicit: one Newton iteration, solved exactly */
  ARKCall(ARKStepSetDeduceImplicitRhs(m->ark, SUNTRUE)); /* the exact solve gives L z without another evaluation */
  PetscFunctionReturn(0);
}

/* The member's ARKODE counters since its last reset. */
static PetscErrorCode MemberCurrentCounts(FlowMember *m, long c[5])
{
  PetscFunctionBegin;
  ARKCall(ARKStepGetNumSteps(m->ark, &c[0]));
  ARKCall(ARKStepGetNumStepAttempts(m->ark, &c[1]));
  ARKCall(ARKStepGetNumRhsEvals(m->ark, &c[2], &c[3]));
  ARKCall(ARKStepGetNumErrTestFails(m->ark, &c[4]));
  PetscFunctionReturn(0);
}

/* Adds the member's ARKODE counters to its totals (they restart at each reset). */
static PetscErrorCode MemberAddCounts(FlowMember *m)
{
  long c[5];

  PetscFunctionBegin;
  PetscCall(MemberCurrentCounts(m, c));
  for (int j = 0; j < 5; j++) m->counts[j] += c[j];
  PetscFunctionReturn(0);
}

/* Restarts the member's integrator from the state in m->y at time t with first step h (0: estimate),
   stopping at tstop. The same call at every segment end and after a -restart keeps runs bit for bit. */
static PetscErrorCode MemberRestart(FlowMember *m, PetscReal t, PetscReal h, PetscReal tstop)
{
  PetscFunctionBegin;
  PetscCall(MemberAddCounts(m));
  ARKCall(ARKStepReInit(m->ark, RhsExplicit, RhsImplicit, t, m->nv));
  if (m->run->hfixed > 0)
    ARKCall(ARKStepSetFixedStep(m->ark, m->run->hfixed)); /* ARKStepSetInitStep(0) would unset it */
  else
    ARKCall(ARKStepSetInitStep(m->ark, h));
  ARKCall(ARKStepSetStopTime(m->ark, tstop));
  PetscFunctionReturn(0);
}

static PetscErrorCode MemberDestroy(FlowMember *m)
{
  PetscFunctionBegin;
  if (m->ark) ARKStepFree(&m->ark);
  if (m->ls) SUNLinSolFree(m->ls);
  if (m->nv) N_VDestroy(m->nv);
  PetscCall(VecDestroy(&m->y));
  PetscFunctionReturn(0);
}

/* Advances the member to tout (<= its stop time); m->y holds the state there. */
static PetscErrorCode MemberAdvance(FlowRun r, FlowMember *m, PetscReal tout)
{
  sunrealtype tret;
  int         flag;

  PetscFunctionBegin;
  r->cb_error = 0;
  PetscCall(PetscLogEventBegin(FLOW_INTEGRATE, 0, 0, 0, 0));
  flag = ARKStepEvolve(m->ark, tout, m->nv, &tret, ARK_NORMAL);
  PetscCall(PetscLogEventEnd(FLOW_INTEGRATE, 0, 0, 0, 0));
  PetscCall(r->cb_error);
  PetscCheck(flag != ARK_TOO_MUCH_WORK, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "ARKODE failed to advance to t = %g (flag %d, %s): it took -ark_max_steps %" PetscInt_FMT " steps since the last output time (saved time or segment end); raise -ark_max_steps (or -ark_fixed_step, if set)", (double)tout, flag, ARKStepGetReturnFlagName(flag), r->max_steps);
  PetscCheck(flag >= 0, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "ARKODE failed to advance to t = %g (flag %d, %s): the solution may have blown up; reduce %s, or raise -N", (double)tout, flag, ARKStepGetReturnFlagName(flag), r->hfixed > 0 ? "-ark_fixed_step" : "-ark_rtol");
  /* a positive flag also means "stopped at the stop time": short of tout, the state is not the one at tout */
  PetscCheck(PetscAbsReal((PetscReal)tret - tout) <= 1e-12 * PetscMax(1, PetscAbsReal(tout)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "ARKODE stopped at t = %.17g, not at the requested t = %.17g (flag %d, %s): its stop time and the segment end disagree; this is a bug of the flow driver", (double)tret, (double)tout, flag, ARKStepGetReturnFlagName(flag));
  { /* ARKStep maps an order it has no IMEX method of to another one, silently (SUNDIALS 6: 2 to 3) */
    ARKodeButcherTable bi = NULL, be = NULL;

    ARKCall(ARKStepGetCurrentButcherTables(m->ark, &bi, &be));
    PetscCheck(!be || be->q == r->order, PETSC_COMM_SELF, PETSC_ERR_LIB, "-ark_order %" PetscInt_FMT ": SUNDIALS %s integrated with its IMEX method of order %d instead (it has none of order %" PetscInt_FMT "): give -ark_order %d", r->order, SUNDIALS_VERSION, be->q, r->order, be->q);
  }
  { /* a fixed step has no error test: a step too large for the flow blows the state up to NaN, which ARKODE then
       returns as a success; caught here, not written to the trajectory, the checkpoint and the report */
    PetscReal nrm;

    PetscCall(VecNorm(m->y, NORM_2, &nrm)); /* collective on the member's ranks, which all advance it */
    PetscCheck(!PetscIsInfOrNanReal(nrm), PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "ARKODE's state of %s %" PetscInt_FMT " is not finite (NaN or Inf) at t = %g: the integration blew up; %s", m->twin ? "the -lyapunov twin of member" : "member",
               m->index, (double)tout, r->hfixed > 0 ? "-ark_fixed_step has no error control: lower it, or leave it out (adaptive steps)" : "reduce -ark_rtol, or raise -N");
  }
  PetscFunctionReturn(0);
}

static PetscBool SelfMembers(FlowRun r)
{
  return r->pb->member_comm == PETSC_COMM_SELF ? PETSC_TRUE : PETSC_FALSE;
}

/* ---- gathering members to rank 0 and back ---- */

/* all[K x npts] on rank 0 from the members' vectors (mem: the base or the twins). Collective. */
static PetscErrorCode GatherStates(FlowRun r, FlowMember *mem, PetscReal all[])
{
  PetscFunctionBegin;
  if (SelfMembers(r)) {
    PetscMPIInt *counts = NULL, *displs = NULL, n;
    PetscReal   *buf;

    PetscCall(PetscMPIIntCast((r->k1 - r->k0) * r->npts, &n));
    PetscCall(PetscMalloc1(PetscMax(1, (r->k1 - r->k0) * r->npts), &buf));
    for (PetscInt k = r->k0; k < r->k1; k++) {
      const PetscScalar *y;
      PetscCall(VecGetArrayRead(mem[k - r->k0].y, &y));
      PetscCall(PetscArraycpy(buf + (k - r->k0) * r->npts, y, r->npts));
      PetscCall(VecRestoreArrayRead(mem[k - r->k0].y, &y));
    }
    if (!r->rank) {
      PetscCall(PetscMalloc2(r->size, &counts, r->size, &displs));
      for (PetscMPIInt p = 0; p < r->size; p++) {
        PetscInt a = r->K * p / r->size, b = r->K * (p + 1) / r->size;
        PetscCall(PetscMPIIntCast((b - a) * r->npts, &counts[p]));
        PetscCall(PetscMPIIntCast(a * r->npts, &displs[p]));
      }
    }
    PetscCallMPI(MPI_Gatherv(buf, n, MPIU_REAL, all, counts, displs, MPIU_REAL, 0, r->comm));
    PetscCall(PetscFree2(counts, displs));
    PetscCall(PetscFree(buf));
  } else {
    if (!r->tozero && r->K) PetscCall(VecScatterCreateToZero(mem[0].y, &r->tozero, &r->zero)); /* once: it cost 13% of a surrogate rollout */
    for (PetscInt k = 0; k < r->K; k++) {
      const PetscScalar *a;
      PetscCall(VecScatterBegin(r->tozero, mem[k].y, r->zero, INSERT_VALUES, SCATTER_FORWARD));
      PetscCall(VecScatterEnd(r->tozero, mem[k].y, r->zero, INSERT_VALUES, SCATTER_FORWARD));
      if (!r->rank) {
        PetscCall(VecGetArrayRead(r->zero, &a));
        PetscCall(PetscArraycpy(all + k * r->npts, a, r->npts));
        PetscCall(VecRestoreArrayRead(r->zero, &a));
      }
    }
  }
  PetscFunctionReturn(0);
}

/* The members' vectors from all[K x npts], present on every rank. */
static PetscErrorCode ScatterStates(FlowRun r, FlowMember *mem, const PetscReal all[])
{
  PetscFunctionBegin;
  for (PetscInt k = SelfMembers(r) ? r->k0 : 0; k < (SelfMembers(r) ? r->k1 : r->K); k++) {
    FlowMember  *m = &mem[SelfMembers(r) ? k - r->k0 : k];
    PetscInt     lo, hi;
    PetscScalar *y;
    PetscCall(VecGetOwnershipRange(m->y, &lo, &hi));
    PetscCall(VecGetArray(m->y, &y));
    PetscCall(PetscArraycpy(y, all + k * r->npts + lo, hi - lo));
    PetscCall(VecRestoreArray(m->y, &y));
  }
  PetscFunctionReturn(0);
}

/* Per-member rows of nc values (values of this rank's members, or every member's on all ranks) gathered to
   all[K x nc] on every rank. */
static PetscErrorCode GatherRows(FlowRun r, PetscInt nc, const PetscReal mine[], PetscReal all[])
{
  PetscFunctionBegin;
  if (SelfMembers(r)) {
    PetscMPIInt *counts, *displs, n;
    PetscCall(PetscMalloc2(r->size, &counts, r->size, &displs));
    for (PetscMPIInt p = 0; p < r->size; p++) {
      PetscInt a = r->K * p / r->size, b = r->K * (p + 1) / r->size;
      PetscCall(PetscMPIIntCast((b - a) * nc, &counts[p]));
      PetscCall(PetscMPIIntCast(a * nc, &displs[p]));
    }
    PetscCall(PetscMPIIntCast((r->k1 - r->k0) * nc, &n));
    PetscCallMPI(MPI_Allgatherv(mine, n, MPIU_REAL, all, counts, displs, MPIU_REAL, r->comm));
    PetscCall(PetscFree2(counts, displs));
  } else
    PetscCall(PetscArraycpy(all, mine, r->K * nc));
  PetscFunctionReturn(0);
}

static PetscInt LocalCount(FlowRun r)
{
  return SelfMembers(r) ? r->k1 - r->k0 : r->K;
}

/* ---- saving ---- */

static PetscErrorCode SaveRow(FlowRun r, PetscReal t)
{
  PetscInt   nl = LocalCount(r), nd = r->pb->desc.ndiag;
  PetscReal *field = NULL, *mine, *diag;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(PetscMax(1, nl * nd), &mine, r->K * nd, &diag));
  PetscCall(PetscLogEventBegin(FLOW_DIAG, 0, 0, 0, 0));
  for (PetscInt i = 0; i < nl; i++) PetscCall(r->pb->diagnostics(r->pb->ctx, r->m[i].y, mine + i * nd));
  PetscCall(GatherRows(r, nd, mine, diag));
  PetscCall(PetscLogEventEnd(FLOW_DIAG, 0, 0, 0, 0));
  for (PetscInt k = 0; k < r->K; k++)
    for (PetscInt i = 0; i < nd; i++) {
      r->diag_sum[i] += diag[k * nd + i];
      r->diag_sq[i] += diag[k * nd + i] * diag[k * nd + i];
    }
  r->nstat += r->K;
  if (r->traj) {
    PetscCall(PetscLogEventBegin(FLOW_WRITE, 0, 0, 0, 0));
    if (!r->rank) PetscCall(PetscMalloc1(r->K * r->npts, &field));
    PetscCall(GatherStates(r, r->m, field));
    PetscCall(SNAPSTrajectoryAppend(r->traj, t, field, diag));
    PetscCall(PetscFree(field));
    PetscCall(PetscLogEventEnd(FLOW_WRITE, 0, 0, 0, 0));
  }
  PetscCall(PetscFree2(mine, diag));
  if (t >= r->abort_at) {
    PetscCall(PetscPrintf(r->comm, "%s: -abort_at %g: killing the run at t = %g\n", r->program, (double)r->abort_at, (double)t));
    (void)raise(SIGKILL);
  }
  PetscFunctionReturn(0);
}

/* ---- checkpoints ---- */

/* Every member's Lyapunov sum, on every rank. */
static PetscErrorCode GatherLyapunovSums(FlowRun r, PetscReal all[])
{
  PetscReal *mine;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(PetscMax(1, LocalCount(r)), &mine));
  for (PetscInt i = 0; i < LocalCount(r); i++) mine[i] = r->lsum[SelfMembers(r) ? r->k0 + i : i];
  PetscCall(GatherRows(r, 1, mine, all));
  PetscCall(PetscFree(mine));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunFingerprint(FlowRun r, char fp[], size_t len)
{
  char pfp[PETSC_MAX_PATH_LEN + 512] = "";

  PetscFunctionBegin;
  if (r->pb->fingerprint) PetscCall(r->pb->fingerprint(r->pb->ctx, pfp, sizeof(pfp)));
  if (r->init_trajectory[0]) { /* the members' start, so a restart cannot silently change it; resolved, so any
                                  spelling of the same file (./f.h5, an absolute path) is the same run */
    size_t n = strlen(pfp);
    char   real[PETSC_MAX_PATH_LEN]; /* PATH_MAX on Linux */
    PetscCall(PetscSNPrintf(pfp + n, sizeof(pfp) - n, " init_trajectory=%s init_time=%.17g", realpath(r->init_trajectory, real) ? real : r->init_trajectory, (double)(r->init_time_set ? r->init_time : PETSC_MIN_REAL)));
  }
  /* the transient only matters with -lyapunov (its default is half of -T, which a restart may raise: ReadCheckpoint()
     takes the checkpoint's); without, the former fixed default 100, so that -T may change and earlier files match */
  PetscCall(PetscSNPrintf(fp, len, "%s K=%" PetscInt_FMT " seed=%" PetscInt_FMT " dt_save=%.17g save_start=%.17g segment=%.17g lyapunov=%d tau=%.17g transient=%.17g eps=%.17g rtol=%.17g atol=%.17g h=%.17g order=%" PetscInt_FMT " ranks=%d", pfp, r->K, r->seed, (double)r->dt_save, (double)r->save_start, (double)r->ckpt_every, (int)r->lyapunov, (double)r->tau, (double)(r->lyapunov ? r->transient : 100), (double)r->eps, (double)r->rtol, (double)r->atol, (double)r->hfixed, r->order, r->size));
  PetscFunctionReturn(0);
}

/* Step sizes the members would try next (every rank gets all K). */
static PetscErrorCode NextSteps(FlowRun r, FlowMember *mem, PetscReal h[])
{
  PetscInt   nl = LocalCount(r);
  PetscReal *mine;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(PetscMax(1, nl), &mine));
  for (PetscInt i = 0; i < nl; i++) {
    sunrealtype hc;
    ARKCall(ARKStepGetCurrentStep(mem[i].ark, &hc));
    mine[i] = hc;
  }
  PetscCall(GatherRows(r, 1, mine, h));
  PetscCall(PetscFree(mine));
  PetscFunctionReturn(0);
}

/* -trajectory as an absolute name (the restart may run elsewhere), "" without one. */
static PetscErrorCode TrajectoryPath(FlowRun r, char path[], size_t len)
{
  char cwd[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  path[0] = 0;
  if (!r->trajectory[0]) PetscFunctionReturn(0);
  if (r->trajectory[0] == '/' || !getcwd(cwd, sizeof(cwd)))
    PetscCall(PetscStrncpy(path, r->trajectory, len));
  else
    PetscCall(PetscSNPrintf(path, len, "%s/%s", cwd, r->trajectory));
  PetscFunctionReturn(0);
}

/* The resolved directory of file (SNAPSCanonicalPath() without the base name: "" for the root directory, so that every
   directory below it reads "<dir>/..."); false where it cannot be resolved. */
static PetscBool ResolvedDirectory(const char file[], char dir[PETSC_MAX_PATH_LEN])
{
  if (SNAPSCanonicalPath(file, dir, PETSC_MAX_PATH_LEN)) return PETSC_FALSE;
  *strrchr(dir, '/') = 0;
  return PETSC_TRUE;
}

/* -trajectory relative to the directory of -checkpoint ("tr.h5" beside it, "../out/tr.h5", ...), so that a restart
   from a run directory moved or copied elsewhere (scratch to project space) finds the partial file in the new place;
   "" without a -trajectory or where a directory cannot be resolved. */
static PetscErrorCode TrajectoryRelativePath(FlowRun r, char rel[], size_t len)
{
  char        from[PETSC_MAX_PATH_LEN], to[PETSC_MAX_PATH_LEN];
  const char *slash = strrchr(r->trajectory, '/'), *base = slash ? slash + 1 : r->trajectory;
  size_t      common = 0, n = 0;

  PetscFunctionBegin;
  rel[0] = 0;
  if (!r->trajectory[0]) PetscFunctionReturn(0);
  if (!ResolvedDirectory(r->checkpoint, from) || !ResolvedDirectory(r->trajectory, to)) PetscFunctionReturn(0);
  for (size_t i = 0;; i++) { /* the longest common prefix of whole components */
    const char a = from[i], b = to[i];

    if ((a == '/' || !a) && (b == '/' || !b)) common = i;
    if (!a || !b || a != b) break;
  }
  for (const char *c = from + common; *c; c++) /* up from the checkpoint's directory to the common one */
    if (*c == '/') {
      PetscCall(PetscSNPrintf(rel + n, len - n, "../"));
      n = strlen(rel);
    }
  if (to[common]) PetscCall(PetscSNPrintf(rel + n, len - n, "%s/", to + common + 1)); /* down to the trajectory's */
  PetscCall(PetscStrlcat(rel, base, len));
  PetscFunctionReturn(0);
}

/* The ARKODE counters so far of every member (mem: the base members or their -lyapunov twins) as the K x 5 array name. */
static PetscErrorCode CheckpointSetCounts(FlowRun r, SNAPSCheckpoint ck, const char name[], FlowMember *mem)
{
  PetscReal *mine, *counts;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(5 * PetscMax(1, LocalCount(r)), &mine, 5 * r->K, &counts));
  for (PetscInt i = 0; i < LocalCount(r); i++) {
    long c[5];
    PetscCall(MemberCurrentCounts(&mem[i], c));
    for (int j = 0; j < 5; j++) mine[5 * i + j] = (PetscReal)(mem[i].counts[j] + c[j]);
  }
  PetscCall(GatherRows(r, 5, mine, counts));
  PetscCall(SNAPSCheckpointSetArray(ck, name, r->K, 5, counts));
  PetscCall(PetscFree2(mine, counts));
  PetscFunctionReturn(0);
}

/* The counters written by CheckpointSetCounts() into mem's members (all[]: room for K x 5 values). */
static PetscErrorCode CheckpointGetCounts(FlowRun r, SNAPSCheckpoint ck, const char name[], FlowMember *mem, PetscReal all[])
{
  PetscFunctionBegin;
  PetscCall(SNAPSCheckpointGetArray(ck, name, r->K, 5, all));
  for (PetscInt i = 0; i < LocalCount(r); i++)
    for (int j = 0; j < 5; j++) mem[i].counts[j] = (long)all[5 * (SelfMembers(r) ? r->k0 + i : i) + j];
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteCheckpoint(FlowRun r, const PetscReal hbase[], const PetscReal htwin[])
{
  SNAPSCheckpoint ck;
  PetscReal      *all = NULL, *lsum;
  char            fp[PETSC_MAX_PATH_LEN + 1024];

  PetscFunctionBegin;
  PetscCall(RunFingerprint(r, fp, sizeof(fp)));
  PetscCall(SNAPSCheckpointCreate(r->comm, &ck));
  PetscCall(SNAPSCheckpointSetString(ck, "fingerprint", fp));
  PetscCall(TrajectoryPath(r, fp, sizeof(fp)));
  PetscCall(SNAPSCheckpointSetString(ck, "trajectory", fp)); /* a restart that leaves it out must not abandon its rows */
  PetscCall(TrajectoryRelativePath(r, fp, sizeof(fp)));
  PetscCall(SNAPSCheckpointSetString(ck, "trajectory_relative", fp)); /* where a moved run directory has it */
  PetscCall(SNAPSCheckpointSetReal(ck, "t", r->t));
  { /* the run's wall time so far: a restart's report gives the whole run's, like its counts and statistics */
    PetscLogDouble now;

    PetscCall(PetscTime(&now));
    PetscCall(SNAPSCheckpointSetReal(ck, "wall_time_s", r->wall_before + (now - r->progress.wall0)));
  }
  PetscCall(SNAPSCheckpointSetReal(ck, "next_save", (PetscReal)r->next_save));
  PetscCall(SNAPSCheckpointSetReal(ck, "nstat", (PetscReal)r->nstat));
  PetscCall(SNAPSCheckpointSetArray(ck, "diag_sum", 1, r->pb->desc.ndiag, r->diag_sum));
  PetscCall(SNAPSCheckpointSetArray(ck, "diag_sq", 1, r->pb->desc.ndiag, r->diag_sq));
  PetscCall(SNAPSCheckpointSetArray(ck, "h", r->K, 1, hbase));
  PetscCall(CheckpointSetCounts(r, ck, "ark_counts", r->m));
  if (!r->rank) PetscCall(PetscMalloc1(r->K * r->npts, &all));
  PetscCall(GatherStates(r, r->m, all));
  PetscCall(SNAPSCheckpointSetArray(ck, "state", r->K, r->npts, all));
  PetscCall(SNAPSCheckpointSetReal(ck, "twins", r->twins));
  if (r->twins) {
    PetscCall(GatherStates(r, r->twin, all));
    PetscCall(SNAPSCheckpointSetArray(ck, "twin_state", r->K, r->npts, all));
    PetscCall(SNAPSCheckpointSetArray(ck, "twin_h", r->K, 1, htwin));
    PetscCall(CheckpointSetCounts(r, ck, "twin_ark_counts", r->twin));
    PetscCall(SNAPSCheckpointSetReal(ck, "twin_counts", 1)); /* a scalar SNAPSCheckpointHas() sees: older checkpoints lack the array */
    PetscCall(PetscMalloc1(r->K, &lsum));
    PetscCall(GatherLyapunovSums(r, lsum));
    PetscCall(SNAPSCheckpointSetArray(ck, "lyapunov_sum", r->K, 1, lsum));
    PetscCall(PetscFree(lsum));
    PetscCall(SNAPSCheckpointSetReal(ck, "lyapunov_start", r->lstart));
    PetscCall(SNAPSCheckpointSetReal(ck, "lyapunov_d0scale", r->d0scale));
  }
  PetscCall(PetscFree(all));
  PetscCall(SNAPSCheckpointWrite(ck, r->checkpoint));
  PetscCall(SNAPSCheckpointDestroy(&ck));
  if (r->traj) PetscCall(SNAPSTrajectorySetResumable(r->traj, PETSC_TRUE)); /* a restart can now resume its rows */
  PetscFunctionReturn(0);
}

/* A restart's -trajectory must be the interrupted run's: the partial file (or the finished file) that it would continue
   records the fingerprint of the run that wrote it, which must be this run's (the checkpoint's, ReadCheckpoint() checked
   that). Without this, the partial file of another run of the same name (a run directory moved next to it) was cut
   back and continued: its rows spliced to this run's. Files written before the fingerprint was recorded pass. */
static PetscErrorCode CheckTrajectoryRun(FlowRun r, const char fp[])
{
  char run[PETSC_MAX_PATH_LEN + 1024], from[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(SNAPSTrajectoryGetRun(r->comm, r->trajectory, run, sizeof(run), from, sizeof(from)));
  PetscCheck(!run[0] || !strcmp(run, fp), r->comm, PETSC_ERR_USER_INPUT, "The trajectory file '%s' (for -trajectory %s) belongs to another run than the checkpoint '%s'.\n  It was written by: %s\n  The checkpoint's run: %s\nGive the -trajectory of the run that wrote the checkpoint", from, r->trajectory, r->restart, run, fp);
  PetscFunctionReturn(0);
}

/* Whether the files a and b (both existing) are one file under two names: rank 0 looks; every rank gets its answer. */
static PetscErrorCode SameFile(MPI_Comm comm, const char a[], const char b[], PetscBool *same)
{
  PetscMPIInt rank;
  int         s = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    struct stat sa, sb;

    s = stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  }
  PetscCallMPI(MPI_Bcast(&s, 1, MPI_INT, 0, comm));
  *same = s ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* Checks that -restart's checkpoint is of a flow run, and of this run (its fingerprint: the options and ranks; only -T
   may change). With -lyapunov, the default transient is taken from the checkpoint's run first. */
static PetscErrorCode CheckpointCheckRun(FlowRun r, SNAPSCheckpoint ck)
{
  char      fp[PETSC_MAX_PATH_LEN + 1024], fpfile[PETSC_MAX_PATH_LEN + 1024];
  PetscBool has;

  PetscFunctionBegin;
  PetscCall(SNAPSCheckpointHas(ck, "fingerprint", &has)); /* another HDF5 file: said so, not "there is no attribute" */
  if (!has) {
    PetscBool trajectory;

    PetscCall(SNAPSCheckpointHas(ck, "equation", &trajectory));
    SETERRQ(r->comm, PETSC_ERR_FILE_UNEXPECTED, "-restart '%s' is not a checkpoint of a flow run (it has no run fingerprint)%s: give the -checkpoint file of the run to continue", r->restart, trajectory ? "; it is a trajectory (-trajectory's file: -init_trajectory starts a new run from one of its states)" : "");
  }
  PetscCall(SNAPSCheckpointGetString(ck, "fingerprint", fpfile, sizeof(fpfile)));
  if (r->lyapunov && !r->transient_set) { /* the default, half of -T, is the interrupted run's: a restart may raise -T */
    const char *t = strstr(fpfile, " transient=");

    if (t) r->transient = (PetscReal)strtod(t + strlen(" transient="), NULL);
    PetscCall(CheckLyapunovSpan(r));
  }
  PetscCall(RunFingerprint(r, fp, sizeof(fp)));
  PetscCheck(!strcmp(fp, fpfile), r->comm, PETSC_ERR_USER_INPUT, "The checkpoint '%s' is of another run.\n  It was written by: %s\n  This run is:       %s\nRestart with the options (and ranks) of the interrupted run; only -T may change%s", r->restart, fpfile, fp,
             r->checkpoint[0] ? "" : ".\nThis run has no -checkpoint: give the interrupted run's -checkpoint (and its -checkpoint_every, which sets segment=)");
  PetscFunctionReturn(0);
}

/* The partial trajectory file where the checkpoint is now (its recorded name relative to the checkpoint's directory):
   relfile the -trajectory it is for, relpartial the partial file's name, relexists whether it exists. */
static PetscErrorCode CheckpointPartialHere(FlowRun r, SNAPSCheckpoint ck, char relfile[], size_t nrelfile, char relpartial[], size_t nrelpartial, PetscBool *relexists)
{
  char        rel[PETSC_MAX_PATH_LEN], name[PETSC_MAX_PATH_LEN + 1024];
  const char *slash = strrchr(r->restart, '/');

  PetscFunctionBegin;
  PetscCall(SNAPSCheckpointGetString(ck, "trajectory_relative", rel, sizeof(rel)));
  if (rel[0] && slash)
    PetscCall(PetscSNPrintf(name, sizeof(name), "%.*s/%s", (int)(slash - r->restart), r->restart, rel));
  else
    PetscCall(PetscStrncpy(name, rel, sizeof(name)));
  if (name[0]) PetscCall(SNAPSTrajectoryPartialName(r->comm, name, relpartial, nrelpartial, relexists));
  PetscCall(PetscStrncpy(relfile, name, nrelfile));
  PetscFunctionReturn(0);
}

/* A restart without -trajectory of a run that wrote one is refused when the interrupted run's partial file exists:
   its rows would be abandoned. Looked for first where the checkpoint is now (a run directory moved or copied: the
   partial file moved with it), then under the absolute name of the run (the checkpoint alone moved; checkpoints
   written before the relative name was). */
static PetscErrorCode CheckpointCheckPartial(FlowRun r, SNAPSCheckpoint ck)
{
  char      file[PETSC_MAX_PATH_LEN + 1024], partial[PETSC_MAX_PATH_LEN], relfile[PETSC_MAX_PATH_LEN + 1024] = "", relpartial[PETSC_MAX_PATH_LEN] = "";
  PetscBool exists = PETSC_FALSE, hasrel, relexists = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(SNAPSCheckpointHas(ck, "trajectory_relative", &hasrel));
  if (hasrel) PetscCall(CheckpointPartialHere(r, ck, relfile, sizeof(relfile), relpartial, sizeof(relpartial), &relexists));
  PetscCall(SNAPSCheckpointGetString(ck, "trajectory", file, sizeof(file)));
  if (file[0]) PetscCall(SNAPSTrajectoryPartialName(r->comm, file, partial, sizeof(partial), &exists));
  if (relexists && exists) { /* two partial files (the checkpoint's directory moved next to another run's): neither is
                                picked silently; -trajectory then chooses, and the file's fingerprint is checked */
    PetscBool same;

    PetscCall(SameFile(r->comm, relpartial, partial, &same));
    PetscCheck(same, r->comm, PETSC_ERR_USER_INPUT, "The checkpoint '%s' is of a run that wrote -trajectory and was interrupted, and two partial files could hold its rows so far: '%s' (where the checkpoint is now, for -trajectory %s) and '%s' (where the run wrote it, for -trajectory %s). Give -trajectory naming the interrupted run's one (a restart refuses another run's partial file)", r->restart, relpartial, relfile, partial, file);
  }
  if (relexists) { /* first where the checkpoint is now */
    PetscCall(PetscStrncpy(file, relfile, sizeof(file)));
    PetscCall(PetscStrncpy(partial, relpartial, sizeof(partial)));
    exists = PETSC_TRUE;
  }
  PetscCheck(!exists, r->comm, PETSC_ERR_USER_INPUT, "The checkpoint '%s' is of a run that wrote -trajectory '%s' and was interrupted: its rows so far are in '%s'. Give -trajectory %s to continue it there, or delete that partial file to continue without a trajectory", r->restart, file, partial, file);
  PetscFunctionReturn(0);
}

/* Restores the time (checked to lie before -T), the wall time before, the save and statistics counters, the
   diagnostics' sums and the members' steps hbase. */
static PetscErrorCode CheckpointGetTime(FlowRun r, SNAPSCheckpoint ck, PetscReal hbase[])
{
  PetscReal v;
  PetscBool has;

  PetscFunctionBegin;
  PetscCall(SNAPSCheckpointGetReal(ck, "t", &r->t));
  PetscCall(SNAPSCheckpointHas(ck, "wall_time_s", &has)); /* not in checkpoints written before it was recorded */
  if (has) {
    PetscCall(SNAPSCheckpointGetReal(ck, "wall_time_s", &v));
    r->wall_before = v;
  }
  r->before_unknown[0] = has ? PETSC_FALSE : PETSC_TRUE;
  PetscCheck(r->t < r->T, r->comm, PETSC_ERR_USER_INPUT, "The checkpoint '%s' is at t = %g, at or past -T %g: nothing to do", r->restart, (double)r->t, (double)r->T);
  PetscCall(SNAPSCheckpointGetReal(ck, "next_save", &v));
  r->next_save = (PetscInt)v;
  PetscCall(SNAPSCheckpointGetReal(ck, "nstat", &v));
  r->nstat = (PetscInt)v;
  PetscCall(SNAPSCheckpointGetArray(ck, "diag_sum", 1, r->pb->desc.ndiag, r->diag_sum));
  PetscCall(SNAPSCheckpointGetArray(ck, "diag_sq", 1, r->pb->desc.ndiag, r->diag_sq));
  PetscCall(SNAPSCheckpointGetArray(ck, "h", r->K, 1, hbase));
  PetscFunctionReturn(0);
}

/* Restores the members' states and counters, and the twins' (with their steps htwin and the Lyapunov sums) when the
   checkpoint has them; all is a work array of max(K npts, 5 K) values. */
static PetscErrorCode CheckpointGetStates(FlowRun r, SNAPSCheckpoint ck, PetscReal htwin[], PetscReal all[])
{
  PetscReal v;
  PetscBool has;

  PetscFunctionBegin;
  PetscCall(CheckpointGetCounts(r, ck, "ark_counts", r->m, all)); /* the totals so far: the report covers the whole run */
  PetscCall(SNAPSCheckpointGetArray(ck, "state", r->K, r->npts, all));
  PetscCall(ScatterStates(r, r->m, all));
  PetscCall(SNAPSCheckpointGetReal(ck, "twins", &v));
  r->twins = v != 0 ? PETSC_TRUE : PETSC_FALSE;
  if (r->twins) {
    PetscCall(SNAPSCheckpointGetArray(ck, "twin_state", r->K, r->npts, all));
    PetscCall(ScatterStates(r, r->twin, all));
    PetscCall(SNAPSCheckpointGetArray(ck, "twin_h", r->K, 1, htwin));
    PetscCall(SNAPSCheckpointHas(ck, "twin_counts", &has)); /* an older checkpoint's twins count from the restart on */
    if (has) PetscCall(CheckpointGetCounts(r, ck, "twin_ark_counts", r->twin, all));
    r->before_unknown[1] = has ? PETSC_FALSE : PETSC_TRUE;
    PetscCall(SNAPSCheckpointGetArray(ck, "lyapunov_sum", r->K, 1, r->lsum));
    PetscCall(SNAPSCheckpointGetReal(ck, "lyapunov_start", &r->lstart));
    PetscCall(SNAPSCheckpointGetReal(ck, "lyapunov_d0scale", &r->d0scale));
  }
  PetscFunctionReturn(0);
}

/* Restores time, states, steps, counters and Lyapunov sums from -restart (next_save, one of the counters, is the row
   the trajectory resumes at). */
static PetscErrorCode ReadCheckpoint(FlowRun r, PetscReal hbase[], PetscReal htwin[])
{
  SNAPSCheckpoint ck;
  PetscReal      *all;
  PetscBool       has;

  PetscFunctionBegin;
  PetscCall(SNAPSCheckpointCreate(r->comm, &ck));
  PetscCall(SNAPSCheckpointLoad(ck, r->restart));
  PetscCall(CheckpointCheckRun(r, ck));
  PetscCall(SNAPSCheckpointHas(ck, "trajectory", &has)); /* not in checkpoints written before it was recorded */
  if (has && !r->trajectory[0]) PetscCall(CheckpointCheckPartial(r, ck));
  PetscCall(CheckpointGetTime(r, ck, hbase));
  PetscCall(PetscMalloc1(PetscMax(r->K * r->npts, 5 * r->K), &all));
  PetscCall(CheckpointGetStates(r, ck, htwin, all));
  PetscCall(PetscFree(all));
  PetscCall(SNAPSCheckpointDestroy(&ck));
  PetscFunctionReturn(0);
}

/* ---- Lyapunov exponent ---- */

/* The twins start as the base states plus a random perturbation of norm eps |y| (the same for every rank
   layout: drawn from the member's seed, entry j the j-th draw on every rank; VecSetRandom() gave each rank of a
   member spread over the ranks the same draws for its own rows, so Kolmogorov's exponents changed with the ranks). */
static PetscErrorCode StartTwins(FlowRun r)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < LocalCount(r); i++) {
    PetscInt    k = SelfMembers(r) ? r->k0 + i : i;
    PetscRandom rnd;
    Vec         p;
    PetscReal   ny, np;
    PetscCall(PetscRandomCreate(r->pb->member_comm, &rnd));
    PetscCall(PetscRandomSetSeed(rnd, FlowSeed(7919, r->seed, k)));
    PetscCall(PetscRandomSeed(rnd));
    PetscCall(VecDuplicate(r->m[i].y, &p));
    {
      PetscInt     lo, hi;
      PetscScalar *a;

      PetscCall(VecGetOwnershipRange(p, &lo, &hi));
      PetscCall(VecGetArrayWrite(p, &a));
      for (PetscInt j = 0; j < hi; j++) { /* the draws of the rows before this rank's too */
        PetscReal v;

        PetscCall(PetscRandomGetValueReal(rnd, &v));
        if (j >= lo) a[j - lo] = v;
      }
      PetscCall(VecRestoreArrayWrite(p, &a));
    }
    PetscCall(VecShift(p, -0.5));
    PetscCall(VecNorm(r->m[i].y, NORM_2, &ny));
    PetscCall(VecNorm(p, NORM_2, &np));
    PetscCall(VecWAXPY(r->twin[i].y, r->eps * ny / np, p, r->m[i].y));
    r->lsum[k] = 0;
    PetscCall(VecDestroy(&p));
    PetscCall(PetscRandomDestroy(&rnd));
  }
  PetscFunctionReturn(0);
}

/* At a renormalisation time: adds log(d/d0) per member and pulls each twin back to distance d0. */
static PetscErrorCode Renormalise(FlowRun r)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < LocalCount(r); i++) {
    PetscInt  k = SelfMembers(r) ? r->k0 + i : i;
    PetscReal d, ny, d0;
    PetscCall(VecNorm(r->m[i].y, NORM_2, &ny));
    PetscCall(VecAXPY(r->twin[i].y, -1.0, r->m[i].y)); /* twin <- twin - base */
    PetscCall(VecNorm(r->twin[i].y, NORM_2, &d));
    d0 = r->d0scale;
    PetscCheck(d > 0 && PetscIsNormalReal(d), PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "Member %" PetscInt_FMT ": the twin trajectory has distance %g from its base: raise -lyapunov_eps", k, (double)d);
    r->lsum[k] += PetscLogReal(d / d0);
    PetscCall(VecAYPX(r->twin[i].y, d0 / d, r->m[i].y)); /* twin <- base + (d0/d)(twin - base) */
  }
  PetscFunctionReturn(0);
}

/* ---- initial states from a trajectory, and the surrogate stepper ---- */

/* Member k starts from member k mod M of -init_trajectory at -init_time (default: its first saved time). */
static PetscErrorCode InitialFromTrajectory(FlowRun r)
{
  SNAPSTrajectoryData td;
  PetscReal          *all;
  const char         *f = r->init_trajectory;

  PetscFunctionBegin;
  PetscCall(SNAPSTrajectoryLoadTime(r->comm, f, r->init_time_set ? r->init_time : PETSC_MIN_REAL, &td));
  PetscCheck(!strcmp(td.equation, r->pb->desc.equation) && td.npts == r->npts, r->comm, PETSC_ERR_ARG_INCOMP, "-init_trajectory '%s' holds %s states of %" PetscInt_FMT " points, but this run is %s with %" PetscInt_FMT, f, td.equation, td.npts, r->pb->desc.equation, r->npts);
  PetscCheck(!(td.length > 0) || PetscAbsReal(td.length - r->pb->desc.length[0]) <= 1e-12 * td.length, r->comm, PETSC_ERR_ARG_INCOMP, "-init_trajectory '%s' was run with L = %g, but this run has L = %g", f, (double)td.length, (double)r->pb->desc.length[0]);
  r->init_time_used = td.time[0];
  r->init_members   = td.members;
  PetscCall(PetscMalloc1(r->K * r->npts, &all));
  for (PetscInt k = 0; k < r->K; k++) PetscCall(PetscArraycpy(all + k * r->npts, td.data + (k % td.members) * r->npts, r->npts));
  PetscCall(ScatterStates(r, r->m, all));
  PetscCall(PetscFree(all));
  PetscCall(SNAPSTrajectoryDataFree(&td));
  PetscFunctionReturn(0);
}

/* Loads -stepper_model and refuses one for another system or whose step the run's times are not multiples of. */
static PetscErrorCode SurrogateLoad(FlowRun r)
{
  PetscReal   dt;
  const char *kind;
  const char *names[3] = {"-T", "-dt_save", "-save_start"};
  PetscReal   vals[3]  = {r->T, r->dt_save, r->save_start};

  PetscFunctionBegin;
  PetscCall(SNAPSSurrogateLoad(r->comm, r->stepper_model, &r->sur));
  PetscCall(SNAPSSurrogateSetSIMD(r->sur, r->simd));
  if (r->simd_set) {
    const char *kernel;

    PetscCall(SNAPSSurrogateGetKernel(r->sur, &kernel));
    PetscCheck(strcmp(kernel, "sna"), r->comm, PETSC_ERR_USER_INPUT, "-stepper_simd applies to a quadratic drift (a table of monomials), but the drift of '%s' is fitted SNAs: remove -stepper_simd", r->stepper_model);
  }
  PetscCall(SNAPSSurrogateCheckSystem(r->sur, r->stepper_model, r->pb->desc.equation, r->pb->desc.sdim, r->npts, r->pb->desc.length[0]));
  PetscCall(SNAPSSurrogateCheckPhysics(r->sur, r->stepper_model, r->pb->nu, r->pb->alpha, r->pb->forcing, r->pb->famp));
  PetscCall(SNAPSSurrogateGetInfo(r->sur, &kind, NULL, NULL, &dt));
  /* a deterministic model draws nothing: the seed would feed only the random initial states (warned, not refused:
     one command line serves a categorical model and its deterministic twin, as in the cases' scripts) */
  if (r->seed_set && r->init_trajectory[0] && !strcmp(kind, "deterministic")) PetscCall(PetscPrintf(r->comm, "WARNING: %s: -seed %" PetscInt_FMT " does not apply with -init_trajectory and the deterministic model '%s': the members start from the states of '%s' and the model draws nothing (-seed seeds the random initial states and a categorical model's draws); it is ignored\n", r->program, r->seed, r->stepper_model, r->init_trajectory));
  for (int i = 0; i < 3; i++) {
    PetscReal n = vals[i] / dt;
    /* the step counts are PetscInts (SurrogateAdvance); -save_start may be 0 steps, -T and -dt_save must take one */
    PetscCheck(n <= PETSC_MAX_INT / 2, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %g is %g steps of the surrogate's step %g ('%s'): too many; lower %s", names[i], (double)vals[i], (double)n, (double)dt, r->stepper_model, names[i]);
    PetscCheck(i == 2 || round(n) >= 1, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %g is below the surrogate's step %g ('%s'): the model advances in whole steps; give %s at least %g", names[i], (double)vals[i], (double)dt, r->stepper_model, names[i], (double)dt);
    PetscCheck(PetscAbsReal(n - round(n)) < 1e-9 * PetscMax(1, n), r->comm, PETSC_ERR_ARG_INCOMP, "%s %g is not a multiple of the surrogate's step %g ('%s')", names[i], (double)vals[i], (double)dt, r->stepper_model);
  }
  PetscFunctionReturn(0);
}

/* Encodes the members' initial fields and seeds one generator per member from (seed, member): a member's path
   is the same whoever steps it. A member split over the ranks of member_comm (Kolmogorov's slabs) is encoded
   from each rank's rows (blocks of npts / shape[0] points) and one reduction, exactly alike on any number of
   ranks; SurrogateStepShared then steps each member on one rank with its own generator. */
static PetscErrorCode SurrogateStart(FlowRun r)
{
  PetscInt nl = LocalCount(r), D;

  PetscFunctionBegin;
  PetscCall(SNAPSSurrogateGetInfo(r->sur, NULL, &D, NULL, NULL));
  PetscCall(PetscMalloc1(PetscMax(1, nl * D), &r->zlat));
  PetscCall(PetscCalloc1(PetscMax(1, nl), &r->rng));
  for (PetscInt i = 0; i < nl; i++) {
    const PetscScalar *y;
    PetscInt           lo, hi;
    PetscCall(VecGetOwnershipRange(r->m[i].y, &lo, &hi));
    PetscCall(VecGetArrayRead(r->m[i].y, &y));
    PetscCall(SNAPSSurrogateEncodeRows(r->sur, r->pb->member_comm, lo, hi, r->npts / r->pb->desc.shape[0], y, r->zlat + i * D));
    PetscCall(VecRestoreArrayRead(r->m[i].y, &y));
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &r->rng[i]));
    PetscCall(PetscRandomSetType(r->rng[i], PETSCRANDER48));
    PetscCall(PetscRandomSetSeed(r->rng[i], FlowSeed(15485863, r->seed, r->k0 + i)));
    PetscCall(PetscRandomSeed(r->rng[i]));
  }
  r->tsur = 0;
  PetscFunctionReturn(0);
}

/* Members whose field is split over member_comm (Kolmogorov's slabs) are stepped in the latent space by one rank
   each, K rank / size to K (rank + 1) / size, and their states then gathered on every rank, which decodes its rows:
   a member's path is the same whoever steps it (its own generator, row-by-row arithmetic), so 1 and 2 ranks give
   the same bits, and 2 ranks step half the members each. Members spread over the ranks are stepped where they are. */
static PetscErrorCode SurrogateStepShared(FlowRun r, PetscInt n, PetscInt D)
{
  PetscMPIInt rank = 0, size = 1, *counts, *displs;
  PetscInt    nl = LocalCount(r), a, b;

  PetscFunctionBegin;
  if (!SelfMembers(r)) {
    PetscCallMPI(MPI_Comm_rank(r->pb->member_comm, &rank));
    PetscCallMPI(MPI_Comm_size(r->pb->member_comm, &size));
  }
  a = nl * rank / size;
  b = nl * (rank + 1) / size;
  for (PetscInt s = 0; s < n; s++) PetscCall(SNAPSSurrogateStep(r->sur, b - a, r->zlat + a * D, r->rng + a));
  if (size == 1 || !n) PetscFunctionReturn(0);
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  for (PetscMPIInt p = 0; p < size; p++) {
    PetscCall(PetscMPIIntCast(nl * p / size * D, &displs[p]));
    PetscCall(PetscMPIIntCast((nl * (p + 1) / size - nl * p / size) * D, &counts[p]));
  }
  PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, r->zlat, counts, displs, MPIU_REAL, r->pb->member_comm));
  PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(0);
}

/* Steps this rank's members from r->tsur to tout (a multiple of the step) and decodes their fields. */
static PetscErrorCode SurrogateAdvance(FlowRun r, PetscReal tout)
{
  PetscInt  nl = LocalCount(r), D, n;
  PetscReal dt;

  PetscFunctionBegin;
  PetscCall(SNAPSSurrogateGetInfo(r->sur, NULL, &D, NULL, &dt));
  n = (PetscInt)round((tout - r->tsur) / dt);
  PetscCall(PetscLogEventBegin(FLOW_STEP, 0, 0, 0, 0));
  PetscCall(SurrogateStepShared(r, n, D));
  PetscCall(PetscLogEventEnd(FLOW_STEP, 0, 0, 0, 0));
  r->sur_steps += n * nl;
  r->tsur = tout;
  PetscCall(PetscLogEventBegin(FLOW_DECODE, 0, 0, 0, 0));
  for (PetscInt i = 0; i < nl; i++) {
    PetscScalar *y;
    PetscInt     lo, hi;
    PetscCall(VecGetOwnershipRange(r->m[i].y, &lo, &hi));
    PetscCall(VecGetArrayWrite(r->m[i].y, &y));
    PetscCall(SNAPSSurrogateDecodeRows(r->sur, lo, hi, r->zlat + i * D, y));
    PetscCall(VecRestoreArrayWrite(r->m[i].y, &y));
  }
  PetscCall(PetscLogEventEnd(FLOW_DECODE, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* ---- the run ---- */

static PetscErrorCode SetupMembers(FlowRun r)
{
  PetscInt nl;

  PetscFunctionBegin;
  if (SelfMembers(r)) {
    r->k0 = r->K * r->rank / r->size;
    r->k1 = r->K * (r->rank + 1) / r->size;
  } else {
    r->k0 = 0;
    r->k1 = r->K;
  }
  nl = LocalCount(r);
  PetscCall(PetscCalloc1(PetscMax(1, nl), &r->m));
  PetscCall(PetscCalloc1(PetscMax(1, nl), &r->twin));
  for (PetscInt i = 0; i < nl; i++) {
    PetscCall(MemberCreate(r, &r->m[i], 0));
    r->m[i].index = r->twin[i].index = SelfMembers(r) ? r->k0 + i : i;
    r->twin[i].twin                  = PETSC_TRUE;
    /* -init_trajectory overwrites every member below: no random field first (Kolmogorov's costs 80 modes x 2
       trigonometric calls per point, 15 ms per member, more than a surrogate's 200 time units of stepping over 20) */
    if (!r->init_trajectory[0]) PetscCall(r->pb->initial(r->pb->ctx, SelfMembers(r) ? r->k0 + i : i, r->seed, r->m[i].y));
    if (r->lyapunov) PetscCall(MemberCreate(r, &r->twin[i], 0));
  }
  if (r->init_trajectory[0]) PetscCall(InitialFromTrajectory(r));
  PetscFunctionReturn(0);
}

/* A progress line at simulated time t when SNAPSProgressDue() says one is due (-progress_every wall seconds passed,
   or force; not twice for one t), every rank taking part in the step count's reduction. Collective. */
static PetscErrorCode PrintProgress(FlowRun r, PetscReal t, PetscBool force)
{
  PetscLogDouble now;
  long           steps = 0, all;
  PetscBool      due;

  PetscFunctionBegin;
  PetscCall(SNAPSProgressDue(r->comm, &r->progress, t, force, &due));
  if (!due) PetscFunctionReturn(0);
  now = r->progress.wall_last;
  for (PetscInt i = 0; i < LocalCount(r) && !r->sur; i++) {
    long c[5];
    PetscCall(MemberCurrentCounts(&r->m[i], c));
    steps += r->m[i].counts[0] + c[0];
    if (!r->lyapunov) continue;
    PetscCall(MemberCurrentCounts(&r->twin[i], c)); /* the twins' steps are ARKODE's work too */
    steps += r->twin[i].counts[0] + c[0];
  }
  if (r->sur) steps = r->sur_steps;
  if (SelfMembers(r))
    PetscCallMPI(MPI_Allreduce(&steps, &all, 1, MPI_LONG, MPI_SUM, r->comm));
  else
    all = steps;
  {
    PetscReal done = t - r->t_begin, rate = done > 0 ? (now - r->progress.wall0) / done : 0;
    PetscCall(PetscPrintf(r->comm, "%s: t = %g of %g (%.1f%%), %ld steps, wall %.1f s, about %.0f s left\n", r->program, (double)t, (double)r->T, (double)(100 * t / r->T), all, (double)(now - r->progress.wall0), (double)(rate * (r->T - t))));
  }
  PetscFunctionReturn(0);
}

/* Advances every member (and twin) over one segment [r->t, tend], saving the rows that fall in it. */
static PetscErrorCode AdvanceSegment(FlowRun r, PetscReal tend)
{
  PetscReal reached = r->t; /* where the base members' output vectors are */

  PetscFunctionBegin;
  for (;;) {
    PetscReal ts = RowTime(r, (PetscReal)r->next_save);
    if (!RowWithin(ts, tend)) break;
    ts = PetscMin(ts, tend);
    if (ts > reached) {
      if (r->sur) PetscCall(SurrogateAdvance(r, ts));
      for (PetscInt i = 0; i < LocalCount(r) && !r->sur; i++) PetscCall(MemberAdvance(r, &r->m[i], ts));
      reached = ts;
    }
    PetscCall(SaveRow(r, ts));
    r->next_save++;
    PetscCall(PrintProgress(r, ts, PETSC_FALSE));
  }
  if (r->sur && reached < tend) PetscCall(SurrogateAdvance(r, tend));
  for (PetscInt i = 0; i < LocalCount(r) && !r->sur; i++) {
    if (reached < tend) PetscCall(MemberAdvance(r, &r->m[i], tend)); /* a second call at tend would interpolate */
    if (r->twins) PetscCall(MemberAdvance(r, &r->twin[i], tend));
  }
  r->t = tend;
  PetscFunctionReturn(0);
}

/* The end of the segment that starts at r->t: the next multiple of seg, or -T. One rule for the integrators' stop
   time and the segment loop. floor, not round: a checkpoint at a time that is no multiple of seg (the final one, at
   a -T that is none) goes on to the next multiple, not past it; the factor makes t = k seg less a rounding error
   count as k seg. */
static PetscReal SegmentEnd(FlowRun r, PetscReal seg)
{
  return PetscMin(r->T, (PetscFloorReal(r->t / seg * (1 + 1e-12)) + 1) * seg);
}

/* Restarts every integrator at r->t with the given next steps, stopping at tstop. */
static PetscErrorCode RestartAll(FlowRun r, const PetscReal hbase[], const PetscReal htwin[], PetscReal tstop)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < LocalCount(r) && !r->sur; i++) {
    PetscInt k = SelfMembers(r) ? r->k0 + i : i;
    PetscCall(MemberRestart(&r->m[i], r->t, hbase ? hbase[k] : 0, tstop));
    if (r->twins) PetscCall(MemberRestart(&r->twin[i], r->t, htwin ? htwin[k] : 0, tstop));
  }
  PetscFunctionReturn(0);
}

/* The run's ARKODE counts (ark_steps, ark_step_attempts, ark_explicit_evals, ark_implicit_evals, ark_error_test_fails),
   the -lyapunov twins' included, summed over the members and ranks; with -stepper sna, all[0] is the surrogate steps */
static PetscErrorCode SumCounts(FlowRun r, long all[5])
{
  long mine[5] = {0};

  PetscFunctionBegin;
  for (PetscInt i = 0; i < LocalCount(r) && !r->sur; i++) {
    PetscCall(MemberAddCounts(&r->m[i]));
    for (int j = 0; j < 5; j++) mine[j] += r->m[i].counts[j];
    if (!r->lyapunov) continue;
    /* the -lyapunov twins' integration, about as much again after the transient: part of the run's cost (the counts
       left it out, and a Lyapunov run seemed to cost what a plain one does) */
    PetscCall(MemberAddCounts(&r->twin[i]));
    for (int j = 0; j < 5; j++) mine[j] += r->twin[i].counts[j];
  }
  if (r->sur) mine[0] = r->sur_steps; /* surrogate steps in place of ARKODE's */
  if (SelfMembers(r))
    PetscCallMPI(MPI_Allreduce(mine, all, 5, MPI_LONG, MPI_SUM, r->comm));
  else
    PetscCall(PetscArraycpy(all, mine, 5));
  PetscFunctionReturn(0);
}

/* -stepper sna: the latent coordinates per step that left the model's training box (r->clamp_fraction, r->clamps),
   warned about when most did, and the run's line */
static PetscErrorCode PrintSurrogateRun(FlowRun r, const long all[5], PetscLogDouble wall)
{
  PetscInt  st, cl, D;
  PetscBool clamp;
  PetscReal c[2], sum[2];

  PetscFunctionBegin;
  PetscCall(SNAPSSurrogateGetClampCount(r->sur, &clamp, &st, &cl));
  c[0] = (PetscReal)st;
  c[1] = (PetscReal)cl;
  PetscCallMPI(MPI_Allreduce(c, sum, 2, MPIU_REAL, MPI_SUM, r->comm));
  r->clamp_fraction = sum[0] > 0 ? sum[1] / sum[0] : 0;
  r->clamps         = clamp;
  PetscCall(SNAPSSurrogateGetInfo(r->sur, NULL, &D, NULL, NULL));
  /* a few coordinates just past the box are usual (0.7 of 168 per step in the Kolmogorov case); most of them
     means the members are far from every training state and the model extrapolates */
  if (r->clamp_fraction > 0.1 * D) PetscCall(PetscPrintf(r->comm, "WARNING: %s: on average %.3g of the model's %" PetscInt_FMT " latent coordinates per step lay outside its training box%s: the rollout is far from the training data (start it from states like the training trajectories', or train on these)\n", r->program, (double)r->clamp_fraction, D, clamp ? " (held at it)" : ""));
  PetscCall(PetscPrintf(r->comm, "%s: reached t = %g: %ld surrogate steps of %s over %" PetscInt_FMT " members, %.2f s (%.2f s of it loading the model); %g latent coordinates per step left the training box%s\n", r->program, (double)r->t, all[0], r->stepper_model, r->K, (double)wall, (double)r->load_s, (double)r->clamp_fraction, clamp ? " (held at it: this model clamps)" : " (not clamped)"));
  PetscFunctionReturn(0);
}

/* ARKODE's run: its line, with the whole run's wall time after a -restart (this run's part named) */
static PetscErrorCode PrintARKodeRun(FlowRun r, const long all[5], PetscLogDouble wall)
{
  char since[384] = "";

  PetscFunctionBegin;
  /* after a -restart the counts and statistics are the whole run's (the checkpoint carries them): so is the wall time,
     the runs before it up to its checkpoint and this one (which alone it gave before, beside the whole run's counts) */
  if (r->restart[0] && r->before_unknown[0]) /* an older checkpoint: the total is not known, not this run's alone */
    PetscCall(PetscSNPrintf(since, sizeof(since), " in this run, from the restart at t = %g (the checkpoint is older than the record of the earlier runs' wall time: the whole run's is unknown)", (double)r->t_begin));
  else if (r->restart[0])
    PetscCall(PetscSNPrintf(since, sizeof(since), " (%.2f s of it in this run, from the restart at t = %g)", (double)wall, (double)r->t_begin));
  if (r->restart[0] && r->lyapunov && r->before_unknown[1]) {
    size_t len = strlen(since);

    PetscCall(PetscSNPrintf(since + len, sizeof(since) - len, "; the twins' counts are from the restart on (an older checkpoint did not record them)"));
  }
  PetscCall(PetscPrintf(r->comm, "%s: reached t = %g: %ld ARKODE steps (%ld attempts, %ld error-test failures), %ld explicit and %ld implicit evaluations over %" PetscInt_FMT " members%s, %.2f s%s\n", r->program, (double)r->t, all[0], all[1], all[4], all[2], all[3], r->K, r->lyapunov ? " and their -lyapunov twins" : "", (double)(r->before_unknown[0] ? wall : r->wall_before + wall), since));
  PetscFunctionReturn(0);
}

/* The mean and standard deviation of the equation's diagnostic i over the saved states (r->nstat > 0) */
static void DiagnosticStatistics(FlowRun r, PetscInt i, PetscReal *mean, PetscReal *std)
{
  *mean = r->diag_sum[i] / r->nstat;
  *std  = PetscSqrtReal(PetscMax(0, r->diag_sq[i] / r->nstat - *mean * *mean));
}

static PetscErrorCode PrintDiagnostics(FlowRun r)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < r->pb->desc.ndiag && r->nstat; i++) {
    PetscReal mean, std;

    DiagnosticStatistics(r, i, &mean, &std);
    PetscCall(PetscPrintf(r->comm, "%s:   %s mean %.6g std %.6g over %" PetscInt_FMT " saved states\n", r->program, r->pb->desc.diag[i], (double)mean, (double)std, r->nstat));
  }
  PetscFunctionReturn(0);
}

/* The report's settings: the equation's, the time span, the ensemble, and the stepper's (ARKODE's or the model's) */
static PetscErrorCode ReportSettings(FlowRun r, SNAPSReport rep, const long all[5])
{
  PetscFunctionBegin;
  PetscCall(SNAPSReportSetString(rep, "program", r->program));
  if (r->pb->report) PetscCall(r->pb->report(r->pb->ctx, r->init_trajectory[0] ? PETSC_FALSE : PETSC_TRUE, rep));
  PetscCall(SNAPSReportSetReal(rep, "T", r->T));
  PetscCall(SNAPSReportSetReal(rep, "dt_save", r->dt_save));
  PetscCall(SNAPSReportSetReal(rep, "save_start", r->save_start));
  PetscCall(SNAPSReportSetInt(rep, "ensemble", r->K));
  PetscCall(SNAPSReportSetInt(rep, "seed", r->seed));
  if (!r->sur) { /* ARKODE's settings where ARKODE ran (its tolerances where it controlled the error) */
    if (r->hfixed <= 0) {
      PetscCall(SNAPSReportSetReal(rep, "ark_rtol", r->rtol));
      PetscCall(SNAPSReportSetReal(rep, "ark_atol", r->atol));
    }
    PetscCall(SNAPSReportSetReal(rep, "ark_fixed_step", r->hfixed));
    PetscCall(SNAPSReportSetInt(rep, "ark_order", r->order));
  }
  PetscCall(SNAPSReportSetString(rep, "stepper", r->stepper));
  if (r->sur) {
    const char *kernel;

    PetscCall(SNAPSSurrogateGetKernel(r->sur, &kernel));
    PetscCall(SNAPSReportSetString(rep, "stepper_model", r->stepper_model));
    PetscCall(SNAPSReportSetInt(rep, "surrogate_steps", (PetscInt)all[0]));
    PetscCall(SNAPSReportSetReal(rep, "surrogate_clamped_per_step", r->clamp_fraction)); /* left the box: held there, or not (surrogate_clamps) */
    PetscCall(SNAPSReportSetBool(rep, "surrogate_clamps", r->clamps));
    PetscCall(SNAPSReportSetReal(rep, "model_load_time_s", r->load_s)); /* part of wall_time_s */
    PetscCall(SNAPSReportSetString(rep, "surrogate_kernel", kernel));   /* the cost figures' code path (avx2: for groups of 3 or 4 members of a rank) */
  }
  PetscFunctionReturn(0);
}

/* The report's files (as given) and the restart's figures (wall: this run's wall time) */
static PetscErrorCode ReportFilesAndRestart(FlowRun r, SNAPSReport rep, PetscLogDouble wall)
{
  PetscFunctionBegin;
  if (r->init_trajectory[0]) {
    PetscCall(SNAPSReportSetString(rep, "init", "trajectory")); /* not the equation's -init, which did not run */
    PetscCall(SNAPSReportSetString(rep, "init_trajectory", r->init_trajectory));
    PetscCall(SNAPSReportSetReal(rep, "init_time", r->init_time_used));
  }
  if (r->trajectory[0]) PetscCall(SNAPSReportSetString(rep, "trajectory", r->trajectory)); /* the run's files, as given */
  if (r->checkpoint[0]) PetscCall(SNAPSReportSetString(rep, "checkpoint", r->checkpoint));
  if (r->restart[0]) {
    PetscCall(SNAPSReportSetString(rep, "restart", r->restart));
    PetscCall(SNAPSReportSetReal(rep, "restart_time", r->t_begin));
    PetscCall(SNAPSReportSetReal(rep, "restart_wall_time_s", wall)); /* this run's part of wall_time_s */
    /* an older checkpoint: wall_time_s is left out (unknown), and the twins' counts start at the restart */
    PetscCall(SNAPSReportSetBool(rep, "restart_wall_time_complete", r->before_unknown[0] ? PETSC_FALSE : PETSC_TRUE));
    if (r->lyapunov) PetscCall(SNAPSReportSetBool(rep, "restart_twin_counts_complete", r->before_unknown[1] ? PETSC_FALSE : PETSC_TRUE));
  }
  PetscFunctionReturn(0);
}

/* The report's counts (ARKODE's), the whole run's wall time where known, and the diagnostics' statistics */
static PetscErrorCode ReportCounts(FlowRun r, SNAPSReport rep, const long all[5], PetscLogDouble wall)
{
  const char *names[5] = {"ark_steps", "ark_step_attempts", "ark_explicit_evals", "ark_implicit_evals", "ark_error_test_fails"};

  PetscFunctionBegin;
  for (int j = 0; j < 5 && !r->sur; j++) PetscCall(SNAPSReportSetInt(rep, names[j], (PetscInt)all[j]));
  if (!r->before_unknown[0]) PetscCall(SNAPSReportSetReal(rep, "wall_time_s", r->wall_before + wall));
  PetscCall(SNAPSReportSetInt(rep, "saved_states", r->nstat));
  for (PetscInt i = 0; i < r->pb->desc.ndiag && r->nstat; i++) {
    char      key[64];
    PetscReal mean, std;

    DiagnosticStatistics(r, i, &mean, &std);
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s_mean", r->pb->desc.diag[i]));
    PetscCall(SNAPSReportSetReal(rep, key, mean));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s_std", r->pb->desc.diag[i]));
    PetscCall(SNAPSReportSetReal(rep, key, std));
  }
  PetscFunctionReturn(0);
}

/* -lyapunov: the leading exponent's mean and standard error over the members, each member's, and the settings */
static PetscErrorCode ReportLyapunov(FlowRun r, SNAPSReport rep)
{
  PetscReal *lam, mean = 0, var = 0, span = r->t - r->lstart;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(r->K, &lam));
  for (PetscInt k = 0; k < r->K; k++) mean += (lam[k] = r->lsum[k] / span) / r->K;
  for (PetscInt k = 0; k < r->K; k++) var += PetscSqr(lam[k] - mean) / PetscMax(1, r->K - 1);
  PetscCall(SNAPSReportSetReal(rep, "lyapunov_exponent", mean));
  PetscCall(SNAPSReportSetReal(rep, "lyapunov_stderr", r->K > 1 ? PetscSqrtReal(var / r->K) : (PetscReal)NAN));
  PetscCall(SNAPSReportSetReal(rep, "lyapunov_time_per_member", span));
  PetscCall(SNAPSReportSetReal(rep, "lyapunov_tau", r->tau));
  PetscCall(SNAPSReportSetReal(rep, "lyapunov_transient", r->transient)); /* the default's value (half of -T) too */
  PetscCall(SNAPSReportSetReal(rep, "lyapunov_eps", r->eps));
  PetscCall(SNAPSReportSetRealArray(rep, "lyapunov_members", r->K, lam));
  PetscCall(PetscFree(lam));
  PetscFunctionReturn(0);
}

/* The run's summary lines and its -results report (wall: this run's wall time; after a -restart the counts and
   statistics are the whole run's, the checkpoint carrying them) */
static PetscErrorCode WriteReport(FlowRun r, PetscLogDouble wall)
{
  SNAPSReport rep;
  long        all[5];

  PetscFunctionBegin;
  PetscCall(SumCounts(r, all));
  if (r->sur)
    PetscCall(PrintSurrogateRun(r, all, wall));
  else
    PetscCall(PrintARKodeRun(r, all, wall));
  PetscCall(PrintDiagnostics(r));
  if (!r->results[0]) PetscFunctionReturn(0);
  PetscCall(SNAPSReportCreate(r->comm, &rep));
  PetscCall(ReportSettings(r, rep, all));
  PetscCall(ReportFilesAndRestart(r, rep, wall));
  PetscCall(ReportCounts(r, rep, all, wall));
  if (r->lyapunov) PetscCall(ReportLyapunov(r, rep));
  PetscCall(SNAPSReportWrite(rep, r->results));
  PetscCall(SNAPSReportDestroy(&rep));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintLyapunov(FlowRun r)
{
  PetscReal mean = 0, var = 0, span = r->t - r->lstart;

  PetscFunctionBegin;
  if (!r->lyapunov) PetscFunctionReturn(0);
  for (PetscInt k = 0; k < r->K; k++) mean += r->lsum[k] / span / r->K;
  for (PetscInt k = 0; k < r->K; k++) var += PetscSqr(r->lsum[k] / span - mean) / PetscMax(1, r->K - 1);
  if (r->K > 1)
    PetscCall(PetscPrintf(r->comm, "%s: leading Lyapunov exponent %.5f +- %.5f (standard error over %" PetscInt_FMT " members, %g time units each, tau %g, after a transient of %g)\n", r->program, (double)mean, (double)PetscSqrtReal(var / r->K), r->K, (double)span, (double)r->tau, (double)r->transient));
  else
    PetscCall(PetscPrintf(r->comm, "%s: leading Lyapunov exponent %.5f (1 member: no standard error; -ensemble K > 1 gives one; %g time units, tau %g, after a transient of %g)\n", r->program, (double)mean, (double)span, (double)r->tau, (double)r->transient));
  PetscFunctionReturn(0);
}

/* The ensemble must fit in memory: a runaway -ensemble is named at once, not an allocation failure in the set-up.
   Each node holds its ranks' shares (whole members, or slabs of every member); every rank takes the verdict of
   the most loaded node, so that no rank goes on alone into the collectives. */
static PetscErrorCode CheckEnsembleMemory(FlowRun r)
{
  const PetscLogDouble vectors = FlowRunUsesSurrogate(r) ? 4 : 40 * (r->lyapunov ? 2 : 1); /* ARKODE's stage and work vectors per member */
  PetscLogDouble       rank_values, mem, ratio[2], worst[2];
  MPI_Comm             node;
  PetscMPIInt          local;

  PetscFunctionBegin;
  if (SelfMembers(r))
    rank_values = PetscCeilReal((PetscReal)r->K / r->size) * (PetscLogDouble)r->npts;
  else
    rank_values = (PetscLogDouble)r->K * PetscCeilReal((PetscReal)r->npts / r->size);
  PetscCallMPI(MPI_Comm_split_type(r->comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_size(node, &local));
  PetscCallMPI(MPI_Comm_free(&node));
  PetscCall(SNAPSPhysicalMemory(&mem));
  ratio[0] = rank_values * sizeof(PetscReal) * vectors * local; /* this node's need, then its memory */
  ratio[1] = mem;
  worst[0] = mem > 0 ? ratio[0] / mem : 0;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, worst, 1, MPI_DOUBLE, MPI_MAX, r->comm));
  PetscCheck(worst[0] <= 1, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "-ensemble %" PetscInt_FMT " of %" PetscInt_FMT " grid points (-N) needs %.3g times the memory of the most loaded node (here: %.3g GB of %.3g GB): choose a smaller -ensemble or -N, or more nodes", r->K, r->npts, (double)worst[0], (double)(ratio[0] / 1e9), (double)(ratio[1] / 1e9));
  PetscFunctionReturn(0);
}

/* What needs the problem: the XDMF file beside a 2-D trajectory is an output too, and names the trajectory (no ':' in
   its base name), and the ensemble's memory. */
static PetscErrorCode CheckProblemOutputs(FlowRun r)
{
  char        xmf[PETSC_MAX_PATH_LEN] = "";
  const char *opt[3] = {"-trajectory's XDMF file", "-checkpoint", "-results"}, *file[3] = {xmf, r->checkpoint, r->results};

  PetscFunctionBegin;
  if (r->trajectory[0] && r->pb->desc.sdim == 2) {
    PetscCall(SNAPSTrajectoryXdmfName(r->trajectory, xmf, sizeof(xmf)));
    /* -log_view ascii:<the .xmf> replaced the XDMF file by the log at the end of the run (the inputs: CheckOutputs()) */
    PetscCall(SNAPSCheckFiles(r->comm, 0, NULL, NULL, 3, opt, file));
  }
  if (r->trajectory[0]) PetscCall(SNAPSTrajectoryCheckName(r->comm, "-trajectory", r->trajectory, xmf[0] ? PETSC_TRUE : PETSC_FALSE));
  PetscCall(CheckEnsembleMemory(r));
  PetscFunctionReturn(0);
}

/* A fixed initial state (pb->initial_fixed), or a zero -init_amplitude (pb->initial_zero: the draws scaled to 0), draws
   nothing: -seed then feeds only the -lyapunov twins and a categorical
   surrogate's draws, and without them it is ignored (warned, not refused, as for -init_trajectory in CheckStepper() and SurrogateLoad(),
   which warn about those runs: one command line may serve several runs). */
static PetscErrorCode WarnSeedFixedInitial(FlowRun r)
{
  const char *kind = "";

  PetscFunctionBegin;
  if (!r->seed_set || !(r->pb->initial_fixed || r->pb->initial_zero) || r->init_trajectory[0] || r->lyapunov) PetscFunctionReturn(0);
  if (r->sur) PetscCall(SNAPSSurrogateGetInfo(r->sur, &kind, NULL, NULL, NULL));
  if (!strcmp(kind, "categorical")) PetscFunctionReturn(0);
  PetscCall(PetscPrintf(r->comm, "WARNING: %s: -seed %" PetscInt_FMT " does not apply: %s and %s draws nothing (-seed seeds the random initial states, the -lyapunov twins and a categorical surrogate's draws); it is ignored\n", r->program, r->seed,
                        r->pb->initial_fixed ? "the initial state is fixed (not drawn)" : "-init_amplitude 0 starts from the zero state (the draws count for nothing)", r->sur ? "the deterministic model" : "-stepper arkode"));
  PetscFunctionReturn(0);
}

/* The twins' distance must stand well above ARKODE's error, else the exponent measures how the base's and the twin's
   integration errors drift apart: at eps 1e-7 and rtol 1e-6 (the former default), a KS run continued from a
   checkpoint at a -T that is no multiple of tau gave 0.110 for 0.0771, and a short Kolmogorov run 0.447 for 0.427; with
   the default eps and -ark_atol 1e-3, KS gave 2.53 (review s23b). Per entry, the distance is eps times the states' RMS
   and ARKODE's tolerance rtol times it plus atol; under 50 times the tolerance, a warning (the defaults give 100).
   sumsq: the sum over members of their states' squared norms. A fixed step has no error control: base and twin take
   the same steps. Collective. */
static PetscErrorCode WarnTwinDistance(FlowRun r, PetscReal sumsq)
{
  PetscInt  mine = 0, n = 0;
  PetscReal rms, tol;

  PetscFunctionBegin;
  if (r->hfixed > 0) PetscFunctionReturn(0);
  if (LocalCount(r) > 0) PetscCall(VecGetSize(r->m[0].y, &mine)); /* every member's state has one size */
  if (SelfMembers(r))
    PetscCallMPI(MPI_Allreduce(&mine, &n, 1, MPIU_INT, MPI_MAX, r->comm));
  else
    n = mine;
  rms = PetscSqrtReal(sumsq / (r->K * (PetscReal)n));
  tol = r->rtol * rms + r->atol;
  if (r->eps * rms < 50 * tol)
    PetscCall(PetscPrintf(r->comm, "WARNING: %s: -lyapunov_eps %g puts the twins %g from their members per entry (the states' RMS %g times it), under 50 times ARKODE's tolerance there (-ark_rtol %g x %g + -ark_atol %g = %g): the integration errors then make up part of the measured growth (the exponent can be off by percents, more after a -restart); raise -lyapunov_eps (default 1e-4), or lower -ark_rtol / -ark_atol\n", r->program, (double)r->eps, (double)(r->eps * rms), (double)rms, (double)r->rtol, (double)rms, (double)r->atol, (double)tol));
  PetscFunctionReturn(0);
}

/* Members that start from one state are one trajectory under ARKODE or a deterministic surrogate, which draw nothing
   (a categorical model's draws tell them apart): an -ensemble of them is
   warned about (their statistics count every state several times, and -lyapunov's members, which differ only in
   their twins, are no independent samples), not run as if they were independent. Call after SetupMembers(). */
static PetscErrorCode WarnIdenticalMembers(FlowRun r)
{
  const char *same = r->lyapunov ? "the same base trajectory (-lyapunov's members differ only in their twins' perturbations: its standard error is not that of independent trajectories)" : "the same trajectory (their statistics count each saved state several times)";

  const char *kind = NULL, *nodraw;

  PetscFunctionBegin;
  if (r->K < 2) PetscFunctionReturn(0);
  if (r->sur) PetscCall(SNAPSSurrogateGetInfo(r->sur, &kind, NULL, NULL, NULL));
  if (kind && strcmp(kind, "deterministic")) PetscFunctionReturn(0);                /* a categorical model's draws tell the members apart */
  nodraw = kind ? "the deterministic model draws nothing" : "ARKODE draws nothing"; /* review s23a: a deterministic model too */
  if (r->init_trajectory[0]) {
    if (r->init_members < r->K) PetscCall(PetscPrintf(r->comm, "WARNING: %s: -ensemble %" PetscInt_FMT " but -init_trajectory '%s' holds %" PetscInt_FMT " member%s: member k starts from its member k mod %" PetscInt_FMT ", and %s, so members k and k + %" PetscInt_FMT " are %s; give -ensemble %" PetscInt_FMT " at most, or a file with more members\n", r->program, r->K, r->init_trajectory, r->init_members, r->init_members > 1 ? "s" : "", r->init_members, nodraw, r->init_members, same, r->init_members));
  } else if (r->pb->initial_zero) /* random or fixed, a zero amplitude leaves nothing to tell the members apart */
    PetscCall(PetscPrintf(r->comm, "WARNING: %s: -ensemble %" PetscInt_FMT ": -init_amplitude 0 starts every member from the zero state and %s, so the members are %s; give a nonzero -init_amplitude, or -ensemble 1\n", r->program, r->K, nodraw, same));
  else if (r->pb->initial_fixed)
    PetscCall(PetscPrintf(r->comm, "WARNING: %s: -ensemble %" PetscInt_FMT ": the initial state is fixed (not drawn) and %s, so the members are %s; use the random initial state, or -ensemble 1\n", r->program, r->K, nodraw, same));
  PetscFunctionReturn(0);
}

/* FlowRunSolve()'s first step: the SUNDIALS context, the problem's sizes (checked before any allocation of K values), and
   the arrays of K values (steps hbase and htwin, Lyapunov sums, diagnostics' sums) that FlowRunSolve() frees. */
static PetscErrorCode SolveAllocate(FlowRun r, FlowProblem *pb, PetscReal **hbase, PetscReal **htwin)
{
  PetscFunctionBegin;
  r->pb = pb;
  /* from t = 0: no line for the initial row's t = 0 */
  PetscCall(SNAPSProgressStart(&r->progress, r->progress_every, 0));
  r->sun_comm = pb->member_comm;
  PetscCheck(!SUNContext_Create((void *)&r->sun_comm, &r->sun), r->comm, PETSC_ERR_LIB, "SUNDIALS could not create its context");
  pb->desc.members = r->K;
  r->npts          = pb->desc.shape[0] * (pb->desc.sdim == 2 ? pb->desc.shape[1] : 1);
  PetscCall(CheckProblemOutputs(r)); /* before the first allocation of K values (a runaway -ensemble's calloc took a minute) */
  PetscCall(PetscCalloc4(r->K, hbase, r->K, htwin, r->K, &r->lsum, 2 * pb->desc.ndiag + 2, &r->diag_sum));
  r->diag_sq = r->diag_sum + pb->desc.ndiag + 1;
  PetscFunctionReturn(0);
}

/* Loads the -stepper sna surrogate and sets up the members (their states, the surrogate's start); the load time is
   reported apart. */
static PetscErrorCode SolveLoadAndSetUp(FlowRun r)
{
  PetscLogDouble wall;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(FLOW_LOAD, 0, 0, 0, 0));
  if (!strcmp(r->stepper, "sna")) PetscCall(SurrogateLoad(r));
  PetscCall(PetscLogEventEnd(FLOW_LOAD, 0, 0, 0, 0));
  PetscCall(WarnSeedFixedInitial(r));
  PetscCall(PetscTime(&wall));
  r->load_s = wall - r->progress.wall0; /* a fixed cost: reported apart, so that a rate per time unit can leave it out */
  PetscCall(PetscLogEventBegin(FLOW_SETUP, 0, 0, 0, 0));
  PetscCall(SetupMembers(r));
  PetscCall(WarnIdenticalMembers(r));
  if (r->sur) PetscCall(SurrogateStart(r));
  PetscCall(PetscLogEventEnd(FLOW_SETUP, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/* Opens -trajectory (continuing the interrupted run's rows on a restart) and records the run's attributes. */
static PetscErrorCode SolveOpenTrajectory(FlowRun r, FlowProblem *pb)
{
  char fp[PETSC_MAX_PATH_LEN + 1024];

  PetscFunctionBegin;
  PetscCall(RunFingerprint(r, fp, sizeof(fp)));
  if (r->restart[0]) PetscCall(CheckTrajectoryRun(r, fp));
  PetscCall(SNAPSTrajectoryOpen(r->comm, r->trajectory, &pb->desc, r->restart[0] ? r->next_save : -1, &r->traj));
  /* a failed write keeps the rows so far where a checkpoint of this run exists to resume them: the -restart one
     (which a restart without -checkpoint leaves as it is), or from the first one this run writes (WriteCheckpoint());
     before that, nothing could resume them: they are removed */
  PetscCall(SNAPSTrajectorySetResumable(r->traj, r->restart[0] ? PETSC_TRUE : PETSC_FALSE));
  PetscCall(SNAPSTrajectorySetAttributeString(r->traj, "run_fingerprint", fp)); /* what a restart compares (CheckTrajectoryRun()) */
  if (pb->attributes) PetscCall(pb->attributes(pb->ctx, r->traj));
  if (r->init_trajectory[0]) { /* the equation's "init" did not run */
    PetscCall(SNAPSTrajectorySetAttributeString(r->traj, "init", "trajectory"));
    PetscCall(SNAPSTrajectorySetAttributeString(r->traj, "init_trajectory", r->init_trajectory));
    PetscCall(SNAPSTrajectorySetAttributeReal(r->traj, "init_time", r->init_time_used)); /* the saved time the members started from */
  }
  PetscCall(SNAPSTrajectorySetAttributeReal(r->traj, "dt_save", r->dt_save));
  PetscCall(SNAPSTrajectorySetAttributeInt(r->traj, "seed", r->seed));
  PetscCall(SNAPSTrajectorySetAttributeString(r->traj, "stepper", r->stepper));
  if (r->sur) PetscCall(SNAPSTrajectorySetAttributeString(r->traj, "stepper_model", r->stepper_model));
  PetscFunctionReturn(0);
}

/* Sets d0, one absolute distance for all members: eps times the RMS norm of the states. Collective. */
static PetscErrorCode SetTwinDistance(FlowRun r)
{
  PetscReal mine = 0, all = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < LocalCount(r); i++) {
    PetscReal n;
    PetscCall(VecNorm(r->m[i].y, NORM_2, &n));
    mine += n * n;
  }
  if (SelfMembers(r))
    PetscCallMPI(MPI_Allreduce(&mine, &all, 1, MPIU_REAL, MPI_SUM, r->comm));
  else
    all = mine;
  r->d0scale = r->eps * PetscSqrtReal(all / r->K);
  PetscCall(WarnTwinDistance(r, all));
  PetscFunctionReturn(0);
}

/* At the end of -lyapunov's transient: starts the twins at distance d0 from their members, with zero sums and the
   members' steps. */
static PetscErrorCode StartLyapunov(FlowRun r, const PetscReal hbase[], PetscReal htwin[])
{
  PetscFunctionBegin;
  r->twins  = PETSC_TRUE;
  r->lstart = r->t;
  PetscCall(StartTwins(r));
  PetscCall(SetTwinDistance(r));
  PetscCall(Renormalise(r)); /* sets every twin at distance d0 (adds log(d/d0) of the random start, undone below) */
  for (PetscInt i = 0; i < LocalCount(r); i++) r->lsum[SelfMembers(r) ? r->k0 + i : i] = 0;
  for (PetscInt k = 0; k < r->K; k++) htwin[k] = hbase[k];
  PetscFunctionReturn(0);
}

/* Integrates from r->t to -T in segments of seg (ending on its multiples): renormalises the twins, starts them after
   the transient, writes the checkpoints, prints the progress lines. */
static PetscErrorCode SolveIntegrate(FlowRun r, PetscReal hbase[], PetscReal htwin[], PetscReal seg)
{
  PetscFunctionBegin;
  PetscCall(RestartAll(r, r->restart[0] ? hbase : NULL, htwin, SegmentEnd(r, seg)));
  while (r->t < r->T * (1 - 1e-14)) {
    PetscReal tend = SegmentEnd(r, seg); /* segments end on multiples of seg: where RestartAll() set the stop time */

    PetscCall(AdvanceSegment(r, tend));
    if (r->lyapunov && r->twins) PetscCall(Renormalise(r));
    if (!r->sur) PetscCall(NextSteps(r, r->m, hbase));
    if (r->twins) PetscCall(NextSteps(r, r->twin, htwin));
    if (r->lyapunov && !r->twins && r->t >= r->transient * (1 - 1e-14)) PetscCall(StartLyapunov(r, hbase, htwin));
    if (r->checkpoint[0] && (r->t >= r->T * (1 - 1e-14) || PetscAbsReal(r->t / r->ckpt_every - round(r->t / r->ckpt_every)) < 1e-9)) {
      PetscCall(PetscLogEventBegin(FLOW_CHECKPOINT, 0, 0, 0, 0));
      PetscCall(WriteCheckpoint(r, hbase, htwin));
      PetscCall(PetscLogEventEnd(FLOW_CHECKPOINT, 0, 0, 0, 0));
    }
    PetscCall(RestartAll(r, hbase, htwin, SegmentEnd(r, seg)));
    PetscCall(PrintProgress(r, r->t, r->progress_every <= 0 ? PETSC_TRUE : PETSC_FALSE));
  }
  PetscFunctionReturn(0);
}

/* FlowRunSolve()'s last step: gathers the Lyapunov sums, closes -trajectory, prints the exponents and the summary,
   writes the report. */
static PetscErrorCode SolveFinish(FlowRun r)
{
  PetscLogDouble wall;

  PetscFunctionBegin;
  if (r->lyapunov) {
    PetscReal *all;
    PetscCall(PetscMalloc1(r->K, &all));
    PetscCall(GatherLyapunovSums(r, all));
    PetscCall(PetscArraycpy(r->lsum, all, r->K));
    PetscCall(PetscFree(all));
  }
  if (r->traj) PetscCall(SNAPSTrajectoryClose(&r->traj));
  PetscCall(PetscTime(&wall));
  PetscCall(PrintLyapunov(r));
  PetscCall(WriteReport(r, wall - r->progress.wall0));
  PetscFunctionReturn(0);
}

/*@C
  FlowRunSolve - Integrates the problem's ensemble from 0 (or the -restart checkpoint) to -T: saves
  the trajectory, writes checkpoints, measures the Lyapunov exponent, prints progress and the summary,
  and writes the report. Collective.
@*/
PetscErrorCode FlowRunSolve(FlowRun r, FlowProblem *pb)
{
  PetscReal *hbase, *htwin, seg;

  PetscFunctionBegin;
  PetscCall(SolveAllocate(r, pb, &hbase, &htwin));
  PetscCall(SolveLoadAndSetUp(r));
  seg = r->lyapunov ? r->tau : r->ckpt_every;
  if (r->restart[0]) {
    PetscCall(PetscLogEventBegin(FLOW_CHECKPOINT, 0, 0, 0, 0));
    PetscCall(ReadCheckpoint(r, hbase, htwin));
    PetscCall(PetscLogEventEnd(FLOW_CHECKPOINT, 0, 0, 0, 0));
  }
  r->t_begin = r->t;
  if (r->trajectory[0]) PetscCall(SolveOpenTrajectory(r, pb));
  /* every option of the run is read by now (driver, equation, surrogate, checkpoint, trajectory): a misspelt one
     is reported before the integration, which may take hours, not only at PetscFinalize */
  PetscCall(SNAPSOptionsWarnUnusedEarly(r->comm));
  PetscCall(SolveIntegrate(r, hbase, htwin, seg));
  PetscCall(SolveFinish(r));
  PetscCall(PetscFree4(hbase, htwin, r->lsum, r->diag_sum));
  PetscFunctionReturn(0);
}

PetscErrorCode FlowRunDestroy(FlowRun *run)
{
  FlowRun r = *run;

  PetscFunctionBegin;
  if (!r) PetscFunctionReturn(0);
  for (PetscInt i = 0; r->m && i < LocalCount(r); i++) {
    PetscCall(MemberDestroy(&r->m[i]));
    PetscCall(MemberDestroy(&r->twin[i]));
  }
  PetscCall(PetscFree(r->m));
  PetscCall(PetscFree(r->twin));
  PetscCall(SNAPSTrajectoryDestroy(&r->traj));
  for (PetscInt i = 0; r->rng && i < LocalCount(r); i++) PetscCall(PetscRandomDestroy(&r->rng[i]));
  PetscCall(PetscFree(r->rng));
  PetscCall(PetscFree(r->zlat));
  PetscCall(SNAPSSurrogateDestroy(&r->sur));
  PetscCall(VecScatterDestroy(&r->tozero));
  PetscCall(VecDestroy(&r->zero));
  if (r->sun) SUNContext_Free(&r->sun);
  PetscCall(PetscFree(*run));
  PetscFunctionReturn(0);
}
