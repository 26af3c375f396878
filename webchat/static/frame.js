/*
 * Starts the chat inside the widget's iframe (/widget?host=<origin of the embedding site>).
 *
 * The iframe is a page of the chat server's own origin, so the embedding site's scripts
 * cannot read its DOM, its sessionStorage (the conversation id) or the component. The two
 * talk only through postMessage, with both origin and source checked:
 *   host -> frame: {type: "gz-open"}  (the panel opened: put the focus in the text field)
 *   frame -> host: {type: "gz-close"} (the close button or Escape: close the panel)
 * Neither message carries anything of the conversation.
 */
(function () {
  "use strict";
  var root = document.getElementById("chat");
  var hostOrigin = root.getAttribute("data-host");
  var maxChars = parseInt(root.getAttribute("data-max-chars") || "1000", 10);
  var chat = GZChat.mount(root, { apiBase: "", maxChars: maxChars, headingLevel: 2 });

  var close = document.createElement("button");
  close.type = "button";
  close.className = "gz-btn gz-close";
  close.setAttribute("aria-label", "Sluit de chat");
  close.textContent = "\u00d7";
  root.insertBefore(close, root.firstChild);

  function requestClose() {
    if (window.parent !== window) {
      window.parent.postMessage({ type: "gz-close" }, hostOrigin);
    }
  }

  close.addEventListener("click", requestClose);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !chat.dialog.open) {
      requestClose();
    }
  });
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || event.origin !== hostOrigin) {
      return;
    }
    if (event.data && event.data.type === "gz-open") {
      chat.input.focus();
    }
  });
})();
