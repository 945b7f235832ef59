/* Options that were set but never used (see snaps/options.h).

   The report is made from inside PetscFinalize(), by a function registered with PetscRegisterFinalize():
   PETSc reads some options only there (-log_view, -memory_view, -options_view, -citations, -mpidump,
   -get_total_flops, ...), and they are all read by the time registered functions run. An option counts
   as used when any rank used it: the ranks hold the same options but may query different ones. */
#include <snaps/options.h>

/* What the warning line says after the option's name (and value). */
static const char OptionsUnusedWhy[] = "was set but never used: misspelt, wrong prefix, or not applicable here";

/* The communicator of the pending report; MPI_COMM_NULL when none is pending. */
static MPI_Comm OptionsWarnComm = MPI_COMM_NULL;

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

/* Prints the warning lines for the options of rank 0 that no rank of comm used. Collective. */
static PetscErrorCode OptionsWarnUnused_Private(MPI_Comm comm)
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
      if (rank || used[i]) continue;
      if (values[i])
        PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "WARNING: option -%s (value %s) %s\n", names[i], values[i], OptionsUnusedWhy));
      else
        PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "WARNING: option -%s %s\n", names[i], OptionsUnusedWhy));
    }
    PetscCall(PetscFree(used));
  }
  if (!rank) PetscCall(PetscOptionsLeftRestore(NULL, &nleft, &names, &values));
  PetscFunctionReturn(0);
}

/* The function PetscFinalize() calls: the pending report. */
static PetscErrorCode OptionsWarnAtFinalize_Private(void)
{
  MPI_Comm comm = OptionsWarnComm;

  PetscFunctionBegin;
  OptionsWarnComm = MPI_COMM_NULL;
  if (comm != MPI_COMM_NULL) PetscCall(OptionsWarnUnused_Private(comm));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSOptionsWarnUnused - Makes PetscFinalize() warn, on rank 0 of comm (standard error), about every option
  that was set (command line, -options_file, PETSC_OPTIONS) but that no rank used, one line each:
  "WARNING: option -foo (value bar) was set but never used: misspelt, wrong prefix, or not applicable here".
  Call it right before PetscFinalize(), on every rank of comm; comm must stay valid until then.

  It stays quiet under -help (a help run reads only some options) and when -options_left is given, true or
  false: PETSc then prints its own report, or was told not to. Errors are not affected: a program that
  stops on an error does not reach it.
@*/
PetscErrorCode SNAPSOptionsWarnUnused(MPI_Comm comm)
{
  PetscBool help, left;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-options_left", &left));
  if (help || left) PetscFunctionReturn(0);
  if (OptionsWarnComm == MPI_COMM_NULL) PetscCall(PetscRegisterFinalize(OptionsWarnAtFinalize_Private));
  OptionsWarnComm = comm;
  PetscFunctionReturn(0);
}
