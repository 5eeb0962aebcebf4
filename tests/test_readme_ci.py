"""The README's CI snippet works when copied into a fresh directory: its `run:` steps (all but the
install, which this test environment has done already) pass on good scripts and fail on bad ones."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import yaml

from conftest import ROOT


def ci_steps() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- ci-snippet -->\n```yaml\n(.*?)```", readme, re.S).group(1)
    steps = yaml.safe_load(block)["jobs"]["tickpy"]["steps"]
    return [step["run"] for step in steps if "run" in step and not step["run"].startswith("pip install")]


def run_steps(folder) -> list[int]:
    bin_dir = folder / "bin"
    bin_dir.mkdir(exist_ok=True)
    launcher = bin_dir / "tickpy"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} -m tickpy \"$@\"\n")
    launcher.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    return [subprocess.run(["sh", "-c", step], cwd=folder, env=env, capture_output=True).returncode
            for step in ci_steps()]


def fresh_repository(tmp_path):
    for name in ("cpu_alert.tick", "cpu_alert_test.yaml", "kapacitor.conf"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def test_the_snippet_has_lint_fmt_and_test_steps():
    steps = ci_steps()
    assert [step.split()[1] for step in steps] == ["lint", "fmt", "test"]


def test_the_ci_steps_pass_on_good_scripts(tmp_path):
    assert run_steps(fresh_repository(tmp_path)) == [0, 0, 0]


def test_the_ci_steps_fail_on_a_broken_script(tmp_path):
    folder = fresh_repository(tmp_path)
    (folder / "broken.tick").write_text("stream|from().measurement('cpu'\n")
    subprocess.run(["git", "add", "broken.tick"], cwd=folder, check=True)
    lint, fmt, _ = run_steps(folder)
    assert lint == 1 and fmt == 1
