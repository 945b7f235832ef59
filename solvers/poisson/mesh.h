/* The serial DMPlex mesh both Poisson programs start from: a gmsh file or a box, with its boundary marked. */
#pragma once

#include <petscdmplex.h>

/* Reads -domain a,b, the box [a,b]^d (def[0],def[1] when not given), inside an options block (the first
   argument is the block's PetscOptionsObject), and checks it: two finite numbers, a < b. */
PETSC_EXTERN PetscErrorCode PoissonMeshDomainOption(PetscOptionItems *, const PetscReal[], PetscReal *, PetscReal *);
/* Creates the serial mesh from -dm_plex_filename (a gmsh file whose dimension must be dim; mesh gets its
   name) or else the [a,b]^dim box of -dm_plex_box_faces cells (one count for every direction, or one per
   direction; default_faces when not given) and -dm_plex_simplex (mesh gets ""). faces[0..dim-1] get the box
   cells (left alone for a file). Marks every boundary face in the label "boundary" before any
   distribution: on a distributed mesh, faces on partition boundaries would look like boundary faces. The
   caller distributes and applies the other -dm_ options. program names the options section and the mesh. */
/* The mesh options of PoissonMeshCreateSerial without creating the mesh: mesh gets -dm_plex_filename ("" for a
   box), faces[0..dim-1] the box cells (checked, memory included), *simplex -dm_plex_simplex. -domain is refused
   with a mesh file, which sets the domain. */
PETSC_EXTERN PetscErrorCode PoissonMeshGetOptions(MPI_Comm, const char[], PetscInt, PetscInt, char[], size_t, PetscInt[], PetscBool *);
PETSC_EXTERN PetscErrorCode PoissonMeshCreateSerial(MPI_Comm, const char[], PetscInt, PetscReal, PetscReal, PetscInt, char[], size_t, PetscInt[], DM *);
/* Gives dm one scalar Lagrange field "u" of degree -petscspace_degree (1 to 8; default 1, where PETSc's
   own default would be 0) on its cells, simplices or tensor cells as the mesh has them, and creates its
   PetscDS. Returns the degree. Collective. */
PETSC_EXTERN PetscErrorCode PoissonMeshAddLagrangeField(DM, PetscInt *);
/* Whether reports name the cells simplices (P_k, cell_type "simplex") rather than tensor cells (Q_k, "tensor"), given
   the dimension and DMPlexIsSimplex(). A 1-D cell is both; it is called a tensor cell on every path. */
PETSC_EXTERN PetscBool PoissonMeshReportsSimplex(PetscInt, PetscBool);
/* Reads -petscspace_degree (1 to 8, default 1). Collective. */
PETSC_EXTERN PetscErrorCode PoissonMeshDegreeOption(MPI_Comm, PetscInt *);
/* -view_solution is written to a temporary file beside it (the name, rank 0's, on every rank) and renamed over it
   at the end, so that a failed write leaves an existing file as it was. ViewCommit takes the writer's error code
   (0: written): renames, or removes the temporary file and fails. Collective. */
PETSC_EXTERN PetscErrorCode PoissonViewTemporaryName(MPI_Comm, const char[], char[], size_t);
PETSC_EXTERN PetscErrorCode PoissonViewCommit(MPI_Comm, const char[], const char[], PetscErrorCode);
/* Holding back a collective error until a collective clean-up has run: PETSc's traceback handler parks the other
   ranks of an error raised on a communicator of several ranks (they sleep, then exit), so a clean-up that is
   collective (an HDF5 close, a rename agreed by all) after a PetscCall would hang. Between Push and Pop, an error
   raised on comm (or a congruent one) is recorded silently, and every rank returns its code; an error on another
   communicator (one rank's own) is printed at once as usual. After the clean-up, Raise re-raises a recorded error on
   comm with its message (with each occurrence of from replaced by to, say a temporary file's name by the user's),
   or returns ierr of an error already printed. */
typedef struct {
  MPI_Comm  comm;
  PetscBool held; /* the first error was raised on comm: not printed yet */
  char      msg[1024];
} PoissonErrorHold;
PETSC_EXTERN PetscErrorCode PoissonErrorHoldPush(MPI_Comm, PoissonErrorHold *);
PETSC_EXTERN PetscErrorCode PoissonErrorHoldPop(PoissonErrorHold *);
PETSC_EXTERN PetscErrorCode PoissonErrorHoldRaise(PoissonErrorHold *, PetscErrorCode, const char[], const char[]);
