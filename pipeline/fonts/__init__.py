"""The fonts the PDF embeds: found on this machine (find.py), prepared as slim TrueType copies
(slim.py) and kept in a cache (prepare.py); `python -m pipeline.fonts` prepares them ahead."""
