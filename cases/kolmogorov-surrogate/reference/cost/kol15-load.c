/* The model load alone: SNAPSSurrogateLoad of argv[1] 20 times in one process, each time printing its CPU time
   (CLOCK_PROCESS_CPUTIME_ID), the first with fresh memory (page faults), the others reusing it. Build (from the
   repository root, after scripts/build.sh):
   mpicc -O2 -Iplugins/include -I/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real/include -I/usr/include/hdf5/openmpi
     cases/kolmogorov-surrogate/reference/cost/kol15-load.c -o /tmp/kol15-load -Lbuild/lib -lsnaps -Wl,-rpath,$PWD/build/lib
     -L/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real/lib -lpetsc_real -Wl,-rpath,/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real/lib
   and once more against a build of ed1e518 for OLD; kol15-load.log: 3 interleaved pairs, min / median / max of 20. */
#include <snaps/surrogate.h>
#include <petsctime.h>
#include <time.h>
static double cpu(void){struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID,&t); return t.tv_sec+1e-9*t.tv_nsec;}
int main(int argc, char **argv)
{
  SNAPSSurrogate s;
  PetscLogDouble t0, t1;
  int n = 20;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (int i = 0; i < n; i++) {
    t0 = cpu();
    PetscCall(SNAPSSurrogateLoad(PETSC_COMM_WORLD, argv[1], &s));
    t1 = cpu();
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%.4f\n", t1 - t0));
    PetscCall(SNAPSSurrogateDestroy(&s));
  }
  PetscCall(PetscFinalize());
  return 0;
}
