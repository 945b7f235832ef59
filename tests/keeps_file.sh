#!/bin/sh
# keeps_file.sh FILE COMMAND...: writes a line into FILE, runs COMMAND (which names FILE as something it must not
# write: a viewer's or a report's file), and passes on COMMAND's exit status when FILE still holds the line; when
# COMMAND emptied or replaced FILE it says so and exits 0, so that a test expecting COMMAND to fail (expect_error.cmake)
# fails. FILE is removed at the end either way.
file=$1
shift
printf 'kept by keeps_file.sh\n' > "$file" || exit 0
"$@"
rc=$?
if grep -q 'kept by keeps_file.sh' "$file" 2>/dev/null; then
  rm -f "$file"
  exit $rc
fi
echo "keeps_file.sh: $file was emptied or replaced"
rm -f "$file"
exit 0
