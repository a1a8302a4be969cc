"""The contracts blueprint: decisions, the award, the contract register, cost shares and
assessment summaries. Its routes live in the modules beside this one (``routes`` registers
them all)."""

from flask import Blueprint

from tenderapp.domain.roles import Role

bp = Blueprint("contracts", __name__)
ADMIN = Role.PROCUREMENT_ADMIN
