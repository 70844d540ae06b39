"""Output: atomic writes, batches, the manifest and PDFs."""
