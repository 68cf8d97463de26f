// The area's admin page: click the map to draw the outline point by point;
// the boundary field receives the polygon as GeoJSON (WGS-84). Typing or
// uploading GeoJSON works without it.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
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
  holder.appendChild(canvas);
  holder.appendChild(undo);
  field.parentNode.appendChild(holder);
  var map = L.map(canvas).setView(config.centre || [39.91, 116.39], 11);
  var options = { attribution: config.attribution, maxZoom: config.maxZoom || 18 };
  if (config.subdomains) { options.subdomains = config.subdomains; }
  // Drawn in the tile source's own coordinates: an administrator using a
  // GCJ-02 source uploads WGS-84 GeoJSON instead.
  L.tileLayer(config.tileUrl, options).addTo(map);
  var points = [];
  var shape = null;
  function show() {
    if (shape) { map.removeLayer(shape); }
    shape = points.length ? L.polygon(points.map(function (p) { return [p[1], p[0]]; })).addTo(map) : null;
  }
  try {
    var current = JSON.parse(field.value);
    var ring = current.type === "MultiPolygon" ? current.coordinates[0][0] : current.coordinates[0];
    points = ring.slice(0, -1);
    show();
    if (shape) { map.fitBounds(shape.getBounds()); }
  } catch (e) { /* empty or hand-typed: start afresh */ }
  function write() {
    if (points.length < 3) { return; }
    var ring = points.concat([points[0]]);
    field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
  }
  map.on("click", function (event) {
    points.push([Math.round(event.latlng.lng * 1e6) / 1e6, Math.round(event.latlng.lat * 1e6) / 1e6]);
    show(); write();
  });
  undo.addEventListener("click", function () { points.pop(); show(); write(); });
})();
