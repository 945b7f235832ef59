/* Private SNA implementation struct and ops table (like PETSc's include/petsc/private/). */
#pragma once

#include <petsc/private/petscimpl.h>
#include <hdf5.h>
#include <snaps/sna.h>

#define SNA_MAX_MONITORS 5

/* Operations an SNA type provides. Evaluation ops work on local, row-major arrays. */
typedef struct _SNAOps *SNAOps;
struct _SNAOps {
  PetscErrorCode (*setfromoptions)(SNA, PetscOptionItems *);
  PetscErrorCode (*setup)(SNA);         /* allocate and initialise parameters for dim_in, dim_out, bounds */
  PetscErrorCode (*fit)(SNA, Vec, Vec); /* the type's own fit for fit types it implements (ALS, ...) */
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
};

struct _p_SNA {
  PETSCHEADER(struct _SNAOps);
  PetscInt   dim_in, dim_out; /* d, q */
  PetscReal *lower, *upper;   /* input box, length d; NULL until known */
  PetscBool  bounds_from_user;
  PetscInt   nparams;
  PetscBool  setupcalled;

  /* fitting */
  char              *fittype;
  PetscReal          lambda, atol, rtol;
  PetscInt           max_it;
  PetscInt           iterations;
  PetscReal          fit_mse;
  SNAConvergedReason reason;

  /* monitors */
  PetscErrorCode (*monitor[SNA_MAX_MONITORS])(SNA, PetscInt, PetscReal, void *);
  void *monitorcontext[SNA_MAX_MONITORS];
  PetscErrorCode (*monitordestroy[SNA_MAX_MONITORS])(void **);
  PetscInt numbermonitors;

  void *data; /* the type's own struct */
};

/* Calls every monitor set on the SNA. */
PETSC_INTERN PetscErrorCode SNAMonitor(SNA, PetscInt, PetscReal);
/* Maps input x (length d) to the unit box [0,1]^d using the SNA's bounds (no clamping). */
static inline PetscReal SNAUnitCoordinate(SNA sna, PetscInt p, PetscReal x)
{
  return (x - sna->lower[p]) / (sna->upper[p] - sna->lower[p]);
}

/* Local part of a sample Vec as rows: checks block size and returns the count and array. */
PETSC_INTERN PetscErrorCode SNAGetLocalRows(SNA, Vec, PetscInt, const char[], PetscInt *, const PetscReal **);
/* Global number of samples behind local counts. */
PETSC_INTERN PetscErrorCode SNAGlobalCount(SNA, PetscInt, PetscInt *);

/* Gradient-based fitting through PETSc TAO, for any type that has the parameter ops. */
PETSC_INTERN PetscErrorCode SNAFit_TAO(SNA, Vec, Vec);

/* Distributed regularised least squares: given the rank-local normal equations A (n x n,
   row-major, symmetric) and B (n x nrhs, row-major), sums both over the communicator in one
   reduction, adds lambda*I to A/scale, and solves (A/scale + lambda I) Z = B/scale in place of B
   (Cholesky; minimum-norm SVD least squares if A is singular). A is overwritten. */
PETSC_INTERN PetscErrorCode SNALeastSquaresSolve(MPI_Comm, PetscInt, PetscInt, PetscReal, PetscReal, PetscReal[], PetscReal[]);

/* HDF5 helpers for model files; each returns a PETSc error naming the file and object. */
PETSC_INTERN PetscErrorCode SNAHDF5WriteAttributeInt(hid_t, const char[], PetscInt);
PETSC_INTERN PetscErrorCode SNAHDF5WriteAttributeString(hid_t, const char[], const char[]);
PETSC_INTERN PetscErrorCode SNAHDF5ReadAttributeInt(hid_t, const char[], PetscInt *);
PETSC_INTERN PetscErrorCode SNAHDF5ReadAttributeString(hid_t, const char[], char[], size_t);
PETSC_INTERN PetscErrorCode SNAHDF5WriteArray(hid_t, const char[], PetscInt, const hsize_t[], const PetscReal[]);
/* Reads a float64 dataset whose shape must equal dims (rank entries); rejects NaN and Inf. */
PETSC_INTERN PetscErrorCode SNAHDF5ReadArray(hid_t, const char[], PetscInt, const hsize_t[], PetscReal[]);
