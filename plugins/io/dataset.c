/* Datasets in HDF5: parallel reading and atomic writing of /X and /Y (see snaps/dataset.h).

   Every rank reads or writes its contiguous block of rows (PETSc's default layout, computed with
   PetscSplitOwnership()) through MPI-IO with collective transfers. HDF5's own error printing is
   silenced while we work; every failure is agreed on by all ranks (MPI_Allreduce) and reported as
   a PETSc error that names the file and the dataset, after all HDF5 handles are closed. */
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <snaps/dataset.h>
#include <snaps/report.h>
#include <snaps/private/snaimpl.h>   /* SNAHDF5 array helpers */
#include <petsc/private/petscimpl.h> /* PetscValid...() argument checks */

#include <hdf5.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(PETSC_USE_COMPLEX) || !defined(PETSC_USE_REAL_DOUBLE)
#error "SNAPS datasets need PETSc configured with real, double-precision scalars"
#endif

/* HDF5's automatic error printing, saved while it is silenced. */
typedef struct {
  H5E_auto2_t func;
  void       *data;
} H5ErrorState;

/* Silences HDF5's error stack printing, saving the previous handler. */
static void H5Quiet(H5ErrorState *s)
{
  s->func = NULL;
  s->data = NULL;
  (void)H5Eget_auto2(H5E_DEFAULT, &s->func, &s->data);
  (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* Restores the handler saved by H5Quiet(). */
static void H5Restore(const H5ErrorState *s)
{
  (void)H5Eset_auto2(H5E_DEFAULT, s->func, s->data);
}

/* Makes *flg true on every rank only if it is true on all ranks. */
static PetscErrorCode AllTrue(MPI_Comm comm, PetscBool *flg)
{
  int local = *flg ? 1 : 0, global = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_LAND, comm));
  *flg = global ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* Rank 0 checks that filename exists, is a readable regular file, and carries the HDF5 signature;
   the outcome is broadcast so that every rank raises the same error. */
static PetscErrorCode CheckFile_Private(MPI_Comm comm, const char filename[])
{
  enum { FILE_OK,
         FILE_MISSING,
         FILE_UNREADABLE,
         FILE_DIRECTORY,
         FILE_NOT_HDF5 };
  int         state[2] = {FILE_OK, 0}; /* outcome, errno */
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    struct stat st;

    if (stat(filename, &st)) {
      state[1] = errno;
      state[0] = state[1] == ENOENT ? FILE_MISSING : FILE_UNREADABLE;
    } else if (S_ISDIR(st.st_mode)) {
      state[0] = FILE_DIRECTORY;
    } else {
      FILE *fp = fopen(filename, "rb");

      if (!fp) {
        state[1] = errno;
        state[0] = FILE_UNREADABLE;
      } else {
        H5ErrorState es;
        htri_t       is;

        (void)fclose(fp);
        H5Quiet(&es);
        is = H5Fis_hdf5(filename);
        H5Restore(&es);
        if (is <= 0) state[0] = FILE_NOT_HDF5;
      }
    }
  }
  PetscCallMPI(MPI_Bcast(state, 2, MPI_INT, 0, comm));
  PetscCheck(state[0] != FILE_MISSING, comm, PETSC_ERR_FILE_OPEN, "Cannot open dataset file '%s': no such file", filename);
  PetscCheck(state[0] != FILE_UNREADABLE, comm, PETSC_ERR_FILE_OPEN, "Cannot open dataset file '%s': %s", filename, strerror(state[1]));
  PetscCheck(state[0] != FILE_DIRECTORY, comm, PETSC_ERR_FILE_OPEN, "Cannot open dataset file '%s': it is a directory", filename);
  PetscCheck(state[0] != FILE_NOT_HDF5, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' is not an HDF5 file or is corrupt", filename);
  PetscFunctionReturn(0);
}

/* Opens filename read-only with MPI-IO on comm. On success HDF5 error printing stays silenced
   (saved in *es) until CloseFile_Private(). */
static PetscErrorCode OpenFile_Private(MPI_Comm comm, const char filename[], hid_t *file, H5ErrorState *es)
{
  hid_t     fapl;
  PetscBool ok;

  PetscFunctionBegin;
  *file = H5I_INVALID_HID;
  PetscCall(CheckFile_Private(comm, filename));
  H5Quiet(es);
  fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) >= 0) *file = H5Fopen(filename, H5F_ACC_RDONLY, fapl);
  if (fapl >= 0) (void)H5Pclose(fapl);
  ok = *file >= 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(AllTrue(comm, &ok));
  if (!ok) {
    if (*file >= 0) (void)H5Fclose(*file);
    *file = H5I_INVALID_HID;
    H5Restore(es);
  }
  PetscCheck(ok, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' is not an HDF5 file or is corrupt (HDF5 cannot open it)", filename);
  PetscFunctionReturn(0);
}

/* Closes a file opened by OpenFile_Private() and restores HDF5 error printing. */
static void CloseFile_Private(hid_t *file, const H5ErrorState *es)
{
  if (*file >= 0) (void)H5Fclose(*file);
  *file = H5I_INVALID_HID;
  H5Restore(es);
}

/* The HDF5 handles of one dataset transfer. */
typedef struct {
  hid_t dset, type, fspace, mspace, dxpl, lcpl;
} H5Handles;

static void H5HandlesInit(H5Handles *h)
{
  h->dset = h->type = h->fspace = h->mspace = h->dxpl = h->lcpl = H5I_INVALID_HID;
}

static void H5HandlesClose(H5Handles *h)
{
  if (h->lcpl >= 0) (void)H5Pclose(h->lcpl);
  if (h->dxpl >= 0) (void)H5Pclose(h->dxpl);
  if (h->mspace >= 0) (void)H5Sclose(h->mspace);
  if (h->fspace >= 0) (void)H5Sclose(h->fspace);
  if (h->type >= 0) (void)H5Tclose(h->type);
  if (h->dset >= 0) (void)H5Dclose(h->dset);
  H5HandlesInit(h);
}

/* A failure found inside a transfer, raised by the caller only after the file is closed: raising
   on a parallel communicator while a collective H5Fclose is pending stalls the other ranks. */
typedef struct {
  PetscErrorCode code;
  char           msg[1024];
} DatasetError;

/* Collective check: if cond is false on any rank, close the handles h, destroy the Vec v, record the
   error in err and return; the caller closes the file and then raises it (DatasetErrorRaise). */
#define DatasetCheck(comm, err, h, v, cond, code_, ...)                      \
  do {                                                                       \
    PetscBool ok_ = (cond) ? PETSC_TRUE : PETSC_FALSE;                       \
    PetscCall(AllTrue(comm, &ok_));                                          \
    if (!ok_) {                                                              \
      H5HandlesClose(h);                                                     \
      PetscCall(VecDestroy(v));                                              \
      (err)->code = code_;                                                   \
      PetscCall(PetscSNPrintf((err)->msg, sizeof((err)->msg), __VA_ARGS__)); \
      PetscFunctionReturn(0);                                                \
    }                                                                        \
  } while (0)

/* Raises a recorded transfer failure on comm (every rank holds the same record). */
#define DatasetErrorRaise(comm, err) PetscCheck(!(err)->code, comm, (err)->code, "%s", (err)->msg)

/* A name for an HDF5 type class, for error messages. */
static const char *TypeClassName(H5T_class_t c)
{
  switch (c) {
  case H5T_INTEGER:
    return "integer";
  case H5T_FLOAT:
    return "floating-point";
  case H5T_STRING:
    return "string";
  case H5T_BITFIELD:
    return "bitfield";
  case H5T_OPAQUE:
    return "opaque";
  case H5T_COMPOUND:
    return "compound";
  case H5T_REFERENCE:
    return "reference";
  case H5T_ENUM:
    return "enum";
  case H5T_VLEN:
    return "variable-length";
  case H5T_ARRAY:
    return "array";
  default:
    return "unknown";
  }
}

/* Contiguous block of rows [*rstart, *rstart + *nlocal) of N rows owned by this rank, as PETSc's default layout. */
static PetscErrorCode RowRange_Private(MPI_Comm comm, PetscInt N, PetscInt *rstart, PetscInt *nlocal)
{
  PetscInt    n = PETSC_DECIDE, start = 0;
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCall(PetscSplitOwnership(comm, &n, &N));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Exscan(&n, &start, 1, MPIU_INT, MPI_SUM, comm));
  if (rank == 0) start = 0;
  *rstart = start;
  *nlocal = n;
  PetscFunctionReturn(0);
}

/* Reads the dataset path of an open file into a new row-distributed Vec (block size = columns).
   If other is not NULL, the dataset must have otherN rows, like the dataset named other. */
static PetscErrorCode ReadArray_Private(MPI_Comm comm, const char filename[], hid_t file, const char path[], const char other[], PetscInt otherN, PetscBool integer, Vec *vec, PetscInt *Nrows, DatasetError *err)
{
  H5Handles         h;
  Vec               v   = NULL;
  H5T_class_t       cls = H5T_NO_CLASS;
  SNAHDF5ArrayState state;
  int               corrupt = 0, nofilter = 0, isgroup = 0;
  int               ndims   = -1;
  hsize_t           dims[2] = {0, 0}, start[2], count[2];
  PetscInt          N, cols, rstart = 0, n = 0, bad, badlocal = PETSC_MAX_INT, wide, widelocal = PETSC_MAX_INT;
  /* the largest id kept exact both as a PetscInt and as the real it is read as (2^53 - 1 for 64-bit PetscInt) */
  const PetscReal   idmax = PetscMin((PetscReal)PETSC_MAX_INT, 9007199254740991.0);
  PetscScalar      *a, dummy = 0;
  herr_t            status;
  char              text[320] = "";

  PetscFunctionBegin;
  *vec = NULL;
  H5HandlesInit(&h);
  h.dset = H5Dopen2(file, path, H5P_DEFAULT);
  if (h.dset < 0 && H5Lexists(file, path, H5P_DEFAULT) > 0) { /* something else of that name: "not found" would mislead */
    hid_t o = H5Oopen(file, path, H5P_DEFAULT);

    if (o >= 0) {
      isgroup = H5Iget_type(o) == H5I_GROUP;
      (void)H5Oclose(o);
    }
  }
  DatasetCheck(comm, err, &h, &v, !isgroup, PETSC_ERR_FILE_UNEXPECTED, "'%s' has a group %s, not a dataset: expected an array (N x d, float64) there", filename, path);
  DatasetCheck(comm, err, &h, &v, h.dset >= 0, PETSC_ERR_FILE_UNEXPECTED, "dataset '%s' not found in '%s'", path, filename);
  h.type = H5Dget_type(h.dset);
  if (h.type >= 0) cls = H5Tget_class(h.type);
  DatasetCheck(comm, err, &h, &v, integer || cls == H5T_FLOAT, PETSC_ERR_FILE_UNEXPECTED, "'%s' dataset %s is not floating point (it holds %s data); expected float64", filename, path, TypeClassName(cls));
  DatasetCheck(comm, err, &h, &v, !integer || cls == H5T_INTEGER, PETSC_ERR_FILE_UNEXPECTED, "'%s' dataset %s is not integer (it holds %s data); expected one integer id per row", filename, path, TypeClassName(cls));
  state = SNAHDF5InspectArray(h.dset, 2, &ndims, dims); /* shape and storage, before anything is allocated from them */
  DatasetCheck(comm, err, &h, &v, state != SNA_HDF5_ARRAY_RANK && (ndims == 1 || ndims == 2), PETSC_ERR_FILE_UNEXPECTED, "'%s' dataset %s has rank %d; expected 1 (N) or 2 (N x d)", filename, path, ndims);
  DatasetCheck(comm, err, &h, &v, state == SNA_HDF5_ARRAY_OK || (integer && state == SNA_HDF5_ARRAY_NOT_FLOAT), PETSC_ERR_FILE_UNEXPECTED, "'%s' dataset %s (%llu x %llu) %s", filename, path, (unsigned long long)dims[0], (unsigned long long)(ndims == 2 ? dims[1] : 1), SNAHDF5ArrayStateText(state));
  h.fspace = H5Dget_space(h.dset);
  DatasetCheck(comm, err, &h, &v, h.fspace >= 0, PETSC_ERR_FILE_READ, "Cannot read the shape of dataset %s in '%s'", path, filename);
  if (ndims == 1) dims[1] = 1;
  DatasetCheck(comm, err, &h, &v, dims[0] > 0, PETSC_ERR_FILE_UNEXPECTED, "'%s' dataset %s has no rows (N = 0)", filename, path);
  DatasetCheck(comm, err, &h, &v, dims[1] > 0, PETSC_ERR_FILE_UNEXPECTED, "'%s' dataset %s has no columns", filename, path);
  DatasetCheck(comm, err, &h, &v, dims[0] <= (hsize_t)PETSC_MAX_INT / dims[1], PETSC_ERR_SUP, "'%s' dataset %s is too large (%llu x %llu) for PETSc's integer size", filename, path, (unsigned long long)dims[0], (unsigned long long)dims[1]);
  N    = (PetscInt)dims[0];
  cols = (PetscInt)dims[1];
  DatasetCheck(comm, err, &h, &v, !other || N == otherN, PETSC_ERR_FILE_UNEXPECTED, "'%s' datasets %s and %s have different numbers of rows (%" PetscInt_FMT " and %" PetscInt_FMT ")", filename, other, path, otherN, N);

  PetscCall(RowRange_Private(comm, N, &rstart, &n));
  PetscCall(VecCreate(comm, &v));
  PetscCall(VecSetSizes(v, n * cols, PETSC_DETERMINE));
  PetscCall(VecSetBlockSize(v, cols));
  PetscCall(VecSetFromOptions(v));

  /* Select this rank's rows in the file and the matching (n x cols) block in memory; ranks
     without rows still take part in the collective read with empty selections. */
  start[0] = (hsize_t)rstart;
  start[1] = 0;
  count[0] = (hsize_t)n;
  count[1] = (hsize_t)cols;
  if (n > 0) {
    status   = H5Sselect_hyperslab(h.fspace, H5S_SELECT_SET, start, NULL, count, NULL);
    h.mspace = H5Screate_simple(ndims, count, NULL);
  } else {
    hsize_t one = 1;

    status   = H5Sselect_none(h.fspace);
    h.mspace = H5Screate_simple(1, &one, NULL);
    if (h.mspace >= 0 && H5Sselect_none(h.mspace) < 0) status = -1;
  }
  h.dxpl = H5Pcreate(H5P_DATASET_XFER);
  if (h.dxpl >= 0 && H5Pset_dxpl_mpio(h.dxpl, H5FD_MPIO_COLLECTIVE) < 0) status = -1;
  DatasetCheck(comm, err, &h, &v, status >= 0 && h.mspace >= 0 && h.dxpl >= 0, PETSC_ERR_LIB, "Cannot select rows of dataset %s in '%s' (HDF5 error)", path, filename);
  PetscCall(VecGetArrayWrite(v, &a));
  status = H5Dread(h.dset, H5T_NATIVE_DOUBLE, h.mspace, h.fspace, h.dxpl, n > 0 ? a : &dummy);
  if (status < 0) corrupt = SNAHDF5ChecksumFailed();
  if (status < 0 && !corrupt) nofilter = SNAHDF5MissingFilterText(h.dset, text, sizeof(text));
  if (status >= 0) {
    for (PetscInt i = 0; i < n && badlocal == PETSC_MAX_INT; i++) {
      for (PetscInt j = 0; j < cols; j++) {
        if (PetscIsInfOrNanReal(a[i * cols + j])) {
          badlocal = rstart + i;
          break;
        }
      }
    }
    /* ids beyond idmax were cast to one PetscInt (2^32 + k all became PETSC_MIN_INT), silently merging cases */
    for (PetscInt i = 0; integer && i < n * cols && widelocal == PETSC_MAX_INT; i++)
      if (PetscAbsReal(a[i]) > idmax) widelocal = rstart + i / cols;
  }
  PetscCall(VecRestoreArrayWrite(v, &a));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &corrupt, 1, MPI_INT, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &nofilter, 1, MPI_INT, MPI_MAX, comm));
  /* a rank whose rows read fine (an optional filter may leave chunks unfiltered) words the message as one that failed */
  if (nofilter && !text[0]) (void)SNAHDF5MissingFilterText(h.dset, text, sizeof(text));
  DatasetCheck(comm, err, &h, &v, !corrupt, PETSC_ERR_FILE_READ, "'%s' dataset %s fails its checksum: the file is corrupt (changed since it was written); restore it from a copy or write it again", filename, path);
  DatasetCheck(comm, err, &h, &v, !nofilter, PETSC_ERR_FILE_READ, "'%s' dataset %s %s", filename, path, text);
  DatasetCheck(comm, err, &h, &v, status >= 0, PETSC_ERR_FILE_READ, "Cannot read dataset %s from '%s' (file truncated or corrupt?)", path, filename);
  PetscCallMPI(MPI_Allreduce(&badlocal, &bad, 1, MPIU_INT, MPI_MIN, comm));
  DatasetCheck(comm, err, &h, &v, bad == PETSC_MAX_INT, PETSC_ERR_FILE_UNEXPECTED, "'%s' dataset %s contains NaN or Inf at row %" PetscInt_FMT " (0-based)", filename, path, bad);
  PetscCallMPI(MPI_Allreduce(&widelocal, &wide, 1, MPIU_INT, MPI_MIN, comm));
  DatasetCheck(comm, err, &h, &v, wide == PETSC_MAX_INT, PETSC_ERR_FILE_UNEXPECTED, "'%s' dataset %s holds an id beyond %.0f in magnitude at row %" PetscInt_FMT " (0-based): such ids cannot be told apart; number them from 0", filename, path, (double)idmax, wide);
  H5HandlesClose(&h);
  *vec = v;
  if (Nrows) *Nrows = N;
  PetscFunctionReturn(0);
}

/* Joins group and name ("X") into an absolute dataset path: NULL, "" or "/" give "/X", "/hf" gives "/hf/X". */
static PetscErrorCode DatasetPath_Private(const char group[], const char name[], char path[], size_t len)
{
  size_t glen = group ? strlen(group) : 0;
  int    w;

  PetscFunctionBegin;
  while (glen > 0 && group[glen - 1] == '/') glen--;
  if (glen == 0)
    w = snprintf(path, len, "/%s", name);
  else
    w = snprintf(path, len, "%s%.*s/%s", group[0] == '/' ? "" : "/", (int)glen, group, name);
  PetscCheck(w >= 0 && (size_t)w < len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "Dataset group name '%s' is too long", group);
  PetscFunctionReturn(0);
}

/*@C
  SNADatasetLoad - Reads group/X (N x d) and group/Y (N x q, or N read as N x 1) from an HDF5 dataset file into new
  Vecs with block sizes d and q, each rank holding a contiguous block of rows (PETSc's default layout)

  Collective

  Input Parameters:
+ comm     - the ranks that share the rows
. filename - the HDF5 file
- group    - the group holding X and Y: NULL, "" or "/" for the root, "/lf" or "/hf" for a fidelity

  Output Parameters:
+ X - a new Vec of N x d inputs, block size d (the caller destroys it)
- Y - a new Vec of N x q outputs, block size q (the caller destroys it)

  Notes:
  Raises an error naming the file and the dataset, with X and Y left NULL, for: a missing, unreadable or directory
  file, one that is not HDF5 or is corrupt (PETSC_ERR_FILE_OPEN, PETSC_ERR_FILE_UNEXPECTED); a missing dataset or a
  group in its place; data that are not floating point; a rank other than 1 or 2; no rows or no columns; X and Y
  with different row counts; a failed checksum (PETSC_ERR_FILE_READ); NaN or Inf values, naming the first bad row.
  Logged as the event SNADatasetLoad.

  Level: beginner

.seealso: SNADatasetLoadArray(), SNADatasetLoadFidelities(), SNADatasetLoadCases(), SNADatasetSave()
@*/
PetscErrorCode SNADatasetLoad(MPI_Comm comm, const char filename[], const char group[], Vec *X, Vec *Y)
{
  char           xpath[PETSC_MAX_PATH_LEN], ypath[PETSC_MAX_PATH_LEN];
  hid_t          file;
  H5ErrorState   es;
  PetscInt       N = 0;
  Vec            x = NULL, y = NULL;
  PetscErrorCode ierr;
  DatasetError   derr = {0, ""};

  PetscFunctionBegin;
  PetscValidCharPointer(filename, 2);
  PetscValidPointer(X, 4);
  PetscValidPointer(Y, 5);
  *X = NULL;
  *Y = NULL;
  PetscCall(SNAInitializePackage()); /* the events */
  PetscCall(PetscLogEventBegin(SNA_DatasetLoad, 0, 0, 0, 0));
  PetscCall(DatasetPath_Private(group, "X", xpath, sizeof(xpath)));
  PetscCall(DatasetPath_Private(group, "Y", ypath, sizeof(ypath)));
  PetscCall(OpenFile_Private(comm, filename, &file, &es));
  ierr = ReadArray_Private(comm, filename, file, xpath, NULL, 0, PETSC_FALSE, &x, &N, &derr);
  if (!ierr && !derr.code) ierr = ReadArray_Private(comm, filename, file, ypath, xpath, N, PETSC_FALSE, &y, NULL, &derr);
  CloseFile_Private(&file, &es);
  if (ierr || derr.code) {
    PetscCall(VecDestroy(&x));
    PetscCall(VecDestroy(&y));
  }
  PetscCall(ierr);
  DatasetErrorRaise(comm, &derr);
  *X = x;
  *Y = y;
  PetscCall(PetscLogEventEnd(SNA_DatasetLoad, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/*@C
  SNADatasetLoadArray - Reads one floating-point dataset (2-D, or 1-D read as N x 1), e.g. "/X" or "/hf/Y", into a
  new row-distributed Vec with block size the number of columns

  Collective

  Input Parameters:
+ comm     - the ranks that share the rows
. filename - the HDF5 file
- path     - the dataset's absolute path in the file

  Output Parameter:
. V - a new Vec, block size the columns (the caller destroys it); NULL after an error

  Notes:
  The checks and messages are those of SNADatasetLoad() for one dataset. Logged as the event SNADatasetLoad.

  Level: intermediate

.seealso: SNADatasetLoad(), SNADatasetHas()
@*/
PetscErrorCode SNADatasetLoadArray(MPI_Comm comm, const char filename[], const char path[], Vec *V)
{
  hid_t          file;
  H5ErrorState   es;
  PetscErrorCode ierr;
  DatasetError   derr = {0, ""};

  PetscFunctionBegin;
  PetscValidCharPointer(filename, 2);
  PetscValidCharPointer(path, 3);
  PetscValidPointer(V, 4);
  *V = NULL;
  PetscCall(SNAInitializePackage());
  PetscCall(PetscLogEventBegin(SNA_DatasetLoad, 0, 0, 0, 0));
  PetscCall(OpenFile_Private(comm, filename, &file, &es));
  ierr = ReadArray_Private(comm, filename, file, path, NULL, 0, PETSC_FALSE, V, NULL, &derr);
  CloseFile_Private(&file, &es);
  PetscCall(ierr);
  DatasetErrorRaise(comm, &derr);
  PetscCall(PetscLogEventEnd(SNA_DatasetLoad, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

/*@C
  SNADatasetHas - Whether an object (a group such as "/hf" or a dataset such as "/YLF") exists in an HDF5 file

  Collective

  Input Parameters:
+ comm     - the ranks that ask
. filename - the HDF5 file
- path     - the object's absolute path

  Output Parameter:
. has - whether the object exists

  Notes:
  The file itself must exist and be HDF5: a missing, unreadable or non-HDF5 file is an error, as in SNADatasetLoad().
  A path whose parent group is missing counts as absent (H5Lexists() fails there; that is read as no). The answer is
  PETSC_TRUE only where every rank found the object.

  Level: intermediate

.seealso: SNADatasetLoad(), SNADatasetLoadFidelities()
@*/
PetscErrorCode SNADatasetHas(MPI_Comm comm, const char filename[], const char path[], PetscBool *has)
{
  hid_t        file;
  H5ErrorState es;
  PetscBool    flg;

  PetscFunctionBegin;
  PetscValidCharPointer(path, 3);
  PetscCall(OpenFile_Private(comm, filename, &file, &es));
  flg = H5Lexists(file, path, H5P_DEFAULT) > 0 ? PETSC_TRUE : PETSC_FALSE;
  CloseFile_Private(&file, &es);
  PetscCall(AllTrue(comm, &flg));
  *has = flg;
  PetscFunctionReturn(0);
}

/*@C
  SNADatasetLoadCases - Reads group/case, one integer id per row of group/X (the design or case a row belongs to),
  into a new Vec distributed as SNADatasetLoad() distributes the rows

  Collective

  Input Parameters:
+ comm     - the ranks that share the rows
. filename - the HDF5 file
. group    - the group holding X and case: NULL, "" or "/" for the root
- N        - the row count of group/X, which case must have

  Output Parameter:
. cases - a new Vec of N ids stored as reals, block size 1 (the caller destroys it); NULL after an error

  Notes:
  The file and dataset checks are those of SNADatasetLoad(), except that the data must be integer. Also refused:
  another row count than N, more than one column, and ids of magnitude above PETSC_MAX_INT (or 2^53 - 1, the reals'
  exact integers, with 64-bit PetscInt): cast to PetscInt they became one id, merging their cases.

  Level: intermediate

.seealso: SNADatasetLoad(), SNADatasetSelectRows()
@*/
PetscErrorCode SNADatasetLoadCases(MPI_Comm comm, const char filename[], const char group[], PetscInt N, Vec *cases)
{
  char           path[PETSC_MAX_PATH_LEN];
  hid_t          file;
  H5ErrorState   es;
  PetscErrorCode ierr;
  DatasetError   derr = {0, ""};
  PetscInt       bs;

  PetscFunctionBegin;
  *cases = NULL;
  PetscCall(DatasetPath_Private(group, "case", path, sizeof(path)));
  PetscCall(OpenFile_Private(comm, filename, &file, &es));
  ierr = ReadArray_Private(comm, filename, file, path, "the rows of X", N, PETSC_TRUE, cases, NULL, &derr);
  CloseFile_Private(&file, &es);
  PetscCall(ierr);
  DatasetErrorRaise(comm, &derr);
  PetscCall(VecGetBlockSize(*cases, &bs));
  if (bs != 1) PetscCall(VecDestroy(cases));
  PetscCheck(bs == 1, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' dataset %s has %" PetscInt_FMT " columns; expected one case id per row (N or N x 1)", filename, path, bs);
  PetscFunctionReturn(0);
}

/*@C
  SNADatasetSelectRows - A new Vec with the rows of X that this rank holds and keep marks, in order, on the same rank:
  a subset of samples (a choice of cases, a validation split)

  Collective

  Input Parameters:
+ X    - rows of block-size columns
- keep - one flag per row this rank holds of X

  Output Parameter:
. Xs - a new Vec of the same block size, PETSc's default (standard) type, with the kept rows (the caller destroys it)

  Notes:
  No row moves between ranks: a rank that keeps none holds none of Xs.

  Level: intermediate

.seealso: SNADatasetLoad(), SNADatasetLoadCases()
@*/
PetscErrorCode SNADatasetSelectRows(Vec X, const PetscBool keep[], Vec *Xs)
{
  const PetscScalar *x;
  PetscScalar       *xs;
  PetscInt           w, n, m = 0;

  PetscFunctionBegin;
  PetscCall(VecGetBlockSize(X, &w));
  PetscCall(VecGetLocalSize(X, &n));
  n /= w;
  for (PetscInt i = 0; i < n; i++) m += keep[i] ? 1 : 0;
  PetscCall(VecCreate(PetscObjectComm((PetscObject)X), Xs));
  PetscCall(VecSetSizes(*Xs, m * w, PETSC_DECIDE));
  PetscCall(VecSetBlockSize(*Xs, w));
  PetscCall(VecSetType(*Xs, VECSTANDARD));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArrayWrite(*Xs, &xs));
  for (PetscInt i = 0, k = 0; i < n; i++)
    if (keep[i]) PetscCall(PetscArraycpy(xs + w * k++, x + w * i, w));
  PetscCall(VecRestoreArrayWrite(*Xs, &xs));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(0);
}

/* Shapes of one fidelity's X and Y, for the messages of SNADatasetLoadFidelities(). */
static PetscErrorCode FidelityShape(Vec X, Vec Y, PetscInt *N, PetscInt *d, PetscInt *q)
{
  PetscFunctionBegin;
  PetscCall(VecGetBlockSize(X, d));
  PetscCall(VecGetBlockSize(Y, q));
  PetscCall(VecGetSize(X, N));
  *N /= *d;
  PetscFunctionReturn(0);
}

/*@C
  SNADatasetLoadFidelities - Reads a multi-fidelity dataset file: /lf/X, /lf/Y, /hf/X and /hf/Y

  Collective

  Input Parameters:
+ comm     - the ranks that share the rows
- filename - the HDF5 file

  Output Parameters:
+ Xlf - the low-fidelity inputs (the caller destroys all four)
. Ylf - the low-fidelity outputs
. Xhf - the high-fidelity inputs
- Yhf - the high-fidelity outputs

  Notes:
  Each pair is read and checked as SNADatasetLoad() reads it. A file without the group /lf or /hf, or whose
  fidelities have different input counts d or output counts q, is an error naming them (PETSC_ERR_FILE_UNEXPECTED).
  On every error the four outputs are NULL: what was read is destroyed first.

  Level: intermediate

.seealso: SNADatasetLoad(), SNADatasetHas()
@*/
PetscErrorCode SNADatasetLoadFidelities(MPI_Comm comm, const char filename[], Vec *Xlf, Vec *Ylf, Vec *Xhf, Vec *Yhf)
{
  PetscBool      haslf, hashf;
  PetscInt       Nl, dl, ql, Nh, dh, qh;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscValidPointer(Xlf, 3);
  PetscValidPointer(Ylf, 4);
  PetscValidPointer(Xhf, 5);
  PetscValidPointer(Yhf, 6);
  *Xlf = *Ylf = *Xhf = *Yhf = NULL;
  PetscCall(SNADatasetHas(comm, filename, "/lf", &haslf));
  PetscCall(SNADatasetHas(comm, filename, "/hf", &hashf));
  PetscCheck(haslf && hashf, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' is not a multi-fidelity dataset: it has %s but no group %s (it needs /lf and /hf, each with X and Y)", filename, haslf ? "/lf" : hashf ? "/hf"
                                                                                                                                                                                                           : "neither /lf nor /hf",
             haslf ? "/hf" : "/lf");
  PetscCall(SNADatasetLoad(comm, filename, "/lf", Xlf, Ylf));
  ierr = SNADatasetLoad(comm, filename, "/hf", Xhf, Yhf); /* not PetscCall: /lf's Vecs were left set for the caller */
  if (ierr) {
    PetscCall(VecDestroy(Xlf));
    PetscCall(VecDestroy(Ylf));
  }
  PetscCall(ierr);
  PetscCall(FidelityShape(*Xlf, *Ylf, &Nl, &dl, &ql));
  PetscCall(FidelityShape(*Xhf, *Yhf, &Nh, &dh, &qh));
  if (dl != dh || ql != qh) {
    PetscCall(VecDestroy(Xlf));
    PetscCall(VecDestroy(Ylf));
    PetscCall(VecDestroy(Xhf));
    PetscCall(VecDestroy(Yhf));
  }
  PetscCheck(dl == dh, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s': the fidelities have different inputs: /lf/X has %" PetscInt_FMT " columns, /hf/X %" PetscInt_FMT "; both must describe the same design space", filename, dl, dh);
  PetscCheck(ql == qh, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s': the fidelities have different outputs: /lf/Y has %" PetscInt_FMT " columns, /hf/Y %" PetscInt_FMT "; both must predict the same quantities", filename, ql, qh);
  PetscFunctionReturn(0);
}

/* Writes Vec v (rows of block-size columns) as the (N x bs) float64 dataset name of an open file. */
static PetscErrorCode WriteArray_Private(MPI_Comm comm, const char filename[], hid_t file, const char name[], Vec v, DatasetError *err)
{
  H5Handles          h;
  Vec                none = NULL;
  PetscInt           bs, N, lo, hi;
  hsize_t            dims[2], start[2], count[2];
  const PetscScalar *a;
  PetscScalar        dummy  = 0;
  herr_t             status = 0;
  PetscMPIInt        cmp;
  hid_t              dcpl;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_compare(PetscObjectComm((PetscObject)v), comm, &cmp));
  PetscCheck(cmp == MPI_IDENT || cmp == MPI_CONGRUENT, comm, PETSC_ERR_ARG_NOTSAMECOMM, "Cannot save dataset %s to '%s': its Vec lives on a different communicator", name, filename);
  PetscCall(VecGetBlockSize(v, &bs));
  PetscCall(VecGetSize(v, &N));
  PetscCall(VecGetOwnershipRange(v, &lo, &hi));
  PetscCheck(N > 0, comm, PETSC_ERR_ARG_SIZ, "Cannot save dataset %s to '%s': the Vec is empty", name, filename);
  dims[0]  = (hsize_t)(N / bs);
  dims[1]  = (hsize_t)bs;
  start[0] = (hsize_t)(lo / bs);
  start[1] = 0;
  count[0] = (hsize_t)((hi - lo) / bs);
  count[1] = (hsize_t)bs;

  H5HandlesInit(&h);
  h.lcpl   = H5Pcreate(H5P_LINK_CREATE);
  h.fspace = H5Screate_simple(2, dims, NULL);
  h.dxpl   = H5Pcreate(H5P_DATASET_XFER);
  if (h.lcpl < 0 || H5Pset_create_intermediate_group(h.lcpl, 1) < 0) status = -1;
  if (h.dxpl < 0 || H5Pset_dxpl_mpio(h.dxpl, H5FD_MPIO_COLLECTIVE) < 0) status = -1;
  DatasetCheck(comm, err, &h, &none, status >= 0 && h.fspace >= 0, PETSC_ERR_LIB, "Cannot set up dataset %s for '%s' (HDF5 error)", name, filename);
  dcpl   = SNAHDF5ArrayCreateProperties(2, dims); /* checksummed chunks */
  h.dset = dcpl >= 0 ? H5Dcreate2(file, name, H5T_IEEE_F64LE, h.fspace, h.lcpl, dcpl, H5P_DEFAULT) : H5I_INVALID_HID;
  if (dcpl >= 0) (void)H5Pclose(dcpl);
  DatasetCheck(comm, err, &h, &none, h.dset >= 0, PETSC_ERR_FILE_WRITE, "Cannot create dataset %s in '%s' (invalid name, or it already exists?)", name, filename);
  if (count[0] > 0) {
    status   = H5Sselect_hyperslab(h.fspace, H5S_SELECT_SET, start, NULL, count, NULL);
    h.mspace = H5Screate_simple(2, count, NULL);
  } else {
    hsize_t one = 1;

    status   = H5Sselect_none(h.fspace);
    h.mspace = H5Screate_simple(1, &one, NULL);
    if (h.mspace >= 0 && H5Sselect_none(h.mspace) < 0) status = -1;
  }
  DatasetCheck(comm, err, &h, &none, status >= 0 && h.mspace >= 0, PETSC_ERR_LIB, "Cannot select rows of dataset %s for '%s' (HDF5 error)", name, filename);
  PetscCall(VecGetArrayRead(v, &a));
  status = H5Dwrite(h.dset, H5T_NATIVE_DOUBLE, h.mspace, h.fspace, h.dxpl, count[0] > 0 ? a : &dummy);
  PetscCall(VecRestoreArrayRead(v, &a));
  DatasetCheck(comm, err, &h, &none, status >= 0, PETSC_ERR_FILE_WRITE, "Cannot write dataset %s to '%s' (disk full?)", name, filename);
  H5HandlesClose(&h);
  PetscFunctionReturn(0);
}

/* The group and the last component of a dataset name ("/hf/Y": "hf" and "Y"; "X" and "/X": "" and "X"). */
static void NameParts(const char name[], char group[], size_t len, const char **leaf)
{
  const char *s = name[0] == '/' ? name + 1 : name, *slash = strrchr(s, '/');
  size_t      n = slash ? (size_t)(slash - s) : 0;

  if (n >= len) n = len - 1;
  memcpy(group, s, n);
  group[n] = 0;
  *leaf    = slash ? slash + 1 : s;
}

/* SNADatasetSave() writes nothing SNADatasetLoad() would refuse: Vecs on comm only, no NaN or Inf (the first bad row
   over all ranks named), and the Y and case of a group with as many rows as its X. Collective: every rank raises
   the same error. */
static PetscErrorCode SaveCheck_Private(MPI_Comm comm, const char filename[], PetscInt n, const char *const names[], const Vec vecs[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    PetscMPIInt      flag;
    PetscInt         nloc, bs, rstart, bad = PETSC_MAX_INT;
    const PetscReal *a;

    PetscCallMPI(MPI_Comm_compare(comm, PetscObjectComm((PetscObject)vecs[i]), &flag));
    PetscCheck(flag == MPI_IDENT || flag == MPI_CONGRUENT, comm, PETSC_ERR_ARG_NOTSAMECOMM, "SNADatasetSave(): the Vec of dataset %s for '%s' lives on another communicator than the one given: create it there", names[i], filename);
    PetscCall(VecGetLocalSize(vecs[i], &nloc));
    PetscCall(VecGetBlockSize(vecs[i], &bs));
    PetscCall(VecGetOwnershipRange(vecs[i], &rstart, NULL));
    PetscCall(VecGetArrayRead(vecs[i], &a));
    for (PetscInt k = 0; k < nloc && bad == PETSC_MAX_INT; k++)
      if (PetscIsInfOrNanReal(a[k])) bad = (rstart + k) / bs;
    PetscCall(VecRestoreArrayRead(vecs[i], &a));
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_MIN, comm));
    PetscCheck(bad == PETSC_MAX_INT, comm, PETSC_ERR_FP, "SNADatasetSave(): dataset %s for '%s' contains NaN or Inf at row %" PetscInt_FMT " (0-based), which SNADatasetLoad() refuses: nothing was written", names[i], filename, bad);
  }
  for (PetscInt i = 0; i < n; i++) {
    char        gi[PETSC_MAX_PATH_LEN], gj[PETSC_MAX_PATH_LEN];
    const char *li, *lj;
    PetscBool   same;

    NameParts(names[i], gi, sizeof(gi), &li);
    if (strcmp(li, "Y") && strcmp(li, "case")) continue;
    for (PetscInt j = 0; j < n; j++) {
      PetscInt Ni, Nj, bsi, bsj;

      NameParts(names[j], gj, sizeof(gj), &lj);
      PetscCall(PetscStrcmp(gi, gj, &same));
      if (!same || strcmp(lj, "X")) continue;
      PetscCall(VecGetSize(vecs[i], &Ni));
      PetscCall(VecGetBlockSize(vecs[i], &bsi));
      PetscCall(VecGetSize(vecs[j], &Nj));
      PetscCall(VecGetBlockSize(vecs[j], &bsj));
      PetscCheck(Ni / bsi == Nj / bsj, comm, PETSC_ERR_ARG_SIZ, "SNADatasetSave(): %s and %s for '%s' have different numbers of rows (%" PetscInt_FMT " and %" PetscInt_FMT "), which SNADatasetLoad() refuses: nothing was written", names[j], names[i], filename, Nj / bsj, Ni / bsi);
    }
  }
  PetscFunctionReturn(0);
}

/*@C
  SNADatasetSave - Writes n Vecs (rows of block-size columns) as N x bs float64 datasets into a new HDF5 file,
  atomically

  Collective

  Input Parameters:
+ comm     - the ranks the Vecs live on
. filename - the file to write (replaced if it exists)
. n        - the number of datasets (0: a file with no dataset)
. names    - the datasets' names, e.g. "/X" or "/hf/Y"; groups are created as needed
- vecs     - the Vecs, one per name, each with at least one entry

  Notes:
  The data go to a temporary file in filename's directory (SNAPSTemporaryName()), created 0600, which rank 0 renames
  over filename only when complete (SNAPSCommitTemporary(): an existing file's mode is kept). On failure the temporary
  file is removed and an existing filename is left as it was.

  What SNADatasetLoad() would refuse is an error before any file is created: NaN or Inf values (PETSC_ERR_FP, naming
  the first bad row), a group's Y or case with another row count than its X (PETSC_ERR_ARG_SIZ). Also refused: a
  missing or empty name, a Vec on another communicator, an empty Vec, a name that exists twice. Datasets are
  written in checksummed chunks, which SNADatasetLoad() verifies. Logged as the event SNADatasetSave.

  Level: beginner

.seealso: SNADatasetLoad(), SNAPSWriteFileAtomic()
@*/
PetscErrorCode SNADatasetSave(MPI_Comm comm, const char filename[], PetscInt n, const char *const names[], const Vec vecs[])
{
  char           tmp[PETSC_MAX_PATH_LEN];
  PetscMPIInt    rank;
  hid_t          fapl, file = H5I_INVALID_HID;
  H5ErrorState   es;
  PetscBool      ok;
  PetscErrorCode ierr = 0;
  DatasetError   derr = {0, ""};
  int            err;

  PetscFunctionBegin;
  PetscValidCharPointer(filename, 2);
  PetscCheck(n >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "Number of datasets %" PetscInt_FMT " must be nonnegative", n);
  if (n) {
    PetscValidPointer(names, 4);
    PetscValidPointer(vecs, 5);
  }
  for (PetscInt i = 0; i < n; i++) {
    PetscCheck(names[i] && names[i][0], comm, PETSC_ERR_ARG_NULL, "Dataset name %" PetscInt_FMT " for '%s' is missing or empty", i, filename);
    PetscValidHeaderSpecific(vecs[i], VEC_CLASSID, 5);
  }
  PetscCall(SNAInitializePackage());
  PetscCall(PetscLogEventBegin(SNA_DatasetSave, 0, 0, 0, 0));
  PetscCall(SaveCheck_Private(comm, filename, n, names, vecs));
  /* The temporary name carries a pid, so every rank uses rank 0's. Every rank builds one first so
     that a bad filename fails everywhere; the length check covers pids of any length. */
  PetscCheck(strlen(filename) + 64 < sizeof(tmp), comm, PETSC_ERR_ARG_SIZ, "Dataset file name '%s' is too long", filename);
  PetscCall(SNAPSTemporaryName(filename, tmp, sizeof(tmp)));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Bcast(tmp, (PetscMPIInt)sizeof(tmp), MPI_CHAR, 0, comm));
  if (rank == 0) PetscCall(SNAPSTemporaryCreate(tmp, NULL)); /* 0600, exclusive; a failure: H5Fcreate says so */

  H5Quiet(&es);
  fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) >= 0) file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (fapl >= 0) (void)H5Pclose(fapl);
  ok  = file >= 0 ? PETSC_TRUE : PETSC_FALSE;
  err = AllTrue(comm, &ok);
  if (err || !ok) {
    if (file >= 0) (void)H5Fclose(file);
    H5Restore(&es);
    if (rank == 0) (void)unlink(tmp);
  }
  PetscCall(err);
  PetscCheck(ok, comm, PETSC_ERR_FILE_OPEN, "Cannot create dataset file '%s' (temporary '%s'): does the directory exist and is it writable?", filename, tmp);

  for (PetscInt i = 0; i < n && !ierr && !derr.code; i++) ierr = WriteArray_Private(comm, filename, file, names[i], vecs[i], &derr);
  ok = H5Fclose(file) >= 0 ? PETSC_TRUE : PETSC_FALSE;
  H5Restore(&es);
  if (!ierr) ierr = AllTrue(comm, &ok);
  if (ierr || derr.code || !ok) {
    PetscCallMPI(MPI_Barrier(comm));
    if (rank == 0) (void)unlink(tmp);
  }
  PetscCall(ierr);
  DatasetErrorRaise(comm, &derr);
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "Cannot write dataset file '%s': closing temporary '%s' failed (disk full?)", filename, tmp);

  /* Every rank has closed the file: rank 0 moves it into place. */
  PetscCallMPI(MPI_Barrier(comm));
  err = 0;
  PetscCall(SNAPSCommitTemporary(comm, tmp, filename, &ierr, &err));
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE, "Cannot write dataset file '%s': renaming '%s' failed: %s", filename, tmp, strerror(err));
  PetscCall(PetscLogEventEnd(SNA_DatasetSave, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
