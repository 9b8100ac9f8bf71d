"""Architecture back ends. Adding an arch means adding a module with scan_section/apply_relocs."""
