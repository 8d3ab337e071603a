"""The 2022 Measures as code: one small function per article item, each a declared :class:`Rule`.

Flow: ``params/`` (numbers of law) → ``readings.py`` (what the text leaves open) → ``rules/`` (this package)
→ ``evaluate.py`` (a whole case) → ``report/`` (tables and JSON). The UDFs (``udfs/``) call these same functions.

:data:`RULES` is the ordered registry of the declarations (``declare.py``): the recognition conditions in
article order, then the evaluation's rules, then the rest. :data:`RULE_IDS` — the conditions a reviewer may
override (spec §0) — is derived from it, and stays the same list object when a rule is registered.
"""
from .art06 import (ART6_1, ART6_2, ART6_3, ART6_4, ART6_6, ART6_7, ART6_8, ART6_9, ART6_10, art6_1_operator,
                    art6_2_conduct, art6_3_planning, art6_4_area, art6_6_governance, art6_7_management, art6_8_staff,
                    art6_9_satisfaction, art6_10_station)
from .art07_08 import ART7, ART8, art7_services, art8_encouraged
from .art17 import ART17, art17_filing, filing_deadline
from .chapter4 import (ART13, CONSEQUENCE, FUNDING, GRADE, SCORE, STARS, evaluation_score, funding_tier, grade,
                       participation, stars, trimmed_mean)
from .chapter5 import ART15, ART15_TRIGGERS, art15_triggers, ban_end, reapplication_ban
from .declare import Registry, Rule, by_id
from .firms import ART6_5, SIZE, art6_5_firms, size_class
from .recognition import RECOGNITION, VERDICT_ZH, failing_articles, recognition_verdict

RULES = Registry([
    # recognition conditions (spec §6), in article order
    ART6_1, ART6_2, ART6_3, ART6_4, ART6_5, ART6_6, ART6_7, ART6_8, ART6_9, ART6_10, ART7, ART15,
    # the annual evaluation (第四章) and its 第十五条 check
    ART13, SCORE, GRADE, STARS, FUNDING, CONSEQUENCE, ART15_TRIGGERS,
    # verdicts and what is reported beside them
    RECOGNITION, ART8, ART17, SIZE,
])

#: the conditions a reviewer may override (spec §0), in registry order — derived from RULES
RULE_IDS = RULES.ids

__all__ = [
    "ART13",
    "ART15",
    "ART15_TRIGGERS",
    "ART17",
    "ART6_1",
    "ART6_10",
    "ART6_2",
    "ART6_3",
    "ART6_4",
    "ART6_5",
    "ART6_6",
    "ART6_7",
    "ART6_8",
    "ART6_9",
    "ART7",
    "ART8",
    "CONSEQUENCE",
    "FUNDING",
    "GRADE",
    "RECOGNITION",
    "Registry",
    "Rule",
    "SCORE",
    "SIZE",
    "STARS",
    "VERDICT_ZH",
    "art15_triggers",
    "art17_filing",
    "art6_10_station",
    "art6_1_operator",
    "art6_2_conduct",
    "art6_3_planning",
    "art6_4_area",
    "art6_5_firms",
    "art6_6_governance",
    "art6_7_management",
    "art6_8_staff",
    "art6_9_satisfaction",
    "art7_services",
    "art8_encouraged",
    "ban_end",
    "by_id",
    "evaluation_score",
    "failing_articles",
    "filing_deadline",
    "funding_tier",
    "grade",
    "participation",
    "reapplication_ban",
    "recognition_verdict",
    "size_class",
    "stars",
    "trimmed_mean",
    "RULES",
    "RULE_IDS",
]
