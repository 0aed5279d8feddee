#!/usr/bin/zsh -f
# Prints what zsh's completion offers for a command line, one candidate a line: it runs an
# interactive zsh on a pseudo-terminal (zpty) with the completion functions of the folder
# $1, types $2 and TAB, and reports every candidate given to compadd.
# Usage: completion_zsh.zsh <folder of _mqtt-* files> <command line>
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd () { local -a hits; builtin compadd -O hits "$@"; print -rl -- "<hit>"${^hits}; }'
zpty -w z 'print -r -- "<ready"">"'
local line
while zpty -r z line; do [[ $line == *'<ready>'* ]] && break; done
zpty -w -n z "$2"$'\t'
zpty -w z $'\C-u''print -r -- "<done"">"'
# Bounded: zpty -r -t gives up when nothing is there; then wait a little, at most 10 s.
integer tries=0
while (( tries < 200 )); do
  if ! zpty -r -t z line; then
    (( tries++ ))
    sleep 0.05
    continue
  fi
  [[ $line == *'<done>'* ]] && break
  [[ $line == *'<hit>'* ]] && print -r -- ${${line#*<hit>}%%$'\r'*}
done
zpty -d z
(( tries < 200 ))
