"""The campaign page's fairness box: `{% fairness campaign as box %}`."""

from django import template

from campaigns.selectors.results import fairness_box

register = template.Library()


@register.simple_tag
def fairness(campaign) -> dict:
    """The commitment and entropy source from creation on; the frozen lists' digests and
    when the entropy exists once closed (one query, only then)."""
    return fairness_box(campaign)
