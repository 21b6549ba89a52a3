"""Reports on what a footprint committed and delivered: the footprint and contract reports (through the
report kit, :mod:`socialvalue.output.reportkit`) and the OCDS export. Figures are aggregated in the
database; this package never walks rows in Python to total them."""
