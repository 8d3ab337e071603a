"""Excel functions (``JIDI_…``) over the jidi_xl rules: one registry for xlwings and the headless engine."""
