"""Configuration shipped with the worker (installed as ``worker.config``): documented defaults,
JSON Schemas of the topics and the fitted decision's weights."""
