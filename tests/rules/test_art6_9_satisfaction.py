"""第六条第（九）项 — 用户满意度不低于90%，且为入驻企业提供一定的公益性免费服务 (both parts required).

不低于 includes the number; the comparison is exact (27/30 = 90% passes). The boundary table is data:
``tests/cases/art6_9_satisfaction.yaml``.
"""
from fractions import Fraction


def test_parameter_is_90_percent_exactly(rs):
    assert rs.p("art6_9.min_satisfaction") == Fraction(90, 100)
