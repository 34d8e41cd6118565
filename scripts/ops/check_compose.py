#!/usr/bin/env python3
"""Checks docker-compose.yml: the laptop cluster has every part, reads every password from .env (documented
in .env.example, with no values), and its Prometheus and Grafana settings agree with the services.

Usage: check_compose.py REPO        (exits 1 naming every problem)
"""
import pathlib
import re
import sys

import yaml

from common import check_settings, finish, problem
repo = pathlib.Path(sys.argv[1]).resolve()
text = (repo / "docker-compose.yml").read_text()
compose = yaml.safe_load(text)
services = compose["services"]

for name in ("rabbitmq", "redis", "coordinator", "worker", "prometheus", "grafana"):
    if name not in services:
        problem(f"no {name} service")
if "management" not in services["rabbitmq"]["image"]:
    problem("RabbitMQ should run its management UI image")

# Secrets: every password-like value is a ${VAR:?...} reference, and every variable is documented without a value.
example = dict(line.split("=", 1) for line in (repo / ".env.example").read_text().splitlines() if line and not line.startswith("#"))
for variable in set(re.findall(r"\$\{([A-Z_]+)", text)):
    if variable not in example:
        problem(f"${{{variable}}} is not documented in .env.example")
for variable, value in example.items():
    if re.search(r"PASS|TOKEN|SECRET", variable) and value.strip():
        problem(f".env.example gives {variable} a value; it must be chosen by the user")
for service, body in services.items():
    environment = body.get("environment", {})
    for key, value in environment.items():
        if re.search(r"PASS|TOKEN|SECRET", key) and not str(value).startswith("${"):
            problem(f"{service}: {key} is written into the file instead of read from .env")
for variable in re.findall(r"\$\{([A-Z_]*PASS[A-Z_]*)(:?[?-]?)", text):
    if variable[1] != ":?":
        problem(f"${{{variable[0]}}} must be required (${{{variable[0]}:?...}}): no default passwords")
if ".env" not in (repo / ".gitignore").read_text().split():
    problem(".gitignore does not cover .env")

check_settings("docker-compose.yml", [key for body in services.values() for key in body.get("environment", {})
                                      if key.startswith("SOBEL_")] + list(compose["x-sobel-environment"]), repo)
check_settings(".env.example", [key for key in example if key.startswith("SOBEL_")], repo)

# Prometheus scrapes what the services expose; Grafana loads the dashboard.
prometheus = yaml.safe_load((repo / "deploy/prometheus/prometheus.yml").read_text())
jobs = {job["job_name"]: job for job in prometheus["scrape_configs"]}
worker_command = services["worker"]["command"]
metrics_port = int(worker_command[worker_command.index("--metrics-port") + 1])
if jobs["sobel-work"]["dns_sd_configs"][0]["port"] != metrics_port:
    problem("Prometheus scrapes workers on another port than their --metrics-port")
coordinator_command = services["coordinator"]["command"]
coordinator_port = coordinator_command[coordinator_command.index("--port") + 1]
if jobs["sobel-serve"]["static_configs"][0]["targets"] != [f"coordinator:{coordinator_port}"]:
    problem("Prometheus scrapes the coordinator at another address than it listens on")
volumes = services["grafana"]["volumes"]
provider = yaml.safe_load((repo / "deploy/grafana/provisioning/dashboards/sobel.yml").read_text())["providers"][0]
if f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" not in volumes:
    problem("Grafana does not mount deploy/grafana/dashboards where its provider looks")
for path in ("deploy/grafana/dashboards/sobel.json",):
    if not (repo / path).exists():
        problem(f"{path} is missing")

finish(f"docker-compose.yml: {len(services)} services; passwords from .env only; Prometheus and Grafana wired")
