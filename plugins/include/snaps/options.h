/* Options that were set but never used: a warning at exit, so a misspelt or wrongly prefixed option is seen. */
#pragma once

#include <petscsys.h>
#include <petscviewer.h>
#include <petscksp.h>

/* Call right before PetscFinalize(): then PetscFinalize() prints, on rank 0 of the communicator, one warning
   line per option that no rank used. Quiet under -help and when -options_left is given (PETSc reports).
   For programs; libsnaps loaded with -dll_append into another program does not call it: there the sna initial
   guess reports its own options (SNAPSOptionsWarnUnusedPart), and -options_left lists them all. */
PETSC_EXTERN PetscErrorCode SNAPSOptionsWarnUnused(MPI_Comm);
/* The same warning now, for a long run: call it once every option the program reads before PetscFinalize() has
   been read, before the long work. Leaves out what PETSc reads inside PetscFinalize() (-log_view, -malloc_dump, ...);
   the report at PetscFinalize skips what it warned about. */
PETSC_EXTERN PetscErrorCode SNAPSOptionsWarnUnusedEarly(MPI_Comm);
/* For a library loaded into another program: at PetscFinalize (call it from a registered finalize function), the
   same warning for the unused options whose names contain part ("ksp_guess_sna_"), naming what uses them; quiet
   under a SNAPS program's own report, -options_left, -help and PETSc's debug builds. */
PETSC_EXTERN PetscErrorCode SNAPSOptionsWarnUnusedPart(const char[], const char[]);

/* A viewer option's value [type][:file[:format[:mode]]] split as PETSc 3.18's PetscOptionsGetViewer() splits it: at
   its first three colons, the mode being the rest. The type is case-sensitive and empty means ascii ("ASCII:f" is
   no viewer: PETSc refuses it); format and mode are not (PetscEnumFind()). The one parser of viewer values in SNAPS:
   SNAPSCheckViewerFiles(), SNAPSOptionsGetTextViewer() and -sna_view's check all read values through it. */
typedef struct {
  char      type[256];                /* as written, "" when empty (ascii) */
  char      file[PETSC_MAX_PATH_LEN]; /* the second field, "" when none */
  char      format[64];               /* the third field, "" when none */
  char      mode[32];                 /* the rest after the third colon, "" when none */
  size_t    flen, fmtlen;             /* the lengths of the file and format fields as written (longer than the copies: cut) */
  PetscBool hasfile;                  /* a colon follows the type */
  PetscBool ascii;                    /* the type is ascii or empty */
  PetscBool append;                   /* the mode is append (any case) */
  PetscBool writes;                   /* the viewer writes the file written: ascii (a file not stdout or stderr), binary,
                                         hdf5 or vtk of a file, binary or hdf5 alone (PETSc's default file), draw:tikz:<f> */
  char written[PETSC_MAX_PATH_LEN];   /* the file it writes where writes is set ("" otherwise) */
} SNAPSViewerValue;
PETSC_EXTERN PetscErrorCode SNAPSViewerValueSplit(const char[], SNAPSViewerValue *);

/* A text output option (a monitor, or a view that prints text) read as PETSc's -ksp_monitor is: alone, standard
   output; a boolean, on (standard output) or off; or an ASCII viewer ascii[:file[:format]] (one shared viewer per
   file). Any other viewer type is refused before it is opened. viewer: NULL when the option is absent or off, else
   a reference the caller destroys; format (may be NULL): the format given. Does not list the option for -help
   (list it with PetscOptionsName()). Collective. Every SNAPS monitor and text view reads its option with it. */
PETSC_EXTERN PetscErrorCode SNAPSOptionsGetTextViewer(MPI_Comm, PetscOptions, const char[], const char[], PetscViewer *, PetscViewerFormat *);
/* Its checks alone, nothing opened (for an output opened at its first line: a run refused before leaves no empty
   file); set: whether the option asks for output. Collective. */
PETSC_EXTERN PetscErrorCode SNAPSOptionsCheckTextViewer(MPI_Comm, PetscOptions, const char[], const char[], PetscBool *);

/* Refuses an output file that is one of the inputs (the same file by identity: device and inode, so a
   different spelling, a symbolic link or a hard link counts too), before anything is written. outopt, out:
   the output's option ("-model") and file name; n inputs with their options and names (NULL names are
   skipped). Collective; an output that does not exist yet is always fine. */
PETSC_EXTERN PetscErrorCode SNAPSCheckOutputNotInput(MPI_Comm, const char[], const char[], PetscInt, const char *const[], const char *const[]);

/* Refuses a file-name option (n names, with the options prefix or NULL) given without a value, which PETSc reads as
   an empty name that programs take for the option's absence. Collective; before the work. */
PETSC_EXTERN PetscErrorCode SNAPSOptionsCheckFileNames(MPI_Comm, const char[], PetscInt, const char *const[]);

/* Refuses, before any work, n output files (options and names; NULL or empty names skipped) that cannot all be
   written: a directory, a directory that is missing or not writable, two outputs that are the same file
   (resolved paths, or device and inode). Collective. */
PETSC_EXTERN PetscErrorCode SNAPSCheckOutputs(MPI_Comm, PetscInt, const char *const[], const char *const[]);
/* Refuses, before any work, a viewer option (any option whose value is [ascii]:, binary:, hdf5: or vtk:<file>, such as
   -sna_view or -sna_monitor) whose file is one of the n inputs or m outputs (options and names; NULL or empty names
   skipped): opening the viewer empties the file. Collective. */
PETSC_EXTERN PetscErrorCode SNAPSCheckViewerFiles(MPI_Comm, PetscInt, const char *const[], const char *const[], PetscInt, const char *const[], const char *const[]);
/* The three checks above in one call, before any work: no output is an input (SNAPSCheckOutputNotInput()), the
   outputs can be written (SNAPSCheckOutputs()), no viewer writes an input or an output (SNAPSCheckViewerFiles()):
   n inputs and m outputs, options and names, NULL or empty names skipped. Collective. */
PETSC_EXTERN PetscErrorCode SNAPSCheckFiles(MPI_Comm, PetscInt, const char *const[], const char *const[], PetscInt, const char *const[], const char *const[]);
/* The canonical name of a path whose directory exists (directory resolved, base name kept); errno or 0 */
PETSC_EXTERN int SNAPSCanonicalPath(const char[], char[], size_t);

/* The machine's physical memory in bytes (sysconf), or 0 when it cannot be told. Not collective. */
PETSC_EXTERN PetscErrorCode SNAPSPhysicalMemory(PetscLogDouble *);

/* Refuses a choice of sizes that needs more memory than the machine has: bytes is the need (the caller
   computes it in floating point, so that it cannot overflow), what names the option(s) and value(s) and
   what the memory is for, e.g. "-error_cells 100000 (an error-quadrature grid of 1e10 points)". The error
   gives both figures. Not collective: every rank must compute the same need. */
PETSC_EXTERN PetscErrorCode SNAPSCheckMemory(MPI_Comm, PetscLogDouble, const char[]);

/* Refuses the tolerances that KSPSetFromOptions() takes from -[prefix]ksp_rtol, -ksp_atol and -ksp_divtol without the
   checks of KSPSetTolerances() (PETSc 3.18): rtol outside [0, 1), a negative or infinite atol, a negative divtol, NaN.
   Call it after KSPSetFromOptions() (or SNESSetFromOptions()). Collective on the KSP. */
PETSC_EXTERN PetscErrorCode SNAPSCheckKSPTolerances(KSP);
