"""Footprints: organisations by their public codes, places, successions, and the built-in footprints."""

from .builtin import builtin_footprints, load_footprint
from .checks import check_against_ods, check_against_ons, check_footprint
from .load import read_organisations_csv
from .models import CODE_PATTERNS, Footprint, Organisation, OrgKind, Place, Scheme, code_problem, normalise_code
from .successions import rollup_map

__all__ = [
    "CODE_PATTERNS",
    "Footprint",
    "OrgKind",
    "Organisation",
    "Place",
    "Scheme",
    "builtin_footprints",
    "check_against_ods",
    "check_against_ons",
    "check_footprint",
    "code_problem",
    "load_footprint",
    "normalise_code",
    "read_organisations_csv",
    "rollup_map",
]
