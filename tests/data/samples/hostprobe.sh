#!/bin/sh
# Test sample for tests/priv/contain_host.sh: tries to reach services listening on the
# host, at the host's loopback and at the host's own address, directly and through the
# corporate proxy. Usage: hostprobe.sh PORT HOSTADDR
port=$1 host=$2
for u in "http://127.0.0.1:$port/direct-lo" "http://$host:$port/direct-host"; do
	echo "direct $u $(curl -s -m 3 --noproxy '*' -o /dev/null -w '%{http_code}' "$u")"
done
for u in "http://127.0.0.1:$port/proxy-lo" "http://$host:$port/proxy-host"; do
	echo "proxy $u $(curl -s -m 3 -o /dev/null -w '%{http_code}' "$u")"
done
echo "hostprobe: done"
