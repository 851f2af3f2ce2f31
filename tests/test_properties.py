"""Property tests: random consistent reports of both templates, in every text shape, parse back to
exactly the values rendered; breaking one rule on purpose raises that rule and no other."""
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from core.ingest import ingest_text
from core.synthetic import SHAPES, make_report, render_text

ERRORS = {"R1", "R2", "R3", "R4"}


def _rules(report):
    return {w.rule for w in report.warnings if w.severity != "info"}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), template=st.sampled_from(["2021", "2019"]), shape=st.sampled_from(SHAPES))
def test_rendered_tables_parse_back_exactly(seed, template, shape):
    report = make_report(random.Random(seed), template=template)
    parsed = ingest_text(render_text(report, shape), "generated.txt")
    assert parsed.error is None
    for key, value in report.fields.items():
        assert parsed.fields.get(key) == value, (key, shape)
    extra = {k: v for k, v in parsed.fields.items() if k not in report.fields and v is not None}
    assert extra == {}
    assert _rules(parsed) == set()


def _break(fields, rule, rng):
    """Change cells so that exactly `rule` breaks (blank cells count as 0, as the rules say)."""
    f = dict(fields)
    num = lambda k: f.get(k) or 0  # noqa: E731
    if rule == "R4":
        group = rng.choice(["review", "litigation_direct", "litigation_after_review"])
        f[f"{group}.pending"] = num(f"{group}.pending") + 1
    elif rule == "R1":  # a carried-over count changed in one column and its row total
        col = rng.choice(["natural", "commercial"])
        f[f"applications.carried_over.{col}"] = num(f"applications.carried_over.{col}") + 1
        f["applications.carried_over.total"] = num("applications.carried_over.total") + 1
    elif rule == "R2":  # one outcome changed in a column and its row total
        f["applications.granted.natural"] = num("applications.granted.natural") + 1
        f["applications.granted.total"] = num("applications.granted.total") + 1
    elif rule == "R3":  # two outcomes of one column swap a unit: column sums hold, row sums do not
        f["applications.granted.natural"] = num("applications.granted.natural") + 1
        f["applications.partial.natural"] = num("applications.partial.natural") - 1 if num("applications.partial.natural") else None
        if f["applications.partial.natural"] is None:
            f["applications.granted.natural"] -= 1
            f["applications.granted.commercial"] = num("applications.granted.commercial") + 1
            f["applications.granted.natural"] = num("applications.granted.natural") - 1 if num("applications.granted.natural") else None
            return None
    return f


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), template=st.sampled_from(["2021", "2019"]),
       shape=st.sampled_from(SHAPES), rule=st.sampled_from(sorted(ERRORS)))
def test_breaking_one_rule_raises_that_rule_and_no_other(seed, template, shape, rule):
    rng = random.Random(seed)
    report = make_report(rng, template=template, blank_columns=False)
    broken = _break(report.fields, rule, rng)
    if broken is None:
        return
    report.fields = broken
    parsed = ingest_text(render_text(report, shape), "broken.txt")
    assert _rules(parsed) & ERRORS == {rule}, [w.message for w in parsed.warnings]
