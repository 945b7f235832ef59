#!/usr/bin/env bash
# Installs the Debian packages SNAPS needs, and only those that are missing.
# Idempotent: a second run installs nothing. Runs apt-get as root, or through sudo.
# With --fuzz, also clang and its runtime (libFuzzer), which only scripts/run-fuzz.sh needs; with --bench,
# python3-dolfinx, which only bench/poisson-peers needs; with --airfoil, XFOIL, OpenFOAM (ESI v1912), PyTorch and
# scikit-learn, which only regenerating cases/airfoil/data and the bench/airfoil-mf baselines need.
# Flags combine: install-deps.sh --fuzz --airfoil.
set -euo pipefail

packages=(
  build-essential cmake pkg-config gfortran
  petsc-dev libpetsc3.18-dev-examples
  libopenmpi-dev openmpi-bin
  libhdf5-openmpi-dev hdf5-tools
  libsundials-dev libfftw3-dev libfftw3-mpi-dev
  libcjson-dev libmatheval-dev
  libopenblas0-serial
  python3 python3-h5py python3-matplotlib python3-numpy python3-scipy
  gmsh
)
# Each flag adds its packages; several may be given at once (--fuzz --airfoil).
for arg in "$@"; do
  case "$arg" in
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    # FEniCSx (DOLFINx 0.5), the peer baseline of bench/poisson-peers only: not for the tests.
    --bench) packages+=(python3-dolfinx) ;;
    # The tools behind cases/airfoil (xfoil: low fidelity, openfoam: high fidelity RANS) and the baselines of
    # bench/airfoil-mf (python3-torch: MLP, python3-sklearn: co-kriging); the tests only skip without them.
    --airfoil) packages+=(xfoil openfoam python3-torch python3-sklearn) ;;
    *)
      echo "install-deps: unknown option '$arg': use --fuzz, --bench or --airfoil (any combination)" >&2
      exit 2
      ;;
  esac
done

missing=()
# installed whatever the selection state: a package on hold (apt-mark hold) reads "hold ok installed", which the
# former match of "install ok installed" took for missing, so every run updated and reinstalled it (and failed offline)
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | sort -u)" != installed ]; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=()
elif command -v sudo >/dev/null 2>&1; then
  sudo_cmd=(sudo)
else
  echo "install-deps: missing packages (${missing[*]}) and neither root nor sudo is available" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
# through env, not export: sudo's env_reset drops exported variables, and debconf would prompt
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
