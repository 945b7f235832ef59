#!/bin/bash
# Install SNAPS into a scratch prefix and use it from outside, as a user would.
#   install_consumer.sh install   CMAKE BUILD_DIR PREFIX
#   install_consumer.sh cmake     CMAKE SOURCE_DIR(consumer) PREFIX WORK
#   install_consumer.sh pkgconfig CC    SOURCE_DIR(consumer) PREFIX WORK
# Each step checks that what it uses comes from PREFIX (not the build tree, not /usr/local).
set -eu -o pipefail
mode=$1
shift

fail() {
  echo "install_consumer.sh ($mode): FAIL: $*" >&2
  exit 1
}

# The consumer must load libsnaps from the prefix.
check_runtime() {
  local exe=$1 prefix=$2 lib
  # "libsnaps.so.0 => /path/libsnaps.so.0 (0x...)": the path whole, also with a space in it
  lib=$(ldd "$exe" | sed -n 's/.*libsnaps\.so[^ ]* => \(.*\) (0x.*/\1/p')
  echo "libsnaps resolved to: ${lib:-<not found>}"
  [ -n "$lib" ] || fail "$exe does not find libsnaps.so at run time:"$'\n'"$(ldd "$exe")"
  case $(readlink -f "$lib") in
  "$(readlink -f "$prefix")"/*) ;;
  *) fail "$exe loads $lib, not the copy installed under $prefix" ;;
  esac
  out=$("$exe") || fail "$exe exited with $?: $out"
  echo "$out"
  grep -q "u(0.25, 1.5) = " <<<"$out" || fail "unexpected output from $exe"
}

case $mode in
install)
  cmake=$1 build=$2 prefix=$3
  rm -rf "$prefix"
  "$cmake" --install "$build" --prefix "$prefix"
  for f in include/snaps.h include/snaps/sna.h include/snaps/version.h bin/snaps-fit bin/snaps-predict; do
    [ -e "$prefix/$f" ] || fail "the install has no $f"
  done
  [ -n "$(find "$prefix" -name libsnaps.so)" ] || fail "the install has no libsnaps.so"
  [ -n "$(find "$prefix" -name SNAPSConfig.cmake)" ] || fail "the install has no SNAPSConfig.cmake"
  [ -n "$(find "$prefix" -name snaps.pc)" ] || fail "the install has no snaps.pc"
  # installed programs find the installed library (RPATH $ORIGIN/../lib)
  "$prefix/bin/snaps-fit" -help >/dev/null 2>&1 || fail "the installed snaps-fit does not run"
  echo "installed into $prefix"
  ;;
cmake)
  cmake=$1 src=$2 prefix=$3 work=$4
  rm -rf "$work"
  # only the scratch prefix: no package registry, no environment leaks
  env -u CMAKE_PREFIX_PATH -u SNAPS_DIR "$cmake" -S "$src" -B "$work" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=Release 2>&1 | tee "$work.log" ||
    fail "configuring the consumer with find_package(SNAPS) failed"
  dir=$(sed -n 's/^SNAPS_DIR:PATH=//p' "$work/CMakeCache.txt")
  case $(readlink -f "$dir") in
  "$(readlink -f "$prefix")"/*) ;;
  *) fail "find_package(SNAPS) found $dir, not the package under $prefix" ;;
  esac
  "$cmake" --build "$work" || fail "building the consumer against SNAPS::snaps failed"
  check_runtime "$work/snaps_consumer" "$prefix"
  ;;
pkgconfig)
  cc=$1 src=$2 prefix=$3 work=$4
  rm -rf "$work"
  mkdir -p "$work"
  pcdir=$(dirname "$(find "$prefix" -name snaps.pc | head -n 1)")
  echo "snaps.pc in $pcdir:"
  cat "$pcdir/snaps.pc"
  export PKG_CONFIG_PATH=$pcdir
  flags=$(pkg-config --cflags --libs snaps) || fail "pkg-config cannot resolve snaps"
  echo "pkg-config --cflags --libs snaps: $flags"
  incdir=$(pkg-config --variable=includedir snaps)
  incdir=${incdir//\\ / } # pkg-config escapes a space in a path as "\ "
  [ -f "$incdir/snaps.h" ] ||
    fail "snaps.pc points at includedir=$incdir, which has no snaps.h (the install went to $prefix): the .pc file is not relocated by 'cmake --install --prefix'"
  case $(readlink -f "$incdir") in
  "$(readlink -f "$prefix")"/*) ;;
  *) fail "snaps.pc gives includedir=$incdir, outside the prefix $prefix" ;;
  esac
  # the words as a shell would split them: pkg-config escapes a space in a path as "\ "
  eval "flagv=($flags)"
  "$cc" -std=c17 -o "$work/snaps_consumer" "$src/main.c" "${flagv[@]}" || fail "compiling main.c with pkg-config's flags failed"
  check_runtime "$work/snaps_consumer" "$prefix"
  ;;
*)
  fail "unknown mode"
  ;;
esac
