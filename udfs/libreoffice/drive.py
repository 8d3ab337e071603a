"""UNO operations on a running soffice, run by LibreOffice's Python (``/usr/bin/python3``; see office.py).

    echo '[{"op": "load", "path": "book.xlsx"}, {"op": "recalc"}, {"op": "formulas"}]' |
        /usr/bin/python3 -m udfs.libreoffice.drive PIPE

stdin: a JSON list of operations; stdout: the JSON list of their results. Standard library and ``uno`` only
(LibreOffice's Python has none of jidi-xl's dependencies). One document is "current" at a time.

Operations: ping · terminate · new · load {path, hidden} · close · recalc · set {cell, formula|value|string}
· set_named {name, value|string} · read {cells} · read_named {names} · formulas · store {path, filter}
· dispatch {url} · functions.
"""
from __future__ import annotations

import json
import sys
import time
from typing import Any

import uno

CALC_FILTER = "Calc MS Excel 2007 XML"


def _props(**kw):
    out = []
    for k, v in kw.items():
        p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def connect(pipe: str, timeout: float):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # noqa: BLE001 — NoConnectException until soffice listens
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def cell_value(cell):
    """A cell as xlwings would give it: None for empty, a float, a text, or an error as LibreOffice shows it
    (``#NAME?``, ``Err:502``). Also the button's reading (:mod:`.calc`)."""
    kind = cell.getType().value
    if kind == "EMPTY":
        return None
    if kind == "VALUE":
        return cell.getValue()
    if kind == "TEXT":
        return cell.getString()
    if cell.getError():
        return cell.getString() or f"Err:{cell.getError()}"
    if cell.FormulaResultType2 == 1:          # com.sun.star.sheet.FormulaResult.VALUE
        return cell.getValue()
    return cell.getString()


class Driver:
    def __init__(self, ctx):
        self.ctx = ctx
        self.smgr = ctx.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        self.doc: Any = None          # the pyuno document (untyped), once opened

    def _cell(self, ref: str):
        sheet_name, _, addr = ref.rpartition("!")
        sheets = self.doc.getSheets()
        sheet = sheets.getByName(sheet_name.strip("'")) if sheet_name else sheets.getByIndex(0)
        return sheet.getCellRangeByName(addr.replace("$", ""))

    def _named_cell(self, name: str):
        return self.doc.NamedRanges.getByName(name).getReferredCells().getCellByPosition(0, 0)

    def op_ping(self):
        return "pong"

    def op_terminate(self):
        """Close every document (no lock file stays behind), then end soffice."""
        try:
            comps = self.desktop.getComponents().createEnumeration()
            while comps.hasMoreElements():
                comps.nextElement().close(True)
        except Exception:  # noqa: BLE001
            pass
        try:
            self.desktop.terminate()
        except Exception:  # noqa: BLE001 — the bridge drops as soffice exits
            pass
        return None

    def op_new(self):
        self.doc = self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, _props(Hidden=True))
        return None

    def op_load(self, path, hidden=True):
        t = time.perf_counter()
        self.doc = self.desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                                     _props(Hidden=hidden))
        if self.doc is None:
            raise RuntimeError(f"LibreOffice could not open {path}")
        return {"seconds": time.perf_counter() - t}

    def op_close(self):
        if self.doc is not None:
            self.doc.close(True)
            self.doc = None
        return None

    def op_recalc(self):
        t = time.perf_counter()
        self.doc.calculateAll()
        return {"seconds": time.perf_counter() - t}

    def op_set(self, cell, formula=None, value=None, string=None):
        c = self._cell(cell)
        if formula is not None:
            c.setFormula(formula)
        elif string is not None:
            c.setString(string)
        elif value is not None:
            c.setValue(value)
        else:
            c.setString("")
        return cell_value(c)

    def op_set_named(self, name, value=None, string=None):
        c = self._named_cell(name)
        if string is not None:
            c.setString(string)
        elif value is not None:
            c.setValue(value)
        else:
            c.setString("")
        return None

    def op_read(self, cells):
        return {ref: cell_value(self._cell(ref)) for ref in cells}

    def op_read_named(self, names):
        return {n: cell_value(self._named_cell(n)) for n in names}

    def op_formulas(self):
        """Every formula cell: {"Sheet!A1": [formula, value]}."""
        out = {}
        sheets = self.doc.getSheets()
        for i in range(sheets.getCount()):
            sheet = sheets.getByIndex(i)
            name = sheet.getName()
            for a in sheet.queryContentCells(16).getRangeAddresses():        # CellFlags.FORMULA
                rng = sheet.getCellRangeByPosition(a.StartColumn, a.StartRow, a.EndColumn, a.EndRow)
                for r, row in enumerate(rng.getFormulaArray()):
                    for c, f in enumerate(row):
                        if not f.startswith("="):
                            continue
                        cell = rng.getCellByPosition(c, r)
                        ref = cell.AbsoluteName.rpartition(".")[2].replace("$", "")
                        out[f"{name}!{ref}"] = [f, cell_value(cell)]
        return out

    def op_store(self, path, filter=CALC_FILTER):
        self.doc.storeToURL(uno.systemPathToFileUrl(path), _props(FilterName=filter))
        return None

    def op_dispatch(self, url):
        frame = self.doc.getCurrentController().getFrame()
        helper = self.smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", self.ctx)
        t = time.perf_counter()
        helper.executeDispatch(frame, url, "", 0, ())
        return {"seconds": time.perf_counter() - t}

    def op_functions(self):
        """The Function Wizard's view of every add-in function (``com.sun.star.sheet.FunctionDescriptions``)."""
        fd = self.smgr.createInstanceWithContext("com.sun.star.sheet.FunctionDescriptions", self.ctx)
        out = {}
        for i in range(fd.getCount()):
            d = {p.Name: p.Value for p in fd.getByIndex(i)}
            if str(d.get("Name", "")).upper().startswith("JIDI_"):
                out[d["Name"]] = {"description": d.get("Description"), "category": d.get("Category"),
                                  "args": [[a.Name, a.Description, a.IsOptional] for a in d.get("Arguments", ())]}
        return out


def main(argv: list[str]) -> int:
    pipe = argv[1]
    timeout = float(argv[2]) if len(argv) > 2 else 60.0
    ops = json.loads(sys.stdin.read())
    driver = Driver(connect(pipe, timeout))
    results = []
    for op in ops:
        op = dict(op)
        name = op.pop("op")
        results.append(getattr(driver, f"op_{name}")(**op))
    json.dump(results, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
