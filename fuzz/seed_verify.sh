#!/usr/bin/env bash
# Adds the buildingSMART IDS test cases' .ifc files to the working corpus
# of fuzz_verify at run time (CC BY-ND: read from the shared folder,
# $IDSD_SHARED_IDS or ../shared/ids, never committed).
set -euo pipefail
exec "$(dirname "$0")/seed_step.sh" "$@"
