/* Results reports: flat JSON files of named figures (see snaps/report.h), and atomic file writing.

   Every rank keeps the JSON tree (setting a value is cheap and needs no communication); only rank
   0's tree is written. Files are written atomically: a temporary file in the same directory,
   flushed to disk, then renamed over the target; a symbolic link's target is replaced (the link stays), an existing
   file keeps its permission bits, and a stream (/dev/null, a terminal, a FIFO) gets the complete file copied into it
   (SNAPSMoveIntoPlace). */
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* dladdr; also gethostname, gmtime_r, fsync, O_DIRECTORY */
#endif
#include <snaps/report.h>
#include <snaps/version.h>
#include <snaps/private/snaimpl.h>   /* SNAPSUtf8Sequence() */
#include <petsc/private/petscimpl.h> /* PetscValid...() argument checks */

#include <petscblaslapack.h>
#include <cjson/cJSON.h>
#include <hdf5.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#if defined(__linux__)
#include <sys/vfs.h>
#endif
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct _n_SNAPSReport {
  MPI_Comm comm;
  cJSON   *root;
};

/* Adds item under key of object, replacing an existing item of that key (keeping its position). */
static PetscErrorCode ReportPut_Private(cJSON *object, const char key[], cJSON *item)
{
  cJSON_bool ok;

  PetscFunctionBegin;
  PetscCheck(item, PETSC_COMM_SELF, PETSC_ERR_MEM, "Out of memory building report entry '%s'", key);
  if (cJSON_GetObjectItemCaseSensitive(object, key))
    ok = cJSON_ReplaceItemInObjectCaseSensitive(object, key, item);
  else
    ok = cJSON_AddItemToObject(object, key, item);
  if (!ok) cJSON_Delete(item);
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_MEM, "Cannot add report entry '%s'", key);
  PetscFunctionReturn(0);
}

/* A JSON number, or null for NaN and Inf (which JSON cannot represent). */
static cJSON *ReportReal_Private(PetscReal v)
{
  return PetscIsInfOrNanReal(v) ? cJSON_CreateNull() : cJSON_CreateNumber((double)v);
}

/* The length (1 to 4) of the valid UTF-8 sequence at s (RFC 3629: no overlong forms, no surrogates, nothing past
   U+10FFFF), or 0 when s starts with a byte that is not valid UTF-8 there. s is NUL-terminated: a sequence cut short
   meets the NUL, which no continuation byte matches. */
size_t SNAPSUtf8Sequence(const unsigned char s[])
{
  const unsigned char c = s[0];

  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return (s[1] & 0xC0) == 0x80 ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

    return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

    return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80 ? 4 : 0;
  }
  return 0;
}

/* A JSON string of value (NULL when out of memory). JSON text is UTF-8, but a file name is any bytes: each byte that is
   not part of a valid UTF-8 sequence (a Latin-1 name such as "caf\xe9.h5") is written as the character of the same
   value, U+0080 to U+00FF (the byte 0xe9 as U+00E9), so the report stays valid JSON that any reader parses. */
static cJSON *ReportString_Private(const char value[])
{
  const unsigned char *s = (const unsigned char *)value;
  size_t               n = 0, bad = 0, len;
  char                *fixed;
  cJSON               *item;

  while (s[n]) {
    len = SNAPSUtf8Sequence(s + n);
    bad += !len;
    n += len ? len : 1;
  }
  if (!bad) return cJSON_CreateString(value);
  if (!(fixed = malloc(n + bad + 1))) return NULL;
  for (size_t i = 0, o = 0;;) {
    if (i == n) {
      fixed[o] = 0;
      break;
    }
    len = SNAPSUtf8Sequence(s + i);
    if (len) {
      memcpy(fixed + o, s + i, len);
      o += len;
      i += len;
    } else { /* the byte as the code point of its value, in two bytes: 110000bb 10bbbbbb */
      fixed[o++] = (char)(0xC0 | (s[i] >> 6));
      fixed[o++] = (char)(0x80 | (s[i] & 0x3F));
      i++;
    }
  }
  item = cJSON_CreateString(fixed);
  free(fixed);
  return item;
}

/* The first "model name" of /proc/cpuinfo into model, or "unknown". */
static void CPUModel_Private(char model[], size_t len)
{
  FILE *fp = fopen("/proc/cpuinfo", "r");
  char  line[512];

  (void)snprintf(model, len, "unknown");
  if (!fp) return;
  while (fgets(line, sizeof(line), fp)) {
    if (!strncmp(line, "model name", 10)) {
      char  *v = strchr(line, ':');
      size_t n;

      if (!v) continue;
      for (v++; *v == ' ' || *v == '\t'; v++) {}
      n = strcspn(v, "\r\n");
      if (n) (void)snprintf(model, len, "%.*s", (int)n, v);
      break;
    }
  }
  (void)fclose(fp);
}

/* The file of the shared library that provides symbol in this process, links resolved (Debian's
   libblas.so.3 is an alternatives link: reference BLAS, OpenBLAS, BLIS...); "unknown" if not found. */
static void LibraryOf_Private(const void *symbol, char path[], size_t len)
{
  Dl_info info;
  char    real[PATH_MAX];

  (void)snprintf(path, len, "unknown");
  if (!dladdr(symbol, &info) || !info.dli_fname) return;
  (void)snprintf(path, len, "%s", realpath(info.dli_fname, real) ? real : info.dli_fname);
}

/* The keys every report starts with (SNAPSReportCreate()) */
static PetscErrorCode ReportFill_Private(cJSON *root, PetscMPIInt size, const char date[])
{
  char   host[256], model[256], blas[PATH_MAX], lapack[PATH_MAX], *options;
  long   cores = sysconf(_SC_NPROCESSORS_ONLN);
  cJSON *machine, *item;

  PetscFunctionBegin;
  if (gethostname(host, sizeof(host))) (void)snprintf(host, sizeof(host), "unknown");
  host[sizeof(host) - 1] = 0;
  CPUModel_Private(model, sizeof(model));
  LibraryOf_Private((const void *)&BLASgemv_, blas, sizeof(blas));
  LibraryOf_Private((const void *)&LAPACKpotrf_, lapack, sizeof(lapack));
  PetscCall(ReportPut_Private(root, "snaps_version", cJSON_CreateString(SNAPS_VERSION)));
  PetscCall(ReportPut_Private(root, "date", cJSON_CreateString(date)));
  PetscCall(ReportPut_Private(root, "ranks", cJSON_CreateNumber(size)));
  /* any bytes (a file name in Latin-1, a quote, a newline in a value): ReportString_Private() and cJSON escape them */
  PetscCall(PetscOptionsGetAll(NULL, &options));
  item = ReportString_Private(options);
  PetscCall(PetscFree(options));
  PetscCall(ReportPut_Private(root, "options", item));
  machine = cJSON_CreateObject();
  PetscCall(ReportPut_Private(root, "machine", machine));
  PetscCall(ReportPut_Private(machine, "host", ReportString_Private(host)));
  PetscCall(ReportPut_Private(machine, "cpu_model", ReportString_Private(model)));
  PetscCall(ReportPut_Private(machine, "cores", cJSON_CreateNumber((double)cores)));
  PetscCall(ReportPut_Private(machine, "blas", ReportString_Private(blas)));
  PetscCall(ReportPut_Private(machine, "lapack", ReportString_Private(lapack)));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSReportCreate - Creates an empty results report (the JSON file of a program's -results option) on a
  communicator

  Collective

  Input Parameter:
. comm - the ranks of the run; only rank 0 writes the file (SNAPSReportWrite())

  Output Parameter:
. report - the new report (NULL after an error), holding "snaps_version", "date" (ISO 8601 UTC), "ranks" (MPI size),
           "options" and "machine"

  Notes:
  "options" is the options database that produced the run, PetscOptionsGetAll()'s one flat string (command line,
  -options_file and PETSC_OPTIONS); values are not quoted, so a value with spaces cannot be split back out: programs
  record their files under their own keys too. "machine" is rank 0's {"host", "cpu_model", "cores", "blas",
  "lapack"}, the last two the libraries this process runs, which decide the speed of dense kernels. The report keeps
  a duplicate of comm (PetscCommDuplicate()). Out of memory is PETSC_ERR_MEM.

  Level: intermediate

.seealso: SNAPSReportSetReal(), SNAPSReportSetString(), SNAPSReportWrite(), SNAPSReportDestroy()
@*/
PetscErrorCode SNAPSReportCreate(MPI_Comm comm, SNAPSReport *report)
{
  SNAPSReport    r;
  PetscMPIInt    size;
  char           date[32];
  time_t         now = time(NULL);
  struct tm      tm;
  PetscErrorCode ierr;
  PetscBool      dup;

  PetscFunctionBegin;
  PetscValidPointer(report, 2);
  *report = NULL;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (!gmtime_r(&now, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm)) (void)snprintf(date, sizeof(date), "unknown");

  PetscCall(PetscNew(&r));
  r->root = cJSON_CreateObject();
  if (!r->root) PetscCall(PetscFree(r));
  PetscCheck(r, PETSC_COMM_SELF, PETSC_ERR_MEM, "Out of memory creating a report");
  ierr = PetscCommDuplicate(comm, &r->comm, NULL);
  dup  = (PetscBool)!ierr;
  if (!ierr) ierr = ReportFill_Private(r->root, size, date);
  if (ierr) { /* the page's promise: nothing to free after an error */
    if (dup) PetscCall(PetscCommDestroy(&r->comm));
    cJSON_Delete(r->root);
    PetscCall(PetscFree(r));
    PetscCall(ierr);
  }
  *report = r;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSReportSetReal - Adds or replaces a real-valued figure of a report

  Not Collective

  Input Parameters:
+ r     - the report
. key   - the figure's name (a top-level key)
- value - the figure; NaN and Inf are written as null (JSON has no such numbers)

  Level: intermediate

.seealso: SNAPSReportCreate(), SNAPSReportSetRealArray(), SNAPSReportSetInt(), SNAPSReportWrite()
@*/
PetscErrorCode SNAPSReportSetReal(SNAPSReport r, const char key[], PetscReal value)
{
  PetscFunctionBegin;
  PetscValidPointer(r, 1);
  PetscValidCharPointer(key, 2);
  PetscCall(ReportPut_Private(r->root, key, ReportReal_Private(value)));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSReportSetInt - Adds or replaces an integer figure of a report

  Not Collective

  Input Parameters:
+ r     - the report
. key   - the figure's name (a top-level key)
- value - the figure (stored as a JSON number, a double: exact up to 2^53)

  Level: intermediate

.seealso: SNAPSReportCreate(), SNAPSReportSetReal(), SNAPSReportWrite()
@*/
PetscErrorCode SNAPSReportSetInt(SNAPSReport r, const char key[], PetscInt value)
{
  PetscFunctionBegin;
  PetscValidPointer(r, 1);
  PetscValidCharPointer(key, 2);
  PetscCall(ReportPut_Private(r->root, key, cJSON_CreateNumber((double)value)));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSReportSetBool - Adds or replaces a true/false field of a report

  Not Collective

  Input Parameters:
+ r     - the report
. key   - the field's name (a top-level key)
- value - written as JSON true or false

  Level: intermediate

.seealso: SNAPSReportCreate(), SNAPSReportWrite()
@*/
PetscErrorCode SNAPSReportSetBool(SNAPSReport r, const char key[], PetscBool value)
{
  PetscFunctionBegin;
  PetscValidPointer(r, 1);
  PetscValidCharPointer(key, 2);
  PetscCall(ReportPut_Private(r->root, key, cJSON_CreateBool(value ? 1 : 0)));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSReportSetString - Adds or replaces a string field of a report

  Not Collective

  Input Parameters:
+ r     - the report
. key   - the field's name (a top-level key)
- value - the string (a file name, a stop reason, ...)

  Notes:
  Bytes of value that are not valid UTF-8 (a file name in Latin-1) are written as the characters U+0080 to U+00FF of
  the same values, so that the report stays valid JSON; quotes and control characters are escaped.

  Level: intermediate

.seealso: SNAPSReportCreate(), SNAPSReportWrite()
@*/
PetscErrorCode SNAPSReportSetString(SNAPSReport r, const char key[], const char value[])
{
  PetscFunctionBegin;
  PetscValidPointer(r, 1);
  PetscValidCharPointer(key, 2);
  PetscValidCharPointer(value, 3);
  PetscCall(ReportPut_Private(r->root, key, ReportString_Private(value)));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSReportSetRealArray - Adds or replaces an array of reals in a report

  Not Collective

  Input Parameters:
+ r      - the report
. key    - the array's name (a top-level key)
. n      - the number of values (0: an empty array; negative: PETSC_ERR_ARG_OUTOFRANGE)
- values - the values; NaN and Inf are written as null

  Level: intermediate

.seealso: SNAPSReportCreate(), SNAPSReportSetReal(), SNAPSReportWrite()
@*/
PetscErrorCode SNAPSReportSetRealArray(SNAPSReport r, const char key[], PetscInt n, const PetscReal values[])
{
  cJSON *array;

  PetscFunctionBegin;
  PetscValidPointer(r, 1);
  PetscValidCharPointer(key, 2);
  PetscCheck(n >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Report array '%s' has negative length %" PetscInt_FMT, key, n);
  if (n) PetscValidRealPointer(values, 4);
  array = cJSON_CreateArray();
  PetscCheck(array, PETSC_COMM_SELF, PETSC_ERR_MEM, "Out of memory building report entry '%s'", key);
  for (PetscInt i = 0; i < n; i++) {
    cJSON *item = ReportReal_Private(values[i]);

    if (!item) cJSON_Delete(array);
    PetscCheck(item, PETSC_COMM_SELF, PETSC_ERR_MEM, "Out of memory building report entry '%s'", key);
    cJSON_AddItemToArray(array, item);
  }
  PetscCall(ReportPut_Private(r->root, key, array));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSReportWrite - Writes rank 0's report as JSON (one object, a final newline) to a file, atomically

  Collective

  Input Parameters:
+ r        - the report
- filename - the file, written with SNAPSWriteFileAtomic(): a temporary file in its directory, synced, then renamed
             over it (or copied into a stream such as /dev/null)

  Notes:
  The report may be written more than once (a report updated while a long run goes on). Every rank returns the same
  error: PETSC_ERR_MEM when the JSON cannot be formatted or copied on rank 0, else SNAPSWriteFileAtomic()'s
  (PETSC_ERR_FILE_WRITE naming the step that failed and its errno, PETSC_ERR_ARG_SIZ for a name too long); an existing
  file is then left as it was.

  Level: intermediate

.seealso: SNAPSReportCreate(), SNAPSWriteFileAtomic()
@*/
PetscErrorCode SNAPSReportWrite(SNAPSReport r, const char filename[])
{
  PetscMPIInt    rank;
  PetscErrorCode ierr;
  char          *json = NULL, *buf = NULL;
  size_t         len = 0;
  int            ok  = 1;

  PetscFunctionBegin;
  PetscValidPointer(r, 1);
  PetscValidCharPointer(filename, 2);
  PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
  if (rank == 0) {
    json = cJSON_Print(r->root);
    ok   = json != NULL;
    if (ok) { /* no PetscCall before the broadcast: a rank 0 that returned here would leave the others waiting in it */
      len = strlen(json);
      ok  = !PetscMalloc1(len + 2, &buf);
      if (ok) {
        (void)memcpy(buf, json, len);
        buf[len++] = '\n';
        buf[len]   = 0;
      }
      cJSON_free(json);
    }
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, r->comm));
  PetscCheck(ok, r->comm, PETSC_ERR_MEM, "Out of memory formatting report for '%s'", filename);
  ierr = SNAPSWriteFileAtomic(r->comm, filename, buf, len);
  PetscCall(PetscFree(buf));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSReportDestroy - Frees a report and sets the pointer to NULL

  Collective

  Input Parameter:
. r - the report; a pointer to NULL (or NULL itself) does nothing

  Notes:
  Collective because it releases the report's duplicate of its communicator (PetscCommDestroy()).

  Level: intermediate

.seealso: SNAPSReportCreate()
@*/
PetscErrorCode SNAPSReportDestroy(SNAPSReport *r)
{
  PetscFunctionBegin;
  if (!r || !*r) PetscFunctionReturn(0);
  cJSON_Delete((*r)->root);
  PetscCall(PetscCommDestroy(&(*r)->comm));
  PetscCall(PetscFree(*r));
  PetscFunctionReturn(0);
}

/* Opens a new temporary file for writing: exclusively (an existing name, or a link planted there, fails) and readable
   by its owner only (0600); the one place of these flags (SNAPSTemporaryCreate(), the JSON and XDMF writer). */
static int OpenTemporary(const char tmp[])
{
  return open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/* SNAPSWriteFileAtomic (sync) or SNAPSWriteFileReplace (no fsync of the file or its directory). */
static PetscErrorCode WriteFileReplace(MPI_Comm comm, const char filename[], const char buffer[], size_t len, PetscBool sync)
{
  enum { STEP_OK,
         STEP_ARG,
         STEP_OPEN,
         STEP_WRITE,
         STEP_SYNC,
         STEP_CLOSE,
         STEP_RENAME };
  static const char *what[] = {"", "no buffer given on rank 0", "cannot create temporary file", "cannot write", "cannot flush to disk", "cannot close", "cannot move the temporary file into place"};
  PetscMPIInt        rank;
  int                state[2] = {STEP_OK, 0}; /* failed step, errno */
  char               tmp[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscValidCharPointer(filename, 2);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  /* Every rank builds the name so that a bad filename fails everywhere; the margin covers any pid. */
  PetscCheck(strlen(filename) + 64 < sizeof(tmp), comm, PETSC_ERR_ARG_SIZ, "Cannot write '%s': file name too long", filename);
  PetscCall(SNAPSTemporaryName(filename, tmp, sizeof(tmp)));
  if (rank == 0) {
    FILE *fp = NULL;

    if (len && !buffer) state[0] = STEP_ARG;
    if (!state[0]) {
      int fd = OpenTemporary(tmp);

      if (fd < 0 || !(fp = fdopen(fd, "wb"))) {
        state[0] = STEP_OPEN;
        state[1] = errno;
        if (fd >= 0) {
          (void)close(fd);
          (void)unlink(tmp);
        }
      }
    }
    if (!state[0] && len && fwrite(buffer, 1, len, fp) != len) {
      state[0] = STEP_WRITE;
      state[1] = errno;
    }
    if (!state[0] && (fflush(fp) || (sync && fsync(fileno(fp))))) {
      state[0] = STEP_SYNC;
      state[1] = errno;
    }
    if (fp && fclose(fp) && !state[0]) {
      state[0] = STEP_CLOSE;
      state[1] = errno;
    }
    if (!state[0]) {
      PetscErrorCode outcome = 0;
      PetscCall(SNAPSCommitLocal(tmp, filename, &outcome, &state[1]));
      if (outcome) state[0] = STEP_RENAME;
    } else if (state[0] > STEP_OPEN)
      (void)unlink(tmp);
    if (!state[0] && sync) {
      /* Best effort: make the rename itself durable by syncing the directory. */
      char *slash = strrchr(tmp, '/');
      int   fd;

      if (slash)
        *(slash == tmp ? slash + 1 : slash) = 0;
      else
        (void)snprintf(tmp, sizeof(tmp), ".");
      fd = open(tmp, O_RDONLY | O_DIRECTORY);
      if (fd >= 0) {
        (void)fsync(fd);
        (void)close(fd);
      }
    }
  }
  PetscCallMPI(MPI_Bcast(state, 2, MPI_INT, 0, comm));
  PetscCheck(state[0] != STEP_ARG, comm, PETSC_ERR_ARG_NULL, "Cannot write '%s': %s", filename, what[STEP_ARG]);
  PetscCheck(!state[0], comm, PETSC_ERR_FILE_WRITE, "Cannot write '%s': %s: %s", filename, what[state[0]], strerror(state[1]));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSWriteFileAtomic - Writes rank 0's buffer to a file atomically: readers see the old file or the whole new one

  Collective

  Input Parameters:
+ comm     - the ranks that take part; rank 0 writes
. filename - the file to write
. buffer   - rank 0's data (other ranks may pass NULL)
- len      - rank 0's byte count (0: an empty file)

  Notes:
  The data go to a temporary file (SNAPSTemporaryName(): in the directory of filename's target, mode 0600), flushed
  and fsync'ed, then moved into place (SNAPSMoveIntoPlace(): renamed over the target of a symbolic link, an existing
  file's permission bits kept, or copied into a stream such as /dev/null), and the directory is fsync'ed (best effort).
  On failure the temporary file is removed and an existing filename is left as it was. The outcome is broadcast:
  every rank returns the same error, PETSC_ERR_ARG_NULL for a NULL buffer with len > 0 on rank 0, PETSC_ERR_ARG_SIZ
  for a name too long, else PETSC_ERR_FILE_WRITE naming the step that failed and its errno.

  Level: developer

.seealso: SNAPSWriteFileReplace(), SNAPSCommitTemporary(), SNAPSMoveIntoPlace(), SNAPSReportWrite()
@*/
PetscErrorCode SNAPSWriteFileAtomic(MPI_Comm comm, const char filename[], const char buffer[], size_t len)
{
  PetscFunctionBegin;
  PetscCall(WriteFileReplace(comm, filename, buffer, len, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSWriteFileReplace - Writes rank 0's buffer to a file as SNAPSWriteFileAtomic() does (readers see the old file or
  the whole new one), but without fsync of the file or its directory

  Collective

  Input Parameters:
+ comm     - the ranks that take part; rank 0 writes
. filename - the file to write
. buffer   - rank 0's data (other ranks may pass NULL)
- len      - rank 0's byte count

  Notes:
  For files that describe others that are not synced either, such as the XDMF of a trajectory (its HDF5 file is
  flushed, not synced), where the two fsyncs cost 20 ms, a sixth of a 200-time-unit surrogate rollout. Errors as
  SNAPSWriteFileAtomic()'s.

  Level: developer

.seealso: SNAPSWriteFileAtomic()
@*/
PetscErrorCode SNAPSWriteFileReplace(MPI_Comm comm, const char filename[], const char buffer[], size_t len)
{
  PetscFunctionBegin;
  PetscCall(WriteFileReplace(comm, filename, buffer, len, PETSC_FALSE));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSOutputIsStream - Whether an output name, as given, is a stream: an existing character device such as /dev/null
  or a terminal, written into and never renamed over

  Not Collective

  Input Parameter:
. filename - the output's name

  Output Parameter:
. stream - whether stat() of the name (a link is followed, including the /proc/<pid>/fd links behind /dev/stdout)
           finds a character device; PETSC_FALSE for a name that does not exist

  Notes:
  Any other non-regular file (a FIFO or pipe, a socket, a block device) is not a stream either: it is not an output
  (SNAPSCheckOutputs() refuses it).

  Level: developer

.seealso: SNAPSOutputTarget(), SNAPSMoveIntoPlace(), SNAPSCheckOutputs()
@*/
PetscErrorCode SNAPSOutputIsStream(const char filename[], PetscBool *stream)
{
  struct stat st;

  PetscFunctionBegin;
  PetscValidCharPointer(filename, 1);
  PetscValidBoolPointer(stream, 2);
  *stream = (PetscBool)(!stat(filename, &st) && S_ISCHR(st.st_mode));
  PetscFunctionReturn(0);
}

/* Whether the symbolic link path is one of the kernel's links to an open file (/proc/<pid>/fd/N, hence /dev/fd/N,
   /dev/stdout, /dev/stderr): its text is not a name to rename over (a pipe's 'pipe:[N]', or the file a descriptor holds,
   such as a redirected stdout, whose holder would keep the replaced inode). Judged by the file system of its directory
   (proc), and by name where that cannot be asked. */
static PetscBool ThroughDescriptor(const char path[])
{
  char        dir[PETSC_MAX_PATH_LEN];
  const char *slash = strrchr(path, '/');

  if (!strncmp(path, "/proc/", 6) || !strncmp(path, "/dev/fd/", 8)) return PETSC_TRUE;
  if (!slash)
    (void)snprintf(dir, sizeof(dir), ".");
  else
    (void)snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
#if defined(__linux__)
  {
    struct statfs fs;

    if (!statfs(dir, &fs) && fs.f_type == 0x9fa0) return PETSC_TRUE; /* PROC_SUPER_MAGIC */
  }
#endif
  return PETSC_FALSE;
}

/*@C
  SNAPSOutputTarget - The file that an atomic write to filename replaces: filename with the symbolic links of its last
  component followed (a chain; a relative link is taken in the directory of the link), so that the write updates the
  file a link points to and the link stays. A name that is not a link, or does not exist, is its own target; so is a
  dangling link's target, which the write creates; so is a stream (SNAPSOutputIsStream()), which is written into. A
  chain through a link to an open file descriptor (/proc/<pid>/fd/N, /dev/fd/N, /dev/stdout: for example stdout
  redirected to a file) is not followed: *err is SNAPS_OUTPUT_THROUGH_FD, since renaming over that file would lose it
  and whatever its holder writes later. Not collective.

  Input Parameters:
+ filename - the output's name
- len      - the room in target

  Output Parameters:
+ target - the file to replace (filename when *err is set)
- err    - 0, SNAPS_OUTPUT_THROUGH_FD (negative), or the errno of a link that cannot be followed (ELOOP after 40 links,
           ENAMETOOLONG, readlink()'s)

  Level: developer

.seealso: SNAPSTemporaryName(), SNAPSMoveIntoPlace(), SNAPSCheckOutputs(), SNAPSOutputIsStream()
@*/
PetscErrorCode SNAPSOutputTarget(const char filename[], char target[], size_t len, int *err)
{
  char        link[PETSC_MAX_PATH_LEN], next[PETSC_MAX_PATH_LEN];
  struct stat st;
  int         hops = 0;
  PetscBool   stream;

  PetscFunctionBegin;
  PetscValidCharPointer(filename, 1);
  PetscValidCharPointer(target, 2);
  PetscValidIntPointer(err, 4);
  *err = 0;
  PetscCheck(strlen(filename) < len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "The file name '%s' does not fit in %zu characters", filename, len);
  (void)snprintf(target, len, "%s", filename);
  PetscCall(SNAPSOutputIsStream(filename, &stream));
  if (stream) PetscFunctionReturn(0);
  while (!lstat(target, &st) && S_ISLNK(st.st_mode)) {
    const char *slash = strrchr(target, '/');
    ssize_t     n;
    int         w;

    if (ThroughDescriptor(target)) {
      *err = SNAPS_OUTPUT_THROUGH_FD;
      break;
    }
    if (++hops > 40) {
      *err = ELOOP;
      break;
    }
    n = readlink(target, link, sizeof(link) - 1);
    if (n < 0 || (size_t)n >= sizeof(link) - 1) {
      *err = n < 0 ? errno : ENAMETOOLONG;
      break;
    }
    link[n] = 0;
    if (link[0] == '/' || !slash)
      w = snprintf(next, sizeof(next), "%s", link);
    else
      w = snprintf(next, sizeof(next), "%.*s%s", (int)(slash + 1 - target), target, link);
    if (w < 0 || (size_t)w >= sizeof(next) || (size_t)w >= len) {
      *err = ENAMETOOLONG;
      break;
    }
    (void)snprintf(target, len, "%s", next);
  }
  if (*err) (void)snprintf(target, len, "%s", filename);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTemporaryPrefix - Builds the prefix of an output's temporary names: "<dir>/.<base>" for the target "<dir>/<base>"
  of filename, or "$TMPDIR/.<base>" for a stream

  Not Collective

  Input Parameters:
+ filename - the output's name
- outlen   - the room in out

  Output Parameter:
. out - the prefix

  Notes:
  The target is SNAPSOutputTarget()'s (symbolic links followed), so that the temporary file is renamed within the
  target's file system; ".<base>" when it has no directory. A stream (SNAPSOutputIsStream(): a character device such
  as /dev/null), whose directory may not be writable and which is never renamed over, gets $TMPDIR (/tmp when TMPDIR
  is unset or empty). A name ending in '/' is PETSC_ERR_ARG_WRONG; a prefix longer than outlen - 1 is
  PETSC_ERR_ARG_SIZ.

  Level: developer

.seealso: SNAPSTemporaryName(), SNAPSOutputTarget()
@*/
PetscErrorCode SNAPSTemporaryPrefix(const char filename[], char out[], size_t outlen)
{
  char        target[PETSC_MAX_PATH_LEN];
  const char *slash, *base;
  int         w, err;
  PetscBool   stream;

  PetscFunctionBegin;
  PetscValidCharPointer(filename, 1);
  PetscValidCharPointer(out, 2);
  PetscCall(SNAPSOutputTarget(filename, target, sizeof(target), &err)); /* a link that cannot be followed: its own place (the commit fails) */
  PetscCall(SNAPSOutputIsStream(filename, &stream));
  slash = strrchr(target, '/');
  base  = slash ? slash + 1 : target;
  PetscCheck(base[0], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "'%s' is not a file name (it names a directory)", filename);
  if (stream) {
    const char *dir = getenv("TMPDIR");

    w = snprintf(out, outlen, "%s/.%s", dir && dir[0] ? dir : "/tmp", base);
  } else
    w = snprintf(out, outlen, "%.*s.%s", (int)(base - target), target, base);
  PetscCheck(w >= 0 && (size_t)w < outlen, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "Temporary name for '%s' does not fit in %zu characters", filename, outlen);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTemporaryName - Builds the temporary name "<prefix>.tmp.<pid>.<n>" under which an atomic write of filename
  writes its data, n counting the calls in this process, so that no two temporary files of this or another process
  share a name

  Not Collective

  Input Parameters:
+ filename - the output's name
- outlen   - the room in out

  Output Parameter:
. out - the temporary name; its prefix is SNAPSTemporaryPrefix()'s (the directory of a symbolic link's target, or
        $TMPDIR for a stream)

  Notes:
  A collective writer uses rank 0's name (the pid differs between ranks). A base name that would pass 255 bytes is cut,
  the unique end kept. Create the file with SNAPSTemporaryCreate(); errors as SNAPSTemporaryPrefix()'s.

  Level: developer

.seealso: SNAPSTemporaryPrefix(), SNAPSTemporaryCreate(), SNAPSCommitTemporary(), SNAPSWriteFileAtomic()
@*/
PetscErrorCode SNAPSTemporaryName(const char filename[], char out[], size_t outlen)
{
  static unsigned long count = 0;
  size_t               n;
  int                  w;
  char                 end[64];
  const char          *slash;

  PetscFunctionBegin;
  PetscCall(SNAPSTemporaryPrefix(filename, out, outlen));
  (void)snprintf(end, sizeof(end), ".tmp.%ld.%lu", (long)getpid(), count++);
  n     = strlen(out);
  slash = strrchr(out, '/');
  /* a long name's temporary must still be a valid file name (255 bytes): its base is cut, the unique end kept */
  if (n - (size_t)(slash ? slash + 1 - out : 0) + strlen(end) > 255) n = (size_t)(slash ? slash + 1 - out : 0) + 255 - strlen(end);
  w = snprintf(out + n, outlen - n, "%s", end);
  PetscCheck(w >= 0 && (size_t)w < outlen - n, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "Temporary name for '%s' does not fit in %zu characters", filename, outlen);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSTemporaryCreate - Creates a temporary file empty, exclusively and readable by its owner only (mode 0600)

  Not Collective

  Input Parameter:
. tmp - the name (SNAPSTemporaryName())

  Output Parameter:
. err - 0, or the errno of the failure (may be NULL, where the writer's own open reports the failure)

  Notes:
  Exclusively: an existing name, or a link planted there, fails (O_EXCL, O_NOFOLLOW), so that no one else reads the
  data while it is written. A writer then opens it for writing (fopen "wb", H5Fcreate with H5F_ACC_TRUNC), which
  keeps that mode; SNAPSMoveIntoPlace() gives it its final mode. A failure is not raised: it is in err. A collective
  writer calls it on rank 0, before the others open the file.

  Level: developer

.seealso: SNAPSTemporaryName(), SNAPSMoveIntoPlace()
@*/
PetscErrorCode SNAPSTemporaryCreate(const char tmp[], int *err)
{
  int fd, e = 0;

  PetscFunctionBegin;
  PetscValidCharPointer(tmp, 1);
  fd = OpenTemporary(tmp);
  if (fd < 0)
    e = errno;
  else if (close(fd))
    e = errno;
  if (err) *err = e;
  PetscFunctionReturn(0);
}

/* The process's umask, read once: from /proc/self/status where it is shown (no change to it), else by setting and
   restoring it. */
static mode_t Umask(void)
{
  static int    known = 0;
  static mode_t mask  = 022;

  if (!known) {
    FILE        *fp = fopen("/proc/self/status", "r");
    char         line[256];
    unsigned int m;
    int          found = 0;

    if (fp) {
      while (!found && fgets(line, sizeof(line), fp))
        if (sscanf(line, "Umask: %o", &m) == 1) found = 1;
      (void)fclose(fp);
    }
    if (found)
      mask = (mode_t)m;
    else {
      mask = umask(077);
      (void)umask(mask);
    }
    known = 1;
  }
  return mask;
}

/*@C
  SNAPSCopyFile - Copies a file byte for byte on this process

  Not Collective

  Input Parameters:
+ src - the file to copy
- dst - the copy, created or truncated

  Notes:
  A source that cannot be read or a copy that cannot be created is PETSC_ERR_FILE_OPEN; a failed read, write or close
  is PETSC_ERR_FILE_WRITE, and dst is removed, so that no partial copy is left. The copy is not atomic (dst is written
  in place); a new dst gets a new file's mode, an existing one keeps its own.

  Level: developer

.seealso: SNAPSMoveIntoPlace()
@*/
PetscErrorCode SNAPSCopyFile(const char src[], const char dst[])
{
  FILE     *in, *out;
  char      buf[1 << 16];
  size_t    got;
  PetscBool ok = PETSC_TRUE;
  int       err;

  PetscFunctionBegin;
  in = fopen(src, "rb");
  PetscCheck(in, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot read '%s': %s", src, strerror(errno));
  out = fopen(dst, "wb");
  err = errno;
  if (!out) fclose(in);
  PetscCheck(out, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot create '%s': %s", dst, strerror(err));
  err = 0; /* the errno of the first failure: a write error may show only when fclose() flushes */
  while (ok && (got = fread(buf, 1, sizeof(buf), in)) > 0)
    if (fwrite(buf, 1, got, out) != got) {
      ok  = PETSC_FALSE;
      err = errno;
    }
  if (ok && ferror(in)) {
    ok  = PETSC_FALSE;
    err = errno;
  }
  fclose(in);
  if (fclose(out) && ok) {
    ok  = PETSC_FALSE;
    err = errno;
  }
  if (!ok) (void)unlink(dst);
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Could not copy '%s' to '%s': %s", src, dst, strerror(err ? err : EIO));
  PetscFunctionReturn(0);
}

/* Copies the file src into the stream dst (a character device: opened for writing, neither created nor truncated).
   Returns 0 or the errno of the first failure. */
static int CopyIntoStream(const char src[], const char dst[])
{
  char    buf[1 << 16];
  int     in = open(src, O_RDONLY), out, err = 0;
  ssize_t n;

  if (in < 0) return errno;
  out = open(dst, O_WRONLY | O_NOCTTY);
  if (out < 0) {
    err = errno;
    (void)close(in);
    return err;
  }
  while (!err && (n = read(in, buf, sizeof(buf))) != 0) {
    if (n < 0) {
      if (errno != EINTR) err = errno;
      continue;
    }
    for (ssize_t off = 0; off < n && !err;) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));

      if (w >= 0)
        off += w;
      else if (errno != EINTR)
        err = errno;
    }
  }
  (void)close(in);
  if (close(out) && !err) err = errno;
  return err;
}

/*@C
  SNAPSMoveIntoPlace - Puts the complete file tmp (SNAPSTemporaryName()) in the place of filename on this process: renamed
  over filename's target (SNAPSOutputTarget(): a symbolic link stays and its file is replaced), with an existing file's
  permission bits (and, where allowed, owner and group), else a new file's (0666 less the umask); or, when filename is a
  stream (SNAPSOutputIsStream(): a character device such as /dev/null or a terminal), copied into it and removed.
  Anything else that is not a regular file (a FIFO, a block device, a socket), or a name that reaches a file through a
  link to an open descriptor (/dev/stdout redirected to a file), is not replaced: ENOTSUP. Not collective.

  Input Parameters:
+ tmp      - the temporary file holding the data
- filename - the file it replaces

  Output Parameter:
. err - 0, or the errno of the failure (tmp is then left as it was)

  Level: developer

.seealso: SNAPSCommitLocal(), SNAPSTemporaryName(), SNAPSCheckOutputs()
@*/
PetscErrorCode SNAPSMoveIntoPlace(const char tmp[], const char filename[], int *err)
{
  char        target[PETSC_MAX_PATH_LEN];
  struct stat st;
  PetscBool   stream;

  PetscFunctionBegin;
  PetscValidCharPointer(tmp, 1);
  PetscValidCharPointer(filename, 2);
  PetscValidIntPointer(err, 3);
  *err = 0;
  PetscCall(SNAPSOutputIsStream(filename, &stream));
  if (stream) {
    *err = CopyIntoStream(tmp, filename);
    if (!*err) (void)unlink(tmp);
    PetscFunctionReturn(0);
  }
  PetscCall(SNAPSOutputTarget(filename, target, sizeof(target), err));
  if (*err == SNAPS_OUTPUT_THROUGH_FD) *err = ENOTSUP;
  if (*err) PetscFunctionReturn(0);
  if (!stat(target, &st)) {
    if (S_ISREG(st.st_mode)) {
      /* the replacement is the same file to its users: chown first (it may clear set-user-ID bits), best effort */
      if ((st.st_uid != geteuid() || st.st_gid != getegid()) && chown(tmp, st.st_uid, st.st_gid)) {}
      (void)chmod(tmp, st.st_mode & 07777);
    } else if (!S_ISDIR(st.st_mode)) { /* a directory: rename() says so */
      *err = ENOTSUP;
      PetscFunctionReturn(0);
    }
  } else
    (void)chmod(tmp, 0666 & ~Umask()); /* a new file: created 0600 (SNAPSTemporaryCreate()), now as any new file */
  if (rename(tmp, target)) *err = errno;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCommitLocal - Finishes an atomic write on one process: moves tmp into the place of filename (SNAPSMoveIntoPlace():
  renamed over it, or copied into a stream) when *outcome is 0 (a failure sets *outcome to PETSC_ERR_FILE_WRITE and
  *err to errno), and removes tmp when *outcome is (or becomes) nonzero, so an existing filename is replaced only by a
  complete file. Not collective.

  Input Parameters:
+ tmp      - the temporary file holding the data (SNAPSTemporaryName())
- filename - the file it replaces

  Input/Output Parameters:
+ outcome - 0 if the data was written completely, else the writer's error code
- err     - errno of a failed move (unchanged otherwise)

  Level: developer

.seealso: SNAPSCommitTemporary(), SNAPSTemporaryName(), SNAPSWriteFileAtomic(), SNAPSMoveIntoPlace()
@*/
PetscErrorCode SNAPSCommitLocal(const char tmp[], const char filename[], PetscErrorCode *outcome, int *err)
{
  PetscFunctionBegin;
  if (!*outcome) {
    int e;

    PetscCall(SNAPSMoveIntoPlace(tmp, filename, &e));
    if (e) {
      *outcome = PETSC_ERR_FILE_WRITE;
      *err     = e;
    }
  }
  if (*outcome) (void)unlink(tmp);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCommitTemporary - Finishes a collective atomic write whose data went to tmp: rank 0 commits it
  (SNAPSCommitLocal()) and every rank returns rank 0's *outcome and *err, so all ranks agree on the failure.
  Collective.

  Input Parameters:
+ comm     - the ranks that wrote
. tmp      - the temporary file (the same name on every rank)
- filename - the file it replaces

  Input/Output Parameters:
+ outcome - rank 0's: 0 if the data was written completely, else the writer's error code; on return rank 0's
            outcome of the commit on every rank
- err     - on return rank 0's errno of a failed rename

  Level: developer

.seealso: SNAPSCommitLocal(), SNAPSTemporaryName()
@*/
PetscErrorCode SNAPSCommitTemporary(MPI_Comm comm, const char tmp[], const char filename[], PetscErrorCode *outcome, int *err)
{
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) PetscCall(SNAPSCommitLocal(tmp, filename, outcome, err));
  PetscCallMPI(MPI_Bcast(outcome, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(err, 1, MPI_INT, 0, comm));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSRaiseLocalError - Raises on comm, once, an error of work that each rank did alone (such as reading a file that
  every rank needs whole), with PETSc's error printing held back while it ran (PetscPushErrorHandler() with
  PetscReturnErrorHandler): the error code and message of the first rank that failed, and that rank when others did not
  fail. Each rank raising its own error on PETSC_COMM_SELF printed it once per rank (64 copies of one message on 64
  ranks). Collective.

  Input Parameters:
+ comm - the ranks that did the work
- ierr - the outcome of the work on this rank (0: it succeeded)

  Level: developer
@*/
PetscErrorCode SNAPSRaiseLocalError(MPI_Comm comm, PetscErrorCode ierr)
{
  PetscMPIInt rank, size, first, failed; /* the first rank that failed (size: none), and how many did */
  char        why[PETSC_MAX_PATH_LEN + 512] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  first  = ierr ? rank : size;
  failed = ierr ? 1 : 0;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm));
  if (first == size) PetscFunctionReturn(0);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_SUM, comm));
  if (rank == first) (void)SNAPSErrorMessage(ierr, why, sizeof(why)); /* not PetscCall: the other ranks wait in the Bcast */
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, first, comm));
  PetscCallMPI(MPI_Bcast(why, (PetscMPIInt)sizeof(why), MPI_CHAR, first, comm));
  /* some ranks only (a file on a disk that the others do not share): which, for the user to look there */
  if (failed < size) SETERRQ(comm, ierr, "%s\n(on rank %d: %d of the %d ranks failed, the others did not)", why[0] ? why : "failed (no message)", first, failed, size);
  SETERRQ(comm, ierr, "%s", why[0] ? why : "failed (no message)");
}

/*@C
  SNAPSErrorMessage - Copies the message of the error just raised with code ierr (PETSc's "specific" message, the one
  an error handler such as PetscReturnErrorHandler held back), for an error raised again with more said around it.
  Not collective.

  Input Parameters:
+ ierr - the error code
- len  - the size of why

  Output Parameter:
. why - the message, cut to len - 1 characters; "" if there is none

  Level: developer

.seealso: SNAPSRaiseLocalError()
@*/
PetscErrorCode SNAPSErrorMessage(PetscErrorCode ierr, char why[], size_t len)
{
  char *specific = NULL;

  PetscFunctionBegin;
  if (!len) PetscFunctionReturn(0);
  why[0] = 0;
  (void)PetscErrorMessage(ierr, NULL, &specific); /* not PetscCall: it fails only for codes it does not know */
  if (specific) PetscCall(PetscStrncpy(why, specific, len));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSLoadLocal - Reads a file that every rank of comm needs whole (a model, a rollout surrogate, a trajectory): each
  rank runs load(ctx) alone, with HDF5's printing of its error stack turned off and PETSc's error printing held back
  (PetscPushErrorHandler() with PetscReturnErrorHandler), so that a bad file gets one message, not one trace per
  rank; then every rank runs after(ctx, here, anywhere), where here says whether load failed on this rank and
  anywhere whether it failed on some rank (to free what a partial load left, or to end a log event, before the
  error); then the first failing rank's error is raised once on comm, with its code and message
  (SNAPSRaiseLocalError()). Collective.

  Input Parameters:
+ comm  - the ranks that read
. load  - the read on this rank; it returns its error (its own clean-up done where it needs one)
. after - run on every rank after the reads, failed or not (NULL: nothing)
- ctx   - the context of load and after

  Level: developer

.seealso: SNAPSRaiseLocalError(), SNAPSErrorMessage()
@*/
PetscErrorCode SNAPSLoadLocal(MPI_Comm comm, PetscErrorCode (*load)(void *), PetscErrorCode (*after)(void *, PetscBool, PetscBool), void *ctx)
{
  PetscErrorCode ierr;
  H5E_auto2_t    func;
  void          *data;
  PetscMPIInt    failed;

  PetscFunctionBegin;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL)); /* one message for all ranks, below */
  ierr = (*load)(ctx);                                             /* not PetscCall: every rank must agree */
  PetscCall(PetscPopErrorHandler());
  H5Eset_auto2(H5E_DEFAULT, func, data);
  failed = ierr ? 1 : 0;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, comm));
  if (after) PetscCall((*after)(ctx, ierr ? PETSC_TRUE : PETSC_FALSE, failed ? PETSC_TRUE : PETSC_FALSE));
  PetscCall(SNAPSRaiseLocalError(comm, ierr));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSProgressStart - Starts the clock of progress lines (the -progress_every option of the programs that print
  them): the first line is due every wall seconds from now, and never for the point of progress at0 itself (the
  start: nothing done yet)

  Not Collective

  Input Parameters:
+ every - wall seconds between lines (0: a line at every call of SNAPSProgressDue() that moved on from the last line)
- at0   - the point of progress at the start (simulated time, solves done, ...)

  Output Parameter:
. p - the progress clock

  Level: developer

.seealso: SNAPSProgressDue()
@*/
PetscErrorCode SNAPSProgressStart(SNAPSProgress *p, PetscReal every, PetscReal at0)
{
  PetscFunctionBegin;
  PetscValidPointer(p, 1);
  PetscCall(PetscTime(&p->wall0));
  p->every     = every;
  p->wall_last = p->wall0;
  p->at_last   = at0;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSProgressDue - Whether a progress line is due at point at

  Collective

  Input Parameters:
+ comm  - the ranks that print the line together
. p     - the progress clock (SNAPSProgressStart())
. at    - the point of progress reached (simulated time, solves done, ...)
- force - whether the line is due whatever the clock says (a segment's end with -progress_every 0)

  Output Parameter:
. due - whether to print the line now

  Notes:
  Due when every wall seconds have passed since the last line (with every 0, at each call), or always with force;
  never twice for the same point (a segment's end that is also a saved row), nor for the start's. Rank 0's clock
  decides and its decision is broadcast, so that every rank takes part in the same reductions for the line (a step
  count summed over ranks) and no rank waits on a line the others skip. When due, p->wall_last is the wall clock now
  and p->at_last is at: the line's figures (wall time so far, p->wall_last - p->wall0) come from there.

  Level: developer

.seealso: SNAPSProgressStart()
@*/
PetscErrorCode SNAPSProgressDue(MPI_Comm comm, SNAPSProgress *p, PetscReal at, PetscBool force, PetscBool *due)
{
  PetscLogDouble now;
  int            d;

  PetscFunctionBegin;
  PetscValidPointer(p, 2);
  PetscValidBoolPointer(due, 5);
  PetscCall(PetscTime(&now));
  d = (force || now - p->wall_last >= p->every) && at != p->at_last;
  PetscCallMPI(MPI_Bcast(&d, 1, MPI_INT, 0, comm));
  *due = d ? PETSC_TRUE : PETSC_FALSE;
  if (d) {
    p->wall_last = now;
    p->at_last   = at;
  }
  PetscFunctionReturn(0);
}
