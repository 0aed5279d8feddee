#!/bin/sh
# mqtt-pub --json as ../shared/bench's PUB: the bench feeds `PUB ... -l` lines; each line
# becomes {"payload":"<line>"} (its payloads are ASCII without quotes or backslashes) and
# goes to mqtt-pub --json with the other arguments (-l dropped). The sed in front costs a
# little, so the figures are an upper bound for --json itself.
here=$(cd "$(dirname "$0")/.." && pwd)
pub=${MQTT_PUB:-$here/build/tools/mqtt-pub}
for a in "$@"; do
    shift
    [ "$a" = "-l" ] || set -- "$@" "$a"
done
sed 's/.*/{"payload":"&"}/' | exec "$pub" --json "$@"
