#!/usr/bin/env python3
"""Checks k8s/: renders the base and every overlay with `kubectl kustomize` (or, where kubectl is missing, with
the subset of kustomize the manifests use, below), validates
every rendered object against the Kubernetes schemas with kubernetes-validate (strict, pinned version),
checks the custom resources and the settings that must agree across files, and runs checkov on k8s/.

Usage: check_k8s.py REPO        (run with the ops tools' Python; exits 1 naming every problem)
"""
import copy
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

from common import check_settings, finish, problem, run_checkov

KUBERNETES_VERSION = "1.34.0"  # GKE's regular channel, late 2026
def load_all(path):
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def matches(target, obj):
    meta = obj.get("metadata", {})
    group = obj["apiVersion"].split("/")[0] if "/" in obj["apiVersion"] else ""
    if "kind" in target and target["kind"] != obj["kind"]:
        return False
    if "group" in target and target["group"] != group:
        return False
    return "name" not in target or re.fullmatch(target["name"], meta.get("name", "")) is not None


def json_patch(obj, operations):
    for op in operations:
        *parents, last = [part.replace("~1", "/").replace("~0", "~") for part in op["path"].split("/")[1:]]
        node = obj
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key = int(last) if isinstance(node, list) and last != "-" else last
        if op["op"] in ("add", "replace"):
            if isinstance(node, list):
                node.append(op["value"]) if key == "-" else node.insert(key, op["value"]) if op["op"] == "add" else node.__setitem__(key, op["value"])
            else:
                node[key] = copy.deepcopy(op["value"])
        elif op["op"] == "remove":
            del node[key]
        else:
            raise ValueError(f"unsupported JSON patch op {op['op']}")


def render(directory):
    """The objects `kubectl kustomize directory` prints: kubectl's own rendering when it is installed."""
    if shutil.which("kubectl"):
        built = subprocess.run(["kubectl", "kustomize", str(directory)], capture_output=True, text=True)
        if built.returncode != 0:
            problem(f"{directory}: kubectl kustomize failed: {built.stderr.strip()}")
            return []
        return [doc for doc in yaml.safe_load_all(built.stdout) if doc]
    return render_subset(directory)


def render_subset(directory):
    """What `kubectl kustomize directory` would print, for the features these manifests use: for machines
    without kubectl (Debian ships none with kustomize v5)."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    objects = []
    for resource in kustomization.get("resources", []):
        path = (directory / resource).resolve()
        objects += render_subset(path) if path.is_dir() else load_all(path)
    for patch in kustomization.get("patches", []):
        body = yaml.safe_load(patch["patch"]) if "patch" in patch else yaml.safe_load((directory / patch["path"]).read_text())
        targets = [o for o in objects if matches(patch.get("target", {}), o)]
        if not targets:
            problem(f"{directory}: a patch matches no object: {patch.get('target')}")
        for target in targets:
            if isinstance(body, dict) and body.get("$patch") == "delete":
                objects.remove(target)
            elif isinstance(body, list):
                json_patch(target, body)
            else:
                raise ValueError(f"{directory}: only JSON patches and deletions are used here")
    namespace = kustomization.get("namespace")
    for obj in objects:
        meta = obj.setdefault("metadata", {})
        if namespace and obj["kind"] != "Namespace":
            meta["namespace"] = namespace
        for entry in kustomization.get("labels", []):
            meta.setdefault("labels", {}).update(entry["pairs"])
        for image in kustomization.get("images", []):
            for spec in pod_specs(obj):
                for container in spec.get("containers", []):
                    name, _, tag = container["image"].partition(":")
                    if name == image["name"]:
                        container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}"
    return objects


def pod_specs(obj):
    template = obj.get("spec", {}).get("template")
    return [template["spec"]] if obj["kind"] in ("Deployment", "StatefulSet") and template else []


def by(objects, kind, name):
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found[0] if found else None


def validate(name, objects):
    """kubernetes-validate on every object of a built-in kind; the custom resources are checked below."""
    builtin = [o for o in objects if "." not in o["apiVersion"].split("/")[0] or o["apiVersion"].split("/")[0].endswith(".k8s.io")]
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / f"{name}.yaml"
        path.write_text(yaml.safe_dump_all(builtin))
        result = subprocess.run([sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet", "-k", KUBERNETES_VERSION, str(path)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            problem(f"{name}: kubernetes-validate {KUBERNETES_VERSION} failed:\n{result.stdout}{result.stderr}")


def check_rendered(name, objects, repo):
    config = by(objects, "ConfigMap", "sobel-config")["data"]
    coordinator = by(objects, "Deployment", "sobel-coordinator")
    worker = by(objects, "Deployment", "sobel-worker")
    if coordinator["spec"]["replicas"] < 2:
        problem(f"{name}: the coordinator needs at least 2 replicas")
    for deployment in (coordinator, worker):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            context = container.get("securityContext", {})
            if not (context.get("readOnlyRootFilesystem") and context.get("allowPrivilegeEscalation") is False
                    and context.get("capabilities", {}).get("drop") == ["ALL"]):
                problem(f"{name}: {deployment['metadata']['name']} needs a read-only, unprivileged container dropping ALL capabilities")
            if not deployment["spec"]["template"]["spec"].get("securityContext", {}).get("runAsNonRoot"):
                problem(f"{name}: {deployment['metadata']['name']} must run as non-root")
            if "preStop" not in container.get("lifecycle", {}):
                problem(f"{name}: {deployment['metadata']['name']} needs a preStop hook")
    probes = coordinator["spec"]["template"]["spec"]["containers"][0]
    if probes["readinessProbe"]["httpGet"]["path"] != "/readyz" or probes["livenessProbe"]["httpGet"]["path"] != "/healthz":
        problem(f"{name}: the coordinator's probes are /readyz (readiness) and /healthz (liveness)")
    deadline = int(config["SOBEL_DEADLINE_SECONDS"])
    if coordinator["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] <= deadline:
        problem(f"{name}: the coordinator's grace period must exceed the job deadline ({deadline} s) so running jobs finish")
    ingress = by(objects, "Ingress", "sobel")
    body = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    if body != f"{config['SOBEL_MAX_UPLOAD_MB']}m":
        problem(f"{name}: the Ingress body size {body} differs from SOBEL_MAX_UPLOAD_MB={config['SOBEL_MAX_UPLOAD_MB']}")
    scaled = by(objects, "ScaledObject", "sobel-worker")
    hpa = by(objects, "HorizontalPodAutoscaler", "sobel-worker")
    if (scaled is None) == (hpa is None):
        problem(f"{name}: workers are scaled by exactly one of a KEDA ScaledObject or an HPA")
    if scaled:
        if scaled["apiVersion"] != "keda.sh/v1alpha1" or scaled["spec"]["scaleTargetRef"]["name"] != "sobel-worker":
            problem(f"{name}: the ScaledObject must target the sobel-worker Deployment")
        trigger = scaled["spec"]["triggers"][0]
        if trigger["type"] != "rabbitmq" or trigger["metadata"]["queueName"] != config["SOBEL_QUEUE"] or trigger["metadata"]["mode"] != "QueueLength":
            problem(f"{name}: the ScaledObject scales on the length of the {config['SOBEL_QUEUE']} queue")
        if by(objects, "TriggerAuthentication", trigger["authenticationRef"]["name"]) is None:
            problem(f"{name}: the ScaledObject's TriggerAuthentication is missing")
    monitor = by(objects, "ServiceMonitor", "sobel")
    if monitor is None:
        problem(f"{name}: no ServiceMonitor")
    else:
        selector = monitor["spec"]["selector"]["matchLabels"]
        ports = {e["port"] for e in monitor["spec"]["endpoints"]}
        scraped = [s for s in objects if s["kind"] == "Service" and selector.items() <= s["metadata"].get("labels", {}).items()]
        # /metrics lives on the private port named metrics of coordinators and workers alike, never on http.
        services = {s["metadata"]["name"] for s in scraped if any(p["name"] == "metrics" for p in s["spec"]["ports"])}
        if ports != {"metrics"} or not {"sobel-coordinator", "sobel-worker-metrics"} <= services:
            problem(f"{name}: the ServiceMonitor must scrape the port named metrics of the coordinators and workers, and only it")
        ingress = by(objects, "Ingress", "sobel")
        if ingress is not None:
            backends = {p["backend"]["service"]["port"].get("name") for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
            if backends != {"http"}:
                problem(f"{name}: the Ingress must route only to the coordinators' http port, never to metrics: {backends}")
        if config.get("SOBEL_METRICS_PORT") != "9100":
            problem(f"{name}: config.yaml must set SOBEL_METRICS_PORT to 9100, the port the Services and NetworkPolicies name")
    for kind in ("Deployment", "StatefulSet"):
        for obj in (o for o in objects if o["kind"] == kind):
            labels = obj["spec"]["template"]["metadata"]["labels"]
            if not any(p["kind"] == "NetworkPolicy" and p["spec"]["podSelector"].get("matchLabels", {}).items() <= labels.items()
                       for p in objects):
                problem(f"{name}: no NetworkPolicy selects {obj['metadata']['name']}")
    for pdb in ("sobel-coordinator", "sobel-worker"):
        if by(objects, "PodDisruptionBudget", pdb) is None:
            problem(f"{name}: no PodDisruptionBudget {pdb}")
    if any(o["kind"] == "Secret" for o in objects):
        problem(f"{name}: Secrets are created by the documented commands, never committed")
    container_settings = [e["name"] for d in (coordinator, worker) for c in d["spec"]["template"]["spec"]["containers"]
                          for e in c.get("env", []) if e["name"].startswith("SOBEL_")]
    check_settings(name, list(config) + container_settings, repo)
    names = {o["metadata"]["namespace"] for o in objects if o["kind"] != "Namespace"}
    if names != {"sobel"}:
        problem(f"{name}: every object belongs to the sobel namespace, not {names}")


def main(repo):
    k8s = repo / "k8s"
    print("rendered by " + ("kubectl kustomize" if shutil.which("kubectl") else "the built-in kustomize subset (no kubectl on PATH)"))
    for directory in sorted(p.parent for p in k8s.rglob("kustomization.yaml")):
        name = str(directory.relative_to(repo))
        objects = render(directory)
        validate(name.replace("/", "_"), objects)
        check_rendered(name, objects, repo)
        print(f"{name}: {len(objects)} objects rendered and checked")
    finish(run_checkov(k8s, "kubernetes"))


main(pathlib.Path(sys.argv[1]).resolve())
