/* Private data of the KHRONOS SNA type:
     u_j(x) = sum_m C[m, j] prod_p f_{p,m}(t_p),  f_{p,m}(t) = sum_g W[p, g, m] B_{p,g}(t),
   with t_p = (x_p - lower_p) / (upper_p - lower_p) in [0, 1] and B_{p,g} clamped B-splines. */
#pragma once

#include <snaps/private/snaimpl.h>
#include <snaps/bspline.h>

/* Where an ALS-based data fit starts (-sna_khronos_init): the set-up's seeded random coefficients, or the tensor
   start (khronosinit.c). */
typedef enum {
  SNA_KHRONOS_INIT_RANDOM,
  SNA_KHRONOS_INIT_TENSOR
} SNAKhronosInitType;
PETSC_INTERN const char *const SNAKhronosInitTypes[];

typedef struct {
  PetscInt  degree;                   /* spline degree k */
  PetscInt  nnodes;                   /* entries of nodes: 1 (one count for every input, until set up) or dim_in */
  PetscInt *nodes;                    /* G_p: basis functions of input p (-sna_khronos_nodes; nodes[0] for all while nnodes = 1) */
  PetscInt *start;                    /* start[p] = G_0 + ... + G_{p-1} (dim_in + 1 entries once allocated): W[p] begins at
                                         W + start[p] M, and start[dim_in] is the count of all basis functions */
  PetscInt  modes;                    /* M: current rank */
  PetscInt  max_modes;                /* rank target of greedy enrichment (== modes without enrichment) */
  PetscInt  refine;                   /* knot-insertion levels per fit */
  PetscBool enrich;                   /* greedy rank enrichment from rank 1 */
  PetscInt  seed;                     /* initialisation seed: the same model for any number of ranks */
  PetscBool seed_given;               /* -sna_khronos_seed given: a fit it does not seed warns (SNAFitSeedUnused_C) */
  PetscBool seed_drew;                /* the set-up's random start was drawn after it was given */
  PetscReal init_spread;              /* > 0: factors start at 1 + init_spread U(-1, 1) (products of many inputs stay O(1));
                                         0: coefficients start uniform in [-1, 1] */
  PetscBool          init_spread_set; /* chosen by the user (else a fit may use its own default: irls 0.1) */
  PetscBool          spread_replaced; /* the tensor start replaced every mode of the spread's draw (-sna_view leaves it out) */
  PetscBool          extrapolate;     /* ALS with a line search along the last sweep's change (-sna_fit_als_extrapolate) */
  PetscInt           anderson;        /* depth of the Anderson acceleration of ALS sweeps, 0: none (-sna_fit_als_anderson) */
  PetscInt           irls_newton_its; /* Newton steps per block and sweep of the irls fit (-sna_fit_irls_newton_its, 2) */
  PetscBool          irls_its_given;  /* ... given by the user: a fit other than irls refuses it */
  PetscBool          nodes_given;     /* node counts set by the user (-sna_khronos_nodes, SNAKhronosSetBasis/SetNodes()), */
  PetscBool          modes_given;     /* modes likewise: a size default (SNAKhronosSetSizeDefault()) leaves them */
  SNAKhronosInitType init;            /* the start of a data fit (-sna_khronos_init) */
  PetscBool          init_chosen;     /* init given by the user; else tensor for the auto fit where it applies, random otherwise */
  PetscBool          fresh;           /* the parameters are still the set-up's random ones (no fit, load or user values since) */
  PetscBool          fit_fresh;       /* the running data fit started from a fresh model (fresh before the tensor start): irls initialises only such a model */
  SNABSpline        *basis;           /* one basis per input, on [0, 1] */
  PetscReal         *W;               /* W[(start[p] + g)*M + m] */
  PetscReal         *C;               /* output head C[m*q + j] */
  PetscInt           als_product[2];  /* the local samples of the last ALS-based fit as {groups, positions} if it summed
                                         them so (khronosals.c ProductFind), else {0, 0}: the tests check the path taken,
                                         which the fit's results cannot show (every path gives the same sums) */
} SNA_Khronos;

/* Local samples grouped by knot span, for each input p. A sample whose input p lies in span s (its first
   nonzero basis function is s, s = 0 .. G - k - 1) has nonzero derivatives with respect to W[p] only in
   the (k+1)M entries W[p, s..s+k, :] (s < G_p - k). So every Gram or normal-equations block that pairs W[p] with
   itself (the ALS block Gram, the diagonal blocks W[p], W[p] of a residual Jacobian's J^T J) is a sum of
   dense (k+1)M x (k+1)M blocks, one per span, and each is one BLAS syrk/gemm over the span's samples:
   rows u_i of the span (gathered through order, in tiles to bound memory), then U^T U added at
   rows/columns s*M. For the squared-error loss, the W[p], W[p] block of J^T J summed over the q outputs
   is exactly the ALS block Gram, (U^T U) o (C C^T tiled), u_i = v_i (x) prod_{r != p} f_r(x_i).
   The off-diagonal blocks W[p], W[r] (p != r) of J^T J couple the span of p with
   the span of r, so they need the pairs (span of p, span of r) instead; the head blocks C are dense
   (M x M) and need no grouping. The ALS assembly (AssembleBlock in khronosals.c) is the worked example.
     order[p*n + offset[p*(nspans+1) + s] ... offset[p*(nspans+1) + s + 1] - 1]
   are the local sample indices of span s of input p, ascending; nspans = max_p G_p - k (the spans an input with
   fewer nodes lacks are empty). */
typedef struct {
  PetscInt  d, n, nspans; /* inputs, local samples, spans per input */
  PetscInt *offset;       /* d x (nspans + 1) */
  PetscInt *order;        /* d x n */
  /* Runs of equal values (the ALS fit's, khronosals.c): for an input whose samples repeat values (data on a grid, or
     a product design such as airfoils x surface stations) with nruns[p] > 0, each span's samples are ordered by value
     and run r is order[p*n + runs[p*(n+1) + r] ... runs[p*(n+1) + r + 1] - 1]; nruns[p] = 0: no runs, ascending. */
  PetscInt *nruns; /* d, or NULL */
  PetscInt *runs;  /* d x (n + 1), or NULL */
} KhronosSpanGroups;

/* Bytes of one tile of gathered rows in the BLAS assemblies: a tile stays in L2 whatever the sample
   count, so memory is bounded and a span with very many samples is accumulated tile by tile. */
/* The most nodes per input (at the finest level of a refined fit) and modes a KHRONOS model holds: what a model file
   may declare (see SNA_MAX_INPUTS) */
#define SNA_KHRONOS_MAX_NODES (1 << 20)
#define SNA_KHRONOS_MAX_MODES (1 << 16)
#define KHRONOS_TILE_BYTES 65536

/* The size default of a model fitted to few values (the mf correction's): the largest basis within the KHRONOS
   default (16 nodes, 4 modes) with at most budget parameters and at least minmodes modes, the counts the user gave
   kept; nothing on a model set up already. SNAKhronosCountSize(): the parameters of the basis (set up or not), or of
   the smallest one the default may give; SNAKhronosSizeGiven(): nodes and modes both given (or not KHRONOS);
   SNAKhronosSetBasisDefault(): a basis the owner sets as its default, which the size default may lower. */
PETSC_INTERN PetscErrorCode SNAKhronosSetSizeDefault(SNA, PetscInt, PetscInt);
PETSC_INTERN PetscErrorCode SNAKhronosCountSize(SNA, PetscBool, PetscInt, PetscInt *);
PETSC_INTERN PetscErrorCode SNAKhronosSizeGiven(SNA, PetscBool *);
PETSC_INTERN PetscErrorCode SNAKhronosSetBasisDefault(SNA, PetscInt, PetscInt, PetscInt);

/* Rows per tile for rows of width w (at least one). */
static inline PetscInt SNAKhronosTileRows(PetscInt w)
{
  const PetscInt rows = KHRONOS_TILE_BYTES / (PetscInt)(w * sizeof(PetscReal));
  return rows > 0 ? rows : 1;
}

/* Groups the n local samples by span from first[i*d + p] (the first nonzero basis function of input p
   at sample i, as SNABSplineEvalInline returns it) with the current basis: one counting sort per input,
   O(d (n + G)) time, d (n + G) integers. Rebuild it when the knots change (refinement). */
PETSC_INTERN PetscErrorCode SNAKhronosSpanGroupsCreate(SNA, PetscInt, const PetscInt[], KhronosSpanGroups *);
/* Frees the grouping (also safe on a zeroed, never created one). */
PETSC_INTERN PetscErrorCode SNAKhronosSpanGroupsDestroy(KhronosSpanGroups *);
/* Reallocates W and C for G[p] nodes of each input p (dim_in entries; may be kh->nodes) and M modes, keeping no
   values (caller fills them); sets nodes and start. */
PETSC_INTERN PetscErrorCode SNAKhronosAllocate(SNA, const PetscInt[], PetscInt);
/* Refuses a basis (degree, n node counts: one for every input or one per input, modes, refinement levels) whose
   model, or whose block normal equations (with PETSC_TRUE: the ALS-based fits), would not fit in the machine's
   memory at the finest level, or which has more nodes per input at the finest level, or more modes, than a model
   file holds (SNA_KHRONOS_MAX_NODES, SNA_KHRONOS_MAX_MODES). */
PETSC_INTERN PetscErrorCode SNAKhronosCheckMemory(SNA, PetscInt, PetscInt, const PetscInt[], PetscInt, PetscInt, PetscBool);
/* Sets degree, node counts (n = 1: one for every input; else one per input) and modes: the checks of the basis. */
PETSC_INTERN PetscErrorCode SNAKhronosSetBasisNodes(SNA, PetscInt, PetscInt, const PetscInt[], PetscInt);
/* The largest node count of any input (the span groups' common size). */
PETSC_INTERN PetscInt SNAKhronosMaxNodes(const SNA_Khronos *);
/* Whether every input has the same node count (the Ritz form and the Galerkin solve need one basis). */
PETSC_INTERN PetscBool SNAKhronosUniformNodes(const SNA_Khronos *);
/* "n" or "n0,n1,...": the node counts as -sna_khronos_nodes takes them. */
PETSC_INTERN PetscErrorCode SNAKhronosNodesString(PetscInt, const PetscInt[], char[], size_t);
/* Sets mode m of every input to deterministic pseudo-random values (see init_spread) and its output weights to zero. */
PETSC_INTERN PetscErrorCode SNAKhronosInitializeMode(SNA, PetscInt);
/* The same with the given spread instead of the model's (a fit with a start of its own: irls). */
PETSC_INTERN PetscErrorCode SNAKhronosInitializeModeSpread(SNA, PetscInt, PetscReal);
/* Adds one mode: W and C grow from M to M + 1, the new mode is pseudo-random with zero output weight. */
PETSC_INTERN PetscErrorCode SNAKhronosAddMode(SNA);
/* Largest model the auto fit gives to Levenberg-Marquardt (P x P dense normal equations, a Cholesky
   factorisation of P^3/3 flops per step); larger models are fitted by ALS. */
#define KHRONOS_AUTO_LM_MAX_PARAMS 2000
/* The parameters of the model on its current nodes at the full rank (-sna_khronos_modes): before a fit, those of its
   first level, which decide whether the auto fit may retry with Levenberg-Marquardt (KHRONOS_AUTO_LM_MAX_PARAMS). */
PETSC_INTERN PetscInt SNAKhronosFullRankParameters(SNA);
/* Fits by alternating least squares (or single-step block Newton, fit type infinite_descent) with
   optional knot refinement and rank enrichment. */
/* Anderson depth of the auto fit's sweeps (bench/fit: 17 sweeps instead of 21 with Bro's line search on
   rank3_3d, 15 instead of 18 on noisy_3d at 3 modes; depths 3 to 10 differ by a sweep) */
#define KHRONOS_AUTO_ANDERSON 5
/* The Anderson depth of an ALS fit when -sna_fit_als_anderson is not given (automatic: the auto fit). */
PETSC_INTERN PetscInt SNAKhronosDefaultAnderson(PetscBool);
/* An error when -sna_fit_als_anderson was given a depth for a fit (named by what) that does not use it. */
PETSC_INTERN PetscErrorCode SNAKhronosCheckAndersonUnused(SNA, const char[]);
PETSC_INTERN PetscErrorCode SNAFit_Khronos_ALS(SNA, Vec, Vec);
/* The tensor start (khronosinit.c), SNAFitStart_C of khronos: before any data fit (auto, als, lm, tao, ...) of a
   fresh model under -sna_khronos_init tensor, replaces the random parameters by the decomposition of a coarse
   tensor-product spline fitted to the training samples (X, Y). Collective; the model is no longer fresh afterwards
   either way (fit_fresh says whether it was). */
PETSC_INTERN PetscErrorCode SNAKhronosTensorStart(SNA, Vec, Vec);
/* Whether the default measured by bench/fit (tensor start, held-out validation, rise stop, refit) applies to this
   fit when the user chose neither start nor validation: the auto fit on the least-squares loss without knot refinement
   or enrichment, not an mf part (SNAFitDefaultValidation_C). */
PETSC_INTERN PetscErrorCode SNAKhronosMeasuredDefault(SNA, PetscBool *);
/* The same for the given enrichment and refinement (-help, before SNAKhronosSetRefinement() takes the options). */
PETSC_INTERN PetscBool SNAKhronosMeasuredDefaultFor(SNA, PetscBool, PetscInt);
/* The same for the -sna_khronos_refine and -sna_khronos_enrich given in the options database, which the class reads
   before the type's options (SNAFitDefaultValidationOptions_C: the defaults -help shows for -sna_fit_validation and
   -sna_fit_validation_refit); the model's own where not given. */
PETSC_INTERN PetscErrorCode SNAKhronosMeasuredDefaultOptions(SNA, PetscBool *);
/* The default fit: ALS while sweeps gain much, then Levenberg-Marquardt on all parameters. */
PETSC_INTERN PetscErrorCode SNAFit_Khronos_Auto(SNA, Vec, Vec);
/* Cross-entropy fit of a categorical head (the q outputs are logits): exact block Newton per block. */
PETSC_INTERN PetscErrorCode SNAFit_Khronos_IRLS(SNA, Vec, Vec);
/* What the block-ALS driver (SNAKhronosSweepStage) minimises, as operations on the model's current parameters:
   the data loss (khronosals.c) or a Ritz energy (khronosritz.c). Every objective is quadratic in each block
   (the output head, block -1, and each input's coefficients W[p]), so a block update is an exact minimiser. */
typedef struct {
  void *ctx;
  /* the objective at the current parameters (collective) */
  PetscErrorCode (*value)(SNA, void *, PetscReal *);
  /* the block's exact minimiser with the others frozen (p = -1: the head), its caches updated */
  PetscErrorCode (*solveblock)(SNA, void *, PetscInt);
  /* rebuilds the caches after the parameters were set from outside (best iterate, extrapolation) */
  PetscErrorCode (*refresh)(SNA, void *);
  /* whether a sweep that took the objective from prev to cur has converged (-sna_fit_rtol) */
  PetscBool (*converged)(SNA, void *, PetscReal, PetscReal);
  PetscBool atol; /* whether -sna_fit_atol applies (the objective is bounded below by zero) */
} KhronosObjective;
/* How a stage of sweeps ends: every stage may use -sna_fit_max_it sweeps; an enrichment stage, which hands over to
   the next rank, also leaves (CONVERGED_ITERATING) when a sweep lowers the objective by less than leave times its
   magnitude (0: only when it does not lower it at all; negative: never, for an objective whose convergence test
   does not rest on differences of its value). */
typedef struct {
  PetscReal leave;
  PetscInt  anderson;    /* depth of the Anderson acceleration of the sweeps (0: none) */
  PetscBool extrapolate; /* without Anderson: Bro's line search after each sweep (also with -sna_fit_als_extrapolate) */
} KhronosSweepControl;
/* Runs sweeps of block updates (head, then each input) until the objective's tests hold (CONVERGED_ATOL/RTOL), the
   budget is spent (DIVERGED_ITS) or progress ends (CONVERGED_ITERATING); monitors every sweep and ends on the best
   iterate of the stage. */
PETSC_INTERN PetscErrorCode SNAKhronosSweepStage(SNA, const KhronosObjective *, const KhronosSweepControl *, SNAConvergedReason *);
/* The Ritz-energy fit of a khronos SNA with a form from SNASetRitzForm() (khronosritz.c). */
PETSC_INTERN PetscErrorCode SNASetRitzForm_Khronos(SNA, const PetscReal[], const PetscReal[], PetscInt, const PetscReal[], PetscBool);
PETSC_INTERN PetscErrorCode SNAFitRitz_Khronos(SNA);
/* HDF5 model-group I/O. */
PETSC_INTERN PetscErrorCode SNASave_Khronos(SNA, hid_t);
PETSC_INTERN PetscErrorCode SNALoad_Khronos(SNA, hid_t);
