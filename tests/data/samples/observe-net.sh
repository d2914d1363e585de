#!/bin/sh
# Harmless test sample for tests/priv/observe_net.sh: resolves names, fetches URLs through
# the corporate proxy and directly, connects to a dropped and a refused address, touches
# files. Prints one line per step (sample-output.log); the test checks the captures.
echo "step resolve-ok $(getent ahostsv4 ok.test.example | head -n1 | cut -d' ' -f1)"
getent ahostsv4 nx.test.example >/dev/null && echo "step resolve-nx found" || echo "step resolve-nx failed"
getent ahostsv4 sf.test.example >/dev/null && echo "step resolve-sf found" || echo "step resolve-sf failed"
echo "step proxy-ok $(curl -s -m 5 -o /dev/null -w '%{http_code}' http://ok.test.example/via-proxy)"
echo "step proxy-tls $(curl -sk -m 5 -o /dev/null -w '%{http_code}' https://ok.test.example/tls)"
echo "step direct-404 $(curl -s -m 5 --noproxy '*' -o /dev/null -w '%{http_code}' http://203.0.113.20/missing)"
echo "step direct-drop $(curl -s --connect-timeout 1 --noproxy '*' -o /dev/null -w '%{http_code}' http://203.0.113.30/ ; echo " rc=$?")"
echo "step direct-refuse $(curl -s -m 3 --noproxy '*' -o /dev/null -w '%{http_code}' http://203.0.113.40/ ; echo " rc=$?")"
echo "step intranet $(curl -s -m 3 --noproxy '*' http://fs01.corp.example/ | grep -c Finance)"
echo "new file" > "$HOME/Documents/exfil_list.txt"
rm -f "$HOME/Documents/meeting_notes_1120.txt"
echo "step files $(ls "$HOME/Documents" | tr '\n' ' ')"
echo "step whoami $(id -un)@$(hostname)"
logger -t updater "persistence installed (bos test)"
echo "step dev $(ls /dev | tr '\n' ' ')"
echo "step machine-id $(cat /etc/machine-id)"
