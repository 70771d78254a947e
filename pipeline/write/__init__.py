"""The writers: a layout plan to a Word file (docx.py, docx_xml.py) and to a PDF (pdf/), a PDF
imposed for printing (impose.py), the report (report.py); a Typesetter (typesetter.py) holds
what they keep from one speech to the next."""
