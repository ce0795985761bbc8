// The knee video's upload with a progress bar (a phone video is tens or hundreds of MB): the form posts with XHR
// asking for JSON, so the browser reports upload progress; without JavaScript it posts normally. A refusal comes
// back as one sentence, shown beside the form; nothing of a refused upload is kept.
(function () {
  const form = document.getElementById("knee-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  const bar = document.getElementById("knee-upload");
  const status = document.getElementById("knee-upload-status");
  const limit = Number(form.dataset.maxBytes);
  form.addEventListener("submit", function (event) {
    const input = form.querySelector("input[type=file]");
    const file = input && input.files && input.files[0];
    if (!file) return; // the server says what is missing
    event.preventDefault();
    status.className = "";
    if (limit && file.size > limit) {
      status.className = "error";
      status.textContent = file.name + " is " + (file.size / 2 ** 30).toFixed(1) + " GiB; film 10 to 60 seconds (videos are limited to 1 GiB)";
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("Accept", "application/json");
    bar.hidden = false;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((100 * e.loaded) / e.total);
        status.textContent = "Uploading " + file.name + ": " + bar.value + " %";
      }
    });
    xhr.addEventListener("load", function () {
      let answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
      if (xhr.status < 300 && answer.location) {
        status.textContent = "Uploaded; checking…";
        window.location.assign(answer.location);
        return;
      }
      bar.hidden = true;
      status.className = "error";
      status.setAttribute("role", "alert");
      status.textContent = answer.error || "The upload failed (" + xhr.status + "); try again.";
    });
    xhr.addEventListener("error", function () {
      bar.hidden = true;
      status.className = "error";
      status.textContent = "The upload stopped (is the phone online?); try again.";
    });
    xhr.send(new FormData(form));
  });
})();
