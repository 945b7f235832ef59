/* Model files of the "sna" KSPGuess: writing (for builders such as snaps-pod) and loading, with every
   check that keeps a model from giving a silent bad guess. Layout: see snaps/snaguess.h. */
#include <snaps/private/snaguessimpl.h>
#include <snaps/report.h>
#include <petsc/private/petscimpl.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define POD_GROUP "/pod"
#define RHS_GROUP "/rhs"

/* HDF5 error printing, silenced while we check files ourselves. */
typedef struct {
  H5E_auto2_t func;
  void       *data;
} H5Printing;

static void H5Silence(H5Printing *p)
{
  H5Eget_auto2(H5E_DEFAULT, &p->func, &p->data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void H5Restore(const H5Printing *p)
{
  H5Eset_auto2(H5E_DEFAULT, p->func, p->data);
}

/* ---------------------------------------------------------------- writing */

/* Rank 0: creates group name with its attributes, singular values and an empty k x n basis dataset. */
static PetscErrorCode CreateBasisGroup_Rank0(hid_t file, const char name[], PetscInt n, PetscInt k, PetscInt nsigma, const PetscReal sigma[], const SNAGuessModelData *m, hid_t *group, hid_t *dset)
{
  hsize_t        dims[2] = {(hsize_t)k, (hsize_t)n}, ns = (hsize_t)nsigma;
  hid_t          space;
  PetscErrorCode ierr = 0;

  PetscFunctionBegin;
  *dset  = -1;
  *group = H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(*group >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not create the group %s", name);
  ierr = SNAHDF5WriteAttributeInt(*group, "n_modes", k);
  if (!ierr) ierr = SNAHDF5WriteAttributeInt(*group, "n_snapshots", nsigma);
  if (!ierr && !strcmp(name, RHS_GROUP)) {
    hsize_t mdims[2] = {(hsize_t)m->k, (hsize_t)(k + 1)};
    ierr             = SNAHDF5WriteAttributeString(*group, "map", m->rhs_map ? "linear" : "sna");
    if (!ierr && m->rhs_map) ierr = SNAHDF5WriteArray(*group, "map", 2, mdims, m->rhs_map);
  }
  if (!ierr && !strcmp(name, POD_GROUP)) { /* the problem's identity lives in /pod */
    ierr = SNAHDF5WriteAttributeInt(*group, "snaps_format_version", SNAGUESS_FORMAT_VERSION);
    if (!ierr) ierr = SNAHDF5WriteAttributeInt(*group, "vector_size", n);
    if (!ierr) ierr = SNAHDF5WriteAttributeInt(*group, "n_params", m->sna->dim_in);
    if (!ierr) ierr = SNAHDF5WriteAttributeString(*group, "fingerprint", m->fingerprint);
    if (!ierr) ierr = SNAHDF5WriteAttributeString(*group, "ordering", "natural");
  }
  if (!ierr) ierr = SNAHDF5WriteArray(*group, "singular_values", 1, &ns, sigma);
  if (!ierr) {
    hid_t dcpl = SNAHDF5ArrayCreateProperties(2, dims); /* checksummed chunks */

    space = H5Screate_simple(2, dims, NULL);
    if (dcpl >= 0) *dset = H5Dcreate2(*group, "basis", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0) H5Pclose(dcpl);
    H5Sclose(space);
    if (*dset < 0) ierr = PETSC_ERR_FILE_WRITE;
  }
  PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not write the group %s", name);
  PetscFunctionReturn(0);
}

/* Writes one basis group: rank 0 creates it, then each vector is gathered to rank 0 and written as a
   row. Collective; returns the outcome (0 or an error code) on every rank instead of raising. */
static PetscErrorCode WriteBasisGroup(MPI_Comm comm, hid_t file, const char name[], PetscInt k, const Vec V[], PetscInt nsigma, const PetscReal sigma[], const SNAGuessModelData *m, PetscErrorCode *outcome)
{
  PetscMPIInt    rank;
  PetscInt       n;
  PetscErrorCode ierr  = 0;
  hid_t          group = -1, dset = -1;
  VecScatter     gather;
  Vec            whole;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(VecGetSize(V[0], &n));
  if (rank == 0) ierr = CreateBasisGroup_Rank0(file, name, n, k, nsigma, sigma, m, &group, &dset);
  PetscCall(VecScatterCreateToZero(V[0], &gather, &whole));
  for (PetscInt j = 0; j < k; j++) {
    PetscCall(VecScatterBegin(gather, V[j], whole, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(gather, V[j], whole, INSERT_VALUES, SCATTER_FORWARD));
    if (rank == 0 && !ierr) {
      hsize_t            start[2] = {(hsize_t)j, 0}, count[2] = {1, (hsize_t)n};
      hid_t              fspace = H5Dget_space(dset), mspace = H5Screate_simple(2, count, NULL);
      const PetscScalar *a;
      PetscCall(VecGetArrayRead(whole, &a));
      if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 || H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, a) < 0) ierr = PETSC_ERR_FILE_WRITE;
      PetscCall(VecRestoreArrayRead(whole, &a));
      H5Sclose(mspace);
      H5Sclose(fspace);
    }
  }
  PetscCall(VecScatterDestroy(&gather));
  PetscCall(VecDestroy(&whole));
  if (dset >= 0) H5Dclose(dset);
  if (group >= 0) H5Gclose(group);
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  *outcome = ierr;
  PetscFunctionReturn(0);
}

/* Checks that the parts of a model agree before anything is written. */
static PetscErrorCode CheckModelData(MPI_Comm comm, const SNAGuessModelData *m, PetscInt *n)
{
  PetscInt nj, din, dout;

  PetscFunctionBegin;
  PetscCheck(m->k >= 1 && m->basis, comm, PETSC_ERR_ARG_WRONG, "A model needs at least one POD mode");
  PetscCheck(m->sna, comm, PETSC_ERR_ARG_WRONG, "A model needs the SNA that maps parameters to POD coordinates");
  PetscCheck(SNAPSFingerprintIsValid(m->fingerprint), comm, PETSC_ERR_ARG_WRONG, "The fingerprint '%s' is not 16 hexadecimal digits", m->fingerprint);
  PetscCall(VecGetSize(m->basis[0], n));
  for (PetscInt j = 0; j < m->k; j++) {
    PetscCall(VecGetSize(m->basis[j], &nj));
    PetscCheck(nj == *n, comm, PETSC_ERR_ARG_SIZ, "POD mode %" PetscInt_FMT " has size %" PetscInt_FMT ", mode 0 %" PetscInt_FMT, j, nj, *n);
  }
  PetscCall(SNAGetSizes(m->sna, &din, &dout));
  PetscCheck(dout >= 1 && dout <= m->k, comm, PETSC_ERR_ARG_SIZ, "The SNA has %" PetscInt_FMT " outputs but there are %" PetscInt_FMT " POD modes (it may predict the leading ones only, not more)", dout, m->k);
  if (m->r > 0) {
    PetscCheck(m->rhs_basis && (m->rhs_map || m->rhs_sna) && !(m->rhs_map && m->rhs_sna), comm, PETSC_ERR_ARG_WRONG, "A model with right-hand-side modes needs their basis and either an affine map or an SNA");
    for (PetscInt j = 0; j < m->r; j++) {
      PetscCall(VecGetSize(m->rhs_basis[j], &nj));
      PetscCheck(nj == *n, comm, PETSC_ERR_ARG_SIZ, "Right-hand-side mode %" PetscInt_FMT " has size %" PetscInt_FMT ", the POD modes %" PetscInt_FMT, j, nj, *n);
    }
    if (m->rhs_sna) {
      PetscCall(SNAGetSizes(m->rhs_sna, &din, &dout));
      PetscCheck(din == m->r && dout == m->k, comm, PETSC_ERR_ARG_SIZ, "The right-hand-side SNA maps %" PetscInt_FMT " to %" PetscInt_FMT " values, not %" PetscInt_FMT " to %" PetscInt_FMT, din, dout, m->r, m->k);
    }
  }
  PetscFunctionReturn(0);
}

/*@C
  SNAGuessModelWrite - Writes a model file of the "sna" initial guess (/pod, /sna and, when m->r > 0, /rhs; the
  contract is in snaps/snaguess.h), atomically: a temporary file, then a rename

  Collective on the vectors' communicator; rank 0 writes

  Input Parameters:
+ filename - the file; an existing one is unchanged when the write fails
- m        - what the model holds (SNAGuessModelData), checked first

  Notes:
  A file that cannot be created raises PETSC_ERR_FILE_OPEN, a failed write PETSC_ERR_FILE_WRITE.

  Level: advanced

.seealso: KSPGUESSSNA, SNAGuessModelFitOperator()
@*/
PetscErrorCode SNAGuessModelWrite(const char filename[], const SNAGuessModelData *m)
{
  MPI_Comm       comm;
  PetscMPIInt    rank;
  char           tmp[PETSC_MAX_PATH_LEN];
  hid_t          file = -1;
  PetscInt       n;
  PetscErrorCode ierr = 0;
  H5Printing     printing;
  int            err = 0;

  PetscFunctionBegin;
  PetscValidCharPointer(filename, 1);
  PetscValidPointer(m, 2);
  PetscCall(PetscObjectGetComm((PetscObject)m->basis[0], &comm));
  PetscCall(CheckModelData(comm, m, &n));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(SNAPSTemporaryName(filename, tmp, sizeof(tmp)));
  PetscCallMPI(MPI_Bcast(tmp, (PetscMPIInt)sizeof(tmp), MPI_CHAR, 0, comm)); /* the name holds rank 0's pid */
  if (rank == 0) {
    H5Silence(&printing);
    PetscCall(SNAPSTemporaryCreate(tmp, NULL)); /* 0600, exclusive; a failure: H5Fcreate says so */
    file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0) {
      ierr = PETSC_ERR_FILE_OPEN;
      err  = errno;
      (void)unlink(tmp); /* on a full disk the file exists, empty, though HDF5 could not write its header */
    }
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  if (rank == 0 && ierr) H5Restore(&printing);
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_OPEN, "Cannot create the model file '%s' (temporary '%s'): %s", filename, tmp, err ? strerror(err) : "check that the directory exists and is writable");
  PetscCall(WriteBasisGroup(comm, file, POD_GROUP, m->k, m->basis, m->n_snapshots, m->sigma, m, &ierr));
  if (!ierr && m->r > 0) PetscCall(WriteBasisGroup(comm, file, RHS_GROUP, m->r, m->rhs_basis, m->rhs_n_snapshots, m->rhs_sigma, m, &ierr));
  if (rank == 0) {
    if (H5Fclose(file) < 0 && !ierr) ierr = PETSC_ERR_FILE_WRITE;
    H5Restore(&printing);
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  /* the SNAs go into the same temporary file; their own writers are collective with rank 0 writing */
  if (!ierr) ierr = SNASaveGroup(m->sna, tmp, "/sna", PETSC_TRUE);
  if (!ierr && m->rhs_sna) ierr = SNASaveGroup(m->rhs_sna, tmp, RHS_GROUP "/sna", PETSC_TRUE);
  PetscCall(SNAPSCommitTemporary(comm, tmp, filename, &ierr, &err));
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_WRITE, "Could not write the model file '%s'%s%s; any existing file is unchanged", filename, err ? ": " : "", err ? strerror(err) : "");
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- loading */

/* The attributes of the open group /pod. */
static PetscErrorCode ReadPodAttributes(hid_t pod, const char filename[], SNAGuessModel *m)
{
  PetscInt version;
  char     text[64];

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeInt(pod, "snaps_format_version", &version));
  PetscCheck(version >= 1 && version <= SNAGUESS_FORMAT_VERSION, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has initial-guess model format version %" PetscInt_FMT "; this SNAPS reads versions 1 to %d", filename, version, SNAGUESS_FORMAT_VERSION);
  PetscCall(SNAHDF5ReadAttributeInt(pod, "vector_size", &m->n));
  PetscCall(SNAHDF5ReadAttributeInt(pod, "n_params", &m->q));
  PetscCall(SNAHDF5ReadAttributeInt(pod, "n_modes", &m->k));
  PetscCall(SNAHDF5ReadAttributeInt(pod, "n_snapshots", &m->N));
  PetscCall(SNAHDF5ReadAttributeString(pod, "fingerprint", text, sizeof(text)));
  PetscCall(PetscStrncpy(m->fingerprint, text, sizeof(m->fingerprint)));
  PetscCall(SNAHDF5ReadAttributeString(pod, "ordering", m->ordering, sizeof(m->ordering)));
  PetscFunctionReturn(0);
}

/* The attributes of the open group /rhs. */
static PetscErrorCode ReadRhsAttributes(hid_t rhs, const char filename[], SNAGuessModel *m, PetscBool *linear)
{
  char text[64];

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeInt(rhs, "n_modes", &m->r));
  PetscCall(SNAHDF5ReadAttributeString(rhs, "map", text, sizeof(text)));
  PetscCall(PetscStrcmp(text, "linear", linear));
  PetscCheck(*linear || !strcmp(text, "sna"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': %s has map '%s'; this SNAPS knows 'linear' and 'sna'", filename, RHS_GROUP, text);
  PetscFunctionReturn(0);
}

/* Every rank: the attributes of /pod and, when present, /rhs. Returns an error code instead of
   raising, so that the caller can close the file and agree with the other ranks first; the groups
   are closed on every path (an open group keeps the file open). */
static PetscErrorCode ReadMetadata_Local(hid_t file, const char filename[], SNAGuessModel *m, PetscBool *hasrhs, PetscBool *linear)
{
  hid_t          group;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCheck(H5Lexists(file, POD_GROUP, H5P_DEFAULT) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no group %s: it is not a surrogate initial-guess model (build one with snaps-pod)", filename, POD_GROUP);
  group = H5Gopen2(file, POD_GROUP, H5P_DEFAULT);
  PetscCheck(group >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "HDF5 cannot open the group %s of '%s': corrupt model", POD_GROUP, filename);
  ierr = ReadPodAttributes(group, filename, m); /* not PetscCall: close the group first */
  H5Gclose(group);
  PetscCall(ierr);
  *hasrhs = H5Lexists(file, RHS_GROUP, H5P_DEFAULT) > 0 ? PETSC_TRUE : PETSC_FALSE;
  if (*hasrhs) {
    group = H5Gopen2(file, RHS_GROUP, H5P_DEFAULT);
    PetscCheck(group >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "HDF5 cannot open the group %s of '%s': corrupt model", RHS_GROUP, filename);
    ierr = ReadRhsAttributes(group, filename, m, linear);
    H5Gclose(group);
    PetscCall(ierr);
  }
  PetscFunctionReturn(0);
}

/* Columns [lo, hi) of the k x n dataset group/basis into *rows (see snaguessimpl.h). */
PetscErrorCode SNAGuessReadBasisColumns_Local(hid_t file, const char filename[], const char group[], PetscInt k, PetscInt n, PetscInt lo, PetscInt hi, PetscScalar **rows)
{
  char              name[64];
  hid_t             dset, fspace, mspace;
  hsize_t           dims[2] = {0, 0}, start[2] = {0, (hsize_t)lo}, count[2] = {(hsize_t)k, (hsize_t)(hi - lo)};
  int               rank = -1;
  herr_t            err  = -1;
  PetscInt          size, f[2] = {k, hi - lo};
  SNAHDF5ArrayState state    = SNA_HDF5_ARRAY_UNREADABLE;
  PetscBool         checksum = PETSC_FALSE;

  PetscFunctionBegin;
  *rows = NULL;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s/basis", group));
  PetscCheck(H5Lexists(file, name, H5P_DEFAULT) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no dataset %s: corrupt model", filename, name);
  dset = H5Dopen2(file, name, H5P_DEFAULT);
  if (dset >= 0) state = SNAHDF5InspectArray(dset, 2, &rank, dims);
  if (dset < 0 || state != SNA_HDF5_ARRAY_OK || rank != 2 || dims[0] != (hsize_t)k || dims[1] != (hsize_t)n) {
    if (dset >= 0) H5Dclose(dset);
    PetscCheck(state != SNA_HDF5_ARRAY_RANK, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': dataset %s has rank %d; expected 2 (n_modes x vector_size): corrupt model", filename, name, rank);
    PetscCheck(rank == 2 && dims[0] == (hsize_t)k && dims[1] == (hsize_t)n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': %s should be %" PetscInt_FMT " x %" PetscInt_FMT " (n_modes x vector_size) but is not: corrupt model", filename, name, k, n);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': dataset %s (%llu x %llu) %s", filename, name, (unsigned long long)dims[0], (unsigned long long)dims[1], SNAHDF5ArrayStateText(state));
  }
  PetscCall(SNAHDF5SizeProduct("basis entries (n_modes x vector_size)", 2, f, &size));
  PetscCall(PetscMalloc1(size + 1, rows));
  fspace = H5Dget_space(dset);
  mspace = H5Screate_simple(2, count, NULL);
  if (fspace >= 0 && mspace >= 0 && H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0) err = H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, *rows);
  if (err < 0) checksum = SNAHDF5ChecksumFailed();
  if (mspace >= 0) H5Sclose(mspace);
  if (fspace >= 0) H5Sclose(fspace);
  H5Dclose(dset);
  if (err < 0) PetscCall(PetscFree(*rows));
  PetscCheck(!checksum, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': dataset %s fails its checksum: the file is corrupt (changed since it was written); restore it from a copy or build it again with snaps-pod", filename, name);
  PetscCheck(err >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': HDF5 cannot read %s as float64", filename, name);
  for (PetscInt i = 0; i < size; i++) {
    if (PetscIsInfOrNanScalar((*rows)[i])) {
      PetscCall(PetscFree(*rows));
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': %s contains NaN or Inf: corrupt model", filename, name);
    }
  }
  PetscFunctionReturn(0);
}

/* The worst outcome of all ranks (0: every rank loaded its part), for a rank whose part loaded to free it first. */
static PetscErrorCode WorstFailure(MPI_Comm comm, PetscErrorCode ierr, PetscErrorCode *worst)
{
  PetscFunctionBegin;
  PetscCall(MPIU_Allreduce(&ierr, worst, 1, MPI_INT, MPI_MAX, comm));
  PetscFunctionReturn(0);
}

/* Raises the worst outcome of all ranks (WorstFailure()) on comm. */
static PetscErrorCode RaiseFailure(MPI_Comm comm, PetscErrorCode worst, const char filename[], const char what[])
{
  PetscFunctionBegin;
  PetscCheck(!worst, comm, PETSC_ERR_FILE_UNEXPECTED, "Loading the %s of the initial-guess model '%s' failed (see the message above)", what, filename);
  PetscFunctionReturn(0);
}

/* Makes ierr the worst outcome of all ranks and raises it on comm. */
static PetscErrorCode AgreeOnFailure(MPI_Comm comm, PetscErrorCode ierr, const char filename[], const char what[])
{
  PetscErrorCode worst;

  PetscFunctionBegin;
  PetscCall(WorstFailure(comm, ierr, &worst));
  PetscCall(RaiseFailure(comm, worst, filename, what));
  PetscFunctionReturn(0);
}

/* Reads the k modes of group into a basis of global vectors, through the natural ordering. Collective. */
static PetscErrorCode LoadBasis(MPI_Comm comm, const char filename[], const char group[], PetscInt k, PetscInt n, SNAPSNatural nat, SNAGuessBasis *B)
{
  Vec            nv;
  PetscInt       lo, hi;
  PetscScalar   *rows = NULL, *a;
  PetscErrorCode ierr = 0, worst;
  H5Printing     printing;
  hid_t          file;

  PetscFunctionBegin;
  PetscCall(SNAPSNaturalCreateVec(nat, &nv));
  PetscCall(VecGetOwnershipRange(nv, &lo, &hi));
  H5Silence(&printing);
  file = H5Fopen(filename, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) ierr = PETSC_ERR_FILE_OPEN;
  if (!ierr) ierr = SNAGuessReadBasisColumns_Local(file, filename, group, k, n, lo, hi, &rows); /* not PetscCall: close first */
  if (file >= 0) H5Fclose(file);
  H5Restore(&printing);
  PetscCall(WorstFailure(comm, ierr, &worst));
  if (worst) { /* also where this rank's columns loaded and another rank's did not (a NaN in its columns) */
    PetscCall(PetscFree(rows));
    PetscCall(VecDestroy(&nv));
  }
  PetscCall(RaiseFailure(comm, worst, filename, group));
  PetscCall(SNAGuessBasisCreate(nat, k, B));
  for (PetscInt j = 0; j < k; j++) {
    PetscCall(VecGetArray(nv, &a));
    PetscCall(PetscArraycpy(a, rows + j * (hi - lo), hi - lo));
    PetscCall(VecRestoreArray(nv, &a));
    PetscCall(SNAPSNaturalNaturalToGlobal(nat, nv, B->v[j]));
  }
  PetscCall(PetscFree(rows));
  PetscCall(VecDestroy(&nv));
  PetscFunctionReturn(0);
}

/* Loads an SNA from group on PETSC_COMM_SELF (every rank evaluates it alone) and checks its sizes:
   din inputs and between doutmin and doutmax outputs (returned in dout, which may be NULL). */
static PetscErrorCode LoadSNA(MPI_Comm comm, const char filename[], const char group[], PetscInt din, PetscInt doutmin, PetscInt doutmax, SNA *sna, PetscInt *dout)
{
  PetscErrorCode ierr;
  PetscInt       d, q;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_SELF, sna));
  ierr = SNALoadGroup(*sna, filename, group); /* not PetscCall: agree with the other ranks first */
  PetscCall(AgreeOnFailure(comm, ierr, filename, group));
  PetscCall(SNAGetSizes(*sna, &d, &q));
  PetscCheck(d == din && q >= doutmin && q <= doutmax, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s': the SNA %s maps %" PetscInt_FMT " inputs to %" PetscInt_FMT " outputs but the model needs %" PetscInt_FMT " inputs and %s%" PetscInt_FMT " outputs: corrupt model", filename, group, d, q, din, doutmin == doutmax ? "" : "at most ", doutmax);
  if (dout) *dout = q;
  PetscFunctionReturn(0);
}

/* Reads the affine map /rhs/map (k x (r + 1)) on every rank. Collective. */
static PetscErrorCode LoadMap(MPI_Comm comm, const char filename[], SNAGuessModel *m)
{
  hsize_t        dims[2] = {(hsize_t)m->k, (hsize_t)(m->r + 1)};
  PetscErrorCode ierr    = PETSC_ERR_FILE_OPEN;
  H5Printing     printing;
  hid_t          file;
  PetscInt       f[2] = {m->k, m->r + 1}, size = 0;

  PetscFunctionBegin;
  H5Silence(&printing);
  file = H5Fopen(filename, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file >= 0) { /* not PetscCall: close first */
    ierr = SNAHDF5SizeProduct("entries of the right-hand-side map (n_modes x (rhs n_modes + 1))", 2, f, &size);
    if (!ierr) ierr = SNAHDF5CheckArray(file, RHS_GROUP "/map", 2, dims);
    if (!ierr) ierr = PetscMalloc1(size, &m->rhs_map);
    if (!ierr) ierr = SNAHDF5ReadArray(file, RHS_GROUP "/map", 2, dims, m->rhs_map);
    H5Fclose(file);
  }
  H5Restore(&printing);
  PetscCall(AgreeOnFailure(comm, ierr, filename, RHS_GROUP "/map"));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessModelLoad(MPI_Comm comm, const char filename[], SNAPSNatural nat, PetscInt n, SNAGuessModel *m)
{
  PetscErrorCode ierr   = 0;
  PetscBool      hasrhs = PETSC_FALSE, linear = PETSC_FALSE, natural;
  PetscMPIInt    rank;
  H5Printing     printing;
  hid_t          file = -1;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(m, sizeof(*m)));
  {
    int err = access(filename, R_OK) ? errno : 0;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_MAX, comm));
    PetscCheck(!err, comm, PETSC_ERR_FILE_OPEN, "Cannot open the initial-guess model '%s': %s", filename, strerror(err));
  }
  H5Silence(&printing);
  if (H5Fis_hdf5(filename) > 0) file = H5Fopen(filename, H5F_ACC_RDONLY, H5P_DEFAULT);
  H5Restore(&printing);
  if (file < 0) ierr = PETSC_ERR_FILE_UNEXPECTED;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ierr, 1, MPI_INT, MPI_MAX, comm));
  if (file >= 0 && ierr) H5Fclose(file);
  PetscCheck(ierr != PETSC_ERR_FILE_UNEXPECTED, comm, PETSC_ERR_FILE_UNEXPECTED, "The initial-guess model '%s' is not an HDF5 file, or it is corrupt", filename);
  /* rank 0 reads the attributes (so that a wrong file gives one message, not one per rank) */
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  H5Silence(&printing);
  if (rank == 0) ierr = ReadMetadata_Local(file, filename, m, &hasrhs, &linear); /* not PetscCall: close first */
  H5Fclose(file);
  H5Restore(&printing);
  PetscCall(AgreeOnFailure(comm, ierr, filename, "group " POD_GROUP));
  {
    PetscInt sizes[7] = {m->n, m->q, m->k, m->N, m->r, hasrhs, linear};
    PetscCallMPI(MPI_Bcast(sizes, 7, MPIU_INT, 0, comm));
    PetscCallMPI(MPI_Bcast(m->fingerprint, sizeof(m->fingerprint), MPI_CHAR, 0, comm));
    PetscCallMPI(MPI_Bcast(m->ordering, sizeof(m->ordering), MPI_CHAR, 0, comm));
    m->n   = sizes[0];
    m->q   = sizes[1];
    m->k   = sizes[2];
    m->N   = sizes[3];
    m->r   = sizes[4];
    hasrhs = sizes[5] ? PETSC_TRUE : PETSC_FALSE;
    linear = sizes[6] ? PETSC_TRUE : PETSC_FALSE;
  }
  PetscCheck(m->n == n, comm, PETSC_ERR_ARG_SIZ, "The initial-guess model '%s' was trained for vectors of size %" PetscInt_FMT " but the linear system has size %" PetscInt_FMT " (another mesh or discretisation?)", filename, m->n, n);
  PetscCheck(m->k >= 1 && m->k <= PetscMax(m->N, 1) && m->q >= 1 && (!hasrhs || m->r >= 1), comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' declares implausible sizes (%" PetscInt_FMT " modes of %" PetscInt_FMT " snapshots, %" PetscInt_FMT " parameters, %" PetscInt_FMT " right-hand-side modes): corrupt model", filename, m->k, m->N, m->q, m->r);
  PetscCall(PetscStrcmp(m->ordering, "natural", &natural));
  PetscCheck(natural, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' stores its vectors in the ordering '%s'; this SNAPS reads 'natural'", filename, m->ordering);
  PetscCall(LoadBasis(comm, filename, POD_GROUP, m->k, n, nat, &m->V));
  PetscCall(LoadSNA(comm, filename, "/sna", m->q, 1, m->k, &m->sna, &m->ks));
  PetscCall(SNAGuessOperatorLoad(comm, filename, m->q, m->k, &m->op));
  if (hasrhs) {
    PetscCall(LoadBasis(comm, filename, RHS_GROUP, m->r, n, nat, &m->W));
    if (linear)
      PetscCall(LoadMap(comm, filename, m));
    else
      PetscCall(LoadSNA(comm, filename, RHS_GROUP "/sna", m->r, m->k, m->k, &m->rhs_sna, NULL));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode SNAGuessModelDestroy(SNAGuessModel *m)
{
  PetscFunctionBegin;
  PetscCall(SNAGuessBasisDestroy(&m->V));
  PetscCall(SNAGuessBasisDestroy(&m->W));
  PetscCall(PetscFree(m->rhs_map));
  PetscCall(SNADestroy(&m->sna));
  PetscCall(SNADestroy(&m->rhs_sna));
  PetscCall(SNAGuessOperatorDestroy(&m->op));
  PetscCall(PetscMemzero(m, sizeof(*m)));
  PetscFunctionReturn(0);
}
