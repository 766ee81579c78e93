"""The submission as a whole: folder layout and names, which file is which required item, registration form fields, and the name-only preview while uploads arrive."""
