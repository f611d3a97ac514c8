"""Document output: the progress reports and the official documents as PDF, Word and Excel."""
