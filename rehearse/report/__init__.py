"""What is shown or exported from stored runs (above ``store/``, which only stores)."""
