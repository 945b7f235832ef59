/* SNA package registration: class id, log events, the type registry. */
#include <snaps/private/snaimpl.h>

PetscClassId      SNA_CLASSID;
PetscLogEvent     SNA_SetUp, SNA_Fit, SNA_Evaluate, SNA_EvaluateGrid, SNA_Load, SNA_Save;
PetscFunctionList SNAList = NULL;

static PetscBool SNAPackageInitialized = PETSC_FALSE;
static PetscBool SNARegisterAllCalled  = PETSC_FALSE;

const char *const  SNAConvergedReasons_Shifted[] = {"DIVERGED_TAO", "DIVERGED_NANORINF", "CONVERGED_ITERATING", "", "CONVERGED_ATOL", "CONVERGED_RTOL", "CONVERGED_TAO", "CONVERGED_ITS", "CONVERGED_STATIONARY", "SNAConvergedReason", "SNA_", NULL};
const char *const *SNAConvergedReasons           = SNAConvergedReasons_Shifted + 2;

PETSC_EXTERN PetscErrorCode SNACreate_Khronos(SNA);
PETSC_EXTERN PetscErrorCode SNACreate_Aion(SNA);

/* Registers the built-in SNA types. */
static PetscErrorCode SNARegisterAll(void)
{
  PetscFunctionBegin;
  if (SNARegisterAllCalled) PetscFunctionReturn(0);
  SNARegisterAllCalled = PETSC_TRUE;
  PetscCall(SNARegister(SNAKHRONOS, SNACreate_Khronos));
  PetscCall(SNARegister(SNAAION, SNACreate_Aion));
  PetscFunctionReturn(0);
}

/* Frees the registry; PetscFinalize() calls it. */
PetscErrorCode SNAFinalizePackage(void)
{
  PetscFunctionBegin;
  PetscCall(PetscFunctionListDestroy(&SNAList));
  SNAPackageInitialized = PETSC_FALSE;
  SNARegisterAllCalled  = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* Registers the class, its log events and types; safe to call repeatedly. */
PetscErrorCode SNAInitializePackage(void)
{
  PetscFunctionBegin;
  if (SNAPackageInitialized) PetscFunctionReturn(0);
  SNAPackageInitialized = PETSC_TRUE;
  PetscCall(PetscClassIdRegister("Separable Neural Architecture", &SNA_CLASSID));
  PetscCall(SNARegisterAll());
  PetscCall(PetscLogEventRegister("SNASetUp", SNA_CLASSID, &SNA_SetUp));
  PetscCall(PetscLogEventRegister("SNAFit", SNA_CLASSID, &SNA_Fit));
  PetscCall(PetscLogEventRegister("SNAEvaluate", SNA_CLASSID, &SNA_Evaluate));
  PetscCall(PetscLogEventRegister("SNAEvaluateGrid", SNA_CLASSID, &SNA_EvaluateGrid));
  PetscCall(PetscLogEventRegister("SNALoad", SNA_CLASSID, &SNA_Load));
  PetscCall(PetscLogEventRegister("SNASave", SNA_CLASSID, &SNA_Save));
  {
    /* -info_exclude sna and -log_exclude sna, as for PETSc's own classes */
    PetscClassId classids[1] = {SNA_CLASSID};
    char         logList[256];
    PetscBool    opt, pkg;

    PetscCall(PetscInfoProcessClass("sna", 1, classids));
    PetscCall(PetscOptionsGetString(NULL, NULL, "-log_exclude", logList, sizeof(logList), &opt));
    if (opt) {
      PetscCall(PetscStrInList("sna", logList, ',', &pkg));
      if (pkg) PetscCall(PetscLogEventExcludeClass(SNA_CLASSID));
    }
  }
  PetscCall(PetscRegisterFinalize(SNAFinalizePackage));
  PetscFunctionReturn(0);
}

/* Adds a new SNA type, e.g. SNARegister("mytype", SNACreate_MyType); then -sna_type mytype. */
PetscErrorCode SNARegister(const char sname[], PetscErrorCode (*function)(SNA))
{
  PetscFunctionBegin;
  PetscCall(SNAInitializePackage());
  PetscCall(PetscFunctionListAdd(&SNAList, sname, function));
  PetscFunctionReturn(0);
}
