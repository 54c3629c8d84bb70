"""The time printed in results and reports: China Standard Time, whatever the server's clock zone."""

from __future__ import annotations

import datetime as dt

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


def now_iso() -> str:
    """The current time in China Standard Time (UTC+8, no daylight saving), ISO 8601, to the second.

    Reports are read in China; a server clock in UTC would otherwise print times eight hours off.
    """
    return dt.datetime.now(CHINA_STANDARD_TIME).replace(microsecond=0).isoformat()
