#!/usr/bin/env bash
# Install every Debian 12 package bos needs to build, run and test.
# Idempotent: packages already present are left as they are. Needs root.
# Each package is named with the reason in README.md ("Dependencies").
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root (apt-get install)" >&2
	exit 1
fi

build=(build-essential cmake pkg-config clang llvm lld libclang-rt-14-dev gcc-multilib)
libs=(libpcap-dev libssl-dev libmagic-dev libjson-c-dev libyaml-dev
      libbpf-dev bpftool libelf-dev zlib1g-dev)  # libelf, zlib: what libbpf links with
runtime=(iproute2 nftables dnsmasq-base squid openssl procps util-linux file ca-certificates)
tests=(python3 python3-jsonschema tshark strace coreutils
       curl bind9-dnsutils tcpdump  # inet priv tests: real HTTP(S)/DNS clients, SYN-only capture
       chromium)  # report e2e test: report.html rendered in a real headless browser

want=("${build[@]}" "${libs[@]}" "${runtime[@]}" "${tests[@]}")
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-deps.sh: all ${#want[@]} packages present"
	exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; bos runs captures as root, so: no.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian starts squid as a system service on install; bos runs its own per-lab instances.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q squid 2>/dev/null; then
	systemctl stop squid || true
	systemctl disable squid >/dev/null 2>&1 || true
fi
