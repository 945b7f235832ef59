/* Entry point PETSc calls when a program is started with -dll_append libsnaps.so. */
#include <snaps.h>

/* Registers every SNAPS class and type with PETSc: the SNA class and the KSPGuess type "sna".
   Idempotent, so a program linked with libsnaps may also be started with -dll_append libsnaps.so. */
PETSC_EXTERN PetscErrorCode PetscDLLibraryRegister_snaps(void)
{
  PetscFunctionBegin;
  PetscCall(SNAInitializePackage());
  PetscCall(SNAGuessInitializePackage());
  PetscFunctionReturn(0);
}
