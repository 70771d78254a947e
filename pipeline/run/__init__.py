"""The edges: a speech file read and its outputs written (convert.py), the PDF typeset in a
process forked first thing (pdf_process.py), a folder converted on every core (batch.py)."""
