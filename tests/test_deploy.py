"""The deployment files (deploy/) agree with each other and with the code: settings, ports, probe
paths, image, metric names, security context. Prometheus's own promtool checks the config, the
alert rules and their unit tests, and the dashboard's queries (skipped when promtool is missing).
No container engine is needed: everything is parsed."""

from __future__ import annotations

import base64
import json
import re
import shlex
import shutil
import subprocess
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from faust.sensors.prometheus import FaustMetrics
from prometheus_client import CollectorRegistry

import workers
from workers import metrics
from workers.cli import build_parser
from workers.config import Settings

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
PROM = DEPLOY / "prometheus"
GRAFANA = DEPLOY / "grafana"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
DASHBOARD_FILE = GRAFANA / "dashboards" / "wirestream.json"

EXPECTED_FILES = [
    "Dockerfile",
    "docker-compose.yml",
    "RUNBOOK.md",
    "prometheus/prometheus.yml",
    "prometheus/alerts.yml",
    "prometheus/alerts_test.yml",
    "grafana/provisioning/datasources/prometheus.yml",
    "grafana/provisioning/dashboards/wirestream.yml",
    "grafana/dashboards/wirestream.json",
    "k8s/namespace.yaml",
    "k8s/configmap.yaml",
    "k8s/statefulset.yaml",
    "k8s/service.yaml",
    "k8s/podmonitor.yaml",
    "k8s/prometheusrule.yaml",
    "k8s/pdb.yaml",
    "k8s/keda-scaledobject.yaml",
    "k8s/topics-job.yaml",
]
EXPECTED_ALERTS = {
    "WirestreamConsumerLagGrowing",
    "WirestreamDeadLetterRate",
    "WirestreamNoInput",
    "WirestreamWorkerDown",
    "WirestreamRebalanceStorm",
    "WirestreamNotReady",
    "WirestreamStaleEvents",
    "WirestreamEnrichProcessRestarts",
}
JOB = "wirestream"  # the Prometheus job of the workers, in compose and on Kubernetes
STATE_DIR = "/var/lib/wirestream"
UID = 10001
DEFAULTS = Settings()
APP_SOURCE = (ROOT / "workers" / "app.py").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------------------- helpers


def load_yaml(path: Path) -> Any:
    docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    assert len(docs) == 1, f"{path} should hold exactly one YAML document, holds {len(docs)}"
    return docs[0]


def compose() -> dict[str, Any]:
    return load_yaml(COMPOSE_FILE)


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def k8s(name: str) -> dict[str, Any]:
    return load_yaml(K8S / name)


def configmap_data() -> dict[str, str]:
    return {k: str(v) for k, v in k8s("configmap.yaml")["data"].items()}


def compose_env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def wirestream_services() -> dict[str, dict[str, Any]]:
    """The compose services that run the wirestream image."""
    image = services()["worker-1"]["image"]
    return {name: svc for name, svc in services().items() if svc.get("image") == image}


def worker_services() -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in wirestream_services().items() if svc.get("command") == ["worker"]}


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """Short-syntax volumes as target -> source."""
    result = {}
    for item in service.get("volumes", []):
        source, target = item.split(":")[:2]
        result[target] = source
    return result


def pod_spec(manifest: dict[str, Any]) -> dict[str, Any]:
    return manifest["spec"]["template"]["spec"]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    logical: list[str] = []
    buf = ""
    for line in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        logical.append(buf + stripped)
        buf = ""
    assert not buf, "the Dockerfile ends inside a line continuation"
    result = []
    for item in logical:
        instruction, _, rest = item.partition(" ")
        result.append((instruction.upper(), rest.strip()))
    return result


def dockerfile_stages() -> list[dict[str, Any]]:
    """Stages with their resolved base image, name and instructions."""
    args: dict[str, str] = {}
    stages: list[dict[str, Any]] = []
    for instruction, rest in dockerfile_instructions():
        if instruction == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif instruction == "FROM":
            parts = rest.split()
            base = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args[m.group(1) or m.group(2)], parts[0])
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None
            stages.append({"base": base, "name": name, "instructions": []})
        else:
            stages[-1]["instructions"].append((instruction, rest))
    return stages


def runtime_stage(instruction: str) -> list[str]:
    return [rest for instr, rest in dockerfile_stages()[-1]["instructions"] if instr == instruction]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for rest in runtime_stage("ENV"):
        for pair in shlex.split(rest):
            key, _, value = pair.partition("=")
            env[key] = value
    return env


def cli_accepts(argv: list[str]) -> str:
    """The subcommand a `wirestream ...` command line runs; fails if the CLI does not accept it."""
    assert argv[0] == "wirestream", argv
    try:
        parsed = build_parser().parse_args(argv[1:])
    except SystemExit as exc:  # argparse exits on an unknown command
        raise AssertionError(f"`{' '.join(argv)}` is not a wirestream command") from exc
    return parsed.func.__name__


def series_names(registry: CollectorRegistry) -> set[str]:
    names = set()
    for family in registry.collect():
        suffixes = {
            "counter": ("_total", "_created"),
            "histogram": ("_bucket", "_sum", "_count", "_created"),
            "summary": ("", "_sum", "_count", "_created"),
            "info": ("_info",),
        }.get(family.type, ("",))
        names |= {family.name + suffix for suffix in suffixes}
        names |= {sample.name for sample in family.samples}
    return names


def known_series() -> set[str]:
    """Every series name the worker exports: its own metrics and Faust's sensor under its prefix."""
    prefix = re.search(r'setup_prometheus_sensors\([^)]*name_prefix="(\w+)"', APP_SOURCE)
    assert prefix, "workers/app.py no longer sets up the Faust Prometheus sensor with a name_prefix"
    faust_registry = CollectorRegistry()
    FaustMetrics.create(faust_registry, prefix.group(1))
    return series_names(metrics.REGISTRY) | series_names(faust_registry) | {"up"}


_NOT_METRICS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool"}
_NOT_METRICS |= {"offset", "inf", "nan"}


def promql_metrics(expr: str) -> set[str]:
    """Metric names in a PromQL expression (strings, label matchers, ranges and label lists removed)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", " ", expr)
    expr = re.sub(r"\[[^\]]*\]", " ", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for match in re.finditer(r"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*", expr):
        word = match.group(0)
        if expr[match.end() :].lstrip().startswith("(") or word.lower() in _NOT_METRICS:
            continue  # a function or a keyword
        names.add(word)
    return names


def alert_rules() -> dict[str, dict[str, Any]]:
    rules = {}
    for group in load_yaml(PROM / "alerts.yml")["groups"]:
        for rule in group["rules"]:
            if "alert" in rule:
                assert rule["alert"] not in rules, f"alert {rule['alert']} is defined twice"
                rules[rule["alert"]] = rule
    return rules


def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD_FILE.read_text(encoding="utf-8"))


def dashboard_exprs() -> list[str]:
    return [t["expr"] for p in dashboard()["panels"] for t in p.get("targets", [])]


# ------------------------------------------------------------------------------------------ files


def test_every_deploy_file_exists_and_parses():
    missing = [name for name in EXPECTED_FILES if not (DEPLOY / name).is_file()]
    assert not missing, f"missing deploy files: {missing}"
    parsed = 0
    for path in sorted(DEPLOY.rglob("*")):
        if path.suffix in (".yml", ".yaml"):
            doc = load_yaml(path)
        elif path.suffix == ".json":
            doc = json.loads(path.read_text(encoding="utf-8"))
        else:
            continue
        assert isinstance(doc, dict) and doc, f"{path} is empty or not a mapping"
        parsed += 1
    assert parsed >= len([n for n in EXPECTED_FILES if n.endswith((".yml", ".yaml", ".json"))])


def test_kustomization_lists_every_manifest():
    kustomization = k8s("kustomization.yaml")
    manifests = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == manifests
    assert kustomization["namespace"] == k8s("namespace.yaml")["metadata"]["name"]


# ------------------------------------------------------------------------------------- Dockerfile


def test_dockerfile_is_multi_stage_slim_non_root():
    stages = dockerfile_stages()
    assert len(stages) >= 2, "build and runtime stages"
    assert {s["base"] for s in stages} == {"python:3.11-slim"}
    build_names = {s["name"] for s in stages[:-1]}
    copies_from = [r for r in runtime_stage("COPY") if r.startswith("--from=")]
    assert copies_from and all(r.split()[0].removeprefix("--from=") in build_names for r in copies_from)
    users = runtime_stage("USER")
    assert users and users[-1].split(":")[0] == str(UID)
    assert "useradd" in " ".join(runtime_stage("RUN")) and f"--uid {UID}" in " ".join(runtime_stage("RUN"))


def test_dockerfile_copies_only_existing_sources_from_the_repo_root():
    sources = []
    for stage in dockerfile_stages():
        for instruction, rest in stage["instructions"]:
            if instruction in ("COPY", "ADD") and not rest.startswith("--from="):
                sources += [s for s in rest.split()[:-1] if not s.startswith("--")]
    assert "pyproject.toml" in sources and "workers" in sources
    assert all((ROOT / s).exists() for s in sources), sources


def test_dockerfile_runtime_settings_entrypoint_and_healthcheck():
    env = dockerfile_env()
    assert env["WIRESTREAM_WEB_HOST"] == "0.0.0.0"
    assert env["WIRESTREAM_STATE_DIR"] == STATE_DIR
    assert json.loads(runtime_stage("VOLUME")[0]) == [STATE_DIR]
    assert [int(p) for p in runtime_stage("EXPOSE")] == [DEFAULTS.web_port]
    assert int(env["WIRESTREAM_WEB_PORT"]) == DEFAULTS.web_port
    healthcheck = runtime_stage("HEALTHCHECK")[0]
    assert "urllib" in healthcheck and "/healthz" in healthcheck and "curl" not in healthcheck
    assert f"'{DEFAULTS.web_port}'" in healthcheck, "the healthcheck's fallback port is the default web port"
    probe = json.loads(healthcheck.split(" CMD ", 1)[1])
    assert probe[:2] == ["python", "-c"]
    compile(probe[2], "HEALTHCHECK", "exec")  # a syntax error would make every container unhealthy
    entrypoint = json.loads(runtime_stage("ENTRYPOINT")[0])
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert entrypoint == ["wirestream"] and "wirestream" in scripts
    assert cli_accepts(entrypoint + json.loads(runtime_stage("CMD")[0])) == "cmd_worker"


# ------------------------------------------------------------------------------ settings and ports


def test_every_wirestream_env_var_is_a_setting_with_a_valid_value():
    known = {Settings.env_name(f.name) for f in fields(Settings)}
    environments = {"Dockerfile": {k: v for k, v in dockerfile_env().items() if k.startswith("WIRESTREAM_")}}
    environments |= {f"compose {name}": compose_env(svc) for name, svc in services().items()}
    environments["k8s configmap"] = configmap_data()
    checked = 0
    for where, env in environments.items():
        ours = {k: v for k, v in env.items() if k.startswith("WIRESTREAM_")}
        unknown = set(ours) - known
        assert not unknown, f"{where} sets {sorted(unknown)}, which are not workers.config.Settings fields"
        Settings.load(None, ours)  # raises on a value of the wrong type or out of range
        checked += len(ours)
    assert checked > len(known)


def test_configmap_sets_every_setting_for_containers():
    data = configmap_data()
    assert set(data) == {Settings.env_name(f.name) for f in fields(Settings)}
    settings = Settings.load(None, data)
    assert settings.web_host == "0.0.0.0"
    assert settings.state_dir == STATE_DIR
    assert settings.web_port == DEFAULTS.web_port
    assert settings.topics == DEFAULTS.topics


def test_compose_workers_share_the_group_and_listen_on_all_interfaces():
    workers_ = worker_services()
    assert set(workers_) == {"worker-1", "worker-2"}
    settings = {name: Settings.load(None, compose_env(svc)) for name, svc in workers_.items()}
    assert len({s.app_id for s in settings.values()}) == 1, "one consumer group"
    for name, s in settings.items():
        assert s.web_host == "0.0.0.0", name
        assert s.state_dir == STATE_DIR, name
        assert s.topics == DEFAULTS.topics, name


def test_ports_are_the_default_web_port_everywhere():
    port = DEFAULTS.web_port
    # compose: each worker publishes a different host port onto the worker's port
    host_ports = set()
    for name, svc in worker_services().items():
        assert int(compose_env(svc).get("WIRESTREAM_WEB_PORT", port)) == port, name
        (mapping,) = svc["ports"]
        host, container = (int(p) for p in str(mapping).split(":")[-2:])
        assert container == port, name
        host_ports.add(host)
    assert host_ports == {6066, 6067}
    # prometheus scrapes the compose workers on that port
    (job,) = [j for j in load_yaml(PROM / "prometheus.yml")["scrape_configs"] if j["job_name"] == JOB]
    targets = [t for sc in job["static_configs"] for t in sc["targets"]]
    assert sorted(targets) == sorted(f"{name}:{port}" for name in worker_services())
    # kubernetes: container port, service port, configmap
    (container,) = pod_spec(k8s("statefulset.yaml"))["containers"]
    (named,) = [p for p in container["ports"] if p["name"] == "http-metrics"]
    assert named["containerPort"] == port
    (svc_port,) = k8s("service.yaml")["spec"]["ports"]
    assert (svc_port["name"], svc_port["port"], svc_port["targetPort"]) == ("http-metrics", port, "http-metrics")
    assert int(configmap_data()["WIRESTREAM_WEB_PORT"]) == port


def test_probe_and_metrics_paths_match_the_worker():
    pages = set(re.findall(r'@app\.page\("([^"]+)"\)', APP_SOURCE))
    assert {"/healthz", "/readyz"} <= pages
    metrics_path = re.search(r'setup_prometheus_sensors\([^)]*pattern="([^"]+)"', APP_SOURCE).group(1)
    (container,) = pod_spec(k8s("statefulset.yaml"))["containers"]
    probes = {kind: container[kind]["httpGet"] for kind in ("livenessProbe", "readinessProbe", "startupProbe")}
    assert probes["livenessProbe"]["path"] == "/healthz"
    assert probes["readinessProbe"]["path"] == "/readyz"
    assert probes["startupProbe"]["path"] == "/healthz"
    assert {p["port"] for p in probes.values()} == {"http-metrics"}
    assert {p["path"] for p in probes.values()} <= pages
    (endpoint,) = k8s("podmonitor.yaml")["spec"]["podMetricsEndpoints"]
    assert (endpoint["port"], endpoint["path"]) == ("http-metrics", metrics_path)
    (job,) = [j for j in load_yaml(PROM / "prometheus.yml")["scrape_configs"] if j["job_name"] == JOB]
    assert job.get("metrics_path", "/metrics") == metrics_path
    assert "/readyz" not in runtime_stage("HEALTHCHECK")[0], "a rebalance must not make the container unhealthy"


# ----------------------------------------------------------------------------------------- image


def test_one_image_name_in_compose_and_kubernetes_tagged_with_the_version():
    image = services()["worker-1"]["image"]
    assert image == f"ghcr.io/wirestream/wirestream:{workers.__version__}"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert image.rsplit(":", 1)[1] == pyproject["project"]["version"]
    assert set(wirestream_services()) == {"topics", "worker-1", "worker-2"}
    for name, svc in wirestream_services().items():
        context = (COMPOSE_FILE.parent / svc["build"]["context"]).resolve()
        assert context == ROOT, name
        assert (context / svc["build"]["dockerfile"]).resolve() == DEPLOY / "Dockerfile", name
    k8s_images = [c["image"] for m in ("statefulset.yaml", "topics-job.yaml") for c in pod_spec(k8s(m))["containers"]]
    assert k8s_images and set(k8s_images) == {image}


def test_commands_are_wirestream_subcommands():
    svcs = services()
    assert cli_accepts(["wirestream", *svcs["topics"]["command"]]) == "cmd_topics"
    for name in worker_services():
        assert cli_accepts(["wirestream", *svcs[name]["command"]]) == "cmd_worker", name
    (worker,) = pod_spec(k8s("statefulset.yaml"))["containers"]
    assert cli_accepts(worker["command"] + worker["args"]) == "cmd_worker"
    (topics,) = pod_spec(k8s("topics-job.yaml"))["containers"]
    assert cli_accepts(topics["command"] + topics["args"]) == "cmd_topics"


# --------------------------------------------------------------------------------------- compose


def test_compose_kafka_is_a_single_kraft_node_reachable_as_kafka_9092():
    kafka = services()["kafka"]
    repo, tag = kafka["image"].rsplit(":", 1)
    assert repo == "apache/kafka" and tuple(int(x) for x in tag.split(".")[:3]) >= (3, 8, 0)
    env = compose_env(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split("@")[0] == env["KAFKA_NODE_ID"]
    listeners = dict(item.split("://") for item in env["KAFKA_LISTENERS"].split(","))
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] in listeners
    assert set(listeners) <= {item.split(":")[0] for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")}
    advertised = {item.split("://")[1] for item in env["KAFKA_ADVERTISED_LISTENERS"].split(",")}
    assert "kafka:9092" in advertised
    assert len(base64.urlsafe_b64decode(env["CLUSTER_ID"] + "==")) == 16, "CLUSTER_ID is a base64 UUID"
    assert "test" in kafka["healthcheck"]
    for name, svc in wirestream_services().items():
        servers = Settings.load(None, compose_env(svc)).bootstrap_servers.split(",")
        assert set(servers) <= advertised, name


def test_compose_start_order_and_state_volumes():
    svcs = services()
    assert svcs["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    state_volumes = []
    for name, svc in worker_services().items():
        assert svc["depends_on"]["kafka"]["condition"] == "service_healthy", name
        assert svc["depends_on"]["topics"]["condition"] == "service_completed_successfully", name
        state_volumes.append(mounts(svc)[STATE_DIR])
    assert len(set(state_volumes)) == len(state_volumes) == 2, "each worker has its own state volume"
    assert set(state_volumes) <= set(compose()["volumes"])


def test_compose_prometheus_and_grafana_mount_the_deploy_files():
    svcs = services()
    prometheus = svcs["prometheus"]
    assert prometheus["image"].startswith("prom/prometheus:")
    config = next(a.split("=", 1)[1] for a in prometheus["command"] if a.startswith("--config.file="))
    prom_mounts = mounts(prometheus)
    assert (COMPOSE_FILE.parent / prom_mounts[config]).resolve() == PROM / "prometheus.yml"
    for rule_file in load_yaml(PROM / "prometheus.yml")["rule_files"]:
        in_container = str(Path(config).parent / rule_file)
        assert (COMPOSE_FILE.parent / prom_mounts[in_container]).resolve() == PROM / rule_file
    grafana = svcs["grafana"]
    assert grafana["image"].startswith("grafana/grafana:")
    grafana_mounts = {t: (COMPOSE_FILE.parent / s).resolve() for t, s in mounts(grafana).items() if s.startswith(".")}
    assert grafana_mounts["/etc/grafana/provisioning"] == GRAFANA / "provisioning"
    (provider,) = load_yaml(GRAFANA / "provisioning" / "dashboards" / "wirestream.yml")["providers"]
    assert grafana_mounts[provider["options"]["path"]] == DASHBOARD_FILE.parent


def test_grafana_datasource_is_the_compose_prometheus():
    (source,) = load_yaml(GRAFANA / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    ports = {str(p).split(":")[-1] for p in services()["prometheus"]["ports"]}
    assert "9090" in ports
    (ds_var,) = [v for v in dashboard()["templating"]["list"] if v["name"] == "datasource"]
    assert ds_var["query"] == "prometheus" and ds_var["current"]["value"] == source["uid"]


# ------------------------------------------------------------------------------------ prometheus


def test_prometheus_config_scrapes_the_workers_and_loads_the_alerts():
    config = load_yaml(PROM / "prometheus.yml")
    assert "alerts.yml" in config["rule_files"]
    assert all((PROM / f).is_file() for f in config["rule_files"])
    assert [j["job_name"] for j in config["scrape_configs"]].count(JOB) == 1


def test_alert_rules_are_complete():
    rules = alert_rules()
    assert set(rules) == EXPECTED_ALERTS
    runbook = (DEPLOY / "RUNBOOK.md").read_text(encoding="utf-8")
    headings = {h.strip().lower() for h in re.findall(r"^## (.+)$", runbook, flags=re.M)}
    for name, rule in rules.items():
        assert re.fullmatch(r"\d+[smh]", str(rule.get("for", ""))), f"{name} has no for:"
        assert rule["labels"]["severity"] in ("warning", "critical"), name
        assert {"summary", "description", "runbook"} <= set(rule["annotations"]), name
        assert rule["annotations"]["runbook"].endswith("#" + name.lower()), name
        assert name.lower() in headings, f"RUNBOOK.md has no section for {name}"
        assert f'job="{JOB}"' in rule["expr"], f"{name} does not select the workers' job"
    assert rules["WirestreamWorkerDown"]["labels"]["severity"] == "critical"
    assert "up" in promql_metrics(rules["WirestreamWorkerDown"]["expr"])


def test_alert_unit_tests_fire_and_stay_silent_for_every_alert():
    suite = load_yaml(PROM / "alerts_test.yml")
    assert suite["rule_files"] == ["alerts.yml"]
    fires: set[str] = set()
    silent: set[str] = set()
    for case in suite["tests"]:
        assert case["input_series"], case["name"]
        expectations: dict[str, list[bool]] = {}
        for check in case["alert_rule_test"]:
            expectations.setdefault(check["alertname"], []).append(bool(check.get("exp_alerts")))
        fires |= {name for name, fired in expectations.items() if any(fired)}
        silent |= {name for name, fired in expectations.items() if not any(fired)}
    assert fires == EXPECTED_ALERTS, f"no firing case for {sorted(EXPECTED_ALERTS - fires)}"
    assert silent == EXPECTED_ALERTS, f"no silent case for {sorted(EXPECTED_ALERTS - silent)}"


def test_promql_metric_extraction():
    expr = 'sum by (kind) (rate(a_total{x="y{z}"}[5m])) / ignoring(kind) group_left sum(b_count offset 1h) > 1e3'
    assert promql_metrics(expr) == {"a_total", "b_count"}
    assert promql_metrics('histogram_quantile(0.95, sum by (le) (rate(c_bucket{job="j"}[$__rate_interval])))') == {
        "c_bucket"
    }


def test_every_metric_in_alerts_and_dashboard_is_exported():
    known = known_series()
    assert {"wirestream_articles_consumed_total", "wirestream_stage_duration_seconds_bucket"} <= known
    assert "faust_total_rebalances" in known
    used: dict[str, set[str]] = {}
    for name, rule in alert_rules().items():
        used[f"alert {name}"] = promql_metrics(rule["expr"])
    for panel in dashboard()["panels"]:
        for target in panel.get("targets", []):
            used.setdefault(f"panel {panel['title']!r}", set()).update(promql_metrics(target["expr"]))
    for variable in dashboard()["templating"]["list"]:
        if variable["type"] == "query":
            used[f"variable {variable['name']}"] = {re.search(r"label_values\(\s*(\w+)", variable["definition"])[1]}
    for where, names in used.items():
        assert names, f"{where} uses no metric"
        assert names <= known, f"{where} uses {sorted(names - known)}, which the worker does not export"


# --------------------------------------------------------------------------------------- grafana


def test_dashboard_has_the_panels_operators_need():
    board = dashboard()
    assert board["uid"] == "wirestream" and board["schemaVersion"] == 39
    panels = board["panels"]
    assert len({p["id"] for p in panels}) == len(panels), "panel ids are unique"
    assert len({p["title"] for p in panels}) == len(panels), "panel titles are unique"
    for panel in panels:
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        refs = [t["refId"] for t in panel["targets"]]
        assert len(set(refs)) == len(refs), panel["title"]
    exprs = dashboard_exprs()
    wanted = {
        "throughput consumed": r"rate\(wirestream_articles_consumed_total",
        "throughput enriched": r"^sum\(rate\(wirestream_articles_enriched_total",
        "freshness p50 by since": r"histogram_quantile\(0\.5, sum by \(since, le\).*wirestream_event_freshness_seconds",
        "freshness p95 by since": r"histogram_quantile\(0\.95, sum by \(since, le\).*wirestream_event_freshness_second",
        "duplicate ratio by kind": r"by \(kind\).*wirestream_duplicates_total.*/.*wirestream_articles_enriched_total",
        "call events by change": r"by \(change\).*wirestream_call_events_total",
        "lag by partition": r"by \(topic, partition\).*wirestream_consumer_lag_messages",
        "dead letters by reason": r"by \(reason\).*wirestream_deadletters_total",
        "stage latency p95": r"histogram_quantile\(0\.95, sum by \(stage, le\).*wirestream_stage_duration_seconds",
        "live events": r"wirestream_live_events",
        "ready": r"wirestream_ready",
    }
    missing = [what for what, pattern in wanted.items() if not any(re.search(pattern, e) for e in exprs)]
    assert not missing, f"the dashboard has no query for: {missing}"


# ------------------------------------------------------------------------------------ kubernetes


def test_kubernetes_security_context():
    assert k8s("namespace.yaml")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for manifest in ("statefulset.yaml", "topics-job.yaml"):
        spec = pod_spec(k8s(manifest))
        pod_sc = spec["securityContext"]
        assert pod_sc["runAsNonRoot"] is True and pod_sc["runAsUser"] == UID, manifest
        assert pod_sc["seccompProfile"]["type"] == "RuntimeDefault", manifest
        assert spec["automountServiceAccountToken"] is False, manifest
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"]:
            sc = container["securityContext"]
            where = f"{manifest} {container['name']}"
            assert sc.get("runAsNonRoot", pod_sc["runAsNonRoot"]) is True, where
            assert sc.get("runAsUser", pod_sc["runAsUser"]) == UID, where
            assert sc["readOnlyRootFilesystem"] is True, where
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["capabilities"]["drop"] == ["ALL"] and not sc["capabilities"].get("add"), where
            assert sc.get("seccompProfile", pod_sc["seccompProfile"])["type"] == "RuntimeDefault", where
            tmp = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}["/tmp"]
            assert "emptyDir" in volumes[tmp], where
            assert container["resources"]["requests"] and container["resources"]["limits"], where
            assert container["envFrom"] == [{"configMapRef": {"name": k8s("configmap.yaml")["metadata"]["name"]}}]


def test_kubernetes_objects_reference_each_other():
    namespace = k8s("namespace.yaml")["metadata"]["name"]
    for path in K8S.glob("*.yaml"):
        doc = load_yaml(path)
        if doc["kind"] not in ("Namespace", "Kustomization"):
            assert doc["metadata"]["namespace"] == namespace, path.name
    sts = k8s("statefulset.yaml")
    labels = sts["spec"]["template"]["metadata"]["labels"]
    service = k8s("service.yaml")
    assert sts["spec"]["replicas"] == 2
    assert sts["spec"]["serviceName"] == service["metadata"]["name"]
    assert service["spec"]["clusterIP"] == "None"
    selectors = {
        "statefulset": sts["spec"]["selector"]["matchLabels"],
        "service": service["spec"]["selector"],
        "pdb": k8s("pdb.yaml")["spec"]["selector"]["matchLabels"],
        "podmonitor": k8s("podmonitor.yaml")["spec"]["selector"]["matchLabels"],
    }
    job_labels = k8s("topics-job.yaml")["spec"]["template"]["metadata"]["labels"]
    for what, selector in selectors.items():
        assert selector.items() <= labels.items(), f"the {what} selector does not select the workers"
        assert not selector.items() <= job_labels.items(), f"the {what} selector also selects the topics job"
    assert k8s("pdb.yaml")["spec"]["maxUnavailable"] == 1
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    (container,) = pod_spec(sts)["containers"]
    state_mount = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}[claim["metadata"]["name"]]
    assert state_mount == configmap_data()["WIRESTREAM_STATE_DIR"] == STATE_DIR


def test_prometheusrule_holds_the_alert_rules():
    rule = k8s("prometheusrule.yaml")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1" and rule["kind"] == "PrometheusRule"
    assert rule["spec"]["groups"] == load_yaml(PROM / "alerts.yml")["groups"]


def test_podmonitor_produces_the_job_label_the_alerts_use():
    monitor = k8s("podmonitor.yaml")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1" and monitor["kind"] == "PodMonitor"
    labels = k8s("statefulset.yaml")["spec"]["template"]["metadata"]["labels"]
    assert labels[monitor["spec"]["jobLabel"]] == JOB


def test_keda_scales_the_statefulset_on_the_raw_topic_lag():
    scaled = k8s("keda-scaledobject.yaml")
    sts = k8s("statefulset.yaml")
    target = scaled["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == ("apps/v1", "StatefulSet", sts["metadata"]["name"])
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "kafka"
    settings = Settings.load(None, configmap_data())
    meta = trigger["metadata"]
    assert meta["topic"] == settings.topic_raw == DEFAULTS.topic_raw
    assert meta["consumerGroup"] == settings.app_id
    assert meta["bootstrapServers"] == settings.bootstrap_servers
    assert int(meta["lagThreshold"]) > 0
    spec = scaled["spec"]
    assert spec["minReplicaCount"] <= sts["spec"]["replicas"] <= spec["maxReplicaCount"] <= settings.partitions


# -------------------------------------------------------------------------------------- promtool

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed (Debian: prometheus)")


@needs_promtool
@pytest.mark.parametrize(
    "argv",
    [
        ["check", "config", "deploy/prometheus/prometheus.yml"],
        ["check", "rules", "deploy/prometheus/alerts.yml"],
        ["test", "rules", "deploy/prometheus/alerts_test.yml"],
    ],
    ids=["check-config", "check-rules", "test-rules"],
)
def test_promtool(argv):
    result = subprocess.run([PROMTOOL, *argv], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@needs_promtool
def test_dashboard_queries_are_valid_promql(tmp_path):
    """promtool has no query parser of its own: the queries become recording rules it checks."""
    rules = []
    for i, expr in enumerate(dashboard_exprs()):
        concrete = expr.replace("$__rate_interval", "1m").replace("$instance", ".*")
        rules.append({"record": f"dashboard:query_{i}", "expr": concrete})
    assert rules
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}), encoding="utf-8")
    result = subprocess.run([PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout
