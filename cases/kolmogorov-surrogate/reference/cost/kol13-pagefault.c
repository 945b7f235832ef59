/* The cost of touching fresh memory on this machine (page faults): 16 MB malloc'd and memset, 3 times (the third
   usually reuses the freed memory: glibc raised its mmap threshold); with an argument, the buffer is madvise'd
   MADV_HUGEPAGE first. Build: cc -O2 -o pf kol13-pagefault.c; run: ./pf; ./pf huge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

static double Now(void)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
  const size_t n   = 16 << 20;
  long         sum = 0;

  (void)argv;
  for (int r = 0; r < 3; r++) {
    double t = Now(), t1;
    char  *p = malloc(n);

    if (!p) return 1;
    if (argc > 1) madvise((void *)(((unsigned long)p + (1 << 21) - 1) & ~((1UL << 21) - 1)), n - (2 << 20), MADV_HUGEPAGE);
    memset(p, r + 1, n);
    sum += p[12345]; /* the memset is used (printed): not optimised away */
    t1 = Now();
    free(p);
    printf("16 MB fresh touch %.1f ms (%.2f us per 4 KiB page)\n", (t1 - t) * 1e3, (t1 - t) * 1e6 / (n / 4096));
  }
  printf("checksum %ld\n", sum);
  return 0;
}
