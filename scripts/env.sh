# Environment for running SNAPS programs with Open MPI, also as root and in containers. The test suite takes its
# environment from the export lines here (tests/CMakeLists.txt: NAME=value words, no spaces in a value).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_hwloc_base_binding_policy=none
# The two settings below that tune rather than enable (the yield, the transport) keep a value the caller exported:
# the cases run with OMPI_MCA_mpi_yield_when_idle=0 to time on dedicated cores, with OMPI_MCA_pml=ucx on a cluster.
# (Saved here and put back at the end, so that the defaults stay "export NAME=value" lines, which tests/CMakeLists.txt
# reads for the test suite.)
_snaps_yield=${OMPI_MCA_mpi_yield_when_idle-} _snaps_pml=${OMPI_MCA_pml-}
# A waiting rank yields its core: on a shared or oversubscribed machine (CI, a laptop, two jobs on two cores)
# a busy-polling rank otherwise starves the rank it waits for (2-rank Kolmogorov runs took 7x longer than
# 1 rank on a loaded 2-core machine, and 1.0-1.4x with this). Set it to 0 to time on dedicated cores.
export OMPI_MCA_mpi_yield_when_idle=1
# Start-up, measured here (2026-12-06, medians of 7 interleaved starts of an empty MPI program on the loaded 2-core
# VM): point-to-point messages take ob1 (shared memory) without probing for UCX first: 0.74 s -> 0.55 s a program
# started without mpirun, 1.0 s -> 0.71 s for mpirun -n 2. One node only: on a cluster with InfiniBand, export
# OMPI_MCA_pml=ucx (kept, above). (OMPI_MCA_ess_singleton_isolated=1 would save 0.3 s more, but such singletons share one
# session directory, /tmp/ompi.<host>.<uid>/jf.0/1, and one that ends removes it under the others: HDF5 then failed
# to open files in 2 of 443 sanitized tests. The test suite sets it with a session directory per test:
# tests/CMakeLists.txt, SNAPS_TEST_SESSION_BASE.)
export OMPI_MCA_pml=ob1
[ -z "$_snaps_yield" ] || OMPI_MCA_mpi_yield_when_idle=$_snaps_yield
[ -z "$_snaps_pml" ] || OMPI_MCA_pml=$_snaps_pml
unset _snaps_yield _snaps_pml
