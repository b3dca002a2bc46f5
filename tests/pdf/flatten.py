"""A filled form "printed to PDF" with a second PDF library (pypdf): the fields are filled by
pypdf, then every widget's appearance for its current state is drawn into its page and the
fields are removed, as a viewer or a phone does when it saves a flattened copy.

pypdf's own ``flatten=True`` is not used for the whole form: it draws every option of a radio
group with the first option's appearance (one XObject name per field), so a chosen option
could not be told from the others. Text fields are flattened by it, as a viewer would.
"""
from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, StreamObject

HIDDEN = 2  # annotation flag


def fill_and_flatten(form: bytes, values: dict[str, str], *, scale: float = 1.0,
                     offset: tuple[float, float] = (0.0, 0.0),
                     ticks: str = "appearance") -> bytes:
    """``form`` filled with ``values`` by pypdf, then flattened; ``scale`` and ``offset``
    shrink and move every page's drawing, as "fit to page" printing does. ``ticks`` is how a
    ticked checkbox is drawn: "appearance" (the form's own tick), "glyph" (as MuPDF's
    flattening, "bake", does: the empty box and a ZapfDingbats '3' set 2 points up, rising
    above the box's row) or "cross" (the empty box crossed corner to corner)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(form)))
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    for page in writer.pages:
        drawn = _draw_widgets(writer, page, ticks)
        old = page.get_contents()
        body = (old.get_data() if old is not None else b"") + b"\n" + drawn
        if scale != 1.0 or offset != (0.0, 0.0):
            body = b"q %.4f 0 0 %.4f %.2f %.2f cm\n" % (scale, scale, *offset) + body + b"\nQ"
        stream = DecodedStreamObject()
        stream.set_data(body)
        page.replace_contents(stream)
    writer.remove_annotations(subtypes="/Widget")
    del writer.root_object["/AcroForm"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _draw_widgets(writer: PdfWriter, page, ticks: str) -> bytes:
    resources = page["/Resources"].get_object()
    for key in ("/XObject", "/Font"):
        if key not in resources:
            resources[NameObject(key)] = DictionaryObject()
    xobjects = resources["/XObject"].get_object()
    resources["/Font"].get_object()[NameObject("/ZaDbFlat")] = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/ZapfDingbats")})
    ops: list[bytes] = []
    for i, ref in enumerate(page.get("/Annots", [])):
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Widget" or int(annot.get("/F", 0)) & HIDDEN:
            continue
        appearance = annot.get("/AP", {}).get("/N")
        appearance = appearance.get_object() if appearance is not None else None
        state = annot.get("/AS", "/Off")
        own = ticks == "appearance" or state == "/Off" or annot.get("/FT") != "/Btn"
        if appearance is not None and not isinstance(appearance, StreamObject):
            appearance = appearance.get(state if own else "/Off")
            appearance = appearance.get_object() if appearance is not None else None
        if appearance is None:
            continue
        x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
        bx0, by0, bx1, by1 = (float(v) for v in appearance.get("/BBox", [0, 0, x1 - x0, y1 - y0]))
        sx = (x1 - x0) / ((bx1 - bx0) or 1)
        sy = (y1 - y0) / ((by1 - by0) or 1)
        name = f"/Flat{i}"
        xobjects[NameObject(name)] = appearance.indirect_reference or writer._add_object(appearance)
        ops.append(b"q %.4f 0 0 %.4f %.4f %.4f cm %s Do Q" % (
            sx, sy, x0 - bx0 * sx, y0 - by0 * sy, name.encode()))
        if not own and ticks == "glyph":
            ops.append(b"BT /ZaDbFlat 10 Tf 1 0 0 1 %.2f %.2f Tm (3) Tj ET" % (x0 + 1.6, y0 + 2))
        elif not own:
            a, b, c, d = x0 + 0.5, y0 + 0.5, x1 - 0.5, y1 - 0.5
            ops.append(b"q 0.8 w %.2f %.2f m %.2f %.2f l %.2f %.2f m %.2f %.2f l S Q" % (
                a, b, c, d, a, d, c, b))
    return b"\n".join(ops)
