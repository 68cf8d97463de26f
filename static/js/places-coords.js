// The one place where the browser converts between the coordinates stored
// and sent (WGS-84, always) and those of the tile source on screen (WGS-84,
// or GCJ-02 for Chinese map services: config.crs). Every map of the site
// (places-map.js, places-admin.js) goes through forCrs(); the formulas are
// places/gcj02.py's, and tests/e2e/test_maps_gcj02.py checks they agree.
(function (root) {
  "use strict";

  var A = 6378245.0, EE = 0.00669342162296594323;
  function outsideChina(lat, lon) { return !(lon > 73.66 && lon < 135.05 && lat > 3.86 && lat < 53.55); }
  function tLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    return r;
  }
  function tLon(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    return r;
  }
  function toGcj(lat, lon) {
    if (outsideChina(lat, lon)) { return [lat, lon]; }
    var dLat = tLat(lon - 105, lat - 35), dLon = tLon(lon - 105, lat - 35);
    var rad = lat / 180 * Math.PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    dLat = (dLat * 180) / ((A * (1 - EE)) / (magic * sq) * Math.PI);
    dLon = (dLon * 180) / (A / sq * Math.cos(rad) * Math.PI);
    return [lat + dLat, lon + dLon];
  }
  // The inverse has no closed form: iterate until within a few centimetres.
  function fromGcj(lat, lon) {
    if (outsideChina(lat, lon)) { return [lat, lon]; }
    var wLat = lat, wLon = lon;
    for (var i = 0; i < 10; i++) {
      var g = toGcj(wLat, wLon), dLat = g[0] - lat, dLon = g[1] - lon;
      wLat -= dLat; wLon -= dLon;
      if (Math.abs(dLat) < 1e-9 && Math.abs(dLon) < 1e-9) { break; }
    }
    return [wLat, wLon];
  }

  function same(lat, lon) { return [lat, lon]; }

  // GeoJSON rings are [longitude, latitude]; convert each point of a
  // Polygon or MultiPolygon, keeping its shape.
  function mapGeometry(geometry, convert) {
    function ring(points) {
      return points.map(function (p) { var c = convert(p[1], p[0]); return [c[1], c[0]]; });
    }
    if (geometry.type === "Polygon") {
      return { type: "Polygon", coordinates: geometry.coordinates.map(ring) };
    }
    if (geometry.type === "MultiPolygon") {
      return { type: "MultiPolygon", coordinates: geometry.coordinates.map(function (polygon) { return polygon.map(ring); }) };
    }
    return geometry;
  }

  function forCrs(crs) {
    var gcj = crs === "gcj02";
    var show = gcj ? toGcj : same, store = gcj ? fromGcj : same;
    return {
      gcj: gcj,
      // WGS-84 → the screen's coordinates, and back.
      show: show,
      store: store,
      // A box seen on screen (south, west, north, east) as the WGS-84 box
      // that holds all of it: the offset varies across a box, so every
      // corner is converted, not two.
      storeBox: function (south, west, north, east) {
        var corners = [store(south, west), store(south, east), store(north, west), store(north, east)];
        var lats = corners.map(function (c) { return c[0]; }), lons = corners.map(function (c) { return c[1]; });
        return { south: Math.min.apply(null, lats), west: Math.min.apply(null, lons),
                 north: Math.max.apply(null, lats), east: Math.max.apply(null, lons) };
      },
      // A stored WGS-84 box's corners on screen, for L.latLngBounds.
      showBox: function (south, west, north, east) { return [show(south, west), show(north, east)]; },
      showGeometry: function (geometry) { return mapGeometry(geometry, show); },
      storeGeometry: function (geometry) { return mapGeometry(geometry, store); }
    };
  }

  root.WenzhengCoords = { toGcj: toGcj, fromGcj: fromGcj, forCrs: forCrs };
})(window);
