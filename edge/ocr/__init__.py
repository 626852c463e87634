"""On-device OCR: the charset shared by the generator and the recogniser."""
