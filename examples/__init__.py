"""Example apps: ``fastdispatch serve examples.api:app`` from the repository root."""
