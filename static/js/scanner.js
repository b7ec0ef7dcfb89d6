/* The camera of the scanner component (templates/macros/scanner.html), on the door's scanner
   page and at an employer's booth: read badge QR codes from the rear camera with jsQR (vendored)
   and post each one to the page's scan endpoint, which answers with the result card to show.

   Everything else on the page works without this file (plain forms, upgraded by htmx). The
   texts shown here come translated from the page's data- attributes. */
(function () {
  "use strict";

  var section = document.querySelector("[data-scanner]");
  if (!section) return;

  // A badge held in front of the camera is decoded many times a second: it is sent once, and
  // again only after it has been out of sight for this long.
  var REPEAT_MS = 3000;
  var TICK_MS = 120; // between two decodes; jsQR takes tens of milliseconds on a phone
  var MAX_WIDTH = 640; // frames are scaled down to this width before decoding

  var result = document.getElementById("scan-result");
  var form = document.getElementById("scan-form");
  var codeField = document.getElementById("field-code");
  var gateField = document.getElementById("field-gate");
  var video = section.querySelector("video");
  var toggle = section.querySelector("[data-scanner-toggle]");
  var status = section.querySelector("[data-scanner-status]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });

  var stream = null;
  var timer = null;
  var busy = false;
  var lastCode = "";
  var lastSeen = 0;

  function say(name) {
    status.textContent = section.getAttribute("data-text-" + name) || "";
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (error) {
      return "";
    }
  }

  function showCard(html) {
    result.innerHTML = html;
    if (window.htmx) window.htmx.process(result); // the card's undo form
  }

  function send(code) {
    busy = true;
    say("sending");
    var body = new URLSearchParams({ code: code, gate: gateField ? gateField.value : "" });
    fetch(section.getAttribute("data-scan-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken(), "HX-Request": "true", Accept: "text/html" },
    })
      .then(function (response) {
        return response.text().then(function (html) {
          if (response.ok || response.status === 422) {
            showCard(html);
            say("scanning");
          } else {
            say("error");
          }
        });
      })
      .catch(function () {
        say("offline");
      })
      .then(function () {
        busy = false;
      });
  }

  function seen(code) {
    var now = Date.now();
    if (code === lastCode) {
      var repeated = now - lastSeen < REPEAT_MS;
      lastSeen = now;
      if (repeated) return;
    }
    if (busy) return; // a new code while the previous one is being checked: read it again next tick
    lastCode = code;
    lastSeen = now;
    send(code);
  }

  function decode() {
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth > 0) {
      var scale = Math.min(1, MAX_WIDTH / video.videoWidth);
      var width = Math.round(video.videoWidth * scale);
      var height = Math.round(video.videoHeight * scale);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      context.drawImage(video, 0, 0, width, height);
      var pixels = context.getImageData(0, 0, width, height).data;
      var found = window.jsQR(pixels, width, height, { inversionAttempts: "dontInvert" });
      if (found && found.data) seen(found.data);
    }
    timer = window.setTimeout(decode, TICK_MS);
  }

  function stop() {
    window.clearTimeout(timer);
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    section.removeAttribute("data-state");
    toggle.textContent = section.getAttribute("data-start-label");
  }

  function start() {
    say("starting");
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        return video.play();
      })
      .then(function () {
        section.setAttribute("data-state", "on");
        toggle.textContent = section.getAttribute("data-stop-label");
        say("scanning");
        decode();
      })
      .catch(function () {
        stop();
        say("failed");
      });
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
    say("unsupported");
  } else {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      if (stream) {
        stop();
        status.textContent = "";
      } else {
        start();
      }
    });
    // A phone left on another tab must not keep its camera on.
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && stream) stop();
    });
  }

  // The typed (or hand-held scanner's) code is cleared for the next badge; focus stays put.
  if (form && codeField) {
    form.addEventListener("htmx:afterRequest", function () {
      codeField.value = "";
    });
  }

  // "Nothing to undo" answers 409: show its card too (htmx leaves 4xx answers unswapped).
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target === result && event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
