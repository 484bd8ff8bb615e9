"""The campaigns app on the project's shared helpers: times in Beijing time with the
zone named, to the second where the second decides (`square.project.beijing_time`)."""

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.template import Context, Template

from campaigns.models.results import AuditEvent
from square.project.refusals import refusal_text

EVE = datetime(2025, 12, 31, 23, 30, 15, tzinfo=UTC)


def test_an_audit_event_names_its_time_in_beijing_time():
    """It printed the stored UTC clock with no zone; the admin shows it in UTC+8 now."""
    assert str(AuditEvent(action="close", created_at=EVE)) == "close @ 2026-01-01 07:30 (UTC+8)"


def test_campaign_pages_show_times_to_the_second_for_a_sentence_naming_the_zone():
    template = Template("{% load campaign_pages %}{% local_time moment %}")
    html = template.render(Context({"moment": EVE}))
    assert html == '<time datetime="2025-12-31T23:30:15+00:00">2026-01-01 07:30:15</time>'


def test_the_operation_page_shows_the_close_to_the_second():
    template = Template('{% load square %}{{ moment|beijing:"seconds" }} (UTC+8)')
    assert template.render(Context({"moment": EVE})) == "2026-01-01 07:30:15 (UTC+8)"


def test_a_service_refusal_reads_the_same_in_the_admin_and_the_commands():
    error = ValidationError("Close the campaign before drawing.")
    assert refusal_text(error) == "Close the campaign before drawing."
