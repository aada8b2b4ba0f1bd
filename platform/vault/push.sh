#!/bin/sh
# Keeps the MirrorMaker source credentials in Vault in step with the Secrets
# Strimzi rotates. Kubelet refreshes the projected Secret volume when Strimzi
# renews the user certificate or the cluster CA, the checksum changes and the
# next cycle writes a new KV version; the DR side's operator picks it up.
# Logs carry no secret material (not even its checksum).
set -eu

: "${VAULT_ADDR:?VAULT_ADDR must be set}"
: "${VAULT_AUTH_PATH:?VAULT_AUTH_PATH must be set}"
: "${VAULT_ROLE:?VAULT_ROLE must be set}"
: "${KV_MOUNT:?KV_MOUNT must be set}"
: "${KV_SECRET:?KV_SECRET must be set}"
CRED_DIR="${CRED_DIR:-/credentials}"
TOKEN_FILE="${TOKEN_FILE:-/var/run/secrets/vault/token}"
INTERVAL_SECONDS="${INTERVAL_SECONDS:-60}"
ONESHOT="${ONESHOT:-false}"

checksum() {
	cat "$CRED_DIR/user.crt" "$CRED_DIR/user.key" "$CRED_DIR/ca.crt" | sha256sum | cut -d ' ' -f 1
}

push() {
	# A fresh short-lived token per write: nothing long-lived sits in the pod.
	VAULT_TOKEN=$(vault write -field=token "auth/$VAULT_AUTH_PATH/login" role="$VAULT_ROLE" jwt=@"$TOKEN_FILE")
	export VAULT_TOKEN
	vault kv put -mount="$KV_MOUNT" "$KV_SECRET" \
		user.crt=@"$CRED_DIR/user.crt" \
		user.key=@"$CRED_DIR/user.key" \
		ca.crt=@"$CRED_DIR/ca.crt" >/dev/null
	unset VAULT_TOKEN
}

last=""
while :; do
	for f in user.crt user.key ca.crt; do
		if [ ! -s "$CRED_DIR/$f" ]; then
			echo "missing or empty $CRED_DIR/$f" >&2
			exit 1
		fi
	done
	sum=$(checksum)
	if [ "$sum" != "$last" ]; then
		push
		last=$sum
		echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) credentials written to $KV_MOUNT/$KV_SECRET"
	fi
	if [ "$ONESHOT" = true ]; then
		exit 0
	fi
	sleep "$INTERVAL_SECONDS"
done
