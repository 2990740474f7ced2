"""Run extraction in a child process that a hostile file can crash, hang or bloat harmlessly.

Why a fresh ``python -m indexer.extract.child`` per file rather than ``multiprocessing``:

- The caller is a threaded Flask process or a worker loop. ``fork`` would copy its locks and
  threads mid-state; ``subprocess`` uses ``posix_spawn``/``fork_exec`` in C and is safe to call
  from any thread. A forkserver would be too, but it keeps one long-lived parser process whose
  heap a bad file could leave damaged for the next job, and it needs ``__main__`` guards in the
  caller.
- The child starts with nothing of the parent's: no database connections, no secrets, no
  data keys in memory. It gets bytes on stdin and answers one JSON object on stdout.
- Resource limits (``RLIMIT_CPU``, ``RLIMIT_AS``) are set by the child on itself before it
  reads the file, so they bind the parsers and the Tesseract grandchild but never the parent;
  ``preexec_fn`` would do the same but is unsafe in a threaded parent.
- The child leads its own process group, so the wall-clock kill reaches Tesseract as well.
- We reap the child with ``os.wait4``, which gives its own peak memory for the benchmark.

The price is interpreter start-up per file (about a tenth of a second), which a background
worker can pay; extraction itself is measured inside the child.
"""

import contextlib
import json
import logging
import os
import resource
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from indexer import errors
from indexer.errors import IndexerError, ParseError, UnsupportedFile
from indexer.extract.base import Extraction, Limits, looks_out_of_memory

log = logging.getLogger(__name__)

# The child exits with this status when Python raised MemoryError, which cannot be reported
# as JSON without allocating.
EXIT_MEMORY = 86
DEFAULT_TARGET = "indexer.extract:extract"

_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
_MAX_REPLY = 256 * 1024 * 1024
_STDERR_TAIL = 64 * 1024
_CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGILL, signal.SIGTRAP}


@dataclass(frozen=True)
class ChildReport:
    """What one child run produced, with the measurements the benchmark prints."""

    extraction: Extraction | None
    error: IndexerError | None
    wall_seconds: float
    # Peak resident memory the child measured on itself; None when it was killed or crashed.
    max_rss_kb: int | None
    returncode: int | None
    stderr: str


_DEFAULT_LIMITS = Limits()


def extract_isolated(data: bytes, limits: Limits = _DEFAULT_LIMITS) -> Extraction:
    """Extract in a limited child process; return its extraction or raise its error."""
    report = run_isolated(data, limits)
    if report.error is not None:
        raise report.error
    assert report.extraction is not None
    return report.extraction


def run_isolated(
    data: bytes,
    limits: Limits = _DEFAULT_LIMITS,
    *,
    target: str = DEFAULT_TARGET,
    python_path: tuple[str, ...] = (),
) -> ChildReport:
    """Run ``target(data, limits)`` in a limited child and report how it ended."""
    # ``target`` is a ``module:function`` name; tests point it at functions that crash or hang.
    started = time.monotonic()
    # Refuse what needs no parsing before paying for a process.
    if not data:
        return _early(UnsupportedFile("The file is empty.", code="empty_file"), started)
    if len(data) > limits.max_bytes:
        megabytes = limits.max_bytes / (1024 * 1024)
        too_large = UnsupportedFile(
            f"The file is larger than {megabytes:.0f} MB.", code="too_large"
        )
        return _early(too_large, started)
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": os.pathsep.join((*python_path, _PROJECT_ROOT)),
        "PYTHONIOENCODING": "utf-8",
        # Fewer malloc arenas and one OpenMP thread keep reserved address space, which
        # RLIMIT_AS counts, close to what is really used.
        "MALLOC_ARENA_MAX": "2",
        "OMP_THREAD_LIMIT": "1",
    }
    command = [
        sys.executable,
        "-s",
        "-B",
        "-X",
        "faulthandler",
        "-m",
        "indexer.extract.child",
        json.dumps(limits.to_dict()),
        target,
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        stdout, stderr, timed_out = _communicate(process, data, started + limits.wall_seconds)
    except BaseException:
        _kill_group(process.pid)
        os.wait4(process.pid, 0)
        process.returncode = -signal.SIGKILL
        raise
    # Once both pipes are closed the child is exiting (or was killed), so this wait is short.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    stderr_text = stderr.decode("utf-8", "replace")
    extraction, error, peak = _interpret(
        process.returncode, stdout, stderr_text, timed_out, usage, limits
    )
    if error is not None and error.code in ("crashed", "memory_limit", "timeout"):
        log.warning(
            "extraction child ended with %s (status %s) after %.2fs: %s",
            error.code,
            process.returncode,
            wall,
            stderr_text[-2000:],
        )
    return ChildReport(
        extraction=extraction,
        error=error,
        wall_seconds=wall,
        max_rss_kb=peak,
        returncode=process.returncode,
        stderr=stderr_text,
    )


def _early(error: IndexerError, started: float) -> ChildReport:
    """Report an error found before any child was started."""
    return ChildReport(None, error, time.monotonic() - started, None, None, "")


def _communicate(
    process: subprocess.Popen[bytes], data: bytes, deadline: float
) -> tuple[bytes, bytes, bool]:
    """Feed stdin and drain stdout/stderr until the child closes them or the deadline passes."""
    # Popen.communicate would reap the child itself and lose its resource usage, so this loop
    # leaves reaping to ``os.wait4``.
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    stdout = bytearray()
    stderr = bytearray()
    view = memoryview(data)
    with selectors.DefaultSelector() as selector:
        os.set_blocking(process.stdin.fileno(), False)
        selector.register(process.stdin, selectors.EVENT_WRITE)
        selector.register(process.stdout, selectors.EVENT_READ)
        selector.register(process.stderr, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _kill_group(process.pid)
                for key in list(selector.get_map().values()):
                    key.fileobj.close()  # type: ignore[union-attr]
                return bytes(stdout), bytes(stderr), True
            for key, _ in selector.select(remaining):
                stream = key.fileobj
                if stream is process.stdin:
                    try:
                        sent = os.write(process.stdin.fileno(), view[:65536])
                    except BrokenPipeError:
                        sent = len(view)  # the child stopped reading; its reply tells why
                    except BlockingIOError:
                        sent = 0
                    view = view[sent:]
                    if not view:
                        selector.unregister(process.stdin)
                        process.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(stream)
                    stream.close()  # type: ignore[union-attr]
                elif stream is process.stdout:
                    stdout += chunk
                    if len(stdout) > _MAX_REPLY:
                        _kill_group(process.pid)
                else:
                    stderr += chunk
                    del stderr[:-_STDERR_TAIL]
    return bytes(stdout), bytes(stderr), False


def _kill_group(pid: int) -> None:
    """Kill the child and anything it started (Tesseract)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _interpret(
    returncode: int,
    stdout: bytes,
    stderr: str,
    timed_out: bool,
    usage: resource.struct_rusage,
    limits: Limits,
) -> tuple[Extraction | None, IndexerError | None, int | None]:
    """Turn the child's exit status and reply into (extraction, error, peak memory in KiB)."""
    cpu = usage.ru_utime + usage.ru_stime
    if timed_out:
        return None, _timeout(f"took longer than {limits.wall_seconds:g} seconds"), None
    if returncode == -signal.SIGXCPU or (
        returncode == -signal.SIGKILL and cpu >= limits.cpu_seconds
    ):
        return None, _timeout(f"used more than {limits.cpu_seconds} seconds of CPU time"), None
    memory_hint = looks_out_of_memory(stderr)
    if returncode == EXIT_MEMORY or (returncode != 0 and memory_hint):
        error = ParseError(
            f"Reading this file needed more than {limits.memory_mb} MB of memory.",
            code="memory_limit",
        )
        return None, error, None
    if returncode != 0:
        how = (
            f"signal {signal.Signals(-returncode).name}"
            if returncode < 0 and -returncode in {s.value for s in signal.Signals}
            else f"status {returncode}"
        )
        kind = "crashed" if returncode > 0 or -returncode in _CRASH_SIGNALS else "was stopped"
        return None, _crashed(f"the reader {kind} ({how})"), None
    try:
        reply = json.loads(stdout)
        peak = reply.get("peak_rss_kb")
        if reply["ok"]:
            return Extraction.from_dict(reply["extraction"]), None, peak
        return None, _rebuild_error(reply["error"]), peak
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, _crashed("the reader gave no usable answer"), None


def _rebuild_error(payload: dict[str, str]) -> IndexerError:
    """Recreate the child's IndexerError with its class, code and message."""
    cls = getattr(errors, payload.get("type", ""), None)
    if not (isinstance(cls, type) and issubclass(cls, IndexerError)):
        cls = IndexerError
    return cls(str(payload["message"]), code=str(payload["code"]))


def _timeout(detail: str) -> ParseError:
    """Return the error for a child stopped by a time limit."""
    return ParseError(
        f"Reading this file {detail} and was stopped. Please save it again and upload it.",
        code="timeout",
    )


def _crashed(detail: str) -> ParseError:
    """Return the error for a child that died without an answer."""
    return ParseError(
        f"This file could not be read: {detail}. Please save it again and upload it.",
        code="crashed",
    )
