/* A compiled form of a manufactured solution for batches of points: the expression is parsed once into a
   tape of operations, and every operation is applied to a whole batch of points with second-order
   forward differentiation along each coordinate, so u and Laplace(u) cost a few vector loops instead of
   one interpreter walk per point and per derivative (libmatheval). Used where the FEM source is needed at
   every quadrature point. Supports numbers, pi, e, + - * / ^ and sin cos tan exp log sqrt sinh cosh tanh
   atan abs; anything else makes PoissonTapeCreate return NULL (the caller keeps libmatheval). */
#pragma once

#include <petscsys.h>

typedef struct _n_PoissonTape *PoissonTape;

/* Parses expr; names[k] (nnames of them) is the variable for coordinate coord[k] of a dim-D point.
 *tape is NULL when the expression uses something the tape does not support. */
PETSC_EXTERN PetscErrorCode PoissonTapeCreate(const char[], PetscInt, PetscInt, char *const[], const PetscInt[], PoissonTape *);
/* u (may be NULL) and lap = Laplace(u) (may be NULL) at n points x[n*dim]. */
PETSC_EXTERN PetscErrorCode PoissonTapeEvaluate(PoissonTape, PetscInt, const PetscReal[], PetscReal[], PetscReal[]);
/* u (may be NULL) and grad u (may be NULL; grad[n*dim]) at n points x[n*dim]. */
PETSC_EXTERN PetscErrorCode PoissonTapeEvaluateGradient(PoissonTape, PetscInt, const PetscReal[], PetscReal[], PetscReal[]);
PETSC_EXTERN PetscErrorCode PoissonTapeDestroy(PoissonTape *);
