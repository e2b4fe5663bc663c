"""One way to run a measured command (and psql), for every Python benchmark (bench.py, parquet.py, delta_scale.py).

`measure` runs a command (an argv list, or a bash pipeline with shell=True) and returns its wall
time, CPU time and peak RSS from wait4. wait4 reports the child together with every descendant
it waited for (the kernel's RUSAGE_BOTH), so for a pipeline such as `psql | gzip | aws` the CPU
time is the sum over psql, gzip and aws, and the peak RSS is that of the largest of them.

The child's stdout and stderr go to files, not pipes, so that wait4 can reap it with its rusage
and no pipe can fill; it runs in a fresh temporary directory, so that whatever it leaves in its
working directory (DuckDB's spill folder) goes with it. On Linux a child's peak RSS starts from this process's at fork: the
harnesses keep no data, so that floor stays far below every figure they measure.
"""
import os
import subprocess
import sys
import tempfile
import time


class Sample:
    """One measured run: wall seconds, CPU seconds (user + system), peak RSS bytes, stdout."""

    def __init__(self, wall, cpu, rss, stdout):
        self.wall, self.cpu, self.rss, self.stdout = wall, cpu, rss, stdout


def measure(command, env=None, shell=False, label="bench", stdin=None, stdout=None):
    """Runs COMMAND to completion and returns its Sample; exits with its stderr when it fails.

    STDIN and STDOUT, open files, feed and take the child's streams (its Sample's stdout is then
    empty); by default it reads nothing and its output is captured."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as work:
        start = time.monotonic()
        process = subprocess.Popen(command, env=env, shell=shell, executable="/bin/bash" if shell else None,
                                   stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                   stdout=stdout if stdout is not None else out, stderr=err, cwd=work)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.monotonic() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if process.returncode != 0:
        shown = command if shell else command[:3]
        sys.exit(f"{label}: command failed ({process.returncode}): {shown}\n{stderr[-3000:]}")
    return Sample(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, stdout)


def psql(sql, variables):
    """Runs SQL through psql (the DATABASE_URL/PG* environment) with `:name` VARIABLES, quietly;
    fails loudly on the first error."""
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    for name, value in variables.items():
        command += ["-v", f"{name}={value}"]
    subprocess.run(command, input=sql, text=True, check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))
