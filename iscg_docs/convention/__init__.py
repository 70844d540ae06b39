"""The convention: the context its template reads, its articles, its properties."""
