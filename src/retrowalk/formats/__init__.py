"""Reading and writing files: GPX, TCX, FIT, ICS, the printable card."""
