"""Local spend: how much of the money spent stays local (LM3 included), and where staff live.

Spend files, a supplier register and the ONS Postcode Directory in; tidy tables out
(:class:`~socialvalue.localspend.models.LocalSpendResult`), and a workbook that explains every figure.
Start at :func:`socialvalue.localspend.analysis.analyse`; see docs/localspend.md.
"""
