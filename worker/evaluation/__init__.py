"""Detection quality: benchmark streams, baselines and scores (``copydesk eval``)."""
