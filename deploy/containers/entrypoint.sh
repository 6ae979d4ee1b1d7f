#!/bin/sh
# Container entry point: every secret file named like a setting (/run/secrets/TERANG_*, compose's
# `secrets:` with `target: TERANG_...`) becomes that environment variable, then `terang` runs with
# the container's command (gateway, indexer, bridge, db upgrade, check). Secret values are never
# printed. Other files under /run/secrets (the keyring, keystores) are read by path, not exported.
set -eu
secrets_dir="${TERANG_SECRETS_DIR:-/run/secrets}"
if [ -d "$secrets_dir" ]; then
  for file in "$secrets_dir"/TERANG_*; do
    [ -f "$file" ] || continue
    name="${file##*/}"
    case "$name" in
      *[!A-Z0-9_]*) echo "entrypoint: $name is not a setting's name; not exported" >&2; continue ;;
    esac
    value="$(cat "$file")"  # the trailing newline of an edited file is dropped
    export "$name=$value"
  done
fi
exec terang "$@"
