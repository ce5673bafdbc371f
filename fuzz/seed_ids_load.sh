#!/usr/bin/env bash
# Adds the buildingSMART IDS test cases' .ids files to the working corpus
# of fuzz_ids_load at run time. They are CC BY-ND, so they are read from
# the shared folder ($IDSD_SHARED_IDS, else ../shared/ids) and never
# committed.
set -euo pipefail
work=$1
shared=${IDSD_SHARED_IDS:-$(cd "$(dirname "$0")/.." && pwd)/../shared/ids}
if [ -d "$shared/testcases" ]; then
  find "$shared/testcases" -name '*.ids' -print0 |
    while IFS= read -r -d '' f; do
      cp -n "$f" "$work/bsi-$(basename "$f")"
    done
fi
