/* Entry point PETSc calls when a program is started with -dll_append libsnaps.so. */
#include <snaps.h>

/*@C
  PetscDLLibraryRegister_snaps - Registers every SNAPS class and type with PETSc: the SNA class (with its types and
  fits) and the KSPGuess type "sna"; what PETSc calls when a program is started with -dll_append libsnaps.so

  Not Collective

  Notes:
  Idempotent (SNAInitializePackage() and SNAGuessInitializePackage() do their work once), so a program linked with
  libsnaps may also be started with -dll_append libsnaps.so.

  Level: developer

.seealso: SNAInitializePackage(), SNAGuessInitializePackage()
@*/
PETSC_EXTERN PetscErrorCode PetscDLLibraryRegister_snaps(void)
{
  PetscFunctionBegin;
  PetscCall(SNAInitializePackage());
  PetscCall(SNAGuessInitializePackage());
  PetscFunctionReturn(0);
}
