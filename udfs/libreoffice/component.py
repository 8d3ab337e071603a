"""The Python UNO component of the jidi-xl LibreOffice extension (shipped as ``jidi_addin.py``).

It runs inside LibreOffice's own Python (Debian: ``/usr/bin/python3``), not the project's interpreter.
``build.py`` writes the function metadata into :data:`META` below; nothing of jidi-xl is imported when
LibreOffice loads this module (it does so at the first formula load of every process). Two services:

* ``org.jidixl.Functions`` (``com.sun.star.sheet.AddIn``): one method per ``JIDI_`` function, Function
  Wizard texts in Chinese, the Excel name as display and compatibility name. A call imports the project's
  runtime (``udfs.libreoffice.runtime``) once — from the paths the install step recorded — and hands the
  arguments to it: the SAME registry functions through the SAME adapters as in Excel and the headless
  engine. Nothing raises into a cell: a missing/mismatched installation shows a Chinese message saying
  what to install; an unexpected error shows ``内部错误：…`` and is logged.
* ``org.jidixl.Evaluate``: the toolbar/menu button 评价当前工作簿 (``XJobExecutor.trigger``) and the
  ``OnLoadFinished`` job (``XJob.execute``) that re-enters the ``JIDI_`` formulas of a document just
  loaded — LibreOffice 7.4's xlsx import leaves ``=JIDI_X(…)`` unbound (``#NAME?``); entered again, the
  formula resolves the add-in's display name.

Log: ``<LibreOffice user profile>/jidi-xl/addin.log``. The button's last verdict:
``<profile>/jidi-xl/last-evaluation.json`` (readable in headless mode, where no dialog is shown).
"""
import importlib
import json
import os
import sys
import time
import traceback
from typing import Any

import uno
import unohelper
from com.sun.star.lang import XServiceInfo, XServiceName
from com.sun.star.sheet import XAddIn, XCompatibilityNames
from com.sun.star.task import XJob, XJobExecutor
from org.jidixl import XFunctions

META: dict = {}  # replaced by build.py

PATHS_FILE = "python-paths.json"     # written by udfs.libreoffice.install into <profile>/user/jidi-xl/
LAST_FILE = "last-evaluation.json"
# the runtime module once imported, the Chinese error that stopped it, the profile folder: None until known
_STATE: dict[str, Any] = {"runtime": None, "error": None, "user_dir": None}
_FUNCS = {f["name"]: f for f in META.get("functions", [])}


# -- the profile folder, the log -------------------------------------------------------------------

def _user_dir(ctx):
    """``<profile>/user/jidi-xl`` (created), from LibreOffice's ``$(user)`` path variable."""
    if _STATE["user_dir"] is None:
        try:
            ps = ctx.ServiceManager.createInstanceWithContext("com.sun.star.util.PathSubstitution", ctx)
            d = os.path.join(uno.fileUrlToSystemPath(ps.substituteVariables("$(user)", True)), "jidi-xl")
        except Exception:  # noqa: BLE001
            d = os.path.join(os.path.expanduser("~"), ".jidi-xl-libreoffice")
        os.makedirs(d, exist_ok=True)
        _STATE["user_dir"] = d
    return _STATE["user_dir"]


def _log(ctx, text):
    try:
        with open(os.path.join(_user_dir(ctx), "addin.log"), "a", encoding="utf-8") as f:
            f.write(time.strftime("%Y-%m-%d %H:%M:%S ") + text.rstrip() + "\n")
    except Exception:  # noqa: BLE001 — logging never breaks a cell
        pass


# -- finding jidi-xl ---------------------------------------------------------------------------------

def _paths(ctx):
    """What the install step recorded (the installing interpreter, its site-packages, the package
    folder), else what the build recorded."""
    try:
        with open(os.path.join(_user_dir(ctx), PATHS_FILE), encoding="utf-8") as f:
            return json.load(f), "install"
    except (OSError, ValueError):
        return META.get("build_paths", {}), "build"


def _version(v):
    return ".".join(str(x) for x in v)


def runtime(ctx):
    """The project's runtime module, imported once; None with ``_STATE['error']`` (Chinese) if impossible."""
    if _STATE["runtime"] is not None or _STATE["error"] is not None:
        return _STATE["runtime"]
    paths, source = _paths(ctx)
    want = tuple(paths.get("python", ())[:2])
    have = sys.version_info[:2]
    exe = paths.get("executable", "?")
    if want and want != have:
        _STATE["error"] = (f"安装错误：LibreOffice 使用 Python {_version(sys.version_info[:3])}，而 jidi-xl 安装在 Python "
                           f"{_version(paths['python'])}（{exe}）；两者主次版本必须相同。请用 Python {_version(have)} 安装 "
                           f"jidi-xl（如 {sys.executable} -m venv …；pip install jidi-xl），再运行 "
                           "jidi-xl addin install --libreoffice。见 docs/libreoffice-setup.md")
        _log(ctx, _STATE["error"])
        return None
    # The package folder first (our udfs/jidi_xl win); the installing interpreter's site-packages before
    # LibreOffice's dist-packages, so jidi-xl's pinned dependencies are the ones imported.
    root = paths.get("package_root")
    if root and root not in sys.path:
        sys.path.insert(0, root)
    dist = next((i for i, p in enumerate(sys.path) if p.rstrip("/").endswith("dist-packages")), len(sys.path))
    for p in paths.get("site_packages", []):
        if p not in sys.path:
            sys.path.insert(dist, p)
            dist += 1
    try:
        _STATE["runtime"] = importlib.import_module(META.get("target", "udfs.libreoffice.runtime"))
        _log(ctx, f"jidi-xl loaded from {root} (paths recorded at {source}); Python {sys.version.split()[0]}")
    except Exception as exc:  # noqa: BLE001
        error = (f"安装错误：LibreOffice 的 Python（{sys.executable} {_version(sys.version_info[:3])}）无法导入 "
                 f"jidi-xl（{type(exc).__name__}: {exc}）。请确认 jidi-xl 已用同一主次版本的 Python 安装，"
                 "再运行 jidi-xl addin install --libreoffice。见 docs/libreoffice-setup.md")
        _STATE["error"] = error
        _log(ctx, error + "\n" + traceback.format_exc())
    return _STATE["runtime"]


# -- the Calc add-in ---------------------------------------------------------------------------------

class JidiFunctions(unohelper.Base, XFunctions, XAddIn, XCompatibilityNames, XServiceName, XServiceInfo):
    def __init__(self, ctx):
        self.ctx = ctx
        self.locale = uno.createUnoStruct("com.sun.star.lang.Locale")

    def _call(self, name, args):
        rt = runtime(self.ctx)
        if rt is None:
            return _STATE["error"]
        try:
            return rt.call(name, args, _calling_ruleset(self.ctx))
        except Exception as exc:  # noqa: BLE001 — the registry never raises; this is a bug to report
            _log(self.ctx, f"{name}{args!r}\n{traceback.format_exc()}")
            return f"内部错误：{type(exc).__name__}: {exc}"

    # XAddIn (LibreOffice's spelling of getProgrammaticFuntionName)
    def getProgrammaticFuntionName(self, display):
        return display if display in _FUNCS else ""

    def getDisplayFunctionName(self, name):
        return name

    def getFunctionDescription(self, name):
        return _FUNCS[name]["description"] if name in _FUNCS else ""

    def _arg(self, name, i):
        args = _FUNCS.get(name, {}).get("args", [])
        return args[i] if 0 <= i < len(args) else None

    def getDisplayArgumentName(self, name, i):
        a = self._arg(name, i)
        return a["name"] if a else ""

    def getArgumentDescription(self, name, i):
        a = self._arg(name, i)
        return (a["doc"] + ("（可省略）" if a["optional"] else "")) if a else ""

    def getProgrammaticCategoryName(self, name):
        return META.get("category", "Add-In")

    def getDisplayCategoryName(self, name):
        return META.get("category", "Add-In")

    # XLocalizable
    def setLocale(self, locale):
        self.locale = locale

    def getLocale(self):
        return self.locale

    # XCompatibilityNames: the Excel name, for every locale
    def getCompatibilityNames(self, name):
        if name not in _FUNCS:
            return ()
        loc = uno.createUnoStruct("com.sun.star.lang.Locale", "en", "US", "")
        return (uno.createUnoStruct("com.sun.star.sheet.LocalizedName", loc, name),)

    # XServiceName / XServiceInfo
    def getServiceName(self):
        return META["service"]

    def getImplementationName(self):
        return META["implementation"]

    def supportsService(self, name):
        return name in self.getSupportedServiceNames()

    def getSupportedServiceNames(self):
        return (META["service"], "com.sun.star.sheet.AddIn")


def _method(name):
    def method(self, *args):
        return self._call(name, args)
    method.__name__ = name
    return method


for _name in _FUNCS:
    setattr(JidiFunctions, _name, _method(_name))


# -- the button and the load job --------------------------------------------------------------------

def _is_calc(doc):
    try:
        return doc is not None and doc.supportsService("com.sun.star.sheet.SpreadsheetDocument")
    except Exception:  # noqa: BLE001
        return False


def find_document(ctx):
    """The Calc document the button is for: the desktop's current component, else the first open Calc
    document (under Xvfb without a window manager nothing may be 'current')."""
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.getCurrentComponent()
    if _is_calc(doc):
        return doc
    comps = desktop.getComponents().createEnumeration()
    while comps.hasMoreElements():
        c = comps.nextElement()
        if _is_calc(c):
            return c
    return None


def document_ruleset(doc):
    """The rule-set key the document records (its ``info_ruleset`` cell, e.g. ``bj-2022@2025``), or None (no
    document, or not the standard workbook: the runtime then uses the default rule-set, udfs.context)."""
    if doc is None:
        return None
    try:
        names = doc.NamedRanges
        if not names.hasByName("info_ruleset"):
            return None
        text = names.getByName("info_ruleset").getReferredCells().getCellByPosition(0, 0).getString().strip()
        return text or None
    except Exception:  # noqa: BLE001 — never break a cell over this
        return None


def _calling_ruleset(ctx):
    """The key of the document being calculated (the current Calc document), None when it cannot be told."""
    try:
        return document_ruleset(find_document(ctx))
    except Exception:  # noqa: BLE001
        return None


def bind_formulas(ctx, doc):
    """Re-enter every formula that calls a ``JIDI_`` function so that it binds to the add-in; returns how
    many. (7.4's xlsx import does not bind compatibility names; an entered formula resolves display names.)"""
    names = tuple(n.upper() for n in _FUNCS)
    if not names:
        return 0
    t0 = time.perf_counter()
    was_modified = doc.isModified()
    n = 0
    doc.lockControllers()
    doc.addActionLock()
    try:
        sheets = doc.getSheets()
        for i in range(sheets.getCount()):
            sheet = sheets.getByIndex(i)
            ranges = sheet.queryContentCells(16)            # com.sun.star.sheet.CellFlags.FORMULA
            for addr in ranges.getRangeAddresses():
                rng = sheet.getCellRangeByPosition(addr.StartColumn, addr.StartRow, addr.EndColumn, addr.EndRow)
                rows = rng.getFormulaArray()
                for r, row in enumerate(rows):
                    for c, f in enumerate(row):
                        if "JIDI_" in f.upper() and any(nm in f.upper() for nm in names):
                            rng.getCellByPosition(c, r).setFormula(f)
                            n += 1
    finally:
        doc.removeActionLock()
        doc.unlockControllers()
    if n:
        doc.calculateAll()
        if not was_modified:
            doc.setModified(False)
    _log(ctx, f"bound {n} JIDI_ formulas in {doc.getURL() or '(untitled)'} in {time.perf_counter() - t0:.3f} s")
    return n


def _named_values(seq):
    return {nv.Name: nv.Value for nv in (seq or ())}


class JidiEvaluate(unohelper.Base, XJobExecutor, XJob, XServiceInfo):
    def __init__(self, ctx):
        self.ctx = ctx

    # XJob: OnLoadFinished
    def execute(self, args):
        try:
            env = _named_values(_named_values(args).get("Environment"))
            doc = env.get("Model")
            if _is_calc(doc):
                bind_formulas(self.ctx, doc)
        except Exception:  # noqa: BLE001 — a load job never breaks opening a document
            _log(self.ctx, "OnLoadFinished job failed\n" + traceback.format_exc())
        return ()

    # XJobExecutor: the button
    def trigger(self, what):
        try:
            self.evaluate()
        except Exception:  # noqa: BLE001
            _log(self.ctx, "button failed\n" + traceback.format_exc())

    def evaluate(self):
        doc = find_document(self.ctx)
        if doc is None:
            text, problem = "没有打开的电子表格文档：请先打开 jidi-xl 标准评价工作簿，再按“评价当前工作簿”。", True
        else:
            rt = runtime(self.ctx)
            if rt is None:
                text, problem = _STATE["error"], True
            else:
                try:
                    text, problem = rt.evaluate_document(self.ctx, doc)
                except Exception as exc:  # noqa: BLE001
                    _log(self.ctx, "evaluate_document failed\n" + traceback.format_exc())
                    text, problem = f"内部错误：{type(exc).__name__}: {exc}（请报告给 jidi-xl 维护者）", True
        record = {"document": doc.getURL() if doc is not None else None, "text": text, "problem": problem,
                  "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
        with open(os.path.join(_user_dir(self.ctx), LAST_FILE), "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False, indent=1)
        _log(self.ctx, "button: " + text.replace("\n", " | "))
        self._show(doc, text, problem)
        return text, problem

    def _show(self, doc, text, problem):
        """A message box when the document has a visible window (never in headless mode)."""
        try:
            window = doc.getCurrentController().getFrame().getContainerWindow() if doc is not None else None
            if window is None or not window.isVisible():
                return
            tk = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.awt.Toolkit", self.ctx)
            kind = uno.Enum("com.sun.star.awt.MessageBoxType", "ERRORBOX" if problem else "INFOBOX")
            box = tk.createMessageBox(window, kind, 1, META.get("title", "jidi-xl"), text)   # 1 = BUTTONS_OK
            box.execute()
            box.dispose()
        except Exception:  # noqa: BLE001
            _log(self.ctx, "message box failed\n" + traceback.format_exc())

    def getImplementationName(self):
        return META["evaluate_implementation"]

    def supportsService(self, name):
        return name in self.getSupportedServiceNames()

    def getSupportedServiceNames(self):
        return (META["evaluate_service"], "com.sun.star.task.Job")


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(JidiFunctions, META.get("implementation", "org.jidixl.FunctionsImpl"),
                                         (META.get("service", "org.jidixl.Functions"), "com.sun.star.sheet.AddIn"))
g_ImplementationHelper.addImplementation(JidiEvaluate, META.get("evaluate_implementation", "org.jidixl.EvaluateImpl"),
                                         (META.get("evaluate_service", "org.jidixl.Evaluate"), "com.sun.star.task.Job"))
