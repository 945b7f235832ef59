# Environment for running SNAPS programs with Open MPI, also as root and in containers. The test suite takes its
# environment from the export lines here (tests/CMakeLists.txt: NAME=value words, no spaces in a value).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_hwloc_base_binding_policy=none
# A waiting rank yields its core: on a shared or oversubscribed machine (CI, a laptop, two jobs on two cores)
# a busy-polling rank otherwise starves the rank it waits for (2-rank Kolmogorov runs took 7x longer than
# 1 rank on a loaded 2-core machine, and 1.0-1.4x with this). Unset it to time on dedicated cores.
export OMPI_MCA_mpi_yield_when_idle=1
# Start-up, measured here (2026-12-06, medians of 6 interleaved starts of an empty MPI program on the loaded 2-core
# VM): a program started without mpirun (a singleton) starts no orted daemon, which only MPI_Comm_spawn would need and
# SNAPS never calls (1.2 s -> 0.6 s a start), and point-to-point messages take ob1 (shared memory) without probing
# for UCX first (0.6 s -> 0.35 s; mpirun -n 2: 1.7 s -> 1.25 s). One node only: on a cluster with InfiniBand, leave
# OMPI_MCA_pml unset so that UCX is used.
export OMPI_MCA_ess_singleton_isolated=1 OMPI_MCA_pml=ob1
