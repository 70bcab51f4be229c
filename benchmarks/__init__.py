"""Copydesk's benchmarks and evaluation: labelled streams, baselines, scores, speed and memory.

Not part of the installed package (datasketch keeps ``benchmark/`` the same way): run from a
development checkout, ``python -m benchmarks ...`` or the ``copydesk eval`` / ``bench`` /
``soak`` commands, which import it from there.
"""
