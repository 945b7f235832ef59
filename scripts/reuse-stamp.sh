# Sourced by the case scripts that can keep the outputs of an earlier run (REUSE_DATA=1, REUSE_MODELS=1): outputs are
# reused only where a stamp written beside them after their last complete generation names the same settings, so
# that files of another mode, length or model are never evaluated as this run's.
# stamp_matches FILE STAMP WHAT: true where FILE holds exactly STAMP; otherwise says why WHAT is regenerated.
stamp_matches() {
  local found
  found=$(cat "$1" 2>/dev/null || true)
  [ "$found" = "$2" ] && return 0
  if [ -z "$found" ]; then
    echo "run.sh: not reusing $3: $1 is missing (it is written after a complete run); regenerating"
  else
    echo "run.sh: not reusing $3: $1 says '$found', not '$2'; regenerating"
  fi
  return 1
}
