#!/usr/bin/env bash
# A write that fails on a full disk must leave no temporary file and the existing file as it was.
# The full disk is a 64 KiB tmpfs (needs root; exit 77, CTest's skip, where mount is not allowed).
#   full_disk.sh <scratch dir> <data dir of make_data.py> <snaps-fit> <snaps-predict> <snaps-poisson-param>
set -u
work=$1 data=$2 fit=$3 predict=$4 param=$5
disk=$work/disk
mkdir -p "$disk"
mountpoint -q "$disk" && umount "$disk"
mount -t tmpfs -o size=64k tmpfs "$disk" 2>/dev/null || { echo "cannot mount a tmpfs here: skipped"; exit 77; }
trap 'umount "$disk"' EXIT
fail=0
"$fit" -data "$data/good.h5" -model "$work/model.h5" >/dev/null || { echo "the reference fit failed"; exit 1; }
# unchecked, a model too large for the disk left every check below comparing two empty hashes
cp "$work/model.h5" "$disk/model.h5" || { echo "the model does not fit the 64 KiB disk: nothing checked"; exit 1; }
ref=$(sha256sum <"$disk/model.h5")
[ "$ref" = "$(sha256sum <"$work/model.h5")" ] || { echo "the model's copy on the disk is not whole"; exit 1; }
dd if=/dev/zero of="$disk/fill" bs=4k >/dev/null 2>&1 # the rest of the disk
check() { # what: no temporary file, the model untouched
  local left
  left=$(find "$disk" -name '*.tmp*')
  [ -z "$left" ] || { echo "FAIL $1: temporary files left: $left"; fail=1; }
  [ "$(sha256sum <"$disk/model.h5")" = "$ref" ] || { echo "FAIL $1: the existing model changed"; fail=1; }
  echo "checked: $1"
}
run() { # a run that must fail
  if "$@" >"$work/out.txt" 2>&1; then echo "FAIL: succeeded on a full disk: $*"; fail=1; fi
}
run "$fit" -data "$data/good.h5" -model "$disk/model.h5"
check "snaps-fit -model on a full disk"
run "$predict" -model "$work/model.h5" -data "$data/good.h5" -out "$disk/pred.h5"
check "snaps-predict -out on a full disk"
run "$fit" -data "$data/good.h5" -model "$work/model2.h5" -results "$disk/r.json"
check "snaps-fit -results on a full disk"
run "$param" -params 0.5 -kappa 1+mu1*x -dm_plex_box_faces 4 -snapshots "$disk/s.h5"
check "snaps-poisson-param -snapshots on a full disk"
exit $fail
