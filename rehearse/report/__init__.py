"""What is shown or exported from stored runs: word marks, titles and delivery lines (``marks``), the Markdown/HTML/PDF
export, the follow-up email, progress across runs. Reads what :mod:`rehearse.store` keeps; the store never imports
this package."""
