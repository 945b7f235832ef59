/* Manufactured solutions on libmatheval: u parsed once, gradient and Laplacian derived symbolically. */
#include "exact.h"
#include "tape.h"
#include <petscviewer.h>
#include <snaps/options.h>
#include <matheval.h>

#define MAX_NAMES (POISSON_EXACT_MAX_DIM + 3)

struct _n_PoissonExact {
  MPI_Comm    comm;
  PetscInt    dim;
  char       *expr;                         /* as given by the user */
  void       *u;                            /* evaluator of u */
  PetscInt    nd1[POISSON_EXACT_MAX_DIM];   /* evaluators summed into du/dx_i (one per alias of x_i used) */
  void       *d1[POISSON_EXACT_MAX_DIM][2]; /* first derivatives */
  PetscInt    nd2[POISSON_EXACT_MAX_DIM];   /* evaluators summed into d2u/dx_i^2 */
  void       *d2[POISSON_EXACT_MAX_DIM][4]; /* second derivatives */
  int         nnames;                       /* variable names passed to libmatheval */
  char       *names[MAX_NAMES];             /* x, y, z (dim <= 3) and x1..x<dim> */
  PetscInt    coord[MAX_NAMES];             /* coordinate of each name */
  double      values[MAX_NAMES];            /* work array */
  char       *source;                       /* text of f = -Laplace(u) */
  PoissonTape tape;                         /* batched u and Laplace(u), when it reproduces libmatheval; else NULL */
  PetscBool   view_pending;                 /* -exact_view asked for, not printed yet (PoissonExactViewFromOptions()) */
  PetscViewer view;                         /* its viewer, kept open to PoissonExactDestroy() */
};

static const char *const xyz[3] = {"x", "y", "z"};

/* Explains why variable name is not accepted for a dim-D problem. */
static PetscErrorCode PoissonExactRejectVariable(MPI_Comm comm, const char name[], PetscInt dim)
{
  PetscInt k = -1;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < 3; i++) {
    PetscBool same;
    PetscCall(PetscStrcmp(name, xyz[i], &same));
    if (same) k = i;
  }
  if (k >= 0 && dim > 3) SETERRQ(comm, PETSC_ERR_USER_INPUT, "-exact uses '%s' but a %" PetscInt_FMT "-D problem names its variables x1..x%" PetscInt_FMT, name, dim, dim);
  if (k >= 0) SETERRQ(comm, PETSC_ERR_USER_INPUT, "-exact uses '%s' but the problem is %" PetscInt_FMT "-D", name, dim);
  if (name[0] == 'x' && name[1] >= '1' && name[1] <= '9' && name[2] == 0) SETERRQ(comm, PETSC_ERR_USER_INPUT, "-exact uses '%s' but the problem is %" PetscInt_FMT "-D", name, dim);
  SETERRQ(comm, PETSC_ERR_USER_INPUT, "-exact uses '%s', which is not a variable of a %" PetscInt_FMT "-D problem (use %s%s%s%s x1..x%" PetscInt_FMT ")", name, dim, dim <= 3 ? "x" : "", dim >= 2 && dim <= 3 ? ", y" : "", dim == 3 ? ", z" : "", dim <= 3 ? " or" : "", dim);
}

/* Appends text to a growing string (*s may be NULL). */
/* The coordinate index a variable name stands for (x and x1 are both coordinate 0); -1 if none. */
static PetscErrorCode VariableCoordinate(PoissonExact ex, const char name[], PetscInt *coord)
{
  PetscFunctionBegin;
  *coord = -1;
  for (int k = 0; k < ex->nnames; k++) {
    PetscBool same;
    PetscCall(PetscStrcmp(name, ex->names[k], &same));
    if (same) *coord = ex->coord[k];
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode AppendString(char **s, const char text[])
{
  size_t n0 = 0, n1;
  char  *t;

  PetscFunctionBegin;
  if (*s) PetscCall(PetscStrlen(*s, &n0));
  PetscCall(PetscStrlen(text, &n1));
  PetscCall(PetscMalloc1(n0 + n1 + 1, &t));
  if (*s) PetscCall(PetscMemcpy(t, *s, n0));
  PetscCall(PetscMemcpy(t + n0, text, n1));
  t[n0 + n1] = 0;
  PetscCall(PetscFree(*s));
  *s = t;
  PetscFunctionReturn(0);
}

/* The tape (tape.h) is kept only if it gives libmatheval's u and f, to 1e-10 relative, at 64 points of
   [a,b]^d (a Halton sequence), of which at least minfinite must be inside the expression's domain (u and f finite):
   an expression it parses otherwise than libmatheval falls back to the interpreter. */
static PetscErrorCode PoissonExactValidateTape(PoissonExact ex, PetscReal a, PetscReal b, PetscInt minfinite)
{
  const PetscInt primes[POISSON_EXACT_MAX_DIM] = {2, 3, 5, 7, 11, 13};
  PetscReal      x[POISSON_EXACT_MAX_DIM], u, f, tu, tlap;
  PetscInt       finite = 0;

  PetscFunctionBegin;
  for (PetscInt i = 1; i <= 64 && ex->tape; i++) {
    for (PetscInt d = 0; d < ex->dim; d++) { /* radical inverse of i in base primes[d], mapped to [a, b] */
      PetscReal r = 0, scale = 1.0 / primes[d];
      for (PetscInt k = i; k > 0; k /= primes[d], scale /= primes[d]) r += (k % primes[d]) * scale;
      x[d] = a + (b - a) * r;
    }
    PetscCall(PoissonExactEvaluate(ex, x, &u, NULL, &f));
    PetscCall(PoissonTapeEvaluate(ex->tape, 1, x, &tu, &tlap));
    if (PetscIsInfOrNanReal(u) || PetscIsInfOrNanReal(f)) continue; /* outside the expression's domain */
    finite++;
    if (PetscAbsReal(tu - u) > 1e-10 * (1 + PetscAbsReal(u)) || PetscAbsReal(-tlap - f) > 1e-10 * (1 + PetscAbsReal(f))) PetscCall(PoissonTapeDestroy(&ex->tape));
  }
  if (finite < minfinite) PetscCall(PoissonTapeDestroy(&ex->tape)); /* too few comparisons to trust it */
  PetscFunctionReturn(0);
}

static PetscErrorCode PoissonExactCreateTape(PoissonExact ex)
{
  PetscFunctionBegin;
  PetscCall(PoissonTapeCreate(ex->expr, ex->dim, ex->nnames, ex->names, ex->coord, &ex->tape));
  if (ex->tape) PetscCall(PoissonExactValidateTape(ex, -1, 1, 0)); /* the problem's domain: PoissonExactSetDomain() */
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactSetDomain(PoissonExact ex, PetscReal a, PetscReal b)
{
  PetscFunctionBegin;
  if (ex->tape) PetscCall(PoissonExactValidateTape(ex, a, b, 16));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactUsesTape(PoissonExact ex, PetscBool *tape)
{
  PetscFunctionBegin;
  *tape = ex->tape ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* Builds ex (allocated, its comm and dim set) for expr: the evaluators of u and of its first and second
   derivatives, the source's text and the tape. On an error the caller destroys ex, whatever was built of it. */
static PetscErrorCode PoissonExactBuild(PoissonExact ex, const char expr[])
{
  MPI_Comm comm = ex->comm;
  PetscInt dim  = ex->dim;
  char   **vars, *copy;
  int      nvars;

  PetscFunctionBegin;
  PetscCall(PetscStrallocpy(expr, &ex->expr));
  PetscCall(PetscStrallocpy(expr, &copy)); /* libmatheval takes a non-const string */
  ex->u = evaluator_create(copy);
  PetscCall(PetscFree(copy));
  PetscCheck(ex->u, comm, PETSC_ERR_USER_INPUT, "Cannot parse -exact '%s': not a valid expression (check parentheses, operators such as * and ^, and function names: sin, cos, exp, log, sqrt, ...; constants pi, e)", expr);
  /* the names libmatheval is given, and the coordinate each stands for */
  for (PetscInt i = 0; i < dim && dim <= 3; i++) {
    PetscCall(PetscStrallocpy(xyz[i], &ex->names[ex->nnames]));
    ex->coord[ex->nnames++] = i;
  }
  for (PetscInt i = 0; i < dim; i++) {
    char name[8];
    PetscCall(PetscSNPrintf(name, sizeof(name), "x%" PetscInt_FMT, i + 1));
    PetscCall(PetscStrallocpy(name, &ex->names[ex->nnames]));
    ex->coord[ex->nnames++] = i;
  }
  /* every variable of the expression must be one of them */
  evaluator_get_variables(ex->u, &vars, &nvars);
  for (int v = 0; v < nvars; v++) {
    PetscBool known = PETSC_FALSE;
    for (int k = 0; k < ex->nnames && !known; k++) PetscCall(PetscStrcmp(vars[v], ex->names[k], &known));
    if (!known) PetscCall(PoissonExactRejectVariable(comm, vars[v], dim));
  }
  /* symbolic derivatives: du/dx_i = sum over the aliases of x_i used (x and x1 may both appear) */
  for (int v = 0; v < nvars; v++) {
    PetscInt i;
    PetscCall(VariableCoordinate(ex, vars[v], &i));
    ex->d1[i][ex->nd1[i]] = evaluator_derivative(ex->u, vars[v]);
    PetscCheck(ex->d1[i][ex->nd1[i]], comm, PETSC_ERR_LIB, "libmatheval cannot differentiate -exact '%s' with respect to %s", expr, vars[v]);
    ex->nd1[i]++;
  }
  for (int v = 0; v < nvars; v++) {
    PetscInt i;
    PetscCall(VariableCoordinate(ex, vars[v], &i));
    for (PetscInt j = 0; j < ex->nd1[i]; j++) {
      ex->d2[i][ex->nd2[i]] = evaluator_derivative(ex->d1[i][j], vars[v]);
      PetscCheck(ex->d2[i][ex->nd2[i]], comm, PETSC_ERR_LIB, "libmatheval cannot differentiate -exact '%s' twice with respect to %s", expr, vars[v]);
      ex->nd2[i]++;
    }
  }
  /* text of the source, for -help and -view only (libmatheval prints constants with 6 digits, so the
     evaluators above, not this string, are what is evaluated) */
  {
    PetscBool first = PETSC_TRUE;
    for (PetscInt i = 0; i < dim; i++) {
      for (PetscInt j = 0; j < ex->nd2[i]; j++) {
        PetscCall(AppendString(&ex->source, first ? "-(" : " + "));
        PetscCall(AppendString(&ex->source, evaluator_get_string(ex->d2[i][j])));
        first = PETSC_FALSE;
      }
    }
    PetscCall(AppendString(&ex->source, first ? "0" : ")"));
  }
  PetscCall(PoissonExactCreateTape(ex));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactCreate(MPI_Comm comm, const char expr[], PetscInt dim, PoissonExact *exact)
{
  PoissonExact   ex;
  size_t         len;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  *exact = NULL;
  PetscCheck(dim >= 1 && dim <= POISSON_EXACT_MAX_DIM, comm, PETSC_ERR_ARG_OUTOFRANGE, "The dimension must be between 1 and %d, not %" PetscInt_FMT, POISSON_EXACT_MAX_DIM, dim);
  PetscCall(PetscStrlen(expr, &len));
  PetscCheck(len > 0, comm, PETSC_ERR_USER_INPUT, "-exact is empty: give an expression such as 'sin(pi*x)*sin(pi*y)'");
  PetscCall(PetscNew(&ex));
  ex->comm = comm;
  ex->dim  = dim;
  /* one exit for every failure of the build (a derivative libmatheval cannot form leaked the object) */
  ierr = PoissonExactBuild(ex, expr);
  if (ierr) PetscCall(PoissonExactDestroy(&ex));
  PetscCall(ierr);
  *exact = ex;
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactEvaluate(PoissonExact ex, const PetscReal x[], PetscReal *u, PetscReal grad[], PetscReal *f)
{
  PetscFunctionBegin;
  for (int k = 0; k < ex->nnames; k++) ex->values[k] = (double)x[ex->coord[k]];
  if (u) *u = (PetscReal)evaluator_evaluate(ex->u, ex->nnames, ex->names, ex->values);
  if (grad) {
    for (PetscInt i = 0; i < ex->dim; i++) {
      grad[i] = 0;
      for (PetscInt j = 0; j < ex->nd1[i]; j++) grad[i] += (PetscReal)evaluator_evaluate(ex->d1[i][j], ex->nnames, ex->names, ex->values);
    }
  }
  if (f) {
    PetscReal lap = 0;
    for (PetscInt i = 0; i < ex->dim; i++)
      for (PetscInt j = 0; j < ex->nd2[i]; j++) lap += (PetscReal)evaluator_evaluate(ex->d2[i][j], ex->nnames, ex->names, ex->values);
    *f = -lap;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactEvaluateBatch(PoissonExact ex, PetscInt n, const PetscReal x[], PetscReal u[], PetscReal f[])
{
  PetscFunctionBegin;
  if (ex->tape) {
    PetscCall(PoissonTapeEvaluate(ex->tape, n, x, u, f));
    if (f)
      for (PetscInt i = 0; i < n; i++) f[i] = -f[i];
  } else
    for (PetscInt i = 0; i < n; i++) PetscCall(PoissonExactEvaluate(ex, &x[i * ex->dim], u ? &u[i] : NULL, NULL, f ? &f[i] : NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactEvaluateGradientBatch(PoissonExact ex, PetscInt n, const PetscReal x[], PetscReal u[], PetscReal grad[])
{
  PetscFunctionBegin;
  if (ex->tape)
    PetscCall(PoissonTapeEvaluateGradient(ex->tape, n, x, u, grad));
  else
    for (PetscInt i = 0; i < n; i++) PetscCall(PoissonExactEvaluate(ex, &x[i * ex->dim], u ? &u[i] : NULL, grad ? &grad[i * ex->dim] : NULL, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactGetInfo(PoissonExact ex, PetscInt *dim, const char *expr[])
{
  PetscFunctionBegin;
  if (dim) *dim = ex->dim;
  if (expr) *expr = ex->expr;
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactGetSourceString(PoissonExact ex, const char *source[])
{
  PetscFunctionBegin;
  *source = ex->source;
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactView(PoissonExact ex, PetscViewer viewer)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(viewer, "Manufactured solution (%" PetscInt_FMT "-D):\n", ex->dim));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "u = %s\n", ex->expr));
  PetscCall(PetscViewerASCIIPrintf(viewer, "parsed as %s\n", evaluator_get_string(ex->u)));
  PetscCall(PetscViewerASCIIPrintf(viewer, "f = -Laplace(u) = %s\n", ex->source));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactSetViewFromOptions(PoissonExact ex)
{
  PetscFunctionBegin;
  ex->view_pending = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactViewFromOptions(PoissonExact ex)
{
  PetscFunctionBegin;
  if (!ex->view_pending) PetscFunctionReturn(0);
  ex->view_pending = PETSC_FALSE;
  PetscCall(SNAPSOptionsGetTextViewer(ex->comm, NULL, NULL, "-exact_view", &ex->view, NULL));
  if (ex->view) PetscCall(PoissonExactView(ex, ex->view));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonExactDestroy(PoissonExact *exact)
{
  PoissonExact ex;

  PetscFunctionBegin;
  if (!exact || !*exact) PetscFunctionReturn(0);
  ex = *exact;
  for (PetscInt i = 0; i < POISSON_EXACT_MAX_DIM; i++) {
    for (PetscInt j = 0; j < ex->nd1[i]; j++) evaluator_destroy(ex->d1[i][j]);
    for (PetscInt j = 0; j < ex->nd2[i]; j++) evaluator_destroy(ex->d2[i][j]);
  }
  if (ex->u) evaluator_destroy(ex->u);
  PetscCall(PoissonTapeDestroy(&ex->tape));
  for (int k = 0; k < ex->nnames; k++) PetscCall(PetscFree(ex->names[k]));
  PetscCall(PetscFree(ex->source));
  PetscCall(PetscFree(ex->expr));
  PetscCall(PetscViewerDestroy(&ex->view));
  PetscCall(PetscFree(ex));
  *exact = NULL;
  PetscFunctionReturn(0);
}
