/* Private SNA implementation struct and ops table (like PETSc's include/petsc/private/). */
#pragma once

#include <petsc/private/petscimpl.h>
#include <hdf5.h>
#include <snaps/sna.h>
#include <snaps/private/snafitimpl.h>

#define SNA_MAX_MONITORS 5

/* The -log_view events of the library beyond the class's own (registered by SNAInitializePackage()): reading and
   writing datasets (SNADatasetLoad(), SNADatasetSave()), and a rollout surrogate's training (SNAPSSurrogateTrain():
   its trajectories, latent basis and drift fits; the heads are SNAFit events). */
PETSC_EXTERN PetscLogEvent SNA_DatasetLoad, SNA_DatasetSave, SNA_SurrogateTrajLoad, SNA_SurrogateLatent, SNA_SurrogateDrift;

/* The most inputs and outputs an SNA takes: what a model file may declare (SNALoad() calls larger sizes corrupt),
   so SNASetSizes() refuses more before any fit, and every model SNAPS writes can be read back. The types' limits
   of the same contract: SNA_KHRONOS_MAX_NODES, SNA_KHRONOS_MAX_MODES, SNA_AION_MAX_RANK, SNA_AION_MAX_TERMS. */
#define SNA_MAX_INPUTS  4096
#define SNA_MAX_OUTPUTS (1 << 20)

/* Operations an SNA type provides. Evaluation ops work on local, row-major arrays. */
typedef struct _SNAOps *SNAOps;
struct _SNAOps {
  PetscErrorCode (*setfromoptions)(SNA, PetscOptionItems *);
  PetscErrorCode (*setup)(SNA); /* allocate and initialise parameters for dim_in, dim_out, bounds */
  PetscErrorCode (*view)(SNA, PetscViewer);
  PetscErrorCode (*destroy)(SNA);
  /* y[i*q + j] for n points x[i*d + p] */
  PetscErrorCode (*evaluatelocal)(SNA, PetscInt, const PetscReal[], PetscReal[]);
  /* grid points [start, end) of the row-major grid n[0] x ... x n[d-1], into y[(i - start)*q + j] */
  PetscErrorCode (*evaluategridlocal)(SNA, const PetscInt[], const PetscReal *const[], PetscInt, PetscInt, PetscReal[]);
  /* HDF5: write/read the type's own attributes and datasets in an open model group */
  PetscErrorCode (*save)(SNA, hid_t);
  PetscErrorCode (*load)(SNA, hid_t);
  /* flat parameter vector theta (length nparams), for gradient-based fitting */
  PetscErrorCode (*getparameters)(SNA, PetscReal[]);
  PetscErrorCode (*setparameters)(SNA, const PetscReal[]);
  /* for n local samples: *sse = 1/2 sum |u - y|^2 and grad += d sse / d theta (no MPI reduction) */
  PetscErrorCode (*lossgradientlocal)(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal *, PetscReal[]);
  /* optional, for Newton-type fits: H += d^2 sse / d theta^2 over n local samples, the exact Hessian
     (nparams x nparams, row-major, both triangles) */
  PetscErrorCode (*hessianlocal)(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal[]);
  /* optional, for Gauss-Newton fits: residuals r[i*q + j] = u_j(x_i) - y_ij of n local samples and their
     Jacobian J (n*q rows of nparams, row-major) */
  PetscErrorCode (*residualjacobianlocal)(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal[], PetscReal[]);
  /* optional, for Levenberg-Marquardt fits of types whose Jacobian rows are sparse: over n local samples,
   *sse += 1/2 |r|^2, JtJ += J^T J (upper triangle at least, row-major nparams x nparams), Jtr += J^T r */
  PetscErrorCode (*normalequationslocal)(SNA, PetscInt, const PetscReal[], const PetscReal[], PetscReal *, PetscReal[], PetscReal[]);
};

/* The default validation of the auto fit of khronos: the fraction held out, and the fewest samples it applies to
   (10 held out). */
#define SNA_VALIDATION_DEFAULT     0.1
#define SNA_VALIDATION_MIN_SAMPLES 100
/* Iterations over which the rise rule of held-out validation measures the training progress (Prechelt's strip). */
#define SNA_VALIDATION_STRIP 5

struct _p_SNA {
  PETSCHEADER(struct _SNAOps);
  PetscInt    dim_in, dim_out; /* d, q */
  PetscReal  *lower, *upper;   /* input box, length d; NULL until known */
  PetscBool   bounds_from_user;
  PetscBool   bounds_loaded; /* the box came with a model loaded (SNALoad()) */
  const char *beyondbox;     /* what the type's model does beyond its box, for warnings ("the model is constant beyond
                                its box"); set by the type's create routine, NULL: extrapolated */
  PetscReal *bounds_pending; /* -sna_bounds read before the sizes were known (lo0,hi0,lo1,...): SNASetSizes() applies it */
  PetscInt   nbounds_pending;
  PetscInt   nparams;
  PetscBool  setupcalled;
  PetscBool  params_given;         /* the caller set the parameters (SNASetParameters(), SNALoad()): a seed drew none of them */
  PetscBool  setfromoptionscalled; /* SNASetFromOptions() ran: a load reads the new type's options again */
  char       type_option[64];      /* the type -sna_type asked for (SNASetFromOptions()), "" if none: a load of another refuses */
  char       bounds_option[64];    /* the box declared through another object's option (a composite's -sna_bounds, which its
                                      parts take): the name its warnings give; "": this SNA's own -sna_bounds */

  /* fitting */
  char       *fittype;
  PetscBool   fittype_set;         /* chosen by the user; otherwise a type may pick its natural fit */
  char        fittype_natural[32]; /* the type's natural fit (SNASetDefaultFitType()), the MSE loss's unless chosen */
  PetscReal   lambda, atol, rtol;
  PetscBool   lambda_given; /* lambda set by SNASetRegularization() or -sna_fit_lambda: a fit without it refuses it */
  SNALossType loss;
  PetscInt    max_it;
  PetscInt    progress_window;      /* -sna_fit_progress_window: steps of the slow-progress stop (0: off), when given */
  PetscReal   progress_rtol;        /* -sna_fit_progress_rtol: their gain, relative to the objective, that stops the fit, when given */
  PetscInt    progress_window_type; /* the type's default stop (SNASetDefaultProgressStop(); 0: off), where the user */
  PetscReal   progress_rtol_type;   /* gave none; SNASetType() resets it: a type change keeps neither the old default nor loses the user's */
  PetscBool   progress_wgiven;      /* -sna_fit_progress_window given (SNAProgressStopRefuse names it) */
  PetscBool   progress_rgiven;      /* -sna_fit_progress_rtol given */
  PetscBool   errorifnotconverged;
  PetscReal   fit_scale; /* variance of the targets (SNAComputeTargetVariance()): the scale of -sna_fit_rtol, as b is KSP's */
  PetscInt    iterations;
  /* training loss (MSE, or the cross-entropy) at the end of the last SNAFit(), on the samples of its last fit, and at
     its start, on the samples it first trained on: after a refit (-sna_fit_validation_refit) these are different sets */
  PetscReal fit_mse, fit_mse0;
  PetscBool fit_refitted; /* the last SNAFit() was fitted again on all samples after its fit on the split's */
  PetscInt  fit_samples;  /* samples of the last SNAFit()'s last fit (the split's training samples, or all after a refit; 0: none) */
  /* held-out validation (-sna_fit_validation): the fraction, the patience, the held-out samples during a fit, the
     best validation MSE seen and its parameters, the iterations since it improved, and the last MSE */
  PetscReal         validation;
  PetscInt          patience;
  SNAValidationStop val_stoptype; /* -sna_fit_validation_stop: rise (by val_alpha percent above the best) or patience */
  PetscReal         val_alpha;
  PetscReal         val_strip[SNA_VALIDATION_STRIP]; /* the last training MSEs of the run (ring), for the rise rule */
  PetscInt          val_nstrip;
  Vec               valX, valY;
  PetscReal         val_best, val_mse, *val_theta;
  PetscReal         val_run, val_runfit; /* best validation MSE of the current method's run, and its training MSE */
  PetscInt          val_nparams, val_since;
  PetscBool         val_stop;
  PetscBool         val_refit;                /* -sna_fit_validation_refit: a fit that did not stop early is fitted again on all samples */
  PetscBool         val_chosen, refit_chosen; /* the fraction and the refit were chosen by the user (else the default's) */
  /* -sna_fit_validation_patience, _stop, _rise given: a fit that holds nothing out refuses them (SNAValidationRuleRefuse()) */
  PetscBool val_pgiven, val_sgiven, val_rgiven;
  PetscBool previous_default; /* the auto fit keeps the previous default (random start, no validation): the
                                 parts of an mf model, whose cases were tuned under it */
  SNAConvergedReason reason;
  SNAFitStatistics   stats;
  SNAObjective       objective; /* what SNAFit() minimises (the Ritz form itself is the type's) */

  /* monitors */
  PetscErrorCode (*monitor[SNA_MAX_MONITORS])(SNA, PetscInt, PetscReal, void *);
  void *monitorcontext[SNA_MAX_MONITORS];
  PetscErrorCode (*monitordestroy[SNA_MAX_MONITORS])(void **);
  PetscInt    numbermonitors;
  const char *monitorstage; /* static string naming the fit's current stage for monitors, or NULL */

  void *data; /* the type's own struct */
};

/* Calls every monitor set on the SNA. */
PETSC_INTERN PetscErrorCode SNAMonitor(SNA, PetscInt, PetscReal);
/* Held-out validation (snaval.c): SNAFit() splits the data (the training part in new Vecs), SNAMonitor() observes
   every monitored iterate, and after the fit the best-validation iterate is restored. */
PETSC_INTERN PetscErrorCode SNAFitCheckValidation(SNA);
PETSC_INTERN PetscErrorCode SNAFitDefaultValidation(SNA, PetscInt);
PETSC_INTERN PetscErrorCode SNAFitValidationSplit(SNA, Vec, Vec, Vec *, Vec *);
PETSC_INTERN PetscErrorCode SNAFitTrainingSamples(SNA, Vec, PetscInt *);
PETSC_INTERN PetscErrorCode SNAFitValidationObserve(SNA, PetscReal);
PETSC_INTERN PetscErrorCode SNAFitValidationFinish(SNA);
PETSC_INTERN PetscErrorCode SNAFitValidationRelease(SNA);
/* Sets the fit's default type unless the user chose one (a type's natural fit, e.g. AION's infinite descent). */
PETSC_INTERN PetscErrorCode SNASetDefaultFitType(SNA, SNAFitType);
/* Reads the options of the SNA's type alone (its setfromoptions), as SNASetFromOptions() does after the class's:
   SNALoadGroup() after a load, which recreated the type. */
PETSC_INTERN PetscErrorCode SNASetFromOptions_Type(SNA);
/* Sets the type's default slow-progress stop (called by its create routine), which applies where the user gave none. */
PETSC_INTERN PetscErrorCode SNASetDefaultProgressStop(SNA, PetscInt, PetscReal);
/* The slow-progress stop in force: the user's window and rtol where given, else the type's default. */
PETSC_INTERN PetscErrorCode SNAGetProgressStopInForce(SNA, PetscInt *, PetscReal *);
/* Maps input x (length d) to the unit box [0,1]^d using the SNA's bounds (no clamping). */
static inline PetscReal SNAUnitCoordinate(SNA sna, PetscInt p, PetscReal x)
{
  return (x - sna->lower[p]) / (sna->upper[p] - sna->lower[p]);
}

/* Local part of a sample Vec as rows: checks block size and returns the count and array. */
PETSC_INTERN PetscErrorCode SNAGetLocalRows(SNA, Vec, PetscInt, const char[], PetscInt *, const PetscReal **);
/* Prints "WARNING: <count> <what>" when samples of X lie outside the model's input box (where it is constant). */
/* The range of each input over the samples X of all ranks (a constant input gets a unit box around it). */
PETSC_INTERN PetscErrorCode SNAComputeDataBox(SNA, Vec, PetscReal[], PetscReal[]);
/* SNASetBounds() without its refusal to change the box of a set-up model, nor marking the box as the user's: the
   library's own choice of a box from data (SNAFit(), an mf model's box shared by its parts). */
PETSC_INTERN PetscErrorCode SNASetBounds_Internal(SNA, const PetscReal[], const PetscReal[]);
/* That a Vec of samples given to a function (its name) lives on the SNA's communicator, or (local) on one process. */
PETSC_INTERN PetscErrorCode SNACheckSampleComm(SNA, Vec, const char[], const char[], PetscBool);
/* The lowest rank of comm where flag holds, or -1 (collective): a check that one rank fails is raised on every rank,
   with that rank's values broadcast from it, instead of one rank alone leaving the others waiting in a reduction. */
PETSC_INTERN PetscErrorCode SNAFirstRankWith(MPI_Comm, PetscBool, PetscMPIInt *);
PETSC_INTERN PetscErrorCode SNACheckClassRowsPrefix(Vec, const char[], const char[]);
/* Global number of samples behind local counts. */
PETSC_INTERN PetscErrorCode SNAGlobalCount(SNA, PetscInt, PetscInt *);

/* The fit registered under name for the SNA's type (a type-specific one first, then a generic one), or NULL. */
PETSC_INTERN PetscErrorCode SNAFitFind(SNA, const char[], PetscErrorCode (**)(SNA, Vec, Vec));
/* What the objective's value is called in messages and monitors: "training MSE", "training cross-entropy" or
   "Ritz energy". */
PETSC_INTERN const char *SNAObjectiveValueName(SNA);
/* SNAFit() for an objective that takes no data (SNA_OBJECTIVE_RITZ): runs the type's minimiser of it. */
PETSC_INTERN PetscErrorCode SNAFitObjective(SNA, Vec, Vec);
/* Whether the user asked for the slow-progress stop (either option, or SNASetProgressStop()), not a type's default:
   refused by a fit without Levenberg-Marquardt. */
static inline PetscBool SNAProgressStopChosen(SNA sna)
{
  return (PetscBool)(sna->progress_wgiven || sna->progress_rgiven);
}
/* The refusal of the slow-progress stop the user asked for (SNAProgressStopChosen()) by a fit that never runs it: the
   error "<the options given, with their values> asks for the slow-progress stop of <of>: drop <their names><alt>",
   naming only the options given (SNASetProgressStop() from code counts as both), with the SNA's options prefix. */
PETSC_INTERN PetscErrorCode SNAProgressStopRefuse(SNA, const char[], const char[]);
PETSC_INTERN PetscErrorCode SNAValidationRuleRefuse(SNA, const char[]);
/* Refuses a -sna_view (with the SNA's prefix) of a viewer SNAView() does not support (not ASCII), before a fit rather
   than at its end (SNAFitEnd()); Collective. */
PETSC_INTERN PetscErrorCode SNACheckViewOption(SNA);
/* SNAWarnOverParameterised() for one model or part: nparams (the part's and any fitted jointly with it) against the
   values of nsamples samples; what names it ("the model", "the LF part"), part's prefix its options. */
PETSC_INTERN PetscErrorCode SNAWarnOverParameterisedPart(SNA, PetscInt, PetscInt, const char[], const char[], const char[]);
PETSC_INTERN PetscErrorCode SNAWarnOverParameterisedValues(MPI_Comm, const char[], const char[], PetscInt, PetscInt, const char[], const char[]);
/* The SNA's options prefix as messages that name one of its options print it: "" where it has none. */
static inline const char *SNAMessagePrefix(SNA sna)
{
  return ((PetscObject)sna)->prefix ? ((PetscObject)sna)->prefix : "";
}
/* PetscUseMethod for the type-specific API (SNAKhronos...(), SNAAion...(), SNAMF...(), SNASetRitzForm()): on an SNA
   of another type an error naming the function, the type it applies to and the SNA's own (SNATypeMethodMissing()),
   rather than PETSc's "Cannot locate function" (PetscUseMethod) or nothing at all (PetscTryMethod: the setting was
   silently lost). */
#define SNAUseTypeMethod(sna, fname, want, cargs, args)                                \
  do {                                                                                 \
    PetscErrorCode(*_sna_method) cargs;                                                \
    PetscCall(PetscObjectQueryFunction((PetscObject)(sna), fname "_C", &_sna_method)); \
    if (!_sna_method) PetscCall(SNATypeMethodMissing(sna, fname, want));               \
    PetscCall((*_sna_method)args);                                                     \
  } while (0)
PETSC_INTERN PetscErrorCode SNATypeMethodMissing(SNA, const char[], const char[]);
/* Sets the scale of -sna_fit_rtol from the targets: the mean of the outputs' variances (SNAComputeTargetVariance()),
   their mean square if every output is constant, 1 if they are all zero. */
PETSC_INTERN PetscErrorCode SNAFitComputeScale(SNA, Vec);
/* At the end of a data fit of the MSE (SNAFitEnd, where the reason is final): a WARNING when the training MSE is not
   below the targets' variance (the relative MSE is at least 1, whatever the reason says), naming the likely cause,
   -sna_fit_lambda where it is above SNA_LAMBDA_NOTABLE times that variance (it is absolute). */
PETSC_INTERN PetscErrorCode SNAFitWarnNoBetterThanMean(SNA);
#define SNA_LAMBDA_NOTABLE 1e-6
/* The names of the fits available to the SNA's type, comma-separated, for help and error messages. */
PETSC_INTERN PetscErrorCode SNAFitGetNames(SNA, char[], size_t);

/* Distributed regularised least squares: given the rank-local normal equations A (n x n,
   row-major, symmetric) and B (n x nrhs, row-major), sums both over the communicator in one
   reduction, adds lambda*I to A/scale, and solves (A/scale + lambda I) Z = B/scale in place of B
   (Cholesky; minimum-norm SVD least squares if A is singular). A is overwritten. */
PETSC_INTERN PetscErrorCode SNALeastSquaresSolve(MPI_Comm, PetscInt, PetscInt, PetscReal, PetscReal, PetscReal[], PetscReal[]);

/* Matrix pencil (Hua-Sarkar) for sums of complex exponentials: nchan channels of n uniformly spaced samples
   (data[c*n + i]) share K exponentials z_k; with pencil parameter L (K <= L <= n - K) returns the K
   eigenvalues z_k (zre, zim), conjugate pairs adjacent. Serial (every rank calls it on the same data). */
PETSC_INTERN PetscErrorCode SNAMatrixPencil(PetscInt, PetscInt, const PetscReal[], PetscInt, PetscInt, PetscReal[], PetscReal[]);
/* Symmetric eigen-decomposition of the n x n matrix A (row-major): eigenvalues ascending in w, and
   eigenvectors as the rows of A (row i belongs to w[i]). */
PETSC_INTERN PetscErrorCode SNASymmetricEigen(PetscInt, PetscReal[], PetscReal[]);

/* HDF5 helpers for model files; each returns a PETSc error naming the file and object. */
/* Opens file read-only on this rank, with an error naming what it is ("model file", "trajectory") and the file
   when it is missing, unreadable, not HDF5, or truncated. */
PETSC_INTERN PetscErrorCode SNAHDF5OpenReadLocal(const char[], const char[], hid_t *);
/* On one rank: write(ctx, tmp) with HDF5's own error printing off, then tmp renamed to file; tmp removed if either
   fails. Returns the error code instead of raising it, so that the caller can make every rank agree. */
PETSC_INTERN PetscErrorCode SNAHDF5CommitLocal(PetscErrorCode (*)(void *, const char[]), void *, const char[], const char[]);
PETSC_INTERN PetscErrorCode SNAHDF5WriteAttributeInt(hid_t, const char[], PetscInt);
PETSC_INTERN PetscErrorCode SNAHDF5WriteAttributeReal(hid_t, const char[], PetscReal);
PETSC_INTERN PetscErrorCode SNAHDF5WriteAttributeString(hid_t, const char[], const char[]);
PETSC_INTERN PetscErrorCode SNAHDF5ReadAttributeInt(hid_t, const char[], PetscInt *);
PETSC_INTERN PetscErrorCode SNAHDF5ReadAttributeString(hid_t, const char[], char[], size_t);
PETSC_INTERN PetscErrorCode SNAHDF5ReadAttributeReal(hid_t, const char[], PetscReal *);
/* Attributes that files written before they existed lack: the value if present, else the given default. */
PETSC_INTERN PetscErrorCode SNAHDF5ReadAttributeIntDefault(hid_t, const char[], PetscInt, PetscInt *);
PETSC_INTERN PetscErrorCode SNAHDF5ReadAttributeRealDefault(hid_t, const char[], PetscReal, PetscReal *);
PETSC_INTERN PetscErrorCode SNAHDF5ReadAttributeStringDefault(hid_t, const char[], const char[], char[], size_t);
PETSC_INTERN PetscErrorCode SNAHDF5WriteArray(hid_t, const char[], PetscInt, const hsize_t[], const PetscReal[]);
/* Reads a float64 dataset whose shape must equal dims (rank entries); rejects NaN and Inf. */
PETSC_INTERN PetscErrorCode SNAHDF5ReadArray(hid_t, const char[], PetscInt, const hsize_t[], PetscReal[]);
/* SNAHDF5ReadArray of the rows [row0, row0 + nrows) of the first dimension only (the shape dims is checked whole):
   one saved time of a trajectory without reading the others. */
PETSC_INTERN PetscErrorCode SNAHDF5ReadRows(hid_t, const char[], PetscInt, const hsize_t[], hsize_t, hsize_t, PetscReal[]);
/* Checks, without reading or allocating, that a dataset exists with the shape dims (rank entries) and
   that the file holds its data: call it for every array before allocating from declared sizes. */
PETSC_INTERN PetscErrorCode SNAHDF5CheckArray(hid_t, const char[], PetscInt, const hsize_t[]);

/* The model contract in an open group: attributes snaps_format_version, snaps_version, type, dim_in, dim_out,
   n_params, arrays lower and upper, then the type's own data. Writing is rank 0's; reading every rank's, and it
   resets the SNA to the stored type (filename only names the file in messages). A type whose parts are SNAs
   (mf) stores each in a subgroup this way. */
PETSC_INTERN PetscErrorCode SNAHDF5WriteModel(SNA, hid_t);
PETSC_INTERN PetscErrorCode SNAHDF5ReadModel(SNA, const char[], hid_t);
/* SNAHDF5ReadModel of the group groupname of an open file, with SNALoadGroup's errors for a missing or unreadable
   group: every rank's part, its error returned; the caller silences HDF5's error stack and makes the ranks agree
   (SNALoadGroup; a reader of many models from one file opens it once). Arguments: sna, filename, file, groupname. */
PETSC_INTERN PetscErrorCode SNAHDF5LoadGroupLocal(SNA, const char[], hid_t, const char[]);
/* Fixes the metadata cache of an open file at bytes, never resized: a reader of many small models from one file keeps
   the last few models' metadata instead of growing the cache to hold them all, which cost more than opening the file
   again per model (the Kolmogorov surrogate's 168 heads: cases/kolmogorov-surrogate/README.md, "Cost"). */
PETSC_INTERN PetscErrorCode SNAHDF5SetMetadataCacheLocal(hid_t, size_t);

/* The product of n sizes declared by a file (what names them, e.g. "KHRONOS coefficients (d x nodes x modes)"),
   checked against overflow of PetscInt before anything is allocated from it. */
PETSC_INTERN PetscErrorCode SNAHDF5SizeProduct(const char[], PetscInt, const PetscInt[], PetscInt *);

/* Highest rank of any array in a SNAPS file; a dataset of higher rank is rejected before its shape is read. */
#define SNA_HDF5_MAX_RANK 8
/* What SNAHDF5InspectArray() found wrong with a dataset, for readers that raise their own errors. */
typedef enum {
  SNA_HDF5_ARRAY_OK,
  SNA_HDF5_ARRAY_NOT_FLOAT,  /* not a floating-point type */
  SNA_HDF5_ARRAY_RANK,       /* rank above the reader's limit (or not a simple dataspace) */
  SNA_HDF5_ARRAY_EXTERNAL,   /* raw data in external files or a virtual dataset */
  SNA_HDF5_ARRAY_NO_DATA,    /* the file does not hold the data its shape declares */
  SNA_HDF5_ARRAY_BAD_CHUNKS, /* the chunk index does not match the layout (stray or truncated chunks) */
  SNA_HDF5_ARRAY_UNREADABLE, /* HDF5 cannot describe it */
} SNAHDF5ArrayState;
PETSC_INTERN SNAHDF5ArrayState SNAHDF5InspectArray(hid_t, int, int *, hsize_t[]);
/* For a read that failed: whether the open dataset's pipeline holds a filter this HDF5 library cannot apply (h5py's
   LZF is the usual one), and then what to say, "is compressed with HDF5 filter 32000 (lzf), which ...: rewrite it
   with gzip compression or none ...", in text (len bytes). Not before the read: a chunk that an optional filter could
   not shrink is stored unfiltered, and a dataset of such chunks reads fine. Arguments: dset, text, len. */
PETSC_INTERN PetscBool   SNAHDF5MissingFilterText(hid_t, char[], size_t);
PETSC_INTERN const char *SNAHDF5ArrayStateText(SNAHDF5ArrayState);
/* report.c: the length (1 to 4) of the valid UTF-8 sequence at s, 0 where none starts (RFC 3629) */
PETSC_INTERN size_t SNAPSUtf8Sequence(const unsigned char[]);
/* Dataset-creation properties for a float64 array: chunked with HDF5's Fletcher32 checksum (contiguous
   when it has no elements); the caller closes it. */
PETSC_INTERN hid_t SNAHDF5ArrayCreateProperties(int, const hsize_t[]);
/* Whether the HDF5 call that just failed reported a checksum mismatch (call before any other HDF5 call). */
PETSC_INTERN PetscBool SNAHDF5ChecksumFailed(void);
