"""The sourced, temporal record: load, validate, compile to SQLite, query as of a date."""

from ..errors import CstoError, DateError, RecordError, RecordErrors
from .query import CSTO, Happening, Record, StatusRow, UnknownError, default_data_dir

__all__ = ["CSTO", "CstoError", "DateError", "Happening", "Record", "RecordError", "RecordErrors", "StatusRow",
           "UnknownError", "default_data_dir"]
