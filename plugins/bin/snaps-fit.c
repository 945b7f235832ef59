static const char help[] = "snaps-fit: fits a separable neural architecture (SNA) to an HDF5 dataset.\n\n"
                           "  -data <in.h5>        dataset: /X (N x d) and /Y (N x q), float64\n"
                           "  -data_group <path>   group holding X and Y (default /; e.g. /hf)\n"
                           "  -model <out.h5>      fitted model, written atomically (an existing file is replaced only on success)\n"
                           "  -init_model <m.h5>   warm start from a saved model instead of a fresh initialisation\n"
                           "  -results <r.json>    JSON report: n_samples, n_params, train_mse, validation_mse (with -sna_fit_validation), wall_time_s, iterations (outer, inner),\n"
                           "                       evaluations, ranks, machine, ...\n"
                           "The model is written whenever the fit ends with a finite loss it lowered, also when it did not converge (the\n"
                           "best iterate; the reason is printed and in the report); -sna_fit_error_if_not_converged then exits non-zero.\n"
                           "Class options: -sna_type khronos|aion, -sna_fit_type auto|als|lm|tao|infinite_descent, -sna_fit_lambda,\n"
                           "  -sna_fit_max_it, -sna_fit_rtol, -sna_fit_atol, -sna_fit_error_if_not_converged, -sna_fit_validation <fraction held out>,\n"
                           "  -sna_fit_validation_patience, -sna_bounds, -sna_monitor, -sna_view; KHRONOS: -sna_khronos_nodes, -sna_khronos_degree,\n"
                           "  -sna_khronos_modes, -sna_khronos_refine, -sna_khronos_enrich, -sna_fit_als_anderson; AION (one output): -sna_aion_rank, -sna_aion_terms,\n"
                           "  -sna_aion_pencil auto|always|never, -sna_aion_init; TAO: -sna_fit_tao_type (lmvm, bncg, nls, brgn, ...),\n"
                           "  -sna_fit_tao_monitor.\n";

#include <snaps.h>

int main(int argc, char **argv)
{
  char               data[PETSC_MAX_PATH_LEN], model[PETSC_MAX_PATH_LEN], init[PETSC_MAX_PATH_LEN] = "", results[PETSC_MAX_PATH_LEN] = "", group[256] = "/";
  PetscBool          hasdata, hasmodel, hasinit, hasresults, helpflg, errorifnotconverged;
  Vec                X, Y;
  SNA                sna;
  PetscInt           N, d, q, nparams, its;
  PetscReal          mse, var, t0, t1, valmse;
  SNAConvergedReason reason;
  SNAType            type;
  SNAFitType         fittype;
  PetscMPIInt        size;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(SNAInitializePackage());
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "snaps-fit options", "SNA");
  PetscCall(PetscOptionsString("-data", "Training dataset (HDF5 with /X and /Y)", NULL, NULL, data, sizeof(data), &hasdata));
  PetscCall(PetscOptionsString("-data_group", "Group holding X and Y", NULL, group, group, sizeof(group), NULL));
  PetscCall(PetscOptionsString("-model", "Output model file (HDF5)", NULL, NULL, model, sizeof(model), &hasmodel));
  PetscCall(PetscOptionsString("-init_model", "Model to warm-start from", NULL, NULL, init, sizeof(init), &hasinit));
  PetscCall(PetscOptionsString("-results", "JSON report file", NULL, NULL, results, sizeof(results), &hasresults));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasHelp(NULL, &helpflg));
  if (helpflg) { /* print the SNA options too, then stop before any check or work */
    PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
    PetscCall(SNASetFromOptions(sna));
    PetscCall(SNADestroy(&sna));
    PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCheck(hasdata, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -data <in.h5>: the training dataset (run with -help for all options)");
  PetscCheck(hasmodel, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Missing -model <out.h5>: where to write the fitted model");
  { /* -init_model may be -model: the model is read whole before it is replaced (a fit continued in place) */
    const char *inopts[2] = {"-data", "-init_model"}, *ins[2] = {data, hasinit ? init : NULL};
    PetscCall(SNAPSCheckOutputNotInput(PETSC_COMM_WORLD, "-model", model, 1, inopts, ins));
    if (hasresults) PetscCall(SNAPSCheckOutputNotInput(PETSC_COMM_WORLD, "-results", results, 2, inopts, ins));
  }

  PetscCall(SNADatasetLoad(PETSC_COMM_WORLD, data, group, &X, &Y));
  PetscCall(VecGetBlockSize(X, &d));
  PetscCall(VecGetBlockSize(Y, &q));
  PetscCall(VecGetSize(Y, &N));
  N /= q;

  PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
  if (hasinit) {
    PetscInt md, mq;
    PetscCall(SNALoad(sna, init));
    PetscCall(SNAGetSizes(sna, &md, &mq));
    PetscCheck(md == d && mq == q, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "The data '%s' have %" PetscInt_FMT " inputs and %" PetscInt_FMT " outputs but the model '%s' has %" PetscInt_FMT " and %" PetscInt_FMT, data, d, q, init, md, mq);
  } else
    PetscCall(SNASetSizes(sna, d, q));
  PetscCall(SNASetFromOptions(sna));
  /* the model is written before -sna_fit_error_if_not_converged turns a fit that did not converge into an error */
  PetscCall(SNAGetErrorIfNotConverged(sna, &errorifnotconverged));
  PetscCall(SNASetErrorIfNotConverged(sna, PETSC_FALSE));

  PetscCall(PetscTime(&t0));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(PetscTime(&t1));
  PetscCall(SNAComputeMSE(sna, X, Y, &mse));
  PetscCall(SNAGetNumParameters(sna, &nparams));
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCall(SNAGetIterationNumber(sna, &its));
  PetscCall(SNAGetType(sna, &type));
  PetscCall(SNAGetFitType(sna, &fittype));
  { /* MSE relative to the variance of Y: 1 means no better than the mean */
    PetscReal mean, sumsq;
    PetscCall(VecSum(Y, &mean));
    mean /= (PetscReal)(N * q);
    PetscCall(VecNorm(Y, NORM_2, &sumsq));
    var = sumsq * sumsq / (PetscReal)(N * q) - mean * mean;
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: %s (%s) on %" PetscInt_FMT " samples, %" PetscInt_FMT " inputs, %" PetscInt_FMT " outputs, %" PetscInt_FMT " parameters, %d ranks\n", type, fittype, N, d, q, nparams, size));
  PetscCall(SNAGetValidationMSE(sna, &valmse));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: training MSE %.6e (relative %.3e), %s after %" PetscInt_FMT " iterations, %.3f s\n", (double)mse, (double)(var > 0 ? mse / var : mse), SNAConvergedReasons[reason], its, (double)(t1 - t0)));
  if (valmse >= 0) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: validation MSE %.6e on the held-out samples (-sna_fit_validation; the training MSE above is over all samples)\n", (double)valmse));
  /* a finite loss that the fit lowered is a usable model (the best iterate), whether or not a tolerance was met */
  PetscCall(SNACheckFitUsable(sna, "snaps-fit"));
  PetscCall(SNASave(sna, model));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-fit: model written to %s%s\n", model, reason < 0 ? " (the best iterate of a fit that did not converge: raise -sna_fit_max_it, or loosen -sna_fit_rtol)" : ""));

  if (hasresults) {
    SNAPSReport report;
    PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
    PetscCall(SNAPSReportSetString(report, "program", "snaps-fit"));
    PetscCall(SNAPSReportSetString(report, "data", data));
    PetscCall(SNAPSReportSetString(report, "model", model));
    PetscCall(SNAPSReportSetString(report, "type", type));
    PetscCall(SNAPSReportSetString(report, "fit_type", fittype));
    PetscCall(SNAPSReportSetInt(report, "n_samples", N));
    PetscCall(SNAPSReportSetInt(report, "n_inputs", d));
    PetscCall(SNAPSReportSetInt(report, "n_outputs", q));
    PetscCall(SNAPSReportSetInt(report, "n_params", nparams));
    PetscCall(SNAPSReportSetReal(report, "train_mse", mse));
    PetscCall(SNAPSReportSetReal(report, "train_relative_mse", var > 0 ? mse / var : mse));
    if (valmse >= 0) PetscCall(SNAPSReportSetReal(report, "validation_mse", valmse));
    PetscCall(SNAPSReportSetInt(report, "iterations", its));
    {
      SNAFitStatistics st;
      PetscCall(SNAGetFitStatistics(sna, &st));
      PetscCall(SNAPSReportSetInt(report, "outer_iterations", st.outer));
      PetscCall(SNAPSReportSetInt(report, "inner_iterations", st.inner));
      PetscCall(SNAPSReportSetInt(report, "function_evaluations", st.function));
      PetscCall(SNAPSReportSetInt(report, "gradient_evaluations", st.gradient));
      PetscCall(SNAPSReportSetInt(report, "hessian_evaluations", st.hessian));
    }
    PetscCall(SNAPSReportSetString(report, "converged_reason", SNAConvergedReasons[reason]));
    PetscCall(SNAPSReportSetReal(report, "wall_time_s", t1 - t0));
    PetscCall(SNAPSReportSetReal(report, "samples_per_second_per_rank", (PetscReal)N * (its > 0 ? its : 1) / ((t1 - t0) * size)));
    PetscCall(SNAPSReportWrite(report, results));
    PetscCall(SNAPSReportDestroy(&report));
  }
  PetscCheck(!errorifnotconverged || reason > 0, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "The fit did not converge (%s after %" PetscInt_FMT " iterations, -sna_fit_error_if_not_converged); the model was written to %s", SNAConvergedReasons[reason], its, model);
  PetscCall(SNADestroy(&sna));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
