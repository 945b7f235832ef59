/* Unit test of snaps/report.h: reports written as JSON and read back, atomic writes and their failures.
   Usage: test_report <scratch directory>. Runs on any number of MPI ranks with the same results. */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* mknod, S_IFSOCK */
#endif
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <snaps/report.h>
#include <snaps/options.h>
#include <snaps/version.h>
#include <snaps/trajectory.h>

#include <cjson/cJSON.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

static char        scratch[PETSC_MAX_PATH_LEN];
static PetscMPIInt rank, size;

/* Rank 0 reads a whole file into a new string (NULL if it cannot). */
static char *ReadFile(const char path[])
{
  FILE *fp = fopen(path, "rb");
  char *s  = NULL;
  long  n;

  if (!fp) return NULL;
  if (!fseek(fp, 0, SEEK_END) && (n = ftell(fp)) >= 0 && !fseek(fp, 0, SEEK_SET) && (s = malloc((size_t)n + 1))) {
    if (fread(s, 1, (size_t)n, fp) != (size_t)n) {
      free(s);
      s = NULL;
    } else
      s[n] = 0;
  }
  fclose(fp);
  return s;
}

/* Counts files in directory dir whose names start with prefix and contain ".tmp." (-1 if dir is missing). */
static int CountTemporaries(const char dir[], const char prefix[])
{
  DIR           *d = opendir(dir);
  struct dirent *e;
  int            count = 0;

  if (!d) return -1;
  while ((e = readdir(d)))
    if (!strncmp(e->d_name, prefix, strlen(prefix)) && strstr(e->d_name, ".tmp.")) count++;
  closedir(d);
  return count;
}

/* Rank 0's result of a check, shared with every rank and turned into an error if it failed. */
static PetscErrorCode Agree(int ok, const char what[])
{
  char msg[256] = "";

  PetscFunctionBegin;
  if (rank == 0 && !ok) PetscCall(PetscStrncpy(msg, what ? what : "?", sizeof(msg)));
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Bcast(msg, (PetscMPIInt)sizeof(msg), MPI_CHAR, 0, PETSC_COMM_WORLD));
  PetscCheck(ok, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "check failed: %s", msg);
  PetscFunctionReturn(0);
}

/* The first failed check on rank 0, if any (checks on parsed files run on rank 0 only). */
static const char *failed = NULL;
#define Check(cond, what)                    \
  do {                                       \
    if (!failed && !(cond)) failed = (what); \
  } while (0)

/* The number named key of object equals want exactly. */
static int IsNumber(const cJSON *object, const char key[], double want)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
  return cJSON_IsNumber(item) && item->valuedouble == want;
}

/* Whether the NUL-terminated text is valid UTF-8 (RFC 3629), as JSON text must be. */
static int IsUtf8(const char text[])
{
  const unsigned char *s = (const unsigned char *)text;

  while (*s) {
    int n = *s < 0x80 ? 0 : *s >= 0xC2 && *s <= 0xDF ? 1
                        : *s >= 0xE0 && *s <= 0xEF   ? 2
                        : *s >= 0xF0 && *s <= 0xF4   ? 3
                                                     : -1;

    if (n < 0) return 0;
    if (n == 2 && ((*s == 0xE0 && s[1] < 0xA0) || (*s == 0xED && s[1] > 0x9F))) return 0; /* overlong, surrogate */
    if (n == 3 && ((*s == 0xF0 && s[1] < 0x90) || (*s == 0xF4 && s[1] > 0x8F))) return 0; /* overlong, past U+10FFFF */
    for (int k = 1; k <= n; k++)
      if ((s[k] & 0xC0) != 0x80) return 0;
    s += n + 1;
  }
  return 1;
}

/* Builds a report with every kind of value, replaces keys, writes it, and checks the file on rank 0. */
static PetscErrorCode TestWriteAndRead(void)
{
  SNAPSReport     r;
  char            file[PETSC_MAX_PATH_LEN], prefix[64];
  const PetscReal arr[4] = {1.0, -2.5, NAN, 1e-300};

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/report_np%d.json", scratch, size));
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), ".report_np%d.json", size));
  /* the options that produced the report, with a value JSON must escape (a quote, a newline, a Latin-1 byte) */
  PetscCall(PetscOptionsSetValue(NULL, "-test_report_note", "say \"hi\"\n caf\xe9"));
  PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &r));
  PetscCall(PetscOptionsClearValue(NULL, "-test_report_note"));
  PetscCall(SNAPSReportSetReal(r, "rmse", 0.125));
  PetscCall(SNAPSReportSetReal(r, "nan", NAN));
  PetscCall(SNAPSReportSetReal(r, "inf", -INFINITY));
  PetscCall(SNAPSReportSetInt(r, "iterations", 42));
  PetscCall(SNAPSReportSetString(r, "solver", "tao \"blmvm\"\n"));
  /* a file name in Latin-1, valid UTF-8, an encoded surrogate, a 4-byte character and a sequence cut short */
  PetscCall(SNAPSReportSetString(r, "path", "caf\xe9.h5 \xc3\xa9 \xed\xa0\x80 \xf0\x9f\x98\x80 \xc3"));
  PetscCall(SNAPSReportSetRealArray(r, "history", 4, arr));
  PetscCall(SNAPSReportSetRealArray(r, "empty", 0, NULL));
  PetscCall(SNAPSReportSetReal(r, "rmse", 0.0625));         /* replaced */
  PetscCall(SNAPSReportSetString(r, "iterations", "many")); /* replaced, with another type */
  PetscCall(SNAPSReportSetInt(r, "iterations", 43));        /* and back */
  PetscCall(SNAPSReportWrite(r, file));
  PetscCall(SNAPSReportSetReal(r, "rmse", 0.03125));
  PetscCall(SNAPSReportWrite(r, file)); /* overwrites */
  PetscCall(SNAPSReportDestroy(&r));
  PetscCall(SNAPSReportDestroy(&r)); /* destroying NULL is fine */

  if (rank == 0) {
    char        *text = ReadFile(file);
    cJSON       *root = text ? cJSON_Parse(text) : NULL;
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(root, "history"), *m = cJSON_GetObjectItemCaseSensitive(root, "machine"), *item;
    const cJSON *date = cJSON_GetObjectItemCaseSensitive(root, "date"), *s = cJSON_GetObjectItemCaseSensitive(root, "solver");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "empty"), *v = cJSON_GetObjectItemCaseSensitive(root, "snaps_version");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(root, "path"), *opts = cJSON_GetObjectItemCaseSensitive(root, "options");
    int          rmse = 0;

    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s", text ? text : "(no file)\n"));
    cJSON_ArrayForEach(item, root) if (item->string && !strcmp(item->string, "rmse")) rmse++;
    Check(root, "file parses as JSON");
    Check(rmse == 1 && IsNumber(root, "rmse", 0.03125) && IsNumber(root, "iterations", 43), "rmse and iterations replaced, once each");
    Check(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "nan")) && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "inf")), "NaN and Inf written as null");
    Check(cJSON_IsString(s) && !strcmp(s->valuestring, "tao \"blmvm\"\n"), "string with quotes and newline");
    Check(text && IsUtf8(text), "the report is valid UTF-8 (a string's bytes that are not UTF-8 are escaped)");
    Check(cJSON_IsString(path) && !strcmp(path->valuestring, "caf\xc3\xa9.h5 \xc3\xa9 \xc3\xad\xc2\xa0\xc2\x80 \xf0\x9f\x98\x80 \xc3\x83"), "bytes that are not UTF-8 written as U+0080..U+00FF, valid UTF-8 kept");
    Check(cJSON_IsArray(h) && cJSON_GetArraySize(h) == 4 && cJSON_GetArrayItem(h, 0)->valuedouble == 1.0 && cJSON_GetArrayItem(h, 1)->valuedouble == -2.5 && cJSON_IsNull(cJSON_GetArrayItem(h, 2)) && cJSON_GetArrayItem(h, 3)->valuedouble == 1e-300, "real array, with NaN as null");
    Check(cJSON_IsArray(e) && cJSON_GetArraySize(e) == 0, "empty array");
    Check(IsNumber(root, "ranks", size), "ranks");
    Check(cJSON_IsString(opts) && strstr(opts->valuestring, "-test_report_note say \"hi\"\n caf\xc3\xa9"), "options: the run's options, escaped");
    Check(cJSON_IsString(v) && !strcmp(v->valuestring, SNAPS_VERSION), "snaps_version");
    Check(cJSON_IsString(date) && strlen(date->valuestring) == 20 && date->valuestring[10] == 'T' && date->valuestring[19] == 'Z', "ISO 8601 UTC date");
    Check(cJSON_IsObject(m) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m, "host")) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m, "cpu_model")) && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(m, "cores")) && cJSON_GetObjectItemCaseSensitive(m, "cores")->valuedouble >= 1, "machine host, cpu_model, cores");
    Check(CountTemporaries(scratch, prefix) == 0, "no temporary file left after writing");
    cJSON_Delete(root);
    free(text);
  }
  PetscCall(Agree(!failed, failed));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "write and read back: ok\n"));
  PetscFunctionReturn(0);
}

/* Checks that ierr is code and that PETSc's message contains expect, on every rank. */
static PetscErrorCode ExpectError(PetscErrorCode ierr, PetscErrorCode code, const char expect[], const char what[])
{
  char *msg = NULL;

  PetscFunctionBegin;
  PetscCheck(ierr == code, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: expected error code %d, got %d", what, (int)code, (int)ierr);
  PetscCall(PetscErrorMessage(ierr, NULL, &msg));
  PetscCheck(msg && strstr(msg, expect), PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: message '%s' does not contain '%s'", what, msg ? msg : "(none)", expect);
  if (rank == 0) PetscCall(PetscPrintf(PETSC_COMM_SELF, "  rejected %s [%d] %s\n", what, (int)ierr, msg));
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

/* Failed writes: a missing directory, and a target that is a directory (the temporary file is created,
   the rename fails, and the temporary file must be removed). Every rank returns the error. */
static PetscErrorCode TestFailures(void)
{
  SNAPSReport    r;
  char           file[PETSC_MAX_PATH_LEN], dir[PETSC_MAX_PATH_LEN], prefix[64];
  PetscErrorCode ierr;
  int            ok = 1;

  PetscFunctionBegin;
  PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &r));
  PetscCall(SNAPSReportSetInt(r, "n", 1));

  PetscCall(PetscSNPrintf(dir, sizeof(dir), "%s/report_no_such_dir_np%d", scratch, size));
  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/r.json", dir));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSReportWrite(r, file);
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_FILE_WRITE, "cannot create temporary file: No such file or directory", "missing directory"));
  if (rank == 0) ok = access(dir, F_OK) != 0 && access(file, F_OK) != 0;
  PetscCall(Agree(ok, "nothing created for a missing directory"));

  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/report_isdir_np%d", scratch, size));
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), ".report_isdir_np%d", size));
  if (rank == 0) ok = (mkdir(file, 0755) == 0 || errno == EEXIST);
  PetscCall(Agree(ok, "mkdir"));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSReportWrite(r, file);
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_FILE_WRITE, "cannot move the temporary file into place: Is a directory", "target is a directory"));
  if (rank == 0) ok = CountTemporaries(scratch, prefix) == 0;
  PetscCall(Agree(ok, "temporary file removed after a failed rename"));
  PetscCall(SNAPSReportDestroy(&r));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "failed writes: ok\n"));
  PetscFunctionReturn(0);
}

/* SNAPSTemporaryName(), SNAPSWriteFileAtomic() and SNAPSWriteFileReplace() directly. */
static PetscErrorCode TestAtomicHelpers(void)
{
  char           tmp[PETSC_MAX_PATH_LEN], want[PETSC_MAX_PATH_LEN], file[PETSC_MAX_PATH_LEN], small[8];
  const char     text[] = "hello, atomic world\n";
  PetscErrorCode ierr;
  int            ok = 1;

  PetscFunctionBegin;
  /* "<dir>/.<base>.tmp.<pid>.<n>": the pid, then a count of this process's temporary names */
  PetscCall(SNAPSTemporaryName("a/b/c.json", tmp, sizeof(tmp)));
  PetscCall(PetscSNPrintf(want, sizeof(want), "a/b/.c.json.tmp.%ld.", (long)getpid()));
  PetscCheck(!strncmp(tmp, want, strlen(want)) && tmp[strlen(want)], PETSC_COMM_SELF, PETSC_ERR_PLIB, "temporary name '%s', expected '%s<n>'", tmp, want);
  PetscCall(SNAPSTemporaryName("c.json", tmp, sizeof(tmp)));
  PetscCall(PetscSNPrintf(want, sizeof(want), ".c.json.tmp.%ld.", (long)getpid()));
  PetscCheck(!strncmp(tmp, want, strlen(want)) && tmp[strlen(want)], PETSC_COMM_SELF, PETSC_ERR_PLIB, "temporary name '%s', expected '%s<n>'", tmp, want);
  PetscCall(SNAPSTemporaryName("/c", tmp, sizeof(tmp)));
  PetscCall(PetscSNPrintf(want, sizeof(want), "/.c.tmp.%ld.", (long)getpid()));
  PetscCheck(!strncmp(tmp, want, strlen(want)) && tmp[strlen(want)], PETSC_COMM_SELF, PETSC_ERR_PLIB, "temporary name '%s', expected '%s<n>'", tmp, want);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSTemporaryName("a/b/c.json", small, sizeof(small));
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_ARG_SIZ, "does not fit", "temporary name too long for its buffer"));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSTemporaryName("a/b/", tmp, sizeof(tmp));
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_ARG_WRONG, "names a directory", "temporary name of a directory"));

  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/report_atomic_np%d.txt", scratch, size));
  PetscCall(SNAPSWriteFileAtomic(PETSC_COMM_WORLD, file, rank ? NULL : "old", rank ? 0 : 3));
  PetscCall(SNAPSWriteFileAtomic(PETSC_COMM_WORLD, file, rank ? NULL : text, rank ? 0 : strlen(text)));
  if (rank == 0) {
    char *s = ReadFile(file);
    ok      = s && !strcmp(s, text);
    free(s);
  }
  PetscCall(Agree(ok, "SNAPSWriteFileAtomic() content"));
  PetscCall(SNAPSWriteFileReplace(PETSC_COMM_WORLD, file, rank ? NULL : "replaced", rank ? 0 : 8)); /* over the file */
  if (rank == 0) {
    char *s = ReadFile(file);
    ok      = s && !strcmp(s, "replaced") && CountTemporaries(scratch, ".report_atomic") == 0;
    free(s);
  }
  PetscCall(Agree(ok, "SNAPSWriteFileReplace() content, no temporary left"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "atomic helpers: ok\n"));
  PetscFunctionReturn(0);
}

/* The mode (permission bits) of path, or -1. */
static int ModeOf(const char path[])
{
  struct stat st;

  return stat(path, &st) ? -1 : (int)(st.st_mode & 07777);
}

/* SNAPSCheckOutputs() on one output, its error code (0: accepted) and message in msg. */
static PetscErrorCode CheckOne(const char file[], PetscErrorCode *ierr, char **msg)
{
  const char *opts[1] = {"-out"}, *files[1] = {file};

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  *ierr = SNAPSCheckOutputs(PETSC_COMM_WORLD, 1, opts, files);
  PetscCall(PetscPopErrorHandler());
  *msg = NULL;
  if (*ierr) PetscCall(PetscErrorMessage(*ierr, NULL, msg));
  PetscFunctionReturn(0);
}

/* What an atomic write does with an output that exists and is not a plain regular file: through a symbolic link it
   replaces the link's target and keeps the link; an existing file keeps its permission bits; temporaries are 0600,
   exclusive and unique; a character device (/dev/null, and a copy of its node where this process may make one) is
   written into and stays one, with no XDMF name beside it; SNAPSCheckOutputs() refuses a FIFO, a socket, a block
   device and a name through /proc/self/fd or /dev/fd that reaches a regular file (naming them) before any work, and
   accepts the streams and links. */
static PetscErrorCode TestOutputKinds(void)
{
  char           real[PETSC_MAX_PATH_LEN], link[PETSC_MAX_PATH_LEN], fifo[PETSC_MAX_PATH_LEN], dev[PETSC_MAX_PATH_LEN], sock[PETSC_MAX_PATH_LEN], blk[PETSC_MAX_PATH_LEN], *msg;
  const char     text[] = "through the link\n", piped[] = "into the pipe\n";
  PetscErrorCode ierr;
  int            ok = 1, reader = -1, havedev = 0, haveblk = 0;
  struct stat    st;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(real, sizeof(real), "%s/kinds_real_np%d.txt", scratch, size));
  PetscCall(PetscSNPrintf(link, sizeof(link), "%s/kinds_link_np%d.txt", scratch, size));
  PetscCall(PetscSNPrintf(fifo, sizeof(fifo), "%s/kinds_fifo_np%d", scratch, size));
  PetscCall(PetscSNPrintf(dev, sizeof(dev), "%s/kinds_null_np%d", scratch, size));
  PetscCall(PetscSNPrintf(blk, sizeof(blk), "%s/kinds_blk_np%d", scratch, size));
  PetscCall(PetscSNPrintf(sock, sizeof(sock), "%s/kinds_sock_np%d", scratch, size));
  if (rank == 0) {
    const char *base = strrchr(real, '/') + 1; /* a relative link, as ln -s makes them */

    (void)unlink(real);
    (void)unlink(link);
    (void)unlink(fifo);
    (void)unlink(dev);
    (void)unlink(fifo);
    (void)unlink(blk);
    (void)unlink(sock);
    ok      = !symlink(base, link) && !mkfifo(fifo, 0600);
    havedev = !mknod(dev, S_IFCHR | 0666, makedev(1, 3)); /* not allowed without CAP_MKNOD: that case is skipped */
    haveblk = !mknod(blk, S_IFBLK | 0600, makedev(1, 0));
    {
      struct sockaddr_un addr;
      int                fd = socket(AF_UNIX, SOCK_STREAM, 0);

      memset(&addr, 0, sizeof(addr));
      addr.sun_family = AF_UNIX;
      ok              = ok && fd >= 0 && strlen(sock) < sizeof(addr.sun_path);
      if (ok) {
        memcpy(addr.sun_path, sock, strlen(sock) + 1);
        ok = !bind(fd, (struct sockaddr *)&addr, sizeof(addr));
      }
      if (fd >= 0) (void)close(fd);
    }
  }
  PetscCall(Agree(ok, "making the link, the FIFO and the socket"));
  PetscCallMPI(MPI_Bcast(&havedev, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Bcast(&haveblk, 1, MPI_INT, 0, PETSC_COMM_WORLD));

  /* a link to a file of mode 0640: the file is replaced, the link and the mode stay */
  PetscCall(SNAPSWriteFileAtomic(PETSC_COMM_WORLD, real, rank ? NULL : "old", rank ? 0 : 3));
  if (rank == 0) ok = !chmod(real, 0640);
  PetscCall(Agree(ok, "chmod"));
  PetscCall(SNAPSWriteFileAtomic(PETSC_COMM_WORLD, link, rank ? NULL : text, rank ? 0 : strlen(text)));
  if (rank == 0) {
    char *s = ReadFile(real);
    ok      = !lstat(link, &st) && S_ISLNK(st.st_mode) && s && !strcmp(s, text);
    free(s);
  }
  PetscCall(Agree(ok, "a write through a symbolic link replaces its target and keeps the link"));
  if (rank == 0) ok = ModeOf(real) == 0640;
  PetscCall(Agree(ok, "the replaced file keeps its mode 0640"));
  if (rank == 0) ok = !chmod(real, 0600);
  PetscCall(SNAPSWriteFileReplace(PETSC_COMM_WORLD, real, rank ? NULL : "again", rank ? 0 : 5));
  if (rank == 0) ok = ok && ModeOf(real) == 0600 && CountTemporaries(scratch, ".kinds_") == 0;
  PetscCall(Agree(ok, "a file of mode 0600 written over directly stays 0600, no temporary left"));

  /* a temporary file is created exclusively and readable by its owner only, whatever the umask; a new file then gets
     0666 less the umask */
  {
    char   t[PETSC_MAX_PATH_LEN], fresh[PETSC_MAX_PATH_LEN];
    int    e = 0;
    mode_t mask;

    PetscCall(PetscSNPrintf(fresh, sizeof(fresh), "%s/kinds_fresh_np%d.txt", scratch, size));
    PetscCall(SNAPSTemporaryName(real, t, sizeof(t)));
    if (rank == 0) {
      mask = umask(0);
      PetscCall(SNAPSTemporaryCreate(t, &e));
      (void)umask(mask);
      ok = !e && ModeOf(t) == 0600;
      PetscCall(SNAPSTemporaryCreate(t, &e));
      ok = ok && e == EEXIST;
      (void)unlink(t);
      (void)unlink(fresh);
    }
    PetscCall(Agree(ok, "a temporary file is created exclusively with mode 0600"));
    PetscCall(SNAPSWriteFileAtomic(PETSC_COMM_WORLD, fresh, rank ? NULL : "new", rank ? 0 : 3));
    if (rank == 0) {
      mask = umask(022);
      (void)umask(mask);
      ok = ModeOf(fresh) == (int)(0666 & ~mask);
      (void)unlink(fresh);
    }
    PetscCall(Agree(ok, "a new file gets mode 0666 less the umask"));
  }

  /* stream temporaries: unique in one process (pid and count), in $TMPDIR or /tmp */
  {
    char        t1[PETSC_MAX_PATH_LEN], t2[PETSC_MAX_PATH_LEN], want[PETSC_MAX_PATH_LEN];
    const char *dir = getenv("TMPDIR");

    PetscCall(SNAPSTemporaryName("/dev/null", t1, sizeof(t1)));
    PetscCall(SNAPSTemporaryName("/dev/null", t2, sizeof(t2)));
    PetscCall(PetscSNPrintf(want, sizeof(want), "%s/.null.tmp.%ld.", dir && dir[0] ? dir : "/tmp", (long)getpid()));
    PetscCheck(strcmp(t1, t2) && !strncmp(t1, want, strlen(want)) && !strncmp(t2, want, strlen(want)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "check failed: two stream temporaries of one process differ and start '%s': '%s', '%s'", want, t1, t2);
  }

  /* /dev/null itself is written into and stays a character device; no XDMF file is named beside it */
  {
    char xmf[PETSC_MAX_PATH_LEN];

    PetscCall(SNAPSWriteFileAtomic(PETSC_COMM_WORLD, "/dev/null", rank ? NULL : text, rank ? 0 : strlen(text)));
    if (rank == 0) ok = !lstat("/dev/null", &st) && S_ISCHR(st.st_mode);
    PetscCall(Agree(ok, "/dev/null is written into and stays a character device"));
    PetscCall(SNAPSTrajectoryXdmfName("/dev/null", xmf, sizeof(xmf)));
    PetscCheck(!xmf[0], PETSC_COMM_SELF, PETSC_ERR_PLIB, "check failed: an XDMF file '%s' is named beside the stream /dev/null", xmf);
    PetscCall(SNAPSTrajectoryXdmfName("traj.h5", xmf, sizeof(xmf)));
    PetscCheck(!strcmp(xmf, "traj.xmf"), PETSC_COMM_SELF, PETSC_ERR_PLIB, "check failed: XDMF name '%s' of traj.h5", xmf);
  }

  /* a FIFO (a piped stdout) is refused before any work; a write into it fails at once (no reader waited for) */
  PetscCall(CheckOne(fifo, &ierr, &msg));
  PetscCall(ExpectError(ierr, PETSC_ERR_USER_INPUT, "is a pipe (FIFO)", "a FIFO as an output"));
  if (rank == 0) ok = (reader = open(fifo, O_RDONLY | O_NONBLOCK)) >= 0;
  PetscCall(Agree(ok, "opening the FIFO's reader"));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSWriteFileAtomic(PETSC_COMM_WORLD, fifo, rank ? NULL : piped, rank ? 0 : strlen(piped));
  PetscCall(PetscPopErrorHandler());
  PetscCall(ExpectError(ierr, PETSC_ERR_FILE_WRITE, "Operation not supported", "a write into a FIFO"));
  if (rank == 0) {
    ok = !lstat(fifo, &st) && S_ISFIFO(st.st_mode) && CountTemporaries(scratch, ".kinds_fifo") == 0;
    (void)close(reader);
  }
  PetscCall(Agree(ok, "the FIFO stays a FIFO, no temporary left"));

  /* a name that reaches a regular file through an open descriptor (/proc/self/fd/N, /dev/fd/N: what /dev/stdout is
     when stdout is redirected to a file) is refused, and the file is not replaced */
  {
    char fdname[64], devfd[64];
    int  fd = -1;

    if (rank == 0) ok = (fd = open(real, O_RDONLY)) >= 0;
    PetscCall(Agree(ok, "opening the file for /proc/self/fd"));
    PetscCallMPI(MPI_Bcast(&fd, 1, MPI_INT, 0, PETSC_COMM_WORLD));
    PetscCall(PetscSNPrintf(fdname, sizeof(fdname), "/proc/self/fd/%d", fd));
    PetscCall(PetscSNPrintf(devfd, sizeof(devfd), "/dev/fd/%d", fd));
    PetscCall(CheckOne(fdname, &ierr, &msg));
    PetscCall(ExpectError(ierr, PETSC_ERR_USER_INPUT, "reaches a file through a link to an open file descriptor", "/proc/self/fd/N of a regular file"));
    PetscCall(CheckOne(devfd, &ierr, &msg));
    PetscCall(ExpectError(ierr, PETSC_ERR_USER_INPUT, "name the file itself", "/dev/fd/N of a regular file"));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNAPSWriteFileAtomic(PETSC_COMM_WORLD, fdname, rank ? NULL : "lost", rank ? 0 : 4);
    PetscCall(PetscPopErrorHandler());
    PetscCall(ExpectError(ierr, PETSC_ERR_FILE_WRITE, "Cannot write '/proc/self/fd/", "a write through /proc/self/fd/N")); /* its temporary has no place */
    if (rank == 0) {
      char *s = ReadFile(real);

      ok = s && !strcmp(s, "again") && !fstat(fd, &st) && ModeOf(real) == 0600 && CountTemporaries(scratch, ".kinds_") == 0;
      free(s);
      (void)close(fd);
    }
    PetscCall(Agree(ok, "the file reached through /proc/self/fd is unchanged, no temporary left"));
  }

  /* a character device (/dev/null's numbers) is written into and stays one */
  if (havedev) {
    PetscCall(SNAPSWriteFileAtomic(PETSC_COMM_WORLD, dev, rank ? NULL : text, rank ? 0 : strlen(text)));
    if (rank == 0) ok = !lstat(dev, &st) && S_ISCHR(st.st_mode);
    PetscCall(Agree(ok, "a character device is written into and stays a character device"));
    PetscCall(CheckOne(dev, &ierr, &msg));
    PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNAPSCheckOutputs() refused a character device: %s", msg);
  } else
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  (no character device made here: mknod needs CAP_MKNOD; that case skipped)\n"));

  /* refused before any work: a socket and a block device; accepted: the FIFO and the link */
  PetscCall(CheckOne(sock, &ierr, &msg));
  PetscCall(ExpectError(ierr, PETSC_ERR_USER_INPUT, "is a socket", "a socket as an output"));
  if (haveblk) {
    PetscCall(CheckOne(blk, &ierr, &msg));
    PetscCall(ExpectError(ierr, PETSC_ERR_USER_INPUT, "is a block device", "a block device as an output"));
  }
  PetscCall(CheckOne(link, &ierr, &msg));
  PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNAPSCheckOutputs() refused a link to a file: %s", msg);
  if (rank == 0) {
    (void)unlink(dev);
    (void)unlink(blk);
    (void)unlink(sock);
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "outputs that are links, FIFOs, devices, sockets: ok\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "Unit test of SNAPS reports. Usage: test_report <scratch directory>\n"));
  PetscCheck(argc >= 2 && argv[1][0] != '-', PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Usage: test_report <scratch directory>");
  PetscCall(PetscStrncpy(scratch, argv[1], sizeof(scratch)));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(TestWriteAndRead());
  PetscCall(TestFailures());
  PetscCall(TestAtomicHelpers());
  PetscCall(TestOutputKinds());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "test_report: all tests passed on %d rank(s)\n", size));
  PetscCall(PetscFinalize());
  return 0;
}
