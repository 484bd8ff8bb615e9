"""`refusal_text`: the one way a service's refusal becomes the sentence shown."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from square.project.refusals import refusal_text


def test_a_validation_error_says_each_of_its_messages():
    error = ValidationError(["Too short.", "Too many tags."])
    assert refusal_text(error) == "Too short. Too many tags."


def test_a_validation_error_on_fields_says_every_field_message():
    error = ValidationError({"body": ["Too short."], "quote": ["Too long."]})
    assert refusal_text(error) == "Too short. Too long."


def test_a_permission_denied_says_its_sentence():
    assert refusal_text(PermissionDenied("You are banned.")) == "You are banned."


def test_a_bare_permission_denied_says_the_fallback_given():
    assert refusal_text(PermissionDenied(), fallback="No moderation.") == "No moderation."


def test_a_bare_permission_denied_is_never_an_empty_message():
    with translation.override("en"):
        assert refusal_text(PermissionDenied()) == "You may not do this."


def test_the_sentence_is_not_replaced_by_the_fallback():
    error = PermissionDenied("You may not run draws.")
    assert refusal_text(error, fallback="No.") == "You may not run draws."
