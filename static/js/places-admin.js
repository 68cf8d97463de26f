// The area's admin page: click the map to draw the outline point by point;
// the boundary field receives the polygon as GeoJSON in WGS-84, whatever
// the tile source draws in (places-coords.js converts at this edge).
// Typing or uploading GeoJSON works without it.
// The admin puts a form's scripts in the page's head: wait for the field.
function wenzhengAreaMap() {
  "use strict";
  if (typeof L === "undefined" || typeof WenzhengCoords === "undefined") { return; }
  var field = document.getElementById("id_boundary");
  if (!field) { return; }
  var holder = document.createElement("div");
  holder.className = "admin-area-map";
  var canvas = document.createElement("div");
  canvas.className = "map-canvas";
  var undo = document.createElement("button");
  undo.type = "button";
  undo.textContent = "↶";
  undo.setAttribute("aria-label", field.getAttribute("data-text-undo") || "");
  var config = JSON.parse(field.getAttribute("data-map-config") || "{}");
  var coords = WenzhengCoords.forCrs(config.crs);
  holder.appendChild(canvas);
  holder.appendChild(undo);
  // After the field's row, not inside it: the admin lays a row out as a flex line.
  var row = field.parentNode;
  row.parentNode.insertBefore(holder, row.nextSibling);
  if (field.value.trim() === "null") { field.value = ""; }
  var centre = config.centre ? coords.show(config.centre[0], config.centre[1]) : [39.91, 116.39];
  var map = L.map(canvas).setView(centre, 11);
  var options = { attribution: config.attribution, maxZoom: config.maxZoom || 18 };
  if (config.subdomains) { options.subdomains = config.subdomains; }
  L.tileLayer(config.tileUrl, options).addTo(map);
  // The outline being drawn, as [longitude, latitude] in WGS-84; shown converted.
  var points = [];
  var shape = null;
  // A stored boundary with several polygons or holes is shown whole; the
  // first click starts a new outline that replaces it, rather than keeping
  // one ring of it and silently dropping the rest.
  var existing = null;
  function show() {
    if (shape) { map.removeLayer(shape); }
    shape = points.length ? L.polygon(points.map(function (p) { return coords.show(p[1], p[0]); })).addTo(map) : null;
  }
  try {
    var current = JSON.parse(field.value);
    var polygons = current.type === "MultiPolygon" ? current.coordinates : [current.coordinates];
    if (polygons.length === 1 && polygons[0].length === 1) {
      points = polygons[0][0].slice(0, -1);
      show();
      if (shape) { map.fitBounds(shape.getBounds()); }
    } else {
      existing = L.geoJSON(coords.showGeometry(current), { style: { dashArray: "4" } }).addTo(map);
      map.fitBounds(existing.getBounds());
    }
  } catch (e) { /* empty or hand-typed: start afresh */ }
  function write() {
    if (points.length < 3) { return; }
    var ring = points.concat([points[0]]);
    field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
  }
  function round(value) { return Math.round(value * 1e6) / 1e6; }
  map.on("click", function (event) {
    if (existing) { map.removeLayer(existing); existing = null; }
    var point = coords.store(event.latlng.lat, event.latlng.lng);
    points.push([round(point[1]), round(point[0])]);
    show(); write();
  });
  undo.addEventListener("click", function () { points.pop(); show(); write(); });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", wenzhengAreaMap);
} else {
  wenzhengAreaMap();
}
