// Route upload with a progress bar: the same form posts with fetch-like XHR so the browser reports upload
// progress; without JavaScript the form posts normally. Files over the 50 MiB limit are refused before sending.
(function () {
  const form = document.getElementById("route-form");
  if (!form || !window.XMLHttpRequest) return;
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const limit = Number(form.dataset.maxBytes);
  form.addEventListener("submit", function (event) {
    const input = form.querySelector("input[type=file]");
    const file = input && input.files && input.files[0];
    if (!file) return; // a saved route: a plain post is quick
    event.preventDefault();
    if (file.size > limit) {
      status.textContent = file.name + " is " + Math.round(file.size / 1048576) + " MiB; route files are limited to 50 MiB.";
      return;
    }
    const data = new FormData(form);
    data.append("route-plan", "1");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "fetch");
    bar.hidden = false;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = "Uploading… " + bar.value + " %";
      }
    });
    xhr.upload.addEventListener("load", function () { status.textContent = "Reading the route and placing the bouts…"; });
    xhr.addEventListener("load", function () {
      if (xhr.status === 201) { window.location.href = xhr.responseText; return; }
      document.open(); document.write(xhr.responseText); document.close(); // the page with its error
    });
    xhr.addEventListener("error", function () { status.textContent = "The upload failed: check the connection and try again."; });
    xhr.send(data);
  });
})();
