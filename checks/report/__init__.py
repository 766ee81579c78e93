"""Reports for people: the Chinese text report of the CLI, and the HTML / Excel files of the self-check page."""
