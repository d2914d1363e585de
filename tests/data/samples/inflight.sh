#!/bin/sh
# Test sample: a proxied request to an address that drops everything, still waiting when
# the observation ends; the proxy log must still have it (tests/priv/observe_inflight.sh).
curl -s -m 30 http://203.0.113.30/inflight
