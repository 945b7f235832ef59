/* Manufactured solutions for -Laplace(u) = f: an expression u(x) parsed with libmatheval, its gradient
   and the source f = -Laplace(u) derived symbolically. Thread-unsafe (libmatheval evaluators are not
   reentrant); one object may be shared by every caller of one process. */
#pragma once

#include <petscsys.h>

/* A parsed manufactured solution u and its symbolic derivatives. */
typedef struct _n_PoissonExact *PoissonExact;

/* The largest dimension an expression may use (variables x1..x6). */
#define POISSON_EXACT_MAX_DIM 6

/* Parses expr for a dim-D problem (1 <= dim <= 6). Variables: x, y, z (coordinates 0, 1, 2, for dim <= 3)
   and x1..x<dim> (x1 = coordinate 0); constants as in libmatheval (pi, e, ...). Fails with a message
   naming the problem when expr does not parse, uses a variable that does not exist in dim dimensions,
   or has a source that cannot be derived. Collective only in the sense that every rank parses the same
   string; comm is used for error messages. */
PETSC_EXTERN PetscErrorCode PoissonExactCreate(MPI_Comm, const char[], PetscInt, PoissonExact *);
/* The problem's box [a,b]^d: the compiled tape (see PoissonExactEvaluateBatch()), checked against libmatheval on
   [-1,1]^d when created, is checked again at 64 points of [a,b]^d and dropped (libmatheval point by point, slower,
   the same values) on a mismatch or when fewer than 16 of them are inside the expression's domain. UsesTape says
   whether it is kept. Not collective. */
PETSC_EXTERN PetscErrorCode PoissonExactSetDomain(PoissonExact, PetscReal, PetscReal);
PETSC_EXTERN PetscErrorCode PoissonExactUsesTape(PoissonExact, PetscBool *);
/* Evaluates at one point x[dim]: u, grad[dim] and f = -Laplace(u); any output may be NULL. Not collective. */
PETSC_EXTERN PetscErrorCode PoissonExactEvaluate(PoissonExact, const PetscReal[], PetscReal *, PetscReal[], PetscReal *);
/* u (may be NULL) and f = -Laplace(u) (may be NULL) at n points x[n*dim]: through the compiled tape (tape.h)
   when it reproduces libmatheval, else point by point. Not collective. */
PETSC_EXTERN PetscErrorCode PoissonExactEvaluateBatch(PoissonExact, PetscInt, const PetscReal[], PetscReal[], PetscReal[]);
/* u (may be NULL) and grad u (may be NULL; grad[n*dim]) at n points x[n*dim], like PoissonExactEvaluateBatch(). */
PETSC_EXTERN PetscErrorCode PoissonExactEvaluateGradientBatch(PoissonExact, PetscInt, const PetscReal[], PetscReal[], PetscReal[]);
/* Returns the dimension and the expression as given. */
PETSC_EXTERN PetscErrorCode PoissonExactGetInfo(PoissonExact, PetscInt *, const char *[]);
/* Returns the derived source f = -Laplace(u) as text (libmatheval's unsimplified form); valid until destroy. */
PETSC_EXTERN PetscErrorCode PoissonExactGetSourceString(PoissonExact, const char *[]);
/* Prints u, the variables and the derived source to an ASCII viewer. */
PETSC_EXTERN PetscErrorCode PoissonExactView(PoissonExact, PetscViewer);
/* -exact_view: the view is wanted, but printed by PoissonExactViewFromOptions(), which the solvers call after their
   checks (memory, options): a run refused by them leaves no view file. */
PETSC_EXTERN PetscErrorCode PoissonExactSetViewFromOptions(PoissonExact);
/* Prints the view asked for by PoissonExactSetViewFromOptions() (once; later calls do nothing) to -exact_view's viewer
   (stdout, or ascii:<file>), which stays open until PoissonExactDestroy(): an option naming the same file later
   (-sna_monitor ascii:<file>) shares it and writes after the view. */
PETSC_EXTERN PetscErrorCode PoissonExactViewFromOptions(PoissonExact);
/* Frees the evaluators (and closes the view's viewer). */
PETSC_EXTERN PetscErrorCode PoissonExactDestroy(PoissonExact *);
