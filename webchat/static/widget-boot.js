/*
 * The widget (served as /widget.js inside one function; defines no globals).
 * Embed: <script src="https://CHAT-SERVER/widget.js" crossorigin="anonymous" async></script>
 *
 * Only a launcher button and a panel live in the host page, in a closed shadow root. The
 * chat itself runs in an iframe of the chat server's own page (/widget?host=<this site>):
 * its conversation id, its storage and its DOM belong to the chat server's origin, so no
 * script of the host site can read a conversation. The launcher only appears when the
 * chat server's API answers this site's origin (CORS); the iframe only loads on sites in
 * WEBCHAT_ALLOWED_ORIGINS (CSP frame-ancestors).
 */
"use strict";
var script = document.currentScript;
var base = script && script.src ? new URL(script.src).origin : "";
var HOST_ID = "geldzorgen-chat";
var W = {
  open: "Chat over geldzorgen",
  refused: "Geldzorgen-chat: deze website staat niet in WEBCHAT_ALLOWED_ORIGINS van de chatserver."
};

function loadSheet(shadow, href) {
  return new Promise(function (resolve) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.onload = resolve;
    link.onerror = resolve;
    shadow.appendChild(link);
    setTimeout(resolve, 5000);
  });
}

function mountWidget() {
  if (document.getElementById(HOST_ID)) {
    return;
  }
  var host = document.createElement("div");
  host.id = HOST_ID;
  var shadow = host.attachShadow({ mode: "closed" });
  document.body.appendChild(host);
  loadSheet(shadow, base + "/static/widget.css").then(function () {
    var panelId = "gz-panel";
    var wrap = document.createElement("div");
    wrap.className = "gz-widget";
    wrap.setAttribute("lang", "nl");
    var launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "gz-launcher";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", panelId);
    launcher.textContent = W.open;
    var panel = document.createElement("section");
    panel.id = panelId;
    panel.className = "gz-panel";
    panel.setAttribute("aria-label", W.open);
    panel.hidden = true;
    var frame = document.createElement("iframe");
    frame.className = "gz-frame";
    frame.title = W.open;
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.src = base + "/widget?host=" + encodeURIComponent(window.location.origin);
    panel.appendChild(frame);
    wrap.appendChild(panel);
    wrap.appendChild(launcher);
    shadow.appendChild(wrap);

    function tellFrame(type) {
      if (frame.contentWindow) {
        frame.contentWindow.postMessage({ type: type }, base);
      }
    }

    function setOpen(open) {
      panel.hidden = !open;
      launcher.setAttribute("aria-expanded", open ? "true" : "false");
      wrap.classList.toggle("gz-open", open);
      if (open) {
        frame.focus();
        tellFrame("gz-open");
      } else {
        launcher.focus();
      }
    }

    launcher.addEventListener("click", function () { setOpen(panel.hidden); });
    frame.addEventListener("load", function () {
      if (!panel.hidden) {
        tellFrame("gz-open");
      }
    });
    window.addEventListener("message", function (event) {
      if (event.source !== frame.contentWindow || event.origin !== base) {
        return;
      }
      if (event.data && event.data.type === "gz-close" && !panel.hidden) {
        setOpen(false);
      }
    });
    host.setAttribute("data-ready", "true");
  });
}

function start() {
  fetch(base + "/api/config", { mode: "cors", credentials: "omit", cache: "no-store" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(mountWidget, function () {
      if (window.console) {
        window.console.warn(W.refused);
      }
    });
}

if (base) {
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
