"""A .docx engine that knows no convention: any template, any context, any vocabulary."""
