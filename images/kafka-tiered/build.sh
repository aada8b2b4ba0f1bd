#!/usr/bin/env bash
# Builds the broker image from the pins in pins.env and prints its digest.
# Usage: images/kafka-tiered/build.sh <registry>/<repo>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="${1:?usage: build.sh <registry>/<repo>}"
# shellcheck source=/dev/null
. "$here/pins.env"
for v in BASE_IMAGE TIERED_STORAGE_VERSION TIERED_STORAGE_CORE_SHA256 TIERED_STORAGE_S3_SHA256 AWS_SDK_VERSION AWS_SDK_STS_SHA256; do
  if [ -z "${!v:-}" ]; then
    echo "build.sh: $v is empty in $here/pins.env; fill it from the upstream release (see the comments there)" >&2
    exit 1
  fi
done
case "$BASE_IMAGE" in
  *@sha256:*) ;;
  *) echo "build.sh: BASE_IMAGE must be pinned by digest (…@sha256:…), got $BASE_IMAGE" >&2; exit 1 ;;
esac
tag="$repo:kafka-4.3.1-ts-$TIERED_STORAGE_VERSION"
docker buildx build "$here" --push --tag "$tag" \
  --metadata-file "$here/.build-metadata.json" \
  --build-arg BASE_IMAGE="$BASE_IMAGE" \
  --build-arg TIERED_STORAGE_VERSION="$TIERED_STORAGE_VERSION" \
  --build-arg TIERED_STORAGE_CORE_SHA256="$TIERED_STORAGE_CORE_SHA256" \
  --build-arg TIERED_STORAGE_S3_SHA256="$TIERED_STORAGE_S3_SHA256" \
  --build-arg AWS_SDK_VERSION="$AWS_SDK_VERSION" \
  --build-arg AWS_SDK_STS_SHA256="$AWS_SDK_STS_SHA256"
digest="$(sed -n 's/.*"containerimage.digest": *"\(sha256:[0-9a-f]*\)".*/\1/p' "$here/.build-metadata.json")"
echo "set kafka-platform:kafkaBrokerImage to $repo@$digest"
