"""Renderers: pure functions of (snapshot, options, now) to bytes. No I/O."""
