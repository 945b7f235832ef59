/* SNA monitors: called after every sweep (ALS) or iteration (TAO) with the training MSE. */
#include <snaps/private/snaimpl.h>

/* Adds a monitor; up to SNA_MAX_MONITORS. Identical monitors are added once. */
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

/* Removes and destroys all monitors. */
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
  for (PetscInt i = 0; i < sna->numbermonitors; i++) PetscCall((*sna->monitor[i])(sna, it, mse, sna->monitorcontext[i]));
  PetscFunctionReturn(0);
}

/* Prints "  it SNA loss (MSE) value" with the viewer in ctx (a PetscViewerAndFormat). */
PetscErrorCode SNAMonitorDefault(SNA sna, PetscInt it, PetscReal mse, void *ctx)
{
  PetscViewerAndFormat *vf     = (PetscViewerAndFormat *)ctx;
  PetscViewer           viewer = vf ? vf->viewer : PETSC_VIEWER_STDOUT_(PetscObjectComm((PetscObject)sna));
  const char           *what   = SNAObjectiveValueName(sna);

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIAddTab(viewer, ((PetscObject)sna)->tablevel));
  if (sna->monitorstage)
    PetscCall(PetscViewerASCIIPrintf(viewer, "%3" PetscInt_FMT " SNA loss (%s) %14.12e  [%s]\n", it, what, (double)mse, sna->monitorstage));
  else
    PetscCall(PetscViewerASCIIPrintf(viewer, "%3" PetscInt_FMT " SNA loss (%s) %14.12e\n", it, what, (double)mse));
  PetscCall(PetscViewerASCIISubtractTab(viewer, ((PetscObject)sna)->tablevel));
  PetscFunctionReturn(0);
}

/* The fit's current stage, for monitors that want to say more than the loss. */
PetscErrorCode SNAMonitorGetStage(SNA sna, const char **stage)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(sna, SNA_CLASSID, 1);
  *stage = sna->monitorstage;
  PetscFunctionReturn(0);
}
