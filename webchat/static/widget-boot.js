/*
 * Widget start-up (appended to chat.js inside one function by the server as /widget.js).
 * Embed: <script src="https://CHAT-SERVER/widget.js" crossorigin="anonymous" async></script>
 * The chat only appears when the chat server's API answers this site's origin (CORS).
 */
var script = document.currentScript;
var base = script && script.src ? new URL(script.src).origin : "";
var HOST_ID = "geldzorgen-chat";
var W = {
  open: "Chat over geldzorgen",
  close: "Sluit de chat",
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

function mountWidget(config) {
  if (document.getElementById(HOST_ID)) {
    return;
  }
  var host = document.createElement("div");
  host.id = HOST_ID;
  var shadow = host.attachShadow({ mode: "open" });
  document.body.appendChild(host);
  Promise.all([
    loadSheet(shadow, base + "/static/chat.css"),
    loadSheet(shadow, base + "/static/widget.css")
  ]).then(function () {
    var panelId = "gz-panel";
    var wrap = document.createElement("div");
    wrap.className = "gz-widget";
    wrap.setAttribute("lang", "nl");
    var launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "gz-btn gz-launcher";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", panelId);
    launcher.textContent = W.open;
    var panel = document.createElement("section");
    panel.id = panelId;
    panel.className = "gz-panel";
    panel.setAttribute("aria-label", W.open);
    panel.hidden = true;
    var closeButton = document.createElement("button");
    closeButton.type = "button";
    closeButton.className = "gz-btn gz-close";
    closeButton.setAttribute("aria-label", W.close);
    closeButton.textContent = "\u00d7";
    var body = document.createElement("div");
    body.className = "gz-panel-body";
    panel.appendChild(closeButton);
    panel.appendChild(body);
    wrap.appendChild(panel);
    wrap.appendChild(launcher);
    shadow.appendChild(wrap);
    var chat = GZChat.mount(body, { apiBase: base, maxChars: config.maxChars, headingLevel: 2 });
    host.gzChat = chat;

    function setOpen(open) {
      panel.hidden = !open;
      launcher.setAttribute("aria-expanded", open ? "true" : "false");
      wrap.classList.toggle("gz-open", open);
      if (open) {
        chat.input.focus();
      } else {
        launcher.focus();
      }
    }
    launcher.addEventListener("click", function () { setOpen(panel.hidden); });
    closeButton.addEventListener("click", function () { setOpen(false); });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !chat.dialog.open) {
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
