/* SNA package registration: class id, log events, the type and fit registries. */
#include <snaps/private/khronosimpl.h>
#include <snaps/private/aionimpl.h>
#include <snaps/private/mfimpl.h>

PetscClassId      SNA_CLASSID;
PetscLogEvent     SNA_SetUp, SNA_Fit, SNA_Evaluate, SNA_EvaluateGrid, SNA_Load, SNA_Save;
PetscLogEvent     SNA_DatasetLoad, SNA_DatasetSave, SNA_SurrogateTrajLoad, SNA_SurrogateLatent, SNA_SurrogateDrift;
PetscFunctionList SNAList = NULL;

static PetscBool SNAPackageInitialized = PETSC_FALSE;
static PetscBool SNARegisterAllCalled  = PETSC_FALSE;

const char *const  SNAConvergedReasons_Shifted[] = {"DIVERGED_STALLED", "DIVERGED_NO_PROGRESS", "DIVERGED_ITS", "DIVERGED_TAO", "DIVERGED_NANORINF", "CONVERGED_ITERATING", "", "CONVERGED_ATOL", "CONVERGED_RTOL", "CONVERGED_TAO", "", "CONVERGED_STATIONARY", "CONVERGED_STALLED", "CONVERGED_VALIDATION", "STOPPED_SLOW_PROGRESS", "SNAConvergedReason", "SNA_", NULL};
const char *const *SNAConvergedReasons           = SNAConvergedReasons_Shifted + 5;
const char *const  SNALossTypes[]                = {"mse", "cross_entropy", "SNALossType", "SNA_LOSS_", NULL};
const char *const  SNAValidationStops[]          = {"rise", "patience", "SNAValidationStop", "SNA_VALIDATION_STOP_", NULL};

/* The fit registry: (fit name, SNA type or NULL for any type) -> fit. */
typedef struct _SNAFitLink *SNAFitLink;
struct _SNAFitLink {
  char *name, *type;
  PetscErrorCode (*fit)(SNA, Vec, Vec);
  SNAFitLink next;
};
static SNAFitLink SNAFitRegistry = NULL;

PETSC_EXTERN PetscErrorCode SNACreate_Khronos(SNA);
PETSC_EXTERN PetscErrorCode SNACreate_Aion(SNA);
PETSC_EXTERN PetscErrorCode SNACreate_MF(SNA);

/* Registers the built-in SNA types. */
static PetscErrorCode SNARegisterAll(void)
{
  PetscFunctionBegin;
  if (SNARegisterAllCalled) PetscFunctionReturn(0);
  SNARegisterAllCalled = PETSC_TRUE;
  PetscCall(SNARegister(SNAKHRONOS, SNACreate_Khronos));
  PetscCall(SNARegister(SNAAION, SNACreate_Aion));
  PetscCall(SNARegister(SNAMF, SNACreate_MF));
  PetscCall(SNAFitRegister(SNAFITAUTO, SNAKHRONOS, SNAFit_Khronos_Auto));
  PetscCall(SNAFitRegister(SNAFITALS, SNAKHRONOS, SNAFit_Khronos_ALS));
  PetscCall(SNAFitRegister(SNAFITINFINITEDESCENT, SNAKHRONOS, SNAFit_Khronos_ALS));
  PetscCall(SNAFitRegister(SNAFITINFINITEDESCENT, SNAAION, SNAFit_Aion_InfiniteDescent));
  PetscCall(SNAFitRegister(SNAFITAUTO, SNAMF, SNAFit_MF));
  PetscCall(SNAFitRegister(SNAFITLM, NULL, SNAFit_LM));
  PetscCall(SNAFitRegister(SNAFITTAO, NULL, SNAFit_TAO));
  PetscCall(SNAFitRegister(SNAFITIRLS, SNAKHRONOS, SNAFit_Khronos_IRLS));
  PetscFunctionReturn(0);
}

/* Frees the fit registry. */
static PetscErrorCode SNAFitRegistryDestroy(void)
{
  PetscFunctionBegin;
  while (SNAFitRegistry) {
    SNAFitLink next = SNAFitRegistry->next;
    PetscCall(PetscFree(SNAFitRegistry->name));
    PetscCall(PetscFree(SNAFitRegistry->type));
    PetscCall(PetscFree(SNAFitRegistry));
    SNAFitRegistry = next;
  }
  PetscFunctionReturn(0);
}

/*@C
  SNAFinalizePackage - Frees the registry of SNA types and fits; PetscFinalize() calls it

  Not Collective

  Level: developer

.seealso: SNAInitializePackage()
@*/
PetscErrorCode SNAFinalizePackage(void)
{
  PetscFunctionBegin;
  PetscCall(PetscFunctionListDestroy(&SNAList));
  PetscCall(SNAFitRegistryDestroy());
  SNAPackageInitialized = PETSC_FALSE;
  SNARegisterAllCalled  = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/*@C
  SNAInitializePackage - Registers the SNA class, its log events and the built-in types and fits; called on first use
  (SNACreate(), SNARegister(), SNAFitRegister()), and again after SNAFinalizePackage()

  Not Collective

  Options Database Keys:
+ -info_exclude sna - leave out the class's -info messages
- -log_exclude sna  - leave out its log events

  Level: developer

.seealso: SNAFinalizePackage(), SNARegister()
@*/
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
  PetscCall(PetscLogEventRegister("SNADatasetLoad", SNA_CLASSID, &SNA_DatasetLoad)); /* SNADatasetLoad(), _LoadArray() */
  PetscCall(PetscLogEventRegister("SNADatasetSave", SNA_CLASSID, &SNA_DatasetSave));
  /* a rollout surrogate's training (SNAPSSurrogateTrain()): its trajectories, latent basis and drift fits */
  PetscCall(PetscLogEventRegister("SurrogateTrajLoad", SNA_CLASSID, &SNA_SurrogateTrajLoad));
  PetscCall(PetscLogEventRegister("SurrogateLatent", SNA_CLASSID, &SNA_SurrogateLatent));
  PetscCall(PetscLogEventRegister("SurrogateDrift", SNA_CLASSID, &SNA_SurrogateDrift));
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

/*@C
  SNARegister - Adds an SNA type, e.g. SNARegister("mytype", SNACreate_MyType); then -sna_type mytype

  Not Collective

  Input Parameters:
+ sname    - the type's name
- function - the function that fills in a new SNA's ops table and data: PetscErrorCode create(SNA sna)

  Notes:
  Registering a name again replaces its function. Types reach the SNA through snaps/private/snaimpl.h.

  Level: advanced

.seealso: SNASetType(), SNAFitRegister()
@*/
PetscErrorCode SNARegister(const char sname[], PetscErrorCode (*function)(SNA))
{
  PetscFunctionBegin;
  PetscCall(SNAInitializePackage());
  PetscCall(PetscFunctionListAdd(&SNAList, sname, function));
  PetscFunctionReturn(0);
}

/*@C
  SNAFitRegister - Adds a fitting algorithm for -sna_fit_type

  Not Collective

  Input Parameters:
+ name - the fit's name, e.g. "lm"
. type - the SNA type it is for, or NULL for every type that has the loss operations it needs
- fit  - the fit: PetscErrorCode fit(SNA sna, Vec X, Vec Y), called by SNAFit() on checked data and a set-up model

  Notes:
  A type-specific registration is found before a generic one of the same name; registering the same (name, type)
  again replaces the fit. Fits reach the SNA through snaps/private/snafitimpl.h.

  Level: advanced

.seealso: SNAFit(), SNASetFitType()
@*/
PetscErrorCode SNAFitRegister(const char name[], SNAType type, PetscErrorCode (*fit)(SNA, Vec, Vec))
{
  SNAFitLink link;
  PetscBool  same_name, same_type;

  PetscFunctionBegin;
  PetscValidCharPointer(name, 1);
  PetscCall(SNAInitializePackage());
  for (link = SNAFitRegistry; link; link = link->next) {
    PetscCall(PetscStrcmp(link->name, name, &same_name));
    PetscCall(PetscStrcmp(link->type, type, &same_type));
    if (same_name && same_type) {
      link->fit = fit;
      PetscFunctionReturn(0);
    }
  }
  PetscCall(PetscNew(&link));
  PetscCall(PetscStrallocpy(name, &link->name));
  PetscCall(PetscStrallocpy(type, &link->type));
  link->fit      = fit;
  link->next     = SNAFitRegistry;
  SNAFitRegistry = link;
  PetscFunctionReturn(0);
}

/* The fit for the SNA's type: a registration for its type first, then a generic one. */
PetscErrorCode SNAFitFind(SNA sna, const char name[], PetscErrorCode (**fit)(SNA, Vec, Vec))
{
  const char *type = ((PetscObject)sna)->type_name;

  PetscFunctionBegin;
  *fit = NULL;
  for (SNAFitLink link = SNAFitRegistry; link; link = link->next) {
    PetscBool same_name, same_type = PETSC_FALSE;

    PetscCall(PetscStrcmp(link->name, name, &same_name));
    if (!same_name) continue;
    if (link->type) PetscCall(PetscStrcmp(link->type, type, &same_type));
    if (same_type) {
      *fit = link->fit;
      break;
    }
    if (!link->type) *fit = link->fit; /* generic: kept unless the type has its own */
  }
  PetscFunctionReturn(0);
}

/* Comma-separated names of the fits available to the SNA's type, in registration order, each once. */
PetscErrorCode SNAFitGetNames(SNA sna, char names[], size_t len)
{
  const char *type = ((PetscObject)sna)->type_name;
  SNAFitLink  order[64];
  PetscInt    n = 0;

  PetscFunctionBegin;
  names[0] = 0;
  for (SNAFitLink link = SNAFitRegistry; link && n < 64; link = link->next) order[n++] = link;
  for (PetscInt i = n - 1; i >= 0; i--) { /* the list is newest first */
    PetscBool applies = (PetscBool)!order[i]->type, dup = PETSC_FALSE;

    if (!applies) PetscCall(PetscStrcmp(order[i]->type, type, &applies));
    for (PetscInt j = n - 1; applies && j > i && !dup; j--) {
      PetscBool same_type = (PetscBool)!order[j]->type;
      if (!same_type) PetscCall(PetscStrcmp(order[j]->type, type, &same_type));
      if (same_type) PetscCall(PetscStrcmp(order[i]->name, order[j]->name, &dup));
    }
    if (!applies || dup) continue;
    if (names[0]) PetscCall(PetscStrlcat(names, ", ", len));
    PetscCall(PetscStrlcat(names, order[i]->name, len));
  }
  PetscFunctionReturn(0);
}
