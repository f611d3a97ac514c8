"""The figures (one module computes them all), the dashboard, and PDF and Excel output."""
