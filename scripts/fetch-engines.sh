#!/usr/bin/env bash
# Fetches the newer Docker engines the end-to-end suite runs against, next to the system's own.
#
# The system's engine is Debian 12's docker.io (20.10, /usr/sbin/dockerd). The suite also runs on
# Debian trixie's and sid's docker.io. Those packages are downloaded with a *private* apt
# configuration (own sources.list, state and cache, nothing from the system's apt setup but its
# keyrings) and unpacked with `dpkg -x` into the cache — never installed, so the system's engine
# and its dpkg database stay untouched. All engines share the system's containerd and runc.
#
# What a newer dockerd needs besides itself, found by running the suite on it:
#   - containerd and runc: the system's (containerd 1.6.20, runc 1.1.5) serve dockerd 26.1 and 28.5;
#     each dockerd starts its own containerd, found on PATH.
#   - docker-init: in these packages a symlink to tini-static from another package, left dangling
#     here; PATH lookup skips it and finds the system's /usr/bin/docker-init (tini-static 0.19).
#   - docker-proxy: in the package; unused with --bridge=none --iptables=false --ip-masq=false.
# test/e2e/engine.ts puts <root>/usr/sbin and <root>/usr/bin first on dockerd's PATH for these.
#
# Usage (as root, no stdin): scripts/fetch-engines.sh
#   DOCKAUTH_ENGINE_CACHE   where the engines go (default /var/cache/dockauth-engines)
#   DOCKAUTH_DEBIAN_MIRROR  the Debian mirror (default: the one in /etc/apt/sources.list*)
#
# Layout, read by test/e2e/engines.ts:
#   <cache>/<suite>/root/         the unpacked packages (usr/sbin/dockerd, usr/bin/docker, …)
#   <cache>/<suite>/manifest      "package version" lines of what root/ holds
#   <cache>/<suite>/apt/          the private apt configuration, lists and downloaded .debs
# Idempotent: a suite whose manifest already names the mirror's current versions is left alone;
# when the mirror cannot be reached, an existing extraction is kept and used.
set -euo pipefail
umask 022 # the engines run as root, their CLIs as the test users: everything must be readable

cache="${DOCKAUTH_ENGINE_CACHE:-/var/cache/dockauth-engines}"
suites=(trixie sid)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

fail() {
  echo "fetch-engines: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "run as root (the cache lives in $cache and the engines run as root)"
for tool in apt-get apt-cache dpkg-deb; do
  command -v "$tool" >/dev/null || fail "$tool is missing: this script needs Debian's apt and dpkg"
done
[ -r "$keyring" ] || fail "$keyring is missing: apt-get install debian-archive-keyring"

# The Debian mirror the system already uses, from either sources format: the first URI of the
# main archive (…/debian, not …/debian-security). Using the same host keeps proxies and firewall
# rules that work for the system's apt working here.
system_mirror() {
  local files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for file in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] && files+=("$file")
  done
  [ "${#files[@]}" -gt 0 ] || return 0
  {
    # one-line format: deb [options] URI suite components
    sed -nE 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' "${files[@]}"
    # deb822 format: URIs: URI...
    sed -nE 's/^[[:space:]]*URIs:[[:space:]]*//p' "${files[@]}" | tr ' ' '\n'
  } | grep -E '^https?://[^[:space:]]+/debian/?$' | head -n 1 | sed -E 's#/$##'
}

mirror="${DOCKAUTH_DEBIAN_MIRROR:-$(system_mirror)}"
[ -n "$mirror" ] || fail "no Debian mirror (…/debian) in /etc/apt/sources.list or /etc/apt/sources.list.d/; set DOCKAUTH_DEBIAN_MIRROR=http://HOST/debian"

# Everything that would make apt read the system's configuration points at the suite's own files.
apt_options() {
  local apt="$1"
  echo "-q -o Dir::Etc::SourceList=$apt/sources.list -o Dir::Etc::SourceParts=/dev/null"
  echo "-o Dir::State=$apt/state -o Dir::State::status=/dev/null -o Dir::Cache=$apt/cache"
  echo "-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null"
  echo "-o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o Acquire::Languages=none"
  # apt-get download writes into the current directory, which the _apt sandbox user may not own.
  echo "-o APT::Sandbox::User=root"
}

# The candidate version of a package in the suite, empty when the suite has no such package.
candidate() {
  # shellcheck disable=SC2046
  { apt-cache $(apt_options "$1") show --no-all-versions "$2" 2>/dev/null || true; } | sed -n 's/^Version: //p' | head -n 1
}

fetch_suite() {
  local suite="$1" dir="$cache/$1" apt="$cache/$1/apt"
  mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
  echo "deb [signed-by=$keyring] $mirror $suite main" >"$apt/sources.list"

  # shellcheck disable=SC2046
  # --error-on=any: an index that failed to download is a failure, not a warning over stale lists.
  if ! apt-get $(apt_options "$apt") update --error-on=any >"$apt/update.log" 2>&1; then
    if [ -s "$dir/manifest" ] && [ -x "$dir/root/usr/sbin/dockerd" ]; then
      echo "fetch-engines: warning: apt-get update for $suite failed ($apt/update.log); keeping the cached engine" >&2
      return 0
    fi
    fail "apt-get update for $suite from $mirror failed; see $apt/update.log"
  fi

  # dockerd is in docker.io; from 26.1 on Debian ships the CLI as docker-cli. docker-compose is the
  # v2 CLI plugin (a 1.x docker-compose is the old Python tool, not wanted).
  local wanted=() package version
  for package in docker.io docker-cli docker-compose; do
    version="$(candidate "$apt" "$package")"
    [ -n "$version" ] || continue
    [ "$package" = docker-compose ] && [[ "$version" != 2.* ]] && continue
    wanted+=("$package $version")
  done
  [ "${#wanted[@]}" -gt 0 ] && [[ "${wanted[0]}" == docker.io\ * ]] || fail "$suite on $mirror has no docker.io package"

  local manifest
  manifest="$(printf '%s\n' "${wanted[@]}")"
  if [ -s "$dir/manifest" ] && [ "$(cat "$dir/manifest")" = "$manifest" ] && [ -x "$dir/root/usr/sbin/dockerd" ]; then
    return 0 # already extracted at these versions
  fi

  rm -f "$apt/debs/"*.deb
  local specs=()
  for entry in "${wanted[@]}"; do specs+=("${entry% *}=${entry#* }"); done
  # shellcheck disable=SC2046
  (cd "$apt/debs" && apt-get $(apt_options "$apt") download "${specs[@]}" >"$apt/download.log" 2>&1) ||
    fail "apt-get download ${specs[*]} for $suite failed; see $apt/download.log"

  # Unpack next to the old tree and swap, so an interrupted run never leaves a half-filled root.
  rm -rf "$dir/root.new"
  mkdir -p "$dir/root.new"
  for deb in "$apt/debs/"*.deb; do dpkg-deb -x "$deb" "$dir/root.new"; done
  rm -rf "$dir/root"
  mv "$dir/root.new" "$dir/root"
  echo "$manifest" >"$dir/manifest"
}

# Each unpacked binary must run on this machine's libraries (they link against glibc only).
check_runs() {
  local binary="$1" output
  [ -x "$binary" ] || fail "$binary is missing after unpacking; remove $(dirname "$binary")/../.. and run again"
  output="$("$binary" "${@:2}" 2>&1)" || fail "$binary does not run here: $output"
}

# The system's engine (apt's docker.io) is the suite's third; reported here so one run shows all three.
system_version="$(dpkg-query -W -f='${Version}' docker.io 2>/dev/null || true)"
if [ -n "$system_version" ] && [ -x /usr/sbin/dockerd ]; then
  check_runs /usr/sbin/dockerd --version
  echo "$(. /etc/os-release && echo "${VERSION_CODENAME:-system}") $system_version /usr/sbin/dockerd"
else
  echo "fetch-engines: note: the system's docker.io is not installed (apt-get install -y docker.io); its engine will be skipped" >&2
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # two runs at once would unpack over each other

for suite in "${suites[@]}"; do
  fetch_suite "$suite"
  root="$cache/$suite/root"
  check_runs "$root/usr/sbin/dockerd" --version
  check_runs "$root/usr/bin/docker" --version # the suite drives each engine with its own CLI
  compose="$root/usr/libexec/docker/cli-plugins/docker-compose"
  if [ -e "$compose" ]; then check_runs "$compose" version; fi
  echo "$suite $(sed -n 's/^docker\.io //p' "$cache/$suite/manifest") $root/usr/sbin/dockerd"
done
