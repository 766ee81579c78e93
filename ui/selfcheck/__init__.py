"""Teacher self-check page: project picker, streaming uploader and its HTTP route, live checklist, report, form helper."""
