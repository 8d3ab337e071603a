"""The pipeline: where the generic spreadsheet machinery meets the rules, the UDF registry and the workbook.

Layers, read one way (``tests/test_layers.py`` checks every import):

    jidi_xl.errors                       shared error types (nothing of the project)
    jidi_xl.engine                       generic .xlsx machinery: OOXML, package guard, structure, lint,
                                         normalisation, UDF wrapping, recalculation, cached values,
                                         LibreOffice/UNO drivers — knows no rule, no UDF, no layout
    jidi_xl rules layer                  case, values, results, ruleset, rules, evaluate, …
    udfs (core)                          the registry, functions, adapters, tables → the rules layer
    workbooks                            layout, generator, reader → udfs core, rules, engine
    udfs hosts                           udfs.host, udfs.excel, udfs.libreoffice (the extension)
    jidi_xl.pipeline                     (this package) the standard workbook's engine and cross-check
    jidi_xl.report, faces, cli           check, batch, documents; Excel/LibreOffice faces; the commands

Modules
-------
standard     ``StandardEngine``: the generic Recalculator with the ``JIDI_`` registry, the package limits and
             structure of the standard template, and the compiled fast path for template copies
crosscheck   ``standard_checker``: LibreOffice with the ``JIDI_`` extension as a second full engine

Why a package of its own and not ``jidi_xl.report``: ``report`` is what a user gets (check, batch, the
documents) and its ``__init__`` is the verdict text, which the workbook layer also reads (``stars_text``);
the engine of the standard workbook is used by the report, the faces and the benchmarks alike and sits
below all of them.
"""
