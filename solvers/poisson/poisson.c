static const char help[] = "snaps-poisson: -Laplace(u) = f on the box [a,b]^d (or a gmsh mesh) with a manufactured solution.\n\n"
                           "  -method fem|khronos     discretisation (fem: DMPlex + PetscFE; khronos: separable B-spline Ritz/Galerkin)\n"
                           "  -exact <expr>           exact solution u, e.g. 'sin(pi*x)*sin(pi*y^2)'; variables x, y, z (d <= 3) or\n"
                           "                          x1..xd; f = -Laplace(u) and the Dirichlet data are derived from it (default sin(pi*x)*sin(pi*y))\n"
                           "  -dim <d>                dimension (2)\n"
                           "  -domain a,b             the box [a,b]^d (-1,1); refused with -dm_plex_filename (the mesh is the domain)\n"
                           "  -results <r.json>       JSON report: method, dim, dofs, l2_error_squared, h1_error (the H1 seminorm of\n"
                           "                          u_h - u), wall_time_s (setup + solve), error_time_s (the error quadrature,\n"
                           "                          also the -log_view event PoissonErrors), ...\n"
                           "  -view_solution <u.h5>   mesh and solution as HDF5, plus u.xmf for ParaView (d = 2, 3; none beside /dev/null or\n"
                           "                          a terminal; a pipe is refused) (khronos: the\n"
                           "                          solution on a grid of -khronos_view_points per direction (2-D 129, 3-D 33),\n"
                           "                          stored as the dataset /X, /Y that snaps-predict -data reads, and as /u\n"
                           "                          shaped like the grid for the .xmf)\n"
                           "  -model <u.h5>           khronos: save the solution as a KHRONOS SNA model (snaps-predict -model u.h5)\n"
                           "                          (the report names the files given: view_solution, model)\n"
                           "  -exact_view [ascii:f]   print u and the derived source f (to stdout, or to the file f)\n"
                           "  -error_cells <n>        cells per direction of the error-quadrature grid (2-D: 256, 3-D: 48); boxes of\n"
                           "                          quadrilaterals/hexahedra only (mesh files and simplices: quadrature on the cells);\n"
                           "                          FEM rounds it up to whole sub-cells of every mesh cell (the report gives the\n"
                           "                          grid used: error_cells, error_cells_per_direction)\n"
                           "  -error_order <q>        Gauss points per direction of the error quadrature (2-D: 5, 3-D: 4)\n"
                           "FEM: -dm_plex_box_faces n[,n[,n]] (16), -petscspace_degree k (1), -dm_plex_filename meshes/square.msh,\n"
                           "  -dm_plex_simplex, -dm_refine, -ksp_type (cg), -ksp_rtol (1e-12), -ksp_monitor, -fem_assembly auto|box|plex\n"
                           "  (auto: box, a DMDA tensor grid with -pc_type hypre (BoomerAMG), for a box of quadrilaterals/hexahedra without\n"
                           "  -dm_refine or -view_solution; else plex, DMPlex + PetscFE with -pc_type gamg); -ksp_guess_type fischer|pod|sna\n"
                           "  (sna: -ksp_guess_sna_model m.h5, a model of this operator's unknowns).\n"
                           "KHRONOS: the trial space is a KHRONOS SNA on [a,b]^d and takes the class's options, with this program's\n"
                           "  defaults: -sna_khronos_degree k (3; 1 to 7), -sna_khronos_nodes G (10, incl. the 2 boundary functions).\n"
                           "  -khronos_solve tensor|als (2-D: tensor; d > 2: als only). tensor: f integrated by tensor Gauss quadrature\n"
                           "  (not compressed; on more than 40 quadrature points per direction a rank-1 cross of f is tried first and\n"
                           "  kept when it reproduces f to -khronos_source_tol, unless -khronos_source_cross false; elsewhere these two\n"
                           "  are refused, and -khronos_source_rank always), the Galerkin system in the whole (G-2)^2 spline space\n"
                           "  solved by fast diagonalisation, then truncated to the lowest rank whose energy error is <= -sna_fit_rtol |J| (1e-15; rank cap\n"
                           "  -sna_khronos_modes, default G - 2: the whole space, no cap; the report's truncation_stop and truncation_energy_error say which\n"
                           "  ended it, and a cap reached above the tolerance is warned about); it runs no fit, so -sna_fit_max_it,\n"
                           "  the ALS, validation and slow-progress options, -sna_fit_error_if_not_converged and the start options -sna_khronos_init,\n"
                           "  -sna_khronos_init_spread and -sna_khronos_seed are refused. als: f and the face data\n"
                           "  compressed to low rank (-khronos_source_tol 1e-12, -khronos_source_rank 16, -khronos_source_cross\n"
                           "  true: try a rank-1 cross of f first; a source tolerance not reached is warned about; source_tol and\n"
                           "  source_tol_met in the report, where a source tolerance was applied), greedy rank enrichment up to\n"
                           "  -sna_khronos_modes M (4) with\n"
                           "  -sna_fit_max_it (50) ALS sweeps per stage, each new mode started at random (-sna_khronos_seed), kept\n"
                           "  when it lowers the energy by more than -sna_fit_rtol |J| (1e-10): the SNA class's Ritz fit (SNASetRitzForm),\n"
                           "  whose stop reason the report gives (converged_reason: the last ALS stage's; DIVERGED_* warned about); rank_stop says what ended\n"
                           "  the rank growth: tolerance, or rank cap (-sna_khronos_modes reached, more modes not tried; warned about\n"
                           "  when M > 1). -sna_monitor [ascii:f]: energies per rank/sweep and the solver's own lines (to stdout, or the file f).\n"
                           "  The old -khronos_degree, -khronos_nodes, -khronos_modes, -khronos_sweeps, -khronos_tol and\n"
                           "  -khronos_monitor are rejected, naming the new option.\n";

#include <snaps.h>
#include "exact.h"
#include "errors.h"
#include "fem.h"
#include "galerkin.h"
#include "mesh.h"
#include <string.h>

/* The error quadrature (u and grad u of the exact solution at every quadrature point) is most of a 3-D run's time:
   its own -log_view event, and its time (the slowest rank's) in the printed line and the report. */
static PetscLogEvent POISSON_ERRORS;

static PetscErrorCode ErrorsTimeStart(PetscLogDouble *t0)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(POISSON_ERRORS, 0, 0, 0, 0));
  PetscCall(PetscTime(t0));
  PetscFunctionReturn(0);
}

static PetscErrorCode ErrorsTimeEnd(PetscLogDouble t0, PetscReal *seconds)
{
  PetscLogDouble t1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t1));
  PetscCall(PetscLogEventEnd(POISSON_ERRORS, 0, 0, 0, 0));
  *seconds = (PetscReal)(t1 - t0);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, seconds, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

/* A -results report holding the fields every method writes; the caller adds its own and writes it. The box
   [a,b]^d is left out when a >= b (a mesh file, whose domain the caller reports), error_cells when ecells is 0 (an
   error quadrature without the grid, which the caller names). */
static PetscErrorCode PoissonReportCreate(const char method[], const char exprs[], PetscInt dim, PetscReal a, PetscReal b, PetscInt dofs, PetscInt degree, PetscReal l2sq, PetscReal h1, PetscInt ecells, PetscInt eorder, PetscReal setup, PetscReal solve, SNAPSReport *report)
{
  PetscFunctionBegin;
  PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, report));
  PetscCall(SNAPSReportSetString(*report, "program", "snaps-poisson"));
  PetscCall(SNAPSReportSetString(*report, "method", method));
  PetscCall(SNAPSReportSetString(*report, "exact", exprs));
  PetscCall(SNAPSReportSetInt(*report, "dim", dim));
  if (a < b) {
    PetscCall(SNAPSReportSetReal(*report, "domain_lower", a));
    PetscCall(SNAPSReportSetReal(*report, "domain_upper", b));
  }
  PetscCall(SNAPSReportSetInt(*report, "dofs", dofs));
  PetscCall(SNAPSReportSetInt(*report, "degree", degree));
  PetscCall(SNAPSReportSetReal(*report, "l2_error_squared", l2sq));
  PetscCall(SNAPSReportSetReal(*report, "h1_error", h1));
  if (ecells > 0) PetscCall(SNAPSReportSetInt(*report, "error_cells", ecells));
  PetscCall(SNAPSReportSetInt(*report, "error_order", eorder));
  PetscCall(SNAPSReportSetReal(*report, "setup_time_s", setup));
  PetscCall(SNAPSReportSetReal(*report, "solve_time_s", solve));
  PetscCall(SNAPSReportSetReal(*report, "wall_time_s", setup + solve));
  PetscFunctionReturn(0);
}

/* The output files given (NULL: not given), under their option names, as snaps-fit records its files. */
static PetscErrorCode ReportFiles(SNAPSReport report, const char view[], const char model[])
{
  PetscFunctionBegin;
  if (view) PetscCall(SNAPSReportSetString(report, "view_solution", view));
  if (model) PetscCall(SNAPSReportSetString(report, "model", model));
  PetscFunctionReturn(0);
}

/* -view_solution (npoints per direction) and -model of -method khronos: writes the solution on a grid and saves
   it as an SNA model (either file name may be NULL). */
static PetscErrorCode KhronosWrite(PoissonKhronos *kh, const char view[], PetscInt npoints, const char model[])
{
  PetscFunctionBegin;
  if (view) PetscCall(PoissonKhronosViewSolution(kh, view, npoints));
  if (model) {
    PetscCall(SNASave(kh->sna, model));
    PetscCall(PetscPrintf(kh->comm, "snaps-poisson: solution saved as a KHRONOS model (%" PetscInt_FMT " modes + %" PetscInt_FMT " lifting terms) in %s\n", kh->modes, kh->lift_terms, model));
  }
  PetscFunctionReturn(0);
}

/* -method khronos: solves, prints one line and writes the -results report (same fields as FEM, plus the
   KHRONOS figures), the -view_solution grid and the -model file. For d >= 4 the reported
   l2_error_squared is the separable one (error_method). */
static PetscErrorCode KhronosMain(PoissonExact exact, const char exprs[], PetscInt dim, PetscReal a, PetscReal b, PetscInt ecells, PetscInt eorder, const char results[], const char view[], PetscInt npoints, const char model[])
{
  PoissonKhronos kh;
  PetscReal      l2grid, l2sep, h1, l2sq, uerr, terr;
  PetscLogDouble t0;
  PetscInt       urank;
  PetscMPIInt    size;
  const char    *emethod;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PoissonKhronosSolve(PETSC_COMM_WORLD, exact, dim, a, b, &kh));
  PetscCall(ErrorsTimeStart(&t0));
  PetscCall(PoissonKhronosComputeErrors(&kh, exact, ecells, eorder, &l2grid, &h1, &l2sep, &urank, &uerr));
  PetscCall(ErrorsTimeEnd(t0, &terr));
  emethod = dim >= 4 ? "separable" : "grid";
  l2sq    = dim >= 4 ? l2sep : l2grid;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-poisson: khronos degree %" PetscInt_FMT " %" PetscInt_FMT "-D, G %" PetscInt_FMT ", rank %" PetscInt_FMT ", %" PetscInt_FMT " dofs, %d ranks: L2 error^2 %.6e (%s; grid %.6e, separable %.6e), H1 error %.6e, source %s rank %" PetscInt_FMT " (rel. error %.1e), %" PetscInt_FMT " lifting terms, %.3f s, errors %.3f s\n", kh.degree, dim,
                        kh.nodes, kh.modes, kh.dofs, size, (double)l2sq, emethod, (double)l2grid, (double)l2sep, (double)h1, kh.source_method, kh.source_rank, (double)kh.source_error, kh.lift_terms, (double)(kh.setup_time + kh.solve_time), (double)terr));
  if (kh.source_rank > 0 && kh.source_error > kh.source_tol)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "WARNING: snaps-poisson: the source's rank-%" PetscInt_FMT " compression has relative error %.1e, above -khronos_source_tol %g: the rank growth stopped (no further improvement, or -khronos_source_rank) and the best rank found is used; raise -khronos_source_rank, or set -khronos_source_tol to what is reachable\n", kh.source_rank, (double)kh.source_error, (double)kh.source_tol));
  if (kh.truncation && !strcmp(kh.truncation, "rank cap"))
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "WARNING: snaps-poisson: the tensor solve's rank truncation stopped at the rank cap -sna_khronos_modes %" PetscInt_FMT " with energy error %.3e, above the tolerance -sna_fit_rtol %g |J|: raise -sna_khronos_modes (or leave it unset) for the tolerance\n", kh.modes, (double)kh.truncation_error, (double)kh.tol));
  /* the report's converged_reason alone said that the last ALS stage ran out of sweeps (or went non-finite) */
  if (kh.reason && !strncmp(kh.reason, "DIVERGED", 8))
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "WARNING: snaps-poisson: the ALS solve did not converge (%s: %s): %s\n", kh.reason, !strcmp(kh.reason, "DIVERGED_ITS") ? "its last stage used all -sna_fit_max_it sweeps" : "see -sna_monitor",
                          !strcmp(kh.reason, "DIVERGED_ITS") ? "raise -sna_fit_max_it" : "check -exact and the basis options"));
  /* a cap of 1 tells nothing of a further mode; above 1 the last mode kept still lowered the energy by more than the tolerance */
  if (kh.rank_stop && !strcmp(kh.rank_stop, "rank cap") && kh.modes_max > 1)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "WARNING: snaps-poisson: the ALS solve's rank growth stopped at the rank cap -sna_khronos_modes %" PetscInt_FMT ", its last mode still lowering the energy by more than -sna_fit_rtol %g |J|, so more modes were not tried (converged_reason %s is the last ALS stage's): raise -sna_khronos_modes for the tolerance\n", kh.modes_max, (double)kh.tol, kh.reason));
  PetscCall(SNAViewFromOptions(kh.sna, NULL, "-sna_view"));
  PetscCall(KhronosWrite(&kh, view, npoints, model));
  if (results) {
    SNAPSReport report;

    PetscCall(PoissonReportCreate("khronos", exprs, dim, a, b, kh.dofs, kh.degree, l2sq, h1, ecells, eorder, kh.setup_time, kh.solve_time, &report));
    PetscCall(ReportFiles(report, view, model));
    PetscCall(SNAPSReportSetInt(report, "nodes", kh.nodes));
    PetscCall(SNAPSReportSetInt(report, "modes", kh.modes));
    PetscCall(SNAPSReportSetInt(report, "modes_max", kh.modes_max));
    PetscCall(SNAPSReportSetInt(report, "als_sweeps", kh.total_sweeps));
    PetscCall(SNAPSReportSetReal(report, "energy", kh.energy));
    PetscCall(SNAPSReportSetString(report, "solve", kh.solve));
    if (kh.reason) PetscCall(SNAPSReportSetString(report, "converged_reason", kh.reason));
    if (kh.rank_stop) PetscCall(SNAPSReportSetString(report, "rank_stop", kh.rank_stop));
    if (kh.truncation) { /* the tensor solve */
      PetscCall(SNAPSReportSetString(report, "truncation_stop", kh.truncation));
      PetscCall(SNAPSReportSetReal(report, "truncation_energy_error", kh.truncation_error));
    }
    PetscCall(SNAPSReportSetInt(report, "source_rank", kh.source_rank));
    PetscCall(SNAPSReportSetReal(report, "source_rel_error", kh.source_error));
    if (kh.source_tol_used) { /* the tensor solve without the cross probe of f applies no source tolerance */
      PetscCall(SNAPSReportSetReal(report, "source_tol", kh.source_tol));
      PetscCall(SNAPSReportSetBool(report, "source_tol_met", (PetscBool)(kh.source_error <= kh.source_tol)));
    }
    PetscCall(SNAPSReportSetString(report, "source_fit", kh.source_method));
    PetscCall(SNAPSReportSetInt(report, "lifting_terms", kh.lift_terms));
    PetscCall(SNAPSReportSetString(report, "error_method", emethod));
    PetscCall(SNAPSReportSetReal(report, "l2_error_squared_grid", l2grid));
    PetscCall(SNAPSReportSetReal(report, "l2_error_squared_separable", l2sep));
    PetscCall(SNAPSReportSetReal(report, "error_time_s", terr));
    PetscCall(SNAPSReportSetInt(report, "exact_rank", urank));
    PetscCall(SNAPSReportSetReal(report, "exact_rel_error", uerr));
    PetscCall(SNAPSReportWrite(report, results));
    PetscCall(SNAPSReportDestroy(&report));
  }
  PetscCall(PoissonKhronosDestroy(&kh));
  PetscFunctionReturn(0);
}

/* The outputs (NULL when not asked for), the .xmf written beside -view_solution among them, are refused before any work
   when they cannot be written, name the same file, or are the mesh file that is read; and so is the file of any viewer
   option (-exact_view, -sna_monitor, -ksp_guess_sna_monitor ascii:<file>, -log_view, -ksp_view, ...: SNAPSCheckFiles()),
   before -exact_view opens (empties) its file: -exact_view ascii:<the mesh> emptied the mesh, -log_view ascii:<the mesh>
   replaced it at the end of the run, and -exact_view ascii:<the -results file> was replaced by it. */
static PetscErrorCode CheckOutputs(const char results[], const char view[], const char model[])
{
  char        mesh[PETSC_MAX_PATH_LEN] = "", xmf[PETSC_MAX_PATH_LEN] = "";
  PetscBool   hasmesh;
  const char *outopts[4] = {"-results", "-view_solution", "-view_solution's XDMF file", "-model"}, *outs[4] = {results, view, view ? xmf : NULL, model}, *inopts[1] = {"-dm_plex_filename"}, *ins[1] = {mesh};

  PetscFunctionBegin;
  if (view) PetscCall(SNAPSTrajectoryXdmfName(view, xmf, sizeof(xmf)));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dm_plex_filename", mesh, sizeof(mesh), &hasmesh));
  PetscCall(SNAPSCheckFiles(PETSC_COMM_WORLD, hasmesh ? 1 : 0, inopts, ins, 4, outopts, outs)); /* an XDMF name is empty beside a stream: skipped */
  PetscFunctionReturn(0);
}

/* -help: lists the options of the error quadrature and of the method (mesh, element and solver; or the SNA's)
   without solving. A help run checks none of the options: an out-of-range -dim or an -exact that does not parse
   is replaced, for the listing only, by 2 or by u = 0. */
static PetscErrorCode ViewOptions(PetscInt method, const char exprs[], PetscInt dim, PetscReal a, PetscReal b)
{
  PoissonExact   exact;
  PetscInt       ecells, eorder;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  if (dim < 1 || dim > POISSON_EXACT_MAX_DIM) dim = 2;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PoissonExactCreate(PETSC_COMM_WORLD, exprs, dim, &exact);
  PetscCall(PetscPopErrorHandler());
  if (ierr) PetscCall(PoissonExactCreate(PETSC_COMM_WORLD, "0", dim, &exact));
  PetscCall(PoissonErrorsGetOptions(PETSC_COMM_WORLD, dim, &ecells, &eorder));
  if (method == 1)
    PetscCall(PoissonKhronosViewOptions(PETSC_COMM_WORLD, dim, a, b)); /* the solver's defaults, as a run has them */
  else
    PetscCall(PoissonFEMViewOptions(PETSC_COMM_WORLD, exact, dim, a, b));
  PetscCall(PoissonExactDestroy(&exact));
  PetscFunctionReturn(0);
}

static const char *const MethodNames[] = {"fem", "khronos"};

/* The program's options, read once by PoissonOptionsRead() (the mesh, element, solver and SNA options are read by
   the methods; the error quadrature's by PoissonErrorsGetOptions()) */
typedef struct {
  char      exprs[PETSC_MAX_PATH_LEN], results[PETSC_MAX_PATH_LEN], viewfile[PETSC_MAX_PATH_LEN], model[PETSC_MAX_PATH_LEN];
  PetscInt  method, dim, vpoints; /* method: 0 fem, 1 khronos (MethodNames) */
  PetscReal dom[2], a, b;
  PetscBool hasresults, hasview, hasmodel, exactview, vpset;
} PoissonOptions;

static PetscErrorCode PoissonOptionsRead(PoissonOptions *o)
{
  const char *named[4] = {"-results", "-view_solution", "-model", "-dm_plex_filename"};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  PetscCall(PetscStrncpy(o->exprs, "sin(pi*x)*sin(pi*y)", sizeof(o->exprs)));
  o->dim    = 2;
  o->dom[0] = -1;
  o->dom[1] = 1;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "snaps-poisson options", NULL);
  PetscCall(PetscOptionsEList("-method", "Discretisation", NULL, MethodNames, 2, MethodNames[o->method], &o->method, NULL));
  PetscCall(PetscOptionsString("-exact", "Exact solution u(x)", NULL, o->exprs, o->exprs, sizeof(o->exprs), NULL));
  PetscCall(PetscOptionsInt("-dim", "Dimension", NULL, o->dim, &o->dim, NULL));
  o->vpoints = o->dim == 3 ? 33 : 129;
  PetscCall(PetscOptionsInt("-khronos_view_points", "Grid points per direction of -view_solution with -method khronos (2-D 129, 3-D 33)", NULL, o->vpoints, &o->vpoints, &o->vpset));
  PetscCall(PetscOptionsString("-results", "JSON report file", NULL, o->results, o->results, sizeof(o->results), &o->hasresults));
  PetscCall(PetscOptionsString("-view_solution", "HDF5 file for mesh and solution (+ .xmf)", NULL, o->viewfile, o->viewfile, sizeof(o->viewfile), &o->hasview));
  PetscCall(PetscOptionsString("-model", "HDF5 file for the KHRONOS solution as an SNA model (-method khronos)", NULL, o->model, o->model, sizeof(o->model), &o->hasmodel));
  /* given without a name: "-results" last on the line failed after -view_solution was written, and
     -dm_plex_filename with no mesh failed in DMPlex ("DM is not fully interpolated") */
  PetscCall(SNAPSOptionsCheckFileNames(PETSC_COMM_WORLD, NULL, 4, named));
  PetscCall(PetscOptionsName("-exact_view", "Print u and the derived source (to stdout, or ascii:<file>)", NULL, &o->exactview));
  PetscCall(PoissonMeshDomainOption(PetscOptionsObject, o->dom, &o->a, &o->b));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* The checks before any work: options that do not apply to the method or dimension, the view grid, the files */
static PetscErrorCode CheckPoissonOptions(const PoissonOptions *o)
{
  const PetscInt method = o->method, dim = o->dim;

  PetscFunctionBegin;
  PetscCheck(!o->hasmodel || method == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-model %s saves a KHRONOS solution as an SNA model: it needs -method khronos (a FEM solution is not an SNA; use -view_solution)", o->model);
  PetscCheck(!o->hasview || method == 0 || dim == 2 || dim == 3, PETSC_COMM_WORLD, PETSC_ERR_SUP, "-view_solution with -method khronos writes 2-D and 3-D grids for ParaView, not -dim %" PetscInt_FMT ": save the solution with -model u.h5 and evaluate it with snaps-predict instead", dim);
  /* PETSc writes 1-D vertices as a vector, which the .xmf (XDMF: 2-D or 3-D geometry) cannot describe: refused before the
     solve (it failed after it, "Error in external library", leaving u.h5 without its .xmf) */
  PetscCheck(!o->hasview || method == 1 || dim >= 2, PETSC_COMM_WORLD, PETSC_ERR_SUP, "-view_solution with -method fem writes the mesh and the solution with an XDMF description for ParaView in 2-D and 3-D, not -dim %" PetscInt_FMT ": remove -view_solution (the errors are reported without it)", dim);
  PetscCheck(dim >= 1 && dim <= POISSON_EXACT_MAX_DIM, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-dim must be between 1 and %d, not %" PetscInt_FMT, POISSON_EXACT_MAX_DIM, dim);
  PetscCheck(!o->vpset || (method == 1 && o->hasview), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-khronos_view_points %" PetscInt_FMT " sets the grid that -view_solution writes with -method khronos, but %s: add %s, or remove -khronos_view_points", o->vpoints, method == 1 ? "there is no -view_solution" : "the method is fem (its -view_solution writes the mesh)", method == 1 ? "-view_solution u.h5" : "-method khronos");
  if (method == 1 && o->hasview) PetscCall(PoissonKhronosCheckViewPoints(PETSC_COMM_WORLD, dim, o->vpoints)); /* before the solve, not after it */
  PetscCall(CheckOutputs(o->hasresults ? o->results : NULL, o->hasview ? o->viewfile : NULL, o->hasmodel ? o->model : NULL));
  PetscFunctionReturn(0);
}

/* The exact solution on the domain, the error quadrature's options and -exact_view (its viewer opened last) */
static PetscErrorCode SetUpExact(const PoissonOptions *o, PoissonExact *exact, PetscInt *ecells, PetscInt *eorder)
{
  PetscFunctionBegin;
  PetscCall(PoissonExactCreate(PETSC_COMM_WORLD, o->exprs, o->dim, exact));
  PetscCall(PoissonExactSetDomain(*exact, o->a, o->b)); /* a mesh file: -1, 1 (-domain is refused with it) */
  /* -exact_view: alone, a boolean, or ascii:<file>, as the other text views and monitors; its viewer is kept open by
     the exact solution to the end of the run: an option naming the same file later (-sna_monitor ascii:<file>) then
     gets this shared viewer and writes after the view (destroyed at once, the file was closed and reopened, emptied,
     by it, the view lost). Opened after the checks of the other options and outputs, here and in the solvers: a run
     refused by them leaves no view file */
  PetscCall(PoissonErrorsGetOptions(PETSC_COMM_WORLD, o->dim, ecells, eorder));
  if (o->hasview) PetscCall(SNAPSTrajectoryCheckName(PETSC_COMM_WORLD, "-view_solution", o->viewfile, PETSC_TRUE)); /* its .xmf names it */
  if (o->exactview) PetscCall(PoissonExactSetViewFromOptions(*exact));
  PetscFunctionReturn(0);
}

/* The -results report of -method fem: the common fields, the error quadrature's grid (or its rule on the cells), the
   mesh and the solver's iterations */
static PetscErrorCode FEMReport(const PoissonOptions *o, PoissonFEM *fem, PetscInt eorder, PetscReal l2sq, PetscReal h1, PetscReal terr)
{
  const PetscInt  dim  = o->dim;
  const PetscBool grid = (PetscBool)(fem->box || (!fem->mesh[0] && !fem->simplex)); /* the error's grid rule applies */
  SNAPSReport     report;
  PetscReal       faces[3], lo[3], hi[3];
  PetscInt        eused = PETSC_MAX_INT; /* the grid used: whole sub-cells per mesh cell, so at least -error_cells */
  PetscReal       ecells_dir[3];

  PetscFunctionBegin;
  for (PetscInt d = 0; d < dim; d++) {
    eused         = PetscMin(eused, fem->error_cells[d]);
    ecells_dir[d] = (PetscReal)fem->error_cells[d];
  }
  PetscCall(PoissonReportCreate(MethodNames[o->method], o->exprs, dim, fem->mesh[0] ? 0 : o->a, fem->mesh[0] ? 0 : o->b, fem->dofs, fem->degree, l2sq, h1, grid ? eused : 0, eorder, fem->setup_time, fem->solve_time, &report));
  PetscCall(ReportFiles(report, o->hasview ? o->viewfile : NULL, NULL));
  if (grid) PetscCall(SNAPSReportSetRealArray(report, "error_cells_per_direction", dim, ecells_dir));
  if (!grid) PetscCall(SNAPSReportSetString(report, "error_quadrature", fem->simplex ? "Stroud conical rule of degree + error_order points per cell" : "error_order Gauss points per direction and cell"));
  PetscCall(SNAPSReportSetString(report, "cell_type", PoissonMeshReportsSimplex(dim, fem->simplex) ? "simplex" : "tensor"));
  PetscCall(SNAPSReportSetString(report, "assembly", fem->box ? "box" : "plex"));
  PetscCall(SNAPSReportSetInt(report, "cells", fem->cells));
  if (!fem->mesh[0]) { /* the mesh solved on, -dm_refine included: one count per direction */
    for (PetscInt d = 0; d < dim; d++) faces[d] = (PetscReal)fem->faces[d];
    PetscCall(SNAPSReportSetRealArray(report, "cells_per_direction", dim, faces));
  } else { /* the file's domain: its bounding box, not -domain (refused with a mesh file) */
    PetscCall(SNAPSReportSetString(report, "mesh", fem->mesh));
    PetscCall(DMGetBoundingBox(fem->dm, lo, hi));
    PetscCall(SNAPSReportSetRealArray(report, "mesh_lower", dim, lo));
    PetscCall(SNAPSReportSetRealArray(report, "mesh_upper", dim, hi));
  }
  PetscCall(SNAPSReportSetInt(report, "ksp_iterations", fem->iterations));
  PetscCall(SNAPSReportSetReal(report, "error_time_s", terr));
  PetscCall(SNAPSReportWrite(report, o->results));
  PetscCall(SNAPSReportDestroy(&report));
  PetscFunctionReturn(0);
}

/* -method fem: solves, prints one line and writes the -view_solution file and the -results report */
static PetscErrorCode FEMMain(const PoissonOptions *o, PoissonExact exact, PetscInt ecells, PetscInt eorder)
{
  PoissonFEM     fem;
  PetscReal      l2sq, h1, terr;
  PetscLogDouble t0;
  PetscMPIInt    size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PoissonFEMSolve(PETSC_COMM_WORLD, exact, o->dim, o->a, o->b, &fem));
  PetscCall(ErrorsTimeStart(&t0));
  PetscCall(PoissonFEMComputeErrors(&fem, exact, ecells, eorder, &l2sq, &h1));
  PetscCall(ErrorsTimeEnd(t0, &terr));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps-poisson: fem %s%" PetscInt_FMT " %" PetscInt_FMT "-D, %" PetscInt_FMT " cells, %" PetscInt_FMT " dofs, %d ranks: L2 error^2 %.6e, H1 error %.6e, %" PetscInt_FMT " iterations, %.3f s, errors %.3f s\n", PoissonMeshReportsSimplex(o->dim, fem.simplex) ? "P" : "Q",
                        fem.degree, o->dim, fem.cells, fem.dofs, size, (double)l2sq, (double)h1, fem.iterations, (double)(fem.setup_time + fem.solve_time), (double)terr));
  if (o->hasview) PetscCall(PoissonFEMViewSolution(&fem, o->viewfile));
  if (o->hasresults) PetscCall(FEMReport(o, &fem, eorder, l2sq, h1, terr));
  PetscCall(PoissonFEMDestroy(&fem));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PoissonOptions o;
  PoissonExact   exact;
  PetscInt       ecells, eorder;
  PetscBool      helpflg;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(SNAGuessInitializePackage()); /* -ksp_guess_type sna without -dll_append, as snaps-poisson-param */
  PetscCall(PetscLogEventRegister("PoissonErrors", DM_CLASSID, &POISSON_ERRORS));
  PetscCall(PoissonOptionsRead(&o));
  PetscCall(PetscOptionsHasHelp(NULL, &helpflg));
  if (helpflg) {
    PetscCall(ViewOptions(o.method, o.exprs, o.dim, o.a, o.b));
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCall(CheckPoissonOptions(&o));
  PetscCall(SetUpExact(&o, &exact, &ecells, &eorder));
  if (o.method == 1)
    PetscCall(KhronosMain(exact, o.exprs, o.dim, o.a, o.b, ecells, eorder, o.hasresults ? o.results : NULL, o.hasview ? o.viewfile : NULL, o.vpoints, o.hasmodel ? o.model : NULL));
  else
    PetscCall(FEMMain(&o, exact, ecells, eorder));
  PetscCall(PoissonExactDestroy(&exact));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
