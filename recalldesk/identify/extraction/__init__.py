"""Identifiers and serial rules taken from recall text. Pure functions: no database, no Django.

extract("This recall involves ... model number MMA008 ...") -> Extraction
"""

from .pipeline import extract
from .records import ExtractedIdentifier, ExtractedSerialRule, Extraction
from .upc import check_digit_ok

__all__ = [
    "ExtractedIdentifier",
    "ExtractedSerialRule",
    "Extraction",
    "check_digit_ok",
    "extract",
]
