"""The 2022 Measures as code: one small function per article item.

Flow: ``params/`` (numbers of law) → ``rules/`` (this package) → ``evaluate.py`` (a whole case) →
``report.py`` (tables and JSON). The UDFs (``udfs/``) call these same functions.
"""
from .art06 import (art6_1_operator, art6_2_conduct, art6_3_planning, art6_4_area, art6_6_governance,
                    art6_7_management, art6_8_staff, art6_9_satisfaction, art6_10_station)
from .art07_08 import art7_services, art8_encouraged
from .art17 import art17_filing, filing_deadline
from .chapter4 import evaluation_score, funding_tier, grade, stars, trimmed_mean
from .chapter5 import art15_triggers, ban_end, reapplication_ban
from .firms import art6_5_firms, size_class

# Conditions a reviewer may override (spec §0), in article order.
RULE_IDS = ["art6_1", "art6_2", "art6_3", "art6_4", "art6_5", "art6_6", "art6_7", "art6_8", "art6_9",
            "art6_10", "art7", "art15", "art15_triggers"]
