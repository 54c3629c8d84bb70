"""The inspector's review (复核) of a self-assessment: the file, its checks, its effect and its seal."""
