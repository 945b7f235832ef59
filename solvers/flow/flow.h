/* The time-integration driver shared by the chaotic-flow solvers (snaps-ks, snaps-kolmogorov).

   An equation supplies a FlowProblem: its state vectors, initial states, the explicit (nonlinear) right-hand
   side and the stiff linear part L, which is diagonal in Fourier space so the implicit stage equation
   (I - gamma L) x = b is solved exactly. The driver owns everything else: the ensemble (members spread
   over the ranks, or every member on all ranks), SUNDIALS ARKODE's IMEX ARKStep on NVECTOR_PETSC, the
   saved trajectory, checkpoints and restarts, progress lines, the leading Lyapunov exponent, and the
   -results report. */
#pragma once

#include <snaps.h>
#include <snaps/trajectory.h>

typedef struct {
  SNAPSTrajectoryDesc desc;        /* equation, field, grid, diagnostics; desc.members is set by the driver */
  MPI_Comm            member_comm; /* PETSC_COMM_SELF: members spread over the ranks; else each member on it */
  void               *ctx;
  /* a state vector on member_comm (required) */
  PetscErrorCode (*create_vec)(void *, Vec *);
  /* the initial state of a member from the run's seed (required) */
  PetscErrorCode (*initial)(void *, PetscInt member, PetscInt seed, Vec);
  /* the initial state is fixed (ks -init mode, kolmogorov -init taylor-green): initial() draws nothing from the seed */
  PetscBool initial_fixed;
  /* the initial state is zero (-init_amplitude 0, the option of both equations): every member starts from it */
  PetscBool initial_zero;
  /* f = N(y), the explicit part (required) */
  PetscErrorCode (*explicit_rhs)(void *, PetscReal t, Vec y, Vec f);
  /* f = L y, the stiff linear part (required) */
  PetscErrorCode (*linear_apply)(void *, Vec y, Vec f);
  /* x = (I - gamma L)^{-1} b (required) */
  PetscErrorCode (*linear_solve)(void *, PetscReal gamma, Vec b, Vec x);
  /* desc.ndiag scalar diagnostics of a state, on every rank of member_comm (required) */
  PetscErrorCode (*diagnostics)(void *, Vec y, PetscReal d[]);
  /* the equation's parameters as trajectory attributes and report fields (its initial-state ones, -init and its
     options, only where they ran: PETSC_FALSE when -init_trajectory replaced them), and a string that a checkpoint
     must match (optional) */
  PetscErrorCode (*attributes)(void *, SNAPSTrajectory);
  PetscErrorCode (*report)(void *, PetscBool init_ran, SNAPSReport);
  PetscErrorCode (*fingerprint)(void *, char[], size_t);
  /* the parameters a rollout surrogate must have been trained at (SNAPSSurrogateCheckPhysics; 0 where none) */
  PetscReal nu, alpha, famp;
  PetscInt  forcing;
} FlowProblem;

/* Reads the driver's options (-T, -dt_save, -ensemble, -trajectory, -ark_*, -checkpoint*, -restart,
   -lyapunov*, -results, ...) inside the program's PetscOptionsBegin block. -lyapunov_transient defaults to half of
   -T (a restart: its checkpoint's, so that it may raise -T), so that the defaults measure an exponent. */
typedef struct _n_FlowRun *FlowRun;
PetscErrorCode             FlowRunCreate(MPI_Comm, const char program[], FlowRun *);
PetscErrorCode             FlowRunSetFromOptions(FlowRun, PetscOptionItems *);
PetscErrorCode             FlowRunSolve(FlowRun, FlowProblem *);
/* Refuses the equation's initial-state options (names, and whether each was given) with -init_trajectory. */
PetscErrorCode FlowRunCheckInitOptions(FlowRun, PetscInt, const char *const[], const PetscBool[]);
/* Whether the run advances with a rollout surrogate (-stepper sna), after FlowRunSetFromOptions. */
PetscBool      FlowRunUsesSurrogate(FlowRun);
PetscErrorCode FlowRunDestroy(FlowRun *);
/* The help text of the driver's options, for the programs' -help. */
extern const char FlowRunHelp[];
/* The seed a (seed + 1) + k of member k's generator (random initial state, -lyapunov twin, surrogate draws; a: the
   generator's odd multiplier), in unsigned arithmetic: as a PetscInt product it overflowed, undefined behaviour,
   where a (seed + 1) > PETSC_MAX_INT (from -seed 138 on for the surrogate's draws). The generators take the low 32
   bits, which the wrapped product had too, so every seed keeps its streams. */
static inline unsigned long FlowSeed(unsigned long a, PetscInt seed, PetscInt k)
{
  return a * ((unsigned long)seed + 1) + (unsigned long)k;
}
