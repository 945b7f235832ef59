/* What SNAFit() minimises: the data loss or a Ritz energy (snaps/sna.h, SNAObjective). */
#include <snaps/private/snaimpl.h>

const char *const SNAObjectives[] = {"least_squares", "ritz", "SNAObjective", "SNA_OBJECTIVE_", NULL};

const char *SNAObjectiveValueName(SNA sna)
{
  if (sna->objective == SNA_OBJECTIVE_RITZ) return "Ritz energy";
  return sna->loss == SNA_LOSS_CROSS_ENTROPY ? "training cross-entropy" : "training MSE";
}

/*@
  SNASetObjective - Chooses what SNAFit() minimises

  Logically Collective

  Input Parameters:
+ sna - the SNA
- objective - SNA_OBJECTIVE_LEAST_SQUARES (the data loss, the default) or SNA_OBJECTIVE_RITZ (the Ritz energy of
              the form given with SNASetRitzForm(), which selects it already)

  Level: intermediate

.seealso: SNASetRitzForm(), SNAGetObjective(), SNAFit()
@*/
PetscErrorCode SNASetObjective(SNA sna, SNAObjective objective)
{
  PetscBool hasform = PETSC_FALSE;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(objective == SNA_OBJECTIVE_LEAST_SQUARES || objective == SNA_OBJECTIVE_RITZ, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "Unknown objective %d: use SNA_OBJECTIVE_LEAST_SQUARES or SNA_OBJECTIVE_RITZ", (int)objective);
  if (objective == SNA_OBJECTIVE_RITZ) {
    PetscObject form;
    PetscCall(PetscObjectQuery((PetscObject)sna, "SNARitzForm", &form));
    hasform = form ? PETSC_TRUE : PETSC_FALSE;
    PetscCheck(hasform, PetscObjectComm((PetscObject)sna), PETSC_ERR_ORDER, "SNA_OBJECTIVE_RITZ needs the form: call SNASetRitzForm(), which also selects the objective");
  }
  sna->objective = objective;
  PetscFunctionReturn(0);
}

/*@
  SNAGetObjective - Gets what SNAFit() minimises

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. objective - SNA_OBJECTIVE_LEAST_SQUARES (the data loss, the default) or SNA_OBJECTIVE_RITZ (the Ritz energy of
              SNASetRitzForm())

  Level: advanced

.seealso: SNASetObjective(), SNASetRitzForm(), SNAGetObjectiveValue()
@*/
PetscErrorCode SNAGetObjective(SNA sna, SNAObjective *objective)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *objective = sna->objective;
  PetscFunctionReturn(0);
}

/*@
  SNASetRitzForm - Makes SNAFit() minimise the Ritz energy J(u) = 1/2 a(u,u) - l(u) of a separable form over the
  model's trial space instead of a data loss: the Galerkin solution of a(u, v) = l(v) for all v in that space

  Collective

  Input Parameters:
+ sna - the SNA (type khronos, one output, degree and nodes set: the matrices are over its G basis functions per input)
. K   - d stiffness matrices, K[(p*G + g)*G + h] = (B_g', B_h') on input p's interval (row-major G x G, symmetric)
. M   - d mass matrices, M[(p*G + g)*G + h] = (B_g, B_h)
. R   - number of separable source terms (0: l = 0)
. F   - the source l(v) = sum_s prod_p (sum_g F[(s*d + p)*G + g] c_{p,g}) for v = prod_p sum_g c_{p,g} B_g(x_p)
- dirichlet - PETSC_TRUE: the first and last coefficient of every factor are held at zero (homogeneous Dirichlet
              conditions with clamped B-splines); the data of inhomogeneous ones enter l as -a(L, v) of a lifting L

  Notes:
  The bilinear form is the Laplacian's, a(u, v) = sum_p (K_p (x) prod_{r != p} M_r), which with a rank-M model
  u = sum_m prod_p f_{p,m} makes J a sum of products of 1-D integrals. The arrays are copied. SNAFit(sna, NULL, NULL)
  then runs block alternating least squares on J (every block solve exact: J is quadratic in each input's
  coefficients) with greedy rank growth from one mode up to -sna_khronos_modes: each new mode is first swept alone
  (the others frozen), then all modes together, and a mode that lowers J by no more than -sna_fit_rtol |J| is
  dropped and the growth stops. A stage's sweeps stop when one lowers J by at most 1e-3 -sna_fit_rtol |J| (the
  decrease 1/2 a(du, du) summed over its block updates, exact far below the rounding of J: rtol may be tiny), or
  after -sna_fit_max_it sweeps (reason SNA_DIVERGED_ITS if the final stage ends so). -sna_monitor prints J per
  sweep. -sna_fit_lambda and -sna_fit_atol do not apply (J has no data to regularise, and its minimum is not
  known in advance), nor do -sna_khronos_refine (the form is given on the model's basis) and a start from the
  model's parameters (the growth starts from one pseudo-random mode, the class's initialisation); -sna_fit_lambda
  (given and nonzero: SNASetRegularization() or the option), -sna_fit_atol (nonzero), -sna_khronos_refine,
  -sna_fit_als_anderson (a nonzero depth: the block minimisers are exact, there is no sweep map to accelerate) and
  -sna_fit_validation and its stop rule (-sna_fit_validation_patience, _stop, _rise: J has no samples to hold out),
  and -sna_khronos_init tensor (a least-squares start from data; the spread of the random start,
  -sna_khronos_init_spread, applies) are errors rather than silently unused. The fit type
  must be als or the default auto. The solve is dense and redundant: every rank computes the same model.
  SNAGetObjectiveValue() returns the final J; SNASetObjective(sna, SNA_OBJECTIVE_LEAST_SQUARES) returns to data
  fits.

  Level: intermediate

.seealso: SNASetObjective(), SNAFit(), SNAGetObjectiveValue(), SNAKhronosSetBasis()
@*/
PetscErrorCode SNASetRitzForm(SNA sna, const PetscReal K[], const PetscReal M[], PetscInt R, const PetscReal F[], PetscBool dirichlet)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(R >= 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "The Ritz form's source has %" PetscInt_FMT " terms: give 0 or more", R);
  SNAUseTypeMethod(sna, "SNASetRitzForm", "khronos", (SNA, const PetscReal[], const PetscReal[], PetscInt, const PetscReal[], PetscBool), (sna, K, M, R, F, dirichlet));
  sna->objective = SNA_OBJECTIVE_RITZ;
  PetscFunctionReturn(0);
}

/*@
  SNAGetObjectiveValue - Gets the objective's value at the end of the last fit: the training MSE, or the Ritz energy

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. value - the value (0 before any fit)

  Level: advanced

.seealso: SNAGetObjective(), SNAFit()
@*/
PetscErrorCode SNAGetObjectiveValue(SNA sna, PetscReal *value)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *value = sna->fit_mse;
  PetscFunctionReturn(0);
}
