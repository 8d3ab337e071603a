"""The package guard and the structure check, against hostile and broken workbooks built here.

Every case is a real file written into ``tmp_path`` (from a real sample, a part rewritten, or raw bytes),
then given to the three doors a workbook comes in by: :func:`check_package` (standard limits),
:meth:`StandardEngine.recalc` and :func:`process_workbook` (what ``check``/``recalc``/``batch`` use).
Each asserts: refused with the typed error (an ``InputError``) and nothing else, a Chinese message
naming the place (part, ``工作表!单元格`` or defined name), no verdict, and the input's bytes unchanged.
"""
from __future__ import annotations

import hashlib
import re
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from jidi_xl.engine.package import (GENERIC_LIMITS, MAX_PART_BYTES, PackageError, check_package)
from jidi_xl.pipeline.standard import StandardEngine, standard_limits
from jidi_xl.engine.structure import NotStandardWorkbook, canonical_formula
from jidi_xl.errors import InputError
from jidi_xl.fields import find
from jidi_xl.report.check import process_workbook
from jidi_xl.rules import RULES
from workbooks import SAMPLES_DIR, TEMPLATE_PATH
from workbooks.layout import LAYOUT

SAMPLE = SAMPLES_DIR / "03_fail_area.xlsx"         # 4,800 m² building: 第六条第（四）项 不符合
SHEET = {"填表说明": "xl/worksheets/sheet1.xml", "基本信息": "xl/worksheets/sheet2.xml",
         "入驻企业": "xl/worksheets/sheet3.xml", "评价结果": "xl/worksheets/sheet9.xml"}
SST, WB, CT = "xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def engine():
    return StandardEngine()


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- #
# building hostile packages
# --------------------------------------------------------------------------- #
def _parts(src: Path = SAMPLE) -> dict[str, bytes]:
    with zipfile.ZipFile(src) as z:
        return {n: z.read(n) for n in z.namelist()}


def _raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def write_zip(path: Path, members: list[tuple[str, bytes] | tuple[str, bytes, int, int, int]]) -> Path:
    """A zip written byte by byte: (name, data) is deflated honestly; (name, raw deflate stream, crc,
    declared size, 8) writes a pre-compressed member with whatever header the test wants (bombs, lies)."""
    out, central = bytearray(), bytearray()
    for m in members:
        name = m[0].encode()
        if len(m) == 2:
            data = m[1]
            comp, crc, size, method = _raw_deflate(data), zlib.crc32(data), len(data), 8
        else:
            comp, crc, size, method = m[1], m[2], m[3], m[4]
        off = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(comp), size, len(name), 0)
        out += name + comp
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc, len(comp),
                               size, len(name), 0, 0, 0, 0, 0, off) + name
    out += central + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central),
                                 len(out), 0)
    path.write_bytes(bytes(out))
    return path


def patched(path: Path, edits: dict[str, object], drop: tuple[str, ...] = (), add: dict[str, bytes] | None = None) -> Path:
    """The sample with parts rewritten: edits[name] is bytes, or a function text -> text."""
    members = []
    for n, data in _parts().items():
        if n in drop:
            continue
        e = edits.get(n)
        if callable(e):
            data = e(data.decode("utf-8")).encode("utf-8")
        elif e is not None:
            data = e
        members.append((n, data))
    members += list((add or {}).items())
    return write_zip(path, members)


def bomb_stream(prefix: bytes, suffix: bytes, mib: int) -> tuple[bytes, int]:
    """A raw deflate stream of prefix + mib MiB of zeros + suffix, made from one compressed MiB repeated
    (full flushes make the blocks byte-identical): ~1 KB per MiB, built in milliseconds. The CRC is not
    computed (the guard must stop long before the end, where zipfile would check it)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(b"0" * 2**20) + c.flush(zlib.Z_FULL_FLUSH)
    block2 = c.compress(b"0" * 2**20) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == block2
    tail = c.compress(suffix) + c.flush()
    return head + block * mib + tail, len(prefix) + mib * 2**20 + len(suffix)


def with_bomb(path: Path, part: str, declared: int | None = None, mib: int = 1024) -> Path:
    members = []
    for n, data in _parts().items():
        if n == part:
            text = data
            cut = text.index(b"<sst") if part == SST else text.index(b"<sheetData>")
            stream, size = bomb_stream(text[:cut] + (b"<sst><si><t>" if part == SST else b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>"),
                                       b"</t></si></sst>" if part == SST else b"</t></is></c></row></sheetData></worksheet>", mib)
            members.append((n, stream, 0, size if declared is None else declared, 8))
        else:
            members.append((n, data))
    return write_zip(path, members)


def _cell_xml(sheet_xml: str, ref: str) -> str:
    return re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', sheet_xml).group(0)


def replace_cell(ref: str, new: str):
    return lambda t: t.replace(_cell_xml(t, ref), new)


def add_cells(row_xml: str):
    return lambda t: t.replace("</sheetData>", row_xml + "</sheetData>")


def roster_rows(first: int, last: int) -> str:
    return "".join(f'<row r="{r}"><c r="B{r}" t="inlineStr"><is><t>企业{r}</t></is></c></row>' for r in range(first, last + 1))


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
                  + ']>')
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
AREA_NAME = find(RULES["art6_4"].reads[0]).name   # the building area (the field 第六条第（四）项 reads first)
BUILDING = LAYOUT[AREA_NAME]            # 基本信息!C25, 4800 in the sample


# --------------------------------------------------------------------------- #
# the table: (id, how to build, the text the message must hold)
# --------------------------------------------------------------------------- #
def _bytes(b: bytes):
    return lambda p: (p.write_bytes(b), p)[1]


PACKAGE_CASES = [
    ("empty", _bytes(b""), ["文件为空"]),
    ("truncated", lambda p: (p.write_bytes(SAMPLE.read_bytes()[:30000]), p)[1], ["不完整或已损坏"]),
    ("ole_xls", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000), [".xls", "去除密码"]),
    ("ole_encrypted", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le")
                             + b"\x00" * 600), ["加密", "去除密码"]),
    ("csv_renamed", _bytes("企业名称,面积\n某基地,5000\n".encode("gb18030")), ["文本/CSV", "另存为"]),
    ("html_renamed", _bytes(b"<html><body><table><tr><td>1</td></tr></table></body></html>"), ["HTML", "另存为"]),
    ("json_renamed", _bytes(b'{"format": "jidi-xl/case@1"}'), ["JSON", "jidi-xl evaluate"]),
    ("not_a_zip", _bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100), ["不是 ZIP"]),
    ("bomb_sheet", lambda p: with_bomb(p, SHEET["基本信息"]), ["xl/worksheets/sheet2.xml", "压缩炸弹"]),
    ("bomb_sst", lambda p: with_bomb(p, SST), ["xl/sharedStrings.xml", "压缩炸弹"]),
    # the header claims a size under the cap (ratio still absurd) / a small size (the CRC then fails)
    ("bomb_sst_ratio", lambda p: with_bomb(p, SST, declared=MAX_PART_BYTES - 1, mib=40), ["xl/sharedStrings.xml", "压缩比"]),
    ("bomb_sst_lying_header", lambda p: with_bomb(p, SST, declared=2**20, mib=40), ["xl/sharedStrings.xml", "损坏"]),
    ("too_many_members", lambda p: write_zip(p, list(_parts().items()) + [(f"customXml/item{i}.xml", b"<a/>") for i in range(600)]),
     ["部件", "上限"]),
    ("duplicate_part", lambda p: write_zip(p, list(_parts().items()) + [(SHEET["基本信息"], b"<worksheet/>")]),
     ["部件名重复"]),
    ("no_content_types", lambda p: patched(p, {}, drop=(CT,)), ["[Content_Types].xml"]),
    ("no_workbook_part", lambda p: patched(p, {}, drop=(WB,)), ["xl/workbook.xml"]),
    ("ods", lambda p: write_zip(p, [("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<a/>")]),
     [".ods"]),
    ("dtd_sst", lambda p: patched(p, {SST: lambda t: t.replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', BILLION_LAUGHS)}),
     ["xl/sharedStrings.xml", "XXE"]),
    ("dtd_workbook", lambda p: patched(p, {WB: lambda t: t.replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', XXE)
                                            .replace("<definedNames>", "<definedNames>&xxe;")}), ["xl/workbook.xml", "实体声明"]),
    ("dtd_sheet_utf16", lambda p: patched(p, {SHEET["填表说明"]: (XXE.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
                                                                + "<worksheet/>").encode("utf-16")}), ["xl/worksheets/sheet1.xml", "XXE"]),
    ("utf7_declared", lambda p: patched(p, {SST: lambda t: t.replace('encoding="UTF-8"', 'encoding="UTF-7"')}), ["UTF-7"]),
    ("control_char_cell", lambda p: patched(p, {SHEET["基本信息"]: replace_cell(BUILDING.ref, f'<c r="{BUILDING.ref}" t="inlineStr"><is><t>48\x0100</t></is></c>')}),
     [f"基本信息!{BUILDING.ref}", "控制字符"]),
    ("control_char_ref_cell", lambda p: patched(p, {SHEET["基本信息"]: replace_cell(BUILDING.ref, f'<c r="{BUILDING.ref}" t="inlineStr"><is><t>48&#1;00</t></is></c>')}),
     [f"基本信息!{BUILDING.ref}", "控制字符"]),
    ("control_char_sst", lambda p: patched(p, {SST: lambda t: t.replace("<si><t>", "<si><t>\x02", 1)}), ["共享字符串第 1 条", "控制字符"]),
    ("malformed_sheet", lambda p: patched(p, {SHEET["评价结果"]: lambda t: t.replace("</sheetData>", "<row r=\"99\"><c r=\"A99\"></sheetData>")}),
     ["评价结果", "不是合法的 XML"]),
    ("vba_project", lambda p: patched(p, {}, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 100}), ["含有宏", "不含宏"]),
    ("macro_content_type", lambda p: patched(p, {CT: lambda t: t.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                                                 "application/vnd.ms-excel.sheet.macroEnabled.main+xml")}),
     ["宏", "不含宏"]),
    ("far_cell_basic", lambda p: patched(p, {SHEET["基本信息"]: add_cells('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')}),
     ["基本信息!XFD1048576", "超出标准模板的范围", "D67"]),
    ("far_cell_guide_empty", lambda p: patched(p, {SHEET["填表说明"]: add_cells('<row r="1048576"><c r="XFD1048576" s="1"/></row>')}),
     ["填表说明!XFD1048576", "超出标准模板的范围"]),
    ("far_cell_results", lambda p: patched(p, {SHEET["评价结果"]: add_cells('<row r="60"><c r="Z60"><v>1</v></c></row>')}),
     ["评价结果!Z60", "H55"]),
    ("far_merge", lambda p: patched(p, {SHEET["填表说明"]: lambda t: re.sub(r'<mergeCells count="\d+">', r'\g<0><mergeCell ref="A100:XFD1048576"/>', t)}),
     ["填表说明", "A100:XFD1048576"]),
    ("hidden_address", lambda p: patched(p, {SHEET["基本信息"]: add_cells('<row r="70"><c foo=\'" r="A1"\' r="XFD1048576"><v>1</v></c></row>')}),
     ["基本信息", "非常规"]),
    ("roster_overflow", lambda p: patched(p, {SHEET["入驻企业"]: add_cells(roster_rows(1004, 2500))}),
     ["入驻企业!B1004", "名册最多 1000 行", "1497 处"]),
]


@pytest.mark.parametrize("case,build,want", PACKAGE_CASES, ids=[c[0] for c in PACKAGE_CASES])
def test_hostile_package_refused(case, build, want, tmp_path, engine):
    path = build(tmp_path / f"{case}.xlsx")
    before = _sha(path)
    tracemalloc.start()
    t = time.perf_counter()
    with pytest.raises(PackageError) as ei:
        check_package(path, standard_limits())
    seconds = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    text = str(ei.value)
    assert all(w in text for w in want), text
    assert all(CJK.search(p.message) for p in ei.value.problems) and "Traceback" not in text
    assert seconds < 3 and peak < 48 * 2**20, (seconds, peak)
    with pytest.raises(PackageError):            # the engine: the same typed refusal (memoised)
        engine.recalc(path)
    res = process_workbook(path, tmp_path / "out.xlsx", engine)     # check / recalc / batch: problems, no raise
    assert res.problems and not res.evaluated and res.output is None and not (tmp_path / "out.xlsx").exists()
    assert any(want[0] in p for p in res.problems), res.problems
    assert _sha(path) == before


def test_bombs_are_refused_fast_and_small(tmp_path):
    """A 1 GiB sheet / shared-strings part, and a lying header: refused from the header or within the cap."""
    for part in (SHEET["基本信息"], SST):
        p = with_bomb(tmp_path / "b.xlsx", part)
        assert p.stat().st_size < 3 * 2**20
        tracemalloc.start()
        t = time.perf_counter()
        with pytest.raises(PackageError):
            check_package(p, GENERIC_LIMITS)
        assert time.perf_counter() - t < 1 and tracemalloc.get_traced_memory()[1] < 8 * 2**20
        tracemalloc.stop()
    p = with_bomb(tmp_path / "lie.xlsx", SST, declared=MAX_PART_BYTES - 1, mib=40)
    lie = PackageLimits_with_ratio_off()
    tracemalloc.start()
    t = time.perf_counter()
    with pytest.raises(PackageError) as ei:     # streamed to the declared size (zipfile stops there), CRC fails
        check_package(p, lie)
    assert time.perf_counter() - t < 3 and tracemalloc.get_traced_memory()[1] < 8 * 2**20
    tracemalloc.stop()
    assert "损坏" in str(ei.value)


def PackageLimits_with_ratio_off():
    from dataclasses import replace
    return replace(GENERIC_LIMITS, max_ratio=10**9)


@pytest.mark.parametrize("rows,ok", [(1003, True), (1004, False)])
def test_roster_boundary(rows, ok, tmp_path, engine):
    """The roster's last row (1003) is accepted; one row more is refused, named."""
    p = patched(tmp_path / "r.xlsx", {SHEET["入驻企业"]: add_cells(roster_rows(rows, rows))})
    if ok:
        assert check_package(p, standard_limits()).extents["入驻企业"][0] == 1003
    else:
        with pytest.raises(PackageError, match="入驻企业!B1004"):
            check_package(p, standard_limits())


# --------------------------------------------------------------------------- #
# structure: not the standard workbook -> never a verdict
# --------------------------------------------------------------------------- #
def _forged_input(order: str):
    ref = BUILDING.ref
    attrs = f'r="{ref}" t="n"' if order == "r_first" else f't="n" s="11" r="{ref}"'
    return {SHEET["基本信息"]: replace_cell(ref, f"<c {attrs}><f>100</f><v>99999</v></c>")}


def _rename_sheet(t: str) -> str:
    return t.replace('name="入驻企业"', 'name="入驻企业名单"')


STRUCTURE_CASES = [
    ("formula_in_input_r_first", lambda p: patched(p, _forged_input("r_first")), [f"基本信息!{BUILDING.ref}", "输入单元格中不能有公式"]),
    ("formula_in_input_r_last", lambda p: patched(p, _forged_input("r_last")), [f"基本信息!{BUILDING.ref}", "输入单元格中不能有公式"]),
    ("repointed_name", lambda p: patched(p, {WB: lambda t: t.replace("'基本信息'!$C$25", "'_lists'!$K$18")}),
     [AREA_NAME, "被改为指向"]),
    ("edited_verdict", lambda p: patched(p, {SHEET["评价结果"]: lambda t: t.replace(
        'IF(in_ref_date="","未作认定评价（未填申请受理截止日期）",JIDI_RECOGNITION(out_final_outcomes))', '"符合认定条件"')}),
     ["评价结果!D18", "公式被修改"]),
    ("renamed_sheet", lambda p: patched(p, {WB: _rename_sheet}), ["缺少工作表「入驻企业」", "入驻企业名单"]),
    ("missing_sheet", lambda p: patched(p, {WB: lambda t: re.sub(r'<sheet name="依据"[^>]*/>', "", t)}), ["缺少工作表「依据」"]),
    ("shadowing_name", lambda p: patched(p, {WB: lambda t: t.replace(
        "</definedNames>", f"<definedName name=\"{AREA_NAME}\" localSheetId=\"8\">'_lists'!$K$18</definedName></definedNames>")}),
     [AREA_NAME, "工作表级"]),
    ("fixed_cell_edited", lambda p: patched(p, {SHEET["评价结果"]: replace_cell("A18", '<c r="A18" t="inlineStr"><is><t>伪造</t></is></c>')}),
     ["评价结果!A18", "模板固定内容被修改"]),
    ("note_in_locked_cell", lambda p: patched(p, {SHEET["入驻企业"]: add_cells('<row r="500"><c r="A500"><v>7</v></c></row>')}),
     ["入驻企业!A500", "模板固定内容被修改"]),
]


@pytest.mark.parametrize("case,build,want", STRUCTURE_CASES, ids=[c[0] for c in STRUCTURE_CASES])
def test_not_the_standard_workbook_is_never_a_verdict(case, build, want, tmp_path, engine):
    path = build(tmp_path / f"{case}.xlsx")
    before = _sha(path)
    check_package(path, standard_limits())          # a sound package: the structure check refuses it
    with pytest.raises(NotStandardWorkbook) as ei:
        engine.recalc(path)
    text = str(ei.value)
    assert all(w in text for w in want) and "不是标准评价工作簿" in text, text
    assert isinstance(ei.value, InputError)
    res = process_workbook(path, tmp_path / "out.xlsx", engine)
    assert res.problems and not res.evaluated and not res.values and not (tmp_path / "out.xlsx").exists()
    assert any(want[0] in p for p in res.problems), res.problems
    assert not any("符合认定条件" == v for v in res.values.values())
    assert _sha(path) == before


def test_forged_input_formula_was_a_pass_before(tmp_path, engine):
    """The forged cell is what would have passed 第六条第（四）项: its cached 99999 m² (the sample has 4,800)."""
    path = patched(tmp_path / "f.xlsx", _forged_input("r_last"))
    with zipfile.ZipFile(path) as z:
        assert b'<c t="n" s="11" r="C25"><f>100</f><v>99999</v></c>' in z.read(SHEET["基本信息"])
    with pytest.raises(NotStandardWorkbook, match="C25"):
        engine.is_template_copy(path)


# --------------------------------------------------------------------------- #
# what must still pass
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("path", [TEMPLATE_PATH] + sorted(SAMPLES_DIR.glob("*.xlsx")), ids=lambda p: p.name)
def test_template_and_samples_pass(path, engine):
    info = check_package(path, standard_limits())
    assert set(dict(info.sheets)) >= {"基本信息", "入驻企业", "评价结果"}
    engine.open(path)


def test_excel_shared_formulas_and_spelling_pass(tmp_path, engine):
    """What Excel writes on saving — shared formulas, unquoted sheet names in names, _xlfn./spacing — is the
    standard workbook still, and evaluates to the same values (full path)."""
    def shared(t: str) -> str:           # 重大变更 E4:E13 as one shared formula, as Excel stores it
        for r in range(4, 14):
            old = f'<f>IF(C{r}="","",JIDI_FILING_DEADLINE(C{r}))</f>'
            new = ('<f t="shared" ref="E4:E13" si="0">IF(C4="","",JIDI_FILING_DEADLINE(C4))</f>' if r == 4
                   else '<f t="shared" si="0"/>')
            assert old in t
            t = t.replace(old, new)
        return t
    path = patched(tmp_path / "excel.xlsx", {
        "xl/worksheets/sheet6.xml": shared,
        WB: lambda t: t.replace("'基本信息'!$C$25", "基本信息!$C$25"),
        SHEET["评价结果"]: lambda t: t.replace("JIDI_RECOGNITION(out_final_outcomes)", "_xludf.JIDI_RECOGNITION( out_final_outcomes )")})
    res, how = engine.recalc(path)
    plain, _ = engine.recalc(SAMPLE)
    assert how == "full" and res.ok and res.values == plain.values


@pytest.mark.parametrize("a,b,same", [
    ("IF(A1>0.50,TRUE,\"x\")", "if(a1>.5, true, \"x\")", True),
    ("[1]!JIDI_X(in_a)", "JIDI_X(in_a)", True),
    ("'C:\\x\\jidi_xl_addin.xlam'!JIDI_X(in_a)", "_xludf.JIDI_X(in_a)", True),
    ("'基本信息'!$C$25", "基本信息!$C$25", True),
    ("'基本信息'!$C$25", "'基本信息'!C25", False),          # absolute vs relative: a different name
    ("IF(A1=\"a\",1,2)", "IF(A1=\"A\",1,2)", False),        # string literals keep their case
    ("JIDI_X(in_a)", "JIDI_X(in_b)", False),
])
def test_canonical_formula(a, b, same):
    assert (canonical_formula(a) == canonical_formula(b)) is same


def test_guard_cost_on_a_filled_sample(capsys):
    """The guard's own cost on a filled sample (printed; the batch spends ~0.13 s per file)."""
    from jidi_xl.engine import package
    path = SAMPLES_DIR / "01_general_track_pass.xlsx"
    best = 1.0
    for _ in range(5):
        package._CACHE.clear()
        t = time.process_time()
        check_package(path, standard_limits())
        best = min(best, time.process_time() - t)
    t = time.perf_counter()
    check_package(path, standard_limits())
    cached = time.perf_counter() - t
    with capsys.disabled():
        print(f"\n[package guard] filled sample: {best * 1000:.1f} ms CPU; memoised: {cached * 1e6:.0f} µs")
    assert best < 0.1 and cached < 0.05      # generous: 2 shared cores; the figures are what is printed


@pytest.mark.parametrize("far,ok", [("A1000", True), ("XFD1", True), ("XFD62", False), ("A1048576", False)])
def test_generic_recalculator_bounds_the_used_rectangle(far, ok, xlsx, cell, rows, udfs):
    """Without per-sheet maxima (the generic engine), a sheet's used rectangle is still bounded: formulas
    walks all of it (one cell at A1048576 of a 14-column sheet cost 68 s and 2 GB)."""
    from jidi_xl.engine import Recalculator
    p = xlsx(f"far_{far}.xlsx", [("S", rows(cell("A1", 2), cell("B1", None, f="A1*2"), cell(far, 1)))])
    before = _sha(p)
    rc = Recalculator(udfs)
    if ok:
        assert rc.recalc(p).values[("S", "B1")] == 4
    else:
        with pytest.raises(PackageError, match="使用区域 A1:[A-Z]+[0-9]+ 过大") as ei:
            rc.recalc(p)
        assert ei.value.problems[0].field.startswith("S!")
    assert _sha(p) == before
