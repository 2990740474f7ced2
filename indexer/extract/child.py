"""Entry point of the extraction child: limits itself, reads the file on stdin, answers JSON.

Run by :mod:`indexer.extract.isolation` as
``python -m indexer.extract.child LIMITS_JSON module:function``.
"""

import importlib
import json
import logging
import os
import resource
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.errors import IndexerError
from indexer.extract.base import Limits
from indexer.extract.isolation import EXIT_MEMORY


def _limit_self(limits: Limits) -> None:
    """Apply CPU, address-space, core and file-size limits to this process and its children."""
    cpu = max(1, limits.cpu_seconds)
    # The soft limit sends SIGXCPU; the hard one, a second later, SIGKILL if that is ignored.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # No parser has a reason to write files; a write fails with EFBIG instead of killing us.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _resolve(target: str) -> Callable[[bytes, Limits], Any]:
    """Import the ``module:function`` the parent asked for."""
    module_name, _, function_name = target.partition(":")
    function: Callable[[bytes, Limits], Any] = getattr(
        importlib.import_module(module_name), function_name
    )
    return function


def _peak_rss_kb() -> int | None:
    """Return the peak resident memory of this process or of its largest child (Tesseract)."""
    # ``ru_maxrss`` of this process would include the parent's size at fork, before exec;
    # ``VmHWM`` belongs to the address space created by exec, so it measures only us.
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    own = next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0
    )
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def main() -> int:
    """Extract the file on stdin and write the JSON reply to stdout."""
    limits = Limits.from_dict(json.loads(sys.argv[1]))
    target = sys.argv[2]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # Keep the real stdout for the reply and send anything a library prints to stderr.
    reply_stream = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _limit_self(limits)
    data = sys.stdin.buffer.read()
    try:
        extraction = _resolve(target)(data, limits)
        reply: dict[str, Any] = {"ok": True, "extraction": extraction.to_dict()}
    except IndexerError as exc:
        error = {"type": type(exc).__name__, "code": exc.code, "message": exc.message}
        reply = {"ok": False, "error": error}
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except Exception as exc:
        # A bug or an unforeseen parser failure: the parent logs our stderr.
        traceback.print_exc()
        message = f"The file could not be read ({type(exc).__name__})."
        reply = {
            "ok": False,
            "error": {"type": "ParseError", "code": "crashed", "message": message},
        }
    reply["peak_rss_kb"] = _peak_rss_kb()
    reply_stream.write(json.dumps(reply, ensure_ascii=False).encode("utf-8"))
    reply_stream.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
