"""Hostile input for the fuzz tests: sample files whose type their name belies, a reader of
the post forms on a page, and Hypothesis strategies for what hostile people type and upload."""

import functools
import io
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import strategies as st
from pypdf import PdfWriter

# --- files whose content and name may disagree ----------------------------------------------

def pdf(text: str = "") -> bytes:
    """A real one-page PDF; ``text``, when given, is its title, readable in its bytes."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_BYTES = pdf()
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"This program cannot be run in DOS mode"
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"


def office(*parts: str) -> bytes:
    """A zip holding ``parts``, each a tiny XML document: the names of an Office file without its
    content (with [Content_Types].xml and word/document.xml, it claims to be a Word file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_MAIN = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_BODY = {
    "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                         "<w:body><w:p><w:r><w:t>Method statement</w:t></w:r></w:p></w:body></w:document>",
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
}


def package(main: str, extra: dict[str, bytes] | None = None, main_type: str | None = None) -> bytes:
    """A minimal real Word (main "word/document.xml") or Excel ("xl/workbook.xml") file, with
    ``extra`` entries added and, if given, another content type declared for its main part."""
    content_types = (f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PACKAGE}/content-types">'
                     '<Default Extension="rels" '
                     'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                     '<Default Extension="xml" ContentType="application/xml"/>'
                     f'<Override PartName="/{main}" ContentType="{main_type or _MAIN[main]}"/></Types>')
    relationships = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE}/relationships">'
                     f'<Relationship Id="rId1" Type="{_OFFICE_DOCUMENT}" Target="{main}"/></Relationships>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", relationships)
        archive.writestr(main, _BODY[main])
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = package("word/document.xml")
XLSX = package("xl/workbook.xml")


@functools.cache
def zip_bomb() -> bytes:
    """A Word file of 200KB that unpacks to 200MB (an image of zeros): past every limit."""
    buffer = io.BytesIO(DOCX)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("word/media/image1.png", "w", force_zip64=True) as entry:
        zeros = bytes(1024 * 1024)
        for _ in range(200):
            entry.write(zeros)
    return buffer.getvalue()


TRICK_NAMES = ["../../etc/passwd", "/etc/passwd", "C:\\x\\y.pdf", "..\\..\\windows\\win.ini", "reports/../q1.pdf",
               ".hidden.pdf", "-rf.pdf", "spec\x00.pdf", "spec\x1b[31m.pdf", "invoice\u202efdp.exe", "n" * 300 + ".pdf"]


def as_sent(name: str) -> str:
    """The name as a request carries it in its multipart header: a browser writes ", CR and LF
    as %22, %0D and %0A, and a crafted request escapes a backslash to deliver it."""
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


# --- reading a form from the page -----------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, password, hidden, file, checkbox, radio, select, submit...
    count: int = 0
    values: list[str] = field(default_factory=list)  # what the page offers or shows


@dataclass
class Form:
    action: str | None
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str | None) -> None:
        entry = self.fields.setdefault(name, Field(name, kind))
        entry.count += 1
        if value is not None and value not in entry.values:
            entry.values.append(value)


class FormReader(HTMLParser):
    """The post forms of a page with their fields, the values on offer and those filled in."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = Form(attrs.get("action"))
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            if tag == "option" and self._select:
                self._form.add(self._select, "select", attrs.get("value", ""))
        elif tag == "input":
            self._form.add(attrs["name"], (attrs.get("type") or "text").lower(), attrs.get("value"))
        elif tag == "button":
            self._form.add(attrs["name"], "submit", attrs.get("value"))
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._form.add(self._textarea, "textarea", None)

    def handle_data(self, data):
        if self._textarea and data.strip("\n"):
            self._form.add(self._textarea, "textarea", data.removeprefix("\n"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_posting_to(html: str, url: str, page_url: str) -> Form | None:
    reader = FormReader()
    reader.feed(html)
    return next((f for f in reader.forms if (f.action or page_url) == url), None)


# --- what hostile people type ---------------------------------------------------------------

ODD = [
    "", " ", "0", "-0", "1e9", "1E-7", "NaN", "nan", "Infinity", "-Infinity", "£1,2,3", "1,,000", "£-5", "(5)",
    "١٢٣", "１２３", "0x1F", "1_000", "99999999999999999999999999", "-1", "-2147483649", "9223372036854775808",
    "3.14159", "31/02/2026", "31 02 2026", "2026-02-31", "29 2 2027", "0 0 0", "24:61", "25pm", "12:00am",
    "midnight", "\u202eevil\u202c", "\u200f", "\ufeff", "\x00", "a\x00b", "\r\n", "line one\nline two", "\t",
    "<script>alert(1)</script>", "' OR 1=1 --", "{{7*7}}", "%s%n", "=HYPERLINK(\"http://x\")", "🙂", "é", "\u0301",
    "null", "None", "true", "[]", "{}", "../../etc/passwd", "name@example.com", "a@b", "@@", "x" * 201,
]
PLAUSIBLE = ["Specification", "CORE-Y1", "12", "1", "5", "100", "5pm", "17:00", "midday", "£1,250.00", "1250",
             "name@example.com", "Mediation services for the members.", "79995000", "yes", "no"]
UNICODE = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
HUGE = st.one_of(st.builds(lambda piece, times: piece * times,
                           st.sampled_from(["x", "é", "\u202e", "9", "a ", "\x00", "<b>"]),
                           st.sampled_from([2_000, 30_000])),
                 st.just("x" * 210_000))  # more than the longest text a form takes (200,000)
HOSTILE = st.one_of(UNICODE, st.sampled_from(ODD), st.sampled_from(ODD), HUGE)
CONTENTS = st.one_of(st.sampled_from([PDF_BYTES, DOCX, XLSX, HTML, EXE, b""]), st.binary(max_size=2048),
                     st.builds(lambda junk: PDF_BYTES + junk, st.binary(max_size=256)))
FILENAMES = st.one_of(st.sampled_from(["document.pdf", "prices.xlsx", "method.docx"] + TRICK_NAMES), UNICODE)
MISSING = object()


def _file(contents):
    return st.builds(lambda content, name: (content, name), contents, FILENAMES)


def field_strategy(entry: Field, contents) -> st.SearchStrategy:
    if entry.kind == "file":
        return st.one_of(st.just(MISSING), st.lists(_file(contents), min_size=1, max_size=2),
                         HOSTILE.map(lambda v: [v]))
    offered = st.sampled_from(entry.values + PLAUSIBLE)
    single = st.one_of(offered, offered, HOSTILE)
    if entry.count == 3 and entry.kind == "text":  # a GOV.UK date: day, month and year boxes
        part = st.one_of(st.integers(-3, 2100).map(str), st.sampled_from(["31", "02", "2026", "29", "2027"]), HOSTILE)
        return st.one_of(st.just(MISSING), st.just(entry.values[:3] or ["1", "4", "2027"]),
                         st.lists(part, min_size=3, max_size=3), st.lists(part, max_size=5))
    return st.one_of(st.just(MISSING), single.map(lambda v: [v]), st.lists(single, min_size=2, max_size=3))


SLIPPED_IN = st.sampled_from(["\x00", "\u202e", "\u200f", "\x1b[31m", "\r\n", "\ufeff", "\t", "\x7f", "<script>",
                             "'", '"', "%00", "\\", "🙂", "\u0301", " " * 3])


@st.composite
def _slipped_into(draw, value: str) -> str:
    at = draw(st.integers(0, len(value)))
    return value[:at] + draw(SLIPPED_IN) + value[at:]


@st.composite
def _seeded(draw, form: Form, seed: dict, contents) -> dict:
    """A correct submission (the page's own hidden and filled-in values under ``seed``) with one
    or two fields made hostile: replaced, left out, or with a hostile character slipped in."""
    data = {name: entry.values[:1] for name, entry in form.fields.items()
            if entry.kind in {"hidden", "text", "textarea"} and entry.count == 1 and entry.values}
    data.update({name: value if isinstance(value, list) else [value] for name, value in seed.items()})
    data.pop("csrf_token", None)
    names = sorted(set(data) | set(form.fields) - {"csrf_token"})
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)):
        texts = data.get(name) and all(isinstance(v, str) for v in data[name])
        if texts and draw(st.booleans()):
            data[name] = [draw(_slipped_into(v)) for v in data[name]]
        else:
            value = draw(field_strategy(form.fields.get(name) or Field(name, "text", 1), contents))
            if value is MISSING:
                data.pop(name, None)
            else:
                data[name] = value
    return data


def form_data(form: Form, contents, seed: dict | None = None) -> st.SearchStrategy:
    """(fields to post, whether to post them as multipart): every field hostile, or (given a
    correct ``seed``) a correct submission with one or two fields made hostile."""
    fields = {name: field_strategy(entry, contents) for name, entry in form.fields.items() if name != "csrf_token"}
    strangers = st.dictionaries(st.text(min_size=1, max_size=12).filter(lambda n: n != "csrf_token"),
                                HOSTILE.map(lambda v: [v]), max_size=2)
    hostile = st.builds(lambda known, extra: {**extra, **{k: v for k, v in known.items() if v is not MISSING}},
                        st.fixed_dictionaries(fields), strangers)
    data = st.one_of(hostile, _seeded(form, seed, contents)) if seed is not None else hostile
    return st.tuples(data, st.booleans())


def request_data(data: dict) -> tuple[dict, bool]:
    has_file = False
    sent = {}
    for name, values in data.items():
        sent[name] = []
        for value in values:
            if isinstance(value, tuple):
                has_file = True
                value = (io.BytesIO(value[0]), as_sent(value[1]))
            sent[name].append(value)
    return sent, has_file
