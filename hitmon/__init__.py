"""hitmon."""
