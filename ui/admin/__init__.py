"""Admin pages: import and 初审, reviewers and assignment, progress, results, settings, accounts."""
