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
