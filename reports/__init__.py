"""The figures (the metrics package computes them all), the pages that gather several apps (the
dashboard, the commune list, the commune and district pages), and PDF, Word and Excel output."""
