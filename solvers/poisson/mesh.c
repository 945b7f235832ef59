/* The serial Poisson mesh (see mesh.h). */
#include "mesh.h"
#include <snaps/options.h>
#include <snaps/report.h>
#include <string.h>

PetscErrorCode PoissonMeshDomainOption(PetscOptionItems *PetscOptionsObject, const PetscReal def[], PetscReal *a, PetscReal *b)
{
  PetscReal dom[3] = {def[0], def[1], 0};
  PetscInt  n      = 3; /* one more than needed: a third value is refused, not dropped */
  PetscBool set, help;
  MPI_Comm  comm = PetscOptionsObject->comm;

  PetscFunctionBegin;
  PetscCall(PetscOptionsRealArray("-domain", "The box [a,b]^d: a,b", NULL, dom, &n, &set));
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help && (n != 2 || !(dom[0] < dom[1]) || PetscIsInfOrNanReal(dom[0]) || PetscIsInfOrNanReal(dom[1]))) { /* a help run checks nothing: the default box for the listing */
    dom[0] = def[0];
    dom[1] = def[1];
    n      = 2;
  }
  /* n is capped at the array's 3 slots: 3 means three or more */
  PetscCheck(!set || n == 2, comm, PETSC_ERR_USER_INPUT, "-domain needs two numbers a,b (the box [a,b]^d), got %s%" PetscInt_FMT, n == 3 ? "more than " : "", n == 3 ? 2 : n);
  PetscCheck(!PetscIsInfOrNanReal(dom[0]) && !PetscIsInfOrNanReal(dom[1]), comm, PETSC_ERR_USER_INPUT, "-domain %g,%g: the bounds must be finite", (double)dom[0], (double)dom[1]);
  PetscCheck(dom[0] < dom[1], comm, PETSC_ERR_USER_INPUT, "-domain %g,%g is empty: need a < b", (double)dom[0], (double)dom[1]);
  *a = dom[0];
  *b = dom[1];
  PetscFunctionReturn(0);
}

/* Refuses a box mesh that cannot fit in memory. A P1/Q1 solve (mesh, field, matrix, multigrid) takes about 1.6 kB
   per cell in 2-D and 4 kB in 3-D (snaps-poisson, measured on 1e6 and 2.6e5 cells); the count is formed in
   floating point, so -dm_plex_box_faces 2147483647 cannot wrap. */
static PetscErrorCode PoissonMeshCheckMemory(MPI_Comm comm, PetscInt dim, const PetscInt box[])
{
  const PetscLogDouble percell[4] = {0, 500, 1600, 4000};
  PetscLogDouble       ncells     = 1;
  char                 what[128];

  PetscFunctionBegin;
  for (PetscInt d = 0; d < dim; d++) ncells *= box[d];
  PetscCall(PetscSNPrintf(what, sizeof(what), "-dm_plex_box_faces (a box mesh of %.3g cells)", (double)ncells));
  PetscCall(SNAPSCheckMemory(comm, percell[dim] * ncells, what));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonMeshGetOptions(MPI_Comm comm, const char program[], PetscInt dim, PetscInt default_faces, char mesh[], size_t meshlen, PetscInt faces[], PetscBool *simplex)
{
  PetscBool hasfile, hasfaces;
  PetscInt  nfaces = 4, box[4] = {default_faces, default_faces, default_faces, 0}; /* one more: extra counts are refused */

  PetscFunctionBegin;
  *simplex = PETSC_FALSE;
  mesh[0]  = 0;
  PetscOptionsBegin(comm, NULL, "FEM mesh", "DMPLEX");
  PetscCall(PetscOptionsString("-dm_plex_filename", "Mesh file (gmsh .msh) instead of the box mesh", "DMPlexCreateFromFile", mesh, mesh, meshlen, &hasfile));
  PetscCall(PetscOptionsIntArray("-dm_plex_box_faces", "Box mesh cells per direction", "DMPlexCreateBoxMesh", box, &nfaces, &hasfaces));
  PetscCall(PetscOptionsBool("-dm_plex_simplex", "Box mesh of simplices instead of quadrilaterals/hexahedra", "DMPlexCreateBoxMesh", *simplex, simplex, NULL));
  PetscOptionsEnd();
  if (hasfile) {
    PetscBool hasdomain, help;
    PetscCall(PetscOptionsHasName(NULL, NULL, "-domain", &hasdomain));
    PetscCall(PetscOptionsHasHelp(NULL, &help));
    PetscCheck(!hasdomain || help, comm, PETSC_ERR_USER_INPUT, "-domain sets the box mesh, but -dm_plex_filename '%s' gives the mesh, and with it the domain: remove -domain (or -dm_plex_filename)", mesh);
    PetscFunctionReturn(0);
  }
  PetscCheck(dim >= 1 && dim <= 3, comm, PETSC_ERR_SUP, "%s solves 1-D, 2-D and 3-D FEM problems, not %" PetscInt_FMT "-D", program, dim);
  if (!hasfaces) nfaces = dim;
  if (nfaces == 1)
    for (PetscInt d = 1; d < dim; d++) box[d] = box[0]; /* -dm_plex_box_faces n means n in every direction */
  else
    PetscCheck(nfaces == dim, comm, PETSC_ERR_USER_INPUT, "-dm_plex_box_faces needs one count per direction (%" PetscInt_FMT ") or a single one, not %s%" PetscInt_FMT "%s", dim, nfaces == 4 ? "more than " : "", nfaces == 4 ? 3 : nfaces, nfaces > dim ? " (check -dim)" : ""); /* nfaces is capped at the array's 4 slots */
  for (PetscInt d = 0; d < dim; d++) {
    PetscCheck(box[d] >= 1, comm, PETSC_ERR_USER_INPUT, "-dm_plex_box_faces: %" PetscInt_FMT " cells in direction %" PetscInt_FMT, box[d], d);
    faces[d] = box[d];
  }
  PetscCall(PoissonMeshCheckMemory(comm, dim, box));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonMeshCreateSerial(MPI_Comm comm, const char program[], PetscInt dim, PetscReal a, PetscReal b, PetscInt default_faces, char mesh[], size_t meshlen, PetscInt faces[], DM *dm)
{
  PetscBool simplex;
  DMLabel   label;

  PetscFunctionBegin;
  PetscCall(PoissonMeshGetOptions(comm, program, dim, default_faces, mesh, meshlen, faces, &simplex));
  if (mesh[0]) {
    PetscInt mdim;
    PetscCall(DMPlexCreateFromFile(comm, mesh, program, PETSC_TRUE, dm));
    PetscCall(DMGetDimension(*dm, &mdim));
    PetscCheck(mdim == dim, comm, PETSC_ERR_USER_INPUT, "The mesh '%s' is %" PetscInt_FMT "-D but the problem is %" PetscInt_FMT "-D (set -dim)", mesh, mdim, dim);
  } else {
    PetscReal lower[3], upper[3];
    for (PetscInt d = 0; d < dim; d++) {
      lower[d] = a;
      upper[d] = b;
    }
    if (simplex && dim > 1) { /* DMPlex meshes a box of simplices with a mesh generator, which PETSc may lack */
      PetscBool has;
      PetscCall(PetscHasExternalPackage(dim == 2 ? "triangle" : "ctetgen", &has));
      if (!has && dim == 3) PetscCall(PetscHasExternalPackage("tetgen", &has));
      PetscCheck(has, comm, PETSC_ERR_SUP, "-dm_plex_simplex: a %" PetscInt_FMT "-D box of simplices needs PETSc built with %s, which this PETSc lacks: mesh the box with gmsh and give it as -dm_plex_filename (meshes/README.md), or drop -dm_plex_simplex", dim, dim == 2 ? "triangle" : "ctetgen or tetgen");
    }
    PetscCall(DMPlexCreateBoxMesh(comm, dim, simplex, faces, lower, upper, NULL, PETSC_TRUE, dm));
  }
  PetscCall(PetscObjectSetName((PetscObject)*dm, "mesh"));
  PetscCall(DMCreateLabel(*dm, "boundary"));
  PetscCall(DMGetLabel(*dm, "boundary", &label));
  PetscCall(DMPlexMarkBoundaryFaces(*dm, 1, label));
  PetscCall(DMPlexLabelComplete(*dm, label));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonMeshDegreeOption(MPI_Comm comm, PetscInt *degree)
{
  PetscFunctionBegin;
  *degree = 1;
  PetscOptionsBegin(comm, NULL, "FEM discretisation", "PetscFE");
  PetscCall(PetscOptionsInt("-petscspace_degree", "Degree of the Lagrange field (1 to 8)", "PetscSpaceSetDegree", *degree, degree, NULL));
  PetscOptionsEnd();
  PetscCheck(*degree >= 1 && *degree <= 8, comm, PETSC_ERR_USER_INPUT, "-petscspace_degree must be between 1 and 8, not %" PetscInt_FMT, *degree);
  PetscFunctionReturn(0);
}

/*@C
  PoissonMeshReportsSimplex - Whether reports name the cells simplices (P_k, cell_type "simplex") rather than tensor
  cells (Q_k, "tensor"). A segment is both, and DMPlexIsSimplex() calls it a simplex while the box path (box.h) knows
  tensor cells only, so one 1-D discretisation was reported "P1 simplex" or "Q1 tensor" depending on the path. 1-D
  cells are called tensor cells on every path: the default 1-D solve is the box path, and -dm_plex_simplex (what makes
  the cells simplices where the two differ) is off by default. Not collective.
@*/
PetscBool PoissonMeshReportsSimplex(PetscInt dim, PetscBool simplex)
{
  return (PetscBool)(dim > 1 && simplex);
}

PetscErrorCode PoissonMeshAddLagrangeField(DM dm, PetscInt *degree)
{
  PetscFE   fe;
  PetscInt  dim;
  PetscBool simplex;

  PetscFunctionBegin;
  PetscCall(DMGetDimension(dm, &dim));
  PetscCall(DMPlexIsSimplex(dm, &simplex));
  PetscCall(PoissonMeshDegreeOption(PetscObjectComm((PetscObject)dm), degree));
  PetscCall(PetscFECreateLagrange(PETSC_COMM_SELF, dim, 1, simplex, *degree, PETSC_DETERMINE, &fe));
  PetscCall(PetscObjectSetName((PetscObject)fe, "u"));
  PetscCall(DMSetField(dm, 0, NULL, (PetscObject)fe));
  PetscCall(PetscFEDestroy(&fe));
  PetscCall(DMCreateDS(dm));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonViewTemporaryName(MPI_Comm comm, const char file[], char tmp[], size_t len)
{
  PetscFunctionBegin;
  PetscCall(SNAPSTemporaryName(file, tmp, len));
  PetscCallMPI(MPI_Bcast(tmp, (PetscMPIInt)len, MPI_CHAR, 0, comm)); /* the name holds rank 0's pid */
  {
    PetscMPIInt r_;

    PetscCallMPI(MPI_Comm_rank(comm, &r_));
    if (!r_) PetscCall(SNAPSTemporaryCreate(tmp, NULL)); /* 0600, exclusive; a failure: H5Fcreate says so */
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonViewCommit(MPI_Comm comm, const char tmp[], const char file[], PetscErrorCode ierr)
{
  PetscErrorCode outcome = ierr;
  int            err     = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &outcome, 1, MPI_INT, MPI_MAX, comm)); /* a rank that failed stops the rename */
  PetscCallMPI(MPI_Barrier(comm));                                                /* every rank has closed the file */
  PetscCall(SNAPSCommitTemporary(comm, tmp, file, &outcome, &err));
  PetscCheck(!outcome, comm, PETSC_ERR_FILE_WRITE, "Could not write -view_solution '%s'%s%s: an existing file is left as it was", file, err ? ": " : "", err ? strerror(err) : "");
  PetscFunctionReturn(0);
}

/* The error handler of PoissonErrorHoldPush(): records an error raised on hold->comm, prints any other one. */
static PetscErrorCode PoissonErrorHoldHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  PoissonErrorHold *hold = (PoissonErrorHold *)ctx;

  if (p == PETSC_ERROR_INITIAL) {
    int cmp = MPI_UNEQUAL;

    if (comm != MPI_COMM_NULL) (void)MPI_Comm_compare(comm, hold->comm, &cmp);
    hold->held = (cmp == MPI_IDENT || cmp == MPI_CONGRUENT) ? PETSC_TRUE : PETSC_FALSE;
    if (hold->held) (void)PetscStrncpy(hold->msg, mess ? mess : "", sizeof(hold->msg));
  }
  if (hold->held) return n;
  return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, NULL);
}

PetscErrorCode PoissonErrorHoldPush(MPI_Comm comm, PoissonErrorHold *hold)
{
  PetscFunctionBegin;
  hold->comm   = comm;
  hold->held   = PETSC_FALSE;
  hold->msg[0] = 0;
  PetscCall(PetscPushErrorHandler(PoissonErrorHoldHandler, hold));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonErrorHoldPop(PoissonErrorHold *hold)
{
  PetscFunctionBegin;
  (void)hold;
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonErrorHoldRaise(PoissonErrorHold *hold, PetscErrorCode ierr, const char from[], const char to[])
{
  char   msg[sizeof(hold->msg) + 2 * PETSC_MAX_PATH_LEN];
  size_t n = 0, lf = from ? strlen(from) : 0, lt = to ? strlen(to) : 0;

  PetscFunctionBegin;
  if (!ierr) PetscFunctionReturn(0);
  if (!hold->held) PetscCall(ierr); /* printed where it was raised */
  for (const char *s = hold->msg; *s && n + lt + 1 < sizeof(msg);) {
    if (lf && !strncmp(s, from, lf)) {
      memcpy(msg + n, to, lt);
      n += lt;
      s += lf;
    } else
      msg[n++] = *s++;
  }
  msg[n] = 0;
  SETERRQ(hold->comm, ierr, "%s", msg);
}
