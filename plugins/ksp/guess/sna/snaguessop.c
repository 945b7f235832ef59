/* The reduced operator of the "sna" guess as a function of the parameters (snaps/snaguess.h):
       G(mu) = V^T A(mu) V  ~  sum_t theta_t(mu) G_t,   theta_t the monomials of mu of degree <= p.
   When A depends affinely (polynomially) on mu, as for a conductivity kappa = kappa_0 + sum mu_i kappa_i,
   the fit is exact and the Galerkin correction of a new operator costs T k^2 + O(k^3) instead of k
   products with A and k^2 dot products of length n. Here: recording (by the guess, offline), fitting
   (SNAGuessModelFitOperator, for snaps-pod), loading and evaluation (online). */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* flock (BSD, not POSIX) */
#endif
#include <snaps/private/snaguessimpl.h>
#include <snaps/report.h>
#include <petscblaslapack.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define OP_GROUP "/operator"

/* Exponents of the monomials of q variables of total degree <= left (from variable j on); returns the
   count so far. out (T x q) may be NULL to count. */
static PetscInt Monomials(PetscInt q, PetscInt j, PetscInt left, PetscInt e[], PetscInt T, PetscInt *out)
{
  if (j == q) {
    if (out)
      for (PetscInt i = 0; i < q; i++) out[T * q + i] = e[i];
    return T + 1;
  }
  for (PetscInt a = 0; a <= left; a++) {
    e[j] = a;
    T    = Monomials(q, j + 1, left - a, e, T, out);
  }
  return T;
}

/* theta_t(mu) for the T monomials. */
static void MonomialValues(PetscInt q, PetscInt T, const PetscInt exps[], const PetscReal mu[], PetscReal theta[])
{
  for (PetscInt t = 0; t < T; t++) {
    theta[t] = 1.0;
    for (PetscInt i = 0; i < q; i++)
      for (PetscInt a = 0; a < exps[t * q + i]; a++) theta[t] *= mu[i];
  }
}

/* ---------------------------------------------------------------- recording */

/* Rank 0: writes every record into tmp (HDF5). */
static PetscErrorCode WriteRecords_Rank0(const char tmp[], const SNAGuessOperatorRecords *rec)
{
  hid_t          file;
  hsize_t        dx[2] = {(hsize_t)rec->count, (hsize_t)rec->q}, dg[3] = {(hsize_t)rec->count, (hsize_t)rec->k, (hsize_t)rec->k}, dl = (hsize_t)rec->k;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAPSTemporaryCreate(tmp, NULL)); /* 0600, exclusive; a failure: H5Fcreate says so */
  file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot create '%s'", tmp);
  ierr = SNAHDF5WriteAttributeInt(file, "snaps_format_version", SNAGUESS_FORMAT_VERSION);
  if (!ierr) ierr = SNAHDF5WriteAttributeString(file, "content", "snaps reduced-operator records");
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(file, "n_modes", rec->k);
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(file, "n_params", rec->q);
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(file, "vector_size", rec->n);
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(file, "n_records", rec->count);
  if (!ierr) ierr = SNAHDF5WriteAttributeString(file, "fingerprint", rec->fingerprint);
  if (!ierr) ierr = SNAHDF5WriteArray(file, "X", 2, dx, rec->X);
  if (!ierr) ierr = SNAHDF5WriteArray(file, "G", 3, dg, rec->G);
  if (!ierr) ierr = SNAHDF5WriteArray(file, "basis_l1", 1, &dl, rec->l1);
  if (H5Fclose(file) < 0 && !ierr) ierr = PETSC_ERR_FILE_WRITE;
  PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Could not write the operator records to '%s'", tmp);
  PetscFunctionReturn(0);
}

/* Room for need records in rec. */
static PetscErrorCode RecordsReserve(SNAGuessOperatorRecords *rec, PetscInt need)
{
  PetscInt   cap = PetscMax(8, 2 * rec->cap);
  PetscReal *X, *Gs;

  PetscFunctionBegin;
  if (need <= rec->cap) PetscFunctionReturn(0);
  cap = PetscMax(cap, need);
  PetscCall(PetscMalloc2(cap * rec->q, &X, cap * rec->k * rec->k, &Gs));
  PetscCall(PetscArraycpy(X, rec->X, rec->count * rec->q));
  PetscCall(PetscArraycpy(Gs, rec->G, rec->count * rec->k * rec->k));
  PetscCall(PetscFree2(rec->X, rec->G));
  rec->X   = X;
  rec->G   = Gs;
  rec->cap = cap;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessOperatorRecordsDestroy(SNAGuessOperatorRecords *rec)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(rec->X, rec->G));
  PetscCall(PetscFree(rec->l1));
  PetscCall(PetscMemzero(rec, sizeof(*rec)));
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- reading records (appending, fitting) */

/* What the fit needs from the model and the records, read on rank 0 (the records alone, to append to them). */
typedef struct {
  PetscInt   k, q, n, nrec, kmodel;
  char       fp_model[64], fp_rec[64];
  PetscReal *X, *G, *l1_rec, *l1_model;
} FitInput;

static PetscErrorCode FitInputFree(FitInput *in)
{
  PetscFunctionBegin;
  PetscCall(PetscFree3(in->X, in->G, in->l1_rec));
  PetscCall(PetscFree(in->l1_model));
  PetscFunctionReturn(0);
}

/* What the messages about a records file say after its name: " (option)", the option of the guess that appends to
   it (-<prefix>ksp_guess_sna_record_operators; remedy RECORDS_APPENDED), or for the fit (option NULL: snaps-pod)
   nothing (the message then says how to write one). */
static PetscErrorCode RecordsNamed(const char option[], char named[], size_t len)
{
  PetscFunctionBegin;
  named[0] = 0;
  if (option) PetscCall(PetscSNPrintf(named, len, " (%s)", option));
  PetscFunctionReturn(0);
}
#define RECORDS_APPENDED "(records are appended to the file: name another file or remove it)"

/* Rank 0: the records of the open file rf (named records) into in. option: see RecordsNamed(). */
static PetscErrorCode ReadRecordsOpen_Rank0(hid_t rf, const char records[], const char option[], FitInput *in)
{
  PetscInt version;
  char     content[64] = "", named[PETSC_MAX_OPTION_NAME + 4];

  PetscFunctionBegin;
  PetscCall(RecordsNamed(option, named, sizeof(named)));
  if (H5Aexists(rf, "content") > 0) PetscCall(SNAHDF5ReadAttributeString(rf, "content", content, sizeof(content)));
  PetscCheck(!strcmp(content, "snaps reduced-operator records"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s'%s is not a file of reduced-operator records %s", records, named, option ? RECORDS_APPENDED : "(write one with -ksp_guess_sna_record_operators)");
  PetscCall(SNAHDF5ReadAttributeInt(rf, "snaps_format_version", &version));
  PetscCall(SNAHDF5ReadAttributeInt(rf, "n_modes", &in->k));
  PetscCall(SNAHDF5ReadAttributeInt(rf, "n_params", &in->q));
  PetscCall(SNAHDF5ReadAttributeInt(rf, "vector_size", &in->n));
  PetscCall(SNAHDF5ReadAttributeInt(rf, "n_records", &in->nrec));
  PetscCall(SNAHDF5ReadAttributeString(rf, "fingerprint", in->fp_rec, sizeof(in->fp_rec)));
  PetscCheck(in->k >= 1 && in->q >= 1 && in->nrec >= 1 && in->k <= 100000 && in->q <= 64, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' declares implausible sizes (%" PetscInt_FMT " modes, %" PetscInt_FMT " parameters, %" PetscInt_FMT " records)", records, in->k, in->q, in->nrec);
  {
    hsize_t        dx[2] = {(hsize_t)in->nrec, (hsize_t)in->q}, dg[3] = {(hsize_t)in->nrec, (hsize_t)in->k, (hsize_t)in->k}, dl = (hsize_t)in->k;
    const PetscInt fx[2] = {in->nrec, in->q}, fg[3] = {in->nrec, in->k, in->k};
    PetscInt       nx, ng;

    PetscCall(SNAHDF5SizeProduct("record parameters (n_records x n_params)", 2, fx, &nx));
    PetscCall(SNAHDF5SizeProduct("record entries (n_records x n_modes x n_modes)", 3, fg, &ng));
    PetscCall(SNAHDF5CheckArray(rf, "X", 2, dx));
    PetscCall(SNAHDF5CheckArray(rf, "G", 3, dg));
    PetscCall(PetscMalloc3(nx, &in->X, ng, &in->G, in->k, &in->l1_rec));
    PetscCall(SNAHDF5ReadArray(rf, "X", 2, dx, in->X));
    PetscCall(SNAHDF5ReadArray(rf, "G", 3, dg, in->G));
    PetscCall(SNAHDF5ReadArray(rf, "basis_l1", 1, &dl, in->l1_rec));
  }
  PetscFunctionReturn(0);
}

/* Rank 0: a records file (sizes, fingerprint, X, G, basis_l1 into in), for the fit and for appending to it. On an
   error the file is closed and in's arrays freed: the guess reads the file inside a user's KSPSolve, which may go on. */
static PetscErrorCode ReadRecords_Rank0(const char records[], const char option[], FitInput *in)
{
  hid_t          rf = -1;
  PetscErrorCode ierr;
  char           named[PETSC_MAX_OPTION_NAME + 4];

  PetscFunctionBegin;
  PetscCall(RecordsNamed(option, named, sizeof(named)));
  PetscCheck(H5Fis_hdf5(records) > 0 && (rf = H5Fopen(records, H5F_ACC_RDONLY, H5P_DEFAULT)) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open the operator records '%s'%s as HDF5 %s", records, named, option ? RECORDS_APPENDED : "(write them with -ksp_guess_sna_record_operators)");
  ierr = ReadRecordsOpen_Rank0(rf, records, option, in);
  H5Fclose(rf);
  if (ierr) PetscCall(PetscFree3(in->X, in->G, in->l1_rec));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Rank 0: records read from file (in) that were made for rec's model and modes, or an error naming both. */
static PetscErrorCode CheckRecordsMatch(const char file[], const char option[], const FitInput *in, const SNAGuessOperatorRecords *rec)
{
  PetscFunctionBegin;
  PetscCheck(in->k == rec->k && in->q == rec->q && in->n == rec->n && !strcmp(in->fp_rec, rec->fingerprint), PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "%s '%s' holds records of %" PetscInt_FMT " modes, %" PetscInt_FMT " parameters, vector size %" PetscInt_FMT " and fingerprint %s, but this guess records %" PetscInt_FMT " modes, %" PetscInt_FMT " parameters, size %" PetscInt_FMT ", fingerprint %s: records are appended to the file, so name another file or remove it", option, file, in->k, in->q, in->n, in->fp_rec, rec->k, rec->q, rec->n, rec->fingerprint);
  for (PetscInt j = 0; j < in->k; j++)
    PetscCheck(PetscAbsReal(in->l1_rec[j] - rec->l1[j]) <= 1e-8 * rec->l1[j], PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "%s '%s' holds records made with another POD basis (mode %" PetscInt_FMT ": 1-norm %.12g, this model's %.12g): records are appended to the file, so name another file or remove it", option, file, j, (double)in->l1_rec[j], (double)rec->l1[j]);
  PetscFunctionReturn(0);
}

/* Rank 0: the records of file into rec (empty; its k, q, n, fingerprint and l1 set), refused unless they were
   made for the same model and modes. */
static PetscErrorCode ResumeRecords_Rank0(const char file[], const char option[], SNAGuessOperatorRecords *rec)
{
  FitInput       in;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&in, sizeof(in)));
  PetscCall(ReadRecords_Rank0(file, option, &in));
  ierr = CheckRecordsMatch(file, option, &in, rec);
  if (ierr) PetscCall(PetscFree3(in.X, in.G, in.l1_rec));
  PetscCall(ierr);
  PetscCall(RecordsReserve(rec, in.nrec));
  PetscCall(PetscArraycpy(rec->X, in.X, in.nrec * in.q));
  PetscCall(PetscArraycpy(rec->G, in.G, in.nrec * in.k * in.k));
  rec->count = in.nrec;
  PetscCall(PetscFree3(in.X, in.G, in.l1_rec));
  PetscFunctionReturn(0);
}

/* Rank 0: rec's records become those of file (none if it does not exist); refused unless they were made for the
   same model and modes. HDF5's own error stack is silenced: the message says what is wrong. */
static PetscErrorCode LoadRecords_Rank0(const char file[], const char option[], SNAGuessOperatorRecords *rec)
{
  PetscBool      exists = PETSC_FALSE;
  PetscErrorCode ierr;
  H5E_auto2_t    func;
  void          *data;

  PetscFunctionBegin;
  rec->count = 0;
  PetscCall(PetscTestFile(file, '\0', &exists));
  if (!exists) PetscFunctionReturn(0);
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  ierr = ResumeRecords_Rank0(file, option, rec);
  H5Eset_auto2(H5E_DEFAULT, func, data);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Every rank: rank 0's records (read under the lock by SNAGuessOperatorRecordsAdd()). Collective. */
static PetscErrorCode RecordsBcast(MPI_Comm comm, SNAGuessOperatorRecords *rec)
{
  PetscInt    count = rec->count;
  PetscMPIInt nx, ng;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Bcast(&count, 1, MPIU_INT, 0, comm));
  PetscCall(RecordsReserve(rec, count));
  rec->count = count;
  PetscCall(PetscMPIIntCast(count * rec->q, &nx));
  PetscCall(PetscMPIIntCast(count * rec->k * rec->k, &ng));
  PetscCallMPI(MPI_Bcast(rec->X, nx, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(rec->G, ng, MPIU_REAL, 0, comm));
  PetscFunctionReturn(0);
}

/* Rank 0: an exclusive lock (flock) on "<file>.lock" for one read, append and rename of the records, so that runs
   recording to one file at the same time each keep their records (each rewrites the whole file: without the lock
   the last rename wins). The holder removes the lock file before it lets go; a waiter that then holds a lock on
   the removed file tries again. A file system without flock() gives no lock (*fd = -1; the man page says so). */
static PetscErrorCode RecordsLock_Rank0(const char lock[], const char option[], int *fd)
{
  PetscBool said = PETSC_FALSE;

  PetscFunctionBegin;
  *fd = -1;
  for (;;) {
    struct stat held, named;
    int         f = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666), e;

    if (f < 0 && errno == EACCES) f = open(lock, O_RDONLY | O_CLOEXEC); /* another user's lock file: flock needs no write */
    PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot create the lock file '%s' of the reduced-operator records (%s): %s", lock, option, strerror(errno));
    e = flock(f, LOCK_EX | LOCK_NB) ? errno : 0;
    if (e == EWOULDBLOCK) { /* another run is appending: say why this one waits, then wait */
      if (!said) PetscCall(PetscInfo(NULL, "Waiting for the lock '%s': another run is appending to the reduced-operator records\n", lock));
      said = PETSC_TRUE;
      e    = 0;
      while (flock(f, LOCK_EX) && (e = errno) == EINTR) e = 0;
    }
    if (e) {
      (void)close(f);
      if (e == ENOLCK || e == EOPNOTSUPP || e == ENOSYS) { /* no locks on this file system */
        (void)unlink(lock);
        PetscFunctionReturn(0);
      }
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot lock '%s' of the reduced-operator records (%s): %s", lock, option, strerror(e));
    }
    e = fstat(f, &held) ? errno : (stat(lock, &named) ? errno : 0);
    if (!e && held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
      *fd = f;
      break;
    }
    (void)close(f);
    /* ENOENT or another inode: the holder before us removed this lock file; anything else is an error */
    PetscCheck(!e || e == ENOENT, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot check the lock file '%s' of the reduced-operator records (%s): %s", lock, option, strerror(e));
  }
  PetscFunctionReturn(0);
}

static void RecordsUnlock_Rank0(const char lock[], int fd)
{
  if (fd < 0) return;
  (void)unlink(lock);
  (void)close(fd);
}

/* Every rank: rank 0's records (just read under the lock) plus mu and G, written to tmp and renamed over file; the
   write's outcome and errno in *werr and *err, the same on every rank. */
static PetscErrorCode RecordsAppendWrite(MPI_Comm comm, const char file[], const char tmp[], SNAGuessOperatorRecords *rec, const PetscReal mu[], const PetscScalar G[], PetscErrorCode *werr, int *err)
{
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(RecordsBcast(comm, rec));
  PetscCall(RecordsReserve(rec, rec->count + 1));
  PetscCall(PetscArraycpy(rec->X + rec->count * rec->q, mu, rec->q));
  /* row-major k x k in the file (h5py shows G[i, j] = <v_i, A v_j>); G is column-major */
  for (PetscInt i = 0; i < rec->k; i++)
    for (PetscInt j = 0; j < rec->k; j++) rec->G[rec->count * rec->k * rec->k + i * rec->k + j] = PetscRealPart(G[j * rec->k + i]);
  rec->count++;
  /* the whole file again, atomically: a run that stops early leaves every record so far */
  *werr = 0;
  *err  = 0;
  if (rank == 0) *werr = WriteRecords_Rank0(tmp, rec); /* not PetscCall: agree with the other ranks first */
  PetscCall(SNAPSCommitTemporary(comm, tmp, file, werr, err));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessOperatorRecordsAdd(MPI_Comm comm, const char file[], const char option[], SNAGuessOperatorRecords *rec, const PetscReal mu[], const PetscScalar G[])
{
  PetscMPIInt    rank;
  PetscErrorCode ierr = 0, werr = 0;
  char           tmp[PETSC_MAX_PATH_LEN], lock[PETSC_MAX_PATH_LEN];
  int            err = 0, fd = -1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  /* the names first: nothing between taking the lock and letting it go returns without letting it go */
  PetscCall(SNAPSTemporaryName(file, tmp, sizeof(tmp)));
  { /* the lock is the resolved target's (a link and its file share one); a stream (/dev/null) has none */
    char      target[PETSC_MAX_PATH_LEN];
    PetscBool stream;
    int       terr;

    PetscCall(SNAPSOutputIsStream(file, &stream));
    PetscCall(SNAPSOutputTarget(file, target, sizeof(target), &terr));
    lock[0] = 0;
    if (!stream) PetscCall(PetscSNPrintf(lock, sizeof(lock), "%s.lock", target));
  }
  /* the file's records as they are now, under the lock: another run may have added some since we read them */
  if (rank == 0) {
    if (lock[0]) ierr = RecordsLock_Rank0(lock, option, &fd); /* not PetscCall: agree with the other ranks first */
    if (!ierr) ierr = LoadRecords_Rank0(file, option, rec);
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  if (!ierr) ierr = RecordsAppendWrite(comm, file, tmp, rec, mu, G, &werr, &err);
  if (rank == 0) RecordsUnlock_Rank0(lock, fd);
  PetscCheck(!ierr, comm, PETSC_ERR_ARG_INCOMP, "Cannot append to the reduced-operator records '%s' (%s; see the message above)", file, option);
  PetscCheck(!werr, comm, PETSC_ERR_FILE_WRITE, "Could not write the reduced-operator records '%s'%s%s (%s)", file, err ? ": " : "", err ? strerror(err) : "", option);
  PetscFunctionReturn(0);
}

/* Rank 0: the records and the model's identity and mode norms; every mismatch is an error naming both. */
static PetscErrorCode ReadFitInput_Rank0(const char model[], const char records[], FitInput *in)
{
  hid_t    mf = -1, pod;
  PetscInt n_model, q_model;

  PetscFunctionBegin;
  PetscCall(ReadRecords_Rank0(records, NULL, in));
  PetscCall(PetscMalloc1(in->k, &in->l1_model));

  PetscCheck(H5Fis_hdf5(model) > 0 && (mf = H5Fopen(model, H5F_ACC_RDONLY, H5P_DEFAULT)) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open the model '%s' as HDF5", model);
  PetscCheck(H5Lexists(mf, "/pod", H5P_DEFAULT) > 0 && (pod = H5Gopen2(mf, "/pod", H5P_DEFAULT)) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no group /pod: it is not an initial-guess model", model);
  PetscCall(SNAHDF5ReadAttributeInt(pod, "vector_size", &n_model));
  PetscCall(SNAHDF5ReadAttributeInt(pod, "n_params", &q_model));
  PetscCall(SNAHDF5ReadAttributeInt(pod, "n_modes", &in->kmodel));
  PetscCall(SNAHDF5ReadAttributeString(pod, "fingerprint", in->fp_model, sizeof(in->fp_model)));
  PetscCheck(n_model == in->n && q_model == in->q && !strcmp(in->fp_model, in->fp_rec), PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "The operator records '%s' (vector size %" PetscInt_FMT ", %" PetscInt_FMT " parameters, fingerprint %s) do not belong to the model '%s' (vector size %" PetscInt_FMT ", %" PetscInt_FMT " parameters, fingerprint %s)", records, in->n, in->q, in->fp_rec, model, n_model, q_model, in->fp_model);
  PetscCheck(in->k <= in->kmodel, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "The operator records '%s' have %" PetscInt_FMT " modes but the model '%s' only %" PetscInt_FMT, records, in->k, model, in->kmodel);
  H5Gclose(pod);
  {
    /* the 1-norms of the model's modes must be those the records were made with (the leading k) */
    PetscScalar *rows;
    PetscCall(SNAGuessReadBasisColumns_Local(mf, model, "/pod", in->kmodel, in->n, 0, in->n, &rows));
    for (PetscInt j = 0; j < in->k; j++) {
      in->l1_model[j] = 0;
      for (PetscInt i = 0; i < in->n; i++) in->l1_model[j] += PetscAbsScalar(rows[j * in->n + i]);
    }
    PetscCall(PetscFree(rows));
  }
  H5Fclose(mf);
  for (PetscInt j = 0; j < in->k; j++)
    PetscCheck(PetscAbsReal(in->l1_model[j] - in->l1_rec[j]) <= 1e-8 * in->l1_model[j], PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "The operator records '%s' were made with another POD basis than the model '%s' (mode %" PetscInt_FMT ": 1-norm %.12g, the model's %.12g): record them again with this model", records, model, j, (double)in->l1_rec[j], (double)in->l1_model[j]);
  PetscFunctionReturn(0);
}

/* Least squares over the records: terms (T x k x k, row-major blocks), the largest relative Frobenius misfit of the
   fitted G on the records, and the numerical rank of the records' monomial values (T when the records' parameters
   determine every term). */
static PetscErrorCode FitTerms(const FitInput *in, PetscInt T, const PetscInt exps[], PetscReal terms[], PetscReal *misfit, PetscInt *trank)
{
  const PetscInt N = in->nrec, kk = in->k * in->k, ld = PetscMax(N, T);
  PetscReal     *A, *B, *sv, *work, *theta, rcond = 1e-13;
  PetscBLASInt   bN, bT, bkk, bld, rank, lwork, info;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(N, &bN));
  PetscCall(PetscBLASIntCast(T, &bT));
  PetscCall(PetscBLASIntCast(kk, &bkk));
  PetscCall(PetscBLASIntCast(ld, &bld));
  lwork = 5 * (bN + bT) + 3 * bT + 64 * (bN + bT) + bkk;
  PetscCall(PetscMalloc5(N * T, &A, ld * kk, &B, T, &sv, lwork, &work, T, &theta));
  for (PetscInt i = 0; i < N; i++) {
    MonomialValues(in->q, T, exps, in->X + i * in->q, theta);
    for (PetscInt t = 0; t < T; t++) A[t * N + i] = theta[t];
  }
  for (PetscInt e = 0; e < kk; e++)
    for (PetscInt i = 0; i < N; i++) B[e * ld + i] = in->G[i * kk + e];
  PetscCallBLAS("LAPACKgelss", LAPACKgelss_(&bN, &bT, &bkk, A, &bN, B, &bld, sv, &rcond, &rank, work, &lwork, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK dgelss failed (info %d) fitting the reduced operator", (int)info);
  *trank = rank;
  for (PetscInt t = 0; t < T; t++)
    for (PetscInt e = 0; e < kk; e++) terms[t * kk + e] = B[e * ld + t];
  *misfit = 0;
  for (PetscInt i = 0; i < N; i++) {
    PetscReal num = 0, den = 0;
    MonomialValues(in->q, T, exps, in->X + i * in->q, theta);
    for (PetscInt e = 0; e < kk; e++) {
      PetscReal g = 0;
      for (PetscInt t = 0; t < T; t++) g += theta[t] * terms[t * kk + e];
      num += PetscSqr(g - in->G[i * kk + e]);
      den += PetscSqr(in->G[i * kk + e]);
    }
    *misfit = PetscMax(*misfit, den > 0 ? PetscSqrtReal(num / den) : PetscSqrtReal(num));
  }
  PetscCall(PetscFree5(A, B, sv, work, theta));
  PetscFunctionReturn(0);
}

/* Rank 0: copies model into tmp and replaces its /operator group. */
static PetscErrorCode WriteOperator_Rank0(const char model[], const char tmp[], const FitInput *in, PetscInt degree, PetscInt T, const PetscInt exps[], const PetscReal terms[], PetscReal misfit)
{
  hid_t          file, group;
  PetscReal     *e;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAPSCopyFile(model, tmp));
  file = H5Fopen(tmp, H5F_ACC_RDWR, H5P_DEFAULT);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "HDF5 cannot open '%s' for writing", tmp);
  if (H5Lexists(file, OP_GROUP, H5P_DEFAULT) > 0) H5Ldelete(file, OP_GROUP, H5P_DEFAULT);
  group = H5Gcreate2(file, OP_GROUP, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ierr  = group < 0 ? PETSC_ERR_FILE_WRITE : 0;
  PetscCall(PetscMalloc1(T * in->q, &e));
  for (PetscInt i = 0; i < T * in->q; i++) e[i] = (PetscReal)exps[i];
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(group, "n_modes", in->k);
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(group, "n_params", in->q);
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(group, "degree", degree);
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(group, "n_terms", T);
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(group, "n_records", in->nrec);
  if (!ierr) {
    hsize_t de[2] = {(hsize_t)T, (hsize_t)in->q}, dt[3] = {(hsize_t)T, (hsize_t)in->k, (hsize_t)in->k}, one = 1;
    ierr = SNAHDF5WriteArray(group, "exponents", 2, de, e);
    if (!ierr) ierr = SNAHDF5WriteArray(group, "terms", 3, dt, terms);
    if (!ierr) ierr = SNAHDF5WriteArray(group, "fit_rel_error", 1, &one, &misfit);
  }
  PetscCall(PetscFree(e));
  if (group >= 0) H5Gclose(group);
  if (H5Fclose(file) < 0 && !ierr) ierr = PETSC_ERR_FILE_WRITE;
  PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Could not write %s into '%s'", OP_GROUP, tmp);
  PetscFunctionReturn(0);
}

/*@C
  SNAGuessModelFitOperator - Fits the reduced operator V^T A V of a model file, as a polynomial in the parameters, from
  the records of -ksp_guess_sna_record_operators, and adds it to the model as /operator

  Collective; rank 0 does the work

  Input Parameters:
+ comm    - the communicator
. model   - the model file, rewritten atomically through a temporary copy (unchanged on failure)
. records - the records file (same model, same basis: checked)
- degree  - the polynomial degree, 0 to 6 (PETSC_ERR_USER_INPUT otherwise)

  Output Parameters:
+ misfit   - the largest relative misfit on the records (NULL: not wanted)
. nterms   - the polynomial's terms (NULL: not wanted)
. nrecords - the records used (NULL: not wanted)
- nmodes   - the modes (NULL: not wanted)

  Notes:
  Refused: no more records than terms, and records whose parameters do not determine every term (all on one line or
  plane, such as a fixed sum of the parameters: the fit would be exact on them and arbitrary elsewhere). A failure
  raises PETSC_ERR_FILE_WRITE, the model unchanged. snaps-pod -model m.h5 -operators rec.h5 calls it.

  Level: advanced

.seealso: KSPGUESSSNA, SNAGuessModelWrite()
@*/
PetscErrorCode SNAGuessModelFitOperator(MPI_Comm comm, const char model[], const char records[], PetscInt degree, PetscReal *misfit, PetscInt *nterms, PetscInt *nrecords, PetscInt *nmodes)
{
  PetscMPIInt    rank;
  PetscErrorCode ierr = 0;
  FitInput       in;
  PetscInt      *exps = NULL, T = 0, e[64], sizes[3] = {0, 0, 0}, trank = 0;
  PetscReal     *terms = NULL, fit = 0;
  char           tmp[PETSC_MAX_PATH_LEN];
  int            err = 0;

  PetscFunctionBegin;
  PetscCheck(degree >= 0 && degree <= 6, comm, PETSC_ERR_USER_INPUT, "The degree of the reduced-operator model must be 0 to 6, not %" PetscInt_FMT, degree);
  PetscCall(PetscMemzero(&in, sizeof(in)));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(SNAPSTemporaryName(model, tmp, sizeof(tmp)));
  if (rank == 0) {
    H5E_auto2_t func;
    void       *data;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    ierr = ReadFitInput_Rank0(model, records, &in); /* not PetscCall: agree with the other ranks first */
    if (!ierr) {
      T = Monomials(in.q, 0, degree, e, 0, NULL);
      /* the guess loads at most SNAGUESS_OPERATOR_MAX_TERMS terms: a fit beyond would write a model it refuses */
      if (T > SNAGUESS_OPERATOR_MAX_TERMS) ierr = PetscError(PETSC_COMM_SELF, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_USER_INPUT, PETSC_ERROR_INITIAL, "A reduced-operator model of degree %" PetscInt_FMT " in %" PetscInt_FMT " parameters has %" PetscInt_FMT " terms, more than the %d the sna initial guess loads: lower -operator_degree", degree, in.q, T, SNAGUESS_OPERATOR_MAX_TERMS);
      /* as many records as terms interpolate any data: the misfit (0 to rounding) would then tell nothing */
      else if (T >= in.nrec)
        ierr = PetscError(PETSC_COMM_SELF, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_USER_INPUT, PETSC_ERROR_INITIAL, "A reduced-operator model of degree %" PetscInt_FMT " in %" PetscInt_FMT " parameters has %" PetscInt_FMT " terms but '%s' holds only %" PetscInt_FMT " records: record more operators (more than %" PetscInt_FMT ", so that the misfit means something) or lower -operator_degree", degree, in.q, T, records, in.nrec, T);
    }
    if (!ierr) ierr = PetscMalloc2(T * in.q, &exps, T * in.k * in.k, &terms);
    if (!ierr) {
      (void)Monomials(in.q, 0, degree, e, 0, exps);
      ierr = FitTerms(&in, T, exps, terms, &fit, &trank);
    }
    /* records whose parameters lie on a lower-dimensional set (all with mu_1 + mu_2 = 1, say) fit the records exactly
       (misfit 0) but leave some terms undetermined: dgelss's minimum-norm choice then gives a wrong G(mu) off that set */
    if (!ierr && trank < T)
      ierr = PetscError(PETSC_COMM_SELF, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_USER_INPUT, PETSC_ERROR_INITIAL, "The parameters of the %" PetscInt_FMT " records in '%s' determine only %" PetscInt_FMT " of the %" PetscInt_FMT " terms of a reduced-operator model of degree %" PetscInt_FMT " (they lie on a lower-dimensional set, e.g. a fixed sum of parameters): the model would be wrong at other parameters. Record operators at parameters that vary independently, or lower -operator_degree", in.nrec, records, trank, T, degree);
    if (!ierr) ierr = WriteOperator_Rank0(model, tmp, &in, degree, T, exps, terms, fit);
    H5Eset_auto2(H5E_DEFAULT, func, data);
    sizes[0] = T;
    sizes[1] = in.nrec;
    sizes[2] = in.k;
    PetscCall(PetscFree2(exps, terms));
    PetscCall(FitInputFree(&in));
  }
  PetscCall(SNAPSCommitTemporary(comm, tmp, model, &ierr, &err));
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE, "Fitting the reduced operator of '%s' from '%s' failed%s%s (see above); the model is unchanged", model, records, err ? ": " : "", err ? strerror(err) : "");
  PetscCallMPI(MPI_Bcast(&fit, 1, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(sizes, 3, MPIU_INT, 0, comm));
  if (misfit) *misfit = fit;
  if (nterms) *nterms = sizes[0];
  if (nrecords) *nrecords = sizes[1];
  if (nmodes) *nmodes = sizes[2];
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- loading and evaluation */

/* Every rank: the sizes and arrays of the open group /operator, checked against the model's q and k; the exponents
   and row-major terms as stored into *e and *rows (allocated here, freed by the caller, also after an error). */
static PetscErrorCode ReadOperatorGroup_Local(hid_t group, const char filename[], PetscInt q, PetscInt kmodel, SNAGuessOperatorModel *op, PetscReal **e, PetscReal **rows)
{
  PetscInt qop;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeInt(group, "n_modes", &op->k));
  PetscCall(SNAHDF5ReadAttributeInt(group, "n_params", &qop));
  PetscCall(SNAHDF5ReadAttributeInt(group, "degree", &op->degree));
  PetscCall(SNAHDF5ReadAttributeInt(group, "n_terms", &op->T));
  PetscCall(SNAHDF5ReadAttributeInt(group, "n_records", &op->nrecords));
  PetscCheck(qop == q && op->k >= 1 && op->k <= kmodel && op->T >= 1 && op->T <= SNAGUESS_OPERATOR_MAX_TERMS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': %s declares %" PetscInt_FMT " modes, %" PetscInt_FMT " parameters and %" PetscInt_FMT " terms for a model of %" PetscInt_FMT " modes and %" PetscInt_FMT " parameters: corrupt model", filename, OP_GROUP, op->k, qop, op->T, kmodel, q);
  op->q = q;
  {
    hsize_t        de[2] = {(hsize_t)op->T, (hsize_t)q}, dt[3] = {(hsize_t)op->T, (hsize_t)op->k, (hsize_t)op->k}, one = 1;
    const PetscInt fe[2] = {op->T, q}, ft[3] = {op->T, op->k, op->k};
    PetscInt       ne, nt;

    PetscCall(SNAHDF5SizeProduct("operator exponents (n_terms x n_params)", 2, fe, &ne));
    PetscCall(SNAHDF5SizeProduct("operator terms (n_terms x n_modes x n_modes)", 3, ft, &nt));
    PetscCall(SNAHDF5CheckArray(group, "exponents", 2, de));
    PetscCall(SNAHDF5CheckArray(group, "terms", 3, dt));
    PetscCall(PetscMalloc2(ne, &op->exponents, nt, &op->terms));
    PetscCall(PetscMalloc2(ne, e, nt, rows));
    PetscCall(SNAHDF5ReadArray(group, "exponents", 2, de, *e));
    PetscCall(SNAHDF5ReadArray(group, "terms", 3, dt, *rows));
    PetscCall(SNAHDF5ReadArray(group, "fit_rel_error", 1, &one, &op->misfit));
  }
  PetscFunctionReturn(0);
}

/* Every rank: /operator of an open model file, checked against the model's q and k. */
static PetscErrorCode ReadOperator_Local(hid_t file, const char filename[], PetscInt q, PetscInt kmodel, SNAGuessOperatorModel *op)
{
  hid_t          group;
  PetscReal     *e = NULL, *rows = NULL;
  PetscInt       bad = -1;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  group = H5Gopen2(file, OP_GROUP, H5P_DEFAULT);
  PetscCheck(group >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "HDF5 cannot open the group %s of '%s': corrupt model", OP_GROUP, filename);
  ierr = ReadOperatorGroup_Local(group, filename, q, kmodel, op, &e, &rows); /* not PetscCall: close and free first */
  H5Gclose(group);                                                           /* an open group would keep the file open after the caller's H5Fclose */
  if (ierr) PetscCall(PetscFree2(e, rows));
  PetscCall(ierr);
  for (PetscInt i = 0; i < op->T * q && bad < 0; i++) {
    op->exponents[i] = (PetscInt)e[i];
    if (!(e[i] >= 0 && e[i] <= 64 && e[i] == (PetscReal)op->exponents[i])) bad = i;
  }
  if (bad >= 0) {
    const PetscReal v = e[bad];

    PetscCall(PetscFree2(e, rows));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': %s/exponents holds %g, not a small non-negative integer: corrupt model", filename, OP_GROUP, (double)v);
  }
  /* column-major blocks in memory, so that evaluation runs down contiguous columns */
  for (PetscInt t = 0; t < op->T; t++)
    for (PetscInt i = 0; i < op->k; i++)
      for (PetscInt j = 0; j < op->k; j++) op->terms[t * op->k * op->k + j * op->k + i] = rows[t * op->k * op->k + i * op->k + j];
  /* terms fitted to symmetric records are symmetric to rounding: made exactly so, G(mu) is symmetric
     by construction and the guess need not check it at every solve */
  op->symmetric = PETSC_TRUE;
  for (PetscInt t = 0; t < op->T && op->symmetric; t++) {
    const PetscReal *g = op->terms + t * op->k * op->k;
    for (PetscInt j = 0; j < op->k && op->symmetric; j++)
      for (PetscInt i = 0; i < j; i++)
        if (PetscAbsReal(g[j * op->k + i] - g[i * op->k + j]) > 1e-13 * (PetscAbsReal(g[i * op->k + i]) + PetscAbsReal(g[j * op->k + j]))) {
          op->symmetric = PETSC_FALSE;
          break;
        }
  }
  if (op->symmetric)
    for (PetscInt t = 0; t < op->T; t++) {
      PetscReal *g = op->terms + t * op->k * op->k;
      for (PetscInt j = 0; j < op->k; j++)
        for (PetscInt i = 0; i < j; i++) g[j * op->k + i] = g[i * op->k + j] = 0.5 * (g[j * op->k + i] + g[i * op->k + j]);
    }
  PetscCall(PetscFree2(e, rows));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessOperatorLoad(MPI_Comm comm, const char filename[], PetscInt q, PetscInt kmodel, SNAGuessOperatorModel **op)
{
  hid_t          file;
  PetscErrorCode ierr = 0, worst;
  H5E_auto2_t    func;
  void          *data;
  PetscBool      has = PETSC_FALSE;

  PetscFunctionBegin;
  *op = NULL;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  file = H5Fopen(filename, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file >= 0) has = H5Lexists(file, OP_GROUP, H5P_DEFAULT) > 0 ? PETSC_TRUE : PETSC_FALSE;
  if (has) {
    PetscCall(PetscNew(op));
    ierr = ReadOperator_Local(file, filename, q, kmodel, *op); /* not PetscCall: close first */
  }
  if (file >= 0) H5Fclose(file);
  H5Eset_auto2(H5E_DEFAULT, func, data);
  PetscCall(MPIU_Allreduce(&ierr, &worst, 1, MPI_INT, MPI_MAX, comm));
  PetscCheck(!worst, comm, PETSC_ERR_FILE_UNEXPECTED, "Loading the reduced operator %s of the initial-guess model '%s' failed (see the message above)", OP_GROUP, filename);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessOperatorEvaluate(const SNAGuessOperatorModel *op, const PetscReal mu[], PetscInt kg, PetscScalar G[])
{
  PetscReal *theta;
  PetscInt   kk = op->k * op->k;

  PetscFunctionBegin;
  PetscCheck(kg <= op->k, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "The reduced-operator model has %" PetscInt_FMT " modes, %" PetscInt_FMT " requested", op->k, kg);
  /* any T the load accepts (at most SNAGUESS_OPERATOR_MAX_TERMS): evaluated once per new operator, so the allocation is
     nothing beside the T k^2 products */
  PetscCall(PetscMalloc1(op->T, &theta));
  MonomialValues(op->q, op->T, op->exponents, mu, theta);
  /* the leading kg x kg block, column-major for LAPACK */
  for (PetscInt j = 0; j < kg; j++) {
    PetscScalar *g = G + j * kg;
    for (PetscInt i = 0; i < kg; i++) g[i] = 0;
    for (PetscInt t = 0; t < op->T; t++) {
      const PetscReal *col = op->terms + t * kk + j * op->k, th = theta[t];
      for (PetscInt i = 0; i < kg; i++) g[i] += th * col[i];
    }
  }
  PetscCall(PetscFree(theta));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessOperatorDestroy(SNAGuessOperatorModel **op)
{
  PetscFunctionBegin;
  if (!*op) PetscFunctionReturn(0);
  PetscCall(PetscFree2((*op)->exponents, (*op)->terms));
  PetscCall(PetscFree(*op));
  PetscFunctionReturn(0);
}
