#!/usr/bin/env bash
# A write that fails on a full disk must leave no temporary file and the existing file as it was.
# The full disk is a 64 KiB tmpfs (needs root; exit 77, CTest's skip, where mount is not allowed).
#   full_disk.sh <scratch dir> <data dir of make_data.py> <snaps-fit> <snaps-predict> <snaps-poisson-param> <snaps-ks>
#                <python> <mpiexec and its options...>
# The flow solver's checkpoint and trajectory then get a disk with room to start their files but not to finish them:
# the existing ones stay as they were, no temporary file is left, and the message names the file; the partial file of
# the trajectory is kept only where a checkpoint of the run exists (1 and 2 ranks), and never left empty.
set -u
work=$1 data=$2 fit=$3 predict=$4 param=$5 ks=$6 python=$7
mpiexec=("${@:8}")
disk=$work/disk disk2=$work/disk2
mkdir -p "$disk" "$disk2"
mountpoint -q "$disk" && umount "$disk"
mountpoint -q "$disk2" && umount "$disk2"
mount -t tmpfs -o size=64k tmpfs "$disk" 2>/dev/null || { echo "cannot mount a tmpfs here: skipped"; exit 77; }
trap 'umount "$disk"; mountpoint -q "$disk2" && umount "$disk2"' EXIT
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

# 2 ranks, a disk that fills after a few samples: the write fails on rank 0 alone. With collective parallel HDF5
# the other rank waited in the write for ever (the timeout's 124), leaving the temporary file.
"$python" -c "import h5py, numpy as np; h5py.File('$work/X.h5', 'w')['X'] = np.linspace(0.1, 0.9, 20).reshape(20, 1)" ||
  { echo "cannot write the samples"; exit 1; }
rm -f "$work/s.h5"
"$param" -params 0.5 -kappa 1+mu1*x -dm_plex_box_faces 4 -snapshots "$work/s.h5" >/dev/null || { echo "the reference snapshots failed"; exit 1; }
mount -t tmpfs -o size=200k tmpfs "$disk2" || { echo "cannot mount the second tmpfs"; exit 1; }
cp "$work/s.h5" "$disk2/s.h5" || { echo "the snapshots do not fit the 200 KiB disk: nothing checked"; exit 1; }
ref=$(sha256sum <"$work/s.h5")
timeout 30 "${mpiexec[@]}" -n 2 "$param" -samples "$work/X.h5" -kappa 1+mu1*x -dm_plex_box_faces 40 \
  -snapshots "$disk2/s.h5" >"$work/out.txt" 2>&1
rc=$?
what="snaps-poisson-param -snapshots on 2 ranks on a disk that fills"
if [ $rc = 124 ]; then echo "FAIL $what: hung (killed after 30 s)"; fail=1; elif [ $rc = 0 ]; then echo "FAIL $what: succeeded"; fail=1; fi
left=$(find "$disk2" -name '*.tmp*')
[ -z "$left" ] || { echo "FAIL $what: temporary files left: $left"; fail=1; }
[ "$(sha256sum <"$disk2/s.h5")" = "$ref" ] || { echo "FAIL $what: the existing s.h5 changed"; fail=1; }
grep -q "disk2/s\.h5" "$work/out.txt" || { echo "FAIL $what: the message does not name s.h5:"; tail -5 "$work/out.txt"; fail=1; }
echo "checked: $what"
umount "$disk2"

# 16 KiB left after the two files: each run below creates its file, then fails writing or closing it
rm -f "$disk"/*
"$ks" -N 32 -T 0.5 -checkpoint "$work/ck.h5" -trajectory "$work/tr.h5" >/dev/null || { echo "the reference snaps-ks run failed"; exit 1; }
cp "$work/ck.h5" "$work/tr.h5" "$disk/" || { echo "the checkpoint and trajectory do not fit the 64 KiB disk: nothing checked"; exit 1; }
flow() { # what, file, command...: fails, the file untouched, no temporary, the message names the file
  local what=$1 file=$2 ref left
  shift 2
  ref=$(sha256sum <"$work/$file")
  run "$@"
  left=$(find "$disk" -name '*.tmp*')
  [ -z "$left" ] || { echo "FAIL $what: temporary files left: $left"; fail=1; }
  [ "$(sha256sum <"$disk/$file")" = "$ref" ] || { echo "FAIL $what: the existing $file changed"; fail=1; }
  grep -q "disk/\.$file" "$work/out.txt" || { echo "FAIL $what: the message does not name $file:"; tail -5 "$work/out.txt"; fail=1; }
  echo "checked: $what"
}
flow "snaps-ks -checkpoint on a full disk" ck.h5 "$ks" -N 256 -ensemble 16 -T 1 -checkpoint "$disk/ck.h5"
# without -checkpoint no restart can use the rows written so far: the partial file is removed, and the message says so
flow "snaps-ks -trajectory on a full disk" tr.h5 "$ks" -N 256 -T 4 -dt_save 0.1 -trajectory "$disk/tr.h5"
[ ! -e "$disk/.tr.h5.partial" ] || { echo "FAIL: the partial file of a run without -checkpoint was left"; fail=1; }
grep -q "partial file '[^']*disk/\.tr\.h5\.partial' was removed" "$work/out.txt" ||
  { echo "FAIL: the message does not say the partial file was removed:"; tail -5 "$work/out.txt"; fail=1; }
# with a checkpoint written (on another disk; -save_start: the checkpoints at 0.1 and 0.2 come before the first row,
# whose write fails) the rows stay in the partial file for -restart, and the message says so
rm -f "$work/ck2.h5"
flow "snaps-ks -trajectory -checkpoint on a full disk" tr.h5 "$ks" -N 256 -T 4 -dt_save 0.1 -save_start 0.3 -trajectory "$disk/tr.h5" -checkpoint "$work/ck2.h5"
[ -e "$work/ck2.h5" ] || { echo "FAIL: no checkpoint was written: the case checks nothing"; fail=1; }
[ -e "$disk/.tr.h5.partial" ] || { echo "FAIL: the partial file of a run with -checkpoint was removed"; fail=1; }
grep -q "rows so far stay in '[^']*disk/\.tr\.h5\.partial'.*-restart" "$work/out.txt" ||
  { echo "FAIL: the message does not say the partial file was kept for -restart:"; tail -5 "$work/out.txt"; fail=1; }
rm -f "$disk/.tr.h5.partial"
# with -checkpoint but none written yet (the first is due at t = 4) no restart could use the rows either: removed (it
# was kept, and the message promised a restart from a checkpoint that did not exist; review s21a, 2)
rm -f "$work/ck3.h5"
flow "snaps-ks -trajectory -checkpoint on a full disk before the first checkpoint" tr.h5 "$ks" -N 256 -T 4 -dt_save 0.1 -checkpoint_every 4 -trajectory "$disk/tr.h5" -checkpoint "$work/ck3.h5"
[ ! -e "$work/ck3.h5" ] || { echo "FAIL: a checkpoint was written: the case checks nothing"; fail=1; }
[ ! -e "$disk/.tr.h5.partial" ] || { echo "FAIL: the partial file of a run that has written no checkpoint was left"; fail=1; }
grep -q "partial file '[^']*disk/\.tr\.h5\.partial' was removed.*no checkpoint of the run exists" "$work/out.txt" ||
  { echo "FAIL: the message does not say the partial file was removed:"; tail -5 "$work/out.txt"; fail=1; }
rm -f "$disk/.tr.h5.partial"
# 2 ranks (the failure is rank 0's: every rank must stop with the one message, and soon): removed without a checkpoint,
# kept with one (review s21a, 8)
for ck in "" "$work/ck4.h5"; do
  what="snaps-ks -trajectory ${ck:+-checkpoint }on 2 ranks on a full disk"
  rm -f "$work/ck4.h5"
  timeout 30 "${mpiexec[@]}" -n 2 "$ks" -N 256 -ensemble 2 -T 4 -dt_save 0.1 -save_start 0.3 -trajectory "$disk/tr.h5" ${ck:+-checkpoint "$ck"} >"$work/out.txt" 2>&1
  rc=$?
  if [ $rc = 124 ]; then echo "FAIL $what: hung (killed after 30 s)"; fail=1; elif [ $rc = 0 ]; then echo "FAIL $what: succeeded"; fail=1; fi
  [ "$(grep -c "Appending to the trajectory '[^']*disk/tr\.h5' failed" "$work/out.txt")" = 1 ] ||
    { echo "FAIL $what: not one message naming the file:"; tail -5 "$work/out.txt"; fail=1; }
  if [ -z "$ck" ]; then
    [ ! -e "$disk/.tr.h5.partial" ] || { echo "FAIL $what: the partial file was left"; fail=1; }
  else
    [ -e "$disk/.tr.h5.partial" ] || { echo "FAIL $what: the partial file was removed"; fail=1; }
  fi
  [ "$(sha256sum <"$disk/tr.h5")" = "$(sha256sum <"$work/tr.h5")" ] || { echo "FAIL $what: the existing tr.h5 changed"; fail=1; }
  rm -f "$disk/.tr.h5.partial"
  echo "checked: $what"
done
# no room even to create the partial file: the message gives the reason, and no empty partial file is left (one was,
# with or without -checkpoint; review s21a, 3)
dd if=/dev/zero of="$disk/fill" bs=1k >/dev/null 2>&1
for ck in "" "$work/ck5.h5"; do
  what="snaps-ks -trajectory ${ck:+-checkpoint }on a disk with no room for the file"
  run "$ks" -N 64 -T 1 -dt_save 0.1 -trajectory "$disk/new.h5" ${ck:+-checkpoint "$ck"}
  [ ! -e "$disk/.new.h5.partial" ] || { echo "FAIL $what: an empty partial file was left"; fail=1; }
  grep -q "Cannot create the trajectory file '[^']*disk/\.new\.h5\.partial': [A-Z][^(]* (disk full" "$work/out.txt" ||
    { echo "FAIL $what: the message does not give the reason:"; tail -5 "$work/out.txt"; fail=1; }
  rm -f "$disk/.new.h5.partial"
  echo "checked: $what"
done
rm -f "$disk/fill"
exit $fail
