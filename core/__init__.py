"""What every app uses and no app owns, with no models: the scoped QuerySet base, Vietnamese text
folding and ordering, upload checks, form helpers, spreadsheet reading and writing. Imports no
app."""
