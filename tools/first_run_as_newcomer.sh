#!/usr/bin/env bash
# Measures what a newcomer meets (issue #17): a fresh clone of this repository,
# a fresh HOME, empty cargo and pip caches, no target/, a non-root user and no
# Chromium; then `make demo` and `make test`, each timed. Run it as root on a
# throwaway machine: it adds the user `newcomer`, opens /root for traversal (the
# machine's rustup toolchain and Python live there) and removes Debian's chromium;
# /root's mode and the user are put back at the end. Logs go to $LOGS.
#
#   sudo tools/first_run_as_newcomer.sh            # LOGS=/var/tmp/first-run by default
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$repo/../shared" 2>/dev/null && pwd || true)
logs=${LOGS:-/var/tmp/first-run}
python_bin=${NEWCOMER_PYTHON_BIN:-$(dirname "$(readlink -f "$(command -v python3)")")}
mkdir -p "$logs"
d=$(mktemp -d /var/tmp/first-run.XXXX)
chmod 755 "$d"
root_mode=$(stat -c %a /root)
cleanup() {
  chmod "$root_mode" /root
  userdel newcomer 2>/dev/null || true
  rm -rf "$d"
}
trap cleanup EXIT
git clone -q "$repo" "$d/main"
[ -n "$shared" ] && cp -r "$shared" "$d/shared" && chmod -R u+w "$d/shared"
id newcomer >/dev/null 2>&1 || useradd -M -s /bin/bash newcomer
mkdir -p "$d/home"
chown -R newcomer "$d"
chmod 711 /root
if command -v chromium >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq chromium >/dev/null 2>&1
fi
as_newcomer() {
  runuser -u newcomer -- env -i HOME="$d/home" USER=newcomer LANG=C.UTF-8 \
    PATH="$python_bin:/root/.cargo/bin:/usr/local/bin:/usr/bin:/bin" \
    RUSTUP_HOME=/root/.rustup CARGO_HOME="$d/home/.cargo" \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt SSL_CERT_DIR=/etc/ssl/certs \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
    CURL_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt GIT_SSL_CAINFO=/etc/ssl/certs/ca-certificates.crt \
    bash -c "cd $d/main && $1"
}
as_newcomer 'echo "user $(id -un), commit $(git rev-parse --short HEAD)"; test ! -e target && echo "no target/";
  test ! -e "$HOME/.cache/pip" && echo "no pip cache"; test ! -e "$CARGO_HOME" && echo "no cargo home";
  command -v chromium || echo "no chromium"'
for step in demo test; do
  start=$(date +%s)
  status=0
  as_newcomer "make $step" >"$logs/$step.log" 2>&1 || status=$?
  echo "make $step: $(( $(date +%s) - start )) s, rc $status (log: $logs/$step.log)"
  [ $status = 0 ] || exit $status
done
echo "crates compiled by make test (the workspace's own only, if all is well): $(grep -c '^ *Compiling' "$logs/test.log" || true)" \
  "($(grep '^ *Compiling' "$logs/test.log" | awk '{print $2}' | tr '\n' ' '))"
as_newcomer 'du -sh .venv target $CARGO_HOME 2>/dev/null' || true
