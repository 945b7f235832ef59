static const char help[] = "snaps-rollout-fit: trains rollout surrogates of a time-dependent solver from its trajectory files (SCIENCE.md\n"
                           "section 4): the state is reduced to r latent modes (Fourier or POD, -latent), a KHRONOS drift is fitted by MSE\n"
                           "to z(t + dt) - z(t) (the deterministic twin), and a categorical KHRONOS head per latent coordinate is fitted by\n"
                           "cross-entropy to the quantile bin of the drift's residual, given z(t) and the residuals of the coordinates before\n"
                           "it (the chain rule), so rollouts sample the distribution of the next state.\n\n"
                           "  -trajectories <a.h5,b.h5,...>  solver trajectories (snaps-ks -trajectory) of one system, each once\n"
                           "  -model <cat.h5>                the categorical (distributional) surrogate\n"
                           "  -twin_model <det.h5>           the deterministic twin (the same drift, rolled out without sampling)\n"
                           "  -results <r.json>              JSON report: the latent, its size, the pairs, each drift's training error\n"
                           "                                 (drift_train_error), each head's cross-entropy, each fit's iterations\n"
                           "                                 (drift_iterations, head_iterations) and the fits that did not converge\n"
                           "                                 (drifts_not_converged, heads_not_converged), the fit times, machine\n"
                           "  -latent fourier|pod            latent basis: the first r Fourier modes of a 1-D field (default for 1-D:\n"
                           "                                 latent size 2r) or, on a 2-D grid, the modes of the half plane of the box\n"
                           "                                 |kx|, |ky| <= r (latent size 4r(r + 1)); or the time-average and the leading\n"
                           "                                 r POD modes of the training states (default for 2-D fields: latent size r)\n"
                           "  -latent_modes <r>              Fourier or POD modes kept (8)\n"
                           "  -latent_snapshots <m>          POD: at most m training states, evenly strided (2000)\n"
                           "  -rollout_dt <dt>               surrogate step, a multiple of the trajectories' spacing (the spacing)\n"
                           "  -bins <q>                      quantile bins per coordinate (16)\n"
                           "  -bin_tail <f>                  the outer bin edges at the f and 1 - f quantiles (1e-3)\n"
                           "  -train_stride <s>              use every s-th pair (1)\n"
                           "  -head_stride <s>               fit the heads on every s-th of those pairs (1)\n"
                           "  -head_markov <bool>            heads also see the coordinate's drift residual of the step before, so\n"
                           "                                 sampled residuals are correlated in time as the drift's real error is (false)\n"
                           "  -head_local <bool>             head i sees only its own latent pair (z_2h, z_2h+1: one complex Fourier\n"
                           "                                 mode), the residual drawn for the pair's first coordinate and, if Markov, its\n"
                           "                                 residual of the step before, instead of z and every residual drawn before it:\n"
                           "                                 for large latents (KS L = 100: 76); Fourier latents only (false)\n"
                           "  -residual_scale <s>            rollouts add the drawn residuals times s (1; 0 gives the deterministic twin)\n"
                           "  -drift_fit polynomial|sna      polynomial (default for the Fourier latent): least squares over monomials, stored as a KHRONOS SNA\n"
                           "                                 with one mode per monomial, not clamped to the training box; sna: the SNA's own\n"
                           "                                 fit (the default for POD; rollouts then stay in the training box)\n"
                           "  -drift_degree <k>              largest degree of the monomials (3)\n"
                           "  -drift_equivariant <bool>      only monomials that translations map like the output's Fourier mode (true;\n"
                           "                                 Fourier latent only; Kolmogorov flow: x-translations, y in steps of 2 pi / n)\n"
                           "  -drift_pairs <bool>            1-D Fourier latent: the increment of each complex mode A_k as a complex\n"
                           "                                 combination of A_k and the products A_p A_q with p + q = k (quadratic, exactly\n"
                           "                                 translation equivariant; sets -drift_degree 2) instead of the real cubic\n"
                           "                                 polynomial: for KS at large L (false; 2-D Fourier latents' polynomial drifts always use it)\n"
                           "  -drift_form map|rate           map: the drift is the increment over -rollout_dt (default); rate: the\n"
                           "                                 vector field dz/dt, fitted to the 5-point derivative over the saved spacing\n"
                           "                                 (pairs need 2 saved states before and after; save finely, KS L = 100: 0.05)\n"
                           "                                 and stepped by classical RK4 (stored as the attribute drift_form)\n"
                           "  -drift_substeps <s>            rate form: RK4 steps per -rollout_dt (1)\n"
                           "  -drift_conservative <bool>     pair drifts (2-D Fourier latent, or -drift_pairs): fit all modes together\n"
                           "                                 under z . Q(z, z) = 0 for the quadratic part Q, as the advection conserves\n"
                           "                                 enstrophy (KS: energy) in any Fourier truncation, so that only the constant\n"
                           "                                 and linear terms change |z|^2; meant for -drift_form rate (false)\n"
                           "  -drift_dissipative <bool>      -drift_conservative, then the symmetric part of the fitted linear part L\n"
                           "                                 projected onto the negative semidefinite matrices (its eigenvalues above\n"
                           "                                 -m lowered to -m) and the constant and quadratic terms refitted with that L\n"
                           "                                 fixed, under the conservation: then d|z|^2/dt <= 2 z . c - 2 m |z|^2 in the\n"
                           "                                 rate form (false)\n"
                           "  -drift_dissipative_margin <m>  the least damping rate m of -drift_dissipative's linear part (0)\n"
                           "  -drift_ridge <l>               ridge on the standardised monomials (1e-8)\n"
                           "  -drift_noise <e>               noisy copies of the pairs: input noise e times the latent rms (0.001 on Fourier latents, 0 on POD latents; 0: none)\n"
                           "  -drift_noise_copies <c>        noisy copies of every pair (2)\n"
                           "  -drift_noise_target linear|clean  a copy's target: the next state plus the noise propagated by the linear\n"
                           "                                 part, KS exp((q^2 - q^4) dt), Kolmogorov exp(-(nu |k|^2 + alpha) dt) (linear,\n"
                           "                                 default; Fourier latent only) or the clean next state; for -drift_form rate\n"
                           "                                 the clean rate plus the linear rate of the noise (KS: (q^2 - q^4) xi)\n"
                           "  -drift_box_margin <m>          the polynomial SNAs' box: the training box widened by m widths each side (1)\n"
                           "  -save_drift_snas <bool>        also write quadratic drifts as SNAs (/surrogate/drift<i>/sna) beside their\n"
                           "                                 table of monomials, which is all rollouts read: for loading them as SNAs\n"
                           "                                 elsewhere (false; Kolmogorov case: a model file of about 168 MB instead of\n"
                           "                                 about 6 MB). Other drifts are always written as SNAs\n"
                           "  -drift_sna_...                 with -drift_fit sna, options of the drifts (defaults: KHRONOS degree 2,\n"
                           "                                 3 nodes: quadratic factors, 24 modes, als, 100 sweeps, factors started near one:\n"
                           "                                 -drift_sna_khronos_init_spread 0.1)\n"
                           "  -head_sna_...                  options of the heads (defaults: degree 2, 4 nodes, 8 modes, irls, 20 sweeps,\n"
                           "                                 rtol 1e-4, lambda 1e-6; -head_sna_fit_irls_newton_its 2)\n"
                           "A misspelt or inapplicable option is reported once the trajectories are read, before the fits.\n"
                           "Use the models with snaps-ks or snaps-kolmogorov -stepper sna -stepper_model <file>.\n";

#include <snaps.h>

int main(int argc, char **argv)
{
  char      **files = NULL, cat[PETSC_MAX_PATH_LEN] = "", det[PETSC_MAX_PATH_LEN] = "", results[PETSC_MAX_PATH_LEN] = "";
  const char *value, **inopts = NULL;
  PetscInt    nfiles = 1;
  PetscBool   help_only, has, hasresults;
  PetscInt    errors[2] = {0, 0};

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsHasHelp(NULL, &help_only));
  /* room for every comma-separated name given: a fixed array would drop the names beyond it */
  PetscCall(PetscOptionsFindPair(NULL, NULL, "-trajectories", &value, &has));
  for (const char *c = has && value ? value : ""; *c; c++) nfiles += *c == ',';
  PetscCall(PetscCalloc1(nfiles, &files));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "snaps-rollout-fit options", NULL);
  PetscCall(PetscOptionsStringArray("-trajectories", "Solver trajectory files", NULL, files, &nfiles, &has));
  PetscCall(PetscOptionsString("-model", "Categorical surrogate (output)", NULL, cat, cat, sizeof(cat), NULL));
  PetscCall(PetscOptionsString("-twin_model", "Deterministic twin (output)", NULL, det, det, sizeof(det), NULL));
  PetscCall(PetscOptionsString("-results", "JSON report file", NULL, results, results, sizeof(results), &hasresults));
  PetscOptionsEnd();
  if (!help_only) {
    const char    *outopts[3] = {"-model", "-twin_model", "-results"}, *outs[3] = {cat, det, hasresults ? results : NULL};
    SNAPSReport    report = NULL;
    PetscLogDouble t0, t1;
    const char    *named[4] = {"-trajectories", "-model", "-twin_model", "-results"};

    /* "-model -twin_model t.h5" trained the twin alone, and "-results" without a name failed only after the fit */
    PetscCall(SNAPSOptionsCheckFileNames(PETSC_COMM_WORLD, NULL, 4, named));
    PetscCheck(has && nfiles > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -trajectories <a.h5,...>: the solver trajectories to train on (run with -help for all options)");
    PetscCall(PetscMalloc1(nfiles, &inopts));
    for (PetscInt i = 0; i < nfiles; i++) inopts[i] = "-trajectories";
    /* before the fit, not when saving after it; -log_view ascii:<a trajectory> replaced it */
    PetscCall(SNAPSCheckFiles(PETSC_COMM_WORLD, nfiles, inopts, (const char *const *)files, 3, outopts, outs));
    if (hasresults) {
      PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
      PetscCall(SNAPSReportSetString(report, "program", "snaps-rollout-fit"));
      PetscCall(SNAPSReportSetInt(report, "n_trajectories", nfiles));
      { /* the names as given, joined by commas as -trajectories takes them (so no name holds one) */
        size_t len = 1, at = 0;
        char  *joined;

        for (PetscInt i = 0; i < nfiles; i++) len += strlen(files[i]) + 1;
        PetscCall(PetscCalloc1(len, &joined));
        for (PetscInt i = 0; i < nfiles; i++) {
          size_t l = strlen(files[i]);

          if (i) joined[at++] = ',';
          memcpy(joined + at, files[i], l);
          at += l;
        }
        PetscCall(SNAPSReportSetString(report, "trajectories", joined));
        PetscCall(PetscFree(joined));
      }
      if (cat[0]) PetscCall(SNAPSReportSetString(report, "model", cat));
      if (det[0]) PetscCall(SNAPSReportSetString(report, "twin_model", det));
    }
    PetscCall(PetscTime(&t0));
    /* it warns about unused options once it has read its own, before the fits: every option of this program is read */
    PetscCall(SNAPSSurrogateTrain(PETSC_COMM_WORLD, nfiles, (const char *const *)files, cat, det, report, errors));
    PetscCall(PetscTime(&t1));
    if (report) {
      PetscCall(SNAPSReportSetReal(report, "wall_time_s", (PetscReal)(t1 - t0)));
      PetscCall(SNAPSReportWrite(report, results));
      PetscCall(SNAPSReportDestroy(&report));
    }
    /* -head_/-drift_sna_fit_error_if_not_converged: after the models and the report are written, as snaps-fit */
    PetscCall(SNAPSSurrogateCheckConverged(PETSC_COMM_WORLD, errors, cat, det));
  } else
    PetscCall(SNAPSSurrogateTrain(PETSC_COMM_WORLD, 0, NULL, cat, det, NULL, NULL)); /* lists the training options and the SNAs' */
  if (!has) nfiles = 0;
  for (PetscInt i = 0; i < nfiles; i++) PetscCall(PetscFree(files[i]));
  PetscCall(PetscFree(files));
  PetscCall(PetscFree(inopts));
  if (!help_only) PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
