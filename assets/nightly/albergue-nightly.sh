#!/bin/sh
# Nightly export and backup of albergue's database, for cron or systemd.
# Exit status: 0 when both succeeded, 1 otherwise. Each step logs one line
# (counts and folders, never names) to stderr, which cron mails and
# systemd keeps in the journal.
# An encrypted database's key comes from systemd's LoadCredential=
# (albergue-db-key) or ALBERGUE_KEY_FILE, as for every albergue command;
# its backups are encrypted with the same key.
set -u
: "${ALBERGUE_EXPORTS:=/var/lib/albergue/exports}"
: "${ALBERGUE_BACKUPS:=/var/lib/albergue/backups}"
: "${ALBERGUE_KEEP:=14}"
# Retention period (90d, 13w, 1y): people who left longer ago are
# anonymised before the export. Empty: no retention run.
: "${ALBERGUE_RETENTION:=}"
umask 077
status=0
if [ -n "$ALBERGUE_RETENTION" ]; then
  albergue retention run --after "$ALBERGUE_RETENTION" || status=1
fi
albergue export --out "$ALBERGUE_EXPORTS" --format csv --keep "$ALBERGUE_KEEP" || status=1
mkdir -p "$ALBERGUE_BACKUPS"
backup="$ALBERGUE_BACKUPS/albergue-$(date +%Y-%m-%d-%H%M).db"
albergue backup --out "$backup" || status=1
# Keep the newest backups only.
ls -1t "$ALBERGUE_BACKUPS"/albergue-*.db 2>/dev/null | tail -n +"$((ALBERGUE_KEEP + 1))" | while read -r old; do
  rm -f -- "$old"
done
exit "$status"
