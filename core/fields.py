"""The national template itself: every field key, its Chinese label, row, column and unit.

This is the one place that knows the template (国办公开办函〔2021〕30号 and the 2019 试行 format
国办公开办函〔2019〕60号). The parser, the checks, the store and the charts all take keys and
labels from here, so a new template year touches this module and `parse.py` only.
"""
from __future__ import annotations

from dataclasses import dataclass

TEMPLATES = ("2021", "2019")


@dataclass(frozen=True)
class Field:
    """One flat field of the record (see ../shared/fields.md)."""

    key: str
    label: str  # Chinese label shown to users, e.g. 「（一）予以公开·自然人」
    section: str  # meta | proactive | applications | review | litigation_direct | ...
    unit: str  # 件 (count), 万元, 元, or "" for meta
    templates: tuple[str, ...] = TEMPLATES


@dataclass(frozen=True)
class Row:
    """A row of Table 3 with the words that identify its printed label."""

    key: str
    label: str
    group: str  # 一 二 三(一) … 三(七) 四: the template's numbering, used for context and display
    keywords: tuple[str, ...]
    templates: tuple[str, ...] = TEMPLATES


# ---- Table 3: applications -------------------------------------------------------------------

APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
APPLICANT_KEYS = tuple(k for k, _ in APPLICANT_COLUMNS[:-1])
COLUMN_LABELS = dict(APPLICANT_COLUMNS)

APPLICATION_ROWS: tuple[Row, ...] = (
    Row("new_received", "一、本年新收政府信息公开申请数量", "一", ("新收",)),
    Row("carried_over", "二、上年结转政府信息公开申请数量", "二", ("上年结转", "上年转结", "上年度结转")),
    Row("granted", "（一）予以公开", "三(一)", ("予以公开",)),
    Row("partial", "（二）部分公开", "三(二)", ("部分公开",)),
    Row("denied_state_secret", "（三）不予公开·1.属于国家秘密", "三(三)", ("国家秘密",)),
    Row("denied_law_prohibited", "（三）不予公开·2.其他法律行政法规禁止公开", "三(三)", ("禁止公开", "法律行政法规")),
    Row("denied_three_safety", "（三）不予公开·3.危及“三安全一稳定”", "三(三)", ("三安全", "一稳定")),
    Row("denied_third_party", "（三）不予公开·4.保护第三方合法权益", "三(三)", ("第三方",)),
    Row("denied_internal", "（三）不予公开·5.属于三类内部事务信息", "三(三)", ("内部事务", "三类内容事务", "三类内部")),
    Row("denied_process", "（三）不予公开·6.属于四类过程性信息", "三(三)", ("过程性", "四类过程")),
    Row("denied_enforcement_file", "（三）不予公开·7.属于行政执法案卷", "三(三)", ("执法案卷",)),
    Row("denied_query", "（三）不予公开·8.属于行政查询事项", "三(三)", ("行政查询", "查询事项")),
    Row("unable_not_held", "（四）无法提供·1.本机关不掌握相关政府信息", "三(四)", ("不掌握",)),
    Row("unable_needs_creation", "（四）无法提供·2.没有现成信息需要另行制作", "三(四)", ("另行制作", "没有现成")),
    Row("unable_unclear", "（四）无法提供·3.补正后申请内容仍不明确", "三(四)", ("不明确", "补正后")),
    Row("rejected_petition", "（五）不予处理·1.信访举报投诉类申请", "三(五)", ("信访", "举报投诉")),
    Row("rejected_repeat", "（五）不予处理·2.重复申请", "三(五)", ("重复申请", "重复申")),
    Row("rejected_publication", "（五）不予处理·3.要求提供公开出版物", "三(五)", ("出版物", "公开出版")),
    Row("rejected_excessive", "（五）不予处理·4.无正当理由大量反复申请", "三(五)", ("大量反复", "理由大量")),
    Row("rejected_confirm", "（五）不予处理·5.要求行政机关确认或重新出具已获取信息", "三(五)", ("重新出具", "确认或")),
    Row("other_no_correction", "（六）其他处理·1.申请人无正当理由逾期不补正", "三(六)", ("不补正", "逾期不补"), ("2021",)),
    Row("other_no_fee", "（六）其他处理·2.申请人逾期未按收费通知要求缴纳费用", "三(六)", ("缴纳费用", "收费通知", "逾期未按"), ("2021",)),
    Row("other_other", "（六）其他处理·3.其他", "三(六)", (), ("2021",)),
    Row("other", "（六）其他处理", "三(六)", ("其他处理",), ("2019",)),
    Row("total", "（七）总计", "三(七)", ("总计", "总记", "合计")),
    Row("carried_forward", "四、结转下年度继续办理", "四", ("结转下年", "转结下年", "结转下一年", "继续办理")),
)
ROWS_BY_KEY = {r.key: r for r in APPLICATION_ROWS}
OUTCOME_ROWS_2021 = tuple(r.key for r in APPLICATION_ROWS[2:23])
OUTCOME_ROWS_2019 = tuple(r.key for r in APPLICATION_ROWS[2:20]) + ("other",)


def outcome_rows(template: str) -> tuple[str, ...]:
    """The rows (一)…(六) whose sum is (七)总计 (rule R2)."""
    return OUTCOME_ROWS_2019 if template == "2019" else OUTCOME_ROWS_2021


# ---- Table 4: review and litigation ----------------------------------------------------------

REVIEW_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼·未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼·复议后起诉"),
)
REVIEW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)

# ---- Table 2: proactive disclosure -----------------------------------------------------------
# (row key, printed row label, keywords, [(column key, column label, unit)]) per template.

PROACTIVE_2021: tuple[tuple[str, str, tuple[str, ...], tuple[tuple[str, str, str], ...]], ...] = (
    ("regulations", "规章", ("规章",),
     (("issued", "本年制发件数", "件"), ("abolished", "本年废止件数", "件"), ("in_force", "现行有效件数", "件"))),
    ("normative_docs", "行政规范性文件", ("规范性文件",),
     (("issued", "本年制发件数", "件"), ("abolished", "本年废止件数", "件"), ("in_force", "现行有效件数", "件"))),
    ("licensing", "行政许可", ("行政许可",), (("decisions", "本年处理决定数量", "件"),)),
    ("penalty", "行政处罚", ("行政处罚",), (("decisions", "本年处理决定数量", "件"),)),
    ("enforcement", "行政强制", ("行政强制",), (("decisions", "本年处理决定数量", "件"),)),
    ("fees", "行政事业性收费", ("收费",), (("amount_wan", "本年收费金额", "万元"),)),
)
_PREV3 = (("prev_items", "上一年项目数量", "件"), ("change", "本年增/减", "件"), ("decisions", "处理决定数量", "件"))
PROACTIVE_2019: tuple[tuple[str, str, tuple[str, ...], tuple[tuple[str, str, str], ...]], ...] = (
    ("regulations", "规章", ("规章",),
     (("made", "本年新制作数量", "件"), ("published", "本年新公开数量", "件"), ("total_public", "对外公开总数量", "件"))),
    ("normative_docs", "规范性文件", ("规范性文件",),
     (("made", "本年新制作数量", "件"), ("published", "本年新公开数量", "件"), ("total_public", "对外公开总数量", "件"))),
    ("licensing", "行政许可", ("行政许可",), _PREV3),
    ("other_services", "其他对外管理服务事项", ("其他对外管理", "对外管理服务"), _PREV3),
    ("penalty", "行政处罚", ("行政处罚",), _PREV3),
    ("enforcement", "行政强制", ("行政强制",), _PREV3),
    ("fees", "行政事业性收费", ("收费",), _PREV3[:2]),
    ("procurement", "政府集中采购", ("采购",), (("projects", "采购项目数量", "件"), ("amount_wan", "采购总金额", "万元"))),
)


def proactive_rows(template: str):
    return PROACTIVE_2019 if template == "2019" else PROACTIVE_2021


# ---- The catalogue -----------------------------------------------------------------------------

def _build() -> dict[str, Field]:
    out: dict[str, Field] = {}

    def add(f: Field) -> None:
        out.setdefault(f.key, f)

    add(Field("meta.agency", "机构", "meta", ""))
    add(Field("meta.year", "年度", "meta", ""))
    add(Field("meta.template", "模板", "meta", ""))
    add(Field("meta.published", "发布日期", "meta", ""))
    for template, rows in (("2021", PROACTIVE_2021), ("2019", PROACTIVE_2019)):
        for row, row_label, _, cols in rows:
            for col, col_label, unit in cols:
                key = f"proactive.{row}.{col}"
                if key in out:
                    out[key] = Field(key, out[key].label, "proactive", unit, TEMPLATES)
                else:
                    out[key] = Field(key, f"{row_label}·{col_label}", "proactive", unit, (template,))
    add(Field("proactive.published_total", "主动公开信息总数", "proactive", "条"))
    for row in APPLICATION_ROWS:
        for col, col_label in APPLICANT_COLUMNS:
            shown = "全部申请人" if col == "total" else col_label  # 「（七）总计·总计」 says nothing
            add(Field(f"applications.{row.key}.{col}", f"{row.label}·{shown}", "applications", "件",
                      row.templates))
    for group, group_label in REVIEW_GROUPS:
        for col, col_label in REVIEW_COLUMNS:
            add(Field(f"{group}.{col}", f"{group_label}·{col_label}", group, "件"))
    add(Field("processing_fee.yuan", "信息处理费", "processing_fee", "元"))
    return out


FIELDS: dict[str, Field] = _build()


def template_keys(template: str) -> list[str]:
    """Every cell of Tables 2–4 in the template of that year, in the order the template prints them
    (2021: 三(六) as its three sub-rows; 2019: as one row)."""
    keys = [f"proactive.{row}.{col}" for row, _, _, cols in proactive_rows(template) for col, _, _ in cols]
    keys += [f"applications.{r.key}.{c}" for r in APPLICATION_ROWS if template in r.templates for c, _ in APPLICANT_COLUMNS]
    keys += [f"{g}.{c}" for g, _ in REVIEW_GROUPS for c, _ in REVIEW_COLUMNS]
    return keys


def label(key: str) -> str:
    """Chinese label for a field key; the key itself when it is unknown."""
    f = FIELDS.get(key)
    return f.label if f else key
