"""Documents for a person: the JSON export and the PDF summary to show a doctor."""
