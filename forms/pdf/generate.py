"""The fillable PDF application form, one per kind and language, made with reportlab.

Layout is left-to-right in every language (code, label and colon on the left, the field on
the right) so that the text of a printed or flattened copy reads ``[A1] label: value`` in
order; Arabic labels are shaped and right-aligned inside their column.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from forms.pdf import labels as L
from forms.pdf.layout import (BOOL_ROW_W, BOX, FIELD_W, FIELD_X, FONT_SIZE, LABEL_W, LEADING,
                              MARGIN, PAGE_H, PAGE_W, check_box, option_col_width, option_x)
from forms.pdf.rtl import HAVE_SHAPING, visual
from forms.pdf.fields import (KIND_CODE, KIND_FIELD, KINDS, LANGUAGE_CODE, LANGUAGE_FIELD,
                              LANGUAGES, RTL_LANGUAGES, Field, choice_labels, fields_for,
                              option_code, option_name)

assert (PAGE_W, PAGE_H) == A4  # layout.py keeps the page size without importing reportlab
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
             "/usr/local/share/fonts")



@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans when installed (it has Arabic), else Helvetica."""
    for folder in FONT_DIRS:
        regular, bold = Path(folder, "DejaVuSans.ttf"), Path(folder, "DejaVuSans-Bold.ttf")
        if regular.is_file():
            pdfmetrics.registerFont(TTFont("AmparoSans", str(regular)))
            pdfmetrics.registerFont(TTFont("AmparoSans-Bold", str(bold if bold.is_file() else regular)))
            return "AmparoSans", "AmparoSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def has_arabic_font() -> bool:
    return _fonts()[0] != "Helvetica"


class _Writer:
    """Draws rows top-down and starts a new page when the current one is full."""

    def __init__(self, kind: str, language: str) -> None:
        self.kind, self.language = kind, language
        self.buf = io.BytesIO()
        self.c = Canvas(self.buf, pagesize=A4, invariant=1)
        self.c.setTitle(L.TITLE[kind])  # English title: no personal data, stable
        self.font, self.bold = _fonts()
        # Without shaping or an Arabic font, Arabic would print as broken letters: use English.
        shaped = HAVE_SHAPING and has_arabic_font()
        self.rtl = language in RTL_LANGUAGES and shaped
        self.text_lang = "en" if language in RTL_LANGUAGES and not shaped else language
        self.y = PAGE_H - MARGIN

    def room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.c.showPage()
            self.y = PAGE_H - MARGIN

    def paragraph(self, msgid: str, size: float, bold: bool = False) -> None:
        text = L.translate(self.text_lang, msgid)
        font = self.bold if bold else self.font
        # Wrap the logical text first, then shape each line, so the lines read in order.
        for line in simpleSplit(text, font, size, PAGE_W - 2 * MARGIN):
            self.room(size + 3)
            self.y -= size + 3
            self.c.setFont(font, size)
            shown = self._visual(line)
            if self.rtl:
                self.c.drawRightString(PAGE_W - MARGIN, self.y, shown)
            else:
                self.c.drawString(MARGIN, self.y, shown)

    def _visual(self, line: str) -> str:
        return visual(line) if self.rtl else line

    def label(self, code: str, msgid: str, required: bool, x: float, width: float,
              height: float) -> None:
        """``[code] label *:`` in the label column, wrapped, starting at the row's top."""
        self.c.setFont(self.bold, FONT_SIZE)
        self.c.drawString(x, self.y - FONT_SIZE, f"[{code}]")
        start = x + pdfmetrics.stringWidth(f"[{code}] ", self.bold, FONT_SIZE)
        text = L.translate(self.text_lang, msgid) + (" *" if required else "")
        lines = simpleSplit(text, self.font, FONT_SIZE, x + width - start - 6)
        self.c.setFont(self.font, FONT_SIZE)
        for i, line in enumerate(lines):
            base = self.y - FONT_SIZE - i * LEADING
            end = ":" if i == len(lines) - 1 else ""
            if self.rtl:
                self.c.drawRightString(x + width - 4, base, self._visual(line))
                if end:
                    self.c.drawString(x + width - 3, base, end)
            else:
                self.c.drawString(start, base, line + end)

    def lines_needed(self, code: str, msgid: str, width: float) -> int:
        start = pdfmetrics.stringWidth(f"[{code}] ", self.bold, FONT_SIZE)
        text = L.translate(self.text_lang, msgid) + " *"
        return max(1, len(simpleSplit(text, self.font, FONT_SIZE, width - start - 6)))


def _text_row(w: _Writer, field: Field) -> None:
    box_h = 70.0 if field.multiline else 15.0
    height = max(box_h, w.lines_needed(field.code, field.label, LABEL_W) * LEADING) + 6
    w.room(height)
    w.label(field.code, field.label, field.required, MARGIN, LABEL_W, height)
    w.c.acroForm.textfield(
        name=field.path, value="", x=FIELD_X, y=w.y - box_h, width=FIELD_W, height=box_h,
        maxlen=field.max_len, fontName="Helvetica", fontSize=0 if field.multiline else 9,
        fieldFlags="multiline" if field.multiline else "", borderWidth=0.6, tooltip=field.label,
    )
    w.y -= height


def _check_row(w: _Writer, code: str, msgid: str, name: str, x: float, width: float,
               radio_value: str | None = None) -> None:
    """One checkbox (or radio option) with its label; the box sits right after the colon."""
    w.label(code, msgid, False, x, width - 16, LEADING)
    box = check_box(x, w.y - FONT_SIZE, width)  # the reader of flattened copies looks here
    if radio_value is None:
        w.c.acroForm.checkbox(name=name, x=box.x0, y=box.y0, size=BOX, fieldFlags="",
                              buttonStyle="check", borderWidth=0.6, tooltip=msgid)
    else:
        w.c.acroForm.radio(name=name, value=radio_value, selected=False, x=box.x0, y=box.y0,
                           size=BOX, fieldFlags="noToggleToOff radio", borderWidth=0.6,
                           tooltip=msgid)


def _options_rows(w: _Writer, field: Field) -> None:
    """A multi (checkboxes) or choice (radio group) field: a heading row then two columns."""
    w.room(LEADING * 2 + 4)
    w.label(field.code, field.label, field.required, MARGIN, PAGE_W - 2 * MARGIN, LEADING)
    w.y -= LEADING + 4
    col_w = option_col_width()
    options = list(choice_labels(field).items())
    for row in range(0, len(options), 2):
        row_h = LEADING * max(w.lines_needed("T2a", m, col_w - 16) for _, m in options[row:row + 2]) + 5
        w.room(row_h)
        for col, (key, msgid) in enumerate(options[row:row + 2]):
            index = field.choices.index(key)
            x = option_x(col)
            if field.type == "multi":
                _check_row(w, option_code(field, index), msgid, option_name(field, key), x, col_w)
            else:
                _check_row(w, option_code(field, index), msgid, field.path, x, col_w, key)
        w.y -= row_h
    w.y -= 3


def _header(w: _Writer) -> None:
    w.paragraph(L.TITLE[w.kind], 13, bold=True)
    w.y -= 4
    for msgid in L.INSTRUCTIONS:
        w.paragraph(msgid, 8)
    w.y -= 6
    # The form's identity, printed so a typed copy carries it too; values are never translated.
    w.room(LEADING + 6)
    for i, (code, msgid, value) in enumerate(((KIND_CODE, L.FORM_TYPE, w.kind),
                                             (LANGUAGE_CODE, L.LANGUAGE, w.language))):
        x = MARGIN + i * (PAGE_W - 2 * MARGIN) / 2
        w.label(code, msgid, False, x, 150, LEADING)
        w.c.setFont("Helvetica-Bold", FONT_SIZE)
        w.c.drawString(x + 154, w.y - FONT_SIZE, value)
    w.y -= LEADING + 8
    for name, value in ((KIND_FIELD, w.kind), (LANGUAGE_FIELD, w.language)):
        w.c.acroForm.textfield(name=name, value=value, x=0, y=0, width=1, height=1,
                               annotationFlags="hidden", fieldFlags="readOnly", maxlen=10,
                               borderWidth=0)


def _section_height(kind: str, section: str) -> float:
    rows = [f for f in fields_for(kind) if f.section == section]
    if any(f.type in ("multi", "choice") for f in rows):
        return 40.0  # the long threat section may run over a page break
    return 30.0 + sum(76.0 if f.multiline else 22.0 for f in rows)


@lru_cache(maxsize=len(KINDS) * len(LANGUAGES))
def build_form(kind: str, language: str) -> bytes:
    """The fillable AcroForm PDF for ``kind`` in ``language`` (cached; the bytes are immutable)."""
    if kind not in KINDS or language not in LANGUAGES:
        raise ValueError("unknown form kind or language")
    w = _Writer(kind, language)
    _header(w)
    section = ""
    for field in fields_for(kind):
        if field.section != section:
            section = field.section
            w.room(_section_height(kind, section))  # keep short sections on one page
            w.y -= 4
            w.paragraph(section, 10.5, bold=True)
            w.y -= 4
        if field.type in ("multi", "choice"):
            _options_rows(w, field)
        elif field.type == "bool":
            w.room(LEADING + 5)
            _check_row(w, field.code, field.label, field.path, MARGIN, BOOL_ROW_W)
            w.y -= LEADING + 5
        else:
            _text_row(w, field)
    w.c.showPage()
    w.c.save()
    return w.buf.getvalue()
