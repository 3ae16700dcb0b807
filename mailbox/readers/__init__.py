"""One reader per attachment format, each returning a grid `Document`."""
