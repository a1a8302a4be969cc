"""The web layer: one blueprint per area, thin routes over services."""
