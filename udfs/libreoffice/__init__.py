"""The LibreOffice Calc face of the registry: a ``.oxt`` extension generated from :data:`udfs.registry.REGISTRY`.

* :func:`build_extension` — IDL → ``.rdb`` (LibreOffice SDK's ``unoidl-write``), the Python UNO component,
  the Function Wizard metadata, the toolbar/menu entry 评价当前工作簿 and the load job, zipped as ``.oxt``;
* :func:`install_extension` — into the current user's profile or a profile folder (works as root);
* :func:`programmatic_name` — the name LibreOffice stores in files for a ``JIDI_`` function;
* :func:`libreoffice_copy` — a copy of an ``.xlsx`` whose ``JIDI_`` calls LibreOffice 7.4 binds on import;
* :data:`BUTTON_URL` — the toolbar command, for ``XDispatchHelper.executeDispatch``.

Design notes (measured facts in docs/libreoffice-setup.md and the module docstrings).
"""
from __future__ import annotations

from pathlib import Path

from .build import (BUTTON_URL, EVALUATE_SERVICE, EXTENSION_ID, SERVICE_NAME, LibreOfficeMissing, build_extension,
                    name_map, programmatic_name)
from .install import install_extension


def libreoffice_copy(src_xlsx: Path, dst_xlsx: Path) -> Path:
    """Write to ``dst_xlsx`` a copy of ``src_xlsx`` whose ``JIDI_…(`` calls (also ``[1]!``, path-qualified and
    ``_xludf.`` forms) are spelled with their programmatic names ``ORG.JIDIXL.FUNCTIONS.JIDI_…(`` — the only
    spelling LibreOffice 7.4's xlsx import binds to an add-in. The input is never modified."""
    from jidi_xl.engine.normalize import rename_functions  # (deferred: lxml, unneeded in LibreOffice's Python)

    rename_functions(src_xlsx, dst_xlsx, name_map())
    return Path(dst_xlsx)


def excel_copy(src_xlsx: Path, dst_xlsx: Path) -> Path:
    """Write to ``dst_xlsx`` a copy of a workbook LibreOffice saved, with its ``ORG.JIDIXL.FUNCTIONS.JIDI_…(``
    calls spelled ``JIDI_…(`` again — the form of the standard workbook, which Excel with the jidi-xl add-in
    computes (Excel does not know LibreOffice's programmatic names: ``#NAME?``). The input is never modified."""
    from jidi_xl.engine.normalize import normalize_workbook  # (deferred, as above)

    normalize_workbook(src_xlsx, dst_xlsx, list(name_map()))
    return Path(dst_xlsx)


__all__ = ["excel_copy", "build_extension", "install_extension", "SERVICE_NAME", "EVALUATE_SERVICE", "EXTENSION_ID",
           "programmatic_name", "libreoffice_copy", "BUTTON_URL", "LibreOfficeMissing"]
