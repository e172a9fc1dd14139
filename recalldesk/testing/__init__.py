"""Test helpers that are pytest plugins, loaded by the root conftest.py."""
