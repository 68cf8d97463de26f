"""Matching a case against the routing rules (no writes here)."""

from responses.models import RoutingRule


def active_rules():
    return (RoutingRule.objects.filter(is_active=True, lead_department__is_active=True)
            .select_related("lead_department", "area").order_by("priority", "id"))


def rule_matches(rule: RoutingRule, *, kind: str, category_ids: list[int], region_ids: list[int], text: str,
                 point: tuple[float, float] | None = None) -> bool:
    if rule.kind and rule.kind != kind:
        return False
    if rule.category_id is not None and rule.category_id not in category_ids:
        return False
    if rule.region_id is not None and rule.region_id not in region_ids:
        return False
    if rule.area_id is not None:
        # A rule naming an area matches only a case with a point inside it
        # (an inactive area matches nothing rather than everything).
        if point is None or not rule.area.is_active or not rule.area.contains(*point):
            return False
    keywords = rule.keyword_list()
    if keywords and not any(word in text for word in keywords):
        return False
    return True


def first_matching_rule(case) -> RoutingRule | None:
    """The active rule with the lowest priority that matches, or None."""
    category_ids = case.category.ancestor_ids()
    region_ids = case.region.ancestor_ids()
    text = f"{case.title}\n{case.body}".lower()
    point = (float(case.latitude), float(case.longitude)) if case.latitude is not None else None
    for rule in active_rules():
        if rule_matches(rule, kind=case.kind, category_ids=category_ids, region_ids=region_ids, text=text,
                        point=point):
            return rule
    return None
