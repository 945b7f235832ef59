/* Preloaded under XFOIL (LD_PRELOAD): Debian's xfoil is built to trap floating-point exceptions, which
   abort a batch run without graphics (SIGFPE on the first ALFA of NACA 0012 at Re 3e6) on exceptions that
   XFOIL's own iteration otherwise tolerates. The gfortran runtime switches the traps on through
   _gfortran_set_fpe at start-up; this no-op replaces it, so the traps stay off and XFOIL's own convergence
   checks judge the result. */
void _gfortran_set_fpe(int val);
void _gfortran_set_fpe(int val) { (void)val; }
