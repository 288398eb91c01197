"""Long work the user started (an export, an import applied): its progress and its result."""
