"""Checklists: fillable Excel workbooks and printable forms generated from a pack."""
