/* Snapshot files (see snaps/snapshots.h): PETSc's HDF5 viewer for the rows, plain HDF5 for /X and the
   attributes, atomic rename at the end. Rank 0 alone writes the file: each row is gathered to it and viewed
   through a viewer on PETSC_COMM_SELF. With a collective parallel-HDF5 write, a failure on one rank (a full disk)
   left the others inside the collective call for ever; now the ranks agree on rank 0's outcome after each row. */
#include <snaps/snapshots.h>
#include <snaps/dataset.h>
#include <snaps/report.h>
#include <snaps/ordering.h>
#include <snaps/private/snaimpl.h>
#include <petscviewerhdf5.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

struct _n_SNAPSSnapshots {
  MPI_Comm    comm;
  PetscMPIInt rank;
  char        file[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN];
  char        fingerprint[17];
  PetscViewer viewer; /* rank 0's, on PETSC_COMM_SELF; NULL elsewhere, and after a failed write */
  PetscInt    q, n, N, cap;
  PetscBool   hasB, failed; /* failed (every rank): a write failed and the temporary file is gone */
  PetscReal  *X;            /* N x q, every rank */
};

/* Rank 0, after a failed write: closes and removes the temporary file, with no collective call. */
static void Abandon_Rank0(SNAPSSnapshots s)
{
  if (s->rank) return;
  if (PetscPushErrorHandler(PetscReturnErrorHandler, NULL)) return; /* closing a file that failed may fail too */
  if (s->viewer) {
    (void)PetscViewerHDF5PopTimestepping(s->viewer);
    (void)PetscViewerDestroy(&s->viewer);
  }
  (void)PetscPopErrorHandler();
  s->viewer = NULL;
  (void)unlink(s->tmp);
}

/*@C
  SNAPSSnapshotsCreate - Starts a snapshot file (the input of snaps-pod) for samples of q parameters and an operator
  fingerprint

  Collective

  Input Parameters:
+ comm        - the ranks that hold the solutions
. file        - the snapshot file; it is written under a temporary name beside it and renamed by SNAPSSnapshotsClose()
. q           - the number of parameters of a sample, at least 1
- fingerprint - the operator's fingerprint, 16 hexadecimal digits (SNAPSOperatorFingerprint())

  Output Parameter:
. snap - the writer

  Notes:
  Raises PETSC_ERR_ARG_OUTOFRANGE for q < 1, PETSC_ERR_ARG_WRONG for a fingerprint that is not 16 hexadecimal digits
  (or NULL), and PETSC_ERR_FILE_OPEN where rank 0 cannot create the temporary file (it leaves none behind).

  Level: intermediate

.seealso: SNAPSSnapshotsAdd(), SNAPSSnapshotsClose(), SNAPSSnapshotsDestroy(), SNAPSSnapshotsLoad(), SNAPSOperatorFingerprint()
@*/
PetscErrorCode SNAPSSnapshotsCreate(MPI_Comm comm, const char file[], PetscInt q, const char fingerprint[], SNAPSSnapshots *snap)
{
  SNAPSSnapshots s;
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscCheck(q >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "Snapshots need at least one parameter, not %" PetscInt_FMT, q);
  PetscCheck(SNAPSFingerprintIsValid(fingerprint), comm, PETSC_ERR_ARG_WRONG, "The fingerprint '%s' is not 16 hexadecimal digits", fingerprint ? fingerprint : "(null)");
  PetscCall(PetscNew(&s));
  s->comm = comm;
  s->q    = q;
  s->n    = -1;
  PetscCallMPI(MPI_Comm_rank(comm, &s->rank));
  PetscCall(PetscStrncpy(s->file, file, sizeof(s->file)));
  PetscCall(PetscStrncpy(s->fingerprint, fingerprint, sizeof(s->fingerprint)));
  PetscCall(SNAPSTemporaryName(file, s->tmp, sizeof(s->tmp)));
  PetscCallMPI(MPI_Bcast(s->tmp, (PetscMPIInt)sizeof(s->tmp), MPI_CHAR, 0, comm)); /* the name holds rank 0's pid */
  if (!s->rank) {
    PetscCall(SNAPSTemporaryCreate(s->tmp, NULL));                   /* 0600, exclusive; a failure: H5Fcreate says so */
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL)); /* the message comes below, after the clean-up */
    ierr = PetscViewerHDF5Open(PETSC_COMM_SELF, s->tmp, FILE_MODE_WRITE, &s->viewer);
    if (!ierr) ierr = PetscViewerHDF5PushTimestepping(s->viewer);
    PetscCall(PetscPopErrorHandler());
    if (ierr) Abandon_Rank0(s); /* a full disk leaves the file, empty */
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  if (ierr) {
    char tmp[PETSC_MAX_PATH_LEN];

    PetscCall(PetscStrncpy(tmp, s->tmp, sizeof(tmp)));
    PetscCall(PetscFree(s));
    SETERRQ(comm, PETSC_ERR_FILE_OPEN, "Cannot create the snapshot file '%s' (temporary '%s'): check the directory exists, is writable and has space", file, tmp);
  }
  *snap = s;
  PetscFunctionReturn(0);
}

/* Gathers v (collective) into *row, a new sequential Vec named name that holds all of v on rank 0 and nothing
   elsewhere. A plain Vec: one that carries a DM is written by that DM's viewer instead (PETSc 3.18 writes a plex
   Vec under /fields and /vertex_fields, where snaps-pod finds no /U), and the viewer names the dataset after it. */
static PetscErrorCode GatherRow(Vec v, const char name[], Vec *row)
{
  VecScatter scat;

  PetscFunctionBegin;
  PetscCall(VecScatterCreateToZero(v, &scat, row));
  PetscCall(VecScatterBegin(scat, v, *row, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scat, v, *row, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterDestroy(&scat));
  PetscCall(PetscObjectSetName((PetscObject)*row, name));
  PetscFunctionReturn(0);
}

/* Rank 0: row N of /U (and /B), the datasets and the attribute timestepping = 1 as the parallel viewer wrote them. */
static PetscErrorCode WriteRows_Rank0(SNAPSSnapshots s, Vec U, Vec B)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5SetTimestep(s->viewer, s->N));
  PetscCall(VecView(U, s->viewer));
  if (B) PetscCall(VecView(B, s->viewer));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSSnapshotsAdd - Appends one sample to a snapshot file: its parameters, its solution and, optionally, its
  right-hand side

  Collective

  Input Parameters:
+ s  - the writer, from SNAPSSnapshotsCreate()
. mu - the q parameters of the sample (the same on every rank)
. u  - the solution, in the natural ordering (SNAPSNaturalGlobalToNatural()); a plain Vec (one with a DM is gathered
       into a plain row)
- b  - the right-hand side the solver saw, of the size of u; NULL where no sample has one

  Notes:
  The rows are gathered to rank 0, which alone writes them. Raises PETSC_ERR_ARG_SIZ for a solution of another size
  than the first sample's, PETSC_ERR_ARG_WRONG where some samples have a right-hand side and others not,
  PETSC_ERR_ARG_WRONGSTATE after an earlier write failed, and PETSC_ERR_FILE_WRITE where the write fails (the
  temporary file is then removed, an existing file of the final name left as it was; abandon the writer with
  SNAPSSnapshotsDestroy()).

  Level: intermediate

.seealso: SNAPSSnapshotsCreate(), SNAPSSnapshotsClose(), SNAPSSnapshotsDestroy()
@*/
PetscErrorCode SNAPSSnapshotsAdd(SNAPSSnapshots s, const PetscReal mu[], Vec u, Vec b)
{
  PetscInt       n;
  PetscErrorCode ierr = 0;
  Vec            U = NULL, B = NULL;

  PetscFunctionBegin;
  PetscCheck(!s->failed, s->comm, PETSC_ERR_ARG_WRONGSTATE, "Snapshot file '%s': an earlier write failed", s->file);
  PetscCall(VecGetSize(u, &n));
  if (s->n < 0) {
    s->n    = n;
    s->hasB = b ? PETSC_TRUE : PETSC_FALSE;
  }
  PetscCheck(n == s->n, s->comm, PETSC_ERR_ARG_SIZ, "Snapshot %" PetscInt_FMT " has size %" PetscInt_FMT ", the first one %" PetscInt_FMT, s->N, n, s->n);
  PetscCheck((b != NULL) == s->hasB, s->comm, PETSC_ERR_ARG_WRONG, "Either every snapshot has a right-hand side or none has");
  if (s->N == s->cap) {
    PetscReal *X;
    s->cap = PetscMax(16, 2 * s->cap);
    PetscCall(PetscMalloc1(s->cap * s->q, &X));
    if (s->N) PetscCall(PetscArraycpy(X, s->X, s->N * s->q));
    PetscCall(PetscFree(s->X));
    s->X = X;
  }
  PetscCall(PetscArraycpy(s->X + s->N * s->q, mu, s->q));
  PetscCall(GatherRow(u, "U", &U));
  if (b) PetscCall(GatherRow(b, "B", &B));
  if (!s->rank) {
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL)); /* the message comes below, on s->comm */
    ierr = WriteRows_Rank0(s, U, B);
    PetscCall(PetscPopErrorHandler());
    if (ierr) Abandon_Rank0(s); /* a full disk, say: no temporary file is left behind */
  }
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&B));
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, s->comm));
  if (ierr) s->failed = PETSC_TRUE;
  PetscCheck(!ierr, s->comm, PETSC_ERR_FILE_WRITE, "Could not write snapshot %" PetscInt_FMT " to '%s' (disk full?): the file was not written (an existing one is left as it was)", s->N, s->file);
  s->N++;
  PetscFunctionReturn(0);
}

/* Rank 0: /X and the attributes into the finished temporary file. */
static PetscErrorCode WriteParameters_Rank0(SNAPSSnapshots s)
{
  hid_t          file, root;
  hsize_t        dims[2] = {(hsize_t)s->N, (hsize_t)s->q};
  PetscErrorCode ierr;

  PetscFunctionBegin;
  file = H5Fopen(s->tmp, H5F_ACC_RDWR, H5P_DEFAULT);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot reopen the snapshot file '%s'", s->tmp);
  root = H5Gopen2(file, "/", H5P_DEFAULT);
  ierr = SNAHDF5WriteArray(root, "X", 2, dims, s->X);
  if (!ierr) ierr = SNAHDF5WriteAttributeString(root, "fingerprint", s->fingerprint);
  if (!ierr) ierr = SNAHDF5WriteAttributeString(root, "ordering", "natural");
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(root, "vector_size", s->n);
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(root, "n_params", s->q);
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(root, "n_samples", s->N);
  H5Gclose(root);
  /* the file is closed before any error is raised; a failure here (a full disk at the final flush) is the first
     message of the chain, the one PETSc prints in full: it names the file */
  PetscCheck(H5Fclose(file) >= 0 || ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not close the snapshot file '%s' (disk full?)", s->tmp);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Rank 0: closes the rows' viewer (its final flush may fail on a full disk), then adds /X and the attributes. */
static PetscErrorCode Finish_Rank0(SNAPSSnapshots s)
{
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PetscViewerHDF5PopTimestepping(s->viewer);
  if (!ierr) ierr = PetscViewerDestroy(&s->viewer);
  PetscCall(PetscPopErrorHandler());
  if (ierr) Abandon_Rank0(s);
  PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not close the snapshot file '%s' (disk full?)", s->tmp);
  PetscCall(WriteParameters_Rank0(s));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSSnapshotsClose - Finishes a snapshot file: writes /X and the attributes, closes it and renames it into place,
  then frees the writer and sets the pointer to NULL

  Collective

  Input Parameter:
. snap - the writer; a pointer to NULL does nothing

  Notes:
  Raises PETSC_ERR_ARG_WRONGSTATE after an earlier write failed, PETSC_ERR_ARG_WRONG where no sample was added (no file
  is written), and PETSC_ERR_FILE_WRITE where writing, closing or renaming fails; the final file is then not touched.
  The writer is freed and *snap set to NULL on every path, an error's too (the temporary file is then removed), so a
  SNAPSSnapshotsDestroy() after it does nothing.

  Level: intermediate

.seealso: SNAPSSnapshotsCreate(), SNAPSSnapshotsAdd(), SNAPSSnapshotsDestroy(), SNAPSSnapshotsLoad()
@*/
PetscErrorCode SNAPSSnapshotsClose(SNAPSSnapshots *snap)
{
  SNAPSSnapshots s    = *snap;
  PetscErrorCode ierr = 0, cerr = 0;
  int            err  = 0;
  PetscBool      failed;
  PetscInt       N;
  MPI_Comm       comm;
  char           file[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(0);
  failed = s->failed;
  N      = s->N;
  comm   = s->comm;
  PetscCall(PetscStrncpy(file, s->file, sizeof(file)));
  if (!failed) { /* else an earlier write failed, and removed the temporary file */
    if (s->rank == 0) {
      if (s->N == 0) {
        ierr = PETSC_ERR_ARG_WRONG;
        Abandon_Rank0(s);
      }
      if (!ierr) ierr = Finish_Rank0(s); /* not PetscCall: agree with the other ranks first */
    }
    cerr = SNAPSCommitTemporary(s->comm, s->tmp, s->file, &ierr, &err); /* removes the temporary file on a failure */
  }
  /* freed on every path (rank 0's viewer is closed by now): a caller that catches the error has nothing left to free */
  PetscCall(PetscFree(s->X));
  PetscCall(PetscFree(*snap));
  PetscCall(cerr);
  PetscCheck(!failed, comm, PETSC_ERR_ARG_WRONGSTATE, "Snapshot file '%s': an earlier write failed; it was not written", file);
  PetscCheck(N > 0, comm, PETSC_ERR_ARG_WRONG, "No snapshots were added: '%s' was not written", file);
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE, "Could not write the snapshot file '%s'%s%s", file, err ? ": " : "", err ? strerror(err) : "");
  PetscFunctionReturn(0);
}

/*@C
  SNAPSSnapshotsDestroy - Abandons an unfinished snapshot file, for a run that fails before SNAPSSnapshotsClose()

  Collective, but makes no collective call: it may follow an error raised on one rank only

  Input Parameter:
. snap - the writer (NULL, or *snap NULL: nothing to do); set to NULL

  Notes:
  Closes and removes its temporary file (an existing file of the final name is left as it was) and frees the writer.

  Level: developer

.seealso: SNAPSSnapshotsClose()
@*/
PetscErrorCode SNAPSSnapshotsDestroy(SNAPSSnapshots *snap)
{
  PetscFunctionBegin;
  if (!snap || !*snap) PetscFunctionReturn(0);
  if (!(*snap)->failed) Abandon_Rank0(*snap); /* else a failed write already removed it */
  PetscCall(PetscFree((*snap)->X));
  PetscCall(PetscFree(*snap));
  PetscFunctionReturn(0);
}

/* Rank 0: dataset name (U or B) must be N x n float64 rows held in the file, checked before the N
   vectors of size n are created from the attributes. */
static PetscErrorCode CheckRows_Rank0(hid_t f, const char file[], const char name[], PetscInt N, PetscInt n)
{
  hid_t             dset    = H5Dopen2(f, name, H5P_DEFAULT);
  hsize_t           dims[2] = {0, 0};
  int               rank    = -1;
  SNAHDF5ArrayState state   = SNA_HDF5_ARRAY_UNREADABLE;
  PetscInt          stepping;
  PetscErrorCode    ierr;

  PetscFunctionBegin;
  if (dset >= 0) state = SNAHDF5InspectArray(dset, 2, &rank, dims);
  if (dset >= 0) H5Dclose(dset);
  PetscCheck(state != SNA_HDF5_ARRAY_RANK && (rank == 2 || state == SNA_HDF5_ARRAY_NOT_FLOAT), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The snapshot file '%s': dataset /%s has rank %d; expected 2 (snapshots x vector size)", file, name, rank);
  PetscCheck(state != SNA_HDF5_ARRAY_NOT_FLOAT && state != SNA_HDF5_ARRAY_UNREADABLE, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The snapshot file '%s': dataset /%s %s", file, name, SNAHDF5ArrayStateText(state));
  PetscCheck(dims[0] == (hsize_t)N && dims[1] == (hsize_t)n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The snapshot file '%s': dataset /%s is %llu x %llu but the attributes say %" PetscInt_FMT " snapshots of size %" PetscInt_FMT ": corrupt file", file, name, (unsigned long long)dims[0], (unsigned long long)dims[1], N, n);
  PetscCheck(state == SNA_HDF5_ARRAY_OK, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The snapshot file '%s': dataset /%s (%llu x %llu) %s", file, name, (unsigned long long)dims[0], (unsigned long long)dims[1], SNAHDF5ArrayStateText(state));
  /* VecLoad checks this attribute too, but PETSc 3.18 prints any value as an index into its names of
     true and false (a crash) and leaks on a mismatch: it must be the 1 that PETSc's writer stores */
  dset = H5Dopen2(f, name, H5P_DEFAULT);
  ierr = SNAHDF5ReadAttributeInt(dset, "timestepping", &stepping); /* not PetscCall: close dset first */
  if (dset >= 0) H5Dclose(dset);
  PetscCall(ierr);
  PetscCheck(stepping == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The snapshot file '%s': dataset /%s has the attribute timestepping = %" PetscInt_FMT "; snapshot rows are written with 1: corrupt file", file, name, stepping);
  PetscFunctionReturn(0);
}

/* Rank 0 reads the attributes; the outcome and values are broadcast. */
static PetscErrorCode ReadAttributes(MPI_Comm comm, const char file[], PetscInt sizes[3], char fingerprint[17], PetscBool *hasB)
{
  PetscMPIInt    rank;
  PetscErrorCode ierr     = 0;
  PetscInt       buf[5]   = {0, 0, 0, 0, 0};
  char           text[64] = "", ordering[64] = ""; /* rank 0's, broadcast for the messages */

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    H5E_auto2_t func;
    void       *data;
    hid_t       f, root;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
      ierr = PETSC_ERR_FILE_OPEN;
    else {
      root = H5Gopen2(f, "/", H5P_DEFAULT);
      if (H5Aexists(root, "vector_size") <= 0 || H5Aexists(root, "fingerprint") <= 0) ierr = PETSC_ERR_FILE_READ; /* not ours: no message yet */
      if (!ierr) ierr = SNAHDF5ReadAttributeInt(root, "vector_size", &buf[0]);
      if (!ierr) ierr = SNAHDF5ReadAttributeInt(root, "n_params", &buf[1]);
      if (!ierr) ierr = SNAHDF5ReadAttributeInt(root, "n_samples", &buf[2]);
      if (!ierr) ierr = SNAHDF5ReadAttributeString(root, "fingerprint", text, sizeof(text));
      /* absent in no file SNAPS wrote, but "natural" is what a file without it means (the model reader's default) */
      if (!ierr) ierr = SNAHDF5ReadAttributeStringDefault(root, "ordering", "natural", ordering, sizeof(ordering));
      buf[3] = H5Lexists(f, "U", H5P_DEFAULT) > 0;
      buf[4] = H5Lexists(f, "B", H5P_DEFAULT) > 0;
      if (!ierr && buf[3]) ierr = CheckRows_Rank0(f, file, "U", buf[2], buf[0]);
      if (!ierr && buf[4]) ierr = CheckRows_Rank0(f, file, "B", buf[2], buf[0]);
      H5Gclose(root);
      H5Fclose(f);
    }
    H5Eset_auto2(H5E_DEFAULT, func, data);
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  PetscCheck(ierr != PETSC_ERR_FILE_OPEN, comm, PETSC_ERR_FILE_OPEN, "Cannot open the snapshot file '%s' (missing, or not HDF5)", file);
  PetscCheck(ierr != PETSC_ERR_FILE_READ, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' is not a snapshot file: it has no attributes vector_size and fingerprint (write snapshots with snaps-poisson-param -snapshots or SNAPSSnapshotsCreate())", file);
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' is not a snapshot file (see the message above)", file);
  PetscCallMPI(MPI_Bcast(buf, 5, MPIU_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(text, sizeof(text), MPI_CHAR, 0, comm));
  PetscCallMPI(MPI_Bcast(ordering, sizeof(ordering), MPI_CHAR, 0, comm));
  /* checked whole: a longer text cut to 16 digits would pass as the fingerprint of the operator it starts like */
  PetscCheck(SNAPSFingerprintIsValid(text), comm, PETSC_ERR_FILE_UNEXPECTED, "The snapshot file '%s' has the fingerprint '%s', which is not 16 hexadecimal digits: an edited or foreign file; write the snapshots again with snaps-poisson-param -snapshots or SNAPSSnapshotsCreate()", file, text);
  PetscCall(PetscStrncpy(fingerprint, text, SNAPS_FINGERPRINT_LEN));
  { /* the model snaps-pod writes from these rows says "natural": another ordering would be dropped silently there */
    PetscBool natural;

    PetscCall(PetscStrcmp(ordering, "natural", &natural));
    PetscCheck(natural, comm, PETSC_ERR_FILE_UNEXPECTED, "The snapshot file '%s' stores its vectors in the ordering '%s'; this SNAPS reads 'natural'", file, ordering);
  }
  PetscCheck(buf[3], comm, PETSC_ERR_FILE_UNEXPECTED, "The snapshot file '%s' has no dataset /U", file);
  /* the sizes named: a file holding no snapshots (n_samples 0, which SNAPSSnapshotsClose() never writes) was only "implausible" */
  PetscCheck(buf[0] >= 1 && buf[1] >= 1 && buf[2] >= 1, comm, PETSC_ERR_FILE_UNEXPECTED, "The snapshot file '%s' declares implausible sizes: %" PetscInt_FMT " snapshots (n_samples) of size %" PetscInt_FMT " (vector_size) with %" PetscInt_FMT " parameters (n_params), where each must be at least 1", file, buf[2], buf[0], buf[1]);
  for (PetscInt i = 0; i < 3; i++) sizes[i] = buf[i];
  *hasB = buf[4] ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* A NaN or Inf in a snapshot would surface later as an opaque LAPACK failure of the POD: name the file, dataset, row. */
static PetscErrorCode CheckRowFinite(PetscViewer viewer, const char name[], PetscInt t, Vec row)
{
  const PetscScalar *v;
  const char        *file;
  PetscInt           n, bad = PETSC_MAX_INT, first, lo;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(row, &n));
  PetscCall(VecGetOwnershipRange(row, &lo, NULL));
  PetscCall(VecGetArrayRead(row, &v));
  for (PetscInt i = 0; i < n && bad == PETSC_MAX_INT; i++)
    if (PetscIsInfOrNanScalar(v[i])) bad = lo + i;
  PetscCall(VecRestoreArrayRead(row, &v));
  PetscCall(MPIU_Allreduce(&bad, &first, 1, MPIU_INT, MPI_MIN, PetscObjectComm((PetscObject)row)));
  PetscCall(PetscViewerFileGetName(viewer, &file));
  PetscCheck(first == PETSC_MAX_INT, PetscObjectComm((PetscObject)row), PETSC_ERR_FILE_UNEXPECTED, "The snapshot file '%s' has a NaN or Inf in /%s, row %" PetscInt_FMT " (entry %" PetscInt_FMT "): the solve that wrote that snapshot failed; recompute it or drop the row", file, name, t, first);
  PetscFunctionReturn(0);
}

/* Reads rows 0..N-1 of dataset name into rows[0..N-1], new Vecs of size n. */
static PetscErrorCode LoadRows(PetscViewer viewer, const char name[], PetscInt N, PetscInt n, Vec rows[])
{
  MPI_Comm comm;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetComm((PetscObject)viewer, &comm));
  for (PetscInt t = 0; t < N; t++) {
    PetscCall(VecCreateMPI(comm, PETSC_DECIDE, n, &rows[t]));
    PetscCall(PetscObjectSetName((PetscObject)rows[t], name));
    PetscCall(PetscViewerHDF5SetTimestep(viewer, t));
    PetscCall(VecLoad(rows[t], viewer));
    PetscCall(CheckRowFinite(viewer, name, t, rows[t]));
  }
  PetscFunctionReturn(0);
}

/* Destroys the N Vecs of *rows (NULL entries too) and the array. */
static PetscErrorCode DestroyRows(PetscInt N, Vec **rows)
{
  PetscFunctionBegin;
  for (PetscInt t = 0; *rows && t < N; t++) PetscCall(VecDestroy(&(*rows)[t]));
  PetscCall(PetscFree(*rows));
  PetscFunctionReturn(0);
}

/* Reads rows 0..N-1 of dataset name into N new Vecs of size n; on failure nothing is left allocated. */
static PetscErrorCode ReadRows(PetscViewer viewer, const char name[], PetscInt N, PetscInt n, Vec **rows)
{
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(N, rows));
  ierr = LoadRows(viewer, name, N, n, *rows); /* not PetscCall: free the rows read so far first */
  if (ierr) PetscCall(DestroyRows(N, rows));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* What SNAPSSnapshotsLoad() reads after the attributes, into *X, *U and *B (NULL until read). */
static PetscErrorCode LoadArrays(MPI_Comm comm, const char file[], const PetscInt sizes[3], PetscBool hasB, PetscInt *N, Vec *X, Vec **U, Vec **B)
{
  PetscInt       NX, q;
  PetscViewer    viewer;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNADatasetLoadArray(comm, file, "/X", X));
  PetscCall(VecGetBlockSize(*X, &q));
  PetscCall(VecGetSize(*X, &NX));
  NX /= q;
  PetscCheck(q == sizes[1] && NX == sizes[2], comm, PETSC_ERR_FILE_UNEXPECTED, "'%s': /X is %" PetscInt_FMT " x %" PetscInt_FMT " but the attributes say %" PetscInt_FMT " samples of %" PetscInt_FMT " parameters", file, NX, q, sizes[2], sizes[1]);
  *N = NX;
  PetscCall(PetscViewerHDF5Open(comm, file, FILE_MODE_READ, &viewer));
  PetscCall(PetscViewerHDF5PushTimestepping(viewer));
  ierr = ReadRows(viewer, "U", NX, sizes[0], U); /* not PetscCall: close the viewer first */
  if (!ierr && B && hasB) ierr = ReadRows(viewer, "B", NX, sizes[0], B);
  PetscCall(PetscViewerHDF5PopTimestepping(viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSSnapshotsLoad - Reads a snapshot file: the parameters, the solutions, the right-hand sides if wanted and
  present, and the operator's fingerprint

  Collective

  Input Parameters:
+ comm - the ranks that read it
- file - the snapshot file

  Output Parameters:
+ N           - the number of samples
. X           - the parameters: a Vec of N rows with block size q, distributed by rows
. U           - the N solutions (Vecs of size n, default layout)
. B           - the N right-hand sides, or NULL where the file has none; pass NULL not to read them
- fingerprint - the operator's fingerprint (16 hexadecimal digits and the terminating NUL)

  Notes:
  Free U and B with VecDestroyVecs(N, ...). A failed load leaves nothing to free (X, U and B are NULL). Raises
  PETSC_ERR_FILE_OPEN where the file is missing or not HDF5, and PETSC_ERR_FILE_UNEXPECTED, naming the file, for one
  that is not a snapshot file (no vector_size or fingerprint), a fingerprint that is not 16 hexadecimal digits, an
  ordering other than natural, no /U, implausible sizes, datasets whose shape disagrees with the attributes, or a NaN
  or Inf in a row.

  Level: intermediate

.seealso: SNAPSSnapshotsCreate(), SNAPSPODCompute()
@*/
PetscErrorCode SNAPSSnapshotsLoad(MPI_Comm comm, const char file[], PetscInt *N, Vec *X, Vec **U, Vec **B, char fingerprint[17])
{
  PetscInt       sizes[3];
  PetscBool      hasB;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  *X = NULL;
  *U = NULL;
  if (B) *B = NULL;
  PetscCall(ReadAttributes(comm, file, sizes, fingerprint, &hasB));
  ierr = LoadArrays(comm, file, sizes, hasB, N, X, U, B); /* not PetscCall: a failed load returns nothing allocated */
  if (ierr) {
    PetscCall(VecDestroy(X));
    if (*U) PetscCall(DestroyRows(*N, U));
    if (B && *B) PetscCall(DestroyRows(*N, B));
  }
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
