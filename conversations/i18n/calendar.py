"""Dates said in words: weekday and month names, and the long date the bot says back
after reading a typed date ("Friday 11 December 2026")."""

from __future__ import annotations

# id: (en, zh, fr)
TEXTS: dict[str, tuple[str, str, str]] = {
    "date_long": (
        "{weekday} {day} {month} {year}",
        "{year}年{month}{day}日（{weekday}）",
        "{weekday} {day} {month} {year}",
    ),
    # French writes the first day of a month as an ordinal: "mardi 1er décembre".
    "date_long_first_day": (
        "{weekday} 1 {month} {year}",
        "{year}年{month}1日（{weekday}）",
        "{weekday} 1er {month} {year}",
    ),
    "wd_monday": ("Monday", "星期一", "lundi"),
    "wd_tuesday": ("Tuesday", "星期二", "mardi"),
    "wd_wednesday": ("Wednesday", "星期三", "mercredi"),
    "wd_thursday": ("Thursday", "星期四", "jeudi"),
    "wd_friday": ("Friday", "星期五", "vendredi"),
    "wd_saturday": ("Saturday", "星期六", "samedi"),
    "wd_sunday": ("Sunday", "星期日", "dimanche"),
    "month_january": ("January", "1月", "janvier"),
    "month_february": ("February", "2月", "février"),
    "month_march": ("March", "3月", "mars"),
    "month_april": ("April", "4月", "avril"),
    "month_may": ("May", "5月", "mai"),
    "month_june": ("June", "6月", "juin"),
    "month_july": ("July", "7月", "juillet"),
    "month_august": ("August", "8月", "août"),
    "month_september": ("September", "9月", "septembre"),
    "month_october": ("October", "10月", "octobre"),
    "month_november": ("November", "11月", "novembre"),
    "month_december": ("December", "12月", "décembre"),
}
