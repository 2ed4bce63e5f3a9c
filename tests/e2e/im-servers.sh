# Sourced by run-node.sh and run-python.sh after lib.sh: starts the imedge IM servers the im_*
# suites use, each on a fresh data directory, and exports what the tests need to mint tokens.
#   IMEDGE_E2E_IM_PORT     HS256 secret, --jwt-issuer imedge-tests --jwt-audience imedge, and
#                          the push HTTP API with keys $IMEDGE_E2E_API_KEY and second-e2e-key
#   IMEDGE_E2E_IM_RS_PORT  RS256 public key, --jwt-user-claim user_id (no API key: no API)
#   IMEDGE_E2E_IM_RULES_PORT  the HS256 settings plus --group-create-claim can_create_groups
#   IMEDGE_E2E_IM_DEV_PORT the default set-up: no key (a development secret, GET /dev/token),
#                          --group-create-claim can_create_groups
# Not started against the reference servers (Node has no IM service): the im suites skip then.
# Suites that need an imedge of their own (im_push_webhook: its flags differ per test) start it
# from IMEDGE_E2E_IMEDGE_BIN with IMEDGE_E2E_SHARDS shards, under IMEDGE_E2E_IM_DIR.

# start_im_servers SHARDS
start_im_servers() {
  [ "${IMEDGE_E2E_REFERENCE:-}" = 1 ] && return 0
  local shards=$1 dir="$LOG_DIR/im-$shards"
  rm -rf "$dir" && mkdir -p "$dir"
  export IMEDGE_E2E_IM_SECRET="e2e-secret-$RANDOM-$RANDOM-$RANDOM"
  export IMEDGE_E2E_IMEDGE_BIN="${IMEDGE_BIN:-$ROOT/build/bin/imedge}"
  export IMEDGE_E2E_SHARDS="$shards" IMEDGE_E2E_IM_DIR="$dir"
  export IMEDGE_E2E_API_KEY="e2e-api-$RANDOM-$RANDOM-$RANDOM"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/rs.key" 2>/dev/null &&
    openssl pkey -in "$dir/rs.key" -pubout -out "$dir/rs.pub" 2>/dev/null || return 1
  export IMEDGE_E2E_IM_RS_PRIVATE_KEY="$(cat "$dir/rs.key")"
  export IMEDGE_E2E_IM_RS_PUBLIC_KEY="$(cat "$dir/rs.pub")"
  start_server IMEDGE_E2E_IM_PORT imedge "$shards" --jwt-secret "$IMEDGE_E2E_IM_SECRET" \
      --jwt-issuer imedge-tests --jwt-audience imedge --data-dir "$dir/hs" --durability os \
      --api-key "$IMEDGE_E2E_API_KEY" --api-key second-e2e-key &&
    start_server IMEDGE_E2E_IM_RS_PORT imedge "$shards" --jwt-public-key "$dir/rs.pub" \
      --jwt-algorithm RS256 --jwt-user-claim user_id --data-dir "$dir/rs" &&
    start_server IMEDGE_E2E_IM_RULES_PORT imedge "$shards" --jwt-secret "$IMEDGE_E2E_IM_SECRET" \
      --jwt-issuer imedge-tests --jwt-audience imedge --group-create-claim can_create_groups \
      --data-dir "$dir/rules" --durability os &&
    start_server IMEDGE_E2E_IM_DEV_PORT imedge "$shards" --group-create-claim can_create_groups \
      --data-dir "$dir/dev" --durability os
}
