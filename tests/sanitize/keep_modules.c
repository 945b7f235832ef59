/* Preloaded into every process of a sanitized test (tests/CMakeLists.txt): dlclose does nothing, so the
   libraries a program loads stay mapped until it exits. Open MPI loads its components with dlopen and
   unloads them in MPI_Finalize, before LeakSanitizer looks at the allocations they keep until exit. With
   the components gone, every frame of such an allocation's stack is an address in no module, and for each
   one the sanitizer rereads /proc/self/maps to look for it: about half the time of a sanitized MPI test
   (regression.surrogate_markov: 54 s, 24 to 26 s with this library, 2026-12-05). With them mapped, the frames
   name their library and lsan.supp matches it. Built without the sanitizers: it is preloaded into the
   uninstrumented test drivers (python3, mpiexec) too, and does nothing there but keep libraries loaded. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

int dlclose(void *handle);

int dlclose(void *handle)
{
  (void)handle;
  return 0;
}

/* MPI_Init and MPI_Init_thread run with LeakSanitizer's ignoring of the calling thread's allocations on
   (__lsan_disable). Open MPI's initialisation keeps some 20 blocks until exit that nothing points to; lsan.supp
   suppresses them (each stack has a frame in libmpi.so, MPI_Init_thread's own), but to look a stack up in it
   the sanitizer symbolizes the allocator's frame, and its first symbolization reads the symbols and debug
   information of every loaded library (some 150 with PETSc): 0.3 s of CPU in each sanitized program, a third of
   a trivial unit test's 0.95 s (test_tokens: 0.96 s -> 0.64 s; 2026-12-07). Ignored, they are no leak, and a
   program that leaks nothing else is never symbolized. No check is lost: whatever MPI_Init allocates has
   MPI_Init_thread's frame in libmpi.so on its stack, which lsan.supp suppresses already, and LeakSanitizer
   treats both ignored and suppressed blocks as roots (what they point to is not a leak). Allocations of other
   threads, and of everything after MPI_Init, are checked as before. In a process without the sanitizers
   (python3, mpiexec) the weak __lsan_ functions are absent and the wrappers only forward. */
void __lsan_disable(void) __attribute__((weak));
void __lsan_enable(void) __attribute__((weak));
int  MPI_Init(int *argc, char ***argv);
int  MPI_Init_thread(int *argc, char ***argv, int required, int *provided);

int MPI_Init(int *argc, char ***argv)
{
  int (*init)(int *, char ***) = (int (*)(int *, char ***))dlsym(RTLD_NEXT, "MPI_Init");
  int err;

  if (!init) abort(); /* a caller of MPI_Init is linked to an MPI library: cannot happen */
  if (__lsan_disable) __lsan_disable();
  err = init(argc, argv);
  if (__lsan_enable) __lsan_enable();
  return err;
}

int MPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
  int (*init)(int *, char ***, int, int *) = (int (*)(int *, char ***, int, int *))dlsym(RTLD_NEXT, "MPI_Init_thread");
  int err;

  if (!init) abort();
  if (__lsan_disable) __lsan_disable();
  err = init(argc, argv, required, provided);
  if (__lsan_enable) __lsan_enable();
  return err;
}
