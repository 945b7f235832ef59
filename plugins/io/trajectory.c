/* Trajectory and checkpoint files (see snaps/trajectory.h). Rank 0 does the HDF5 work and every rank learns
   the outcome, so a failure stops all ranks with the same error. */
#include <snaps/trajectory.h>
#include <snaps/report.h>
#include <snaps/private/snaimpl.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

/* The most diagnostics a trajectory holds: the length of SNAPSTrajectoryDesc.diag. */
#define MAX_DIAG ((PetscInt)PETSC_STATIC_ARRAY_LENGTH(((SNAPSTrajectoryDesc *)NULL)->diag))

struct _n_SNAPSTrajectory {
  MPI_Comm            comm;
  PetscMPIInt         rank;
  SNAPSTrajectoryDesc desc;
  char                file[PETSC_MAX_PATH_LEN], partial[PETSC_MAX_PATH_LEN];
  hid_t               h5;                 /* rank 0: the open partial file */
  hid_t               dset[2 + MAX_DIAG]; /* rank 0: its datasets time, the field and the diagnostics, open from the
                                       first append to the close: reopened per row, each append re-read and
                                       re-checksummed the partly filled chunks (a third of a surrogate rollout) */
  PetscInt  rows;                         /* saved times so far */
  PetscBool resumable;                    /* a restart can resume the partial file (a checkpoint of the run exists): kept
                                             after a failed write; otherwise removed, as nothing could use it */
  PetscInt npts;                          /* grid points of one member */
};

/* Every rank learns rank 0's error code; all fail together with code (0: rank 0's own code), as PETSc's own readers
   and writers raise PETSC_ERR_FILE_WRITE for a write and PETSC_ERR_FILE_UNEXPECTED for a file without the data
   wanted (every failure was PETSC_ERR_FILE_WRITE, a failed read of a checkpoint too). */
static PetscErrorCode AgreeOnRank0(MPI_Comm comm, PetscErrorCode ierr, PetscErrorCode code, const char what[], const char file[])
{
  PetscFunctionBegin;
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  PetscCheck(!ierr, comm, code ? code : ierr, "%s '%s' failed (see the message above)", what, file);
  PetscFunctionReturn(0);
}

/* Builds "<dir>/.<base>.partial" for the trajectory file "<dir>/<base>", in the place of its temporary files
   (SNAPSTemporaryPrefix(): a symbolic link's target's directory), the name a restart finds again; for a stream such as
   /dev/null (which no restart resumes) "$TMPDIR/.<base>.partial.<pid>", which no other run shares. */
static PetscErrorCode PartialName(const char file[], char out[], size_t len)
{
  size_t    n;
  PetscBool stream;
  char      end[64];

  PetscFunctionBegin;
  PetscCall(SNAPSTemporaryPrefix(file, out, len));
  PetscCall(SNAPSOutputIsStream(file, &stream));
  if (stream)
    PetscCall(PetscSNPrintf(end, sizeof(end), ".partial.%ld", (long)getpid()));
  else
    PetscCall(PetscStrncpy(end, ".partial", sizeof(end)));
  n = strlen(out);
  PetscCheck(n + strlen(end) < len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "The name '%s' is too long", file);
  PetscCall(PetscStrlcat(out, end, len));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectoryCheckName - Refuses a trajectory name that the files written for it cannot hold

  Logically Collective (every rank has the same name; no message passes)

  Input Parameters:
+ comm - the ranks of the run
. opt  - the option that gave the name, for the message
. file - the name
- xdmf - whether an XDMF file will name it (2-D fields)

  Notes:
  Refused (PETSC_ERR_USER_INPUT): a control character anywhere (a CR from a script with DOS line ends; XML cannot
  hold most of them), and, where an XDMF file is written beside it, a ':' in its base name, which the XDMF's
  "<file>:/<dataset>" reference splits at (XDMF has no escape for it; a directory's ':' is harmless: the XDMF names
  the file relatively), or a base name that is not valid UTF-8 (the XDMF declares no encoding, so XML reads it as
  UTF-8: a Latin-1 byte makes it not well-formed). The message shows the bad characters as '?'.

  Level: developer

.seealso: SNAPSTrajectoryOpen(), SNAPSTrajectoryXdmfName()
@*/
PetscErrorCode SNAPSTrajectoryCheckName(MPI_Comm comm, const char opt[], const char file[], PetscBool xdmf)
{
  const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 : file;
  char        shown[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(shown, file, sizeof(shown)));
  for (size_t i = 0; file[i]; i++) {
    const unsigned char c = (unsigned char)file[i];

    if (c < 32 || c == 127) { /* shown as '?': the raw character would garble the terminal */
      for (size_t j = 0; shown[j]; j++)
        if ((unsigned char)shown[j] < 32 || (unsigned char)shown[j] == 127) shown[j] = '?';
      SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s '%s' holds a control character (code %d, shown as '?', at position %zu): rename the file without it", opt, shown, (int)c, i + 1);
    }
  }
  for (size_t i = 0; xdmf && base[i];) {
    const size_t n = SNAPSUtf8Sequence((const unsigned char *)base + i);

    if (!n) { /* shown with '?' for every byte above 0x7f: the raw bytes would garble a UTF-8 terminal */
      const unsigned char c = (unsigned char)base[i];

      for (size_t j = 0; shown[j]; j++)
        if ((unsigned char)shown[j] > 127) shown[j] = '?';
      SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s '%s': its base name is not valid UTF-8 (byte 0x%02x, shown as '?', at position %zu of the base name), and the XDMF file written beside it names it in XML, which is read as UTF-8: rename the file in UTF-8 (or ASCII)", opt, shown, (unsigned)c, i + 1);
    }
    i += n;
  }
  PetscCheck(!xdmf || !strchr(base, ':'), comm, PETSC_ERR_USER_INPUT, "%s '%s': its base name holds ':', which the XDMF file written beside it uses to separate the file from the dataset (\"%s:/dataset\"; XDMF has no escape for it): rename the file without ':'", opt, file, base);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectorySetResumable - Says whether a restart can resume the trajectory's partial file: a checkpoint of the
  run exists (the run wrote one, or was restarted from one)

  Not Collective (give every rank the same value)

  Input Parameters:
+ tr        - the trajectory being written
- resumable - whether a restart can resume it (the default: PETSC_TRUE)

  Notes:
  A write that fails keeps a resumable partial file, for the restart; it removes any other, which nothing could use.

  Level: developer

.seealso: SNAPSTrajectoryOpen(), SNAPSTrajectoryPartialName()
@*/
PetscErrorCode SNAPSTrajectorySetResumable(SNAPSTrajectory tr, PetscBool resumable)
{
  PetscFunctionBegin;
  tr->resumable = resumable;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectoryPartialName - The name of the hidden partial file that an interrupted run writing the trajectory file
  leaves behind (the file a restart resumes), and whether it exists

  Collective

  Input Parameters:
+ comm - the ranks of the run; rank 0 looks, every rank gets its answer
. file - the trajectory file's final name
- len  - the room in partial

  Output Parameters:
+ partial - the partial file's name, "<dir>/.<base>.partial"
- exists  - whether it exists

  Level: developer

.seealso: SNAPSTrajectoryOpen(), SNAPSTrajectoryGetRun()
@*/
PetscErrorCode SNAPSTrajectoryPartialName(MPI_Comm comm, const char file[], char partial[], size_t len, PetscBool *exists)
{
  PetscMPIInt rank;
  int         found = 0;

  PetscFunctionBegin;
  PetscCall(PartialName(file, partial, len));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) found = access(partial, F_OK) == 0;
  PetscCallMPI(MPI_Bcast(&found, 1, MPI_INT, 0, comm));
  *exists = found ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectoryGetRun - The run that wrote the file a restart with the trajectory file would continue (its partial
  file, or else the complete file of a finished run)

  Collective

  Input Parameters:
+ comm - the ranks of the run; rank 0 reads, every rank gets the answer
. file - the trajectory file's final name
. len  - the room in run
- flen - the room in from

  Output Parameters:
+ run  - the attribute "run_fingerprint" (the run's options, which the program sets; see
         SNAPSTrajectorySetAttributeString()), "" where no such file can be read or it has none (written before it
         was recorded)
- from - the file read, "" where neither exists

  Notes:
  So that a restart can refuse the partial file of another run. A file HDF5 cannot open, or an unreadable attribute,
  counts as unknown (""): resuming it fails with its own message. Empty buffers (len or flen 0) are
  PETSC_ERR_ARG_SIZ.

  Level: developer

.seealso: SNAPSTrajectoryOpen(), SNAPSTrajectoryPartialName()
@*/
PetscErrorCode SNAPSTrajectoryGetRun(MPI_Comm comm, const char file[], char run[], size_t len, char from[], size_t flen)
{
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCheck(len && flen, comm, PETSC_ERR_ARG_SIZ, "Empty buffers");
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  run[0] = from[0] = 0;
  if (!rank) {
    PetscCall(PartialName(file, from, flen));
    if (access(from, F_OK) != 0) PetscCall(PetscStrncpy(from, access(file, R_OK) == 0 ? file : "", flen));
    if (from[0]) {
      H5E_auto2_t func;
      void       *data;
      hid_t       h5;

      H5Eget_auto2(H5E_DEFAULT, &func, &data); /* quiet: a file HDF5 cannot open (a stream, a damaged file) is left to
                                                  SNAPSTrajectoryOpen(), whose message names the problem */
      H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
      h5 = H5Fopen(from, H5F_ACC_RDONLY, H5P_DEFAULT);
      H5Eset_auto2(H5E_DEFAULT, func, data);

      if (h5 >= 0) { /* an unreadable file or attribute counts as "unknown": resuming it fails with its own message */
        PetscErrorCode ierr;

        PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
        ierr = SNAHDF5ReadAttributeStringDefault(h5, "run_fingerprint", "", run, len);
        PetscCall(PetscPopErrorHandler());
        if (ierr) run[0] = 0;
        H5Fclose(h5);
      }
    }
  }
  PetscCallMPI(MPI_Bcast(run, (PetscMPIInt)len, MPI_CHAR, 0, comm));
  PetscCallMPI(MPI_Bcast(from, (PetscMPIInt)flen, MPI_CHAR, 0, comm));
  PetscFunctionReturn(0);
}

/* Creates an extendible float64 dataset of rank r whose first dimension (time) starts at 0, chunked by
   chunk0 rows and checksummed. */
static PetscErrorCode CreateRowDataset(hid_t loc, const char name[], int r, const hsize_t dims[], hsize_t chunk0)
{
  hsize_t cur[4], max[4], chunk[4];
  hid_t   space, dcpl, dset;

  PetscFunctionBegin;
  for (int i = 0; i < r; i++) {
    cur[i]   = i ? dims[i] : 0;
    max[i]   = i ? dims[i] : H5S_UNLIMITED;
    chunk[i] = i ? dims[i] : chunk0;
  }
  space = H5Screate_simple(r, cur, max);
  dcpl  = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, r, chunk);
  H5Pset_fletcher32(dcpl);
  dset = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Pclose(dcpl);
  H5Sclose(space);
  PetscCheck(dset >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not create the dataset '%s'", name);
  H5Dclose(dset);
  PetscFunctionReturn(0);
}

/* Sets the number of rows of the open dataset dset (called name) to rows and, when data is given, writes the last
   row. */
static PetscErrorCode SetRowsOpen(hid_t dset, const char name[], hsize_t rows, const PetscReal data[])
{
  hid_t   space = -1, mem   = -1;
  hsize_t dims[4], start[4] = {0}, count[4];
  int     r   = -1;
  herr_t  err = -1;

  PetscFunctionBegin;
  if (dset >= 0) {
    space = H5Dget_space(dset);
    r     = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
  }
  if (r >= 1 && r <= 4) {
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    dims[0] = rows;
    err     = H5Dset_extent(dset, dims);
    space   = H5Dget_space(dset);
    if (err >= 0 && data) {
      for (int i = 0; i < r; i++) count[i] = i ? dims[i] : 1;
      start[0] = rows - 1;
      mem      = H5Screate_simple(r, count, NULL);
      err      = H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
      if (err >= 0) err = H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, data);
      H5Sclose(mem);
    }
  }
  if (space >= 0) H5Sclose(space);
  PetscCheck(err >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not %s the dataset '%s' at row %llu", data ? "write" : "resize", name, (unsigned long long)rows);
  PetscFunctionReturn(0);
}

/* SetRowsOpen on the dataset name of loc, opened and closed here. */
static PetscErrorCode SetRows(hid_t loc, const char name[], hsize_t rows, const PetscReal data[])
{
  hid_t          dset = H5Dopen2(loc, name, H5P_DEFAULT);
  PetscErrorCode ierr;

  PetscFunctionBegin;
  ierr = SetRowsOpen(dset, name, rows, data); /* not PetscCall: dset is closed first */
  if (dset >= 0) H5Dclose(dset);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Rank 0: opens the datasets of tr->dset (time, the field, the diagnostics) once, for the appends. */
static PetscErrorCode OpenDatasets_Rank0(SNAPSTrajectory tr)
{
  const SNAPSTrajectoryDesc *d = &tr->desc;
  char                       name[64];

  PetscFunctionBegin;
  if (tr->dset[0] >= 0) PetscFunctionReturn(0);
  tr->dset[0] = H5Dopen2(tr->h5, "time", H5P_DEFAULT);
  tr->dset[1] = H5Dopen2(tr->h5, d->field, H5P_DEFAULT);
  for (PetscInt i = 0; i < d->ndiag; i++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "diagnostics/%s", d->diag[i]));
    tr->dset[2 + i] = H5Dopen2(tr->h5, name, H5P_DEFAULT);
  }
  for (PetscInt i = 0; i < 2 + d->ndiag; i++) PetscCheck(tr->dset[i] >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 cannot open the datasets of '%s'", tr->partial);
  PetscFunctionReturn(0);
}

/* Rank 0: closes the datasets that OpenDatasets_Rank0 opened. */
static void CloseDatasets_Rank0(SNAPSTrajectory tr)
{
  for (PetscInt i = 0; i < 2 + MAX_DIAG; i++) {
    if (tr->dset[i] >= 0) H5Dclose(tr->dset[i]);
    tr->dset[i] = -1;
  }
}

/* Rank 0: the empty datasets and the fixed attributes of the new partial file tr->h5. */
static PetscErrorCode CreateContents_Rank0(SNAPSTrajectory tr)
{
  const SNAPSTrajectoryDesc *d = &tr->desc;
  hsize_t                    dims[4], one = 1;
  hid_t                      diag;

  PetscFunctionBegin;
  PetscCall(SNAHDF5WriteAttributeInt(tr->h5, "snaps_trajectory_version", SNAPS_TRAJECTORY_VERSION));
  PetscCall(SNAHDF5WriteAttributeString(tr->h5, "equation", d->equation));
  PetscCall(SNAHDF5WriteAttributeString(tr->h5, "field", d->field));
  PetscCall(SNAHDF5WriteAttributeInt(tr->h5, "members", d->members));
  PetscCall(SNAHDF5WriteAttributeInt(tr->h5, "complete", 0));
  PetscCall(CreateRowDataset(tr->h5, "time", 1, &one, 1024));
  dims[1] = (hsize_t)d->members;
  for (PetscInt i = 0; i < d->sdim; i++) dims[2 + i] = (hsize_t)d->shape[i];
  PetscCall(CreateRowDataset(tr->h5, d->field, 2 + (int)d->sdim, dims, 1));
  diag = H5Gcreate2(tr->h5, "diagnostics", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(diag >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not create the group /diagnostics");
  for (PetscInt i = 0; i < d->ndiag; i++) PetscCall(CreateRowDataset(diag, d->diag[i], 2, dims, 256));
  H5Gclose(diag);
  PetscCheck(H5Fflush(tr->h5, H5F_SCOPE_GLOBAL) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not write the new trajectory file '%s' (disk full?)", tr->partial);
  PetscFunctionReturn(0);
}

/* Rank 0: a new partial file with the empty datasets and the fixed attributes. Removed again on any failure once this
   run created it (or truncated a stale one): an empty new file holds no rows that a restart could resume. */
static PetscErrorCode CreateFile_Rank0(SNAPSTrajectory tr)
{
  PetscBool      stream;
  int            err, e;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAPSOutputIsStream(tr->file, &stream));
  /* created 0600 and exclusively (SNAPSTemporaryCreate()); a regular file's stale partial file of an earlier run, which
     this run may replace, is truncated as it is */
  PetscCall(SNAPSTemporaryCreate(tr->partial, &err));
  PetscCheck(!err || (!stream && err == EEXIST), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot create the trajectory file '%s': %s: check the directory exists and is writable", tr->partial, strerror(err));
  errno  = 0;
  tr->h5 = H5Fcreate(tr->partial, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  e      = errno;
  if (tr->h5 < 0 && !err) (void)unlink(tr->partial); /* this run's own empty file; a stale one that HDF5 could not open is left as it was */
  PetscCheck(tr->h5 >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot create the trajectory file '%s': %s (disk full? the directory not writable?)", tr->partial, e ? strerror(e) : "HDF5 could not write it");
  ierr = CreateContents_Rank0(tr); /* not PetscCall: the file is removed first */
  if (ierr) {
    (void)H5Fclose(tr->h5);
    tr->h5 = -1;
    (void)unlink(tr->partial);
  }
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Rank 0: checks that the open partial file (a copy of name, or name itself) belongs to this run and has at
   least rows rows, and cuts every dataset back to rows rows. */
static PetscErrorCode CutRows_Rank0(SNAPSTrajectory tr, const char name[], PetscInt rows)
{
  const SNAPSTrajectoryDesc *d = &tr->desc;
  char                       field[32];
  PetscInt                   members;
  hid_t                      diag;
  hsize_t                    dims[4];
  int                        r;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeString(tr->h5, "field", field, sizeof(field)));
  PetscCall(SNAHDF5ReadAttributeInt(tr->h5, "members", &members));
  PetscCheck(!strcmp(field, d->field) && members == d->members, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' holds field %s with %" PetscInt_FMT " members, not %s with %" PetscInt_FMT ": it belongs to another run", name, field, members, d->field, d->members);
  {
    hid_t dset = H5Dopen2(tr->h5, "time", H5P_DEFAULT), space = dset >= 0 ? H5Dget_space(dset) : -1;
    r = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    if (r == 1) H5Sget_simple_extent_dims(space, dims, NULL);
    if (space >= 0) H5Sclose(space);
    if (dset >= 0) H5Dclose(dset);
  }
  PetscCheck(r == 1 && dims[0] >= (hsize_t)rows, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' has fewer rows than its checkpoint (%" PetscInt_FMT "): it is not the file of that run", name, rows);
  PetscCall(SetRows(tr->h5, "time", (hsize_t)rows, NULL));
  PetscCall(SetRows(tr->h5, d->field, (hsize_t)rows, NULL));
  diag = H5Gopen2(tr->h5, "diagnostics", H5P_DEFAULT);
  PetscCheck(diag >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' has no /diagnostics", name);
  for (PetscInt i = 0; i < d->ndiag; i++) PetscCall(SetRows(diag, d->diag[i], (hsize_t)rows, NULL));
  H5Gclose(diag);
  PetscFunctionReturn(0);
}

/* Rank 0: the open copy of a finished run's trajectory must be marked complete; it is marked incomplete. */
static PetscErrorCode MarkIncomplete_Rank0(SNAPSTrajectory tr)
{
  PetscInt complete = 0;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeInt(tr->h5, "complete", &complete));
  PetscCheck(complete == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "Cannot resume the trajectory '%s': there is no partial file '%s' of an interrupted run, and '%s' is not marked complete", tr->file, tr->partial, tr->file);
  H5Adelete(tr->h5, "complete");
  PetscCall(SNAHDF5WriteAttributeInt(tr->h5, "complete", 0));
  PetscFunctionReturn(0);
}

/* Rank 0: reopens the partial file of an interrupted run and cuts every dataset back to rows rows. A run that
   finished left no partial file but the complete one, which a restart that raises -T extends: it is copied to
   the partial name (the complete file stays as it was until the new run finishes) and marked incomplete. */
static PetscErrorCode ResumeFile_Rank0(SNAPSTrajectory tr, PetscInt rows)
{
  PetscBool      finished = PETSC_FALSE;
  PetscErrorCode ierr     = 0;

  PetscFunctionBegin;
  if (access(tr->partial, F_OK) != 0 && errno == ENOENT) {
    PetscCheck(access(tr->file, R_OK) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot resume the trajectory: neither the partial file '%s' of an interrupted run nor the file '%s' of a finished one exists (%s); give the same -trajectory as the run that wrote the checkpoint", tr->partial, tr->file, strerror(errno));
    PetscCall(SNAPSCopyFile(tr->file, tr->partial));
    finished = PETSC_TRUE;
  }
  PetscCheck(access(tr->partial, R_OK | W_OK) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot resume the trajectory: the partial file '%s' of the interrupted run cannot be read and written (%s)", tr->partial, strerror(errno));
  tr->h5 = H5Fopen(tr->partial, H5F_ACC_RDWR, H5P_DEFAULT);
  if (tr->h5 < 0 && finished) (void)unlink(tr->partial);
  PetscCheck(tr->h5 >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "HDF5 cannot reopen the trajectory '%s': it is corrupt", finished ? tr->file : tr->partial);
  if (finished) ierr = MarkIncomplete_Rank0(tr);
  if (!ierr) ierr = CutRows_Rank0(tr, finished ? tr->file : tr->partial, rows);
  if (ierr && finished) { /* a copy that does not serve this run is not left under the partial name */
    H5Fclose(tr->h5);
    tr->h5 = -1;
    (void)unlink(tr->partial);
  }
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectoryOpen - Starts a trajectory file: a new one, or the partial file of an interrupted run cut back to its
  first resume rows (a restart from a checkpoint)

  Collective

  Input Parameters:
+ comm   - the ranks of the run; rank 0 writes
. file   - the final name; rows go to "<dir>/.<base>.partial" until SNAPSTrajectoryClose()
. desc   - field, members, grid and diagnostics
- resume - rows to keep of the partial file, or -1 for a new file

  Output Parameter:
. traj - the trajectory being written

  Notes:
  Without a partial file, resuming copies the complete file of a finished run, cut back the same way (a restart that
  raises -T). A stream (such as /dev/null) keeps no rows: resuming one is refused. A description with other than 1-D
  or 2-D fields, no member or too many diagnostics is PETSC_ERR_ARG_OUTOFRANGE.

  Level: developer

.seealso: SNAPSTrajectoryAppend(), SNAPSTrajectoryClose(), SNAPSTrajectoryDestroy(), SNAPSTrajectoryPartialName()
@*/
PetscErrorCode SNAPSTrajectoryOpen(MPI_Comm comm, const char file[], const SNAPSTrajectoryDesc *desc, PetscInt resume, SNAPSTrajectory *traj)
{
  SNAPSTrajectory tr;
  PetscErrorCode  ierr = 0;

  PetscFunctionBegin;
  PetscCheck(desc->sdim >= 1 && desc->sdim <= 2 && desc->ndiag >= 0 && desc->ndiag <= MAX_DIAG && desc->members >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "A trajectory holds 1-D or 2-D fields, 1 or more members and at most %d diagnostics", (int)MAX_DIAG);
  if (resume >= 0) { /* a stream's rows went into it (its partial file is per process): none are kept to continue */
    PetscMPIInt rank;
    int         stream = 0;

    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    if (!rank) {
      PetscBool s;

      PetscCall(SNAPSOutputIsStream(file, &s));
      stream = s ? 1 : 0;
    }
    PetscCallMPI(MPI_Bcast(&stream, 1, MPI_INT, 0, comm));
    PetscCheck(!stream, comm, PETSC_ERR_USER_INPUT, "The trajectory '%s' is a stream (such as /dev/null), which keeps no rows: a restart cannot continue it. Leave it out of the restart, or continue into a file", file);
  }
  PetscCall(PetscNew(&tr));
  tr->comm = comm;
  tr->desc = *desc;
  tr->h5   = -1;
  for (PetscInt i = 0; i < 2 + MAX_DIAG; i++) tr->dset[i] = -1;
  tr->rows      = resume < 0 ? 0 : resume;
  tr->resumable = PETSC_TRUE;
  tr->npts      = desc->shape[0] * (desc->sdim == 2 ? desc->shape[1] : 1);
  PetscCallMPI(MPI_Comm_rank(comm, &tr->rank));
  ierr = PetscStrncpy(tr->file, file, sizeof(tr->file));
  if (!ierr) ierr = PartialName(file, tr->partial, sizeof(tr->partial)); /* a name too long: on every rank alike */
  if (ierr) PetscCall(SNAPSTrajectoryDestroy(&tr));
  PetscCall(ierr);
  if (!tr->rank) ierr = resume < 0 ? CreateFile_Rank0(tr) : ResumeFile_Rank0(tr, resume);
  ierr = AgreeOnRank0(comm, ierr, resume < 0 ? PETSC_ERR_FILE_WRITE : 0, "Opening the trajectory", file); /* resume: rank 0's own code */
  if (ierr) PetscCall(SNAPSTrajectoryDestroy(&tr));                                                       /* on every rank: each made one */
  PetscCall(ierr);
  *traj = tr;
  PetscFunctionReturn(0);
}

/* Rank 0 runs write(tr, ...) on the partial file with PETSc's error printing held back (its message goes into the one
   AgreeOnFailedWrite() prints, which says what became of the file) and returns its error code. */
#define WRITE_RANK0(ierr, call)                                      \
  do {                                                               \
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL)); \
    ierr = call;                                                     \
    PetscCall(PetscPopErrorHandler());                               \
  } while (0)

/* After rank 0's write into the partial file failed with ierr (0: it did not): every rank fails with the same message,
   rank 0's reason and what became of the partial file. A resumable one keeps the rows so far for a restart; any other
   is removed, since no restart could use it. */
static PetscErrorCode AgreeOnFailedWrite(SNAPSTrajectory tr, PetscErrorCode ierr, const char what[])
{
  int  fate[2]                       = {(int)ierr, 0}; /* the error; 0 kept, 1 removed, or the errno of a removal that failed */
  char why[PETSC_MAX_PATH_LEN + 256] = "";

  PetscFunctionBegin;
  if (!tr->rank && ierr) {
    char *specific = NULL;

    (void)PetscErrorMessage(ierr, NULL, &specific);
    if (specific) (void)PetscStrncpy(why, specific, sizeof(why));
    if (!tr->resumable) {
      CloseDatasets_Rank0(tr);
      if (tr->h5 >= 0) H5Fclose(tr->h5);
      tr->h5  = -1;
      fate[1] = unlink(tr->partial) == 0 || errno == ENOENT ? 1 : errno;
    }
  }
  PetscCallMPI(MPI_Bcast(fate, 2, MPI_INT, 0, tr->comm));
  if (!fate[0]) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Bcast(why, (PetscMPIInt)sizeof(why), MPI_CHAR, 0, tr->comm));
  PetscCheck(fate[1] != 0, tr->comm, PETSC_ERR_FILE_WRITE, "%s '%s' failed: %s\nIts rows so far stay in '%s' for -restart from the run's last checkpoint", what, tr->file, why, tr->partial);
  PetscCheck(fate[1] != 1, tr->comm, PETSC_ERR_FILE_WRITE, "%s '%s' failed: %s\nIts partial file '%s' was removed, as no restart could use it (no checkpoint of the run exists: no -checkpoint, or none written yet)", what, tr->file, why, tr->partial);
  SETERRQ(tr->comm, PETSC_ERR_FILE_WRITE, "%s '%s' failed: %s\nIts partial file '%s', which no restart can use (no checkpoint of the run exists: no -checkpoint, or none written yet), could not be removed (%s): delete it", what, tr->file, why, tr->partial, strerror(fate[1]));
}

/*@C
  SNAPSTrajectorySetAttributeReal - Sets a real (float64) attribute on the root of an open trajectory file: a parameter
  of the run (L, Re, nu, dt_save, ...); an attribute of that name already there is replaced

  Collective

  Input Parameters:
+ tr    - the trajectory, from SNAPSTrajectoryOpen()
. name  - the attribute's name
- value - its value

  Notes:
  Rank 0 writes it into the partial file. A failed write raises PETSC_ERR_FILE_WRITE on every rank with rank 0's
  reason, and removes the partial file where no restart could resume it (SNAPSTrajectorySetResumable()), as a failed
  SNAPSTrajectoryAppend() does.

  Level: intermediate

.seealso: SNAPSTrajectoryOpen(), SNAPSTrajectorySetAttributeInt(), SNAPSTrajectorySetAttributeString(), SNAPSTrajectorySetResumable()
@*/
PetscErrorCode SNAPSTrajectorySetAttributeReal(SNAPSTrajectory tr, const char name[], PetscReal value)
{
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  if (!tr->rank) {
    if (H5Aexists(tr->h5, name) > 0) H5Adelete(tr->h5, name);
    WRITE_RANK0(ierr, SNAHDF5WriteAttributeReal(tr->h5, name, value));
  }
  PetscCall(AgreeOnFailedWrite(tr, ierr, "Writing an attribute of the trajectory"));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectorySetAttributeInt - Sets an integer (int64) attribute on the root of an open trajectory file: a grid
  size, a seed, a wavenumber; an attribute of that name already there is replaced

  Collective

  Input Parameters:
+ tr    - the trajectory, from SNAPSTrajectoryOpen()
. name  - the attribute's name
- value - its value

  Notes:
  int64, not float64: a float64 one loses the digits of a seed above 2^53 and reads as 4.0 beside the surrogate's
  int64 4. A failed write raises PETSC_ERR_FILE_WRITE on every rank, and removes the partial file where no restart could
  resume it, as SNAPSTrajectorySetAttributeReal() does.

  Level: intermediate

.seealso: SNAPSTrajectoryOpen(), SNAPSTrajectorySetAttributeReal(), SNAPSTrajectorySetAttributeString()
@*/
PetscErrorCode SNAPSTrajectorySetAttributeInt(SNAPSTrajectory tr, const char name[], PetscInt value)
{
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  if (!tr->rank) {
    if (H5Aexists(tr->h5, name) > 0) H5Adelete(tr->h5, name);
    WRITE_RANK0(ierr, SNAHDF5WriteAttributeInt(tr->h5, name, value));
  }
  PetscCall(AgreeOnFailedWrite(tr, ierr, "Writing an attribute of the trajectory"));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectorySetAttributeString - Sets a string attribute on the root of an open trajectory file (init, stepper,
  run_fingerprint, ...); an attribute of that name already there is replaced

  Collective

  Input Parameters:
+ tr    - the trajectory, from SNAPSTrajectoryOpen()
. name  - the attribute's name
- value - its value

  Notes:
  A failed write raises PETSC_ERR_FILE_WRITE on every rank, and removes the partial file where no restart could resume
  it, as SNAPSTrajectorySetAttributeReal() does.

  Level: intermediate

.seealso: SNAPSTrajectoryOpen(), SNAPSTrajectorySetAttributeReal(), SNAPSTrajectorySetAttributeInt(), SNAPSTrajectoryGetRun()
@*/
PetscErrorCode SNAPSTrajectorySetAttributeString(SNAPSTrajectory tr, const char name[], const char value[])
{
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  if (!tr->rank) {
    if (H5Aexists(tr->h5, name) > 0) H5Adelete(tr->h5, name);
    WRITE_RANK0(ierr, SNAHDF5WriteAttributeString(tr->h5, name, value));
  }
  PetscCall(AgreeOnFailedWrite(tr, ierr, "Writing an attribute of the trajectory"));
  PetscFunctionReturn(0);
}

static PetscErrorCode Append_Rank0(SNAPSTrajectory tr, PetscReal t, const PetscReal field[], const PetscReal diag[])
{
  const SNAPSTrajectoryDesc *d    = &tr->desc;
  hsize_t                    rows = (hsize_t)tr->rows + 1;
  PetscReal                 *col;

  PetscFunctionBegin;
  PetscCall(OpenDatasets_Rank0(tr));
  PetscCall(SetRowsOpen(tr->dset[1], d->field, rows, field));
  PetscCall(PetscMalloc1(d->members, &col));
  for (PetscInt i = 0; i < d->ndiag; i++) {
    for (PetscInt m = 0; m < d->members; m++) col[m] = diag[m * d->ndiag + i];
    PetscCall(SetRowsOpen(tr->dset[2 + i], d->diag[i], rows, col));
  }
  PetscCall(PetscFree(col));
  PetscCall(SetRowsOpen(tr->dset[0], "time", rows, &t)); /* last: a row counts once its time is there */
  PetscCheck(H5Fflush(tr->h5, H5F_SCOPE_GLOBAL) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not flush '%s' (disk full?)", tr->partial);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectoryAppend - Adds one saved time to a trajectory file, flushed to disk before it returns

  Collective (only rank 0's arrays are read)

  Input Parameters:
+ tr    - the trajectory being written (SNAPSTrajectoryOpen())
. t     - the time
. field - rank 0's field of every member: members x grid points, row-major
- diag  - rank 0's diagnostics: members x ndiag

  Notes:
  A failed write is raised on every rank with rank 0's message.

  Level: developer

.seealso: SNAPSTrajectoryOpen(), SNAPSTrajectoryClose()
@*/
PetscErrorCode SNAPSTrajectoryAppend(SNAPSTrajectory tr, PetscReal t, const PetscReal field[], const PetscReal diag[])
{
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  if (!tr->rank) WRITE_RANK0(ierr, Append_Rank0(tr, t, field, diag));
  PetscCall(AgreeOnFailedWrite(tr, ierr, "Appending to the trajectory"));
  tr->rows++;
  PetscFunctionReturn(0);
}

/* Appends printf-style text to the text *s (*n bytes of *cap), which it enlarges first when the text would not fit:
   no assumption on how long a row is (a file name of 250 characters and wide numbers make one over 1000 bytes). */
static PetscErrorCode XdmfPut(char **s, size_t *cap, size_t *n, const char fmt[], ...) PETSC_ATTRIBUTE_FORMAT(4, 5);
static PetscErrorCode XdmfPut(char **s, size_t *cap, size_t *n, const char fmt[], ...)
{
  va_list ap;
  int     m;

  PetscFunctionBegin;
  va_start(ap, fmt);
  m = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  PetscCheck(m >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Could not format the XDMF text");
  if (*n + (size_t)m + 1 > *cap) {
    *cap = PetscMax(2 * *cap, *n + (size_t)m + 1);
    PetscCall(PetscRealloc(*cap, s));
  }
  va_start(ap, fmt);
  (void)vsnprintf(*s + *n, *cap - *n, fmt, ap);
  va_end(ap);
  *n += (size_t)m;
  PetscFunctionReturn(0);
}

/* The XML entity of c, one of the five special characters (& < > " '), or NULL for any other. */
static const char *XmlEntity(char c)
{
  switch (c) {
  case '&':
    return "&amp;";
  case '<':
    return "&lt;";
  case '>':
    return "&gt;";
  case '"':
    return "&quot;";
  case '\'':
    return "&apos;";
  default:
    return NULL;
  }
}

/* text with the five XML special characters as entities, in a new string: names pasted into the XDMF (the file's
   base name, the equation and field) may hold any of them, and an unescaped one makes the file invalid XML, which
   ParaView's readers reject. */
static PetscErrorCode XmlEscape(const char text[], char **out)
{
  size_t n = 1, k = 0;

  PetscFunctionBegin;
  for (const char *c = text; *c; c++) n += XmlEntity(*c) ? strlen(XmlEntity(*c)) : 1;
  PetscCall(PetscMalloc1(n, out));
  for (const char *c = text; *c; c++) {
    const char *e = XmlEntity(*c);

    if (e)
      for (; *e; e++) (*out)[k++] = *e;
    else
      (*out)[k++] = *c;
  }
  (*out)[k] = 0;
  PetscFunctionReturn(0);
}

/* The XDMF text that lets ParaView animate every member of a 2-D field: a temporal collection of the saved times; at
   each, one grid (one member) or a spatial collection of one grid per member, named "member <m>" (ParaView: one block
   each, the same at every time, on the same box: the Multiblock Inspector or Extract Block shows one). */
static PetscErrorCode XdmfText(SNAPSTrajectory tr, const PetscReal times[], char **text, size_t *len)
{
  const SNAPSTrajectoryDesc *d     = &tr->desc;
  const char                *slash = strrchr(tr->file, '/'), *base = slash ? slash + 1 : tr->file;
  size_t                     cap = 4096 + (size_t)(tr->rows * d->members) * 1024, n = 0; /* a first guess: XdmfPut enlarges it */
  char                      *s, *xbase, *xequation, *xfield;

  PetscFunctionBegin;
  PetscCall(XmlEscape(base, &xbase));
  PetscCall(XmlEscape(d->equation, &xequation));
  PetscCall(XmlEscape(d->field, &xfield));
  PetscCall(PetscMalloc1(cap, &s));
#define XDMF_PUT(...) PetscCall(XdmfPut(&s, &cap, &n, __VA_ARGS__))
  XDMF_PUT("<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n <Domain>\n  <Grid Name=\"%s\" GridType=\"Collection\" CollectionType=\"Temporal\">\n", xequation);
  for (PetscInt k = 0; k < tr->rows; k++) {
    const PetscBool one = d->members == 1 ? PETSC_TRUE : PETSC_FALSE; /* one member: a plain grid per time, as before */

    if (!one) XDMF_PUT("   <Grid Name=\"t%" PetscInt_FMT "\" GridType=\"Collection\" CollectionType=\"Spatial\">\n    <Time Value=\"%.17g\"/>\n", k, (double)times[k]);
    for (PetscInt m = 0; m < d->members; m++) {
      if (one)
        XDMF_PUT("   <Grid Name=\"t%" PetscInt_FMT "\" GridType=\"Uniform\">\n    <Time Value=\"%.17g\"/>\n", k, (double)times[k]);
      else
        XDMF_PUT("   <Grid Name=\"member %" PetscInt_FMT "\" GridType=\"Uniform\">\n", m);
      XDMF_PUT("    <Topology TopologyType=\"2DCoRectMesh\" Dimensions=\"%" PetscInt_FMT " %" PetscInt_FMT "\"/>\n", d->shape[0], d->shape[1]);
      XDMF_PUT("    <Geometry GeometryType=\"ORIGIN_DXDY\">\n     <DataItem Dimensions=\"2\" Format=\"XML\">0 0</DataItem>\n");
      XDMF_PUT("     <DataItem Dimensions=\"2\" Format=\"XML\">%.17g %.17g</DataItem>\n    </Geometry>\n", (double)(d->length[0] / d->shape[0]), (double)(d->length[1] / d->shape[1]));
      XDMF_PUT("    <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n", xfield);
      XDMF_PUT("     <DataItem ItemType=\"HyperSlab\" Dimensions=\"%" PetscInt_FMT " %" PetscInt_FMT "\">\n", d->shape[0], d->shape[1]);
      XDMF_PUT("      <DataItem Dimensions=\"3 4\" Format=\"XML\">%" PetscInt_FMT " %" PetscInt_FMT " 0 0 1 1 1 1 1 1 %" PetscInt_FMT " %" PetscInt_FMT "</DataItem>\n", k, m, d->shape[0], d->shape[1]);
      XDMF_PUT("      <DataItem Dimensions=\"%" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/%s</DataItem>\n", tr->rows, d->members, d->shape[0], d->shape[1], xbase, xfield);
      XDMF_PUT("     </DataItem>\n    </Attribute>\n   </Grid>\n");
    }
    if (!one) XDMF_PUT("   </Grid>\n");
  }
  XDMF_PUT("  </Grid>\n </Domain>\n</Xdmf>\n");
#undef XDMF_PUT
  PetscCall(PetscFree(xbase));
  PetscCall(PetscFree(xequation));
  PetscCall(PetscFree(xfield));
  *text = s;
  *len  = n;
  PetscFunctionReturn(0);
}

/* Rank 0: marks the file complete, closes it and reads back the times for the XDMF. */
static PetscErrorCode Finish_Rank0(SNAPSTrajectory tr, PetscReal **times)
{
  hsize_t n = (hsize_t)tr->rows;
  herr_t  err;

  PetscFunctionBegin;
  CloseDatasets_Rank0(tr);
  PetscCall(PetscMalloc1(tr->rows + 1, times));
  if (tr->rows) PetscCall(SNAHDF5ReadArray(tr->h5, "time", 1, &n, *times));
  if (H5Aexists(tr->h5, "complete") > 0) H5Adelete(tr->h5, "complete");
  PetscCall(SNAHDF5WriteAttributeInt(tr->h5, "complete", 1));
  err    = H5Fclose(tr->h5);
  tr->h5 = -1;
  PetscCheck(err >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not close '%s' (disk full?)", tr->partial);
  PetscFunctionReturn(0);
}

/* Rank 0: the closed, complete partial file renamed over the file (a symbolic link's target; its mode kept), or
   copied into a stream; kept on failure: it holds the whole trajectory. */
static PetscErrorCode MoveIntoPlace_Rank0(SNAPSTrajectory tr)
{
  int err;

  PetscFunctionBegin;
  PetscCall(SNAPSMoveIntoPlace(tr->partial, tr->file, &err));
  PetscCheck(!err, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Could not move the complete trajectory '%s' into place as '%s': %s; it stays there", tr->partial, tr->file, strerror(err));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectoryXdmfName - The name of the XDMF file written beside a trajectory of 2-D fields

  Not Collective

  Input Parameters:
+ file - the trajectory file's name
- len  - the room in xmf

  Output Parameter:
. xmf - file without its ".h5", then ".xmf"; empty when file is a stream (SNAPSOutputIsStream(): /dev/null, a
        terminal), beside which no XDMF file is written

  Level: developer

.seealso: SNAPSTrajectoryClose(), SNAPSTrajectoryCheckName()
@*/
PetscErrorCode SNAPSTrajectoryXdmfName(const char file[], char xmf[], size_t len)
{
  size_t    n;
  PetscBool stream;

  PetscFunctionBegin;
  PetscCall(SNAPSOutputIsStream(file, &stream));
  if (stream) {
    if (len) xmf[0] = 0;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscStrncpy(xmf, file, len));
  n = strlen(xmf);
  if (n > 3 && !strcmp(xmf + n - 3, ".h5")) xmf[n - 3] = 0;
  PetscCall(PetscStrlcat(xmf, ".xmf", len));
  PetscFunctionReturn(0);
}

/* SNAPSTrajectoryClose()'s work: the file finished, moved into place, and its XDMF */
static PetscErrorCode TrajectoryFinish(SNAPSTrajectory tr)
{
  PetscReal     *times = NULL;
  PetscErrorCode ierr  = 0;

  PetscFunctionBegin;
  if (!tr->rank) WRITE_RANK0(ierr, Finish_Rank0(tr, &times));
  if (ierr) PetscCall(PetscFree(times));
  PetscCall(AgreeOnFailedWrite(tr, ierr, "Finishing the trajectory"));
  if (!tr->rank) ierr = MoveIntoPlace_Rank0(tr);
  if (ierr) PetscCall(PetscFree(times));
  PetscCall(AgreeOnRank0(tr->comm, ierr, PETSC_ERR_FILE_WRITE, "Finishing the trajectory", tr->file));
  if (tr->desc.sdim == 2) {
    char   xmf[PETSC_MAX_PATH_LEN], *text = NULL;
    size_t len = 0;

    ierr = SNAPSTrajectoryXdmfName(tr->file, xmf, sizeof(xmf));
    if (!ierr) PetscCallMPI(MPI_Bcast(xmf, (PetscMPIInt)sizeof(xmf), MPI_CHAR, 0, tr->comm)); /* rank 0's judgement: no XDMF beside a stream */
    if (!ierr && xmf[0]) {
      if (!tr->rank) ierr = XdmfText(tr, times, &text, &len);
      PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, tr->comm));           /* rank 0's out of memory: no rank enters the write */
      if (!ierr) ierr = SNAPSWriteFileReplace(tr->comm, xmf, text, len); /* not synced: neither is the HDF5 file it describes */
      PetscCall(PetscFree(text));
    }
  }
  PetscCall(PetscFree(times));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectoryClose - Finishes a trajectory file and frees the writer

  Collective

  Input Parameter:
. traj - the trajectory being written (NULL: nothing to do); set to NULL

  Notes:
  Marks the file complete, renames the partial file to its final name and, for 2-D fields, writes
  "<file without .h5>.xmf" for ParaView (SNAPSTrajectoryXdmfName(); not fsync'ed, as the HDF5 file is not). A failure
  is raised on every rank with rank 0's message, which says what became of the partial file; the writer is freed then
  too.

  Level: developer

.seealso: SNAPSTrajectoryOpen(), SNAPSTrajectoryDestroy()
@*/
PetscErrorCode SNAPSTrajectoryClose(SNAPSTrajectory *traj)
{
  PetscErrorCode ierr;

  PetscFunctionBegin;
  if (!*traj) PetscFunctionReturn(0);
  ierr = TrajectoryFinish(*traj);
  PetscCall(SNAPSTrajectoryDestroy(traj)); /* after an error too, as the page says */
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@
  SNAPSTrajectoryDestroy - Frees a trajectory object without finishing its file, and sets the pointer to NULL

  Not Collective

  Input Parameter:
. traj - the trajectory; a pointer to NULL does nothing

  Notes:
  An unfinished file stays as the partial file, which a restart resumes; SNAPSTrajectoryClose() is what finishes a file
  (and calls this).

  Level: intermediate

.seealso: SNAPSTrajectoryOpen(), SNAPSTrajectoryClose()
@*/
PetscErrorCode SNAPSTrajectoryDestroy(SNAPSTrajectory *traj)
{
  PetscFunctionBegin;
  if (!*traj) PetscFunctionReturn(0);
  CloseDatasets_Rank0(*traj);
  if ((*traj)->h5 >= 0) H5Fclose((*traj)->h5);
  PetscCall(PetscFree(*traj));
  PetscFunctionReturn(0);
}

/* ---- checkpoints ---- */

#define CKPT_MAX 64

struct _n_SNAPSCheckpoint {
  MPI_Comm    comm;
  PetscMPIInt rank;
  PetscInt    n;
  char       *name[CKPT_MAX];
  PetscInt    rows[CKPT_MAX], cols[CKPT_MAX]; /* 0 x 0: a real scalar; -1 x len: a string */
  PetscReal   value[CKPT_MAX];
  PetscReal  *data[CKPT_MAX];
  char       *text[CKPT_MAX];
  hid_t       h5; /* rank 0, after SNAPSCheckpointLoad() */
  char        file[PETSC_MAX_PATH_LEN];
};

/*@
  SNAPSCheckpointCreate - Creates an empty checkpoint: named real scalars, strings and 2-D arrays to write to one HDF5
  file, or to read back from one

  Logically Collective (the later writes and reads are collective)

  Input Parameter:
. comm - the communicator of the run

  Output Parameter:
. ck - the checkpoint, with no entries

  Level: intermediate

.seealso: SNAPSCheckpointSetReal(), SNAPSCheckpointWrite(), SNAPSCheckpointLoad(), SNAPSCheckpointDestroy()
@*/
PetscErrorCode SNAPSCheckpointCreate(MPI_Comm comm, SNAPSCheckpoint *ck)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(ck));
  (*ck)->comm = comm;
  (*ck)->h5   = -1;
  PetscCallMPI(MPI_Comm_rank(comm, &(*ck)->rank));
  PetscFunctionReturn(0);
}

static PetscErrorCode AddEntry(SNAPSCheckpoint ck, const char name[], PetscInt *i)
{
  PetscFunctionBegin;
  PetscCheck(ck->n < CKPT_MAX, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "A checkpoint holds at most %d entries", CKPT_MAX);
  *i = ck->n++;
  PetscCall(PetscStrallocpy(name, &ck->name[*i]));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckpointSetReal - Adds a named real scalar to a checkpoint, to be written by SNAPSCheckpointWrite()

  Not Collective

  Input Parameters:
+ ck   - the checkpoint
. name - the entry's name (an attribute of the file's root)
- v    - the value

  Notes:
  A checkpoint holds at most 64 entries; one more raises PETSC_ERR_ARG_OUTOFRANGE. Names are not checked for
  duplicates.

  Level: intermediate

.seealso: SNAPSCheckpointCreate(), SNAPSCheckpointSetString(), SNAPSCheckpointSetArray(), SNAPSCheckpointGetReal()
@*/
PetscErrorCode SNAPSCheckpointSetReal(SNAPSCheckpoint ck, const char name[], PetscReal v)
{
  PetscInt i = 0;

  PetscFunctionBegin;
  PetscCall(AddEntry(ck, name, &i));
  ck->value[i] = v;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckpointSetString - Adds a named string (copied) to a checkpoint, to be written by SNAPSCheckpointWrite()

  Not Collective

  Input Parameters:
+ ck   - the checkpoint
. name - the entry's name (an attribute of the file's root)
- v    - the string

  Notes:
  A checkpoint holds at most 64 entries; one more raises PETSC_ERR_ARG_OUTOFRANGE.

  Level: intermediate

.seealso: SNAPSCheckpointCreate(), SNAPSCheckpointSetReal(), SNAPSCheckpointGetString()
@*/
PetscErrorCode SNAPSCheckpointSetString(SNAPSCheckpoint ck, const char name[], const char v[])
{
  PetscInt i = 0;

  PetscFunctionBegin;
  PetscCall(AddEntry(ck, name, &i));
  ck->rows[i] = -1;
  PetscCall(PetscStrallocpy(v, &ck->text[i]));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckpointSetArray - Adds a named rows x cols float64 array to a checkpoint, to be written by
  SNAPSCheckpointWrite()

  Not Collective

  Input Parameters:
+ ck   - the checkpoint
. name - the entry's name (a dataset of the file)
. rows - rows, at least 1
. cols - columns
- a    - the array, row-major; copied on rank 0 only (only rank 0's array is written), not read on other ranks

  Notes:
  A checkpoint holds at most 64 entries; one more raises PETSC_ERR_ARG_OUTOFRANGE.

  Level: intermediate

.seealso: SNAPSCheckpointCreate(), SNAPSCheckpointSetReal(), SNAPSCheckpointGetArray()
@*/
PetscErrorCode SNAPSCheckpointSetArray(SNAPSCheckpoint ck, const char name[], PetscInt rows, PetscInt cols, const PetscReal a[])
{
  PetscInt i = 0;

  PetscFunctionBegin;
  PetscCall(AddEntry(ck, name, &i));
  ck->rows[i] = rows;
  ck->cols[i] = cols;
  if (!ck->rank) {
    PetscCall(PetscMalloc1(rows * cols, &ck->data[i]));
    PetscCall(PetscArraycpy(ck->data[i], a, rows * cols));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Write_Rank0(void *ctx, const char tmp[])
{
  SNAPSCheckpoint ck = (SNAPSCheckpoint)ctx;
  hid_t           h5;
  PetscErrorCode  ierr = 0;

  PetscFunctionBegin;
  PetscCall(SNAPSTemporaryCreate(tmp, NULL)); /* 0600, exclusive; a failure: H5Fcreate says so */
  h5 = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(h5 >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot create the checkpoint file '%s': check the directory exists and is writable", tmp);
  for (PetscInt i = 0; i < ck->n && !ierr; i++) {
    if (ck->rows[i] < 0)
      ierr = SNAHDF5WriteAttributeString(h5, ck->name[i], ck->text[i]);
    else if (!ck->rows[i])
      ierr = SNAHDF5WriteAttributeReal(h5, ck->name[i], ck->value[i]);
    else {
      hsize_t dims[2] = {(hsize_t)ck->rows[i], (hsize_t)ck->cols[i]};
      ierr            = SNAHDF5WriteArray(h5, ck->name[i], 2, dims, ck->data[i]);
    }
  }
  /* closed before any error is raised; a failure here (a full disk at the final flush) is the message PETSc prints
     in full: it names the file */
  PetscCheck(H5Fclose(h5) >= 0 || ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not close the checkpoint file '%s' (disk full?)", tmp);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckpointWrite - Writes a checkpoint's entries to a file atomically (temporary file, then rename), so that an
  interrupted write leaves the previous checkpoint intact

  Collective

  Input Parameters:
+ ck   - the checkpoint; rank 0 writes
- file - the checkpoint file

  Notes:
  A failure is raised on every rank with rank 0's message; the temporary file is then removed.

  Level: developer

.seealso: SNAPSCheckpointCreate(), SNAPSCheckpointLoad()
@*/
PetscErrorCode SNAPSCheckpointWrite(SNAPSCheckpoint ck, const char file[])
{
  char           tmp[PETSC_MAX_PATH_LEN];
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscCall(SNAPSTemporaryName(file, tmp, sizeof(tmp)));
  if (!ck->rank) ierr = SNAHDF5CommitLocal(Write_Rank0, ck, tmp, file);
  PetscCall(AgreeOnRank0(ck->comm, ierr, PETSC_ERR_FILE_WRITE, "Writing the checkpoint", file));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckpointLoad - Opens a checkpoint file for SNAPSCheckpointHas() and the Get functions

  Collective

  Input Parameters:
+ ck   - the checkpoint, from SNAPSCheckpointCreate()
- file - the checkpoint file, written by SNAPSCheckpointWrite()

  Notes:
  Raises PETSC_ERR_FILE_OPEN where the file does not exist or is not readable, and PETSC_ERR_FILE_UNEXPECTED where it is
  not an HDF5 file (or is truncated or corrupt). Rank 0 keeps the file open until SNAPSCheckpointDestroy().

  Level: intermediate

.seealso: SNAPSCheckpointHas(), SNAPSCheckpointGetReal(), SNAPSCheckpointGetString(), SNAPSCheckpointGetArray(), SNAPSCheckpointDestroy()
@*/
PetscErrorCode SNAPSCheckpointLoad(SNAPSCheckpoint ck, const char file[])
{
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(ck->file, file, sizeof(ck->file)));
  if (!ck->rank) {
    if (access(file, R_OK))
      ierr = PETSC_ERR_FILE_OPEN;
    else if (H5Fis_hdf5(file) <= 0 || (ck->h5 = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
      ierr = PETSC_ERR_FILE_UNEXPECTED;
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, ck->comm));
  PetscCheck(ierr != PETSC_ERR_FILE_OPEN, ck->comm, PETSC_ERR_FILE_OPEN, "Cannot read the checkpoint file '%s': it does not exist or is not readable", file);
  PetscCheck(!ierr, ck->comm, PETSC_ERR_FILE_UNEXPECTED, "The checkpoint file '%s' is not an HDF5 file, or it is truncated or corrupt", file);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckpointHas - Says whether a loaded checkpoint has a scalar or string of the given name (one an older writer
  may not have written)

  Collective

  Input Parameters:
+ ck   - the checkpoint, after SNAPSCheckpointLoad()
- name - the entry's name

  Output Parameter:
. has - PETSC_TRUE where the file's root has an attribute of that name (arrays, which are datasets, are not seen)

  Level: intermediate

.seealso: SNAPSCheckpointLoad(), SNAPSCheckpointGetReal(), SNAPSCheckpointGetString()
@*/
PetscErrorCode SNAPSCheckpointHas(SNAPSCheckpoint ck, const char name[], PetscBool *has)
{
  int found = 0;

  PetscFunctionBegin;
  if (!ck->rank) found = H5Aexists(ck->h5, name) > 0;
  PetscCallMPI(MPI_Bcast(&found, 1, MPI_INT, 0, ck->comm));
  *has = found ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckpointGetReal - Reads a real scalar written by SNAPSCheckpointSetReal(); every rank gets the same value

  Collective

  Input Parameters:
+ ck   - the checkpoint, after SNAPSCheckpointLoad()
- name - the entry's name

  Output Parameter:
. v - the value

  Notes:
  Raises PETSC_ERR_FILE_UNEXPECTED, naming the file and the entry, where there is no such scalar, it is not a single
  value, it cannot be read, or it is not finite.

  Level: intermediate

.seealso: SNAPSCheckpointLoad(), SNAPSCheckpointHas(), SNAPSCheckpointSetReal()
@*/
PetscErrorCode SNAPSCheckpointGetReal(SNAPSCheckpoint ck, const char name[], PetscReal *v)
{
  PetscErrorCode ierr = 0;
  double         x    = 0;

  PetscFunctionBegin;
  if (!ck->rank) {
    hid_t a = H5Aexists(ck->h5, name) > 0 ? H5Aopen(ck->h5, name, H5P_DEFAULT) : -1, sp = a >= 0 ? H5Aget_space(a) : -1;
    if (a < 0 || H5Sget_simple_extent_npoints(sp) != 1 || H5Aread(a, H5T_NATIVE_DOUBLE, &x) < 0 || !isfinite(x)) ierr = PETSC_ERR_FILE_UNEXPECTED;
    if (sp >= 0) H5Sclose(sp);
    if (a >= 0) H5Aclose(a);
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, ck->comm));
  PetscCheck(!ierr, ck->comm, PETSC_ERR_FILE_UNEXPECTED, "The checkpoint '%s' has no readable finite value '%s': it is corrupt or from another program", ck->file, name);
  PetscCallMPI(MPI_Bcast(&x, 1, MPI_DOUBLE, 0, ck->comm));
  *v = (PetscReal)x;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckpointGetString - Reads a string written by SNAPSCheckpointSetString(); every rank gets the same string

  Collective

  Input Parameters:
+ ck   - the checkpoint, after SNAPSCheckpointLoad()
. name - the entry's name
- len  - the size of v

  Output Parameter:
. v - the string

  Notes:
  Where rank 0 cannot read it (no such string, or one that does not fit in len) it prints its reason and every rank
  raises PETSC_ERR_FILE_UNEXPECTED ("Reading the string '<name>' of the checkpoint '<file>' failed").

  Level: intermediate

.seealso: SNAPSCheckpointLoad(), SNAPSCheckpointHas(), SNAPSCheckpointSetString()
@*/
PetscErrorCode SNAPSCheckpointGetString(SNAPSCheckpoint ck, const char name[], char v[], size_t len)
{
  PetscErrorCode ierr = 0;
  char           what[PETSC_MAX_OPTION_NAME + 64];

  PetscFunctionBegin;
  if (!ck->rank) ierr = SNAHDF5ReadAttributeString(ck->h5, name, v, len);
  PetscCall(PetscSNPrintf(what, sizeof(what), "Reading the string '%s' of the checkpoint", name));
  PetscCall(AgreeOnRank0(ck->comm, ierr, PETSC_ERR_FILE_UNEXPECTED, what, ck->file));
  PetscCallMPI(MPI_Bcast(v, (PetscMPIInt)len, MPI_CHAR, 0, ck->comm));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckpointGetArray - Reads a rows x cols array written by SNAPSCheckpointSetArray(); every rank gets the same
  values

  Collective

  Input Parameters:
+ ck   - the checkpoint, after SNAPSCheckpointLoad()
. name - the entry's name
. rows - the rows expected
- cols - the columns expected

  Output Parameter:
. a - the array, rows x cols, row-major (allocated by the caller)

  Notes:
  Where rank 0 cannot read it (no such array, or one of another shape) it prints its reason and every rank raises
  PETSC_ERR_FILE_UNEXPECTED ("Reading the <rows> x <cols> array '<name>' of the checkpoint '<file>' failed").

  Level: intermediate

.seealso: SNAPSCheckpointLoad(), SNAPSCheckpointSetArray()
@*/
PetscErrorCode SNAPSCheckpointGetArray(SNAPSCheckpoint ck, const char name[], PetscInt rows, PetscInt cols, PetscReal a[])
{
  PetscErrorCode ierr = 0;
  PetscMPIInt    n;
  char           what[PETSC_MAX_OPTION_NAME + 128];

  PetscFunctionBegin;
  if (!ck->rank) {
    hsize_t dims[2] = {(hsize_t)rows, (hsize_t)cols};
    ierr            = SNAHDF5ReadArray(ck->h5, name, 2, dims, a);
  }
  PetscCall(PetscSNPrintf(what, sizeof(what), "Reading the %" PetscInt_FMT " x %" PetscInt_FMT " array '%s' of the checkpoint", rows, cols, name));
  PetscCall(AgreeOnRank0(ck->comm, ierr, PETSC_ERR_FILE_UNEXPECTED, what, ck->file));
  PetscCall(PetscMPIIntCast(rows * cols, &n));
  PetscCallMPI(MPI_Bcast(a, n, MPIU_REAL, 0, ck->comm));
  PetscFunctionReturn(0);
}

/*@
  SNAPSCheckpointDestroy - Frees a checkpoint, closes the file SNAPSCheckpointLoad() opened, and sets the pointer to
  NULL

  Not Collective

  Input Parameter:
. ck - the checkpoint; a pointer to NULL does nothing

  Level: intermediate

.seealso: SNAPSCheckpointCreate(), SNAPSCheckpointLoad()
@*/
PetscErrorCode SNAPSCheckpointDestroy(SNAPSCheckpoint *ck)
{
  PetscFunctionBegin;
  if (!*ck) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < (*ck)->n; i++) {
    PetscCall(PetscFree((*ck)->name[i]));
    PetscCall(PetscFree((*ck)->data[i]));
    PetscCall(PetscFree((*ck)->text[i]));
  }
  if ((*ck)->h5 >= 0) H5Fclose((*ck)->h5);
  PetscCall(PetscFree(*ck));
  PetscFunctionReturn(0);
}

/* ---- reading whole trajectories ---- */

/* Shape of dataset name (rank <= 4) after checking it is a float array whose data the file holds. */
static PetscErrorCode TrajectoryShape(hid_t h5, const char file[], const char name[], int *rank, hsize_t dims[4])
{
  hid_t             dset = H5Lexists(h5, name, H5P_DEFAULT) > 0 ? H5Dopen2(h5, name, H5P_DEFAULT) : -1;
  SNAHDF5ArrayState state;

  PetscFunctionBegin;
  PetscCheck(dset >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' has no dataset /%s: is it a trajectory file?", file, name);
  state = SNAHDF5InspectArray(dset, 4, rank, dims);
  H5Dclose(dset);
  PetscCheck(state == SNA_HDF5_ARRAY_OK, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The dataset /%s of the trajectory '%s' %s", name, file, SNAHDF5ArrayStateText(state));
  PetscFunctionReturn(0);
}

/* Times that do not increase: a state is found by its time (SNAHDF5ReadArray() refuses non-finite values). */
static PetscErrorCode TrajectoryCheckTimes(const char file[], const SNAPSTrajectoryData *td)
{
  PetscFunctionBegin;
  for (PetscInt i = 1; i < td->nt; i++) PetscCheck(td->time[i] > td->time[i - 1], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' has times that do not increase (row %" PetscInt_FMT ": %g after %g): corrupt file", file, i, (double)td->time[i], (double)td->time[i - 1]);
  PetscFunctionReturn(0);
}

/* The attributes members and N (grid points per direction; absent in some files) against the data's shape, which the
   readers use: a file whose attributes disagree with its data (edited by hand, or written by another tool) is refused,
   naming both, rather than read as its shape says while the attributes (what an h5py reader may take) say otherwise. */
static PetscErrorCode TrajectoryCheckSizeAttributes(hid_t h5, const char file[], const SNAPSTrajectoryData *td)
{
  PetscReal members, N; /* read as reals: files of older runs hold N as float64, as forcing_wavenumber */
  char      grid[64];

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeRealDefault(h5, "members", -1, &members));
  PetscCheck(members == -1 || members == (PetscReal)td->members, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' has the attribute members = %g, but its /%s holds %" PetscInt_FMT " members: the attribute and the data disagree (an edited or corrupt file)", file, (double)members, td->field, td->members);
  PetscCall(SNAHDF5ReadAttributeRealDefault(h5, "N", -1, &N));
  if (N == -1 || (N == (PetscReal)td->shape[0] && (td->sdim == 1 || N == (PetscReal)td->shape[1]))) PetscFunctionReturn(0);
  if (td->sdim == 1)
    PetscCall(PetscSNPrintf(grid, sizeof(grid), "%" PetscInt_FMT, td->shape[0]));
  else
    PetscCall(PetscSNPrintf(grid, sizeof(grid), "%" PetscInt_FMT " x %" PetscInt_FMT, td->shape[0], td->shape[1]));
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' has the attribute N = %g, but its /%s holds a grid of %s points: the attribute and the data disagree (an edited or corrupt file)", file, (double)N, td->field, grid);
  PetscFunctionReturn(0);
}

/* Everything of TrajectoryLoad_Local() once the file is open (the caller closes it on every path): every saved time,
   or (at not NULL) the one saved time *at (NULL: the first) alone, as a trajectory of one time. */
static PetscErrorCode TrajectoryRead(hid_t h5, const char file[], const PetscReal *at, SNAPSTrajectoryData *td)
{
  PetscReal f;
  PetscInt  complete = 0, count = 0;
  int       rt, rf;
  hsize_t   dt[4], df[4];

  PetscFunctionBegin;
  /* another HDF5 file (a checkpoint, a model): said so, not "there is no attribute 'equation'" */
  PetscCheck(H5Aexists(h5, "equation") > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' is not a trajectory of snaps-ks or snaps-kolmogorov (it has no 'equation' attribute)%s", file,
             H5Aexists(h5, "fingerprint") > 0 ? "; it is a checkpoint (-checkpoint's file: -restart continues its run)" : "");
  PetscCall(SNAHDF5ReadAttributeString(h5, "equation", td->equation, sizeof(td->equation)));
  PetscCall(SNAHDF5ReadAttributeString(h5, "field", td->field, sizeof(td->field)));
  PetscCall(SNAHDF5ReadAttributeInt(h5, "complete", &complete));
  PetscCheck(complete == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' is incomplete (complete = %" PetscInt_FMT "): its run did not finish", file, complete);
  PetscCall(SNAHDF5ReadAttributeRealDefault(h5, "L", 0, &td->length)); /* absent in older files */
  PetscCall(SNAHDF5ReadAttributeRealDefault(h5, "nu", 0, &td->nu));
  PetscCall(SNAHDF5ReadAttributeRealDefault(h5, "alpha", 0, &td->alpha));
  PetscCall(SNAHDF5ReadAttributeRealDefault(h5, "forcing_wavenumber", 0, &f));
  td->forcing = (PetscInt)round(f);
  PetscCall(SNAHDF5ReadAttributeRealDefault(h5, "forcing_amplitude", td->forcing > 0 ? 1 : 0, &td->famp));
  PetscCall(SNAHDF5ReadAttributeStringDefault(h5, "stepper", "arkode", td->stepper, sizeof(td->stepper)));
  PetscCall(SNAHDF5ReadAttributeStringDefault(h5, "stepper_model", "", td->stepper_model, sizeof(td->stepper_model)));
  PetscCall(TrajectoryShape(h5, file, "time", &rt, dt));
  PetscCall(TrajectoryShape(h5, file, td->field, &rf, df));
  /* one check each: the message says which of the shapes is wrong */
  PetscCheck(rt == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' has /time of rank %d; expected rank 1 (one entry per saved time): corrupt file", file, rt);
  PetscCheck(rf == 3 || rf == 4, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' has /%s of rank %d; expected rank 3 (saved times x members x grid points) or 4 (saved times x members x nx x ny): corrupt file", file, td->field, rf);
  PetscCheck(df[0] == dt[0], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' has %llu saved times in /time but %llu rows in /%s: corrupt file", file, (unsigned long long)dt[0], (unsigned long long)df[0], td->field);
  PetscCheck(dt[0] >= 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' holds no saved time (/time and /%s have 0 rows): an empty file; give a trajectory written by a run that saved at least one state", file, td->field);
  td->nt       = (PetscInt)dt[0];
  td->members  = (PetscInt)df[1];
  td->sdim     = rf - 2;
  td->shape[0] = (PetscInt)df[2];
  td->shape[1] = rf == 4 ? (PetscInt)df[3] : 1;
  /* an empty member or grid axis holds no state: every reader would divide by (or index modulo) the count */
  PetscCheck(td->members >= 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' holds no members (its /%s has 0 of them): an empty or edited file; give a trajectory written by a completed run", file, td->field);
  PetscCheck(td->shape[0] >= 1 && td->shape[1] >= 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The trajectory '%s' holds no grid points (its /%s has a grid of %" PetscInt_FMT " x %" PetscInt_FMT "): corrupt file", file, td->field, td->shape[0], td->shape[1]);
  PetscCall(TrajectoryCheckSizeAttributes(h5, file, td));
  PetscCall(PetscIntMultError(td->shape[0], td->shape[1], &td->npts));
  PetscCall(PetscIntMultError(at ? 1 : td->nt, td->members, &count));
  PetscCall(PetscIntMultError(count, td->npts, &count));
  PetscCall(PetscMalloc2(td->nt, &td->time, count, &td->data));
  PetscCall(SNAHDF5ReadArray(h5, "time", 1, dt, td->time));
  PetscCall(TrajectoryCheckTimes(file, td));
  if (at) {
    PetscInt row = 0;
    if (*at != PETSC_MIN_REAL) PetscCall(SNAPSTrajectoryFindTime(td, file, *at, &row));
    td->time[0] = td->time[row];
    td->nt      = 1;
    PetscCall(SNAHDF5ReadRows(h5, td->field, rf, df, (hsize_t)row, 1, td->data));
  } else
    PetscCall(SNAHDF5ReadArray(h5, td->field, rf, df, td->data));
  PetscFunctionReturn(0);
}

static PetscErrorCode TrajectoryLoad_Local(const char file[], const PetscReal *at, SNAPSTrajectoryData *td)
{
  hid_t          h5;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAHDF5OpenReadLocal(file, "trajectory", &h5));
  ierr = TrajectoryRead(h5, file, at, td); /* not PetscCall: the file is closed first */
  H5Fclose(h5);
  if (ierr) PetscCall(SNAPSTrajectoryDataFree(td));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* SNAPSTrajectoryLoad, or SNAPSTrajectoryLoadTime where at is not NULL. Every rank reads the file; a failure is
   raised once, with the first failing rank's message (SNAPSRaiseLocalError()). */
typedef struct {
  const char          *file;
  const PetscReal     *at;
  SNAPSTrajectoryData *td;
} TrajectoryLoadCtx;

static PetscErrorCode TrajectoryLoad_Rank(void *ctx)
{
  TrajectoryLoadCtx *l = (TrajectoryLoadCtx *)ctx;

  PetscFunctionBegin;
  PetscCall(TrajectoryLoad_Local(l->file, l->at, l->td));
  PetscFunctionReturn(0);
}

static PetscErrorCode TrajectoryLoad_After(void *ctx, PetscBool here, PetscBool anywhere)
{
  PetscFunctionBegin;
  if (anywhere && !here) PetscCall(SNAPSTrajectoryDataFree(((TrajectoryLoadCtx *)ctx)->td)); /* read here, but not everywhere */
  PetscFunctionReturn(0);
}

static PetscErrorCode TrajectoryLoad(MPI_Comm comm, const char file[], const PetscReal *at, SNAPSTrajectoryData *td)
{
  TrajectoryLoadCtx ctx = {file, at, td};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(td, sizeof(*td)));
  PetscCall(SNAPSLoadLocal(comm, TrajectoryLoad_Rank, TrajectoryLoad_After, &ctx)); /* all ranks agree */
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectoryLoad - Reads a whole, complete trajectory file into memory on every rank

  Collective

  Input Parameters:
+ comm - the ranks that read; every rank reads the file
- file - the trajectory file

  Output Parameter:
. td - the trajectory (free it with SNAPSTrajectoryDataFree()); no arrays after an error

  Notes:
  Refused (PETSC_ERR_FILE_UNEXPECTED, raised once with the first failing rank's message: SNAPSLoadLocal()): a file
  that is not a trajectory, an incomplete one (its run did not finish), one without saved times, members or grid
  points, datasets of the wrong rank or of different row counts, size attributes that disagree with the data, and
  times that do not increase.

  Level: developer

.seealso: SNAPSTrajectoryLoadTime(), SNAPSTrajectoryFindTime(), SNAPSTrajectoryDataFree()
@*/
PetscErrorCode SNAPSTrajectoryLoad(MPI_Comm comm, const char file[], SNAPSTrajectoryData *td)
{
  PetscFunctionBegin;
  PetscCall(TrajectoryLoad(comm, file, NULL, td));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectoryLoadTime - Reads one saved time of a complete trajectory file (every member) on every rank, as a
  trajectory of that one time: the initial state of a run, without reading the rest of the file

  Collective

  Input Parameters:
+ comm - the ranks that read; every rank reads the file
. file - the trajectory file
- t    - the saved time (SNAPSTrajectoryFindTime()'s match), or PETSC_MIN_REAL for the first saved time

  Output Parameter:
. td - the trajectory of one time (free it with SNAPSTrajectoryDataFree()); no arrays after an error

  Notes:
  The checks are SNAPSTrajectoryLoad()'s; a t that is no saved time is PETSC_ERR_ARG_OUTOFRANGE. (The whole of a
  case's truth run took a tenth of a surrogate rollout's wall time.)

  Level: developer

.seealso: SNAPSTrajectoryLoad(), SNAPSTrajectoryFindTime()
@*/
PetscErrorCode SNAPSTrajectoryLoadTime(MPI_Comm comm, const char file[], PetscReal t, SNAPSTrajectoryData *td)
{
  PetscFunctionBegin;
  PetscCall(TrajectoryLoad(comm, file, &t, td));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTrajectoryFindTime - Finds the row of a loaded trajectory whose saved time equals t

  Not Collective

  Input Parameters:
+ td   - the trajectory, from SNAPSTrajectoryLoad()
. file - its file name, for the error message
- t    - the time sought

  Output Parameter:
. row - the first row whose time is within 1e-9 of the spacing of the first two saved times (of 1 when there is one
        saved time) of t

  Notes:
  Raises PETSC_ERR_ARG_OUTOFRANGE, naming t, the file and the range of its times, where no saved time matches.

  Level: intermediate

.seealso: SNAPSTrajectoryLoad(), SNAPSTrajectoryLoadTime()
@*/
PetscErrorCode SNAPSTrajectoryFindTime(const SNAPSTrajectoryData *td, const char file[], PetscReal t, PetscInt *row)
{
  PetscReal tol = 1e-9 * (td->nt > 1 ? PetscAbsReal(td->time[1] - td->time[0]) : 1);

  PetscFunctionBegin;
  for (*row = 0; *row < td->nt; (*row)++)
    if (PetscAbsReal(td->time[*row] - t) <= tol) PetscFunctionReturn(0);
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "The trajectory '%s' has no saved time %g (it holds %" PetscInt_FMT " times from %g to %g)", file, (double)t, td->nt, (double)td->time[0], (double)td->time[td->nt - 1]);
}

/*@
  SNAPSTrajectoryDataFree - Frees the times and the data of a trajectory read into memory

  Not Collective

  Input Parameter:
. td - the trajectory, from SNAPSTrajectoryLoad() or SNAPSTrajectoryLoadTime(); its time and data become NULL

  Level: intermediate

.seealso: SNAPSTrajectoryLoad(), SNAPSTrajectoryLoadTime()
@*/
PetscErrorCode SNAPSTrajectoryDataFree(SNAPSTrajectoryData *td)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(td->time, td->data));
  PetscFunctionReturn(0);
}
