"""Template tags for the public side of claims, used on pages other apps own."""

from django import template

from recalldesk.claims.selectors import programs_open_for_recall

register = template.Library()


@register.simple_tag
def open_programs_for(recall) -> list:
    """The programs open now for a recall, so its page can offer "File a claim"."""
    if recall is None or getattr(recall, "pk", None) is None:
        return []
    return list(programs_open_for_recall(recall=recall))
