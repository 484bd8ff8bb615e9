"""The shipped verifier where py_ecc is not installed (a bare `python3 -S`): it still
checks the round, the randomness and every winner, says in one line that it did not
check the signature, and prints the relay URLs where anyone can compare it."""

import json
import subprocess
import sys
from pathlib import Path

from campaigns import draw
from campaigns.tests.test_draw import PINNED, published, relay_beacon

SCRIPT = Path(draw.__file__)


def run_bare(folder: Path, results: dict, files: dict) -> subprocess.CompletedProcess:
    for name, content in files.items():
        (folder / name).write_bytes(content)
    (folder / "results.json").write_text(json.dumps(results))
    # -S: no site-packages, so no py_ecc; -I: nothing from the environment or this folder.
    command = [sys.executable, "-S", "-I", str(SCRIPT), str(folder / "results.json")]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_without_py_ecc_it_says_so_and_names_the_relays(tmp_path):
    results, files = published()
    ran = run_bare(tmp_path, results, files)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    said = ran.stdout.splitlines()
    assert sum("BLS signature not checked here" in line for line in said) == 1
    for url in draw.relay_urls(draw.CHAINS["quicknet"], PINNED):
        assert f"  {url}" in said
    assert "all checks passed" in ran.stdout


def test_without_py_ecc_the_other_beacon_checks_still_fail(tmp_path):
    results, files = published()
    results["beacon"]["randomness"] = relay_beacon(25563182)["randomness"]
    ran = run_bare(tmp_path, results, files)
    assert ran.returncode == 1
    assert "MISMATCH: the beacon's randomness is not SHA-256 of its signature" in ran.stdout
