#!/bin/bash
# The completion scripts in completions/ are what mqtt-completions generates from the option
# table (so they cannot drift from the parser), and bash, zsh and fish themselves offer the
# right options and values with them.
# Usage: completions_test.sh <source folder> <folder of the built mqtt-completions>
src=$(cd "$1" && pwd)
bin=$(cd "$2" && pwd)
status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*"; status=1; }

"$bin/mqtt-completions" "$work/generated" || fail "mqtt-completions"
diff -r "$src/completions" "$work/generated" ||
    fail "completions/ is out of date: run 'cmake --build build --target completions'"

# What each shell offers for a command line (the last word is being completed), sorted.
bash_offers() {
    local tool=${1%% *}
    bash --norc --noprofile -c '
        source "$1"; read -ra words <<<"$2"; [[ $2 == *" " ]] && words+=("")
        COMP_WORDS=("${words[@]}"); COMP_CWORD=$((${#words[@]} - 1))
        function=$(complete -p "${words[0]}" | sed "s/.*-F \([^ ]*\) .*/\1/")
        "$function"; printf "%s\n" "${COMPREPLY[@]}"' bash "$src/completions/bash/$tool" "$1" | sed '/^$/d' | sort -u
}
zsh_offers() { zsh -f "$src/tests/completion_zsh.zsh" "$src/completions/zsh" "$1" | sort -u; }
fish_offers() {
    local tool=${1%% *}
    fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$src/completions/fish/$tool.fish" "$1" | cut -f1 | sort -u
}

mkdir -p "$work/config/mqtt-tools" "$work/cwd/certs"
touch "$work/config/mqtt-tools/lab" "$work/config/mqtt-tools/prod" "$work/cwd/ca.crt"
cd "$work/cwd" || exit 1
export XDG_CONFIG_HOME=$work/config

check() {  # <command line> <expected candidates, space-separated>
    local line=$1 expected
    expected=$(tr ' ' '\n' <<<"$2" | sed '/^$/d' | sort -u)
    for shell in bash zsh fish; do
        if ! command -v "$shell" >/dev/null; then fail "$shell is not installed (scripts/install-deps)"; continue; fi
        got=$("${shell}_offers" "$line")
        [ "$got" = "$expected" ] || fail "$shell: '$line' offers [$(echo $got)], expected [$(echo $expected)]"
    done
}

check "mqtt-pub --ho" "--host"
check "mqtt-pub --pro" "--probe --profile --progress --property --proto-path --protocol-version --proxy"
check "mqtt-rr --pro" "--profile --property --proto-path --protocol-version --proxy"
check "mqtt-bench pu" "pub pubsub"
check "mqtt-bench pub --to" "--topic --total-rate"
check "mqtt-sub --ret" "--retain-as-published --retained-only"
check "mqtt-rr --ret" "--retain-as-published"
check "mqtt-pub --retained-o" ""          # mqtt-sub's option is not offered to mqtt-pub
check "mqtt-sub --repe" ""                # nor mqtt-pub's to mqtt-sub
check "mqtt-rr -V " "5 311 31 mqttv31 mqttv311 mqttv5"
check "mqtt-pub --encoding " "base64 hex"
check "mqtt-sub --encoding h" "hex"
check "mqtt-pub --on-error " "skip stop"
check "mqtt-pub --pace " "recorded"
check "mqtt-pub -D " "connect disconnect publish will"
check "mqtt-sub --property " "connect disconnect subscribe unsubscribe will"
check "mqtt-pub -D publish message-e" "message-expiry-interval"
check "mqtt-sub -D subscribe " "subscription-identifier user-property"
check "mqtt-rr -D will will-d" "will-delay-interval"
check "mqtt-pub --ws-path " ""             # a path on the broker, not a local file
check "mqtt-sub --ready-file ca" "ca.crt"
check "mqtt-sub -q " "0 1 2"
check "mqtt-pub --tls-version tlsv1." "tlsv1.1 tlsv1.2 tlsv1.3"
check "mqtt-pub --cafile ca" "ca.crt"
check "mqtt-sub --profile " "lab prod"
[ $status -eq 0 ] && echo "completions: up to date; bash, zsh and fish offer what the option table says"
exit $status
