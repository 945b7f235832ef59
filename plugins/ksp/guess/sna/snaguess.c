/* The "sna" KSPGuess: the initial guess of a linear solve from a trained surrogate (snaps/snaguess.h).
   Structure after PETSc's own guesses (src/ksp/ksp/guess/impls/pod): options, set-up when the
   operator is known, the guess itself, a view, and no update (the model is trained offline). */
#include <snaps/private/snaguessimpl.h>
#include <snaps/options.h>
#include <petsc/private/kspimpl.h>
#include <petscblaslapack.h>

#define SNAGUESS_MAX_PARAMS 64
#define SNAGUESS_PARAMS_KEY "SNAGuessParameters" /* composed on the KSP by SNAGuessSetParameters() */

/* The parameters SNAGuessSetParameters() keeps on the KSP, so that a guess created later (KSPSetFromOptions()
   after the call) still gets them. */
typedef struct {
  PetscInt  q;
  PetscReal mu[SNAGUESS_MAX_PARAMS];
} SNAGuessParams;

typedef enum {
  KERNEL_AUTO,
  KERNEL_BLAS,
  KERNEL_VEC
} BasisKernel;
static const char *const BasisKernels[] = {"auto", "blas", "vec"};

typedef enum {
  SOURCE_NONE,
  SOURCE_APPLICATION,
  SOURCE_OPTIONS,
  SOURCE_RHS
} ParameterSource;
static const char *const ParameterSources[] = {"nowhere (not needed)", "the application (SNAGuessSetParameters)", "-ksp_guess_sna_params", "the right-hand side"};
/* ParameterSources[s], with the options source named as given (its prefix): defined after KSPGuess_SNA */
#define SourceName(g, s) ((s) == SOURCE_OPTIONS ? (g)->opt_params_name : ParameterSources[s])

typedef struct {
  /* options */
  char        file[PETSC_MAX_PATH_LEN];
  PetscBool   galerkin, scale, check_fingerprint, use_opmodel, reduced_rhs;
  PetscBool   check_residual;             /* -ksp_guess_sna_check_residual: a guess worse than zero is replaced by zero */
  PetscBool   resid_option;               /* ... given: refused at load when -ksp_guess_sna_galerkin_modes is all of k */
  PetscViewer monitor;                    /* -ksp_guess_sna_monitor [ascii[:file]]: one line per guess; NULL until the first */
  PetscBool   monitor_set;                /* the option asks for the lines (checked, not opened, by SetFromOptions) */
  PetscReal   reduced_rhs_tol;            /* largest |b - W W^T b| / |b| for which V^T b is taken as (V^T W)(W^T b) */
  char        record[PETSC_MAX_PATH_LEN]; /* -ksp_guess_sna_record_operators; "" if not recording */
  PetscInt    galerkin_modes;             /* requested; PETSC_DEFAULT: all */
  const char *rhs_option;                 /* -ksp_guess_sna_reduced_rhs(_tol) if given, for the check at load; else NULL */
  PetscBool   opmodel_given;              /* -ksp_guess_sna_operator_model given true: the model must have an /operator */
  char        pre[64];                    /* the options prefix of the guess (its KSP's), "" if none: messages name the
                                             options as they are given, -<prefix>ksp_guess_sna_... */
  char        opt_params_name[96];        /* -<prefix>ksp_guess_sna_params, a parameter source */
  char        rhs_option_name[96];        /* what rhs_option points to */
  BasisKernel kernel;                     /* -ksp_guess_sna_basis_kernel */
  PetscInt    nopt, napp;                 /* parameters from the options and from the application */
  PetscReal   opt_params[SNAGUESS_MAX_PARAMS], app_params[SNAGUESS_MAX_PARAMS];

  /* the model, loaded for the current operator size */
  char             loaded[PETSC_MAX_PATH_LEN]; /* file it came from; "" if none */
  SNAGuessModel    model;
  SNAPSNatural     nat;
  DM               dm;          /* the KSP's DM the model was loaded for (referenced: its address stays its own), or NULL */
  Mat              printed_mat; /* operator and nonzero state whose fingerprint was checked */
  PetscObjectState printed_state;
  char             fingerprint[SNAPS_FINGERPRINT_LEN];
  Vec              mu, z, c, cs; /* sequential SNA inputs (q and r) and outputs (k from the rhs, ks from mu) */
  Vec              Ax, res;      /* work vectors of the operator's layout */
  Vec              bmu, bc;      /* SNAGuessPredictFields(): N x q parameters, N x ks coordinates */
  PetscBool        blas;         /* passes over the bases by BLAS gemv (else VecMDot/VecMAXPY) */
  PetscReal        tblas, tvec;  /* their measured times (auto), or 0 */

  /* V^T b from the right-hand-side basis W (r << k modes): VW = V^T W (k x r, column-major), s = b - W W^T b */
  PetscScalar *VW, *zr;
  Vec          s;
  PetscReal    last_rhs_error;              /* |s| / |b| of the last guess, or -1 if not computed */
  PetscInt     reduced_count, direct_count; /* guesses that took V^T b from W, and that needed the pass over V */

  /* Galerkin correction in the first kg modes: AV = A V, G = V^T A V (LU factors) for one operator state */
  PetscInt                kg;
  Vec                    *AV;
  PetscScalar            *G, *rhs, *coef, *Gcopy;
  PetscBLASInt           *pivots;
  Mat                     gmat;
  PetscObjectState        gstate;
  PetscBool               gvalid, from_model;       /* from_model: G came from the model's /operator, not from A */
  PetscReal               gmu[SNAGUESS_MAX_PARAMS]; /* the parameters G was evaluated at (from_model) */
  PetscInt                gnp;
  PetscBool               cholesky; /* G symmetric positive definite: Cholesky factors, else LU */
  SNAGuessOperatorRecords rec;

  /* what the last guess did */
  ParameterSource source;
  PetscBool       rebuilt;
  PetscReal       alpha, cnorm, last_time, total_time, last_predict_time, last_coord_time;
  PetscInt        count;
  PetscBool       outside;       /* the last guess's parameters lie outside the SNA's training box */
  PetscInt        outside_count; /* guesses with parameters outside it */
  PetscBool       override_told; /* the application's parameters overriding -ksp_guess_sna_params was said */
  PetscReal       last_ratio;    /* |b - A x0| / |b| of the last guess checked (KSPGuessSNACheckResidual), or -1 */
  PetscInt        worse_count;   /* guesses worse than the zero guess, replaced by it */
  PetscBool       worse_told;    /* the first of them was said */
  PetscBool       reduced_told;  /* -ksp_guess_sna_reduced_rhs(_tol) given for a model where it does nothing was said */
} KSPGuess_SNA;

static PetscLogEvent KSPGUESS_SNA_Form, KSPGUESS_SNA_Predict;

/* Frees the model and everything sized by it. */
static PetscErrorCode KSPGuessSNAFreeModel(KSPGuess_SNA *g)
{
  PetscFunctionBegin;
  if (g->AV) PetscCall(VecDestroyVecs(g->kg, &g->AV));
  PetscCall(PetscFree5(g->G, g->rhs, g->coef, g->pivots, g->Gcopy));
  PetscCall(PetscFree2(g->VW, g->zr));
  PetscCall(VecDestroy(&g->s));
  PetscCall(VecDestroy(&g->mu));
  PetscCall(VecDestroy(&g->z));
  PetscCall(VecDestroy(&g->c));
  PetscCall(VecDestroy(&g->cs));
  PetscCall(VecDestroy(&g->bmu));
  PetscCall(VecDestroy(&g->bc));
  PetscCall(SNAGuessOperatorRecordsDestroy(&g->rec));
  PetscCall(VecDestroy(&g->Ax));
  PetscCall(VecDestroy(&g->res));
  PetscCall(SNAGuessModelDestroy(&g->model));
  PetscCall(SNAPSNaturalDestroy(&g->nat));
  PetscCall(DMDestroy(&g->dm));
  g->loaded[0]     = 0;
  g->printed_mat   = NULL;
  g->printed_state = 0;
  g->gvalid        = PETSC_FALSE;
  g->kg            = 0;
  PetscFunctionReturn(0);
}

/* Loads the model for the current operator: natural ordering from the KSP's DM, if it has one. */
static PetscErrorCode KSPGuessSNALoadModel(KSPGuess guess)
{
  KSPGuess_SNA *g    = (KSPGuess_SNA *)guess->data;
  MPI_Comm      comm = PetscObjectComm((PetscObject)guess);
  Vec            x;
  PetscInt       n, k;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(KSPGuessSNAFreeModel(g));
  PetscCall(MatCreateVecs(guess->A, &x, NULL));
  PetscCall(VecGetSize(x, &n));
  /* ksp->dm directly: KSPGetDM() would create a DMShell; not PetscCall: a DM it refuses (another size, a DMPlex
     distributed without a natural ordering) frees x first */
  ierr = SNAPSNaturalCreate(guess->ksp->dm, x, &g->nat);
  PetscCall(VecDestroy(&x));
  PetscCall(ierr);
  PetscCall(SNAPSNaturalOrderingDM(guess->ksp->dm, &g->dm)); /* a DMShell orders nothing: not a DM to reload for */
  if (g->dm) PetscCall(PetscObjectReference((PetscObject)g->dm));
  PetscCall(SNAGuessModelLoad(comm, g->file, g->nat, n, &g->model));
  k = g->model.k;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, g->model.q, &g->mu));
  PetscCall(VecSetBlockSize(g->mu, g->model.q));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, k, &g->c));
  PetscCall(VecSetBlockSize(g->c, k));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, g->model.ks, &g->cs));
  PetscCall(VecSetBlockSize(g->cs, g->model.ks));
  if (g->model.r > 0) {
    PetscCall(VecCreateSeq(PETSC_COMM_SELF, g->model.r, &g->z));
    PetscCall(VecSetBlockSize(g->z, g->model.r));
  }
  PetscCall(MatCreateVecs(guess->A, &g->Ax, &g->res));
  g->tblas = g->tvec = 0;
  if (g->kernel == KERNEL_AUTO) PetscCall(SNAGuessBasisTimeKernels(&g->model.V, &g->tblas, &g->tvec));
  g->blas = (PetscBool)(g->model.V.data && (g->kernel == KERNEL_BLAS || (g->kernel == KERNEL_AUTO && g->tblas <= g->tvec)));
  /* checked here, where k is known: a larger m would silently become all modes, another method */
  PetscCheck(g->galerkin_modes == PETSC_DEFAULT || g->galerkin_modes <= k, comm, PETSC_ERR_ARG_OUTOFRANGE, "-%sksp_guess_sna_galerkin_modes %" PetscInt_FMT ": the model '%s' has %" PetscInt_FMT " POD modes, so it must be -1 (all) or 1..%" PetscInt_FMT, g->pre, g->galerkin_modes, g->file, k, k);
  g->kg = g->galerkin_modes == PETSC_DEFAULT ? k : g->galerkin_modes;
  PetscCall(PetscMalloc5(g->kg * g->kg, &g->G, PetscMax(k, g->model.r), &g->rhs, k, &g->coef, g->kg, &g->pivots, g->kg * g->kg, &g->Gcopy));
  /* V^T b through W costs 2 r n (z = W^T b, then s = b - W z to check it) instead of k n: worth it for r < k / 2 */
  g->reduced_count = g->direct_count = 0;
  g->last_rhs_error                  = -1;
  if (g->galerkin && g->reduced_rhs && g->kg == k && g->model.r > 0 && 2 * g->model.r < k) {
    PetscCall(PetscMalloc2(k * g->model.r, &g->VW, g->model.r, &g->zr));
    for (PetscInt j = 0; j < g->model.r; j++) PetscCall(SNAGuessBasisDot(&g->model.V, g->blas, g->model.W.v[j], k, g->VW + j * k));
    PetscCall(VecDuplicate(g->Ax, &g->s));
  }
  PetscCall(PetscStrncpy(g->loaded, g->file, sizeof(g->loaded)));
  PetscCall(PetscInfo(guess, "Loaded initial-guess model %s: n %" PetscInt_FMT ", q %" PetscInt_FMT ", k %" PetscInt_FMT " (SNA: %" PetscInt_FMT "), r %" PetscInt_FMT ", reduced-operator model: %s\n", g->file, n, g->model.q, k, g->model.ks, g->model.r, g->model.op ? "yes" : "no"));
  PetscFunctionReturn(0);
}

/* Compares the operator's fingerprint with the model's whenever the operator's sparsity pattern is new. */
static PetscErrorCode KSPGuessSNACheckFingerprint(KSPGuess guess)
{
  KSPGuess_SNA    *g = (KSPGuess_SNA *)guess->data;
  PetscObjectState state;
  PetscBool        same;

  PetscFunctionBegin;
  PetscCall(MatGetNonzeroState(guess->A, &state));
  if (guess->A == g->printed_mat && state == g->printed_state) PetscFunctionReturn(0);
  PetscCall(SNAPSOperatorFingerprint(guess->A, g->nat, g->fingerprint));
  PetscCall(PetscStrcmp(g->fingerprint, g->model.fingerprint, &same));
  PetscCheck(same, PetscObjectComm((PetscObject)guess), PETSC_ERR_ARG_INCOMP,
             "The initial-guess model '%s' was trained for the operator with fingerprint %s but this operator's fingerprint is %s: same size (%" PetscInt_FMT "), but another mesh, element, boundary treatment or ordering. Train a model for this problem (or, at your own risk, -%sksp_guess_sna_check_fingerprint false)", g->file, g->model.fingerprint, g->fingerprint, g->model.n, g->pre);
  g->printed_mat   = guess->A;
  g->printed_state = state;
  PetscFunctionReturn(0);
}

/* Parameters given by SNAGuessSetParameters() before the KSP had this guess (kept on the KSP) become the guess's. */
static PetscErrorCode KSPGuessSNATakeKSPParameters(KSPGuess guess)
{
  KSPGuess_SNA   *g = (KSPGuess_SNA *)guess->data;
  PetscContainer  container;
  SNAGuessParams *kept;

  PetscFunctionBegin;
  if (!guess->ksp) PetscFunctionReturn(0);
  PetscCall(PetscObjectQuery((PetscObject)guess->ksp, SNAGUESS_PARAMS_KEY, (PetscObject *)&container));
  if (!container) PetscFunctionReturn(0);
  PetscCall(PetscContainerGetPointer(container, (void **)&kept));
  PetscCall(PetscArraycpy(g->app_params, kept->mu, kept->q));
  g->napp = kept->q;
  PetscFunctionReturn(0);
}

static PetscErrorCode KSPGuessSetUp_SNA(KSPGuess guess)
{
  KSPGuess_SNA *g    = (KSPGuess_SNA *)guess->data;
  MPI_Comm      comm = PetscObjectComm((PetscObject)guess);
  PetscBool     same;
  PetscInt      n, nloc;
  PetscMPIInt   moved = 0, anymoved;
  DM            odm;

  PetscFunctionBegin;
  if (!g->file[0]) {
    PetscBool bare = PETSC_FALSE; /* given without the KSP's prefix: the usual slip with a prefixed KSP */

    if (g->pre[0]) PetscCall(PetscOptionsHasName(((PetscObject)guess)->options, NULL, "-ksp_guess_sna_model", &bare));
    SETERRQ(comm, PETSC_ERR_USER_INPUT, "The sna initial guess needs a model file: -%sksp_guess_sna_model <model.h5> (build one with snaps-pod)%s%s%s", g->pre, bare ? "; -ksp_guess_sna_model is set, but this KSP's options have the prefix '" : "", bare ? g->pre : "", bare ? "'" : "");
  }
  PetscCall(KSPGuessSNATakeKSPParameters(guess));
  PetscCall(MatGetSize(guess->A, &n, NULL));
  PetscCall(MatGetLocalSize(guess->A, &nloc, NULL));
  PetscCall(PetscStrcmp(g->file, g->loaded, &same));
  /* the bases, work vectors and natural map are laid out for one row distribution and DM: after KSPReset() or
     KSPSetDM() the same global size may come with others (every rank must agree to reload: the load is collective) */
  PetscCall(SNAPSNaturalOrderingDM(guess->ksp->dm, &odm));
  if (same && g->model.n == n) moved = (PetscMPIInt)(nloc != g->model.V.nloc || odm != g->dm);
  PetscCallMPI(MPI_Allreduce(&moved, &anymoved, 1, MPI_INT, MPI_MAX, comm));
  if (anymoved) PetscCall(PetscInfo(guess, "The operator's row layout or the KSP's DM changed: the model is loaded again for them\n"));
  if (!same || g->model.n != n || anymoved) PetscCall(KSPGuessSNALoadModel(guess));
  /* the options against the model, at every set-up (they may change without a reload): a wrong count of
     -ksp_guess_sna_params would be reported only on the paths that read them; the V^T b options do nothing
     unless every mode is corrected */
  PetscCheck(!g->nopt || g->nopt == g->model.q, PetscObjectComm((PetscObject)guess), PETSC_ERR_ARG_SIZ, "The initial-guess model '%s' takes %" PetscInt_FMT " parameters but %" PetscInt_FMT " were given by %s", g->file, g->model.q, g->nopt, SourceName(g, SOURCE_OPTIONS));
  PetscCheck(!g->rhs_option || g->kg == g->model.k, PetscObjectComm((PetscObject)guess), PETSC_ERR_ARG_INCOMP, "%s applies to the Galerkin projection on all modes only, but -%sksp_guess_sna_galerkin_modes %" PetscInt_FMT " corrects the first %" PetscInt_FMT " of the model's %" PetscInt_FMT ": remove %s or -%sksp_guess_sna_galerkin_modes", g->rhs_option, g->pre, g->kg, g->kg, g->model.k, g->rhs_option, g->pre);
  /* asked for by name, not as the defaults: with a model that lacks the part they use they would do nothing, silently
     (the reduced operator from A, V^T b by a pass over V) */
  PetscCheck(!g->rhs_option || !g->reduced_rhs || g->model.r > 0, PetscObjectComm((PetscObject)guess), PETSC_ERR_ARG_INCOMP, "%s takes V^T b from the model's right-hand-side basis, but the initial-guess model '%s' has none (built with snaps-pod -no_rhs): remove %s, or build the model with its /rhs group", g->rhs_option, g->file, g->rhs_option);
  PetscCheck(!g->opmodel_given || g->model.op, PetscObjectComm((PetscObject)guess), PETSC_ERR_ARG_INCOMP, "-%sksp_guess_sna_operator_model asks for the reduced operator from the model's /operator, but the initial-guess model '%s' has none, so it would be computed from A: add one (snaps-pod -model %s -operators <records of -%sksp_guess_sna_record_operators>), or remove -%sksp_guess_sna_operator_model", g->pre, g->file, g->file, g->pre, g->pre);
  PetscCheck(!g->resid_option || !g->galerkin || g->kg < g->model.k, PetscObjectComm((PetscObject)guess), PETSC_ERR_ARG_INCOMP, "-%sksp_guess_sna_check_residual applies to a guess corrected in some modes only, but -%sksp_guess_sna_galerkin_modes %" PetscInt_FMT " is all of the model's %" PetscInt_FMT ": the Galerkin projection on all modes is never worse than the zero guess (in the energy norm, A symmetric positive definite), so remove -%sksp_guess_sna_check_residual", g->pre, g->pre, g->kg, g->model.k, g->pre);
  /* given by name with too many right-hand-side modes (r >= k / 2, see KSPGuessSNALoadModel()) it does nothing: only
     -ksp_view said so. The default is not warned about: it is meant for the models it helps */
  if (g->rhs_option && g->reduced_rhs && !g->VW && !g->reduced_told) {
    g->reduced_told = PETSC_TRUE;
    PetscCall(PetscPrintf(comm, "WARNING: %s does not apply to the initial-guess model '%s': its %" PetscInt_FMT " right-hand-side modes are too many for its %" PetscInt_FMT " POD modes (V^T b through them costs 2 r n, a pass over V k n: it saves work for r < k / 2 only), so V^T b is taken by a pass over V: remove %s, or build the model with fewer right-hand-side modes (snaps-pod -rhs_max_modes)\n", g->rhs_option, g->file, g->model.r, g->model.k, g->rhs_option));
  }
  if (g->check_fingerprint) PetscCall(KSPGuessSNACheckFingerprint(guess));
  PetscFunctionReturn(0);
}

/* The parameters of this solve (from the application, else the options); np = 0 if none. */
static void KSPGuessSNAGetParameters(KSPGuess_SNA *g, PetscInt *np, const PetscReal **mu)
{
  *np = g->napp ? g->napp : g->nopt;
  *mu = g->napp ? g->app_params : g->opt_params;
}

/* Whether the Galerkin correction takes V^T A V from the model's /operator (*reason NULL) or computes it from A
   (*reason says why, in buf), for the parameters known now: the guess and its view decide alike. */
static PetscErrorCode KSPGuessSNAOperatorSource(KSPGuess_SNA *g, char buf[], size_t len, const char **reason)
{
  PetscInt         np;
  const PetscReal *mu;

  PetscFunctionBegin;
  KSPGuessSNAGetParameters(g, &np, &mu);
  *reason = buf;
  if (!g->model.op)
    PetscCall(PetscStrncpy(buf, "the model has no /operator", len));
  else if (!g->use_opmodel)
    PetscCall(PetscSNPrintf(buf, len, "-%sksp_guess_sna_operator_model false", g->pre));
  else if (g->record[0])
    PetscCall(PetscSNPrintf(buf, len, "recording them (-%sksp_guess_sna_record_operators)", g->pre));
  else if (np != g->model.q)
    PetscCall(PetscSNPrintf(buf, len, "the model's /operator needs the %" PetscInt_FMT " parameters, which are not known", g->model.q));
  else if (g->kg > g->model.op->k)
    PetscCall(PetscSNPrintf(buf, len, "the model's /operator has %" PetscInt_FMT " modes, fewer than the %" PetscInt_FMT " corrected", g->model.op->k, g->kg));
  else
    *reason = NULL;
  PetscFunctionReturn(0);
}

/* Whether the parameters are those the kept G was evaluated at. */
static PetscBool KSPGuessSNASameParameters(const KSPGuess_SNA *g, PetscInt np, const PetscReal mu[])
{
  if (np != g->gnp) return PETSC_FALSE;
  for (PetscInt p = 0; p < np; p++)
    if (mu[p] != g->gmu[p]) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* Whether the kept G still holds: G from A depends on A alone, G from the model's /operator on the parameters too. */
static PetscBool KSPGuessSNAOperatorKept(KSPGuess guess, PetscObjectState state, PetscInt np, const PetscReal mu[])
{
  const KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;

  return (PetscBool)(g->gvalid && g->gmat == guess->A && g->gstate == state && (!g->from_model || KSPGuessSNASameParameters(g, np, mu)));
}

/* Sets g->from_model (KSPGuessSNAOperatorSource), saying in -info why a model with an /operator is not used. */
static PetscErrorCode KSPGuessSNAChooseOperatorSource(KSPGuess guess)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;
  char          why[128];
  const char   *reason;

  PetscFunctionBegin;
  PetscCall(KSPGuessSNAOperatorSource(g, why, sizeof(why), &reason));
  g->from_model = (PetscBool)!reason;
  if (reason && g->model.op) PetscCall(PetscInfo(guess, "The reduced operator from A, not from the model's /operator: %s\n", reason));
  PetscFunctionReturn(0);
}

/* Appends G (from A) at the parameters mu to -ksp_guess_sna_record_operators' file; the records' header (sizes,
   fingerprint, the basis' 1-norms) is set at the first. */
static PetscErrorCode KSPGuessSNARecordOperator(KSPGuess guess, PetscInt np, const PetscReal mu[])
{
  KSPGuess_SNA *g    = (KSPGuess_SNA *)guess->data;
  MPI_Comm      comm = PetscObjectComm((PetscObject)guess);
  char          option[PETSC_MAX_OPTION_NAME]; /* the option as the user gives it, with this KSP's prefix */

  PetscFunctionBegin;
  PetscCheck(np == g->model.q, comm, PETSC_ERR_USER_INPUT, "Recording reduced operators (-%sksp_guess_sna_record_operators) needs the parameters of every solve: SNAGuessSetParameters() or -%sksp_guess_sna_params with %" PetscInt_FMT " values", g->pre, g->pre, g->model.q);
  if (!g->rec.count) {
    g->rec.k = g->kg;
    g->rec.q = g->model.q;
    g->rec.n = g->model.n;
    PetscCall(PetscStrncpy(g->rec.fingerprint, g->model.fingerprint, sizeof(g->rec.fingerprint)));
    PetscCall(PetscFree(g->rec.l1));
    PetscCall(PetscMalloc1(g->kg, &g->rec.l1));
    for (PetscInt j = 0; j < g->kg; j++) PetscCall(VecNorm(g->model.V.v[j], NORM_1, &g->rec.l1[j]));
  }
  /* appended to the file's records, which it reads under a lock each time: several runs add up */
  PetscCall(PetscSNPrintf(option, sizeof(option), "-%sksp_guess_sna_record_operators", g->pre));
  PetscCall(SNAGuessOperatorRecordsAdd(comm, g->record, option, &g->rec, mu, g->G));
  PetscFunctionReturn(0);
}

/* G = V^T A V in the first kg modes from A (kg products with A, kept in AV), recorded if asked. */
static PetscErrorCode KSPGuessSNAOperatorFromA(KSPGuess guess, PetscInt np, const PetscReal mu[])
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;

  PetscFunctionBegin;
  if (!g->AV) PetscCall(VecDuplicateVecs(g->Ax, g->kg, &g->AV));
  for (PetscInt j = 0; j < g->kg; j++) {
    PetscCall(MatMult(guess->A, g->model.V.v[j], g->AV[j]));
    PetscCall(SNAGuessBasisDot(&g->model.V, g->blas, g->AV[j], g->kg, g->G + j * g->kg)); /* column j: <A v_j, v_i> */
  }
  if (g->record[0]) PetscCall(KSPGuessSNARecordOperator(guess, np, mu));
  PetscFunctionReturn(0);
}

/* Whether G is to be tried by Cholesky: symmetric to rounding (A is, for CG). From a model of symmetric terms G is
   symmetric by construction: no check. */
static PetscBool KSPGuessSNAOperatorSymmetric(const KSPGuess_SNA *g)
{
  if (g->from_model && g->model.op->symmetric) return PETSC_TRUE;
  for (PetscInt j = 0; j < g->kg; j++)
    for (PetscInt i = 0; i < j; i++)
      if (PetscAbsScalar(g->G[j * g->kg + i] - g->G[i * g->kg + j]) > 1e-13 * (PetscAbsScalar(g->G[i * g->kg + i]) + PetscAbsScalar(g->G[j * g->kg + j]))) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* Factors G in place: Cholesky, half the work of LU, where symmetric; if that fails G is not SPD and LU decides (G
   restored from its copy, or re-evaluated from the model: no copy kept then). A singular G is an error. */
static PetscErrorCode KSPGuessSNAFactorOperator(KSPGuess guess, const PetscReal mu[])
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;
  PetscBLASInt  bk, info;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(g->kg, &bk));
  g->cholesky = KSPGuessSNAOperatorSymmetric(g);
  if (g->cholesky) {
    if (!g->from_model) PetscCall(PetscArraycpy(g->Gcopy, g->G, g->kg * g->kg));
    PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bk, g->G, &bk, &info));
    if (info) { /* not positive definite */
      g->cholesky = PETSC_FALSE;
      if (g->from_model)
        PetscCall(SNAGuessOperatorEvaluate(g->model.op, mu, g->kg, g->G));
      else
        PetscCall(PetscArraycpy(g->G, g->Gcopy, g->kg * g->kg));
    }
  }
  if (!g->cholesky) PetscCallBLAS("LAPACKgetrf", LAPACKgetrf_(&bk, &bk, g->G, &bk, g->pivots, &info));
  PetscCheck(info == 0, PetscObjectComm((PetscObject)guess), PETSC_ERR_MAT_LU_ZRPVT, "The reduced operator V^T A V of the sna initial guess (%" PetscInt_FMT " modes%s) is singular (LAPACK getrf info %d): fewer -%sksp_guess_sna_galerkin_modes%s%s%s", g->kg, g->from_model ? ", from the model's /operator" : "", (int)info, g->pre, g->from_model ? ", or -" : "", g->from_model ? g->pre : "", g->from_model ? "ksp_guess_sna_operator_model false" : "");
  PetscFunctionReturn(0);
}

/* The factors of V^T A V for the first kg modes, when the operator changed: from the model's
   /operator at the parameters when it has one (no work of size n), else from A V (and recorded). */
static PetscErrorCode KSPGuessSNAGalerkinOperator(KSPGuess guess)
{
  KSPGuess_SNA    *g = (KSPGuess_SNA *)guess->data;
  PetscObjectState state;
  PetscInt         np;
  const PetscReal *mu;

  PetscFunctionBegin;
  PetscCall(PetscObjectStateGet((PetscObject)guess->A, &state));
  g->rebuilt = PETSC_FALSE;
  KSPGuessSNAGetParameters(g, &np, &mu);
  if (KSPGuessSNAOperatorKept(guess, state, np, mu)) PetscFunctionReturn(0);
  PetscCall(KSPGuessSNAChooseOperatorSource(guess));
  if (g->from_model)
    PetscCall(SNAGuessOperatorEvaluate(g->model.op, mu, g->kg, g->G));
  else
    PetscCall(KSPGuessSNAOperatorFromA(guess, np, mu));
  PetscCall(KSPGuessSNAFactorOperator(guess, mu));
  g->gmat   = guess->A;
  g->gstate = state;
  g->gvalid = PETSC_TRUE;
  g->gnp    = np;
  PetscCall(PetscArraycpy(g->gmu, mu, np));
  g->rebuilt = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* rhs <- G^{-1} rhs with the factors of KSPGuessSNAGalerkinOperator(). */
static PetscErrorCode KSPGuessSNAReducedSolve(KSPGuess_SNA *g)
{
  PetscBLASInt bk, one = 1, info;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(g->kg, &bk));
  if (g->cholesky)
    PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bk, &one, g->G, &bk, g->rhs, &bk, &info));
  else
    PetscCallBLAS("LAPACKgetrs", LAPACKgetrs_("N", &bk, &one, g->G, &bk, g->pivots, g->rhs, &bk, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK %s failed (info %d)", g->cholesky ? "potrs" : "getrs", (int)info);
  PetscFunctionReturn(0);
}

/* g->rhs = V^T b. When the right-hand side lies in the span of the training right-hand sides W to
   within reduced_rhs_tol (checked exactly on s = b - W W^T b), V^T b = (V^T W)(W^T b) + V^T s with the
   last term dropped: two passes over the r vectors of W instead of one over the k of V. Else the pass over V,
   and only that once the first 3 right-hand sides missed the span. */
static PetscErrorCode KSPGuessSNAProjectRHS(KSPGuess_SNA *g, Vec b)
{
  const PetscInt k = g->model.k, r = g->model.r;
  PetscReal      norms[2];

  PetscFunctionBegin;
  g->last_rhs_error = -1;
  /* right-hand sides outside the span of W: after 3 misses and no hit, stop paying for the check */
  if (g->VW && !(g->reduced_count == 0 && g->direct_count >= 3)) {
    PetscCall(SNAGuessBasisDot(&g->model.W, g->blas, b, r, g->zr));
    for (PetscInt j = 0; j < r; j++) g->zr[j] = -g->zr[j];
    PetscCall(VecCopy(b, g->s));
    PetscCall(SNAGuessBasisCombine(&g->model.W, g->blas, r, g->zr, PETSC_TRUE, g->s)); /* s = b - W z */
    PetscCall(VecNormBegin(g->s, NORM_2, &norms[0]));
    PetscCall(VecNormBegin(b, NORM_2, &norms[1]));
    PetscCall(VecNormEnd(g->s, NORM_2, &norms[0]));
    PetscCall(VecNormEnd(b, NORM_2, &norms[1]));
    g->last_rhs_error = norms[1] > 0 ? norms[0] / norms[1] : 0;
    if (g->last_rhs_error <= g->reduced_rhs_tol) {
      for (PetscInt i = 0; i < k; i++) g->rhs[i] = 0;
      for (PetscInt j = 0; j < r; j++) /* rhs = V^T W z, z = -zr */
        for (PetscInt i = 0; i < k; i++) g->rhs[i] -= g->VW[j * k + i] * g->zr[j];
      PetscCall(PetscLogFlops(2.0 * k * r));
      g->reduced_count++;
      PetscFunctionReturn(0);
    }
  }
  PetscCall(SNAGuessBasisDot(&g->model.V, g->blas, b, k, g->rhs));
  g->direct_count++;
  PetscFunctionReturn(0);
}

/* A model with finite but huge coefficients (or one that is evaluated far outside its box) can
   overflow: an error rather than an Inf or NaN guess handed to the solver. */
static PetscErrorCode KSPGuessSNACheckFinite(KSPGuess_SNA *g, MPI_Comm comm, PetscReal norm, const char what[])
{
  PetscFunctionBegin;
  PetscCheck(!PetscIsInfOrNanReal(norm), comm, PETSC_ERR_FP, "The initial guess of the model '%s' is not finite (Inf or NaN in its %s): the model's coefficients are too large for double precision, so the file is corrupt or the fit failed. Rebuild the model with snaps-pod, or solve without it (-ksp_guess_type none)", g->file, what);
  PetscFunctionReturn(0);
}

/* -ksp_guess_sna_params given, but the application's parameters (SNAGuessSetParameters()) are used: said once,
   the first time they differ, so that the user's option is not silently ignored (-ksp_view says it too). */
static PetscErrorCode KSPGuessSNATellOverride(KSPGuess guess)
{
  KSPGuess_SNA *g    = (KSPGuess_SNA *)guess->data;
  MPI_Comm      comm = PetscObjectComm((PetscObject)guess);
  PetscBool     differ;

  PetscFunctionBegin;
  if (g->override_told || !g->napp || !g->nopt) PetscFunctionReturn(0);
  differ = (PetscBool)(g->napp != g->nopt);
  for (PetscInt p = 0; p < g->napp && !differ; p++) differ = (PetscBool)(g->app_params[p] != g->opt_params[p]);
  if (!differ) PetscFunctionReturn(0);
  g->override_told = PETSC_TRUE;
  PetscCall(PetscPrintf(comm, "WARNING: -%sksp_guess_sna_params", g->pre));
  for (PetscInt p = 0; p < g->nopt; p++) PetscCall(PetscPrintf(comm, "%s%g", p ? "," : " ", (double)g->opt_params[p]));
  PetscCall(PetscPrintf(comm, " is overridden by the parameters the application passes with SNAGuessSetParameters()"));
  for (PetscInt p = 0; p < g->napp; p++) PetscCall(PetscPrintf(comm, "%s%g", p ? ", " : " (", (double)g->app_params[p]));
  PetscCall(PetscPrintf(comm, "): the sna initial guess uses the application's (remove -%sksp_guess_sna_params)\n", g->pre));
  PetscFunctionReturn(0);
}

/* Parameters outside the box the SNA was trained on (snaps-predict warns of the same): a khronos model is
   constant beyond it, so the guess is the box edge's prediction, the usual reason for a weak guess. Counted
   for -ksp_view and said by the monitor. */
static PetscErrorCode KSPGuessSNANoteOutside(KSPGuess guess, PetscInt np, const PetscReal mu[])
{
  KSPGuess_SNA    *g = (KSPGuess_SNA *)guess->data;
  const PetscReal *lo, *hi;

  PetscFunctionBegin;
  g->outside = PETSC_FALSE;
  PetscCall(SNAGetBounds(g->model.sna, &lo, &hi));
  if (!lo || !hi) PetscFunctionReturn(0);
  for (PetscInt p = 0; p < np && !g->outside; p++)
    if (mu[p] < lo[p] || mu[p] > hi[p]) {
      g->outside = PETSC_TRUE;
      PetscCall(PetscInfo(guess, "Parameter %" PetscInt_FMT " = %g lies outside the model's training box [%g, %g]: the surrogate extrapolates\n", p + 1, (double)mu[p], (double)lo[p], (double)hi[p]));
    }
  if (g->outside) g->outside_count++;
  PetscFunctionReturn(0);
}

/* The surrogate's coordinates c of the solution, from the parameters or the right-hand side. */
static PetscErrorCode KSPGuessSNAPredict(KSPGuess guess, Vec b)
{
  KSPGuess_SNA    *g    = (KSPGuess_SNA *)guess->data;
  MPI_Comm         comm = PetscObjectComm((PetscObject)guess);
  PetscScalar     *a;
  PetscInt         np;
  const PetscReal *mu;

  PetscFunctionBegin;
  KSPGuessSNAGetParameters(g, &np, &mu);
  g->source = g->napp ? SOURCE_APPLICATION : (g->nopt ? SOURCE_OPTIONS : SOURCE_RHS);
  PetscCall(KSPGuessSNATellOverride(guess));
  if (g->source == SOURCE_RHS) {
    PetscCheck(g->model.r > 0, comm, PETSC_ERR_USER_INPUT, "The sna initial guess needs the problem's parameters (SNAGuessSetParameters() or -%sksp_guess_sna_params mu1,...,mu%" PetscInt_FMT "), or a model with a /rhs group to read them from the right-hand side; '%s' has none", g->pre, g->model.q, g->file);
    const PetscInt r = g->model.r;
    PetscCall(VecGetArray(g->z, &a));
    PetscCall(SNAGuessBasisDot(&g->model.W, g->blas, b, r, a)); /* coordinates of b in the training right-hand sides' basis */
    if (g->model.rhs_map) {
      PetscScalar *c;
      PetscCall(VecGetArray(g->c, &c));
      for (PetscInt j = 0; j < g->model.k; j++) {
        const PetscReal *row = g->model.rhs_map + j * (r + 1);
        c[j]                 = row[r];
        for (PetscInt i = 0; i < r; i++) c[j] += row[i] * a[i];
      }
      PetscCall(VecRestoreArray(g->c, &c));
    }
    PetscCall(VecRestoreArray(g->z, &a));
    if (!g->model.rhs_map) PetscCall(SNAEvaluate(g->model.rhs_sna, g->z, g->c));
  } else {
    PetscCheck(np == g->model.q, comm, PETSC_ERR_ARG_SIZ, "The initial-guess model '%s' takes %" PetscInt_FMT " parameters but %" PetscInt_FMT " were given by %s", g->file, g->model.q, np, SourceName(g, g->source));
    PetscCall(VecGetArray(g->mu, &a));
    for (PetscInt p = 0; p < np; p++) a[p] = mu[p];
    PetscCall(VecRestoreArray(g->mu, &a));
    PetscCall(KSPGuessSNANoteOutside(guess, np, mu));
    PetscCall(SNAEvaluate(g->model.sna, g->mu, g->cs));
  }
  PetscCall(VecNorm(g->source == SOURCE_RHS ? g->c : g->cs, NORM_2, &g->cnorm));
  PetscCall(KSPGuessSNACheckFinite(g, comm, g->cnorm, "coordinates"));
  PetscFunctionReturn(0);
}

/* Whether the guess needs KSPGuessSNACheckResidual(): the least-squares scaling (|b - alpha A x| <= |b|) and the
   Galerkin projection on all modes (the best field of span V in the energy norm, zero included, for a symmetric
   positive definite A: the residual norm is not bounded by it) are never worse than
   the zero guess; the prediction as it is, or corrected in some modes only, may be. */
static PetscBool KSPGuessSNANeedsResidualCheck(const KSPGuess_SNA *g)
{
  return (PetscBool)(g->check_residual && (g->galerkin ? g->kg < g->model.k : !g->scale));
}

/* The guess x against the zero guess, by the residual: |b - A x| > |b| (one product with A), and the solve starts
   from zero, said once and counted. The fingerprint sees the operator's sparsity pattern only, so a model trained for
   another problem of the same pattern (another coefficient, mesh spacing or boundary value: snaps-poisson's 26-face
   box and snaps-poisson-param's 24-face one share it) is taken; without scaling its guess cost iterations, silently. */
static PetscErrorCode KSPGuessSNACheckResidual(KSPGuess guess, Vec b, Vec x)
{
  KSPGuess_SNA *g    = (KSPGuess_SNA *)guess->data;
  MPI_Comm      comm = PetscObjectComm((PetscObject)guess);
  PetscReal     rnorm, bnorm;

  PetscFunctionBegin;
  PetscCall(MatMult(guess->A, x, g->Ax));
  PetscCall(VecWAXPY(g->res, -1.0, g->Ax, b));
  PetscCall(VecNormBegin(g->res, NORM_2, &rnorm));
  PetscCall(VecNormBegin(b, NORM_2, &bnorm));
  PetscCall(VecNormEnd(g->res, NORM_2, &rnorm));
  PetscCall(VecNormEnd(b, NORM_2, &bnorm));
  g->last_ratio = bnorm > 0 ? rnorm / bnorm : (rnorm > 0 ? PETSC_INFINITY : 0);
  if (!(rnorm > bnorm)) PetscFunctionReturn(0);
  g->worse_count++;
  PetscCall(VecZeroEntries(x));
  if (g->worse_told) PetscFunctionReturn(0);
  g->worse_told = PETSC_TRUE;
  PetscCall(PetscPrintf(comm,
                        "WARNING: the sna initial guess of the model '%s' is worse than the zero guess (|b - A x0| / |b| = %.3g): the solve starts from zero instead (so does every later such guess; -%sksp_view counts them). The model was trained for an operator with the same sparsity pattern (fingerprint %s, size %" PetscInt_FMT "), which the fingerprint check compares, but it predicts the solution of another problem: another coefficient, mesh spacing or boundary treatment of the same pattern (or parameters far outside its training box). Train a model for this problem; or scale the prediction (-%sksp_guess_sna_scale, the default); or keep such guesses with -%sksp_guess_sna_check_residual false\n",
                        g->file, (double)g->last_ratio, g->pre, g->model.fingerprint, g->model.n, g->pre, g->pre));
  PetscFunctionReturn(0);
}

/* Every mode corrected: the Galerkin solution x = V (V^T A V)^{-1} V^T b does not depend on the prediction, which is
   therefore not computed (this is PETSc's pod guess with an offline basis). */
static PetscErrorCode KSPGuessSNAFormGalerkinAll(KSPGuess guess, Vec b, Vec x)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;

  PetscFunctionBegin;
  g->source = SOURCE_NONE;
  g->cnorm  = 0;
  PetscCall(KSPGuessSNAGalerkinOperator(guess));
  if (g->from_model) { /* the parameters chose G(mu) from the model's /operator: they are used, and said where from */
    g->source = g->napp ? SOURCE_APPLICATION : SOURCE_OPTIONS;
    PetscCall(KSPGuessSNATellOverride(guess));
  }
  PetscCall(KSPGuessSNAProjectRHS(g, b));
  PetscCall(KSPGuessSNAReducedSolve(g));
  PetscCall(SNAGuessBasisCombine(&g->model.V, g->blas, g->model.k, g->rhs, PETSC_FALSE, x));
  PetscFunctionReturn(0);
}

/* x = V c, the field of the surrogate's coordinates (KSPGuessSNAPredict): k from the right-hand side, ks from the
   parameters. */
static PetscErrorCode KSPGuessSNAPredictionField(KSPGuess_SNA *g, Vec x)
{
  const PetscInt   m  = g->source == SOURCE_RHS ? g->model.k : g->model.ks;
  Vec              cv = g->source == SOURCE_RHS ? g->c : g->cs;
  const PetscReal *c;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(cv, &c));
  for (PetscInt j = 0; j < m; j++) g->coef[j] = c[j];
  PetscCall(VecRestoreArrayRead(cv, &c));
  PetscCall(SNAGuessBasisCombine(&g->model.V, g->blas, m, g->coef, PETSC_FALSE, x));
  PetscFunctionReturn(0);
}

/* x += V_g y with (V_g^T A V_g) y = V_g^T (b - A x): the leading kg modes of the prediction corrected. */
static PetscErrorCode KSPGuessSNACorrectGalerkin(KSPGuess guess, Vec b, Vec x)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;

  PetscFunctionBegin;
  PetscCall(KSPGuessSNAGalerkinOperator(guess));
  PetscCall(MatMult(guess->A, x, g->Ax));
  PetscCall(VecWAXPY(g->res, -1.0, g->Ax, b));
  PetscCall(SNAGuessBasisDot(&g->model.V, g->blas, g->res, g->kg, g->rhs));
  PetscCall(KSPGuessSNAReducedSolve(g));
  PetscCall(SNAGuessBasisCombine(&g->model.V, g->blas, g->kg, g->rhs, PETSC_TRUE, x));
  PetscFunctionReturn(0);
}

/* x *= alpha = <A x, b> / <A x, A x>, which minimises |b - alpha A x| (x kept where A x = 0). */
static PetscErrorCode KSPGuessSNAScale(KSPGuess guess, Vec b, Vec x)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;
  PetscScalar   ab, aa;

  PetscFunctionBegin;
  PetscCall(MatMult(guess->A, x, g->Ax));
  PetscCall(VecDotBegin(g->Ax, b, &ab));
  PetscCall(VecDotBegin(g->Ax, g->Ax, &aa));
  PetscCall(VecDotEnd(g->Ax, b, &ab));
  PetscCall(VecDotEnd(g->Ax, g->Ax, &aa));
  if (PetscRealPart(aa) > 0) {
    g->alpha = PetscRealPart(ab) / PetscRealPart(aa);
    PetscCall(VecScale(x, g->alpha));
  }
  PetscFunctionReturn(0);
}

/* What the Galerkin step did, for the monitor line: all modes or some, and where the reduced operator came from. */
static PetscErrorCode KSPGuessSNAMonitorGalerkin(KSPGuess_SNA *g, PetscViewer v)
{
  const char *rebuilt = g->rebuilt ? (g->from_model ? " (reduced operator from the model)" : " (reduced operator rebuilt from A)") : "";

  PetscFunctionBegin;
  if (g->kg == g->model.k) {
    PetscCall(PetscViewerASCIIPrintf(v, ", Galerkin projection on all %" PetscInt_FMT " POD modes%s", g->model.k, rebuilt));
    if (g->last_rhs_error >= 0) PetscCall(PetscViewerASCIIPrintf(v, ", |b - W W^T b| / |b| %.2e: V^T b %s", (double)g->last_rhs_error, g->last_rhs_error <= g->reduced_rhs_tol ? "from W" : "by a pass over V"));
  } else
    PetscCall(PetscViewerASCIIPrintf(v, ", Galerkin correction in the first %" PetscInt_FMT " POD modes%s", g->kg, rebuilt));
  PetscFunctionReturn(0);
}

/* -ksp_guess_sna_monitor: one line per guess (the viewer opened at the first). */
static PetscErrorCode KSPGuessSNAMonitor(KSPGuess guess)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;
  PetscViewer   v;
  PetscInt      tabs;

  PetscFunctionBegin;
  if (g->monitor_set && !g->monitor) PetscCall(SNAPSOptionsGetTextViewer(PetscObjectComm((PetscObject)guess), ((PetscObject)guess)->options, ((PetscObject)guess)->prefix, "-ksp_guess_sna_monitor", &g->monitor, NULL));
  if (!g->monitor) PetscFunctionReturn(0);
  v = g->monitor;
  PetscCall(PetscViewerASCIIPrintf(v, "  KSPGuess sna: parameters from %s", SourceName(g, g->source)));
  PetscCall(PetscViewerASCIIGetTab(v, &tabs)); /* the rest of the line is not indented again */
  PetscCall(PetscViewerASCIISetTab(v, 0));
  if (g->source == SOURCE_APPLICATION || g->source == SOURCE_OPTIONS) {
    PetscInt         np;
    const PetscReal *mu;
    KSPGuessSNAGetParameters(g, &np, &mu);
    for (PetscInt p = 0; p < g->model.q; p++) PetscCall(PetscViewerASCIIPrintf(v, "%s%g", p ? ", " : " (", (double)mu[p]));
    PetscCall(PetscViewerASCIIPrintf(v, ")%s", g->outside ? " (outside the model's training box: the surrogate extrapolates)" : ""));
  }
  if (!(g->galerkin && g->kg == g->model.k)) PetscCall(PetscViewerASCIIPrintf(v, ", |c| %.6e", (double)g->cnorm)); /* no prediction on all modes */
  if (g->galerkin)
    PetscCall(KSPGuessSNAMonitorGalerkin(g, v));
  else if (g->scale)
    PetscCall(PetscViewerASCIIPrintf(v, ", scaled by %.9g", (double)g->alpha));
  if (g->last_ratio >= 0) PetscCall(PetscViewerASCIIPrintf(v, ", |b - A x0| / |b| %.3e%s", (double)g->last_ratio, g->last_ratio > 1 ? ": worse than the zero guess, the solve starts from zero" : ""));
  PetscCall(PetscViewerASCIIPrintf(v, ", %.3e s\n", (double)g->last_time));
  PetscCall(PetscViewerASCIISetTab(v, tabs));
  PetscFunctionReturn(0);
}

/* The guess x checked: finite (an error if not), and not worse than the zero guess where it may be. */
static PetscErrorCode KSPGuessSNACheckGuess(KSPGuess guess, Vec b, Vec x)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;
  PetscReal     xnorm;

  PetscFunctionBegin;
  PetscCall(VecNorm(x, NORM_INFINITY, &xnorm));
  PetscCall(KSPGuessSNACheckFinite(g, PetscObjectComm((PetscObject)guess), xnorm, "field"));
  g->last_ratio = -1;
  if (KSPGuessSNANeedsResidualCheck(g)) PetscCall(KSPGuessSNACheckResidual(guess, b, x));
  PetscFunctionReturn(0);
}

static PetscErrorCode KSPGuessFormGuess_SNA(KSPGuess guess, Vec b, Vec x)
{
  KSPGuess_SNA  *g = (KSPGuess_SNA *)guess->data;
  PetscLogDouble t0, tc, tx, t1;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(KSPGUESS_SNA_Form, guess, b, x, 0));
  PetscCall(PetscTime(&t0));
  g->alpha   = 1.0;
  g->rebuilt = PETSC_FALSE;
  g->outside = PETSC_FALSE;
  /* g->from_model stays: it says where the (possibly kept) reduced operator came from */
  if (g->galerkin && g->kg == g->model.k) {
    tc = tx = t0; /* no prediction */
    PetscCall(KSPGuessSNAFormGalerkinAll(guess, b, x));
  } else {
    PetscCall(KSPGuessSNAPredict(guess, b));
    PetscCall(PetscTime(&tc));
    PetscCall(KSPGuessSNAPredictionField(g, x));
    PetscCall(PetscTime(&tx));
    if (g->galerkin)
      PetscCall(KSPGuessSNACorrectGalerkin(guess, b, x));
    else if (g->scale)
      PetscCall(KSPGuessSNAScale(guess, b, x));
  }
  PetscCall(KSPGuessSNACheckGuess(guess, b, x));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscLogEventEnd(KSPGUESS_SNA_Form, guess, b, x, 0));
  g->last_time         = (PetscReal)(t1 - t0);
  g->last_predict_time = (PetscReal)(tx - t0); /* the surrogate alone: coordinates and the field V c */
  g->last_coord_time   = (PetscReal)(tc - t0);
  g->total_time += g->last_time;
  g->count++;
  PetscCall(KSPGuessSNAMonitor(guess));
  /* PETSc documents -ksp_guess_view for every KSPGuess but 3.18 reads it nowhere: the sna guess honours it (after
     each guess, as -ksp_view after each solve) rather than leave it silently unused */
  PetscCall(PetscObjectViewFromOptions((PetscObject)guess, NULL, "-ksp_guess_view"));
  PetscFunctionReturn(0);
}

/* The operator changed: the Galerkin factors are stale (also checked by state in the guess). */
static PetscErrorCode KSPGuessReset_SNA(KSPGuess guess)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;

  PetscFunctionBegin;
  g->gvalid = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* What KSPGuessSetFromOptions_SNA() read that its checks after the options block need: the options given. */
typedef struct {
  PetscInt  modes; /* -ksp_guess_sna_galerkin_modes (-1: all) */
  PetscBool modes_set, scale_set, opmodel_set, reduced_set, tol_set, resid_set;
} GuessOptionsGiven;

/* -ksp_guess_sna_model and -ksp_guess_sna_params, checked: at most SNAGUESS_MAX_PARAMS finite values, at least one. */
static PetscErrorCode GuessOptions_Model(KSPGuess guess, PetscOptionItems *PetscOptionsObject)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;
  PetscInt      n                               = SNAGUESS_MAX_PARAMS + 1; /* one slot more: more values are refused, not cut */
  PetscReal     params[SNAGUESS_MAX_PARAMS + 1] = {0};
  PetscBool     set, named;
  MPI_Comm      comm = PetscObjectComm((PetscObject)guess);

  PetscFunctionBegin;
  PetscCall(PetscArraycpy(params, g->opt_params, SNAGUESS_MAX_PARAMS)); /* what -help shows */
  PetscCall(PetscOptionsString("-ksp_guess_sna_model", "Model file (HDF5, from snaps-pod)", "KSPGUESSSNA", g->file, g->file, sizeof(g->file), NULL));
  PetscCall(PetscOptionsRealArray("-ksp_guess_sna_params", "Problem parameters mu1,mu2,... for every solve (default none, whatever value is shown: read from the right-hand side; SNAGuessSetParameters() overrides, with a warning)", "KSPGUESSSNA", params, &n, &set));
  /* given without a value, PETSc reports it not set: that would silently mean "no parameters" (the right-hand side) */
  PetscCall(PetscOptionsHasName(((PetscObject)guess)->options, ((PetscObject)guess)->prefix, "-ksp_guess_sna_params", &named));
  if (named && !set) n = 0, set = PETSC_TRUE;
  if (!set) PetscFunctionReturn(0);
  PetscCheck(n <= SNAGUESS_MAX_PARAMS, comm, PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_params takes at most %d values, but more were given", g->pre, SNAGUESS_MAX_PARAMS);
  PetscCheck(n > 0, comm, PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_params needs the problem's parameters mu1,mu2,... (as many as the model has), but none were given: give the values, or remove the option to read them from the right-hand side", g->pre);
  for (PetscInt p = 0; p < n; p++) PetscCheck(!PetscIsInfOrNanReal(params[p]), comm, PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_params: parameter %" PetscInt_FMT " is not a finite number", g->pre, p + 1);
  PetscCall(PetscArraycpy(g->opt_params, params, n));
  g->nopt = n;
  PetscFunctionReturn(0);
}

/* The Galerkin correction's options and the scaling's (-ksp_guess_sna_galerkin_modes checked), and the record of the
   reduced operators; then the two file names checked given. */
static PetscErrorCode GuessOptions_Galerkin(KSPGuess guess, PetscOptionItems *PetscOptionsObject, GuessOptionsGiven *given)
{
  KSPGuess_SNA *g        = (KSPGuess_SNA *)guess->data;
  const char   *named[2] = {"-ksp_guess_sna_model", "-ksp_guess_sna_record_operators"};

  PetscFunctionBegin;
  PetscCall(PetscOptionsBool("-ksp_guess_sna_galerkin", "Galerkin correction of the prediction in the POD basis", "KSPGUESSSNA", g->galerkin, &g->galerkin, NULL));
  PetscCall(PetscOptionsInt("-ksp_guess_sna_galerkin_modes", "Number of leading POD modes of the Galerkin correction (-1: all)", "KSPGUESSSNA", given->modes, &given->modes, &given->modes_set));
  if (given->modes_set) {
    PetscInt modes = given->modes;

    PetscCheck(modes == -1 || modes >= 1, PetscObjectComm((PetscObject)guess), PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_galerkin_modes must be -1 (all) or at least 1, not %" PetscInt_FMT, g->pre, modes);
    if ((modes == -1 ? PETSC_DEFAULT : modes) != g->galerkin_modes) {
      g->galerkin_modes = modes == -1 ? PETSC_DEFAULT : modes;
      g->loaded[0]      = 0; /* work arrays are sized by it: reload (not for the same value: KSPSetFromOptions per solve) */
    }
  }
  PetscCall(PetscOptionsBool("-ksp_guess_sna_scale", "Scale the prediction by the least-squares factor alpha minimising |b - alpha A x| (without Galerkin correction)", "KSPGUESSSNA", g->scale, &g->scale, &given->scale_set));
  PetscCall(PetscOptionsBool("-ksp_guess_sna_operator_model", "With the Galerkin correction: the reduced operator from the model's /operator at the parameters (when it has one) instead of from A", "KSPGUESSSNA", g->use_opmodel, &g->use_opmodel, &given->opmodel_set));
  PetscCall(PetscOptionsString("-ksp_guess_sna_record_operators", "Append the parameters and V^T A V of every new operator to the records in this HDF5 file (for snaps-pod -operators)", "KSPGUESSSNA", g->record, g->record, sizeof(g->record), NULL));
  /* given without a name, each was read as absent: -ksp_guess_sna_record_operators recorded nothing */
  PetscCall(SNAPSOptionsCheckFileNames(PetscObjectComm((PetscObject)guess), ((PetscObject)guess)->prefix, 2, named));
  PetscFunctionReturn(0);
}

/* How the POD basis is passed over: its kernel, the reduced right-hand side and its tolerance (checked in [0, 1)). */
static PetscErrorCode GuessOptions_Basis(KSPGuess guess, PetscOptionItems *PetscOptionsObject, GuessOptionsGiven *given)
{
  KSPGuess_SNA *g       = (KSPGuess_SNA *)guess->data;
  PetscInt      kernel  = (PetscInt)g->kernel;
  PetscBool     reduced = g->reduced_rhs, set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsEList("-ksp_guess_sna_basis_kernel", "Passes over the POD basis: BLAS gemv on contiguous storage, PETSc's VecMDot/VecMAXPY, or the faster of the two timed at load", "KSPGUESSSNA", BasisKernels, 3, BasisKernels[g->kernel], &kernel, &set));
  if (set && (BasisKernel)kernel != g->kernel) {
    g->kernel    = (BasisKernel)kernel;
    g->loaded[0] = 0; /* chosen at load: reload */
  }
  PetscCall(PetscOptionsBool("-ksp_guess_sna_reduced_rhs", "With Galerkin projection on all modes: V^T b from the model's right-hand-side basis W when b lies in its span (checked every solve), two passes over r vectors instead of one over k", "KSPGUESSSNA", reduced, &reduced, &given->reduced_set));
  if (reduced != g->reduced_rhs) {
    g->reduced_rhs = reduced;
    g->loaded[0]   = 0; /* V^T W is prepared at load: reload */
  }
  PetscCall(PetscOptionsReal("-ksp_guess_sna_reduced_rhs_tol", "Largest |b - W W^T b| / |b| for which -ksp_guess_sna_reduced_rhs drops the rest of b", "KSPGUESSSNA", g->reduced_rhs_tol, &g->reduced_rhs_tol, &given->tol_set));
  PetscCheck(g->reduced_rhs_tol >= 0 && g->reduced_rhs_tol < 1, PetscObjectComm((PetscObject)guess), PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_reduced_rhs_tol must be in [0, 1), not %g", g->pre, (double)g->reduced_rhs_tol);
  PetscFunctionReturn(0);
}

/* The checks of the model and of the residual, the monitor (its viewer checked) and -ksp_guess_view (listed). */
static PetscErrorCode GuessOptions_Checks(KSPGuess guess, PetscOptionItems *PetscOptionsObject, GuessOptionsGiven *given)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;
  PetscBool     mon, view;

  PetscFunctionBegin;
  PetscCall(PetscOptionsBool("-ksp_guess_sna_check_fingerprint", "Reject a model trained for another operator pattern", "KSPGUESSSNA", g->check_fingerprint, &g->check_fingerprint, NULL));
  PetscCall(PetscOptionsBool("-ksp_guess_sna_check_residual", "Start from zero, with a warning, when a guess neither scaled nor corrected on all modes is worse than the zero guess (|b - A x0| > |b|, one product with A per guess): a model of another problem with the same operator pattern", "KSPGUESSSNA", g->check_residual, &g->check_residual, &given->resid_set));
  /* a text viewer, as -sna_monitor and -ksp_monitor: listed here, read below */
  PetscCall(PetscOptionsName("-ksp_guess_sna_monitor", "Print one line per guess (to stdout, or ascii:<file>)", "KSPGUESSSNA", &mon));
  PetscCall(PetscViewerDestroy(&g->monitor));
  /* checked here, opened at the first guess (KSPGuessFormGuess_SNA): a run refused before (an option below, the
     model at load) leaves no empty file */
  PetscCall(SNAPSOptionsCheckTextViewer(PetscObjectComm((PetscObject)guess), ((PetscObject)guess)->options, ((PetscObject)guess)->prefix, "-ksp_guess_sna_monitor", &g->monitor_set));
  /* read after each guess (KSPGuessFormGuess_SNA): listed here for -help */
  PetscCall(PetscOptionsName("-ksp_guess_view", "View the guess after each guess it forms (what -ksp_view shows of it), [viewer]", "KSPGuessView", &view));
  PetscFunctionReturn(0);
}

/* The options block of KSPGuessSetFromOptions_SNA(), in the order -help lists them; a bad value stops it there. */
static PetscErrorCode GuessOptions_Block(KSPGuess guess, PetscOptionItems *PetscOptionsObject, GuessOptionsGiven *given)
{
  PetscFunctionBegin;
  PetscCall(GuessOptions_Model(guess, PetscOptionsObject));
  PetscCall(GuessOptions_Galerkin(guess, PetscOptionsObject, given));
  PetscCall(GuessOptions_Basis(guess, PetscOptionsObject, given));
  PetscCall(GuessOptions_Checks(guess, PetscOptionsObject, given));
  PetscFunctionReturn(0);
}

/* A viewer opens (empties) its file at the first guess, after the model is read, or at the end of the run
   (-log_view): -ksp_guess_sna_monitor ascii:<the model> destroyed it for every later run. */
static PetscErrorCode GuessCheckModelNotViewed(MPI_Comm comm, KSPGuess_SNA *g)
{
  char        inname[96];
  const char *inopt[1] = {inname}, *in[1] = {g->file};

  PetscFunctionBegin;
  if (!g->file[0]) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(inname, sizeof(inname), "-%sksp_guess_sna_model", g->pre));
  PetscCall(SNAPSCheckViewerFiles(comm, 1, inopt, in, 0, NULL, NULL));
  PetscFunctionReturn(0);
}

/* Options that do not apply are refused, not silently ignored; those checked at load are noted. */
static PetscErrorCode GuessCheckOptionsApply(MPI_Comm comm, KSPGuess_SNA *g, const GuessOptionsGiven *given)
{
  PetscFunctionBegin;
  PetscCheck(!g->record[0] || g->galerkin, comm, PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_record_operators records the reduced operators of the Galerkin correction: add -%sksp_guess_sna_galerkin", g->pre, g->pre);
  PetscCheck(!given->modes_set || g->galerkin, comm, PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_galerkin_modes %" PetscInt_FMT " applies to the Galerkin correction only: add -%sksp_guess_sna_galerkin, or remove -%sksp_guess_sna_galerkin_modes", g->pre, given->modes, g->pre, g->pre);
  PetscCheck(!given->scale_set || !g->galerkin, comm, PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_scale applies without a Galerkin correction only (-%sksp_guess_sna_galerkin replaces the scaling): remove -%sksp_guess_sna_scale or -%sksp_guess_sna_galerkin", g->pre, g->pre, g->pre, g->pre);
  PetscCheck(!given->opmodel_set || g->galerkin, comm, PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_operator_model chooses the reduced operator of the Galerkin correction: add -%sksp_guess_sna_galerkin, or remove -%sksp_guess_sna_operator_model", g->pre, g->pre, g->pre);
  /* a scaled guess (by the residual), or the projection on all modes (in the energy norm), is never worse than zero:
     the check would be skipped, silently */
  PetscCheck(!given->resid_set || (g->galerkin ? g->galerkin_modes != PETSC_DEFAULT : !g->scale), comm, PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_check_residual applies to a guess that may be worse than the zero guess, the prediction unscaled (-%sksp_guess_sna_scale false) or corrected in some modes (-%sksp_guess_sna_galerkin_modes): %s is never worse, so remove -%sksp_guess_sna_check_residual", g->pre, g->pre, g->pre, g->galerkin ? "the Galerkin projection on all modes (in the energy norm, A symmetric positive definite)" : "the scaled prediction (by the residual)", g->pre);
  g->resid_option = given->resid_set;
  PetscCheck(!given->reduced_set || g->galerkin, comm, PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_reduced_rhs applies to the Galerkin projection on all modes only: add -%sksp_guess_sna_galerkin, or remove -%sksp_guess_sna_reduced_rhs", g->pre, g->pre, g->pre);
  PetscCheck(!given->tol_set || (g->galerkin && g->reduced_rhs), comm, PETSC_ERR_USER_INPUT, "-%sksp_guess_sna_reduced_rhs_tol %g applies to -%sksp_guess_sna_reduced_rhs with the Galerkin projection on all modes only%s%s%s: remove -%sksp_guess_sna_reduced_rhs_tol, or %s%sksp_guess_sna_%s", g->pre, (double)g->reduced_rhs_tol, g->pre, g->galerkin ? ", which is off (-" : "", g->galerkin ? g->pre : "", g->galerkin ? "ksp_guess_sna_reduced_rhs false)" : "", g->pre, g->galerkin ? "-" : "add -", g->pre, g->galerkin ? "reduced_rhs false" : "galerkin");
  PetscCall(PetscSNPrintf(g->rhs_option_name, sizeof(g->rhs_option_name), "-%sksp_guess_sna_reduced_rhs%s", g->pre, given->tol_set ? "_tol" : ""));
  g->rhs_option    = given->tol_set || given->reduced_set ? g->rhs_option_name : NULL; /* against the modes corrected, at load */
  g->opmodel_given = (PetscBool)(given->opmodel_set && g->use_opmodel);                /* against the model, at load */
  PetscFunctionReturn(0);
}

/* The record of the operators is rewritten after every new operator: refused before the first solve, not at it. */
static PetscErrorCode GuessCheckRecordFile(MPI_Comm comm, KSPGuess_SNA *g)
{
  char        outname[96], inname[96];
  const char *outopt[1] = {outname}, *out[1] = {g->record}, *inopt[1] = {inname}, *in[1] = {g->file};

  PetscFunctionBegin;
  if (!g->record[0]) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(outname, sizeof(outname), "-%sksp_guess_sna_record_operators", g->pre));
  PetscCall(PetscSNPrintf(inname, sizeof(inname), "-%sksp_guess_sna_model", g->pre));
  PetscCall(SNAPSCheckOutputs(comm, 1, outopt, out));
  PetscCall(SNAPSCheckOutputNotInput(comm, outopt[0], g->record, 1, inopt, in));
  PetscFunctionReturn(0);
}

/* Reads the options; a bad value is raised after PetscOptionsEnd(), which frees the block's prefix and title (raised
   inside the block, each refusal leaked them in a program that catches the error and goes on), as in
   SNASetFromOptions(). */
static PetscErrorCode KSPGuessSetFromOptions_SNA(KSPGuess guess)
{
  KSPGuess_SNA     *g     = (KSPGuess_SNA *)guess->data;
  GuessOptionsGiven given = {g->galerkin_modes == PETSC_DEFAULT ? -1 : g->galerkin_modes, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE};
  PetscBool         help;
  MPI_Comm          comm = PetscObjectComm((PetscObject)guess);
  PetscErrorCode    ierr = 0;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(g->pre, ((PetscObject)guess)->prefix ? ((PetscObject)guess)->prefix : "", sizeof(g->pre)));
  PetscCall(PetscSNPrintf(g->opt_params_name, sizeof(g->opt_params_name), "-%sksp_guess_sna_params", g->pre));
  PetscOptionsBegin(comm, ((PetscObject)guess)->prefix, "SNA initial guess options", "KSPGuess");
  if (!ierr) ierr = GuessOptions_Block(guess, PetscOptionsObject, &given); /* not PetscCall: end the block first */
  PetscOptionsEnd();
  PetscCall(ierr);
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) PetscFunctionReturn(0); /* a help run lists the options; it checks none of them */
  PetscCall(GuessCheckModelNotViewed(comm, g));
  PetscCall(GuessCheckOptionsApply(comm, g, &given));
  PetscCall(GuessCheckRecordFile(comm, g));
  PetscFunctionReturn(0);
}

static PetscErrorCode KSPGuessView_SNA(KSPGuess guess, PetscViewer viewer)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;
  PetscBool     ascii;
  const char   *kind = "not loaded yet";

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &ascii));
  if (!ascii) PetscFunctionReturn(0);
  PetscCall(PetscViewerASCIIPrintf(viewer, "model %s%s%s\n", g->file[0] ? g->file : "(none: set -", g->file[0] ? "" : g->pre, g->file[0] ? "" : "ksp_guess_sna_model)"));
  if (g->nat) PetscCall(SNAPSNaturalGetKind(g->nat, &kind));
  if (g->loaded[0]) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "%" PetscInt_FMT " POD modes of %" PetscInt_FMT " snapshots, %" PetscInt_FMT " parameters, %" PetscInt_FMT " right-hand-side modes, vector size %" PetscInt_FMT " (natural ordering: %s)\n", g->model.k, g->model.N, g->model.q, g->model.r, g->model.n, kind));
    PetscCall(PetscViewerASCIIPrintf(viewer, "operator fingerprint %s (%s)\n", g->model.fingerprint, g->check_fingerprint ? (g->printed_mat ? "checked" : "not checked yet") : "check switched off"));
    if (!g->model.V.data)
      PetscCall(PetscViewerASCIIPrintf(viewer, "passes over the basis: VecMDot/VecMAXPY (the vector type has no contiguous host storage for BLAS)\n"));
    else if (g->kernel == KERNEL_AUTO)
      PetscCall(PetscViewerASCIIPrintf(viewer, "passes over the basis: %s (the faster at load, V^T b + V c: BLAS gemv %.3e s, VecMDot/VecMAXPY %.3e s)\n", g->blas ? "BLAS gemv" : "VecMDot/VecMAXPY", (double)g->tblas, (double)g->tvec));
    else
      PetscCall(PetscViewerASCIIPrintf(viewer, "passes over the basis: %s (-%sksp_guess_sna_basis_kernel %s)\n", g->blas ? "BLAS gemv" : "VecMDot/VecMAXPY", g->pre, BasisKernels[g->kernel]));
    if (g->model.ks < g->model.k) PetscCall(PetscViewerASCIIPrintf(viewer, "the SNA predicts the first %" PetscInt_FMT " coordinates\n", g->model.ks));
    if (g->galerkin) {
      char        why[128];
      const char *reason;

      PetscCall(KSPGuessSNAOperatorSource(g, why, sizeof(why), &reason));
      if (!reason)
        PetscCall(PetscViewerASCIIPrintf(viewer, "reduced operator: the model's, polynomial of degree %" PetscInt_FMT " in the parameters (%" PetscInt_FMT " terms, %" PetscInt_FMT " modes, fitted to %" PetscInt_FMT " records, misfit %.2e), at the parameters from %s%s%s%s\n", g->model.op->degree, g->model.op->T, g->model.op->k, g->model.op->nrecords, (double)g->model.op->misfit,
                                         SourceName(g, g->napp ? SOURCE_APPLICATION : SOURCE_OPTIONS), g->napp && g->nopt ? " (overriding " : "", g->napp && g->nopt ? g->opt_params_name : "", g->napp && g->nopt ? ")" : ""));
      else
        PetscCall(PetscViewerASCIIPrintf(viewer, "reduced operator: computed from A when it changes (%" PetscInt_FMT " products with A)%s%s\n", g->kg, g->model.op ? ", not from the model's /operator: " : "", g->model.op ? reason : ""));
    }
  }
  if (g->record[0]) PetscCall(PetscViewerASCIIPrintf(viewer, "recording reduced operators to %s (%" PetscInt_FMT " so far)\n", g->record, g->rec.count));
  if (g->galerkin && (g->galerkin_modes == PETSC_DEFAULT || (g->loaded[0] && g->kg == g->model.k))) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "Galerkin projection on all POD modes: the surrogate's prediction is not needed\n"));
    if (g->VW)
      PetscCall(PetscViewerASCIIPrintf(viewer, "V^T b from the %" PetscInt_FMT " right-hand-side modes W when |b - W W^T b| / |b| <= %g: so in %" PetscInt_FMT " guesses, by a pass over V in %" PetscInt_FMT "%s\n", g->model.r, (double)g->reduced_rhs_tol, g->reduced_count, g->direct_count, !g->reduced_count && g->direct_count >= 3 ? " (no longer tried: the first 3 missed)" : ""));
    else if (g->loaded[0] && g->reduced_rhs && g->model.r > 0)
      PetscCall(PetscViewerASCIIPrintf(viewer, "V^T b by a pass over V (%" PetscInt_FMT " right-hand-side modes: too many to save work)\n", g->model.r));
  } else {
    if (g->galerkin)
      PetscCall(PetscViewerASCIIPrintf(viewer, "correction: Galerkin in the first %" PetscInt_FMT " POD modes\n", g->loaded[0] ? g->kg : g->galerkin_modes));
    else
      PetscCall(PetscViewerASCIIPrintf(viewer, "correction: %s\n", g->scale ? "least-squares scaling" : "none (the surrogate's prediction as it is)"));
    PetscCall(PetscViewerASCIIPrintf(viewer, "parameters from %s%s%s%s\n", g->count ? SourceName(g, g->source) : (g->napp ? ParameterSources[SOURCE_APPLICATION] : (g->nopt ? g->opt_params_name : ParameterSources[SOURCE_RHS])), g->napp && g->nopt ? " (overriding " : "", g->napp && g->nopt ? g->opt_params_name : "", g->napp && g->nopt ? ")" : ""));
  }
  if (g->loaded[0] && (g->galerkin ? g->kg < g->model.k : !g->scale)) PetscCall(PetscViewerASCIIPrintf(viewer, "residual check: %s\n", g->check_residual ? "a guess worse than the zero guess (|b - A x0| > |b|) is replaced by zero" : "switched off (a guess worse than the zero guess is kept)"));
  if (g->worse_count) PetscCall(PetscViewerASCIIPrintf(viewer, "%" PetscInt_FMT " of the %" PetscInt_FMT " guesses were worse than the zero guess and replaced by it: is the model trained for this problem?\n", g->worse_count, g->count));
  if (g->outside_count) PetscCall(PetscViewerASCIIPrintf(viewer, "%" PetscInt_FMT " of the %" PetscInt_FMT " guesses had parameters outside the model's training box (the surrogate extrapolates there: weaker guesses)\n", g->outside_count, g->count));
  if (g->count) PetscCall(PetscViewerASCIIPrintf(viewer, "%" PetscInt_FMT " guesses, last %.3e s, mean %.3e s (rank 0)\n", g->count, (double)g->last_time, (double)(g->total_time / g->count)));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAGuessSetParameters_SNA(KSPGuess guess, PetscInt q, const PetscReal mu[])
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;

  PetscFunctionBegin; /* q and mu checked by SNAGuessSetParameters(), the only caller */
  PetscCall(PetscArraycpy(g->app_params, mu, q));
  g->napp = q;
  PetscFunctionReturn(0);
}

static PetscErrorCode SNAGuessGetLastTimes_SNA(KSPGuess guess, PetscReal *total, PetscReal *field, PetscReal *coordinates)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;

  PetscFunctionBegin;
  if (total) *total = g->last_time;
  if (field) *field = g->last_predict_time;
  if (coordinates) *coordinates = g->last_coord_time;
  PetscFunctionReturn(0);
}

/* The surrogate alone at N parameter points: one SNA evaluation for all coordinates, one BLAS gemm
   for all fields, so the basis is read once per batch instead of once per field. */
static PetscErrorCode SNAGuessPredictFields_SNA(KSPGuess guess, PetscInt N, const PetscReal mu[], Mat X)
{
  KSPGuess_SNA      *g    = (KSPGuess_SNA *)guess->data;
  MPI_Comm           comm = PetscObjectComm((PetscObject)guess);
  PetscBool          set, dense;
  PetscInt           m, cols, len = 0, ldx, q, ks;
  PetscScalar       *x, *a;
  const PetscScalar *c;

  PetscFunctionBegin;
  PetscCall(KSPGetOperatorsSet(guess->ksp, &set, NULL));
  PetscCheck(set, comm, PETSC_ERR_ARG_WRONGSTATE, "SNAGuessPredictFields: set the KSP's operators first (KSPSetOperators()): the model is loaded for their size and ordering");
  PetscCall(KSPGuessSetUp(guess)); /* loads the model (once) and checks it against the operator */
  q  = g->model.q;
  ks = g->model.ks;
  PetscCheck(g->model.sna, comm, PETSC_ERR_ARG_WRONGSTATE, "SNAGuessPredictFields: the model '%s' has no SNA mapping parameters to coordinates", g->file);
  PetscCall(PetscObjectTypeCompareAny((PetscObject)X, &dense, MATSEQDENSE, MATMPIDENSE, ""));
  PetscCheck(dense, comm, PETSC_ERR_ARG_WRONG, "SNAGuessPredictFields: the fields matrix must be dense (MatCreateDense()), one column per parameter point");
  PetscCall(MatGetLocalSize(X, &m, NULL));
  PetscCall(MatGetSize(X, NULL, &cols));
  {
    PetscMPIInt bad = m != g->model.V.nloc, anybad; /* collective, so that no rank goes on alone */
    PetscCallMPI(MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, comm));
    PetscCheck(!anybad, comm, PETSC_ERR_ARG_SIZ, "SNAGuessPredictFields: the fields matrix's rows are not laid out as the operator's vectors (here %" PetscInt_FMT " local rows against %" PetscInt_FMT "): create it with MatCreateDense(comm, nlocal, PETSC_DECIDE, PETSC_DETERMINE, N, NULL, &X)", m, g->model.V.nloc);
  }
  PetscCheck(cols == N, comm, PETSC_ERR_ARG_SIZ, "SNAGuessPredictFields: the fields matrix has %" PetscInt_FMT " columns for %" PetscInt_FMT " parameter points", cols, N);
  if (!N) PetscFunctionReturn(0); /* no point, no field; the work vectors of N x q entries would not exist */
  for (PetscInt i = 0; i < N * q; i++) PetscCheck(!PetscIsInfOrNanReal(mu[i]), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "SNAGuessPredictFields: parameter %" PetscInt_FMT " of point %" PetscInt_FMT " is not a finite number", i % q + 1, i / q);
  if (g->bmu) PetscCall(VecGetSize(g->bmu, &len));
  if (len != N * q) {
    PetscCall(VecDestroy(&g->bmu));
    PetscCall(VecDestroy(&g->bc));
    PetscCall(VecCreateSeq(PETSC_COMM_SELF, N * q, &g->bmu));
    PetscCall(VecSetBlockSize(g->bmu, q));
    PetscCall(VecCreateSeq(PETSC_COMM_SELF, N * ks, &g->bc));
    PetscCall(VecSetBlockSize(g->bc, ks));
  }
  PetscCall(VecGetArrayWrite(g->bmu, &a));
  for (PetscInt i = 0; i < N * q; i++) a[i] = mu[i];
  PetscCall(VecRestoreArrayWrite(g->bmu, &a));
  PetscCall(SNAEvaluate(g->model.sna, g->bmu, g->bc)); /* every rank the same coordinates: the SNA lives on PETSC_COMM_SELF */
  PetscCall(VecGetArrayRead(g->bc, &c));               /* ks x N column-major: point j's coordinates are contiguous */
  PetscCall(MatDenseGetLDA(X, &ldx));
  PetscCall(MatDenseGetArrayWrite(X, &x));
  PetscCall(SNAGuessBasisCombineMany(&g->model.V, ks, N, c, x, ldx));
  PetscCall(MatDenseRestoreArrayWrite(X, &x));
  PetscCall(VecRestoreArrayRead(g->bc, &c));
  PetscFunctionReturn(0);
}

static PetscErrorCode KSPGuessDestroy_SNA(KSPGuess guess)
{
  KSPGuess_SNA *g = (KSPGuess_SNA *)guess->data;

  PetscFunctionBegin;
  PetscCall(KSPGuessSNAFreeModel(g));
  PetscCall(PetscViewerDestroy(&g->monitor));
  PetscCall(PetscFree(guess->data));
  PetscCall(PetscObjectComposeFunction((PetscObject)guess, "SNAGuessSetParameters_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)guess, "SNAGuessGetLastTimes_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)guess, "SNAGuessPredictFields_C", NULL));
  PetscFunctionReturn(0);
}

/*MC
  KSPGUESSSNA - "sna": the initial guess of each KSPSolve() from a trained surrogate (a POD basis and an SNA, from
  snaps-pod), corrected by least-squares scaling or a Galerkin projection; snaps/snaguess.h describes the method and
  the model file

  Options Database Keys (after the KSP's prefix):
+ -ksp_guess_sna_model <file.h5>          - the model file (required)
. -ksp_guess_sna_params <mu1,mu2,...>     - parameters for every solve (default none: the coordinates come from the
                                            right-hand side; SNAGuessSetParameters() overrides them, with a warning;
                                            values outside the model's training box are used and said so by the
                                            monitor and -ksp_view)
. -ksp_guess_sna_galerkin <bool>          - Galerkin correction in the POD basis (false)
. -ksp_guess_sna_galerkin_modes <m>       - correct in the first m modes only (-1, the default: all)
. -ksp_guess_sna_scale <bool>             - least-squares scaling x0 <- alpha x0 when there is no Galerkin correction
                                            (true)
. -ksp_guess_sna_operator_model <bool>    - reduced operator from the model's /operator, when it has one and the
                                            parameters are known (true); else computed from A. Given true by name, a
                                            model without /operator is refused
. -ksp_guess_sna_record_operators <f.h5>  - append mu and the computed V^T A V of every new operator to f.h5 (records
                                            of earlier runs are kept, so runs add up; a file of another model or
                                            number of modes is refused: remove it to start afresh; runs recording at
                                            the same time take turns by flock() on f.h5.lock, so each keeps its records
                                            where the file system has flock)
. -ksp_guess_sna_reduced_rhs <bool>       - with Galerkin projection on all modes: V^T b = (V^T W)(W^T b) from the
                                            model's right-hand-side modes W when |b - W W^T b| <= tol |b| (checked every
                                            solve; worth it for r < k / 2; not tried again once the first 3 right-hand
                                            sides missed) (true); given true by name (or its _tol), a model without
                                            right-hand-side modes is refused
. -ksp_guess_sna_reduced_rhs_tol <tol>    - that tolerance, in [0, 1) (1e-13)
. -ksp_guess_sna_basis_kernel <auto|blas|vec> - passes over the basis (V^T b, V c): one BLAS gemv per rank on the
                                            contiguous basis, or PETSc's VecMDot/VecMAXPY; auto (default) times both
                                            when the model is loaded and keeps the faster
. -ksp_guess_sna_check_fingerprint <bool> - compare the operator with the model's fingerprint (true)
. -ksp_guess_sna_check_residual <bool>    - a guess neither scaled nor corrected on all modes that is worse than the
                                            zero guess (|b - A x0| > |b|: one product with A per guess) is replaced by
                                            zero, with a warning the first time (true): the fingerprint sees the
                                            sparsity pattern only, so a model of another problem of the same pattern
                                            passes it
. -ksp_guess_sna_monitor [ascii[:file]]   - one line per guess: where mu came from (and whether it lies outside the
                                            model's training box), |c|, correction, time
- -ksp_guess_view [viewer]                - what -ksp_view shows of the guess, after each guess

  Notes:
  Options that do not apply are refused (PETSC_ERR_USER_INPUT), not ignored: -ksp_guess_sna_galerkin_modes,
  _operator_model, _record_operators and _reduced_rhs without -ksp_guess_sna_galerkin, -ksp_guess_sna_scale with it,
  _reduced_rhs_tol without the reduced right-hand side, and -ksp_guess_sna_check_residual where the guess cannot be
  worse than zero (scaled, or corrected on all modes). -ksp_view shows the model and what the guess did. The model is
  loaded again when the operator's size, row layout (after KSPReset()) or the KSP's DM changes.

  Level: intermediate

.seealso: SNAGuessSetParameters(), SNAGuessGetLastTimes(), SNAGuessPredictFields(), SNAGuessModelWrite(),
          SNAGuessModelFitOperator(), KSPGuessSetType()
M*/
PetscErrorCode KSPGuessCreate_SNA(KSPGuess guess)
{
  KSPGuess_SNA *g;

  PetscFunctionBegin;
  PetscCall(PetscNew(&g));
  g->scale             = PETSC_TRUE;
  g->check_fingerprint = PETSC_TRUE;
  g->check_residual    = PETSC_TRUE;
  g->last_ratio        = -1;
  g->use_opmodel       = PETSC_TRUE;
  g->reduced_rhs       = PETSC_TRUE;
  g->reduced_rhs_tol   = 1e-13;
  g->galerkin_modes    = PETSC_DEFAULT;
  guess->data          = g;

  guess->ops->setfromoptions = KSPGuessSetFromOptions_SNA;
  guess->ops->setup          = KSPGuessSetUp_SNA;
  guess->ops->formguess      = KSPGuessFormGuess_SNA;
  guess->ops->reset          = KSPGuessReset_SNA;
  guess->ops->view           = KSPGuessView_SNA;
  guess->ops->destroy        = KSPGuessDestroy_SNA;
  PetscCall(PetscObjectComposeFunction((PetscObject)guess, "SNAGuessSetParameters_C", SNAGuessSetParameters_SNA));
  PetscCall(PetscObjectComposeFunction((PetscObject)guess, "SNAGuessGetLastTimes_C", SNAGuessGetLastTimes_SNA));
  PetscCall(PetscObjectComposeFunction((PetscObject)guess, "SNAGuessPredictFields_C", SNAGuessPredictFields_SNA));
  PetscFunctionReturn(0);
}

/*@
  SNAGuessSetParameters - Gives the "sna" initial guess of a KSP the problem's parameters mu of the next solves

  Not Collective, but every rank must pass the same values

  Input Parameters:
+ ksp - the KSP
. q   - the number of parameters, 0 to 64 (0 clears them: the guess reads the right-hand side)
- mu  - the q parameters (may be NULL when q is 0)

  Options Database Key:
. -ksp_guess_sna_params <mu1,mu2,...> - parameters for every solve, which this call overrides (a warning says so once)

  Notes:
  They stay until changed. They are kept on the KSP, so a call before KSPSetFromOptions() creates the "sna" guess is
  not lost; other guess types ignore them, so an application may always call it. q out of range raises
  PETSC_ERR_ARG_OUTOFRANGE, a NaN or Inf PETSC_ERR_ARG_WRONG; a q other than the model's is refused when the model is
  loaded.

  Level: intermediate

.seealso: KSPGUESSSNA, SNAGuessGetLastTimes(), SNAGuessPredictFields()
@*/
PetscErrorCode SNAGuessSetParameters(KSP ksp, PetscInt q, const PetscReal mu[])
{
  PetscContainer  container;
  SNAGuessParams *kept;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ksp, KSP_CLASSID, 1);
  if (q) PetscValidRealPointer(mu, 3);
  PetscCheck(q >= 0 && q <= SNAGUESS_MAX_PARAMS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "SNAGuessSetParameters: %" PetscInt_FMT " parameters; between 0 and %d are supported", q, SNAGUESS_MAX_PARAMS);
  for (PetscInt p = 0; p < q; p++) PetscCheck(!PetscIsInfOrNanReal(mu[p]), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "SNAGuessSetParameters: parameter %" PetscInt_FMT " is not a finite number", p + 1);
  /* kept on the KSP as well: a program that calls this before KSPSetFromOptions() creates the sna guess would
     otherwise lose them without a word (the guess reads them at its set-up) */
  PetscCall(PetscObjectQuery((PetscObject)ksp, SNAGUESS_PARAMS_KEY, (PetscObject *)&container));
  if (!container) {
    PetscCall(PetscNew(&kept));
    PetscCall(PetscContainerCreate(PetscObjectComm((PetscObject)ksp), &container));
    PetscCall(PetscContainerSetPointer(container, kept));
    PetscCall(PetscContainerSetUserDestroy(container, PetscContainerUserDestroyDefault));
    PetscCall(PetscObjectCompose((PetscObject)ksp, SNAGUESS_PARAMS_KEY, (PetscObject)container));
    PetscCall(PetscContainerDestroy(&container)); /* the KSP holds it */
    PetscCall(PetscObjectQuery((PetscObject)ksp, SNAGUESS_PARAMS_KEY, (PetscObject *)&container));
  }
  PetscCall(PetscContainerGetPointer(container, (void **)&kept));
  PetscCall(PetscArraycpy(kept->mu, mu, q));
  kept->q = q;
  /* ksp->guess directly: KSPGetGuess() would create a guess of no type, which would make KSPSolve()
     start from zero even where the application asked for a nonzero initial guess */
  if (ksp->guess) PetscTryMethod(ksp->guess, "SNAGuessSetParameters_C", (KSPGuess, PetscInt, const PetscReal[]), (ksp->guess, q, mu));
  PetscFunctionReturn(0);
}

/*@
  SNAGuessGetLastTimes - Gets the wall times (seconds, this rank) of the last "sna" initial guess of a KSP

  Not Collective

  Input Parameter:
. ksp - the KSP

  Output Parameters:
+ total       - the whole guess, correction included (NULL: not wanted)
. field       - the surrogate's prediction of the field x0 = V c (NULL: not wanted)
- coordinates - the prediction of its coordinates c alone (NULL: not wanted)

  Notes:
  Zeros when the KSP has no "sna" guess or none was formed yet.

  Level: intermediate

.seealso: KSPGUESSSNA, SNAGuessPredictFields()
@*/
PetscErrorCode SNAGuessGetLastTimes(KSP ksp, PetscReal *total, PetscReal *field, PetscReal *coordinates)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(ksp, KSP_CLASSID, 1);
  if (total) *total = 0;
  if (field) *field = 0;
  if (coordinates) *coordinates = 0;
  if (ksp->guess) PetscTryMethod(ksp->guess, "SNAGuessGetLastTimes_C", (KSPGuess, PetscReal *, PetscReal *, PetscReal *), (ksp->guess, total, field, coordinates));
  PetscFunctionReturn(0);
}

/*@
  SNAGuessPredictFields - The surrogate of a KSP's "sna" initial guess alone, without solves: the fields it predicts at
  N parameter points

  Collective

  Input Parameters:
+ ksp - the KSP, with an "sna" guess (else PETSC_ERR_ARG_WRONGSTATE)
. N   - the points, >= 0 (PETSC_ERR_ARG_OUTOFRANGE otherwise)
- mu  - N x q parameters, row-major (may be NULL when N is 0)

  Output Parameter:
. X - a dense matrix (MatCreateDense()) with the operator's row layout and N columns: column j is the field
      x_j = V_ks c(mu_j), in the operator's ordering

  Notes:
  The model is loaded and checked against the operator first if no solve did it yet. One SNA evaluation for all
  points and one BLAS gemm for all fields: much faster per field than N single predictions.

  Level: intermediate

.seealso: KSPGUESSSNA, SNAGuessSetParameters()
@*/
PetscErrorCode SNAGuessPredictFields(KSP ksp, PetscInt N, const PetscReal mu[], Mat X)
{
  PetscBool sna = PETSC_FALSE;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ksp, KSP_CLASSID, 1);
  PetscValidHeaderSpecific(X, MAT_CLASSID, 4);
  PetscCheck(N >= 0, PetscObjectComm((PetscObject)ksp), PETSC_ERR_ARG_OUTOFRANGE, "SNAGuessPredictFields: %" PetscInt_FMT " parameter points", N);
  if (N) PetscValidRealPointer(mu, 3);
  if (ksp->guess) PetscCall(PetscObjectTypeCompare((PetscObject)ksp->guess, KSPGUESSSNA, &sna));
  PetscCheck(sna, PetscObjectComm((PetscObject)ksp), PETSC_ERR_ARG_WRONGSTATE, "SNAGuessPredictFields: the KSP has no sna initial guess (-%sksp_guess_type sna -%sksp_guess_sna_model <model.h5>, then KSPSetFromOptions())", ((PetscObject)ksp)->prefix ? ((PetscObject)ksp)->prefix : "", ((PetscObject)ksp)->prefix ? ((PetscObject)ksp)->prefix : "");
  PetscCall(PetscLogEventBegin(KSPGUESS_SNA_Predict, ksp, X, 0, 0));
  PetscUseMethod(ksp->guess, "SNAGuessPredictFields_C", (KSPGuess, PetscInt, const PetscReal[], Mat), (ksp->guess, N, mu, X));
  PetscCall(PetscLogEventEnd(KSPGUESS_SNA_Predict, ksp, X, 0, 0));
  PetscFunctionReturn(0);
}

static PetscBool SNAGuessPackageInitialized = PETSC_FALSE;

static PetscErrorCode SNAGuessFinalizePackage(void)
{
  PetscFunctionBegin;
  /* a host program (-dll_append) reports no unused option in PETSc's optimised builds: a misspelt
     -ksp_guess_sna_ option would silently keep its default */
  PetscCall(SNAPSOptionsWarnUnusedPart("ksp_guess_sna_", "the sna initial guess"));
  SNAGuessPackageInitialized = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/*@C
  SNAGuessInitializePackage - Registers the KSPGuess type "sna" (KSPGUESSSNA) with PETSc; idempotent.
  PetscDLLibraryRegister_snaps() calls it, so -dll_append libsnaps.so -ksp_guess_type sna works in any PETSc program

  Not Collective

  Level: developer

.seealso: KSPGUESSSNA, SNAInitializePackage()
@*/
PetscErrorCode SNAGuessInitializePackage(void)
{
  PetscFunctionBegin;
  if (SNAGuessPackageInitialized) PetscFunctionReturn(0);
  SNAGuessPackageInitialized = PETSC_TRUE;
  PetscCall(SNAInitializePackage());
  PetscCall(KSPInitializePackage());
  PetscCall(KSPGuessRegister(KSPGUESSSNA, KSPGuessCreate_SNA));
  PetscCall(PetscLogEventRegister("KSPGuessSNAForm", KSPGUESS_CLASSID, &KSPGUESS_SNA_Form));
  PetscCall(PetscLogEventRegister("KSPGuessSNAPredict", KSPGUESS_CLASSID, &KSPGUESS_SNA_Predict));
  PetscCall(PetscLogEventRegister("KSPGuessSNAVtb", KSPGUESS_CLASSID, &KSPGUESS_SNA_BasisDot));
  PetscCall(PetscLogEventRegister("KSPGuessSNAVc", KSPGUESS_CLASSID, &KSPGUESS_SNA_BasisCombine));
  PetscCall(PetscRegisterFinalize(SNAGuessFinalizePackage));
  PetscFunctionReturn(0);
}
