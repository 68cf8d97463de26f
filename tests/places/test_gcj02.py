"""WGS-84 ⇄ GCJ-02 against published reference points."""

import pytest

from places.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02

# (WGS-84, GCJ-02) pairs: Shanghai, Shenzhen, Beijing (the reference data of
# the widely used eviltransform library).
KNOWN = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]


@pytest.mark.parametrize("wgs, gcj", KNOWN)
def test_wgs84_to_gcj02_matches_the_reference_points(wgs, gcj):
    lat, lon = wgs84_to_gcj02(*wgs)
    assert lat == pytest.approx(gcj[0], abs=1e-9) and lon == pytest.approx(gcj[1], abs=1e-9)


@pytest.mark.parametrize("wgs, gcj", KNOWN)
def test_gcj02_back_to_wgs84_within_a_centimetre(wgs, gcj):
    lat, lon = gcj02_to_wgs84(*gcj)
    assert lat == pytest.approx(wgs[0], abs=1e-7) and lon == pytest.approx(wgs[1], abs=1e-7)


def test_outside_china_nothing_is_offset():
    assert wgs84_to_gcj02(51.5074, -0.1278) == (51.5074, -0.1278)
    assert gcj02_to_wgs84(35.6762, 139.6503) == (35.6762, 139.6503)
