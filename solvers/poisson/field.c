/* Parametrised fields on libmatheval (see field.h). */
#include "field.h"
#include <matheval.h>

#define FIELD_MAX_NAMES (2 * 3 + POISSON_FIELD_MAX_PARAMS)

struct _n_PoissonField {
  void     *eval;
  int       nnames;
  char     *names[FIELD_MAX_NAMES];
  int       slot[FIELD_MAX_NAMES]; /* 0..2: coordinate; 3 + p: parameter p */
  double    values[FIELD_MAX_NAMES];
  PetscInt  used; /* bit p: the expression uses mu<p+1> */
};

/* Adds a variable name and what it stands for. */
static PetscErrorCode AddName(PoissonField f, const char name[], int slot)
{
  PetscFunctionBegin;
  PetscCall(PetscStrallocpy(name, &f->names[f->nnames]));
  f->slot[f->nnames++] = slot;
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonFieldCreate(MPI_Comm comm, const char option[], const char expr[], PetscInt dim, PetscInt q, PoissonField *field)
{
  static const char *const xyz[3] = {"x", "y", "z"};
  PoissonField             f;
  char                   **vars, *copy, name[16];
  int                      nvars;

  PetscFunctionBegin;
  *field = NULL;
  PetscCheck(dim >= 1 && dim <= 3, comm, PETSC_ERR_ARG_OUTOFRANGE, "Parametrised problems are 1-D to 3-D, not %" PetscInt_FMT "-D", dim);
  PetscCheck(q >= 0 && q <= POISSON_FIELD_MAX_PARAMS, comm, PETSC_ERR_ARG_OUTOFRANGE, "Between 0 and %d parameters are supported, not %" PetscInt_FMT, POISSON_FIELD_MAX_PARAMS, q);
  PetscCall(PetscNew(&f));
  PetscCall(PetscStrallocpy(expr, &copy)); /* libmatheval takes a non-const string */
  f->eval = evaluator_create(copy);
  PetscCall(PetscFree(copy));
  if (!f->eval) {
    PetscCall(PoissonFieldDestroy(&f));
    SETERRQ(comm, PETSC_ERR_USER_INPUT, "Cannot parse %s '%s': not a valid expression (check parentheses, operators such as * and ^, function names sin, exp, tanh, ...)", option, expr);
  }
  for (PetscInt i = 0; i < dim; i++) {
    PetscCall(AddName(f, xyz[i], (int)i));
    PetscCall(PetscSNPrintf(name, sizeof(name), "x%" PetscInt_FMT, i + 1));
    PetscCall(AddName(f, name, (int)i));
  }
  for (PetscInt p = 0; p < q; p++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "mu%" PetscInt_FMT, p + 1));
    PetscCall(AddName(f, name, 3 + (int)p));
  }
  evaluator_get_variables(f->eval, &vars, &nvars);
  for (int v = 0; v < nvars; v++) {
    PetscBool known = PETSC_FALSE;
    for (int k = 0; k < f->nnames && !known; k++) {
      PetscCall(PetscStrcmp(vars[v], f->names[k], &known));
      if (known && f->slot[k] >= 3) f->used |= (PetscInt)1 << (f->slot[k] - 3);
    }
    if (!known) {
      char unknown[256]; /* the name in full (name[] cut 'conductivity_scale' to 'conductivity_sc'): vars[] goes with f */
      PetscCall(PetscStrncpy(unknown, vars[v], sizeof(unknown)));
      PetscCall(PoissonFieldDestroy(&f));
      SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s '%s' uses '%s', which is not a variable of this %" PetscInt_FMT "-D problem with %" PetscInt_FMT " parameters (coordinates %s or x1..x%" PetscInt_FMT "%s%" PetscInt_FMT ")", option, expr, unknown, dim, q, dim == 1 ? "x" : (dim == 2 ? "x, y" : "x, y, z"), dim, q ? "; parameters mu1..mu" : "; no parameters: ", q);
    }
  }
  *field = f;
  PetscFunctionReturn(0);
}

PetscReal PoissonFieldEvaluate(PoissonField f, const PetscReal x[], const PetscReal mu[])
{
  for (int k = 0; k < f->nnames; k++) f->values[k] = f->slot[k] < 3 ? (double)x[f->slot[k]] : (double)mu[f->slot[k] - 3];
  return (PetscReal)evaluator_evaluate(f->eval, f->nnames, f->names, f->values);
}

PetscBool PoissonFieldUsesParameters(PoissonField f)
{
  return (PetscBool)(f->used != 0);
}

PetscInt PoissonFieldUsedParameters(PoissonField f)
{
  return f->used;
}

PetscErrorCode PoissonFieldDestroy(PoissonField *field)
{
  PoissonField f = *field;

  PetscFunctionBegin;
  if (!f) PetscFunctionReturn(0);
  if (f->eval) evaluator_destroy(f->eval);
  for (int k = 0; k < f->nnames; k++) PetscCall(PetscFree(f->names[k]));
  PetscCall(PetscFree(*field));
  PetscFunctionReturn(0);
}
