#!/bin/bash
# Every option of mosquitto_pub/_sub/_rr 2.0 and 2.1 (reference §1.9) is in the --help of
# the tools that take it, and the options a tool does not take are refused as unknown.
# Usage: option_names_test.sh <directory of the built tools>
bin=$1
common="-A -c --disable-clean-session -d --debug -D --property -h --host -i --id -I --id-prefix
  -k --keepalive -L --url -M -o -p --port -P --pw -q --qos -S -t --topic -u --username
  -V --protocol-version -x --help --version --quiet --nodelay --no-tls --unix --proxy --ws
  --will-topic --will-payload --will-qos --will-retain --cafile --capath --cert --ciphers
  --insecure --key --keyform --psk --psk-identity --tls-alpn --tls-engine --tls-engine-kpass-sha1
  --tls-use-os-certs --tls-version --tls-keylog"
takes_pub="-f --file -l --stdin-line -m --message -n --null-message -r --retain --repeat
  --repeat-delay -s --stdin-file -W"
takes_sub="-C -E -F -N --pretty -R --random-filter --remove-retained --retain-as-published
  --retained-only -T --filter-out -U --unsubscribe -v --verbose -W -w --watch"
takes_rr="-e -f --file -F -m --message -n --null-message -N --pretty -R --retain-as-published
  -s --stdin-file -v --verbose -W"
refuses_pub="-C -e -E -F -N --pretty -R --random-filter --remove-retained --retain-as-published
  --retained-only -T -U -v -w"
refuses_sub="-e -f -l -m -n -r --repeat --repeat-delay -s"
refuses_rr="-C -E -l -r --random-filter --remove-retained --repeat --repeat-delay --retained-only -T -U -w"
status=0
for tool in pub sub rr; do
    help=$("$bin/mqtt-$tool" --help) || { echo "FAIL: mqtt-$tool --help"; status=1; continue; }
    takes=takes_$tool
    for opt in $common ${!takes}; do
        if ! grep -qE -- "(^|[ ,])$opt([ ,=]|\$)" <<<"$help"; then
            echo "FAIL: $opt is not in mqtt-$tool --help"
            status=1
        fi
    done
    refuses=refuses_$tool
    for opt in ${!refuses}; do
        line=$("$bin/mqtt-$tool" "$opt" 2>&1 >/dev/null | head -n 1)
        if [ "$line" != "Error: Unknown option '$opt'." ]; then
            echo "FAIL: mqtt-$tool $opt: expected an unknown option, got: $line"
            status=1
        fi
    done
done
exit $status
