"""presenters."""
