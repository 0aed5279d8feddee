#!/bin/bash
# Every C++ file of the tree is as clang-format (Debian 12's, 14) lays it out with the
# project's .clang-format: run `clang-format -i FILE` on a file this test names.
# Usage: format_test.sh <source directory>
root=${1:-.}
command -v clang-format >/dev/null || { echo "format_test: clang-format is missing (scripts/install-deps installs it)" >&2; exit 1; }
[ -f "$root/.clang-format" ] || { echo "format_test: no $root/.clang-format" >&2; exit 1; }
cd "$root" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cpp' '*.h')
else
  mapfile -t files < <(find common tools tests bench -name '*.cpp' -o -name '*.h' | sort)
fi
[ ${#files[@]} -gt 100 ] || { echo "format_test: found only ${#files[@]} C++ files under $root" >&2; exit 1; }
# One clang-format for all the files; it names each line that is laid out otherwise.
existing=()
for f in "${files[@]}"; do [ -f "$f" ] && existing+=("$f"); done
report=$(clang-format --dry-run --Werror "${existing[@]}" 2>&1)
status=$?
mapfile -t bad < <(printf '%s\n' "$report" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*clang-format-violations.*/\1/p' | sort -u)
if [ "$status" -ne 0 ] || [ ${#bad[@]} -gt 0 ]; then
  for f in "${bad[@]}"; do echo "format_test: $f is not clang-format clean (run: clang-format -i $f)" >&2; done
  [ ${#bad[@]} -gt 0 ] || printf '%s\n' "$report" | head -5 >&2
  echo "format_test: ${#bad[@]} of ${#existing[@]} files need clang-format" >&2
  exit 1
fi
echo "format_test: ${#existing[@]} files clang-format clean"
