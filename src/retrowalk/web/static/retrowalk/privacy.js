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
    status.textContent = "Finding where you are…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      place.value = pos.coords.latitude.toFixed(6) + ", " + pos.coords.longitude.toFixed(6);
      status.textContent = "Place filled in (to about " + Math.round(pos.coords.accuracy) + " m). Save the zone to keep it.";
      place.focus();
    }, function (err) {
      status.textContent = err.code === 1
        ? "The browser was not allowed to tell where you are: type the place instead."
        : "Where you are could not be found just now: type the place instead.";
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });
})();
