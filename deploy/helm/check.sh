#!/usr/bin/env bash
# Validates the Helm chart offline, for every example values file in deploy/helm/ci/:
#   1. helm lint --strict
#   2. helm template (the manifests a `helm install` would apply, hooks included)
#   3. kubernetes-validate --strict against the Kubernetes JSON schemas of KUBE_VERSION
#   4. checkov on the rendered manifests: no failed check (skips carry their reason in the chart)
# The tools come from `make helm-tools` (.tools/); HELM and TOOLS_VENV point elsewhere if needed.
# Rendered manifests and checkov's report are kept in OUT_DIR (default artifacts/helm).
set -euo pipefail

cd "$(dirname "$0")/../.."
chart=deploy/helm/intranet
kube_version=${KUBE_VERSION:-1.33.0}
out_dir=${OUT_DIR:-artifacts/helm}
tools_venv=${TOOLS_VENV:-.tools/venv}
helm=${HELM:-}
if [ -z "$helm" ]; then
    helm=$(find .tools -maxdepth 2 -path '.tools/helm-layer-*/helm' -type f 2>/dev/null | sort | tail -n1)
fi
for tool in "$helm" "$tools_venv/bin/kubernetes-validate" "$tools_venv/bin/checkov"; do
    if [ -z "$tool" ] || [ ! -x "$tool" ]; then
        echo "check.sh: ${tool:-helm} is missing; run 'make helm-tools' first" >&2
        exit 2
    fi
done

mkdir -p "$out_dir"
status=0
shopt -s nullglob
values_files=(deploy/helm/ci/*-values.yaml)
[ "${#values_files[@]}" -gt 0 ] || { echo "check.sh: no deploy/helm/ci/*-values.yaml" >&2; exit 2; }

for values in "${values_files[@]}"; do
    name=$(basename "$values" .yaml)
    rendered="$out_dir/$name.yaml"
    echo "==> $name: helm lint --strict"
    "$helm" lint --strict "$chart" --values "$values" --kube-version "$kube_version" || { status=1; continue; }

    echo "==> $name: helm template"
    "$helm" template intranet "$chart" --namespace intranet --values "$values" \
        --kube-version "$kube_version" >"$rendered" || { status=1; continue; }

    echo "==> $name: kubernetes-validate --strict (Kubernetes $kube_version)"
    # One document per file: kubernetes-validate reports per file, and an empty document (a
    # template that rendered nothing) would count as a failure.
    split_dir="$out_dir/$name"
    rm -rf "$split_dir" && mkdir -p "$split_dir"
    "$tools_venv/bin/python" - "$rendered" "$split_dir" <<'PY'
import sys
from pathlib import Path

import yaml

docs = [d for d in yaml.safe_load_all(Path(sys.argv[1]).read_text()) if d]
for i, doc in enumerate(docs):
    path = Path(sys.argv[2]) / f"{i:03d}-{doc['kind']}-{doc['metadata']['name']}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
print(f"{len(docs)} manifests")
PY
    "$tools_venv/bin/kubernetes-validate" --strict --quiet --kubernetes-version "$kube_version" "$split_dir"/*.yaml \
        || status=1

    echo "==> $name: checkov"
    # Offline: no platform API key, no download of external modules or of newer policies.
    BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false \
        "$tools_venv/bin/checkov" --quiet --compact --framework kubernetes --skip-download \
        --file "$rendered" --output cli --output junitxml --output-file-path "console,$out_dir/$name-checkov.xml" \
        || status=1
done

if [ "$status" -eq 0 ]; then
    echo "==> The chart passes lint, schema and policy checks for: ${values_files[*]}"
else
    echo "==> The chart FAILED a check (see above)" >&2
fi
exit "$status"
