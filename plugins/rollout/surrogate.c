/* Rollout surrogates (see snaps/surrogate.h): load, check, encode/decode, tokens, sampling and the step. */
#include <snaps/surrogate.h>
#include <snaps/private/snaimpl.h>
#include <snaps/private/surrogateimpl.h>
#include <snaps/private/simd.h>

/*@C
  SNAPSTokenEncode - The token (bin) of a value among q bins

  Not Collective

  Input Parameters:
+ q     - the number of bins
. edges - the q + 1 bin edges, non-decreasing
- x     - the value

  Output Parameter:
. (returned) - the bin k with edges[k] <= x < edges[k+1], found by bisection over the inner edges; values beyond the
               outer edges go to the outer bins (0 or q - 1)

  Level: developer

.seealso: SNAPSTokenDecode(), SNAPSCategoricalSample()
@*/
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

/*@C
  SNAPSTokenDecode - The value of a token (bin) among q bins

  Not Collective

  Input Parameters:
+ q     - the number of bins
. edges - the q + 1 bin edges
. k     - the bin; one outside [0, q) is taken as the nearest bin
- u     - negative: the bin's centre; else, for u in [0, 1], the point edges[k] + u (edges[k+1] - edges[k]) (a uniform
          u draws uniformly within the bin)

  Output Parameter:
. (returned) - the value

  Level: developer

.seealso: SNAPSTokenEncode(), SNAPSSurrogateStep()
@*/
PetscReal SNAPSTokenDecode(PetscInt q, const PetscReal edges[], PetscInt k, PetscReal u)
{
  k = PetscMax(0, PetscMin(q - 1, k));
  if (u < 0) return 0.5 * (edges[k] + edges[k + 1]);
  return edges[k] + u * (edges[k + 1] - edges[k]);
}

/*@C
  SNAPSCategoricalSample - Draws a class from q probabilities by inverse transform

  Not Collective

  Input Parameters:
+ q - the number of classes
. p - their probabilities (summing to 1)
- u - a uniform number in [0, 1)

  Output Parameter:
. (returned) - the first k whose cumulative sum p[0] + ... + p[k] exceeds u; q - 1 where rounding leaves none

  Level: developer

.seealso: SNAPSCategoricalSampleLogits(), SNAPSTokenDecode()
@*/
PetscInt SNAPSCategoricalSample(PetscInt q, const PetscReal p[], PetscReal u)
{
  PetscReal c = 0;

  for (PetscInt k = 0; k < q - 1; k++)
    if (u < (c += p[k])) return k;
  return q - 1; /* rounding of the cumulative sum: the last class takes what is left */
}

/* ---- loading ---- */

/* Whether row r of drift_monomials (after row prev; NULL: the first) holds integral coordinate and factors in range:
   each checked as a double before any cast, which would be undefined for huge values. */
static PetscBool MonomialRowValid(const PetscReal r[], const PetscReal prev[], PetscInt D)
{
  if (!(r[0] >= (prev ? prev[0] : 0) && r[0] < D && r[0] == PetscFloorReal(r[0]))) return PETSC_FALSE;
  for (PetscInt a = 1; a <= 2; a++)
    if (!(r[a] >= 0 && r[a] <= D && r[a] == PetscFloorReal(r[a]))) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* The number of the input pair (p, q), p <= q < m, among the m (m + 1) / 2 of QuadraticProducts. */
static inline PetscInt QuadraticPair(PetscInt m, PetscInt p, PetscInt q)
{
  return p * m - p * (p - 1) / 2 + q - p;
}

/* The input pair (*p, *q) numbered pair by QuadraticPair. */
static void QuadraticPairInputs(PetscInt m, PetscInt pair, PetscInt *p, PetscInt *q)
{
  PetscInt a = 0;

  while (a + 1 < m && QuadraticPair(m, a + 1, a + 1) <= pair) a++;
  *p = a;
  *q = pair - QuadraticPair(m, a, a) + a;
}

/* Term t of the table as its block's input pair (*pair) and its place among the block's 4 products (*slot). */
static void QuadraticTermPlace(SNAPSSurrogate s, PetscInt t, PetscInt *pair, PetscInt *slot)
{
  const PetscInt a = PetscMin(s->qa[t], s->qb[t]), b = PetscMax(s->qa[t], s->qb[t]);

  *pair = QuadraticPair(s->qm, a / 2, b / 2);
  *slot = 2 * (a % 2) + b % 2;
}

/* The 8 coefficients c of a 2 x 2 block (QuadraticBlocks; rows 0 and 1, each of x_c y_c, x_c y_s, x_s y_c, x_s y_s
   for the input pairs (x_c, x_s), (y_c, y_s)) appended as its halves on u = (x_c y_c - x_s y_s, x_c y_s + x_s y_c)
   and v = (x_c y_c + x_s y_s, x_c y_s - x_s y_c), the real and imaginary parts of the complex products
   (x_c + i x_s)(y_c + i y_s) and (x_c + i x_s)(y_c - i y_s) (QuadraticProducts): 2 coefficients per row on each,
   and a half whose 4 are all zero is left out. A complex product term of a Fourier latent's drift fills one half
   only, so the block costs 4 coefficients and 2 products instead of 8 and 4. Only counted (*nh) while s->bcoef is
   NULL: QuadraticBlocks' first pass. */
static void QuadraticHalves(SNAPSSurrogate s, PetscInt pair, const PetscReal c[], PetscInt *nh)
{
  for (PetscInt h = 0; h < 2; h++) {
    const PetscReal sg = h ? 1 : -1; /* u: c0 - c3, c1 + c2; v: c0 + c3, c1 - c2 */
    PetscReal       k[4];
    for (PetscInt r = 0; r < 2; r++) {
      k[2 * r]     = (c[4 * r] + sg * c[4 * r + 3]) / 2;
      k[2 * r + 1] = (c[4 * r + 1] - sg * c[4 * r + 2]) / 2;
    }
    if (k[0] == 0 && k[1] == 0 && k[2] == 0 && k[3] == 0) continue;
    if (s->bcoef) {
      PetscInt p, q;

      QuadraticPairInputs(s->qm, pair, &p, &q);
      s->bpair[*nh]         = 2 * pair + h;
      s->bhalf[2 * *nh]     = p;
      s->bhalf[2 * *nh + 1] = 2 * q + h;
      for (PetscInt l = 0; l < 4; l++) s->bcoef[4 * *nh + l] = k[l];
    }
    (*nh)++;
  }
}

/* The table (qstart, qa, qb, qcoef) as s->bstart, bpair, bhalf, bcoef: the inputs x = (z, 1) in pairs (x_2p,
   x_2p+1), per pair of rows (2r, 2r + 1) and pair of input pairs the 2 x 2 block of the 8 coefficients of x_2p+i
   x_2q+j (i, j = 0, 1) in both rows, stored as its halves (QuadraticHalves) in ascending pair order, whatever the
   table's order. A Fourier latent's pairs are its complex modes, so the Kolmogorov case's 55552 terms make 7057
   blocks (98% full) and 7607 halves (the long mode's 128024 terms, 17407): QuadraticRows reads 4 coefficients, 2
   products and an index per 8 terms (QuadraticRowsAVX2: 4 coefficients and 2 indices), where the term-by-term
   evaluation read 3 numbers per term (its bound: 26 us per step). Any table fits (an odd count of inputs or rows is
   padded with zeros); the rounding is not the term-by-term sum's. */
static PetscErrorCode QuadraticBlocks(SNAPSSurrogate s)
{
  const PetscInt D = s->D, R = (D + 1) / 2, M = (D + 2) / 2, npair = M * (M + 1) / 2;
  PetscInt      *where, *ids, nh = 0;
  PetscReal     *c;

  PetscFunctionBegin;
  PetscCall(PetscFree(s->bstart));
  PetscCall(PetscFree3(s->bpair, s->bhalf, s->bcoef));
  s->qm = M;
  PetscCall(PetscMalloc1(R + 1, &s->bstart));
  PetscCall(PetscMalloc3(npair, &where, npair, &ids, 8 * npair, &c));
  for (PetscInt j = 0; j < npair; j++) where[j] = -1;
  for (int pass = 0; pass < 2; pass++) { /* count the halves, then fill them */
    nh = 0;
    for (PetscInt r = 0; r < R; r++) {
      PetscInt n   = 0, pair, slot;
      s->bstart[r] = nh;
      for (PetscInt i = 2 * r; i < PetscMin(2 * r + 2, D); i++)
        for (PetscInt t = s->qstart[i]; t < s->qstart[i + 1]; t++) {
          QuadraticTermPlace(s, t, &pair, &slot);
          if (where[pair] < 0) {
            where[pair] = n;
            ids[n++]    = pair;
            PetscCall(PetscArrayzero(c + 8 * pair, 8));
          }
          c[8 * pair + 4 * (i % 2) + slot] += s->qcoef[t];
        }
      PetscCall(PetscSortInt(n, ids));
      for (PetscInt j = 0; j < n; j++) {
        QuadraticHalves(s, ids[j], c + 8 * ids[j], &nh);
        where[ids[j]] = -1;
      }
    }
    s->bstart[R] = nh;
    if (!pass) PetscCall(PetscMalloc3(PetscMax(nh, 1), &s->bpair, 2 * PetscMax(nh, 1), &s->bhalf, 4 * PetscMax(nh, 1), &s->bcoef));
  }
  PetscCall(PetscFree3(where, ids, c));
  PetscFunctionReturn(0);
}

/* The table's rows (nt x 4, checked) into s->qstart, qa, qb, qcoef. */
static PetscErrorCode MonomialTableFromRows(SNAPSSurrogate s, PetscInt nt, const PetscReal rows[], const char file[])
{
  const PetscInt D = s->D;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(D + 1, &s->qstart));
  PetscCall(PetscMalloc3(nt, &s->qa, nt, &s->qb, nt, &s->qcoef));
  for (PetscInt t = 0; t < nt; t++) {
    const PetscReal *r = rows + 4 * t;
    PetscCheck(MonomialRowValid(r, t ? r - 4 : NULL, D), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': row %" PetscInt_FMT " of drift_monomials (%g, %g, %g) is not a coordinate in ascending order below %" PetscInt_FMT " and two factors in [0, %" PetscInt_FMT "]: corrupt model", file, t, (double)r[0], (double)r[1], (double)r[2], D, D);
    s->qstart[(PetscInt)r[0] + 1]++;
    s->qa[t]    = (PetscInt)r[1];
    s->qb[t]    = (PetscInt)r[2];
    s->qcoef[t] = r[3];
  }
  for (PetscInt i = 0; i < D; i++) s->qstart[i + 1] += s->qstart[i];
  PetscCall(QuadraticBlocks(s));
  PetscFunctionReturn(0);
}

/* The drifts as their monomials (attribute drift_monomials = nt and the nt x 4 array drift_monomials of rows
   coordinate i, factors a and b (D: the factor 1), coefficient, by coordinate) and the drift SNAs' input box
   (drift_box, 2 x D: lower, upper), where snaps-rollout-fit stored them: the table of SNAPSSurrogateQuadratic
   without reading the drift SNAs, which take most of such a file. A table stored without its box (written before
   the table clamped its inputs) is not used: the SNAs are read and the table rebuilt from them with their box, so
   such a file rolls out as its SNAs evaluate. */
static PetscErrorCode SurrogateReadMonomials(SNAPSSurrogate s, hid_t g, const char file[])
{
  const PetscInt D = s->D;
  PetscInt       nt;
  PetscInt64     most = (PetscInt64)D * (1 + D + (PetscInt64)D * D); /* D coordinates of 1 + D + D^2 terms; 64 bits: D <= 4096 */
  hsize_t        dims[2];
  PetscReal     *rows;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeIntDefault(g, "drift_monomials", 0, &nt)); /* 0: models without the table */
  /* without the table or its box the SNAs must be there (SurrogateReadGroup) */
  if (!nt || H5Lexists(g, "drift_box", H5P_DEFAULT) <= 0 || H5Lexists(g, "drift_monomials", H5P_DEFAULT) <= 0) PetscFunctionReturn(0);
  PetscCheck(nt > 0 && (PetscInt64)nt <= most, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' declares %" PetscInt_FMT " drift monomials for %" PetscInt_FMT " latent coordinates: corrupt model (train it again with snaps-rollout-fit)", file, nt, D);
  dims[0] = 2;
  dims[1] = (hsize_t)D;
  PetscCall(PetscMalloc1(2 * D, &s->qlo)); /* qhi is its second row */
  s->qhi = s->qlo + D;
  PetscCall(SNAHDF5ReadArray(g, "drift_box", 2, dims, s->qlo));
  for (PetscInt p = 0; p < D; p++) PetscCheck(s->qlo[p] < s->qhi[p], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': drift_box gives coordinate %" PetscInt_FMT " the interval [%g, %g], which is empty: corrupt model (train it again with snaps-rollout-fit)", file, p, (double)s->qlo[p], (double)s->qhi[p]);
  dims[0] = (hsize_t)nt;
  dims[1] = 4;
  PetscCall(SNAHDF5CheckArray(g, "drift_monomials", 2, dims));
  PetscCall(PetscMalloc1(4 * nt, &rows));
  ierr = SNAHDF5ReadArray(g, "drift_monomials", 2, dims, rows); /* not PetscCall: rows is freed first */
  if (!ierr) ierr = MonomialTableFromRows(s, nt, rows, file);
  PetscCall(PetscFree(rows));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The forcing amplitude of the model, where recorded. A forced (Kolmogorov) model written before it was recorded is
   taken to have snaps-kolmogorov's default amplitude 1, which every such model of this project was trained at: runs
   at that amplitude keep using it, and a run at another amplitude is refused (saying that 1 was assumed) rather than
   rolled out with a drift of another forcing. Models recording no forcing at all (forcing_wavenumber absent) are
   not checked. */
static PetscErrorCode SurrogateReadAmplitude(SNAPSSurrogate s, hid_t g)
{
  PetscFunctionBegin;
  s->famp_recorded = (PetscBool)(H5Aexists(g, "forcing_amplitude") > 0);
  PetscCall(SNAHDF5ReadAttributeRealDefault(g, "forcing_amplitude", s->forcing > 0 ? 1 : 0, &s->famp));
  PetscFunctionReturn(0);
}

/* The drift's form (attribute drift_form: map, the increment over dt, as in models written before it existed; rate,
   the vector field that a step integrates by drift_substeps RK4 steps). */
static PetscErrorCode SurrogateReadDriftForm(SNAPSSurrogate s, hid_t g, const char file[])
{
  char form[16];

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeStringDefault(g, "drift_form", "map", form, sizeof(form)));
  PetscCheck(!strcmp(form, "map") || !strcmp(form, "rate"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has drift_form '%s'; this SNAPS knows map and rate (-drift_form of snaps-rollout-fit): corrupt model", file, form);
  s->rate = (PetscBool)!strcmp(form, "rate");
  PetscCall(SNAHDF5ReadAttributeIntDefault(g, "drift_substeps", 1, &s->substeps));
  PetscCheck(s->substeps >= 1 && s->substeps <= 1000, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has drift_substeps %" PetscInt_FMT "; it must be in [1, 1000] (-drift_substeps of snaps-rollout-fit): corrupt model", file, s->substeps);
  PetscFunctionReturn(0);
}

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
  PetscCall(SNAHDF5ReadAttributeRealDefault(g, "nu", -1, &s->nu)); /* -1: not recorded, not checked */
  PetscCall(SNAHDF5ReadAttributeRealDefault(g, "alpha", -1, &s->alpha));
  PetscCall(SNAHDF5ReadAttributeIntDefault(g, "forcing_wavenumber", -1, &s->forcing));
  PetscCall(SurrogateReadAmplitude(s, g));
  PetscCall(SurrogateReadDriftForm(s, g, file));
  PetscCall(SNAHDF5ReadAttributeIntDefault(g, "head_local", 0, &flag));
  s->local = (PetscBool)(flag != 0);
  PetscCheck(!s->local || (s->D % 2 == 0 && !strcmp(s->kind, "categorical")), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has head_local %" PetscInt_FMT " with latent size %" PetscInt_FMT " and kind %s: local heads need (cos, sin) pairs and a categorical model: corrupt model (train it again with snaps-rollout-fit)", file, flag, s->D, s->kind);
  PetscCheck(s->npts >= 1 && s->npts <= (1 << 26) && s->D >= 1 && s->D <= s->npts && s->D <= 4096 && s->q >= 2 && s->q <= 4096 && s->dt >= 1e-12 && s->dt <= 1e6, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' declares implausible sizes (npts %" PetscInt_FMT ", latent %" PetscInt_FMT ", bins %" PetscInt_FMT ", dt %g): corrupt model", file, s->npts, s->D, s->q, (double)s->dt);
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
  /* an empty box pins a clamped coordinate to its upper end; edges out of order scramble the decoded residuals */
  for (PetscInt p = 0; p < s->D; p++) PetscCheck(s->lower[p] <= s->upper[p], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': the training box (lower, upper) of coordinate %" PetscInt_FMT " is [%g, %g], which is empty: corrupt model (train it again with snaps-rollout-fit)", file, p, (double)s->lower[p], (double)s->upper[p]);
  if (!strcmp(s->kind, "categorical")) {
    dims[1] = (hsize_t)(s->q + 1);
    PetscCall(SNAHDF5ReadArray(g, "edges", 2, dims, s->edges));
    for (PetscInt i = 0; i < s->D; i++)
      for (PetscInt b = 0; b < s->q; b++) PetscCheck(s->edges[i * (s->q + 1) + b] <= s->edges[i * (s->q + 1) + b + 1], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': the bin edges of coordinate %" PetscInt_FMT " decrease (edge %" PetscInt_FMT " is %g, edge %" PetscInt_FMT " is %g): corrupt model (train it again with snaps-rollout-fit)", file, i, b, (double)s->edges[i * (s->q + 1) + b], b + 1, (double)s->edges[i * (s->q + 1) + b + 1]);
  }
  PetscCall(SurrogateReadMonomials(s, g, file));
  /* snaps-rollout-fit writes quadratic drifts as their table alone (unless -save_drift_snas): without a usable table
     the SNAs must be there */
  PetscCheck(s->qstart || H5Lexists(g, "drift0", H5P_DEFAULT) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' holds neither its drift's table of monomials (/surrogate/drift_monomials with drift_box) nor the drift SNAs (/surrogate/drift0 ...): corrupt model (train it again with snaps-rollout-fit)", file);
  PetscCall(SNAPSLatentFourierPlan(s));
  PetscFunctionReturn(0);
}

/* Appends the terms of the polynomial (nt monomials, exps nt x D) to the quadratic table as (a, b) pairs, index D
   standing for the factor 1; *ok false (and nothing appended) where a monomial has degree 3 or more. */
static PetscErrorCode QuadraticAppend(SNAPSSurrogate s, PetscInt nt, const PetscInt exps[], const PetscReal coef[], PetscInt *n, PetscBool *ok)
{
  const PetscInt D = s->D;

  PetscFunctionBegin;
  *ok = PETSC_TRUE;
  for (PetscInt m = 0; m < nt; m++) {
    PetscInt deg = 0, f[2] = {D, D};
    for (PetscInt p = 0; p < D; p++)
      for (PetscInt e = 0; e < exps[m * D + p]; e++, deg++)
        if (deg < 2) f[deg] = p;
    if (deg > 2) {
      *ok = PETSC_FALSE;
      PetscFunctionReturn(0);
    }
    s->qa[*n + m]    = f[0];
    s->qb[*n + m]    = f[1];
    s->qcoef[*n + m] = coef[m];
  }
  *n += nt;
  PetscFunctionReturn(0);
}

/* The input box of the drift SNAs into s->qlo, s->qhi (allocated here) where all D share one (the polynomial
   drifts of snaps-rollout-fit do: the training box widened by -drift_box_margin); *ok false otherwise, where the
   table, which clamps each input once for all coordinates, cannot evaluate as the SNAs do. */
static PetscErrorCode QuadraticBox(SNAPSSurrogate s, PetscBool *ok)
{
  const PetscInt   D = s->D;
  const PetscReal *lo, *hi;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(2 * D, &s->qlo));
  s->qhi = s->qlo + D;
  PetscCall(SNAGetBounds(s->drift[0], &lo, &hi));
  *ok = (PetscBool)(lo && hi);
  if (!*ok) PetscFunctionReturn(0);
  PetscCall(PetscArraycpy(s->qlo, lo, D));
  PetscCall(PetscArraycpy(s->qhi, hi, D));
  for (PetscInt i = 1; i < D && *ok; i++) {
    PetscCall(SNAGetBounds(s->drift[i], &lo, &hi));
    for (PetscInt p = 0; p < D && *ok; p++) *ok = (PetscBool)(lo && hi && lo[p] == s->qlo[p] && hi[p] == s->qhi[p]);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateQuadratic(SNAPSSurrogate s)
{
  PetscInt  n = 0, cap = 0;
  PetscBool ok = PETSC_TRUE;

  PetscFunctionBegin;
  if (s->qstart) PetscFunctionReturn(0);
  PetscCall(QuadraticBox(s, &ok));
  if (!ok) {
    PetscCall(PetscFree(s->qlo));
    s->qhi = NULL;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc1(s->D + 1, &s->qstart));
  s->qstart[0] = 0;
  for (PetscInt i = 0; i < s->D && ok; i++) {
    PetscInt   nt;
    PetscInt  *exps;
    PetscReal *coef;
    PetscCall(SNAKhronosGetPolynomial(s->drift[i], &ok, &nt, &exps, &coef));
    if (!ok) break;
    if (n + nt > cap) { /* grow geometrically */
      PetscInt  *a, *b;
      PetscReal *c;
      cap = PetscMax(2 * cap, n + nt);
      PetscCall(PetscMalloc3(cap, &a, cap, &b, cap, &c));
      PetscCall(PetscArraycpy(a, s->qa, n));
      PetscCall(PetscArraycpy(b, s->qb, n));
      PetscCall(PetscArraycpy(c, s->qcoef, n));
      PetscCall(PetscFree3(s->qa, s->qb, s->qcoef));
      s->qa    = a;
      s->qb    = b;
      s->qcoef = c;
    }
    PetscCall(QuadraticAppend(s, nt, exps, coef, &n, &ok));
    PetscCall(PetscFree2(exps, coef));
    s->qstart[i + 1] = n;
  }
  if (!ok) {
    PetscCall(PetscFree(s->qstart));
    PetscCall(PetscFree3(s->qa, s->qb, s->qcoef));
    PetscCall(PetscFree(s->qlo));
    s->qhi = NULL;
  } else
    PetscCall(QuadraticBlocks(s));
  PetscFunctionReturn(0);
}

/* A workspace of at least need reals in *w (*nw: its size), kept between calls: a rollout steps thousands of times
   with the same sizes, and allocating per step cost as much as the step itself. Its contents are not kept. */
static PetscErrorCode SurrogateWork(PetscInt need, PetscReal **w, PetscInt *nw)
{
  PetscFunctionBegin;
  if (need <= *nw) PetscFunctionReturn(0);
  PetscCall(PetscFree(*w));
  *nw = 0; /* a failed allocation must not leave the old size beside the NULL buffer */
  PetscCall(PetscMalloc1(need, w));
  *nw = need;
  PetscFunctionReturn(0);
}

/* P (4 m (m + 1) / 2) = per input pair p <= q < m (numbered by QuadraticPair) the real and imaginary parts of
   (x_2p + i x_2p+1)(x_2q + i x_2q+1) and of (x_2p + i x_2p+1)(x_2q - i x_2q+1) (QuadraticHalves). */
static void QuadraticProducts(PetscInt m, const PetscReal x[], PetscReal P[])
{
  for (PetscInt p = 0; p < m; p++) {
    const PetscReal xc = x[2 * p], xs = x[2 * p + 1];
    for (PetscInt q = p; q < m; q++, P += 4) {
      const PetscReal cc = xc * x[2 * q], cs = xc * x[2 * q + 1], sc = xs * x[2 * q], ss = xs * x[2 * q + 1];
      P[0] = cc - ss;
      P[1] = cs + sc;
      P[2] = cc + ss;
      P[3] = cs - sc;
    }
  }
}

/* g (2 per row pair) = the halves of QuadraticBlocks times the products P, for one state: the portable kernel. Two
   halves at a time into separate sums (4 chains of 2-wide additions), so the additions' latency does not bound the
   loop as one chain per row did; the sums are added in a fixed order at the end. */
static void QuadraticRows(SNAPSSurrogate s, const PetscReal P[], PetscReal g[])
{
  for (PetscInt r = 0; r < (s->D + 1) / 2; r++) {
    const PetscInt end   = s->bstart[r + 1];
    PetscInt       j     = s->bstart[r];
    PetscReal      a0[2] = {0, 0}, a1[2] = {0, 0}, b0[2] = {0, 0}, b1[2] = {0, 0};
    for (; j + 1 < end; j += 2) {
      const PetscReal *p = P + 2 * s->bpair[j], *q = P + 2 * s->bpair[j + 1], *c = s->bcoef + 4 * j;
      for (PetscInt l = 0; l < 2; l++) {
        a0[l] += c[l] * p[l];
        a1[l] += c[2 + l] * p[l];
        b0[l] += c[4 + l] * q[l];
        b1[l] += c[6 + l] * q[l];
      }
    }
    if (j < end) {
      const PetscReal *p = P + 2 * s->bpair[j], *c = s->bcoef + 4 * j;
      for (PetscInt l = 0; l < 2; l++) {
        a0[l] += c[l] * p[l];
        a1[l] += c[2 + l] * p[l];
      }
    }
    g[2 * r]     = (a0[0] + a0[1]) + (b0[0] + b0[1]);
    g[2 * r + 1] = (a1[0] + a1[1]) + (b1[0] + b1[1]);
  }
}

#if defined(SNAPS_AVX2)
#define SURROGATE_LANES 4 /* one AVX2 vector of states */

/* u = the product of half b (b[0] = p, b[1] = 2 q + h; QuadraticHalves) from the inputs x (2 qm x SURROGATE_LANES,
   lane fastest), as QuadraticProducts makes it: (x_2p + i x_2p+1)(x_2q + i x_2q+1) for h = 0, (x_2p + i x_2p+1)(x_2q
   - i x_2q+1) for h = 1, written as cc + sg ss and cs - sg sc with sg = -1, 1, the same bits as cc - ss and cs + sc
   (a product by -1 is exact). */
__attribute__((target("avx2"), always_inline)) static inline void QuadraticHalfProducts(const PetscReal x[], const PetscInt b[], SNAPSV4 u[2])
{
  const PetscReal *xp = x + 2 * SURROGATE_LANES * b[0], *yp = x + 2 * SURROGATE_LANES * (b[1] / 2);
  const SNAPSV4    xc = SNAPSLoadV4(xp), xs = SNAPSLoadV4(xp + SURROGATE_LANES), yc = SNAPSLoadV4(yp), ys = SNAPSLoadV4(yp + SURROGATE_LANES);
  const SNAPSV4    cc = xc * yc, cs = xc * ys, sc = xs * yc, ss = xs * ys;
  const PetscReal  sg = b[1] % 2 ? 1 : -1;

  u[0] = cc + sg * ss;
  u[1] = cs - sg * sc;
}

/* QuadraticRows for SURROGATE_LANES states at once, g (2 per row pair x SURROGATE_LANES), from their inputs x:
   each lane does QuadraticRows' arithmetic in its order, with the products made where they are used from x (in the
   L1 cache) instead of read from QuadraticProducts' table (0.47 MB for 4 states of the long mode, which pushed the
   coefficients out of the L2 cache). AVX2 only, for its 4-wide vectors: without them, making the products twice
   costs more than the table (1.5 times the portable kernel's time). Not "fma", and this file is compiled with
   -ffp-contract=off (plugins/CMakeLists.txt): fused multiply-adds would round differently, and a state's bits would
   depend on the CPU. */
__attribute__((target("avx2"))) static void QuadraticRowsAVX2(SNAPSSurrogate s, const PetscReal x[], PetscReal g[])
{
  const SNAPSV4 zero = {0, 0, 0, 0};

  for (PetscInt r = 0; r < (s->D + 1) / 2; r++) {
    const PetscInt end   = s->bstart[r + 1];
    PetscInt       j     = s->bstart[r];
    SNAPSV4        a0[2] = {zero, zero}, a1[2] = {zero, zero}, b0[2] = {zero, zero}, b1[2] = {zero, zero}, u[2], v[2], g0, g1;

    for (; j + 1 < end; j += 2) {
      const PetscReal *c = s->bcoef + 4 * j;
      QuadraticHalfProducts(x, s->bhalf + 2 * j, u);
      QuadraticHalfProducts(x, s->bhalf + 2 * j + 2, v);
      for (PetscInt l = 0; l < 2; l++) {
        a0[l] += c[l] * u[l];
        a1[l] += c[2 + l] * u[l];
        b0[l] += c[4 + l] * v[l];
        b1[l] += c[6 + l] * v[l];
      }
    }
    if (j < end) {
      const PetscReal *c = s->bcoef + 4 * j;
      QuadraticHalfProducts(x, s->bhalf + 2 * j, u);
      for (PetscInt l = 0; l < 2; l++) {
        a0[l] += c[l] * u[l];
        a1[l] += c[2 + l] * u[l];
      }
    }
    g0 = (a0[0] + a0[1]) + (b0[0] + b0[1]);
    g1 = (a1[0] + a1[1]) + (b1[0] + b1[1]);
    memcpy(g + 2 * r * SURROGATE_LANES, &g0, sizeof(g0));
    memcpy(g + (2 * r + 1) * SURROGATE_LANES, &g1, sizeof(g1));
  }
}
#endif

/* ---- the heads' draws: a class from logits ---- */

/* e^x for x <= 0 to within about 1 ulp, with no libm call, so that the bins' exponentials vectorise: x = n ln 2 + r,
   |r| <= ln 2 / 2 (Cody and Waite's split of ln 2: n ln2hi is exact for |n| < 2^21), e^r by its Taylor polynomial of
   degree 13 (truncation below 1e-17 relative), times 2^n made in the exponent's bits (n + 1023 from the bits of
   n + 1.5 2^52); 0 below -708 (e^x leaves the normal doubles at -708.4) and for NaN, computed from 0 there so that
   no floating-point exception is raised. SurrogateExpAVX2 does the same operations in the same order on 4 lanes:
   the same bits. */
#define SURROGATE_EXP_MIN        (-708.0)
#define SURROGATE_EXP_SHIFT      0x1.8p52              /* 1.5 2^52: its ulp is 1, so t - SHIFT is x log2(e) rounded */
#define SURROGATE_EXP_BITS       0x4338000000000000ull /* the bits of SURROGATE_EXP_SHIFT */
#define SURROGATE_LOG2E          0x1.71547652b82fep0
#define SURROGATE_LN2HI          0x1.62e42feep-1 /* 6.93147180369123816490e-01, 32 significant bits */
#define SURROGATE_LN2LO          0x1.a39ef35793c76p-33
#define SURROGATE_EXP_POLY(r, p) /* p = sum_{k <= 13} r^k / k!, by Horner's rule from the top */ \
  do {                                                                                           \
    p = 1.6059043836821613e-10 * (r) + 2.08767569878681e-09;                                     \
    p = p * (r) + 2.505210838544172e-08;                                                         \
    p = p * (r) + 2.755731922398589e-07;                                                         \
    p = p * (r) + 2.7557319223985893e-06;                                                        \
    p = p * (r) + 2.48015873015873e-05;                                                          \
    p = p * (r) + 1.984126984126984e-04;                                                         \
    p = p * (r) + 1.388888888888889e-03;                                                         \
    p = p * (r) + 8.333333333333333e-03;                                                         \
    p = p * (r) + 4.1666666666666664e-02;                                                        \
    p = p * (r) + 1.6666666666666666e-01;                                                        \
    p = p * (r) + 0.5;                                                                           \
    p = p * (r) + 1.0;                                                                           \
    p = p * (r) + 1.0;                                                                           \
  } while (0)

static inline PetscReal SurrogateExp(PetscReal x)
{
  const PetscReal xc = x >= SURROGATE_EXP_MIN ? x : 0; /* -inf or a huge gap would raise FE_INVALID or FE_OVERFLOW */
  const PetscReal t = xc * SURROGATE_LOG2E + SURROGATE_EXP_SHIFT, n = t - SURROGATE_EXP_SHIFT;
  const PetscReal r = (xc - n * SURROGATE_LN2HI) - n * SURROGATE_LN2LO;
  PetscReal       p, scale;
  uint64_t        b;

  SURROGATE_EXP_POLY(r, p);
  memcpy(&b, &t, sizeof(b));
  b = (b - SURROGATE_EXP_BITS + 1023) << 52;
  memcpy(&scale, &b, sizeof(scale));
  return x >= SURROGATE_EXP_MIN ? p * scale : 0;
}

#if defined(SNAPS_AVX2)
/* l[j] = e^(l[j] - mx) for the first 4 floor(q / 4) of the q logits, as SurrogateExp does; returns how many it did */
__attribute__((target("avx2"))) static PetscInt SurrogateExpAVX2(PetscInt q, PetscReal l[], PetscReal mx)
{
  PetscInt j = 0;

  for (; j + SURROGATE_LANES <= q; j += SURROGATE_LANES) {
    const SNAPSV4 x    = SNAPSLoadV4(l + j) - mx;
    const SNAPSU4 keep = (SNAPSU4)(x >= SURROGATE_EXP_MIN); /* all ones where x >= -708, as a comparison makes */
    const SNAPSV4 xc = (SNAPSV4)((SNAPSU4)x & keep), t = xc * SURROGATE_LOG2E + SURROGATE_EXP_SHIFT, n = t - SURROGATE_EXP_SHIFT;
    const SNAPSV4 r = (xc - n * SURROGATE_LN2HI) - n * SURROGATE_LN2LO;
    SNAPSV4       p, v;

    SURROGATE_EXP_POLY(r, p);
    v = p * (SNAPSV4)(((SNAPSU4)t - SURROGATE_EXP_BITS + 1023) << 52);
    v = (SNAPSV4)((SNAPSU4)v & keep);
    memcpy(l + j, &v, sizeof(v));
  }
  return j;
}
#endif

/*@
  SNAPSCategoricalSampleLogits - Draws a class from q logits (unnormalised log-probabilities) with a uniform number u
  in [0, 1), as SNAPSCategoricalSample() does from their softmax, by the inverse transform over the weights
  e^(l_j - max l)

  Not Collective

  Input Parameters:
+ q - the number of classes (q >= 1)
- u - the uniform number

  Input/Output Parameter:
. l - the q logits, overwritten by their weights (0 for a NaN logit)

  Output:
  The class drawn, in [0, q); q - 1 where a logit is NaN, as SNAPSCategoricalSample() gives for the softmax's
  probabilities then (all NaN)

  Level: developer

  Note:
  The weights come from SNAPS's own exponential (about 1 ulp; vectorised with AVX2 where the CPU has it, with the same
  bits), without the softmax's q divisions and libm's exponentials: they differ from SNASoftmax()'s probabilities by
  rounding only, so the class differs from SNAPSCategoricalSample()'s only where u falls within a few ulp of a class's
  edge. Categorical surrogates draw their residuals' bins so (SNAPSSurrogateStep()).

.seealso: `SNAPSCategoricalSample()`, `SNASoftmax()`, `SNAPSSurrogateStep()`
@*/
PetscInt SNAPSCategoricalSampleLogits(PetscInt q, PetscReal l[], PetscReal u)
{
  PetscReal mx = l[0], sum = 0, c = 0, target;
  PetscInt  j   = 0;
  PetscBool nan = PetscIsNanReal(l[0]);

  for (PetscInt k = 1; k < q; k++) {
    mx = PetscMax(mx, l[k]);
    if (PetscIsNanReal(l[k])) nan = PETSC_TRUE;
  }
#if defined(SNAPS_AVX2)
  if (SNAPSHasAVX2()) j = SurrogateExpAVX2(q, l, mx);
#endif
  for (; j < q; j++) l[j] = SurrogateExp(l[j] - mx);
  if (nan) return q - 1; /* as SNAPSCategoricalSample from the softmax of a NaN logit, all NaN: a broken head */
  for (PetscInt k = 0; k < q; k++) sum += l[k];
  target = u * sum;
  for (PetscInt k = 0; k < q - 1; k++)
    if (target < (c += l[k])) return k;
  return q - 1;
}

/* The kernel QuadraticDrift runs: AVX2 where allowed and the CPU has it. */
static PetscBool SurrogateUsesAVX2(SNAPSSurrogate s)
{
  return (PetscBool)(s->simd && SNAPSHasAVX2()); /* PETSC_FALSE without SNAPS_AVX2 */
}

/* g (n x D) = the quadratic drifts at z (n x D) from the table of SurrogateQuadratic, each input clamped to the
   drift SNAs' box as their B-splines clamp it: the table is the SNAs' value everywhere, in the box and out. Evaluated
   by the halves of 2 x 2 blocks (QuadraticBlocks), state by state from the complex products of all input pairs
   (QuadraticProducts, QuadraticRows), or with AVX2 4 states at a time (QuadraticRowsAVX2; a group of 3 repeats its
   last state in the spare lane, and the last 1 or 2 states take the portable kernel): 0.47 to 0.59 of the portable
   kernel's stepping time for the long mode's twins on 1 rank (cases/kolmogorov-surrogate/README.md, "Cost"). The same
   bits either way, for a state alone or in an ensemble (SNAPSSurrogateSetSIMD). Not BLAS: the table is 6% of the dense
   matrix of all products (a dgemv would do 16 times the work). */
static PetscErrorCode QuadraticDrift(SNAPSSurrogate s, PetscInt n, const PetscReal z[], PetscReal g[])
{
  const PetscInt D = s->D, M = s->qm;
  PetscInt       k0 = 0;
  PetscReal     *x, *P, *gr;

  PetscFunctionBegin;
  /* the larger of the AVX2 layout (x and gr, 2 M x 4 each) and the portable one (x, P and gr) */
  PetscCall(SurrogateWork(PetscMax(16 * M, 2 * M + 2 * M * (M + 1) + 2 * M), &s->qwork, &s->nqwork));
#if defined(SNAPS_AVX2)
  if (SurrogateUsesAVX2(s)) {
    enum { L = SURROGATE_LANES };
    x  = s->qwork;
    gr = x + 2 * M * L;
    for (PetscInt p = D; p < 2 * M; p++)
      for (PetscInt k = 0; k < L; k++) x[p * L + k] = p == D ? 1 : 0; /* the factor 1, and a zero where D + 1 is odd */
    /* groups of 3 or 4; the last 1 or 2 states take the portable kernel below: half a vector costs more */
    for (; n - k0 >= L - 1; k0 += L) {
      const PetscInt nk = PetscMin(L, n - k0);
      for (PetscInt p = 0; p < D; p++)
        for (PetscInt k = 0; k < L; k++) x[p * L + k] = PetscMin(s->qhi[p], PetscMax(s->qlo[p], z[(k0 + PetscMin(k, nk - 1)) * D + p]));
      QuadraticRowsAVX2(s, x, gr);
      for (PetscInt k = 0; k < nk; k++)
        for (PetscInt i = 0; i < D; i++) g[(k0 + k) * D + i] = gr[i * L + k];
    }
  }
#endif
  x  = s->qwork;
  P  = x + 2 * M;
  gr = P + 2 * M * (M + 1);
  for (PetscInt p = D; p < 2 * M; p++) x[p] = p == D ? 1 : 0; /* the factor 1, and a zero where D + 1 is odd */
  for (PetscInt k = PetscMin(k0, n); k < n; k++) {
    for (PetscInt p = 0; p < D; p++) x[p] = PetscMin(s->qhi[p], PetscMax(s->qlo[p], z[k * D + p]));
    QuadraticProducts(M, x, P);
    QuadraticRows(s, P, gr);
    PetscCall(PetscArraycpy(g + k * D, gr, D));
  }
  PetscFunctionReturn(0);
}

/* Whether every head is a khronos SNA, evaluated then by SNAKhronosEvaluateRows (hwork: 2 M reals of the head with
   the most modes M), else by SNAPSEvaluateRows. The 168 heads of the Kolmogorov long mode are small (2 or 3
   inputs, 8 modes, 16 bins): Vecs created per call cost as much as their arithmetic, and Vecs kept between steps
   still about 8% of it (cases/kolmogorov-surrogate/README.md, "Cost"); arrays need neither. */
static PetscErrorCode SurrogateHeadRows(SNAPSSurrogate s)
{
  PetscInt M = 0;

  PetscFunctionBegin;
  s->hrows = PETSC_TRUE;
  for (PetscInt i = 0; i < s->D && s->hrows; i++) {
    PetscInt modes;
    PetscCall(PetscObjectTypeCompare((PetscObject)s->head[i], SNAKHRONOS, &s->hrows));
    if (!s->hrows) break;
    /* modes only: asking for nodes refuses heads with a node count per input (-head_sna_khronos_nodes 4,6,...) */
    PetscCall(SNAKhronosGetBasis(s->head[i], NULL, NULL, &modes));
    M = PetscMax(M, modes);
  }
  if (s->hrows) PetscCall(PetscMalloc1(2 * PetscMax(M, 1), &s->hwork));
  PetscFunctionReturn(0);
}

/* The drifts and the heads, on PETSC_COMM_SELF of every rank: rollouts step each rank's members alone. Head i
   (categorical models) has SNAPSSurrogateHeadInputs inputs and q outputs, drift i has D inputs and one output. Read
   from the open file h5, not by SNALoadGroup: that opens the file once per model, 168 times in the Kolmogorov long
   mode. */
static PetscErrorCode SurrogateReadModels(SNAPSSurrogate s, hid_t h5, const char file[])
{
  PetscBool      cat = (PetscBool)!strcmp(s->kind, "categorical");
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAHDF5SetMetadataCacheLocal(h5, 256 * 1024)); /* a model's metadata is not read twice: keep little */
  PetscCall(PetscCalloc1(s->D, &s->drift));
  if (cat) PetscCall(PetscCalloc1(s->D, &s->head));
  for (PetscInt i = 0; i < s->D; i++) {
    for (int h = s->qstart ? 1 : 0; h < (cat ? 2 : 1); h++) { /* drifts stored as monomials are not read as SNAs */
      SNA        *sna = h ? &s->head[i] : &s->drift[i];
      char        group[64];
      PetscInt    d, q, want_d = h ? SNAPSSurrogateHeadInputs(s, i) : s->D, want_q = h ? s->q : 1;
      SNALossType loss, want_loss = h ? SNA_LOSS_CROSS_ENTROPY : SNA_LOSS_MSE;
      PetscCall(PetscSNPrintf(group, sizeof(group), "/surrogate/%s%" PetscInt_FMT "/sna", h ? "head" : "drift", i));
      PetscCall(SNACreate(PETSC_COMM_SELF, sna));
      PetscCall(PetscLogEventBegin(SNA_Load, *sna, 0, 0, 0));
      /* not PetscCall: which model failed, said in the error (PETSc prints the first message of a chain only; the
         load's one message, SNAPSRaiseLocalError(), is this one) */
      ierr = SNAHDF5LoadGroupLocal(*sna, file, h5, group);
      PetscCall(PetscLogEventEnd(SNA_Load, *sna, 0, 0, 0)); /* before the error: -log_view of a failed run stays balanced */
      if (ierr) {
        char why[PETSC_MAX_PATH_LEN + 256];

        PetscCall(SNAPSErrorMessage(ierr, why, sizeof(why)));
        SETERRQ(PETSC_COMM_SELF, ierr, "%s\nThe model %s of '%s' cannot be read: corrupt surrogate", why, group, file);
      }
      PetscCall(SNAGetSizes(*sna, &d, &q));
      PetscCall(SNAGetLossType(*sna, &loss));
      PetscCheck(h || d == s->D, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The drift %s of '%s' takes %" PetscInt_FMT " latent coordinates, but the model's latent size is %" PetscInt_FMT ": corrupt surrogate", group, file, d, s->D);
      PetscCheck(d == want_d && q == want_q && loss == want_loss, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The model %s of '%s' has %" PetscInt_FMT " inputs and %" PetscInt_FMT " outputs (%s loss), not %" PetscInt_FMT " and %" PetscInt_FMT " (%s): corrupt surrogate", group, file, d, q, SNALossTypes[loss], want_d, want_q, SNALossTypes[want_loss]);
    }
  }
  PetscFunctionReturn(0);
}

/* Every rank's part of SNAPSSurrogateLoad: the file opened once for the group /surrogate and every model in it, and
   always closed; then the evaluation tables of the models read. */
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
  g = H5Gopen2(h5, "surrogate", H5P_DEFAULT);
  if (g < 0) { /* a dataset of that name: the readers below would name neither the file nor the object */
    H5Fclose(h5);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has an object /surrogate that is not a group: it is not a rollout surrogate (train one with snaps-rollout-fit)", file);
  }
  ierr = SurrogateReadGroup(s, g, file); /* not PetscCall: the handles are closed first */
  H5Gclose(g);
  if (!ierr) ierr = SurrogateReadModels(s, h5, file);
  H5Fclose(h5);
  PetscCall(ierr);
  /* polynomial drifts of a few factors per term (Fourier latents): evaluated term by term, not as d (k + 1) M
     dense factors (on the 120 coordinates of the Kolmogorov case that made the rollout slower than the solver), and
     quadratic ones as their monomials (stored by snaps-rollout-fit, else SNAPSSurrogateQuadratic: 5 times cheaper
     again there) */
  if (s->head) PetscCall(SurrogateHeadRows(s));
  PetscCall(SNAPSSurrogateQuadratic(s));
  if (s->qstart) PetscFunctionReturn(0);
  PetscCall(PetscCalloc1(s->D, &s->sparse));
  for (PetscInt i = 0; i < s->D; i++) PetscCall(SNAKhronosSparseCreate(s->drift[i], &s->sparse[i]));
  PetscFunctionReturn(0);
}

/* SNAPSSurrogateLoad()'s read on each rank, and the surrogate freed where some rank failed (SNAPSLoadLocal()). */
typedef struct {
  SNAPSSurrogate s;
  const char    *file;
} SurrogateLoadCtx;

static PetscErrorCode SurrogateLoad_Rank(void *ctx)
{
  SurrogateLoadCtx *l = (SurrogateLoadCtx *)ctx;

  PetscFunctionBegin;
  PetscCall(SurrogateLoad_Local(l->s, l->file));
  PetscFunctionReturn(0);
}

static PetscErrorCode SurrogateLoad_After(void *ctx, PetscBool here, PetscBool anywhere)
{
  PetscFunctionBegin;
  (void)here;
  if (anywhere) PetscCall(SNAPSSurrogateDestroy(&((SurrogateLoadCtx *)ctx)->s));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSSurrogateLoad - Reads a rollout surrogate model file (written by SNAPSSurrogateTrain(), snaps-rollout-fit) on
  every rank of comm; each rank holds the whole model

  Collective

  Input Parameters:
+ comm - the ranks that use the model
- file - the model file (HDF5; its contract is in snaps/surrogate.h)

  Output Parameter:
. out - the model; SIMD evaluation on (SNAPSSurrogateSetSIMD())

  Notes:
  A file that is not a rollout surrogate (no group /surrogate), or one with an unknown kind or drift form, implausible
  sizes, an empty training box, decreasing bin edges, a residual_scale outside [0, 100], or drift and head SNAs of the
  wrong sizes, raises PETSC_ERR_FILE_UNEXPECTED naming the file; HDF5 errors raise theirs. The error is raised once on
  comm, with the message of the first rank that failed (SNAPSLoadLocal()), and nothing is left allocated. Models
  written before the attributes clamp, residual_scale and markov existed read as 1, 1 and 0.

  Level: intermediate

.seealso: SNAPSSurrogateDestroy(), SNAPSSurrogateCheckSystem(), SNAPSSurrogateCheckPhysics(), SNAPSSurrogateStep(), SNAPSSurrogateTrain()
@*/
PetscErrorCode SNAPSSurrogateLoad(MPI_Comm comm, const char file[], SNAPSSurrogate *out)
{
  SurrogateLoadCtx ctx = {NULL, file};

  PetscFunctionBegin;
  PetscCall(PetscNew(&ctx.s));
  ctx.s->comm = comm;
  ctx.s->simd = PETSC_TRUE;
  PetscCall(SNAPSLoadLocal(comm, SurrogateLoad_Rank, SurrogateLoad_After, &ctx)); /* once for the whole load */
  *out = ctx.s;
  PetscFunctionReturn(0);
}

/*@
  SNAPSSurrogateDestroy - Frees a rollout surrogate and sets the pointer to NULL

  Not Collective

  Input Parameter:
. sp - the model; a pointer to NULL does nothing

  Level: intermediate

.seealso: SNAPSSurrogateLoad()
@*/
PetscErrorCode SNAPSSurrogateDestroy(SNAPSSurrogate *sp)
{
  SNAPSSurrogate s = *sp;

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(0);
  for (PetscInt i = 0; s->sparse && i < s->D; i++) PetscCall(SNAKhronosSparseDestroy(&s->sparse[i]));
  PetscCall(PetscFree(s->sparse));
  PetscCall(PetscFree(s->qstart));
  PetscCall(PetscFree3(s->qa, s->qb, s->qcoef));
  PetscCall(PetscFree(s->qlo));
  PetscCall(PetscFree(s->bstart));
  PetscCall(PetscFree3(s->bpair, s->bhalf, s->bcoef));
  PetscCall(PetscFree(s->qwork));
  PetscCall(PetscFree(s->swork));
  PetscCall(PetscFree(s->fcos)); /* fsin is in its block */
  for (PetscInt i = 0; s->drift && i < s->D; i++) PetscCall(SNADestroy(&s->drift[i]));
  for (PetscInt i = 0; s->head && i < s->D; i++) PetscCall(SNADestroy(&s->head[i]));
  PetscCall(PetscFree(s->hwork));
  PetscCall(PetscFree(s->drift));
  PetscCall(PetscFree(s->head));
  PetscCall(PetscFree3(s->basis, s->mean, s->edges));
  PetscCall(PetscFree2(s->lower, s->upper));
  PetscCall(PetscFree(s->eprev));
  PetscCall(PetscFree(*sp));
  PetscFunctionReturn(0);
}

/* "1024 grid points (-N 32)": npts points of a grid of sdim equal sides, named by the -N the user types (the side);
   a count that is no such power is named alone. */
static void GridText(PetscInt npts, PetscInt sdim, char buf[], size_t len)
{
  PetscInt side = sdim == 2 ? (PetscInt)PetscSqrtReal((PetscReal)npts) : npts;

  while (sdim == 2 && side * side > npts) side--; /* the root rounded up */
  while (sdim == 2 && (side + 1) * (side + 1) <= npts) side++;
  if (sdim == 1 || (sdim == 2 && side * side == npts))
    (void)snprintf(buf, len, "%" PetscInt_FMT " grid points (-N %" PetscInt_FMT ")", npts, side);
  else
    (void)snprintf(buf, len, "%" PetscInt_FMT " grid points", npts);
}

/*@C
  SNAPSSurrogateCheckSystem - Refuses a model trained for another system than the run's: equation, grid points,
  domain length

  Collective

  Input Parameters:
+ s        - the model
. file     - the file it was read from, named in the messages
. equation - the run's equation ("ks", "kolmogorov", ...)
. sdim     - the run's spatial dimensions, 1 or 2 (to name the grid by the -N of each side)
. npts     - the run's grid points
- length   - the run's domain length (to 1e-12 relative)

  Notes:
  Each mismatch raises PETSC_ERR_ARG_INCOMP naming the file, the model's value and the run's ("1024 grid points
  (-N 32)").

  Level: intermediate

.seealso: SNAPSSurrogateLoad(), SNAPSSurrogateCheckPhysics()
@*/
PetscErrorCode SNAPSSurrogateCheckSystem(SNAPSSurrogate s, const char file[], const char equation[], PetscInt sdim, PetscInt npts, PetscReal length)
{
  char had[64], has[64];

  PetscFunctionBegin;
  PetscCheck(!strcmp(s->equation, equation), s->comm, PETSC_ERR_ARG_INCOMP, "The surrogate model '%s' was trained for the equation '%s', not '%s': train one on trajectories of this equation", file, s->equation, equation);
  GridText(s->npts, sdim, had, sizeof(had)); /* one equation, so the model's grid has the run's dimensions */
  GridText(npts, sdim, has, sizeof(has));
  PetscCheck(s->npts == npts, s->comm, PETSC_ERR_ARG_INCOMP, "The surrogate model '%s' was trained for %s, but this run has %s: train it for this grid", file, had, has);
  PetscCheck(PetscAbsReal(s->length - length) <= 1e-12 * PetscAbsReal(length), s->comm, PETSC_ERR_ARG_INCOMP, "The surrogate model '%s' was trained for the domain length %g, but this run has %g (-L): train it for this system", file, (double)s->length, (double)length);
  PetscFunctionReturn(0);
}

/* Whether the recorded value a (negative: a model written before it was recorded) is the run's b, to rounding. */
static PetscBool PhysicsAgree(PetscReal a, PetscReal b)
{
  return (PetscBool)(a < 0 || PetscAbsReal(a - b) <= 1e-12 * PetscMax(PetscAbsReal(a), PetscAbsReal(b)));
}

/*@C
  SNAPSSurrogateCheckPhysics - Refuses a model trained at another viscosity, linear drag, forcing wavenumber or forcing
  amplitude than the run's (Kolmogorov)

  Collective

  Input Parameters:
+ s       - the model
. file    - the file it was read from, named in the messages
. nu      - the run's viscosity (0 for systems without one)
. alpha   - the run's linear drag (0 where none)
. forcing - the run's forcing wavenumber (0 where none)
- famp    - the run's forcing amplitude

  Notes:
  Each mismatch (reals to 1e-12 relative) raises PETSC_ERR_ARG_INCOMP naming the file and both values (nu also as
  Re = 1/nu). Models written before nu, alpha and the wavenumber were recorded are not checked for them (nor for the
  amplitude, which is checked only where the wavenumber is recorded); a forced model written before the amplitude was
  recorded is taken to have snaps-kolmogorov's default amplitude 1, and the message says so.

  Level: intermediate

.seealso: SNAPSSurrogateLoad(), SNAPSSurrogateCheckSystem()
@*/
PetscErrorCode SNAPSSurrogateCheckPhysics(SNAPSSurrogate s, const char file[], PetscReal nu, PetscReal alpha, PetscInt forcing, PetscReal famp)
{
  PetscFunctionBegin;
  PetscCheck(PhysicsAgree(s->nu, nu), s->comm, PETSC_ERR_ARG_INCOMP, "The surrogate model '%s' was trained at Re = %g (nu = %g), but this run has Re = %g (-Re): train it on trajectories of this Reynolds number", file, (double)(s->nu > 0 ? 1 / s->nu : 0), (double)s->nu, (double)(nu > 0 ? 1 / nu : 0));
  PetscCheck(PhysicsAgree(s->alpha, alpha), s->comm, PETSC_ERR_ARG_INCOMP, "The surrogate model '%s' was trained with the linear drag %g, but this run has %g (-alpha): train it on trajectories of this drag", file, (double)s->alpha, (double)alpha);
  PetscCheck(s->forcing < 0 || s->forcing == forcing, s->comm, PETSC_ERR_ARG_INCOMP, "The surrogate model '%s' was trained for the forcing wavenumber %" PetscInt_FMT ", but this run has %" PetscInt_FMT " (-forcing_wavenumber): train it on trajectories of this forcing", file, s->forcing, forcing);
  PetscCheck(s->forcing < 0 || PetscAbsReal(s->famp - famp) <= 1e-12 * PetscMax(PetscAbsReal(s->famp), PetscAbsReal(famp)), s->comm, PETSC_ERR_ARG_INCOMP, "The surrogate model '%s' was trained with the forcing amplitude %g%s, but this run has %g (-forcing_amplitude): train it on trajectories of this forcing", file, (double)s->famp, s->famp_recorded ? "" : " (not recorded in this older model: snaps-kolmogorov's default assumed)", (double)famp);
  PetscFunctionReturn(0);
}

/*@
  SNAPSSurrogateGetClampCount - Whether the model keeps states in its training box, and how many latent coordinates
  left it so far

  Not Collective

  Input Parameter:
. s - the model

  Output Parameters:
+ clamp   - whether SNAPSSurrogateStep() holds coordinates at the box (the file's clamp attribute); may be NULL
. steps   - the states stepped so far (each state of each call counts once)
- clamped - the latent coordinates a step took outside the box (held at it where clamp, else only counted)

  Level: intermediate

.seealso: SNAPSSurrogateStep()
@*/
PetscErrorCode SNAPSSurrogateGetClampCount(SNAPSSurrogate s, PetscBool *clamp, PetscInt *steps, PetscInt *clamped)
{
  PetscFunctionBegin;
  if (clamp) *clamp = s->clamp;
  *steps   = s->steps;
  *clamped = s->clamped;
  PetscFunctionReturn(0);
}

/*@
  SNAPSSurrogateSetSIMD - Whether SNAPSSurrogateStep() may evaluate a quadratic (polynomial) drift with AVX2 where the
  CPU has it

  Not Collective

  Input Parameters:
+ s    - the model
- simd - PETSC_TRUE (the default) to use AVX2 where the CPU has it; PETSC_FALSE runs the drift's portable code only
         (to check that the two give the same bits)

  Notes:
  The heads' exponentials and KHRONOS rows take AVX2 wherever the CPU has it, whatever this says, with the same bits.
  A drift of fitted SNAs is not affected.

  Level: developer

.seealso: SNAPSSurrogateGetKernel(), SNAPSSurrogateStep()
@*/
PetscErrorCode SNAPSSurrogateSetSIMD(SNAPSSurrogate s, PetscBool simd)
{
  PetscFunctionBegin;
  s->simd = simd;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSSurrogateGetKernel - The code that evaluates the model's drift in SNAPSSurrogateStep()

  Not Collective

  Input Parameter:
. s - the model

  Output Parameter:
. kernel - "avx2" (groups of 3 or 4 of the states stepped together; the last 1 or 2, and a step of 1 or 2 states, take
           the portable code), "portable", or "sna" for a drift of fitted SNAs, which neither applies to; may be NULL
           (nothing is returned)

  Level: developer

.seealso: SNAPSSurrogateSetSIMD(), SNAPSSurrogateStep()
@*/
PetscErrorCode SNAPSSurrogateGetKernel(SNAPSSurrogate s, const char **kernel)
{
  PetscFunctionBegin;
  if (!kernel) PetscFunctionReturn(0);
  if (!s->qstart)
    *kernel = "sna";
  else
    *kernel = SurrogateUsesAVX2(s) ? "avx2" : "portable";
  PetscFunctionReturn(0);
}

/*@C
  SNAPSSurrogateGetInfo - The model's kind, latent size, bins and step

  Not Collective

  Input Parameter:
. s - the model

  Output Parameters:
+ kind - "deterministic" or "categorical" (owned by the model); may be NULL
. D    - the latent size; may be NULL
. q    - the bins of each residual; may be NULL
- dt   - the time step it advances by; may be NULL

  Level: intermediate

.seealso: SNAPSSurrogateLoad(), SNAPSSurrogateStep()
@*/
PetscErrorCode SNAPSSurrogateGetInfo(SNAPSSurrogate s, const char **kind, PetscInt *D, PetscInt *q, PetscReal *dt)
{
  PetscFunctionBegin;
  if (kind) *kind = s->kind;
  if (D) *D = s->D;
  if (q) *q = s->q;
  if (dt) *dt = s->dt;
  PetscFunctionReturn(0);
}

/*@
  SNAPSSurrogateEncode - The latent coordinates z = B (u - mean) of a field u

  Not Collective

  Input Parameters:
+ s - the model
- u - the field (the model's npts grid values)

  Output Parameter:
. z - its D latent coordinates

  Level: intermediate

.seealso: SNAPSSurrogateDecode(), SNAPSSurrogateEncodeRows(), SNAPSSurrogateStep()
@*/
PetscErrorCode SNAPSSurrogateEncode(SNAPSSurrogate s, const PetscReal u[], PetscReal z[])
{
  PetscFunctionBegin;
  SNAPSLatentEncode(s->D, s->npts, s->basis, s->mean, u, z);
  PetscFunctionReturn(0);
}

/*@
  SNAPSSurrogateDecode - The field u = mean + B^T z of latent coordinates z

  Not Collective

  Input Parameters:
+ s - the model
- z - the D latent coordinates

  Output Parameter:
. u - the field (the model's npts grid values)

  Notes:
  SNAPSSurrogateDecodeRows() over all the rows: separable for 2-D Fourier bases.

  Level: intermediate

.seealso: SNAPSSurrogateEncode(), SNAPSSurrogateDecodeRows()
@*/
PetscErrorCode SNAPSSurrogateDecode(SNAPSSurrogate s, const PetscReal z[], PetscReal u[])
{
  PetscFunctionBegin;
  PetscCall(SNAPSSurrogateDecodeRows(s, 0, s->npts, z, u)); /* the one decode: separable for 2-D Fourier bases */
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

/* g (n x D) = the drift SNAs (or their table) at z (n x D): the increment over dt, or the rate of the rate form. */
static PetscErrorCode DriftField(SNAPSSurrogate s, PetscInt n, const PetscReal z[], PetscReal g[])
{
  PetscReal *gi;

  PetscFunctionBegin;
  if (s->qstart) {
    PetscCall(QuadraticDrift(s, n, z, g));
    PetscFunctionReturn(0);
  }
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

/* g (n x D) = RK4(z) - z over dt in s->substeps classical RK4 steps of the vector field DriftField: the increment,
   so that residuals (z1 - z0 - g), heads, sampling and stepping are those of the map form. A quadratic map of the
   increment is exact to first order in dt only (at KS L = 100 it limited the forecasts); a quadratic vector field
   is the form of KS's own Galerkin system, which RK4 integrates to fourth order. */
static PetscErrorCode DriftRK4(SNAPSSurrogate s, PetscInt n, const PetscReal z[], PetscReal g[])
{
  const PetscInt  nd = n * s->D;
  const PetscReal h = s->dt / s->substeps, a[3] = {h / 2, h / 2, h}, w[4] = {h / 6, h / 3, h / 3, h / 6};
  PetscReal      *y, *k, *x;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(nd, &y, nd, &k, nd, &x));
  PetscCall(PetscArraycpy(y, z, nd));
  PetscCall(PetscArrayzero(g, nd)); /* g accumulates the increment itself, not the new state: no cancellation */
  for (PetscInt step = 0; step < s->substeps; step++) {
    PetscCall(PetscArraycpy(x, y, nd));
    for (PetscInt st = 0; st < 4; st++) {
      PetscCall(DriftField(s, n, x, k));
      for (PetscInt j = 0; j < nd; j++) {
        g[j] += w[st] * k[j];
        if (st < 3) x[j] = y[j] + a[st] * k[j];
      }
    }
    for (PetscInt j = 0; j < nd; j++) y[j] = z[j] + g[j];
  }
  PetscCall(PetscFree3(y, k, x));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAPSSurrogateDrift(SNAPSSurrogate s, PetscInt n, const PetscReal z[], PetscReal g[])
{
  PetscFunctionBegin;
  if (n <= 0) PetscFunctionReturn(0);
  if (s->rate)
    PetscCall(DriftRK4(s, n, z, g));
  else
    PetscCall(DriftField(s, n, z, g));
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
    if (s->hrows)
      PetscCall(SNAKhronosEvaluateRows(s->head[i], n, x, p, s->hwork));
    else
      PetscCall(SNAPSEvaluateRows(s->head[i], n, x, p));
    for (PetscInt k = 0; k < n; k++) {
      PetscReal u1, u2;
      PetscCall(PetscRandomGetValueReal(rnd[k], &u1));
      PetscCall(PetscRandomGetValueReal(rnd[k], &u2));
      e[k * D + i] = SNAPSTokenDecode(q, s->edges + i * (q + 1), SNAPSCategoricalSampleLogits(q, p + k * q, u1), u2);
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

/*@
  SNAPSSurrogateStep - Advances n latent states by one step dt of the model

  Not Collective (the model lives on PETSC_COMM_SELF of every rank)

  Input Parameters:
+ s   - the model
. n   - the number of states; n <= 0 does nothing
- rnd - one random generator per state (categorical models draw from rnd[k], so a member's path does not depend on
        which others share the call); deterministic models ignore it, and it may be NULL for them

  Input/Output Parameter:
. z - the n x D states, advanced in place: z + g(z) + residual_scale e, e drawn by the heads (0 for deterministic
      models)

  Notes:
  Models with clamp (the file's attribute, 1 where absent: drifts of fitted SNAs, which are constant beyond the
  training box) hold every coordinate in the box of the training states (lower, upper in the file); models without it
  (polynomial drifts) are not clamped. Either way a coordinate
  that left the box is counted (SNAPSSurrogateGetClampCount()). Markov models remember each state's last residual:
  step the same n states in the same order every call; another n raises PETSC_ERR_ARG_INCOMP. A categorical model
  without rnd raises PETSC_ERR_ARG_NULL.

  Level: intermediate

.seealso: SNAPSSurrogateLoad(), SNAPSSurrogateGetInfo(), SNAPSSurrogateGetClampCount(), SNAPSSurrogateGetKernel()
@*/
PetscErrorCode SNAPSSurrogateStep(SNAPSSurrogate s, PetscInt n, PetscReal z[], PetscRandom rnd[])
{
  const PetscInt D = s->D;
  PetscReal     *g, *e;

  PetscFunctionBegin;
  if (n <= 0) PetscFunctionReturn(0);
  PetscCall(SurrogateWork(2 * n * D, &s->swork, &s->nswork));
  g = s->swork;
  e = g + n * D;
  PetscCall(PetscArrayzero(e, n * D)); /* deterministic models add no residual */
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
  PetscFunctionReturn(0);
}
