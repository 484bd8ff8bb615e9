"""Loaded for every test: the browser tests' fixtures and hooks, shared by both apps
(square/tests/browser/plugin.py says what they do)."""

pytest_plugins = ["square.tests.browser.plugin"]
