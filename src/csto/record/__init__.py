"""The sourced, temporal record: load, validate, compile to SQLite, query as of a date."""

from .dates import DateError
from .query import CSTO, Happening, Record, StatusRow, UnknownError, default_data_dir
from .yamlio import RecordError, RecordErrors

__all__ = ["CSTO", "DateError", "Happening", "Record", "RecordError", "RecordErrors", "StatusRow",
           "UnknownError", "default_data_dir"]
