"""Privacy: log redaction, what is stored about a person (export), and erasing it."""
