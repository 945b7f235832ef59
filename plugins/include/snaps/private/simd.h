#pragma once
/* 4-wide double vectors for the kernels that take AVX2 where the CPU has it (the rollout drift, the KHRONOS rows, the
   categorical heads' exponentials): GCC and clang vector types, compiled to 4-wide instructions in a function with
   __attribute__((target("avx2"))) and to pairs of SSE2 ones elsewhere. Each such kernel does its plain form's
   operations in the same order, in a file compiled with -ffp-contract=off (plugins/CMakeLists.txt), and "avx2"
   implies no "fma": the same bits with AVX2 or without. Vector types, not loops over a lane index: clang 14 left
   the drift's loops over a lane index scalar (1.9 times the plain kernel's time, measured once in a review). */
#include <petscsys.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) /* GCC and clang (which defines __GNUC__ too) */
#define SNAPS_AVX2 1

typedef double   SNAPSV4 __attribute__((vector_size(4 * sizeof(double))));
typedef uint64_t SNAPSU4 __attribute__((vector_size(4 * sizeof(uint64_t)))); /* the same lanes' bits */

/* An unaligned load of 4 doubles, for target("avx2") functions (a 256-bit value outside them would change the ABI). */
__attribute__((target("avx2"), always_inline)) static inline SNAPSV4 SNAPSLoadV4(const PetscReal *p)
{
  SNAPSV4 v;

  memcpy(&v, p, sizeof(v));
  return v;
}

/* Whether this CPU runs AVX2 (a read of the CPU model that libgcc fills at start-up). */
static inline PetscBool SNAPSHasAVX2(void)
{
  return (PetscBool)__builtin_cpu_supports("avx2");
}
#else
static inline PetscBool SNAPSHasAVX2(void)
{
  return PETSC_FALSE;
}
#endif
