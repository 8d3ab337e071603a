"""The hostile corpus: broken, malformed and malicious inputs of both kinds, each with its expected outcome.

``python tests/hostile/make_corpus.py OUT_DIR`` writes the corpus (``OUT_DIR/books`` for ``check`` /
``recalc`` / ``batch``, ``OUT_DIR/cases`` for ``evaluate``) and prints the table; the test calls
:func:`make_corpus` into its tmp folder. Nothing of it is committed: every file is made from the
committed standard template (``workbooks/jidi_evaluation.xlsx``), its samples (``workbooks/samples``)
and the JSON examples (``examples/``), edited at generation time. Cell addresses are never written
here: they come from the defined names of the very file being edited, so a change of layout moves the
attack with it; nor are field names: the field attacked most is the one 第六条第（四）项 reads first (the
building area, :data:`AREA`), reached through the rule's declaration (``RULES["art6_4"].reads``).

The one table is :data:`CASES`. Each row: kind, file name, how it is made, the expected exit code of
every command that applies, and what the message must contain:

* ``exits`` — README: ``0`` done, ``1`` ``check``/``batch`` found a difference or ``recalc`` left an
  Excel error value, ``2`` the input could not be evaluated (the field named). ``batch`` is one run over
  the whole folder; per file the table says where the file must appear in the summary: ``"failure"``
  (the sheet of files that could not be evaluated), ``"row"`` (an evaluated row) or ``"listed"``
  (either: the issue only requires that it is accounted for).
* ``keywords`` — Chinese words of which at least one must be in the message (alternatives, because
  the wording is the implementer's; the first is the most likely).
* ``names`` — what the message must name, all of them: a JSON path, or ``{in_…}`` which is replaced
  by the ``工作表!单元格`` the file's own defined name points at.
* ``refuse`` — the file must never produce a PASS: not the overall 符合认定条件, and not 符合 for
  ``item`` (a defined name for workbooks, an article for JSON cases).
* ``cells`` — for files that must evaluate: (names, must-match, must-not-match) regexes over the
  result cells of the ``recalc`` copy (workbooks) or over the report text (JSON cases).
* ``note`` — the judgement calls, where the issue or README leaves a choice.
"""
from __future__ import annotations

import copy
import io
import json
import os
import re
import struct
import sys
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:          # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from jidi_xl import fields  # noqa: E402 — the catalogue: the attacked field's workbook name
from jidi_xl.rules import RULES  # noqa: E402 — the rule whose first input is attacked

AREA = RULES["art6_4"].reads[0]                 # the building area's case path
AREA_SECTION, AREA_KEY = AREA.split(".")
AREA_NAME = fields.find(AREA).name              # its defined name on the workbook
AREA_CELL = "{" + AREA_NAME + "}"               # in ``names``: replaced by the 工作表!单元格 it points at
AREA_TYPO = AREA_KEY[:3] + AREA_KEY[4] + AREA_KEY[3] + AREA_KEY[5:]   # two letters swapped: a misspelt key
TEMPLATE = ROOT / "workbooks" / "jidi_evaluation.xlsx"
SAMPLES = ROOT / "workbooks" / "samples"
EXAMPLES = ROOT / "examples"
EXCEL_EPOCH = date(1899, 12, 30)

# Sizes of the attacks, each chosen to be far past any plausible input and still cheap to make.
BOMB_BYTES = int(1.2 * 2**30)        # a zip bomb inflates to > 1 GiB; on disk ≈ 1.2 MB (deflate ≈ 1000:1)
EMPTY_ROWS = 10**6                   # empty <row> elements appended to one sheet
MANY_PARTS = 20_000                  # zip members (the template has 26)
ROSTER_FIRMS = 2_500                 # roster rows, of which ROSTER_LEADING in the leading industry
ROSTER_LEADING = 1_000
JSON_DEPTH = 100_000                 # nesting levels
HUGE_JSON_BYTES = 100 * 2**20        # a case file of ≈ 100 MB (a real case of 1,000 firms is ≈ 250 KB)
HUGE_INT_DIGITS = 5_000              # past CPython's 4,300-digit int-parsing limit
TRAVERSAL_NAME = "jidi_hostile_traversal.txt"
PASSWD_MARK = "root:x:0:0"           # what /etc/passwd leaks look like

BOOK, CASE = "book", "case"


@dataclass(frozen=True)
class Case:
    kind: str                         # BOOK: check/recalc/batch; CASE: evaluate
    name: str                         # file name in the corpus folder
    how: str                          # how it is made
    make: Callable                    # make(path, Ctx) writes the file
    exits: dict                       # command → exit code; "batch" → "failure" | "row" | "listed"
    keywords: tuple = ()              # Chinese words, one of which must be in the message
    names: tuple = ()                 # what the message must name (all); "{in_x}" → 工作表!单元格
    refuse: bool = True               # never a PASS
    item: str | None = None           # the affected item (defined name / article) that must not be 符合
    cells: tuple = ()                 # ((names…), must_match, must_not_match) on results of an evaluated file
    note: str = ""                    # judgement calls


REFUSED = {"check": 2, "recalc": 2, "batch": "failure"}
EVALUATED = {"check": 0, "recalc": 0, "batch": "row"}
EVALUATE_2 = {"evaluate": 2}
EVALUATE_0 = {"evaluate": 0}
NUMBER_NOTE = ("judgement: a cell refused by the value checks means the input could not be evaluated, so "
               "`recalc` exits 2 as `check` does (README: 2 = could not be evaluated, field named), even if it "
               "writes a copy showing 输入错误")


# ---------------------------------------------------------------------------------------------- helpers

def serial(d: date) -> int:
    return (d - EXCEL_EPOCH).days


def from_serial(n: float) -> date:
    return EXCEL_EPOCH + timedelta(days=int(n))


CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"          # GB 32100-2015: no I, O, S, V, Z
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_check_char(code17: str) -> str:
    s = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(code17, CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - s % 31) % 31]


def valid_credit_code(n: int) -> str:
    body = f"91110108{n:09d}"
    return body + credit_check_char(body)


def broken_credit_code(code: str) -> str:
    """The same code with a wrong check character (still 18 characters of the right alphabet)."""
    good = credit_check_char(code[:17])
    wrong = CREDIT_ALPHABET[(CREDIT_ALPHABET.index(good) + 1) % 31]
    return code[:17] + wrong


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[str, int]:
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    return m.group(1), int(m.group(2))


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (what .xls and password-protected .xlsx files are), version 3,
    512-byte sectors; every stream padded to ≥ 4096 bytes so that no mini stream is needed."""
    sec = 512
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    names = list(streams)
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    datas = [d + b"\0" * (-len(d) % sec) for d in datas]
    n_dir = 1 + len(names)
    dir_sectors = -(-n_dir * 128 // sec)
    data_sectors = sum(len(d) // sec for d in datas)
    total = 1 + dir_sectors + data_sectors
    assert total <= sec // 4, "one FAT sector is enough for this writer"
    fat = [fatsect] + [i + 2 if i + 1 < dir_sectors else end for i in range(dir_sectors)]
    starts, nxt = [], 1 + dir_sectors
    for d in datas:
        k = len(d) // sec
        starts.append(nxt)
        fat += [nxt + i + 1 if i + 1 < k else end for i in range(k)]
        nxt += k
    fat += [free] * (sec // 4 - len(fat))

    def entry(name, typ, child, right, start, size):
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), typ, 1)
                + struct.pack("<III", free, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))

    # all streams as right siblings in a chain (olefile and Office accept a degenerate tree)
    entries = [entry("Root Entry", 5, 1 if names else free, free, end, 0)]
    for i, n in enumerate(names):
        entries.append(entry(n, 2, free, i + 2 if i + 1 < len(names) else free, starts[i], len(streams[n].ljust(4096, b"\0"))))
    dirs = b"".join(entries).ljust(dir_sectors * sec, b"\0")
    header = (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == sec
    return header + b"".join(struct.pack("<I", x) for x in fat) + dirs + b"".join(datas)


def write_zip(path: Path, members: list[tuple[str, bytes]], raw: dict[str, tuple[bytes, int, int]] | None = None) -> None:
    """A zip written member by member, allowing what :mod:`zipfile` would refuse or make slow: duplicate
    names, odd names, and ``raw`` members given as (raw deflate stream, CRC-32, inflated size)."""
    raw = raw or {}
    out, central = io.BytesIO(), []
    for name, data in members:
        if name in raw:
            comp, crc, size = raw[name]
        else:
            co = zlib.compressobj(6, zlib.DEFLATED, -15)
            comp, crc, size = co.compress(data) + co.flush(), zlib.crc32(data), len(data)
        fname = name.encode("utf-8")
        off = out.tell()
        flags = 0x800                                    # names are UTF-8
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, 0x21, crc, len(comp), size, len(fname), 0))
        out.write(fname)
        out.write(comp)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 8, 0, 0x21, crc, len(comp), size,
                                   len(fname), 0, 0, 0, 0, 0, off) + fname)
    cd_off = out.tell()
    for c in central:
        out.write(c)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - cd_off, cd_off, 0))
    path.write_bytes(out.getvalue())


def bomb_stream(prefix: bytes, suffix: bytes, padding: int) -> tuple[bytes, int, int]:
    """A raw deflate stream of ``prefix`` + ``padding`` spaces + ``suffix`` (spaces between XML elements are
    valid, so a parser must read them all), made in a second: one 16 MiB chunk compressed after a full
    flush compresses to the same bytes every time, so it is compressed once and repeated."""
    chunk = b" " * (1 << 24)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = co.compress(prefix) + co.flush(zlib.Z_FULL_FLUSH)
    body = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    n = -(-padding // len(chunk))
    tail = co.compress(suffix) + co.flush()
    crc = zlib.crc32(prefix)
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return head + body * n + tail, crc, len(prefix) + n * len(chunk) + len(suffix)


# ---------------------------------------------------------------------------------------------- a workbook in memory

class Pkg:
    """A workbook package held in memory: its members in order, the sheet parts by sheet name and the
    defined names by name, read from the file itself; edited as text and written back."""

    def __init__(self, src: Path):
        with zipfile.ZipFile(src) as zf:
            self.members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
        wb = self.text("xl/workbook.xml")
        rels = self.text("xl/_rels/workbook.xml.rels")
        targets = dict(re.findall(r'<Relationship Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
        self.sheets = {name: "xl/" + targets[rid].lstrip("/").removeprefix("xl/")
                       for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*?r:id="([^"]+)"', wb)}
        self.names = {}
        for n, ref in re.findall(r'<definedName name="([^"]+)"[^>]*>([^<]*)</definedName>', wb):
            m = re.fullmatch(r"'?([^'!]+)'?!(\$?[A-Z]+\$?\d+)(?::(\$?[A-Z]+\$?\d+))?", ref)
            if m:
                self.names[n] = (m.group(1), m.group(2).replace("$", ""), (m.group(3) or m.group(2)).replace("$", ""))

    # members
    def get(self, member: str) -> bytes:
        return next(d for n, d in self.members if n == member)

    def text(self, member: str) -> str:
        return self.get(member).decode("utf-8")

    def put(self, member: str, data: bytes | str) -> None:
        data = data.encode("utf-8") if isinstance(data, str) else data
        for i, (n, _) in enumerate(self.members):
            if n == member:
                self.members[i] = (n, data)
                return
        self.members.append((member, data))

    def drop(self, member: str) -> None:
        self.members = [(n, d) for n, d in self.members if n != member]

    def save(self, path: Path, raw: dict | None = None) -> None:
        write_zip(path, self.members, raw)

    # names and cells
    def where(self, name: str, offset: int = 0) -> tuple[str, str]:
        """(sheet, "C25") of a defined name's first cell, or of the cell ``offset`` rows below it."""
        sheet, first, _ = self.names[name]
        col, row = split_ref(first)
        return sheet, f"{col}{row + offset}"

    def last_row(self, name: str) -> int:
        return split_ref(self.names[name][2])[1]

    def shared_strings(self) -> list[str]:
        sst = self.text("xl/sharedStrings.xml")
        return [re.sub(r"<[^>]+>", "", si) for si in re.findall(r"<si>(.*?)</si>", sst, re.S)]

    _CELL = r'<c r="{ref}"(?P<attrs>[^>]*?)(?:/>|>(?P<body>(?:(?!</c>).)*)</c>)'

    def cell_xml(self, sheet: str, ref: str) -> str | None:
        m = re.search(self._CELL.format(ref=ref), self.text(self.sheets[sheet]), re.S)
        return m.group(0) if m else None

    def value(self, sheet: str, ref: str):
        """The stored value of a cell: a number, a shared or inline string, or None."""
        xml = self.cell_xml(sheet, ref)
        if not xml:
            return None
        v = re.search(r"<v>([^<]*)</v>", xml)
        if 't="s"' in xml and v:
            return self.shared_strings()[int(v.group(1))]
        t = re.search(r"<t[^>]*>([^<]*)</t>", xml)
        if t:
            return t.group(1)
        return float(v.group(1)) if v else None

    def style(self, sheet: str, ref: str) -> str:
        xml = self.cell_xml(sheet, ref) or ""
        m = re.search(r' s="(\d+)"', xml)
        return f' s="{m.group(1)}"' if m else ""

    def set_cell(self, sheet: str, ref: str, xml: str) -> None:
        """Replace (or insert, in row and column order) the ``<c>`` element of ``sheet!ref``."""
        part = self.sheets[sheet]
        s = self.text(part)
        pat = re.compile(self._CELL.format(ref=ref), re.S)
        if pat.search(s):
            self.put(part, pat.sub(lambda _: xml, s, count=1))
            return
        col, row = split_ref(ref)
        rows = list(re.finditer(r'<row r="(\d+)"([^>]*?)(?:/>|>(.*?)</row>)', s, re.S))
        same = next((m for m in rows if int(m.group(1)) == row), None)
        if same is None:
            after = [m for m in rows if int(m.group(1)) > row]
            at = after[0].start() if after else s.index("</sheetData>")
            s = s[:at] + f'<row r="{row}">{xml}</row>' + s[at:]
        else:
            body = same.group(3) or ""
            later = [m for m in re.finditer(r'<c r="([A-Z]+)\d+"', body) if col_index(m.group(1)) > col_index(col)]
            pos = later[0].start() if later else len(body)
            attrs = re.sub(r'\s*spans="[^"]*"', "", same.group(2))
            s = s[:same.start()] + f'<row r="{row}"{attrs}>' + body[:pos] + xml + body[pos:] + "</row>" + s[same.end():]
        self.put(part, s)

    def set_number(self, name: str, literal: str, offset: int = 0) -> str:
        sheet, ref = self.where(name, offset)
        self.set_cell(sheet, ref, f'<c r="{ref}"{self.style(sheet, ref)}><v>{literal}</v></c>')
        return f"{sheet}!{ref}"

    def set_text(self, name: str, text: str, offset: int = 0) -> str:
        sheet, ref = self.where(name, offset)
        self.set_cell(sheet, ref, f'<c r="{ref}"{self.style(sheet, ref)} t="inlineStr"><is><t>{escape(text)}</t></is></c>')
        return f"{sheet}!{ref}"

    def sub(self, member: str, old: str, new: str, count: int = 1) -> None:
        s = self.text(member)
        assert old in s, f"{old!r} not in {member}"
        self.put(member, s.replace(old, new, count))


def sample(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*.xlsx"))


def example_path(prefix: str) -> Path:
    return next(EXAMPLES.glob(f"{prefix}_*.json"))


def example(prefix: str) -> dict:
    return json.loads(example_path(prefix).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------- makers: packages

def mk_bytes(data: bytes | Callable[[], bytes]):
    return lambda p, c: p.write_bytes(data() if callable(data) else data)


def mk_truncated(p, c):
    data = sample("01").read_bytes()
    p.write_bytes(data[: len(data) * 6 // 10])


def mk_xls(p, c):
    bof = struct.pack("<HHHHIIH", 0x0809, 16, 0x0600, 0x0005, 0, 0, 0)  # BIFF8 BOF record
    p.write_bytes(cfb({"Workbook": bof + b"\0" * 64, "\x05SummaryInformation": b"\xFE\xFF\0\0"}))


def mk_csv(p, c):
    p.write_bytes("示范基地名称,建筑总面积（平方米）\n中关村星河智算创业园,12600\n".encode("utf-8-sig"))


def mk_encrypted(p, c):
    # what Excel writes for a password-protected workbook: an OLE2 file with these two streams
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0" encoding="UTF-8"?><encryption/>'
    p.write_bytes(cfb({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 30000) + os.urandom(64)}))


def mk_zip_not_ooxml(p, c):
    write_zip(p, [("readme.txt", "这不是工作簿".encode("utf-8"))])


def mk_lock_file(p, c):
    # Excel's owner file: the user name, length-prefixed, padded to 165 bytes
    user = "reviewer".encode("ascii")
    p.write_bytes((bytes([len(user)]) + user).ljust(54, b" ") + b"\0\0" + "reviewer".encode("utf-16-le").ljust(109, b" "))


def mk_json_as_book(p, c):
    p.write_text(json.dumps(example("01"), ensure_ascii=False), encoding="utf-8")


def mk_dup_member(p, c):
    pkg = Pkg(sample("03"))                       # building area 4,800 m²: 第六条第（四）项 fails
    sheet, ref = pkg.where(AREA_NAME)
    part = pkg.sheets[sheet]
    original = pkg.get(part)
    pkg.set_number(AREA_NAME, "99999")      # the forged copy …
    forged = pkg.get(part)
    pkg.put(part, original)
    pkg.members.append((part, forged))            # … as a second member of the same name
    pkg.save(p)


def mk_traversal(p, c):
    pkg = Pkg(sample("01"))
    pkg.members.append((f"../../{TRAVERSAL_NAME}", b"written outside the output folder"))
    pkg.save(p)


def mk_many_parts(p, c):
    pkg = Pkg(sample("01"))
    pkg.members += [(f"xl/media/junk{i}.bin", b"") for i in range(MANY_PARTS)]
    pkg.save(p)


def mk_macro(p, c):
    pkg = Pkg(sample("01"))
    pkg.members.append(("xl/vbaProject.bin", cfb({"PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\nModule=Module1\r\n',
                                                "dir": b"\x01" * 32})))
    pkg.sub("[Content_Types].xml", "</Types>",
            '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    pkg.sub("[Content_Types].xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    pkg.sub("xl/_rels/workbook.xml.rels", "</Relationships>",
            '<Relationship Id="rIdVba1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            'Target="vbaProject.bin"/></Relationships>')
    pkg.save(p)


def mk_copy(prefix: str):
    return lambda p, c: p.write_bytes(sample(prefix).read_bytes())


def mk_symlink(target_of: Callable[["Ctx"], Path]):
    def make(p, c):
        p.symlink_to(target_of(c))
    return make


def _outside_sample(c: "Ctx") -> Path:
    t = c.scratch / "outside_sample.xlsx"
    t.write_bytes(sample("01").read_bytes())
    return t


def mk_dir_named_xlsx(p, c):
    p.mkdir()
    (p / "inner.xlsx").write_bytes(b"")


# ---------------------------------------------------------------------------------------------- makers: XML

XXE_DTD = '<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LOL_DTD = ('<!DOCTYPE {root} [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
           + "]>")


def _with_dtd(xml: str, dtd: str) -> str:
    decl = re.match(r"<\?xml[^>]*\?>", xml).group(0)
    return decl + dtd + xml[len(decl):]


def mk_sst_entity(dtd: str, ref: str):
    def make(p, c):
        pkg = Pkg(sample("01"))
        sheet, cell = pkg.where("in_base_name")
        idx = int(re.search(r"<v>(\d+)</v>", pkg.cell_xml(sheet, cell)).group(1))
        sst = pkg.text("xl/sharedStrings.xml")
        sis = list(re.finditer(r"<si>.*?</si>", sst, re.S))
        si = sis[idx]
        sst = sst[:si.start()] + f"<si><t>{ref}</t></si>" + sst[si.end():]
        pkg.put("xl/sharedStrings.xml", _with_dtd(sst, dtd.format(root="sst")))
        pkg.save(p)
    return make


def mk_workbook_entity(dtd: str, ref: str):
    def make(p, c):
        pkg = Pkg(sample("01"))
        wb = pkg.text("xl/workbook.xml").replace("</definedNames>", f'<definedName name="zz_hostile">{ref}</definedName></definedNames>')
        pkg.put("xl/workbook.xml", _with_dtd(wb, dtd.format(root="workbook")))
        pkg.save(p)
    return make


def mk_control_char(p, c):
    pkg = Pkg(sample("01"))
    sheet, ref = pkg.where("in_base_name")
    pkg.set_cell(sheet, ref, f'<c r="{ref}"{pkg.style(sheet, ref)} t="inlineStr"><is><t>中关村\x01星河\x1b[2J智算创业园</t></is></c>')
    pkg.save(p)


def mk_sst_index(p, c):
    pkg = Pkg(sample("01"))
    sheet, ref = pkg.where("in_base_name")
    pkg.set_cell(sheet, ref, f'<c r="{ref}"{pkg.style(sheet, ref)} t="s"><v>99999999</v></c>')
    pkg.save(p)


def mk_empty_rows(p, c):
    pkg = Pkg(sample("01"))
    sheet, _ = pkg.where(AREA_NAME)
    part = pkg.sheets[sheet]
    s = pkg.text(part)
    last = max(int(r) for r in re.findall(r'<row r="(\d+)"', s))
    rows = "".join(f'<row r="{r}"/>' for r in range(last + 1, last + 1 + EMPTY_ROWS))
    pkg.put(part, s.replace("</sheetData>", rows + "</sheetData>"))
    pkg.save(p)


def mk_bomb(which: str):
    def make(p, c):
        pkg = Pkg(sample("01"))
        if which == "sheet":
            member = pkg.sheets[pkg.where(AREA_NAME)[0]]
            anchor = "<sheetData>"
        else:
            member, anchor = "xl/sharedStrings.xml", None
        xml = pkg.get(member)
        if anchor:
            cut = xml.index(anchor.encode()) + len(anchor)
        else:
            cut = xml.index(b">", xml.index(b"<sst")) + 1
        pkg.save(p, raw={member: bomb_stream(xml[:cut], xml[cut:], BOMB_BYTES)})
    return make


# ---------------------------------------------------------------------------------------------- makers: extents and values

def mk_far_cell(name_for_sheet: str, ref: str, literal: str = "1", text: str | None = None):
    def make(p, c):
        pkg = Pkg(sample("01"))
        sheet = pkg.names[name_for_sheet][0] if name_for_sheet in pkg.names else name_for_sheet
        cell = (f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>' if text is not None
                else f'<c r="{ref}"><v>{literal}</v></c>')
        pkg.set_cell(sheet, ref, cell)                 # the <dimension> is left as it was: it lies
        pkg.save(p)
    return make


def mk_roster_2500(p, c):
    """2,500 firms: 1,000 in a leading industry in the template's 1,000 rows, then 1,500 others below."""
    pkg = Pkg(sample("01"))
    sheet, first = pkg.where("in_roster_name")
    part = pkg.sheets[sheet]
    s = pkg.text(part)
    r0 = split_ref(first)[1]
    leading = {pkg.value(*pkg.where("in_leading_1")), pkg.value(*pkg.where("in_leading_2"))}
    ind_col = split_ref(pkg.names["in_roster_industry"][1])[0]
    rows = {int(m.group(1)): m.group(0) for m in re.finditer(r'<row r="(\d+)"[^>]*>.*?</row>', s, re.S) if int(m.group(1)) >= r0}
    lead_row = next(x for r, x in sorted(rows.items()) if pkg.value(sheet, f"{ind_col}{r}") in leading)
    other_row = next(x for r, x in sorted(rows.items()) if pkg.value(sheet, f"{ind_col}{r}") not in leading)
    name_col = split_ref(pkg.names["in_roster_name"][1])[0]
    code_col = split_ref(pkg.names["in_roster_credit_code"][1])[0]
    out = []
    for i in range(ROSTER_FIRMS):
        r = r0 + i
        x = lead_row if i < ROSTER_LEADING else other_row
        old = re.match(r'<row r="(\d+)"', x).group(1)
        x = re.sub(rf'(r="[A-Z]*){old}"', rf'\g<1>{r}"', x)
        for col, txt in ((name_col, f"北京批量测试{i:04d}科技有限公司"), (code_col, valid_credit_code(i + 1))):
            x = re.sub(rf'<c r="{col}{r}"([^>]*?) t="s"><v>\d+</v></c>',
                       rf'<c r="{col}{r}"\1 t="inlineStr"><is><t>{txt}</t></is></c>', x)
        out.append(x)
    head = s[: s.index("<sheetData>") + len("<sheetData>")]
    kept = "".join(x for r, x in sorted((int(m.group(1)), m.group(0)) for m in re.finditer(r'<row r="(\d+)"[^>]*>.*?</row>', s, re.S)) if r < r0)
    tail = s[s.index("</sheetData>"):]
    s = head + kept + "".join(out) + tail
    s = re.sub(r'<dimension ref="([A-Z]+)1:([A-Z]+)\d+"/>', rf'<dimension ref="\g<1>1:\g<2>{r0 + ROSTER_FIRMS - 1}"/>', s)
    pkg.put(part, s)
    pkg.save(p)


def mk_number(name: str, literal: str, base: str = "01"):
    def make(p, c):
        pkg = Pkg(sample(base))
        pkg.set_number(name, literal)
        pkg.save(p)
    return make


def mk_text(name: str, text: str, base: str = "01"):
    def make(p, c):
        pkg = Pkg(sample(base))
        pkg.set_text(name, text)
        pkg.save(p)
    return make


def mk_bad_credit(name: str):
    def make(p, c):
        pkg = Pkg(sample("01"))
        pkg.set_text(name, broken_credit_code(pkg.value(*pkg.where(name))))
        pkg.save(p)
    return make


def mk_revocation_after_ref(p, c):
    pkg = Pkg(sample("07"))                         # a 第十五条 revocation (false materials) within two years
    ref = from_serial(pkg.value(*pkg.where("in_ref_date")))
    pkg.set_number("in_revocations_date", str(serial(ref + timedelta(days=90))))
    pkg.save(p)


def mk_formula_input(order: str):
    def make(p, c):
        pkg = Pkg(sample("01"))
        sheet, ref = pkg.where(AREA_NAME)
        attrs = f'r="{ref}"{pkg.style(sheet, ref)} t="n"' if order == "r" else f't="n" r="{ref}"{pkg.style(sheet, ref)}'
        pkg.set_cell(sheet, ref, f"<c {attrs}><f>100</f><v>99999</v></c>")   # computes 100, claims 99999
        pkg.save(p)
    return make


def mk_art17_2027(p, c):
    pkg = Pkg(sample("12"))
    k = next(i for i in range(10) if pkg.value(*pkg.where("in_changes_kind", i)) is None)
    sheet, kind_ref = pkg.where("in_changes_kind", 0)
    kind = pkg.cell_xml(sheet, kind_ref)
    _, ref = pkg.where("in_changes_kind", k)
    pkg.set_cell(sheet, ref, re.sub(r'r="[A-Z]+\d+"', f'r="{ref}"', kind, count=1))
    pkg.set_number("in_changes_changed_on", str(serial(date(2026, 12, 15))), k)
    pkg.set_number("in_changes_filed_on", str(serial(date(2027, 1, 20))), k)
    pkg.save(p)


# ---------------------------------------------------------------------------------------------- makers: structure

def mk_name_hidden(in_range: bool):
    """The building area's name (AREA_NAME) re-pointed at a hidden cell holding 99,999: far out (Z1, beyond the template's range), or
    at an empty cell inside the hidden sheet's used range (only the structure check can tell)."""
    def make(p, c):
        pkg = Pkg(sample("03"))                          # visible area 4,800 m²: fails
        hidden = next(n for n, part in pkg.sheets.items()
                      if re.search(rf'<sheet name="{re.escape(n)}"[^>]*state="(hidden|veryHidden)"', pkg.text("xl/workbook.xml")))
        ref = "Z1"
        if in_range:
            used = set(re.findall(r'<c r="([A-Z]+[0-9]+)"', pkg.text(pkg.sheets[hidden])))
            ref = next(f"{col}{row}" for row in range(2, 10) for col in "BCDEFGH" if f"{col}{row}" not in used)
        pkg.set_cell(hidden, ref, f'<c r="{ref}"><v>99999</v></c>')
        col, row = split_ref(ref)
        wb = pkg.text("xl/workbook.xml")
        pkg.put("xl/workbook.xml", re.sub(rf'(<definedName name="{AREA_NAME}">)[^<]*(</definedName>)',
                                          lambda m: f"{m.group(1)}'{hidden}'!${col}${row}{m.group(2)}", wb, count=1))
        pkg.save(p)
    return make


def mk_verdict_edited(p, c):
    pkg = Pkg(sample("03"))                          # the true verdict is 不符合认定条件
    sheet, ref = pkg.where("out_recognition_verdict")
    forged = "符合认定条件（建议认定）"
    pkg.set_cell(sheet, ref, f'<c r="{ref}"{pkg.style(sheet, ref)} t="str"><f>"{forged}"</f><v>{forged}</v></c>')
    pkg.save(p)


def mk_sheet_renamed(p, c):
    pkg = Pkg(sample("01"))
    sheet = pkg.names[AREA_NAME][0]
    pkg.sub("xl/workbook.xml", f'<sheet name="{sheet}"', f'<sheet name="{sheet}（修改）"')
    pkg.save(p)


def mk_sheet_missing(p, c):
    pkg = Pkg(sample("01"))
    sheet = pkg.names["in_roster"][0]
    part = pkg.sheets[sheet]
    wb = pkg.text("xl/workbook.xml")
    rid = re.search(rf'<sheet name="{sheet}"[^>]*?r:id="([^"]+)"/>', wb)
    pkg.put("xl/workbook.xml", wb.replace(rid.group(0), ""))
    rels = pkg.text("xl/_rels/workbook.xml.rels")
    pkg.put("xl/_rels/workbook.xml.rels", re.sub(rf'<Relationship Id="{rid.group(1)}"[^>]*/>', "", rels))
    pkg.sub("[Content_Types].xml", f'<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>', "")
    pkg.drop(part)
    pkg.save(p)


# ---------------------------------------------------------------------------------------------- makers: JSON cases

def mk_json(prefix: str, edit: Callable[[dict], object] | None = None, *, text: Callable[[str], str] | None = None,
            encoding: str = "utf-8"):
    def make(p, c):
        d = copy.deepcopy(example(prefix))
        if edit:
            d = edit(d) or d
        s = json.dumps(d, ensure_ascii=False, indent=1)
        if text:
            s = text(s)
        p.write_bytes(s.encode(encoding, errors="surrogatepass"))
    return make


def _set(path: str, value):
    def edit(d):
        keys = re.findall(r"[^.\[\]]+", path)
        o = d
        for k in keys[:-1]:
            o = o[int(k)] if k.isdigit() else o.setdefault(k, {})
        last = keys[-1]
        if last.isdigit():
            o[int(last)] = value
        else:
            o[last] = value
    return edit


def _raw(path: str, literal: str):
    """Set a field to a placeholder, then replace it by a literal JSON token that json.dumps cannot write."""
    mark = "@@HOSTILE@@"
    return dict(edit=_set(path, mark), text=lambda s: s.replace(f'"{mark}"', literal))


def _misspelt(d):
    d[AREA_SECTION][AREA_TYPO] = d[AREA_SECTION].pop(AREA_KEY)
    d["satisfaction"]["rate"] = 1.5                 # a second, independent error: both must be reported


def _nulls(d):
    for k in ("service_functions", "encouraged", "revocations", "changes", "overrides"):
        d[k] = None
    d["conduct"]["penalties"] = None
    d["firms"]["roster"] = None
    d.setdefault("staff", {})["members"] = None


def _art17_2027(d):
    d["changes"].append({"kind": d["changes"][0]["kind"], "changed_on": "2026-12-15", "filed_on": "2027-01-20"})


def _revocation_after_ref(d):
    ref = date.fromisoformat(d["recognition"]["reference_date"])
    d["revocations"][0]["date"] = (ref + timedelta(days=90)).isoformat()


def mk_deep(p, c):
    d = example("01")
    d["description"] = "@@DEEP@@"
    s = json.dumps(d, ensure_ascii=False).replace('"@@DEEP@@"', "[" * JSON_DEPTH + "]" * JSON_DEPTH)
    p.write_text(s, encoding="utf-8")


def mk_huge(p, c):
    d = example("01")
    firm = json.dumps(d["firms"]["roster"][0], ensure_ascii=False)
    n = HUGE_JSON_BYTES // (len(firm.encode()) + 1)
    d["firms"]["roster"] = ["@@ROSTER@@"]
    s = json.dumps(d, ensure_ascii=False).replace('"@@ROSTER@@"', ",".join([firm] * n))
    p.write_text(s, encoding="utf-8")


def mk_dup_key(p, c):
    d = example("01")
    s = json.dumps(d, ensure_ascii=False, indent=1)
    s = s.replace(f'"{AREA_KEY}": 12600', f'"{AREA_KEY}": 100, "{AREA_KEY}": 12600', 1)
    assert f'"{AREA_KEY}": 100,' in s
    p.write_text(s, encoding="utf-8")


def mk_xlsx_as_json(p, c):
    p.write_bytes(sample("01").read_bytes())


# ---------------------------------------------------------------------------------------------- the table

A64 = "第六条第（四）项"
A65 = "第六条第（五）项"
A61 = "第六条第（一）项"
A15 = "第十五条"

CASES: list[Case] = [
    # --- not a workbook package at all
    Case(BOOK, "pkg_empty.xlsx", "0 bytes", mk_bytes(b""), REFUSED, ("空", "不是有效", "另存为")),
    Case(BOOK, "pkg_truncated.xlsx", "first 60 % of a sample's bytes", mk_truncated, REFUSED, ("损坏", "不完整", "另存为", "不是有效")),
    Case(BOOK, "pkg_xls_renamed.xlsx", "an OLE2 compound file with a BIFF8 Workbook stream (.xls renamed)", mk_xls, REFUSED,
         ("另存为", "旧版", "97-2003")),
    Case(BOOK, "pkg_csv_renamed.xlsx", "CSV text renamed .xlsx", mk_csv, REFUSED, ("另存为", "不是有效", "CSV")),
    Case(BOOK, "pkg_encrypted.xlsx", "OLE2 file with EncryptionInfo + EncryptedPackage streams (password-protected)",
         mk_encrypted, REFUSED, ("密码", "加密")),
    Case(BOOK, "pkg_zip_not_ooxml.xlsx", "a valid zip holding one text file", mk_zip_not_ooxml, REFUSED, ("不是", "标准", "工作簿")),
    Case(BOOK, "~$lock_owner.xlsx", "an Excel owner (lock) file, 165 bytes", mk_lock_file, REFUSED, ("锁定", "临时", "不是有效", "另存为"),
         note="the issue: lock-file names must be listed with the reason, not skipped"),
    Case(BOOK, "json_given_to_check.json", "a JSON case (examples/01) given to check/recalc", mk_json_as_book, REFUSED,
         ("工作簿", "evaluate", "xlsx")),
    Case(BOOK, "pkg_dup_member.xlsx", "sample 03 (area 4,800) plus a second member of the same sheet name with area 99,999",
         mk_dup_member, REFUSED, ("重复", "损坏"), item="out_art6_4"),
    Case(BOOK, "pkg_path_traversal.xlsx", f"sample 01 plus a member named ../../{TRAVERSAL_NAME}", mk_traversal, REFUSED,
         ("路径", "非法", "不安全", "损坏")),
    Case(BOOK, "pkg_many_parts.xlsx", f"sample 01 plus {MANY_PARTS:,} empty members", mk_many_parts, REFUSED,
         ("过多", "数量", "部件", "成员")),
    Case(BOOK, "pkg_macro_vba.xlsx", "sample 01 plus xl/vbaProject.bin, its relationship and the macro-enabled content type",
         mk_macro, REFUSED, ("宏", "VBA"),
         note="judgement: refused (exit 2, save as .xlsx without macros) rather than evaluated with the macro stripped; "
              "either way no output may carry vbaProject.bin (asserted)"),
    # --- folder entries
    Case(BOOK, "symlink_devzero.xlsx", "a symbolic link to /dev/zero", mk_symlink(lambda c: Path("/dev/zero")), REFUSED,
         ("链接", "不是", "文件"), note="must be listed and bounded; a reader must never read /dev/zero to its end"),
    Case(BOOK, "symlink_to_sample.xlsx", "a symbolic link to a passing sample outside the folder",
         mk_symlink(_outside_sample), {"batch": "listed"}, refuse=False,
         note="either followed (a row) or refused as a link (a failure line): it must be accounted for"),
    Case(BOOK, "dir_named.xlsx", "a directory named .xlsx holding an empty inner.xlsx", mk_dir_named_xlsx,
         {"check": 2, "recalc": 2, "batch": "listed"}, ("文件夹", "目录", "没有", "空", "不是有效"),
         note="check on this folder finds only the empty inner.xlsx: 2; recalc on a folder: 2 with a Chinese "
              "message; batch must list the directory or its inner file"),
    Case(BOOK, ".hidden_submission.xlsx", "a copy of sample 03 (fails on area) with a hidden name", mk_copy("03"),
         {"check": 0, "recalc": 0, "batch": "listed"}, refuse=True, item="out_art6_4",
         note="the issue: hidden names are listed (evaluated, or with the reason), never skipped silently"),
    Case(BOOK, "UPPER_CASE.XLSX", "a copy of sample 04 (fails on penalties) with an upper-case extension", mk_copy("04"),
         EVALUATED, refuse=True, item="out_art6_2"),
    # --- hostile XML
    Case(BOOK, "xml_xxe_sharedstrings.xlsx", "sharedStrings.xml with a DTD: <!ENTITY xxe SYSTEM file:///etc/passwd>, used as the base name",
         mk_sst_entity(XXE_DTD, "&xxe;"), REFUSED, ("实体", "DTD", "文档类型", "不安全")),
    Case(BOOK, "xml_xxe_workbook.xlsx", "workbook.xml with the same external entity, used in a defined name",
         mk_workbook_entity(XXE_DTD, "&xxe;"), REFUSED, ("实体", "DTD", "文档类型", "不安全")),
    Case(BOOK, "xml_billion_laughs_sharedstrings.xlsx", "sharedStrings.xml with nine nested entities (10^9 'lol')",
         mk_sst_entity(LOL_DTD, "&lol9;"), REFUSED, ("实体", "DTD", "文档类型", "不安全")),
    Case(BOOK, "xml_billion_laughs_workbook.xlsx", "workbook.xml with nine nested entities in a defined name",
         mk_workbook_entity(LOL_DTD, "&lol9;"), REFUSED, ("实体", "DTD", "文档类型", "不安全")),
    Case(BOOK, "xml_control_char_cell.xlsx", "raw U+0001 and ESC in the base-name cell's inline string (not well-formed XML)",
         mk_control_char, REFUSED, ("控制字符", "非法字符", "损坏", "无法读取"),
         note="judgement: a part that is not well-formed XML is refused (2); naming the cell is welcome, not required"),
    Case(BOOK, "xml_sst_index_absurd.xlsx", "the base-name cell points at shared string 99,999,999", mk_sst_index, REFUSED,
         ("共享字符串", "索引", "损坏", "基地名称")),
    Case(BOOK, "xml_rows_1e6_empty.xlsx", f"{EMPTY_ROWS:,} empty <row/> elements appended to 基本信息", mk_empty_rows, REFUSED,
         ("范围", "超出", "行"),
         note="judgement: rows past the template's range are refused even when empty (sheet dimensions within the "
              "template's ranges); the hard requirement is the time and memory bound"),
    # --- size
    Case(BOOK, "bomb_sheet.xlsx", f"基本信息's part padded with {BOMB_BYTES / 2**30:.1f} GiB of spaces (≈1.2 MB on disk)",
         mk_bomb("sheet"), REFUSED, ("过大", "解压", "大小")),
    Case(BOOK, "bomb_sharedstrings.xlsx", f"sharedStrings.xml padded with {BOMB_BYTES / 2**30:.1f} GiB of spaces",
         mk_bomb("sst"), REFUSED, ("过大", "解压", "大小")),
    # --- extents
    Case(BOOK, "extent_xfd_basic.xlsx", "one cell at 基本信息!XFD1048576 (the <dimension> left unchanged)",
         mk_far_cell(AREA_NAME, "XFD1048576"), REFUSED, ("超出", "范围"), ("XFD1048576",)),
    Case(BOOK, "extent_xfd_guide.xlsx", "one cell at 填表说明!XFD1048576", mk_far_cell("填表说明", "XFD1048576"), REFUSED,
         ("超出", "范围"), ("XFD1048576",)),
    Case(BOOK, "extent_xfd_roster.xlsx", "one cell at 入驻企业!XFD1048576", mk_far_cell("in_roster", "XFD1048576"), REFUSED,
         ("超出", "范围"), ("XFD1048576",)),
    Case(BOOK, "extent_roster_column_far.xlsx", "a firm name at 入驻企业!B1048576 (in the roster's column, far below it)",
         mk_far_cell("in_roster", "B1048576", text="北京远行科技有限公司"), REFUSED, ("超出", "范围"), ("1048576",),
         item="out_art6_5"),
    Case(BOOK, "roster_2500_rows.xlsx", f"{ROSTER_FIRMS:,} firms, {ROSTER_LEADING:,} of them leading, rows past the template's last roster row",
         mk_roster_2500, REFUSED, ("超出", "至多", "1000", "1003"), ("入驻企业",), item="out_art6_5",
         note="the true concentration is 40 %; counting only the template's rows would give 100 %"),
    # --- values in input cells
    Case(BOOK, "value_area_inf.xlsx", "building area stored as <v>inf</v>", mk_number(AREA_NAME, "inf"), REFUSED,
         ("有限", "数字", "数值"), (AREA_CELL,), item="out_art6_4", note=NUMBER_NOTE),
    Case(BOOK, "value_area_1e999.xlsx", "building area stored as <v>1e999</v>", mk_number(AREA_NAME, "1e999"), REFUSED,
         ("有限", "数字", "数值"), (AREA_CELL,), item="out_art6_4", note=NUMBER_NOTE),
    Case(BOOK, "value_area_nan.xlsx", "building area stored as <v>NaN</v>", mk_number(AREA_NAME, "NaN"), REFUSED,
         ("有限", "数字", "数值"), (AREA_CELL,), item="out_art6_4", note=NUMBER_NOTE),
    Case(BOOK, "value_area_negative.xlsx", "building area −100", mk_number(AREA_NAME, "-100"), REFUSED,
         ("负", "不能小于", "不小于", "≥ 0"), (AREA_CELL,), item="out_art6_4", note=NUMBER_NOTE),
    Case(BOOK, "value_decimal_comma.xlsx", "building area as the text '4999,9'", mk_text(AREA_NAME, "4999,9"), REFUSED,
         ("数字", "小数点", "逗号"), (AREA_CELL,), item="out_art6_4", note=NUMBER_NOTE),
    Case(BOOK, "value_text_in_number.xlsx", "building area as the text '一万二千'", mk_text(AREA_NAME, "一万二千"), REFUSED,
         ("数字",), (AREA_CELL,), item="out_art6_4", note=NUMBER_NOTE),
    Case(BOOK, "value_year_in_date.xlsx", "成立日期 = 2024 (a number: the serial date 1905-07-16)",
         mk_number("in_established_on", "2024"), REFUSED, ("日期", "年份"), ("{in_established_on}",), item="out_art6_1",
         note=NUMBER_NOTE),
    Case(BOOK, "value_date_feb30.xlsx", "成立日期 as the text '2023-02-30'", mk_text("in_established_on", "2023-02-30"), REFUSED,
         ("日期",), ("{in_established_on}",), item="out_art6_1", note=NUMBER_NOTE),
    Case(BOOK, "value_bad_credit_code.xlsx", "the operator's 统一社会信用代码 with a wrong check character",
         mk_bad_credit("in_operator_credit_code"), REFUSED, ("统一社会信用代码", "校验"), ("{in_operator_credit_code}",),
         note=NUMBER_NOTE),
    Case(BOOK, "value_roster_bad_credit_code.xlsx", "the first firm's 统一社会信用代码 with a wrong check character",
         mk_bad_credit("in_roster_credit_code"), REFUSED, ("统一社会信用代码", "校验"), ("{in_roster_credit_code}",),
         item="out_art6_5", note=NUMBER_NOTE),
    Case(BOOK, "value_revocation_after_ref.xlsx", "sample 07's 第十五条 revocation dated 90 days after the reference date",
         mk_revocation_after_ref, REFUSED, ("撤销", "参照日", "晚于"), ("{in_revocations_date}",), item="out_art15",
         note="spec §8/§10: impossible input, an error naming the field"),
    Case(BOOK, "formula_input_r_first.xlsx", 'building area cell <c r=… t="n"><f>100</f><v>99999</v></c> (cached value lies)',
         mk_formula_input("r"), REFUSED, ("公式",), (AREA_CELL,), item="out_art6_4",
         note="judgement: an input cell holding a formula is refused (2, 'type the value'): the reader cannot trust its "
              "cached value; computing it (100 → 不符合) would also be no PASS but must then agree in check and batch"),
    Case(BOOK, "formula_input_t_first.xlsx", 'the same with the attributes in the other order: <c t="n" r=…>',
         mk_formula_input("t"), REFUSED, ("公式",), (AREA_CELL,), item="out_art6_4", note="as above"),
    # --- structure altered
    Case(BOOK, "struct_name_repointed_hidden.xlsx", f"sample 03 (area 4,800) with {AREA_NAME} re-pointed at a hidden cell "
         "holding 99,999 at Z1, beyond the template's range", mk_name_hidden(False), REFUSED, ("标准", "模板", "范围"),
         item="out_art6_4", note="refused by the extent check before the structure is read: the far cell is named"),
    Case(BOOK, "struct_name_repointed_in_range.xlsx", f"sample 03 with {AREA_NAME} re-pointed at an empty cell inside the "
         "hidden sheet's used range, holding 99,999", mk_name_hidden(True), REFUSED, ("标准", "模板", "名称"),
         (AREA_NAME,), item="out_art6_4"),
    Case(BOOK, "struct_verdict_formula_edited.xlsx", "sample 03 with the verdict formula replaced by the constant 符合认定条件（建议认定）",
         mk_verdict_edited, REFUSED, ("标准", "模板", "公式"), ("{out_recognition_verdict}",)),
    Case(BOOK, "struct_sheet_renamed.xlsx", "基本信息 renamed in workbook.xml", mk_sheet_renamed, REFUSED,
         ("工作表", "缺少", "标准"), ("基本信息",)),
    Case(BOOK, "struct_sheet_missing.xlsx", "入驻企业 removed (sheet entry, relationship, content type, part)",
         mk_sheet_missing, REFUSED, ("工作表", "缺少", "标准"), ("入驻企业",)),
    # --- must evaluate, and say the right thing
    Case(BOOK, "ok_recognition_only.xlsx", "a copy of sample 01 (recognition only: no evaluation year)", mk_copy("01"),
         EVALUATED, refuse=False,
         cells=((("out_grade",), "未评价|未作绩效评价", "不合格|撤销"), (("out_consequence",), "", "不合格|撤销"))),
    Case(BOOK, "ok_evaluation_only.xlsx", "a copy of sample 10 (evaluation only: no reference date)", mk_copy("10"),
         EVALUATED, refuse=False, cells=((("out_recognition_verdict",), "未作认定评价", "^符合|^不符合"),)),
    Case(BOOK, "ok_art17_deadline_2027.xlsx", "sample 12 plus a change on 2026-12-15 filed 2027-01-20 (deadline in 2027)",
         mk_art17_2027, EVALUATED, refuse=False,
         cells=((("out_art17_result_3",), "待核实", ""),
                (("out_art17_deadline_3", "out_art17_result_3", "out_art17_figures_3"), "2027", ""),
                (("out_recognition_verdict",), "^符合认定条件", "")),
         note="the filing is 待核实 with the year named; the recognition verdict is still computed"),
    # ================================================================== JSON cases
    Case(CASE, "json_nan_rate.json", "satisfaction.rate = NaN (a bare JSON token)", mk_json("01", **_raw("satisfaction.rate", "NaN")),
         EVALUATE_2, ("有限", "数值", "数字"), ("satisfaction.rate",)),
    Case(CASE, "json_nan_score.json", "an expert score = NaN", mk_json("10", **_raw("evaluation.rubric.experts[0].scores[0]", "NaN")),
         EVALUATE_2, ("有限", "数值", "数字"), ("evaluation.rubric.experts[0].scores[0]",)),
    Case(CASE, "json_infinity_area.json", f"{AREA} = Infinity", mk_json("01", **_raw(AREA, "Infinity")),
         EVALUATE_2, ("有限", "数值", "数字"), (AREA,), item=A64),
    Case(CASE, "json_1e999_area.json", f"{AREA} = 1e999 (parses as infinity)", mk_json("01", **_raw(AREA, "1e999")),
         EVALUATE_2, ("有限", "数值", "数字"), (AREA,), item=A64),
    Case(CASE, "json_negative_area.json", f"{AREA} = -100", mk_json("01", _set(AREA, -100)),
         EVALUATE_2, ("负", "不能小于", "不小于", "≥ 0"), (AREA,), item=A64),
    Case(CASE, "json_huge_int_area.json", f"{AREA} = a {HUGE_INT_DIGITS:,}-digit integer",
         mk_json("01", **_raw(AREA, "9" * HUGE_INT_DIGITS)), EVALUATE_2, ("数字", "数值", "过大", "位"),
         (AREA,), item=A64),
    Case(CASE, "json_decimal_comma.json", f'{AREA} = "4999,9"', mk_json("01", _set(AREA, "4999,9")),
         EVALUATE_2, ("数字", "数值", "类型"), (AREA,), item=A64),
    Case(CASE, "json_text_in_number.json", f'{AREA} = "12600" (a string)', mk_json("01", _set(AREA, "12600")),
         EVALUATE_2, ("数字", "数值", "类型"), (AREA,), item=A64),
    Case(CASE, "json_duplicate_key.json", f'"{AREA_KEY}": 100, "{AREA_KEY}": 12600 in one object', mk_dup_key,
         EVALUATE_2, ("重复",), (AREA_KEY,), item=A64,
         note="judgement: a repeated key is ambiguous (JSON parsers keep either value) and is an error naming it"),
    Case(CASE, "json_misspelt_field.json", f"{AREA_SECTION}.{AREA_TYPO} instead of {AREA_KEY}, and satisfaction.rate = 1.5",
         mk_json("01", _misspelt), EVALUATE_2, ("未知", "拼写", "不允许", "字段", "多余"),
         (f"{AREA_SECTION}.{AREA_TYPO}", AREA_KEY, "satisfaction.rate"),
         note="both errors reported at once; the misspelt name is named and the closest known name suggested"),
    Case(CASE, "json_null_arrays.json", "every array null (service_functions, encouraged, revocations, changes, overrides, "
         "conduct.penalties, firms.roster, staff.members)", mk_json("01", _nulls), EVALUATE_0, refuse=True, item=A65,
         cells=(((), "待核实", ""),),
         note="docs: null = not filled, so it evaluates (0); the roster not filled makes 第六条第（五）项 待核实, never 符合"),
    Case(CASE, "json_deep_nesting.json", f"{JSON_DEPTH:,} levels of nested arrays in description", mk_deep, EVALUATE_2,
         ("嵌套", "层", "深")),
    Case(CASE, "json_huge_file.json", f"a roster repeated to ≈{HUGE_JSON_BYTES // 2**20} MB", mk_huge, EVALUATE_2,
         ("过大", "大小", "MB")),
    Case(CASE, "json_non_utf8_gbk.json", "examples/01 encoded in GBK", mk_json("01", encoding="gbk"), EVALUATE_2, ("编码", "UTF-8")),
    Case(CASE, "json_empty.json", "0 bytes", mk_bytes(b""), EVALUATE_2, ("空", "JSON")),
    Case(CASE, "json_top_level_array.json", "[ case ] instead of { case }", mk_json("01", lambda d: [d]), EVALUATE_2,
         ("对象", "顶层", "数组")),
    Case(CASE, "json_xlsx_renamed.json", "a sample workbook's bytes named .json", mk_xlsx_as_json, EVALUATE_2,
         ("编码", "JSON", "工作簿", "格式")),
    Case(CASE, "json_lone_surrogate.json", "base.name = \"\\ud800\" (an unpaired surrogate)",
         mk_json("01", **_raw("base.name", '"\\ud800中关村"')), EVALUATE_2, ("字符", "编码"), ("base.name",),
         note="judgement: text that cannot be encoded is an input error naming the field, not replaced silently"),
    Case(CASE, "json_date_feb30.json", "operator.established_on = 2023-02-30", mk_json("01", _set("operator.established_on", "2023-02-30")),
         EVALUATE_2, ("日期",), ("operator.established_on",), item=A61),
    Case(CASE, "json_year_as_date.json", "operator.established_on = 2024 (a number)", mk_json("01", _set("operator.established_on", 2024)),
         EVALUATE_2, ("日期",), ("operator.established_on",), item=A61),
    Case(CASE, "json_bad_credit_code.json", "firms.roster[3].credit_code with a wrong check character",
         mk_json("01", lambda d: _set("firms.roster[3].credit_code", broken_credit_code(d["firms"]["roster"][3]["credit_code"]))(d)),
         EVALUATE_2, ("统一社会信用代码", "校验"), ("firms.roster[3].credit_code",), item=A65),
    Case(CASE, "json_revocation_after_ref.json", "examples/07's 第十五条 revocation dated 90 days after the reference date",
         mk_json("07", _revocation_after_ref), EVALUATE_2, ("撤销", "参照日", "晚于"), ("revocations[0].date",), item=A15),
    Case(CASE, "json_art17_deadline_2027.json", "examples/12 plus a change on 2026-12-15 filed 2027-01-20",
         mk_json("12", _art17_2027), EVALUATE_0, refuse=False,
         cells=(((), "2027", ""), ((), "认定结论：符合认定条件", "")),
         note="the filing is 待核实 naming 2027; the case, verdict included, is still evaluated (exit 0)"),
]


# ---------------------------------------------------------------------------------------------- generation

@dataclass
class Ctx:
    scratch: Path                     # outside both corpus folders (symlink targets)
    template_names: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Made:
    case: Case
    path: Path
    names: tuple                      # case.names with {in_…} resolved to 工作表!单元格
    size: int


def resolve(text: str, names: dict) -> str:
    def sub(m):
        sheet, first, _ = names[m.group(1)]
        return f"{sheet}!{first}"
    return re.sub(r"\{([a-z0-9_]+)\}", sub, text)


def make_corpus(out: Path) -> list[Made]:
    """Write every file of :data:`CASES` under ``out`` (``books/``, ``cases/``, ``scratch/``)."""
    out = Path(out)
    books, cases, scratch = out / "books", out / "cases", out / "scratch"
    for d in (books, cases, scratch):
        d.mkdir(parents=True, exist_ok=True)
    ctx = Ctx(scratch, Pkg(TEMPLATE).names)
    made = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for c in CASES:
            p = (books if c.kind == BOOK else cases) / c.name
            c.make(p, ctx)
            size = p.lstat().st_size if p.is_symlink() or p.is_dir() else p.stat().st_size
            made.append(Made(c, p, tuple(resolve(n, ctx.template_names) for n in c.names), size))
    return made


def table(made: list[Made]) -> str:
    rows = ["| kind | file | how it is made | expected | keyword | names | bytes |", "|---|---|---|---|---|---|---|"]
    for m in made:
        c = m.case
        exp = ", ".join(f"{k} {v}" for k, v in c.exits.items())
        rows.append(f"| {c.kind} | `{c.name}` | {c.how} | {exp} | {' / '.join(c.keywords)} | {', '.join(m.names)} | {m.size:,} |")
    return "\n".join(rows)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_corpus")
    made = make_corpus(target)
    print(table(made))
    print(f"\n{len(made)} files under {target}")
