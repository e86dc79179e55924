"""What people read: tables for the terminal and notebooks (charts and the report come later)."""
