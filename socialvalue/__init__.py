"""socialvalue: score supplier bids on social value and report what a footprint commits and delivers.

Data flows one way: ``rubric`` (the method) → ``intake`` (guard and read returned workbooks) →
``scoring`` (pure functions) → ``output`` (workbooks, CSV, JSON). The CLI in ``socialvalue.cli``
is a thin layer over these.
"""

__version__ = "0.1.0"
