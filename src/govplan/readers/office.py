"""Legacy word-processor files -> ``Document``, converted to .docx by LibreOffice (``soffice``).

Takes the bytes of a .doc (Word 97-2003, OLE2), a .wps (Kingsoft WPS Writer, which stores Word
97 documents), or an RTF file saved under one of those names; gives the ``Document`` the Word
reader makes of the converted file, with its own format ("doc", "wps", "rtf") and the sha256 of
the original bytes.

The conversion runs ``soffice --headless --convert-to docx`` in a temporary directory with its
own throw-away user profile (so that it neither waits for nor disturbs a LibreOffice the user has
open), in a new process group that is killed whole when it exceeds the time limit
(``GOVPLAN_SOFFICE_TIMEOUT`` seconds, default 120).  Every failure is an ``InputError``: LibreOffice
not installed, a conversion that fails or produces nothing, a conversion that hangs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..document import Document
from ..errors import InputError
from .base import make_document

LEGACY_WORD_SUFFIXES = frozenset((".doc", ".dot", ".wps", ".wpt", ".rtf"))
SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_ENV = "GOVPLAN_SOFFICE_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
_FORMATS = {".doc": "doc", ".dot": "doc", ".wps": "wps", ".wpt": "wps", ".rtf": "rtf"}


def find_soffice() -> str | None:
    """The LibreOffice executable on the PATH, or None."""
    for command in SOFFICE_NAMES:
        found = shutil.which(command)
        if found:
            return found
    return None


def timeout_seconds() -> float:
    """The conversion time limit: ``GOVPLAN_SOFFICE_TIMEOUT`` when it is a positive number."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def read_legacy_word(data: bytes, name: str, kind: str) -> Document:
    """The text of a .doc / .wps / RTF file, by way of a .docx made by LibreOffice.

    ``kind`` says what the bytes are ("OLE2", "RTF"), for the messages."""
    suffix = Path(name).suffix.lower()
    fmt = _FORMATS.get(suffix, "doc")
    what = f"legacy Word file ({kind} .{fmt})"
    soffice = find_soffice()
    if soffice is None:
        raise InputError(
            f"{what}: reading it needs LibreOffice to convert it: install LibreOffice so that soffice "
            "is on the PATH (e.g. apt-get install libreoffice-writer-nogui), or save the file as .docx",
            path=name,
        )
    converted = convert_to_docx(data, suffix or ".doc", soffice, timeout_seconds(), name, what)
    from .docx import read_docx

    doc = read_docx(converted, name)
    return make_document(doc.raw, data, name, fmt, None, doc.hints, "no text in the document body")


def convert_to_docx(data: bytes, suffix: str, soffice: str, timeout: float, name: str, what: str) -> bytes:
    """The .docx LibreOffice makes of ``data`` (a file with ``suffix``); ``InputError`` on failure."""
    with tempfile.TemporaryDirectory(prefix="govplan-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / f"input{suffix}"
        source.write_bytes(data)
        out_dir = folder / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            *("--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck"),
            *("--convert-to", "docx", "--outdir", str(out_dir), str(source)),
        ]
        _run(command, timeout, name, what)
        target = out_dir / "input.docx"
        if not target.is_file() or target.stat().st_size == 0:
            raise InputError(f"{what}: LibreOffice could not convert it (damaged, or not a Word document)", path=name)
        return target.read_bytes()


def _run(command: list[str], timeout: float, name: str, what: str) -> None:
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so a timeout kills soffice.bin too
        )
    except OSError as err:
        raise InputError(f"{what}: cannot run LibreOffice ({command[0]}): {err.strerror or err}", path=name) from None
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise InputError(f"{what}: conversion by LibreOffice timed out after {timeout:g} s", path=name) from None
    if process.returncode != 0:
        raise InputError(f"{what}: LibreOffice failed to convert it (exit status {process.returncode})", path=name)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (AttributeError, OSError):  # no process groups (Windows), or already gone
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):  # a grandchild still holds the pipes: stop waiting
        process.communicate(timeout=5)
