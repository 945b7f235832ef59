/* The expression tape of the manufactured solution (see tape.h). */
#include "tape.h"
#include <ctype.h>
#include <stdlib.h>

#define TAPE_BATCH 128 /* points per vector operation */

typedef enum {
  OP_CONST,
  OP_VAR,
  OP_NEG,
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_DIV,
  OP_POWC, /* a ^ constant */
  OP_FUNC
} TapeOp;

typedef enum {
  FN_SIN,
  FN_COS,
  FN_TAN,
  FN_EXP,
  FN_LOG,
  FN_SQRT,
  FN_SINH,
  FN_COSH,
  FN_TANH,
  FN_ATAN,
  FN_ABS
} TapeFn;

static const char *const fnames[] = {"sin", "cos", "tan", "exp", "log", "sqrt", "sinh", "cosh", "tanh", "atan", "abs"};

typedef struct {
  TapeOp    op;
  PetscInt  a, b;    /* operand nodes */
  PetscInt  var;     /* OP_VAR: coordinate */
  TapeFn    fn;      /* OP_FUNC */
  PetscReal c;       /* OP_CONST: value; OP_POWC: exponent */
  PetscBool isconst; /* no coordinate below this node: derivatives vanish */
} TapeNode;

struct _n_PoissonTape {
  PetscInt   dim, nnodes, cap;
  TapeNode  *nodes;
  PetscReal *work; /* nnodes x (1 + 2 dim) x TAPE_BATCH: value, first and second derivative per direction */
};

/* The recursive-descent parser: libmatheval's grammar (+ - lowest, then * /, then unary minus, then ^,
   all left-associative). A parse failure only means "not supported here". */
typedef struct {
  const char     *s;
  PetscInt        nnames;
  char *const    *names;
  const PetscInt *coord;
  PoissonTape     t;
  PetscBool       fail;
} TapeParser;

static PetscInt NewNode(TapeParser *p, TapeOp op, PetscInt a, PetscInt b)
{
  PoissonTape t = p->t;
  if (p->fail) return -1;
  if (t->nnodes == t->cap) {
    TapeNode *n = (TapeNode *)realloc(t->nodes, sizeof(TapeNode) * (size_t)(2 * t->cap + 16));
    if (!n) {
      p->fail = PETSC_TRUE;
      return -1;
    }
    t->nodes = n;
    t->cap   = 2 * t->cap + 16;
  }
  t->nodes[t->nnodes]         = (TapeNode){op, a, b, -1, FN_SIN, 0, PETSC_TRUE};
  t->nodes[t->nnodes].isconst = (PetscBool)((a < 0 || t->nodes[a].isconst) && (b < 0 || t->nodes[b].isconst));
  return t->nnodes++;
}

static void SkipSpace(TapeParser *p)
{
  while (isspace((unsigned char)*p->s)) p->s++;
}

static PetscInt ParseExpr(TapeParser *);
static PetscInt ParseUnary(TapeParser *);

static PetscInt ParsePrimary(TapeParser *p)
{
  SkipSpace(p);
  if (p->fail) return -1;
  if (*p->s == '(') {
    PetscInt e;
    p->s++;
    e = ParseExpr(p);
    SkipSpace(p);
    if (*p->s != ')')
      p->fail = PETSC_TRUE;
    else
      p->s++;
    return e;
  }
  if (isdigit((unsigned char)*p->s) || *p->s == '.') {
    char    *end;
    double   v = strtod(p->s, &end);
    PetscInt n = NewNode(p, OP_CONST, -1, -1);
    if (end == p->s) p->fail = PETSC_TRUE;
    p->s = end;
    if (n >= 0) p->t->nodes[n].c = v;
    return n;
  }
  if (isalpha((unsigned char)*p->s) || *p->s == '_') {
    char   name[32];
    size_t len = 0;
    while ((isalnum((unsigned char)*p->s) || *p->s == '_') && len < sizeof(name) - 1) name[len++] = *p->s++;
    name[len] = 0;
    SkipSpace(p);
    if (*p->s == '(') { /* a function */
      for (int f = 0; f < (int)(sizeof(fnames) / sizeof(fnames[0])); f++) {
        if (!strcmp(name, fnames[f])) {
          PetscInt arg, n;
          p->s++;
          arg = ParseExpr(p);
          SkipSpace(p);
          if (*p->s != ')')
            p->fail = PETSC_TRUE;
          else
            p->s++;
          n = NewNode(p, OP_FUNC, arg, -1);
          if (n >= 0) p->t->nodes[n].fn = (TapeFn)f;
          return n;
        }
      }
      p->fail = PETSC_TRUE;
      return -1;
    }
    for (PetscInt k = 0; k < p->nnames; k++) {
      if (!strcmp(name, p->names[k])) {
        PetscInt n = NewNode(p, OP_VAR, -1, -1);
        if (n >= 0) {
          p->t->nodes[n].var     = p->coord[k];
          p->t->nodes[n].isconst = PETSC_FALSE;
        }
        return n;
      }
    }
    if (!strcmp(name, "pi") || !strcmp(name, "e")) {
      PetscInt n = NewNode(p, OP_CONST, -1, -1);
      if (n >= 0) p->t->nodes[n].c = name[0] == 'p' ? PETSC_PI : PetscExpReal(1.0);
      return n;
    }
  }
  p->fail = PETSC_TRUE;
  return -1;
}

/* base ^ exponent: a constant exponent is kept as such; any other is exp(exponent log(base)). */
static PetscInt PowerNode(TapeParser *p, PetscInt base, PetscInt expo)
{
  PetscInt n;
  if (p->fail) return -1;
  if (p->t->nodes[expo].isconst && p->t->nodes[expo].op == OP_CONST) {
    n = NewNode(p, OP_POWC, base, -1);
    if (n >= 0) p->t->nodes[n].c = p->t->nodes[expo].c;
    return n;
  }
  n = NewNode(p, OP_FUNC, base, -1);
  if (n >= 0) p->t->nodes[n].fn = FN_LOG;
  n = NewNode(p, OP_MUL, expo, n);
  n = NewNode(p, OP_FUNC, n, -1);
  if (n >= 0) p->t->nodes[n].fn = FN_EXP;
  return n;
}

static PetscInt ParsePower(TapeParser *p)
{
  PetscInt v = ParsePrimary(p);
  for (;;) {
    SkipSpace(p);
    if (p->fail || *p->s != '^') return v;
    p->s++;
    SkipSpace(p);
    if (*p->s == '-') { /* x^-a^b is x^(-(a^b)) */
      PetscInt e;
      p->s++;
      e = NewNode(p, OP_NEG, ParsePower(p), -1);
      v = PowerNode(p, v, e);
    } else
      v = PowerNode(p, v, ParsePrimary(p));
  }
}

static PetscInt ParseUnary(TapeParser *p)
{
  SkipSpace(p);
  if (*p->s == '-') {
    p->s++;
    return NewNode(p, OP_NEG, ParseUnary(p), -1);
  }
  if (*p->s == '+') {
    p->s++;
    return ParseUnary(p);
  }
  return ParsePower(p);
}

static PetscInt ParseTerm(TapeParser *p)
{
  PetscInt v = ParseUnary(p);
  for (;;) {
    SkipSpace(p);
    if (p->fail || (*p->s != '*' && *p->s != '/')) return v;
    {
      const TapeOp op = *p->s == '*' ? OP_MUL : OP_DIV;
      p->s++;
      v = NewNode(p, op, v, ParseUnary(p));
    }
  }
}

static PetscInt ParseExpr(TapeParser *p)
{
  PetscInt v = ParseTerm(p);
  for (;;) {
    SkipSpace(p);
    if (p->fail || (*p->s != '+' && *p->s != '-')) return v;
    {
      const TapeOp op = *p->s == '+' ? OP_ADD : OP_SUB;
      p->s++;
      v = NewNode(p, op, v, ParseTerm(p));
    }
  }
}

PetscErrorCode PoissonTapeCreate(const char expr[], PetscInt dim, PetscInt nnames, char *const names[], const PetscInt coord[], PoissonTape *tape)
{
  PoissonTape t;
  TapeParser  p;

  PetscFunctionBegin;
  *tape = NULL;
  PetscCall(PetscNew(&t));
  t->dim = dim;
  p      = (TapeParser){expr, nnames, names, coord, t, PETSC_FALSE};
  (void)ParseExpr(&p);
  SkipSpace(&p);
  if (p.fail || *p.s || t->nnodes == 0) {
    free(t->nodes);
    PetscCall(PetscFree(t));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc1((size_t)t->nnodes * (1 + 2 * dim) * TAPE_BATCH, &t->work));
  *tape = t;
  PetscFunctionReturn(0);
}

/* g(a), g'(a), g''(a) of a function of the tape. */
static inline void FuncDerivs(TapeFn fn, PetscReal a, PetscReal *g0, PetscReal *g1, PetscReal *g2)
{
  switch (fn) {
  case FN_SIN: {
    const PetscReal s = PetscSinReal(a), c = PetscCosReal(a);
    *g0 = s, *g1 = c, *g2 = -s;
  } break;
  case FN_COS: {
    const PetscReal s = PetscSinReal(a), c = PetscCosReal(a);
    *g0 = c, *g1 = -s, *g2 = -c;
  } break;
  case FN_TAN: {
    const PetscReal t = PetscTanReal(a), s = 1 + t * t;
    *g0 = t, *g1 = s, *g2 = 2 * t * s;
  } break;
  case FN_EXP:
    *g0 = *g1 = *g2 = PetscExpReal(a);
    break;
  case FN_LOG:
    *g0 = PetscLogReal(a), *g1 = 1 / a, *g2 = -1 / (a * a);
    break;
  case FN_SQRT: {
    const PetscReal r = PetscSqrtReal(a);
    *g0 = r, *g1 = 0.5 / r, *g2 = -0.25 / (r * a);
  } break;
  case FN_SINH:
    *g0 = PetscSinhReal(a), *g1 = PetscCoshReal(a), *g2 = *g0;
    break;
  case FN_COSH:
    *g0 = PetscCoshReal(a), *g1 = PetscSinhReal(a), *g2 = *g0;
    break;
  case FN_TANH: {
    const PetscReal t = PetscTanhReal(a), s = 1 - t * t;
    *g0 = t, *g1 = s, *g2 = -2 * t * s;
  } break;
  case FN_ATAN: {
    const PetscReal s = 1 / (1 + a * a);
    *g0 = PetscAtanReal(a), *g1 = s, *g2 = -2 * a * s * s;
  } break;
  case FN_ABS:
    *g0 = PetscAbsReal(a), *g1 = a > 0 ? 1 : (a < 0 ? -1 : 0), *g2 = 0;
    break;
  }
}

/* One batch of m <= TAPE_BATCH points: every node's value and derivatives, in tape order. */
static void TapeEvaluateBatch(PoissonTape t, PetscInt m, const PetscReal x[])
{
  const PetscInt dim = t->dim, stride = (1 + 2 * dim) * TAPE_BATCH;

  for (PetscInt k = 0; k < t->nnodes; k++) {
    const TapeNode *nd = &t->nodes[k];
    PetscReal      *v = t->work + k * stride, *A = nd->a >= 0 ? t->work + nd->a * stride : NULL, *B = nd->b >= 0 ? t->work + nd->b * stride : NULL;

    for (PetscInt i = 0; i < m; i++) {
      switch (nd->op) {
      case OP_CONST:
        v[i] = nd->c;
        break;
      case OP_VAR:
        v[i] = x[i * dim + nd->var];
        break;
      case OP_NEG:
        v[i] = -A[i];
        break;
      case OP_ADD:
        v[i] = A[i] + B[i];
        break;
      case OP_SUB:
        v[i] = A[i] - B[i];
        break;
      case OP_MUL:
        v[i] = A[i] * B[i];
        break;
      case OP_DIV:
        v[i] = A[i] / B[i];
        break;
      case OP_POWC:
      case OP_FUNC: {
        PetscReal g0 = 0, g1 = 0, g2 = 0;
        if (nd->op == OP_POWC) {
          const PetscReal c = nd->c;
          if (c == 0)
            g0 = 1, g1 = 0, g2 = 0;
          else if (c == 1)
            g0 = A[i], g1 = 1, g2 = 0;
          else if (c == 2)
            g0 = A[i] * A[i], g1 = 2 * A[i], g2 = 2;
          else
            g0 = PetscPowReal(A[i], c), g1 = c * PetscPowReal(A[i], c - 1), g2 = c * (c - 1) * PetscPowReal(A[i], c - 2);
        } else
          FuncDerivs(nd->fn, A[i], &g0, &g1, &g2);
        v[i] = g0;
        /* chain rule along each direction: (g(a))' = g' a', (g(a))'' = g'' a'^2 + g' a'' */
        for (PetscInt d = 0; d < dim && !nd->isconst; d++) {
          const PetscReal a1 = A[(1 + d) * TAPE_BATCH + i], a2 = A[(1 + dim + d) * TAPE_BATCH + i];
          v[(1 + d) * TAPE_BATCH + i]       = g1 * a1;
          v[(1 + dim + d) * TAPE_BATCH + i] = g2 * a1 * a1 + g1 * a2;
        }
      } break;
      }
    }
    for (PetscInt d = 0; d < dim; d++) {
      PetscReal *v1 = v + (1 + d) * TAPE_BATCH, *v2 = v + (1 + dim + d) * TAPE_BATCH;
      if (nd->isconst) {
        for (PetscInt i = 0; i < m; i++) v1[i] = v2[i] = 0;
        continue;
      }
      switch (nd->op) {
      case OP_VAR:
        for (PetscInt i = 0; i < m; i++) v1[i] = nd->var == d ? 1 : 0, v2[i] = 0;
        break;
      case OP_NEG:
        for (PetscInt i = 0; i < m; i++) v1[i] = -A[(1 + d) * TAPE_BATCH + i], v2[i] = -A[(1 + dim + d) * TAPE_BATCH + i];
        break;
      case OP_ADD:
      case OP_SUB: {
        const PetscReal s = nd->op == OP_ADD ? 1 : -1;
        for (PetscInt i = 0; i < m; i++) v1[i] = A[(1 + d) * TAPE_BATCH + i] + s * B[(1 + d) * TAPE_BATCH + i], v2[i] = A[(1 + dim + d) * TAPE_BATCH + i] + s * B[(1 + dim + d) * TAPE_BATCH + i];
      } break;
      case OP_MUL: /* (ab)'' = a'' b + 2 a' b' + a b'' */
        for (PetscInt i = 0; i < m; i++) {
          const PetscReal a1 = A[(1 + d) * TAPE_BATCH + i], b1 = B[(1 + d) * TAPE_BATCH + i];
          v1[i] = a1 * B[i] + A[i] * b1;
          v2[i] = A[(1 + dim + d) * TAPE_BATCH + i] * B[i] + 2 * a1 * b1 + A[i] * B[(1 + dim + d) * TAPE_BATCH + i];
        }
        break;
      case OP_DIV: /* q = a/b: q' = (a' - q b')/b, q'' = (a'' - 2 q' b' - q b'')/b */
        for (PetscInt i = 0; i < m; i++) {
          const PetscReal b1 = B[(1 + d) * TAPE_BATCH + i];
          v1[i]              = (A[(1 + d) * TAPE_BATCH + i] - v[i] * b1) / B[i];
          v2[i]              = (A[(1 + dim + d) * TAPE_BATCH + i] - 2 * v1[i] * b1 - v[i] * B[(1 + dim + d) * TAPE_BATCH + i]) / B[i];
        }
        break;
      default: /* constants, functions and powers: done above */
        break;
      }
    }
  }
}

/* u, and the Laplacian (lap) or the gradient (grad, n x dim) where asked for, batch by batch from the tape's top node */
static void TapeEvaluateRows(PoissonTape t, PetscInt n, const PetscReal x[], PetscReal u[], PetscReal lap[], PetscReal grad[])
{
  const PetscInt   dim = t->dim, stride = (1 + 2 * dim) * TAPE_BATCH;
  const PetscReal *top = t->work + (t->nnodes - 1) * stride;

  for (PetscInt i0 = 0; i0 < n; i0 += TAPE_BATCH) {
    const PetscInt m = PetscMin(TAPE_BATCH, n - i0);
    TapeEvaluateBatch(t, m, x + i0 * dim);
    if (u)
      for (PetscInt i = 0; i < m; i++) u[i0 + i] = top[i];
    if (lap)
      for (PetscInt i = 0; i < m; i++) {
        PetscReal s = 0;
        for (PetscInt d = 0; d < dim; d++) s += top[(1 + dim + d) * TAPE_BATCH + i];
        lap[i0 + i] = s;
      }
    if (grad)
      for (PetscInt i = 0; i < m; i++)
        for (PetscInt d = 0; d < dim; d++) grad[(i0 + i) * dim + d] = top[(1 + d) * TAPE_BATCH + i];
  }
}

PetscErrorCode PoissonTapeEvaluate(PoissonTape t, PetscInt n, const PetscReal x[], PetscReal u[], PetscReal lap[])
{
  PetscFunctionBegin;
  TapeEvaluateRows(t, n, x, u, lap, NULL);
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonTapeEvaluateGradient(PoissonTape t, PetscInt n, const PetscReal x[], PetscReal u[], PetscReal grad[])
{
  PetscFunctionBegin;
  TapeEvaluateRows(t, n, x, u, NULL, grad);
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonTapeDestroy(PoissonTape *tape)
{
  PetscFunctionBegin;
  if (!*tape) PetscFunctionReturn(0);
  free((*tape)->nodes);
  PetscCall(PetscFree((*tape)->work));
  PetscCall(PetscFree(*tape));
  PetscFunctionReturn(0);
}
