"""Counters for rate limits, kept in the database so every web worker shares them."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class Throttle(SQLModel, table=True):
    key: str = Field(primary_key=True, max_length=200)  # e.g. "login:ip:203.0.113.9"
    window_start: datetime
    count: int = 0
