"""The assessment cycle: the archive of every result, year-over-year change, and the 整改台账."""
