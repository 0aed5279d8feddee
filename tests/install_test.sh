#!/usr/bin/env bash
# `cmake --install` puts the tools in bin/, the man pages in share/man/man1/ and the shell
# completions where Debian's bash-completion, zsh and fish look for them, and the installed
# tools run.
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
status=0
for tool in mqtt-pub mqtt-sub mqtt-rr mqtt-bench; do
  if [ ! -x "$prefix/bin/$tool" ]; then echo "FAIL: $prefix/bin/$tool missing"; status=1; continue; fi
  out=$("$prefix/bin/$tool" --version)
  case "$out" in
    "$tool version "*" running on libmosquitto "*) ;;
    *) echo "FAIL: $tool --version printed: $out"; status=1 ;;
  esac
  zcat "$prefix/share/man/man1/$tool.1.gz" 2>/dev/null | cmp -s - "$(dirname "$0")/../man/$tool.1" ||
    { echo "FAIL: man page $tool.1.gz not installed (or not the source's)"; status=1; }
  for completion in bash-completion/completions/$tool zsh/vendor-completions/_$tool fish/vendor_completions.d/$tool.fish; do
    [ -f "$prefix/share/$completion" ] || { echo "FAIL: completion share/$completion not installed"; status=1; }
  done
done
[ $status -eq 0 ] && echo "installed: $(cd "$prefix" && find . -type f | sort | tr '\n' ' ')"
exit $status
