"""Raw downloaded Chinese speeches to GB/T 9704 Word files and PDFs."""
__version__ = "0.1.0"
