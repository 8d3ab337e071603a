"""The Excel add-in ``jidi_xl_addin.xlam`` and its builder (``python -m udfs.addin.build_addin``)."""
