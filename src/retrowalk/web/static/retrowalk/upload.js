// Route upload with a progress bar: the same form posts with XHR so the browser reports upload progress; without
// JavaScript the form posts normally. Files over the 50 MiB limit are refused before sending. A refusal comes back
// as data and is shown beside the form, scrolled to and focused, with the chosen file still chosen: "Plan it the
// other way" sends the same file again, reversed. Nothing of a refused upload is stored.
(function () {
  const form = document.getElementById("route-form");
  if (!form || !window.XMLHttpRequest) return;
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const refusal = document.getElementById("route-refusal");
  const limit = Number(form.dataset.maxBytes);
  const tx = window.rwWords;

  function show(reason, fileName, options) {
    refusal.replaceChildren();
    const p = document.createElement("p");
    p.className = "error";
    if (fileName) {
      // "<file> was not saved." with the file's name in bold, wherever the language puts it.
      const [before, after] = tx("not_saved", { file: "\u0000" }).split("\u0000");
      const name = document.createElement("strong");
      name.textContent = fileName;
      p.append(before, name, after + " ");
    }
    p.append(fileName ? reason.charAt(0).toUpperCase() + reason.slice(1) : reason);
    refusal.append(p);
    if (options && options.length) {
      const actions = document.createElement("div");
      actions.className = "actions instead";
      actions.setAttribute("aria-label", tx("instead"));
      for (const o of options) {
        if (o.kind === "reverse") {
          const again = document.createElement("button");
          again.type = "button";
          again.className = "primary";
          again.textContent = o.label;
          again.addEventListener("click", function () {
            const reverse = form.querySelector("input[name='r-reverse']");
            if (reverse) reverse.checked = !reverse.checked;
            send();
          });
          actions.append(again);
        } else if (o.href) {
          const link = document.createElement("a");
          link.className = "button";
          link.href = o.href;
          link.textContent = o.label;
          actions.append(link);
        }
      }
      refusal.append(actions);
    }
    bar.hidden = true;
    status.textContent = "";
    refusal.scrollIntoView({ block: "center" });
    refusal.focus({ preventScroll: true });
  }

  function send() {
    const input = form.querySelector("input[type=file]");
    const file = input && input.files && input.files[0];
    if (file.size > limit) {
      show(tx("too_big", { file: file.name, size: Math.round(file.size / 1048576) }), "", []);
      return;
    }
    const data = new FormData(form);
    data.append("route-plan", "1");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", window.location.pathname + window.location.search);
    xhr.setRequestHeader("X-Requested-With", "fetch");
    refusal.replaceChildren();
    bar.hidden = false;
    bar.value = 0;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = tx("uploading", { percent: bar.value });
      }
    });
    xhr.upload.addEventListener("load", function () { status.textContent = tx("reading"); });
    xhr.addEventListener("load", function () {
      if (xhr.status === 201) { window.location.href = xhr.responseText; return; }
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not ours: a proxy's or server's error page */ }
      if (body && body.error) show(body.error, body.file, body.instead);
      else show(tx("server", { status: xhr.status }), file.name, []);
    });
    xhr.addEventListener("error", function () {
      show(tx("network"), file.name, []);
    });
    xhr.send(data);
  }

  form.addEventListener("submit", function (event) {
    const input = form.querySelector("input[type=file]");
    if (!(input && input.files && input.files[0])) return; // a saved route: a plain post is quick
    event.preventDefault();
    send();
  });
})();
