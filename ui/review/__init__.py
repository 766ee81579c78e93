"""Reviewer pages: the blind file views, the rubric form, and the Range route that streams stored files."""
