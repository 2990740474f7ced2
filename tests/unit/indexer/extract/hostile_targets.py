"""Functions that misbehave the way hostile files make parsers misbehave, run in the child."""

import ctypes
import os
import sys
import time

from indexer.extract import Extraction, Limits


def spin(data: bytes, limits: Limits) -> Extraction:
    """Loop forever on the CPU, like a parser caught in a cycle."""
    while True:
        pass


def sleep(data: bytes, limits: Limits) -> Extraction:
    """Block without using CPU, like a parser waiting on a pipe that never answers."""
    time.sleep(3600)
    raise AssertionError("woke up")


def hog_memory(data: bytes, limits: Limits) -> Extraction:
    """Allocate until the address-space limit stops us."""
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def segfault(data: bytes, limits: Limits) -> Extraction:
    """Dereference a null pointer, like a C library on a malformed file."""
    ctypes.string_at(0)
    raise AssertionError("survived a null dereference")


def abort(data: bytes, limits: Limits) -> Extraction:
    """Abort, as pdfium does when an allocation fails."""
    os.abort()


def recurse(data: bytes, limits: Limits) -> Extraction:
    """Recurse without end, as pdfminer does on self-referencing objects."""

    def down(depth: int) -> int:
        return down(depth + 1) + 1

    down(0)
    raise AssertionError("bottomless recursion returned")


def chatty(data: bytes, limits: Limits) -> Extraction:
    """Print to stdout (as some libraries do) and still return a result."""
    print("noise from a library")
    os.write(1, b"more noise straight to fd 1\n")
    sys.stdout.flush()
    return Extraction(text=data.decode(), mime="text/plain", pages=None, method="text")


def exit_quietly(data: bytes, limits: Limits) -> Extraction:
    """Exit without answering."""
    os._exit(0)
