"""The check summary as a one-page PDF to show a doctor (fpdf2).

Built-in PDF fonts only (nothing to install or ship): text is mapped to Latin-1, with
typographic quotes and dashes turned into plain ones.
"""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

from bot.engine.summary import CheckSummary, overview_lines, plain_date

NOT_A_DIAGNOSIS = "This summary is not a diagnosis."
_SIZES = (10, 9, 8, 7, 6)  # the first font size at which everything fits on one page
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def latin1(text: str) -> str:
    """Text the built-in PDF fonts can show."""
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def summary_pdf(summary: CheckSummary, bot_name: str, made_at: datetime) -> bytes:
    """One A4 page: bot, flow version and date, the overview, answers by section, and
    the not-a-diagnosis line."""
    for size in _SIZES:
        pdf = _render(summary, bot_name, made_at, size)
        if pdf.page_no() == 1:
            break
    return bytes(pdf.output())


def _render(summary: CheckSummary, bot_name: str, made_at: datetime, size: int) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(latin1(f"{summary.flow_title}: summary"))
    pdf.set_creator(latin1(bot_name))
    pdf.add_page()
    line = size * 0.5

    def text(value: str, *, style: str = "", scale: float = 1.0, gap: float = 0.0) -> None:
        pdf.set_font("Helvetica", style, size * scale)
        pdf.multi_cell(0, line * scale, latin1(value), new_x="LMARGIN", new_y="NEXT")
        if gap:
            pdf.ln(gap)

    text(f"{summary.flow_title}: summary to show a doctor", style="B", scale=1.5, gap=1)
    text(
        f"Made by {bot_name} on {plain_date(made_at)}. Flow version {summary.flow_version}.",
        style="I",
        scale=0.9,
        gap=line,
    )
    for entry in overview_lines(summary):
        text(entry)
    pdf.ln(line)
    for section in summary.sections:
        text(section.title, style="B", scale=1.1)
        for question, answer in section.answers:
            text(f"-  {question}: {answer}")
        pdf.ln(line * 0.6)
    pdf.ln(line * 0.4)
    text(NOT_A_DIAGNOSIS, style="B")
    text(summary.disclaimer, style="I", scale=0.9)
    return pdf
