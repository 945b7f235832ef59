/* Parametrised coefficient fields for snaps-poisson-param: an expression in the coordinates and the
   parameters mu1..muq, parsed with libmatheval (e.g. the conductivity kappa(x; mu) or the source
   f(x; mu)). Thread-unsafe like every libmatheval evaluator. */
#pragma once

#include <petscsys.h>

/* A parsed field expression. */
typedef struct _n_PoissonField *PoissonField;

/* The largest number of parameters an expression may use (mu1..mu6). */
#define POISSON_FIELD_MAX_PARAMS 6

/* Parses expr for a dim-D problem (1 <= dim <= 3) with q parameters (0 <= q <= 6). Variables: x, y, z
   (coordinates 0..2) or x1..x<dim>, and mu1..mu<q>; constants as in libmatheval (pi, e). option names
   the option the expression came from, for messages ("-kappa"). Fails naming the problem when expr does
   not parse or uses a variable that does not exist. Not collective; comm is for error messages. */
PETSC_EXTERN PetscErrorCode PoissonFieldCreate(MPI_Comm, const char[], const char[], PetscInt, PetscInt, PoissonField *);
/* Evaluates at the point x[dim] for the parameters mu[q]. Not collective. */
PETSC_EXTERN PetscReal PoissonFieldEvaluate(PoissonField, const PetscReal[], const PetscReal[]);
/* Whether the expression uses any of the parameters mu1..muq. */
PETSC_EXTERN PetscBool PoissonFieldUsesParameters(PoissonField);
/* The parameters the expression uses: bit p set when it uses mu<p+1>. */
PETSC_EXTERN PetscInt PoissonFieldUsedParameters(PoissonField);
/* Frees the evaluator. */
PETSC_EXTERN PetscErrorCode PoissonFieldDestroy(PoissonField *);
