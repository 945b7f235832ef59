/* SNAPS: the Separable Neural Architecture Plugin Suite. Umbrella header. */
#pragma once

#include <snaps/version.h>
#include <snaps/sna.h>
#include <snaps/bspline.h>
#include <snaps/dataset.h>
#include <snaps/options.h>
#include <snaps/report.h>
#include <snaps/ordering.h>
#include <snaps/pod.h>
#include <snaps/snapshots.h>
#include <snaps/trajectory.h>
#include <snaps/snaguess.h>
#include <snaps/surrogate.h>
#include <snaps/latent.h>

/* Registers every SNAPS class and type with PETSc; what -dll_append libsnaps.so calls. */
PETSC_EXTERN PetscErrorCode PetscDLLibraryRegister_snaps(void);
