#!/usr/bin/env bash
# Checks the #include graph of src/ against the modules' allowed
# dependencies (specs/architecture.md, "Modules"): a module's files may
# include the public headers of the modules listed beside it below, and
# their own; a private header (*_internal.h) only from its own module's
# files; every include of ours names its module ("ids/ids.h"). main.c may
# include every public header. Prints each violation as file:line and
# exits 1 when there is one; run by `make test` (ctest label lint).
#
# Usage: scripts/check-includes.sh [SRC_DIR]   (default: src beside this script)
set -euo pipefail

src=${1:-"$(cd "$(dirname "$0")/.." && pwd)/src"}

# The allowed graph, in one place: module -> modules it may include. It
# reads downward: mcp -> tools/check -> verify -> ids -> ifc -> base;
# session -> store -> base; view below its callers; cli under check.
declare -A allowed=(
  [base]=""
  [ifc]="base"
  [ids]="ifc base"
  [verify]="ids ifc base"
  [view]="verify ids ifc base"
  [store]="base"
  [session]="store base"
  [cli]="base"
  [tools]="view verify ids ifc session base"
  [check]="cli view verify ids ifc base"
  [mcp]="tools check view verify ids ifc session base"
)

if [ ! -d "$src" ]; then
  echo "check-includes: no source folder $src" >&2
  exit 2
fi

fail=0
report() {   # file, line, message
  echo "${1#"$src"/}:$2: $3"
  fail=1
}

# Every folder of src is a module the table must know.
for dir in "$src"/*/; do
  module=$(basename "$dir")
  if [ -z "${allowed[$module]+set}" ]; then
    report "$src/$module" 0 "module '$module' is not in the allowed graph of scripts/check-includes.sh (and specs/architecture.md)"
  fi
done

# One pass over the include lines only: "path:line:text".
while IFS= read -r hit; do
  file=${hit%%:*}
  rest=${hit#*:}
  n=${rest%%:*}
  line=${rest#*:}
  rel=${file#"$src"/}
  from=""
  if [[ $rel == */* ]]; then
    from=${rel%%/*}
    [ -n "${allowed[$from]+set}" ] || continue   # reported above
  fi   # else main.c and its like: may include any public header
  [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*([\"\<])([^\"\>]+)[\"\>] ]] || continue
  quote=${BASH_REMATCH[1]}
  target=${BASH_REMATCH[2]}
  if [[ $target != */* ]]; then
    # System headers come in <...>; ours always name their module.
    [ "$quote" = '"' ] && report "$file" "$n" "#include \"$target\": name the module (\"module/$target\")"
    continue
  fi
  module=${target%%/*}
  header=${target#*/}
  if [ -z "${allowed[$module]+set}" ]; then
    [ "$quote" = '"' ] && report "$file" "$n" "#include \"$target\": no module '$module' in src/"
    continue   # <libxml/...>, <sys/...>: not ours
  fi
  if [[ $header == *_internal.h ]] && [ "$module" != "$from" ]; then
    report "$file" "$n" "#include \"$target\": a private header of $module, for $module's own files only"
    continue
  fi
  if [ -n "$from" ] && [ "$module" != "$from" ] &&
     [[ " ${allowed[$from]} " != *" $module "* ]]; then
    report "$file" "$n" "#include \"$target\": $from may not depend on $module (it may include: ${allowed[$from]:-nothing of ours})"
  fi
done < <(grep -rnE --include='*.c' --include='*.h' '^[[:space:]]*#[[:space:]]*include' "$src" | sort)

if [ "$fail" -ne 0 ]; then
  echo "check-includes: the include graph breaks the module rules above" >&2
  exit 1
fi
echo "check-includes: $(find "$src" -type f \( -name '*.c' -o -name '*.h' \) | wc -l) files, every include allowed"
