"""Running the app as several processes behind nginx (./dev serve)."""
