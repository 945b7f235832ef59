/* Entry point PETSc calls when a program is started with -dll_append libsnaps.so. */
#include <snaps.h>

/* Registers every SNAPS class and type with PETSc. */
PETSC_EXTERN PetscErrorCode PetscDLLibraryRegister_snaps(void)
{
  PetscFunctionBegin;
  PetscCall(SNAInitializePackage());
  PetscFunctionReturn(0);
}
