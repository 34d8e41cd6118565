#!/usr/bin/env python3
"""Checks terraform/ without the terraform binary: parses every file with python-hcl2, checks variables
(description, type, validation) and outputs (description), `terraform fmt` layout, that no credentials or
state are in the repository, and runs checkov on terraform/ (every skip must carry a reason).

Usage: check_terraform.py REPO        (run with the ops tools' Python; exits 1 naming every problem)
"""
import pathlib
import re
import subprocess
import sys

import hcl2

from common import finish, problem, run_checkov

def check_layout(path, text):
    """What `terraform fmt` would change: tabs, odd indentation, trailing spaces, unaligned `=` in a run of attributes."""
    if not text.endswith("\n") or text.endswith("\n\n"):
        problem(f"{path}: must end with exactly one newline")
    run = []

    def flush():
        columns = {line.index("=") for _, line in run}
        if len(columns) > 1:
            problem(f"{path}:{run[0][0]}: the '=' of consecutive attributes are not aligned (terraform fmt)")
        run.clear()

    levels = []  # like hclwrite: one indent level per line that opens brackets, however many it opens
    for number, line in enumerate(text.split("\n"), 1):
        if "\t" in line or line != line.rstrip():
            problem(f"{path}:{number}: tabs or trailing spaces")
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            expected = 2 * (len(levels) - (1 if stripped[0] in "}])" else 0))
            indent = len(line) - len(line.lstrip())
            if indent != expected:
                problem(f"{path}:{number}: indented {indent}, terraform fmt indents {expected}")
            net = sum(stripped.count(c) for c in "{[(") - sum(stripped.count(c) for c in "}])")
            single = re.match(r"^[A-Za-z0-9_\"-]+\s*=\s", stripped) is not None and net == 0
            if single:
                if run and len(run[-1][1]) - len(run[-1][1].lstrip()) != indent:
                    flush()
                run.append((number, line))
            else:
                flush()
            if net > 0:
                levels.append(net)
            remaining = -net
            while remaining > 0 and levels:
                top = levels.pop()
                if top > remaining:
                    levels.append(top - remaining)
                remaining -= min(top, remaining)
        else:
            flush()
    flush()


def main(repo):
    folder = repo / "terraform"
    files = sorted(folder.glob("*.tf"))
    if not files:
        problem("terraform/ has no .tf files")
    parsed = {}
    for path in files:
        text = path.read_text()
        try:
            parsed[path.name] = hcl2.loads(text)
        except Exception as error:  # python-hcl2 raises lark errors of several kinds
            problem(f"{path}: does not parse as HCL2: {error}")
            continue
        check_layout(path.relative_to(repo), text)
        if re.search(r"\bcredentials\s*=|private_key|BEGIN [A-Z ]*PRIVATE KEY", text):
            problem(f"{path}: credentials do not belong in the repository")
    blocks = lambda kind: [(name, body) for tree in parsed.values() for entry in tree.get(kind, []) for name, body in entry.items()]
    variables = blocks("variable")
    for name, body in variables:
        for field in ("description", "type", "validation"):
            if field not in body and not (field == "validation" and "bool" in str(body.get("type"))):
                problem(f"variable {name} has no {field}")
    for name, body in blocks("output"):
        if "description" not in body:
            problem(f"output {name} has no description")
    used = {m for tree_text in (p.read_text() for p in files) for m in re.findall(r"var\.([a-z_]+)", tree_text)}
    declared = {name.strip('"') for name, _ in variables}
    for name in used - declared:
        problem(f"var.{name} is used but not declared")
    for name in declared - used:
        problem(f"variable {name} is declared but never used")
    resources = {kind.strip('"') for tree in parsed.values() for entry in tree.get("resource", []) for kind in entry}
    for needed in ("google_compute_network", "google_compute_subnetwork", "google_container_cluster", "google_container_node_pool",
                   "google_artifact_registry_repository"):
        if needed not in resources:
            problem(f"no {needed} resource")
    ignored = (repo / ".gitignore").read_text().split()
    for pattern in ("*.tfstate", ".terraform/"):
        if pattern not in ignored:
            problem(f".gitignore does not cover {pattern}")
    tracked = subprocess.run(["git", "-C", str(repo), "ls-files", "terraform"], capture_output=True, text=True).stdout.split()
    for path in tracked:
        if re.search(r"\.tfstate|\.terraform/|\.tfvars$", path):
            problem(f"{path} is state or settings and must not be committed")
    for path in files:
        for match in re.finditer(r"checkov:skip=([A-Z0-9_]+)(:?)(.*)", path.read_text()):
            if not match.group(2) or len(match.group(3).strip()) < 10:
                problem(f"{path.name}: checkov skip {match.group(1)} has no written reason")
    finish(f"terraform: {len(files)} files parsed, {len(variables)} variables checked; " + run_checkov(folder, "terraform"))


main(pathlib.Path(sys.argv[1]).resolve())
