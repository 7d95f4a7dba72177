"""Data tests on the bundled YRD network: facts a planner relies on.

Tolerances: station coordinates within 3 km of the 2016 timetable's station of the same 12306 name
(after converting its GCJ-02 to WGS-84); chainage between consecutive stations at least 0.95x the
straight-line distance less 1 km (coordinate error) and at most 1.6x plus 5 km.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from transit.geo import gcj02_to_wgs84, haversine_km
from transit.routing.graph import compile_graph

YRD_41 = """shanghai nanjing wuxi xuzhou changzhou suzhou nantong lianyungang huaian yancheng yangzhou zhenjiang
taizhou_js suqian hangzhou ningbo wenzhou jiaxing huzhou shaoxing jinhua quzhou zhoushan taizhou lishui hefei
huaibei bozhou suzhou_ah bengbu fuyang huainan chuzhou luan maanshan wuhu xuancheng tongling chizhou anqing
huangshan""".split()
TARGETS_521 = """hangzhou ningbo jinhua yiwu fuzhou ningde xiamen quanzhou putian zhangzhou beijing tianjin
shijiazhuang guangzhou shenzhen dongguan foshan wuhan changsha nanchang""".split()
GROUPS_521 = [
    "yrd_central_27",
    "hangzhou_metro",
    "ningbo_metro",
    "jinhua_yiwu_metro",
    "west_straits_core",
    "jjj_core",
    "prd_core",
    "middle_yangtze_core",
]


def test_the_41_prefecture_cities_of_the_four_provinces_and_yiwu(yrd):
    ids = set(yrd.cities["city_id"])
    assert len(YRD_41) == 41
    assert not set(YRD_41) - ids
    assert "yiwu" in ids
    provinces = yrd.cities.set_index("city_id").loc[YRD_41, "province"]
    assert set(provinces) == {"Shanghai", "Jiangsu", "Zhejiang", "Anhui"}
    assert (provinces == "Anhui").sum() == 16 and (provinces == "Jiangsu").sum() == 13


def test_every_521_target_and_group_is_present(yrd):
    assert not set(TARGETS_521) - set(yrd.cities["city_id"])
    groups = set(yrd.groups["group_id"])
    assert not set(GROUPS_521) - groups
    assert len(yrd.group("yrd_central_27")) == 27
    assert set(yrd.group("west_straits_core")) >= {"fuzhou", "xiamen", "quanzhou", "putian", "zhangzhou"}


def test_size(yrd):
    st = yrd.tables["stations"]
    assert (st["kind"] == "rail").sum() >= 200
    assert (st["kind"] == "airport").sum() >= 20
    assert len(yrd.tables["lines"]) >= 40


def test_coordinates_inside_china(yrd):
    for name in ("cities", "stations"):
        t = yrd.tables[name]
        bad = t[~t["lat"].between(18.0, 54.0) | ~t["lon"].between(73.0, 135.0)]
        assert bad.empty, f"{name} outside China: {bad.iloc[:, 0].tolist()}"


def test_stations_near_their_city(yrd):
    """Within 60 km of the city centre, or inside the city's prefecture boundary (2 km tolerance):
    large prefectures have county stations far from the centre (Qiandaohu in Hangzhou)."""
    cities = yrd.cities.set_index("city_id")
    st = yrd.tables["stations"]
    d = haversine_km(
        cities.loc[st["city_id"], "lat"].to_numpy(),
        cities.loc[st["city_id"], "lon"].to_numpy(),
        st["lat"].to_numpy(),
        st["lon"].to_numpy(),
    )
    far = st[d > 60.0]
    if far.empty:
        return
    from shapely.geometry import Point

    from transit.maps.boundaries import prefecture_boundaries

    provinces = sorted(set(cities.loc[far["city_id"], "province"]))
    polys = prefecture_boundaries(provinces)  # simplified to ~1 km, inside the 2 km tolerance
    by_name = {n: g for n, g in zip(polys["name_zh"], polys["geometry"])}
    offenders = []
    for r in far.itertuples():
        zh = cities.loc[r.city_id, "name_zh"]
        prefecture = "金华" if r.city_id == "yiwu" else zh  # Yiwu is a county-level city of Jinhua
        geom = by_name.get(prefecture + "市") or by_name.get(prefecture)
        if geom is None or not geom.buffer(0.02).contains(Point(r.lon, r.lat)):
            offenders.append(f"{r.station_id} ({r.city_id})")
    assert not offenders, f"stations over 60 km from their city and outside it: {offenders}"


def test_chainage_consistent_with_straight_line(yrd):
    st = yrd.tables["stations"].set_index("station_id")
    ls = yrd.tables["line_stations"].sort_values(["line_id", "seq"])
    bad = []
    for line_id, g in ls.groupby("line_id"):
        ids = g["station_id"].to_numpy()
        km = np.diff(g["chainage_km"].to_numpy())
        crow = haversine_km(
            st.loc[ids[:-1], "lat"].to_numpy(),
            st.loc[ids[:-1], "lon"].to_numpy(),
            st.loc[ids[1:], "lat"].to_numpy(),
            st.loc[ids[1:], "lon"].to_numpy(),
        )
        for a, b, k, c in zip(ids[:-1], ids[1:], km, crow):
            if not (0.95 * c - 1.0 <= k <= 1.6 * c + 5.0):
                bad.append(f"{line_id}: {a}-{b} chainage {k:.1f} km, straight line {c:.1f} km")
    assert not bad, "\n".join(bad)


def test_published_times_not_faster_than_design_speed(yrd):
    """A published time over the chainage of some line the two stations share never implies more than
    that line's fastest design speed (the pair may share an old and a new line: the new one counts)."""
    ls = yrd.tables["line_stations"]
    sec = yrd.tables["sections"]
    chain = {(r.line_id, r.station_id): r.chainage_km for r in ls.itertuples()}
    top = sec.groupby("line_id")["design_kmh"].max()
    bad = []
    for r in yrd.tables["published_times"].itertuples():
        implied = {}
        for line_id in top.index:
            a, b = chain.get((line_id, r.from_station_id)), chain.get((line_id, r.to_station_id))
            if a is not None and b is not None:
                implied[line_id] = abs(b - a) / (r.minutes / 60.0)
        if implied and not any(kmh <= top[line] for line, kmh in implied.items()):
            bad.append(
                f"{r.from_station_id}-{r.to_station_id}: "
                + ", ".join(f"{kmh:.0f} km/h on {line} (design {top[line]:.0f})" for line, kmh in implied.items())
            )
    assert not bad, bad


@pytest.mark.parametrize("when", ["2016-03-10", "2020-12-31", None])
def test_rail_graph_connected(yrd, when):
    net = yrd if when is None else yrd.as_of(when)
    g = compile_graph(net, ("rail",), "station")
    m = sp.csr_matrix((np.ones(g.n_edges), g.indices, g.indptr), shape=(g.n_nodes, g.n_nodes))
    n, labels = connected_components(m, directed=True, connection="strong")
    if n > 1:
        main = np.bincount(labels).argmax()
        stray = sorted(g.node_ids[labels != main])
        pytest.fail(f"{n} components on {net.date}; not joined to the main network: {stray}")


def test_history_known_facts(yrd):
    def open_lines(when):
        return set(yrd.as_of(when).lines["line_id"])

    sec = yrd.tables["sections"]
    assert sec["opened"].dropna().map(lambda d: d >= date(1990, 1, 1)).all()
    # Beijing-Shanghai HSR opened on 2011-06-30
    jinghu = [lid for lid in yrd.tables["lines"]["line_id"] if lid.startswith("beijing_shanghai")]
    assert jinghu and jinghu[0] not in open_lines("2011-06-29") and jinghu[0] in open_lines("2011-06-30")
    # Wenzhou is on the high-speed network since 2009 (Ningbo-Taizhou-Wenzhou, Wenzhou-Fuzhou)
    assert yrd.as_of("2010-01-01").city_stations("wenzhou", kind="rail")


# Stations allowed further than 3 km from the 2016 timetable's point: (limit in km, reason). Every other
# station must be within 3 km. Shrink this list as public coordinates are found.
COORDINATE_EXCEPTIONS = {
    "changxing": (
        10.0,
        "the 2016 point is likely the old Changxing station (renamed 长兴南 in 2013); ours is "
        "the Nanjing-Hangzhou HSR station north of the town",
    ),
    "wuyi_north": (6.0, "estimate (+-4 km): Tangcun, north-east of Wuyi; no public coordinates found"),
    "jinyun_west": (6.0, "estimate: Qili township; no public coordinates found"),
    "dexing": (6.0, "estimate: no public coordinates found"),
    "gutian_north": (6.0, "estimate: no public coordinates found"),
    "fuan": (6.0, "estimate: no public coordinates found"),
}


def test_station_coordinates_match_the_2016_timetable(yrd, timetable_2016_path):
    from transit.timetable.workbook import load_workbook

    tt = load_workbook(timetable_2016_path)
    ref = tt.stations.dropna(subset=["lat_gcj02", "lon_gcj02"]).drop_duplicates("station_zh").set_index("station_zh")
    # compare the stations in service on the timetable's day: a name may since have passed to a new
    # station (台州 is today's 台州西; the new 台州 opened in 2022)
    st = yrd.as_of("2016-03-10").stations
    st = st[(st["kind"] == "rail") & st["name_zh"].isin(ref.index)]
    assert len(st) >= 150, "too few stations share a 12306 name with the 2016 timetable"
    lat, lon = gcj02_to_wgs84(
        ref.loc[st["name_zh"], "lat_gcj02"].to_numpy(dtype=float),
        ref.loc[st["name_zh"], "lon_gcj02"].to_numpy(dtype=float),
    )
    d = haversine_km(st["lat"].to_numpy(), st["lon"].to_numpy(), lat, lon)
    limit = st["station_id"].map(lambda sid: COORDINATE_EXCEPTIONS.get(sid, (3.0, ""))[0]).to_numpy()
    bad = [
        f"{s} {z}: {x:.1f} km (limit {lim:g})"
        for s, z, x, lim in zip(st["station_id"], st["name_zh"], d, limit)
        if x > lim
    ]
    assert not bad, f"{len(bad)} stations too far from the 2016 timetable's position: {bad}"
    assert float(np.median(d)) < 1.5, f"median distance {np.median(d):.2f} km"


def test_airports_match_airportsdata(yrd):
    """Airports whose source cites airportsdata are within 2 km of it; the others (airports newer
    than the package, or moved: Lianyungang 2021) say where their coordinates come from instead."""
    airportsdata = pytest.importorskip("airportsdata")
    ref = airportsdata.load("IATA")
    ap = yrd.tables["stations"]
    ap = ap[ap["kind"] == "airport"]
    cites = ap["source"].str.contains("airportsdata", case=False)
    own = ap["source"].str.contains("not in airportsdata|airportsdata [A-Z]{3} still gives", case=False)
    compared = ap[cites & ~own]
    assert len(compared) >= 20, "too few airports take their coordinates from airportsdata"
    bad = []
    for r in compared.itertuples():
        a = ref.get(r.iata)
        if a is None:
            bad.append(f"{r.station_id}: IATA {r.iata} unknown to airportsdata, yet cited")
        elif haversine_km(r.lat, r.lon, a["lat"], a["lon"]) > 2.0:
            bad.append(f"{r.station_id}: {haversine_km(r.lat, r.lon, a['lat'], a['lon']):.1f} km off")
    assert not bad, bad


def test_estimates_say_so(yrd):
    fl = yrd.tables["flights"]
    est = fl[fl["basis"] == "estimate"]
    assert est["source"].str.contains("estimate", case=False).all()


# Stations of the 2016 timetable with regular service (>= 10 trains on 2016-03-10) within 60 km of a city
# centre of the network that the network leaves out, each with its reason. None is in Shanghai, Jiangsu,
# Zhejiang or Anhui; most lie on regional lines the model does not carry.
STATION_COVERAGE_EXCEPTIONS = {
    "Beijing station: overnight D trains over the Beijing-Shanghai/Harbin conventional lines, not modelled": ["北京"],
    "the Zhengzhou-Kaifeng, Zhengzhou-Jiaozuo and Zhengzhou airport intercity lines (Henan), not modelled": [
        "宋城路",
        "绿博园",
        "新郑机场",
        "武陟",
        "修武西",
    ],
    "Wuhan metropolitan intercity lines (Wuhan-Xianning, Wuhan-Huangshi, Wuhan-Huanggang, Hanyi) and Wuchang "
    "station, not modelled": [
        "咸宁南",
        "武昌",
        "南湖东",
        "汤逊湖",
        "庙山",
        "纸坊东",
        "葛店南",
        "华容东",
        "黄冈东",
        "黄冈",
        "黄冈西",
        "花湖",
        "黄石",
        "汉川",
    ],
    "Ruichang station on the conventional Wuhan-Jiujiang railway (D trains before the Wuhan-Jiujiang passenger "
    "line opened in 2017; the network has Ruichang West on the new line)": ["瑞昌"],
    "Jinan station and the Jiaoji railway (Jinan-Qingdao D trains), not modelled": ["济南", "章丘"],
    "Tianjin-Binhai (Tianjin-Qinhuangdao HSR, Tianjin-Yujiapu intercity), not modelled": [
        "军粮城北",
        "滨海",
        "于家堡",
        "滨海北",
    ],
    "Pearl River Delta intercity and western lines (Guangzhou-Zhuhai intercity, Nanning/Guiyang-Guangzhou west "
    "of Foshan West), not modelled": [
        "顺德",
        "容桂",
        "南头",
        "小榄",
        "古镇",
        "江门",
        "新会",
        "中山北",
        "唐家湾",
        "三水南",
        "肇庆东",
    ],
    "Fujian and Jiangxi inland lines (Xiangtang-Putian, Longyan-Xiamen, Ganzhou-Longyan), not modelled": [
        "抚州",
        "南城",
        "永泰",
        "三明北",
        "尤溪",
        "南靖",
        "赣州",
        "于都",
    ],
    "Shanghai-Kunming HSR west of Changsha South, outside the study corridors": ["湘潭北", "韶山南", "祁东"],
}


def test_every_regularly_served_2016_station_in_the_study_area_is_in_the_network(yrd, timetable_2016_path):
    """Every station with >= 10 trains on 2016-03-10 within 60 km of a city centre is a station of the network
    (matched by 12306 name or a former name) on at least one line, except the stations named above with their
    reasons."""
    from transit.timetable.workbook import load_workbook

    tt = load_workbook(timetable_2016_path).runs_on("2016-03-10")
    stops = tt.stops[tt.stops["served"]]
    n_trains = stops.groupby("station_zh")["train"].nunique()
    regular = n_trains[n_trains >= 10].index
    ref = tt.stations.dropna(subset=["lat_gcj02", "lon_gcj02"]).drop_duplicates("station_zh").set_index("station_zh")
    regular = [z for z in regular if z in ref.index]
    lat, lon = gcj02_to_wgs84(
        ref.loc[regular, "lat_gcj02"].to_numpy(dtype=float), ref.loc[regular, "lon_gcj02"].to_numpy(dtype=float)
    )
    cities = yrd.cities
    d = haversine_km(lat[:, None], lon[:, None], cities["lat"].to_numpy()[None, :], cities["lon"].to_numpy()[None, :])
    in_area = {z for z, km in zip(regular, d.min(axis=1)) if km <= 60.0}
    st = yrd.tables["stations"]
    st = st[st["station_id"].isin(set(yrd.tables["line_stations"]["station_id"]))]  # a station on no line serves nobody
    known = set(st["name_zh"])
    for former in st["former_names_zh"].dropna():
        known |= {n.strip() for n in str(former).split(";") if n.strip()}
    excepted = {z for names in STATION_COVERAGE_EXCEPTIONS.values() for z in names}
    missing = sorted(in_area - known - excepted)
    assert not missing, f"regularly served 2016 stations in the study area missing from stations.csv: {missing}"
    stale = sorted(excepted - (in_area - known))
    assert not stale, f"listed as exceptions but now in the network or out of the area; remove them: {stale}"


def test_operating_speed_history(yrd):
    """Known changes of top operating speed (operating_speeds.csv): the 350 km/h lines of 2008-2011, the cuts
    of 2011, the Fuxing trains at 350 from 2017-09-21 (Beijing-Shanghai) and 2018-08-08 (Beijing-Tianjin), and
    the new lines that opened at 350 from 2022 (Fuzhou-Xiamen, Hangzhou-Wenzhou, Shanghai-Suzhou-Huzhou...)."""

    def kmh(when, line_id, station_id):
        os_ = yrd.as_of(when).operating_speeds
        ls = yrd.tables["line_stations"]
        seq = ls[ls["line_id"] == line_id].set_index("station_id")["seq"]
        hits = [
            r.operating_kmh
            for r in os_[os_["line_id"] == line_id].itertuples()
            if seq[r.from_station_id] <= seq[station_id] < seq[r.to_station_id]
        ]
        return hits[0] if hits else None

    assert kmh("2009-06-01", "beijing_tianjin_intercity", "beijing_south") == 350
    assert kmh("2016-03-10", "beijing_tianjin_intercity", "beijing_south") == 300
    assert kmh("2019-01-01", "beijing_tianjin_intercity", "beijing_south") == 350
    assert kmh("2016-03-10", "beijing_shanghai_hsr", "nanjing_south") == 300
    assert kmh("2017-09-21", "beijing_shanghai_hsr", "nanjing_south") == 350
    assert kmh("2011-03-01", "shanghai_nanjing_intercity", "suzhou") == 350
    assert kmh("2011-07-15", "shanghai_nanjing_intercity", "suzhou") == 300
    assert kmh("2011-07-15", "shanghai_kunming_hsr", "jiaxing_south") == 350  # Shanghai-Hangzhou kept 350 to 2011-08-28
    assert kmh("2011-09-01", "shanghai_kunming_hsr", "jiaxing_south") == 300
    assert kmh("2016-03-10", "hefei_nanjing_railway", "hefei") == 200
    assert kmh("2016-03-10", "beijing_guangzhou_hsr", "wuhan") == 300
    assert kmh("2024-12-31", "beijing_guangzhou_hsr", "wuhan") == 350
    assert kmh("2016-03-10", "hangzhou_ningbo_hsr", "hangzhou_east") is None  # the [running_time] rule applies
    # the new lines that opened at 350 (China Railway: 最高时速按350公里运营) and those that opened at 300
    assert kmh("2023-09-28", "fuzhou_xiamen_hsr", "fuzhou_south") == 350
    assert kmh("2024-09-05", "hangzhou_wenzhou_hsr", "tonglu_east") is None  # not yet open
    assert kmh("2024-09-06", "hangzhou_wenzhou_hsr", "yiwu") == 350
    assert kmh("2025-01-01", "shanghai_suzhou_huzhou_hsr", "shanghai_hongqiao") == 350
    assert kmh("2022-06-01", "hangzhou_taizhou_hsr", "shaoxing_north") == 300  # 初期运营时速300公里
    rows = yrd.tables["operating_speeds"]
    assert rows["source"].str.len().gt(20).all()
    top = yrd.tables["sections"].groupby("line_id")["design_kmh"].max()
    assert (rows["operating_kmh"] <= rows["line_id"].map(top)).all()
