"""Every output format: terminal views, Markdown, HTML and PDF reports, district tables, and the
registries that feed each command's ``--format`` choices (``render.registry``). Renderers format
what they are given and never compute a score."""
