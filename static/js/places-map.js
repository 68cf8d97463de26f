// Maps (places/): the pin on the submission form and the case page, the
// public map with clusters, and the supervisors' heat map. An enhancement:
// every page works without it through its latitude/longitude and filter
// fields. Points are WGS-84 everywhere but on screen; a tile source drawn
// in GCJ-02 (config.crs) gets them converted at this edge, by
// places-coords.js alone.
(function () {
  "use strict";
  if (typeof L === "undefined" || typeof WenzhengCoords === "undefined") { return; }

  // --- a map with its tiles --------------------------------------------------------
  function makeMap(container, canvas) {
    var config = JSON.parse(container.getAttribute("data-map-config"));
    var coords = WenzhengCoords.forCrs(config.crs);
    var show = coords.show, store = coords.store;
    container.hidden = false;
    var b = config.bounds; // west, south, east, north (WGS-84)
    var sw = show(b[1], b[0]), ne = show(b[3], b[2]);
    var map = L.map(canvas, { maxBounds: L.latLngBounds(sw, ne).pad(0.2), keyboard: true });
    var centre = show(config.centre[0], config.centre[1]);
    map.setView(centre, 11);
    var options = { attribution: config.attribution, maxZoom: config.maxZoom };
    if (config.subdomains) { options.subdomains = config.subdomains; }
    var tiles = L.tileLayer(config.tileUrl, options);
    var notice = container.querySelector(".map-notice");
    var failures = 0;
    tiles.on("tileerror", function () {
      failures += 1;
      if (notice && failures === 1) {
        notice.textContent = container.getAttribute("data-text-tiles") || "";
        notice.hidden = false;
        container.classList.add("tiles-failed");
      }
    });
    tiles.on("tileload", function () { container.classList.add("tiles-loaded"); });
    tiles.addTo(map);
    return { map: map, show: show, store: store, coords: coords, config: config };
  }

  function fixed(value) { return (Math.round(value * 1e6) / 1e6).toFixed(6); }

  function boxParam(m) {
    return boxText(m, m.map.getBounds());
  }

  // A box on screen as "west,south,east,north" in WGS-84, grown outwards to
  // whole millionths so it never loses an edge to rounding.
  function boxText(m, bounds) {
    var box = m.coords.storeBox(bounds.getSouth(), bounds.getWest(), bounds.getNorth(), bounds.getEast());
    var down = function (v) { return (Math.floor(v * 1e6) / 1e6).toFixed(6); };
    var up = function (v) { return (Math.ceil(v * 1e6) / 1e6).toFixed(6); };
    return [down(box.west), down(box.south), up(box.east), up(box.north)].join(",");
  }

  // --- a pin: the submission form and the correction of a case's place ----------------
  function picker(container) {
    var m = makeMap(container, container.querySelector(".map-canvas"));
    var latInput = document.getElementById(container.getAttribute("data-lat-input"));
    var lonInput = document.getElementById(container.getAttribute("data-lon-input"));
    var marker = null;
    function write(latlng) {
      var point = m.store(latlng.lat, latlng.lng);
      latInput.value = fixed(point[0]);
      lonInput.value = fixed(point[1]);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function place(latlng) {
      if (marker === null) {
        marker = L.marker(latlng, { draggable: true, keyboard: true, title: container.getAttribute("data-text-pin") || "" });
        marker.on("dragend", function () { write(marker.getLatLng()); });
        marker.addTo(m.map);
      } else {
        marker.setLatLng(latlng);
      }
    }
    function readInputs() {
      var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
      if (isFinite(lat) && isFinite(lon)) {
        var shown = m.show(lat, lon);
        place(L.latLng(shown[0], shown[1]));
        return shown;
      }
      return null;
    }
    var initial = readInputs();
    if (initial) { m.map.setView(initial, 16); }
    m.map.on("click", function (event) { place(event.latlng); write(event.latlng); });
    latInput.addEventListener("input", readInputs);
    lonInput.addEventListener("input", readInputs);
    var locate = container.querySelector("[data-locate]");
    var notice = container.querySelector(".map-notice");
    if (locate) {
      if (!("geolocation" in navigator)) { locate.hidden = true; }
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          var shown = m.show(position.coords.latitude, position.coords.longitude);
          var latlng = L.latLng(shown[0], shown[1]);
          place(latlng); write(latlng); m.map.setView(latlng, 17);
        }, function () {
          if (notice) { notice.textContent = container.getAttribute("data-text-no-location") || ""; notice.hidden = false; }
        }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
    var clear = container.querySelector("[data-clear-pin]");
    if (clear) {
      clear.addEventListener("click", function () {
        if (marker) { m.map.removeLayer(marker); marker = null; }
        latInput.value = ""; lonInput.value = "";
        latInput.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
  }

  // --- a case's pin, read only ------------------------------------------------------
  function pointView(container) {
    var m = makeMap(container, container.querySelector(".map-canvas"));
    var shown = m.show(parseFloat(container.getAttribute("data-lat")), parseFloat(container.getAttribute("data-lon")));
    L.marker(shown, { keyboard: false }).addTo(m.map);
    m.map.setView(shown, 16);
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href; a.textContent = text;
    return a;
  }

  // --- the public map ---------------------------------------------------------------
  function publicMap(container) {
    var m = makeMap(container, container.querySelector(".map-canvas"));
    var url = container.getAttribute("data-url");
    var filters = container.getAttribute("data-filters") || "";
    var clusters = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
    var cells = L.layerGroup();
    clusters.addTo(m.map); cells.addTo(m.map);
    var status = container.querySelector(".map-status");
    var pending = null;
    function load() {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var query = "bbox=" + boxParam(m) + "&zoom=" + m.map.getZoom() + (filters ? "&" + filters : "");
      fetch(url + "?" + query, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          clusters.clearLayers(); cells.clearLayers();
          (data.points || []).forEach(function (point) {
            var marker = L.marker(m.show(point.lat, point.lon), { title: point.title });
            marker.bindPopup(link(point.url, point.title));
            clusters.addLayer(marker);
          });
          (data.cells || []).forEach(function (cell) {
            var sw = m.show(cell.south, cell.west), ne = m.show(cell.north, cell.east);
            var box = L.rectangle([sw, ne], { weight: 1, fillOpacity: Math.min(0.15 + cell.count / (data.max || 1) * 0.5, 0.7) });
            box.bindTooltip(String(cell.count), { permanent: true, direction: "center", className: "cell-count" });
            box.on("click", function () { m.map.fitBounds(box.getBounds()); });
            cells.addLayer(box);
          });
          if (status) { status.textContent = data.summary || ""; }
        })
        .catch(function () {});
    }
    m.map.on("moveend", load);
    var b = m.config.bounds, fit = container.getAttribute("data-fit");
    if (fit) {
      var f = fit.split(",").map(parseFloat); // west,south,east,north
      m.map.fitBounds([m.show(f[1], f[0]), m.show(f[3], f[2])]);
    } else {
      m.map.fitBounds([m.show(b[1], b[0]), m.show(b[3], b[2])]);
    }
    load();
  }

  // --- the supervisors' heat map -----------------------------------------------------
  function heatMap(container) {
    var m = makeMap(container, container.querySelector(".map-canvas"));
    var b = m.config.bounds;
    m.map.fitBounds([m.show(b[1], b[0]), m.show(b[3], b[2])]);
    var layer = L.layerGroup().addTo(m.map);
    fetch(container.getAttribute("data-url"), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var max = data.max || 1, bounds = null;
        (data.cells || []).forEach(function (cell) {
          var share = cell.count / max;
          var colour = share > 0.66 ? "#b10026" : share > 0.33 ? "#fd8d3c" : "#fed976";
          var sw = m.show(cell.south, cell.west), ne = m.show(cell.north, cell.east);
          var box = L.rectangle([sw, ne], { stroke: false, fillColor: colour, fillOpacity: 0.35 + share * 0.4 });
          box.bindTooltip(cell.label);
          layer.addLayer(box);
          bounds = bounds ? bounds.extend(box.getBounds()) : box.getBounds();
        });
        if (bounds) { m.map.fitBounds(bounds); }
      })
      .catch(function () {});
  }

  // --- a box drawn on the map fills a bbox field (the inbox's filter) -----------------
  // Two clicks draw it (one corner, then the opposite one); "Use the map's
  // view" takes what is on screen. Either way the field gets WGS-84.
  function boxPicker(container) {
    var m = makeMap(container, container.querySelector(".map-canvas"));
    var input = document.getElementById(container.getAttribute("data-bbox-input"));
    var rectangle = null, corner = null, cornerMark = null;
    function drawFromInput(fit) {
      var parts = (input.value || "").split(",").map(parseFloat);
      if (rectangle) { m.map.removeLayer(rectangle); rectangle = null; }
      if (parts.length === 4 && parts.every(isFinite)) {
        var bounds = L.latLngBounds(m.coords.showBox(parts[1], parts[0], parts[3], parts[2]));
        rectangle = L.rectangle(bounds, { weight: 2, fill: false }).addTo(m.map);
        if (fit) { m.map.fitBounds(bounds); }
      } else if (fit) {
        var b = m.config.bounds;
        m.map.fitBounds(L.latLngBounds(m.coords.showBox(b[1], b[0], b[3], b[2])));
      }
    }
    function fill(bounds) {
      input.value = boxText(m, bounds);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    drawFromInput(true);
    input.addEventListener("change", function () { drawFromInput(false); });
    m.map.on("click", function (event) {
      if (corner === null) {
        corner = event.latlng;
        cornerMark = L.circleMarker(corner, { radius: 4 }).addTo(m.map);
        return;
      }
      m.map.removeLayer(cornerMark);
      fill(L.latLngBounds(corner, event.latlng));
      corner = null; cornerMark = null;
    });
    container.querySelector("[data-use-view]").addEventListener("click", function () { fill(m.map.getBounds()); });
  }

  document.querySelectorAll("[data-map-picker]").forEach(picker);
  document.querySelectorAll("[data-map-point]").forEach(pointView);
  document.querySelectorAll("[data-map-public]").forEach(publicMap);
  document.querySelectorAll("[data-map-heat]").forEach(heatMap);
  document.querySelectorAll("[data-map-box]").forEach(boxPicker);
})();

// "Near me" on the public map: the browser's position fills the near fields.
(function () {
  "use strict";
  var button = document.querySelector("[data-near-me]");
  var lat = document.getElementById("id_near_latitude"), lon = document.getElementById("id_near_longitude");
  if (!button || !lat || !lon || !("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lon.value = position.coords.longitude.toFixed(6);
      button.form.submit();
    });
  });
})();
