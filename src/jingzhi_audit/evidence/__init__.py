"""Evidence files: what a community declares, checked against its pack."""
