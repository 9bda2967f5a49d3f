"""Solidarity Widget: news widgets and hunger-strike counters for solidarity organisations."""

__version__ = "0.1.0"
