"""Demo data: scenarios kept as data files, loaded by ``tenderapp.services.demo``."""

import tomllib
from importlib import resources


def load_scenario(name: str = "seg") -> dict:
    """The parsed scenario file ``tenderapp/demo/<name>.toml``."""
    with resources.files(__package__).joinpath(f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)
