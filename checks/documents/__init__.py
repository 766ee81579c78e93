"""Documents: facts from Word (.docx, legacy .doc/.wps/RTF/HTML) and PDF files, Word-style counting, and the judges of sections, length and format."""
