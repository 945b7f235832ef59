/* Options that were set but never used (see snaps/options.h).

   The report is made from inside PetscFinalize(), by a function registered with PetscRegisterFinalize():
   PETSc reads some options only there (-log_view, -memory_view, -options_view, -citations, -mpidump,
   -get_total_flops, ...), and they are all read by the time registered functions run. An option counts
   as used when any rank used it: the ranks hold the same options but may query different ones. */
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* S_ISSOCK, realpath */
#endif
#include <snaps/options.h>
#include <snaps/report.h>
#include <petsc/private/petscimpl.h>
#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>

/* What the warning line says after the option's name (and value). */
static const char OptionsUnusedWhy[] = "was set but never used: misspelt, wrong prefix, or not applicable here";

/* The communicator of the pending report; MPI_COMM_NULL when none is pending. */
static MPI_Comm OptionsWarnComm = MPI_COMM_NULL;
/* The options SNAPSOptionsWarnUnusedEarly() already warned about (rank 0): the report at PetscFinalize skips them. */
static char    **OptionsWarned  = NULL;
static PetscInt  OptionsNWarned = 0;
static PetscBool OptionsFinalizeRegistered = PETSC_FALSE;
/* Options that PETSc reads only inside PetscFinalize() (pinit.c, 3.18), without the '-': unused before the end by
   design, so the early report leaves them to the one at PetscFinalize. Each names itself and its family, the name
   followed by '_' ("log" covers -log_view and its variants, -log_all, -log_mpe), not a longer word: -logx or
   -log_vieww is still a misspelling, warned about at once. */
static const char *const OptionsReadAtFinalize[] = {"citations", "saw_options", "x_virtual", "memory_view", "get_total_flops", "log", "no_signal_handler", "mpidump", "malloc_dump", "malloc_view", "malloc_debug", "malloc_test", "objects_dump", "options_view", "options_left", "nox", "mpi_linear_solver_server"};
/* The program's report of every option ran (or was asked for): a library's report of its own options says nothing. */
static PetscBool OptionsAllReported = PETSC_FALSE;

/* Flags used[i] = 1 where option names[i] (n names, given on rank 0) was used on some rank of comm; the
   result is on rank 0. Collective. */
static PetscErrorCode OptionsUsedOnAnyRank_Private(MPI_Comm comm, PetscMPIInt n, char *names[], PetscMPIInt used[])
{
  PetscMPIInt rank, len = 0;
  char       *buf;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank)
    for (PetscMPIInt i = 0; i < n; i++) len += (PetscMPIInt)strlen(names[i]) + 1;
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, 0, comm));
  PetscCall(PetscMalloc1(len, &buf));
  if (!rank) {
    char *p = buf;
    for (PetscMPIInt i = 0; i < n; i++) {
      size_t l = strlen(names[i]) + 1;
      PetscCall(PetscMemcpy(p, names[i], l));
      p += l;
    }
  }
  PetscCallMPI(MPI_Bcast(buf, len, MPI_CHAR, 0, comm));
  for (PetscMPIInt i = 0, off = 0; i < n; i++) {
    PetscBool u;
    PetscCall(PetscOptionsUsed(NULL, buf + off, &u));
    used[i] = u ? 1 : 0;
    off += (PetscMPIInt)strlen(buf + off) + 1;
  }
  PetscCallMPI(MPI_Reduce(rank ? used : MPI_IN_PLACE, used, n, MPI_INT, MPI_MAX, 0, comm));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

/* Whether option name (without its '-') contains part, ignoring case as PETSc does (part NULL: every option). */
static PetscBool OptionsNameMatches_Private(const char name[], const char part[])
{
  char   lower[256];
  size_t i;

  if (!part) return PETSC_TRUE;
  for (i = 0; name[i] && i < sizeof(lower) - 1; i++) lower[i] = (char)tolower((unsigned char)name[i]);
  lower[i] = 0;
  return (PetscBool)(strstr(lower, part) != NULL);
}

/* Whether option name (without its '-') was warned about by SNAPSOptionsWarnUnusedEarly() (rank 0). */
static PetscBool OptionsWarnedBefore_Private(const char name[])
{
  for (PetscInt i = 0; i < OptionsNWarned; i++)
    if (!strcasecmp(OptionsWarned[i], name)) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* Whether PETSc reads option name (without its '-') only inside PetscFinalize(). */
static PetscBool OptionsReadAtFinalize_Private(const char name[])
{
  for (size_t i = 0; i < sizeof(OptionsReadAtFinalize) / sizeof(OptionsReadAtFinalize[0]); i++) {
    size_t len = strlen(OptionsReadAtFinalize[i]);

    if (!strncasecmp(name, OptionsReadAtFinalize[i], len) && (name[len] == '\0' || name[len] == '_')) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

/* Prints the warning lines for the options of rank 0 (those containing part, NULL: all) that no rank of comm
   used, but for those warned about already; what follows the option's name is why. With early, it leaves out
   the options read inside PetscFinalize() and records those it warns about. Collective. */
static PetscErrorCode OptionsWarnUnused_Private(MPI_Comm comm, const char part[], const char why[], PetscBool early)
{
  PetscMPIInt rank, n = 0, *used;
  PetscInt    nleft = 0;
  char      **names = NULL, **values = NULL;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    PetscCall(PetscOptionsLeftGet(NULL, &nleft, &names, &values));
    PetscCall(PetscMPIIntCast(nleft, &n));
  }
  PetscCallMPI(MPI_Bcast(&n, 1, MPI_INT, 0, comm));
  if (n) {
    PetscCall(PetscMalloc1(n, &used));
    PetscCall(OptionsUsedOnAnyRank_Private(comm, n, names, used));
    for (PetscMPIInt i = 0; i < n; i++) {
      if (rank || used[i] || !OptionsNameMatches_Private(names[i], part) || OptionsWarnedBefore_Private(names[i])) continue;
      if (early) {
        if (OptionsReadAtFinalize_Private(names[i])) continue;
        PetscCall(PetscRealloc((size_t)(OptionsNWarned + 1) * sizeof(char *), &OptionsWarned));
        PetscCall(PetscStrallocpy(names[i], &OptionsWarned[OptionsNWarned++]));
      }
      if (values[i])
        PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "WARNING: option -%s (value %s) %s\n", names[i], values[i], why));
      else
        PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "WARNING: option -%s %s\n", names[i], why));
    }
    PetscCall(PetscFree(used));
  }
  if (!rank) PetscCall(PetscOptionsLeftRestore(NULL, &nleft, &names, &values));
  PetscFunctionReturn(0);
}

/* The function PetscFinalize() calls: the pending report, then the list of early warnings freed. */
static PetscErrorCode OptionsWarnAtFinalize_Private(void)
{
  MPI_Comm comm = OptionsWarnComm;

  PetscFunctionBegin;
  OptionsWarnComm = MPI_COMM_NULL;
  if (comm != MPI_COMM_NULL) PetscCall(OptionsWarnUnused_Private(comm, NULL, OptionsUnusedWhy, PETSC_FALSE));
  for (PetscInt i = 0; i < OptionsNWarned; i++) PetscCall(PetscFree(OptionsWarned[i]));
  PetscCall(PetscFree(OptionsWarned));
  OptionsNWarned            = 0;
  OptionsFinalizeRegistered = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* Registers OptionsWarnAtFinalize_Private once (both the report and the early warnings' list need it). */
static PetscErrorCode OptionsRegisterFinalize_Private(void)
{
  PetscFunctionBegin;
  if (!OptionsFinalizeRegistered) PetscCall(PetscRegisterFinalize(OptionsWarnAtFinalize_Private));
  OptionsFinalizeRegistered = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSOptionsWarnUnused - Makes PetscFinalize() warn about every option that was set but that no rank used

  Logically Collective (call it on every rank of comm; the warning at PetscFinalize() is collective on comm)

  Input Parameter:
. comm - the ranks of the program; it must stay valid until PetscFinalize()

  Notes:
  Call it right before PetscFinalize(). Rank 0 of comm then prints to standard error one line per option set
  (command line, -options_file, PETSC_OPTIONS) that no rank used: "WARNING: option -foo (value bar) was set but never
  used: misspelt, wrong prefix, or not applicable here", but for those SNAPSOptionsWarnUnusedEarly() already warned
  about. Quiet under -help (a help run reads only some options) and when -options_left is given, true or false
  (PETSc then prints its own report, or was told not to). A program that stops on an error does not reach it. It also
  silences SNAPSOptionsWarnUnusedPart(), whose options this report covers.

  Level: intermediate

.seealso: SNAPSOptionsWarnUnusedEarly(), SNAPSOptionsWarnUnusedPart()
@*/
PetscErrorCode SNAPSOptionsWarnUnused(MPI_Comm comm)
{
  PetscBool help, left;

  PetscFunctionBegin;
  OptionsAllReported = PETSC_TRUE; /* reported here, or by PETSc (-options_left), or not wanted (-help) */
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-options_left", &left));
  if (help || left) PetscFunctionReturn(0);
  PetscCall(OptionsRegisterFinalize_Private());
  OptionsWarnComm = comm;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSOptionsWarnUnusedEarly - Warns now about the options that no rank has used so far, so that a misspelt option
  of a long run is seen before the run, not after it

  Collective

  Input Parameter:
. comm - the ranks of the program; rank 0 prints, to standard error, the line of SNAPSOptionsWarnUnused()

  Notes:
  Call it once the program has read every option it will read before PetscFinalize() (its own, its objects' and its
  viewers'), and before the long work. The options PETSc reads only inside PetscFinalize() (-log_view and the other
  -log options, -memory_view, -malloc_dump, -options_view, ...) are left to the report at PetscFinalize(), which skips
  the options warned about here. Quiet under -help and -options_left, as SNAPSOptionsWarnUnused() is.

  Level: intermediate

.seealso: SNAPSOptionsWarnUnused()
@*/
PetscErrorCode SNAPSOptionsWarnUnusedEarly(MPI_Comm comm)
{
  PetscBool help, left;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-options_left", &left));
  if (help || left) PetscFunctionReturn(0);
  PetscCall(OptionsRegisterFinalize_Private()); /* frees the list of warned options */
  PetscCall(OptionsWarnUnused_Private(comm, NULL, OptionsUnusedWhy, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSOptionsWarnUnusedPart - For a library loaded into another program (the sna initial guess by -dll_append): warns
  about the options of one part that were set but that no rank used

  Collective on PETSC_COMM_WORLD

  Input Parameters:
+ part - a lower-case piece of the options' names, e.g. "ksp_guess_sna_" (matched ignoring case, anywhere in the name)
- what - what uses them, for the line, e.g. "the sna initial guess"

  Notes:
  Call it from a function registered with PetscRegisterFinalize(). Rank 0 of PETSC_COMM_WORLD prints one line per
  option to standard error. Quiet where another report covers it: a SNAPS program's SNAPSOptionsWarnUnused(),
  -options_left (PETSc's report), -help, and PETSc's debug builds, which warn about unused options themselves.

  Level: developer

.seealso: SNAPSOptionsWarnUnused()
@*/
PetscErrorCode SNAPSOptionsWarnUnusedPart(const char part[], const char what[])
{
  PetscBool help, left;
  char      why[256];

  PetscFunctionBegin;
  if (OptionsAllReported || PetscDefined(USE_DEBUG)) PetscFunctionReturn(0);
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-options_left", &left));
  if (help || left) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(why, sizeof(why), "was set but never used by %s: misspelt, wrong prefix, or not applicable here", what));
  PetscCall(OptionsWarnUnused_Private(PETSC_COMM_WORLD, part, why, PETSC_FALSE));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckOutputNotInput - Refuses an output file that is one of the inputs: writing it would replace, or truncate,
  an input the run still reads

  Collective

  Input Parameters:
+ comm   - the ranks of the program; rank 0 looks, every rank returns the same error
. outopt - the output's option ("-model"), for the message
. out    - the output's name
. n      - the number of inputs
. inopts - the inputs' options
- ins    - the inputs' names (NULL ones are skipped)

  Notes:
  Files are compared by identity (st_dev and st_ino), not by name, so "./m.h5", "m.h5", a symbolic link to it and a
  hard link all count; the error (PETSC_ERR_USER_INPUT) names both options and files. An output or input that does not
  exist yet is always fine.

  Level: developer

.seealso: SNAPSCheckFiles(), SNAPSCheckOutputs(), SNAPSCheckViewerFiles()
@*/
PetscErrorCode SNAPSCheckOutputNotInput(MPI_Comm comm, const char outopt[], const char out[], PetscInt n, const char *const inopts[], const char *const ins[])
{
  PetscMPIInt rank;
  PetscInt    clash = -1;
  struct stat so, si;

  PetscFunctionBegin;
  PetscValidCharPointer(outopt, 2);
  PetscValidCharPointer(out, 3);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank && !stat(out, &so))
    for (PetscInt i = 0; i < n && clash < 0; i++)
      if (ins[i] && !stat(ins[i], &si) && si.st_dev == so.st_dev && si.st_ino == so.st_ino) clash = i;
  PetscCallMPI(MPI_Bcast(&clash, 1, MPIU_INT, 0, comm));
  PetscCheck(clash < 0, comm, PETSC_ERR_USER_INPUT, "%s '%s' is the same file as %s '%s': writing it would destroy the input. Choose another output file", outopt, out, inopts[clash], ins[clash]);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCanonicalPath - The canonical name of a path whose directory exists: the directory resolved (symbolic links,
  "." and "..") and the base name kept ("/<base>" for a file in the root directory)

  Not Collective

  Input Parameters:
+ path - the path (the file itself need not exist)
- len  - the room in canon

  Output Parameter:
. canon - the canonical name (left as it was on failure)

  Notes:
  Returns an errno, not a PETSc error code, and raises nothing: 0, realpath()'s or stat()'s errno for the directory,
  ENOTDIR when the directory is not one, ENAMETOOLONG when canon has no room.

  Level: developer

.seealso: SNAPSCheckOutputs()
@*/
int SNAPSCanonicalPath(const char path[], char canon[], size_t len)
{
  char        dir[PETSC_MAX_PATH_LEN], real[PETSC_MAX_PATH_LEN];
  const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;

  if (!slash)
    snprintf(dir, sizeof(dir), ".");
  else if (slash == path)
    snprintf(dir, sizeof(dir), "/");
  else
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
  if (!realpath(dir, real)) return errno;
  {
    struct stat sd;

    if (stat(real, &sd)) return errno;
    if (!S_ISDIR(sd.st_mode)) return ENOTDIR; /* a regular file as the directory: realpath accepts it */
  }
  if (!strcmp(real, "/")) real[0] = 0;
  if (strlen(real) + strlen(base) + 2 > len) return ENAMETOOLONG;
  strcpy(canon, real);
  strcat(canon, "/");
  strcat(canon, base);
  return 0;
}

/* What an existing output that is neither a regular file, a directory nor a stream (a character device) is, for the
   refusal. */
static const char *NotAFile(mode_t mode)
{
  if (S_ISFIFO(mode)) return "a pipe (FIFO), such as a piped standard output or <(...), into which an output is not written";
  if (S_ISBLK(mode)) return "a block device (a disk or partition, which writing a file over would destroy)";
  if (S_ISSOCK(mode)) return "a socket, into which an output is not written";
  return "not a regular file";
}

/* Rank 0's check of SNAPSCheckOutputs: the first problem as a message, or an empty one. */
static void CheckOutputsLocal(PetscInt n, const char *const opts[], const char *const files[], char msg[], size_t len)
{
  char(*canon)[PETSC_MAX_PATH_LEN] = malloc((size_t)PetscMax(n, 1) * sizeof(*canon));
  char        target[PETSC_MAX_PATH_LEN], name[2 * PETSC_MAX_PATH_LEN + 32]; /* the name, and its link's target */
  struct stat st, sj;

  msg[0] = 0;
  if (!canon) {
    snprintf(msg, len, "out of memory checking the output files");
    return;
  }
  for (PetscInt i = 0; i < n && !msg[0]; i++) {
    int         err = 0;
    PetscBool   stream;

    canon[i][0] = 0;
    if (!files[i] || !files[i][0]) continue;
    /* a stream (a character device, by the name as given) is written into; any other non-regular file is refused */
    if (!stat(files[i], &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISCHR(st.st_mode)) {
      snprintf(msg, len, "%s '%s' is %s: name a regular file (or /dev/null to discard the output)", opts[i], files[i], NotAFile(st.st_mode));
      break;
    }
    stream = (PetscBool)(!stat(files[i], &st) && S_ISCHR(st.st_mode));
    /* a symbolic link: its target is what the write replaces (the link stays), so the checks are the target's */
    if (!stream && strlen(files[i]) < sizeof(target) && !SNAPSOutputTarget(files[i], target, sizeof(target), &err) && err == SNAPS_OUTPUT_THROUGH_FD) {
      snprintf(msg, len, "%s '%s' reaches a file through a link to an open file descriptor (such as /dev/stdout redirected to a file), which would be replaced, losing what it held and what is written to it later: name the file itself", opts[i], files[i]);
      break;
    }
    if (!stream && (strlen(files[i]) >= sizeof(target) || SNAPSOutputTarget(files[i], target, sizeof(target), &err) || err)) {
      snprintf(msg, len, "%s '%s': its symbolic link cannot be followed (%s): name the file itself", opts[i], files[i], strerror(err ? err : ENAMETOOLONG));
      break;
    }
    if (stream) snprintf(target, sizeof(target), "%s", files[i]);
    if (strcmp(target, files[i]))
      snprintf(name, sizeof(name), "'%s' (a link to '%s')", files[i], target);
    else
      snprintf(name, sizeof(name), "'%s'", files[i]);
    if (stat(target, &st) && errno != ENOENT && errno != ENOTDIR) { /* those two: its directory, below */
      snprintf(msg, len, "%s %s cannot be used (%s): choose another path", opts[i], name, strerror(errno));
      break;
    }
    if (!stat(target, &st) && S_ISDIR(st.st_mode)) {
      snprintf(msg, len, "%s %s is a directory: name a file in it", opts[i], name);
      break;
    }
    if (files[i][strlen(files[i]) - 1] == '/') {
      snprintf(msg, len, "%s '%s' ends in '/': name a file, not a directory", opts[i], files[i]);
      break;
    }
    if (!stream && !stat(target, &st) && !S_ISREG(st.st_mode)) {
      snprintf(msg, len, "%s %s is %s: name a regular file (or /dev/null to discard the output)", opts[i], name, NotAFile(st.st_mode));
      break;
    }
    if (stream) { /* written into, not replaced: it must be writable, and so must the temporary file's directory */
      char           prefix[PETSC_MAX_PATH_LEN], *slash = NULL;
      PetscErrorCode ierr;

      if (access(target, W_OK)) {
        snprintf(msg, len, "%s %s cannot be written (%s): choose another path", opts[i], name, strerror(errno));
        break;
      }
      ierr = PetscPushErrorHandler(PetscReturnErrorHandler, NULL); /* a name too long: this message, not a trace */
      if (!ierr) {
        ierr = SNAPSTemporaryPrefix(files[i], prefix, sizeof(prefix));
        if (PetscPopErrorHandler()) ierr = 1;
      }
      if (ierr || !(slash = strrchr(prefix, '/'))) {
        snprintf(msg, len, "%s '%s': no room for the name of its temporary file: choose another path", opts[i], files[i]);
        break;
      }
      *slash = 0;
      if (access(prefix[0] ? prefix : "/", W_OK | X_OK)) snprintf(msg, len, "%s '%s' is a %s, written from a complete temporary file in '%s' (TMPDIR), where it cannot be written (%s): set TMPDIR to a writable directory", opts[i], files[i], "character device", prefix[0] ? prefix : "/", strerror(errno));
      continue; /* two outputs into one stream follow each other: no clash */
    }
    if ((err = SNAPSCanonicalPath(target, canon[i], sizeof(canon[i])))) {
      snprintf(msg, len, "%s %s: its directory cannot be used (%s): create it first, or choose another path", opts[i], name, strerror(err));
      break;
    }
    {
      char *slash = strrchr(canon[i], '/');

      *slash = 0; /* the directory, for the moment */
      if (access(slash == canon[i] ? "/" : canon[i], W_OK | X_OK)) snprintf(msg, len, "%s %s: cannot write in its directory '%s' (%s): choose another path", opts[i], name, slash == canon[i] ? "/" : canon[i], strerror(errno));
      *slash = '/';
    }
    for (PetscInt j = 0; j < i && !msg[0]; j++) {
      PetscBool same = (PetscBool)(canon[j][0] && !strcmp(canon[i], canon[j]));

      if (!same && canon[j][0] && !stat(files[i], &st) && !stat(files[j], &sj)) same = (PetscBool)(st.st_dev == sj.st_dev && st.st_ino == sj.st_ino);
      if (same) snprintf(msg, len, "%s '%s' and %s '%s' are the same file: give each output its own file", opts[j], files[j], opts[i], files[i]);
    }
  }
  free(canon);
}

/*@C
  SNAPSOptionsCheckFileNames - Refuses a file-name option given without a value ("-model -twin_model t.h5", or
  "-results" last on the line), which PETSc reads as an empty name that programs take for the option's absence

  Collective

  Input Parameters:
+ comm   - the ranks of the program
. prefix - the options prefix, or NULL
. n      - the number of options
- names  - the options, each with its leading dash ("-results")

  Notes:
  The error is PETSC_ERR_USER_INPUT naming the option with its prefix. Without it, the categorical model was silently
  not trained, a solver started from a random state instead of -init_trajectory and wrote no -results, and snaps-fit
  or snaps-rollout-fit failed to write -results only after the fit. Call it before the work. Nothing is checked in a
  -help run, which writes no file. The options database is the same on every rank, so every rank returns the same
  error.

  Level: developer

.seealso: SNAPSCheckFiles(), SNAPSCheckOutputs()
@*/
PetscErrorCode SNAPSOptionsCheckFileNames(MPI_Comm comm, const char prefix[], PetscInt n, const char *const names[])
{
  PetscBool help;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < n; i++) {
    const char *value;
    char        full[256];
    PetscBool   found;

    PetscCall(PetscOptionsFindPair(NULL, prefix, names[i], &value, &found));
    if (!found || (value && value[0])) continue;
    PetscCall(PetscSNPrintf(full, sizeof(full), "-%s%s", prefix ? prefix : "", names[i] + 1)); /* names[i] starts with its dash */
    SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s was given without a file name (nothing follows it, or the next word is an option): give %s <file>, or drop it", full, full);
  }
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckOutputs - Refuses, before any work, output files that cannot all be written, so that a long run fails at
  once, not when it writes its results

  Collective

  Input Parameters:
+ comm  - the ranks of the program; rank 0 looks, every rank returns the same error
. n     - the number of outputs
. opts  - the outputs' options, for the message
- files - the outputs' names (NULL or empty ones are skipped)

  Notes:
  Refused (PETSC_ERR_USER_INPUT, naming the option and the file): a name that is a directory or ends in '/'; a
  directory that does not exist or cannot be written in; two outputs that are the same file (compared by their
  resolved directories and names, and by identity where both exist: "x.h5", "./x.h5", a symbolic or a hard link);
  an existing name that is neither a regular file nor a stream (a FIFO or pipe, a socket, a block device); a name that
  reaches a file through a link to an open descriptor (/dev/stdout, /dev/fd/N, /proc/<pid>/fd/N: stdout redirected to
  a file), which the write would replace; a symbolic link that cannot be followed. A symbolic link is checked as its
  target, which the write replaces (SNAPSOutputTarget()). A stream (SNAPSOutputIsStream(): a character device such as
  /dev/null or a terminal) is written into, from a complete temporary file in $TMPDIR (or /tmp): it must be writable,
  and so must that directory. Inputs: SNAPSCheckOutputNotInput().

  Level: developer

.seealso: SNAPSCheckFiles(), SNAPSCheckOutputNotInput(), SNAPSCheckViewerFiles(), SNAPSWriteFileAtomic()
@*/
PetscErrorCode SNAPSCheckOutputs(MPI_Comm comm, PetscInt n, const char *const opts[], const char *const files[])
{
  PetscMPIInt rank;
  char        msg[2 * PETSC_MAX_PATH_LEN + 256];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) CheckOutputsLocal(n, opts, files, msg, sizeof(msg));
  PetscCallMPI(MPI_Bcast(msg, sizeof(msg), MPI_CHAR, 0, comm));
  PetscCheck(!msg[0], comm, PETSC_ERR_USER_INPUT, "%s", msg);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSPhysicalMemory - The machine's physical memory in bytes

  Not Collective

  Output Parameter:
. bytes - sysconf(_SC_PHYS_PAGES) pages of sysconf(_SC_PAGESIZE) bytes, or 0 when the system does not tell

  Level: developer

.seealso: SNAPSCheckMemory()
@*/
PetscErrorCode SNAPSPhysicalMemory(PetscLogDouble *bytes)
{
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

  PetscFunctionBegin;
  PetscValidRealPointer(bytes, 1);
  *bytes = pages > 0 && size > 0 ? (PetscLogDouble)pages * (PetscLogDouble)size : 0;
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckMemory - Refuses a choice of sizes that needs more than the machine's physical memory, so that a runaway
  option value (-sna_khronos_nodes 2147483647, -error_cells 100000) is an error naming it at once, not an allocation
  that overflows, swaps or is killed hours later

  Logically Collective (every rank of comm makes the same call with the same need; nothing is communicated)

  Input Parameters:
+ comm  - the communicator of the error
. bytes - the need, computed by the caller in floating point (so that it cannot overflow)
- what  - the option(s) with their values and what the memory holds, e.g. "-error_cells 100000 (an error-quadrature
          grid of 1e10 points)"

  Notes:
  The error is PETSC_ERR_ARG_OUTOFRANGE with both figures in GB. Where SNAPSPhysicalMemory() cannot tell (0), nothing
  is refused.

  Level: developer

.seealso: SNAPSPhysicalMemory()
@*/
PetscErrorCode SNAPSCheckMemory(MPI_Comm comm, PetscLogDouble bytes, const char what[])
{
  PetscLogDouble mem;

  PetscFunctionBegin;
  PetscValidCharPointer(what, 3);
  PetscCall(SNAPSPhysicalMemory(&mem));
  PetscCheck(!mem || bytes <= mem, comm, PETSC_ERR_ARG_OUTOFRANGE, "%s needs %.3g GB of memory, more than this machine's %.3g GB: choose a smaller value", what, (double)(bytes / 1e9), (double)(mem / 1e9));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckKSPTolerances - Refuses the tolerances of a KSP that KSPSetTolerances() would refuse, which
  KSPSetFromOptions() of PETSc 3.18 stores from -ksp_rtol, -ksp_atol and -ksp_divtol without those checks

  Collective

  Input Parameter:
. ksp - the KSP, after KSPSetFromOptions() (or SNESSetFromOptions())

  Notes:
  Refused (PETSC_ERR_USER_INPUT, naming the option with the KSP's prefix and its value): rtol outside [0, 1), a
  negative or infinite atol, a negative divtol, NaN, and the value -2 ("default"), which PETSc 3.18 stores as
  PETSC_DEFAULT instead of the default. -ksp_rtol 1.5 (for 1e-5) stopped the solve at iteration 0 as CONVERGED_RTOL
  with the zero solution, and NaN ran to the absolute tolerance, both reported as converged. The values are the same
  on every rank, so every rank returns the same error.

  Level: developer

.seealso: SNAPSCheckFiles()
@*/
PetscErrorCode SNAPSCheckKSPTolerances(KSP ksp)
{
  PetscReal   rtol, atol, dtol;
  const char *prefix;
  MPI_Comm    comm;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(ksp, KSP_CLASSID, 1);
  PetscCall(PetscObjectGetComm((PetscObject)ksp, &comm));
  PetscCall(KSPGetOptionsPrefix(ksp, &prefix));
  if (!prefix) prefix = "";
  PetscCall(KSPGetTolerances(ksp, &rtol, &atol, &dtol, NULL));
  /* "-ksp_rtol default" is stored as PETSC_DEFAULT (-2) by PETSc 3.18's KSPSetFromOptions(), not replaced by the default:
     said so, not "not -2" */
  {
    const struct {
      const char *name, *dflt;
      PetscReal   value;
    } tol[] = {
        {"rtol", "1e-5", rtol},
        {"atol", "1e-50", atol},
        {"divtol", "1e4", dtol}};

    for (size_t i = 0; i < sizeof(tol) / sizeof(tol[0]); i++)
      PetscCheck(tol[i].value != (PetscReal)PETSC_DEFAULT, comm, PETSC_ERR_USER_INPUT, "-%sksp_%s -2, or 'default', which PETSc 3.18 stores as -2 here instead of the default value: give a number at least 0 (PETSc's default is %s) or leave the option out", prefix, tol[i].name, tol[i].dflt);
  }
  PetscCheck(rtol >= 0 && rtol < 1, comm, PETSC_ERR_USER_INPUT, "-%sksp_rtol, the relative tolerance, must be at least 0 and below 1 (1 or more ends the solve at once, as converged, with the initial guess), not %g", prefix, (double)rtol);
  PetscCheck(atol >= 0 && atol < PETSC_INFINITY, comm, PETSC_ERR_USER_INPUT, "-%sksp_atol, the absolute tolerance, must be finite and at least 0, not %g", prefix, (double)atol);
  PetscCheck(dtol >= 0, comm, PETSC_ERR_USER_INPUT, "-%sksp_divtol, the divergence tolerance, must be at least 0, not %g", prefix, (double)dtol);
  PetscFunctionReturn(0);
}

/* Refuses an option read by SNAPSOptionsGetTextViewer() (name, value) whose file is also named by an option that
   PETSc opens on its own (-ksp_monitor, -sna_view, -log_view, ...: another FILE in mode "w", the two overwriting
   each other). The options read by SNAPSOptionsGetTextViewer() (-[prefix]sna_monitor, -ksp_guess_sna_monitor,
   -exact_view) share the file and pass. The files of the values (SNAPSViewerValueSplit()) are compared as written. */
static PetscErrorCode CheckFileNotPETScs(MPI_Comm comm, PetscOptions options, const char prefix[], const char name[], const char value[], const char file[])
{
  char            *all, **tok;
  int              ntok;
  const char      *pre    = prefix ? prefix : "";
  const char      *ours[] = {"sna_monitor", "exact_view"};
  SNAPSViewerValue v;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(options, &all));
  PetscCall(PetscStrToArray(all, ' ', &ntok, &tok));
  PetscCall(PetscFree(all));
  for (int t = 1; t < ntok; t++) {
    const char *opt    = tok[t - 1];
    PetscBool   shared = PETSC_FALSE;
    size_t      nlen   = strlen(opt);

    if (opt[0] != '-') continue;
    PetscCall(SNAPSViewerValueSplit(tok[t], &v));
    if (!v.writes || strcmp(v.written, file)) continue;
    for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
      size_t olen = strlen(ours[i]);

      if (nlen > olen && !strcmp(opt + nlen - olen, ours[i])) shared = PETSC_TRUE;
    }
    if (!shared) {
      char msg[2 * PETSC_MAX_PATH_LEN + 256];

      PetscCall(PetscSNPrintf(msg, sizeof(msg), "-%s%s %s: %s also names %s, and PETSc opens that file on its own (emptying it): the two would overwrite each other; give one of them another file", pre, name + 1, value, opt, file));
      PetscCall(PetscStrToArrayDestroy(ntok, tok));
      SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s", msg);
    }
  }
  PetscCall(PetscStrToArrayDestroy(ntok, tok));
  PetscFunctionReturn(0);
}

/* The field of value from start that runs to the next ':' (or the end, last: the rest), copied (cut to len - 1) into
   out; its length as written in *n (may be NULL); the start of the next field, or NULL when none follows */
static const char *ViewerValueField(const char *start, PetscBool last, char out[], size_t len, size_t *n)
{
  size_t l = last ? strlen(start) : strcspn(start, ":");

  snprintf(out, len, "%.*s", (int)PetscMin(l, (size_t)INT_MAX), start);
  if (n) *n = l;
  return start[l] ? start + l + 1 : NULL;
}

/* The file PETSc 3.18's PETSC_VIEWER_BINARY_() or PETSC_VIEWER_HDF5_() writes: as its PetscOptionsGetenv() finds it,
   the option -viewer_binary_filename (-viewer_hdf5_filename) first, then the environment's PETSC_VIEWER_..._FILENAME,
   else binaryoutput (output.h5). Found, the option is marked used: PETSc reads it when it opens the viewer, which may
   be at PetscFinalize() (-log_view binary), after a program's early warning of unused options. */
static PetscErrorCode ViewerDefaultFile(PetscBool binary, char file[], size_t len)
{
  const char *option = binary ? "-viewer_binary_filename" : "-viewer_hdf5_filename";
  const char *env    = getenv(binary ? "PETSC_VIEWER_BINARY_FILENAME" : "PETSC_VIEWER_HDF5_FILENAME");
  char       *all, **words;
  int         n;
  PetscBool   found = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(file, env && env[0] ? env : (binary ? "binaryoutput" : "output.h5"), len));
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscStrToArray(all, ' ', &n, &words));
  PetscCall(PetscFree(all));
  for (int w = n - 2; w >= 0 && !found; w--) { /* the last one given, as the database keeps it */
    found = (PetscBool)!strcasecmp(words[w], option);
    if (found && words[w + 1][0] != '-') (void)PetscStrncpy(file, words[w + 1], len);
  }
  PetscCall(PetscStrToArrayDestroy(n, words));
  if (found) PetscCall(PetscOptionsHasName(NULL, NULL, option, &found));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSViewerValueSplit - Splits a viewer option's value [type][:file[:format[:mode]]] the way PETSc 3.18's
  PetscOptionsGetViewer() does: at its first three colons, the mode being all that follows the third

  Not Collective

  Input Parameter:
. value - the option's value (NULL: every field empty)

  Output Parameter:
. v - the fields and what they mean (SNAPSViewerValue); nothing is opened

  Notes:
  The one rule of every viewer value read in SNAPS (SNAPSCheckViewerFiles(), SNAPSOptionsGetTextViewer(), -sna_view's
  check): the type is compared as written, case-sensitive, and an empty type is ascii (PETSc refuses "ASCII:f" and
  "Ascii:f", and ":f" is an ASCII viewer of f); format and mode are found by PetscEnumFind(), in any case
  ("ascii:f:ASCII_INFO_DETAIL:Append"); an empty mode, like "write", writes the file from its start. A value whose
  type writes a file (ascii, binary, hdf5, vtk) with a file that is not empty, nor ascii's stdout or stderr, writes
  that file (v->writes, v->written). So do, as PETSc 3.18 opens them, the types binary and hdf5 alone, with no colon
  (PETSC_VIEWER_BINARY_() and PETSC_VIEWER_HDF5_(): -viewer_binary_filename, $PETSC_VIEWER_BINARY_FILENAME or
  binaryoutput; -viewer_hdf5_filename, $PETSC_VIEWER_HDF5_FILENAME or output.h5), and draw:tikz:<file>, a TikZ drawing written to <file> (draw:image:<name>
  writes a directory of that name, refused by the system where a file has it; draw:tikz alone a name of its own).
  Fields longer than their room are cut; v->flen and v->fmtlen keep their lengths as written.

  Level: developer

.seealso: SNAPSOptionsGetTextViewer(), SNAPSCheckViewerFiles()
@*/
PetscErrorCode SNAPSViewerValueSplit(const char value[], SNAPSViewerValue *v)
{
  static const char *const writers[] = {"", "ascii", "binary", "hdf5", "vtk"};
  const char              *next, *third = NULL;
  size_t                   wlen = 0;

  PetscFunctionBegin;
  PetscValidPointer(v, 2);
  PetscCall(PetscMemzero(v, sizeof(*v)));
  if (!value) PetscFunctionReturn(0);
  next       = ViewerValueField(value, PETSC_FALSE, v->type, sizeof(v->type), NULL);
  v->ascii   = (PetscBool)(!v->type[0] || !strcmp(v->type, "ascii"));
  v->hasfile = (PetscBool)(next != NULL);
  if (next) next = ViewerValueField(next, PETSC_FALSE, v->file, sizeof(v->file), &v->flen);
  third = next;
  if (next) next = ViewerValueField(next, PETSC_FALSE, v->format, sizeof(v->format), &v->fmtlen);
  if (next) ViewerValueField(next, PETSC_TRUE, v->mode, sizeof(v->mode), NULL);
  v->append = (PetscBool)!strcasecmp(v->mode, "append");
  for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
    if (!strcmp(v->type, writers[i])) v->writes = (PetscBool)(v->file[0] && v->flen < sizeof(v->file));
  if (v->ascii && (!strcmp(v->file, "stdout") || !strcmp(v->file, "stderr"))) v->writes = PETSC_FALSE; /* ascii's streams */
  if (v->writes) PetscCall(PetscStrncpy(v->written, v->file, sizeof(v->written)));
  if (!v->hasfile && (!strcmp(v->type, "binary") || !strcmp(v->type, "hdf5"))) { /* PETSc's default file of the type */
    PetscCall(ViewerDefaultFile((PetscBool)(v->type[0] == 'b'), v->written, sizeof(v->written)));
    v->writes = PETSC_TRUE;
  }
  if (!strcmp(v->type, "draw") && !strcmp(v->file, "tikz") && third) { /* the drawing's file is the third field */
    ViewerValueField(third, PETSC_FALSE, v->written, sizeof(v->written), &wlen);
    v->writes = (PetscBool)(v->written[0] && wlen < sizeof(v->written));
  }
  if (!v->writes) v->written[0] = 0;
  PetscFunctionReturn(0);
}

/* Whether a viewer's file is written into, not replaced, so that it cannot be an input or an output: an existing pipe
   (a rank's stderr under mpirun) or character device (a terminal, /dev/null), or a name that reaches a file through a
   link to an open descriptor (/dev/stdout redirected by the shell). Rank 0 looks, every rank gets its answer. */
static PetscErrorCode ViewerFileIsStream(MPI_Comm comm, const char file[], PetscBool *stream)
{
  PetscMPIInt rank;
  int         s = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    struct stat st;
    char        target[PETSC_MAX_PATH_LEN];
    int         err = 0;

    if (!stat(file, &st) && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) /* a directory, a socket: refused below */
      s = 1;
    else if (strlen(file) < sizeof(target) && !SNAPSOutputTarget(file, target, sizeof(target), &err) && err == SNAPS_OUTPUT_THROUGH_FD)
      s = 1;
  }
  PetscCallMPI(MPI_Bcast(&s, 1, MPI_INT, 0, comm));
  *stream = (PetscBool)s;
  PetscFunctionReturn(0);
}

/* Whether a value "binary" or "hdf5" alone of this option may be a viewer of PETSc's default file: PETSc opens
   viewers under many names (-sna_view, -log_view, -ts_monitor, -ksp_converged_reason, -ksp_converged_rate, in any
   case), so every option but those that name a type (-viewer_type hdf5, -xxx_type) or set a viewer's own settings
   (-viewer_binary_filename, ...), where the value is a name, not a viewer. */
static PetscBool ViewerOptionName(const char name[])
{
  const size_t n = strlen(name);

  return (PetscBool)(strncasecmp(name, "-viewer_", 8) && !(n >= 5 && !strcasecmp(name + n - 5, "_type")));
}

/*@C
  SNAPSCheckViewerFiles - Refuses, before any work, a viewer option whose file is one of the program's inputs or
  outputs: opening the viewer empties its file

  Collective

  Input Parameters:
+ comm    - the ranks of the program
. nin     - the number of inputs
. inopts  - the inputs' options
. ins     - the inputs' names (NULL or empty ones are skipped)
. nout    - the number of outputs, at most 16
. outopts - the outputs' options
- outs    - the outputs' names (NULL or empty ones are skipped)

  Notes:
  A viewer option is any option in the database whose value writes a file: [ascii]:<file>, binary:<file>,
  hdf5:<file> or vtk:<file>, followed by :format or :mode or not, draw:tikz:<file>, and, for an option that is no
  -viewer_... nor -..._type, binary or hdf5 alone (PETSc's default file: binaryoutput, output.h5, or the one
  -viewer_binary_filename, -viewer_hdf5_filename or the environment names): -sna_view, -sna_monitor, a part's
  -mf_lf_sna_monitor, -log_view, ..., read by SNAPSViewerValueSplit() as PETSc reads it ("ASCII:<file>" is no viewer:
  PETSc refuses it). snaps-fit -sna_monitor ascii:<the -data file> replaced the training data by the monitor's lines,
  snaps-predict -sna_view ascii:<the -model file> the model; and an output written after it replaces the view. Each
  viewer's file also passes SNAPSCheckOutputs() with the outputs. Viewers may share a file with each other (each is
  checked alone); a file written into (a pipe, a terminal, /dev/null, /dev/stdout redirected to a file) is not
  checked. The options are read from the database's text, so that they are not marked used. Nothing is checked in a
  -help run. More than 16 outputs is PETSC_ERR_ARG_OUTOFRANGE.

  Level: developer

.seealso: SNAPSCheckFiles(), SNAPSViewerValueSplit(), SNAPSCheckOutputs(), SNAPSCheckOutputNotInput()
@*/
PetscErrorCode SNAPSCheckViewerFiles(MPI_Comm comm, PetscInt nin, const char *const inopts[], const char *const ins[], PetscInt nout, const char *const outopts[], const char *const outs[])
{
  char            *all, **words;
  const char      *opts[17], *files[17];
  SNAPSViewerValue v;
  int              n;
  PetscBool        help, stream = PETSC_FALSE;
  PetscErrorCode   ierr = 0;

  PetscFunctionBegin;
  PetscCheck(nout >= 0 && nout < 17, comm, PETSC_ERR_ARG_OUTOFRANGE, "SNAPSCheckViewerFiles() takes at most 16 outputs, not %" PetscInt_FMT, nout);
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < nout; i++) {
    opts[i]  = outopts[i];
    files[i] = outs[i];
  }
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscStrToArray(all, ' ', &n, &words));
  PetscCall(PetscFree(all));
  for (int w = 0; w + 1 < n && !ierr; w++) { /* "-name value": read here, not through PetscOptionsFindPair(), which
                                                marks the option used and so silenced the warning of a misspelt one */
    if (words[w][0] != '-' || !isalpha((unsigned char)words[w][1]) || words[w + 1][0] == '-') continue;
    ierr = SNAPSViewerValueSplit(words[w + 1], &v);
    if (ierr || !v.writes || (!v.hasfile && !ViewerOptionName(words[w]))) continue;
    ierr = ViewerFileIsStream(comm, v.written, &stream);
    if (ierr || stream) continue;
    ierr = SNAPSCheckOutputNotInput(comm, words[w], v.written, nin, inopts, ins);
    if (ierr) continue;
    opts[nout]  = words[w];
    files[nout] = v.written;
    ierr        = SNAPSCheckOutputs(comm, nout + 1, opts, files);
  }
  PetscCall(PetscStrToArrayDestroy(n, words)); /* before the error is passed on: the words would leak */
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@C
  SNAPSCheckFiles - The checks of a program's files, before any work, in one call

  Collective

  Input Parameters:
+ comm    - the ranks of the program
. nin     - the number of inputs
. inopts  - the inputs' options
. ins     - the inputs' names (NULL or empty ones are skipped)
. nout    - the number of outputs, at most 16
. outopts - the outputs' options
- outs    - the outputs' names (NULL or empty ones are skipped)

  Notes:
  No output is one of the inputs (SNAPSCheckOutputNotInput()), the outputs can all be written (SNAPSCheckOutputs()),
  and no viewer option writes an input or an output (SNAPSCheckViewerFiles()). A file both read and rewritten (a model
  extended in place) is given as an output only; a program whose output may be one input but not the others
  (-checkpoint and -restart) makes the three calls itself.

  Level: developer

.seealso: SNAPSCheckOutputNotInput(), SNAPSCheckOutputs(), SNAPSCheckViewerFiles(), SNAPSOptionsCheckFileNames()
@*/
PetscErrorCode SNAPSCheckFiles(MPI_Comm comm, PetscInt nin, const char *const inopts[], const char *const ins[], PetscInt nout, const char *const outopts[], const char *const outs[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < nout; i++)
    if (outs[i] && outs[i][0]) PetscCall(SNAPSCheckOutputNotInput(comm, outopts[i], outs[i], nin, inopts, ins));
  PetscCall(SNAPSCheckOutputs(comm, nout, outopts, outs));
  PetscCall(SNAPSCheckViewerFiles(comm, nin, inopts, ins, nout, outopts, outs));
  PetscFunctionReturn(0);
}

/* SNAPSOptionsGetTextViewer() (viewer not NULL) and SNAPSOptionsCheckTextViewer() (viewer NULL: every check, nothing
   opened); set: whether the option asks for output (may be NULL) */
static PetscErrorCode TextViewerRead(MPI_Comm comm, PetscOptions options, const char prefix[], const char name[], PetscViewer *viewer, PetscViewerFormat *format, PetscBool *set)
{
  const char *value = NULL, *bools[] = {"0", "1", "false", "true", "no", "yes", "off", "on"};
  const char *pre = prefix ? prefix : "";
  PetscBool   given;

  PetscFunctionBegin;
  PetscValidCharPointer(name, 4);
  if (viewer) *viewer = NULL;
  if (format) *format = PETSC_VIEWER_DEFAULT;
  if (set) *set = PETSC_FALSE;
  PetscCall(PetscOptionsFindPair(options, prefix, name, &value, &given));
  if (!given) PetscFunctionReturn(0);
  for (size_t i = 0; value && i < sizeof(bools) / sizeof(bools[0]); i++) {
    PetscBool match;

    PetscCall(PetscStrcasecmp(value, bools[i], &match));
    if (!match) continue;
    if (i % 2 && set) *set = PETSC_TRUE;
    if (i % 2 && viewer) {
      *viewer = PETSC_VIEWER_STDOUT_(comm);
      PetscCall(PetscObjectReference((PetscObject)*viewer));
    }
    PetscFunctionReturn(0);
  }
  if (set) *set = PETSC_TRUE; /* on: standard output or an ASCII viewer (or refused below) */
  if (value && value[0]) { /* the type is checked before the viewer is opened: binary:<file> would be emptied */
    SNAPSViewerValue v;

    PetscCall(SNAPSViewerValueSplit(value, &v));
    PetscCheck(v.ascii, comm, PETSC_ERR_USER_INPUT, "-%s%s %s: the option prints text, to standard output or an ASCII viewer only: give -%s%s alone, or -%s%s ascii:<file>", pre, name + 1, value, pre, name + 1, pre, name + 1);
    if (v.hasfile && value[strcspn(value, ":") + 1]) { /* [ascii]:file[:format[:mode]] ("ascii:" alone: below) */
      PetscBool write;

      PetscCheck(v.flen < sizeof(v.file), comm, PETSC_ERR_USER_INPUT, "-%s%s %s: the file name is longer than %d characters", pre, name + 1, value, PETSC_MAX_PATH_LEN - 1);
      PetscCheck(v.fmtlen < sizeof(v.format), comm, PETSC_ERR_USER_INPUT, "-%s%s %s: unknown viewer format", pre, name + 1, value);
      PetscCall(PetscStrcasecmp(v.mode, "write", &write));
      PetscCheck(!v.mode[0] || v.append || write, comm, PETSC_ERR_USER_INPUT, "-%s%s %s: after ascii:<file>:<format> only :append or :write may follow", pre, name + 1, value);
      if (v.writes) { /* not stdout or stderr, PETSc's streams, nor empty (ascii::<format>: standard output) */
        PetscBool stream;

        PetscCall(ViewerFileIsStream(comm, v.file, &stream)); /* written into by each viewer in turn, not emptied */
        if (!stream) PetscCall(CheckFileNotPETScs(comm, options, prefix, name, value, v.file));
      }
      /* the format, checked here with :append too (PetscOptionsGetViewer() refused it only once it had opened, and so
         created, the file: at the first line, with the check passed and the work begun) */
      if (v.format[0]) {
        PetscViewerFormat f;
        PetscBool         found;

        PetscCall(PetscStrtoupper(v.format));
        PetscCall(PetscEnumFind(PetscViewerFormats, v.format, (PetscEnum *)&f, &found));
        PetscCheck(found, comm, PETSC_ERR_USER_INPUT, "-%s%s %s: unknown viewer format %s (ascii_info, ascii_info_detail, ...)", pre, name + 1, value, v.format);
        if (format) *format = f;
      }
      /* the shared viewer of that file (PetscOptionsGetViewer() would open a second one) */
      if (!v.append) {
        if (viewer) PetscCall(PetscViewerASCIIOpen(comm, v.file, viewer));
        PetscFunctionReturn(0);
      }
    }
  }
  if (viewer) { /* ascii alone (standard output) or ascii:file:format:append (a viewer of its own) */
    PetscViewerFormat fmt;
    PetscBool         found;

    PetscCall(PetscOptionsGetViewer(comm, options, prefix, name, viewer, &fmt, &found));
    if (!found) *viewer = NULL;
    if (format && found) *format = fmt;
  }
  PetscFunctionReturn(0);
}

/*@C
  SNAPSOptionsGetTextViewer - Reads an option that prints text (a monitor, or a view of text) the way PETSc's
  -ksp_monitor is read, so that every such option of SNAPS (-sna_monitor, -ksp_guess_sna_monitor, -exact_view, ...)
  takes the same values.

  Collective

  Input Parameters:
+ comm    - the communicator of the viewer
. options - the options database (NULL: the global one)
. prefix  - the options prefix (or NULL)
- name    - the option, with its leading dash ("-ksp_guess_sna_monitor")

  Output Parameters:
+ viewer - NULL when the option is absent or off; else standard output or the ASCII viewer given, a reference
           that the caller destroys
- format - the format given (ascii:file:format), or PETSC_VIEWER_DEFAULT (may be NULL)

  Notes:
  Values: none (standard output), a boolean (1, true, yes, on: standard output; 0, false, no, off: none), or
  ascii[:file[:format[:mode]]], read as PETSc reads it (SNAPSViewerValueSplit(): ":file" is ascii:file, "ascii::format"
  standard output, the mode write or append). Another viewer type (binary, draw, ..., or "ASCII", which PETSc does
  not know) is refused before it is opened, so a file it names is not created or emptied. ascii:file and
  ascii:file:format (and the mode write) open the file through PetscViewerASCIIOpen(),
  which shares one viewer per file name and communicator while it is open: the options read here that name the same
  file (the SNA's -sna_monitor and a solver's own lines) write to it in turn, provided the first viewer is still
  open when the next is asked for (a caller that prints once, like -exact_view, keeps its viewer to the end of the
  run). ascii:file:format:append opens a viewer of its own in append mode (lines added at the end of the file).
  PETSc's own options (-ksp_monitor, -sna_view, -log_view, ...) open their files on their own, in mode "w": an
  option read here that names the same file as one of those would be overwritten by it, or overwrite it, so that
  is refused, naming both. The option is not listed for -help: list it with PetscOptionsName().

  Level: developer

.seealso: `SNAMonitorSet()`, `PetscOptionsGetViewer()`, `SNAPSOptionsCheckTextViewer()`
@*/
PetscErrorCode SNAPSOptionsGetTextViewer(MPI_Comm comm, PetscOptions options, const char prefix[], const char name[], PetscViewer *viewer, PetscViewerFormat *format)
{
  PetscFunctionBegin;
  PetscValidPointer(viewer, 5);
  PetscCall(TextViewerRead(comm, options, prefix, name, viewer, format, NULL));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSOptionsCheckTextViewer - Checks an option read by SNAPSOptionsGetTextViewer() as that function does (the
  viewer type, the format, a file also named by an option PETSc opens on its own), without opening anything: for an
  output opened when its first line is printed, so that a run refused before then leaves no empty file (an unknown
  format refused, with :append too).

  Collective

  Input Parameters:
+ comm    - the communicator of the viewer
. options - the options database (NULL: the global one)
. prefix  - the options prefix (or NULL)
- name    - the option, with its leading dash ("-ksp_guess_sna_monitor")

  Output Parameter:
. set - whether the option asks for output (absent or off: PETSC_FALSE)

  Level: developer

.seealso: `SNAPSOptionsGetTextViewer()`
@*/
PetscErrorCode SNAPSOptionsCheckTextViewer(MPI_Comm comm, PetscOptions options, const char prefix[], const char name[], PetscBool *set)
{
  PetscFunctionBegin;
  PetscValidBoolPointer(set, 5);
  PetscCall(TextViewerRead(comm, options, prefix, name, NULL, NULL, set));
  PetscFunctionReturn(0);
}
