"""Pure rules of Tenderapp: standard library only, no Flask, no database."""
