/* Unit test of snaps/dataset.h: round trips, 1-D /Y, groups, atomic saves, and rejection of bad files.
   Usage: test_dataset <scratch directory>. Runs on any number of MPI ranks with the same results. */
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <snaps/dataset.h>
#include <snaps/snapshots.h>

#include <hdf5.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char        scratch[PETSC_MAX_PATH_LEN];
static PetscMPIInt rank, size;

/* A scratch file name private to this test and this number of ranks (tests may run concurrently). */
static PetscErrorCode Path(const char name[], char path[])
{
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(path, PETSC_MAX_PATH_LEN, "%s/dataset_np%d_%s", scratch, size, name));
  PetscFunctionReturn(0);
}

/* Known, non-round value of row i, column j. */
static PetscReal Value(PetscInt i, PetscInt j, PetscReal shift)
{
  return PetscSinReal(1.7 * (PetscReal)i + 0.3 * (PetscReal)j) * 1000.0 + 1.0 / (PetscReal)(i + j + 3) + shift;
}

/* A row-distributed N x bs Vec (PETSc's default layout) filled with Value(). */
static PetscErrorCode MakeVec(PetscInt N, PetscInt bs, PetscReal shift, Vec *v)
{
  PetscInt     n = PETSC_DECIDE, Nr = N, lo, hi;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(PetscSplitOwnership(PETSC_COMM_WORLD, &n, &Nr));
  PetscCall(VecCreate(PETSC_COMM_WORLD, v));
  PetscCall(VecSetSizes(*v, n * bs, PETSC_DETERMINE));
  PetscCall(VecSetBlockSize(*v, bs));
  PetscCall(VecSetFromOptions(*v));
  PetscCall(VecGetOwnershipRange(*v, &lo, &hi));
  PetscCall(VecGetArray(*v, &a));
  for (PetscInt k = lo; k < hi; k++) a[k - lo] = Value(k / bs, k % bs, shift);
  PetscCall(VecRestoreArray(*v, &a));
  PetscFunctionReturn(0);
}

/* Checks that v has N rows of bs columns, the default row layout, and exactly the values of MakeVec(). */
static PetscErrorCode CheckVec(Vec v, PetscInt N, PetscInt bs, PetscReal shift, const char what[])
{
  PetscInt           vbs, vN, lo, hi, n = PETSC_DECIDE, Nr = N, start = 0;
  const PetscScalar *a;
  int                bad = 0, anybad;

  PetscFunctionBegin;
  PetscCheck(v, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: no Vec", what);
  PetscCall(VecGetBlockSize(v, &vbs));
  PetscCall(VecGetSize(v, &vN));
  PetscCheck(vbs == bs && vN == N * bs, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: expected %" PetscInt_FMT " x %" PetscInt_FMT ", got block size %" PetscInt_FMT " and size %" PetscInt_FMT, what, N, bs, vbs, vN);
  PetscCall(PetscSplitOwnership(PETSC_COMM_WORLD, &n, &Nr));
  PetscCallMPI(MPI_Exscan(&n, &start, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  if (rank == 0) start = 0;
  PetscCall(VecGetOwnershipRange(v, &lo, &hi));
  if (lo != start * bs || hi != (start + n) * bs) bad = 1;
  PetscCall(VecGetArrayRead(v, &a));
  for (PetscInt k = lo; k < hi && !bad; k++) {
    PetscScalar want = Value(k / bs, k % bs, shift);
    if (memcmp(&a[k - lo], &want, sizeof(want))) bad = 2;
  }
  PetscCall(VecRestoreArrayRead(v, &a));
  PetscCallMPI(MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD));
  PetscCheck(anybad != 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: rows are not in PETSc's default layout", what);
  PetscCheck(anybad != 2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: values differ from those saved", what);
  PetscFunctionReturn(0);
}

/* Saves X (N x 3) and Y (N x 2) under prefix ("" or "/hf") into file. */
static PetscErrorCode SaveXY(const char file[], const char prefix[], PetscInt N, PetscReal shift)
{
  Vec         v[2];
  char        xn[64], yn[64];
  const char *names[2] = {xn, yn};

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(xn, sizeof(xn), "%s/X", prefix));
  PetscCall(PetscSNPrintf(yn, sizeof(yn), "%s/Y", prefix));
  PetscCall(MakeVec(N, 3, shift, &v[0]));
  PetscCall(MakeVec(N, 2, shift + 0.5, &v[1]));
  PetscCall(SNADatasetSave(PETSC_COMM_WORLD, file, 2, names, v));
  PetscCall(VecDestroy(&v[0]));
  PetscCall(VecDestroy(&v[1]));
  PetscFunctionReturn(0);
}

/* Loads group of file and checks it against SaveXY(). */
static PetscErrorCode CheckXY(const char file[], const char group[], PetscInt N, PetscReal shift)
{
  Vec X, Y;

  PetscFunctionBegin;
  PetscCall(SNADatasetLoad(PETSC_COMM_WORLD, file, group, &X, &Y));
  PetscCall(CheckVec(X, N, 3, shift, "X"));
  PetscCall(CheckVec(Y, N, 2, shift + 0.5, "Y"));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* Rank 0 checks with serial HDF5 that dataset path of file has shape rows x cols. */
static PetscErrorCode CheckShape(const char file[], const char path[], hsize_t rows, hsize_t cols)
{
  int ok = 1;

  PetscFunctionBegin;
  if (rank == 0) {
    hid_t   f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT), d = -1, s = -1;
    hsize_t dims[3] = {0, 0, 0};

    if (f >= 0) d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d >= 0) s = H5Dget_space(d);
    ok = s >= 0 && H5Sget_simple_extent_ndims(s) == 2 && H5Sget_simple_extent_dims(s, dims, NULL) == 2 && dims[0] == rows && dims[1] == cols;
    if (s >= 0) H5Sclose(s);
    if (d >= 0) H5Dclose(d);
    if (f >= 0) H5Fclose(f);
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  PetscCheck(ok, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s in %s is not a float64 array of shape (%d, %d)", path, file, (int)rows, (int)cols);
  PetscFunctionReturn(0);
}

/* Rank 0 writes, with serial HDF5, a dataset of the given type, rank and dims filled with values
   (converted from double), into file (created if create). Then all ranks synchronize. */
static PetscErrorCode WriteRaw(const char file[], PetscBool create, const char path[], hid_t type, int ndims, const hsize_t dims[], const double values[])
{
  int ok = 1;

  PetscFunctionBegin;
  if (rank == 0) {
    hid_t f = create ? H5Fcreate(file, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT) : H5Fopen(file, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t s = H5Screate_simple(ndims, dims, NULL);
    hid_t d = f >= 0 && s >= 0 ? H5Dcreate2(f, path, type, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    ok      = d >= 0 && (!values || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
    if (d >= 0) H5Dclose(d);
    if (s >= 0) H5Sclose(s);
    if (f >= 0) H5Fclose(f);
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  PetscCheck(ok, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "cannot write test dataset %s in %s", path, file);
  PetscFunctionReturn(0);
}

/* Checks that ierr is code (or any nonzero code if code is 0) and that PETSc's message for it contains
   expect and the file name (file NULL: no name to find), on every rank. */
static PetscErrorCode ExpectError(PetscErrorCode ierr, PetscErrorCode code, const char file[], const char expect[], const char what[])
{
  char *msg = NULL;

  PetscFunctionBegin;
  PetscCheck(ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: expected an error, got none", what);
  PetscCheck(!code || ierr == code, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: expected error code %d, got %d", what, (int)code, (int)ierr);
  PetscCall(PetscErrorMessage(ierr, NULL, &msg));
  PetscCheck(msg && strstr(msg, expect), PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: message '%s' does not contain '%s'", what, msg ? msg : "(none)", expect);
  PetscCheck(!file || strstr(msg, file), PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: message '%s' does not name the file '%s'", what, msg, file);
  if (rank == 0) PetscCall(PetscPrintf(PETSC_COMM_SELF, "  rejected %-28s [%d] %s\n", what, (int)ierr, msg));
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

/* Loads file, group and expects the error; X and Y must be left NULL. */
static PetscErrorCode ExpectLoadError(const char file[], const char group[], PetscErrorCode code, const char expect[], const char what[])
{
  Vec            X = NULL, Y = NULL;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNADatasetLoad(PETSC_COMM_WORLD, file, group, &X, &Y);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(!X && !Y, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: failed load returned Vecs", what);
  PetscCall(ExpectError(ierr, code, file, expect, what));
  PetscFunctionReturn(0);
}

/* Counts, on rank 0, leftover temporary files of this test in the scratch directory; must be none. */
static PetscErrorCode CheckNoTemporaries(const char what[])
{
  int  count = 0;
  char prefix[64];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), ".dataset_np%d_", size));
  if (rank == 0) {
    DIR           *dir = opendir(scratch);
    struct dirent *e;

    PetscCheck(dir, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot list %s", scratch);
    while ((e = readdir(dir)))
      if (!strncmp(e->d_name, prefix, strlen(prefix)) && strstr(e->d_name, ".tmp.")) count++;
    closedir(dir);
  }
  PetscCallMPI(MPI_Bcast(&count, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  PetscCheck(!count, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: %d temporary file(s) left in %s", what, count, scratch);
  PetscFunctionReturn(0);
}

/* Rank 0 copies the first nbytes of src into dst (a truncated file), or writes text if src is NULL. */
static PetscErrorCode WriteBytes(const char dst[], const char src[], size_t nbytes, const char text[])
{
  int ok = 1;

  PetscFunctionBegin;
  if (rank == 0) {
    char   buf[4096];
    size_t got = 0;
    FILE  *in, *out;

    if (src) {
      in  = fopen(src, "rb");
      got = in ? fread(buf, 1, nbytes < sizeof(buf) ? nbytes : sizeof(buf), in) : 0;
      if (in) fclose(in);
      ok = got == nbytes;
    } else {
      got = strlen(text);
      memcpy(buf, text, got);
    }
    out = fopen(dst, "wb");
    ok  = ok && out && fwrite(buf, 1, got, out) == got;
    if (out) ok = !fclose(out) && ok;
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  PetscCheck(ok, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "cannot write %s", dst);
  PetscFunctionReturn(0);
}

/* Save X and Y, load them back bitwise equal; also N smaller than the number of ranks, and shapes on disk. */
static PetscErrorCode TestRoundTrip(void)
{
  char file[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(Path("xy.h5", file));
  PetscCall(SaveXY(file, "", 17, 0.0));
  PetscCall(CheckShape(file, "/X", 17, 3));
  PetscCall(CheckShape(file, "/Y", 17, 2));
  PetscCall(CheckXY(file, NULL, 17, 0.0));
  PetscCall(CheckXY(file, "/", 17, 0.0));
  PetscCall(Path("xy1.h5", file));
  PetscCall(SaveXY(file, "", 1, 2.0)); /* one row: most ranks own nothing */
  PetscCall(CheckXY(file, NULL, 1, 2.0));
  PetscCall(CheckNoTemporaries("round trip"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "round trip: ok\n"));
  PetscFunctionReturn(0);
}

/* A 1-D /Y of length N (written with HDF5 directly) reads as N x 1; 1-D float32 converts exactly. */
static PetscErrorCode TestOneDimensional(void)
{
  const PetscInt N = 11;
  char           file[PETSC_MAX_PATH_LEN];
  double         x[11 * 2], y[11];
  hsize_t        dx[2] = {11, 2}, dy[1] = {11};
  Vec            X, Y;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < N; i++) {
    for (PetscInt j = 0; j < 2; j++) x[i * 2 + j] = Value(i, j, 0.0);
    y[i] = Value(i, 0, 1.0);
  }
  PetscCall(Path("y1d.h5", file));
  PetscCall(WriteRaw(file, PETSC_TRUE, "/X", H5T_IEEE_F64LE, 2, dx, x));
  PetscCall(WriteRaw(file, PETSC_FALSE, "/Y", H5T_IEEE_F64LE, 1, dy, y));
  PetscCall(SNADatasetLoad(PETSC_COMM_WORLD, file, NULL, &X, &Y));
  PetscCall(CheckVec(X, N, 2, 0.0, "X of 1-D file"));
  PetscCall(CheckVec(Y, N, 1, 1.0, "1-D Y"));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(SNADatasetLoadArray(PETSC_COMM_WORLD, file, "/Y", &Y));
  PetscCall(CheckVec(Y, N, 1, 1.0, "1-D Y by SNADatasetLoadArray"));
  PetscCall(VecDestroy(&Y));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "1-D Y: ok\n"));
  PetscFunctionReturn(0);
}

/* Multi-fidelity file: /lf and /hf groups with different N, loaded by group. */
static PetscErrorCode TestGroups(void)
{
  char file[PETSC_MAX_PATH_LEN];
  Vec  v[4], Y;

  PetscFunctionBegin;
  PetscCall(Path("mf.h5", file));
  {
    const char *names[4] = {"/lf/X", "/lf/Y", "/hf/X", "/hf/Y"};

    PetscCall(MakeVec(13, 3, 0.0, &v[0]));
    PetscCall(MakeVec(13, 2, 0.5, &v[1]));
    PetscCall(MakeVec(5, 3, 7.0, &v[2]));
    PetscCall(MakeVec(5, 2, 7.5, &v[3]));
    PetscCall(SNADatasetSave(PETSC_COMM_WORLD, file, 4, names, v));
    for (int i = 0; i < 4; i++) PetscCall(VecDestroy(&v[i]));
  }
  PetscCall(CheckShape(file, "/hf/Y", 5, 2));
  PetscCall(CheckXY(file, "/lf", 13, 0.0));
  PetscCall(CheckXY(file, "/hf", 5, 7.0));
  PetscCall(CheckXY(file, "hf/", 5, 7.0));
  PetscCall(SNADatasetLoadArray(PETSC_COMM_WORLD, file, "/hf/Y", &Y));
  PetscCall(CheckVec(Y, 5, 2, 7.5, "/hf/Y by SNADatasetLoadArray"));
  PetscCall(VecDestroy(&Y));
  PetscCall(ExpectLoadError(file, NULL, PETSC_ERR_FILE_UNEXPECTED, "dataset '/X' not found", "root of a group-only file"));
  PetscCall(CheckNoTemporaries("groups"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "groups: ok\n"));
  PetscFunctionReturn(0);
}

/* Every kind of bad input is rejected, with the error naming the file and the problem. */
static PetscErrorCode TestBadInputs(void)
{
  char    good[PETSC_MAX_PATH_LEN], file[PETSC_MAX_PATH_LEN];
  double  x[6 * 3], y[6 * 2]; /* y: room for the 5 x 2 /Y of rows.h5 too */
  hsize_t d63[2] = {6, 3}, d52[2] = {5, 2}, d6[1] = {6}, d03[2] = {0, 3}, d222[3] = {2, 2, 2};

  PetscFunctionBegin;
  for (int i = 0; i < 18; i++) x[i] = i;
  for (int i = 0; i < 12; i++) y[i] = -i;
  PetscCall(Path("good.h5", good));
  PetscCall(SaveXY(good, "", 9, 0.0));

  PetscCall(Path("missing.h5", file));
  PetscCall(ExpectLoadError(file, NULL, PETSC_ERR_FILE_OPEN, "no such file", "missing file"));

  PetscCall(Path("text.h5", file));
  PetscCall(WriteBytes(file, NULL, 0, "X,Y\n1,2\n3,4\n"));
  PetscCall(ExpectLoadError(file, NULL, PETSC_ERR_FILE_UNEXPECTED, "is not an HDF5 file", "text file"));

  PetscCall(Path("truncated.h5", file));
  PetscCall(WriteBytes(file, good, 100, NULL));
  PetscCall(ExpectLoadError(file, NULL, 0, "not an HDF5 file or is corrupt", "truncated file"));

  PetscCall(Path("noy.h5", file));
  PetscCall(WriteRaw(file, PETSC_TRUE, "/X", H5T_IEEE_F64LE, 2, d63, x));
  PetscCall(ExpectLoadError(file, NULL, PETSC_ERR_FILE_UNEXPECTED, "dataset '/Y' not found", "missing /Y"));
  PetscCall(ExpectLoadError(file, "/hf", PETSC_ERR_FILE_UNEXPECTED, "dataset '/hf/X' not found", "missing group /hf"));

  PetscCall(Path("rows.h5", file));
  PetscCall(WriteRaw(file, PETSC_TRUE, "/X", H5T_IEEE_F64LE, 2, d63, x));
  PetscCall(WriteRaw(file, PETSC_FALSE, "/Y", H5T_IEEE_F64LE, 2, d52, y));
  PetscCall(ExpectLoadError(file, NULL, PETSC_ERR_FILE_UNEXPECTED, "different numbers of rows (6 and 5)", "mismatched rows"));

  x[4 * 3 + 1] = NAN; /* row 4 */
  PetscCall(Path("nan.h5", file));
  PetscCall(WriteRaw(file, PETSC_TRUE, "/X", H5T_IEEE_F64LE, 2, d63, x));
  PetscCall(WriteRaw(file, PETSC_FALSE, "/Y", H5T_IEEE_F64LE, 1, d6, y));
  PetscCall(ExpectLoadError(file, NULL, PETSC_ERR_FILE_UNEXPECTED, "dataset /X contains NaN or Inf at row 4", "NaN in /X"));
  x[4 * 3 + 1] = 0;
  x[1 * 3 + 2] = INFINITY; /* row 1, and again in row 5: the first is reported */
  x[5 * 3 + 0] = -INFINITY;
  PetscCall(Path("inf.h5", file));
  PetscCall(WriteRaw(file, PETSC_TRUE, "/X", H5T_IEEE_F64LE, 2, d63, x));
  PetscCall(WriteRaw(file, PETSC_FALSE, "/Y", H5T_IEEE_F64LE, 1, d6, y));
  PetscCall(ExpectLoadError(file, NULL, PETSC_ERR_FILE_UNEXPECTED, "dataset /X contains NaN or Inf at row 1", "Inf in /X"));
  x[1 * 3 + 2] = x[5 * 3 + 0] = 0;

  PetscCall(Path("int.h5", file));
  PetscCall(WriteRaw(file, PETSC_TRUE, "/X", H5T_STD_I32LE, 2, d63, x));
  PetscCall(WriteRaw(file, PETSC_FALSE, "/Y", H5T_IEEE_F64LE, 1, d6, y));
  PetscCall(ExpectLoadError(file, NULL, PETSC_ERR_FILE_UNEXPECTED, "dataset /X is not floating point (it holds integer data)", "int /X"));

  PetscCall(Path("rank3.h5", file));
  PetscCall(WriteRaw(file, PETSC_TRUE, "/X", H5T_IEEE_F64LE, 3, d222, NULL));
  PetscCall(ExpectLoadError(file, NULL, PETSC_ERR_FILE_UNEXPECTED, "dataset /X has rank 3", "rank-3 /X"));

  PetscCall(Path("empty.h5", file));
  PetscCall(WriteRaw(file, PETSC_TRUE, "/X", H5T_IEEE_F64LE, 2, d03, NULL));
  PetscCall(ExpectLoadError(file, NULL, PETSC_ERR_FILE_UNEXPECTED, "dataset /X has no rows (N = 0)", "N == 0"));

  PetscCall(ExpectLoadError(scratch, NULL, PETSC_ERR_FILE_OPEN, "is a directory", "a directory"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bad inputs: ok\n"));
  PetscFunctionReturn(0);
}

/* Saves replace a file atomically; failed saves leave the old file untouched and no temporary file. */
static PetscErrorCode TestAtomicSave(void)
{
  char           file[PETSC_MAX_PATH_LEN], nodir[PETSC_MAX_PATH_LEN];
  Vec            v[2];
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(Path("atomic.h5", file));
  PetscCall(SaveXY(file, "", 8, 0.0));
  PetscCall(SaveXY(file, "", 10, 3.0)); /* replaces the old content */
  PetscCall(CheckXY(file, NULL, 10, 3.0));
  PetscCall(CheckNoTemporaries("overwriting save"));

  PetscCall(MakeVec(4, 3, 0.0, &v[0]));
  PetscCall(MakeVec(4, 2, 0.0, &v[1]));
  {
    const char *dup[2] = {"/X", "/X"};

    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNADatasetSave(PETSC_COMM_WORLD, file, 2, dup, v);
    PetscCall(PetscPopErrorHandler());
    PetscCall(ExpectError(ierr, PETSC_ERR_FILE_WRITE, file, "Cannot create dataset /X", "save with duplicate names"));
  }
  PetscCall(CheckXY(file, NULL, 10, 3.0)); /* untouched */
  PetscCall(CheckNoTemporaries("failed save"));
  {
    const char *names[2] = {"/X", "/Y"};

    PetscCall(PetscSNPrintf(nodir, sizeof(nodir), "%s/no_such_dir_np%d/xy.h5", scratch, size));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNADatasetSave(PETSC_COMM_WORLD, nodir, 2, names, v);
    PetscCall(PetscPopErrorHandler());
    PetscCall(ExpectError(ierr, PETSC_ERR_FILE_OPEN, nodir, "Cannot create dataset file", "save into a missing directory"));
  }
  PetscCall(VecDestroy(&v[0]));
  PetscCall(VecDestroy(&v[1]));
  PetscCall(CheckNoTemporaries("failed saves"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "atomic save: ok\n"));
  PetscFunctionReturn(0);
}

/* 1 on every rank if file exists (rank 0 looks). */
static PetscErrorCode Exists(const char file[], PetscBool *exists)
{
  int e = 0;

  PetscFunctionBegin;
  if (rank == 0) e = access(file, F_OK) == 0;
  PetscCallMPI(MPI_Bcast(&e, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  *exists = e ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* SNADatasetSave() refuses what SNADatasetLoad() would refuse (Y with another number of rows than X, NaN or Inf)
   before it creates any file: every rank gets the error, no file appears, and an existing file is left as it was. */
static PetscErrorCode TestSaveRefusals(void)
{
  const char    *names[2] = {"/X", "/Y"};
  char           file[PETSC_MAX_PATH_LEN], old[PETSC_MAX_PATH_LEN], expect[2 * PETSC_MAX_PATH_LEN];
  Vec            v[2];
  PetscErrorCode ierr;
  PetscBool      exists;
  PetscInt       lo, hi;
  PetscScalar   *a;

  PetscFunctionBegin;
  PetscCall(Path("refused.h5", file));
  if (rank == 0) (void)unlink(file); /* left by an earlier run */
  PetscCall(Path("refused_old.h5", old));
  PetscCall(SaveXY(old, "", 7, 5.0));

  /* X with 6 rows, Y with 5 */
  PetscCall(MakeVec(6, 3, 0.0, &v[0]));
  PetscCall(MakeVec(5, 2, 0.5, &v[1]));
  for (int k = 0; k < 2; k++) {
    const char *f = k ? old : file;

    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNADatasetSave(PETSC_COMM_WORLD, f, 2, names, v);
    PetscCall(PetscPopErrorHandler());
    PetscCall(PetscSNPrintf(expect, sizeof(expect), "/X and /Y for '%s' have different numbers of rows (6 and 5)", f));
    PetscCall(ExpectError(ierr, PETSC_ERR_ARG_SIZ, f, expect, k ? "save 6 X, 5 Y rows over a file" : "save of 6 X rows, 5 Y rows"));
  }
  PetscCall(Exists(file, &exists));
  PetscCheck(!exists, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "a refused save of mismatched rows created %s", file);
  PetscCall(CheckXY(old, NULL, 7, 5.0)); /* untouched */
  PetscCall(VecDestroy(&v[1]));

  /* Inf in Y at row 3 (on rank 1 of 2), NaN at row 5: the first row is named */
  PetscCall(MakeVec(6, 2, 0.5, &v[1]));
  PetscCall(VecGetOwnershipRange(v[1], &lo, &hi));
  PetscCall(VecGetArray(v[1], &a));
  if (lo <= 3 * 2 + 1 && 3 * 2 + 1 < hi) a[3 * 2 + 1 - lo] = INFINITY;
  if (lo <= 5 * 2 && 5 * 2 < hi) a[5 * 2 - lo] = NAN;
  PetscCall(VecRestoreArray(v[1], &a));
  for (int k = 0; k < 2; k++) {
    const char *f = k ? old : file;

    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNADatasetSave(PETSC_COMM_WORLD, f, 2, names, v);
    PetscCall(PetscPopErrorHandler());
    PetscCall(PetscSNPrintf(expect, sizeof(expect), "dataset /Y for '%s' contains NaN or Inf at row 3 (0-based)", f));
    PetscCall(ExpectError(ierr, PETSC_ERR_FP, f, expect, k ? "save of Inf in Y over a file" : "save of Inf in Y"));
  }
  PetscCall(Exists(file, &exists));
  PetscCheck(!exists, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "a refused save of Inf created %s", file);
  PetscCall(CheckXY(old, NULL, 7, 5.0));
  PetscCall(VecDestroy(&v[0]));
  PetscCall(VecDestroy(&v[1]));
  PetscCall(CheckNoTemporaries("refused saves"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "refused saves: ok\n"));
  PetscFunctionReturn(0);
}

/* SNAPSSnapshotsClose() frees the writer on an error's path too (a snapshot file with no sample): *snap is NULL after it,
   nothing is left allocated (measured under -malloc_debug) nor on disk, and a SNAPSSnapshotsDestroy() after it does
   nothing (no double free). The writer was left allocated, for a Destroy that its callers never made. */
static PetscErrorCode TestSnapshotsCloseFrees(void)
{
  char           file[PETSC_MAX_PATH_LEN];
  SNAPSSnapshots snap;
  PetscErrorCode ierr;
  PetscLogDouble before, after;

  PetscFunctionBegin;
  PetscCall(Path("empty_snapshots.h5", file));
  PetscCall(SNAPSSnapshotsCreate(PETSC_COMM_WORLD, file, 2, "0123456789abcdef", &snap)); /* a first writer registers */
  PetscCall(SNAPSSnapshotsDestroy(&snap));                                               /* PETSc's HDF5 viewer */
  PetscCall(PetscMallocGetCurrentUsage(&before));
  PetscCall(SNAPSSnapshotsCreate(PETSC_COMM_WORLD, file, 2, "0123456789abcdef", &snap));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSSnapshotsClose(&snap);
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_ARG_WRONG, file, "No snapshots were added", "snapshots closed empty"));
  PetscCheck(!snap, PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNAPSSnapshotsClose() raised and left the writer allocated");
  PetscCall(SNAPSSnapshotsDestroy(&snap));
  PetscCall(PetscMallocGetCurrentUsage(&after));
  PetscCheck(after <= before, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The failed SNAPSSnapshotsClose() left %g bytes allocated", (double)(after - before));
  PetscCheck(access(file, F_OK), PETSC_COMM_SELF, PETSC_ERR_PLIB, "An empty snapshot file '%s' was written", file);
  PetscCall(CheckNoTemporaries("snapshots closed empty"));
  PetscFunctionReturn(0);
}

/* SNADatasetLoadFidelities() with a good /lf and an /hf whose Y is missing: all four outputs NULL, nothing left
   allocated (measured under -malloc_debug). The /lf Vecs were left set for the caller. */
static PetscErrorCode TestFidelitiesHFFails(void)
{
  char           file[PETSC_MAX_PATH_LEN];
  Vec            v[3], out[4] = {NULL, NULL, NULL, NULL};
  const char    *names[3] = {"/lf/X", "/lf/Y", "/hf/X"};
  PetscErrorCode ierr;
  PetscLogDouble before, after;

  PetscFunctionBegin;
  PetscCall(Path("fidelities_no_hf_y.h5", file));
  PetscCall(MakeVec(5, 3, 0.0, &v[0]));
  PetscCall(MakeVec(5, 2, 0.5, &v[1]));
  PetscCall(MakeVec(4, 3, 1.0, &v[2]));
  PetscCall(SNADatasetSave(PETSC_COMM_WORLD, file, 3, names, v));
  for (PetscInt i = 0; i < 3; i++) PetscCall(VecDestroy(&v[i]));
  PetscCall(PetscMallocGetCurrentUsage(&before));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNADatasetLoadFidelities(PETSC_COMM_WORLD, file, &out[0], &out[1], &out[2], &out[3]);
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, 0, file, "/hf/Y", "fidelities without /hf/Y"));
  for (PetscInt i = 0; i < 4; i++) PetscCheck(!out[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNADatasetLoadFidelities() raised and left output %" PetscInt_FMT " (Xlf, Ylf, Xhf, Yhf) set", i);
  PetscCall(PetscMallocGetCurrentUsage(&after));
  PetscCheck(after <= before, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The failed SNADatasetLoadFidelities() left %g bytes allocated", (double)(after - before));
  PetscFunctionReturn(0);
}

/* (mutation round 10) SNAPSSnapshotsAdd() refuses a snapshot of another size than the first, and a right-hand side
   given for some snapshots only, before anything is written (without the checks every test passed); the writer is
   then abandoned with nothing left on disk. */
static PetscErrorCode TestSnapshotsAddRefuses(void)
{
  char           file[PETSC_MAX_PATH_LEN];
  SNAPSSnapshots snap;
  Vec            u4, u5, b4;
  PetscReal      mu[2] = {0.5, 0.25};
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(Path("add_refused.h5", file));
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, 4, &u4));
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, 5, &u5));
  PetscCall(VecSet(u4, 1.0));
  PetscCall(VecSet(u5, 1.0));
  PetscCall(VecDuplicate(u4, &b4));
  PetscCall(VecSet(b4, 2.0));
  PetscCall(SNAPSSnapshotsCreate(PETSC_COMM_WORLD, file, 2, "0123456789abcdef", &snap));
  PetscCall(SNAPSSnapshotsAdd(snap, mu, u4, b4));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSSnapshotsAdd(snap, mu, u5, b4);
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_ARG_SIZ, NULL, "Snapshot 1 has size 5, the first one 4", "a snapshot of another size"));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSSnapshotsAdd(snap, mu, u4, NULL);
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_ARG_WRONG, NULL, "Either every snapshot has a right-hand side or none has", "a snapshot without its right-hand side"));
  PetscCall(SNAPSSnapshotsDestroy(&snap));
  PetscCheck(access(file, F_OK), PETSC_COMM_SELF, PETSC_ERR_PLIB, "An abandoned snapshot file '%s' was written", file);
  PetscCall(CheckNoTemporaries("snapshots refused"));
  PetscCall(VecDestroy(&u4));
  PetscCall(VecDestroy(&u5));
  PetscCall(VecDestroy(&b4));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snapshots refused: ok\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "Unit test of SNAPS datasets. Usage: test_dataset <scratch directory>\n"));
  PetscCheck(argc >= 2 && argv[1][0] != '-', PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Usage: test_dataset <scratch directory>");
  PetscCall(PetscStrncpy(scratch, argv[1], sizeof(scratch)));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(TestRoundTrip());
  PetscCall(TestOneDimensional());
  PetscCall(TestGroups());
  PetscCall(TestBadInputs());
  PetscCall(TestAtomicSave());
  PetscCall(TestSaveRefusals());
  PetscCall(TestSnapshotsCloseFrees());
  PetscCall(TestFidelitiesHFFails());
  PetscCall(TestSnapshotsAddRefuses());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "test_dataset: all tests passed on %d rank(s)\n", size));
  PetscCall(PetscFinalize());
  return 0;
}
