/* Private data of rollout surrogates (snaps/surrogate.h), shared by loading, stepping and training. */
#pragma once

#include <snaps/surrogate.h>
#include <snaps/latent.h>
#include <hdf5.h>

struct _n_SNAPSSurrogate {
  MPI_Comm          comm;
  char              kind[16], equation[32], field[32];
  PetscInt          npts, D, q; /* grid points, latent coordinates, bins */
  PetscReal         length, dt;
  PetscReal        *basis;          /* D x npts, orthonormal rows */
  PetscReal        *mean;           /* npts */
  PetscReal        *lower, *upper;  /* D: the box of the training states, which rollouts stay in (where the SNAs are defined) */
  PetscInt          steps, clamped; /* states stepped, coordinates that left the box (held at it when clamp) */
  PetscBool         clamp;          /* whether steps keep the state in the box (models whose SNAs are constant beyond it) */
  PetscReal        *edges;          /* D x (q + 1): bin edges of the residual of each coordinate (categorical) */
  SNA              *drift;          /* D drifts, drift i: z -> z_i(t + dt) - z_i(t) (map form) or dz_i/dt (rate form) */
  PetscBool         rate;           /* the drifts are a vector field, stepped by RK4 (attribute drift_form rate; map if absent) */
  PetscInt          substeps;       /* RK4 steps per dt of the rate form (attribute drift_substeps; 1 if absent) */
  SNAKhronosSparse *sparse;         /* D (loaded models): drift i term by term where that is cheaper, else NULL */
  SNA              *head;           /* D categorical heads (categorical models), head i with SNAPSSurrogateHeadInputs inputs */
  PetscBool         markov;         /* heads also see the coordinate's residual of the step before (-head_markov) */
  PetscBool         local;          /* heads see their own latent pair only, not all of z (-head_local; attribute head_local) */
  PetscReal        *eprev;          /* nprev x D: the residuals each state drew at its last step (markov; zero at the start) */
  PetscInt          nprev;
  PetscReal         rscale;     /* a step adds the drawn residuals times rscale (attribute residual_scale; 1 if absent) */
  char              latent[16]; /* the latent basis: fourier or pod (snaps/latent.h) */
  PetscReal         energy;     /* the fraction of the training fluctuations' energy the basis captures (-1: not measured) */
  /* from the trajectories: the symmetry rule and linear propagator of the drift's fit; forcing, nu and alpha are also
     stored and checked against a run (SNAPSSurrogateCheckPhysics; -1 in models written before they were stored) */
  PetscInt  sdim, kmax, forcing; /* spatial dimensions, Fourier modes r, Kolmogorov forcing wavenumber (0: none) */
  PetscReal nu, alpha;           /* Kolmogorov viscosity and linear drag (0 where the files have none) */
  PetscReal famp;                /* Kolmogorov forcing amplitude (0 where none; see SurrogateReadAmplitude) */
  PetscBool famp_recorded;       /* whether the model file records famp (else a forced model's is taken as 1) */
  /* loaded polynomial drifts of degree 2 at most (the Fourier latents'): the terms of coordinate i are qstart[i] ..
     qstart[i + 1] - 1, each qcoef z_qa z_qb with z_D = 1; NULL where a drift is fitted (then sparse or the SNAs) */
  PetscInt  *qstart, *qa, *qb;
  PetscReal *qcoef;
  PetscReal *qlo, *qhi; /* D each: the drift SNAs' common input box, to which the table clamps each input as they do */
  /* the table by 2 x 2 blocks (QuadraticBlocks), which QuadraticDrift evaluates: the inputs (z, 1, padded to an even
     count) in qm pairs; half j of row pair r (rows 2r, 2r + 1; bstart[r] <= j < bstart[r + 1]) holds the 4
     coefficients bcoef[4j ..] of the complex product of the input pairs p = bhalf[2j] and q = bhalf[2j + 1] / 2,
     conjugated where bhalf[2j + 1] is odd (h), in both rows; bpair[j] = 2 QuadraticPair(qm, p, q) + h, its place in
     QuadraticProducts' table (each kernel reads one of bpair and bhalf) */
  PetscInt   qm, *bstart, *bpair, *bhalf;
  PetscReal *bcoef;
  PetscReal *qwork, *swork; /* workspaces of QuadraticDrift and SNAPSSurrogateStep, kept between steps */
  PetscBool  simd;          /* QuadraticDrift may use AVX2 where the CPU has it (SNAPSSurrogateSetSIMD; the same bits) */
  PetscBool  hrows;         /* every head is khronos: evaluated by SNAKhronosEvaluateRows in hwork (SurrogateHeadRows) */
  PetscReal *hwork;
  PetscInt   nqwork, nswork;
  /* a basis that is SNAPSLatentFourier's 2-D one (|kx|, |ky| <= fr on an fnx x fnx grid) is decoded separably
     (SNAPSLatentFourierPlan): fcos/fsin hold cos and sin of 2 pi k i / fnx for k = -fr..fr, i < fnx (one block, fsin after fcos); fr = 0:
     dense */
  PetscInt   fr, fnx;
  PetscReal *fcos, *fsin;
};

/* z = basis (u - mean). */
PETSC_INTERN void SNAPSLatentEncode(PetscInt, PetscInt, const PetscReal[], const PetscReal[], const PetscReal[], PetscReal[]);
/* g (n x D) = the drift at n latent states z (n x D): the increment over dt (the map, or RK4 of the rate form). */
PETSC_INTERN PetscErrorCode SNAPSSurrogateDrift(SNAPSSurrogate, PetscInt, const PetscReal[], PetscReal[]);
/* The number of inputs of head i (SNAPSSurrogateHeadRow). */
PETSC_INTERN PetscInt SNAPSSurrogateHeadInputs(SNAPSSurrogate, PetscInt);
/* Row x of head i's inputs from z (D), the residuals e_<i and, for Markov heads, the residuals of the step before. */
PETSC_INTERN void SNAPSSurrogateHeadRow(SNAPSSurrogate, PetscInt, const PetscReal[], const PetscReal[], const PetscReal[], PetscReal[]);
/* Where every drift is a polynomial of degree 2 at most (SNAKhronosGetPolynomial; the Fourier latents' drifts), the
   table of its monomials (qstart, qa, qb, qcoef): a step then costs about 3 operations per monomial, not a spline
   evaluation of every input and of every factor per drift. Otherwise nothing. */
PETSC_INTERN PetscErrorCode SNAPSSurrogateQuadratic(SNAPSSurrogate);
/* y (n x q) = the SNA at n local rows x (n x d). */
PETSC_INTERN PetscErrorCode SNAPSEvaluateRows(SNA, PetscInt, const PetscReal[], PetscReal[]);
/* The latent basis of a surrogate being trained (see latent.c): sets D, basis and mean and allocates the edges. */
PETSC_INTERN PetscErrorCode SNAPSSurrogateLatentOptions(MPI_Comm, char[], PetscInt *, PetscBool *);
PETSC_INTERN PetscErrorCode SNAPSSurrogateSetLatent(SNAPSSurrogate, PetscInt, const SNAPSTrajectoryData[], PetscInt, PetscInt);
/* Sets the separable decode of a loaded basis that is exactly the 2-D Fourier basis of SNAPSLatentFourier (fr, fnx,
   fcos, fsin); leaves fr = 0 for any other basis. */
PETSC_INTERN PetscErrorCode SNAPSLatentFourierPlan(SNAPSSurrogate);
/* Refuses a model file whose basis (in the open group g) does not have the declared latent size D and grid points,
   naming both values. */
PETSC_INTERN PetscErrorCode SNAPSLatentCheckBasis(hid_t, const char[], PetscInt, PetscInt);
