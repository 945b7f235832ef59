/* HDF5 model files. Layout (readable with h5py, no SNAPS needed):
     /sna                 group (or any group given to SNASaveGroup()/SNALoadGroup()); attributes snaps_format_version, snaps_version, type,
                          dim_in, dim_out, n_params
     /sna/lower, /upper   input box, float64 (d)
     /sna/...             the type's own attributes and datasets (see impls/<type>/)
   Saving writes a temporary file next to the target and renames it, so an existing model is
   never left half-written. Loading validates every size, and rejects NaN/Inf coefficients. */
#include <snaps/private/snaimpl.h>
#include <snaps/version.h>
#include <snaps/report.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>

#define SNA_MODEL_GROUP "/sna"

/* Writes a scalar integer attribute. */
PetscErrorCode SNAHDF5WriteAttributeInt(hid_t loc, const char name[], PetscInt value)
{
  long long v     = (long long)value;
  hid_t     space = H5Screate(H5S_SCALAR), attr;
  herr_t    err;

  PetscFunctionBegin;
  attr = H5Acreate2(loc, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  err  = attr < 0 ? -1 : H5Awrite(attr, H5T_NATIVE_LLONG, &v);
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  PetscCheck(err >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not write attribute '%s'", name);
  PetscFunctionReturn(0);
}

/* Writes a scalar float64 attribute. */
PetscErrorCode SNAHDF5WriteAttributeReal(hid_t loc, const char name[], PetscReal value)
{
  double v     = (double)value;
  hid_t  space = H5Screate(H5S_SCALAR), attr;
  herr_t err;

  PetscFunctionBegin;
  attr = H5Acreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  err  = attr < 0 ? -1 : H5Awrite(attr, H5T_NATIVE_DOUBLE, &v);
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  PetscCheck(err >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not write attribute '%s'", name);
  PetscFunctionReturn(0);
}

/* Writes a fixed-length ASCII string attribute (h5py reads it as bytes). */
PetscErrorCode SNAHDF5WriteAttributeString(hid_t loc, const char name[], const char value[])
{
  hid_t  space = H5Screate(H5S_SCALAR), type = H5Tcopy(H5T_C_S1), attr;
  herr_t err;

  PetscFunctionBegin;
  H5Tset_size(type, strlen(value) + 1);
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  err  = attr < 0 ? -1 : H5Awrite(attr, type, value);
  if (attr >= 0) H5Aclose(attr);
  H5Tclose(type);
  H5Sclose(space);
  PetscCheck(err >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not write attribute '%s'", name);
  PetscFunctionReturn(0);
}

/* Number of elements of an attribute (1 for a scalar), or -1 if HDF5 cannot tell. */
static hssize_t AttributeCount(hid_t attr)
{
  hid_t    space = H5Aget_space(attr);
  hssize_t n     = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;

  if (space >= 0) H5Sclose(space);
  return n;
}

/* Reads a scalar integer attribute; missing or non-integer attributes are errors. */
/* Reads one scalar attribute that exists into buf as memtype: an integer one, or with real also a floating-point
   one; a negative result when it is another kind or not a scalar. */
static herr_t ReadScalarAttribute(hid_t loc, const char name[], PetscBool real, hid_t memtype, void *buf)
{
  hid_t       attr = H5Aopen(loc, name, H5P_DEFAULT), type = attr >= 0 ? H5Aget_type(attr) : -1;
  H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
  herr_t      err = -1;

  if ((cls == H5T_INTEGER || (real && cls == H5T_FLOAT)) && AttributeCount(attr) == 1) err = H5Aread(attr, memtype, buf);
  if (type >= 0) H5Tclose(type);
  if (attr >= 0) H5Aclose(attr);
  return err;
}

/* "In 'file' (group /g): " for the messages about loc's attributes and datasets (loc: a file, group or dataset),
   or "" where HDF5 cannot tell: a program reading many files (snaps-rollout-fit's -trajectories, a model's 168
   heads) must say which one is corrupt, and PETSc prints only the first message of an error in full. */
static const char *Where(hid_t loc, char buf[], size_t len)
{
  char    file[PETSC_MAX_PATH_LEN], group[256];
  ssize_t nf = H5Fget_name(loc, file, sizeof(file)), ng = H5Iget_name(loc, group, sizeof(group));

  buf[0] = 0;
  if (nf <= 0 || (size_t)nf >= sizeof(file)) return buf;
  if (ng > 1 && (size_t)ng < sizeof(group) && group[0] == '/')
    snprintf(buf, len, "In '%s' (%s): ", file, group);
  else
    snprintf(buf, len, "In '%s': ", file);
  return buf;
}

PetscErrorCode SNAHDF5ReadAttributeInt(hid_t loc, const char name[], PetscInt *value)
{
  long long v = 0;
  char      w[PETSC_MAX_PATH_LEN + 300];

  PetscFunctionBegin;
  PetscCheck(H5Aexists(loc, name) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThere is no attribute '%s'", Where(loc, w, sizeof(w)), name);
  PetscCheck(ReadScalarAttribute(loc, name, PETSC_FALSE, H5T_NATIVE_LLONG, &v) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 attribute '%s' is not a readable integer", Where(loc, w, sizeof(w)), name);
  PetscCheck(v >= PETSC_MIN_INT && v <= PETSC_MAX_INT, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 attribute '%s' = %lld is out of range", Where(loc, w, sizeof(w)), name, v);
  *value = (PetscInt)v;
  PetscFunctionReturn(0);
}

/* Reads a scalar floating-point (or integer) attribute; rejects NaN and Inf. */
PetscErrorCode SNAHDF5ReadAttributeReal(hid_t loc, const char name[], PetscReal *value)
{
  double v = 0;
  char   w[PETSC_MAX_PATH_LEN + 300];

  PetscFunctionBegin;
  PetscCheck(H5Aexists(loc, name) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThere is no attribute '%s'", Where(loc, w, sizeof(w)), name);
  PetscCheck(ReadScalarAttribute(loc, name, PETSC_TRUE, H5T_NATIVE_DOUBLE, &v) >= 0 && (PetscIsNormalReal(v) || v == 0), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe attribute '%s' is not a readable finite number", Where(loc, w, sizeof(w)), name);
  *value = (PetscReal)v;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAHDF5ReadAttributeIntDefault(hid_t loc, const char name[], PetscInt def, PetscInt *value)
{
  PetscFunctionBegin;
  *value = def;
  if (H5Aexists(loc, name) > 0) PetscCall(SNAHDF5ReadAttributeInt(loc, name, value));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAHDF5ReadAttributeRealDefault(hid_t loc, const char name[], PetscReal def, PetscReal *value)
{
  PetscFunctionBegin;
  *value = def;
  if (H5Aexists(loc, name) > 0) PetscCall(SNAHDF5ReadAttributeReal(loc, name, value));
  PetscFunctionReturn(0);
}

PetscErrorCode SNAHDF5ReadAttributeStringDefault(hid_t loc, const char name[], const char def[], char value[], size_t len)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(value, def, len));
  if (H5Aexists(loc, name) > 0) PetscCall(SNAHDF5ReadAttributeString(loc, name, value, len));
  PetscFunctionReturn(0);
}

/* Copies text into value[len] when it fits (with its terminating zero); otherwise sets *toolong. */
static void CopyIfFits(const char text[], char value[], size_t len, PetscBool *toolong)
{
  *toolong = strlen(text) >= len ? PETSC_TRUE : PETSC_FALSE;
  if (!*toolong) strcpy(value, text);
}

/* A variable-length string attribute (what h5py writes for `attrs[name] = "text"`) into value[len]; the library's
   copy is freed with H5free_memory. Sets *err < 0 when it cannot be read, *toolong when it does not fit. */
static void ReadVariableString(hid_t attr, hid_t type, char value[], size_t len, herr_t *err, PetscBool *toolong)
{
  hid_t mem  = H5Tcopy(H5T_C_S1);
  char *text = NULL;

  *err = mem >= 0 ? H5Tset_size(mem, H5T_VARIABLE) : -1;
  if (*err >= 0) *err = H5Tset_cset(mem, H5Tget_cset(type)); /* h5py writes UTF-8; HDF5 converts no character set */
  if (*err >= 0) *err = H5Aread(attr, mem, &text);
  if (*err >= 0 && text)
    CopyIfFits(text, value, len, toolong);
  else if (*err >= 0)
    *err = -1; /* a null string: nothing to read */
  if (text) H5free_memory(text);
  if (mem >= 0) H5Tclose(mem);
}

/* A fixed-length string attribute into value[len]: read whole (its declared size may exceed len with a short text
   inside, e.g. numpy's S256), then copied if its text fits. Sizes above 1 MiB are not read (a hostile declaration). */
static void ReadFixedString(hid_t attr, hid_t type, char value[], size_t len, herr_t *err, PetscBool *toolong)
{
  size_t size = H5Tget_size(type);
  hid_t  mem  = -1;
  char  *text = size > 0 && size <= ((size_t)1 << 20) ? calloc(size + 1, 1) : NULL;

  *err = text ? 0 : -1;
  if (!text && size > ((size_t)1 << 20)) *toolong = PETSC_TRUE;
  if (*err >= 0) *err = (mem = H5Tcopy(H5T_C_S1)) >= 0 ? H5Tset_size(mem, size + 1) : -1;
  if (*err >= 0) *err = H5Tset_strpad(mem, H5T_STR_NULLTERM);
  if (*err >= 0) *err = H5Tset_cset(mem, H5Tget_cset(type));
  if (*err >= 0) *err = H5Aread(attr, mem, text);
  if (*err >= 0) CopyIfFits(text, value, len, toolong);
  if (mem >= 0) H5Tclose(mem);
  free(text);
}

/* Reads a string attribute, fixed-length (as SNAPS writes them) or variable-length (as h5py writes them), into
   value[len]. One string only: H5Aread writes every element of an array of strings, which value[] could not hold. */
PetscErrorCode SNAHDF5ReadAttributeString(hid_t loc, const char name[], char value[], size_t len)
{
  hid_t     attr, type;
  herr_t    err     = -1;
  PetscBool toolong = PETSC_FALSE;
  hssize_t  count;
  char      w[PETSC_MAX_PATH_LEN + 300];

  PetscFunctionBegin;
  PetscCheck(H5Aexists(loc, name) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThere is no attribute '%s'", Where(loc, w, sizeof(w)), name);
  attr  = H5Aopen(loc, name, H5P_DEFAULT);
  type  = attr >= 0 ? H5Aget_type(attr) : -1;
  count = attr >= 0 ? AttributeCount(attr) : -1;
  if (count != 1 && type >= 0 && H5Tget_class(type) == H5T_STRING) {
    H5Tclose(type);
    H5Aclose(attr);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 attribute '%s' is an array of %lld strings; expected a single string: corrupt file", Where(loc, w, sizeof(w)), name, (long long)count);
  }
  memset(value, 0, len);
  if (type >= 0 && count == 1 && H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0)
    ReadVariableString(attr, type, value, len, &err, &toolong);
  else if (type >= 0 && count == 1 && H5Tget_class(type) == H5T_STRING)
    ReadFixedString(attr, type, value, len, &err, &toolong);
  if (type >= 0) H5Tclose(type);
  if (attr >= 0) H5Aclose(attr);
  PetscCheck(!toolong, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 attribute '%s' is longer than the %zu characters it may hold: corrupt file", Where(loc, w, sizeof(w)), name, len - 1);
  PetscCheck(err >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 attribute '%s' is not a readable string", Where(loc, w, sizeof(w)), name);
  PetscFunctionReturn(0);
}

/* Largest chunk SNAHDF5ArrayCreateProperties() makes: whole model arrays in one chunk, large
   datasets cut into pieces that HDF5 checksums and reads one at a time. */
#define SNA_HDF5_CHUNK_BYTES ((hsize_t)1 << 20)
/* No HDF5 filter applied to data SNAPS reads compresses float64 more than deflate's bound of 1032:1
   (all-zero input); filtered data stored in fewer bytes are declared, not held. */
#define SNA_HDF5_MAX_COMPRESSION 1032

hid_t SNAHDF5ArrayCreateProperties(int rank, const hsize_t dims[])
{
  hid_t   dcpl  = H5Pcreate(H5P_DATASET_CREATE);
  hsize_t bytes = sizeof(double), chunk[SNA_HDF5_MAX_RANK];

  if (dcpl < 0 || rank < 1 || rank > SNA_HDF5_MAX_RANK) return dcpl;
  for (int r = 0; r < rank; r++) {
    if (!dims[r]) return dcpl; /* no elements: nothing to checksum, and HDF5 has no zero-size chunks */
    chunk[r] = dims[r];
    bytes *= dims[r];
  }
  for (int r = 0; r < rank && bytes > SNA_HDF5_CHUNK_BYTES; r++) { /* cut along the leading dimensions */
    hsize_t slice = bytes / chunk[r];

    chunk[r] = PetscMax(SNA_HDF5_CHUNK_BYTES / slice, 1);
    bytes    = slice * chunk[r];
  }
  if (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_fletcher32(dcpl) < 0) {
    H5Pclose(dcpl);
    return -1;
  }
  return dcpl;
}

static herr_t ChecksumWalk(unsigned n, const H5E_error2_t *e, void *found)
{
  (void)n;
  if (e->desc && strstr(e->desc, "checksum")) *(PetscBool *)found = PETSC_TRUE;
  return 0;
}

PetscBool SNAHDF5ChecksumFailed(void)
{
  PetscBool found = PETSC_FALSE;

  (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, ChecksumWalk, &found);
  return found;
}

/* Writes a float64 dataset of the given rank and shape, checksummed (see SNAHDF5ArrayCreateProperties()). */
PetscErrorCode SNAHDF5WriteArray(hid_t loc, const char name[], PetscInt rank, const hsize_t dims[], const PetscReal data[])
{
  hid_t  space = H5Screate_simple((int)rank, dims, NULL), dcpl = SNAHDF5ArrayCreateProperties((int)rank, dims), dset = -1;
  herr_t err = -1;

  PetscFunctionBegin;
  if (dcpl >= 0) dset = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (dset >= 0) err = H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  if (dset >= 0) H5Dclose(dset);
  if (dcpl >= 0) H5Pclose(dcpl);
  H5Sclose(space);
  PetscCheck(err >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 could not write dataset '%s'", name);
  PetscFunctionReturn(0);
}

/* Elements of a shape in *count; false if the product overflows. */
static PetscBool ShapeCount(int rank, const hsize_t dims[], hsize_t *count)
{
  *count = 1;
  for (int r = 0; r < rank; r++) {
    if (dims[r] && *count > HSIZE_UNDEF / 2 / dims[r]) return PETSC_FALSE;
    *count *= dims[r];
  }
  return PETSC_TRUE;
}

/* Whether the dataset's filters may compress (anything beyond checksums and byte shuffling). */
static PetscBool Compressed(hid_t dcpl)
{
  const int nf = H5Pget_nfilters(dcpl);

  for (int i = 0; i < nf; i++) {
    unsigned     flags;
    size_t       nvalues = 0;
    H5Z_filter_t id      = H5Pget_filter2(dcpl, (unsigned)i, &flags, &nvalues, NULL, 0, NULL, NULL);

    if (id != H5Z_FILTER_FLETCHER32 && id != H5Z_FILTER_SHUFFLE) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

/* The chunk grid of a chunked dataset: chunk[] (elements per chunk, each > 0), count[] (chunks along
   each dimension to cover the extent) and their product *nchunks. False if not chunked or corrupt. */
static PetscBool ChunkGrid(hid_t dcpl, int rank, const hsize_t dims[], hsize_t chunk[], hsize_t count[], hsize_t *nchunks)
{
  if (H5Pget_layout(dcpl) != H5D_CHUNKED || H5Pget_chunk(dcpl, rank, chunk) != rank) return PETSC_FALSE;
  for (int r = 0; r < rank; r++) {
    if (!chunk[r]) return PETSC_FALSE;
    count[r] = dims[r] / chunk[r] + (dims[r] % chunk[r] != 0);
  }
  return ShapeCount(rank, count, nchunks);
}

/* Bytes a dataset of this shape and element size takes uncompressed in the file, in *bytes: its
   elements or, chunked, every chunk that covers its extent (a chunk is stored whole, and HDF5 reads a
   chunk of the size the layout declares). False if that overflows. */
static PetscBool StoredBytes(hid_t dcpl, int rank, const hsize_t dims[], size_t esize, hsize_t *bytes)
{
  hsize_t chunk[SNA_HDF5_MAX_RANK], count[SNA_HDF5_MAX_RANK], nchunks, chunkelems;

  if (!ShapeCount(rank, dims, bytes) || *bytes > HSIZE_UNDEF / 2 / esize) return PETSC_FALSE;
  *bytes *= esize;
  if (H5Pget_layout(dcpl) != H5D_CHUNKED) return PETSC_TRUE;
  if (!ChunkGrid(dcpl, rank, dims, chunk, count, &nchunks) || !ShapeCount(rank, chunk, &chunkelems) || chunkelems > HSIZE_UNDEF / 2 / esize) return PETSC_FALSE;
  chunkelems *= esize;
  if (nchunks && chunkelems > HSIZE_UNDEF / 2 / nchunks) return PETSC_FALSE;
  *bytes = nchunks * chunkelems;
  return PETSC_TRUE;
}

/* Whether a chunked dataset's chunk index matches its layout: no more chunks than cover the extent and,
   unfiltered, every stored chunk exactly one chunk's bytes. HDF5 1.10 trusts a corrupt index: it reads
   an unfiltered chunk's declared bytes out of a buffer of the size the index records. Call after
   StoredBytes() succeeded (the grid and the chunk's bytes do not overflow). */
static PetscBool ChunksMatchLayout(hid_t dset, hid_t dcpl, int rank, const hsize_t dims[], size_t esize)
{
  hsize_t chunk[SNA_HDF5_MAX_RANK], count[SNA_HDF5_MAX_RANK], offset[SNA_HDF5_MAX_RANK], nchunks, stored = 0, bytes = esize;
  hid_t   space;
  herr_t  err;

  if (H5Pget_layout(dcpl) != H5D_CHUNKED) return PETSC_TRUE;
  if (!ChunkGrid(dcpl, rank, dims, chunk, count, &nchunks)) return PETSC_FALSE;
  space = H5Dget_space(dset); /* HDF5 1.10 refuses H5S_ALL here; it counts every chunk whatever the selection */
  err   = space >= 0 ? H5Dget_num_chunks(dset, space, &stored) : -1;
  if (space >= 0) H5Sclose(space);
  if (err < 0 || stored > nchunks) return PETSC_FALSE;
  if (H5Pget_nfilters(dcpl) > 0) return PETSC_TRUE; /* a filtered chunk is decoded into a buffer the filter sizes */
  for (int r = 0; r < rank; r++) bytes *= chunk[r];
  for (hsize_t i = 0; i < nchunks; i++) {
    unsigned mask;
    haddr_t  addr;
    hsize_t  size, rest = i;

    for (int r = rank - 1; r >= 0; r--) {
      offset[r] = rest % count[r] * chunk[r];
      rest /= count[r];
    }
    if (H5Dget_chunk_info_by_coord(dset, offset, &mask, &addr, &size) < 0) return PETSC_FALSE;
    if (addr != HADDR_UNDEF && (size != bytes || mask)) return PETSC_FALSE;
  }
  return PETSC_TRUE;
}

/* Whether the file holds the data of a dataset of this shape: uncompressed, every byte (every chunk
   whole); compressed, no more compressed than any filter can. Fill values of unwritten storage are not
   data. A declared chunk larger than what the file stores is refused here, before HDF5 reads it (HDF5
   1.10 reads past its buffers on such a layout). */
static SNAHDF5ArrayState StorageState(hid_t dset, hid_t dcpl, int rank, const hsize_t dims[], size_t esize)
{
  hsize_t n, bytes;

  if (H5Pget_layout(dcpl) == H5D_VIRTUAL || H5Pget_external_count(dcpl) > 0) return SNA_HDF5_ARRAY_EXTERNAL;
  if (!ShapeCount(rank, dims, &n) || !StoredBytes(dcpl, rank, dims, esize, &bytes)) return SNA_HDF5_ARRAY_NO_DATA;
  if (n == 0) return SNA_HDF5_ARRAY_OK;
  if (H5Dget_storage_size(dset) < (Compressed(dcpl) ? bytes / SNA_HDF5_MAX_COMPRESSION : bytes)) return SNA_HDF5_ARRAY_NO_DATA;
  return ChunksMatchLayout(dset, dcpl, rank, dims, esize) ? SNA_HDF5_ARRAY_OK : SNA_HDF5_ARRAY_BAD_CHUNKS;
}

/* The first filter of a dataset's pipeline that this HDF5 library cannot apply (H5Zfilter_avail(), which also looks
   for a plugin on HDF5_PLUGIN_PATH), as "HDF5 filter 32000 (lzf)" in text (may be NULL); false if each one is available.
   h5py's compression='lzf' is the usual one: the LZF filter ships with h5py, not with the HDF5 library. */
static PetscBool MissingFilter(hid_t dcpl, char text[], size_t len)
{
  static const struct {
    H5Z_filter_t id;
    const char  *name;
  } known[] = {
      {32000, "lzf"},
      {32001, "blosc"},
      {32004, "lz4"},
      {32008, "bitshuffle"},
      {32015, "zstd"},
      {307, "bzip2"},
      {4, "szip"}};
  const int nf    = H5Pget_nfilters(dcpl);
  PetscBool found = PETSC_FALSE;

  H5E_BEGIN_TRY
  {
    for (int i = 0; i < nf && !found; i++) {
      unsigned     flags;
      size_t       nvalues  = 0;
      char         name[64] = "";
      H5Z_filter_t id       = H5Pget_filter2(dcpl, (unsigned)i, &flags, &nvalues, NULL, sizeof(name), name, NULL);

      if (id < 0 || H5Zfilter_avail(id) > 0) continue;
      found                  = PETSC_TRUE;
      name[sizeof(name) - 1] = 0;
      for (size_t k = 0; !name[0] && k < sizeof(known) / sizeof(known[0]); k++)
        if (known[k].id == id) (void)snprintf(name, sizeof(name), "%s", known[k].name);
      if (text) (void)snprintf(text, len, "HDF5 filter %d (%s)", (int)id, name[0] ? name : "unnamed");
    }
  }
  H5E_END_TRY;
  return found;
}

PetscBool SNAHDF5MissingFilterText(hid_t dset, char text[], size_t len)
{
  hid_t     dcpl = H5Dget_create_plist(dset);
  char      filter[96];
  PetscBool missing = (PetscBool)(dcpl >= 0 && MissingFilter(dcpl, filter, sizeof(filter)));

  if (dcpl >= 0) H5Pclose(dcpl);
  if (missing) (void)snprintf(text, len, "is compressed with %s, which this HDF5 library cannot decode (it is not corrupt): rewrite it with gzip compression or none (h5py: compression='gzip')", filter);
  return missing;
}

SNAHDF5ArrayState SNAHDF5InspectArray(hid_t dset, int maxrank, int *rank, hsize_t dims[])
{
  hid_t             space = H5Dget_space(dset), type = H5Dget_type(dset), dcpl = H5Dget_create_plist(dset);
  SNAHDF5ArrayState state = SNA_HDF5_ARRAY_OK;
  size_t            esize = type >= 0 ? H5Tget_size(type) : 0;

  *rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1; /* before the shape: dims[] holds maxrank entries */
  if (space < 0 || type < 0 || dcpl < 0 || *rank < 0)
    state = SNA_HDF5_ARRAY_UNREADABLE;
  else if (H5Tget_class(type) != H5T_FLOAT && H5Tget_class(type) != H5T_INTEGER)
    state = SNA_HDF5_ARRAY_NOT_FLOAT;
  else if (*rank > maxrank)
    state = SNA_HDF5_ARRAY_RANK;
  else if (H5Sget_simple_extent_dims(space, dims, NULL) != *rank)
    state = SNA_HDF5_ARRAY_UNREADABLE;
  else if (!esize)
    state = SNA_HDF5_ARRAY_UNREADABLE;
  else
    state = StorageState(dset, dcpl, *rank, dims, esize);
  /* an integer array is described in full (integer ids such as a dataset's /case read it), but is no float array */
  if (state == SNA_HDF5_ARRAY_OK && H5Tget_class(type) == H5T_INTEGER) state = SNA_HDF5_ARRAY_NOT_FLOAT;
  if (dcpl >= 0) H5Pclose(dcpl);
  if (type >= 0) H5Tclose(type);
  if (space >= 0) H5Sclose(space);
  return state;
}

const char *SNAHDF5ArrayStateText(SNAHDF5ArrayState state)
{
  switch (state) {
  case SNA_HDF5_ARRAY_OK:
    return "is fine";
  case SNA_HDF5_ARRAY_NOT_FLOAT:
    return "is not a floating-point array";
  case SNA_HDF5_ARRAY_RANK:
    return "has too many dimensions";
  case SNA_HDF5_ARRAY_EXTERNAL:
    return "is stored outside the file (external or virtual storage), which SNAPS does not read";
  case SNA_HDF5_ARRAY_NO_DATA:
    return "declares more values than the file holds: it holds no data for some of them (an unfinished or corrupt file)";
  case SNA_HDF5_ARRAY_BAD_CHUNKS:
    return "has a chunk index that does not match its layout (stray chunks, or chunks of the wrong size): corrupt file";
  default:
    return "cannot be described by HDF5 (corrupt file)";
  }
}

/* "2 x 16 x 4" */
static void ShapeText(int rank, const hsize_t dims[], char text[], size_t len)
{
  size_t used = 0;

  text[0] = 0;
  for (int r = 0; r < rank && used < len; r++) used += (size_t)snprintf(text + used, len - used, "%s%llu", r ? " x " : "", (unsigned long long)dims[r]);
}

/* The checks of SNAHDF5CheckArray on an open dataset (dset < 0: it could not be opened). */
static PetscErrorCode CheckDataset(hid_t loc, hid_t dset, const char name[], PetscInt rank, const hsize_t dims[])
{
  hsize_t           fdims[SNA_HDF5_MAX_RANK];
  int               frank = -1;
  SNAHDF5ArrayState state = SNA_HDF5_ARRAY_UNREADABLE;
  PetscBool         same;
  char              have[256], want[256], w[PETSC_MAX_PATH_LEN + 300];

  PetscFunctionBegin;
  if (dset >= 0) state = SNAHDF5InspectArray(dset, SNA_HDF5_MAX_RANK, &frank, fdims);
  PetscCheck(state != SNA_HDF5_ARRAY_RANK, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 dataset '%s' has rank %d; SNAPS arrays have at most %d dimensions: corrupt file", Where(loc, w, sizeof(w)), name, frank, SNA_HDF5_MAX_RANK);
  PetscCheck(state != SNA_HDF5_ARRAY_NOT_FLOAT && state != SNA_HDF5_ARRAY_UNREADABLE, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 dataset '%s' %s", Where(loc, w, sizeof(w)), name, SNAHDF5ArrayStateText(state));
  same = (PetscBool)(frank == rank);
  for (PetscInt r = 0; same && r < rank; r++) same = (PetscBool)(fdims[r] == dims[r]);
  ShapeText(frank, fdims, have, sizeof(have));
  ShapeText((int)rank, dims, want, sizeof(want));
  PetscCheck(same, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 dataset '%s' has the wrong shape for the sizes in its attributes (%s, not %s): corrupt file", Where(loc, w, sizeof(w)), name, have, want);
  PetscCheck(state == SNA_HDF5_ARRAY_OK, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 dataset '%s' (%s) %s", Where(loc, w, sizeof(w)), name, have, SNAHDF5ArrayStateText(state));
  PetscFunctionReturn(0);
}

/* Opens the dataset name of loc, which must exist and pass CheckDataset; closed again on failure. */
static PetscErrorCode OpenCheckedDataset(hid_t loc, const char name[], PetscInt rank, const hsize_t dims[], hid_t *dset)
{
  PetscErrorCode ierr;
  char           w[PETSC_MAX_PATH_LEN + 300];

  PetscFunctionBegin;
  *dset = -1;
  PetscCheck(H5Lexists(loc, name, H5P_DEFAULT) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe group has no dataset '%s'", Where(loc, w, sizeof(w)), name);
  *dset = H5Dopen2(loc, name, H5P_DEFAULT);
  ierr  = CheckDataset(loc, *dset, name, rank, dims); /* not PetscCall: close the dataset first */
  if (ierr && *dset >= 0) {
    H5Dclose(*dset);
    *dset = -1;
  }
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAHDF5CheckArray(hid_t loc, const char name[], PetscInt rank, const hsize_t dims[])
{
  hid_t dset;

  PetscFunctionBegin;
  PetscCall(OpenCheckedDataset(loc, name, rank, dims, &dset));
  H5Dclose(dset);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAHDF5SizeProduct(const char what[], PetscInt n, const PetscInt f[], PetscInt *product)
{
  PetscInt64 p = 1;
  char       text[256];
  size_t     used = 0;

  PetscFunctionBegin;
  text[0] = 0;
  for (PetscInt i = 0; i < n && used < sizeof(text); i++) used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%" PetscInt_FMT, i ? " x " : "", f[i]);
  for (PetscInt i = 0; i < n; i++) {
    PetscCheck(f[i] >= 0 && (f[i] == 0 || p <= PETSC_MAX_INT / f[i]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The model declares %s %s: too many for PETSc's integers (at most %" PetscInt_FMT "): corrupt file", text, what, (PetscInt)PETSC_MAX_INT);
    p *= f[i];
  }
  *product = (PetscInt)p;
  PetscFunctionReturn(0);
}

/* Reads a float64 dataset that must have exactly the expected shape and finite values. */
PetscErrorCode SNAHDF5ReadArray(hid_t loc, const char name[], PetscInt rank, const hsize_t dims[], PetscReal data[])
{
  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadRows(loc, name, rank, dims, 0, rank ? dims[0] : 1, data));
  PetscFunctionReturn(0);
}

/* The rows [row0, row0 + nrows) of the dataset's first dimension as a selection of the file (H5S_ALL: all). */
static hid_t RowsSpace(hid_t dset, PetscInt rank, const hsize_t dims[], hsize_t row0, hsize_t nrows)
{
  hsize_t start[SNA_HDF5_MAX_RANK] = {0}, count[SNA_HDF5_MAX_RANK];
  hid_t   space;

  if (!rank || (row0 == 0 && nrows == dims[0])) return H5S_ALL;
  for (PetscInt i = 0; i < rank; i++) count[i] = i ? dims[i] : nrows;
  start[0] = row0;
  space    = H5Dget_space(dset);
  if (space >= 0 && H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0) {
    H5Sclose(space);
    space = -1;
  }
  return space;
}

PetscErrorCode SNAHDF5ReadRows(hid_t loc, const char name[], PetscInt rank, const hsize_t dims[], hsize_t row0, hsize_t nrows, PetscReal data[])
{
  hid_t     dset, fspace = -1, mspace = H5S_ALL;
  hsize_t   count, shape[SNA_HDF5_MAX_RANK];
  herr_t    err      = -1;
  PetscBool checksum = PETSC_FALSE, nofilter = PETSC_FALSE;
  char      w[PETSC_MAX_PATH_LEN + 300], text[320];

  PetscFunctionBegin;
  PetscCheck(!rank || row0 + nrows <= dims[0], PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Rows %llu to %llu of the HDF5 dataset '%s' of %llu rows", (unsigned long long)row0, (unsigned long long)(row0 + nrows), name, (unsigned long long)dims[0]);
  PetscCall(OpenCheckedDataset(loc, name, rank, dims, &dset)); /* opened once: the checks and the read */
  for (PetscInt i = 0; i < rank; i++) shape[i] = i ? dims[i] : nrows;
  fspace = RowsSpace(dset, rank, dims, row0, nrows);
  if (fspace != H5S_ALL && fspace >= 0) mspace = H5Screate_simple((int)rank, shape, NULL);
  if (dset >= 0 && fspace >= 0 && mspace >= 0) err = H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, data);
  if (err < 0) checksum = SNAHDF5ChecksumFailed();
  if (err < 0 && !checksum && dset >= 0) nofilter = SNAHDF5MissingFilterText(dset, text, sizeof(text));
  if (mspace != H5S_ALL && mspace >= 0) H5Sclose(mspace);
  if (fspace != H5S_ALL && fspace >= 0) H5Sclose(fspace);
  if (dset >= 0) H5Dclose(dset);
  PetscCheck(!checksum, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 dataset '%s' fails its checksum: the file is corrupt (changed since it was written); restore it from a copy or write it again", Where(loc, w, sizeof(w)), name);
  PetscCheck(!nofilter, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 dataset '%s' %s", Where(loc, w, sizeof(w)), name, text);
  PetscCheck(err >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 dataset '%s' is not a readable rank-%" PetscInt_FMT " floating-point array: corrupt file", Where(loc, w, sizeof(w)), name, rank);
  (void)ShapeCount((int)rank, shape, &count);
  /* the position in the dataset, not in the rows read: a reader of one row (row0 > 0) must name the row in the file */
  for (hsize_t i = 0; i < count; i++) {
    if (PetscLikely(!PetscIsInfOrNanReal(data[i]))) continue;
    if (rank < 2)
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 dataset '%s' contains NaN or Inf (entry %llu): the file is corrupt", Where(loc, w, sizeof(w)), name, (unsigned long long)(row0 + i));
    else {
      hsize_t rowlen = count / nrows; /* nrows > 0: there is an entry i */

      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%sThe HDF5 dataset '%s' contains NaN or Inf (row %llu, entry %llu of that row): the file is corrupt", Where(loc, w, sizeof(w)), name, (unsigned long long)(row0 + i / rowlen), (unsigned long long)(i % rowlen));
    }
  }
  PetscFunctionReturn(0);
}

/* Writes the model contract (attributes, input box, the type's own data) into an open group; rank 0 only. */
PetscErrorCode SNAHDF5WriteModel(SNA sna, hid_t group)
{
  hsize_t d = (hsize_t)sna->dim_in;

  PetscFunctionBegin;
  PetscCheck(sna->ops->save, PETSC_COMM_SELF, PETSC_ERR_SUP, "SNA type %s cannot be saved", ((PetscObject)sna)->type_name);
  PetscCall(SNAHDF5WriteAttributeInt(group, "snaps_format_version", SNAPS_FORMAT_VERSION));
  PetscCall(SNAHDF5WriteAttributeString(group, "snaps_version", SNAPS_VERSION));
  PetscCall(SNAHDF5WriteAttributeString(group, "type", ((PetscObject)sna)->type_name));
  PetscCall(SNAHDF5WriteAttributeInt(group, "dim_in", sna->dim_in));
  PetscCall(SNAHDF5WriteAttributeInt(group, "dim_out", sna->dim_out));
  PetscCall(SNAHDF5WriteAttributeInt(group, "n_params", sna->nparams));
  PetscCall(SNAHDF5WriteArray(group, "lower", 1, &d, sna->lower));
  PetscCall(SNAHDF5WriteArray(group, "upper", 1, &d, sna->upper));
  if (sna->loss == SNA_LOSS_CROSS_ENTROPY) PetscCall(SNAHDF5WriteAttributeString(group, "loss", SNALossTypes[sna->loss])); /* the outputs are logits */
  PetscCall((*sna->ops->save)(sna, group));
  PetscFunctionReturn(0);
}

/* Rank 0's part of SNASaveGroup: a new file under a temporary name, then rename; or, with append, the
   group added to an existing file in place. */
static PetscErrorCode SNASave_Local(SNA sna, const char filename[], const char groupname[], PetscBool append)
{
  char           tmp[PETSC_MAX_PATH_LEN];
  hid_t          file, group, lcpl;
  PetscErrorCode ierr;
  int            err;

  PetscFunctionBegin;
  if (append) {
    PetscCall(PetscStrncpy(tmp, filename, sizeof(tmp)));
    file = H5Fopen(filename, H5F_ACC_RDWR, H5P_DEFAULT);
    PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open the model file '%s' to add the group %s: it must exist and be a writable HDF5 file", filename, groupname);
    if (H5Lexists(file, groupname, H5P_DEFAULT) > 0) {
      H5Fclose(file);
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "The model file '%s' already has a group %s", filename, groupname);
    }
  } else {
    PetscCall(SNAPSTemporaryName(filename, tmp, sizeof(tmp)));
    PetscCall(SNAPSTemporaryCreate(tmp, NULL)); /* 0600, exclusive; a failure: H5Fcreate says so */
    file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0) (void)unlink(tmp); /* on a full disk the file exists, empty, though HDF5 could not write its header */
    PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot create the model file '%s' (temporary '%s'): check the directory exists, is writable and has space", filename, tmp);
  }
  lcpl = H5Pcreate(H5P_LINK_CREATE); /* parent groups such as /rhs of /rhs/sna are created as needed */
  H5Pset_create_intermediate_group(lcpl, 1);
  group = H5Gcreate2(file, groupname, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(lcpl);
  ierr = group < 0 ? PETSC_ERR_FILE_WRITE : 0;
  if (!ierr) ierr = SNAHDF5WriteModel(sna, group);
  if (group >= 0) H5Gclose(group);
  if (H5Fclose(file) < 0 && !ierr) ierr = PETSC_ERR_FILE_WRITE;
  PetscCheck(!ierr || !append, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Could not add the group %s to the model file '%s'", groupname, filename);
  if (append) PetscFunctionReturn(0);
  err = ierr ? errno : 0;
  PetscCall(SNAPSCommitLocal(tmp, filename, &ierr, &err));
  PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Could not write the model file '%s'%s%s; any existing file is unchanged", filename, err ? ": " : "", err ? strerror(err) : "");
  PetscFunctionReturn(0);
}

/*@C
  SNASave - Writes a fitted or loaded model to an HDF5 file (group /sna), atomically: a temporary file, then a rename

  Collective

  Input Parameters:
+ sna      - the SNA, fitted or loaded (else PETSC_ERR_ARG_WRONGSTATE)
- filename - the file; an existing one is replaced only by a complete new one

  Notes:
  Rank 0 writes; a failed write raises PETSC_ERR_FILE_WRITE on every rank and leaves no temporary file.

  Level: beginner

.seealso: SNALoad(), SNASaveGroup(), SNAFit()
@*/
PetscErrorCode SNASave(SNA sna, const char filename[])
{
  PetscFunctionBegin;
  PetscCall(SNASaveGroup(sna, filename, SNA_MODEL_GROUP, PETSC_FALSE));
  PetscFunctionReturn(0);
}

/*@C
  SNASaveGroup - Writes a fitted or loaded model into a named group of an HDF5 file

  Collective

  Input Parameters:
+ sna       - the SNA, fitted or loaded (else PETSC_ERR_ARG_WRONGSTATE)
. filename  - the file
. groupname - the group, e.g. "/rhs/sna" (parents are created)
- append    - PETSC_FALSE: a new file, written atomically (temporary file, then rename); PETSC_TRUE: into an existing
              file, changed in place (write a temporary file and rename it yourself when several groups make one file)

  Notes:
  Rank 0 writes; a failed write raises PETSC_ERR_FILE_WRITE on every rank.

  Level: intermediate

.seealso: SNASave(), SNALoadGroup()
@*/
PetscErrorCode SNASaveGroup(SNA sna, const char filename[], const char groupname[], PetscBool append)
{
  PetscBool      ismf;
  PetscMPIInt    rank;
  PetscErrorCode ierr = 0;
  H5E_auto2_t    func;
  void          *data;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscCheck(sna->setupcalled && sna->lower, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Fit or load the SNA before saving it");
  /* a set-up mf SNA whose LF part is neither fitted nor given has none: its save failed half-way, in HDF5's words,
     after writing into the file (append: the user's own file) */
  PetscCall(PetscObjectTypeCompare((PetscObject)sna, SNAMF, &ismf));
  PetscCheck(sna->nparams > 0, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_WRONGSTATE, "Fit or load the SNA before saving it: the model has no parameters yet%s", ismf ? " (its LF part is neither fitted, SNAMFFit(), nor given, SNAMFSetLowFidelity())" : "");
  PetscCheck(sna->ops->save, PetscObjectComm((PetscObject)sna), PETSC_ERR_SUP, "SNA type %s cannot be saved", ((PetscObject)sna)->type_name);
  PetscCall(PetscLogEventBegin(SNA_Save, sna, 0, 0, 0));
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)sna), &rank));
  if (rank == 0) {
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    errno = 0;
    ierr  = SNASave_Local(sna, filename, groupname, append); /* not PetscCall: every rank must learn the outcome */
    H5Eset_auto2(H5E_DEFAULT, func, data);
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, PetscObjectComm((PetscObject)sna)));
  PetscCall(PetscLogEventEnd(SNA_Save, sna, 0, 0, 0)); /* before the check: a caller that catches the error (the sna
                                                           guess) keeps -log_view counting later saves */
  PetscCheck(!ierr, PetscObjectComm((PetscObject)sna), PETSC_ERR_FILE_WRITE, "Saving the model to '%s' failed (see the message above)", filename);
  PetscFunctionReturn(0);
}

/* Discards the type's data and recreates it empty, so a model can be loaded into any SNA: the type's destroy runs
   first, while the sizes it frees by are still the old ones; then, without its type name, the SNA is of no type, and
   SNASetType() resets it as for a change of type (parameters, fit record, objective). */
static PetscErrorCode SNAResetType(SNA sna, const char type[])
{
  PetscFunctionBegin;
  if (sna->ops->destroy) PetscCall((*sna->ops->destroy)(sna));
  PetscCall(PetscMemzero(sna->ops, sizeof(struct _SNAOps)));
  PetscCall(PetscFree(((PetscObject)sna)->type_name));
  PetscCall(PetscFree2(sna->lower, sna->upper));
  sna->dim_in = sna->dim_out = -1;
  PetscCall(SNASetType(sna, type));
  PetscFunctionReturn(0);
}

/* Reads the model group: attributes, bounds and the type's data (filename names the file in messages). */
PetscErrorCode SNAHDF5ReadModel(SNA sna, const char filename[], hid_t group)
{
  PetscInt       version, d, q, nparams;
  char           type[64];
  PetscReal     *lo, *hi, *pending;
  PetscInt       npending;
  PetscBool      same;
  hsize_t        dd;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAHDF5ReadAttributeInt(group, "snaps_format_version", &version));
  PetscCheck(version >= 1 && version <= SNAPS_FORMAT_VERSION, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has model format version %" PetscInt_FMT "; this SNAPS (%s) reads versions 1 to %d", filename, version, SNAPS_VERSION, SNAPS_FORMAT_VERSION);
  PetscCall(SNAHDF5ReadAttributeString(group, "type", type, sizeof(type)));
  PetscCall(SNAHDF5ReadAttributeInt(group, "dim_in", &d));
  PetscCall(SNAHDF5ReadAttributeInt(group, "dim_out", &q));
  PetscCall(SNAHDF5ReadAttributeInt(group, "n_params", &nparams));
  PetscCheck(d >= 1 && d <= SNA_MAX_INPUTS && q >= 1 && q <= SNA_MAX_OUTPUTS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' declares implausible sizes (%" PetscInt_FMT " inputs, %" PetscInt_FMT " outputs): corrupt model", filename, d, q);
  pending              = sna->bounds_pending; /* -sna_bounds read before the sizes: compared with the model's box below */
  npending             = sna->nbounds_pending;
  sna->bounds_pending  = NULL;
  sna->nbounds_pending = 0;
  PetscCall(SNAResetType(sna, type));
  PetscCheck(sna->ops->load, PETSC_COMM_SELF, PETSC_ERR_SUP, "SNA type %s cannot be loaded", type);
  PetscCall(SNASetSizes(sna, d, q));
  PetscCall(PetscMalloc2(d, &lo, d, &hi));
  dd   = (hsize_t)d;
  ierr = SNAHDF5ReadArray(group, "lower", 1, &dd, lo); /* not PetscCall: free lo and hi first */
  if (!ierr) ierr = SNAHDF5ReadArray(group, "upper", 1, &dd, hi);
  /* a box SNASetBounds() refuses is the file's fault: say which file, not "need lower < upper" as to a caller */
  for (PetscInt p = 0; !ierr && p < d; p++)
    if (!(PetscIsNormalReal(hi[p] - lo[p]) && lo[p] < hi[p])) ierr = PetscError(PETSC_COMM_SELF, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_FILE_UNEXPECTED, PETSC_ERROR_INITIAL, "'%s' has an empty or invalid input box [%g, %g] for input %" PetscInt_FMT " (its datasets lower and upper; a model's box has lower < upper): corrupt model", filename, (double)lo[p], (double)hi[p], p);
  if (!ierr) ierr = SNASetBounds(sna, lo, hi);
  same = (PetscBool)(npending == 2 * d);
  for (PetscInt p = 0; same && p < d; p++) same = (PetscBool)(pending[2 * p] == lo[p] && pending[2 * p + 1] == hi[p]);
  PetscCall(PetscFree2(lo, hi));
  PetscCall(PetscFree(pending));
  PetscCall(ierr);
  PetscCheck(!npending || same, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-%ssna_bounds, given before the model was loaded, is not the box of the model in '%s': a loaded model keeps its box; drop -%ssna_bounds", SNAMessagePrefix(sna), filename, SNAMessagePrefix(sna));
  sna->bounds_loaded = PETSC_TRUE;
  if (H5Aexists(group, "loss") > 0) {
    char loss[32];
    PetscCall(SNAHDF5ReadAttributeString(group, "loss", loss, sizeof(loss)));
    PetscCheck(!strcmp(loss, "mse") || !strcmp(loss, "cross_entropy"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has loss '%s'; this SNAPS knows mse and cross_entropy", filename, loss);
    /* as SNASetLossType() sets it, so that a refit takes the loss's fit (irls) unless the user chose one */
    PetscCall(SNASetLossType(sna, strcmp(loss, "mse") ? SNA_LOSS_CROSS_ENTROPY : SNA_LOSS_MSE));
  } else
    PetscCall(SNASetLossType(sna, SNA_LOSS_MSE));
  PetscCall((*sna->ops->load)(sna, group));
  PetscCheck(sna->nparams == nparams, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' says it has %" PetscInt_FMT " parameters but its arrays hold %" PetscInt_FMT ": corrupt model", filename, nparams, sna->nparams);
  sna->setupcalled  = PETSC_TRUE;
  sna->params_given = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode SNAHDF5CommitLocal(PetscErrorCode (*write)(void *, const char[]), void *ctx, const char tmp[], const char file[])
{
  PetscErrorCode ierr;
  int            err = 0;
  H5E_auto2_t    func;
  void          *data;

  PetscFunctionBegin;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  ierr = (*write)(ctx, tmp);
  H5Eset_auto2(H5E_DEFAULT, func, data);
  PetscCall(SNAPSCommitLocal(tmp, file, &ierr, &err));
  /* the writer's own errors have their message; a failed rename gets its cause here */
  PetscCheck(!err, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot rename the complete temporary file '%s' to '%s': %s", tmp, file, strerror(err));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAHDF5OpenReadLocal(const char file[], const char what[], hid_t *h5)
{
  PetscFunctionBegin;
  PetscCheck(access(file, R_OK) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open the %s '%s': %s", what, file, strerror(errno));
  PetscCheck(H5Fis_hdf5(file) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The %s '%s' is not an HDF5 file, or it is corrupt", what, file);
  *h5 = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(*h5 >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "HDF5 cannot open the %s '%s': it is corrupt or truncated", what, file);
  PetscFunctionReturn(0);
}

/* Every rank's part of loading the model of group groupname from the open file: SNALoadGroup's, and that of callers
   that read many models from one file (a rollout surrogate's heads), which open it once. */
PetscErrorCode SNAHDF5LoadGroupLocal(SNA sna, const char filename[], hid_t file, const char groupname[])
{
  hid_t          group;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  if (H5Lexists(file, groupname, H5P_DEFAULT) <= 0) {
    /* a rollout surrogate's groups are all under /surrogate: name the programs that read it */
    PetscCheck(strncmp(groupname, "/surrogate", 10) == 0 || H5Lexists(file, "surrogate", H5P_DEFAULT) <= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' is a rollout surrogate (group /surrogate, from snaps-rollout-fit), not a model of one SNA (no group %s): use it with snaps-ks or snaps-kolmogorov -stepper sna -stepper_model '%s'", filename, groupname, filename);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' holds no SNAPS model (no group %s): is it a dataset rather than a model?", filename, groupname);
  }
  group = H5Gopen2(file, groupname, H5P_DEFAULT);
  PetscCheck(group >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "HDF5 cannot open the group %s of '%s': corrupt model", groupname, filename);
  ierr = SNAHDF5ReadModel(sna, filename, group); /* not PetscCall: close the group first */
  H5Gclose(group);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode SNAHDF5SetMetadataCacheLocal(hid_t file, size_t bytes)
{
  H5AC_cache_config_t cfg;

  PetscFunctionBegin;
  cfg.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  PetscCheck(H5Fget_mdc_config(file, &cfg) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 cannot report the metadata cache of an open file");
  cfg.set_initial_size = 1;
  cfg.initial_size     = bytes;
  cfg.min_size         = PetscMin(cfg.min_size, bytes);
  cfg.max_size         = PetscMax(cfg.max_size, bytes);
  cfg.incr_mode        = H5C_incr__off;
  cfg.flash_incr_mode  = H5C_flash_incr__off;
  cfg.decr_mode        = H5C_decr__off;
  PetscCheck(H5Fset_mdc_config(file, &cfg) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 refuses a metadata cache of %zu bytes", bytes);
  PetscFunctionReturn(0);
}

/* Every rank's part of SNALoadGroup: opens the file, reads the group, and always closes the file. */
static PetscErrorCode SNALoad_Local(SNA sna, const char filename[], const char groupname[])
{
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(SNAHDF5OpenReadLocal(filename, "model file", &file));
  ierr = SNAHDF5LoadGroupLocal(sna, filename, file, groupname); /* not PetscCall: close the file first */
  H5Fclose(file);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@C
  SNALoad - Reads a model written by SNASave(): sets its type, sizes, box and parameters

  Collective

  Input Parameters:
+ sna      - the SNA
- filename - the HDF5 file (group /sna)

  Notes:
  After SNASetFromOptions() (PETSc's order: SetFromOptions, then Load) it reads the loaded type's options again (a
  model that cannot take one, such as another basis, refuses it) and refuses a -sna_type other than the file's
  (PETSC_ERR_ARG_INCOMP). A missing, corrupt or foreign file is refused with an error naming the file and what is
  wrong.

  Level: beginner

.seealso: SNASave(), SNALoadGroup(), SNAEvaluate()
@*/
PetscErrorCode SNALoad(SNA sna, const char filename[])
{
  PetscFunctionBegin;
  PetscCall(SNALoadGroup(sna, filename, SNA_MODEL_GROUP));
  PetscFunctionReturn(0);
}

/* SNALoadGroup()'s read on each rank, and the end of its log event (SNAPSLoadLocal()). */
typedef struct {
  SNA         sna;
  const char *filename, *groupname;
} LoadCtx;

static PetscErrorCode SNALoad_Rank(void *ctx)
{
  LoadCtx *l = (LoadCtx *)ctx;

  PetscFunctionBegin;
  PetscCall(SNALoad_Local(l->sna, l->filename, l->groupname));
  PetscFunctionReturn(0);
}

static PetscErrorCode SNALoad_After(void *ctx, PetscBool here, PetscBool anywhere)
{
  PetscFunctionBegin;
  (void)here;
  (void)anywhere;
  PetscCall(PetscLogEventEnd(SNA_Load, ((LoadCtx *)ctx)->sna, 0, 0, 0)); /* before the error: -log_view of a failed run stays balanced */
  PetscFunctionReturn(0);
}

/*@C
  SNALoadGroup - Reads a model from a named group of an HDF5 file, as SNALoad() does from /sna

  Collective

  Input Parameters:
+ sna       - the SNA
. filename  - the file
- groupname - the group, e.g. "/rhs/sna"

  Notes:
  A -sna_type other than the file's raises PETSC_ERR_ARG_INCOMP; after SNASetFromOptions() the loaded type's options
  are read again.

  Level: intermediate

.seealso: SNALoad(), SNASaveGroup()
@*/
PetscErrorCode SNALoadGroup(SNA sna, const char filename[], const char groupname[])
{
  LoadCtx   ctx = {sna, filename, groupname};
  char      asked[sizeof(sna->type_option)];
  PetscBool same = PETSC_TRUE;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  PetscValidCharPointer(filename, 2);
  PetscValidCharPointer(groupname, 3);
  PetscCall(PetscStrncpy(asked, sna->type_option, sizeof(asked))); /* the load's change of type clears it */
  PetscCall(PetscLogEventBegin(SNA_Load, sna, 0, 0, 0));
  PetscCall(SNAPSLoadLocal(PetscObjectComm((PetscObject)sna), SNALoad_Rank, SNALoad_After, &ctx)); /* one message for all ranks */
  /* the load recreated the type: its options read by SNASetFromOptions() before it (PETSc's order: SetFromOptions,
     then Load) are read again, for the loaded model (which refuses those it cannot take, such as its basis) */
  if (asked[0]) PetscCall(PetscObjectTypeCompare((PetscObject)sna, asked, &same));
  PetscCheck(same, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_INCOMP, "-%ssna_type %s asks for an SNA of type %s, but '%s' holds a model of type %s, which a load takes: drop -%ssna_type, or load a model of type %s", SNAMessagePrefix(sna), asked, asked, filename, ((PetscObject)sna)->type_name, SNAMessagePrefix(sna), asked);
  if (asked[0]) PetscCall(PetscStrncpy(sna->type_option, asked, sizeof(sna->type_option)));
  if (sna->setfromoptionscalled) PetscCall(SNASetFromOptions_Type(sna));
  PetscFunctionReturn(0);
}

/*@C
  SNAReportFit - Records how the last fit of an SNA ended in a results report

  Collective (the parameter count sets the model up if it is not: SNAGetNumParameters())

  Input Parameters:
+ part   - the SNA (a model, or a part of one)
. report - the report (rank 0's is the one written)
. prefix - the prefix of the keys, such as "lf_", or ""
- time   - the fit's wall time in seconds, or a negative value for none

  Notes:
  Keys: type, n_params, converged_reason, iterations and, when time >= 0, fit_time_s, each after prefix.

  Level: developer

.seealso: SNAFit(), SNAPSReportCreate()
@*/
PetscErrorCode SNAReportFit(SNA part, SNAPSReport report, const char prefix[], PetscReal time)
{
  char               key[64];
  PetscInt           np, its;
  SNAConvergedReason reason;
  SNAType            type;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(part, SNA_CLASSID, 1);
  PetscCall(SNAGetNumParameters(part, &np));
  PetscCall(SNAGetConvergedReason(part, &reason));
  PetscCall(SNAGetIterationNumber(part, &its));
  PetscCall(SNAGetType(part, &type));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%stype", prefix));
  PetscCall(SNAPSReportSetString(report, key, type));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%sn_params", prefix));
  PetscCall(SNAPSReportSetInt(report, key, np));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%sconverged_reason", prefix));
  PetscCall(SNAPSReportSetString(report, key, SNAConvergedReasons[reason]));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%siterations", prefix));
  PetscCall(SNAPSReportSetInt(report, key, its));
  if (time >= 0) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "%sfit_time_s", prefix));
    PetscCall(SNAPSReportSetReal(report, key, time));
  }
  PetscFunctionReturn(0);
}
