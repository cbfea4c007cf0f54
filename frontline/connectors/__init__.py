"""One adapter per vendor, behind the contracts in `base`. Nothing here imports Textual."""
