"""The text shown on a PDF's pages, as fpdf2 writes it (literal strings in Flate streams)."""

from __future__ import annotations

import re
import zlib


def pdf_text(content: bytes) -> str:
    """Every string drawn with ``Tj``, one per line, unescaped."""
    shown = []
    for stream in re.findall(rb"stream\n(.*?)\nendstream", content, re.S):
        # decompressobj: a stream is data up to its end marker, whatever its last byte is.
        page = zlib.decompressobj().decompress(stream).decode("latin-1")
        for text in re.findall(r"\(((?:[^()\\]|\\.)*)\) Tj", page):
            shown.append(re.sub(r"\\(.)", r"\1", text))
    return "\n".join(shown)
