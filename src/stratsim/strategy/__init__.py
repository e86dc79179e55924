"""The four P's at run time. This release compiles the pattern's weekly rosters."""
