#!/bin/sh
# Installs village-gateway as a systemd service on Raspberry Pi OS / Debian (issue 13, item 2).
# Run as root from a built checkout (npm ci && npm run build): copies it to /opt/vgw, creates the vgw
# system user (groups gpio, audio), /etc/vgw and /var/lib/vgw (0700, owned by vgw), installs the unit
# and starts it. Idempotent: running it again updates the code and the unit and restarts the service.
# --dry-run prints every step instead of doing it. Logs go to the journal (no logrotate needed).
set -eu

DRY_RUN=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$arg' (use --dry-run or --help)" >&2; exit 2 ;;
  esac
done

SRC=$(cd "$(dirname "$0")/../.." && pwd)
PREFIX=${VGW_PREFIX:-/opt/vgw}
ETC=/etc/vgw
DATA=/var/lib/vgw
UNIT=/etc/systemd/system/vgw.service

run() {
  if [ "$DRY_RUN" = 1 ]; then echo "would run: $*"; else "$@"; fi
}

if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
  echo "install.sh: run as root (sudo $0), or with --dry-run to see the steps" >&2
  exit 1
fi
if [ ! -f "$SRC/dist/provisioning/cli.js" ]; then
  echo "install.sh: $SRC/dist is missing; build first: npm ci && npm run build" >&2
  [ "$DRY_RUN" = 1 ] || exit 1
fi

# Groups first: a Pi has gpio and audio; a plain Debian box may lack gpio.
for group in gpio audio; do
  if ! getent group "$group" >/dev/null; then run groupadd --system "$group"; fi
done
if ! getent passwd vgw >/dev/null; then
  run useradd --system --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin --groups gpio,audio vgw
else
  run usermod --append --groups gpio,audio vgw
fi

run install -d -m 0755 -o root -g root "$PREFIX"
run install -d -m 0750 -o root -g vgw "$ETC"
run install -d -m 0700 -o vgw -g vgw "$DATA"
# Code is root-owned and read-only to the service (ProtectSystem=strict keeps it so anyway).
for part in package.json dist node_modules provisioning/bin README.md; do
  if [ -d "$SRC/$part" ]; then
    run mkdir -p "$PREFIX/$part"
    run cp -a "$SRC/$part/." "$PREFIX/$part/"
  else
    run install -D -m 0644 "$SRC/$part" "$PREFIX/$part"
  fi
done
if [ ! -f "$ETC/vgw.yaml" ]; then
  echo "note: write $ETC/vgw.yaml (README.md, 'Running a real gateway'; gateway.dataDir: $DATA), owned root:vgw, mode 0640"
fi
run install -m 0644 "$SRC/provisioning/install/vgw.service" "$UNIT"
run systemctl daemon-reload
run systemctl enable vgw
# enable --now would leave an old process running after an update: restart starts it or reloads the code.
run systemctl restart vgw
