"""Output: documents written to a folder.

Modules: ``atomic`` (the one writer of files), ``batch`` (:func:`~.batch.generate` and
:func:`~.batch.write_convention`), ``manifest``, ``workers`` (rendering in several
processes) and ``pdf`` (LibreOffice).
"""
