#!/usr/bin/zsh -f
# Prints what zsh's completion offers for a command line, one candidate a line: it runs an
# interactive zsh on a pseudo-terminal (zpty) with the completion functions of the folder
# $1, types $2 and TAB, and reports every candidate given to compadd.
# Usage: completion_zsh.zsh <folder of _mqtt-* files> <command line>
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd () { local -a hits; builtin compadd -O hits "$@"; print -rl -- "<hit>"${^hits}; }'
# TAB completes and then prints a marker, so the next keys are typed only once it is over
# (zsh skips completing while more input is waiting).
zpty -w z 'complete-and-mark () { zle complete-word; print -r -- "<end"">"; }; zle -N complete-and-mark; bindkey "^I" complete-and-mark'
zpty -w z 'print -r -- "<ready"">"'
# Every read is bounded: zpty -r -t gives up when nothing is there; then wait a little,
# at most 20 s in all.
integer tries=0
read_until() {  # <marker>: prints the candidates seen before it
  local line
  while (( tries < 400 )); do
    if ! zpty -r -t z line; then
      (( tries++ ))
      sleep 0.05
      continue
    fi
    [[ $line == *"<$1>"* ]] && return 0
    [[ $line == *'<hit>'* ]] && print -r -- ${${line#*<hit>}%%$'\r'*}
  done
  return 1
}
read_until ready >/dev/null || exit 2
zpty -w -n z "$2"$'\t'
read_until end || exit 2
zpty -w z $'\C-u''exit'
zpty -d z
