/* SNA monitors: called after every sweep (ALS) or iteration (TAO) with the training MSE. */
#include <snaps/private/snaimpl.h>

/*@C
  SNAMonitorSet - Adds a function that the fits call after every sweep (ALS) or iteration with the training loss

  Logically Collective

  Input Parameters:
+ sna     - the SNA
. monitor - the function: PetscErrorCode monitor(SNA sna, PetscInt it, PetscReal loss, void *ctx)
. ctx     - its context, or NULL
- destroy - the function that frees ctx when the monitor goes (SNAMonitorCancel(), SNADestroy()), or NULL

  Options Database Keys:
+ -sna_monitor [ascii[:file[:format]]] - SNAMonitorDefault() lines, to stdout or the file (opened at the first line)
- -sna_monitor_cancel                  - remove the monitors set before, in code or by -sna_monitor

  Notes:
  A monitor identical to one set (same function, context and destroy) is not added again; more than 5 raise
  PETSC_ERR_ARG_OUTOFRANGE.

  Level: intermediate

.seealso: SNAMonitorDefault(), SNAMonitorCancel(), SNAMonitorGetStage(), SNAFit()
@*/
PetscErrorCode SNAMonitorSet(SNA sna, PetscErrorCode (*monitor)(SNA, PetscInt, PetscReal, void *), void *ctx, PetscErrorCode (*destroy)(void **))
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  for (PetscInt i = 0; i < sna->numbermonitors; i++) {
    PetscBool identical;
    PetscCall(PetscMonitorCompare((PetscErrorCode(*)(void))(void (*)(void))monitor, ctx, destroy, (PetscErrorCode(*)(void))(void (*)(void))sna->monitor[i], sna->monitorcontext[i], sna->monitordestroy[i], &identical));
    if (identical) PetscFunctionReturn(0);
  }
  PetscCheck(sna->numbermonitors < SNA_MAX_MONITORS, PetscObjectComm((PetscObject)sna), PETSC_ERR_ARG_OUTOFRANGE, "Too many SNA monitors (at most %d)", SNA_MAX_MONITORS);
  sna->monitor[sna->numbermonitors]        = monitor;
  sna->monitorcontext[sna->numbermonitors] = ctx;
  sna->monitordestroy[sna->numbermonitors] = destroy;
  sna->numbermonitors++;
  PetscFunctionReturn(0);
}

/*@
  SNAMonitorCancel - Removes every monitor of an SNA, freeing their contexts with their destroy functions

  Logically Collective

  Input Parameter:
. sna - the SNA

  Options Database Key:
. -sna_monitor_cancel - remove the monitors set before (in code, or by -sna_monitor)

  Level: intermediate

.seealso: SNAMonitorSet()
@*/
PetscErrorCode SNAMonitorCancel(SNA sna)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  for (PetscInt i = 0; i < sna->numbermonitors; i++) {
    if (sna->monitordestroy[i]) PetscCall((*sna->monitordestroy[i])(&sna->monitorcontext[i]));
  }
  sna->numbermonitors = 0;
  PetscFunctionReturn(0);
}

/* Calls every monitor. */
PetscErrorCode SNAMonitor(SNA sna, PetscInt it, PetscReal mse)
{
  PetscFunctionBegin;
  PetscCall(SNAFitValidationObserve(sna, mse)); /* first: monitors may print the validation MSE */
  for (PetscInt i = 0; i < sna->numbermonitors; i++) PetscCall((*sna->monitor[i])(sna, it, mse, sna->monitorcontext[i]));
  PetscFunctionReturn(0);
}

/*@C
  SNAMonitorDefault - The monitor behind -sna_monitor: prints "  it SNA loss (<objective>) value" per sweep or
  iteration, with the validation MSE where samples are held out and the fit's stage where it names one

  Collective

  Input Parameters:
+ sna - the SNA
. it  - the sweep or iteration
. mse - the training loss
- ctx - a PetscViewerAndFormat, or NULL for standard output

  Options Database Key:
. -sna_monitor [ascii[:file[:format]]] - set it

  Level: intermediate

.seealso: SNAMonitorSet(), SNAMonitorGetStage()
@*/
PetscErrorCode SNAMonitorDefault(SNA sna, PetscInt it, PetscReal mse, void *ctx)
{
  PetscViewerAndFormat *vf     = (PetscViewerAndFormat *)ctx;
  PetscViewer           viewer = vf ? vf->viewer : PETSC_VIEWER_STDOUT_(PetscObjectComm((PetscObject)sna));
  const char           *what   = SNAObjectiveValueName(sna);

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIAddTab(viewer, ((PetscObject)sna)->tablevel));
  PetscCall(PetscViewerASCIIPrintf(viewer, "%3" PetscInt_FMT " SNA loss (%s) %14.12e", it, what, (double)mse));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_FALSE));
  if (sna->valX) PetscCall(PetscViewerASCIIPrintf(viewer, "  validation MSE %14.12e", (double)sna->val_mse));
  if (sna->monitorstage) PetscCall(PetscViewerASCIIPrintf(viewer, "  [%s]", sna->monitorstage));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  PetscCall(PetscViewerASCIIUseTabs(viewer, PETSC_TRUE));
  PetscCall(PetscViewerASCIISubtractTab(viewer, ((PetscObject)sna)->tablevel));
  PetscFunctionReturn(0);
}

/*@C
  SNAMonitorGetStage - Gets what the fit is doing at the current monitor call (e.g. "algebraic start"), for monitors
  that want to say more than the loss

  Not Collective

  Input Parameter:
. sna - the SNA

  Output Parameter:
. stage - the stage, owned by the SNA, or NULL

  Level: advanced

.seealso: SNAMonitorSet(), SNAMonitorDefault()
@*/
PetscErrorCode SNAMonitorGetStage(SNA sna, const char **stage)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *stage = sna->monitorstage;
  PetscFunctionReturn(0);
}
