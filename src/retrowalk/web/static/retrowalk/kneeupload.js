// The knee video's upload with a progress bar (a phone video is tens or hundreds of MB): the form posts with XHR
// asking for JSON, so the browser reports upload progress; without JavaScript it posts normally. A refusal comes
// back as one sentence, shown beside the form; nothing of a refused upload is kept.
(function () {
  const form = document.getElementById("knee-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  const bar = document.getElementById("knee-upload");
  const status = document.getElementById("knee-upload-status");
  const limit = Number(form.dataset.maxBytes);
  const tx = window.rwWords;
  form.addEventListener("submit", function (event) {
    const input = form.querySelector("input[type=file]");
    const file = input && input.files && input.files[0];
    if (!file) return; // the server says what is missing
    event.preventDefault();
    status.className = "";
    if (limit && file.size > limit) {
      status.className = "error";
      status.textContent = tx("too_big", { file: file.name, size: (file.size / 2 ** 30).toFixed(1) });
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("Accept", "application/json");
    bar.hidden = false;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((100 * e.loaded) / e.total);
        status.textContent = tx("uploading", { file: file.name, percent: bar.value });
      }
    });
    xhr.addEventListener("load", function () {
      let answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
      if (xhr.status < 300 && answer.location) {
        status.textContent = tx("checking");
        window.location.assign(answer.location);
        return;
      }
      bar.hidden = true;
      status.className = "error";
      status.setAttribute("role", "alert");
      status.textContent = answer.error || tx("failed", { status: xhr.status });
    });
    xhr.addEventListener("error", function () {
      bar.hidden = true;
      status.className = "error";
      status.textContent = tx("stopped");
    });
    xhr.send(new FormData(form));
  });
})();
