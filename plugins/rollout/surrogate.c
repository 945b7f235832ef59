/* Rollout surrogates (see snaps/surrogate.h): load, check, encode/decode, tokens, sampling and the step. */
#include <snaps/surrogate.h>
#include <snaps/private/snaimpl.h>
#include <snaps/private/surrogateimpl.h>

PetscInt SNAPSTokenEncode(PetscInt q, const PetscReal edges[], PetscReal x)
{
  PetscInt lo = 0, hi = q; /* the bin k with edges[k] <= x < edges[k+1], by bisection over the inner edges */

  while (hi - lo > 1) {
    PetscInt mid = (lo + hi) / 2;
    if (x >= edges[mid])
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

PetscReal SNAPSTokenDecode(PetscInt q, const PetscReal edges[], PetscInt k, PetscReal u)
{
  k = PetscMax(0, PetscMin(q - 1, k));
  if (u < 0) return 0.5 * (edges[k] + edges[k + 1]);
  return edges[k] + u * (edges[k + 1] - edges[k]);
}

PetscInt SNAPSCategoricalSample(PetscInt q, const PetscReal p[], PetscReal u)
{
  PetscReal c = 0;

  for (PetscInt k = 0; k < q - 1; k++)
    if (u < (c += p[k])) return k;
  return q - 1; /* rounding of the cumulative sum: the last class takes what is left */
}

/* ---- loading ---- */

/* The /surrogate group g of file: the description, the basis and the box (the caller closes g). */
static PetscErrorCode SurrogateReadGroup(SNAPSSurrogate s, hid_t g, const char file[])
{
  hsize_t  dims[2];
  PetscInt flag;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeString(g, "kind", s->kind, sizeof(s->kind)));
  PetscCheck(!strcmp(s->kind, "deterministic") || !strcmp(s->kind, "categorical"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has surrogate kind '%s'; this SNAPS knows deterministic and categorical", file, s->kind);
  PetscCall(SNAHDF5ReadAttributeString(g, "equation", s->equation, sizeof(s->equation)));
  PetscCall(SNAHDF5ReadAttributeString(g, "field", s->field, sizeof(s->field)));
  PetscCall(SNAHDF5ReadAttributeInt(g, "npts", &s->npts));
  PetscCall(SNAHDF5ReadAttributeInt(g, "latent", &s->D));
  PetscCall(SNAHDF5ReadAttributeInt(g, "bins", &s->q));
  PetscCall(SNAHDF5ReadAttributeReal(g, "length", &s->length));
  PetscCall(SNAHDF5ReadAttributeReal(g, "dt", &s->dt));
  /* defaults for models written before these attributes existed: they all relied on the box, added the residuals as
     drawn and had no Markov heads */
  PetscCall(SNAHDF5ReadAttributeIntDefault(g, "clamp", 1, &flag));
  s->clamp = (PetscBool)(flag != 0);
  PetscCall(SNAHDF5ReadAttributeRealDefault(g, "residual_scale", 1, &s->rscale));
  PetscCheck(s->rscale >= 0 && s->rscale <= 100, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has residual_scale %g; it must be in [0, 100] (-residual_scale of snaps-rollout-fit): corrupt model", file, (double)s->rscale);
  PetscCall(SNAHDF5ReadAttributeIntDefault(g, "markov", s->markov, &flag));
  s->markov = (PetscBool)(flag != 0);
  PetscCall(SNAHDF5ReadAttributeIntDefault(g, "head_local", 0, &flag));
  s->local = (PetscBool)(flag != 0);
  PetscCheck(s->npts >= 1 && s->npts <= (1 << 26) && s->D >= 1 && s->D <= s->npts && s->D <= 4096 && s->q >= 2 && s->q <= 4096 && s->dt > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' declares implausible sizes (npts %" PetscInt_FMT ", latent %" PetscInt_FMT ", bins %" PetscInt_FMT ", dt %g): corrupt model", file, s->npts, s->D, s->q, (double)s->dt);
  dims[0] = (hsize_t)s->D;
  dims[1] = (hsize_t)s->npts;
  PetscCall(SNAPSLatentCheckBasis(g, file, s->D, s->npts));
  PetscCall(SNAHDF5CheckArray(g, "basis", 2, dims));
  PetscCall(PetscMalloc3(s->D * s->npts, &s->basis, s->npts, &s->mean, s->D * (s->q + 1), &s->edges));
  PetscCall(PetscMalloc2(s->D, &s->lower, s->D, &s->upper));
  PetscCall(SNAHDF5ReadArray(g, "basis", 2, dims, s->basis));
  PetscCall(SNAHDF5ReadArray(g, "mean", 1, dims + 1, s->mean));
  PetscCall(SNAHDF5ReadArray(g, "lower", 1, dims, s->lower));
  PetscCall(SNAHDF5ReadArray(g, "upper", 1, dims, s->upper));
  if (!strcmp(s->kind, "categorical")) {
    dims[1] = (hsize_t)(s->q + 1);
    PetscCall(SNAHDF5ReadArray(g, "edges", 2, dims, s->edges));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode SurrogateLoad_Local(SNAPSSurrogate s, const char file[])
{
  hid_t          h5, g;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAHDF5OpenReadLocal(file, "surrogate model", &h5));
  if (H5Lexists(h5, "surrogate", H5P_DEFAULT) <= 0) {
    H5Fclose(h5);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no group /surrogate: it is not a rollout surrogate (train one with snaps-rollout-fit)", file);
  }
  g    = H5Gopen2(h5, "surrogate", H5P_DEFAULT);
  ierr = SurrogateReadGroup(s, g, file); /* not PetscCall: the handles are closed first */
  H5Gclose(g);
  H5Fclose(h5);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The drifts and the heads, on PETSC_COMM_SELF of every rank: rollouts step each rank's members alone. Head i
   (categorical models) has SNAPSSurrogateHeadInputs inputs and q outputs, drift i has D inputs and one output. */
static PetscErrorCode SurrogateLoadModels(SNAPSSurrogate s, const char file[])
{
  PetscBool cat = (PetscBool)!strcmp(s->kind, "categorical");

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(s->D, &s->drift));
  if (cat) PetscCall(PetscCalloc1(s->D, &s->head));
  for (PetscInt i = 0; i < s->D; i++) {
    for (int h = 0; h < (cat ? 2 : 1); h++) {
      SNA        *sna = h ? &s->head[i] : &s->drift[i];
      char        group[64];
      PetscInt    d, q, want_d = h ? SNAPSSurrogateHeadInputs(s, i) : s->D, want_q = h ? s->q : 1;
      SNALossType loss, want_loss = h ? SNA_LOSS_CROSS_ENTROPY : SNA_LOSS_MSE;
      PetscCall(PetscSNPrintf(group, sizeof(group), "/surrogate/%s%" PetscInt_FMT "/sna", h ? "head" : "drift", i));
      PetscCall(SNACreate(PETSC_COMM_SELF, sna));
      PetscCall(SNALoadGroup(*sna, file, group));
      PetscCall(SNAGetSizes(*sna, &d, &q));
      PetscCall(SNAGetLossType(*sna, &loss));
      PetscCheck(h || d == s->D, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The drift %s of '%s' takes %" PetscInt_FMT " latent coordinates, but the model's latent size is %" PetscInt_FMT ": corrupt surrogate", group, file, d, s->D);
      PetscCheck(d == want_d && q == want_q && loss == want_loss, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The model %s of '%s' has %" PetscInt_FMT " inputs and %" PetscInt_FMT " outputs (%s loss), not %" PetscInt_FMT " and %" PetscInt_FMT " (%s): corrupt surrogate", group, file, d, q, SNALossTypes[loss], want_d, want_q, SNALossTypes[want_loss]);
    }
  }
  /* polynomial drifts of a few factors per term (Fourier latents): evaluated term by term, not as d (k + 1) M
     dense factors (on the 120 coordinates of the Kolmogorov case that made the rollout slower than the solver) */
  PetscCall(PetscCalloc1(s->D, &s->sparse));
  for (PetscInt i = 0; i < s->D; i++) PetscCall(SNAKhronosSparseCreate(s->drift[i], &s->sparse[i]));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateLoad(MPI_Comm comm, const char file[], SNAPSSurrogate *out)
{
  SNAPSSurrogate s;
  PetscErrorCode ierr, worst;
  H5E_auto2_t    func;
  void          *data;

  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  s->comm = comm;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  ierr = SurrogateLoad_Local(s, file); /* not PetscCall: every rank must agree */
  H5Eset_auto2(H5E_DEFAULT, func, data);
  PetscCall(MPIU_Allreduce(&ierr, &worst, 1, MPI_INT, MPI_MAX, comm));
  if (!worst) {
    ierr = SurrogateLoadModels(s, file);
    PetscCall(MPIU_Allreduce(&ierr, &worst, 1, MPI_INT, MPI_MAX, comm));
  }
  if (worst) PetscCall(SNAPSSurrogateDestroy(&s));
  PetscCheck(!worst, comm, PETSC_ERR_FILE_UNEXPECTED, "Loading the surrogate model '%s' failed (see the message above)", file);
  *out = s;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateDestroy(SNAPSSurrogate *sp)
{
  SNAPSSurrogate s = *sp;

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(0);
  for (PetscInt i = 0; s->sparse && i < s->D; i++) PetscCall(SNAKhronosSparseDestroy(&s->sparse[i]));
  PetscCall(PetscFree(s->sparse));
  for (PetscInt i = 0; s->drift && i < s->D; i++) PetscCall(SNADestroy(&s->drift[i]));
  for (PetscInt i = 0; s->head && i < s->D; i++) PetscCall(SNADestroy(&s->head[i]));
  PetscCall(PetscFree(s->drift));
  PetscCall(PetscFree(s->head));
  PetscCall(PetscFree3(s->basis, s->mean, s->edges));
  PetscCall(PetscFree2(s->lower, s->upper));
  PetscCall(PetscFree(s->eprev));
  PetscCall(PetscFree(*sp));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateCheckSystem(SNAPSSurrogate s, const char equation[], PetscInt npts, PetscReal length)
{
  PetscFunctionBegin;
  PetscCheck(!strcmp(s->equation, equation), s->comm, PETSC_ERR_ARG_INCOMP, "The surrogate model was trained for the equation '%s', not '%s'", s->equation, equation);
  PetscCheck(s->npts == npts, s->comm, PETSC_ERR_ARG_INCOMP, "The surrogate model was trained for %" PetscInt_FMT " grid points, but this run has %" PetscInt_FMT " (-N): train it for this grid", s->npts, npts);
  PetscCheck(PetscAbsReal(s->length - length) <= 1e-12 * PetscAbsReal(length), s->comm, PETSC_ERR_ARG_INCOMP, "The surrogate model was trained for the domain length %g, but this run has %g (-L): train it for this system", (double)s->length, (double)length);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateGetClampCount(SNAPSSurrogate s, PetscBool *clamp, PetscInt *steps, PetscInt *clamped)
{
  PetscFunctionBegin;
  if (clamp) *clamp = s->clamp;
  *steps   = s->steps;
  *clamped = s->clamped;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateGetInfo(SNAPSSurrogate s, const char **kind, PetscInt *D, PetscInt *q, PetscReal *dt)
{
  PetscFunctionBegin;
  if (kind) *kind = s->kind;
  if (D) *D = s->D;
  if (q) *q = s->q;
  if (dt) *dt = s->dt;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateEncode(SNAPSSurrogate s, const PetscReal u[], PetscReal z[])
{
  PetscFunctionBegin;
  SNAPSLatentEncode(s->D, s->npts, s->basis, s->mean, u, z);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateDecode(SNAPSSurrogate s, const PetscReal z[], PetscReal u[])
{
  PetscFunctionBegin;
  for (PetscInt j = 0; j < s->npts; j++) u[j] = s->mean[j];
  for (PetscInt i = 0; i < s->D; i++)
    for (PetscInt j = 0; j < s->npts; j++) u[j] += z[i] * s->basis[i * s->npts + j];
  PetscFunctionReturn(0);
}

void SNAPSLatentEncode(PetscInt D, PetscInt npts, const PetscReal basis[], const PetscReal mean[], const PetscReal u[], PetscReal z[])
{
  for (PetscInt i = 0; i < D; i++) {
    PetscReal s = 0;
    for (PetscInt j = 0; j < npts; j++) s += basis[i * npts + j] * (u[j] - mean[j]);
    z[i] = s;
  }
}

/* y (n x q) = sna(x) (n x d) for local rows, through Vecs that wrap the arrays. */
PetscErrorCode SNAPSEvaluateRows(SNA sna, PetscInt n, const PetscReal x[], PetscReal y[])
{
  Vec      X, Y;
  PetscInt d, q;

  PetscFunctionBegin;
  PetscCall(SNAGetSizes(sna, &d, &q));
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, d, n * d, x, &X));
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, q, n * q, y, &Y));
  PetscCall(SNAEvaluate(sna, X, Y));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateDrift(SNAPSSurrogate s, PetscInt n, const PetscReal z[], PetscReal g[])
{
  PetscReal *gi;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(PetscMax(n, 1), &gi));
  for (PetscInt i = 0; i < s->D; i++) {
    if (s->sparse && s->sparse[i])
      PetscCall(SNAKhronosSparseEvaluate(s->sparse[i], n, z, gi));
    else
      PetscCall(SNAPSEvaluateRows(s->drift[i], n, z, gi));
    for (PetscInt k = 0; k < n; k++) g[k * s->D + i] = gi[k];
  }
  PetscCall(PetscFree(gi));
  PetscFunctionReturn(0);
}

PetscInt SNAPSSurrogateHeadInputs(SNAPSSurrogate s, PetscInt i)
{
  return (s->local ? 2 + i % 2 : s->D + i) + (s->markov ? 1 : 0);
}

/* Row k of head i's inputs: z (D), the residuals e_<i already drawn (i) and, for Markov heads, the coordinate's
   residual of the step before, eprev_i (one). Local heads (-head_local: 76 coordinates at KS L = 100 make heads of
   76 to 151 inputs too costly to fit) see only the coordinate's latent pair (z_2h, z_2h+1, a complex Fourier mode),
   the residual drawn for the pair's first coordinate (odd i) and eprev_i. Training and sampling both build their
   rows here. */
void SNAPSSurrogateHeadRow(SNAPSSurrogate s, PetscInt i, const PetscReal z[], const PetscReal e[], const PetscReal eprev[], PetscReal x[])
{
  PetscInt n = 0;

  if (s->local) {
    x[n++] = z[2 * (i / 2)];
    x[n++] = z[2 * (i / 2) + 1];
    if (i % 2) x[n++] = e[i - 1];
  } else {
    for (PetscInt j = 0; j < s->D; j++) x[n++] = z[j];
    for (PetscInt j = 0; j < i; j++) x[n++] = e[j];
  }
  if (s->markov) x[n] = eprev[i];
}

/* e (n x D): the residuals drawn coordinate by coordinate from the heads, given z (n x D) and, for Markov heads,
   the residuals of the step before (s->eprev). */
static PetscErrorCode SurrogateSampleResiduals(SNAPSSurrogate s, PetscInt n, const PetscReal z[], PetscRandom rnd[], PetscReal e[])
{
  const PetscInt D = s->D, q = s->q;
  PetscReal     *x, *p;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n * (2 * D + 1), &x, n * q, &p));
  for (PetscInt i = 0; i < D; i++) {
    const PetscInt d = SNAPSSurrogateHeadInputs(s, i);
    for (PetscInt k = 0; k < n; k++) SNAPSSurrogateHeadRow(s, i, z + k * D, e + k * D, s->markov ? s->eprev + k * D : NULL, x + k * d);
    PetscCall(SNAPSEvaluateRows(s->head[i], n, x, p));
    PetscCall(SNASoftmax(n, q, p, NULL));
    for (PetscInt k = 0; k < n; k++) {
      PetscReal u1, u2;
      PetscCall(PetscRandomGetValueReal(rnd[k], &u1));
      PetscCall(PetscRandomGetValueReal(rnd[k], &u2));
      e[k * D + i] = SNAPSTokenDecode(q, s->edges + i * (q + 1), SNAPSCategoricalSample(q, p + k * q, u1), u2);
    }
  }
  PetscCall(PetscFree2(x, p));
  PetscFunctionReturn(0);
}

/* Markov models remember each state's last residual (zero before the first step): the calls must step the same n
   states in the same order. */
static PetscErrorCode SurrogateMemory(SNAPSSurrogate s, PetscInt n)
{
  PetscFunctionBegin;
  if (!s->markov) PetscFunctionReturn(0);
  if (!s->eprev) {
    PetscCall(PetscCalloc1(n * s->D, &s->eprev));
    s->nprev = n;
  }
  PetscCheck(n == s->nprev, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "This Markov surrogate stepped %" PetscInt_FMT " states before and is now given %" PetscInt_FMT ": it remembers each state's last residual, so step the same states every time (or load the model again)", s->nprev, n);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateStep(SNAPSSurrogate s, PetscInt n, PetscReal z[], PetscRandom rnd[])
{
  const PetscInt D = s->D;
  PetscReal     *g, *e;

  PetscFunctionBegin;
  if (n <= 0) PetscFunctionReturn(0);
  PetscCall(PetscCalloc2(n * D, &g, n * D, &e));
  PetscCall(SNAPSSurrogateDrift(s, n, z, g));
  if (s->head) {
    PetscCheck(rnd, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "A categorical surrogate needs a random generator per state");
    PetscCall(SurrogateMemory(s, n));
    PetscCall(SurrogateSampleResiduals(s, n, z, rnd, e));
    if (s->markov) PetscCall(PetscArraycpy(s->eprev, e, n * D));
  }
  for (PetscInt k = 0; k < n; k++) /* SNAs fitted by their own fits are constant beyond the training box: a state that
                                       left it would drift on a frozen vector field, so such models (clamp) keep the
                                       state in the box; polynomial drifts are not clamped, and only counted */
    for (PetscInt i = 0; i < D; i++) {
      const PetscReal v = z[k * D + i] + g[k * D + i] + s->rscale * e[k * D + i];
      z[k * D + i]      = s->clamp ? PetscMin(s->upper[i], PetscMax(s->lower[i], v)) : v;
      s->clamped += v < s->lower[i] || v > s->upper[i];
    }
  s->steps += n;
  PetscCall(PetscFree2(g, e));
  PetscFunctionReturn(0);
}
