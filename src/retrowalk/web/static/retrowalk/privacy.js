// Privacy zones: "use where I am now" fills the place from the phone's own position (nothing is sent anywhere
// but this form, and only when she saves it).
(function () {
  "use strict";
  const here = document.getElementById("here");
  const place = document.getElementById("place");
  const status = document.getElementById("here-status");
  if (!here || !place || !("geolocation" in navigator)) return;
  here.hidden = false;
  here.addEventListener("click", function () {
    status.textContent = window.rwWords("finding");
    navigator.geolocation.getCurrentPosition(function (pos) {
      place.value = pos.coords.latitude.toFixed(6) + ", " + pos.coords.longitude.toFixed(6);
      status.textContent = window.rwWords("found", { metres: Math.round(pos.coords.accuracy) });
      place.focus();
    }, function (err) {
      status.textContent = err.code === 1
        ? window.rwWords("denied") : window.rwWords("unknown");
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });
})();

// "Choose it on a map": a tap on one of her route maps is turned back into a place by the map's own projection
// (data-projection: scale, cos(lat), lon0·cos(lat), −lat0, x offset, y offset), and marked.
(function () {
  "use strict";
  const place = document.getElementById("place");
  if (!place) return;
  document.querySelectorAll("svg.route-map[data-projection]").forEach(function (svg) {
    const [scale, k, x0, y0, ox, oy] = svg.dataset.projection.split(",").map(Number);
    svg.style.cursor = "crosshair";
    svg.addEventListener("click", function (event) {
      const point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      const at = point.matrixTransform(svg.getScreenCTM().inverse());
      const lon = ((at.x - ox) / scale + x0) / k;
      const lat = -((at.y - oy) / scale + y0);
      place.value = lat.toFixed(6) + ", " + lon.toFixed(6);
      document.querySelectorAll("circle.picked").forEach(function (c) { c.remove(); });
      const mark = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      mark.setAttribute("class", "picked");
      mark.setAttribute("cx", at.x);
      mark.setAttribute("cy", at.y);
      mark.setAttribute("r", 9);
      mark.setAttribute("fill", "none");
      mark.setAttribute("stroke", "#c62828");
      mark.setAttribute("stroke-width", 4);
      svg.appendChild(mark);
      const status = document.getElementById("here-status");
      if (status) status.textContent = window.rwWords("from_map");
    });
  });
})();
