"""Imports every table module so SQLModel.metadata knows them all (migrations, tests).

Each domain area adds its own `tables` module here, one line.
"""
from models.core import audit, notices, outbox, ratelimit  # noqa: F401
from models.programmes import tables as programme_tables  # noqa: F401
from models.people import tables as people_tables  # noqa: F401
from models.people import recovery as recovery_tables  # noqa: F401 - recovery codes
from models.applications import tables as application_tables  # noqa: F401
from models.applications import casework_tables  # noqa: F401 - case notes
from models.reviews import tables as review_tables  # noqa: F401
from models.reviews import conflicts as conflict_tables  # noqa: F401 - the register
from models.reviews import rota as rota_tables  # noqa: F401 - the on-call rota
from models.money import tables as money_tables  # noqa: F401
from models.money import payout_tables  # noqa: F401
from models.money import statements_tables as statement_tables  # noqa: F401
from models.shelter import tables as shelter_tables  # noqa: F401
from models.visas import tables as visa_tables  # noqa: F401
from models.visas import checklist_tables  # noqa: F401 - checklist versions
from models.relocation import tables as relocation_tables  # noqa: F401
from models.network import tables as network_tables  # noqa: F401
from models.clocks import tables as clock_tables  # noqa: F401
from models.operations import tables as operation_tables  # noqa: F401

from sqlmodel import SQLModel

metadata = SQLModel.metadata
