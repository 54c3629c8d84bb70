"""``audit validate``: packs, vocabularies, crosswalks and evidence files, every problem listed."""
