"""What a file named on the command line or found in a folder is, by its name: a workbook to evaluate, a file that
is not a submission (skipped, with the reason), or one that cannot be evaluated (why). Declared once for ``batch``,
``check DIR``, ``check FILE``, ``recalc`` and ``report``.

A module of its own so that a command of one workbook (``recalc``) asks it without importing the batch's machinery
(``jidi_xl.report.batch``: multiprocessing, the process pool, the summary workbook — ≈30 ms of a cold start,
measured with ``python -X importtime``).
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["BOOK_SUFFIX", "CASE_SUFFIX", "SKIPPED_NAMES", "SKIPPED_PREFIXES", "classify"]

# Names that are not submissions: listed as skipped, with the reason, never evaluated (and no effect on the exit code).
SKIPPED_PREFIXES = {
    "~$": "Excel/WPS 临时锁定文件（工作簿正被打开时产生），不是提交的工作簿，已跳过",
    "._": "macOS 附加信息文件（._ 开头，复制到 U 盘或共享盘时产生），不是工作簿，已跳过",
}
SKIPPED_NAMES = {n.lower(): "操作系统生成的文件，不是工作簿，已跳过" for n in (".DS_Store", "Thumbs.db", "desktop.ini")}
BOOK_SUFFIX = ".xlsx"
CASE_SUFFIX = ".json"


def classify(name: str) -> tuple[str, str]:
    """(kind, reason) of a file name."""
    low = name.lower()
    for prefix, why in SKIPPED_PREFIXES.items():
        if name.startswith(prefix):
            return "skipped", why
    if low in SKIPPED_NAMES:
        return "skipped", SKIPPED_NAMES[low]
    suffix = Path(low).suffix
    if suffix == BOOK_SUFFIX:
        return "book", ""
    if suffix == CASE_SUFFIX:
        return "failed", "这是案例 JSON 文件，请用 jidi-xl evaluate 评价（batch 与 check 只处理 .xlsx 工作簿）"
    return "failed", (f"不是 .xlsx 工作簿（{Path(name).suffix or '无扩展名'}）；"
                      "请在 Excel/WPS 中另存为 Excel 工作簿 (.xlsx) 标准评价工作簿后重新提交")
