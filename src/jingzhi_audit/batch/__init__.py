"""District grading for inspectors: many evidence files, one engine, one district summary."""
