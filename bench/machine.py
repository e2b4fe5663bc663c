"""The machine facts every benchmark's result starts with: bench.py and parquet.py share them."""
import datetime
import os
import platform
import subprocess
import sys


def version(command):
    """The first line a tool prints for its version, or "unknown"."""
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def moto_version():
    """"moto X.Y.Z" of the moto_server scripts/with-services.sh runs: on PATH, or in its venv."""
    moto_python = os.path.join(os.environ.get("EXPORTER_MOTO_VENV") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "flexprice-exporter/moto-venv"), "bin/python")
    if not os.path.exists(moto_python):
        moto_python = sys.executable
    found = version([moto_python, "-c", "import moto; print(moto.__version__)"])
    if found == "unknown":
        # A driver running in another venv (bench/delta_scale.py runs in the Parquet readers'):
        # the python on PATH, which runs moto_server when it is not in its own venv.
        found = version(["python3", "-c", "import moto; print(moto.__version__)"])
    return "moto " + found


def describe(root, tools, configuration="release"):
    """Hardware, Swift, `tools` (one line of versions), and the commit with the time."""
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown")
    memory = next((int(line.split()[1]) // 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return [
        f"{os.cpu_count()} x {cpu}, {memory:,} MiB RAM, Linux {platform.release()}",
        version(["swift", "--version"]) + f" ({configuration} build)",
        tools,
        f"commit {commit or 'unknown'}, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
    ]
