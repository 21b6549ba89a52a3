"""The rubric's sheets: Method (its parameters as the named cells every formula reads) and Measures."""

from __future__ import annotations

from socialvalue.rubric import CriterionKind
from socialvalue.scoring import arithmetic
from socialvalue.scoring.methods import Named, price_rule, sv_rule

from ..safe import clean_text
from ..sheets import put, write_formula
from .layout import HEADER_ROW, MEASURES, METHOD, Col, Context, MeasureRef, header, on, ref, titled


def parameters(ctx: Context) -> list[Named]:
    """The rubric's figures that formulas read by name: the weights, the thresholds, the methods' own."""
    r = ctx.rubric
    named = [
        Named("W_price", r.weight(CriterionKind.PRICE), "Price weight (% of the total score)"),
        Named("W_quality", r.weight(CriterionKind.QUALITY), "Quality weight"),
        Named("W_sv", r.weight(CriterionKind.SOCIAL_VALUE), "Social value weight"),
        Named("W_sv_quant", r.sv_quantitative_weight, "Social value weight scored on commitments (£)"),
        Named("W_sv_qual", r.sv_qualitative_weight, "Social value weight scored on written answers"),
        Named("AbnormallyLow", r.abnormally_low_pct, "Flag a price more than this % below the mean of the others"),
    ]
    if r.measures():
        named.append(
            Named(
                "Ceiling_pct",
                r.ceiling_pct_of_price,
                "Plausibility ceiling: a commitment worth more than this % of the bid's own price is not counted",
            )
        )
    named += price_rule(r.price_method).named()
    if r.social_value is not None:
        named += sv_rule(r.social_value.quantitative_method).named()
    return named


def write_method(ctx: Context, explanations: dict[str, str]) -> None:
    r, f = ctx.rubric, ctx.f
    ws = ctx.sheets[METHOD]
    titled(ws, (26, 16, 100), "Method: the rubric's parameters used by every formula", f)
    ws.write(1, 0, clean_text(ctx.notes[0]), f.note)
    for i, h in enumerate(("Name", "Value", "Meaning")):
        ws.write(3, i, h, f.header)
    row = 4
    for p in parameters(ctx):
        ws.write(row, 0, p.name, f.bold)
        ws.write_number(row, 1, p.value, f.number)
        ws.write(row, 2, p.meaning, f.text)
        ctx.wb.define_name(p.name, f"={on(METHOD, ref(1, row, True))}")
        row += 1
    row += 1
    ws.write(row, 0, "How each number is worked out", f.bold)
    row += 1
    for key, words in explanations.items():
        ws.write(row, 0, key, f.text)
        ws.write(row, 2, clean_text(words), f.wrap)
        row += 1
    row += 1
    ws.write(row, 0, "Price method", f.bold)
    ws.write(row, 2, r.price_method.method, f.text)
    sv = r.social_value
    if sv is not None:
        ws.write(row + 1, 0, "Social value method", f.bold)
        ws.write(row + 1, 2, f"{sv.quantitative_method.method}, scored on {sv.score_on} £", f.text)


def write_measures(ctx: Context) -> None:
    """One row per measure: its unit value (with the value-set row) and additionality, used by every bid's rows."""
    if not ctx.rubric.measures():
        return
    f = ctx.f
    cols = [
        Col("code", "Code", 8), Col("theme", "Theme", 18), Col("measure", "Measure", 40), Col("unit", "Unit", 10),
        Col("cap", "Cap (counted up to)", 11, "number"), Col("unit_value", "£ per unit", 11, "money"),
        Col("source", "Value set row", 32), Col("dw", "Deadweight %", 11, "pct"),
        Col("disp", "Displacement %", 12, "pct"), Col("attr", "Attribution %", 11, "pct"),
        Col("factor", "Net factor", 10, "points"),
    ]  # fmt: skip
    ws = ctx.sheets[MEASURES]
    c = header(ws, cols, "Measures: what one unit is worth, and how much of it is additional", ctx.notes, f)
    vs = ctx.value_set
    for i, (theme, m) in enumerate(ctx.rubric.measures()):
        row = HEADER_ROW + 1 + i
        value = vs.get(m.value_ref) if vs and m.value_ref else None
        unit_value = value.value_gbp if value else None
        source = (
            f"{m.value_ref} ({vs.id} v{vs.version}: {value.source})" if value and vs else "none: reported as a count"
        )
        for key, cell, fmt in (
            ("code", m.code, None), ("theme", theme.name, None), ("measure", m.description, f.wrap),
            ("unit", m.unit, None), ("cap", m.cap, f.number), ("unit_value", unit_value, f.money),
            ("source", source, None), ("dw", m.deadweight_pct, f.pct), ("disp", m.displacement_pct, f.pct),
            ("attr", m.attribution_pct, f.pct),
        ):  # fmt: skip
            put(ws, row, c[key], cell, fmt)
        factor = arithmetic.net_factor_formula(*(ref(c[k], row) for k in ("dw", "disp", "attr")))
        write_formula(ws, row, c["factor"], factor, m.additionality_factor, f.points)
        cap, unit_value_ref, factor_ref = (on(MEASURES, ref(c[k], row, True)) for k in ("cap", "unit_value", "factor"))
        ctx.measure_refs[m.code] = MeasureRef(cap, unit_value_ref if value else "", factor_ref, unit_value)
