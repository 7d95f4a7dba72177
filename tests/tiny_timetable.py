"""Write tiny workbooks in the layout of the 2016 12306 timetable (for tests of timetable/validation).

Layout as in hsr_timetable_20160310.xlsx: sheet 车站 with the name and telecode header cells swapped,
sheet 时刻表 where the first row of a train carries its number and run dates.
"""

from __future__ import annotations

import datetime as dt

HEAD = (
    "车次",
    "起点",
    "终点",
    "出发时间",
    "到达时间",
    "类别",
    "服务",
    "站序",
    "站名",
    "到站时间",
    "出发时间",
    "停留时间",
    "是否开通",
    "运行日期",
    "其他",
)


def train_rows(number, stops, dates="ALL", served=None):
    """Rows of one train; ``stops`` is a list of (name, arrival time or None, departure time)."""
    rows = []
    for k, (name, arr, dep) in enumerate(stops):
        first = (number, stops[0][0], stops[-1][0], stops[0][2], stops[-1][1], "高速", 2) if k == 0 else (None,) * 7
        ok = True if served is None else served[k]
        tail = (dates, f"{number}|5l000{number}0|{dates}") if k == 0 else (None, None)
        rows.append(first + (k + 1, name, arr if arr else "----", dep, "2分钟", ok) + tail)
    return rows


def write_workbook(path, stations, trains):
    """Write ``stations`` [(name, telecode)] and ``trains`` [(number, stops, dates, served)]."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "简介"
    st = wb.create_sheet("车站")
    st.append(("序号", "电报码", "站名", "拼音", "首字母", "拼音码", "经度", "纬度"))  # swapped headers
    for k, (name, code) in enumerate(stations, 1):
        st.append((k, name, code, code.lower(), code[0].lower(), code.lower(), 120.0 + k / 10, 30.0))
    tt = wb.create_sheet("时刻表")
    tt.append(HEAD)
    for number, stops, dates, served in trains:
        for r in train_rows(number, stops, dates, served):
            tt.append(r)
    wb.save(path)
    return path


T = dt.time
