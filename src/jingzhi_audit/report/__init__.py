"""Gap reports: Jinja2 → HTML → WeasyPrint → PDF, drawn from a Result and nothing else."""
