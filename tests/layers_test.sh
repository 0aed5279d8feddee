#!/bin/bash
# The layers of common/ keep their edges: every #include "x.h" in common/<layer>/ names a
# header of that layer or of a layer it may use, and common/CMakeLists.txt gives each layer
# exactly these DEPENDS. The build refuses a forbidden include too (a layer sees only the
# include folders of its DEPENDS); this test also catches a new edge added in CMake alone,
# and names file:line. The README's "Layout" section describes the same map.
# Usage: layers_test.sh <source directory>
root=${1:-.}

# The allowed edges, lowest layer first: layer -> the lower layers it may include.
declare -A allowed=(
  [core]=""
  [json]="core"
  [cli]="core"
  [net]="cli core"
  [output]="cli json core"
  [jobs]="net output cli json core"
  [bench]="net json cli core"
)
layers="core json cli net output jobs bench"

failed=0
fail() { echo "$*" >&2; failed=1; }

# Which layer holds each header (bare names must be unique across layers).
declare -A home=()
for layer in $layers; do
  [ -d "$root/common/$layer" ] || { fail "common/$layer: missing layer folder"; continue; }
  for header in "$root/common/$layer"/*.h; do
    name=${header##*/}
    if [ -n "${home[$name]}" ]; then
      fail "common/$layer/$name: also in common/${home[$name]}/ (includes are bare names)"
    fi
    home[$name]=$layer
  done
done
for dir in "$root"/common/*/; do
  layer=$(basename "$dir")
  [ -n "${allowed[$layer]+x}" ] || fail "common/$layer/: a folder that is not a layer (add it to tests/layers_test.sh and the README)"
done

# Every quoted include of every layer file.
for layer in $layers; do
  for file in "$root/common/$layer"/*.h "$root/common/$layer"/*.cpp; do
    [ -e "$file" ] || continue
    rel=common/$layer/${file##*/}
    while IFS=: read -r line name; do
      target=${home[$name]}
      if [ -z "$target" ]; then
        fail "$rel:$line: #include \"$name\" names no header of common/ (library headers take <>)"
      elif [ "$target" != "$layer" ] && [[ " ${allowed[$layer]} " != *" $target "* ]]; then
        fail "$rel:$line: #include \"$name\" reaches up from $layer/ to $target/ (allowed: ${allowed[$layer]:-none})"
      fi
    done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" |
             sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1:\2/')
  done
done

# common/CMakeLists.txt declares the same edges: mqtt_layer(NAME DEPENDS a b SOURCES ...).
cmake=$root/common/CMakeLists.txt
for layer in $layers; do
  declared=$(tr '\n' ' ' < "$cmake" | grep -o "mqtt_layer($layer [^)]*" |
             sed -n 's/.*DEPENDS \(.*\) SOURCES.*/\1/p' | xargs -n1 | sort | xargs)
  expected=$(echo ${allowed[$layer]} | xargs -n1 | sort | xargs)
  if ! tr '\n' ' ' < "$cmake" | grep -q "mqtt_layer($layer "; then
    fail "common/CMakeLists.txt: no mqtt_layer($layer ...)"
  elif [ "$declared" != "$expected" ]; then
    fail "common/CMakeLists.txt: mqtt_layer($layer) DEPENDS \"$declared\", but the layers allow \"$expected\""
  fi
done

[ $failed = 0 ] && echo "layers: every include of common/ keeps to the allowed edges"
exit $failed
